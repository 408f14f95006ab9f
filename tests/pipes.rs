//! A closed pipe on standard output is not an error.
//!
//! Every subcommand that writes to standard output runs here with its
//! standard output a pipe whose reader has already gone (as in
//! `reprint index stats | true`, or `reprint scan corpus/ | head` once
//! `head` has its lines). Each must end without a panic and without an
//! error message, with the status it would have had with its output read:
//! 0, or 1 where it reports findings (`check` with a new finding, `scan
//! --check` with duplicates). The exit status is the verdict on the corpus;
//! a reader that stopped reading does not change it.

#![cfg(unix)]

mod common;

use std::process::{ChildStdin, Command, Stdio};

use common::*;
use serde_json::Value;

const INDEX: &str = "ix/index.sqlite";

/// The write end of a real pipe whose read end is already closed: the
/// reader (`true`) has exited, so the first write fails with a broken pipe,
/// whatever the timing.
fn closed_pipe() -> ChildStdin {
    let mut reader = Command::new("true")
        .stdin(Stdio::piped())
        .spawn()
        .expect("spawn `true`");
    let writer = reader.stdin.take().expect("piped stdin");
    reader.wait().expect("`true` exits");
    writer
}

/// Runs `reprint ARGS...` in the corpus with standard output into a closed
/// pipe, and asserts the status is `code` and standard error is empty.
fn run_into_closed_pipe(env: &TestEnv, args: &[&str], code: i32) {
    let out = Command::new(assert_cmd::cargo::cargo_bin("reprint"))
        .args(args)
        .current_dir(env.root())
        .stdin(Stdio::null())
        .stdout(Stdio::from(closed_pipe()))
        .stderr(Stdio::piped())
        .output()
        .expect("run reprint");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("panicked"),
        "`reprint {}` panicked on a closed pipe:\n{stderr}",
        args.join(" ")
    );
    assert_eq!(
        out.status.code(),
        Some(code),
        "`reprint {}` into a closed pipe: unexpected status; stderr:\n{stderr}",
        args.join(" ")
    );
    assert!(
        stderr.is_empty(),
        "`reprint {}` into a closed pipe wrote to standard error:\n{stderr}",
        args.join(" ")
    );
}

/// An indexed original in `old/`; in `new/`, its exact copy and an
/// unrelated story; `all/` holds them all plus a trimmed reprint; and a
/// labelled JSON Lines corpus for `eval`.
fn corpus() -> TestEnv {
    let orig = article(1);
    let env = TestEnv::with_files(&[
        ("old/original.txt", orig.text()),
        ("new/copy.txt", exact_copy(&orig).text()),
        ("new/other.txt", unrelated(1).text()),
        ("all/original.txt", orig.text()),
        ("all/copy.txt", exact_copy(&orig).text()),
        ("all/trimmed.txt", trimmed_reprint(&orig, 2).text()),
        ("all/other-1.txt", unrelated(2).text()),
        ("all/other-2.txt", unrelated(3).text()),
    ]);
    let labelled = labelled_jsonl(&[
        ("a", orig.text(), Value::from("story")),
        ("b", exact_copy(&orig).text(), Value::from("story")),
        ("c", unrelated(4).text(), Value::Null),
    ]);
    env.write("labelled.jsonl", labelled);
    env
}

#[test]
fn every_subcommand_that_writes_to_stdout_ends_quietly_on_a_closed_pipe() {
    let env = corpus();
    let explain = ["explain", "all/original.txt", "all/trimmed.txt"];
    let cases: &[(&[&str], i32)] = &[
        // The index first: `add` builds the one the others use.
        (&["index", "add", "old", "--index", INDEX], 0),
        (&["index", "add", "old", "--index", INDEX, "--json"], 0),
        (&["index", "stats", "--index", INDEX], 0),
        (&["index", "stats", "--index", INDEX, "--json"], 0),
        (&["index", "verify", "--index", INDEX], 0),
        (&["scan", "all"], 0),
        (&["scan", "all", "--format", "json"], 0),
        (&["scan", "all", "--format", "html"], 0),
        (&["scan", "all", "--color", "always"], 0),
        (&["scan", "all", "--check"], 1),
        (&["check", "new", "--index", INDEX], 1),
        (&["check", "new", "--index", INDEX, "--format", "json"], 1),
        (&["check", "new", "--index", INDEX, "--format", "sarif"], 1),
        (&["check", "new", "--index", INDEX, "--format", "github"], 1),
        (&["check", "old", "--index", INDEX], 0),
        (&explain, 0),
        (&[explain[0], explain[1], explain[2], "--format", "json"], 0),
        (&["eval", "labelled.jsonl"], 0),
        (&["eval", "labelled.jsonl", "--exact", "--json"], 0),
        (&["completions", "bash"], 0),
        (&["man"], 0),
        // Last: it empties the index.
        (
            &[
                "index",
                "remove",
                "--index",
                INDEX,
                "--seen-before",
                "2999-01-01",
            ],
            0,
        ),
    ];
    for (args, code) in cases {
        run_into_closed_pipe(&env, args, *code);
    }
    // The runs did their work, only their output went nowhere.
    let mut stats = env.cmd();
    stats.args(["index", "stats", "--index", INDEX, "--json"]);
    let run = Run::from(stats.output().expect("run reprint"));
    run.expect_code(0);
    assert_eq!(run.json()["documents"], 0, "{run}");
}
