//! `v1/Node`: where backends run. Rules read a node's pool membership, readiness, taints,
//! `providerID` (the cloud instance behind it) and its internal IP (ELB/CLB backends).
//!
//! Labels live in `metadata` ([`crate::manifest::ObjectMeta`]); pool membership is the
//! label [`NODEPOOL_LABEL`] (`apps.openyurt.io/nodepool=<pool>`), read with
//! [`NodeRecord::pool`].
//!
//! This module also holds the small decoding pieces shared by the other object decoders of
//! this stage (conditions, taints), so they report alike.

use super::decode::{
    Ctx, Fields, Spanned, StringEntry, StringMap, Text, not_one_of, required_missing,
};
use super::{Manifest, Object, ObjectMeta};
use crate::source::{Node, Span};

/// The node label that says which OpenYurt NodePool a node belongs to. OpenYurt's node
/// webhook copies `apps.openyurt.io/desired-nodepool` into it; once set it may only be
/// added or removed, never changed in place (reference §5.1).
pub const NODEPOOL_LABEL: &str = "apps.openyurt.io/nodepool";

/// The label written while a node is being moved into a pool; the webhook turns it into
/// [`NODEPOOL_LABEL`] when that one is absent.
pub const DESIRED_NODEPOOL_LABEL: &str = "apps.openyurt.io/desired-nodepool";

#[derive(Debug, Clone, Default, PartialEq)]
///
/// `providerID` and `podCIDR` are boxed (8 bytes absent, not 40), and the lists are boxed
/// slices (16 bytes, not a `Vec`'s 24: they never grow once decoded): a fleet is mostly
/// Nodes, and snapshots of edge nodes often have neither.
pub struct NodeObject {
    /// `spec.providerID`, e.g. `cn-hangzhou.i-bp1…` (CCM parses `<region>.<instance>`).
    pub provider_id: Option<Box<Spanned<Text>>>,
    /// `spec.unschedulable` (cordoned).
    pub unschedulable: Option<Spanned<bool>>,
    pub taints: Box<[Taint]>,
    pub pod_cidr: Option<Box<Spanned<Text>>>,
    pub pod_cidrs: Box<[Spanned<Text>]>,
    /// `status.addresses`, in the order written.
    pub addresses: Box<[NodeAddress]>,
    /// `status.conditions`.
    pub conditions: Box<[Condition]>,
    /// Span of `spec`, if present.
    pub spec_span: Option<Span>,
}

/// One `status.addresses[]` item.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeAddress {
    pub span: Span,
    /// `InternalIP`, `ExternalIP`, `Hostname`, `InternalDNS`, `ExternalDNS`.
    pub type_: Option<Spanned<Text>>,
    pub address: Option<Spanned<Text>>,
}

/// One status condition (`Ready`, `MemoryPressure`, …) of a Node or Pod.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub span: Span,
    pub type_: Option<Spanned<Text>>,
    /// `True`, `False` or `Unknown`.
    pub status: Option<Spanned<Text>>,
}

impl Condition {
    /// `Some(true)` for `True`, `Some(false)` for `False`/`Unknown`, `None` when absent.
    pub fn is_true(&self) -> Option<bool> {
        self.status.as_ref().map(|s| s.value == "True")
    }
}

/// A node taint (also the `spec.taints` of a NodePool, copied onto its nodes).
#[derive(Debug, Clone, PartialEq)]
pub struct Taint {
    pub span: Span,
    pub key: Option<Spanned<Text>>,
    pub value: Option<Spanned<Text>>,
    /// `NoSchedule`, `PreferNoSchedule` or `NoExecute` (checked).
    pub effect: Option<Spanned<Text>>,
}

impl Taint {
    pub fn key_str(&self) -> &str {
        self.key.as_ref().map_or("", |k| k.value.as_str())
    }
    pub fn effect_str(&self) -> &str {
        self.effect.as_ref().map_or("", |e| e.value.as_str())
    }
}

impl NodeObject {
    /// The first `InternalIP` address: what CLB/ELB register as the backend address.
    pub fn internal_ip(&self) -> Option<&Spanned<Text>> {
        self.address_of("InternalIP")
    }
    /// The first address of the given type.
    pub fn address_of(&self, type_: &str) -> Option<&Spanned<Text>> {
        self.addresses
            .iter()
            .filter(|a| a.type_.as_ref().is_some_and(|t| t.value == type_))
            .find_map(|a| a.address.as_ref())
    }
    /// The `Ready` condition as reported: `None` when the node has no such condition
    /// (a hand-written manifest without `status`).
    pub fn ready(&self) -> Option<bool> {
        condition(&self.conditions, "Ready").and_then(Condition::is_true)
    }
    /// Whether the node counts as ready. A node without a reported `Ready` condition is
    /// assumed ready: a manifest that lists nodes describes the nodes meant to exist, and
    /// the controllers only drop nodes that *report* NotReady.
    pub fn is_ready(&self) -> bool {
        self.ready() != Some(false)
    }
    pub fn is_unschedulable(&self) -> bool {
        self.unschedulable.as_ref().is_some_and(|u| u.value)
    }
}

/// A Node as the run keeps it once its checks have run: what the topology and the
/// providers read of it, and the spans their diagnostics point at. Most objects of a fleet
/// are Nodes (fleet-10000: 20,000 of 40,501), and a decoded Node [`Manifest`] held about
/// 660 bytes in five blocks (envelope, body, label, address and condition lists) for the
/// whole run; the loader turns each one into a record as soon as it is decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeRecord {
    /// Span of the whole object (its file is `span.file`).
    pub span: Span,
    pub name: Option<Spanned<Text>>,
    pub labels: StringMap,
    /// The first `InternalIP` address: what CLB/ELB register as the backend address.
    internal_ip: Option<Spanned<Text>>,
    /// `spec.providerID`, e.g. `cn-hangzhou.i-bp1…`.
    pub provider_id: Option<Box<Spanned<Text>>>,
    pub taints: Box<[Taint]>,
    /// The `Ready` condition's status, `None` when not reported.
    ready: Option<bool>,
    unschedulable: bool,
}

impl NodeRecord {
    /// The record of a decoded Node; any other object is given back unchanged.
    pub fn of(m: Manifest) -> Result<NodeRecord, Box<Manifest>> {
        match m {
            Manifest {
                span,
                meta,
                object: Object::Node(node),
                ..
            } => Ok(NodeRecord::new(span, meta, node.into_inner())),
            m => Err(Box::new(m)),
        }
    }

    fn new(span: Span, meta: ObjectMeta, node: NodeObject) -> NodeRecord {
        let ready = node.ready();
        let unschedulable = node.is_unschedulable();
        let internal_ip = node.internal_ip().cloned();
        let NodeObject {
            provider_id,
            taints,
            ..
        } = node;
        NodeRecord {
            span,
            name: meta.name,
            labels: meta.labels,
            internal_ip,
            provider_id,
            taints,
            ready,
            unschedulable,
        }
    }

    /// The name, or `""` when absent (the check stage reports the absence).
    pub fn name(&self) -> &str {
        self.name.as_ref().map_or("", |n| n.value.as_str())
    }
    pub fn labels(&self) -> &StringMap {
        &self.labels
    }
    /// The NodePool it belongs to: its [`NODEPOOL_LABEL`] label (the desired-pool label is
    /// not membership yet: the webhook only copies it on the next node update).
    pub fn pool(&self) -> Option<&StringEntry> {
        self.labels.get(NODEPOOL_LABEL)
    }
    pub fn internal_ip(&self) -> Option<&Spanned<Text>> {
        self.internal_ip.as_ref()
    }
    /// See [`NodeObject::ready`].
    pub fn ready(&self) -> Option<bool> {
        self.ready
    }
    /// See [`NodeObject::is_ready`].
    pub fn is_ready(&self) -> bool {
        self.ready != Some(false)
    }
    pub fn is_unschedulable(&self) -> bool {
        self.unschedulable
    }
}

/// The first condition of the given type.
pub fn condition<'a>(conditions: &'a [Condition], type_: &str) -> Option<&'a Condition> {
    conditions
        .iter()
        .find(|c| c.type_.as_ref().is_some_and(|t| t.value == type_))
}

pub fn decode(ctx: &mut Ctx, f: &mut Fields, _node: &Node) -> NodeObject {
    let mut out = NodeObject::default();
    if let Some(mut spec) = f.map(ctx, "spec") {
        out.spec_span = Some(spec.node().span);
        out.provider_id = spec.string(ctx, "providerID").map(Box::new);
        out.unschedulable = spec.bool(ctx, "unschedulable");
        out.taints = decode_taints(ctx, &mut spec).into_boxed_slice();
        out.pod_cidr = spec.string(ctx, "podCIDR").map(Box::new);
        out.pod_cidrs = spec.strings(ctx, "podCIDRs").into_boxed_slice();
        spec.accept(&["configSource", "externalID"]);
        spec.finish(ctx);
    }
    if let Some(mut status) = f.map(ctx, "status") {
        let items = status.list(ctx, "addresses");
        let mut addresses = Vec::with_capacity(items.len());
        for (path, n) in items {
            let Some(mut a) = Fields::new(ctx, n, &path) else {
                continue;
            };
            addresses.push(NodeAddress {
                span: n.span,
                type_: a.string(ctx, "type"),
                address: a.string(ctx, "address"),
            });
            a.finish(ctx);
        }
        out.addresses = addresses.into_boxed_slice();
        out.conditions = decode_conditions(ctx, &mut status).into_boxed_slice();
        status.accept(&[
            "capacity",
            "allocatable",
            "phase",
            "daemonEndpoints",
            "nodeInfo",
            "images",
            "volumesInUse",
            "volumesAttached",
            "config",
            "runtimeHandlers",
            "features",
            "declaredFeatures",
        ]);
        status.finish(ctx);
    }
    out
}

/// Reads `conditions[]` of a status (Node, Pod, workloads): `type` and `status` are kept,
/// the timestamps and messages are accepted.
pub fn decode_conditions(ctx: &mut Ctx, status: &mut Fields) -> Vec<Condition> {
    let items = status.list(ctx, "conditions");
    let mut out = Vec::with_capacity(items.len());
    for (path, n) in items {
        let Some(mut c) = Fields::new(ctx, n, &path) else {
            continue;
        };
        out.push(Condition {
            span: n.span,
            type_: c.string(ctx, "type"),
            status: c.string(ctx, "status"),
        });
        c.accept(&[
            "lastHeartbeatTime",
            "lastTransitionTime",
            "lastProbeTime",
            "lastUpdateTime",
            "reason",
            "message",
            "observedGeneration",
        ]);
        c.finish(ctx);
    }
    out
}

/// Reads a `taints` list (Node spec, NodePool spec). `key` and `effect` are required by the
/// API server; `effect` must be one of the three known effects.
pub fn decode_taints(ctx: &mut Ctx, spec: &mut Fields) -> Vec<Taint> {
    let mut out = Vec::new();
    for (path, n) in spec.list(ctx, "taints") {
        let Some(mut t) = Fields::new(ctx, n, &path) else {
            continue;
        };
        let taint = Taint {
            span: n.span,
            key: t.string(ctx, "key"),
            value: t.string(ctx, "value"),
            effect: t.string(ctx, "effect"),
        };
        t.accept(&["timeAdded"]);
        t.finish(ctx);
        for (field, missing) in [
            ("key", taint.key.is_none()),
            ("effect", taint.effect.is_none()),
        ] {
            if missing {
                ctx.push(required_missing(
                    n.span,
                    &format!("{path}.{field}"),
                    "a taint needs `key` and `effect`, e.g. `{key: dedicated, value: edge, effect: NoSchedule}`",
                ));
            }
        }
        if let Some(e) = &taint.effect
            && let Some(d) = not_one_of(
                e,
                &format!("{path}.effect"),
                &["NoSchedule", "PreferNoSchedule", "NoExecute"],
            )
        {
            ctx.push(d);
        }
        out.push(taint);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::NodeRecord;
    use crate::compile::validate_text;
    use crate::diag::Severity;

    const NODE: &str = r#"
apiVersion: v1
kind: Node
metadata:
  name: ens-hefei-1
  labels:
    apps.openyurt.io/nodepool: np-hefei
    kubernetes.io/hostname: ens-hefei-1
spec:
  providerID: cn-hefei-unicom.i-5ens1
  unschedulable: false
  podCIDR: 10.244.1.0/24
  podCIDRs: [10.244.1.0/24]
  taints:
  - {key: node-role.openyurt.io/edge, effect: NoSchedule}
status:
  addresses:
  - {type: Hostname, address: ens-hefei-1}
  - {type: InternalIP, address: 10.0.0.3}
  conditions:
  - {type: MemoryPressure, status: "False", reason: KubeletHasSufficientMemory}
  - {type: Ready, status: "True", lastHeartbeatTime: "2024-05-01T00:00:00Z"}
  nodeInfo: {kubeletVersion: v1.30.1}
  capacity: {cpu: "4"}
"#;

    fn node_of(text: &str) -> (NodeRecord, crate::diag::Diagnostics) {
        let c = validate_text("node.yaml", text);
        assert!(c.manifests.is_empty(), "a Node is kept as a record only");
        let n = c.nodes.into_iter().next().expect("one node");
        (n, c.diagnostics)
    }

    #[test]
    fn decodes_a_snapshot_node() {
        let (n, diags) = node_of(NODE);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(n.name(), "ens-hefei-1");
        assert_eq!(n.labels().len(), 2);
        assert_eq!(
            n.provider_id.as_ref().map(|p| p.value.as_str()),
            Some("cn-hefei-unicom.i-5ens1")
        );
        assert_eq!(n.internal_ip().map(|a| a.value.as_str()), Some("10.0.0.3"));
        assert_eq!(n.ready(), Some(true));
        assert!(n.is_ready());
        assert!(!n.is_unschedulable());
        assert_eq!(n.taints.len(), 1);
        assert_eq!(n.taints[0].effect_str(), "NoSchedule");
        assert_eq!(n.pool().map(|e| e.value.value.as_str()), Some("np-hefei"));
        assert_eq!(&NODE[n.span.start as usize..][..16], "apiVersion: v1\nk");
    }

    #[test]
    fn the_record_keeps_the_first_internal_ip_and_the_ready_condition_wherever_written() {
        let text = NODE
            .replace(
                "  - {type: Hostname, address: ens-hefei-1}",
                "  - {type: InternalIP, address: 10.0.0.9}\n  - {type: Hostname, address: h}",
            )
            .replace("status: \"True\"", "status: Unknown")
            .replace("unschedulable: false", "unschedulable: true");
        let (n, _) = node_of(&text);
        assert_eq!(n.internal_ip().map(|a| a.value.as_str()), Some("10.0.0.9"));
        assert_eq!(n.ready(), Some(false), "Unknown is not ready");
        assert!(!n.is_ready());
        assert!(n.is_unschedulable());
        let (n, _) = node_of(&NODE.replace("{type: Ready, status: \"True\", ", "{type: Ready, "));
        assert_eq!(n.ready(), None, "a Ready condition without a status");
    }

    #[test]
    fn not_ready_and_missing_status() {
        let text = NODE.replace(
            "{type: Ready, status: \"True\"",
            "{type: Ready, status: \"False\"",
        );
        let (n, _) = node_of(&text);
        assert!(!n.is_ready());
        let (n, _) = node_of("apiVersion: v1\nkind: Node\nmetadata: {name: a}\n");
        assert_eq!(n.ready(), None);
        assert!(n.is_ready());
        assert!(n.internal_ip().is_none());
    }

    #[test]
    fn unknown_field_and_bad_taint() {
        let text = NODE
            .replace("  unschedulable: false", "  unschedulabel: false")
            .replace("effect: NoSchedule}", "effect: NoSchedul}");
        let (_, diags) = node_of(&text);
        let codes: Vec<_> = diags.iter().map(|d| (d.code, d.severity)).collect();
        assert!(codes.contains(&("LBP3101", Severity::Warning)), "{codes:?}");
        let bad = diags
            .iter()
            .find(|d| d.code == "LBP1105")
            .expect("effect error");
        assert!(bad.help.as_deref().unwrap_or("").contains("NoSchedule"));
    }

    #[test]
    fn taint_without_effect_is_an_error() {
        let text = NODE.replace(
            "{key: node-role.openyurt.io/edge, effect: NoSchedule}",
            "{key: node-role.openyurt.io/edge}",
        );
        let (_, diags) = node_of(&text);
        assert!(
            diags
                .iter()
                .any(|d| d.code == "LBP1104" && d.message.contains("spec.taints[0].effect"))
        );
    }
}
