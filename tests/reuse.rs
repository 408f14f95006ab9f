//! The reuse stage through the binary: derived documents linked to their
//! sources with graded, directed links and aligned passages; the JSON
//! schema; dates deciding direction; bad input bounded; `reprint eval`
//! scoring links against labelled pairs.

mod common;

use common::*;
use serde_json::Value;

/// A fictional wire story, one paragraph per line.
const WIRE: &[&str] = &[
    "Crews from three counties spent Saturday night holding back a grass fire that burned \
     across nearly four thousand acres of the Tarrow Hills, forcing two hundred families from \
     their homes before the wind turned late in the evening.",
    "The fire started near a gravel quarry on Old Mill Road shortly after two in the afternoon, \
     according to the county fire marshal, Delia Okafor, who said the cause was still under \
     investigation and that no one had been hurt.",
    "\"The wind did most of the work against us until about nine o'clock, and then it did most \
     of the work for us,\" Okafor told reporters at a briefing in the Tarrow community hall.",
    "Evacuation orders for the villages of Pell Crossing and Upper Brandt were lifted on Sunday \
     morning, but residents of six farms along the ridge were told to stay away until power \
     lines could be inspected.",
    "The regional water board said the reservoir that supplies the valley was not affected, \
     and that ash in the streams would be monitored for the next several weeks.",
    "State forestry officials plan to survey the burned slopes from the air on Monday and will \
     decide by the end of the week whether to close the hiking trails for the rest of the season.",
    "Insurance adjusters are expected in the area from Tuesday, and the county has opened a \
     help desk at the Tarrow library for owners of damaged barns, fences and machinery.",
    "The last fire of this size in the hills, in the dry summer eleven years ago, burned for \
     five days and destroyed a dozen homes along the southern ridge before rain put it out.",
];

/// The wire story rewritten by an outlet: reworded in places, one paragraph
/// moved, the ending cut, and a paragraph of its own added.
fn rewritten() -> String {
    [
        "Firefighters from three counties worked through Saturday night to hold back a grass \
         fire that burned across almost four thousand acres of the Tarrow Hills, forcing two \
         hundred families from their homes before the wind finally turned late in the evening.",
        "\"The wind did most of the work against us until about nine o'clock, and then it did \
         most of the work for us,\" fire marshal Delia Okafor told reporters at a briefing in \
         the Tarrow community hall.",
        "The blaze started near a gravel quarry on Old Mill Road shortly after two in the \
         afternoon, Okafor said, adding that the cause was still under investigation and that \
         nobody had been hurt.",
        "Evacuation orders for Pell Crossing and Upper Brandt were lifted on Sunday morning, but \
         residents of six farms along the ridge were told to stay away until the power lines \
         could be inspected.",
        "At the Brandt general store, owner Hollis Vey handed out coffee to volunteers all night \
         and said the town had not seen a fire this close since his grandfather's time.",
    ]
    .join("\n\n")
}

fn wire() -> String {
    WIRE.join("\n\n")
}

/// An unrelated story of similar length.
const OTHER: &str = "The Merrow County library board voted on Thursday to extend opening \
    hours at its four branches through the winter, after a survey found that most visitors \
    wanted evening hours on weekdays. The change will cost about forty thousand dollars a \
    year, which the board said would come from a bequest left by a retired teacher. Branch \
    managers will hire six part-time assistants before the new hours begin in November.";

#[test]
fn a_rewritten_trimmed_reprint_is_linked_to_its_source_with_passages() {
    let env = TestEnv::with_files(&[
        ("docs/wire.txt", wire()),
        ("docs/outlet.txt", rewritten()),
        ("docs/other.txt", OTHER.to_string()),
    ]);
    let (run, r) = env.scan_json(&["docs"]);
    run.expect_code(0);
    // Not a near-duplicate: no document cluster.
    assert!(r["document_clusters"].as_array().unwrap().is_empty(), "{r}");
    let reuse = r["reuse"].as_array().unwrap();
    assert_eq!(
        reuse.len(),
        1,
        "{}",
        serde_json::to_string_pretty(&r["reuse"]).unwrap()
    );
    let link = &reuse[0];
    assert_keys(
        link,
        &[
            "doc",
            "path",
            "line",
            "source",
            "source_path",
            "source_line",
            "grade",
            "coverage",
            "source_coverage",
            "direction_rule",
            "passages",
        ],
        "reuse link",
    );
    assert_eq!(link["doc"], "docs/outlet.txt");
    assert_eq!(link["source"], "docs/wire.txt");
    assert_eq!(link["direction_rule"], "coverage");
    let coverage = link["coverage"].as_f64().unwrap();
    let source_coverage = link["source_coverage"].as_f64().unwrap();
    assert!(coverage > source_coverage, "{link}");
    assert_eq!(
        link["grade"],
        if coverage >= 0.45 {
            "wholly"
        } else {
            "partially"
        }
    );
    assert!(coverage >= 0.6, "{link}");
    assert!(source_coverage < 0.6, "{link}");
    // Passages: the three reworded and moved paragraphs, in the reprint's
    // order, each pointing at the right source paragraph.
    let passages = link["passages"].as_array().unwrap();
    assert!(passages.len() >= 4, "{link}");
    for p in passages {
        assert_keys(
            p,
            &[
                "doc_lines",
                "source_lines",
                "words",
                "source_words",
                "similarity",
                "excerpt",
            ],
            "passage",
        );
        let s = p["similarity"].as_f64().unwrap();
        assert!(s > 0.0 && s <= 1.0);
    }
    let find = |doc_line: u64| {
        passages
            .iter()
            .find(|p| p["doc_lines"][0].as_u64() == Some(doc_line))
            .unwrap_or_else(|| panic!("no passage at line {doc_line}: {link}"))
    };
    // Reprint paragraph 2 (line 3) is wire paragraph 3 (line 5): moved up.
    assert_eq!(find(3)["source_lines"][0], 5);
    assert!(find(3)["similarity"].as_f64().unwrap() > 0.8);
    // Reprint paragraph 3 (line 5) is wire paragraph 2 (line 3), reworded.
    assert_eq!(find(5)["source_lines"][0], 3);
    // The reprint's own paragraph (line 9) is in no passage.
    assert!(passages
        .iter()
        .all(|p| p["doc_lines"][1].as_u64().unwrap() < 9));
    assert!(stat(&r, "reuse_links") == 1 && stat(&r, "reuse_candidate_pairs") >= 1);
    assert_eq!(r["params"]["reuse"], true);

    // The text report names source, grade and coverage and quotes passages.
    let text = env.scan(&["docs"]);
    text.expect_code(0);
    assert!(
        text.stdout
            .contains("derived docs/outlet.txt — from 1 source"),
        "{text}"
    );
    assert!(
        text.stdout.contains("derived from docs/wire.txt: "),
        "{text}"
    );
    assert!(text.stdout.contains("← source line 5"), "{text}");
}

#[test]
fn the_earlier_date_is_the_source_even_when_it_is_the_shorter_text() {
    let long = rewritten();
    let short = WIRE[..3].join("\n\n");
    let date = |d: &str| Value::from(d);
    let jsonl = jsonl_line(&[
        ("id", Value::from("later-full")),
        ("text", Value::from(long.as_str())),
        ("date", date("2024-05-03T10:00:00Z")),
    ]) + &jsonl_line(&[
        ("id", Value::from("earlier-short")),
        ("text", Value::from(short.as_str())),
        ("date", date("2024-05-02T08:00:00Z")),
    ]);
    let env = TestEnv::with_files(&[("day.jsonl", jsonl)]);
    let (run, r) = env.scan_json(&["day.jsonl", "--reuse-min-coverage", "0.2"]);
    run.expect_code(0);
    let reuse = r["reuse"].as_array().unwrap();
    assert_eq!(reuse.len(), 1, "{r}");
    assert_eq!(reuse[0]["doc"], "later-full");
    assert_eq!(reuse[0]["source"], "earlier-short");
    assert_eq!(reuse[0]["direction_rule"], "date");
    assert_eq!(reuse[0]["line"], 1);
    assert_eq!(reuse[0]["source_line"], 2);
}

#[test]
fn reuse_is_off_with_no_reuse_and_with_documents_only() {
    let env = TestEnv::with_files(&[("docs/wire.txt", wire()), ("docs/outlet.txt", rewritten())]);
    for args in [
        &["docs", "--no-reuse"][..],
        &["docs", "--granularity", "documents"][..],
    ] {
        let (run, r) = env.scan_json(args);
        run.expect_code(0);
        assert!(r["reuse"].as_array().unwrap().is_empty(), "{args:?}: {r}");
        assert_eq!(r["params"]["reuse"], false);
    }
    // Thresholds are validated and the message names the flag.
    let run = env.scan(&[
        "docs",
        "--reuse-min-coverage",
        "0.5",
        "--reuse-wholly",
        "0.4",
    ]);
    run.expect_code(2);
    assert!(run.stderr.contains("--reuse-wholly"), "{run}");
    let run = env.scan(&["docs", "--reuse-max-df", "1"]);
    run.expect_code(2);
    assert!(run.stderr.contains("--reuse-max-df"), "{run}");
}

#[test]
fn copies_are_clusters_not_reuse_links() {
    let env = TestEnv::with_files(&[
        ("docs/wire.txt", wire()),
        ("docs/copy.txt", wire()),
        ("docs/outlet.txt", rewritten()),
    ]);
    let (run, r) = env.scan_json(&["docs"]);
    run.expect_code(0);
    assert_eq!(r["document_clusters"].as_array().unwrap().len(), 1);
    // The copy and the wire story take part once, as the cluster's first
    // document in input order: one link, not two.
    let reuse = r["reuse"].as_array().unwrap();
    assert_eq!(reuse.len(), 1, "{r}");
    assert_eq!(reuse[0]["doc"], "docs/outlet.txt");
    assert_eq!(reuse[0]["source"], "docs/copy.txt");
}

#[test]
fn non_latin_reprints_are_linked_through_the_same_path() {
    let urdu = [
        "وزیر اعظم نے منگل کو کہا کہ حکومت اگلے ہفتے نئی بجٹ تجاویز پیش کرے گی اور عوام کو ریلیف دیا جائے گا",
        "وزیر خزانہ کے مطابق بجلی اور گیس کی قیمتوں میں کمی کی جائے گی اور چھوٹے کاروبار کے لیے قرضے آسان ہوں گے",
        "اپوزیشن رہنماؤں نے اعلان پر تنقید کی اور کہا کہ حکومت نے پچھلے سال کے وعدے بھی پورے نہیں کیے",
    ];
    let reprint = format!(
        "اسلام آباد سے نمائندہ خصوصی\n\n{}\n\n{}",
        urdu[0],
        urdu[1].replace("آسان", "سستے")
    );
    let env = TestEnv::with_files(&[
        ("docs/wire.txt", urdu.join("\n\n")),
        ("docs/paper.txt", reprint),
    ]);
    let (run, r) = env.scan_json(&["docs", "--threshold", "0.95", "--containment", "off"]);
    run.expect_code(0);
    let reuse = r["reuse"].as_array().unwrap();
    assert_eq!(reuse.len(), 1, "{r}");
    assert_eq!(reuse[0]["doc"], "docs/paper.txt");
    assert_eq!(reuse[0]["source"], "docs/wire.txt");
    assert_eq!(
        reuse[0]["passages"][0]["doc_lines"],
        serde_json::json!([3, 5])
    );
}

#[test]
fn bad_input_gives_bounded_work_and_no_panic() {
    // No words; one giant line; thousands of near-identical documents; a
    // paragraph in every document.
    let mut jsonl = record("empty", "  ... !!! ");
    let giant: String = (0..200_000).map(|i| format!("w{} ", i % 5_000)).collect();
    jsonl += &record("giant", &giant);
    let footer = "Comments are moderated and may take a day to appear, so please be patient \
                  and keep to the topic of the article.";
    for i in 0..3_000 {
        let body = format!("{} Update number {i} of the ledger.", wire());
        jsonl += &record(&format!("near-{i}"), &format!("{body}\n\n{footer}"));
    }
    let env = TestEnv::with_files(&[("bad.jsonl", jsonl)]);
    let (run, r) = env.scan_json(&["bad.jsonl"]);
    run.expect_code(0);
    assert!(!run.stderr.contains("panicked"), "{run}");
    // The near-identical documents are one cluster, not three thousand reuse links.
    assert!(r["reuse"].as_array().unwrap().len() <= 2, "{}", r["reuse"]);
    assert!(stat(&r, "reuse_candidate_pairs") <= 2);
}

#[test]
fn eval_scores_reuse_links_against_labelled_pairs() {
    let jsonl = record("wire", &wire())
        + &record("outlet", &rewritten())
        + &record("independent", OTHER)
        + &record(
            "missed",
            "A short note that shares nothing with the fire story at all.",
        );
    let pairs = "story\tsource\tlabel\n\
                 outlet\twire\twholly_derived\n\
                 missed\twire\tpartially_derived\n\
                 independent\twire\tnon_derived\n";
    let spans = jsonl_line(&[
        ("id", Value::from("outlet")),
        (
            "spans",
            serde_json::json!([
                {"type": "rewrite", "text": rewritten().split("\n\n").take(4).collect::<Vec<_>>().join(" ")},
                {"type": "new", "text": rewritten().split("\n\n").nth(4).unwrap()},
            ]),
        ),
    ]);
    let env = TestEnv::with_files(&[
        ("m.jsonl", jsonl),
        ("pairs.tsv", pairs.to_string()),
        ("spans.jsonl", spans),
    ]);
    let mut c = env.cmd();
    c.args([
        "eval",
        "m.jsonl",
        "--reuse-pairs",
        "pairs.tsv",
        "--reuse-spans",
        "spans.jsonl",
        "--json",
    ]);
    let run = Run::from(c.output().unwrap());
    run.expect_code(0);
    let e = run.json();
    let r = &e["reuse"];
    assert_eq!(r["stories"], 3);
    let label = |name: &str| {
        r["labels"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["label"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(label("wholly")["linked"], 1);
    assert_eq!(label("partially")["linked"], 0);
    assert_eq!(r["false_link_rate"], 0.0);
    assert_eq!(r["direction_accuracy"], 1.0);
    // Derived: tp 1, fn 1 → F1 2/3; not derived: tp 1, fp 1 → F1 2/3.
    assert!(
        (r["derived_macro_f1"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-9,
        "{r}"
    );
    let spans = &r["spans"]["linked"];
    assert_eq!(spans["stories"], 1);
    assert!(spans["rewrite_share"].as_f64().unwrap() > 0.6, "{spans}");
    assert_eq!(spans["new_covered"], 0);

    // A bad label names the file and line (the first line may be a header).
    env.write("bad.tsv", "story\tsource\tlabel\noutlet\twire\tmostly\n");
    let mut c = env.cmd();
    c.args(["eval", "m.jsonl", "--reuse-pairs", "bad.tsv"]);
    let run = Run::from(c.output().unwrap());
    run.expect_code(2);
    assert!(
        run.stderr.contains("bad.tsv:2") && run.stderr.contains("mostly"),
        "{run}"
    );
}
