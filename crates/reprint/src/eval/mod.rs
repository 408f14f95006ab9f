//! Scoring a scan against ground truth.
//!
//! In: the documents of a scan, its clusters, and a label per document (the
//! `cluster` field of a JSON Lines file; null means unique). Out: pairwise
//! precision, recall and F1 over duplicate pairs, and the adjusted Rand
//! index of the two partitions.
//!
//! Everything is computed from the contingency table of predicted cluster ×
//! true cluster, so it is linear in the number of documents even when a
//! cluster holds thousands of them.
//!
//! [`evaluate`] runs the whole evaluation behind `reprint eval`: a scan of
//! the labelled corpus, its [`Metrics`], and optionally ([`ExactRecall`]) the
//! share of all pairs above the threshold by exact Jaccard that the scan put
//! together, with every reported pair re-checked against the matching rule.
//! With labelled derivations ([`reuse`]), it also scores the scan's reuse
//! links, story by story and word by word.

pub mod reuse;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use crate::config::{Config, InputConfig};
use crate::error::{Error, Result};
use crate::input::display_name;
use crate::pipeline::{scan, ScanOptions, ScanOutcome};
use crate::report::Params;
use crate::shingle::{shingle_set, ShingleScratch};

/// Ground truth: document id → cluster label (`None`: unique).
pub type Labels = HashMap<String, Option<String>>;

/// Reads labels from a JSON Lines file: the id field (as configured), else
/// `PATH:LINE` like the scanner names records, and the `label_field`.
pub fn read_labels(path: &Path, input: &InputConfig, label_field: &str) -> Result<Labels> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let name = display_name(path);
    let mut labels = Labels::new();
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let line_no = i as u64 + 1;
        let line = line.map_err(|e| Error::io(path, e))?;
        if line.trim().is_empty() {
            continue;
        }
        let bad = |message: String| Error::Labels {
            path: path.to_path_buf(),
            line: line_no,
            message,
        };
        let v: Value = serde_json::from_str(&line)
            .map_err(|e| bad(format!("invalid JSON ({e}); every line must be one object")))?;
        let id = match v.get(&input.id_field) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => format!("{name}:{line_no}"),
        };
        let label = match v.get(label_field) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(other) => {
                return Err(bad(format!(
                    "field `{label_field}` must be a string, a number or null, not {other}"
                )))
            }
        };
        labels.insert(id, label);
    }
    Ok(labels)
}

/// Pairwise and partition agreement between predicted and true clusters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Metrics {
    /// Documents scored.
    pub documents: u64,
    /// Pairs inside predicted clusters.
    pub predicted_pairs: u64,
    /// Pairs inside true clusters.
    pub true_pairs: u64,
    /// Pairs inside both.
    pub true_positive_pairs: u64,
    /// true_positive / predicted (1 when nothing was predicted).
    pub precision: f64,
    /// true_positive / true (1 when nothing is true).
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
    /// Adjusted Rand index of the two partitions (singletons included).
    pub adjusted_rand_index: f64,
}

fn pairs(n: u64) -> u64 {
    n * n.saturating_sub(1) / 2
}

/// Scores predicted clusters (`predicted[d]`: cluster of document `d`, or
/// `None` for a singleton) against true labels (same convention).
pub fn score(predicted: &[Option<u32>], truth: &[Option<u32>]) -> Metrics {
    assert_eq!(predicted.len(), truth.len());
    let n = predicted.len() as u64;
    // Singletons get unique keys past every real cluster id.
    let key = |c: Option<u32>, d: usize| c.map_or(u64::from(u32::MAX) + 1 + d as u64, u64::from);
    let mut cell: HashMap<(u64, u64), u64> = HashMap::new();
    let mut row: HashMap<u64, u64> = HashMap::new();
    let mut col: HashMap<u64, u64> = HashMap::new();
    for d in 0..predicted.len() {
        let (p, t) = (key(predicted[d], d), key(truth[d], d));
        *cell.entry((p, t)).or_default() += 1;
        *row.entry(p).or_default() += 1;
        *col.entry(t).or_default() += 1;
    }
    let tp: u64 = cell.values().map(|&c| pairs(c)).sum();
    let pp: u64 = row.values().map(|&c| pairs(c)).sum();
    let tt: u64 = col.values().map(|&c| pairs(c)).sum();
    let precision = if pp == 0 { 1.0 } else { tp as f64 / pp as f64 };
    let recall = if tt == 0 { 1.0 } else { tp as f64 / tt as f64 };
    let f1 = if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    let all = pairs(n) as f64;
    let expected = if all == 0.0 {
        0.0
    } else {
        pp as f64 * tt as f64 / all
    };
    let max = 0.5 * (pp + tt) as f64;
    let adjusted_rand_index = if (max - expected).abs() < f64::EPSILON {
        1.0
    } else {
        (tp as f64 - expected) / (max - expected)
    };
    Metrics {
        documents: n,
        predicted_pairs: pp,
        true_pairs: tt,
        true_positive_pairs: tp,
        precision,
        recall,
        f1,
        adjusted_rand_index,
    }
}

/// Turns string labels into dense ids, in order of first appearance.
pub fn dense_labels<'a>(labels: impl IntoIterator<Item = Option<&'a str>>) -> Vec<Option<u32>> {
    let mut ids: HashMap<&str, u32> = HashMap::new();
    labels
        .into_iter()
        .map(|l| {
            l.map(|s| {
                let next = ids.len() as u32;
                *ids.entry(s).or_insert(next)
            })
        })
        .collect()
}

/// The result of [`evaluate`]: what `reprint eval` prints.
///
/// Fields are in the order of the documented output; [`Evaluation::write_json`]
/// writes them with the keys of every object sorted, as `reprint eval --json`
/// always has.
#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    /// The scan's parameters (the report's `params`).
    pub params: Params,
    /// Agreement of the scan's clusters with the labels.
    pub metrics: Metrics,
    /// Wall time of the scan, in milliseconds.
    pub elapsed_ms: u64,
    /// Recall against exact all-pairs Jaccard, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exact: Option<ExactRecall>,
    /// Scores of the reuse links against labelled pairs, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reuse: Option<reuse::ReuseScore>,
}

/// Labelled derivations to score reuse links against: a pairs file and,
/// optionally, word-level spans ([`reuse`]).
#[derive(Debug, Clone, Copy)]
pub struct ReuseLabels<'p> {
    /// Tab-separated story, source, label.
    pub pairs: &'p Path,
    /// JSON Lines spans of verbatim, rewritten and new text.
    pub spans: Option<&'p Path>,
}

/// How much of the exact answer the scan found, and whether what it
/// reported holds up.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ExactRecall {
    /// The Jaccard threshold of the exact pairs (the scan's threshold).
    pub threshold: f64,
    /// Pairs of documents whose exact shingle-set Jaccard is at least `threshold`.
    pub exact_pairs: u64,
    /// Of those, the pairs the scan put in the same cluster.
    pub found_in_same_cluster: u64,
    /// `found_in_same_cluster / exact_pairs` (1 when there are no exact pairs).
    pub recall: f64,
    /// Pairs the report lists inside its document clusters.
    pub reported_pairs: u64,
    /// Reported pairs that meet neither the Jaccard nor the containment rule
    /// when scored exactly (0 unless the engine has a bug).
    pub reported_pairs_below_rule: u64,
}

/// Scans `cfg.paths` (normally just the `labels` file) and scores the
/// clusters against the `label_field` of each record in `labels`; with
/// `exact`, also computes every pair above the threshold without
/// approximation ([`crate::exact::all_pairs`]) and the scan's recall of them;
/// with `reuse`, scores the reuse links against those labels.
pub fn evaluate(
    cfg: &Config,
    labels: &Path,
    label_field: &str,
    exact: bool,
    reuse: Option<ReuseLabels>,
) -> Result<Evaluation> {
    let labels = read_labels(labels, &cfg.input, label_field)?;
    let outcome = scan(cfg, ScanOptions::default())?;
    let mut predicted = vec![None; outcome.docs.len()];
    for (ci, members) in outcome.clusters.iter().enumerate() {
        for &d in members {
            predicted[d as usize] = Some(ci as u32);
        }
    }
    let truth = dense_labels(
        outcome
            .docs
            .iter()
            .map(|d| labels.get(&d.id).and_then(|l| l.as_deref())),
    );
    let metrics = score(&predicted, &truth);
    Ok(Evaluation {
        params: outcome.report.params.clone(),
        metrics,
        elapsed_ms: outcome.report.stats.elapsed_ms,
        exact: exact.then(|| exact_recall(cfg, &outcome, &predicted)),
        reuse: match reuse {
            Some(r) => Some(reuse::score_reuse(cfg, &outcome, r.pairs, r.spans)?),
            None => None,
        },
    })
}

/// Exact all-pairs recall of the scan, and an independent re-check of every
/// reported pair against the rule.
fn exact_recall(cfg: &Config, outcome: &ScanOutcome, predicted: &[Option<u32>]) -> ExactRecall {
    let t = cfg.matching.threshold;
    let k = cfg.matching.shingle_size;
    let docs = &outcome.docs;
    let origins: Vec<_> = docs.iter().map(|d| d.origin).collect();
    let sets: Vec<Vec<u64>> = outcome
        .corpus
        .texts(
            &cfg.input,
            &origins,
            ShingleScratch::default,
            |s, _, text| shingle_set(text, k, s),
        )
        .into_iter()
        .map(Result::unwrap_or_default)
        .collect();
    let exact = crate::exact::all_pairs(&sets, t);
    let found = exact
        .iter()
        .filter(|e| {
            predicted[e.a as usize].is_some() && predicted[e.a as usize] == predicted[e.b as usize]
        })
        .count();
    let recall = if exact.is_empty() {
        1.0
    } else {
        found as f64 / exact.len() as f64
    };
    let index: HashMap<&str, usize> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.as_str(), i))
        .collect();
    let containment = outcome.report.params.containment;
    let mut reported = 0u64;
    let mut below_rule = 0u64;
    for c in &outcome.report.document_clusters {
        for pair in &c.pairs {
            reported += 1;
            let (a, b) = (&sets[index[pair.a.as_str()]], &sets[index[pair.b.as_str()]]);
            let s = crate::verify::scores(a, b);
            if !(s.jaccard >= t || containment.is_some_and(|c| s.containment >= c)) {
                below_rule += 1;
            }
        }
    }
    ExactRecall {
        threshold: t,
        exact_pairs: exact.len() as u64,
        found_in_same_cluster: found as u64,
        recall,
        reported_pairs: reported,
        reported_pairs_below_rule: below_rule,
    }
}

impl Evaluation {
    /// Writes the evaluation as one pretty-printed JSON object and a newline,
    /// keys sorted at every level (the schema of `reprint eval --json`).
    pub fn write_json(&self, out: &mut dyn Write) -> Result<()> {
        // Through a `Value`, whose maps are sorted: the order the output has always had.
        serde_json::to_writer_pretty(&mut *out, &serde_json::to_value(self)?)?;
        writeln!(out).map_err(write_error)
    }

    /// Writes the evaluation as two or three lines of text.
    pub fn write_text(&self, out: &mut dyn Write) -> Result<()> {
        let (p, m) = (&self.params, &self.metrics);
        writeln!(
            out,
            "params: k={} num_perm={} threshold={} containment={} lsh_threshold={} bands={} rows={}",
            p.shingle_size,
            p.num_perm,
            p.threshold,
            p.containment.map_or("off".into(), |c| c.to_string()),
            p.lsh_threshold,
            p.bands,
            p.rows
        )
        .map_err(write_error)?;
        writeln!(
            out,
            "documents {}  true pairs {}  predicted pairs {}  precision {:.4}  recall {:.4}  F1 {:.4}  ARI {:.4}  ({} ms)",
            m.documents,
            m.true_pairs,
            m.predicted_pairs,
            m.precision,
            m.recall,
            m.f1,
            m.adjusted_rand_index,
            self.elapsed_ms
        )
        .map_err(write_error)?;
        if let Some(x) = &self.exact {
            // The threshold as JSON writes it (`1.0`, not `1`), as this line always has.
            writeln!(
                out,
                "exact: {} pairs with Jaccard >= {}; {} in the same cluster (recall {:.4}); {} reported pairs, {} below the rule",
                x.exact_pairs,
                Value::from(x.threshold),
                x.found_in_same_cluster,
                x.recall,
                x.reported_pairs,
                x.reported_pairs_below_rule
            )
            .map_err(write_error)?;
        }
        if let Some(r) = &self.reuse {
            write_reuse(r, out)?;
        }
        Ok(())
    }
}

/// The reuse lines of `reprint eval`'s text output.
fn write_reuse(r: &reuse::ReuseScore, out: &mut dyn Write) -> Result<()> {
    let mut line = format!("reuse: {} labelled stories", r.stories);
    for l in &r.labels {
        line += &format!(
            "; {} {}/{} linked ({:.1}%)",
            l.label,
            l.linked,
            l.stories,
            100.0 * l.linked_share
        );
    }
    writeln!(out, "{line}").map_err(write_error)?;
    writeln!(
        out,
        "reuse: false-link rate {:.1}%  derived-vs-not macro-F1 {:.4}  three-class macro-F1 {:.4}  source named right {:.1}% of {} linked pairs  {} links, {} unlabelled  ({} ids not in the scan)",
        100.0 * r.false_link_rate,
        r.derived_macro_f1,
        r.three_class_macro_f1,
        100.0 * r.direction_accuracy,
        r.linked_pairs,
        r.links,
        r.unlabelled_links,
        r.missing_ids
    )
    .map_err(write_error)?;
    if let Some(s) = &r.spans {
        for (what, c) in [("all", &s.all), ("linked", &s.linked)] {
            writeln!(
                out,
                "reuse passages, {what} {} span-labelled stories: verbatim words covered {:.1}%  rewritten {:.1}%  new {:.1}%",
                c.stories,
                100.0 * c.verbatim_share,
                100.0 * c.rewrite_share,
                100.0 * c.new_share,
            )
            .map_err(write_error)?;
        }
        if s.unmatched_words > 0 {
            writeln!(
                out,
                "reuse passages: {} span words not found in the texts (not covered)",
                s.unmatched_words
            )
            .map_err(write_error)?;
        }
    }
    Ok(())
}

fn write_error(e: std::io::Error) -> Error {
    Error::io("<output>", e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_agreement() {
        let p = [Some(0), Some(0), None, Some(1), Some(1)];
        let m = score(&p, &p);
        assert_eq!((m.precision, m.recall, m.f1), (1.0, 1.0, 1.0));
        assert!((m.adjusted_rand_index - 1.0).abs() < 1e-12);
        assert_eq!(m.true_pairs, 2);
    }

    #[test]
    fn known_counts() {
        // Truth: {0,1,2} {3,4}; predicted: {0,1} {2,3,4}.
        let t = [Some(0), Some(0), Some(0), Some(1), Some(1)];
        let p = [Some(0), Some(0), Some(1), Some(1), Some(1)];
        let m = score(&p, &t);
        assert_eq!(
            (m.true_pairs, m.predicted_pairs, m.true_positive_pairs),
            (4, 4, 2)
        );
        assert!((m.precision - 0.5).abs() < 1e-12);
        assert!((m.recall - 0.5).abs() < 1e-12);
        // ARI by hand: expected = 4·4/10 = 1.6, max = 4 → (2 − 1.6)/(4 − 1.6).
        assert!((m.adjusted_rand_index - 0.4 / 2.4).abs() < 1e-12);
    }

    #[test]
    fn nothing_predicted() {
        let t = [Some(0), Some(0), None];
        let p = [None, None, None];
        let m = score(&p, &t);
        assert_eq!(m.precision, 1.0);
        assert_eq!(m.recall, 0.0);
        assert_eq!(m.f1, 0.0);
    }

    #[test]
    fn dense_ids() {
        assert_eq!(
            dense_labels([Some("b"), None, Some("a"), Some("b")]),
            vec![Some(0), None, Some(1), Some(0)]
        );
    }
}
