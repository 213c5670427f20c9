//! The catalogues every other table refers to: policy areas, Seebrücke's demands and the
//! networks. Their files have the same columns in the bundled dataset and in an export.

use std::collections::HashSet;

use super::report::RowError;
use super::source::{Cells, CsvTable};
use super::stage::{self, Copy};
use super::validate;
use super::{Counts, Ctx};
use crate::domain::slug::SAFE_HARBOUR_CAMPAIGN;

const LANGS: [&str; 4] = ["de", "en", "fr", "es"];

/// `{"de": .., "en": .., "fr": .., "es": ..}` from the columns `<prefix>_<lang>`, all required.
fn by_language(cells: &Cells<'_>, prefix: &str) -> Result<String, RowError> {
    let mut object = serde_json::Map::new();
    for lang in LANGS {
        let column = format!("{prefix}_{lang}");
        object.insert(lang.to_owned(), cells.required(&column)?.into());
    }
    Ok(serde_json::Value::Object(object).to_string())
}

fn position(cells: &Cells<'_>, max: i64) -> Result<String, RowError> {
    match cells.int("position")? {
        Some(position) if (1..=max).contains(&position) => Ok(position.to_string()),
        Some(position) => Err(RowError::new(
            "position",
            format!("must be between 1 and {max}: {position}"),
        )),
        None => Err(RowError::new("position", "required, but empty")),
    }
}

/// `policy_areas.csv`: slug, position, labels and descriptions in de/en/fr/es.
pub async fn load_policy_areas(ctx: &mut Ctx<'_>) -> anyhow::Result<Counts> {
    let table = CsvTable::read(&ctx.path("policy_areas.csv"))?;
    stage::create(
        ctx.client,
        "stage_policy_areas",
        "slug text, position smallint, labels text, descriptions text",
    )
    .await?;
    let mut copy = Copy::start(
        ctx.client,
        "stage_policy_areas",
        &["slug", "position", "labels", "descriptions"],
    )
    .await?;
    let mut rows = 0;
    let mut seen = HashSet::new();
    for row in &table.rows {
        let cells = table.cells(row);
        let parsed = (|| {
            let slug = validate::new_slug("slug", cells.get("slug"), &mut seen)?;
            Ok([
                Some(slug),
                Some(position(&cells, 100)?),
                Some(by_language(&cells, "label")?),
                Some(by_language(&cells, "description")?),
            ])
        })();
        if ctx.copy_parsed(&mut copy, row.line, parsed).await? {
            rows += 1;
        }
    }
    copy.finish().await?;
    let written = stage::upsert(
        ctx.client,
        "INSERT INTO policy_areas AS t (slug, position, labels, descriptions)
         SELECT slug, position, labels::jsonb, descriptions::jsonb FROM stage_policy_areas
         ON CONFLICT (slug) DO UPDATE SET position = EXCLUDED.position, labels = EXCLUDED.labels,
             descriptions = EXCLUDED.descriptions
         WHERE (t.position, t.labels, t.descriptions) IS DISTINCT FROM
               (EXCLUDED.position, EXCLUDED.labels, EXCLUDED.descriptions)",
    )
    .await?;
    Ok(Counts::of(rows, written))
}

/// `safe_harbour_demands.csv` (bundled) or `demands.csv` (export): the eight demands.
pub async fn load_demands(ctx: &mut Ctx<'_>) -> anyhow::Result<Counts> {
    let file = ctx.problems.file().to_owned();
    let table = CsvTable::read(&ctx.path(&file))?;
    stage::create(
        ctx.client,
        "stage_demands",
        "key text, position smallint, labels text, descriptions text, source text",
    )
    .await?;
    let mut copy = Copy::start(
        ctx.client,
        "stage_demands",
        &["key", "position", "labels", "descriptions", "source"],
    )
    .await?;
    let mut rows = 0;
    for row in &table.rows {
        let cells = table.cells(row);
        let parsed = (|| {
            let key = cells.required("key")?;
            if !key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
                return Err(RowError::new(
                    "key",
                    format!("not a demand key (a-z and _): {key:?}"),
                ));
            }
            Ok([
                Some(key.to_owned()),
                Some(position(&cells, 8)?),
                Some(by_language(&cells, "label")?),
                Some(by_language(&cells, "description")?),
                cells.opt("source").map(str::to_owned),
            ])
        })();
        if ctx.copy_parsed(&mut copy, row.line, parsed).await? {
            rows += 1;
        }
    }
    copy.finish().await?;
    let written = stage::upsert(
        ctx.client,
        "INSERT INTO demands AS t (key, position, labels, descriptions, source)
         SELECT key, position, labels::jsonb, descriptions::jsonb, source FROM stage_demands
         ON CONFLICT (key) DO UPDATE SET position = EXCLUDED.position, labels = EXCLUDED.labels,
             descriptions = EXCLUDED.descriptions, source = EXCLUDED.source
         WHERE (t.position, t.labels, t.descriptions, t.source) IS DISTINCT FROM
               (EXCLUDED.position, EXCLUDED.labels, EXCLUDED.descriptions, EXCLUDED.source)",
    )
    .await?;
    Ok(Counts::of(rows, written))
}

/// `networks.csv`: one row per network, keyed by `network_id` (its slug). Names by language
/// come from the file's `names` column (an export) or from `network_names.csv` (the bundle).
pub async fn load_networks(ctx: &mut Ctx<'_>) -> anyhow::Result<Counts> {
    let table = CsvTable::read(&ctx.path("networks.csv"))?;
    let translated = super::names::read(ctx, "network_names.csv", |cells| {
        cells.opt("network_id").map(str::to_owned)
    })?;
    const COLUMNS: &[&str] = &[
        "slug",
        "name",
        "kind",
        "scope",
        "founded",
        "coordinator",
        "website",
        "reported_members",
        "reported_as_of",
        "source_url",
        "is_safe_harbour_campaign",
        "description",
        "names",
    ];
    stage::create(
        ctx.client,
        "stage_networks",
        "slug text, name text, kind text, scope text, founded text, coordinator text, website text, \
         reported_members text, reported_as_of text, source_url text, is_safe_harbour_campaign boolean, description text, \
         names text",
    )
    .await?;
    let mut copy = Copy::start(ctx.client, "stage_networks", COLUMNS).await?;
    let explicit_campaign = table.has("is_safe_harbour_campaign");
    let mut rows = 0;
    for row in &table.rows {
        let cells = table.cells(row);
        let parsed = (|| {
            let slug = validate::slug("network_id", cells.get("network_id"))?;
            let campaign = if explicit_campaign {
                validate::one_of(
                    "is_safe_harbour_campaign",
                    cells.get("is_safe_harbour_campaign"),
                    &["true", "false"],
                )? == "true"
            } else {
                slug == SAFE_HARBOUR_CAMPAIGN
            };
            let description = cells
                .opt("description")
                .map(|text| validate::json_object("description", text).map(|v| v.to_string()))
                .transpose()?;
            let names = match cells.opt("names") {
                Some(text) => Some(validate::json_object("names", text)?.to_string()),
                None => super::names::with_own(translated.get(&slug), None),
            };
            Ok([
                Some(slug),
                Some(cells.required("name")?.to_owned()),
                Some(cells.required("type")?.to_owned()),
                cells.opt("scope").map(str::to_owned),
                founded(&cells)?,
                cells.opt("coordinator").map(str::to_owned),
                cells.url("website")?,
                cells.opt("reported_members").map(str::to_owned),
                cells.opt("reported_as_of").map(str::to_owned),
                cells.url("source_url")?,
                Some(campaign.to_string()),
                description,
                names,
            ])
        })();
        if ctx.copy_parsed(&mut copy, row.line, parsed).await? {
            rows += 1;
        }
    }
    copy.finish().await?;
    // The campaign flag is unique: clear it where it moves before setting it elsewhere.
    let mut written = stage::Written {
        inserted: 0,
        updated: stage::execute(
            ctx.client,
            "UPDATE networks n SET is_safe_harbour_campaign = false FROM stage_networks s
             WHERE s.slug = n.slug AND n.is_safe_harbour_campaign AND NOT s.is_safe_harbour_campaign",
        )
        .await?,
    };
    written += stage::upsert(
        ctx.client,
        "INSERT INTO networks AS t (slug, name, kind, scope, founded, coordinator, website, reported_members,
                                     reported_as_of, source_url, is_safe_harbour_campaign, description, names)
         SELECT slug, name, kind, scope, founded, coordinator, website, reported_members, reported_as_of,
                source_url, is_safe_harbour_campaign, coalesce(description, '{}')::jsonb,
                coalesce(names, '{}')::jsonb
         FROM stage_networks
         ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, scope = EXCLUDED.scope,
             founded = EXCLUDED.founded, coordinator = EXCLUDED.coordinator, website = EXCLUDED.website,
             reported_members = EXCLUDED.reported_members, reported_as_of = EXCLUDED.reported_as_of,
             source_url = EXCLUDED.source_url, is_safe_harbour_campaign = EXCLUDED.is_safe_harbour_campaign,
             description = EXCLUDED.description, names = EXCLUDED.names
         WHERE (t.name, t.kind, t.scope, t.founded, t.coordinator, t.website, t.reported_members,
                t.reported_as_of, t.source_url, t.is_safe_harbour_campaign, t.description, t.names)
             IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.kind, EXCLUDED.scope, EXCLUDED.founded,
                EXCLUDED.coordinator, EXCLUDED.website, EXCLUDED.reported_members, EXCLUDED.reported_as_of,
                EXCLUDED.source_url, EXCLUDED.is_safe_harbour_campaign, EXCLUDED.description, EXCLUDED.names)",
    )
    .await?;
    Ok(Counts::of(rows, written))
}

/// `founded`: a partial date, or a partial date followed by a qualifier in parentheses
/// (`2009 (Welcoming America)`), of which the date is kept.
fn founded(cells: &Cells<'_>) -> Result<Option<String>, RowError> {
    let Some(value) = cells.opt("founded") else {
        return Ok(None);
    };
    let date = match value.split_once(" (") {
        Some((date, rest)) if rest.ends_with(')') => date,
        _ => value,
    };
    validate::partial_date("founded", date).map(Some)
}

/// The keys of Seebrücke's demands in the database.
///
/// # Errors
/// On a database error.
pub async fn known_demands(ctx: &Ctx<'_>) -> anyhow::Result<HashSet<String>> {
    Ok(ctx
        .client
        .query("SELECT key FROM demands", &[])
        .await?
        .iter()
        .map(|row| row.get(0))
        .collect())
}

/// The slugs of `table` (`networks`, `policy_areas`) in the database.
///
/// # Errors
/// On a database error.
pub async fn known_slugs(ctx: &Ctx<'_>, table: &str) -> anyhow::Result<HashSet<String>> {
    Ok(ctx
        .client
        .query(&format!("SELECT slug::text FROM {table}"), &[])
        .await?
        .iter()
        .map(|row| row.get(0))
        .collect())
}
