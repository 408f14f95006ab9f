//! The HTML report in a real headless browser (Debian's chromium): a corpus
//! whose articles, titles, URLs and file names carry `<script>`, `onerror=`
//! and `javascript:` payloads renders, shows its texts side by side with
//! shared passages marked, and runs none of the payloads; a rewritten
//! reprint shows as a reuse finding whose texts carry the same numbered
//! passages on both sides.
//!
//! Chromium is found on PATH (`.ci/run` installs it). Without it the test
//! says so and passes, except under `CI=true`, where a missing browser
//! fails it.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;
use serde_json::Value;

/// Every payload sets `body.id = "pwned"` if it ever runs.
const PAYLOADS: &[&str] = &[
    "<script>document.body.id='pwned'</script>",
    "</script><script>document.body.id='pwned'</script>",
    "<img src=x onerror=\"document.body.id='pwned'\">",
    "<svg onload=\"document.body.id='pwned'\"></svg>",
    "<!-- <script>document.body.id='pwned'</script> -->",
];

fn chromium() -> Option<String> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find(|b| {
            Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .map(|b| b.to_string())
}

/// The DOM after the page's scripts ran, with the `#hash` given.
fn dump_dom(browser: &str, page: &Path, hash: &str) -> String {
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--dump-dom",
        ])
        .arg(format!("file://{}{hash}", page.display()))
        .output()
        .expect("run chromium");
    assert!(out.status.success(), "chromium failed: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn hostile_corpus(env: &TestEnv) {
    let story = article(90).text();
    let evil = PAYLOADS.join(" ");
    let text = format!("{evil}\n\n{story}\n\n{evil}");
    let rec = |id: &str, text: &str, url: &str| {
        jsonl_line(&[
            ("id", Value::from(id)),
            ("text", Value::from(text)),
            ("title", Value::from(format!("{evil} headline"))),
            ("url", Value::from(url)),
            (
                "source",
                Value::from("<b onmouseover=\"document.body.id='pwned'\">Outlet</b>"),
            ),
        ])
    };
    env.write(
        "feed.jsonl",
        format!(
            "{}{}",
            rec(
                "<script>document.body.id='pwned'</script>",
                &text,
                "javascript:document.body.id='pwned'"
            ),
            rec(
                "copy\" onclick=\"document.body.id='pwned'",
                &text,
                "https://example.org/a?x=<script>"
            ),
        ),
    );
    // A file name with markup in it, holding the same story.
    env.write("<img src=x onerror=alert(1)>.txt", &text);
}

#[test]
fn hostile_text_renders_escaped_in_a_real_browser() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var("CI").is_err(),
            "CI=true but no chromium on PATH: .ci/run installs it (apt-get install chromium)"
        );
        eprintln!("skipped: no chromium on PATH (apt-get install chromium to run this test)");
        return;
    };
    let env = TestEnv::new();
    hostile_corpus(&env);
    let run = env.scan(&[".", "--format", "html", "-o", "report.html"]);
    run.expect_code(0);
    let page = env.path("report.html");
    let html = std::fs::read_to_string(&page).unwrap();
    // The file itself: no payload outside the escaped JSON block.
    for p in PAYLOADS {
        assert!(!html.contains(p), "raw payload in the file: {p}");
    }
    assert!(!html.contains("http://") || html.contains("https://example.org"));

    // The list, then each finding opened in turn.
    let list = dump_dom(&browser, &page, "");
    assert!(
        list.contains("class=\"finding\""),
        "no findings rendered:\n{list}"
    );
    let findings = list.matches("class=\"finding\"").count();
    assert!(findings >= 2, "{findings} findings");
    let mut marks = 0;
    let mut safe_link = false;
    for n in 1..=findings {
        let dom = dump_dom(&browser, &page, &format!("#open={n}"));
        assert!(
            !dom.contains("id=\"pwned\""),
            "a payload ran with finding {n} open:\n{dom}"
        );
        assert!(!dom.contains("href=\"javascript:"), "javascript: link made");
        assert!(dom.contains("class=\"detail\""), "finding {n} did not open");
        marks += dom.matches("<mark>").count();
        if n == 1 {
            // The payloads are shown as text.
            assert!(
                dom.contains("&lt;script&gt;document.body.id='pwned'&lt;/script&gt;"),
                "payload text not shown escaped"
            );
        }
    }
    // Each member of the first cluster compared in turn.
    for k in 1..=3 {
        let dom = dump_dom(&browser, &page, &format!("#open=1&pair={k}"));
        assert!(!dom.contains("id=\"pwned\"") && !dom.contains("href=\"javascript:"));
        safe_link |= dom.contains("href=\"https://example.org/a?x=%3Cscript%3E\"");
    }
    assert!(safe_link, "the https: URL was not made a link");
    assert!(marks > 0, "no shared passage was marked");

    // A screenshot of a cluster view, outside the repository, to look at.
    let shot = std::env::temp_dir().join("reprint-html-report.png");
    let out = Command::new(&browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--window-size=1400,1600",
        ])
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}#open=1", page.display()))
        .output()
        .expect("run chromium");
    assert!(out.status.success() && shot.exists());
    eprintln!("screenshot: {}", shot.display());
}

#[test]
fn sample_corpus_report_shows_every_finding_kind() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let env = TestEnv::new();
    let mut c = env.cmd();
    c.current_dir(root).args([
        "scan",
        "corpus",
        "--format",
        "html",
        "-o",
        env.path("corpus.html").to_str().unwrap(),
    ]);
    let run = Run::from(c.output().unwrap());
    run.expect_code(0);
    let html = std::fs::read_to_string(env.path("corpus.html")).unwrap();
    let start = html.find("type=\"application/json\">").unwrap() + 24;
    let end = start + html[start..].find("</script>").unwrap();
    let data: Value = serde_json::from_str(&html[start..end]).unwrap();
    let r = &data["report"];
    assert!(!r["document_clusters"].as_array().unwrap().is_empty());
    assert!(!r["doubled_documents"].as_array().unwrap().is_empty());
    let kinds: Vec<&str> = r["paragraph_clusters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"boilerplate") && kinds.contains(&"reprinted"),
        "{kinds:?}"
    );
    // Every member of a finding has its text in the page.
    let texts = data["texts"].as_array().unwrap();
    for c in r["document_clusters"].as_array().unwrap() {
        for m in c["members"].as_array().unwrap() {
            assert!(
                texts
                    .iter()
                    .any(|t| t["path"] == m["path"] && t["line"] == m["line"]),
                "no text for {m}"
            );
        }
    }
    // Every finding, of every kind, opens on two texts with marked passages.
    if let Some(browser) = chromium() {
        let page = env.path("corpus.html");
        let list = dump_dom(&browser, &page, "");
        let n = list.matches("class=\"finding\"").count();
        let total = r["document_clusters"].as_array().unwrap().len()
            + r["paragraph_clusters"].as_array().unwrap().len()
            + r["doubled_documents"].as_array().unwrap().len()
            + r["reuse"].as_array().unwrap().len();
        assert_eq!(n, total);
        for i in 1..=n {
            let dom = dump_dom(&browser, &page, &format!("#open={i}"));
            let kind = dom
                .split("class=\"finding\" data-kind=\"")
                .nth(i)
                .and_then(|s| s.split('"').next())
                .unwrap_or("?")
                .to_string();
            assert!(
                dom.contains("<mark>"),
                "finding {i} ({kind}) shows no marked passage"
            );
        }
    }
}

/// The passage numbers of the blocks in `html` (`data-passages="1 2"`).
fn passage_numbers(html: &str) -> Vec<Vec<u32>> {
    html.split("data-passages=\"")
        .skip(1)
        .map(|s| {
            s.split('"')
                .next()
                .unwrap()
                .split(' ')
                .map(|n| n.parse().unwrap())
                .collect()
        })
        .collect()
}

#[test]
fn a_rewritten_reprint_is_a_reuse_finding_with_passages_marked_on_both_sides() {
    // The reprint ends on markup, which must show as text.
    let reprint = format!("{REPRINT}\n{}\n", PAYLOADS.join(" "));
    let env = TestEnv::with_files(&[("wire.txt", WIRE), ("reprint.txt", &reprint)]);
    let (run, report) = env.scan_json(&["."]);
    run.expect_code(0);
    assert!(
        report["document_clusters"].as_array().unwrap().is_empty(),
        "not near-duplicates: {run}"
    );
    let links = report["reuse"].as_array().unwrap();
    assert_eq!(links.len(), 1, "{run}");
    assert_eq!(links[0]["doc"], "./reprint.txt");
    assert_eq!(links[0]["source"], "./wire.txt");
    let passages = links[0]["passages"].as_array().unwrap().len();
    assert!(passages >= 3, "{passages} passages");

    env.scan(&[".", "--format", "html", "-o", "report.html"])
        .expect_code(0);
    let page = env.path("report.html");
    let html = std::fs::read_to_string(&page).unwrap();
    let start = html.find("type=\"application/json\">").unwrap() + 24;
    let end = start + html[start..].find("</script>").unwrap();
    let data: Value = serde_json::from_str(&html[start..end]).unwrap();
    // Both texts of the link travel with the page.
    for path in ["./reprint.txt", "./wire.txt"] {
        assert!(
            data["texts"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t["path"] == path && t["line"] == 1),
            "no text for {path}"
        );
    }
    assert!(html.contains("<option value=\"reuse\">reuse (derived documents)</option>"));

    let Some(browser) = chromium() else {
        assert!(
            std::env::var("CI").is_err(),
            "CI=true but no chromium on PATH: .ci/run installs it (apt-get install chromium)"
        );
        eprintln!("skipped the browser part: no chromium on PATH");
        return;
    };
    let list = dump_dom(&browser, &page, "");
    let kinds: Vec<&str> = list
        .split("class=\"finding\" data-kind=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .collect();
    let n = 1 + kinds
        .iter()
        .position(|k| *k == "reuse")
        .unwrap_or_else(|| panic!("no reuse finding among {kinds:?}"));
    assert!(
        list.contains("./reprint.txt ← ./wire.txt"),
        "the finding names derived ← source"
    );

    // Opened, with its second passage picked.
    let dom = dump_dom(&browser, &page, &format!("#open={n}&pair=2"));
    let view = &dom[dom
        .find("class=\"reuse-view\"")
        .expect("a side-by-side view")..];
    let at = view.find("class=\"col source\"").expect("a source column");
    let (derived, source) = view.split_at(at);
    assert!(derived.contains("class=\"col derived\""));
    let (d, s) = (passage_numbers(derived), passage_numbers(source));
    for k in 1..=passages as u32 {
        assert!(
            d.iter().any(|b| b.contains(&k)) && s.iter().any(|b| b.contains(&k)),
            "passage {k} is not marked on both sides: derived {d:?}, source {s:?}"
        );
    }
    assert!(
        derived.contains("<mark>") && source.contains("<mark>"),
        "no shared words marked inside the passages"
    );
    // The picked passage is highlighted on both sides.
    for side in [derived, source] {
        let on = side
            .split("class=\"block passage on\" data-passages=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("a highlighted passage");
        assert!(on.split(' ').any(|x| x == "2"), "{on}");
    }
    assert!(!dom.contains("id=\"pwned\""), "a payload ran:\n{dom}");
    assert!(
        derived.contains("&lt;script&gt;document.body.id='pwned'&lt;/script&gt;"),
        "the markup is not shown as text"
    );
    for text in ["wholly derived", "Direction, by coverage"] {
        assert!(dom.contains(text), "{text} not shown");
    }
}
