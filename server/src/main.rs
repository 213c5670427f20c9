//! The `haven` command line: serve the map, migrate, import, export, administer.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};
use haven::config::{Config, DatabaseArgs, ServeArgs};
use haven::db::{self, Database};
use tracing_subscriber::EnvFilter;

/// mimalloc gives freed memory back to the system (glibc's per-thread arenas keep it: a burst
/// of password hashes left Haven holding gigabytes). Transparent huge pages are off for the
/// process (see [`without_huge_pages`]).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Haven: an open map platform of welcoming cities.
///
/// Without DATABASE_URL every command runs a private PostgreSQL cluster under `--data-dir`
/// (default `.data`) and stops it when done.
#[derive(Debug, Parser)]
#[command(name = "haven", version, about, long_about = None)]
struct Cli {
    /// Log as JSON lines (for log collectors) instead of text.
    #[arg(long, global = true, env = "HAVEN_LOG_JSON")]
    log_json: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Migrate the database, import the bundled data if it is empty, and serve the map and
    /// the API until Ctrl-C or SIGTERM.
    Serve {
        #[command(flatten)]
        serve: ServeArgs,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Apply pending migrations (or revert them all with `--revert-all`).
    Migrate {
        /// Revert every migration, newest first (drops all of Haven's data).
        #[arg(long)]
        revert_all: bool,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Load a data directory (the bundled `data/` or an export) into the database.
    Import {
        #[command(flatten)]
        import: haven::import::cli::ImportArgs,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Write every published table to a directory (CSV or GeoJSON + CSV).
    Export {
        #[command(flatten)]
        export: haven::export::ExportArgs,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Print the OpenAPI document that `/api/openapi.json` serves (no database needed), for
    /// tools that generate clients from it.
    Openapi,
    /// Administrative tasks.
    Admin {
        #[command(subcommand)]
        task: AdminTask,
    },
}

#[derive(Debug, Subcommand)]
enum AdminTask {
    /// Stop the private PostgreSQL cluster under `--data-dir` if it is running.
    StopCluster {
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Create a moderator account (or make an existing account one). The password is asked
    /// for on a terminal, or read from HAVEN_ADMIN_PASSWORD.
    CreateModerator {
        /// The moderator's e-mail address.
        email: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// List outgoing mail that has not been sent.
    Outbox {
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

fn main() -> ExitCode {
    without_huge_pages();
    let cli = Cli::parse();
    init_tracing(cli.log_json);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command)) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Turns transparent huge pages off for this process and the ones it starts (the private
/// PostgreSQL cluster inherits it). mimalloc asks for huge pages for its arenas and
/// gives memory it has not used for a second back to the system; under huge pages, taking it
/// again meant zeroing (and often compacting) 2 MB per fault on a worker thread: after each
/// write, rebuilding the dropped answers stalled every request for 30–70 ms (BENCHMARKS.md,
/// "Writes keep caches warm", run 12).
fn without_huge_pages() {
    #[cfg(target_os = "linux")]
    if let Err(error) = rustix::thread::disable_transparent_huge_pages(true) {
        eprintln!("warning: cannot turn transparent huge pages off: {error}");
    }
}

async fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve { serve, database } => serve_command(&serve, &database).await,
        Command::Migrate {
            revert_all,
            database,
        } => {
            let db = Database::open(&database).await?;
            let result = if revert_all {
                db::migrate::revert_all(&db.url)
                    .await
                    .map(|versions| ("reverted", versions))
            } else {
                db::migrate::run_pending(&db.url)
                    .await
                    .map(|versions| ("applied", versions))
            };
            db.close();
            let (verb, versions) = result?;
            println!("{} migrations {verb}", versions.len());
            for version in versions {
                println!("  {version}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Import { import, database } => {
            haven::import::cli::import_command(&import, &database).await
        }
        Command::Export { export, database } => {
            haven::export::export_command(&export, &database).await
        }
        Command::Openapi => {
            println!("{}", *haven::api::openapi::DOCUMENT);
            Ok(ExitCode::SUCCESS)
        }
        Command::Admin {
            task: AdminTask::StopCluster { database },
        } => {
            let root = database.data_dir.clone();
            if root.join("pg").join("PG_VERSION").exists() {
                let cluster =
                    tokio::task::spawn_blocking(move || db::EmbeddedCluster::start(&root))
                        .await??;
                cluster.stop()?;
                println!(
                    "stopped the private cluster under {}",
                    database.data_dir.display()
                );
            } else {
                println!("no private cluster under {}", database.data_dir.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Admin {
            task: AdminTask::CreateModerator { email, database },
        } => {
            let password = admin_password()?;
            with_connection(&database, async |conn| {
                let id = haven::auth::account::create_moderator(conn, &email, password).await?;
                println!("moderator {email} (account {id}) is ready");
                Ok(())
            })
            .await
        }
        Command::Admin {
            task: AdminTask::Outbox { database },
        } => {
            with_connection(&database, async |conn| {
                let mail = haven::auth::outbox::pending(conn).await?;
                println!("{} unsent message(s)", mail.len());
                for message in mail {
                    println!(
                        "\n#{} {} to {}\nSubject: {}\n\n{}",
                        message["id"],
                        message["created_at"].as_str().unwrap_or(""),
                        message["to"].as_str().unwrap_or(""),
                        message["subject"].as_str().unwrap_or(""),
                        message["body"].as_str().unwrap_or("")
                    );
                    if let Some(error) = message["last_error"].as_str() {
                        println!(
                            "(not sent after {} attempt(s): {error})",
                            message["attempts"]
                        );
                    }
                }
                Ok(())
            })
            .await
        }
    }
}

/// The new moderator's password: HAVEN_ADMIN_PASSWORD, else asked for on the terminal
/// (echoed off by `stty` where available).
fn admin_password() -> anyhow::Result<String> {
    use std::io::{BufRead, IsTerminal, Write};
    if let Ok(password) = std::env::var("HAVEN_ADMIN_PASSWORD") {
        return Ok(password);
    }
    let stdin = std::io::stdin();
    anyhow::ensure!(
        stdin.is_terminal(),
        "set HAVEN_ADMIN_PASSWORD or run on a terminal to be asked for the password"
    );
    print!("Password (at least 10 characters): ");
    std::io::stdout().flush()?;
    let hidden = std::process::Command::new("stty")
        .arg("-echo")
        .status()
        .is_ok_and(|s| s.success());
    let mut line = String::new();
    let read = stdin.lock().read_line(&mut line);
    if hidden {
        let _ = std::process::Command::new("stty").arg("echo").status();
        println!();
    }
    read?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// Runs `task` on a migrated database connection, then closes the database.
async fn with_connection(
    database: &DatabaseArgs,
    task: impl AsyncFnOnce(&mut diesel_async::AsyncPgConnection) -> haven::error::AppResult<()>,
) -> anyhow::Result<ExitCode> {
    use diesel_async::AsyncConnection;
    let db = Database::open(database).await?;
    let result = async {
        db::migrate::run_pending(&db.url).await?;
        let mut conn = diesel_async::AsyncPgConnection::establish(&db.url).await?;
        task(&mut conn)
            .await
            .map_err(|error| anyhow::anyhow!("{error}"))
    }
    .await;
    db.close();
    result.map(|()| ExitCode::SUCCESS)
}

/// The SMTP mailer when `HAVEN_SMTP_URL` is set, checked before anything starts.
fn mailer(serve: &ServeArgs) -> anyhow::Result<Option<haven::auth::mail::Mailer>> {
    let Some(url) = &serve.smtp_url else {
        return Ok(None);
    };
    // Links in mail carry tokens: they must not follow a request's `Host` header, which
    // anyone can set (a password-reset link pointing elsewhere).
    if serve.public_url.is_none() {
        anyhow::bail!(
            "HAVEN_SMTP_URL needs HAVEN_PUBLIC_URL: links in mail must use the public address, not a request's Host header"
        );
    }
    haven::auth::mail::Mailer::new(url, &serve.mail_from).map(Some)
}

/// How often the outbox is sent when SMTP is configured.
const MAIL_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// How often the server looks for subscriptions due a weekly digest.
const DIGEST_EVERY: std::time::Duration = std::time::Duration::from_secs(600);

async fn serve_command(serve: &ServeArgs, database: &DatabaseArgs) -> anyhow::Result<ExitCode> {
    let mailer = mailer(serve)?;
    let db = Database::open(database).await?;
    let result = serve_with(serve, database, &db, mailer).await;
    db.close();
    result.map(|()| ExitCode::SUCCESS)
}

async fn serve_with(
    serve: &ServeArgs,
    database: &DatabaseArgs,
    db: &Database,
    mailer: Option<haven::auth::mail::Mailer>,
) -> anyhow::Result<()> {
    let applied = db::migrate::run_pending(&db.url)
        .await
        .context("migrating the database")?;
    if !applied.is_empty() {
        tracing::info!(count = applied.len(), "applied migrations");
    }
    haven::import::cli::import_if_empty(serve, &db.url).await?;
    let statement_timeout = std::time::Duration::from_secs(database.statement_timeout);
    let primary = db::pool::build_with(&db.url, database.pool_size, statement_timeout)?;
    let replica = match &db.replica_url {
        Some(url) => Some(db::pool::build_with(
            url,
            database.pool_size,
            statement_timeout,
        )?),
        None => None,
    };
    if !serve.static_dir.join("index.html").exists() {
        tracing::warn!(dir = %serve.static_dir.display(), "the map client is not built (run `make run`); only the API is served");
    }
    if let Some(mailer) = mailer {
        tokio::spawn(haven::auth::mail::run(primary.clone(), mailer, MAIL_EVERY));
    } else {
        tracing::info!("no HAVEN_SMTP_URL: mail stays in the outbox (haven admin outbox)");
    }
    let config = Config::from_serve_args(serve);
    tokio::spawn(haven::follow::digest::run(
        primary.clone(),
        config.mail_base_url(),
        DIGEST_EVERY,
    ));
    let data_version = db::DataVersion::listen(&db.url).await;
    let state = Arc::new(haven::App::new(config, primary, replica, data_version));
    // The tiles' snapshots, then the practices' and the gazetteer, load in the background, one
    // after the other, while Haven starts serving.
    let preparing = Arc::clone(&state);
    tokio::spawn(async move {
        let state = preparing;
        if let Err(error) = state
            .tiles
            .prepare(&state.data_version, || state.db_read())
            .await
        {
            tracing::warn!(%error, "loading the tiles' snapshots at start failed; the first tiles load them");
        }
        // One after the other: read at once, the rows each read holds (a million practices,
        // 128,000 places) added up in the process's peak memory.
        state
            .read(
                &state.listed_practices,
                state.data_version.of(haven::model::practice_list::KINDS),
            )
            .await;
        state
            .read(
                &state.gazetteer.places,
                state.data_version.of(haven::model::gazetteer::PLACE_KINDS),
            )
            .await;
    });
    let listener = tokio::net::TcpListener::bind(serve.listen)
        .await
        .with_context(|| format!("listening on {}", serve.listen))?;
    tracing::info!("Haven is serving at http://{}", listener.local_addr()?);
    let app = haven::app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    tracing::info!("shut down");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::warn!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

fn init_tracing(json: bool) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("haven=info,tower_http=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}
