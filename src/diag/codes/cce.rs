//! Codes of the Huawei CCE ELB provider (LBP7201–LBP7299): rules of SPEC §5 that need the
//! cluster profile, the Service's ports or the workloads behind it (seed 003, reference §1).

use super::CodeInfo;

pub static CODES: &[CodeInfo] = &[
    CodeInfo {
        code: "LBP7201",
        title: "CCE LoadBalancer Service names no ELB",
        explanation: "A CCE LoadBalancer Service needs exactly one of `kubernetes.io/elb.id` (use an existing \
ELB, kept when the Service is deleted) or `kubernetes.io/elb.autocreate` (CCE creates an ELB, and an EIP for \
`\"type\": \"public\"`, and deletes them with the Service). With neither, CCE can only look an ELB up by \
`spec.loadBalancerIP` (clusters up to v1.23) and otherwise builds nothing (seed 003, Table 1; SPEC §5).\n\n\
Fix: add `kubernetes.io/elb.id: <ELB id>`, or `kubernetes.io/elb.autocreate: '{\"type\": \"inner\"}'`.",
    },
    CodeInfo {
        code: "LBP7202",
        title: "dedicated ELB on a cluster older than v1.17",
        explanation: "Seed 003: \"Dedicated ELB load balancers can be used only in clusters of v1.17 and \
later.\" `kubernetes.io/elb.class: performance` on an older cluster is refused by CCE. The version comes from \
the ClusterProfile's `kubernetesVersion`.\n\nFix: use `kubernetes.io/elb.class: union` (shared ELB) or upgrade \
the cluster.",
    },
    CodeInfo {
        code: "LBP7203",
        title: "dedicated-only autocreate field on a shared ELB",
        explanation: "`available_zone`, `l4_flavor_name`, `l7_flavor_name`, `elb_virsubnet_ids` and \
`ipv6_vip_virsubnet_id` in `kubernetes.io/elb.autocreate` \"are available only for dedicated load balancers\" \
(seed 003, Table 5). On a shared (`union`, the default) ELB they are not applied, so the ELB is not the one \
the recipe describes.\n\nFix: set `kubernetes.io/elb.class: performance`, or remove the fields.",
    },
    CodeInfo {
        code: "LBP7204",
        title: "dedicated autocreate recipe misses required fields",
        explanation: "Seed 003, Table 5 marks `available_zone` (the AZs of the ELB) and `l4_flavor_name` (its \
network flavor) as mandatory when CCE creates a dedicated (`performance`) ELB; without them the ELB cannot \
be created and the Service stays pending.\n\nFix: add e.g. `\"available_zone\": [\"cn-south-2b\"], \
\"l4_flavor_name\": \"L4_flavor.elb.s1.small\"` with the zones and flavors of your region.",
    },
    CodeInfo {
        code: "LBP7205",
        title: "elb.protocol-port names a port the Service does not have",
        explanation: "Seed 003, \"Enabling HTTP for Services\": \"The value of protocol-port must be the same as \
the port in the spec.ports field of the Service.\" Each `protocol:port` turns the listener of that Service \
port into an HTTP or HTTPS listener; a port that is not in spec.ports has no listener to turn.\n\nFix: list \
only ports of spec.ports, e.g. `https:443,http:80` for ports 443 and 80.",
    },
    CodeInfo {
        code: "LBP7206",
        title: "HTTPS listener without a certificate",
        explanation: "An `https` (or `tls`) entry of `kubernetes.io/elb.protocol-port` terminates TLS on the \
ELB with the certificate named by `kubernetes.io/elb.cert-id` (seed 003). Without it CCE cannot create the \
listener.\n\nFix: add `kubernetes.io/elb.cert-id: <id>` from ELB certificate management.",
    },
    CodeInfo {
        code: "LBP7207",
        title: "HTTP/HTTPS listeners on a cluster older than v1.21",
        explanation: "Seed 003: Layer-7 forwarding for Services (`kubernetes.io/elb.protocol-port`) \"is \
supported only in clusters of v1.21 or later\". Older clusters ignore or refuse the annotation, and the \
listeners stay TCP.\n\nFix: upgrade the cluster, or remove `elb.protocol-port`.",
    },
    CodeInfo {
        code: "LBP7208",
        title: "L7 listeners on a dedicated ELB without an L7 flavor",
        explanation: "Seed 003: a dedicated ELB serving HTTP/HTTPS must have \"the load balancer flavor that \
supports both the layer-4 and layer-7 routing\". When CCE creates it, `elb.autocreate` must carry \
`l7_flavor_name` (error). For an existing ELB (`elb.id`) lbplan cannot see its flavor, so this is advice to \
check it.\n\nFix: add `\"l7_flavor_name\": \"L7_flavor.elb.s2.small\"` (same family as the L4 flavor).",
    },
    CodeInfo {
        code: "LBP7209",
        title: "HTTP/HTTPS on a UDP Service port",
        explanation: "HTTP and HTTPS listeners run over TCP; `kubernetes.io/elb.protocol-port` may only name \
Service ports whose protocol is TCP (reference §1.1).\n\nFix: use `protocol: TCP` for the port, or remove it \
from `elb.protocol-port`.",
    },
    CodeInfo {
        code: "LBP7210",
        title: "sticky sessions on a non-TCP port",
        explanation: "Seed 003, \"Before enabling sticky session, ensure that the following conditions are \
met: The workload protocol is TCP.\" `kubernetes.io/elb.session-affinity-mode: SOURCE_IP` sets source-IP \
persistence on every pool of the Service, which CCE supports for TCP only.\n\nFix: move UDP ports to another \
Service, or drop `elb.session-affinity-mode`.",
    },
    CodeInfo {
        code: "LBP7211",
        title: "sticky sessions without pod anti-affinity",
        explanation: "Seed 003: before enabling sticky sessions, \"Anti-affinity has been configured between pods \
of the workload. That is, all pods of the workload are deployed on different nodes.\" ELB members are nodes: \
with two pods on one node, stickiness pins a client to the node, not to a pod.\n\nFix: add a \
`podAntiAffinity` rule with `topologyKey: kubernetes.io/hostname` to the workload.",
    },
    CodeInfo {
        code: "LBP7212",
        title: "weights set with the SOURCE_IP algorithm",
        explanation: "Seed 003: \"When the value is SOURCE_IP, the weights of backend servers in the server \
group are invalid.\" `kubernetes.io/elb.adaptive-weight` then has no effect.\n\nFix: use ROUND_ROBIN or \
LEAST_CONNECTIONS, or drop the weights.",
    },
    CodeInfo {
        code: "LBP7213",
        title: "externalTrafficPolicy Local in a CCE Turbo cluster",
        explanation: "Seed 003: \"CCE Turbo clusters support only cluster-level service affinity.\" A Service \
with `externalTrafficPolicy: Local` in a `cce-turbo` cluster is refused.\n\nFix: set \
`externalTrafficPolicy: Cluster`.",
    },
    CodeInfo {
        code: "LBP7214",
        title: "ELB address unreachable from inside the cluster with Local",
        explanation: "Seed 003, \"Why a Cluster Fails to Access Services by Using the ELB Address\": with \
`externalTrafficPolicy: Local`, kube-proxy binds the ELB address on every node, so in-cluster clients never \
reach the ELB; nodes without a backend pod drop the traffic. The seed's three fixes: (1, recommended) use the \
ClusterIP Service or its DNS name inside the cluster; (2) set `externalTrafficPolicy: Cluster` (the client \
source address is lost); (3) set `kubernetes.io/elb.pass-through: \"true\"` so in-cluster traffic goes \
through the ELB.",
    },
    CodeInfo {
        code: "LBP7215",
        title: "node IP as the Service's external IP in IPVS mode",
        explanation: "Seed 003: \"When the cluster service forwarding (proxy) mode is IPVS, the node IP cannot be \
configured as the external IP of the Service. Otherwise, the node is unavailable.\" kube-proxy binds the \
external address to its IPVS bridge on every node.\n\nFix: use the ELB's address, or name the ELB with \
`kubernetes.io/elb.id`.",
    },
    CodeInfo {
        code: "LBP7216",
        title: "per-port health check names no Service port",
        explanation: "Each entry of `kubernetes.io/elb.health-check-options` applies to the listener of the \
Service port named by `target_service_port` (`PROTOCOL:port`, reference §1.3). An entry naming no port \
configures nothing.\n\nFix: use `PROTOCOL:port` of a spec.ports entry.",
    },
    CodeInfo {
        code: "LBP7217",
        title: "health-check protocol does not fit the Service protocol",
        explanation: "CCE checks TCP Services with TCP or HTTP monitors and UDP Services with UDP_CONNECT only; \
for `kubernetes.io/elb.health-check-option` the protocol of `spec.ports[0]` decides (reference §1.3). Any \
other combination is refused.\n\nFix: use TCP or HTTP for TCP Services, UDP_CONNECT for UDP Services.",
    },
    CodeInfo {
        code: "LBP7218",
        title: "no ready pod to register as ELB member",
        explanation: "CCE registers one member per node that runs a ready, non-terminating backend pod \
(reference §1.4). When the selector matches no such pod the controller fails with \"have no node to bind\" and \
the ELB has listeners but no members.\n\nFix: check spec.selector against the pod labels and that the pods \
are Running and Ready.",
    },
    CodeInfo {
        code: "LBP7219",
        title: "only the cce-healthz port",
        explanation: "A Service port named `cce-healthz` is never a listener: its NodePort becomes the port the \
ELB health monitors probe (reference §1.1). A Service with only that port gets an ELB without listeners.\n\n\
Fix: add the port clients connect to.",
    },
    CodeInfo {
        code: "LBP7220",
        title: "Services on one ELB disagree on pass-through in IPVS mode",
        explanation: "`kubernetes.io/elb.pass-through` decides whether in-cluster traffic to the ELB address goes \
through the ELB or is short-circuited by kube-proxy. In IPVS mode kube-proxy binds the ELB address once on its \
bridge for every Service that uses the ELB, so all Services on one ELB must set pass-through the same way \
(reference §1.1); otherwise some of them are unreachable from inside the cluster.\n\nFix: set the same \
`elb.pass-through` on every Service that names the ELB.",
    },
    CodeInfo {
        code: "LBP7221",
        title: "Service port protocol not supported by ELB",
        explanation: "CCE creates one ELB listener per Service port with the port's protocol, and ELB listeners \
are TCP or UDP (HTTP/HTTPS through `elb.protocol-port`, reference §1.4). An SCTP port gets no listener, so it \
is not exposed.\n\nFix: use TCP or UDP for the port, or expose it another way.",
    },
    CodeInfo {
        code: "LBP7222",
        title: "sticky sessions with externalTrafficPolicy Cluster",
        explanation: "ELB members are nodes, so `kubernetes.io/elb.session-affinity-mode: SOURCE_IP` keeps a client \
on one node. With `externalTrafficPolicy: Cluster` that node's kube-proxy forwards each connection to any pod of \
the Service, so the client does not stay on one pod. Seed 003, Table 4: \"If sticky session is enabled, add this \
parameter so that requests are transferred to a fixed node.\"\n\nFix: set `externalTrafficPolicy: Local` (and \
read LBP7214 about in-cluster access), together with pod anti-affinity (LBP7211).",
    },
    CodeInfo {
        code: "LBP7223",
        title: "Ingress and Service share one ELB in IPVS mode",
        explanation: "In IPVS mode kube-proxy mounts the address of every LoadBalancer Service on the ipvs-0 \
bridge of each node. When an Ingress uses the same ELB as a Service (`kubernetes.io/elb.id` on both), that \
bridge intercepts the traffic meant for the Ingress, so the Ingress cannot be reached from the cluster's nodes \
and containers (seed 003, IPVS constraint); clients outside the cluster are not affected.\n\nFix: use different \
ELB load balancers for the Ingress and the Service.",
    },
];
