//! Segmentation and tokenizing of any text: no panic; paragraph spans are
//! ordered, disjoint and on character boundaries; the paragraphs' words are
//! the text's words; shingling gives one hash per window.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reprint::normalize::{for_each_word, WordScratch};
use reprint::paragraph::ParagraphWords;
use reprint::segment;
use reprint::shingle::{shingles, ShingleScratch};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let paras = segment::paragraphs(&text);
    let mut last_end = 0;
    for p in &paras {
        assert!(p.start >= last_end && p.start < p.end && p.end <= text.len());
        assert!(text.is_char_boundary(p.start) && text.is_char_boundary(p.end));
        assert!(p.start_line <= p.end_line);
        last_end = p.end;
    }
    let mut scratch = WordScratch::default();
    let mut whole = Vec::new();
    for_each_word(&text, &mut scratch, |h| whole.push(h));
    let mut words = ParagraphWords::default();
    words.fill(&text, &paras, &mut scratch);
    assert_eq!(words.hashes, whole);
    for k in [1, 3, 5] {
        let n = shingles(&text, k, &mut ShingleScratch::default()).len();
        let want = if whole.is_empty() {
            0
        } else {
            whole.len().saturating_sub(k - 1).max(1)
        };
        assert_eq!(n, want);
    }
});
