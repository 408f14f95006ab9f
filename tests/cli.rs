//! CLI integration tests: the `reprint` binary on small temporary corpora.
//!
//! Each test builds its corpus with the harness in `tests/common`, runs
//! `reprint scan` from the corpus root (so ids are paths like
//! `docs/original.txt`), and checks the report, standard error and the exit
//! status (0 clean, 1 duplicates with `--check`, 2 error).

mod common;

use common::*;
use serde_json::Value;

/// The basic corpus: an original, its exact copy, a trimmed reprint with a
/// new headline, and three unrelated articles.
fn basic_corpus() -> TestEnv {
    let orig = article(1);
    TestEnv::with_files(&[
        ("docs/original.txt", orig.text()),
        ("docs/copy.txt", exact_copy(&orig).text()),
        ("docs/trimmed.txt", trimmed_reprint(&orig, 2).text()),
        ("docs/other-1.txt", unrelated(1).text()),
        ("docs/other-2.txt", unrelated(2).text()),
        ("docs/other-3.txt", unrelated(3).text()),
    ])
}

const DUPES: [&str; 3] = ["docs/copy.txt", "docs/original.txt", "docs/trimmed.txt"];
const OTHERS: [&str; 3] = ["docs/other-1.txt", "docs/other-2.txt", "docs/other-3.txt"];

/// A corpus of unrelated articles only.
fn clean_corpus() -> TestEnv {
    TestEnv::with_files(&[
        ("docs/a.txt", unrelated(10).text()),
        ("docs/b.txt", unrelated(11).text()),
        ("docs/c.txt", unrelated(12).text()),
    ])
}

// ---------------------------------------------------------------------------
// Finding duplicates
// ---------------------------------------------------------------------------

#[test]
fn generated_articles_have_the_intended_shape() {
    // Guards the generator the other tests rely on.
    let a = article(1);
    let n = a.word_count();
    assert!((250..=450).contains(&n), "article(1) has {n} words");
    assert_eq!(a.paragraphs.len(), 10);
    let t = trimmed_reprint(&a, 2);
    assert_eq!(t.paragraphs[..], a.paragraphs[..8]);
    assert_ne!(t.headline, a.headline);
    assert_eq!(exact_copy(&a).text(), a.text());
    assert_eq!(article(1), a, "the generator is deterministic");
    assert_ne!(unrelated(1).text(), a.text());
}

#[test]
fn scan_finds_original_exact_copy_and_trimmed_reprint_as_one_cluster() {
    let env = basic_corpus();
    let (run, r) = env.scan_json(&["docs"]);
    run.expect_code(0);

    assert_eq!(cluster_sets(&r), vec![set_of(&DUPES)], "{r:#}");
    assert_eq!(stat(&r, "documents"), 6);
    assert_eq!(stat(&r, "clusters"), 1);
    assert_eq!(stat(&r, "documents_in_clusters"), 3);

    let c = &r["document_clusters"][0];
    assert_eq!(c["id"], 1);
    assert_eq!(c["size"], 3);
    let rep = c["representative"].as_str().unwrap();
    assert!(
        rep == "docs/original.txt" || rep == "docs/copy.txt",
        "the representative is a complete version, got {rep}"
    );
    assert_eq!(
        c["members"][0]["doc"], rep,
        "the representative comes first"
    );

    for m in c["members"].as_array().unwrap() {
        let doc = m["doc"].as_str().unwrap();
        unit_score(&m["jaccard"], &format!("{doc} jaccard"));
        unit_score(&m["containment"], &format!("{doc} containment"));
        assert_eq!(m["path"], doc, "a text file's path is its id");
        assert_eq!(m["line"], 1);
        assert!(m["shingles"].as_u64().unwrap() > 100, "{m}");
    }
    // The exact copy scores 1 against the representative; the trimmed
    // reprint is wholly contained but has a lower Jaccard.
    for d in ["docs/original.txt", "docs/copy.txt"] {
        assert_eq!(member(&r, d).unwrap()["jaccard"], 1.0, "{d}");
    }
    let t = member(&r, "docs/trimmed.txt").unwrap();
    let tj = unit_score(&t["jaccard"], "trimmed jaccard");
    let tc = unit_score(&t["containment"], "trimmed containment");
    assert!(tj < 0.9, "trimmed reprint jaccard {tj}");
    assert!(tc >= 0.9, "trimmed reprint containment {tc}");

    let pairs = c["pairs"].as_array().unwrap();
    assert!(pairs.len() >= 2, "3 members need at least 2 pairs: {c:#}");
    for p in pairs {
        let (a, b) = (p["a"].as_str().unwrap(), p["b"].as_str().unwrap());
        assert!(a < b, "pair ids are ordered: {p}");
        assert!(DUPES.contains(&a) && DUPES.contains(&b), "{p}");
        unit_score(&p["jaccard"], "pair jaccard");
        unit_score(&p["containment"], "pair containment");
        assert!(p["shared"].as_u64().unwrap() > 100, "{p}");
    }

    let clustered = clustered_docs(&r);
    for o in OTHERS {
        assert!(!clustered.contains(o), "{o} is unrelated but clustered");
    }
}

#[test]
fn both_sketches_find_the_same_cluster() {
    let env = basic_corpus();
    for sketch in ["one-permutation", "permutations"] {
        let (run, r) = env.scan_json(&["docs", "--sketch", sketch]);
        run.expect_code(0);
        assert_eq!(r["params"]["sketch"], sketch);
        assert_eq!(cluster_sets(&r), vec![set_of(&DUPES)], "{sketch}: {r:#}");
    }
}

#[test]
fn the_containment_rule_is_what_catches_the_trimmed_reprint() {
    // A Jaccard threshold the trimmed reprint cannot reach, so only the
    // containment rule can put it in the cluster.
    let env = basic_corpus();
    let strict = ["docs", "--shingle-size", "5", "--threshold", "0.9"];

    let (run, r) = env.scan_json(&[&strict[..], &["--containment", "0.9"]].concat());
    run.expect_code(0);
    assert_eq!(r["params"]["containment"], 0.9);
    assert_eq!(cluster_sets(&r), vec![set_of(&DUPES)], "{r:#}");

    let (run, r) = env.scan_json(&[&strict[..], &["--containment", "off"]].concat());
    run.expect_code(0);
    assert_eq!(r["params"]["containment"], Value::Null);
    assert_eq!(
        cluster_sets(&r),
        vec![set_of(&["docs/copy.txt", "docs/original.txt"])],
        "{r:#}"
    );
}

#[test]
fn json_report_field_names_are_the_documented_schema() {
    let env = basic_corpus();
    // Explicit parameters, so the test checks that `params` echoes them
    // whatever the defaults are.
    let (run, r) = env.scan_json(&[
        "docs",
        "--shingle-size",
        "4",
        "--num-perm",
        "96",
        "--seed",
        "42",
        "--threshold",
        "0.75",
        "--containment",
        "0.85",
        "--bands",
        "24",
        "--rows",
        "4",
    ]);
    run.expect_code(0);

    assert_keys(
        &r,
        &[
            "version",
            "tool",
            "params",
            "stats",
            "issues",
            "document_clusters",
            "paragraph_clusters",
            "paragraph_reprints",
            "doubled_documents",
        ],
        "report",
    );
    assert_eq!(r["version"], 1);
    assert_eq!(r["tool"]["name"], "reprint");
    assert!(r["tool"]["version"].is_string());

    let p = &r["params"];
    assert_keys(
        p,
        &[
            "shingle_size",
            "num_perm",
            "seed",
            "sketch",
            "threshold",
            "containment",
            "same_source",
            "window_days",
            "lsh_threshold",
            "bands",
            "rows",
            "normalization",
            "granularity",
            "paragraph_shingle_size",
            "paragraph_num_perm",
            "min_paragraph_words",
            "boilerplate_min_docs",
            "paragraph_bands",
            "paragraph_rows",
        ],
        "params",
    );
    assert_eq!(p["shingle_size"], 4);
    assert_eq!(p["num_perm"], 96);
    assert_eq!(p["seed"], 42);
    assert_eq!(p["sketch"], "one-permutation");
    assert_eq!(p["threshold"], 0.75);
    assert_eq!(p["containment"], 0.85);
    assert_eq!(p["bands"], 24);
    assert_eq!(p["rows"], 4);
    assert_eq!(p["same_source"], "match");
    assert_eq!(p["window_days"], Value::Null);
    assert!(p["normalization"].as_str().is_some_and(|n| !n.is_empty()));
    unit_score(&p["lsh_threshold"], "lsh_threshold");

    assert_keys(
        &r["stats"],
        &[
            "inputs",
            "documents",
            "empty_documents",
            "clusters",
            "documents_in_clusters",
            "paragraphs",
            "paragraph_clusters",
            "paragraph_reprints",
            "doubled_documents",
            "skipped_inputs",
            "skipped_records",
            "warnings",
            "ignored_files",
            "bytes",
            "candidate_groups",
            "compared_pairs",
            "verified_pairs",
            "threads",
            "elapsed_ms",
        ],
        "stats",
    );
    assert_eq!(stat(&r, "inputs"), 6);
    assert_eq!(stat(&r, "skipped_inputs"), 0);
    assert_eq!(stat(&r, "skipped_records"), 0);
    assert_eq!(stat(&r, "warnings"), 0);
    assert_eq!(r["issues"], Value::Array(vec![]));

    let c = &r["document_clusters"][0];
    assert_keys(
        c,
        &["id", "size", "representative", "members", "pairs"],
        "cluster",
    );
    assert_keys(
        &c["members"][0],
        &["doc", "path", "line", "shingles", "jaccard", "containment"],
        "member",
    );
    assert_keys(
        &c["pairs"][0],
        &["a", "b", "jaccard", "containment", "shared"],
        "pair",
    );
}

// ---------------------------------------------------------------------------
// Exit status and argument errors
// ---------------------------------------------------------------------------

#[test]
fn exit_0_when_duplicates_are_found_without_check() {
    let env = basic_corpus();
    let run = env.scan(&["docs"]);
    run.expect_code(0);
    assert!(run.stdout.contains("1 cluster,"), "{run}");
}

#[test]
fn exit_1_with_check_when_duplicates_exist() {
    let env = basic_corpus();
    let (run, r) = env.scan_json(&["docs", "--check"]);
    run.expect_code(1);
    assert_eq!(stat(&r, "clusters"), 1, "the report is still written");
}

#[test]
fn exit_0_with_check_when_there_are_no_duplicates() {
    let env = clean_corpus();
    let (run, r) = env.scan_json(&["docs", "--check"]);
    run.expect_code(0);
    assert_eq!(stat(&r, "documents"), 3);
    assert_eq!(stat(&r, "clusters"), 0);
}

#[test]
fn exit_2_for_a_path_that_does_not_exist() {
    let env = clean_corpus();
    let run = env.scan(&["docs", "no-such-dir"]);
    run.expect_code(2);
    assert!(run.stderr.contains("no-such-dir"), "{run}");
    assert!(run.stdout.is_empty(), "no report for a bad PATH: {run}");
}

#[test]
fn exit_2_for_a_threshold_out_of_range() {
    let env = clean_corpus();
    let run = env.scan(&["docs", "--threshold", "1.5"]);
    run.expect_code(2);
    assert!(run.stderr.contains("--threshold"), "{run}");
    assert!(run.stdout.is_empty(), "{run}");
}

#[test]
fn exit_2_for_a_containment_that_is_not_a_number() {
    let env = clean_corpus();
    let run = env.scan(&["docs", "--containment", "lots"]);
    run.expect_code(2);
    assert!(run.stderr.contains("lots"), "{run}");
    assert!(run.stdout.is_empty(), "{run}");
}

#[test]
fn exit_2_for_bands_without_rows() {
    let env = clean_corpus();
    let run = env.scan(&["docs", "--bands", "16"]);
    run.expect_code(2);
    assert!(run.stderr.contains("--rows"), "{run}");
    assert!(run.stdout.is_empty(), "{run}");
}

// ---------------------------------------------------------------------------
// Problem inputs: reported with their name, counted, the scan goes on
// ---------------------------------------------------------------------------

#[test]
fn a_binary_txt_file_is_skipped_counted_and_makes_exit_2() {
    let env = basic_corpus();
    let mut blob = b"PK\x03\x04".to_vec();
    blob.extend_from_slice(&[0u8; 64]);
    blob.extend_from_slice(article(1).text().as_bytes());
    env.write("docs/blob.txt", blob);

    let (run, r) = env.scan_json(&["docs"]);
    run.expect_code(2);
    assert!(run.stderr.contains("docs/blob.txt"), "{run}");
    assert_eq!(stat(&r, "skipped_inputs"), 1);
    assert_eq!(stat(&r, "documents"), 6, "the other files are scanned");
    assert_eq!(cluster_sets(&r), vec![set_of(&DUPES)]);
    let issues = r["issues"].as_array().unwrap();
    assert_eq!(issues.len(), 1, "{r:#}");
    assert_eq!(issues[0]["path"], "docs/blob.txt");
    assert_eq!(issues[0]["kind"], "skipped");
}

#[test]
fn invalid_utf8_is_read_lossily_with_one_warning_and_exit_0() {
    let env = clean_corpus();
    let orig = article(5);
    env.write("docs/original.txt", orig.text());
    let mut bytes = orig.text().into_bytes();
    bytes.extend_from_slice(b"\nCaf\xe9 au lait \xff\xfe.\n");
    env.write("docs/latin1.txt", bytes);

    let (run, r) = env.scan_json(&["docs"]);
    run.expect_code(0);
    assert!(run.stderr.contains("docs/latin1.txt"), "{run}");
    assert!(run.stderr.contains("warning"), "{run}");
    assert_eq!(stat(&r, "warnings"), 1);
    assert_eq!(stat(&r, "skipped_inputs"), 0);
    assert_eq!(stat(&r, "documents"), 5);
    // It was read: it matches the clean original.
    assert_eq!(
        cluster_sets(&r),
        vec![set_of(&["docs/latin1.txt", "docs/original.txt"])]
    );
    assert_eq!(r["issues"][0]["path"], "docs/latin1.txt");
    assert_eq!(r["issues"][0]["kind"], "warning");
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_reported_and_counted() {
    use std::os::unix::fs::PermissionsExt;

    let env = basic_corpus();
    let locked = env.write("docs/locked.txt", unrelated(9).text());
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&locked).is_ok() {
        eprintln!("skipped: this user (root?) can read a mode-000 file");
        return;
    }
    let (run, r) = env.scan_json(&["docs"]);
    // Let the temp dir be removed whatever happens.
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o644)).unwrap();
    run.expect_code(2);
    assert!(run.stderr.contains("docs/locked.txt"), "{run}");
    assert_eq!(stat(&r, "skipped_inputs"), 1);
    assert_eq!(stat(&r, "documents"), 6);
    assert_eq!(r["issues"][0]["path"], "docs/locked.txt");
    assert_eq!(cluster_sets(&r), vec![set_of(&DUPES)]);
}

/// Runs as root too: a `.txt` entry whose target is gone cannot be read.
#[cfg(unix)]
#[test]
fn a_dangling_symlink_is_reported_and_counted() {
    let env = basic_corpus();
    std::os::unix::fs::symlink(env.path("nowhere/gone.txt"), env.path("docs/gone.txt")).unwrap();
    let (run, r) = env.scan_json(&["docs"]);
    run.expect_code(2);
    assert!(run.stderr.contains("docs/gone.txt"), "{run}");
    assert_eq!(stat(&r, "skipped_inputs"), 1);
    assert_eq!(stat(&r, "documents"), 6);
    assert_eq!(cluster_sets(&r), vec![set_of(&DUPES)]);
}

// ---------------------------------------------------------------------------
// JSON Lines and standard input
// ---------------------------------------------------------------------------

#[test]
fn jsonl_ids_missing_ids_and_a_malformed_line() {
    let a = article(20);
    let u = unrelated(20);
    let feed = [
        record("a", &a.text()),
        record("b", &exact_copy(&a).text()),
        jsonl_line(&[("text", Value::from(trimmed_reprint(&a, 21).text()))]),
        "{\"id\": \"broken\", \"text\": \"unterminated\n".to_string(),
        record("u1", &u.text()),
        jsonl_line(&[("id", Value::from(7)), ("text", Value::from(u.text()))]),
        record("lonely", &unrelated(21).text()),
    ]
    .concat();
    let env = TestEnv::with_files(&[("docs/feed.jsonl", feed)]);

    let (run, r) = env.scan_json(&["docs"]);
    run.expect_code(2);
    assert!(run.stderr.contains("docs/feed.jsonl:4"), "{run}");
    assert_eq!(stat(&r, "skipped_records"), 1);
    assert_eq!(stat(&r, "skipped_inputs"), 0);
    assert_eq!(stat(&r, "inputs"), 1);
    assert_eq!(
        stat(&r, "documents"),
        6,
        "the lines after the bad one count"
    );
    assert_keys(
        &r["issues"][0],
        &["path", "line", "kind", "message"],
        "issue",
    );
    assert_eq!(r["issues"][0]["path"], "docs/feed.jsonl");
    assert_eq!(r["issues"][0]["line"], 4);
    assert_eq!(r["issues"][0]["kind"], "skipped");

    assert_eq!(
        cluster_sets(&r),
        vec![
            set_of(&["a", "b", "docs/feed.jsonl:3"]),
            set_of(&["7", "u1"]),
        ],
        "{r:#}"
    );
    let m = member(&r, "docs/feed.jsonl:3").unwrap();
    assert_eq!(m["path"], "docs/feed.jsonl");
    assert_eq!(m["line"], 3);
    assert_eq!(member(&r, "7").unwrap()["line"], 6);
}

#[test]
fn jsonl_text_and_id_fields_can_be_renamed() {
    let a = article(30);
    let rec = |url: &str, body: &str| {
        jsonl_line(&[
            ("url", Value::from(url)),
            ("body", Value::from(body)),
            ("id", Value::from(0)),
        ])
    };
    let feed = [
        rec("https://x.test/1", &a.text()),
        rec("https://y.test/2", &trimmed_reprint(&a, 31).text()),
        rec("https://z.test/3", &unrelated(30).text()),
    ]
    .concat();
    let env = TestEnv::with_files(&[("feed.ndjson", feed)]);

    // With the default field names no record has a `text`.
    let (run, r) = env.scan_json(&["feed.ndjson"]);
    run.expect_code(2);
    assert_eq!(stat(&r, "skipped_records"), 3, "{run}");
    assert!(run.stderr.contains("--text-field"), "{run}");

    let (run, r) = env.scan_json(&["feed.ndjson", "--text-field", "body", "--id-field", "url"]);
    run.expect_code(0);
    assert_eq!(stat(&r, "documents"), 3);
    assert_eq!(
        cluster_sets(&r),
        vec![set_of(&["https://x.test/1", "https://y.test/2"])]
    );
}

#[test]
fn standard_input_as_json_lines() {
    let a = article(40);
    let input = [
        record("wire", &a.text()),
        record("outlet", &trimmed_reprint(&a, 41).text()),
        jsonl_line(&[("text", Value::from(exact_copy(&a).text()))]),
        record("other", &unrelated(40).text()),
    ]
    .concat();
    let env = TestEnv::new();
    let run = env.scan_stdin(&["-", "--format", "json"], input);
    run.expect_code(0);
    let r = run.json();
    assert_eq!(stat(&r, "documents"), 4);
    assert_eq!(cluster_sets(&r), vec![set_of(&["-:3", "outlet", "wire"])]);
    assert_eq!(member(&r, "wire").unwrap()["path"], "-");
}

#[test]
fn standard_input_as_one_text_document() {
    let a = article(50);
    let env = TestEnv::with_files(&[
        ("docs/wire.txt", a.text()),
        ("docs/other.txt", unrelated(50).text()),
    ]);
    let piped = trimmed_reprint(&a, 51).text();

    let run = env.scan_stdin(
        &["-", "docs", "--stdin-format", "text", "--format", "json"],
        piped.clone(),
    );
    run.expect_code(0);
    let r = run.json();
    assert_eq!(stat(&r, "documents"), 3);
    assert_eq!(cluster_sets(&r), vec![set_of(&["-", "docs/wire.txt"])]);

    // The same bytes read as JSON Lines are one malformed record.
    let run = env.scan_stdin(&["-", "docs", "--format", "json"], piped);
    run.expect_code(2);
    assert!(stat(&run.json(), "skipped_records") >= 1, "{run}");
}

// ---------------------------------------------------------------------------
// Which files are read
// ---------------------------------------------------------------------------

#[test]
fn hidden_files_and_directories_are_skipped_unless_hidden() {
    let a = article(60);
    let env = TestEnv::with_files(&[
        ("docs/visible.txt", a.text()),
        ("docs/.draft.txt", a.text()),
        ("docs/.cache/copy.txt", a.text()),
    ]);

    let (run, r) = env.scan_json(&["docs"]);
    run.expect_code(0);
    assert_eq!(stat(&r, "documents"), 1);
    assert_eq!(stat(&r, "clusters"), 0);

    let (run, r) = env.scan_json(&["docs", "--hidden"]);
    run.expect_code(0);
    assert_eq!(stat(&r, "documents"), 3);
    assert_eq!(
        cluster_sets(&r),
        vec![set_of(&[
            "docs/.cache/copy.txt",
            "docs/.draft.txt",
            "docs/visible.txt"
        ])]
    );
}

#[test]
fn other_extensions_are_ignored_unless_ext() {
    let a = article(70);
    let env = TestEnv::with_files(&[
        ("docs/story.txt", a.text()),
        ("docs/notes.md", unrelated(70).text()),
        ("docs/story.text", a.text()),
        ("docs/story.rtf", a.text()),
    ]);

    let (run, r) = env.scan_json(&["docs"]);
    run.expect_code(0);
    assert_eq!(stat(&r, "documents"), 2, ".txt and .md are read");
    assert_eq!(stat(&r, "ignored_files"), 2);
    assert_eq!(stat(&r, "clusters"), 0);

    let (run, r) = env.scan_json(&["docs", "--ext", "text"]);
    run.expect_code(0);
    assert_eq!(stat(&r, "documents"), 3);
    assert_eq!(stat(&r, "ignored_files"), 1);
    assert_eq!(
        cluster_sets(&r),
        vec![set_of(&["docs/story.text", "docs/story.txt"])]
    );
}

// ---------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------

#[test]
fn output_file_gets_the_report_and_stdout_stays_empty() {
    let env = basic_corpus();
    let run = env.scan(&["docs", "--format", "json", "-o", "report.json"]);
    run.expect_code(0);
    assert!(run.stdout.is_empty(), "{run}");
    let written = std::fs::read_to_string(env.path("report.json")).unwrap();
    let r: Value = serde_json::from_str(&written).unwrap();
    assert_eq!(r["version"], 1);
    assert_eq!(cluster_sets(&r), vec![set_of(&DUPES)]);
}

#[test]
fn text_report_has_a_summary_and_the_cluster_members() {
    let env = basic_corpus();
    let run = env.scan(&["docs"]);
    run.expect_code(0);
    let first = run.stdout.lines().next().unwrap_or_default();
    assert!(first.contains("documents scanned"), "{run}");
    assert!(first.contains("6 documents"), "{run}");
    for d in DUPES {
        assert!(run.stdout.contains(d), "{d} missing from:\n{run}");
    }
    for o in OTHERS {
        assert!(!run.stdout.contains(o), "{o} is not a duplicate:\n{run}");
    }
}

#[test]
fn verbose_prints_bands_and_rows_on_stderr() {
    let env = basic_corpus();
    let run = env.scan(&["docs", "--verbose", "--bands", "16", "--rows", "8"]);
    run.expect_code(0);
    assert!(run.stderr.contains("16 bands × 8 rows"), "{run}");
    assert!(!run.stdout.contains("bands ×"), "{run}");

    let quiet = env.scan(&["docs"]);
    assert!(!quiet.stderr.contains("bands"), "{quiet}");
}

#[test]
fn empty_and_whitespace_only_files_are_counted_not_clustered() {
    let env = TestEnv::with_files(&[
        ("docs/empty.txt", String::new()),
        ("docs/blank.txt", " \n\n\t  \r\n".to_string()),
        ("docs/punct.txt", "— … !!! ---\n".to_string()),
        ("docs/story.txt", unrelated(80).text()),
    ]);
    let (run, r) = env.scan_json(&["docs", "--check"]);
    run.expect_code(0);
    assert_eq!(stat(&r, "documents"), 4);
    assert_eq!(stat(&r, "empty_documents"), 3);
    assert_eq!(stat(&r, "clusters"), 0, "{r:#}");
}

#[test]
fn huge_bands_times_rows_is_a_usage_error_not_a_panic() {
    let env = clean_corpus();
    // 2^63 × 2 wraps to 0 in u64 arithmetic; it must still be rejected.
    let run = env.scan(&["docs", "--bands", "9223372036854775808", "--rows", "2"]);
    run.expect_code(2);
    assert!(run.stderr.contains("--num-perm"), "{run}");
    assert!(!run.stderr.contains("panicked"), "{run}");
}

#[test]
fn duplicate_jsonl_ids_are_warned_about_with_file_and_line() {
    let a = article(40);
    let feed = [
        record("same", &a.text()),
        record("same", &unrelated(41).text()),
    ]
    .concat();
    let env = TestEnv::with_files(&[("feed.jsonl", feed)]);
    let (run, r) = env.scan_json(&["feed.jsonl"]);
    run.expect_code(0);
    assert_eq!(stat(&r, "warnings"), 1, "{run}");
    assert!(run.stderr.contains("feed.jsonl:2"), "{run}");
    assert!(run.stderr.contains("`same`"), "{run}");
}

#[test]
fn output_into_a_missing_directory_fails_before_scanning() {
    let env = clean_corpus();
    let run = env.scan(&["docs", "-o", "no/such/dir/report.json"]);
    run.expect_code(2);
    assert!(run.stderr.contains("no/such/dir"), "{run}");
    assert!(run.stderr.contains("create it"), "{run}");
}

#[test]
fn a_config_file_sets_options_and_the_command_line_wins() {
    let env = TestEnv::new();
    let orig = article(61);
    env.write("day/a.txt", orig.text());
    env.write("day/b.txt", trimmed_reprint(&orig, 4).text());
    env.write(
        "day/reprint.toml",
        "# shared settings\nthreshold = 0.95\ncontainment = \"off\"\ngranularity = \"documents\"\nfail-on = [\"documents\"]\n",
    );
    // reprint.toml in the scanned root is read.
    let (run, report) = env.scan_json(&["day"]);
    run.expect_code(0);
    assert_eq!(report["params"]["threshold"], 0.95);
    assert!(report["params"]["containment"].is_null());
    assert_eq!(report["params"]["granularity"], "documents");
    assert_eq!(report["document_clusters"].as_array().unwrap().len(), 0);
    // A flag on the command line overrides the file.
    let (run, report) = env.scan_json(&["day", "--containment", "0.8"]);
    run.expect_code(0);
    assert_eq!(report["params"]["containment"], 0.8);
    assert_eq!(
        report["document_clusters"].as_array().unwrap().len(),
        1,
        "{run}"
    );
    // --no-config ignores it; --config names another.
    let (_, report) = env.scan_json(&["day", "--no-config"]);
    assert_eq!(report["params"]["threshold"], 0.6);
    env.write("other.toml", "threshold = 0.7\n");
    let (_, report) = env.scan_json(&["day", "--config", "other.toml"]);
    assert_eq!(report["params"]["threshold"], 0.7);
}

#[test]
fn config_file_mistakes_name_the_file_and_line() {
    let env = TestEnv::new();
    env.write("a.txt", article(1).text());
    for (text, says) in [
        (
            "threshold = 0.7\ntreshold = 0.9\n",
            "line 2: unknown key `treshold`",
        ),
        ("threshold = \n", "line 1:"),
        ("check = \"yes\"\n", "`check` is a switch"),
        ("threshold = \"high\"\n", "a value there is not valid"),
        ("ext = [[1]]\n", "takes a string, number or boolean"),
    ] {
        env.write("bad.toml", text);
        let run = env.scan(&["a.txt", "--config", "bad.toml"]);
        run.expect_code(2);
        assert!(
            run.stderr.contains("bad.toml") && run.stderr.contains(says),
            "{text:?}:\n{run}"
        );
    }
}

#[test]
fn completions_and_man_page_come_from_the_clap_definitions() {
    let env = TestEnv::new();
    let mut c = env.cmd();
    let out = c.args(["completions", "bash"]).output().unwrap();
    let bash = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    for word in ["scan", "check", "explain", "--threshold", "--index"] {
        assert!(bash.contains(word), "bash completion lacks {word}");
    }
    let out = env.cmd().args(["man"]).output().unwrap();
    let man = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        man.starts_with(".ie") || man.contains(".TH reprint 1"),
        "{man}"
    );
    assert!(man.contains("check") && man.contains("explain"));
}

#[test]
fn colour_only_when_asked_or_on_a_terminal_and_never_changes_the_text() {
    let root = env!("CARGO_MANIFEST_DIR");
    let run = |args: &[&str], no_color: bool| {
        let mut c = assert_cmd::Command::cargo_bin("reprint").unwrap();
        c.current_dir(root).arg("scan").arg("corpus").args(args);
        if no_color {
            c.env("NO_COLOR", "1");
        } else {
            c.env_remove("NO_COLOR");
        }
        Run::from(c.output().unwrap())
    };
    let plain = run(&["--color", "never"], false);
    let colored = run(&["--color", "always"], true);
    let piped = run(&[], false);
    assert!(!plain.stdout.contains('\x1b') && !piped.stdout.contains('\x1b'));
    assert!(colored.stdout.contains("\x1b[1;33mcluster 1"), "{colored}");
    let strip = |s: &str| {
        let mut out = String::new();
        let mut it = s.chars();
        while let Some(c) = it.next() {
            if c == '\x1b' {
                for d in it.by_ref() {
                    if d == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    };
    let drop_time = |s: &str| s.lines().skip(1).collect::<Vec<_>>().join("\n");
    assert_eq!(drop_time(&strip(&colored.stdout)), drop_time(&plain.stdout));
    // No progress line when standard error is not a terminal.
    assert!(!piped.stderr.contains("documents signed"), "{piped}");
}

/// The JSON data embedded in an HTML report.
fn html_data(page: &str) -> Value {
    let open = r#"<script id="data" type="application/json">"#;
    let start = page.find(open).expect("data block") + open.len();
    let end = start + page[start..].find("</script>").expect("end of data block");
    serde_json::from_str(&page[start..end]).expect("data is JSON")
}

/// A report of standard input carries the texts of its findings: the
/// spooled input lives as long as the scan's outcome.
#[test]
fn html_report_of_standard_input_carries_the_texts() {
    let env = TestEnv::new();
    let orig = article(41);
    let copy = trimmed_reprint(&orig, 2);
    let input = format!(
        "{}{}{}",
        record("wire", &orig.text()),
        record("copy", &copy.text()),
        record("other", &unrelated(9).text())
    );
    let run = env.scan_stdin(&["-", "--format", "html"], input.clone());
    run.expect_code(0);
    let data = html_data(&run.stdout);
    let clusters = data["report"]["document_clusters"].as_array().unwrap();
    assert_eq!(clusters.len(), 1, "{run}");
    let texts = data["texts"].as_array().unwrap();
    assert_eq!(texts.len(), 2, "both members' texts are in the page: {run}");
    for t in texts {
        assert_eq!(t["path"], "-");
        let line = t["line"].as_u64().unwrap();
        let want = if line == 1 { orig.text() } else { copy.text() };
        assert_eq!(t["text"].as_str().unwrap(), want);
    }
    // The same corpus from a file gives the same texts.
    env.write("feed.jsonl", &input);
    let file = env.scan(&["feed.jsonl", "--format", "html"]);
    let from_file = html_data(&file.stdout);
    let strip = |v: &Value| -> Vec<String> {
        v["texts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["text"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(strip(&data), strip(&from_file));
}

#[test]
fn jsonl_carries_the_json_report_one_finding_per_line() {
    let root = env!("CARGO_MANIFEST_DIR");
    let scan = |format: &str| {
        let mut c = assert_cmd::Command::cargo_bin("reprint").unwrap();
        c.current_dir(root)
            .args(["scan", "corpus", "--format", format]);
        let run = Run::from(c.output().unwrap());
        run.expect_code(0);
        run.stdout
    };
    let mut whole: Value = serde_json::from_str(&scan("json")).unwrap();
    let lines: Vec<Value> = scan("jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    // The head first, then every finding under its array's name.
    let mut head = lines[0].clone();
    assert_eq!(head["type"], "report");
    let mut rebuilt = serde_json::Map::new();
    for key in ["version", "tool", "params", "stats"] {
        rebuilt.insert(key.into(), head[key].take());
    }
    let arrays = [
        ("issue", "issues"),
        ("document_cluster", "document_clusters"),
        ("paragraph_cluster", "paragraph_clusters"),
        ("paragraph_reprint", "paragraph_reprints"),
        ("doubled_document", "doubled_documents"),
        ("reuse", "reuse"),
    ];
    for (_, array) in arrays {
        rebuilt.insert(array.into(), Value::Array(Vec::new()));
    }
    for line in &lines[1..] {
        let mut obj = line.as_object().expect("an object per line").clone();
        let kind = obj.remove("type").expect("a type on every line");
        let (_, array) = arrays
            .iter()
            .find(|(k, _)| kind == *k)
            .unwrap_or_else(|| panic!("unknown type {kind}"));
        rebuilt[*array]
            .as_array_mut()
            .unwrap()
            .push(Value::Object(obj));
    }
    let mut rebuilt = Value::Object(rebuilt);
    for r in [&mut whole, &mut rebuilt] {
        r["stats"]["elapsed_ms"] = Value::from(0);
    }
    assert_eq!(rebuilt, whole);
    assert!(whole["paragraph_clusters"].as_array().unwrap().len() > 5);
}

#[test]
fn findings_kept_in_a_temporary_file_write_the_same_reports() {
    let root = env!("CARGO_MANIFEST_DIR");
    let scan = |format: &str, budget: Option<&str>| {
        let mut c = assert_cmd::Command::cargo_bin("reprint").unwrap();
        c.current_dir(root)
            .args(["scan", "corpus", "--format", format]);
        if let Some(b) = budget {
            c.args(["--findings-budget", b]);
        }
        let run = Run::from(c.output().unwrap());
        run.expect_code(0);
        run.stdout
    };
    // Elapsed time aside (the text's first line, a JSON field's value).
    let steady = |s: String| {
        let mut out = String::new();
        for (i, piece) in s
            .lines()
            .skip(1)
            .collect::<Vec<_>>()
            .join("\n")
            .split("\"elapsed_ms\":")
            .enumerate()
        {
            let piece = if i == 0 {
                piece
            } else {
                piece
                    .trim_start()
                    .trim_start_matches(|c: char| c.is_ascii_digit())
            };
            out.push_str(piece);
        }
        out
    };
    for format in ["json", "jsonl", "text", "html"] {
        let held = steady(scan(format, None));
        assert!(held.contains("paragraph"), "{format}: {held}");
        assert_eq!(steady(scan(format, Some("0"))), held, "{format}");
    }
}
