//! Exact verification of candidates.
//!
//! In: candidate groups from LSH and the sorted shingle sets of their
//! members. Out: the verified pairs (edges), each with its exact Jaccard and
//! containment.
//!
//! A small group (at most [`EXHAUSTIVE_GROUP_SIZE`] members) is verified
//! pair by pair, skipping pairs already joined through this group's accepted
//! pairs: with n ≤ 32 that is at most 496 comparisons, and it finds every
//! duplicate pair the bucket holds.
//!
//! A larger group is verified as a star, never as all its pairs: the first
//! member is the leader, every other member is compared with it; the members
//! that do not match the leader form the next round with a new leader, for
//! at most [`MAX_ROUNDS`] rounds. A group of n members therefore costs at
//! most `MAX_ROUNDS · n` comparisons, so a bucket holding one paragraph in
//! 100,000 documents is linear. Pairs that a star leaves unchecked usually
//! meet in another band's bucket.

use rayon::prelude::*;

/// Rounds of leader selection per large candidate group.
pub const MAX_ROUNDS: usize = 8;
/// Groups up to this size are verified pair by pair.
pub const EXHAUSTIVE_GROUP_SIZE: usize = 32;

/// Exact similarity of two shingle sets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scores {
    /// |A∩B| / |A∪B|.
    pub jaccard: f64,
    /// |A∩B| / min(|A|, |B|): how much of the smaller set is in the larger.
    pub containment: f64,
    /// |A∩B|.
    pub shared: usize,
}

/// Size of the intersection of two sorted, de-duplicated slices.
///
/// A branch-free merge: hash values are random, so a merge that branches on
/// their order mispredicts about every other step; this one advances both
/// cursors with comparisons turned into 0/1 increments.
pub fn intersection_size<T: Ord + Copy>(a: &[T], b: &[T]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        i += usize::from(x <= y);
        j += usize::from(y <= x);
        n += usize::from(x == y);
    }
    n
}

/// Exact scores of two sorted, de-duplicated shingle sets.
pub fn scores<T: Ord + Copy>(a: &[T], b: &[T]) -> Scores {
    scores_of(intersection_size(a, b), a.len(), b.len())
}

/// Merge steps between two checks of whether a pair can still be accepted.
const CHECK_EVERY: usize = 32;

/// The scores of two sorted, de-duplicated sets if `rule` accepts them,
/// else `None`. The merge stops once the rule would reject the pair even if
/// every element left on the shorter side were shared: the scores grow with
/// the shared count, so the decision is the one full scores give.
pub fn accepted_scores<T: Ord + Copy>(a: &[T], b: &[T], rule: Rule) -> Option<Scores> {
    let (mut i, mut j, mut n) = (0, 0, 0);
    loop {
        let bound = n + (a.len() - i).min(b.len() - j);
        if !rule.accepts(&scores_of(bound, a.len(), b.len())) {
            return None;
        }
        let mut steps = 0;
        while steps < CHECK_EVERY && i < a.len() && j < b.len() {
            let (x, y) = (a[i], b[j]);
            i += usize::from(x <= y);
            j += usize::from(y <= x);
            n += usize::from(x == y);
            steps += 1;
        }
        if i == a.len() || j == b.len() {
            let s = scores_of(n, a.len(), b.len());
            return rule.accepts(&s).then_some(s);
        }
    }
}

/// The scores of sets of `la` and `lb` elements that share `shared`.
fn scores_of(shared: usize, la: usize, lb: usize) -> Scores {
    let union = la + lb - shared;
    let smaller = la.min(lb);
    Scores {
        jaccard: if union == 0 {
            0.0
        } else {
            shared as f64 / union as f64
        },
        containment: if smaller == 0 {
            0.0
        } else {
            shared as f64 / smaller as f64
        },
        shared,
    }
}

/// The rule that makes two documents duplicates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    /// Jaccard at or above this is a duplicate.
    pub threshold: f64,
    /// Containment at or above this is a duplicate (`None`: rule off).
    pub containment: Option<f64>,
}

impl Rule {
    /// Whether `s` makes a duplicate.
    pub fn accepts(&self, s: &Scores) -> bool {
        s.jaccard >= self.threshold || self.containment.is_some_and(|c| s.containment >= c)
    }
}

/// A verified duplicate pair, `a < b`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Edge {
    /// The smaller document index.
    pub a: u32,
    /// The larger document index.
    pub b: u32,
    /// Their exact scores.
    pub scores: Scores,
}

/// Totals of a verification pass.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VerifyStats {
    /// Pairs whose exact scores were computed.
    pub compared: u64,
    /// Of those, pairs accepted as duplicates (before de-duplication across groups).
    pub accepted: u64,
}

/// Verifies every group as described in the module docs. `set(d)` returns
/// document `d`'s sorted shingle set; a pair for which `allowed` is false is
/// never compared nor matched (`--same-source skip`, `--window`). Returns
/// the accepted edges, sorted and unique by `(a, b)`.
pub fn verify_groups<'s, G, T, F, P>(
    groups: &[G],
    set: F,
    allowed: P,
    rule: Rule,
) -> (Vec<Edge>, VerifyStats)
where
    G: AsRef<[u32]> + Sync,
    T: Ord + Copy + Sync + 's,
    F: Fn(u32) -> &'s [T] + Sync,
    P: Fn(u32, u32) -> bool + Sync,
{
    let (mut edges, stats) = groups
        .par_iter()
        .map(|g| verify_group(g.as_ref(), &set, &allowed, rule))
        .reduce(
            || (Vec::new(), VerifyStats::default()),
            |(mut e1, s1), (e2, s2)| {
                e1.extend(e2);
                (
                    e1,
                    VerifyStats {
                        compared: s1.compared + s2.compared,
                        accepted: s1.accepted + s2.accepted,
                    },
                )
            },
        );
    edges.par_sort_unstable_by_key(|e| (e.a, e.b));
    edges.dedup_by_key(|e| (e.a, e.b));
    (edges, stats)
}

fn verify_group<'s, T, F, P>(
    group: &[u32],
    set: &F,
    allowed: &P,
    rule: Rule,
) -> (Vec<Edge>, VerifyStats)
where
    T: Ord + Copy + 's,
    F: Fn(u32) -> &'s [T],
    P: Fn(u32, u32) -> bool,
{
    let mut edges = Vec::new();
    let mut stats = VerifyStats::default();
    let mut accept = |x: u32, y: u32, stats: &mut VerifyStats| {
        if !allowed(x, y) {
            return false;
        }
        stats.compared += 1;
        let Some(s) = accepted_scores(set(x), set(y), rule) else {
            return false;
        };
        stats.accepted += 1;
        edges.push(Edge {
            a: x.min(y),
            b: x.max(y),
            scores: s,
        });
        true
    };
    if group.len() <= EXHAUSTIVE_GROUP_SIZE {
        // Local union-find over positions in the group.
        let mut uf = crate::cluster::UnionFind::new(group.len());
        for j in 1..group.len() {
            for i in 0..j {
                if uf.find(i as u32) != uf.find(j as u32) && accept(group[i], group[j], &mut stats)
                {
                    uf.union(i as u32, j as u32);
                }
            }
        }
        return (edges, stats);
    }
    let mut remaining: Vec<u32> = group.to_vec();
    let mut next = Vec::new();
    for _ in 0..MAX_ROUNDS {
        let Some((&leader, rest)) = remaining.split_first() else {
            break;
        };
        if rest.is_empty() {
            break;
        }
        next.clear();
        for &m in rest {
            if !accept(leader, m, &mut stats) {
                next.push(m);
            }
        }
        std::mem::swap(&mut remaining, &mut next);
    }
    (edges, stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intersection_matches_a_set_count() {
        let mut next = crate::test_rng::xorshift(0x1234_5678_9ABC_DEF1);
        for round in 0..200 {
            // Values from a small range, so sets overlap by varying amounts.
            let range = 1 + round % 50 * 20;
            let mut a: Vec<u64> = (0..next() % 60).map(|_| next() % range).collect();
            let mut b: Vec<u64> = (0..next() % 60).map(|_| next() % range).collect();
            for v in [&mut a, &mut b] {
                v.sort_unstable();
                v.dedup();
            }
            let want = a.iter().filter(|v| b.binary_search(v).is_ok()).count();
            assert_eq!(intersection_size(&a, &b), want);
            assert_eq!(intersection_size(&b, &a), want);
        }
        assert_eq!(intersection_size(&[], &[1, 2]), 0);
        assert_eq!(intersection_size(&[u64::MAX], &[u64::MAX]), 1);
    }

    #[test]
    fn scores_of_known_sets() {
        let a = [1, 2, 3, 4];
        let b = [3, 4, 5, 6];
        let s = scores(&a, &b);
        assert_eq!(s.shared, 2);
        assert!((s.jaccard - 2.0 / 6.0).abs() < 1e-12);
        assert!((s.containment - 0.5).abs() < 1e-12);
        let c = scores(&[2, 3], &a);
        assert!((c.containment - 1.0).abs() < 1e-12);
        assert!((c.jaccard - 0.5).abs() < 1e-12);
        assert_eq!(scores::<u64>(&[], &[]).jaccard, 0.0);
    }

    #[test]
    fn a_pair_cut_short_is_one_full_scores_reject() {
        let mut next = crate::test_rng::xorshift(0xC0FF_EE00_1234_5678);
        let rules = [
            Rule {
                threshold: 0.6,
                containment: Some(0.8),
            },
            Rule {
                threshold: 0.8,
                containment: None,
            },
            Rule {
                threshold: 0.3,
                containment: None,
            },
        ];
        let (mut accepted, mut rejected) = (0, 0);
        for round in 0..3000 {
            // Sets of up to 300 values that overlap by varying amounts.
            let range = 50 + round % 40 * 25;
            let mut a: Vec<u32> = (0..next() % 300).map(|_| (next() % range) as u32).collect();
            let mut b: Vec<u32> = Vec::new();
            for &x in &a {
                if next() % 10 < round % 11 {
                    b.push(x);
                }
            }
            for _ in 0..next() % 200 {
                b.push((next() % range) as u32);
            }
            for v in [&mut a, &mut b] {
                v.sort_unstable();
                v.dedup();
            }
            for rule in rules {
                let full = scores(&a, &b);
                let want = rule.accepts(&full).then_some(full);
                assert_eq!(accepted_scores(&a, &b, rule), want, "{a:?} {b:?} {rule:?}");
                assert_eq!(accepted_scores(&b, &a, rule), want);
                if want.is_some() {
                    accepted += 1;
                } else {
                    rejected += 1;
                }
            }
        }
        assert!(accepted > 500 && rejected > 500, "{accepted} {rejected}");
    }

    #[test]
    fn rule_uses_jaccard_or_containment() {
        let s = scores(&[2, 3], &[1, 2, 3, 4]);
        let strict = Rule {
            threshold: 0.8,
            containment: None,
        };
        assert!(!strict.accepts(&s));
        let with_c = Rule {
            threshold: 0.8,
            containment: Some(0.9),
        };
        assert!(with_c.accepts(&s));
    }

    #[test]
    fn star_verification_is_linear_in_a_big_bucket() {
        let sets: Vec<Vec<u64>> = (0..10_000).map(|_| vec![1, 2, 3]).collect();
        let group: Vec<u32> = (0..10_000).collect();
        let rule = Rule {
            threshold: 0.8,
            containment: None,
        };
        let (edges, stats) = verify_groups(&[group], |d| &sets[d as usize], |_, _| true, rule);
        assert_eq!(stats.compared, 9_999);
        assert_eq!(edges.len(), 9_999);
    }

    #[test]
    fn unrelated_bucket_members_get_more_rounds() {
        // 0 is unrelated; 1 and 2 are duplicates of each other.
        let sets = [vec![100, 200, 300], vec![1, 2, 3], vec![1, 2, 3]];
        let rule = Rule {
            threshold: 0.8,
            containment: None,
        };
        let (edges, _) = verify_groups(&[vec![0, 1, 2]], |d| &sets[d as usize], |_, _| true, rule);
        assert_eq!(edges.len(), 1);
        assert_eq!((edges[0].a, edges[0].b), (1, 2));
    }

    #[test]
    fn small_groups_find_every_linked_pair() {
        // 0~1 and 2~3 are duplicates; 0 and 3 are not. A star from 0 would
        // leave 2~3 unchecked; the exhaustive pass finds both pairs.
        let sets = [
            vec![1, 2, 3, 4],
            vec![1, 2, 3, 4],
            vec![7, 8, 9],
            vec![7, 8, 9],
        ];
        let rule = Rule {
            threshold: 0.8,
            containment: None,
        };
        let (edges, stats) = verify_groups(
            &[vec![0, 1, 2, 3]],
            |d| &sets[d as usize],
            |_, _| true,
            rule,
        );
        let pairs: Vec<(u32, u32)> = edges.iter().map(|e| (e.a, e.b)).collect();
        assert_eq!(pairs, vec![(0, 1), (2, 3)]);
        // Only pairs already joined are skipped; none were when these were compared.
        assert_eq!(stats.compared, 6);
    }

    #[test]
    fn rounds_are_bounded_when_nothing_matches() {
        let sets: Vec<Vec<u64>> = (0..1000u64).map(|i| vec![i]).collect();
        let group: Vec<u32> = (0..1000).collect();
        let rule = Rule {
            threshold: 0.5,
            containment: None,
        };
        let (edges, stats) = verify_groups(&[group], |d| &sets[d as usize], |_, _| true, rule);
        assert!(edges.is_empty());
        assert!(stats.compared <= (MAX_ROUNDS * 1000) as u64);
    }
}
