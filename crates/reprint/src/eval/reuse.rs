//! Scoring reuse links against labelled derivations, at story level and,
//! where word-level spans are labelled, at passage level.
//!
//! In: a scan's outcome; a pairs file (tab-separated `story`, `source`,
//! `label`, one header line allowed), where the label says how the story
//! derives from that source: `wholly`, `partially` or `non` (`_derived`
//! suffixes, as METER writes them, are accepted); optionally a spans file
//! (JSON Lines `{"id", "spans": [{"type": "verbatim"|"rewrite"|"new",
//! "text"}]}`, the story's text in order).
//!
//! A story is **linked** when a reuse link joins it to at least one of its
//! labelled sources (in either direction), or a document cluster holds both
//! (a copy counts as `wholly`). Its predicted class is the best grade of
//! those links, `non` without one. Scores: recall per label, the false-link
//! rate (linked share of the `non` stories), the macro-F1 of derived
//! (wholly or partially) against not, the macro-F1 over the three classes,
//! and how often the link's source is the labelled source.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::normalize::{for_each_word, WordScratch};
use crate::pipeline::ScanOutcome;
use crate::reuse::{Grade, Tokens};

/// How a story derives from a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Class {
    Wholly,
    Partially,
    Non,
}

impl Class {
    const ALL: [Class; 3] = [Class::Wholly, Class::Partially, Class::Non];

    fn parse(s: &str) -> Option<Class> {
        match s.trim().trim_end_matches("_derived") {
            "wholly" => Some(Class::Wholly),
            "partially" => Some(Class::Partially),
            "non" | "none" | "not" => Some(Class::Non),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Class::Wholly => "wholly",
            Class::Partially => "partially",
            Class::Non => "non",
        }
    }
}

/// Recall of one label.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabelScore {
    /// `wholly`, `partially` or `non`.
    pub label: &'static str,
    /// Stories with this label.
    pub stories: u64,
    /// Of those, linked to a labelled source.
    pub linked: u64,
    /// Of those, predicted `wholly` / `partially`.
    pub predicted_wholly: u64,
    /// See `predicted_wholly`.
    pub predicted_partially: u64,
    /// `linked / stories` (for `non`: the false-link rate).
    pub linked_share: f64,
    /// F1 of this class in the three-class prediction.
    pub f1: f64,
}

/// Words of each labelled kind, and those inside aligned passages.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SpanCoverage {
    /// Stories counted.
    pub stories: u64,
    /// Words copied word for word from the source.
    pub verbatim_words: u64,
    /// Of those, inside passages.
    pub verbatim_covered: u64,
    /// Words rewritten from the source.
    pub rewrite_words: u64,
    /// Of those, inside passages.
    pub rewrite_covered: u64,
    /// Words written new.
    pub new_words: u64,
    /// Of those, inside passages (wrongly).
    pub new_covered: u64,
    /// `verbatim_covered / verbatim_words`.
    pub verbatim_share: f64,
    /// `rewrite_covered / rewrite_words`.
    pub rewrite_share: f64,
    /// `new_covered / new_words`.
    pub new_share: f64,
}

impl SpanCoverage {
    fn add(&mut self, kind: u8, covered: bool) {
        let (total, hit) = match kind {
            0 => (&mut self.verbatim_words, &mut self.verbatim_covered),
            1 => (&mut self.rewrite_words, &mut self.rewrite_covered),
            _ => (&mut self.new_words, &mut self.new_covered),
        };
        *total += 1;
        *hit += u64::from(covered);
    }

    fn finish(&mut self) {
        let share = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        self.verbatim_share = share(self.verbatim_covered, self.verbatim_words);
        self.rewrite_share = share(self.rewrite_covered, self.rewrite_words);
        self.new_share = share(self.new_covered, self.new_words);
    }
}

/// Passage-level coverage of labelled word spans, over the labelled
/// stories that have spans.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpanScore {
    /// Span words that did not line up with the story's text (after
    /// resynchronising within a few words); they count as not covered.
    pub unmatched_words: u64,
    /// Every story with spans (an unlinked story has nothing covered).
    pub all: SpanCoverage,
    /// The stories linked to a labelled source: how well the passages of a
    /// link cover what was taken.
    pub linked: SpanCoverage,
}

/// Story-level (and optionally passage-level) scores of the reuse links.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReuseScore {
    /// Labelled stories found in the scan.
    pub stories: u64,
    /// Stories or sources of the pairs file not in the scan.
    pub missing_ids: u64,
    /// Recall (and F1) per label, `wholly`, `partially`, `non`.
    pub labels: Vec<LabelScore>,
    /// Linked share of the `non` stories.
    pub false_link_rate: f64,
    /// Mean of the F1 of "derived" and of "not derived".
    pub derived_macro_f1: f64,
    /// Mean F1 over wholly, partially and non.
    pub three_class_macro_f1: f64,
    /// Labelled (story, source) pairs joined by a reuse link.
    pub linked_pairs: u64,
    /// Of those, the share whose link names the labelled source as the source.
    pub direction_accuracy: f64,
    /// Reuse links in the report.
    pub links: u64,
    /// Links between two documents that no labelled pair joins.
    pub unlabelled_links: u64,
    /// Passage-level scores, when spans were given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spans: Option<SpanScore>,
}

/// Labelled pairs: story → (source, class), with the file's lines for errors.
fn read_pairs(path: &Path) -> Result<Vec<(String, String, Class)>> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut out = Vec::new();
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| Error::io(path, e))?;
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        let bad = |message: String| Error::Labels {
            path: path.to_path_buf(),
            line: i as u64 + 1,
            message,
        };
        if f.len() < 3 {
            return Err(bad(
                "expected three tab-separated fields: story id, source id, label".into(),
            ));
        }
        match Class::parse(f[2]) {
            Some(c) => out.push((f[0].to_string(), f[1].to_string(), c)),
            None if i == 0 => continue, // a header
            None => {
                return Err(bad(format!(
                    "label `{}` is not wholly, partially or non (optionally with _derived)",
                    f[2]
                )))
            }
        }
    }
    Ok(out)
}

/// A story's labelled spans in order: (type: 0 verbatim, 1 rewrite, 2 new; words).
type Spans = Vec<(u8, Vec<u64>)>;

/// Labelled spans: story id → its spans.
fn read_spans(path: &Path) -> Result<Vec<(String, Spans)>> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut out = Vec::new();
    let mut scratch = WordScratch::default();
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| Error::io(path, e))?;
        if line.trim().is_empty() {
            continue;
        }
        let bad = |message: String| Error::Labels {
            path: path.to_path_buf(),
            line: i as u64 + 1,
            message,
        };
        let v: Value =
            serde_json::from_str(&line).map_err(|e| bad(format!("invalid JSON ({e})")))?;
        let id = v
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("no string field `id`".into()))?;
        let spans = v
            .get("spans")
            .and_then(Value::as_array)
            .ok_or_else(|| bad("no array field `spans`".into()))?;
        let mut parts = Vec::new();
        for s in spans {
            let kind = match s.get("type").and_then(Value::as_str) {
                Some("verbatim") => 0u8,
                Some("rewrite") => 1,
                Some("new") => 2,
                other => {
                    return Err(bad(format!(
                        "span type {other:?} is not verbatim, rewrite or new"
                    )))
                }
            };
            let text = s.get("text").and_then(Value::as_str).unwrap_or("");
            let mut words = Vec::new();
            for_each_word(text, &mut scratch, |h| words.push(h));
            parts.push((kind, words));
        }
        out.push((id.to_string(), parts));
    }
    Ok(out)
}

/// F1 from counts.
fn f1(tp: u64, fp: u64, fn_: u64) -> f64 {
    if tp == 0 {
        return 0.0;
    }
    2.0 * tp as f64 / (2 * tp + fp + fn_) as f64
}

/// Scores `outcome`'s reuse links against the labelled `pairs` (and `spans`).
pub fn score_reuse(
    cfg: &Config,
    outcome: &ScanOutcome,
    pairs: &Path,
    spans: Option<&Path>,
) -> Result<ReuseScore> {
    let labelled = read_pairs(pairs)?;
    let docs = &outcome.docs;
    let index: HashMap<&str, u32> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.as_str(), i as u32))
        .collect();
    // A document takes part as its cluster's first document.
    let mut head: Vec<u32> = (0..docs.len() as u32).collect();
    for c in &outcome.clusters {
        let h = *c.iter().min().expect("clusters are non-empty");
        for &d in c {
            head[d as usize] = h;
        }
    }
    // Links by head pair: (derived, source) → grade.
    let mut links: HashMap<(u32, u32), Grade> = HashMap::new();
    for e in &outcome.reuse {
        links.insert((e.doc, e.source), e.grade);
    }
    let mut stories: HashMap<u32, (Class, Vec<u32>)> = HashMap::new();
    let mut missing = HashSet::new();
    let mut labelled_heads: HashSet<(u32, u32)> = HashSet::new();
    for (story, source, class) in &labelled {
        match (index.get(story.as_str()), index.get(source.as_str())) {
            (Some(&a), Some(&b)) => {
                let e = stories.entry(a).or_insert((*class, Vec::new()));
                e.1.push(b);
                let (ha, hb) = (head[a as usize], head[b as usize]);
                labelled_heads.insert((ha.min(hb), ha.max(hb)));
            }
            (a, b) => {
                if a.is_none() {
                    missing.insert(story.as_str());
                }
                if b.is_none() {
                    missing.insert(source.as_str());
                }
            }
        }
    }
    // Prediction per story, and direction of the labelled links found.
    let mut predicted: HashMap<u32, Class> = HashMap::new();
    let (mut linked_pairs, mut right_way) = (0u64, 0u64);
    for (&a, (_, sources)) in &stories {
        let mut best = Class::Non;
        for &b in sources {
            let (ha, hb) = (head[a as usize], head[b as usize]);
            let found = if ha == hb {
                Some(Class::Wholly)
            } else if let Some(g) = links.get(&(ha, hb)) {
                linked_pairs += 1;
                right_way += 1;
                Some(grade_class(*g))
            } else if let Some(g) = links.get(&(hb, ha)) {
                linked_pairs += 1;
                Some(grade_class(*g))
            } else {
                None
            };
            if let Some(c) = found {
                best = best.min(c);
            }
        }
        predicted.insert(a, best);
    }
    let labels: Vec<LabelScore> = Class::ALL
        .iter()
        .map(|&c| {
            let of: Vec<Class> = stories
                .iter()
                .filter(|(_, (t, _))| *t == c)
                .map(|(a, _)| predicted[a])
                .collect();
            let tp = of.iter().filter(|&&p| p == c).count() as u64;
            let fn_ = of.len() as u64 - tp;
            let fp = stories
                .iter()
                .filter(|(a, (t, _))| *t != c && predicted[*a] == c)
                .count() as u64;
            let linked = of.iter().filter(|&&p| p != Class::Non).count() as u64;
            LabelScore {
                label: c.name(),
                stories: of.len() as u64,
                linked,
                predicted_wholly: of.iter().filter(|&&p| p == Class::Wholly).count() as u64,
                predicted_partially: of.iter().filter(|&&p| p == Class::Partially).count() as u64,
                linked_share: if of.is_empty() {
                    0.0
                } else {
                    linked as f64 / of.len() as f64
                },
                f1: f1(tp, fp, fn_),
            }
        })
        .collect();
    // Derived (wholly or partially) against not.
    let mut binary = [0u64; 4]; // tp, fp, fn, tn for "derived"
    for (a, (t, _)) in &stories {
        let (truth, pred) = (*t != Class::Non, predicted[a] != Class::Non);
        binary[match (truth, pred) {
            (true, true) => 0,
            (false, true) => 1,
            (true, false) => 2,
            (false, false) => 3,
        }] += 1;
    }
    let derived_macro_f1 =
        (f1(binary[0], binary[1], binary[2]) + f1(binary[3], binary[2], binary[1])) / 2.0;
    let unlabelled_links = outcome
        .reuse
        .iter()
        .filter(|e| !labelled_heads.contains(&(e.doc.min(e.source), e.doc.max(e.source))))
        .count() as u64;
    let spans = match spans {
        Some(path) => Some(score_spans(cfg, outcome, path, &index, &head, &stories)?),
        None => None,
    };
    Ok(ReuseScore {
        stories: stories.len() as u64,
        missing_ids: missing.len() as u64,
        false_link_rate: labels[2].linked_share,
        three_class_macro_f1: labels.iter().map(|l| l.f1).sum::<f64>() / 3.0,
        labels,
        derived_macro_f1,
        linked_pairs,
        direction_accuracy: if linked_pairs == 0 {
            0.0
        } else {
            right_way as f64 / linked_pairs as f64
        },
        links: outcome.reuse.len() as u64,
        unlabelled_links,
        spans,
    })
}

fn grade_class(g: Grade) -> Class {
    match g {
        Grade::Wholly => Class::Wholly,
        Grade::Partially => Class::Partially,
    }
}

/// Passage-level scores: for each story with spans, its words inside the
/// passages of the links to its labelled sources.
fn score_spans(
    cfg: &Config,
    outcome: &ScanOutcome,
    path: &Path,
    index: &HashMap<&str, u32>,
    head: &[u32],
    stories: &HashMap<u32, (Class, Vec<u32>)>,
) -> Result<SpanScore> {
    let spans = read_spans(path)?;
    let found: Vec<(u32, Spans)> = spans
        .into_iter()
        .filter_map(|(id, s)| Some((*index.get(id.as_str())?, s)))
        .collect();
    let origins: Vec<_> = found
        .iter()
        .map(|(d, _)| outcome.docs[*d as usize].origin)
        .collect();
    let tokens = outcome
        .corpus
        .texts(&cfg.input, &origins, WordScratch::default, |s, _, text| {
            Tokens::of(text, s).words
        });
    // The links by (derived, source) head pair.
    let links: HashMap<(u32, u32), &crate::pipeline::ReuseEdge> = outcome
        .reuse
        .iter()
        .map(|e| ((e.doc, e.source), e))
        .collect();
    let mut score = SpanScore {
        unmatched_words: 0,
        all: SpanCoverage::default(),
        linked: SpanCoverage::default(),
    };
    for ((d, parts), words) in found.iter().zip(tokens) {
        // Only the stories of the pairs file count.
        let Some((_, sources)) = stories.get(d) else {
            continue;
        };
        let words = words.unwrap_or_default();
        // Which of the story's words lie inside a passage.
        let mut inside = vec![false; words.len()];
        let hd = head[*d as usize];
        let mut linked = false;
        for &b in sources {
            let hb = head[b as usize];
            if hd == hb {
                inside.iter_mut().for_each(|x| *x = true);
                linked = true;
            }
            if hd != *d {
                continue; // the links hold the cluster head's words
            }
            let ranges = match (links.get(&(hd, hb)), links.get(&(hb, hd))) {
                (Some(e), _) => Some(&e.doc_words),
                (None, Some(e)) => Some(&e.source_words),
                (None, None) => None,
            };
            if let Some(ranges) = ranges {
                linked = true;
                for &(s, t) in ranges {
                    for x in &mut inside[s as usize..(t as usize).min(words.len())] {
                        *x = true;
                    }
                }
            }
        }
        // Walk the span words along the text's words, resynchronising
        // within a few words where they differ.
        let mut i = 0usize;
        score.all.stories += 1;
        score.linked.stories += u64::from(linked);
        for (kind, span_words) in parts {
            for &w in span_words {
                let covered = match (i..(i + 6).min(words.len())).find(|&k| words[k] == w) {
                    Some(k) => {
                        i = k + 1;
                        inside[k]
                    }
                    None => {
                        score.unmatched_words += 1;
                        false
                    }
                };
                score.all.add(*kind, covered);
                if linked {
                    score.linked.add(*kind, covered);
                }
            }
        }
    }
    score.all.finish();
    score.linked.finish();
    Ok(score)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_accept_meter_names_and_reject_others() {
        assert_eq!(Class::parse("wholly_derived"), Some(Class::Wholly));
        assert_eq!(Class::parse("partially"), Some(Class::Partially));
        assert_eq!(Class::parse("non_derived"), Some(Class::Non));
        assert_eq!(Class::parse("label"), None);
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("pairs.tsv");
        std::fs::write(&p, "id_a\tid_b\tlabel\na\tb\twholly_derived\nc\td\tmaybe\n").unwrap();
        let err = read_pairs(&p).unwrap_err().to_string();
        assert!(err.contains(":3") && err.contains("maybe"), "{err}");
        std::fs::write(&p, "a\tb\n").unwrap();
        assert!(read_pairs(&p)
            .unwrap_err()
            .to_string()
            .contains("tab-separated"));
    }

    #[test]
    fn f1_of_counts() {
        assert_eq!(f1(0, 3, 3), 0.0);
        assert!((f1(2, 1, 1) - 4.0 / 6.0).abs() < 1e-12);
    }
}
