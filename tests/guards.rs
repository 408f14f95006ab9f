//! Guards before parsing and nothing silent: hostile inputs (a page nested
//! 100,000 deep, a JSON record nested 200,000 deep, a gzip bomb) end fast
//! with a message naming the file; a document without text and a date that
//! cannot be read are warnings; `--strict` fails on them.

mod common;

use std::io::Write;

use common::*;

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).expect("gzip in memory");
    e.finish().expect("gzip in memory")
}

/// The warnings and skips of a JSON report, as `path[:line]: message`.
fn issues(report: &serde_json::Value) -> Vec<String> {
    report["issues"]
        .as_array()
        .expect("issues")
        .iter()
        .map(|i| match i["line"].as_u64() {
            Some(l) => format!(
                "{}:{l}: {}",
                i["path"].as_str().unwrap(),
                i["message"].as_str().unwrap()
            ),
            None => format!(
                "{}: {}",
                i["path"].as_str().unwrap(),
                i["message"].as_str().unwrap()
            ),
        })
        .collect()
}

#[test]
fn a_page_nested_100_000_deep_is_reduced_with_a_warning_naming_it() {
    let env = TestEnv::new();
    let page = format!(
        "<html><body>{}deep text{}</body></html>",
        "<div>".repeat(100_000),
        "</div>".repeat(100_000)
    );
    env.write("in/deep.html", page);
    env.write("in/ok.txt", unrelated(1).text());
    let (run, report) = env.scan_json(&["in"]);
    run.expect_code(0);
    assert!(
        run.stderr
            .contains("warning: in/deep.html: nests elements 100002 deep")
            && run.stderr.contains("over the limit of 512 levels"),
        "{run}"
    );
    assert_eq!(stat(&report, "documents"), 2);
    assert_eq!(stat(&report, "empty_documents"), 0, "the text is kept");
    assert_eq!(stat(&report, "warnings"), 1);
}

#[test]
fn a_feed_nested_too_deep_is_skipped_and_a_deep_item_reduced() {
    let env = TestEnv::new();
    env.write(
        "in/deep.rss",
        format!(
            "<rss version=\"2.0\"><channel><title>t</title><item><guid>g</guid>\
             <description>x</description>{}</item></channel></rss>",
            "<x>".repeat(10_000)
        ),
    );
    env.write(
        "in/item.rss",
        format!(
            "<rss version=\"2.0\"><channel><title>t</title><item><guid>g-1</guid>\
             <description><![CDATA[{}words inside]]></description></item></channel></rss>",
            "<div>".repeat(10_000)
        ),
    );
    let (run, report) = env.scan_json(&["in"]);
    run.expect_code(2);
    assert!(
        run.stderr
            .contains("skipped: in/deep.rss: nests XML elements 10003 deep, over the limit of 512"),
        "{run}"
    );
    assert!(
        run.stderr
            .contains("warning: in/item.rss: item 1 (`g-1`): nests elements 10000 deep"),
        "{run}"
    );
    assert_eq!(stat(&report, "documents"), 1);
}

#[test]
fn a_json_record_nested_200_000_deep_is_skipped_with_its_line() {
    let env = TestEnv::new();
    let deep =
        |open: &str, close: &str| format!("{}1{}", open.repeat(200_000), close.repeat(200_000));
    let lines = [
        record("ok", &unrelated(2).text()),
        format!("{}\n", deep("[", "]")),
        format!("{{\"text\": {}}}\n", deep("[", "]")),
        format!("{{\"text\": \"t\", \"id\": {}}}\n", deep("{\"a\":", "}")),
    ]
    .concat();
    env.write("deep.jsonl", lines);
    let (run, report) = env.scan_json(&["deep.jsonl"]);
    run.expect_code(2);
    for want in [
        "deep.jsonl:2: not a JSON object",
        "deep.jsonl:3: field `text` is an array",
        "deep.jsonl:4: invalid JSON (recursion limit exceeded",
    ] {
        assert!(run.stderr.contains(want), "missing {want}:\n{run}");
    }
    assert_eq!(stat(&report, "skipped_records"), 3);
}

#[test]
fn a_gzip_bomb_stops_with_a_message_naming_the_file() {
    // 80 MiB of newlines (80 gzip members of 1 MiB, 1 KiB each): past the
    // 64 MiB floor at 1,000 times its packed size.
    let env = TestEnv::new();
    let member = gzip(&vec![b'\n'; 1 << 20]);
    env.write("in/bomb.jsonl.gz", member.repeat(80));
    env.write("in/ok.jsonl", record("ok", &unrelated(3).text()));
    let (run, report) = env.scan_json(&["in"]);
    run.expect_code(2);
    assert!(
        run.stderr
            .contains("in/bomb.jsonl.gz: reading stopped after line")
            && run.stderr.contains("decompression bomb")
            && run.stderr.contains("decompress it and scan the plain file"),
        "{run}"
    );
    assert_eq!(stat(&report, "skipped_inputs"), 1);
    assert_eq!(stat(&report, "documents"), 1);
}

#[test]
fn documents_without_text_and_unreadable_dates_are_warnings() {
    let env = TestEnv::new();
    env.write(
        "in/empty.html",
        "<html><body><nav>Home · World</nav><script>var x = 1;</script></body></html>",
    );
    env.write(
        "in/dated.html",
        format!(
            "<meta property=\"article:published_time\" content=\"yesterday\"><p>{}</p>",
            unrelated(4).text()
        ),
    );
    env.write(
        "in/records.jsonl",
        [
            jsonl_line(&[("id", "a".into()), ("text", unrelated(5).text().into())]),
            jsonl_line(&[("id", "b".into()), ("text", " -- ".into())]),
            jsonl_line(&[
                ("id", "c".into()),
                ("text", unrelated(6).text().into()),
                ("date", "31/02/2024".into()),
            ]),
        ]
        .concat(),
    );
    env.write(
        "in/feed.rss",
        "<rss version=\"2.0\"><channel><title>t</title>\
         <item><guid>g-1</guid><description>&lt;p&gt; &lt;/p&gt;</description></item>\
         <item><guid>g-2</guid><pubDate>the day before</pubDate>\
         <description>Dock workers voted to end the strike on Friday.</description></item>\
         </channel></rss>",
    );
    env.write("in/blank.txt", "  \n");
    let (run, report) = env.scan_json(&["in"]);
    run.expect_code(0);
    let got = issues(&report);
    for want in [
        "in/blank.txt: holds no words; counted in stats.empty_documents",
        "in/dated.html: the page's date `yesterday` is not a date reprint reads",
        "in/empty.html: yields no text",
        "in/feed.rss: item 1 (`g-1`): yields no text",
        "in/feed.rss: item 1 (`g-1`): a date in the feed `the day before` is not a date reprint reads",
        "in/records.jsonl:2: field `text` holds no words",
        "in/records.jsonl:3: field `date` `31/02/2024` is not a date reprint reads",
    ] {
        assert!(
            got.iter().any(|g| g.starts_with(want)),
            "missing {want}:\n{got:#?}"
        );
        let printed = want
            .split_once(": ")
            .map(|(p, m)| format!("warning: {p}: {m}"));
        assert!(run.stderr.contains(&printed.unwrap()), "{run}");
    }
    assert_eq!(got.len(), 7, "{got:#?}");
    assert_eq!(stat(&report, "empty_documents"), 4);
    assert_eq!(stat(&report, "warnings"), 7);
    // --strict fails on them, with no report.
    let run = env.scan(&["in", "--strict", "--format", "json"]);
    run.expect_code(2);
    assert!(run.stdout.is_empty(), "{run}");
    assert!(run.stderr.contains("--strict: 7 input problem(s)"), "{run}");
}
