//! Keyword options → the engine's [`Config`], validated by the engine.
//!
//! The options are the command line's long flags with underscores
//! (`threshold=0.7`, `granularity="documents"`), with the CLI's defaults
//! ([`Config::new`]), and each call accepts the flags of its subcommand.
//! An unknown option, a value of the wrong type or out of range is a
//! `ValueError` that names the option; range checks are the engine's own
//! ([`Config::validate`], [`parse_containment`], [`max_record_bytes`],
//! [`IndexOptions::new`]), their messages with `--flag-name` written as
//! `flag_name`.

use std::path::PathBuf;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyString};

use reprint::check::IndexOptions;
use reprint::config::{max_record_bytes, parse_containment, Config, Granularity, Sketch};
use reprint::input::SourceKind;
use reprint::pipeline::{findings_budget_bytes, set_budget_bytes};

/// Options of which files are read, and as what (with [`RECORD`], how
/// inputs are read).
const FILES: &[&str] = &["ext", "hidden", "input_format"];

/// The options of reading one JSON Lines record.
const RECORD: &[&str] = &[
    "text_field",
    "id_field",
    "url_field",
    "title_field",
    "date_field",
    "source_field",
    "max_record_mb",
];

/// Options that decide signatures, keys and the duplicate rule.
const SIGNING: &[&str] = &[
    "shingle_size",
    "num_perm",
    "seed",
    "sketch",
    "threshold",
    "containment",
    "bands",
    "rows",
    "threads",
];

/// Options of document matching beyond signing.
const MATCHING: &[&str] = &["same_source", "window"];

/// Paragraph and reuse options.
const PARAGRAPHS: &[&str] = &[
    "granularity",
    "min_paragraph_words",
    "boilerplate_min_docs",
    "paragraph_shingle_size",
    "paragraph_num_perm",
    "no_reuse",
    "reuse_min_coverage",
    "reuse_wholly",
    "reuse_max_df",
];

/// Which call the options are for: each takes its subcommand's flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    /// `scan`: input, matching, paragraph and reuse options, and `set_budget`.
    Scan,
    /// `Index`: those of `scan`, and `lock_timeout`.
    Index,
    /// `explain`: those of `scan`, and `corpus`.
    Explain,
    /// `extract`: input options and `threads`.
    Extract,
    /// The Arrow kernels: signing and the duplicate rule only.
    Kernel,
    /// Verifying groups: the duplicate rule and which pairs may match
    /// (`same_source`, `window`).
    Verify,
    /// Reading JSON Lines records (`reprint.spark`): the record fields and
    /// the record size limit, and `threads`.
    Records,
}

impl Call {
    fn name(self) -> &'static str {
        match self {
            Call::Scan => "scan()",
            Call::Index => "Index()",
            Call::Explain => "explain()",
            Call::Extract => "extract()",
            Call::Kernel => "the Arrow kernels",
            Call::Verify => "verify_groups()",
            Call::Records => "the JSON Lines reader",
        }
    }

    fn accepts(self) -> Vec<&'static str> {
        let groups: &[&[&str]] = match self {
            Call::Scan => &[
                FILES,
                RECORD,
                SIGNING,
                MATCHING,
                PARAGRAPHS,
                &["set_budget", "findings_budget"],
            ],
            Call::Index => &[
                FILES,
                RECORD,
                SIGNING,
                MATCHING,
                PARAGRAPHS,
                &["lock_timeout"],
            ],
            Call::Explain => &[FILES, RECORD, SIGNING, MATCHING, PARAGRAPHS, &["corpus"]],
            Call::Extract => &[FILES, RECORD, &["threads"]],
            Call::Kernel => &[SIGNING],
            Call::Verify => &[SIGNING, MATCHING],
            Call::Records => &[RECORD, &["threads"]],
        };
        groups.concat()
    }
}

/// The options of one call, parsed and validated.
#[derive(Debug, Clone)]
pub struct Options {
    /// The engine's configuration (no paths yet).
    pub cfg: Config,
    /// `lock_timeout` in seconds (`Index`).
    pub lock_timeout: f64,
    /// `corpus`: the file `explain` takes ids from.
    pub corpus: Option<PathBuf>,
    /// `set_budget` (`scan`), in bytes.
    pub set_budget: Option<usize>,
    /// `findings_budget` (`scan`), in bytes.
    pub findings_budget: Option<usize>,
}

impl Options {
    /// Where the index at `path` is, with `lock_timeout`.
    pub fn index(&self, path: PathBuf) -> PyResult<IndexOptions> {
        IndexOptions::new(path, self.lock_timeout).map_err(crate::error::to_py)
    }
}

/// Parses the keyword options of `call`.
pub fn parse(call: Call, kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<Options> {
    let mut o = Options {
        cfg: Config::new(Vec::new()),
        lock_timeout: 60.0,
        corpus: None,
        set_budget: None,
        findings_budget: None,
    };
    let accepts = call.accepts();
    let Some(kwargs) = kwargs else {
        return Ok(o);
    };
    for (key, value) in kwargs.iter() {
        let name: String = key.extract()?;
        if !accepts.contains(&name.as_str()) {
            return Err(PyValueError::new_err(format!(
                "{} has no option `{name}`; it takes {}",
                call.name(),
                accepts.join(", ")
            )));
        }
        set(&mut o, &name, &value)?;
    }
    o.cfg.validate().map_err(crate::error::to_py)?;
    Ok(o)
}

/// Sets one option.
fn set(o: &mut Options, name: &str, v: &Bound<'_, PyAny>) -> PyResult<()> {
    let cfg = &mut o.cfg;
    let (i, m, p, r) = (
        &mut cfg.input,
        &mut cfg.matching,
        &mut cfg.paragraphs,
        &mut cfg.reuse,
    );
    match name {
        "ext" => i.extra_text_exts = strings(name, v)?,
        "hidden" => i.hidden = flag(name, v)?,
        "text_field" => i.text_field = string(name, v)?,
        "id_field" => i.id_field = string(name, v)?,
        "url_field" => i.url_field = string(name, v)?,
        "title_field" => i.title_field = string(name, v)?,
        "date_field" => i.date_field = string(name, v)?,
        "source_field" => i.source_field = string(name, v)?,
        "input_format" => {
            i.format = optional(v, |v| {
                choice(
                    name,
                    v,
                    &[
                        ("text", SourceKind::Text),
                        ("jsonl", SourceKind::JsonLines),
                        ("html", SourceKind::Html),
                        ("feed", SourceKind::Feed),
                    ],
                )
            })?
        }
        "max_record_mb" => {
            i.max_record_bytes = max_record_bytes(whole(name, v)?).map_err(crate::error::to_py)?
        }
        "shingle_size" => m.shingle_size = whole(name, v)?,
        "num_perm" => m.num_perm = whole(name, v)?,
        "seed" => m.seed = whole(name, v)?,
        "sketch" => {
            let all = [Sketch::OnePermutation, Sketch::Permutations].map(|s| (s.name(), s));
            m.sketch = choice(name, v, &all)?;
        }
        "threshold" => m.threshold = number(name, v)?,
        "containment" => m.containment = containment(v)?,
        "bands" => m.bands = optional(v, |v| whole(name, v))?,
        "rows" => m.rows = optional(v, |v| whole(name, v))?,
        "same_source" => {
            m.skip_same_source = choice(name, v, &[("match", false), ("skip", true)])?;
        }
        "window" => m.window_days = optional(v, |v| whole(name, v))?,
        "threads" => cfg.threads = optional(v, |v| whole(name, v))?,
        "granularity" => {
            cfg.granularity = choice(
                name,
                v,
                &[
                    ("documents", Granularity::Documents),
                    ("paragraphs", Granularity::Paragraphs),
                    ("all", Granularity::All),
                ],
            )?
        }
        "min_paragraph_words" => p.min_words = whole(name, v)?,
        "boilerplate_min_docs" => p.boilerplate_min_docs = whole(name, v)?,
        "paragraph_shingle_size" => p.shingle_size = whole(name, v)?,
        "paragraph_num_perm" => p.num_perm = whole(name, v)?,
        "no_reuse" => r.enabled = !flag(name, v)?,
        "reuse_min_coverage" => r.min_coverage = number(name, v)?,
        "reuse_wholly" => r.wholly = number(name, v)?,
        "reuse_max_df" => r.max_df = whole(name, v)?,
        "lock_timeout" => o.lock_timeout = number(name, v)?,
        "corpus" => o.corpus = optional(v, |v| path(name, v))?,
        "set_budget" => {
            o.set_budget = optional(v, |v| {
                set_budget_bytes(whole(name, v)?).map_err(crate::error::to_py)
            })?
        }
        "findings_budget" => {
            o.findings_budget = optional(v, |v| Ok(findings_budget_bytes(whole(name, v)?)))?
        }
        _ => unreachable!("every accepted option is set above: {name}"),
    }
    Ok(())
}

fn bad(name: &str, wants: &str, v: &Bound<'_, PyAny>) -> PyErr {
    let shown = v
        .repr()
        .map(|r| r.to_string())
        .unwrap_or_else(|_| "?".into());
    PyValueError::new_err(format!("`{name}` takes {wants}, not {shown}"))
}

/// `None` as `None`, anything else through `f`.
fn optional<T>(
    v: &Bound<'_, PyAny>,
    f: impl FnOnce(&Bound<'_, PyAny>) -> PyResult<T>,
) -> PyResult<Option<T>> {
    if v.is_none() {
        Ok(None)
    } else {
        f(v).map(Some)
    }
}

/// A whole number of the target type (`True` is not one).
fn whole<'py, T: FromPyObject<'py>>(name: &str, v: &Bound<'py, PyAny>) -> PyResult<T> {
    if v.is_instance_of::<PyBool>() {
        return Err(bad(name, "a whole number", v));
    }
    v.extract()
        .map_err(|_| bad(name, "a whole number in range", v))
}

fn number(name: &str, v: &Bound<'_, PyAny>) -> PyResult<f64> {
    if v.is_instance_of::<PyBool>() || v.is_instance_of::<PyString>() {
        return Err(bad(name, "a number", v));
    }
    v.extract().map_err(|_| bad(name, "a number", v))
}

fn flag(name: &str, v: &Bound<'_, PyAny>) -> PyResult<bool> {
    v.downcast::<PyBool>()
        .map(|b| b.is_true())
        .map_err(|_| bad(name, "True or False", v))
}

fn string(name: &str, v: &Bound<'_, PyAny>) -> PyResult<String> {
    v.extract().map_err(|_| bad(name, "a string", v))
}

fn path(name: &str, v: &Bound<'_, PyAny>) -> PyResult<PathBuf> {
    v.extract().map_err(|_| bad(name, "a path", v))
}

/// A string, or a list of strings.
fn strings(name: &str, v: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    if let Ok(s) = v.extract::<String>() {
        return Ok(vec![s]);
    }
    v.extract()
        .map_err(|_| bad(name, "a string or a list of strings", v))
}

/// One of the named choices (the CLI's value names).
fn choice<T: Copy>(name: &str, v: &Bound<'_, PyAny>, choices: &[(&str, T)]) -> PyResult<T> {
    let names: Vec<String> = choices.iter().map(|(n, _)| format!("\"{n}\"")).collect();
    let wants = format!("one of {}", names.join(", "));
    let s: String = v.extract().map_err(|_| bad(name, &wants, v))?;
    choices
        .iter()
        .find(|(n, _)| *n == s)
        .map(|&(_, t)| t)
        .ok_or_else(|| bad(name, &wants, v))
}

/// `containment`: a number, `"off"` (or `None`) to turn the rule off.
fn containment(v: &Bound<'_, PyAny>) -> PyResult<Option<f64>> {
    if v.is_none() {
        return Ok(None);
    }
    if let Ok(s) = v.extract::<String>() {
        return parse_containment(&s).map_err(crate::error::to_py);
    }
    // Its range is checked by `MatchConfig::validate`, as the CLI's is.
    number("containment", v).map(Some)
}
