//! The shipped sample corpus (`corpus/`, described in its README)
//! gives the results its README promises at document level.

mod common;

use std::path::Path;

use assert_cmd::Command;
use common::*;
use serde_json::Value;

const BRIDGE: [&str; 3] = [
    "corpus/outlets/coastal-times-bridge.txt",
    "corpus/outlets/valley-herald-bridge.txt",
    "corpus/wire/harbor-bridge-closure.txt",
];
const GRAIN: [&str; 2] = [
    "corpus/outlets/farm-weekly-grain.txt",
    "corpus/wire/grain-harvest-record.txt",
];
const MUSEUM: [&str; 2] = [
    "corpus/wire/museum-reopening.txt",
    "corpus/outlets/daily-star-museum.txt",
];
const MISC: [&str; 6] = [
    "corpus/misc/court-ruling.txt",
    "corpus/misc/football-match-report.txt",
    "corpus/misc/library-book-sale.txt",
    "corpus/misc/school-budget-vote.txt",
    "corpus/misc/startup-funding-round.txt",
    "corpus/misc/weather-warning.txt",
];

fn scan_sample() -> Value {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for f in BRIDGE.iter().chain(&GRAIN).chain(&MUSEUM).chain(&MISC) {
        assert!(
            root.join(f).is_file(),
            "{f} is missing from the sample corpus"
        );
    }
    let out = Command::cargo_bin("reprint")
        .unwrap()
        .current_dir(root)
        .args(["scan", "corpus", "--format", "json"])
        .output()
        .unwrap();
    let run = Run::from(out);
    run.expect_code(0);
    let r = run.json();
    let listed = BRIDGE.len() + GRAIN.len() + MUSEUM.len() + MISC.len();
    assert!(stat(&r, "documents") >= listed as u64, "{run}");
    assert_eq!(stat(&r, "skipped_inputs"), 0, "{run}");
    r
}

#[test]
fn bridge_story_and_its_two_reprints_are_one_cluster() {
    let r = scan_sample();
    let c = cluster_of(&r, BRIDGE[2]).expect("the wire bridge story is clustered");
    let members: Vec<&str> = c["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["doc"].as_str().unwrap())
        .collect();
    let got: std::collections::BTreeSet<String> = members.iter().map(|s| s.to_string()).collect();
    assert_eq!(got, set_of(&BRIDGE), "{c:#}");
    // Both reprints are mostly contained in their counterpart.
    for m in c["members"].as_array().unwrap() {
        assert!(unit_score(&m["containment"], "containment") >= 0.9, "{m}");
    }
}

#[test]
fn grain_story_and_its_exact_copy_are_one_cluster_with_jaccard_1() {
    let r = scan_sample();
    let c = cluster_of(&r, GRAIN[1]).expect("the grain story is clustered");
    assert_eq!(c["size"], 2, "{c:#}");
    for d in GRAIN {
        assert_eq!(member(&r, d).expect(d)["jaccard"], 1.0);
    }
    let pairs = c["pairs"].as_array().unwrap();
    assert_eq!(pairs.len(), 1);
    assert_eq!(pairs[0]["a"], GRAIN[0]);
    assert_eq!(pairs[0]["b"], GRAIN[1]);
    assert_eq!(pairs[0]["jaccard"], 1.0);
    assert_eq!(pairs[0]["containment"], 1.0);
    assert_ne!(
        cluster_of(&r, BRIDGE[2]).map(|c| &c["id"]),
        Some(&c["id"]),
        "grain and bridge are different clusters"
    );
}

#[test]
fn the_two_museum_articles_are_not_one_cluster() {
    let r = scan_sample();
    let a = cluster_of(&r, MUSEUM[0]).map(|c| c["id"].clone());
    let b = cluster_of(&r, MUSEUM[1]).map(|c| c["id"].clone());
    assert!(
        a.is_none() || a != b,
        "independently written museum stories were clustered together: {r:#}"
    );
}

#[test]
fn no_misc_article_is_clustered() {
    let r = scan_sample();
    let clustered = clustered_docs(&r);
    for d in MISC {
        assert!(!clustered.contains(d), "{d} was clustered: {r:#}");
    }
    assert!(
        clustered.iter().all(|d| !d.starts_with("corpus/misc/")),
        "{clustered:?}"
    );
}

fn paragraph_kinds(r: &Value, kind: &str) -> Vec<Value> {
    r["paragraph_clusters"]
        .as_array()
        .expect("paragraph_clusters")
        .iter()
        .filter(|c| c["kind"] == kind)
        .cloned()
        .collect()
}

#[test]
fn the_comment_footer_is_one_boilerplate_finding_with_its_lines() {
    let r = scan_sample();
    let boiler = paragraph_kinds(&r, "boilerplate");
    assert_eq!(boiler.len(), 1, "{r:#}");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut got = Vec::new();
    for m in boiler[0]["members"].as_array().unwrap() {
        let doc = m["doc"].as_str().unwrap();
        let text = std::fs::read_to_string(root.join(doc)).unwrap();
        let line = m["start_line"].as_u64().unwrap() as usize;
        assert!(
            text.lines()
                .nth(line - 1)
                .unwrap()
                .starts_with("Join the conversation"),
            "{doc}:{line}"
        );
        got.push(doc.to_string());
    }
    assert_eq!(
        got,
        [
            "corpus/misc/court-ruling.txt",
            "corpus/misc/library-book-sale.txt",
            "corpus/misc/school-budget-vote.txt"
        ]
    );
}

#[test]
fn the_article_pasted_twice_repeats_within_its_document() {
    let r = scan_sample();
    let within = paragraph_kinds(&r, "within_document");
    assert!(!within.is_empty(), "{r:#}");
    for c in &within {
        let members = c["members"].as_array().unwrap();
        assert_eq!(members.len(), 2);
        assert!(members
            .iter()
            .all(|m| m["doc"] == "corpus/spun/ferry-strike-pasted-twice.txt"));
        // The second copy starts 10 lines after the first.
        let first = members[0]["start_line"].as_u64().unwrap();
        assert_eq!(members[1]["start_line"].as_u64().unwrap(), first + 10);
    }
}

#[test]
fn the_spun_and_the_pasted_twice_pages_are_doubled_documents() {
    let r = scan_sample();
    let doubled: Vec<(String, u64)> = r["doubled_documents"]
        .as_array()
        .expect("doubled_documents")
        .iter()
        .map(|d| {
            (
                d["doc"].as_str().unwrap().to_string(),
                d["split_line"].as_u64().unwrap(),
            )
        })
        .collect();
    // The second copy of the ferry article starts at line 11; the reworded
    // solar-farm article opens with its second headline on line 13.
    assert_eq!(
        doubled,
        vec![
            ("corpus/spun/ferry-strike-pasted-twice.txt".to_string(), 11),
            ("corpus/spun/solar-farm-doubled.txt".to_string(), 13),
        ]
    );
    let solar = &r["doubled_documents"][1];
    assert!(solar["score"].as_f64().unwrap() >= 0.28);
    let phrases = solar["shared_phrases"].as_array().unwrap();
    assert!(!phrases.is_empty());
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("corpus/spun/solar-farm-doubled.txt"))
        .unwrap()
        .to_lowercase();
    // Evidence is text both halves contain (checked on the first phrase's first words).
    let first: Vec<&str> = phrases[0].as_str().unwrap().split(' ').take(4).collect();
    assert!(text.contains(&first.join(" ")), "{first:?}");
}

#[test]
fn the_feed_rail_story_and_its_page_reprint_cluster_with_the_feed_item_earliest() {
    let r = scan_sample();
    let feed_item = "lakeshore-wire-2024-0611-rail";
    let page = "corpus/pages/aster-bay-courier-rail.html";
    let c = cluster_of(&r, feed_item).expect("the feed's rail story is clustered");
    let got: std::collections::BTreeSet<String> = c["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["doc"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(got, set_of(&[feed_item, page]), "{c:#}");
    assert_eq!(c["earliest"], feed_item);
    let item = member(&r, feed_item).unwrap();
    assert_eq!(item["path"], "corpus/feeds/lakeshore-wire.rss");
    assert_eq!(item["source"], "Lakeshore Wire");
    assert_eq!(item["date"], "2024-06-11T07:15:00Z");
    let p = member(&r, page).unwrap();
    assert_eq!(p["source"], "Aster Bay Courier");
    assert_eq!(p["date"], "2024-06-11T14:30:00Z");
    assert_eq!(
        p["url"],
        "https://asterbay-courier.example/news/tern-valley-rail-reopens"
    );
    // The cherry story in the same feed matches nothing.
    assert!(cluster_of(&r, "lakeshore-wire-2024-0612-cherries").is_none());
}
