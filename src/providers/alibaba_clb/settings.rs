//! What the CCM reads from one `type: LoadBalancer` Service (reference §2.1–§2.4, §3),
//! decided once for the model builder, the rules and the causes.
//!
//! Backends follow the CCM's own order of decisions (`GetServiceTrafficPolicy`): the ENI
//! annotation first, then `externalTrafficPolicy`. Candidate nodes follow `GetNodes` and
//! `IsNodeExcludeFromLoadBalancer`; ACK Edge nodes outside the cloud VPC (ENS and
//! on-premises pools) are never ECS backends, since the seed's ECS-forwarding scenario has
//! on-cloud ECS nodes forward to them.

use crate::annotations::grammar::lists::parse_key_values;
use crate::annotations::grammar::scalar::parse_int;
use crate::ir::{Cluster, EffectiveAnnotations, EffectiveValue, Route, ServiceIr, TrafficPolicy};
use crate::manifest::node::NodeRecord;
use crate::manifest::profile::ClusterProfile;
use crate::manifest::{Manifest, Object};
use crate::topology::{EXCLUDE_FROM_LB_LABEL, NodeId};

/// `service.beta.kubernetes.io/alibaba-cloud-loadbalancer-<suffix>`.
pub fn key(suffix: &str) -> String {
    format!("service.beta.kubernetes.io/alibaba-cloud-loadbalancer-{suffix}")
}

/// Selects ENI (pod) backends instead of nodes (reference §2.1: not under the prefix).
pub const BACKEND_TYPE: &str = "service.beta.kubernetes.io/backend-type";

/// The CLB default name is cut to this many characters (reference §2.3).
pub const CLB_NAME_LIMIT: usize = 32;

/// Node labels that keep a node out of CCM backends, besides [`EXCLUDE_FROM_LB_LABEL`]
/// (reference §2.4 `IsNodeExcludeFromLoadBalancer`).
const EXCLUDE_LABELS: &[&str] = &[
    EXCLUDE_FROM_LB_LABEL,
    "alpha.service-controller.kubernetes.io/exclude-balancer",
    "service.beta.kubernetes.io/exclude-node",
    "service.alibabacloud.com/exclude-node",
];
const MASTER_LABEL: &str = "node-role.kubernetes.io/master";
/// ECI nodes: never ECS backends (reference §2.4, step 5).
const VIRTUAL_KUBELET_LABEL: (&str, &str) = ("type", "virtual-kubelet");
const AUTOSCALER_TAINT: &str = "ToBeDeletedByClusterAutoscaler";
const HYBRID_PROVIDER_PREFIX: &str = "ack-hybrid://";
/// ACK Edge marks every node outside the cloud VPC with this label.
const EDGE_WORKER_LABEL: &str = "alibabacloud.com/is-edge-worker";

/// Which load balancer product the CCM builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Product {
    Clb,
    Nlb,
}

/// How backends are chosen (`GetServiceTrafficPolicy`, reference §2.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Every candidate node, weight `default-weight`.
    Cluster,
    /// Nodes hosting ready pods, weight = pods on the node.
    Local,
    /// Pods by IP on the target port (`backend-type: eni`).
    Eni,
}

/// Why a node is not a backend, in the CCM's own terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dropped {
    BackendLabel,
    Master,
    ToBeDeleted,
    Unschedulable,
    NotReady,
    ExcludeLabel(&'static str),
    Hybrid,
    Edge,
    VirtualKubelet,
}

impl Dropped {
    pub fn describe(self) -> String {
        match self {
            Dropped::BackendLabel => "does not carry every `backend-label` label".into(),
            Dropped::Master => format!("is a master (`{MASTER_LABEL}`)"),
            Dropped::ToBeDeleted => format!("is tainted `{AUTOSCALER_TAINT}`"),
            Dropped::Unschedulable => {
                "is unschedulable and `remove-unscheduled-backend: on`".into()
            }
            Dropped::NotReady => "is not Ready".into(),
            Dropped::ExcludeLabel(l) => format!("is labelled `{l}`"),
            Dropped::Hybrid => format!("is a hybrid node (providerID `{HYBRID_PROVIDER_PREFIX}…`)"),
            Dropped::Edge => "is an edge node outside the cloud VPC".into(),
            Dropped::VirtualKubelet => {
                "is a virtual-kubelet node (the CCM adds its pods as ENI backends, which this plan leaves out)".into()
            }
        }
    }
}

/// One Service the CCM builds a CLB or NLB for.
#[derive(Debug, Clone, Copy)]
pub struct ClbService<'a, 'm> {
    pub service: &'a ServiceIr<'m>,
    pub product: Product,
    pub annotations: EffectiveAnnotations<'m>,
}

impl<'a, 'm> ClbService<'a, 'm> {
    /// `Some` for Services routed to the CCM (SPEC §2).
    pub fn of(service: &'a ServiceIr<'m>) -> Option<Self> {
        let product = match service.route {
            Route::Clb { .. } => Product::Clb,
            Route::Nlb { .. } => Product::Nlb,
            _ => return None,
        };
        Some(ClbService {
            service,
            product,
            annotations: service.annotations(),
        })
    }

    /// The effective `…-loadbalancer-<suffix>` value.
    pub fn ann(&self, suffix: &str) -> Option<EffectiveValue<'m>> {
        self.annotations.get(&key(suffix))
    }

    /// `…-loadbalancer-id`: a user's load balancer is reused, never created or deleted.
    pub fn reused_id(&self) -> Option<EffectiveValue<'m>> {
        self.ann("id").filter(|v| !v.value.trim().is_empty())
    }

    /// CCM compares with exactly `"true"` (reference §2.2).
    pub fn force_override(&self) -> Option<EffectiveValue<'m>> {
        self.ann("force-override-listeners")
            .filter(|v| v.value == "true")
    }

    /// Any non-empty value keeps the load balancer when the Service goes (reference §2.8).
    pub fn preserve_on_delete(&self) -> Option<EffectiveValue<'m>> {
        self.ann("preserve-lb-on-delete")
            .filter(|v| !v.value.is_empty())
    }

    pub fn mode(&self) -> Mode {
        if self
            .annotations
            .get(BACKEND_TYPE)
            .is_some_and(|v| v.value == "eni")
        {
            Mode::Eni
        } else if self.service.traffic_policy.value == TrafficPolicy::Local {
            Mode::Local
        } else {
            Mode::Cluster
        }
    }

    /// `server-group-type: Ip` (NLB, case-insensitive).
    pub fn ip_server_group(&self) -> bool {
        self.ann("server-group-type")
            .is_some_and(|v| v.value.eq_ignore_ascii_case("ip"))
    }

    /// `default-weight`, 100 when absent or out of range (the check stage reports that).
    pub fn default_weight(&self) -> i64 {
        self.ann("default-weight")
            .and_then(|v| parse_int(v.value, 0, 100).ok())
            .unwrap_or(100)
    }

    /// The Service UID without dashes; `None` when the YAML has none (the API server
    /// assigns it at creation).
    pub fn uid(&self) -> Option<String> {
        self.service
            .obj
            .manifest
            .meta
            .uid
            .as_ref()
            .map(|u| u.value.replace('-', ""))
    }

    /// The CCM's default name: `a` + UID without dashes, cut to 32 characters (the CLB
    /// name, and the `kubernetes.do.not.delete` tag of both products).
    pub fn default_name(&self) -> Option<String> {
        self.uid()
            .map(|u| format!("a{u}").chars().take(CLB_NAME_LIMIT).collect())
    }

    /// Why `node` is not a candidate backend, or `None` when it is one.
    pub fn dropped(&self, cluster: &Cluster<'m>, node: &NodeRecord) -> Option<Dropped> {
        let labels = node.labels();
        if let Some(sel) = self.ann("backend-label")
            && let Ok(kvs) = parse_key_values(sel.value, false)
            && !kvs.iter().all(|kv| {
                labels
                    .get(kv.key.value.as_str())
                    .is_some_and(|e| e.value.value == kv.value.value)
            })
        {
            return Some(Dropped::BackendLabel);
        }
        if labels
            .get(VIRTUAL_KUBELET_LABEL.0)
            .is_some_and(|e| e.value.value == VIRTUAL_KUBELET_LABEL.1)
        {
            return Some(Dropped::VirtualKubelet);
        }
        if labels.contains_key(MASTER_LABEL) {
            return Some(Dropped::Master);
        }
        if node.taints.iter().any(|t| t.key_str() == AUTOSCALER_TAINT) {
            return Some(Dropped::ToBeDeleted);
        }
        if node.is_unschedulable()
            && self
                .ann("remove-unscheduled-backend")
                .is_some_and(|v| v.value == "on")
        {
            return Some(Dropped::Unschedulable);
        }
        if !node.is_ready() {
            return Some(Dropped::NotReady);
        }
        if let Some(l) = EXCLUDE_LABELS.iter().find(|l| labels.contains_key(**l)) {
            return Some(Dropped::ExcludeLabel(l));
        }
        if node
            .provider_id
            .as_ref()
            .is_some_and(|p| p.value.starts_with(HYBRID_PROVIDER_PREFIX))
        {
            return Some(Dropped::Hybrid);
        }
        if is_edge_node(cluster, node) {
            return Some(Dropped::Edge);
        }
        None
    }

    /// Candidate backend nodes, by name, with their ids.
    pub fn candidates(&self, cluster: &Cluster<'m>) -> Vec<NodeId> {
        cluster
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| self.dropped(cluster, n).is_none())
            .map(|(i, _)| NodeId(i as u32))
            .collect()
    }
}

/// Whether a node runs outside the cloud VPC: ACK Edge's edge-worker label, or membership
/// of a NodePool that is not `type: Cloud`.
pub fn is_edge_node(cluster: &Cluster, node: &NodeRecord) -> bool {
    if node
        .labels()
        .get(EDGE_WORKER_LABEL)
        .is_some_and(|e| e.value.value == "true")
    {
        return true;
    }
    // `node_pools` is sorted by name.
    node.pool()
        .and_then(|p| {
            let name = p.value.value.as_str();
            cluster
                .node_pools
                .binary_search_by(|np| np.name().cmp(name))
                .ok()
                .map(|i| cluster.node_pools[i])
        })
        .is_some_and(|np| !np.object.is_cloud())
}

/// The instance id in a `[alicloud://]<region>.<instance>` providerID; `None` when the
/// format is not that (the CCM fails: "parse providerid").
pub fn instance_id(provider_id: &str) -> Option<&str> {
    let rest = provider_id
        .strip_prefix("alicloud://")
        .unwrap_or(provider_id);
    let (region, id) = rest.split_once('.')?;
    (!region.is_empty() && !id.is_empty() && !id.contains('.')).then_some(id)
}

/// The cluster's profile object, if the input has one.
pub fn profile<'m>(cluster: &Cluster<'m>) -> Option<&'m ClusterProfile> {
    match cluster.profile.map(|m: &Manifest| &m.object) {
        Some(Object::ClusterProfile(p)) => Some(p),
        _ => None,
    }
}
