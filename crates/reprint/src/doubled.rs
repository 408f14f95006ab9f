//! Doubled articles: a document that holds its own article twice.
//!
//! In: one document's text. Out: at most one [`Doubled`] finding: the line
//! where the second copy starts, a score, and the evidence.
//!
//! Spun pages print an article and then a reworded copy of it: the same
//! facts, names and quotes, sentences rephrased. Paragraph matching misses
//! them (corresponding paragraphs share few word 3-grams), but the two halves
//! taken as wholes share far more than the halves of an ordinary article:
//! their content-word sets (stopwords dropped) overlap with Jaccard about
//! 0.36 and they share about 30 distinct word 4-grams (the names and the
//! quotes), where the halves of an ordinary article score at most about 0.21
//! and share at most about 4. The detector tries every paragraph boundary
//! that leaves 30–70% of the words on each side and keeps the split with the
//! highest content-word Jaccard; it flags the document when that Jaccard is
//! at least [`MIN_JACCARD`] and the halves share at least
//! [`MIN_SHARED_4GRAMS`] distinct word 4-grams. Verbatim doubling (an article
//! pasted twice) scores near 1.
//!
//! Cost: a handful of candidate splits per document, each linear in its words.

use std::collections::HashSet;

use xxhash_rust::xxh3::xxh3_64;

use crate::normalize::{for_each_word_str, word_hash, WordScratch};
use crate::paragraph::ParagraphWords;
use crate::passage::{shared_runs, Join, RunSpec};
use crate::segment;

/// Content-word Jaccard of the two halves at or above which a document may be doubled.
pub const MIN_JACCARD: f64 = 0.28;
/// Distinct word 4-grams the halves must share as well.
pub const MIN_SHARED_4GRAMS: usize = 12;
/// Documents with fewer paragraphs are not examined.
pub const MIN_PARAGRAPHS: usize = 4;
/// Shared phrases reported as evidence.
pub const MAX_PHRASES: usize = 5;
/// Words shown of one shared phrase.
pub const MAX_PHRASE_WORDS: usize = 16;
/// Words per n-gram the halves share: the shared phrases are the runs of
/// the second half covered by such n-grams of the first.
const PHRASE_GRAM_WORDS: usize = 4;

/// English function words, dropped from the content-word sets.
const STOPWORDS: &[&str] = &[
    "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been",
    "before", "being", "both", "but", "by", "can", "could", "did", "do", "does", "down", "each",
    "for", "from", "had", "has", "have", "having", "he", "her", "here", "him", "his", "how", "i",
    "if", "in", "into", "is", "it", "its", "just", "many", "may", "me", "might", "more", "most",
    "much", "must", "no", "nor", "not", "of", "on", "one", "only", "or", "other", "our", "out",
    "over", "own", "said", "same", "say", "says", "she", "should", "so", "some", "such", "than",
    "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "to", "too",
    "two", "under", "up", "us", "very", "was", "we", "were", "what", "when", "where", "which",
    "who", "whom", "why", "will", "with", "would", "you", "your",
];

/// A document that holds its article twice.
#[derive(Debug, Clone, PartialEq)]
pub struct Doubled {
    /// 1-based line where the second copy starts.
    pub split_line: u32,
    /// Content-word Jaccard of the two halves.
    pub score: f64,
    /// Distinct word 4-grams the halves share.
    pub shared_4grams: usize,
    /// The longest word runs the halves share (normalized words), longest first.
    pub shared_phrases: Vec<String>,
}

/// Slots of the stopword table (a power of two, over four times the words).
const STOP_SLOTS: usize = 512;

/// The word hashes of [`STOPWORDS`] in a small open-addressing table: a word
/// is a stopword when its hash is there (no string comparison per word).
fn stopword_table() -> &'static [u64; STOP_SLOTS] {
    static TABLE: std::sync::OnceLock<[u64; STOP_SLOTS]> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = [0u64; STOP_SLOTS];
        for w in STOPWORDS {
            let h = word_hash(w.as_bytes());
            assert_ne!(h, 0, "0 marks an empty slot");
            let mut i = h as usize % STOP_SLOTS;
            while t[i] != 0 && t[i] != h {
                i = (i + 1) % STOP_SLOTS;
            }
            t[i] = h;
        }
        t
    })
}

fn is_stopword(table: &[u64; STOP_SLOTS], h: u64) -> bool {
    let mut i = h as usize % STOP_SLOTS;
    loop {
        match table[i] {
            0 => return false,
            x if x == h => return true,
            _ => i = (i + 1) % STOP_SLOTS,
        }
    }
}

fn gram_hash(words: &[u64]) -> u64 {
    let mut bytes = [0u8; 32];
    for (chunk, w) in bytes.chunks_exact_mut(8).zip(words) {
        chunk.copy_from_slice(&w.to_le_bytes());
    }
    xxh3_64(&bytes)
}

/// The sorted, distinct 4-gram hashes of `words`.
fn grams(words: &[u64]) -> Vec<u64> {
    let mut g: Vec<u64> = words.windows(4).map(gram_hash).collect();
    g.sort_unstable();
    g.dedup();
    g
}

/// Marks an empty slot of the id table.
const NO_ID: u32 = u32::MAX;

/// Reusable buffers of [`detect`]; keep one per thread.
#[derive(Debug, Default)]
pub struct DoubledScratch {
    words: WordScratch,
    /// Per word: its distinct word's dense id.
    ids: Vec<u32>,
    /// Per id: 1 for a content word, 0 for a stopword.
    content: Vec<u32>,
    /// Hash → id table (open addressing; `NO_ID` marks an empty slot).
    keys: Vec<u64>,
    slots: Vec<u32>,
    /// Per id: its occurrences left of the boundary (low half) and right
    /// of it (high half).
    sides: Vec<u64>,
}

impl DoubledScratch {
    /// Gives every distinct word of `hashes` a dense id (in order of first
    /// appearance) into `self.ids`, and marks in `self.content` which ids
    /// are content words: the stopword test runs once per distinct word,
    /// not per occurrence. Returns how many distinct words there are.
    fn assign_ids(&mut self, hashes: &[u64]) -> usize {
        let stops = stopword_table();
        let size = (2 * hashes.len()).next_power_of_two().max(16);
        let mask = size - 1;
        self.keys.clear();
        self.keys.resize(size, 0);
        self.slots.clear();
        self.slots.resize(size, NO_ID);
        self.ids.clear();
        self.content.clear();
        for &h in hashes {
            let mut i = (h ^ h >> 29) as usize & mask;
            let id = loop {
                if self.slots[i] == NO_ID {
                    let id = self.content.len() as u32;
                    self.keys[i] = h;
                    self.slots[i] = id;
                    self.content.push(u32::from(!is_stopword(stops, h)));
                    break id;
                }
                if self.keys[i] == h {
                    break self.slots[i];
                }
                i = (i + 1) & mask;
            };
            self.ids.push(id);
        }
        self.content.len()
    }
}

/// Examines `text`, split into `paras` by [`segment::paragraphs`] with
/// their `words`; returns a finding when it holds its article twice.
pub fn detect(
    text: &str,
    paras: &[segment::Paragraph],
    words: &ParagraphWords,
    scratch: &mut DoubledScratch,
) -> Option<Doubled> {
    if paras.len() < MIN_PARAGRAPHS {
        return None;
    }
    let (hashes, starts) = (&words.hashes[..], &words.starts[..paras.len()]);
    let total = hashes.len();
    // Dense ids of the distinct words, then per-id counts on each side of
    // the boundary, updated as the boundary moves forward: every boundary
    // is scored in time linear in the document overall. Stopwords move
    // with weight 0, so the loop has no branch on the word.
    let distinct = scratch.assign_ids(hashes);
    let DoubledScratch {
        ids,
        content,
        sides,
        ..
    } = scratch;
    sides.clear();
    sides.resize(distinct, 0);
    for &id in ids.iter() {
        sides[id as usize] += 1 << 32;
    }
    let mut left_distinct = 0u32;
    let mut right_distinct: u32 = content.iter().sum();
    let mut inter = 0u32;
    let mut moved = 0;
    let mut best: Option<(f64, usize)> = None;
    for (s, &cut) in starts.iter().enumerate().skip(2) {
        if paras.len() - s < 2 || cut * 10 > total * 7 {
            continue;
        }
        for &id in &ids[moved..cut] {
            let side = &mut sides[id as usize];
            let (l, r) = (*side as u32, (*side >> 32) as u32);
            let w = content[id as usize];
            // Left gains its first, right loses its last occurrence; the
            // word becomes shared when it was on the right alone and stays
            // there, and stops being shared when its last right one moves.
            left_distinct += w & u32::from(l == 0);
            right_distinct -= w & u32::from(r == 1);
            inter += w & u32::from((l == 0) & (r >= 2));
            inter -= w & u32::from((l > 0) & (r == 1));
            *side = *side + 1 - (1 << 32);
        }
        moved = cut;
        if cut * 10 < total * 3 {
            continue;
        }
        let union = left_distinct + right_distinct - inter;
        let j = if union == 0 {
            0.0
        } else {
            f64::from(inter) / f64::from(union)
        };
        if best.is_none_or(|(bj, _)| j > bj) {
            best = Some((j, s));
        }
    }
    let (score, mut s) = best?;
    // A second copy usually opens with its own headline: a short paragraph
    // without closing punctuation just before the best split belongs to it.
    let headline = |i: usize| {
        let t = paras[i].text(text);
        words.starts[i + 1] - words.starts[i] <= 15
            && !t.ends_with(['.', '!', '?', '"', '\u{201d}', ':'])
    };
    if s > 2 && headline(s - 1) {
        s -= 1;
    }
    if score < MIN_JACCARD {
        return None;
    }
    let cut = starts[s];
    let (left, right) = (grams(&hashes[..cut]), grams(&hashes[cut..]));
    let shared_4grams = left
        .iter()
        .filter(|g| right.binary_search(g).is_ok())
        .count();
    if shared_4grams < MIN_SHARED_4GRAMS {
        return None;
    }
    Some(Doubled {
        split_line: paras[s].start_line,
        score,
        shared_4grams,
        shared_phrases: phrases(text, &paras[..s], &paras[s..], &mut scratch.words),
    })
}

/// The longest runs of words of the second half covered by 4-grams that
/// occur in the first ([`crate::passage`], [`Join::Covered`]).
fn phrases(
    text: &str,
    first: &[segment::Paragraph],
    second: &[segment::Paragraph],
    scratch: &mut WordScratch,
) -> Vec<String> {
    let collect = |ps: &[segment::Paragraph], scratch: &mut WordScratch| {
        let mut out: Vec<String> = Vec::new();
        for p in ps {
            for_each_word_str(p.text(text), scratch, |w| {
                out.push(String::from_utf8_lossy(w).into_owned())
            });
        }
        out
    };
    let a = collect(first, scratch);
    let b = collect(second, scratch);
    let spec = RunSpec {
        n: PHRASE_GRAM_WORDS,
        min_len: PHRASE_GRAM_WORDS,
        join: Join::Covered,
    };
    let runs = shared_runs(&a, &b, spec);
    let mut seen_text = HashSet::new();
    runs.into_iter()
        .map(|r| {
            if r.len > MAX_PHRASE_WORDS {
                format!("{} …", b[r.at..r.at + MAX_PHRASE_WORDS].join(" "))
            } else {
                b[r.at..r.at + r.len].join(" ")
            }
        })
        .filter(|p| seen_text.insert(p.clone()))
        .take(MAX_PHRASES)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detect_text(t: &str) -> Option<Doubled> {
        let paras = segment::paragraphs(t);
        let mut words = ParagraphWords::default();
        words.fill(t, &paras, &mut WordScratch::default());
        detect(t, &paras, &words, &mut DoubledScratch::default())
    }

    #[test]
    fn stopwords_are_found_by_hash() {
        let table = stopword_table();
        for w in STOPWORDS {
            assert!(is_stopword(table, word_hash(w.as_bytes())), "{w}");
        }
        for w in ["harbor", "union", "said.", "theory", "ab"] {
            assert_eq!(
                is_stopword(table, word_hash(w.as_bytes())),
                STOPWORDS.contains(&w),
                "{w}"
            );
        }
    }

    #[test]
    fn words_get_dense_ids_in_order_and_stopwords_are_marked() {
        let h = |w: &str| word_hash(w.as_bytes());
        let hashes: Vec<u64> = ["harbor", "the", "talks", "harbor", "of", "talks", "vote"]
            .map(h)
            .to_vec();
        let mut s = DoubledScratch::default();
        assert_eq!(s.assign_ids(&hashes), 5);
        assert_eq!(s.ids, [0, 1, 2, 0, 3, 2, 4]);
        assert_eq!(s.content, [1, 0, 1, 0, 1]);
    }

    #[test]
    fn verbatim_doubling_is_flagged_at_the_second_copy() {
        let article = "Harbor talks stall\n\n\
            Negotiators for the dock workers union and the port authority ended a third day of talks on Tuesday without agreement on night shift pay.\n\n\
            Union leader Maria Okonjo said members would vote on Friday on whether to extend a work-to-rule campaign across all four terminals.\n\n\
            The port authority said it had offered a seven percent rise over two years and called the union's demand for twelve percent unaffordable.\n";
        let doc = format!("{article}\n{article}");
        let d = detect_text(&doc).expect("flagged");
        assert_eq!(d.split_line, 9);
        assert!(d.score > 0.9, "{d:?}");
        assert!(d.shared_4grams >= MIN_SHARED_4GRAMS);
        assert!(
            d.shared_phrases[0].starts_with("harbor talks stall"),
            "{d:?}"
        );
    }

    #[test]
    fn an_ordinary_article_is_not_flagged() {
        let doc = "Council approves budget\n\n\
            The city council approved a budget of 412 million dollars on Monday after a debate that ran past midnight.\n\n\
            Spending on road repairs rises by a fifth, while the library system receives funds for two new branches in the north of the city.\n\n\
            Councilor Ana Reyes voted against, arguing that property taxes would climb for the third year running.\n\n\
            The mayor is expected to sign the budget into law later this week, aides said.\n";
        assert_eq!(detect_text(doc), None);
    }

    /// The best split's score computed the slow way: content-word sets of
    /// both sides at every allowed boundary.
    fn naive_score(t: &str) -> Option<f64> {
        let paras = segment::paragraphs(t);
        let mut words = ParagraphWords::default();
        words.fill(t, &paras, &mut WordScratch::default());
        let stops = stopword_table();
        let total = words.hashes.len();
        let content = |ws: &[u64]| -> HashSet<u64> {
            ws.iter()
                .copied()
                .filter(|&h| !is_stopword(stops, h))
                .collect()
        };
        let mut best: Option<f64> = None;
        for s in 2..paras.len().saturating_sub(1) {
            let cut = words.starts[s];
            if cut * 10 < total * 3 || cut * 10 > total * 7 {
                continue;
            }
            let (l, r) = (content(&words.hashes[..cut]), content(&words.hashes[cut..]));
            let union = l.union(&r).count();
            let j = if union == 0 {
                0.0
            } else {
                l.intersection(&r).count() as f64 / union as f64
            };
            if best.is_none_or(|b| j > b) {
                best = Some(j);
            }
        }
        best
    }

    #[test]
    fn the_best_split_scores_as_content_word_sets_do() {
        let vocab: Vec<&str> =
            "port union vote pay shift dock talks harbor council budget mayor road \
            library tax rise night offer demand terminal members strike ferry"
                .split_whitespace()
                .chain(STOPWORDS.iter().take(30).copied())
                .collect();
        let mut next = crate::test_rng::xorshift(0x5EED_D0B1);
        let mut flagged = 0;
        let para = |next: &mut dyn FnMut() -> u64| -> String {
            let n = 3 + next() as usize % 25;
            (0..n)
                .map(|_| vocab[next() as usize % vocab.len()])
                .collect::<Vec<_>>()
                .join(" ")
                + "."
        };
        for _ in 0..200 {
            let count = 4 + next() as usize % 6;
            let paras: Vec<String> = (0..count).map(|_| para(&mut next)).collect();
            // Half the documents repeat their paragraphs, some reworded.
            let mut all = paras.clone();
            if next() % 2 == 0 {
                for p in &paras {
                    let again = if next() % 3 == 0 {
                        para(&mut next)
                    } else {
                        p.clone()
                    };
                    all.push(again);
                }
            }
            let doc = all.join("\n\n");
            if let Some(d) = detect_text(&doc) {
                flagged += 1;
                assert_eq!(Some(d.score), naive_score(&doc), "{doc}");
            }
        }
        assert!(flagged > 20, "{flagged} flagged");
    }

    #[test]
    fn short_documents_are_not_examined() {
        assert_eq!(detect_text("One\n\nTwo\n\nOne\n"), None);
        assert_eq!(detect_text(""), None);
    }
}
