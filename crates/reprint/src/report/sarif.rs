//! SARIF 2.1.0 output of a check, as typed structs: one rule per finding
//! kind, one result per finding, located at the checked document's file
//! and line, with a partial fingerprint that code-scanning tools use to
//! track the same finding across runs. Baseline findings carry an
//! external suppression and `baselineState: unchanged`.

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;

use super::emitter::Emitter;
use super::model::check::{CheckReport, Finding, FindingKind, ReuseRole, Status};
use crate::error::Result;

/// Writes a check report as SARIF 2.1.0.
#[derive(Debug, Clone, Copy, Default)]
pub struct SarifEmitter;

impl Emitter<CheckReport> for SarifEmitter {
    fn emit(&self, report: &CheckReport, out: &mut dyn Write) -> Result<()> {
        write_sarif(report, out)
    }
}

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// A SARIF log.
#[derive(Debug, Serialize)]
pub struct SarifLog {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Debug, Serialize)]
struct Run {
    tool: SarifTool,
    #[serde(rename = "columnKind")]
    column_kind: &'static str,
    results: Vec<SarifResult>,
}

#[derive(Debug, Serialize)]
struct SarifTool {
    driver: Driver,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    rules: Vec<Rule>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: String,
    name: String,
    short_description: Text,
    full_description: Text,
    default_configuration: Configuration,
}

#[derive(Debug, Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Debug, Serialize)]
struct Text {
    text: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<RelatedLocation>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    baseline_state: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression>,
    properties: Properties,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct RelatedLocation {
    id: usize,
    physical_location: PhysicalLocation,
    message: Text,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Debug, Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u64,
}

#[derive(Debug, Serialize)]
struct Suppression {
    kind: &'static str,
    justification: &'static str,
}

#[derive(Debug, Serialize)]
struct Properties {
    doc: String,
    fingerprint: String,
}

fn rule_id(k: FindingKind) -> String {
    format!("reprint/{}", k.name())
}

/// Percent-encodes a path as a relative URI reference (`/` kept).
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.replace('\\', "/").bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn result(f: &Finding) -> SarifResult {
    let rule_index = FindingKind::ALL
        .iter()
        .position(|&k| k == f.kind)
        .expect("every kind has a rule");
    let known = f.status == Status::Known;
    // Code scanning tracks a result by rule and fingerprint: the content's
    // fingerprint plus the document, so that one boilerplate paragraph in
    // many files is many results.
    let tracked = crate::index::fingerprint(&[f.fingerprint.as_bytes(), f.doc.as_bytes()]);
    SarifResult {
        rule_id: rule_id(f.kind),
        rule_index,
        level: if known { "note" } else { "error" },
        message: Text {
            text: f.message.clone(),
        },
        locations: vec![Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation { uri: uri(&f.path) },
                region: Region {
                    start_line: f.line.max(1),
                },
            },
        }],
        related_locations: f
            .matches
            .iter()
            .enumerate()
            .map(|(i, m)| RelatedLocation {
                id: i + 1,
                physical_location: PhysicalLocation {
                    artifact_location: ArtifactLocation { uri: uri(&m.path) },
                    region: Region {
                        start_line: m.line.max(1),
                    },
                },
                message: Text {
                    text: format!(
                        "{} {}{}{}",
                        if m.indexed { "indexed" } else { "new" },
                        m.doc,
                        m.first_seen
                            .as_deref()
                            .map(|t| format!(", first seen {t}"))
                            .unwrap_or_default(),
                        m.reuse
                            .as_ref()
                            .map(|r| format!(
                                "; {}: {}, coverage {:.2}",
                                match r.role {
                                    ReuseRole::Source => "the source",
                                    ReuseRole::Derived => "derived from this document",
                                },
                                r.grade.name(),
                                r.coverage
                            ))
                            .unwrap_or_default()
                    ),
                },
            })
            .collect(),
        partial_fingerprints: BTreeMap::from([("reprintFinding/v1", tracked)]),
        baseline_state: if known { "unchanged" } else { "new" },
        suppressions: if known {
            vec![Suppression {
                kind: "external",
                justification: "listed in the reprint baseline file",
            }]
        } else {
            Vec::new()
        },
        properties: Properties {
            doc: f.doc.clone(),
            fingerprint: f.fingerprint.clone(),
        },
    }
}

/// The SARIF log of a check report.
pub fn sarif_log(report: &CheckReport) -> SarifLog {
    let rules = FindingKind::ALL
        .iter()
        .map(|&k| Rule {
            id: rule_id(k),
            name: k.name().to_string(),
            short_description: Text {
                text: k.name().replace('_', " "),
            },
            full_description: Text {
                text: k.describe().to_string(),
            },
            default_configuration: Configuration { level: "error" },
        })
        .collect();
    SarifLog {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: SarifTool {
                driver: Driver {
                    name: "reprint",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    rules,
                },
            },
            column_kind: "unicodeCodePoints",
            results: report.findings.iter().map(result).collect(),
        }],
    }
}

/// Writes a check report as SARIF 2.1.0.
pub fn write_sarif(report: &CheckReport, out: &mut dyn Write) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, &sarif_log(report))?;
    writeln!(out).map_err(serde_json::Error::io)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(uri("day 1/a#b.txt"), "day%201/a%23b.txt");
        assert_eq!(uri("dir\\x.txt"), "dir/x.txt");
        assert_eq!(uri("é.txt"), "%C3%A9.txt");
    }
}
