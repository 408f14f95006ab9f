//! The reuse stage: candidate pairs from the first pass's fingerprints,
//! aligned a wave at a time, directed and graded ([`crate::reuse`] holds
//! the pure parts).
//!
//! Memory: the fingerprints (8 bytes per posting), the candidate pairs,
//! and the texts and word positions of one wave of at most [`WAVE_DOCS`]
//! documents. A document in the pairs of several waves is read once per
//! wave.

use rayon::prelude::*;

use crate::config::Config;
use crate::input::{Corpus, Issue};
use crate::normalize::WordScratch;
use crate::report::{round4, ReuseLink, ReusePassage};
use crate::reuse::{self, align_pair, decide, Grade, Tokens};
use crate::spill::{spill_issue, Spill};

use super::first_pass::FirstPass;
use super::matching::pair_filter;

/// Most documents whose texts are held at once.
pub const WAVE_DOCS: usize = 2048;

/// Characters of a passage's excerpt.
const EXCERPT_CHARS: usize = 160;

/// A link by document index, with the derived document's passages as word
/// ranges (for evaluation against word-level labels).
#[derive(Debug, Clone, PartialEq)]
pub struct ReuseEdge {
    /// The derived document.
    pub doc: u32,
    /// The source.
    pub source: u32,
    /// The grade.
    pub grade: Grade,
    /// Word ranges (start, end exclusive) of the derived document inside passages.
    pub doc_words: Vec<(u32, u32)>,
    /// The same passages' word ranges in the source.
    pub source_words: Vec<(u32, u32)>,
}

/// What the stage found.
#[derive(Default)]
pub(crate) struct Reuse {
    pub links: Vec<ReuseLink>,
    pub edges: Vec<ReuseEdge>,
    pub candidate_pairs: u64,
}

/// Runs the stage over the first pass. `group[d]` is the document `d`
/// takes part as (its document cluster's first); a link needs a visible
/// document.
pub(crate) fn reuse_stage(
    first: &mut FirstPass,
    corpus: &Corpus,
    cfg: &Config,
    group: &[u32],
    visible: &(dyn Fn(u32) -> bool + Sync),
    issues: &mut Vec<Issue>,
) -> Reuse {
    let rc = &cfg.reuse;
    // Each bucket pruned as it is read back: most keys are held by one
    // document, and only the others are kept for counting.
    let grams = std::mem::replace(&mut first.grams, Spill::new(0, false));
    let keys = std::mem::take(&mut first.gram_counts);
    let pruned: Vec<std::io::Result<reuse::Pruned>> = (0..grams.parts())
        .into_par_iter()
        .map(|b| Ok(reuse::prune(grams.part(b)?, group, rc.max_df)))
        .collect();
    drop(grams);
    let mut unread = None;
    let pruned = pruned
        .into_iter()
        .filter_map(|b| b.map_err(|e| unread = Some(e)).ok())
        .collect();
    if let Some(e) = unread {
        issues.push(spill_issue("reuse fingerprints", "reuse links", &e));
    }
    let docs = &first.docs;
    let filter = pair_filter(docs, &cfg.matching);
    let (pairs, _) = reuse::pairs_of_pruned(pruned, &keys, rc.min_shared, |a, b| {
        (visible(a) || visible(b)) && filter(a, b)
    });
    let spec = rc.align_spec();
    let mut found: Vec<(ReuseLink, ReuseEdge)> = Vec::new();
    let mut start = 0;
    while start < pairs.len() {
        // The next wave: pairs in order until WAVE_DOCS documents are needed.
        let mut wave_docs: Vec<u32> = Vec::new();
        let mut end = start;
        while end < pairs.len() && wave_docs.len() < WAVE_DOCS {
            wave_docs.extend([pairs[end].0, pairs[end].1]);
            end += 1;
        }
        wave_docs.sort_unstable();
        wave_docs.dedup();
        let origins: Vec<_> = wave_docs.iter().map(|&d| docs[d as usize].origin).collect();
        let read = corpus.texts(&cfg.input, &origins, WordScratch::default, |s, _, text| {
            let tokens = Tokens::of(text, s);
            (text.to_string(), tokens)
        });
        let mut texts: Vec<Option<(String, Tokens)>> = Vec::with_capacity(read.len());
        for (r, &origin) in read.into_iter().zip(&origins) {
            match r {
                Ok(t) => texts.push(Some(t)),
                Err(msg) => {
                    issues.push(corpus.reread_issue(origin, msg));
                    texts.push(None);
                }
            }
        }
        let at = |d: u32| {
            let i = wave_docs
                .binary_search(&d)
                .expect("wave holds its documents");
            texts[i].as_ref()
        };
        let linked: Vec<(ReuseLink, ReuseEdge)> = pairs[start..end]
            .par_iter()
            .filter_map(|&(a, b)| {
                let ((ta, wa), (tb, wb)) = (at(a)?, at(b)?);
                let al = align_pair(&wa.words, &wb.words, spec);
                if al.passages.is_empty() {
                    return None;
                }
                let date = |d: u32| docs[d as usize].meta.as_deref()?.date.as_deref();
                let dec = decide(&al, date(a), date(b), rc)?;
                Some(link((a, ta, wa), (b, tb, wb), &al, dec, corpus, docs))
            })
            .collect();
        found.extend(linked);
        start = end;
    }
    found.sort_by(|x, y| {
        (&x.0.doc, &x.0.source, x.1.doc, x.1.source).cmp(&(
            &y.0.doc,
            &y.0.source,
            y.1.doc,
            y.1.source,
        ))
    });
    let (links, edges) = found.into_iter().unzip();
    Reuse {
        links,
        edges,
        candidate_pairs: pairs.len() as u64,
    }
}

/// The report's link for an aligned pair, `a` first in the input.
fn link(
    a: (u32, &String, &Tokens),
    b: (u32, &String, &Tokens),
    al: &reuse::Aligned,
    dec: reuse::Decision,
    corpus: &Corpus,
    docs: &[super::DocInfo],
) -> (ReuseLink, ReuseEdge) {
    // Passages hold `a` as the text side.
    let (doc, source) = if dec.a_derived { (a, b) } else { (b, a) };
    let (coverage, source_coverage) = if dec.a_derived {
        (al.a_coverage, al.b_coverage)
    } else {
        (al.b_coverage, al.a_coverage)
    };
    let mut passages: Vec<ReusePassage> = Vec::with_capacity(al.passages.len());
    let mut doc_words = Vec::with_capacity(al.passages.len());
    let mut source_words = Vec::with_capacity(al.passages.len());
    for p in &al.passages {
        let (ds, de, ss, se) = if dec.a_derived {
            (p.text_start, p.text_end, p.source_start, p.source_end)
        } else {
            (p.source_start, p.source_end, p.text_start, p.text_end)
        };
        doc_words.push((ds, de));
        source_words.push((ss, se));
        passages.push(ReusePassage {
            doc_lines: doc.2.line_range(ds, de),
            source_lines: source.2.line_range(ss, se),
            words: de - ds,
            source_words: se - ss,
            similarity: round4(p.similarity()),
            excerpt: doc.2.excerpt(doc.1, ds, de, EXCERPT_CHARS),
        });
    }
    passages.sort_by_key(|p| (p.doc_lines, p.source_lines));
    doc_words.sort_unstable();
    source_words.sort_unstable();
    let place = |d: u32| corpus.place(docs[d as usize].origin);
    let ((path, line), (source_path, source_line)) = (place(doc.0), place(source.0));
    let seen = |d: u32| {
        corpus
            .first_seen(docs[d as usize].origin)
            .map(str::to_string)
    };
    (
        ReuseLink {
            doc: docs[doc.0 as usize].id.clone(),
            path: path.to_string(),
            line,
            first_seen: seen(doc.0),
            source: docs[source.0 as usize].id.clone(),
            source_path: source_path.to_string(),
            source_line,
            source_first_seen: seen(source.0),
            grade: dec.grade,
            coverage: round4(coverage),
            source_coverage: round4(source_coverage),
            direction_rule: dec.rule,
            passages,
        },
        ReuseEdge {
            doc: doc.0,
            source: source.0,
            grade: dec.grade,
            doc_words,
            source_words,
        },
    )
}
