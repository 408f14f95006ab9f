//! One corpus, every path through the pipeline, identical findings.
//!
//! The same ~60 generated articles (several duplicate groups among unrelated
//! ones) are scanned as a directory of `.txt` files with 1 thread and with
//! 4, and as one JSON Lines file whose records carry the ids the directory
//! scan gave. The clusters — ids, members, scores and pairs — must not
//! depend on the thread count or on the input format.

mod common;

use std::collections::BTreeSet;

use common::*;
use serde_json::Value;

/// Builds the corpus: returns (doc id, text) in directory-walk order and the
/// expected duplicate groups as sets of ids.
fn corpus() -> (Vec<(String, String)>, Vec<BTreeSet<String>>) {
    // Each group: an original and the variants derived from it.
    let mut groups: Vec<Vec<Article>> = Vec::new();
    for g in 0..8u64 {
        let orig = article(100 + g);
        let s = 1000 + 10 * g;
        let variants = match g {
            0 => vec![
                exact_copy(&orig),
                trimmed_reprint(&orig, s),
                lightly_edited(&orig, s, 3),
            ],
            1 => vec![trimmed_reprint(&orig, s)],
            2 => vec![exact_copy(&orig)],
            3 => vec![lightly_edited(&orig, s, 2), lightly_edited(&orig, s + 1, 4)],
            4 => vec![trimmed_reprint(&orig, s), trimmed_reprint(&orig, s + 1)],
            5 => vec![exact_copy(&orig), exact_copy(&orig)],
            6 => vec![lightly_edited(&orig, s, 1)],
            _ => vec![trimmed_reprint(&orig, s), exact_copy(&orig)],
        };
        let mut all = vec![orig];
        all.extend(variants);
        groups.push(all);
    }
    let in_groups: usize = groups.iter().map(Vec::len).sum();
    let mut texts: Vec<(Option<usize>, String)> = groups
        .iter()
        .enumerate()
        .flat_map(|(g, arts)| arts.iter().map(move |a| (Some(g), a.text())))
        .collect();
    texts.extend((0..60 - in_groups as u64).map(|i| (None, unrelated(500 + i).text())));
    assert_eq!(texts.len(), 60);

    // Spread the documents over three folders in a scrambled order, so
    // group members are neither adjacent nor in one folder.
    let mut rng = Rng::new(7);
    for i in (1..texts.len()).rev() {
        let j = rng.range(0, i);
        texts.swap(i, j);
    }
    let folders = ["misc", "outlets", "wire"];
    let mut docs: Vec<(String, String, Option<usize>)> = texts
        .into_iter()
        .enumerate()
        .map(|(i, (g, text))| (format!("corpus/{}/doc-{i:02}.txt", folders[i % 3]), text, g))
        .collect();
    // The directory walk visits names in order at every level.
    docs.sort_by(|a, b| a.0.cmp(&b.0));

    let mut expected = vec![BTreeSet::new(); groups.len()];
    for (id, _, g) in &docs {
        if let Some(g) = g {
            expected[*g].insert(id.clone());
        }
    }
    let docs = docs.into_iter().map(|(id, text, _)| (id, text)).collect();
    (docs, expected)
}

/// The report without what legitimately varies between runs of the same
/// input: timing and thread count.
fn without_run_facts(r: &Value) -> Value {
    let mut r = r.clone();
    let stats = r["stats"].as_object_mut().expect("stats object");
    stats.remove("elapsed_ms").expect("stats.elapsed_ms");
    stats.remove("threads").expect("stats.threads");
    r
}

/// Also drops what differs between a directory and a JSON Lines file: the
/// number of input files and each member's `path` and `line`.
fn without_input_layout(r: &Value) -> Value {
    let mut r = without_run_facts(r);
    r["stats"]
        .as_object_mut()
        .unwrap()
        .remove("inputs")
        .expect("stats.inputs");
    let mut clusters: Vec<Value> = r["document_clusters"].as_array().unwrap().clone();
    clusters.extend(r["paragraph_clusters"].as_array().unwrap().iter().cloned());
    let n_doc = r["document_clusters"].as_array().unwrap().len();
    for c in clusters.iter_mut() {
        for m in c["members"].as_array_mut().unwrap() {
            let m = m.as_object_mut().unwrap();
            m.remove("path").expect("member path");
            m.remove("line").expect("member line");
        }
    }
    let paragraphs = clusters.split_off(n_doc);
    r["document_clusters"] = Value::Array(clusters);
    r["paragraph_clusters"] = Value::Array(paragraphs);
    r
}

#[test]
fn directory_threads_and_jsonl_give_identical_clusters() {
    let (docs, expected) = corpus();
    let env = TestEnv::new();
    let mut feed = String::new();
    for (id, text) in &docs {
        env.write(id, text);
        feed.push_str(&record(id, text));
    }
    env.write("feed/all.jsonl", feed);

    let (run, one) = env.scan_json(&["corpus", "--threads", "1"]);
    run.expect_code(0);
    let (run, four) = env.scan_json(&["corpus", "--threads", "4"]);
    run.expect_code(0);
    let (run, jsonl) = env.scan_json(&["feed/all.jsonl", "--threads", "2"]);
    run.expect_code(0);

    // The runs really differ in the ways the comparison ignores.
    assert_eq!(stat(&one, "threads"), 1);
    assert_eq!(stat(&four, "threads"), 4);
    assert_eq!(stat(&one, "inputs"), 60);
    assert_eq!(stat(&jsonl, "inputs"), 1);
    assert_eq!(stat(&jsonl, "documents"), 60);

    // The findings are the intended ones, so the comparison is not between
    // empty reports.
    let mut found = cluster_sets(&one);
    found.sort();
    let mut want = expected.clone();
    want.sort();
    assert_eq!(found, want, "{one:#}");
    assert_eq!(stat(&one, "documents_in_clusters"), 22);
    assert!(stat(&one, "paragraph_clusters") > 0, "{one:#}");

    let first = &one["document_clusters"][0];
    let m = &first["members"][0];
    let id = m["doc"].as_str().unwrap();
    assert_eq!(m["path"], id);
    let jm = member(&jsonl, id).expect("same member in the JSONL run");
    assert_eq!(jm["path"], "feed/all.jsonl");
    let line = docs.iter().position(|(d, _)| d == id).unwrap() + 1;
    assert_eq!(jm["line"], line as u64);

    assert_eq!(
        without_run_facts(&one),
        without_run_facts(&four),
        "1 thread vs 4 threads"
    );
    assert_eq!(
        without_input_layout(&one),
        without_input_layout(&jsonl),
        "directory vs JSON Lines"
    );
}
