//! [`OrderedMap`]: the attribute map of resources, changes and map values.
//!
//! A resource has a handful of attributes and a backend server four; a large fleet's plan
//! builds about a million such maps. A hash map gives each of them a second allocation for
//! its index table and hashes every key on insert, which made the plan allocation- and
//! hash-bound. These maps are small, built once and read a few times, so an insertion-ordered
//! vector with a linear lookup does the same job with one allocation and no hashing.
//!
//! A map whose keys a provider fixes at compile time ([`OrderedMap::fixed`]) keeps only its
//! values: the backend servers of a fleet's pools are ten thousand maps held for the whole
//! plan, and their keys were more than a third of them. Either kind reads, compares and
//! serialises the same, so nothing outside this module can tell them apart.

use std::collections::HashMap;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};

use super::Key;

/// Keys in insertion order, which is the output order; each key at most once.
pub struct OrderedMap<V> {
    entries: Entries<V>,
}

/// How a map holds its entries. Both variants fit in the 24 bytes of the vector, so a
/// [`super::Value`] is no larger for the second.
enum Entries<V> {
    /// Any keys, each next to its value.
    Pairs(Vec<(Key, V)>),
    /// Keys fixed at compile time, shared by every map built with them.
    Fixed(Box<dyn FixedEntries<V>>),
}

/// The entries of a map built by [`OrderedMap::fixed`]: one pointer to the shared keys, then
/// the values. A trait object, so that the key count is not part of the map's type.
trait FixedEntries<V>: Send + Sync {
    /// The keys and the values, `keys[i]` naming `values[i]`: both at once, as every
    /// reading wants both and each call goes through the vtable.
    fn entries(&self) -> (&'static [Key], &[V]);
    fn values_mut(&mut self) -> &mut [V];
    /// The entries as pairs, for a change that may add or drop a key.
    fn into_pairs(self: Box<Self>) -> Vec<(Key, V)>;
    fn clone_box(&self) -> Box<dyn FixedEntries<V>>
    where
        V: Clone;
}

struct Fixed<V, const N: usize> {
    keys: &'static [Key; N],
    values: [V; N],
}

impl<V: Send + Sync + 'static, const N: usize> FixedEntries<V> for Fixed<V, N> {
    fn entries(&self) -> (&'static [Key], &[V]) {
        (self.keys, &self.values)
    }
    fn values_mut(&mut self) -> &mut [V] {
        &mut self.values
    }
    fn into_pairs(self: Box<Self>) -> Vec<(Key, V)> {
        let Fixed { keys, values } = *self;
        keys.iter().cloned().zip(values).collect()
    }
    fn clone_box(&self) -> Box<dyn FixedEntries<V>>
    where
        V: Clone,
    {
        Box::new(Fixed {
            keys: self.keys,
            values: self.values.clone(),
        })
    }
}

impl<V> Default for OrderedMap<V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<V: Clone> Clone for OrderedMap<V> {
    fn clone(&self) -> Self {
        let entries = match &self.entries {
            Entries::Pairs(pairs) => Entries::Pairs(pairs.clone()),
            Entries::Fixed(fixed) => Entries::Fixed(fixed.clone_box()),
        };
        OrderedMap { entries }
    }
}

impl<V> OrderedMap<V> {
    pub const fn new() -> Self {
        OrderedMap {
            entries: Entries::Pairs(Vec::new()),
        }
    }

    pub fn with_capacity(n: usize) -> Self {
        OrderedMap {
            entries: Entries::Pairs(Vec::with_capacity(n)),
        }
    }

    /// `keys[i]` set to `values[i]`, storing only the values and a pointer to `keys`: for
    /// maps a provider builds by the thousand with the same literal keys. The keys must be
    /// distinct, as [`OrderedMap::insert`] would have made them.
    pub fn fixed<const N: usize>(keys: &'static [Key; N], values: [V; N]) -> Self
    where
        V: Send + Sync + 'static,
    {
        debug_assert!(
            keys.iter().enumerate().all(|(i, k)| !keys[..i].contains(k)),
            "repeated key in {keys:?}"
        );
        OrderedMap {
            entries: Entries::Fixed(Box::new(Fixed { keys, values })),
        }
    }

    /// Sets `key`, keeping its first position when it is already present (as a user who
    /// writes a key twice in a map literal expects), and returns the value it replaced.
    pub fn insert(&mut self, key: impl Into<Key>, value: V) -> Option<V> {
        let key = key.into();
        // Pairs directly: every attribute of every resource is inserted here.
        if let Entries::Pairs(pairs) = &mut self.entries {
            return match pairs.iter_mut().find(|(k, _)| *k == key) {
                Some((_, v)) => Some(std::mem::replace(v, value)),
                None => {
                    pairs.push((key, value));
                    None
                }
            };
        }
        match self.position(&key) {
            Some(i) => Some(std::mem::replace(self.value_at_mut(i), value)),
            None => {
                self.with_pairs(|pairs| pairs.push((key, value)));
                None
            }
        }
    }

    pub fn get(&self, key: &(impl AsRef<str> + ?Sized)) -> Option<&V> {
        let key = key.as_ref();
        match &self.entries {
            Entries::Pairs(pairs) => pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            Entries::Fixed(fixed) => {
                let (keys, values) = fixed.entries();
                keys.iter()
                    .position(|k| k == key)
                    .and_then(|i| values.get(i))
            }
        }
    }

    pub fn contains_key(&self, key: &(impl AsRef<str> + ?Sized)) -> bool {
        self.position(key.as_ref()).is_some()
    }

    /// Removes `key`, keeping the order of the others.
    pub fn remove(&mut self, key: &(impl AsRef<str> + ?Sized)) -> Option<V> {
        let i = self.position(key.as_ref())?;
        Some(self.with_pairs(|pairs| pairs.remove(i).1))
    }

    pub fn len(&self) -> usize {
        match &self.entries {
            Entries::Pairs(pairs) => pairs.len(),
            Entries::Fixed(fixed) => fixed.entries().1.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn iter(&self) -> Iter<'_, V> {
        match &self.entries {
            Entries::Pairs(pairs) => Iter {
                pairs: pairs.iter(),
                fixed: [].iter().zip([].iter()),
            },
            Entries::Fixed(fixed) => {
                let (keys, values) = fixed.entries();
                Iter {
                    pairs: [].iter(),
                    fixed: keys.iter().zip(values.iter()),
                }
            }
        }
    }

    pub fn keys(&self) -> impl Iterator<Item = &Key> {
        self.iter().map(|(k, _)| k)
    }

    /// A chain rather than [`OrderedMap::iter`]: searches (`any`, `find`) then run over each
    /// slice in a tight loop, and the plan asks every backend server whether it holds an
    /// unknown value.
    pub fn values(&self) -> impl Iterator<Item = &V> {
        let (pairs, values): (&[(Key, V)], &[V]) = match &self.entries {
            Entries::Pairs(pairs) => (pairs, &[]),
            Entries::Fixed(fixed) => (&[], fixed.entries().1),
        };
        pairs.iter().map(|(_, v)| v).chain(values)
    }

    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        let (pairs, values): (&mut [(Key, V)], &mut [V]) = match &mut self.entries {
            Entries::Pairs(pairs) => (pairs, &mut []),
            Entries::Fixed(fixed) => (&mut [], fixed.values_mut()),
        };
        pairs.iter_mut().map(|(_, v)| v).chain(values)
    }

    /// The same keys in the same order, each value mapped.
    pub fn map_values<W>(self, mut f: impl FnMut(V) -> W) -> OrderedMap<W> {
        OrderedMap {
            entries: Entries::Pairs(
                self.into_pairs()
                    .into_iter()
                    .map(|(k, v)| (k, f(v)))
                    .collect(),
            ),
        }
    }

    fn position(&self, key: &str) -> Option<usize> {
        match &self.entries {
            Entries::Pairs(pairs) => pairs.iter().position(|(k, _)| k == key),
            Entries::Fixed(fixed) => fixed.entries().0.iter().position(|k| k == key),
        }
    }

    fn value_at_mut(&mut self, i: usize) -> &mut V {
        match &mut self.entries {
            Entries::Pairs(pairs) => &mut pairs[i].1,
            Entries::Fixed(fixed) => &mut fixed.values_mut()[i],
        }
    }

    fn into_pairs(self) -> Vec<(Key, V)> {
        match self.entries {
            Entries::Pairs(pairs) => pairs,
            Entries::Fixed(fixed) => fixed.into_pairs(),
        }
    }

    /// `change` applied to the entries as pairs, which a map of fixed keys becomes first:
    /// the change may add or drop a key.
    fn with_pairs<R>(&mut self, change: impl FnOnce(&mut Vec<(Key, V)>) -> R) -> R {
        match &mut self.entries {
            Entries::Pairs(pairs) => change(pairs),
            Entries::Fixed(_) => {
                let mut pairs = std::mem::take(self).into_pairs();
                let out = change(&mut pairs);
                self.entries = Entries::Pairs(pairs);
                out
            }
        }
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
            return self.iter().all(|(k, v)| other.get(k.as_ref()) == Some(v));
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

/// Borrowing iterator over `(key, value)` pairs in order. One of the two is empty: the
/// entries of a map are pairs or fixed keys with their values.
pub struct Iter<'a, V> {
    pairs: std::slice::Iter<'a, (Key, V)>,
    fixed: std::iter::Zip<std::slice::Iter<'a, Key>, std::slice::Iter<'a, V>>,
}

impl<'a, V> Iterator for Iter<'a, V> {
    type Item = (&'a Key, &'a V);
    fn next(&mut self) -> Option<Self::Item> {
        match self.pairs.next() {
            Some((k, v)) => Some((k, v)),
            None => self.fixed.next(),
        }
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.pairs.len() + self.fixed.len();
        (n, Some(n))
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
        self.into_pairs().into_iter()
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
        self.with_pairs(|pairs| {
            let before = pairs.len();
            pairs.extend(iter.into_iter().map(|(k, v)| (k.into(), v)));
            if pairs.len() > before {
                crate::unique::keep_last_in_first_place(pairs, |(k, _)| k);
            }
        });
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

    use crate::model::Value;
    use proptest::prelude::*;
    use std::borrow::Cow;

    static KEYS: [Key; 4] = [
        Cow::Borrowed("node"),
        Cow::Borrowed("server_id"),
        Cow::Borrowed("ip"),
        Cow::Borrowed("weight"),
    ];

    fn value() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Unknown),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::Int),
            "[a-z0-9.\"-]{0,30}".prop_map(Value::from),
        ]
    }

    /// A key of the fixed ones, or another.
    fn key() -> impl Strategy<Value = String> {
        prop_oneof![
            (0..KEYS.len()).prop_map(|i| KEYS[i].to_string()),
            Just("extra".to_string()),
        ]
    }

    /// What a caller can change in a map: insert (`Some`) or remove (`None`) a key.
    fn edits() -> impl Strategy<Value = Vec<(String, Option<Value>)>> {
        proptest::collection::vec((key(), proptest::option::of(value())), 0..6)
    }

    fn pairs_of(values: &[Value; 4]) -> OrderedMap<Value> {
        KEYS.iter().cloned().zip(values.iter().cloned()).collect()
    }

    fn entries(m: &OrderedMap<Value>) -> Vec<(String, Value)> {
        m.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
    }

    proptest! {
        /// The backend servers of the edge provider are fixed maps, and the plan compares
        /// them with the maps a state file reads back: every reading must agree.
        #[test]
        fn a_fixed_map_reads_compares_and_serialises_as_its_pairs(
            values in proptest::array::uniform4(value()),
            other in value(),
        ) {
            let pairs = pairs_of(&values);
            let fixed = OrderedMap::fixed(&KEYS, values.clone());
            prop_assert_eq!(&fixed, &pairs);
            prop_assert_eq!(&pairs, &fixed);
            prop_assert_eq!(entries(&fixed), entries(&pairs));
            prop_assert_eq!(fixed.len(), 4);
            prop_assert_eq!(fixed.iter().len(), 4);
            for k in KEYS.iter().map(|k| k.as_ref()).chain(["extra", ""]) {
                prop_assert_eq!(fixed.get(k), pairs.get(k));
                prop_assert_eq!(fixed.contains_key(k), pairs.contains_key(k));
            }
            prop_assert_eq!(format!("{fixed:?}"), format!("{pairs:?}"));
            let (fv, pv) = (Value::Map(fixed.clone()), Value::Map(pairs.clone()));
            prop_assert_eq!(fv.to_string(), pv.to_string());
            let json = serde_json::to_string(&fv).expect("serialises");
            prop_assert_eq!(&json, &serde_json::to_string(&pv).expect("serialises"));
            let back: Value = serde_json::from_str(&json).expect("deserialises");
            prop_assert_eq!(&back, &fv);
            prop_assert_eq!(&fv, &back);
            let reversed: OrderedMap<Value> = pairs.clone().into_iter().rev().collect();
            prop_assert_eq!(&fixed, &reversed);
            prop_assert_eq!(&reversed, &fixed);
            let mut changed = values.clone();
            changed[3] = other;
            let changed = OrderedMap::fixed(&KEYS, changed);
            prop_assert_eq!(changed == fixed, entries(&changed) == entries(&pairs));
            prop_assert_eq!(entries(&fixed.clone()), entries(&pairs));
        }

        /// Changing a fixed map changes it as it would its pairs.
        #[test]
        fn a_fixed_map_changes_as_its_pairs(
            values in proptest::array::uniform4(value()),
            edits in edits(),
        ) {
            let mut pairs = pairs_of(&values);
            let mut fixed = OrderedMap::fixed(&KEYS, values.clone());
            for (k, edit) in edits {
                match edit {
                    Some(v) => prop_assert_eq!(fixed.insert(k.clone(), v.clone()), pairs.insert(k, v)),
                    None => prop_assert_eq!(fixed.remove(&k), pairs.remove(&k)),
                }
                prop_assert_eq!(entries(&fixed), entries(&pairs));
            }
            let bump = |v: &mut Value| *v = Value::list(vec![v.clone()]);
            fixed.values_mut().for_each(bump);
            pairs.values_mut().for_each(bump);
            prop_assert_eq!(entries(&fixed), entries(&pairs));
            let mut grown = OrderedMap::fixed(&KEYS, values.clone());
            let mut grown_pairs = pairs_of(&values);
            let more = [("ip", Value::Int(1)), ("more", Value::Unknown)];
            grown.extend(more.clone());
            grown_pairs.extend(more);
            prop_assert_eq!(entries(&grown), entries(&grown_pairs));
            let text = |m: OrderedMap<Value>| -> Vec<String> {
                m.map_values(|v| v.to_string()).into_iter().map(|(k, v)| format!("{k}={v}")).collect()
            };
            prop_assert_eq!(text(OrderedMap::fixed(&KEYS, values.clone())), text(pairs_of(&values)));
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
