//! Text reuse between documents: which document was derived from which,
//! through which passages.
//!
//! Near-duplicate clusters find copies. A reprint that an outlet trimmed,
//! re-headlined, rewrote in places and merged with its own copy shares
//! passages, not the whole text, so this stage works on passages:
//!
//! 1. **Fingerprints** ([`fingerprints`], in the sign phase): the word
//!    [`REUSE_NGRAM`]-grams of a document, sampled by hash (one in
//!    [`ReuseConfig::sample`], the same n-grams in every document), as 32-bit
//!    keys. A few hundred bytes per document; the text is not kept.
//! 2. **Candidates** ([`candidate_pairs`]): the postings (key, document) are
//!    sorted; a key held by 2 to [`ReuseConfig::max_df`] document groups
//!    pairs them up, a key held by more (boilerplate, stock phrases) pairs
//!    none. Pairs that share at least [`ReuseConfig::min_shared`] keys are
//!    candidates, counted per first document in parallel from an index of
//!    its keys' runs (built a shard of documents at a time). Bound: the
//!    counting steps are at most `postings × (max_df − 1) / 2`, linear in
//!    the corpus; a paragraph in 100,000 documents adds no pair at all.
//! 3. **Alignment** ([`crate::align`]) of each candidate pair's word
//!    sequences, re-read from the inputs a wave at a time: passages with
//!    their word and line ranges on both sides.
//! 4. **Direction and grade** ([`decide`]): the source is the earlier
//!    document by date; undated (or the same day), the one whose own words
//!    the passages cover less. The derived document's coverage grades the
//!    link `wholly` (at least [`ReuseConfig::wholly`]) or `partially` (at
//!    least [`ReuseConfig::min_coverage`]); below that there is no link.
//!
//! Documents joined in one near-duplicate cluster take part once, as the
//! cluster's first document in input order (in a check, its first indexed
//! document, so that a derivation names history): their copies are already
//! in the report, and pairs inside a cluster are copies, not derivations.
//!
//! `check` finds the indexed documents to hold by the same rule
//! ([`shares_enough`]) on the fingerprints the index keeps
//! ([`crate::check::reuse`]).

use serde::Serialize;

use crate::align::{self, AlignSpec, Passage};
use crate::normalize::{fmix64, for_each_ascii_word_at, for_each_word, WordScratch};

/// Words per fingerprint n-gram (and per alignment seed).
pub const REUSE_NGRAM: usize = 3;

/// The reuse stage's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct ReuseConfig {
    /// Whether the stage runs.
    pub enabled: bool,
    /// Least share of the derived document's words inside aligned passages
    /// for a link (graded `partially`).
    pub min_coverage: f64,
    /// Least share for a `wholly` derived link.
    pub wholly: f64,
    /// A fingerprint held by more document groups pairs none of them.
    pub max_df: usize,
    /// Fingerprints a pair must share to be aligned.
    pub min_shared: usize,
    /// One n-gram in this many is a fingerprint.
    pub sample: u32,
}

impl Default for ReuseConfig {
    fn default() -> Self {
        ReuseConfig {
            enabled: true,
            min_coverage: 0.3,
            wholly: 0.45,
            max_df: 100,
            min_shared: 1,
            sample: 4,
        }
    }
}

impl ReuseConfig {
    /// Checks ranges; the message names the flag to change.
    pub fn validate(&self) -> crate::Result<()> {
        let bad = |m: String| Err(crate::Error::InvalidParam(m));
        let unit = |x: f64| (0.0..=1.0).contains(&x) && x > 0.0;
        if !unit(self.min_coverage) {
            return bad(format!(
                "--reuse-min-coverage must be in (0, 1], got {}",
                self.min_coverage
            ));
        }
        if !unit(self.wholly) || self.wholly < self.min_coverage {
            return bad(format!(
                "--reuse-wholly must be in (0, 1] and at least --reuse-min-coverage ({}), got {}",
                self.min_coverage, self.wholly
            ));
        }
        if !(2..=100_000).contains(&self.max_df) {
            return bad(format!(
                "--reuse-max-df must be between 2 and 100000, got {}",
                self.max_df
            ));
        }
        if self.min_shared == 0 || self.sample == 0 {
            return bad(
                "the reuse sample rate and shared-fingerprint minimum must be at least 1".into(),
            );
        }
        Ok(())
    }

    /// How candidate pairs are aligned.
    pub fn align_spec(&self) -> AlignSpec {
        AlignSpec {
            n: REUSE_NGRAM,
            ..AlignSpec::default()
        }
    }
}

/// The hash of the word n-gram starting at each position.
#[inline(always)]
fn ngram_hash(words: &[u64]) -> u64 {
    words.iter().fold(0x2545_F491_4F6C_DD1Du64, |h, &w| {
        fmix64(h ^ w).rotate_left(17)
    })
}

/// A document's reuse fingerprints: the keys of its sampled word
/// [`REUSE_NGRAM`]-grams, sorted and distinct, appended to `out` (cleared
/// first). `hashes` is a buffer for the n-gram hashes, kept by the caller
/// between documents.
pub fn fingerprints(words: &[u64], sample: u32, hashes: &mut Vec<u64>, out: &mut Vec<u32>) {
    ngram_hashes(words, hashes);
    out.clear();
    let sample = u64::from(sample.max(1));
    let key = |h: &u64| (h >> 32) as u32;
    if sample.is_power_of_two() {
        // The same test as `h % sample == 0`, without a division per n-gram.
        let mask = sample - 1;
        out.extend(hashes.iter().filter(|&h| h & mask == 0).map(key));
    } else {
        out.extend(hashes.iter().filter(|&h| h % sample == 0).map(key));
    }
    out.sort_unstable();
    out.dedup();
}

/// [`ngram_hash`] of every window of [`REUSE_NGRAM`] words, into `out`.
/// On x86-64 processors with AVX-512DQ the same arithmetic runs eight
/// windows at a time (chosen at run time); the hashes are the scalar ones.
fn ngram_hashes(words: &[u64], out: &mut Vec<u64>) {
    out.clear();
    let n = (words.len() + 1).saturating_sub(REUSE_NGRAM);
    out.resize(n, 0);
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512dq") {
            // SAFETY: the CPU supports the features the function is compiled for.
            unsafe { ngram_hashes_avx512(words, out) };
            return;
        }
    }
    ngram_hashes_kernel(words, out);
}

/// The loop of [`ngram_hashes`], written so the compiler vectorizes it:
/// `out[i]` is the hash of `words[i..i + 3]`.
#[inline(always)]
fn ngram_hashes_kernel(words: &[u64], out: &mut [u64]) {
    const _: () = assert!(REUSE_NGRAM == 3, "the kernel hashes three words");
    let n = out.len();
    if n == 0 {
        return;
    }
    let (a, b, c) = (&words[..n], &words[1..n + 1], &words[2..n + 2]);
    for i in 0..n {
        out[i] = ngram_hash(&[a[i], b[i], c[i]]);
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx512vl")]
unsafe fn ngram_hashes_avx512(words: &[u64], out: &mut [u64]) {
    ngram_hashes_kernel(words, out)
}

/// Fewest words of the derived document inside passages for a link: two
/// shortest passages' worth. One short shared phrase (a stock line of a
/// wire service's page furniture, a court's formula) is not a derivation,
/// however short the document it covers.
pub const MIN_LINK_WORDS: usize = 12;

/// Least share of the smaller document's fingerprints a candidate pair
/// shares. A pair whose passages cover a share `c` of the smaller text
/// shares about `c` of its n-grams where copied word for word, fewer where
/// reworded; on METER, 95% of the links at the defaults share at least a
/// tenth of the smaller side's fingerprints. Pairs below this share would
/// rarely reach `--reuse-min-coverage` and cost an alignment each.
pub const MIN_SHARED_SHARE: f64 = 0.05;

/// Whether two documents with `a_keys` and `b_keys` fingerprints that
/// share `shared` of them are worth aligning: at least `min_shared`, and at
/// least [`MIN_SHARED_SHARE`] of the keys of the one with fewer. The rule of
/// [`candidate_pairs`], and of `check`'s look-up in the index.
pub fn shares_enough(shared: usize, a_keys: usize, b_keys: usize, min_shared: usize) -> bool {
    shared >= min_shared && shared as f64 >= MIN_SHARED_SHARE * a_keys.min(b_keys) as f64
}

/// Entries of the per-document index of shared keys built at once (8
/// bytes each): past it, candidates are counted in shards of consecutive
/// first documents, so memory stays bounded however many postings there
/// are (a shard exceeds it only by one document's entries).
pub const ENTRIES_PER_SHARD: usize = 1 << 21;

/// What candidate generation did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CandidateStats {
    /// (key, group) postings after collapsing groups.
    pub postings: u64,
    /// Keys dropped for being held by more than `max_df` groups.
    pub common_keys: u64,
    /// Pairs emitted before counting (the bounded quantity).
    pub pair_hits: u64,
}

/// Buckets of [`Postings`], by a key's top bits.
pub(crate) const POSTING_BUCKETS: usize = 256;

/// The bucket of [`Postings`] that holds `key`.
pub(crate) fn bucket_of(key: u32) -> usize {
    (key >> 24) as usize
}

/// (key, document) postings of reuse fingerprints, held in buckets by the
/// key's top 8 bits: each bucket sorts on its own, small enough to stay in
/// cache, and the buckets in order are the postings sorted by key.
#[derive(Debug, Clone)]
pub struct Postings {
    buckets: Vec<Vec<(u32, u32)>>,
}

impl Default for Postings {
    fn default() -> Self {
        Postings {
            buckets: vec![Vec::new(); POSTING_BUCKETS],
        }
    }
}

impl Postings {
    /// Adds `doc`'s fingerprint `key`.
    pub fn push(&mut self, key: u32, doc: u32) {
        self.buckets[bucket_of(key)].push((key, doc));
    }
}

impl FromIterator<(u32, u32)> for Postings {
    fn from_iter<I: IntoIterator<Item = (u32, u32)>>(iter: I) -> Self {
        let mut p = Postings::default();
        for (k, d) in iter {
            p.push(k, d);
        }
        p
    }
}

/// Candidate pairs `(a, b)`, `a < b`, sorted: groups that share at least
/// `min_shared` keys held by at most `max_df` groups, and at least
/// [`MIN_SHARED_SHARE`] of the keys of the one with fewer. `postings` holds
/// (key, document) and is consumed; `group[d]` is the group document `d`
/// takes part as (itself, or its cluster's first document); `allowed`
/// filters pairs of groups. Panics if `max_df` is 2^24 or more.
pub fn candidate_pairs(
    postings: Postings,
    group: &[u32],
    max_df: usize,
    min_shared: usize,
    allowed: impl Fn(u32, u32) -> bool + Sync,
) -> (Vec<(u32, u32)>, CandidateStats) {
    use rayon::prelude::*;
    let mut keys = vec![0u32; group.len()];
    for b in &postings.buckets {
        for p in b {
            keys[p.1 as usize] += 1;
        }
    }
    let pruned: Vec<Pruned> = postings
        .buckets
        .into_par_iter()
        .map(|b| prune(b, group, max_df))
        .collect();
    pairs_of_pruned(pruned, &keys, min_shared, allowed)
}

/// One bucket of postings made ready for counting: documents replaced by
/// their groups, sorted, repeats dropped, and only the runs of keys held by
/// 2 to `max_df` groups kept (the others can make no pair).
pub(crate) struct Pruned {
    /// The groups holding each kept key, a run per key in key order (the
    /// keys themselves are not needed again).
    groups: Vec<u32>,
    /// The length of each run.
    runs: Vec<u32>,
    /// Postings after collapsing groups, before runs were dropped.
    distinct: u64,
    /// Keys held by more than `max_df` groups.
    common: u64,
}

impl Pruned {
    /// The groups holding each kept key, a slice per key.
    fn key_runs(&self) -> impl Iterator<Item = &[u32]> + '_ {
        self.runs.iter().scan(0usize, |at, &n| {
            let start = *at;
            *at += n as usize;
            self.groups.get(start..*at)
        })
    }
}

/// Prunes one bucket of raw (key, document) postings ([`Pruned`]).
pub(crate) fn prune(mut bucket: Vec<(u32, u32)>, group: &[u32], max_df: usize) -> Pruned {
    // Counting packs a run's length in 24 bits ([`entry`]); the reuse
    // configuration refuses more than 100,000 with a message.
    assert!(max_df < 1 << 24, "max_df {max_df} is over 2^24");
    for p in bucket.iter_mut() {
        p.1 = group[p.1 as usize];
    }
    bucket.sort_unstable();
    bucket.dedup();
    let distinct = bucket.len() as u64;
    let mut common = 0;
    let mut groups = Vec::new();
    let mut runs = Vec::new();
    for run in bucket.chunk_by(|x, y| x.0 == y.0) {
        if run.len() > max_df {
            common += 1;
        } else if run.len() >= 2 {
            groups.extend(run.iter().map(|p| p.1));
            runs.push(run.len() as u32);
        }
    }
    drop(bucket);
    groups.shrink_to_fit();
    runs.shrink_to_fit();
    Pruned {
        groups,
        runs,
        distinct,
        common,
    }
}

/// [`candidate_pairs`] from pruned buckets; `keys[d]` is the number of
/// fingerprints document `d` had.
pub(crate) fn pairs_of_pruned(
    pruned: Vec<Pruned>,
    keys: &[u32],
    min_shared: usize,
    allowed: impl Fn(u32, u32) -> bool + Sync,
) -> (Vec<(u32, u32)>, CandidateStats) {
    pairs_in_shards(pruned, keys, min_shared, allowed, ENTRIES_PER_SHARD)
}

/// An entry of the index of shared keys: in bucket `bucket`, the partners
/// of a document after it in a key's run, `groups[from..from + len]`.
fn entry(bucket: usize, from: usize, len: usize) -> u64 {
    debug_assert!(bucket < POSTING_BUCKETS && len < 1 << 24);
    let from = u32::try_from(from).expect("a bucket holds under 2^32 postings");
    (bucket as u64) << 56 | (len as u64) << 32 | u64::from(from)
}

/// [`pairs_of_pruned`] with shards of at most about `per_shard` entries.
///
/// Each first document `a` gets the list of its keys' runs in which it
/// has partners after it (an entry per run); the documents of a shard are
/// then counted in parallel, each with a dense counter per thread: the
/// partners that share at least `min_shared` keys (and the share) are its
/// pairs, in order. No pair hit is ever written out.
fn pairs_in_shards(
    pruned: Vec<Pruned>,
    keys: &[u32],
    min_shared: usize,
    allowed: impl Fn(u32, u32) -> bool + Sync,
    per_shard: usize,
) -> (Vec<(u32, u32)>, CandidateStats) {
    use rayon::prelude::*;
    let mut stats = CandidateStats {
        postings: pruned.iter().map(|b| b.distinct).sum(),
        common_keys: pruned.iter().map(|b| b.common).sum(),
        ..Default::default()
    };
    // Keys held by 2 to max_df groups (all that pruning left), as runs of
    // groups, and the pairs they make.
    stats.pair_hits = pruned
        .iter()
        .flat_map(|b| b.runs.iter())
        .map(|&n| u64::from(n) * u64::from(n.saturating_sub(1)) / 2)
        .sum();
    let group_count = keys.len();
    let mut entries_of = vec![0u32; group_count];
    for b in &pruned {
        for run in b.key_runs() {
            for &a in &run[..run.len() - 1] {
                entries_of[a as usize] += 1;
            }
        }
    }
    let mut bounds = vec![0u32];
    let mut acc = 0usize;
    for (d, &n) in entries_of.iter().enumerate() {
        if acc > 0 && acc + n as usize > per_shard {
            bounds.push(d as u32);
            acc = 0;
        }
        acc += n as usize;
    }
    bounds.push(group_count as u32);
    let mut pairs = Vec::new();
    let mut entries: Vec<u64> = Vec::new();
    for w in bounds.windows(2) {
        let (lo, hi) = (w[0], w[1]);
        let counts = &entries_of[lo as usize..hi as usize];
        let mut starts: Vec<usize> = Vec::with_capacity(counts.len() + 1);
        starts.push(0);
        for &n in counts {
            starts.push(starts[starts.len() - 1] + n as usize);
        }
        let mut next = starts.clone();
        entries.clear();
        entries.resize(starts[counts.len()], 0);
        for (bi, b) in pruned.iter().enumerate() {
            let mut at = 0;
            for &len in &b.runs {
                let len = len as usize;
                for (i, &a) in b.groups[at..at + len - 1].iter().enumerate() {
                    if (lo..hi).contains(&a) {
                        let slot = &mut next[(a - lo) as usize];
                        entries[*slot] = entry(bi, at + i + 1, len - i - 1);
                        *slot += 1;
                    }
                }
                at += len;
            }
        }
        let (entries, starts, pruned) = (&entries, &starts, &pruned);
        let shard: Vec<(u32, u32)> = (lo..hi)
            .into_par_iter()
            .map_init(
                || (vec![0u32; group_count], Vec::<u32>::new()),
                |(shared, touched), a| {
                    let k = (a - lo) as usize;
                    for &e in &entries[starts[k]..starts[k + 1]] {
                        let (bucket, len, from) = (
                            (e >> 56) as usize,
                            (e >> 32 & 0xFF_FFFF) as usize,
                            e as u32 as usize,
                        );
                        for &b in &pruned[bucket].groups[from..from + len] {
                            let n = &mut shared[b as usize];
                            if *n == 0 {
                                touched.push(b);
                            }
                            *n += 1;
                        }
                    }
                    touched.sort_unstable();
                    let ka = keys[a as usize] as usize;
                    let out: Vec<(u32, u32)> = touched
                        .iter()
                        .filter(|&&b| {
                            let n = shared[b as usize] as usize;
                            shares_enough(n, ka, keys[b as usize] as usize, min_shared)
                                && allowed(a, b)
                        })
                        .map(|&b| (a, b))
                        .collect();
                    for &b in touched.iter() {
                        shared[b as usize] = 0;
                    }
                    touched.clear();
                    out
                },
            )
            .flatten_iter()
            .collect();
        pairs.extend(shard);
    }
    debug_assert!(
        pairs.windows(2).all(|w| w[0] < w[1]),
        "pairs come out sorted"
    );
    (pairs, stats)
}

/// A document's words for alignment: hash, line (1-based, within the
/// document text) and byte span of each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tokens {
    /// Word hashes, as [`crate::normalize`] makes them.
    pub words: Vec<u64>,
    /// The line each word is on.
    pub lines: Vec<u32>,
    /// Each word's byte range in the text (of the whitespace-separated
    /// token it came from).
    pub spans: Vec<(u32, u32)>,
}

impl Tokens {
    /// Tokenizes `text`: the same words as [`for_each_word`] gives for the
    /// whole text (words never span whitespace), with where each is.
    pub fn of(text: &str, scratch: &mut WordScratch) -> Tokens {
        if text.is_ascii() {
            Tokens::of_ascii(text.as_bytes())
        } else {
            Tokens::of_by_token(text, scratch)
        }
    }

    /// [`Tokens::of`] for ASCII text, in one pass over the words
    /// ([`for_each_ascii_word_at`]) with a cursor that finds each word's line
    /// and whitespace-separated token.
    fn of_ascii(b: &[u8]) -> Tokens {
        let ws = |c: u8| (c as char).is_whitespace();
        let mut t = Tokens::default();
        let (mut line, mut at) = (1u32, 0usize);
        let (mut tok_start, mut tok_end) = (0usize, 0usize);
        for_each_ascii_word_at(b, |h, start| {
            if start >= tok_end {
                // A new token: move the cursor to the word, counting lines.
                while at < start {
                    if ws(b[at]) {
                        tok_start = at + 1;
                        line += u32::from(b[at] == b'\n');
                    }
                    at += 1;
                }
                tok_end = start;
                while tok_end < b.len() && !ws(b[tok_end]) {
                    tok_end += 1;
                }
            }
            t.words.push(h);
            t.lines.push(line);
            t.spans.push((tok_start as u32, tok_end as u32));
        });
        t
    }

    /// [`Tokens::of`] for any text: each whitespace-separated token's words.
    fn of_by_token(text: &str, scratch: &mut WordScratch) -> Tokens {
        let mut t = Tokens::default();
        let mut line = 1u32;
        let mut start = None;
        let mut flush = |t: &mut Tokens, s: usize, e: usize, line: u32| {
            for_each_word(&text[s..e], scratch, |h| {
                t.words.push(h);
                t.lines.push(line);
                t.spans.push((s as u32, e as u32));
            });
        };
        for (i, c) in text.char_indices() {
            if c.is_whitespace() {
                if let Some(s) = start.take() {
                    flush(&mut t, s, i, line);
                }
                if c == '\n' {
                    line += 1;
                }
            } else if start.is_none() {
                start = Some(i);
            }
        }
        if let Some(s) = start {
            flush(&mut t, s, text.len(), line);
        }
        t
    }

    /// Words.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether there is no word.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// First and last line of words `start..end` (`end > start`).
    pub fn line_range(&self, start: u32, end: u32) -> [u32; 2] {
        [self.lines[start as usize], self.lines[end as usize - 1]]
    }

    /// The text of words `start..end`, whitespace collapsed, cut to
    /// `max_chars` characters (with `…`).
    pub fn excerpt(&self, text: &str, start: u32, end: u32, max_chars: usize) -> String {
        let from = self.spans[start as usize].0 as usize;
        let to = self.spans[end as usize - 1].1 as usize;
        crate::paragraph::excerpt(&text[from..to], max_chars)
    }
}

/// Which rule chose the source of a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DirectionRule {
    /// The source was published on an earlier date.
    Date,
    /// Undated (or the same day): the source's own words are covered less.
    Coverage,
    /// Dates and coverage tie: the source comes first in the input.
    InputOrder,
}

/// How much of the derived document came from the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    /// Most of it (coverage at least `--reuse-wholly`).
    Wholly,
    /// Some of it (coverage at least `--reuse-min-coverage`).
    Partially,
}

impl Grade {
    /// The name in reports: `wholly` or `partially`.
    pub fn name(self) -> &'static str {
        match self {
            Grade::Wholly => "wholly",
            Grade::Partially => "partially",
        }
    }
}

/// The alignment of a pair, in both directions.
#[derive(Debug, Clone, PartialEq)]
pub struct Aligned {
    /// Passages, `a` as the text and `b` as the source, in `a`'s order.
    pub passages: Vec<Passage>,
    /// Share of `a`'s words inside the passages.
    pub a_coverage: f64,
    /// Share of `b`'s words inside the passages.
    pub b_coverage: f64,
}

/// Aligns `a` with `b` (either may be the source).
pub fn align_pair(a: &[u64], b: &[u64], spec: AlignSpec) -> Aligned {
    let passages = align::align(b, a, spec);
    let share = |n: usize, len: usize| if len == 0 { 0.0 } else { n as f64 / len as f64 };
    let a_cov = align::covered(a.len(), passages.iter().map(|p| (p.text_start, p.text_end)));
    let b_cov = align::covered(
        b.len(),
        passages.iter().map(|p| (p.source_start, p.source_end)),
    );
    Aligned {
        a_coverage: share(a_cov, a.len()),
        b_coverage: share(b_cov, b.len()),
        passages,
    }
}

/// A link's direction and grade.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    /// Whether `a` is the derived document (else `b` is).
    pub a_derived: bool,
    /// The rule that chose.
    pub rule: DirectionRule,
    /// The grade.
    pub grade: Grade,
}

/// Direction and grade of an aligned pair, or `None` when the derived
/// document's coverage is under `min_coverage` or its passages hold fewer
/// than [`MIN_LINK_WORDS`] of its words. Dates are RFC 3339 UTC
/// strings (they sort as strings); a date at midnight is taken as a day
/// only, so it is compared by day. `a` comes first in the input.
pub fn decide(
    al: &Aligned,
    a_date: Option<&str>,
    b_date: Option<&str>,
    cfg: &ReuseConfig,
) -> Option<Decision> {
    let by_date = match (a_date, b_date) {
        (Some(x), Some(y)) => {
            let day_only = |d: &str| d.ends_with("T00:00:00Z");
            let (x, y) = if day_only(x) || day_only(y) {
                (x.get(..10).unwrap_or(x), y.get(..10).unwrap_or(y))
            } else {
                (x, y)
            };
            // The later one is derived.
            (x != y).then_some(x > y)
        }
        _ => None,
    };
    let (a_derived, rule) = match by_date {
        Some(a_later) => (a_later, DirectionRule::Date),
        None if al.a_coverage != al.b_coverage => {
            (al.a_coverage > al.b_coverage, DirectionRule::Coverage)
        }
        None => (false, DirectionRule::InputOrder),
    };
    let coverage = if a_derived {
        al.a_coverage
    } else {
        al.b_coverage
    };
    let words: u32 = al
        .passages
        .iter()
        .map(|p| {
            if a_derived {
                p.text_len()
            } else {
                p.source_len()
            }
        })
        .sum();
    if (words as usize) < MIN_LINK_WORDS {
        return None;
    }
    let grade = if coverage >= cfg.wholly {
        Grade::Wholly
    } else if coverage >= cfg.min_coverage {
        Grade::Partially
    } else {
        return None;
    };
    Some(Decision {
        a_derived,
        rule,
        grade,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Tokens {
        Tokens::of(text, &mut WordScratch::default())
    }

    #[test]
    fn tokens_are_the_normalizer_words_with_lines_and_spans() {
        let text = "The U.S. team's\n  win — “historic”,\n\nsaid ‘officials’";
        let t = toks(text);
        let mut expected = Vec::new();
        for_each_word(text, &mut WordScratch::default(), |h| expected.push(h));
        assert_eq!(t.words, expected);
        assert_eq!(t.lines, vec![1, 1, 1, 1, 2, 2, 4, 4]);
        assert_eq!(t.excerpt(text, 4, 6, 80), "win — “historic”,");
        assert_eq!(t.line_range(2, 7), [1, 4]);
        assert!(toks("  \n ").is_empty());
    }

    #[test]
    fn fingerprints_are_sampled_sorted_and_shared_by_shared_text() {
        let a = toks("one two three four five six seven eight nine ten eleven twelve");
        let fingerprints =
            |w: &[u64], sample, out: &mut Vec<u32>| fingerprints(w, sample, &mut Vec::new(), out);
        let mut fa = Vec::new();
        fingerprints(&a.words, 1, &mut fa);
        assert_eq!(fa.len(), 10);
        assert!(fa.windows(2).all(|w| w[0] < w[1]));
        let mut fq = Vec::new();
        fingerprints(&a.words, 4, &mut fq);
        assert!(fq.iter().all(|k| fa.contains(k)));
        let b = toks("zero one two three four five");
        let mut fb = Vec::new();
        fingerprints(&b.words, 1, &mut fb);
        assert_eq!(fb.iter().filter(|k| fa.contains(k)).count(), 3);
        fingerprints(&[], 1, &mut fb);
        assert!(fb.is_empty());
    }

    #[test]
    fn ascii_tokens_in_one_pass_are_the_token_by_token_ones() {
        let mut scratch = WordScratch::default();
        let mut rng = 0x2545_F491_4F6C_DD1Du64;
        let alphabet = b"abcXYZ019 '\n\r\t\x0b\x0c.,-\"'";
        for len in 0..400 {
            let text: String = (0..len)
                .map(|_| {
                    rng ^= rng << 13;
                    rng ^= rng >> 7;
                    rng ^= rng << 17;
                    alphabet[(rng % alphabet.len() as u64) as usize] as char
                })
                .collect();
            let fast = Tokens::of_ascii(text.as_bytes());
            assert_eq!(fast, Tokens::of_by_token(&text, &mut scratch), "{text:?}");
        }
        let page = "Dock workers' union\n\nvoted (on Friday) to end\r\nthe U.S.-wide strike.";
        assert_eq!(
            Tokens::of(page, &mut scratch),
            Tokens::of_by_token(page, &mut scratch)
        );
    }

    #[test]
    fn candidates_need_shared_rare_keys_and_collapse_groups() {
        // Docs 0..4; doc 3 is in doc 0's cluster. Key 7 is in every doc (common).
        let postings = vec![
            (1, 0),
            (1, 1),
            (2, 0),
            (2, 1),
            (3, 1),
            (3, 2),
            (1, 3),
            (2, 3),
            (7, 0),
            (7, 1),
            (7, 2),
            (7, 3),
        ];
        let group = [0, 1, 2, 0];
        let postings: Postings = postings.into_iter().collect();
        let (pairs, stats) = candidate_pairs(postings.clone(), &group, 2, 2, |_, _| true);
        assert_eq!(pairs, vec![(0, 1)]);
        assert_eq!(stats.common_keys, 1);
        assert_eq!(stats.pair_hits, 3);
        let (pairs, _) = candidate_pairs(postings.clone(), &group, 3, 1, |_, _| true);
        assert_eq!(pairs, vec![(0, 1), (0, 2), (1, 2)]);
        let (pairs, _) = candidate_pairs(postings, &group, 3, 1, |a, _| a != 0);
        assert_eq!(pairs, vec![(1, 2)]);
    }

    #[test]
    fn pairs_match_counting_every_pair_over_many_shards() {
        // Enough hits for several shards: 3,000 documents, keys held by
        // 2 to 40 of them, some documents in one group.
        let mut rng = crate::test_rng::xorshift(0x9E37_79B9_7F4A_7C15);
        let mut next = move |m: u64| rng() % m;
        let docs = 3000u32;
        let group: Vec<u32> = (0..docs)
            .map(|d| if d % 97 == 5 { d - 5 } else { d })
            .collect();
        let mut raw: Vec<(u32, u32)> = Vec::new();
        for key in 0..60_000u32 {
            let holders = 2 + next(39) as u32;
            let base = next(u64::from(docs)) as u32;
            for _ in 0..holders {
                raw.push((key, (base + next(400) as u32) % docs));
            }
        }
        let postings: Postings = raw.iter().copied().collect();
        let allowed = |a: u32, b: u32| (a + b) % 11 != 0;
        let mut keys = vec![0u32; docs as usize];
        for b in &postings.buckets {
            b.iter().for_each(|&(_, d)| keys[d as usize] += 1);
        }
        let pruned = |p: &Postings| -> Vec<Pruned> {
            p.buckets
                .iter()
                .map(|b| prune(b.clone(), &group, 30))
                .collect()
        };
        // One shard, and shards of a few thousand entries.
        let (pairs, stats) = pairs_in_shards(pruned(&postings), &keys, 3, allowed, usize::MAX);
        let (sharded, _) = pairs_in_shards(pruned(&postings), &keys, 3, allowed, 4096);
        assert_eq!(sharded, pairs);
        assert!(stats.postings > 50 * 4096, "{} postings", stats.postings);
        // Every pair counted directly.
        let mut held: Vec<(u32, u32)> = raw.iter().map(|&(k, d)| (k, group[d as usize])).collect();
        held.sort_unstable();
        held.dedup();
        let mut counts: std::collections::BTreeMap<(u32, u32), usize> = Default::default();
        for run in held.chunk_by(|x, y| x.0 == y.0).filter(|r| r.len() <= 30) {
            for (i, &(_, a)) in run.iter().enumerate() {
                for &(_, b) in &run[i + 1..] {
                    *counts.entry((a, b)).or_default() += 1;
                }
            }
        }
        let expected: Vec<(u32, u32)> = counts
            .into_iter()
            .filter(|&((a, b), n)| {
                shares_enough(n, keys[a as usize] as usize, keys[b as usize] as usize, 3)
                    && allowed(a, b)
            })
            .map(|(p, _)| p)
            .collect();
        assert!(!expected.is_empty());
        assert_eq!(pairs, expected);
    }

    #[test]
    fn ngram_hashes_are_each_windows_hash() {
        let mut next = crate::test_rng::xorshift(0x0DDB_A11C_0FFE_E123);
        for len in 0..70 {
            let words: Vec<u64> = (0..len).map(|_| next()).collect();
            let mut got = vec![7; 3];
            ngram_hashes(&words, &mut got);
            let want: Vec<u64> = words.windows(REUSE_NGRAM).map(ngram_hash).collect();
            assert_eq!(got, want, "{len} words");
            let mut scalar = vec![0; want.len()];
            ngram_hashes_kernel(&words, &mut scalar);
            assert_eq!(scalar, want);
        }
    }

    #[test]
    fn a_paragraph_in_every_document_makes_no_pair() {
        let mut postings = Postings::default();
        for d in 0..100_000u32 {
            for k in 0..10 {
                postings.push(k, d);
            }
        }
        let group: Vec<u32> = (0..100_000).collect();
        let (pairs, stats) = candidate_pairs(postings, &group, 100, 1, |_, _| true);
        assert!(pairs.is_empty());
        assert_eq!(stats.pair_hits, 0);
    }

    fn aligned(a: f64, b: f64) -> Aligned {
        Aligned {
            passages: vec![Passage {
                text_start: 0,
                text_end: 20,
                source_start: 0,
                source_end: 20,
                matched: 20,
            }],
            a_coverage: a,
            b_coverage: b,
        }
    }

    #[test]
    fn one_short_phrase_is_no_link_however_much_it_covers() {
        let mut al = aligned(0.9, 0.1);
        al.passages[0].text_end = MIN_LINK_WORDS as u32 - 1;
        al.passages[0].source_end = MIN_LINK_WORDS as u32 - 1;
        assert!(decide(&al, None, None, &ReuseConfig::default()).is_none());
        al.passages[0].text_end = MIN_LINK_WORDS as u32;
        assert!(decide(&al, None, None, &ReuseConfig::default()).is_some());
    }

    #[test]
    fn the_earlier_date_is_the_source_else_the_less_covered_text() {
        let cfg = ReuseConfig::default();
        // a is a trimmed reprint: mostly covered; b the full wire story.
        let d = decide(&aligned(0.9, 0.4), None, None, &cfg).unwrap();
        assert_eq!(
            (d.a_derived, d.rule, d.grade),
            (true, DirectionRule::Coverage, Grade::Wholly)
        );
        // Dated: b is later, so b is derived whatever the coverage.
        let d = decide(
            &aligned(0.9, 0.3),
            Some("2024-05-01T08:00:00Z"),
            Some("2024-05-02T09:00:00Z"),
            &cfg,
        )
        .unwrap();
        assert_eq!(
            (d.a_derived, d.rule, d.grade),
            (false, DirectionRule::Date, Grade::Partially)
        );
        // The same day given as a day only: coverage decides.
        let d = decide(
            &aligned(0.3, 0.6),
            Some("2024-05-01T00:00:00Z"),
            Some("2024-05-01T17:00:00Z"),
            &cfg,
        )
        .unwrap();
        assert_eq!((d.a_derived, d.rule), (false, DirectionRule::Coverage));
        // Equal coverage, no dates: input order.
        let d = decide(&aligned(0.7, 0.7), None, None, &cfg).unwrap();
        assert_eq!((d.a_derived, d.rule), (false, DirectionRule::InputOrder));
    }

    #[test]
    fn grades_follow_the_derived_documents_coverage() {
        let cfg = ReuseConfig {
            min_coverage: 0.2,
            wholly: 0.5,
            ..ReuseConfig::default()
        };
        assert!(cfg.validate().is_ok());
        assert_eq!(
            decide(&aligned(0.5, 0.1), None, None, &cfg).unwrap().grade,
            Grade::Wholly
        );
        assert_eq!(
            decide(&aligned(0.49, 0.1), None, None, &cfg).unwrap().grade,
            Grade::Partially
        );
        assert_eq!(
            decide(&aligned(0.2, 0.1), None, None, &cfg).unwrap().grade,
            Grade::Partially
        );
        assert!(decide(&aligned(0.19, 0.1), None, None, &cfg).is_none());
    }

    #[test]
    fn validation_names_the_flag() {
        let bad = ReuseConfig {
            wholly: 0.1,
            ..ReuseConfig::default()
        };
        assert!(bad
            .validate()
            .unwrap_err()
            .to_string()
            .contains("--reuse-wholly"));
        let bad = ReuseConfig {
            max_df: 1,
            ..ReuseConfig::default()
        };
        assert!(bad
            .validate()
            .unwrap_err()
            .to_string()
            .contains("--reuse-max-df"));
        ReuseConfig::default().validate().unwrap();
    }
}
