//! The backend servers of one Service port (reference §2.4 table), shared by CLB and NLB.
//!
//! Node backends (`Cluster`, `Local`) come from the candidate nodes and the per-node pod
//! counts of `topology`; pod backends (`backend-type: eni`) need pod IPs, which only a
//! live snapshot has (EndpointSlices, else Pods): inferred workloads leave them "known
//! after apply".

use crate::ir::{Cluster, ServiceIr};
use crate::manifest::decode::IntOrString;
use crate::topology::{ClusterPods, NodeId, SCHEDULER_DECIDES};

/// Why node backends are unknown when the input lists no Nodes.
const NO_BACKEND_NODES: &str = "the input has no Nodes, so the backend nodes are not known";

use super::settings::{ClbService, Mode, instance_id};

/// One backend server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    /// The node (node backends) or the node hosting the pod, when known.
    pub node: Option<String>,
    /// The ECS instance id from the node's providerID; `None` for pods (the ENI id is
    /// looked up by the cloud).
    pub server_id: Option<String>,
    /// The pod IP (pod backends) or the node's InternalIP.
    pub ip: Option<String>,
    /// `None`: the NodePort, assigned by the API server when the YAML has none.
    pub port: Option<i64>,
    pub weight: i64,
}

/// The servers of one port, or why they are not known before apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Servers {
    Known(Vec<Server>),
    Unknown(String),
}

/// The nodes' pods and candidates of one Service, computed once for all its ports.
pub struct ServiceBackends {
    mode: Mode,
    /// Node backends with the pods each hosts (all candidates in `Cluster`).
    nodes: Result<Vec<(NodeId, u32)>, String>,
    default_weight: i64,
}

impl ServiceBackends {
    pub fn new<'m>(cluster: &Cluster<'m>, pods: &ClusterPods<'m>, s: &ClbService<'_, 'm>) -> Self {
        let mode = s.mode();
        let nodes = if cluster.nodes.is_empty() {
            Err(NO_BACKEND_NODES.to_string())
        } else {
            let candidates = s.candidates(cluster);
            match mode {
                Mode::Cluster | Mode::Eni => Ok(candidates.into_iter().map(|n| (n, 0)).collect()),
                Mode::Local => {
                    let placed = pods.of(cluster, s.service);
                    match placed.scheduled_by() {
                        Some(w) => Err(format!(
                            "{SCHEDULER_DECIDES} ({} `{}/{}`)",
                            w.object.kind.as_str(),
                            w.namespace(),
                            w.name()
                        )),
                        None => Ok(candidates
                            .into_iter()
                            .filter_map(|n| {
                                let count = placed.on_node(cluster, n).unwrap_or(0);
                                (count > 0).then_some((n, count))
                            })
                            .collect()),
                    }
                }
            }
        };
        ServiceBackends {
            mode,
            nodes,
            default_weight: s.default_weight(),
        }
    }

    /// The node backends: `(node, pods)` (`Local`: only nodes hosting pods).
    pub fn nodes(&self) -> Result<&[(NodeId, u32)], &str> {
        self.nodes.as_deref().map_err(String::as_str)
    }

    /// The servers of one Service port. `shared_weight` is the `weight` annotation when the
    /// port is bound to a user's server group (`id` + `vgroup-port`): this Service's
    /// backends then share it (reference §2.4 table, last column).
    pub fn servers(
        &self,
        cluster: &Cluster,
        service: &ServiceIr,
        port: &crate::ir::PortIr,
        shared_weight: Option<i64>,
    ) -> Servers {
        let servers = if self.mode == Mode::Eni {
            pod_servers(cluster, service, port, self.default_weight)
        } else {
            match &self.nodes {
                Ok(n) => Servers::Known(self.node_servers(cluster, port, n)),
                Err(why) => Servers::Unknown(why.clone()),
            }
        };
        match (servers, shared_weight) {
            (Servers::Known(list), Some(w)) => Servers::Known(self.share(list, w)),
            (other, _) => other,
        }
    }

    /// `max(1, W / #backends)` each (Local: `max(1, W * pods / #pods)`); W = 0 → all 0.
    fn share(&self, mut list: Vec<Server>, total: i64) -> Vec<Server> {
        let n = list.len() as i64;
        let pods: i64 = list.iter().map(|s| s.weight).sum();
        for s in &mut list {
            s.weight = match (total, self.mode) {
                (0, _) => 0,
                (w, Mode::Local) if pods > 0 => (w * s.weight / pods).max(1),
                (w, Mode::Eni) => w / n.max(1),
                (w, _) => (w / n.max(1)).max(1),
            };
        }
        list
    }

    fn node_servers(
        &self,
        cluster: &Cluster,
        port: &crate::ir::PortIr,
        nodes: &[(NodeId, u32)],
    ) -> Vec<Server> {
        nodes
            .iter()
            .map(|&(id, pods)| {
                let node = cluster.nodes[id.0 as usize];
                Server {
                    node: Some(node.name().to_string()),
                    server_id: node
                        .provider_id
                        .as_ref()
                        .and_then(|p| instance_id(&p.value))
                        .map(str::to_string),
                    ip: node.internal_ip().map(|a| a.value.to_string()),
                    port: port.node_port,
                    weight: if self.mode == Mode::Local {
                        i64::from(pods)
                    } else {
                        self.default_weight
                    },
                }
            })
            .collect()
    }
}

/// The Service port's target port: a number, or the name of a container port.
fn target<'p>(port: &'p crate::ir::PortIr) -> Result<i64, &'p str> {
    match port.port.target_port.as_ref().map(|t| &t.value) {
        None => Ok(port.number),
        Some(IntOrString::Int(n)) => Ok(*n),
        Some(IntOrString::Str(s)) => Err(s.as_str()),
    }
}

/// ENI mode: every ready endpoint by IP on the target port, weight `default-weight`
/// (reference §2.4), sorted by IP.
fn pod_servers(
    cluster: &Cluster,
    service: &ServiceIr,
    port: &crate::ir::PortIr,
    weight: i64,
) -> Servers {
    let ns = service.namespace();
    let port_name = port.port.name.as_ref().map(|n| n.value.as_str());
    let mut out: Vec<Server> = Vec::new();
    let slices: Vec<_> = cluster
        .endpoint_slices
        .iter()
        .filter(|s| {
            s.namespace() == ns
                && crate::manifest::endpointslice::service_name(&s.manifest.meta)
                    .is_some_and(|e| e.value.value == service.name())
        })
        .collect();
    if !slices.is_empty() {
        for slice in slices {
            // Reference §2.4: the backend port is looked up by Service port name; a slice
            // without that name is skipped.
            let Some(p) = slice
                .object
                .ports
                .iter()
                .find(|p| p.name.as_ref().map(|n| n.value.as_str()) == port_name)
                .and_then(|p| p.port.as_ref())
            else {
                continue;
            };
            for e in slice.object.endpoints.iter().filter(|e| e.is_ready()) {
                if let Some(ip) = e.addresses.first() {
                    push_unique(
                        &mut out,
                        Server {
                            node: e.node_name.as_ref().map(|n| n.value.to_string()),
                            server_id: None,
                            ip: Some(ip.value.to_string()),
                            port: Some(p.value),
                            weight,
                        },
                    );
                }
            }
        }
    } else if !cluster.pods.is_empty() {
        let selector = &service.obj.object.selector;
        for pod in cluster.pods.iter().filter(|p| p.namespace() == ns) {
            let labels = pod.labels();
            let selected = !selector.is_empty()
                && selector.values().all(|e| {
                    labels
                        .get(e.key.value.as_str())
                        .is_some_and(|l| l.value.value == e.value.value)
                });
            if !selected || !pod.object.is_ready() {
                continue;
            }
            let Some(ip) = pod.object.pod_ip.as_ref() else {
                continue;
            };
            let number = match target(port) {
                Ok(n) => Some(n),
                Err(name) => pod
                    .object
                    .spec
                    .port_named(name)
                    .and_then(|p| p.container_port.as_ref())
                    .map(|p| p.value),
            };
            let Some(number) = number else { continue };
            push_unique(
                &mut out,
                Server {
                    node: pod.object.node_name().map(str::to_string),
                    server_id: None,
                    ip: Some(ip.value.to_string()),
                    port: Some(number),
                    weight,
                },
            );
        }
    } else {
        return Servers::Unknown(
            "pod IPs are assigned when the pods start (the input has no Pods or EndpointSlices)"
                .to_string(),
        );
    }
    out.sort_by(|a, b| a.ip.cmp(&b.ip));
    Servers::Known(out)
}

/// Duplicate addresses are skipped (reference §2.4).
fn push_unique(out: &mut Vec<Server>, s: Server) {
    if !out.iter().any(|o| o.ip == s.ip && o.port == s.port) {
        out.push(s);
    }
}
