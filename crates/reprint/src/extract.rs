//! What reprint reads: every document of the inputs as matching sees it
//! (`reprint extract`).
//!
//! In: the paths and input settings of a [`Config`]. Out: every document
//! a scan of the same paths would read, **in input order**, as an
//! [`Extracted`]: id, place (`path`, `line`, as reports name it), metadata,
//! the text the scan signs (the text that report line numbers point into:
//! a page's article text, a feed item's text with its HTML removed, a
//! record's text field) and its paragraphs as segmentation sees them.
//! Documents go to a sink a batch at a time, through the scan's own reader
//! ([`crate::input::read::Reader`]), so memory does not grow with the
//! corpus; problems become [`Issue`]s, as in a scan, and reading goes on.

use std::io::Write;

use crate::input::read::{Absorb, Item, Reader};
use crate::input::{discover, Corpus, Document, Issue, Meta, StdinFormat};
use crate::pipeline::thread_pool;
use crate::{segment, Config, Error, Result};

/// One document as read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Extracted {
    /// Its id, as reports name it.
    pub id: String,
    /// The file it came from (`-` for standard input).
    pub path: String,
    /// Its line there, as reports give it: the record's line in a JSON
    /// Lines file, the item's position in a feed, 1 for a text file or page.
    pub line: u64,
    /// Its metadata (url, title, date, source), each only when known.
    #[serde(flatten)]
    pub meta: Meta,
    /// Its paragraphs as [`segment::paragraphs`] finds them: the first and
    /// last line of each within `text`, 1-based (paragraph matching uses
    /// those of at least `--min-paragraph-words` words).
    pub paragraphs: Vec<[u32; 2]>,
    /// The text that is signed and matched.
    pub text: String,
}

/// One batch of what was read, in input order.
#[derive(Debug, Default)]
pub struct Batch {
    /// Documents, in input order.
    pub documents: Vec<Extracted>,
    /// Problems met while reading them (a skipped file or record, lossy
    /// UTF-8), in the order met.
    pub issues: Vec<Issue>,
}

/// Counts of a whole extraction.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ExtractOutcome {
    /// Documents read.
    pub documents: u64,
    /// Input files skipped whole (counted like a scan's `skipped_inputs`).
    pub skipped_inputs: u64,
    /// Records skipped (a scan's `skipped_records`).
    pub skipped_records: u64,
    /// Warnings.
    pub warnings: u64,
}

impl ExtractOutcome {
    /// Inputs or records that had to be skipped (exit status 2 in the CLI).
    pub fn skipped(&self) -> u64 {
        self.skipped_inputs + self.skipped_records
    }

    /// Adds `issues` as a scan's report counts them.
    fn count(&mut self, issues: &[Issue]) {
        let s = crate::pipeline::issue_counts(issues);
        self.skipped_inputs += s.skipped_inputs;
        self.skipped_records += s.skipped_records;
        self.warnings += s.warnings;
    }
}

/// Reads every document under `cfg.paths` (standard input, `-`, holding
/// `stdin`) with `cfg.input`, in `cfg.threads` threads, and hands them to
/// `sink` a batch at a time in input order. A sink error stops the reading
/// and is returned; a missing PATH is an error, any other input problem an
/// [`Issue`] in a batch.
pub fn extract(
    cfg: &Config,
    stdin: StdinFormat,
    sink: &mut (dyn FnMut(Batch) -> Result<()> + Send),
) -> Result<ExtractOutcome> {
    let pool = thread_pool(cfg)?;
    pool.install(|| {
        let mut discovered = discover(&cfg.paths, &cfg.input, stdin)?;
        let walk_issues = std::mem::take(&mut discovered.issues);
        let corpus = Corpus::from(discovered);
        let mut out = Sink {
            sink,
            error: None,
            outcome: ExtractOutcome::default(),
        };
        out.deliver(Batch {
            documents: Vec::new(),
            issues: walk_issues,
        });
        let corpus = &corpus;
        let handle = |_: &mut (), d: &mut Document| {
            let (path, line) = corpus.place(d.origin);
            let text = std::mem::take(&mut d.text);
            let paragraphs = segment::paragraphs(&text)
                .iter()
                .map(|p| [p.start_line, p.end_line])
                .collect();
            Extracted {
                id: std::mem::take(&mut d.id),
                path: path.to_string(),
                line,
                meta: std::mem::take(&mut d.meta),
                paragraphs,
                text,
            }
        };
        Reader::new(&corpus.sources, &cfg.input, None, || (), handle).read_all(&mut out);
        match out.error {
            Some(e) => Err(e),
            None => Ok(out.outcome),
        }
    })
}

/// The reader's sink: batches to the caller's function, counts kept.
struct Sink<'s> {
    sink: &'s mut (dyn FnMut(Batch) -> Result<()> + Send),
    error: Option<Error>,
    outcome: ExtractOutcome,
}

impl Sink<'_> {
    fn deliver(&mut self, batch: Batch) {
        self.outcome.documents += batch.documents.len() as u64;
        self.outcome.count(&batch.issues);
        let empty = batch.documents.is_empty() && batch.issues.is_empty();
        if self.error.is_none() && !empty {
            if let Err(e) = (self.sink)(batch) {
                self.error = Some(e);
            }
        }
    }
}

impl Absorb<Extracted> for Sink<'_> {
    fn absorb(&mut self, items: Vec<Item<Extracted>>) {
        let mut batch = Batch::default();
        for i in items {
            batch.issues.extend(i.issues);
            i.got.for_each(|d| batch.documents.push(d));
        }
        self.deliver(batch);
    }

    fn issue(&mut self, issue: Issue) {
        self.deliver(Batch {
            documents: Vec::new(),
            issues: vec![issue],
        });
    }

    fn stopped(&self) -> bool {
        self.error.is_some()
    }
}

/// Writes `doc` in the text layout of `reprint extract`:
///
/// ```text
/// ==> ID (PATH:LINE) <==
/// url: URL
/// title: TITLE
/// date: DATE
/// source: SOURCE
///
/// TEXT
/// ```
///
/// The metadata lines are there only for the fields known (line breaks in
/// a value become spaces); the text follows the blank line exactly as
/// matched, so its line N is the N-th line after that blank line, and it
/// ends with a line break (one is added when the text has none; an empty
/// text adds no line). Documents after the first are preceded by a blank
/// line (`first` false).
pub fn write_text(doc: &Extracted, first: bool, out: &mut impl Write) -> std::io::Result<()> {
    if !first {
        out.write_all(b"\n")?;
    }
    writeln!(out, "==> {} ({}:{}) <==", doc.id, doc.path, doc.line)?;
    let m = &doc.meta;
    for (name, value) in [
        ("url", &m.url),
        ("title", &m.title),
        ("date", &m.date),
        ("source", &m.source),
    ] {
        if let Some(v) = value {
            writeln!(out, "{name}: {}", v.replace(['\r', '\n'], " "))?;
        }
    }
    out.write_all(b"\n")?;
    out.write_all(doc.text.as_bytes())?;
    if !doc.text.is_empty() && !doc.text.ends_with('\n') {
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Writes `doc` as one line of JSON (the `--format jsonl` object).
pub fn write_jsonl(doc: &Extracted, out: &mut impl Write) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, doc)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str, meta: Meta) -> Extracted {
        Extracted {
            id: "a".into(),
            path: "a.jsonl".into(),
            line: 3,
            meta,
            paragraphs: segment::paragraphs(text)
                .iter()
                .map(|p| [p.start_line, p.end_line])
                .collect(),
            text: text.into(),
        }
    }

    #[test]
    fn text_layout() {
        let meta = Meta {
            title: Some("Two\nlines".into()),
            url: Some("https://x.example/a".into()),
            ..Meta::default()
        };
        let mut out = Vec::new();
        write_text(&doc("One.\n\nTwo.", meta), true, &mut out).unwrap();
        write_text(&doc("", Meta::default()), false, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "==> a (a.jsonl:3) <==\nurl: https://x.example/a\ntitle: Two lines\n\nOne.\n\nTwo.\n\
             \n==> a (a.jsonl:3) <==\n\n"
        );
    }

    #[test]
    fn json_fields_absent_metadata_left_out() {
        let mut out = Vec::new();
        write_jsonl(&doc("One.\n\nTwo.", Meta::default()), &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"id\":\"a\",\"path\":\"a.jsonl\",\"line\":3,\"paragraphs\":[[1,1],[3,3]],\"text\":\"One.\\n\\nTwo.\"}\n"
        );
    }
}
