//! Pods and the workloads that create them (`apps/v1` Deployment, DaemonSet, StatefulSet):
//! where a Service's backends run, on which nodes, on which ports.
//!
//! Pod labels are in the object's `metadata` ([`crate::manifest::ObjectMeta`]); a workload's
//! pod labels are in [`WorkloadBody::template_labels`]. The API server's own rule that a
//! workload's selector must select its pod template is checked here, at decode time.

use super::Boxed;
use super::ObjectMeta;
use super::decode::{
    Ctx, Fields, Rare, Spanned, StringMap, Text, check_port, not_one_of, required_missing,
};
use super::meta::decode_meta;
use super::node::{Condition, condition, decode_conditions};
use crate::diag::Diagnostic;
use crate::kube::selector::{LabelSelector, Operator, decode_label_selector};
use crate::source::{Node, Span};

/// What the decoder found in the pod spec of a Pod or of a workload's template. Every
/// workload carries one: `nodeName`, which a template seldom sets, is boxed, the fields
/// that most pods leave out share one box ([`PodSpecRare`]), and the lists are boxed
/// slices (16 bytes, not a `Vec`'s 24: they never grow once decoded).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PodSpec {
    /// `nodeName`: set by the scheduler, or by hand to pin a pod.
    pub node_name: Rare<Spanned<Text>>,
    /// `nodeSelector`: the nodes a pod may run on (a DaemonSet's placement).
    pub node_selector: StringMap,
    pub containers: Box<[Container]>,
    /// `hostNetwork`, `affinity` and `tolerations`, when any is written.
    pub rare: Rare<PodSpecRare>,
}

/// The fields of a pod spec that most pods leave out, in one box: inline they took 64
/// bytes of every workload for the whole run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PodSpecRare {
    /// `hostNetwork`: the pod listens on the node's address (backend = node IP + container port).
    pub host_network: Option<Spanned<bool>>,
    /// Span of `affinity`, kept opaque apart from which kinds it sets.
    pub affinity: Option<Span>,
    /// Span of `affinity.nodeAffinity`: placement is then narrower than `nodeSelector` says.
    pub node_affinity: Option<Span>,
    /// Span of `affinity.podAntiAffinity` (CCE sticky sessions require pod anti-affinity).
    pub pod_anti_affinity: Option<Span>,
    pub tolerations: Box<[Toleration]>,
}

impl PodSpec {
    pub fn host_network(&self) -> Option<&Spanned<bool>> {
        self.rare.as_ref()?.host_network.as_ref()
    }
    pub fn uses_host_network(&self) -> bool {
        self.host_network().is_some_and(|h| h.value)
    }
    pub fn affinity(&self) -> Option<Span> {
        self.rare.as_ref()?.affinity
    }
    pub fn node_affinity(&self) -> Option<Span> {
        self.rare.as_ref()?.node_affinity
    }
    pub fn pod_anti_affinity(&self) -> Option<Span> {
        self.rare.as_ref()?.pod_anti_affinity
    }
    pub fn has_pod_anti_affinity(&self) -> bool {
        self.pod_anti_affinity().is_some()
    }
    pub fn tolerations(&self) -> &[Toleration] {
        self.rare.as_ref().map_or(&[], |r| &r.tolerations)
    }
    /// Every container port, with its container.
    pub fn ports(&self) -> impl Iterator<Item = (&Container, &ContainerPort)> {
        self.containers
            .iter()
            .flat_map(|c| c.ports.iter().map(move |p| (c, p)))
    }
    /// The container port named `name` (how a Service's string `targetPort` resolves).
    pub fn port_named(&self, name: &str) -> Option<&ContainerPort> {
        self.ports()
            .map(|(_, p)| p)
            .find(|p| p.name.as_ref().is_some_and(|n| n.value == name))
    }
}

/// One `containers[]` item. Its ports are a boxed slice (16 bytes, not a `Vec`'s 24): every
/// workload keeps its containers for the whole run, and the list never grows once decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct Container {
    pub span: Span,
    pub name: Option<Spanned<Text>>,
    pub ports: Box<[ContainerPort]>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ContainerPort {
    pub span: Span,
    pub name: Option<Spanned<Text>>,
    pub container_port: Option<Spanned<i64>>,
    pub protocol: Option<Spanned<Text>>,
    pub host_port: Option<Spanned<i64>>,
}

impl ContainerPort {
    /// The effective protocol (`TCP` when unset).
    pub fn protocol_name(&self) -> &str {
        self.protocol.as_ref().map_or("TCP", |p| p.value.as_str())
    }
}

/// One `tolerations[]` item (which tainted nodes a pod may still run on).
#[derive(Debug, Clone, PartialEq)]
pub struct Toleration {
    pub span: Span,
    pub key: Option<Spanned<Text>>,
    /// `Equal` (default) or `Exists`.
    pub operator: Option<Spanned<Text>>,
    pub value: Option<Spanned<Text>>,
    /// Empty means every effect.
    pub effect: Option<Spanned<Text>>,
}

/// A [`PodBody`] on the heap: see [`Boxed`].
pub type Pod = Boxed<PodBody>;

/// `v1/Pod`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PodBody {
    pub spec: PodSpec,
    /// `status.phase`: `Pending`, `Running`, `Succeeded`, `Failed`, `Unknown`.
    pub phase: Option<Spanned<Text>>,
    pub pod_ip: Option<Spanned<Text>>,
    /// `status.podIPs[].ip`.
    pub pod_ips: Vec<Spanned<Text>>,
    pub host_ip: Option<Spanned<Text>>,
    pub host_ips: Vec<Spanned<Text>>,
    pub conditions: Vec<Condition>,
}

impl PodBody {
    /// The `Ready` condition as reported, `None` when the pod has none.
    pub fn ready(&self) -> Option<bool> {
        condition(&self.conditions, "Ready").and_then(Condition::is_true)
    }
    /// Whether the pod counts as a ready backend: its `Ready` condition when reported, else
    /// `phase == Running` when a phase is reported, else assumed ready (a pod written by
    /// hand, without `status`, describes one that is meant to run).
    pub fn is_ready(&self) -> bool {
        match (self.ready(), &self.phase) {
            (Some(r), _) => r,
            (None, Some(p)) => p.value == "Running",
            (None, None) => true,
        }
    }
    /// The node it runs on (`spec.nodeName`).
    pub fn node_name(&self) -> Option<&str> {
        self.spec.node_name.as_ref().map(|n| n.value.as_str())
    }
}

/// Which of the three workload kinds a [`Workload`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WorkloadKind {
    #[default]
    Deployment,
    DaemonSet,
    StatefulSet,
}

impl WorkloadKind {
    pub fn as_str(self) -> &'static str {
        match self {
            WorkloadKind::Deployment => "Deployment",
            WorkloadKind::DaemonSet => "DaemonSet",
            WorkloadKind::StatefulSet => "StatefulSet",
        }
    }
}

/// A [`WorkloadBody`] on the heap: see [`Boxed`].
pub type Workload = Boxed<WorkloadBody>;

/// An `apps/v1` Deployment, DaemonSet or StatefulSet.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorkloadBody {
    pub kind: WorkloadKind,
    /// `spec.replicas` (Deployment and StatefulSet only; DaemonSets run one pod per
    /// eligible node). See [`WorkloadBody::desired_replicas`] for the default.
    pub replicas: Option<Spanned<i64>>,
    /// The pod template's labels (`spec.template.metadata.labels`): what a Service selects
    /// on, and the only part of the template's metadata a stage reads.
    pub template_labels: StringMap,
    /// The rest of the template's metadata (annotations, a name…) without its labels, boxed
    /// and only when written: every workload lives for the whole run, and a whole inline
    /// [`ObjectMeta`] took 136 bytes of each for fields no stage reads.
    pub template_rest: Rare<ObjectMeta>,
    /// Span of `spec.template.metadata.labels` (or of the template when absent).
    pub template_labels_span: Option<Span>,
    pub pod: PodSpec,
    /// Boxed and only when written: the counters take 224 bytes, and manifests in a
    /// repository seldom carry a status.
    pub status: Option<Box<WorkloadStatus>>,
}

/// The counters of a workload's `status` that tell how many backends are ready.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorkloadStatus {
    /// Deployment / StatefulSet.
    pub replicas: Option<Spanned<i64>>,
    pub ready_replicas: Option<Spanned<i64>>,
    pub available_replicas: Option<Spanned<i64>>,
    /// DaemonSet.
    pub desired_number_scheduled: Option<Spanned<i64>>,
    pub current_number_scheduled: Option<Spanned<i64>>,
    pub number_ready: Option<Spanned<i64>>,
    pub number_available: Option<Spanned<i64>>,
}

impl WorkloadBody {
    /// The replica count the workload asks for: `spec.replicas`, defaulting to 1 for a
    /// Deployment or StatefulSet (the API server's default). `None` for a DaemonSet, whose
    /// count is the number of eligible nodes.
    pub fn desired_replicas(&self) -> Option<i64> {
        match self.kind {
            WorkloadKind::DaemonSet => None,
            _ => Some(self.replicas.as_ref().map_or(1, |r| r.value)),
        }
    }
    /// Ready pods reported in `status` (`readyReplicas`, or `numberReady` for a DaemonSet);
    /// `None` when no status was given.
    pub fn ready_count(&self) -> Option<i64> {
        let s = self.status.as_deref()?;
        let v = match self.kind {
            WorkloadKind::DaemonSet => s.number_ready.as_ref(),
            _ => s.ready_replicas.as_ref(),
        };
        v.map(|v| v.value).or_else(|| {
            // A status without readyReplicas means zero ready (omitempty in Go).
            let any = match self.kind {
                WorkloadKind::DaemonSet => s.desired_number_scheduled.is_some(),
                _ => s.replicas.is_some(),
            };
            any.then_some(0)
        })
    }
    /// The pod labels (`spec.template.metadata.labels`).
    pub fn pod_labels(&self) -> &StringMap {
        &self.template_labels
    }
}

pub fn decode_pod(ctx: &mut Ctx, f: &mut Fields, _node: &Node) -> PodBody {
    let mut pod = PodBody::default();
    if let Some(mut spec) = f.map(ctx, "spec") {
        pod.spec = decode_pod_spec(ctx, &mut spec);
        spec.finish(ctx);
    }
    if let Some(mut status) = f.map(ctx, "status") {
        pod.phase = status.string(ctx, "phase");
        pod.pod_ip = status.string(ctx, "podIP");
        pod.pod_ips = ip_list(ctx, &mut status, "podIPs");
        pod.host_ip = status.string(ctx, "hostIP");
        pod.host_ips = ip_list(ctx, &mut status, "hostIPs");
        pod.conditions = decode_conditions(ctx, &mut status);
        status.accept(&[
            "message",
            "reason",
            "nominatedNodeName",
            "startTime",
            "initContainerStatuses",
            "containerStatuses",
            "ephemeralContainerStatuses",
            "qosClass",
            "resize",
            "resourceClaimStatuses",
            "observedGeneration",
            "extendedResourceClaimStatus",
            "allocatedResources",
            "resources",
        ]);
        status.finish(ctx);
    }
    pod
}

/// `[{ip: …}]` lists (`podIPs`, `hostIPs`).
fn ip_list(ctx: &mut Ctx, f: &mut Fields, key: &'static str) -> Vec<Spanned<Text>> {
    let mut out = Vec::new();
    for (path, n) in f.list(ctx, key) {
        if let Some(mut item) = Fields::new(ctx, n, &path) {
            if let Some(ip) = item.string(ctx, "ip") {
                out.push(ip);
            }
            item.finish(ctx);
        }
    }
    out
}

/// Decodes a Deployment, DaemonSet or StatefulSet. The kind is read from the object's own
/// `kind`; items of a typed list (`DaemonSetList`) may omit it, and then the kind is
/// inferred from kind-specific fields (prefer [`decode_workload_of`] when the caller knows).
pub fn decode_workload(ctx: &mut Ctx, f: &mut Fields, node: &Node) -> WorkloadBody {
    let has = |section: &str, keys: &[&str]| {
        node.get(section)
            .is_some_and(|s| keys.iter().any(|k| s.get(k).is_some()))
    };
    let kind = match node.get("kind").and_then(Node::as_str) {
        Some("DaemonSet") => WorkloadKind::DaemonSet,
        Some("StatefulSet") => WorkloadKind::StatefulSet,
        Some(_) => WorkloadKind::Deployment,
        None if has(
            "spec",
            &["serviceName", "volumeClaimTemplates", "podManagementPolicy"],
        ) =>
        {
            WorkloadKind::StatefulSet
        }
        None if has("status", &["desiredNumberScheduled", "numberReady"]) => {
            WorkloadKind::DaemonSet
        }
        None => WorkloadKind::Deployment,
    };
    decode_workload_of(ctx, f, node, kind)
}

/// Decodes a workload of a known kind.
pub fn decode_workload_of(
    ctx: &mut Ctx,
    f: &mut Fields,
    _node: &Node,
    kind: WorkloadKind,
) -> WorkloadBody {
    let mut w = WorkloadBody {
        kind,
        ..WorkloadBody::default()
    };
    if let Some(mut spec) = f.map(ctx, "spec") {
        let spec_span = spec.node().span;
        if kind != WorkloadKind::DaemonSet {
            w.replicas = spec.int(ctx, "replicas");
            if let Some(r) = w.replicas.as_ref().filter(|r| r.value < 0) {
                ctx.push(
                    Diagnostic::error(
                        "LBP1104",
                        format!("`spec.replicas` must not be negative, found {}", r.value),
                    )
                    .with_primary(r.span, "negative replica count")
                    .with_help("use 0 to scale the workload down, or a positive count"),
                );
            }
        }
        let selector_key = spec.key_span("selector");
        // Checked against the template below, then dropped: every later stage matches a
        // Service's selector against the template labels, as the controllers do, and a
        // fleet's 10,000 workloads would keep 1.3 MB of selectors nothing reads.
        let selector = spec
            .take("selector")
            .and_then(|sel| decode_label_selector(ctx, sel, "spec.selector"));
        if let Some(mut template) = spec.map(ctx, "template") {
            let mut meta = decode_meta(ctx, &mut template);
            w.template_labels = std::mem::take(&mut meta.labels);
            w.template_rest = Rare::new(Some(meta).filter(|m| *m != ObjectMeta::default()));
            let t_node = template.node();
            w.template_labels_span = Some(
                t_node
                    .get("metadata")
                    .and_then(|m| m.get("labels").or(Some(m)))
                    .map_or(t_node.span, |n| n.span),
            );
            if let Some(mut pspec) = template.map(ctx, "spec") {
                w.pod = decode_pod_spec(ctx, &mut pspec);
                pspec.finish(ctx);
            }
            template.finish(ctx);
        }
        match kind {
            WorkloadKind::Deployment => spec.accept(&[
                "strategy",
                "minReadySeconds",
                "revisionHistoryLimit",
                "paused",
                "progressDeadlineSeconds",
            ]),
            WorkloadKind::StatefulSet => spec.accept(&[
                "serviceName",
                "volumeClaimTemplates",
                "podManagementPolicy",
                "updateStrategy",
                "revisionHistoryLimit",
                "minReadySeconds",
                "persistentVolumeClaimRetentionPolicy",
                "ordinals",
            ]),
            WorkloadKind::DaemonSet => {
                spec.accept(&["updateStrategy", "minReadySeconds", "revisionHistoryLimit"])
            }
        }
        spec.finish(ctx);
        check_selector(
            ctx,
            &w,
            selector.as_ref(),
            selector_key.unwrap_or(spec_span),
        );
    }
    if let Some(mut status) = f.map(ctx, "status") {
        let s = w.status.insert(Box::default());
        match kind {
            WorkloadKind::DaemonSet => {
                s.desired_number_scheduled = status.int(ctx, "desiredNumberScheduled");
                s.current_number_scheduled = status.int(ctx, "currentNumberScheduled");
                s.number_ready = status.int(ctx, "numberReady");
                s.number_available = status.int(ctx, "numberAvailable");
                status.accept(&[
                    "numberMisscheduled",
                    "updatedNumberScheduled",
                    "numberUnavailable",
                ]);
            }
            _ => {
                s.replicas = status.int(ctx, "replicas");
                s.ready_replicas = status.int(ctx, "readyReplicas");
                s.available_replicas = status.int(ctx, "availableReplicas");
                status.accept(&[
                    "updatedReplicas",
                    "unavailableReplicas",
                    "terminatingReplicas",
                    "currentReplicas",
                    "currentRevision",
                    "updateRevision",
                ]);
            }
        }
        status.accept(&["observedGeneration", "collisionCount", "conditions"]);
        status.finish(ctx);
    }
    w
}

/// The API server's workload selector rules (`apps/v1`): a selector is required, must not
/// be empty, and must select the pod template's labels — otherwise the workload would
/// create pods it does not own.
fn check_selector(ctx: &mut Ctx, w: &WorkloadBody, selector: Option<&LabelSelector>, at: Span) {
    let kind = w.kind.as_str();
    let Some(sel) = selector else {
        ctx.push(
            Diagnostic::error(
                "LBP1104",
                format!("`spec.selector` is required for an apps/v1 {kind}"),
            )
            .with_primary(at, "no `selector` in this spec")
            .with_help("add `selector: {matchLabels: {…}}` repeating the pod template's labels"),
        );
        return;
    };
    if sel.requirements.is_empty() {
        ctx.push(
            Diagnostic::error("LBP1104", format!("empty selector is invalid for a {kind}"))
                .with_primary(sel.span, "selects nothing specific")
                .with_help("list the pod template's labels under `selector.matchLabels`"),
        );
        return;
    }
    let labels = &w.template_labels;
    let Some(failed) = sel.requirements.iter().find(|r| !r.matches(labels)) else {
        return;
    };
    let mut d = Diagnostic::error(
        "LBP2101",
        format!("`spec.selector` does not match the pod template labels of this {kind}"),
    )
    .with_primary(
        failed.span,
        match (failed.op, failed.values.first()) {
            (Operator::Equals, Some(v)) => format!(
                "requires `{}: {}`, which the template labels lack",
                failed.key.value, v.value
            ),
            _ => format!(
                "the requirement on `{}` fails for the template labels",
                failed.key.value
            ),
        },
    );
    if let Some(span) = w.template_labels_span {
        d = d.with_secondary(span, "the pod template's labels");
    }
    let help = match failed.op {
        Operator::Equals | Operator::In => match failed.values.first() {
            Some(v) => format!(
                "add `{}: {}` to `spec.template.metadata.labels`, or change the selector",
                failed.key.value, v.value
            ),
            None => "make the selector and the template labels agree".to_string(),
        },
        _ => "make the selector and the template labels agree".to_string(),
    };
    ctx.push(d.with_help(help));
}

/// Reads a pod spec (of a Pod, or of a workload's template); the caller finishes `spec`.
fn decode_pod_spec(ctx: &mut Ctx, spec: &mut Fields) -> PodSpec {
    let node_name = Rare::new(spec.string(ctx, "nodeName"));
    let host_network = spec.bool(ctx, "hostNetwork");
    let node_selector = spec.string_map(ctx, "nodeSelector");
    let rare = decode_pod_spec_rare(ctx, spec, host_network);
    let mut out = PodSpec {
        node_name,
        node_selector,
        rare: Rare::new(Some(rare).filter(|r| *r != PodSpecRare::default())),
        ..PodSpec::default()
    };
    let items = spec.list(ctx, "containers");
    let mut containers = Vec::with_capacity(items.len());
    for (path, n) in items {
        if let Some(c) = decode_container(ctx, n, path) {
            containers.push(c);
        }
    }
    out.containers = containers.into_boxed_slice();
    spec.accept(&[
        "volumes",
        "initContainers",
        "ephemeralContainers",
        "restartPolicy",
        "terminationGracePeriodSeconds",
        "activeDeadlineSeconds",
        "dnsPolicy",
        "serviceAccountName",
        "serviceAccount",
        "automountServiceAccountToken",
        "hostPID",
        "hostIPC",
        "shareProcessNamespace",
        "securityContext",
        "imagePullSecrets",
        "hostname",
        "subdomain",
        "schedulerName",
        "hostAliases",
        "priorityClassName",
        "priority",
        "dnsConfig",
        "readinessGates",
        "runtimeClassName",
        "enableServiceLinks",
        "preemptionPolicy",
        "overhead",
        "topologySpreadConstraints",
        "setHostnameAsFQDN",
        "os",
        "hostUsers",
        "schedulingGates",
        "resourceClaims",
        "resources",
        "hostnameOverride",
    ]);
    out
}

/// `affinity` and `tolerations` of a pod spec, with the `hostNetwork` read before them (all
/// default when absent).
fn decode_pod_spec_rare(
    ctx: &mut Ctx,
    spec: &mut Fields,
    host_network: Option<Spanned<bool>>,
) -> PodSpecRare {
    let mut out = PodSpecRare {
        host_network,
        ..PodSpecRare::default()
    };
    if let Some(aff) = spec.take("affinity") {
        out.affinity = Some(aff.span);
        out.node_affinity = aff.get("nodeAffinity").map(|n| n.span);
        out.pod_anti_affinity = aff.get("podAntiAffinity").map(|n| n.span);
        if let Some(mut af) = Fields::new(ctx, aff, "spec.affinity") {
            af.accept(&["nodeAffinity", "podAffinity", "podAntiAffinity"]);
            af.finish(ctx);
        }
    }
    let items = spec.list(ctx, "tolerations");
    let mut tolerations = Vec::with_capacity(items.len());
    for (path, n) in items {
        let Some(mut t) = Fields::new(ctx, n, &path) else {
            continue;
        };
        tolerations.push(Toleration {
            span: n.span,
            key: t.string(ctx, "key"),
            operator: t.string(ctx, "operator"),
            value: t.string(ctx, "value"),
            effect: t.string(ctx, "effect"),
        });
        t.accept(&["tolerationSeconds"]);
        t.finish(ctx);
    }
    out.tolerations = tolerations.into_boxed_slice();
    out
}

fn decode_container(ctx: &mut Ctx, node: &Node, path: String) -> Option<Container> {
    let mut f = Fields::new(ctx, node, &path)?;
    let name = f.string(ctx, "name");
    let items = f.list(ctx, "ports");
    let mut ports = Vec::with_capacity(items.len());
    for (ppath, pn) in items {
        let Some(mut pf) = Fields::new(ctx, pn, &ppath) else {
            continue;
        };
        let port = ContainerPort {
            span: pn.span,
            name: pf.string(ctx, "name"),
            container_port: pf.int(ctx, "containerPort"),
            protocol: pf.string(ctx, "protocol"),
            host_port: pf.int(ctx, "hostPort"),
        };
        pf.accept(&["hostIP"]);
        pf.finish(ctx);
        match &port.container_port {
            Some(p) => {
                check_port(ctx, p, &format!("{ppath}.containerPort"), false);
            }
            None if pn.get("containerPort").is_none() => ctx.push(required_missing(
                pn.span,
                &format!("{ppath}.containerPort"),
                "every container port needs `containerPort`, e.g. `- containerPort: 80`",
            )),
            None => {}
        }
        if let Some(h) = &port.host_port {
            check_port(ctx, h, &format!("{ppath}.hostPort"), true);
        }
        if let Some(d) = port
            .protocol
            .as_ref()
            .and_then(|p| not_one_of(p, &format!("{ppath}.protocol"), &["TCP", "UDP", "SCTP"]))
        {
            ctx.push(d);
        }
        ports.push(port);
    }
    f.accept(&[
        "image",
        "command",
        "args",
        "workingDir",
        "env",
        "envFrom",
        "resources",
        "resizePolicy",
        "restartPolicy",
        "restartPolicyRules",
        "volumeMounts",
        "volumeDevices",
        "livenessProbe",
        "readinessProbe",
        "startupProbe",
        "lifecycle",
        "terminationMessagePath",
        "terminationMessagePolicy",
        "imagePullPolicy",
        "securityContext",
        "stdin",
        "stdinOnce",
        "tty",
    ]);
    f.finish(ctx);
    Some(Container {
        span: node.span,
        name,
        ports: ports.into_boxed_slice(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::validate_text;
    use crate::manifest::{Manifest, Object};

    /// Seed 000, "Step 1: Deploy an application" (the `cube` DaemonSet).
    const CUBE_DS: &str = r#"
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: cube
  labels:
    app: cube
spec:
  selector:
    matchLabels:
      app: cube
  template:
    metadata:
      labels:
        app: cube
    spec:
      containers:
      - name: cube
        image: registry.cn-hangzhou.aliyuncs.com/acr-toolkit/ack-cube:1.0
        ports:
        - containerPort: 80
status:
  desiredNumberScheduled: 4
  currentNumberScheduled: 4
  numberReady: 4
  numberAvailable: 4
  updatedNumberScheduled: 4
"#;

    fn one(text: &str) -> (Manifest, Vec<crate::diag::Diagnostic>) {
        let c = validate_text("w.yaml", text);
        let m = c.manifests.into_iter().next().expect("one manifest");
        (m, c.diagnostics.into_vec())
    }

    /// Every workload stays decoded for the whole run (fleet-10000: 10,000 of them), its
    /// pod spec inline and one container each: a byte here costs ten thousand. Tighter
    /// than the bound in `decoded_objects_stay_small`; raise one knowing that cost.
    #[test]
    fn workloads_stay_small() {
        use std::mem::size_of;
        assert!(size_of::<WorkloadBody>() <= 136);
        assert!(size_of::<PodSpec>() <= 48);
        assert!(size_of::<Container>() <= 72);
    }

    #[test]
    fn rarely_written_fields_are_boxed_only_when_written() {
        let (m, _) = one(CUBE_DS);
        let Object::DaemonSet(w) = &m.object else {
            panic!("not a DaemonSet")
        };
        assert!(w.template_rest.is_none());
        assert!(w.pod.rare.is_none());
        assert_eq!(w.pod.tolerations().len(), 0);
        let text = CUBE_DS.replace(
            "      labels:\n        app: cube\n    spec:\n",
            "      labels:\n        app: cube\n      annotations: {a: b}\n    spec:\n      hostNetwork: false\n",
        );
        let (m, diags) = one(&text);
        assert!(diags.is_empty(), "{diags:?}");
        let Object::DaemonSet(w) = &m.object else {
            panic!("not a DaemonSet")
        };
        assert_eq!(
            w.template_rest.as_ref().map(|m| m.annotation("a")),
            Some(Some("b"))
        );
        assert!(
            w.template_rest
                .as_ref()
                .is_some_and(|m| m.labels.is_empty())
        );
        assert_eq!(w.pod_labels().len(), 1);
        assert!(w.pod.host_network().is_some());
        assert!(!w.pod.uses_host_network());
    }

    #[test]
    fn seed_000_cube_daemonset_round_trips() {
        let (m, diags) = one(CUBE_DS);
        assert!(diags.is_empty(), "{diags:?}");
        let Object::DaemonSet(w) = &m.object else {
            panic!("not a DaemonSet")
        };
        assert_eq!(w.kind, WorkloadKind::DaemonSet);
        assert_eq!(w.desired_replicas(), None);
        assert_eq!(w.ready_count(), Some(4));
        assert_eq!(
            w.pod_labels().get("app").map(|e| e.value.value.as_str()),
            Some("cube")
        );
        let ports: Vec<_> = w.pod.ports().collect();
        assert_eq!(ports.len(), 1);
        assert_eq!(
            ports[0].1.container_port.as_ref().map(|p| p.value),
            Some(80)
        );
        assert_eq!(ports[0].1.protocol_name(), "TCP");
        assert!(!w.pod.uses_host_network());
    }

    #[test]
    fn deployment_defaults_to_one_replica_and_records_anti_affinity() {
        let text = r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector:
    matchExpressions:
    - {key: app, operator: In, values: [web, web2]}
  template:
    metadata: {labels: {app: web}}
    spec:
      hostNetwork: true
      nodeSelector: {apps.openyurt.io/nodepool: np-hefei}
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution: []
      tolerations: [{key: edge, operator: Exists}]
      containers:
      - name: web
        ports: [{name: http, containerPort: 8080, protocol: TCP, hostPort: 8080}]
"#;
        let (m, diags) = one(text);
        assert!(diags.is_empty(), "{diags:?}");
        let Object::Deployment(w) = &m.object else {
            panic!("not a Deployment")
        };
        assert_eq!(w.desired_replicas(), Some(1));
        assert_eq!(w.ready_count(), None);
        assert!(w.pod.has_pod_anti_affinity());
        assert!(w.pod.uses_host_network());
        assert_eq!(w.pod.node_selector.len(), 1);
        assert_eq!(w.pod.tolerations().len(), 1);
        assert!(w.pod.port_named("http").is_some());
    }

    #[test]
    fn selector_must_match_template_labels() {
        let text = CUBE_DS.replace(
            "      labels:\n        app: cube\n    spec:",
            "      labels:\n        app: cubes\n    spec:",
        );
        let (_, diags) = one(&text);
        let d = diags
            .iter()
            .find(|d| d.code == "LBP2101")
            .expect("selector mismatch");
        assert_eq!(
            d.labels.len(),
            2,
            "primary at the selector, secondary at the labels"
        );
        assert!(d.help.as_deref().unwrap_or("").contains("app: cube"));
    }

    #[test]
    fn missing_or_empty_selector_is_an_error() {
        let text = CUBE_DS.replace("  selector:\n    matchLabels:\n      app: cube\n", "");
        let (_, diags) = one(&text);
        assert!(
            diags
                .iter()
                .any(|d| d.code == "LBP1104" && d.message.contains("selector"))
        );
        let text = CUBE_DS.replace(
            "    matchLabels:\n      app: cube\n",
            "    matchLabels: {}\n",
        );
        let (_, diags) = one(&text);
        assert!(
            diags
                .iter()
                .any(|d| d.code == "LBP1104" && d.message.contains("empty selector"))
        );
    }

    #[test]
    fn not_in_and_does_not_exist_selectors_match() {
        let text = CUBE_DS.replace(
            "    matchLabels:\n      app: cube\n",
            "    matchLabels: {app: cube}\n    matchExpressions:\n    - {key: tier, operator: NotIn, values: [db]}\n    - {key: canary, operator: DoesNotExist}\n",
        );
        let (_, diags) = one(&text);
        assert!(diags.is_empty(), "{diags:?}");
    }

    #[test]
    fn replicas_on_a_daemonset_and_bad_ports_are_reported() {
        let text = CUBE_DS
            .replace("spec:\n  selector:", "spec:\n  replicas: 3\n  selector:")
            .replace(
                "- containerPort: 80",
                "- containerPort: 70000\n          protocol: tcp",
            );
        let (_, diags) = one(&text);
        assert!(
            diags
                .iter()
                .any(|d| d.code == "LBP3101" && d.message.contains("spec.replicas"))
        );
        assert!(diags.iter().any(|d| d.code == "LBP2010"));
        let proto = diags
            .iter()
            .find(|d| d.code == "LBP1105")
            .expect("protocol");
        assert!(proto.help.as_deref().unwrap_or("").contains("`TCP`"));
    }

    #[test]
    fn typed_list_items_without_kind_keep_their_kind() {
        let text = r#"
apiVersion: apps/v1
kind: DaemonSetList
items:
- metadata: {name: cube}
  spec:
    selector: {matchLabels: {app: cube}}
    template:
      metadata: {labels: {app: cube}}
      spec: {containers: [{name: cube, image: cube}]}
  status: {desiredNumberScheduled: 2, numberReady: 1}
"#;
        let (m, diags) = one(text);
        assert!(diags.is_empty(), "{diags:?}");
        let Object::DaemonSet(w) = &m.object else {
            panic!("not a DaemonSet")
        };
        assert_eq!(w.kind, WorkloadKind::DaemonSet);
        assert_eq!(w.ready_count(), Some(1));
    }

    #[test]
    fn pod_readiness_and_ips() {
        let text = r#"
apiVersion: v1
kind: Pod
metadata: {name: cube-x, labels: {app: cube}}
spec:
  nodeName: ens-hefei-1
  containers: [{name: cube, image: cube, ports: [{containerPort: 80}]}]
status:
  phase: Running
  hostIP: 10.0.0.3
  podIP: 172.16.0.5
  podIPs: [{ip: 172.16.0.5}]
  conditions:
  - {type: Ready, status: "False"}
"#;
        let (m, diags) = one(text);
        assert!(diags.is_empty(), "{diags:?}");
        let Object::Pod(p) = &m.object else {
            panic!("not a Pod")
        };
        assert_eq!(p.node_name(), Some("ens-hefei-1"));
        assert_eq!(p.ready(), Some(false));
        assert!(!p.is_ready(), "Ready=False wins over phase Running");
        assert_eq!(p.pod_ips.len(), 1);
        let (m, _) =
            one("apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nstatus: {phase: Pending}\n");
        let Object::Pod(p) = &m.object else {
            panic!("not a Pod")
        };
        assert!(!p.is_ready());
        let (_, diags) =
            one("apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {nodeNmae: x}\n");
        assert!(
            diags.iter().any(
                |d| d.code == "LBP3101" && d.help.as_deref().unwrap_or("").contains("nodeName")
            )
        );
    }
}
