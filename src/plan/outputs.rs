//! [`Outputs`]: each Service's EXTERNAL-IP column, gathered while the plan streams.
//!
//! The plan keeps these until its end, when they are written after the last change. A
//! fleet gives tens of thousands of Services an address each per region, nearly all of
//! them still `(known after apply)`: a map of owned strings held a copy of that text per
//! address, a vector per Service and a tree node per dozen Services. Here a Service is one
//! row with its name inline and a count of the addresses the cloud has yet to assign; the
//! few known addresses are listed apart.

use std::collections::BTreeMap;

use compact_str::CompactString;
use serde::Serialize;
use serde::ser::{SerializeMap, SerializeStruct, Serializer};

use super::ServiceOutputs;

/// What a plan shows for a value the cloud assigns.
pub const KNOWN_AFTER_APPLY: &str = "(known after apply)";

/// What each Service shows after apply, by `<namespace>/<name>`. Serialises as the
/// `outputs` of the plan file (a map of [`ServiceOutputs`]), addresses sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outputs {
    /// Sorted by Service, one row each, once [`Outputs::finish`] ran; until then in the
    /// order the addresses came, a Service's run of them in one row.
    rows: Vec<Row>,
    /// `(service, address)` for each known address, sorted once finished. Known addresses
    /// are the rare case (a prior state that recorded them), so their Service is repeated
    /// here rather than every row carrying an empty list.
    known: Vec<(CompactString, CompactString)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Row {
    service: CompactString,
    /// How many of its addresses are `(known after apply)`.
    unknown: u32,
}

impl Outputs {
    /// Adds one address of `service`; `None` when the cloud has not assigned it yet.
    pub fn add(&mut self, service: &str, address: Option<&str>) {
        let row = match self.rows.last_mut() {
            Some(row) if row.service == service => row,
            _ => {
                if self.rows.len() == self.rows.capacity() {
                    // An eighth more, not twice as many: the rows are held until the plan
                    // ends, and doubling would hold up to half of them again unused.
                    self.rows.reserve_exact(self.rows.len() / 8 + 16);
                }
                self.rows.push(Row {
                    service: service.into(),
                    unknown: 0,
                });
                let last = self.rows.len() - 1;
                &mut self.rows[last]
            }
        };
        match address {
            Some(a) => self.known.push((row.service.clone(), a.into())),
            None => row.unknown += 1,
        }
    }

    /// Sorts the Services and each one's addresses, merging the rows of a Service whose
    /// addresses did not all come in a row: what is written and iterated from then on.
    pub fn finish(&mut self) {
        self.rows.sort_unstable_by(|a, b| a.service.cmp(&b.service));
        self.rows.dedup_by(|later, kept| {
            let same = later.service == kept.service;
            if same {
                kept.unknown += later.unknown;
            }
            same
        });
        self.known.sort_unstable();
    }

    /// No Service gets an address: the plan file then has no `outputs`.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The Services, in order; [`Outputs::finish`] must have run.
    pub fn services(&self) -> impl Iterator<Item = &str> {
        self.rows.iter().map(|r| r.service.as_str())
    }

    /// Each Service with its addresses in order; [`Outputs::finish`] must have run.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Vec<&str>)> {
        let mut known = self.known.as_slice();
        self.rows.iter().map(move |row| {
            let mine = known.partition_point(|(s, _)| *s <= row.service);
            let (theirs, rest) = known.split_at(mine);
            known = rest;
            (row.service.as_str(), row.addresses(theirs))
        })
    }

    /// The same as the plan file's map, for callers that keep the plan whole.
    pub fn to_map(&self) -> BTreeMap<String, ServiceOutputs> {
        self.iter()
            .map(|(service, ips)| {
                let external_ip = ips.into_iter().map(str::to_string).collect();
                (service.to_string(), ServiceOutputs { external_ip })
            })
            .collect()
    }
}

impl Row {
    /// All its addresses, sorted, given its `known` ones sorted.
    fn addresses<'a>(&'a self, known: &'a [(CompactString, CompactString)]) -> Vec<&'a str> {
        let before = known.partition_point(|(_, k)| k.as_str() < KNOWN_AFTER_APPLY);
        let unknown = std::iter::repeat_n(KNOWN_AFTER_APPLY, self.unknown as usize);
        let text = |(_, k): &'a (CompactString, CompactString)| k.as_str();
        known[..before]
            .iter()
            .map(text)
            .chain(unknown)
            .chain(known[before..].iter().map(text))
            .collect()
    }
}

/// The bytes of the same map of [`ServiceOutputs`].
impl Serialize for Outputs {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.rows.len()))?;
        for (service, external_ip) in self.iter() {
            map.serialize_entry(service, &OneService(external_ip))?;
        }
        map.end()
    }
}

/// One Service's addresses as its [`ServiceOutputs`].
struct OneService<'a>(Vec<&'a str>);

impl Serialize for OneService<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("ServiceOutputs", 1)?;
        st.serialize_field("external_ip", &self.0)?;
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the plan gathered before: a map of owned addresses, each list sorted.
    fn as_before(added: &[(&str, Option<&str>)]) -> BTreeMap<String, ServiceOutputs> {
        let mut map: BTreeMap<String, ServiceOutputs> = BTreeMap::new();
        for (service, address) in added {
            let ip = address.unwrap_or(KNOWN_AFTER_APPLY).to_string();
            map.entry(service.to_string())
                .or_default()
                .external_ip
                .push(ip);
        }
        for o in map.values_mut() {
            o.external_ip.sort();
        }
        map
    }

    fn gathered(added: &[(&str, Option<&str>)]) -> Outputs {
        let mut outputs = Outputs::default();
        for (service, address) in added {
            outputs.add(service, *address);
        }
        outputs.finish();
        outputs
    }

    #[test]
    fn a_service_met_again_later_is_one_entry_with_every_address_sorted() {
        let added = [
            ("default/b", None),
            ("default/b", Some("47.0.0.2")),
            ("default/a", Some("!odd")),
            ("default/b", Some("10.0.0.1")),
            ("default/b", None),
        ];
        let outputs = gathered(&added);
        let rows: Vec<(&str, Vec<&str>)> = outputs.iter().collect();
        assert_eq!(
            rows,
            [
                ("default/a", vec!["!odd"]),
                (
                    "default/b",
                    vec![KNOWN_AFTER_APPLY, KNOWN_AFTER_APPLY, "10.0.0.1", "47.0.0.2"]
                ),
            ]
        );
        assert_eq!(outputs.to_map(), as_before(&added));
    }

    proptest::proptest! {
        #[test]
        fn outputs_are_the_map_they_replace_to_the_byte(
            picks in proptest::collection::vec((0usize..5, 0usize..6), 0..40)
        ) {
            // `a-b/x` sorts before `a/x` although namespace `a` comes first.
            let services = ["a/x", "a-b/x", "a/y", "b/x", "a/x2"];
            let addresses = [None, Some("47.0.0.1"), Some("!"), Some(KNOWN_AFTER_APPLY),
                Some("10.0.0.1"), Some("")];
            let added: Vec<(&str, Option<&str>)> =
                picks.iter().map(|&(s, a)| (services[s], addresses[a])).collect();
            let outputs = gathered(&added);
            let before = as_before(&added);
            proptest::prop_assert_eq!(&outputs.to_map(), &before);
            let json = serde_json::to_string_pretty(&outputs).expect("serialises");
            let expected = serde_json::to_string_pretty(&before).expect("serialises");
            proptest::prop_assert_eq!(json, expected);
        }
    }
}
