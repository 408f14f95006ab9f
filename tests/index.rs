//! The persistent index and `reprint check`: findings against history,
//! baselines, CI formats, and reliability (kill -9 at random moments,
//! two writers at once, damaged files).

mod common;

use std::process::{Command as StdCommand, Stdio};
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;

const INDEX: &str = "ix/index.sqlite";

impl TestEnv {
    fn run(&self, args: &[&str]) -> Run {
        let mut c = self.cmd();
        c.args(args);
        Run::from(c.output().expect("run reprint"))
    }

    fn check_json(&self, args: &[&str]) -> (Run, Value) {
        let mut all = vec!["check"];
        all.extend_from_slice(args);
        all.extend(["--index", INDEX, "--format", "json"]);
        let run = self.run(&all);
        let json = run.json();
        (run, json)
    }

    fn index_docs(&self) -> u64 {
        let run = self.run(&["index", "stats", "--index", INDEX, "--json"]);
        run.expect_code(0);
        run.json()["documents"].as_u64().expect("documents")
    }
}

fn dated(id: &str, text: &str, date: &str, source: &str) -> String {
    jsonl_line(&[
        ("id", Value::from(id)),
        ("text", Value::from(text)),
        ("date", Value::from(date)),
        ("source", Value::from(source)),
        ("url", Value::from(format!("https://news.example/{id}"))),
    ])
}

/// Day 1 in the index: three wire stories. Day 2: a trimmed reprint of one
/// of them, an exact copy of another under a new id, and a fresh story.
fn two_days() -> TestEnv {
    let env = TestEnv::new();
    let day1: String = (0..3)
        .map(|i| {
            dated(
                &format!("wire-{i}"),
                &article(10 + i).text(),
                "2026-11-20T08:00:00Z",
                "Wire",
            )
        })
        .collect();
    env.write("day1/wire.jsonl", day1);
    env.write(
        "day2/herald.jsonl",
        format!(
            "{}{}{}",
            dated(
                "herald-1",
                &trimmed_reprint(&article(10), 3).text(),
                "2026-11-21T09:00:00Z",
                "Herald"
            ),
            dated(
                "herald-2",
                &exact_copy(&article(12)).text(),
                "2026-11-21T10:00:00Z",
                "Herald"
            ),
            dated(
                "herald-3",
                &unrelated(77).text(),
                "2026-11-21T11:00:00Z",
                "Herald"
            ),
        ),
    );
    env.run(&["index", "add", "day1", "--index", INDEX])
        .expect_code(0);
    env
}

fn findings_of<'r>(report: &'r Value, kind: &str) -> Vec<&'r Value> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["kind"] == kind)
        .collect()
}

#[test]
fn check_names_the_indexed_document_each_new_one_copies() {
    let env = two_days();
    assert_eq!(env.index_docs(), 3);
    let (run, report) = env.check_json(&["day2"]);
    run.expect_code(1);
    let docs = findings_of(&report, "duplicate_document");
    let by_doc = |id: &str| {
        *docs
            .iter()
            .find(|f| f["doc"] == id)
            .unwrap_or_else(|| panic!("no finding for {id}:\n{run}"))
    };
    for (new, old) in [("herald-1", "wire-0"), ("herald-2", "wire-2")] {
        let f = by_doc(new);
        assert_eq!(f["status"], "new");
        assert_eq!(f["path"], "day2/herald.jsonl");
        let m = &f["matches"][0];
        assert_eq!(m["doc"], old, "{f}");
        assert_eq!(m["indexed"], true);
        assert_eq!(m["path"], "day1/wire.jsonl");
        assert_eq!(m["date"], "2026-11-20T08:00:00Z");
        assert!(m["first_seen"].as_str().is_some_and(|t| t.ends_with('Z')));
        assert!(f["message"].as_str().unwrap().contains(old));
    }
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["doc"] != "herald-3"),
        "the fresh story is not a finding:\n{run}"
    );
    assert_eq!(report["summary"]["documents_checked"], 3);
    assert_eq!(report["index"]["documents"], 3);

    // The same check in text names them too.
    let text = env.run(&["check", "day2", "--index", INDEX]);
    text.expect_code(1);
    assert!(text.stdout.contains("copies indexed `wire-0`"), "{text}");
}

#[test]
fn baseline_accepts_findings_and_update_adds_the_day() {
    let env = two_days();
    let (run, first) = env.check_json(&["day2", "--write-baseline", "baseline.json"]);
    run.expect_code(1);
    let new = first["summary"]["new_findings"].as_u64().unwrap();
    assert!(new >= 2, "{run}");
    let baseline: Value =
        serde_json::from_slice(&std::fs::read(env.path("baseline.json")).unwrap()).unwrap();
    assert_eq!(baseline["version"], 1);

    // With the baseline, everything is known: exit 0; --update adds the day.
    let (run, second) = env.check_json(&["day2", "--baseline", "baseline.json", "--update"]);
    run.expect_code(0);
    assert_eq!(second["summary"]["new_findings"], 0);
    assert_eq!(second["summary"]["known_findings"], new);
    // herald-2 has the same content as wire-2: it is not stored twice.
    assert_eq!(second["summary"]["added"], 2, "{run}");
    assert_eq!(second["summary"]["not_added_known"], 1);
    assert_eq!(env.index_docs(), 5);

    // Checking the same day again: its documents are already indexed as
    // themselves, and the fingerprints are stable.
    let (run, third) = env.check_json(&["day2", "--baseline", "baseline.json"]);
    run.expect_code(0);
    assert_eq!(third["summary"]["already_indexed"], 2, "{run}");
    let fps = |r: &Value| -> Vec<String> {
        let mut v: Vec<String> = r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["kind"] == "duplicate_document")
            .map(|f| format!("{}:{}", f["doc"], f["fingerprint"]))
            .collect();
        v.sort();
        v
    };
    assert_eq!(fps(&first), fps(&third));

    // A new copy tomorrow is new again, and names the day-2 text it copies.
    env.write(
        "day3/post.jsonl",
        dated(
            "post-1",
            &lightly_edited(&article(11), 5, 3).text(),
            "2026-11-22T07:00:00Z",
            "Post",
        ),
    );
    let (run, fourth) = env.check_json(&["day3", "--baseline", "baseline.json"]);
    run.expect_code(1);
    let f = findings_of(&fourth, "duplicate_document");
    assert_eq!(f.len(), 1, "{run}");
    assert_eq!(f[0]["status"], "new");
    assert_eq!(f[0]["matches"][0]["doc"], "wire-1");
}

#[test]
fn sarif_and_github_formats() {
    let env = two_days();
    let run = env.run(&["check", "day2", "--index", INDEX, "--format", "sarif"]);
    run.expect_code(1);
    let sarif = run.json();
    assert_eq!(sarif["version"], "2.1.0");
    let run0 = &sarif["runs"][0];
    assert_eq!(run0["tool"]["driver"]["name"], "reprint");
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run0["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], r["ruleId"]);
        assert_eq!(r["level"], "error");
        assert_eq!(r["baselineState"], "new");
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "day2/herald.jsonl");
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
        let fp = r["partialFingerprints"]["reprintFinding/v1"]
            .as_str()
            .unwrap();
        assert_eq!(fp.len(), 16);
    }
    // Fingerprints are the same on a second run.
    let again = env
        .run(&["check", "day2", "--index", INDEX, "--format", "sarif"])
        .json();
    assert_eq!(again["runs"][0]["results"], run0["results"]);

    let gh = env.run(&["check", "day2", "--index", INDEX, "--format", "github"]);
    gh.expect_code(1);
    let annotations: Vec<&str> = gh.stdout.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(annotations.len(), results.len(), "{gh}");
    assert!(annotations
        .iter()
        .all(|l| l.starts_with("::error file=day2/herald.jsonl,line=")));
}

#[test]
fn other_parameters_and_damaged_files_are_clear_errors() {
    let env = two_days();
    let run = env.run(&["check", "day2", "--index", INDEX, "--shingle-size", "5"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains(INDEX) && run.stderr.contains("shingle_size: index 3 vs this run 5"),
        "{run}"
    );

    env.write(
        "junk.sqlite",
        b"this is not a database at all, just text".repeat(200),
    );
    let run = env.run(&["check", "day2", "--index", "junk.sqlite"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("junk.sqlite") && run.stderr.contains("damaged"),
        "{run}"
    );

    // A truncated copy of a real index.
    for _ in 0..40 {
        let more: String = (100..160)
            .map(|i| record(&format!("x{i}"), &unrelated(i).text()))
            .collect();
        env.write("more/x.jsonl", more);
    }
    env.run(&["index", "add", "more", "--index", INDEX])
        .expect_code(0);
    let bytes = std::fs::read(env.path(INDEX)).unwrap();
    assert!(bytes.len() > 16_384);
    for cut in [bytes.len() / 2, 4096, 100] {
        env.write("cut.sqlite", &bytes[..cut]);
        let run = env.run(&["check", "day2", "--index", "cut.sqlite"]);
        assert_eq!(run.code, 2, "a truncated index is an error:\n{run}");
        assert!(run.stderr.contains("cut.sqlite"), "{run}");
        assert!(!run.stderr.contains("panicked"), "{run}");
    }
    let run = env.run(&["index", "stats", "--index", "missing.sqlite"]);
    run.expect_code(2);
    assert!(run.stderr.contains("no index here"), "{run}");
}

#[test]
fn remove_by_id_and_by_date() {
    let env = two_days();
    let run = env.run(&["index", "remove", "--id", "wire-0", "--index", INDEX]);
    run.expect_code(0);
    assert!(run.stdout.contains("1 documents removed"), "{run}");
    assert_eq!(env.index_docs(), 2);
    // herald-1 no longer has anything to copy.
    let (_, report) = env.check_json(&["day2"]);
    assert!(findings_of(&report, "duplicate_document")
        .iter()
        .all(|f| f["doc"] != "herald-1"));
    let run = env.run(&[
        "index",
        "remove",
        "--published-before",
        "2026-11-21",
        "--index",
        INDEX,
    ]);
    run.expect_code(0);
    assert_eq!(env.index_docs(), 0);
    env.run(&["index", "verify", "--index", INDEX])
        .expect_code(0);
    let stats = env
        .run(&["index", "stats", "--index", INDEX, "--json"])
        .json();
    assert_eq!(stats["document_keys"], 0, "keys go with their documents");
    assert_eq!(stats["paragraph_keys"], 0);
}

#[test]
fn a_reprint_stored_against_its_source_outlives_the_source() {
    let env = two_days();
    let packed = |index: &str| {
        let stats = env
            .run(&["index", "stats", "--index", index, "--json"])
            .json();
        assert_eq!(stats["format_version"], 4);
        stats["packed_against_base"].as_u64().unwrap()
    };
    // One `index add` of both days: herald-1, a trimmed reprint of
    // wire-0, is stored against it (herald-2, an exact copy, is not
    // stored again).
    env.run(&[
        "index",
        "add",
        "day1",
        "day2",
        "--index",
        "ix2/index.sqlite",
    ])
    .expect_code(0);
    assert_eq!(packed("ix2/index.sqlite"), 1);
    // `check --update` adds day 2 to day 1's index: the check found
    // herald-1 copying wire-0, so it is stored against it too.
    env.run(&["check", "day2", "--update", "--index", INDEX])
        .expect_code(1);
    assert_eq!(packed(INDEX), 1);
    // Removing the source packs the reprint on its own, whole: a copy of
    // it is verified against its text.
    env.run(&["index", "remove", "--id", "wire-0", "--index", INDEX])
        .expect_code(0);
    env.run(&["index", "verify", "--index", INDEX])
        .expect_code(0);
    assert_eq!(packed(INDEX), 0);
    env.write(
        "day3/copy.jsonl",
        dated(
            "copy-1",
            &trimmed_reprint(&article(10), 3).text(),
            "2026-11-22T09:00:00Z",
            "Gazette",
        ),
    );
    let (run, report) = env.check_json(&["day3"]);
    let f = findings_of(&report, "duplicate_document");
    assert_eq!(f.len(), 1, "{run}");
    assert_eq!(f[0]["matches"][0]["doc"], "herald-1", "{run}");
    assert_eq!(f[0]["matches"][0]["jaccard"], 1.0, "{run}");
}

/// Many small files, so `index add` commits many batches.
fn many_files(env: &TestEnv, dir: &str, n: u64, seed: u64) {
    for i in 0..n {
        env.write(&format!("{dir}/{i:05}.txt"), unrelated(seed + i).text());
    }
}

#[test]
fn two_writers_at_once_both_succeed_or_one_is_told_it_is_locked() {
    let env = TestEnv::new();
    many_files(&env, "a", 1200, 1000);
    many_files(&env, "b", 1200, 5000);
    let bin = assert_cmd::cargo::cargo_bin("reprint");
    let spawn = |dir: &str| {
        StdCommand::new(&bin)
            .args(["index", "add", dir, "--index", INDEX, "-j", "1"])
            .current_dir(env.root())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn")
    };
    let (a, b) = (spawn("a"), spawn("b"));
    let (a, b) = (
        Run::from(a.wait_with_output().unwrap()),
        Run::from(b.wait_with_output().unwrap()),
    );
    a.expect_code(0);
    b.expect_code(0);
    assert_eq!(env.index_docs(), 2400);
    env.run(&["index", "verify", "--index", INDEX])
        .expect_code(0);

    // A writer that holds the lock longer than --lock-timeout: a clear error.
    let conn = rusqlite::Connection::open(env.path(INDEX)).unwrap();
    conn.execute_batch("BEGIN EXCLUSIVE;").unwrap();
    many_files(&env, "c", 3, 9000);
    let run = env.run(&[
        "index",
        "add",
        "c",
        "--index",
        INDEX,
        "--lock-timeout",
        "0.2",
    ]);
    run.expect_code(2);
    assert!(run.stderr.contains("index is locked"), "{run}");
    conn.execute_batch("ROLLBACK;").unwrap();
    drop(conn);
    env.run(&["index", "add", "c", "--index", INDEX])
        .expect_code(0);
    assert_eq!(env.index_docs(), 2403);
}

#[test]
fn kill_9_at_random_moments_loses_nothing_committed() {
    let env = TestEnv::new();
    many_files(&env, "day", 2500, 20_000);
    let bin = assert_cmd::cargo::cargo_bin("reprint");
    // Kill moments are drawn inside the time a whole run takes on this
    // machine (measured once, into another index), so that most runs are
    // killed mid-way however fast or loaded the machine is.
    // The shorter of a first run and a re-run (whose documents are all
    // known already) is the bound.
    let whole = (0..2)
        .map(|_| {
            let timed = Instant::now();
            env.run(&[
                "index",
                "add",
                "day",
                "--index",
                "ix/timing.sqlite",
                "-q",
                "-j",
                "1",
            ])
            .expect_code(0);
            timed.elapsed().as_millis() as usize
        })
        .min()
        .unwrap_or(0)
        .max(20);
    let mut rng = Rng::new(0x5EED_CAFE);
    let mut last = 0u64;
    let mut killed = 0;
    for round in 0..24 {
        // Alternate the two writers: `index add` (a transaction per batch)
        // and `check --update` (one transaction at the end).
        let args: &[&str] = if round % 3 == 2 {
            &[
                "check", "day", "--update", "--index", INDEX, "-q", "-j", "1",
            ]
        } else {
            &["index", "add", "day", "--index", INDEX, "-q", "-j", "1"]
        };
        let mut child = StdCommand::new(&bin)
            .args(args)
            .current_dir(env.root())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        let delay = Duration::from_millis(rng.range(whole / 20, whole * 9 / 10) as u64);
        let start = Instant::now();
        while start.elapsed() < delay {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL
            killed += 1;
        }
        child.wait().unwrap();
        let verify = env.run(&["index", "verify", "--index", INDEX]);
        if !env.path(INDEX).exists() {
            continue;
        }
        verify.expect_code(0);
        let now = env.index_docs();
        assert!(now >= last, "round {round}: {now} documents after {last}");
        last = now;
    }
    assert!(
        killed >= 10,
        "only {killed} of the runs were killed mid-way"
    );
    env.run(&["index", "add", "day", "--index", INDEX, "-q"])
        .expect_code(0);
    assert_eq!(env.index_docs(), 2500);
}

#[test]
fn paragraph_findings_work_against_history() {
    let env = TestEnv::new();
    let footer = "Comments on this story are moderated by our staff before they appear, \
                  and we keep the right to remove any that break our community rules.";
    let wire = article(40);
    // Day 1: four unrelated pages of a site, each with the footer; one wire story.
    let day1: String = (0..4)
        .map(|i| {
            record(
                &format!("site-{i}"),
                &format!("{}\n\n{footer}", unrelated(400 + i).text()),
            )
        })
        .chain(std::iter::once(record("wire-40", &wire.text())))
        .collect();
    env.write("day1/site.jsonl", day1);
    env.run(&["index", "add", "day1", "--index", INDEX])
        .expect_code(0);
    // Day 2: a new page with the footer, and a long roundup that reprints
    // two paragraphs of the wire story inside unrelated text.
    let paras: Vec<&str> = wire.paragraphs.iter().map(String::as_str).collect();
    let roundup = format!(
        "{}\n\n{}\n\n{}\n\n{}",
        unrelated(500).text(),
        paras[1],
        paras[2],
        unrelated(501).text()
    );
    env.write(
        "day2/new.jsonl",
        format!(
            "{}{}",
            record(
                "site-new",
                &format!("{}\n\n{footer}", unrelated(450).text())
            ),
            record("roundup", &roundup)
        ),
    );
    let (run, report) = env.check_json(&["day2"]);
    run.expect_code(1);
    let boiler = findings_of(&report, "boilerplate_paragraph");
    let f = boiler
        .iter()
        .find(|f| f["doc"] == "site-new")
        .unwrap_or_else(|| panic!("no boilerplate finding for the new page:\n{run}"));
    let indexed: Vec<&Value> = f["matches"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["indexed"] == true)
        .collect();
    assert_eq!(indexed.len(), 4, "{f}");
    let reprinted = findings_of(&report, "reprinted_paragraph");
    assert!(
        reprinted
            .iter()
            .filter(|f| f["doc"] == "roundup")
            .all(|f| f["matches"][0]["doc"] == "wire-40" && f["matches"][0]["indexed"] == true),
        "{run}"
    );
    assert_eq!(
        reprinted.iter().filter(|f| f["doc"] == "roundup").count(),
        2,
        "{run}"
    );
}

#[test]
fn check_reads_standard_input_once_for_both_passes() {
    let env = two_days();
    let mut c = env.cmd();
    c.args(["check", "-", "--index", INDEX, "--format", "json"])
        .write_stdin(std::fs::read(env.path("day2/herald.jsonl")).unwrap());
    let run = Run::from(c.output().expect("run reprint"));
    run.expect_code(1);
    let report = run.json();
    assert_eq!(report["summary"]["documents_checked"], 3, "{run}");
    assert!(
        findings_of(&report, "duplicate_document")
            .iter()
            .any(|f| f["doc"] == "herald-1"
                && f["path"] == "-"
                && f["matches"][0]["doc"] == "wire-0"),
        "{run}"
    );
}

/// Indexed documents enter a check in memory with their own origin, never
/// under a made-up file name: a checked file literally named `<index>`
/// gets the same findings as under any other name, alone or with others.
#[test]
fn a_checked_file_named_like_the_old_spool_is_an_ordinary_file() {
    let env = two_days();
    let day2 = std::fs::read_to_string(env.path("day2/herald.jsonl")).unwrap();
    env.write("plain/day2.jsonl", &day2);
    env.write("odd/<index>", &day2);
    let (plain_run, plain) = env.check_json(&["plain/day2.jsonl"]);
    plain_run.expect_code(1);
    let (odd_run, odd) = env.check_json(&["odd/<index>", "--input-format", "jsonl"]);
    odd_run.expect_code(1);
    let summary = |r: &Value| -> Vec<(String, String, String)> {
        let mut v: Vec<_> = r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["kind"].as_str().unwrap().to_string(),
                    f["doc"].as_str().unwrap().to_string(),
                    f["matches"][0]["doc"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        v.sort();
        v
    };
    assert!(!summary(&plain).is_empty(), "{plain_run}");
    assert_eq!(summary(&plain), summary(&odd), "{odd_run}");
    for f in odd["findings"].as_array().unwrap() {
        assert_eq!(f["path"], "odd/<index>", "{f}");
    }
    // Checked together with another file: no panic, findings for both.
    env.write(
        "more/other.jsonl",
        record("other-1", &exact_copy(&article(11)).text()),
    );
    let (both_run, both) =
        env.check_json(&["odd/<index>", "more/other.jsonl", "--input-format", "jsonl"]);
    both_run.expect_code(1);
    assert!(!both_run.stderr.contains("panicked"), "{both_run}");
    let docs: Vec<&str> = both["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["doc"].as_str().unwrap())
        .collect();
    assert!(
        docs.contains(&"other-1") && docs.contains(&"herald-1"),
        "{both_run}"
    );
}

/// Day 1 in the index: a wire story and three others. Day 2: an outlet's
/// reworded reprint of the wire story (every fourth word changed: no
/// paragraph or document matches as a copy) and a fresh story.
fn reworded_day() -> TestEnv {
    let env = TestEnv::new();
    let day1: String = std::iter::once(dated(
        "wire-60",
        &article(60).text(),
        "2026-11-20T08:00:00Z",
        "Wire",
    ))
    .chain((0..3).map(|i| {
        dated(
            &format!("other-{i}"),
            &unrelated(600 + i).text(),
            "2026-11-20T09:00:00Z",
            "Wire",
        )
    }))
    .collect();
    env.write("day1/wire.jsonl", day1);
    env.write(
        "day2/outlet.jsonl",
        format!(
            "{}{}",
            dated(
                "outlet-1",
                &reworded_reprint(&article(60), 61, 7).text(),
                "2026-11-21T09:00:00Z",
                "Outlet"
            ),
            dated(
                "outlet-2",
                &unrelated(700).text(),
                "2026-11-21T10:00:00Z",
                "Outlet"
            ),
        ),
    );
    env.run(&["index", "add", "day1", "--index", INDEX])
        .expect_code(0);
    env
}

#[test]
fn a_reworded_reprint_of_an_indexed_story_is_a_derived_document() {
    let env = reworded_day();
    let (run, report) = env.check_json(&["day2"]);
    run.expect_code(1);
    let kinds: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["derived_document"], "only the reuse link:\n{run}");
    // The wire story came back for its reuse keys alone: no band key matched.
    assert_eq!(report["summary"]["indexed_compared"], 1, "{run}");
    assert_eq!(report["summary"]["indexed_by_reuse"], 1, "{run}");
    let f = &report["findings"][0];
    assert_eq!(f["status"], "new");
    assert_eq!(f["doc"], "outlet-1");
    assert_eq!(f["path"], "day2/outlet.jsonl");
    assert_eq!(f["line"], 1);
    assert_eq!(f["matches"].as_array().unwrap().len(), 1);
    let m = &f["matches"][0];
    assert_eq!(m["doc"], "wire-60");
    assert_eq!(m["indexed"], true);
    assert_eq!(m["path"], "day1/wire.jsonl");
    assert_eq!(m["date"], "2026-11-20T08:00:00Z");
    assert!(m["first_seen"].as_str().is_some_and(|t| t.ends_with('Z')));
    let reuse = &m["reuse"];
    assert_keys(
        reuse,
        &[
            "role",
            "grade",
            "coverage",
            "source_coverage",
            "passages",
            "direction_rule",
        ],
        "a derived-document match",
    );
    assert_eq!(reuse["role"], "source");
    assert_eq!(reuse["direction_rule"], "date", "the wire story is older");
    assert_eq!(reuse["grade"], "wholly");
    assert!(reuse["coverage"].as_f64().unwrap() >= 0.45, "{f}");
    assert!(reuse["passages"].as_u64().unwrap() >= 1);
    let message = f["message"].as_str().unwrap();
    assert!(
        message.starts_with("derived from indexed `wire-60` (day1/wire.jsonl:1, published 2026-11-20T08:00:00Z, first seen"),
        "{message}"
    );
    // The scan behind it has the link, its source marked as indexed.
    let link = &report["scan"]["reuse"][0];
    assert_eq!((&link["doc"], &link["source"]), (&f["doc"], &m["doc"]));
    assert_eq!(link["source_first_seen"], m["first_seen"]);
    assert!(
        link.get("first_seen").is_none(),
        "the derived document is new"
    );

    // The same in text.
    let text = env.run(&["check", "day2", "--index", INDEX]);
    text.expect_code(1);
    assert!(
        text.stdout.contains("derived_document")
            && text.stdout.contains("derived from indexed `wire-60`")
            && text.stdout.contains("source: wholly, coverage"),
        "{text}"
    );

    // Without the reuse stage, no look-up and no finding.
    let (run, off) = env.check_json(&["day2", "--no-reuse"]);
    run.expect_code(0);
    assert_eq!(off["summary"]["indexed_by_reuse"], 0);
    assert!(findings_of(&off, "derived_document").is_empty(), "{run}");
}

#[test]
fn fail_on_and_baselines_cover_derived_documents() {
    let env = reworded_day();
    // --fail-on: other kinds pass the check, the derived document fails it.
    let (run, report) = env.check_json(&["day2", "--fail-on", "documents,boilerplate"]);
    run.expect_code(0);
    assert_eq!(
        report["summary"]["new_findings"], 1,
        "still reported: {run}"
    );
    env.check_json(&["day2", "--fail-on", "doubled,derived"])
        .0
        .expect_code(1);
    // `scan --check` fails on it too, and not with other kinds only.
    env.scan(&["day1", "day2", "--check", "--fail-on", "derived"])
        .expect_code(1);
    env.scan(&["day1", "day2", "--check", "--fail-on", "doubled"])
        .expect_code(0);

    // A baseline accepts it: known, exit 0; the fingerprint is stable.
    let (run, first) = env.check_json(&["day2", "--write-baseline", "baseline.json"]);
    run.expect_code(1);
    let baseline: Value =
        serde_json::from_slice(&std::fs::read(env.path("baseline.json")).unwrap()).unwrap();
    assert_eq!(baseline["findings"][0]["kind"], "derived_document");
    assert_eq!(
        baseline["findings"][0]["fingerprint"],
        first["findings"][0]["fingerprint"]
    );
    let (run, known) = env.check_json(&["day2", "--baseline", "baseline.json"]);
    run.expect_code(0);
    assert_eq!(known["summary"]["known_findings"], 1, "{run}");
    assert_eq!(known["findings"][0]["status"], "known");
    // SARIF: a suppressed result of the derived-document rule.
    let sarif = env
        .run(&[
            "check",
            "day2",
            "--index",
            INDEX,
            "--baseline",
            "baseline.json",
            "--format",
            "sarif",
        ])
        .json();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "reprint/derived_document");
    assert_eq!(result["baselineState"], "unchanged");
}

/// Whether the reuse keys the index holds (`index stats`, counted per
/// key run) are the documents' own `reuse_key_count`s added up: no key of
/// a removed document left, none missing.
fn reuse_keys_consistent(env: &TestEnv) -> bool {
    let conn = rusqlite::Connection::open(env.path(INDEX)).unwrap();
    let held: i64 = conn
        .query_row(
            "SELECT coalesce(sum(reuse_key_count), 0) FROM docs",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let run = env.run(&["index", "stats", "--index", INDEX, "--json"]);
    run.expect_code(0);
    run.json()["reuse_keys"].as_i64() == Some(held)
}

#[test]
fn reuse_keys_go_in_with_add_and_update_and_out_with_remove() {
    let env = reworded_day();
    let keys = |env: &TestEnv| -> u64 {
        let run = env.run(&["index", "stats", "--index", INDEX, "--json"]);
        run.expect_code(0);
        run.json()["reuse_keys"].as_u64().expect("reuse_keys")
    };
    let day1 = keys(&env);
    assert!(day1 > 0);
    assert!(reuse_keys_consistent(&env));
    // check --update adds the day's keys.
    env.check_json(&["day2", "--update"]).0.expect_code(1);
    let day2 = keys(&env);
    assert!(day2 > day1, "{day2} after {day1}");
    assert!(reuse_keys_consistent(&env));
    // Removing the wire story takes its keys out: the reprint has no source.
    env.run(&["index", "remove", "--id", "wire-60", "--index", INDEX])
        .expect_code(0);
    assert!(keys(&env) < day2);
    assert!(reuse_keys_consistent(&env));
    env.run(&[
        "index",
        "remove",
        "--seen-before",
        "2100-01-01",
        "--index",
        INDEX,
    ])
    .expect_code(0);
    assert_eq!(keys(&env), 0, "keys go with their documents");
    env.run(&["index", "verify", "--index", INDEX])
        .expect_code(0);
    // Added again, the same keys: the table round-trips.
    env.run(&["index", "add", "day1", "--index", INDEX])
        .expect_code(0);
    assert_eq!(keys(&env), day1);
    let (run, report) = env.check_json(&["day2"]);
    run.expect_code(1);
    assert_eq!(findings_of(&report, "derived_document").len(), 1, "{run}");
}
