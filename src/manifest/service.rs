//! `v1/Service`: the subject of every load-balancer provider.

use super::Boxed;
use super::decode::{Ctx, Fields, IntOrString, Rare, Spanned, StringMap, Text, int_or_string_of};
use crate::source::{Node, Span};

/// A [`ServiceBody`] on the heap: see [`Boxed`].
pub type Service = Boxed<ServiceBody>;

/// The fields that most Services leave out share one box ([`ServiceRare`]), and the lists
/// are boxed slices (16 bytes, not a `Vec`'s 24: they never grow once decoded).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceBody {
    /// `spec.type` as written; `None` means the default, ClusterIP.
    pub type_: Option<Spanned<Text>>,
    pub selector: StringMap,
    pub ports: Box<[ServicePort]>,
    pub external_traffic_policy: Option<Spanned<Text>>,
    pub load_balancer_class: Option<Spanned<Text>>,
    /// Span of `spec`; `None` when the object has no `spec`.
    pub spec_span: Option<Span>,
    /// The fields of [`ServiceRare`], when any is written.
    pub rare: Rare<ServiceRare>,
}

/// The fields of a Service that most Services leave out, in one box: each boxed on its
/// own, they took 88 bytes of every Service for the whole run (fleet-10000: 10,000
/// Services, none of which writes one). Read through the accessors of [`ServiceBody`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceRare {
    pub internal_traffic_policy: Option<Spanned<Text>>,
    pub load_balancer_ip: Option<Spanned<Text>>,
    pub load_balancer_source_ranges: Box<[Spanned<Text>]>,
    pub allocate_load_balancer_node_ports: Option<Spanned<bool>>,
    pub health_check_node_port: Option<Spanned<i64>>,
    pub session_affinity: Option<Spanned<Text>>,
    pub external_name: Option<Spanned<Text>>,
    pub cluster_ip: Option<Spanned<Text>>,
    /// Addresses already in `status.loadBalancer.ingress` (ip or hostname).
    pub status_ingress: Box<[Spanned<Text>]>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServicePort {
    /// Span of the whole list item.
    pub span: Span,
    /// `spec.ports[i]`, for messages (short enough to be kept inline).
    pub path: Text,
    pub name: Option<Spanned<Text>>,
    pub protocol: Option<Spanned<Text>>,
    pub port: Option<Spanned<i64>>,
    /// `port` is written, even if its value could not be decoded (so that rules do not
    /// report it missing on top of the type error).
    pub port_written: bool,
    pub target_port: Option<Spanned<IntOrString>>,
    pub node_port: Option<Spanned<i64>>,
    /// Boxed: few ports set it, and every Service has a port or two.
    pub app_protocol: Rare<Spanned<Text>>,
}

impl ServiceBody {
    /// The effective type (`ClusterIP` when unset).
    pub fn type_name(&self) -> &str {
        self.type_
            .as_ref()
            .map_or("ClusterIP", |t| t.value.as_str())
    }
    pub fn is_load_balancer(&self) -> bool {
        self.type_name() == "LoadBalancer"
    }
    /// The effective `externalTrafficPolicy` (`Cluster` when unset).
    pub fn traffic_policy(&self) -> &str {
        self.external_traffic_policy
            .as_ref()
            .map_or("Cluster", |t| t.value.as_str())
    }
    pub fn internal_traffic_policy(&self) -> Option<&Spanned<Text>> {
        self.rare.as_ref()?.internal_traffic_policy.as_ref()
    }
    pub fn load_balancer_ip(&self) -> Option<&Spanned<Text>> {
        self.rare.as_ref()?.load_balancer_ip.as_ref()
    }
    pub fn load_balancer_source_ranges(&self) -> &[Spanned<Text>] {
        self.rare
            .as_ref()
            .map_or(&[], |r| &r.load_balancer_source_ranges)
    }
    pub fn allocate_load_balancer_node_ports(&self) -> Option<&Spanned<bool>> {
        self.rare
            .as_ref()?
            .allocate_load_balancer_node_ports
            .as_ref()
    }
    pub fn health_check_node_port(&self) -> Option<&Spanned<i64>> {
        self.rare.as_ref()?.health_check_node_port.as_ref()
    }
    pub fn session_affinity(&self) -> Option<&Spanned<Text>> {
        self.rare.as_ref()?.session_affinity.as_ref()
    }
    pub fn external_name(&self) -> Option<&Spanned<Text>> {
        self.rare.as_ref()?.external_name.as_ref()
    }
    pub fn cluster_ip(&self) -> Option<&Spanned<Text>> {
        self.rare.as_ref()?.cluster_ip.as_ref()
    }
    /// Addresses already in `status.loadBalancer.ingress` (ip or hostname).
    pub fn status_ingress(&self) -> &[Spanned<Text>] {
        self.rare.as_ref().map_or(&[], |r| &r.status_ingress)
    }
}

impl ServicePort {
    /// The effective protocol (`TCP` when unset).
    pub fn protocol_name(&self) -> &str {
        self.protocol.as_ref().map_or("TCP", |p| p.value.as_str())
    }
}

pub fn decode(ctx: &mut Ctx, f: &mut Fields, _object: &Node) -> ServiceBody {
    let mut svc = ServiceBody::default();
    let mut rare = ServiceRare::default();
    if let Some(mut spec) = f.map(ctx, "spec") {
        svc.spec_span = Some(spec.node().span);
        svc.type_ = spec.string(ctx, "type");
        svc.selector = spec.string_map(ctx, "selector");
        svc.ports = spec
            .list(ctx, "ports")
            .into_iter()
            .filter_map(|(path, n)| decode_port(ctx, n, path))
            .collect();
        svc.external_traffic_policy = spec.string(ctx, "externalTrafficPolicy");
        rare.internal_traffic_policy = spec.string(ctx, "internalTrafficPolicy");
        svc.load_balancer_class = spec.string(ctx, "loadBalancerClass");
        decode_rare_spec(ctx, &mut spec, &mut rare);
        spec.accept(&[
            "clusterIPs",
            "externalIPs",
            "sessionAffinityConfig",
            "publishNotReadyAddresses",
            "ipFamilies",
            "ipFamilyPolicy",
            "trafficDistribution",
        ]);
        spec.finish(ctx);
    }
    if let Some(mut status) = f.map(ctx, "status") {
        rare.status_ingress = decode_load_balancer_status(ctx, &mut status).into_boxed_slice();
        status.accept(&["conditions"]);
        status.finish(ctx);
    }
    svc.rare = Rare::new(Some(rare).filter(|r| *r != ServiceRare::default()));
    svc
}

/// The spec fields of [`ServiceRare`] written after `loadBalancerClass`, in the order
/// `spec` has always been read (the order of their diagnostics).
fn decode_rare_spec(ctx: &mut Ctx, spec: &mut Fields, rare: &mut ServiceRare) {
    rare.load_balancer_ip = spec.string(ctx, "loadBalancerIP");
    rare.load_balancer_source_ranges = spec
        .strings(ctx, "loadBalancerSourceRanges")
        .into_boxed_slice();
    rare.allocate_load_balancer_node_ports = spec.bool(ctx, "allocateLoadBalancerNodePorts");
    rare.health_check_node_port = spec.int(ctx, "healthCheckNodePort");
    rare.session_affinity = spec.string(ctx, "sessionAffinity");
    rare.external_name = spec.string(ctx, "externalName");
    rare.cluster_ip = spec.string(ctx, "clusterIP");
}

fn decode_port(ctx: &mut Ctx, node: &Node, path: String) -> Option<ServicePort> {
    let mut f = Fields::new(ctx, node, &path)?;
    let target_port = f
        .take("targetPort")
        .and_then(|n| int_or_string_of(ctx, n, &format!("{path}.targetPort")));
    let port_written = f.key_span("port").is_some();
    let port = ServicePort {
        port_written,
        span: node.span,
        name: f.string(ctx, "name"),
        protocol: f.string(ctx, "protocol"),
        port: f.int(ctx, "port"),
        target_port,
        node_port: f.int(ctx, "nodePort"),
        app_protocol: Rare::new(f.string(ctx, "appProtocol")),
        path: Text::from(path),
    };
    f.finish(ctx);
    Some(port)
}

/// `status.loadBalancer.ingress[]` addresses (ip or hostname), as Services and PoolServices
/// both report them (the controllers write them; a live snapshot carries them).
pub fn decode_load_balancer_status(ctx: &mut Ctx, status: &mut Fields) -> Vec<Spanned<Text>> {
    let mut out = Vec::new();
    let Some(mut lb) = status.map(ctx, "loadBalancer") else {
        return out;
    };
    for (path, n) in lb.list(ctx, "ingress") {
        if let Some(mut ing) = Fields::new(ctx, n, &path) {
            out.extend(ing.string(ctx, "ip"));
            out.extend(ing.string(ctx, "hostname"));
            ing.accept(&["ipMode", "ports"]);
            ing.finish(ctx);
        }
    }
    lb.finish(ctx);
    out
}
