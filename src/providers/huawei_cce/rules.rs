//! The CCE rules of SPEC §5 that need more than one annotation: the cluster profile
//! (version, CCE Turbo, kube-proxy mode), the Service's ports and traffic policy, or the
//! workloads behind it. Single-value rules (enums, ranges, JSON fields, the fields a
//! public ELB requires) are the annotation grammars' (`annotations::grammar::cce`);
//! `elb.id` with `elb.autocreate`, the two health-check forms together and stickiness with
//! the `SOURCE_IP` algorithm are `check::annotations` (LBP2201, LBP2202).
//!
//! Each rule is one function returning its findings, so each can be tested alone.

use std::collections::BTreeMap;

use crate::diag::{Diagnostic, Diagnostics};
use crate::ir::{Cluster, Protocol, Route, ServiceIr, TrafficPolicy};
use crate::manifest::profile::ProxyMode;
use crate::topology::Resolved;

use super::build::PodIndex;
use super::settings::{
    CceSettings, ClusterFacts, ElbClass, listener_ports, located_span, name_span,
};

/// Codes of this module (registered in `diag::codes::cce`).
pub mod codes {
    /// Neither `elb.id` nor `elb.autocreate` (SPEC §5 "exactly one").
    pub const NO_ELB: &str = "LBP7201";
    /// `elb.class: performance` on a cluster older than v1.17 (seed 003).
    pub const DEDICATED_VERSION: &str = "LBP7202";
    /// Dedicated-only autocreate fields with a shared ELB (seed 003 table 5).
    pub const DEDICATED_FIELD_ON_SHARED: &str = "LBP7203";
    /// A dedicated autocreate without `available_zone` / `l4_flavor_name` (seed 003 table 5).
    pub const DEDICATED_INCOMPLETE: &str = "LBP7204";
    /// An `elb.protocol-port` port that is not a Service port (seed 003 "Enabling HTTP").
    pub const PROTOCOL_PORT_NOT_IN_SPEC: &str = "LBP7205";
    /// `https` in `elb.protocol-port` without `elb.cert-id`.
    pub const HTTPS_WITHOUT_CERT: &str = "LBP7206";
    /// `elb.protocol-port` on a cluster older than v1.21.
    pub const PROTOCOL_PORT_VERSION: &str = "LBP7207";
    /// L7 listeners on a dedicated ELB without an L7 flavor.
    pub const L7_WITHOUT_FLAVOR: &str = "LBP7208";
    /// An L7 protocol on a UDP Service port.
    pub const L7_ON_UDP: &str = "LBP7209";
    /// Sticky sessions on a non-TCP port.
    pub const STICKY_NEEDS_TCP: &str = "LBP7210";
    /// Sticky sessions without pod anti-affinity.
    pub const STICKY_NEEDS_ANTI_AFFINITY: &str = "LBP7211";
    /// `SOURCE_IP` algorithm with weights set.
    pub const SOURCE_IP_IGNORES_WEIGHTS: &str = "LBP7212";
    /// CCE Turbo with `externalTrafficPolicy: Local`.
    pub const TURBO_LOCAL: &str = "LBP7213";
    /// `Local`: the ELB address is not reachable from inside the cluster.
    pub const LOCAL_UNREACHABLE_INSIDE: &str = "LBP7214";
    /// IPVS: `spec.loadBalancerIP` is a node's IP.
    pub const IPVS_NODE_IP: &str = "LBP7215";
    /// A per-port health check naming no Service port.
    pub const HEALTH_CHECK_UNKNOWN_PORT: &str = "LBP7216";
    /// A health-check protocol that cannot check the Service's protocol.
    pub const HEALTH_CHECK_PROTOCOL: &str = "LBP7217";
    /// No ready backend pod: "have no node to bind".
    pub const NO_MEMBERS: &str = "LBP7218";
    /// Only the `cce-healthz` port: no listener at all.
    pub const ONLY_HEALTHZ_PORT: &str = "LBP7219";
    /// IPVS: Services sharing one ELB disagree on `elb.pass-through`.
    pub const IPVS_PASS_THROUGH_MIXED: &str = "LBP7220";
    /// A Service port that is neither TCP nor UDP.
    pub const UNSUPPORTED_PROTOCOL: &str = "LBP7221";
    /// Sticky sessions with `externalTrafficPolicy: Cluster`.
    pub const STICKY_WITH_CLUSTER: &str = "LBP7222";
    /// IPVS: an Ingress and a Service on one ELB.
    pub const IPVS_INGRESS_SHARES_ELB: &str = "LBP7223";
}

/// Runs every CCE rule over one cluster.
pub fn check_cluster(r: &Resolved, diags: &mut Diagnostics) {
    let facts = ClusterFacts::of(&r.cluster);
    let pods = PodIndex::new(&r.cluster);
    let mut on_elb: BTreeMap<&str, Vec<(&ServiceIr, CceSettings)>> = BTreeMap::new();
    for service in &r.cluster.services {
        if !matches!(service.route, Route::Cce { .. }) {
            continue;
        }
        let s = CceSettings::of(service);
        let found = [
            no_elb(service, &s),
            dedicated_version(&facts, &s),
            dedicated_field_on_shared(&s),
            dedicated_incomplete(&s),
            protocol_port_version(&facts, &s),
            https_without_cert(&s),
            l7_without_flavor(&s),
            sticky_needs_anti_affinity(&r.cluster, service, &s),
            sticky_with_cluster(service, &s),
            source_ip_ignores_weights(&s),
            turbo_local(&facts, service),
            local_unreachable_inside(service, &s),
            ipvs_node_ip(&r.cluster, &facts, service),
            health_check_protocol(service, &s),
            no_members(&r.cluster, &pods, &facts, service, &s),
            only_healthz_port(service),
        ];
        for d in found.into_iter().flatten() {
            diags.push(d);
        }
        for d in protocol_port_ports(service, &s)
            .into_iter()
            .chain(sticky_needs_tcp(service, &s))
            .chain(health_check_unknown_port(service, &s))
            .chain(unsupported_protocols(service))
        {
            diags.push(d);
        }
        if let Some(id) = s.elb_id {
            on_elb
                .entry(id.value.value.as_str())
                .or_default()
                .push((service, s));
        }
    }
    if facts.proxy_mode == ProxyMode::Ipvs {
        for (id, users) in &on_elb {
            if let Some(d) = ipvs_pass_through_mixed(id, users) {
                diags.push(d);
            }
        }
        for d in ipvs_ingress_shares_elb(&r.cluster, &on_elb) {
            diags.push(d);
        }
    }
}

/// The annotation an Ingress names its existing ELB with (reference §1.6).
const INGRESS_ELB_ID: &str = "kubernetes.io/elb.id";

/// Seed 003 (IPVS constraint): "if the ingress and Service use the same ELB load balancer,
/// the ingress cannot be accessed from the nodes and containers in the cluster because
/// kube-proxy mounts the LoadBalancer Service address to the ipvs-0 bridge". One finding
/// per Service whose `elb.id` an Ingress also names; `on_elb` maps ELB ids to Services.
pub fn ipvs_ingress_shares_elb(
    cluster: &Cluster,
    on_elb: &BTreeMap<&str, Vec<(&ServiceIr, CceSettings)>>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for ingress in &cluster.ingresses {
        let Some(entry) = ingress.manifest.meta.annotations.get(INGRESS_ELB_ID) else {
            continue;
        };
        let id = entry.value.value.trim();
        let Some(users) = on_elb.get(id) else {
            continue;
        };
        let ingress_name = format!(
            "{}/{}",
            ingress.manifest.meta.namespace(),
            ingress.manifest.meta.name()
        );
        for (service, s) in users {
            let Some(service_id) = s.elb_id else {
                continue;
            };
            out.push(
                Diagnostic::warning(
                    codes::IPVS_INGRESS_SHARES_ELB,
                    format!(
                        "Service `{}` and Ingress `{ingress_name}` share ELB `{id}` in IPVS mode: the Ingress is unreachable from the cluster's nodes and containers",
                        svc_name(service)
                    ),
                )
                .with_primary(service_id.value.span, "the Service's ELB")
                .with_secondary(entry.value.span, format!("Ingress `{ingress_name}` uses the same ELB"))
                .with_help("use different ELB load balancers for the Ingress and the Service: kube-proxy mounts the LoadBalancer Service address on the ipvs-0 bridge, which intercepts the Ingress's traffic (seed 003, IPVS constraint)"),
            );
        }
    }
    out
}

fn svc_name(s: &ServiceIr) -> String {
    format!("{}/{}", s.namespace(), s.name())
}

fn version_label(facts: &ClusterFacts) -> String {
    format!("v{}.{}", facts.version.major, facts.version.minor)
}

/// SPEC §5: exactly one of `elb.id` (existing ELB) or `elb.autocreate`. Both together is
/// LBP2201 (`check::annotations`); neither leaves CCE without an ELB to program.
pub fn no_elb(service: &ServiceIr, s: &CceSettings) -> Option<Diagnostic> {
    if s.elb_id.is_some() || s.auto_created() {
        return None;
    }
    let svc = &service.obj.object;
    let mut d = Diagnostic::error(
        codes::NO_ELB,
        format!(
            "Service `{}` names no ELB: set `kubernetes.io/elb.id` or `kubernetes.io/elb.autocreate`",
            svc_name(service)
        ),
    );
    let help = "use an existing ELB with `kubernetes.io/elb.id: <ELB id>`, or let CCE create one with `kubernetes.io/elb.autocreate: '{\"type\": \"inner\"}'` (seed 003)";
    d = match (service.type_.span, svc.load_balancer_ip()) {
        (_, Some(ip)) => d
            .with_primary(
                ip.span,
                "CCE would look the ELB up by this address (clusters ≤ v1.23 only)",
            )
            .with_help(format!(
                "{help}; finding the ELB by `spec.loadBalancerIP` is deprecated"
            )),
        (Some(t), None) => d
            .with_primary(t, "a CCE LoadBalancer Service needs an ELB")
            .with_help(help),
        (None, None) => d
            .with_primary(
                name_span(service.obj.manifest),
                "a CCE LoadBalancer Service needs an ELB",
            )
            .with_help(help),
    };
    Some(d)
}

/// Seed 003: "Dedicated ELB load balancers can be used only in clusters of v1.17 and later."
pub fn dedicated_version(facts: &ClusterFacts, s: &CceSettings) -> Option<Diagnostic> {
    let class = s.class_entry.filter(|_| s.class == ElbClass::Performance)?;
    if facts.at_least(1, 17) {
        return None;
    }
    let d = Diagnostic::error(
        codes::DEDICATED_VERSION,
        format!(
            "dedicated ELBs (`performance`) need a cluster of v1.17 or later; this cluster is {}",
            version_label(facts)
        ),
    )
    .with_primary(class.value.span, "dedicated ELB requested here");
    Some(d.with_help("use `kubernetes.io/elb.class: union` (shared ELB), or upgrade the cluster to v1.17 or later"))
}

/// Seed 003 table 5: `available_zone`, the flavors and the subnet lists "are available
/// only for dedicated load balancers".
pub fn dedicated_field_on_shared(s: &CceSettings) -> Option<Diagnostic> {
    if s.class != ElbClass::Union {
        return None;
    }
    let entry = s.autocreate_entry?;
    let auto = s.autocreate.as_ref()?;
    let first = auto.dedicated_only.first()?;
    let names: Vec<String> = auto
        .dedicated_only
        .iter()
        .map(|f| format!("`{}`", f.value))
        .collect();
    let mut d = Diagnostic::error(
        codes::DEDICATED_FIELD_ON_SHARED,
        format!(
            "{} in `elb.autocreate` {} only to dedicated ELBs, but this Service asks for a shared one",
            names.join(", "),
            if names.len() == 1 { "applies" } else { "apply" }
        ),
    )
    .with_primary(located_span(entry, first), "dedicated-only field");
    if let Some(c) = s.class_entry {
        d = d.with_secondary(c.value.span, "shared ELB (`union`)");
    }
    Some(d.with_help("set `kubernetes.io/elb.class: performance` for a dedicated ELB, or remove the dedicated-only fields"))
}

/// Seed 003 table 5: `available_zone` and `l4_flavor_name` are mandatory for a dedicated
/// auto-created ELB.
pub fn dedicated_incomplete(s: &CceSettings) -> Option<Diagnostic> {
    if s.class != ElbClass::Performance || s.elb_id.is_some() {
        return None;
    }
    let entry = s.autocreate_entry?;
    let auto = s.autocreate.as_ref()?;
    let mut missing = Vec::new();
    if auto.available_zone.is_empty() {
        missing.push(("available_zone", "[\"cn-south-2b\"]"));
    }
    if auto.l4_flavor_name.is_none() {
        missing.push(("l4_flavor_name", "\"L4_flavor.elb.s1.small\""));
    }
    if missing.is_empty() {
        return None;
    }
    let names: Vec<String> = missing.iter().map(|(n, _)| format!("`{n}`")).collect();
    let adds: Vec<String> = missing
        .iter()
        .map(|(n, e)| format!("`\"{n}\": {e}`"))
        .collect();
    Some(
        Diagnostic::error(
            codes::DEDICATED_INCOMPLETE,
            format!(
                "a dedicated ELB created by CCE needs {} in `elb.autocreate`",
                names.join(" and ")
            ),
        )
        .with_primary(entry.value.span, "dedicated ELB recipe")
        .with_help(format!(
            "add {} (seed 003, Table 5; zones and flavors of your region)",
            adds.join(" and ")
        )),
    )
}

/// Seed 003 "Enabling HTTP for Services": "This feature is supported only in clusters of
/// v1.21 or later."
pub fn protocol_port_version(facts: &ClusterFacts, s: &CceSettings) -> Option<Diagnostic> {
    let entry = s.protocol_port_entry?;
    if facts.at_least(1, 21) {
        return None;
    }
    let d = Diagnostic::error(
        codes::PROTOCOL_PORT_VERSION,
        format!(
            "HTTP/HTTPS listeners (`elb.protocol-port`) need a cluster of v1.21 or later; this cluster is {}",
            version_label(facts)
        ),
    )
    .with_primary(entry.key.span, "L7 listeners requested here");
    Some(d.with_help(
        "upgrade the cluster to v1.21 or later, or remove `elb.protocol-port` (TCP/UDP listeners)",
    ))
}

/// Seed 003: "The value of protocol-port must be the same as the port in the spec.ports
/// field"; and an L7 listener forwards TCP, so the Service port must be TCP (reference §1.1).
pub fn protocol_port_ports(service: &ServiceIr, s: &CceSettings) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let ports: Vec<String> = listener_ports(service)
        .map(|p| p.number.to_string())
        .collect();
    for l7 in &s.l7_ports {
        match listener_ports(service).find(|p| p.number == i64::from(l7.port)) {
            None => out.push(
                Diagnostic::error(
                    codes::PROTOCOL_PORT_NOT_IN_SPEC,
                    format!(
                        "`elb.protocol-port` names port {}, which is not a port of Service `{}`",
                        l7.port,
                        svc_name(service)
                    ),
                )
                .with_primary(l7.span, "not in spec.ports")
                .with_help(format!(
                    "every `protocol:port` must name a port of spec.ports (seed 003); the Service ports are {}",
                    if ports.is_empty() { "none".to_string() } else { ports.join(", ") }
                )),
            ),
            Some(p) if p.protocol.value != Protocol::Tcp => out.push(
                Diagnostic::error(
                    codes::L7_ON_UDP,
                    format!(
                        "`{}:{}` needs a TCP Service port, but port {} is {}",
                        l7.protocol,
                        l7.port,
                        l7.port,
                        p.protocol.value.as_str()
                    ),
                )
                .with_primary(l7.span, "an L7 listener")
                .with_secondary(p.port.span, "this port is not TCP")
                .with_help("HTTP and HTTPS listeners run over TCP: set `protocol: TCP` on the port, or remove it from `elb.protocol-port`"),
            ),
            Some(_) => {}
        }
    }
    out
}

/// Seed 003: "When https is configured for protocol-port, the certificate of the ELB
/// listener will be set to the cert-id certificate."
pub fn https_without_cert(s: &CceSettings) -> Option<Diagnostic> {
    if s.cert_id.is_some() {
        return None;
    }
    let l7 = s
        .l7_ports
        .iter()
        .find(|p| matches!(p.protocol, "https" | "tls"))?;
    Some(
        Diagnostic::error(
            codes::HTTPS_WITHOUT_CERT,
            format!("`{}:{}` needs a server certificate, but `kubernetes.io/elb.cert-id` is not set", l7.protocol, l7.port),
        )
        .with_primary(l7.span, "an HTTPS listener")
        .with_help("add `kubernetes.io/elb.cert-id: <certificate id>` from ELB certificate management (seed 003)"),
    )
}

/// Seed 003: a dedicated ELB serving HTTP needs a flavor that "supports both the layer-4
/// and layer-7 routing": `l7_flavor_name` when CCE creates it; an existing one must have
/// such a flavor, which the manifests cannot show.
pub fn l7_without_flavor(s: &CceSettings) -> Option<Diagnostic> {
    if s.class != ElbClass::Performance {
        return None;
    }
    let entry = s.protocol_port_entry.filter(|_| !s.l7_ports.is_empty())?;
    if let Some(id) = s.elb_id {
        return Some(
            Diagnostic::advice(
                codes::L7_WITHOUT_FLAVOR,
                "HTTP/HTTPS listeners on an existing dedicated ELB need an L7 (application) flavor",
            )
            .with_primary(entry.value.span, "L7 listeners")
            .with_secondary(id.value.span, "this ELB's flavor is not known to lbplan")
            .with_help("make sure the ELB has both a network (L4) and an application (L7) flavor, or the listeners will not work (seed 003)"),
        );
    }
    let auto = s.autocreate.as_ref()?;
    if auto.l7_flavor_name.is_some() {
        return None;
    }
    Some(
        Diagnostic::error(
            codes::L7_WITHOUT_FLAVOR,
            "HTTP/HTTPS listeners on a dedicated ELB need `l7_flavor_name` in `elb.autocreate`",
        )
        .with_primary(entry.value.span, "L7 listeners")
        .with_secondary(s.autocreate_entry.map_or(entry.key.span, |e| e.value.span), "no L7 flavor in this recipe")
        .with_help("add `\"l7_flavor_name\": \"L7_flavor.elb.s2.small\"` (same family as the L4 flavor), or drop `elb.protocol-port`"),
    )
}

/// Seed 003 "Before enabling sticky session … The workload protocol is TCP."
pub fn sticky_needs_tcp(service: &ServiceIr, s: &CceSettings) -> Vec<Diagnostic> {
    let Some(sticky) = s.sticky else {
        return Vec::new();
    };
    listener_ports(service)
        .filter(|p| p.protocol.value != Protocol::Tcp)
        .map(|p| {
            Diagnostic::error(
                codes::STICKY_NEEDS_TCP,
                format!(
                    "sticky sessions need TCP ports, but port {} of Service `{}` is {}",
                    p.number,
                    svc_name(service),
                    p.protocol.value.as_str()
                ),
            )
            .with_primary(p.protocol.span.unwrap_or(p.port.span), "not TCP")
            .with_secondary(sticky.value.span, "sticky sessions requested here")
            .with_help("seed 003: \"The workload protocol is TCP\"; move the non-TCP port to another Service or drop `elb.session-affinity-mode`")
        })
        .collect()
}

/// Seed 003 "Anti-affinity has been configured between pods of the workload. That is, all
/// pods of the workload are deployed on different nodes."
pub fn sticky_needs_anti_affinity(
    cluster: &Cluster,
    service: &ServiceIr,
    s: &CceSettings,
) -> Option<Diagnostic> {
    let sticky = s.sticky?;
    let selector = &service.obj.object.selector;
    if selector.is_empty() {
        return None;
    }
    let w = cluster.workloads.iter().find(|w| {
        w.namespace() == service.namespace()
            && selector.values().all(|e| {
                w.object
                    .pod_labels()
                    .get(&e.key.value)
                    .is_some_and(|v| v.value.value == e.value.value)
            })
            && !w.object.pod.has_pod_anti_affinity()
            && w.object.kind != crate::manifest::workload::WorkloadKind::DaemonSet
    })?;
    Some(
        Diagnostic::warning(
            codes::STICKY_NEEDS_ANTI_AFFINITY,
            format!(
                "sticky sessions on Service `{}` need its pods on different nodes, but {} `{}` has no pod anti-affinity",
                svc_name(service),
                w.manifest.kind.value,
                w.name()
            ),
        )
        .with_primary(sticky.value.span, "sticky sessions requested here")
        .with_secondary(w.object.template_labels_span.unwrap_or(w.manifest.span), "pods of this workload may share a node")
        .with_help("add `spec.template.spec.affinity.podAntiAffinity` with `topologyKey: kubernetes.io/hostname` (seed 003, \"Before enabling sticky session\")"),
    )
}

/// Seed 003, Table 4, `externalTrafficPolicy`: "If sticky session is enabled, add this
/// parameter so that requests are transferred to a fixed node." With `Cluster` the node
/// the ELB keeps a client on forwards to any pod, so the stickiness does not reach pods.
pub fn sticky_with_cluster(service: &ServiceIr, s: &CceSettings) -> Option<Diagnostic> {
    let sticky = s.sticky?;
    if service.traffic_policy.value != TrafficPolicy::Cluster {
        return None;
    }
    let mut d = Diagnostic::advice(
        codes::STICKY_WITH_CLUSTER,
        format!(
            "sticky sessions on Service `{}` pin clients to a node, but with `externalTrafficPolicy: Cluster` that node forwards to any pod",
            svc_name(service)
        ),
    )
    .with_primary(sticky.value.span, "sticky sessions requested here");
    if let Some(t) = service.traffic_policy.span {
        d = d.with_secondary(t, "cluster-level affinity");
    }
    Some(d.with_help(
        "seed 003: with sticky sessions set `externalTrafficPolicy: Local` so requests stay on the node (and its pod); mind that Local makes the ELB address unreachable from inside the cluster (LBP7214)",
    ))
}

/// Seed 003: "When the value is SOURCE_IP, the weights of backend servers in the server
/// group are invalid."
pub fn source_ip_ignores_weights(s: &CceSettings) -> Option<Diagnostic> {
    let alg = s.algorithm_entry.filter(|_| s.algorithm == "SOURCE_IP")?;
    let weights = s.adaptive_weight?;
    Some(
        Diagnostic::warning(
            codes::SOURCE_IP_IGNORES_WEIGHTS,
            "`elb.adaptive-weight` has no effect with the `SOURCE_IP` algorithm",
        )
        .with_primary(weights.value.span, "member weights set here")
        .with_secondary(alg.value.span, "source-IP hashing ignores weights")
        .with_help("use ROUND_ROBIN or LEAST_CONNECTIONS to balance by weight, or drop `elb.adaptive-weight`"),
    )
}

/// Seed 003: "CCE Turbo clusters support only cluster-level service affinity."
pub fn turbo_local(facts: &ClusterFacts, service: &ServiceIr) -> Option<Diagnostic> {
    if !facts.is_turbo() || service.traffic_policy.value != TrafficPolicy::Local {
        return None;
    }
    let at = service.traffic_policy.span?;
    let d = Diagnostic::error(
        codes::TURBO_LOCAL,
        format!(
            "CCE Turbo clusters support only `externalTrafficPolicy: Cluster`, but Service `{}` sets Local",
            svc_name(service)
        ),
    )
    .with_primary(at, "node-level affinity (the ClusterProfile says `clusterKind: cce-turbo`)");
    Some(d.with_help("set `externalTrafficPolicy: Cluster` (seed 003, Notes and Constraints)"))
}

/// Seed 003 "Why a Cluster Fails to Access Services by Using the ELB Address": with
/// `Local`, kube-proxy short-circuits the ELB address inside the cluster.
pub fn local_unreachable_inside(service: &ServiceIr, s: &CceSettings) -> Option<Diagnostic> {
    if service.traffic_policy.value != TrafficPolicy::Local || s.pass_through {
        return None;
    }
    let at = service.traffic_policy.span?;
    Some(
        Diagnostic::warning(
            codes::LOCAL_UNREACHABLE_INSIDE,
            format!(
                "with `externalTrafficPolicy: Local`, the ELB address of Service `{}` may be unreachable from nodes and containers of the cluster",
                svc_name(service)
            ),
        )
        .with_primary(at, "node-level affinity")
        .with_help(
            "kube-proxy answers for the ELB address inside the cluster, so only nodes running a pod reach it (seed 003); fixes: \
             (1, recommended) inside the cluster use the ClusterIP Service or its DNS name; \
             (2) set `externalTrafficPolicy: Cluster` (the client source address is lost); \
             (3) set `kubernetes.io/elb.pass-through: \"true\"` so in-cluster traffic goes through the ELB",
        ),
    )
}

/// Seed 003: "When the cluster service forwarding (proxy) mode is IPVS, the node IP cannot
/// be configured as the external IP of the Service. Otherwise, the node is unavailable."
pub fn ipvs_node_ip(
    cluster: &Cluster,
    facts: &ClusterFacts,
    service: &ServiceIr,
) -> Option<Diagnostic> {
    if facts.proxy_mode != ProxyMode::Ipvs {
        return None;
    }
    let ip = service.obj.object.load_balancer_ip()?;
    let node = cluster
        .nodes
        .iter()
        .find(|n| n.internal_ip().is_some_and(|a| a.value == ip.value))?;
    Some(
        Diagnostic::error(
            codes::IPVS_NODE_IP,
            format!(
                "`spec.loadBalancerIP` {} is the IP of node `{}`: in IPVS mode that makes the node unavailable",
                ip.value,
                node.name()
            ),
        )
        .with_primary(ip.span, "a node IP")
        .with_help("use the ELB's address (or leave `loadBalancerIP` out and name the ELB with `kubernetes.io/elb.id`) (seed 003, IPVS constraint)"),
    )
}

/// Reference §1.1 (`elb.pass-through`): in IPVS mode all Services on one ELB must agree,
/// as kube-proxy binds the ELB address once for all of them.
pub fn ipvs_pass_through_mixed(
    id: &str,
    users: &[(&ServiceIr, CceSettings)],
) -> Option<Diagnostic> {
    let (first, first_s) = users.first()?;
    let (other, other_s) = users
        .iter()
        .find(|(_, s)| s.pass_through != first_s.pass_through)?;
    let span = |svc: &ServiceIr, s: &CceSettings| {
        s.elb_id
            .map_or(name_span(svc.obj.manifest), |e| e.value.span)
    };
    let word = |on: bool| if on { "on" } else { "off" };
    Some(
        Diagnostic::warning(
            codes::IPVS_PASS_THROUGH_MIXED,
            format!(
                "Services `{}` and `{}` share ELB `{id}` but disagree on `kubernetes.io/elb.pass-through` in IPVS mode",
                svc_name(first),
                svc_name(other)
            ),
        )
        .with_primary(span(other, other_s), format!("pass-through {}", word(other_s.pass_through)))
        .with_secondary(span(first, first_s), format!("pass-through {}", word(first_s.pass_through)))
        .with_help("in IPVS mode kube-proxy binds the ELB address once for every Service on it; set the same `elb.pass-through` on all of them (reference §1.1)"),
    )
}

/// Reference §1.3 / seed 003 table 3: `target_service_port` must name a Service port.
pub fn health_check_unknown_port(service: &ServiceIr, s: &CceSettings) -> Vec<Diagnostic> {
    let Some(entry) = s.health_entry else {
        return Vec::new();
    };
    s.health_options
        .iter()
        .filter_map(|h| h.target_service_port.as_ref())
        .filter(|t| {
            !listener_ports(service)
                .any(|p| p.number == i64::from(t.port) && p.protocol.value.as_str() == t.protocol)
        })
        .map(|t| {
            Diagnostic::error(
                codes::HEALTH_CHECK_UNKNOWN_PORT,
                format!(
                    "health check for `{}:{}` names no port of Service `{}`",
                    t.protocol,
                    t.port,
                    svc_name(service)
                ),
            )
            .with_primary(super::settings::inner_span(entry, t.start, t.end), "no such Service port")
            .with_help("`target_service_port` is `PROTOCOL:port` of a spec.ports entry (not the `cce-healthz` port)")
        })
        .collect()
}

/// Reference §1.3: TCP services accept TCP/HTTP monitors, UDP services only UDP_CONNECT;
/// the single `health-check-option` is judged against `spec.ports[0]`.
pub fn health_check_protocol(service: &ServiceIr, s: &CceSettings) -> Option<Diagnostic> {
    use crate::annotations::grammar::cce::HealthProtocol;
    let entry = s.health_entry?;
    let hc = s.health_option.as_ref()?;
    let proto = hc.protocol.as_ref()?;
    let first = service.ports.first()?;
    let ok = match first.protocol.value {
        Protocol::Udp => proto.value == HealthProtocol::UdpConnect,
        _ => proto.value != HealthProtocol::UdpConnect,
    };
    if ok {
        return None;
    }
    Some(
        Diagnostic::error(
            codes::HEALTH_CHECK_PROTOCOL,
            format!(
                "this health-check protocol cannot check {} Service `{}`",
                first.protocol.value.as_str(),
                svc_name(service)
            ),
        )
        .with_primary(located_span(entry, proto), "health-check protocol")
        .with_secondary(first.protocol.span.unwrap_or(first.port.span), "the first Service port decides")
        .with_help("TCP Services are checked with TCP or HTTP, UDP Services with UDP_CONNECT (reference §1.3)"),
    )
}

/// Reference §1.4: no eligible pod → the controller fails with "have no node to bind" and
/// the ELB gets listeners without members.
pub fn no_members<'m>(
    cluster: &Cluster<'m>,
    pods: &PodIndex<'m>,
    facts: &ClusterFacts,
    service: &ServiceIr,
    s: &CceSettings,
) -> Option<Diagnostic> {
    // Only a live snapshot (Pods in the input) shows that no pod is ready.
    if cluster.pods.is_empty() {
        return None;
    }
    match super::build::members(cluster, pods, facts, service, s) {
        super::build::Placement::Known(h) if h.is_empty() => Some(
            Diagnostic::warning(
                codes::NO_MEMBERS,
                format!(
                    "no ready pod backs Service `{}`: CCE reports \"have no node to bind\" and the ELB has no members",
                    svc_name(service)
                ),
            )
            .with_primary(
                service.obj.object.selector.values().next().map_or(name_span(service.obj.manifest), |e| e.key.span),
                "this selector matches no ready pod",
            )
            .with_help("check spec.selector against the pod labels, and that the pods are Running and Ready"),
        ),
        _ => None,
    }
}

/// Reference §1.4: listeners take the port's protocol, TCP or UDP; ELB has no SCTP
/// listener.
pub fn unsupported_protocols(service: &ServiceIr) -> Vec<Diagnostic> {
    service
        .ports
        .iter()
        .filter(|p| p.protocol.value == Protocol::Sctp)
        .map(|p| {
            Diagnostic::error(
                codes::UNSUPPORTED_PROTOCOL,
                format!(
                    "port {} of Service `{}` is SCTP, which ELB listeners do not support",
                    p.number,
                    svc_name(service)
                ),
            )
            .with_primary(p.protocol.span.unwrap_or(p.port.span), "not TCP or UDP")
            .with_help("CCE creates TCP and UDP listeners only; use TCP or UDP, or expose this port another way")
        })
        .collect()
}

/// Reference §1.1: the `cce-healthz` port becomes the monitor port, never a listener.
pub fn only_healthz_port(service: &ServiceIr) -> Option<Diagnostic> {
    if listener_ports(service).next().is_some() {
        return None;
    }
    let p = service
        .ports
        .iter()
        .find(|p| super::settings::is_healthz(p))?;
    Some(
        Diagnostic::warning(
            codes::ONLY_HEALTHZ_PORT,
            format!(
                "Service `{}` has only the `cce-healthz` port: CCE creates no listener",
                svc_name(service)
            ),
        )
        .with_primary(p.port.name.as_ref().map_or(p.port.span, |n| n.span), "health-check port only")
        .with_help("add the port clients connect to; `cce-healthz` only sets the port the ELB health check probes"),
    )
}

#[cfg(test)]
mod tests {
    use crate::compile;

    const PROFILE: &str = "apiVersion: lbplan/v1\nkind: ClusterProfile\nmetadata: {name: p}\nspec: {cloud: huawei, kubernetesVersion: \"1.28\"}\n---\n";

    /// A Service `web` with the given annotations (a YAML flow map body) and ports.
    fn svc(annotations: &str, ports: &str) -> String {
        format!(
            "{PROFILE}apiVersion: v1\nkind: Service\nmetadata: {{name: web, namespace: default, annotations: {{{annotations}}}}}\nspec: {{type: LoadBalancer, selector: {{app: web}}, ports: [{ports}]}}\n"
        )
    }

    fn findings(text: &str) -> Vec<(&'static str, String)> {
        compile::validate_text("t.yaml", text)
            .diagnostics
            .iter()
            .filter(|d| d.code.starts_with("LBP72"))
            .map(|d| {
                let s = d.primary().map(|l| l.span).unwrap_or_default();
                (d.code, text[s.start as usize..s.end as usize].to_string())
            })
            .collect()
    }

    /// Seed 003, Table 1: `elb.id` or `elb.autocreate`; `spec.loadBalancerIP` is where CCE
    /// would look instead, so the finding points there.
    #[test]
    fn no_elb_points_at_the_lookup_address() {
        let text = format!(
            "{PROFILE}apiVersion: v1\nkind: Service\nmetadata: {{name: web}}\nspec: {{type: LoadBalancer, loadBalancerIP: 10.0.0.9, ports: [{{port: 80}}]}}\n"
        );
        assert_eq!(findings(&text), [("LBP7201", "10.0.0.9".to_string())]);
    }

    /// Seed 003: "When the value is SOURCE_IP, the weights of backend servers in the server
    /// group are invalid."
    #[test]
    fn source_ip_with_adaptive_weights() {
        let text = svc(
            "kubernetes.io/elb.id: x, kubernetes.io/elb.lb-algorithm: SOURCE_IP, kubernetes.io/elb.adaptive-weight: \"true\"",
            "{port: 80}",
        );
        assert_eq!(findings(&text), [("LBP7212", "\"true\"".to_string())]);
    }

    /// Reference §1.1: an L7 listener needs a TCP port.
    #[test]
    fn l7_on_a_udp_port() {
        let text = svc(
            "kubernetes.io/elb.id: x, kubernetes.io/elb.protocol-port: \"http:53\"",
            "{port: 53, protocol: UDP}",
        );
        assert_eq!(findings(&text), [("LBP7209", "53".to_string())]);
    }

    /// Seed 003 "Enabling HTTP for Services": an existing dedicated ELB must have an L7
    /// flavor, which only its owner can check (advice, not an error).
    #[test]
    fn existing_dedicated_elb_with_l7_listeners_is_advice() {
        let text = svc(
            "kubernetes.io/elb.class: performance, kubernetes.io/elb.id: x, kubernetes.io/elb.protocol-port: \"http:80\"",
            "{port: 80}",
        );
        let run = compile::validate_text("t.yaml", &text);
        let d = run
            .diagnostics
            .iter()
            .find(|d| d.code == "LBP7208")
            .expect("LBP7208");
        assert_eq!(d.severity, crate::diag::Severity::Advice);
    }

    /// Seed 003, Table 4: "If sticky session is enabled, add this parameter
    /// [externalTrafficPolicy: Local] so that requests are transferred to a fixed node."
    #[test]
    fn sticky_sessions_want_local() {
        let ann = "kubernetes.io/elb.id: x, kubernetes.io/elb.session-affinity-mode: SOURCE_IP";
        let text = svc(ann, "{port: 80}");
        assert_eq!(findings(&text), [("LBP7222", "SOURCE_IP".to_string())]);
        let local = text.replace(
            "type: LoadBalancer,",
            "type: LoadBalancer, externalTrafficPolicy: Local,",
        );
        assert_eq!(findings(&local), [("LBP7214", "Local".to_string())]);
    }

    /// Reference §1.4: TCP and UDP listeners only.
    #[test]
    fn sctp_port_is_refused() {
        let text = svc("kubernetes.io/elb.id: x", "{port: 80, protocol: SCTP}");
        assert_eq!(findings(&text), [("LBP7221", "SCTP".to_string())]);
    }

    /// Reference §1.1: the `cce-healthz` port is no listener.
    #[test]
    fn only_the_healthz_port() {
        let text = svc(
            "kubernetes.io/elb.id: x",
            "{name: cce-healthz, port: 10254}",
        );
        assert_eq!(findings(&text), [("LBP7219", "cce-healthz".to_string())]);
    }

    /// Reference §1.4 "have no node to bind": a live snapshot whose pods are not ready.
    #[test]
    fn no_ready_pod_in_a_snapshot() {
        let text = format!(
            "{}---\napiVersion: v1\nkind: Pod\nmetadata: {{name: p, namespace: default, labels: {{app: web}}}}\nspec: {{nodeName: n}}\nstatus: {{phase: Pending}}\n",
            svc("kubernetes.io/elb.id: x", "{port: 80}")
        );
        assert_eq!(findings(&text), [("LBP7218", "app".to_string())]);
    }

    /// Seed 003: dedicated ELBs from v1.17 on; v1.17 itself is fine.
    #[test]
    fn dedicated_from_1_17() {
        let ok = svc(
            "kubernetes.io/elb.class: performance, kubernetes.io/elb.id: x",
            "{port: 80}",
        )
        .replace("1.28", "1.17");
        assert!(findings(&ok).is_empty(), "{:?}", findings(&ok));
        let old = ok.replace("1.17", "1.16");
        assert_eq!(findings(&old), [("LBP7202", "performance".to_string())]);
    }
}
