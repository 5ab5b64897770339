//! Repeated keys in ordered maps: the last value, in the place of the first.
//!
//! Go's map decoding (labels, annotations) and an insertion-ordered map both keep a key
//! where it first appeared and give it the value written last. Label maps and attribute
//! maps are small and kept as vectors; this is the one place that removes their repeats.

use std::collections::HashMap;

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

/// A stable 64-bit fingerprint of a key: the same in every run, build and platform (words
/// are read little-endian), and never written anywhere, so it may change between versions.
///
/// The plan engine takes one per planned address (a fleet has hundreds of thousands), and
/// SipHash cost 240 instructions per address. This reads eight bytes at a time and mixes
/// each word with a folded 128-bit multiply, the core step of wyhash and foldhash: about
/// 30 instructions for an address. Like the SipHash with fixed keys it replaces, it does
/// not resist keys chosen to collide; it only has to tell apart the addresses that
/// manifests produce, and the differ's use of it says what a collision would cost.
pub(crate) fn fingerprint(key: &str) -> u64 {
    const SEED: u64 = 0x243f_6a88_85a3_08d3;
    const MIX: u64 = 0xe703_7ed1_a0b4_28db;
    let bytes = key.as_bytes();
    let mut h = SEED ^ bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        h = folded_multiply(h ^ little_endian(word), MIX);
    }
    h = folded_multiply(h ^ little_endian(words.remainder()), MIX);
    folded_multiply(h, SEED ^ MIX)
}

/// Up to eight bytes as a little-endian word, zero-padded.
fn little_endian(bytes: &[u8]) -> u64 {
    let mut word = [0u8; 8];
    word[..bytes.len()].copy_from_slice(bytes);
    u64::from_le_bytes(word)
}

/// The high and low halves of the full product, folded together.
fn folded_multiply(a: u64, b: u64) -> u64 {
    let full = u128::from(a) * u128::from(b);
    (full as u64) ^ ((full >> 64) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The differ tells a fleet's addresses apart by fingerprint alone: addresses in the
    /// shape the providers make, differing in a digit, a pool or a port, must all differ,
    /// and so must every key that differs from another in one byte or in its length.
    #[test]
    fn fingerprints_tell_apart_fleet_addresses_and_one_byte_changes() {
        let mut prints = std::collections::HashSet::new();
        let mut count = 0;
        for svc in 0..2_000 {
            for pool in 0..25 {
                for kind in ["elb", "eip", "listener", "server_group"] {
                    let address = format!("{kind}.ns-{}/app-{svc}/np-{pool:04}", svc % 50);
                    prints.insert(fingerprint(&address));
                    count += 1;
                }
            }
        }
        assert_eq!(prints.len(), count);
        let key = "listener.default/cube-svc/np-hangzhou/tcp-80";
        let mut one_off = std::collections::HashSet::new();
        for i in 0..key.len() {
            let mut bytes = key.as_bytes().to_vec();
            bytes[i] ^= 1;
            let changed = String::from_utf8(bytes).expect("ASCII stays ASCII");
            assert_ne!(fingerprint(&changed), fingerprint(key), "byte {i}");
            one_off.insert(fingerprint(&changed));
            assert_ne!(
                fingerprint(&key[..i]),
                fingerprint(key),
                "prefix of {i} bytes"
            );
        }
        assert_eq!(one_off.len(), key.len());
        let copy: String = key.chars().collect();
        assert_eq!(fingerprint(key), fingerprint(&copy));
        assert_ne!(fingerprint(""), fingerprint("\0"));
    }

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
