//! [`Model`]: resources by address plus their dependency graph.
//!
//! Determinism is the point of this file. petgraph's node and edge order follows insertion,
//! which follows the order a provider happened to walk its input; every order this module
//! hands out is instead derived from addresses (Kahn's algorithm with the ready set kept
//! sorted), so two runs over the same manifests order the plan identically whatever order
//! the files were read in.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use thiserror::Error;

use super::Resource;

/// Why a set of resources does not form a usable model.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ModelError {
    /// Two resources claim one address; the plan could not tell them apart.
    #[error("two resources have the address `{address}`")]
    DuplicateAddress { address: String },
    /// `depends_on` names addresses that are not in the model. Every pair is listed, as
    /// `(dependent, missing target)`, sorted.
    #[error("dependencies on resources that are not in the model: {}", list_missing(.missing))]
    MissingDependencies { missing: Vec<(String, String)> },
    /// The dependencies form cycles, so there is no order to create them in. Every cycle
    /// (strongly connected component) is listed with all its members, sorted.
    #[error("dependency cycles: {}", list_cycles(.cycles))]
    Cycles { cycles: Vec<Vec<String>> },
}

fn list_missing(missing: &[(String, String)]) -> String {
    missing
        .iter()
        .map(|(from, to)| format!("`{from}` -> `{to}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn list_cycles(cycles: &[Vec<String>]) -> String {
    cycles
        .iter()
        .map(|c| format!("[{}]", c.join(", ")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The resources of one side of a plan, by address, with a graph whose edges run from a
/// dependency to its dependent (creation order).
///
/// Resources can be added in any order: a `depends_on` naming an address not added yet is
/// kept pending and becomes an edge when that address arrives. [`Model::validate`] reports
/// what is still pending.
#[derive(Debug, Clone, Default)]
pub struct Model {
    resources: IndexMap<String, Resource>,
    /// Node `i` is the resource at index `i` of `resources` (nodes are never removed).
    graph: DiGraph<String, ()>,
    /// Missing target address → dependents waiting for it.
    pending: BTreeMap<String, Vec<NodeIndex>>,
}

impl Model {
    pub fn new() -> Self {
        Self::default()
    }

    /// A model from resources in any order; fails on a duplicate address only (call
    /// [`Model::validate`] for missing targets and cycles).
    pub fn from_resources(
        resources: impl IntoIterator<Item = Resource>,
    ) -> Result<Self, ModelError> {
        let mut m = Model::new();
        for r in resources {
            m.add(r)?;
        }
        Ok(m)
    }

    /// Adds a resource and its edges. A second resource at an existing address is refused
    /// (the model is left unchanged).
    pub fn add(&mut self, resource: Resource) -> Result<(), ModelError> {
        if self.resources.contains_key(&resource.address) {
            return Err(ModelError::DuplicateAddress {
                address: resource.address,
            });
        }
        let node = self.graph.add_node(resource.address.clone());
        for dep in &resource.depends_on {
            if *dep == resource.address {
                self.graph.update_edge(node, node, ());
            } else if let Some(i) = self.resources.get_index_of(dep) {
                self.graph.update_edge(NodeIndex::new(i), node, ());
            } else {
                self.pending.entry(dep.clone()).or_default().push(node);
            }
        }
        if let Some(waiting) = self.pending.remove(&resource.address) {
            for dependent in waiting {
                self.graph.update_edge(node, dependent, ());
            }
        }
        self.resources.insert(resource.address.clone(), resource);
        Ok(())
    }

    pub fn get(&self, address: &str) -> Option<&Resource> {
        self.resources.get(address)
    }
    /// The resource with the stored address, which outlives a borrowed lookup key.
    pub fn get_key_value(&self, address: &str) -> Option<(&str, &Resource)> {
        self.resources
            .get_key_value(address)
            .map(|(k, r)| (k.as_str(), r))
    }
    pub fn contains(&self, address: &str) -> bool {
        self.resources.contains_key(address)
    }
    /// Resources in the order they were added (what a provider built first comes first).
    pub fn iter(&self) -> impl Iterator<Item = &Resource> {
        self.resources.values()
    }
    pub fn len(&self) -> usize {
        self.resources.len()
    }
    pub fn is_empty(&self) -> bool {
        self.resources.is_empty()
    }
    /// The graph, for renderers that draw it (DOT, Mermaid). Node weights are addresses;
    /// edges run from a dependency to its dependent.
    pub fn graph(&self) -> &DiGraph<String, ()> {
        &self.graph
    }

    /// `(dependent, missing target)` for every `depends_on` naming an absent address, sorted.
    pub fn missing_dependencies(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self
            .pending
            .iter()
            .flat_map(|(target, waiting)| {
                waiting
                    .iter()
                    .map(|n| (self.graph[*n].clone(), target.clone()))
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// Every cycle: each strongly connected component with more than one member, and each
    /// resource that depends on itself. Members sorted; cycles sorted by first member. A
    /// whole component is reported, not one path through it, so a user sees every
    /// resource to untangle in one run.
    pub fn cycles(&self) -> Vec<Vec<String>> {
        let mut cycles: Vec<Vec<String>> = tarjan_scc(&self.graph)
            .into_iter()
            .filter(|c| c.len() > 1 || c.iter().any(|n| self.graph.contains_edge(*n, *n)))
            .map(|c| {
                let mut members: Vec<String> =
                    c.into_iter().map(|n| self.graph[n].clone()).collect();
                members.sort();
                members
            })
            .collect();
        cycles.sort();
        cycles
    }

    /// Fails with every missing dependency, or else with every cycle.
    pub fn validate(&self) -> Result<(), ModelError> {
        self.validate_beyond(|_| false)
    }

    /// [`Model::validate`] for one unit of a larger plan: a dependency on an address
    /// `exists_beyond` accepts (a resource of an earlier unit) is not missing.
    pub fn validate_beyond(&self, exists_beyond: impl Fn(&str) -> bool) -> Result<(), ModelError> {
        let mut missing = self.missing_dependencies();
        missing.retain(|(_, target)| !exists_beyond(target));
        if !missing.is_empty() {
            return Err(ModelError::MissingDependencies { missing });
        }
        let cycles = self.cycles();
        if !cycles.is_empty() {
            return Err(ModelError::Cycles { cycles });
        }
        Ok(())
    }

    /// Stages of creation: every resource of a wave depends only on earlier waves, so the
    /// executor may run a wave in parallel. Within a wave, addresses are sorted.
    pub fn waves(&self) -> Result<Vec<Vec<&str>>, ModelError> {
        self.validate()?;
        Ok(self.kahn_waves().0)
    }

    /// The waves, concatenated: an order in which every dependency comes first.
    pub fn creation_order(&self) -> Result<Vec<&str>, ModelError> {
        Ok(self.waves()?.into_iter().flatten().collect())
    }

    /// The waves in reverse (addresses still sorted within a wave): every dependent is
    /// deleted before what it depends on.
    pub fn deletion_order(&self) -> Result<Vec<&str>, ModelError> {
        Ok(self.waves()?.into_iter().rev().flatten().collect())
    }

    /// Waves that never fail: resources caught in cycles come last, sorted. For a prior
    /// state, which is a record of what exists rather than an input to check, a best
    /// effort order is more useful than an error.
    pub(crate) fn lenient_waves(&self) -> Vec<Vec<&str>> {
        let (mut waves, left) = self.kahn_waves();
        if !left.is_empty() {
            waves.push(left);
        }
        waves
    }

    /// The resources in creation order (the concatenated [`Model::waves`]), consuming the
    /// model: the plan moves them into its changes instead of copying every attribute.
    /// Resources no order can place (cycles; call [`Model::validate`] first to refuse
    /// them) come last.
    pub fn into_creation_order(self) -> Vec<Resource> {
        let (waves, left) = self.kahn_indices();
        let order: Vec<usize> = waves.into_iter().flatten().chain(left).collect();
        take_in_order(self.resources.into_values().collect(), &order)
    }

    /// Kahn's algorithm, a whole ready set at a time. Returns the waves and the sorted
    /// addresses never reached (members of cycles and what depends on them).
    fn kahn_waves(&self) -> (Vec<Vec<&str>>, Vec<&str>) {
        let (waves, left) = self.kahn_indices();
        let name = |n: usize| self.graph[NodeIndex::new(n)].as_str();
        (
            waves
                .into_iter()
                .map(|w| w.into_iter().map(name).collect())
                .collect(),
            left.into_iter().map(name).collect(),
        )
    }

    /// [`Model::kahn_waves`] as node indices (node `i` is resource `i`).
    fn kahn_indices(&self) -> (Vec<Vec<usize>>, Vec<usize>) {
        let edges: Vec<(usize, usize)> = self
            .graph
            .edge_indices()
            .filter_map(|e| self.graph.edge_endpoints(e))
            .map(|(from, to)| (from.index(), to.index()))
            .collect();
        creation_waves(self.graph.node_count(), edges, |n| {
            self.graph[NodeIndex::new(n)].as_str()
        })
    }
}

/// The items at `order`'s indices, in that order (each index at most once).
pub(crate) fn take_in_order<T>(items: Vec<T>, order: &[usize]) -> Vec<T> {
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    order.iter().filter_map(|i| slots[*i].take()).collect()
}

/// Kahn's algorithm, a whole ready set at a time, over nodes `0..count` with `edges`
/// running from a dependency to its dependent: the waves, each sorted by `address`, and
/// the nodes never reached (members of cycles and what depends on them), sorted the same
/// way. Addresses are unique, so the order depends on nothing but the graph.
pub(crate) fn creation_waves<'a>(
    count: usize,
    mut edges: Vec<(usize, usize)>,
    address: impl Fn(usize) -> &'a str,
) -> (Vec<Vec<usize>>, Vec<usize>) {
    let mut indegree = vec![0usize; count];
    for &(_, to) in &edges {
        indegree[to] += 1;
    }
    edges.sort_unstable();
    let by_address = |a: &usize, b: &usize| address(*a).cmp(address(*b));
    let mut ready: Vec<usize> = (0..count).filter(|n| indegree[*n] == 0).collect();
    let mut waves = Vec::new();
    while !ready.is_empty() {
        ready.sort_unstable_by(by_address);
        let mut next = Vec::new();
        for &n in &ready {
            let start = edges.partition_point(|(from, _)| *from < n);
            for &(_, to) in edges[start..].iter().take_while(|(from, _)| *from == n) {
                indegree[to] -= 1;
                if indegree[to] == 0 {
                    next.push(to);
                }
            }
        }
        waves.push(ready);
        ready = next;
    }
    let mut left: Vec<usize> = (0..count).filter(|n| indegree[*n] > 0).collect();
    left.sort_unstable_by(by_address);
    (waves, left)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Kind, ProviderKind};
    use proptest::prelude::*;

    fn r(address: &str, deps: &[&str]) -> Resource {
        let mut r = Resource::new(address, Kind::Listener, ProviderKind::AlibabaElb);
        r.depends_on = deps.iter().map(|d| d.to_string()).collect();
        r
    }

    #[test]
    fn duplicate_addresses_are_refused() {
        let mut m = Model::new();
        m.add(r("a", &[])).expect("first");
        assert_eq!(
            m.add(r("a", &[])),
            Err(ModelError::DuplicateAddress {
                address: "a".into()
            })
        );
        assert_eq!(m.len(), 1);
    }

    #[test]
    fn forward_references_resolve_and_missing_ones_are_all_listed() {
        let m = Model::from_resources([r("b", &["a", "x"]), r("a", &[]), r("c", &["y", "x"])])
            .expect("no duplicates");
        assert_eq!(
            m.validate(),
            Err(ModelError::MissingDependencies {
                missing: vec![
                    ("b".into(), "x".into()),
                    ("c".into(), "x".into()),
                    ("c".into(), "y".into())
                ]
            })
        );
        let m = Model::from_resources([r("b", &["a"]), r("a", &[])]).expect("ok");
        assert_eq!(m.creation_order(), Ok(vec!["a", "b"]));
    }

    #[test]
    fn cycles_list_every_member_and_self_loops() {
        let m = Model::from_resources([
            r("ok", &[]),
            r("c1", &["c3"]),
            r("c2", &["c1"]),
            r("c3", &["c2", "ok"]),
            r("self", &["self"]),
            r("after", &["c1"]),
        ])
        .expect("ok");
        let cycles = vec![
            vec!["c1".to_string(), "c2".into(), "c3".into()],
            vec!["self".to_string()],
        ];
        assert_eq!(m.cycles(), cycles);
        assert_eq!(m.waves(), Err(ModelError::Cycles { cycles }));
        let text = m.waves().err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(text, "dependency cycles: [c1, c2, c3], [self]");
        assert_eq!(
            m.lenient_waves(),
            vec![vec!["ok"], vec!["after", "c1", "c2", "c3", "self"]]
        );
    }

    #[test]
    fn waves_are_sorted_by_address_not_insertion_order() {
        // elb <- eip-binding -> eip ; elb <- listener <- (nothing)
        let m = Model::from_resources([
            r("z-listener", &["m-elb"]),
            r("binding", &["m-elb", "eip"]),
            r("m-elb", &[]),
            r("eip", &[]),
        ])
        .expect("ok");
        assert_eq!(
            m.waves(),
            Ok(vec![vec!["eip", "m-elb"], vec!["binding", "z-listener"]])
        );
        assert_eq!(
            m.deletion_order(),
            Ok(vec!["binding", "z-listener", "eip", "m-elb"])
        );
    }

    /// Random DAGs: edges only from a lower to a higher node number, addresses shuffled so
    /// that address order and dependency order disagree.
    fn dag() -> impl Strategy<Value = (Vec<String>, Vec<(usize, usize)>)> {
        (1usize..24).prop_flat_map(|n| {
            let names = Just(
                (0..n)
                    .map(|i| format!("r{:02}", (i * 7 + 3) % 97))
                    .collect::<Vec<_>>(),
            );
            let edges = proptest::collection::vec((0..n, 0..n), 0..(n * 3))
                .prop_map(|es| es.into_iter().filter(|(a, b)| a < b).collect::<Vec<_>>());
            (names, edges)
        })
    }

    proptest! {
        #[test]
        fn creation_respects_edges_and_deletion_reverses_them((names, edges) in dag()) {
            let mut deps: Vec<Vec<&str>> = vec![Vec::new(); names.len()];
            for (a, b) in &edges {
                deps[*b].push(names[*a].as_str());
            }
            // Insert in reverse to exercise pending edges.
            let m = Model::from_resources(
                names.iter().zip(&deps).rev().map(|(n, d)| r(n, d)),
            ).expect("unique names");
            let create = m.creation_order().expect("acyclic");
            let delete = m.deletion_order().expect("acyclic");
            prop_assert_eq!(create.len(), names.len());
            prop_assert_eq!(delete.len(), names.len());
            let pos = |order: &[&str], a: &str| order.iter().position(|x| *x == a);
            for (a, b) in &edges {
                prop_assert!(pos(&create, &names[*a]) < pos(&create, &names[*b]));
                prop_assert!(pos(&delete, &names[*a]) > pos(&delete, &names[*b]));
            }
        }
    }
}
