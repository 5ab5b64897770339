//! Codes of the Alibaba ALB Ingress provider and the ACK One multi-cluster gateway
//! (LBP7301–LBP7399): rules of SPEC §6 that need the lowered fleet and its members. They
//! are reported by `validate` and `plan` alike (they need no model).

use super::CodeInfo;

pub static CODES: &[CodeInfo] = &[
    CodeInfo {
        code: "LBP7301",
        title: "IngressClass of the ALB controller without parameters",
        explanation: "The ALB controller finds an Ingress's AlbConfig through its IngressClass: \
`spec.parameters: {apiGroup: alibabacloud.com, kind: AlbConfig, name: <albconfig>}`. An IngressClass with \
controller `ingress.k8s.alibabacloud/alb` and no parameters makes every Ingress of that class fail with \
\"albconfig must be referenced in IngressClass <name>\" (reference §4.1, §8 case 28); nothing is built.\n\n\
Fix: add the `parameters` block naming the AlbConfig (seed 004, Step 1), or annotate the Ingress with \
`alb.ingress.kubernetes.io/albconfig.name`.",
    },
    CodeInfo {
        code: "LBP7302",
        title: "AlbConfig not found",
        explanation: "The Ingress is handled by the ALB controller, but the AlbConfig its IngressClass (or \
`alb.ingress.kubernetes.io/albconfig.name`) names is not among the inputs. The controller would wait for it \
and program no listener rules for this Ingress.\n\nFix: add the AlbConfig to the manifests (seed 004 \
`gateway.yaml`), or correct the name.",
    },
    CodeInfo {
        code: "LBP7303",
        title: "cluster weights do not sum to 100",
        explanation: "`alb.ingress.kubernetes.io/cluster-weight.<clusterId>` splits an Ingress's traffic between \
the member clusters of an ACK One Fleet. Seed 004, Example 4: \"The sum of all cluster weights must equal \
100.\" Weights of clusters that are not members are skipped and do not count.\n\nFix: change the weights so \
that they add up to 100, e.g. `\"60\"` and `\"40\"`; a single `\"100\"` sends all traffic to one cluster.",
    },
    CodeInfo {
        code: "LBP7304",
        title: "cluster weight for a cluster that is not a gateway member",
        explanation: "A `cluster-weight.<clusterId>` annotation names a cluster that is not a member of the \
Fleet (the profile's `members`) or not listed in the AlbConfig's `alb.ingress.kubernetes.io/remote-clusters`. \
Seed 004: \"If the specified cluster does not exist, the system skips it.\" The weight is ignored, which \
silently changes the split the author meant.\n\nFix: correct the cluster id, or add the cluster to the Fleet \
and to `remote-clusters`.",
    },
    CodeInfo {
        code: "LBP7305",
        title: "traffic weighted to a cluster with no ready backends",
        explanation: "A cluster receives a share of an Ingress's traffic (an explicit `cluster-weight.<id>` above \
zero) but the backend Service has no ready replicas there, or does not exist there. The ALB keeps sending \
that share to an empty server group, and those requests fail.\n\nFix: move the weight to a cluster that runs \
the Service, or scale the workload up in that cluster.",
    },
    CodeInfo {
        code: "LBP7306",
        title: "no member cluster has ready backends",
        explanation: "Without `cluster-weight` annotations the multi-cluster gateway weights each member \
cluster by its ready replicas of the backend Service (seed 004, Example 1). When no member cluster has a \
ready replica (or none has the Service), every request of that rule fails.\n\nFix: deploy the Service and its \
workload to at least one member cluster listed in `remote-clusters`.",
    },
    CodeInfo {
        code: "LBP7307",
        title: "listen port without a matching AlbConfig listener",
        explanation: "An Ingress asks for a (protocol, port) in `alb.ingress.kubernetes.io/listen-ports` (or the \
default HTTP:80) that the AlbConfig has no listener for. The ALB controller silently drops that port: the \
Ingress gets no rules there and nothing reports it (reference §4.4, §8 case 30).\n\nFix: add the listener to \
`spec.listeners` of the AlbConfig, or change `listen-ports` to a listener that exists (seed 004 uses HTTP:8001 \
on both sides).",
    },
    CodeInfo {
        code: "LBP7308",
        title: "AlbConfig without listeners",
        explanation: "The AlbConfig has no `spec.listeners`. Seed 004: \"Retain this configuration — without a \
listener, you cannot use ALB Ingresses.\" Every Ingress bound to it gets no rules.\n\nFix: add \
`listeners: [{port: 80, protocol: HTTP}]` (seed 004 uses port 8001).",
    },
    CodeInfo {
        code: "LBP7309",
        title: "multi-cluster gateway without remote clusters",
        explanation: "An AlbConfig on an ACK One Fleet needs `alb.ingress.kubernetes.io/remote-clusters`: the \
comma-separated ids of the member clusters whose pods receive traffic (seed 004, Step 1, a required \
parameter). Without it `status.loadBalancer.subClusters` stays empty and no cluster gets traffic (seed 004, \
Troubleshooting).\n\nFix: add the annotation with the ids of the Fleet's associated clusters.",
    },
    CodeInfo {
        code: "LBP7310",
        title: "remote cluster is not a member of the Fleet",
        explanation: "A cluster id in `alb.ingress.kubernetes.io/remote-clusters` is not one of the Fleet's \
members (the profile's `spec.members`). Seed 004: \"Each cluster ID must already be associated with the \
Fleet instance\"; otherwise the cluster is missing from `subClusters` (Troubleshooting) and receives no \
traffic.\n\nFix: correct the id, or associate the cluster with the Fleet and list it in the profile.",
    },
    CodeInfo {
        code: "LBP7311",
        title: "AlbConfig without zone mappings",
        explanation: "`spec.config.zoneMappings` (vSwitch ids) is required for a new ALB instance (seed 004, \
Step 1). Without it the ALB cannot be created.\n\nFix: list at least two vSwitches in different zones, e.g. \
`zoneMappings: [{vSwitchId: vsw-1}, {vSwitchId: vsw-2}]`, or reuse an ALB with `spec.config.id`.",
    },
    CodeInfo {
        code: "LBP7312",
        title: "ALB in a single zone",
        explanation: "The AlbConfig maps the ALB to one vSwitch only. Seed 004: \"For high availability, use \
vSwitches in at least two zones if the region supports it.\" One zone is a single point of failure.\n\nFix: \
add a vSwitch in a second zone to `spec.config.zoneMappings`.",
    },
    CodeInfo {
        code: "LBP7313",
        title: "wildcard in an Exact or Prefix path",
        explanation: "The ALB controller turns Exact and Prefix paths into ALB path conditions itself (Prefix \
`/p` becomes `/p` and `/p/*`) and refuses wildcards in them: \"exact path shouldn't contain wildcards\" / \
\"prefix path shouldn't contain wildcards\" (reference §4.5, §8 case 31). The Ingress gets no rules.\n\nFix: \
remove `*` and `?`, or use `pathType: ImplementationSpecific` to pass a wildcard pattern to the ALB as is.",
    },
    CodeInfo {
        code: "LBP7314",
        title: "two Ingresses with the same explicit order",
        explanation: "`alb.ingress.kubernetes.io/order` positions an Ingress among those sharing an AlbConfig \
(rule priorities follow it). Two Ingresses with the same explicit order make the controller fail the whole \
group with \"conflict Ingress group order\" (reference §4.2, §8 case 32).\n\nFix: give each Ingress a \
distinct order, or leave it unset (default 10, ties broken by namespace/name).",
    },
    CodeInfo {
        code: "LBP7315",
        title: "backend Service in no gateway cluster",
        explanation: "The Ingress routes to a Service that none of the clusters receiving its traffic defines \
(the Fleet's members listed in `remote-clusters`, each with its manifests in the folder the profile names). \
Requests for that path will fail.\n\nFix: add the Service to the member clusters' manifests, or correct the \
backend name.",
    },
    CodeInfo {
        code: "LBP7316",
        title: "ready replicas assumed from spec.replicas",
        explanation: "The default multi-cluster split is proportional to each cluster's ready replicas of the \
backend Service (seed 004, Example 1). When a workload reports no `status` (a manifest rather than a live \
snapshot), lbplan assumes all `spec.replicas` are ready and says so; the real split follows readiness at \
apply time.\n\nFix: nothing to fix; pass `kubectl get deploy -o yaml` output for exact counts, or set \
`cluster-weight.<id>` annotations for a fixed split.",
    },
    CodeInfo {
        code: "LBP7317",
        title: "per-IP traffic limit not below the total limit",
        explanation: "`alb.ingress.kubernetes.io/traffic-limit-ip-qps` limits each client IP and must be lower \
than `traffic-limit-qps`, the limit of the whole rule. The ALB controller refuses the Ingress with \
\"traffic limit action qps per ip(N)must less than qps(M)\" (reference §4.5, §8 case 37).\n\nFix: lower the \
per-IP limit, or raise the total.",
    },
    CodeInfo {
        code: "LBP7318",
        title: "traffic-limit-qps together with a TrafficLimit action",
        explanation: "A rule has one TrafficLimit action. Setting both the `traffic-limit-qps` annotation and a \
`TrafficLimit` entry in `actions.<svc>` makes the controller fail with \"can't exist action trafficlimit and \
annotation traffic-limit-qps at the same time\" (reference §4.5, §8 case 37).\n\nFix: keep one of them.",
    },
    CodeInfo {
        code: "LBP7319",
        title: "gRPC backends without TLS",
        explanation: "`alb.ingress.kubernetes.io/backend-protocol: grpc` needs an HTTPS listener: the controller \
refuses it on an Ingress without `spec.tls` (\"'grpc' backend protocol must be use with TLS \
listener(Ingress.Spec.TLS)\", reference §4.5, §8 case 38).\n\nFix: add `spec.tls` and listen on HTTPS, or use \
`http`/`https` backends.",
    },
    CodeInfo {
        code: "LBP7320",
        title: "fleet member folder not found",
        explanation: "An `ack-one-fleet` ClusterProfile names, for each member cluster, the folder (relative to \
the profile) holding that cluster's manifests. lbplan reads these folders even when they are not among the \
inputs; this one does not exist, so the member has no Services and the multi-cluster gateway sends it no \
traffic in the plan.\n\nFix: correct `spec.members[].path`, or create the folder with the member's Services \
and workloads.",
    },
    CodeInfo {
        code: "LBP7321",
        title: "remote cluster not connected to the live gateway",
        explanation: "The AlbConfig carries a status (a live snapshot, `kubectl get albconfig -o yaml`) and a \
cluster listed in `alb.ingress.kubernetes.io/remote-clusters` is missing from \
`status.loadBalancer.subClusters`. Seed 004, Troubleshooting: the cluster is not associated with the Fleet \
or its id is wrong; it receives no traffic until it appears there.\n\nFix: verify the id and the Fleet \
association; `kubectl describe albconfig <name>` shows the controller's error.",
    },
];
