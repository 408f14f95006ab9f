//! The index workflows: `index add`, `index remove`, `index stats` and
//! `check`, joining [`pipeline`] and [`index`].
//!
//! A check reads and signs the new documents once, keeping their index
//! records (keys, hashes, text); brings back the indexed documents
//! that share a band key with them, and, with the reuse stage on, those
//! that share enough reuse keys ([`reuse`]); holds those in memory with
//! their origins (file, line, first-seen time) and finishes one scan over
//! both. Every finding with a checked document in it is reported
//! ([`findings`]), with the indexed documents it matches; findings whose
//! fingerprint is in the baseline are known and do not fail the check.
//!
//! Fingerprints are of content, so that they are the same on every run
//! and in every document holding that content: a document finding hashes
//! the document's normalized words, a paragraph finding the paragraph's.

mod baseline;
pub mod findings;
pub mod reuse;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;

pub use baseline::{Baseline, BaselineEntry};

use crate::config::{Config, NORMALIZATION};
use crate::error::{Error, Result};
use crate::index::{self, Added, Index, Mode, Record, Selection, Stored};
use crate::input::{Held, Issue, IssueKind, SourceKind};
use crate::pipeline::{self, HeldDocument, Scan, ScanOptions};
use crate::report::check::{
    CheckReport, CheckSummary, Finding, FindingKind, IndexSummary, Status, CHECK_SCHEMA_VERSION,
};
use crate::report::Tool;

/// SQLite page cache while adding documents (rows are appended; only
/// the content and id indexes are written out of order).
const WRITE_CACHE_MIB: u32 = 64;

/// Where the index is and how long to wait for another writer.
#[derive(Debug, Clone)]
pub struct IndexOptions {
    /// The index file.
    pub path: PathBuf,
    /// How long to wait while another process writes it.
    pub lock_timeout: Duration,
}

impl IndexOptions {
    /// The index at `path`, waiting up to `lock_timeout` seconds (0 or more;
    /// capped at a day) for another writer.
    pub fn new(path: PathBuf, lock_timeout: f64) -> Result<Self> {
        if !(lock_timeout.is_finite() && lock_timeout >= 0.0) {
            return Err(Error::InvalidParam(format!(
                "--lock-timeout takes seconds (0 or more), not {lock_timeout}"
            )));
        }
        Ok(IndexOptions {
            path,
            lock_timeout: Duration::from_secs_f64(lock_timeout.min(86_400.0)),
        })
    }
}

/// The parameters an index records: everything that changes signatures or
/// keys. Opening an index with other values is an error.
pub fn index_params(cfg: &Config) -> Vec<(String, String)> {
    let m = &cfg.matching;
    let p = pipeline::lsh_params(m);
    let pp = pipeline::paragraph_lsh_params(m, &cfg.paragraphs);
    let pc = &cfg.paragraphs;
    [
        ("normalization", NORMALIZATION.to_string()),
        ("shingle_size", m.shingle_size.to_string()),
        ("num_perm", m.num_perm.to_string()),
        ("seed", m.seed.to_string()),
        ("sketch", m.sketch.name().to_string()),
        ("bands", p.bands.to_string()),
        ("rows", p.rows.to_string()),
        ("paragraph_shingle_size", pc.shingle_size.to_string()),
        ("paragraph_num_perm", pc.num_perm.to_string()),
        ("paragraph_bands", pp.bands.to_string()),
        ("paragraph_rows", pp.rows.to_string()),
        ("min_paragraph_words", pc.min_words.to_string()),
        (
            "indexed_paragraph_bands",
            pp.bands.min(index::PARAGRAPH_BANDS).to_string(),
        ),
        ("reuse_sample", cfg.reuse.sample.to_string()),
        (
            "indexed_reuse_subsample",
            index::REUSE_KEY_SUBSAMPLE.to_string(),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

fn open(cfg: &Config, ix: &IndexOptions, mode: Mode) -> Result<Index> {
    Index::open(&ix.path, Some(&index_params(cfg)), mode, ix.lock_timeout)
}

/// What `index add` did.
#[derive(Debug, Clone, Serialize)]
pub struct AddOutcome {
    /// Documents read.
    pub documents: u64,
    /// Documents without words (not indexed).
    pub empty: u64,
    /// Documents added, and those whose content was already there.
    #[serde(flatten)]
    pub added: Added,
    /// Documents in the index afterwards.
    pub total: u64,
    /// Input problems.
    pub issues: Vec<Issue>,
}

/// What the reading side of `index add` hands the writer.
enum ToWriter {
    /// A dictionary (number, bytes) the texts that follow may be packed
    /// with (trained on a batch: the index had none, or the texts drifted).
    Dictionary(u32, Vec<u8>),
    /// Records, their texts packed.
    Batch(Vec<Record>),
}

/// Adds every document under the configured paths to the index: texts
/// packed in parallel as batches are read, written by one thread (which
/// also packs a text against the base [`Index::insert`] finds for it, in
/// a pool of its own), one transaction per [`index::FLUSH_PAIRS`] key
/// pairs (so a killed run keeps what it committed, and memory stays
/// bounded).
pub fn add(cfg: &Config, opts: &ScanOptions, ix: &IndexOptions) -> Result<AddOutcome> {
    let mut index = open(cfg, ix, Mode::Create)?;
    index.set_cache_mib(WRITE_CACHE_MIB)?;
    let first_seen = index::now();
    // The write is open before the dictionary is read: no other writer
    // can store one while this run packs texts with its own.
    index.begin()?;
    let mut packer = index.packer();
    // A writer thread stores one batch while the next is read and signed
    // (packing texts against their bases in a pool of its own).
    let (send, batches) = std::sync::mpsc::sync_channel::<ToWriter>(1);
    let pool = pipeline::thread_pool(cfg)?;
    let writer = std::thread::spawn(move || -> Result<(Index, Added)> {
        let mut added = Added::default();
        pool.install(|| -> Result<()> {
            for msg in batches {
                match msg {
                    ToWriter::Dictionary(id, dict) => index.add_dictionary(id, dict)?,
                    ToWriter::Batch(batch) => {
                        let a = index.insert(&batch, &first_seen)?;
                        added.added += a.added;
                        added.known += a.known;
                        index.flush_if_full()?;
                    }
                }
            }
            Ok(())
        })?;
        index.commit()?;
        Ok((index, added))
    });
    let stopped = |_| Error::Index {
        path: ix.path.clone(),
        message: "the index writer stopped".into(),
    };
    // Packed over plain bytes of the batch the current dictionary was
    // trained on (or of the first batch packed with it).
    let mut trained_ratio: Option<f64> = None;
    let read = pipeline::index_records(cfg, opts, &mut |mut batch| {
        let mut ratio = index::pack_all(&packer, &mut batch);
        let drifted = trained_ratio.is_some_and(|t| ratio > t * index::DRIFT);
        if packer.dictionary().is_none() || drifted {
            let texts = batch.iter().map(|r| r.text.as_str()).collect::<Vec<_>>();
            if let Some(dict) = index::Packer::train(texts.into_iter()) {
                let id = packer.next_id();
                packer = packer.with(id, dict.clone());
                ratio = index::pack_all(&packer, &mut batch);
                trained_ratio = None;
                // A closed channel means the writer failed; its error is returned below.
                send.send(ToWriter::Dictionary(id, dict)).map_err(stopped)?;
            }
        }
        if packer.dictionary().is_some() && trained_ratio.is_none() {
            trained_ratio = Some(ratio);
        }
        // The texts stay: the writer packs them against their bases.
        send.send(ToWriter::Batch(batch)).map_err(stopped)
    });
    drop(send);
    let written = writer.join().map_err(|_| Error::Index {
        path: ix.path.clone(),
        message: "the index writer panicked".into(),
    })?;
    let (index, added) = written?;
    let out = read?;
    Ok(AddOutcome {
        documents: out.documents,
        empty: out.empty,
        added,
        total: index.len()?,
        issues: out.issues,
    })
}

/// Gives each checked document found to copy or derive from an indexed
/// one the row of the first such (the one its finding names first) as the
/// base to pack its text against when it is added.
fn hint_bases(findings: &[Finding], records: &mut [Record], history: &[Stored]) {
    let rows: HashMap<(&str, &str, u64), i64> = history
        .iter()
        .map(|s| ((s.id.as_str(), s.path.as_str(), s.line), s.rowid))
        .collect();
    let mut hints: HashMap<(&str, &str), i64> = HashMap::new();
    for f in findings {
        if !matches!(
            f.kind,
            FindingKind::DuplicateDocument | FindingKind::DerivedDocument
        ) {
            continue;
        }
        let indexed = f.matches.iter().find(|m| m.indexed);
        if let Some(&row) = indexed.and_then(|m| rows.get(&(&*m.doc, &*m.path, m.line))) {
            hints.entry((&f.doc, &f.path)).or_insert(row);
        }
    }
    for r in records.iter_mut() {
        r.base_hint = hints.get(&(r.id.as_str(), r.path.as_str())).copied();
    }
}

/// Removes the selected documents and their keys, a transaction per
/// chunk of 4,096 documents; returns how many went.
pub fn remove(cfg: &Config, ix: &IndexOptions, selections: &[Selection]) -> Result<u64> {
    let mut index = open(cfg, ix, Mode::Existing)?;
    let mut chosen: Vec<i64> = Vec::new();
    for s in selections {
        chosen.extend(index.select(s)?);
    }
    chosen.sort_unstable();
    chosen.dedup();
    // One transaction: the documents go, and one pass over the key runs
    // takes their keys out.
    index.remove(&chosen)
}

/// Counts and parameters of an existing index (any parameters).
pub fn stats(ix: &IndexOptions) -> Result<index::Stats> {
    Index::open(&ix.path, None, Mode::Existing, ix.lock_timeout)?.stats()
}

/// Runs `PRAGMA integrity_check` on an existing index.
pub fn verify(ix: &IndexOptions) -> Result<()> {
    Index::open(&ix.path, None, Mode::Existing, ix.lock_timeout)?.integrity_check()
}

/// How a check runs.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// Add the checked documents to the index after the check (one
    /// transaction), unless an input had to be skipped.
    pub update: bool,
    /// Accepted findings.
    pub baseline: Option<Baseline>,
}

/// Checks the configured paths against the index.
pub fn check(
    cfg: &Config,
    opts: &ScanOptions,
    ix: &IndexOptions,
    copts: &CheckOptions,
) -> Result<CheckReport> {
    pipeline::thread_pool(cfg)?.install(|| check_in_pool(cfg, opts, ix, copts))
}

fn check_in_pool(
    cfg: &Config,
    opts: &ScanOptions,
    ix: &IndexOptions,
    copts: &CheckOptions,
) -> Result<CheckReport> {
    // One read of the new documents: signed for the scan, with their index records.
    let mut scan = Scan::new(cfg, opts, true)?;
    scan.read_inputs();
    let documents_checked = scan.documents() as u64;
    let records = scan.take_records();
    let existed = ix.path.exists();
    let mut index = if existed || copts.update {
        Some(open(cfg, ix, Mode::Create)?)
    } else {
        None
    };
    let before = match &index {
        Some(i) => i.len()?,
        None => 0,
    };
    // Documents already indexed as themselves are not compared with that copy.
    let mut same: HashSet<(&str, u64)> = HashSet::new();
    let mut history: Vec<Stored> = Vec::new();
    let mut by_reuse = 0;
    if let Some(i) = &index {
        // Rows holding a new document's content: a copy, never a source.
        let mut own_rows: HashSet<i64> = HashSet::new();
        for r in &records {
            if let Some((row, id)) = i.content_row(r.content_hash)? {
                own_rows.insert(row);
                if id == r.id {
                    same.insert((r.id.as_str(), r.content_hash));
                }
            }
        }
        let by_keys = i.candidates(&records)?;
        let mut rowids = by_keys.clone();
        if pipeline::reuse_on(cfg) {
            rowids.extend(reuse::candidates(i, &records, cfg, &own_rows)?);
            rowids.sort_unstable();
            rowids.dedup();
        }
        history = i.fetch(&rowids)?;
        history.retain(|s| !same.contains(&(s.id.as_str(), s.content_hash)));
        by_reuse = history
            .iter()
            .filter(|s| by_keys.binary_search(&s.rowid).is_err())
            .count() as u64;
    }
    let already_indexed = records
        .iter()
        .filter(|r| same.contains(&(r.id.as_str(), r.content_hash)))
        .count() as u64;

    // The indexed candidates join the scan in memory, with their origins.
    scan.hold(
        history
            .iter_mut()
            .map(|s| HeldDocument {
                id: s.id.clone(),
                meta: s.meta.clone(),
                held: Held {
                    path: s.path.clone(),
                    line: s.line,
                    first_seen: Some(s.first_seen.clone()),
                    text: std::mem::take(&mut s.text),
                },
            })
            .collect(),
    );
    let outcome = scan.finish();
    let kinds: HashMap<&str, SourceKind> = outcome
        .corpus
        .sources
        .iter()
        .map(|s| (s.name.as_str(), s.kind))
        .collect();
    let scan = outcome.report;

    let baseline = copts.baseline.as_ref().map(Baseline::fingerprints);
    let mut findings = findings::findings(&scan, &records, &history, &|path: &str| {
        kinds.get(path) == Some(&SourceKind::Text)
    })?;
    for f in &mut findings {
        if baseline
            .as_ref()
            .is_some_and(|b| b.contains(f.fingerprint.as_str()))
        {
            f.status = Status::Known;
        }
    }
    findings.sort_by(|a, b| {
        (a.status, &a.path, a.line, a.kind, &a.doc, &a.fingerprint).cmp(&(
            b.status,
            &b.path,
            b.line,
            b.kind,
            &b.doc,
            &b.fingerprint,
        ))
    });
    let new_findings = findings.iter().filter(|f| f.status == Status::New).count() as u64;
    let skipped = scan.issues.iter().any(|i| i.kind == IssueKind::Skipped);
    let mut summary = CheckSummary {
        documents_checked,
        already_indexed,
        indexed_compared: history.len() as u64,
        indexed_by_reuse: by_reuse,
        findings: findings.len() as u64,
        new_findings,
        known_findings: findings.len() as u64 - new_findings,
        added: None,
        not_added_known: None,
    };
    if copts.update && !skipped {
        if let Some(i) = &mut index {
            i.set_cache_mib(WRITE_CACHE_MIB)?;
            let mut records = records;
            hint_bases(&findings, &mut records, &history);
            i.train_dictionary(&records)?;
            index::pack_all(&i.packer(), &mut records);
            let a = i.add(&records, &index::now())?;
            summary.added = Some(a.added);
            summary.not_added_known = Some(a.known);
        }
    }
    Ok(CheckReport {
        version: CHECK_SCHEMA_VERSION,
        tool: Tool::default(),
        index: IndexSummary {
            path: ix.path.display().to_string(),
            documents: before,
            existed,
        },
        summary,
        findings,
        scan,
    })
}
