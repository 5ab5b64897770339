//! The plan engine one unit at a time.
//!
//! A fleet's plan holds hundreds of thousands of resources, most of them independent of
//! each other (one Service's ELB never depends on another Service's listener). Building
//! the whole desired model before diffing it held every resource, every change and the
//! graph at once. A provider instead hands over *units*: groups of resources whose
//! dependencies lie inside the group or in a group handed over before. Each unit is
//! checked, ordered and diffed on its own, and its changes go straight to the caller,
//! which writes them out and drops them.
//!
//! What the engine keeps across units is small: a 64-bit fingerprint per address seen
//! (for duplicates and dependencies on earlier units), the prior addresses already
//! planned, the summary and the plan's warnings.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::seen::Seen;
use super::{
    Action, Causes, Change, Outputs, PriorState, Summary, appear, compare, disappear,
    model_diagnostics,
};
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::{Model, ModelError, Resource, creation_waves, take_in_order};
use crate::source::SourceMap;
use crate::unique::fingerprint;

/// Where a streamed plan goes: a renderer writing it out as it comes, or a collector
/// (tests, `graph`, `diff`). Calls come in order: `begin` (unless no plan could even be
/// started), `change` per change in plan order, then `end` once.
pub trait PlanSink {
    fn begin(&mut self, sources: &SourceMap, start: &PlanStart<'_>) -> std::io::Result<()>;
    fn change(&mut self, sources: &SourceMap, change: Change) -> std::io::Result<()>;
    fn end(&mut self, sources: &SourceMap, end: &PlanEnd<'_>) -> std::io::Result<()>;
}

/// What is known before the first change.
#[derive(Debug, Clone, Copy)]
pub struct PlanStart<'a> {
    /// The state the plan is made against (`--state`), for the plan file.
    pub prior_state: Option<&'a PriorState>,
    /// Without prior resources every change is a create or a no-op: a renderer can say
    /// so before it has seen them all.
    pub prior_is_empty: bool,
}

/// What is known after the last change.
#[derive(Debug, Clone, Copy)]
pub struct PlanEnd<'a> {
    /// `false` when no plan could be made, or when it stopped part-way at a unit the
    /// engine refused; the diagnostics say why and the changes sent are not a plan.
    pub planned: bool,
    /// The state the plan was made against (again, for sinks that skipped `begin`).
    pub prior_state: Option<&'a PriorState>,
    pub summary: Summary,
    /// Whether applying would do anything (`-detailed-exitcode` 2).
    pub has_changes: bool,
    /// The plan's own findings (attribute changes the controller will not apply).
    pub warnings: &'a [Diagnostic],
    /// Every other finding of the run.
    pub diagnostics: &'a Diagnostics,
    /// What each Service shows after apply, by `<namespace>/<name>`.
    pub outputs: &'a Outputs,
}

/// Diffs desired units against one prior model.
pub struct Differ<'a> {
    prior: &'a Model,
    causes: &'a dyn Causes,
    /// Fingerprints of every desired address so far. A collision of two 64-bit
    /// fingerprints among a fleet's ~10⁶ addresses has a probability near 10⁻⁸; a fingerprint
    /// instead of the address keeps this set an eighth of the addresses' size.
    seen: Seen,
    /// Prior addresses that a desired resource matched; the rest disappear at the end.
    matched: HashSet<&'a str>,
    summary: Summary,
    warnings: Vec<Diagnostic>,
}

/// What is left after the last unit: the prior resources no unit produced.
pub struct Finished {
    /// Deletes and retains, in reverse dependency order of the prior model.
    pub changes: Vec<Change>,
    pub summary: Summary,
    /// Plan-level findings (attribute changes the controller will not apply).
    pub warnings: Vec<Diagnostic>,
}

impl<'a> Differ<'a> {
    pub fn new(prior: &'a Model, causes: &'a dyn Causes) -> Self {
        Differ {
            prior,
            causes,
            seen: Seen::default(),
            matched: HashSet::new(),
            summary: Summary::default(),
            warnings: Vec::new(),
        }
    }

    /// The changes of one unit, creates before what depends on them. Fails, with one
    /// error per problem, when the unit repeats an address (of itself or of an earlier
    /// unit), depends on an address neither it nor an earlier unit has, or has a cycle:
    /// no order of actions would be right. A failed unit leaves no trace, so later units
    /// can still be checked and every problem reported in one run.
    ///
    /// `cause` is why the unit's resources exist when they share one reason (a Service
    /// selecting a pool): each created resource gets it without the causes being asked
    /// about every address.
    pub fn unit(
        &mut self,
        mut resources: Vec<Resource>,
        cause: Option<&str>,
    ) -> Result<Vec<Change>, Vec<Diagnostic>> {
        let ordered = if resources.len() <= SmallUnit::MAX {
            self.order_small(&mut resources)
        } else {
            self.order_large(&mut resources)
        };
        if ordered {
            return Ok(self.diff_in_order(resources, cause));
        }
        // Something is wrong with the unit: the model says exactly what.
        let model =
            Model::from_resources(resources).map_err(|e| model_diagnostics(&Model::new(), &e))?;
        self.unit_model(model, cause)
    }

    /// Puts a unit of at most [`SmallUnit::MAX`] resources in creation order (waves of
    /// what is ready, each sorted by address, as [`Model::into_creation_order`] gives) and
    /// records its addresses; `false`, with nothing changed, when the unit repeats an
    /// address, misses a dependency or has a cycle. Most units are a handful of resources,
    /// and a fleet has tens of thousands of them: this orders them with bit sets on the
    /// stack, without a graph, a map or a vector.
    fn order_small(&mut self, resources: &mut [Resource]) -> bool {
        let Some(unit) = SmallUnit::new(resources, |dep| self.seen.contains(fingerprint(dep)))
        else {
            return false;
        };
        if unit.prints().iter().any(|p| self.seen.contains(*p)) {
            return false;
        }
        let Some((order, len)) = unit.creation_order(resources) else {
            return false;
        };
        permute(resources, &order[..len]);
        self.seen.extend(unit.prints().iter().copied());
        true
    }

    /// [`Differ::order_small`] for a unit of any size (a provider that hands over its
    /// whole model at once).
    fn order_large(&mut self, resources: &mut Vec<Resource>) -> bool {
        let prints: Vec<u64> = resources.iter().map(|r| fingerprint(&r.address)).collect();
        let index = AddressIndex::new(resources);
        if index.has_duplicates() || prints.iter().any(|p| self.seen.contains(*p)) {
            return false;
        }
        let mut edges: Vec<(usize, usize)> = Vec::new();
        for (to, r) in resources.iter().enumerate() {
            for dep in &r.depends_on {
                match index.find(dep) {
                    Some(from) => edges.push((from, to)),
                    None if self.seen.contains(fingerprint(dep)) => {}
                    None => return false,
                }
            }
        }
        let (waves, left) = creation_waves(resources.len(), edges, |n| &resources[n].address);
        if !left.is_empty() {
            return false;
        }
        *resources = take_in_order(std::mem::take(resources), &waves.concat());
        self.seen.extend(prints);
        true
    }

    /// [`Differ::unit`] for resources already in a model.
    pub fn unit_model(
        &mut self,
        model: Model,
        cause: Option<&str>,
    ) -> Result<Vec<Change>, Vec<Diagnostic>> {
        let prints: Vec<u64> = model.iter().map(|r| fingerprint(&r.address)).collect();
        if let Some(again) = model
            .iter()
            .zip(&prints)
            .find(|(_, p)| self.seen.contains(**p))
        {
            let e = ModelError::DuplicateAddress {
                address: again.0.address.clone(),
            };
            return Err(model_diagnostics(&model, &e));
        }
        model
            .validate_beyond(|dep| self.seen.contains(fingerprint(dep)))
            .map_err(|e| model_diagnostics(&model, &e))?;
        self.seen.extend(prints);
        Ok(self.diff_in_order(model.into_creation_order(), cause))
    }

    /// Diffs resources already in creation order against the prior model.
    fn diff_in_order(&mut self, ordered: Vec<Resource>, cause: Option<&str>) -> Vec<Change> {
        // One copy of the unit's reason, shared by every change it creates.
        let cause: Option<Arc<str>> = cause.map(Arc::from);
        let mut changes = Vec::with_capacity(ordered.len());
        for want in ordered {
            let change = match self.prior.get_key_value(&want.address) {
                None => appear(want, self.causes, cause.as_ref()),
                Some((address, had)) => {
                    self.matched.insert(address);
                    compare(had, &want, self.causes, &mut self.warnings)
                }
            };
            self.summary.count(change.action);
            changes.push(change);
        }
        changes
    }

    /// Ends the plan: every prior resource no unit produced is deleted or retained.
    pub fn finish(mut self) -> Finished {
        let mut changes = Vec::new();
        for address in self.prior.lenient_waves().into_iter().rev().flatten() {
            if self.matched.contains(address) {
                continue;
            }
            if let Some(had) = self.prior.get(address) {
                let change = disappear(had, self.causes);
                self.summary.count(change.action);
                changes.push(change);
            }
        }
        Finished {
            changes,
            summary: self.summary,
            warnings: self.warnings,
        }
    }
}

impl Summary {
    /// Counts one change the way Terraform's summary line does (a replace adds and
    /// destroys).
    pub fn count(&mut self, action: Action) {
        match action {
            Action::Create => self.add += 1,
            Action::Update => self.change += 1,
            Action::Replace => {
                self.add += 1;
                self.destroy += 1;
            }
            Action::Delete => self.destroy += 1,
            Action::Retain => self.retain += 1,
            Action::NoOp => {}
        }
    }
}

/// A unit small enough for bit sets: what each resource waits for, as a mask of the
/// unit's other resources.
struct SmallUnit {
    len: usize,
    prints: [u64; SmallUnit::MAX],
    needs: [u32; SmallUnit::MAX],
}

impl SmallUnit {
    /// The bits of a `u32`.
    const MAX: usize = 32;

    /// `None` when an address repeats or a dependency is neither in the unit nor
    /// `earlier`.
    fn new(resources: &[Resource], earlier: impl Fn(&str) -> bool) -> Option<SmallUnit> {
        let index = AddressIndex::new(resources);
        if index.has_duplicates() {
            return None;
        }
        let mut unit = SmallUnit {
            len: resources.len(),
            prints: [0; SmallUnit::MAX],
            needs: [0; SmallUnit::MAX],
        };
        for (i, r) in resources.iter().enumerate() {
            unit.prints[i] = fingerprint(&r.address);
            for dep in &r.depends_on {
                match index.find(dep) {
                    Some(j) => unit.needs[i] |= 1 << j,
                    None if earlier(dep) => {}
                    None => return None,
                }
            }
        }
        Some(unit)
    }

    fn prints(&self) -> &[u64] {
        &self.prints[..self.len]
    }

    /// Kahn's algorithm a wave at a time, as [`creation_waves`]: the indices in creation
    /// order, or `None` on a cycle.
    fn creation_order(&self, resources: &[Resource]) -> Option<([u8; SmallUnit::MAX], usize)> {
        let mut order = [0u8; SmallUnit::MAX];
        let mut len = 0;
        let mut done = 0u32;
        while len < self.len {
            let wave_start = len;
            for i in 0..self.len {
                if done & (1 << i) == 0 && self.needs[i] & !done == 0 {
                    order[len] = i as u8;
                    len += 1;
                }
            }
            if len == wave_start {
                return None;
            }
            let wave = &mut order[wave_start..len];
            wave.sort_unstable_by(|a, b| {
                resources[*a as usize]
                    .address
                    .cmp(&resources[*b as usize].address)
            });
            for &i in wave.iter() {
                done |= 1 << i;
            }
        }
        Some((order, len))
    }
}

/// Reorders `items` in place so that `items[k]` is the item that was at `order[k]`
/// (`order` a permutation of the indices).
fn permute<T>(items: &mut [T], order: &[u8]) {
    for (k, &from) in order.iter().enumerate() {
        // The item first at `from` was swapped away by every earlier step that took the
        // item at its then place; follow it to where it is now.
        let mut at = from as usize;
        while at < k {
            at = order[at] as usize;
        }
        items.swap(k, at);
    }
}

/// What [`AddressIndex`] finds things by.
pub(crate) trait Addressed {
    fn address(&self) -> &str;
}

impl Addressed for Resource {
    fn address(&self) -> &str {
        &self.address
    }
}

impl Addressed for Change {
    fn address(&self) -> &str {
        &self.address
    }
}

/// Finds a unit's resources (or changes) by address: a scan for the few of a typical
/// unit, a hash map for a provider that hands over its whole model as one unit.
pub(crate) enum AddressIndex<'r, T> {
    Scan(&'r [T]),
    Map(HashMap<&'r str, usize>, bool),
}

impl<'r, T: Addressed> AddressIndex<'r, T> {
    const SCAN_UP_TO: usize = 32;

    pub(crate) fn new(items: &'r [T]) -> Self {
        if items.len() <= Self::SCAN_UP_TO {
            return AddressIndex::Scan(items);
        }
        let mut map = HashMap::with_capacity(items.len());
        let mut repeated = false;
        for (i, r) in items.iter().enumerate() {
            repeated |= map.insert(r.address(), i).is_some();
        }
        AddressIndex::Map(map, repeated)
    }

    pub(crate) fn find(&self, address: &str) -> Option<usize> {
        match self {
            AddressIndex::Scan(rs) => rs.iter().position(|r| r.address() == address),
            AddressIndex::Map(map, _) => map.get(address).copied(),
        }
    }

    fn has_duplicates(&self) -> bool {
        match self {
            AddressIndex::Scan(rs) => rs
                .iter()
                .enumerate()
                .any(|(i, r)| rs[..i].iter().any(|o| o.address() == r.address())),
            AddressIndex::Map(_, repeated) => *repeated,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Kind, ProviderKind};
    use crate::plan::NoCauses;

    fn r(address: &str, deps: &[&str]) -> Resource {
        let mut r = Resource::new(address, Kind::Listener, ProviderKind::AlibabaElb);
        r.depends_on = deps.iter().map(|d| d.to_string()).collect();
        r
    }

    fn addresses(changes: &[Change]) -> Vec<&str> {
        changes.iter().map(|c| c.address.as_str()).collect()
    }

    #[test]
    fn a_unit_may_depend_on_an_earlier_unit_but_not_on_a_later_one() {
        let prior = Model::new();
        let mut d = Differ::new(&prior, &NoCauses);
        let first = d.unit(vec![r("b", &["a"]), r("a", &[])], None).unwrap();
        assert_eq!(addresses(&first), ["a", "b"]);
        assert!(d.unit(vec![r("c", &["b"])], None).is_ok());
        let late = d.unit(vec![r("d", &["e"])], None).unwrap_err();
        assert!(late[0].message.contains("`d` depends on `e`"), "{late:?}");
        // The failed unit left nothing behind: `d` can still come later.
        assert!(d.unit(vec![r("e", &[]), r("d", &["e"])], None).is_ok());
        assert_eq!(d.finish().summary.add, 5);
    }

    #[test]
    fn an_address_repeated_by_a_later_unit_is_refused() {
        let prior = Model::new();
        let mut d = Differ::new(&prior, &NoCauses);
        d.unit(vec![r("a", &[])], None).unwrap();
        let again = d.unit(vec![r("x", &[]), r("a", &[])], None).unwrap_err();
        assert!(again[0].message.contains("`a`"), "{again:?}");
        let inside = d.unit(vec![r("y", &[]), r("y", &[])], None).unwrap_err();
        assert!(inside[0].message.contains("`y`"), "{inside:?}");
    }

    #[test]
    fn a_cycle_inside_a_unit_lists_its_members() {
        let prior = Model::new();
        let mut d = Differ::new(&prior, &NoCauses);
        let e = d
            .unit(vec![r("a", &["b"]), r("b", &["a"])], None)
            .unwrap_err();
        assert!(e[0].message.contains("`a`, `b`"), "{e:?}");
    }

    #[test]
    fn prior_resources_no_unit_produced_disappear_at_the_end() {
        let prior = Model::from_resources(vec![r("a", &[]), r("b", &["a"]), r("c", &[])]).unwrap();
        let mut d = Differ::new(&prior, &NoCauses);
        let kept = d.unit(vec![r("c", &[])], None).unwrap();
        assert_eq!(kept[0].action, Action::NoOp);
        let end = d.finish();
        // Dependents go first.
        assert_eq!(addresses(&end.changes), ["b", "a"]);
        assert_eq!(end.summary.destroy, 2);
    }

    #[test]
    fn a_large_unit_is_checked_like_a_small_one() {
        // More resources than the scan handles: the hash map finds duplicates and cycles.
        let many = |extra: Resource| {
            let mut rs: Vec<Resource> = (0..40).map(|i| r(&format!("r{i:02}"), &[])).collect();
            rs.push(extra);
            rs
        };
        let prior = Model::new();
        let mut d = Differ::new(&prior, &NoCauses);
        let dup = d.unit(many(r("r07", &[])), None).unwrap_err();
        assert!(dup[0].message.contains("`r07`"), "{dup:?}");
        let cycle = d.unit(many(r("z", &["z"])), None).unwrap_err();
        assert!(cycle[0].message.contains("`z`"), "{cycle:?}");
        let ok = d.unit(many(r("a", &["r39"])), None).unwrap();
        assert_eq!(ok.last().map(|c| c.address.as_str()), Some("a"));
    }

    /// Random DAGs, addresses disagreeing with dependency order, in units of both sizes.
    fn dag() -> impl proptest::strategy::Strategy<Value = Vec<(String, Vec<usize>)>> {
        use proptest::prelude::*;
        (1usize..48).prop_flat_map(|n| {
            proptest::collection::vec(proptest::collection::vec(0..n, 0..3), n).prop_map(
                move |deps| {
                    deps.into_iter()
                        .enumerate()
                        .map(|(i, ds)| {
                            let name = format!("r{:02}", (i * 7 + 3) % 97);
                            (name, ds.into_iter().filter(|d| *d < i).collect())
                        })
                        .collect()
                },
            )
        })
    }

    /// A permutation of `0..n` for a small unit's `n`.
    fn permutation() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        use proptest::prelude::*;
        (1..=SmallUnit::MAX as u8)
            .prop_flat_map(|n| Just((0..n).collect::<Vec<u8>>()).prop_shuffle())
    }

    proptest::proptest! {
        #[test]
        fn a_unit_is_ordered_as_its_model_orders_it(nodes in dag()) {
            let build = || -> Vec<Resource> {
                nodes
                    .iter()
                    .rev()
                    .map(|(name, deps)| {
                        let deps: Vec<&str> = deps.iter().map(|d| nodes[*d].0.as_str()).collect();
                        r(name, &deps)
                    })
                    .collect()
            };
            let prior = Model::new();
            let mut d = Differ::new(&prior, &NoCauses);
            let changes = d.unit(build(), None).expect("acyclic, unique");
            let model_order: Vec<String> = Model::from_resources(build())
                .expect("unique")
                .into_creation_order()
                .into_iter()
                .map(|r| r.address)
                .collect();
            proptest::prop_assert_eq!(addresses(&changes), model_order);
        }

        #[test]
        fn permute_puts_each_item_where_the_order_says(
            order in permutation()
        ) {
            let mut items: Vec<usize> = (0..order.len()).map(|i| i * 10).collect();
            permute(&mut items, &order);
            let expected: Vec<usize> = order.iter().map(|&i| usize::from(i) * 10).collect();
            proptest::prop_assert_eq!(items, expected);
        }
    }
}
