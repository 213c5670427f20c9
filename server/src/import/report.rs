//! What an import did, file by file: counts, rejected rows and warnings.
//!
//! A person fixing a data file needs the file, the line, the field and the reason of every
//! problem, not a stack trace; so loaders never fail on a bad row, they add a [`Rejection`].

use std::fmt;

/// A row the importer refused, with where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// File name inside the import directory.
    pub file: String,
    /// 1-based line of the row in the file (the header is line 1); 0 for the whole file.
    pub line: u64,
    /// The offending column (or GeoJSON property).
    pub field: String,
    /// What is wrong, in words a data editor understands.
    pub reason: String,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.file, self.line, self.field, self.reason
        )
    }
}

/// Something worth telling that is not an error: a row skipped for a known gap in the
/// sources (e.g. a member city with no coordinates and no gazetteer match: "unplaced").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// File name inside the import directory.
    pub file: String,
    /// 1-based line of the row.
    pub line: u64,
    /// A short category, e.g. `unplaced`.
    pub category: String,
    /// What happened.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.file, self.line, self.category, self.message
        )
    }
}

/// The outcome of one file (or group of files loaded in one transaction).
///
/// `inserted` and `updated` count database rows the file wrote in all the tables it feeds
/// (a practice row writes a practice, its policy areas and its sources); `unchanged` counts
/// the file's valid rows whose main record was already up to date.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileReport {
    /// File name (the main file of a group).
    pub file: String,
    /// Data rows read (features for GeoJSON).
    pub rows: u64,
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Rows refused by validation.
    pub rejected: u64,
    /// Rows skipped with a warning (not errors).
    pub skipped: u64,
    /// Whether the file's transaction was committed (false: nothing from it was written).
    pub committed: bool,
}

impl fmt::Display for FileReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} inserted, {} updated, {} unchanged, {} rejected",
            self.file, self.inserted, self.updated, self.unchanged, self.rejected
        )?;
        if self.skipped > 0 {
            write!(f, ", {} skipped", self.skipped)?;
        }
        if !self.committed {
            write!(f, " (nothing written)")?;
        }
        Ok(())
    }
}

/// The outcome of a whole import.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub files: Vec<FileReport>,
    pub rejections: Vec<Rejection>,
    pub warnings: Vec<Warning>,
    /// `data_version.version` before and after.
    pub version_before: i64,
    pub version_after: i64,
    /// The run was a dry run: everything was rolled back.
    pub dry_run: bool,
}

impl Report {
    /// Rows inserted over all files.
    #[must_use]
    pub fn inserted(&self) -> u64 {
        self.files.iter().map(|file| file.inserted).sum()
    }

    /// Rows updated over all files.
    #[must_use]
    pub fn updated(&self) -> u64 {
        self.files.iter().map(|file| file.updated).sum()
    }

    /// Rows rejected over all files.
    #[must_use]
    pub fn rejected(&self) -> u64 {
        self.files.iter().map(|file| file.rejected).sum()
    }

    /// The report of `file`, if it was loaded.
    #[must_use]
    pub fn file(&self, file: &str) -> Option<&FileReport> {
        self.files.iter().find(|report| report.file == file)
    }
}

/// Collects the rejections and warnings of one file while it is loaded.
#[derive(Debug, Default)]
pub struct Problems {
    file: String,
    pub rejections: Vec<Rejection>,
    pub warnings: Vec<Warning>,
}

impl Problems {
    /// An empty collection for `file`.
    #[must_use]
    pub fn new(file: &str) -> Self {
        Self {
            file: file.to_owned(),
            ..Self::default()
        }
    }

    /// Rejects the row at `line` because of `field`.
    pub fn reject(&mut self, line: u64, field: &str, reason: impl Into<String>) {
        self.rejections.push(Rejection {
            file: self.file.clone(),
            line,
            field: field.to_owned(),
            reason: reason.into(),
        });
    }

    /// Records a [`RowError`] of the row at `line`.
    pub fn reject_row(&mut self, line: u64, error: RowError) {
        self.reject(line, &error.field, error.reason);
    }

    /// Skips the row at `line` with a warning of `category`.
    pub fn warn(&mut self, line: u64, category: &str, message: impl Into<String>) {
        self.warnings.push(Warning {
            file: self.file.clone(),
            line,
            category: category.to_owned(),
            message: message.into(),
        });
    }

    /// The file these problems belong to.
    #[must_use]
    pub fn file(&self) -> &str {
        &self.file
    }
}

/// Why one field of a row is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub field: String,
    pub reason: String,
}

impl RowError {
    /// `field` is wrong because of `reason`.
    pub fn new(field: &str, reason: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            reason: reason.into(),
        }
    }
}
