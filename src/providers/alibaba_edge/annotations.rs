//! OpenYurt and ECM ELB annotation keys.
//!
//! Defaults are those of ECM 2.1.0 (the version the docs require); where the ELB doc page
//! documents another default, the doc line says so.

use crate::annotations::catalogue::{
    AnnotationSpec as S, Controller, Controller::*, KeyPattern, Provider, Target,
};
use crate::annotations::grammar::Grammar as G;

const E: &[Controller] = &[Elb];
const OY: &[Controller] = &[OpenYurt];
/// Keys that are documented or declared somewhere but read by no controller.
const NOBODY: &[Controller] = &[];
const SVC_PS: &[Target] = &[Target::LoadBalancerService, Target::PoolService];
const POOL: &[Target] = &[Target::NodePool];

/// What Go's `strconv.ParseBool` accepts (ECM parses these keys with it).
const GO_BOOL: G = G::Enum(&[
    "true", "false", "1", "0", "t", "f", "T", "F", "TRUE", "FALSE", "True", "False",
]);

const fn e(
    key: &'static str,
    readers: &'static [Controller],
    targets: &'static [Target],
    grammar: G,
    default: Option<&'static str>,
    doc: &'static str,
) -> S {
    S::new(
        KeyPattern::Exact(key),
        Provider::AlibabaEdge,
        readers,
        targets,
        grammar,
        default,
        doc,
    )
}

/// Every OpenYurt and ELB-only key.
pub static ANNOTATIONS: &[S] = &[
    e(
        "service.openyurt.io/nodepool-labelselector",
        OY,
        &[Target::LoadBalancerService],
        G::LabelSelector,
        None,
        "Label selector over NodePool metadata.labels; with any loadBalancerClass, one PoolService (one ELB) per matching pool.",
    ),
    e(
        "openyurt.io/topologyKeys",
        OY,
        &[Target::Service],
        G::Enum(&[
            "kubernetes.io/hostname",
            "openyurt.io/nodepool",
            "kubernetes.io/zone",
        ]),
        None,
        "Scope the endpoints an edge node's kube-proxy sees to the node or its pool; other values silently disable filtering.",
    ),
    e(
        "alibabacloud.com/ens-network-id",
        E,
        POOL,
        G::NonEmpty,
        None,
        "ENS network (VPC) of the pool's ELBs; required, ECM requeues the pool until it is set.",
    ),
    e(
        "alibabacloud.com/ens-region-id",
        E,
        POOL,
        G::NonEmpty,
        None,
        "ENS region of the pool's ELBs and EIPs; required.",
    ),
    e(
        "alibabacloud.com/ens-vswitch-id",
        E,
        POOL,
        G::CommaList,
        None,
        "ENS vSwitches of the pool (comma list); the first one hosts the ELB. Required.",
    ),
    e(
        lb!("managed-by-user"),
        E,
        SVC_PS,
        GO_BOOL,
        Some("false"),
        "`true`: the ELB and EIP are yours; ECM only manages listeners and backends on the ELB named by `id`, and never deletes them.",
    ),
    e(
        lb!("pay-type"),
        E,
        SVC_PS,
        G::Enum(&["PostPaid", "PrePaid"]),
        Some("PostPaid"),
        "Billing of an ELB that ECM creates; ignored when `id` is set.",
    ),
    e(
        lb!("eip-bandwidth"),
        E,
        SVC_PS,
        G::Int { min: 1, max: 10000 },
        Some("5"),
        "Peak bandwidth (Mbit/s) of the EIP ECM binds; ECM 2.1.0 default 5, the ELB docs say 10. Updated in place.",
    ),
    e(
        lb!("eip-internet-charge-type"),
        E,
        SVC_PS,
        G::NonEmpty,
        Some("95BandwidthByMonth"),
        "Metering of the EIP ECM creates; only used at creation.",
    ),
    e(
        lb!("eip-instance-charge-type"),
        E,
        SVC_PS,
        G::NonEmpty,
        Some("PostPaid"),
        "Billing of the EIP ECM creates; only used at creation.",
    ),
    e(
        lb!("eip-isp"),
        E,
        SVC_PS,
        G::NonEmpty,
        None,
        "Carrier of the EIP (`cmcc`, `unicom`, `telecom`…); must occur in the pool's region id.",
    ),
    e(
        lb!("eip-id"),
        NOBODY,
        SVC_PS,
        G::NonEmpty,
        None,
        "Declared by ECM but never used to bind anything; bring your own EIP with `managed-by-user` instead.",
    ),
    e(
        lb!("backend-weight"),
        E,
        SVC_PS,
        G::BackendWeight,
        Some("base=100"),
        "Backend weights `base=W,<node>=W`; values outside 0–100 fall back to 100, an entry without `=` crashes the reconcile.",
    ),
    e(
        lb!("exclude-from-edge-load-balancer"),
        NOBODY,
        SVC_PS,
        G::Any,
        None,
        "Declared by ECM but never read; label nodes `node.kubernetes.io/exclude-from-external-load-balancers=true` instead.",
    ),
    e(
        "service.openyurt.io/elb-force-override-listeners",
        NOBODY,
        SVC_PS,
        G::Enum(&["true", "false"]),
        None,
        "Shown in an ELB doc example, but ECM never reads it; the key ECM reads is `service.beta.kubernetes.io/alibaba-cloud-loadbalancer-force-override-listeners`.",
    ),
];
