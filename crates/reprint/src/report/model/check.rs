//! The data of a check's report: findings that involve the checked
//! documents, each with a stable fingerprint.
//!
//! In: the findings [`crate::check`] builds and the scan behind them. Out:
//! plain, serializable structs; the JSON check report is their serde form
//! (schema version [`CHECK_SCHEMA_VERSION`]). The text, JSON, SARIF and
//! GitHub writers ([`crate::report::check_text`], [`crate::report::sarif`],
//! [`crate::report::github`]) import these types; nothing here writes.

use serde::{Deserialize, Serialize};

use super::{Report, Tool};
use crate::input::Meta;
use crate::reuse::{DirectionRule, Grade};

/// The version of the check report's JSON schema.
pub const CHECK_SCHEMA_VERSION: u32 = 1;

/// The whole result of a check.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// Schema version, [`CHECK_SCHEMA_VERSION`].
    pub version: u32,
    /// The program that wrote it.
    pub tool: Tool,
    /// The index checked against.
    pub index: IndexSummary,
    /// Counts.
    pub summary: CheckSummary,
    /// Every finding that involves a checked document: new ones first,
    /// then by path, line and kind.
    pub findings: Vec<Finding>,
    /// The scan behind the findings: the checked documents together with
    /// the indexed documents that share an LSH key or enough reuse keys
    /// with them (indexed members carry `first_seen`).
    pub scan: Report,
}

/// The index a check used.
#[derive(Debug, Clone, Serialize)]
pub struct IndexSummary {
    /// Its file.
    pub path: String,
    /// Documents it held before the check.
    pub documents: u64,
    /// Whether the file existed (a missing index is an empty one).
    pub existed: bool,
}

/// Counts of a check.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CheckSummary {
    /// Documents read from the PATHs.
    pub documents_checked: u64,
    /// Of them, documents already in the index (same id and content): not
    /// compared with their own indexed copy.
    pub already_indexed: u64,
    /// Indexed documents brought back as candidates and compared.
    pub indexed_compared: u64,
    /// Of them, those brought back by shared reuse fingerprints alone (no
    /// shared band key): candidate sources of derived documents.
    pub indexed_by_reuse: u64,
    /// Findings in all.
    pub findings: u64,
    /// Findings not in the baseline: these fail the check.
    pub new_findings: u64,
    /// Findings in the baseline.
    pub known_findings: u64,
    /// Documents added to the index (`--update`), if it was updated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub added: Option<u64>,
    /// Documents not added because their content was already indexed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_added_known: Option<u64>,
}

/// What a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// The document is a near-duplicate of other documents.
    DuplicateDocument,
    /// Most of the document's paragraphs reappear in a longer document.
    ParagraphReprint,
    /// The document holds its own article twice.
    DoubledDocument,
    /// A paragraph reprinted from (or into) a few other documents.
    ReprintedParagraph,
    /// A paragraph that repeats across many unrelated documents.
    BoilerplateParagraph,
    /// A paragraph repeated inside one document.
    RepeatedWithinDocument,
    /// The document shares aligned passages with another: derived from it
    /// (a reuse link), or, against an indexed document derived from it,
    /// its source.
    DerivedDocument,
}

impl FindingKind {
    /// Every kind, in rule order.
    pub const ALL: [FindingKind; 7] = [
        FindingKind::DuplicateDocument,
        FindingKind::ParagraphReprint,
        FindingKind::DoubledDocument,
        FindingKind::ReprintedParagraph,
        FindingKind::BoilerplateParagraph,
        FindingKind::RepeatedWithinDocument,
        FindingKind::DerivedDocument,
    ];

    /// The snake-case name (JSON, SARIF rule id suffix).
    pub fn name(self) -> &'static str {
        match self {
            FindingKind::DuplicateDocument => "duplicate_document",
            FindingKind::ParagraphReprint => "paragraph_reprint",
            FindingKind::DoubledDocument => "doubled_document",
            FindingKind::ReprintedParagraph => "reprinted_paragraph",
            FindingKind::BoilerplateParagraph => "boilerplate_paragraph",
            FindingKind::RepeatedWithinDocument => "repeated_within_document",
            FindingKind::DerivedDocument => "derived_document",
        }
    }

    /// A one-line description.
    pub fn describe(self) -> &'static str {
        match self {
            FindingKind::DuplicateDocument => {
                "The document is a near-duplicate of another document (new or indexed)."
            }
            FindingKind::ParagraphReprint => {
                "Most of the document's paragraphs reappear in another, longer document."
            }
            FindingKind::DoubledDocument => {
                "The document prints its article twice (verbatim or reworded)."
            }
            FindingKind::ReprintedParagraph => {
                "A paragraph of the document reappears in a few other documents."
            }
            FindingKind::BoilerplateParagraph => {
                "A paragraph of the document repeats across many unrelated documents."
            }
            FindingKind::RepeatedWithinDocument => "A paragraph is repeated inside the document.",
            FindingKind::DerivedDocument => {
                "The document is derived from another (new or indexed): aligned passages \
                 cover enough of it for a reuse link (or it is the source of an indexed \
                 document derived from it)."
            }
        }
    }
}

/// Whether a finding fails the check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Not in the baseline: fails the check.
    New,
    /// In the baseline: shown, does not fail.
    Known,
}

/// One finding about one checked document.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// `new` or `known`.
    pub status: Status,
    /// What was found.
    pub kind: FindingKind,
    /// Stable fingerprint (16 hex digits) of the content found, the same
    /// on every run and for every document that holds it; baselines list
    /// these.
    pub fingerprint: String,
    /// The checked document's id.
    pub doc: String,
    /// Its file.
    pub path: String,
    /// The line in that file the finding points at (the paragraph's first
    /// line in a text file; the record's line in JSON Lines; the document's
    /// position in a feed).
    pub line: u64,
    /// One sentence saying what it matches.
    pub message: String,
    /// The documents it matches, indexed ones first (earliest first), at
    /// most [`MAX_MATCHES`].
    pub matches: Vec<Match>,
    /// Matching documents beyond those listed.
    pub more_matches: usize,
    /// The cluster in `scan` (document or paragraph cluster id), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<usize>,
}

/// Matches listed per finding.
pub const MAX_MATCHES: usize = 10;

/// A document a finding matches.
#[derive(Debug, Clone, Serialize)]
pub struct Match {
    /// Its id.
    pub doc: String,
    /// Its origin: the file it was read from (for an indexed document, when it was added).
    pub path: String,
    /// Its line there.
    pub line: u64,
    /// Whether it comes from the index.
    pub indexed: bool,
    /// When the index first saw it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_seen: Option<String>,
    /// What its source says of it (written date, source, url, title, each
    /// only when known).
    #[serde(flatten, serialize_with = "date_first")]
    pub meta: Meta,
    /// Exact Jaccard with the checked document, where the pair was verified directly.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jaccard: Option<f64>,
    /// Exact containment with the checked document, where verified directly.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub containment: Option<f64>,
    /// The paragraph's first line in that document (paragraph findings).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_line: Option<u32>,
    /// How it is linked with the checked document (derived-document
    /// findings).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reuse: Option<ReuseMatch>,
}

/// A reuse link between a checked document and a match.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReuseMatch {
    /// Which side of the link the match is.
    pub role: ReuseRole,
    /// `wholly` or `partially` derived.
    pub grade: Grade,
    /// Share of the derived document's words inside the aligned passages.
    pub coverage: f64,
    /// Share of the source's words inside them.
    pub source_coverage: f64,
    /// Aligned passages (listed in the scan's `reuse` link).
    pub passages: usize,
    /// What chose the direction: `date`, `coverage` or `input_order`.
    pub direction_rule: DirectionRule,
}

/// The side of a reuse link a match is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReuseRole {
    /// The checked document is derived from the match.
    Source,
    /// The match is derived from the checked document.
    Derived,
}

/// A [`Meta`] in the order check reports have always written it.
fn date_first<S: serde::Serializer>(m: &Meta, s: S) -> std::result::Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct DateFirst<'a> {
        #[serde(skip_serializing_if = "Option::is_none")]
        date: &'a Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        source: &'a Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        url: &'a Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        title: &'a Option<String>,
    }
    DateFirst {
        date: &m.date,
        source: &m.source,
        url: &m.url,
        title: &m.title,
    }
    .serialize(s)
}

impl Match {
    /// `path:line`, plus the id when it says more.
    pub fn origin(&self) -> String {
        format!("{}:{}", self.path, self.line)
    }
}
