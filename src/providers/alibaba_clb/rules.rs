//! The CCM rules of SPEC §4 that need the lowered cluster (profile, nodes, pods): the
//! seed 002 scenarios (ECS forwarding to edge pods, hybrid NLB), the seed's Local/Cluster
//! table, and the CCM's own refusals (reference §2.2–§2.6, §3, §8 cases 1–26). Annotation
//! syntax and ranges are the check stage's business (catalogue grammars); these rules read
//! values that already parse.
//!
//! Each rule is one function returning its findings, so each can be tested alone.

use crate::annotations::grammar::lists::parse_zone_maps;
use crate::annotations::grammar::scalar::parse_int;
use crate::diag::{Diagnostic, Diagnostics};
use crate::ir::{Cluster, Protocol, ServiceIr};
use crate::manifest::node::NODEPOOL_LABEL;
use crate::model::{Kind, Model, Owner, ProviderKind, Value};
use crate::source::Span;
use crate::topology::{ClusterPods, Resolved};

use super::backends::ServiceBackends;
use super::settings::{
    BACKEND_TYPE, ClbService, Mode, Product, instance_id, is_edge_node, key, profile,
};

/// Codes of this module (registered in `diag::codes::clb`).
pub mod codes {
    /// Edge pods behind a CLB with `externalTrafficPolicy: Local` (seed 002).
    pub const ENS_FORWARDING_LOCAL: &str = "LBP7101";
    /// Edge pods behind a CLB without Express Connect (seed 002 prerequisites).
    pub const ENS_FORWARDING_NO_EXPRESS_CONNECT: &str = "LBP7102";
    /// Hybrid NLB (pods by IP) without Terway Edge (seed 002 prerequisites).
    pub const HYBRID_NLB_NEEDS_TERWAY_EDGE: &str = "LBP7103";
    /// Hybrid NLB without Express Connect (seed 002 prerequisites).
    pub const HYBRID_NLB_NEEDS_EXPRESS_CONNECT: &str = "LBP7104";
    /// NLB without `zone-maps` and without `id` (reference §8 case 22).
    pub const NLB_ZONE_MAPS_REQUIRED: &str = "LBP7105";
    /// `Cluster`: more backends than the default quota (seed 002 table, "SLB resource quota").
    pub const BACKEND_QUOTA: &str = "LBP7106";
    /// `Local` without `scheduler: wrr` (seed 002 table, "Pod-level load balancing").
    pub const LOCAL_WITHOUT_WRR: &str = "LBP7107";
    /// Reused load balancer without `force-override-listeners` (reference §2.6).
    pub const REUSED_LISTENERS_UNMANAGED: &str = "LBP7108";
    /// Session persistence with `Cluster` (seed 002 table, "Session persistence").
    pub const PERSISTENCE_WITH_CLUSTER: &str = "LBP7109";
    /// A backend node whose providerID the CCM cannot parse (reference §8 case 12).
    pub const BAD_PROVIDER_ID: &str = "LBP7110";
    /// `weight` without `id` and `vgroup-port` (reference §8 case 4).
    pub const WEIGHT_IGNORED: &str = "LBP7111";
    /// `default-weight` with `Local` (reference §8 case 2).
    pub const DEFAULT_WEIGHT_IGNORED: &str = "LBP7112";
    /// A port protocol neither CLB nor NLB listens on (SCTP).
    pub const UNSUPPORTED_PROTOCOL: &str = "LBP7113";
    /// `server-group-type: Ip` without `backend-type: eni`, or the reverse on ACK Edge.
    pub const HYBRID_NLB_INCOMPLETE: &str = "LBP7114";
    /// A ready endpoint without `nodeName` in Local mode (reference §8 case 13).
    pub const ENDPOINT_WITHOUT_NODE: &str = "LBP7115";
    /// `listener-port-range` without ENI backends (reference §8 case 24).
    pub const PORT_RANGE_NEEDS_ENI: &str = "LBP7116";
    /// `zone-maps` naming one zone only.
    pub const ZONE_MAPS: &str = "LBP7117";
    /// An intranet CLB without `vswitch-id`: the CCM picks one at random.
    pub const RANDOM_VSWITCH: &str = "LBP7118";
    /// Reference §2.6: `loadBalancerSourceRanges` on a reused NLB.
    pub const SOURCE_RANGES_ON_REUSED_NLB: &str = "LBP7120";
    /// Reference §8 case 15.
    pub const REUSES_CCM_LOAD_BALANCER: &str = "LBP7119";
}

/// The default quota of backend servers per CLB instance (Alibaba Cloud "Quotas" page of
/// the seed's table; raisable per account).
pub const BACKEND_QUOTA: usize = 200;

/// Seed 002: "the ECS forwarding path does not work with Local policy".
pub const SEED_LOCAL_REASON: &str = "the ECS forwarding path does not work with Local policy";

/// Runs every CCM rule over one cluster.
pub fn check_cluster(r: &Resolved, diags: &mut Diagnostics) {
    let cluster = &r.cluster;
    let pods = ClusterPods::new(cluster);
    for service in &cluster.services {
        let Some(s) = ClbService::of(service) else {
            continue;
        };
        let edge = edge_pods(cluster, &pods, &s);
        let found = [
            ens_forwarding_local(&s, edge.as_ref()),
            ens_forwarding_express_connect(cluster, &s, edge.as_ref()),
            hybrid_needs_terway_edge(cluster, &s),
            hybrid_needs_express_connect(cluster, &s),
            hybrid_incomplete(&s),
            zone_maps_required(&s),
            local_without_wrr(&s),
            reused_listeners_unmanaged(&s),
            persistence_with_cluster(&s),
            weight_ignored(&s),
            default_weight_ignored(&s),
            port_range_needs_eni(&s),
            zone_maps(&s),
            random_vswitch(&s),
            source_ranges_on_reused_nlb(&s),
        ];
        for d in found.into_iter().flatten() {
            diags.push(d);
        }
        for d in unsupported_protocols(&s) {
            diags.push(d);
        }
        for d in endpoints_without_node(cluster, &s) {
            diags.push(d);
        }
        if !buildable(&s) {
            continue;
        }
        let backends = ServiceBackends::new(cluster, &pods, &s);
        if let Some(d) = backend_quota(&s, &backends) {
            diags.push(d);
        }
        for d in bad_provider_ids(cluster, &s, &backends) {
            diags.push(d);
        }
    }
}

/// Whether the CCM builds anything: an NLB needs zone mappings unless it is reused.
pub fn buildable(s: &ClbService) -> bool {
    zone_maps_required(s).is_none()
}

fn svc_name(s: &ServiceIr) -> String {
    format!("{}/{}", s.namespace(), s.name())
}

fn name_span(s: &ServiceIr) -> Span {
    s.obj
        .manifest
        .meta
        .name
        .as_ref()
        .map_or(s.obj.manifest.span, |n| n.span)
}

/// The span of `externalTrafficPolicy`, else of the Service name.
fn policy_span(s: &ServiceIr) -> Span {
    s.traffic_policy.span.unwrap_or_else(|| name_span(s))
}

/// Evidence that a Service's pods run outside the cloud VPC.
#[derive(Debug, Clone)]
pub struct EdgePods {
    /// What says so: a pod's node, or a workload's `nodeSelector`.
    pub span: Span,
    pub label: String,
}

/// Where the Service's backend pods run on edge nodes: a ready pod on an edge node, or a
/// Deployment/StatefulSet pinned by `nodeSelector` to an edge NodePool.
pub fn edge_pods(cluster: &Cluster, pods: &ClusterPods, s: &ClbService) -> Option<EdgePods> {
    let placed = pods.of(cluster, s.service);
    if let Some(w) = placed.scheduled_by() {
        let entry = w.object.pod.node_selector.get(NODEPOOL_LABEL)?;
        let pool = cluster
            .node_pools
            .iter()
            .find(|p| p.name() == entry.value.value)?;
        return (!pool.object.is_cloud()).then(|| EdgePods {
            span: entry.value.span,
            label: format!(
                "the pods of {} `{}` run in edge NodePool `{}`",
                w.object.kind.as_str(),
                w.name(),
                pool.name()
            ),
        });
    }
    cluster.nodes.iter().enumerate().find_map(|(i, n)| {
        let on = placed.on_node(cluster, crate::topology::NodeId(i as u32))?;
        (on > 0 && is_edge_node(cluster, n)).then(|| EdgePods {
            span: n.name.as_ref().map_or(n.span, |x| x.span),
            label: format!("edge node `{}` hosts a backend pod", n.name()),
        })
    })
}

/// Seed 002, "Prerequisites": edge pods behind a CLB need `externalTrafficPolicy: Cluster`
/// ("the ECS forwarding path does not work with Local policy").
pub fn ens_forwarding_local(s: &ClbService, edge: Option<&EdgePods>) -> Option<Diagnostic> {
    let edge = edge?;
    if s.product != Product::Clb || s.mode() != Mode::Local {
        return None;
    }
    Some(
        Diagnostic::error(
            codes::ENS_FORWARDING_LOCAL,
            format!(
                "Service `{}` exposes edge pods through a CLB with externalTrafficPolicy Local: {SEED_LOCAL_REASON}",
                svc_name(s.service)
            ),
        )
        .with_primary(policy_span(s.service), "Local: only nodes hosting a pod are backends, and edge nodes cannot be")
        .with_secondary(edge.span, edge.label.clone())
        .with_help("set `externalTrafficPolicy: Cluster` so on-cloud ECS nodes forward over Express Connect (seed 002, \"Expose edge pods via ECS forwarding\"), or use a hybrid NLB with `service.beta.kubernetes.io/backend-type: \"eni\"`"),
    )
}

/// Seed 002, "Prerequisites": "Without the ECS instance's network forwarding capability,
/// traffic load balancing cannot reach edge pods" — an Express Connect circuit is needed.
pub fn ens_forwarding_express_connect(
    cluster: &Cluster,
    s: &ClbService,
    edge: Option<&EdgePods>,
) -> Option<Diagnostic> {
    let edge = edge?;
    if s.product != Product::Clb || s.mode() != Mode::Cluster {
        return None;
    }
    let p = profile(cluster);
    if p.is_some_and(|p| p.express_connect()) {
        return None;
    }
    let mut d = Diagnostic::error(
        codes::ENS_FORWARDING_NO_EXPRESS_CONNECT,
        format!(
            "Service `{}` exposes edge pods through a CLB, but the cluster has no Express Connect: without the ECS instance's network forwarding capability, traffic load balancing cannot reach edge pods",
            svc_name(s.service)
        ),
    )
    .with_primary(edge.span, edge.label.clone())
    .with_help("connect the on-cloud VPC to the edge data centre with an Express Connect circuit and set `spec.network.expressConnect: true` in the ClusterProfile (seed 002, prerequisites), or run the pods on-cloud");
    if let Some(ec) = p.and_then(|p| p.express_connect.as_ref()) {
        d = d.with_secondary(ec.span, "no Express Connect");
    }
    Some(d)
}

/// Pods by IP in an NLB: `backend-type: eni` with `server-group-type: Ip`.
fn is_hybrid_nlb(s: &ClbService) -> bool {
    s.product == Product::Nlb && s.mode() == Mode::Eni && s.ip_server_group()
}

fn hybrid_span(s: &ClbService) -> Span {
    s.ann("server-group-type")
        .map_or_else(|| name_span(s.service), |v| v.entry.value.span)
}

/// Seed 002, "For the NLB scenario only": Terway Edge as the network plug-in.
pub fn hybrid_needs_terway_edge(cluster: &Cluster, s: &ClbService) -> Option<Diagnostic> {
    if !is_hybrid_nlb(s) {
        return None;
    }
    let p = profile(cluster);
    if p.is_some_and(|p| p.is_terway_edge()) {
        return None;
    }
    let plugin = p.map_or("flannel", |p| p.network_plugin());
    let mut d = Diagnostic::error(
        codes::HYBRID_NLB_NEEDS_TERWAY_EDGE,
        format!(
            "Service `{}` registers pods in the NLB by IP, which needs the Terway Edge network plug-in; the cluster uses `{plugin}`",
            svc_name(s.service)
        ),
    )
    .with_primary(hybrid_span(s), "pods as IP backends")
    .with_help("create the ACK Edge cluster with Terway Edge (`spec.network.plugin: terway-edge`) (seed 002, NLB prerequisites), or use a CLB with `externalTrafficPolicy: Cluster`");
    if let Some(n) = p.and_then(|p| p.network_plugin.as_ref()) {
        d = d.with_secondary(n.span, "not Terway Edge");
    }
    Some(d)
}

/// Seed 002, "For the NLB scenario only": an Express Connect circuit between the pools.
pub fn hybrid_needs_express_connect(cluster: &Cluster, s: &ClbService) -> Option<Diagnostic> {
    if !is_hybrid_nlb(s) {
        return None;
    }
    let p = profile(cluster);
    if p.is_some_and(|p| p.express_connect()) {
        return None;
    }
    let mut d = Diagnostic::error(
        codes::HYBRID_NLB_NEEDS_EXPRESS_CONNECT,
        format!(
            "Service `{}` registers edge pods in the NLB by IP, which needs an Express Connect circuit between the on-cloud and edge node pools",
            svc_name(s.service)
        ),
    )
    .with_primary(hybrid_span(s), "pods as IP backends")
    .with_help("set up Express Connect and declare it with `spec.network.expressConnect: true` in the ClusterProfile (seed 002, NLB prerequisites)");
    if let Some(ec) = p.and_then(|p| p.express_connect.as_ref()) {
        d = d.with_secondary(ec.span, "no Express Connect");
    }
    Some(d)
}

/// Seed 002 annotation table: both annotations are needed to register pods by IP.
pub fn hybrid_incomplete(s: &ClbService) -> Option<Diagnostic> {
    if s.product != Product::Nlb {
        return None;
    }
    let eni = s.mode() == Mode::Eni;
    let ip = s.ip_server_group();
    if eni == ip {
        return None;
    }
    let (span, msg, help) = if ip {
        (
            hybrid_span(s),
            "`server-group-type: Ip` without `service.beta.kubernetes.io/backend-type: \"eni\"`: the NLB registers nodes, not pods",
            format!("add `{BACKEND_TYPE}: \"eni\"` to register pods by IP (seed 002, hybrid NLB)"),
        )
    } else {
        (
            s.annotations
                .get(BACKEND_TYPE)
                .map_or_else(|| name_span(s.service), |v| v.entry.value.span),
            "`backend-type: eni` without `server-group-type: Ip`: pods are registered as ENIs, which edge pods outside the VPC do not have",
            format!(
                "add `{}: \"Ip\"` to register pods by IP (seed 002, hybrid NLB)",
                key("server-group-type")
            ),
        )
    };
    Some(
        Diagnostic::warning(codes::HYBRID_NLB_INCOMPLETE, msg)
            .with_primary(span, "half of the hybrid NLB setting")
            .with_help(help),
    )
}

/// Reference §3 / §8 case 22: "ParameterMissing, zone mappings are required".
pub fn zone_maps_required(s: &ClbService) -> Option<Diagnostic> {
    if s.product != Product::Nlb || s.reused_id().is_some() || s.ann("zone-maps").is_some() {
        return None;
    }
    let span = match &s.service.route {
        crate::ir::Route::Nlb { class_span } => *class_span,
        _ => name_span(s.service),
    };
    Some(
        Diagnostic::error(
            codes::NLB_ZONE_MAPS_REQUIRED,
            format!(
                "NLB Service `{}` has no zone mappings: the CCM fails with \"ParameterMissing, zone mappings are required\" and creates nothing",
                svc_name(s.service)
            ),
        )
        .with_primary(span, "an NLB needs zones and vSwitches")
        .with_help(format!(
            "add `{}: \"<zone-a>:<vsw-a>,<zone-b>:<vsw-b>\"` (two zones for high availability), or reuse an NLB with `{}`",
            key("zone-maps"),
            key("id")
        )),
    )
}

/// Seed 002 table, "Pod-level load balancing": in Local mode it is "Disabled by default.
/// To enable, add …-scheduler: \"wrr\"".
pub fn local_without_wrr(s: &ClbService) -> Option<Diagnostic> {
    if s.product != Product::Clb || s.mode() != Mode::Local {
        return None;
    }
    let sched = s.ann("scheduler");
    if sched.is_some_and(|v| v.value == "wrr") {
        return None;
    }
    let (span, label) = match sched {
        Some(v) => (
            v.entry.value.span,
            format!("`{}` ignores the pod-count weights", v.value),
        ),
        None => (
            policy_span(s.service),
            "Local, default scheduler `rr`".to_string(),
        ),
    };
    Some(
        Diagnostic::advice(
            codes::LOCAL_WITHOUT_WRR,
            format!(
                "Service `{}` uses externalTrafficPolicy Local without weighted round-robin: requests are spread per node, not per pod",
                svc_name(s.service)
            ),
        )
        .with_primary(span, label)
        .with_help(format!(
            "add `{}: \"wrr\"` so each node's weight (its pod count) balances pods evenly (seed 002, Local vs Cluster table)",
            key("scheduler")
        )),
    )
}

/// Reference §2.6: listeners of a reused load balancer are "not touched at all unless
/// `force-override-listeners: \"true\"`".
pub fn reused_listeners_unmanaged(s: &ClbService) -> Option<Diagnostic> {
    let id = s.reused_id()?;
    if s.force_override().is_some() {
        return None;
    }
    let mut d = Diagnostic::warning(
        codes::REUSED_LISTENERS_UNMANAGED,
        format!(
            "Service `{}` reuses `{}` without `force-override-listeners`: the CCM creates its server groups but no listeners",
            svc_name(s.service),
            id.value
        ),
    )
    .with_primary(id.entry.value.span, "reused load balancer")
    .with_help(format!(
        "create the listeners yourself and attach them to the `k8s/…` server groups, or add `{}: \"true\"` to let the CCM manage the listeners of the Service's ports",
        key("force-override-listeners")
    ));
    if let Some(f) = s.ann("force-override-listeners") {
        d = d.with_secondary(f.entry.value.span, "only exactly `\"true\"` counts");
    }
    Some(d)
}

/// Seed 002 table: session persistence is "Not supported" with `Cluster`.
pub fn persistence_with_cluster(s: &ClbService) -> Option<Diagnostic> {
    if s.product != Product::Clb || s.mode() != Mode::Cluster {
        return None;
    }
    let v = s
        .ann("persistence-timeout")
        .filter(|v| parse_int(v.value, 1, i64::MAX).is_ok())
        .or_else(|| s.ann("sticky-session").filter(|v| v.value == "on"))?;
    let mut d = Diagnostic::warning(
        codes::PERSISTENCE_WITH_CLUSTER,
        format!(
            "session persistence on Service `{}` with externalTrafficPolicy Cluster: nodes forward to pods on other nodes, so a client is not kept on one pod",
            svc_name(s.service)
        ),
    )
    .with_primary(v.entry.value.span, "session persistence")
    .with_help("set `externalTrafficPolicy: Local` (seed 002, Local vs Cluster table: session persistence and source IP are kept only with Local)");
    if let Some(span) = s.service.traffic_policy.span {
        d = d.with_secondary(span, "Cluster");
    }
    Some(d)
}

/// Reference §2.2 / §8 case 4: `weight` is only read with `id` and `vgroup-port`.
pub fn weight_ignored(s: &ClbService) -> Option<Diagnostic> {
    let w = s.ann("weight")?;
    if s.reused_id().is_some() && s.ann("vgroup-port").is_some() {
        return None;
    }
    Some(
        Diagnostic::warning(
            codes::WEIGHT_IGNORED,
            "`weight` has no effect without `…-loadbalancer-id` and `…-vgroup-port`: the CCM ignores it",
        )
        .with_primary(w.entry.value.span, "ignored")
        .with_help(format!(
            "use `{}` for the weight of each backend, or reuse a load balancer's server group with `id` and `vgroup-port`",
            key("default-weight")
        )),
    )
}

/// Reference §2.4 / §8 case 2: in Local mode the weight is the pod count.
pub fn default_weight_ignored(s: &ClbService) -> Option<Diagnostic> {
    let w = s.ann("default-weight")?;
    if s.mode() != Mode::Local {
        return None;
    }
    Some(
        Diagnostic::advice(
            codes::DEFAULT_WEIGHT_IGNORED,
            "`default-weight` is ignored with externalTrafficPolicy Local: each node weighs the number of its backend pods",
        )
        .with_primary(w.entry.value.span, "ignored in Local mode")
        .with_secondary(policy_span(s.service), "Local")
        .with_help("remove the annotation, or use externalTrafficPolicy Cluster for equal node weights"),
    )
}

/// Reference §2.4 / §8 case 13: in Local mode the CCM needs each endpoint's node
/// ("add ecs backends for service[…] error, NodeName is nil for ip …").
pub fn endpoints_without_node(cluster: &Cluster, s: &ClbService) -> Vec<Diagnostic> {
    if s.mode() != Mode::Local {
        return Vec::new();
    }
    let svc = s.service;
    cluster
        .endpoint_slices
        .iter()
        .filter(|e| {
            e.namespace() == svc.namespace()
                && crate::manifest::endpointslice::service_name(&e.manifest.meta)
                    .is_some_and(|n| n.value.value == svc.name())
        })
        .flat_map(|e| e.object.endpoints.iter())
        .filter(|e| e.is_ready() && e.node_name.is_none())
        .map(|e| {
            let ip = e.addresses.first().map_or("", |a| a.value.as_str());
            Diagnostic::error(
                codes::ENDPOINT_WITHOUT_NODE,
                format!(
                    "endpoint {ip} of Service `{}` has no nodeName: with externalTrafficPolicy Local the CCM fails (\"NodeName is nil for ip {ip}\")",
                    svc_name(svc)
                ),
            )
            .with_primary(e.span, "no `nodeName`")
            .with_secondary(policy_span(svc), "Local")
            .with_help("endpoints of pods always carry `nodeName`; fix the EndpointSlice, or use externalTrafficPolicy Cluster")
        })
        .collect()
}

/// Reference §8 case 24: "listener port range can only be used for eni backend type service".
pub fn port_range_needs_eni(s: &ClbService) -> Option<Diagnostic> {
    let v = s.ann("listener-port-range")?;
    if s.product != Product::Nlb || s.mode() == Mode::Eni {
        return None;
    }
    Some(
        Diagnostic::error(
            codes::PORT_RANGE_NEEDS_ENI,
            "`listener-port-range` needs pod backends: the CCM fails with \"listener port range can only be used for eni backend type service\"",
        )
        .with_primary(v.entry.value.span, "a port range")
        .with_help(format!("add `{BACKEND_TYPE}: \"eni\"`, or remove the annotation")),
    )
}

/// `zone-maps`: an NLB spans zones for availability; one zone is no redundancy (a zone given
/// twice is a grammar error, reported by the check stage).
pub fn zone_maps(s: &ClbService) -> Option<Diagnostic> {
    let v = s.ann("zone-maps").filter(|_| s.product == Product::Nlb)?;
    let zones = parse_zone_maps(v.value).ok()?;
    (zones.len() == 1).then(|| {
        Diagnostic::warning(
            codes::ZONE_MAPS,
            format!(
                "NLB of Service `{}` is in one zone only: a zone outage takes it down",
                svc_name(s.service)
            ),
        )
        .with_primary(v.entry.value.span, "one zone")
        .with_help("map a second zone with its own vSwitch: `<zone-a>:<vsw-a>,<zone-b>:<vsw-b>`")
    })
}

/// Reference §2.2 / §8 notes: an intranet CLB without `vswitch-id` gets a vSwitch picked at
/// random from the cloud config, so two plans of the same input may not match the cloud.
pub fn random_vswitch(s: &ClbService) -> Option<Diagnostic> {
    let v = s.ann("address-type").filter(|v| v.value == "intranet")?;
    if s.product != Product::Clb || s.reused_id().is_some() || s.ann("vswitch-id").is_some() {
        return None;
    }
    Some(
        Diagnostic::advice(
            codes::RANDOM_VSWITCH,
            format!(
                "intranet CLB of Service `{}` has no `vswitch-id`: the CCM picks a vSwitch of the cloud config at random",
                svc_name(s.service)
            ),
        )
        .with_primary(v.entry.value.span, "intranet")
        .with_help(format!("pin it with `{}: vsw-…` so the address lands in a known subnet", key("vswitch-id"))),
    )
}

/// CLB listens on TCP/UDP/HTTP/HTTPS and NLB on TCP/UDP/TCPSSL: an SCTP port gets nothing.
pub fn unsupported_protocols(s: &ClbService) -> Vec<Diagnostic> {
    let product = match s.product {
        Product::Clb => "CLB",
        Product::Nlb => "NLB",
    };
    s.service
        .ports
        .iter()
        .filter(|p| p.protocol.value == Protocol::Sctp)
        .map(|p| {
            Diagnostic::error(
                codes::UNSUPPORTED_PROTOCOL,
                format!(
                    "port {}/SCTP of Service `{}` cannot be a {product} listener",
                    p.number,
                    svc_name(s.service)
                ),
            )
            .with_primary(p.protocol.span.unwrap_or(p.port.span), "not TCP or UDP")
            .with_help("use TCP or UDP for this port, or expose it through another Service")
        })
        .collect()
}

/// Seed 002 table, "SLB resource quota": with `Cluster` every node is a backend entry.
pub fn backend_quota(s: &ClbService, backends: &ServiceBackends) -> Option<Diagnostic> {
    if s.mode() != Mode::Cluster {
        return None;
    }
    let n = backends.nodes().ok()?.len();
    if n <= BACKEND_QUOTA {
        return None;
    }
    Some(
        Diagnostic::warning(
            codes::BACKEND_QUOTA,
            format!(
                "externalTrafficPolicy Cluster makes all {n} eligible nodes backends of Service `{}`, above the default quota of {BACKEND_QUOTA} backend servers per load balancer",
                svc_name(s.service)
            ),
        )
        .with_primary(policy_span(s.service), format!("Cluster: {n} backend entries per port"))
        .with_help(format!(
            "use externalTrafficPolicy Local (only nodes hosting pods), narrow the nodes with `{}`, or raise the quota (seed 002, Local vs Cluster table)",
            key("backend-label")
        )),
    )
}

/// Reference §2.4 / §8 case 12: "parse providerid: … expected: ${{regionid}}.${{nodeid}}".
pub fn bad_provider_ids(
    cluster: &Cluster,
    s: &ClbService,
    backends: &ServiceBackends,
) -> Vec<Diagnostic> {
    if s.mode() == Mode::Eni {
        return Vec::new();
    }
    let Ok(nodes) = backends.nodes() else {
        return Vec::new();
    };
    nodes
        .iter()
        .filter_map(|&(id, _)| {
            let node = cluster.nodes[id.0 as usize];
            let p = node.provider_id.as_ref()?;
            if instance_id(&p.value).is_some() {
                return None;
            }
            Some(
                Diagnostic::error(
                    codes::BAD_PROVIDER_ID,
                    format!(
                        "node `{}` has providerID `{}`: the CCM cannot add it to Service `{}` (\"parse providerid: {}, expected: ${{regionid}}.${{nodeid}}\")",
                        node.name(),
                        p.value,
                        svc_name(s.service),
                        p.value
                    ),
                )
                .with_primary(p.span, "not `<region>.<instance-id>`")
                .with_help("a node of an ACK cluster carries `spec.providerID: <region-id>.<instance-id>` (e.g. `cn-hangzhou.i-bp1…`); fix the snapshot, or label the node `service.alibabacloud.com/exclude-node: \"true\"`"),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests;

/// Reference §2.6: the CCM ignores `loadBalancerSourceRanges` on a user-managed NLB (a
/// Warning event); the security group of §3 is built only for NLBs it creates.
pub fn source_ranges_on_reused_nlb(s: &ClbService) -> Option<Diagnostic> {
    let id = s.reused_id().filter(|_| s.product == Product::Nlb)?;
    let first = s.service.obj.object.load_balancer_source_ranges().first()?;
    Some(
        Diagnostic::warning(
            codes::SOURCE_RANGES_ON_REUSED_NLB,
            format!(
                "Service `{}` reuses NLB `{}`: the CCM ignores its `loadBalancerSourceRanges`",
                svc_name(s.service),
                id.value
            ),
        )
        .with_primary(first.span, "not applied to a reused NLB")
        .with_secondary(id.entry.value.span, "reused NLB")
        .with_help("attach a security group to the NLB yourself, or let the CCM create the NLB (it then builds `k8s-nlb-…` from the ranges)"),
    )
}

/// Reference §2.6, §8 case 15: the CCM refuses to reuse a load balancer it created itself
/// (tagged `kubernetes.do.not.delete`). Offline, only a prior state can tell: one that
/// records the `…-loadbalancer-id` as the id of a load balancer the controller created.
pub fn check_against_state(resolved: &[Resolved], prior: &Model, diags: &mut Diagnostics) {
    for r in resolved {
        for service in &r.cluster.services {
            if let Some(d) = ClbService::of(service).and_then(|s| reuses_ccm_created(&s, prior)) {
                diags.push(d);
            }
        }
    }
}

fn reuses_ccm_created(s: &ClbService, prior: &Model) -> Option<Diagnostic> {
    let id = s.reused_id()?;
    let created = prior.iter().find(|r| {
        r.kind == Kind::LoadBalancer
            && r.owner == Owner::Controller
            && matches!(
                r.provider,
                ProviderKind::AlibabaClb | ProviderKind::AlibabaNlb
            )
            && r.attrs
                .get("id")
                .is_some_and(|a| a.value == Value::from(id.value))
    })?;
    Some(
        Diagnostic::error(
            codes::REUSES_CCM_LOAD_BALANCER,
            format!(
                "the loadbalancer {} can not be reused, can not reuse loadbalancer created by kubernetes.",
                id.value
            ),
        )
        .with_primary(
            id.entry.value.span,
            format!(
                "the state records this load balancer as created by the CCM (`{}`)",
                created.address
            ),
        )
        .with_help(format!(
            "point `{}` at a load balancer you created yourself, or remove it to let the CCM create one for Service `{}`",
            key("id"),
            svc_name(s.service)
        )),
    )
}
