//! A city's short profile, composed from its data in the reader's language: its Safe
//! Harbour declaration, its network memberships, what the sources say of Seebrücke's
//! demands, and its practices by policy area. Every listed city has one, also where no
//! featured profile has been written.

mod dates;

use serde::Deserialize;

use crate::domain::slug::SAFE_HARBOUR_CAMPAIGN;
use crate::query::Lang;
pub use dates::{partial_date, partial_date_phrase};

/// The parts of a city's detail document the profile is made of.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ProfileFacts {
    pub name: String,
    pub safe_harbour: Option<SafeHarbourFact>,
    pub memberships: Vec<MembershipFact>,
    pub demands: Vec<DemandFact>,
    pub practice_count: i64,
    pub policy_area_labels: Vec<String>,
}

/// The Safe Harbour declaration.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SafeHarbourFact {
    pub since: Option<String>,
}

/// A membership.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MembershipFact {
    pub network: String,
    pub network_name: String,
    pub status: String,
    pub since: Option<String>,
}

/// A demand's standing.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DemandFact {
    pub decided: Option<bool>,
    pub fulfilled: Option<bool>,
}

/// The year of a partial date ("since 2019").
fn year_of(date: &str) -> &str {
    date.split('-').next().unwrap_or(date)
}

/// `items` joined as a list in `lang` ("A, B and C").
fn list(items: &[String], lang: Lang) -> String {
    let and = match lang {
        Lang::De => "und",
        Lang::En => "and",
        Lang::Fr => "et",
        Lang::Es => "y",
    };
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {and} {last}", init.join(", ")),
    }
}

/// The profile of the city described by `facts`, in `lang`.
#[must_use]
pub fn compose(facts: &ProfileFacts, lang: Lang) -> String {
    let name = &facts.name;
    let mut sentences = Vec::new();
    if let Some(harbour) = &facts.safe_harbour {
        sentences.push(match (lang, harbour.since.as_deref()) {
            (Lang::De, Some(d)) => format!(
                "{name} hat sich {} zum Sicheren Hafen erklärt.",
                partial_date_phrase(d, lang)
            ),
            (Lang::De, None) => format!(
                "{name} ist als Sicherer Hafen verzeichnet; das Datum der Erklärung ist nicht bekannt."
            ),
            (Lang::En, Some(d)) => format!(
                "{name} declared itself a Safe Harbour {}.",
                partial_date_phrase(d, lang)
            ),
            (Lang::En, None) => format!(
                "{name} is listed as a Safe Harbour; the date of its declaration is not known."
            ),
            (Lang::Fr, Some(d)) => format!(
                "{name} a adopté une déclaration de port sûr {}.",
                partial_date_phrase(d, lang)
            ),
            (Lang::Fr, None) => format!(
                "{name} figure parmi les ports sûrs ; la date de sa déclaration n'est pas connue."
            ),
            (Lang::Es, Some(d)) => format!(
                "{name} aprobó una declaración de puerto seguro {}.",
                partial_date_phrase(d, lang)
            ),
            (Lang::Es, None) => format!(
                "{name} figura como puerto seguro; no consta la fecha de su declaración."
            ),
        });
    }
    let networks: Vec<String> = facts
        .memberships
        .iter()
        .filter(|m| m.network != SAFE_HARBOUR_CAMPAIGN && m.status != "left")
        .map(|m| match m.since.as_deref() {
            Some(since) => {
                let word = match lang {
                    Lang::De => "seit",
                    Lang::En => "since",
                    Lang::Fr => "depuis",
                    Lang::Es => "desde",
                };
                format!("{} ({word} {})", m.network_name, year_of(since))
            }
            None => m.network_name.clone(),
        })
        .collect();
    if networks.is_empty() {
        if facts.safe_harbour.is_none() {
            sentences.push(match lang {
                Lang::De => {
                    format!("Für {name} ist keine Mitgliedschaft in einem Netzwerk verzeichnet.")
                }
                Lang::En => format!("No network membership is recorded for {name}."),
                Lang::Fr => {
                    format!("Aucune adhésion à un réseau n'est enregistrée pour {name}.")
                }
                Lang::Es => format!("No consta ninguna pertenencia de {name} a una red."),
            });
        }
    } else {
        let networks = list(&networks, lang);
        sentences.push(match lang {
            Lang::De => format!("{name} ist Mitglied von {networks}."),
            Lang::En => format!("{name} is a member of {networks}."),
            Lang::Fr => format!("{name} est membre des réseaux suivants : {networks}."),
            Lang::Es => format!("{name} es miembro de las siguientes redes: {networks}."),
        });
    }
    let decided = facts
        .demands
        .iter()
        .filter(|d| d.decided == Some(true))
        .count();
    let fulfilled = facts
        .demands
        .iter()
        .filter(|d| d.fulfilled == Some(true))
        .count();
    if decided > 0 {
        sentences.push(match lang {
            Lang::De => format!(
                "Von den acht Forderungen der Seebrücke sind laut den Quellen {decided} beschlossen, {fulfilled} davon umgesetzt."
            ),
            Lang::En => format!(
                "Of Seebrücke's eight demands, the sources show {decided} decided, {fulfilled} of them fulfilled."
            ),
            Lang::Fr => format!(
                "Sur les huit revendications de Seebrücke, les sources en montrent {decided} adoptées, dont {fulfilled} mises en œuvre."
            ),
            Lang::Es => format!(
                "De las ocho demandas de Seebrücke, las fuentes muestran {decided} aprobadas, {fulfilled} de ellas cumplidas."
            ),
        });
    }
    let count = facts.practice_count;
    let areas = facts.policy_area_labels.len();
    let labels = list(&facts.policy_area_labels, lang);
    sentences.push(match (lang, count) {
        (Lang::De, 0) => format!("Für {name} ist noch kein Praxisbeispiel verzeichnet."),
        (Lang::En, 0) => format!("Haven lists no practice of {name} yet."),
        (Lang::Fr, 0) => format!("Haven ne recense encore aucune pratique pour {name}."),
        (Lang::Es, 0) => format!("Haven aún no recoge ninguna práctica de {name}."),
        (Lang::De, 1) => format!("Haven verzeichnet ein Praxisbeispiel im Bereich {labels}."),
        (Lang::En, 1) => format!("Haven lists one practice, in {labels}."),
        (Lang::Fr, 1) => format!("Haven recense une pratique, dans le domaine {labels}."),
        (Lang::Es, 1) => format!("Haven recoge una práctica, en el ámbito {labels}."),
        (Lang::De, _) => {
            let fields = if areas == 1 { "Bereich" } else { "Bereichen" };
            format!("Haven verzeichnet {count} Praxisbeispiele in {areas} {fields}: {labels}.")
        }
        (Lang::En, _) => {
            let word = if areas == 1 { "area" } else { "areas" };
            format!("Haven lists {count} practices in {areas} policy {word}: {labels}.")
        }
        (Lang::Fr, _) => {
            let word = if areas == 1 { "domaine" } else { "domaines" };
            format!("Haven recense {count} pratiques dans {areas} {word} : {labels}.")
        }
        (Lang::Es, _) => {
            let word = if areas == 1 { "ámbito" } else { "ámbitos" };
            format!("Haven recoge {count} prácticas en {areas} {word}: {labels}.")
        }
    });
    sentences.join(" ")
}

/// A city's detail document (a GeoJSON Feature as text) with `profile` added to its
/// properties, composed from the document itself.
///
/// # Errors
/// When the document is not the JSON the detail query builds.
pub fn with_profile(feature: &str, lang: Lang) -> serde_json::Result<serde_json::Value> {
    let mut document: serde_json::Value = serde_json::from_str(feature)?;
    if let Some(properties) = document.get_mut("properties") {
        let facts: ProfileFacts = serde_json::from_value(properties.clone())?;
        if let Some(map) = properties.as_object_mut() {
            map.insert("profile".to_owned(), compose(&facts, lang).into());
        }
    }
    Ok(document)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> ProfileFacts {
        ProfileFacts {
            name: "Köln".to_owned(),
            safe_harbour: Some(SafeHarbourFact {
                since: Some("2018-09-06".to_owned()),
            }),
            memberships: vec![
                MembershipFact {
                    network: SAFE_HARBOUR_CAMPAIGN.to_owned(),
                    network_name: "Sicherer Hafen".to_owned(),
                    status: "declared".to_owned(),
                    since: Some("2018-09-06".to_owned()),
                },
                MembershipFact {
                    network: "eurocities".to_owned(),
                    network_name: "Eurocities".to_owned(),
                    status: "member".to_owned(),
                    since: Some("2001".to_owned()),
                },
                MembershipFact {
                    network: "iash".to_owned(),
                    network_name: "IASH".to_owned(),
                    status: "member".to_owned(),
                    since: None,
                },
            ],
            demands: vec![
                DemandFact {
                    decided: Some(true),
                    fulfilled: Some(true),
                },
                DemandFact {
                    decided: Some(true),
                    fulfilled: None,
                },
                DemandFact::default(),
            ],
            practice_count: 4,
            policy_area_labels: vec!["Health".to_owned(), "Housing".to_owned()],
        }
    }

    #[test]
    fn a_profile_says_what_the_data_says_in_every_language() {
        assert_eq!(
            compose(&facts(), Lang::En),
            "Köln declared itself a Safe Harbour on 6 September 2018. Köln is a member of \
             Eurocities (since 2001) and IASH. Of Seebrücke's eight demands, the sources show 2 \
             decided, 1 of them fulfilled. Haven lists 4 practices in 2 policy areas: Health and \
             Housing."
        );
        assert!(
            compose(&facts(), Lang::De)
                .starts_with("Köln hat sich am 6. September 2018 zum Sicheren Hafen erklärt.")
        );
        assert!(compose(&facts(), Lang::Fr).contains("le 6 septembre 2018"));
        assert!(compose(&facts(), Lang::Es).contains("el 6 de septiembre de 2018"));
    }

    #[test]
    fn a_city_with_nothing_recorded_says_so() {
        let facts = ProfileFacts {
            name: "Riace".to_owned(),
            ..ProfileFacts::default()
        };
        assert_eq!(
            compose(&facts, Lang::En),
            "No network membership is recorded for Riace. Haven lists no practice of Riace yet."
        );
    }
}
