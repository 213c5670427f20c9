//! Citations of a city or practice page: one [`Citation`] written as plain text (in the
//! reader's language), BibTeX, RIS or CSL-JSON. The author is the organisation behind a
//! practice, else the Haven contributors; the publisher is Haven; the URL is the page's
//! permanent address at its revision, so a citation keeps pointing at what was read.

pub mod csl;

use serde_json::json;

use crate::domain::date::today;
use crate::model::city::CityDetailProperties;
use crate::model::history::Revisions;
use crate::model::practice::PracticeDetailProperties;
use crate::model::profile::partial_date;
use crate::query::Lang;

/// Who wrote a page when no organisation is named.
pub const HAVEN_CONTRIBUTORS: &str = "Haven contributors";

/// A citation's output format (`format=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Bibtex,
    Ris,
    CslJson,
}

impl Format {
    /// Every format, with its `format=` value.
    pub const ALL: [(Self, &'static str); 4] = [
        (Self::Text, "text"),
        (Self::Bibtex, "bibtex"),
        (Self::Ris, "ris"),
        (Self::CslJson, "csl-json"),
    ];

    /// The format named `name`.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .find(|(_, n)| n.eq_ignore_ascii_case(name))
            .map(|(f, _)| *f)
    }

    /// The media type of the format.
    #[must_use]
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Text => "text/plain; charset=utf-8",
            Self::Bibtex => "application/x-bibtex; charset=utf-8",
            Self::Ris => "application/x-research-info-systems; charset=utf-8",
            Self::CslJson => "application/vnd.citationstyles.csl+json",
        }
    }
}

/// Everything a citation of one page says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    /// A key for reference managers (`haven-practice-koeln-welcome-housing-r12`).
    pub key: String,
    /// The organisation, or [`HAVEN_CONTRIBUTORS`].
    pub author: String,
    pub title: String,
    /// The language of `title` (ISO 639-1).
    pub title_lang: String,
    /// The city the page is about.
    pub city: String,
    /// The permanent URL (with `?rev=N` when the page has revisions).
    pub url: String,
    pub revision: Option<i64>,
    /// The date of the revision cited (`YYYY-MM-DD`), else of the last change.
    pub issued: String,
    /// Today (`YYYY-MM-DD`).
    pub accessed: String,
    /// The language of the page cited.
    pub lang: Lang,
}

/// The revision a citation names (the one shown, else the newest) and its date.
fn revision_and_date(revisions: &Revisions, updated_at: &str) -> (Option<i64>, String) {
    match revisions.shown.as_ref().or(revisions.latest.as_ref()) {
        Some(stamp) => (Some(stamp.id), stamp.date.clone()),
        None => (None, updated_at.get(..10).unwrap_or(updated_at).to_owned()),
    }
}

/// `page` with `?rev=N` when there is a revision.
fn permanent(page: &str, revision: Option<i64>) -> String {
    revision.map_or_else(|| page.to_owned(), |n| format!("{page}?rev={n}"))
}

fn key(kind: &str, slug: &str, revision: Option<i64>) -> String {
    revision.map_or_else(
        || format!("haven-{kind}-{slug}"),
        |n| format!("haven-{kind}-{slug}-r{n}"),
    )
}

impl Citation {
    /// The citation of a city page at `page_url` (without `?rev`).
    #[must_use]
    pub fn of_city(
        city: &CityDetailProperties,
        revisions: &Revisions,
        page_url: &str,
        lang: Lang,
    ) -> Self {
        let (revision, issued) = revision_and_date(revisions, &city.updated_at);
        Self {
            key: key("city", &city.slug, revision),
            author: HAVEN_CONTRIBUTORS.to_owned(),
            title: city.name.clone(),
            title_lang: lang.code().to_owned(),
            city: city.name.clone(),
            url: permanent(page_url, revision),
            revision,
            issued,
            accessed: today(),
            lang,
        }
    }

    /// The citation of a practice page at `page_url` (without `?rev`).
    #[must_use]
    pub fn of_practice(
        practice: &PracticeDetailProperties,
        revisions: &Revisions,
        page_url: &str,
        lang: Lang,
    ) -> Self {
        let (revision, issued) = revision_and_date(revisions, &practice.updated_at);
        Self {
            key: key("practice", &practice.slug, revision),
            author: practice
                .organisation
                .clone()
                .filter(|o| !o.trim().is_empty())
                .unwrap_or_else(|| HAVEN_CONTRIBUTORS.to_owned()),
            title: practice.title.clone(),
            title_lang: practice.title_lang.clone(),
            city: practice.city.name.clone(),
            url: permanent(page_url, revision),
            revision,
            issued,
            accessed: today(),
            lang,
        }
    }

    /// The citation in `format`.
    #[must_use]
    pub fn write(&self, format: Format) -> String {
        match format {
            Format::Text => self.text(),
            Format::Bibtex => self.bibtex(),
            Format::Ris => self.ris(),
            Format::CslJson => self.csl_json(),
        }
    }

    /// A sentence in the page's language.
    #[must_use]
    pub fn text(&self) -> String {
        let lang = self.lang;
        let year = self.issued.get(..4).unwrap_or(&self.issued);
        let issued = partial_date(&self.issued, lang);
        let accessed = partial_date(&self.accessed, lang);
        let (author, title, city, url) = (&self.author, &self.title, &self.city, &self.url);
        let edition = match (lang, self.revision) {
            (Lang::De, Some(n)) => format!("Version {n} vom {issued}"),
            (Lang::De, None) => format!("Stand {issued}"),
            (Lang::En, Some(n)) => format!("revision {n} of {issued}"),
            (Lang::En, None) => issued,
            (Lang::Fr, Some(n)) => format!("version {n} du {issued}"),
            (Lang::Fr, None) => format!("état du {issued}"),
            (Lang::Es, Some(n)) => format!("versión {n} del {issued}"),
            (Lang::Es, None) => format!("estado del {issued}"),
        };
        let accessed = match lang {
            Lang::De => format!("abgerufen am {accessed}"),
            Lang::En => format!("accessed {accessed}"),
            Lang::Fr => format!("consulté le {accessed}"),
            Lang::Es => format!("consultado el {accessed}"),
        };
        let title = if title == city {
            title.clone()
        } else {
            format!("{title} ({city})")
        };
        format!("{author} ({year}). {title}. Haven, {edition}. {url} ({accessed}).")
    }

    /// A BibTeX `@misc` entry (with the biblatex fields `date`, `urldate` and `langid`).
    #[must_use]
    pub fn bibtex(&self) -> String {
        let year = self.issued.get(..4).unwrap_or(&self.issued);
        let mut note = self.city.clone();
        if let Some(n) = self.revision {
            note.push_str(&format!("; revision {n}"));
        }
        let fields = [
            ("author", format!("{{{}}}", bibtex_escape(&self.author))),
            ("title", format!("{{{}}}", bibtex_escape(&self.title))),
            ("howpublished", "Haven".to_owned()),
            ("publisher", "Haven".to_owned()),
            ("year", year.to_owned()),
            ("date", self.issued.clone()),
            ("url", self.url.clone()),
            ("urldate", self.accessed.clone()),
            ("note", bibtex_escape(&note)),
            ("langid", bibtex_language(&self.title_lang).to_owned()),
        ];
        let mut out = format!("@misc{{{},\n", self.key);
        for (name, value) in fields {
            out.push_str(&format!("  {name} = {{{value}}},\n"));
        }
        out.push_str("}\n");
        out
    }

    /// A RIS record (type `ELEC`, CRLF line ends).
    #[must_use]
    pub fn ris(&self) -> String {
        let mut lines = vec![
            ("TY", "ELEC".to_owned()),
            ("ID", self.key.clone()),
            ("AU", self.author.clone()),
            ("TI", self.title.clone()),
            ("PB", "Haven".to_owned()),
            (
                "PY",
                self.issued.get(..4).unwrap_or(&self.issued).to_owned(),
            ),
            ("DA", self.issued.replace('-', "/")),
            ("Y2", self.accessed.replace('-', "/")),
            ("UR", self.url.clone()),
            ("LA", self.title_lang.clone()),
            ("N1", self.city.clone()),
        ];
        if let Some(n) = self.revision {
            lines.push(("ET", format!("revision {n}")));
        }
        let mut out = String::new();
        for (tag, value) in lines {
            // A line break inside a value would start a new tag.
            let value = value.replace(['\r', '\n'], " ");
            out.push_str(&format!("{tag}  - {value}\r\n"));
        }
        out.push_str("ER  - \r\n");
        out
    }

    /// A CSL-JSON array with one `webpage` item.
    #[must_use]
    pub fn csl_json(&self) -> String {
        let parts = |date: &str| -> Vec<i64> {
            date.split('-')
                .filter_map(|part| part.parse::<i64>().ok())
                .collect()
        };
        let mut item = json!({
            "id": self.key,
            "type": "webpage",
            "title": self.title,
            "author": [{ "literal": self.author }],
            "container-title": "Haven",
            "publisher": "Haven",
            "URL": self.url,
            "issued": { "date-parts": [parts(&self.issued)] },
            "accessed": { "date-parts": [parts(&self.accessed)] },
            "language": self.title_lang,
            "note": self.city,
        });
        if let Some(n) = self.revision {
            item["version"] = json!(n.to_string());
        }
        json!([item]).to_string()
    }
}

/// Escapes the characters BibTeX treats specially.
fn bibtex_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' | '}' | '%' | '&' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            '\r' | '\n' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// The babel/polyglossia name of a language (biblatex `langid`).
fn bibtex_language(code: &str) -> &'static str {
    match code {
        "de" => "german",
        "fr" => "french",
        "es" => "spanish",
        "it" => "italian",
        "pl" => "polish",
        "nl" => "dutch",
        "pt" => "portuguese",
        "el" => "greek",
        "sv" => "swedish",
        _ => "english",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Citation {
        Citation {
            key: "haven-practice-x-r3".to_owned(),
            author: "Stadt Köln & Partner_innen".to_owned(),
            title: "Auszug {100%}".to_owned(),
            title_lang: "de".to_owned(),
            city: "Köln".to_owned(),
            url: "https://haven.example/de/practices/x?rev=3".to_owned(),
            revision: Some(3),
            issued: "2026-11-30".to_owned(),
            accessed: "2026-12-01".to_owned(),
            lang: Lang::De,
        }
    }

    #[test]
    fn text_names_author_title_city_revision_and_dates() {
        assert_eq!(
            sample().text(),
            "Stadt Köln & Partner_innen (2026). Auszug {100%} (Köln). Haven, Version 3 vom \
             30. November 2026. https://haven.example/de/practices/x?rev=3 (abgerufen am \
             1. Dezember 2026)."
        );
    }

    #[test]
    fn bibtex_escapes_special_characters() {
        let bib = sample().bibtex();
        assert!(
            bib.contains("author = {{Stadt Köln \\& Partner\\_innen}}"),
            "{bib}"
        );
        assert!(bib.contains("title = {{Auszug \\{100\\%\\}}}"), "{bib}");
    }

    #[test]
    fn formats_by_name() {
        assert_eq!(Format::parse("CSL-JSON"), Some(Format::CslJson));
        assert_eq!(Format::parse("mla"), None);
    }
}
