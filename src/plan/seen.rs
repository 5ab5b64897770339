//! [`Seen`]: the fingerprints of every address a streamed plan has planned so far.
//!
//! The set lives as long as the plan and ends as large as the plan's addresses: a fleet's
//! 192,500 in the 10x benchmark. A hash set of them took 2.4 MB (its table doubles, and
//! stood three quarters full), and 3.5 MB while it doubled, since the old table and the
//! new one are held at once. Here the fingerprints are a sorted vector of exactly their
//! number, with a small hash set in front for the latest: new fingerprints go there, and
//! are merged into the vector a batch at a time, the vector grown in place (`realloc`)
//! by the batch.

use std::collections::HashSet;
use std::hash::Hasher;

/// Fingerprints in a set; see the module docs.
#[derive(Default)]
pub(super) struct Seen {
    /// Sorted, without repeats.
    sorted: Vec<u64>,
    /// The latest, not yet in `sorted`; never more than [`Seen::BATCH`].
    recent: HashSet<u64, Prehashed>,
}

impl Seen {
    /// How many fingerprints wait in `recent` before they are merged: a merge moves most
    /// of `sorted`, so fewer, larger batches cost less time, and `recent` more memory
    /// (about 9 bytes per place, twice as many places as fingerprints).
    const BATCH: usize = 4096;

    pub(super) fn contains(&self, print: u64) -> bool {
        self.recent.contains(&print) || {
            let sorted = self.sorted.as_slice();
            // Fingerprints are spread evenly over the u64 range: one's place is about its
            // share of the range, within a few hundred places for a fleet's.
            let guess = ((u128::from(print) * sorted.len() as u128) >> 64) as usize;
            sorted.get(partition_near(sorted, print, guess)) == Some(&print)
        }
    }

    /// Adds `prints`, which the caller checked are not in the set yet.
    pub(super) fn extend(&mut self, prints: impl IntoIterator<Item = u64>) {
        if self.recent.capacity() == 0 {
            self.recent.reserve(Self::BATCH);
        }
        for print in prints {
            if self.recent.len() == Self::BATCH {
                self.merge_recent();
            }
            self.recent.insert(print);
        }
    }

    /// Moves `recent` into `sorted` in place: nothing but `sorted` itself is held, and it
    /// grows in place when the allocator can.
    fn merge_recent(&mut self) {
        let mut batch: Vec<u64> = self.recent.drain().collect();
        batch.sort_unstable();
        let old = self.sorted.len();
        // No spare room, as doubling would leave: the set is held until the plan ends. A
        // merge moves most of the vector anyway, so growing it each time costs no more.
        self.sorted.reserve_exact(batch.len());
        self.sorted.resize(old + batch.len(), 0);
        // From the largest new fingerprint down: the old ones above it move up past it and
        // every smaller new one, in one block (a merge element by element mispredicts a
        // branch at nearly every step).
        let mut end = old;
        for (k, &print) in batch.iter().enumerate().rev() {
            let at = partition_near(&self.sorted[..end], print, end);
            self.sorted.copy_within(at..end, at + k + 1);
            self.sorted[at + k] = print;
            end = at;
        }
    }
}

/// `s.partition_point(|&p| p < x)`, searched outward from `from`, where the caller expects
/// it: the gallop reads a few cache lines around it, where a binary search over the whole
/// vector would miss the cache at each of its first steps.
fn partition_near(s: &[u64], x: u64, from: usize) -> usize {
    let (mut lo, mut hi) = (from.min(s.len()), from.min(s.len()));
    let mut step = 1;
    // Until `s[..lo] < x <= s[hi..]`.
    while lo > 0 && s[lo - 1] >= x {
        hi = lo - 1;
        lo = hi.saturating_sub(step);
        step *= 2;
    }
    while hi < s.len() && s[hi] < x {
        lo = hi + 1;
        hi = (lo + step).min(s.len());
        step *= 2;
    }
    lo + s[lo..hi].partition_point(|&p| p < x)
}

/// The hasher of [`Seen::recent`]: its keys are fingerprints already, so hashing them
/// again would only cost time.
type Prehashed = std::hash::BuildHasherDefault<PassThrough>;

#[derive(Default)]
struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used (the keys are u64); fold anything else in.
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Fingerprints bunched in a small range (neighbours, repeats across batches) or spread
    /// over the whole range, as real ones are.
    fn prints() -> impl Strategy<Value = Vec<u64>> {
        proptest::collection::vec(prop_oneof![0u64..20_000, any::<u64>()], 0..3_000)
    }

    proptest! {
        // Each case adds thousands of fingerprints, crossing a few merges.
        #![proptest_config(ProptestConfig::with_cases(32))]

        /// Batches of any size, across many merges, against a plain hash set: each batch's
        /// fingerprints and their neighbours after it is added, all of them at the end.
        #[test]
        fn holds_exactly_what_was_added(batches in proptest::collection::vec(prints(), 0..8)) {
            let mut seen = Seen::default();
            let mut all = std::collections::HashSet::new();
            let near = |p: &u64| [p.wrapping_sub(1), *p, p.wrapping_add(1)];
            for batch in batches {
                let new: Vec<u64> = batch.into_iter().filter(|p| all.insert(*p)).collect();
                seen.extend(new.iter().copied());
                for p in new.iter().flat_map(near).chain([0, u64::MAX]) {
                    prop_assert_eq!(seen.contains(p), all.contains(&p), "{}", p);
                }
            }
            for p in all.iter().flat_map(near) {
                prop_assert_eq!(seen.contains(p), all.contains(&p), "{}", p);
            }
            prop_assert!(seen.sorted.is_sorted());
            prop_assert_eq!(seen.sorted.len() + seen.recent.len(), all.len());
            prop_assert!(seen.recent.len() <= Seen::BATCH);
        }
    }

    proptest! {
        #[test]
        fn partition_near_is_partition_point_from_anywhere(
            mut s in prints(), x in prop_oneof![0u64..20_000, any::<u64>()], from in 0usize..4_000
        ) {
            s.sort_unstable();
            prop_assert_eq!(partition_near(&s, x, from), s.partition_point(|&p| p < x));
        }
    }
}
