//! Local alignment of two word sequences: the passages one text took from
//! another, allowing the edits a sub-editor makes.
//!
//! In: the word hashes of a `source` and of a `text` (from
//! [`crate::normalize`]), and an [`AlignSpec`]. Out: [`Passage`]s, each a
//! stretch of `text` aligned with a stretch of `source`, with the words of
//! `text` that the two share; no two passages overlap on either side.
//!
//! Seed and extend, as local aligners do: the seeds are the word `n`-grams
//! the two sequences share (each `n`-gram found at most
//! [`AlignSpec::max_places`] times in `source`). Seeds are taken in text
//! order and chained: a seed joins a chain when it starts at most
//! [`AlignSpec::max_gap`] words after the chain's end in both sequences and
//! its diagonal (source position minus text position) is within
//! [`AlignSpec::max_drift`] of the chain's last one. So a chain goes on
//! through substituted words (a gap on both sides), inserted words (a gap in
//! `text`, a drift of the diagonal) and deleted ones (the other way), and
//! stops where the texts part for longer than a sentence clause. A chain
//! with at least [`AlignSpec::min_matched`] words of `text` inside its seeds
//! is a passage; where passages overlap (in `text` or in `source`), the one
//! with more matched words keeps the overlap and the other is cut (or
//! dropped, if fewer than `min_matched` of its words are left).
//!
//! Cost: sorting the `source` n-grams, one binary search per `text` n-gram,
//! and for each seed a look at the chains still open (those ending within
//! `max_gap` words): O((|source| + |text|) log |source|) for texts that do
//! not repeat themselves, and at most `max_places` seeds per text position
//! for those that do.

/// How to align.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlignSpec {
    /// Words per seed n-gram.
    pub n: usize,
    /// Most words between two seeds of one passage, on either side.
    pub max_gap: usize,
    /// Most the diagonal may move from one seed of a passage to the next.
    pub max_drift: usize,
    /// Fewer matched words make no passage.
    pub min_matched: usize,
    /// Places in `source` a seed n-gram is followed from.
    pub max_places: usize,
}

impl Default for AlignSpec {
    /// Trigram seeds, gaps up to 8 words, drift up to 6, passages of at
    /// least 6 matched words.
    fn default() -> Self {
        AlignSpec {
            n: 3,
            max_gap: 8,
            max_drift: 6,
            min_matched: 6,
            max_places: 8,
        }
    }
}

/// A stretch of `text` aligned with a stretch of `source` (word indices,
/// end exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Passage {
    /// First word in `text`.
    pub text_start: u32,
    /// One past the last word in `text`.
    pub text_end: u32,
    /// First word in `source`.
    pub source_start: u32,
    /// One past the last word in `source`.
    pub source_end: u32,
    /// Words of the text stretch that lie inside a shared n-gram.
    pub matched: u32,
}

impl Passage {
    /// Words of `text` in the passage.
    pub fn text_len(&self) -> u32 {
        self.text_end - self.text_start
    }

    /// Words of `source` in the passage.
    pub fn source_len(&self) -> u32 {
        self.source_end - self.source_start
    }

    /// Matched words over the longer side: 1 for a verbatim copy, lower the
    /// more words were changed, added or cut.
    pub fn similarity(&self) -> f64 {
        let longer = self.text_len().max(self.source_len()).max(1);
        f64::from(self.matched.min(longer)) / f64::from(longer)
    }
}

/// A chain being built.
#[derive(Debug, Clone, Copy)]
struct Chain {
    p: Passage,
    /// Diagonal of its last seed.
    diag: i64,
    /// Text position up to which matched words are counted.
    counted_to: u32,
}

/// The seed hash of one n-gram.
#[cfg(test)]
fn ngram_hash(w: &[u64]) -> u64 {
    w.iter().fold(SEED, |h, &x| step(h, x))
}

/// The hash an n-gram's hashing starts from.
const SEED: u64 = 0x9E37_79B9_7F4A_7C15;

#[inline(always)]
fn step(h: u64, x: u64) -> u64 {
    crate::normalize::fmix64(h.rotate_left(23) ^ x)
}

/// Hashes of the `n`-grams of `words`, one per start position (`n` ≤
/// `words.len()`). On x86-64 processors with AVX-512DQ the windows are
/// hashed eight at a time (chosen at run time); the values are the scalar
/// ones.
fn ngram_hashes(words: &[u64], n: usize) -> Vec<u64> {
    let mut out = vec![SEED; words.len() + 1 - n];
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512dq") {
            // SAFETY: the CPU supports the features the function is compiled for.
            unsafe { ngram_hashes_avx512(words, n, &mut out) };
            return out;
        }
    }
    ngram_hashes_kernel(words, n, &mut out);
    out
}

/// Word `j` of every window at once: `out[i]` (the seed on entry) ends as
/// the hash of `words[i..i + n]`.
#[inline(always)]
fn ngram_hashes_kernel(words: &[u64], n: usize, out: &mut [u64]) {
    for j in 0..n {
        let ws = &words[j..j + out.len()];
        for (h, &x) in out.iter_mut().zip(ws) {
            *h = step(*h, x);
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx512vl")]
unsafe fn ngram_hashes_avx512(words: &[u64], n: usize, out: &mut [u64]) {
    ngram_hashes_kernel(words, n, out)
}

/// Bits of the filter of source n-grams (a power of two): with a few
/// hundred source n-grams, most text n-grams that occur nowhere in the
/// source are turned away by one bit test instead of a binary search.
const FILTER_BITS: usize = 1 << 14;

fn filter_bit(h: u64) -> usize {
    (h >> 50) as usize & (FILTER_BITS - 1)
}

/// The passages of `text` aligned with `source`, in text order.
pub fn align(source: &[u64], text: &[u64], spec: AlignSpec) -> Vec<Passage> {
    align_filtered(source, text, spec, true)
}

/// [`align`], with positions the filter turns away skipped (`skip`) or
/// looked up like any other (tests: the two agree).
fn align_filtered(source: &[u64], text: &[u64], spec: AlignSpec, skip: bool) -> Vec<Passage> {
    let n = spec.n.max(1);
    if source.len() < n || text.len() < n {
        return Vec::new();
    }
    let mut places: Vec<(u64, u32)> = ngram_hashes(source, n)
        .into_iter()
        .enumerate()
        .map(|(j, h)| (h, j as u32))
        .collect();
    places.sort_unstable();
    let mut filter = vec![0u64; FILTER_BITS / 64];
    for &(h, _) in &places {
        let b = filter_bit(h);
        filter[b / 64] |= 1 << (b % 64);
    }

    let mut open: Vec<Chain> = Vec::new();
    let mut done: Vec<Passage> = Vec::new();
    let gap = spec.max_gap as u32;
    let drift = spec.max_drift as i64;
    for (i, h) in ngram_hashes(text, n).into_iter().enumerate() {
        let b = filter_bit(h);
        if skip && filter[b / 64] & 1 << (b % 64) == 0 {
            // No seed here. The chains this position would finish are
            // finished at the next one with seeds, before any seed looks
            // at them, or at the end; the passages are sorted on all
            // their fields below, so finishing later changes nothing.
            continue;
        }
        let i = i as u32;
        // Chains that can no longer grow are finished.
        open.retain(|c| {
            let live = c.p.text_end + gap >= i;
            if !live && c.p.matched as usize >= spec.min_matched {
                done.push(c.p);
            }
            live
        });
        let first = places.partition_point(|&(x, _)| x < h);
        for &(_, j) in places[first..]
            .iter()
            .take_while(|&&(x, _)| x == h)
            .take(spec.max_places)
        {
            let diag = i64::from(j) - i64::from(i);
            let end = i + n as u32;
            // The chain this seed continues most nearly on its diagonal (a
            // chain takes one seed per text position).
            let best = open
                .iter_mut()
                .filter(|c| {
                    c.counted_to < end
                        && (diag - c.diag).abs() <= drift
                        && j + drift as u32 >= c.p.source_start
                        && j <= c.p.source_end + gap
                })
                .max_by_key(|c| (-(diag - c.diag).abs(), c.p.text_end));
            match best {
                Some(c) => {
                    c.p.matched += end - i.max(c.counted_to);
                    c.counted_to = end;
                    c.p.text_end = c.p.text_end.max(end);
                    c.p.source_start = c.p.source_start.min(j);
                    c.p.source_end = c.p.source_end.max(j + n as u32);
                    c.diag = diag;
                }
                None => open.push(Chain {
                    p: Passage {
                        text_start: i,
                        text_end: end,
                        source_start: j,
                        source_end: j + n as u32,
                        matched: n as u32,
                    },
                    diag,
                    counted_to: end,
                }),
            }
        }
    }
    done.extend(
        open.into_iter()
            .map(|c| c.p)
            .filter(|p| p.matched as usize >= spec.min_matched),
    );
    // Most matched words first; keep those that overlap nothing kept, on
    // either side (a word is aligned with at most one other).
    done.sort_unstable_by_key(|p| {
        (
            std::cmp::Reverse(p.matched),
            p.text_start,
            p.source_start,
            p.text_end,
            p.source_end,
        )
    });
    let mut kept: Vec<Passage> = Vec::new();
    for mut p in done {
        // A passage that overlaps a kept one loses the overlap (seeds at a
        // passage's edge often reach a word into the next sentence).
        for k in &kept {
            trim(&mut p.text_start, &mut p.text_end, k.text_start, k.text_end);
            trim(
                &mut p.source_start,
                &mut p.source_end,
                k.source_start,
                k.source_end,
            );
        }
        let longest = p.text_len().max(p.source_len());
        p.matched = p.matched.min(p.text_len());
        if p.text_start < p.text_end
            && p.source_start < p.source_end
            && p.matched as usize >= spec.min_matched
            && longest > 0
        {
            kept.push(p);
        }
    }
    kept.sort_unstable_by_key(|p| (p.text_start, p.source_start));
    kept
}

/// Cuts the range `start..end` so it no longer overlaps `k0..k1`: from the
/// side the overlap is on; a range inside `k0..k1` becomes empty.
fn trim(start: &mut u32, end: &mut u32, k0: u32, k1: u32) {
    if *end <= k0 || *start >= k1 {
        return;
    }
    if *start < k0 {
        *end = k0;
    } else if *end > k1 {
        *start = k1;
    } else {
        *end = *start;
    }
}

/// Words of a sequence of `len` words inside the given ranges (which may
/// overlap).
pub fn covered(len: usize, ranges: impl Iterator<Item = (u32, u32)>) -> usize {
    let mut r: Vec<(u32, u32)> = ranges.collect();
    r.sort_unstable();
    let (mut total, mut reach) = (0usize, 0u32);
    for (a, b) in r {
        let a = a.max(reach);
        let b = b.min(len as u32);
        if b > a {
            total += (b - a) as usize;
            reach = b;
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::{word_hash, words};

    fn w(text: &str) -> Vec<u64> {
        words(text)
            .iter()
            .map(|w| word_hash(w.as_bytes()))
            .collect()
    }

    const WIRE: &str = "The city council voted on Tuesday to close the old harbor bridge \
        for six weeks of repairs starting next Monday. Engineers found cracks in two of \
        the main supports during a routine inspection last month, the council said. \
        Ferries will run every twenty minutes while the bridge is closed, and the \
        fares will be waived for residents who show a transit card.";

    #[test]
    fn a_verbatim_copy_is_one_passage() {
        let s = w(WIRE);
        let p = align(&s, &s, AlignSpec::default());
        assert_eq!(p.len(), 1);
        assert_eq!((p[0].text_start, p[0].text_end), (0, s.len() as u32));
        assert_eq!((p[0].source_start, p[0].source_end), (0, s.len() as u32));
        assert_eq!(p[0].similarity(), 1.0);
    }

    #[test]
    fn substitutions_insertions_and_deletions_stay_in_one_passage() {
        let edited = "The city council voted on Tuesday to shut the old harbor bridge \
            for six weeks of urgent repairs from next Monday. Engineers found cracks in \
            the main supports during an inspection last month, the council said. \
            Ferries will run every twenty minutes while the bridge is closed, and the \
            fares will be waived for residents who show a transit card.";
        let (s, t) = (w(WIRE), w(edited));
        let p = align(&s, &t, AlignSpec::default());
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!((p[0].text_start, p[0].text_end), (0, t.len() as u32));
        assert!(p[0].similarity() > 0.8 && p[0].similarity() < 1.0);
    }

    #[test]
    fn reordered_paragraphs_give_one_passage_each() {
        let a = "Engineers found cracks in two of the main supports during a routine \
            inspection last month, the council said.";
        let b = "Ferries will run every twenty minutes while the bridge is closed, and \
            fares will be waived for residents.";
        let source = w(&format!("{a} {b}"));
        let text = w(&format!("{b} {a}"));
        let p = align(&source, &text, AlignSpec::default());
        assert_eq!(p.len(), 2, "{p:?}");
        let len_b = w(b).len() as u32;
        assert_eq!((p[0].text_start, p[0].text_end), (0, len_b));
        assert_eq!(p[0].source_start, w(a).len() as u32);
        assert_eq!(p[1].text_start, len_b);
        assert_eq!(p[1].source_start, 0);
    }

    #[test]
    fn a_trimmed_ending_covers_the_whole_copy_and_part_of_the_source() {
        let s = w(WIRE);
        let trimmed = w(WIRE.split("Ferries").next().unwrap());
        let p = align(&s, &trimmed, AlignSpec::default());
        assert_eq!(p.len(), 1);
        assert_eq!(
            covered(trimmed.len(), p.iter().map(|p| (p.text_start, p.text_end))),
            trimmed.len()
        );
        assert_eq!(p[0].source_end as usize, trimmed.len());
        assert!((p[0].source_end as usize) < s.len());
    }

    #[test]
    fn unrelated_texts_and_short_inputs_align_nothing() {
        let other = w(
            "Grain prices fell sharply on the commodity exchange as traders \
            expected a record harvest across the northern plains this autumn.",
        );
        assert!(align(&w(WIRE), &other, AlignSpec::default()).is_empty());
        assert!(align(&[], &w(WIRE), AlignSpec::default()).is_empty());
        assert!(align(&w(WIRE), &[1, 2], AlignSpec::default()).is_empty());
        // A shared phrase shorter than a passage is not one.
        let quote = w("the council said and nothing more was heard of it at all");
        assert!(align(&w(WIRE), &quote, AlignSpec::default()).is_empty());
    }

    #[test]
    fn repeated_text_is_bounded_and_passages_never_overlap() {
        let word: Vec<u64> = (0..5_000).map(|i| i % 3).collect();
        let p = align(&word, &word, AlignSpec::default());
        for pair in p.windows(2) {
            assert!(pair[0].text_end <= pair[1].text_start);
        }
        assert!(!p.is_empty());
    }

    #[test]
    fn non_latin_text_aligns_through_the_same_path() {
        let urdu = "وزیر اعظم نے منگل کو کہا کہ حکومت اگلے ہفتے نئی بجٹ تجاویز پیش کرے گی اور عوام کو ریلیف دیا جائے گا";
        let copy = format!("اسلام آباد: {urdu}");
        let p = align(&w(urdu), &w(&copy), AlignSpec::default());
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].text_start, 2);
        assert_eq!(p[0].similarity(), 1.0);
    }

    #[test]
    fn unspaced_scripts_align_character_by_character() {
        // Chinese has no spaces: every character is a word, so seeds are
        // character trigrams and a reworded copy still aligns.
        let source =
            "市政府星期二宣布，港口大桥将从下周一起关闭六个星期进行维修，渡轮每二十分钟一班。";
        let copy = "据报道，市政府周二宣布，港口大桥将从下周一起关闭六个星期进行维修。";
        let p = align(&w(source), &w(copy), AlignSpec::default());
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].matched >= 20, "{p:?}");
        assert!(p[0].similarity() > 0.7);
    }

    #[test]
    fn ngram_hashes_are_each_windows_hash() {
        let mut next = crate::test_rng::xorshift(0xA119_0000_0000_0001);
        for len in 1..60 {
            let words: Vec<u64> = (0..len).map(|_| next()).collect();
            for n in 1..=len.min(6) {
                let want: Vec<u64> = words.windows(n).map(ngram_hash).collect();
                assert_eq!(ngram_hashes(&words, n), want, "{len} words, n = {n}");
                let mut scalar = vec![SEED; want.len()];
                ngram_hashes_kernel(&words, n, &mut scalar);
                assert_eq!(scalar, want);
            }
        }
    }

    #[test]
    fn skipping_positions_without_seeds_aligns_the_same() {
        // Texts made of shuffled, repeated and edited pieces of a source
        // over a small vocabulary: many seeds, gaps and repeats.
        let mut next = crate::test_rng::xorshift(0x5EED_0A11_6E00_0001);
        let spec = AlignSpec::default();
        let mut passages = 0;
        for _ in 0..300 {
            let source: Vec<u64> = (0..50 + next() % 400).map(|_| next() % 300).collect();
            let mut text = Vec::new();
            while text.len() < 300 {
                match next() % 3 {
                    0 => {
                        let at = (next() as usize) % source.len();
                        let len = (next() as usize % 40).min(source.len() - at);
                        text.extend_from_slice(&source[at..at + len]);
                    }
                    1 => text.extend((0..next() % 20).map(|_| next() % 300)),
                    _ => text.extend((0..next() % 10).map(|_| 1000 + next())),
                }
            }
            let got = align_filtered(&source, &text, spec, true);
            assert_eq!(got, align_filtered(&source, &text, spec, false));
            passages += got.len();
        }
        assert!(passages > 300, "{passages} passages");
    }

    #[test]
    fn covered_counts_overlapping_ranges_once() {
        assert_eq!(covered(10, [(0, 4), (2, 6), (8, 20)].into_iter()), 8);
        assert_eq!(covered(10, std::iter::empty()), 0);
    }
}
