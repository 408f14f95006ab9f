//! Text normalization and word splitting.
//!
//! In: a document's text. Out: a stream of 64-bit word hashes, one per word,
//! in text order.
//!
//! The normal form is: Unicode NFKC, lowercase, apostrophes (straight and
//! curly) removed inside words, every other character that is not a letter,
//! digit or combining mark treated as a separator (so curly quotes, dashes
//! and all punctuation drop out). A word is a run of letters, digits and
//! combining marks, which keeps Urdu, Cyrillic and accented Latin words
//! whole. Scripts written without spaces (Han, kana, Thai, Lao, Khmer,
//! Myanmar) give one word per character, so their shingles are character
//! k-grams.
//!
//! Invariant: pure ASCII text takes a byte-table fast path that yields exactly
//! the hashes the Unicode path would, so a document's shingles never depend
//! on which path read it.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Byte classes for the ASCII fast path.
const SEP: u8 = 0;
const APOS: u8 = 1;
/// Any other value is the lowercased byte itself.
const ASCII_CLASS: [u8; 128] = {
    let mut t = [SEP; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        if c.is_ascii_digit() || c.is_ascii_lowercase() {
            t[b] = c;
        } else if c.is_ascii_uppercase() {
            t[b] = c.to_ascii_lowercase();
        } else if c == b'\'' {
            t[b] = APOS;
        }
        b += 1;
    }
    t
};

/// Reusable buffers for [`for_each_word`]; keep one per thread.
#[derive(Default, Debug)]
pub struct WordScratch {
    word: Vec<u8>,
}

/// Calls `emit` with the hash of every word of `text`, in order.
///
/// The hash is [`word_hash`] of the word's normalized UTF-8 bytes. Pure
/// ASCII text is hashed as it is scanned, eight bytes at a time, without
/// copying the word anywhere.
pub fn for_each_word(text: &str, scratch: &mut WordScratch, mut emit: impl FnMut(u64)) {
    if text.is_ascii() {
        ascii_word_hashes(text.as_bytes(), emit);
    } else {
        for_each_word_str(text, scratch, |w| emit(word_hash(w)));
    }
}

/// The ASCII fast path of [`for_each_word`].
///
/// Word bytes (letters, digits, apostrophes) are found 64 at a time as a
/// bit mask; each run of set bits is one word, read eight bytes at a time
/// and lowercased with one OR (`| 0x20` maps `A-Z` to `a-z` and leaves
/// digits alone). Words with an apostrophe, and words too near the end of
/// the text for whole eight-byte loads, take the byte-wise path.
fn ascii_word_hashes(bytes: &[u8], mut emit: impl FnMut(u64)) {
    let mut emit_word = |start: usize, end: usize, apostrophe: bool| {
        if apostrophe || end + 8 > bytes.len() {
            let mut h = WordHasher::default();
            for &b in &bytes[start..end] {
                if b != b'\'' {
                    h.push(b | 0x20);
                }
            }
            if h.len != 0 {
                emit(h.finish());
            }
        } else {
            emit(word_hash_unpadded(bytes, start, end));
        }
    };
    // Start of a word that runs past the current block, and whether it has
    // an apostrophe so far.
    let mut pending: Option<(usize, bool)> = None;
    let mut base = 0;
    while base < bytes.len() {
        let block = &bytes[base..bytes.len().min(base + 64)];
        let (mut m, apos) = word_mask(block);
        let width = block.len() as u32;
        if let Some((start, had_apos)) = pending {
            let run = (!m).trailing_zeros().min(width);
            let has_apos = had_apos || apos & low_bits(run) != 0;
            if run == width {
                pending = Some((start, has_apos));
                base += 64;
                continue;
            }
            emit_word(start, base + run as usize, has_apos);
            pending = None;
            m &= !low_bits(run);
        }
        while m != 0 {
            let st = m.trailing_zeros();
            let run = (!(m >> st)).trailing_zeros().min(width - st);
            let bits = low_bits(run) << st;
            let has_apos = apos & bits != 0;
            if st + run == width {
                pending = Some((base + st as usize, has_apos));
                break;
            }
            emit_word(base + st as usize, base + (st + run) as usize, has_apos);
            m &= !bits;
        }
        base += 64;
    }
    if let Some((start, apos)) = pending {
        emit_word(start, bytes.len(), apos);
    }
}

/// The lowest `n` bits set (`n` ≤ 64).
#[inline(always)]
fn low_bits(n: u32) -> u64 {
    if n >= 64 {
        u64::MAX
    } else {
        (1u64 << n) - 1
    }
}

/// [`word_hash`] of the lowercased ASCII word `bytes[start..end]`, read in
/// whole eight-byte loads; needs `end + 8 <= bytes.len()` and no apostrophe.
#[inline(always)]
fn word_hash_unpadded(bytes: &[u8], start: usize, end: usize) -> u64 {
    let mut state = 0u64;
    let mut at = start;
    while at < end {
        let raw = u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"));
        let n = (end - at).min(8) as u32;
        let chunk = (raw | 0x2020_2020_2020_2020) & low_bits(8 * n);
        state = absorb(state, chunk);
        at += 8;
    }
    fmix64(state ^ ((end - start) as u64).wrapping_mul(WORD_MUL))
}

/// Bit `i` of the first mask is set when `block[i]` is an ASCII letter,
/// digit or apostrophe; of the second, when it is an apostrophe.
/// `block` holds at most 64 bytes.
#[inline(always)]
fn word_mask(block: &[u8]) -> (u64, u64) {
    #[cfg(target_arch = "x86_64")]
    {
        if block.len() == 64 {
            // SAFETY: SSE2 is part of the x86-64 baseline; the loads read
            // 4 × 16 bytes of a 64-byte slice.
            return unsafe { word_mask_sse2(block) };
        }
    }
    word_mask_scalar(block)
}

fn word_mask_scalar(block: &[u8]) -> (u64, u64) {
    let (mut m, mut a) = (0u64, 0u64);
    for (i, &b) in block.iter().enumerate() {
        let class = ASCII_CLASS[(b & 0x7F) as usize];
        m |= ((class != SEP) as u64) << i;
        a |= ((class == APOS) as u64) << i;
    }
    (m, a)
}

#[cfg(target_arch = "x86_64")]
#[inline(always)]
unsafe fn word_mask_sse2(block: &[u8]) -> (u64, u64) {
    use std::arch::x86_64::*;
    let (mut m, mut a) = (0u64, 0u64);
    for i in 0..4 {
        let v = _mm_loadu_si128(block.as_ptr().add(16 * i) as *const __m128i);
        let lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
        // ASCII bytes are non-negative as i8, so signed compares work.
        let alpha = _mm_and_si128(
            _mm_cmpgt_epi8(lower, _mm_set1_epi8(b'a' as i8 - 1)),
            _mm_cmplt_epi8(lower, _mm_set1_epi8(b'z' as i8 + 1)),
        );
        let digit = _mm_and_si128(
            _mm_cmpgt_epi8(v, _mm_set1_epi8(b'0' as i8 - 1)),
            _mm_cmplt_epi8(v, _mm_set1_epi8(b'9' as i8 + 1)),
        );
        let apos = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\'' as i8));
        let word = _mm_or_si128(_mm_or_si128(alpha, digit), apos);
        m |= (_mm_movemask_epi8(word) as u32 as u64) << (16 * i);
        a |= (_mm_movemask_epi8(apos) as u32 as u64) << (16 * i);
    }
    (m, a)
}

/// Multiplier of the word hash (odd, from the golden ratio).
const WORD_MUL: u64 = 0x9E37_79B9_7F4A_7C15;

/// Streaming form of [`word_hash`]: bytes go in one at a time.
#[derive(Default, Clone, Copy)]
struct WordHasher {
    state: u64,
    chunk: u64,
    len: u64,
}

impl WordHasher {
    #[inline(always)]
    fn push(&mut self, byte: u8) {
        let fill = self.len & 7;
        self.chunk |= (byte as u64) << (8 * fill);
        self.len += 1;
        if fill == 7 {
            self.state = absorb(self.state, self.chunk);
            self.chunk = 0;
        }
    }

    #[inline(always)]
    fn finish(self) -> u64 {
        let mut state = self.state;
        if self.len & 7 != 0 {
            state = absorb(state, self.chunk);
        }
        fmix64(state ^ self.len.wrapping_mul(WORD_MUL))
    }
}

#[inline(always)]
fn absorb(state: u64, chunk: u64) -> u64 {
    (state ^ chunk).wrapping_mul(WORD_MUL).rotate_left(31)
}

/// The 64-bit hash of one normalized word.
///
/// Eight-byte little-endian chunks (the last one zero-padded) are folded
/// with a multiply-rotate step and the length, then finished with the
/// MurmurHash3 64-bit finalizer. Words are short, so this beats a general
/// purpose hash, and the ASCII path computes it while scanning.
pub fn word_hash(word: &[u8]) -> u64 {
    let mut h = WordHasher::default();
    for &b in word {
        h.push(b);
    }
    h.finish()
}

/// The MurmurHash3 64-bit finalizer: every input bit affects every output
/// bit.
#[inline(always)]
pub fn fmix64(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    x ^= x >> 33;
    x = x.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    x ^ (x >> 33)
}

/// For ASCII `text` only: calls `emit(hash, start)` for every word, in
/// order, with the byte offset where it starts; the hashes are those of
/// [`for_each_word`] on the whole text, which, as words never span
/// whitespace, are also those of [`for_each_word`] token by token. One
/// pass, for callers that need each word's place (the reuse stage's
/// `Tokens`).
pub(crate) fn for_each_ascii_word_at(text: &[u8], mut emit: impl FnMut(u64, usize)) {
    debug_assert!(text.is_ascii());
    let mut h = WordHasher::default();
    let mut start = 0usize;
    for (i, &b) in text.iter().enumerate() {
        match ASCII_CLASS[b as usize] {
            SEP => {
                if h.len != 0 {
                    emit(std::mem::take(&mut h).finish(), start);
                }
            }
            APOS => {}
            c => {
                if h.len == 0 {
                    start = i;
                }
                h.push(c);
            }
        }
    }
    if h.len != 0 {
        emit(h.finish(), start);
    }
}

/// Calls `emit` with every normalized word of `text` as bytes (UTF-8).
///
/// This is the single definition of a word; [`for_each_word`] and
/// [`words`] are built on it.
pub fn for_each_word_str(text: &str, scratch: &mut WordScratch, mut emit: impl FnMut(&[u8])) {
    let word = &mut scratch.word;
    word.clear();
    if text.is_ascii() {
        for &b in text.as_bytes() {
            match ASCII_CLASS[b as usize] {
                SEP => {
                    if !word.is_empty() {
                        emit(word);
                        word.clear();
                    }
                }
                APOS => {}
                c => word.push(c),
            }
        }
    } else {
        let mut utf8 = [0u8; 4];
        for c in text.nfkc() {
            if is_apostrophe(c) {
                continue;
            }
            if is_unspaced_script(c) {
                if !word.is_empty() {
                    emit(word);
                    word.clear();
                }
                for l in c.to_lowercase() {
                    word.extend_from_slice(l.encode_utf8(&mut utf8).as_bytes());
                }
                emit(word);
                word.clear();
            } else if c.is_alphanumeric() || is_combining_mark(c) {
                if c.is_ascii() {
                    word.push(c.to_ascii_lowercase() as u8);
                } else {
                    for l in c.to_lowercase() {
                        word.extend_from_slice(l.encode_utf8(&mut utf8).as_bytes());
                    }
                }
            } else if !word.is_empty() {
                emit(word);
                word.clear();
            }
        }
    }
    if !word.is_empty() {
        emit(word);
        word.clear();
    }
}

/// Whether `text` has a word (as [`for_each_word_str`] finds them); a
/// document without one is empty: it has no shingles and never matches.
/// Stops at the first word.
pub fn has_words(text: &str) -> bool {
    if text.is_ascii() {
        text.bytes()
            .any(|b| !matches!(ASCII_CLASS[b as usize], SEP | APOS))
    } else {
        text.nfkc().any(|c| {
            !is_apostrophe(c)
                && (is_unspaced_script(c) || c.is_alphanumeric() || is_combining_mark(c))
        })
    }
}

/// The normalized words of `text`, as strings. Convenient for tests and
/// explanations; the hot path uses [`for_each_word`].
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut scratch = WordScratch::default();
    for_each_word_str(text, &mut scratch, |w| {
        out.push(String::from_utf8_lossy(w).into_owned())
    });
    out
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{02BC}' | '\u{2032}')
}

/// Scripts written without spaces between words: one token per character.
fn is_unspaced_script(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0EFF       // Thai, Lao
        | 0x1000..=0x109F     // Myanmar
        | 0x1780..=0x17FF     // Khmer
        | 0x3040..=0x30FF     // Hiragana, Katakana
        | 0x3400..=0x4DBF     // CJK extension A
        | 0x4E00..=0x9FFF     // CJK unified ideographs
        | 0xF900..=0xFAFF     // CJK compatibility ideographs
        | 0x20000..=0x2FA1F   // CJK extensions B–F, compatibility supplement
    ) && !is_combining_mark(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_words_is_for_each_word_str_finding_one() {
        let mut scratch = WordScratch::default();
        for t in [
            "",
            "  \n\t",
            "-- ... !!",
            "'",
            "’’",
            "a",
            " x ",
            "l'été",
            "\u{301}",
            "中文",
            "ا",
            "١٢٣",
            "ﬁ",
            "— 42 —",
            "\u{200b}",
            "Ⅻ",
            "😀",
        ] {
            let mut any = false;
            for_each_word_str(t, &mut scratch, |_| any = true);
            assert_eq!(has_words(t), any, "{t:?}");
        }
    }

    #[test]
    fn ascii_lowercases_and_drops_punctuation() {
        assert_eq!(
            words("The Mayor's \"new\" plan -- 5.93 mln, (approved)!"),
            ["the", "mayors", "new", "plan", "5", "93", "mln", "approved"]
        );
    }

    #[test]
    fn curly_quotes_and_dashes_fold_like_ascii() {
        assert_eq!(
            words("The Mayor’s “new” plan — approved"),
            words("The Mayor's \"new\" plan - approved")
        );
    }

    #[test]
    fn nfkc_folds_compatibility_forms() {
        // Full-width letters and the "ﬁ" ligature are compatibility characters.
        assert_eq!(words("ＡＢＣ ﬁnance"), ["abc", "finance"]);
        // Composed and decomposed é are one word.
        assert_eq!(words("caf\u{e9}"), words("cafe\u{301}"));
    }

    #[test]
    fn non_latin_scripts_keep_words_whole() {
        assert_eq!(words("Привет, МИР!"), ["привет", "мир"]);
        assert_eq!(
            words("Ça s'écrit à Zürich"),
            ["ça", "sécrit", "à", "zürich"]
        );
        // Urdu with diacritics (zer, zabar) stays one word per space-separated run.
        assert_eq!(words("پاکستان کی حکومتِ"), ["پاکستان", "کی", "حکومتِ"]);
        // Devanagari virama is a combining mark and does not split the word.
        assert_eq!(words("हिन्दी समाचार"), ["हिन्दी", "समाचार"]);
    }

    #[test]
    fn unspaced_scripts_split_per_character() {
        assert_eq!(words("東京都"), ["東", "京", "都"]);
        assert_eq!(words("abc東京"), ["abc", "東", "京"]);
    }

    #[test]
    fn ascii_fast_path_matches_unicode_path() {
        let ascii = "Shares of ACME Corp. rose 5% on Tuesday, it's said.";
        // Appending a non-ASCII word forces the Unicode path for the whole text.
        let unicode = format!("{ascii} é");
        let a = words(ascii);
        let u = words(&unicode);
        assert_eq!(&u[..a.len()], &a[..]);
        assert_eq!(u.last().unwrap(), "é");
    }

    fn hashes(text: &str) -> Vec<u64> {
        let mut out = Vec::new();
        for_each_word(text, &mut WordScratch::default(), |h| out.push(h));
        out
    }

    #[test]
    fn streaming_ascii_hash_equals_word_hash() {
        let text = "a bb ccccccc dddddddd eeeeeeeee it's 1234567890123456 x";
        let expect: Vec<u64> = words(text)
            .iter()
            .map(|w| word_hash(w.as_bytes()))
            .collect();
        assert_eq!(hashes(text), expect);
        // The Unicode path hashes the same words to the same values.
        let unicode = format!("{text} é");
        assert_eq!(&hashes(&unicode)[..expect.len()], &expect[..]);
    }

    #[test]
    fn block_path_matches_byte_path_at_every_length_and_offset() {
        // Words that straddle 64-byte blocks, end at the text's end, carry
        // apostrophes or are only apostrophes.
        let unit = "Alpha's x '' 0123456789ABCDEFGHIJ rock 'n' roll, DON'T-stop; ";
        let long: String = unit.repeat(6);
        for start in 0..70 {
            for end in (start..long.len()).step_by(7) {
                let text = &long[start..end];
                let expect: Vec<u64> = words(text)
                    .iter()
                    .map(|w| word_hash(w.as_bytes()))
                    .collect();
                assert_eq!(hashes(text), expect, "{text:?}");
            }
        }
        let block = &long.as_bytes()[..64];
        assert_eq!(word_mask(block), word_mask_scalar(block));
        let all_word = [b'a'; 200];
        assert_eq!(hashes(std::str::from_utf8(&all_word).unwrap()).len(), 1);
    }

    #[test]
    fn word_hash_separates_lengths_and_padding() {
        assert_ne!(word_hash(b"a"), word_hash(b"a\0"));
        assert_ne!(word_hash(b""), word_hash(b"\0"));
        assert_ne!(word_hash(b"abcdefgh"), word_hash(b"abcdefgh\0"));
        assert_ne!(word_hash(b"ab"), word_hash(b"ba"));
    }

    #[test]
    fn empty_and_punctuation_only_text_has_no_words() {
        assert!(words("").is_empty());
        assert!(words("  \n\t -- !!! ...").is_empty());
    }
}
