//! Command-line interface: clap types ([`args`]), the config-file
//! translation ([`config_file`]), and one module per subcommand that runs
//! it. Arguments become the engine's plain [`Config`] here, in one function
//! ([`build_config`], reached through each subcommand's `config()`); clap
//! types stop at this boundary, and the library gets `Config` and plain
//! option structs only.

pub mod args;
pub mod check;
mod config_file;
pub mod eval;
pub mod explain;
pub mod extract;
pub mod index;
mod output;
mod progress;
pub mod scan;

use std::path::PathBuf;

use reprint::config::{
    max_record_bytes, parse_containment, Config, Granularity, InputConfig, MatchConfig,
    ParagraphConfig, ReuseConfig, Sketch,
};
use reprint::input::{Issue, IssueKind, SourceKind, StdinFormat};
use reprint::report::check::CheckFormat;
use reprint::report::Format;
use reprint::Error;

use crate::ExitStatus;
use args::{
    CheckArgs, CheckFormatArg, EvalArgs, ExplainArgs, ExtractArgs, FormatArg, GranularityArg,
    IndexAddArgs, IndexArgs, IndexRemoveArgs, InputArgs, InputFormatArg, MatchArgs, ParagraphArgs,
    ReuseArgs, SameSourceArg, ScanArgs, SketchArg, StdinFormatArg,
};
pub use args::{Cli, Command};
pub use config_file::parse;
pub use output::Output;

impl ScanArgs {
    /// The engine's configuration for this scan, validated.
    pub fn config(&self) -> Result<Config, Error> {
        let (i, m, p) = (&self.input, &self.matching, &self.paragraphs);
        build_config(self.paths.clone(), Some(i), m, Some(p), None)
    }
}

impl CheckArgs {
    /// The engine's configuration for this check, validated.
    pub fn config(&self) -> Result<Config, Error> {
        let (i, m, p) = (&self.input, &self.matching, &self.paragraphs);
        build_config(self.paths.clone(), Some(i), m, Some(p), None)
    }
}

impl ExplainArgs {
    /// The engine's configuration for reading and comparing the two
    /// documents, validated (no paths: the documents are named apart).
    pub fn config(&self) -> Result<Config, Error> {
        let (i, m, p) = (&self.input, &self.matching, &self.paragraphs);
        build_config(Vec::new(), Some(i), m, Some(p), None)
    }
}

impl ExtractArgs {
    /// The engine's configuration for reading the inputs: the input flags
    /// and the thread count (matching settings are the defaults, unused).
    pub fn config(&self) -> Result<Config, Error> {
        Ok(Config {
            input: input_config(&self.input)?,
            threads: self.threads,
            ..Config::new(self.paths.clone())
        })
    }
}

impl EvalArgs {
    /// The engine's configuration for scanning the labelled corpus,
    /// validated: documents only, default paragraph settings; with
    /// `--reuse-pairs`, every finding (reuse needs granularity `all`).
    pub fn config(&self) -> Result<Config, Error> {
        let mut cfg = build_config(
            vec![self.labels.clone()],
            Some(&self.input),
            &self.matching,
            None,
            Some(&self.reuse),
        )?;
        if self.reuse_pairs.is_some() {
            cfg.granularity = Granularity::All;
        }
        Ok(cfg)
    }
}

impl IndexAddArgs {
    /// The engine's configuration for signing the added documents, validated.
    pub fn config(&self) -> Result<Config, Error> {
        let (i, m, p) = (&self.input, &self.matching, &self.paragraphs);
        build_config(self.paths.clone(), Some(i), m, Some(p), None)
    }
}

impl IndexRemoveArgs {
    /// The engine's configuration for re-signing removed documents (their
    /// keys go with them), validated; nothing is read from inputs.
    pub fn config(&self) -> Result<Config, Error> {
        build_config(
            Vec::new(),
            None,
            &self.matching,
            Some(&self.paragraphs),
            None,
        )
    }
}

/// The one place where arguments become a [`Config`], validated once:
/// input flags absent (`None`) read as the defaults, paragraph flags absent
/// as document matching only.
fn build_config(
    paths: Vec<PathBuf>,
    input: Option<&InputArgs>,
    m: &MatchArgs,
    p: Option<&ParagraphArgs>,
    reuse: Option<&ReuseArgs>,
) -> Result<Config, Error> {
    let matching = MatchConfig {
        shingle_size: m.shingle_size,
        num_perm: m.num_perm,
        seed: m.seed,
        sketch: match m.sketch {
            SketchArg::OnePermutation => Sketch::OnePermutation,
            SketchArg::Permutations => Sketch::Permutations,
        },
        threshold: m.threshold,
        containment: parse_containment(&m.containment)?,
        bands: m.bands,
        rows: m.rows,
        skip_same_source: matches!(m.same_source, SameSourceArg::Skip),
        window_days: m.window,
    };
    let cfg = Config {
        paths,
        input: input.map(input_config).transpose()?.unwrap_or_default(),
        matching,
        granularity: match p.map(|p| p.granularity) {
            Some(GranularityArg::All) => Granularity::All,
            Some(GranularityArg::Paragraphs) => Granularity::Paragraphs,
            Some(GranularityArg::Documents) | None => Granularity::Documents,
        },
        paragraphs: match p {
            Some(p) => ParagraphConfig {
                shingle_size: p.paragraph_shingle_size,
                num_perm: p.paragraph_num_perm,
                min_words: p.min_paragraph_words,
                boilerplate_min_docs: p.boilerplate_min_docs,
            },
            None => ParagraphConfig::default(),
        },
        reuse: match p.map(|p| &p.reuse).or(reuse) {
            Some(r) => ReuseConfig {
                enabled: !r.no_reuse,
                min_coverage: r.reuse_min_coverage,
                wholly: r.reuse_wholly,
                max_df: r.reuse_max_df,
                ..ReuseConfig::default()
            },
            None => ReuseConfig::default(),
        },
        threads: m.threads,
    };
    cfg.validate()?;
    Ok(cfg)
}

/// How inputs are read, from the input flags.
fn input_config(input: &InputArgs) -> Result<InputConfig, Error> {
    Ok(InputConfig {
        extra_text_exts: input.ext.clone(),
        hidden: input.hidden,
        text_field: input.text_field.clone(),
        id_field: input.id_field.clone(),
        url_field: input.url_field.clone(),
        title_field: input.title_field.clone(),
        date_field: input.date_field.clone(),
        source_field: input.source_field.clone(),
        format: input.input_format.map(Into::into),
        max_record_bytes: max_record_bytes(input.max_record_mb)?,
    })
}

impl IndexArgs {
    /// The engine's view of where the index is and how long to wait for it.
    pub fn options(&self) -> Result<reprint::check::IndexOptions, Error> {
        reprint::check::IndexOptions::new(self.index.clone(), self.lock_timeout)
    }
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Text => Format::Text,
            FormatArg::Json => Format::Json,
            FormatArg::Jsonl => Format::Jsonl,
            FormatArg::Html => Format::Html,
        }
    }
}

impl From<CheckFormatArg> for CheckFormat {
    fn from(f: CheckFormatArg) -> Self {
        match f {
            CheckFormatArg::Text => CheckFormat::Text,
            CheckFormatArg::Json => CheckFormat::Json,
            CheckFormatArg::Sarif => CheckFormat::Sarif,
            CheckFormatArg::Github => CheckFormat::Github,
        }
    }
}

impl From<InputFormatArg> for SourceKind {
    fn from(f: InputFormatArg) -> Self {
        match f {
            InputFormatArg::Text => SourceKind::Text,
            InputFormatArg::Jsonl => SourceKind::JsonLines,
            InputFormatArg::Html => SourceKind::Html,
            InputFormatArg::Feed => SourceKind::Feed,
        }
    }
}

impl From<StdinFormatArg> for StdinFormat {
    fn from(f: StdinFormatArg) -> Self {
        match f {
            StdinFormatArg::Jsonl => StdinFormat::JsonLines,
            StdinFormatArg::Text => StdinFormat::Text,
        }
    }
}

/// Prints one input problem on standard error.
pub(crate) fn print_issue(i: &Issue) {
    let tag = match i.kind {
        IssueKind::Warning => "warning",
        IssueKind::Skipped => "skipped",
    };
    eprintln!("reprint: {tag}: {}: {}", i.location(), i.message);
}

/// Prints input problems on standard error, one per line.
pub(crate) fn print_issues(issues: &[Issue]) {
    issues.iter().for_each(print_issue);
}

/// `reprint completions SHELL`: the completion script, from the clap definitions.
pub fn completions(shell: clap_complete::Shell) -> Result<ExitStatus, Error> {
    let mut out = Output::stdout();
    let mut cmd = <Cli as clap::CommandFactory>::command();
    clap_complete::generate(shell, &mut cmd, "reprint", &mut out);
    out.finish()?;
    Ok(ExitStatus::Success)
}

/// `reprint man`: the man page (roff), from the clap definitions.
pub fn man() -> Result<ExitStatus, Error> {
    let mut out = Output::stdout();
    let cmd = <Cli as clap::CommandFactory>::command();
    clap_mangen::Man::new(cmd)
        .render(&mut out)
        .map_err(|e| out.error(e))?;
    out.finish()?;
    Ok(ExitStatus::Success)
}
