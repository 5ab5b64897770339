//! [`OrderedMap`]: the attribute map of resources, changes and map values.
//!
//! A resource has a handful of attributes and a backend server four; a large fleet's plan
//! builds about a million such maps. A hash map gives each of them a second allocation for
//! its index table and hashes every key on insert, which made the plan allocation- and
//! hash-bound. These maps are small, built once and read a few times, so an insertion-ordered
//! vector with a linear lookup does the same job with one allocation and no hashing.

use std::collections::HashMap;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};

use super::Key;

/// Keys in insertion order, which is the output order; each key at most once.
#[derive(Clone)]
pub struct OrderedMap<V> {
    entries: Vec<(Key, V)>,
}

impl<V> Default for OrderedMap<V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<V> OrderedMap<V> {
    pub const fn new() -> Self {
        OrderedMap {
            entries: Vec::new(),
        }
    }

    pub fn with_capacity(n: usize) -> Self {
        OrderedMap {
            entries: Vec::with_capacity(n),
        }
    }

    /// Sets `key`, keeping its first position when it is already present (as a user who
    /// writes a key twice in a map literal expects), and returns the value it replaced.
    pub fn insert(&mut self, key: impl Into<Key>, value: V) -> Option<V> {
        let key = key.into();
        match self.position(&key) {
            Some(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            None => {
                self.entries.push((key, value));
                None
            }
        }
    }

    pub fn get(&self, key: &(impl AsRef<str> + ?Sized)) -> Option<&V> {
        self.position(key.as_ref()).map(|i| &self.entries[i].1)
    }

    pub fn contains_key(&self, key: &(impl AsRef<str> + ?Sized)) -> bool {
        self.position(key.as_ref()).is_some()
    }

    /// Removes `key`, keeping the order of the others.
    pub fn remove(&mut self, key: &(impl AsRef<str> + ?Sized)) -> Option<V> {
        self.position(key.as_ref())
            .map(|i| self.entries.remove(i).1)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn iter(&self) -> Iter<'_, V> {
        Iter(self.entries.iter())
    }

    pub fn keys(&self) -> impl Iterator<Item = &Key> {
        self.entries.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.entries.iter().map(|(_, v)| v)
    }

    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    /// The same keys in the same order, each value mapped.
    pub fn map_values<W>(self, mut f: impl FnMut(V) -> W) -> OrderedMap<W> {
        OrderedMap {
            entries: self.entries.into_iter().map(|(k, v)| (k, f(v))).collect(),
        }
    }

    fn position(&self, key: &str) -> Option<usize> {
        self.entries.iter().position(|(k, _)| k == key)
    }
}

/// Equal when both hold the same keys with equal values, in any order: a state file
/// written by another tool may order a map's keys differently without changing it.
impl<V: PartialEq> PartialEq for OrderedMap<V> {
    fn eq(&self, other: &Self) -> bool {
        if self.len() != other.len() {
            return false;
        }
        if self.len() <= SCAN_LIMIT {
            return self
                .entries
                .iter()
                .all(|(k, v)| other.get(k.as_ref()) == Some(v));
        }
        let theirs: HashMap<&str, &V> = other.iter().map(|(k, v)| (k.as_ref(), v)).collect();
        self.iter().all(|(k, v)| theirs.get(k.as_ref()) == Some(&v))
    }
}

impl<V: Eq> Eq for OrderedMap<V> {}

impl<V: fmt::Debug> fmt::Debug for OrderedMap<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// `map["key"]`, for tests and code that has just inserted the key: panics when the key
/// is absent, as `HashMap` and `IndexMap` indexing do.
impl<V> std::ops::Index<&str> for OrderedMap<V> {
    type Output = V;
    fn index(&self, key: &str) -> &V {
        match self.get(key) {
            Some(v) => v,
            None => panic!("no key `{key}` in the map"),
        }
    }
}

/// Borrowing iterator over `(key, value)` pairs in order.
pub struct Iter<'a, V>(std::slice::Iter<'a, (Key, V)>);

impl<'a, V> Iterator for Iter<'a, V> {
    type Item = (&'a Key, &'a V);
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (k, v))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl<V> ExactSizeIterator for Iter<'_, V> {}

impl<'a, V> IntoIterator for &'a OrderedMap<V> {
    type Item = (&'a Key, &'a V);
    type IntoIter = Iter<'a, V>;
    fn into_iter(self) -> Iter<'a, V> {
        self.iter()
    }
}

impl<V> IntoIterator for OrderedMap<V> {
    type Item = (Key, V);
    type IntoIter = std::vec::IntoIter<(Key, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<K: Into<Key>, V> FromIterator<(K, V)> for OrderedMap<V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut m = OrderedMap::new();
        m.extend(iter);
        m
    }
}

/// Bulk insertion (collecting, reading a state file) appends, then removes repeats the
/// way [`OrderedMap::insert`] would have, without being quadratic on a huge map.
impl<K: Into<Key>, V> Extend<(K, V)> for OrderedMap<V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        let before = self.entries.len();
        self.entries
            .extend(iter.into_iter().map(|(k, v)| (k.into(), v)));
        if self.entries.len() > before {
            crate::unique::keep_last_in_first_place(&mut self.entries, |(k, _)| k);
        }
    }
}

/// Maps up to this size are compared in order.
const SCAN_LIMIT: usize = 32;

impl<V: Serialize> Serialize for OrderedMap<V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.len()))?;
        for (k, v) in self {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for OrderedMap<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(MapVisitor(std::marker::PhantomData))
    }
}

struct MapVisitor<V>(std::marker::PhantomData<V>);

impl<'de, V: Deserialize<'de>> Visitor<'de> for MapVisitor<V> {
    type Value = OrderedMap<V>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(0));
        while let Some(pair) = map.next_entry::<String, V>()? {
            pairs.push(pair);
        }
        Ok(pairs.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_key_keeps_its_first_place_and_the_last_value() {
        let m: OrderedMap<i64> = [("b", 1), ("a", 2), ("b", 3)].into_iter().collect();
        let pairs: Vec<(&str, i64)> = m.iter().map(|(k, v)| (k.as_ref(), *v)).collect();
        assert_eq!(pairs, vec![("b", 3), ("a", 2)]);
    }

    #[test]
    fn equality_ignores_order_but_not_values_or_extra_keys() {
        let ab: OrderedMap<i64> = [("a", 1), ("b", 2)].into_iter().collect();
        let ba: OrderedMap<i64> = [("b", 2), ("a", 1)].into_iter().collect();
        let other: OrderedMap<i64> = [("b", 2), ("a", 9)].into_iter().collect();
        let more: OrderedMap<i64> = [("a", 1), ("b", 2), ("c", 3)].into_iter().collect();
        assert_eq!(ab, ba);
        assert_ne!(ab, other);
        assert_ne!(ab, more);
        assert_ne!(more, ab);
        let big: OrderedMap<i64> = (0..100).map(|i| (format!("k{i}"), i)).collect();
        let reversed: OrderedMap<i64> = (0..100).rev().map(|i| (format!("k{i}"), i)).collect();
        let changed: OrderedMap<i64> = (0..100).map(|i| (format!("k{i}"), i % 99)).collect();
        assert_eq!(big, reversed);
        assert_ne!(big, changed);
    }

    #[test]
    fn serde_keeps_the_order() {
        let m: OrderedMap<i64> = [("z", 1), ("a", 2)].into_iter().collect();
        let text = serde_json::to_string(&m).expect("serialises");
        assert_eq!(text, r#"{"z":1,"a":2}"#);
        let back: OrderedMap<i64> = serde_json::from_str(&text).expect("deserialises");
        assert_eq!(back.keys().collect::<Vec<_>>(), vec!["z", "a"]);
    }

    #[test]
    fn a_large_map_with_a_repeat_is_built_like_a_small_one() {
        for n in [5i64, 500] {
            let pairs = (0..n)
                .map(|i| (format!("k{i}"), i))
                .chain([("k3".to_string(), -1)]);
            let m: OrderedMap<i64> = pairs.collect();
            assert_eq!(m.len() as i64, n);
            assert_eq!(
                m.iter().nth(3).map(|(k, v)| (k.as_ref(), *v)),
                Some(("k3", -1))
            );
            let json = format!(
                r#"{{"a":1,{}"a":2}}"#,
                (0..n)
                    .map(|i| format!(r#""k{i}":{i},"#))
                    .collect::<String>()
            );
            let back: OrderedMap<i64> = serde_json::from_str(&json).expect("deserialises");
            assert_eq!(
                back.iter().next().map(|(k, v)| (k.as_ref(), *v)),
                Some(("a", 2))
            );
        }
    }

    #[test]
    fn remove_keeps_the_order_of_the_rest() {
        let mut m: OrderedMap<i64> = [("a", 1), ("b", 2), ("c", 3)].into_iter().collect();
        assert_eq!(m.remove("b"), Some(2));
        assert_eq!(m.remove("b"), None);
        assert_eq!(m.keys().collect::<Vec<_>>(), vec!["a", "c"]);
    }
}
