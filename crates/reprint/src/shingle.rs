//! Word k-gram shingles.
//!
//! In: a document's text. Out: 64-bit shingle hashes, one per run of `k`
//! consecutive words (a multiset, in text order), or the sorted set of them.
//!
//! Each word is hashed once (see [`crate::normalize`]); a shingle's hash is a
//! polynomial over its `k` word hashes, `Σ w[i+j]·P^(k-1-j) mod 2^64`, updated
//! in O(1) per word as the window rolls (two multiplications whatever `k`),
//! then mixed with `k` and finished with a 64-bit finalizer. No shingle string
//! is ever built. Word hashes are already uniform 64-bit values, so the
//! polynomial's known weakness (crafted inputs over small alphabets) does not
//! apply. A
//! document with at least one but fewer than `k` words has one shingle made
//! of all its words, so short texts still match their copies; a document
//! without words has no shingles and never matches anything.

use crate::normalize::{fmix64, for_each_word, WordScratch};

/// The polynomial's base (odd).
const BASE: u64 = 0xD6E8_FEB8_6659_FD93;
/// Tags the window size into the hash, so k-grams of different k differ.
const K_TAG: u64 = 0xA076_1D64_78BD_642F;

/// Window sizes up to this are hashed window by window rather than rolled:
/// every window's polynomial is then independent of the last, so the loop
/// runs several windows at a time in vector registers. The values are the
/// rolling ones (the same sums modulo 2^64).
const MAX_DIRECT_K: usize = 8;

/// `out[i]` = the finished hash of `words[i..i + weights.len()]`.
fn shingles_direct(words: &[u64], weights: &[u64], tag: u64, out: &mut [u64]) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512dq") {
            // SAFETY: the CPU supports the features the function is compiled for.
            unsafe { shingles_direct_avx512(words, weights, tag, out) };
            return;
        }
    }
    shingles_direct_kernel(words, weights, tag, out)
}

#[inline(always)]
fn shingles_direct_kernel(words: &[u64], weights: &[u64], tag: u64, out: &mut [u64]) {
    out.fill(0);
    for (j, &w) in weights.iter().enumerate() {
        let ws = &words[j..j + out.len()];
        for (o, &x) in out.iter_mut().zip(ws) {
            *o = o.wrapping_add(x.wrapping_mul(w));
        }
    }
    for o in out.iter_mut() {
        *o = fmix64(*o ^ tag);
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx512vl")]
unsafe fn shingles_direct_avx512(words: &[u64], weights: &[u64], tag: u64, out: &mut [u64]) {
    shingles_direct_kernel(words, weights, tag, out)
}

/// Reusable buffers for shingling; keep one per thread.
#[derive(Default, Debug)]
pub struct ShingleScratch {
    words: WordScratch,
    word_hashes: Vec<u64>,
    /// Bucket offsets of [`sort_uniform`].
    counts: Vec<u32>,
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
        shingles,
        ..
    } = scratch;
    word_hashes.clear();
    for_each_word(text, words, |h| word_hashes.push(h));
    shingles_of_words(word_hashes, k, shingles)
}

/// The shingle hashes of a run of word hashes (as [`crate::normalize`]
/// makes them) into `out` (cleared first): what [`shingles`] gives for a
/// text with these words.
pub fn shingles_of_words<'s>(word_hashes: &[u64], k: usize, out: &'s mut Vec<u64>) -> &'s [u64] {
    assert!(k >= 1, "shingle size must be at least 1");
    let shingles = out;
    shingles.clear();
    let n = word_hashes.len();
    if n == 0 {
        return shingles;
    }
    let k_eff = k.min(n);
    let tag = (k_eff as u64).wrapping_mul(K_TAG);
    // BASE^(k-1-j): the weight of the window's word j.
    let mut weights = [0u64; MAX_DIRECT_K];
    if k_eff <= MAX_DIRECT_K {
        let mut w = 1u64;
        for j in (0..k_eff).rev() {
            weights[j] = w;
            w = w.wrapping_mul(BASE);
        }
        shingles.resize(n + 1 - k_eff, 0);
        shingles_direct(word_hashes, &weights[..k_eff], tag, shingles);
        return shingles;
    }
    shingles.reserve(n + 1 - k_eff);
    // BASE^(k-1): the weight of the word that leaves the window.
    let mut top = 1u64;
    for _ in 1..k_eff {
        top = top.wrapping_mul(BASE);
    }
    let mut acc = 0u64;
    for &w in &word_hashes[..k_eff] {
        acc = acc.wrapping_mul(BASE).wrapping_add(w);
    }
    shingles.push(fmix64(acc ^ tag));
    for i in k_eff..n {
        acc = acc
            .wrapping_sub(word_hashes[i - k_eff].wrapping_mul(top))
            .wrapping_mul(BASE)
            .wrapping_add(word_hashes[i]);
        shingles.push(fmix64(acc ^ tag));
    }
    shingles
}

/// The sorted, de-duplicated shingle set of `text`: what verification
/// compares.
pub fn shingle_set(text: &str, k: usize, scratch: &mut ShingleScratch) -> Vec<u64> {
    shingles(text, k, scratch);
    to_set(&scratch.shingles, &mut scratch.counts)
}

/// The sorted, de-duplicated set of the shingle hashes `raw` (as
/// [`shingles`] returns them); `counts` is a reusable buffer.
pub fn to_set(raw: &[u64], counts: &mut Vec<u32>) -> Vec<u64> {
    let mut set = sort_uniform(raw, counts);
    set.dedup();
    set
}

/// Sorts uniformly distributed 64-bit hashes in expected linear time; see
/// [`sort_by_hash`].
fn sort_uniform(values: &[u64], counts: &mut Vec<u32>) -> Vec<u64> {
    sort_by_hash(values, |&x| x, counts)
}

/// Sorts `values` whose `hash` is uniformly distributed, in expected linear
/// time: a stable counting pass scatters them into about `n` buckets by the
/// hash's top bits, then an insertion sort puts each bucket in order. Equal
/// values (a repeated shingle; a paragraph's key in thousands of documents,
/// its items already ascending) cost nothing to sort. If the insertion sort
/// ever moves more than `8n` values, a comparison sort finishes the job, so
/// no input is quadratic. `hash` must be monotone with the order of `T`'s
/// leading field (it is that field). `counts` is a reusable buffer.
pub(crate) fn sort_by_hash<T: Copy + Ord + Default>(
    values: &[T],
    hash: impl Fn(&T) -> u64,
    counts: &mut Vec<u32>,
) -> Vec<T> {
    let n = values.len();
    if n < 64 {
        let mut v = values.to_vec();
        v.sort_unstable();
        return v;
    }
    let bits = (usize::BITS - (n - 1).leading_zeros()).min(22);
    let shift = 64 - bits;
    counts.clear();
    counts.resize((1 << bits) + 1, 0);
    for x in values {
        counts[(hash(x) >> shift) as usize + 1] += 1;
    }
    for i in 1..counts.len() {
        counts[i] += counts[i - 1];
    }
    let mut out = vec![T::default(); n];
    for x in values {
        let b = &mut counts[(hash(x) >> shift) as usize];
        out[*b as usize] = *x;
        *b += 1;
    }
    let mut moves = 0usize;
    for i in 1..n {
        let x = out[i];
        let mut j = i;
        while j > 0 && out[j - 1] > x {
            out[j] = out[j - 1];
            j -= 1;
        }
        out[j] = x;
        moves += i - j;
        if moves > 8 * n {
            out.sort_unstable();
            break;
        }
    }
    out
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

    /// Each window's polynomial, finished: the definition of a shingle.
    fn by_definition(words: &[u64], k: usize) -> Vec<u64> {
        words
            .windows(k)
            .map(|win| {
                let acc = win
                    .iter()
                    .fold(0u64, |a, &h| a.wrapping_mul(BASE).wrapping_add(h));
                fmix64(acc ^ (k as u64).wrapping_mul(K_TAG))
            })
            .collect()
    }

    #[test]
    fn rolling_hash_equals_direct_polynomial() {
        let mut s = ShingleScratch::default();
        let text = "one two three four five six seven eight nine ten";
        let mut w = Vec::new();
        for_each_word(text, &mut WordScratch::default(), |h| w.push(h));
        for k in 1..=6 {
            let got = shingles(text, k, &mut s).to_vec();
            assert_eq!(got, by_definition(&w, k), "k = {k}");
        }
        // Windows hashed directly (k up to 8) and rolled (longer), against
        // the polynomial of each window; fewer words than k make one.
        let mut next = crate::test_rng::xorshift(0x5417_6E55_0000_0001);
        let mut out = Vec::new();
        for n in 0..40 {
            let words: Vec<u64> = (0..n).map(|_| next()).collect();
            for k in 1..=12 {
                let want = by_definition(&words, k.min(n.max(1)));
                assert_eq!(
                    shingles_of_words(&words, k, &mut out),
                    &want[..],
                    "{n} words, k = {k}"
                );
            }
        }
    }

    #[test]
    fn uniform_sort_equals_comparison_sort() {
        let mut counts = Vec::new();
        let mut state = 7u64;
        for n in [0usize, 1, 5, 63, 64, 65, 500, 3000] {
            let mut v: Vec<u64> = (0..n)
                .map(|_| {
                    state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
                    fmix64(state)
                })
                .collect();
            // Repeats, and a crowded bucket of small values.
            v.extend_from_slice(&v.clone()[..n / 3]);
            let mut want = v.clone();
            want.sort_unstable();
            assert_eq!(sort_uniform(&v, &mut counts), want, "n = {n}");
            let small: Vec<u64> = (0..n as u64).rev().collect();
            let mut want: Vec<u64> = small.clone();
            want.sort_unstable();
            assert_eq!(sort_uniform(&small, &mut counts), want);
        }
    }

    #[test]
    fn set_is_sorted_and_unique() {
        let s = set("x y x y x y x y", 2);
        assert_eq!(s.len(), 2);
        assert!(s.windows(2).all(|w| w[0] < w[1]));
    }
}
