//! The reuse stage: candidate pairs from the first pass's fingerprints,
//! aligned a wave at a time, directed and graded ([`crate::reuse`] holds
//! the pure parts).
//!
//! Memory: the fingerprints (8 bytes per posting), the candidate pairs,
//! and the texts and word positions of one wave of at most [`WAVE_DOCS`]
//! documents. Pairs connected through shared documents are aligned in
//! one wave where they fit ([`waves`]), so a document is read once unless
//! its component of the pair graph is larger than a wave.

use rayon::prelude::*;

use crate::cluster::UnionFind;
use crate::config::Config;
use crate::input::{Corpus, Issue};
use crate::normalize::WordScratch;
use crate::report::{round4, List, ListBuilder, ReuseLink, ReusePassage};
use crate::reuse::{self, align_pair, decide, Grade, Tokens};
use crate::spill::{spill_issue, Spill};

use super::first_pass::FirstPass;
use super::matching::pair_filter;

/// Most documents whose texts are held at once (a wave).
pub const WAVE_DOCS: usize = 1024;

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
    pub links: List<ReuseLink>,
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
    (group, id_rank): (&[u32], &[u32]),
    visible: &(dyn Fn(u32) -> bool + Sync),
    findings_budget: usize,
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
    // The buckets read back were freed among the pruned ones: hand the
    // holes back before pairs are counted.
    super::release_free_memory();
    let docs = &first.docs;
    let filter = pair_filter(docs, &cfg.matching);
    let (pairs, _) = reuse::pairs_of_pruned(pruned, &keys, rc.min_shared, |a, b| {
        (visible(a) || visible(b)) && filter(a, b)
    });
    super::release_free_memory();
    let spec = rc.align_spec();
    // Report order: by derived document id, then source id.
    let key = |e: &ReuseEdge| {
        (
            id_rank[e.doc as usize],
            id_rank[e.source as usize],
            e.doc,
            e.source,
        )
    };
    let mut links = ListBuilder::new(findings_budget, true);
    let mut edges = Vec::new();
    let (pairs, bounds) = waves(&pairs, docs.len(), WAVE_DOCS);
    for wave in bounds.windows(2) {
        let wave_pairs = &pairs[wave[0]..wave[1]];
        let mut wave_docs: Vec<u32> = wave_pairs.iter().flat_map(|&(a, b)| [a, b]).collect();
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
        let linked: Vec<(ReuseLink, ReuseEdge)> = wave_pairs
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
        for (link, edge) in linked {
            let k = key(&edge);
            links.push(k, link);
            edges.push((k, edge));
        }
    }
    edges.sort_by_key(|x| x.0);
    Reuse {
        links: links.finish(),
        edges: edges.into_iter().map(|(_, e)| e).collect(),
        candidate_pairs: pairs.len() as u64,
    }
}

/// The pairs in the order they are aligned, and where each wave of them
/// begins (ending with `pairs.len()`): a wave needs at most `max_docs`
/// documents' texts. Pairs that share documents, directly or through
/// others (a connected component of the pair graph), go in one wave when
/// they fit, so that a document is read once rather than once for every
/// wave that has a pair of it; components are taken in order of their
/// first document, and a component too large for a wave is split where
/// it fills one.
fn waves(pairs: &[(u32, u32)], docs: usize, max_docs: usize) -> (Vec<(u32, u32)>, Vec<usize>) {
    let mut joined = UnionFind::new(docs);
    for &(a, b) in pairs {
        joined.union(a, b);
    }
    // Per component (by its root): its first document and its size.
    let mut first = vec![u32::MAX; docs];
    let mut size = vec![0u32; docs];
    let mut counted = vec![false; docs];
    for &d in pairs.iter().flat_map(|(a, b)| [a, b]) {
        let root = joined.find(d) as usize;
        first[root] = first[root].min(d);
        if !std::mem::replace(&mut counted[d as usize], true) {
            size[root] += 1;
        }
    }
    drop(counted);
    let mut keyed: Vec<(u32, u32, u32)> = pairs
        .iter()
        .map(|&(a, b)| (first[joined.find(a) as usize], a, b))
        .collect();
    keyed.sort_unstable();
    // Ends the wave being filled (if any) before the pair at `at`.
    let close = |wave: &mut Vec<u32>, in_wave: &mut [bool], bounds: &mut Vec<usize>, at| {
        if !wave.is_empty() {
            bounds.push(at);
            wave.drain(..).for_each(|d| in_wave[d as usize] = false);
        }
    };
    let mut in_wave = vec![false; docs];
    let mut wave: Vec<u32> = Vec::new();
    let mut bounds = vec![0];
    let mut order = Vec::with_capacity(pairs.len());
    for component in keyed.chunk_by(|x, y| x.0 == y.0) {
        let root = joined.find(component[0].0) as usize;
        if wave.len() + size[root] as usize > max_docs {
            close(&mut wave, &mut in_wave, &mut bounds, order.len());
        }
        for &(_, a, b) in component {
            let new = [a, b].iter().filter(|&&d| !in_wave[d as usize]).count();
            if wave.len() + new > max_docs {
                close(&mut wave, &mut in_wave, &mut bounds, order.len());
            }
            for d in [a, b] {
                if !std::mem::replace(&mut in_wave[d as usize], true) {
                    wave.push(d);
                }
            }
            order.push((a, b));
        }
    }
    if !wave.is_empty() {
        bounds.push(order.len());
    }
    (order, bounds)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks the waves of `pairs`: every pair once, no wave over
    /// `max_docs` documents; returns how many times each document is read.
    fn reads(pairs: &[(u32, u32)], docs: usize, max_docs: usize) -> Vec<u32> {
        let (order, bounds) = waves(pairs, docs, max_docs);
        let mut sorted = order.clone();
        sorted.sort_unstable();
        let mut expected = pairs.to_vec();
        expected.sort_unstable();
        assert_eq!(sorted, expected, "every pair once");
        assert_eq!((bounds[0], *bounds.last().unwrap()), (0, order.len()));
        let mut reads = vec![0; docs];
        for w in bounds.windows(2) {
            assert!(w[0] < w[1], "no empty wave");
            let mut in_wave: Vec<u32> = order[w[0]..w[1]]
                .iter()
                .flat_map(|&(a, b)| [a, b])
                .collect();
            in_wave.sort_unstable();
            in_wave.dedup();
            assert!(in_wave.len() <= max_docs, "{} documents", in_wave.len());
            in_wave.iter().for_each(|&d| reads[d as usize] += 1);
        }
        reads
    }

    #[test]
    fn pairs_that_share_documents_are_read_in_one_wave() {
        // Stars of 5 documents, their centres far apart in document order,
        // interleaved so that pair order alone would scatter them.
        let (stars, docs) = (60u32, 300usize);
        let mut pairs: Vec<(u32, u32)> = (0..stars)
            .flat_map(|c| (1..5).map(move |k| (c, stars * k + c)))
            .collect();
        pairs.sort_unstable();
        let r = reads(&pairs, docs, 12);
        assert!(r.iter().all(|&n| n == 1), "each document read once: {r:?}");
        assert_eq!(waves(&pairs, docs, 12).1.len() - 1, 30, "two stars a wave");
    }

    #[test]
    fn a_component_larger_than_a_wave_is_split() {
        // A chain of 50 documents with 10 a wave, and a lone pair.
        let mut pairs: Vec<(u32, u32)> = (0..49).map(|d| (d, d + 1)).collect();
        pairs.push((60, 61));
        let r = reads(&pairs, 70, 10);
        assert!(r[..50].iter().all(|&n| (1..=2).contains(&n)));
        assert_eq!(r[60], 1);
        assert!(reads(&[], 5, 10).iter().all(|&n| n == 0));
        assert_eq!(waves(&[(0, 1)], 2, 2).1, vec![0, 1]);
    }
}
