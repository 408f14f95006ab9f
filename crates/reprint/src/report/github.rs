//! GitHub Actions workflow commands: one annotation per finding, shown on
//! the checked file and line (`::error` for new findings, `::notice` for
//! baseline ones), then a summary line.

use std::io::Write;

use super::emitter::Emitter;
use super::model::check::{CheckReport, Status};
use crate::error::{Error, Result};

/// Writes a check report as GitHub Actions workflow commands.
#[derive(Debug, Clone, Copy, Default)]
pub struct GithubEmitter;

impl Emitter<CheckReport> for GithubEmitter {
    fn emit(&self, report: &CheckReport, out: &mut dyn Write) -> Result<()> {
        write_github(report, out)
    }
}

/// Escapes a workflow command's message.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Writes a check report as workflow commands.
pub fn write_github(report: &CheckReport, out: &mut dyn Write) -> Result<()> {
    let w = |e| Error::io("<output>", e);
    for f in &report.findings {
        let level = match f.status {
            Status::New => "error",
            Status::Known => "notice",
        };
        let known = if f.status == Status::Known {
            " (known: in the baseline)"
        } else {
            ""
        };
        writeln!(
            out,
            "::{level} file={},line={},title={}::{}{} [fingerprint {}]",
            property(&f.path),
            f.line.max(1),
            property(&format!("reprint: {}", f.kind.name().replace('_', " "))),
            data(&f.message),
            data(known),
            f.fingerprint
        )
        .map_err(w)?;
    }
    let s = &report.summary;
    writeln!(
        out,
        "reprint check: {} documents checked, {} findings: {} new, {} known",
        s.documents_checked, s.findings, s.new_findings, s.known_findings
    )
    .map_err(w)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_escaped() {
        assert_eq!(data("50%\nnext"), "50%25%0Anext");
        assert_eq!(property("a:b,c"), "a%3Ab%2Cc");
    }
}
