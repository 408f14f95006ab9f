//! Text: the check report for people. A summary of what was checked
//! against which index, then one block per finding (`NEW` or `known`, file
//! and line, kind, fingerprint, the sentence, the documents it matches), and
//! whether the index was updated.

use std::io::Write;

use super::emitter::Emitter;
use super::model::check::{CheckReport, ReuseRole, Status};
use crate::error::{Error, Result};

/// Writes a check report as human-readable text.
#[derive(Debug, Clone, Copy, Default)]
pub struct CheckTextEmitter;

impl Emitter<CheckReport> for CheckTextEmitter {
    fn emit(&self, report: &CheckReport, out: &mut dyn Write) -> Result<()> {
        write_check_text(report, out)
    }
}

fn write_check_text(r: &CheckReport, out: &mut dyn Write) -> Result<()> {
    let w = |e| Error::io("<output>", e);
    let s = &r.summary;
    writeln!(
        out,
        "reprint check: {} documents checked against {} ({} indexed documents{}); {} compared with them{}",
        s.documents_checked,
        r.index.path,
        r.index.documents,
        if r.index.existed { "" } else { ", new index" },
        s.indexed_compared,
        match s.indexed_by_reuse {
            0 => String::new(),
            n => format!(" ({n} for shared passages alone)"),
        },
    )
    .map_err(w)?;
    if s.already_indexed > 0 {
        writeln!(
            out,
            "{} of them were already in the index (same id and content)",
            s.already_indexed
        )
        .map_err(w)?;
    }
    writeln!(
        out,
        "{} findings: {} new, {} known (baseline)",
        s.findings, s.new_findings, s.known_findings
    )
    .map_err(w)?;
    for f in &r.findings {
        let tag = match f.status {
            Status::New => "NEW  ",
            Status::Known => "known",
        };
        writeln!(
            out,
            "\n{tag} {}:{}  {}  [{}]  {}",
            f.path,
            f.line,
            f.kind.name(),
            f.fingerprint,
            f.doc
        )
        .map_err(w)?;
        writeln!(out, "      {}", f.message).map_err(w)?;
        for m in &f.matches {
            let mut line = format!(
                "      {} {}  {}",
                if m.indexed { "indexed" } else { "new    " },
                m.doc,
                m.origin()
            );
            if let Some(d) = &m.meta.date {
                line.push_str(&format!("  published {d}"));
            }
            if let Some(s) = &m.meta.source {
                line.push_str(&format!("  ({s})"));
            }
            if let Some(t) = &m.first_seen {
                line.push_str(&format!("  first seen {t}"));
            }
            if let (Some(j), Some(c)) = (m.jaccard, m.containment) {
                line.push_str(&format!("  Jaccard {j:.2}, containment {c:.2}"));
            }
            if let Some(r) = &m.reuse {
                let (role, other) = match r.role {
                    ReuseRole::Source => ("source", "the source"),
                    ReuseRole::Derived => ("derived from it", "this document"),
                };
                line.push_str(&format!(
                    "  {role}: {}, coverage {:.2} ({other} {:.2}), {} passages",
                    r.grade.name(),
                    r.coverage,
                    r.source_coverage,
                    r.passages
                ));
            }
            writeln!(out, "{line}").map_err(w)?;
        }
        if f.more_matches > 0 {
            writeln!(out, "      … and {} more", f.more_matches).map_err(w)?;
        }
    }
    if s.new_findings == 0 {
        writeln!(out, "\nok: nothing new").map_err(w)?;
    }
    if let Some(n) = s.added {
        writeln!(
            out,
            "index updated: {n} documents added, {} already there",
            s.not_added_known.unwrap_or(0)
        )
        .map_err(w)?;
    }
    Ok(())
}
