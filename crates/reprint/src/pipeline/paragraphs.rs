//! The paragraph stage: paragraph units through the same LSH → verify →
//! cluster sequence as documents ([`match_units`]), then each cluster
//! classified (boilerplate, reprinted, within one document) with its
//! excerpts, and document pairs whose paragraphs mostly reappear in each
//! other reported as paragraph reprints.
//!
//! Memory: the first pass kept only each unit's byte span and band keys;
//! the documents holding candidate paragraphs are read again for the sets
//! (as 32-bit fingerprints) and the excerpts: once, unless the sets pass
//! half the set budget, when they are loaded and verified in waves as
//! document sets are ([`Waves`]). The excerpts go to a temporary file
//! ([`Strings`]) as they are made and come back, for the clustered units
//! only, when the clusters are built.

use std::cmp::Reverse;
use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::input::{Corpus, Origin};
use crate::lsh::{self, LshParams};
use crate::paragraph::{self, Unit};
use crate::report::{List, ListBuilder, ParagraphCluster, ParagraphMember, ParagraphReprint};
use crate::shingle::{shingle_set, ShingleScratch};
use crate::spill::{spill_issue, Loc, Spill, Strings};
use crate::verify::Rule;

use super::first_pass::FirstPass;
use super::matching::{match_units, Sets, Waves};
use super::{Budgets, Timer};

/// Characters of a cluster's excerpt.
const EXCERPT_CHARS: usize = 160;
/// Documents read again at a time for paragraph sets and excerpts.
const READ_BATCH_DOCS: usize = 4096;
/// Characters of a member's excerpt.
const MEMBER_EXCERPT_CHARS: usize = 60;
/// Paragraph clusters built at a time.
const CLUSTER_BATCH: usize = 16_384;

/// What the paragraph stage found.
#[derive(Debug, Default)]
pub(crate) struct Paragraphs {
    pub clusters: List<ParagraphCluster>,
    pub reprints: Vec<ParagraphReprint>,
    pub compared: u64,
    /// The findings budget the clusters left.
    pub findings_left: usize,
}

/// Groups unit ids (ascending, so documents come in order) by document.
fn group_by_doc(paras: &[Unit], units: impl Iterator<Item = u32>) -> Vec<(u32, Vec<u32>)> {
    let mut by_doc: Vec<(u32, Vec<u32>)> = Vec::new();
    for u in units {
        let d = paras[u as usize].doc;
        match by_doc.last_mut() {
            Some((x, us)) if *x == d => us.push(u),
            _ => by_doc.push((d, vec![u])),
        }
    }
    by_doc
}

/// The 32-bit fingerprints of a sorted set of 64-bit hashes, still sorted:
/// paragraphs are short, so two distinct shingles of a pair collide with
/// odds of about 10⁻⁶ per pair, and the sets take half the memory.
fn narrow(set: Vec<u64>) -> Vec<u32> {
    let mut out: Vec<u32> = set.iter().map(|&x| (x >> 32) as u32).collect();
    out.dedup();
    out
}

/// Paragraph matching over the first pass's units. `doc_group[d]` is the
/// smallest member of `d`'s document cluster (or `d`); a finding is kept
/// only if one of its documents is `visible`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn paragraph_stage(
    first: &mut FirstPass,
    corpus: &Corpus,
    cfg: &Config,
    p: LshParams,
    doc_group: &[u32],
    visible: &(dyn Fn(u32) -> bool + Sync),
    rule: Rule,
    budgets: Budgets,
    id_rank: &[u32],
    timer: &mut Timer,
) -> Paragraphs {
    let Budgets {
        sets: set_budget,
        findings: findings_budget,
    } = budgets;
    let unread = std::sync::Mutex::new(None);
    // Bands grouped at once: as many as half the set budget holds (all of
    // them on a small corpus, one at a time on a very large one).
    let band_bytes = first.paras.len().max(1) * lsh::BAND_BYTES_PER_ITEM;
    let at_once = (set_budget / 2 / band_bytes).clamp(1, p.bands.max(1));
    let groups = lsh::groups_from_band_keys(p.bands, at_once, |band| {
        first.para_keys.part(band).unwrap_or_else(|e| {
            *unread.lock().unwrap_or_else(|e| e.into_inner()) = Some(e);
            Vec::new()
        })
    });
    if let Some(e) = unread.into_inner().unwrap_or_else(|e| e.into_inner()) {
        first
            .issues
            .push(spill_issue("paragraph band keys", "paragraph findings", &e));
    }
    // The keys are not needed again: free them (and their file), and hand
    // back what grouping them took before the sets are loaded.
    first.para_keys = Spill::new(0, false);
    timer.mark("paragraph lsh");
    let k = cfg.paragraphs.shingle_size;
    let paras = &first.paras;
    let docs = &first.docs;
    let mut issues = Vec::new();
    // Each candidate's excerpt is taken in the same read as its set: the
    // clusters are not known yet, but reading the documents again for the
    // clustered ones alone would cost a third pass over most of them. The
    // excerpts wait in a temporary file, not in memory, until clusters are
    // built.
    let mut excerpts = Strings::new(true);
    let mut excerpt_at: Vec<Loc> = Vec::new();
    type Loaded = Vec<std::result::Result<Vec<(u32, Vec<u32>, String)>, String>>;
    let load = |missing: &[u32], sets: &mut Sets<u32>| {
        let by_doc = group_by_doc(paras, missing.iter().copied());
        excerpt_at.resize(paras.len(), Loc::default());
        // What one batch brought: sets kept, excerpts to the file.
        let mut keep = |(loaded, origins): (Loaded, Vec<Origin>)| {
            for (r, origin) in loaded.into_iter().zip(origins) {
                match r {
                    Ok(units) => units.into_iter().for_each(|(u, set, excerpt)| {
                        sets.put(u, set);
                        // A unit loaded again in a later wave keeps its first excerpt.
                        if excerpt_at[u as usize] == Loc::default() {
                            excerpt_at[u as usize] = excerpts.push(&excerpt);
                        }
                    }),
                    Err(msg) => issues.push(corpus.reread_issue(origin, msg)),
                }
            }
        };
        // A batch of documents at a time, so that only one batch's
        // excerpts are in memory before they go to the file; one batch is
        // kept while the next is read.
        let mut pending: Option<(Loaded, Vec<Origin>)> = None;
        for batch in by_doc.chunks(READ_BATCH_DOCS) {
            let origins: Vec<Origin> = batch
                .iter()
                .map(|(d, _)| docs[*d as usize].origin)
                .collect();
            let done = pending.take();
            let (loaded, ()) = rayon::join(
                || {
                    corpus.texts(
                        &cfg.input,
                        &origins,
                        ShingleScratch::default,
                        |scratch, i, text| -> Vec<(u32, Vec<u32>, String)> {
                            batch[i]
                                .1
                                .iter()
                                .map(|&u| {
                                    let para = paras[u as usize].text(text);
                                    let set = shingle_set(para, k, scratch);
                                    let excerpt = paragraph::excerpt(para, EXCERPT_CHARS);
                                    (u, narrow(set), excerpt)
                                })
                                .collect()
                        },
                    )
                },
                || {
                    if let Some(d) = done {
                        keep(d);
                    }
                },
            );
            pending = Some((loaded, origins));
        }
        if let Some(d) = pending {
            keep(d);
        }
    };
    let mut sets: Sets<u32> = Sets::new();
    // A paragraph's set: about one 4-byte fingerprint per 6 bytes of text.
    let cost = |u: u32| {
        let unit = &paras[u as usize];
        (unit.end - unit.start) as usize * 2 / 3 + 48
    };
    let waves = Waves {
        budget: set_budget / 2,
        cost: &cost,
    };
    let lists = groups.lists();
    let matched = match_units(
        paras.len(),
        &lists,
        &mut sets,
        load,
        Some(waves),
        |_, _| true,
        rule,
        false,
        (timer, "paragraph re-read"),
    );
    drop(sets);
    drop(lists);
    drop(groups);
    excerpts.flush();
    first.issues.extend(issues);
    let paras = &first.paras;
    let docs = &first.docs;
    let components: Vec<Vec<u32>> = matched
        .components
        .into_iter()
        .filter(|units| units.iter().any(|&u| visible(paras[u as usize].doc)))
        .collect();

    let unread = std::sync::Mutex::new(None);
    let excerpt_of = |u: u32| -> String {
        let at = excerpt_at.get(u as usize).copied().unwrap_or_default();
        excerpts.get(at).unwrap_or_else(|e| {
            *unread.lock().unwrap_or_else(|e| e.into_inner()) = Some(e);
            String::new()
        })
    };
    let short = |excerpt: &str| -> String {
        paragraph::excerpt(excerpt.trim_end_matches('…'), MEMBER_EXCERPT_CHARS)
    };

    // The members' strings, made once and shared: a document's id by all
    // its members, a file's path by all members from that file.
    let mut names: Vec<Option<(Arc<str>, Arc<str>)>> = vec![None; docs.len()];
    let mut paths: HashMap<&str, Arc<str>> = HashMap::new();
    for &u in components.iter().flatten() {
        let d = paras[u as usize].doc as usize;
        if names[d].is_none() {
            let path = corpus.place(docs[d].origin).0;
            let path = paths.entry(path).or_insert_with(|| Arc::from(path));
            names[d] = Some((Arc::from(docs[d].id.as_str()), Arc::clone(path)));
        }
    }
    drop(paths);

    let first_ref = &*first;
    let unread_sigs = std::sync::Mutex::new(None);
    let boilerplate_min_docs = cfg.paragraphs.boilerplate_min_docs;
    let build = |mut units: Vec<u32>| {
        let member_docs: Vec<u32> = units.iter().map(|&u| paras[u as usize].doc).collect();
        let mut distinct = member_docs.clone();
        distinct.sort_unstable();
        distinct.dedup();
        // The signatures classification compares, read once per cluster.
        let rows: Vec<Option<std::borrow::Cow<'_, [u32]>>> =
            if (2..=paragraph::RELATED_CHECK_MAX_DOCS).contains(&distinct.len()) {
                distinct
                    .iter()
                    .map(|&d| {
                        first_ref
                            .signature(d)
                            .map_err(|e| {
                                *unread_sigs.lock().unwrap_or_else(|e| e.into_inner()) = Some(e)
                            })
                            .ok()
                    })
                    .collect()
            } else {
                Vec::new()
            };
        let row = |d: u32| {
            let i = distinct.binary_search(&d).ok()?;
            rows.get(i)?.as_deref()
        };
        let kind = paragraph::classify(
            &member_docs,
            |x, y| {
                // Discount the Jaccard that the shared paragraph alone
                // gives two documents, estimated from its share of their bytes.
                let u0 = &paras[units[0] as usize];
                let para = f64::from(u0.end - u0.start);
                let bx = docs[x as usize].bytes as f64;
                let by = docs[y as usize].bytes as f64;
                let own = para / (bx + by - para).max(1.0);
                doc_group[x as usize] == doc_group[y as usize]
                    || row(x).zip(row(y)).is_some_and(|(sx, sy)| {
                        crate::minhash::estimate_jaccard(sx, sy) - own >= paragraph::RELATED_JACCARD
                    })
            },
            boilerplate_min_docs,
        );
        let id = |u: u32| docs[paras[u as usize].doc as usize].id.as_str();
        units.sort_by(|&x, &y| {
            id(x)
                .cmp(id(y))
                .then(
                    paras[x as usize]
                        .start_line
                        .cmp(&paras[y as usize].start_line),
                )
                .then(x.cmp(&y))
        });
        // Members that open alike share their excerpt.
        let mut shared: HashMap<String, Arc<str>> = HashMap::new();
        let mut first_excerpt = String::new();
        let members = units
            .iter()
            .enumerate()
            .map(|(i, &u)| {
                let unit = &paras[u as usize];
                let doc = &docs[unit.doc as usize];
                let line = corpus.place(doc.origin).1;
                let full = excerpt_of(u);
                let excerpt = shared
                    .entry(short(&full))
                    .or_insert_with_key(|e| Arc::from(e.as_str()));
                if i == 0 {
                    first_excerpt = full;
                }
                let (id, path) = names[unit.doc as usize]
                    .clone()
                    .expect("every member's document is named above");
                ParagraphMember {
                    doc: id,
                    path,
                    line,
                    start_line: unit.start_line,
                    end_line: unit.end_line,
                    excerpt: Arc::clone(excerpt),
                    first_seen: corpus.first_seen(doc.origin).map(str::to_string),
                }
            })
            .collect();
        // Report order: kind, most documents, most occurrences, then
        // the first member's document id and line.
        let key = (
            kind,
            Reverse(distinct.len()),
            Reverse(units.len()),
            id_rank[paras[units[0] as usize].doc as usize],
            paras[units[0] as usize].start_line,
        );
        let cluster = ParagraphCluster {
            id: 0,
            kind,
            documents: distinct.len(),
            occurrences: units.len(),
            excerpt: first_excerpt,
            members,
        };
        (key, cluster, distinct)
    };
    // Built a batch at a time and handed to the list (which keeps them in
    // memory while the findings budget lasts, then in a temporary file).
    let mut list = ListBuilder::new(findings_budget, true);
    let mut shared: HashMap<(u32, u32), u32> = HashMap::new();
    let mut components = components.into_iter();
    loop {
        let batch: Vec<Vec<u32>> = components.by_ref().take(CLUSTER_BATCH).collect();
        if batch.is_empty() {
            break;
        }
        let built: Vec<_> = batch.into_par_iter().map(build).collect();
        for (key, cluster, docs) in built {
            if cluster.kind == paragraph::Kind::Reprinted {
                for (i, &a) in docs.iter().enumerate() {
                    for &b in &docs[i + 1..] {
                        *shared.entry((a, b)).or_default() += 1;
                    }
                }
            }
            list.push(key, cluster);
        }
    }
    if let Some(e) = unread.into_inner().unwrap_or_else(|e| e.into_inner()) {
        first
            .issues
            .push(spill_issue("paragraph excerpts", "paragraph excerpts", &e));
    }
    if let Some(e) = unread_sigs.into_inner().unwrap_or_else(|e| e.into_inner()) {
        first.issues.push(spill_issue(
            "document signatures",
            "paragraph kinds (reprinted told from boilerplate)",
            &e,
        ));
    }
    let reprints = paragraph_reprints(first, doc_group, visible, shared);
    Paragraphs {
        findings_left: list.left(),
        clusters: list.finish(),
        reprints,
        compared: matched.compared,
    }
}

/// Document pairs in which most of one document's paragraphs reappear in the
/// other, outside any document cluster: reprints that whole-document scores
/// miss because one text is much longer. Boilerplate paragraphs do not count.
/// `shared[(a, b)]` counts the reprinted clusters documents `a < b` share.
fn paragraph_reprints(
    first: &FirstPass,
    doc_group: &[u32],
    visible: &(dyn Fn(u32) -> bool + Sync),
    shared: HashMap<(u32, u32), u32>,
) -> Vec<ParagraphReprint> {
    let mut units_of = vec![0u32; first.docs.len()];
    for u in &first.paras {
        units_of[u.doc as usize] += 1;
    }
    let mut out: Vec<ParagraphReprint> = shared
        .into_iter()
        .filter(|&((a, b), _)| doc_group[a as usize] != doc_group[b as usize])
        .filter_map(|((a, b), n)| {
            // The copy is the document with fewer matchable paragraphs.
            let (copy, of) = if (units_of[a as usize], b) <= (units_of[b as usize], a) {
                (a, b)
            } else {
                (b, a)
            };
            let total = units_of[copy as usize];
            (visible(copy)
                && n >= paragraph::REPRINT_MIN_SHARED
                && f64::from(n) >= paragraph::REPRINT_SHARE * f64::from(total))
            .then(|| ParagraphReprint {
                doc: first.docs[copy as usize].id.clone(),
                of: first.docs[of as usize].id.clone(),
                shared_paragraphs: n as usize,
                paragraphs: total as usize,
                of_paragraphs: units_of[of as usize] as usize,
            })
        })
        .collect();
    out.sort_by(|x, y| (&x.doc, &x.of).cmp(&(&y.doc, &y.of)));
    out
}
