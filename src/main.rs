//! The `reprint` binary: parse arguments, run the engine, map the outcome to
//! an exit code. 0: success; 1: duplicates found with `--check`; 2: error
//! (including an input that had to be skipped).

mod cli;

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use cli::{CheckArgs, Cli, Command, EvalArgs, ExplainArgs, IndexCommand, ScanArgs};
use reprint::eval::{dense_labels, read_labels, score};
use reprint::exact::all_pairs;
use reprint::input::IssueKind;
use reprint::pipeline::{scan, Progress, ScanOptions};
use reprint::shingle::{shingle_set, ShingleScratch};
use reprint::{report, Error};

const EXIT_FOUND: u8 = 1;
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    let cli = cli::parse();
    let result = match cli.command {
        Command::Scan(args) => run_scan(args),
        Command::Eval(args) => run_eval(args),
        Command::Check(args) => run_check(args),
        Command::Index(cmd) => run_index(cmd),
        Command::Explain(args) => run_explain(args),
        Command::Completions { shell } => write_output(None, |out| {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "reprint", out);
            Ok(())
        })
        .map(|()| 0),
        Command::Man => write_output(None, |out| {
            let cmd = <Cli as clap::CommandFactory>::command();
            clap_mangen::Man::new(cmd)
                .render(out)
                .map_err(|e| Error::io("<stdout>", e))
        })
        .map(|()| 0),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("reprint: error: {e}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn is_broken_pipe(e: &Error) -> bool {
    match e {
        Error::Io { source, .. } => source.kind() == io::ErrorKind::BrokenPipe,
        Error::Json(j) => j.io_error_kind() == Some(io::ErrorKind::BrokenPipe),
        _ => false,
    }
}

fn run_scan(args: ScanArgs) -> Result<u8, Error> {
    let cfg = cli::build_config(
        args.paths,
        Some(&args.input),
        &args.matching,
        Some(&args.paragraphs),
    )
    .map_err(Error::InvalidParam)?;
    // Fail before a long scan, not after it.
    check_output_dir(args.output.as_deref())?;
    let (opts, display) = scan_options(&args.input, args.quiet);
    let outcome = scan(&cfg, opts);
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
        print_issues(r);
    }
    if args.strict && !r.issues.is_empty() {
        if args.quiet {
            // The problems are the whole message: print them anyway.
            print_issues(r);
        }
        eprintln!(
            "reprint: --strict: {} input problem(s), listed above; no report written. \
             Fix or remove those inputs, or scan without --strict to skip them",
            r.issues.len()
        );
        return Ok(EXIT_ERROR);
    }
    let format = args.format.into();
    let color = match args.color {
        cli::ColorArg::Always => true,
        cli::ColorArg::Never => false,
        cli::ColorArg::Auto => {
            args.output.is_none()
                && io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    if format == report::Format::Text && color {
        write_output(args.output.as_deref(), |out| {
            report::write_text_colored(r, out)
        })?;
    } else if format == report::Format::Html {
        let texts =
            reprint::pipeline::finding_texts(&outcome, &cfg.input, report::html::MAX_TEXT_BYTES);
        write_output(args.output.as_deref(), |out| {
            report::html::write_html(r, &texts, out)
        })?;
    } else {
        // Streamed to the file: a large report is never held whole.
        write_output(args.output.as_deref(), |out| report::write(r, format, out))?;
    }
    let skipped = r.stats.skipped_inputs + r.stats.skipped_records;
    Ok(if skipped > 0 {
        EXIT_ERROR
    } else if args.check && has_failing_findings(r, &args.fail_on) {
        EXIT_FOUND
    } else {
        0
    })
}

/// Scan options from the input flags, with a progress display unless
/// `quiet` (see [`progress_display`]); drop the guard when reading is done.
fn scan_options(input: &cli::InputArgs, quiet: bool) -> (ScanOptions, Option<ProgressGuard>) {
    let (progress, display) = progress_display(quiet);
    let opts = ScanOptions {
        stdin_format: input.stdin_format.into(),
        progress,
    };
    (opts, display)
}

/// A progress line on standard error, drawn from the engine's counters
/// while the returned guard lives: only on a terminal, never with `--quiet`.
fn progress_display(quiet: bool) -> (Option<Arc<Progress>>, Option<ProgressGuard>) {
    if quiet || !io::stderr().is_terminal() {
        return (None, None);
    }
    let counters = Arc::new(Progress::default());
    let stop = Arc::new(AtomicBool::new(false));
    let (c, s) = (Arc::clone(&counters), Arc::clone(&stop));
    let handle = std::thread::spawn(move || {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {elapsed} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        let start = std::time::Instant::now();
        while !s.load(Ordering::Relaxed) {
            let mb = c.bytes.load(Ordering::Relaxed) as f64 / 1e6;
            let secs = start.elapsed().as_secs_f64().max(1e-3);
            bar.set_message(format!(
                "files {}/{} · {} documents signed · {:.0} MB at {:.0} MB/s",
                c.files.load(Ordering::Relaxed),
                c.files_total.load(Ordering::Relaxed),
                c.documents.load(Ordering::Relaxed),
                mb,
                mb / secs
            ));
            bar.tick();
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        bar.finish_and_clear();
    });
    (
        Some(counters),
        Some(ProgressGuard {
            stop,
            handle: Some(handle),
        }),
    )
}

/// Stops and clears the progress line when dropped.
struct ProgressGuard {
    stop: Arc<AtomicBool>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl Drop for ProgressGuard {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

/// Fails early when `-o FILE`'s directory does not exist.
fn check_output_dir(out: Option<&std::path::Path>) -> Result<(), Error> {
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

/// Writes to FILE, or to standard output.
fn write_output(
    output: Option<&std::path::Path>,
    write: impl FnOnce(&mut dyn Write) -> Result<(), Error>,
) -> Result<(), Error> {
    match output {
        Some(path) => {
            let io_err = |e| Error::io(path, e);
            let file = std::fs::File::create(path).map_err(io_err)?;
            let mut out = io::BufWriter::with_capacity(1 << 20, file);
            write(&mut out)?;
            out.flush().map_err(io_err)
        }
        None => {
            let stdout = io::stdout();
            let mut out = io::BufWriter::new(stdout.lock());
            write(&mut out)?;
            out.flush().map_err(|e| Error::io("<stdout>", e))
        }
    }
}

fn run_check(args: CheckArgs) -> Result<u8, Error> {
    let cfg = cli::build_config(
        args.paths,
        Some(&args.input),
        &args.matching,
        Some(&args.paragraphs),
    )
    .map_err(Error::InvalidParam)?;
    let ix = args.index.options().map_err(Error::InvalidParam)?;
    check_output_dir(args.output.as_deref())?;
    let baseline = args
        .baseline
        .as_deref()
        .map(reprint::check::Baseline::read)
        .transpose()?;
    let (opts, display) = scan_options(&args.input, args.quiet);
    let copts = reprint::check::CheckOptions {
        update: args.update,
        baseline,
    };
    let report = reprint::check::check(&cfg, &opts, &ix, &copts);
    drop(display);
    let report = report?;
    if !args.quiet {
        print_issues(&report.scan);
    }
    if let Some(path) = &args.write_baseline {
        reprint::check::Baseline::of(&report).write(path)?;
    }
    let format = args.format.into();
    write_output(args.output.as_deref(), |out| {
        report::check::write_check(&report, format, out)
    })?;
    let skipped = report.scan.stats.skipped_inputs + report.scan.stats.skipped_records;
    if skipped > 0 && args.update {
        eprintln!(
            "reprint: --update: the index was not updated, because {skipped} input(s) were skipped (listed above)"
        );
    }
    Ok(if skipped > 0 {
        EXIT_ERROR
    } else if report.summary.new_findings > 0 {
        EXIT_FOUND
    } else {
        0
    })
}

fn run_explain(args: ExplainArgs) -> Result<u8, Error> {
    use reprint::explain;
    let cfg = cli::build_config(
        Vec::new(),
        Some(&args.input),
        &args.matching,
        Some(&args.paragraphs),
    )
    .map_err(Error::InvalidParam)?;
    cfg.matching.validate()?;
    cfg.paragraphs.validate()?;
    let (a, b, issues) = match &args.corpus {
        Some(corpus) => {
            let read = explain::documents_by_id(corpus, &cfg, &args.a, &args.b)?;
            (read.docs.0, read.docs.1, read.issues)
        }
        None => {
            let path = |p: &str| {
                let p = std::path::PathBuf::from(p);
                if p.exists() {
                    Ok(p)
                } else {
                    Err(Error::MissingPath(p))
                }
            };
            let a = explain::document_in(&path(&args.a)?, &cfg)?;
            let b = explain::document_in(&path(&args.b)?, &cfg)?;
            let mut issues = a.issues;
            issues.extend(b.issues);
            (a.docs, b.docs, issues)
        }
    };
    issues.iter().for_each(print_issue);
    let skipped = issues.iter().any(|i| i.kind == IssueKind::Skipped);
    let mut e = explain::explain(&a, &b, &cfg);
    e.issues = issues;
    write_output(None, |out| match args.format {
        cli::ExplainFormatArg::Text => explain::write_text(&e, out),
        cli::ExplainFormatArg::Json => {
            serde_json::to_writer_pretty(&mut *out, &e)?;
            writeln!(out).map_err(|e| Error::io("<stdout>", e))
        }
    })?;
    Ok(if skipped { EXIT_ERROR } else { 0 })
}

fn run_index(cmd: IndexCommand) -> Result<u8, Error> {
    match cmd {
        IndexCommand::Add(args) => {
            let cfg = cli::build_config(
                args.paths,
                Some(&args.input),
                &args.matching,
                Some(&args.paragraphs),
            )
            .map_err(Error::InvalidParam)?;
            let ix = args.index.options().map_err(Error::InvalidParam)?;
            let (opts, display) = scan_options(&args.input, args.quiet);
            let out = reprint::check::add(&cfg, &opts, &ix);
            drop(display);
            let out = out?;
            if !args.quiet {
                for i in &out.issues {
                    print_issue(i);
                }
            }
            if args.json {
                write_output(None, |w| {
                    serde_json::to_writer_pretty(&mut *w, &out)?;
                    writeln!(w).map_err(|e| Error::io("<stdout>", e))
                })?;
            } else {
                println!(
                    "{}: {} documents read, {} added, {} already indexed, {} without words; {} documents in the index",
                    ix.path.display(),
                    out.documents,
                    out.added.added,
                    out.added.known,
                    out.empty,
                    out.total
                );
            }
            let skipped = out.issues.iter().any(|i| i.kind == IssueKind::Skipped);
            Ok(if skipped { EXIT_ERROR } else { 0 })
        }
        IndexCommand::Stats(args) => {
            let ix = args.index.options().map_err(Error::InvalidParam)?;
            let s = reprint::check::stats(&ix)?;
            if args.json {
                write_output(None, |w| {
                    serde_json::to_writer_pretty(&mut *w, &s)?;
                    writeln!(w).map_err(|e| Error::io("<stdout>", e))
                })?;
            } else {
                println!("index: {} (format {})", s.path, s.format_version);
                println!("documents: {}", s.documents);
                println!(
                    "lookup keys: {} document, {} paragraph",
                    s.document_keys, s.paragraph_keys
                );
                if let (Some(a), Some(b)) = (&s.first_seen_min, &s.first_seen_max) {
                    println!("first seen: {a} .. {b}");
                }
                println!("size on disk: {} bytes", s.bytes_on_disk);
                let params: Vec<String> =
                    s.params.iter().map(|(k, v)| format!("{k}={v}")).collect();
                println!("parameters: {}", params.join(" "));
            }
            Ok(0)
        }
        IndexCommand::Verify(args) => {
            let ix = args.index.options().map_err(Error::InvalidParam)?;
            reprint::check::verify(&ix)?;
            println!("{}: ok", ix.path.display());
            Ok(0)
        }
        IndexCommand::Remove(args) => {
            let cfg = cli::build_config(Vec::new(), None, &args.matching, Some(&args.paragraphs))
                .map_err(Error::InvalidParam)?;
            let ix = args.index.options().map_err(Error::InvalidParam)?;
            let date = |flag: &str, d: &str| {
                reprint::input::normalize_date(d).ok_or_else(|| {
                    Error::InvalidParam(format!(
                        "{flag} takes a date such as 2026-01-31 or 2026-01-31T12:00:00Z, not `{d}`"
                    ))
                })
            };
            use reprint::index::Selection;
            let mut sel: Vec<Selection> = args.id.iter().cloned().map(Selection::Id).collect();
            if let Some(d) = &args.seen_before {
                sel.push(Selection::SeenBefore(date("--seen-before", d)?));
            }
            if let Some(d) = &args.published_before {
                sel.push(Selection::PublishedBefore(date("--published-before", d)?));
            }
            let n = reprint::check::remove(&cfg, &ix, &sel)?;
            println!("{}: {n} documents removed", ix.path.display());
            Ok(0)
        }
    }
}

/// Prints one input problem on standard error.
fn print_issue(i: &reprint::input::Issue) {
    let tag = match i.kind {
        IssueKind::Warning => "warning",
        IssueKind::Skipped => "skipped",
    };
    eprintln!("reprint: {tag}: {}: {}", i.location(), i.message);
}

/// Prints the report's input problems on standard error, one per line.
fn print_issues(r: &reprint::Report) {
    r.issues.iter().for_each(print_issue);
}

/// Whether the report holds a finding of one of the `fail_on` kinds (all kinds when empty).
fn has_failing_findings(r: &reprint::Report, fail_on: &[cli::FailOn]) -> bool {
    use cli::FailOn;
    use reprint::paragraph::Kind;
    let counts = |k: FailOn| fail_on.is_empty() || fail_on.contains(&k);
    (counts(FailOn::Documents)
        && !(r.document_clusters.is_empty() && r.paragraph_reprints.is_empty()))
        || (counts(FailOn::Doubled) && !r.doubled_documents.is_empty())
        || r.paragraph_clusters.iter().any(|c| {
            counts(match c.kind {
                Kind::Boilerplate => FailOn::Boilerplate,
                Kind::Reprinted => FailOn::Reprinted,
                Kind::WithinDocument => FailOn::WithinDocument,
            })
        })
}

fn run_eval(args: EvalArgs) -> Result<u8, Error> {
    let cfg = cli::build_config(
        vec![args.labels.clone()],
        Some(&args.input),
        &args.matching,
        None,
    )
    .map_err(Error::InvalidParam)?;
    let labels = read_labels(&args.labels, &cfg.input, &args.label_field)?;
    let outcome = scan(&cfg, ScanOptions::default())?;
    let docs = &outcome.docs;
    let mut predicted = vec![None; docs.len()];
    for (ci, members) in outcome.clusters.iter().enumerate() {
        for &d in members {
            predicted[d as usize] = Some(ci as u32);
        }
    }
    let truth = dense_labels(
        docs.iter()
            .map(|d| labels.get(&d.id).and_then(|l| l.as_deref())),
    );
    let metrics = score(&predicted, &truth);
    let p = &outcome.report.params;
    let mut result = serde_json::json!({
        "params": p,
        "metrics": metrics,
        "elapsed_ms": outcome.report.stats.elapsed_ms,
    });
    if args.exact {
        let t = cfg.matching.threshold;
        let k = cfg.matching.shingle_size;
        let origins: Vec<_> = docs.iter().map(|d| d.origin).collect();
        let sets: Vec<Vec<u64>> = outcome
            .corpus
            .texts(
                &cfg.input,
                &origins,
                ShingleScratch::default,
                |s, _, text| shingle_set(text, k, s),
            )
            .into_iter()
            .map(Result::unwrap_or_default)
            .collect();
        let exact = all_pairs(&sets, t);
        let found = exact
            .iter()
            .filter(|e| {
                predicted[e.a as usize].is_some()
                    && predicted[e.a as usize] == predicted[e.b as usize]
            })
            .count();
        let recall = if exact.is_empty() {
            1.0
        } else {
            found as f64 / exact.len() as f64
        };
        // Independent re-check of every reported pair against the rule.
        let index: std::collections::HashMap<&str, usize> = docs
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.as_str(), i))
            .collect();
        let mut reported = 0usize;
        let mut below_rule = 0usize;
        for c in &outcome.report.document_clusters {
            for pair in &c.pairs {
                reported += 1;
                let (a, b) = (&sets[index[pair.a.as_str()]], &sets[index[pair.b.as_str()]]);
                let s = reprint::verify::scores(a, b);
                let ok = s.jaccard >= t || p.containment.is_some_and(|c| s.containment >= c);
                if !ok {
                    below_rule += 1;
                }
            }
        }
        result["exact"] = serde_json::json!({
            "threshold": t,
            "exact_pairs": exact.len(),
            "found_in_same_cluster": found,
            "recall": recall,
            "reported_pairs": reported,
            "reported_pairs_below_rule": below_rule,
        });
    }
    let mut out = io::stdout().lock();
    let w = |e| Error::io("<stdout>", e);
    if args.json {
        serde_json::to_writer_pretty(&mut out, &result)?;
        writeln!(out).map_err(w)?;
    } else {
        writeln!(
            out,
            "params: k={} num_perm={} threshold={} containment={} lsh_threshold={} bands={} rows={}",
            p.shingle_size,
            p.num_perm,
            p.threshold,
            p.containment.map_or("off".into(), |c| c.to_string()),
            p.lsh_threshold,
            p.bands,
            p.rows
        )
        .map_err(w)?;
        writeln!(
            out,
            "documents {}  true pairs {}  predicted pairs {}  precision {:.4}  recall {:.4}  F1 {:.4}  ARI {:.4}  ({} ms)",
            metrics.documents,
            metrics.true_pairs,
            metrics.predicted_pairs,
            metrics.precision,
            metrics.recall,
            metrics.f1,
            metrics.adjusted_rand_index,
            outcome.report.stats.elapsed_ms
        )
        .map_err(w)?;
        if let Some(x) = result.get("exact") {
            writeln!(
                out,
                "exact: {} pairs with Jaccard >= {}; {} in the same cluster (recall {:.4}); {} reported pairs, {} below the rule",
                x["exact_pairs"], x["threshold"], x["found_in_same_cluster"], x["recall"].as_f64().unwrap_or(0.0),
                x["reported_pairs"], x["reported_pairs_below_rule"]
            )
            .map_err(w)?;
        }
    }
    Ok(0)
}
