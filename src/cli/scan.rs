//! `reprint scan`: scan a corpus, write the report, and with `--check`
//! fail on findings.

use std::io::{self, IsTerminal};
use std::path::Path;

use reprint::paragraph::Kind;
use reprint::pipeline::{finding_texts, findings_budget_bytes, scan, set_budget_bytes};
use reprint::report::{self, Format, Report};
use reprint::{Config, Error};

use super::args::{ColorArg, FailOn, ScanArgs};
use super::progress::scan_options;
use super::{print_issues, Output};
use crate::ExitStatus;

/// Runs the scan of `cfg` (made from `args`) and writes its report.
pub fn run(cfg: &Config, args: &ScanArgs) -> Result<ExitStatus, Error> {
    // Fail before a long scan, not after it.
    check_output_dir(args.output.as_deref())?;
    let (mut opts, display) = scan_options(&args.input, args.quiet);
    opts.set_budget = args.set_budget.map(set_budget_bytes).transpose()?;
    opts.findings_budget = args.findings_budget.map(findings_budget_bytes);
    let outcome = scan(cfg, opts);
    drop(display);
    let outcome = outcome?;
    let r = &outcome.report;
    if args.verbose {
        let p = &r.params;
        eprintln!(
            "reprint: lsh tuned for Jaccard {} (threshold {}, containment {}) → {} bands × {} rows of {} permutations",
            p.lsh_threshold,
            p.threshold,
            p.containment.map_or("off".to_string(), |c| c.to_string()),
            p.bands,
            p.rows,
            p.num_perm
        );
        let s = &r.stats;
        eprintln!(
            "reprint: {} documents ({} bytes, {} empty) in {} inputs; {} candidate groups ({} documents), {} pairs compared, {} verified; {} threads, {} ms",
            s.documents, s.bytes, s.empty_documents, s.inputs, s.candidate_groups, s.candidate_documents, s.compared_pairs, s.verified_pairs, s.threads, s.elapsed_ms
        );
        let stages: Vec<String> = outcome
            .timings
            .iter()
            .map(|(stage, t)| format!("{stage} {} ms", t.as_millis()))
            .collect();
        eprintln!("reprint: stages: {}", stages.join(", "));
    }
    if !args.quiet {
        print_issues(&r.issues);
    }
    if args.strict && !r.issues.is_empty() {
        if args.quiet {
            // The problems are the whole message: print them anyway.
            print_issues(&r.issues);
        }
        eprintln!(
            "reprint: --strict: {} input problem(s), listed above; no report written. \
             Fix or remove those inputs, or scan without --strict to skip them",
            r.issues.len()
        );
        return Ok(ExitStatus::Error);
    }
    let format = args.format.into();
    let color = match args.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => {
            args.output.is_none()
                && io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    // The HTML page's texts are read before the output is opened.
    let texts = (format == Format::Html)
        .then(|| finding_texts(&outcome, &cfg.input, report::html::MAX_TEXT_BYTES))
        .transpose()?;
    let mut out = Output::create(args.output.as_deref())?;
    match texts {
        Some(texts) => report::html::write_html(r, &texts, &mut out)?,
        None if format == Format::Text && color => report::write_text_colored(r, &mut out)?,
        // Streamed to the output: a large report is never held whole.
        None => report::write(r, format, &mut out)?,
    }
    out.finish()?;
    let skipped = r.stats.skipped_inputs + r.stats.skipped_records;
    Ok(if skipped > 0 {
        ExitStatus::Error
    } else if args.check && has_failing_findings(r, &args.fail_on)? {
        ExitStatus::Found
    } else {
        ExitStatus::Success
    })
}

/// Fails early when `-o FILE`'s directory does not exist.
pub fn check_output_dir(out: Option<&Path>) -> Result<(), Error> {
    let Some(out) = out else { return Ok(()) };
    let dir = out.parent().filter(|d| !d.as_os_str().is_empty());
    if let Some(dir) = dir {
        if !dir.is_dir() {
            return Err(Error::InvalidParam(format!(
                "-o {}: directory {} does not exist; create it first",
                out.display(),
                dir.display()
            )));
        }
    }
    Ok(())
}

/// Whether the report holds a finding of one of the `fail_on` kinds (all kinds when empty).
fn has_failing_findings(r: &Report, fail_on: &[FailOn]) -> Result<bool, Error> {
    let counts = |k: FailOn| fail_on.is_empty() || fail_on.contains(&k);
    if (counts(FailOn::Documents)
        && !(r.document_clusters.is_empty() && r.paragraph_reprints.is_empty()))
        || (counts(FailOn::Doubled) && !r.doubled_documents.is_empty())
        || (counts(FailOn::Derived) && !r.reuse.is_empty())
    {
        return Ok(true);
    }
    for c in r.paragraph_clusters.iter() {
        if counts(match c?.kind {
            Kind::Boilerplate => FailOn::Boilerplate,
            Kind::Reprinted => FailOn::Reprinted,
            Kind::WithinDocument => FailOn::WithinDocument,
        }) {
            return Ok(true);
        }
    }
    Ok(false)
}
