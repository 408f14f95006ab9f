//! Indexed documents a check's new documents may share passages with:
//! looked up by the new documents' reuse keys, so that the scan's reuse
//! stage aligns them and links derived documents to indexed sources.
//!
//! In: the new documents' index records (their reuse keys, one fingerprint
//! in [`crate::index::REUSE_KEY_SUBSAMPLE`]) and the index. Out: row ids to hold.
//! A key held by more than `--reuse-max-df` indexed documents is skipped
//! (boilerplate); an indexed document becomes a candidate of a new one when
//! the two share enough keys by the rule of [`reuse::candidate_pairs`]
//! ([`reuse::shares_enough`]) applied to the indexed keys: at least
//! [`reuse::MIN_SHARED_SHARE`] of the keys of the one with fewer, and at
//! least `min_shared` scaled to the sub-sample (`⌈min_shared /
//! REUSE_KEY_SUBSAMPLE⌉`: 1 at the defaults). Both are what the scan asks
//! of the full fingerprints, in expectation; the scan then applies its own
//! rule to the full fingerprints of what comes back.
//!
//! **Bound**: each new document brings back at most [`HELD_PER_DOC`]
//! indexed documents (those sharing the most keys, then the oldest), so a
//! check holds at most `HELD_PER_DOC × new documents` of them on top of
//! those its band keys bring back. The index is read once for all the new
//! documents' keys (at most `keys × max_df` holders kept); hits are
//! counted per chunk of 256 new documents.

use std::collections::{HashMap, HashSet};

use crate::config::Config;
use crate::error::Result;
use crate::index::{Index, Record};
use crate::reuse;

/// Most indexed documents one new document brings back by its reuse keys.
pub const HELD_PER_DOC: usize = 16;

/// New documents whose key hits are counted together.
const CHUNK_DOCS: usize = 256;

/// The indexed documents (row ids, ascending, distinct) that share enough
/// reuse keys with one of `records`; `skip` are rows never to bring back
/// (a new document's own indexed copy).
pub fn candidates(
    index: &Index,
    records: &[Record],
    cfg: &Config,
    skip: &HashSet<i64>,
) -> Result<Vec<i64>> {
    let rc = &cfg.reuse;
    // The scan's least shared fingerprints, in indexed keys (one in
    // REUSE_KEY_SUBSAMPLE of them): at least one.
    let min_shared = rc
        .min_shared
        .div_ceil(crate::index::REUSE_KEY_SUBSAMPLE as usize)
        .max(1);
    let mut out: Vec<i64> = Vec::new();
    let mut counts: HashMap<i64, usize> = HashMap::new();
    // One read of the index for every key: the holders of keys[i] are
    // rows[spans[i].0..spans[i].1].
    let mut all_keys: Vec<u32> = records
        .iter()
        .flat_map(|r| r.reuse_keys.iter().copied())
        .collect();
    all_keys.sort_unstable();
    all_keys.dedup();
    let mut spans: Vec<(usize, usize)> = vec![(0, 0); all_keys.len()];
    let mut rows: Vec<i64> = Vec::new();
    index.reuse_holders(&all_keys, rc.max_df, |i, holders| {
        spans[i] = (rows.len(), rows.len() + holders.len());
        rows.extend_from_slice(holders);
    })?;
    let holders_of = |k: u32| -> &[i64] {
        match all_keys.binary_search(&k) {
            Ok(i) => &rows[spans[i].0..spans[i].1],
            Err(_) => &[],
        }
    };
    for chunk in records.chunks(CHUNK_DOCS) {
        // (key, new document in the chunk), sorted: one look-up per key.
        let mut postings: Vec<(u32, u32)> = chunk
            .iter()
            .enumerate()
            .flat_map(|(d, r)| r.reuse_keys.iter().map(move |&k| (k, d as u32)))
            .collect();
        postings.sort_unstable();
        let mut hits: Vec<(u32, i64)> = Vec::new();
        for run in postings.chunk_by(|a, b| a.0 == b.0) {
            let holders = holders_of(run[0].0);
            for &(_, d) in run {
                hits.extend(holders.iter().map(|&h| (d, h)));
            }
        }
        hits.sort_unstable();
        // Per new document: (shared keys, row) of the rows that pass the rule.
        for doc_hits in hits.chunk_by(|a, b| a.0 == b.0) {
            let new_keys = chunk[doc_hits[0].0 as usize].reuse_keys.len();
            let mut passed: Vec<(usize, i64)> = Vec::new();
            for run in doc_hits.chunk_by(|a, b| a.1 == b.1) {
                let row = run[0].1;
                if skip.contains(&row) || run.len() < min_shared {
                    continue;
                }
                // The indexed side's count matters only when it may be the
                // one with fewer keys.
                let held_keys = if reuse::shares_enough(run.len(), new_keys, new_keys, min_shared) {
                    new_keys
                } else {
                    match counts.get(&row) {
                        Some(&n) => n,
                        None => {
                            let n = index.reuse_key_count(row)?;
                            counts.insert(row, n);
                            n
                        }
                    }
                };
                if reuse::shares_enough(run.len(), new_keys, held_keys, min_shared) {
                    passed.push((run.len(), row));
                }
            }
            // Most shared keys first, then the oldest row.
            passed.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            out.extend(passed.iter().take(HELD_PER_DOC).map(|&(_, row)| row));
        }
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::Mode;
    use std::time::Duration;

    fn record(id: &str, hash: u64, reuse_keys: Vec<u32>) -> Record {
        Record {
            id: id.into(),
            path: "x.jsonl".into(),
            line: 1,
            meta: Default::default(),
            content_hash: hash,
            doc_keys: Vec::new(),
            paragraph_keys: Vec::new(),
            reuse_keys,
            paragraphs: Vec::new(),
            text: "text".into(),
            packed_text: Vec::new(),
            base_hint: None,
        }
    }

    #[test]
    fn shared_rare_keys_bring_back_at_most_the_bound() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ix.sqlite");
        let mut ix = Index::open(&path, Some(&[]), Mode::Create, Duration::from_secs(1)).unwrap();
        let mut cfg = Config::new(Vec::new());
        cfg.reuse.max_df = 30;
        // Rows 1..=20 hold keys 0..20+i, all shared with the first probe;
        // row 21 holds one key; rows 22..=61 all hold keys 1000 and 1001
        // (more than max_df: boilerplate, which pairs nothing); row 62 holds
        // 101 keys.
        let mut stored = Vec::new();
        for i in 0..20u32 {
            let keys: Vec<u32> = (0..20 + i).collect();
            stored.push(record(&format!("s{i}"), u64::from(i), keys));
        }
        stored.push(record("one", 100, vec![700]));
        for i in 0..40u32 {
            stored.push(record(
                &format!("b{i}"),
                200 + u64::from(i),
                vec![1000, 1001],
            ));
        }
        stored.push(record("big", 300, (500..601).collect()));
        ix.add(&stored, "2026-11-20T00:00:00Z").unwrap();
        let mut probe: Vec<u32> = (0..40).collect();
        probe.extend([1000, 1001]);
        let new = [record("new", 999, probe)];
        let got = candidates(&ix, &new, &cfg, &HashSet::new()).unwrap();
        assert_eq!(got.len(), HELD_PER_DOC, "{got:?}");
        // The rows sharing the most keys: the last 16 stored.
        assert_eq!(got, (5..=20).collect::<Vec<i64>>());
        // A skipped row (the new document's own copy) is never brought back.
        let skip: HashSet<i64> = [20].into();
        let got = candidates(&ix, &new, &cfg, &skip).unwrap();
        assert!(!got.contains(&20) && got.contains(&4), "{got:?}");
        // One shared key: enough with a document of one key (row 21), not
        // with one of 101 when the new one has 42 (5% of 42 is 2.1).
        let mut probe: Vec<u32> = (300..340).collect();
        probe.extend([500, 700]);
        let got = candidates(&ix, &[record("p", 998, probe)], &cfg, &HashSet::new()).unwrap();
        assert_eq!(got, vec![21]);
    }
}
