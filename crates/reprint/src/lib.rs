//! # reprint
//!
//! Finds duplicated, re-syndicated and repeated text in news corpora.
//!
//! The engine is a library of phases, one module each, composed in one
//! place, [`pipeline`]:
//!
//! | phase | module | in → out |
//! |---|---|---|
//! | read | [`input`] | paths → sources → [`Document`](input::Document)s (id, origin, metadata, text), through one reader for every command |
//! | segment | [`segment`] | text → paragraphs with byte spans and line numbers |
//! | normalize | [`normalize`] | text → word hashes |
//! | shingle | [`shingle`] | word hashes → k-gram shingle hashes |
//! | sign | [`pipeline::Signer`] ([`minhash`]) | document → signature, band keys, content hash, paragraph units |
//! | bucket | [`lsh`] | band keys → candidate groups (never all pairs of a bucket) |
//! | verify | [`verify`] | candidate groups + exact shingle sets → scored edges |
//! | cluster | [`cluster`] | edges → connected components (union-find) |
//! | assemble | [`pipeline::document_clusters`] | components → clusters in the report's schema |
//! | report | [`report`] | a [`Report`] → text / JSON / HTML (scan); text / JSON / SARIF / GitHub (check), one [`Emitter`](report::Emitter) per format |
//! | index | [`index`], [`check`] | records ↔ the SQLite index; `check` against history |
//!
//! [`passage`] finds the word runs two texts share (for `explain`,
//! doubled documents and the HTML page's marks).
//!
//! [`pipeline::scan`] runs all of them: this is the whole job of
//! `reprint scan`.
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
//!
//! ## The phases, driven by hand
//!
//! An outside driver (the Python package, a Spark executor) runs the same
//! phases on documents it holds, and gets the same verified results: sign
//! each document, bucket the band keys, verify the candidate groups
//! exactly, cluster the edges, assemble the report.
//!
//! ```
//! use reprint::input::Document;
//! use reprint::pipeline::{self, DocView, Scratch, Signer};
//! use reprint::{cluster, lsh, verify, Config, Report};
//!
//! let wire = "The harbor bridge will close for six weeks of repairs starting Monday, \
//!             city engineers said, and ferries will run every twenty minutes.";
//! let docs = vec![
//!     Document::new("wire", wire),
//!     Document::new("copy", format!("{wire} Reporting by staff.")),
//!     Document::new("other", "Grain prices fell sharply on Tuesday after a record harvest."),
//! ];
//! let cfg = Config::new(Vec::new());
//!
//! // 1. Sign: a signature, one band key per band, a content hash.
//! let signer = Signer::new(&cfg);
//! let mut scratch = Scratch::default();
//! let sketches: Vec<_> = docs.iter().map(|d| signer.sketch(d, &mut scratch)).collect();
//! assert_eq!(sketches[0].signature.len(), cfg.matching.num_perm);
//!
//! // 2. Bucket: documents that share a band key are candidates.
//! let bands = sketches[0].band_keys.len();
//! let keys: Vec<u64> = sketches.iter().flat_map(|s| s.band_keys.iter().copied()).collect();
//! let groups = lsh::groups_from_keys(&keys, bands);
//! assert_eq!(groups, vec![vec![0, 1]]);
//!
//! // 3. Verify: exact Jaccard and containment of the candidates' shingle sets.
//! let sets: Vec<Vec<u64>> = docs.iter().map(|d| signer.shingle_set(&d.text, &mut scratch)).collect();
//! let rule = verify::Rule { threshold: cfg.matching.threshold, containment: cfg.matching.containment };
//! let (edges, _) = verify::verify_groups(&groups, |d| &sets[d as usize], |_, _| true, rule);
//! assert_eq!((edges[0].a, edges[0].b), (0, 1));
//!
//! // 4. Cluster: connected components of at least two documents.
//! let components = cluster::components(docs.len(), edges.iter().map(|e| (e.a, e.b)), 2);
//!
//! // 5. Assemble: clusters in the report's schema, and the report.
//! let view = |d: u32| DocView { id: &docs[d as usize].id, path: "memory", line: u64::from(d) + 1, meta: None, first_seen: None };
//! let (document_clusters, _) = pipeline::document_clusters(view, &sets, &edges, components);
//! let report = Report { document_clusters, ..Report::new(pipeline::params(&cfg)) };
//! assert_eq!(report.document_clusters[0].representative, "copy");
//! assert_eq!(report.document_clusters[0].members[1].doc, "wire");
//! ```
//!
//! [`eval`] scores a scan against ground-truth labels, and [`exact`] finds
//! all pairs above a Jaccard threshold without approximation (the yardstick
//! for LSH recall); [`explain`] says why two documents match; [`extract`]
//! hands out every document of the inputs as matching sees it.

#![warn(missing_docs)]

pub mod align;
pub mod check;
pub mod cluster;
pub mod config;
pub mod doubled;
pub mod error;
pub mod eval;
pub mod exact;
pub mod explain;
pub mod extract;
pub mod index;
pub mod input;
pub mod lsh;
pub mod minhash;
pub mod normalize;
pub mod paragraph;
pub mod passage;
pub mod pipeline;
pub mod report;
pub mod reuse;
pub mod segment;
pub mod shingle;
mod spill;
pub mod verify;

#[cfg(test)]
mod test_rng;

pub use config::{Config, InputConfig, MatchConfig};
pub use error::{Error, Result};
pub use report::{Format, Report};
