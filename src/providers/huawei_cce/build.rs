//! The CCE model builder: one LoadBalancer Service → ELB (auto-created or the user's),
//! EIP and its binding when public, and per Service port a listener, a pool, a health
//! monitor and the pool's members (SPEC §5, reference §1.4, seed 003).
//!
//! Addresses are `cce_<kind>.<namespace>/<service>[/<proto>-<port>]`: built from names the
//! user wrote, never from cloud ids, so a later run pairs with the state an earlier one
//! planned. Attribute names follow the Terraform resources CCE's objects correspond to:
//! `huaweicloud_lb_*` for shared (`union`) ELBs and `huaweicloud_elb_*` for dedicated
//! (`performance`) ones (reference §2.2, "field-name traps").
//!
//! Lifecycle: the autocreate recipe is immutable once the ELB exists (reference §1.1), so
//! ELB and EIP attributes are `NotAppliedByController`; pool algorithm, persistence and
//! monitor settings are updated in place; a listener's protocol or port forces a new one.
//! An existing ELB (`elb.id`) is the user's: it is used, never created or deleted.

use std::collections::{BTreeMap, HashMap};

use crate::annotations::grammar::cce::{ElbAutocreate, HealthProtocol};
use crate::diag::Diagnostics;
use crate::ir::{Cluster, Obj, PortIr, Protocol, Route, ServiceIr, TrafficPolicy};
use crate::manifest::decode::{IntOrString, StringMap};
use crate::manifest::workload::{Pod, WorkloadKind};
use crate::model::{DeletePolicy, Kind, Owner, ProviderKind, Resource, UpdatePolicy, Value};
use crate::providers::planner::{Built, IngressSource};
use crate::source::Span;
use crate::topology::{EXCLUDE_FROM_LB_LABEL, NO_NODES, Resolved, SCHEDULER_DECIDES};

use super::settings::{
    CceSettings, ClusterFacts, ElbClass, default_monitor_protocol, is_healthz, listener_ports,
    monitor_protocol_str, name_span,
};

const P: ProviderKind = ProviderKind::HuaweiElb;

/// Controller defaults of `elb.health-check-option` (seed 003 table 3).
pub const DEFAULT_DELAY: u32 = 5;
pub const DEFAULT_TIMEOUT: u32 = 10;
pub const DEFAULT_MAX_RETRIES: u32 = 3;

/// Builds the resources of every Service routed to CCE.
pub fn build(resolved: &[Resolved], _diags: &mut Diagnostics) -> Built {
    let mut out = Built::default();
    for r in resolved {
        let facts = ClusterFacts::of(&r.cluster);
        let pods = PodIndex::new(&r.cluster);
        for service in &r.cluster.services {
            if matches!(service.route, Route::Cce { .. }) {
                build_service(&r.cluster, &pods, &facts, service, &mut out);
            }
        }
    }
    out
}

/// The cluster's Pods by (namespace, label key, label value), built once per cluster so
/// that finding a Service's pods costs its shortest selector posting, not every pod.
pub struct PodIndex<'m> {
    by_label: HashMap<(&'m str, &'m str, &'m str), Vec<usize>>,
}

impl<'m> PodIndex<'m> {
    pub fn new(cluster: &Cluster<'m>) -> Self {
        let mut by_label: HashMap<(&'m str, &'m str, &'m str), Vec<usize>> = HashMap::new();
        for (i, p) in cluster.pods.iter().enumerate() {
            for e in p.labels().values() {
                by_label
                    .entry((p.namespace(), e.key.value.as_str(), e.value.value.as_str()))
                    .or_default()
                    .push(i);
            }
        }
        PodIndex { by_label }
    }

    /// Indices (ascending) of the pods in `namespace` that may match `selector`: the
    /// shortest posting of its pairs; empty for an empty selector (selects nothing).
    fn candidates<'s>(&'s self, namespace: &'s str, selector: &'s StringMap) -> &'s [usize] {
        selector
            .values()
            .map(|e| {
                self.by_label
                    .get(&(namespace, e.key.value.as_str(), e.value.value.as_str()))
                    .map_or(&[][..], Vec::as_slice)
            })
            .min_by_key(|l| l.len())
            .unwrap_or(&[])
    }
}

/// The default ELB name: `cce-lb-<Service UID>` (reference §1.2: the docs write
/// "cce-lb+service.UID", the controller code inserts a hyphen).
pub fn default_elb_name(service: &ServiceIr) -> Option<String> {
    service
        .obj
        .manifest
        .meta
        .uid
        .as_ref()
        .map(|u| format!("cce-lb-{}", u.value))
}

/// The listener name the controller gives port `port` (reference §1.4): `k8s_TCP_80`.
pub fn listener_name(port: &PortIr) -> String {
    format!("k8s_{}_{}", port.protocol.value.as_str(), port.number)
}

/// The pool name (reference §1.4, `GetPoolNameV1`): namespace and name cut to 64
/// characters each, then `-<port>_<PROTO>-<port>`.
pub fn pool_name(service: &ServiceIr, port: &PortIr) -> String {
    let cut = |s: &str| s.chars().take(64).collect::<String>();
    format!(
        "k8s_{}_{}-{}_{}-{}",
        cut(service.namespace()),
        cut(service.name()),
        port.number,
        port.protocol.value.as_str(),
        port.number
    )
}

fn build_service(
    cluster: &Cluster,
    pods: &PodIndex,
    facts: &ClusterFacts,
    service: &ServiceIr,
    out: &mut Built,
) {
    let s = CceSettings::of(service);
    let stem = service.address_stem();
    let svc_span = name_span(service.obj.manifest);
    let origin = |r: Resource| unknowns_are_computed(r.with_provenance(svc_span));
    let (parent, lb_id) = front_end(service, &s, &stem, origin, out);
    let healthz = service.ports.iter().find(|p| is_healthz(p));
    let members = members(cluster, pods, facts, service, &s);
    let per_port = PerPort {
        service,
        s: &s,
        facts,
        stem: &stem,
        parent: &parent,
        lb_id: &lb_id,
        healthz,
        members: &members,
    };
    for port in listener_ports(service) {
        for r in per_port.resources(port) {
            out.resources.push(origin(r));
        }
    }
}

/// The ELB, and for a public auto-created one its EIP and binding; records where the
/// Service's address comes from. Returns the address listeners hang off and the
/// `loadbalancer_id` they reference.
fn front_end(
    service: &ServiceIr,
    s: &CceSettings,
    stem: &str,
    origin: impl Fn(Resource) -> Resource,
    out: &mut Built,
) -> (String, Value) {
    let elb_address = format!("cce_elb.{stem}");
    let persist = persisted(service).filter(|_| s.elb_id.is_none());
    let keep = |r: Resource| match &persist {
        Some(p) => r.with_delete_policy(p.clone()),
        None => r,
    };
    let (elb, lb_id) = load_balancer(service, s, &elb_address);
    out.resources.push(keep(origin(elb)));
    let mut parent = elb_address.clone();
    let mut eip_address = None;
    if s.elb_id.is_none()
        && let Some(auto) = s.autocreate.as_ref().filter(|a| a.is_public())
    {
        let (eip, binding) = eip_and_binding(stem, auto, &elb_address);
        let with_span = |r: Resource| match s.autocreate_entry {
            Some(e) => r.with_provenance(e.value.span),
            None => r,
        };
        eip_address = Some(eip.address.clone());
        parent = binding.address.clone();
        out.resources.push(keep(with_span(origin(eip))));
        out.resources.push(keep(with_span(origin(binding))));
    }
    // The EXTERNAL-IP column reads the `address` of `load_balancer`: Terraform's
    // `huaweicloud_vpc_eip` exports the EIP's address as `address` (not `ip_address`), so a
    // public Service names its EIP there. The ELB's own VIP is `vip_address` /
    // `ipv4_address`, which stays "known after apply" in that column.
    out.ingress.push(IngressSource {
        service: stem.to_string(),
        eip: None,
        load_balancer: eip_address.unwrap_or(elb_address),
    });
    (parent, lb_id)
}

/// What every port's listener, pool, monitor and members share.
struct PerPort<'a, 'm> {
    service: &'a ServiceIr<'m>,
    s: &'a CceSettings<'m>,
    facts: &'a ClusterFacts,
    stem: &'a str,
    /// The ELB, or the EIP binding of a public one.
    parent: &'a str,
    lb_id: &'a Value,
    healthz: Option<&'a PortIr<'m>>,
    members: &'a Placement<'m>,
}

impl PerPort<'_, '_> {
    /// Listener, pool, monitor (when the health check is on) and members of `port`.
    /// Deletion runs against the dependencies: members, then the monitor, then the pool,
    /// then the listener (reference §1.4 `EnsureLoadBalancerDeleted`). Listeners on the
    /// user's ELB are deleted too; only the ELB itself is kept.
    fn resources(&self, port: &PortIr) -> Vec<Resource> {
        let (stem, s) = (self.stem, self.s);
        let suffix = port.address_suffix();
        let listener_address = format!("cce_listener.{stem}/{suffix}");
        let pool_address = format!("cce_pool.{stem}/{suffix}");
        let mut out = vec![
            listener(s, port, self.lb_id, &listener_address).depends_on(self.parent),
            pool(self.service, s, port, &pool_address).depends_on(&listener_address),
        ];
        let mut members = member_list(
            self.members,
            port,
            s,
            self.facts,
            &format!("cce_members.{stem}/{suffix}"),
        )
        .depends_on(&pool_address);
        if s.health_check {
            let monitor_address = format!("cce_monitor.{stem}/{suffix}");
            members = members.depends_on(&monitor_address);
            let hm = monitor(self.service, s, port, self.healthz, &monitor_address)
                .depends_on(&pool_address);
            out.push(match s.health_entry {
                Some(e) => hm.with_provenance(e.value.span),
                None => hm,
            });
        }
        if let Placement::Unknown {
            workload: Some(w), ..
        } = self.members
        {
            members = members.with_provenance(*w);
        }
        out.push(members);
        out
    }
}

/// A value only the cloud or the API server will fill in (the cluster subnet, a NodePort
/// not written, a UID) cannot be compared with the value a state recorded: such
/// attributes are `Computed`, so that a plan against an applied state shows no change for
/// them.
fn unknowns_are_computed(mut r: Resource) -> Resource {
    for a in r.attrs.values_mut() {
        if a.value.contains_unknown() {
            a.policy = UpdatePolicy::Computed;
        }
    }
    r
}

/// `kubernetes.io/elb.persist-autocreate: "true"`: the (old open-source) controller keeps
/// the auto-created ELB and its EIP when the Service is deleted (reference §1.4).
fn persisted(service: &ServiceIr) -> Option<DeletePolicy> {
    let v = service
        .obj
        .manifest
        .meta
        .annotation(elb!("persist-autocreate"))?;
    (v == "true").then(|| DeletePolicy::Retain {
        reason: "`kubernetes.io/elb.persist-autocreate: \"true\"`: the controller keeps the \
                 auto-created ELB and its EIP when the Service is deleted; manual cleanup required"
            .to_string(),
    })
}

/// The ELB: the user's (`elb.id`) or the one CCE creates from `elb.autocreate`. Returns
/// it and the value listeners use as `loadbalancer_id`.
fn load_balancer(service: &ServiceIr, s: &CceSettings, address: &str) -> (Resource, Value) {
    let na = UpdatePolicy::NotAppliedByController;
    if let Some(id) = s.elb_id {
        let mut r = Resource::new(address, Kind::LoadBalancer, P)
            .with_owner(Owner::User)
            .with_attr("id", id.value.value.as_str(), na)
            .with_attr("class", s.class.as_str(), na)
            .with_attr("vip_address", Value::Unknown, UpdatePolicy::Computed)
            .with_delete_policy(DeletePolicy::Retain {
                reason: "existing ELB named by `kubernetes.io/elb.id`: CCE never deletes it"
                    .to_string(),
            })
            .with_provenance(id.value.span);
        if s.auto_created() {
            r = r.with_note(
                "`elb.autocreate` is also set: CCE would treat this existing ELB as auto-created \
                 and delete it with the Service (reference §1.1)",
            );
        }
        return (r, Value::from(id.value.value.as_str()));
    }
    let auto = s.autocreate.clone().unwrap_or_default();
    let name = auto
        .name
        .as_ref()
        .map(|n| n.value.clone())
        .or_else(|| default_elb_name(service));
    let mut r = Resource::new(address, Kind::LoadBalancer, P);
    if let Some(n) = &name {
        r = r.with_name(n);
    } else {
        r = r.with_note(
            "named `cce-lb-<Service UID>`: the UID is assigned when the Service is created",
        );
    }
    let text = |v: Option<&str>| v.map_or(Value::Unknown, Value::from);
    r = r
        .with_attr("name", text(name.as_deref()), na)
        .with_attr("class", s.class.as_str(), na);
    let subnet = text(auto.vip_subnet_cidr_id.as_ref().map(|v| v.value.as_str()));
    let vip = auto.vip_address.as_ref().map(|v| v.value.to_string());
    match s.class {
        ElbClass::Union => {
            r = r.with_attr("vip_subnet_id", subnet, na);
            if let Some(v) = vip {
                r = r.with_attr("vip_address", v, na);
            } else {
                r = r.with_attr("vip_address", Value::Unknown, UpdatePolicy::Computed);
            }
        }
        ElbClass::Performance => {
            let list = |v: &[crate::annotations::grammar::Located<String>]| {
                Value::list(v.iter().map(|z| Value::from(z.value.as_str())).collect())
            };
            r = r
                .with_attr("availability_zone", list(&auto.available_zone), na)
                .with_attr("ipv4_subnet_id", subnet, na);
            if !auto.elb_virsubnet_ids.is_empty() {
                r = r.with_attr("backend_subnets", list(&auto.elb_virsubnet_ids), na);
            }
            if let Some(v) = &auto.ipv6_vip_virsubnet_id {
                r = r.with_attr("ipv6_network_id", v.value.as_str(), na);
            }
            for (key, v) in [
                ("l4_flavor_name", &auto.l4_flavor_name),
                ("l7_flavor_name", &auto.l7_flavor_name),
            ] {
                if let Some(v) = v {
                    r = r.with_attr(key, v.value.as_str(), na);
                }
            }
            if let Some(v) = vip {
                r = r.with_attr("ipv4_address", v, na);
            } else {
                r = r.with_attr("ipv4_address", Value::Unknown, UpdatePolicy::Computed);
            }
        }
    }
    let meta = &service.obj.manifest.meta;
    if let Some(eps) = meta.annotation(elb!("enterpriseID")) {
        r = r.with_attr("enterprise_project_id", eps, na);
    }
    if let Some(tags) = meta.annotation(elb!("tags")) {
        r = r.with_attr("tags", tags, na);
    }
    r = r.with_attr("id", Value::Unknown, UpdatePolicy::Computed);
    if let Some(e) = s.autocreate_entry {
        r = r.with_provenance(e.value.span);
    }
    (r, Value::Unknown)
}

/// The EIP CCE creates for `"type": "public"` and its binding to the ELB's VIP port
/// (Terraform `huaweicloud_vpc_eip` + `huaweicloud_vpc_eip_associate`).
fn eip_and_binding(stem: &str, auto: &ElbAutocreate, elb: &str) -> (Resource, Resource) {
    let na = UpdatePolicy::NotAppliedByController;
    let eip_address = format!("cce_eip.{stem}");
    let text = |v: Option<&str>| v.map_or(Value::Unknown, Value::from);
    let bandwidth = Value::map([
        (
            "name",
            text(auto.bandwidth_name.as_ref().map(|b| b.value.as_str())),
        ),
        (
            "size",
            auto.bandwidth_size
                .as_ref()
                .map_or(Value::Unknown, |b| Value::from(b.value)),
        ),
        (
            "share_type",
            Value::from(auto.bandwidth_sharetype.as_ref().map_or("PER", |b| b.value)),
        ),
        (
            "charge_mode",
            Value::from(
                auto.bandwidth_chargemode
                    .as_ref()
                    .map_or("bandwidth", |b| b.value),
            ),
        ),
    ]);
    let eip = Resource::new(&eip_address, Kind::Eip, P)
        .with_attr(
            "publicip",
            Value::map([(
                "type",
                text(auto.eip_type.as_ref().map(|e| e.value.as_str())),
            )]),
            na,
        )
        .with_attr("bandwidth", bandwidth, na)
        .with_attr("id", Value::Unknown, UpdatePolicy::Computed)
        .with_attr("address", Value::Unknown, UpdatePolicy::Computed)
        .depends_on(elb);
    let binding = Resource::new(format!("cce_eip_binding.{stem}"), Kind::EipBinding, P)
        .with_attr(
            "public_ip",
            eip_address.as_str(),
            UpdatePolicy::ForcesReplacement,
        )
        .with_attr("port_id", elb, UpdatePolicy::ForcesReplacement)
        .depends_on(elb)
        .depends_on(&eip_address);
    (eip, binding)
}

/// The listener protocol: the port's (TCP/UDP), or the L7 protocol `elb.protocol-port`
/// gives it. A shared ELB calls HTTPS `TERMINATED_HTTPS` (reference §2.2).
fn listener_protocol(s: &CceSettings, port: &PortIr) -> &'static str {
    match (s.l7_protocol(port.number), s.class) {
        (Some("http"), _) => "HTTP",
        (Some("https"), ElbClass::Union) => "TERMINATED_HTTPS",
        (Some("https"), ElbClass::Performance) => "HTTPS",
        (Some(_), _) => "TLS",
        (None, _) => port.protocol.value.as_str(),
    }
}

fn listener(s: &CceSettings, port: &PortIr, lb_id: &Value, address: &str) -> Resource {
    let fr = UpdatePolicy::ForcesReplacement;
    let protocol = listener_protocol(s, port);
    let id_policy = if *lb_id == Value::Unknown {
        UpdatePolicy::Computed
    } else {
        fr
    };
    let mut r = Resource::new(address, Kind::Listener, P)
        .with_provenance(port.port.span)
        .with_name(listener_name(port))
        .with_attr("name", listener_name(port), UpdatePolicy::InPlace)
        .with_attr("protocol", protocol, fr)
        .with_attr("protocol_port", port.number, fr)
        .with_attr("loadbalancer_id", lb_id.clone(), id_policy);
    if matches!(protocol, "HTTPS" | "TERMINATED_HTTPS" | "TLS")
        && let Some(cert) = s.cert_id
    {
        let key = match s.class {
            ElbClass::Union => "default_tls_container_ref",
            ElbClass::Performance => "server_certificate",
        };
        r = r
            .with_attr(key, cert.value.value.as_str(), UpdatePolicy::InPlace)
            .with_provenance(cert.value.span);
    }
    if let Some(e) = s
        .protocol_port_entry
        .filter(|_| s.l7_protocol(port.number).is_some())
    {
        r = r.with_provenance(e.value.span);
    }
    r.with_attr("id", Value::Unknown, UpdatePolicy::Computed)
}

fn pool(service: &ServiceIr, s: &CceSettings, port: &PortIr, address: &str) -> Resource {
    // An L7 listener forwards HTTP to its pool (HTTPS is terminated at the ELB).
    let protocol = match s.l7_protocol(port.number) {
        Some("http" | "https") => "HTTP",
        _ => port.protocol.value.as_str(),
    };
    let mut r = Resource::new(address, Kind::ServerGroup, P)
        .with_provenance(port.port.span)
        .with_name(pool_name(service, port))
        .with_attr("name", pool_name(service, port), UpdatePolicy::InPlace)
        .with_attr("protocol", protocol, UpdatePolicy::ForcesReplacement)
        .with_attr("lb_method", s.algorithm, UpdatePolicy::InPlace);
    if let Some(e) = s.algorithm_entry {
        r = r.with_provenance(e.value.span);
    }
    if let Some(sticky) = s.sticky {
        r = r
            .with_attr(
                "persistence",
                Value::map([
                    ("type", Value::from("SOURCE_IP")),
                    ("timeout", Value::from(i64::from(s.persistence_timeout))),
                ]),
                UpdatePolicy::InPlace,
            )
            .with_provenance(sticky.value.span);
    }
    // Seed 003: "After a Service is created, if the affinity setting is switched from the
    // cluster level to the node level, the connection tracing table will not be cleared
    // … If you need to modify it, create a Service again." A change is therefore
    // reported as not applied, with "recreate the Service" as the way out.
    let policy = match service.traffic_policy.value {
        TrafficPolicy::Cluster => "Cluster",
        TrafficPolicy::Local => "Local",
    };
    r.with_attr(
        "external_traffic_policy",
        policy,
        UpdatePolicy::NotAppliedByController,
    )
    .with_attr("listener_id", Value::Unknown, UpdatePolicy::Computed)
    .with_attr("id", Value::Unknown, UpdatePolicy::Computed)
}

fn monitor(
    service: &ServiceIr,
    s: &CceSettings,
    port: &PortIr,
    healthz: Option<&PortIr>,
    address: &str,
) -> Resource {
    let hc = s.health_for(port);
    // Reference §1.3: a per-port entry defaults to its port's protocol; the single
    // option to the protocol of `spec.ports[0]`.
    let protocol = hc
        .and_then(|h| h.protocol.as_ref().map(|p| p.value))
        .unwrap_or_else(|| match hc.and_then(|h| h.target_service_port.as_ref()) {
            Some(_) if port.protocol.value == Protocol::Udp => HealthProtocol::UdpConnect,
            Some(_) => HealthProtocol::Tcp,
            None => default_monitor_protocol(service),
        });
    let num = |v: Option<u32>, d: u32| Value::from(i64::from(v.unwrap_or(d)));
    let delay = num(
        hc.and_then(|h| h.delay.as_ref().map(|v| v.value)),
        DEFAULT_DELAY,
    );
    let timeout = num(
        hc.and_then(|h| h.timeout.as_ref().map(|v| v.value)),
        DEFAULT_TIMEOUT,
    );
    let retries = num(
        hc.and_then(|h| h.max_retries.as_ref().map(|v| v.value)),
        DEFAULT_MAX_RETRIES,
    );
    let ip = UpdatePolicy::InPlace;
    let (type_key, delay_key) = match s.class {
        ElbClass::Union => ("type", "delay"),
        ElbClass::Performance => ("protocol", "interval"),
    };
    let mut r = Resource::new(address, Kind::HealthMonitor, P)
        .with_attr(type_key, monitor_protocol_str(protocol), ip)
        .with_attr(delay_key, delay, ip)
        .with_attr("timeout", timeout, ip)
        .with_attr("max_retries", retries, ip);
    if protocol == HealthProtocol::Http {
        let path = hc
            .and_then(|h| h.path.as_ref().map(|p| p.value.as_str()))
            .unwrap_or("/");
        r = r.with_attr("url_path", path, ip);
    }
    // The port checked: a per-port `monitor_port`, else the `cce-healthz` port's NodePort
    // (reference §1.1), else the member port itself (no attribute).
    let monitor_port = hc
        .and_then(|h| {
            h.monitor_port
                .as_ref()
                .map(|p| Value::from(i64::from(p.value)))
        })
        .or_else(|| healthz.map(|h| h.node_port.map_or(Value::Unknown, Value::from)));
    if let Some(p) = monitor_port {
        r = r.with_attr("port", p, ip);
    }
    r.with_attr("pool_id", Value::Unknown, UpdatePolicy::Computed)
        .with_attr("id", Value::Unknown, UpdatePolicy::Computed)
}

/// Why members are unknown when the input has neither Pods nor a workload for the Service.
pub const NO_BACKENDS_GIVEN: &str =
    "the input has no Pods and no workload matching the Service's selector";

/// One backend host: a node (address = node IP) or, in CCE Turbo, a pod (pod IP).
#[derive(Debug, Clone)]
pub struct Host<'m> {
    /// Node name, or `<pod>` in CCE Turbo.
    pub name: &'m str,
    pub address: Option<&'m str>,
    /// Ready backend pods on the host.
    pub pods: u32,
    /// Whether the backend pods use the host network.
    pub host_network: bool,
    /// The pod, when members are pods (CCE Turbo).
    pub pod: Option<Obj<'m, Pod>>,
}

/// The members of a Service's pools.
#[derive(Debug, Clone)]
pub enum Placement<'m> {
    /// Exactly these hosts, sorted by name (possibly none: "have no node to bind").
    Known(Vec<Host<'m>>),
    /// Decided only when the cluster runs the manifests.
    Unknown {
        reason: &'static str,
        workload: Option<Span>,
    },
}

/// Reference §1.4 "Members": one member per node running a ready, non-terminating backend
/// pod (whatever the traffic policy); in CCE Turbo one member per pod (ENI). Without
/// Pods in the input, DaemonSets place one pod on every matching node; a Deployment's
/// placement is up to the scheduler.
pub fn members<'m>(
    cluster: &Cluster<'m>,
    index: &PodIndex<'m>,
    facts: &ClusterFacts,
    service: &ServiceIr<'m>,
    s: &CceSettings,
) -> Placement<'m> {
    let pod_members = pods_are_members(facts, s);
    let selector = &service.obj.object.selector;
    let selects = |labels: &StringMap| {
        !selector.is_empty()
            && selector.values().all(|e| {
                labels
                    .get(&e.key.value)
                    .is_some_and(|v| v.value.value == e.value.value)
            })
    };
    let node_ip = |name: &str| -> Option<&'m str> {
        cluster
            .nodes
            .binary_search_by(|n| n.name().cmp(name))
            .ok()
            .and_then(|i| cluster.nodes[i].internal_ip())
            .map(|a| a.value.as_str())
    };
    if !cluster.pods.is_empty() {
        let mut hosts: BTreeMap<&'m str, Host<'m>> = BTreeMap::new();
        for &i in index.candidates(service.namespace(), selector) {
            let pod = &cluster.pods[i];
            if !selects(pod.labels()) || !serving(pod) {
                continue;
            }
            let Some(node) = pod.object.node_name() else {
                continue;
            };
            let host_network = pod.object.spec.uses_host_network();
            if pod_members && !host_network {
                hosts.insert(
                    pod.name(),
                    Host {
                        name: pod.name(),
                        address: pod.object.pod_ip.as_ref().map(|a| a.value.as_str()),
                        pods: 1,
                        host_network,
                        pod: Some(*pod),
                    },
                );
                continue;
            }
            let address = node_ip(node).or(pod.object.host_ip.as_ref().map(|a| a.value.as_str()));
            let h = hosts.entry(node).or_insert(Host {
                name: node,
                address,
                pods: 0,
                host_network,
                pod: Some(*pod),
            });
            h.pods += 1;
        }
        return Placement::Known(hosts.into_values().collect());
    }
    let mut hosts = Vec::new();
    let mut workloads = 0;
    for w in &cluster.workloads {
        if w.namespace() != service.namespace() || !selects(w.object.pod_labels()) {
            continue;
        }
        workloads += 1;
        match w.object.kind {
            WorkloadKind::Deployment | WorkloadKind::StatefulSet => {
                return Placement::Unknown {
                    reason: SCHEDULER_DECIDES,
                    workload: Some(w.manifest.span),
                };
            }
            WorkloadKind::DaemonSet => {
                if cluster.nodes.is_empty() {
                    return Placement::Unknown {
                        reason: NO_NODES,
                        workload: Some(w.manifest.span),
                    };
                }
                for n in &cluster.nodes {
                    let fits = w.object.pod.node_selector.values().all(|e| {
                        n.labels()
                            .get(&e.key.value)
                            .is_some_and(|v| v.value.value == e.value.value)
                    });
                    if fits && n.is_ready() && !n.labels().contains_key(EXCLUDE_FROM_LB_LABEL) {
                        hosts.push(Host {
                            name: n.name(),
                            address: n.internal_ip().map(|a| a.value.as_str()),
                            pods: 1,
                            host_network: w.object.pod.uses_host_network(),
                            pod: None,
                        });
                    }
                }
            }
        }
    }
    if workloads == 0 {
        return Placement::Unknown {
            reason: NO_BACKENDS_GIVEN,
            workload: None,
        };
    }
    hosts.sort_by(|a, b| a.name.cmp(b.name));
    hosts.dedup_by(|b, a| a.name == b.name);
    Placement::Known(hosts)
}

/// Seed 003 "ELB Forwarding": in CCE Turbo with a dedicated ELB, pods on ENIs are the
/// members (pod IP + container port); shared ELBs reach them through node ports (seed
/// 003 "Notes and Constraints": the node-port limit applies to shared ELBs in Turbo).
fn pods_are_members(facts: &ClusterFacts, s: &CceSettings) -> bool {
    facts.is_turbo() && s.class == ElbClass::Performance
}

/// The controller's member filter: has a host, not Succeeded/Failed, not terminating,
/// Ready (reference §1.4 `generateMembers`).
fn serving(pod: &Obj<Pod>) -> bool {
    let finished = pod
        .object
        .phase
        .as_ref()
        .is_some_and(|p| matches!(p.value.as_str(), "Succeeded" | "Failed"));
    !finished && pod.manifest.meta.deletion_timestamp.is_none() && pod.object.is_ready()
}

/// The member port: the NodePort, or the container port when the pods use the host
/// network and `hws-hostNetwork` is set, or in CCE Turbo (reference §1.4).
fn member_port(port: &PortIr, host: &Host, s: &CceSettings, facts: &ClusterFacts) -> Value {
    let direct =
        (s.host_network && host.host_network) || (pods_are_members(facts, s) && !host.host_network);
    if !direct {
        return port.node_port.map_or(Value::Unknown, Value::from);
    }
    match port.port.target_port.as_ref().map(|t| &t.value) {
        Some(IntOrString::Int(n)) => Value::from(*n),
        Some(IntOrString::Str(name)) => host
            .pod
            .and_then(|p| p.object.spec.port_named(name))
            .and_then(|c| c.container_port.as_ref().map(|n| Value::from(n.value)))
            .unwrap_or(Value::Unknown),
        None => Value::from(port.number),
    }
}

fn member_list(
    placement: &Placement,
    port: &PortIr,
    s: &CceSettings,
    facts: &ClusterFacts,
    address: &str,
) -> Resource {
    let r = Resource::new(address, Kind::Backend, P);
    let r = match placement {
        Placement::Known(hosts) => {
            let members = hosts
                .iter()
                .map(|h| {
                    let mut fields = vec![
                        ("name", Value::from(h.name)),
                        ("address", h.address.map_or(Value::Unknown, Value::from)),
                        ("protocol_port", member_port(port, h, s, facts)),
                    ];
                    if s.adaptive_weight.is_some() {
                        fields.push(("weight", Value::from(i64::from(h.pods))));
                    }
                    Value::map(fields)
                })
                .collect();
            r.with_attr("members", Value::list(members), UpdatePolicy::InPlace)
        }
        Placement::Unknown { reason, .. } => r
            .with_attr("members", Value::Unknown, UpdatePolicy::Computed)
            .with_note(format!("the members are known after apply: {reason}")),
    };
    r.with_attr("pool_id", Value::Unknown, UpdatePolicy::Computed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile;

    fn resolved_names(text: &str) -> Vec<(String, Option<String>)> {
        let run = compile::graph_text("t.yaml", text);
        run.model
            .iter()
            .map(|r| (r.address.clone(), r.name.clone()))
            .collect()
    }

    const PROFILE: &str = "apiVersion: lbplan/v1\nkind: ClusterProfile\nmetadata: {name: p}\nspec: {cloud: huawei, kubernetesVersion: \"1.28\"}\n---\n";

    /// Reference §1.2 / §1.8: the docs say "cce-lb+service.UID", the code `cce-lb-<uid>`;
    /// reference §1.4: listener `k8s_<PROTO>_<port>`, pool `k8s_<ns>_<name>-<port>_<PROTO>-<port>`.
    #[test]
    fn names_follow_the_controller() {
        let text = format!(
            "{PROFILE}apiVersion: v1\nkind: Service\nmetadata: {{name: web, namespace: shop, uid: u-1, annotations: {{kubernetes.io/elb.autocreate: '{{\"type\":\"inner\"}}'}}}}\nspec: {{type: LoadBalancer, selector: {{app: w}}, ports: [{{port: 53, protocol: UDP}}]}}\n"
        );
        let names = resolved_names(&text);
        let name = |a: &str| {
            names
                .iter()
                .find(|(x, _)| x == a)
                .and_then(|(_, n)| n.clone())
        };
        assert_eq!(name("cce_elb.shop/web").as_deref(), Some("cce-lb-u-1"));
        assert_eq!(
            name("cce_listener.shop/web/udp-53").as_deref(),
            Some("k8s_UDP_53")
        );
        assert_eq!(
            name("cce_pool.shop/web/udp-53").as_deref(),
            Some("k8s_shop_web-53_UDP-53")
        );
        // An inner ELB has no EIP.
        assert!(names.iter().all(|(a, _)| !a.contains("eip")));
    }

    /// Without a UID the name is known after apply; an autocreate `name` wins.
    #[test]
    fn name_from_the_recipe_or_unknown() {
        let svc = |ann: &str| {
            format!(
                "{PROFILE}apiVersion: v1\nkind: Service\nmetadata: {{name: web, annotations: {{kubernetes.io/elb.autocreate: '{ann}'}}}}\nspec: {{type: LoadBalancer, ports: [{{port: 80}}]}}\n"
            )
        };
        let run = compile::graph_text("t.yaml", &svc("{\"name\":\"james\"}"));
        let elb = run.model.iter().find(|r| r.kind == Kind::LoadBalancer);
        assert_eq!(elb.and_then(|r| r.name.as_deref()), Some("james"));
        let run = compile::graph_text("t.yaml", &svc("{}"));
        let elb = run.model.iter().find(|r| r.kind == Kind::LoadBalancer);
        assert_eq!(elb.and_then(|r| r.name.as_deref()), None);
        assert_eq!(
            elb.and_then(|r| r.attrs.get("name")).map(|a| &a.value),
            Some(&Value::Unknown)
        );
    }

    /// Reference §1.4: `persist-autocreate` keeps the auto-created ELB on delete.
    #[test]
    fn persist_autocreate_retains_the_elb() {
        let text = format!(
            "{PROFILE}apiVersion: v1\nkind: Service\nmetadata: {{name: web, annotations: {{kubernetes.io/elb.autocreate: '{{}}', kubernetes.io/elb.persist-autocreate: \"true\"}}}}\nspec: {{type: LoadBalancer, ports: [{{port: 80}}]}}\n"
        );
        let run = compile::graph_text("t.yaml", &text);
        let elb = run.model.iter().find(|r| r.kind == Kind::LoadBalancer);
        assert!(matches!(
            elb.map(|r| &r.delete_policy),
            Some(DeletePolicy::Retain { .. })
        ));
    }
}
