//! The README's CI workflow, run as written: its `run:` steps (all but the
//! install step, which the test's build stands in for) on two days of a
//! scraped folder, with the cache steps' effect (the index file kept
//! between days) simulated by the shared working directory.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

/// The `run:` commands of the README's workflow, in order.
fn workflow_steps() -> Vec<String> {
    let readme = include_str!("../README.md");
    let start = readme
        .find("<!-- ci-example:start -->")
        .expect("README has the CI example");
    let end = readme[start..]
        .find("<!-- ci-example:end -->")
        .expect("the CI example ends")
        + start;
    readme[start..end]
        .lines()
        .filter_map(|l| l.trim().strip_prefix("run: "))
        .filter(|cmd| !cmd.starts_with("cargo install"))
        .map(str::to_string)
        .collect()
}

fn run_step(root: &Path, cmd: &str) -> Run {
    let bin = assert_cmd::cargo::cargo_bin("reprint");
    let dir = bin.parent().expect("binary directory");
    let path = format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Run::from(
        Command::new("bash")
            .args(["-eo", "pipefail", "-c", cmd])
            .current_dir(root)
            .env("PATH", path)
            .output()
            .expect("run bash"),
    )
}

#[test]
fn the_readme_workflow_runs_as_written_on_a_scraped_folder() {
    let steps = workflow_steps();
    assert_eq!(steps.len(), 2, "the workflow's run steps: {steps:?}");
    let env = TestEnv::new();
    let today = run_step(env.root(), "date -u +%F")
        .stdout
        .trim()
        .to_string();
    let day_dir = format!("scrape/{today}");
    env.write(
        ".reprint/baseline.json",
        r#"{"version": 1, "findings": []}"#,
    );

    // Day 1: three fresh stories; nothing to find, and the index is created.
    for i in 0..3 {
        env.write(&format!("{day_dir}/wire-{i}.txt"), article(300 + i).text());
    }
    for cmd in &steps {
        run_step(env.root(), cmd).expect_code(0);
    }
    assert!(env.path(".reprint/index.sqlite").exists());
    assert!(env.path("reprint.sarif").exists());

    // Day 2 (the folder replaced by the next scrape): one story copies day 1.
    std::fs::remove_dir_all(env.path(&day_dir)).unwrap();
    env.write(
        &format!("{day_dir}/outlet-copy.txt"),
        trimmed_reprint(&article(301), 9).text(),
    );
    env.write(&format!("{day_dir}/fresh.txt"), unrelated(900).text());
    let sarif_step = run_step(env.root(), &steps[0]);
    sarif_step.expect_code(0); // exit 1 (findings) is accepted by the step
    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(env.path("reprint.sarif")).unwrap()).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty(), "{sarif_step}");
    let check = run_step(env.root(), &steps[1]);
    check.expect_code(1);
    let copy = format!("::error file={day_dir}/outlet-copy.txt,line=1");
    assert!(check.stdout.contains(&copy), "{check}");
    assert!(
        check.stdout.contains(&format!("{day_dir}/wire-1.txt")),
        "the annotation names the indexed original:\n{check}"
    );
    assert!(!check.stdout.contains("fresh.txt"), "{check}");

    let stats = env
        .cmd()
        .args(["index", "stats", "--json"])
        .output()
        .unwrap();
    let stats: serde_json::Value = serde_json::from_slice(&stats.stdout).unwrap();
    assert_eq!(stats["documents"], 5, "both days are in the index");
}
