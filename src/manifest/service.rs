//! `v1/Service`: the subject of every load-balancer provider.

use super::Boxed;
use super::decode::{Ctx, Fields, IntOrString, Rare, Spanned, StringMap, Text, int_or_string_of};
use crate::source::{Node, Span};

/// A [`ServiceBody`] on the heap: see [`Boxed`].
pub type Service = Boxed<ServiceBody>;

/// The values the API server accepts for `spec.type`.
pub const TYPES: &[&str] = &["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"];
/// The values the API server accepts for a port's `protocol`.
pub const PROTOCOLS: &[&str] = &["TCP", "UDP", "SCTP"];
/// The values the API server accepts for `externalTrafficPolicy` and
/// `internalTrafficPolicy`.
pub const TRAFFIC_POLICIES: &[&str] = &["Cluster", "Local"];

/// The fields that most Services leave out share one box ([`ServiceRare`]), and the lists
/// are boxed slices (16 bytes, not a `Vec`'s 24: they never grow once decoded).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceBody {
    /// `spec.type` as written; `None` means the default, ClusterIP.
    pub type_: Option<Spanned<Keyword>>,
    pub selector: StringMap,
    pub ports: Box<[ServicePort]>,
    pub external_traffic_policy: Option<Spanned<Keyword>>,
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

/// One `spec.ports[]` item. Every Service has a port or two for the whole run: its path is
/// made from its index when a message needs it, `port` is packed ([`PortNumber`]), and the
/// fields that most ports leave out share one box ([`PortRare`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ServicePort {
    /// Span of the whole list item.
    pub span: Span,
    /// Its index in `spec.ports` (items that are not mappings are not kept, so not its
    /// place among the ports kept).
    index: u32,
    pub name: Option<Spanned<Text>>,
    pub protocol: Option<Spanned<Keyword>>,
    port: PortNumber,
    pub target_port: Option<Spanned<IntOrString>>,
    /// The fields of [`PortRare`], when any is written.
    pub rare: Rare<PortRare>,
}

/// The fields of a Service port that most ports leave out, in one box: inline, they took
/// 40 bytes of every port for the whole run. Read through the accessors of [`ServicePort`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PortRare {
    pub node_port: Option<Spanned<i64>>,
    pub app_protocol: Option<Spanned<Text>>,
}

/// The value of a field that takes one of a few keywords (`spec.type`, a port's
/// `protocol`): a keyword is a pointer to its entry in the field's list, and only a value
/// outside the list keeps its text, boxed. With its span, 32 bytes where a `Spanned<Text>`
/// takes 40, on every Service and every port. Reads as the text written.
#[derive(Clone)]
pub struct Keyword(KeywordRepr);

#[derive(Clone)]
enum KeywordRepr {
    Listed(&'static &'static str),
    Other(Box<Text>),
}

impl Keyword {
    fn new(text: Text, list: &'static [&'static str]) -> Self {
        Keyword(match list.iter().find(|k| **k == text) {
            Some(k) => KeywordRepr::Listed(k),
            None => KeywordRepr::Other(Box::new(text)),
        })
    }
    pub fn as_str(&self) -> &str {
        match &self.0 {
            KeywordRepr::Listed(k) => k,
            KeywordRepr::Other(t) => t,
        }
    }
}

impl std::ops::Deref for Keyword {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

/// Equal when the texts are (the text was the value before it became a keyword).
impl PartialEq for Keyword {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<&str> for Keyword {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// Prints as the text it replaces did.
impl std::fmt::Debug for Keyword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_str().fmt(f)
    }
}

impl Spanned<Keyword> {
    /// The value as text, for the checks that take a written string.
    pub fn to_text(&self) -> Spanned<Text> {
        Spanned::new(Text::from(self.value.as_str()), self.span)
    }
}

/// Reads `key` as one of `list`'s keywords (or the text written, if it is none of them).
fn keyword(
    ctx: &mut Ctx,
    f: &mut Fields,
    key: &'static str,
    list: &'static [&'static str],
) -> Option<Spanned<Keyword>> {
    let s = f.string(ctx, key)?;
    Some(Spanned::new(Keyword::new(s.value, list), s.span))
}

/// A port's `port`: 24 bytes, where an `Option<Spanned<i64>>` (which has no spare bits for
/// its tag) and a `bool` saying it was written took 40.
#[derive(Debug, Clone, PartialEq)]
struct PortNumber {
    value: i64,
    span: Span,
    state: PortState,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum PortState {
    Absent,
    /// Written, but not an integer (decoding reported it).
    Unreadable,
    Read,
}

impl PortNumber {
    fn new(written: bool, read: Option<Spanned<i64>>) -> Self {
        match read {
            Some(p) => PortNumber {
                value: p.value,
                span: p.span,
                state: PortState::Read,
            },
            None => PortNumber {
                value: 0,
                span: Span::default(),
                state: if written {
                    PortState::Unreadable
                } else {
                    PortState::Absent
                },
            },
        }
    }
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
    /// `spec.ports[i]`, for messages.
    pub fn path(&self) -> String {
        format!("spec.ports[{}]", self.index)
    }
    pub fn port(&self) -> Option<Spanned<i64>> {
        let p = &self.port;
        (p.state == PortState::Read).then(|| Spanned::new(p.value, p.span))
    }
    /// `port` is written, even if its value could not be decoded (so that rules do not
    /// report it missing on top of the type error).
    pub fn port_written(&self) -> bool {
        self.port.state != PortState::Absent
    }
    pub fn node_port(&self) -> Option<&Spanned<i64>> {
        self.rare.as_ref()?.node_port.as_ref()
    }
    pub fn app_protocol(&self) -> Option<&Spanned<Text>> {
        self.rare.as_ref()?.app_protocol.as_ref()
    }
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
        svc.type_ = keyword(ctx, &mut spec, "type", TYPES);
        svc.selector = spec.string_map(ctx, "selector");
        svc.ports = spec
            .list(ctx, "ports")
            .into_iter()
            .zip(0..)
            .filter_map(|((path, n), index)| decode_port(ctx, n, path, index))
            .collect();
        svc.external_traffic_policy =
            keyword(ctx, &mut spec, "externalTrafficPolicy", TRAFFIC_POLICIES);
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

/// `index` counts in `u32`, as spans do: a list in a file has fewer items than bytes.
fn decode_port(ctx: &mut Ctx, node: &Node, path: String, index: u32) -> Option<ServicePort> {
    let mut f = Fields::new(ctx, node, &path)?;
    let target_port = f
        .take("targetPort")
        .and_then(|n| int_or_string_of(ctx, n, &format!("{path}.targetPort")));
    let port_written = f.key_span("port").is_some();
    let name = f.string(ctx, "name");
    let protocol = keyword(ctx, &mut f, "protocol", PROTOCOLS);
    let port = PortNumber::new(port_written, f.int(ctx, "port"));
    let rare = PortRare {
        node_port: f.int(ctx, "nodePort"),
        app_protocol: f.string(ctx, "appProtocol"),
    };
    f.finish(ctx);
    Some(ServicePort {
        span: node.span,
        index,
        name,
        protocol,
        port,
        target_port,
        rare: Rare::new(Some(rare).filter(|r| *r != PortRare::default())),
    })
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

#[cfg(test)]
mod tests {
    use crate::compile::validate_text;

    /// A port's path is its place in the list as written: an item that is not a mapping is
    /// reported and not kept, yet still counts.
    #[test]
    fn a_port_path_counts_the_items_not_kept() {
        let text = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  ports: [80, {port: 0}]\n";
        let c = validate_text("s.yaml", text);
        let messages: Vec<_> = c
            .diagnostics
            .sorted()
            .iter()
            .map(|d| d.message.clone())
            .collect();
        assert!(
            messages.iter().any(|m| m.contains("`spec.ports[1].port`")),
            "{messages:?}"
        );
    }
}
