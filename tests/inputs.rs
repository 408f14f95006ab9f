//! Input formats and bad input: compressed JSON Lines, and malformed files
//! that must end in a clear message and the right exit status, never a crash
//! or a silent loss.

mod common;

use std::io::Write;

use common::*;

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).expect("gzip in memory");
    e.finish().expect("gzip in memory")
}

fn zstd(bytes: &[u8]) -> Vec<u8> {
    ruzstd::encoding::compress_to_vec(bytes, ruzstd::encoding::CompressionLevel::Fastest)
}

/// `n` records `{prefix}{i}` holding unrelated articles; different
/// prefixes give different articles.
fn filler(prefix: &str, n: u64) -> String {
    let base = prefix.bytes().fold(100u64, |h, b| h * 31 + u64::from(b)) % 100_000;
    (0..n)
        .map(|i| record(&format!("{prefix}{i}"), &unrelated(base + i).text()))
        .collect()
}

#[test]
fn gzip_zstd_and_plain_files_scan_into_one_report() {
    let orig = article(1);
    let gz = format!(
        "{}{}",
        filler("gz-", 3),
        record("wire-original", &orig.text())
    );
    let zst = format!(
        "{}{}",
        record("outlet-copy", &exact_copy(&orig).text()),
        filler("zst-", 3)
    );
    let env = TestEnv::new();
    env.write("feeds/a.jsonl.gz", gzip(gz.as_bytes()));
    env.write("feeds/b.jsonl.zst", zstd(zst.as_bytes()));
    env.write(
        "feeds/c.txt.gz",
        gzip(trimmed_reprint(&orig, 2).text().as_bytes()),
    );
    env.write("feeds/d.txt", unrelated(50).text());
    let (run, report) = env.scan_json(&["feeds"]);
    run.expect_code(0);
    assert_eq!(stat(&report, "documents"), 10, "{run}");
    assert_eq!(stat(&report, "skipped_inputs"), 0);
    assert_eq!(
        cluster_sets(&report),
        vec![set_of(&["feeds/c.txt.gz", "outlet-copy", "wire-original"])],
        "{run}"
    );
    // Lines count decompressed records.
    let m = member(&report, "wire-original").expect("member");
    assert_eq!(m["path"], "feeds/a.jsonl.gz");
    assert_eq!(m["line"], 4);
    assert_eq!(member(&report, "outlet-copy").unwrap()["line"], 1);
}

#[test]
fn a_truncated_gzip_stream_keeps_the_records_before_the_cut() {
    let body = filler("r", 40);
    let packed = gzip(body.as_bytes());
    let env = TestEnv::new();
    env.write("in/cut.jsonl.gz", &packed[..packed.len() * 2 / 3]);
    env.write("in/whole.jsonl", filler("w", 2));
    let (run, report) = env.scan_json(&["in"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("in/cut.jsonl.gz")
            && run.stderr.contains("corrupt or truncated gzip stream")
            && run.stderr.contains("the records before it were kept"),
        "{run}"
    );
    assert_eq!(stat(&report, "skipped_inputs"), 1);
    let docs = stat(&report, "documents");
    assert!(
        (2 + 10..2 + 40).contains(&docs),
        "kept {docs} documents:\n{run}"
    );
}

#[test]
fn a_truncated_zstd_stream_is_named_and_counted() {
    let body = filler("r", 40);
    let packed = zstd(body.as_bytes());
    let env = TestEnv::new();
    env.write("in/cut.jsonl.zst", &packed[..packed.len() / 2]);
    let (run, report) = env.scan_json(&["in"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("in/cut.jsonl.zst")
            && run.stderr.contains("corrupt or truncated zstd stream"),
        "{run}"
    );
    assert_eq!(stat(&report, "skipped_inputs"), 1);
}

#[test]
fn a_file_that_is_not_gzip_at_all_is_skipped_with_a_reason() {
    let env = TestEnv::new();
    env.write("in/plain.jsonl.gz", filler("r", 2));
    env.write("in/ok.jsonl", filler("w", 2));
    let (run, report) = env.scan_json(&["in"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("in/plain.jsonl.gz") && run.stderr.contains("gzip"),
        "{run}"
    );
    assert_eq!(stat(&report, "documents"), 2);
    assert_eq!(stat(&report, "skipped_inputs"), 1);
}

#[test]
fn feeds_pages_and_compressed_jsonl_scan_into_one_report_with_metadata() {
    let orig = article(7);
    let body = html_paragraphs(&orig);
    let rss = courier_rss(
        &orig,
        &format!(
            "<item><title>Other</title><guid>courier-2</guid><description>{}</description></item>",
            unrelated(70).text()
        ),
    );
    let atom = format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Metro Desk</title><id>urn:metro</id>
<updated>2024-05-04T00:00:00Z</updated>
<entry><title>{title}</title><id>urn:metro:9</id><link href="https://metro.example/9"/>
<updated>2024-05-04T07:00:00Z</updated>
<content type="html"><![CDATA[{body}]]></content></entry></feed>"#,
        title = orig.headline
    );
    let page = format!(
        r#"<html><head><title>{title} | Harbor Gazette</title>
<meta property="article:published_time" content="2024-05-02T18:00:00Z">
<meta property="og:site_name" content="Harbor Gazette"></head>
<body><nav><a href="/">Home</a> · <a href="/sport">Sport</a></nav>
<article><h1>{title}</h1>{body}</article>
<footer>Leave a reply. Subscribe to our newsletter.</footer></body></html>"#,
        title = orig.headline
    );
    let wire = jsonl_line(&[
        ("id", "wire-1".into()),
        ("text", orig.text().into()),
        ("date", "2024-05-01T12:00:00Z".into()),
        ("source", "Wire Service".into()),
        ("url", "https://wire.example/1".into()),
    ]);
    let env = TestEnv::new();
    env.write("in/courier.rss", rss);
    env.write("in/metro.atom", atom);
    env.write("in/gazette.html", page);
    env.write("in/wire.jsonl.gz", gzip(wire.as_bytes()));
    env.write("in/more.jsonl.zst", zstd(filler("z", 2).as_bytes()));
    env.write("in/note.txt", unrelated(71).text());
    let (run, report) = env.scan_json(&["in"]);
    run.expect_code(0);
    assert_eq!(stat(&report, "documents"), 8, "{run}");
    let c = &report["document_clusters"][0];
    assert_eq!(
        cluster_sets(&report),
        vec![set_of(&[
            "courier-1",
            "in/gazette.html",
            "urn:metro:9",
            "wire-1"
        ])],
        "{run}"
    );
    // The earliest dated member is named and the members run by date.
    assert_eq!(c["earliest"], "wire-1");
    let order: Vec<&str> = c["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["doc"].as_str().unwrap())
        .collect();
    assert_eq!(
        order,
        ["wire-1", "in/gazette.html", "courier-1", "urn:metro:9"]
    );
    let m = member(&report, "courier-1").unwrap();
    assert_eq!(m["source"], "Daily Courier");
    assert_eq!(m["url"], "https://courier.example/s/1");
    assert_eq!(m["date"], "2024-05-03T09:00:00Z");
    assert_eq!(m["path"], "in/courier.rss");
    let g = member(&report, "in/gazette.html").unwrap();
    assert_eq!(g["source"], "Harbor Gazette");
    assert_eq!(g["date"], "2024-05-02T18:00:00Z");
    assert_eq!(member(&report, "wire-1").unwrap()["source"], "Wire Service");
    // The text report says it too.
    let text = env.scan(&["in"]);
    assert!(
        text.stdout.contains("earliest (likely original): wire-1")
            && text.stdout.contains("2024-05-03T09:00:00Z · Daily Courier"),
        "{text}"
    );
}

#[test]
fn malformed_feeds_and_entity_bombs_are_skipped_or_read_safely() {
    let env = TestEnv::new();
    env.write("in/broken.rss", "<rss><channel><item><title>cut off");
    env.write(
        "in/bomb.xml",
        r#"<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">]>
<rss version="2.0"><channel><title>t</title><item><guid>x</guid><description>&e;&e;&e;&e;</description></item></channel></rss>"#,
    );
    env.write("in/ok.txt", unrelated(80).text());
    let (run, report) = env.scan_json(&["in"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("in/broken.rss")
            && run.stderr.contains("not a readable RSS or Atom feed"),
        "{run}"
    );
    assert!(stat(&report, "skipped_inputs") >= 1, "{run}");
    assert!(
        stat(&report, "bytes") < 1_000_000,
        "an entity bomb was expanded:\n{run}"
    );
}

/// `tests/fixtures/bad`: one malformed input of each kind (see its README).
fn bad_fixtures() -> String {
    format!("{}/tests/fixtures/bad", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_bad_fixture_is_named_explained_and_counted_and_the_rest_is_read() {
    let env = TestEnv::new();
    let dir = bad_fixtures();
    let (run, report) = env.scan_json(&[&dir]);
    run.expect_code(2);
    let expect = [
        ("binary.txt: looks like a binary file", "skipped"),
        (
            "deeply-nested.html: nests elements 5003 deep, over the limit of 512 levels",
            "warning",
        ),
        ("empty.txt: holds no words", "warning"),
        ("whitespace.txt: holds no words", "warning"),
        ("invalid-utf8.txt: is not valid UTF-8", "warning"),
        (
            "not-well-formed.rss: not a readable RSS or Atom feed",
            "skipped",
        ),
        ("records.jsonl:2: invalid JSON", "skipped"),
        ("records.jsonl:3: not a JSON object", "skipped"),
        ("records.jsonl:4: no `text` field", "skipped"),
        ("records.jsonl:5: field `text` is a number", "skipped"),
        (
            "records.jsonl:6: id `good-1` is used by an earlier document",
            "warning",
        ),
        ("truncated.jsonl.gz: reading stopped after line", "skipped"),
        ("truncated.jsonl.zst: reading stopped after line", "skipped"),
    ];
    for (what, kind) in expect {
        assert!(
            run.stderr
                .contains(&format!("reprint: {kind}: {dir}/{what}")),
            "missing `{kind}: {what}`:\n{run}"
        );
    }
    assert_eq!(stat(&report, "skipped_inputs"), 4, "{run}");
    assert_eq!(stat(&report, "skipped_records"), 4, "{run}");
    assert_eq!(stat(&report, "warnings"), 5, "{run}");
    // What could be read was: the good records, the records before each
    // cut, the lossy text, the empty files, the deep page, the bomb feed.
    assert_eq!(stat(&report, "empty_documents"), 2, "{run}");
    assert!(stat(&report, "documents") >= 8, "{run}");
    let issues = report["issues"].as_array().unwrap();
    assert_eq!(issues.len(), 13);
}

#[test]
fn strict_turns_any_input_problem_into_an_error_without_a_report() {
    let env = TestEnv::new();
    let dir = format!("{}/records.jsonl", bad_fixtures());
    let run = env.scan(&[&dir, "--strict", "--format", "json"]);
    run.expect_code(2);
    assert!(run.stdout.is_empty(), "no report with --strict:\n{run}");
    assert!(
        run.stderr.contains("records.jsonl:2: invalid JSON")
            && run.stderr.contains("--strict: 5 input problem(s)"),
        "{run}"
    );
    // Quiet still says what failed.
    let run = env.scan(&[&dir, "--strict", "-q"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("records.jsonl:3: not a JSON object"),
        "{run}"
    );
    // A clean input passes.
    env.write("ok.jsonl", record("a", &unrelated(3).text()));
    env.scan(&["ok.jsonl", "--strict"]).expect_code(0);
}

#[cfg(unix)]
#[test]
fn a_directory_symlink_loop_is_reported_once_and_the_scan_goes_on() {
    let env = TestEnv::new();
    env.write("root/a/story.txt", unrelated(4).text());
    std::os::unix::fs::symlink(env.path("root"), env.path("root/a/loop")).unwrap();
    let (run, report) = env.scan_json(&["root"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("root/a/loop") && run.stderr.contains("symbolic link loop"),
        "{run}"
    );
    assert_eq!(stat(&report, "documents"), 1);
    assert_eq!(stat(&report, "skipped_inputs"), 1);
}

#[test]
fn an_over_long_record_or_file_is_skipped_not_held() {
    let long = "word ".repeat(600_000); // 3 MB
    let lines = format!(
        "{}{}{}",
        record("before", &unrelated(90).text()),
        record("huge", &long),
        record("after", &unrelated(91).text())
    );
    let env = TestEnv::new();
    env.write("in/records.jsonl", lines);
    env.write("in/big.txt", &long);
    env.write("in/small.txt", unrelated(92).text());
    let (run, report) = env.scan_json(&["in", "--max-record-mb", "1"]);
    run.expect_code(2);
    assert!(
        run.stderr
            .contains("in/records.jsonl:2: is 3000023 bytes long, over the 1 MiB limit"),
        "{run}"
    );
    assert!(run.stderr.contains("raise --max-record-mb"), "{run}");
    assert!(
        run.stderr
            .contains("in/big.txt: is too large, over the 1 MiB limit"),
        "{run}"
    );
    assert_eq!(
        stat(&report, "documents"),
        3,
        "before, after, small:\n{run}"
    );
    assert_eq!(stat(&report, "skipped_records"), 1);
    assert_eq!(stat(&report, "skipped_inputs"), 1);
    // Under the default limit both are read.
    let (run, report) = env.scan_json(&["in"]);
    run.expect_code(0);
    assert_eq!(stat(&report, "documents"), 5);
}

/// A JSONL record with a source and a date.
fn dated(id: &str, text: &str, source: &str, date: &str) -> String {
    jsonl_line(&[
        ("id", id.into()),
        ("text", text.into()),
        ("source", source.into()),
        ("date", date.into()),
    ])
}

#[test]
fn same_source_skip_and_window_keep_pairs_apart() {
    let a = article(30);
    let env = TestEnv::new();
    env.write(
        "site.jsonl",
        [
            dated("x-1", &a.text(), "Site X", "2024-05-01"),
            dated(
                "x-2",
                &exact_copy(&a).text(),
                "Site X",
                "2024-05-02T10:00:00Z",
            ),
        ]
        .concat(),
    );
    let (run, r) = env.scan_json(&["site.jsonl"]);
    run.expect_code(0);
    assert_eq!(cluster_sets(&r), vec![set_of(&["x-1", "x-2"])]);
    let (run, r) = env.scan_json(&["site.jsonl", "--same-source", "skip"]);
    run.expect_code(0);
    assert!(cluster_sets(&r).is_empty(), "{run}");
    assert_eq!(r["params"]["same_source"], "skip");

    let b = article(31);
    let wire = |undated: bool| {
        let mut lines = vec![
            dated("w-may-1", &b.text(), "Wire", "2024-05-01T00:00:00Z"),
            dated("p-may-6", &b.text(), "Paper", "2024-05-06T00:00:00Z"),
            dated("m-jun-15", &b.text(), "Magazine", "2024-06-15T00:00:00Z"),
        ];
        if undated {
            lines.push(record("undated", &b.text()));
        }
        lines.concat()
    };
    env.write("wire.jsonl", wire(true));
    let (run, r) = env.scan_json(&["wire.jsonl", "--window", "7"]);
    run.expect_code(0);
    // June is more than 7 days from May; the undated copy matches everyone,
    // so it joins all three into one cluster, but June's own pairs with the
    // May copies are not verified.
    assert_eq!(r["params"]["window_days"], 7);
    let c = cluster_of(&r, "m-jun-15").expect("clustered through the undated copy");
    let pairs: Vec<(String, String)> = c["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["a"].as_str().unwrap().into(),
                p["b"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(
        !pairs.iter().any(|(a, b)| {
            let may = |x: &str| x.contains("-may-");
            (a == "m-jun-15" && may(b)) || (b == "m-jun-15" && may(a))
        }),
        "{pairs:?}"
    );
    // Without the undated copy, June stands alone.
    env.write("wire.jsonl", wire(false));
    let (run, r) = env.scan_json(&["wire.jsonl", "--window", "7"]);
    run.expect_code(0);
    assert_eq!(
        cluster_sets(&r),
        vec![set_of(&["p-may-6", "w-may-1"])],
        "{run}"
    );
    assert_eq!(r["document_clusters"][0]["earliest"], "w-may-1");
}

#[test]
fn a_directory_of_several_read_batches_loses_and_reorders_nothing() {
    // 1,300 files (the reader takes 512 at a time, absorbing one batch while
    // the next is read): files 700 and on are copies of files 0 to 599.
    let env = TestEnv::new();
    for i in 0..1300u64 {
        let src = if i < 700 { i } else { i - 700 };
        env.write(&format!("site/doc{i:04}.txt"), unrelated(src).text());
    }
    let (run, report) = env.scan_json(&["site"]);
    run.expect_code(0);
    assert_eq!(stat(&report, "documents"), 1300, "{run}");
    let want: Vec<_> = (0..600u64)
        .map(|i| {
            set_of(&[
                &format!("site/doc{i:04}.txt"),
                &format!("site/doc{:04}.txt", i + 700),
            ])
        })
        .collect();
    let mut got = cluster_sets(&report);
    got.sort();
    let mut want = want;
    want.sort();
    assert_eq!(got, want);
    // One thread reads the same report.
    let (_, one) = env.scan_json(&["site", "--threads", "1"]);
    let steady = |mut r: serde_json::Value| {
        r["stats"]["elapsed_ms"] = 0.into();
        r["stats"]["threads"] = 0.into();
        r
    };
    assert_eq!(steady(one), steady(report));
}
