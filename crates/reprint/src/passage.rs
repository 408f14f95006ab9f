//! Shared word runs: the stretches of one word sequence that another holds.
//!
//! In: two sequences of normalized words, a `source` and a `text`, and a
//! [`RunSpec`] (n-gram size, shortest run kept, how n-grams join into runs).
//! Out: the runs of `text` whose n-grams occur in `source`, each with its
//! start in `text`, its length, and a start in `source`; longest first, no
//! two overlapping in `text`.
//!
//! This is the one definition of "shared passage" in the crate: `reprint
//! explain` lists the longest aligned runs of two documents
//! ([`MIN_PASSAGE_WORDS`]-word n-grams), the doubled-document detector
//! reports the covered runs of an article's second half in its first
//! (4-grams, [`crate::doubled`]), and the HTML page marks covered runs of
//! [`MIN_PASSAGE_WORDS`] words, a length it reads from the report's data.
//!
//! Both joinings start from the same seeds, the n-grams of `text` found in
//! `source`:
//!
//! - [`Join::Aligned`]: a run is copied word for word from one place of
//!   `source` and is maximal (the words before and after it differ). A
//!   stretch of `text` made of pieces from two places of `source` gives two
//!   runs, which may overlap in `text`; the longer is kept.
//! - [`Join::Covered`]: a run is a maximal stretch of `text` every word of
//!   which lies in a seed, wherever in `source` the seeds come from
//!   (overlapping or touching seeds join). Covered runs are the unions of the
//!   aligned runs.
//!
//! Cost: one hash map of the n-grams of `source`, one pass over `text`;
//! aligned runs then extend each seed that starts a run (an n-gram repeated
//! in `source` is followed from its first [`MAX_SEED_PLACES`] places only).

use std::collections::HashMap;
use std::hash::Hash;

/// Shortest shared passage `reprint explain` lists and the HTML page marks,
/// in words (and the n-gram size they are found with).
pub const MIN_PASSAGE_WORDS: usize = 6;

/// Places in `source` an aligned run is looked for from, per n-gram: a run
/// repeated many times in `source` needs only a few places to be found.
pub const MAX_SEED_PLACES: usize = 16;

/// How seeds (n-grams found in both sequences) join into runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Join {
    /// Runs copied word for word from one place of the source.
    Aligned,
    /// Stretches of the text covered by seeds from anywhere in the source.
    Covered,
}

/// What runs to find.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunSpec {
    /// Words per n-gram (the seed size); at least 1.
    pub n: usize,
    /// Shorter runs are not kept.
    pub min_len: usize,
    /// How seeds join.
    pub join: Join,
}

/// A run of `text` found in `source`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    /// Its first word's position in `text`.
    pub at: usize,
    /// Its length in words.
    pub len: usize,
    /// Where in `source` it starts: the aligned copy's first word, or (for a
    /// covered run) the first place of the run's first n-gram.
    pub source_at: usize,
}

/// The runs of `text` whose `spec.n`-grams occur in `source`, at least
/// `spec.min_len` words long, longest first (ties: earlier in `text`, then
/// earlier in `source`), keeping no run that overlaps a run before it in
/// `text`.
pub fn shared_runs<T: Eq + Hash>(source: &[T], text: &[T], spec: RunSpec) -> Vec<Run> {
    let n = spec.n.max(1);
    if source.len() < n || text.len() < n {
        return Vec::new();
    }
    let mut places: HashMap<&[T], Vec<usize>> = HashMap::new();
    for (j, gram) in source.windows(n).enumerate() {
        let v = places.entry(gram).or_default();
        if v.len() < MAX_SEED_PLACES {
            v.push(j);
        }
    }
    let mut runs = match spec.join {
        Join::Aligned => aligned(source, text, n, &places),
        Join::Covered => covered(text, n, &places),
    };
    runs.retain(|r| r.len >= spec.min_len);
    runs.sort_by(|x, y| {
        y.len
            .cmp(&x.len)
            .then(x.at.cmp(&y.at))
            .then(x.source_at.cmp(&y.source_at))
    });
    let mut taken = vec![false; text.len()];
    runs.retain(|r| {
        let span = &mut taken[r.at..r.at + r.len];
        if span.iter().any(|&t| t) {
            return false;
        }
        span.fill(true);
        true
    });
    runs
}

/// Every maximal aligned run that starts at a seed.
fn aligned<T: Eq + Hash>(
    source: &[T],
    text: &[T],
    n: usize,
    places: &HashMap<&[T], Vec<usize>>,
) -> Vec<Run> {
    let mut runs = Vec::new();
    for (i, gram) in text.windows(n).enumerate() {
        let Some(js) = places.get(gram) else {
            continue;
        };
        for &j in js {
            if i > 0 && j > 0 && text[i - 1] == source[j - 1] {
                continue; // inside a run that starts earlier
            }
            let mut len = n;
            while i + len < text.len() && j + len < source.len() && text[i + len] == source[j + len]
            {
                len += 1;
            }
            runs.push(Run {
                at: i,
                len,
                source_at: j,
            });
        }
    }
    runs
}

/// The maximal stretches of `text` covered by seeds, in text order.
fn covered<T: Eq + Hash>(text: &[T], n: usize, places: &HashMap<&[T], Vec<usize>>) -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
    for (i, gram) in text.windows(n).enumerate() {
        let Some(js) = places.get(gram) else {
            continue;
        };
        match runs.last_mut() {
            // Overlapping or touching the run so far: it grows.
            Some(r) if i <= r.at + r.len => r.len = i + n - r.at,
            _ => runs.push(Run {
                at: i,
                len: n,
                source_at: js[0],
            }),
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<&str> {
        s.split_whitespace().collect()
    }

    fn spec(n: usize, min_len: usize, join: Join) -> RunSpec {
        RunSpec { n, min_len, join }
    }

    fn triples(runs: &[Run]) -> Vec<(usize, usize, usize)> {
        runs.iter().map(|r| (r.at, r.len, r.source_at)).collect()
    }

    #[test]
    fn runs_are_found_at_their_positions_longest_first() {
        let source = w("x a b c d e f y p q r s z");
        let text = w("p q r s m a b c d e f");
        let runs = shared_runs(&source, &text, spec(3, 3, Join::Aligned));
        assert_eq!(triples(&runs), [(5, 6, 1), (0, 4, 8)]);
        let runs = shared_runs(&source, &text, spec(3, 3, Join::Covered));
        assert_eq!(triples(&runs), [(5, 6, 1), (0, 4, 8)]);
    }

    #[test]
    fn shorter_runs_than_min_len_are_dropped() {
        let source = w("x a b c d e f y p q r s z");
        let text = w("p q r s m a b c d e f");
        for join in [Join::Aligned, Join::Covered] {
            let runs = shared_runs(&source, &text, spec(3, 5, join));
            assert_eq!(triples(&runs), [(5, 6, 1)], "{join:?}");
            assert!(shared_runs(&source, &text, spec(3, 7, join)).is_empty());
        }
    }

    #[test]
    fn the_ngram_size_decides_what_is_shared() {
        // Three shared words, never four in a row.
        let source = w("a b c x d e f");
        let text = w("d e f y a b c");
        assert_eq!(
            triples(&shared_runs(&source, &text, spec(3, 1, Join::Aligned))),
            [(0, 3, 4), (4, 3, 0)]
        );
        assert!(shared_runs(&source, &text, spec(4, 1, Join::Aligned)).is_empty());
        assert!(shared_runs(&source, &text, spec(4, 1, Join::Covered)).is_empty());
        // Sequences shorter than n share nothing.
        assert!(shared_runs(&w("a b"), &w("a b"), spec(3, 1, Join::Covered)).is_empty());
    }

    #[test]
    fn covered_runs_join_seeds_from_different_places_aligned_runs_do_not() {
        // `a b c d` comes from one place of the source, `c d e f` from another.
        let source = w("a b c d x c d e f");
        let text = w("a b c d e f");
        let aligned = shared_runs(&source, &text, spec(3, 3, Join::Aligned));
        // (0, 4) and (2, 4) overlap in the text: the earlier one is kept.
        assert_eq!(triples(&aligned), [(0, 4, 0)]);
        let covered = shared_runs(&source, &text, spec(3, 3, Join::Covered));
        assert_eq!(triples(&covered), [(0, 6, 0)]);
    }

    #[test]
    fn touching_seeds_join_into_one_covered_run() {
        // The text's 2-grams `a b` and `c d` are in the source, `b c` is not.
        let source = w("a b x c d");
        let text = w("a b c d");
        assert_eq!(
            triples(&shared_runs(&source, &text, spec(2, 2, Join::Covered))),
            [(0, 4, 0)]
        );
        assert_eq!(
            triples(&shared_runs(&source, &text, spec(2, 2, Join::Aligned))),
            [(0, 2, 0), (2, 2, 3)]
        );
    }

    #[test]
    fn an_aligned_run_is_maximal_and_starts_once() {
        // The source holds the text's run twice; the first place wins a tie.
        let source = w("a b c d q a b c d");
        let text = w("z a b c d");
        let runs = shared_runs(&source, &text, spec(2, 2, Join::Aligned));
        assert_eq!(triples(&runs), [(1, 4, 0)]);
    }
}
