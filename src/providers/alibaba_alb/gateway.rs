//! What the ALB controller decides for one cluster, decided once for the rules and the
//! builder: which Ingresses it owns and through which AlbConfig (reference §4.1), the
//! listeners each Ingress lands on (§4.4), its rules, conditions and priorities (§4.2,
//! §4.5), and, on an ACK One Fleet, how each rule's traffic is split between member
//! clusters (SPEC §6, seed 004).
//!
//! [`analyse`] returns the decisions and the findings; `rules` reports the findings and
//! `build` turns the decisions into resources, so neither repeats the other's work.

use std::collections::BTreeMap;

use crate::annotations::grammar::alb::{
    ActionConfig, AlbAction, AlbCondition, ConditionType, ListenProtocol, parse_alb_actions,
    parse_alb_conditions, parse_listen_ports,
};
use crate::annotations::grammar::scalar::parse_int;
use crate::diag::Diagnostic;
use crate::ir::{Cluster, Obj, Sources};
use crate::manifest::albconfig::{AlbConfig, AlbListener};
use crate::manifest::decode::StringEntry;
use crate::manifest::ingress::{HttpPath, Ingress, IngressClass};
use crate::source::Span;

/// `IngressClass.spec.controller` of the ALB Ingress controller.
pub const ALB_CONTROLLER: &str = "ingress.k8s.alibabacloud/alb";
/// AlbConfig annotation listing the member clusters of a multi-cluster gateway.
pub const REMOTE_CLUSTERS: &str = "alb.ingress.kubernetes.io/remote-clusters";
/// Ingress annotation prefix of the per-cluster weights (seed 004).
pub const CLUSTER_WEIGHT_PREFIX: &str = "alb.ingress.kubernetes.io/cluster-weight.";
const LISTEN_PORTS: &str = "alb.ingress.kubernetes.io/listen-ports";
const CONDITIONS_PREFIX: &str = "alb.ingress.kubernetes.io/conditions.";
const ACTIONS_PREFIX: &str = "alb.ingress.kubernetes.io/actions.";
const ALBCONFIG_NAME: &str = "alb.ingress.kubernetes.io/albconfig.name";
const ORDER_KEYS: [&str; 2] = [
    "alb.ingress.kubernetes.io/order",
    "alb.ingress.kubernetes.io/albconfig.order",
];
const CLASS_ANNOTATION: &str = "kubernetes.io/ingress.class";
/// The ALB and NGINX spellings the controller reads for canaries and ssl-redirect.
const PREFIXES: [&str; 2] = ["alb.ingress.kubernetes.io/", "nginx.ingress.kubernetes.io/"];
/// Ingress order when none is written (reference §4.2).
const DEFAULT_ORDER: i64 = 10;

/// One AlbConfig and everything bound to it.
#[derive(Debug, Clone)]
pub struct Gateway<'m> {
    pub config: Obj<'m, AlbConfig>,
    /// Listeners by (protocol, port), in `spec.listeners` order.
    pub listeners: Vec<ListenerIr<'m>>,
    /// Member clusters that receive traffic (fleet members listed in `remote-clusters`, in
    /// annotation order); the cluster itself outside a fleet.
    pub clusters: Vec<String>,
    /// Rules in priority order per listener.
    pub rules: Vec<RuleIr<'m>>,
    /// On an ACK One Fleet: traffic is split between member clusters.
    pub fleet: bool,
}

/// One AlbConfig listener.
#[derive(Debug, Clone)]
pub struct ListenerIr<'m> {
    pub listener: &'m AlbListener,
    pub protocol: String,
    pub port: i64,
}

impl ListenerIr<'_> {
    /// `http-8001`: the address suffix.
    pub fn key(&self) -> String {
        format!("{}-{}", self.protocol.to_ascii_lowercase(), self.port)
    }
}

/// One forwarding rule: (Ingress, rule, path) on one listener.
#[derive(Debug, Clone)]
pub struct RuleIr<'m> {
    pub ingress: Obj<'m, Ingress>,
    /// Index into [`Gateway::listeners`].
    pub listener: usize,
    /// 1, 2, 3… per listener, in Ingress order (reference §4.2).
    pub priority: usize,
    /// `spec.rules[i].http.paths[j]` indices, for a stable address.
    pub rule_index: usize,
    pub path_index: usize,
    pub host: Option<String>,
    /// Path condition values (`/` Prefix → `/*`).
    pub paths: Vec<String>,
    /// Custom conditions from `conditions.<svc>`.
    pub conditions: Vec<AlbCondition>,
    pub service: String,
    /// The backend port: its number, or its name.
    pub port: String,
    /// Traffic share per cluster (sums to 100 unless no cluster has backends).
    pub shares: Vec<Share>,
    /// Share of the rule's traffic left to this Ingress's backend after weighted
    /// canaries (100 without canaries; 0 when the canaries take everything).
    pub base_weight: i64,
    /// Weighted canary Ingresses with the same host and path (reference §4.5, case 33).
    pub canaries: Vec<Canary<'m>>,
    /// `ssl-redirect` on a listener other than 443: the rule redirects to HTTPS:443 (308).
    pub redirect: bool,
    /// The decoded `actions.<svc>` (reference §4.5); a ForwardGroup among them is already
    /// turned into [`Canary`]-like targets with `base_weight` 0.
    pub actions: Vec<AlbAction>,
    pub span: Span,
}

/// A `canary-weight` Ingress folded into the matching rule of its base Ingress.
#[derive(Debug, Clone)]
pub struct Canary<'m> {
    pub ingress: Obj<'m, Ingress>,
    pub service: String,
    pub port: String,
    pub weight: i64,
    pub shares: Vec<Share>,
}

/// The weight one cluster receives and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Share {
    pub cluster: String,
    pub weight: i64,
    /// Ready replicas of the backend Service there (`None`: the Service is not there).
    pub ready: Option<i64>,
    /// Weight written in `cluster-weight.<id>` rather than derived from readiness.
    pub explicit: bool,
}

/// The decisions and findings of the ALB controller for one cluster.
#[derive(Debug, Default)]
pub struct Analysis<'m> {
    pub gateways: Vec<Gateway<'m>>,
    pub findings: Vec<Diagnostic>,
}

/// Ready replicas of one Service in one cluster, and whether they were assumed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Readiness {
    ready: i64,
    /// Counted from `spec.replicas` because no workload reported `status`.
    assumed: bool,
}

/// Runs the ALB controller's decisions over `cluster`'s Ingresses.
pub fn analyse<'m>(cluster: &Cluster<'m>) -> Analysis<'m> {
    let mut a = Analysis::default();
    if cluster.ingresses.is_empty() && cluster.alb_configs.is_empty() {
        return a;
    }
    let members: Vec<&str> = cluster
        .fleet
        .iter()
        .flat_map(|f| f.members.iter())
        .filter_map(|m| m.member.cluster_id.as_ref().map(|c| c.value.as_str()))
        .collect();
    let mut gateways: Vec<Gateway<'m>> = cluster
        .alb_configs
        .iter()
        .map(|c| gateway_of(cluster, *c, &members, &mut a.findings))
        .collect();
    // Ingresses per AlbConfig, then ordered (reference §4.2).
    let mut bound: BTreeMap<usize, Vec<(i64, String, Obj<'m, Ingress>)>> = BTreeMap::new();
    for ing in &cluster.ingresses {
        let Some(config) = bind(cluster, *ing, &mut a.findings) else {
            continue;
        };
        let Some(gi) = gateways.iter().position(|g| g.config.name() == config.0) else {
            a.findings.push(
                Diagnostic::error(
                    "LBP7302",
                    format!(
                        "Ingress `{}/{}` uses AlbConfig `{}`, which is not in the inputs",
                        ing.namespace(),
                        ing.name(),
                        config.0
                    ),
                )
                .with_primary(config.1, "no AlbConfig with this name")
                .with_help("add the AlbConfig (seed 004 `gateway.yaml`) or correct the name"),
            );
            continue;
        };
        let order = order_of(*ing);
        bound.entry(gi).or_default().push((
            order.map_or(DEFAULT_ORDER, |o| o.0),
            format!("{}/{}", ing.namespace(), ing.name()),
            *ing,
        ));
    }
    for (gi, mut ings) in bound {
        report_order_conflicts(&ings, &mut a.findings);
        ings.sort_by(|x, y| (x.0, &x.1).cmp(&(y.0, &y.1)));
        let g = &mut gateways[gi];
        let mut next_priority = vec![1usize; g.listeners.len()];
        let mut weighted = Vec::new();
        for (_, _, ing) in ings {
            match canary_of(ing) {
                CanaryKind::Weighted(0) => {}
                CanaryKind::Weighted(w) => weighted.push((ing, w)),
                kind => rules_of(cluster, g, ing, kind, &mut next_priority, &mut a.findings),
            }
        }
        for (ing, w) in weighted {
            fold_canary(cluster, g, ing, w, &mut a.findings);
        }
    }
    a.gateways = gateways;
    a
}

/// The AlbConfig's listeners and member clusters, with the fleet rules (SPEC §6).
fn gateway_of<'m>(
    cluster: &Cluster<'m>,
    config: Obj<'m, AlbConfig>,
    members: &[&str],
    findings: &mut Vec<Diagnostic>,
) -> Gateway<'m> {
    let listeners = config
        .object
        .listeners
        .iter()
        .filter_map(|l| {
            Some(ListenerIr {
                listener: l,
                protocol: l.protocol_name().to_string(),
                port: l.port_number()?,
            })
        })
        .collect();
    check_zones(config, findings);
    let clusters = if cluster.fleet.is_some() {
        let clusters = remote_clusters(&cluster.sources, config, members, findings);
        check_sub_clusters(config, &clusters, findings);
        clusters
    } else {
        vec![cluster.cluster_id.to_string()]
    };
    Gateway {
        config,
        listeners,
        clusters,
        rules: Vec::new(),
        fleet: cluster.fleet.is_some(),
    }
}

fn name_span<T>(o: Obj<'_, T>) -> Span {
    o.manifest
        .meta
        .name
        .as_ref()
        .map_or(o.manifest.kind.span, |n| n.span)
}

/// Seed 004, Troubleshooting "Associated clusters not showing in subClusters": in a live
/// snapshot (the AlbConfig has a status), a remote cluster missing from
/// `status.loadBalancer.subClusters` is not connected and receives no traffic yet.
fn check_sub_clusters(
    config: Obj<'_, AlbConfig>,
    clusters: &[String],
    findings: &mut Vec<Diagnostic>,
) {
    let Some(id) = &config.object.status_id else {
        return;
    };
    let connected: Vec<&str> = config
        .object
        .status_sub_clusters
        .iter()
        .map(|c| c.value.as_str())
        .collect();
    for c in clusters.iter().filter(|c| !connected.contains(&c.as_str())) {
        findings.push(
            Diagnostic::warning(
                "LBP7321",
                format!(
                    "cluster `{c}` is not in `status.loadBalancer.subClusters` of AlbConfig `{}`",
                    config.name()
                ),
            )
            .with_primary(id.span, "the live gateway")
            .with_help("check that the cluster is associated with the Fleet and its id in `remote-clusters` is right (seed 004, Troubleshooting); `kubectl describe albconfig` shows the error"),
        );
    }
}

/// zoneMappings required (unless an ALB is reused); one zone → HA warning (seed 004).
fn check_zones(config: Obj<'_, AlbConfig>, findings: &mut Vec<Diagnostic>) {
    let Some(lb) = &config.object.config else {
        findings.push(no_zones(config, name_span(config)));
        return;
    };
    if lb.is_reused() {
        return;
    }
    match lb.zone_mappings.len() {
        0 => findings.push(no_zones(config, lb.zone_mappings_span.unwrap_or(lb.span))),
        1 => findings.push(
            Diagnostic::warning(
                "LBP7312",
                format!(
                    "AlbConfig `{}` places the ALB in one zone only",
                    config.name()
                ),
            )
            .with_primary(lb.zone_mappings[0].span, "the only zone mapping")
            .with_help("add a vSwitch in a second zone for high availability (seed 004, Step 1)"),
        ),
        _ => {}
    }
}

fn no_zones(config: Obj<'_, AlbConfig>, span: Span) -> Diagnostic {
    Diagnostic::error(
        "LBP7311",
        format!(
            "AlbConfig `{}` has no `spec.config.zoneMappings`",
            config.name()
        ),
    )
    .with_primary(span, "vSwitches are required to create the ALB")
    .with_help("add `zoneMappings: [{vSwitchId: <vsw-1>}, {vSwitchId: <vsw-2>}]` in two zones, or reuse an ALB with `spec.config.id`")
}

/// The fleet members listed in `remote-clusters`; other ids are reported.
fn remote_clusters(
    sources: &Sources,
    config: Obj<'_, AlbConfig>,
    members: &[&str],
    findings: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let Some(entry) = config.manifest.meta.annotations.get(REMOTE_CLUSTERS) else {
        findings.push(
            Diagnostic::error(
                "LBP7309",
                format!(
                    "AlbConfig `{}` on the Fleet lists no `{REMOTE_CLUSTERS}`",
                    config.name()
                ),
            )
            .with_primary(name_span(config), "no member cluster receives traffic")
            .with_help(format!(
                "add `{REMOTE_CLUSTERS}: {}` (the Fleet's associated clusters)",
                members.join(",")
            )),
        );
        return Vec::new();
    };
    let mut out: Vec<String> = Vec::new();
    let text = entry.value.value.as_str();
    let mut offset = 0;
    for raw in text.split(',') {
        let start = offset + (raw.len() - raw.trim_start().len());
        offset += raw.len() + 1;
        let id = raw.trim();
        if id.is_empty() || out.iter().any(|o| o == id) {
            continue;
        }
        if members.contains(&id) {
            out.push(id.to_string());
        } else {
            findings.push(
                Diagnostic::error(
                    "LBP7310",
                    format!("remote cluster `{id}` is not a member of the Fleet"),
                )
                .with_primary(
                    sources.in_value(entry, start, start + id.len()),
                    "not associated with the Fleet",
                )
                .with_help(if members.is_empty() {
                    "list the Fleet's member clusters under `spec.members` of the ClusterProfile"
                        .to_string()
                } else {
                    format!("the Fleet's members are: {}", members.join(", "))
                }),
            );
        }
    }
    out
}

/// The AlbConfig an Ingress uses (name and the span that named it), or `None` when the
/// Ingress is not the ALB controller's or its class is broken (reported here).
fn bind<'m>(
    cluster: &Cluster<'m>,
    ing: Obj<'m, Ingress>,
    findings: &mut Vec<Diagnostic>,
) -> Option<(String, Span)> {
    let meta = &ing.manifest.meta;
    let class_name = ing
        .object
        .ingress_class_name
        .as_ref()
        .map(|c| (c.value.as_str(), c.span))
        .or_else(|| {
            meta.annotations
                .get(CLASS_ANNOTATION)
                .map(|e| (e.value.value.as_str(), e.value.span))
        });
    let class: Option<Obj<'m, IngressClass>> = class_name.and_then(|(n, _)| {
        cluster
            .ingress_classes
            .iter()
            .find(|c| c.name() == n)
            .copied()
    });
    let ours = match (class, class_name) {
        (Some(c), _) => c
            .object
            .controller
            .as_ref()
            .is_some_and(|ctl| ctl.value == ALB_CONTROLLER),
        // Without the IngressClass object, only the legacy `alb` class is known to be ours.
        (None, Some((n, _))) => n == "alb",
        (None, None) => false,
    };
    if !ours {
        return None;
    }
    if let Some(e) = meta.annotations.get(ALBCONFIG_NAME) {
        return Some((e.value.value.to_string(), e.value.span));
    }
    let c = class?;
    match c.object.parameters.as_ref().and_then(|p| p.name.as_ref()) {
        Some(n) => Some((n.value.to_string(), n.span)),
        None => {
            findings.push(
                Diagnostic::error(
                    "LBP7301",
                    format!("albconfig must be referenced in IngressClass {}", c.name()),
                )
                .with_primary(
                    c.object
                        .controller
                        .as_ref()
                        .map_or(c.object.spec_span, |s| s.span),
                    "ALB IngressClass without `parameters`",
                )
                .with_secondary(
                    class_name.map_or(ing.manifest.kind.span, |c| c.1),
                    format!("Ingress `{}` uses this class", ing.name()),
                )
                .with_help("add `parameters: {apiGroup: alibabacloud.com, kind: AlbConfig, name: <albconfig>}` (seed 004, Step 1)"),
            );
            None
        }
    }
}

/// The explicit `order` (value and span), when written and an integer.
fn order_of(ing: Obj<'_, Ingress>) -> Option<(i64, Span)> {
    let e = ORDER_KEYS
        .iter()
        .find_map(|k| ing.manifest.meta.annotations.get(*k))?;
    parse_int(&e.value.value, 1, 1000)
        .ok()
        .map(|v| (v, e.value.span))
}

fn report_order_conflicts(
    ings: &[(i64, String, Obj<'_, Ingress>)],
    findings: &mut Vec<Diagnostic>,
) {
    let mut seen: BTreeMap<i64, (Span, &str)> = BTreeMap::new();
    for (_, id, ing) in ings {
        let Some((order, span)) = order_of(*ing) else {
            continue;
        };
        match seen.get(&order) {
            Some((first, other)) => findings.push(
                Diagnostic::error(
                    "LBP7314",
                    format!("conflict Ingress group order: {order} ({other} and {id})"),
                )
                .with_primary(span, "same order again")
                .with_secondary(*first, "first used here")
                .with_help(
                    "give each Ingress of the AlbConfig a distinct `order`, or leave it unset",
                ),
            ),
            None => {
                seen.insert(order, (span, id.as_str()));
            }
        }
    }
}

/// The (protocol, port) pairs an Ingress listens on and the span that asked for them.
fn listen_ports(sources: &Sources, ing: Obj<'_, Ingress>) -> Vec<(&'static str, i64, Span)> {
    let mut ports = requested_ports(sources, ing);
    if ssl_redirect(ing) && !ports.iter().any(|p| p.0 == "HTTP" && p.1 == 80) {
        ports.push(("HTTP", 80, name_span(ing)));
    }
    ports
}

/// The value of `<alb or nginx prefix><suffix>`, the ALB spelling first.
fn prefixed<'a>(ing: Obj<'a, Ingress>, suffix: &str) -> Option<&'a StringEntry> {
    PREFIXES
        .iter()
        .find_map(|p| ing.manifest.meta.annotations.get(&format!("{p}{suffix}")))
}

/// `ssl-redirect: "true"` (reference §4.4, §4.5): adds HTTP:80 and redirects there.
fn ssl_redirect(ing: Obj<'_, Ingress>) -> bool {
    prefixed(ing, "ssl-redirect").is_some_and(|e| e.value.value == "true")
}

/// How an Ingress takes part as a canary (reference §4.5).
#[derive(Debug, Clone)]
enum CanaryKind {
    None,
    /// `canary-weight` only: folded into the base Ingress's rule.
    Weighted(i64),
    /// `canary-by-header` / `canary-by-cookie`: its own rules with this extra condition.
    Matching(AlbCondition),
}

fn canary_of(ing: Obj<'_, Ingress>) -> CanaryKind {
    if prefixed(ing, "canary").is_none_or(|e| e.value.value != "true") {
        return CanaryKind::None;
    }
    let located = |v: &str| crate::annotations::grammar::Located::new(v.to_string(), 0, 0);
    if let Some(h) = prefixed(ing, "canary-by-header") {
        let value =
            prefixed(ing, "canary-by-header-value").map_or("always", |v| v.value.value.as_str());
        return CanaryKind::Matching(AlbCondition {
            kind: crate::annotations::grammar::Located::new(ConditionType::Header, 0, 0),
            key: Some(located(&h.value.value)),
            values: vec![located(value)],
            pairs: Vec::new(),
            start: 0,
            end: 0,
        });
    }
    if let Some(c) = prefixed(ing, "canary-by-cookie") {
        return CanaryKind::Matching(AlbCondition {
            kind: crate::annotations::grammar::Located::new(ConditionType::Cookie, 0, 0),
            key: None,
            values: Vec::new(),
            pairs: vec![crate::annotations::grammar::alb::ConditionPair {
                key: Some(located(&c.value.value)),
                value: located("always"),
            }],
            start: 0,
            end: 0,
        });
    }
    let weight = prefixed(ing, "canary-weight")
        .and_then(|w| parse_int(&w.value.value, 0, 100).ok())
        .unwrap_or(0);
    CanaryKind::Weighted(weight)
}

/// Adds a weighted canary to the base rules with the same host and path; the base keeps
/// `100 − Σcanary` (reference §4.5, §8 case 33).
fn fold_canary<'m>(
    cluster: &Cluster<'m>,
    g: &mut Gateway<'m>,
    ing: Obj<'m, Ingress>,
    weight: i64,
    findings: &mut Vec<Diagnostic>,
) {
    let weights = cluster_weights(ing, &g.clusters, cluster, findings);
    for rule in &ing.object.rules {
        let host = rule
            .host
            .as_ref()
            .filter(|h| !h.value.is_empty())
            .map(|h| h.value.to_string());
        let Some(http) = &rule.http else { continue };
        for path in &http.paths {
            let Some(paths) = path_patterns(path, findings) else {
                continue;
            };
            let Some((service, port, span)) = backend_of(path) else {
                continue;
            };
            let shares = shares_of(cluster, g, ing, &service, &weights, span, None);
            for base in g.rules.iter_mut().filter(|r| {
                r.host == host && r.paths == paths && r.ingress.namespace() == ing.namespace()
            }) {
                base.base_weight = (base.base_weight - weight).max(0);
                base.canaries.push(Canary {
                    ingress: ing,
                    service: service.clone(),
                    port: port.clone(),
                    weight,
                    shares: shares.clone(),
                });
            }
        }
    }
}

/// The listen ports the Ingress asks for, before ssl-redirect.
fn requested_ports(sources: &Sources, ing: Obj<'_, Ingress>) -> Vec<(&'static str, i64, Span)> {
    let meta = &ing.manifest.meta;
    if let Some(e) = meta.annotations.get(LISTEN_PORTS) {
        // Malformed values are reported by the annotation checks; the controller then
        // builds nothing for the Ingress.
        return parse_listen_ports(&e.value.value)
            .map(|ports| {
                ports
                    .iter()
                    .map(|p| {
                        let proto = match p.protocol.value {
                            ListenProtocol::Http => "HTTP",
                            ListenProtocol::Https => "HTTPS",
                            ListenProtocol::Quic => "QUIC",
                        };
                        let at = sources.in_value(e, p.protocol.start, p.port.end);
                        (proto, i64::from(p.port.value), at)
                    })
                    .collect()
            })
            .unwrap_or_default();
    }
    let span = name_span(ing);
    let tls_hosts: Vec<&str> = ing
        .object
        .tls
        .iter()
        .flat_map(|t| t.hosts.iter().map(|h| h.value.as_str()))
        .collect();
    if tls_hosts.is_empty() {
        return vec![("HTTP", 80, span)];
    }
    let mut out = vec![("HTTPS", 443, span)];
    let uncovered = ing.object.rules.iter().any(|r| {
        r.host
            .as_ref()
            .is_none_or(|h| !tls_hosts.contains(&h.value.as_str()))
    });
    if uncovered {
        out.push(("HTTP", 80, span));
    }
    out
}

/// The rules of one Ingress on every listener it lands on.
fn rules_of<'m>(
    cluster: &Cluster<'m>,
    g: &mut Gateway<'m>,
    ing: Obj<'m, Ingress>,
    canary: CanaryKind,
    next_priority: &mut [usize],
    findings: &mut Vec<Diagnostic>,
) {
    if g.listeners.is_empty() {
        findings.push(
            Diagnostic::error(
                "LBP7308",
                format!(
                    "Ingress `{}/{}` uses AlbConfig `{}`, which has no listeners",
                    ing.namespace(),
                    ing.name(),
                    g.config.name()
                ),
            )
            .with_primary(name_span(ing), "no listener to attach rules to")
            .with_secondary(
                g.config
                    .object
                    .spec_span
                    .unwrap_or(g.config.manifest.kind.span),
                "AlbConfig without `spec.listeners`",
            )
            .with_help("add `listeners: [{port: 80, protocol: HTTP}]` to the AlbConfig (seed 004 uses port 8001)"),
        );
        return;
    }
    let mut listener_ids = Vec::new();
    for (proto, port, span) in listen_ports(&cluster.sources, ing) {
        match g
            .listeners
            .iter()
            .position(|l| l.protocol == proto && l.port == port)
        {
            Some(i) if !listener_ids.contains(&i) => listener_ids.push(i),
            Some(_) => {}
            None => findings.push(
                Diagnostic::warning(
                    "LBP7307",
                    format!(
                        "Ingress `{}/{}` listens on {proto}:{port}, but AlbConfig `{}` has no such listener; the controller silently drops it",
                        ing.namespace(),
                        ing.name(),
                        g.config.name()
                    ),
                )
                .with_primary(span, format!("{proto}:{port} requested here"))
                .with_help(format!(
                    "add `{{port: {port}, protocol: {proto}}}` to `spec.listeners` of the AlbConfig, or listen on one of: {}",
                    g.listeners
                        .iter()
                        .map(|l| format!("{}:{}", l.protocol, l.port))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            ),
        }
    }
    let weights = cluster_weights(ing, &g.clusters, cluster, findings);
    let mut reported_services: Vec<String> = Vec::new();
    for (ri, rule) in ing.object.rules.iter().enumerate() {
        let Some(http) = &rule.http else { continue };
        for (pi, path) in http.paths.iter().enumerate() {
            let Some(paths) = path_patterns(path, findings) else {
                continue;
            };
            let Some((service, port, backend_span)) = backend_of(path) else {
                continue;
            };
            let mut conditions = ing
                .manifest
                .meta
                .annotations
                .get(&format!("{CONDITIONS_PREFIX}{service}"))
                .and_then(|e| parse_alb_conditions(&e.value.value).ok())
                .unwrap_or_default();
            if let CanaryKind::Matching(c) = &canary {
                conditions.push(c.clone());
            }
            let actions = ing
                .manifest
                .meta
                .annotations
                .get(&format!("{ACTIONS_PREFIX}{service}"))
                .and_then(|e| parse_alb_actions(&e.value.value).ok())
                .map(|a| a.actions)
                .unwrap_or_default();
            let forward = forward_targets(cluster, g, ing, &actions, &weights);
            let report = !reported_services.contains(&service);
            if report {
                reported_services.push(service.clone());
            }
            let shares = shares_of(
                cluster,
                g,
                ing,
                &service,
                &weights,
                backend_span,
                report.then_some(&mut *findings),
            );
            for &li in &listener_ids {
                g.rules.push(RuleIr {
                    ingress: ing,
                    listener: li,
                    priority: next_priority[li],
                    rule_index: ri,
                    path_index: pi,
                    host: rule
                        .host
                        .as_ref()
                        .filter(|h| !h.value.is_empty())
                        .map(|h| h.value.to_string()),
                    paths: paths.clone(),
                    conditions: conditions.clone(),
                    service: service.clone(),
                    port: port.clone(),
                    shares: shares.clone(),
                    // A final action in `actions.<svc>` replaces the implicit forward
                    // (the backend port is then `use-annotation`).
                    base_weight: if actions.iter().any(|a| a.kind.value.is_final()) {
                        0
                    } else {
                        100
                    },
                    canaries: forward.clone().unwrap_or_default(),
                    redirect: ssl_redirect(ing) && g.listeners[li].port != 443,
                    actions: actions.clone(),
                    span: path.span,
                });
                next_priority[li] += 1;
            }
        }
    }
}

/// A ForwardGroup in `actions.<svc>`: its Service tuples as weighted targets (each split
/// between clusters like the Ingress's own backend). `None` without one.
fn forward_targets<'m>(
    cluster: &Cluster<'m>,
    g: &Gateway<'m>,
    ing: Obj<'m, Ingress>,
    actions: &[AlbAction],
    weights: &Option<Vec<(String, i64, Span)>>,
) -> Option<Vec<Canary<'m>>> {
    let groups = actions.iter().find_map(|a| match &a.config {
        ActionConfig::ForwardGroup { server_groups, .. } => Some(server_groups),
        _ => None,
    })?;
    Some(
        groups
            .iter()
            .filter_map(|t| {
                let service = t.service_name.as_ref()?.value.clone();
                let port = t.service_port.as_ref()?.value.to_string();
                let shares = shares_of(cluster, g, ing, &service, weights, name_span(ing), None);
                Some(Canary {
                    ingress: ing,
                    service,
                    port,
                    weight: t.weight.as_ref().map_or(100, |w| i64::from(w.value)),
                    shares,
                })
            })
            .collect(),
    )
}

/// The ALB path patterns of an Ingress path (reference §4.5); `None` after a wildcard
/// error (reported).
fn path_patterns(p: &HttpPath, findings: &mut Vec<Diagnostic>) -> Option<Vec<String>> {
    let text = p
        .path
        .as_ref()
        .map(|s| s.value.as_str())
        .filter(|s| !s.is_empty())
        .unwrap_or("/");
    let kind = p
        .path_type
        .as_ref()
        .map_or("ImplementationSpecific", |t| t.value.as_str());
    let wildcard = text.contains(['*', '?']);
    match kind {
        "Exact" | "Prefix" if wildcard => {
            findings.push(
                Diagnostic::error(
                    "LBP7313",
                    format!(
                        "{} path shouldn't contain wildcards: {text}",
                        kind.to_ascii_lowercase()
                    ),
                )
                .with_primary(p.path.as_ref().map_or(p.span, |s| s.span), "wildcard here")
                .with_help(format!(
                    "remove `*` and `?` ({kind} already matches {}), or use `pathType: ImplementationSpecific` to pass the pattern to ALB as is",
                    if kind == "Prefix" { "everything below the path" } else { "the path only" }
                )),
            );
            None
        }
        "Prefix" if text == "/" => Some(vec!["/*".to_string()]),
        "Prefix" => {
            let base = text.trim_end_matches('/');
            Some(vec![base.to_string(), format!("{base}/*")])
        }
        _ => Some(vec![text.to_string()]),
    }
}

fn backend_of(p: &HttpPath) -> Option<(String, String, Span)> {
    let svc = p.backend.as_ref()?.service.as_ref()?;
    let name_span = svc.name.as_ref()?.span;
    let name = svc.name.as_ref()?.value.to_string();
    let port = svc.port.as_ref()?;
    let port = match (&port.number, &port.name) {
        (Some(n), _) => n.value.to_string(),
        (None, Some(n)) => n.value.to_string(),
        (None, None) => return None,
    };
    Some((name, port, name_span))
}

/// The explicit weights of an Ingress: `Some` when at least one `cluster-weight.<id>` of a
/// gateway cluster is written, whether or not they sum to 100 (reported here).
fn cluster_weights<'m>(
    ing: Obj<'m, Ingress>,
    gateway_clusters: &[String],
    cluster: &Cluster<'m>,
    findings: &mut Vec<Diagnostic>,
) -> Option<Vec<(String, i64, Span)>> {
    let entries: Vec<(&str, &StringEntry)> = ing
        .manifest
        .meta
        .annotations
        .iter()
        .filter_map(|(k, e)| Some((k.strip_prefix(CLUSTER_WEIGHT_PREFIX)?, e)))
        .collect();
    if entries.is_empty() {
        return None;
    }
    let mut weights = Vec::new();
    for (id, e) in entries {
        // Values outside 0–100 are reported by the annotation checks.
        let Ok(w) = parse_int(&e.value.value, 0, 100) else {
            continue;
        };
        if gateway_clusters.iter().any(|c| c == id) {
            weights.push((id.to_string(), w, e.value.span));
            continue;
        }
        let why = if cluster.fleet.is_none() {
            "this cluster is not an ACK One Fleet".to_string()
        } else if gateway_clusters.is_empty() {
            "the AlbConfig lists no remote clusters".to_string()
        } else {
            format!("gateway clusters: {}", gateway_clusters.join(", "))
        };
        findings.push(
            Diagnostic::warning(
                "LBP7304",
                format!("cluster `{id}` is not a member of the gateway; its weight is skipped"),
            )
            .with_primary(id_in_key(&cluster.sources, e), "unknown cluster id")
            .with_help(format!(
                "correct the id or add the cluster to the Fleet and to `{REMOTE_CLUSTERS}` ({why})"
            )),
        );
    }
    if weights.is_empty() {
        return None;
    }
    let sum: i64 = weights.iter().map(|w| w.1).sum();
    if sum != 100 {
        let mut d = Diagnostic::error(
            "LBP7303",
            format!(
                "cluster weights of Ingress `{}/{}` sum to {sum}, not 100",
                ing.namespace(),
                ing.name()
            ),
        )
        .with_primary(weights[0].2, format!("{} of {sum}", weights[0].1));
        for (_, w, span) in &weights[1..] {
            d = d.with_secondary(*span, format!("{w} of {sum}"));
        }
        findings.push(d.with_help(format!(
            "change the weights so they add up to 100 ({}); a single \"100\" sends all traffic to one cluster",
            weights
                .iter()
                .map(|(id, w, _)| format!("{id}: {w}"))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    Some(weights)
}

/// The cluster id inside a `cluster-weight.<id>` key, when the key is written unquoted.
fn id_in_key(sources: &Sources, e: &StringEntry) -> Span {
    let raw = sources.0.get(e.key.span.file).slice(e.key.span);
    if raw == e.key.value {
        e.key.span.sub(CLUSTER_WEIGHT_PREFIX.len(), raw.len())
    } else {
        e.key.span
    }
}

/// The split of one backend Service's traffic between the gateway's clusters. Findings
/// about readiness are reported once per (Ingress, Service) (`findings` is `None` after).
fn shares_of<'m>(
    cluster: &Cluster<'m>,
    g: &Gateway<'m>,
    ing: Obj<'m, Ingress>,
    service: &str,
    weights: &Option<Vec<(String, i64, Span)>>,
    span: Span,
    mut findings: Option<&mut Vec<Diagnostic>>,
) -> Vec<Share> {
    let ns = ing.namespace();
    if cluster.fleet.is_none() {
        // One cluster: the controller forwards everything to its own server group.
        return vec![Share {
            cluster: cluster.cluster_id.to_string(),
            weight: 100,
            ready: readiness_in(cluster, cluster.cluster_id, ns, service).map(|r| r.ready),
            explicit: false,
        }];
    }
    let readiness: Vec<(String, Option<Readiness>)> = g
        .clusters
        .iter()
        .map(|id| (id.clone(), readiness_in(cluster, id, ns, service)))
        .collect();
    if let Some(f) = findings.as_deref_mut() {
        report_readiness(&readiness, ns, service, span, f);
    }
    match weights {
        Some(ws) => readiness
            .iter()
            .map(|(id, r)| {
                let w = ws.iter().find(|w| &w.0 == id);
                let ready = r.map(|r| r.ready);
                if let (Some((_, weight, wspan)), Some(f)) = (w, findings.as_deref_mut())
                    && *weight > 0
                    && ready.unwrap_or(0) == 0
                {
                    f.push(
                        Diagnostic::warning(
                            "LBP7305",
                            format!(
                                "cluster `{id}` receives {weight}% of Ingress `{ns}/{}` but has no ready backends of Service `{service}`",
                                ing.name()
                            ),
                        )
                        .with_primary(*wspan, "weight to an empty cluster")
                        .with_help(if ready.is_none() {
                            format!("add Service {ns}/{service} to the manifests of cluster `{id}`, or move its weight elsewhere")
                        } else {
                            format!("scale up the workload behind {ns}/{service} in cluster `{id}`, or move its weight elsewhere")
                        }),
                    );
                }
                Share {
                    cluster: id.clone(),
                    weight: w.map_or(0, |w| w.1),
                    ready,
                    explicit: true,
                }
            })
            .collect(),
        None => proportional(&readiness, ing, service, span, findings),
    }
}

fn report_readiness(
    readiness: &[(String, Option<Readiness>)],
    ns: &str,
    service: &str,
    span: Span,
    findings: &mut Vec<Diagnostic>,
) {
    if !readiness.is_empty() && readiness.iter().all(|(_, r)| r.is_none()) {
        findings.push(
            Diagnostic::error(
                "LBP7315",
                format!("Service `{ns}/{service}` is in none of the gateway's clusters"),
            )
            .with_primary(span, "backend not found")
            .with_help(format!(
                "add the Service to the manifests of one of: {}",
                readiness
                    .iter()
                    .map(|r| r.0.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        );
    }
    let assumed: Vec<String> = readiness
        .iter()
        .filter_map(|(id, r)| {
            r.filter(|r| r.assumed)
                .map(|r| format!("{id}: {} ready", r.ready))
        })
        .collect();
    if !assumed.is_empty() {
        findings.push(
            Diagnostic::advice(
                "LBP7316",
                format!(
                    "ready replicas of Service `{ns}/{service}` assumed from `spec.replicas` ({})",
                    assumed.join(", ")
                ),
            )
            .with_primary(span, "split by ready replicas")
            .with_help(
                "the workloads report no `status`; the real split follows readiness at apply time",
            ),
        );
    }
}

/// Seed 004, Example 1: weights proportional to ready replicas, as integers summing to 100
/// (largest remainder, ties to the earlier cluster).
fn proportional(
    readiness: &[(String, Option<Readiness>)],
    ing: Obj<'_, Ingress>,
    service: &str,
    span: Span,
    findings: Option<&mut Vec<Diagnostic>>,
) -> Vec<Share> {
    let ready: Vec<i64> = readiness
        .iter()
        .map(|(_, r)| r.map_or(0, |r| r.ready.max(0)))
        .collect();
    let total: i64 = ready.iter().sum();
    let weights = if total == 0 {
        if let Some(f) = findings
            && readiness.iter().any(|(_, r)| r.is_some())
        {
            f.push(
                Diagnostic::warning(
                    "LBP7306",
                    format!(
                        "no gateway cluster has a ready replica of Service `{}/{service}`",
                        ing.namespace()
                    ),
                )
                .with_primary(span, "every request of this rule fails")
                .with_help(
                    "scale up the workload behind the Service in at least one member cluster",
                ),
            );
        }
        vec![0; ready.len()]
    } else {
        largest_remainder(&ready, total)
    };
    readiness
        .iter()
        .zip(weights)
        .map(|((id, r), weight)| Share {
            cluster: id.clone(),
            weight,
            ready: r.map(|r| r.ready),
            explicit: false,
        })
        .collect()
}

/// Integer percentages of `parts` (summing to 100).
fn largest_remainder(parts: &[i64], total: i64) -> Vec<i64> {
    let mut out: Vec<i64> = parts.iter().map(|p| p * 100 / total).collect();
    let mut left = 100 - out.iter().sum::<i64>();
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(parts[i] * 100 % total), i));
    for i in order {
        if left == 0 {
            break;
        }
        out[i] += 1;
        left -= 1;
    }
    out
}

/// Ready replicas of Service `ns/name` in the cluster `id` (the fleet's member, or the
/// cluster itself); `None` when the Service is not there.
fn readiness_in(cluster: &Cluster<'_>, id: &str, ns: &str, name: &str) -> Option<Readiness> {
    let target: &Cluster = match &cluster.fleet {
        Some(f) => f
            .members
            .iter()
            .filter_map(|m| m.cluster.as_deref())
            .find(|c| c.cluster_id == id)?,
        None => cluster,
    };
    let svc = target
        .services
        .iter()
        .find(|s| s.namespace() == ns && s.name() == name)?;
    let selector = &svc.obj.object.selector;
    let selects = |labels: &crate::manifest::decode::StringMap| {
        !selector.is_empty()
            && selector.iter().all(|(k, e)| {
                labels
                    .get(k)
                    .is_some_and(|l| l.value.value == e.value.value)
            })
    };
    let pods: Vec<_> = target
        .pods
        .iter()
        .filter(|p| p.namespace() == ns && selects(p.labels()))
        .collect();
    if !pods.is_empty() {
        return Some(Readiness {
            ready: pods.iter().filter(|p| p.object.is_ready()).count() as i64,
            assumed: false,
        });
    }
    let mut r = Readiness {
        ready: 0,
        assumed: false,
    };
    for w in target
        .workloads
        .iter()
        .filter(|w| w.namespace() == ns && selects(w.object.pod_labels()))
    {
        match w.object.ready_count() {
            Some(n) => r.ready += n,
            None => {
                r.ready += w.object.desired_replicas().unwrap_or(0);
                r.assumed = true;
            }
        }
    }
    Some(r)
}

/// The condition's ALB name (`Header`) and Terraform block (`header_config`).
pub fn condition_block(kind: ConditionType) -> (&'static str, &'static str) {
    match kind {
        ConditionType::Header => ("Header", "header_config"),
        ConditionType::Cookie => ("Cookie", "cookie_config"),
        ConditionType::QueryString => ("QueryString", "query_string_config"),
        ConditionType::Host => ("Host", "host_config"),
        ConditionType::Path => ("Path", "path_config"),
        ConditionType::Method => ("Method", "method_config"),
        ConditionType::SourceIp => ("SourceIp", "source_ip_config"),
        ConditionType::ResponseHeader => ("ResponseHeader", "response_header_config"),
        ConditionType::ResponseStatusCode => ("ResponseStatusCode", "response_status_code_config"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(text: &str, ty: &str) -> HttpPath {
        let span = Span::new(crate::source::FileId(0), 0, 0);
        HttpPath {
            span,
            field: "spec.rules[0].http.paths[0]".into(),
            path: Some(crate::manifest::decode::Spanned::new(text.into(), span)),
            path_type: Some(crate::manifest::decode::Spanned::new(ty.into(), span)),
            backend: None,
        }
    }

    /// reference §4.5 and §8 case 31: Prefix `/` → `/*`, Prefix `/p/` → `/p`, `/p/*`,
    /// wildcards refused in Exact and Prefix only.
    #[test]
    fn path_patterns_follow_the_controller() {
        let mut f = Vec::new();
        assert_eq!(
            path_patterns(&path("/", "Prefix"), &mut f),
            Some(vec!["/*".into()])
        );
        assert_eq!(
            path_patterns(&path("/p/", "Prefix"), &mut f),
            Some(vec!["/p".into(), "/p/*".into()])
        );
        assert_eq!(
            path_patterns(&path("/e", "Exact"), &mut f),
            Some(vec!["/e".into()])
        );
        assert!(f.is_empty());
        assert_eq!(path_patterns(&path("/a?", "Exact"), &mut f), None);
        assert_eq!(f[0].message, "exact path shouldn't contain wildcards: /a?");
        assert_eq!(
            path_patterns(&path("/a*", "ImplementationSpecific"), &mut f),
            Some(vec!["/a*".into()])
        );
    }

    #[test]
    fn percentages_sum_to_100() {
        // seed 004_cb008e09db351138.txt, "Example 1: Default load balancing": by replicas.
        assert_eq!(largest_remainder(&[3, 1], 4), [75, 25]);
        assert_eq!(largest_remainder(&[1, 1, 1], 3), [34, 33, 33]);
        assert_eq!(largest_remainder(&[2, 0], 2), [100, 0]);
    }
}
