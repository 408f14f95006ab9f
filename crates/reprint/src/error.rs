//! The library's error type.
//!
//! Errors here are the ones that stop a run (a path that does not exist, an
//! output file that cannot be written, parameters that make no sense). Problems
//! with a single input (an unreadable file, a malformed JSON line) are not
//! errors: they become [`crate::input::Issue`]s, the scan goes on, and the
//! report counts them.
//!
//! Every message says what went wrong and, where there is one, how to fix it.

use std::path::PathBuf;

/// Anything that stops a reprint run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A PATH given on the command line does not exist.
    #[error("{}: no such file or directory (check the path, or pass `-` to read standard input)", .0.display())]
    MissingPath(PathBuf),

    /// A parameter is out of range.
    #[error("invalid parameter: {0}")]
    InvalidParam(String),

    /// Reading or writing failed where the run cannot go on without it.
    #[error("{}: {source}", .path.display())]
    Io {
        /// The file involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },

    /// A labels file for `eval` is unusable.
    #[error("{}:{line}: {message}", .path.display())]
    Labels {
        /// The labels file.
        path: PathBuf,
        /// 1-based line number.
        line: u64,
        /// What is wrong and how to fix it.
        message: String,
    },

    /// The persistent index cannot be used.
    #[error("{}: {message}", .path.display())]
    Index {
        /// The index file.
        path: PathBuf,
        /// What is wrong and how to fix it.
        message: String,
    },

    /// A baseline file is unusable.
    #[error("{}: {message}", .path.display())]
    Baseline {
        /// The baseline file.
        path: PathBuf,
        /// What is wrong and how to fix it.
        message: String,
    },

    /// A finding kept in a temporary file could not be read back.
    #[error(
        "a finding could not be read back from its temporary file ({0}): make room in the \
         temporary directory (TMPDIR) and scan again"
    )]
    Findings(std::io::Error),

    /// Serializing a report failed.
    #[error("could not write the JSON report: {0}")]
    Json(#[from] serde_json::Error),
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
