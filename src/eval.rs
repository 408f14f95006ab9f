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

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use crate::config::InputConfig;
use crate::error::{Error, Result};
use crate::input::display_name;

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
