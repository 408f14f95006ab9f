//! `reprint index add|stats|verify|remove`: build and maintain the
//! persistent index that `check` compares with.

use reprint::check::{add, remove, stats, verify};
use reprint::index::Selection;
use reprint::input::{normalize_date, IssueKind};
use reprint::Error;

use super::args::{IndexAddArgs, IndexCommand, IndexRemoveArgs, IndexStatsArgs};
use super::progress::scan_options;
use super::{print_issues, Output};
use crate::ExitStatus;

/// Runs one `reprint index` subcommand.
pub fn run(cmd: IndexCommand) -> Result<ExitStatus, Error> {
    match cmd {
        IndexCommand::Add(args) => run_add(&args),
        IndexCommand::Stats(args) => run_stats(&args),
        IndexCommand::Verify(args) => run_verify(&args),
        IndexCommand::Remove(args) => run_remove(&args),
    }
}

fn run_add(args: &IndexAddArgs) -> Result<ExitStatus, Error> {
    let cfg = args.config()?;
    let ix = args.index.options()?;
    let (opts, display) = scan_options(&args.input, args.quiet);
    let added = add(&cfg, &opts, &ix);
    drop(display);
    let added = added?;
    if !args.quiet {
        print_issues(&added.issues);
    }
    let mut out = Output::stdout();
    if args.json {
        out.json(&added)?;
    } else {
        out.line(format_args!(
            "{}: {} documents read, {} added, {} already indexed, {} without words; {} documents in the index",
            ix.path.display(),
            added.documents,
            added.added.added,
            added.added.known,
            added.empty,
            added.total
        ))?;
    }
    out.finish()?;
    let skipped = added.issues.iter().any(|i| i.kind == IssueKind::Skipped);
    Ok(if skipped {
        ExitStatus::Error
    } else {
        ExitStatus::Success
    })
}

fn run_stats(args: &IndexStatsArgs) -> Result<ExitStatus, Error> {
    let s = stats(&args.index.options()?)?;
    let mut out = Output::stdout();
    if args.json {
        out.json(&s)?;
    } else {
        out.line(format_args!(
            "index: {} (format {})",
            s.path, s.format_version
        ))?;
        out.line(format_args!(
            "documents: {} ({} packed against a base)",
            s.documents, s.packed_against_base
        ))?;
        out.line(format_args!(
            "lookup keys: {} document, {} paragraph, {} reuse",
            s.document_keys, s.paragraph_keys, s.reuse_keys
        ))?;
        if let (Some(a), Some(b)) = (&s.first_seen_min, &s.first_seen_max) {
            out.line(format_args!("first seen: {a} .. {b}"))?;
        }
        out.line(format_args!("size on disk: {} bytes", s.bytes_on_disk))?;
        let params: Vec<String> = s.params.iter().map(|(k, v)| format!("{k}={v}")).collect();
        out.line(format_args!("parameters: {}", params.join(" ")))?;
    }
    out.finish()?;
    Ok(ExitStatus::Success)
}

fn run_verify(args: &IndexStatsArgs) -> Result<ExitStatus, Error> {
    let ix = args.index.options()?;
    verify(&ix)?;
    let mut out = Output::stdout();
    out.line(format_args!("{}: ok", ix.path.display()))?;
    out.finish()?;
    Ok(ExitStatus::Success)
}

fn run_remove(args: &IndexRemoveArgs) -> Result<ExitStatus, Error> {
    let cfg = args.config()?;
    let ix = args.index.options()?;
    let date = |flag: &str, d: &str| {
        normalize_date(d).ok_or_else(|| {
            Error::InvalidParam(format!(
                "{flag} takes a date such as 2026-01-31 or 2026-01-31T12:00:00Z, not `{d}`"
            ))
        })
    };
    let mut sel: Vec<Selection> = args.id.iter().cloned().map(Selection::Id).collect();
    if let Some(d) = &args.seen_before {
        sel.push(Selection::SeenBefore(date("--seen-before", d)?));
    }
    if let Some(d) = &args.published_before {
        sel.push(Selection::PublishedBefore(date("--published-before", d)?));
    }
    let n = remove(&cfg, &ix, &sel)?;
    let mut out = Output::stdout();
    out.line(format_args!("{}: {n} documents removed", ix.path.display()))?;
    out.finish()?;
    Ok(ExitStatus::Success)
}
