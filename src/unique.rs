//! Repeated keys in ordered maps: the last value, in the place of the first.
//!
//! Go's map decoding (labels, annotations) and an insertion-ordered map both keep a key
//! where it first appeared and give it the value written last. Label maps and attribute
//! maps are small and kept as vectors; this is the one place that removes their repeats.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

/// Maps up to this size are compared in order; past it, keys are indexed so that a
/// hostile input with a hundred thousand keys is not quadratic.
const SCAN_LIMIT: usize = 32;

/// Removes repeated keys from `items` in place: each key stays at its first position and
/// takes the item written last. Items without repeats are left as they are.
pub fn keep_last_in_first_place<T>(items: &mut Vec<T>, key: impl Fn(&T) -> &str) {
    let indexed = items.len() > SCAN_LIMIT;
    let mut index: HashMap<u64, usize> = HashMap::new();
    let mut kept = 0;
    for read in 0..items.len() {
        let k = key(&items[read]);
        let hash = indexed.then(|| fingerprint(k));
        let scan = || (0..kept).find(|&j| key(&items[j]) == k);
        let first = match hash.map(|h| index.get(&h)) {
            Some(Some(&j)) if key(&items[j]) == k => Some(j),
            // Two keys with one hash: rare enough to look the slow way.
            Some(Some(_)) => scan(),
            Some(None) => None,
            None => scan(),
        };
        match first {
            // The later item goes to the first place; the earlier one falls behind `kept`
            // and is dropped at the end.
            Some(j) => items.swap(j, read),
            None => {
                if let Some(h) = hash {
                    index.entry(h).or_insert(kept);
                }
                if kept != read {
                    items.swap(kept, read);
                }
                kept += 1;
            }
        }
    }
    items.truncate(kept);
}

/// A stable fingerprint: SipHash with fixed keys, the same in every run and build.
pub(crate) fn fingerprint(key: &str) -> u64 {
    let mut h = DefaultHasher::new();
    key.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dedup(items: &[(&str, i32)]) -> Vec<(String, i32)> {
        let mut v: Vec<(String, i32)> = items.iter().map(|(k, n)| (k.to_string(), *n)).collect();
        keep_last_in_first_place(&mut v, |(k, _)| k);
        v
    }

    #[test]
    fn the_last_value_takes_the_first_place() {
        assert_eq!(
            dedup(&[("b", 1), ("a", 2), ("b", 3), ("c", 4), ("a", 5)]),
            vec![("b".into(), 3), ("a".into(), 5), ("c".into(), 4)]
        );
        assert_eq!(dedup(&[]), vec![]);
    }

    #[test]
    fn large_inputs_give_what_small_ones_would() {
        let items: Vec<(String, i32)> = (0..500).map(|i| (format!("k{}", i % 170), i)).collect();
        let mut indexed = items.clone();
        keep_last_in_first_place(&mut indexed, |(k, _)| k);
        // The same rule, applied the slow way.
        let mut expected: Vec<(String, i32)> = Vec::new();
        for (k, v) in items {
            match expected.iter_mut().find(|(e, _)| *e == k) {
                Some(e) => e.1 = v,
                None => expected.push((k, v)),
            }
        }
        assert_eq!(indexed, expected);
    }
}
