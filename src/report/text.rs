//! Text report: a summary line, then clusters largest first.

use std::io::Write;

use super::Report;
use crate::error::Result;
use crate::input::IssueKind;

/// Writes `report` as human-readable text.
pub fn write_text(report: &Report, out: &mut dyn Write) -> Result<()> {
    write_text_inner(report, out).map_err(|e| serde_json::Error::io(e).into())
}

fn plural(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
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
