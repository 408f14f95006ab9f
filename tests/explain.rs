//! `reprint explain`: output pinned by snapshots (tests/snapshots/), on the
//! shipped sample corpus, on records of a JSON Lines file, and on a
//! rewritten reprint whose passages the reuse section aligns.

mod common;

use common::*;
use serde_json::Value;

fn explain(args: &[&str]) -> Run {
    let mut c = assert_cmd::Command::cargo_bin("reprint").expect("binary");
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("explain")
        .args(args);
    Run::from(c.output().expect("run reprint"))
}

#[test]
fn a_wire_story_and_its_reprint_text() {
    let run = explain(&[
        "corpus/wire/harbor-bridge-closure.txt",
        "corpus/outlets/valley-herald-bridge.txt",
    ]);
    run.expect_code(0);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn a_wire_story_and_its_reprint_json() {
    let run = explain(&[
        "corpus/wire/harbor-bridge-closure.txt",
        "corpus/outlets/coastal-times-bridge.txt",
        "--format",
        "json",
    ]);
    run.expect_code(0);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn two_unrelated_stories() {
    let run = explain(&[
        "corpus/misc/court-ruling.txt",
        "corpus/misc/weather-warning.txt",
    ]);
    run.expect_code(0);
    assert!(
        run.stdout.contains(
            "Reuse:\n  aligned passages (0, as the scan's reuse stage aligns them):\n    none\n"
        ) && run
            .stdout
            .ends_with("  no link (coverage 0.0000 below --reuse-min-coverage 0.3)\n"),
        "{run}"
    );
    insta::assert_snapshot!(run.stdout);
}

/// A reworded, trimmed reprint is no near-duplicate of its wire story, but
/// the reuse section aligns its passages with the wire's, line by line, and
/// (undated) takes the wire as the source because the passages cover less
/// of its own words.
#[test]
fn a_rewritten_reprint_shows_its_aligned_passages() {
    let env = TestEnv::with_files(&[("wire.txt", WIRE), ("reprint.txt", REPRINT)]);
    let mut c = env.cmd();
    c.args(["explain", "reprint.txt", "wire.txt"]);
    let run = Run::from(c.output().unwrap());
    run.expect_code(0);
    assert!(run.stdout.contains("not duplicates"), "{run}");
    assert!(
        run.stdout
            .contains("  source: B, by coverage: neither is dated")
            && run.stdout.ends_with(
                "  A is wholly derived from B (coverage 0.6809 ≥ --reuse-wholly 0.45)\n"
            ),
        "{run}"
    );
    insta::assert_snapshot!(run.stdout);

    // A stricter --reuse-min-coverage: the same passages and direction, no link.
    let mut c = env.cmd();
    c.args([
        "explain",
        "reprint.txt",
        "wire.txt",
        "--reuse-min-coverage",
        "0.9",
        "--reuse-wholly",
        "0.95",
        "--format",
        "json",
    ]);
    let run = Run::from(c.output().unwrap());
    run.expect_code(0);
    let r = &run.json()["reuse"];
    assert_eq!(r["passages"].as_array().unwrap().len(), 4, "{run}");
    assert_eq!(r["source"], "b");
    assert_eq!(r["grade"], Value::Null);
    assert_eq!(r["link"], false);
    assert_eq!(
        r["verdict"],
        "no link (coverage 0.6809 below --reuse-min-coverage 0.9)"
    );
}

/// With dates in the records, the earlier one is the source by the date
/// rule (before coverage is looked at): here the wire, published the day
/// before the reprint.
#[test]
fn dated_records_take_the_earlier_as_the_source_json() {
    let env = TestEnv::new();
    let rec = |id: &str, text: &str, date: &str| {
        jsonl_line(&[
            ("id", Value::from(id)),
            ("text", Value::from(text)),
            ("date", Value::from(date)),
        ])
    };
    env.write(
        "feed.jsonl",
        format!(
            "{}{}",
            rec("herald-dredging", REPRINT, "2026-03-03T06:30:00Z"),
            rec("wire-dredging", WIRE, "2026-03-02T09:00:00Z"),
        ),
    );
    let mut c = env.cmd();
    c.args([
        "explain",
        "--corpus",
        "feed.jsonl",
        "wire-dredging",
        "herald-dredging",
        "--format",
        "json",
    ]);
    let run = Run::from(c.output().unwrap());
    run.expect_code(0);
    let e = run.json();
    let r = &e["reuse"];
    assert_eq!(e["duplicate"], false);
    assert_eq!(
        (&r["source"], &r["direction_rule"], &r["grade"], &r["link"]),
        (
            &Value::from("a"),
            &Value::from("date"),
            &Value::from("wholly"),
            &Value::from(true)
        ),
        "{run}"
    );
    assert_eq!(r["a_date"], "2026-03-02T09:00:00Z");
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn records_of_a_corpus_by_id() {
    let env = TestEnv::new();
    let orig = article(7);
    env.write(
        "feed.jsonl",
        format!(
            "{}{}{}",
            record("wire-7", &orig.text()),
            record("other", &unrelated(3).text()),
            record("trimmed", &trimmed_reprint(&orig, 2).text())
        ),
    );
    let mut c = env.cmd();
    c.args(["explain", "--corpus", "feed.jsonl", "wire-7", "trimmed"]);
    let run = Run::from(c.output().unwrap());
    run.expect_code(0);
    insta::assert_snapshot!(run.stdout);

    let mut c = env.cmd();
    c.args(["explain", "--corpus", "feed.jsonl", "wire-7", "nope"]);
    let run = Run::from(c.output().unwrap());
    run.expect_code(2);
    assert!(run.stderr.contains("no document has id `nope`"), "{run}");

    let mut c = env.cmd();
    c.args(["explain", "feed.jsonl", "feed.jsonl"]);
    let run = Run::from(c.output().unwrap());
    run.expect_code(2);
    assert!(
        run.stderr.contains("holds 3 documents") && run.stderr.contains("--corpus"),
        "{run}"
    );
}

/// `--corpus` reads through the scan's reader: a malformed record on the
/// way to the two documents is skipped and counted (stderr, the JSON
/// `issues`, exit status 2 as a scan that skipped input), not an error that
/// hides the explanation.
#[test]
fn a_bad_record_in_the_corpus_is_skipped_and_counted() {
    let env = TestEnv::new();
    let orig = article(8);
    env.write(
        "feed.jsonl",
        format!(
            "{}{{\"id\": \"broken\", \"text\": 12}}\nnot json at all\n{}",
            record("wire-8", &orig.text()),
            record("copy", &trimmed_reprint(&orig, 1).text())
        ),
    );
    let explain_json = |corpus: &str| {
        let mut c = env.cmd();
        c.args([
            "explain", "--corpus", corpus, "wire-8", "copy", "--format", "json",
        ]);
        Run::from(c.output().expect("run reprint"))
    };
    let run = explain_json("feed.jsonl");
    run.expect_code(2);
    let e = run.json();
    assert_eq!(e["duplicate"], true, "{run}");
    let issues = e["issues"].as_array().expect("issues listed");
    assert_eq!(issues.len(), 2, "{run}");
    assert_eq!(issues[0]["path"], "feed.jsonl");
    assert_eq!(issues[0]["line"], 2);
    assert_eq!(issues[1]["line"], 3);
    assert!(run.stderr.contains("feed.jsonl:2"), "{run}");
    assert!(run.stderr.contains("feed.jsonl:3"), "{run}");
    // Without bad records the JSON has no `issues` key and the status is 0.
    env.write(
        "clean.jsonl",
        format!(
            "{}{}",
            record("wire-8", &orig.text()),
            record("copy", &trimmed_reprint(&orig, 1).text())
        ),
    );
    let clean = explain_json("clean.jsonl");
    clean.expect_code(0);
    assert!(clean.json().get("issues").is_none(), "{clean}");
}
