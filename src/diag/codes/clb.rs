//! Codes of the Alibaba CCM CLB/NLB provider (LBP7101–LBP7199): seed 002 scenarios and the
//! CCM rules of reference §2–§3 that need the lowered cluster. Reported by `validate` and
//! by `plan`.

use super::CodeInfo;

pub static CODES: &[CodeInfo] = &[
    CodeInfo {
        code: "LBP7101",
        title: "edge pods behind a CLB with externalTrafficPolicy Local",
        explanation: "Seed 002 (\"Expose edge pods via ECS forwarding\"): pods in an ENS or other edge node \
pool are reached through a CLB whose backends are on-cloud ECS nodes; those nodes forward the traffic over \
Express Connect to the edge pods. That needs `externalTrafficPolicy: Cluster` — in the seed's words, \"the \
ECS forwarding path does not work with Local policy\": with Local only nodes hosting a pod are backends, and \
edge nodes cannot be CLB backends, so nothing serves.\n\nFix: set `externalTrafficPolicy: Cluster`, or use a \
hybrid NLB (`service.beta.kubernetes.io/backend-type: \"eni\"` with `…-server-group-type: \"Ip\"`).",
    },
    CodeInfo {
        code: "LBP7102",
        title: "edge pods behind a CLB without Express Connect",
        explanation: "Seed 002 prerequisites for the ENS scenario: \"An Express Connect circuit linking the \
on-cloud VPC to the edge data center\"; \"Without the ECS instance's network forwarding capability, traffic \
load balancing cannot reach edge pods.\" The ClusterProfile says the cluster has no Express Connect \
(`spec.network.expressConnect` is false or absent).\n\nFix: set up the circuit and declare it with \
`spec.network.expressConnect: true`, or run the pods on-cloud.",
    },
    CodeInfo {
        code: "LBP7103",
        title: "hybrid NLB without Terway Edge",
        explanation: "Seed 002 prerequisites for the NLB scenario: \"Terway Edge as the network plug-in\". \
Registering pods by IP (`backend-type: eni` + `server-group-type: Ip`) needs pod IPs routable from the VPC, \
which Flannel VXLAN does not give.\n\nFix: use a cluster with `spec.network.plugin: terway-edge`, or expose \
the pods through a CLB with `externalTrafficPolicy: Cluster`.",
    },
    CodeInfo {
        code: "LBP7104",
        title: "hybrid NLB without Express Connect",
        explanation: "Seed 002 prerequisites for the NLB scenario: \"An Express Connect circuit connecting \
on-cloud and edge node pools\". The NLB sends traffic straight to edge pod IPs, which are reachable only over \
that circuit.\n\nFix: set up Express Connect and declare it with `spec.network.expressConnect: true` in the \
ClusterProfile.",
    },
    CodeInfo {
        code: "LBP7105",
        title: "NLB without zone mappings",
        explanation: "An NLB is created in zones with one vSwitch each, given by \
`service.beta.kubernetes.io/alibaba-cloud-loadbalancer-zone-maps: \"<zone>:<vsw>[,…]\"`. Without it (and \
without `…-loadbalancer-id` to reuse an NLB) the CCM fails with \"ParameterMissing, zone mappings are \
required\" and creates nothing (reference §3, §8 case 22).\n\nFix: add the annotation with two zones.",
    },
    CodeInfo {
        code: "LBP7106",
        title: "Cluster policy: more backends than the default quota",
        explanation: "Seed 002's Local/Cluster table: with `Cluster`, \"All nodes in the cluster are added to \
the SLB instance\" and the resource quota cost is \"High — every node is a backend entry\". A large cluster \
can exceed the default quota of 200 backend servers per load balancer, and the CCM then fails to add the \
rest.\n\nFix: `externalTrafficPolicy: Local` (only nodes hosting pods), `…-backend-label` to select fewer \
nodes, or a quota increase.",
    },
    CodeInfo {
        code: "LBP7107",
        title: "Local policy without weighted round-robin",
        explanation: "Seed 002's Local/Cluster table: pod-level load balancing with Local is \"Disabled by \
default. To enable, add service.beta.kubernetes.io/alibaba-cloud-loadbalancer-scheduler: \"wrr\"\". The CCM \
weighs each node by the number of its backend pods, but the default `rr` scheduler ignores weights, so a node \
with one pod gets as much traffic as a node with ten.\n\nFix: add the scheduler annotation with `wrr`.",
    },
    CodeInfo {
        code: "LBP7108",
        title: "reused load balancer without force-override-listeners",
        explanation: "With `…-loadbalancer-id` the CCM reuses your load balancer: it creates and fills its \
`k8s/…` server groups, but does not touch listeners at all unless \
`…-force-override-listeners: \"true\"` (exactly that string) (reference §2.6). Without listeners nothing \
reaches the server groups.\n\nFix: create the listeners yourself and attach them to the server groups, or set \
the override annotation.",
    },
    CodeInfo {
        code: "LBP7109",
        title: "session persistence with externalTrafficPolicy Cluster",
        explanation: "Seed 002's Local/Cluster table: session persistence and source IP preservation are \
\"Supported\" with Local and \"Not supported\" with Cluster, where every node forwards to pods on any node. \
`…-persistence-timeout` or `…-sticky-session: on` then keeps a client on a node, not on a pod.\n\nFix: \
`externalTrafficPolicy: Local`, or drop the persistence annotation.",
    },
    CodeInfo {
        code: "LBP7110",
        title: "backend node with an unparsable providerID",
        explanation: "The CCM identifies the ECS instance of a node from `spec.providerID`, which must be \
`[alicloud://]<region-id>.<instance-id>`; anything else fails the reconcile with \"parse providerid: …, \
expected: ${regionid}.${nodeid}\" (reference §2.4, §8 case 12).\n\nFix: correct the snapshot, or exclude the \
node with the label `service.alibabacloud.com/exclude-node`.",
    },
    CodeInfo {
        code: "LBP7111",
        title: "weight without id and vgroup-port",
        explanation: "`…-loadbalancer-weight` shares a total weight among this Service's backends in a reused \
server group; the CCM reads it only together with `…-loadbalancer-id` and `…-vgroup-port` and silently ignores \
it otherwise (reference §2.2, §8 case 4).\n\nFix: use `…-default-weight` for the per-backend weight, or add \
the id and vgroup-port.",
    },
    CodeInfo {
        code: "LBP7112",
        title: "default-weight ignored with Local",
        explanation: "In Local mode each node backend's weight is the number of backend pods on it; the CCM \
ignores `…-default-weight` (reference §2.4, §8 case 2).\n\nFix: remove the annotation, or use Cluster for \
equal weights.",
    },
    CodeInfo {
        code: "LBP7113",
        title: "port protocol not supported by CLB/NLB",
        explanation: "CLB listeners are TCP, UDP, HTTP or HTTPS and NLB listeners TCP, UDP or TCPSSL; an SCTP \
Service port gets no listener and fails the Service's reconcile.\n\nFix: use TCP or UDP for the port, or \
expose it through another Service.",
    },
    CodeInfo {
        code: "LBP7114",
        title: "hybrid NLB half configured",
        explanation: "Seed 002's hybrid NLB registers pods by IP with two annotations together: \
`service.beta.kubernetes.io/backend-type: \"eni\"` (pods, not nodes) and \
`…-server-group-type: \"Ip\"` (an IP server group). With only `Ip`, nodes are registered; with only `eni`, \
pods are registered by ENI, which edge pods do not have.\n\nFix: set both.",
    },
    CodeInfo {
        code: "LBP7115",
        title: "endpoint without nodeName in Local mode",
        explanation: "With `externalTrafficPolicy: Local` the CCM adds one ECS backend per node hosting an \
endpoint, found by the endpoint's `nodeName`. A ready endpoint without it fails the whole reconcile: \
\"add ecs backends for service[…] error, NodeName is nil for ip …\" (reference §2.4, §8 case 13).\n\nFix: \
give the endpoint its `nodeName` (endpoints of pods always have one), or use Cluster.",
    },
    CodeInfo {
        code: "LBP7116",
        title: "NLB listener port range without ENI backends",
        explanation: "`…-listener-port-range: \"start-end:servicePort\"` makes one NLB listener serve a range of \
ports, which only works when pods are the backends: the CCM refuses it otherwise with \"listener port range \
can only be used for eni backend type service\" (reference §2.2, §8 case 24).\n\nFix: add \
`service.beta.kubernetes.io/backend-type: \"eni\"`, or drop the annotation.",
    },
    CodeInfo {
        code: "LBP7117",
        title: "NLB in one zone only",
        explanation: "`…-zone-maps: \"<zone>:<vSwitch>[:<ip>[:<eip>]],…\"` places the NLB in zones, one \
vSwitch each (reference §2.2, §3). A single zone works but gives no zone redundancy: an outage of that zone \
takes the load balancer down.\n\nFix: map at least two zones, each with its own vSwitch.",
    },
    CodeInfo {
        code: "LBP7118",
        title: "intranet CLB without vswitch-id",
        explanation: "For `…-address-type: intranet` the CCM needs a vSwitch; without `…-vswitch-id` it picks \
one of the cloud config's vSwitches at random (and retries another when one runs out of addresses), so the \
CLB's subnet and address are not predictable (reference §2.2, §8 notes).\n\nFix: set `…-vswitch-id`.",
    },
    CodeInfo {
        code: "LBP7119",
        title: "reused load balancer was created by the CCM",
        explanation: "`…-loadbalancer-id` reuses a load balancer the user created. The CCM refuses one that \
carries its own tags (`kubernetes.do.not.delete`, `ack.aliyun.com`), i.e. one it created for a Service: \
\"the loadbalancer X can not be reused, can not reuse loadbalancer created by kubernetes.\" (reference §2.6, \
§8 case 15). Offline this is known only from a prior state (`plan --state`) that records the id as the id \
of a load balancer the controller created; without one the plan assumes the load balancer is the user's.\n\n\
Fix: point the annotation at a load balancer you created yourself, or remove it and let the CCM create one.",
    },
    CodeInfo {
        code: "LBP7120",
        title: "loadBalancerSourceRanges ignored on a reused NLB",
        explanation: "For an NLB it creates, the CCM turns `spec.loadBalancerSourceRanges` into a security \
group `k8s-nlb-<name>` that accepts the ranges and drops the rest (reference §3). For an NLB reused with \
`…-loadbalancer-id` it ignores the ranges and only records a Warning event (reference §2.6): the NLB stays \
open to every source its own security groups allow.\n\nFix: attach a security group to the NLB \
yourself, or let the CCM create the NLB.",
    },
];
