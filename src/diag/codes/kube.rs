//! Codes of the Kubernetes rules (`check::metadata`, `check::service`, `check::ingress`):
//! what the API server itself would refuse, and what it accepts but rarely means.

use super::CodeInfo;

pub static CODES: &[CodeInfo] = &[
    CodeInfo {
        code: "LBP2001",
        title: "invalid object name",
        explanation: "Object names end up in URLs, DNS names and cloud resource names, so the API server \
restricts them. Most objects need a DNS-1123 subdomain (at most 253 lower-case letters, digits, '-' \
or '.', starting and ending with a letter or digit). Services need a DNS-1035 label: at most 63 \
characters, no dots, and the first character must be a letter, because the name becomes \
`<name>.<namespace>.svc`. The same rules apply where an object refers to another by name \
(`ingressClassName`, an Ingress backend's `service.name`).\n\nExample:\n\n    metadata:\n      \
name: 1st_web      # digit first, underscore\n\nFix: `name: web-1`.",
    },
    CodeInfo {
        code: "LBP2002",
        title: "invalid namespace",
        explanation: "A namespace name is a DNS-1123 label: at most 63 lower-case letters, digits or '-', \
starting and ending with a letter or digit, without dots. The API server rejects an object whose \
`metadata.namespace` breaks this rule before looking at anything else.\n\nExample: `namespace: \
Prod` (upper case).\n\nFix: `namespace: prod`.",
    },
    CodeInfo {
        code: "LBP2003",
        title: "invalid label key",
        explanation: "A label key is `[prefix/]name`. The optional prefix is a DNS subdomain (lower case, \
e.g. `example.com`); the name is at most 63 letters, digits, '-', '_' or '.', starting and ending \
with a letter or digit. Selectors (Services, NodePool selectors, `kubectl -l`) can only match \
valid keys, and the API server refuses the object.\n\nExample: `Example.com/app: web` (upper-case \
prefix), `app name: web` (space).\n\nFix: `example.com/app: web`, `app-name: web`.",
    },
    CodeInfo {
        code: "LBP2004",
        title: "invalid label value",
        explanation: "A label value is empty, or at most 63 letters, digits, '-', '_' or '.', starting and \
ending with a letter or digit. Spaces, slashes, colons and longer text are refused by the API \
server. Free-form text belongs in an annotation.\n\nExample: `version: \"1.2 beta\"`.\n\nFix: \
`version: 1.2-beta`, or move the text to `metadata.annotations`.",
    },
    CodeInfo {
        code: "LBP2005",
        title: "invalid annotation key",
        explanation: "Annotation keys follow the label-key syntax (checked case-insensitively): an optional \
DNS subdomain prefix and '/', then a name of at most 63 letters, digits, '-', '_' or '.', starting \
and ending with a letter or digit. Cloud controllers read keys such as \
`service.beta.kubernetes.io/alibaba-cloud-loadbalancer-spec`; a key with a stray space or a second \
'/' is refused by the API server, so the setting never reaches the controller.\n\nFix: correct the \
key as the help line says.",
    },
    CodeInfo {
        code: "LBP2006",
        title: "annotations exceed 256 KiB",
        explanation: "The API server limits the summed size of all annotation keys and values of one \
object to 256 KiB (262144 bytes) and refuses larger objects. The usual cause is client-side \
`kubectl apply`, which copies the whole object into \
`kubectl.kubernetes.io/last-applied-configuration`, or large JSON kept in an annotation.\n\nFix: \
keep bulky data in a ConfigMap, or use `kubectl apply --server-side`, which does not store that \
annotation.",
    },
    CodeInfo {
        code: "LBP2010",
        title: "port number out of range",
        explanation: "Port numbers (`port`, a numeric `targetPort`, `nodePort`, `healthCheckNodePort`, an \
Ingress backend's `port.number`) must be between 1 and 65535. The API server refuses 0, negative \
numbers and anything above 65535; a missing `port` in a Service is read as 0.\n\nExample: `port: \
80800`.\n\nFix: use a port between 1 and 65535.",
    },
    CodeInfo {
        code: "LBP2011",
        title: "Service port without a name",
        explanation: "When a Service has more than one port, every port must have a `name`, so that \
Endpoints, EndpointSlices and Ingress backends can tell the ports apart. The API server refuses \
the Service otherwise; a single port may stay unnamed.\n\nExample:\n\n    ports:\n    - port: 80\n    \
- port: 443\n\nFix: add `name: http` and `name: https`.",
    },
    CodeInfo {
        code: "LBP2012",
        title: "invalid Service port name",
        explanation: "A Service port name is a DNS-1123 label: at most 63 lower-case letters, digits or \
'-', starting and ending with a letter or digit. (Container port names are stricter IANA service \
names; a Service port name that targets them by name is not.)\n\nExample: `name: HTTP_80`.\n\nFix: \
`name: http-80`.",
    },
    CodeInfo {
        code: "LBP2013",
        title: "duplicate Service port name",
        explanation: "Port names identify ports within a Service (Ingress backends and EndpointSlices \
refer to them), so each name may be used once. The API server refuses duplicates.\n\nFix: rename \
one of the ports; the secondary label shows the first use.",
    },
    CodeInfo {
        code: "LBP2014",
        title: "duplicate Service port",
        explanation: "Each (`port`, `protocol`) pair may appear once in a Service: two entries for TCP 80 \
would be two listeners on the same port. The same number with different protocols (TCP 53 and \
UDP 53) is fine.\n\nFix: remove the duplicate, or change its `port` or `protocol`.",
    },
    CodeInfo {
        code: "LBP2015",
        title: "invalid named port",
        explanation: "A port referred to by name (a Service's string `targetPort`, an Ingress backend's \
`service.port.name`) must be an IANA service name: at most 15 lower-case letters, digits or '-', \
at least one letter, not starting or ending with '-' and without '--'. A name of digits only is \
usually a port number written as a string: YAML `\"8080\"` is a string, `8080` a number.\n\nFix: \
write the number unquoted, or use the container port's name (e.g. `http`).",
    },
    CodeInfo {
        code: "LBP2016",
        title: "nodePort outside the default range",
        explanation: "The API server allocates node ports from `--service-node-port-range`, which is \
30000-32767 unless the cluster administrator changed it, and refuses a `nodePort` outside that \
range. Managed clusters (ACK, CCE) keep the default.\n\nExample: `nodePort: 8080`.\n\nFix: remove \
`nodePort` to get one allocated, or pick a port in 30000-32767. If your cluster really uses a \
different range, this finding does not apply.",
    },
    CodeInfo {
        code: "LBP2017",
        title: "nodePort on a Service type without node ports",
        explanation: "Only `NodePort` and `LoadBalancer` Services get node ports. The API server refuses \
a `nodePort` on a `ClusterIP` Service (the default type) and an `ExternalName` Service. This is \
often a forgotten `type: LoadBalancer`.\n\nFix: set `type: NodePort` or `type: LoadBalancer`, or \
remove `nodePort`.",
    },
    CodeInfo {
        code: "LBP2018",
        title: "duplicate nodePort",
        explanation: "A node port is opened on every node; two ports of a Service with the same protocol \
cannot share one. The API server refuses the Service (and another Service holding the port \
makes the allocation fail).\n\nFix: give each port its own `nodePort`, or remove them to let the \
API server allocate.",
    },
    CodeInfo {
        code: "LBP2019",
        title: "field not allowed for this Service type",
        explanation: "Some Service fields only mean something for some types, and the API server refuses \
them elsewhere: `externalTrafficPolicy` needs `NodePort` or `LoadBalancer`; `loadBalancerClass` \
and `loadBalancerSourceRanges` need `LoadBalancer`; `healthCheckNodePort` needs `LoadBalancer` with \
`externalTrafficPolicy: Local`.\n\nExample: `loadBalancerClass: alibabacloud.com/nlb` on a Service \
without `type: LoadBalancer`.\n\nFix: set the type the field needs, or remove the field.",
    },
    CodeInfo {
        code: "LBP2020",
        title: "invalid loadBalancerClass",
        explanation: "`spec.loadBalancerClass` names the controller that implements the load balancer; \
it must be a label-style name, `[prefix/]name` (e.g. `alibabacloud.com/nlb`). The API server \
refuses other text, and the field cannot be changed once set.\n\nFix: use the class your \
controller documents.",
    },
    CodeInfo {
        code: "LBP2021",
        title: "invalid CIDR in loadBalancerSourceRanges",
        explanation: "Each entry of `spec.loadBalancerSourceRanges` is a CIDR (`203.0.113.0/24`, \
`2001:db8::/32`) that may reach the load balancer. The API server refuses anything else, \
including a bare address without `/prefix`.\n\nFix: write `203.0.113.7/32` for a single IPv4 \
address.",
    },
    CodeInfo {
        code: "LBP2022",
        title: "invalid externalName",
        explanation: "An `ExternalName` Service is a DNS CNAME: `spec.externalName` must be a DNS-1123 \
subdomain (a trailing '.' is allowed), not a URL or an IP address.\n\nExample: `externalName: \
https://db.example.com`.\n\nFix: `externalName: db.example.com`.",
    },
    CodeInfo {
        code: "LBP2030",
        title: "Ingress without rules or default backend",
        explanation: "An Ingress must say where traffic goes: at least one rule or a `defaultBackend`. \
The API server refuses an Ingress with neither.\n\nFix: add `spec.rules` (host and paths) or \
`spec.defaultBackend`.",
    },
    CodeInfo {
        code: "LBP2031",
        title: "invalid Ingress path",
        explanation: "Paths of type `Exact` and `Prefix` must be absolute (start with '/'), and no path may \
contain `//`, `/./`, `/../`, an encoded slash `%2F`, or end in `/.` or `/..`: such paths would \
match differently after normalisation. `ImplementationSpecific` paths, when given, must also start \
with '/'. Controllers such as ALB also refuse wildcards in Exact and Prefix paths.\n\nExample: \
`path: api`.\n\nFix: `path: /api`.",
    },
    CodeInfo {
        code: "LBP2032",
        title: "invalid Ingress host",
        explanation: "Ingress rule hosts and TLS hosts are DNS names (DNS-1123 subdomains), optionally with \
one leading wildcard label (`*.example.com`, which matches exactly one label). IP addresses and \
ports are refused: traffic is routed by the HTTP Host header, which names the host only.\n\nExample: \
`host: 203.0.113.7` or `host: example.com:8080`.\n\nFix: use the DNS name, and leave the port to \
the listener configuration.",
    },
    CodeInfo {
        code: "LBP2033",
        title: "Ingress backend needs exactly one target",
        explanation: "An Ingress backend sends traffic either to a Service (`service`) or to another \
resource (`resource`, e.g. a storage bucket), never both and never neither. The API server refuses \
both cases.\n\nFix: keep exactly one of `service` and `resource`.",
    },
    CodeInfo {
        code: "LBP2034",
        title: "Ingress backend port needs a number or a name",
        explanation: "`backend.service.port` must name the Service port by `number` or by `name`: exactly \
one of them. The API server refuses a port with both or with neither.\n\nExample: `port: {number: \
80, name: http}`.\n\nFix: keep one (the name is robust to port renumbering).",
    },
    CodeInfo {
        code: "LBP2040",
        title: "invalid IngressClass controller",
        explanation: "`spec.controller` names the controller that implements the class; it must be a \
domain-prefixed path such as `ingress.k8s.alibabacloud/alb` or `k8s.io/ingress-nginx`, at most 250 \
characters. Ingresses of a class whose controller no controller claims are silently ignored.\n\n\
Fix: use the value documented by your controller.",
    },
    CodeInfo {
        code: "LBP2041",
        title: "invalid IngressClass parameters",
        explanation: "`spec.parameters` points at the object holding the controller's configuration (for \
ALB: `{apiGroup: alibabacloud.com, kind: AlbConfig, name: …}`). `kind` and `name` are required; \
`scope` is `Cluster` (default) or `Namespace`; a `Namespace` scope needs `namespace`, a `Cluster` \
scope forbids it.\n\nFix: complete or correct the reference as the help line says.",
    },
    CodeInfo {
        code: "LBP3001",
        title: "loadBalancerClass without a domain prefix",
        explanation: "Unprefixed `loadBalancerClass` names are reserved for end users; every cloud \
controller uses a domain-prefixed class (`alibabacloud.com/nlb`, `service.k8s.aws/nlb`). An \
unprefixed class is accepted by the API server but no cloud controller claims it, so the Service \
stays `<pending>` forever.\n\nFix: use the class your controller documents, or remove the field to \
get the default controller.",
    },
    CodeInfo {
        code: "LBP3002",
        title: "more than one default IngressClass",
        explanation: "When several IngressClasses carry `ingressclass.kubernetes.io/is-default-class: \
\"true\"`, the API server refuses every new Ingress that does not name its class (\"more than one \
default IngressClass\"), and existing ones keep whatever class they had.\n\nFix: mark exactly one \
class as default.",
    },
];
