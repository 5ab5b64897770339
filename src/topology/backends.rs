//! Where a Service's backend pods run, per node: from EndpointSlices, from Pods, or
//! inferred from workloads (SPEC §1 "Backends are known exactly when …").
//!
//! Each Service's placement is computed once, then read per matched pool, so the cost is
//! the Service's own pods or workloads plus the nodes of the pools it matches.

use std::collections::HashMap;

use crate::ir::{Cluster, Obj, ServiceIr};
use crate::manifest::workload::{Workload, WorkloadKind};

use super::index::{Postings, contains_all};

/// The reason attached to backends that only the scheduler will decide.
pub const SCHEDULER_DECIDES: &str = "placement is decided by the scheduler";
/// The reason attached to backends when the input lists no Nodes at all.
pub const NO_NODES: &str = "the input has no Nodes, so the pool's members are not known";

/// Where one Service's backends run.
#[derive(Debug)]
pub(crate) enum Placement<'m> {
    /// Ready backend pods per node id (EndpointSlices, Pods, or DaemonSets whose nodes are
    /// resolved per pool — see `daemon_sets`).
    Known {
        pods_per_node: HashMap<u32, u32>,
        /// DaemonSets backing the Service: one pod on every node matching the template's
        /// `nodeSelector`, resolved when a pool's nodes are visited.
        daemon_sets: Vec<Obj<'m, Workload>>,
    },
    /// A Deployment or StatefulSet backs the Service: the scheduler decides.
    Scheduled { workload: Obj<'m, Workload> },
}

impl Placement<'_> {
    /// Ready backend pods on node `id` with labels `labels`.
    pub(crate) fn pods_on(
        &self,
        id: u32,
        labels: &crate::manifest::decode::StringMap,
    ) -> Option<u32> {
        match self {
            Placement::Known {
                pods_per_node,
                daemon_sets,
            } => {
                let ds = daemon_sets
                    .iter()
                    .filter(|w| contains_all(labels, &w.object.pod.node_selector))
                    .count() as u32;
                Some(pods_per_node.get(&id).copied().unwrap_or(0) + ds)
            }
            Placement::Scheduled { .. } => None,
        }
    }
}

/// The node named `name`: the cluster's nodes are sorted by name and unique, so no index
/// is needed (a fleet's would hold 20,000 names for the few Pods and EndpointSlices that
/// name a node). A nameless Node, already an error, hosts nothing.
fn node_id(cluster: &Cluster, name: &str) -> Option<u32> {
    if name.is_empty() {
        return None;
    }
    let i = cluster
        .nodes
        .binary_search_by(|n| n.name().cmp(name))
        .ok()?;
    u32::try_from(i).ok()
}

/// Indexes built once per cluster for placement lookups.
pub(crate) struct PlacementIndex<'m> {
    /// (namespace, service name) → EndpointSlice indices.
    slices: HashMap<(&'m str, &'m str), Vec<usize>>,
    /// namespace → (pod label postings, pod indices).
    pods: HashMap<&'m str, (Postings<'m>, Box<[u32]>)>,
    /// namespace → (pod template label postings, workload indices).
    workloads: HashMap<&'m str, (Postings<'m>, Box<[u32]>)>,
}

impl<'m> PlacementIndex<'m> {
    pub(crate) fn new(cluster: &Cluster<'m>) -> Self {
        let mut slices: HashMap<(&'m str, &'m str), Vec<usize>> = HashMap::new();
        for (i, s) in cluster.endpoint_slices.iter().enumerate() {
            if let Some(svc) = crate::manifest::endpointslice::service_name(&s.manifest.meta) {
                slices
                    .entry((s.namespace(), svc.value.value.as_str()))
                    .or_default()
                    .push(i);
            }
        }
        let pods = by_namespace(cluster.pods.iter().map(|p| (p.namespace(), p.labels())));
        let workloads = by_namespace(
            cluster
                .workloads
                .iter()
                .map(|w| (w.namespace(), w.object.pod_labels())),
        );
        PlacementIndex {
            slices,
            pods,
            workloads,
        }
    }

    /// The placement of `service`'s backends: EndpointSlices for the Service when given,
    /// else Pods when the input has any (a live snapshot), else inferred from workloads.
    pub(crate) fn placement(
        &self,
        cluster: &Cluster<'m>,
        service: &ServiceIr<'m>,
    ) -> Placement<'m> {
        let ns = service.namespace();
        let mut pods_per_node: HashMap<u32, u32> = HashMap::new();
        let mut count = |node: Option<&str>| {
            if let Some(id) = node.and_then(|n| node_id(cluster, n)) {
                *pods_per_node.entry(id).or_insert(0) += 1;
            }
        };
        if let Some(slices) = self.slices.get(&(ns, service.name())) {
            for &i in slices {
                let slice = cluster.endpoint_slices[i].object;
                // The ECM reads IPv4 slices only (reference §6.5).
                if slice
                    .address_type
                    .as_ref()
                    .is_some_and(|t| t.value != "IPv4")
                {
                    continue;
                }
                for e in slice.endpoints.iter().filter(|e| e.is_ready()) {
                    count(e.node_name.as_ref().map(|n| n.value.as_str()));
                }
            }
            return Placement::Known {
                pods_per_node,
                daemon_sets: Vec::new(),
            };
        }
        let selector = &service.obj.object.selector;
        if !cluster.pods.is_empty() {
            if let Some((postings, ids)) = self.pods.get(ns) {
                for &c in postings.candidates_equal(selector) {
                    let pod = cluster.pods[ids[c as usize] as usize];
                    if pod.object.is_ready() && contains_all(pod.labels(), selector) {
                        count(pod.object.node_name());
                    }
                }
            }
            return Placement::Known {
                pods_per_node,
                daemon_sets: Vec::new(),
            };
        }
        let mut daemon_sets = Vec::new();
        if let Some((postings, ids)) = self.workloads.get(ns) {
            for &c in postings.candidates_equal(selector) {
                let w = cluster.workloads[ids[c as usize] as usize];
                if !contains_all(w.object.pod_labels(), selector) {
                    continue;
                }
                match w.object.kind {
                    WorkloadKind::DaemonSet => daemon_sets.push(w),
                    WorkloadKind::Deployment | WorkloadKind::StatefulSet => {
                        return Placement::Scheduled { workload: w };
                    }
                }
            }
        }
        Placement::Known {
            pods_per_node,
            daemon_sets,
        }
    }
}

/// The postings and object indices of each namespace, the indices exactly sized: the
/// index is held for the whole plan.
fn by_namespace<'m>(
    objects: impl Iterator<Item = (&'m str, &'m crate::manifest::decode::StringMap)>,
) -> HashMap<&'m str, (Postings<'m>, Box<[u32]>)> {
    let mut groups: HashMap<&'m str, (Vec<&'m crate::manifest::decode::StringMap>, Vec<u32>)> =
        HashMap::new();
    for (i, (ns, labels)) in objects.enumerate() {
        let g = groups.entry(ns).or_default();
        g.0.push(labels);
        g.1.push(i as u32);
    }
    groups
        .into_iter()
        .map(|(ns, (labels, ids))| (ns, (Postings::build(labels), ids.into_boxed_slice())))
        .collect()
}
