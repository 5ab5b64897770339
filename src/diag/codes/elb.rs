//! Codes of the ACK Edge ECM ELB provider (LBP7001–LBP7099): rules of SPEC §3 that need the
//! resolved topology. They are reported when a plan is built, not by `validate`.

use super::CodeInfo;

pub static CODES: &[CodeInfo] = &[
    CodeInfo {
        code: "LBP7001",
        title: "ELB id without managed-by-user",
        explanation: "`service.beta.kubernetes.io/alibaba-cloud-loadbalancer-id` hands an existing ELB to the \
ECM, but only together with `service.beta.kubernetes.io/alibaba-cloud-loadbalancer-managed-by-user: \"true\"`. \
Without it the ECM records the warning event `ValidateAnnotationFailed` (\"the annotations[…managed-by-user] \
must be true if loadbalancer and eip are managed by user\"), does not requeue, and builds nothing for that \
pool: the region is not exposed (reference §6.2, §8 case 51).\n\nFix: set `managed-by-user: \"true\"` on the \
Service (seed 000, Option B), or remove the id so that the ECM creates its own ELB.",
    },
    CodeInfo {
        code: "LBP7002",
        title: "several Services share one ELB without self-managed + Cluster",
        explanation: "Seed 000's usage notes: \"To share one ELB instance across multiple Services, use \
self-managed EIPs and ELB instances, and set externalTrafficPolicy to Cluster.\" An auto-managed ELB belongs \
to one PoolService and is deleted with it; with `Local` each Service would program the shared ELB's backends \
with its own subset of nodes and they would overwrite each other.\n\nFix: make every Service that names the \
ELB id self-managed (`managed-by-user: \"true\"`) with `externalTrafficPolicy: Cluster`, or give each its own \
ELB.",
    },
    CodeInfo {
        code: "LBP7003",
        title: "Service port protocol not supported by ELB",
        explanation: "ECM creates ELB listeners for TCP and UDP ports only; any other protocol (SCTP) fails the \
whole PoolService build with \"unknown listening protocol sctp\", so no port of the Service is exposed in any \
region (reference §6.4).\n\nFix: use TCP or UDP, or move the port to another Service.",
    },
    CodeInfo {
        code: "LBP7004",
        title: "session persistence with externalTrafficPolicy Cluster",
        explanation: "`service.beta.kubernetes.io/alibaba-cloud-loadbalancer-persistence-timeout` turns on \
session persistence on the ELB listener. The ECM refuses a non-zero value when the Service uses \
`externalTrafficPolicy: Cluster` (\"session persistence not support external traffic policy using cluster \
mode\", reference §8 case 53): with Cluster every pool node forwards, so persistence to a node would not keep \
a client on one pod.\n\nFix: use `externalTrafficPolicy: Local`, or set the timeout to 0.",
    },
    CodeInfo {
        code: "LBP7005",
        title: "two ELBs or EIPs get the same name",
        explanation: "ECM names each ELB and EIP `k8s/<svc>/<ns>/<pool>/<clusterId>` cut to 80 characters, and \
finds existing ones by that name. When two (Service, pool) pairs produce the same name, one PoolService \
adopts the other's ELB, and deleting either deletes the shared ELB (seed 000 usage notes: \"Avoid duplicate \
names to prevent accidental deletion\").\n\nFix: shorten the Service, namespace or pool names so the first 80 \
characters differ.",
    },
    CodeInfo {
        code: "LBP7006",
        title: "ELB and EIP name cut at 80 characters",
        explanation: "The ECM cuts ELB and EIP names to 80 characters (reference §6.3); the EIP description keeps \
the full key. A cut name is legal but may collide with another pair's name and is hard to recognise in the \
console. The warning shows the name the ELB will really get.\n\nFix: shorten the Service, namespace or pool \
name if the cut name is ambiguous.",
    },
    CodeInfo {
        code: "LBP7007",
        title: "force-override-listeners on a reused ELB with Local",
        explanation: "`service.beta.kubernetes.io/alibaba-cloud-loadbalancer-force-override-listeners` lets the \
ECM rewrite listeners that already exist on a reused ELB. With an ELB id the ECM requires \
`externalTrafficPolicy: Cluster` (\"the spec.externalTrafficPolicy must be specified Cluster if elb is \
reused\", reference §8 case 52) and rejects the Service otherwise.\n\nFix: use `externalTrafficPolicy: \
Cluster`, or drop `force-override-listeners`.",
    },
    CodeInfo {
        code: "LBP7008",
        title: "self-managed pool waits for an ELB id",
        explanation: "With `managed-by-user: \"true\"` the ECM creates no ELB; it waits (Normal event \
`WaitBindLoadBalancer`) until the PoolService `<svc>-<pool>` carries \
`service.beta.kubernetes.io/alibaba-cloud-loadbalancer-id`. Until then nothing is exposed in that pool's \
region and the Service lacks that region's external IP (seed 000 Option B, reference §8 case 50).\n\nFix: \
`kubectl annotate ps <svc>-<pool> service.beta.kubernetes.io/alibaba-cloud-loadbalancer-id=lb-xxx`, and \
include the annotated PoolService in the input.",
    },
    CodeInfo {
        code: "LBP7009",
        title: "PoolServices of a class no controller serves",
        explanation: "OpenYurt's loadbalancerset controller creates one PoolService per selected NodePool \
for any LoadBalancer Service that has a `loadBalancerClass` and a \
`service.openyurt.io/nodepool-labelselector` (reference §1). Only PoolServices of class \
`alibabacloud.com/elb` are picked up by the edge-controller-manager, which builds the ELB, EIP, \
listeners and backends. With any other class (usually a typo such as `alibabacloud.com/elbb`) the \
PoolServices exist and nothing is exposed, without an error anywhere.\n\nFix: set \
`loadBalancerClass: alibabacloud.com/elb`.",
    },
];
