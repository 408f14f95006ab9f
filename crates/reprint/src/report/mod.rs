//! Reports: the findings of a scan or a check, and the formats they are
//! written in.
//!
//! In: a [`Report`] built by [`crate::pipeline`], or a [`CheckReport`] built
//! by [`crate::check`]. Out: bytes on any writer, in one of the formats of
//! [`Format`] or [`CheckFormat`].
//!
//! The layer has one seam, the [`Emitter`] trait: one type per format, one
//! file per format ([`text`], [`json`], [`jsonl`], [`html`] for scans; [`check_text`],
//! [`json`], [`sarif`], [`github`] for checks), each implementing
//! `Emitter<Report>` or `Emitter<CheckReport>` (JSON both). [`Format::emitter`]
//! and [`CheckFormat::emitter`] pick one; [`write()`] and [`write_check()`] are
//! the one-call forms. The data the formats write lives in [`model`], which
//! imports nothing from the writers; the writers import the models and the
//! trait ([`Emitter`]), never this module's dispatchers, so the imports form
//! no circle.
//!
//! Every format is a contract: the JSON schemas are documented in the README
//! ("JSON output") and carry `"version": 1`; fields are only ever added.
//! Lists are sorted before they get here, so output does not depend on
//! thread count.

pub mod check_text;
mod emitter;
pub mod github;
pub mod html;
pub mod json;
pub mod jsonl;
pub mod model;
pub mod sarif;
pub mod text;

use std::io::Write;

use crate::error::Result;

pub use emitter::Emitter;
pub use json::write_json;
pub use model::check::CheckReport;
pub(crate) use model::ListBuilder;
pub use model::{
    round4, DocumentCluster, DoubledDocument, List, Listed, Member, Pair, ParagraphCluster,
    ParagraphMember, ParagraphReprint, Params, Report, ReuseLink, ReusePassage, Stats, Tool,
    SCHEMA_VERSION,
};
pub use text::{write_text, write_text_colored};

/// Formats of a scan report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Human-readable text (the default).
    #[default]
    Text,
    /// One JSON object.
    Json,
    /// JSON Lines: a head line, then one line per issue and finding
    /// ([`jsonl`]), for reports too large to load at once.
    Jsonl,
    /// One self-contained HTML page ([`html::HtmlEmitter`]; through
    /// [`Format::emitter`] or [`write()`] it has no texts to show side by side).
    Html,
}

impl Format {
    /// The emitter of this format (text without colours, HTML without texts).
    pub fn emitter(self) -> Box<dyn Emitter<Report>> {
        match self {
            Format::Text => Box::new(text::TextEmitter::default()),
            Format::Json => Box::new(json::ReportJsonEmitter),
            Format::Jsonl => Box::new(jsonl::JsonlEmitter),
            Format::Html => Box::new(html::HtmlEmitter::new(&[])),
        }
    }
}

/// Writes `report` in `format`.
pub fn write(report: &Report, format: Format, out: &mut dyn Write) -> Result<()> {
    format.emitter().emit(report, out)
}

/// Formats of a check report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CheckFormat {
    /// Human-readable text.
    #[default]
    Text,
    /// One JSON object.
    Json,
    /// SARIF 2.1.0, for code-scanning tools.
    Sarif,
    /// GitHub Actions workflow commands (annotations on the files).
    Github,
}

impl CheckFormat {
    /// The emitter of this format.
    pub fn emitter(self) -> Box<dyn Emitter<CheckReport>> {
        match self {
            CheckFormat::Text => Box::new(check_text::CheckTextEmitter),
            CheckFormat::Json => Box::new(json::JsonEmitter),
            CheckFormat::Sarif => Box::new(sarif::SarifEmitter),
            CheckFormat::Github => Box::new(github::GithubEmitter),
        }
    }
}

/// Writes a check report in `format`.
pub fn write_check(report: &CheckReport, format: CheckFormat, out: &mut dyn Write) -> Result<()> {
    format.emitter().emit(report, out)
}

/// The report of `reprint check` under the path its callers use: the data
/// ([`model::check`]) with its format and writer.
pub mod check {
    pub use super::model::check::{
        CheckReport, CheckSummary, Finding, FindingKind, IndexSummary, Match, ReuseMatch,
        ReuseRole, Status, CHECK_SCHEMA_VERSION, MAX_MATCHES,
    };
    pub use super::{write_check, CheckFormat};
}

impl Report {
    /// An empty report of the given parameters (no findings, zero counts),
    /// to fill in: what an outside driver assembles its findings into.
    pub fn new(params: Params) -> Report {
        Report {
            version: SCHEMA_VERSION,
            tool: Tool::default(),
            params,
            stats: Stats::default(),
            issues: Vec::new(),
            document_clusters: Vec::new(),
            paragraph_clusters: List::default(),
            paragraph_reprints: Vec::new(),
            doubled_documents: Vec::new(),
            reuse: List::default(),
        }
    }
}
