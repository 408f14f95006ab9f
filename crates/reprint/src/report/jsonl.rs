//! JSON Lines: a scan report a consumer can read one finding at a time.
//!
//! The first line is the report's head: `{"type": "report", "version",
//! "tool", "params", "stats"}`. Then one line per input issue
//! (`"type": "issue"`) and per finding, in the JSON report's order:
//! `document_cluster`, `paragraph_cluster`, `paragraph_reprint`,
//! `doubled_document`, `reuse`. Each line is the object the JSON report
//! holds in the matching array, with a `type` field added first; nothing
//! else is added or dropped, so `--format json` and `--format jsonl` carry
//! the same data.

use std::io::Write;

use serde::Serialize;

use super::emitter::Emitter;
use super::model::{List, Listed, Params, Report, Stats, Tool};
use crate::error::Result;

/// Writes a scan report as JSON Lines.
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonlEmitter;

/// One line: `item`'s fields after `"type": kind`.
#[derive(Serialize)]
struct Line<'a, T: Serialize> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    item: &'a T,
}

/// The first line.
#[derive(Serialize)]
struct Head<'a> {
    version: u32,
    tool: &'a Tool,
    params: &'a Params,
    stats: &'a Stats,
}

fn lines<T: Serialize>(out: &mut dyn Write, kind: &'static str, items: &[T]) -> Result<()> {
    items.iter().try_for_each(|item| line(out, kind, item))
}

/// The lines of a list, read back one finding at a time.
fn listed<T: Listed>(out: &mut dyn Write, kind: &'static str, items: &List<T>) -> Result<()> {
    items.iter().try_for_each(|item| line(out, kind, &*item?))
}

fn line<T: Serialize>(out: &mut dyn Write, kind: &'static str, item: &T) -> Result<()> {
    serde_json::to_writer(&mut *out, &Line { kind, item })?;
    out.write_all(b"\n").map_err(serde_json::Error::io)?;
    Ok(())
}

impl Emitter<Report> for JsonlEmitter {
    fn emit(&self, r: &Report, out: &mut dyn Write) -> Result<()> {
        let head = Head {
            version: r.version,
            tool: &r.tool,
            params: &r.params,
            stats: &r.stats,
        };
        lines(out, "report", std::slice::from_ref(&head))?;
        lines(out, "issue", &r.issues)?;
        lines(out, "document_cluster", &r.document_clusters)?;
        listed(out, "paragraph_cluster", &r.paragraph_clusters)?;
        lines(out, "paragraph_reprint", &r.paragraph_reprints)?;
        lines(out, "doubled_document", &r.doubled_documents)?;
        listed(out, "reuse", &r.reuse)?;
        Ok(())
    }
}
