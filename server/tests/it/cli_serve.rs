//! `haven serve` as a process.

use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::TestApp;

/// The server runs with transparent huge pages off (`prctl(PR_SET_THP_DISABLE)` at start):
/// with them, its allocator took memory back as 2 MB pages zeroed one at a time and stalled
/// every request for up to 70 ms after each write (BENCHMARKS.md, writes run 12).
#[tokio::test]
async fn the_server_runs_without_transparent_huge_pages() {
    let app = TestApp::new().await;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_haven"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("DATABASE_URL", &app.database_url)
        .env_remove("DATABASE_REPLICA_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let status = format!("/proc/{}/status", child.id());
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut seen = None;
    while Instant::now() < deadline {
        seen = std::fs::read_to_string(&status).ok().and_then(|text| {
            text.lines()
                .find_map(|line| line.strip_prefix("THP_enabled:"))
                .map(|value| value.trim().to_owned())
        });
        if seen.as_deref() == Some("0") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(seen.as_deref(), Some("0"), "THP_enabled of the server");
}
