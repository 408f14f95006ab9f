//! MinHash signatures.
//!
//! In: shingle hashes. Out: a signature of `num_perm` 32-bit minima per
//! document, stored in one flat [`SignatureMatrix`] (row `d` is document `d`).
//!
//! Permutation `i` maps a shingle hash `x` to the high 32 bits of
//! `a_i·x + b_i (mod 2^64)` with `a_i` odd: the multiply-add-shift family,
//! which is 2-independent on its high bits. The `(a_i, b_i)` come from a
//! SplitMix64 stream of the seed alone, so signatures are identical across
//! runs, thread counts and machines for the same seed and parameters. The
//! fraction of equal positions of two signatures estimates the Jaccard
//! similarity of the two shingle sets, with standard error
//! `sqrt(J(1-J)/num_perm)`.
//!
//! Two sketches fill the same signature layout ([`Sketch`]):
//!
//! - **Permutations** (classic MinHash): permutation `i` maps a shingle hash
//!   `x` to the high 32 bits of `a_i·x + b_i (mod 2^64)` with `a_i` odd, the
//!   multiply-add-shift family, which is 2-independent on its high bits.
//!   Cost: `num_perm` multiply-adds per shingle (vectorized).
//! - **One permutation** with optimal densification (Li, Owen & Zhang 2012;
//!   Shrivastava 2017): each shingle is hashed once; the hash's high bits
//!   pick one of `num_perm` bins and its low 32 bits compete for that bin's
//!   minimum. Each empty bin then copies the value of a non-empty bin chosen
//!   by a probe sequence that depends only on the bin and the seed, so two
//!   documents copy from the same bins. The share of equal positions stays
//!   an unbiased estimate of Jaccard similarity (tested below and measured on
//!   real pairs in the README), at O(1) per shingle. Long documents fill
//!   nearly every bin; short sets (a few dozen shingles) lean on
//!   densification and their estimates spread wider, so paragraphs use
//!   permutations.
//!
//! The parameters come from a SplitMix64 stream of the seed alone, so
//! signatures are identical across runs, thread counts and machines for the
//! same seed and parameters. With either sketch the fraction of equal
//! positions of two signatures estimates the Jaccard similarity of the two
//! shingle sets, with standard error about `sqrt(J(1-J)/num_perm)` for sets
//! much larger than `num_perm`.
//!
//! A document without shingles has the all-`u32::MAX` signature; callers
//! keep such documents out of LSH.

use crate::normalize::fmix64;

/// How a signature is computed from shingle hashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sketch {
    /// One hash per shingle into `num_perm` bins, with optimal densification.
    #[default]
    OnePermutation,
    /// `num_perm` independent hash functions (classic MinHash).
    Permutations,
}

impl Sketch {
    /// The name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Sketch::OnePermutation => "one-permutation",
            Sketch::Permutations => "permutations",
        }
    }
}

/// The permutations of one MinHash family.
#[derive(Debug, Clone)]
pub struct MinHasher {
    sketch: Sketch,
    a: Vec<u64>,
    b: Vec<u64>,
    /// Seed of the one-permutation hash and of its densification probes.
    seed: u64,
}

/// SplitMix64: a tiny, well-mixed, portable generator for the permutations.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl MinHasher {
    /// Classic MinHash: `num_perm` permutations drawn from `seed`.
    pub fn new(num_perm: usize, seed: u64) -> Self {
        Self::with_sketch(Sketch::Permutations, num_perm, seed)
    }

    /// A signer of `num_perm` values with the given sketch, drawn from `seed`.
    pub fn with_sketch(sketch: Sketch, num_perm: usize, seed: u64) -> Self {
        let mut state = seed;
        let mut a = Vec::with_capacity(num_perm);
        let mut b = Vec::with_capacity(num_perm);
        for _ in 0..num_perm {
            a.push(splitmix64(&mut state) | 1);
            b.push(splitmix64(&mut state));
        }
        MinHasher {
            sketch,
            a,
            b,
            seed: splitmix64(&mut state),
        }
    }

    /// Number of signature values (permutations or bins).
    pub fn num_perm(&self) -> usize {
        self.a.len()
    }

    /// Which sketch this signer computes.
    pub fn sketch(&self) -> Sketch {
        self.sketch
    }

    /// Writes the signature of `shingles` into `out` (length `num_perm`).
    ///
    /// On x86-64 processors with AVX-512DQ or AVX2 the same arithmetic runs
    /// in vector registers (chosen at run time); the result is bit-for-bit
    /// the scalar one.
    pub fn sign_into(&self, shingles: &[u64], out: &mut [u32]) {
        assert_eq!(out.len(), self.a.len(), "signature length mismatch");
        out.fill(u32::MAX);
        if self.sketch == Sketch::OnePermutation {
            self.sign_one_permutation(shingles, out);
            return;
        }
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512dq") {
                // SAFETY: the CPU supports the features the function is compiled for.
                unsafe { sign_avx512(&self.a, &self.b, shingles, out) };
                return;
            }
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: as above.
                unsafe { sign_avx2(&self.a, &self.b, shingles, out) };
                return;
            }
        }
        sign_kernel(&self.a, &self.b, shingles, out);
    }

    /// One-permutation hashing with optimal densification; `out` is all
    /// `u32::MAX` on entry.
    fn sign_one_permutation(&self, shingles: &[u64], out: &mut [u32]) {
        let k = out.len();
        let mut filled = vec![0u64; k.div_ceil(64)];
        for &x in shingles {
            let h = fmix64(x ^ self.seed);
            let bin = fast_range(h, k);
            out[bin] = out[bin].min(h as u32);
            filled[bin / 64] |= 1 << (bin % 64);
        }
        let n_filled: u32 = filled.iter().map(|w| w.count_ones()).sum();
        if n_filled == 0 || n_filled as usize == k {
            return;
        }
        // Each empty bin copies from the first originally filled bin of its
        // own probe sequence. Reading only originally filled bins makes the
        // result independent of the order empty bins are visited in.
        for bin in 0..k {
            if filled[bin / 64] & (1 << (bin % 64)) != 0 {
                continue;
            }
            let mut attempt = 0u64;
            let src = loop {
                let probe =
                    fmix64(self.seed ^ ((bin as u64) << 32 | attempt).wrapping_mul(PROBE_MUL));
                let j = fast_range(probe, k);
                if filled[j / 64] & (1 << (j % 64)) != 0 {
                    break j;
                }
                attempt += 1;
            };
            out[bin] = out[src];
        }
    }

    /// The signature of `shingles` as a new vector.
    pub fn sign(&self, shingles: &[u64]) -> Vec<u32> {
        let mut out = vec![0; self.a.len()];
        self.sign_into(shingles, &mut out);
        out
    }
}

/// Multiplier of the densification probe hash (odd).
const PROBE_MUL: u64 = 0x9FB2_1C65_1E98_DF25;

/// Maps a uniform 64-bit hash onto `0..n` by its high bits (Lemire's
/// multiply-shift range reduction).
#[inline(always)]
fn fast_range(h: u64, n: usize) -> usize {
    ((h as u128 * n as u128) >> 64) as usize
}

/// The MinHash inner loop; written so the compiler vectorizes it over
/// permutations.
#[inline(always)]
fn sign_kernel(a: &[u64], b: &[u64], shingles: &[u64], out: &mut [u32]) {
    let n = out.len();
    let (a, b) = (&a[..n], &b[..n]);
    for &x in shingles {
        for i in 0..n {
            let v = (a[i].wrapping_mul(x).wrapping_add(b[i]) >> 32) as u32;
            out[i] = out[i].min(v);
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn sign_avx2(a: &[u64], b: &[u64], shingles: &[u64], out: &mut [u32]) {
    sign_kernel(a, b, shingles, out)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx512vl")]
unsafe fn sign_avx512(a: &[u64], b: &[u64], shingles: &[u64], out: &mut [u32]) {
    sign_kernel(a, b, shingles, out)
}

/// Estimated Jaccard similarity: the share of positions where two signatures agree.
pub fn estimate_jaccard(a: &[u32], b: &[u32]) -> f64 {
    assert_eq!(a.len(), b.len(), "signature length mismatch");
    if a.is_empty() {
        return 0.0;
    }
    let same = a.iter().zip(b).filter(|(x, y)| x == y).count();
    same as f64 / a.len() as f64
}

/// Signatures of many documents in one flat buffer, `num_perm` values per row.
#[derive(Debug, Clone, Default)]
pub struct SignatureMatrix {
    num_perm: usize,
    data: Vec<u32>,
}

impl SignatureMatrix {
    /// An empty matrix for signatures of `num_perm` values.
    pub fn new(num_perm: usize) -> Self {
        SignatureMatrix {
            num_perm,
            data: Vec::new(),
        }
    }

    /// Values per signature.
    pub fn num_perm(&self) -> usize {
        self.num_perm
    }

    /// Number of signatures.
    pub fn len(&self) -> usize {
        self.data.len().checked_div(self.num_perm).unwrap_or(0)
    }

    /// True when no signature is stored.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// Appends signatures given as concatenated rows.
    pub fn extend_rows(&mut self, rows: &[u32]) {
        assert_eq!(rows.len() % self.num_perm.max(1), 0, "partial row");
        self.data.extend_from_slice(rows);
    }

    /// Gives back spare capacity.
    pub fn shrink_to_fit(&mut self) {
        self.data.shrink_to_fit();
    }

    /// Every signature, concatenated in document order.
    pub fn as_slice(&self) -> &[u32] {
        &self.data
    }

    /// Signature of document `doc`.
    pub fn row(&self, doc: usize) -> &[u32] {
        &self.data[doc * self.num_perm..(doc + 1) * self.num_perm]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic stream of distinct-looking 64-bit values.
    fn stream(seed: u64, n: usize) -> Vec<u64> {
        let mut s = seed;
        (0..n).map(|_| splitmix64(&mut s)).collect()
    }

    #[test]
    fn same_seed_same_signature() {
        let x = stream(1, 300);
        let h1 = MinHasher::new(128, 42);
        let h2 = MinHasher::new(128, 42);
        assert_eq!(h1.sign(&x), h2.sign(&x));
        // Order and repeats do not matter: it is a set sketch.
        let mut y = x.clone();
        y.reverse();
        y.extend_from_slice(&x[..50]);
        assert_eq!(h1.sign(&x), h1.sign(&y));
        assert_ne!(h1.sign(&x), MinHasher::new(128, 43).sign(&x));
    }

    #[test]
    fn signatures_are_pinned_across_machines() {
        // Pinned values: a change here changes every stored signature.
        let h = MinHasher::new(4, 7);
        assert_eq!(h.sign(&[1, 2, 3]), h.sign(&[3, 2, 1]));
        let sig = h.sign(&[0x0123_4567_89AB_CDEF]);
        let again = MinHasher::new(4, 7).sign(&[0x0123_4567_89AB_CDEF]);
        assert_eq!(sig, again);
        assert_eq!(splitmix64(&mut 0), 0xE220_A839_7B1D_CDAF);
    }

    #[test]
    fn vector_paths_match_the_scalar_kernel() {
        let x = stream(9, 777);
        let h = MinHasher::new(200, 3);
        let mut scalar = vec![u32::MAX; 200];
        sign_kernel(&h.a, &h.b, &x, &mut scalar);
        assert_eq!(h.sign(&x), scalar);
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx2") {
                let mut v = vec![u32::MAX; 200];
                // SAFETY: AVX2 was detected.
                unsafe { sign_avx2(&h.a, &h.b, &x, &mut v) };
                assert_eq!(v, scalar);
            }
            if std::arch::is_x86_feature_detected!("avx512dq") {
                let mut v = vec![u32::MAX; 200];
                // SAFETY: AVX-512DQ was detected.
                unsafe { sign_avx512(&h.a, &h.b, &x, &mut v) };
                assert_eq!(v, scalar);
            }
        }
    }

    #[test]
    fn empty_set_is_all_max() {
        assert!(MinHasher::new(16, 1)
            .sign(&[])
            .iter()
            .all(|&v| v == u32::MAX));
    }

    /// Two sets with exactly `inter` shared and `only` private elements each:
    /// Jaccard = inter / (inter + 2·only).
    fn pair_with(seed: u64, inter: usize, only: usize) -> (Vec<u64>, Vec<u64>) {
        let all = stream(seed, inter + 2 * only);
        let a = all[..inter + only].to_vec();
        let mut b = all[..inter].to_vec();
        b.extend_from_slice(&all[inter + only..]);
        (a, b)
    }

    /// Runs `trials` independent pairs of Jaccard `j` through `sketch`;
    /// returns the mean error and how many estimates fell outside ±3σ of
    /// the classic MinHash standard error.
    fn trial_errors(sketch: Sketch, inter: usize, only: usize, trials: u64) -> (f64, usize) {
        let num_perm = 128;
        let j = inter as f64 / (inter + 2 * only) as f64;
        let sigma = (j * (1.0 - j) / num_perm as f64).sqrt();
        let mut sum_err = 0.0;
        let mut outside_3sigma = 0;
        for t in 0..trials {
            let (a, b) = pair_with(1000 + t, inter, only);
            let h = MinHasher::with_sketch(sketch, num_perm, t);
            let err = estimate_jaccard(&h.sign(&a), &h.sign(&b)) - j;
            sum_err += err;
            if err.abs() > 3.0 * sigma {
                outside_3sigma += 1;
            }
        }
        (sum_err / trials as f64, outside_3sigma)
    }

    #[test]
    fn estimate_is_unbiased_and_within_its_bound() {
        let trials = 200;
        for sketch in [Sketch::Permutations, Sketch::OnePermutation] {
            for &(inter, only) in &[(800, 100), (500, 250), (300, 350), (100, 450)] {
                let j = inter as f64 / (inter + 2 * only) as f64;
                let sigma = (j * (1.0 - j) / 128.0).sqrt();
                let (mean_err, outside) = trial_errors(sketch, inter, only, trials);
                // Mean error of 200 trials has σ/√200 spread; 4 of those is a loose bias bound.
                assert!(
                    mean_err.abs() < 4.0 * sigma / (trials as f64).sqrt(),
                    "{sketch:?} J={j:.3}: mean error {mean_err:.4} suggests bias"
                );
                // A normal variable leaves ±3σ 0.3% of the time; allow 2% for the binomial tails.
                assert!(
                    outside <= trials as usize / 50,
                    "{sketch:?} J={j:.3}: {outside}/{trials} estimates outside ±3σ"
                );
            }
        }
    }

    #[test]
    fn densified_estimate_is_unbiased_for_sets_smaller_than_the_signature() {
        // 40–60 elements in 128 bins: most bins are filled by densification.
        // The spread is wider than classic MinHash's, but the mean stays put.
        let trials = 400;
        for &(inter, only) in &[(40, 5), (30, 10), (20, 15), (10, 20)] {
            let j = inter as f64 / (inter + 2 * only) as f64;
            let (mean_err, _) = trial_errors(Sketch::OnePermutation, inter, only, trials);
            // The estimate of a set of n elements is no better than n samples.
            let n = (inter + only) as f64;
            let sigma = (j * (1.0 - j) / n).sqrt();
            assert!(
                mean_err.abs() < 4.0 * sigma / (trials as f64).sqrt(),
                "J={j:.3}: mean error {mean_err:.4} suggests bias"
            );
        }
    }

    #[test]
    fn one_permutation_is_a_set_sketch_and_fills_every_bin() {
        let x = stream(5, 40);
        let h = MinHasher::with_sketch(Sketch::OnePermutation, 128, 11);
        let sig = h.sign(&x);
        assert!(
            sig.iter().all(|&v| v != u32::MAX),
            "densification fills all bins"
        );
        let mut y = x.clone();
        y.reverse();
        y.extend_from_slice(&x[..10]);
        assert_eq!(sig, h.sign(&y));
        // Identical sets agree everywhere; a one-element set is all one value.
        let one = h.sign(&x[..1]);
        assert!(one.iter().all(|&v| v == one[0]));
        assert!(h.sign(&[]).iter().all(|&v| v == u32::MAX));
        assert_ne!(
            sig,
            MinHasher::with_sketch(Sketch::OnePermutation, 128, 12).sign(&x)
        );
    }

    #[test]
    fn matrix_rows() {
        let mut m = SignatureMatrix::new(3);
        assert!(m.is_empty());
        m.extend_rows(&[1, 2, 3, 4, 5, 6]);
        assert_eq!(m.len(), 2);
        assert_eq!(m.row(1), &[4, 5, 6]);
    }
}
