//! The findings of a check: one per checked document (or paragraph
//! occurrence) in each cluster, doubled document and paragraph reprint of
//! the scan of new and indexed documents, and one per checked document in
//! reuse links, with the documents it matches. Indexed members are told
//! apart by their first-seen time, which only documents held from the
//! index have.

use std::collections::{BTreeMap, HashMap};

use crate::error::Result;
use crate::index::{self, Record, Stored};
use crate::input::Meta;
use crate::paragraph::Kind;
use crate::report::check::{
    Finding, FindingKind, Match, ReuseMatch, ReuseRole, Status, MAX_MATCHES,
};
use crate::report::{Member, Report, ReuseLink};

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
        reuse: None,
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
        reuse: None,
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
/// cluster, doubled document and paragraph reprint of `scan`, and per
/// checked document in its reuse links; `records`
/// are the checked documents', `history` the indexed documents held in
/// the scan, and `is_text(path)` says whether an input is a text file
/// (its findings point at the paragraph's line, not the document's).
pub fn findings(
    scan: &Report,
    records: &[Record],
    history: &[Stored],
    is_text: &dyn Fn(&str) -> bool,
) -> Result<Vec<Finding>> {
    let by_place = records_by_place(records);
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
                doc: m.doc.to_string(),
                path: m.path.to_string(),
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
    for c in scan.paragraph_clusters.iter() {
        let c = c?;
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
                .filter(|o| !same_cluster((&*m.path, m.line), (&*o.path, o.line)))
                .map(|o| Match {
                    doc: o.doc.to_string(),
                    path: o.path.to_string(),
                    line: o.line,
                    indexed: o.first_seen.is_some(),
                    first_seen: o.first_seen.clone(),
                    meta: Meta::default(),
                    jaccard: None,
                    containment: None,
                    start_line: Some(o.start_line),
                    reuse: None,
                })
                .collect();
            let (matches, more) = truncate(all);
            let Some(best) = matches.first() else {
                continue;
            };
            let hash = by_place.get(&(&*m.path, m.line)).and_then(|r| {
                r.paragraphs
                    .iter()
                    .find(|p| p.0 == m.start_line)
                    .map(|p| p.2)
            });
            let place = if *best.doc == *m.doc && *best.path == *m.path && best.line == m.line {
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
                doc: m.doc.to_string(),
                path: m.path.to_string(),
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
    out.extend(reuse_findings(
        &scan.reuse.to_vec()?,
        records,
        history,
        is_text,
    ));
    Ok(out)
}

/// A reuse link seen from its checked side: the match (the other side)
/// and the first line of the passages on the checked side.
struct Seen {
    found: Match,
    first_line: u32,
}

/// One `derived_document` finding per checked document in a reuse link:
/// on the derived document when it is new, else on its new source (the
/// link is seen from there only). The matches are the other sides, its
/// sources first, then indexed first, then wholly before partially, then
/// the more covered. A text file's finding points at the first line of the
/// best link's passages.
/// The checked documents' records by where they were read (path, line).
fn records_by_place(records: &[Record]) -> HashMap<(&str, u64), &Record> {
    records
        .iter()
        .map(|r| ((r.path.as_str(), r.line), r))
        .collect()
}

fn reuse_findings(
    links: &[ReuseLink],
    records: &[Record],
    history: &[Stored],
    is_text: &dyn Fn(&str) -> bool,
) -> Vec<Finding> {
    let by_place = records_by_place(records);
    let stored_at: HashMap<(&str, &str, u64), &Stored> = history
        .iter()
        .rev()
        .map(|s| ((s.id.as_str(), s.path.as_str(), s.line), s))
        .collect();
    // The checked side (path, line, id) → the links seen from it.
    let mut seen: BTreeMap<(&str, u64, &str), Vec<Seen>> = BTreeMap::new();
    for l in links {
        let role = match (&l.first_seen, &l.source_first_seen) {
            (None, _) => ReuseRole::Source,
            (Some(_), None) => ReuseRole::Derived,
            (Some(_), Some(_)) => continue,
        };
        let derived = (l.doc.as_str(), l.path.as_str(), l.line, &l.first_seen);
        let source = (
            l.source.as_str(),
            l.source_path.as_str(),
            l.source_line,
            &l.source_first_seen,
        );
        let (me, other) = match role {
            ReuseRole::Source => (derived, source),
            ReuseRole::Derived => (source, derived),
        };
        let meta = match other.3 {
            Some(_) => stored_at
                .get(&(other.0, other.1, other.2))
                .map(|s| s.meta.clone()),
            None => by_place.get(&(other.1, other.2)).map(|r| r.meta.clone()),
        };
        let first_line = l
            .passages
            .iter()
            .map(|p| match role {
                ReuseRole::Source => p.doc_lines[0],
                ReuseRole::Derived => p.source_lines[0],
            })
            .min()
            .unwrap_or(1);
        seen.entry((me.1, me.2, me.0)).or_default().push(Seen {
            found: Match {
                reuse: Some(ReuseMatch {
                    role,
                    grade: l.grade,
                    coverage: l.coverage,
                    source_coverage: l.source_coverage,
                    passages: l.passages.len(),
                    direction_rule: l.direction_rule,
                }),
                ..meta_match(
                    other.0,
                    other.1,
                    other.2,
                    other.3.as_deref(),
                    &meta.unwrap_or_default(),
                )
            },
            first_line,
        });
    }
    let mut out = Vec::new();
    for ((path, line, doc), mut all) in seen {
        all.sort_by(|a, b| {
            let (x, y) = (&a.found, &b.found);
            let key = |m: &Match| {
                let r = m.reuse.as_ref().expect("reuse matches");
                (r.role, !m.indexed, r.grade)
            };
            key(x)
                .cmp(&key(y))
                .then_with(|| {
                    let cov = |m: &Match| m.reuse.as_ref().map_or(0.0, |r| r.coverage);
                    cov(y).total_cmp(&cov(x))
                })
                .then_with(|| match_order(x, y))
        });
        let more = all.len().saturating_sub(MAX_MATCHES);
        all.truncate(MAX_MATCHES);
        let first_line = all[0].first_line;
        let matches: Vec<Match> = all.into_iter().map(|s| s.found).collect();
        let best = &matches[0];
        let r = best.reuse.as_ref().expect("reuse matches");
        let grade = r.grade.name();
        let passages = match r.passages {
            1 => "1 aligned passage".to_string(),
            n => format!("{n} aligned passages"),
        };
        let others = and_more(matches.len() - 1 + more);
        let message = match r.role {
            ReuseRole::Source => format!(
                "derived from {}{others}: {grade}, {:.0}% of its words in {passages} \
                 ({:.0}% of the source's)",
                describe(best),
                r.coverage * 100.0,
                r.source_coverage * 100.0
            ),
            ReuseRole::Derived => format!(
                "source of {}{others}, which is {grade} derived from it: {:.0}% of that \
                 document's words in {passages} ({:.0}% of this one's)",
                describe(best),
                r.coverage * 100.0,
                r.source_coverage * 100.0
            ),
        };
        let hash = by_place.get(&(path, line)).map(|r| r.content_hash);
        let fingerprint = match hash {
            Some(h) => index::fingerprint(&[b"derived", &h.to_le_bytes()]),
            None => index::fingerprint(&[b"derived", doc.as_bytes()]),
        };
        out.push(Finding {
            status: Status::New,
            kind: FindingKind::DerivedDocument,
            fingerprint,
            doc: doc.to_string(),
            path: path.to_string(),
            line: if is_text(path) {
                u64::from(first_line)
            } else {
                line
            },
            message,
            matches,
            more_matches: more,
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
    use crate::reuse::Grade;

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
            doc_keys: Vec::new(),
            paragraph_keys: Vec::new(),
            reuse_keys: Vec::new(),
            paragraphs: vec![(3, 3, 77)],
            text: String::new(),
            packed_text: Vec::new(),
            base_hint: None,
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
        let out = findings(&r, &records, &[stored("old", "history/a.txt")], &|_| true).unwrap();
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
        let other = findings(&r, &[record("new", "today/b.txt", 1, 43)], &[], &|_| true).unwrap();
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
        let out = findings(&r, &records, &[], &|p| p.ends_with(".txt")).unwrap();
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

    fn link(doc: (&str, Option<&str>), source: (&str, Option<&str>), cov: f64) -> ReuseLink {
        let seen = |t: Option<&str>| t.map(str::to_string);
        ReuseLink {
            doc: doc.0.into(),
            path: format!("{}.txt", doc.0),
            line: 1,
            first_seen: seen(doc.1),
            source: source.0.into(),
            source_path: format!("{}.txt", source.0),
            source_line: 1,
            source_first_seen: seen(source.1),
            grade: if cov >= 0.45 {
                Grade::Wholly
            } else {
                Grade::Partially
            },
            coverage: cov,
            source_coverage: 0.25,
            direction_rule: crate::reuse::DirectionRule::Coverage,
            passages: vec![
                crate::report::ReusePassage {
                    doc_lines: [7, 8],
                    source_lines: [3, 3],
                    words: 30,
                    source_words: 30,
                    similarity: 1.0,
                    excerpt: "a passage".into(),
                },
                crate::report::ReusePassage {
                    doc_lines: [11, 11],
                    source_lines: [9, 9],
                    words: 12,
                    source_words: 12,
                    similarity: 0.9,
                    excerpt: "another".into(),
                },
            ],
        }
    }

    #[test]
    fn reuse_links_are_findings_on_their_new_side_naming_the_indexed_one() {
        const SEEN: Option<&str> = Some("2026-11-01T00:00:00Z");
        let mut r = report();
        r.reuse = vec![
            // A new document derived from an indexed one.
            link(("new", None), ("old", SEEN), 0.6),
            // An indexed document derived from a new one: seen from the new one.
            link(("old2", SEEN), ("src", None), 0.35),
            // Both indexed: not a finding.
            link(("old3", SEEN), ("old", SEEN), 0.9),
            // Both new: a finding on the derived one only.
            link(("copy", None), ("src", None), 0.5),
        ]
        .into();
        let mut old = stored("old", "old.txt");
        old.meta.date = Some("2026-10-30T00:00:00Z".into());
        let records = [
            record("new", "new.txt", 1, 42),
            record("src", "src.txt", 1, 43),
            record("copy", "copy.txt", 1, 44),
        ];
        let out = findings(&r, &records, &[old], &|_| true).unwrap();
        let derived: Vec<&Finding> = out
            .iter()
            .filter(|f| f.kind == FindingKind::DerivedDocument)
            .collect();
        let docs: Vec<&str> = derived.iter().map(|f| f.doc.as_str()).collect();
        assert_eq!(docs, ["copy", "new", "src"]);
        let f = derived[1];
        assert_eq!(
            (f.path.as_str(), f.line),
            ("new.txt", 7),
            "the first passage's line"
        );
        assert!(
            f.message.starts_with("derived from indexed `old` (old.txt:1, published 2026-10-30T00:00:00Z, first seen 2026-11-01T00:00:00Z): wholly, 60% of its words in 2 aligned passages"),
            "{}",
            f.message
        );
        let m = &f.matches[0];
        assert!(m.indexed);
        let reuse = m.reuse.as_ref().unwrap();
        assert_eq!(
            (reuse.role, reuse.grade, reuse.passages),
            (ReuseRole::Source, Grade::Wholly, 2)
        );
        assert_eq!(
            f.fingerprint,
            index::fingerprint(&[b"derived", &42u64.to_le_bytes()])
        );
        // The new source of an indexed derived document: its lines are the source side's.
        let s = derived[2];
        assert_eq!(s.line, 3);
        assert!(
            s.message.starts_with("source of indexed `old2`"),
            "{}",
            s.message
        );
        assert_eq!(
            s.matches.len(),
            1,
            "the link with the new copy is the copy's finding"
        );
        assert_eq!(
            s.matches[0].reuse.as_ref().unwrap().role,
            ReuseRole::Derived
        );
        // Not a text file: the document's own line.
        let out = findings(&r, &records, &[], &|_| false).unwrap();
        assert!(out.iter().all(|f| f.line == 1));
    }
}
