//! The ECM ELB model builder: one (Service, NodePool) match → PoolService, ELB, EIP,
//! binding, listeners, server group and backends (SPEC §3, reference §6).
//!
//! Addresses are built from names the user wrote (namespace, Service, pool, node, Service
//! port), never from cloud ids or input order, so a later run with a live snapshot pairs
//! with the state an earlier run planned. Every attribute carries the update policy of the
//! seed 000 "ELB update policy" table: ELB and most EIP attributes are set at creation only
//! (`NotAppliedByController`), EIP bandwidth is `InPlace`, listener port and protocol force
//! a replacement (ECM diffs listeners by `proto:port`), and listener tuning is applied to
//! existing listeners only with `force-override-listeners` (reference §6.4).

use super::causes::{selector, selects};
use crate::annotations::grammar::lists::{parse_backend_weights, parse_proto_ports};
use crate::annotations::grammar::scalar::parse_int;
use crate::concat::{concat, concat_int};
use crate::diag::Diagnostics;
use crate::ir::Obj;
use crate::ir::{
    Cluster, EffectiveAnnotations, EffectiveValue, LbClass, Protocol, Route, ServiceIr,
};
use crate::manifest::nodepool::{self, NodePool};
use crate::manifest::poolservice::LOADBALANCER_ID_ANNOTATION;
use crate::model::{
    DeletePolicy, Key, Kind, OrderedMap, Owner, ProviderKind, Resource, UpdatePolicy, Value,
};
pub use crate::providers::planner::KNOWN_AFTER_APPLY;
use crate::providers::planner::{Built, IngressSource};
use crate::source::Span;
use crate::topology::{Backends, ClusterPods, NodeBackend, NodeId, PoolId, PoolMatch, Resolved};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

/// Cloud-side names are cut to this many characters (reference §6.3).
pub const NAME_LIMIT: usize = 80;

const P: ProviderKind = ProviderKind::AlibabaElb;

/// `service.beta.kubernetes.io/alibaba-cloud-loadbalancer-<suffix>`, spelled out at compile
/// time: the builder looks up a score of these keys for each of a fleet's tens of
/// thousands of PoolServices.
macro_rules! key {
    ($suffix:literal) => {
        concat!(
            "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-",
            $suffix
        )
    };
}
pub(crate) use key;

/// Go's `strconv.ParseBool` true spellings: ECM parses `managed-by-user` and
/// `force-override-listeners` with it (reference §6.2).
fn go_true(v: &str) -> bool {
    matches!(v, "1" | "t" | "T" | "true" | "TRUE" | "True")
}

/// Node label carrying the ENS instance id (reference §6.5).
const ENS_INSTANCE_LABEL: &str = "alibabacloud.com/ens-instance-id";

/// What ECM reads for one (Service, pool) pair, decided once for the builder and the rules.
#[derive(Debug, Clone)]
pub struct PoolSettings<'m> {
    pub pool: Obj<'m, NodePool>,
    /// `<svc>-<pool>`.
    pub poolservice_name: String,
    pub managed_by_user: bool,
    /// The effective `…-loadbalancer-id`, from the PoolService or the Service.
    pub lb_id: Option<EffectiveValue<'m>>,
    pub force_override: Option<EffectiveValue<'m>>,
    /// `k8s/<svc>/<ns>/<pool>/<clusterId>`, uncut (the EIP description).
    pub named_key: String,
    /// The ELB and EIP name: `named_key` cut to [`NAME_LIMIT`] characters.
    pub name: String,
    pub internet: bool,
    pub region: Option<&'m str>,
    pub annotations: EffectiveAnnotations<'m>,
}

impl<'m> PoolSettings<'m> {
    pub fn new(cluster: &Cluster<'m>, service: &ServiceIr<'m>, m: &PoolMatch<'m>) -> Self {
        let ann = &m.annotations;
        let pool = cluster.node_pools[m.pool.0 as usize];
        let named_key = concat(&[
            "k8s/",
            service.name(),
            "/",
            service.namespace(),
            "/",
            pool.name(),
            "/",
            cluster.cluster_id,
        ]);
        let name = cut_to_name_limit(&named_key);
        PoolSettings {
            pool,
            poolservice_name: m.poolservice_name.clone(),
            managed_by_user: ann
                .get(key!("managed-by-user"))
                .is_some_and(|v| go_true(v.value)),
            lb_id: ann
                .get(LOADBALANCER_ID_ANNOTATION)
                .filter(|v| !v.value.trim().is_empty()),
            force_override: ann
                .get(key!("force-override-listeners"))
                .filter(|v| go_true(v.value)),
            named_key,
            name,
            // ECM compares the lower-case value exactly (reference §6.2).
            internet: ann
                .get(key!("address-type"))
                .is_none_or(|v| v.value != "intranet"),
            region: nodepool::ens_region_id(&pool.manifest.meta).map(|e| e.value.value.as_str()),
            annotations: m.annotations,
        }
    }

    /// The effective value of `key` (a [`key!`]).
    pub fn ann(&self, key: &str) -> Option<EffectiveValue<'m>> {
        self.annotations.get(key)
    }
}

/// Builds the model resources for every Service routed to PoolServices with class
/// `alibabacloud.com/elb`. The ELB rules run before, in [`super::rules::check_cluster`].
pub fn build(resolved: &[Resolved], diags: &mut Diagnostics) -> Built {
    let mut out = Built::default();
    build_units(resolved, diags, &mut |unit| out.absorb(unit));
    out
}

/// [`build`], one PoolService at a time: nothing of one pool's ELB depends on another
/// pool's, so each is a unit the plan can diff and write out on its own. Services go by
/// namespace and name, pools by name, so the plan's order does not depend on the order
/// the files were read in.
pub fn build_units(resolved: &[Resolved], _diags: &mut Diagnostics, emit: &mut dyn FnMut(Built)) {
    for r in resolved {
        let mut services: Vec<_> = r.topology.services.iter().collect();
        services.sort_by_key(|st| {
            let s = &r.cluster.services[st.service];
            (s.namespace(), s.name())
        });
        let pods = ClusterPods::new(&r.cluster);
        let mut servers = ServerLists::new(&r.cluster);
        for st in services {
            let service = &r.cluster.services[st.service];
            let Route::PoolServices {
                class: LbClass::Elb,
                annotation_span,
                ..
            } = &service.route
            else {
                continue;
            };
            if st.pools.is_empty() {
                continue;
            }
            // The Service's placement once; each pool's backends only while its unit is built.
            let placement = pods.of(&r.cluster, service);
            for m in st.matches(&r.cluster) {
                let s = PoolSettings::new(&r.cluster, service, &m);
                let backends = r.topology.backends(&r.cluster, service, &placement, m.pool);
                let mut unit = Built {
                    cause: Some(selects(
                        service.namespace(),
                        service.name(),
                        s.pool.name(),
                        selector(service).unwrap_or(""),
                    )),
                    ..Built::default()
                };
                build_pool(
                    &mut servers,
                    service,
                    *annotation_span,
                    &m,
                    &backends,
                    &s,
                    &mut unit,
                );
                emit(unit);
            }
        }
    }
}

/// The `servers` of pools' backend resources, built once for all the Services whose
/// backends in a pool are the same nodes with the same `backend-weight`: in a fleet, the
/// tens of Services that select a pool with DaemonSets behind them.
struct ServerLists<'a, 'm> {
    cluster: &'a Cluster<'m>,
    /// By pool and `backend-weight` value.
    built: HashMap<(PoolId, Option<&'m str>), ServerList>,
}

/// A pool's servers, and the nodes they were built for.
struct ServerList {
    nodes: Vec<NodeId>,
    servers: Arc<[Value]>,
}

impl<'a, 'm> ServerLists<'a, 'm> {
    fn new(cluster: &'a Cluster<'m>) -> Self {
        ServerLists {
            cluster,
            built: HashMap::new(),
        }
    }

    /// The servers of `nodes`, the backends of a Service in `pool`.
    fn of(
        &mut self,
        pool: PoolId,
        weights: Option<&'m str>,
        nodes: &[NodeBackend<'m>],
    ) -> Arc<[Value]> {
        let same_nodes = |built: &[NodeId]| built.iter().copied().eq(nodes.iter().map(|b| b.node));
        if let Some(built) = self.built.get(&(pool, weights))
            && same_nodes(&built.nodes)
        {
            return Arc::clone(&built.servers);
        }
        let servers: Arc<[Value]> = servers(self.cluster, nodes, weights).into();
        let built = ServerList {
            nodes: nodes.iter().map(|b| b.node).collect(),
            servers: Arc::clone(&servers),
        };
        self.built.insert((pool, weights), built);
        servers
    }
}

/// The attributes of a backend server, in output order. A fleet's plan holds its pools'
/// servers by the ten thousand, so each keeps its values only ([`OrderedMap::fixed`]).
static SERVER_KEYS: [Key; 4] = [
    Cow::Borrowed("node"),
    Cow::Borrowed("server_id"),
    Cow::Borrowed("ip"),
    Cow::Borrowed("weight"),
];

/// One server per backend node: the node, its ENS instance, its address and its weight
/// (`backend-weight`: the node's own, else `base`, else 100).
fn servers<'m>(
    cluster: &Cluster<'m>,
    nodes: &[NodeBackend<'m>],
    weights: Option<&str>,
) -> Vec<Value> {
    let weights = weights
        .and_then(|v| parse_backend_weights(v).ok())
        .unwrap_or_default();
    let weight_of = |node: &str| -> i64 {
        let find = |n: &str| {
            weights
                .iter()
                .find(|w| w.node.value == n)
                .map(|w| i64::from(w.weight.value))
        };
        find(node).or_else(|| find("base")).unwrap_or(100)
    };
    nodes
        .iter()
        .map(|b| {
            let node = cluster.nodes[b.node.0 as usize];
            let instance = node
                .labels()
                .get(ENS_INSTANCE_LABEL)
                .map(|e| e.value.value.as_str())
                .or_else(|| {
                    node.provider_id
                        .as_ref()
                        .and_then(|p| p.value.split_once('.').map(|(_, id)| id))
                })
                .map_or(Value::Unknown, Value::from);
            let ip = b.address.map_or(Value::Unknown, Value::from);
            let weight = Value::from(weight_of(node.name()));
            Value::Map(OrderedMap::fixed(
                &SERVER_KEYS,
                [Value::from(node.name()), instance, ip, weight],
            ))
        })
        .collect()
}

/// `<ns>/<svc>/<pool>`: the address stem of every resource of one PoolService.
fn stem(service: &ServiceIr, pool: &str) -> String {
    concat(&[service.namespace(), "/", service.name(), "/", pool])
}

/// The first [`NAME_LIMIT`] characters of `name`.
fn cut_to_name_limit(name: &str) -> String {
    match name.char_indices().nth(NAME_LIMIT) {
        Some((end, _)) => name[..end].to_string(),
        None => name.to_string(),
    }
}

/// The unit of one (Service, pool) pair. `server_lists` knows the cluster.
fn build_pool<'m>(
    server_lists: &mut ServerLists<'_, 'm>,
    service: &ServiceIr<'m>,
    selector_span: Span,
    m: &PoolMatch<'m>,
    backends: &Backends<'m>,
    s: &PoolSettings<'m>,
    out: &mut Built,
) {
    let cluster = server_lists.cluster;
    let ann = &m.annotations;
    let pool_name = s.pool.name();
    let pool_span = s
        .pool
        .manifest
        .meta
        .name
        .as_ref()
        .map_or(s.pool.manifest.span, |n| n.span);
    let svc_span = service
        .obj
        .manifest
        .meta
        .name
        .as_ref()
        .map_or(service.obj.manifest.span, |n| n.span);
    let origin = |r: Resource| r.with_provenance(svc_span).with_provenance(pool_span);
    let stem = stem(service, pool_name);
    let meta = &s.pool.manifest.meta;
    let text = |e: Option<&crate::manifest::decode::StringEntry>| {
        e.map_or(Value::Unknown, |e| Value::from(e.value.value.as_str()))
    };

    let ps_address = concat(&[
        "pool_service.",
        service.namespace(),
        "/",
        &s.poolservice_name,
    ]);
    let selector_text = selector(service).unwrap_or("");
    out.resources.push(
        origin(
            Resource::new(&ps_address, Kind::PoolService, P)
                .with_name(&s.poolservice_name)
                .with_attr(
                    "namespace",
                    service.namespace(),
                    UpdatePolicy::ForcesReplacement,
                )
                .with_attr("service", service.name(), UpdatePolicy::ForcesReplacement)
                .with_attr("node_pool", pool_name, UpdatePolicy::ForcesReplacement)
                .with_attr("selector", selector_text, UpdatePolicy::InPlace)
                .with_attr(
                    "load_balancer_class",
                    crate::ir::ELB_CLASS,
                    UpdatePolicy::InPlace,
                )
                .with_attr("managed_by_user", s.managed_by_user, UpdatePolicy::InPlace),
        )
        .with_provenance(selector_span),
    );

    // The ELB (created, or the user's), and what listeners hang off.
    let elb_address = concat(&["elb.", &stem]);
    let self_managed_retain = || DeletePolicy::Retain {
        reason: format!(
            "self-managed ELB: the controller leaves this behind when pool {pool_name} stops \
             matching; manual cleanup required"
        ),
    };
    let (parent, retain, lb_id) = if s.managed_by_user {
        let Some(id) = s.lb_id else {
            // Reported by the rules (the pool waits for an id); nothing else is built.
            return;
        };
        // The user's ELB is another cloud object than the one the controller would create
        // (or created before a switch to self-managed), so it has its own address: a
        // switch leaves the old one behind and adopts this one, and a changed id adopts
        // another ELB, instead of pretending one object changed its id.
        let elb_address = concat(&[&elb_address, "/", id.value]);
        out.resources.push(
            origin(
                Resource::new(&elb_address, Kind::LoadBalancer, P)
                    .with_owner(Owner::User)
                    .with_attr("id", id.value, UpdatePolicy::NotAppliedByController)
                    .with_attr(
                        "region_id",
                        text(nodepool::ens_region_id(meta)),
                        UpdatePolicy::NotAppliedByController,
                    )
                    .with_attr("address", Value::Unknown, UpdatePolicy::Computed)
                    .depends_on(&ps_address),
            )
            .with_provenance(id.entry.value.span),
        );
        out.ingress.push(IngressSource {
            service: service.address_stem(),
            eip: None,
            load_balancer: elb_address.clone(),
        });
        (
            elb_address.clone(),
            Some(self_managed_retain()),
            Value::from(id.value),
        )
    } else {
        if s.lb_id.is_some() {
            // An id without managed-by-user: ECM refuses the PoolService (rules, case 51).
            return;
        }
        let ann_str = |key: &str, default: &str| -> Value {
            Value::from(ann.get(key).map_or(default, |v| v.value))
        };
        let vswitch = match ann.get(key!("vswitch-id")) {
            Some(v) => Value::from(v.value),
            None => nodepool::ens_vswitch_id(meta)
                .and_then(nodepool::first_vswitch)
                .map_or(Value::Unknown, Value::from),
        };
        let na = UpdatePolicy::NotAppliedByController;
        out.resources.push(origin(
            Resource::new(&elb_address, Kind::LoadBalancer, P)
                .with_name(&s.name)
                .with_attr("name", s.name.as_str(), na)
                .with_attr("region_id", text(nodepool::ens_region_id(meta)), na)
                .with_attr("network_id", text(nodepool::ens_network_id(meta)), na)
                .with_attr("vswitch_id", vswitch, na)
                .with_attr("spec", ann_str(key!("spec"), "elb.s2.medium"), na)
                .with_attr("pay_type", ann_str(key!("pay-type"), "PostPaid"), na)
                .with_attr("id", Value::Unknown, UpdatePolicy::Computed)
                .with_attr("address", Value::Unknown, UpdatePolicy::Computed)
                .depends_on(&ps_address),
        ));
        let mut parent = elb_address.clone();
        let mut eip_attr = None;
        if s.internet {
            let eip_address = concat(&["eip.", &stem]);
            let bandwidth = ann
                .get(key!("eip-bandwidth"))
                .and_then(|v| parse_int(v.value, 1, 10_000).ok())
                .unwrap_or(5);
            let mut eip = Resource::new(&eip_address, Kind::Eip, P)
                .with_name(&s.name)
                .with_attr("name", s.name.as_str(), na)
                .with_attr("description", s.named_key.as_str(), na)
                .with_attr("region_id", text(nodepool::ens_region_id(meta)), na)
                .with_attr("bandwidth", bandwidth, UpdatePolicy::InPlace)
                .with_attr(
                    "internet_charge_type",
                    ann_str(key!("eip-internet-charge-type"), "95BandwidthByMonth"),
                    na,
                )
                .with_attr(
                    "instance_charge_type",
                    ann_str(key!("eip-instance-charge-type"), "PostPaid"),
                    na,
                );
            if let Some(isp) = ann.get(key!("eip-isp")) {
                eip = eip.with_attr("isp", isp.value, na);
            }
            eip = eip
                .with_attr("id", Value::Unknown, UpdatePolicy::Computed)
                .with_attr("ip_address", Value::Unknown, UpdatePolicy::Computed)
                .depends_on(&elb_address);
            out.resources.push(origin(eip));
            let binding = concat(&["eip_binding.", &stem]);
            out.resources.push(origin(
                Resource::new(&binding, Kind::EipBinding, P)
                    .with_attr(
                        "instance_type",
                        "SlbInstance",
                        UpdatePolicy::ForcesReplacement,
                    )
                    .with_attr("eip", eip_address.as_str(), UpdatePolicy::ForcesReplacement)
                    .with_attr(
                        "load_balancer",
                        elb_address.as_str(),
                        UpdatePolicy::ForcesReplacement,
                    )
                    .depends_on(&elb_address)
                    .depends_on(&eip_address),
            ));
            parent = binding;
            eip_attr = Some(eip_address);
        }
        out.ingress.push(IngressSource {
            service: service.address_stem(),
            eip: eip_attr,
            load_balancer: elb_address.clone(),
        });
        (parent, None, Value::Unknown)
    };
    let with_retain = |r: Resource| match &retain {
        Some(p) => r.with_delete_policy(p.clone()),
        None => r,
    };
    // Listeners and the server group live on one ELB: another ELB (a switch to or from
    // self-managed, another id) means other objects.
    let on_elb = |r: Resource| {
        let policy = if lb_id == Value::Unknown {
            UpdatePolicy::Computed
        } else {
            UpdatePolicy::ForcesReplacement
        };
        r.with_attr("load_balancer_id", lb_id.clone(), policy)
    };

    // Listeners: one per TCP/UDP Service port on its nodePort, then the extra ones.
    let tuning = if s.force_override.is_some() {
        UpdatePolicy::InPlace
    } else {
        UpdatePolicy::NotAppliedByController
    };
    let mut covered: Vec<(Protocol, i64)> = Vec::new();
    for port in &service.ports {
        let proto = port.protocol.value;
        if proto == Protocol::Sctp {
            // Rejected by the rules (ECM: "unknown listening protocol sctp").
            continue;
        }
        if let Some(np) = port.node_port {
            covered.push((proto, np));
        }
        let address = concat(&["listener.", &stem, "/", &port.address_suffix()]);
        let listener = listener(
            &address,
            proto,
            port.node_port,
            Some(port.number),
            service,
            cluster.cluster_id,
            ann,
            tuning,
        )
        .depends_on(&parent)
        .with_provenance(port.port.span);
        out.resources.push(with_retain(origin(on_elb(listener))));
    }
    if let Some(pp) = ann.get(key!("protocol-port"))
        && let Ok(extra) = parse_proto_ports(pp.value, &["http", "https", "tcp", "udp"], true)
    {
        for e in extra {
            let proto = match e.protocol.value {
                "tcp" => Protocol::Tcp,
                "udp" => Protocol::Udp,
                // ECM creates only TCP and UDP extras (reference §6.2).
                _ => continue,
            };
            let number = i64::from(e.port.value);
            if covered.contains(&(proto, number)) {
                continue;
            }
            covered.push((proto, number));
            let address = concat_int(
                &["listener.", &stem, "/extra-", proto.as_lower(), "-"],
                number,
            );
            let l = listener(
                &address,
                proto,
                Some(number),
                None,
                service,
                cluster.cluster_id,
                ann,
                tuning,
            )
            .depends_on(&parent)
            .with_provenance(pp.entry.value.span);
            out.resources.push(with_retain(origin(on_elb(l))));
        }
    }

    // One server group per ELB, and its backends.
    let sg_address = concat(&["server_group.", &stem]);
    out.resources.push(with_retain(origin(
        on_elb(Resource::new(&sg_address, Kind::ServerGroup, P))
            .with_attr("backend_port", "0", UpdatePolicy::InPlace)
            .depends_on(&parent),
    )));
    // Reference §6.5: the ECM keeps one flat backend list per ELB, so the model has one
    // `backend` resource per pool whose `servers` follow the pods in place (seed 000 update
    // table: "backend servers are dynamically added or removed"). The address is the same
    // whether the list is known or not, so it never churns between runs.
    let address = concat(&["backend.", &stem]);
    let r = match backends {
        Backends::Known(nodes) => {
            let weights = ann.get(key!("backend-weight")).map(|v| v.value);
            let servers = server_lists.of(m.pool, weights, nodes);
            Resource::new(address, Kind::Backend, P).with_attr(
                "servers",
                Value::List(servers),
                UpdatePolicy::InPlace,
            )
        }
        Backends::Unknown { reason, workload } => {
            let mut r = Resource::new(address, Kind::Backend, P)
                .with_attr("servers", Value::Unknown, UpdatePolicy::Computed)
                .with_note(format!("the backend nodes are known after apply: {reason}"));
            if let Some(w) = workload {
                r = r.with_provenance(w.manifest.span);
            }
            r
        }
    };
    let r = r
        .with_attr("type", "ens", UpdatePolicy::ForcesReplacement)
        .with_attr("port", "0", UpdatePolicy::InPlace)
        .depends_on(&sg_address);
    out.resources.push(with_retain(origin(r)));
}

/// One listener: port and protocol force a replacement, tuning follows `tuning`
/// (reference §6.4 defaults: scheduler wrr, thresholds 3/3; TCP HC 5/2, established 900;
/// UDP HC 10/5).
#[allow(clippy::too_many_arguments)]
fn listener(
    address: &str,
    proto: Protocol,
    listen_port: Option<i64>,
    service_port: Option<i64>,
    service: &ServiceIr,
    cluster_id: &str,
    ann: &EffectiveAnnotations,
    tuning: UpdatePolicy,
) -> Resource {
    let p = proto.as_lower();
    // Ranges are the catalogue's business (the check stage already reported a bad value);
    // here a value that does not parse falls back to the ECM default, as the plan must
    // still say what the other attributes will be.
    let int = |key: &str, default: i64| -> i64 {
        ann.get(key)
            .and_then(|v| parse_int(v.value, i64::MIN, i64::MAX).ok())
            .unwrap_or(default)
    };
    let (port_value, port_policy) = match listen_port {
        Some(n) => (Value::from(n), UpdatePolicy::ForcesReplacement),
        // The API server assigns the nodePort: known after apply, never a diff by itself.
        None => (Value::Unknown, UpdatePolicy::Computed),
    };
    let description = match listen_port {
        Some(n) => Value::from(format!(
            "k8s/{n}/{p}/{}/{}/{cluster_id}",
            service.name(),
            service.namespace()
        )),
        None => Value::Unknown,
    };
    let (timeout, interval) = if proto == Protocol::Udp {
        (10, 5)
    } else {
        (5, 2)
    };
    let mut r = Resource::new(address, Kind::Listener, P)
        .with_attr("protocol", p, UpdatePolicy::ForcesReplacement)
        .with_attr("listener_port", port_value, port_policy);
    if let Some(sp) = service_port {
        r = r.with_attr("service_port", sp, UpdatePolicy::InPlace);
    }
    r = r
        .with_attr("description", description, UpdatePolicy::Computed)
        .with_attr(
            "scheduler",
            ann.get(key!("scheduler")).map_or("wrr", |v| v.value),
            tuning,
        )
        .with_attr(
            "healthy_threshold",
            int(key!("healthy-threshold"), 3),
            tuning,
        )
        .with_attr(
            "unhealthy_threshold",
            int(key!("unhealthy-threshold"), 3),
            tuning,
        )
        .with_attr(
            "health_check_connect_timeout",
            int(key!("health-check-connect-timeout"), timeout),
            tuning,
        )
        .with_attr(
            "health_check_interval",
            int(key!("health-check-interval"), interval),
            tuning,
        );
    if let Some(v) = ann.get(key!("health-check-connect-port")) {
        r = r.with_attr("health_check_connect_port", Value::from(v.value), tuning);
    }
    if proto == Protocol::Tcp {
        r = r
            .with_attr(
                "persistence_timeout",
                int(key!("persistence-timeout"), 0),
                tuning,
            )
            .with_attr(
                "established_timeout",
                int(key!("established-timeout"), 900),
                tuning,
            );
    }
    r
}
