//! The index workflows: `index add`, `index remove`, `index stats` and
//! `check`, joining [`pipeline`] and [`index`].
//!
//! A check reads the new documents once for their index records (keys,
//! hashes, packed text), brings back the indexed documents that share a
//! key with them, and scans the new documents together with those (written
//! to a temporary JSON Lines file that the scan reads as one more input).
//! Every finding with a checked document in it is reported, with the
//! indexed documents it matches; findings whose fingerprint is in the
//! baseline are known and do not fail the check.
//!
//! Fingerprints are of content, so that they are the same on every run
//! and in every document holding that content: a document finding hashes
//! the document's normalized words, a paragraph finding the paragraph's.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::config::{Config, NORMALIZATION};
use crate::error::{Error, Result};
use crate::index::{self, Added, Index, Mode, Record, Selection, Stored};
use crate::input::{Issue, IssueKind, Meta, SourceKind};
use crate::paragraph::Kind;
use crate::pipeline::{self, ExtraSource, ScanOptions};
use crate::report::check::{
    CheckReport, CheckSummary, Finding, FindingKind, IndexSummary, Match, Status,
    CHECK_SCHEMA_VERSION, MAX_MATCHES,
};
use crate::report::{Member, Report, Tool};

/// The path a check's indexed documents carry inside its scan, before
/// they get their origins back.
const SPOOL_NAME: &str = "<index>";

/// SQLite page cache while adding documents.
const WRITE_CACHE_MIB: u32 = 256;

/// Where the index is and how long to wait for another writer.
#[derive(Debug, Clone)]
pub struct IndexOptions {
    /// The index file.
    pub path: PathBuf,
    /// How long to wait while another process writes it.
    pub lock_timeout: Duration,
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

/// Adds every document under the configured paths to the index, one
/// transaction per batch read (so a killed run keeps the batches it
/// committed).
pub fn add(cfg: &Config, opts: &ScanOptions, ix: &IndexOptions) -> Result<AddOutcome> {
    let mut index = open(cfg, ix, Mode::Create)?;
    index.set_cache_mib(WRITE_CACHE_MIB)?;
    let first_seen = index::now();
    // A writer thread stores one batch while the next is read and signed.
    let (send, batches) = std::sync::mpsc::sync_channel::<Vec<Record>>(1);
    let writer = std::thread::spawn(move || -> Result<(Index, Added)> {
        let mut added = Added::default();
        for batch in batches {
            let a = index.add(&batch, &first_seen)?;
            added.added += a.added;
            added.known += a.known;
        }
        Ok((index, added))
    });
    let read = pipeline::index_records(cfg, opts, &mut |batch| {
        // A closed channel means the writer failed; its error is returned below.
        send.send(batch).map_err(|_| Error::Index {
            path: ix.path.clone(),
            message: "the index writer stopped".into(),
        })
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

/// Removes the selected documents and their keys, a transaction per
/// chunk of [`REMOVE_CHUNK`]; returns how many went.
pub fn remove(cfg: &Config, ix: &IndexOptions, selections: &[Selection]) -> Result<u64> {
    let mut index = open(cfg, ix, Mode::Existing)?;
    let mut chosen: Vec<i64> = Vec::new();
    for s in selections {
        chosen.extend(index.select(s)?);
    }
    chosen.sort_unstable();
    chosen.dedup();
    // A transaction per chunk: texts are re-signed for their keys, so only
    // a chunk of them is in memory at a time.
    let mut removed = 0;
    for chunk in chosen.chunks(REMOVE_CHUNK) {
        let texts = index.texts(chunk)?;
        let records = pipeline::index_records_of(cfg, &texts);
        let docs: Vec<(i64, Option<Record>)> = chunk.iter().copied().zip(records).collect();
        removed += index.remove(&docs)?;
    }
    Ok(removed)
}

/// Documents removed per transaction.
const REMOVE_CHUNK: usize = 4096;

/// Counts and parameters of an existing index (any parameters).
pub fn stats(ix: &IndexOptions) -> Result<index::Stats> {
    Index::open(&ix.path, None, Mode::Existing, ix.lock_timeout)?.stats()
}

/// Runs `PRAGMA integrity_check` on an existing index.
pub fn verify(ix: &IndexOptions) -> Result<()> {
    Index::open(&ix.path, None, Mode::Existing, ix.lock_timeout)?.integrity_check()
}

/// Accepted findings, by fingerprint.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Baseline {
    /// Always 1.
    pub version: u32,
    /// The accepted findings (only `fingerprint` is read; the rest is for people).
    pub findings: Vec<BaselineEntry>,
}

/// One accepted finding.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BaselineEntry {
    /// The finding's fingerprint.
    pub fingerprint: String,
    /// Its kind, for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The document it was first accepted for, for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// What it matched, for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Baseline {
    /// Reads a baseline file.
    pub fn read(path: &Path) -> Result<Baseline> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let b: Baseline = serde_json::from_slice(&bytes).map_err(|e| Error::Baseline {
            path: path.to_path_buf(),
            message: format!(
                "line {}: {e}; a baseline is the JSON that --write-baseline writes \
                 ({{\"version\": 1, \"findings\": [{{\"fingerprint\": \"…\"}}]}})",
                e.line()
            ),
        })?;
        if b.version != 1 {
            return Err(Error::Baseline {
                path: path.to_path_buf(),
                message: format!(
                    "has version {}; this build reads version 1 (write it again with --write-baseline)",
                    b.version
                ),
            });
        }
        Ok(b)
    }

    /// The baseline that accepts every finding of `report` (one entry per fingerprint).
    pub fn of(report: &CheckReport) -> Baseline {
        let mut seen = BTreeSet::new();
        let mut findings = Vec::new();
        for f in &report.findings {
            if seen.insert(f.fingerprint.clone()) {
                findings.push(BaselineEntry {
                    fingerprint: f.fingerprint.clone(),
                    kind: Some(f.kind.name().to_string()),
                    doc: Some(f.doc.clone()),
                    note: Some(f.message.clone()),
                });
            }
        }
        findings.sort_by(|a, b| a.fingerprint.cmp(&b.fingerprint));
        Baseline {
            version: 1,
            findings,
        }
    }

    /// Writes the baseline as pretty JSON.
    pub fn write(&self, path: &Path) -> Result<()> {
        let mut f = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
        serde_json::to_writer_pretty(&mut f, self)?;
        writeln!(f).map_err(|e| Error::io(path, e))?;
        Ok(())
    }

    fn fingerprints(&self) -> HashSet<&str> {
        self.findings
            .iter()
            .map(|e| e.fingerprint.as_str())
            .collect()
    }
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
    // The inputs are read twice: standard input is copied once, first.
    let mut opts = opts.clone();
    let _stdin = match cfg.paths.iter().any(|p| p.as_os_str() == "-") {
        true if opts.stdin_file.is_none() => {
            let mut spool = tempfile::NamedTempFile::new().map_err(|e| Error::io("-", e))?;
            std::io::copy(&mut std::io::stdin().lock(), &mut spool)
                .map_err(|e| Error::io("-", e))?;
            opts.stdin_file = Some(spool.path().to_path_buf());
            Some(spool)
        }
        _ => None,
    };
    let opts = &opts;
    let mut records: Vec<Record> = Vec::new();
    let read = pipeline::index_records(cfg, opts, &mut |batch| {
        records.extend(batch);
        Ok(())
    })?;
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
    if let Some(i) = &index {
        for r in &records {
            if i.contains(&r.id, r.content_hash)? {
                same.insert((r.id.as_str(), r.content_hash));
            }
        }
        let rowids = i.candidates(&records)?;
        history = i.fetch(&rowids)?;
        history.retain(|s| !same.contains(&(s.id.as_str(), s.content_hash)));
    }
    let already_indexed = records
        .iter()
        .filter(|r| same.contains(&(r.id.as_str(), r.content_hash)))
        .count() as u64;

    // The scan of the new documents and the indexed candidates.
    let spool = spool_history(cfg, &history)?;
    let scan_opts = ScanOptions {
        extra: Some(ExtraSource {
            path: spool.path().to_path_buf(),
            name: SPOOL_NAME.into(),
        }),
        ..opts.clone()
    };
    let outcome = pipeline::scan(cfg, scan_opts)?;
    drop(spool);
    let kinds: HashMap<String, SourceKind> = outcome
        .sources
        .iter()
        .map(|s| (s.name.clone(), s.kind))
        .collect();
    let mut scan = outcome.report;
    restore_origins(&mut scan, &history);

    let baseline = copts.baseline.as_ref().map(Baseline::fingerprints);
    let mut findings = findings(&scan, &records, &history, &kinds);
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
        documents_checked: read.documents,
        already_indexed,
        indexed_compared: history.len() as u64,
        findings: findings.len() as u64,
        new_findings,
        known_findings: findings.len() as u64 - new_findings,
        added: None,
        not_added_known: None,
    };
    if copts.update && !skipped {
        if let Some(i) = &mut index {
            i.set_cache_mib(WRITE_CACHE_MIB)?;
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

/// Writes the indexed candidates as JSON Lines with the configured field names.
fn spool_history(cfg: &Config, history: &[Stored]) -> Result<tempfile::NamedTempFile> {
    let mut file = tempfile::Builder::new()
        .prefix("reprint-index-")
        .suffix(".jsonl")
        .tempfile()
        .map_err(|e| Error::io(std::env::temp_dir(), e))?;
    let input = &cfg.input;
    {
        let mut w = std::io::BufWriter::new(file.as_file_mut());
        for s in history {
            let mut obj = serde_json::Map::new();
            obj.insert(input.id_field.clone(), s.id.clone().into());
            obj.insert(input.text_field.clone(), s.text.clone().into());
            let m = &s.meta;
            for (field, value) in [
                (&input.url_field, &m.url),
                (&input.title_field, &m.title),
                (&input.date_field, &m.date),
                (&input.source_field, &m.source),
            ] {
                if let Some(v) = value {
                    obj.insert(field.clone(), v.clone().into());
                }
            }
            serde_json::to_writer(&mut w, &obj)?;
            w.write_all(b"\n").map_err(|e| Error::io(file_path(), e))?;
        }
        w.flush().map_err(|e| Error::io(file_path(), e))?;
    }
    Ok(file)
}

fn file_path() -> PathBuf {
    std::env::temp_dir()
}

/// Gives the indexed members of a scan their origin and first-seen time,
/// and drops what involves no checked document.
fn restore_origins(scan: &mut Report, history: &[Stored]) {
    let restore = |path: &mut String, line: &mut u64, first_seen: &mut Option<String>| {
        if path == SPOOL_NAME {
            let s = &history[(*line - 1) as usize];
            *path = s.path.clone();
            *line = s.line;
            *first_seen = Some(s.first_seen.clone());
        }
    };
    scan.document_clusters
        .retain(|c| c.members.iter().any(|m| m.path != SPOOL_NAME));
    for (i, c) in scan.document_clusters.iter_mut().enumerate() {
        c.id = i + 1;
        for m in &mut c.members {
            restore(&mut m.path, &mut m.line, &mut m.first_seen);
        }
    }
    scan.paragraph_clusters
        .retain(|c| c.members.iter().any(|m| m.path != SPOOL_NAME));
    for (i, c) in scan.paragraph_clusters.iter_mut().enumerate() {
        c.id = i + 1;
        for m in &mut c.members {
            restore(&mut m.path, &mut m.line, &mut m.first_seen);
        }
    }
    scan.doubled_documents.retain(|d| d.path != SPOOL_NAME);
    scan.issues.retain(|i| i.path != SPOOL_NAME);
    let indexed_ids: HashSet<&str> = history.iter().map(|s| s.id.as_str()).collect();
    scan.paragraph_reprints
        .retain(|r| !indexed_ids.contains(r.doc.as_str()));
    scan.stats.clusters = scan.document_clusters.len() as u64;
    scan.stats.paragraph_clusters = scan.paragraph_clusters.len() as u64;
    scan.stats.doubled_documents = scan.doubled_documents.len() as u64;
    scan.stats.paragraph_reprints = scan.paragraph_reprints.len() as u64;
}

/// A match on a whole document, without scores; indexed when it has a
/// first-seen time.
fn meta_match(doc: &str, path: &str, line: u64, first_seen: Option<&str>, meta: &Meta) -> Match {
    Match {
        doc: doc.to_string(),
        path: path.to_string(),
        line,
        indexed: first_seen.is_some(),
        first_seen: first_seen.map(str::to_string),
        date: meta.date.clone(),
        source: meta.source.clone(),
        url: meta.url.clone(),
        title: meta.title.clone(),
        jaccard: None,
        containment: None,
        start_line: None,
    }
}

fn member_match(m: &Member, scores: Option<(f64, f64)>) -> Match {
    Match {
        doc: m.doc.clone(),
        path: m.path.clone(),
        line: m.line,
        indexed: m.first_seen.is_some(),
        first_seen: m.first_seen.clone(),
        date: m.date.clone(),
        source: m.source.clone(),
        url: m.url.clone(),
        title: m.title.clone(),
        jaccard: scores.map(|s| s.0),
        containment: scores.map(|s| s.1),
        start_line: None,
    }
}

/// Indexed first, then earliest published, then by id.
fn match_order(a: &Match, b: &Match) -> std::cmp::Ordering {
    (!a.indexed, a.first_seen.is_none(), &a.first_seen)
        .cmp(&(!b.indexed, b.first_seen.is_none(), &b.first_seen))
        .then_with(|| (a.date.is_none(), &a.date).cmp(&(b.date.is_none(), &b.date)))
        .then_with(|| (&a.doc, &a.path, a.line).cmp(&(&b.doc, &b.path, b.line)))
}

fn describe(m: &Match) -> String {
    let mut s = format!(
        "{} `{}` ({}",
        if m.indexed { "indexed" } else { "new" },
        m.doc,
        m.origin()
    );
    if let Some(d) = &m.date {
        s.push_str(&format!(", published {d}"));
    }
    if let Some(t) = &m.first_seen {
        s.push_str(&format!(", first seen {t}"));
    }
    s.push(')');
    s
}

fn truncate(mut matches: Vec<Match>) -> (Vec<Match>, usize) {
    matches.sort_by(match_order);
    let more = matches.len().saturating_sub(MAX_MATCHES);
    matches.truncate(MAX_MATCHES);
    (matches, more)
}

fn and_more(n: usize) -> String {
    match n {
        0 => String::new(),
        1 => " and 1 other document".into(),
        n => format!(" and {n} other documents"),
    }
}

/// One finding per checked document (or paragraph occurrence) in each
/// cluster, doubled document and paragraph reprint of the scan.
fn findings(
    scan: &Report,
    records: &[Record],
    history: &[Stored],
    kinds: &HashMap<String, SourceKind>,
) -> Vec<Finding> {
    let by_place: HashMap<(&str, u64), &Record> = records
        .iter()
        .map(|r| ((r.path.as_str(), r.line), r))
        .collect();
    let hash_of = |path: &str, line: u64| by_place.get(&(path, line)).map(|r| r.content_hash);
    let is_text = |path: &str| kinds.get(path) == Some(&SourceKind::Text);
    let fp = |kind: &[u8], h: Option<u64>, fallback: &str| match h {
        Some(h) => index::fingerprint(&[kind, &h.to_le_bytes()]),
        None => index::fingerprint(&[kind, fallback.as_bytes()]),
    };
    let mut out = Vec::new();

    for c in &scan.document_clusters {
        let pair: HashMap<(&str, &str), (f64, f64)> = c
            .pairs
            .iter()
            .map(|p| ((p.a.as_str(), p.b.as_str()), (p.jaccard, p.containment)))
            .collect();
        for m in c.members.iter().filter(|m| m.first_seen.is_none()) {
            let all: Vec<Match> = c
                .members
                .iter()
                .filter(|o| !std::ptr::eq(*o, m))
                .map(|o| {
                    let key = if m.doc <= o.doc {
                        (m.doc.as_str(), o.doc.as_str())
                    } else {
                        (o.doc.as_str(), m.doc.as_str())
                    };
                    member_match(o, pair.get(&key).copied())
                })
                .collect();
            let (matches, more) = truncate(all);
            let Some(best) = matches.first() else {
                continue;
            };
            let verb = if best.indexed { "copies" } else { "duplicates" };
            let mut message = format!(
                "{verb} {}{}",
                describe(best),
                and_more(matches.len() - 1 + more)
            );
            if let (Some(j), Some(k)) = (best.jaccard, best.containment) {
                message.push_str(&format!(": Jaccard {j:.2}, containment {k:.2}"));
            }
            out.push(Finding {
                status: Status::New,
                kind: FindingKind::DuplicateDocument,
                fingerprint: fp(b"document", hash_of(&m.path, m.line), &m.doc),
                doc: m.doc.clone(),
                path: m.path.clone(),
                line: m.line,
                message,
                matches,
                more_matches: more,
                cluster: Some(c.id),
            });
        }
    }

    // A paragraph match inside the document's own cluster is already said
    // by the document finding.
    let cluster_of: HashMap<(&str, u64), usize> = scan
        .document_clusters
        .iter()
        .flat_map(|c| {
            c.members
                .iter()
                .map(move |m| ((m.path.as_str(), m.line), c.id))
        })
        .collect();
    let same_cluster = |a: (&str, u64), b: (&str, u64)| {
        a != b
            && cluster_of
                .get(&a)
                .is_some_and(|x| cluster_of.get(&b) == Some(x))
    };
    for c in &scan.paragraph_clusters {
        let kind = match c.kind {
            Kind::Boilerplate => FindingKind::BoilerplateParagraph,
            Kind::Reprinted => FindingKind::ReprintedParagraph,
            Kind::WithinDocument => FindingKind::RepeatedWithinDocument,
        };
        for m in c.members.iter().filter(|m| m.first_seen.is_none()) {
            let all: Vec<Match> = c
                .members
                .iter()
                .filter(|o| !std::ptr::eq(*o, m))
                .filter(|o| !same_cluster((m.path.as_str(), m.line), (o.path.as_str(), o.line)))
                .map(|o| Match {
                    doc: o.doc.clone(),
                    path: o.path.clone(),
                    line: o.line,
                    indexed: o.first_seen.is_some(),
                    first_seen: o.first_seen.clone(),
                    date: None,
                    source: None,
                    url: None,
                    title: None,
                    jaccard: None,
                    containment: None,
                    start_line: Some(o.start_line),
                })
                .collect();
            let (matches, more) = truncate(all);
            let Some(best) = matches.first() else {
                continue;
            };
            let hash = by_place.get(&(m.path.as_str(), m.line)).and_then(|r| {
                r.paragraphs
                    .iter()
                    .find(|p| p.0 == m.start_line)
                    .map(|p| p.2)
            });
            let place = if best.doc == m.doc && best.path == m.path && best.line == m.line {
                format!(
                    "again at line {} of the same document",
                    best.start_line.unwrap_or(0)
                )
            } else {
                format!("also in {}", describe(best))
            };
            out.push(Finding {
                status: Status::New,
                kind,
                fingerprint: fp(b"paragraph", hash, &c.excerpt),
                doc: m.doc.clone(),
                path: m.path.clone(),
                line: if is_text(&m.path) {
                    u64::from(m.start_line)
                } else {
                    m.line
                },
                message: format!(
                    "paragraph \"{}\" ({} paragraph): {place}{}",
                    m.excerpt,
                    kind.name().split('_').next().unwrap_or_default(),
                    and_more(matches.len() - 1 + more)
                ),
                matches,
                more_matches: more,
                cluster: Some(c.id),
            });
        }
    }

    for d in &scan.doubled_documents {
        out.push(Finding {
            status: Status::New,
            kind: FindingKind::DoubledDocument,
            fingerprint: fp(b"doubled", hash_of(&d.path, d.line), &d.doc),
            doc: d.doc.clone(),
            path: d.path.clone(),
            line: if is_text(&d.path) {
                u64::from(d.split_line)
            } else {
                d.line
            },
            message: format!(
                "prints its article twice: the second copy starts at line {} of the text \
                 (score {:.2}, {} shared word 4-grams)",
                d.split_line, d.score, d.shared_4grams
            ),
            matches: Vec::new(),
            more_matches: 0,
            cluster: None,
        });
    }

    let record_by_id: HashMap<&str, &Record> =
        records.iter().rev().map(|r| (r.id.as_str(), r)).collect();
    let stored_by_id: HashMap<&str, &Stored> =
        history.iter().rev().map(|s| (s.id.as_str(), s)).collect();
    for r in &scan.paragraph_reprints {
        let Some(copy) = record_by_id.get(r.doc.as_str()) else {
            continue;
        };
        let of = match (
            record_by_id.get(r.of.as_str()),
            stored_by_id.get(r.of.as_str()),
        ) {
            (_, Some(s)) => meta_match(&s.id, &s.path, s.line, Some(&s.first_seen), &s.meta),
            (Some(n), None) => meta_match(&n.id, &n.path, n.line, None, &n.meta),
            (None, None) => continue,
        };
        out.push(Finding {
            status: Status::New,
            kind: FindingKind::ParagraphReprint,
            fingerprint: fp(b"reprint", Some(copy.content_hash), &r.doc),
            doc: r.doc.clone(),
            path: copy.path.clone(),
            line: copy.line,
            message: format!(
                "{} of its {} paragraphs reappear in {}",
                r.shared_paragraphs,
                r.paragraphs,
                describe(&of)
            ),
            matches: vec![of],
            more_matches: 0,
            cluster: None,
        });
    }
    out
}
