//! `reprint eval`: score a scan of a labelled corpus against its labels
//! (the work is [`reprint::eval::evaluate`]).

use reprint::eval::{evaluate, ReuseLabels};
use reprint::{Config, Error};

use super::args::EvalArgs;
use super::Output;
use crate::ExitStatus;

/// Evaluates `cfg`'s scan (made from `args`) and writes the scores.
pub fn run(cfg: &Config, args: &EvalArgs) -> Result<ExitStatus, Error> {
    let reuse = args.reuse_pairs.as_deref().map(|pairs| ReuseLabels {
        pairs,
        spans: args.reuse_spans.as_deref(),
    });
    if reuse.is_none() && args.reuse_spans.is_some() {
        return Err(Error::InvalidParam(
            "--reuse-spans needs --reuse-pairs (the stories' labelled sources)".into(),
        ));
    }
    let evaluation = evaluate(cfg, &args.labels, &args.label_field, args.exact, reuse)?;
    let mut out = Output::stdout();
    if args.json {
        evaluation.write_json(&mut out)?;
    } else {
        evaluation.write_text(&mut out)?;
    }
    out.finish()?;
    Ok(ExitStatus::Success)
}
