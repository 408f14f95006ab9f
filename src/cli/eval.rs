//! `reprint eval`: score a scan of a labelled corpus against its labels
//! (the work is [`reprint::eval::evaluate`]).

use reprint::eval::evaluate;
use reprint::{Config, Error};

use super::args::EvalArgs;
use super::Output;
use crate::ExitStatus;

/// Evaluates `cfg`'s scan (made from `args`) and writes the scores.
pub fn run(cfg: &Config, args: &EvalArgs) -> Result<ExitStatus, Error> {
    let evaluation = evaluate(cfg, &args.labels, &args.label_field, args.exact)?;
    let mut out = Output::stdout();
    if args.json {
        evaluation.write_json(&mut out)?;
    } else {
        evaluation.write_text(&mut out)?;
    }
    out.finish()?;
    Ok(ExitStatus::Success)
}
