//! `reprint explain`: why two documents match, or do not.
//!
//! For two texts: exact and estimated Jaccard of their shingle sets,
//! containment both ways, the shared shingle count and the verdict under
//! the matching rule; the paragraphs of one that match paragraphs of the
//! other, with their lines; the longest word runs they share; and their
//! passage-level reuse as the scan's reuse stage sees it ([`crate::reuse`]:
//! the same tokens, alignment, direction rule and grades, with the dates
//! the inputs give), whether or not its candidate generation would pair
//! them.

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::input::read::{Collect, Reader};
use crate::input::{discover, Document, Issue, Origin, StdinFormat};
use crate::minhash::{estimate_jaccard, MinHasher};
use crate::normalize::{words, WordScratch};
use crate::passage::{shared_runs, Join, RunSpec};
use crate::report::round4;
use crate::reuse::{self, DirectionRule, Grade, Tokens};
use crate::segment;
use crate::shingle::{shingle_set, shingles, ShingleScratch};
use crate::verify::{scores, Rule};

/// Longest shared passages listed.
pub const MAX_PASSAGES: usize = 5;
/// Characters of each side's excerpt of an aligned reuse passage (as in
/// the scan report's `reuse` passages).
pub const REUSE_EXCERPT_CHARS: usize = 160;
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
    /// Passage-level reuse: the aligned passages, and whether one document
    /// is derived from the other by the scan's reuse rule.
    pub reuse: Reuse,
    /// Input problems met while reading the corpus (records skipped on the
    /// way to the two documents); absent when there were none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub issues: Vec<Issue>,
}

/// One of the two documents, named in [`Reuse`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Which {
    /// The first document.
    A,
    /// The second document.
    B,
}

impl Which {
    /// `A` or `B`.
    pub fn name(self) -> &'static str {
        match self {
            Which::A => "A",
            Which::B => "B",
        }
    }
}

/// A passage of A aligned with a passage of B, as the reuse stage aligns
/// them ([`crate::align`]).
#[derive(Debug, Clone, Serialize)]
pub struct AlignedPassage {
    /// First and last line of the passage in A's text.
    pub a_lines: [u32; 2],
    /// First and last line of the passage in B's text.
    pub b_lines: [u32; 2],
    /// A's words in the passage.
    pub a_words: u32,
    /// B's words in the passage.
    pub b_words: u32,
    /// Words inside shared word trigrams over the longer side's words: 1
    /// for a verbatim copy, lower the more was reworded.
    pub similarity: f64,
    /// The passage in A, up to [`REUSE_EXCERPT_CHARS`] characters.
    pub a_excerpt: String,
    /// The passage in B, likewise.
    pub b_excerpt: String,
}

/// Whether one document is derived from the other, by the scan's reuse
/// rule (`--reuse-min-coverage`, `--reuse-wholly`; see [`reuse::decide`]).
#[derive(Debug, Clone, Serialize)]
pub struct Reuse {
    /// The aligned passages, in A's order.
    pub passages: Vec<AlignedPassage>,
    /// Share of A's words inside the passages.
    pub a_coverage: f64,
    /// Share of B's words inside the passages.
    pub b_coverage: f64,
    /// A's publication date from its input's metadata (absent when unknown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub a_date: Option<String>,
    /// B's publication date, likewise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub b_date: Option<String>,
    /// The document that would be the source, `a` or `b` (null when no
    /// passage aligns).
    pub source: Option<Which>,
    /// What chose it: `date`, `coverage` or `input_order` (null when no
    /// passage aligns).
    pub direction_rule: Option<DirectionRule>,
    /// The derived document's grade, `wholly` or `partially`; null when
    /// its coverage is below `--reuse-min-coverage` (no link).
    pub grade: Option<Grade>,
    /// Whether a scan with these parameters would report the link (if its
    /// candidate generation pairs the two): a grade, the reuse stage on,
    /// and the two not near-duplicates (a scan links no two documents of
    /// one cluster).
    pub link: bool,
    /// The verdict, in words.
    pub verdict: String,
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
    /// Its publication date from the input's metadata (RFC 3339, UTC),
    /// when the input gives one.
    pub date: Option<String>,
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
                    date: d.meta.date.take(),
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
        reuse: reuse_of(a, b, duplicate, cfg),
        issues: Vec::new(),
    }
}

/// The reuse stage's view of the pair: `a` and `b` tokenized, aligned,
/// directed and graded as [`crate::pipeline`] does for a candidate pair
/// (`a` first in the input).
fn reuse_of(a: &Doc, b: &Doc, duplicate: bool, cfg: &Config) -> Reuse {
    let rc = &cfg.reuse;
    let mut scratch = WordScratch::default();
    let (ta, tb) = (
        Tokens::of(&a.text, &mut scratch),
        Tokens::of(&b.text, &mut scratch),
    );
    let al = reuse::align_pair(&ta.words, &tb.words, rc.align_spec());
    let (a_date, b_date) = (a.date.as_deref(), b.date.as_deref());
    let decision = reuse::decide(&al, a_date, b_date, rc);
    // The direction alone, whatever the coverage (the rule does not depend
    // on it), so that "no link" can still say which would be the source.
    let direction = if al.passages.is_empty() {
        None
    } else {
        let any = reuse::ReuseConfig {
            min_coverage: 0.0,
            ..rc.clone()
        };
        reuse::decide(&al, a_date, b_date, &any)
    };
    let passages = al
        .passages
        .iter()
        .map(|p| AlignedPassage {
            a_lines: ta.line_range(p.text_start, p.text_end),
            b_lines: tb.line_range(p.source_start, p.source_end),
            a_words: p.text_len(),
            b_words: p.source_len(),
            similarity: round4(p.similarity()),
            a_excerpt: ta.excerpt(&a.text, p.text_start, p.text_end, REUSE_EXCERPT_CHARS),
            b_excerpt: tb.excerpt(&b.text, p.source_start, p.source_end, REUSE_EXCERPT_CHARS),
        })
        .collect();
    let (derived, source) = match direction {
        Some(d) if d.a_derived => (Which::A, Which::B),
        _ => (Which::B, Which::A),
    };
    let coverage = if derived == Which::A {
        al.a_coverage
    } else {
        al.b_coverage
    };
    let stage_on = rc.enabled && cfg.granularity.reuse();
    let verdict = match decision {
        None => format!(
            "no link (coverage {:.4} below --reuse-min-coverage {})",
            if direction.is_some() {
                coverage
            } else {
                al.a_coverage.max(al.b_coverage)
            },
            rc.min_coverage
        ),
        Some(d) => {
            let (grade, flag, bound) = match d.grade {
                Grade::Wholly => ("wholly", "--reuse-wholly", rc.wholly),
                Grade::Partially => ("partially", "--reuse-min-coverage", rc.min_coverage),
            };
            let found = format!(
                "{} is {grade} derived from {} (coverage {coverage:.4} ≥ {flag} {bound})",
                derived.name(),
                source.name()
            );
            if !stage_on {
                format!("{found}, but the reuse stage is off (it runs with --granularity all, without --no-reuse)")
            } else if duplicate {
                format!("{found}, but as near-duplicates they are one document cluster, and a scan links no two documents of one cluster")
            } else {
                found
            }
        }
    };
    Reuse {
        passages,
        a_coverage: round4(al.a_coverage),
        b_coverage: round4(al.b_coverage),
        a_date: a.date.clone(),
        b_date: b.date.clone(),
        source: direction.map(|_| source),
        direction_rule: direction.map(|d| d.rule),
        grade: decision.map(|d| d.grade),
        link: decision.is_some() && stage_on && !duplicate,
        verdict,
    }
}

/// Why the source is the source, in words.
fn direction_text(r: &Reuse, source: Which, rule: DirectionRule) -> String {
    let derived = match source {
        Which::A => Which::B,
        Which::B => Which::A,
    };
    let date = |w: Which| match w {
        Which::A => r.a_date.as_deref(),
        Which::B => r.b_date.as_deref(),
    };
    let cov = |w: Which| match w {
        Which::A => r.a_coverage,
        Which::B => r.b_coverage,
    };
    let (s, d) = (source.name(), derived.name());
    match rule {
        DirectionRule::Date => format!(
            "by date: {s} was published earlier ({} before {})",
            date(source).unwrap_or("?"),
            date(derived).unwrap_or("?")
        ),
        DirectionRule::Coverage => format!(
            "by coverage: {}, and the passages cover less of {s}'s own words ({:.4}) than of {d}'s ({:.4})",
            match (&r.a_date, &r.b_date) {
                (Some(_), Some(_)) => "both are dated the same day",
                (Some(_), None) => "only A is dated",
                (None, Some(_)) => "only B is dated",
                (None, None) => "neither is dated",
            },
            cov(source),
            cov(derived)
        ),
        DirectionRule::InputOrder => format!(
            "by input order: dates and coverage tie, and {s} comes first"
        ),
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
    write_reuse(&e.reuse, out)
}

/// The "Reuse:" section of the text output.
fn write_reuse(r: &Reuse, out: &mut dyn Write) -> Result<()> {
    let w = |x| Error::io("<output>", x);
    let lines = |l: [u32; 2]| {
        if l[0] == l[1] {
            format!("line {}", l[0])
        } else {
            format!("lines {}-{}", l[0], l[1])
        }
    };
    writeln!(out, "\nReuse:").map_err(w)?;
    writeln!(
        out,
        "  aligned passages ({}, as the scan's reuse stage aligns them):",
        r.passages.len()
    )
    .map_err(w)?;
    if r.passages.is_empty() {
        writeln!(out, "    none").map_err(w)?;
    }
    for (i, p) in r.passages.iter().enumerate() {
        writeln!(
            out,
            "    {}. A {} ({} words)  ~  B {} ({} words)   similarity {:.4}",
            i + 1,
            lines(p.a_lines),
            p.a_words,
            lines(p.b_lines),
            p.b_words,
            p.similarity
        )
        .map_err(w)?;
        writeln!(out, "       A \"{}\"", p.a_excerpt).map_err(w)?;
        writeln!(out, "       B \"{}\"", p.b_excerpt).map_err(w)?;
    }
    writeln!(
        out,
        "  coverage: {:.4} of A's words are in passages, {:.4} of B's",
        r.a_coverage, r.b_coverage
    )
    .map_err(w)?;
    if r.a_date.is_some() || r.b_date.is_some() {
        writeln!(
            out,
            "  dates: A {}, B {}",
            r.a_date.as_deref().unwrap_or("unknown"),
            r.b_date.as_deref().unwrap_or("unknown")
        )
        .map_err(w)?;
    }
    if let (Some(source), Some(rule)) = (r.source, r.direction_rule) {
        writeln!(
            out,
            "  source: {}, {}",
            source.name(),
            direction_text(r, source, rule)
        )
        .map_err(w)?;
    }
    writeln!(out, "  {}", r.verdict).map_err(w)?;
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
            date: None,
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
    fn reuse_follows_the_scans_rule_and_says_when_a_scan_would_not_link() {
        let wire = "The city council voted on Tuesday to close the old harbor bridge for six \
            weeks of repairs starting next Monday.\n\nEngineers found cracks in two of the main \
            supports during a routine inspection last month, the council said.\n\nFerries \
            will run every twenty minutes while the bridge is closed, and fares will be waived \
            for residents who show a transit card.\n\nThe mayor thanked commuters for their \
            patience and promised weekly updates on the work.";
        let reprint = "Bridge to shut for repairs\n\nEngineers found cracks in two of the main \
            supports during a routine inspection last month, the council said. Ferries will \
            run every twenty minutes while the bridge is closed.\n\nShop owners in the old \
            town fear a quiet spring as drivers stay away during the works.";
        let (mut a, mut b) = (doc("wire", wire), doc("reprint", reprint));
        let cfg = Config::new(Vec::new());
        let r = explain(&a, &b, &cfg).reuse;
        assert_eq!(r.passages.len(), 1, "{r:?}");
        assert_eq!(
            (r.passages[0].a_lines, r.passages[0].b_lines),
            ([3, 5], [3, 3])
        );
        assert_eq!(
            (r.source, r.direction_rule, r.grade, r.link),
            (
                Some(Which::A),
                Some(DirectionRule::Coverage),
                Some(Grade::Wholly),
                true
            )
        );
        // Dated the other way round, the date rule wins over coverage.
        a.date = Some("2024-05-02T08:00:00Z".into());
        b.date = Some("2024-05-01T08:00:00Z".into());
        let r = explain(&a, &b, &cfg).reuse;
        assert_eq!(
            (r.source, r.direction_rule),
            (Some(Which::B), Some(DirectionRule::Date))
        );
        // The stage off: the same passages, no link.
        let mut off = cfg.clone();
        off.reuse.enabled = false;
        let r = explain(&a, &b, &off).reuse;
        assert!(!r.link && r.grade.is_some() && r.verdict.contains("reuse stage is off"));
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
