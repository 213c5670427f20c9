//! HTTP caching and CORS of the public reads.
//!
//! Every public GET answer depends only on the published data and the request, so its strong
//! `ETag` is a version of the data it depends on plus a hash of the normalised request (host,
//! path, sorted query, `Accept-Encoding`, as the compression layer outside picks the encoding
//! from it). The version is that of the last change of any kind of data the path depends on
//! ([`depends_on`], kept per kind by [`DataVersion`](crate::db::DataVersion) from the
//! notifications): a write of practices changes the tags of the answers that show practices,
//! not those of the networks list. A matching `If-None-Match` is answered 304 before the
//! handler runs, without touching the database. `Cache-Control` lets browsers and CDNs keep
//! answers for a minute.
//!
//! The same tag also keys a small in-memory cache of answers ([`AnswerCache`]): repeated
//! requests (the map's default view, a popular filter), once made twice, are served without
//! the database until data they depend on changes; a change drops exactly the answers that
//! depend on its kind.
//!
//! Two more things go into the tag: whether `Accept` asks for CSV (the collections answer it
//! on the same path, so they also say `Vary: Accept`), and the UTC date, as citations and the
//! pages that show them name today as the date accessed.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use tower_http::cors::{Any, CorsLayer};

pub use super::answer_cache::AnswerCache;
use crate::app::AppState;
use crate::db::data_version::{DataKind, Kinds};
use crate::flight::Joined;
use crate::query::QueryParams;

/// `Cache-Control` of public reads.
pub const CACHE_CONTROL: &str = "public, max-age=60, stale-while-revalidate=60";

/// The kinds of data the public answer at `path` depends on (coarse: a whole kind, not the
/// rows an answer shows; anything not named here depends on everything).
#[must_use]
pub fn depends_on(path: &str) -> Kinds {
    use DataKind::{
        Cities, CityProfiles, CitySummaries, Demands, Guides, MembershipChecks, Memberships,
        Networks, Places, PolicyAreas, PracticeAreas, PracticeDetails, Practices, Search,
    };
    /// What a city, a practice or a collection of them shows: the city with its profile,
    /// summary, networks, Safe Harbour standing and region, its practices with their policy
    /// areas and texts; and what their full text (`q`) finds, which follows the search
    /// synonyms.
    const DIRECTORY: Kinds = Kinds::of(&[
        Cities,
        CityProfiles,
        CitySummaries,
        Practices,
        PracticeDetails,
        PracticeAreas,
        Memberships,
        MembershipChecks,
        Networks,
        Demands,
        Places,
        PolicyAreas,
        Search,
    ]);
    /// The collections of cities show a city's policy areas and practice count from its
    /// summary, never its practices' areas themselves (their full text finds cities by
    /// their practices' texts, not their areas).
    const CITY_COLLECTIONS: Kinds = DIRECTORY.without(Kinds::of(&[PracticeAreas]));
    /// The practices and the places show a city's name, place and networks, never its
    /// profile nor how its memberships were checked; the places no practice's texts and
    /// areas either, nor a city's summary beyond whether it is listed (which follows its
    /// row, memberships, demands and practices).
    const PRACTICES: Kinds = DIRECTORY.without(Kinds::of(&[CityProfiles, MembershipChecks]));
    const PLACES: Kinds =
        PRACTICES.without(Kinds::of(&[PracticeDetails, PracticeAreas, CitySummaries]));
    /// The pages: the directory and the take-action guides; their search box asks the API.
    const EXCEPT_SEARCH: Kinds = DIRECTORY
        .without(Kinds::of(&[Search]))
        .and(Kinds::of(&[Guides]));
    let under = |prefix: &str| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '.']))
    };
    if matches!(
        path,
        "/api/v1/cities" | "/api/v1/cities.csv" | "/ogc/collections/cities/items"
    ) {
        CITY_COLLECTIONS
    } else if under("/api/v1/policy-areas") {
        Kinds::of(&[PolicyAreas, Practices, PracticeAreas])
    } else if under("/api/v1/networks") {
        Kinds::of(&[Networks, Memberships, MembershipChecks, Cities])
    } else if under("/api/v1/stats/growth") {
        Kinds::of(&[Cities, Memberships, Networks, Practices])
    } else if under("/api/v1/practices") {
        PRACTICES
    } else if under("/api/v1/places") {
        PLACES
    } else if under("/api/v1/cities") || under("/ogc") || under("/feeds") {
        DIRECTORY
    } else if path.get(1..3).is_some_and(|code| {
        crate::domain::kinds::Lang::ALL
            .iter()
            .any(|lang| lang.code() == code)
    }) && under(path.get(..3).unwrap_or_default())
    {
        EXCEPT_SEARCH
    } else {
        Kinds::ALL
    }
}

/// The strong ETag of a public GET whose data is at version `version` (the version of the
/// last change of the data it depends on, [`depends_on`]): `"<version>-<hash of the
/// request>"`.
#[must_use]
pub fn etag_for(version: i64, headers: &HeaderMap, path: &str, query: Option<&str>) -> String {
    let header = |name: header::HeaderName| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("")
    };
    let mut encodings: Vec<&str> = header(header::ACCEPT_ENCODING)
        .split(',')
        .map(str::trim)
        .filter(|encoding| !encoding.is_empty())
        .collect();
    encodings.sort_unstable();
    let variant = if super::csv::wants_csv(headers) {
        "csv"
    } else {
        ""
    };
    let today = chrono::Utc::now().date_naive().to_string();
    let mut hash = Sha256::new();
    for part in [
        header(header::HOST),
        header(header::HeaderName::from_static("x-forwarded-proto")),
        path,
        &QueryParams::parse(query).to_query_string(),
        &encodings.join(","),
        variant,
        &today,
    ] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    let digest = hash.finalize();
    let hex: String = digest[..10].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{version}-{hex}\"")
}

/// The part of an [`etag_for`] tag that names the request alone, not the data's version.
#[must_use]
pub fn request_of(tag: &str) -> &str {
    tag.split_once('-').map_or(tag, |(_, request)| request)
}

/// Whether `Accept-Encoding` allows gzip (any q other than 0).
#[must_use]
pub fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|item| {
            let mut parts = item.split(';').map(str::trim);
            let coding = parts.next().unwrap_or("");
            let zero = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            (coding.eq_ignore_ascii_case("gzip") || coding == "*") && !zero
        })
}

/// Paths whose answer depends on `Accept` (GeoJSON or CSV).
const NEGOTIATED: [&str; 2] = ["/api/v1/cities", "/api/v1/practices"];

/// Whether `If-None-Match` names `tag` (weak comparison, as RFC 9110 asks for this header).
fn matches(if_none_match: &str, tag: &str) -> bool {
    if_none_match.split(',').map(str::trim).any(|candidate| {
        candidate == "*" || candidate.strip_prefix("W/").unwrap_or(candidate) == tag
    })
}

/// Middleware: 304 for a current `If-None-Match`, else the cached or the handler's answer
/// with `ETag` and `Cache-Control` when it is a 200.
pub async fn revalidate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return next.run(request).await;
    }
    let cache = &state.answers;
    let kinds = depends_on(request.uri().path());
    let version = state.data_version.of(kinds);
    let tag = etag_for(
        version,
        request.headers(),
        request.uri().path(),
        request.uri().query(),
    );
    let Ok(tag_value) = HeaderValue::from_str(&tag) else {
        return next.run(request).await;
    };
    let negotiated = NEGOTIATED.contains(&request.uri().path());
    let fresh = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| matches(value, &tag));
    let mut response = if fresh {
        cache.count_not_modified();
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let current = || state.data_version.of(kinds);
        answer(cache, (&tag, kinds, version), current, request, next).await
    };
    if response.status() == StatusCode::OK || response.status() == StatusCode::NOT_MODIFIED {
        let headers = response.headers_mut();
        headers.insert(header::ETAG, tag_value);
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(CACHE_CONTROL),
        );
        headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
        if negotiated {
            headers.append(header::VARY, HeaderValue::from_static("accept"));
        }
    }
    response
}

/// The answer of `tag` from memory, from the request making it now, or from the handler (then
/// kept): made while the data of `kinds` was at `version`, and `current` tells the version now.
async fn answer(
    cache: &AnswerCache,
    (tag, kinds, version): (&str, Kinds, i64),
    current: impl Fn() -> i64,
    request: Request,
    next: Next,
) -> Response {
    if let Some(answer) = cache.get(tag) {
        return answer.into_response();
    }
    let flight = match cache.join(tag).await {
        Joined::Followed(Some(answer)) => return answer.into_response(),
        Joined::Followed(None) => None,
        Joined::Leads(flight) => Some(flight),
    };
    let gzip = accepts_gzip(request.headers());
    let response = next.run(request).await;
    cache
        .keep((tag, kinds, version), current, (response, gzip), flight)
        .await
}

/// CORS for the public reads: any origin may GET them and read their cache headers.
pub fn cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::HEAD, Method::OPTIONS])
        .allow_headers(Any)
        .expose_headers([header::ETAG, header::LOCATION])
        .max_age(std::time::Duration::from_secs(86_400))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_ignore_query_order_and_follow_the_version() {
        let headers = HeaderMap::new();
        let a = etag_for(3, &headers, "/api/v1/cities", Some("country=DE&lang=de"));
        let b = etag_for(3, &headers, "/api/v1/cities", Some("lang=de&country=DE"));
        let c = etag_for(4, &headers, "/api/v1/cities", Some("lang=de&country=DE"));
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!(matches(&format!("W/{a}, \"x\""), &a));
        assert!(!matches("\"x\"", &a));
    }

    #[test]
    fn answers_depend_on_the_kinds_they_show() {
        let cities = depends_on("/api/v1/cities/koeln");
        assert_eq!(depends_on("/api/v1/cities/koeln/cite"), cities);
        assert!(cities.contains(DataKind::PracticeAreas));
        // The collections of cities show their practices' areas through the summaries.
        for collection in [
            "/api/v1/cities",
            "/api/v1/cities.csv",
            "/ogc/collections/cities/items",
        ] {
            let kinds = depends_on(collection);
            assert!(kinds.contains(DataKind::CitySummaries), "{collection}");
            assert!(kinds.contains(DataKind::Practices), "{collection}");
            assert!(!kinds.contains(DataKind::PracticeAreas), "{collection}");
        }
        assert!(depends_on("/ogc/collections/practices/items").contains(DataKind::PracticeAreas));
        assert!(depends_on("/api/v1/policy-areas").contains(DataKind::PracticeAreas));
        assert!(!depends_on("/api/v1/places").contains(DataKind::PracticeAreas));
        assert!(cities.contains(DataKind::Memberships));
        assert!(cities.contains(DataKind::Demands));
        assert!(!cities.contains(DataKind::Guides));
        assert!(!depends_on("/api/v1/networks").contains(DataKind::Practices));
        // A practice's texts show in the practices, a city's page and the pages, not in the
        // places nor the policy areas' counts.
        for shown in [
            "/api/v1/practices",
            "/api/v1/cities/koeln",
            "/de/practices/x",
        ] {
            assert!(
                depends_on(shown).contains(DataKind::PracticeDetails),
                "{shown}"
            );
        }
        for unshown in ["/api/v1/places", "/api/v1/policy-areas", "/api/v1/networks"] {
            assert!(
                !depends_on(unshown).contains(DataKind::PracticeDetails),
                "{unshown}"
            );
        }
        assert!(depends_on("/de/take-action/x").contains(DataKind::Guides));
        assert_eq!(depends_on("/api/v1/search"), Kinds::ALL);
        assert_eq!(depends_on("/api/v1/citiesfoo"), Kinds::ALL);
    }
}
