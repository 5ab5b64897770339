//! Inverted label indexes: label key → value → sorted ids of the objects carrying it.
//!
//! Selector resolution must not compare every Service with every NodePool (or Pod):
//! 10 000 Services × 500 pools is five million label-map lookups, which would dwarf
//! parsing. With an index, a selector costs the size of its smallest candidate list, so
//! the whole stage stays linear in the input plus the output.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::kube::selector::{LabelSelector, Operator};
use crate::manifest::decode::StringMap;

/// Postings of one label key, each list exactly sized and all the values' ids in one block.
/// A hash map from value to a vector of ids cost three times the ids it held: a fleet's
/// placement index, held for the whole plan, has a value of its own (`app`) per workload.
#[derive(Debug, Default, Clone)]
struct KeyPostings<'m> {
    /// Every id carrying the key (any value), ascending.
    any: Box<[u32]>,
    /// The key's values, sorted, each once.
    values: Box<[&'m str]>,
    /// `ids[starts[i]..starts[i + 1]]` carry `values[i]`, ascending; one more start than
    /// values.
    starts: Box<[u32]>,
    ids: Box<[u32]>,
}

impl<'m> KeyPostings<'m> {
    /// From the `(value, id)` pairs of the objects carrying the key, in ascending id order.
    fn new(mut pairs: Vec<(&'m str, u32)>) -> Self {
        let any = pairs.iter().map(|&(_, id)| id).collect();
        // A stable sort keeps each value's ids ascending.
        pairs.sort_by_key(|&(value, _)| value);
        let mut values = Vec::new();
        let mut starts = Vec::new();
        for (i, &(value, _)) in pairs.iter().enumerate() {
            if values.last() != Some(&value) {
                values.push(value);
                starts.push(i as u32);
            }
        }
        starts.push(pairs.len() as u32);
        KeyPostings {
            any,
            values: values.into_boxed_slice(),
            starts: starts.into_boxed_slice(),
            ids: pairs.into_iter().map(|(_, id)| id).collect(),
        }
    }

    fn with_value(&self, value: &str) -> &[u32] {
        match self.values.binary_search(&value) {
            Ok(i) => &self.ids[self.starts[i] as usize..self.starts[i + 1] as usize],
            Err(_) => &[],
        }
    }
}

/// An inverted index over the label maps of objects numbered `0..len` in build order.
/// Because ids are pushed in increasing order, every posting list is sorted, so results
/// come out in the objects' own order (pools by name) without sorting per query.
#[derive(Debug, Default, Clone)]
pub(crate) struct Postings<'m> {
    len: u32,
    keys: HashMap<&'m str, KeyPostings<'m>>,
}

impl<'m> Postings<'m> {
    pub(crate) fn build<I>(labels: I) -> Self
    where
        I: IntoIterator<Item = &'m StringMap>,
    {
        let mut pairs: HashMap<&'m str, Vec<(&'m str, u32)>> = HashMap::new();
        let mut len = 0;
        for (id, map) in labels.into_iter().enumerate() {
            let id = id as u32;
            for (k, e) in map {
                pairs
                    .entry(k.as_str())
                    .or_default()
                    .push((e.value.value.as_str(), id));
            }
            len = id + 1;
        }
        let keys = pairs
            .into_iter()
            .map(|(key, pairs)| (key, KeyPostings::new(pairs)))
            .collect();
        Postings { len, keys }
    }

    fn with_value(&self, key: &str, value: &str) -> &[u32] {
        self.keys.get(key).map_or(&[], |k| k.with_value(value))
    }

    fn with_key(&self, key: &str) -> &[u32] {
        self.keys.get(key).map_or(&[], |k| &k.any)
    }

    /// Ids carrying any of `values` under `key`, ascending (a sorted merge).
    fn with_any_value<'v>(&self, key: &str, values: impl Iterator<Item = &'v str>) -> Vec<u32> {
        let mut out: Vec<u32> = values
            .flat_map(|v| self.with_value(key, v))
            .copied()
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// A superset of the ids a selector matches, or `None` when the selector has no
    /// positive condition and every id is a candidate.
    ///
    /// The conditions come from [`LabelSelector::index_keys`] (what every match must
    /// carry). For a `(key, None)` condition that stems from `key in (a,b,…)`, the union
    /// of the value lists is used instead of "has the key": same answer, fewer candidates.
    /// Of all conditions the smallest list is returned; the caller verifies each candidate
    /// with [`LabelSelector::matches`], which is the intersection with every other
    /// condition at the cost of the smallest list only.
    pub(crate) fn candidates<'s>(&'s self, selector: &LabelSelector) -> Option<Cow<'s, [u32]>> {
        let mut best: Option<Cow<'s, [u32]>> = None;
        for (key, value) in selector.index_keys() {
            let list: Cow<'s, [u32]> = match value {
                Some(v) => Cow::Borrowed(self.with_value(key, v)),
                None => match selector
                    .requirements
                    .iter()
                    .find(|r| r.op == Operator::In && r.key.value == key)
                {
                    Some(r) => Cow::Owned(
                        self.with_any_value(key, r.values.iter().map(|v| v.value.as_str())),
                    ),
                    None => Cow::Borrowed(self.with_key(key)),
                },
            };
            if best.as_ref().is_none_or(|b| list.len() < b.len()) {
                best = Some(list);
            }
            if best.as_ref().is_some_and(|b| b.is_empty()) {
                break;
            }
        }
        best
    }

    /// A superset of the ids whose labels contain every pair of `selector` (a Service's
    /// `spec.selector`, a plain equality map); empty for an empty map, since Kubernetes
    /// gives a Service without selector no automatic endpoints.
    pub(crate) fn candidates_equal(&self, selector: &StringMap) -> &[u32] {
        selector
            .values()
            .map(|e| self.with_value(&e.key.value, &e.value.value))
            .min_by_key(|l| l.len())
            .unwrap_or(&[])
    }

    pub(crate) fn len(&self) -> u32 {
        self.len
    }
}

/// Whether `labels` contain every pair of an equality selector (`spec.selector`,
/// `nodeSelector`).
pub(crate) fn contains_all(labels: &StringMap, selector: &StringMap) -> bool {
    selector.values().all(|e| {
        labels
            .get(&e.key.value)
            .is_some_and(|l| l.value.value == e.value.value)
    })
}
