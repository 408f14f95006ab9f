//! Locality-sensitive hashing: bands of signatures into buckets.
//!
//! In: a [`SignatureMatrix`] and the documents allowed in LSH. Out: candidate
//! groups, each the sorted list of documents that share one band's values
//! (a bucket with at least two members), deduplicated across bands.
//!
//! A signature of `bands × rows` values is cut into `bands` bands of `rows`
//! values; two documents with Jaccard `s` share at least one band with
//! probability `1 − (1 − s^rows)^bands` (the S-curve). [`choose_params`] picks
//! the bands and rows that minimize the weighted areas of false positives
//! (below the threshold) and false negatives (above it) under that curve.
//!
//! Bucketing sorts `(band key, doc)` pairs, so it costs O(n log n) per band
//! and never materializes the pairs of a bucket: a boilerplate bucket of
//! 100,000 documents is one group of 100,000 ids.

use rayon::prelude::*;
use std::sync::atomic::{AtomicU32, Ordering};

use crate::minhash::SignatureMatrix;
use crate::normalize::fmix64;
use crate::shingle::sort_by_hash;

/// Weight of the false-positive area in [`choose_params`].
///
/// Every candidate is verified exactly, so a false positive costs one
/// comparison while a false negative is a duplicate lost for good: the
/// weights favour recall 19 to 1. At threshold 0.8 and 128 permutations this
/// picks 16 bands × 8 rows, which catches a pair of Jaccard 0.8 with
/// probability 0.95 and one of 0.85 with probability 0.99.
pub const FALSE_POSITIVE_WEIGHT: f64 = 0.05;
/// Weight of the false-negative area in [`choose_params`].
pub const FALSE_NEGATIVE_WEIGHT: f64 = 0.95;

/// LSH banding: `bands` bands of `rows` signature values each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LshParams {
    /// Number of bands (b).
    pub bands: usize,
    /// Signature values per band (r).
    pub rows: usize,
}

impl LshParams {
    /// Probability that two documents of Jaccard `s` share at least one band.
    pub fn collision_probability(&self, s: f64) -> f64 {
        1.0 - (1.0 - s.powi(self.rows as i32)).powi(self.bands as i32)
    }

    /// The similarity where the S-curve is steepest, about `(1/b)^(1/r)`.
    pub fn approximate_threshold(&self) -> f64 {
        (1.0 / self.bands as f64).powf(1.0 / self.rows as f64)
    }
}

/// Integrates `f` over `[lo, hi]` with Simpson's rule.
fn integrate(f: impl Fn(f64) -> f64, lo: f64, hi: f64) -> f64 {
    const STEPS: usize = 200; // even
    if hi <= lo {
        return 0.0;
    }
    let h = (hi - lo) / STEPS as f64;
    let mut sum = f(lo) + f(hi);
    for i in 1..STEPS {
        let w = if i % 2 == 1 { 4.0 } else { 2.0 };
        sum += w * f(lo + i as f64 * h);
    }
    sum * h / 3.0
}

/// The false-positive and false-negative areas of `p` around `threshold`.
pub fn error_areas(p: LshParams, threshold: f64) -> (f64, f64) {
    let fp = integrate(|s| p.collision_probability(s), 0.0, threshold);
    let fn_ = integrate(|s| 1.0 - p.collision_probability(s), threshold, 1.0);
    (fp, fn_)
}

/// Chooses bands and rows (with `bands × rows ≤ num_perm`) minimizing
/// `FALSE_POSITIVE_WEIGHT · FP + FALSE_NEGATIVE_WEIGHT · FN` at `threshold`.
/// Ties go to the smaller product, then the fewer bands.
pub fn choose_params(threshold: f64, num_perm: usize) -> LshParams {
    let mut best = LshParams { bands: 1, rows: 1 };
    let mut best_cost = f64::INFINITY;
    for bands in 1..=num_perm {
        for rows in 1..=num_perm / bands {
            let p = LshParams { bands, rows };
            let (fp, fn_) = error_areas(p, threshold);
            let cost = FALSE_POSITIVE_WEIGHT * fp + FALSE_NEGATIVE_WEIGHT * fn_;
            if cost < best_cost - 1e-12 {
                best_cost = cost;
                best = p;
            }
        }
    }
    best
}

/// Candidate groups: for every band, the buckets with two or more of the
/// `docs`, as sorted id lists; identical groups from different bands appear
/// once. The output is sorted, so it does not depend on thread count.
pub fn candidate_groups(sigs: &SignatureMatrix, docs: &[u32], p: LshParams) -> Vec<Vec<u32>> {
    assert!(
        p.bands
            .checked_mul(p.rows)
            .is_some_and(|n| n <= sigs.num_perm()),
        "bands × rows exceeds num_perm"
    );
    let bands: Vec<BandGroups> = (0..p.bands)
        .into_par_iter()
        .map(|band| {
            let lo = band * p.rows;
            let keyed: Vec<(u64, u32)> = docs
                .iter()
                .map(|&d| {
                    let vals = &sigs.row(d as usize)[lo..lo + p.rows];
                    (band_key(vals, band as u64), d)
                })
                .collect();
            buckets(keyed)
        })
        .collect();
    distinct_sorted(&bands).into_lists()
}

/// Appends the `p.bands` band keys of one signature to `out`.
pub fn band_keys(sig: &[u32], p: LshParams, out: &mut Vec<u64>) {
    for band in 0..p.bands {
        let lo = band * p.rows;
        out.push(band_key(&sig[lo..lo + p.rows], band as u64));
    }
}

/// Candidate groups from precomputed band keys: row `i` of `keys` (stride
/// `bands`) belongs to item `i`. Same output contract as [`candidate_groups`].
pub fn groups_from_keys(keys: &[u64], bands: usize) -> Vec<Vec<u32>> {
    let n = keys.len().checked_div(bands).unwrap_or(0);
    groups_from_band_keys(bands, bands, |band| {
        (0..n).map(|i| keys[i * bands + band]).collect()
    })
    .into_lists()
}

/// [`groups_from_keys`] for keys held band by band: `band_keys(b)` gives
/// band `b`'s key of every item, in item order. Bands are asked for (and
/// their keys held) in parallel, at most `at_once` at a time: sorting a
/// band takes about [`BAND_BYTES_PER_ITEM`] bytes an item while it lasts.
pub fn groups_from_band_keys(
    bands: usize,
    at_once: usize,
    band_keys: impl Fn(usize) -> Vec<u64> + Sync,
) -> Groups {
    let all: Vec<usize> = (0..bands).collect();
    let mut done: Vec<BandGroups> = Vec::with_capacity(bands);
    for some in all.chunks(at_once.max(1)) {
        done.par_extend(some.par_iter().map(|&band| {
            let keyed: Vec<(u64, u32)> = band_keys(band)
                .into_iter()
                .enumerate()
                .map(|(i, k)| (k, i as u32))
                .collect();
            buckets(keyed)
        }));
    }
    distinct_sorted(&done)
}

/// Bytes an item takes while its band is grouped: its key read back (8),
/// paired with the item (16), and the sorted copy (16).
pub const BAND_BYTES_PER_ITEM: usize = 40;

/// One band's buckets of two or more items, flat: a band yields millions
/// of small groups on a large corpus, most of them again in other bands,
/// so they are not each allocated before duplicates are dropped.
#[derive(Debug, Clone, Default)]
struct BandGroups {
    /// The members of every group, group after group.
    members: Vec<u32>,
    /// Where each group ends in `members`.
    ends: Vec<u32>,
}

impl BandGroups {
    fn len(&self) -> usize {
        self.ends.len()
    }

    fn get(&self, i: usize) -> &[u32] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.members[start..self.ends[i] as usize]
    }
}

/// Sorts `(key, item)` pairs and keeps the runs of two or more items.
fn buckets(keyed: Vec<(u64, u32)>) -> BandGroups {
    let mut out = BandGroups::default();
    for run in sort_keyed(keyed).chunk_by(|x, y| x.0 == y.0) {
        if run.len() >= 2 {
            out.members.extend(run.iter().map(|&(_, d)| d));
            out.ends.push(
                u32::try_from(out.members.len()).expect("a band's groups hold under 2^32 items"),
            );
        }
    }
    // Every band's groups are held until duplicates are dropped.
    out.members.shrink_to_fit();
    out.ends.shrink_to_fit();
    out
}

/// The groups of every band, each distinct group once, in ascending
/// (lexicographic) order: groups are told apart by a 28-bit hash of their
/// members first, and compared whole only where hashes agree. An entry is
/// the hash and the group's number across bands (36 bits: 2^36 groups
/// would take half a terabyte of entries) in one `u64`: 8 bytes, tens of
/// millions of them on a large corpus.
fn distinct_sorted(bands: &[BandGroups]) -> Groups {
    let hash = |g: &[u32]| {
        g.iter().fold(fmix64(g.len() as u64), |h, &x| {
            fmix64(h ^ u64::from(x).wrapping_mul(0x9E37_79B9_7F4A_7C15))
        }) >> 36
    };
    // Where each band's groups start in the numbering across bands.
    let mut starts = Vec::with_capacity(bands.len() + 1);
    starts.push(0u64);
    for b in bands {
        starts.push(starts[starts.len() - 1] + b.len() as u64);
    }
    debug_assert!(starts[bands.len()] <= 1 << 36, "under 2^36 groups");
    let mut entries: Vec<u64> = bands
        .par_iter()
        .zip(&starts)
        .flat_map_iter(|(groups, &start)| {
            (0..groups.len()).map(move |i| hash(groups.get(i)) << 36 | (start + i as u64))
        })
        .collect();
    // In place: on a large corpus the entries are tens of millions, and a
    // sorted copy would double them.
    entries.par_sort_unstable();
    let group = |e: u64| {
        let n = e & ((1 << 36) - 1);
        let b = starts.partition_point(|&s| s <= n) - 1;
        bands[b].get((n - starts[b]) as usize)
    };
    // Pieces that start at a new hash, deduplicated in parallel.
    let pieces = rayon::current_num_threads() * 4;
    let mut cuts = vec![0];
    for i in 1..pieces {
        let at = (entries.len() * i / pieces).max(cuts[cuts.len() - 1]);
        let hash_at = entries.get(at).map(|e| e >> 36);
        let start = at + entries[at..].partition_point(|e| Some(e >> 36) == hash_at);
        cuts.push(start.min(entries.len()));
    }
    cuts.push(entries.len());
    cuts.dedup();
    let mut distinct: Vec<&[u32]> = cuts
        .par_windows(2)
        .flat_map_iter(|w| {
            let mut out: Vec<&[u32]> = Vec::new();
            for run in entries[w[0]..w[1]].chunk_by(|x, y| x >> 36 == y >> 36) {
                let from = out.len();
                for &e in run {
                    let g = group(e);
                    if !out[from..].contains(&g) {
                        out.push(g);
                    }
                }
            }
            out
        })
        .collect();
    drop(entries);
    distinct.par_sort_unstable();
    let mut flat = BandGroups::default();
    flat.ends.reserve_exact(distinct.len());
    flat.members
        .reserve_exact(distinct.iter().map(|g| g.len()).sum());
    for g in distinct {
        flat.members.extend_from_slice(g);
        flat.ends.push(
            u32::try_from(flat.members.len()).expect("distinct groups hold under 2^32 items"),
        );
    }
    Groups(flat)
}

/// Candidate groups held flat (one member array), in ascending order:
/// on a large corpus there are millions, most of two or three members,
/// and a list each would take more than their members do.
#[derive(Debug, Clone, Default)]
pub struct Groups(BandGroups);

impl Groups {
    /// How many groups.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.len() == 0
    }

    /// Each group's members, in order (a slice each: 16 bytes a group).
    pub fn lists(&self) -> Vec<&[u32]> {
        (0..self.len()).map(|i| self.0.get(i)).collect()
    }

    /// Each group as a list of its own.
    pub fn into_lists(self) -> Vec<Vec<u32>> {
        (0..self.len()).map(|i| self.0.get(i).to_vec()).collect()
    }
}

/// Sorts `(key, item)` pairs (keys uniform hashes, items ascending) in
/// expected linear time.
fn sort_keyed(keyed: Vec<(u64, u32)>) -> Vec<(u64, u32)> {
    sort_by_hash(&keyed, |&(k, _)| k, &mut Vec::new())
}

/// The key of one band: its values folded two at a time (multiply-rotate,
/// seeded by the band number) and finished with a 64-bit finalizer. Equal
/// values give equal keys; different ones collide with probability ~2⁻⁶⁴.
fn band_key(vals: &[u32], band: u64) -> u64 {
    const M: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h = fmix64(band ^ 0x5EED_BA4D_0000_0000) ^ vals.len() as u64;
    let mut pairs = vals.chunks_exact(2);
    for pair in &mut pairs {
        let v = u64::from(pair[0]) | u64::from(pair[1]) << 32;
        h = (h ^ v).wrapping_mul(M).rotate_left(29);
    }
    if let [last] = pairs.remainder() {
        h = (h ^ u64::from(*last)).wrapping_mul(M).rotate_left(29);
    }
    fmix64(h)
}

/// Band keys seen so far, shared by the threads of the first pass, so a
/// document can tell while its text is still at hand that it shares an LSH
/// bucket with a document signed before it.
///
/// A lock-free open-addressing table of fixed size ([`SEEN_SLOTS`]) holding
/// 32-bit fingerprints of the keys (their high half; the low half picks the
/// slot), so two keys count as one only if they agree in their home slot's
/// neighbourhood and in 32 more bits. It is
/// only a shortcut: a key it cannot place (a long probe run, once the table
/// fills up on a huge corpus) counts as unseen, and a document that shares a
/// bucket but does not learn it here is simply read again in pass 2. Which
/// document of a bucket arrives first can depend on thread timing, but
/// nothing downstream does: every candidate's verification set is the same
/// whichever pass makes it.
pub struct SeenKeys {
    slots: Vec<AtomicU32>,
}

/// Slots of [`SeenKeys`] (4 bytes each, 16 MiB): room for about 2 million
/// band keys at a load of one half.
pub const SEEN_SLOTS: usize = 1 << 22;
/// Slots probed before a key counts as unseen.
const SEEN_PROBES: usize = 16;

impl Default for SeenKeys {
    fn default() -> Self {
        let slots: Vec<AtomicU32> = (0..SEEN_SLOTS).map(|_| AtomicU32::new(0)).collect();
        // The zeroed allocation maps the shared zero page; writing every slot
        // now, on one thread, saves each later first write a copy-on-write
        // fault that flushes the TLBs of all threads.
        for slot in &slots {
            slot.store(0, Ordering::Relaxed);
        }
        SeenKeys { slots }
    }
}

impl SeenKeys {
    /// Records `keys` and returns whether any of them was seen before.
    pub fn insert_all(&self, keys: &[u64]) -> bool {
        let mut seen = false;
        for &k in keys {
            seen |= self.insert(k);
        }
        seen
    }

    /// Inserts `key`; true if it (or a key with its fingerprint near its
    /// slot) was already there.
    fn insert(&self, key: u64) -> bool {
        let mask = SEEN_SLOTS - 1;
        let mut i = (key as usize) & mask;
        let key = (key >> 32) as u32 | 1;
        for _ in 0..SEEN_PROBES {
            let slot = &self.slots[i];
            let mut cur = slot.load(Ordering::Relaxed);
            if cur == 0 {
                match slot.compare_exchange(0, key, Ordering::Relaxed, Ordering::Relaxed) {
                    Ok(_) => return false,
                    Err(now) => cur = now,
                }
            }
            if cur == key {
                return true;
            }
            i = (i + 1) & mask;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyed_sort_matches_a_comparison_sort() {
        let mut i = 0u64;
        let mut next = move || {
            i += 1;
            fmix64(i)
        };
        for n in [0usize, 1, 255, 256, 1000, 5000] {
            // Uniform keys, a few heavy repeats, and a crowd of distinct keys
            // sharing their top bits (the comparison-sort fallback).
            for kind in 0..3 {
                let keyed: Vec<(u64, u32)> = (0..n as u32)
                    .map(|i| {
                        let r = next();
                        let k = match kind {
                            0 => r,
                            1 if r % 3 == 0 => 42,
                            1 => r,
                            _ => r >> 40,
                        };
                        (k, i)
                    })
                    .collect();
                let mut want = keyed.clone();
                want.sort_unstable();
                assert_eq!(sort_keyed(keyed), want, "n={n} kind={kind}");
            }
        }
    }

    #[test]
    fn seen_keys_report_repeats_only() {
        let seen = SeenKeys::default();
        let k = |i: u64| fmix64(i);
        assert!(!seen.insert_all(&[k(1), k(3), k(5)]));
        assert!(!seen.insert_all(&[k(9), k(11)]));
        assert!(seen.insert_all(&[k(13), k(5)]));
        assert!(seen.insert_all(&[k(13)]));
        // Keys that share a home slot still tell apart.
        let a = 7u64 << 32 | 5;
        let b = 9u64 << 32 | 5;
        assert!(!seen.insert_all(&[a]));
        assert!(!seen.insert_all(&[b]));
        assert!(seen.insert_all(&[b]));
    }

    #[test]
    fn seen_keys_from_many_threads_see_each_repeat() {
        let seen = SeenKeys::default();
        // Every key twice, from 4 threads: exactly one insert of each key
        // finds it already there.
        let repeats: usize = (0..4u64)
            .into_par_iter()
            .map(|t| {
                (0..20_000u64)
                    .filter(|i| seen.insert_all(&[fmix64((i + t * 10_000) % 40_000 + 1)]))
                    .count()
            })
            .sum();
        assert_eq!(repeats, 40_000);
    }

    #[test]
    fn s_curve_is_monotone_and_bounded() {
        let p = LshParams { bands: 16, rows: 8 };
        let mut last = 0.0;
        for i in 0..=100 {
            let v = p.collision_probability(i as f64 / 100.0);
            assert!((0.0..=1.0).contains(&v));
            assert!(v >= last);
            last = v;
        }
        assert_eq!(p.collision_probability(1.0), 1.0);
        assert_eq!(p.collision_probability(0.0), 0.0);
    }

    #[test]
    fn chosen_params_fit_the_threshold() {
        for &t in &[0.3, 0.5, 0.7, 0.8, 0.9] {
            let p = choose_params(t, 128);
            assert!(p.bands * p.rows <= 128);
            // Recall-leaning: a pair at the threshold is found with high
            // probability, a pair far below it rarely.
            assert!(
                p.collision_probability(t) > 0.85,
                "t={t}: b={} r={} → P(t) = {:.3}",
                p.bands,
                p.rows,
                p.collision_probability(t)
            );
            assert!(p.collision_probability(t * 0.4) < 0.5, "t={t}: {p:?}");
        }
        assert_eq!(choose_params(0.8, 128), LshParams { bands: 16, rows: 8 });
        // Higher thresholds need more rows per band.
        assert!(choose_params(0.9, 128).rows > choose_params(0.5, 128).rows);
    }

    #[test]
    fn chosen_params_beat_neighbours() {
        let t = 0.8;
        let best = choose_params(t, 128);
        let cost = |p| {
            let (fp, fn_) = error_areas(p, t);
            FALSE_POSITIVE_WEIGHT * fp + FALSE_NEGATIVE_WEIGHT * fn_
        };
        for p in [
            LshParams { bands: 16, rows: 8 },
            LshParams { bands: 32, rows: 4 },
            LshParams { bands: 8, rows: 16 },
        ] {
            assert!(cost(best) <= cost(p) + 1e-12);
        }
    }

    #[test]
    fn integrate_is_accurate() {
        assert!((integrate(|x| x * x, 0.0, 1.0) - 1.0 / 3.0).abs() < 1e-9);
    }

    #[test]
    fn identical_signatures_share_every_bucket() {
        let mut m = SignatureMatrix::new(8);
        m.extend_rows(&[1, 2, 3, 4, 5, 6, 7, 8]);
        m.extend_rows(&[1, 2, 3, 4, 5, 6, 7, 8]);
        m.extend_rows(&[9, 9, 9, 9, 9, 9, 9, 9]);
        m.extend_rows(&[1, 2, 3, 4, 0, 0, 0, 0]);
        let g = candidate_groups(&m, &[0, 1, 2, 3], LshParams { bands: 2, rows: 4 });
        assert_eq!(g, vec![vec![0, 1], vec![0, 1, 3]]);
    }

    #[test]
    fn precomputed_keys_group_like_signatures() {
        let mut m = SignatureMatrix::new(8);
        let rows: [[u32; 8]; 4] = [
            [1, 2, 3, 4, 5, 6, 7, 8],
            [1, 2, 3, 4, 5, 6, 7, 8],
            [9, 9, 9, 9, 9, 9, 9, 9],
            [1, 2, 3, 4, 0, 0, 0, 0],
        ];
        let p = LshParams { bands: 2, rows: 4 };
        let mut keys = Vec::new();
        for r in &rows {
            m.extend_rows(r);
            band_keys(r, p, &mut keys);
        }
        assert_eq!(
            groups_from_keys(&keys, 2),
            candidate_groups(&m, &[0, 1, 2, 3], p)
        );
    }

    #[test]
    fn band_groups_come_out_distinct_and_sorted_as_whole_lists_would() {
        // Keys drawn from a small range, so buckets repeat across bands.
        let mut next = crate::test_rng::xorshift(0x2545_F491_4F6C_DD1D);
        let (n, bands) = (3000usize, 9);
        let keys: Vec<Vec<u64>> = (0..bands)
            .map(|b| (0..n).map(|_| next() % (400 + 300 * b as u64)).collect())
            .collect();
        let per_band: Vec<BandGroups> = keys
            .iter()
            .map(|k| buckets(k.iter().enumerate().map(|(i, &k)| (k, i as u32)).collect()))
            .collect();
        // The same groups, each its own list, sorted and deduplicated whole.
        let mut expected: Vec<Vec<u32>> = per_band
            .iter()
            .flat_map(|g| (0..g.len()).map(|i| g.get(i).to_vec()))
            .collect();
        let total = expected.len();
        expected.sort_unstable();
        expected.dedup();
        // A band repeated is all duplicates.
        let again: Vec<BandGroups> = per_band.iter().chain(&per_band[..3]).cloned().collect();
        assert!(expected.len() < total);
        assert_eq!(distinct_sorted(&per_band).into_lists(), expected);
        assert_eq!(distinct_sorted(&again).into_lists(), expected);
        let by_keys = groups_from_band_keys(bands, 1, |b| keys[b].clone());
        let slices: Vec<&[u32]> = expected.iter().map(Vec::as_slice).collect();
        assert_eq!(by_keys.lists(), slices);
        assert_eq!(by_keys.len(), expected.len());
        assert_eq!(by_keys.into_lists(), expected);
    }

    #[test]
    fn big_bucket_is_one_group() {
        let n = 50_000u32;
        let mut m = SignatureMatrix::new(4);
        for _ in 0..n {
            m.extend_rows(&[7, 7, 7, 7]);
        }
        let docs: Vec<u32> = (0..n).collect();
        let g = candidate_groups(&m, &docs, LshParams { bands: 2, rows: 2 });
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].len(), n as usize);
    }
}
