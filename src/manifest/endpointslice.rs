//! `discovery.k8s.io/v1` EndpointSlice: when given (a snapshot of a live cluster), the
//! exact backends of a Service — addresses, readiness and the node each one runs on.
//!
//! The owning Service is named by the label [`SERVICE_NAME_LABEL`] in `metadata`, read
//! with [`service_name`]. An EndpointSlice has no `spec`: its fields are top-level.

use super::ObjectMeta;
use super::decode::{Ctx, Fields, Spanned, StringEntry, Text};
use super::decode::{check_port, not_one_of, required_missing};
use crate::source::{Node, Span};

/// The label that ties an EndpointSlice to its Service (set by the endpointslice controller).
pub const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";

#[derive(Debug, Clone, Default, PartialEq)]
pub struct EndpointSlice {
    /// `IPv4`, `IPv6` or `FQDN` (required; checked).
    pub address_type: Option<Spanned<Text>>,
    pub endpoints: Vec<Endpoint>,
    pub ports: Vec<EndpointPort>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    pub span: Span,
    /// `endpoints[i]`, for messages.
    pub path: String,
    /// Required, at least one.
    pub addresses: Vec<Spanned<Text>>,
    pub ready: Option<Spanned<bool>>,
    pub serving: Option<Spanned<bool>>,
    pub terminating: Option<Spanned<bool>>,
    /// The node hosting this endpoint (required by CCM in `Local` mode).
    pub node_name: Option<Spanned<Text>>,
    pub zone: Option<Spanned<Text>>,
    pub hostname: Option<Spanned<Text>>,
    pub target_ref: Option<TargetRef>,
}

impl Endpoint {
    /// Kubernetes' reading of `conditions.ready`: an absent value means ready ("unknown
    /// state … should be interpreted as ready"), except that a terminating endpoint is
    /// never ready.
    pub fn is_ready(&self) -> bool {
        match &self.ready {
            Some(r) => r.value,
            None => !self.is_terminating(),
        }
    }
    /// `conditions.serving`, which defaults to the value of `ready`.
    pub fn is_serving(&self) -> bool {
        self.serving.as_ref().map_or(self.is_ready(), |s| s.value)
    }
    pub fn is_terminating(&self) -> bool {
        self.terminating.as_ref().is_some_and(|t| t.value)
    }
}

/// `endpoints[].targetRef`: usually the backing Pod.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetRef {
    pub span: Span,
    pub kind: Option<Spanned<Text>>,
    pub namespace: Option<Spanned<Text>>,
    pub name: Option<Spanned<Text>>,
    pub uid: Option<Spanned<Text>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EndpointPort {
    pub span: Span,
    /// Matches the Service port's `name` (both empty for a single unnamed port).
    pub name: Option<Spanned<Text>>,
    pub port: Option<Spanned<i64>>,
    pub protocol: Option<Spanned<Text>>,
    pub app_protocol: Option<Spanned<Text>>,
}

impl EndpointPort {
    /// The effective protocol (`TCP` when unset).
    pub fn protocol_name(&self) -> &str {
        self.protocol.as_ref().map_or("TCP", |p| p.value.as_str())
    }
}

/// The Service this slice belongs to (label [`SERVICE_NAME_LABEL`]); `None` for slices
/// managed by something else.
pub fn service_name(meta: &ObjectMeta) -> Option<&StringEntry> {
    meta.labels.get(SERVICE_NAME_LABEL)
}

pub fn decode(ctx: &mut Ctx, f: &mut Fields, node: &Node) -> EndpointSlice {
    let mut out = EndpointSlice {
        address_type: f.string(ctx, "addressType"),
        ..EndpointSlice::default()
    };
    match &out.address_type {
        Some(t) => {
            if let Some(d) = not_one_of(t, "addressType", &["IPv4", "IPv6", "FQDN"]) {
                ctx.push(d);
            }
        }
        None if node.get("addressType").is_none() => ctx.push(required_missing(
            first_key_span(node),
            "addressType",
            "add `addressType: IPv4` (or IPv6 / FQDN)",
        )),
        None => {}
    }
    for (path, n) in f.list(ctx, "endpoints") {
        if let Some(e) = decode_endpoint(ctx, n, path) {
            out.endpoints.push(e);
        }
    }
    for (path, n) in f.list(ctx, "ports") {
        let Some(mut p) = Fields::new(ctx, n, &path) else {
            continue;
        };
        let port = EndpointPort {
            span: n.span,
            name: p.string(ctx, "name"),
            port: p.int(ctx, "port"),
            protocol: p.string(ctx, "protocol"),
            app_protocol: p.string(ctx, "appProtocol"),
        };
        p.finish(ctx);
        if let Some(v) = &port.port {
            check_port(ctx, v, &format!("{path}.port"), false);
        }
        if let Some(d) = port
            .protocol
            .as_ref()
            .and_then(|pr| not_one_of(pr, &format!("{path}.protocol"), &["TCP", "UDP", "SCTP"]))
        {
            ctx.push(d);
        }
        out.ports.push(port);
    }
    out
}

fn decode_endpoint(ctx: &mut Ctx, node: &Node, path: String) -> Option<Endpoint> {
    let mut f = Fields::new(ctx, node, &path)?;
    let addresses = f.strings(ctx, "addresses");
    if addresses.is_empty() && node.get("addresses").is_none() {
        ctx.push(required_missing(
            node.span,
            &format!("{path}.addresses"),
            "every endpoint needs `addresses: [<ip>]`",
        ));
    }
    let mut e = Endpoint {
        span: node.span,
        addresses,
        ready: None,
        serving: None,
        terminating: None,
        node_name: f.string(ctx, "nodeName"),
        zone: f.string(ctx, "zone"),
        hostname: f.string(ctx, "hostname"),
        target_ref: None,
        path,
    };
    if let Some(mut c) = f.map(ctx, "conditions") {
        e.ready = c.bool(ctx, "ready");
        e.serving = c.bool(ctx, "serving");
        e.terminating = c.bool(ctx, "terminating");
        c.finish(ctx);
    }
    if let Some(mut t) = f.map(ctx, "targetRef") {
        e.target_ref = Some(TargetRef {
            span: t.node().span,
            kind: t.string(ctx, "kind"),
            namespace: t.string(ctx, "namespace"),
            name: t.string(ctx, "name"),
            uid: t.string(ctx, "uid"),
        });
        t.accept(&["apiVersion", "resourceVersion", "fieldPath"]);
        t.finish(ctx);
    }
    f.accept(&["hints", "deprecatedTopology"]);
    f.finish(ctx);
    Some(e)
}

/// The first line of an object, for "missing field" labels.
fn first_key_span(node: &Node) -> Span {
    node.as_map()
        .and_then(|m| m.first())
        .map_or(node.span, |e| e.key.span.join(e.value.span))
}

#[cfg(test)]
mod tests {
    use crate::compile::validate_text;
    use crate::manifest::Object;

    const SLICE: &str = r#"
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: cube-svc-abc12
  namespace: default
  labels:
    kubernetes.io/service-name: cube-svc
    endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io
addressType: IPv4
ports:
- name: cube
  port: 80
  protocol: TCP
endpoints:
- addresses: [172.16.0.5]
  conditions: {ready: true, serving: true, terminating: false}
  nodeName: ens-hefei-1
  zone: cn-hefei-unicom
  targetRef: {kind: Pod, namespace: default, name: cube-x, uid: 5f3c2a}
- addresses: [172.16.0.6]
  conditions: {terminating: true}
  nodeName: ens-chengdu-1
"#;

    #[test]
    fn decodes_endpoints_ports_and_service_label() {
        let c = validate_text("es.yaml", SLICE);
        assert!(c.diagnostics.is_empty(), "{:?}", c.diagnostics);
        let m = &c.manifests[0];
        let Object::EndpointSlice(s) = &m.object else {
            panic!("not an EndpointSlice")
        };
        assert_eq!(
            super::service_name(&m.meta).map(|e| e.value.value.as_str()),
            Some("cube-svc")
        );
        assert_eq!(s.ports[0].port.as_ref().map(|p| p.value), Some(80));
        assert_eq!(s.endpoints.len(), 2);
        assert!(s.endpoints[0].is_ready());
        assert_eq!(
            s.endpoints[0]
                .target_ref
                .as_ref()
                .and_then(|t| t.name.as_ref())
                .map(|n| n.value.as_str()),
            Some("cube-x")
        );
        assert!(
            !s.endpoints[1].is_ready(),
            "terminating without ready is not ready"
        );
        assert!(s.endpoints[1].is_terminating());
    }

    #[test]
    fn address_type_is_required_and_checked() {
        let c = validate_text("es.yaml", &SLICE.replace("addressType: IPv4\n", ""));
        assert!(
            c.diagnostics
                .iter()
                .any(|d| d.code == "LBP1104" && d.message.contains("addressType"))
        );
        let c = validate_text(
            "es.yaml",
            &SLICE.replace("addressType: IPv4", "addressType: ipv4"),
        );
        let d = c
            .diagnostics
            .iter()
            .find(|d| d.code == "LBP1105")
            .expect("enum");
        assert!(d.help.as_deref().unwrap_or("").contains("`IPv4`"));
    }

    #[test]
    fn unknown_field_warns() {
        let c = validate_text(
            "es.yaml",
            &SLICE.replace("  nodeName: ens-hefei-1", "  node: ens-hefei-1"),
        );
        assert!(c.diagnostics.iter().any(|d| d.code == "LBP3101"));
    }
}
