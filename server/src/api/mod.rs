//! HTTP routes: one module per resource. `router` lists every route.

pub mod auth;
pub mod caching;
pub mod cities;
pub mod city_edits;
pub mod document;
pub mod editors;
pub mod fonts;
pub mod health;
pub mod me;
pub mod moderation;
pub mod networks;
pub mod openapi;
pub mod params;
pub mod places;
pub mod policy_areas;
pub mod practices;
pub mod revisions;
pub mod style;
pub mod submissions;
pub mod tiles;

use axum::Router;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, patch, post};
use tower_http::services::{ServeDir, ServeFile};

use crate::app::AppState;
use crate::error::Problem;

/// Every route of Haven; unknown paths fall through to the map client's files, then to a 404
/// problem document.
pub fn router(state: AppState) -> Router {
    let static_files = ServeDir::new(&state.config.static_dir)
        .append_index_html_on_directories(true)
        .fallback(
            axum::routing::any(client_page_or_not_found)
                .with_state(state.config.static_dir.join("index.html")),
        );
    let bench_static = state.config.bench_static_bytes.is_some();
    let router = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/api/v1/auth/register", post(auth::register))
        .route("/api/v1/auth/confirm", post(auth::confirm))
        .route("/api/v1/auth/login", post(auth::login))
        .route("/api/v1/auth/logout", post(auth::logout))
        .route(
            "/api/v1/auth/logout-everywhere",
            post(auth::logout_everywhere),
        )
        .route("/api/v1/auth/password-reset", post(auth::password_reset))
        .route(
            "/api/v1/auth/password-reset/confirm",
            post(auth::password_reset_confirm),
        )
        .route("/api/v1/me", get(me::me))
        .route("/api/v1/me/sessions", get(me::sessions))
        .route("/api/v1/me/sessions/{number}/end", post(me::end_session))
        .route("/api/v1/me/password", post(me::change_password))
        .route("/api/v1/submissions", post(submissions::create))
        .route("/api/v1/submissions/{reference}", get(submissions::show))
        .route(
            "/api/v1/editors/claims",
            post(editors::claim).get(editors::mine),
        )
        .route("/api/v1/moderation/submissions", get(moderation::queue))
        .route(
            "/api/v1/moderation/submissions/{id}/approve",
            post(moderation::approve),
        )
        .route(
            "/api/v1/moderation/submissions/{id}/reject",
            post(moderation::reject),
        )
        .route("/api/v1/moderation/claims", get(moderation::claims))
        .route(
            "/api/v1/moderation/claims/{id}/verify",
            post(moderation::verify_claim),
        )
        .route(
            "/api/v1/moderation/claims/{id}/withdraw",
            post(moderation::withdraw_claim),
        )
        .route(
            "/api/v1/moderation/revisions",
            get(moderation::revisions_to_review),
        )
        .route(
            "/api/v1/moderation/revisions/{id}/reviewed",
            post(moderation::mark_reviewed),
        )
        .route(
            "/api/v1/moderation/revisions/{id}/revert",
            post(moderation::revert),
        )
        .route("/api/v1/cities/{slug}", patch(city_edits::update_city))
        .route(
            "/api/v1/cities/{slug}/practices",
            post(city_edits::create_practice),
        )
        .route("/api/v1/cities/{slug}/revisions", get(revisions::of_city))
        .route(
            "/api/v1/practices/{slug}",
            patch(city_edits::update_practice),
        )
        .route(
            "/api/v1/practices/{slug}/revisions",
            get(revisions::of_practice),
        )
        .route("/style.json", get(style::style))
        .route("/fonts/{fontstack}/{range}", get(fonts::glyphs))
        .route("/tiles/{file}", get(tiles::tilejson))
        .route("/tiles/{layer}/{z}/{x}/{y}", get(tiles::tile))
        .merge(public_reads(&state));
    let router = if bench_static {
        router.route("/__bench/static", get(tiles::bench_static))
    } else {
        router
    };
    router.fallback_service(static_files).with_state(state)
}

/// Every route path, for the test that checks each is in the OpenAPI document (and that
/// every route registered in the source is listed here).
pub const ROUTES: &[&str] = &[
    "/healthz",
    "/readyz",
    "/api/openapi.json",
    "/api/docs",
    "/api/v1/policy-areas",
    "/api/v1/networks",
    "/api/v1/cities",
    "/api/v1/cities/{slug}",
    "/api/v1/practices",
    "/api/v1/practices/{slug}",
    "/api/v1/places",
    "/ogc",
    "/ogc/conformance",
    "/ogc/collections",
    "/ogc/collections/{collection}",
    "/ogc/collections/{collection}/queryables",
    "/ogc/collections/{collection}/items",
    "/ogc/collections/{collection}/items/{feature}",
    "/api/v1/auth/register",
    "/api/v1/auth/confirm",
    "/api/v1/auth/login",
    "/api/v1/auth/logout",
    "/api/v1/auth/logout-everywhere",
    "/api/v1/auth/password-reset",
    "/api/v1/auth/password-reset/confirm",
    "/api/v1/me",
    "/api/v1/me/sessions",
    "/api/v1/me/sessions/{number}/end",
    "/api/v1/me/password",
    "/api/v1/submissions",
    "/api/v1/submissions/{reference}",
    "/api/v1/editors/claims",
    "/api/v1/moderation/submissions",
    "/api/v1/moderation/submissions/{id}/approve",
    "/api/v1/moderation/submissions/{id}/reject",
    "/api/v1/moderation/claims",
    "/api/v1/moderation/claims/{id}/verify",
    "/api/v1/moderation/claims/{id}/withdraw",
    "/api/v1/moderation/revisions",
    "/api/v1/moderation/revisions/{id}/reviewed",
    "/api/v1/moderation/revisions/{id}/revert",
    "/api/v1/cities/{slug}/practices",
    "/api/v1/cities/{slug}/revisions",
    "/api/v1/practices/{slug}/revisions",
    "/style.json",
    "/fonts/{fontstack}/{range}",
    "/tiles/{file}",
    "/tiles/{layer}/{z}/{x}/{y}",
];

/// Public, cacheable reads: strong ETag and 304, Cache-Control, CORS open for GET.
fn public_reads(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/api/openapi.json", get(openapi::openapi_json))
        .route("/api/docs", get(openapi::docs))
        .route("/api/v1/policy-areas", get(policy_areas::list))
        .route("/api/v1/networks", get(networks::list))
        .route("/api/v1/cities", get(cities::list))
        .route("/api/v1/cities/{slug}", get(cities::show))
        .route("/api/v1/practices", get(practices::list))
        .route("/api/v1/practices/{slug}", get(practices::show))
        .route("/api/v1/places", get(places::search))
        .merge(crate::ogc::routes())
        .layer(axum::middleware::from_fn_with_state(
            (state.clone(), std::sync::Arc::default()),
            caching::revalidate,
        ))
        .layer(caching::cors())
}

/// Paths the map client answers itself: the pages the links in mails open
/// (`/confirm-email?token=…`, `/reset-password?token=…`).
pub const CLIENT_PAGES: [&str; 2] = ["/confirm-email", "/reset-password"];

/// The client's `index.html` for its own pages, else the 404 problem document.
async fn client_page_or_not_found(
    axum::extract::State(index): axum::extract::State<std::path::PathBuf>,
    request: axum::extract::Request,
) -> axum::response::Response {
    if CLIENT_PAGES.contains(&request.uri().path()) {
        let Ok(page) = tower::ServiceExt::oneshot(ServeFile::new(index), request).await;
        return page.into_response();
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
