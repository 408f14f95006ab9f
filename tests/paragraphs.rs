//! Paragraph-level findings: boilerplate, reprinted and within-document
//! repeats, with file and line, in both paragraph layouts.

mod common;

use common::*;
use serde_json::Value;

const FOOTER: &str = "Leave a reply: comments are moderated by the editors of the Harbour \
                      Gazette and can take up to a day to appear; by commenting you accept \
                      our community rules and privacy policy.";

/// Line of body paragraph `i` (0-based) in `Article::text()`.
fn line_of(i: usize) -> u64 {
    3 + 2 * i as u64
}

fn paragraph_clusters(r: &Value) -> &Vec<Value> {
    r["paragraph_clusters"]
        .as_array()
        .expect("paragraph_clusters array")
}

fn of_kind<'r>(r: &'r Value, kind: &str) -> Vec<&'r Value> {
    paragraph_clusters(r)
        .iter()
        .filter(|c| c["kind"] == kind)
        .collect()
}

fn occurrences(c: &Value) -> Vec<(String, u64, u64)> {
    c["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["doc"].as_str().unwrap().to_string(),
                m["start_line"].as_u64().unwrap(),
                m["end_line"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_footer_on_unrelated_pages_is_one_boilerplate_finding() {
    let files: Vec<(String, String)> = (0..4)
        .map(|i| {
            let mut a = unrelated(100 + i);
            a.paragraphs.push(FOOTER.to_string());
            (format!("site/page-{i}.txt"), a.text())
        })
        .collect();
    let env = TestEnv::with_files(
        &files
            .iter()
            .map(|(p, t)| (p.as_str(), t))
            .collect::<Vec<_>>(),
    );
    let (run, r) = env.scan_json(&["site"]);
    run.expect_code(0);
    let boiler = of_kind(&r, "boilerplate");
    assert_eq!(boiler.len(), 1, "{r:#}");
    let c = boiler[0];
    assert_eq!(c["documents"], 4);
    assert!(c["excerpt"].as_str().unwrap().starts_with("Leave a reply"));
    let want: Vec<(String, u64, u64)> = (0..4)
        .map(|i| (format!("site/page-{i}.txt"), line_of(10), line_of(10)))
        .collect();
    assert_eq!(occurrences(c), want);
    // The footer does not make the pages copies of each other.
    assert!(
        r["document_clusters"].as_array().unwrap().is_empty(),
        "{r:#}"
    );
    assert_eq!(paragraph_clusters(&r).len(), 1, "{r:#}");
}

#[test]
fn a_paragraph_shared_by_two_stories_is_reprinted_with_its_lines() {
    let a = article(200);
    let mut b = unrelated(201);
    b.paragraphs.insert(6, a.paragraphs[2].clone());
    let env = TestEnv::with_files(&[("news/a.txt", a.text()), ("news/b.txt", b.text())]);
    let (run, r) = env.scan_json(&["news"]);
    run.expect_code(0);
    let rep = of_kind(&r, "reprinted");
    assert_eq!(rep.len(), 1, "{r:#}");
    assert_eq!(rep[0]["documents"], 2);
    assert_eq!(
        occurrences(rep[0]),
        vec![
            ("news/a.txt".to_string(), line_of(2), line_of(2)),
            ("news/b.txt".to_string(), line_of(6), line_of(6)),
        ]
    );
    assert!(of_kind(&r, "boilerplate").is_empty());
}

#[test]
fn a_paragraph_repeated_in_one_document_is_within_document() {
    let mut a = article(300);
    let again = a.paragraphs[1].clone();
    a.paragraphs.push(again);
    let env = TestEnv::with_files(&[("doc.txt", a.text()), ("other.txt", unrelated(301).text())]);
    let (run, r) = env.scan_json(&["doc.txt", "other.txt"]);
    run.expect_code(0);
    let within = of_kind(&r, "within_document");
    assert_eq!(within.len(), 1, "{r:#}");
    assert_eq!(within[0]["occurrences"], 2);
    assert_eq!(
        occurrences(within[0]),
        vec![
            ("doc.txt".to_string(), line_of(1), line_of(1)),
            ("doc.txt".to_string(), line_of(10), line_of(10)),
        ]
    );
}

#[test]
fn one_paragraph_per_line_layout_reports_the_right_lines() {
    let a = article(400);
    let mut b = unrelated(401);
    b.paragraphs.insert(3, a.paragraphs[5].clone());
    // b without blank lines: headline on line 1, paragraph i on line 2 + i.
    let mut flat = b.headline.clone();
    for p in &b.paragraphs {
        flat.push('\n');
        flat.push_str(p);
    }
    let env = TestEnv::with_files(&[("a.txt", a.text()), ("flat.txt", flat)]);
    let (run, r) = env.scan_json(&["a.txt", "flat.txt"]);
    run.expect_code(0);
    let rep = of_kind(&r, "reprinted");
    assert_eq!(rep.len(), 1, "{r:#}");
    assert_eq!(
        occurrences(rep[0]),
        vec![
            ("a.txt".to_string(), line_of(5), line_of(5)),
            ("flat.txt".to_string(), 5, 5),
        ]
    );
}

#[test]
fn documents_without_paragraphs_do_not_break_the_scan() {
    let env = TestEnv::with_files(&[
        ("empty.txt", String::new()),
        ("short.txt", "Headline only\n\nBy Staff\n".to_string()),
        ("story.txt", article(500).text()),
    ]);
    let (run, r) = env.scan_json(&["empty.txt", "short.txt", "story.txt"]);
    run.expect_code(0);
    assert!(paragraph_clusters(&r).is_empty(), "{r:#}");
    // Headline and byline are below --min-paragraph-words; the story's 10 paragraphs count.
    assert_eq!(stat(&r, "paragraphs"), 10);
}

#[test]
fn granularity_selects_the_findings() {
    let a = article(600);
    let env = TestEnv::with_files(&[("x/a.txt", a.text()), ("x/b.txt", a.text())]);
    let (_, all) = env.scan_json(&["x"]);
    assert!(!all["document_clusters"].as_array().unwrap().is_empty());
    assert!(!paragraph_clusters(&all).is_empty());
    let (_, docs) = env.scan_json(&["x", "--granularity", "documents"]);
    assert!(!docs["document_clusters"].as_array().unwrap().is_empty());
    assert!(paragraph_clusters(&docs).is_empty());
    assert_eq!(docs["params"]["granularity"], "documents");
    let (_, paras) = env.scan_json(&["x", "--granularity", "paragraphs"]);
    assert!(paras["document_clusters"].as_array().unwrap().is_empty());
    assert!(!paragraph_clusters(&paras).is_empty());
}

#[test]
fn fail_on_chooses_which_findings_fail_the_check() {
    let mut a = article(700);
    let again = a.paragraphs[0].clone();
    a.paragraphs.push(again);
    let env = TestEnv::with_files(&[("d/a.txt", a.text()), ("d/b.txt", unrelated(701).text())]);
    // Only a within-document repeat exists.
    env.scan(&["d", "--check"]).expect_code(1);
    env.scan(&["d", "--check", "--fail-on", "within-document"])
        .expect_code(1);
    env.scan(&["d", "--check", "--fail-on", "documents,boilerplate"])
        .expect_code(0);
    env.scan(&["d", "--check", "--granularity", "documents"])
        .expect_code(0);
}

#[test]
fn text_report_lists_paragraph_findings_with_file_and_line() {
    let mut a = article(800);
    let again = a.paragraphs[3].clone();
    a.paragraphs.push(again);
    let env = TestEnv::with_files(&[("t/a.txt", a.text())]);
    let run = env.scan(&["t"]);
    run.expect_code(0);
    assert!(
        run.stdout.contains("repeated 2 times within one document"),
        "{run}"
    );
    assert!(
        run.stdout.contains(&format!("t/a.txt:{}", line_of(3))),
        "{run}"
    );
    assert!(
        run.stdout.contains(&format!("t/a.txt:{}", line_of(10))),
        "{run}"
    );
}

#[test]
fn an_article_pasted_twice_is_a_doubled_document_and_fails_the_check() {
    let a = article(900);
    let doc = format!("{}\n{}", a.text(), a.text());
    let env = TestEnv::with_files(&[("p/twice.txt", doc), ("p/other.txt", unrelated(901).text())]);
    let (run, r) = env.scan_json(&["p"]);
    run.expect_code(0);
    let d = r["doubled_documents"].as_array().unwrap();
    assert_eq!(d.len(), 1, "{r:#}");
    assert_eq!(d[0]["doc"], "p/twice.txt");
    // The copy starts after the first article's last line and a blank line.
    let first_len = a.text().lines().count() as u64;
    assert_eq!(d[0]["split_line"].as_u64().unwrap(), first_len + 2);
    env.scan(&["p", "--check", "--fail-on", "doubled"])
        .expect_code(1);
    env.scan(&["p", "--check", "--fail-on", "boilerplate"])
        .expect_code(0);
}

#[test]
fn a_short_story_inside_a_long_page_is_a_reprint_through_its_paragraphs() {
    let short = article(1000);
    let mut long = unrelated(1001);
    let more = unrelated(1002);
    long.paragraphs.extend(short.paragraphs.iter().cloned());
    long.paragraphs.extend(more.paragraphs.iter().cloned());
    let env = TestEnv::with_files(&[("r/short.txt", short.text()), ("r/long.txt", long.text())]);
    // Without the containment rule the whole-document Jaccard (about 1/3) is
    // below the threshold, so only the paragraphs tell.
    let (run, r) = env.scan_json(&["r", "--containment", "off"]);
    run.expect_code(0);
    assert!(
        r["document_clusters"].as_array().unwrap().is_empty(),
        "{r:#}"
    );
    let rel = r["paragraph_reprints"].as_array().unwrap();
    assert_eq!(rel.len(), 1, "{r:#}");
    assert_eq!(rel[0]["doc"], "r/short.txt");
    assert_eq!(rel[0]["of"], "r/long.txt");
    assert_eq!(rel[0]["shared_paragraphs"], 10);
    assert_eq!(rel[0]["paragraphs"], 10);
    env.scan(&[
        "r",
        "--containment",
        "off",
        "--check",
        "--fail-on",
        "documents",
    ])
    .expect_code(1);
}

#[test]
fn a_shared_footer_does_not_make_two_pages_reprints() {
    let mut a = unrelated(1100);
    let mut b = unrelated(1101);
    a.paragraphs.push(FOOTER.to_string());
    b.paragraphs.push(FOOTER.to_string());
    let env = TestEnv::with_files(&[("f/a.txt", a.text()), ("f/b.txt", b.text())]);
    let (run, r) = env.scan_json(&["f"]);
    run.expect_code(0);
    assert!(
        r["paragraph_reprints"].as_array().unwrap().is_empty(),
        "{r:#}"
    );
    assert!(
        r["document_clusters"].as_array().unwrap().is_empty(),
        "{r:#}"
    );
}
