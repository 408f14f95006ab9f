//! Baselines: findings accepted once, by fingerprint, that no longer fail
//! a check.

use std::collections::{BTreeSet, HashSet};
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::report::check::CheckReport;

/// Accepted findings, by fingerprint.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Baseline {
    /// Always 1.
    pub version: u32,
    /// The accepted findings (only `fingerprint` is read; the rest is for people).
    pub findings: Vec<BaselineEntry>,
}

/// One accepted finding.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BaselineEntry {
    /// The finding's fingerprint.
    pub fingerprint: String,
    /// Its kind, for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The document it was first accepted for, for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// What it matched, for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Baseline {
    /// Reads a baseline file.
    pub fn read(path: &Path) -> Result<Baseline> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let b: Baseline = serde_json::from_slice(&bytes).map_err(|e| Error::Baseline {
            path: path.to_path_buf(),
            message: format!(
                "line {}: {e}; a baseline is the JSON that --write-baseline writes \
                 ({{\"version\": 1, \"findings\": [{{\"fingerprint\": \"…\"}}]}})",
                e.line()
            ),
        })?;
        if b.version != 1 {
            return Err(Error::Baseline {
                path: path.to_path_buf(),
                message: format!(
                    "has version {}; this build reads version 1 (write it again with --write-baseline)",
                    b.version
                ),
            });
        }
        Ok(b)
    }

    /// The baseline that accepts every finding of `report` (one entry per fingerprint).
    pub fn of(report: &CheckReport) -> Baseline {
        let mut seen = BTreeSet::new();
        let mut findings = Vec::new();
        for f in &report.findings {
            if seen.insert(f.fingerprint.clone()) {
                findings.push(BaselineEntry {
                    fingerprint: f.fingerprint.clone(),
                    kind: Some(f.kind.name().to_string()),
                    doc: Some(f.doc.clone()),
                    note: Some(f.message.clone()),
                });
            }
        }
        findings.sort_by(|a, b| a.fingerprint.cmp(&b.fingerprint));
        Baseline {
            version: 1,
            findings,
        }
    }

    /// Writes the baseline as pretty JSON.
    pub fn write(&self, path: &Path) -> Result<()> {
        let mut f = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
        serde_json::to_writer_pretty(&mut f, self)?;
        writeln!(f).map_err(|e| Error::io(path, e))?;
        Ok(())
    }

    pub(crate) fn fingerprints(&self) -> HashSet<&str> {
        self.findings
            .iter()
            .map(|e| e.fingerprint.as_str())
            .collect()
    }
}
