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
        code: "LBP4101",
        title: "object kind skipped",
        explanation: "lbplan reads only the objects that shape load balancers (Services, Nodes, Pods and \
workloads, EndpointSlices, NodePools, PoolServices, Ingresses, IngressClasses, AlbConfigs and its own \
ClusterProfile). Other kinds (ConfigMaps, Secrets, CRDs of other products) are skipped with this note. \
It is never an error, so whole `helm template` output can be piped in.\n\nNothing to fix.",
    },
];
