//! Criterion benches per stage, on generated news-like text.
//!
//! Throughput is reported in bytes of input text, so the figures read as MB/s
//! (see README, "Performance").

use std::io::Write;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

use reprint::minhash::{MinHasher, Sketch};
use reprint::pipeline::{scan, ScanOptions};
use reprint::shingle::{shingle_set, shingles, ShingleScratch};
use reprint::Config;

/// A deterministic pseudo-article of about `words` words from a Zipf-ish vocabulary.
fn article(seed: u64, words: usize) -> String {
    const VOCAB: &[&str] = &[
        "the",
        "of",
        "and",
        "to",
        "a",
        "in",
        "said",
        "on",
        "for",
        "that",
        "was",
        "with",
        "by",
        "council",
        "minister",
        "market",
        "shares",
        "percent",
        "million",
        "police",
        "court",
        "government",
        "election",
        "company",
        "year",
        "bridge",
        "harbor",
        "grain",
        "record",
        "prices",
        "trade",
        "workers",
        "union",
        "strike",
        "ferry",
        "museum",
        "reopened",
        "flood",
        "Tuesday",
        "officials",
        "statement",
        "report",
        "growth",
        "budget",
        "school",
        "vote",
    ];
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut out = String::with_capacity(words * 7);
    for i in 0..words {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        // Skew towards the front of the vocabulary, and mix in numbers.
        let r = (s % 1000) as usize;
        if r < 40 {
            out.push_str(&(s % 100_000).to_string());
        } else {
            let idx = (r * r / 1000) * VOCAB.len() / 1000;
            out.push_str(VOCAB[idx.min(VOCAB.len() - 1)]);
        }
        out.push(if i % 17 == 16 { '.' } else { ' ' });
        if i % 80 == 79 {
            out.push_str("\n\n");
        }
    }
    out
}

fn bench_shingle(c: &mut Criterion) {
    let text = article(1, 50_000);
    let mut g = c.benchmark_group("normalize+shingle");
    g.throughput(Throughput::Bytes(text.len() as u64));
    for k in [3usize, 5] {
        g.bench_with_input(BenchmarkId::new("k", k), &k, |b, &k| {
            let mut scratch = ShingleScratch::default();
            b.iter(|| shingles(&text, k, &mut scratch).len())
        });
    }
    g.finish();
}

/// Verification sets (sorted, de-duplicated shingle hashes) of article-sized
/// documents: the work of re-reading a candidate.
fn bench_shingle_set(c: &mut Criterion) {
    let docs: Vec<String> = (0..400).map(|i| article(100 + i, 650)).collect();
    let bytes: usize = docs.iter().map(String::len).sum();
    let mut g = c.benchmark_group("shingle set");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("650-word documents, k5", |b| {
        let mut scratch = ShingleScratch::default();
        b.iter(|| {
            docs.iter()
                .map(|d| shingle_set(d, 5, &mut scratch).len())
                .sum::<usize>()
        })
    });
    g.finish();
}

/// The reuse stage's per-pair work: tokenize both texts (words, lines,
/// spans) and align them (a reprint that rewrote every tenth word and cut
/// the last third).
fn bench_align(c: &mut Criterion) {
    use reprint::normalize::WordScratch;
    use reprint::reuse::{align_pair, ReuseConfig, Tokens};
    let pairs: Vec<(String, String)> = (0..100)
        .map(|i| {
            let wire = article(500 + i, 600);
            let words: Vec<&str> = wire.split(' ').collect();
            let reprint: Vec<&str> = words[..words.len() * 2 / 3]
                .iter()
                .enumerate()
                .map(|(j, w)| if j % 10 == 9 { "rewritten" } else { *w })
                .collect();
            (wire.clone(), reprint.join(" "))
        })
        .collect();
    let bytes: usize = pairs.iter().map(|(a, b)| a.len() + b.len()).sum();
    let spec = ReuseConfig::default().align_spec();
    let mut g = c.benchmark_group("reuse");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("tokenize + align 600-word pairs", |b| {
        let mut scratch = WordScratch::default();
        b.iter(|| {
            pairs
                .iter()
                .map(|(a, r)| {
                    let (ta, tr) = (Tokens::of(a, &mut scratch), Tokens::of(r, &mut scratch));
                    align_pair(&tr.words, &ta.words, spec).passages.len()
                })
                .sum::<usize>()
        })
    });
    g.finish();
}

fn bench_minhash(c: &mut Criterion) {
    let text = article(2, 50_000);
    let mut scratch = ShingleScratch::default();
    let sh = shingles(&text, 5, &mut scratch).to_vec();
    let mut g = c.benchmark_group("minhash");
    g.throughput(Throughput::Bytes(text.len() as u64));
    for (sketch, num_perm) in [
        (Sketch::OnePermutation, 128usize),
        (Sketch::Permutations, 128),
        (Sketch::Permutations, 256),
    ] {
        let h = MinHasher::with_sketch(sketch, num_perm, 7);
        let mut sig = vec![0u32; num_perm];
        let id = BenchmarkId::new(sketch.name(), num_perm);
        g.bench_with_input(id, &sh, |b, sh| {
            b.iter(|| {
                h.sign_into(sh, &mut sig);
                sig[0]
            })
        });
    }
    g.finish();
}

fn bench_scan(c: &mut Criterion) {
    // 4,000 documents of ~500 words, 20% of them lightly edited copies.
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bench.jsonl");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    let mut bytes = 0u64;
    for i in 0..4000u64 {
        let text = if i % 5 == 4 {
            format!("{} Reporting by staff.", article(i - 1, 500))
        } else {
            article(i, 500)
        };
        bytes += text.len() as u64;
        let rec = serde_json::json!({ "id": format!("d{i}"), "text": text });
        writeln!(f, "{rec}").expect("write");
    }
    drop(f);
    let cfg = Config::new(vec![path]);
    let mut g = c.benchmark_group("scan");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("jsonl-4000-docs", |b| {
        b.iter(|| {
            scan(&cfg, ScanOptions::default())
                .expect("scan")
                .report
                .stats
                .clusters
        })
    });
    g.finish();
}

/// Writes `n` records made by `text(i)` to a JSON Lines file; returns its
/// text bytes.
fn write_corpus(path: &std::path::Path, n: u64, text: impl Fn(u64) -> String) -> u64 {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    let mut bytes = 0u64;
    for i in 0..n {
        let t = text(i);
        bytes += t.len() as u64;
        let rec = serde_json::json!({ "id": format!("d{i}"), "text": t });
        writeln!(f, "{rec}").expect("write");
    }
    bytes
}

/// The corners where a naive LSH goes quadratic: one paragraph in every
/// document, and every document identical. Throughput (bytes/s) that stays
/// level as the corpus doubles means time linear in the corpus size.
fn bench_corners(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let footer =
        "Leave a reply. Your email address will not be published. Required fields are marked. \
                  Comments are moderated and may take a day to appear on this page.";
    let mut g = c.benchmark_group("corners");
    g.sample_size(10);
    for n in [2_000u64, 4_000, 8_000] {
        let path = dir.path().join(format!("shared-{n}.jsonl"));
        let bytes = write_corpus(&path, n, |i| format!("{}\n\n{footer}", article(i, 300)));
        let cfg = Config::new(vec![path]);
        g.throughput(Throughput::Bytes(bytes));
        g.bench_with_input(
            BenchmarkId::new("one-paragraph-everywhere", n),
            &cfg,
            |b, cfg| {
                b.iter(|| {
                    scan(cfg, ScanOptions::default())
                        .expect("scan")
                        .report
                        .stats
                        .paragraph_clusters
                })
            },
        );
        let path = dir.path().join(format!("same-{n}.jsonl"));
        let bytes = write_corpus(&path, n, |_| article(1, 300));
        let cfg = Config::new(vec![path]);
        g.throughput(Throughput::Bytes(bytes));
        g.bench_with_input(BenchmarkId::new("all-identical", n), &cfg, |b, cfg| {
            b.iter(|| {
                scan(cfg, ScanOptions::default())
                    .expect("scan")
                    .report
                    .stats
                    .clusters
            })
        });
    }
    g.finish();
}

criterion_group!(
    benches,
    bench_shingle,
    bench_shingle_set,
    bench_align,
    bench_minhash,
    bench_scan,
    bench_corners
);
criterion_main!(benches);
