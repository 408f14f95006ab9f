//! `reprint extract`: print every document of the inputs as matching sees
//! it, streamed in input order.

use std::io::Write;

use reprint::extract::{extract, write_jsonl, write_text, Batch};
use reprint::input::IssueKind;
use reprint::{Config, Error};

use super::args::{ExtractArgs, ExtractFormatArg};
use super::{print_issue, Output};
use crate::ExitStatus;

/// Reads the inputs of `cfg` (made from `args`) and writes each document
/// as it comes; input problems go to standard error as they are met.
pub fn run(cfg: &Config, args: &ExtractArgs) -> Result<ExitStatus, Error> {
    let mut out = Output::stdout();
    let mut first = true;
    let format = args.format;
    let quiet = args.quiet;
    let outcome = extract(cfg, args.input.stdin_format.into(), &mut |batch: Batch| {
        for i in &batch.issues {
            if !(quiet && i.kind == IssueKind::Warning) {
                print_issue(i);
            }
        }
        for d in &batch.documents {
            match format {
                ExtractFormatArg::Text => write_text(d, first, &mut out),
                ExtractFormatArg::Jsonl => write_jsonl(d, &mut out),
            }
            .map_err(|e| out.error(e))?;
            first = false;
        }
        // Show each batch as soon as it is read.
        out.flush().map_err(|e| out.error(e))
    })?;
    out.finish()?;
    Ok(if outcome.skipped() > 0 {
        ExitStatus::Error
    } else {
        ExitStatus::Success
    })
}
