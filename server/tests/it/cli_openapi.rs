//! `haven openapi`: the OpenAPI document without a server or a database.

use crate::support::TestApp;

#[tokio::test]
async fn the_cli_prints_the_document_the_server_serves() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_haven"))
        .arg("openapi")
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let printed = String::from_utf8(output.stdout).unwrap();
    let app = TestApp::new().await;
    let served = app.get("/api/openapi.json").await.text();
    assert_eq!(printed.trim_end(), served);
    let document: serde_json::Value = serde_json::from_str(&printed).unwrap();
    assert!(document["paths"]["/api/v1/cities"]["get"].is_object());
}
