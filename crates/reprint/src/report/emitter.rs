//! The seam between reports and their formats.
//!
//! In: a report of kind `R` ([`super::Report`] for a scan,
//! [`super::CheckReport`] for a check). Out: its bytes in one format. Every
//! format is one type in its own file implementing [`Emitter`]; the
//! dispatchers ([`super::Format::emitter`], [`super::CheckFormat::emitter`])
//! are the only code that names them all.

use std::io::Write;

use crate::error::Result;

/// A report format: writes one kind of report (`R`) to a writer.
pub trait Emitter<R: ?Sized> {
    /// Writes `report` to `out`, whole.
    fn emit(&self, report: &R, out: &mut dyn Write) -> Result<()>;
}
