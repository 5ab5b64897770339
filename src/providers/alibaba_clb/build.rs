//! The CCM model builder: one CLB (or NLB) per `type: LoadBalancer` Service, one listener
//! and one server group per Service port, and the server group's backends (SPEC §4,
//! reference §2.3–§2.4, §3).
//!
//! Addresses are `<kind>.<ns>/<svc>[/<proto>-<port>]`: built from what the user wrote, so a
//! later run with a live snapshot pairs with what an earlier run planned. Cloud-side names
//! follow the CCM: the CLB is named `a` + the Service UID without dashes (32 characters);
//! when the YAML has no `metadata.uid` (a manifest not yet applied) the API server assigns
//! it at creation, so the name is `(known after apply)` and a note says so. Attributes the
//! CCM refuses to change after creation (address type, IP version, zones, resource group,
//! network type, fixed IP) are `NotAppliedByController`: a change is reported, not planned.

use crate::annotations::grammar::lists::{
    parse_forward_ports, parse_proto_ports, parse_vgroup_ports, parse_zone_maps,
};
use crate::annotations::grammar::scalar::parse_int;
use crate::diag::Diagnostics;
use crate::ir::{Cluster, PortIr, Protocol, ServiceIr};
use crate::model::{DeletePolicy, Kind, Owner, ProviderKind, Resource, UpdatePolicy, Value};
pub use crate::providers::planner::KNOWN_AFTER_APPLY;
use crate::providers::planner::{Built, IngressSource};
use crate::source::Span;
use crate::topology::{ClusterPods, Resolved};

use super::backends::{Server, Servers, ServiceBackends};
use super::settings::{ClbService, Mode, Product};

const NA: UpdatePolicy = UpdatePolicy::NotAppliedByController;
const IN_PLACE: UpdatePolicy = UpdatePolicy::InPlace;
const REPLACE: UpdatePolicy = UpdatePolicy::ForcesReplacement;
const COMPUTED: UpdatePolicy = UpdatePolicy::Computed;

/// Builds the CLBs and NLBs of every Service routed to the CCM. The rules run before, in
/// [`super::rules::check_cluster`]; a Service they found unbuildable builds nothing here.
pub fn build(resolved: &[Resolved], _diags: &mut Diagnostics) -> Built {
    let mut out = Built::default();
    for r in resolved {
        let pods = ClusterPods::new(&r.cluster);
        for service in &r.cluster.services {
            let Some(s) = ClbService::of(service) else {
                continue;
            };
            if !super::rules::buildable(&s) {
                continue;
            }
            let backends = ServiceBackends::new(&r.cluster, &pods, &s);
            build_service(&r.cluster, &s, &backends, &mut out);
        }
    }
    out
}

fn name_span(service: &ServiceIr) -> Span {
    service
        .obj
        .manifest
        .meta
        .name
        .as_ref()
        .map_or(service.obj.manifest.span, |n| n.span)
}

fn build_service(cluster: &Cluster, s: &ClbService, backends: &ServiceBackends, out: &mut Built) {
    let service = s.service;
    let origin = |r: Resource| r.with_provenance(name_span(service));
    let (provider, prefix) = match s.product {
        Product::Clb => (ProviderKind::AlibabaClb, "clb"),
        Product::Nlb => (ProviderKind::AlibabaNlb, "nlb"),
    };
    let lb_address = format!("{prefix}.{}", service.address_stem());
    let lb = match s.product {
        Product::Clb => clb(cluster, s, &lb_address),
        Product::Nlb => nlb(cluster, s, &lb_address),
    };
    out.resources.push(origin(with_offline_assumptions(lb, s)));
    if let Some(sg) = source_ranges_group(cluster, s, &lb_address) {
        out.resources.push(origin(sg));
    }
    out.ingress.push(IngressSource {
        service: service.address_stem(),
        eip: None,
        load_balancer: lb_address.clone(),
    });
    let reused = s.reused_id().is_some();
    // Reference §2.6: a reused load balancer's listeners are not touched at all unless
    // `force-override-listeners: "true"` (rules: LBP7108).
    let listeners = !reused || s.force_override().is_some();
    // Reference §2.8: NLB `preserve-lb-on-delete` keeps the server groups (untagged).
    let keep_groups = s.product == Product::Nlb && s.preserve_on_delete().is_some() && !reused;
    for port in &service.ports {
        if port.protocol.value == Protocol::Sctp {
            continue; // Rejected by the rules.
        }
        let user_group = user_vgroup(s, port);
        let sg = match user_group {
            Some(id) => user_server_group(s, port, &lb_address, id),
            None => server_group(cluster, s, port, &lb_address),
        };
        let sg_address = sg.address.clone();
        let sg = if keep_groups {
            sg.with_delete_policy(DeletePolicy::Retain {
                reason: "`preserve-lb-on-delete`: the CCM keeps the NLB's server groups and only removes its tags".into(),
            })
        } else {
            sg
        };
        out.resources
            .push(origin(sg).with_provenance(port.port.span));
        out.resources.push(
            origin(backend(
                cluster,
                s,
                backends,
                port,
                &sg_address,
                provider,
                user_group.and_then(|_| shared_weight(s)),
            ))
            .with_provenance(port.port.span),
        );
        if listeners {
            out.resources.push(
                origin(listener(cluster, s, port, &lb_address, &sg_address))
                    .with_provenance(port.port.span),
            );
        }
    }
}

/// What the plan takes for granted about the cloud that only the live cloud can confirm
/// (reference §8 cases 15 and 18), said on the load balancer so that a reviewer sees it.
fn with_offline_assumptions(lb: Resource, s: &ClbService) -> Resource {
    if let Some(id) = s.reused_id() {
        return lb.with_note(format!(
            "assumed: `{}` exists and was not created by the CCM (no `kubernetes.do.not.delete` tag); only the cloud, or a prior state that records it (LBP7119), can tell (reference §8 case 15)",
            id.value
        ));
    }
    match s.service.obj.object.status_ingress().first() {
        Some(ip) => lb.with_note(format!(
            "assumed: the load balancer behind `status.loadBalancer.ingress` ({}) still exists; if it was deleted in the console the CCM creates none and fails: \"can not find loadbalancer, but it's defined in service\" (reference §8 case 18)",
            ip.value
        )),
        None => lb,
    }
}

/// An annotation value as a string attribute, or `default`.
fn ann_or(s: &ClbService, suffix: &str, default: &str) -> Value {
    Value::from(s.ann(suffix).map_or(default, |v| v.value))
}

/// The default tags (reference §2.3) plus `additional-resource-tags`.
fn tags(cluster: &Cluster, s: &ClbService, reused: bool) -> Value {
    let mut tags = crate::model::OrderedMap::new();
    if reused {
        tags.insert("kubernetes.reused.by.user", Value::from("true"));
    } else {
        tags.insert(
            "kubernetes.do.not.delete",
            s.default_name().map_or(Value::Unknown, Value::from),
        );
        tags.insert("ack.aliyun.com", Value::from(cluster.cluster_id));
    }
    if let Some(extra) = s.ann("additional-resource-tags")
        && let Ok(kvs) = crate::annotations::grammar::lists::parse_key_values(extra.value, true)
    {
        for kv in kvs {
            tags.insert(kv.key.value.clone(), Value::from(kv.value.value.as_str()));
        }
    }
    Value::Map(tags)
}

/// The delete policy of the load balancer itself (reference §2.8).
fn lb_delete_policy(s: &ClbService) -> DeletePolicy {
    if let Some(id) = s.reused_id() {
        return DeletePolicy::Retain {
            reason: format!(
                "reused load balancer `{}` (`…-loadbalancer-id`): the CCM never deletes it; it removes only the server groups it created{}",
                id.value,
                if s.force_override().is_some() {
                    " and this Service's listeners"
                } else {
                    ""
                }
            ),
        };
    }
    match s.preserve_on_delete() {
        Some(_) => DeletePolicy::Retain {
            reason: "`preserve-lb-on-delete`: the CCM keeps the load balancer, turns its delete and modification protection off and removes the default tags; delete it yourself when done".into(),
        },
        None => DeletePolicy::Delete,
    }
}

fn clb(cluster: &Cluster, s: &ClbService, address: &str) -> Resource {
    let reused = s.reused_id();
    let mut r = Resource::new(address, Kind::LoadBalancer, ProviderKind::AlibabaClb)
        .with_delete_policy(lb_delete_policy(s));
    if let Some(id) = reused {
        return r
            .with_owner(Owner::User)
            .with_attr("id", id.value, NA)
            .with_attr("tags", tags(cluster, s, true), IN_PLACE)
            .with_attr("address", Value::Unknown, COMPUTED)
            .with_provenance(id.entry.value.span)
            .with_note(
                "reused: the CCM creates no load balancer and tags it `kubernetes.reused.by.user=true` (reference §2.6)",
            );
    }
    let name = match s.ann("name") {
        Some(v) => Value::from(v.value),
        None => s.default_name().map_or(Value::Unknown, Value::from),
    };
    if let Value::String(n) = &name {
        r = r.with_name(n.as_str());
    } else {
        r = r.with_note(
            "the name is `a` + the Service UID without dashes (32 characters); the YAML has no metadata.uid, so it is known after the Service is created",
        );
    }
    let internet = s.ann("address-type").is_none_or(|v| v.value != "intranet");
    let pay_by_spec = s
        .ann("instance-charge-type")
        .is_some_and(|v| v.value.eq_ignore_ascii_case("PayBySpec"));
    r = r
        .with_attr("load_balancer_name", name, IN_PLACE)
        .with_attr(
            "address_type",
            if internet { "internet" } else { "intranet" },
            NA,
        )
        .with_attr("address_ip_version", ann_or(s, "ip-version", "ipv4"), NA)
        .with_attr(
            "instance_charge_type",
            if pay_by_spec {
                "PayBySpec"
            } else {
                "PayByCLCU"
            },
            IN_PLACE,
        );
    if pay_by_spec || s.ann("spec").is_some() {
        r = r.with_attr(
            "load_balancer_spec",
            ann_or(s, "spec", "slb.s1.small"),
            IN_PLACE,
        );
    }
    if let Some(v) = s.ann("charge-type") {
        r = r.with_attr("internet_charge_type", v.value, IN_PLACE);
    }
    if let Some(n) = s
        .ann("bandwidth")
        .and_then(|v| parse_int(v.value, i64::MIN, i64::MAX).ok())
    {
        r = r.with_attr("bandwidth", n, IN_PLACE);
    }
    if !internet {
        // Reference §8 note: without the annotation the CCM picks a cloud-config vSwitch at
        // random.
        r = r.with_attr(
            "vswitch_id",
            s.ann("vswitch-id")
                .map_or(Value::Unknown, |v| Value::from(v.value)),
            NA,
        );
    }
    for (suffix, attr) in [
        ("network-type", "network_type"),
        ("master-zoneid", "master_zone_id"),
        ("slave-zoneid", "slave_zone_id"),
        ("resource-group-id", "resource_group_id"),
    ] {
        if let Some(v) = s.ann(suffix) {
            r = r.with_attr(attr, v.value, NA);
        }
    }
    r.with_attr(
        "delete_protection",
        ann_or(s, "delete-protection", "on"),
        IN_PLACE,
    )
    .with_attr(
        "modification_protection_status",
        ann_or(s, "modification-protection", "ConsoleProtection"),
        IN_PLACE,
    )
    .with_attr("tags", tags(cluster, s, false), IN_PLACE)
    .with_attr("id", Value::Unknown, COMPUTED)
    .with_attr(
        "address",
        s.ann("ip").map_or(Value::Unknown, |v| Value::from(v.value)),
        if s.ann("ip").is_some() { NA } else { COMPUTED },
    )
}

fn nlb(cluster: &Cluster, s: &ClbService, address: &str) -> Resource {
    let mut r = Resource::new(address, Kind::LoadBalancer, ProviderKind::AlibabaNlb)
        .with_delete_policy(lb_delete_policy(s));
    if let Some(id) = s.reused_id() {
        r = r
            .with_owner(Owner::User)
            .with_attr("id", id.value, NA)
            .with_attr("tags", tags(cluster, s, true), IN_PLACE)
            .with_attr("dns_name", Value::Unknown, COMPUTED)
            .with_provenance(id.entry.value.span)
            .with_note(
                "reused: the CCM creates no load balancer and tags it `kubernetes.reused.by.user=true` (reference §2.6)",
            );
        let ranges = s.service.obj.object.load_balancer_source_ranges();
        if !ranges.is_empty() {
            r = r.with_note(
                "`loadBalancerSourceRanges` are ignored on a reused NLB: the CCM builds no security group for it (reference §2.6)",
            );
        }
        return r;
    }
    if let Some(n) = s.ann("name") {
        r = r
            .with_name(n.value)
            .with_attr("load_balancer_name", n.value, IN_PLACE);
    }
    let address_type = match s.ann("address-type") {
        Some(v) if v.value.eq_ignore_ascii_case("intranet") => "Intranet",
        _ => "Internet",
    };
    let zones = s
        .ann("zone-maps")
        .and_then(|v| parse_zone_maps(v.value).ok())
        .map(|zs| {
            Value::list(
                zs.into_iter()
                    .map(|z| {
                        let mut m = crate::model::OrderedMap::new();
                        m.insert("zone_id", Value::from(z.zone.value.as_str()));
                        m.insert("vswitch_id", Value::from(z.vswitch.value.as_str()));
                        if let Some(ip) = z.ipv4 {
                            m.insert("private_ipv4_address", Value::from(ip.value.to_string()));
                        }
                        if let Some(a) = z.allocation_id {
                            m.insert("allocation_id", Value::from(a.value.as_str()));
                        }
                        Value::Map(m)
                    })
                    .collect(),
            )
        })
        .unwrap_or(Value::Unknown);
    let ip_version = match s.ann("ip-version") {
        Some(v) if v.value.eq_ignore_ascii_case("dualstack") => "DualStack",
        _ => "ipv4",
    };
    r = r
        .with_attr("address_type", address_type, IN_PLACE)
        .with_attr("address_ip_version", ip_version, NA)
        .with_attr("load_balancer_type", "Network", NA)
        // The CCM takes the VPC from the ECS metadata of the cluster.
        .with_attr("vpc_id", Value::Unknown, NA)
        .with_attr("zone_mappings", zones, IN_PLACE);
    for (suffix, attr) in [
        ("resource-group-id", "resource_group_id"),
        ("bandwidth-package-id", "bandwidth_package_id"),
        ("security-group-ids", "security_group_ids"),
        ("cross-zone-enabled", "cross_zone_enabled"),
        ("ipv6-address-type", "ipv6_address_type"),
    ] {
        if let Some(v) = s.ann(suffix) {
            let policy = if suffix == "resource-group-id" {
                NA
            } else {
                IN_PLACE
            };
            r = r.with_attr(attr, v.value, policy);
        }
    }
    r.with_attr("deletion_protection_enabled", true, IN_PLACE)
        .with_attr(
            "modification_protection_status",
            "ConsoleProtection",
            IN_PLACE,
        )
        .with_attr("tags", tags(cluster, s, false), IN_PLACE)
        .with_attr("id", Value::Unknown, COMPUTED)
        .with_attr("dns_name", Value::Unknown, COMPUTED)
}

/// Reference §3 and §8 case 26: `loadBalancerSourceRanges` on a CCM-created NLB become an
/// enterprise security group `k8s-nlb-<defaultName>` that accepts each range (priority 1)
/// and drops everything else (priority 100). The CCM ignores the ranges on a reused NLB
/// (§2.6): the NLB's note says so, and no group is built.
fn source_ranges_group(cluster: &Cluster, s: &ClbService, lb_address: &str) -> Option<Resource> {
    let ranges = s.service.obj.object.load_balancer_source_ranges();
    if s.product != Product::Nlb || ranges.is_empty() || s.reused_id().is_some() {
        return None;
    }
    let service = s.service;
    let description = format!(
        "k8s.{}.{}.{}",
        service.namespace(),
        service.name(),
        cluster.cluster_id
    );
    let rule = |policy: &str, priority: i64, cidr: &str| {
        let mut m = crate::model::OrderedMap::new();
        m.insert("type", Value::from("ingress"));
        m.insert("policy", Value::from(policy));
        m.insert("priority", Value::Int(priority));
        m.insert("cidr_ip", Value::from(cidr));
        m.insert("description", Value::from(description.as_str()));
        Value::Map(m)
    };
    let mut rules: Vec<Value> = ranges
        .iter()
        .map(|r| rule("accept", 1, r.value.trim()))
        .collect();
    rules.push(rule("drop", 100, "0.0.0.0/0"));
    let name = s
        .default_name()
        .map_or(Value::Unknown, |n| Value::from(format!("k8s-nlb-{n}")));
    let address = format!("security_group.{}", service.address_stem());
    let mut r = Resource::new(&address, Kind::SecurityGroup, ProviderKind::AlibabaNlb);
    if let Value::String(n) = &name {
        r = r.with_name(n.as_str());
    }
    let r = ranges
        .iter()
        .fold(r, |r, range| r.with_provenance(range.span));
    Some(
        r.with_attr("security_group_name", name, COMPUTED)
            .with_attr("security_group_type", "enterprise", NA)
            .with_attr("vpc_id", Value::Unknown, NA)
            .with_attr("rules", Value::list(rules), IN_PLACE)
            .with_attr("id", Value::Unknown, COMPUTED)
            .depends_on(lb_address),
    )
}

/// The CLB listener protocol of a port: the `protocol-port` entry for this port, else
/// the lower-cased port protocol (reference §2.3).
pub fn clb_protocol(s: &ClbService, port: &PortIr) -> String {
    s.ann("protocol-port")
        .and_then(|v| parse_proto_ports(v.value, &["http", "https", "tcp", "udp"], false).ok())
        .and_then(|pp| {
            pp.into_iter()
                .find(|e| i64::from(e.port.value) == port.number)
                .map(|e| e.protocol.value.to_string())
        })
        .unwrap_or_else(|| port.protocol.value.as_str().to_ascii_lowercase())
}

/// The HTTPS port an HTTP listener on `port` forwards to (`forward-port`, reference §2.2).
fn forward_target(s: &ClbService, port: i64) -> Option<i64> {
    parse_forward_ports(s.ann("forward-port")?.value)
        .ok()?
        .into_iter()
        .find(|f| i64::from(f.http_port.value) == port)
        .map(|f| i64::from(f.https_port.value))
}

/// The NLB listener protocol: `TCP`, `UDP` or `TCPSSL` (reference §3).
pub fn nlb_protocol(s: &ClbService, port: &PortIr) -> String {
    s.ann("protocol-port")
        .and_then(|v| parse_proto_ports(v.value, &["TCP", "UDP", "TCPSSL"], true).ok())
        .and_then(|pp| {
            pp.into_iter()
                .find(|e| i64::from(e.port.value) == port.number)
                .map(|e| e.protocol.value.to_string())
        })
        .unwrap_or_else(|| port.protocol.value.as_str().to_string())
}

/// The server group's port in its name: the NodePort for node backends, the target port
/// (number, or its name) for pod backends (reference §2.3 `getVGroupNamedKey`).
fn group_port(s: &ClbService, port: &PortIr) -> Option<String> {
    if s.mode() == Mode::Eni {
        return Some(match port.port.target_port.as_ref().map(|t| &t.value) {
            None => port.number.to_string(),
            Some(crate::manifest::decode::IntOrString::Int(n)) => n.to_string(),
            Some(crate::manifest::decode::IntOrString::Str(name)) => name.clone(),
        });
    }
    port.node_port.map(|n| n.to_string())
}

/// `k8s/<port>/<svc>/<ns>/<cid>` (CLB) or `k8s.<port>.<PROTO>.<svc>.<ns>.<cid>` (NLB);
/// unknown when the port is a NodePort not written in the YAML.
fn named_key(cluster: &Cluster, s: &ClbService, port: Option<String>, proto: &str) -> Value {
    let Some(port) = port else {
        return Value::Unknown;
    };
    let svc = s.service;
    Value::from(match s.product {
        Product::Clb => format!(
            "k8s/{port}/{}/{}/{}",
            svc.name(),
            svc.namespace(),
            cluster.cluster_id
        ),
        Product::Nlb => format!(
            "k8s.{port}.{proto}.{}.{}.{}",
            svc.name(),
            svc.namespace(),
            cluster.cluster_id
        ),
    })
}

/// The load balancer id a child refers to: the user's (reused) or the cloud's.
fn lb_id_value(s: &ClbService) -> (Value, UpdatePolicy) {
    match s.reused_id() {
        Some(id) => (Value::from(id.value), REPLACE),
        None => (Value::Unknown, COMPUTED),
    }
}

fn server_group(cluster: &Cluster, s: &ClbService, port: &PortIr, lb_address: &str) -> Resource {
    let service = s.service;
    let address = format!(
        "server_group.{}/{}",
        service.address_stem(),
        port.address_suffix()
    );
    match s.product {
        Product::Clb => {
            let name = named_key(cluster, s, group_port(s, port), "");
            let (lb_id, policy) = lb_id_value(s);
            let mut r = Resource::new(&address, Kind::ServerGroup, ProviderKind::AlibabaClb);
            if let Value::String(n) = &name {
                r = r.with_name(n.as_str());
            }
            r.with_attr("name", name, COMPUTED)
                .with_attr("load_balancer_id", lb_id, policy)
                .depends_on(lb_address)
        }
        Product::Nlb => {
            let proto = nlb_protocol(s, port);
            let name = named_key(cluster, s, group_port(s, port), &proto);
            let group_type = if s.ip_server_group() {
                "Ip"
            } else {
                "Instance"
            };
            let mut r = Resource::new(&address, Kind::ServerGroup, ProviderKind::AlibabaNlb);
            if let Value::String(n) = &name {
                r = r.with_name(n.as_str());
            }
            r = r
                .with_attr("server_group_name", name, COMPUTED)
                .with_attr("server_group_type", group_type, REPLACE)
                .with_attr("protocol", proto.as_str(), REPLACE)
                .with_attr("vpc_id", Value::Unknown, NA);
            if let Some(v) = s.ann("scheduler") {
                r = r.with_attr("scheduler", v.value, IN_PLACE);
            }
            if let Some(v) = s.ann("preserve-client-ip") {
                r = r.with_attr(
                    "preserve_client_ip_enabled",
                    v.value.eq_ignore_ascii_case("on"),
                    IN_PLACE,
                );
            }
            if let Some(v) = s.ann("connection-drain") {
                r = r.with_attr("connection_drain_enabled", v.value == "on", IN_PLACE);
            }
            let mut tags = crate::model::OrderedMap::new();
            tags.insert(
                "kubernetes.do.not.delete",
                s.default_name().map_or(Value::Unknown, Value::from),
            );
            tags.insert("ack.aliyun.com", Value::from(cluster.cluster_id));
            with_passthrough(r, s, NLB_SERVER_GROUP, &proto)
                .with_attr("tags", Value::Map(tags), IN_PLACE)
                .with_attr("id", Value::Unknown, COMPUTED)
        }
    }
}

/// The user's server group bound to `port` by `vgroup-port` (reused load balancers only,
/// reference §2.2, §2.6).
fn user_vgroup<'m>(s: &ClbService<'_, 'm>, port: &PortIr) -> Option<&'m str> {
    s.reused_id()?;
    let v = s.ann("vgroup-port")?;
    let entries = parse_vgroup_ports(v.value).ok()?;
    let e = entries
        .into_iter()
        .find(|e| i64::from(e.port.value) == port.number)?;
    v.value.get(e.vgroup_id.start..e.vgroup_id.end)
}

/// `weight` (0–100), read only with `id` and `vgroup-port` (reference §2.2).
fn shared_weight(s: &ClbService) -> Option<i64> {
    s.ann("weight")
        .and_then(|v| parse_int(v.value, 0, 100).ok())
}

/// A server group the user made: referenced by id, never created or deleted; the CCM only
/// adds and removes this Service's backends in it (reference §2.5 `cleanup`, §2.8).
fn user_server_group(s: &ClbService, port: &PortIr, lb_address: &str, id: &str) -> Resource {
    let provider = match s.product {
        Product::Clb => ProviderKind::AlibabaClb,
        Product::Nlb => ProviderKind::AlibabaNlb,
    };
    let (lb_id, policy) = lb_id_value(s);
    let mut r = Resource::new(
        format!("server_group.{}/{}", s.service.address_stem(), port.address_suffix()),
        Kind::ServerGroup,
        provider,
    )
    .with_owner(Owner::User)
    .with_attr("id", id, NA)
    .with_delete_policy(DeletePolicy::Retain {
        reason: format!(
            "`{id}` is your server group (`vgroup-port`): the CCM only removes this Service's backends from it"
        ),
    })
    .depends_on(lb_address);
    if s.product == Product::Clb {
        r = r.with_attr("load_balancer_id", lb_id, policy);
    }
    r.with_note(format!(
        "assumed: server group `{id}` exists in the load balancer and was not created by the CCM; only the cloud can tell (else the CCM fails: \"cannot reuse a ccm created vgroup\" or \"can not find vgroupId\", reference §8 case 16)"
    ))
}

fn server_value(s: &Server, server_type: &str, description: &Value) -> Value {
    let mut m = crate::model::OrderedMap::new();
    if let Some(n) = &s.node {
        m.insert("node", Value::from(n.as_str()));
    }
    m.insert(
        "server_id",
        s.server_id.as_deref().map_or(Value::Unknown, Value::from),
    );
    m.insert(
        "server_ip",
        s.ip.as_deref().map_or(Value::Unknown, Value::from),
    );
    m.insert("port", s.port.map_or(Value::Unknown, Value::from));
    m.insert("weight", Value::from(s.weight));
    m.insert("type", Value::from(server_type));
    m.insert("description", description.clone());
    Value::Map(m)
}

fn backend(
    cluster: &Cluster,
    s: &ClbService,
    backends: &ServiceBackends,
    port: &PortIr,
    sg_address: &str,
    provider: ProviderKind,
    shared_weight: Option<i64>,
) -> Resource {
    let address = format!(
        "backend.{}/{}",
        s.service.address_stem(),
        port.address_suffix()
    );
    let mode = s.mode();
    let server_type = match (s.product, mode) {
        (Product::Nlb, Mode::Eni) if s.ip_server_group() => "Ip",
        (Product::Nlb, Mode::Eni) => "Eni",
        (Product::Nlb, _) => "Ecs",
        (Product::Clb, Mode::Eni) => "eni",
        (Product::Clb, _) => "ecs",
    };
    let proto = match s.product {
        Product::Clb => String::new(),
        Product::Nlb => nlb_protocol(s, port),
    };
    // Backend descriptions are the server group's named key (reference §2.3).
    let description = named_key(cluster, s, group_port(s, port), &proto);
    let r = match backends.servers(cluster, s.service, port, shared_weight) {
        Servers::Known(list) => {
            let r = Resource::new(&address, Kind::Backend, provider).with_attr(
                "servers",
                Value::list(
                    list.iter()
                        .map(|sv| server_value(sv, server_type, &description))
                        .collect(),
                ),
                IN_PLACE,
            );
            if list.is_empty() {
                r.with_note("no backend: the CCM reports `UnAvailableLoadBalancer` (\"There are no available nodes for LoadBalancer\"), not an error")
            } else {
                r
            }
        }
        Servers::Unknown(why) => Resource::new(&address, Kind::Backend, provider)
            .with_attr("servers", Value::Unknown, COMPUTED)
            .with_note(format!("the backend servers are known after apply: {why}")),
    };
    r.depends_on(sg_address)
}

/// Listener settings read straight from annotations: (suffix, Terraform argument, the
/// listener protocols the CCM applies it to; empty = all). Values pass through as written
/// (integers as numbers); ranges are the catalogue's business (reference §2.2).
type Passthrough = (&'static str, &'static str, &'static [&'static str]);

const L7: &[&str] = &["http", "https"];
const L4: &[&str] = &["tcp", "udp"];
const CLB_LISTENER: &[Passthrough] = &[
    ("acl-status", "acl_status", &[]),
    ("acl-id", "acl_ids", &[]),
    ("acl-type", "acl_type", &[]),
    ("sticky-session-type", "sticky_session_type", L7),
    ("cookie", "cookie", L7),
    ("cookie-timeout", "cookie_timeout", L7),
    ("health-check-type", "health_check_type", &["tcp"]),
    ("health-check-uri", "health_check_uri", &[]),
    ("health-check-domain", "health_check_domain", &[]),
    ("health-check-httpcode", "health_check_http_code", &[]),
    ("health-check-method", "health_check_method", L7),
    (
        "health-check-connect-port",
        "health_check_connect_port",
        &[],
    ),
    ("healthy-threshold", "healthy_threshold", &[]),
    ("unhealthy-threshold", "unhealthy_threshold", &[]),
    ("health-check-interval", "health_check_interval", &[]),
    (
        "health-check-connect-timeout",
        "health_check_connect_timeout",
        L4,
    ),
    ("health-check-timeout", "health_check_timeout", L7),
    ("idle-timeout", "idle_timeout", L7),
    ("request-timeout", "request_timeout", L7),
    ("tls-cipher-policy", "tls_cipher_policy", &["https"]),
    ("http2-enabled", "enable_http2", &["https"]),
    ("domain-extensions", "domain_extensions", &["https"]),
    ("proxy-protocol", "proxy_protocol_v2_enabled", L4),
    ("connection-drain", "connection_drain", L4),
    ("connection-drain-timeout", "connection_drain_timeout", L4),
    ("xforwardedfor-proto", "x_forwarded_for_proto", L7),
    ("xforwardedfor-slbport", "x_forwarded_for_slb_port", L7),
    (
        "xforwardedfor-clientsrcport",
        "x_forwarded_for_client_src_port",
        L7,
    ),
];
const NLB_LISTENER: &[Passthrough] = &[
    ("cps", "cps", &[]),
    ("tls-cipher-policy", "security_policy_id", &["TCPSSL"]),
    ("cacert-id", "ca_certificate_ids", &["TCPSSL"]),
    ("cacert", "ca_enabled", &["TCPSSL"]),
    (
        "additional-cert-ids",
        "additional_certificate_ids",
        &["TCPSSL"],
    ),
    ("alpn", "alpn_enabled", &["TCPSSL"]),
    ("alpn-policy", "alpn_policy", &["TCPSSL"]),
];
const NLB_SERVER_GROUP: &[Passthrough] = &[
    ("connection-drain-timeout", "connection_drain_timeout", &[]),
    ("health-check-flag", "health_check_enabled", &[]),
    ("health-check-type", "health_check_type", &[]),
    ("health-check-uri", "health_check_url", &[]),
    ("health-check-domain", "health_check_domain", &[]),
    ("health-check-httpcode", "health_check_http_code", &[]),
    ("health-check-method", "http_check_method", &[]),
    (
        "health-check-connect-port",
        "health_check_connect_port",
        &[],
    ),
    ("healthy-threshold", "healthy_threshold", &[]),
    ("unhealthy-threshold", "unhealthy_threshold", &[]),
    ("health-check-interval", "health_check_interval", &[]),
    (
        "health-check-connect-timeout",
        "health_check_connect_timeout",
        &[],
    ),
];

/// Adds every [`Passthrough`] setting the Service carries and `proto` takes.
fn with_passthrough(
    mut r: Resource,
    s: &ClbService,
    table: &[Passthrough],
    proto: &str,
) -> Resource {
    for (suffix, attr, protos) in table {
        if !protos.is_empty() && !protos.contains(&proto) {
            continue;
        }
        if let Some(v) = s.ann(suffix) {
            let value = match parse_int(v.value, i64::MIN, i64::MAX) {
                Ok(n) => Value::from(n),
                Err(_) => Value::from(v.value),
            };
            r = r.with_attr(*attr, value, IN_PLACE);
        }
    }
    r
}

fn listener(
    cluster: &Cluster,
    s: &ClbService,
    port: &PortIr,
    lb_address: &str,
    sg_address: &str,
) -> Resource {
    let address = format!(
        "listener.{}/{}",
        s.service.address_stem(),
        port.address_suffix()
    );
    let (lb_id, lb_policy) = lb_id_value(s);
    let tuning = IN_PLACE;
    let int = |suffix: &str| {
        s.ann(suffix)
            .and_then(|v| parse_int(v.value, i64::MIN, i64::MAX).ok())
    };
    match s.product {
        Product::Clb => {
            let proto = clb_protocol(s, port);
            let description = named_key(cluster, s, Some(port.number.to_string()), "");
            let mut r = Resource::new(&address, Kind::Listener, ProviderKind::AlibabaClb)
                .with_attr("load_balancer_id", lb_id, lb_policy)
                .with_attr("frontend_port", port.number, REPLACE)
                .with_attr("protocol", proto.as_str(), REPLACE)
                .with_attr("description", description, IN_PLACE)
                .with_attr("server_group_id", Value::Unknown, COMPUTED)
                .with_attr("scheduler", ann_or(s, "scheduler", "rr"), tuning);
            if matches!(proto.as_str(), "tcp" | "udp" | "https") {
                r = r.with_attr("bandwidth", -1i64, tuning);
            }
            if matches!(proto.as_str(), "http" | "https") {
                r = r
                    .with_attr(
                        "health_check",
                        ann_or(s, "health-check-flag", "off"),
                        tuning,
                    )
                    .with_attr("sticky_session", ann_or(s, "sticky-session", "off"), tuning);
            } else if let Some(v) = s.ann("health-check-switch") {
                r = r.with_attr("health_check", v.value, tuning);
            }
            if proto == "https" {
                r = r.with_attr(
                    "server_certificate_id",
                    s.ann("cert-id")
                        .map_or(Value::Unknown, |v| Value::from(v.value)),
                    tuning,
                );
            }
            if proto == "http"
                && let Some(to) = forward_target(s, port.number)
            {
                // Reference §8 case 8: the HTTP listener redirects to its HTTPS target and
                // is created after it.
                r = r.with_attr("listener_forward", "on", REPLACE).with_attr(
                    "forward_port",
                    to,
                    REPLACE,
                );
                if let Some(target) = s.service.ports.iter().find(|p| p.number == to) {
                    r = r.depends_on(format!(
                        "listener.{}/{}",
                        s.service.address_stem(),
                        target.address_suffix()
                    ));
                }
            }
            if proto == "tcp" {
                for (suffix, attr) in [
                    ("persistence-timeout", "persistence_timeout"),
                    ("established-timeout", "established_timeout"),
                ] {
                    if let Some(n) = int(suffix) {
                        r = r.with_attr(attr, n, tuning);
                    }
                }
            }
            with_passthrough(r, s, CLB_LISTENER, &proto)
                .depends_on(lb_address)
                .depends_on(sg_address)
        }
        Product::Nlb => {
            let proto = nlb_protocol(s, port);
            let description = named_key(cluster, s, Some(port.number.to_string()), &proto);
            let mut r = Resource::new(&address, Kind::Listener, ProviderKind::AlibabaNlb)
                .with_attr("load_balancer_id", lb_id, lb_policy)
                .with_attr("listener_port", port.number, REPLACE)
                .with_attr("listener_protocol", proto.as_str(), REPLACE)
                .with_attr("listener_description", description, IN_PLACE)
                .with_attr("server_group_id", Value::Unknown, COMPUTED);
            if proto == "TCPSSL" {
                r = r.with_attr(
                    "certificate_ids",
                    s.ann("cert-id")
                        .map_or(Value::Unknown, |v| Value::from(v.value)),
                    tuning,
                );
            }
            if let Some(n) = int("idle-timeout") {
                r = r.with_attr("idle_timeout", n, tuning);
            }
            if let Some(v) = s.ann("proxy-protocol") {
                r = r.with_attr("proxy_protocol_enabled", v.value == "on", tuning);
            }
            with_passthrough(r, s, NLB_LISTENER, &proto)
                .depends_on(lb_address)
                .depends_on(sg_address)
        }
    }
}
