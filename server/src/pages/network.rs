//! `/{lang}/networks/{slug}`: a city network with its member cities.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde_json::json;

use super::city::LabelledLink;
use super::{Chrome, Content, FeedLink, PageSlug, html, map_href, not_found};
use crate::app::AppState;
use crate::document::BaseUrl;
use crate::error::AppResult;
use crate::model::network;
use crate::model::profile::partial_date;
use crate::words::{Words, words};

/// A member as the page shows it.
#[derive(Debug)]
pub struct MemberView {
    pub city: LabelledLink,
    pub country: String,
    pub status: String,
    pub since: Option<String>,
    pub evidence_url: Option<String>,
}

/// The network page.
#[derive(Template)]
#[template(path = "pages/network.html")]
pub struct NetworkPage {
    pub page: Chrome,
    pub name: String,
    pub own_name: Option<String>,
    pub facts: Vec<(&'static str, String)>,
    pub website: Option<String>,
    pub description: Option<Content>,
    pub campaign: bool,
    pub members_heading: String,
    pub members: Vec<MemberView>,
    /// The network's growth over time.
    pub growth: LabelledLink,
    pub follow: LabelledLink,
}

/// `GET /{lang}/networks/{slug}`.
///
/// # Errors
/// 500/503 when the database fails.
#[utoipa::path(get, path = "/{lang}/networks/{slug}", tag = "pages",
    params(("lang" = String, Path, description = "de, en, fr or es"), ("slug" = String, Path, description = "The network's slug")),
    responses(
        (status = 200, description = "A network's page with its member cities (HTML)", content_type = "text/html"),
        (status = 301, description = "An old slug: `Location` has the current page"),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 404, description = "No such page (an HTML page)", content_type = "text/html"),
    ))]
pub async fn show(
    State(state): State<AppState>,
    base: BaseUrl,
    PageSlug { lang, slug }: PageSlug,
) -> AppResult<Response> {
    let mut conn = state.db_read().await?;
    let Some(network) = network::find(&mut conn, &slug, lang).await? else {
        return Ok(not_found(lang, &base));
    };
    let w = words(lang);
    let rest = format!("networks/{slug}");
    let url = super::page_url(&base, lang, &rest);
    let description = network.description.clone().unwrap_or_else(|| {
        w.members
            .replace("{count}", &network.members.len().to_string())
    });
    let mut page =
        Chrome::new(lang, &base, &rest, network.name.clone(), description).with_json_ld(&json!({
            "@context": "https://schema.org",
            "@type": "Organization",
            "@id": url,
            "name": network.own_name,
            "alternateName": network.name,
            "url": network.website,
            "foundingDate": network.founded,
            "areaServed": network.scope,
            "member": network.members.iter().map(|m| json!({
                "@type": "City",
                "name": m.name,
                "url": super::page_url(&base, lang, &format!("cities/{}", m.slug)),
            })).collect::<Vec<_>>(),
        }));
    page.map_href = map_href(lang, Some(("network", &slug)));
    page.feeds = vec![
        super::follow::follow_feed(lang, &crate::follow::Target::Network(slug.clone())),
        FeedLink {
            title: w.feed_harbours,
            href: format!(
                "/feeds/safe-harbours.atom?network={slug}&lang={}",
                lang.code()
            ),
        },
        FeedLink {
            title: w.feed_practices,
            href: format!("/feeds/practices.atom?network={slug}&lang={}", lang.code()),
        },
    ];
    let mut facts = vec![(w.network_kind, network.kind.clone())];
    if let Some(scope) = &network.scope {
        facts.push((w.scope, scope.clone()));
    }
    if let Some(founded) = &network.founded {
        facts.push((w.founded, partial_date(founded, lang)));
    }
    let members: Vec<MemberView> = network
        .members
        .iter()
        .map(|m| MemberView {
            city: LabelledLink {
                href: super::page_path(lang, &format!("cities/{}", m.slug)),
                label: m.name.clone(),
            },
            country: m.country.clone(),
            status: Words::label(&w.membership_statuses, &m.status),
            since: m.since.as_deref().map(|d| partial_date(d, lang)),
            evidence_url: m.evidence_url.clone(),
        })
        .collect();
    html(&NetworkPage {
        page,
        own_name: (network.own_name != network.name).then(|| network.own_name.clone()),
        name: network.name.clone(),
        facts,
        website: network.website.clone(),
        description: network
            .description
            .clone()
            .zip(network.description_lang.clone())
            .map(|(text, text_lang)| Content::new(text, &text_lang, lang, None)),
        campaign: network.is_safe_harbour_campaign,
        members_heading: w.members.replace("{count}", &members.len().to_string()),
        members,
        growth: LabelledLink {
            href: if network.is_safe_harbour_campaign {
                super::page_path(lang, "growth")
            } else {
                format!("{}?network={slug}", super::page_path(lang, "growth"))
            },
            label: super::growth::growth_words(lang).link.to_owned(),
        },
        follow: super::follow::follow_link(
            lang,
            &crate::follow::Target::Network(slug.to_owned()),
            None,
        ),
    })
}
