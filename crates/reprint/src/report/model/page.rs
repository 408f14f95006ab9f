//! The data of the HTML page: the report, the texts of its findings, and
//! the parameters the page's script aligns and marks texts with.
//!
//! In: a [`Report`] and the texts [`crate::pipeline::finding_texts`] reads
//! again. Out: [`PageData`], which the HTML writer ([`crate::report::html`])
//! embeds as one JSON block. The script copies none of the engine's
//! constants: paragraph shingle size, the rule two paragraphs match by and
//! the shortest marked passage and the n-gram reuse passages are aligned
//! by all travel here ([`PageParams`]), taken from the report's [`Params`],
//! from [`crate::passage`] and from [`crate::reuse`], as `reprint explain`
//! uses them.

use serde::Serialize;

use super::{Params, Report};
use crate::passage::MIN_PASSAGE_WORDS;
use crate::reuse::REUSE_NGRAM;

/// Longest text of one document carried in the page, in bytes.
pub const MAX_TEXT_BYTES: usize = 200_000;
/// Text carried in the page in all, in bytes: findings past it show their
/// members and scores but no texts, so that a huge report still opens.
pub const TEXT_BUDGET_BYTES: usize = 8 << 20;
/// Occurrences of a paragraph cluster listed in the page (the counts
/// stay whole).
pub const MAX_MEMBERS: usize = 50;

/// A document's text, for the side-by-side views.
#[derive(Debug, Clone, Serialize)]
pub struct DocText {
    /// The document's file.
    pub path: String,
    /// Its line there.
    pub line: u64,
    /// Its text (cut at [`MAX_TEXT_BYTES`] on a character boundary).
    pub text: String,
}

/// Paragraphs whose Jaccard reaches this are placed side by side on the
/// page even when the matching rule does not join them: looser than the
/// rule, so that a reworded paragraph lines up with its original (a spun
/// page's second half, a rewritten reprint) and its shared runs show.
pub const ALIGN_JACCARD: f64 = 0.3;

/// How the page compares two texts: the values `reprint explain` uses,
/// and the looser alignment of [`ALIGN_JACCARD`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PageParams {
    /// Words per shingle when paragraphs are compared
    /// ([`Params::paragraph_shingle_size`]).
    pub paragraph_shingle_size: usize,
    /// Jaccard at or above which two paragraphs match (the matching rule's
    /// [`Params::threshold`]).
    pub paragraph_threshold: f64,
    /// Containment at or above which two paragraphs match, or null when the
    /// containment rule is off ([`Params::containment`]).
    pub paragraph_containment: Option<f64>,
    /// Jaccard at or above which two paragraphs are placed side by side
    /// even when the rule does not match them ([`ALIGN_JACCARD`]).
    pub align_jaccard: f64,
    /// Paragraphs with fewer words are shown but never paired
    /// ([`Params::min_paragraph_words`]).
    pub min_paragraph_words: usize,
    /// Shortest word run marked as shared ([`MIN_PASSAGE_WORDS`]): a word is
    /// marked when it lies in a run of this many words the other text holds.
    pub run_words: usize,
    /// Words per n-gram the reuse stage aligns passages by
    /// ([`REUSE_NGRAM`]): in a reuse link's view, a word of a passage is
    /// marked when it lies in an n-gram of this many words that the other
    /// side of the same passage holds.
    pub reuse_ngram: usize,
}

impl PageParams {
    /// The page's parameters for a report made with `params`.
    pub fn of(params: &Params) -> Self {
        PageParams {
            paragraph_shingle_size: params.paragraph_shingle_size,
            paragraph_threshold: params.threshold,
            paragraph_containment: params.containment,
            align_jaccard: ALIGN_JACCARD,
            min_paragraph_words: params.min_paragraph_words.max(1),
            run_words: MIN_PASSAGE_WORDS,
            reuse_ngram: REUSE_NGRAM,
        }
    }
}

/// Everything the page's script reads, as one JSON object.
#[derive(Debug, Clone, Serialize)]
pub struct PageData<'a> {
    /// The report (paragraph clusters cut at [`MAX_MEMBERS`] occurrences).
    pub report: &'a Report,
    /// The texts of the documents in its findings.
    pub texts: &'a [DocText],
    /// [`TEXT_BUDGET_BYTES`] in MB, for the note shown where a text is missing.
    pub text_budget_mb: usize,
    /// How texts are aligned and marked.
    pub page: PageParams,
}
