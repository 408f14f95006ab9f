//! Engine errors as Python exceptions: a bad option or value is a
//! `ValueError`, a missing path `FileNotFoundError`, a failed read or write
//! `OSError`, and everything else (an unusable index, such as one built
//! with other parameters; a bad baseline) `reprint.ReprintError`. Messages
//! are the engine's, with `--flag-name` written as the option `flag_name`.

use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyFileNotFoundError, PyOSError, PyValueError};
use pyo3::PyErr;

use reprint::Error;

create_exception!(
    reprint,
    ReprintError,
    PyException,
    "An error of the reprint engine: an index that cannot be used (built with other parameters, damaged, locked), a bad baseline or labels file. The message says what is wrong and how to fix it."
);

/// The Python exception for an engine error.
pub fn to_py(e: Error) -> PyErr {
    let message = as_options(&e.to_string());
    match e {
        Error::InvalidParam(_) => PyValueError::new_err(message),
        Error::MissingPath(_) => PyFileNotFoundError::new_err(message),
        Error::Io { .. } => PyOSError::new_err(message),
        _ => ReprintError::new_err(message),
    }
}

/// `message` with each `--flag-name` written as `flag_name`, the name of
/// the Python option.
pub fn as_options(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find("--") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let len = after
            .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
            .unwrap_or(after.len());
        if after.starts_with(|c: char| c.is_ascii_lowercase()) {
            out.push_str(&after[..len].replace('-', "_"));
            rest = &after[len..];
        } else {
            out.push_str("--");
            rest = after;
        }
    }
    out.push_str(rest);
    out
}
