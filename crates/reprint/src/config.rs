//! Run configuration: every knob of the pipeline, as plain data.
//!
//! The CLI turns its arguments into a [`Config`] in one place
//! (`src/cli/mod.rs`); the engine only ever sees this type. Every field that
//! changes results is echoed in the report's `params`, so a report says how
//! it was made.

use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::input::SourceKind;
pub use crate::minhash::Sketch;
pub use crate::reuse::ReuseConfig;

/// Default word k-gram size; chosen by measurement (see README, "Choosing the defaults").
pub const DEFAULT_SHINGLE_SIZE: usize = 3;
/// Default number of MinHash permutations.
pub const DEFAULT_NUM_PERM: usize = 128;
/// Default Jaccard threshold for two documents to be duplicates.
pub const DEFAULT_THRESHOLD: f64 = 0.6;
/// Default containment threshold (share of the smaller document found in the larger).
pub const DEFAULT_CONTAINMENT: f64 = 0.8;
/// Default MinHash seed.
pub const DEFAULT_SEED: u64 = 0x5EED;
/// The normalization scheme's name, recorded in reports so a change is visible.
pub const NORMALIZATION: &str = "nfkc-lower-fold-v1";
/// The largest document size one may set, in MiB (`--max-record-mb`).
pub const MAX_RECORD_MB: std::ops::RangeInclusive<u64> = 1..=4096;

/// `--containment` as given: a number in (0, 1], or `off` / `none` to
/// disable the rule (checked by [`MatchConfig::validate`]).
pub fn parse_containment(s: &str) -> Result<Option<f64>> {
    if s.eq_ignore_ascii_case("off") || s.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    s.parse::<f64>().map(Some).map_err(|_| {
        Error::InvalidParam(format!(
            "--containment takes a number in (0, 1] or `off`, not `{s}`"
        ))
    })
}

/// `--max-record-mb` in bytes, checked against [`MAX_RECORD_MB`].
pub fn max_record_bytes(mb: u64) -> Result<usize> {
    if !MAX_RECORD_MB.contains(&mb) {
        return Err(Error::InvalidParam(format!(
            "--max-record-mb must be between {} and {}, got {mb}",
            MAX_RECORD_MB.start(),
            MAX_RECORD_MB.end()
        )));
    }
    Ok((mb << 20) as usize)
}

/// How inputs are found and read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputConfig {
    /// Extra file extensions (without the dot) read as one text document each,
    /// on top of `txt` and `md`.
    pub extra_text_exts: Vec<String>,
    /// Walk into hidden files and directories (names starting with `.`).
    pub hidden: bool,
    /// JSON Lines field holding the document text.
    pub text_field: String,
    /// JSON Lines field holding the document id.
    pub id_field: String,
    /// JSON Lines field holding a document's URL (read when present).
    pub url_field: String,
    /// JSON Lines field holding a document's headline.
    pub title_field: String,
    /// JSON Lines field holding a document's publication date.
    pub date_field: String,
    /// JSON Lines field holding the outlet that published a document.
    pub source_field: String,
    /// Read every file in this format, whatever its extension (`None`: by
    /// extension).
    pub format: Option<SourceKind>,
    /// Largest document read, in bytes: a longer JSON Lines record or a
    /// larger file is skipped (and reported) instead of held in memory.
    pub max_record_bytes: usize,
}

impl Default for InputConfig {
    fn default() -> Self {
        InputConfig {
            extra_text_exts: Vec::new(),
            hidden: false,
            text_field: "text".into(),
            id_field: "id".into(),
            url_field: "url".into(),
            title_field: "title".into(),
            date_field: "date".into(),
            source_field: "source".into(),
            format: None,
            max_record_bytes: 64 << 20,
        }
    }
}

/// Everything that decides which documents are duplicates.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchConfig {
    /// Words per shingle (k).
    pub shingle_size: usize,
    /// MinHash permutations per signature.
    pub num_perm: usize,
    /// Seed of the MinHash permutations.
    pub seed: u64,
    /// How document signatures are computed.
    pub sketch: Sketch,
    /// Jaccard similarity at or above which two documents are duplicates.
    pub threshold: f64,
    /// Containment (|A∩B| / min(|A|,|B|)) at or above which two documents are
    /// duplicates; `None` disables the containment rule.
    pub containment: Option<f64>,
    /// Explicit LSH bands; derived from the thresholds when `None`.
    pub bands: Option<usize>,
    /// Explicit LSH rows per band; derived from the thresholds when `None`.
    pub rows: Option<usize>,
    /// Never match two documents that name the same outlet (`source`).
    pub skip_same_source: bool,
    /// Only match documents published at most this many days apart (pairs
    /// with an undated member are matched as usual).
    pub window_days: Option<u32>,
}

impl Default for MatchConfig {
    fn default() -> Self {
        MatchConfig {
            shingle_size: DEFAULT_SHINGLE_SIZE,
            num_perm: DEFAULT_NUM_PERM,
            seed: DEFAULT_SEED,
            sketch: Sketch::default(),
            threshold: DEFAULT_THRESHOLD,
            containment: Some(DEFAULT_CONTAINMENT),
            bands: None,
            rows: None,
            skip_same_source: false,
            window_days: None,
        }
    }
}

impl MatchConfig {
    /// Checks ranges; the message names the flag to change.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(Error::InvalidParam(m));
        if !(1..=32).contains(&self.shingle_size) {
            return bad(format!(
                "--shingle-size must be between 1 and 32, got {}",
                self.shingle_size
            ));
        }
        if !(1..=4096).contains(&self.num_perm) {
            return bad(format!(
                "--num-perm must be between 1 and 4096, got {}",
                self.num_perm
            ));
        }
        if !(self.threshold > 0.0 && self.threshold <= 1.0) {
            return bad(format!(
                "--threshold must be in (0, 1], got {}",
                self.threshold
            ));
        }
        if let Some(c) = self.containment {
            if !(c > 0.0 && c <= 1.0) {
                return bad(format!(
                    "--containment must be in (0, 1] (or `off`), got {c}"
                ));
            }
        }
        match (self.bands, self.rows) {
            (Some(b), Some(r))
                if b == 0 || r == 0 || b.checked_mul(r).is_none_or(|p| p > self.num_perm) =>
            {
                bad(format!(
                    "--bands {b} × --rows {r} must be at least 1 and at most --num-perm ({})",
                    self.num_perm
                ))
            }
            (Some(_), None) | (None, Some(_)) => bad(
                "give both --bands and --rows, or neither (they are derived from --threshold)"
                    .into(),
            ),
            _ => Ok(()),
        }
    }
}

/// Which findings a scan looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Granularity {
    /// Whole documents only.
    Documents,
    /// Paragraphs only.
    Paragraphs,
    /// Both (the default).
    #[default]
    All,
}

impl Granularity {
    /// Whether document clusters are computed.
    pub fn documents(self) -> bool {
        self != Granularity::Paragraphs
    }
    /// Whether paragraph clusters are computed.
    pub fn paragraphs(self) -> bool {
        self != Granularity::Documents
    }
    /// Whether passage-level reuse can run (it needs both).
    pub fn reuse(self) -> bool {
        self == Granularity::All
    }
}

/// Paragraph-level matching. The Jaccard and containment rule is the
/// document rule ([`MatchConfig`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParagraphConfig {
    /// Words per paragraph shingle.
    pub shingle_size: usize,
    /// MinHash permutations per paragraph signature.
    pub num_perm: usize,
    /// Paragraphs with fewer words are kept out of matching.
    pub min_words: usize,
    /// A paragraph found in documents of at least this many unrelated groups is boilerplate.
    pub boilerplate_min_docs: usize,
}

impl Default for ParagraphConfig {
    fn default() -> Self {
        ParagraphConfig {
            shingle_size: 3,
            num_perm: 64,
            min_words: 8,
            boilerplate_min_docs: 3,
        }
    }
}

impl ParagraphConfig {
    /// Checks ranges; the message names the flag to change.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(Error::InvalidParam(m));
        if !(1..=32).contains(&self.shingle_size) {
            return bad(format!(
                "--paragraph-shingle-size must be between 1 and 32, got {}",
                self.shingle_size
            ));
        }
        if !(1..=4096).contains(&self.num_perm) {
            return bad(format!(
                "--paragraph-num-perm must be between 1 and 4096, got {}",
                self.num_perm
            ));
        }
        if self.boilerplate_min_docs < 2 {
            return bad(format!(
                "--boilerplate-min-docs must be at least 2, got {}",
                self.boilerplate_min_docs
            ));
        }
        Ok(())
    }
}

/// A full scan configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The inputs: directories, files, or `-` for standard input.
    pub paths: Vec<PathBuf>,
    /// How inputs are read.
    pub input: InputConfig,
    /// How documents are matched.
    pub matching: MatchConfig,
    /// Which findings to look for.
    pub granularity: Granularity,
    /// Paragraph-level matching.
    pub paragraphs: ParagraphConfig,
    /// Passage-level reuse between documents (runs with granularity `all`).
    pub reuse: ReuseConfig,
    /// Worker threads; `None` uses every core.
    pub threads: Option<usize>,
}

impl Config {
    /// Checks every range (matching, paragraphs, reuse, threads); the
    /// message names the flag to change. Whoever builds a `Config` from
    /// outside (the CLI, the Python package) calls this once.
    pub fn validate(&self) -> Result<()> {
        self.matching.validate()?;
        self.paragraphs.validate()?;
        self.reuse.validate()?;
        if self.threads == Some(0) {
            return Err(Error::InvalidParam("--threads must be at least 1".into()));
        }
        Ok(())
    }

    /// A configuration with default matching for the given paths.
    pub fn new(paths: Vec<PathBuf>) -> Self {
        Config {
            paths,
            input: InputConfig::default(),
            matching: MatchConfig::default(),
            granularity: Granularity::default(),
            paragraphs: ParagraphConfig::default(),
            reuse: ReuseConfig::default(),
            threads: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn containment_parsing() {
        assert_eq!(parse_containment("off").unwrap(), None);
        assert_eq!(parse_containment("NONE").unwrap(), None);
        assert_eq!(parse_containment("0.75").unwrap(), Some(0.75));
        let e = parse_containment("lots").unwrap_err().to_string();
        assert!(e.contains("--containment") && e.contains("`lots`"), "{e}");
    }

    #[test]
    fn record_size_and_threads_are_checked() {
        assert_eq!(max_record_bytes(64).unwrap(), 64 << 20);
        for mb in [0, 4097] {
            let e = max_record_bytes(mb).unwrap_err().to_string();
            assert!(e.contains("--max-record-mb"), "{e}");
        }
        let cfg = Config {
            threads: Some(0),
            ..Config::new(Vec::new())
        };
        assert!(cfg
            .validate()
            .unwrap_err()
            .to_string()
            .contains("--threads"));
        assert!(Config::new(Vec::new()).validate().is_ok());
    }
}
