//! Citations: text in the reader's language, BibTeX and RIS that parsers read, CSL-JSON with
//! its required fields; the same citation is on the page.

use axum::http::StatusCode;

use crate::support::TestApp;

#[tokio::test]
async fn citations_parse_in_every_format() {
    let app = TestApp::with_sample().await;
    let base = "/api/v1/practices/gdansk-immigrants-council/cite";

    let text = app.get(&format!("{base}?lang=de")).await;
    assert_eq!(text.status, StatusCode::OK, "{}", text.text());
    assert!(text.content_type().starts_with("text/plain"));
    let text = text.text();
    assert!(text.starts_with("City of Gdańsk ("), "{text}");
    assert!(
        text.contains("Rat der Immigrantinnen und Immigranten (Gdańsk). Haven"),
        "{text}"
    );
    assert!(
        text.contains("http://localhost/de/practices/gdansk-immigrants-council"),
        "{text}"
    );
    assert!(text.contains("abgerufen am"), "{text}");
    // The page shows the same citation.
    let page = app
        .get("/de/practices/gdansk-immigrants-council")
        .await
        .text();
    assert!(
        page.contains(&text.replace('&', "&amp;")),
        "the page shows {text}"
    );

    let bib = app.get(&format!("{base}?format=bibtex")).await;
    assert!(bib.content_type().starts_with("application/x-bibtex"));
    let bibliography = biblatex::Bibliography::parse(&bib.text()).unwrap();
    let entry = bibliography.iter().next().unwrap();
    assert_eq!(entry.key, "haven-practice-gdansk-immigrants-council");
    let title: String = entry
        .title()
        .unwrap()
        .iter()
        .map(|chunk| chunk.v.get().to_owned())
        .collect();
    assert_eq!(title, "Immigrants' Council of Gdańsk");
    assert!(
        entry
            .url()
            .unwrap()
            .ends_with("/en/practices/gdansk-immigrants-council")
    );
    let author: String = entry
        .get("author")
        .unwrap()
        .iter()
        .map(|chunk| chunk.v.get().to_owned())
        .collect();
    assert_eq!(author, "City of Gdańsk");

    let ris = app.get(&format!("{base}?format=ris&lang=fr")).await;
    assert!(
        ris.content_type()
            .starts_with("application/x-research-info-systems")
    );
    use biblib::CitationParser as _;
    let citations = biblib::RisParser::new().parse(&ris.text()).unwrap();
    assert_eq!(citations.len(), 1);
    assert_eq!(citations[0].title, "Immigrants' Council of Gdańsk");
    assert!(
        citations[0]
            .urls
            .iter()
            .any(|u| u.ends_with("/fr/practices/gdansk-immigrants-council"))
    );

    let csl = app.get(&format!("{base}?format=csl-json")).await;
    assert_eq!(
        csl.content_type(),
        "application/vnd.citationstyles.csl+json"
    );
    let items = csl.json();
    let item = &items[0];
    for field in [
        "id",
        "type",
        "title",
        "URL",
        "issued",
        "accessed",
        "author",
        "publisher",
    ] {
        assert!(!item[field].is_null(), "CSL-JSON has {field}: {item}");
    }
    assert_eq!(item["type"], "webpage");
    assert_eq!(item["author"][0]["literal"], "City of Gdańsk");
    assert!(item["issued"]["date-parts"][0][0].as_i64().unwrap() >= 2026);

    // A city: the Haven contributors are its authors.
    let city = app
        .get("/api/v1/cities/koeln/cite?format=csl-json")
        .await
        .json();
    assert_eq!(city[0]["author"][0]["literal"], "Haven contributors");
    assert_eq!(city[0]["title"], "Köln");

    app.get(&format!("{base}?format=mla"))
        .await
        .problem(StatusCode::BAD_REQUEST);
    app.get(&format!("{base}?rev=123456"))
        .await
        .problem(StatusCode::NOT_FOUND);
    app.get("/api/v1/practices/no-such-practice/cite")
        .await
        .problem(StatusCode::NOT_FOUND);
}
