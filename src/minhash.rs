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
//! A document without shingles has the all-`u32::MAX` signature; callers
//! keep such documents out of LSH.

/// The permutations of one MinHash family.
#[derive(Debug, Clone)]
pub struct MinHasher {
    a: Vec<u64>,
    b: Vec<u64>,
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
    /// `num_perm` permutations drawn from `seed`.
    pub fn new(num_perm: usize, seed: u64) -> Self {
        let mut state = seed;
        let mut a = Vec::with_capacity(num_perm);
        let mut b = Vec::with_capacity(num_perm);
        for _ in 0..num_perm {
            a.push(splitmix64(&mut state) | 1);
            b.push(splitmix64(&mut state));
        }
        MinHasher { a, b }
    }

    /// Number of permutations.
    pub fn num_perm(&self) -> usize {
        self.a.len()
    }

    /// Writes the signature of `shingles` into `out` (length `num_perm`).
    ///
    /// On x86-64 processors with AVX-512DQ or AVX2 the same arithmetic runs
    /// in vector registers (chosen at run time); the result is bit-for-bit
    /// the scalar one.
    pub fn sign_into(&self, shingles: &[u64], out: &mut [u32]) {
        assert_eq!(out.len(), self.a.len(), "signature length mismatch");
        out.fill(u32::MAX);
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

    /// The signature of `shingles` as a new vector.
    pub fn sign(&self, shingles: &[u64]) -> Vec<u32> {
        let mut out = vec![0; self.a.len()];
        self.sign_into(shingles, &mut out);
        out
    }
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

    #[test]
    fn estimate_is_unbiased_and_within_its_bound() {
        let num_perm = 128;
        for &(inter, only) in &[(800, 100), (500, 250), (300, 350), (100, 450)] {
            let j = inter as f64 / (inter + 2 * only) as f64;
            let sigma = (j * (1.0 - j) / num_perm as f64).sqrt();
            let trials = 200;
            let mut sum_err = 0.0;
            let mut outside_3sigma = 0;
            for t in 0..trials {
                let (a, b) = pair_with(1000 + t, inter, only);
                let h = MinHasher::new(num_perm, t);
                let est = estimate_jaccard(&h.sign(&a), &h.sign(&b));
                let err = est - j;
                sum_err += err;
                if err.abs() > 3.0 * sigma {
                    outside_3sigma += 1;
                }
            }
            // Mean error of 200 trials has σ/√200 spread; 4 of those is a loose bias bound.
            let mean_err = sum_err / trials as f64;
            assert!(
                mean_err.abs() < 4.0 * sigma / (trials as f64).sqrt(),
                "J={j:.3}: mean error {mean_err:.4} suggests bias"
            );
            // A normal variable leaves ±3σ 0.3% of the time; allow 2% for the binomial tails.
            assert!(
                outside_3sigma <= trials as usize / 50,
                "J={j:.3}: {outside_3sigma}/{trials} estimates outside ±3σ"
            );
        }
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
