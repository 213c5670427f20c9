//! The in-memory cache of public answers, keyed by their strong ETag
//! ([`etag_for`](super::caching::etag_for)), with the kinds of data each depends on.
//!
//! A change of the data drops exactly the answers that depend on its kind. The requests that
//! then miss the same answer at once (every reader of a popular list after a write) wait for
//! one of them to make it ([`Flights`]) instead of each running its queries.
//!
//! An answer asked for with gzip is kept gzipped (an ETag is per `Accept-Encoding`, so every
//! request of its tag accepts it): compressed once when it is made, not on every hit. Before,
//! the compression layer gzipped the kept answer anew for each request: two thirds of
//! Haven's time under the benchmarks' mix, and a 500 KB list held a worker thread for
//! milliseconds each time it was read.
//!
//! An answer is kept from the second time its request is made: a request made once (a map's
//! random view, a wide `near`, a page of the OGC items, a city's page on a walk through them
//! all) would otherwise fill the cache with answers no one reads again (at ten times the data
//! the whole city list, `near` and the OGC items are 480–520 KB: a hundred fill it), and a full
//! cache starts over, dropping the answers that are read. The requests seen are remembered
//! across data versions, so a popular answer a write dropped is kept again the first time it
//! is made anew.

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::db::data_version::{Change, ChangeSink, Kinds};
use crate::flight::{Flight, Flights, Joined};

/// Most answers and bytes kept in memory (the cache starts over beyond), and the largest
/// body read (far above any answer: collections stop at 1000 features).
const CACHE_ENTRIES: usize = 1024;
/// The bytes are 64 MB less the cities' pages each instance keeps
/// ([`crate::model::city_pages::CITY_PAGE_BYTES`]): both are answers kept, in one budget
/// (goal 4 of issue 17 holds an instance under 300 MB at ten times the data).
const CACHE_TOTAL_BYTES: usize = 64 * 1024 * 1024 - crate::model::city_pages::CITY_PAGE_BYTES;
const CACHE_BODY_BYTES: usize = 64 * 1024 * 1024;
/// Most requests remembered as made (8 bytes each; forgotten all at once beyond).
const SEEN_REQUESTS: usize = 1 << 16;

/// Current answers by ETag, with the kinds of data each depends on (one per instance).
#[derive(Debug, Default)]
pub struct AnswerCache {
    inner: Mutex<CacheInner>,
    /// The answers being made, so that concurrent misses of one answer make it once.
    flights: Flights<String, KeptAnswer>,
    hits: AtomicU64,
    misses: AtomicU64,
    shared: AtomicU64,
    not_modified: AtomicU64,
    /// Hashes of the requests whose answer was made, whatever the data version.
    seen: Mutex<HashSet<u64>>,
}

/// A kept answer's media type and body, gzipped or not.
#[derive(Debug, Clone)]
pub struct KeptAnswer {
    content_type: HeaderValue,
    body: Bytes,
    gzipped: bool,
}

impl IntoResponse for KeptAnswer {
    fn into_response(self) -> Response {
        let mut response = Response::new(Body::from(self.body.clone()));
        self.mark_encoding(response.headers_mut());
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, self.content_type);
        response
    }
}

impl KeptAnswer {
    /// Names the body's encoding in `headers` when it is kept gzipped.
    fn mark_encoding(&self, headers: &mut axum::http::HeaderMap) {
        if self.gzipped {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
    }
}

/// Bodies smaller than this are kept as they are: gzip would gain little on them.
const GZIP_FROM_BYTES: usize = 1024;

/// Whether answers of `content_type` are text (JSON, GeoJSON, CSV, HTML, XML, Atom), which
/// gzip shrinks; an archive or an image is compressed already.
fn is_text(content_type: &HeaderValue) -> bool {
    let media = content_type.to_str().unwrap_or("").to_ascii_lowercase();
    media.starts_with("text/") || media.contains("json") || media.contains("xml")
}

/// The gzip level of kept answers: the requests that come while an answer a write dropped is
/// made again wait for it, and zlib-rs at level 5 gzips the whole city list (280 KB) in 1.2 ms
/// against 2.0 ms at the default 6, 2 % larger (30.6 against 30.0 KB; the best of ten rounds).
const GZIP_LEVEL: u32 = 5;

/// `body` gzipped (once per answer made, at [`GZIP_LEVEL`]), off the runtime's worker
/// threads; `None` if compressing failed.
async fn gzip(body: Bytes) -> Option<Bytes> {
    tokio::task::spawn_blocking(move || {
        use std::io::Write as _;
        let mut encoder = flate2::write::GzEncoder::new(
            Vec::with_capacity(body.len() / 4),
            flate2::Compression::new(GZIP_LEVEL),
        );
        encoder.write_all(&body).ok()?;
        encoder.finish().ok().map(Bytes::from)
    })
    .await
    .ok()
    .flatten()
}

/// A kept answer with what it depends on.
#[derive(Debug)]
struct Entry {
    kinds: Kinds,
    answer: KeptAnswer,
}

#[derive(Debug, Default)]
struct CacheInner {
    bytes: usize,
    answers: HashMap<String, Entry>,
}

impl AnswerCache {
    /// The answer kept under `tag`, counted as a hit or a miss.
    pub fn get(&self, tag: &str) -> Option<KeptAnswer> {
        let found = self
            .inner
            .lock()
            .ok()
            .and_then(|inner| inner.answers.get(tag).map(|entry| entry.answer.clone()));
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// Leads the making of the answer of `tag`, or waits for the request that makes it (see
    /// [`Flights`]); an answer so shared is counted.
    pub async fn join(&self, tag: &str) -> Joined<'_, String, KeptAnswer> {
        let joined = self.flights.join(&tag.to_owned()).await;
        if matches!(joined, Joined::Followed(Some(_))) {
            self.shared.fetch_add(1, Ordering::Relaxed);
        }
        joined
    }

    /// Counts an answer revalidated with 304.
    pub fn count_not_modified(&self) {
        self.not_modified.fetch_add(1, Ordering::Relaxed);
    }

    /// Whether the request of `tag` has made its answer before (at any data version), and
    /// remembers that it has now.
    fn seen_before(&self, tag: &str) -> bool {
        let Ok(mut seen) = self.seen.lock() else {
            return false;
        };
        if seen.len() >= SEEN_REQUESTS {
            seen.clear();
        }
        let mut hasher = DefaultHasher::new();
        super::caching::request_of(tag).hash(&mut hasher);
        !seen.insert(hasher.finish())
    }

    /// Keeps an answer made while its data was at `version`, unless that data has changed
    /// since (`current` gives the version now, read under the cache's lock, so a change that
    /// lands meanwhile either refuses the answer here or drops it afterwards).
    fn put(
        &self,
        tag: String,
        kinds: Kinds,
        version: i64,
        current: impl Fn() -> i64,
        answer: KeptAnswer,
    ) {
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        if current() != version {
            return;
        }
        if inner.answers.len() >= CACHE_ENTRIES
            || inner.bytes + answer.body.len() > CACHE_TOTAL_BYTES
        {
            inner.answers.clear();
            inner.bytes = 0;
        }
        inner.bytes += answer.body.len();
        if let Some(old) = inner.answers.insert(tag, Entry { kinds, answer }) {
            inner.bytes -= old.answer.body.len();
        }
    }

    /// Stores a plain 200 answer under `tag` (reading its body, gzipping it once when the
    /// request accepts gzip; only when its request made one before), hands it to the requests
    /// waiting in `flight`, and gives it back;
    /// it was made while the data of `kinds` was at `version`, and `current` tells the version
    /// now. Other answers (redirects, problems) are neither kept nor shared: the waiting
    /// requests make their own.
    pub async fn keep(
        &self,
        (tag, kinds, version): (&str, Kinds, i64),
        current: impl Fn() -> i64,
        (response, accepts_gzip): (Response, bool),
        flight: Option<Flight<'_, String, KeptAnswer>>,
    ) -> Response {
        let Some(content_type) = response.headers().get(header::CONTENT_TYPE).cloned() else {
            return response;
        };
        if response.status() != StatusCode::OK || response.headers().len() > 1 {
            return response;
        }
        let (parts, body) = response.into_parts();
        match axum::body::to_bytes(body, CACHE_BODY_BYTES).await {
            Ok(body) => {
                let compressed =
                    if accepts_gzip && body.len() >= GZIP_FROM_BYTES && is_text(&content_type) {
                        gzip(body.clone()).await
                    } else {
                        None
                    };
                let (body, gzipped) = match compressed {
                    Some(gzip) => (gzip, true),
                    None => (body, false),
                };
                let answer = KeptAnswer {
                    content_type,
                    body,
                    gzipped,
                };
                if self.seen_before(tag) {
                    self.put(tag.to_owned(), kinds, version, current, answer.clone());
                }
                let mut response = Response::from_parts(parts, Body::from(answer.body.clone()));
                answer.mark_encoding(response.headers_mut());
                if let Some(flight) = flight {
                    flight.land(answer);
                }
                response
            }
            Err(error) => {
                tracing::warn!(%error, "answer too large to keep");
                crate::error::AppError::Internal(anyhow::anyhow!("answer too large"))
                    .into_response()
            }
        }
    }

    /// Answers served from memory, answers looked up and not found, answers that waited for
    /// the same answer made for another request, and 304s, since start.
    #[must_use]
    pub fn counts(&self) -> AnswerCounts {
        AnswerCounts {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            shared: self.shared.load(Ordering::Relaxed),
            not_modified: self.not_modified.load(Ordering::Relaxed),
        }
    }
}

/// The answer cache's counters since start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnswerCounts {
    pub hits: u64,
    pub misses: u64,
    pub shared: u64,
    pub not_modified: u64,
}

impl ChangeSink for AnswerCache {
    fn apply(&self, change: &Change) {
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        let mut freed = 0;
        inner.answers.retain(|_, entry| {
            let keep = !entry.kinds.intersects(change.kinds);
            if !keep {
                freed += entry.answer.body.len();
            }
            keep
        });
        inner.bytes -= freed;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::caching::depends_on;
    use crate::db::data_version::DataKind;
    use crate::flight::tests::leads;

    fn text() -> KeptAnswer {
        KeptAnswer {
            content_type: HeaderValue::from_static("text/plain"),
            body: Bytes::from("x"),
            gzipped: false,
        }
    }

    #[test]
    fn only_text_is_gzipped() {
        for text in [
            "application/geo+json",
            "text/csv; charset=utf-8",
            "text/html",
            "application/atom+xml",
        ] {
            assert!(is_text(&HeaderValue::from_static(text)), "{text}");
        }
        for binary in [
            "application/zip",
            "image/png",
            "application/vnd.mapbox-vector-tile",
        ] {
            assert!(!is_text(&HeaderValue::from_static(binary)), "{binary}");
        }
    }

    #[test]
    fn a_change_drops_the_answers_that_depend_on_its_kind() {
        let cache = AnswerCache::default();
        let put = |tag: &str, kinds| cache.put(tag.to_owned(), kinds, 1, || 1, text());
        put("cities", depends_on("/api/v1/cities"));
        put("networks", depends_on("/api/v1/networks"));
        cache.apply(&Change {
            version: 2,
            kinds: Kinds::of(&[DataKind::Practices]),
            boxes: None,
        });
        assert!(cache.get("cities").is_none());
        assert!(cache.get("networks").is_some());
        // An answer made before a change of its data landed is not kept.
        cache.put("late".to_owned(), Kinds::ALL, 1, || 2, text());
        assert!(cache.get("late").is_none());
        let counts = cache.counts();
        assert_eq!((counts.hits, counts.misses), (1, 2));
    }

    #[tokio::test]
    async fn concurrent_misses_of_one_answer_share_the_one_made() {
        let cache = AnswerCache::default();
        let flight = leads(cache.join("tag").await).expect("the first miss makes the answer");
        let mut follower = Box::pin(cache.join("tag"));
        assert!(futures_util::poll!(follower.as_mut()).is_pending());
        let response = (StatusCode::OK, "made once").into_response();
        let kept = cache
            .keep(("tag", Kinds::ALL, 1), || 1, (response, true), Some(flight))
            .await;
        assert_eq!(kept.status(), StatusCode::OK);
        let Joined::Followed(Some(answer)) = follower.await else {
            unreachable!("the waiting request gets the answer");
        };
        assert_eq!(answer.body, Bytes::from("made once"));
        assert_eq!(cache.counts().shared, 1);
    }

    #[tokio::test]
    async fn an_answer_is_kept_from_the_second_time_its_request_is_made() {
        let cache = AnswerCache::default();
        let make = |tag: &'static str, version| {
            let cache = &cache;
            async move {
                let response = (StatusCode::OK, "answer").into_response();
                cache
                    .keep(
                        (tag, Kinds::ALL, version),
                        || version,
                        (response, false),
                        None,
                    )
                    .await;
                cache.get(tag).is_some()
            }
        };
        assert!(!make("\"1-a\"", 1).await);
        assert!(!make("\"1-b\"", 1).await);
        assert!(make("\"1-a\"", 1).await);
        // After a write, the request's answer is kept the first time it is made again.
        assert!(make("\"2-a\"", 2).await);
        assert!(!make("\"2-c\"", 2).await);
    }
}
