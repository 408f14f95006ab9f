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
