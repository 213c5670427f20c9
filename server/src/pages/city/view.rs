//! What a city's page shows of the city's document: facts, identifiers, memberships,
//! demands with their evidence, practices and policy areas, in the page's language.

use super::{
    CityPage, DemandView, EvidenceView, LabelledLink, MembershipView, PracticeLink, area_label,
};
use crate::model::city::CityDetailProperties;
use crate::model::profile::partial_date;
use crate::pages::{Chrome, Content, Provenance, number};
use crate::query::Lang;
use crate::words::{Words, words};

fn answer(w: &'static Words, value: Option<bool>) -> (&'static str, &'static str) {
    match value {
        Some(true) => (w.yes, "yes"),
        Some(false) => (w.no, "no"),
        None => (w.unknown, "unknown"),
    }
}

pub(super) fn view(
    page: Chrome,
    city: &CityDetailProperties,
    area_labels: &[(String, String)],
    guides: &std::collections::HashSet<String>,
    foot: Provenance,
    lang: Lang,
) -> CityPage {
    let w = words(lang);
    let date = |d: &Option<String>| d.as_deref().map(|d| partial_date(d, lang));
    let mut facts = vec![(w.country, city.country_name.clone())];
    if let Some(region) = &city.region {
        facts.push((w.region, region.name.clone()));
    }
    if let Some(district) = &city.district {
        facts.push((w.district, district.name.clone()));
    }
    if let Some(official) = &city.official_name {
        facts.push((w.official_name, official.clone()));
    }
    if let Some(population) = city.population {
        facts.push((w.population, number(population, lang)));
    }
    let mut identifiers = Vec::new();
    if let Some(id) = &city.wikidata {
        identifiers.push(LabelledLink {
            href: format!("https://www.wikidata.org/wiki/{id}"),
            label: format!("Wikidata {id}"),
        });
    }
    if let Some(id) = city.geonameid {
        identifiers.push(LabelledLink {
            href: format!("https://www.geonames.org/{id}"),
            label: format!("GeoNames {id}"),
        });
    }
    if let Some(ags) = &city.ags {
        facts.push(("AGS", ags.clone()));
    }
    let mut status_line = Vec::new();
    if let Some(harbour) = &city.safe_harbour {
        status_line.push(match &harbour.since {
            Some(since) => w
                .safe_harbour_since
                .replace("{date}", &partial_date(since, lang)),
            None => w.safe_harbour.to_owned(),
        });
    }
    if city.alliance_member {
        status_line.push(w.alliance_member.to_owned());
    }
    let memberships: Vec<MembershipView> = city
        .memberships
        .iter()
        .map(|m| MembershipView {
            network: m.network.clone(),
            network_name: m.network_name.clone(),
            status: Words::label(&w.membership_statuses, &m.status),
            // The role often repeats the status ("member", "declared safe harbour").
            role: m
                .role
                .clone()
                .filter(|role| !role.to_lowercase().contains(&m.status.replace('_', " "))),
            since: date(&m.since),
            until: date(&m.until),
            as_of: date(&m.as_of),
            evidence_url: m.evidence_url.clone(),
            needs_checking: m.needs_checking,
        })
        .collect();
    let demands: Vec<DemandView> = city
        .demands
        .iter()
        .map(|d| {
            let mut evidence: Vec<EvidenceView> = d
                .evidence
                .iter()
                .map(|e| EvidenceView {
                    status: Words::label(&w.evidence_statuses, &e.status),
                    as_of: date(&e.as_of),
                    url: e.source_url.clone(),
                })
                .collect();
            if let Some(url) = &d.evidence_url
                && !evidence.iter().any(|e| &e.url == url)
            {
                evidence.insert(
                    0,
                    EvidenceView {
                        status: String::new(),
                        as_of: date(&d.as_of),
                        url: url.clone(),
                    },
                );
            }
            DemandView {
                label: d.label.clone(),
                decided: answer(w, d.decided),
                fulfilled: answer(w, d.fulfilled),
                as_of: date(&d.as_of),
                evidence,
                needs_checking: d.needs_checking,
                guide_href: guides
                    .contains(&d.key)
                    .then(|| crate::pages::take_action::guide_path(lang, &d.key)),
            }
        })
        .collect();
    let has_demands = city
        .demands
        .iter()
        .any(|d| d.decided.is_some() || d.fulfilled.is_some() || !d.evidence.is_empty());
    let practices = city
        .practices
        .iter()
        .map(|p| PracticeLink {
            href: crate::pages::page_path(lang, &format!("practices/{}", p.slug)),
            title: p.title.clone(),
            title_lang: p.title_lang.clone(),
            areas: p
                .policy_areas
                .iter()
                .map(|a| area_label(area_labels, a))
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    let areas = city
        .policy_areas
        .iter()
        .map(|slug| LabelledLink {
            href: crate::pages::page_path(lang, &format!("policy-areas/{slug}")),
            label: area_label(area_labels, slug),
        })
        .collect();
    let featured = city
        .summary
        .clone()
        .zip(city.summary_lang.clone())
        .map(|(text, text_lang)| Content::new(text, &text_lang, lang, None));
    CityPage {
        page,
        name: city.name.clone(),
        kind: Words::label(&w.city_kinds, &city.kind),
        facts,
        website: city.website.clone(),
        identifiers,
        status_line,
        profile: city.profile.clone(),
        featured,
        featured_sources: city.summary_sources.clone(),
        memberships_to_check: memberships.iter().any(|m| m.needs_checking),
        memberships,
        demands_to_check: demands.iter().any(|d| d.needs_checking),
        demands,
        has_demands,
        guide_link: crate::pages::take_action::guide_words(lang).link,
        gaps: city.place_id.map(|id| LabelledLink {
            href: crate::pages::gaps::gaps_path(lang, id),
            label: crate::pages::gaps::gap_words(lang)
                .link
                .replace("{name}", &city.name),
        }),
        follow: crate::pages::follow::follow_link(
            lang,
            &crate::follow::Target::City(city.slug.clone()),
            None,
        ),
        practices,
        areas,
        foot,
    }
}
