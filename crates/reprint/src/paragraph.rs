//! Paragraph units: signing, and classifying paragraph clusters.
//!
//! In: a document's text (first pass) and, later, the paragraph clusters
//! found by the shared LSH → verify → cluster stages. Out: per paragraph a
//! [`Unit`] (document, byte span, lines) and its LSH band keys; per cluster
//! a [`Kind`].
//!
//! Paragraphs come from [`crate::segment`]; those with fewer than
//! `min_words` words (headings, bylines, "Conclusion:") are kept out of
//! matching. Only band keys are stored per paragraph, not signatures, so a
//! corpus of millions of paragraphs costs `bands × 8` bytes each.

use crate::lsh::{self, LshParams};
use crate::minhash::MinHasher;
use crate::normalize::{for_each_word, WordScratch};
use crate::segment;
use crate::shingle::shingles_of_words;

/// The word hashes of a document's paragraphs, tokenized once and shared by
/// the document's signature (the paragraphs hold every word of a text), the
/// paragraph signatures and the doubled-article detector.
#[derive(Debug, Default)]
pub struct ParagraphWords {
    /// Word hashes of all paragraphs, in order.
    pub hashes: Vec<u64>,
    /// Where each paragraph's words start in `hashes`, plus the end.
    pub starts: Vec<usize>,
}

impl ParagraphWords {
    /// Tokenizes the `paras` of `text`, replacing what was here.
    pub fn fill(&mut self, text: &str, paras: &[segment::Paragraph], scratch: &mut WordScratch) {
        self.hashes.clear();
        self.starts.clear();
        for p in paras {
            self.starts.push(self.hashes.len());
            for_each_word(p.text(text), scratch, |h| self.hashes.push(h));
        }
        self.starts.push(self.hashes.len());
    }

    /// The word hashes of paragraph `i`.
    pub fn of(&self, i: usize) -> &[u64] {
        &self.hashes[self.starts[i]..self.starts[i + 1]]
    }
}

/// A paragraph that takes part in matching.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unit {
    /// Index of its document.
    pub doc: u32,
    /// Byte span in the document text, half-open.
    pub start: u32,
    /// End of the byte span.
    pub end: u32,
    /// 1-based first line within the document text.
    pub start_line: u32,
    /// 1-based last line within the document text.
    pub end_line: u32,
}

impl Unit {
    /// The unit's text within its document's text (empty if the text changed).
    pub fn text<'t>(&self, doc: &'t str) -> &'t str {
        doc.get(self.start as usize..self.end as usize)
            .unwrap_or_default()
    }
}

/// What a paragraph cluster is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The same paragraph in documents of at least `boilerplate_min_docs`
    /// unrelated groups (a cookie notice, a comment-policy footer).
    Boilerplate,
    /// A paragraph shared by a few documents, or by documents that are
    /// copies of one another.
    Reprinted,
    /// A paragraph repeated inside one document.
    WithinDocument,
}

impl Kind {
    /// The name used in reports and in `--fail-on`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Boilerplate => "boilerplate",
            Kind::Reprinted => "reprinted",
            Kind::WithinDocument => "within_document",
        }
    }
}

/// Documents whose estimated whole-text Jaccard, less what the shared
/// paragraph alone contributes, reaches this are related (the same story,
/// rewritten), so a paragraph they share is a reprint, not boilerplate.
/// Unrelated pages that share a footer score near 0.
pub const RELATED_JACCARD: f64 = 0.1;

/// A document is a reprint of another when at least this share of its
/// matchable paragraphs reappears there (paragraph reprints).
pub const REPRINT_SHARE: f64 = 0.75;
/// ... and at least this many paragraphs.
pub const REPRINT_MIN_SHARED: u32 = 2;

/// Clusters whose documents are more than this many are boilerplate without
/// comparing their documents pairwise.
pub const RELATED_CHECK_MAX_DOCS: usize = 64;

/// Classifies a cluster: `docs` are the member documents (any order, with
/// repeats); `related(a, b)` says whether two documents are versions of one
/// story. The cluster is boilerplate when its documents fall into at least
/// `boilerplate_min_docs` groups of related documents.
pub fn classify(
    docs: &[u32],
    related: impl Fn(u32, u32) -> bool,
    boilerplate_min_docs: usize,
) -> Kind {
    let mut d: Vec<u32> = docs.to_vec();
    d.sort_unstable();
    d.dedup();
    if d.len() == 1 {
        return Kind::WithinDocument;
    }
    if d.len() > RELATED_CHECK_MAX_DOCS {
        return Kind::Boilerplate;
    }
    let mut uf = crate::cluster::UnionFind::new(d.len());
    for j in 1..d.len() {
        for i in 0..j {
            if uf.find(i as u32) != uf.find(j as u32) && related(d[i], d[j]) {
                uf.union(i as u32, j as u32);
            }
        }
    }
    if uf.components(1).len() >= boilerplate_min_docs {
        Kind::Boilerplate
    } else {
        Kind::Reprinted
    }
}

/// Signs the paragraphs of one document (`paras`, from
/// [`segment::paragraphs`], with their `words`): returns its units (with
/// `doc` 0; the caller sets it) and appends `p.bands` band keys per unit to
/// `keys`. `buf` is a reusable shingle buffer.
#[allow(clippy::too_many_arguments)]
pub fn sign_paragraphs(
    paras: &[segment::Paragraph],
    words: &ParagraphWords,
    shingle_size: usize,
    min_words: usize,
    hasher: &MinHasher,
    p: LshParams,
    buf: &mut Vec<u64>,
    keys: &mut Vec<u64>,
) -> Vec<Unit> {
    let mut units = Vec::new();
    let mut sig = vec![0u32; hasher.num_perm()];
    for (i, para) in paras.iter().enumerate() {
        let w = words.of(i);
        if w.len() < min_words.max(1) {
            continue;
        }
        let sh = shingles_of_words(w, shingle_size, buf);
        hasher.sign_into(sh, &mut sig);
        lsh::band_keys(&sig, p, keys);
        units.push(Unit {
            doc: 0,
            start: para.start as u32,
            end: para.end as u32,
            start_line: para.start_line,
            end_line: para.end_line,
        });
    }
    units
}

/// A one-line excerpt of at most `max_chars` characters, whitespace collapsed.
pub fn excerpt(text: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(text.len().min(4 * max_chars + 4));
    let mut count = 0;
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
            count += 1;
        }
        for c in word.chars() {
            if count >= max_chars {
                out.push('…');
                return out;
            }
            out.push(c);
            count += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification() {
        let unrelated = |_: u32, _: u32| false;
        assert_eq!(classify(&[4, 4], unrelated, 3), Kind::WithinDocument);
        assert_eq!(classify(&[1, 2], unrelated, 3), Kind::Reprinted);
        assert_eq!(classify(&[1, 2, 3], unrelated, 3), Kind::Boilerplate);
        // Three versions of one story: one group, so a reprint, not boilerplate.
        assert_eq!(classify(&[1, 2, 3], |_, _| true, 3), Kind::Reprinted);
        // Two related documents and one other: two groups.
        assert_eq!(classify(&[1, 2, 3], |a, b| a + b == 3, 3), Kind::Reprinted);
        assert_eq!(
            classify(&[1, 2, 3, 4], |a, b| a + b == 3, 3),
            Kind::Boilerplate
        );
        // Very wide clusters are boilerplate without pairwise checks.
        let many: Vec<u32> = (0..100).collect();
        assert_eq!(classify(&many, |_, _| true, 3), Kind::Boilerplate);
    }

    #[test]
    fn paragraphs_hold_every_word_of_the_text() {
        // The document signature is built from the paragraphs' words when
        // paragraphs are on; it must equal the whole text's words.
        let texts = [
            "Headline\n\nFirst paragraph, with words.\nWrapped line.\n\n  Indented one.\n",
            "one per line\nsecond line\nthird line\n",
            "Caf\u{e9} cr\u{e8}me\n\nشہر کی کونسل نے بجٹ\n\n\u{301}mark after a newline\n\n中文新闻报道\n",
            "   \n\n  \t\n",
            "no newline at all, it's one paragraph",
            "Hard-wrapped newswire copy that runs on to a second line of\nsimilar length so that it reads as one paragraph of text.\n    An indented line starts the next paragraph here.\n",
            "\u{a0}nbsp\u{a0}\n\u{2029}para sep\u{2028}line sep\r\nwindows\r\n",
        ];
        let mut scratch = WordScratch::default();
        for text in texts {
            let mut whole = Vec::new();
            for_each_word(text, &mut scratch, |h| whole.push(h));
            let mut words = ParagraphWords::default();
            words.fill(text, &segment::paragraphs(text), &mut scratch);
            assert_eq!(words.hashes, whole, "{text:?}");
        }
    }

    #[test]
    fn short_paragraphs_are_not_units() {
        let text = "Headline\n\nBy A Writer\n\nThis paragraph has enough words to be matched against others.\n";
        let h = MinHasher::new(16, 1);
        let p = LshParams { bands: 4, rows: 4 };
        let mut keys = Vec::new();
        let paras = segment::paragraphs(text);
        let mut words = ParagraphWords::default();
        words.fill(text, &paras, &mut WordScratch::default());
        let units = sign_paragraphs(&paras, &words, 3, 8, &h, p, &mut Vec::new(), &mut keys);
        assert_eq!(units.len(), 1);
        assert_eq!(units[0].start_line, 5);
        assert_eq!(keys.len(), 4);
        assert!(text[units[0].start as usize..units[0].end as usize].starts_with("This paragraph"));
    }

    #[test]
    fn excerpts_are_short_and_single_line() {
        assert_eq!(excerpt("a  b\n c", 10), "a b c");
        assert_eq!(excerpt("abcdef ghij", 5), "abcde…");
        assert_eq!(excerpt("Ünïcödé wörds", 3), "Ünï…");
    }
}
