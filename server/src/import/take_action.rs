//! `take_action.csv`: the campaigners' guides, one per Seebrücke demand and per policy area
//! and language. A guide's key must name a demand (`kind` demand) or a policy area (`kind`
//! policy_area) already loaded; a key and language appear once.

use std::collections::HashSet;

use super::report::RowError;
use super::source::CsvTable;
use super::stage::{self, Copy};
use super::validate;
use super::{Counts, Ctx};

/// The text columns of a guide, in the file and in `take_action_guides`.
const TEXTS: [&str; 7] = [
    "title",
    "intro",
    "who_decides",
    "motion",
    "costs",
    "objections",
    "next_steps",
];

/// Loads the file into `take_action_guides`.
pub async fn load_take_action(ctx: &mut Ctx<'_>) -> anyhow::Result<Counts> {
    let table = CsvTable::read(&ctx.path("take_action.csv"))?;
    let demands = keys(ctx, "SELECT key FROM demands").await?;
    let areas = keys(ctx, "SELECT slug FROM policy_areas").await?;
    let columns = ["key", "kind", "lang"]
        .into_iter()
        .chain(TEXTS)
        .collect::<Vec<_>>();
    stage::create(
        ctx.client,
        "stage_take_action",
        &columns
            .iter()
            .map(|c| format!("{c} text"))
            .collect::<Vec<_>>()
            .join(", "),
    )
    .await?;
    let mut copy = Copy::start(ctx.client, "stage_take_action", &columns).await?;
    let mut rows = 0;
    let mut seen = HashSet::new();
    for row in &table.rows {
        let cells = table.cells(row);
        let parsed = (|| {
            let kind = validate::one_of("kind", cells.get("kind"), &["demand", "policy_area"])?;
            let key = cells.required("key")?;
            let known = if kind == "demand" { &demands } else { &areas };
            if !known.contains(key) {
                return Err(RowError::new(
                    "key",
                    format!("{key:?} is not a known {}", kind.replace('_', " ")),
                ));
            }
            let lang = validate::one_of("lang", cells.get("lang"), &["de", "en", "fr", "es"])?;
            if !seen.insert((key.to_owned(), lang.clone())) {
                return Err(RowError::new(
                    "lang",
                    format!("{key:?} in {lang:?} appears twice"),
                ));
            }
            let mut values = vec![Some(key.to_owned()), Some(kind), Some(lang)];
            for column in TEXTS {
                values.push(Some(cells.required(column)?.to_owned()));
            }
            Ok(values)
        })();
        if ctx.copy_parsed(&mut copy, row.line, parsed).await? {
            rows += 1;
        }
    }
    copy.finish().await?;
    let list = columns.join(", ");
    let updates = columns[1..]
        .iter()
        .map(|c| format!("{c} = EXCLUDED.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let old = columns[1..]
        .iter()
        .map(|c| format!("t.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let new = columns[1..]
        .iter()
        .map(|c| format!("EXCLUDED.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let written = stage::upsert(
        ctx.client,
        &format!(
            "INSERT INTO take_action_guides AS t ({list}) SELECT {list} FROM stage_take_action
             ON CONFLICT (key, lang) DO UPDATE SET {updates}
             WHERE ({old}) IS DISTINCT FROM ({new})"
        ),
    )
    .await?;
    Ok(Counts::of(rows, written))
}

/// The first column of every row `sql` returns.
async fn keys(ctx: &Ctx<'_>, sql: &str) -> anyhow::Result<HashSet<String>> {
    Ok(ctx
        .client
        .query(sql, &[])
        .await?
        .iter()
        .map(|row| row.get::<_, String>(0))
        .collect())
}
