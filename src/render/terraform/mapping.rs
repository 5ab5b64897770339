//! The table from model resources to Terraform resource types.
//!
//! One row per (provider, kind, variant). Model attribute names are meant to equal the
//! Terraform argument names, so a row lists only what differs: renames, the arguments that
//! are references to other resources, the attributes that only the controller knows, and,
//! for backends, how one model resource (a list of servers) becomes one Terraform resource
//! per server. A row without a type is a gap: the cloud object exists, but the Terraform
//! provider has no resource for it, and the renderer says so instead of dropping it.

use crate::model::{Kind, ProviderKind};

/// Sub-variants of one provider that map to different Terraform types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    Any,
    /// Huawei shared (v2) ELB: `huaweicloud_lb_*`.
    HuaweiShared,
    /// Huawei dedicated (v3, `class: performance`) ELB: `huaweicloud_elb_*`.
    HuaweiDedicated,
}

/// An argument whose value is another resource's attribute (a Terraform traversal).
#[derive(Debug, Clone, Copy)]
pub struct Ref {
    /// The Terraform argument.
    pub arg: &'static str,
    /// The model attribute holding the target's address, if the provider writes one;
    /// otherwise the target is the nearest dependency of `kind`.
    pub from: Option<&'static str>,
    pub kind: Kind,
    /// The target's exported attribute (`id`, `address`, `vip_port_id`…).
    pub attr: &'static str,
}

/// How a backend's server list becomes one Terraform resource per server.
#[derive(Debug, Clone, Copy)]
pub struct Each {
    /// The model attribute holding the list of servers (maps).
    pub list: &'static str,
    /// Keys of each server whose value names it in the resource name.
    pub identity: &'static [&'static str],
    /// (argument, server key) pairs: when the argument is missing or unknown, use that key
    /// (an `Ip` NLB server group's server id is its IP).
    pub fallbacks: &'static [(&'static str, &'static str)],
}

/// A Terraform resource type and how the model's attributes fill it.
#[derive(Debug, Clone, Copy)]
pub struct TypeMapping {
    pub tf_type: &'static str,
    /// (model attribute, Terraform argument).
    pub renames: &'static [(&'static str, &'static str)],
    pub refs: &'static [Ref],
    /// Model attributes that only the controller uses (written as a comment, not warned).
    pub model_only: &'static [&'static str],
    pub each: Option<Each>,
}

/// A model resource written inside another's block: each server of `list` becomes one
/// nested `block` of the nearest dependency of kind `into` (with the resource's other
/// attributes copied into every server).
#[derive(Debug, Clone, Copy)]
pub struct Fold {
    pub into: Kind,
    pub block: &'static str,
    pub list: &'static str,
    /// Server keys and attributes only the controller uses (written as a comment).
    pub model_only: &'static [&'static str],
}

/// What a row maps to.
#[derive(Debug, Clone, Copy)]
pub enum Target {
    Type(TypeMapping),
    Fold(Fold),
    /// No Terraform resource type exists; the reason is printed in the gap comment.
    Gap(&'static str),
}

#[derive(Debug, Clone, Copy)]
pub struct Mapping {
    pub provider: ProviderKind,
    pub kind: Kind,
    pub variant: Variant,
    pub target: Target,
}

/// The row for a resource, if any.
pub fn lookup(provider: ProviderKind, kind: Kind, variant: Variant) -> Option<&'static Mapping> {
    MAPPINGS.iter().find(|m| {
        m.provider == provider
            && m.kind == kind
            && (m.variant == Variant::Any || m.variant == variant)
    })
}

/// The Terraform provider (local name, registry source) of a model provider.
pub fn cloud(provider: ProviderKind) -> (&'static str, &'static str) {
    match provider {
        ProviderKind::AlibabaElb
        | ProviderKind::AlibabaClb
        | ProviderKind::AlibabaNlb
        | ProviderKind::AlibabaAlb => ("alicloud", "aliyun/alicloud"),
        ProviderKind::HuaweiElb => ("huaweicloud", "huaweicloud/huaweicloud"),
    }
}

const fn r(arg: &'static str, kind: Kind, attr: &'static str) -> Ref {
    Ref {
        arg,
        from: None,
        kind,
        attr,
    }
}

const fn r_from(arg: &'static str, from: &'static str, kind: Kind, attr: &'static str) -> Ref {
    Ref {
        arg,
        from: Some(from),
        kind,
        attr,
    }
}

const fn ty(tf_type: &'static str) -> TypeMapping {
    TypeMapping {
        tf_type,
        renames: &[],
        refs: &[],
        model_only: &[],
        each: None,
    }
}

const fn row(provider: ProviderKind, kind: Kind, variant: Variant, target: Target) -> Mapping {
    Mapping {
        provider,
        kind,
        variant,
        target,
    }
}

use Kind as K;
use ProviderKind as P;
use Variant as V;

const POOL_SERVICE_GAP: &str = "a PoolService is an OpenYurt Kubernetes object, not a cloud \
resource: apply it with kubectl (or the kubernetes provider), not with this configuration";

/// Every row. Order matters only within one (provider, kind): the first matching variant wins.
pub static MAPPINGS: &[Mapping] = &[
    // ACK Edge ELB (ENS): seed 000; schema notes "absent_resources".
    row(
        P::AlibabaElb,
        K::LoadBalancer,
        V::Any,
        Target::Type(TypeMapping {
            renames: &[
                ("name", "load_balancer_name"),
                ("region_id", "ens_region_id"),
                ("spec", "load_balancer_spec"),
                ("pay_type", "payment_type"),
            ],
            ..ty("alicloud_ens_load_balancer")
        }),
    ),
    row(
        P::AlibabaElb,
        K::Eip,
        V::Any,
        Target::Type(TypeMapping {
            renames: &[
                ("name", "eip_name"),
                ("region_id", "ens_region_id"),
                ("instance_charge_type", "payment_type"),
            ],
            ..ty("alicloud_ens_eip")
        }),
    ),
    row(
        P::AlibabaElb,
        K::EipBinding,
        V::Any,
        Target::Type(TypeMapping {
            refs: &[
                r_from("allocation_id", "eip", K::Eip, "id"),
                r_from("instance_id", "load_balancer", K::LoadBalancer, "id"),
            ],
            ..ty("alicloud_ens_eip_instance_attachment")
        }),
    ),
    row(
        P::AlibabaElb,
        K::Listener,
        V::Any,
        Target::Gap(
            "aliyun/alicloud has no ENS load-balancer listener resource; the ELB controller \
             creates it through the ENS API",
        ),
    ),
    row(
        P::AlibabaElb,
        K::ServerGroup,
        V::Any,
        Target::Gap(
            "aliyun/alicloud has no ENS server group resource; ENS listeners forward to the \
             load balancer's backend servers",
        ),
    ),
    row(
        P::AlibabaElb,
        K::Backend,
        V::Any,
        // Schema "absent_resources": "use alicloud_ens_load_balancer.backend_servers".
        Target::Fold(Fold {
            into: K::LoadBalancer,
            block: "backend_servers",
            list: "servers",
            model_only: &["node"],
        }),
    ),
    row(
        P::AlibabaElb,
        K::PoolService,
        V::Any,
        Target::Gap(POOL_SERVICE_GAP),
    ),
    // Alibaba CLB: seed 002.
    row(
        P::AlibabaClb,
        K::LoadBalancer,
        V::Any,
        Target::Type(ty("alicloud_slb_load_balancer")),
    ),
    row(
        P::AlibabaClb,
        K::ServerGroup,
        V::Any,
        Target::Type(TypeMapping {
            refs: &[r("load_balancer_id", K::LoadBalancer, "id")],
            ..ty("alicloud_slb_server_group")
        }),
    ),
    row(
        P::AlibabaClb,
        K::Backend,
        V::Any,
        Target::Type(TypeMapping {
            refs: &[r("server_group_id", K::ServerGroup, "id")],
            model_only: &["node", "server_ip"],
            each: Some(Each {
                list: "servers",
                identity: &["server_id", "server_ip"],
                fallbacks: &[],
            }),
            ..ty("alicloud_slb_server_group_server_attachment")
        }),
    ),
    row(
        P::AlibabaClb,
        K::Listener,
        V::Any,
        Target::Type(TypeMapping {
            refs: &[
                r("load_balancer_id", K::LoadBalancer, "id"),
                r("server_group_id", K::ServerGroup, "id"),
            ],
            ..ty("alicloud_slb_listener")
        }),
    ),
    // Alibaba NLB: seed 002.
    row(
        P::AlibabaNlb,
        K::LoadBalancer,
        V::Any,
        Target::Type(ty("alicloud_nlb_load_balancer")),
    ),
    row(
        P::AlibabaNlb,
        K::ServerGroup,
        V::Any,
        Target::Type(ty("alicloud_nlb_server_group")),
    ),
    row(
        P::AlibabaNlb,
        K::Backend,
        V::Any,
        Target::Type(TypeMapping {
            renames: &[("type", "server_type")],
            refs: &[r("server_group_id", K::ServerGroup, "id")],
            model_only: &["node"],
            each: Some(Each {
                list: "servers",
                identity: &["server_id", "server_ip"],
                fallbacks: &[("server_id", "server_ip")],
            }),
            ..ty("alicloud_nlb_server_group_server_attachment")
        }),
    ),
    row(
        P::AlibabaNlb,
        K::Listener,
        V::Any,
        Target::Type(TypeMapping {
            refs: &[
                r("load_balancer_id", K::LoadBalancer, "id"),
                r("server_group_id", K::ServerGroup, "id"),
            ],
            ..ty("alicloud_nlb_listener")
        }),
    ),
    // Alibaba ALB (ACK One multi-cluster gateway).
    row(
        P::AlibabaAlb,
        K::LoadBalancer,
        V::Any,
        Target::Type(ty("alicloud_alb_load_balancer")),
    ),
    row(
        P::AlibabaAlb,
        K::ServerGroup,
        V::Any,
        Target::Type(ty("alicloud_alb_server_group")),
    ),
    row(
        P::AlibabaAlb,
        K::Listener,
        V::Any,
        Target::Type(TypeMapping {
            refs: &[r("load_balancer_id", K::LoadBalancer, "id")],
            ..ty("alicloud_alb_listener")
        }),
    ),
    row(
        P::AlibabaAlb,
        K::ForwardingRule,
        V::Any,
        Target::Type(TypeMapping {
            refs: &[r("listener_id", K::Listener, "id")],
            ..ty("alicloud_alb_rule")
        }),
    ),
    row(
        P::AlibabaNlb,
        K::SecurityGroup,
        V::Any,
        Target::Gap(
            "the provider schema lbplan checks against (reference/terraform-provider-schema.json) \
             has no security group types; lbplan writes no block it cannot check against the \
             schema (the real provider's alicloud_security_group and \
             alicloud_security_group_rule would express it)",
        ),
    ),
    row(
        P::AlibabaAlb,
        K::Eip,
        V::Any,
        Target::Gap(
            "an Internet-facing ALB allocates one EIP per zone mapping itself: \
             alicloud_alb_load_balancer creates it (a user's EIP goes in \
             zone_mappings.allocation_id), so there is no separate resource to write",
        ),
    ),
    row(
        P::AlibabaAlb,
        K::Backend,
        V::Any,
        Target::Gap(
            "aliyun/alicloud has no ALB server attachment resource in the reference schema; \
             ALB servers are the inline `servers` block of alicloud_alb_server_group",
        ),
    ),
    // Huawei CCE, shared ELB: seed 003.
    row(
        P::HuaweiElb,
        K::LoadBalancer,
        V::HuaweiShared,
        Target::Type(TypeMapping {
            model_only: &["class"],
            ..ty("huaweicloud_lb_loadbalancer")
        }),
    ),
    row(
        P::HuaweiElb,
        K::LoadBalancer,
        V::HuaweiDedicated,
        Target::Type(TypeMapping {
            model_only: &["class", "l4_flavor_name", "l7_flavor_name"],
            ..ty("huaweicloud_elb_loadbalancer")
        }),
    ),
    row(
        P::HuaweiElb,
        K::Eip,
        V::Any,
        Target::Type(ty("huaweicloud_vpc_eip")),
    ),
    row(
        P::HuaweiElb,
        K::EipBinding,
        V::HuaweiShared,
        Target::Type(TypeMapping {
            refs: &[
                r_from("public_ip", "public_ip", K::Eip, "address"),
                r_from("port_id", "port_id", K::LoadBalancer, "vip_port_id"),
            ],
            ..ty("huaweicloud_vpc_eip_associate")
        }),
    ),
    row(
        P::HuaweiElb,
        K::EipBinding,
        V::HuaweiDedicated,
        Target::Type(TypeMapping {
            refs: &[
                r_from("public_ip", "public_ip", K::Eip, "address"),
                r_from("port_id", "port_id", K::LoadBalancer, "ipv4_port_id"),
            ],
            ..ty("huaweicloud_vpc_eip_associate")
        }),
    ),
    row(
        P::HuaweiElb,
        K::Listener,
        V::HuaweiShared,
        Target::Type(TypeMapping {
            renames: &[("server_certificate", "default_tls_container_ref")],
            refs: &[r("loadbalancer_id", K::LoadBalancer, "id")],
            ..ty("huaweicloud_lb_listener")
        }),
    ),
    row(
        P::HuaweiElb,
        K::Listener,
        V::HuaweiDedicated,
        Target::Type(TypeMapping {
            refs: &[r("loadbalancer_id", K::LoadBalancer, "id")],
            ..ty("huaweicloud_elb_listener")
        }),
    ),
    row(
        P::HuaweiElb,
        K::ServerGroup,
        V::HuaweiShared,
        Target::Type(TypeMapping {
            refs: &[r("listener_id", K::Listener, "id")],
            model_only: &["external_traffic_policy"],
            ..ty("huaweicloud_lb_pool")
        }),
    ),
    row(
        P::HuaweiElb,
        K::ServerGroup,
        V::HuaweiDedicated,
        Target::Type(TypeMapping {
            refs: &[r("listener_id", K::Listener, "id")],
            model_only: &["external_traffic_policy"],
            ..ty("huaweicloud_elb_pool")
        }),
    ),
    row(
        P::HuaweiElb,
        K::HealthMonitor,
        V::HuaweiShared,
        Target::Type(TypeMapping {
            refs: &[r("pool_id", K::ServerGroup, "id")],
            ..ty("huaweicloud_lb_monitor")
        }),
    ),
    row(
        P::HuaweiElb,
        K::HealthMonitor,
        V::HuaweiDedicated,
        Target::Type(TypeMapping {
            refs: &[r("pool_id", K::ServerGroup, "id")],
            ..ty("huaweicloud_elb_monitor")
        }),
    ),
    row(
        P::HuaweiElb,
        K::Backend,
        V::HuaweiShared,
        Target::Type(TypeMapping {
            refs: &[
                r("pool_id", K::ServerGroup, "id"),
                // Members sit in the cluster's subnet, which is the ELB's VIP subnet.
                r("subnet_id", K::LoadBalancer, "vip_subnet_id"),
            ],
            each: Some(Each {
                list: "members",
                identity: &["address", "name"],
                fallbacks: &[],
            }),
            ..ty("huaweicloud_lb_member")
        }),
    ),
    row(
        P::HuaweiElb,
        K::Backend,
        V::HuaweiDedicated,
        Target::Type(TypeMapping {
            refs: &[
                r("pool_id", K::ServerGroup, "id"),
                r("subnet_id", K::LoadBalancer, "ipv4_subnet_id"),
            ],
            each: Some(Each {
                list: "members",
                identity: &["address", "name"],
                fallbacks: &[],
            }),
            ..ty("huaweicloud_elb_member")
        }),
    ),
];
