//! Attribute values of model resources.
//!
//! Values are a small JSON-like sum type rather than `serde_json::Value` for two reasons: a
//! plan must say "known after apply" for cloud-assigned ids and addresses, which JSON has no
//! spelling for, and maps must keep insertion order so that output is deterministic without
//! relying on a crate feature. Floats are deliberately absent: no load-balancer attribute we
//! model is fractional, and float equality would make the diff unreliable.

use std::borrow::Cow;
use std::sync::Arc;

use compact_str::CompactString;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};

use super::OrderedMap;

/// A map key or attribute name. Providers name attributes with string literals, so the
/// common case borrows a `'static` string instead of allocating one per resource: a large
/// fleet's model holds millions of keys. Keys read from a state file are owned.
pub type Key = Cow<'static, str>;

/// One attribute value.
///
/// Serialises to the plain JSON value; [`Value::Unknown`] serialises to `null`. The plan
/// contract never relies on that `null` alone: top-level unknown attributes are left out of
/// `after` and listed in `after_unknown` (like Terraform), nested ones are listed there by
/// path. Reading `null` back gives `Unknown`, so documents round-trip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// Not known until the cloud creates the resource ("known after apply").
    Unknown,
    Bool(bool),
    Int(i64),
    /// Inline up to 24 bytes: most attribute strings (ids, regions, IPs, node names) are
    /// short, and a fleet's plan holds millions of them.
    String(CompactString),
    /// Shared, as lists are never changed in place once built: the backend servers of a
    /// pool are one list for every Service that selects the pool, which a fleet has tens
    /// of.
    List(Arc<[Value]>),
    /// Keys in insertion order, which is the output order.
    Map(OrderedMap<Value>),
}

impl Value {
    /// A list of `items`.
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(items.into())
    }

    /// Whether this value or anything inside it is unknown.
    pub fn contains_unknown(&self) -> bool {
        match self {
            Value::Unknown => true,
            Value::List(items) => items.iter().any(Value::contains_unknown),
            Value::Map(m) => m.values().any(Value::contains_unknown),
            _ => false,
        }
    }

    /// Paths of the unknown leaves below `prefix`: `prefix` itself, `prefix.key`,
    /// `prefix[3]`. Appended in value order so the result is deterministic.
    pub fn unknown_paths(&self, prefix: &str, out: &mut Vec<String>) {
        let mut path = prefix.to_string();
        self.unknown_paths_below(&mut path, out);
    }

    /// [`Value::unknown_paths`] growing one path buffer: a plan file asks this of every
    /// attribute of every resource, and most values have no unknown inside.
    fn unknown_paths_below(&self, path: &mut String, out: &mut Vec<String>) {
        use std::fmt::Write;
        let len = path.len();
        match self {
            Value::Unknown => out.push(path.clone()),
            Value::List(items) => {
                for (i, v) in items
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| v.contains_unknown())
                {
                    let _ = write!(path, "[{i}]");
                    v.unknown_paths_below(path, out);
                    path.truncate(len);
                }
            }
            Value::Map(m) => {
                for (k, v) in m.iter().filter(|(_, v)| v.contains_unknown()) {
                    path.push('.');
                    path.push_str(k);
                    v.unknown_paths_below(path, out);
                    path.truncate(len);
                }
            }
            _ => {}
        }
    }

    /// A map from `(key, value)` pairs, keeping their order.
    pub fn map<K: Into<Key>>(pairs: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Map(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.into())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s.into())
    }
}
impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Int(n)
    }
}
impl From<u32> for Value {
    fn from(n: u32) -> Self {
        Value::Int(i64::from(n))
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}
impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(items: Vec<T>) -> Self {
        Value::List(items.into_iter().map(Into::into).collect())
    }
}

/// Compact, JSON-like text for reasons and warnings: strings quoted, unknown values as
/// Terraform writes them.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Unknown => f.write_str("(known after apply)"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(n) => write!(f, "{n}"),
            Value::String(s) => write!(f, "{s:?}"),
            Value::List(items) => {
                f.write_str("[")?;
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
            Value::Map(m) => {
                f.write_str("{")?;
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k:?}: {v}")?;
                }
                f.write_str("}")
            }
        }
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Unknown => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Int(n) => s.serialize_i64(*n),
            Value::String(v) => s.serialize_str(v),
            Value::List(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for v in items.iter() {
                    seq.serialize_element(v)?;
                }
                seq.end()
            }
            Value::Map(m) => {
                let mut map = s.serialize_map(Some(m.len()))?;
                for (k, v) in m {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("null, a boolean, an integer, a string, a list or a map")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Unknown)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Unknown)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }
    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Value, E> {
        Ok(Value::Int(n))
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Value, E> {
        i64::try_from(n)
            .map(Value::Int)
            .map_err(|_| E::custom(format!("integer {n} is out of range")))
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Value, E> {
        Err(E::custom(format!(
            "{n} is not an integer; attribute values are never fractional"
        )))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.into()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v.into()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(v) = seq.next_element()? {
            items.push(v);
        }
        Ok(Value::List(items.into()))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(0));
        while let Some(pair) = map.next_entry::<String, Value>()? {
            pairs.push(pair);
        }
        Ok(Value::Map(pairs.into_iter().collect()))
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_through_json_in_order() {
        let v = Value::map([
            ("z", Value::from("a")),
            ("a", Value::from(vec![1i64, 2])),
            (
                "m",
                Value::map([("id", Value::Unknown), ("on", true.into())]),
            ),
        ]);
        let text = serde_json::to_string(&v).expect("serialises");
        assert_eq!(text, r#"{"z":"a","a":[1,2],"m":{"id":null,"on":true}}"#);
        let back: Value = serde_json::from_str(&text).expect("deserialises");
        assert_eq!(back, v);
        let mut paths = Vec::new();
        v.unknown_paths("x", &mut paths);
        assert_eq!(paths, vec!["x.m.id"]);
    }

    #[test]
    fn fractions_are_rejected() {
        assert!(serde_json::from_str::<Value>("1.5").is_err());
    }
}
