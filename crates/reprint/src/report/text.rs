//! Text: the scan report for people. A summary line, then document
//! clusters largest first, repeated paragraphs not explained by a document
//! cluster, reprints found through paragraphs, doubled documents, and input
//! problems; optionally with ANSI colours for a terminal.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::io::Write;

use super::emitter::Emitter;
use super::model::{ParagraphCluster, Report, ReuseLink};
use crate::error::Result;
use crate::input::IssueKind;
use crate::paragraph::Kind;

/// Occurrences listed per paragraph cluster in the text report.
const MAX_LISTED: usize = 8;

/// Writes a scan report as human-readable text.
#[derive(Debug, Clone, Copy, Default)]
pub struct TextEmitter {
    /// Style headings and members with ANSI colours (for a terminal); the
    /// characters are the same either way.
    pub color: bool,
}

impl Emitter<Report> for TextEmitter {
    fn emit(&self, report: &Report, out: &mut dyn Write) -> Result<()> {
        let written = if self.color {
            let mut painter = Painter {
                out,
                line: Vec::new(),
            };
            write_text_inner(report, &mut painter).and_then(|()| painter.flush_line())
        } else {
            write_text_inner(report, out)
        };
        written.map_err(|e| serde_json::Error::io(e).into())
    }
}

/// Writes `report` as human-readable text.
pub fn write_text(report: &Report, out: &mut dyn Write) -> Result<()> {
    TextEmitter { color: false }.emit(report, out)
}

/// Writes `report` as text with ANSI colours (for a terminal): the same
/// characters as [`write_text`], with headings and members styled.
pub fn write_text_colored(report: &Report, out: &mut dyn Write) -> Result<()> {
    TextEmitter { color: true }.emit(report, out)
}

/// Styles each line of the text report by how it starts.
struct Painter<'w> {
    out: &'w mut dyn Write,
    line: Vec<u8>,
}

impl Painter<'_> {
    fn flush_line(&mut self) -> std::io::Result<()> {
        if self.line.is_empty() {
            return Ok(());
        }
        let style = {
            let l = &self.line[..];
            let starts = |p: &str| l.starts_with(p.as_bytes());
            if starts("reprint:") {
                Some("1")
            } else if starts("cluster ") {
                Some("1;33")
            } else if starts("paragraph ") || starts("derived ") {
                Some("1;36")
            } else if starts("inputs:") || starts("skipped") || starts("warning") {
                Some("31")
            } else if starts("  * ") {
                Some("32")
            } else if starts("  earliest") {
                Some("35")
            } else if l.first().is_some_and(|c| c.is_ascii_alphabetic()) {
                Some("1")
            } else {
                None
            }
        };
        let newline = self.line.last() == Some(&b'\n');
        let body = &self.line[..self.line.len() - usize::from(newline)];
        match style {
            Some(code) if !body.is_empty() => {
                write!(self.out, "\x1b[{code}m")?;
                self.out.write_all(body)?;
                self.out.write_all(b"\x1b[0m")?;
            }
            _ => self.out.write_all(body)?,
        }
        if newline {
            self.out.write_all(b"\n")?;
        }
        self.line.clear();
        Ok(())
    }
}

impl Write for Painter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        for &b in buf {
            self.line.push(b);
            if b == b'\n' {
                self.flush_line()?;
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.flush_line()?;
        self.out.flush()
    }
}

fn plural(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Longest passages quoted per reuse link.
const QUOTED_PASSAGES: usize = 3;

/// One section per derived document: its sources, grades, coverage, and
/// its longest passages quoted.
fn write_reuse(r: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    if r.reuse.is_empty() {
        return Ok(());
    }
    // Links come by derived document: count the documents, then write
    // each one's links, holding one document's at a time.
    let mut derived = 0;
    let mut last: Option<String> = None;
    for l in r.reuse.iter() {
        let l = read(l)?;
        if last.as_deref() != Some(l.doc.as_str()) {
            derived += 1;
            last = Some(l.doc.clone());
        }
    }
    writeln!(out)?;
    writeln!(
        out,
        "derived documents (passages aligned with a source): {derived}"
    )?;
    let mut links: Vec<ReuseLink> = Vec::new();
    for l in r.reuse.iter() {
        let l = read(l)?.into_owned();
        if links.first().is_some_and(|f| f.doc != l.doc) {
            write_derived(&links, out)?;
            links.clear();
        }
        links.push(l);
    }
    write_derived(&links, out)
}

/// A finding read back, or the error as an I/O error of the writer.
fn read<T: Clone>(r: Result<Cow<'_, T>>) -> std::io::Result<Cow<'_, T>> {
    r.map_err(std::io::Error::other)
}

/// One derived document's section: `links` are its links (one or more).
fn write_derived(links: &[ReuseLink], out: &mut dyn Write) -> std::io::Result<()> {
    {
        let first = &links[0];
        let place = if first.line > 1 || first.doc != first.path {
            format!("  ({}:{})", first.path, first.line)
        } else {
            String::new()
        };
        writeln!(out)?;
        writeln!(
            out,
            "derived {}{place} — from {}",
            first.doc,
            plural(links.len() as u64, "source")
        )?;
        for l in links {
            let rule = match l.direction_rule {
                crate::reuse::DirectionRule::Date => "earlier date",
                crate::reuse::DirectionRule::Coverage => "less of it covered",
                crate::reuse::DirectionRule::InputOrder => "first in the input",
            };
            let grade = match l.grade {
                crate::reuse::Grade::Wholly => "wholly",
                crate::reuse::Grade::Partially => "partially",
            };
            writeln!(
                out,
                "  {grade} derived from {}: {:.0}% of its words in {} (the source's {:.0}%; source by {rule})",
                l.source,
                100.0 * l.coverage,
                plural(l.passages.len() as u64, "passage"),
                100.0 * l.source_coverage,
            )?;
            let mut longest: Vec<_> = l.passages.iter().collect();
            longest.sort_by_key(|p| (std::cmp::Reverse(p.words), p.doc_lines));
            for p in longest.iter().take(QUOTED_PASSAGES) {
                writeln!(
                    out,
                    "    {} ← source {}, {} words, similarity {:.2}: \"{}\"",
                    span(p.doc_lines),
                    span(p.source_lines),
                    p.words,
                    p.similarity,
                    p.excerpt
                )?;
            }
            if l.passages.len() > QUOTED_PASSAGES {
                let more = l.passages.len() - QUOTED_PASSAGES;
                let noun = if more == 1 { "passage" } else { "passages" };
                writeln!(
                    out,
                    "    … and {more} shorter {noun} (all in the JSON report)"
                )?;
            }
        }
    }
    Ok(())
}

/// A line range as `line a` or `lines a-b`.
fn span([a, b]: [u32; 2]) -> String {
    if a == b {
        format!("line {a}")
    } else {
        format!("lines {a}-{b}")
    }
}

fn write_text_inner(r: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let s = &r.stats;
    writeln!(
        out,
        "reprint: {} scanned, {}, {} in clusters ({:.2} s)",
        plural(s.documents, "document"),
        plural(s.clusters, "cluster"),
        plural(s.documents_in_clusters, "document"),
        s.elapsed_ms as f64 / 1000.0
    )?;
    let skipped = s.skipped_inputs + s.skipped_records;
    if skipped > 0 || s.warnings > 0 {
        writeln!(
            out,
            "inputs: {} files skipped, {} records skipped, {} warnings (listed at the end)",
            s.skipped_inputs, s.skipped_records, s.warnings
        )?;
    }
    for c in &r.document_clusters {
        writeln!(out)?;
        writeln!(
            out,
            "cluster {} — {} documents, representative {}",
            c.id, c.size, c.representative
        )?;
        if let Some(e) = &c.earliest {
            writeln!(out, "  earliest (likely original): {e}")?;
        }
        for m in &c.members {
            let place = if m.line > 1 || m.doc != m.path {
                format!("  ({}:{})", m.path, m.line)
            } else {
                String::new()
            };
            if m.doc == c.representative {
                writeln!(out, "  * {}{}  [{} shingles]", m.doc, place, m.shingles)?;
            } else {
                writeln!(
                    out,
                    "    {}{}  jaccard {:.3}  containment {:.3}",
                    m.doc, place, m.jaccard, m.containment
                )?;
            }
            let about: Vec<&str> = [&m.meta.date, &m.meta.source, &m.meta.title, &m.meta.url]
                .into_iter()
                .flatten()
                .map(String::as_str)
                .collect();
            if !about.is_empty() {
                writeln!(out, "      {}", about.join(" · "))?;
            }
        }
    }
    // Reprinted paragraphs whose documents all sit in one document cluster
    // are already explained by it: count them there instead of listing them.
    let cluster_of: HashMap<&str, usize> = r
        .document_clusters
        .iter()
        .flat_map(|c| c.members.iter().map(move |m| (m.doc.as_str(), c.id)))
        .collect();
    let inside = |c: &ParagraphCluster| -> Option<usize> {
        if c.kind != Kind::Reprinted {
            return None;
        }
        let first = *cluster_of.get(&*c.members[0].doc)?;
        c.members
            .iter()
            .all(|m| cluster_of.get(&*m.doc) == Some(&first))
            .then_some(first)
    };
    let mut explained: BTreeMap<usize, usize> = BTreeMap::new();
    for c in r.paragraph_clusters.iter() {
        if let Some(dc) = inside(&*read(c)?) {
            *explained.entry(dc).or_default() += 1;
        }
    }
    if !r.paragraph_clusters.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "repeated paragraphs: {} ({} of them inside document clusters: {})",
            r.paragraph_clusters.len(),
            explained.values().sum::<usize>(),
            explained
                .iter()
                .map(|(dc, n)| format!("cluster {dc}: {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        )?;
    }
    for c in r.paragraph_clusters.iter() {
        let c = read(c)?;
        if inside(&c).is_some() {
            continue;
        }
        writeln!(out)?;
        let what = match c.kind {
            Kind::Boilerplate => format!("boilerplate in {} documents", c.documents),
            Kind::Reprinted => format!("reprinted in {} documents", c.documents),
            Kind::WithinDocument => format!("repeated {} times within one document", c.occurrences),
        };
        writeln!(out, "paragraph {} — {}: \"{}\"", c.id, what, c.excerpt)?;
        for m in c.members.iter().take(MAX_LISTED) {
            let lines = if m.start_line == m.end_line {
                format!("{}", m.start_line)
            } else {
                format!("{}-{}", m.start_line, m.end_line)
            };
            if m.line > 1 || m.doc != m.path {
                writeln!(
                    out,
                    "    {} lines {}  ({}:{})",
                    m.doc, lines, m.path, m.line
                )?;
            } else {
                writeln!(out, "    {}:{}", m.doc, lines)?;
            }
        }
        if c.members.len() > MAX_LISTED {
            writeln!(
                out,
                "    … and {} more (all listed in --format json)",
                c.members.len() - MAX_LISTED
            )?;
        }
    }
    if !r.paragraph_reprints.is_empty() {
        writeln!(out)?;
        writeln!(out, "reprints found through their paragraphs:")?;
    }
    for x in &r.paragraph_reprints {
        writeln!(
            out,
            "  {} reprints {} of its {} paragraphs from {}",
            x.doc, x.shared_paragraphs, x.paragraphs, x.of
        )?;
    }
    write_reuse(r, out)?;
    if !r.doubled_documents.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "documents holding their article twice: {}",
            r.doubled_documents.len()
        )?;
    }
    for d in &r.doubled_documents {
        let place = if d.line > 1 || d.doc != d.path {
            format!(
                "{} (line {} of the record at {}:{})",
                d.doc, d.split_line, d.path, d.line
            )
        } else {
            format!("{}:{}", d.doc, d.split_line)
        };
        writeln!(
            out,
            "  {place}  second copy starts here; score {:.2}, {} shared 4-word phrases",
            d.score, d.shared_4grams
        )?;
        for p in &d.shared_phrases {
            writeln!(out, "      \"{p}\"")?;
        }
    }
    if !r.issues.is_empty() {
        writeln!(out)?;
        writeln!(out, "input problems:")?;
        for i in &r.issues {
            let tag = match i.kind {
                IssueKind::Warning => "warning",
                IssueKind::Skipped => "skipped",
            };
            writeln!(out, "  {}: {}: {}", i.location(), tag, i.message)?;
        }
    }
    Ok(())
}
