//! Why a CLB or NLB resource appears in or disappears from the plan, in manifest terms
//! (reference §2.8: deleting the Service or changing its type deletes what the CCM
//! created; removing a port deletes its listener and server group; a class change moves
//! the Service between CLB and NLB).
//!
//! Addresses are `<kind>.<ns>/<svc>[/<proto>-<port>]` with kind `clb`, `nlb`, `listener`,
//! `server_group` or `backend`; the ELB provider's addresses have a third path segment
//! (the pool) and are left to it.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Cluster, Route, ServiceType};
use crate::model::Model;
use crate::plan::Causes;
use crate::topology::Resolved;

use crate::topology::ClusterPods;

use super::backends::ServiceBackends;
use super::settings::{ClbService, Mode, Product};

/// How the load balancer gets its name (reference §2.3, §2.6).
fn naming(s: &ClbService) -> String {
    if let Some(id) = s.reused_id() {
        return format!(
            "reuses `{}` (`…-loadbalancer-id`), which the CCM never deletes",
            id.value
        );
    }
    if let Some(n) = s.ann("name") {
        return format!("named `{}` by `…-loadbalancer-name`", n.value);
    }
    match (s.product, s.default_name()) {
        (Product::Clb, Some(n)) => format!("named `{n}`: `a` + the Service UID without dashes, 32 characters"),
        (Product::Clb, None) => "named `a` + the Service UID without dashes (32 characters): the YAML has no metadata.uid, so the name is known once the API server creates the Service".to_string(),
        (Product::Nlb, _) => "no `…-loadbalancer-name`, so the NLB gets a cloud-assigned name".to_string(),
    }
}

/// Nodes listed by name in the plan reason, at most.
const DROPPED_LIMIT: usize = 5;

/// The nodes that are not backends and why (reference §2.4), for the plan reason.
fn dropped_nodes(cluster: &Cluster, s: &ClbService) -> String {
    if s.mode() == Mode::Eni {
        return String::new();
    }
    let dropped: Vec<String> = cluster
        .nodes
        .iter()
        .filter_map(|n| {
            s.dropped(cluster, n)
                .map(|d| format!("{} {}", n.name(), d.describe()))
        })
        .collect();
    if dropped.is_empty() {
        return String::new();
    }
    let more = dropped.len().saturating_sub(DROPPED_LIMIT);
    let mut text = format!(
        "; not backends: {}",
        dropped[..dropped.len().min(DROPPED_LIMIT)].join(", ")
    );
    if more > 0 {
        text.push_str(&format!(" and {more} more"));
    }
    text
}

/// Seed 002, "Choose an external traffic policy": the row of the table that applies.
fn policy(s: &ClbService, backends: &ServiceBackends) -> String {
    let count = match backends.nodes() {
        Ok(n) => n.len().to_string(),
        Err(_) => "(known after apply)".to_string(),
    };
    match s.mode() {
        Mode::Cluster => format!(
            "externalTrafficPolicy Cluster: every eligible node is a backend (backend entries against the quota: {count}), weight `default-weight`; pod-level balancing on, client source IP and session persistence not kept (seed 002)"
        ),
        Mode::Local => format!(
            "externalTrafficPolicy Local: only the {count} nodes hosting a backend pod, weight = pods on the node; source IP and session persistence kept; pod-level balancing only with `…-scheduler: \"wrr\"` (seed 002)"
        ),
        Mode::Eni => "`backend-type: eni`: pods are backends by IP on the target port, weight `default-weight`; traffic skips the node hop (seed 002, hybrid pods)".to_string(),
    }
}

/// What the current manifests say about one Service.
#[derive(Debug, Clone)]
struct ServiceFacts {
    type_: ServiceType,
    /// `clb`, `nlb`, or `None` when the CCM does not build for it.
    product: Option<&'static str>,
    /// `<proto>-<port>` of each port.
    ports: BTreeSet<String>,
    /// How the load balancer is named (the UID may be unknown before apply).
    naming: String,
    /// The seed 002 Local/Cluster row that applies, with the backend count.
    policy: String,
    /// A reused load balancer without `force-override-listeners`: no listeners.
    listeners_unmanaged: bool,
}

/// The provider's [`Causes`] for CCM resources. Every Service of the input is known by
/// name (a prior CLB may belong to a Service that is now an ELB Service, or not a
/// LoadBalancer at all), but only the CCM's own Services carry their texts: a fleet of
/// ELB Services would otherwise cost a copy of each.
#[derive(Debug, Clone, Default)]
pub struct ClbCauses<'a> {
    services: BTreeMap<(&'a str, &'a str), ServiceFacts>,
}

const KINDS: &[&str] = &[
    "clb",
    "nlb",
    "listener",
    "server_group",
    "backend",
    "security_group",
];

impl<'a> ClbCauses<'a> {
    pub fn new(resolved: &'a [Resolved]) -> Self {
        let mut c = ClbCauses::default();
        for r in resolved {
            let mut pods = None;
            for s in &r.cluster.services {
                let product = match s.route {
                    Route::Clb { .. } => Some("clb"),
                    Route::Nlb { .. } => Some("nlb"),
                    _ => None,
                };
                let mut facts = ServiceFacts {
                    type_: s.type_.value,
                    product,
                    ports: BTreeSet::new(),
                    naming: String::new(),
                    policy: String::new(),
                    listeners_unmanaged: false,
                };
                if product.is_some() {
                    facts.ports = s
                        .ports
                        .iter()
                        .map(crate::ir::PortIr::address_suffix)
                        .collect();
                    if let Some(clb) = ClbService::of(s) {
                        let pods = pods.get_or_insert_with(|| ClusterPods::new(&r.cluster));
                        facts.naming = naming(&clb);
                        facts.policy = policy(&clb, &ServiceBackends::new(&r.cluster, pods, &clb))
                            + &dropped_nodes(&r.cluster, &clb);
                        facts.listeners_unmanaged =
                            clb.reused_id().is_some() && clb.force_override().is_none();
                    }
                }
                c.services.insert((s.namespace(), s.name()), facts);
            }
        }
        c
    }

    /// (kind, namespace, service, port suffix) of a CCM address.
    fn parse(address: &str) -> Option<(&str, &str, &str, Option<&str>)> {
        let (kind, rest) = address.split_once('.')?;
        if !KINDS.contains(&kind) {
            return None;
        }
        let mut parts = rest.split('/');
        let ns = parts.next()?;
        let svc = parts.next()?;
        let port = parts.next();
        if parts.next().is_some() {
            return None;
        }
        // `<proto>-<port>` only: an ELB address has the pool here.
        if let Some(p) = port
            && !p.split_once('-').is_some_and(|(proto, n)| {
                matches!(proto, "tcp" | "udp" | "sctp") && n.parse::<u32>().is_ok()
            })
        {
            return None;
        }
        Some((kind, ns, svc, port))
    }
}

/// Whether [`ClbCauses`] could answer for `address`: every answer starts by parsing it,
/// so the registry need not build the causes (a fact sheet per Service) for other shapes.
pub fn may_answer(address: &str) -> bool {
    ClbCauses::parse(address).is_some()
}

/// [`ClbCauses::new`] for the planning registry.
pub fn boxed<'a>(resolved: &'a [Resolved], _prior: &'a Model) -> Box<dyn Causes + 'a> {
    Box::new(ClbCauses::new(resolved))
}

impl Causes for ClbCauses<'_> {
    fn why_absent(&self, address: &str) -> Option<String> {
        let (kind, ns, svc, port) = Self::parse(address)?;
        let Some(facts) = self.services.get(&(ns, svc)) else {
            return Some(format!("Service {ns}/{svc} was deleted"));
        };
        if facts.type_ != ServiceType::LoadBalancer {
            return Some(format!(
                "Service {ns}/{svc} is no longer type LoadBalancer (now {})",
                facts.type_.as_str()
            ));
        }
        match facts.product {
            None => {
                return Some(format!(
                    "Service {ns}/{svc} is no longer handled by the CCM (`loadBalancerClass` or a routing annotation changed)"
                ));
            }
            Some(p) if matches!(kind, "clb" | "nlb") && p != kind => {
                return Some(format!(
                    "Service {ns}/{svc} moved from {} to {} (`loadBalancerClass` changed)",
                    kind.to_uppercase(),
                    p.to_uppercase()
                ));
            }
            _ => {}
        }
        // Always an answer: the providers after this one read other address shapes.
        Some(match port {
            Some(p) if !facts.ports.contains(p) => {
                format!("port {p} was removed from spec.ports of Service {ns}/{svc}")
            }
            _ if kind == "security_group" => format!(
                "Service {ns}/{svc} has no `loadBalancerSourceRanges` any more (or reuses its NLB), so the CCM deletes the security group it created for them (reference §2.8)"
            ),
            _ if kind == "listener" && facts.listeners_unmanaged => format!(
                "Service {ns}/{svc} reuses a load balancer without `force-override-listeners: \"true\"`, so the CCM no longer manages its listeners (reference §2.6)"
            ),
            _ => format!("no longer produced for Service {ns}/{svc}"),
        })
    }

    fn why_present(&self, address: &str) -> Option<String> {
        let (kind, ns, svc, port) = Self::parse(address)?;
        let facts = self.services.get(&(ns, svc))?;
        let product = facts.product?.to_uppercase();
        Some(match (kind, port) {
            ("security_group", _) => format!(
                "`loadBalancerSourceRanges` of LoadBalancer Service {ns}/{svc} ({product}): the CCM accepts each range and drops the rest (reference §3)"
            ),
            ("backend", Some(p)) => format!(
                "port {p} of LoadBalancer Service {ns}/{svc} ({product}); {}",
                facts.policy
            ),
            (_, Some(p)) => format!("port {p} of LoadBalancer Service {ns}/{svc} ({product})"),
            (_, None) => format!(
                "LoadBalancer Service {ns}/{svc} gets one {product}; {}",
                facts.naming
            ),
        })
    }
}
