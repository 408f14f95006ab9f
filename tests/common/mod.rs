//! Shared harness for the integration tests: a temporary corpus, a way to
//! run the `reprint` binary inside it, JSON report helpers, and a
//! deterministic generator of pseudo-articles (so no test needs big
//! fixtures).
//!
//! In the spirit of fd's `tests/testenv`: every test builds the corpus it
//! talks about, runs the real binary with the corpus root as its working
//! directory (so document ids are short relative paths such as
//! `docs/original.txt`), and asserts on what came out.

// Each test crate uses a different subset of these helpers.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

// ---------------------------------------------------------------------------
// Temporary corpus
// ---------------------------------------------------------------------------

/// A temporary directory holding a corpus; removed when dropped.
pub struct TestEnv {
    dir: TempDir,
}

impl TestEnv {
    /// An empty corpus root.
    pub fn new() -> Self {
        TestEnv {
            dir: tempfile::tempdir().expect("create temp dir"),
        }
    }

    /// A corpus root holding `files`, given as (relative path, contents).
    pub fn with_files<C: AsRef<[u8]>>(files: &[(&str, C)]) -> Self {
        let env = TestEnv::new();
        for (path, contents) in files {
            env.write(path, contents);
        }
        env
    }

    /// The corpus root (the working directory of every run).
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// The absolute path of `rel` inside the corpus.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    /// Writes `contents` to `rel`, creating parent directories.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(rel);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent).expect("create parent dirs");
        }
        fs::write(&p, contents).expect("write corpus file");
        p
    }

    /// `reprint` with the corpus root as working directory.
    pub fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("reprint").expect("reprint binary is built");
        c.current_dir(self.root());
        c
    }

    /// Runs `reprint scan ARGS...`.
    pub fn scan(&self, args: &[&str]) -> Run {
        let mut c = self.cmd();
        c.arg("scan").args(args);
        Run::from(c.output().expect("run reprint"))
    }

    /// Runs `reprint scan ARGS...` with `stdin` on standard input.
    pub fn scan_stdin(&self, args: &[&str], stdin: impl Into<Vec<u8>>) -> Run {
        let mut c = self.cmd();
        c.arg("scan").args(args).write_stdin(stdin.into());
        Run::from(c.output().expect("run reprint"))
    }

    /// Runs `reprint scan ARGS... --format json` and returns the run and
    /// the parsed report.
    pub fn scan_json(&self, args: &[&str]) -> (Run, Value) {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--format", "json"]);
        let run = self.scan(&all);
        let json = run.json();
        (run, json)
    }
}

impl Default for TestEnv {
    fn default() -> Self {
        Self::new()
    }
}

/// The outcome of one run of the binary.
#[derive(Debug)]
pub struct Run {
    /// Exit status (-1 if killed by a signal).
    pub code: i32,
    /// Standard output, lossily decoded.
    pub stdout: String,
    /// Standard error, lossily decoded.
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Self {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Run {
    /// Standard output parsed as one JSON value; panics with the whole run
    /// when it is not.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{self}"))
    }

    /// Panics (showing the run) unless the exit status is `code`.
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(self.code, code, "unexpected exit status:\n{self}");
        self
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "--- exit status {} ---\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

// ---------------------------------------------------------------------------
// Report helpers
// ---------------------------------------------------------------------------

/// `report.stats.<name>` as an integer; panics when missing.
pub fn stat(report: &Value, name: &str) -> u64 {
    report["stats"][name]
        .as_u64()
        .unwrap_or_else(|| panic!("stats.{name} missing or not an integer in {report:#}"))
}

/// The report's clusters as sets of member doc ids, in report order.
pub fn cluster_sets(report: &Value) -> Vec<BTreeSet<String>> {
    report["document_clusters"]
        .as_array()
        .expect("document_clusters is an array")
        .iter()
        .map(|c| {
            c["members"]
                .as_array()
                .expect("members is an array")
                .iter()
                .map(|m| {
                    m["doc"]
                        .as_str()
                        .expect("member doc is a string")
                        .to_string()
                })
                .collect()
        })
        .collect()
}

/// Every doc id that is in some cluster.
pub fn clustered_docs(report: &Value) -> BTreeSet<String> {
    cluster_sets(report).into_iter().flatten().collect()
}

/// The cluster object whose members include `doc`, if any.
pub fn cluster_of<'r>(report: &'r Value, doc: &str) -> Option<&'r Value> {
    report["document_clusters"].as_array()?.iter().find(|c| {
        c["members"]
            .as_array()
            .is_some_and(|ms| ms.iter().any(|m| m["doc"] == doc))
    })
}

/// The member object of `doc` in the report, if it is clustered.
pub fn member<'r>(report: &'r Value, doc: &str) -> Option<&'r Value> {
    cluster_of(report, doc)?["members"]
        .as_array()?
        .iter()
        .find(|m| m["doc"] == doc)
}

/// A set of strings, for comparing against [`cluster_sets`].
pub fn set_of(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// Asserts that `v` is a number in [0, 1] and returns it.
pub fn unit_score(v: &Value, what: &str) -> f64 {
    let x = v
        .as_f64()
        .unwrap_or_else(|| panic!("{what} is not a number: {v}"));
    assert!((0.0..=1.0).contains(&x), "{what} = {x} is outside [0, 1]");
    x
}

/// Asserts that `obj` is a JSON object with every key in `keys`.
pub fn assert_keys(obj: &Value, keys: &[&str], what: &str) {
    let map = obj
        .as_object()
        .unwrap_or_else(|| panic!("{what} is not an object: {obj}"));
    for k in keys {
        assert!(
            map.contains_key(*k),
            "{what} has no `{k}` key; it has {:?}",
            map.keys().collect::<Vec<_>>()
        );
    }
}

/// One JSON Lines record line (with its newline) holding `fields`.
pub fn jsonl_line(fields: &[(&str, Value)]) -> String {
    let obj: serde_json::Map<String, Value> = fields
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    format!("{}\n", Value::Object(obj))
}

/// `a`'s paragraphs as HTML `<p>` elements, one a line.
pub fn html_paragraphs(a: &Article) -> String {
    a.paragraphs
        .iter()
        .map(|p| format!("<p>{p}</p>\n"))
        .collect()
}

/// An RSS 2.0 feed "Daily Courier" whose first item (guid `courier-1`,
/// link `https://courier.example/s/1`, dated 2024-05-03 09:00 GMT) carries
/// `a` as `content:encoded`, followed by `more_items` (raw XML).
pub fn courier_rss(a: &Article, more_items: &str) -> String {
    format!(
        r#"<?xml version="1.0"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Daily Courier</title><link>https://courier.example</link>
<item><title>{title}</title><link>https://courier.example/s/1</link><guid>courier-1</guid>
<pubDate>Fri, 03 May 2024 09:00:00 GMT</pubDate>
<content:encoded><![CDATA[{body}]]></content:encoded></item>
{more_items}
</channel></rss>"#,
        title = a.headline,
        body = html_paragraphs(a)
    )
}

/// A `{"id": id, "text": text}` record line.
pub fn record(id: &str, text: &str) -> String {
    jsonl_line(&[("id", Value::from(id)), ("text", Value::from(text))])
}

/// A labelled corpus for `reprint eval`: one `{"id", "text", "cluster"}`
/// line per `(id, text, label)` (`Value::Null`: a unique document).
pub fn labelled_jsonl(docs: &[(&str, String, Value)]) -> String {
    docs.iter()
        .map(|(id, text, label)| {
            jsonl_line(&[
                ("id", Value::from(*id)),
                ("text", Value::from(text.as_str())),
                ("cluster", label.clone()),
            ])
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Deterministic pseudo-articles
// ---------------------------------------------------------------------------

/// Words the generator draws from. Large enough that two independent
/// articles share no 5-word run (the chance is about 300² / 160⁵ per pair).
const WORDS: &[&str] = &[
    "council",
    "mayor",
    "budget",
    "harbor",
    "bridge",
    "river",
    "valley",
    "city",
    "county",
    "state",
    "minister",
    "official",
    "residents",
    "police",
    "court",
    "judge",
    "school",
    "teachers",
    "students",
    "hospital",
    "doctors",
    "nurses",
    "market",
    "prices",
    "farmers",
    "harvest",
    "grain",
    "weather",
    "storm",
    "rain",
    "flood",
    "drought",
    "museum",
    "gallery",
    "paintings",
    "library",
    "books",
    "ferry",
    "workers",
    "strike",
    "union",
    "company",
    "investors",
    "shares",
    "profit",
    "losses",
    "funding",
    "startup",
    "energy",
    "solar",
    "wind",
    "power",
    "grid",
    "plant",
    "factory",
    "jobs",
    "wages",
    "housing",
    "rents",
    "tenants",
    "landlords",
    "traffic",
    "roads",
    "railway",
    "station",
    "airport",
    "flights",
    "tourists",
    "hotel",
    "festival",
    "concert",
    "season",
    "team",
    "coach",
    "players",
    "match",
    "goal",
    "league",
    "election",
    "voters",
    "candidate",
    "campaign",
    "party",
    "parliament",
    "law",
    "bill",
    "vote",
    "report",
    "survey",
    "study",
    "scientists",
    "research",
    "data",
    "figures",
    "record",
    "increase",
    "decline",
    "plan",
    "proposal",
    "project",
    "repairs",
    "closure",
    "opening",
    "ceremony",
    "statement",
    "spokesperson",
    "announced",
    "said",
    "told",
    "warned",
    "expected",
    "approved",
    "rejected",
    "delayed",
    "reopened",
    "closed",
    "raised",
    "cut",
    "estimated",
    "confirmed",
    "denied",
    "agreed",
    "planned",
    "reported",
    "new",
    "old",
    "local",
    "regional",
    "national",
    "public",
    "private",
    "annual",
    "weekly",
    "early",
    "late",
    "major",
    "minor",
    "first",
    "last",
    "northern",
    "southern",
    "eastern",
    "western",
    "central",
    "coastal",
    "rural",
    "urban",
    "several",
    "many",
    "few",
    "most",
    "three",
    "four",
    "million",
    "thousand",
    "percent",
    "during",
    "after",
    "before",
    "despite",
    "because",
    "while",
    "across",
    "near",
    "since",
    "until",
    "through",
    "against",
    "among",
];

/// xorshift64*: small, fast, and the same on every platform.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed` (any value, zero included).
    pub fn new(seed: u64) -> Self {
        // SplitMix64 finalizer: neighbouring seeds give unrelated streams,
        // and the state is never zero.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        Rng(z | 1)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next_u64() % (hi - lo + 1) as u64) as usize
    }

    /// A word from the list.
    pub fn word(&mut self) -> &'static str {
        WORDS[self.range(0, WORDS.len() - 1)]
    }
}

fn capitalize(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn headline(rng: &mut Rng) -> String {
    let n = rng.range(6, 9);
    (0..n)
        .map(|_| capitalize(rng.word()))
        .collect::<Vec<_>>()
        .join(" ")
}

fn sentence(rng: &mut Rng) -> String {
    let n = rng.range(8, 12);
    let words: Vec<&str> = (0..n).map(|_| rng.word()).collect();
    format!("{}.", capitalize(&words.join(" ")))
}

/// A pseudo-article: a headline and body paragraphs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// The headline (first line of the file).
    pub headline: String,
    /// Body paragraphs, separated by blank lines in the file.
    pub paragraphs: Vec<String>,
}

impl Article {
    /// A ~300-word article (10 paragraphs of 3 sentences), the same for the
    /// same seed on every run and platform.
    pub fn generate(seed: u64) -> Article {
        let mut rng = Rng::new(seed);
        let headline = headline(&mut rng);
        let paragraphs = (0..10)
            .map(|_| {
                (0..3)
                    .map(|_| sentence(&mut rng))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        Article {
            headline,
            paragraphs,
        }
    }

    /// The file contents: headline, blank line, paragraphs separated by
    /// blank lines, final newline.
    pub fn text(&self) -> String {
        let mut s = self.headline.clone();
        for p in &self.paragraphs {
            s.push_str("\n\n");
            s.push_str(p);
        }
        s.push('\n');
        s
    }

    /// Number of words in the article, headline included.
    pub fn word_count(&self) -> usize {
        self.text().split_whitespace().count()
    }
}

/// An article generated from `seed`: the original of a duplicate group.
pub fn article(seed: u64) -> Article {
    Article::generate(seed)
}

/// A byte-for-byte copy.
pub fn exact_copy(a: &Article) -> Article {
    a.clone()
}

/// A republication that keeps the first 80% of the paragraphs verbatim
/// under a new headline (the last 20% are dropped).
pub fn trimmed_reprint(a: &Article, seed: u64) -> Article {
    let mut rng = Rng::new(seed ^ 0x7121_33ED);
    let keep = a.paragraphs.len() - a.paragraphs.len() / 5;
    Article {
        headline: headline(&mut rng),
        paragraphs: a.paragraphs[..keep].to_vec(),
    }
}

/// A copy with `edits` single words replaced, spread evenly over the body
/// (a light copy-edit: each edit breaks at most 5 shingles).
pub fn lightly_edited(a: &Article, seed: u64, edits: usize) -> Article {
    let mut rng = Rng::new(seed ^ 0xED17);
    let mut paragraphs = a.paragraphs.clone();
    let step = (paragraphs.len() / edits.max(1)).max(1);
    for i in 0..edits {
        let p = (i * step) % paragraphs.len();
        let mut words: Vec<String> = paragraphs[p].split(' ').map(str::to_string).collect();
        let w = rng.range(1, words.len() - 2);
        words[w] = "amended".to_string();
        paragraphs[p] = words.join(" ");
    }
    Article {
        headline: a.headline.clone(),
        paragraphs,
    }
}

/// An article unrelated to any [`article`] made from a small seed (drawn
/// from a separate seed space).
pub fn unrelated(seed: u64) -> Article {
    Article::generate(seed.wrapping_add(1 << 40))
}

/// A reworded reprint: a new headline and a paragraph of its own, then the
/// first `keep` paragraphs of `a` with every fourth word replaced. Too
/// changed for the document or its paragraphs to match as copies, it
/// shares aligned passages with `a`: a derived document.
pub fn reworded_reprint(a: &Article, seed: u64, keep: usize) -> Article {
    let mut rng = Rng::new(seed ^ 0x5E_3071);
    let mut paragraphs = vec![unrelated(seed).paragraphs[0].clone()];
    for p in &a.paragraphs[..keep] {
        let words: Vec<String> = p
            .split(' ')
            .enumerate()
            .map(|(i, w)| {
                if i % 4 == 2 {
                    "reworded".to_string()
                } else {
                    w.to_string()
                }
            })
            .collect();
        paragraphs.push(words.join(" "));
    }
    Article {
        headline: headline(&mut rng),
        paragraphs,
    }
}

// ---------------------------------------------------------------------------
// A wire story and a reworded, trimmed reprint (explain and the HTML page)
// ---------------------------------------------------------------------------

/// A fictional wire story (about 240 words).
pub const WIRE: &str = "Harbor Authority Approves Plan to Dredge Northern Channel\n\
    \n\
    The Aster Bay harbor authority on Monday approved a plan to dredge the northern \
    shipping channel, a project that officials say will allow larger cargo vessels to \
    dock at the port for the first time in two decades.\n\
    \n\
    The board voted five to two in favour of the proposal after a public hearing that \
    lasted more than four hours. Opponents, including several fishing cooperatives, \
    warned that the work could disturb oyster beds along the eastern shore.\n\
    \n\
    Harbor director Miriam Okafor said the dredging would begin in early spring and take \
    roughly eighteen months to complete. The authority estimates the cost at 46 million \
    dollars, most of it covered by a federal infrastructure grant awarded last year.\n\
    \n\
    Environmental groups said they would study the final permit before deciding whether \
    to challenge it in court. A spokesperson for the Coastal Waters Alliance said the \
    group remained concerned about sediment plumes drifting toward protected wetlands.\n\
    \n\
    The port handled about 3.2 million tonnes of cargo last year, down from a peak of \
    4.1 million tonnes in 2015, according to figures published by the authority. \
    Shipping companies have long complained that the shallow channel forces them to \
    unload part of their cargo at other ports.\n\
    \n\
    Construction crews will work in shifts around the clock, and the authority said it \
    would publish a weekly schedule so that recreational boaters can plan around the \
    closures.\n";

/// A reworded, trimmed reprint of [`WIRE`] (about 140 words) under a new
/// headline and byline: not a near-duplicate (whole-document Jaccard 0.26,
/// containment 0.55), but four passages of 12 to 39 words come from the wire.
pub const REPRINT: &str = "Port board backs channel dredging despite fishing worries\n\
    \n\
    By a staff reporter\n\
    \n\
    The Aster Bay harbor authority on Monday approved a plan to dredge the northern \
    shipping channel, which officials say will let larger cargo vessels dock at the port \
    for the first time in two decades.\n\
    \n\
    The vote came after a long and heated hearing. Local oyster growers warned that the \
    work could disturb oyster beds along the eastern shore, a worry shared by many \
    residents of Pike Landing.\n\
    \n\
    Harbor director Miriam Okafor said the dredging would begin in early spring and take \
    roughly eighteen months to complete. The authority puts the cost at 46 million \
    dollars.\n\
    \n\
    Shipping companies have long complained that the shallow channel forces them to \
    unload part of their cargo at other ports, Okafor added.\n\
    \n\
    The Pike Landing Herald will follow the story as it develops.\n";
