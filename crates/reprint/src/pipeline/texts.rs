//! The texts of a report's findings, read again for the HTML report's
//! side-by-side views, within the page's text budget.

use std::collections::HashMap;

use crate::config::InputConfig;
use crate::error::Result;
use crate::input::Origin;
use crate::report::html::{DocText, MAX_MEMBERS, TEXT_BUDGET_BYTES};

use super::ScanOutcome;

/// The texts of the documents in a report's findings (document clusters,
/// paragraph clusters, doubled documents, and both documents of each reuse
/// link), read again, each cut at `max_bytes`, in report order until the
/// page's text budget is spent. A document that cannot be read again is
/// left out.
pub fn finding_texts(
    outcome: &ScanOutcome,
    input: &InputConfig,
    max_bytes: usize,
) -> Result<Vec<DocText>> {
    let corpus = &outcome.corpus;
    let index: HashMap<(&str, u64), u32> = outcome
        .docs
        .iter()
        .enumerate()
        .map(|(i, d)| (corpus.place(d.origin), i as u32))
        .collect();
    let r = &outcome.report;
    let mut ordered: Vec<u32> = outcome.clusters.iter().flatten().copied().collect();
    let mut at = |path: &str, line: u64| ordered.extend(index.get(&(path, line)));
    for c in r.paragraph_clusters.iter() {
        for m in c?.members.iter().take(MAX_MEMBERS) {
            at(&m.path, m.line);
        }
    }
    for d in &r.doubled_documents {
        at(&d.path, d.line);
    }
    for l in r.reuse.iter() {
        let l = l?;
        at(&l.path, l.line);
        at(&l.source_path, l.source_line);
    }
    let mut seen = vec![false; outcome.docs.len()];
    let mut budget = TEXT_BUDGET_BYTES;
    let mut wanted: Vec<u32> = Vec::new();
    for d in ordered {
        if std::mem::replace(&mut seen[d as usize], true) {
            continue;
        }
        let bytes = (outcome.docs[d as usize].bytes as usize).min(max_bytes);
        if bytes > budget {
            break;
        }
        budget -= bytes;
        wanted.push(d);
    }
    let origins: Vec<Origin> = wanted
        .iter()
        .map(|&d| outcome.docs[d as usize].origin)
        .collect();
    let texts = corpus.texts(
        input,
        &origins,
        || (),
        |_, _, text| {
            let mut end = text.len().min(max_bytes);
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text[..end].to_string()
        },
    );
    Ok(wanted
        .iter()
        .zip(texts)
        .filter_map(|(&d, t)| {
            let (path, line) = corpus.place(outcome.docs[d as usize].origin);
            t.ok().map(|text| DocText {
                path: path.to_string(),
                line,
                text,
            })
        })
        .collect())
}
