//! The words of the pages, which feeds and mails share, in Haven's four languages: one
//! [`Words`] per language, checked by the compiler (every language has every field). The wording follows the map client's, so
//! the map and the pages use the same names and labels; content (city and practice texts)
//! comes translated from the data and is not here.

mod de;
mod en;
mod es;
mod fr;

use crate::query::Lang;

/// Every fixed text of the pages in one language. `{…}` marks a value filled in by the page.
#[derive(Debug)]
pub struct Words {
    pub language_name: &'static str,
    pub tagline: &'static str,
    pub skip: &'static str,
    pub nav_map: &'static str,
    pub nav_index: &'static str,
    pub nav_about: &'static str,
    pub nav_data: &'static str,
    pub nav_take_action: &'static str,
    pub language_label: &'static str,
    pub footer: &'static str,
    pub show_on_map: &'static str,
    pub kind_city: &'static str,
    pub kind_practice: &'static str,
    pub kind_network: &'static str,
    pub kind_policy_area: &'static str,
    pub not_found_title: &'static str,
    pub not_found_text: &'static str,
    pub content_original: &'static str,
    pub content_fallback: &'static str,
    pub last_changed: &'static str,
    pub revision: &'static str,
    pub history: &'static str,
    pub rev_banner: &'static str,
    pub rev_current: &'static str,
    pub cite_heading: &'static str,
    pub cite_copy: &'static str,
    pub cite_copied: &'static str,
    pub cite_copy_failed: &'static str,
    pub cite_formats: &'static str,
    pub permalink: &'static str,
    pub feed_practices: &'static str,
    pub feed_harbours: &'static str,
    pub needs_checking: &'static str,
    pub check_short: &'static str,
    pub single_source: &'static str,
    pub confidence_medium: &'static str,
    pub confidence_low: &'static str,
    pub demands_note: &'static str,
    pub city_kinds: [(&'static str, &'static str); 5],
    pub country: &'static str,
    pub region: &'static str,
    pub district: &'static str,
    pub population: &'static str,
    pub official_name: &'static str,
    pub website: &'static str,
    pub identifiers: &'static str,
    pub profile: &'static str,
    pub featured: &'static str,
    pub featured_sources: &'static str,
    pub safe_harbour_since: &'static str,
    pub safe_harbour: &'static str,
    pub alliance_member: &'static str,
    pub networks: &'static str,
    pub no_networks: &'static str,
    pub network: &'static str,
    pub status: &'static str,
    pub role: &'static str,
    pub since: &'static str,
    pub until: &'static str,
    pub as_of: &'static str,
    pub evidence: &'static str,
    pub membership_statuses: [(&'static str, &'static str); 4],
    pub demands: &'static str,
    pub demands_caption: &'static str,
    pub demand: &'static str,
    pub decided: &'static str,
    pub fulfilled: &'static str,
    pub sources: &'static str,
    pub no_demands: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub unknown: &'static str,
    pub evidence_statuses: [(&'static str, &'static str); 3],
    pub practices: &'static str,
    pub no_practices: &'static str,
    pub policy_areas: &'static str,
    pub city: &'static str,
    pub organisation: &'static str,
    pub years: &'static str,
    pub since_year: &'static str,
    pub practice_statuses: [(&'static str, &'static str); 4],
    pub as_of_date: &'static str,
    pub contact: &'static str,
    pub summary: &'static str,
    pub description: &'static str,
    pub transferability: &'static str,
    pub original_title: &'static str,
    pub accessed: &'static str,
    pub network_kind: &'static str,
    pub scope: &'static str,
    pub founded: &'static str,
    pub members: &'static str,
    pub no_members: &'static str,
    pub campaign_note: &'static str,
    pub area_practices: &'static str,
    pub index_title: &'static str,
    pub index_intro: &'static str,
    pub cities: &'static str,
    pub about_title: &'static str,
    pub about: &'static [(&'static str, &'static [&'static str])],
    pub data_title: &'static str,
    pub data_intro: &'static str,
    pub download_heading: &'static str,
    pub download_text: &'static str,
    pub download_size: &'static str,
    pub csv_heading: &'static str,
    pub csv_text: &'static str,
    pub interfaces_heading: &'static str,
    pub api_docs: &'static str,
    pub ogc: &'static str,
    pub tiles: &'static str,
    pub feeds_heading: &'static str,
    pub licences_heading: &'static str,
    pub licences_intro: &'static str,
    pub attribution_what: &'static [&'static str; 6],
    pub licence_code: &'static str,
    pub facts_licence: &'static str,
}

impl Words {
    /// The label of `key` in a `(key, label)` table, else the key itself.
    #[must_use]
    pub fn label(table: &[(&'static str, &'static str)], key: &str) -> String {
        table
            .iter()
            .find(|(k, _)| *k == key)
            .map_or_else(|| key.replace('_', " "), |(_, label)| (*label).to_owned())
    }
}

/// The words of `lang`.
#[must_use]
pub fn words(lang: Lang) -> &'static Words {
    in_lang(lang, [&de::DE, &en::EN, &fr::FR, &es::ES])
}

/// The one of four values (German, English, French, Spanish) that is in `lang`.
#[must_use]
pub const fn in_lang<T>(lang: Lang, [de, en, fr, es]: [&'static T; 4]) -> &'static T {
    match lang {
        Lang::De => de,
        Lang::En => en,
        Lang::Fr => fr,
        Lang::Es => es,
    }
}

/// The name of the language `code` in `lang` (for "shown in …" notes), else the code.
#[must_use]
pub fn language_name(code: &str, lang: Lang) -> String {
    const NAMES: [(&str, [&str; 4]); 14] = [
        ("de", ["Deutsch", "German", "allemand", "alemán"]),
        ("en", ["Englisch", "English", "anglais", "inglés"]),
        ("fr", ["Französisch", "French", "français", "francés"]),
        ("es", ["Spanisch", "Spanish", "espagnol", "español"]),
        ("it", ["Italienisch", "Italian", "italien", "italiano"]),
        ("pl", ["Polnisch", "Polish", "polonais", "polaco"]),
        (
            "nl",
            ["Niederländisch", "Dutch", "néerlandais", "neerlandés"],
        ),
        (
            "pt",
            ["Portugiesisch", "Portuguese", "portugais", "portugués"],
        ),
        ("el", ["Griechisch", "Greek", "grec", "griego"]),
        ("sv", ["Schwedisch", "Swedish", "suédois", "sueco"]),
        ("da", ["Dänisch", "Danish", "danois", "danés"]),
        ("fi", ["Finnisch", "Finnish", "finnois", "finés"]),
        ("cs", ["Tschechisch", "Czech", "tchèque", "checo"]),
        ("ca", ["Katalanisch", "Catalan", "catalan", "catalán"]),
    ];
    let column = match lang {
        Lang::De => 0,
        Lang::En => 1,
        Lang::Fr => 2,
        Lang::Es => 3,
    };
    NAMES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or_else(|| code.to_owned(), |(_, names)| names[column].to_owned())
}
