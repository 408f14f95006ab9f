//! # reprint
//!
//! Finds duplicated, re-syndicated and repeated text in news corpora.
//!
//! The engine is a pipeline of stages, one module each, joined only in
//! [`pipeline`]:
//!
//! | stage | module | in → out |
//! |---|---|---|
//! | input | [`input`] | paths → sources → documents (id, locator, text) |
//! | normalize | [`normalize`] | text → word hashes |
//! | shingle | [`shingle`] | word hashes → k-gram shingle hashes |
//! | minhash | [`minhash`] | shingles → signatures in one flat matrix |
//! | lsh | [`lsh`] | signatures → candidate groups (buckets) |
//! | verify | [`verify`] | candidate groups + exact shingle sets → verified pairs |
//! | cluster | [`cluster`] | verified pairs → clusters (union-find) |
//! | report | [`report`] | report data → text / JSON / HTML (scan); text / JSON / SARIF / GitHub (check) |
//!
//! [`segment`] splits a document into paragraphs with byte spans and line
//! numbers; paragraph-level matching will build on it. [`passage`] finds the
//! word runs two texts share (for `explain`, doubled documents and the HTML
//! page's marks).
//!
//! [`eval`] scores a scan against ground-truth labels, and [`exact`] finds
//! all pairs above a Jaccard threshold without approximation (the yardstick
//! for LSH recall).
//!
//! ```
//! use reprint::{Config, pipeline::{scan, ScanOptions}};
//!
//! let dir = tempfile::tempdir().unwrap();
//! let story = "The harbor bridge will close for six weeks of repairs starting Monday, \
//!              city engineers said, and ferries will run every twenty minutes.";
//! std::fs::write(dir.path().join("wire.txt"), story).unwrap();
//! std::fs::write(dir.path().join("copy.txt"), format!("{story} Reporting by staff.")).unwrap();
//! std::fs::write(dir.path().join("other.txt"), "Grain prices fell sharply on Tuesday.").unwrap();
//!
//! let outcome = scan(&Config::new(vec![dir.path().to_path_buf()]), ScanOptions::default()).unwrap();
//! let clusters = &outcome.report.document_clusters;
//! assert_eq!(clusters.len(), 1);
//! assert_eq!(clusters[0].size, 2);
//! ```

#![warn(missing_docs)]

pub mod check;
pub mod cluster;
pub mod config;
pub mod doubled;
pub mod error;
pub mod eval;
pub mod exact;
pub mod explain;
pub mod index;
pub mod input;
pub mod lsh;
pub mod minhash;
pub mod normalize;
pub mod paragraph;
pub mod passage;
pub mod pipeline;
pub mod report;
pub mod segment;
pub mod shingle;
pub mod verify;

pub use config::{Config, InputConfig, MatchConfig};
pub use error::{Error, Result};
pub use report::{Format, Report};
