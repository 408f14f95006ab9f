//! Exact all-pairs Jaccard: the yardstick for LSH recall.
//!
//! In: sorted shingle sets. Out: every pair with Jaccard ≥ t, exactly.
//!
//! Prefix filtering (Chaudhuri et al. 2006; Bayardo et al., "All-Pairs",
//! 2007): order tokens rarest first; two sets with Jaccard ≥ t must share a
//! token among the first `|x| − ⌈t·|x|⌉ + 1` tokens of each. Only those
//! prefixes are indexed, so posting lists hold rare tokens and stay short;
//! every candidate they produce is then checked with an exact intersection.
//! Slower than LSH, but it misses nothing, which is what a recall figure needs.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::verify::intersection_size;

/// A pair of set indices (`a < b`) and their exact Jaccard.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExactPair {
    /// Smaller index.
    pub a: u32,
    /// Larger index.
    pub b: u32,
    /// Exact Jaccard.
    pub jaccard: f64,
}

fn prefix_len(size: usize, t: f64) -> usize {
    if size == 0 {
        return 0;
    }
    let need = (t * size as f64 - 1e-9).ceil().max(1.0) as usize;
    size - need.min(size) + 1
}

/// All pairs of `sets` (each sorted and de-duplicated) with Jaccard ≥ `t`,
/// sorted by `(a, b)`. Empty sets never pair.
pub fn all_pairs(sets: &[Vec<u64>], t: f64) -> Vec<ExactPair> {
    assert!(t > 0.0 && t <= 1.0);
    // Global token order: rarest first, ties by value, as dense ranks.
    let mut freq: HashMap<u64, u32> = HashMap::new();
    for s in sets {
        for &x in s {
            *freq.entry(x).or_default() += 1;
        }
    }
    let mut order: Vec<(u32, u64)> = freq.iter().map(|(&x, &f)| (f, x)).collect();
    order.par_sort_unstable();
    let rank: HashMap<u64, u32> = order
        .iter()
        .enumerate()
        .map(|(i, &(_, x))| (x, i as u32))
        .collect();
    drop(order);
    let ranked: Vec<Vec<u32>> = sets
        .par_iter()
        .map(|s| {
            let mut r: Vec<u32> = s.iter().map(|x| rank[x]).collect();
            r.sort_unstable();
            r
        })
        .collect();
    let mut postings: HashMap<u32, Vec<u32>> = HashMap::new();
    for (d, r) in ranked.iter().enumerate() {
        for &tok in &r[..prefix_len(r.len(), t)] {
            postings.entry(tok).or_default().push(d as u32);
        }
    }
    let mut out: Vec<ExactPair> = (0..sets.len())
        .into_par_iter()
        .flat_map_iter(|x| {
            let rx = &ranked[x];
            let nx = rx.len() as f64;
            let mut cands: Vec<u32> = rx[..prefix_len(rx.len(), t)]
                .iter()
                .flat_map(|tok| postings[tok].iter().copied())
                .filter(|&y| (y as usize) < x)
                .filter(|&y| {
                    let ny = ranked[y as usize].len() as f64;
                    ny >= t * nx - 1e-9 && nx >= t * ny - 1e-9
                })
                .collect();
            cands.sort_unstable();
            cands.dedup();
            cands
                .into_iter()
                .filter_map(move |y| {
                    let (a, b) = (&sets[y as usize], &sets[x]);
                    let shared = intersection_size(a, b);
                    let j = shared as f64 / (a.len() + b.len() - shared) as f64;
                    (j >= t).then_some(ExactPair {
                        a: y,
                        b: x as u32,
                        jaccard: j,
                    })
                })
                .collect::<Vec<_>>()
        })
        .collect();
    out.par_sort_unstable_by_key(|p| (p.a, p.b));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brute(sets: &[Vec<u64>], t: f64) -> Vec<(u32, u32)> {
        let mut v = Vec::new();
        for b in 0..sets.len() {
            for a in 0..b {
                let (x, y) = (&sets[a], &sets[b]);
                if x.is_empty() || y.is_empty() {
                    continue;
                }
                let s = intersection_size(x, y);
                if s as f64 / (x.len() + y.len() - s) as f64 >= t {
                    v.push((a as u32, b as u32));
                }
            }
        }
        v.sort_unstable();
        v
    }

    #[test]
    fn matches_brute_force_on_random_sets() {
        // Deterministic pseudo-random sets over a small universe, so many pairs overlap.
        let mut state = 12345u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut sets: Vec<Vec<u64>> = (0..300)
            .map(|_| {
                let n = 1 + (next() % 30) as usize;
                let mut s: Vec<u64> = (0..n).map(|_| next() % 60).collect();
                s.sort_unstable();
                s.dedup();
                s
            })
            .collect();
        // Plant near-copies.
        for i in 0..50 {
            let mut s = sets[i].clone();
            s.push(1000 + i as u64);
            sets.push(s);
        }
        sets.push(Vec::new());
        for &t in &[0.3, 0.5, 0.8, 1.0] {
            let got: Vec<(u32, u32)> = all_pairs(&sets, t).iter().map(|p| (p.a, p.b)).collect();
            let want = brute(&sets, t);
            let missing: Vec<_> = want.iter().filter(|p| !got.contains(p)).collect();
            let extra: Vec<_> = got.iter().filter(|p| !want.contains(p)).collect();
            assert_eq!(got, want, "t = {t}: missing {missing:?} extra {extra:?}");
        }
    }

    #[test]
    fn prefix_lengths() {
        assert_eq!(prefix_len(10, 0.8), 3);
        assert_eq!(prefix_len(10, 1.0), 1);
        assert_eq!(prefix_len(1, 0.5), 1);
        assert_eq!(prefix_len(0, 0.5), 0);
    }
}
