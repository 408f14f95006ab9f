//! `reprint eval`: the scores of a scan of a labelled corpus, as text and
//! as JSON, in the shape they have always had (the work is
//! `reprint::eval::evaluate`; these tests pin what the binary prints).

mod common;

use common::*;
use serde_json::Value;

#[test]
fn eval_prints_scores_as_text_and_as_json_with_sorted_keys() {
    let orig = article(1);
    let labelled = labelled_jsonl(&[
        ("orig", orig.text(), Value::from("story")),
        ("copy", exact_copy(&orig).text(), Value::from("story")),
        (
            "trim",
            trimmed_reprint(&orig, 2).text(),
            Value::from("story"),
        ),
        ("other", unrelated(1).text(), Value::Null),
    ]);
    let env = TestEnv::with_files(&[("labelled.jsonl", labelled)]);
    let eval = |args: &[&str]| {
        let mut c = env.cmd();
        c.arg("eval").arg("labelled.jsonl").args(args);
        let run = Run::from(c.output().expect("run reprint"));
        run.expect_code(0);
        run
    };

    let text = eval(&["--exact", "--threshold", "1"]);
    let lines: Vec<&str> = text.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with("params: k=3 num_perm=128 threshold=1 containment=0.8 "));
    assert!(
        lines[1].starts_with("documents 4  true pairs 3  predicted pairs 3  precision 1.0000"),
        "{text}"
    );
    // The threshold as JSON writes it, as it always has been.
    assert!(
        lines[2].starts_with("exact: 1 pairs with Jaccard >= 1.0; 1 in the same cluster (recall 1.0000); 2 reported pairs, 0 below the rule"),
        "{text}"
    );
    assert_eq!(eval(&[]).stdout.lines().count(), 2);

    // Keys sorted at every level: the order `eval --json` has always had.
    let json = eval(&["--exact", "--json"]);
    let order = |keys: &[&str]| {
        let at: Vec<usize> = keys
            .iter()
            .map(|k| json.stdout.find(&format!("\"{k}\":")).expect(k))
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{keys:?}:\n{json}");
    };
    order(&["elapsed_ms", "exact", "metrics", "params"]);
    order(&[
        "exact_pairs",
        "found_in_same_cluster",
        "recall",
        "reported_pairs",
        "reported_pairs_below_rule",
        "threshold",
    ]);
    order(&["adjusted_rand_index", "documents", "f1", "precision"]);
    let v = json.json();
    assert_eq!(v["exact"]["reported_pairs_below_rule"], 0);
    assert_eq!(v["exact"]["threshold"], 0.6);
    assert_eq!(v["metrics"]["documents"], 4);
    assert!(json.stdout.ends_with("}\n"));
    assert!(eval(&["--json"]).json().get("exact").is_none());
}
