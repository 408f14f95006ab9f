//! JSON: one pretty-printed object and a newline, for a scan report
//! (schema version [`super::SCHEMA_VERSION`]) or a check report
//! ([`super::check::CHECK_SCHEMA_VERSION`]). The object is the report's serde
//! form ([`super::model`]): this writer adds nothing and drops nothing.
//!
//! A scan report's findings are rendered in parallel, a chunk at a time,
//! and written in order: the bytes are `serde_json::to_writer_pretty`'s
//! (tested below), in a fraction of the time on a large report, where
//! rendering hundreds of megabytes on one thread was the last serial step
//! of a scan.

use std::borrow::Cow;
use std::io::Write;

use rayon::prelude::*;
use serde::Serialize;

use super::emitter::Emitter;
use super::model::{List, Listed, Report};
use crate::error::Result;

/// Writes any report as its JSON object.
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonEmitter;

impl<R: Serialize + ?Sized> Emitter<R> for JsonEmitter {
    fn emit(&self, report: &R, out: &mut dyn Write) -> Result<()> {
        serde_json::to_writer_pretty(&mut *out, report)?;
        writeln!(out).map_err(serde_json::Error::io)?;
        Ok(())
    }
}

/// Writes a scan report as JSON, its findings rendered in parallel.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReportJsonEmitter;

impl Emitter<Report> for ReportJsonEmitter {
    fn emit(&self, report: &Report, out: &mut dyn Write) -> Result<()> {
        write_json(report, out)
    }
}

/// Findings rendered at a time (in parallel), then written in order.
const CHUNK: usize = 2048;

/// The indentation of one level (serde_json's pretty printer's).
const INDENT: &[u8] = b"  ";

/// Writes `report` as pretty-printed JSON followed by a newline: the bytes
/// of `serde_json::to_writer_pretty` and a newline.
pub fn write_json(report: &Report, out: &mut dyn Write) -> Result<()> {
    // Every field, in the struct's (and so serde's) order: a field added
    // to `Report` fails to compile here until it is written.
    let Report {
        version,
        tool,
        params,
        stats,
        issues,
        document_clusters,
        paragraph_clusters,
        paragraph_reprints,
        doubled_documents,
        reuse,
    } = report;
    let mut w = Object { out, fields: 0 };
    w.value("version", version)?;
    w.value("tool", tool)?;
    w.value("params", params)?;
    w.value("stats", stats)?;
    w.slice("issues", issues)?;
    w.slice("document_clusters", document_clusters)?;
    w.list("paragraph_clusters", paragraph_clusters)?;
    w.slice("paragraph_reprints", paragraph_reprints)?;
    w.slice("doubled_documents", doubled_documents)?;
    w.list("reuse", reuse)?;
    io(w.out.write_all(b"\n}\n"))
}

fn io(r: std::io::Result<()>) -> Result<()> {
    r.map_err(serde_json::Error::io).map_err(Into::into)
}

/// The top-level object being written.
struct Object<'o> {
    out: &'o mut dyn Write,
    fields: usize,
}

impl Object<'_> {
    /// Opens field `name` (at depth 1).
    fn key(&mut self, name: &str) -> Result<()> {
        let sep: &[u8] = if self.fields == 0 { b"{\n" } else { b",\n" };
        self.fields += 1;
        io(self.out.write_all(sep))?;
        io(self.out.write_all(INDENT))?;
        serde_json::to_writer(&mut *self.out, name)?;
        io(self.out.write_all(b": "))
    }

    fn value<T: Serialize>(&mut self, name: &str, value: &T) -> Result<()> {
        self.key(name)?;
        io(self.out.write_all(&render(value, 1)?))
    }

    fn slice<T: Serialize + Clone + Sync>(&mut self, name: &str, items: &[T]) -> Result<()> {
        self.array(name, items.len(), |i| Ok(Cow::Borrowed(&items[i])))
    }

    fn list<T: Listed + Sync>(&mut self, name: &str, list: &List<T>) -> Result<()> {
        self.array(name, list.len(), |i| list.get(i))
    }

    /// Field `name`, an array of `len` items that `item` gives by position
    /// (from any thread).
    fn array<'a, T: Serialize + Clone + 'a>(
        &mut self,
        name: &str,
        len: usize,
        item: impl Fn(usize) -> Result<Cow<'a, T>> + Sync,
    ) -> Result<()> {
        self.key(name)?;
        if len == 0 {
            return io(self.out.write_all(b"[]"));
        }
        io(self.out.write_all(b"["))?;
        for lo in (0..len).step_by(CHUNK) {
            let hi = (lo + CHUNK).min(len);
            let rendered: Vec<Vec<u8>> = (lo..hi)
                .into_par_iter()
                .map(|i| render(&*item(i)?, 2))
                .collect::<Result<_>>()?;
            for (i, r) in (lo..hi).zip(rendered) {
                io(self.out.write_all(if i == 0 { b"\n" } else { b",\n" }))?;
                io(self.out.write_all(INDENT))?;
                io(self.out.write_all(INDENT))?;
                io(self.out.write_all(&r))?;
            }
        }
        io(self.out.write_all(b"\n"))?;
        io(self.out.write_all(INDENT))?;
        io(self.out.write_all(b"]"))
    }
}

/// `value` pretty-printed as it is at `depth`: its own lines indented by
/// `depth` levels more (a JSON string holds no raw newline, so every
/// newline is one between lines).
fn render<T: Serialize + ?Sized>(value: &T, depth: usize) -> Result<Vec<u8>> {
    let alone = serde_json::to_vec_pretty(value)?;
    let lines = memchr::memchr_iter(b'\n', &alone).count();
    let mut out = Vec::with_capacity(alone.len() + lines * depth * INDENT.len());
    let mut from = 0;
    for nl in memchr::memchr_iter(b'\n', &alone) {
        out.extend_from_slice(&alone[from..=nl]);
        for _ in 0..depth {
            out.extend_from_slice(INDENT);
        }
        from = nl + 1;
    }
    out.extend_from_slice(&alone[from..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::pipeline::{scan, ScanOptions};

    fn pretty(r: &Report) -> Vec<u8> {
        let mut want = serde_json::to_vec_pretty(r).unwrap();
        want.push(b'\n');
        want
    }

    fn written(r: &Report) -> Vec<u8> {
        let mut got = Vec::new();
        write_json(r, &mut got).unwrap();
        got
    }

    #[test]
    fn a_report_is_written_as_serde_pretty_prints_it() {
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
        let cfg = Config::new(vec![corpus]);
        // Findings in memory, and all of them in a temporary file.
        for budget in [None, Some(0)] {
            let opts = ScanOptions {
                findings_budget: budget,
                ..ScanOptions::default()
            };
            let r = scan(&cfg, opts).unwrap().report;
            assert!(r.paragraph_clusters.len() > 5);
            assert!(!r.document_clusters.is_empty() && !r.reuse.is_empty());
            assert_eq!(budget == Some(0), r.paragraph_clusters.spilled());
            let (got, want) = (written(&r), pretty(&r));
            assert_eq!(
                String::from_utf8(got).unwrap(),
                String::from_utf8(want).unwrap()
            );
        }
    }

    #[test]
    fn empty_arrays_and_more_than_a_chunk_are_written_as_serde_does() {
        let mut r = Report::new(crate::pipeline::params(&Config::new(Vec::new())));
        assert_eq!(written(&r), pretty(&r));
        r.issues = (0..CHUNK * 2 + 3)
            .map(|i| {
                crate::input::Issue::warning("a.txt", Some(i as u64 + 1), "a \"quoted\"\nline")
            })
            .collect();
        assert_eq!(written(&r), pretty(&r));
    }
}
