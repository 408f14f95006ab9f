//! Report assembly: document clusters from components (representative,
//! exact scores against it, verified pairs, dates), doubled documents,
//! the parameters and the counts: everything the report says, sorted.

use rayon::prelude::*;

use crate::config::{Config, NORMALIZATION};
use crate::input::{Corpus, Issue, IssueKind, Meta};
use crate::report::{round4, DocumentCluster, DoubledDocument, Member, Pair, Params, Stats};
use crate::verify::{self, Edge};

use super::first_pass::FirstPass;
use super::lsh_threshold;
use super::sign::DocInfo;

/// What a report says of one document: an outside driver describes its
/// documents with these to [`document_clusters`].
#[derive(Debug, Clone, Copy)]
pub struct DocView<'a> {
    /// Its id.
    pub id: &'a str,
    /// The file it is shown with.
    pub path: &'a str,
    /// Its line there.
    pub line: u64,
    /// Its metadata, if any.
    pub meta: Option<&'a Meta>,
    /// When the index first saw it (held documents).
    pub first_seen: Option<&'a str>,
}

/// Turns components into report clusters: representative (the member with
/// the largest set), exact scores of every member against it, and the
/// verified pairs inside, members by date when dated. `view(d)` describes
/// document `d`; `sets[d]` is its sorted shingle set (for every member).
/// Returns the clusters in report order together with their member indices.
pub fn document_clusters<'a>(
    view: impl Fn(u32) -> DocView<'a> + Sync,
    sets: &[Vec<u64>],
    edges: &[Edge],
    comps: Vec<Vec<u32>>,
) -> (Vec<DocumentCluster>, Vec<Vec<u32>>) {
    let pairs_of = edges_by_component(edges, &comps);
    order_clusters(build_clusters(
        &view,
        &|d| &sets[d as usize],
        comps,
        pairs_of,
    ))
}

/// The edges of each component (by its index), in edge order.
pub(crate) fn edges_by_component<'e>(edges: &'e [Edge], comps: &[Vec<u32>]) -> Vec<Vec<&'e Edge>> {
    let n = comps.iter().flatten().max().map_or(0, |&d| d as usize + 1);
    let mut comp_of = vec![u32::MAX; n];
    for (ci, c) in comps.iter().enumerate() {
        for &d in c {
            comp_of[d as usize] = ci as u32;
        }
    }
    let mut pairs_of: Vec<Vec<&Edge>> = vec![Vec::new(); comps.len()];
    for e in edges {
        // Edges of components left out belong to no cluster.
        if let Some(&c) = comp_of.get(e.a as usize).filter(|&&c| c != u32::MAX) {
            pairs_of[c as usize].push(e);
        }
    }
    pairs_of
}

/// The clusters of `comps` (each with its edges), in the order given;
/// `set(d)` is each member's set.
pub(crate) fn build_clusters<'a, 's>(
    view: &(impl Fn(u32) -> DocView<'a> + Sync),
    set: &(impl Fn(u32) -> &'s [u64] + Sync),
    comps: Vec<Vec<u32>>,
    pairs_of: Vec<Vec<&Edge>>,
) -> Vec<(DocumentCluster, Vec<u32>)> {
    comps
        .into_par_iter()
        .zip(pairs_of)
        .map(|(members, cluster_edges)| cluster(view, set, &cluster_edges, members))
        .collect()
}

/// Clusters in report order (largest first), numbered, with their members.
pub(crate) fn order_clusters(
    mut built: Vec<(DocumentCluster, Vec<u32>)>,
) -> (Vec<DocumentCluster>, Vec<Vec<u32>>) {
    built.sort_by(|(a, am), (b, bm)| {
        b.size
            .cmp(&a.size)
            .then_with(|| a.representative.cmp(&b.representative))
            .then_with(|| am.cmp(bm))
    });
    let mut clusters = Vec::with_capacity(built.len());
    let mut members = Vec::with_capacity(built.len());
    for (i, (mut c, m)) in built.into_iter().enumerate() {
        c.id = i + 1;
        clusters.push(c);
        members.push(m);
    }
    (clusters, members)
}

/// The view of a scan's document.
pub(crate) fn view<'a>(
    docs: &'a [DocInfo],
    corpus: &'a Corpus,
) -> impl Fn(u32) -> DocView<'a> + Sync {
    move |d| {
        let doc = &docs[d as usize];
        let (path, line) = corpus.place(doc.origin);
        DocView {
            id: &doc.id,
            path,
            line,
            meta: doc.meta.as_deref(),
            first_seen: corpus.first_seen(doc.origin),
        }
    }
}

/// One document cluster, and its members in report order.
fn cluster<'a, 's>(
    view: &(impl Fn(u32) -> DocView<'a> + Sync),
    set: &(impl Fn(u32) -> &'s [u64] + Sync),
    cluster_edges: &[&Edge],
    mut members: Vec<u32>,
) -> (DocumentCluster, Vec<u32>) {
    let id = |d: u32| view(d).id;
    let rep = *members
        .iter()
        .max_by(|&&x, &&y| {
            set(x)
                .len()
                .cmp(&set(y).len())
                .then_with(|| id(y).cmp(id(x)))
                .then_with(|| y.cmp(&x))
        })
        .expect("components are non-empty");
    let meta = |d: u32| view(d).meta;
    let date = |d: u32| meta(d).and_then(|m| m.date.as_deref());
    let dated = members.iter().any(|&d| date(d).is_some());
    if dated {
        // Earliest first: the likely original.
        members.sort_by(|&x, &y| {
            (date(x).is_none(), date(x), id(x), x).cmp(&(date(y).is_none(), date(y), id(y), y))
        });
    } else {
        members.sort_by(|&x, &y| {
            (x != rep)
                .cmp(&(y != rep))
                .then_with(|| id(x).cmp(id(y)))
                .then_with(|| x.cmp(&y))
        });
    }
    let earliest = dated.then(|| id(members[0]).to_string());
    let rep_set = set(rep);
    let out_members = members
        .iter()
        .map(|&d| {
            let s = verify::scores(rep_set, set(d));
            let v = view(d);
            Member {
                doc: v.id.to_string(),
                path: v.path.to_string(),
                line: v.line,
                shingles: set(d).len(),
                jaccard: round4(s.jaccard),
                containment: round4(s.containment),
                meta: meta(d).cloned().unwrap_or_default(),
                first_seen: v.first_seen.map(str::to_string),
            }
        })
        .collect();
    let mut pairs: Vec<Pair> = cluster_edges
        .iter()
        .map(|e| {
            let (a, b) = if id(e.a) <= id(e.b) {
                (e.a, e.b)
            } else {
                (e.b, e.a)
            };
            Pair {
                a: id(a).to_string(),
                b: id(b).to_string(),
                jaccard: round4(e.scores.jaccard),
                containment: round4(e.scores.containment),
                shared: e.scores.shared,
            }
        })
        .collect();
    pairs.sort_by(|x, y| (&x.a, &x.b).cmp(&(&y.a, &y.b)));
    let cluster = DocumentCluster {
        id: 0,
        size: members.len(),
        representative: id(rep).to_string(),
        earliest,
        members: out_members,
        pairs,
    };
    (cluster, members)
}

/// The doubled-document findings of the visible documents, sorted.
pub(crate) fn doubled_documents(
    first: &FirstPass,
    corpus: &Corpus,
    visible: &dyn Fn(u32) -> bool,
) -> Vec<DoubledDocument> {
    let mut out: Vec<DoubledDocument> = first
        .doubled
        .iter()
        .filter(|(d, _)| visible(*d))
        .map(|(d, x)| {
            let doc = &first.docs[*d as usize];
            let (path, line) = corpus.place(doc.origin);
            DoubledDocument {
                doc: doc.id.clone(),
                path: path.to_string(),
                line,
                split_line: x.split_line,
                score: round4(x.score),
                shared_4grams: x.shared_4grams,
                shared_phrases: x.shared_phrases.clone(),
            }
        })
        .collect();
    out.sort_by(|a, b| (&a.doc, a.line).cmp(&(&b.doc, b.line)));
    out
}

/// The parameters a report of `cfg` records.
pub fn params(cfg: &Config) -> Params {
    let m = &cfg.matching;
    let p = super::lsh_params(m);
    let pp = cfg
        .granularity
        .paragraphs()
        .then(|| super::paragraph_lsh_params(m, &cfg.paragraphs));
    Params {
        normalization: NORMALIZATION,
        granularity: cfg.granularity,
        shingle_size: m.shingle_size,
        num_perm: m.num_perm,
        seed: m.seed,
        sketch: m.sketch.name(),
        threshold: m.threshold,
        containment: m.containment,
        same_source: if m.skip_same_source { "skip" } else { "match" },
        window_days: m.window_days,
        lsh_threshold: lsh_threshold(m),
        bands: p.bands,
        rows: p.rows,
        paragraph_shingle_size: cfg.paragraphs.shingle_size,
        paragraph_num_perm: cfg.paragraphs.num_perm,
        min_paragraph_words: cfg.paragraphs.min_words,
        boilerplate_min_docs: cfg.paragraphs.boilerplate_min_docs,
        paragraph_bands: pp.map(|p| p.bands),
        paragraph_rows: pp.map(|p| p.rows),
        reuse: reuse_on(cfg),
        reuse_min_coverage: cfg.reuse.min_coverage,
        reuse_wholly: cfg.reuse.wholly,
        reuse_max_df: cfg.reuse.max_df,
    }
}

/// Whether a scan under `cfg` looks for passage-level reuse.
pub fn reuse_on(cfg: &Config) -> bool {
    cfg.reuse.enabled && cfg.granularity.reuse()
}

/// The report's counts of input problems (the other counts zero).
pub(crate) fn issue_counts(issues: &[Issue]) -> Stats {
    let count = |pred: &dyn Fn(&Issue) -> bool| issues.iter().filter(|i| pred(i)).count() as u64;
    Stats {
        skipped_inputs: count(&|i| i.kind == IssueKind::Skipped && i.whole_file),
        skipped_records: count(&|i| i.kind == IssueKind::Skipped && !i.whole_file),
        warnings: count(&|i| i.kind == IssueKind::Warning),
        ..Stats::default()
    }
}

/// Adds a warning for every document whose id an earlier document already has.
pub(crate) fn warn_duplicate_ids(docs: &[DocInfo], corpus: &Corpus, issues: &mut Vec<Issue>) {
    let mut order: Vec<u32> = (0..docs.len() as u32).collect();
    order.par_sort_by(|&x, &y| {
        docs[x as usize]
            .id
            .cmp(&docs[y as usize].id)
            .then(x.cmp(&y))
    });
    for w in order.windows(2) {
        let (first, dup) = (&docs[w[0] as usize], &docs[w[1] as usize]);
        if first.id == dup.id && corpus.kind(dup.origin).is_some() {
            let (path, line) = corpus.place(dup.origin);
            let line = (corpus.kind(dup.origin) == Some(crate::input::SourceKind::JsonLines))
                .then_some(line);
            issues.push(Issue::warning(
                path,
                line,
                format!(
                    "id `{}` is used by an earlier document too; reports cannot tell them apart. \
                     Give every record a unique id (or drop the id field to get PATH:LINE ids)",
                    dup.id
                ),
            ));
        }
    }
}
