//! Retry delays: exponential with full jitter, capped, and never sooner than KRA asked.

use std::time::Duration;

/// The delay before attempt `attempt + 1` (attempt counts from 1): a random point in
/// `[0, min(cap, base * 2^(attempt-1))]`, but at least `floor` (what the error itself asks, e.g.
/// KRA's rate limit) when that is below the cap.
pub fn delay(attempt: i64, base: Duration, cap: Duration, floor: Duration, random: u64) -> Duration {
    let shift = u32::try_from(attempt.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
    let ceiling = base.saturating_mul(1u32 << shift).min(cap);
    let ceiling_ms = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
    let jittered = Duration::from_millis(if ceiling_ms == 0 { 0 } else { random % (ceiling_ms + 1) });
    jittered.max(floor.min(cap))
}

/// A random number for jitter.
pub fn random() -> u64 {
    let mut bytes = [0u8; 8];
    // Jitter only spreads retries out; a failed draw falls back to no jitter.
    if getrandom::fill(&mut bytes).is_err() {
        return u64::MAX;
    }
    u64::from_le_bytes(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: fn(u64) -> Duration = Duration::from_secs;

    #[test]
    fn delays_grow_are_capped_and_jittered() {
        // (attempt, random, floor, expected) with base 2 s and cap 60 s.
        let cases = [
            (1, u64::MAX, S(0), Duration::from_millis(u64::MAX % 2001)),
            (1, 0, S(0), S(0)),
            (1, 2000, S(0), S(2)),
            (3, 8000, S(0), S(8)),
            (3, 8001, S(0), S(0)),
            (10, 60_000, S(0), S(60)),
            (10, 60_001 * 3, S(0), S(0)),
            (2, 0, S(30), S(30)),
            (2, 0, S(600), S(60)),
            (i64::MAX, 59_000, S(0), S(59)),
        ];
        for (attempt, random, floor, want) in cases {
            assert_eq!(delay(attempt, S(2), S(60), floor, random), want, "attempt {attempt} random {random}");
        }
        let draws: std::collections::BTreeSet<u64> = (0..20).map(|_| random()).collect();
        assert!(draws.len() > 1, "random() returned one value 20 times");
    }
}
