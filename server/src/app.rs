//! The application state and the router with its middleware.

use std::any::Any;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::response::{IntoResponse, Response};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::predicate::{NotForContentType, Predicate};
use tower_http::compression::{CompressionLayer, DefaultPredicate};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;

use crate::auth::rate_limit::Limit;
use crate::config::Config;
use crate::db::{DataVersion, DbConn, DbPool};
use crate::error::{AppResult, Problem};

/// Shared state of every request: settings and the connection pools.
pub struct App {
    /// Settings read at start.
    pub config: Config,
    /// The latest data version, kept current by LISTEN/NOTIFY.
    pub data_version: Arc<DataVersion>,
    /// Vector tiles: the cache of rendered tiles.
    pub tiles: crate::tiles::TileService,
    /// The public answers kept in memory by ETag.
    pub answers: Arc<crate::api::caching::AnswerCache>,
    /// Glyphs of the map's labels, rendered on first use.
    pub glyphs: Arc<crate::tiles::glyphs::Glyphs>,
    /// The download archive of the current data version.
    pub downloads: crate::export::archive::Downloads,
    /// The listed cities' collection of the current data version.
    pub listed_cities: crate::model::city_list::ListedCities,
    /// The published practices' collection of the current data version.
    pub listed_practices: crate::model::practice_list::ListedPractices,
    /// The gazetteer the place search answers from.
    pub gazetteer: crate::model::gazetteer::Gazetteer,
    /// The cities' pages kept in memory.
    pub city_pages: Arc<crate::model::city_pages::CityPages>,
    primary: DbPool,
    replica: Option<DbPool>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("config", &self.config)
            .field("data_version", &self.data_version.get())
            .field("primary", &self.primary.status())
            .field("replica", &self.replica.as_ref().map(DbPool::status))
            .finish()
    }
}

/// The state handlers receive.
pub type AppState = Arc<App>;

impl App {
    /// State over a primary pool and an optional read replica.
    #[must_use]
    pub fn new(
        config: Config,
        primary: DbPool,
        replica: Option<DbPool>,
        data_version: Arc<DataVersion>,
    ) -> Self {
        let tiles = crate::tiles::TileService::new(config.tile_cache_bytes);
        let answers = Arc::new(crate::api::caching::AnswerCache::default());
        // Every change of the data drops what it touches from the caches.
        let tile_cache: Arc<dyn crate::db::data_version::ChangeSink> = tiles.shared_cache();
        data_version.register(Arc::downgrade(&tile_cache));
        let answer_cache: Arc<dyn crate::db::data_version::ChangeSink> = answers.clone();
        data_version.register(Arc::downgrade(&answer_cache));
        let city_pages = Arc::new(crate::model::city_pages::CityPages::default());
        let kept_pages: Arc<dyn crate::db::data_version::ChangeSink> = city_pages.clone();
        data_version.register(Arc::downgrade(&kept_pages));
        Self {
            city_pages,
            tiles,
            answers,
            glyphs: Arc::default(),
            downloads: crate::export::archive::Downloads::default(),
            listed_cities: crate::model::city_list::ListedCities::default(),
            listed_practices: crate::model::practice_list::ListedPractices::default(),
            gazetteer: crate::model::gazetteer::Gazetteer::default(),
            config,
            data_version,
            primary,
            replica,
        }
    }

    /// `limit` as this instance enforces it: scaled by the tests-only `rate_limit_scale`.
    #[must_use]
    pub fn limit(&self, limit: Limit) -> Limit {
        Limit {
            max: limit
                .max
                .saturating_mul(i32::from(self.config.rate_limit_scale)),
            ..limit
        }
    }

    /// A connection for reads: the replica when there is one and it has replayed the data
    /// version this instance knows, else the primary. So an answer is never older than the
    /// data version it is cached under, and a writer reads its own write even while the
    /// replica lags (or is away).
    ///
    /// # Errors
    /// 503 when no connection can be had in time.
    pub async fn db_read(&self) -> AppResult<DbConn> {
        if let Some(replica) = &self.replica {
            let wanted = self.data_version.get();
            if let Ok(mut conn) = replica.get().await
                && crate::db::data_version::read(&mut conn)
                    .await
                    .is_ok_and(|version| version >= wanted)
            {
                return Ok(conn);
            }
        }
        Ok(self.primary.get().await?)
    }

    /// The published city of `slug` in `lang` with `links`, or where an old slug moved to:
    /// from the instance's pages ([`crate::model::city_pages`]), else read and kept.
    ///
    /// # Errors
    /// 503 when the database is unavailable, 500 when the query fails.
    pub async fn city_found(
        &self,
        slug: &str,
        lang: crate::query::Lang,
        links: &[crate::model::collection::Link],
    ) -> AppResult<crate::model::Lookup> {
        use crate::model::Lookup;
        if let Some(page) = self.city_pages.get(slug, lang) {
            return Ok(Lookup::Found(page.with_links(links)?));
        }
        let version = self.data_version.get();
        crate::model::city::find_page(&mut *self.db_read().await?, slug, lang)
            .await?
            .try_map(|page| {
                let page = Arc::new(page);
                self.city_pages
                    .insert(slug, lang, version, Arc::clone(&page));
                page.with_links(links)
            })
    }

    /// The page of listed cities `query` asks for, from the instance's snapshot of them when
    /// it answers the query ([`crate::model::city_list`]), else from the database.
    ///
    /// # Errors
    /// 400 naming a filter whose value names nothing, 503 when the database is unavailable,
    /// 500 when the query fails.
    pub async fn city_page(
        &self,
        query: &crate::query::CollectionQuery,
        links: &crate::model::collection::PageLinks,
    ) -> AppResult<String> {
        crate::model::city_list::page(
            &self.listed_cities,
            &self.data_version,
            || self.db_read(),
            query,
            links,
        )
        .await
    }

    /// The page of published practices `query` asks for, chosen from the instance's snapshot
    /// of them when it is of the current data version and answers the query
    /// ([`crate::model::practice_list`]), else from the database. After a write the snapshot
    /// in memory is updated by what changed (milliseconds) and the answer waits for that,
    /// as tiles do; a snapshot read whole (at start, or after a change an update cannot
    /// follow) is read in the background, one read at a time, while the statement answers.
    ///
    /// # Errors
    /// 400 naming a filter whose value names nothing, 503 when the database is unavailable,
    /// 500 when the query fails.
    pub async fn practice_page(
        self: &Arc<Self>,
        query: &crate::query::CollectionQuery,
        links: &crate::model::collection::PageLinks,
    ) -> AppResult<String> {
        use crate::model::practice_list::{self, KINDS, PracticeList};
        let wanted = self.data_version.of(KINDS);
        // The statement of a page dropped by a write costs the database about as much as the
        // update, which then serves every page after it.
        let snapshot = if PracticeList::serves(query) {
            let updated = self
                .listed_practices
                .updated(wanted, || self.db_read())
                .await?;
            if updated.is_none() {
                self.read_practices(wanted);
            }
            updated
        } else {
            None
        };
        practice_list::page(
            snapshot.as_deref(),
            &self.data_version,
            &mut *self.db_read().await?,
            query,
            links,
        )
        .await
    }

    /// Reads the practices' snapshot of data version `wanted` or later in the background,
    /// unless another read of it is under way.
    pub fn read_practices(self: &Arc<Self>, wanted: i64) {
        let state = Arc::clone(self);
        tokio::spawn(async move { state.read(&state.listed_practices, wanted).await });
    }

    /// Reads `snapshot` of data version `wanted` or later, unless another read of it is under
    /// way; a failure is logged (the statements answer meanwhile).
    pub async fn read<T: crate::db::snapshot::Loaded>(
        &self,
        snapshot: &crate::db::snapshot::Snapshot<T>,
        wanted: i64,
    ) {
        if let Err(error) = snapshot
            .at_least_unless_loading(wanted, || self.db_read())
            .await
        {
            tracing::warn!(%error, snapshot = std::any::type_name::<T>(), "a snapshot was not read");
        }
    }

    /// The places whose name starts with `q`, at most `limit` ([`crate::model::place`]): from
    /// the instance's gazetteer ([`crate::model::gazetteer`]) when it is of the current data
    /// version, else from the database while it is read in the background.
    ///
    /// # Errors
    /// 503 when the database is unavailable, 500 when a query fails.
    pub async fn places_found(self: &Arc<Self>, q: &str, limit: i64) -> AppResult<String> {
        use crate::model::gazetteer::{self, CITY_KINDS, PLACE_KINDS};
        let wanted = self.data_version.of(PLACE_KINDS);
        let Some(places) = self.gazetteer.places.fresh(wanted) else {
            self.read_places(wanted);
            return crate::model::place::search(&mut *self.db_read().await?, q, limit).await;
        };
        let cities = self
            .gazetteer
            .cities
            .at_least(self.data_version.of(CITY_KINDS), || self.db_read())
            .await?;
        let folded = match self.gazetteer.folds.kept(q) {
            Some(folded) => folded,
            None => {
                self.gazetteer
                    .folds
                    .of(q, &mut *self.db_read().await?)
                    .await?
            }
        };
        Ok(gazetteer::search(
            &places,
            &cities,
            &folded,
            usize::try_from(limit).unwrap_or(0),
        ))
    }

    /// Reads the gazetteer of data version `wanted` or later in the background, unless
    /// another read of it is under way.
    pub fn read_places(self: &Arc<Self>, wanted: i64) {
        let state = Arc::clone(self);
        tokio::spawn(async move { state.read(&state.gazetteer.places, wanted).await });
    }

    /// A connection to the primary, for writes and reads that must see them.
    ///
    /// # Errors
    /// 503 when no connection can be had in time.
    pub async fn db_write(&self) -> AppResult<DbConn> {
        Ok(self.primary.get().await?)
    }
}

/// The whole HTTP application: API routes, the map client's static files and middleware.
pub fn app(state: AppState) -> Router {
    let config = state.config.clone();
    let router = crate::api::router(Arc::clone(&state))
        .layer(axum::middleware::from_fn_with_state(state, observe_writes));
    with_middleware(router, &config)
}

/// After a successful write, reads the changes it made from the primary, so this instance's
/// next read (and its caches) see the write without waiting for the notification.
async fn observe_writes(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: Request<Body>,
    next: axum::middleware::Next,
) -> Response {
    let writes = !matches!(
        *request.method(),
        axum::http::Method::GET | axum::http::Method::HEAD | axum::http::Method::OPTIONS
    );
    let response = next.run(request).await;
    if writes && response.status().is_success() {
        match state.primary.get().await {
            Ok(mut conn) => {
                if let Err(error) = state.data_version.catch_up(&mut conn).await {
                    tracing::debug!(%error, "data changes not read after a write");
                }
            }
            Err(error) => tracing::debug!(%error, "data version not refreshed after a write"),
        }
    }
    response
}

/// Wraps `router` in Haven's middleware: tracing, panic recovery, compression, security
/// headers and problem documents for bare errors ([`crate::http_policy`]) and the body size
/// limit. Public so that tests can check the middleware on routes of their own.
pub fn with_middleware(router: Router, config: &Config) -> Router {
    router
        .layer(RequestBodyLimitLayer::new(config.body_limit))
        .layer(axum::middleware::from_fn_with_state(
            crate::http_policy::HeaderPolicy::new(config),
            crate::http_policy::enforce,
        ))
        .layer(CompressionLayer::new().compress_when(
            // An archive is compressed already: gzip on every download only costs time.
            DefaultPredicate::new().and(NotForContentType::const_new("application/zip")),
        ))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request<Body>| {
                    tracing::info_span!(
                        "request",
                        method = %request.method(),
                        uri = %request.uri(),
                    )
                })
                .on_response(
                    |response: &Response, latency: Duration, _span: &tracing::Span| {
                        tracing::debug!(status = response.status().as_u16(), ?latency, "response");
                    },
                ),
        )
}

/// A panic in a handler becomes a 500 problem document instead of a dropped connection.
fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    tracing::error!(panic = message, "handler panicked");
    Problem::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "An internal error occurred; it has been logged.",
        None,
    )
    .into_response()
}
