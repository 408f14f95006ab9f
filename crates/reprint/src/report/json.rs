//! JSON: one pretty-printed object and a newline, for a scan report
//! (schema version [`super::SCHEMA_VERSION`]) or a check report
//! ([`super::check::CHECK_SCHEMA_VERSION`]). The object is the report's serde
//! form ([`super::model`]): this writer adds nothing and drops nothing.

use std::io::Write;

use serde::Serialize;

use super::emitter::Emitter;
use super::model::Report;
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

/// Writes `report` as pretty-printed JSON followed by a newline.
pub fn write_json(report: &Report, out: &mut dyn Write) -> Result<()> {
    JsonEmitter.emit(report, out)
}
