//! Stage `ir`: typed manifests → one lowered [`Cluster`] per cluster profile.
//!
//! The manifest stage keeps objects as written (strings with spans); rules and the model
//! builder need decisions instead: which controller owns a Service ([`Route`]), its traffic
//! policy and port protocols as enums, and the effective annotations per pool. Lowering
//! makes each decision once, keeping the spans that decided it.
//!
//! `ir` knows no provider: it imports nothing from `providers`, and the few keys it must
//! read to route a Service (`loadBalancerClass` values, the OpenYurt selector) are
//! constants of its own. The IR borrows from the manifests (`'m`) rather than copying
//! them, so lowering a large fleet costs little next to parsing it.
//!
//! An `ack-one-fleet` profile lowers to a [`Cluster`] with a [`Fleet`]: the Fleet's own
//! objects (AlbConfigs, IngressClasses, Ingresses) stay on the fleet cluster, and each
//! member's folder (named by the profile, relative to it) lowers to that member's own
//! [`Cluster`]. An object belongs to exactly one cluster: the one whose folder is the
//! deepest containing its file, so a member folder inside the fleet folder is never
//! counted twice.

mod annotations;
mod routing;

use std::collections::HashMap;

use crate::diag::{Diagnostic, Diagnostics};
use crate::manifest::albconfig::AlbConfig;
use crate::manifest::decode::StringMap;
use crate::manifest::endpointslice::EndpointSlice;
use crate::manifest::ingress::{Ingress, IngressClass};
use crate::manifest::node::NodeRecord;
use crate::manifest::nodepool::NodePool;
use crate::manifest::poolservice::PoolService;
use crate::manifest::profile::{
    Cloud, ClusterKind, ClusterProfile, DEFAULT_CLUSTER_ID, FleetMember, Version,
};
use crate::manifest::service::{Service, ServicePort};
use crate::manifest::workload::{Pod, Workload};
use crate::manifest::{Manifest, Object, Objects};
use crate::source::{FileId, SourceMap, Span};

pub use annotations::{ALIBABA_ANNOTATION_PREFIX, EffectiveAnnotations, EffectiveValue, Origin};
pub use routing::{ELB_CLASS, LbClass, NLB_CLASS, NODEPOOL_SELECTOR, NoRoute, Route};

/// A decided value and the span that decided it; `span: None` means the default applied
/// because the field was not written.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting<T> {
    pub value: T,
    pub span: Option<Span>,
}

/// `spec.type` of a Service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ServiceType {
    ClusterIP,
    NodePort,
    LoadBalancer,
    ExternalName,
}

impl ServiceType {
    /// `None` for a value the API server rejects (the check stage reports it).
    pub fn parse(s: &str) -> Option<ServiceType> {
        Some(match s {
            "ClusterIP" => ServiceType::ClusterIP,
            "NodePort" => ServiceType::NodePort,
            "LoadBalancer" => ServiceType::LoadBalancer,
            "ExternalName" => ServiceType::ExternalName,
            _ => return None,
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceType::ClusterIP => "ClusterIP",
            ServiceType::NodePort => "NodePort",
            ServiceType::LoadBalancer => "LoadBalancer",
            ServiceType::ExternalName => "ExternalName",
        }
    }
}

/// `spec.externalTrafficPolicy`: decides which nodes become backends (SPEC §3, §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrafficPolicy {
    /// Every eligible node forwards (source IP lost); the default.
    Cluster,
    /// Only nodes running a ready backend pod (source IP kept).
    Local,
}

/// A Service port's protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    Tcp,
    Udp,
    Sctp,
}

impl Protocol {
    /// Kubernetes spells protocols in upper case; other spellings are rejected by the API
    /// server (and reported by the check stage).
    pub fn parse(s: &str) -> Option<Protocol> {
        Some(match s {
            "TCP" => Protocol::Tcp,
            "UDP" => Protocol::Udp,
            "SCTP" => Protocol::Sctp,
            _ => return None,
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
            Protocol::Sctp => "SCTP",
        }
    }
    /// The lower-case spelling cloud APIs and addresses use (`tcp`).
    pub fn as_lower(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
            Protocol::Sctp => "sctp",
        }
    }
}

/// A borrowed typed object with its envelope: enough to name it and to point at it.
#[derive(Debug, PartialEq)]
pub struct Obj<'m, T> {
    pub manifest: &'m Manifest,
    pub object: &'m T,
}

// Manual impls: a derive would demand `T: Copy`, but only references are copied.
impl<T> Clone for Obj<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Obj<'_, T> {}

impl<'m, T> Obj<'m, T> {
    pub fn name(&self) -> &'m str {
        self.manifest.meta.name()
    }
    pub fn namespace(&self) -> &'m str {
        self.manifest.meta.namespace()
    }
    /// The object's own labels (`metadata.labels`).
    pub fn labels(&self) -> &'m StringMap {
        &self.manifest.meta.labels
    }
}

/// One lowered Service port. Ports whose number or protocol did not decode are left out:
/// the check stage already reported them as errors, and nothing can be built from them.
#[derive(Debug, Clone, PartialEq)]
pub struct PortIr<'m> {
    pub port: &'m ServicePort,
    pub number: i64,
    pub node_port: Option<i64>,
    pub protocol: Setting<Protocol>,
}

impl PortIr<'_> {
    /// `<proto>-<port>` (`tcp-80`): the address suffix of one Service port's resources in
    /// every provider, so that a port's resources pair across runs.
    pub fn address_suffix(&self) -> String {
        crate::concat::concat_int(&[self.protocol.value.as_lower(), "-"], self.number)
    }
}

/// A lowered Service: decisions as enums, the object for everything else.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceIr<'m> {
    pub obj: Obj<'m, Service>,
    pub type_: Setting<ServiceType>,
    pub traffic_policy: Setting<TrafficPolicy>,
    /// Never grown once lowered: a boxed slice is a word smaller than a vector, and a
    /// fleet holds ten thousand Services for the whole plan.
    pub ports: Box<[PortIr<'m>]>,
    pub route: Route,
}

impl<'m> ServiceIr<'m> {
    pub fn name(&self) -> &'m str {
        self.obj.name()
    }
    pub fn namespace(&self) -> &'m str {
        self.obj.namespace()
    }
    /// `<namespace>/<name>`: the address stem of the resources a Service gets.
    pub fn address_stem(&self) -> String {
        crate::concat::concat(&[self.namespace(), "/", self.name()])
    }
    /// The Service's own annotations, with no pool override (CLB, NLB, CCE routes).
    pub fn annotations(&self) -> EffectiveAnnotations<'m> {
        EffectiveAnnotations::new(self.obj.manifest, None)
    }
}

/// An ack-one-fleet's member clusters (SPEC §1 `members`).
#[derive(Debug, Clone, PartialEq)]
pub struct Fleet<'m> {
    pub members: Vec<FleetMemberIr<'m>>,
}

/// One fleet member as the profile lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct FleetMemberIr<'m> {
    pub member: &'m FleetMember,
    /// The member's lowered cluster (its Services and workloads); `None` when the member
    /// has no `clusterId` (reported by the profile checks).
    pub cluster: Option<Box<Cluster<'m>>>,
}

/// The run's sources, so that later rules can point inside a value (a cluster id in a
/// comma list, a port in a JSON annotation). Compares equal to any other: two lowerings are
/// equal when their objects are.
#[derive(Clone, Copy)]
pub struct Sources<'m>(pub &'m SourceMap);

impl std::fmt::Debug for Sources<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sources")
    }
}

impl PartialEq for Sources<'_> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<'m> Sources<'m> {
    /// The file span of bytes `start..end` of an annotation's decoded value.
    pub fn in_value(
        &self,
        entry: &crate::manifest::decode::StringEntry,
        start: usize,
        end: usize,
    ) -> Span {
        entry
            .locator(self.0.get(entry.value.span.file))
            .span(start, end)
    }
}

/// One cluster's lowered objects and settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster<'m> {
    pub sources: Sources<'m>,
    /// The `ClusterProfile` object; `None` when the input has none (defaults apply).
    pub profile: Option<&'m Manifest>,
    pub cloud: Cloud,
    /// `spec.clusterKind`; without one, `ack-edge` when NodePools are present (the only
    /// cluster kind that has them), else the profile's own default (`ack` / `cce`).
    pub kind: ClusterKind,
    /// Used in cloud-side names; [`DEFAULT_CLUSTER_ID`] when unknown.
    pub cluster_id: &'m str,
    pub ecm_version: Version,
    pub fleet: Option<Fleet<'m>>,
    /// Every Service (not only LoadBalancers: a type change is a deletion the plan must
    /// explain), in input order.
    pub services: Vec<ServiceIr<'m>>,
    /// NodePools sorted by name, duplicates (already reported) dropped: the order every
    /// pool list in the topology follows.
    pub node_pools: Vec<Obj<'m, NodePool>>,
    /// Nodes sorted by name, duplicates dropped.
    pub nodes: Vec<&'m NodeRecord>,
    pub pods: Vec<Obj<'m, Pod>>,
    pub workloads: Vec<Obj<'m, Workload>>,
    pub endpoint_slices: Vec<Obj<'m, EndpointSlice>>,
    pub pool_services: Vec<Obj<'m, PoolService>>,
    /// Ingresses, IngressClasses and AlbConfigs, in input order (the ALB controller's input).
    pub ingresses: Vec<Obj<'m, Ingress>>,
    pub ingress_classes: Vec<Obj<'m, IngressClass>>,
    pub alb_configs: Vec<Obj<'m, AlbConfig>>,
    /// (namespace, name) → index into `pool_services`.
    pool_service_index: HashMap<(&'m str, &'m str), usize>,
}

impl<'m> Cluster<'m> {
    /// The PoolService `<namespace>/<name>` if the input carries it (a live snapshot, or
    /// one annotated with a self-managed ELB id).
    pub fn pool_service(&self, namespace: &str, name: &str) -> Option<Obj<'m, PoolService>> {
        self.pool_service_index
            .get(&(namespace, name))
            .map(|&i| self.pool_services[i])
    }

    /// Effective annotations of `service` on the pool whose PoolService is named
    /// `poolservice_name` (reference §6.1).
    pub fn effective_annotations(
        &self,
        service: &ServiceIr<'m>,
        poolservice_name: &str,
    ) -> EffectiveAnnotations<'m> {
        let ps = self.pool_service(service.namespace(), poolservice_name);
        EffectiveAnnotations::new(service.obj.manifest, ps.map(|p| p.manifest))
    }
}

/// Lowers the manifests into one [`Cluster`] per `ClusterProfile`, or one cluster with the
/// documented profile defaults when there is none (see [`ClusterProfile`]'s accessors).
///
/// With several profiles, each object goes to the profile whose file lies in the deepest
/// folder containing the object's file (a profile per cluster folder), else to the first
/// profile. Routing warnings (LBP6001–LBP6003) go to `diags`; errors the check stage
/// already reports (bad types, bad selectors) are not repeated.
pub fn lower<'m>(
    sources: &'m SourceMap,
    objects: Objects<'m>,
    diags: &mut Diagnostics,
) -> Vec<Cluster<'m>> {
    let manifests = objects.manifests;
    let profiles: Vec<(&'m Manifest, &'m ClusterProfile)> = manifests
        .iter()
        .filter_map(|m| match &m.object {
            Object::ClusterProfile(p) => Some((m, p)),
            _ => None,
        })
        .collect();
    let default_profile = ClusterProfile::default();
    // Claimants: each profile's folder, then each fleet member's folder.
    let mut dirs: Vec<String> = profiles
        .iter()
        .map(|(m, _)| folder(&sources.get(m.file).name).to_string())
        .collect();
    let mut member_of_dir: Vec<Option<(usize, usize)>> = vec![None; dirs.len()];
    for (pi, (m, p)) in profiles.iter().enumerate() {
        if p.cluster_kind() != ClusterKind::AckOneFleet {
            continue;
        }
        let base = folder(&sources.get(m.file).name);
        for (mi, member) in p.members.iter().enumerate() {
            if let Some(path) = member
                .path
                .as_ref()
                .and_then(|p| member_folder(base, &p.value))
            {
                dirs.push(path);
                member_of_dir.push(Some((pi, mi)));
            }
        }
    }
    let dir_refs: Vec<&str> = dirs.iter().map(String::as_str).collect();
    let mut groups: Vec<Group<'m>> = vec![Group::default(); profiles.len().max(1)];
    let mut member_groups: HashMap<(usize, usize), Group<'m>> = HashMap::new();
    // Per-file memo: a folder fleet has thousands of objects in few files.
    let mut owner_of_file: HashMap<u32, usize> = HashMap::new();
    let mut claimant_of = |file: FileId| {
        let owner = *owner_of_file
            .entry(file.0)
            .or_insert_with(|| owner(&dir_refs, &sources.get(file).name));
        (owner, member_of_dir.get(owner).copied().flatten())
    };
    for m in manifests {
        if !matches!(m.object, Object::ClusterProfile(_)) {
            let claimant = claimant_of(m.file);
            group_of(&mut groups, &mut member_groups, claimant)
                .manifests
                .push(m);
        }
    }
    for n in objects.nodes {
        let claimant = claimant_of(n.span.file);
        group_of(&mut groups, &mut member_groups, claimant)
            .nodes
            .push(n);
    }
    groups
        .into_iter()
        .enumerate()
        .map(|(i, objects)| {
            let (pm, profile) = match profiles.get(i) {
                Some((m, p)) => (Some(*m), *p),
                None => (None, &default_profile),
            };
            let mut cluster = lower_cluster(sources, pm, profile, &objects, diags);
            if let Some(fleet) = cluster.fleet.as_mut() {
                for (mi, member) in fleet.members.iter_mut().enumerate() {
                    let objects = member_groups.remove(&(i, mi)).unwrap_or_default();
                    member.cluster = lower_member(sources, profile, member.member, &objects, diags)
                        .map(Box::new);
                }
            }
            cluster
        })
        .collect()
}

/// Every fleet member's folder (as [`member_folder`] names it) with the span of its `path`,
/// so the driver can load the folders the inputs did not include.
pub fn member_folders(sources: &SourceMap, manifests: &[Manifest]) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    for m in manifests {
        let Object::ClusterProfile(p) = &m.object else {
            continue;
        };
        if p.cluster_kind() != ClusterKind::AckOneFleet {
            continue;
        }
        let base = folder(&sources.get(m.file).name);
        for member in &p.members {
            if let Some(path) = &member.path
                && let Some(dir) = member_folder(base, &path.value)
            {
                out.push((dir, path.span));
            }
        }
    }
    out
}

/// A member's folder as the loader names files: the profile's folder joined with the
/// relative `path`, without `./` segments or a trailing `/`. `None` for an empty or
/// absolute path (reported by the profile checks).
fn member_folder(base: &str, path: &str) -> Option<String> {
    let parts: Vec<&str> = path
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    if parts.is_empty() || path.starts_with('/') {
        return None;
    }
    let rel = parts.join("/");
    Some(if base.is_empty() {
        rel
    } else {
        format!("{base}/{rel}")
    })
}

/// The objects routed to one cluster (or fleet member), in read order.
#[derive(Debug, Clone, Default)]
struct Group<'m> {
    manifests: Vec<&'m Manifest>,
    nodes: Vec<&'m NodeRecord>,
}

/// The group of a claimant: (index of the profile folder, fleet member when the folder
/// is a member's).
fn group_of<'a, 'm>(
    groups: &'a mut [Group<'m>],
    member_groups: &'a mut HashMap<(usize, usize), Group<'m>>,
    (owner, member): (usize, Option<(usize, usize)>),
) -> &'a mut Group<'m> {
    match member {
        Some(key) => member_groups.entry(key).or_default(),
        None => &mut groups[owner],
    }
}

/// Lowers one fleet member's objects as an ACK cluster of its own, named by its id.
fn lower_member<'m>(
    sources: &'m SourceMap,
    fleet_profile: &ClusterProfile,
    member: &'m FleetMember,
    objects: &Group<'m>,
    diags: &mut Diagnostics,
) -> Option<Cluster<'m>> {
    let id = member.cluster_id.as_ref()?;
    let mut cluster = lower_cluster(sources, None, fleet_profile, objects, diags);
    cluster.kind = ClusterKind::Ack;
    cluster.fleet = None;
    cluster.cluster_id = id.value.as_str();
    Some(cluster)
}

/// The folder part of a file name (`""` for stdin or a bare file name).
fn folder(name: &str) -> &str {
    name.rsplit_once('/').map_or("", |(d, _)| d)
}

/// Index of the claimant folder that is the longest one containing `file`; 0 by default.
fn owner(dirs: &[&str], file: &str) -> usize {
    let within = |d: &str| {
        d.is_empty() || (file.starts_with(d) && file.as_bytes().get(d.len()) == Some(&b'/'))
    };
    dirs.iter()
        .enumerate()
        .filter(|(_, d)| within(d))
        .max_by_key(|(i, d)| (d.len(), std::cmp::Reverse(*i)))
        .map_or(0, |(i, _)| i)
}

/// The cluster's objects without later definitions of an object already defined (same
/// kind, namespace and name), each reported: Kubernetes keeps one, and two copies would
/// build the same cloud resources twice. The first definition in read order is kept.
/// Serves the manifests and the Node records alike.
fn first_definitions<'m, T: Definition>(objects: &[&'m T], diags: &mut Diagnostics) -> Vec<&'m T> {
    let mut first: HashMap<(&str, &str, &str), &T> = HashMap::with_capacity(objects.len());
    let mut kept = Vec::with_capacity(objects.len());
    for &m in objects {
        let Some((identity, name)) = m.identity() else {
            kept.push(m);
            continue;
        };
        match first.entry(identity) {
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(m);
                kept.push(m);
            }
            std::collections::hash_map::Entry::Occupied(earlier) => {
                diags.push(defined_twice(m.describe(), name, earlier.get().site()));
            }
        }
    }
    kept
}

/// What [`first_definitions`] reads of an object.
trait Definition {
    /// (kind, namespace, name) and the name's span; `None` without a name (the checks
    /// report that), so that such an object is never taken for a copy.
    fn identity(&self) -> Option<((&str, &str, &str), Span)>;
    /// Where a copy's diagnostic points at this first definition.
    fn site(&self) -> Span;
    /// The object in messages: ``Node `a` ``, ``Service `ns/a` ``.
    fn describe(&self) -> String;
}

impl Definition for Manifest {
    fn identity(&self) -> Option<((&str, &str, &str), Span)> {
        let name = self.meta.name.as_ref().filter(|n| !n.value.is_empty())?;
        let namespace = if cluster_scoped(self) {
            ""
        } else {
            self.meta.namespace()
        };
        Some((
            (self.kind.value.as_str(), namespace, name.value.as_str()),
            name.span,
        ))
    }
    fn site(&self) -> Span {
        self.meta.name.as_ref().map_or(self.span, |n| n.span)
    }
    fn describe(&self) -> String {
        if cluster_scoped(self) {
            format!("{} `{}`", self.kind.value, self.meta.name())
        } else {
            format!(
                "{} `{}/{}`",
                self.kind.value,
                self.meta.namespace(),
                self.meta.name()
            )
        }
    }
}

impl Definition for NodeRecord {
    fn identity(&self) -> Option<((&str, &str, &str), Span)> {
        let name = self.name.as_ref().filter(|n| !n.value.is_empty())?;
        Some((("Node", "", name.value.as_str()), name.span))
    }
    fn site(&self) -> Span {
        self.name.as_ref().map_or(self.span, |n| n.span)
    }
    fn describe(&self) -> String {
        format!("Node `{}`", self.name())
    }
}

/// Kinds whose objects have no namespace (a `metadata.namespace` on them is ignored).
fn cluster_scoped(m: &Manifest) -> bool {
    matches!(
        m.object,
        Object::Node(_) | Object::NodePool(_) | Object::IngressClass(_) | Object::AlbConfig(_)
    )
}

/// `what` (see [`Definition::describe`]) is defined again at `name`, first at `earlier`.
fn defined_twice(what: String, name: Span, earlier: Span) -> Diagnostic {
    Diagnostic::error(
        "LBP6020",
        format!("{what} is defined twice in this cluster"),
    )
    .with_primary(name, "defined again here")
    .with_secondary(earlier, "first defined here; the plan uses this one")
    .with_help(
        "delete the copy or rename one of them: `kubectl apply` of both keeps whichever comes last",
    )
}

fn lower_cluster<'m>(
    sources: &'m SourceMap,
    profile_manifest: Option<&'m Manifest>,
    profile: &ClusterProfile,
    objects: &Group<'m>,
    diags: &mut Diagnostics,
) -> Cluster<'m> {
    let cloud = profile.cloud();
    let mut services = Vec::new();
    let mut node_pools = Vec::new();
    let mut nodes = first_definitions(&objects.nodes, diags);
    let mut pods = Vec::new();
    let mut workloads = Vec::new();
    let mut endpoint_slices = Vec::new();
    let mut pool_services = Vec::new();
    let mut ingresses = Vec::new();
    let mut ingress_classes = Vec::new();
    let mut alb_configs = Vec::new();
    for m in first_definitions(&objects.manifests, diags) {
        match &m.object {
            Object::Service(s) => services.push(lower_service(sources, cloud, m, s, diags)),
            Object::NodePool(p) => node_pools.push(Obj {
                manifest: m,
                object: p,
            }),
            // Nodes reach the IR as records: the loader turns every decoded Node into one.
            Object::Node(_) => {}
            Object::Pod(p) => pods.push(Obj {
                manifest: m,
                object: p,
            }),
            Object::Deployment(w) | Object::DaemonSet(w) | Object::StatefulSet(w) => workloads
                .push(Obj {
                    manifest: m,
                    object: w,
                }),
            Object::EndpointSlice(e) => endpoint_slices.push(Obj {
                manifest: m,
                object: &**e,
            }),
            Object::PoolService(p) => pool_services.push(Obj {
                manifest: m,
                object: p,
            }),
            Object::Ingress(i) => ingresses.push(Obj {
                manifest: m,
                object: i,
            }),
            Object::IngressClass(c) => ingress_classes.push(Obj {
                manifest: m,
                object: c,
            }),
            Object::AlbConfig(a) => alb_configs.push(Obj {
                manifest: m,
                object: a,
            }),
            Object::ClusterProfile(_) => {}
        }
    }
    // The lists live as long as the run: the room doubling left unused (up to half of
    // each, 1 MB of `services` alone on a fleet of 10,000 Services) is given back.
    services.shrink_to_fit();
    node_pools.shrink_to_fit();
    nodes.shrink_to_fit();
    pods.shrink_to_fit();
    workloads.shrink_to_fit();
    endpoint_slices.shrink_to_fit();
    pool_services.shrink_to_fit();
    ingresses.shrink_to_fit();
    ingress_classes.shrink_to_fit();
    alb_configs.shrink_to_fit();
    // Names are unique here (`first_definitions`); the topology works in name order.
    node_pools.sort_by(|a, b| a.name().cmp(b.name()));
    nodes.sort_by(|a, b| a.name().cmp(b.name()));
    let mut pool_service_index = HashMap::with_capacity(pool_services.len());
    for (i, ps) in pool_services.iter().enumerate() {
        pool_service_index
            .entry((ps.namespace(), ps.name()))
            .or_insert(i);
    }
    let kind = match (&profile.cluster_kind, node_pools.is_empty()) {
        (None, false) if cloud == Cloud::Alibaba => ClusterKind::AckEdge,
        _ => profile.cluster_kind(),
    };
    let fleet = (kind == ClusterKind::AckOneFleet).then(|| Fleet {
        members: profile_manifest
            .and_then(|m| match &m.object {
                Object::ClusterProfile(p) => Some(p),
                _ => None,
            })
            .map(|p| {
                p.members
                    .iter()
                    .map(|member| FleetMemberIr {
                        member,
                        cluster: None,
                    })
                    .collect()
            })
            .unwrap_or_default(),
    });
    let cluster_id: &'m str = match profile_manifest.map(|m| &m.object) {
        Some(Object::ClusterProfile(p)) => p.cluster_id(),
        _ => DEFAULT_CLUSTER_ID,
    };
    Cluster {
        sources: Sources(sources),
        profile: profile_manifest,
        cloud,
        kind,
        cluster_id,
        ecm_version: profile.ecm_version(),
        fleet,
        services,
        node_pools,
        nodes,
        pods,
        workloads,
        endpoint_slices,
        pool_services,
        ingresses,
        ingress_classes,
        alb_configs,
        pool_service_index,
    }
}

fn lower_service<'m>(
    sources: &SourceMap,
    cloud: Cloud,
    m: &'m Manifest,
    svc: &'m Service,
    diags: &mut Diagnostics,
) -> ServiceIr<'m> {
    // An unknown `spec.type` is rejected by the API server (check stage); it builds nothing.
    let type_ = Setting {
        value: svc
            .type_
            .as_ref()
            .map_or(Some(ServiceType::ClusterIP), |t| {
                ServiceType::parse(&t.value)
            })
            .unwrap_or(ServiceType::ClusterIP),
        span: svc.type_.as_ref().map(|t| t.span),
    };
    let traffic_policy = Setting {
        value: match svc.traffic_policy() {
            "Local" => TrafficPolicy::Local,
            _ => TrafficPolicy::Cluster,
        },
        span: svc.external_traffic_policy.as_ref().map(|t| t.span),
    };
    // Sized by the ports written: collecting a filtered iterator starts at four slots, and
    // a Service has one port or two, for the whole run.
    let mut ports = Vec::with_capacity(svc.ports.len());
    ports.extend(svc.ports.iter().filter_map(|p| {
        let number = p.port()?.value;
        let protocol = Protocol::parse(p.protocol_name())?;
        Some(PortIr {
            port: p,
            number,
            node_port: p.node_port().map(|n| n.value),
            protocol: Setting {
                value: protocol,
                span: p.protocol.as_ref().map(|s| s.span),
            },
        })
    }));
    let route = routing::route(sources, cloud, m, svc, &type_, diags);
    ServiceIr {
        obj: Obj {
            manifest: m,
            object: svc,
        },
        type_,
        traffic_policy,
        ports: ports.into_boxed_slice(),
        route,
    }
}

#[cfg(test)]
mod tests;
