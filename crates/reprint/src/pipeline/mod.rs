//! The only place where the stages meet.
//!
//! ```text
//! input ─read (one reader)─▶ sign (per document, in parallel) ─▶ FirstPass
//! FirstPass ─lsh─▶ candidate groups ─match_units (re-read, verify, cluster)─▶ document clusters
//! FirstPass ─paragraph lsh─▶ groups ─match_units─▶ paragraph clusters, reprints
//! everything ─assemble─▶ Report
//! ```
//!
//! [`scan`] is that composition. [`Scan`] exposes its steps so that `check`
//! can read and sign its inputs once, look their keys up in the index, hold
//! the indexed documents it brings back in memory, and finish the same scan
//! over both.
//!
//! Memory: the first pass keeps, per document, its id, its [`Origin`] and
//! its signature; text is dropped as soon as it is signed. A document one
//! of whose band keys an earlier document already had shares an LSH bucket,
//! so it gets its sorted shingle set while its text is at hand. The
//! candidates without one are read again (mostly the first of each bucket),
//! and every candidate's set is kept until verification is done. The
//! signatures are parked after document LSH; paragraph clusters and reuse
//! links past the findings budget wait in a temporary file
//! ([`crate::report::List`]) until the report is written.
//!
//! Determinism: every parallel step collects in input order or sorts its
//! output, so the report is identical for any thread count.

mod assemble;
mod first_pass;
mod matching;
mod paragraphs;
mod reuse;
mod sign;
mod texts;

use std::time::{Duration, Instant};

pub(crate) use assemble::issue_counts;
pub use assemble::{document_clusters, params, reuse_on, DocView};
pub use matching::pair_filter_by;
pub use reuse::{ReuseEdge, WAVE_DOCS};
pub use sign::{DocInfo, DocSketch, Scratch, Signer};
pub use texts::finding_texts;

use crate::config::{Config, MatchConfig, ParagraphConfig};
use crate::error::{Error, Result};
use crate::index;
pub use crate::input::Progress;
use crate::input::{discover, Corpus, Held, Issue, Meta, Origin, Source, StdinFormat};
use crate::lsh::{self, LshParams};
use crate::report::{Report, Stats};
use crate::shingle::{shingle_set, ShingleScratch};
use crate::verify::{self, Rule};

use first_pass::{FirstPass, RecordSink};
use matching::{match_units, pair_filter, Sets, Waves};

/// Below this Jaccard, LSH candidates are not worth finding even for the
/// containment rule: a copy that keeps less than half of the longer text.
pub const LSH_THRESHOLD_FLOOR: f64 = 0.5;

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

/// Everything a scan found, before formatting: the report plus the
/// per-document view that evaluation and the HTML report need.
#[derive(Debug)]
pub struct ScanOutcome {
    /// The report, ready to write.
    pub report: Report,
    /// Every document read, in input order (held documents last).
    pub docs: Vec<DocInfo>,
    /// Document clusters as indices into `docs` (same order as the report).
    pub clusters: Vec<Vec<u32>>,
    /// Reuse links by document index (same order as the report's `reuse`),
    /// with the derived documents' passages as word ranges.
    pub reuse: Vec<ReuseEdge>,
    /// The sources read and the documents held, for reading texts again
    /// (`docs[i].origin`); it keeps standard input's spool alive.
    pub corpus: Corpus,
    /// Wall time of each stage, in order (for `--verbose`; not in the report).
    pub timings: Vec<(&'static str, Duration)>,
}

/// Options of a scan that are not about matching.
#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    /// What standard input holds.
    pub stdin_format: StdinFormat,
    /// Counters to update as documents are read (for a progress bar).
    pub progress: Option<std::sync::Arc<Progress>>,
    /// Bytes of document verification sets held at once (`None`:
    /// [`DEFAULT_SET_BUDGET`]). Half goes to sets made while documents are
    /// read, half to those read again; past it, candidates are verified in
    /// waves and read again as needed. It never changes a result.
    pub set_budget: Option<usize>,
    /// Bytes of paragraph clusters and reuse links held in memory until
    /// the report is written (`None`: [`DEFAULT_FINDINGS_BUDGET`]); past
    /// it, findings wait in a temporary file and are read back one at a
    /// time as the report is written. It never changes a result.
    pub findings_budget: Option<usize>,
    /// Sources read after the PATHs: documents an outside driver (the
    /// Python package) holds, written by it to a file (a JSON Lines spool)
    /// that it keeps until the scan is done, so they go through the one
    /// reader with its keep-going rules.
    pub sources: Vec<Source>,
}

/// The default [`ScanOptions::set_budget`]: 512 MiB.
pub const DEFAULT_SET_BUDGET: usize = 512 << 20;

/// The default [`ScanOptions::findings_budget`]: 256 MiB.
pub const DEFAULT_FINDINGS_BUDGET: usize = 256 << 20;

/// `--set-budget MIB` as the bytes of [`ScanOptions::set_budget`]: at
/// least 1 MiB.
pub fn set_budget_bytes(mib: u64) -> Result<usize> {
    if mib == 0 {
        return Err(Error::InvalidParam(
            "--set-budget must be at least 1 (MiB)".into(),
        ));
    }
    Ok(mib_bytes(mib))
}

/// `--findings-budget MIB` as the bytes of
/// [`ScanOptions::findings_budget`]: 0 keeps every finding in a file.
pub fn findings_budget_bytes(mib: u64) -> usize {
    mib_bytes(mib)
}

fn mib_bytes(mib: u64) -> usize {
    usize::try_from(mib.saturating_mul(1 << 20)).unwrap_or(usize::MAX)
}

/// What a stage may hold in memory.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Budgets {
    /// Bytes of verification sets.
    pub sets: usize,
    /// Bytes of findings.
    pub findings: usize,
}

/// Each document's place among the documents sorted by id (equal ids,
/// equal places): report order by id without comparing strings.
fn id_ranks(docs: &[DocInfo]) -> Vec<u32> {
    use rayon::slice::ParallelSliceMut;
    let mut order: Vec<u32> = (0..docs.len() as u32).collect();
    order.par_sort_unstable_by(|&a, &b| docs[a as usize].id.cmp(&docs[b as usize].id));
    let mut rank = vec![0u32; docs.len()];
    let mut r = 0u32;
    for (i, &d) in order.iter().enumerate() {
        if i > 0 && docs[order[i - 1] as usize].id != docs[d as usize].id {
            r += 1;
        }
        rank[d as usize] = r;
    }
    rank
}

/// The estimated bytes of the shingle set of a text of `bytes` bytes (a
/// 64-bit shingle per word, about six bytes of text).
fn set_bytes(bytes: u64) -> usize {
    usize::try_from(bytes + bytes / 3).unwrap_or(usize::MAX)
}

/// Wall time per stage.
#[derive(Debug)]
pub struct Timer {
    lap: Instant,
    stages: Vec<(&'static str, Duration)>,
}

impl Timer {
    fn new() -> Self {
        Timer {
            lap: Instant::now(),
            stages: Vec::new(),
        }
    }

    /// Ends the stage `name`, begun at the last mark.
    pub fn mark(&mut self, name: &'static str) {
        release_free_memory();
        self.stages.push((name, self.lap.elapsed()));
        self.lap = Instant::now();
    }
}

/// Hands the pages that the stage just ended freed back to the system.
/// glibc's allocator keeps freed memory in each thread's arena for reuse,
/// so without this the next stage's peak lands on top of the last one's
/// leftovers. A no-op elsewhere.
pub(crate) fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        extern "C" {
            fn malloc_trim(pad: usize) -> std::os::raw::c_int;
        }
        // SAFETY: malloc_trim takes no pointers and may be called at any
        // time from any thread; it only returns free pages to the kernel.
        unsafe {
            malloc_trim(0);
        }
    }
}

/// Runs a whole scan: reads every input, finds and verifies duplicates, and
/// builds the report.
pub fn scan(cfg: &Config, opts: ScanOptions) -> Result<ScanOutcome> {
    let pool = thread_pool(cfg)?;
    pool.install(|| {
        let mut scan = Scan::new(cfg, &opts, false)?;
        scan.read_inputs();
        Ok(scan.finish())
    })
}

/// A rayon pool of `--threads` workers (all cores by default); run a
/// [`Scan`] inside it (`pool.install`).
pub fn thread_pool(cfg: &Config) -> Result<rayon::ThreadPool> {
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

/// A document to hold in a scan: an indexed document that `check`
/// compares the new ones with.
#[derive(Debug, Clone)]
pub struct HeldDocument {
    /// Its id.
    pub id: String,
    /// Its metadata.
    pub meta: Meta,
    /// Where it is shown and its text.
    pub held: Held,
}

/// A scan in steps: [`Scan::new`] finds the inputs, [`Scan::read_inputs`]
/// reads and signs them, [`Scan::hold`] adds documents held in memory, and
/// [`Scan::finish`] matches everything and assembles the report. Findings
/// that involve held documents only are left out.
pub struct Scan<'c> {
    cfg: &'c Config,
    signer: Signer<'c>,
    corpus: Corpus,
    first: FirstPass,
    ignored_files: u64,
    progress: Option<std::sync::Arc<Progress>>,
    set_budget: usize,
    findings_budget: usize,
    timer: Timer,
    start: Instant,
}

impl<'c> Scan<'c> {
    /// Validates `cfg` and finds its inputs. With `keep_records`, the first
    /// pass also keeps every document's index record ([`Scan::take_records`]).
    pub fn new(cfg: &'c Config, opts: &ScanOptions, keep_records: bool) -> Result<Self> {
        cfg.matching.validate()?;
        cfg.paragraphs.validate()?;
        let start = Instant::now();
        let mut discovered = discover(&cfg.paths, &cfg.input, opts.stdin_format)?;
        discovered.sources.extend(opts.sources.iter().cloned());
        let set_budget = opts.set_budget.unwrap_or(DEFAULT_SET_BUDGET);
        let signer = Signer::for_scan(cfg, keep_records).with_online_budget(set_budget / 2);
        let para_bands = cfg
            .granularity
            .paragraphs()
            .then(|| signer.paragraph_params().map(|p| p.bands))
            .flatten();
        let mut first = FirstPass::new(
            cfg.matching.num_perm,
            para_bands,
            assemble::reuse_on(cfg),
            keep_records,
        );
        first.issues = std::mem::take(&mut discovered.issues);
        Ok(Scan {
            cfg,
            signer,
            set_budget,
            findings_budget: opts.findings_budget.unwrap_or(DEFAULT_FINDINGS_BUDGET),
            ignored_files: discovered.ignored_files,
            corpus: Corpus::from(discovered),
            first,
            progress: opts.progress.clone(),
            timer: Timer::new(),
            start,
        })
    }

    /// Reads and signs every input document.
    pub fn read_inputs(&mut self) {
        first_pass::read_inputs(
            &self.corpus,
            &self.cfg.input,
            &self.signer,
            self.progress.as_deref(),
            &mut self.first,
        );
        self.timer.mark("read and sign");
    }

    /// Documents read so far.
    pub fn documents(&self) -> usize {
        self.first.docs.len()
    }

    /// The index records of the documents read so far (with `keep_records`).
    pub fn take_records(&mut self) -> Vec<index::Record> {
        self.first.records.take().unwrap_or_default()
    }

    /// Adds documents held in memory, after the inputs, in order.
    pub fn hold(&mut self, docs: Vec<HeldDocument>) {
        let first = self.corpus.held.len();
        for (signed, held) in first_pass::sign_held(docs, first, &self.signer) {
            self.first.absorb_one(signed);
            self.corpus.held.push(held);
        }
        self.timer.mark("sign held");
    }

    /// Matches documents and paragraphs and assembles the report.
    pub fn finish(mut self) -> ScanOutcome {
        let cfg = self.cfg;
        self.signer.forget_seen_keys();
        let corpus = &self.corpus;
        let first = &mut self.first;
        first.shrink();
        let timer = &mut self.timer;
        assemble::warn_duplicate_ids(&first.docs, corpus, &mut first.issues);
        // Held documents are context: a finding needs an input document.
        let inputs: Vec<bool> = first
            .docs
            .iter()
            .map(|d| matches!(d.origin, Origin::Input(_)))
            .collect();
        let visible = |d: u32| inputs[d as usize];

        let documents = document_stage(first, corpus, cfg, &visible, self.set_budget, timer);
        let doc_group = doc_groups(&inputs, &documents.members);
        let pp = cfg
            .granularity
            .paragraphs()
            .then(|| self.signer.paragraph_params())
            .flatten();
        // Paragraph clusters and reuse links are reported by id.
        let id_rank = if pp.is_some() || assemble::reuse_on(cfg) {
            id_ranks(&first.docs)
        } else {
            Vec::new()
        };
        let paragraphs = match pp {
            Some(pp) => paragraphs::paragraph_stage(
                first,
                corpus,
                cfg,
                pp,
                &doc_group,
                &visible,
                documents.rule,
                Budgets {
                    sets: self.set_budget,
                    findings: self.findings_budget,
                },
                &id_rank,
                timer,
            ),
            None => paragraphs::Paragraphs {
                findings_left: self.findings_budget,
                ..Default::default()
            },
        };
        // Nothing after the paragraph stage reads the signatures or the
        // paragraph units: the reuse stage's peak need not hold them.
        let paragraph_count = first.paras.len() as u64;
        first.sigs = crate::minhash::SignatureMatrix::new(0);
        first.parked = None;
        first.paras = Vec::new();
        timer.mark("paragraphs");
        let doubled_documents = assemble::doubled_documents(first, corpus, &visible);
        let reuse = if assemble::reuse_on(cfg) {
            let mut issues = Vec::new();
            let r = reuse::reuse_stage(
                first,
                corpus,
                cfg,
                (&doc_group, &id_rank),
                &visible,
                paragraphs.findings_left,
                &mut issues,
            );
            first.issues.extend(issues);
            r
        } else {
            reuse::Reuse::default()
        };
        timer.mark("reuse");

        let mut issues = std::mem::take(&mut first.issues);
        issues.sort();
        let stats = Stats {
            inputs: corpus.sources.len() as u64,
            documents: first.docs.len() as u64,
            empty_documents: first.docs.iter().filter(|d| d.empty).count() as u64,
            ignored_files: self.ignored_files,
            bytes: first.bytes,
            candidate_groups: documents.groups,
            candidate_documents: documents.candidates,
            compared_pairs: documents.compared,
            verified_pairs: documents.verified,
            clusters: documents.clusters.len() as u64,
            documents_in_clusters: documents.clusters.iter().map(|c| c.size as u64).sum(),
            paragraphs: paragraph_count,
            paragraph_compared_pairs: paragraphs.compared,
            paragraph_clusters: paragraphs.clusters.len() as u64,
            doubled_documents: doubled_documents.len() as u64,
            paragraph_reprints: paragraphs.reprints.len() as u64,
            reuse_candidate_pairs: reuse.candidate_pairs,
            reuse_links: reuse.links.len() as u64,
            threads: rayon::current_num_threads() as u64,
            elapsed_ms: self.start.elapsed().as_millis() as u64,
            ..assemble::issue_counts(&issues)
        };
        let report = Report {
            stats,
            issues,
            document_clusters: documents.clusters,
            paragraph_clusters: paragraphs.clusters,
            paragraph_reprints: paragraphs.reprints,
            doubled_documents,
            reuse: reuse.links,
            ..Report::new(params(cfg))
        };
        ScanOutcome {
            report,
            docs: std::mem::take(&mut self.first.docs),
            clusters: documents.members,
            reuse: reuse.edges,
            corpus: self.corpus,
            timings: self.timer.stages,
        }
    }
}

/// What the document stage found.
struct Documents {
    rule: Rule,
    /// Candidate groups, candidate documents, pairs compared and verified.
    groups: u64,
    candidates: u64,
    compared: u64,
    verified: u64,
    /// The clusters in report order, and their members as document indices.
    clusters: Vec<crate::report::DocumentCluster>,
    members: Vec<Vec<u32>>,
}

/// Documents: LSH over those with shingles, `match_units` (sets from the
/// first pass or read again), and the clusters with a visible member.
fn document_stage(
    first: &mut FirstPass,
    corpus: &Corpus,
    cfg: &Config,
    visible: &(dyn Fn(u32) -> bool + Sync),
    set_budget: usize,
    timer: &mut Timer,
) -> Documents {
    let m = &cfg.matching;
    let rule = Rule {
        threshold: m.threshold,
        containment: m.containment,
    };
    let live: Vec<u32> = if cfg.granularity.documents() {
        (0..first.docs.len() as u32)
            .filter(|&d| !first.docs[d as usize].empty)
            .collect()
    } else {
        Vec::new()
    };
    let groups = lsh::candidate_groups(&first.sigs, &live, lsh_params(m));
    first.park_signatures(cfg.granularity.paragraphs(), set_budget / 8);
    timer.mark("document lsh");
    let mut sets = Sets::from_vecs(std::mem::take(&mut first.sets));
    let mut issues = Vec::new();
    let docs = &first.docs;
    let mut load = |missing: &[u32], sets: &mut Sets<u64>| {
        let origins: Vec<Origin> = missing.iter().map(|&d| docs[d as usize].origin).collect();
        let loaded = corpus.texts(
            &cfg.input,
            &origins,
            ShingleScratch::default,
            |scratch, _, text| shingle_set(text, m.shingle_size, scratch),
        );
        for ((&d, &origin), r) in missing.iter().zip(&origins).zip(loaded) {
            match r {
                Ok(set) => sets.put(d, set),
                Err(msg) => issues.push(corpus.reread_issue(origin, msg)),
            }
        }
    };
    let cost = |d: u32| set_bytes(docs[d as usize].bytes);
    let waves = Waves {
        budget: set_budget / 2,
        cost: &cost,
    };
    let matched = match_units(
        docs.len(),
        &groups,
        &mut sets,
        &mut load,
        Some(waves),
        pair_filter(docs, m),
        rule,
        true,
        (timer, "re-read candidates"),
    );
    let components: Vec<Vec<u32>> = matched
        .components
        .into_iter()
        .filter(|c| c.iter().any(|&d| visible(d)))
        .collect();
    // The clusters, a batch of components at a time: each batch loads the
    // sets its members lack (none when verification held every set).
    let view = assemble::view(docs, corpus);
    let pairs_of = assemble::edges_by_component(&matched.edges, &components);
    let mut built = Vec::with_capacity(components.len());
    let mut batch: (Vec<Vec<u32>>, Vec<Vec<&verify::Edge>>) = (Vec::new(), Vec::new());
    let mut batch_cost = 0usize;
    let lacking_cost = |members: &[u32], sets: &Sets<u64>| -> usize {
        members
            .iter()
            .filter(|&&d| sets.lacks(d))
            .map(|&d| cost(d))
            .sum()
    };
    let mut pending = components.into_iter().zip(pairs_of).peekable();
    while let Some((members, edges)) = pending.next() {
        batch_cost += lacking_cost(&members, &sets);
        batch.0.push(members);
        batch.1.push(edges);
        let fits_next = pending
            .peek()
            .is_some_and(|(c, _)| batch_cost + lacking_cost(c, &sets) <= set_budget / 2);
        if fits_next {
            continue;
        }
        let missing = matching::lacking(&batch.0, &sets);
        load(&missing, &mut sets);
        let (comps, edges) = std::mem::take(&mut batch);
        built.extend(assemble::build_clusters(
            &view,
            &|d| sets.get(d),
            comps,
            edges,
        ));
        for &d in &missing {
            sets.remove(d);
        }
        batch_cost = 0;
    }
    let (clusters, members) = assemble::order_clusters(built);
    // A document whose reading failed is reported once, whatever the waves.
    issues.sort();
    issues.dedup();
    first.issues.extend(issues);
    drop(sets);
    timer.mark("verify and cluster");
    Documents {
        rule,
        groups: groups.len() as u64,
        candidates: matched.candidates,
        compared: matched.compared,
        verified: matched.edges.len() as u64,
        clusters,
        members,
    }
}

/// Per document, the smallest member of its document cluster (or itself):
/// paragraphs shared inside a cluster are reprints, not boilerplate.
/// A cluster with a held member (a check's indexed document) is headed by
/// its smallest held member instead: the reuse stage links documents derived
/// from the cluster to its head, and that names the indexed original.
fn doc_groups(inputs: &[bool], clusters: &[Vec<u32>]) -> Vec<u32> {
    let mut group: Vec<u32> = (0..inputs.len() as u32).collect();
    for c in clusters {
        let held = c.iter().copied().filter(|&d| !inputs[d as usize]).min();
        let head = held
            .or_else(|| c.iter().copied().min())
            .expect("clusters are non-empty");
        for &d in c {
            group[d as usize] = head;
        }
    }
    group
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
        let mut discovered = discover(&cfg.paths, &cfg.input, opts.stdin_format)?;
        discovered.sources.extend(opts.sources.iter().cloned());
        let mut out = RecordSink {
            sink,
            error: None,
            documents: 0,
            empty: 0,
            issues: std::mem::take(&mut discovered.issues),
        };
        let corpus = Corpus::from(discovered);
        let signer = Signer::new(cfg);
        first_pass::read_inputs(
            &corpus,
            &cfg.input,
            &signer,
            opts.progress.as_deref(),
            &mut out,
        );
        if let Some(e) = out.error {
            return Err(e);
        }
        let mut issues = out.issues;
        issues.sort();
        Ok(RecordsOutcome {
            documents: out.documents,
            empty: out.empty,
            issues,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Format;

    /// A text of `words` pseudo-random words from a 500-word vocabulary,
    /// in paragraphs of 40 words.
    fn text(seed: u64, words: usize) -> String {
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let mut out = String::new();
        for i in 0..words {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if i > 0 {
                out.push_str(if i % 40 == 0 { ".\n\n" } else { " " });
            }
            out.push_str(&format!("w{}", x % 500));
        }
        out
    }

    #[test]
    fn a_tiny_set_budget_changes_no_finding() {
        let dir = stories();
        let cfg = Config::new(vec![dir.path().to_path_buf()]);
        let report = |budget: Option<usize>| {
            let opts = ScanOptions {
                set_budget: budget,
                ..ScanOptions::default()
            };
            let mut v = serde_json::to_value(&scan(&cfg, opts).unwrap().report).unwrap();
            v["stats"].as_object_mut().unwrap().remove("elapsed_ms");
            v
        };
        let whole = report(None);
        assert!(whole["document_clusters"].as_array().unwrap().len() >= 6);
        assert!(!whole["paragraph_clusters"].as_array().unwrap().is_empty());
        // One byte: every group is a wave, every cluster a batch of its own,
        // and the signatures wait in a file for paragraph classification.
        assert_eq!(report(Some(1)), whole);
        assert_eq!(report(Some(20_000)), whole);
    }

    #[test]
    fn findings_in_a_temporary_file_make_the_same_reports() {
        let dir = stories();
        let cfg = Config::new(vec![dir.path().to_path_buf()]);
        let reports = |budget: Option<usize>| {
            let opts = ScanOptions {
                findings_budget: budget,
                ..ScanOptions::default()
            };
            let outcome = scan(&cfg, opts).unwrap();
            let mut r = outcome.report;
            r.stats.elapsed_ms = 0;
            let spilled = (r.paragraph_clusters.spilled(), r.reuse.spilled());
            let mut written = Vec::new();
            for format in [Format::Json, Format::Jsonl, Format::Text] {
                let mut out = Vec::new();
                crate::report::write(&r, format, &mut out).unwrap();
                written.push(String::from_utf8(out).unwrap());
            }
            (spilled, written, r.reuse.len())
        };
        let (held, whole, links) = reports(None);
        assert_eq!(held, (false, false));
        assert!(links > 0, "the stories hold reuse links");
        // None held, and some held before the budget ran out.
        for budget in [0, 3_000] {
            let (spilled, written, _) = reports(Some(budget));
            assert_eq!(spilled, (true, true), "budget {budget}");
            assert_eq!(written, whole, "budget {budget}");
        }
    }

    /// Six stories, each with a copy with a new ending, a trimmed copy, a
    /// page that quotes its first paragraph, and one that takes half of it.
    fn stories() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for story in 0..6u64 {
            let base = text(story + 1, 300);
            std::fs::write(dir.path().join(format!("s{story}-a.txt")), &base).unwrap();
            // A copy with a new ending, a trimmed copy, and one with a paragraph of another story.
            let mut ending = base.clone();
            ending.push_str(&format!("\n\n{}", text(story + 100, 40)));
            std::fs::write(dir.path().join(format!("s{story}-b.txt")), ending).unwrap();
            std::fs::write(
                dir.path().join(format!("s{story}-c.txt")),
                &base[..base.len() * 4 / 5],
            )
            .unwrap();
            let mixed = format!("{}\n\n{}", text(story + 200, 200), &base[..300]);
            std::fs::write(dir.path().join(format!("s{story}-d.txt")), mixed).unwrap();
            // A story that takes half of this one's text: a reuse link.
            let derived = format!("{}\n\n{}", text(story + 300, 250), &base[..base.len() / 2]);
            std::fs::write(dir.path().join(format!("s{story}-e.txt")), derived).unwrap();
        }
        dir
    }
}
