//! `/{lang}/growth`: Safe Harbour declarations and network memberships over time, as an
//! accessible chart (SVG with title and description) with the same numbers in a table beside
//! it, and the current counts by country and, for one country, by region; filtered by network,
//! country and region like the API (`/api/v1/stats/growth`).

mod chart;
mod words;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde_json::json;

use super::{Chrome, PageLang, html, number};
use crate::app::AppState;
use crate::document::BaseUrl;
use crate::error::AppResult;
use crate::model::growth::{self, GrowthArea, Step};
use crate::model::network::NetworkDoc;
use crate::model::read_json;
use crate::query::{Filters, Lang, QueryParams};
use chart::Chart;
pub use words::{GrowthWords, growth_words};

/// A choice in a select.
#[derive(Debug)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// A period row of the table.
#[derive(Debug)]
pub struct Row {
    pub period: String,
    pub declarations: String,
    pub declarations_total: String,
    pub memberships: String,
    pub memberships_total: String,
}

/// The growth page.
#[derive(Template)]
#[template(path = "pages/growth.html")]
pub struct GrowthPage {
    pub page: Chrome,
    pub g: &'static GrowthWords,
    pub chart: Option<Chart>,
    pub chart_title: String,
    pub rows: Vec<Row>,
    pub period_heading: &'static str,
    pub notes: Vec<String>,
    pub by_country: Vec<GrowthArea>,
    pub by_region: Vec<GrowthArea>,
    pub networks: Vec<Choice>,
    pub countries: Vec<Choice>,
    pub steps: Vec<Choice>,
    pub region: Option<String>,
    pub lang: Lang,
}

impl GrowthPage {
    /// A whole number in the page's language.
    #[must_use]
    pub fn n(&self, value: &i64) -> String {
        number(*value, self.lang)
    }
}

/// `GET /{lang}/growth`.
///
/// # Errors
/// 400 for a bad or unknown filter; 500/503 when the database fails.
#[utoipa::path(get, path = "/{lang}/growth", tag = "pages",
    params(("lang" = String, Path, description = "de, en, fr or es"),
           ("network" = Option<String>, Query, description = "Memberships of this network only"),
           ("country" = Option<String>, Query, description = "Cities of this country (ISO 3166-1 alpha-2)"),
           ("region" = Option<String>, Query, description = "Cities of this region"),
           ("by" = Option<String>, Query, description = "`year` (default) or `month`")),
    responses(
        (status = 200, description = "Declarations and memberships over time: a chart, its table and counts by country and region (HTML)", content_type = "text/html"),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 400, description = "Bad or unknown parameter value"),
        (status = 404, description = "No such language (an HTML page)", content_type = "text/html"),
    ))]
pub async fn show(
    State(state): State<AppState>,
    base: BaseUrl,
    PageLang(lang): PageLang,
    params: QueryParams,
) -> AppResult<Response> {
    let step = Step::from_params(&params)?;
    let filters = Filters::from_params(&params)?;
    let mut conn = state.db_read().await?;
    filters.check(&mut conn).await?;
    let binds = filters.binds();
    let doc = growth::read(&mut conn, &binds, step, lang).await?;
    let networks: Vec<NetworkDoc> =
        read_json(&crate::model::network::list(&mut conn, lang).await?)?;
    let all = growth::read(&mut conn, &Default::default(), Step::Year, lang).await?;
    let g = growth_words(lang);
    let page = Chrome::new(lang, &base, "growth", g.title, g.intro).with_json_ld(&json!({
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": g.title,
        "description": g.intro,
        "inLanguage": lang.code(),
        "url": super::page_url(&base, lang, "growth"),
        "distribution": {
            "@type": "DataDownload",
            "encodingFormat": "application/json",
            "contentUrl": format!("{}/api/v1/stats/growth", base.0),
        },
        "license": "https://creativecommons.org/licenses/by/4.0/",
    }));
    let fill = |template: &str, counts: &growth::GrowthCounts| {
        template
            .replace("{declarations}", &number(counts.declarations, lang))
            .replace("{memberships}", &number(counts.memberships, lang))
    };
    let mut notes = vec![fill(g.current, &doc.current)];
    if doc.undated.declarations + doc.undated.memberships > 0 {
        notes.push(fill(g.undated, &doc.undated));
    }
    if doc.year_only.declarations + doc.year_only.memberships > 0 {
        notes.push(fill(g.year_only, &doc.year_only));
    }
    let chart_title = match (doc.series.first(), doc.series.last()) {
        (Some(first), Some(last)) => g
            .chart_title
            .replace("{from}", &first.period)
            .replace("{to}", &last.period),
        _ => g.nothing.to_owned(),
    };
    let rows = doc
        .series
        .iter()
        .map(|p| Row {
            period: p.period.clone(),
            declarations: number(p.declarations, lang),
            declarations_total: number(p.declarations_total, lang),
            memberships: number(p.memberships, lang),
            memberships_total: number(p.memberships_total, lang),
        })
        .collect();
    let chosen_network = binds.networks.as_ref().and_then(|n| n.first().cloned());
    let networks = std::iter::once(Choice {
        value: String::new(),
        label: g.all_networks.to_owned(),
        selected: chosen_network.is_none(),
    })
    .chain(
        networks
            .into_iter()
            .filter(|n| !n.is_safe_harbour_campaign)
            .map(|n| Choice {
                selected: chosen_network.as_deref() == Some(n.slug.as_str()),
                value: n.slug,
                label: n.name,
            }),
    )
    .collect();
    let chosen_country = binds.countries.as_ref().and_then(|c| c.first().cloned());
    let countries = std::iter::once(Choice {
        value: String::new(),
        label: g.all_countries.to_owned(),
        selected: chosen_country.is_none(),
    })
    .chain(all.by_country.iter().map(|c| Choice {
        selected: chosen_country.as_deref() == Some(c.code.as_str()),
        value: c.code.clone(),
        label: c.name.clone(),
    }))
    .collect();
    let steps = [(Step::Year, g.year), (Step::Month, g.month)]
        .into_iter()
        .map(|(s, label)| Choice {
            value: s.name().to_owned(),
            label: label.to_owned(),
            selected: s == step,
        })
        .collect();
    html(&GrowthPage {
        page,
        g,
        chart: Chart::draw(&doc, lang),
        chart_title,
        rows,
        period_heading: if step == Step::Year { g.year } else { g.month },
        notes,
        by_country: doc.by_country,
        by_region: doc.by_region,
        networks,
        countries,
        steps,
        region: binds.region,
        lang,
    })
}
