//! `reprint check`: check new documents against the persistent index,
//! write the check report, and exit 1 on a new finding.

use reprint::check::{check, Baseline, CheckOptions};
use reprint::report;
use reprint::{Config, Error};

use super::args::CheckArgs;
use super::progress::scan_options;
use super::scan::check_output_dir;
use super::{print_issues, Output};
use crate::ExitStatus;

/// Runs the check of `cfg`'s documents (made from `args`) and writes its report.
pub fn run(cfg: &Config, args: &CheckArgs) -> Result<ExitStatus, Error> {
    let ix = args.index.options()?;
    check_output_dir(args.output.as_deref())?;
    let baseline = args.baseline.as_deref().map(Baseline::read).transpose()?;
    let (opts, display) = scan_options(&args.input, args.quiet);
    let copts = CheckOptions {
        update: args.update,
        baseline,
    };
    let report = check(cfg, &opts, &ix, &copts);
    drop(display);
    let report = report?;
    if !args.quiet {
        print_issues(&report.scan.issues);
    }
    if let Some(path) = &args.write_baseline {
        Baseline::of(&report).write(path)?;
    }
    let mut out = Output::create(args.output.as_deref())?;
    report::check::write_check(&report, args.format.into(), &mut out)?;
    out.finish()?;
    let skipped = report.scan.stats.skipped_inputs + report.scan.stats.skipped_records;
    if skipped > 0 && args.update {
        eprintln!(
            "reprint: --update: the index was not updated, because {skipped} input(s) were skipped (listed above)"
        );
    }
    Ok(if skipped > 0 {
        ExitStatus::Error
    } else if report.summary.new_findings > 0 {
        ExitStatus::Found
    } else {
        ExitStatus::Success
    })
}
