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
use crate::verify::{self, Edge, Rule};

use super::sign::DocInfo;
use super::Timer;

/// What matching a set of units found.
pub(crate) struct Matched {
    /// Verified pairs, sorted and unique.
    pub edges: Vec<Edge>,
    /// Connected components of at least two units.
    pub components: Vec<Vec<u32>>,
    /// Pairs whose exact scores were computed.
    pub compared: u64,
    /// Units in at least one candidate group.
    pub candidates: u64,
}

/// Matches `units` units: marks the candidates of `groups`, asks `load`
/// to store in `sets` the sets of the candidates whose set is empty there
/// (given in ascending order), verifies every group under `rule` where `allowed`, and clusters
/// the verified pairs. `sets` comes back with `units` entries. The loading
/// ends the stage `reread_stage` of `timer`.
pub(crate) fn match_units<T>(
    units: usize,
    groups: &[Vec<u32>],
    sets: &mut Vec<Vec<T>>,
    load: impl FnOnce(&[u32], &mut [Vec<T>]),
    allowed: impl Fn(u32, u32) -> bool + Sync,
    rule: Rule,
    (timer, reread_stage): (&mut Timer, &'static str),
) -> Matched
where
    T: Ord + Copy + Send + Sync,
{
    let mut is_candidate = vec![false; units];
    for g in groups {
        for &u in g {
            is_candidate[u as usize] = true;
        }
    }
    sets.resize_with(units, Vec::new);
    let missing: Vec<u32> = (0..units as u32)
        .filter(|&u| is_candidate[u as usize] && sets[u as usize].is_empty())
        .collect();
    load(&missing, sets);
    timer.mark(reread_stage);
    let (edges, stats) = verify::verify_groups(groups, |u| &sets[u as usize], allowed, rule);
    let components = cluster::components(units, edges.iter().map(|e| (e.a, e.b)), 2);
    Matched {
        edges,
        components,
        compared: stats.compared,
        candidates: is_candidate.iter().filter(|&&c| c).count() as u64,
    }
}

/// Which document pairs may match at all: `--same-source skip` keeps two
/// documents of one outlet apart, `--window DAYS` two documents published
/// further apart than that. Pairs that lack the metadata are allowed.
pub(crate) fn pair_filter<'d>(
    docs: &'d [DocInfo],
    m: &MatchConfig,
) -> impl Fn(u32, u32) -> bool + Sync + 'd {
    let skip_same = m.skip_same_source;
    let window = m.window_days.map(|d| i64::from(d) * 86_400);
    let meta = |d: u32| docs[d as usize].meta.as_deref();
    let seconds: Vec<Option<i64>> = match window {
        Some(_) => docs
            .iter()
            .map(|d| {
                let date = d.meta.as_deref()?.date.as_deref()?;
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
