//! Input formats and bad input: compressed JSON Lines, and malformed files
//! that must end in a clear message and the right exit status, never a crash
//! or a silent loss.

mod common;

use std::io::Write;

use common::*;

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).expect("gzip in memory");
    e.finish().expect("gzip in memory")
}

fn zstd(bytes: &[u8]) -> Vec<u8> {
    ruzstd::encoding::compress_to_vec(bytes, ruzstd::encoding::CompressionLevel::Fastest)
}

/// `n` records `{prefix}{i}` holding unrelated articles; different
/// prefixes give different articles.
fn filler(prefix: &str, n: u64) -> String {
    let base = prefix.bytes().fold(100u64, |h, b| h * 31 + u64::from(b)) % 100_000;
    (0..n)
        .map(|i| record(&format!("{prefix}{i}"), &unrelated(base + i).text()))
        .collect()
}

#[test]
fn gzip_zstd_and_plain_files_scan_into_one_report() {
    let orig = article(1);
    let gz = format!(
        "{}{}",
        filler("gz-", 3),
        record("wire-original", &orig.text())
    );
    let zst = format!(
        "{}{}",
        record("outlet-copy", &exact_copy(&orig).text()),
        filler("zst-", 3)
    );
    let env = TestEnv::new();
    env.write("feeds/a.jsonl.gz", gzip(gz.as_bytes()));
    env.write("feeds/b.jsonl.zst", zstd(zst.as_bytes()));
    env.write(
        "feeds/c.txt.gz",
        gzip(trimmed_reprint(&orig, 2).text().as_bytes()),
    );
    env.write("feeds/d.txt", unrelated(50).text());
    let (run, report) = env.scan_json(&["feeds"]);
    run.expect_code(0);
    assert_eq!(stat(&report, "documents"), 10, "{run}");
    assert_eq!(stat(&report, "skipped_inputs"), 0);
    assert_eq!(
        cluster_sets(&report),
        vec![set_of(&["feeds/c.txt.gz", "outlet-copy", "wire-original"])],
        "{run}"
    );
    // Lines count decompressed records.
    let m = member(&report, "wire-original").expect("member");
    assert_eq!(m["path"], "feeds/a.jsonl.gz");
    assert_eq!(m["line"], 4);
    assert_eq!(member(&report, "outlet-copy").unwrap()["line"], 1);
}

#[test]
fn a_truncated_gzip_stream_keeps_the_records_before_the_cut() {
    let body = filler("r", 40);
    let packed = gzip(body.as_bytes());
    let env = TestEnv::new();
    env.write("in/cut.jsonl.gz", &packed[..packed.len() * 2 / 3]);
    env.write("in/whole.jsonl", filler("w", 2));
    let (run, report) = env.scan_json(&["in"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("in/cut.jsonl.gz")
            && run.stderr.contains("corrupt or truncated gzip stream")
            && run.stderr.contains("the records before it were kept"),
        "{run}"
    );
    assert_eq!(stat(&report, "skipped_inputs"), 1);
    let docs = stat(&report, "documents");
    assert!(
        (2 + 10..2 + 40).contains(&docs),
        "kept {docs} documents:\n{run}"
    );
}

#[test]
fn a_truncated_zstd_stream_is_named_and_counted() {
    let body = filler("r", 40);
    let packed = zstd(body.as_bytes());
    let env = TestEnv::new();
    env.write("in/cut.jsonl.zst", &packed[..packed.len() / 2]);
    let (run, report) = env.scan_json(&["in"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("in/cut.jsonl.zst")
            && run.stderr.contains("corrupt or truncated zstd stream"),
        "{run}"
    );
    assert_eq!(stat(&report, "skipped_inputs"), 1);
}

#[test]
fn a_file_that_is_not_gzip_at_all_is_skipped_with_a_reason() {
    let env = TestEnv::new();
    env.write("in/plain.jsonl.gz", filler("r", 2));
    env.write("in/ok.jsonl", filler("w", 2));
    let (run, report) = env.scan_json(&["in"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("in/plain.jsonl.gz") && run.stderr.contains("gzip"),
        "{run}"
    );
    assert_eq!(stat(&report, "documents"), 2);
    assert_eq!(stat(&report, "skipped_inputs"), 1);
}
