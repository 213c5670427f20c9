//! ETag, 304 revalidation, Cache-Control, compression and CORS of the public reads.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use haven::config::Config;
use haven::db::{self, DataVersion};

use crate::support::{TestApp, TestResponse};

fn get_with(path: &str, headers: &[(&str, &str)]) -> Request<Body> {
    let mut request = Request::get(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.body(Body::empty()).unwrap()
}

#[tokio::test]
async fn a_current_etag_gives_304_and_a_data_change_a_new_tag() {
    let app = TestApp::with_sample().await;
    let path = "/api/v1/cities?country=DE&lang=de";
    // The seeding's version notifications arrive asynchronously: wait until the tag settles.
    let mut first = app.get(path).await;
    loop {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let again = app.get(path).await;
        if again.headers["etag"] == first.headers["etag"] {
            break;
        }
        first = again;
    }
    assert_eq!(first.status, StatusCode::OK);
    let etag = first.headers["etag"].to_str().unwrap().to_owned();
    assert!(etag.starts_with('"') && !etag.starts_with("W/"), "{etag}");
    assert!(
        first.headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age=60")
    );

    // The same request with its parameters in another order has the same tag.
    let reordered = app
        .request(get_with(
            "/api/v1/cities?lang=de&country=DE",
            &[("if-none-match", &etag)],
        ))
        .await;
    assert_eq!(reordered.status, StatusCode::NOT_MODIFIED);
    assert!(reordered.body.is_empty());
    assert_eq!(reordered.headers["etag"].to_str().unwrap(), etag);

    // Another request does not match.
    let other = app
        .request(get_with(
            "/api/v1/cities?country=PL",
            &[("if-none-match", &etag)],
        ))
        .await;
    assert_eq!(other.status, StatusCode::OK);

    // A change of the data changes the tag (the version arrives by NOTIFY).
    app.execute("UPDATE cities SET population = 1 WHERE slug = 'koeln'")
        .await;
    let mut changed = None;
    for _ in 0..100 {
        let response = app
            .request(get_with(path, &[("if-none-match", &etag)]))
            .await;
        if response.status == StatusCode::OK {
            changed = Some(response);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let changed = changed.expect("the tag changed after the data did");
    assert_ne!(changed.headers["etag"].to_str().unwrap(), etag);
    assert!(
        changed.text().contains("\"population\" : 1")
            || changed.text().contains("\"population\":1")
    );
}

#[tokio::test]
async fn revalidation_does_not_touch_the_database() {
    // A pool to a database that does not exist: any query would fail.
    let pool = db::pool::build("host=/nonexistent dbname=none connect_timeout=1", 1).unwrap();
    let state = Arc::new(haven::App::new(
        Config::default(),
        pool,
        None,
        Arc::new(DataVersion::new(7)),
    ));
    let router = haven::app(state);
    let path = "/api/v1/cities";
    let tag = haven::api::caching::etag_for(7, &HeaderMap::new(), path, None);
    let response =
        tower::ServiceExt::oneshot(router.clone(), get_with(path, &[("if-none-match", &tag)]))
            .await
            .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
    let stale = haven::api::caching::etag_for(6, &HeaderMap::new(), path, None);
    let response = tower::ServiceExt::oneshot(router, get_with(path, &[("if-none-match", &stale)]))
        .await
        .unwrap();
    let response = TestResponse::read(response).await;
    response.problem(StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn brotli_and_gzip_by_accept_encoding_with_their_own_tags() {
    let app = TestApp::with_sample().await;
    let plain = app.get("/api/v1/policy-areas").await;
    assert!(plain.body.len() > 2000, "a large answer");
    let brotli = app
        .request(get_with(
            "/api/v1/policy-areas",
            &[("accept-encoding", "br")],
        ))
        .await;
    assert_eq!(brotli.headers["content-encoding"], "br");
    assert!(brotli.body.len() < plain.body.len());
    let gzip = app
        .request(get_with(
            "/api/v1/policy-areas",
            &[("accept-encoding", "gzip")],
        ))
        .await;
    assert_eq!(gzip.headers["content-encoding"], "gzip");
    assert_ne!(brotli.headers["etag"], plain.headers["etag"]);
    assert_ne!(brotli.headers["etag"], gzip.headers["etag"]);
}

/// An answer asked for with gzip is kept gzipped: compressed once when it is made, then sent
/// as kept (the compression layer would have chosen brotli for this request and compressed
/// every hit anew); it decodes to the plain answer, and a hit sends the same bytes.
#[tokio::test]
async fn an_answer_asked_for_with_gzip_is_kept_gzipped() {
    use std::io::Read as _;
    let app = TestApp::with_sample().await;
    let path = "/api/v1/cities?limit=1000";
    let plain = app.get(path).await;
    let browser = [("accept-encoding", "gzip, deflate, br")];
    let made = app.request(get_with(path, &browser)).await;
    let kept = app.request(get_with(path, &browser)).await;
    for response in [&made, &kept] {
        assert_eq!(response.status, StatusCode::OK);
        assert_eq!(response.headers["content-encoding"], "gzip");
        assert_eq!(response.headers["etag"], made.headers["etag"]);
        assert!(
            response.headers["vary"]
                .to_str()
                .unwrap()
                .contains("accept-encoding")
        );
    }
    assert_eq!(made.body, kept.body);
    assert!(kept.body.len() * 2 < plain.body.len(), "compressed");
    let mut decoded = Vec::new();
    flate2::read::GzDecoder::new(&kept.body[..])
        .read_to_end(&mut decoded)
        .unwrap();
    assert_eq!(decoded, plain.body.to_vec());
    // A client of brotli alone still gets brotli, from the compression layer.
    let brotli = app
        .request(get_with(path, &[("accept-encoding", "br")]))
        .await;
    assert_eq!(brotli.headers["content-encoding"], "br");
}

#[tokio::test]
async fn cors_is_open_for_reads() {
    let app = TestApp::with_sample().await;
    let response = app
        .request(get_with(
            "/api/v1/cities",
            &[("origin", "https://elsewhere.example")],
        ))
        .await;
    assert_eq!(response.headers["access-control-allow-origin"], "*");
    let preflight = app
        .request(
            Request::builder()
                .method("OPTIONS")
                .uri("/api/v1/cities?country=DE")
                .header("origin", "https://elsewhere.example")
                .header("access-control-request-method", "GET")
                .header("access-control-request-headers", "if-none-match")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(preflight.status.is_success(), "{}", preflight.status);
    assert_eq!(preflight.headers["access-control-allow-origin"], "*");
    assert!(
        preflight.headers["access-control-allow-methods"]
            .to_str()
            .unwrap()
            .contains("GET")
    );
}

#[tokio::test]
async fn errors_carry_no_etag() {
    let app = TestApp::with_sample().await;
    let response = app.get("/api/v1/cities?limit=0").await;
    response.problem(StatusCode::BAD_REQUEST);
    assert!(!response.headers.contains_key("etag"));
}
