//! `haven export`.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::config::DatabaseArgs;

/// Arguments of `haven export`.
#[derive(Debug, Clone, clap::Args)]
pub struct ExportArgs {
    /// `csv` (every table as CSV, geometries as WKT) or `geojson` (tables with geometry as
    /// GeoJSON, the others as CSV).
    #[arg(long, value_enum, default_value = "csv")]
    pub format: Format,
    /// The directory to write (created if missing).
    pub dir: PathBuf,
}

/// Export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Csv,
    Geojson,
}

/// Runs `haven export`.
///
/// # Errors
/// When the database cannot be opened or the directory written.
pub async fn export_command(
    _args: &ExportArgs,
    _database: &DatabaseArgs,
) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not yet")
}
