//! Stage `topology`: selectors resolved to NodePools, pool membership of nodes, and the
//! backend nodes of every (Service, pool) pair (SPEC §3, reference §5.3 and §6.5).
//!
//! Everything here is linear in the input plus the output: NodePool labels and pod labels
//! go into inverted indexes ([`LabelIndex`]), nodes are grouped by pool once, and each
//! Service's backend placement ([`ClusterPods`]) is computed once and then read per matched
//! pool. [`resolve`] keeps only the matched pool ids; a pair's PoolService and backends are
//! derived when its unit is built, so a fleet's plan holds one pair's backends at a time.
//!
//! A NodePool with `metadata.deletionTimestamp` (being deleted) matches no selector: the
//! loadbalancerset controller skips such pools (reference §5.3, case 41).

mod backends;
mod index;

use std::collections::HashMap;

use crate::diag::{Diagnostic, Diagnostics};
use crate::ir::{
    self, Cluster, EffectiveAnnotations, LbClass, Obj, Route, ServiceIr, TrafficPolicy,
};
use crate::kube::selector::LabelSelector;
use crate::manifest::decode::StringMap;
use crate::manifest::node::NodeRecord;
use crate::manifest::nodepool::{self, ENS_NETWORK_ID, ENS_REGION_ID, ENS_VSWITCH_ID, NodePool};
use crate::manifest::workload::Workload;
use crate::manifest::{Manifest, Objects};
use crate::source::{SourceMap, Span};

pub use backends::{NO_NODES, SCHEDULER_DECIDES};
use backends::{Placement, PlacementIndex};
use index::Postings;

/// Node label that keeps a node out of every cloud load balancer (reference §6.5).
pub const EXCLUDE_FROM_LB_LABEL: &str = "node.kubernetes.io/exclude-from-external-load-balancers";
/// Pools listed by name in the "no pool matches" help when there are at most this many.
const HELP_POOL_LIMIT: usize = 8;

/// A NodePool: its index in [`Cluster::node_pools`] (sorted by name, so ordering ids orders
/// pools by name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PoolId(pub u32);

/// A Node: its index in [`Cluster::nodes`] (sorted by name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(pub u32);

/// The inverted index over NodePool `metadata.labels` (the labels a Service's
/// `service.openyurt.io/nodepool-labelselector` matches — not `spec.labels`, which go to
/// the pool's nodes; reference §5.1).
#[derive(Debug, Clone)]
pub struct LabelIndex<'m> {
    labels: Vec<&'m StringMap>,
    /// Pools being deleted, which no selector matches.
    deleting: Vec<bool>,
    postings: Postings<'m>,
}

impl<'m> LabelIndex<'m> {
    /// Indexes `pools` in the given order (the cluster's name order).
    pub fn new(pools: &[Obj<'m, NodePool>]) -> Self {
        let labels: Vec<&'m StringMap> = pools.iter().map(|p| p.labels()).collect();
        let deleting = pools
            .iter()
            .map(|p| p.manifest.meta.deletion_timestamp.is_some())
            .collect();
        let postings = Postings::build(labels.iter().copied());
        LabelIndex {
            labels,
            deleting,
            postings,
        }
    }

    /// The pools `selector` matches, ascending by id (= by pool name).
    ///
    /// Cost: the smallest candidate list of the selector's positive conditions (`k=v`,
    /// `k in (…)`, `k`, `k>n`), each candidate verified with [`LabelSelector::matches`].
    /// A selector with only negative conditions (`k!=v`, `k notin (…)`, `!k`) or none at
    /// all cannot use the index and checks every pool: O(pools) for that selector.
    pub fn matching_pools(&self, selector: &LabelSelector) -> Vec<PoolId> {
        let verify =
            |id: u32| !self.deleting[id as usize] && selector.matches(self.labels[id as usize]);
        match self.postings.candidates(selector) {
            Some(list) => list
                .iter()
                .copied()
                .filter(|&id| verify(id))
                .map(PoolId)
                .collect(),
            None => (0..self.postings.len())
                .filter(|&id| verify(id))
                .map(PoolId)
                .collect(),
        }
    }
}

/// A node that serves as an ELB backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeBackend<'m> {
    pub node: NodeId,
    /// The node's first `InternalIP`, if reported.
    pub address: Option<&'m str>,
    /// Ready backend pods on the node (the weight basis for `Local`; may be 0 for
    /// `Cluster`, where every node of a serving pool forwards).
    pub pods: u32,
}

/// The backends of one (Service, pool) pair.
#[derive(Debug, Clone, PartialEq)]
pub enum Backends<'m> {
    /// Exactly these nodes, sorted by node name (possibly none: case 56).
    Known(Vec<NodeBackend<'m>>),
    /// Decided only when the cluster runs the manifests: Terraform's "known after apply".
    Unknown {
        reason: &'static str,
        /// The workload whose placement is unknown, when one is the cause.
        workload: Option<Obj<'m, Workload>>,
    },
}

/// One pool a Service's selector matched: one PoolService, hence (for class
/// `alibabacloud.com/elb`) one ELB. Built on demand ([`ServiceTopology::matches`]) rather
/// than kept in the topology: a fleet has tens of thousands of pairs, and the plan needs
/// only the one it is building.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolMatch<'m> {
    pub pool: PoolId,
    /// `<svc>-<pool>`, in the Service's namespace (reference §5.3).
    pub poolservice_name: String,
    /// Service annotations overlaid by the PoolService's, when the input has it.
    pub annotations: EffectiveAnnotations<'m>,
}

impl<'m> PoolMatch<'m> {
    /// The PoolService `service` gets for `pool`.
    pub fn new(cluster: &Cluster<'m>, service: &ServiceIr<'m>, pool: PoolId) -> Self {
        let poolservice_name = crate::concat::concat(&[
            service.name(),
            "-",
            cluster.node_pools[pool.0 as usize].name(),
        ]);
        let annotations = cluster.effective_annotations(service, &poolservice_name);
        PoolMatch {
            pool,
            poolservice_name,
            annotations,
        }
    }
}

/// The pools one Service fans out to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceTopology {
    /// Index into [`Cluster::services`].
    pub service: usize,
    /// Matched pools, ascending (= by name); empty when nothing matches (LBP6010). Only the
    /// ids are kept: [`ServiceTopology::matches`] and [`Topology::backends`] derive the
    /// rest of a pair when it is needed. Exactly sized: a fleet's ten thousand lists are
    /// held for the whole plan.
    pub pools: Box<[PoolId]>,
}

impl ServiceTopology {
    /// The PoolService of every matched pool, in pool order.
    pub fn matches<'a, 'm>(
        &'a self,
        cluster: &'a Cluster<'m>,
    ) -> impl Iterator<Item = PoolMatch<'m>> + 'a {
        let service = &cluster.services[self.service];
        self.pools
            .iter()
            .map(move |&pool| PoolMatch::new(cluster, service, pool))
    }
}

/// The resolved topology of one cluster.
#[derive(Debug, Clone)]
pub struct Topology<'m> {
    pub index: LabelIndex<'m>,
    /// Member nodes per pool (by [`PoolId`]), sorted by name, by node label
    /// `apps.openyurt.io/nodepool`.
    pub nodes_by_pool: Vec<Vec<NodeId>>,
    /// The members per pool that can be backends at all (ready, not excluded by label),
    /// with their address: decided once per node rather than once per (Service, pool).
    /// Exactly sized, as they are held for the whole plan.
    candidates_by_pool: Vec<Box<[NodeBackend<'m>]>>,
    /// One entry per Service routed to PoolServices, in Service order.
    pub services: Vec<ServiceTopology>,
}

impl<'m> Topology<'m> {
    /// The backends of `service` in `pool` (SPEC §3), from the Service's placement `pods`.
    /// Computed per pair when its unit is built, so a fleet's backend lists are never all
    /// in memory at once.
    pub fn backends(
        &self,
        cluster: &Cluster<'m>,
        service: &ServiceIr<'m>,
        pods: &ServicePods<'m>,
        pool: PoolId,
    ) -> Backends<'m> {
        backends(
            cluster,
            service,
            &self.candidates_by_pool[pool.0 as usize],
            &pods.placement,
        )
    }

    /// The entry of Service `service` (an index into [`Cluster::services`]), if it is
    /// routed to PoolServices.
    pub fn service(&self, service: usize) -> Option<&ServiceTopology> {
        self.services
            .binary_search_by_key(&service, |st| st.service)
            .ok()
            .map(|i| &self.services[i])
    }
}

/// A cluster and its topology: what the `plan` driver hands to the model builder.
#[derive(Debug, Clone)]
pub struct Resolved<'m> {
    pub cluster: Cluster<'m>,
    pub topology: Topology<'m>,
}

/// Lowers `manifests` ([`ir::lower`]) and resolves each cluster's topology: the entry point
/// of the future `plan` driver. Not called by `validate`, so its diagnostics
/// (LBP6001–LBP6011) appear only where a plan is built.
pub fn lower_and_resolve<'m>(
    sources: &'m SourceMap,
    objects: Objects<'m>,
    diags: &mut Diagnostics,
) -> Vec<Resolved<'m>> {
    ir::lower(sources, objects, diags)
        .into_iter()
        .map(|cluster| {
            let topology = resolve(&cluster, diags);
            Resolved { cluster, topology }
        })
        .collect()
}

/// Resolves every PoolService-routed Service of `cluster`: matched pools (LBP6010 when
/// none) and ENS prerequisites of pools an ELB is built for (LBP6011).
pub fn resolve<'m>(cluster: &Cluster<'m>, diags: &mut Diagnostics) -> Topology<'m> {
    let index = LabelIndex::new(&cluster.node_pools);
    let nodes_by_pool = nodes_by_pool(cluster);
    let candidates_by_pool = nodes_by_pool
        .iter()
        .map(|members| backend_candidates(cluster, members))
        .collect();
    let missing_ens: Vec<Vec<&'static str>> = cluster
        .node_pools
        .iter()
        .map(|p| missing_ens(p.manifest))
        .collect();
    // At most one entry per Service, and no spare room once done: the list is held for the
    // whole plan, and growing it by pushes left it up to twice its size.
    let mut services = Vec::with_capacity(cluster.services.len());
    for (si, service) in cluster.services.iter().enumerate() {
        let Route::PoolServices { class, .. } = &service.route else {
            continue;
        };
        let Some(selector) = service.pool_selector() else {
            continue;
        };
        let pools = index.matching_pools(&selector);
        if pools.is_empty() {
            diags.push(no_pool_matches(cluster, &selector));
        }
        if *class == LbClass::Elb {
            for &p in &pools {
                for &key in &missing_ens[p.0 as usize] {
                    diags.push(missing_pool_annotation(
                        cluster.node_pools[p.0 as usize],
                        key,
                        selector.span,
                    ));
                }
            }
        }
        services.push(ServiceTopology {
            service: si,
            pools: pools.into_boxed_slice(),
        });
    }
    services.shrink_to_fit();
    Topology {
        index,
        nodes_by_pool,
        candidates_by_pool,
        services,
    }
}

/// Where the backend pods of Services run, for providers that build one load balancer per
/// Service over the whole cluster (CCM CLB/NLB, CCE) instead of one per NodePool. Built once
/// per cluster; each Service's placement is then read in time linear in its own pods.
pub struct ClusterPods<'m> {
    index: PlacementIndex<'m>,
}

/// One Service's backend pods per node, or the workload whose placement the scheduler
/// decides.
pub struct ServicePods<'m> {
    placement: Placement<'m>,
}

impl<'m> ClusterPods<'m> {
    pub fn new(cluster: &Cluster<'m>) -> Self {
        ClusterPods {
            index: PlacementIndex::new(cluster),
        }
    }

    /// The placement of `service`'s backends (EndpointSlices, else Pods, else workloads).
    pub fn of(&self, cluster: &Cluster<'m>, service: &ServiceIr<'m>) -> ServicePods<'m> {
        ServicePods {
            placement: self.index.placement(cluster, service),
        }
    }
}

impl<'m> ServicePods<'m> {
    /// The Deployment or StatefulSet whose pods the scheduler places, if one backs the
    /// Service: then no per-node count is known before apply.
    pub fn scheduled_by(&self) -> Option<Obj<'m, Workload>> {
        match &self.placement {
            Placement::Scheduled { workload } => Some(*workload),
            Placement::Known { .. } => None,
        }
    }

    /// Ready backend pods on `node` (`None` when the scheduler decides).
    pub fn on_node(&self, cluster: &Cluster<'m>, node: NodeId) -> Option<u32> {
        let n = cluster.nodes.get(node.0 as usize)?;
        self.placement.pods_on(node.0, n.labels())
    }
}

/// Members of each pool by node label (nodes are sorted by name, so are the lists), each
/// list without spare room: they are held for the whole plan.
fn nodes_by_pool(cluster: &Cluster) -> Vec<Vec<NodeId>> {
    let pool_ids: HashMap<&str, usize> = cluster
        .node_pools
        .iter()
        .enumerate()
        .map(|(i, p)| (p.name(), i))
        .collect();
    let mut out = vec![Vec::new(); cluster.node_pools.len()];
    for (i, n) in cluster.nodes.iter().enumerate() {
        if let Some(&p) = n.pool().and_then(|l| pool_ids.get(l.value.value.as_str())) {
            out[p].push(NodeId(i as u32));
        }
    }
    out.iter_mut().for_each(Vec::shrink_to_fit);
    out
}

/// The pool members that can be backends at all (ready, and not excluded by label),
/// each with its first `InternalIP` and no pods counted yet.
fn backend_candidates<'m>(cluster: &Cluster<'m>, members: &[NodeId]) -> Box<[NodeBackend<'m>]> {
    members
        .iter()
        .filter_map(|&id| {
            let node = cluster.nodes[id.0 as usize];
            eligible(node).then(|| NodeBackend {
                node: id,
                address: node.internal_ip().map(|a| a.value.as_str()),
                pods: 0,
            })
        })
        .collect()
}

/// Whether a pool member can be a backend at all: ready, and not excluded by label.
fn eligible(node: &NodeRecord) -> bool {
    node.is_ready() && !node.labels().contains_key(EXCLUDE_FROM_LB_LABEL)
}

/// SPEC §3: `Local` → the pool's nodes running a ready backend pod; `Cluster` → every
/// eligible node of the pool, but none when no node of the pool runs one (case 56).
fn backends<'m>(
    cluster: &Cluster<'m>,
    service: &ServiceIr<'m>,
    candidates: &[NodeBackend<'m>],
    placement: &Placement<'m>,
) -> Backends<'m> {
    if cluster.nodes.is_empty() {
        return Backends::Unknown {
            reason: NO_NODES,
            workload: None,
        };
    }
    if let Placement::Scheduled { workload } = placement {
        return Backends::Unknown {
            reason: SCHEDULER_DECIDES,
            workload: Some(*workload),
        };
    }
    let mut out = Vec::with_capacity(candidates.len());
    let mut serving = false;
    for candidate in candidates {
        let id = candidate.node.0;
        let pods = placement
            .pods_on(id, cluster.nodes[id as usize].labels())
            .unwrap_or(0);
        serving |= pods > 0;
        if pods > 0 || service.traffic_policy.value == TrafficPolicy::Cluster {
            out.push(NodeBackend { pods, ..*candidate });
        }
    }
    if !serving {
        out.clear();
    }
    Backends::Known(out)
}

/// The ENS annotations a pool lacks (or has empty), in the order the ECM checks them
/// (reference §6.1 `buildPoolAttribute`).
fn missing_ens(pool: &Manifest) -> Vec<&'static str> {
    let meta = &pool.meta;
    let blank = |e: Option<&crate::manifest::decode::StringEntry>| {
        e.is_none_or(|e| e.value.value.trim().is_empty())
    };
    let mut out = Vec::new();
    if blank(nodepool::ens_network_id(meta)) {
        out.push(ENS_NETWORK_ID);
    }
    if blank(nodepool::ens_region_id(meta)) {
        out.push(ENS_REGION_ID);
    }
    if nodepool::ens_vswitch_id(meta)
        .and_then(nodepool::first_vswitch)
        .is_none()
    {
        out.push(ENS_VSWITCH_ID);
    }
    out
}

/// The ECM's own wording for each missing key (reference §6.1, case 47).
fn ecm_words(key: &str) -> &'static str {
    match key {
        ENS_NETWORK_ID => "network id",
        ENS_REGION_ID => "region id",
        _ => "vswitch id",
    }
}

fn missing_pool_annotation(pool: Obj<NodePool>, key: &'static str, selector: Span) -> Diagnostic {
    let name = pool.name();
    let at = pool
        .manifest
        .meta
        .name
        .as_ref()
        .map_or(pool.manifest.span, |n| n.span);
    let example = match key {
        ENS_NETWORK_ID => "n-xxx",
        ENS_REGION_ID => "cn-xxx-xxx",
        _ => "vsw-xxx",
    };
    Diagnostic::error(
        "LBP6011",
        format!(
            "NodePool `{name}` has no `{key}`: the ECM cannot build its ELB (\"ens nodepool [{name}] {} is empty\")",
            ecm_words(key)
        ),
    )
    .with_primary(at, format!("missing annotation `{key}`"))
    .with_secondary(selector, format!("this selector matches `{name}`"))
    .with_help(format!(
        "kubectl annotate nodepool {name} {key}={example} (seed 000, step 2), or relabel the pool so the selector no longer matches it"
    ))
}

fn no_pool_matches(cluster: &Cluster, selector: &LabelSelector) -> Diagnostic {
    let pools = &cluster.node_pools;
    let help = if pools.is_empty() {
        "the input has no NodePool; add the ENS node pools (`kubectl get nodepool -o yaml`) or label one so the selector matches".to_string()
    } else if pools.len() <= HELP_POOL_LIMIT {
        let listed: Vec<String> = pools
            .iter()
            .map(|p| {
                let labels: Vec<String> = p
                    .labels()
                    .values()
                    .map(|e| format!("{}={}", e.key.value, e.value.value))
                    .collect();
                format!("`{}` {{{}}}", p.name(), labels.join(", "))
            })
            .collect();
        format!(
            "NodePool labels (metadata.labels) are: {}; label a pool with `kubectl label nodepool <pool> <key>=<value>` or fix the selector",
            listed.join("; ")
        )
    } else {
        format!(
            "none of the {} NodePools carries matching metadata.labels; label a pool with `kubectl label nodepool <pool> <key>=<value>` or fix the selector",
            pools.len()
        )
    };
    Diagnostic::warning(
        "LBP6010",
        "the node pool selector matches no NodePool: no PoolService and no ELB is created",
    )
    .with_primary(
        selector.span,
        "matches no NodePool (event `NoMatchNodePool`)",
    )
    .with_help(help)
}

#[cfg(test)]
mod tests;
