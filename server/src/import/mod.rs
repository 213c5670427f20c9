//! `haven import`: loads a data directory into the database.
//!
//! Two kinds of directory are understood: the bundled dataset (`data/`, the source files
//! described in `data/README.md`) and a directory written by `haven export` (recognised by
//! its manifest `haven-export.json`), so that an export can be imported into an empty
//! database and exported again to the very same bytes.
//!
//! Each file is loaded in a transaction of its own (a GeoJSON file that only adds the
//! boundaries of a CSV table rides in the CSV's transaction, and so do the policy-area links
//! and sources of practices): a file with a rejected row writes nothing unless
//! `--allow-rejects` is given, in which case its valid rows are written. A dry run runs every
//! file in one transaction (each in a savepoint, so later files see earlier ones) and rolls
//! it all back. Rows are staged with COPY and written set-based, only where they changed.

mod abroad;
mod bundled;
mod catalogue;
mod cities;
pub mod cli;
mod demand_statuses;
mod directory;
mod gazetteer;
mod names;
mod profiles;
pub mod report;
mod snapshot;
mod source;
pub mod stage;
mod take_action;
mod validate;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use tokio_postgres::Client;

use report::Problems;
use report::RowError;
pub use report::{FileReport, Rejection, Report, Warning};
use stage::{Copy, Written};

/// The manifest file that marks a directory written by `haven export`.
pub const MANIFEST: &str = "haven-export.json";

/// How to run an import.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Validate and report, but write nothing.
    pub dry_run: bool,
    /// Write the valid rows of a file that has rejected rows (and do not fail).
    pub allow_rejects: bool,
    /// Print a progress bar (on a terminal) or a summary line per file.
    pub print: bool,
}

/// What a loader did with its file.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    /// Data rows read.
    pub rows: u64,
    /// Database rows written.
    pub written: Written,
    /// Valid rows whose main record was already up to date.
    pub unchanged: u64,
}

impl Counts {
    /// `rows` read and what they wrote, of which `main_changed` changed their main record (the
    /// others were already up to date).
    #[must_use]
    pub fn new(rows: u64, written: Written, main_changed: u64) -> Self {
        Self {
            rows,
            written,
            unchanged: rows.saturating_sub(main_changed),
        }
    }

    /// `rows` read, each one record of `written`'s table: those not written were up to date.
    #[must_use]
    pub fn of(rows: u64, written: Written) -> Self {
        Self::new(rows, written, written.changed())
    }
}

/// What a loader works with.
pub struct Ctx<'a> {
    pub client: &'a Client,
    pub dir: &'a Path,
    pub problems: Problems,
    pub progress: ProgressBar,
}

impl std::fmt::Debug for Ctx<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ctx")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

impl Ctx<'_> {
    /// The path of `file` in the import directory.
    #[must_use]
    pub fn path(&self, file: &str) -> PathBuf {
        self.dir.join(file)
    }

    /// Copies a row that parsed, or rejects its `line` with the reason it did not; whether it
    /// was copied.
    ///
    /// # Errors
    /// When the COPY fails.
    pub async fn copy_parsed<S: AsRef<str>>(
        &mut self,
        copy: &mut Copy,
        line: u64,
        parsed: Result<impl AsRef<[Option<S>]>, RowError>,
    ) -> anyhow::Result<bool> {
        match parsed {
            Ok(values) => {
                copy.row(values.as_ref()).await?;
                Ok(true)
            }
            Err(error) => {
                self.problems.reject_row(line, error);
                Ok(false)
            }
        }
    }

    /// Shows `message` next to the progress bar.
    pub fn step(&self, message: &str) {
        self.progress
            .set_message(format!("{}: {message}", self.problems.file()));
    }
}

/// Connects to `url` for an import or an export.
///
/// # Errors
/// When the database cannot be reached.
pub async fn connect(url: &str) -> anyhow::Result<Client> {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .context("connecting to the database")?;
    tokio::spawn(async move {
        if let Err(error) = connection.await {
            tracing::warn!(%error, "database connection closed");
        }
    });
    Ok(client)
}

/// Whether the database holds no cities and no places (a fresh install).
///
/// # Errors
/// On a database error.
pub async fn is_empty(client: &Client) -> anyhow::Result<bool> {
    let row = client
        .query_one(
            "SELECT NOT EXISTS (SELECT 1 FROM cities) AND NOT EXISTS (SELECT 1 FROM places)",
            &[],
        )
        .await?;
    Ok(row.get(0))
}

/// The current data version.
///
/// # Errors
/// On a database error.
pub async fn data_version(client: &Client) -> anyhow::Result<i64> {
    Ok(client
        .query_one("SELECT version FROM data_version", &[])
        .await?
        .get(0))
}

/// Imports `dir` into the database behind `client`.
///
/// # Errors
/// When `dir` is not a data directory or the database fails outside a file's
/// transaction; a bad file is reported in the [`Report`], not as an error.
pub async fn run(client: &Client, dir: &Path, options: &Options) -> anyhow::Result<Report> {
    anyhow::ensure!(dir.is_dir(), "{} is not a directory", dir.display());
    let units = if dir.join(MANIFEST).exists() {
        snapshot::units(dir)?
    } else {
        bundled::units()
    };
    let mut report = Report {
        version_before: data_version(client).await?,
        dry_run: options.dry_run,
        ..Report::default()
    };
    let terminal = options.print && std::io::stderr().is_terminal();
    if options.dry_run {
        client.batch_execute("BEGIN").await?;
    }
    for unit in units {
        if !dir.join(unit.file).exists() {
            continue;
        }
        let progress = if terminal {
            let bar = ProgressBar::new_spinner();
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            bar.set_message(unit.file.to_owned());
            bar
        } else {
            ProgressBar::hidden()
        };
        client
            .batch_execute(if options.dry_run {
                "SAVEPOINT haven_file"
            } else {
                "BEGIN"
            })
            .await?;
        let mut ctx = Ctx {
            client,
            dir,
            problems: Problems::new(unit.file),
            progress: progress.clone(),
        };
        let started = std::time::Instant::now();
        let outcome = (unit.load)(&mut ctx).await;
        tracing::debug!(
            file = unit.file,
            seconds = started.elapsed().as_secs_f64(),
            "loaded"
        );
        let Ctx { mut problems, .. } = ctx;
        let mut file_report = FileReport {
            file: unit.file.to_owned(),
            ..FileReport::default()
        };
        match outcome {
            Ok(counts) => {
                file_report.rows = counts.rows;
                file_report.inserted = counts.written.inserted;
                file_report.updated = counts.written.updated;
                file_report.unchanged = counts.unchanged;
            }
            Err(error) => problems.reject(0, "", format!("{error:#}")),
        }
        let mut lines: Vec<u64> = problems.rejections.iter().map(|r| r.line).collect();
        lines.dedup();
        file_report.rejected = lines.len() as u64;
        file_report.skipped = problems.warnings.len() as u64;
        let keep = problems.rejections.is_empty() || options.allow_rejects;
        let failed_sql = problems.rejections.iter().any(|r| r.line == 0);
        if keep && !failed_sql {
            client
                .batch_execute(if options.dry_run {
                    "RELEASE SAVEPOINT haven_file"
                } else {
                    "COMMIT"
                })
                .await?;
            file_report.committed = true;
        } else {
            client
                .batch_execute(if options.dry_run {
                    "ROLLBACK TO SAVEPOINT haven_file; RELEASE SAVEPOINT haven_file"
                } else {
                    "ROLLBACK"
                })
                .await?;
            file_report.committed = false;
            file_report.inserted = 0;
            file_report.updated = 0;
        }
        progress.finish_and_clear();
        if options.print {
            println!("{file_report}");
            for rejection in &problems.rejections {
                println!("  rejected {rejection}");
            }
            for warning in &problems.warnings {
                println!("  warning {warning}");
            }
        }
        report.rejections.append(&mut problems.rejections);
        report.warnings.append(&mut problems.warnings);
        report.files.push(file_report);
    }
    if options.dry_run {
        client.batch_execute("ROLLBACK").await?;
    }
    report.version_after = data_version(client).await?;
    Ok(report)
}

/// A loader: reads its file(s) from `ctx.dir` and writes them through `ctx.client`.
type Load = for<'a, 'b> fn(
    &'a mut Ctx<'b>,
) -> std::pin::Pin<
    Box<dyn std::future::Future<Output = anyhow::Result<Counts>> + Send + 'a>,
>;

/// One file (with its companions) and the loader that reads it.
#[derive(Clone, Copy)]
pub struct Unit {
    /// The main file; the unit is skipped when it is missing.
    pub file: &'static str,
    pub load: Load,
}

impl std::fmt::Debug for Unit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Unit").field("file", &self.file).finish()
    }
}

/// Builds a [`Unit`] from an `async fn(&mut Ctx) -> anyhow::Result<Counts>`.
macro_rules! unit {
    ($file:expr, $load:path) => {
        $crate::import::Unit {
            file: $file,
            load: |ctx| Box::pin($load(ctx)),
        }
    };
}
pub(crate) use unit;
