//! `reprint extract`: every document as matching sees it, in both formats.
//!
//! Pages give their article text (no site chrome), JSON Lines records and
//! feed items their ids and lines, standard input is read as a scan reads
//! it, and the text is the one a scan's paragraph line numbers point into.
//! A skipped input is listed on standard error and exits 2; the output does
//! not depend on the thread count. The text layout on part of the sample
//! corpus is pinned by a snapshot (`tests/snapshots/extract__*.snap`).

mod common;

use common::*;
use serde_json::Value;

/// Runs `reprint extract ARGS...` in `env`.
fn extract(env: &TestEnv, args: &[&str]) -> Run {
    let mut c = env.cmd();
    c.arg("extract").args(args);
    Run::from(c.output().expect("run reprint"))
}

/// The objects of `--format jsonl` output, one per line.
fn objects(run: &Run) -> Vec<Value> {
    run.stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}\n{run}")))
        .collect()
}

/// `out` holds every paragraph of `a` and none of the `chrome` markers.
fn assert_article_only(out: &str, a: &Article, chrome: &[&str]) {
    for p in &a.paragraphs {
        assert!(out.contains(p.as_str()), "paragraph missing: {p}\n{out}");
    }
    for c in chrome {
        assert!(!out.contains(c), "{c} leaked in:\n{out}");
    }
}

/// A page with site chrome around its article.
fn page(a: &Article) -> String {
    let body = html_paragraphs(a);
    format!(
        r#"<!doctype html><html><head><title>{title} | Harbor Gazette</title>
<link rel="canonical" href="https://gazette.example/news/1">
<meta property="article:published_time" content="2024-05-02T18:00:00Z">
<meta property="og:site_name" content="Harbor Gazette">
<script>var tracking = "TRACKER";</script><style>p {{ color: red }}</style></head>
<body><header>Harbor Gazette MASTHEAD</header>
<nav><a href="/">Home</a> · <a href="/sport">SPORTNAV</a></nav>
<article><h1>{title}</h1>
{body}</article>
<aside>MOSTREAD: other stories</aside>
<form>SIGNUPFORM your email</form>
<footer>Copyright FOOTERLINE. Subscribe to our newsletter.</footer></body></html>"#,
        title = a.headline
    )
}

#[test]
fn a_page_gives_its_article_text_and_metadata_in_both_formats() {
    let a = article(31);
    let env = TestEnv::with_files(&[("in/page.html", page(&a))]);
    let run = extract(&env, &["in/page.html"]);
    run.expect_code(0);
    let head = format!(
        "==> in/page.html (in/page.html:1) <==\n\
         url: https://gazette.example/news/1\n\
         title: {} | Harbor Gazette\n\
         date: 2024-05-02T18:00:00Z\n\
         source: Harbor Gazette\n\n",
        a.headline
    );
    assert!(run.stdout.starts_with(&head), "{run}");
    let text = &run.stdout[head.len()..];
    // The headline is the title; the text is the article's body.
    assert!(text.starts_with(&format!("{}\n", a.paragraphs[0])), "{run}");
    assert_article_only(
        &run.stdout,
        &a,
        &[
            "TRACKER",
            "color: red",
            "MASTHEAD",
            "SPORTNAV",
            "MOSTREAD",
            "SIGNUPFORM",
            "FOOTERLINE",
        ],
    );

    let run = extract(&env, &["in/page.html", "--format", "jsonl"]);
    run.expect_code(0);
    let docs = objects(&run);
    assert_eq!(docs.len(), 1);
    let d = &docs[0];
    assert_keys(
        d,
        &[
            "id",
            "path",
            "line",
            "url",
            "title",
            "date",
            "source",
            "paragraphs",
            "text",
        ],
        "a page's object",
    );
    assert_eq!(d["id"], "in/page.html");
    assert_eq!(d["path"], "in/page.html");
    assert_eq!(d["line"], 1);
    assert_eq!(d["source"], "Harbor Gazette");
    // The text format prints the same text, with one line break added.
    assert_eq!(format!("{}\n", d["text"].as_str().unwrap()), text);
    // Each <p> is a paragraph, a blank line apart.
    let spans: Vec<[u64; 2]> = serde_json::from_value(d["paragraphs"].clone()).unwrap();
    assert_eq!(spans.len(), a.paragraphs.len());
    assert_eq!(spans[0], [1, 1]);
    assert_eq!(spans[1], [3, 3]);
}

#[test]
fn json_lines_records_keep_their_ids_lines_and_metadata_in_input_order() {
    let env = TestEnv::with_files(&[(
        "in/day.jsonl",
        [
            jsonl_line(&[
                ("id", "wire-1".into()),
                ("text", "First story.\n\nIts second paragraph.".into()),
                ("title", "Headline\nwith a break".into()),
                ("date", "Thu, 02 May 2024 08:30:00 GMT".into()),
            ]),
            jsonl_line(&[("text", "No id here.".into()), ("source", "Herald".into())]),
            jsonl_line(&[("id", 77.into()), ("text", "".into())]),
        ]
        .concat(),
    )]);
    let run = extract(&env, &["in", "--format", "jsonl"]);
    run.expect_code(0);
    let docs = objects(&run);
    let ids: Vec<&str> = docs.iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["wire-1", "in/day.jsonl:2", "77"]);
    let lines: Vec<u64> = docs.iter().map(|d| d["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [1, 2, 3]);
    assert_eq!(docs[0]["date"], "2024-05-02T08:30:00Z");
    assert_eq!(docs[0]["paragraphs"], serde_json::json!([[1, 1], [3, 3]]));
    assert_keys(
        &docs[1],
        &["id", "path", "line", "source", "paragraphs", "text"],
        "a record without id",
    );
    // A document without text still appears.
    assert_eq!(docs[2]["text"], "");
    assert_eq!(docs[2]["paragraphs"], serde_json::json!([]));

    let run = extract(&env, &["in"]);
    run.expect_code(0);
    assert_eq!(
        run.stdout,
        "==> wire-1 (in/day.jsonl:1) <==\n\
         title: Headline with a break\n\
         date: 2024-05-02T08:30:00Z\n\n\
         First story.\n\nIts second paragraph.\n\
         \n==> in/day.jsonl:2 (in/day.jsonl:2) <==\n\
         source: Herald\n\n\
         No id here.\n\
         \n==> 77 (in/day.jsonl:3) <==\n\n"
    );
}

#[test]
fn feed_items_are_documents_with_the_feeds_metadata() {
    let a = article(32);
    let rss = courier_rss(
        &a,
        "<item><title>Brief</title><description>A short &lt;b&gt;brief&lt;/b&gt;.</description></item>",
    );
    let env = TestEnv::with_files(&[("in/courier.rss", rss)]);
    let run = extract(&env, &["in", "--format", "jsonl"]);
    run.expect_code(0);
    let docs = objects(&run);
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0]["id"], "courier-1");
    assert_eq!(docs[0]["line"], 1);
    assert_eq!(docs[0]["url"], "https://courier.example/s/1");
    assert_eq!(docs[0]["title"], a.headline.as_str());
    assert_eq!(docs[0]["date"], "2024-05-03T09:00:00Z");
    assert_eq!(docs[0]["source"], "Daily Courier");
    assert_eq!(
        docs[0]["text"].as_str().unwrap(),
        a.paragraphs.join("\n\n"),
        "the item's text, HTML removed"
    );
    // No guid and no link: the item is named by its title.
    assert_eq!(docs[1]["id"], "Brief");
    assert_eq!(docs[1]["line"], 2);
    assert_eq!(docs[1]["text"], "A short brief.");

    let run = extract(&env, &["in"]);
    assert!(
        run.stdout
            .contains("\n==> Brief (in/courier.rss:2) <==\ntitle: Brief\nsource: Daily Courier\n\nA short brief.\n"),
        "{run}"
    );
}

/// The lines a scan reports for a paragraph are the lines of extract's
/// text that hold it: extract prints the text that is matched.
#[test]
fn scan_paragraph_lines_point_into_the_extracted_text() {
    let a = article(33);
    let b = unrelated(34);
    // A text file reprints two paragraphs of the page under its own lead.
    let reprint = format!(
        "{}\n\n{}\n\n{}\n\n{}\n",
        b.paragraphs[0], a.paragraphs[4], b.paragraphs[1], a.paragraphs[6]
    );
    let env = TestEnv::with_files(&[
        ("in/page.html", page(&a)),
        ("in/reprint.txt", reprint),
        ("in/other.txt", unrelated(35).text()),
    ]);
    let (run, report) = env.scan_json(&["in", "--granularity", "paragraphs"]);
    run.expect_code(0);
    let run = extract(&env, &["in", "--format", "jsonl"]);
    run.expect_code(0);
    let docs = objects(&run);
    let doc = |id: &str| docs.iter().find(|d| d["id"] == id).unwrap();
    let mut checked = 0;
    for cluster in report["paragraph_clusters"].as_array().unwrap() {
        for m in cluster["members"].as_array().unwrap() {
            let d = doc(m["doc"].as_str().unwrap());
            assert_eq!(d["path"], m["path"]);
            assert_eq!(d["line"], m["line"]);
            let (start, end) = (
                m["start_line"].as_u64().unwrap(),
                m["end_line"].as_u64().unwrap(),
            );
            // The reported span is one of the paragraphs extract lists…
            assert!(
                d["paragraphs"]
                    .as_array()
                    .unwrap()
                    .contains(&serde_json::json!([start, end])),
                "{m} not in {}",
                d["paragraphs"]
            );
            // …and those lines of the text hold the excerpt.
            let lines: Vec<&str> = d["text"]
                .as_str()
                .unwrap()
                .lines()
                .skip(start as usize - 1)
                .take((end - start + 1) as usize)
                .collect();
            let held = lines
                .join(" ")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let excerpt = m["excerpt"].as_str().unwrap().trim_end_matches('…');
            assert!(held.starts_with(excerpt), "{held:?} !~ {excerpt:?}");
            checked += 1;
        }
    }
    assert!(
        checked >= 4,
        "two reprinted paragraphs, two members each:\n{report}"
    );
}

#[test]
fn standard_input_is_read_as_scan_reads_it() {
    let env = TestEnv::new();
    let lines = [record("s-1", "From a pipe."), record("s-2", "Another.")].concat();
    let mut c = env.cmd();
    c.args(["extract", "-", "--format", "jsonl"])
        .write_stdin(lines);
    let run = Run::from(c.output().unwrap());
    run.expect_code(0);
    let docs = objects(&run);
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[1]["id"], "s-2");
    assert_eq!(docs[1]["path"], "-");
    assert_eq!(docs[1]["line"], 2);

    let mut c = env.cmd();
    c.args(["extract", "-", "--stdin-format", "text"])
        .write_stdin("One text\non two lines.");
    let run = Run::from(c.output().unwrap());
    run.expect_code(0);
    assert_eq!(run.stdout, "==> - (-:1) <==\n\nOne text\non two lines.\n");
}

#[test]
fn a_skipped_input_is_listed_and_exits_2_with_the_rest_printed() {
    let env = TestEnv::with_files(&[
        ("in/a.txt", "Readable text.".as_bytes()),
        ("in/b.txt", b"bin\0ary".as_slice()),
        (
            "in/c.jsonl",
            b"{\"id\": \"ok\", \"text\": \"fine\"}\nnot json\n".as_slice(),
        ),
    ]);
    let run = extract(&env, &["in", "--format", "jsonl"]);
    run.expect_code(2);
    assert!(
        run.stderr
            .contains("reprint: skipped: in/b.txt: looks like a binary file"),
        "{run}"
    );
    assert!(
        run.stderr
            .contains("reprint: skipped: in/c.jsonl:2: invalid JSON"),
        "{run}"
    );
    let ids: Vec<String> = objects(&run)
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["in/a.txt", "ok"]);

    // A warning alone does not fail; --quiet keeps it off standard error.
    let env = TestEnv::with_files(&[("in/latin1.txt", b"caf\xe9".as_slice())]);
    let run = extract(&env, &["in"]);
    run.expect_code(0);
    assert!(
        run.stderr.contains("reprint: warning: in/latin1.txt"),
        "{run}"
    );
    let run = extract(&env, &["in", "-q"]);
    run.expect_code(0);
    assert_eq!(run.stderr, "");

    // A missing PATH is an error naming it.
    let run = extract(&env, &["nowhere"]);
    run.expect_code(2);
    assert!(run.stderr.contains("nowhere: no such file"), "{run}");
}

#[test]
fn the_input_keys_of_reprint_toml_apply_and_scans_other_keys_are_passed_over() {
    let env = TestEnv::with_files(&[
        (
            "in/reprint.toml",
            "threshold = 0.7\nformat = \"json\"\ntext-field = \"body\"\n",
        ),
        (
            "in/a.jsonl",
            "{\"id\": \"x\", \"body\": \"From the body field.\"}\n",
        ),
    ]);
    let run = extract(&env, &["in"]);
    run.expect_code(0);
    assert_eq!(
        run.stdout,
        "==> x (in/a.jsonl:1) <==\n\nFrom the body field.\n"
    );
    env.write("in/reprint.toml", "no-such-key = 1\n");
    let run = extract(&env, &["in"]);
    run.expect_code(2);
    assert!(
        run.stderr
            .contains("reprint.toml: line 1: unknown key `no-such-key`"),
        "{run}"
    );
}

/// Runs `reprint extract ARGS...` in the crate root, so paths read
/// `corpus/...` as in the README.
fn in_repo(args: &[&str]) -> Run {
    let mut c = assert_cmd::Command::cargo_bin("reprint").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("extract")
        .args(args);
    Run::from(c.output().unwrap())
}

#[test]
fn the_sample_corpus_in_text_layout() {
    let run = in_repo(&["corpus/pages", "corpus/feeds", "-j", "2"]);
    run.expect_code(0);
    insta::assert_snapshot!("corpus_pages_and_feeds_text", run.stdout);
}

#[test]
fn output_does_not_depend_on_the_thread_count() {
    for format in ["text", "jsonl"] {
        let one = in_repo(&["corpus", "--format", format, "-j", "1"]);
        let two = in_repo(&["corpus", "--format", format, "-j", "2"]);
        one.expect_code(0);
        assert_eq!(one.stdout, two.stdout, "{format}");
    }
    let docs = objects(&in_repo(&["corpus", "--format", "jsonl"]));
    assert_eq!(docs.len(), 21, "the README's count of sample documents");
}

/// A page of the "Harbor Gazette" as a real site builds it: the whole body
/// inside one `<form>` (as ASP.NET sites do), menus made of plain lists,
/// a list of other headlines, share buttons, a comment thread and a cookie
/// notice around the article.
fn site_page(a: &Article, slug: &str) -> String {
    format!(
        r##"<!doctype html><html><head><title>{title}</title></head><body>
<form id="aspnetForm" method="post" action="/{slug}">
<div class="top"><ul class="menu"><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/business">Business</a></li><li><a href="/opinion">Opinion</a></li></ul></div>
<div class="share"><a href="#">Share on Facebook</a> <a href="#">Share on X</a> <a href="#">Email this story</a></div>
<div id="content"><h1>{title}</h1>
{body}</div>
<div class="comments"><h3>Comments</h3>
<div class="comment"><b>harborfan said:</b> Rating: 36 Votes. Great to see the council finally acting on this.</div>
<div class="comment"><b>old_salt said:</b> Rating: 12 Votes. About time, I have waited years for this.</div></div>
<div class="breaking"><h3>Breaking news</h3><ul>
<li><a href="/a">Mayor opens new ferry terminal on the east quay</a></li>
<li><a href="/b">Storm warning issued for the whole coast tonight</a></li>
<li><a href="/c">Local team wins the regional cup after extra time</a></li></ul></div>
<div class="cookie">We use cookies to give you the best experience on our site. By continuing you agree to our cookie policy.</div>
<p class="copyright">Copyright 2024 Harbor Gazette Media Ltd. All rights reserved.</p>
</form></body></html>"##,
        title = a.headline,
        body = html_paragraphs(a),
    )
}

#[test]
fn a_page_wrapped_in_a_form_gives_its_article_and_not_its_chrome() {
    let a = article(41);
    let env = TestEnv::with_files(&[("in/page.html", site_page(&a, "one"))]);
    let run = extract(&env, &["in/page.html", "--format", "jsonl"]);
    run.expect_code(0);
    let text = objects(&run)[0]["text"].as_str().unwrap().to_string();
    assert_article_only(
        &text,
        &a,
        &[
            "Share on",
            "said:",
            "Breaking news",
            "ferry terminal",
            "cookies",
            "Copyright",
            "Opinion",
        ],
    );
}

#[test]
fn unrelated_pages_of_one_site_share_no_reported_paragraph() {
    let (a, b, c) = (article(42), article(43), article(44));
    let env = TestEnv::with_files(&[
        ("site/one.html", site_page(&a, "one")),
        ("site/two.html", site_page(&b, "two")),
        ("site/three.html", site_page(&c, "three")),
    ]);
    let mut cmd = env.cmd();
    cmd.args(["scan", "site", "--format", "json"]);
    let run = Run::from(cmd.output().expect("run reprint"));
    run.expect_code(0);
    let r: Value = serde_json::from_str(&run.stdout).expect("a JSON report");
    assert_eq!(r["stats"]["documents"], 3, "{run}");
    assert_eq!(
        r["paragraph_clusters"],
        Value::Array(vec![]),
        "site chrome reported:\n{run}"
    );
    assert_eq!(r["document_clusters"], Value::Array(vec![]), "{run}");
}
