//! `/{lang}/growth`: Safe Harbour declarations and network memberships over time, as an
//! accessible chart (SVG with title and description) with the same numbers in a table beside
//! it, and the current counts by country and, for one country, by region; filtered by network,
//! country and region like the API (`/api/v1/stats/growth`).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde_json::json;

use super::{Chrome, PageLang, html, number};
use crate::api::stats::step_param;
use crate::app::AppState;
use crate::document::BaseUrl;
use crate::error::{AppError, AppResult};
use crate::model::growth::{self, GrowthArea, GrowthDoc, Step};
use crate::model::network::NetworkDoc;
use crate::query::{Filters, Lang, QueryParams};

/// The fixed texts of the growth page in one language.
#[derive(Debug)]
pub struct GrowthWords {
    pub title: &'static str,
    pub intro: &'static str,
    pub declarations: &'static str,
    pub memberships: &'static str,
    pub year: &'static str,
    pub month: &'static str,
    pub new: &'static str,
    pub total: &'static str,
    pub undated: &'static str,
    pub year_only: &'static str,
    pub current: &'static str,
    pub by_country: &'static str,
    pub by_region: &'static str,
    pub all_networks: &'static str,
    pub all_countries: &'static str,
    pub step: &'static str,
    pub show: &'static str,
    pub chart_title: &'static str,
    pub chart_desc: &'static str,
    pub table_caption: &'static str,
    pub nothing: &'static str,
    pub link: &'static str,
}

static EN: GrowthWords = GrowthWords {
    title: "Growth over time",
    intro: "How many municipalities declared themselves Safe Harbours, and how many memberships of city networks began, over time. Only dated entries make the curve; those without a date are counted apart.",
    declarations: "Safe Harbour declarations",
    memberships: "Network memberships",
    year: "Year",
    month: "Month",
    new: "new",
    total: "total",
    undated: "Without a date, and so not in the curve: {declarations} declarations and {memberships} memberships.",
    year_only: "Dated only by their year and counted in December: {declarations} declarations and {memberships} memberships.",
    current: "Today: {declarations} Safe Harbour declarations and {memberships} network memberships.",
    by_country: "By country",
    by_region: "By state or region",
    all_networks: "All networks",
    all_countries: "All countries",
    step: "Step",
    show: "Show",
    chart_title: "Safe Harbour declarations and network memberships in total, {from} to {to}",
    chart_desc: "Two rising lines, one for declarations and one for memberships; the table beside the chart gives every number.",
    table_caption: "The numbers of the chart, per period: new and in total.",
    nothing: "Nothing dated matches this choice.",
    link: "Growth over time",
};

static DE: GrowthWords = GrowthWords {
    title: "Entwicklung über die Zeit",
    intro: "Wie viele Kommunen sich zum Sicheren Hafen erklärt haben und wie viele Mitgliedschaften in Städtenetzwerken begonnen haben, über die Zeit. Nur datierte Einträge bilden die Kurve; solche ohne Datum werden gesondert gezählt.",
    declarations: "Erklärungen zum Sicheren Hafen",
    memberships: "Mitgliedschaften in Netzwerken",
    year: "Jahr",
    month: "Monat",
    new: "neu",
    total: "insgesamt",
    undated: "Ohne Datum und daher nicht in der Kurve: {declarations} Erklärungen und {memberships} Mitgliedschaften.",
    year_only: "Nur mit Jahr datiert und im Dezember gezählt: {declarations} Erklärungen und {memberships} Mitgliedschaften.",
    current: "Heute: {declarations} Erklärungen zum Sicheren Hafen und {memberships} Mitgliedschaften in Netzwerken.",
    by_country: "Nach Land",
    by_region: "Nach Bundesland oder Region",
    all_networks: "Alle Netzwerke",
    all_countries: "Alle Länder",
    step: "Schritt",
    show: "Anzeigen",
    chart_title: "Erklärungen zum Sicheren Hafen und Mitgliedschaften in Netzwerken insgesamt, {from} bis {to}",
    chart_desc: "Zwei steigende Linien, eine für Erklärungen, eine für Mitgliedschaften; die Tabelle neben dem Diagramm nennt jede Zahl.",
    table_caption: "Die Zahlen des Diagramms je Zeitraum: neu und insgesamt.",
    nothing: "Zu dieser Auswahl gibt es nichts Datiertes.",
    link: "Entwicklung über die Zeit",
};

static FR: GrowthWords = GrowthWords {
    title: "Évolution dans le temps",
    intro: "Combien de communes se sont déclarées Ports sûrs, et combien d’adhésions à des réseaux de villes ont commencé, au fil du temps. Seules les entrées datées forment la courbe ; celles sans date sont comptées à part.",
    declarations: "Déclarations de Port sûr",
    memberships: "Adhésions à des réseaux",
    year: "Année",
    month: "Mois",
    new: "nouvelles",
    total: "total",
    undated: "Sans date, donc hors de la courbe : {declarations} déclarations et {memberships} adhésions.",
    year_only: "Datées seulement par l’année et comptées en décembre : {declarations} déclarations et {memberships} adhésions.",
    current: "Aujourd’hui : {declarations} déclarations de Port sûr et {memberships} adhésions à des réseaux.",
    by_country: "Par pays",
    by_region: "Par Land ou région",
    all_networks: "Tous les réseaux",
    all_countries: "Tous les pays",
    step: "Pas",
    show: "Afficher",
    chart_title: "Déclarations de Port sûr et adhésions à des réseaux au total, de {from} à {to}",
    chart_desc: "Deux lignes montantes, l’une pour les déclarations, l’autre pour les adhésions ; le tableau à côté du graphique donne chaque nombre.",
    table_caption: "Les nombres du graphique par période : nouvelles et total.",
    nothing: "Rien de daté ne correspond à ce choix.",
    link: "Évolution dans le temps",
};

static ES: GrowthWords = GrowthWords {
    title: "Evolución en el tiempo",
    intro: "Cuántos municipios se declararon Puertos Seguros y cuántas adhesiones a redes de ciudades comenzaron, a lo largo del tiempo. Solo las entradas con fecha forman la curva; las que no tienen fecha se cuentan aparte.",
    declarations: "Declaraciones de Puerto Seguro",
    memberships: "Adhesiones a redes",
    year: "Año",
    month: "Mes",
    new: "nuevas",
    total: "total",
    undated: "Sin fecha y por tanto fuera de la curva: {declarations} declaraciones y {memberships} adhesiones.",
    year_only: "Con fecha solo del año y contadas en diciembre: {declarations} declaraciones y {memberships} adhesiones.",
    current: "Hoy: {declarations} declaraciones de Puerto Seguro y {memberships} adhesiones a redes.",
    by_country: "Por país",
    by_region: "Por estado federado o región",
    all_networks: "Todas las redes",
    all_countries: "Todos los países",
    step: "Paso",
    show: "Mostrar",
    chart_title: "Declaraciones de Puerto Seguro y adhesiones a redes en total, de {from} a {to}",
    chart_desc: "Dos líneas ascendentes, una para las declaraciones y otra para las adhesiones; la tabla junto al gráfico da cada número.",
    table_caption: "Los números del gráfico por periodo: nuevas y total.",
    nothing: "No hay nada con fecha para esta selección.",
    link: "Evolución en el tiempo",
};

/// The growth-page words of `lang`.
#[must_use]
pub fn growth_words(lang: Lang) -> &'static GrowthWords {
    super::words::in_lang(lang, [&DE, &EN, &FR, &ES])
}

/// Width and height of the chart's drawing, in SVG units.
const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 260.0;
/// Room for the axis labels: left, bottom, top, right.
const LEFT: f64 = 44.0;
const BOTTOM: f64 = 24.0;
const TOP: f64 = 10.0;
const RIGHT: f64 = 10.0;

/// A label on an axis.
#[derive(Debug)]
pub struct Tick {
    pub x: f64,
    pub y: f64,
    pub label: String,
    /// `start`, `middle` or `end`: the first and last labels stay inside the drawing.
    pub anchor: &'static str,
}

/// The chart, drawn: two polylines and their axes.
#[derive(Debug)]
pub struct Chart {
    pub width: f64,
    pub height: f64,
    pub declarations: String,
    pub memberships: String,
    pub x_ticks: Vec<Tick>,
    pub y_ticks: Vec<Tick>,
    pub baseline: f64,
    pub left: f64,
    pub right: f64,
}

impl Chart {
    fn draw(doc: &GrowthDoc, lang: Lang) -> Option<Self> {
        let count = doc.series.len();
        if count == 0 {
            return None;
        }
        let max = doc
            .series
            .iter()
            .map(|p| p.declarations_total.max(p.memberships_total))
            .max()
            .unwrap_or(0)
            .max(1);
        let top = nice_ceiling(max);
        let span = (count.max(2) - 1) as f64;
        let x = |i: usize| LEFT + (WIDTH - LEFT - RIGHT) * i as f64 / span;
        let y = |v: i64| TOP + (HEIGHT - TOP - BOTTOM) * (1.0 - v as f64 / top as f64);
        let line = |value: fn(&growth::GrowthPoint) -> i64| {
            doc.series
                .iter()
                .enumerate()
                .map(|(i, p)| format!("{:.1},{:.1}", x(i), y(value(p))))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let every = (count / 8).max(1);
        let x_ticks = doc
            .series
            .iter()
            .enumerate()
            .filter(|(i, _)| i % every == 0 || *i == count - 1)
            .map(|(i, p)| Tick {
                x: x(i),
                y: HEIGHT - 6.0,
                label: p.period.clone(),
                anchor: if i == 0 {
                    "start"
                } else if i == count - 1 {
                    "end"
                } else {
                    "middle"
                },
            })
            .collect();
        let y_ticks = [0, top / 2, top]
            .into_iter()
            .map(|v| Tick {
                x: LEFT - 6.0,
                y: y(v) + 4.0,
                label: number(v, lang),
                anchor: "end",
            })
            .collect();
        Some(Self {
            width: WIDTH,
            height: HEIGHT,
            declarations: line(|p| p.declarations_total),
            memberships: line(|p| p.memberships_total),
            x_ticks,
            y_ticks,
            baseline: y(0),
            left: LEFT,
            right: WIDTH - RIGHT,
        })
    }
}

/// The smallest of 1, 2 or 5 times a power of ten that is at least `n` (the top of the axis).
fn nice_ceiling(n: i64) -> i64 {
    let mut power = 1;
    loop {
        for step in [1, 2, 5] {
            if step * power >= n {
                return step * power;
            }
        }
        power *= 10;
    }
}

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
    let step = step_param(&params)?;
    let filters = Filters::from_params(&params)?;
    let mut conn = state.db_read().await?;
    filters.check(&mut conn).await?;
    let binds = filters.binds();
    let doc = growth::read(&mut conn, &binds, step, lang).await?;
    let networks: Vec<NetworkDoc> =
        serde_json::from_str(&crate::model::network::list(&mut conn, lang).await?)
            .map_err(|error| AppError::Internal(error.into()))?;
    let all = growth::read(&mut conn, &Default::default(), Step::Year, lang).await?;
    let g = growth_words(lang);
    let page = Chrome::new(lang, &base, "growth", g.title, g.intro).with_json_ld(&json!({
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": g.title,
        "description": g.intro,
        "inLanguage": lang.code(),
        "url": format!("{}{}", base.0, super::page_path(lang, "growth")),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axis_ends_at_a_round_number() {
        assert_eq!(nice_ceiling(1), 1);
        assert_eq!(nice_ceiling(3), 5);
        assert_eq!(nice_ceiling(150), 200);
        assert_eq!(nice_ceiling(203), 500);
        assert_eq!(nice_ceiling(1000), 1000);
    }
}
