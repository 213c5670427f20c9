//! Following a city, a network, a policy area or a place's surroundings: the Atom feed, the
//! e-mail subscription (double opt-in, weekly digest, one-POST unsubscribe with RFC 8058
//! headers), links from the pages, and bad input.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use haven::auth::mail::{Mailer, deliver_due};
use haven::follow::digest::{Pass, send_due};

use crate::auth::db;
use crate::support::{TestApp, TestResponse};

const BASE: &str = "http://haven.test";
/// Where mailed links point: the listen address of the default configuration, never the
/// request's Host.
const MAIL: &str = "http://127.0.0.1:8080";

/// A form POST from `ip`, sent from Haven's own page unless `origin` says otherwise.
async fn post_form(
    app: &TestApp,
    path: &str,
    form: &str,
    origin: Option<&str>,
    ip: [u8; 4],
) -> TestResponse {
    let mut builder = Request::post(path)
        .header("host", "haven.test")
        .header("content-type", "application/x-www-form-urlencoded");
    if let Some(origin) = origin {
        builder = builder.header("origin", origin);
    }
    let mut request = builder.body(Body::from(form.to_owned())).unwrap();
    request
        .extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((ip, 4000))));
    app.request(request).await
}

async fn get(app: &TestApp, path: &str) -> TestResponse {
    let mut request = Request::get(path)
        .header("host", "haven.test")
        .body(Body::empty())
        .unwrap();
    request
        .extensions_mut()
        .insert(ConnectInfo(SocketAddr::from(([10, 0, 0, 9], 4000))));
    app.request(request).await
}

async fn connect(app: &TestApp) -> AsyncPgConnection {
    AsyncPgConnection::establish(&app.database_url)
        .await
        .unwrap()
}

/// Bodies of the outbox's mails to `to`, oldest first.
async fn mails_to(app: &TestApp, to: &str) -> Vec<(String, String, Option<String>)> {
    db(app)
        .await
        .query(
            "SELECT subject, body, list_unsubscribe FROM outbox WHERE to_address = $1 ORDER BY id",
            &[&to],
        )
        .await
        .unwrap()
        .iter()
        .map(|row| (row.get(0), row.get(1), row.get(2)))
        .collect()
}

/// The token of the last follow link in `body`.
fn token_in(body: &str) -> String {
    body.rsplit("token=")
        .next()
        .unwrap()
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect()
}

#[tokio::test]
async fn following_by_mail_is_confirmed_digested_and_ended_by_one_post() {
    let app = TestApp::with_sample().await;
    let ana = "ana@example.org";

    // The form on the follow page subscribes, unconfirmed, and mails the link to confirm.
    let page = get(&app, "/en/follow?city=koeln").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text().contains(r#"action="/en/follow""#),
        "{}",
        page.text()
    );
    let answer = post_form(
        &app,
        "/en/follow",
        "city=koeln&email=ana%40example.org",
        Some(BASE),
        [10, 0, 0, 1],
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert!(answer.text().contains("Check your mail"));
    let mails = mails_to(&app, ana).await;
    assert_eq!(mails.len(), 1);
    let (subject, body, unsubscribe) = &mails[0];
    assert_eq!(subject, "Confirm: follow Köln on Haven");
    assert!(body.contains("/en/follow/confirm?token="), "{body}");
    let token = token_in(body);
    assert_eq!(token.len(), 64);
    assert_eq!(
        unsubscribe.as_deref(),
        Some(format!("{MAIL}/en/follow/unsubscribe?token={token}").as_str())
    );

    // Unconfirmed: no digest. Opening the link shows a button and confirms nothing.
    let mut conn = connect(&app).await;
    let client = db(&app).await;
    client
        .execute(
            "UPDATE follows SET created_at = now() - interval '1 day'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(send_due(&mut conn, MAIL).await.unwrap(), Pass::default());
    let prompt = get(&app, &format!("/en/follow/confirm?token={token}")).await;
    assert_eq!(prompt.status, StatusCode::OK);
    assert!(
        prompt
            .text()
            .contains(r#"<button type="submit">Confirm</button>"#)
    );
    let confirmed: i64 = client
        .query_one(
            "SELECT count(*) FROM follows WHERE confirmed_at IS NOT NULL",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(confirmed, 0, "a GET (a mail scanner) confirms nothing");

    // The button confirms.
    let done = post_form(
        &app,
        &format!("/en/follow/confirm?token={token}"),
        "",
        Some(BASE),
        [10, 0, 0, 1],
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text());
    assert!(done.text().contains("You follow Köln"));

    // Asked again, the address is told it follows already; the requester sees the same page.
    let again = post_form(
        &app,
        "/de/follow",
        "city=koeln&email=ANA%40example.org",
        Some(BASE),
        [10, 0, 0, 2],
    )
    .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(
        mails_to(&app, "ANA@example.org").await[0].0,
        "Sie folgen Köln auf Haven bereits"
    );
    let subscriptions: i64 = client
        .query_one("SELECT count(*) FROM follows", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(subscriptions, 1);

    // A week on: what changed for Köln since the last digest, and nothing else.
    client
        .batch_execute(
            "UPDATE follows SET digest_through = now() - interval '8 days';
             SET session_replication_role = replica; -- triggers would set updated_at to now
             UPDATE memberships SET updated_at = now() - interval '30 days', created_at = now() - interval '30 days';
             UPDATE practices SET updated_at = now() - interval '30 days', created_at = now() - interval '30 days';
             UPDATE safe_harbour_demands SET updated_at = now() - interval '30 days', created_at = now() - interval '30 days';
             SET session_replication_role = origin;
             INSERT INTO practices (slug, city_id, original_lang, title, organisation, status)
             VALUES ('koeln-health-card', (SELECT id FROM cities WHERE slug = 'koeln'), 'de',
                     '{\"de\":\"Anonymer Krankenschein\",\"en\":\"Anonymous health certificate\"}', 'Stadt Köln', 'active'),
                    ('potsdam-new', (SELECT id FROM cities WHERE slug = 'potsdam'), 'en',
                     '{\"en\":\"Not about Köln\"}', 'Stadt Potsdam', 'active');
             UPDATE safe_harbour_demands SET fulfilled = true
              WHERE demand_key = 'admission_in_addition_quota'
                AND city_id = (SELECT id FROM cities WHERE slug = 'koeln');",
        )
        .await
        .unwrap();
    let pass = send_due(&mut conn, MAIL).await.unwrap();
    assert_eq!(
        pass,
        Pass {
            mailed: 1,
            quiet: 0,
            expired: 0
        }
    );
    let mails = mails_to(&app, ana).await;
    let (subject, digest, unsubscribe) = mails.last().unwrap();
    assert_eq!(subject, "Haven: what changed for Köln");
    assert!(
        digest.contains("New practice: Anonymous health certificate (Köln)"),
        "{digest}"
    );
    assert!(
        digest.contains(&format!("{MAIL}/en/practices/koeln-health-card")),
        "{digest}"
    );
    assert!(digest.contains("Köln: Seebrücke demand"), "{digest}");
    assert!(digest.contains("fulfilled: yes"), "{digest}");
    assert!(!digest.contains("Potsdam"), "only Köln: {digest}");
    assert!(
        !digest.contains("Move-out support"),
        "nothing older than the last digest: {digest}"
    );
    assert!(
        digest.contains(&format!("/en/follow/unsubscribe?token={token}")),
        "{digest}"
    );
    assert!(
        digest.contains("/feeds/follow.atom?city=koeln&lang=en"),
        "{digest}"
    );
    assert!(unsubscribe.is_some());
    // Not due again for a week; a week with no change sends nothing.
    assert_eq!(send_due(&mut conn, MAIL).await.unwrap(), Pass::default());
    client
        .execute(
            "UPDATE follows SET digest_through = now() - interval '8 days'",
            &[],
        )
        .await
        .unwrap();
    client
        .batch_execute("SET session_replication_role = replica;
             UPDATE practices SET updated_at = now() - interval '9 days', created_at = now() - interval '9 days';
                        UPDATE safe_harbour_demands SET updated_at = now() - interval '9 days'")
        .await
        .unwrap();
    assert_eq!(send_due(&mut conn, MAIL).await.unwrap().quiet, 1);

    // Sent by SMTP with List-Unsubscribe and List-Unsubscribe-Post (RFC 8058).
    let (url, received) = crate::mail::relay().await;
    let mailer = Mailer::new(&url, "Haven <haven@example.org>").unwrap();
    deliver_due(&mut conn, &mailer).await.unwrap();
    let delivered = received.lock().unwrap().clone();
    let digest_mail = delivered
        .iter()
        .find(|mail| mail.to.contains(ana) && mail.data.contains("what changed"))
        .unwrap();
    let headers = digest_mail.data.replace("\n ", " ");
    assert!(
        headers.contains(&format!(
            "List-Unsubscribe: <{MAIL}/en/follow/unsubscribe?token={token}>"
        )),
        "{headers}"
    );
    assert!(
        headers.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"),
        "{headers}"
    );

    // One POST, as a mail program sends it (no Origin of Haven's), ends the subscription and
    // deletes the address with every mail written for it.
    let ended = post_form(
        &app,
        &format!("/en/follow/unsubscribe?token={token}"),
        "List-Unsubscribe=One-Click",
        Some("https://mail.example.net"),
        [192, 0, 2, 1],
    )
    .await;
    assert_eq!(ended.status, StatusCode::OK, "{}", ended.text());
    assert!(ended.text().contains("Unsubscribed"));
    let left: i64 = client
        .query_one(
            "SELECT (SELECT count(*) FROM follows) + (SELECT count(*) FROM outbox WHERE lower(to_address) = $1)",
            &[&ana],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(left, 0, "the address is gone");
    let twice = post_form(
        &app,
        &format!("/en/follow/unsubscribe?token={token}"),
        "",
        None,
        [192, 0, 2, 1],
    )
    .await;
    assert_eq!(twice.status, StatusCode::NOT_FOUND);
    assert!(twice.text().contains("This link is no longer valid"));
}

#[tokio::test]
async fn unconfirmed_subscriptions_and_their_mail_are_deleted_after_a_week() {
    let app = TestApp::with_sample().await;
    post_form(
        &app,
        "/en/follow",
        "network=iash&email=bo%40example.org",
        Some(BASE),
        [10, 0, 0, 3],
    )
    .await;
    post_form(
        &app,
        "/en/follow",
        "network=iash&email=cy%40example.org",
        Some(BASE),
        [10, 0, 0, 3],
    )
    .await;
    let client = db(&app).await;
    client
        .execute(
            "UPDATE follows SET created_at = now() - interval '8 days' WHERE email = 'bo@example.org'",
            &[],
        )
        .await
        .unwrap();
    let mut conn = connect(&app).await;
    assert_eq!(send_due(&mut conn, MAIL).await.unwrap().expired, 1);
    assert!(mails_to(&app, "bo@example.org").await.is_empty());
    assert_eq!(mails_to(&app, "cy@example.org").await.len(), 1);
}

/// The entries' titles of an Atom feed.
fn titles(response: &TestResponse) -> Vec<String> {
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    assert!(response.content_type().starts_with("application/atom+xml"));
    let feed = feed_rs::parser::parse(response.body.as_ref()).unwrap();
    feed.entries
        .into_iter()
        .map(|entry| entry.title.unwrap().content)
        .collect()
}

#[tokio::test]
async fn the_follow_feed_holds_what_changed_for_its_target() {
    let app = TestApp::with_sample().await;
    let koeln = titles(&get(&app, "/feeds/follow.atom?city=koeln").await);
    assert!(
        koeln
            .iter()
            .any(|t| t.contains("Move-out support for refugees (Köln)")),
        "{koeln:?}"
    );
    assert!(
        koeln.iter().any(|t| t.starts_with("Köln: Safe Harbour")),
        "{koeln:?}"
    );
    assert!(
        koeln.iter().any(|t| t.contains("Seebrücke demand")),
        "{koeln:?}"
    );
    assert!(koeln.iter().all(|t| t.contains("Köln")), "{koeln:?}");

    let iash = titles(&get(&app, "/feeds/follow.atom?network=iash").await);
    assert!(
        iash.iter()
            .any(|t| t.starts_with("Potsdam: International Alliance")),
        "{iash:?}"
    );
    assert!(iash.iter().any(|t| t.starts_with("Palermo:")), "{iash:?}");
    assert!(
        !iash.iter().any(|t| t.contains("Bündnis")),
        "other networks' memberships: {iash:?}"
    );

    let housing = titles(&get(&app, "/feeds/follow.atom?policy_area=housing&lang=de").await);
    assert_eq!(
        housing,
        ["Neue Praxis: Auszugsmanagement für Geflüchtete (Köln)"]
    );

    // Near a place: the cities within the radius of Köln's place.
    let client = db(&app).await;
    let place: i64 = client
        .query_one("SELECT place_id FROM cities WHERE slug = 'koeln'", &[])
        .await
        .unwrap()
        .get(0);
    let near = titles(
        &get(
            &app,
            &format!("/feeds/follow.atom?place={place}&radius_km=100"),
        )
        .await,
    );
    assert!(near.iter().any(|t| t.contains("(Köln)")), "{near:?}");
    assert!(near.iter().all(|t| !t.contains("Potsdam")), "{near:?}");
    let wide = titles(
        &get(
            &app,
            &format!("/feeds/follow.atom?place={place}&radius_km=300"),
        )
        .await,
    );
    assert!(wide.len() >= near.len());

    for (query, field) in [
        ("", "city"),
        ("city=koeln&network=iash", "network"),
        ("city=K%C3%B6ln", "city"),
        ("place=abc", "place"),
        ("place=1&radius_km=0", "radius_km"),
        ("place=1&radius_km=301", "radius_km"),
        ("city=koeln&radius_km=5", "radius_km"),
        ("city=koeln&lang=DE", "lang"),
    ] {
        let problem = get(&app, &format!("/feeds/follow.atom?{query}"))
            .await
            .problem(StatusCode::BAD_REQUEST);
        assert_eq!(problem["field"], field, "{query}");
    }
    let unknown = get(&app, "/feeds/follow.atom?city=atlantis")
        .await
        .problem(StatusCode::NOT_FOUND);
    assert_eq!(unknown["field"], "city");
}

#[tokio::test]
async fn pages_link_to_following_and_the_form_refuses_bad_input() {
    let app = TestApp::with_sample().await;
    for (page, link) in [
        ("/en/cities/koeln", "/en/follow?city=koeln"),
        ("/de/networks/iash", "/de/follow?network=iash"),
        ("/fr/policy-areas/housing", "/fr/follow?policy_area=housing"),
    ] {
        let text = get(&app, page).await.text();
        assert!(
            text.contains(&format!(r#"class="follow-link" href="{link}""#)),
            "{page}: {text}"
        );
        assert!(
            text.contains("/feeds/follow.atom?"),
            "{page}: the feed as rel=alternate"
        );
    }
    let place: i64 = db(&app)
        .await
        .query_one("SELECT place_id FROM cities WHERE slug = 'potsdam'", &[])
        .await
        .unwrap()
        .get(0);
    let sheet = get(&app, &format!("/es/places/{place}/gaps")).await.text();
    assert!(
        sheet.contains(&format!("/es/follow?place={place}&amp;radius_km=50"))
            || sheet.contains(&format!("/es/follow?place={place}&#38;radius_km=50")),
        "{sheet}"
    );
    assert!(sheet.contains("Seguir lo que pasa cerca de Potsdam"));

    // Every language has the page; unknown targets are the 404 page.
    for lang in ["de", "en", "fr", "es"] {
        let page = get(&app, &format!("/{lang}/follow?network=iash")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text().contains(&format!(r#"<html lang="{lang}">"#)));
    }
    assert_eq!(
        get(&app, "/en/follow?city=atlantis").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(get(&app, "/en/follow").await.status, StatusCode::NOT_FOUND);

    // A bad address: the form again, saying what is wrong, the typed value escaped.
    let bad = post_form(
        &app,
        "/en/follow",
        "city=koeln&email=%3Cb%3Enot+mail",
        Some(BASE),
        [10, 0, 1, 1],
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.text()
            .contains(r#"role="alert">Enter an e-mail address"#)
    );
    assert!(
        bad.text().contains("&#60;b&#62;not mail") || bad.text().contains("&lt;b&gt;not mail"),
        "{}",
        bad.text()
    );
    // From another site: refused. Not a form: 415.
    post_form(
        &app,
        "/en/follow",
        "city=koeln&email=a%40example.org",
        Some("https://evil.example"),
        [10, 0, 1, 1],
    )
    .await
    .problem(StatusCode::FORBIDDEN);
    let mut json = Request::post("/en/follow")
        .header("host", "haven.test")
        .header("content-type", "application/json")
        .body(Body::from(r#"{"city":"koeln","email":"a@example.org"}"#))
        .unwrap();
    json.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from(([10, 0, 1, 1], 4000))));
    app.request(json)
        .await
        .problem(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(mails_to(&app, "a@example.org").await.is_empty());

    // Ten follow requests an hour from one client; the eleventh is refused, in words.
    for n in 0..10 {
        let ok = post_form(
            &app,
            "/en/follow",
            &format!("network=iash&email=p{n}%40example.org"),
            Some(BASE),
            [10, 0, 2, 2],
        )
        .await;
        assert_eq!(ok.status, StatusCode::OK, "{n}: {}", ok.text());
    }
    let refused = post_form(
        &app,
        "/en/follow",
        "network=iash&email=p11%40example.org",
        Some(BASE),
        [10, 0, 2, 2],
    )
    .await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.headers.contains_key("retry-after"));
    assert!(refused.text().contains("Too many requests for now"));
    assert!(mails_to(&app, "p11@example.org").await.is_empty());
    // And ten mails a day to one address, whichever clients ask.
    for n in 0..10u8 {
        post_form(
            &app,
            "/en/follow",
            "city=koeln&email=target%40example.org",
            Some(BASE),
            [10, 0, 3, n],
        )
        .await;
    }
    let flood = post_form(
        &app,
        "/en/follow",
        "city=potsdam&email=target%40example.org",
        Some(BASE),
        [10, 0, 4, 1],
    )
    .await;
    assert_eq!(flood.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(mails_to(&app, "target@example.org").await.len(), 10);
}
