//! Paragraph segmentation on the shipped sample corpus: both layouts.

use reprint::segment::paragraphs;

fn corpus_file(rel: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn one_paragraph_per_line_file_gives_a_paragraph_per_body_line() {
    let doc = corpus_file("misc/weather-warning.txt");
    let p = paragraphs(&doc);
    let body_lines = doc.lines().skip(4).filter(|l| !l.trim().is_empty()).count();
    assert!(body_lines >= 4, "fixture changed: {body_lines} body lines");
    // Headline, byline, then one paragraph per body line.
    assert_eq!(p.len(), 2 + body_lines);
    for (i, para) in p.iter().skip(2).enumerate() {
        assert_eq!(para.start_line, para.end_line);
        assert_eq!(para.start_line as usize, 5 + i);
    }
}

#[test]
fn blank_line_file_gives_a_paragraph_per_block() {
    let doc = corpus_file("wire/harbor-bridge-closure.txt");
    let blocks = doc.split("\n\n").filter(|b| !b.trim().is_empty()).count();
    let p = paragraphs(&doc);
    assert_eq!(p.len(), blocks);
    // Each paragraph's text is exactly one block, trimmed.
    for (para, block) in p
        .iter()
        .zip(doc.split("\n\n").filter(|b| !b.trim().is_empty()))
    {
        assert_eq!(para.text(&doc), block.trim());
    }
}
