//! `reprint check`: check new documents against the persistent index,
//! write the check report, and exit 1 on a new finding (of the `--fail-on`
//! kinds).

use reprint::check::{check, Baseline, CheckOptions};
use reprint::report;
use reprint::report::check::{FindingKind, Status};
use reprint::{Config, Error};

use super::args::{CheckArgs, FailOn};
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
    let failing = report
        .findings
        .iter()
        .any(|f| f.status == Status::New && fails(f.kind, &args.fail_on));
    Ok(if skipped > 0 {
        ExitStatus::Error
    } else if failing {
        ExitStatus::Found
    } else {
        ExitStatus::Success
    })
}

/// Whether a new finding of `kind` fails the check under `--fail-on` (every
/// kind when none is given).
fn fails(kind: FindingKind, fail_on: &[FailOn]) -> bool {
    let on = match kind {
        FindingKind::DuplicateDocument | FindingKind::ParagraphReprint => FailOn::Documents,
        FindingKind::DoubledDocument => FailOn::Doubled,
        FindingKind::ReprintedParagraph => FailOn::Reprinted,
        FindingKind::BoilerplateParagraph => FailOn::Boilerplate,
        FindingKind::RepeatedWithinDocument => FailOn::WithinDocument,
        FindingKind::DerivedDocument => FailOn::Derived,
    };
    fail_on.is_empty() || fail_on.contains(&on)
}
