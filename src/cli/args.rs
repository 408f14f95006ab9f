//! The command line as clap sees it: derive definitions only, with their
//! help text. What the arguments mean to the engine is decided in
//! [`super`] (`config()` of each subcommand's arguments).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use reprint::config::{
    ParagraphConfig, ReuseConfig, DEFAULT_CONTAINMENT, DEFAULT_NUM_PERM, DEFAULT_SEED,
    DEFAULT_SHINGLE_SIZE, DEFAULT_THRESHOLD, MAX_RECORD_MB,
};

const SCAN_EXAMPLES: &str = "\
Examples:
  reprint scan corpus/                         scan a directory of .txt/.md/.jsonl files
  reprint scan feeds.jsonl --format json -o report.json
  reprint scan day1/ day2/ --threshold 0.9 --containment off
  cat records.jsonl | reprint scan -           read JSON Lines from standard input
  reprint scan corpus/ --check                 exit 1 when any duplicate is found

Exit status: 0 success, 1 duplicates found with --check, 2 error (bad usage, a
missing PATH, or an input that had to be skipped; the report is still written).";

/// Find duplicated, re-syndicated and repeated text in news corpora.
#[derive(Debug, Parser)]
#[command(name = "reprint", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan a corpus and report clusters of near-duplicate documents.
    #[command(after_help = SCAN_EXAMPLES, args_override_self = true)]
    Scan(ScanArgs),
    /// Scan a labelled JSON Lines corpus and score the clusters against its labels.
    #[command(after_help = "\
Examples:
  reprint eval labelled.jsonl                  precision, recall, F1 and ARI over duplicate pairs
  reprint eval reuters.jsonl --exact           also the recall of LSH against exact all-pairs Jaccard")]
    Eval(EvalArgs),
    /// Check new documents against a persistent index of everything seen
    /// before; exit 1 on a new finding (for CI).
    #[command(after_help = CHECK_EXAMPLES, args_override_self = true)]
    Check(CheckArgs),
    /// Show why two documents match or not: scores, matching paragraphs, shared passages.
    #[command(after_help = "\
Examples:
  reprint explain corpus/wire/harbor-bridge-closure.txt corpus/outlets/valley-herald-bridge.txt
  reprint explain --corpus feeds.jsonl wire-1041 herald-77
  reprint explain a.txt b.txt --format json")]
    Explain(ExplainArgs),
    /// Print what reprint reads from each document (page, feed item, file
    /// or record): its id, place, metadata and the text matching sees.
    #[command(after_help = EXTRACT_EXAMPLES, args_override_self = true)]
    Extract(ExtractArgs),
    /// Build and maintain the persistent index that `check` compares with.
    #[command(subcommand)]
    Index(IndexCommand),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    #[command(after_help = "\
Examples:
  reprint completions bash > ~/.local/share/bash-completion/completions/reprint
  reprint completions zsh > ~/.zfunc/_reprint")]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) made from these same definitions.
    #[command(after_help = "\
Example:
  reprint man > reprint.1 && man ./reprint.1")]
    Man,
}

const CHECK_EXAMPLES: &str = "\
Examples:
  reprint check scrape/2026-11-23/ --index .reprint/index.sqlite
  reprint check today.jsonl --update                  add today's documents once checked
  reprint check today/ --baseline .reprint/baseline.json --format sarif -o reprint.sarif
  reprint check today/ --write-baseline .reprint/baseline.json   accept every current finding

Findings involve a checked document: copies of indexed or other new documents
(with the indexed document's id, origin and dates), documents derived from them
(shared passages), repeated paragraphs, and documents that print their article
twice. Findings whose fingerprint is in --baseline are shown as known.

Exit status: 0 nothing new, 1 a new finding (of the --fail-on kinds), 2 error (bad usage, an unusable
index or baseline, or an input that had to be skipped; then --update adds nothing).";

const EXTRACT_EXAMPLES: &str = "\
Examples:
  reprint extract corpus/pages/aster-bay-courier-rail.html   the article text of a page
  reprint extract corpus/feeds/lakeshore-wire.rss --format jsonl
  zcat crawl.jsonl.gz | reprint extract - | less

Text layout: a header `==> ID (PATH:LINE) <==`, a line for each metadata field
known (`url: `, `title: `, `date: `, `source: `), a blank line, then the text
exactly as matched (report line numbers count from the line after the blank
one); a blank line between documents.

Exit status: 0 success, 2 error (bad usage, a missing PATH, or an input that
had to be skipped; the other documents are still printed).";

/// `reprint index` subcommands.
#[derive(Debug, Subcommand)]
pub enum IndexCommand {
    /// Add documents to the index (documents whose content is already there are skipped).
    #[command(after_help = "\
Examples:
  reprint index add archive/ --index .reprint/index.sqlite
  reprint index add 2026-11-*.jsonl.gz")]
    Add(IndexAddArgs),
    /// Print the index's counts, size and parameters.
    #[command(after_help = "\
Examples:
  reprint index stats
  reprint index stats --index cache/index.sqlite --json")]
    Stats(IndexStatsArgs),
    /// Remove documents by id or by date, so the index does not grow forever.
    #[command(after_help = "\
Examples:
  reprint index remove --id wire-2025-0001
  reprint index remove --seen-before 2026-01-01       drop what was first seen before 2026
  reprint index remove --published-before 2025-06-01")]
    Remove(IndexRemoveArgs),
    /// Run SQLite's integrity check on the index.
    #[command(after_help = "\
Example:
  reprint index verify --index .reprint/index.sqlite    exit 0 and `ok`, or 2 and what is damaged")]
    Verify(IndexStatsArgs),
}

/// Where the index is.
#[derive(Debug, Args)]
pub struct IndexArgs {
    /// The index file (created with its directory when missing).
    #[arg(long, default_value = ".reprint/index.sqlite", value_name = "FILE")]
    pub index: PathBuf,
    /// Seconds to wait while another process writes the index before
    /// failing with "index is locked".
    #[arg(long, default_value_t = 60.0, value_name = "SECONDS")]
    pub lock_timeout: f64,
}

/// Arguments of `reprint index add`.
#[derive(Debug, Args)]
pub struct IndexAddArgs {
    /// Directories or files to add (as for `scan`), or `-` for standard input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub index: IndexArgs,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub matching: MatchArgs,
    #[command(flatten)]
    pub paragraphs: ParagraphArgs,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
    /// Do not print input warnings on standard error.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// Arguments of `reprint index stats` and `verify`.
#[derive(Debug, Args)]
pub struct IndexStatsArgs {
    #[command(flatten)]
    pub index: IndexArgs,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `reprint index remove`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("which").required(true).multiple(true).args(["id", "seen_before", "published_before"])))]
pub struct IndexRemoveArgs {
    /// Remove the documents with this id (repeatable).
    #[arg(long, value_name = "ID")]
    pub id: Vec<String>,
    /// Remove documents first seen before this date (YYYY-MM-DD or RFC 3339).
    #[arg(long, value_name = "DATE")]
    pub seen_before: Option<String>,
    /// Remove documents published before this date (undated ones stay).
    #[arg(long, value_name = "DATE")]
    pub published_before: Option<String>,
    #[command(flatten)]
    pub index: IndexArgs,
    #[command(flatten)]
    pub matching: MatchArgs,
    #[command(flatten)]
    pub paragraphs: ParagraphArgs,
}

/// Arguments of `reprint check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The new documents: directories, files, or `-` for standard input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub config: ConfigArgs,
    #[command(flatten)]
    pub index: IndexArgs,
    /// After the check, add the checked documents to the index (one
    /// transaction; not when an input had to be skipped).
    #[arg(long)]
    pub update: bool,
    /// Accepted findings (a file written by --write-baseline): shown as
    /// known, they do not fail the check.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write every current finding to FILE as a baseline.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Finding kinds that fail the check when new (comma-separated; default:
    /// all); the others are still reported.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "KINDS")]
    pub fail_on: Vec<FailOn>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = CheckFormatArg::Text)]
    pub format: CheckFormatArg,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub matching: MatchArgs,
    #[command(flatten)]
    pub paragraphs: ParagraphArgs,
    /// Do not print input warnings on standard error (they stay in the report).
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// Arguments of `reprint explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The first document: a file holding one document, or with --corpus an id.
    #[arg(value_name = "A")]
    pub a: String,
    /// The second document, likewise.
    #[arg(value_name = "B")]
    pub b: String,
    /// Take A and B as ids of documents in this file (any input format).
    #[arg(long, value_name = "FILE")]
    pub corpus: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ExplainFormatArg::Text)]
    pub format: ExplainFormatArg,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub matching: MatchArgs,
    #[command(flatten)]
    pub paragraphs: ParagraphArgs,
}

/// Arguments of `reprint extract`.
#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// Directories, files (any input format), or `-` for standard input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ExtractFormatArg::Text)]
    pub format: ExtractFormatArg,
    #[command(flatten)]
    pub input: InputArgs,
    /// Worker threads (default: all cores); the output does not depend on it.
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,
    /// Do not print input warnings on standard error (skipped inputs are
    /// still printed).
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// Formats of `reprint extract`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExtractFormatArg {
    /// A `==> ID (PATH:LINE) <==` header, metadata lines, a blank line and the text.
    Text,
    /// One JSON object per line and document (fields in the README).
    Jsonl,
}

/// When to colour the text report.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ColorArg {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    /// Always (even into a file or pipe).
    Always,
    /// Never.
    Never,
}

/// Formats of `reprint explain`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExplainFormatArg {
    /// Human-readable text.
    Text,
    /// One JSON object.
    Json,
}

/// Check report formats.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum CheckFormatArg {
    /// Human-readable text.
    Text,
    /// One JSON object (schema in the README).
    Json,
    /// SARIF 2.1.0 for code scanning.
    Sarif,
    /// GitHub Actions annotations.
    Github,
}

/// How inputs are read.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Also read files with this extension as text documents (repeatable); .txt and .md always are.
    #[arg(long = "ext", value_name = "EXT")]
    pub ext: Vec<String>,
    /// Walk into hidden files and directories.
    #[arg(long)]
    pub hidden: bool,
    /// JSON Lines field with the document text.
    #[arg(long, default_value = "text", value_name = "FIELD")]
    pub text_field: String,
    /// JSON Lines field with the document id (records without one are named PATH:LINE).
    #[arg(long, default_value = "id", value_name = "FIELD")]
    pub id_field: String,
    /// JSON Lines field with the document's URL (shown in reports).
    #[arg(long, default_value = "url", value_name = "FIELD")]
    pub url_field: String,
    /// JSON Lines field with the document's headline (shown in reports).
    #[arg(long, default_value = "title", value_name = "FIELD")]
    pub title_field: String,
    /// JSON Lines field with the publication date: RFC 3339/ISO 8601, RFC 2822 or Unix seconds; dated clusters name their earliest member.
    #[arg(long, default_value = "date", value_name = "FIELD")]
    pub date_field: String,
    /// JSON Lines field with the outlet that published the document.
    #[arg(long, default_value = "source", value_name = "FIELD")]
    pub source_field: String,
    /// Read every file in this format instead of deciding by extension
    /// (.txt/.md text, .jsonl/.ndjson JSON Lines, .html/.htm pages, .xml/.rss/.atom
    /// feeds; .gz/.zst after any of them is decompressed).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input_format: Option<InputFormatArg>,
    /// Largest document in MiB: a longer JSON Lines record, or a larger text
    /// file, page or feed, is skipped and reported instead of held in memory.
    #[arg(long, default_value_t = 64, value_name = "MIB", value_parser = clap::value_parser!(u64).range(MAX_RECORD_MB))]
    pub max_record_mb: u64,
    /// What standard input (`-`) holds.
    #[arg(long, value_enum, default_value_t = StdinFormatArg::Jsonl)]
    pub stdin_format: StdinFormatArg,
}

/// Whether documents of one outlet may match each other.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SameSourceArg {
    /// Match them like any others.
    Match,
    /// Never match two documents with the same `source`.
    Skip,
}

/// A forced input format.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum InputFormatArg {
    /// One document per file.
    Text,
    /// JSON Lines, one document per line.
    Jsonl,
    /// An HTML page, one document (its article text).
    Html,
    /// An RSS or Atom feed, one document per item.
    Feed,
}

/// Format of standard input.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum StdinFormatArg {
    /// JSON Lines, one document per line.
    Jsonl,
    /// Plain text, one document.
    Text,
}

/// Matching parameters.
#[derive(Debug, Args)]
pub struct MatchArgs {
    /// Words per shingle.
    #[arg(long, default_value_t = DEFAULT_SHINGLE_SIZE, value_name = "K")]
    pub shingle_size: usize,
    /// MinHash permutations per signature.
    #[arg(long, default_value_t = DEFAULT_NUM_PERM, value_name = "N")]
    pub num_perm: usize,
    /// Seed of the MinHash permutations.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// How document signatures are computed (paragraphs always use permutations).
    #[arg(long, value_enum, default_value_t = SketchArg::OnePermutation)]
    pub sketch: SketchArg,
    /// Jaccard similarity at or above which two documents are duplicates.
    #[arg(long, default_value_t = DEFAULT_THRESHOLD, value_name = "J")]
    pub threshold: f64,
    /// Share of the shorter document found in the longer at or above which
    /// they are duplicates (a trimmed reprint); `off` disables the rule.
    #[arg(long, default_value_t = DEFAULT_CONTAINMENT.to_string(), value_name = "C|off")]
    pub containment: String,
    /// LSH bands (with --rows); derived from the thresholds by default.
    #[arg(long, requires = "rows", value_name = "B")]
    pub bands: Option<usize>,
    /// LSH rows per band (with --bands).
    #[arg(long, requires = "bands", value_name = "R")]
    pub rows: Option<usize>,
    /// `skip`: never match two documents of the same outlet (their `source`
    /// metadata), such as a site republishing its own story.
    #[arg(long, value_enum, default_value_t = SameSourceArg::Match, value_name = "match|skip")]
    pub same_source: SameSourceArg,
    /// Only match documents published at most DAYS apart (by their `date`
    /// metadata; pairs with an undated document are matched as usual).
    #[arg(long, value_name = "DAYS")]
    pub window: Option<u32>,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,
}

/// Document signature sketch.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SketchArg {
    /// One hash per shingle into bins, with optimal densification: O(1) per shingle.
    OnePermutation,
    /// Classic MinHash, one hash function per signature value.
    Permutations,
}

/// Paragraph-level matching.
#[derive(Debug, Args)]
pub struct ParagraphArgs {
    /// Which findings to look for.
    #[arg(long, value_enum, default_value_t = GranularityArg::All)]
    pub granularity: GranularityArg,
    /// Paragraphs with fewer words (headings, bylines) are not matched.
    #[arg(long, default_value_t = ParagraphConfig::default().min_words, value_name = "N")]
    pub min_paragraph_words: usize,
    /// A paragraph in at least this many unrelated documents is boilerplate.
    #[arg(long, default_value_t = ParagraphConfig::default().boilerplate_min_docs, value_name = "N")]
    pub boilerplate_min_docs: usize,
    /// Words per paragraph shingle.
    #[arg(long, default_value_t = ParagraphConfig::default().shingle_size, value_name = "K")]
    pub paragraph_shingle_size: usize,
    /// MinHash permutations per paragraph.
    #[arg(long, default_value_t = ParagraphConfig::default().num_perm, value_name = "N")]
    pub paragraph_num_perm: usize,
    #[command(flatten)]
    pub reuse: ReuseArgs,
}

/// Passage-level reuse between documents.
#[derive(Debug, Args)]
pub struct ReuseArgs {
    /// Do not look for passage-level reuse (derived documents) with `--granularity all`.
    #[arg(long)]
    pub no_reuse: bool,
    /// Least share of a document's words inside passages aligned with another
    /// for a reuse link (graded `partially`).
    #[arg(long, default_value_t = ReuseConfig::default().min_coverage, value_name = "F")]
    pub reuse_min_coverage: f64,
    /// Least share for a `wholly` derived link.
    #[arg(long, default_value_t = ReuseConfig::default().wholly, value_name = "F")]
    pub reuse_wholly: f64,
    /// Word trigrams found in more than N documents (stock phrases,
    /// boilerplate) pair no documents for reuse.
    #[arg(long, default_value_t = ReuseConfig::default().max_df, value_name = "N")]
    pub reuse_max_df: usize,
}

/// Granularity of findings.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum GranularityArg {
    /// Near-duplicate documents only.
    Documents,
    /// Repeated paragraphs only.
    Paragraphs,
    /// Both.
    All,
}

/// Finding kinds that `--check` fails on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Near-duplicate document clusters.
    Documents,
    /// Boilerplate paragraphs.
    Boilerplate,
    /// Paragraphs reprinted in a few documents.
    Reprinted,
    /// Paragraphs repeated within one document.
    WithinDocument,
    /// Documents that hold their article twice.
    Doubled,
    /// Documents derived from another (passage-level reuse links).
    Derived,
}

/// Where options come from besides the command line.
#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Read options from this TOML file (keys are long flag names, such as
    /// `threshold = 0.7` or `fail-on = ["documents"]`); flags given on the
    /// command line win. Default: `reprint.toml` in the first PATH (a
    /// directory) or beside it (a file), when there is one.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Do not read any `reprint.toml`.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
}

/// Arguments of `reprint scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Directories, files (.txt, .md, .jsonl, .ndjson), or `-` for standard input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub config: ConfigArgs,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub matching: MatchArgs,
    #[command(flatten)]
    pub paragraphs: ParagraphArgs,
    /// Report format.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Colour the text report: `auto` on a terminal unless NO_COLOR is set.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto, value_name = "WHEN")]
    pub color: ColorArg,
    /// Exit with status 1 when any finding of the --fail-on kinds is made (for CI).
    #[arg(long)]
    pub check: bool,
    /// Finding kinds that make --check fail (comma-separated; default: all).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "KINDS")]
    pub fail_on: Vec<FailOn>,
    /// Print the chosen LSH bands and rows and per-stage counts on standard error.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Do not print input warnings on standard error (they stay in the report).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Fail on any input problem: a skipped file or record, or a warning,
    /// ends the scan with status 2 and no report (the problems are printed).
    #[arg(long)]
    pub strict: bool,
    /// Memory for the verification sets of documents (and, in turn, of
    /// paragraphs) held at once, in MiB (default 512). Past it, candidates
    /// are verified in waves and read again as needed: slower, never a
    /// different result.
    #[arg(long, value_name = "MIB", value_parser = clap::value_parser!(u64).range(1..))]
    pub set_budget: Option<u64>,
    /// Memory for paragraph clusters and reuse links held until the report
    /// is written, in MiB (default 256). Past it, findings wait in a
    /// temporary file and are written from there one at a time: never a
    /// different report. 0 puts every one in the file.
    #[arg(long, value_name = "MIB")]
    pub findings_budget: Option<u64>,
}

/// Arguments of `reprint eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// A JSON Lines corpus whose records carry a ground-truth label.
    #[arg(value_name = "LABELS.jsonl")]
    pub labels: PathBuf,
    /// The field holding each record's cluster label (null = unique).
    #[arg(long, default_value = "cluster", value_name = "FIELD")]
    pub label_field: String,
    /// Also compute every pair with exact Jaccard ≥ the threshold (prefix
    /// filtering) and report the share of them that the scan put together.
    #[arg(long)]
    pub exact: bool,
    /// Score the reuse links against labelled derivations: a tab-separated
    /// file of story id, source id and label (wholly / partially / non,
    /// `_derived` suffixes accepted; one header line allowed).
    #[arg(long, value_name = "PAIRS.tsv")]
    pub reuse_pairs: Option<PathBuf>,
    /// With --reuse-pairs: JSON Lines of word spans per story
    /// (`{"id", "spans": [{"type": "verbatim"|"rewrite"|"new", "text"}]}`):
    /// how much of each kind the aligned passages cover.
    #[arg(long, value_name = "SPANS.jsonl")]
    pub reuse_spans: Option<PathBuf>,
    #[command(flatten)]
    pub reuse: ReuseArgs,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub matching: MatchArgs,
}

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Human-readable text.
    Text,
    /// One JSON object (schema in the README).
    Json,
    /// JSON Lines: a head line, then one line per issue and finding, to read
    /// a large report one finding at a time (see the README).
    Jsonl,
    /// One self-contained HTML page: findings, and texts side by side with
    /// shared passages marked (use with -o report.html).
    Html,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
