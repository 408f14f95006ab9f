//! `reprint explain`: why two documents match or not.

use std::path::PathBuf;

use reprint::explain::{document_in, documents_by_id, explain, write_text};
use reprint::{Config, Error};

use super::args::{ExplainArgs, ExplainFormatArg};
use super::Output;
use crate::ExitStatus;

/// Reads the two documents of `args` (files, or ids in `--corpus`) with
/// `cfg` and writes the explanation.
pub fn run(cfg: &Config, args: &ExplainArgs) -> Result<ExitStatus, Error> {
    let (a, b) = match &args.corpus {
        Some(corpus) => documents_by_id(corpus, cfg, &args.a, &args.b)?,
        None => {
            let path = |p: &str| {
                let p = PathBuf::from(p);
                if p.exists() {
                    Ok(p)
                } else {
                    Err(Error::MissingPath(p))
                }
            };
            (
                document_in(&path(&args.a)?, cfg)?,
                document_in(&path(&args.b)?, cfg)?,
            )
        }
    };
    let e = explain(&a, &b, cfg);
    let mut out = Output::stdout();
    match args.format {
        ExplainFormatArg::Text => write_text(&e, &mut out)?,
        ExplainFormatArg::Json => out.json(&e)?,
    }
    out.finish()?;
    Ok(ExitStatus::Success)
}
