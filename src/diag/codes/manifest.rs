//! Codes of the `manifest` stage: decoding documents into typed objects.

use super::CodeInfo;

pub static CODES: &[CodeInfo] = &[
    CodeInfo {
        code: "LBP1101",
        title: "a document is not an object",
        explanation: "Each YAML document of a manifest file must be one mapping (an object with \
`apiVersion`, `kind`, `metadata`, …). This document is a list or a plain value instead: a stray \
`- item` at the top level, or text after a `---` separator.\n\nFix: wrap lists in a `kind: List` \
object with `items:`, or remove the stray content.",
    },
    CodeInfo {
        code: "LBP1102",
        title: "object without apiVersion or kind",
        explanation: "Every Kubernetes object starts with `apiVersion` and `kind`; without them neither \
kubectl nor lbplan knows what the document is. This often happens when a values file or a fragment \
(a bare `spec:`) is placed among the manifests.\n\nFix: add the two fields, e.g.\n\n    \
apiVersion: v1\n    kind: Service",
    },
    CodeInfo {
        code: "LBP1103",
        title: "a field has the wrong type",
        explanation: "The API server decodes manifests as JSON into typed structs and rejects a value of the \
wrong type. YAML adds a trap: unquoted `true`, `on`, `yes`, `80` or `1.5` are booleans and numbers, \
so an annotation or label written `managed-by-user: true` is refused by kubectl (\"cannot unmarshal \
bool into Go struct field ObjectMeta.metadata.annotations of type string\"). Conversely a quoted \
\"80\" is a string and not a port number.\n\nFix: quote annotation and label values; leave integers \
unquoted.",
    },
    CodeInfo {
        code: "LBP1104",
        title: "a required field is missing or a field combination is invalid",
        explanation: "The API server requires this field (or forbids it in this combination) and \
rejects the object otherwise. Example: a `matchExpressions` entry with operator `In` but no \
`values`, or with operator `Exists` and a `values` list.\n\nFix: add the missing field or remove \
the one that is not allowed, as the help line says.",
    },
    CodeInfo {
        code: "LBP1105",
        title: "a field has a value outside its allowed set",
        explanation: "The field takes one of a fixed set of values (an enum in the Kubernetes API), and \
the API server answers any other value with `Unsupported value`. Values are case-sensitive: \
`loadbalancer` is not `LoadBalancer`.\n\nFix: use one of the values listed in the help line.",
    },
    CodeInfo {
        code: "LBP1106",
        title: "a version string cannot be parsed",
        explanation: "Versions in a ClusterProfile (`kubernetesVersion`, `components.ecm`) are compared \
numerically to decide what the cluster supports: CCE dedicated ELBs need Kubernetes 1.17, HTTPS \
listeners 1.21, multi-region ELB needs edge-controller-manager 2.1.0. A version lbplan cannot read \
would make those decisions guesses, so it is an error.\n\nAccepted forms: `1.30`, `v1.30`, `1.30.1`, \
`v1.30.1-aliyun.1` (a suffix after `-` or `+` is kept but not compared). Quote the value: unquoted \
`1.30` is the YAML number 1.3.\n\nFix: write e.g. `kubernetesVersion: \"1.30\"`.",
    },
    CodeInfo {
        code: "LBP2101",
        title: "a workload's selector does not match its pod template",
        explanation: "An `apps/v1` Deployment, DaemonSet or StatefulSet owns the pods its `spec.selector` \
matches, and it must match the labels of the pods it creates (`spec.template.metadata.labels`); the \
API server rejects the object with `selector does not match template labels`. Example:\n\n    \
selector: {matchLabels: {app: cube}}\n    template: {metadata: {labels: {app: cube-v2}}}\n\n\
Fix: make every selector requirement hold for the template labels (usually: copy the labels into \
`matchLabels`). Remember that a Service selects pods by the template labels too.",
    },
    CodeInfo {
        code: "LBP2102",
        title: "a Cloud NodePool cannot use host networking",
        explanation: "OpenYurt's NodePool webhook rejects `spec.type: Cloud` together with \
`spec.hostNetwork: true` (\"Cloud NodePool cloud not support hostNetwork\"): host networking means no \
CNI on the pool's nodes, which only edge pools support. Both fields are immutable after creation, so \
the pool would have to be recreated.\n\nFix: remove `hostNetwork`, or make the pool `type: Edge`.",
    },
    CodeInfo {
        code: "LBP2103",
        title: "two AlbConfig listeners have the same port and protocol",
        explanation: "An ALB listener is identified by its (port, protocol). Two entries of \
`spec.listeners` with the same pair describe one listener twice; the ALB controller reconciles them \
into one cloud listener and the settings of one entry are silently lost (certificates, timeouts). \
Example: two `{port: 443, protocol: HTTPS}` entries with different `certificates`.\n\nFix: merge the \
two entries into one. An omitted port means 80 and an omitted protocol means HTTP.",
    },
    CodeInfo {
        code: "LBP2104",
        title: "the ClusterProfile's cloud and cluster kind disagree",
        explanation: "The cluster kind belongs to one cloud: `ack`, `ack-edge` and `ack-one-fleet` are \
Alibaba Cloud, `cce` and `cce-turbo` are Huawei Cloud. lbplan chooses the controllers (CCM, ECM, ALB \
controller, CCE) from both fields, so a contradiction would plan resources on the wrong cloud.\n\n\
Fix: correct `spec.cloud` or `spec.clusterKind`; if only one is given, the other is derived from it.",
    },
    CodeInfo {
        code: "LBP2105",
        title: "fleet members do not fit the cluster kind",
        explanation: "`spec.members` lists the member clusters of an ACK One fleet (their manifests are \
read from the given folders). It is meaningful only with `clusterKind: ack-one-fleet`, and a fleet \
needs at least one member: an ALB multi-cluster gateway routes only to members, so a fleet without \
members has nowhere to send traffic.\n\nFix: set `clusterKind: ack-one-fleet` when listing members, \
or remove `members`; for a fleet, add `members: [{clusterId: …, path: …}]`.",
    },
    CodeInfo {
        code: "LBP2106",
        title: "a fleet member is listed twice",
        explanation: "Each member cluster of a fleet is identified by its cluster id; AlbConfig \
`remote-clusters` and Ingress `cluster-weight.<clusterId>` annotations refer to members by that id. \
Two entries with one id would load two manifest folders as the same cluster.\n\nFix: remove the \
duplicate entry or correct its `clusterId`.",
    },
    CodeInfo {
        code: "LBP2107",
        title: "a fleet member path is not relative",
        explanation: "`spec.members[].path` names the folder of a member cluster's manifests relative to \
the profile file, so that a repository can be checked out anywhere (CI, a colleague's machine) and \
give the same plan. Absolute paths (`/home/me/…`, `C:\\…`) and empty paths are refused.\n\nFix: write \
the folder relative to the profile, e.g. `path: clusters/c6a1`.",
    },
    CodeInfo {
        code: "LBP3101",
        title: "unknown field",
        explanation: "The field is not part of this kind's schema. The API server drops unknown fields \
silently (unless kubectl runs with strict field validation), so a misspelt `externalTraficPolicy` \
leaves the default in force and nothing warns you. lbplan suggests the closest known field.\n\n\
Fix: correct the spelling or remove the field.",
    },
    CodeInfo {
        code: "LBP3102",
        title: "unsupported apiVersion for a known kind",
        explanation: "The kind is one lbplan reads, but at an apiVersion that current clusters no longer \
serve or that lbplan does not model (for example `extensions/v1beta1` Ingress, removed in Kubernetes \
1.22). The object is skipped, so nothing it would build is planned.\n\nFix: migrate the manifest to \
the version named in the help line.",
    },
    CodeInfo {
        code: "LBP3103",
        title: "network plugin not modelled",
        explanation: "lbplan models the two network plugins that change how edge load balancers reach \
pods: `terway-edge` (pods have VPC addresses, so NLB can register pods by IP) and `flannel` (overlay: \
backends are nodes). Another plugin is allowed but lbplan plans as for `flannel`, which may be wrong \
for pod-IP backends.\n\nFix: if the cluster runs Terway Edge, write `plugin: terway-edge`; otherwise \
check the plan's backends by hand.",
    },
    CodeInfo {
        code: "LBP3104",
        title: "NodePool leader-election settings have no effect",
        explanation: "In `apps.openyurt.io/v1beta2` NodePools, `leaderElectionStrategy`, \
`leaderNodeLabelSelector` and `leaderReplicas` only apply when `enableLeaderElection: true`, and \
`leaderNodeLabelSelector` only with strategy `mark`. Otherwise yurthub ignores them silently, so the \
pool has no leader (or a random one) although the manifest seems to ask for one.\n\nFix: set \
`enableLeaderElection: true` (and `leaderElectionStrategy: mark` for a label selector), or remove \
the unused fields.",
    },
    CodeInfo {
        code: "LBP4101",
        title: "object kind skipped",
        explanation: "lbplan reads only the objects that shape load balancers (Services, Nodes, Pods and \
workloads, EndpointSlices, NodePools, PoolServices, Ingresses, IngressClasses, AlbConfigs and its own \
ClusterProfile). Other kinds (ConfigMaps, Secrets, CRDs of other products) are skipped with this note. \
It is never an error, so whole `helm template` output can be piped in.\n\nNothing to fix.",
    },
    CodeInfo {
        code: "LBP4102",
        title: "NodePool labels are only under spec.labels",
        explanation: "A NodePool has two label maps. `metadata.labels` label the NodePool object itself: \
that is what `service.openyurt.io/nodepool-labelselector` on a LoadBalancer Service matches. \
`spec.labels` are copied onto the pool's *nodes* and are invisible to that selector. Seed 000 labels \
the pool with `kubectl label nodepool np-xxx k8s-svc=cube`, which writes metadata.labels. A pool \
labelled only under `spec.labels` gets no ELB, silently.\n\nFix: put the selector labels under \
`metadata.labels` (keep `spec.labels` if the nodes need them too).",
    },
    CodeInfo {
        code: "LBP2108",
        title: "more than one ClusterProfile",
        explanation: "A run of lbplan describes one cluster, or one ACK One fleet whose member clusters \
are listed in the fleet profile's `spec.members`. Two ClusterProfile documents in the inputs would \
give two answers to questions such as the cluster id used in cloud-side names, so lbplan refuses to \
guess.\n\nFix: keep one profile; for a fleet, describe the members under `spec.members` and put \
each member's manifests in the folder named by its `path`.",
    },
    CodeInfo {
        code: "LBP4103",
        title: "ClusterProfile defaults assumed",
        explanation: "The cluster profile says what the manifests cannot (cluster id, Kubernetes and ECM \
versions, kube-proxy mode, network plugin, Express Connect). Fields left out get documented \
defaults, listed in the notes of this diagnostic, because a plan computed from a default (for \
example `expressConnect: false`, which rules out ENS forwarding) must not be mistaken for one computed \
from a fact about your cluster.\n\nFix: nothing is wrong; set the fields if the defaults do not \
describe your cluster.",
    },
    CodeInfo {
        code: "LBP3105",
        title: "YAML 1.1 boolean spelling",
        explanation: "Kubernetes reads manifests with YAML 1.1 rules, where `yes`, `no`, `on`, `off`, `y` \
and `n` (in several capitalisations) are booleans. YAML 1.2 tools such as yq and many linters read \
the same words as strings, so a file that says `expressConnect: yes` means different things to \
different readers of the repository. lbplan reads it as Kubernetes does and warns.\n\nFix: write \
`true` or `false`.",
    },
    CodeInfo {
        code: "LBP2109",
        title: "edge-controller-manager too old for ELB Services",
        explanation: "ACK Edge exposes Services through Edge Load Balancer (ELB) instances only from \
edge-controller-manager (ECM) 2.1.0 on (seed 000, Prerequisites). With an older ECM a Service with \
`loadBalancerClass: alibabacloud.com/elb` gets PoolServices but no ELB, no EIP and no listener, and \
nothing reports why. The version comes from the ClusterProfile's `spec.components.ecm`.\n\n\
Fix: upgrade the ECM component of the cluster, or correct the profile if it is out of date.",
    },
];
