//! The kernels `reprint.spark` runs on executors beyond signing and
//! verifying ([`crate::arrow`]): reading JSON Lines records the way every
//! reader of reprint does, and describing document clusters the way the
//! scan's report does. Both are pure functions of their inputs.

use rayon::prelude::*;

use reprint::input::read::jsonl_record;
use reprint::input::{oversized_message, Issue, Meta};
use reprint::pipeline::{self, DocView, Scratch, Signer};
use reprint::verify::{self, Edge};
use reprint::Config;

/// What reading a run of JSON Lines gives, one entry per line.
#[derive(Default)]
pub struct Records {
    /// 0: a document; 1: a blank line (not a record); 2: a skipped record.
    pub status: Vec<u8>,
    /// Each document's id (`NAME:LINE` when the record has none).
    pub ids: Vec<Option<String>>,
    /// Each document's metadata.
    pub meta: Vec<Meta>,
    /// The line's issues, as a JSON array (none: `None`).
    pub issues: Vec<Option<String>>,
    /// Where each text ends in `text_data` (`i64`, n + 1 values from 0).
    pub text_offsets: Vec<u8>,
    /// The texts, one after another.
    pub text_data: Vec<u8>,
}

/// Reads `lines`, consecutive lines of the file named `name` of which the
/// first is line `first_line` (from 1), in `cfg`'s thread pool: blank lines
/// are not records, a line longer than `--max-record-mb` or one that does
/// not parse is a skipped record, and every record keeps its issues.
pub fn read_jsonl(
    cfg: &Config,
    name: &str,
    first_line: u64,
    lines: &[&[u8]],
) -> reprint::Result<Records> {
    let max = cfg.input.max_record_bytes;
    type One = (u8, Option<String>, Meta, Vec<Issue>, String);
    let read: Vec<One> = pipeline::thread_pool(cfg)?.install(|| {
        lines
            .par_iter()
            .enumerate()
            .map(|(i, raw)| {
                let line = first_line + i as u64;
                let mut issues = Vec::new();
                if raw.len() > max {
                    let msg = oversized_message(Some(raw.len() as u64), max);
                    issues.push(Issue::skipped_record(name, line, msg));
                    return (2, None, Meta::default(), issues, String::new());
                }
                let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
                if raw.iter().all(u8::is_ascii_whitespace) {
                    return (1, None, Meta::default(), issues, String::new());
                }
                let mut text = String::new();
                match jsonl_record(name, line, raw, &cfg.input, &mut text, &mut issues) {
                    Some((id, meta)) => {
                        let id = id.unwrap_or_else(|| format!("{name}:{line}"));
                        (0, Some(id), meta, issues, text)
                    }
                    None => (2, None, Meta::default(), issues, String::new()),
                }
            })
            .collect()
    });
    let mut out = Records::default();
    let mut end = 0i64;
    out.text_offsets.extend(end.to_le_bytes());
    for (status, id, meta, issues, text) in read {
        out.status.push(status);
        out.ids.push(id);
        out.meta.push(meta);
        out.issues.push(if issues.is_empty() {
            None
        } else {
            Some(serde_json::to_string(&issues).map_err(|e| {
                reprint::Error::InvalidParam(format!("could not write an issue as JSON: {e}"))
            })?)
        });
        out.text_data.extend_from_slice(text.as_bytes());
        end += text.len() as i64;
        out.text_offsets.extend(end.to_le_bytes());
    }
    Ok(out)
}

/// One document of [`clusters`]: what the report says of it.
pub struct Described {
    /// Its id.
    pub id: String,
    /// The file it is shown with.
    pub path: String,
    /// Its line there.
    pub line: u64,
    /// Its metadata.
    pub meta: Meta,
}

/// The report's clusters of `components` (lists of row indices into
/// `texts`, rows in the documents' input order) joined by `edges` (row
/// pairs): representative, every member's exact scores against it, the
/// verified pairs with their exact scores. Per component: its smallest
/// row, and the cluster as the scan's report writes it (its `id` is 0: the
/// caller numbers clusters once they are in report order), its size and
/// its representative's id.
pub fn clusters(
    cfg: &Config,
    texts: &[&str],
    docs: &[Described],
    components: Vec<Vec<u32>>,
    edges: &[(u32, u32)],
) -> reprint::Result<Vec<(u32, String, usize, String)>> {
    let signer = Signer::new(cfg);
    let pool = pipeline::thread_pool(cfg)?;
    let (clusters, members) = pool.install(|| {
        let sets: Vec<Vec<u64>> = texts
            .par_iter()
            .map_init(Scratch::default, |scratch, text| {
                signer.shingle_set(text, scratch)
            })
            .collect();
        let mut edges: Vec<Edge> = edges
            .iter()
            .map(|&(a, b)| Edge {
                a: a.min(b),
                b: a.max(b),
                scores: verify::scores(&sets[a as usize], &sets[b as usize]),
            })
            .collect();
        edges.sort_unstable_by_key(|e| (e.a, e.b));
        edges.dedup_by_key(|e| (e.a, e.b));
        let view = |d: u32| {
            let doc = &docs[d as usize];
            DocView {
                id: &doc.id,
                path: &doc.path,
                line: doc.line,
                meta: Some(&doc.meta),
                first_seen: None,
            }
        };
        pipeline::document_clusters(view, &sets, &edges, components)
    });
    clusters
        .into_iter()
        .zip(members)
        .map(|(mut c, m)| {
            c.id = 0;
            let json = serde_json::to_string(&c).map_err(|e| {
                reprint::Error::InvalidParam(format!("could not write a cluster as JSON: {e}"))
            })?;
            let first = m.iter().copied().min().unwrap_or(0);
            Ok((first, json, c.size, c.representative))
        })
        .collect()
}

/// The head of a report of document clusters of `cfg`: `version`, `tool`
/// and `params` (granularity `documents`), as JSON.
pub fn report_head(cfg: &Config) -> reprint::Result<String> {
    let mut cfg = cfg.clone();
    cfg.granularity = reprint::config::Granularity::Documents;
    let head = serde_json::json!({
        "version": reprint::report::SCHEMA_VERSION,
        "tool": reprint::report::Tool::default(),
        "params": pipeline::params(&cfg),
    });
    serde_json::to_string(&head)
        .map_err(|e| reprint::Error::InvalidParam(format!("could not write JSON: {e}")))
}

/// Connected components of `n` nodes joined by `edges` (node pairs, each
/// below `n`): per node, the smallest node of its component.
pub fn components(n: usize, edges: &[(u32, u32)]) -> Vec<u32> {
    let mut smallest: Vec<u32> = (0..n as u32).collect();
    for comp in reprint::cluster::components(n, edges.iter().copied(), 2) {
        let first = comp.iter().copied().min().unwrap_or(0);
        for node in comp {
            smallest[node as usize] = first;
        }
    }
    smallest
}
