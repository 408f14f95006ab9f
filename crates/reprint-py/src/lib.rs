//! `reprint._reprint`: the Python extension over the engine crate.
//!
//! PyO3 types stop here: the engine (`crates/reprint`) and the command line
//! never see them. Each function takes Python inputs (records or paths, and
//! the options as a dict), builds the engine's `Config` the way the CLI
//! does ([`options`]), runs the engine with the GIL released (in the
//! engine's rayon pool, `threads=` workers), and hands back the JSON the
//! CLI writes (bytes, turned into Python objects by the `reprint` package),
//! so the two give the same reports. The public API, its docstrings and
//! stubs are in the pure-Python package (`python/reprint/`).

mod arrow;
mod error;
mod options;
mod records;
mod spark;

use std::path::PathBuf;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyCapsule, PyDict};

use reprint::check::{self, Baseline, CheckOptions};
use reprint::explain::{self, Doc, Read};
use reprint::index::{Index, Mode, Selection};
use reprint::input::{normalize_date, Issue};
use reprint::pipeline::{self, ScanOptions};
use reprint::report::{self, check::CheckFormat, Format};
use reprint::{Config, Error};

use error::{to_py, ReprintError};
use options::{Call, Options};
use records::{inputs, is_path, Inputs, RECORDS};

/// Runs `f` with the GIL released, and turns its error into an exception.
fn detached<T: Send>(py: Python<'_>, f: impl FnOnce() -> reprint::Result<T> + Send) -> PyResult<T> {
    py.allow_threads(f).map_err(to_py)
}

fn json_bytes(value: &impl serde::Serialize) -> reprint::Result<Vec<u8>> {
    serde_json::to_vec(value).map_err(|e| Error::InvalidParam(format!("could not write JSON: {e}")))
}

/// The configuration and the inputs of a call that reads `items`.
fn prepare(
    call: Call,
    items: &Bound<'_, PyAny>,
    kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<(Options, Config, Inputs)> {
    let o = options::parse(call, kwargs)?;
    let inputs = inputs(items, &o.cfg.input)?;
    let cfg = Config {
        paths: inputs.paths.clone(),
        ..o.cfg.clone()
    };
    Ok((o, cfg, inputs))
}

/// `scan(items, options) -> bytes`: the JSON report of `reprint scan
/// --format json`.
#[pyfunction]
#[pyo3(signature = (items, options=None))]
fn scan<'py>(
    py: Python<'py>,
    items: &Bound<'py, PyAny>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyBytes>> {
    let (o, cfg, inputs) = prepare(Call::Scan, items, options)?;
    let opts = ScanOptions {
        set_budget: o.set_budget,
        findings_budget: o.findings_budget,
        ..inputs.scan_options()
    };
    let json = detached(py, || {
        let outcome = pipeline::scan(&cfg, opts)?;
        let mut out = Vec::new();
        report::write(&outcome.report, Format::Json, &mut out)?;
        Ok(out)
    })?;
    Ok(PyBytes::new(py, &json))
}

/// `index_open(path, options)`: checks the options, and the parameters of
/// the index at `path` when it exists.
#[pyfunction]
#[pyo3(signature = (path, options=None))]
fn index_open(py: Python<'_>, path: PathBuf, options: Option<&Bound<'_, PyDict>>) -> PyResult<()> {
    let o = options::parse(Call::Index, options)?;
    let ix = o.index(path)?;
    if !ix.path.exists() {
        return Ok(());
    }
    let params = check::index_params(&o.cfg);
    detached(py, || {
        Index::open(&ix.path, Some(&params), Mode::Existing, ix.lock_timeout).map(drop)
    })
}

/// `index_add(path, items, options) -> bytes`: `reprint index add --json`.
#[pyfunction]
#[pyo3(signature = (path, items, options=None))]
fn index_add<'py>(
    py: Python<'py>,
    path: PathBuf,
    items: &Bound<'py, PyAny>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyBytes>> {
    let (o, cfg, inputs) = prepare(Call::Index, items, options)?;
    let ix = o.index(path)?;
    let opts = inputs.scan_options();
    let json = detached(py, || json_bytes(&check::add(&cfg, &opts, &ix)?))?;
    Ok(PyBytes::new(py, &json))
}

/// `index_check(path, items, options, update, baseline) -> bytes`: the
/// JSON report of `reprint check --format json`.
#[pyfunction]
#[pyo3(signature = (path, items, options=None, update=false, baseline=None))]
fn index_check<'py>(
    py: Python<'py>,
    path: PathBuf,
    items: &Bound<'py, PyAny>,
    options: Option<&Bound<'py, PyDict>>,
    update: bool,
    baseline: Option<PathBuf>,
) -> PyResult<Bound<'py, PyBytes>> {
    let (o, cfg, inputs) = prepare(Call::Index, items, options)?;
    let ix = o.index(path)?;
    let opts = inputs.scan_options();
    let json = detached(py, || {
        let copts = CheckOptions {
            update,
            baseline: baseline.as_deref().map(Baseline::read).transpose()?,
        };
        let report = check::check(&cfg, &opts, &ix, &copts)?;
        let mut out = Vec::new();
        report::check::write_check(&report, CheckFormat::Json, &mut out)?;
        Ok(out)
    })?;
    Ok(PyBytes::new(py, &json))
}

/// `index_remove(path, ids, seen_before, published_before, options) ->
/// int`: documents removed, as `reprint index remove`.
#[pyfunction]
#[pyo3(signature = (path, ids, seen_before=None, published_before=None, options=None))]
fn index_remove(
    py: Python<'_>,
    path: PathBuf,
    ids: Vec<String>,
    seen_before: Option<String>,
    published_before: Option<String>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<u64> {
    let o = options::parse(Call::Index, options)?;
    let ix = o.index(path)?;
    let date = |name: &str, d: &str| {
        normalize_date(d).ok_or_else(|| {
            PyValueError::new_err(format!(
                "`{name}` takes a date such as 2026-01-31 or 2026-01-31T12:00:00Z, not `{d}`"
            ))
        })
    };
    let mut sel: Vec<Selection> = ids.into_iter().map(Selection::Id).collect();
    if let Some(d) = &seen_before {
        sel.push(Selection::SeenBefore(date("seen_before", d)?));
    }
    if let Some(d) = &published_before {
        sel.push(Selection::PublishedBefore(date("published_before", d)?));
    }
    let cfg = o.cfg;
    detached(py, || check::remove(&cfg, &ix, &sel))
}

/// `index_stats(path, options) -> bytes`: `reprint index stats --json`.
#[pyfunction]
#[pyo3(signature = (path, options=None))]
fn index_stats<'py>(
    py: Python<'py>,
    path: PathBuf,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyBytes>> {
    let ix = options::parse(Call::Index, options)?.index(path)?;
    let json = detached(py, || json_bytes(&check::stats(&ix)?))?;
    Ok(PyBytes::new(py, &json))
}

/// One side of `explain`: a path to a file of one document, an id in
/// `corpus`, or a record (shown as line `line` of the records).
enum Side {
    Path(PathBuf),
    Id(String),
    Doc(Doc),
}

fn side(v: &Bound<'_, PyAny>, o: &Options, line: u64) -> PyResult<Side> {
    if o.corpus.is_some() {
        return v.extract().map(Side::Id).map_err(|_| {
            PyValueError::new_err("with `corpus`, explain() takes two document ids (strings)")
        });
    }
    if is_path(v) {
        return v.extract().map(Side::Path);
    }
    let field = |name: &str| -> PyResult<Option<Bound<'_, PyAny>>> {
        match v.downcast::<PyDict>() {
            Ok(d) => d.get_item(name),
            Err(_) => Ok(None),
        }
    };
    let input = &o.cfg.input;
    let (id, text) = match v.extract::<(String, String)>() {
        Ok(pair) => pair,
        Err(_) => {
            let text: Option<String> = field(&input.text_field)?.and_then(|t| t.extract().ok());
            let text = text.ok_or_else(|| {
                PyValueError::new_err(format!(
                    "explain() takes paths, records with a string `{}`, or (id, text) pairs",
                    input.text_field
                ))
            })?;
            let id: Option<String> =
                field(&input.id_field)?.and_then(|t| t.str().ok()?.extract().ok());
            (id.unwrap_or_else(|| format!("{RECORDS}:{line}")), text)
        }
    };
    let date: Option<String> = field(&input.date_field)?.and_then(|d| d.extract().ok());
    Ok(Side::Doc(Doc {
        id,
        path: RECORDS.into(),
        line,
        text,
        date: date.as_deref().and_then(normalize_date),
    }))
}

/// `explain(a, b, options) -> bytes`: `reprint explain --format json`.
#[pyfunction(name = "explain")]
#[pyo3(signature = (a, b, options=None))]
fn explain_pair<'py>(
    py: Python<'py>,
    a: &Bound<'py, PyAny>,
    b: &Bound<'py, PyAny>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyBytes>> {
    let o = options::parse(Call::Explain, options)?;
    let (a, b) = (side(a, &o, 1)?, side(b, &o, 2)?);
    let cfg = o.cfg.clone();
    let corpus = o.corpus.clone();
    let json = detached(py, move || {
        let one = |s: Side, issues: &mut Vec<Issue>| -> reprint::Result<Doc> {
            match s {
                Side::Doc(d) => Ok(d),
                Side::Path(p) => {
                    let Read { docs, issues: more } = explain::document_in(&p, &cfg)?;
                    issues.extend(more);
                    Ok(docs)
                }
                Side::Id(_) => unreachable!("ids are read with the corpus"),
            }
        };
        let mut issues = Vec::new();
        let (a, b) = match (a, b, corpus) {
            (Side::Id(a), Side::Id(b), Some(corpus)) => {
                let read = explain::documents_by_id(&corpus, &cfg, &a, &b)?;
                issues = read.issues;
                read.docs
            }
            (a, b, _) => (one(a, &mut issues)?, one(b, &mut issues)?),
        };
        let mut e = explain::explain(&a, &b, &cfg);
        e.issues = issues;
        json_bytes(&e)
    })?;
    Ok(PyBytes::new(py, &json))
}

/// `extract(items, options) -> bytes`: `{"documents": [...], "issues":
/// [...]}`, the documents as `reprint extract --format jsonl` writes them.
#[pyfunction]
#[pyo3(signature = (items, options=None))]
fn extract<'py>(
    py: Python<'py>,
    items: &Bound<'py, PyAny>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyBytes>> {
    let (_, cfg, inputs) = prepare(Call::Extract, items, options)?;
    if !inputs.sources().is_empty() {
        return Err(PyValueError::new_err(
            "extract() reads files and directories; records are already documents",
        ));
    }
    let json = detached(py, || {
        let mut documents = Vec::new();
        let mut issues = Vec::new();
        reprint::extract::extract(&cfg, Default::default(), &mut |batch| {
            documents.extend(batch.documents);
            issues.extend(batch.issues);
            Ok(())
        })?;
        json_bytes(&serde_json::json!({ "documents": documents, "issues": issues }))
    })?;
    Ok(PyBytes::new(py, &json))
}

/// `sign_arrow(schema, array, options)`: the band keys, key offsets,
/// content hashes and signatures (bytes) of a text column, whether each
/// text is empty, and `num_perm`.
#[pyfunction]
#[pyo3(signature = (schema, array, options=None))]
#[allow(clippy::type_complexity)]
fn sign_arrow<'py>(
    py: Python<'py>,
    schema: &Bound<'py, PyCapsule>,
    array: &Bound<'py, PyCapsule>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<(
    Bound<'py, PyBytes>,
    Bound<'py, PyBytes>,
    Bound<'py, PyBytes>,
    Bound<'py, PyBytes>,
    Vec<bool>,
    usize,
)> {
    let cfg = options::parse(Call::Kernel, options)?.cfg;
    // SAFETY: the capsules come from `__arrow_c_array__` and are held by
    // the caller for the whole call.
    let texts = unsafe { arrow::texts(schema, array)? };
    let s = detached(py, || arrow::sign(&cfg, &texts))?;
    Ok((
        PyBytes::new(py, &s.band_keys),
        PyBytes::new(py, &s.key_offsets),
        PyBytes::new(py, &s.content_hashes),
        PyBytes::new(py, &s.signatures),
        s.empty,
        s.num_perm,
    ))
}

/// `verify_arrow(schema, array, groups, options, meta=None)`: the verified
/// pairs of `groups` (lists of row indices) as columns `a`, `b`,
/// `jaccard`, `containment`, and the pairs compared. `meta` gives each
/// row's `(source, date)` for `same_source` and `window`.
#[pyfunction]
#[pyo3(signature = (schema, array, groups, options=None, meta=None))]
#[allow(clippy::type_complexity)]
fn verify_arrow<'py>(
    py: Python<'py>,
    schema: &Bound<'py, PyCapsule>,
    array: &Bound<'py, PyCapsule>,
    groups: Vec<Vec<i64>>,
    options: Option<&Bound<'py, PyDict>>,
    meta: Option<Vec<(Option<String>, Option<String>)>>,
) -> PyResult<(Vec<u32>, Vec<u32>, Vec<f64>, Vec<f64>, u64)> {
    let cfg = options::parse(Call::Verify, options)?.cfg;
    // SAFETY: as in `sign_arrow`.
    let texts = unsafe { arrow::texts(schema, array)? };
    let groups = arrow::groups(groups, texts.len())?;
    let meta: Option<Vec<reprint::input::Meta>> = match meta {
        Some(m) if m.len() != texts.len() => {
            return Err(PyValueError::new_err(format!(
                "{} texts but {} (source, date) pairs",
                texts.len(),
                m.len()
            )))
        }
        Some(m) => Some(
            m.into_iter()
                .map(|(source, date)| reprint::input::Meta {
                    source,
                    date,
                    ..Default::default()
                })
                .collect(),
        ),
        None => None,
    };
    let v = detached(py, || arrow::verify(&cfg, &texts, &groups, meta.as_deref()))?;
    Ok((v.a, v.b, v.jaccard, v.containment, v.compared))
}

/// `read_jsonl_arrow(schema, array, name, first_line, options)`: the
/// records of consecutive JSON Lines (a `string` or `binary` column) of the
/// file named `name`, the first being line `first_line`: per line its
/// status (0 document, 1 blank, 2 skipped), id, url, title, date, source
/// and issues (a JSON array or `None`), and the texts as `large_string`
/// buffers (offsets, data).
#[pyfunction]
#[pyo3(signature = (schema, array, name, first_line, options=None))]
#[allow(clippy::type_complexity)]
fn read_jsonl_arrow<'py>(
    py: Python<'py>,
    schema: &Bound<'py, PyCapsule>,
    array: &Bound<'py, PyCapsule>,
    name: String,
    first_line: u64,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<(
    Vec<u8>,
    Vec<Option<String>>,
    [Vec<Option<String>>; 4],
    Vec<Option<String>>,
    Bound<'py, PyBytes>,
    Bound<'py, PyBytes>,
)> {
    let cfg = options::parse(Call::Records, options)?.cfg;
    if first_line == 0 {
        return Err(PyValueError::new_err("lines count from 1"));
    }
    // SAFETY: as in `sign_arrow`.
    let (lines, _) = unsafe { arrow::values(schema, array)? };
    let r = detached(py, || spark::read_jsonl(&cfg, &name, first_line, &lines))?;
    let mut meta: [Vec<Option<String>>; 4] = Default::default();
    for m in r.meta {
        meta[0].push(m.url);
        meta[1].push(m.title);
        meta[2].push(m.date);
        meta[3].push(m.source);
    }
    Ok((
        r.status,
        r.ids,
        meta,
        r.issues,
        PyBytes::new(py, &r.text_offsets),
        PyBytes::new(py, &r.text_data),
    ))
}

/// `clusters_arrow(schema, array, docs, components, edges, options)`: the
/// report's document clusters of `components` (row lists) joined by
/// `edges` (row pairs), where `docs` gives each row's id, path, line and
/// metadata (url, title, date, source): per component, its smallest row,
/// the cluster's JSON (`id` 0), size and representative.
#[pyfunction]
#[pyo3(signature = (schema, array, docs, components, edges, options=None))]
#[allow(clippy::type_complexity)]
fn clusters_arrow<'py>(
    py: Python<'py>,
    schema: &Bound<'py, PyCapsule>,
    array: &Bound<'py, PyCapsule>,
    docs: Vec<(
        String,
        String,
        u64,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    )>,
    components: Vec<Vec<i64>>,
    edges: Vec<(i64, i64)>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Vec<(u32, String, usize, String)>> {
    let cfg = options::parse(Call::Kernel, options)?.cfg;
    // SAFETY: as in `sign_arrow`.
    let texts = unsafe { arrow::texts(schema, array)? };
    let n = texts.len();
    if docs.len() != n {
        return Err(PyValueError::new_err(format!(
            "{} texts but {} documents described",
            n,
            docs.len()
        )));
    }
    let components = arrow::groups(components, n)?;
    let row = |r: i64| -> PyResult<u32> {
        u32::try_from(r)
            .ok()
            .filter(|&r| (r as usize) < n)
            .ok_or_else(|| PyValueError::new_err(format!("edge row {r} is not among {n} rows")))
    };
    let edges = edges
        .into_iter()
        .map(|(a, b)| Ok((row(a)?, row(b)?)))
        .collect::<PyResult<Vec<_>>>()?;
    let docs: Vec<spark::Described> = docs
        .into_iter()
        .map(
            |(id, path, line, url, title, date, source)| spark::Described {
                id,
                path,
                line,
                meta: reprint::input::Meta {
                    url,
                    title,
                    date,
                    source,
                },
            },
        )
        .collect();
    detached(py, || {
        spark::clusters(&cfg, &texts, &docs, components, &edges)
    })
}

/// `components(n, a, b)`: the connected components of nodes `0..n`
/// joined by the pairs `(a[i], b[i])` (`u32` buffers): per node, the
/// smallest node of its component (`u32` buffer).
#[pyfunction]
fn components<'py>(py: Python<'py>, n: usize, a: &[u8], b: &[u8]) -> PyResult<Bound<'py, PyBytes>> {
    if a.len() != b.len() || a.len() % 4 != 0 || n > u32::MAX as usize {
        return Err(PyValueError::new_err(
            "a and b must be u32 buffers of one length, and n at most 2^32 - 1",
        ));
    }
    let node = |c: &[u8]| u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
    let edges: Vec<(u32, u32)> = a
        .chunks_exact(4)
        .zip(b.chunks_exact(4))
        .map(|(x, y)| (node(x), node(y)))
        .collect();
    if let Some(&(x, y)) = edges
        .iter()
        .find(|&&(x, y)| x as usize >= n || y as usize >= n)
    {
        return Err(PyValueError::new_err(format!(
            "edge ({x}, {y}) names a node beyond n = {n}"
        )));
    }
    let labels = py.allow_threads(|| spark::components(n, &edges));
    let bytes: Vec<u8> = labels.iter().flat_map(|l| l.to_le_bytes()).collect();
    Ok(PyBytes::new(py, &bytes))
}

/// `report_head(options)`: the `version`, `tool` and `params` of a report
/// of document clusters with these options, as JSON.
#[pyfunction]
#[pyo3(signature = (options=None))]
fn report_head(options: Option<&Bound<'_, PyDict>>) -> PyResult<String> {
    let cfg = options::parse(Call::Verify, options)?.cfg;
    spark::report_head(&cfg).map_err(to_py)
}

/// The extension module.
#[pymodule]
fn _reprint(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("ReprintError", m.py().get_type::<ReprintError>())?;
    m.add("RECORDS", RECORDS)?;
    m.add("VERSION", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(scan, m)?)?;
    m.add_function(wrap_pyfunction!(index_open, m)?)?;
    m.add_function(wrap_pyfunction!(index_add, m)?)?;
    m.add_function(wrap_pyfunction!(index_check, m)?)?;
    m.add_function(wrap_pyfunction!(index_remove, m)?)?;
    m.add_function(wrap_pyfunction!(index_stats, m)?)?;
    m.add_function(wrap_pyfunction!(explain_pair, m)?)?;
    m.add_function(wrap_pyfunction!(extract, m)?)?;
    m.add_function(wrap_pyfunction!(sign_arrow, m)?)?;
    m.add_function(wrap_pyfunction!(verify_arrow, m)?)?;
    m.add_function(wrap_pyfunction!(read_jsonl_arrow, m)?)?;
    m.add_function(wrap_pyfunction!(clusters_arrow, m)?)?;
    m.add_function(wrap_pyfunction!(report_head, m)?)?;
    m.add_function(wrap_pyfunction!(components, m)?)?;
    Ok(())
}
