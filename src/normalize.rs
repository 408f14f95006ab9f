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
use xxhash_rust::xxh3::xxh3_64;

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
/// The hash is xxh3 of the word's normalized UTF-8 bytes.
pub fn for_each_word(text: &str, scratch: &mut WordScratch, mut emit: impl FnMut(u64)) {
    for_each_word_str(text, scratch, |w| emit(xxh3_64(w)));
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

    #[test]
    fn empty_and_punctuation_only_text_has_no_words() {
        assert!(words("").is_empty());
        assert!(words("  \n\t -- !!! ...").is_empty());
    }
}
