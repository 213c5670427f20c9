//! HTTP routes: one module per resource. [`router`] registers every route together with its
//! OpenAPI entry (utoipa-axum), so the document and the router cannot disagree.

pub mod answer_cache;
pub mod auth;
pub mod base_url;
pub mod caching;
pub mod cite;
pub mod cities;
pub mod city_edits;
pub mod csv;
pub mod downloads;
pub mod editors;
pub mod extract;
pub mod fonts;
pub mod gaps;
pub mod health;
pub mod me;
pub mod moderation;
pub mod networks;
pub mod openapi;
pub mod paging;
pub mod places;
pub mod policy_areas;
pub mod practices;
pub mod rechecks;
pub mod revisions;
pub mod search;
pub mod stats;
pub mod style;
pub mod submissions;
pub mod tiles;

use axum::Router;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use tower_http::services::{ServeDir, ServeFile};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::error::Problem;

/// The whole API: every route with its OpenAPI entry; unknown paths fall through to the map
/// client's files, then to a 404 problem document.
pub fn router(state: AppState) -> Router {
    let static_files = ServeDir::new(&state.config.static_dir)
        .append_index_html_on_directories(true)
        // The build writes `name.gz` beside its scripts and styles: sent as they are, so no
        // first visit waits for MapLibre to be compressed.
        .precompressed_gzip()
        .fallback(
            axum::routing::any(client_page_or_not_found).with_state(ClientPages {
                index: state.config.static_dir.join("index.html"),
                embed_policy: crate::http_policy::embed_content_security_policy(&state.config),
            }),
        );
    let (writes, _) = routes().split_for_parts();
    let (reads, _) = public_reads().split_for_parts();
    let reads = reads
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            caching::revalidate,
        ))
        .layer(caching::cors());
    let router = writes.merge(reads);
    // The ceiling of the tile benchmark, never in production: not part of the API.
    let router = if state.config.bench_static_bytes.is_some() {
        router.route("/__bench/static", get(tiles::bench_static))
    } else {
        router
    };
    let static_files = tower::ServiceBuilder::new()
        .layer(axum::middleware::from_fn(client_file_caching))
        .service(static_files);
    router.fallback_service(static_files).with_state(state)
}

/// The client's built files: their names carry a hash of their content.
const CLIENT_ASSETS: &str = "/assets/";

/// How long browsers keep the client's files: the hashed files under [`CLIENT_ASSETS`] for a
/// year without asking again (a new build has new names), the pages (`index.html`, `/embed`)
/// only after asking whether they changed, so a new build reaches every visitor at once.
async fn client_file_caching(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    let hashed = request.uri().path().starts_with(CLIENT_ASSETS);
    let mut response = next.run(request).await;
    let status = response.status();
    if status.is_success() || status == StatusCode::NOT_MODIFIED {
        let cache = if hashed {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    }
    // A file sent precompressed depends on Accept-Encoding like one compressed on the fly.
    if response.headers().contains_key(header::CONTENT_ENCODING)
        && !response.headers().contains_key(header::VARY)
    {
        response
            .headers_mut()
            .insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

/// The OpenAPI document: exactly the routes [`router`] registers.
#[must_use]
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut document = routes().merge(public_reads()).into_openapi();
    openapi::problem_answers(&mut document);
    document
}

/// Routes that are not cached: probes, accounts, submissions, editing, moderation, tiles.
fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
        .routes(routes!(health::metrics))
        .routes(routes!(auth::register))
        .routes(routes!(auth::confirm))
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::logout_everywhere))
        .routes(routes!(auth::password_reset))
        .routes(routes!(auth::password_reset_confirm))
        .routes(routes!(me::me))
        .routes(routes!(me::sessions))
        .routes(routes!(me::end_session))
        .routes(routes!(me::change_password))
        .routes(routes!(submissions::create))
        .routes(routes!(submissions::show))
        .routes(routes!(editors::claim, editors::mine))
        .routes(routes!(moderation::queue))
        .routes(routes!(moderation::approve))
        .routes(routes!(moderation::reject))
        .routes(routes!(moderation::claims))
        .routes(routes!(moderation::verify_claim))
        .routes(routes!(moderation::withdraw_claim))
        .routes(routes!(moderation::revisions_to_review))
        .routes(routes!(moderation::mark_reviewed))
        .routes(routes!(moderation::revert))
        .routes(routes!(rechecks::queue))
        .routes(routes!(rechecks::membership))
        .routes(routes!(rechecks::demand))
        .routes(routes!(rechecks::practice))
        .routes(routes!(city_edits::update_city))
        .routes(routes!(city_edits::create_practice))
        .routes(routes!(revisions::of_city))
        .routes(routes!(city_edits::update_practice))
        .routes(routes!(revisions::of_practice))
        .routes(routes!(style::style))
        .routes(routes!(fonts::glyphs))
        .routes(routes!(tiles::tilejson))
        .routes(routes!(tiles::tile))
        .merge(crate::pages::follow::routes())
}

/// Public, cacheable reads: strong ETag and 304, Cache-Control, CORS open for GET (the layers
/// [`router`] puts around them).
fn public_reads() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(openapi::openapi_json))
        .routes(routes!(openapi::reference::docs))
        .routes(routes!(policy_areas::list))
        .routes(routes!(networks::list))
        .routes(routes!(cities::list))
        .routes(routes!(cities::show))
        .routes(routes!(practices::list))
        .routes(routes!(practices::show))
        .routes(routes!(places::search))
        .routes(routes!(gaps::sheet))
        .routes(routes!(stats::growth))
        .routes(routes!(search::search))
        .routes(routes!(csv::cities))
        .routes(routes!(csv::practices))
        .routes(routes!(cite::city))
        .routes(routes!(cite::practice))
        .routes(routes!(downloads::archive))
        .merge(crate::ogc::routes())
        .merge(crate::feeds::routes())
        .merge(crate::pages::routes())
}

/// Paths the map client answers itself: the pages the links in mails open
/// (`/confirm-email?token=…`, `/reset-password?token=…`).
pub const CLIENT_PAGES: [&str; 2] = ["/confirm-email", "/reset-password"];

/// The embeddable map: the client's `index.html`, which any site may put in a frame.
pub const EMBED_PAGE: &str = "/embed";

/// What the fallback for the client's own pages needs.
#[derive(Clone)]
struct ClientPages {
    index: std::path::PathBuf,
    /// `frame-ancestors *`: only the embeddable map may be framed by other sites.
    embed_policy: axum::http::HeaderValue,
}

/// The client's `index.html` for its own pages (and, framable, for the embeddable map), else
/// the 404 problem document.
async fn client_page_or_not_found(
    axum::extract::State(pages): axum::extract::State<ClientPages>,
    request: axum::extract::Request,
) -> axum::response::Response {
    let path = request.uri().path().to_owned();
    if CLIENT_PAGES.contains(&path.as_str()) || path == EMBED_PAGE {
        let Ok(page) = tower::ServiceExt::oneshot(ServeFile::new(pages.index), request).await;
        let mut page = page.into_response();
        if path == EMBED_PAGE {
            page.headers_mut().insert(
                axum::http::header::CONTENT_SECURITY_POLICY,
                pages.embed_policy,
            );
        }
        return page;
    }
    not_found().await.into_response()
}

/// The answer to any path Haven does not know.
pub async fn not_found() -> impl IntoResponse {
    Problem::new(
        StatusCode::NOT_FOUND,
        "There is nothing at this address.",
        None,
    )
}
