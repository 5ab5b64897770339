//! The ECM ELB rules of SPEC §3 that need the resolved topology (which pools a Service
//! fans out to, and each pool's effective annotations). Rules that need only one object
//! live in `check` (ECM older than 2.1.0 is LBP2109 there); missing pool annotations and
//! selectors that match nothing are reported by `topology` (LBP6010, LBP6011).
//!
//! Each rule is one function returning its findings, so each can be tested alone; the
//! driver [`check_cluster`] runs them all and drops repeats (a Service-level annotation is
//! seen once per matched pool, but is one mistake).

use std::collections::{BTreeMap, HashSet};

use crate::annotations::grammar::scalar::parse_int;
use crate::diag::{Diagnostic, Diagnostics};
use crate::ir::{EffectiveValue, LbClass, Protocol, Route, ServiceIr, TrafficPolicy};
use crate::source::Span;
use crate::topology::Resolved;

use super::build::{NAME_LIMIT, PoolSettings, key};

/// Codes of this module (registered in `diag::codes::elb`).
pub mod codes {
    /// `…-loadbalancer-id` without `managed-by-user: "true"` (reference §8 case 51).
    pub const ID_WITHOUT_MANAGED_BY_USER: &str = "LBP7001";
    /// Several Services on one ELB without self-managed + `Cluster` (seed 000 usage notes).
    pub const SHARED_ELB: &str = "LBP7002";
    /// A Service port that is neither TCP nor UDP (reference §6.4).
    pub const UNSUPPORTED_PROTOCOL: &str = "LBP7003";
    /// `persistence-timeout` non-zero with `Cluster` (reference §8 case 53).
    pub const PERSISTENCE_WITH_CLUSTER: &str = "LBP7004";
    /// Two pools produce the same ELB/EIP name (seed 000 usage notes).
    pub const NAME_COLLISION: &str = "LBP7005";
    /// The name was cut at 80 characters (reference §6.3).
    pub const NAME_CUT: &str = "LBP7006";
    /// `force-override-listeners` on a reused ELB with `Local` (reference §8 case 52).
    pub const FORCE_OVERRIDE_LOCAL: &str = "LBP7007";
    /// Self-managed pool without an ELB id (reference §8 case 50).
    pub const WAITS_FOR_ID: &str = "LBP7008";
    /// PoolServices of a class no controller serves.
    pub const FOREIGN_POOL_CLASS: &str = "LBP7009";
}

/// A (Service, pool) pair that names an existing ELB: what [`shared_elb`] reads of it.
struct ElbUse<'a, 'm> {
    service: &'a ServiceIr<'m>,
    id: EffectiveValue<'m>,
    managed_by_user: bool,
}

/// A (Service, pool) pair whose ELB and EIP the ECM names: what [`name_collisions`] reads
/// of it.
struct NamedPair<'a, 'm> {
    service: &'a ServiceIr<'m>,
    pool: &'m str,
    name: Box<str>,
    /// Its place among the pairs as they were made, which orders a collision's pairs.
    made: usize,
}

/// What the cross-pair rules need of every pair. A fleet has tens of thousands of pairs,
/// so their settings are dropped once the per-pair rules have run and only these few
/// fields are kept.
#[derive(Default)]
struct CrossPair<'a, 'm> {
    elb_uses: Vec<ElbUse<'a, 'm>>,
    names: Vec<NamedPair<'a, 'm>>,
}

impl<'a, 'm> CrossPair<'a, 'm> {
    fn note(&mut self, service: &'a ServiceIr<'m>, s: PoolSettings<'m>) {
        if let Some(id) = s.lb_id {
            self.elb_uses.push(ElbUse {
                service,
                id,
                managed_by_user: s.managed_by_user,
            });
        }
        if !s.managed_by_user {
            self.names.push(NamedPair {
                service,
                pool: s.pool.name(),
                name: s.name.into_boxed_str(),
                made: self.names.len(),
            });
        }
    }

    /// Shared ELBs by id, then name collisions by name.
    fn findings(mut self) -> Vec<Diagnostic> {
        let mut found = shared_elb(&self.elb_uses);
        found.extend(name_collisions(&mut self.names));
        found
    }
}

/// Findings kept in the order they are made, each (code, place, message) once: a
/// Service-level annotation is seen once per matched pool, but is one mistake.
#[derive(Default)]
struct Findings {
    seen: HashSet<(&'static str, Option<Span>, String)>,
    kept: Vec<Diagnostic>,
}

impl Findings {
    fn add(&mut self, found: impl IntoIterator<Item = Diagnostic>) {
        for d in found {
            let k = (d.code, d.primary().map(|l| l.span), d.message.clone());
            if self.seen.insert(k) {
                self.kept.push(d);
            }
        }
    }
}

/// The rules that read one (Service, pool) pair alone.
fn pair_findings(service: &ServiceIr, s: &PoolSettings) -> impl Iterator<Item = Diagnostic> {
    [
        id_without_managed_by_user(service, s),
        persistence_with_cluster(service, s),
        force_override_local(service, s),
        waits_for_id(service, s),
        name_cut(service, s),
    ]
    .into_iter()
    .flatten()
}

/// Runs every ELB rule over one cluster. The pair rules run as each pair is made; their
/// findings follow the Service rules' in the diagnostics, and the cross-pair ones come
/// last.
pub fn check_cluster(r: &Resolved, diags: &mut Diagnostics) {
    let mut findings = Findings::default();
    let mut cross = CrossPair::default();
    for st in &r.topology.services {
        let service = &r.cluster.services[st.service];
        if let Some(d) = foreign_pool_class(service) {
            diags.push(d);
        }
        if !matches!(
            &service.route,
            Route::PoolServices {
                class: LbClass::Elb,
                ..
            }
        ) {
            continue;
        }
        for d in unsupported_protocols(service) {
            diags.push(d);
        }
        for m in st.matches(&r.cluster) {
            let settings = PoolSettings::new(&r.cluster, service, &m);
            findings.add(pair_findings(service, &settings));
            cross.note(service, settings);
        }
    }
    findings.add(cross.findings());
    for d in findings.kept {
        diags.push(d);
    }
}

fn name_span(s: &ServiceIr) -> Span {
    s.obj
        .manifest
        .meta
        .name
        .as_ref()
        .map_or(s.obj.manifest.span, |n| n.span)
}

/// Reference §8 case 51: ECM refuses an ELB id unless `managed-by-user` is true
/// (`ValidateAnnotationFailed`, no requeue): nothing is created for that pool.
fn id_without_managed_by_user(service: &ServiceIr, s: &PoolSettings) -> Option<Diagnostic> {
    let id = s.lb_id?;
    if s.managed_by_user {
        return None;
    }
    // A Service-level id is one mistake for every pool; a PoolService one concerns its pool.
    let (on, scope) = if id.origin == crate::ir::Origin::PoolService {
        (
            format!("PoolService `{}`", s.poolservice_name),
            format!("pool `{}`", s.pool.name()),
        )
    } else {
        (
            format!("Service `{}`", service.address_stem()),
            "any pool".to_string(),
        )
    };
    Some(
        Diagnostic::error(
            codes::ID_WITHOUT_MANAGED_BY_USER,
            format!(
                "ELB id `{}` on {on} without `managed-by-user: \"true\"`: the ECM refuses it and builds nothing for {scope}",
                id.value
            ),
        )
        .with_primary(id.entry.value.span, "an existing ELB id")
        .with_help(format!(
            "to use your own ELB, also set `{}: \"true\"` on the Service (seed 000, Option B); to let the ECM create one, remove the id",
            key!("managed-by-user")
        )),
    )
}

/// Seed 000 usage notes: "To share one ELB instance across multiple Services, use
/// self-managed EIPs and ELB instances, and set externalTrafficPolicy to Cluster."
fn shared_elb(uses: &[ElbUse]) -> Vec<Diagnostic> {
    let mut by_id: BTreeMap<&str, Vec<&ElbUse>> = BTreeMap::new();
    for u in uses {
        by_id.entry(u.id.value).or_default().push(u);
    }
    let mut out = Vec::new();
    for (id, users) in by_id {
        let mut services: Vec<String> = users.iter().map(|u| u.service.address_stem()).collect();
        services.sort();
        services.dedup();
        if services.len() < 2 {
            continue;
        }
        let Some(bad) = users.iter().find(|u| {
            !u.managed_by_user || u.service.traffic_policy.value != TrafficPolicy::Cluster
        }) else {
            continue;
        };
        let why = if bad.managed_by_user {
            format!(
                "`{}` uses externalTrafficPolicy Local",
                bad.service.address_stem()
            )
        } else {
            format!("`{}` is not self-managed", bad.service.address_stem())
        };
        let mut d = Diagnostic::error(
            codes::SHARED_ELB,
            format!(
                "Services {} share ELB `{id}`, but {why}: only self-managed Services with externalTrafficPolicy Cluster may share an ELB",
                services.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(" and ")
            ),
        )
        .with_help("give each Service its own ELB, or make all of them self-managed (`managed-by-user: \"true\"`) with `externalTrafficPolicy: Cluster` (seed 000, usage notes)");
        let mut first = true;
        for u in &users {
            let span = u.id.entry.value.span;
            let msg = format!("`{}` uses `{id}`", u.service.address_stem());
            d = if first {
                d.with_primary(span, msg)
            } else {
                d.with_secondary(span, msg)
            };
            first = false;
        }
        out.push(d);
    }
    out
}

/// Reference §6.4: only TCP and UDP listeners exist ("unknown listening protocol sctp").
fn unsupported_protocols(service: &ServiceIr) -> Vec<Diagnostic> {
    service
        .ports
        .iter()
        .filter(|p| !matches!(p.protocol.value, Protocol::Tcp | Protocol::Udp))
        .map(|p| {
            let span = p.protocol.span.unwrap_or(p.port.span);
            Diagnostic::error(
                codes::UNSUPPORTED_PROTOCOL,
                format!(
                    "port {}/{} of Service `{}` cannot be an ELB listener: the ECM supports TCP and UDP only",
                    p.number,
                    p.protocol.value.as_str(),
                    service.address_stem()
                ),
            )
            .with_primary(span, "ELB listeners are TCP or UDP")
            .with_help("use protocol TCP or UDP for this port, or expose it through another Service")
        })
        .collect()
}

/// Reference §8 case 53: "session persistence not support external traffic policy using
/// cluster mode".
fn persistence_with_cluster(service: &ServiceIr, s: &PoolSettings) -> Option<Diagnostic> {
    let v = s.ann(key!("persistence-timeout"))?;
    if service.traffic_policy.value != TrafficPolicy::Cluster {
        return None;
    }
    let n = parse_int(v.value, 0, 3600).ok()?;
    if n == 0 {
        return None;
    }
    let mut d = Diagnostic::error(
        codes::PERSISTENCE_WITH_CLUSTER,
        format!(
            "`persistence-timeout: {n}` needs externalTrafficPolicy Local; Service `{}` uses Cluster (ECM: \"session persistence not support external traffic policy using cluster mode\")",
            service.address_stem()
        ),
    )
    .with_primary(v.entry.value.span, "session persistence")
    .with_help("set `externalTrafficPolicy: Local`, or remove the annotation (or set it to 0)");
    if let Some(span) = service.traffic_policy.span {
        d = d.with_secondary(span, "Cluster");
    }
    Some(d)
}

/// Reference §8 case 52: reusing an ELB with `force-override-listeners` needs `Cluster`.
fn force_override_local(service: &ServiceIr, s: &PoolSettings) -> Option<Diagnostic> {
    let f = s.force_override?;
    let id = s.lb_id?;
    if service.traffic_policy.value != TrafficPolicy::Local {
        return None;
    }
    let mut d = Diagnostic::error(
        codes::FORCE_OVERRIDE_LOCAL,
        format!(
            "Service `{}` reuses ELB `{}` with `force-override-listeners` but externalTrafficPolicy Local (ECM: \"the spec.externalTrafficPolicy must be specified Cluster if elb is reused\")",
            service.address_stem(),
            id.value
        ),
    )
    .with_primary(f.entry.value.span, "overrides the listeners of a reused ELB")
    .with_secondary(id.entry.value.span, "the reused ELB");
    if let Some(span) = service.traffic_policy.span {
        d = d.with_secondary(span, "Local");
    }
    Some(d.with_help("set `externalTrafficPolicy: Cluster`, or drop `force-override-listeners`"))
}

/// Reference §8 case 50: a self-managed pool without an id waits (`WaitBindLoadBalancer`).
fn waits_for_id(service: &ServiceIr, s: &PoolSettings) -> Option<Diagnostic> {
    if !s.managed_by_user || s.lb_id.is_some() {
        return None;
    }
    let pool = s.pool.name();
    let region = s.region.unwrap_or("(unknown region)");
    Some(
        Diagnostic::warning(
            codes::WAITS_FOR_ID,
            format!("pool {pool} waits for an ELB id: nothing is exposed in region {region}"),
        )
        .with_primary(
            name_span(service),
            format!("self-managed Service `{}`", service.address_stem()),
        )
        .with_help(format!(
            "kubectl annotate ps {} -n {} {}=lb-xxx (seed 000, Option B step 4)",
            s.poolservice_name,
            service.namespace(),
            crate::manifest::poolservice::LOADBALANCER_ID_ANNOTATION
        )),
    )
}

/// Reference §6.3: names longer than 80 characters are cut, which can make two ELBs share
/// a name (and the ECM finds ELBs by name).
fn name_cut(service: &ServiceIr, s: &PoolSettings) -> Option<Diagnostic> {
    if s.managed_by_user || s.named_key.chars().count() <= NAME_LIMIT {
        return None;
    }
    Some(
        Diagnostic::warning(
            codes::NAME_CUT,
            format!(
                "the ELB and EIP name of pool `{}` is cut to {NAME_LIMIT} characters: `{}`",
                s.pool.name(),
                s.name
            ),
        )
        .with_primary(name_span(service), "long Service name")
        .with_help(format!(
            "the full name `{}` does not fit; shorten the Service, namespace or pool name so names stay unique",
            s.named_key
        )),
    )
}

/// Seed 000 usage notes: "Avoid duplicate names to prevent accidental deletion" — the ECM
/// looks ELBs and EIPs up by name, so two pairs with one name fight over one ELB. One
/// finding per name, by name; its pairs in the order they were made.
fn name_collisions(named: &mut [NamedPair]) -> Vec<Diagnostic> {
    // In place: a stable sort would copy a fleet's pairs to a scratch buffer.
    named.sort_unstable_by(|a, b| (&a.name, a.made).cmp(&(&b.name, b.made)));
    named
        .chunk_by(|a, b| a.name == b.name)
        .filter_map(|ps| match ps {
            [first, _, ..] => Some(name_collision(&first.name, ps)),
            _ => None,
        })
        .collect()
}

/// The finding for the pairs `ps` that all get `name`.
fn name_collision(name: &str, ps: &[NamedPair]) -> Diagnostic {
    let who: Vec<String> = ps
        .iter()
        .map(|p| format!("`{}` on pool `{}`", p.service.address_stem(), p.pool))
        .collect();
    let mut d = Diagnostic::error(
        codes::NAME_COLLISION,
        format!("{} get the same ELB and EIP name `{name}`", who.join(" and ")),
    )
    .with_help("the ECM finds ELBs and EIPs by name, so one would adopt or delete the other's; shorten the names so they differ within 80 characters (seed 000, usage notes)");
    for (i, p) in ps.iter().enumerate() {
        let msg = format!("named `{name}`");
        d = if i == 0 {
            d.with_primary(name_span(p.service), msg)
        } else {
            d.with_secondary(name_span(p.service), msg)
        };
    }
    d
}

#[cfg(test)]
mod tests;

/// OpenYurt creates PoolServices for *any* class with a node pool selector (reference §1),
/// but only `alibabacloud.com/elb` PoolServices get an ELB from the ECM; with another class
/// (typically a typo) every pool gets a PoolService and nothing is ever exposed.
fn foreign_pool_class(service: &ServiceIr) -> Option<Diagnostic> {
    let Route::PoolServices {
        class: LbClass::Other,
        class_span,
        ..
    } = &service.route
    else {
        return None;
    };
    let class = service
        .obj
        .object
        .load_balancer_class
        .as_ref()?
        .value
        .as_str();
    let elb = "alibabacloud.com/elb";
    let help = match crate::annotations::suggest(class, [elb]) {
        Some(s) => format!(
            "did you mean `{s}`? Only that class makes the ECM build an ELB per PoolService"
        ),
        None => format!(
            "use `loadBalancerClass: {elb}` to expose the Service through ELB in every selected pool"
        ),
    };
    Some(
        Diagnostic::warning(
            codes::FOREIGN_POOL_CLASS,
            format!(
                "Service `{}` gets PoolServices of class `{class}`, which no controller turns into load balancers",
                service.obj.name()
            ),
        )
        .with_primary(*class_span, "no controller serves this class")
        .with_help(help),
    )
}
