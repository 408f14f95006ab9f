//! `reprint explain`: why two documents match, or do not.
//!
//! For two texts: exact and estimated Jaccard of their shingle sets,
//! containment both ways, the shared shingle count and the verdict under
//! the matching rule; the paragraphs of one that match paragraphs of the
//! other, with their lines; and the longest word runs they share.

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::input::read::{Collect, Reader};
use crate::input::{discover, Document, Issue, Origin, StdinFormat};
use crate::minhash::{estimate_jaccard, MinHasher};
use crate::normalize::words;
use crate::passage::{shared_runs, Join, RunSpec};
use crate::report::round4;
use crate::segment;
use crate::shingle::{shingle_set, shingles, ShingleScratch};
use crate::verify::{scores, Rule};

/// Longest shared passages listed.
pub const MAX_PASSAGES: usize = 5;
/// Shortest shared passage listed, in words.
pub use crate::passage::MIN_PASSAGE_WORDS;

/// One of the two documents.
#[derive(Debug, Clone, Serialize)]
pub struct Side {
    /// Its id.
    pub doc: String,
    /// Its file.
    pub path: String,
    /// Its line there (record line for JSON Lines, item for feeds, else 1).
    pub line: u64,
    /// Normalized words.
    pub words: usize,
    /// Distinct shingles.
    pub shingles: usize,
    /// Paragraphs with at least the minimum words for paragraph matching.
    pub paragraphs: usize,
}

/// Two paragraphs that match.
#[derive(Debug, Clone, Serialize)]
pub struct ParagraphMatch {
    /// First and last line of the paragraph in A's text.
    pub a_lines: (u32, u32),
    /// First and last line of the paragraph in B's text.
    pub b_lines: (u32, u32),
    /// Exact Jaccard of their paragraph shingle sets.
    pub jaccard: f64,
    /// Share of the smaller one found in the other.
    pub containment: f64,
    /// The start of A's paragraph.
    pub excerpt: String,
}

/// A word run both texts contain.
#[derive(Debug, Clone, Serialize)]
pub struct Passage {
    /// Its length in words.
    pub words: usize,
    /// Line in A's text where it starts.
    pub a_line: u32,
    /// Line in B's text where it starts.
    pub b_line: u32,
    /// The run, as normalized words (cut at 40 words).
    pub text: String,
}

/// Why two documents match or not.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    /// The first document.
    pub a: Side,
    /// The second document.
    pub b: Side,
    /// Words per shingle.
    pub shingle_size: usize,
    /// Exact Jaccard of the shingle sets.
    pub jaccard: f64,
    /// The MinHash estimate of it (what LSH sees), with the scan's parameters.
    pub estimated_jaccard: f64,
    /// Share of A's shingles found in B.
    pub containment_a_in_b: f64,
    /// Share of B's shingles found in A.
    pub containment_b_in_a: f64,
    /// Shingles both have.
    pub shared_shingles: usize,
    /// Whether `reprint scan` would call them duplicates (if LSH pairs them).
    pub duplicate: bool,
    /// Which rule decides, in words.
    pub verdict: String,
    /// Paragraphs of A that match a paragraph of B, in A's order.
    pub paragraphs: Vec<ParagraphMatch>,
    /// The longest word runs both contain, longest first.
    pub passages: Vec<Passage>,
    /// Input problems met while reading the corpus (records skipped on the
    /// way to the two documents); absent when there were none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub issues: Vec<Issue>,
}

/// A document to explain.
#[derive(Debug, Clone)]
pub struct Doc {
    /// Its id.
    pub id: String,
    /// Its file's name.
    pub path: String,
    /// Its line in the file.
    pub line: u64,
    /// Its text.
    pub text: String,
}

/// Documents read for an explanation, and the problems met reading them.
#[derive(Debug, Clone)]
pub struct Read<T> {
    /// What was asked for.
    pub docs: T,
    /// Input problems met on the way (records skipped, lossy UTF-8), sorted:
    /// reading goes on past them, as a scan does.
    pub issues: Vec<Issue>,
}

/// Reads the documents of `path` (any input format) that `keep` wants, in
/// file order, through the scan's reader: the same keep-going rules and
/// record-size limit.
fn documents_of(
    path: &Path,
    cfg: &Config,
    keep: impl Fn(&Document) -> bool + Sync + Send,
) -> Result<Read<Vec<Doc>>> {
    let found = discover(&[path.to_path_buf()], &cfg.input, StdinFormat::JsonLines)?;
    let sources = &found.sources;
    let mut sink = Collect {
        items: Vec::new(),
        issues: found.issues,
    };
    Reader::new(
        sources,
        &cfg.input,
        None,
        || (),
        |_: &mut (), d: &mut Document| {
            keep(d).then(|| {
                let (path, line) = match d.origin {
                    Origin::Input(loc) => (sources[loc.source as usize].name.clone(), loc.line),
                    Origin::Held(_) => (String::new(), 1),
                };
                Doc {
                    id: std::mem::take(&mut d.id),
                    path,
                    line,
                    text: std::mem::take(&mut d.text),
                }
            })
        },
    )
    .read_all(&mut sink);
    let mut issues = sink.issues;
    issues.sort();
    Ok(Read {
        docs: sink.items.into_iter().flatten().collect(),
        issues,
    })
}

/// The one document of a file given as `reprint explain A B`.
pub fn document_in(path: &Path, cfg: &Config) -> Result<Read<Doc>> {
    let Read { mut docs, issues } = documents_of(path, cfg, |_| true)?;
    match docs.len() {
        1 => Ok(Read {
            docs: docs.remove(0),
            issues,
        }),
        0 => Err(Error::InvalidParam(format!(
            "{}: holds no document to explain{}",
            path.display(),
            first_issue(&issues)
        ))),
        n => Err(Error::InvalidParam(format!(
            "{}: holds {n} documents; name two of them with `reprint explain --corpus {} ID_A ID_B`",
            path.display(),
            path.display()
        ))),
    }
}

/// ` (path:line: message)` of the first issue, or nothing.
fn first_issue(issues: &[Issue]) -> String {
    issues
        .first()
        .map(|i| format!(" ({}: {})", i.location(), i.message))
        .unwrap_or_default()
}

/// Two documents of a corpus, by id. Records that cannot be read are
/// skipped and come back as issues.
pub fn documents_by_id(corpus: &Path, cfg: &Config, a: &str, b: &str) -> Result<Read<(Doc, Doc)>> {
    let Read { docs, issues } = documents_of(corpus, cfg, |d| d.id == a || d.id == b)?;
    let find = |id: &str| {
        docs.iter().find(|d| d.id == id).cloned().ok_or_else(|| {
            Error::InvalidParam(format!(
                "{}: no document has id `{id}` (ids come from the `{}` field, or PATH:LINE){}",
                corpus.display(),
                cfg.input.id_field,
                first_issue(&issues)
            ))
        })
    };
    Ok(Read {
        docs: (find(a)?, find(b)?),
        issues,
    })
}

/// Paragraphs of a text with their normalized words.
struct Para {
    start_line: u32,
    end_line: u32,
    words: Vec<String>,
    excerpt: String,
}

fn paragraphs_of(text: &str) -> Vec<Para> {
    segment::paragraphs(text)
        .iter()
        .map(|p| Para {
            start_line: p.start_line,
            end_line: p.end_line,
            words: words(p.text(text)),
            excerpt: crate::paragraph::excerpt(p.text(text), 60),
        })
        .collect()
}

fn set_of_words(words: &[String], k: usize, scratch: &mut ShingleScratch) -> Vec<u64> {
    shingle_set(&words.join(" "), k, scratch)
}

/// Explains the match between `a` and `b` under `cfg`'s parameters.
pub fn explain(a: &Doc, b: &Doc, cfg: &Config) -> Explanation {
    let m = &cfg.matching;
    let mut scratch = ShingleScratch::default();
    let (set_a, set_b) = (
        shingle_set(&a.text, m.shingle_size, &mut scratch),
        shingle_set(&b.text, m.shingle_size, &mut scratch),
    );
    let hasher = MinHasher::with_sketch(m.sketch, m.num_perm, m.seed);
    let sig_a = hasher.sign(shingles(&a.text, m.shingle_size, &mut scratch));
    let sig_b = hasher.sign(shingles(&b.text, m.shingle_size, &mut scratch));
    let s = scores(&set_a, &set_b);
    let frac = |n: usize, d: usize| if d == 0 { 0.0 } else { n as f64 / d as f64 };
    let rule = Rule {
        threshold: m.threshold,
        containment: m.containment,
    };
    let duplicate = !set_a.is_empty() && !set_b.is_empty() && rule.accepts(&s);
    let verdict = if set_a.is_empty() || set_b.is_empty() {
        "not duplicates: a text without words has no shingles".to_string()
    } else if s.jaccard >= m.threshold {
        format!(
            "duplicates: Jaccard {:.4} ≥ threshold {}",
            s.jaccard, m.threshold
        )
    } else if let Some(c) = m.containment.filter(|&c| s.containment >= c) {
        format!(
            "duplicates: containment {:.4} ≥ {c} (the shorter text is inside the longer), though Jaccard {:.4} < {}",
            s.containment, s.jaccard, m.threshold
        )
    } else {
        format!(
            "not duplicates: Jaccard {:.4} < threshold {}{}",
            s.jaccard,
            m.threshold,
            m.containment
                .map(|c| format!(" and containment {:.4} < {c}", s.containment))
                .unwrap_or_default()
        )
    };

    let (pa, pb) = (paragraphs_of(&a.text), paragraphs_of(&b.text));
    let pc = &cfg.paragraphs;
    let min = pc.min_words.max(1);
    let sets = |ps: &[Para], scratch: &mut ShingleScratch| -> Vec<Option<Vec<u64>>> {
        ps.iter()
            .map(|p| {
                (p.words.len() >= min).then(|| set_of_words(&p.words, pc.shingle_size, scratch))
            })
            .collect()
    };
    let (sa, sb) = (sets(&pa, &mut scratch), sets(&pb, &mut scratch));
    let mut paragraphs = Vec::new();
    for (i, x) in sa.iter().enumerate() {
        let Some(x) = x else { continue };
        let best = sb
            .iter()
            .enumerate()
            .filter_map(|(j, y)| y.as_ref().map(|y| (j, scores(x, y))))
            .filter(|(_, s)| rule.accepts(s))
            .max_by(|(j1, s1), (j2, s2)| {
                s1.jaccard.total_cmp(&s2.jaccard).then_with(|| j2.cmp(j1))
            });
        if let Some((j, s)) = best {
            paragraphs.push(ParagraphMatch {
                a_lines: (pa[i].start_line, pa[i].end_line),
                b_lines: (pb[j].start_line, pb[j].end_line),
                jaccard: round4(s.jaccard),
                containment: round4(s.containment),
                excerpt: pa[i].excerpt.clone(),
            });
        }
    }

    let side = |d: &Doc, set: &[u64], ps: &[Option<Vec<u64>>], paras: &[Para]| Side {
        doc: d.id.clone(),
        path: d.path.clone(),
        line: d.line,
        words: paras.iter().map(|p| p.words.len()).sum(),
        shingles: set.len(),
        paragraphs: ps.iter().filter(|p| p.is_some()).count(),
    };
    Explanation {
        a: side(a, &set_a, &sa, &pa),
        b: side(b, &set_b, &sb, &pb),
        shingle_size: m.shingle_size,
        jaccard: round4(s.jaccard),
        estimated_jaccard: round4(estimate_jaccard(&sig_a, &sig_b)),
        containment_a_in_b: round4(frac(s.shared, set_a.len())),
        containment_b_in_a: round4(frac(s.shared, set_b.len())),
        shared_shingles: s.shared,
        duplicate,
        verdict,
        paragraphs,
        passages: passages(&pa, &pb),
        issues: Vec::new(),
    }
}

/// The longest word runs of A that B also holds: maximal aligned runs of
/// at least [`MIN_PASSAGE_WORDS`] words, longest first, none overlapping
/// another in A ([`crate::passage`]).
fn passages(pa: &[Para], pb: &[Para]) -> Vec<Passage> {
    fn flat(ps: &[Para]) -> (Vec<&str>, Vec<u32>) {
        let mut w = Vec::new();
        let mut line = Vec::new();
        for p in ps {
            for x in &p.words {
                w.push(x.as_str());
                line.push(p.start_line);
            }
        }
        (w, line)
    }
    let (wa, la) = flat(pa);
    let (wb, lb) = flat(pb);
    let spec = RunSpec {
        n: MIN_PASSAGE_WORDS,
        min_len: MIN_PASSAGE_WORDS,
        join: Join::Aligned,
    };
    shared_runs(&wb, &wa, spec)
        .into_iter()
        .take(MAX_PASSAGES)
        .map(|r| {
            let shown = &wa[r.at..r.at + r.len.min(40)];
            Passage {
                words: r.len,
                a_line: la[r.at],
                b_line: lb[r.source_at],
                text: format!("{}{}", shown.join(" "), if r.len > 40 { " …" } else { "" }),
            }
        })
        .collect()
}

/// Writes an explanation as text.
pub fn write_text(e: &Explanation, out: &mut dyn Write) -> Result<()> {
    let w = |x| Error::io("<output>", x);
    let side = |s: &Side| {
        format!(
            "{} ({}:{}): {} words, {} shingles, {} matchable paragraphs",
            s.doc, s.path, s.line, s.words, s.shingles, s.paragraphs
        )
    };
    writeln!(out, "A  {}", side(&e.a)).map_err(w)?;
    writeln!(out, "B  {}", side(&e.b)).map_err(w)?;
    writeln!(out).map_err(w)?;
    writeln!(out, "{}", e.verdict).map_err(w)?;
    writeln!(
        out,
        "Jaccard {:.4} exact, {:.4} estimated (MinHash); {} shared {}-word shingles",
        e.jaccard, e.estimated_jaccard, e.shared_shingles, e.shingle_size
    )
    .map_err(w)?;
    writeln!(
        out,
        "containment: {:.4} of A is in B, {:.4} of B is in A",
        e.containment_a_in_b, e.containment_b_in_a
    )
    .map_err(w)?;
    writeln!(out, "\nmatching paragraphs ({}):", e.paragraphs.len()).map_err(w)?;
    if e.paragraphs.is_empty() {
        writeln!(out, "  none").map_err(w)?;
    }
    for p in &e.paragraphs {
        writeln!(
            out,
            "  A lines {}-{}  ~  B lines {}-{}   Jaccard {:.2}  containment {:.2}   \"{}\"",
            p.a_lines.0, p.a_lines.1, p.b_lines.0, p.b_lines.1, p.jaccard, p.containment, p.excerpt
        )
        .map_err(w)?;
    }
    writeln!(
        out,
        "\nlongest shared passages (at least {MIN_PASSAGE_WORDS} words, normalized):"
    )
    .map_err(w)?;
    if e.passages.is_empty() {
        writeln!(out, "  none").map_err(w)?;
    }
    for p in &e.passages {
        writeln!(
            out,
            "  {} words, A line {}, B line {}: \"{}\"",
            p.words, p.a_line, p.b_line, p.text
        )
        .map_err(w)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &str, text: &str) -> Doc {
        Doc {
            id: id.into(),
            path: format!("{id}.txt"),
            line: 1,
            text: text.into(),
        }
    }

    #[test]
    fn passages_are_maximal_runs_longest_first() {
        let a = doc(
            "a",
            "one two three four five six seven eight\n\nalpha beta gamma delta epsilon zeta eta",
        );
        let b = doc(
            "b",
            "x y alpha beta gamma delta epsilon zeta\n\nnine one two three four five six seven eight",
        );
        let e = explain(&a, &b, &Config::new(Vec::new()));
        let got: Vec<(usize, u32, u32)> = e
            .passages
            .iter()
            .map(|p| (p.words, p.a_line, p.b_line))
            .collect();
        assert_eq!(got, vec![(8, 1, 3), (6, 3, 1)]);
        assert_eq!(
            e.passages[0].text,
            "one two three four five six seven eight"
        );
    }

    #[test]
    fn identical_texts_are_duplicates_and_unrelated_are_not() {
        let t = "The harbor bridge will close for six weeks of repairs starting Monday, city engineers said.";
        let e = explain(&doc("a", t), &doc("b", t), &Config::new(Vec::new()));
        assert!(e.duplicate && e.jaccard == 1.0 && e.containment_a_in_b == 1.0);
        let e = explain(
            &doc("a", t),
            &doc(
                "b",
                "Grain prices fell sharply on Tuesday in the northern markets.",
            ),
            &Config::new(Vec::new()),
        );
        assert!(!e.duplicate && e.shared_shingles == 0 && e.passages.is_empty());
        assert!(e.verdict.starts_with("not duplicates"));
    }
}
