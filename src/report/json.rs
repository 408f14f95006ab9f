//! JSON report: one object, schema version [`super::SCHEMA_VERSION`].

use std::io::Write;

use super::Report;
use crate::error::Result;

/// Writes `report` as pretty-printed JSON followed by a newline.
pub fn write_json(report: &Report, out: &mut dyn Write) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    writeln!(out).map_err(serde_json::Error::io)?;
    Ok(())
}
