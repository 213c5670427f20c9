//! Names by language from the Haven-written name tables (`country_names.csv`,
//! `region_names.csv`, `network_names.csv`): one row per key with `name_de`, `name_en`,
//! `name_fr` and `name_es`, read as companions of the files that define the keyed rows, so
//! that a name rides in the same write as its row and a re-import changes nothing.

use std::collections::HashMap;

use super::Ctx;
use super::source::CsvTable;

/// The languages of a name table, in column order.
pub const LANGUAGES: [&str; 4] = ["de", "en", "fr", "es"];

/// The names in `file` (if the directory has it) as JSON objects by the key that
/// `key_of` makes of a row's cells; rows without a key or without any name are skipped.
///
/// # Errors
/// When the file exists but cannot be read.
pub fn read(
    ctx: &Ctx<'_>,
    file: &str,
    key_of: impl Fn(&super::source::Cells<'_>) -> Option<String>,
) -> anyhow::Result<HashMap<String, serde_json::Map<String, serde_json::Value>>> {
    let path = ctx.path(file);
    if !path.exists() {
        return Ok(HashMap::new());
    }
    let table = CsvTable::read(&path)?;
    let mut names = HashMap::new();
    for row in &table.rows {
        let cells = table.cells(row);
        let Some(key) = key_of(&cells) else { continue };
        let by_language: serde_json::Map<String, serde_json::Value> = LANGUAGES
            .iter()
            .filter_map(|lang| {
                cells
                    .opt(&format!("name_{lang}"))
                    .map(|name| ((*lang).to_owned(), name.into()))
            })
            .collect();
        if !by_language.is_empty() {
            names.insert(key, by_language);
        }
    }
    Ok(names)
}

/// `names` for a row whose own name is `name` in `lang`: the table's names, with the row's
/// own name where the table has none for `lang`. `None` when there is nothing but the
/// row's own name and `lang` is not given.
#[must_use]
pub fn with_own(
    table: Option<&serde_json::Map<String, serde_json::Value>>,
    own: Option<(&str, &str)>,
) -> Option<String> {
    let mut names = table.cloned().unwrap_or_default();
    if let Some((lang, name)) = own {
        names.entry(lang.to_owned()).or_insert_with(|| name.into());
    }
    (!names.is_empty()).then(|| serde_json::Value::Object(names).to_string())
}
