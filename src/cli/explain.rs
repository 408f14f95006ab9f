//! `reprint explain`: why two documents match or not.

use std::path::PathBuf;

use reprint::explain::{document_in, documents_by_id, explain, write_text};
use reprint::input::IssueKind;
use reprint::{Config, Error};

use super::args::{ExplainArgs, ExplainFormatArg};
use super::{print_issues, Output};
use crate::ExitStatus;

/// Reads the two documents of `args` (files, or ids in `--corpus`) with
/// `cfg` and writes the explanation.
pub fn run(cfg: &Config, args: &ExplainArgs) -> Result<ExitStatus, Error> {
    let (a, b, issues) = match &args.corpus {
        Some(corpus) => {
            let read = documents_by_id(corpus, cfg, &args.a, &args.b)?;
            (read.docs.0, read.docs.1, read.issues)
        }
        None => {
            let path = |p: &str| {
                let p = PathBuf::from(p);
                if p.exists() {
                    Ok(p)
                } else {
                    Err(Error::MissingPath(p))
                }
            };
            let a = document_in(&path(&args.a)?, cfg)?;
            let b = document_in(&path(&args.b)?, cfg)?;
            let mut issues = a.issues;
            issues.extend(b.issues);
            (a.docs, b.docs, issues)
        }
    };
    // Records skipped on the way are listed and counted, as a scan does.
    print_issues(&issues);
    let skipped = issues.iter().any(|i| i.kind == IssueKind::Skipped);
    let mut e = explain(&a, &b, cfg);
    e.issues = issues;
    let mut out = Output::stdout();
    match args.format {
        ExplainFormatArg::Text => write_text(&e, &mut out)?,
        ExplainFormatArg::Json => out.json(&e)?,
    }
    out.finish()?;
    Ok(if skipped {
        ExitStatus::Error
    } else {
        ExitStatus::Success
    })
}
