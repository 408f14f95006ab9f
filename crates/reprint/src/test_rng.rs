//! A seeded pseudo-random sequence for tests (xorshift64): the same
//! numbers on every machine, no dependency.

/// The xorshift64 sequence from `seed` (non-zero): each call gives the
/// next value.
pub(crate) fn xorshift(mut x: u64) -> impl FnMut() -> u64 {
    debug_assert_ne!(x, 0, "xorshift stays at 0");
    move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    }
}
