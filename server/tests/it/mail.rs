//! Delivery of the outbox by SMTP: the real client (lettre) against a small SMTP server in
//! the test that records what it receives and refuses one recipient.

use std::sync::{Arc, Mutex};

use diesel_async::{AsyncConnection, AsyncPgConnection};
use haven::auth::mail::{Delivery, Mailer, deliver_due};
use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

use crate::auth::{PASSWORD, send};
use crate::support::TestApp;

/// A mail as the relay received it.
#[derive(Debug, Clone)]
pub(crate) struct Received {
    pub(crate) to: String,
    pub(crate) data: String,
}

/// An SMTP relay on loopback that accepts every recipient but `refused@example.org` (550).
pub(crate) async fn relay() -> (String, Arc<Mutex<Vec<Received>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("smtp://{}", listener.local_addr().unwrap());
    let received = Arc::new(Mutex::new(Vec::new()));
    let inbox = Arc::clone(&received);
    tokio::spawn(async move {
        loop {
            let (socket, _) = listener.accept().await.unwrap();
            let inbox = Arc::clone(&inbox);
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 relay.test ESMTP\r\n").await.unwrap();
                let mut to = String::new();
                while let Ok(Some(line)) = lines.next_line().await {
                    let verb = line.split([' ', ':']).next().unwrap_or("").to_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250 relay.test\r\n",
                        "RCPT" if line.contains("refused@example.org") => {
                            b"550 5.1.1 no such user\r\n"
                        }
                        "RCPT" => {
                            to = line.clone();
                            b"250 OK\r\n"
                        }
                        "DATA" => {
                            write.write_all(b"354 go ahead\r\n").await.unwrap();
                            let mut data = String::new();
                            while let Ok(Some(line)) = lines.next_line().await {
                                if line == "." {
                                    break;
                                }
                                data.push_str(&line);
                                data.push('\n');
                            }
                            inbox.lock().unwrap().push(Received {
                                to: to.clone(),
                                data,
                            });
                            b"250 queued\r\n"
                        }
                        "QUIT" => {
                            write.write_all(b"221 bye\r\n").await.unwrap();
                            return;
                        }
                        _ => b"250 OK\r\n",
                    };
                    write.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (url, received)
}

async fn connect(app: &TestApp) -> AsyncPgConnection {
    AsyncPgConnection::establish(&app.database_url)
        .await
        .unwrap()
}

async fn outbox(app: &TestApp) -> Vec<serde_json::Value> {
    let mut conn = connect(app).await;
    haven::auth::outbox::pending(&mut conn).await.unwrap()
}

#[tokio::test]
async fn the_outbox_is_sent_once_and_refusals_wait_for_their_retry() {
    let app = TestApp::new().await;
    let (url, received) = relay().await;
    let mailer = Mailer::new(&url, "Haven <haven@example.org>").unwrap();

    // A registration writes its confirmation mail to the outbox.
    let response = send(
        &app,
        "POST",
        "/api/v1/auth/register",
        Some(json!({ "email": "ana@example.org", "password": PASSWORD, "display_name": "Ana", "lang": "en" })),
        None,
    )
    .await;
    assert!(response.status.is_success(), "{}", response.text());
    app.execute(
        "INSERT INTO outbox (to_address, subject, body) VALUES
           ('refused@example.org', 'Hello', 'Nobody reads this.')",
    )
    .await;
    assert_eq!(outbox(&app).await.len(), 2);

    let mut conn = connect(&app).await;
    let delivery = deliver_due(&mut conn, &mailer).await.unwrap();
    assert_eq!(delivery, Delivery { sent: 1, failed: 1 });
    let mail = received.lock().unwrap().clone();
    assert_eq!(mail.len(), 1);
    assert!(mail[0].to.contains("ana@example.org"), "{mail:?}");
    assert!(mail[0].data.contains("From: Haven <haven@example.org>"));
    // The body may be quoted-printable: undo its soft line breaks and escaped `=`.
    let body = mail[0].data.replace("=\n", "").replace("=3D", "=");
    assert!(body.contains("/confirm-email?token="), "{}", mail[0].data);

    // Only the refused message is left, with its error, and it is not due again yet.
    let left = outbox(&app).await;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["to"], "refused@example.org");
    assert_eq!(left[0]["attempts"], 1);
    assert!(
        left[0]["last_error"]
            .as_str()
            .unwrap()
            .contains("no such user")
    );
    let again = deliver_due(&mut conn, &mailer).await.unwrap();
    assert_eq!(again, Delivery::default());
    assert_eq!(received.lock().unwrap().len(), 1, "nothing is sent twice");
}

#[tokio::test]
async fn two_senders_on_one_database_send_each_message_once() {
    let app = TestApp::new().await;
    let (url, received) = relay().await;
    let mailer = Mailer::new(&url, "haven@example.org").unwrap();
    app.execute(
        "INSERT INTO outbox (to_address, subject, body)
         SELECT 'person' || n || '@example.org', 'Message ' || n, 'Body ' || n
         FROM generate_series(1, 45) n",
    )
    .await;
    let mut first = connect(&app).await;
    let mut second = connect(&app).await;
    let (a, b) = tokio::join!(
        deliver_due(&mut first, &mailer),
        deliver_due(&mut second, &mailer)
    );
    assert_eq!(a.unwrap().sent + b.unwrap().sent, 45);
    let mut recipients: Vec<String> = received
        .lock()
        .unwrap()
        .iter()
        .map(|m| m.to.clone())
        .collect();
    recipients.sort();
    recipients.dedup();
    assert_eq!(recipients.len(), 45);
    assert!(outbox(&app).await.is_empty());
}

#[test]
fn unusable_settings_are_refused_by_name() {
    let error = Mailer::new("http://mail.example.org", "haven@example.org").unwrap_err();
    assert!(error.to_string().contains("HAVEN_SMTP_URL"), "{error}");
    let error = Mailer::new("smtp://127.0.0.1:25", "not an address").unwrap_err();
    assert!(error.to_string().contains("HAVEN_MAIL_FROM"), "{error}");
}

#[tokio::test]
async fn links_in_mail_follow_the_public_url_not_the_host_header() {
    let database = crate::support::fresh_database().await;
    let config = haven::config::Config {
        public_url: Some("https://haven.example.org/".to_owned()),
        ..haven::config::Config::default()
    };
    let app = TestApp::over(database, config).await;
    let mut request = crate::auth::request(
        "POST",
        "/api/v1/auth/register",
        Some(json!({ "email": "eve@example.org", "password": PASSWORD, "display_name": "Eve" })),
        None,
        [10, 0, 0, 9],
    );
    request
        .headers_mut()
        .insert("host", "attacker.example".parse().unwrap());
    request
        .headers_mut()
        .insert("x-forwarded-proto", "http".parse().unwrap());
    let response = app.request(request).await;
    assert!(response.status.is_success(), "{}", response.text());
    let mail = outbox(&app).await;
    let body = mail[0]["body"].as_str().unwrap();
    assert!(
        body.contains("https://haven.example.org/confirm-email?token="),
        "{body}"
    );
    assert!(!body.contains("attacker"), "{body}");
}

#[test]
fn serve_refuses_smtp_without_a_public_url_before_touching_anything() {
    let data_dir = crate::support::target_dir().join("tmp/mail-refused");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_haven"))
        .args(["serve", "--smtp-url", "smtp://127.0.0.1:25", "--data-dir"])
        .arg(&data_dir)
        .env_remove("HAVEN_PUBLIC_URL")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("HAVEN_PUBLIC_URL"), "{stderr}");
    assert!(!data_dir.exists(), "no cluster was started");
}
