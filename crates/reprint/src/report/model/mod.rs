//! The data of a scan's report: what every scan format writes.
//!
//! In: the values [`crate::pipeline`] assembles. Out: plain, serializable
//! structs; the JSON report is their serde form, field for field, so a field
//! added here is a field added to the schema ("JSON output" in the README;
//! fields are only ever added, and [`SCHEMA_VERSION`] says which schema).
//! Lists arrive sorted, so a report does not depend on thread count.
//!
//! No writer lives here: the formats ([`super::text`], [`super::json`],
//! [`super::html`], ...) import these types, never the other way round.
//! [`check`] holds the report of `reprint check`, and [`page`] what the HTML
//! page carries besides the report.

pub mod check;
mod list;
pub mod page;

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::config::Granularity;
use crate::input::{Issue, Meta};
use crate::paragraph::Kind;
pub use crate::reuse::{DirectionRule, Grade};
pub(crate) use list::ListBuilder;
pub use list::{List, Listed};

/// The version of the JSON report schema.
pub const SCHEMA_VERSION: u32 = 1;

/// The whole result of a scan.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Schema version, [`SCHEMA_VERSION`].
    pub version: u32,
    /// The program that wrote it.
    pub tool: Tool,
    /// Every parameter that changes results.
    pub params: Params,
    /// Counts and timing.
    pub stats: Stats,
    /// Problems with inputs, sorted by path and line.
    pub issues: Vec<Issue>,
    /// Clusters of near-duplicate documents, largest first.
    pub document_clusters: Vec<DocumentCluster>,
    /// Clusters of repeated paragraphs: boilerplate first, then reprinted,
    /// then within-document; inside a kind, most documents first.
    pub paragraph_clusters: List<ParagraphCluster>,
    /// Documents most of whose paragraphs reappear in another document that
    /// no document cluster joins them to, by id.
    pub paragraph_reprints: Vec<ParagraphReprint>,
    /// Documents that hold their own article twice, by id.
    pub doubled_documents: Vec<DoubledDocument>,
    /// Documents derived from others through aligned passages, by derived
    /// document then source (granularity `all`; see "Reuse" in the README).
    pub reuse: List<ReuseLink>,
}

/// A document derived from another: the passages it took, graded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReuseLink {
    /// The derived document's id.
    pub doc: String,
    /// The file it came from.
    pub path: String,
    /// Its line in that file.
    pub line: u64,
    /// When the index first saw it (`check`: indexed documents only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_seen: Option<String>,
    /// The source document's id.
    pub source: String,
    /// The file the source came from.
    pub source_path: String,
    /// The source's line in that file.
    pub source_line: u64,
    /// When the index first saw the source (`check`: indexed documents only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_first_seen: Option<String>,
    /// `wholly` or `partially` derived.
    pub grade: Grade,
    /// Share of the derived document's words inside the passages.
    pub coverage: f64,
    /// Share of the source's words inside the passages.
    pub source_coverage: f64,
    /// What chose the source: `date` (published earlier), `coverage` (undated
    /// or the same day: its own words are covered less) or `input_order`.
    pub direction_rule: DirectionRule,
    /// The aligned passages, in the derived document's order.
    pub passages: Vec<ReusePassage>,
}

/// A passage of a derived document aligned with its source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReusePassage {
    /// First and last line of the passage in the derived document's text.
    pub doc_lines: [u32; 2],
    /// First and last line of the passage in the source's text.
    pub source_lines: [u32; 2],
    /// Words of the derived document in the passage.
    pub words: u32,
    /// Words of the source in the passage.
    pub source_words: u32,
    /// Words inside shared word trigrams over the longer side's words: 1 for
    /// a verbatim copy, lower the more was reworded.
    pub similarity: f64,
    /// The passage in the derived document, up to 160 characters.
    pub excerpt: String,
}

/// A document most of whose paragraphs reappear in another, longer one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParagraphReprint {
    /// The reprint (the document with fewer matchable paragraphs).
    pub doc: String,
    /// The document it reprints from.
    pub of: String,
    /// Paragraphs of `doc` that reappear in `of` (reprinted clusters only, never boilerplate).
    pub shared_paragraphs: usize,
    /// Matchable paragraphs of `doc`.
    pub paragraphs: usize,
    /// Matchable paragraphs of `of`.
    pub of_paragraphs: usize,
}

/// A document that holds its own article twice (verbatim or reworded).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DoubledDocument {
    /// Document id.
    pub doc: String,
    /// The file it came from.
    pub path: String,
    /// The document's line in that file.
    pub line: u64,
    /// Line (within the document text) where the second copy starts.
    pub split_line: u32,
    /// Content-word Jaccard of the two halves.
    pub score: f64,
    /// Distinct word 4-grams the halves share.
    pub shared_4grams: usize,
    /// The longest word runs both halves contain (normalized words).
    pub shared_phrases: Vec<String>,
}

/// A paragraph that occurs more than once in the corpus.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParagraphCluster {
    /// 1-based position in the report.
    pub id: usize,
    /// `boilerplate`, `reprinted` or `within_document`.
    pub kind: Kind,
    /// Distinct documents the paragraph occurs in.
    pub documents: usize,
    /// Occurrences (a paragraph repeated in one document counts each time).
    pub occurrences: usize,
    /// The first occurrence's text, up to 160 characters.
    pub excerpt: String,
    /// Every occurrence, by document id then line.
    pub members: Vec<ParagraphMember>,
}

/// One occurrence of a repeated paragraph. Its strings are shared (a
/// scan makes one of each distinct id, path and excerpt): a large corpus
/// has millions of members.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParagraphMember {
    /// Document id.
    pub doc: Arc<str>,
    /// The file it came from.
    pub path: Arc<str>,
    /// The document's line in that file (1 for a text file, the record's line for JSON Lines).
    pub line: u64,
    /// First line of the paragraph within the document text (for a text file: within the file).
    pub start_line: u32,
    /// Last line of the paragraph within the document text.
    pub end_line: u32,
    /// The paragraph's first 60 characters.
    pub excerpt: Arc<str>,
    /// When the index first saw its document (`check` only: set for indexed documents).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_seen: Option<String>,
}

/// Name and version of the program.
#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    /// Always `reprint`.
    pub name: &'static str,
    /// The crate version.
    pub version: &'static str,
}

impl Default for Tool {
    fn default() -> Self {
        Tool {
            name: "reprint",
            version: env!("CARGO_PKG_VERSION"),
        }
    }
}

/// The parameters a report was made with.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Params {
    /// Normalization scheme name.
    pub normalization: &'static str,
    /// Which findings were looked for: `documents`, `paragraphs` or `all`.
    pub granularity: Granularity,
    /// Words per shingle.
    pub shingle_size: usize,
    /// MinHash permutations.
    pub num_perm: usize,
    /// MinHash seed.
    pub seed: u64,
    /// Document sketch: `one-permutation` or `permutations`.
    pub sketch: &'static str,
    /// Jaccard threshold.
    pub threshold: f64,
    /// Containment threshold, or null when the containment rule is off.
    pub containment: Option<f64>,
    /// Whether documents of one outlet were kept from matching (`skip`) or
    /// not (`match`).
    pub same_source: &'static str,
    /// The publication window in days, or null when there is none.
    pub window_days: Option<u32>,
    /// The Jaccard the LSH bands were tuned for (see README, "Thresholds").
    pub lsh_threshold: f64,
    /// LSH bands.
    pub bands: usize,
    /// LSH rows per band.
    pub rows: usize,
    /// Words per paragraph shingle.
    pub paragraph_shingle_size: usize,
    /// MinHash permutations per paragraph.
    pub paragraph_num_perm: usize,
    /// Paragraphs with fewer words are not matched.
    pub min_paragraph_words: usize,
    /// Unrelated documents a paragraph must occur in to be boilerplate.
    pub boilerplate_min_docs: usize,
    /// Paragraph LSH bands (null when paragraphs are off).
    pub paragraph_bands: Option<usize>,
    /// Paragraph LSH rows per band (null when paragraphs are off).
    pub paragraph_rows: Option<usize>,
    /// Whether passage-level reuse was looked for.
    pub reuse: bool,
    /// Least coverage of a `partially` derived link.
    pub reuse_min_coverage: f64,
    /// Least coverage of a `wholly` derived link.
    pub reuse_wholly: f64,
    /// Reuse fingerprints held by more document groups pair none of them.
    pub reuse_max_df: usize,
}

/// Counts of what a scan did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Files read (a JSONL file counts once).
    pub inputs: u64,
    /// Documents read.
    pub documents: u64,
    /// Documents without a single word (never matched).
    pub empty_documents: u64,
    /// Files that could not be read, or were skipped as binary.
    pub skipped_inputs: u64,
    /// JSON Lines records that were skipped (malformed, no text).
    pub skipped_records: u64,
    /// Warnings (for example invalid UTF-8 decoded lossily).
    pub warnings: u64,
    /// Files inside the directories given that were not read because of their extension.
    pub ignored_files: u64,
    /// Text bytes of all documents read.
    pub bytes: u64,
    /// Candidate groups (LSH buckets with two or more members, unique).
    pub candidate_groups: u64,
    /// Documents in at least one candidate group: the ones read a second time.
    pub candidate_documents: u64,
    /// Pairs whose exact similarity was computed.
    pub compared_pairs: u64,
    /// Distinct pairs verified as duplicates.
    pub verified_pairs: u64,
    /// Document clusters.
    pub clusters: u64,
    /// Documents that are in some cluster.
    pub documents_in_clusters: u64,
    /// Paragraphs long enough to be matched.
    pub paragraphs: u64,
    /// Paragraph pairs whose exact similarity was computed.
    pub paragraph_compared_pairs: u64,
    /// Paragraph clusters.
    pub paragraph_clusters: u64,
    /// Documents flagged as holding their article twice.
    pub doubled_documents: u64,
    /// Paragraph reprint relations.
    pub paragraph_reprints: u64,
    /// Document pairs aligned by the reuse stage.
    pub reuse_candidate_pairs: u64,
    /// Reuse links reported.
    pub reuse_links: u64,
    /// Worker threads used.
    pub threads: u64,
    /// Wall-clock time of the scan, in milliseconds.
    pub elapsed_ms: u64,
}

/// A cluster of near-duplicate documents.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocumentCluster {
    /// 1-based position in the report.
    pub id: usize,
    /// Number of members.
    pub size: usize,
    /// The member the others are scored against: the one with the most
    /// distinct shingles (the most complete version), ties to the smallest id.
    pub representative: String,
    /// The earliest dated member: the likely original (absent when no
    /// member has a date).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub earliest: Option<String>,
    /// By date (earliest first, undated last, ties by id) when any member
    /// has a date; otherwise the representative first, then by id.
    pub members: Vec<Member>,
    /// The verified pairs that joined the cluster, by `(a, b)`.
    pub pairs: Vec<Pair>,
}

/// A document in a cluster.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Member {
    /// Document id.
    pub doc: String,
    /// The file it came from.
    pub path: String,
    /// Its line in that file (1 for a text file).
    pub line: u64,
    /// Distinct shingles.
    pub shingles: usize,
    /// Exact Jaccard with the representative (1 for the representative).
    pub jaccard: f64,
    /// Exact containment with the representative (1 for the representative).
    pub containment: f64,
    /// What its source says of it: url, title, date, source (each only
    /// when known).
    #[serde(flatten)]
    pub meta: Meta,
    /// When the index first saw it (`check` only: set for indexed documents).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_seen: Option<String>,
}

/// A verified pair.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pair {
    /// One document id (the smaller).
    pub a: String,
    /// The other document id.
    pub b: String,
    /// Exact Jaccard of their shingle sets.
    pub jaccard: f64,
    /// Exact containment of the smaller set in the larger.
    pub containment: f64,
    /// Shingles they share.
    pub shared: usize,
}

/// Rounds a score to 4 decimals, so reports are readable and stable.
pub fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

impl Listed for ParagraphCluster {
    fn weight(&self) -> usize {
        // Members share their strings; count each excerpt once per member
        // as an upper bound.
        std::mem::size_of::<Self>()
            + self.excerpt.len()
            + self
                .members
                .iter()
                .map(|m| std::mem::size_of::<ParagraphMember>() + m.excerpt.len())
                .sum::<usize>()
    }

    fn place(&mut self, position: usize) {
        self.id = position + 1;
    }
}

impl Listed for ReuseLink {
    fn weight(&self) -> usize {
        std::mem::size_of::<Self>()
            + self.doc.len()
            + self.path.len()
            + self.source.len()
            + self.source_path.len()
            + self
                .passages
                .iter()
                .map(|p| std::mem::size_of::<ReusePassage>() + p.excerpt.len())
                .sum::<usize>()
    }
}
