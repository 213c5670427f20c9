//! The `haven import` command and the first-start import of `haven serve`.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::config::{DatabaseArgs, ServeArgs};
use crate::db::{self, Database};

use super::{Options, connect, is_empty, run};

/// Arguments of `haven import`.
#[derive(Debug, Clone, clap::Args)]
pub struct ImportArgs {
    /// Validate and report, but write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Write the valid rows of files that have rejected rows, and exit 0 anyway.
    #[arg(long)]
    pub allow_rejects: bool,
    /// The data directory: the bundled dataset or a directory written by `haven export`.
    #[arg(default_value = "data")]
    pub dir: PathBuf,
}

/// Runs `haven import`: migrates, imports, prints the report; exit code 1 when rows were
/// rejected (unless `--allow-rejects`).
///
/// # Errors
/// When the database cannot be opened or migrated, or the directory cannot be read.
pub async fn import_command(
    args: &ImportArgs,
    database: &DatabaseArgs,
) -> anyhow::Result<ExitCode> {
    let db = Database::open(database).await?;
    let result = import_into(args, &db).await;
    db.close();
    result
}

async fn import_into(args: &ImportArgs, db: &Database) -> anyhow::Result<ExitCode> {
    db::migrate::run_pending(&db.url).await?;
    let client = connect(&db.url).await?;
    let started = std::time::Instant::now();
    let options = Options {
        dry_run: args.dry_run,
        allow_rejects: args.allow_rejects,
        print: true,
    };
    let report = run(&client, &args.dir, &options).await?;
    println!(
        "total: {} inserted, {} updated, {} rejected, {} warnings in {:.1} s{}; data version {} -> {}",
        report.inserted(),
        report.updated(),
        report.rejected(),
        report.warnings.len(),
        started.elapsed().as_secs_f64(),
        if report.dry_run {
            " (dry run: nothing written)"
        } else {
            ""
        },
        report.version_before,
        report.version_after,
    );
    if report.rejected() > 0 && !args.allow_rejects {
        eprintln!(
            "error: {} rows rejected (see above); files with rejected rows were not written",
            report.rejected()
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// Imports `--import-dir` when the database has no cities and no places, unless
/// `--no-import`. A failed first import is logged, not fatal: the server still starts.
///
/// # Errors
/// When the database cannot be reached.
pub async fn import_if_empty(serve: &ServeArgs, url: &str) -> anyhow::Result<()> {
    if serve.no_import {
        return Ok(());
    }
    let client = connect(url).await?;
    if !is_empty(&client).await? {
        return Ok(());
    }
    if !serve.import_dir.is_dir() {
        tracing::warn!(dir = %serve.import_dir.display(), "the database is empty and there is no data directory to import");
        return Ok(());
    }
    tracing::info!(dir = %serve.import_dir.display(), "the database is empty: importing the bundled data");
    let started = std::time::Instant::now();
    let report = run(
        &client,
        &serve.import_dir,
        &Options {
            allow_rejects: true,
            ..Options::default()
        },
    )
    .await?;
    for rejection in &report.rejections {
        tracing::warn!(%rejection, "rejected");
    }
    tracing::info!(
        inserted = report.inserted(),
        rejected = report.rejected(),
        seconds = started.elapsed().as_secs_f64(),
        "imported the bundled data"
    );
    Ok(())
}
