//! Paragraph segmentation.
//!
//! In: a document's text. Out: its [`Paragraph`]s, in order, each with a
//! half-open byte span (trimmed of surrounding whitespace) and 1-based first
//! and last line numbers.
//!
//! Scraped text comes in three layouts, and one document may mix them:
//! - paragraphs separated by blank lines (each block of lines is a paragraph,
//!   its hard wraps kept inside it);
//! - one paragraph per line with no blank lines at all (every line of a block
//!   is a paragraph);
//! - hard-wrapped paragraphs without blank lines, where a new paragraph starts
//!   at an indented line (newswire style) or after a short line that ends a
//!   sentence.
//!
//! A block is read as hard-wrapped when its lines are of similar length no
//! longer than [`MAX_WRAP_WIDTH`] (the last line of each paragraph aside);
//! otherwise each of its lines is a paragraph.
//!
//! Invariants: spans are in order, do not overlap, lie on character
//! boundaries, and never cover a blank line; a text without any
//! non-whitespace character has no paragraphs; every word of a text lies in
//! one of its paragraphs (so the paragraphs' words are the text's words).

/// Lines longer than this are never treated as hard-wrapped.
pub const MAX_WRAP_WIDTH: usize = 100;

/// One paragraph of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paragraph {
    /// Byte offset of the first non-whitespace character.
    pub start: usize,
    /// Byte offset just past the last non-whitespace character.
    pub end: usize,
    /// 1-based line of `start`.
    pub start_line: u32,
    /// 1-based line of the paragraph's last character.
    pub end_line: u32,
}

impl Paragraph {
    /// The paragraph's text within the document it came from.
    pub fn text<'t>(&self, doc: &'t str) -> &'t str {
        &doc[self.start..self.end]
    }
}

/// A line: its trimmed byte span, 1-based number, width in characters and indentation.
#[derive(Debug, Clone, Copy)]
struct Line {
    start: usize,
    end: usize,
    number: u32,
    width: usize,
    indented: bool,
}

fn lines(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut offset = 0;
    for (i, raw) in text.split('\n').enumerate() {
        let line_start = offset;
        offset += raw.len() + 1;
        let trimmed_start = raw.len() - raw.trim_start().len();
        let body = raw.trim();
        let start = line_start + trimmed_start;
        out.push(Line {
            start,
            end: start + body.len(),
            number: (i + 1).min(u32::MAX as usize) as u32,
            width: body.chars().count(),
            indented: trimmed_start > 0 && !body.is_empty(),
        });
    }
    out
}

fn ends_sentence(text: &str, line: &Line) -> bool {
    text[line.start..line.end]
        .chars()
        .next_back()
        .is_some_and(|c| matches!(c, '.' | '!' | '?' | '"' | '\'' | '”' | '’' | '<' | ':'))
}

/// Whether a block of lines reads as hard-wrapped paragraphs.
fn is_hard_wrapped(block: &[Line]) -> bool {
    let widest = block.iter().map(|l| l.width).max().unwrap_or(0);
    if block.len() < 2 || widest > MAX_WRAP_WIDTH {
        return false;
    }
    // Wrapped lines fill most of the width; allow the short last line of
    // each paragraph.
    let full = block.iter().filter(|l| l.width * 10 >= widest * 6).count();
    full * 10 >= block.len() * 6
}

/// Splits `text` into paragraphs as described in the module docs.
pub fn paragraphs(text: &str) -> Vec<Paragraph> {
    let all = lines(text);
    let mut out = Vec::new();
    let mut push = |group: &[Line]| {
        if let (Some(first), Some(last)) = (group.first(), group.last()) {
            out.push(Paragraph {
                start: first.start,
                end: last.end,
                start_line: first.number,
                end_line: last.number,
            });
        }
    };
    for block in all.split(|l| l.start == l.end) {
        if block.is_empty() {
            continue;
        }
        if !is_hard_wrapped(block) {
            if block.len() > 1
                && block.iter().all(|l| l.width <= MAX_WRAP_WIDTH)
                && block.len() <= 3
            {
                // A short block of short lines (an address, a byline) stays whole.
                push(block);
            } else {
                for l in block {
                    push(std::slice::from_ref(l));
                }
            }
            continue;
        }
        let widest = block.iter().map(|l| l.width).max().unwrap_or(0);
        let mut from = 0;
        for i in 1..block.len() {
            let prev = &block[i - 1];
            let cur = &block[i];
            let indent_break = cur.indented && !prev.indented;
            let short_end = ends_sentence(text, prev) && prev.width * 4 < widest * 3;
            if indent_break || short_end {
                push(&block[from..i]);
                from = i;
            }
        }
        push(&block[from..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(doc: &str) -> Vec<&str> {
        paragraphs(doc).iter().map(|p| p.text(doc)).collect()
    }

    fn lines_of(doc: &str) -> Vec<(u32, u32)> {
        paragraphs(doc)
            .iter()
            .map(|p| (p.start_line, p.end_line))
            .collect()
    }

    #[test]
    fn blank_lines_separate_paragraphs() {
        let doc =
            "Headline here\n\nFirst paragraph, one line.\n\n\nSecond paragraph\nwrapped in two.\n";
        assert_eq!(
            texts(doc),
            [
                "Headline here",
                "First paragraph, one line.",
                "Second paragraph\nwrapped in two."
            ]
        );
        assert_eq!(lines_of(doc), [(1, 1), (3, 3), (6, 7)]);
    }

    #[test]
    fn one_paragraph_per_line_without_blank_lines() {
        let long = |n: usize| {
            format!("Sentence number {n} is a long line of scraped text that goes on and on well past any hard wrap width, as scrapers write paragraphs.")
        };
        let doc = format!("{}\n{}\n{}\n{}", long(1), long(2), long(3), long(4));
        let p = paragraphs(&doc);
        assert_eq!(p.len(), 4);
        assert_eq!(lines_of(&doc), [(1, 1), (2, 2), (3, 3), (4, 4)]);
        assert!(p[2].text(&doc).contains("number 3"));
    }

    #[test]
    fn hard_wrapped_newswire_splits_at_indented_lines() {
        let doc = "Showers continued throughout the week in\n\
                   the cocoa zone, alleviating the drought since\n\
                   early January, the review said.\n    \
                   The dry period means the crop will be late\n\
                   this year, traders in the port city said.\n    \
                   Arrivals for the week were 155,221 bags of\n\
                   60 kilos, against 150,000 a year ago.\n";
        assert_eq!(lines_of(doc), [(1, 3), (4, 5), (6, 7)]);
        assert!(texts(doc)[1].starts_with("The dry period"));
    }

    #[test]
    fn hard_wrapped_text_splits_after_a_short_sentence_end() {
        let doc = "The council voted on Tuesday to close the harbor\n\
                   bridge for six weeks of repairs next spring.\n\
                   Ferries will run every twenty minutes while the\n\
                   bridge is shut, the transport office said.\n";
        // Line 2 ends a sentence but fills the width: not a break by itself.
        assert_eq!(lines_of(doc), [(1, 4)]);
        let doc2 = "The council voted on Tuesday to close the harbor\n\
                    bridge for repairs.\n\
                    Ferries will run every twenty minutes while the\n\
                    bridge is shut, the transport office said.\n";
        assert_eq!(lines_of(doc2), [(1, 2), (3, 4)]);
    }

    #[test]
    fn no_paragraphs_in_empty_or_blank_text() {
        assert!(paragraphs("").is_empty());
        assert!(paragraphs(" \n\t\n   \n").is_empty());
    }

    #[test]
    fn crlf_and_surrounding_whitespace_are_trimmed() {
        let doc = "  First line.\r\n\r\n\tSecond line.  \r\n";
        assert_eq!(texts(doc), ["First line.", "Second line."]);
        assert_eq!(lines_of(doc), [(1, 1), (3, 3)]);
    }

    #[test]
    fn spans_are_ordered_disjoint_and_on_char_boundaries() {
        let doc = "Ünïcödé héadline\n\nПривет мир, это абзац.\nپاکستان کی حکومت\n\n東京都の天気は晴れです。\n";
        let p = paragraphs(doc);
        assert!(!p.is_empty());
        for w in p.windows(2) {
            assert!(w[0].end <= w[1].start);
            assert!(w[0].end_line <= w[1].start_line);
        }
        for x in &p {
            assert!(doc.is_char_boundary(x.start) && doc.is_char_boundary(x.end));
            assert!(!x.text(doc).trim().is_empty());
        }
    }

    #[test]
    fn text_without_newlines_is_one_paragraph() {
        assert_eq!(texts("Just one line of text."), ["Just one line of text."]);
    }
}
