//! Codes of the `ir` and `topology` stages (LBP6001–LBP6099): routing surprises and node
//! pool resolution for multi-region ELB Services. They are reported when a plan is built,
//! not by `validate`.

use super::CodeInfo;

pub static CODES: &[CodeInfo] = &[
    CodeInfo {
        code: "LBP6001",
        title: "ELB class without a node pool selector: nothing is built",
        explanation: "A Service with `spec.loadBalancerClass: alibabacloud.com/elb` is handled in two steps: \
OpenYurt's loadbalancerset controller fans it out into one PoolService per NodePool matched by the \
annotation `service.openyurt.io/nodepool-labelselector`, and the ECM builds one ELB per PoolService. \
Without the annotation (or with an empty one, which counts as absent) OpenYurt ignores the Service, \
and the CCM ignores it too because a class is set. The Service stays `<pending>` forever and the real \
cluster reports nothing.\n\nFix: add the selector, e.g.\n\n    \
service.openyurt.io/nodepool-labelselector: k8s-svc=cube\n\nor drop `loadBalancerClass` to get one CLB.",
    },
    CodeInfo {
        code: "LBP6002",
        title: "node pool selector ignored: the Service gets a CLB",
        explanation: "OpenYurt only fans out LoadBalancer Services that set `spec.loadBalancerClass` \
(any value). A Service without a class is the CCM's: it gets one CLB in the cluster's region, and \
`service.openyurt.io/nodepool-labelselector` is ignored — no PoolService, no ELB per node pool.\n\n\
Fix: for one ELB per ENS node pool set `spec.loadBalancerClass: alibabacloud.com/elb`; if one CLB is \
intended, remove the annotation.",
    },
    CodeInfo {
        code: "LBP6003",
        title: "empty node pool selector is the same as none",
        explanation: "The loadbalancerset controller treats `service.openyurt.io/nodepool-labelselector: \"\"` \
exactly like a missing annotation: the Service is not fanned out, and existing PoolServices (with \
their ELBs) are deleted. An empty value usually comes from a templating variable that was never \
set.\n\nFix: remove the annotation, or give it a selector such as `k8s-svc=cube`.",
    },
    CodeInfo {
        code: "LBP6010",
        title: "node pool selector matches no NodePool",
        explanation: "The selector in `service.openyurt.io/nodepool-labelselector` is matched against NodePool \
`metadata.labels` (not `spec.labels`, which OpenYurt copies onto the pool's nodes). When no pool \
matches, the loadbalancerset controller records a `NoMatchNodePool` warning event and creates no \
PoolService, so no ELB or EIP exists and the Service has no external address. Existing \
PoolServices of the Service are deleted, which releases their auto-managed ELBs.\n\nFix: label the \
pools, e.g. `kubectl label nodepool np-hefei k8s-svc=cube`, or correct the selector.",
    },
    CodeInfo {
        code: "LBP6011",
        title: "selected NodePool lacks an ENS annotation",
        explanation: "The ECM builds each pool's ELB in the pool's ENS network, region and vSwitch, read from \
the NodePool annotations `alibabacloud.com/ens-network-id`, `alibabacloud.com/ens-region-id` and \
`alibabacloud.com/ens-vswitch-id` (a comma list; the first entry is used). If one is missing or \
empty it fails with e.g. \"ens nodepool [np-hefei] network id is empty\" and retries every five \
seconds: that region never gets its ELB.\n\nFix (seed 000, step 2):\n\n    \
kubectl annotate nodepool np-hefei alibabacloud.com/ens-network-id=n-xxx\n    \
kubectl annotate nodepool np-hefei alibabacloud.com/ens-region-id=cn-xxx-xxx\n    \
kubectl annotate nodepool np-hefei alibabacloud.com/ens-vswitch-id=vsw-xxx",
    },
    CodeInfo {
        code: "LBP6020",
        title: "the same object is defined twice in one cluster",
        explanation: "Kubernetes keeps one object per kind, namespace and name (one per kind and name \
for cluster-scoped kinds such as Node, NodePool, IngressClass and AlbConfig). When two manifests \
define the same object, `kubectl apply` applies both in turn and the last one silently wins, so \
which definition the cluster ends up with depends on file order. Two copies also make the plan \
ambiguous: the controllers would build one set of cloud resources, not two.\n\nlbplan keeps the \
first definition (in the order the files were read) and reports every later one.\n\nFix: delete \
the copy, or give one of them another name (or namespace).",
    },
];
