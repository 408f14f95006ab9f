//! `reprint explain`: output pinned by snapshots (tests/snapshots/), on the
//! shipped sample corpus and on records of a JSON Lines file.

mod common;

use common::*;

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
