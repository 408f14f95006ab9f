//! Candidates → sets → verify → cluster: the one matching sequence that
//! documents and paragraphs both go through.
//!
//! In: candidate groups (LSH buckets as sorted unit ids), the verification
//! sets already at hand, a loader for the missing ones, which pairs may
//! match at all, and the rule. Out: verified edges and their connected
//! components. Sets are loaded only for candidates, and only those not
//! already made.

use crate::cluster;
use crate::config::MatchConfig;
use crate::input::Meta;
use crate::verify::{self, Edge, Rule};

use super::sign::DocInfo;
use super::Timer;

/// What matching a set of units found.
pub(crate) struct Matched {
    /// Verified pairs, sorted and unique (empty when not kept).
    pub edges: Vec<Edge>,
    /// Connected components of at least two units.
    pub components: Vec<Vec<u32>>,
    /// Pairs whose exact scores were computed.
    pub compared: u64,
    /// Units in at least one candidate group.
    pub candidates: u64,
}

/// How many of the sets to load at once: the groups are verified in waves,
/// in order, each loading the sets its groups lack until their estimated
/// `cost` (bytes) passes `budget`; a wave's sets are dropped when the next
/// one begins. A unit in the groups of several waves is loaded once per
/// wave. Verifying each group once, with every member's set, gives the same
/// edges in any number of waves.
pub(crate) struct Waves<'a> {
    pub budget: usize,
    pub cost: &'a dyn Fn(u32) -> usize,
}

/// Verification sets by unit, held only for the units that have one: a
/// 4-byte slot per unit, then the sets. (A set per unit, most of them
/// empty, took 24 bytes a unit: 0.58 GB for the 24M paragraphs of a 10 GB
/// corpus.)
pub(crate) struct Sets<T> {
    slot: Vec<u32>,
    held: Vec<Vec<T>>,
    free: Vec<u32>,
}

/// The slot of a unit without a set.
const NO_SET: u32 = u32::MAX;

impl<T> Sets<T> {
    /// No sets, for no units yet.
    pub fn new() -> Self {
        Sets {
            slot: Vec::new(),
            held: Vec::new(),
            free: Vec::new(),
        }
    }

    /// Unit `u`'s set is `sets[u]` (an empty one: none).
    pub fn from_vecs(sets: Vec<Vec<T>>) -> Self {
        let mut s = Sets::new();
        s.slot = vec![NO_SET; sets.len()];
        for (u, set) in sets.into_iter().enumerate() {
            s.put(u as u32, set);
        }
        s
    }

    /// Makes room for `units` units.
    pub fn resize(&mut self, units: usize) {
        self.slot.resize(units, NO_SET);
    }

    /// Unit `u`'s set (empty when it has none).
    pub fn get(&self, u: u32) -> &[T] {
        match self.slot[u as usize] {
            NO_SET => &[],
            i => &self.held[i as usize],
        }
    }

    /// Whether unit `u` lacks a set.
    pub fn lacks(&self, u: u32) -> bool {
        self.slot[u as usize] == NO_SET
    }

    /// Sets unit `u`'s set (an empty one removes it).
    pub fn put(&mut self, u: u32, set: Vec<T>) {
        self.remove(u);
        if set.is_empty() {
            return;
        }
        let i = match self.free.pop() {
            Some(i) => {
                self.held[i as usize] = set;
                i
            }
            None => {
                self.held.push(set);
                (self.held.len() - 1) as u32
            }
        };
        self.slot[u as usize] = i;
    }

    /// Drops unit `u`'s set.
    pub fn remove(&mut self, u: u32) {
        let i = std::mem::replace(&mut self.slot[u as usize], NO_SET);
        if i != NO_SET {
            self.held[i as usize] = Vec::new();
            self.free.push(i);
        }
    }
}

/// Groups verified at a time: their pairs join the components at once, so
/// a stage that does not keep its pairs never holds them all (paragraphs:
/// millions).
const GROUPS_PER_CHUNK: usize = 1 << 15;

/// Matches `units` units: marks the candidates of `groups`, asks `load`
/// to store in `sets` the sets of the candidates whose set is empty there
/// (given in ascending order), verifies every group under `rule` where
/// `allowed`, and clusters the verified pairs, which come back in
/// [`Matched::edges`] when `keep_edges`. Without `waves`, or when
/// one wave holds them all, every candidate's set is loaded at once and is
/// still in `sets` at the end; otherwise only the sets held on entry are.
/// `sets` comes back with `units` entries. The loading ends the stage
/// `reread_stage` of `timer` (with several waves, verification is in it).
#[allow(clippy::too_many_arguments)]
pub(crate) fn match_units<G, T>(
    units: usize,
    groups: &[G],
    sets: &mut Sets<T>,
    mut load: impl FnMut(&[u32], &mut Sets<T>),
    waves: Option<Waves>,
    allowed: impl Fn(u32, u32) -> bool + Sync,
    rule: Rule,
    keep_edges: bool,
    (timer, reread_stage): (&mut Timer, &'static str),
) -> Matched
where
    G: AsRef<[u32]> + Sync,
    T: Ord + Copy + Send + Sync,
{
    let mut is_candidate = vec![false; units];
    for g in groups {
        for &u in g.as_ref() {
            is_candidate[u as usize] = true;
        }
    }
    sets.resize(units);
    let bounds = match &waves {
        Some(w) => wave_bounds(groups, sets, w),
        None => vec![0, groups.len()],
    };
    let mut edges = Vec::new();
    // Pairs join the components as they are verified; they are kept only
    // when asked.
    let mut joined = cluster::UnionFind::new(units);
    let mut compared = 0;
    for wave in bounds.windows(2) {
        let wave_groups = &groups[wave[0]..wave[1]];
        let missing = lacking(wave_groups, sets);
        load(&missing, sets);
        if bounds.len() == 2 {
            timer.mark(reread_stage);
        }
        for chunk in wave_groups.chunks(GROUPS_PER_CHUNK) {
            let (chunk_edges, stats) =
                verify::verify_groups(chunk, |u| sets.get(u), &allowed, rule);
            compared += stats.compared;
            for e in &chunk_edges {
                joined.union(e.a, e.b);
            }
            if keep_edges {
                edges.extend(chunk_edges);
            }
        }
        if bounds.len() > 2 {
            for &u in &missing {
                sets.remove(u);
            }
        }
    }
    // Each chunk's pairs are sorted and unique; across chunks they may repeat.
    edges.sort_unstable_by_key(|e| (e.a, e.b));
    edges.dedup_by_key(|e| (e.a, e.b));
    if bounds.len() > 2 {
        timer.mark(reread_stage);
    }
    let components = joined.components(2);
    Matched {
        edges,
        components,
        compared,
        candidates: is_candidate.iter().filter(|&&c| c).count() as u64,
    }
}

/// The members of `lists` whose set is empty in `sets`, ascending, once each.
pub(crate) fn lacking<G: AsRef<[u32]>, T>(lists: &[G], sets: &Sets<T>) -> Vec<u32> {
    let mut missing: Vec<u32> = lists
        .iter()
        .flat_map(|g| g.as_ref())
        .copied()
        .filter(|&u| sets.lacks(u))
        .collect();
    missing.sort_unstable();
    missing.dedup();
    missing
}

/// Where the waves begin: groups in order, a new wave when the sets still
/// to load for the current one would pass the budget (a group too large
/// for any wave is a wave of its own). Ends with `groups.len()`.
fn wave_bounds<G: AsRef<[u32]>, T>(groups: &[G], sets: &Sets<T>, w: &Waves) -> Vec<usize> {
    let mut bounds = vec![0];
    let mut in_wave = vec![false; sets.slot.len()];
    let mut members: Vec<u32> = Vec::new();
    let mut cost = 0usize;
    for (i, g) in groups.iter().enumerate() {
        let g = g.as_ref();
        let new = |in_wave: &[bool]| -> usize {
            g.iter()
                .filter(|&&u| sets.lacks(u) && !in_wave[u as usize])
                .map(|&u| (w.cost)(u))
                .sum()
        };
        let mut add = new(&in_wave);
        if i > *bounds.last().expect("starts at 0") && cost.saturating_add(add) > w.budget {
            bounds.push(i);
            members.drain(..).for_each(|u| in_wave[u as usize] = false);
            cost = 0;
            add = new(&in_wave);
        }
        cost = cost.saturating_add(add);
        for &u in g {
            if !std::mem::replace(&mut in_wave[u as usize], true) {
                members.push(u);
            }
        }
    }
    bounds.push(groups.len());
    bounds
}

/// Which document pairs may match at all: `--same-source skip` keeps two
/// documents of one outlet apart, `--window DAYS` two documents published
/// further apart than that. Pairs that lack the metadata are allowed.
pub(crate) fn pair_filter<'d>(
    docs: &'d [DocInfo],
    m: &MatchConfig,
) -> impl Fn(u32, u32) -> bool + Sync + 'd {
    pair_filter_by(docs.len(), move |d| docs[d as usize].meta.as_deref(), m)
}

/// [`pair_filter`] over `n` units whose metadata `meta(d)` gives (an
/// outside driver's rows: `reprint.spark` verifies groups with it).
pub fn pair_filter_by<'d>(
    n: usize,
    meta: impl Fn(u32) -> Option<&'d Meta> + Sync + 'd,
    m: &MatchConfig,
) -> impl Fn(u32, u32) -> bool + Sync + 'd {
    let skip_same = m.skip_same_source;
    let window = m.window_days.map(|d| i64::from(d) * 86_400);
    let seconds: Vec<Option<i64>> = match window {
        Some(_) => (0..n as u32)
            .map(|d| {
                let date = meta(d)?.date.as_deref()?;
                Some(chrono::DateTime::parse_from_rfc3339(date).ok()?.timestamp())
            })
            .collect(),
        None => Vec::new(),
    };
    move |a: u32, b: u32| {
        if skip_same {
            let source = |d| meta(d).and_then(|m| m.source.as_deref());
            if let (Some(x), Some(y)) = (source(a), source(b)) {
                if x == y {
                    return false;
                }
            }
        }
        if let Some(w) = window {
            if let (Some(x), Some(y)) = (seconds[a as usize], seconds[b as usize]) {
                if (x - y).abs() > w {
                    return false;
                }
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sets of 40 units: five families of eight near-copies (each drops a
    /// different element of its family's base set), so groups overlap.
    fn family_sets() -> Vec<Vec<u64>> {
        (0..40u64)
            .map(|u| {
                let family = u / 8;
                (0..20u64)
                    .filter(|&x| x != u % 8)
                    .map(|x| family * 1000 + x)
                    .collect()
            })
            .collect()
    }

    fn run(budget: Option<usize>, keep_edges: bool) -> (Matched, usize) {
        let all = family_sets();
        // Bands that put each family in a few overlapping groups, and one
        // group across families.
        let mut groups: Vec<Vec<u32>> = (0..5u32)
            .flat_map(|f| {
                [
                    (0..5).map(|i| f * 8 + i).collect(),
                    (3..8).map(|i| f * 8 + i).collect(),
                ]
            })
            .collect();
        groups.push(vec![0, 8, 16, 24, 32]);
        groups.sort();
        let mut loads = 0;
        let mut sets: Sets<u64> = Sets::new();
        let cost = |_: u32| 10;
        let waves = budget.map(|budget| Waves {
            budget,
            cost: &cost,
        });
        let rule = Rule {
            threshold: 0.8,
            containment: None,
        };
        let matched = match_units(
            all.len(),
            &groups,
            &mut sets,
            |missing: &[u32], sets: &mut Sets<u64>| {
                loads += 1;
                assert!(
                    missing.windows(2).all(|w| w[0] < w[1]),
                    "ascending, distinct"
                );
                for &u in missing {
                    assert!(sets.lacks(u), "only sets not held");
                    sets.put(u, all[u as usize].clone());
                }
            },
            waves,
            |_, _| true,
            rule,
            keep_edges,
            (&mut Timer::new(), "load"),
        );
        (matched, loads)
    }

    #[test]
    fn waves_give_the_edges_and_components_of_one_load() {
        let (whole, loads) = run(None, true);
        assert_eq!(loads, 1);
        assert_eq!(whole.components.len(), 5, "one component per family");
        assert!(whole.edges.len() >= 5 * 7);
        for budget in [0, 10, 35, 60, 1000] {
            let (waved, loads) = run(Some(budget), true);
            assert_eq!(waved.edges, whole.edges, "budget {budget}");
            assert_eq!(waved.components, whole.components, "budget {budget}");
            assert_eq!(waved.compared, whole.compared, "budget {budget}");
            assert_eq!(waved.candidates, whole.candidates);
            if budget < 50 {
                assert!(loads > 1, "budget {budget}: {loads} wave(s)");
            }
            let (unkept, _) = run(Some(budget), false);
            assert!(unkept.edges.is_empty());
            assert_eq!(unkept.components, whole.components, "budget {budget}");
            assert_eq!(unkept.compared, whole.compared, "budget {budget}");
        }
        let (unkept, _) = run(None, false);
        assert_eq!(unkept.components, whole.components);
    }
}
