//! OpenYurt `apps.openyurt.io/v1beta1|v1beta2` NodePool (cluster-scoped): a group of nodes,
//! in ACK Edge typically one ENS region. A multi-region ELB Service gets one PoolService,
//! hence one ELB, per selected pool (reference §5, SPEC §3).
//!
//! Two label maps, a classic mistake: `service.openyurt.io/nodepool-labelselector` on a
//! Service matches the NodePool's **`metadata.labels`** (what `kubectl label nodepool`
//! writes), not `spec.labels`, which OpenYurt copies onto the pool's *nodes* (reference
//! §5.1). A pool labelled only under `spec.labels` is never selected; the decoder gives
//! advice LBP4102 for that shape.
//!
//! The ENS prerequisites of the ECM are annotations on the NodePool object
//! ([`ens_network_id`], [`ens_region_id`], [`ens_vswitch_id`]); checking that they are
//! present is the ACK Edge provider's job, not the decoder's.

use super::Boxed;
use super::ObjectMeta;
use super::decode::not_one_of;
use super::decode::{Ctx, Fields, Spanned, StringEntry, StringMap, Text};
use super::node::{Taint, decode_taints};
use crate::diag::Diagnostic;
use crate::kube::selector::{LabelSelector, decode_label_selector};
use crate::source::{Node, Span};

/// Annotation with the ENS network id of the pool (required by the ECM, seed 000 step 2.2).
pub const ENS_NETWORK_ID: &str = "alibabacloud.com/ens-network-id";
/// Annotation with the ENS region id of the pool (seed 000 step 2.3).
pub const ENS_REGION_ID: &str = "alibabacloud.com/ens-region-id";
/// Annotation with the pool's vSwitch ids, a comma list; the ECM uses the first (seed 000 step 2.4).
pub const ENS_VSWITCH_ID: &str = "alibabacloud.com/ens-vswitch-id";
/// Label prefix the NodePool webhook writes itself (`nodepool.openyurt.io/type: edge`).
const WEBHOOK_LABEL_PREFIX: &str = "nodepool.openyurt.io/";

/// `spec` fields that exist only in `v1beta2` (OpenYurt `pkg/apis/apps/v1beta2`).
const V1BETA2_ONLY: &[&str] = &[
    "interConnectivity",
    "enableLeaderElection",
    "leaderElectionStrategy",
    "leaderNodeLabelSelector",
    "leaderReplicas",
    "poolScopeMetadata",
];

/// A [`NodePoolBody`] on the heap: see [`Boxed`].
pub type NodePool = Boxed<NodePoolBody>;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct NodePoolBody {
    /// `v1beta1` or `v1beta2`, as written in `apiVersion`.
    pub version: String,
    /// `spec.type` as written; see [`NodePoolBody::pool_type`] for the default.
    pub type_: Option<Spanned<Text>>,
    pub host_network: Option<Spanned<bool>>,
    /// `spec.labels`: copied onto member nodes, **not** matched by Service selectors.
    pub labels: StringMap,
    /// `spec.annotations`: copied onto member nodes.
    pub annotations: StringMap,
    /// `spec.taints`: copied onto member nodes.
    pub taints: Vec<Taint>,
    /// `spec.selector` (older `v1beta1` only): a node label query for membership.
    pub selector: Option<LabelSelector>,
    pub inter_connectivity: Option<Spanned<bool>>,
    pub enable_leader_election: Option<Spanned<bool>>,
    pub leader_election_strategy: Option<Spanned<Text>>,
    /// `spec.leaderNodeLabelSelector`: a plain label map (used with strategy `mark`).
    pub leader_node_label_selector: StringMap,
    pub leader_replicas: Option<Spanned<i64>>,
    /// `spec.poolScopeMetadata[]` as `group/version/resource` (group may be empty).
    pub pool_scope_metadata: Vec<Spanned<Text>>,
    pub spec_span: Option<Span>,
    pub ready_node_num: Option<Spanned<i64>>,
    pub unready_node_num: Option<Spanned<i64>>,
    /// `status.nodes`: member node names as last reported.
    pub status_nodes: Vec<Spanned<Text>>,
}

impl NodePoolBody {
    /// The effective type: `Edge` when unset (webhook default, reference §5.1).
    pub fn pool_type(&self) -> &str {
        self.type_.as_ref().map_or("Edge", |t| t.value.as_str())
    }
    pub fn is_cloud(&self) -> bool {
        self.pool_type() == "Cloud"
    }
    pub fn uses_host_network(&self) -> bool {
        self.host_network.as_ref().is_some_and(|h| h.value)
    }
    pub fn leader_election_enabled(&self) -> bool {
        self.enable_leader_election
            .as_ref()
            .is_some_and(|e| e.value)
    }
    /// The effective strategy: `random` when unset (webhook default).
    pub fn leader_election_strategy(&self) -> &str {
        self.leader_election_strategy
            .as_ref()
            .map_or("random", |s| s.value.as_str())
    }
    /// The effective leader count: 1 when unset (webhook default).
    pub fn leader_replicas(&self) -> i64 {
        self.leader_replicas.as_ref().map_or(1, |r| r.value)
    }
}

/// `alibabacloud.com/ens-network-id` on the NodePool, if annotated.
pub fn ens_network_id(meta: &ObjectMeta) -> Option<&StringEntry> {
    meta.annotations.get(ENS_NETWORK_ID)
}
/// `alibabacloud.com/ens-region-id` on the NodePool, if annotated.
pub fn ens_region_id(meta: &ObjectMeta) -> Option<&StringEntry> {
    meta.annotations.get(ENS_REGION_ID)
}
/// `alibabacloud.com/ens-vswitch-id` on the NodePool, if annotated (a comma list; see
/// [`first_vswitch`]).
pub fn ens_vswitch_id(meta: &ObjectMeta) -> Option<&StringEntry> {
    meta.annotations.get(ENS_VSWITCH_ID)
}
/// The vSwitch the ECM uses: the first non-empty item of the comma list.
pub fn first_vswitch(entry: &StringEntry) -> Option<&str> {
    entry
        .value
        .value
        .split(',')
        .map(str::trim)
        .find(|s| !s.is_empty())
}

pub fn decode(ctx: &mut Ctx, f: &mut Fields, node: &Node, version: &str) -> NodePoolBody {
    let v2 = version == "v1beta2";
    let mut np = NodePoolBody {
        version: version.to_string(),
        ..NodePoolBody::default()
    };
    if let Some(mut spec) = f.map(ctx, "spec") {
        np.spec_span = Some(spec.node().span);
        np.type_ = spec.string(ctx, "type");
        np.host_network = spec.bool(ctx, "hostNetwork");
        np.labels = spec.string_map(ctx, "labels");
        let labels_span = spec.key_span("labels");
        np.annotations = spec.string_map(ctx, "annotations");
        np.taints = decode_taints(ctx, &mut spec);
        if v2 {
            np.inter_connectivity = spec.bool(ctx, "interConnectivity");
            np.enable_leader_election = spec.bool(ctx, "enableLeaderElection");
            np.leader_election_strategy = spec.string(ctx, "leaderElectionStrategy");
            np.leader_node_label_selector = spec.string_map(ctx, "leaderNodeLabelSelector");
            np.leader_replicas = spec.int(ctx, "leaderReplicas");
            for (path, n) in spec.list(ctx, "poolScopeMetadata") {
                if let Some(mut g) = Fields::new(ctx, n, &path) {
                    let part = |s: Option<Spanned<Text>>| s.map(|s| s.value).unwrap_or_default();
                    let group = part(g.string(ctx, "group"));
                    let ver = part(g.string(ctx, "version"));
                    let res = part(g.string(ctx, "resource"));
                    g.finish(ctx);
                    np.pool_scope_metadata.push(Spanned::new(
                        compact_str::format_compact!("{group}/{ver}/{res}"),
                        n.span,
                    ));
                }
            }
            let sel_span = spec.key_span("selector");
            if let Some(span) = sel_span {
                spec.accept(&["selector"]);
                ctx.push(
                    Diagnostic::warning("LBP3101", "unknown field `spec.selector`")
                        .with_primary(span, "not a field of apps.openyurt.io/v1beta2 NodePool")
                        .with_help(format!(
                            "`selector` was removed after v1beta1; nodes join a pool through their label `{}: <pool>`",
                            super::node::NODEPOOL_LABEL
                        )),
                );
            }
        } else {
            if let Some(sel) = spec.take("selector") {
                np.selector = decode_label_selector(ctx, sel, "spec.selector");
            }
            for key in V1BETA2_ONLY {
                if let Some(span) = spec.key_span(key) {
                    spec.accept(&[*key]);
                    ctx.push(
                        Diagnostic::warning("LBP3101", format!("unknown field `spec.{key}`"))
                            .with_primary(span, "not a field of apps.openyurt.io/v1beta1 NodePool")
                            .with_help(format!(
                                "`{key}` exists only in `apps.openyurt.io/v1beta2`; change `apiVersion`, or remove it (the API server drops it)"
                            )),
                    );
                }
            }
        }
        spec.finish(ctx);
        check_spec(ctx, &np);
        check_label_placement(ctx, &np, node, labels_span);
    }
    if let Some(mut status) = f.map(ctx, "status") {
        np.ready_node_num = status.int(ctx, "readyNodeNum");
        np.unready_node_num = status.int(ctx, "unreadyNodeNum");
        np.status_nodes = status.strings(ctx, "nodes");
        if v2 {
            status.accept(&[
                "leaderEndpoints",
                "leaderNum",
                "leaderLastElectedTime",
                "conditions",
            ]);
        }
        status.finish(ctx);
    }
    np
}

/// The NodePool webhook's validation (OpenYurt `nodepool_validation.go`, reference §5.1),
/// plus the leader-election fields that only take effect together.
fn check_spec(ctx: &mut Ctx, np: &NodePoolBody) {
    if let Some(t) = &np.type_
        && let Some(mut d) = not_one_of(t, "spec.type", &["Edge", "Cloud"])
    {
        d.message = format!("pool type should be Edge or Cloud, found `{}`", t.value);
        ctx.push(d);
    }
    if np.is_cloud()
        && let Some(h) = np.host_network.as_ref().filter(|h| h.value)
    {
        let mut d = Diagnostic::error("LBP2102", "Cloud NodePool does not support hostNetwork")
            .with_primary(h.span, "`hostNetwork: true` is only allowed for Edge pools")
            .with_help(
                "remove `hostNetwork`, or set `type: Edge` (both are immutable after creation)",
            );
        if let Some(t) = &np.type_ {
            d = d.with_secondary(t.span, "this pool is a Cloud pool");
        }
        ctx.push(d);
    }
    if let Some(s) = &np.leader_election_strategy
        && let Some(d) = not_one_of(s, "spec.leaderElectionStrategy", &["random", "mark"])
    {
        ctx.push(d);
    }
    if !np.leader_election_enabled() {
        let unused: Vec<(&str, Span)> = [
            (
                "leaderElectionStrategy",
                np.leader_election_strategy.as_ref().map(|s| s.span),
            ),
            (
                "leaderReplicas",
                np.leader_replicas.as_ref().map(|s| s.span),
            ),
            (
                "leaderNodeLabelSelector",
                np.leader_node_label_selector
                    .values()
                    .next()
                    .map(|e| e.key.span),
            ),
        ]
        .into_iter()
        .filter_map(|(k, s)| s.map(|s| (k, s)))
        .collect();
        if let Some((first, span)) = unused.first() {
            let names = unused
                .iter()
                .map(|(k, _)| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let mut d = Diagnostic::warning(
                "LBP3104",
                format!(
                    "{names} ha{} no effect without `enableLeaderElection: true`",
                    if unused.len() == 1 { "s" } else { "ve" }
                ),
            )
            .with_primary(*span, format!("`{first}` is ignored"))
            .with_help("set `spec.enableLeaderElection: true`, or remove the leader settings");
            if let Some(e) = &np.enable_leader_election {
                d = d.with_secondary(e.span, "leader election is disabled here");
            }
            ctx.push(d);
        }
    } else if np.leader_election_strategy() != "mark"
        && let Some(e) = np.leader_node_label_selector.values().next()
    {
        ctx.push(
            Diagnostic::warning(
                "LBP3104",
                "`leaderNodeLabelSelector` has no effect unless `leaderElectionStrategy: mark`",
            )
            .with_primary(e.key.span, "ignored with the `random` strategy")
            .with_help(
                "set `spec.leaderElectionStrategy: mark` to elect leaders among the labelled nodes",
            ),
        );
    }
}

/// Advice LBP4102: labels only under `spec.labels`, none of the user's own under
/// `metadata.labels` — a Service's nodepool-labelselector would never select this pool.
fn check_label_placement(ctx: &mut Ctx, np: &NodePoolBody, node: &Node, labels_key: Option<Span>) {
    if np.labels.is_empty() {
        return;
    }
    let meta_labels = node.get("metadata").and_then(|m| m.get("labels"));
    let has_user_labels = meta_labels.and_then(Node::as_map).is_some_and(|entries| {
        entries.iter().any(|e| {
            e.key
                .as_scalar()
                .is_some_and(|k| !k.value.starts_with(WEBHOOK_LABEL_PREFIX))
        })
    });
    if has_user_labels {
        return;
    }
    let span = labels_key.unwrap_or_else(|| np.spec_span.unwrap_or(node.span));
    let example = np
        .labels
        .values()
        .next()
        .map(|e| format!("{}: {}", e.key.value, e.value.value))
        .unwrap_or_default();
    let name = node
        .get("metadata")
        .and_then(|m| m.get("name"))
        .and_then(Node::as_str)
        .unwrap_or("<pool>");
    let mut d = Diagnostic::advice(
        "LBP4102",
        "this NodePool is labelled only under `spec.labels`, which Service nodepool selectors do not see",
    )
    .with_primary(span, "these labels go onto the pool's nodes, not onto the NodePool")
    .with_help(format!(
        "if a Service's `service.openyurt.io/nodepool-labelselector` should select this pool, put the label under `metadata.labels` (e.g. `{example}`), or run `kubectl label nodepool {name} {}`",
        example.replacen(": ", "=", 1)
    ));
    if let Some(m) = meta_labels {
        d = d.with_secondary(m.span, "the NodePool's own labels");
    }
    ctx.push(d);
}

#[cfg(test)]
mod tests {
    use crate::compile::validate_text;
    use crate::diag::{Diagnostic, Severity};
    use crate::manifest::{Manifest, Object};

    /// Seed 000, "Step 2: Annotate the node pools": the annotations and the `k8s-svc=cube`
    /// label that `kubectl annotate/label nodepool` write on the NodePool object.
    const NP_HEFEI: &str = r#"
apiVersion: apps.openyurt.io/v1beta2
kind: NodePool
metadata:
  name: np-hefei
  labels:
    k8s-svc: cube
    nodepool.openyurt.io/type: edge
  annotations:
    alibabacloud.com/ens-network-id: n-hefei1
    alibabacloud.com/ens-region-id: cn-hefei-unicom
    alibabacloud.com/ens-vswitch-id: "vsw-a1,vsw-a2"
spec:
  type: Edge
  hostNetwork: false
  interConnectivity: true
  enableLeaderElection: true
  leaderElectionStrategy: mark
  leaderNodeLabelSelector: {leader: "yes"}
  leaderReplicas: 2
  poolScopeMetadata:
  - {group: "", version: v1, resource: services}
  labels: {ens-region: hefei}
  taints: [{key: edge, effect: NoSchedule}]
status:
  readyNodeNum: 2
  unreadyNodeNum: 0
  nodes: [ens-hefei-1, ens-hefei-2]
  leaderNum: 2
"#;

    fn one(text: &str) -> (Manifest, Vec<Diagnostic>) {
        let c = validate_text("np.yaml", text);
        let m = c.manifests.into_iter().next().expect("one manifest");
        (m, c.diagnostics.into_vec())
    }

    fn pool(m: &Manifest) -> &super::NodePool {
        match &m.object {
            Object::NodePool(p) => p,
            other => panic!("not a NodePool: {other:?}"),
        }
    }

    #[test]
    fn seed_000_pool_round_trips_with_ens_annotations() {
        let (m, diags) = one(NP_HEFEI);
        assert!(diags.is_empty(), "{diags:?}");
        let p = pool(&m);
        assert_eq!(p.version, "v1beta2");
        assert_eq!(p.pool_type(), "Edge");
        assert!(p.leader_election_enabled());
        assert_eq!(p.leader_election_strategy(), "mark");
        assert_eq!(p.leader_replicas(), 2);
        assert_eq!(p.pool_scope_metadata[0].value, "/v1/services");
        assert_eq!(p.status_nodes.len(), 2);
        assert_eq!(
            super::ens_network_id(&m.meta).map(|e| e.value.value.as_str()),
            Some("n-hefei1")
        );
        assert!(super::ens_region_id(&m.meta).is_some());
        let vsw = super::ens_vswitch_id(&m.meta).expect("vswitch annotation");
        assert_eq!(super::first_vswitch(vsw), Some("vsw-a1"));
    }

    #[test]
    fn defaults_when_spec_is_minimal() {
        let (m, diags) = one(
            "apiVersion: apps.openyurt.io/v1beta1\nkind: NodePool\nmetadata: {name: np}\nspec: {}\n",
        );
        assert!(diags.is_empty(), "{diags:?}");
        let p = pool(&m);
        assert_eq!(p.pool_type(), "Edge");
        assert_eq!(p.leader_election_strategy(), "random");
        assert_eq!(p.leader_replicas(), 1);
        assert!(super::ens_vswitch_id(&m.meta).is_none());
    }

    #[test]
    fn pool_type_must_be_edge_or_cloud() {
        let (_, diags) = one(&NP_HEFEI.replace("type: Edge", "type: edge"));
        let d = diags
            .iter()
            .find(|d| d.code == "LBP1105")
            .expect("type error");
        assert!(d.message.contains("pool type should be Edge or Cloud"));
        assert!(
            d.help
                .as_deref()
                .unwrap_or("")
                .contains("did you mean `Edge`")
        );
    }

    #[test]
    fn cloud_pool_with_host_network_is_an_error() {
        let text = NP_HEFEI
            .replace("type: Edge", "type: Cloud")
            .replace("hostNetwork: false", "hostNetwork: true");
        let (_, diags) = one(&text);
        let d = diags
            .iter()
            .find(|d| d.code == "LBP2102")
            .expect("cloud+hostNetwork");
        assert_eq!(d.labels.len(), 2);
        let (_, diags) = one(&NP_HEFEI.replace("type: Edge", "type: Cloud"));
        assert!(!diags.iter().any(|d| d.code == "LBP2102"));
    }

    #[test]
    fn v1beta2_fields_warn_in_v1beta1_and_selector_in_v1beta2() {
        let (_, diags) = one(&NP_HEFEI.replace("v1beta2", "v1beta1"));
        let unknown: Vec<_> = diags
            .iter()
            .filter(|d| d.code == "LBP3101" && d.message.contains("`spec."))
            .collect();
        assert_eq!(unknown.len(), 6, "{unknown:?}");
        // `status.leaderNum` is v1beta2-only too, and warns with the generic help.
        assert!(diags.iter().any(|d| d.message.contains("status.leaderNum")));
        assert!(
            unknown
                .iter()
                .all(|d| d.help.as_deref().unwrap_or("").contains("v1beta2"))
        );
        let text = NP_HEFEI.replace(
            "  type: Edge\n",
            "  type: Edge\n  selector: {matchLabels: {a: b}}\n",
        );
        let (_, diags) = one(&text);
        assert!(
            diags
                .iter()
                .any(|d| d.code == "LBP3101" && d.message.contains("spec.selector"))
        );
        let (m, diags) = one(&text.replace("v1beta2", "v1beta1").replace("  interConnectivity: true\n  enableLeaderElection: true\n  leaderElectionStrategy: mark\n  leaderNodeLabelSelector: {leader: \"yes\"}\n  leaderReplicas: 2\n  poolScopeMetadata:\n  - {group: \"\", version: v1, resource: services}\n", "").replace("  leaderNum: 2\n", ""));
        assert!(diags.is_empty(), "{diags:?}");
        assert!(pool(&m).selector.is_some());
    }

    #[test]
    fn leader_strategy_is_checked_and_unused_settings_warn() {
        let (_, diags) = one(&NP_HEFEI.replace(
            "leaderElectionStrategy: mark",
            "leaderElectionStrategy: Mark",
        ));
        assert!(diags.iter().any(|d| d.code == "LBP1105"));
        let (_, diags) =
            one(&NP_HEFEI.replace("enableLeaderElection: true", "enableLeaderElection: false"));
        let d = diags
            .iter()
            .find(|d| d.code == "LBP3104")
            .expect("unused leader settings");
        assert_eq!(d.severity, Severity::Warning);
        let (_, diags) = one(&NP_HEFEI.replace(
            "leaderElectionStrategy: mark",
            "leaderElectionStrategy: random",
        ));
        assert!(
            diags
                .iter()
                .any(|d| d.code == "LBP3104" && d.message.contains("leaderNodeLabelSelector"))
        );
    }

    #[test]
    fn labels_only_in_spec_get_advice() {
        let text = NP_HEFEI.replace(
            "  labels:\n    k8s-svc: cube\n    nodepool.openyurt.io/type: edge\n",
            "  labels:\n    nodepool.openyurt.io/type: edge\n",
        );
        let (_, diags) = one(&text);
        let d = diags.iter().find(|d| d.code == "LBP4102").expect("advice");
        assert_eq!(d.severity, Severity::Advice);
        assert!(
            d.help
                .as_deref()
                .unwrap_or("")
                .contains("kubectl label nodepool np-hefei ens-region=hefei")
        );
        let (_, diags) = one(NP_HEFEI);
        assert!(!diags.iter().any(|d| d.code == "LBP4102"));
    }
}
