//! `v1/Service`: the subject of every load-balancer provider.

use super::Boxed;
use super::decode::{Ctx, Fields, IntOrString, Rare, Spanned, StringMap, Text, int_or_string_of};
use crate::source::{Node, Span};

/// A [`ServiceBody`] on the heap: see [`Boxed`].
pub type Service = Boxed<ServiceBody>;

/// Fields that most Services lack are boxed (8 bytes absent, not 40), and the lists are
/// boxed slices (16 bytes, not a `Vec`'s 24: they never grow once decoded).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceBody {
    /// `spec.type` as written; `None` means the default, ClusterIP.
    pub type_: Option<Spanned<Text>>,
    pub selector: StringMap,
    pub ports: Box<[ServicePort]>,
    pub external_traffic_policy: Option<Spanned<Text>>,
    pub internal_traffic_policy: Option<Box<Spanned<Text>>>,
    pub load_balancer_class: Option<Spanned<Text>>,
    pub load_balancer_ip: Option<Box<Spanned<Text>>>,
    pub load_balancer_source_ranges: Box<[Spanned<Text>]>,
    pub allocate_load_balancer_node_ports: Rare<Spanned<bool>>,
    pub health_check_node_port: Rare<Spanned<i64>>,
    pub session_affinity: Option<Box<Spanned<Text>>>,
    pub external_name: Option<Box<Spanned<Text>>>,
    pub cluster_ip: Option<Box<Spanned<Text>>>,
    /// Span of `spec`; `None` when the object has no `spec`.
    pub spec_span: Option<Span>,
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
}

impl ServicePort {
    /// The effective protocol (`TCP` when unset).
    pub fn protocol_name(&self) -> &str {
        self.protocol.as_ref().map_or("TCP", |p| p.value.as_str())
    }
}

pub fn decode(ctx: &mut Ctx, f: &mut Fields, _object: &Node) -> ServiceBody {
    let mut svc = ServiceBody {
        spec_span: None,
        ..ServiceBody::default()
    };
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
        svc.internal_traffic_policy = spec.string(ctx, "internalTrafficPolicy").map(Box::new);
        svc.load_balancer_class = spec.string(ctx, "loadBalancerClass");
        svc.load_balancer_ip = spec.string(ctx, "loadBalancerIP").map(Box::new);
        svc.load_balancer_source_ranges = spec
            .strings(ctx, "loadBalancerSourceRanges")
            .into_boxed_slice();
        svc.allocate_load_balancer_node_ports =
            Rare::new(spec.bool(ctx, "allocateLoadBalancerNodePorts"));
        svc.health_check_node_port = Rare::new(spec.int(ctx, "healthCheckNodePort"));
        svc.session_affinity = spec.string(ctx, "sessionAffinity").map(Box::new);
        svc.external_name = spec.string(ctx, "externalName").map(Box::new);
        svc.cluster_ip = spec.string(ctx, "clusterIP").map(Box::new);
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
        svc.status_ingress = decode_load_balancer_status(ctx, &mut status).into_boxed_slice();
        status.accept(&["conditions"]);
        status.finish(ctx);
    }
    svc
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
