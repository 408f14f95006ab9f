//! The findings of a check: one per checked document (or paragraph
//! occurrence) in each cluster, doubled document and paragraph reprint of
//! the scan of new and indexed documents, with the documents it matches.
//! Indexed members are told apart by their first-seen time, which only
//! documents held from the index have.

use std::collections::HashMap;

use crate::index::{self, Record, Stored};
use crate::input::Meta;
use crate::paragraph::Kind;
use crate::report::check::{Finding, FindingKind, Match, Status, MAX_MATCHES};
use crate::report::{Member, Report};

/// A match on a whole document, without scores; indexed when it has a
/// first-seen time.
fn meta_match(doc: &str, path: &str, line: u64, first_seen: Option<&str>, meta: &Meta) -> Match {
    Match {
        doc: doc.to_string(),
        path: path.to_string(),
        line,
        indexed: first_seen.is_some(),
        first_seen: first_seen.map(str::to_string),
        meta: meta.clone(),
        jaccard: None,
        containment: None,
        start_line: None,
    }
}

fn member_match(m: &Member, scores: Option<(f64, f64)>) -> Match {
    Match {
        doc: m.doc.clone(),
        path: m.path.clone(),
        line: m.line,
        indexed: m.first_seen.is_some(),
        first_seen: m.first_seen.clone(),
        meta: m.meta.clone(),
        jaccard: scores.map(|s| s.0),
        containment: scores.map(|s| s.1),
        start_line: None,
    }
}

/// Indexed first, then earliest published, then by id.
fn match_order(a: &Match, b: &Match) -> std::cmp::Ordering {
    (!a.indexed, a.first_seen.is_none(), &a.first_seen)
        .cmp(&(!b.indexed, b.first_seen.is_none(), &b.first_seen))
        .then_with(|| {
            (a.meta.date.is_none(), &a.meta.date).cmp(&(b.meta.date.is_none(), &b.meta.date))
        })
        .then_with(|| (&a.doc, &a.path, a.line).cmp(&(&b.doc, &b.path, b.line)))
}

fn describe(m: &Match) -> String {
    let mut s = format!(
        "{} `{}` ({}",
        if m.indexed { "indexed" } else { "new" },
        m.doc,
        m.origin()
    );
    if let Some(d) = &m.meta.date {
        s.push_str(&format!(", published {d}"));
    }
    if let Some(t) = &m.first_seen {
        s.push_str(&format!(", first seen {t}"));
    }
    s.push(')');
    s
}

fn truncate(mut matches: Vec<Match>) -> (Vec<Match>, usize) {
    matches.sort_by(match_order);
    let more = matches.len().saturating_sub(MAX_MATCHES);
    matches.truncate(MAX_MATCHES);
    (matches, more)
}

fn and_more(n: usize) -> String {
    match n {
        0 => String::new(),
        1 => " and 1 other document".into(),
        n => format!(" and {n} other documents"),
    }
}

/// One finding per checked document (or paragraph occurrence) in each
/// cluster, doubled document and paragraph reprint of `scan`; `records`
/// are the checked documents', `history` the indexed documents held in
/// the scan, and `is_text(path)` says whether an input is a text file
/// (its findings point at the paragraph's line, not the document's).
pub fn findings(
    scan: &Report,
    records: &[Record],
    history: &[Stored],
    is_text: &dyn Fn(&str) -> bool,
) -> Vec<Finding> {
    let by_place: HashMap<(&str, u64), &Record> = records
        .iter()
        .map(|r| ((r.path.as_str(), r.line), r))
        .collect();
    let hash_of = |path: &str, line: u64| by_place.get(&(path, line)).map(|r| r.content_hash);
    let fp = |kind: &[u8], h: Option<u64>, fallback: &str| match h {
        Some(h) => index::fingerprint(&[kind, &h.to_le_bytes()]),
        None => index::fingerprint(&[kind, fallback.as_bytes()]),
    };
    let mut out = Vec::new();

    for c in &scan.document_clusters {
        let pair: HashMap<(&str, &str), (f64, f64)> = c
            .pairs
            .iter()
            .map(|p| ((p.a.as_str(), p.b.as_str()), (p.jaccard, p.containment)))
            .collect();
        for m in c.members.iter().filter(|m| m.first_seen.is_none()) {
            let all: Vec<Match> = c
                .members
                .iter()
                .filter(|o| !std::ptr::eq(*o, m))
                .map(|o| {
                    let key = if m.doc <= o.doc {
                        (m.doc.as_str(), o.doc.as_str())
                    } else {
                        (o.doc.as_str(), m.doc.as_str())
                    };
                    member_match(o, pair.get(&key).copied())
                })
                .collect();
            let (matches, more) = truncate(all);
            let Some(best) = matches.first() else {
                continue;
            };
            let verb = if best.indexed { "copies" } else { "duplicates" };
            let mut message = format!(
                "{verb} {}{}",
                describe(best),
                and_more(matches.len() - 1 + more)
            );
            if let (Some(j), Some(k)) = (best.jaccard, best.containment) {
                message.push_str(&format!(": Jaccard {j:.2}, containment {k:.2}"));
            }
            out.push(Finding {
                status: Status::New,
                kind: FindingKind::DuplicateDocument,
                fingerprint: fp(b"document", hash_of(&m.path, m.line), &m.doc),
                doc: m.doc.clone(),
                path: m.path.clone(),
                line: m.line,
                message,
                matches,
                more_matches: more,
                cluster: Some(c.id),
            });
        }
    }

    // A paragraph match inside the document's own cluster is already said
    // by the document finding.
    let cluster_of: HashMap<(&str, u64), usize> = scan
        .document_clusters
        .iter()
        .flat_map(|c| {
            c.members
                .iter()
                .map(move |m| ((m.path.as_str(), m.line), c.id))
        })
        .collect();
    let same_cluster = |a: (&str, u64), b: (&str, u64)| {
        a != b
            && cluster_of
                .get(&a)
                .is_some_and(|x| cluster_of.get(&b) == Some(x))
    };
    for c in &scan.paragraph_clusters {
        let kind = match c.kind {
            Kind::Boilerplate => FindingKind::BoilerplateParagraph,
            Kind::Reprinted => FindingKind::ReprintedParagraph,
            Kind::WithinDocument => FindingKind::RepeatedWithinDocument,
        };
        for m in c.members.iter().filter(|m| m.first_seen.is_none()) {
            let all: Vec<Match> = c
                .members
                .iter()
                .filter(|o| !std::ptr::eq(*o, m))
                .filter(|o| !same_cluster((m.path.as_str(), m.line), (o.path.as_str(), o.line)))
                .map(|o| Match {
                    doc: o.doc.clone(),
                    path: o.path.clone(),
                    line: o.line,
                    indexed: o.first_seen.is_some(),
                    first_seen: o.first_seen.clone(),
                    meta: Meta::default(),
                    jaccard: None,
                    containment: None,
                    start_line: Some(o.start_line),
                })
                .collect();
            let (matches, more) = truncate(all);
            let Some(best) = matches.first() else {
                continue;
            };
            let hash = by_place.get(&(m.path.as_str(), m.line)).and_then(|r| {
                r.paragraphs
                    .iter()
                    .find(|p| p.0 == m.start_line)
                    .map(|p| p.2)
            });
            let place = if best.doc == m.doc && best.path == m.path && best.line == m.line {
                format!(
                    "again at line {} of the same document",
                    best.start_line.unwrap_or(0)
                )
            } else {
                format!("also in {}", describe(best))
            };
            out.push(Finding {
                status: Status::New,
                kind,
                fingerprint: fp(b"paragraph", hash, &c.excerpt),
                doc: m.doc.clone(),
                path: m.path.clone(),
                line: if is_text(&m.path) {
                    u64::from(m.start_line)
                } else {
                    m.line
                },
                message: format!(
                    "paragraph \"{}\" ({} paragraph): {place}{}",
                    m.excerpt,
                    kind.name().split('_').next().unwrap_or_default(),
                    and_more(matches.len() - 1 + more)
                ),
                matches,
                more_matches: more,
                cluster: Some(c.id),
            });
        }
    }

    for d in &scan.doubled_documents {
        out.push(Finding {
            status: Status::New,
            kind: FindingKind::DoubledDocument,
            fingerprint: fp(b"doubled", hash_of(&d.path, d.line), &d.doc),
            doc: d.doc.clone(),
            path: d.path.clone(),
            line: if is_text(&d.path) {
                u64::from(d.split_line)
            } else {
                d.line
            },
            message: format!(
                "prints its article twice: the second copy starts at line {} of the text \
                 (score {:.2}, {} shared word 4-grams)",
                d.split_line, d.score, d.shared_4grams
            ),
            matches: Vec::new(),
            more_matches: 0,
            cluster: None,
        });
    }

    let record_by_id: HashMap<&str, &Record> =
        records.iter().rev().map(|r| (r.id.as_str(), r)).collect();
    let stored_by_id: HashMap<&str, &Stored> =
        history.iter().rev().map(|s| (s.id.as_str(), s)).collect();
    for r in &scan.paragraph_reprints {
        let Some(copy) = record_by_id.get(r.doc.as_str()) else {
            continue;
        };
        let of = match (
            record_by_id.get(r.of.as_str()),
            stored_by_id.get(r.of.as_str()),
        ) {
            (_, Some(s)) => meta_match(&s.id, &s.path, s.line, Some(&s.first_seen), &s.meta),
            (Some(n), None) => meta_match(&n.id, &n.path, n.line, None, &n.meta),
            (None, None) => continue,
        };
        out.push(Finding {
            status: Status::New,
            kind: FindingKind::ParagraphReprint,
            fingerprint: fp(b"reprint", Some(copy.content_hash), &r.doc),
            doc: r.doc.clone(),
            path: copy.path.clone(),
            line: copy.line,
            message: format!(
                "{} of its {} paragraphs reappear in {}",
                r.shared_paragraphs,
                r.paragraphs,
                describe(&of)
            ),
            matches: vec![of],
            more_matches: 0,
            cluster: None,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{
        DocumentCluster, DoubledDocument, Pair, ParagraphCluster, ParagraphMember,
    };

    fn member(doc: &str, path: &str, line: u64, first_seen: Option<&str>) -> Member {
        Member {
            doc: doc.into(),
            path: path.into(),
            line,
            shingles: 100,
            jaccard: 1.0,
            containment: 1.0,
            meta: Meta::default(),
            first_seen: first_seen.map(str::to_string),
        }
    }

    fn record(id: &str, path: &str, line: u64, hash: u64) -> Record {
        Record {
            id: id.into(),
            path: path.into(),
            line,
            meta: Meta::default(),
            content_hash: hash,
            signature: Vec::new(),
            doc_keys: Vec::new(),
            paragraph_keys: Vec::new(),
            paragraphs: vec![(3, 3, 77)],
            packed_text: Vec::new(),
        }
    }

    fn stored(id: &str, path: &str) -> Stored {
        Stored {
            rowid: 1,
            id: id.into(),
            path: path.into(),
            line: 1,
            meta: Meta::default(),
            content_hash: 9,
            first_seen: "2026-11-01T00:00:00Z".into(),
            text: String::new(),
        }
    }

    fn report() -> Report {
        let mut r = Report::new(crate::pipeline::params(&crate::Config::new(Vec::new())));
        r.document_clusters.push(DocumentCluster {
            id: 1,
            size: 2,
            representative: "old".into(),
            earliest: None,
            members: vec![
                member("old", "history/a.txt", 1, Some("2026-11-01T00:00:00Z")),
                member("new", "today/b.txt", 1, None),
            ],
            pairs: vec![Pair {
                a: "new".into(),
                b: "old".into(),
                jaccard: 0.9,
                containment: 0.95,
                shared: 90,
            }],
        });
        r
    }

    #[test]
    fn a_new_copy_of_an_indexed_document_names_it_first_with_scores() {
        let r = report();
        let records = [record("new", "today/b.txt", 1, 42)];
        let out = findings(&r, &records, &[stored("old", "history/a.txt")], &|_| true);
        assert_eq!(
            out.len(),
            1,
            "the indexed member gets no finding of its own"
        );
        let f = &out[0];
        assert_eq!(f.kind, FindingKind::DuplicateDocument);
        assert_eq!((f.doc.as_str(), f.path.as_str()), ("new", "today/b.txt"));
        assert!(
            f.message.starts_with("copies indexed `old`"),
            "{}",
            f.message
        );
        assert!(f.message.contains("Jaccard 0.90"), "{}", f.message);
        assert!(f.matches[0].indexed);
        assert_eq!(f.matches[0].jaccard, Some(0.9));
        // Fingerprints are of content (the record's hash at the member's
        // place), not of ids or paths.
        let fp = index::fingerprint(&[b"document", &42u64.to_le_bytes()]);
        assert_eq!(f.fingerprint, fp);
        let other = findings(&r, &[record("new", "today/b.txt", 1, 43)], &[], &|_| true);
        assert_ne!(other[0].fingerprint, f.fingerprint);
    }

    #[test]
    fn paragraph_findings_skip_the_documents_own_cluster_and_point_at_text_lines() {
        let mut r = report();
        let pm = |doc: &str, path: &str, start: u32, seen: Option<&str>| ParagraphMember {
            doc: doc.into(),
            path: path.into(),
            line: 1,
            start_line: start,
            end_line: start,
            excerpt: "a paragraph".into(),
            first_seen: seen.map(str::to_string),
        };
        r.paragraph_clusters.push(ParagraphCluster {
            id: 1,
            kind: Kind::Boilerplate,
            documents: 3,
            occurrences: 3,
            excerpt: "a paragraph".into(),
            members: vec![
                // In the new document's own cluster: said by the document finding.
                pm("old", "history/a.txt", 3, Some("2026-11-01T00:00:00Z")),
                pm("new", "today/b.txt", 3, None),
                pm("third", "history/c.txt", 5, Some("2026-11-02T00:00:00Z")),
            ],
        });
        r.doubled_documents.push(DoubledDocument {
            doc: "new".into(),
            path: "today/b.txt".into(),
            line: 1,
            split_line: 12,
            score: 0.5,
            shared_4grams: 40,
            shared_phrases: Vec::new(),
        });
        let records = [record("new", "today/b.txt", 1, 42)];
        let out = findings(&r, &records, &[], &|p| p.ends_with(".txt"));
        let para: Vec<&Finding> = out
            .iter()
            .filter(|f| f.kind == FindingKind::BoilerplateParagraph)
            .collect();
        assert_eq!(para.len(), 1);
        assert_eq!(
            para[0].line, 3,
            "a text file's finding points at the paragraph"
        );
        assert_eq!(para[0].matches.len(), 1);
        assert_eq!(para[0].matches[0].doc, "third");
        let doubled = out
            .iter()
            .find(|f| f.kind == FindingKind::DoubledDocument)
            .expect("doubled finding");
        assert_eq!(doubled.line, 12);
        // The paragraph's fingerprint hashes the paragraph's content (77).
        let fp = index::fingerprint(&[b"paragraph", &77u64.to_le_bytes()]);
        assert_eq!(para[0].fingerprint, fp);
    }
}
