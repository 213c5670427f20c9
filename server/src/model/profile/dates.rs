//! Partial dates (`2019`, `2019-06`, `2019-06-14`) in words, in the reader's language.

use crate::query::Lang;

const MONTHS: [[&str; 12]; 4] = [
    [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ],
    [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
];

fn index(lang: Lang) -> usize {
    match lang {
        Lang::De => 0,
        Lang::En => 1,
        Lang::Fr => 2,
        Lang::Es => 3,
    }
}

/// The year, the month's name in `lang` and the day of a partial date, where they are valid.
fn parts(date: &str, lang: Lang) -> (&str, Option<&'static str>, Option<u32>) {
    let mut parts = date.split('-');
    let year = parts.next().unwrap_or_default();
    let month = parts
        .next()
        .and_then(|m| m.parse::<usize>().ok())
        .filter(|m| (1..=12).contains(m));
    let day = parts
        .next()
        .and_then(|d| d.parse::<u32>().ok())
        .filter(|d| (1..=31).contains(d));
    (year, month.map(|m| MONTHS[index(lang)][m - 1]), day)
}

/// A partial date (`2019`, `2019-06`, `2019-06-14`) as words, with the preposition it takes
/// in a sentence ("on 14 June 2019", "in June 2019", "in 2019").
#[must_use]
pub fn partial_date_phrase(date: &str, lang: Lang) -> String {
    let (year, month_name, day) = parts(date, lang);
    match (lang, month_name, day) {
        (Lang::De, Some(m), Some(d)) => format!("am {d}. {m} {year}"),
        (Lang::De, Some(m), None) => format!("im {m} {year}"),
        (Lang::De, None, _) => year.to_owned(),
        (Lang::En, Some(m), Some(d)) => format!("on {d} {m} {year}"),
        (Lang::En, Some(m), None) => format!("in {m} {year}"),
        (Lang::En, None, _) => format!("in {year}"),
        (Lang::Fr, Some(m), Some(d)) => {
            let d = if d == 1 {
                "1er".to_owned()
            } else {
                d.to_string()
            };
            format!("le {d} {m} {year}")
        }
        (Lang::Fr, Some(m), None) => format!("en {m} {year}"),
        (Lang::Fr, None, _) => format!("en {year}"),
        (Lang::Es, Some(m), Some(d)) => format!("el {d} de {m} de {year}"),
        (Lang::Es, Some(m), None) => format!("en {m} de {year}"),
        (Lang::Es, None, _) => format!("en {year}"),
    }
}

/// A partial date (`2019`, `2019-06`, `2019-06-14`, or the date of a timestamp) in words,
/// without a preposition ("14 June 2019", "14. Juni 2019", "14 de junio de 2019").
#[must_use]
pub fn partial_date(date: &str, lang: Lang) -> String {
    let (year, month_name, day) = parts(date.get(..10).unwrap_or(date), lang);
    let Some(m) = month_name else {
        return year.to_owned();
    };
    match (lang, day) {
        (Lang::De, Some(d)) => format!("{d}. {m} {year}"),
        (Lang::En, Some(d)) => format!("{d} {m} {year}"),
        (Lang::Fr, Some(1)) => format!("1er {m} {year}"),
        (Lang::Fr, Some(d)) => format!("{d} {m} {year}"),
        (Lang::Es, Some(d)) => format!("{d} de {m} de {year}"),
        (Lang::Es, None) => format!("{m} de {year}"),
        (_, None) => format!("{m} {year}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_without_a_preposition() {
        assert_eq!(partial_date("2019-06-14", Lang::De), "14. Juni 2019");
        assert_eq!(partial_date("2019-06", Lang::Es), "junio de 2019");
        assert_eq!(partial_date("2019-03-01", Lang::Fr), "1er mars 2019");
        assert_eq!(
            partial_date("2026-11-30T10:00:00+00:00", Lang::En),
            "30 November 2026"
        );
        assert_eq!(partial_date("2019", Lang::En), "2019");
    }

    #[test]
    fn partial_dates_read_as_words() {
        assert_eq!(partial_date_phrase("2019", Lang::En), "in 2019");
        assert_eq!(partial_date_phrase("2019-06", Lang::De), "im Juni 2019");
        assert_eq!(
            partial_date_phrase("2019-06-01", Lang::Fr),
            "le 1er juin 2019"
        );
    }
}
