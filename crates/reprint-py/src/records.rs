//! What a call reads: paths, and records held in Python.
//!
//! Records (dicts with `id`, `text` and optional `url`, `title`, `date`,
//! `source`, or `(id, text)` pairs) are written as JSON Lines to a spool
//! file, one line per record in the order given, and read by the engine's
//! one reader as an input named [`RECORDS`] after the paths: a record is
//! read, or reported, exactly as the same line of a JSON Lines file would
//! be (a record without text is a skipped record, counted in the report,
//! and the others go on). Only the configured fields are written; a value
//! that JSON cannot hold (bytes, an arbitrary object) is written as `null`,
//! so that a text field holding one is reported as not a string.

use std::io::{BufWriter, Write};
use std::path::PathBuf;

use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use tempfile::NamedTempFile;

use reprint::input::{Compression, Source, SourceKind};
use reprint::pipeline::ScanOptions;
use reprint::InputConfig;

/// The name records are shown with in reports (their `path`; `line` is a
/// record's 1-based position).
pub const RECORDS: &str = "<records>";

/// The inputs of one call: paths, and the spool holding the records (kept
/// until the call is done).
pub struct Inputs {
    /// Files and directories, in the order given.
    pub paths: Vec<PathBuf>,
    /// The records' spool, when any record was given.
    spool: Option<NamedTempFile>,
}

impl Inputs {
    /// The records as a source read after the paths.
    pub fn sources(&self) -> Vec<Source> {
        self.spool
            .iter()
            .map(|f| Source {
                path: f.path().to_path_buf(),
                name: RECORDS.into(),
                kind: SourceKind::JsonLines,
                compression: Compression::None,
            })
            .collect()
    }

    /// Scan options that read the records after the paths.
    pub fn scan_options(&self) -> ScanOptions {
        ScanOptions {
            sources: self.sources(),
            ..ScanOptions::default()
        }
    }
}

/// Whether `v` names a file: a `str` or an `os.PathLike`.
pub fn is_path(v: &Bound<'_, PyAny>) -> bool {
    v.is_instance_of::<PyString>() || v.hasattr("__fspath__").unwrap_or(false)
}

/// Sorts `items` (one path, or an iterable of paths and records) into
/// paths and spooled records.
pub fn inputs(items: &Bound<'_, PyAny>, cfg: &InputConfig) -> PyResult<Inputs> {
    let mut paths = Vec::new();
    if is_path(items) {
        paths.push(items.extract()?);
        return Ok(Inputs { paths, spool: None });
    }
    if items.is_instance_of::<PyDict>() {
        return Err(PyValueError::new_err(
            "records come in a list (or any iterable), even one: pass [record]",
        ));
    }
    let mut spool: Option<BufWriter<NamedTempFile>> = None;
    for item in items.try_iter()? {
        let item = item?;
        if is_path(&item) {
            paths.push(item.extract()?);
            continue;
        }
        let out = match &mut spool {
            Some(out) => out,
            None => spool.insert(BufWriter::new(NamedTempFile::new().map_err(io)?)),
        };
        write_record(&item, cfg, out).map_err(io)?;
    }
    let spool = spool
        .map(|w| w.into_inner().map_err(|e| io(e.into_error())))
        .transpose()?;
    Ok(Inputs { paths, spool })
}

fn io(e: std::io::Error) -> PyErr {
    PyOSError::new_err(format!("could not write the records' spool file: {e}"))
}

/// One record as a JSON Lines line: the configured fields of a dict, an
/// `(id, text)` pair as those two fields, anything else as `null` (a line
/// that is not an object, reported as such).
fn write_record(
    item: &Bound<'_, PyAny>,
    cfg: &InputConfig,
    out: &mut impl Write,
) -> std::io::Result<()> {
    if let Ok(d) = item.downcast::<PyDict>() {
        let fields = [
            &cfg.id_field,
            &cfg.text_field,
            &cfg.url_field,
            &cfg.title_field,
            &cfg.date_field,
            &cfg.source_field,
        ];
        out.write_all(b"{")?;
        let mut first = true;
        for f in fields {
            if let Ok(Some(v)) = d.get_item(f.as_str()) {
                if !std::mem::take(&mut first) {
                    out.write_all(b",")?;
                }
                serde_json::to_writer(&mut *out, f.as_str())?;
                out.write_all(b":")?;
                write_value(&v, out)?;
            }
        }
        out.write_all(b"}\n")
    } else if let Some((id, text)) = pair(item) {
        out.write_all(b"{")?;
        serde_json::to_writer(&mut *out, cfg.id_field.as_str())?;
        out.write_all(b":")?;
        write_value(&id, out)?;
        out.write_all(b",")?;
        serde_json::to_writer(&mut *out, cfg.text_field.as_str())?;
        out.write_all(b":")?;
        write_value(&text, out)?;
        out.write_all(b"}\n")
    } else {
        out.write_all(b"null\n")
    }
}

/// The two items of a tuple or list of two.
fn pair<'py>(item: &Bound<'py, PyAny>) -> Option<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
    let two =
        |a: PyResult<Bound<'py, PyAny>>, b: PyResult<Bound<'py, PyAny>>| Some((a.ok()?, b.ok()?));
    if let Ok(t) = item.downcast::<PyTuple>() {
        return (t.len() == 2)
            .then(|| two(t.get_item(0), t.get_item(1)))
            .flatten();
    }
    if let Ok(l) = item.downcast::<PyList>() {
        return (l.len() == 2)
            .then(|| two(l.get_item(0), l.get_item(1)))
            .flatten();
    }
    None
}

/// One field's value as JSON. Only the kind of a list or dict matters to
/// the reader (a text must be a string), so they are written empty; a
/// `datetime` or `date` is written as its ISO 8601 form.
fn write_value(v: &Bound<'_, PyAny>, out: &mut impl Write) -> std::io::Result<()> {
    if v.is_none() {
        out.write_all(b"null")
    } else if let Ok(b) = v.downcast::<PyBool>() {
        out.write_all(if b.is_true() { b"true" } else { b"false" })
    } else if let Ok(s) = v.downcast::<PyString>() {
        serde_json::to_writer(&mut *out, &s.to_string_lossy()).map_err(Into::into)
    } else if v.is_instance_of::<PyInt>() {
        // Python's digits are a JSON number, however long.
        match v.str() {
            Ok(digits) => out.write_all(digits.to_string_lossy().as_bytes()),
            Err(_) => out.write_all(b"null"),
        }
    } else if let Ok(f) = v.downcast::<PyFloat>() {
        match serde_json::Number::from_f64(f.value()) {
            Some(n) => serde_json::to_writer(&mut *out, &n).map_err(Into::into),
            None => out.write_all(b"null"),
        }
    } else if v.is_instance_of::<PyDict>() {
        out.write_all(b"{}")
    } else if v.is_instance_of::<PyList>() || v.is_instance_of::<PyTuple>() {
        out.write_all(b"[]")
    } else if let Some(iso) = isoformat(v) {
        serde_json::to_writer(&mut *out, &iso).map_err(Into::into)
    } else {
        out.write_all(b"null")
    }
}

/// The ISO 8601 form of a `datetime.date` or `datetime.datetime`.
fn isoformat(v: &Bound<'_, PyAny>) -> Option<String> {
    let date = v.py().import("datetime").ok()?.getattr("date").ok()?;
    if !v.is_instance(&date).ok()? {
        return None;
    }
    v.call_method0("isoformat").ok()?.extract().ok()
}
