//! Word k-gram shingles.
//!
//! In: a document's text. Out: 64-bit shingle hashes, one per run of `k`
//! consecutive words (a multiset, in text order), or the sorted set of them.
//!
//! Each word is hashed once (see [`crate::normalize`]); a shingle's hash is
//! xxh3 over the `k` word hashes, so no shingle string is ever built. A
//! document with at least one but fewer than `k` words has one shingle made
//! of all its words, so short texts still match their copies; a document
//! without words has no shingles and never matches anything.

use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::normalize::{for_each_word, WordScratch};

/// Reusable buffers for shingling; keep one per thread.
#[derive(Default, Debug)]
pub struct ShingleScratch {
    words: WordScratch,
    word_hashes: Vec<u64>,
    bytes: Vec<u8>,
    /// The shingle hashes of the last call.
    pub shingles: Vec<u64>,
}

/// Computes the shingle hashes of `text` into `scratch.shingles` (text
/// order, repeats kept) and returns them.
pub fn shingles<'s>(text: &str, k: usize, scratch: &'s mut ShingleScratch) -> &'s [u64] {
    assert!(k >= 1, "shingle size must be at least 1");
    let ShingleScratch {
        words,
        word_hashes,
        bytes,
        shingles,
    } = scratch;
    word_hashes.clear();
    shingles.clear();
    for_each_word(text, words, |h| word_hashes.push(h));
    let n = word_hashes.len();
    if n == 0 {
        return shingles;
    }
    let k_eff = k.min(n);
    shingles.reserve(n + 1 - k_eff);
    for window in word_hashes.windows(k_eff) {
        bytes.clear();
        for h in window {
            bytes.extend_from_slice(&h.to_le_bytes());
        }
        shingles.push(xxh3_64_with_seed(bytes, k_eff as u64));
    }
    shingles
}

/// The sorted, de-duplicated shingle set of `text`: what verification
/// compares.
pub fn shingle_set(text: &str, k: usize, scratch: &mut ShingleScratch) -> Vec<u64> {
    let mut set = shingles(text, k, scratch).to_vec();
    set.sort_unstable();
    set.dedup();
    set
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(text: &str, k: usize) -> Vec<u64> {
        shingle_set(text, k, &mut ShingleScratch::default())
    }

    #[test]
    fn counts_windows() {
        let mut s = ShingleScratch::default();
        assert_eq!(shingles("a b c d e f", 3, &mut s).len(), 4);
        assert_eq!(shingles("a b c d e f", 6, &mut s).len(), 1);
        assert_eq!(shingles("", 3, &mut s).len(), 0);
    }

    #[test]
    fn short_text_is_one_shingle() {
        let mut s = ShingleScratch::default();
        assert_eq!(shingles("breaking news", 5, &mut s).len(), 1);
        assert_eq!(set("breaking news", 5), set("Breaking — NEWS!", 5));
    }

    #[test]
    fn normalization_does_not_change_shingles() {
        assert_eq!(
            set("The council’s vote — 7 to 2 — passed.", 3),
            set("the councils vote 7 to 2 passed", 3)
        );
    }

    #[test]
    fn order_matters_within_a_shingle() {
        assert_ne!(set("a b c", 3), set("c b a", 3));
        // With k = 1 a shingle is a word, so order does not matter.
        assert_eq!(set("a b c", 1), set("c b a", 1));
    }

    #[test]
    fn same_words_different_k_give_different_hashes() {
        // "a b" as a 2-shingle must not collide with anything of k = 1.
        let two = set("a b", 2);
        let one = set("a b", 1);
        assert!(two.iter().all(|h| !one.contains(h)));
    }

    #[test]
    fn set_is_sorted_and_unique() {
        let s = set("x y x y x y x y", 2);
        assert_eq!(s.len(), 2);
        assert!(s.windows(2).all(|w| w[0] < w[1]));
    }
}
