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

use crate::normalize::{for_each_word, for_each_word_str, word_hash, WordScratch};
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

struct Word {
    hash: u64,
    content: bool,
}

/// The word hashes of [`STOPWORDS`], sorted: a word is a stopword when its
/// hash is among them (no string comparison per word).
fn stopword_hashes() -> &'static [u64] {
    static HASHES: std::sync::OnceLock<Vec<u64>> = std::sync::OnceLock::new();
    HASHES.get_or_init(|| {
        let mut h: Vec<u64> = STOPWORDS.iter().map(|w| word_hash(w.as_bytes())).collect();
        h.sort_unstable();
        h
    })
}

fn gram_hash(words: &[Word]) -> u64 {
    let mut bytes = [0u8; 32];
    for (chunk, w) in bytes.chunks_exact_mut(8).zip(words) {
        chunk.copy_from_slice(&w.hash.to_le_bytes());
    }
    xxh3_64(&bytes)
}

/// The sorted, distinct 4-gram hashes of `words`.
fn grams(words: &[Word]) -> Vec<u64> {
    let mut g: Vec<u64> = words.windows(4).map(gram_hash).collect();
    g.sort_unstable();
    g.dedup();
    g
}

/// Examines `text`, split into `paras` by [`segment::paragraphs`]; returns
/// a finding when it holds its article twice.
pub fn detect(
    text: &str,
    paras: &[segment::Paragraph],
    scratch: &mut WordScratch,
) -> Option<Doubled> {
    if paras.len() < MIN_PARAGRAPHS {
        return None;
    }
    let stops = stopword_hashes();
    let mut words: Vec<Word> = Vec::new();
    let mut starts = Vec::with_capacity(paras.len());
    for p in paras {
        starts.push(words.len());
        for_each_word(p.text(text), scratch, |hash| {
            words.push(Word {
                hash,
                content: stops.binary_search(&hash).is_err(),
            })
        });
    }
    let total = words.len();
    // Dense ids of the distinct content words, then per-id counts on each
    // side of the boundary, updated as the boundary moves forward: every
    // boundary is scored in time linear in the document overall.
    let mut uniq: Vec<u64> = words.iter().filter(|w| w.content).map(|w| w.hash).collect();
    uniq.sort_unstable();
    uniq.dedup();
    let ids: Vec<u32> = words
        .iter()
        .map(|w| match w.content {
            true => uniq.binary_search(&w.hash).map_or(u32::MAX, |i| i as u32),
            false => u32::MAX,
        })
        .collect();
    let mut left = vec![0u32; uniq.len()];
    let mut right = vec![0u32; uniq.len()];
    for &id in ids.iter().filter(|&&id| id != u32::MAX) {
        right[id as usize] += 1;
    }
    let (mut left_distinct, mut right_distinct, mut inter) = (0usize, uniq.len(), 0usize);
    let mut moved = 0;
    let mut best: Option<(f64, usize)> = None;
    for (s, &cut) in starts.iter().enumerate().skip(2) {
        if paras.len() - s < 2 || cut * 10 > total * 7 {
            continue;
        }
        for &id in &ids[moved..cut] {
            if id == u32::MAX {
                continue;
            }
            let (l, r) = (&mut left[id as usize], &mut right[id as usize]);
            let was_shared = *l > 0 && *r > 0;
            if *l == 0 {
                left_distinct += 1;
            }
            if *r == 1 {
                right_distinct -= 1;
            }
            *l += 1;
            *r -= 1;
            let shared = *r > 0;
            match (was_shared, shared) {
                (false, true) => inter += 1,
                (true, false) => inter -= 1,
                _ => {}
            }
        }
        moved = cut;
        if cut * 10 < total * 3 {
            continue;
        }
        let union = left_distinct + right_distinct - inter;
        let j = if union == 0 {
            0.0
        } else {
            inter as f64 / union as f64
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
        starts[i + 1] - starts[i] <= 15 && !t.ends_with(['.', '!', '?', '"', '\u{201d}', ':'])
    };
    if s > 2 && headline(s - 1) {
        s -= 1;
    }
    if score < MIN_JACCARD {
        return None;
    }
    let cut = starts[s];
    let (left, right) = (grams(&words[..cut]), grams(&words[cut..]));
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
        shared_phrases: phrases(text, &paras[..s], &paras[s..], scratch),
    })
}

/// The longest runs of words of the second half whose 4-grams occur in the first.
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
    let seen: HashSet<&[String]> = a.windows(4).collect();
    let mut covered = vec![false; b.len()];
    for (i, g) in b.windows(4).enumerate() {
        if seen.contains(g) {
            covered[i..i + 4].iter_mut().for_each(|c| *c = true);
        }
    }
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if covered[i] {
            let start = i;
            while i < b.len() && covered[i] {
                i += 1;
            }
            runs.push((start, i));
        } else {
            i += 1;
        }
    }
    runs.sort_by(|x, y| (y.1 - y.0).cmp(&(x.1 - x.0)).then(x.0.cmp(&y.0)));
    let mut seen_text = HashSet::new();
    runs.into_iter()
        .map(|(s, e)| {
            if e - s > MAX_PHRASE_WORDS {
                format!("{} …", b[s..s + MAX_PHRASE_WORDS].join(" "))
            } else {
                b[s..e].join(" ")
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
        detect(t, &segment::paragraphs(t), &mut WordScratch::default())
    }

    #[test]
    fn stopwords_are_sorted_for_binary_search() {
        assert!(STOPWORDS.windows(2).all(|w| w[0] < w[1]));
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

    #[test]
    fn short_documents_are_not_examined() {
        assert_eq!(detect_text("One\n\nTwo\n\nOne\n"), None);
        assert_eq!(detect_text(""), None);
    }
}
