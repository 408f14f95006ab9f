//! The only place where the stages meet.
//!
//! input → (normalize → shingle → minhash, per document, in parallel) →
//! lsh → re-read candidates → verify → cluster → [`Report`].
//!
//! Memory: the first pass keeps, per document, its id, its [`Locator`] and
//! its signature; text is dropped as soon as it is signed. A document one
//! of whose band keys an earlier document already had ([`SeenKeys`]) shares
//! an LSH bucket, so it gets its sorted shingle set while its text is at
//! hand. The second pass re-reads the other bucket members (mostly the first
//! of each bucket) and keeps every candidate's set until verification is
//! done.
//!
//! Determinism: every parallel step collects in input order or sorts its
//! output, so the report is identical for any thread count.

use std::time::Instant;

use rayon::prelude::*;

use crate::cluster::UnionFind;
use crate::config::{Config, InputConfig, MatchConfig, ParagraphConfig, NORMALIZATION};
use crate::doubled::{self, Doubled, DoubledScratch};
use crate::error::{Error, Result};
use crate::index;
use crate::input::{
    compress, discover_with, oversized_message, parse_line_into, read_file_docs, reread_each,
    unreadable_message, Chunk, ChunkReader, Issue, IssueKind, LineSpan, Locator, Meta, Source,
    SourceKind, StdinFormat,
};
use crate::lsh::{self, LshParams, SeenKeys};
use crate::minhash::{MinHasher, SignatureMatrix};
use crate::normalize::WordScratch;
use crate::paragraph::{self, ParagraphWords, Unit};
use crate::report::{
    round4, DocumentCluster, DoubledDocument, Member, Pair, ParagraphCluster, ParagraphMember,
    ParagraphReprint, Params, Report, Stats, Tool,
};
use crate::segment;
use crate::shingle::{shingle_set, shingles, shingles_of_words, to_set, ShingleScratch};
use crate::verify::{self, Edge, Rule};

/// Below this Jaccard, LSH candidates are not worth finding even for the
/// containment rule: a copy that keeps less than half of the longer text.
pub const LSH_THRESHOLD_FLOOR: f64 = 0.5;

/// Bytes of JSON Lines read before a batch is signed in parallel.
const BATCH_BYTES: usize = 16 << 20;
/// Text files read per parallel batch.
const BATCH_FILES: usize = 512;

/// The Jaccard that LSH is tuned for: the threshold, or lower when the
/// containment rule needs candidates of lower Jaccard (a trimmed copy that
/// keeps a share `c` of a text has Jaccard about `c` with it).
pub fn lsh_threshold(m: &MatchConfig) -> f64 {
    match m.containment {
        Some(_) => m.threshold.min(LSH_THRESHOLD_FLOOR),
        None => m.threshold,
    }
}

/// The LSH bands and rows of paragraph matching.
pub fn paragraph_lsh_params(m: &MatchConfig, pc: &ParagraphConfig) -> LshParams {
    lsh::choose_params(lsh_threshold(m), pc.num_perm)
}

/// The LSH bands and rows a configuration uses.
pub fn lsh_params(m: &MatchConfig) -> LshParams {
    match (m.bands, m.rows) {
        (Some(bands), Some(rows)) => LshParams { bands, rows },
        _ => lsh::choose_params(lsh_threshold(m), m.num_perm),
    }
}

/// Per-document facts kept after the first pass.
#[derive(Debug, Clone)]
pub struct DocInfo {
    /// The document id.
    pub id: String,
    /// Where its text is.
    pub loc: Locator,
    /// Whether it has no words at all.
    pub empty: bool,
    /// Bytes of text.
    pub bytes: u64,
    /// What its source says about it (none for most text files).
    pub meta: Option<Box<Meta>>,
}

/// Everything a scan found, before formatting: the report plus the
/// per-document view that evaluation needs.
#[derive(Debug)]
pub struct ScanOutcome {
    /// The report, ready to write.
    pub report: Report,
    /// Every document read, in input order.
    pub docs: Vec<DocInfo>,
    /// Document clusters as indices into `docs` (same order as the report).
    pub clusters: Vec<Vec<u32>>,
    /// The sources read, for re-reading documents (`docs[i].loc.source`).
    pub sources: Vec<Source>,
    /// Wall time of each stage, in order (for `--verbose`; not in the report).
    pub timings: Vec<(&'static str, std::time::Duration)>,
}

/// Options of a scan that are not about matching.
#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    /// What standard input holds.
    pub stdin_format: StdinFormat,
    /// Standard input, already copied to this file (for runs that read
    /// their inputs twice).
    pub stdin_file: Option<std::path::PathBuf>,
    /// A JSON Lines file read after the PATHs, under its own name: the
    /// indexed documents that `check` compares the new ones with.
    pub extra: Option<ExtraSource>,
    /// Counters to update as documents are read (for a progress bar).
    pub progress: Option<std::sync::Arc<Progress>>,
}

/// Counters a run updates as it reads and signs, for a progress display
/// (the library draws nothing itself).
#[derive(Debug, Default)]
pub struct Progress {
    /// Files to read.
    pub files_total: std::sync::atomic::AtomicU64,
    /// Files taken up so far.
    pub files: std::sync::atomic::AtomicU64,
    /// Documents signed so far.
    pub documents: std::sync::atomic::AtomicU64,
    /// Bytes of text signed so far.
    pub bytes: std::sync::atomic::AtomicU64,
}

/// A JSON Lines file of documents added to a scan (see [`ScanOptions::extra`]).
#[derive(Debug, Clone)]
pub struct ExtraSource {
    /// Where it is.
    pub path: std::path::PathBuf,
    /// The name its documents show as their path.
    pub name: String,
}

/// Runs a whole scan: reads every input, finds and verifies duplicates, and
/// builds the report.
pub fn scan(cfg: &Config, opts: ScanOptions) -> Result<ScanOutcome> {
    cfg.matching.validate()?;
    cfg.paragraphs.validate()?;
    let pool = thread_pool(cfg)?;
    pool.install(|| scan_in_pool(cfg, &opts))
}

/// A rayon pool of `--threads` workers (all cores by default).
fn thread_pool(cfg: &Config) -> Result<rayon::ThreadPool> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = cfg.threads {
        if n == 0 {
            return Err(Error::InvalidParam("--threads must be at least 1".into()));
        }
        builder = builder.num_threads(n);
    }
    builder
        .build()
        .map_err(|e| Error::InvalidParam(format!("could not start worker threads: {e}")))
}

fn scan_in_pool(cfg: &Config, opts: &ScanOptions) -> Result<ScanOutcome> {
    let start = Instant::now();
    let mut timings = Vec::new();
    let mut lap = Instant::now();
    let mut mark = |stage: &'static str| {
        timings.push((stage, lap.elapsed()));
        lap = Instant::now();
    };
    let m = &cfg.matching;
    let mut discovered = discover_with(
        &cfg.paths,
        &cfg.input,
        opts.stdin_format,
        opts.stdin_file.as_deref(),
    )?;
    if let Some(extra) = &opts.extra {
        discovered.sources.push(Source {
            path: extra.path.clone(),
            name: extra.name.clone(),
            kind: SourceKind::JsonLines,
            compression: compress::Compression::None,
        });
    }
    let sources = &discovered.sources[..];
    let signer = Signer {
        records: false,
        progress: opts.progress.as_deref(),
        doc_p: lsh_params(m),
        input: &cfg.input,
        m,
        hasher: MinHasher::with_sketch(m.sketch, m.num_perm, m.seed),
        paragraphs: cfg.granularity.paragraphs().then(|| ParagraphSigner {
            cfg: &cfg.paragraphs,
            hasher: MinHasher::new(cfg.paragraphs.num_perm, m.seed ^ 0x9A4A_6A4A),
            p: paragraph_lsh_params(m, &cfg.paragraphs),
        }),
        online: cfg
            .granularity
            .documents()
            .then(|| (lsh_params(m), SeenKeys::default())),
    };

    // Pass 1: sign every document (and its paragraphs).
    let mut first = FirstPass::new(m.num_perm);
    first.issues.extend(discovered.issues.iter().cloned());
    read_all(sources, &signer, &mut first);
    mark("read and sign");

    warn_duplicate_ids(&first.docs, sources, &mut first.issues);

    // LSH over the documents that have shingles.
    let p = lsh_params(m);
    let live: Vec<u32> = if cfg.granularity.documents() {
        (0..first.docs.len() as u32)
            .filter(|&d| !first.docs[d as usize].empty)
            .collect()
    } else {
        Vec::new()
    };
    let groups = lsh::candidate_groups(&first.sigs, &live, p);
    mark("document lsh");

    // Pass 2: shingle sets of the candidates whose set pass 1 could not make.
    let mut is_candidate = vec![false; first.docs.len()];
    for g in &groups {
        for &d in g {
            is_candidate[d as usize] = true;
        }
    }
    let candidates: Vec<u32> = (0..first.docs.len() as u32)
        .filter(|&d| is_candidate[d as usize])
        .collect();
    let mut sets = std::mem::take(&mut first.sets);
    sets.resize(first.docs.len(), Vec::new());
    let missing: Vec<u32> = candidates
        .iter()
        .copied()
        .filter(|&d| sets[d as usize].is_empty())
        .collect();
    let locs: Vec<Locator> = missing
        .iter()
        .map(|&d| first.docs[d as usize].loc)
        .collect();
    let loaded = reread_each(
        sources,
        &cfg.input,
        &locs,
        ShingleScratch::default,
        |scratch, _, text| shingle_set(text, m.shingle_size, scratch),
    );
    for ((&d, loc), r) in missing.iter().zip(&locs).zip(loaded) {
        match r {
            Ok(set) => sets[d as usize] = set,
            Err(msg) => first.issues.push(reread_issue(sources, loc, msg)),
        }
    }

    mark("re-read candidates");

    // Verify and cluster.
    let rule = Rule {
        threshold: m.threshold,
        containment: m.containment,
    };
    let allowed = pair_filter(&first.docs, m);
    let (edges, vstats) = verify::verify_groups(&groups, |d| &sets[d as usize], allowed, rule);
    let mut uf = UnionFind::new(first.docs.len());
    for e in &edges {
        uf.union(e.a, e.b);
    }
    let (document_clusters, clusters) =
        build_clusters(&first.docs, sources, &sets, &edges, uf.components(2));
    drop(sets);
    mark("verify and cluster");

    // Paragraphs: the same LSH → verify → cluster stages on paragraph units.
    let mut doc_group: Vec<u32> = (0..first.docs.len() as u32).collect();
    for c in &clusters {
        let head = *c.iter().min().expect("clusters are non-empty");
        for &d in c {
            doc_group[d as usize] = head;
        }
    }
    let (paragraph_clusters, para_stats) = match &signer.paragraphs {
        Some(ps) => paragraph_stage(&mut first, sources, cfg, ps, &doc_group, rule),
        None => (Vec::new(), ParaStats::default()),
    };
    mark("paragraphs");

    let pp = signer.paragraphs.as_ref().map(|ps| ps.p);
    let params = Params {
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
    };
    let mut doubled_documents: Vec<DoubledDocument> = first
        .doubled
        .iter()
        .map(|(d, x)| {
            let doc = &first.docs[*d as usize];
            DoubledDocument {
                doc: doc.id.clone(),
                path: sources[doc.loc.source as usize].name.clone(),
                line: doc.loc.line,
                split_line: x.split_line,
                score: round4(x.score),
                shared_4grams: x.shared_4grams,
                shared_phrases: x.shared_phrases.clone(),
            }
        })
        .collect();
    doubled_documents.sort_by(|a, b| (&a.doc, a.line).cmp(&(&b.doc, b.line)));
    let mut issues = first.issues;
    issues.sort();
    let count = |pred: &dyn Fn(&Issue) -> bool| issues.iter().filter(|i| pred(i)).count() as u64;
    let stats = Stats {
        inputs: sources.len() as u64,
        documents: first.docs.len() as u64,
        empty_documents: first.docs.iter().filter(|d| d.empty).count() as u64,
        skipped_inputs: count(&|i| i.kind == IssueKind::Skipped && i.whole_file),
        skipped_records: count(&|i| i.kind == IssueKind::Skipped && !i.whole_file),
        warnings: count(&|i| i.kind == IssueKind::Warning),
        ignored_files: discovered.ignored_files,
        bytes: first.bytes,
        candidate_groups: groups.len() as u64,
        candidate_documents: candidates.len() as u64,
        compared_pairs: vstats.compared,
        verified_pairs: edges.len() as u64,
        clusters: document_clusters.len() as u64,
        documents_in_clusters: document_clusters.iter().map(|c| c.size as u64).sum(),
        paragraphs: first.paras.len() as u64,
        paragraph_compared_pairs: para_stats.compared,
        paragraph_clusters: paragraph_clusters.len() as u64,
        doubled_documents: doubled_documents.len() as u64,
        paragraph_reprints: para_stats.reprints.len() as u64,
        threads: rayon::current_num_threads() as u64,
        elapsed_ms: start.elapsed().as_millis() as u64,
    };
    Ok(ScanOutcome {
        report: Report {
            version: crate::report::SCHEMA_VERSION,
            tool: Tool::default(),
            params,
            stats,
            issues,
            document_clusters,
            paragraph_clusters,
            paragraph_reprints: para_stats.reprints,
            doubled_documents,
        },
        docs: first.docs,
        clusters,
        sources: discovered.sources,
        timings,
    })
}

/// What reading the inputs for the index gave (the records went to the sink).
#[derive(Debug)]
pub struct RecordsOutcome {
    /// Documents read.
    pub documents: u64,
    /// Documents without a word (they make no record).
    pub empty: u64,
    /// Problems with the inputs, sorted.
    pub issues: Vec<Issue>,
    /// The sources read.
    pub sources: Vec<Source>,
}

/// Reads every input and hands the index records of its documents to
/// `sink`, a batch at a time in input order. A sink error stops the
/// reading and is returned.
pub fn index_records(
    cfg: &Config,
    opts: &ScanOptions,
    sink: &mut (dyn FnMut(Vec<index::Record>) -> Result<()> + Send),
) -> Result<RecordsOutcome> {
    cfg.matching.validate()?;
    cfg.paragraphs.validate()?;
    let pool = thread_pool(cfg)?;
    pool.install(|| {
        let m = &cfg.matching;
        let discovered = discover_with(
            &cfg.paths,
            &cfg.input,
            opts.stdin_format,
            opts.stdin_file.as_deref(),
        )?;
        let signer = record_signer(cfg, opts.progress.as_deref());
        let mut out = RecordSink {
            sources: &discovered.sources,
            sink,
            error: None,
            documents: 0,
            empty: 0,
            issues: discovered.issues.clone(),
        };
        debug_assert_eq!(signer.m, m);
        read_all(&discovered.sources, &signer, &mut out);
        if let Some(e) = out.error {
            return Err(e);
        }
        let mut issues = out.issues;
        issues.sort();
        Ok(RecordsOutcome {
            documents: out.documents,
            empty: out.empty,
            issues,
            sources: discovered.sources,
        })
    })
}

/// The index records of texts, as [`index_records`] would make them
/// (`None` for a text without words), in parallel.
pub fn index_records_of(cfg: &Config, texts: &[String]) -> Vec<Option<index::Record>> {
    let signer = record_signer(cfg, None);
    let loc = Locator {
        source: 0,
        line: 1,
        offset: 0,
        len: 0,
    };
    texts
        .par_iter()
        .map_init(Scratch::default, |scratch, text| {
            let signed = signer.sign_doc(
                text.clone(),
                String::new(),
                loc,
                Meta::default(),
                Vec::new(),
                scratch,
            );
            signed.record.map(|r| *r)
        })
        .collect()
}

fn record_signer<'c>(cfg: &'c Config, progress: Option<&'c Progress>) -> Signer<'c> {
    let m = &cfg.matching;
    Signer {
        records: true,
        progress,
        doc_p: lsh_params(m),
        input: &cfg.input,
        m,
        hasher: MinHasher::with_sketch(m.sketch, m.num_perm, m.seed),
        paragraphs: Some(ParagraphSigner {
            cfg: &cfg.paragraphs,
            hasher: MinHasher::new(cfg.paragraphs.num_perm, m.seed ^ 0x9A4A_6A4A),
            p: paragraph_lsh_params(m, &cfg.paragraphs),
        }),
        online: None,
    }
}

/// The first pass's output in records mode.
struct RecordSink<'s> {
    sources: &'s [Source],
    sink: &'s mut (dyn FnMut(Vec<index::Record>) -> Result<()> + Send),
    error: Option<Error>,
    documents: u64,
    empty: u64,
    issues: Vec<Issue>,
}

impl Absorb for RecordSink<'_> {
    fn absorb(&mut self, outcomes: Vec<Signing>) {
        let mut batch = Vec::new();
        let all = outcomes.into_iter().flat_map(|o| match o {
            Signing::One(s) => vec![s],
            Signing::Many(v) => v,
        });
        for s in all {
            self.issues.extend(s.issues);
            if let Some((info, _, _)) = s.doc {
                self.documents += 1;
                self.empty += u64::from(info.empty);
            }
            if let Some(mut r) = s.record {
                r.path = self.sources[r.source as usize].name.clone();
                batch.push(*r);
            }
        }
        if self.error.is_none() && !batch.is_empty() {
            if let Err(e) = (self.sink)(batch) {
                self.error = Some(e);
            }
        }
    }

    fn issue(&mut self, issue: Issue) {
        self.issues.push(issue);
    }

    fn stopped(&self) -> bool {
        self.error.is_some()
    }
}

/// The texts of the documents in a report's findings (document clusters,
/// paragraph clusters, doubled documents), read again, each cut at
/// `max_bytes`: what the HTML report shows side by side. A document that
/// cannot be read again is left out.
pub fn finding_texts(
    outcome: &ScanOutcome,
    input: &InputConfig,
    max_bytes: usize,
) -> Vec<crate::report::html::DocText> {
    let sources = &outcome.sources;
    let name = |d: &DocInfo| sources[d.loc.source as usize].name.as_str();
    let index: std::collections::HashMap<(&str, u64), u32> = outcome
        .docs
        .iter()
        .enumerate()
        .map(|(i, d)| ((name(d), d.loc.line), i as u32))
        .collect();
    let r = &outcome.report;
    use crate::report::html::{MAX_MEMBERS, TEXT_BUDGET_BYTES};
    // In report order, until the page's text budget is spent.
    let places = r
        .paragraph_clusters
        .iter()
        .flat_map(|c| {
            c.members
                .iter()
                .take(MAX_MEMBERS)
                .map(|m| (m.path.as_str(), m.line))
        })
        .chain(
            r.doubled_documents
                .iter()
                .map(|d| (d.path.as_str(), d.line)),
        );
    let ordered = outcome
        .clusters
        .iter()
        .flatten()
        .copied()
        .chain(places.filter_map(|p| index.get(&p).copied()));
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
    let locs: Vec<Locator> = wanted
        .iter()
        .map(|&d| outcome.docs[d as usize].loc)
        .collect();
    let texts = reread_each(
        sources,
        input,
        &locs,
        || (),
        |_, _, text| {
            let mut end = text.len().min(max_bytes);
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text[..end].to_string()
        },
    );
    wanted
        .iter()
        .zip(texts)
        .filter_map(|(&d, t)| {
            let doc = &outcome.docs[d as usize];
            t.ok().map(|text| crate::report::html::DocText {
                path: name(doc).to_string(),
                line: doc.loc.line,
                text,
            })
        })
        .collect()
}

/// Which document pairs may match at all: `--same-source skip` keeps two
/// documents of one outlet apart, `--window DAYS` two documents published
/// further apart than that. Pairs that lack the metadata are allowed.
fn pair_filter<'d>(docs: &'d [DocInfo], m: &MatchConfig) -> impl Fn(u32, u32) -> bool + Sync + 'd {
    let skip_same = m.skip_same_source;
    let window = m.window_days.map(|d| i64::from(d) * 86_400);
    let meta = |d: u32| docs[d as usize].meta.as_deref();
    let seconds: Vec<Option<i64>> = match window {
        Some(_) => docs
            .iter()
            .map(|d| {
                let date = d.meta.as_deref()?.date.as_deref()?;
                Some(chrono::DateTime::parse_from_rfc3339(date).ok()?.timestamp())
            })
            .collect(),
        None => Vec::new(),
    };
    move |a: u32, b: u32| {
        if skip_same {
            let source = |d| meta(d).and_then(|m| m.source.as_deref());
            if let (Some(x), Some(y)) = (source(a), source(b)) {
                if x == y {
                    return false;
                }
            }
        }
        if let Some(w) = window {
            if let (Some(x), Some(y)) = (seconds[a as usize], seconds[b as usize]) {
                if (x - y).abs() > w {
                    return false;
                }
            }
        }
        true
    }
}

/// Adds a warning for every document whose id an earlier document already has.
fn warn_duplicate_ids(docs: &[DocInfo], sources: &[Source], issues: &mut Vec<Issue>) {
    let mut order: Vec<u32> = (0..docs.len() as u32).collect();
    order.par_sort_by(|&x, &y| {
        docs[x as usize]
            .id
            .cmp(&docs[y as usize].id)
            .then(x.cmp(&y))
    });
    for w in order.windows(2) {
        let (first, dup) = (&docs[w[0] as usize], &docs[w[1] as usize]);
        if first.id == dup.id {
            let src = &sources[dup.loc.source as usize];
            let line = (src.kind == SourceKind::JsonLines).then_some(dup.loc.line);
            issues.push(Issue::warning(
                &src.name,
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

/// State of the first pass.
struct FirstPass {
    docs: Vec<DocInfo>,
    sigs: SignatureMatrix,
    issues: Vec<Issue>,
    bytes: u64,
    /// Paragraph units of all documents, in document order.
    paras: Vec<Unit>,
    /// Their band keys, `paragraph bands` per unit.
    para_keys: Vec<u64>,
    /// Documents that hold their article twice.
    doubled: Vec<(u32, Doubled)>,
    /// Verification sets made while a document's text was at hand; empty
    /// for the others.
    sets: Vec<Vec<u64>>,
}

/// Where the first pass puts what it signs: the scan's state, or a sink of
/// index records.
trait Absorb {
    /// Takes a batch of signed work items, in input order.
    fn absorb(&mut self, outcomes: Vec<Signing>);
    /// Takes a problem with an input.
    fn issue(&mut self, issue: Issue);
    /// Whether reading should stop (the sink failed).
    fn stopped(&self) -> bool {
        false
    }
}

impl Absorb for FirstPass {
    fn absorb(&mut self, outcomes: Vec<Signing>) {
        for o in outcomes {
            match o {
                Signing::One(s) => self.absorb_one(s),
                Signing::Many(v) => v.into_iter().for_each(|s| self.absorb_one(s)),
            }
        }
    }

    fn issue(&mut self, issue: Issue) {
        self.issues.push(issue);
    }
}

impl FirstPass {
    fn new(num_perm: usize) -> Self {
        FirstPass {
            sets: Vec::new(),
            docs: Vec::new(),
            sigs: SignatureMatrix::new(num_perm),
            issues: Vec::new(),
            bytes: 0,
            paras: Vec::new(),
            para_keys: Vec::new(),
            doubled: Vec::new(),
        }
    }

    fn absorb_one(&mut self, o: Signed) {
        {
            self.issues.extend(o.issues);
            if let Some((info, sig, set)) = o.doc {
                let doc = self.docs.len() as u32;
                self.paras
                    .extend(o.paras.into_iter().map(|u| Unit { doc, ..u }));
                self.para_keys.extend(o.para_keys);
                if let Some(d) = o.doubled {
                    self.doubled.push((doc, d));
                }
                self.bytes += info.bytes;
                self.docs.push(info);
                self.sigs.extend_rows(&sig);
                self.sets.push(set);
            }
        }
    }
}

/// What signing one work item gives.
struct Signed {
    /// The document, its signature and its verification set if it already
    /// shares an LSH bucket (empty otherwise).
    doc: Option<(DocInfo, Vec<u32>, Vec<u64>)>,
    /// What the index keeps of it (records mode, documents with words).
    record: Option<Box<index::Record>>,
    paras: Vec<Unit>,
    para_keys: Vec<u64>,
    doubled: Option<Doubled>,
    issues: Vec<Issue>,
}

impl Signed {
    fn skipped(issues: Vec<Issue>) -> Self {
        Signed {
            doc: None,
            record: None,
            paras: Vec::new(),
            para_keys: Vec::new(),
            doubled: None,
            issues,
        }
    }
}

/// What the first pass needs to sign a document.
struct Signer<'c> {
    /// Whether to make an index record of every document.
    records: bool,
    /// Counters for a progress display.
    progress: Option<&'c Progress>,
    /// Document LSH parameters (chosen once: choosing costs a search).
    doc_p: LshParams,
    input: &'c InputConfig,
    m: &'c MatchConfig,
    hasher: MinHasher,
    paragraphs: Option<ParagraphSigner<'c>>,
    /// Document LSH as documents arrive (documents granularity).
    online: Option<(LshParams, SeenKeys)>,
}

/// Paragraph signing parameters.
struct ParagraphSigner<'c> {
    cfg: &'c ParagraphConfig,
    hasher: MinHasher,
    p: LshParams,
}

/// Per-thread buffers of the first pass.
#[derive(Default)]
struct Scratch {
    shingles: ShingleScratch,
    /// Paragraph mode: the words of the paragraphs, and shingle buffers.
    para_words: ParagraphWords,
    doc_shingles: Vec<u64>,
    para_shingles: Vec<u64>,
    doubled: DoubledScratch,
    /// A record's text (reused between records).
    text: String,
    band_keys: Vec<u64>,
    counts: Vec<u32>,
    words: WordScratch,
}

/// One unit of first-pass work.
enum Item {
    File { source: u32 },
    Line { source: u32, span: LineSpan },
}

impl Signer<'_> {
    /// Signs one document's text: its signature, whether it is empty, and
    /// its paragraph units with their band keys.
    fn sign(&self, text: &str, scratch: &mut Scratch) -> Sketch {
        // With paragraphs on, the text is tokenized once, paragraph by
        // paragraph (the paragraphs hold all its words), and the document,
        // its paragraphs and the doubled detector share the word hashes.
        let paras = self.paragraphs.as_ref().map(|_| segment::paragraphs(text));
        let sh = match &paras {
            Some(paras) => {
                scratch.para_words.fill(text, paras, &mut scratch.words);
                shingles_of_words(
                    &scratch.para_words.hashes,
                    self.m.shingle_size,
                    &mut scratch.doc_shingles,
                )
            }
            None => shingles(text, self.m.shingle_size, &mut scratch.shingles),
        };
        let empty = sh.is_empty();
        let mut sig = vec![0u32; self.m.num_perm];
        self.hasher.sign_into(sh, &mut sig);
        let mut set = Vec::new();
        if let (Some((p, seen)), false) = (&self.online, empty) {
            let keys = &mut scratch.band_keys;
            keys.clear();
            lsh::band_keys(&sig, *p, keys);
            if seen.insert_all(keys) {
                set = to_set(sh, &mut scratch.counts);
            }
        }
        let mut keys = Vec::new();
        let (units, doubled) = match (&self.paragraphs, &paras) {
            (Some(ps), Some(paras)) if !empty => {
                let units = paragraph::sign_paragraphs(
                    paras,
                    &scratch.para_words,
                    ps.cfg.shingle_size,
                    ps.cfg.min_words,
                    &ps.hasher,
                    ps.p,
                    &mut scratch.para_shingles,
                    &mut keys,
                );
                let doubled =
                    doubled::detect(text, paras, &scratch.para_words, &mut scratch.doubled);
                (units, doubled)
            }
            _ => (Vec::new(), None),
        };
        let content = match (&self.paragraphs, &paras) {
            (Some(ps), Some(paras)) if self.records && !empty => {
                let words = &scratch.para_words;
                let min = ps.cfg.min_words.max(1);
                Some(Content {
                    hash: index::content_hash(&words.hashes),
                    paragraphs: (0..paras.len())
                        .map(|i| words.of(i))
                        .filter(|w| w.len() >= min)
                        .map(index::content_hash)
                        .collect(),
                })
            }
            _ => None,
        };
        Sketch {
            sig,
            set,
            empty,
            units,
            keys,
            doubled,
            content,
        }
    }

    /// Signs one work item: a JSON Lines record, or every document of a
    /// file read whole.
    fn sign_item(
        &self,
        item: &Item,
        chunk: &[u8],
        sources: &[Source],
        scratch: &mut Scratch,
    ) -> Signing {
        match *item {
            Item::File { source } => Signing::Many(self.sign_file(source, sources, scratch)),
            Item::Line { source, span } => {
                Signing::One(self.sign_line(source, span, chunk, sources, scratch))
            }
        }
    }

    fn sign_file(&self, source: u32, sources: &[Source], scratch: &mut Scratch) -> Vec<Signed> {
        let src = &sources[source as usize];
        let (docs, lossy) = match read_file_docs(src, self.input) {
            Ok(d) => d,
            Err(msg) => return vec![Signed::skipped(vec![Issue::skipped_file(&src.name, msg)])],
        };
        let mut issues = Vec::new();
        if lossy {
            issues.push(Issue::warning(
                &src.name,
                None,
                "is not valid UTF-8; invalid bytes were replaced with U+FFFD",
            ));
        }
        let many = src.kind == SourceKind::Feed;
        let mut out: Vec<Signed> = docs
            .into_iter()
            .enumerate()
            .map(|(i, d)| {
                let loc = Locator {
                    source,
                    line: i as u64 + 1,
                    offset: i as u64,
                    len: 0,
                };
                let id = match d.id {
                    Some(id) => id,
                    None if many => format!("{}:{}", src.name, i + 1),
                    None => src.name.clone(),
                };
                self.sign_doc(d.text, id, loc, d.meta, Vec::new(), scratch)
            })
            .collect();
        match out.first_mut() {
            Some(first) => first.issues.extend(issues),
            None => out.push(Signed::skipped(issues)),
        }
        out
    }

    fn sign_line(
        &self,
        source: u32,
        span: LineSpan,
        chunk: &[u8],
        sources: &[Source],
        scratch: &mut Scratch,
    ) -> Signed {
        let mut issues = Vec::new();
        let LineSpan {
            line,
            offset,
            start,
            end,
        } = span;
        let src = &sources[source as usize];
        let raw = &chunk[start..end];
        let mut text = std::mem::take(&mut scratch.text);
        let (id, meta) = match parse_line_into(raw, self.input, &mut text) {
            Ok((id, meta, lossy)) => {
                if lossy {
                    issues.push(Issue::warning(
                        &src.name,
                        Some(line),
                        "is not valid UTF-8; invalid bytes were replaced with U+FFFD",
                    ));
                }
                (id, meta)
            }
            Err(msg) => {
                scratch.text = text;
                issues.push(Issue::skipped_record(&src.name, line, msg));
                return Signed::skipped(issues);
            }
        };
        let loc = Locator {
            source,
            line,
            offset,
            len: raw.len() as u64,
        };
        let id = id.unwrap_or_else(|| format!("{}:{}", src.name, line));
        self.sign_doc(text, id, loc, meta, issues, scratch)
    }

    /// Signs one document; its text buffer goes back to `scratch`.
    fn sign_doc(
        &self,
        text: String,
        id: String,
        loc: Locator,
        meta: Meta,
        issues: Vec<Issue>,
        scratch: &mut Scratch,
    ) -> Signed {
        let Sketch {
            sig,
            set,
            empty,
            units: paras,
            keys: para_keys,
            doubled,
            content,
        } = self.sign(&text, scratch);
        let bytes = text.len() as u64;
        if let Some(p) = self.progress {
            use std::sync::atomic::Ordering::Relaxed;
            p.documents.fetch_add(1, Relaxed);
            p.bytes.fetch_add(bytes, Relaxed);
        }
        let record = content
            .map(|c| Box::new(self.record(&id, loc, &meta, c, &sig, &paras, &para_keys, &text)));
        // Give the buffer back for the next record.
        scratch.text = text;
        Signed {
            doc: Some((
                DocInfo {
                    id,
                    loc,
                    empty,
                    bytes,
                    meta: (!meta.is_empty()).then(|| Box::new(meta)),
                },
                sig,
                set,
            )),
            record,
            paras,
            para_keys,
            doubled,
            issues,
        }
    }

    /// What the index keeps of a document: its keys (cut to 32 bits; the
    /// first [`index::PARAGRAPH_BANDS`] bands of each paragraph), hashes,
    /// signature and packed text.
    #[allow(clippy::too_many_arguments)]
    fn record(
        &self,
        id: &str,
        loc: Locator,
        meta: &Meta,
        content: Content,
        sig: &[u32],
        units: &[Unit],
        para_keys: &[u64],
        text: &str,
    ) -> index::Record {
        let mut doc_keys = Vec::new();
        lsh::band_keys(sig, self.doc_p, &mut doc_keys);
        let pb = self.paragraphs.as_ref().map_or(1, |ps| ps.p.bands);
        let keep = pb.min(index::PARAGRAPH_BANDS);
        let mut paragraph_keys: Vec<u32> = para_keys
            .chunks(pb)
            .flat_map(|k| k[..keep].iter().map(|&k| index::short_key(k)))
            .collect();
        paragraph_keys.sort_unstable();
        paragraph_keys.dedup();
        let mut keys: Vec<u32> = doc_keys.iter().map(|&k| index::short_key(k)).collect();
        keys.sort_unstable();
        keys.dedup();
        index::Record {
            id: id.to_string(),
            source: loc.source,
            line: loc.line,
            meta: meta.clone(),
            path: String::new(),
            content_hash: content.hash,
            signature: sig.to_vec(),
            doc_keys: keys,
            paragraph_keys,
            paragraphs: units
                .iter()
                .zip(content.paragraphs)
                .map(|(u, h)| (u.start_line, u.end_line, h))
                .collect(),
            packed_text: index::pack_text(text),
        }
    }
}

/// The outcome of one work item: one document, or a whole file's.
// `One` stays unboxed: it is the outcome of every JSON Lines record, and a
// box would cost an allocation each.
#[allow(clippy::large_enum_variant)]
enum Signing {
    One(Signed),
    Many(Vec<Signed>),
}

/// What signing one document gives.
struct Sketch {
    sig: Vec<u32>,
    set: Vec<u64>,
    empty: bool,
    units: Vec<Unit>,
    keys: Vec<u64>,
    doubled: Option<Doubled>,
    /// Content hashes (records mode).
    content: Option<Content>,
}

/// Hashes of a document's normalized words, whole and per paragraph unit.
struct Content {
    hash: u64,
    paragraphs: Vec<u64>,
}

/// Signs a batch of text files (they need no chunk) and absorbs the result.
fn run_batch(items: &mut Vec<Item>, sources: &[Source], signer: &Signer, first: &mut impl Absorb) {
    first.absorb(sign_batch(items, &[], sources, signer));
    items.clear();
}

fn sign_batch(items: &[Item], chunk: &[u8], sources: &[Source], signer: &Signer) -> Vec<Signing> {
    items
        .par_iter()
        .map_init(Scratch::default, |scratch, item| {
            signer.sign_item(item, chunk, sources, scratch)
        })
        .collect()
}

fn read_all(sources: &[Source], signer: &Signer, first: &mut impl Absorb) {
    use std::sync::atomic::Ordering::Relaxed;
    if let Some(p) = signer.progress {
        p.files_total.store(sources.len() as u64, Relaxed);
    }
    let mut items = Vec::new();
    for (si, src) in sources.iter().enumerate() {
        if first.stopped() {
            return;
        }
        if let Some(p) = signer.progress {
            p.files.fetch_add(1, Relaxed);
        }
        let source = si as u32;
        match src.kind {
            SourceKind::Text | SourceKind::Html | SourceKind::Feed => {
                items.push(Item::File { source });
                if items.len() >= BATCH_FILES {
                    run_batch(&mut items, sources, signer, first);
                }
            }
            SourceKind::JsonLines => {
                run_batch(&mut items, sources, signer, first);
                read_jsonl(source, sources, signer, first);
            }
        }
    }
    run_batch(&mut items, sources, signer, first);
}

/// Signs the records of one JSON Lines file, reading the next chunk while
/// the current one is signed.
fn read_jsonl(source: u32, sources: &[Source], signer: &Signer, first: &mut impl Absorb) {
    let src = &sources[source as usize];
    let mut reader = match compress::open(&src.path, src.compression) {
        Ok(stream) => ChunkReader::new(stream).with_max_line(signer.input.max_record_bytes),
        Err(e) => {
            first.issue(Issue::skipped_file(&src.name, unreadable_message(e)));
            return;
        }
    };
    let stopped = |first: &mut _, lines: u64, e: std::io::Error| {
        Absorb::issue(
            first,
            Issue::skipped_file(
                &src.name,
                format!(
                    "reading stopped after line {lines} ({e}); the records before it were kept"
                ),
            ),
        );
    };
    let (mut cur, mut next) = (Chunk::default(), Chunk::default());
    let mut more = match reader.next_chunk(&mut cur, BATCH_BYTES) {
        Ok(more) => more,
        Err(e) => return stopped(first, reader.lines_read(), e),
    };
    let mut items = Vec::new();
    while more && !first.stopped() {
        items.clear();
        items.extend(cur.lines.iter().map(|&span| Item::Line { source, span }));
        let max = signer.input.max_record_bytes;
        for &(line, bytes) in &cur.oversized {
            first.issue(Issue::skipped_record(
                &src.name,
                line,
                oversized_message(Some(bytes), max),
            ));
        }
        let lines_before = reader.lines_read();
        let (read, signed) = rayon::join(
            || reader.next_chunk(&mut next, BATCH_BYTES),
            || sign_batch(&items, &cur.bytes, sources, signer),
        );
        first.absorb(signed);
        more = match read {
            Ok(more) => more,
            Err(e) => {
                stopped(first, lines_before, e);
                false
            }
        };
        std::mem::swap(&mut cur, &mut next);
    }
}

/// The issue for a document that could not be read again.
fn reread_issue(sources: &[Source], loc: &Locator, message: String) -> Issue {
    let src = &sources[loc.source as usize];
    let line = (src.kind == SourceKind::JsonLines).then_some(loc.line);
    Issue {
        path: src.name.clone(),
        line,
        kind: IssueKind::Skipped,
        whole_file: line.is_none(),
        message,
    }
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

/// A paragraph unit and its sorted shingle set.
/// A candidate paragraph read again: its unit and its shingle set as 32-bit
/// fingerprints (the top half of each hash: paragraphs are short, so two
/// distinct shingles of a pair collide with odds of about 10⁻⁶ per pair,
/// and the sets take half the memory).
type UnitSet = (u32, Vec<u32>);

/// The 32-bit fingerprints of a sorted set of 64-bit hashes, still sorted.
fn narrow(set: Vec<u64>) -> Vec<u32> {
    let mut out: Vec<u32> = set.iter().map(|&x| (x >> 32) as u32).collect();
    out.dedup();
    out
}

/// Counts of the paragraph stage.
#[derive(Debug, Default, Clone)]
struct ParaStats {
    compared: u64,
    reprints: Vec<ParagraphReprint>,
}

/// Paragraph matching: LSH over the paragraph band keys, re-read the
/// documents holding candidate paragraphs (once each), verify, cluster,
/// classify.
fn paragraph_stage(
    first: &mut FirstPass,
    sources: &[Source],
    cfg: &Config,
    ps: &ParagraphSigner,
    doc_group: &[u32],
    rule: Rule,
) -> (Vec<ParagraphCluster>, ParaStats) {
    let groups = lsh::groups_from_keys(&first.para_keys, ps.p.bands);
    // The keys are not needed again: free them before the sets arrive.
    first.para_keys = Vec::new();
    let mut is_candidate = vec![false; first.paras.len()];
    for g in &groups {
        for &u in g {
            is_candidate[u as usize] = true;
        }
    }
    // Candidate units grouped by document (units are in document order).
    let candidates = (0..first.paras.len() as u32).filter(|&u| is_candidate[u as usize]);
    let by_doc = group_by_doc(&first.paras, candidates);
    let k = ps.cfg.shingle_size;
    let locs: Vec<Locator> = by_doc
        .iter()
        .map(|(d, _)| first.docs[*d as usize].loc)
        .collect();
    let paras = &first.paras;
    let loaded = reread_each(
        sources,
        &cfg.input,
        &locs,
        ShingleScratch::default,
        |scratch, i, text| -> Vec<UnitSet> {
            by_doc[i]
                .1
                .iter()
                .map(|&u| {
                    let set = shingle_set(paras[u as usize].text(text), k, scratch);
                    (u, narrow(set))
                })
                .collect()
        },
    );
    let mut sets: Vec<Vec<u32>> = vec![Vec::new(); first.paras.len()];
    for (r, loc) in loaded.into_iter().zip(&locs) {
        match r {
            Ok(units) => {
                for (u, set) in units {
                    sets[u as usize] = set;
                }
            }
            Err(msg) => first.issues.push(reread_issue(sources, loc, msg)),
        }
    }
    let (edges, vstats) = verify::verify_groups(&groups, |u| &sets[u as usize], |_, _| true, rule);
    drop(sets);
    let mut uf = UnionFind::new(first.paras.len());
    for e in &edges {
        uf.union(e.a, e.b);
    }
    let components = uf.components(2);

    // Excerpts: a third read, of the documents that hold clustered paragraphs only.
    let mut clustered: Vec<u32> = components.iter().flatten().copied().collect();
    clustered.sort_unstable();
    let by_doc = group_by_doc(&first.paras, clustered.into_iter());
    let locs: Vec<Locator> = by_doc
        .iter()
        .map(|(d, _)| first.docs[*d as usize].loc)
        .collect();
    let excerpts: Vec<(u32, String)> = reread_each(
        sources,
        &cfg.input,
        &locs,
        || (),
        |_, i, text| -> Vec<(u32, String)> {
            by_doc[i]
                .1
                .iter()
                .map(|&u| (u, paragraph::excerpt(paras[u as usize].text(text), 160)))
                .collect()
        },
    )
    .into_iter()
    .flat_map(Result::unwrap_or_default)
    .collect();
    let excerpt_of: std::collections::HashMap<u32, String> = excerpts.into_iter().collect();
    let short = |u: u32| -> String {
        let full = excerpt_of.get(&u).map_or("", String::as_str);
        paragraph::excerpt(full.trim_end_matches('…'), 60)
    };

    let docs = &first.docs;
    let paras = &first.paras;
    let sigs = &first.sigs;
    let out: Vec<(ParagraphCluster, Vec<u32>)> = components
        .into_par_iter()
        .map(|mut units| {
            let member_docs: Vec<u32> = units.iter().map(|&u| paras[u as usize].doc).collect();
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
                    let est = crate::minhash::estimate_jaccard(
                        sigs.row(x as usize),
                        sigs.row(y as usize),
                    );
                    doc_group[x as usize] == doc_group[y as usize]
                        || est - own >= paragraph::RELATED_JACCARD
                },
                ps.cfg.boilerplate_min_docs,
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
            let mut distinct = member_docs;
            distinct.sort_unstable();
            distinct.dedup();
            let members = units
                .iter()
                .map(|&u| {
                    let unit = &paras[u as usize];
                    let doc = &docs[unit.doc as usize];
                    ParagraphMember {
                        doc: doc.id.clone(),
                        path: sources[doc.loc.source as usize].name.clone(),
                        line: doc.loc.line,
                        start_line: unit.start_line,
                        end_line: unit.end_line,
                        excerpt: short(u),
                        first_seen: None,
                    }
                })
                .collect();
            let cluster = ParagraphCluster {
                id: 0,
                kind,
                documents: distinct.len(),
                occurrences: units.len(),
                excerpt: excerpt_of.get(&units[0]).cloned().unwrap_or_default(),
                members,
            };
            (cluster, distinct)
        })
        .collect::<Vec<_>>();
    let reprints = paragraph_reprints(first, doc_group, &out);
    let mut out: Vec<ParagraphCluster> = out.into_iter().map(|(c, _)| c).collect();
    out.sort_by(|a, b| {
        a.kind
            .cmp(&b.kind)
            .then(b.documents.cmp(&a.documents))
            .then(b.occurrences.cmp(&a.occurrences))
            .then_with(|| {
                let key =
                    |c: &ParagraphCluster| (c.members[0].doc.clone(), c.members[0].start_line);
                key(a).cmp(&key(b))
            })
    });
    for (i, c) in out.iter_mut().enumerate() {
        c.id = i + 1;
    }
    (
        out,
        ParaStats {
            compared: vstats.compared,
            reprints,
        },
    )
}

/// Document pairs in which most of one document's paragraphs reappear in the
/// other, outside any document cluster: reprints that whole-document scores
/// miss because one text is much longer. Boilerplate paragraphs do not count.
fn paragraph_reprints(
    first: &FirstPass,
    doc_group: &[u32],
    clusters: &[(ParagraphCluster, Vec<u32>)],
) -> Vec<ParagraphReprint> {
    let mut units_of = vec![0u32; first.docs.len()];
    for u in &first.paras {
        units_of[u.doc as usize] += 1;
    }
    let mut shared: std::collections::HashMap<(u32, u32), u32> = std::collections::HashMap::new();
    for (c, docs) in clusters {
        if c.kind != paragraph::Kind::Reprinted {
            continue;
        }
        for (i, &a) in docs.iter().enumerate() {
            for &b in &docs[i + 1..] {
                *shared.entry((a, b)).or_default() += 1;
            }
        }
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
            (n >= paragraph::REPRINT_MIN_SHARED
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

/// Turns components into report clusters: representative, exact scores of
/// every member against it, and the verified pairs inside. Returns the
/// clusters in report order together with their member indices.
fn build_clusters(
    docs: &[DocInfo],
    sources: &[Source],
    sets: &[Vec<u64>],
    edges: &[Edge],
    comps: Vec<Vec<u32>>,
) -> (Vec<DocumentCluster>, Vec<Vec<u32>>) {
    let mut comp_of = vec![u32::MAX; docs.len()];
    for (ci, c) in comps.iter().enumerate() {
        for &d in c {
            comp_of[d as usize] = ci as u32;
        }
    }
    let mut pairs_of: Vec<Vec<&Edge>> = vec![Vec::new(); comps.len()];
    for e in edges {
        pairs_of[comp_of[e.a as usize] as usize].push(e);
    }
    let mut built: Vec<(DocumentCluster, Vec<u32>)> = comps
        .into_par_iter()
        .zip(pairs_of)
        .map(|(mut members, cluster_edges)| {
            let id = |d: u32| docs[d as usize].id.as_str();
            let rep = *members
                .iter()
                .max_by(|&&x, &&y| {
                    sets[x as usize]
                        .len()
                        .cmp(&sets[y as usize].len())
                        .then_with(|| id(y).cmp(id(x)))
                        .then_with(|| y.cmp(&x))
                })
                .expect("components are non-empty");
            let meta = |d: u32| docs[d as usize].meta.as_deref();
            let date = |d: u32| meta(d).and_then(|m| m.date.as_deref());
            let dated = members.iter().any(|&d| date(d).is_some());
            if dated {
                // Earliest first: the likely original.
                members.sort_by(|&x, &y| {
                    (date(x).is_none(), date(x), id(x), x).cmp(&(
                        date(y).is_none(),
                        date(y),
                        id(y),
                        y,
                    ))
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
            let rep_set = &sets[rep as usize];
            let out_members = members
                .iter()
                .map(|&d| {
                    let s = verify::scores(rep_set, &sets[d as usize]);
                    let doc = &docs[d as usize];
                    let m = meta(d);
                    let field = |f: fn(&Meta) -> &Option<String>| m.and_then(|m| f(m).clone());
                    Member {
                        doc: doc.id.clone(),
                        path: sources[doc.loc.source as usize].name.clone(),
                        line: doc.loc.line,
                        shingles: sets[d as usize].len(),
                        jaccard: round4(s.jaccard),
                        containment: round4(s.containment),
                        url: field(|m| &m.url),
                        title: field(|m| &m.title),
                        date: field(|m| &m.date),
                        source: field(|m| &m.source),
                        first_seen: None,
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
        })
        .collect();
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
