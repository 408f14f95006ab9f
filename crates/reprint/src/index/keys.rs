//! The lookup keys: (key, document) pairs of three kinds (document band
//! keys, paragraph band keys, reuse keys), stored as compact sorted runs.
//!
//! A row of one SQLite table per key kind and `(key, document)` pair costs
//! about 14 bytes, and inserting the pairs of a batch lands them all over
//! the b-tree, so that adding to a large index rewrites most of its pages
//! each time. Instead, each write adds one **run**: its pairs sorted and
//! cut by *bucket* (a key kind and the top 16 bits of the key), one row per
//! bucket holding the bucket's pairs delta-coded (about 4 bytes a pair).
//! Row ids are `run << 18 | kind << 16 | bucket`, so a run is appended at
//! the end of the table in one sequential pass. A look-up reads, in each
//! run, the rows of the buckets its keys fall in. When there are more than
//! [`MAX_RUNS`] runs, the [`MERGE_RUNS`] smallest are merged into one, so
//! runs stay few and their sizes roughly geometric.
//!
//! Invariants: a run holds each (key, document) pair at most once, sorted;
//! table `key_run_counts` holds each run's pairs per kind (for stats and
//! merging); every change happens inside the caller's transaction.

use std::collections::HashSet;

use rusqlite::{params, Connection};

/// The kinds of lookup key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// Document band keys.
    Doc = 0,
    /// The first band keys of each paragraph.
    Paragraph = 1,
    /// Sub-sampled reuse fingerprints.
    Reuse = 2,
}

/// Key kinds, in id order.
pub(super) const KINDS: usize = 3;
/// Bits of a row id below the run number.
const RUN_SHIFT: u32 = 18;
/// Buckets per kind: the top 16 bits of a key.
const BUCKETS: i64 = 1 << 16;
/// Highest document row id a run can hold (pairs pack into a u64).
pub(super) const MAX_DOC: i64 = (1 << 30) - 1;
/// Runs kept before merging.
pub(super) const MAX_RUNS: usize = 12;
/// How many of the smallest runs a merge joins.
const MERGE_RUNS: usize = 6;
/// Probe buckets above which a look-up reads a run's range in order
/// rather than bucket by bucket.
const SCAN_BUCKETS: usize = 2048;
/// Buckets read into memory at a time by a merge or a removal.
const CHUNK_BUCKETS: i64 = 4096;

/// A pending pair: kind, key and document packed so that sorting orders
/// by kind, bucket, key, document.
pub(super) fn pair(kind: Kind, key: u32, doc: i64) -> u64 {
    ((kind as u64) << 62) | (u64::from(key) << 30) | doc as u64
}

fn row_id(run: i64, group: i64) -> i64 {
    (run << RUN_SHIFT) | group
}

/// The group (kind and bucket) of a pending pair.
fn group_of(p: u64) -> i64 {
    (p >> 46) as i64
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn get_varint(b: &[u8], at: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *b.get(*at)?;
        *at += 1;
        v |= u64::from(byte & 0x7F) << shift;
        if byte < 0x80 {
            return Some(v);
        }
    }
    None
}

/// Writes bits, least significant first.
struct BitWriter {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl BitWriter {
    fn put(&mut self, v: u64, bits: u32) {
        debug_assert!(bits <= 32 && (bits == 32 || v < 1 << bits));
        self.acc |= v << self.n;
        self.n += bits;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }

    fn finish(mut self) -> Vec<u8> {
        if self.n > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }
}

/// Reads what [`BitWriter`] wrote; `None` past the end.
struct BitReader<'b> {
    b: &'b [u8],
    at: usize,
    acc: u64,
    n: u32,
}

impl BitReader<'_> {
    fn get(&mut self, bits: u32) -> Option<u64> {
        while self.n < bits {
            let byte = *self.b.get(self.at)?;
            self.at += 1;
            self.acc |= u64::from(byte) << self.n;
            self.n += 8;
        }
        let v = self.acc & ((1u64 << bits) - 1);
        self.acc >>= bits;
        self.n -= bits;
        Some(v)
    }

    /// A unary count: ones up to a zero (at most `max`).
    fn unary(&mut self, max: u64) -> Option<u64> {
        let mut q = 0;
        while self.get(1)? == 1 {
            q += 1;
            if q > max {
                return None;
            }
        }
        Some(q)
    }
}

fn bits_of(x: u64) -> u32 {
    64 - x.leading_zeros()
}

/// Encodes pairs of one bucket, sorted, as (low 16 key bits, document):
/// a header (count, least document, the Rice parameter of the key deltas,
/// the width of the document offsets), then per pair the key's delta from
/// the previous pair's (Rice-coded; 0: the same key) and the document's
/// offset from the least (fixed width). About 28 bits a pair at the
/// density of a bulk run (a key in ~800 of a bucket, ~120,000 documents).
fn encode(pairs: &[(u16, u32)]) -> Vec<u8> {
    let base = pairs.iter().map(|p| p.1).min().unwrap_or(0);
    let max = pairs.iter().map(|p| p.1 - base).max().unwrap_or(0);
    let width = bits_of(u64::from(max));
    let span = pairs.last().map_or(0, |p| u64::from(p.0));
    // Rice parameter: about log2 of the mean key delta.
    let rice = bits_of(span / pairs.len().max(1) as u64).saturating_sub(1);
    let mut w = BitWriter {
        out: Vec::with_capacity(pairs.len() * 4 + 8),
        acc: 0,
        n: 0,
    };
    let mut head = Vec::new();
    put_varint(&mut head, pairs.len() as u64);
    put_varint(&mut head, u64::from(base));
    head.push(rice as u8);
    head.push(width as u8);
    w.out.extend_from_slice(&head);
    let mut prev = 0u16;
    for &(k, d) in pairs {
        let delta = u64::from(k - prev);
        prev = k;
        let q = delta >> rice;
        for _ in 0..q {
            w.put(1, 1);
        }
        w.put(0, 1);
        w.put(delta & ((1 << rice) - 1), rice);
        w.put(u64::from(d - base), width);
    }
    w.finish()
}

/// Decodes a bucket's pairs, appending them to `out`; `None` when damaged.
fn decode(b: &[u8], out: &mut Vec<(u16, u32)>) -> Option<()> {
    let mut at = 0;
    let n = get_varint(b, &mut at)?;
    let base = get_varint(b, &mut at)?;
    let rice = u32::from(*b.get(at)?);
    let width = u32::from(*b.get(at + 1)?);
    if rice > 16 || width > 32 || n > (b.len() as u64) * 8 {
        return None;
    }
    let mut r = BitReader {
        b,
        at: at + 2,
        acc: 0,
        n: 0,
    };
    let mut k = 0u64;
    for _ in 0..n {
        let q = r.unary(u64::from(u16::MAX) >> rice)?;
        k += (q << rice) | r.get(rice)?;
        let d = base + r.get(width)?;
        if k > u64::from(u16::MAX) || d > MAX_DOC as u64 {
            return None;
        }
        out.push((k as u16, d as u32));
    }
    // Only the last byte's padding may be left.
    (r.at == b.len()).then_some(())
}

/// The key store of an index, over its connection.
pub(super) struct Keys<'c> {
    pub conn: &'c Connection,
}

/// A run and its pairs per kind.
#[derive(Debug, Clone, Copy)]
pub(super) struct Run {
    pub seq: i64,
    pub pairs: [u64; KINDS],
}

/// Errors of the key store: SQLite's, or a damaged run.
#[derive(Debug)]
pub(super) enum KeyError {
    Sql(rusqlite::Error),
    Damaged(i64),
}

impl From<rusqlite::Error> for KeyError {
    fn from(e: rusqlite::Error) -> Self {
        KeyError::Sql(e)
    }
}

type R<T> = std::result::Result<T, KeyError>;

/// Column `i` of a key run's row, which must be a blob.
fn blob<'r>(r: &'r rusqlite::Row<'_>, i: usize, id: i64) -> R<&'r [u8]> {
    r.get_ref(i)?.as_blob().map_err(|_| KeyError::Damaged(id))
}

impl Keys<'_> {
    /// The tables (inside the creating transaction).
    pub const SCHEMA: &'static str = "
        CREATE TABLE IF NOT EXISTS key_runs (id INTEGER PRIMARY KEY, pairs BLOB NOT NULL);
        CREATE TABLE IF NOT EXISTS key_run_counts (run INTEGER NOT NULL, kind INTEGER NOT NULL,
            pairs INTEGER NOT NULL, PRIMARY KEY (run, kind)) WITHOUT ROWID;";

    /// The runs, oldest first.
    pub fn runs(&self) -> R<Vec<Run>> {
        let mut q = self
            .conn
            .prepare_cached("SELECT run, kind, pairs FROM key_run_counts ORDER BY run, kind")?;
        let mut out: Vec<Run> = Vec::new();
        let mut rows = q.query([])?;
        while let Some(r) = rows.next()? {
            let (seq, kind, n): (i64, i64, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
            if out.last().is_none_or(|l| l.seq != seq) {
                out.push(Run {
                    seq,
                    pairs: [0; KINDS],
                });
            }
            if let Some(slot) = out.last_mut().and_then(|l| l.pairs.get_mut(kind as usize)) {
                *slot = n as u64;
            }
        }
        Ok(out)
    }

    /// Pairs held per kind.
    pub fn counts(&self) -> R<[u64; KINDS]> {
        let mut c = [0; KINDS];
        for r in self.runs()? {
            for (c, n) in c.iter_mut().zip(r.pairs) {
                *c += n;
            }
        }
        Ok(c)
    }

    /// Writes `pending` (pairs from [`pair`]) as a new run, then merges
    /// runs if there are too many.
    pub fn write_run(&self, pending: &mut Vec<u64>) -> R<()> {
        if pending.is_empty() {
            return Ok(());
        }
        pending.sort_unstable();
        pending.dedup();
        let runs = self.runs()?;
        let seq = runs.last().map_or(0, |r| r.seq + 1);
        let mut counts = [0u64; KINDS];
        let mut put = self
            .conn
            .prepare_cached("INSERT INTO key_runs (id, pairs) VALUES (?1, ?2)")?;
        let mut pairs: Vec<(u16, u32)> = Vec::new();
        for g in pending.chunk_by(|a, b| group_of(*a) == group_of(*b)) {
            pairs.clear();
            pairs.extend(
                g.iter()
                    .map(|&p| (((p >> 30) & 0xFFFF) as u16, (p & MAX_DOC as u64) as u32)),
            );
            let group = group_of(g[0]);
            counts[(group / BUCKETS) as usize] += pairs.len() as u64;
            put.execute(params![row_id(seq, group), encode(&pairs)])?;
        }
        pending.clear();
        self.put_counts(seq, &counts)?;
        self.merge_if_needed()
    }

    fn put_counts(&self, seq: i64, counts: &[u64; KINDS]) -> R<()> {
        let mut q = self.conn.prepare_cached(
            "INSERT OR REPLACE INTO key_run_counts (run, kind, pairs) VALUES (?1, ?2, ?3)",
        )?;
        for (kind, &n) in counts.iter().enumerate() {
            q.execute(params![seq, kind as i64, n as i64])?;
        }
        Ok(())
    }

    fn merge_if_needed(&self) -> R<()> {
        let mut runs = self.runs()?;
        if runs.len() <= MAX_RUNS {
            return Ok(());
        }
        let size = |r: &Run| r.pairs.iter().sum::<u64>();
        runs.sort_by_key(|r| (size(r), r.seq));
        let chosen: Vec<i64> = runs[..MERGE_RUNS].iter().map(|r| r.seq).collect();
        let seq = runs.iter().map(|r| r.seq).max().unwrap_or(0) + 1;
        let mut counts = [0u64; KINDS];
        let mut put = self
            .conn
            .prepare_cached("INSERT INTO key_runs (id, pairs) VALUES (?1, ?2)")?;
        self.each_chunk(&chosen, |group, pairs| {
            pairs.sort_unstable();
            counts[(group / BUCKETS) as usize] += pairs.len() as u64;
            put.execute(params![row_id(seq, group), encode(pairs)])?;
            Ok(())
        })?;
        for &s in &chosen {
            self.drop_run(s)?;
        }
        self.put_counts(seq, &counts)
    }

    fn drop_run(&self, seq: i64) -> R<()> {
        self.conn.execute(
            "DELETE FROM key_runs WHERE id BETWEEN ?1 AND ?2",
            params![row_id(seq, 0), row_id(seq, (1 << RUN_SHIFT) - 1)],
        )?;
        self.conn
            .execute("DELETE FROM key_run_counts WHERE run = ?1", [seq])?;
        Ok(())
    }

    /// Every group (kind and bucket) holding pairs in any of `runs`, in
    /// order, with the pairs of those runs (unsorted): read a chunk of
    /// buckets at a time, so that `f` may write while memory stays bounded.
    fn each_chunk(
        &self,
        runs: &[i64],
        mut f: impl FnMut(i64, &mut Vec<(u16, u32)>) -> R<()>,
    ) -> R<()> {
        let mut q = self
            .conn
            .prepare_cached("SELECT id, pairs FROM key_runs WHERE id BETWEEN ?1 AND ?2")?;
        let groups = KINDS as i64 * BUCKETS;
        let mut lo = 0;
        while lo < groups {
            let hi = (lo + CHUNK_BUCKETS).min(groups) - 1;
            let mut by_group: Vec<Vec<(u16, u32)>> = vec![Vec::new(); (hi - lo + 1) as usize];
            for &seq in runs {
                let mut rows = q.query(params![row_id(seq, lo), row_id(seq, hi)])?;
                while let Some(r) = rows.next()? {
                    let id: i64 = r.get(0)?;
                    let blob = blob(r, 1, id)?;
                    let g = id & ((1 << RUN_SHIFT) - 1);
                    decode(blob, &mut by_group[(g - lo) as usize]).ok_or(KeyError::Damaged(id))?;
                }
            }
            for (i, pairs) in by_group.iter_mut().enumerate() {
                if !pairs.is_empty() {
                    f(lo + i as i64, pairs)?;
                }
            }
            lo = hi + 1;
        }
        Ok(())
    }

    /// The pairs of `kind` whose key is one of `keys` (sorted, distinct),
    /// as (key, document), sorted.
    pub fn lookup(&self, kind: Kind, keys: &[u32]) -> R<Vec<(u32, u32)>> {
        let mut out = Vec::new();
        if keys.is_empty() {
            return Ok(out);
        }
        let kind_base = kind as i64 * BUCKETS;
        let buckets: Vec<&[u32]> = keys.chunk_by(|a, b| a >> 16 == b >> 16).collect();
        let mut pairs: Vec<(u16, u32)> = Vec::new();
        // Keeps the pairs of one bucket's row whose key is probed.
        let mut take = |blob: &[u8], probe: &[u32], id: i64, out: &mut Vec<(u32, u32)>| -> R<()> {
            pairs.clear();
            decode(blob, &mut pairs).ok_or(KeyError::Damaged(id))?;
            let high = probe[0] & 0xFFFF_0000;
            let mut p = probe.iter().map(|&k| (k & 0xFFFF) as u16).peekable();
            for &(k, d) in pairs.iter() {
                while p.next_if(|&x| x < k).is_some() {}
                match p.peek() {
                    Some(&x) if x == k => out.push((high | u32::from(k), d)),
                    Some(_) => {}
                    None => break,
                }
            }
            Ok(())
        };
        let runs = self.runs()?;
        let bucket = |probe: &[u32]| kind_base + i64::from(probe[0] >> 16);
        if buckets.len() > SCAN_BUCKETS {
            let mut q = self
                .conn
                .prepare_cached("SELECT id, pairs FROM key_runs WHERE id BETWEEN ?1 AND ?2")?;
            let (first, last) = (bucket(buckets[0]), bucket(buckets[buckets.len() - 1]));
            for run in &runs {
                let mut rows = q.query(params![row_id(run.seq, first), row_id(run.seq, last)])?;
                let mut next = 0;
                while let Some(r) = rows.next()? {
                    let id: i64 = r.get(0)?;
                    let g = id & ((1 << RUN_SHIFT) - 1);
                    while next < buckets.len() && bucket(buckets[next]) < g {
                        next += 1;
                    }
                    if next == buckets.len() {
                        break;
                    }
                    if bucket(buckets[next]) == g {
                        take(blob(r, 1, id)?, buckets[next], id, &mut out)?;
                    }
                }
            }
        } else {
            let mut q = self
                .conn
                .prepare_cached("SELECT pairs FROM key_runs WHERE id = ?1")?;
            for run in &runs {
                for probe in &buckets {
                    let id = row_id(run.seq, bucket(probe));
                    let mut rows = q.query([id])?;
                    if let Some(r) = rows.next()? {
                        take(blob(r, 0, id)?, probe, id, &mut out)?;
                    }
                }
            }
        }
        out.sort_unstable();
        Ok(out)
    }

    /// Takes every pair of the documents in `docs` out of every run.
    pub fn remove_docs(&self, docs: &HashSet<u32>) -> R<()> {
        if docs.is_empty() {
            return Ok(());
        }
        let mut upd = self
            .conn
            .prepare_cached("UPDATE key_runs SET pairs = ?2 WHERE id = ?1")?;
        let mut del = self
            .conn
            .prepare_cached("DELETE FROM key_runs WHERE id = ?1")?;
        for run in self.runs()? {
            let mut counts = run.pairs;
            self.each_chunk(&[run.seq], |group, pairs| {
                let before = pairs.len();
                pairs.retain(|(_, d)| !docs.contains(d));
                if pairs.len() == before {
                    return Ok(());
                }
                let kind = (group / BUCKETS) as usize;
                counts[kind] -= (before - pairs.len()) as u64;
                let id = row_id(run.seq, group);
                if pairs.is_empty() {
                    del.execute([id])?;
                } else {
                    upd.execute(params![id, encode(pairs)])?;
                }
                Ok(())
            })?;
            self.put_counts(run.seq, &counts)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_round_trip() {
        let pairs = vec![(0u16, 5u32), (0, 9), (3, 1), (3, 1_000_000), (65535, 7)];
        let mut out = Vec::new();
        decode(&encode(&pairs), &mut out).unwrap();
        assert_eq!(out, pairs);
        let e = encode(&pairs);
        assert!(decode(&e[..e.len() - 1], &mut Vec::new()).is_none());
        decode(&encode(&[]), &mut out).unwrap();
        // Dense and sparse buckets, large documents.
        for step in [1u32, 7, 300, 5000] {
            let pairs: Vec<(u16, u32)> = (0..200u32)
                .map(|i| (((i * step) % 65536) as u16, 1_000_000 + i * 3))
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            let mut got = Vec::new();
            decode(&encode(&pairs), &mut got).unwrap();
            assert_eq!(got, pairs, "step {step}");
        }
        assert!(decode(&[], &mut Vec::new()).is_none());
    }

    #[test]
    fn runs_look_up_merge_and_remove_like_one_sorted_table() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(Keys::SCHEMA).unwrap();
        let keys = Keys { conn: &conn };
        // A reference: every (kind, key, doc) ever added, minus removals.
        let mut all: Vec<(u8, u32, u32)> = Vec::new();
        let mut rand = crate::test_rng::xorshift(0x1234_5678_9abc_def0);
        let mut doc = 1i64;
        for _ in 0..(MAX_RUNS + 9) {
            let mut pending = Vec::new();
            for _ in 0..50 {
                for _ in 0..20 {
                    let kind = [Kind::Doc, Kind::Paragraph, Kind::Reuse][(rand() % 3) as usize];
                    // Few distinct keys, some shared by many documents.
                    let key = (rand() % 64) as u32 * 0x0400_0001;
                    pending.push(pair(kind, key, doc));
                    all.push((kind as u8, key, doc as u32));
                }
                doc += 1;
            }
            keys.write_run(&mut pending).unwrap();
            assert!(keys.runs().unwrap().len() <= MAX_RUNS);
        }
        all.sort_unstable();
        all.dedup();
        let check = |all: &[(u8, u32, u32)]| {
            for kind in [Kind::Doc, Kind::Paragraph, Kind::Reuse] {
                let mut few: Vec<u32> = (0..70).map(|k| k * 0x0400_0001).collect();
                few.push(5);
                few.sort_unstable();
                // More buckets than SCAN_BUCKETS: read in order, not one by one.
                let mut many: Vec<u32> = few
                    .iter()
                    .copied()
                    .chain((0..3000).map(|b| b << 16))
                    .collect();
                many.sort_unstable();
                many.dedup();
                for probe in [few, many] {
                    let want: Vec<(u32, u32)> = all
                        .iter()
                        .filter(|p| p.0 == kind as u8 && probe.binary_search(&p.1).is_ok())
                        .map(|p| (p.1, p.2))
                        .collect();
                    assert_eq!(keys.lookup(kind, &probe).unwrap(), want);
                }
                let n = all.iter().filter(|p| p.0 == kind as u8).count() as u64;
                assert_eq!(keys.counts().unwrap()[kind as usize], n);
            }
        };
        check(&all);
        let gone: HashSet<u32> = (1..doc as u32).filter(|d| d % 3 == 0).collect();
        keys.remove_docs(&gone).unwrap();
        all.retain(|p| !gone.contains(&p.2));
        check(&all);
    }
}
