//! Every output format of `reprint`, pinned by snapshots on the shipped
//! sample corpus `corpus/`: `scan` as text, JSON and HTML (the data the page
//! embeds), `check` against an index of part of the corpus as text, JSON,
//! SARIF and GitHub annotations (with and without a baseline), `index add`
//! and `index stats` as text and JSON, and `eval` as text and JSON.
//!
//! These tests are black-box: they run the `reprint` binary and use no
//! library API, so they keep compiling while the library is reorganised. A
//! refactor must leave every snapshot (`tests/snapshots/snapshots__*.snap`)
//! byte-identical. When an output is changed on purpose, review and accept
//! the new snapshots with `cargo insta review`, or rewrite them with
//! `INSTA_UPDATE=always cargo test --test snapshots`, and read the diff.
//!
//! The only values replaced before snapshotting are those that change
//! between identical runs, by plain string edits: `elapsed_ms` (set to 0),
//! the elapsed time at the end of a summary line (`(<elapsed>)`), the
//! temporary directory (`<TMP>`), the index's first-seen times
//! (`<FIRST_SEEN>`, read from `index stats --json`) and the index's size on
//! disk (`<BYTES>`). Runs that print a thread count use `-j 2`; outputs are
//! also compared between `-j 1` and `-j 2`.

mod common;

use common::Run;
use serde_json::Value;
use tempfile::TempDir;

/// Runs `reprint ARGS...` in the crate root, so corpus paths are relative
/// (`corpus/wire/...`) as in the README.
fn reprint(args: &[&str]) -> Run {
    let mut c = assert_cmd::Command::cargo_bin("reprint").expect("reprint binary is built");
    c.current_dir(env!("CARGO_MANIFEST_DIR")).args(args);
    Run::from(c.output().expect("run reprint"))
}

/// `args` followed by `-j N`.
fn with_threads<'a>(args: &[&'a str], threads: &'a str) -> Vec<&'a str> {
    let mut all = args.to_vec();
    all.extend(["-j", threads]);
    all
}

/// Replaces the number that follows each `key` (after optional spaces)
/// with `with`; returns the text and how many numbers were replaced.
fn replace_number_after(s: &str, key: &str, with: &str) -> (String, usize) {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    let mut count = 0;
    while let Some(i) = rest.find(key) {
        let after_key = i + key.len();
        out.push_str(&rest[..after_key]);
        rest = &rest[after_key..];
        let spaces = rest.len() - rest.trim_start_matches(' ').len();
        out.push_str(&rest[..spaces]);
        rest = &rest[spaces..];
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 {
            out.push_str(with);
            rest = &rest[digits..];
            count += 1;
        }
    }
    out.push_str(rest);
    (out, count)
}

/// `elapsed_ms` set to 0; panics unless it occurs exactly `expected` times.
fn zero_elapsed_ms(s: &str, expected: usize) -> String {
    let (out, n) = replace_number_after(s, "\"elapsed_ms\":", "0");
    assert_eq!(n, expected, "`elapsed_ms` occurrences in:\n{s}");
    out
}

/// `"threads": N` set to `<THREADS>`, for comparing runs with other `-j`.
fn without_threads(s: &str) -> String {
    replace_number_after(s, "\"threads\":", "<THREADS>").0
}

/// Line `line` (0-based) of `s` must end with an elapsed time such as
/// `(0.02 s)` or `(13 ms)`; it becomes `(<elapsed>)`.
fn normalize_elapsed_on_line(s: &str, line: usize, unit: &str) -> String {
    let mut lines: Vec<String> = s.split('\n').map(str::to_string).collect();
    let l = &lines[line];
    let suffix = format!(" {unit})");
    let open = l
        .rfind('(')
        .unwrap_or_else(|| panic!("no `(` on line {line}: {l}"));
    let inside = &l[open + 1..];
    let number = inside
        .strip_suffix(&suffix)
        .unwrap_or_else(|| panic!("line {line} does not end with an elapsed time in {unit}: {l}"));
    assert!(
        !number.is_empty() && number.chars().all(|c| c.is_ascii_digit() || c == '.'),
        "line {line} does not end with an elapsed time: {l}"
    );
    lines[line] = format!("{}(<elapsed>)", &l[..open]);
    lines.join("\n")
}

/// Compact JSON indented like `serde_json::to_string_pretty`, keeping the
/// key order and the string escapes exactly as written (a `Value` would
/// sort the keys and unescape `\u003c`).
fn reindent(compact: &str) -> String {
    fn newline(out: &mut String, depth: usize) {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    }
    let mut out = String::with_capacity(compact.len() * 2);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = compact.chars().peekable();
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                let close = if c == '{' { '}' } else { ']' };
                if chars.peek() == Some(&close) {
                    out.push(close);
                    chars.next();
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth -= 1;
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    let a: Value = serde_json::from_str(compact).expect("embedded data is JSON");
    let b: Value = serde_json::from_str(&out).expect("reindented data is JSON");
    assert_eq!(a, b, "reindenting changed the data");
    out
}

/// Every value of `key` anywhere in `v`.
fn values_of<'v>(v: &'v Value, key: &str, found: &mut Vec<&'v Value>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == key {
                    found.push(x);
                }
                values_of(x, key, found);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| values_of(x, key, found)),
        _ => {}
    }
}

// ---------------------------------------------------------------------------
// scan
// ---------------------------------------------------------------------------

#[test]
fn scan_text() {
    let args = ["scan", "corpus/", "--color", "never"];
    let runs: Vec<String> = ["2", "1"]
        .iter()
        .map(|j| {
            let run = reprint(&with_threads(&args, j));
            run.expect_code(0);
            assert_eq!(run.stderr, "", "{run}");
            assert!(!run.stdout.contains('\x1b'), "colour with --color never");
            normalize_elapsed_on_line(&run.stdout, 0, "s")
        })
        .collect();
    assert_eq!(runs[0], runs[1], "-j 2 and -j 1 differ");
    insta::assert_snapshot!("scan_text", runs[0]);
}

#[test]
fn scan_json() {
    let args = ["scan", "corpus/", "--format", "json"];
    let run = reprint(&with_threads(&args, "2"));
    run.expect_code(0);
    assert_eq!(run.stderr, "", "{run}");
    assert_eq!(run.json()["stats"]["threads"], 2);
    let out = zero_elapsed_ms(&run.stdout, 1);

    let one = reprint(&with_threads(&args, "1"));
    one.expect_code(0);
    assert_eq!(
        without_threads(&out),
        without_threads(&zero_elapsed_ms(&one.stdout, 1)),
        "-j 2 and -j 1 differ"
    );
    insta::assert_snapshot!("scan_json", out);
}

/// The HTML page's embedded data (`<script id="data"
/// type="application/json">`), indented; the page around it is CSS and
/// JavaScript, not snapshotted.
#[test]
fn scan_html_data() {
    const OPEN: &str = r#"<script id="data" type="application/json">"#;
    let page = |j: &str| {
        let run = reprint(&["scan", "corpus/", "--format", "html", "-j", j]);
        run.expect_code(0);
        assert_eq!(run.stderr, "", "{run}");
        let html = run.stdout;
        assert!(html.starts_with("<!DOCTYPE html>\n"), "{html}");
        assert!(html.ends_with("</html>\n"), "{html}");
        assert_eq!(html.matches(OPEN).count(), 1, "one data block");
        let start = html.find(OPEN).unwrap() + OPEN.len();
        let len = html[start..].find("</script>").expect("data block closes");
        let data = zero_elapsed_ms(&html[start..start + len], 1);
        assert!(
            !data.contains(['<', '>', '&']),
            "`<`, `>` and `&` are escaped in the data block"
        );
        let shell = format!("{}{}", &html[..start], &html[start + len..]);
        (shell, data)
    };
    let (shell, data) = page("2");
    let (shell_1, data_1) = page("1");
    assert_eq!(shell, shell_1, "the page around the data differs with -j 1");
    assert_eq!(
        without_threads(&data),
        without_threads(&data_1),
        "-j 2 and -j 1 differ"
    );
    let parsed: Value = serde_json::from_str(&data).expect("data is JSON");
    assert_eq!(parsed["report"]["stats"]["threads"], 2);
    insta::assert_snapshot!("scan_html_data", reindent(&data));
}

// ---------------------------------------------------------------------------
// The index and check
// ---------------------------------------------------------------------------

/// The history: `corpus/wire` and `corpus/feeds` in a temporary index.
/// Checking the rest of the corpus against it finds copies of indexed
/// documents, duplicates among the new documents, boilerplate, paragraphs
/// repeated within a document and doubled documents.
struct History {
    dir: TempDir,
    index: String,
    /// The first-seen times of the indexed documents.
    first_seen: Vec<String>,
    /// Standard output of `index add`.
    added: String,
}

/// The checked documents.
const NEW: [&str; 4] = [
    "corpus/outlets",
    "corpus/pages",
    "corpus/spun",
    "corpus/misc",
];

impl History {
    fn new() -> History {
        let dir = tempfile::tempdir().expect("temp dir");
        let index = dir
            .path()
            .join("ix.sqlite")
            .to_str()
            .expect("UTF-8 temp path")
            .to_string();
        let add = reprint(&[
            "index",
            "add",
            "corpus/wire",
            "corpus/feeds",
            "--index",
            &index,
            "-j",
            "2",
        ]);
        add.expect_code(0);
        assert_eq!(add.stderr, "", "{add}");
        let stats = reprint(&["index", "stats", "--index", &index, "--json"]);
        stats.expect_code(0);
        let stats = stats.json();
        let mut first_seen: Vec<String> = ["first_seen_min", "first_seen_max"]
            .iter()
            .map(|k| {
                let t = stats[k]
                    .as_str()
                    .unwrap_or_else(|| panic!("{k} in {stats:#}"));
                assert!(t.len() == 20 && t.ends_with('Z'), "{k} = {t}");
                t.to_string()
            })
            .collect();
        first_seen.dedup();
        History {
            dir,
            index,
            first_seen,
            added: add.stdout,
        }
    }

    fn tmp(&self) -> &str {
        self.dir.path().to_str().expect("UTF-8 temp path")
    }

    /// `s` with the temporary directory and the first-seen times replaced.
    fn normalize(&self, s: &str) -> String {
        let mut s = s.replace(self.tmp(), "<TMP>");
        for t in &self.first_seen {
            s = s.replace(t.as_str(), "<FIRST_SEEN>");
        }
        s
    }

    /// `reprint check NEW... --index INDEX EXTRA... -j THREADS`.
    fn check(&self, extra: &[&str], threads: &str) -> Run {
        let mut args = vec!["check"];
        args.extend(NEW);
        args.extend(["--index", &self.index]);
        args.extend(extra);
        args.extend(["-j", threads]);
        let run = reprint(&args);
        assert_eq!(run.stderr, "", "{run}");
        run
    }

    /// The check's normalized output in `format`, the same with `-j 1` and
    /// `-j 2`; exit status `code`.
    fn check_format(&self, format: &str, extra: &[&str], code: i32) -> String {
        let mut args = vec!["--format", format];
        args.extend(extra);
        let outs: Vec<String> = ["2", "1"]
            .iter()
            .map(|j| {
                let run = self.check(&args, j);
                run.expect_code(code);
                let mut out = self.normalize(&run.stdout);
                if format == "json" {
                    // The scan report inside carries its stats.
                    out = zero_elapsed_ms(&out, 1);
                    let v: Value = serde_json::from_str(&out).expect("check JSON");
                    assert_eq!(v["scan"]["stats"]["threads"], j.parse::<u64>().unwrap());
                    let mut seen = Vec::new();
                    values_of(&v, "first_seen", &mut seen);
                    assert!(!seen.is_empty());
                    assert!(seen.iter().all(|t| *t == "<FIRST_SEEN>"), "{seen:?}");
                }
                out
            })
            .collect();
        assert_eq!(
            without_threads(&outs[0]),
            without_threads(&outs[1]),
            "-j 2 and -j 1 differ"
        );
        outs[0].clone()
    }
}

#[test]
fn index_add_text_and_json() {
    let history = History::new();
    insta::assert_snapshot!("index_add_text", history.normalize(&history.added));

    // A fresh index with --json, then the same inputs again: all known.
    let dir = tempfile::tempdir().expect("temp dir");
    let index = dir.path().join("ix.sqlite");
    let index = index.to_str().expect("UTF-8 temp path");
    let add = |what: &str| {
        let run = reprint(&[
            "index",
            "add",
            "corpus/wire",
            "corpus/feeds",
            "--index",
            index,
            "--json",
            "-j",
            "2",
        ]);
        run.expect_code(0);
        assert_eq!(run.stderr, "", "{what}: {run}");
        run.stdout.replace(dir.path().to_str().unwrap(), "<TMP>")
    };
    insta::assert_snapshot!("index_add_json", add("first"));
    insta::assert_snapshot!("index_add_json_again", add("again"));
}

#[test]
fn index_stats_text_and_json() {
    let history = History::new();

    let run = reprint(&["index", "stats", "--index", &history.index]);
    run.expect_code(0);
    assert_eq!(run.stderr, "", "{run}");
    let (text, n) =
        replace_number_after(&history.normalize(&run.stdout), "size on disk:", "<BYTES>");
    assert_eq!(n, 1, "{text}");
    insta::assert_snapshot!("index_stats_text", text);

    let run = reprint(&["index", "stats", "--index", &history.index, "--json"]);
    run.expect_code(0);
    assert_eq!(run.stderr, "", "{run}");
    let (json, n) = replace_number_after(
        &history.normalize(&run.stdout),
        "\"bytes_on_disk\":",
        "<BYTES>",
    );
    assert_eq!(n, 1, "{json}");
    insta::assert_snapshot!("index_stats_json", json);
}

#[test]
fn check_text() {
    let history = History::new();
    insta::assert_snapshot!("check_text", history.check_format("text", &[], 1));
}

#[test]
fn check_json() {
    let history = History::new();
    let out = history.check_format("json", &[], 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    let kinds: std::collections::BTreeSet<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        [
            "boilerplate_paragraph",
            "derived_document",
            "doubled_document",
            "duplicate_document",
            "repeated_within_document",
            "reprinted_paragraph"
        ],
        "the split of the corpus gives findings of several kinds"
    );
    insta::assert_snapshot!("check_json", out);
}

#[test]
fn check_sarif() {
    let history = History::new();
    let out = history.check_format("sarif", &[], 1);
    let v: Value = serde_json::from_str(&out).expect("SARIF is JSON");
    assert_eq!(v["version"], "2.1.0");
    insta::assert_snapshot!("check_sarif", out);
}

#[test]
fn check_github() {
    let history = History::new();
    insta::assert_snapshot!("check_github", history.check_format("github", &[], 1));
}

/// `--write-baseline`, then a check with a baseline that accepts the
/// boilerplate and doubled-document findings: those are `known`, the rest
/// still fail the check.
#[test]
fn check_with_baseline() {
    let history = History::new();
    let written = history.dir.path().join("baseline.json");
    let written = written.to_str().unwrap();
    let run = history.check(&["--format", "github", "--write-baseline", written], "2");
    run.expect_code(1);
    let baseline = std::fs::read_to_string(written).expect("baseline written");
    insta::assert_snapshot!("check_baseline_written", history.normalize(&baseline));

    let mut partial: Value = serde_json::from_str(&baseline).expect("baseline is JSON");
    partial["findings"]
        .as_array_mut()
        .expect("findings")
        .retain(|f| f["kind"] == "boilerplate_paragraph" || f["kind"] == "doubled_document");
    let path = history.dir.path().join("partial.json");
    std::fs::write(&path, partial.to_string()).unwrap();
    let path = path.to_str().unwrap();

    for format in ["text", "json", "sarif", "github"] {
        let out = history.check_format(format, &["--baseline", path], 1);
        insta::assert_snapshot!(format!("check_baseline_{format}"), out);
    }
}

// ---------------------------------------------------------------------------
// eval
// ---------------------------------------------------------------------------

/// A labelled JSON Lines corpus made of corpus files: the bridge stories
/// share a label, so do the grain pair and the two museum stories (the same
/// event in different words, which reprint rightly does not match: a missed
/// pair), and two unrelated articles have none.
fn labels() -> (TempDir, String) {
    let files = [
        ("wire/harbor-bridge-closure.txt", Some("bridge")),
        ("outlets/coastal-times-bridge.txt", Some("bridge")),
        ("outlets/valley-herald-bridge.txt", Some("bridge")),
        ("wire/grain-harvest-record.txt", Some("grain")),
        ("outlets/farm-weekly-grain.txt", Some("grain")),
        ("wire/museum-reopening.txt", Some("museum")),
        ("outlets/daily-star-museum.txt", Some("museum")),
        ("misc/court-ruling.txt", None),
        ("misc/weather-warning.txt", None),
    ];
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut jsonl = String::new();
    for (file, label) in files {
        let text = std::fs::read_to_string(root.join(file)).expect("corpus file");
        let record =
            serde_json::json!({ "id": format!("corpus/{file}"), "text": text, "label": label });
        jsonl.push_str(&record.to_string());
        jsonl.push('\n');
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("labels.jsonl");
    std::fs::write(&path, jsonl).unwrap();
    let path = path.to_str().expect("UTF-8 temp path").to_string();
    (dir, path)
}

/// `reprint eval LABELS --label-field label EXTRA...`, the same with `-j 1`
/// and `-j 2`, exit 0; `normalize` removes the elapsed time.
fn eval(extra: &[&str], normalize: impl Fn(&str) -> String) -> String {
    let (dir, labels) = labels();
    let outs: Vec<String> = ["2", "1"]
        .iter()
        .map(|j| {
            let mut args = vec!["eval", labels.as_str(), "--label-field", "label"];
            args.extend(extra);
            args.extend(["-j", j]);
            let run = reprint(&args);
            run.expect_code(0);
            assert_eq!(run.stderr, "", "{run}");
            normalize(&run.stdout.replace(dir.path().to_str().unwrap(), "<TMP>"))
        })
        .collect();
    assert_eq!(outs[0], outs[1], "-j 2 and -j 1 differ");
    outs[0].clone()
}

#[test]
fn eval_text() {
    let out = eval(&[], |s| normalize_elapsed_on_line(s, 1, "ms"));
    insta::assert_snapshot!("eval_text", out);
}

#[test]
fn eval_exact_text() {
    let out = eval(&["--exact"], |s| normalize_elapsed_on_line(s, 1, "ms"));
    insta::assert_snapshot!("eval_exact_text", out);
}

#[test]
fn eval_json() {
    let out = eval(&["--json"], |s| zero_elapsed_ms(s, 1));
    insta::assert_snapshot!("eval_json", out);
}
