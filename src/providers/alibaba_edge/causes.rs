//! Why an ELB resource appears in or disappears from the plan, in manifest terms.
//!
//! Seed 000 warns that deleting the Service, deleting a pool, changing the selector or
//! relabelling a pool deletes that pool's ELB and EIP. A plan that only said "no longer
//! produced" would hide which of these edits did it, so [`ElbCauses`] answers with the edit:
//! it reads the current manifests (the resolved clusters, borrowed, and their topology for
//! which pools each selector matches) and the prior model (the selector each PoolService
//! was planned with), and takes the Service, pool and port out of the address
//! (`<kind>.<ns>/<svc>/<pool>/…`).

use std::cell::RefCell;
use std::collections::HashMap;

use crate::ir::{NODEPOOL_SELECTOR, Obj, Route, ServiceIr, ServiceType};
use crate::manifest::nodepool::NodePool;
use crate::model::{Model, Value};
use crate::plan::{CauseSite, Causes};
use crate::source::Span;
use crate::topology::{PoolId, Resolved};

/// The Service annotation that makes ELBs self-managed (retained on deletion).
const MANAGED_BY_USER: &str =
    "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-managed-by-user";

/// The address prefix of a PoolService (`pool_service.<ns>/<svc>-<pool>`).
const POOL_SERVICE: &str = "pool_service.";

/// (namespace, service, pool) of one PoolService.
type Pair<'s> = (&'s str, &'s str, &'s str);

/// One resolved cluster and its Services by (namespace, name): the only index the causes
/// add to what the topology already knows (pools are sorted by name, matched pools are
/// kept per Service).
#[derive(Debug)]
struct ClusterIndex<'a> {
    resolved: &'a Resolved<'a>,
    services: HashMap<(&'a str, &'a str), usize>,
}

impl<'a> ClusterIndex<'a> {
    fn new(resolved: &'a Resolved<'a>) -> Self {
        let services = resolved
            .cluster
            .services
            .iter()
            .enumerate()
            .map(|(i, s)| ((s.namespace(), s.name()), i))
            .collect();
        ClusterIndex { resolved, services }
    }

    fn service(&self, namespace: &str, name: &str) -> Option<(usize, &'a ServiceIr<'a>)> {
        let i = *self.services.get(&(namespace, name))?;
        Some((i, &self.resolved.cluster.services[i]))
    }

    fn pool_id(&self, name: &str) -> Option<PoolId> {
        let pools = &self.resolved.cluster.node_pools;
        let i = pools.binary_search_by(|p| p.name().cmp(name)).ok()?;
        Some(PoolId(i as u32))
    }

    fn pool(&self, name: &str) -> Option<Obj<'a, NodePool>> {
        let id = self.pool_id(name)?;
        Some(self.resolved.cluster.node_pools[id.0 as usize])
    }

    /// Whether the selector of Service `service` (an index) matches the pool named `pool`:
    /// a search among the Service's own pools, which are sorted by name.
    fn pool_matched(&self, service: usize, pool: &str) -> bool {
        let pools = &self.resolved.cluster.node_pools;
        self.resolved.topology.service(service).is_some_and(|st| {
            st.pools
                .binary_search_by(|p| pools[p.0 as usize].name().cmp(pool))
                .is_ok()
        })
    }

    /// The Service index when its selector matches `pool` in this cluster.
    fn matched(&self, namespace: &str, service: &str, pool: &str) -> Option<usize> {
        let (i, _) = self.service(namespace, service)?;
        self.pool_matched(i, pool).then_some(i)
    }
}

/// The provider's [`Causes`] for ECM ELB resources. It borrows the resolved clusters and
/// the prior model instead of copying what they say: a fleet's plan keeps both alive
/// anyway, and copies of every Service, pool and matched pair cost tens of megabytes.
#[derive(Debug)]
pub struct ElbCauses<'a> {
    clusters: Vec<ClusterIndex<'a>>,
    /// Selector recorded on each prior PoolService, by (namespace, service, pool).
    prior_selectors: HashMap<Pair<'a>, &'a str>,
    /// Prior PoolService addresses → (namespace, service, pool): the address alone cannot
    /// be split when names contain `-`.
    prior_pool_services: HashMap<&'a str, Pair<'a>>,
    /// The last stem [`Causes::why_present`] answered (`<ns>/<svc>/<pool>`) and its
    /// answer: a unit's resources come one after another and share it.
    last_present: RefCell<(String, String)>,
}

/// An ELB address taken apart: `<kind>.<ns>/<svc>/<pool>[/<tail>]`, or a PoolService.
struct Parsed<'s> {
    kind: &'s str,
    ns: &'s str,
    svc: &'s str,
    pool: &'s str,
    tail: &'s str,
}

impl<'a> ElbCauses<'a> {
    /// Indexes the current Services by name and records what the prior model planned;
    /// everything else is read from `resolved` when a cause is asked for.
    pub fn new(resolved: &'a [Resolved<'a>], prior: &'a Model) -> Self {
        let mut c = ElbCauses {
            clusters: resolved.iter().map(ClusterIndex::new).collect(),
            prior_selectors: HashMap::new(),
            prior_pool_services: HashMap::new(),
            last_present: RefCell::default(),
        };
        for res in prior.iter() {
            let text = |k: &str| match res.attrs.get(k).map(|a| &a.value) {
                Some(Value::String(s)) => Some(s.as_str()),
                _ => None,
            };
            if let (Some(ns), Some(svc), Some(pool)) =
                (text("namespace"), text("service"), text("node_pool"))
            {
                let k = (ns, svc, pool);
                if let Some(sel) = text("selector") {
                    c.prior_selectors.insert(k, sel);
                }
                c.prior_pool_services.insert(res.address.as_str(), k);
            }
        }
        c
    }

    /// The current Service `<namespace>/<name>` (the last cluster that has it).
    fn service(&self, namespace: &str, name: &str) -> Option<&'a ServiceIr<'a>> {
        self.clusters
            .iter()
            .rev()
            .find_map(|c| c.service(namespace, name))
            .map(|(_, s)| s)
    }

    /// The current NodePool `name` (the last cluster that has it).
    fn pool(&self, name: &str) -> Option<Obj<'a, NodePool>> {
        self.clusters.iter().rev().find_map(|c| c.pool(name))
    }

    /// The current Service (the last cluster that has it) and whether a current selector
    /// matches the pair in any cluster, with one Service lookup per cluster.
    fn lookup(&self, ns: &str, svc: &str, pool: &str) -> (Option<&'a ServiceIr<'a>>, bool) {
        let mut service = None;
        let mut matched = false;
        for c in self.clusters.iter().rev() {
            if let Some((i, s)) = c.service(ns, svc) {
                service.get_or_insert(s);
                matched = matched || c.pool_matched(i, pool);
            }
        }
        (service, matched)
    }

    /// Whether a current selector matches the pair, in any cluster.
    fn matched(&self, ns: &str, svc: &str, pool: &str) -> bool {
        self.clusters
            .iter()
            .any(|c| c.matched(ns, svc, pool).is_some())
    }

    /// Whether the pair is planned now or was planned before: only such addresses are ELB
    /// ones, as other providers' addresses have the same shape (`listener.<ns>/<svc>/tcp-80`).
    fn known_pair(&self, ns: &str, svc: &str, pool: &str) -> bool {
        self.matched(ns, svc, pool) || self.prior_selectors.contains_key(&(ns, svc, pool))
    }

    /// `<kind>.<ns>/<svc>/<pool>[/<tail>]` of a known pair.
    fn parse_stem<'s>(&self, address: &'s str) -> Option<Parsed<'s>> {
        split_stem(address).filter(|p| self.known_pair(p.ns, p.svc, p.pool))
    }

    /// A current PoolService address `pool_service.<ns>/<svc>-<pool>`: every `-` is tried
    /// as the cut. Should two cuts name matched pairs, the last cluster and the last
    /// Service in input order win, as when these addresses were kept in a map.
    fn current_pool_service<'s>(&self, address: &'s str) -> Option<Pair<'s>> {
        let (ns, name) = address.strip_prefix(POOL_SERVICE)?.split_once('/')?;
        self.clusters.iter().rev().find_map(|c| {
            name.match_indices('-')
                .filter_map(|(i, _)| {
                    let (svc, pool) = (&name[..i], &name[i + 1..]);
                    c.matched(ns, svc, pool).map(|si| (si, (ns, svc, pool)))
                })
                .max_by_key(|(si, _)| *si)
                .map(|(_, pair)| pair)
        })
    }

    /// (kind, namespace, service, pool, rest) of an ELB address; a prior PoolService's
    /// record wins over the current one.
    fn parse<'s>(&'s self, address: &'s str) -> Option<Parsed<'s>> {
        let (kind, _) = address.split_once('.')?;
        let pool_service = self
            .prior_pool_services
            .get(address)
            .copied()
            .or_else(|| self.current_pool_service(address));
        if let Some((ns, svc, pool)) = pool_service {
            return Some(Parsed {
                kind,
                ns,
                svc,
                pool,
                tail: "",
            });
        }
        self.parse_stem(address)
    }
}

/// `<kind>.<ns>/<svc>/<pool>[/<tail>]` cut at the first `.` and the first three `/`.
fn split_stem(address: &str) -> Option<Parsed<'_>> {
    let (kind, rest) = address.split_once('.')?;
    let mut parts = rest.splitn(4, '/');
    let ns = parts.next()?;
    let svc = parts.next()?;
    let pool = parts.next()?;
    let tail = parts.next().unwrap_or("");
    Some(Parsed {
        kind,
        ns,
        svc,
        pool,
        tail,
    })
}

/// [`ElbCauses::new`] for the planning registry.
pub fn boxed<'a>(resolved: &'a [Resolved<'a>], prior: &'a Model) -> Box<dyn Causes + 'a> {
    Box::new(ElbCauses::new(resolved, prior))
}

/// The Service's node pool selector annotation as written, if any.
pub(super) fn selector<'m>(s: &ServiceIr<'m>) -> Option<&'m str> {
    s.obj.manifest.meta.annotation(NODEPOOL_SELECTOR)
}

fn fans_out(s: &ServiceIr) -> bool {
    matches!(s.route, Route::PoolServices { .. })
}

/// `managed-by-user: "true"`: the user brings the ELBs, the controller makes no EIP.
fn self_managed(s: &ServiceIr) -> bool {
    s.obj.manifest.meta.annotation(MANAGED_BY_USER) == Some("true")
}

/// Whether `tail` is a listener suffix (`<proto>-<port>`) of one of the Service's ports.
fn has_port(s: &ServiceIr, tail: &str) -> bool {
    s.ports.iter().any(|p| p.address_suffix() == tail)
}

fn annotation_span(s: &ServiceIr, key: &str) -> Option<Span> {
    s.obj
        .manifest
        .meta
        .annotations
        .get(key)
        .map(|e| e.value.span)
}

fn name_span(s: &ServiceIr) -> Option<Span> {
    s.obj.manifest.meta.name.as_ref().map(|n| n.span)
}

/// `spec.ports`, or the Service's name when it has none.
fn ports_span(s: &ServiceIr) -> Option<Span> {
    s.ports
        .iter()
        .map(|p| p.port.span)
        .reduce(Span::join)
        .or(name_span(s))
}

/// A pool's labels as `{k=v, …}`.
fn pool_labels(p: Obj<NodePool>) -> String {
    let labels: Vec<String> = p
        .labels()
        .values()
        .map(|e| format!("{}={}", e.key.value, e.value.value))
        .collect();
    format!("{{{}}}", labels.join(", "))
}

fn deleting(p: Obj<NodePool>) -> bool {
    p.manifest.meta.deletion_timestamp.is_some()
}

/// `metadata.deletionTimestamp`, else `metadata.name`.
fn pool_site(p: Obj<NodePool>) -> Option<Span> {
    let meta = &p.manifest.meta;
    meta.deletion_timestamp
        .as_ref()
        .or(meta.name.as_ref())
        .map(|n| n.span)
}

/// The value span of the first label (by key) whose key `selector` mentions.
fn label_span(p: Obj<NodePool>, selector: &str) -> Option<Span> {
    let mut labels: Vec<(&str, Span)> = p
        .labels()
        .values()
        .map(|e| (e.key.value.as_str(), e.value.span))
        .collect();
    labels.sort_by_key(|(k, _)| *k);
    labels
        .into_iter()
        .find(|(k, _)| selector.contains(k))
        .map(|(_, span)| span)
}

/// Why a prior ELB resource is no longer produced, decided once for the sentence
/// ([`Causes::why_absent`]) and the manifest line to point at ([`Causes::cause_site`]).
enum Absence<'m> {
    ServiceDeleted,
    NotLoadBalancer,
    NoPoolSelection,
    PoolGone,
    PoolDeleting,
    /// The selector changed from `before` and no longer matches the pool.
    SelectorChanged {
        before: &'m str,
    },
    /// The pool's labels no longer match the (unchanged) selector.
    PoolUnmatched,
    PortRemoved,
    SelfManaged,
}

impl<'a> ElbCauses<'a> {
    /// The first rule (seed 000, "Important"; reference §6.7) that explains why the
    /// resource at `at` is gone, or `None` when none applies.
    fn absence(&self, at: &Parsed) -> Option<Absence<'a>> {
        let Some(s) = self.service(at.ns, at.svc) else {
            return Some(Absence::ServiceDeleted);
        };
        if s.type_.value != ServiceType::LoadBalancer {
            return Some(Absence::NotLoadBalancer);
        }
        if !fans_out(s) {
            return Some(Absence::NoPoolSelection);
        }
        let Some(p) = self.pool(at.pool) else {
            return Some(Absence::PoolGone);
        };
        if deleting(p) {
            return Some(Absence::PoolDeleting);
        }
        if !self.matched(at.ns, at.svc, at.pool) {
            let current = selector(s).unwrap_or_default();
            return Some(match self.prior_selectors.get(&(at.ns, at.svc, at.pool)) {
                Some(before) if *before != current => Absence::SelectorChanged { before },
                _ => Absence::PoolUnmatched,
            });
        }
        match at.kind {
            "listener" if !at.tail.starts_with("extra-") && !has_port(s, at.tail) => {
                Some(Absence::PortRemoved)
            }
            "elb" | "eip" | "eip_binding" if self_managed(s) => Some(Absence::SelfManaged),
            _ => None,
        }
    }
}

impl Causes for ElbCauses<'_> {
    fn why_absent(&self, address: &str) -> Option<String> {
        let at = self.parse(address)?;
        let Parsed {
            ns,
            svc,
            pool,
            tail,
            ..
        } = at;
        let absence = self.absence(&at)?;
        let s = self.service(ns, svc);
        let current = s.and_then(selector).unwrap_or_default();
        let labels = || self.pool(pool).map(pool_labels).unwrap_or_default();
        Some(match absence {
            Absence::ServiceDeleted => format!("Service {ns}/{svc} was deleted"),
            Absence::NotLoadBalancer => format!(
                "Service {ns}/{svc} is no longer type LoadBalancer (now {})",
                s.map_or("", |s| s.type_.value.as_str())
            ),
            Absence::NoPoolSelection => format!(
                "Service {ns}/{svc} no longer selects node pools (`{NODEPOOL_SELECTOR}` or `loadBalancerClass` removed)"
            ),
            Absence::PoolGone => format!("NodePool {pool} is gone"),
            Absence::PoolDeleting => format!("NodePool {pool} is being deleted"),
            Absence::SelectorChanged { before } => format!(
                "the selector of Service {ns}/{svc} changed from `{before}` to `{current}`, which NodePool {pool} (labels {}) does not match",
                labels()
            ),
            Absence::PoolUnmatched => format!(
                "NodePool {pool} no longer matches selector `{current}` (labels now {})",
                labels()
            ),
            Absence::PortRemoved => {
                format!("port {tail} was removed from spec.ports of Service {ns}/{svc}")
            }
            Absence::SelfManaged => format!(
                "Service {ns}/{svc} is now self-managed (`{MANAGED_BY_USER}: \"true\"`): the controller no longer manages the ELB and EIP it created for NodePool {pool}"
            ),
        })
    }

    fn left_behind(&self, address: &str) -> Option<String> {
        let Parsed {
            kind,
            ns,
            svc,
            pool,
            ..
        } = self.parse(address)?;
        let s = self.service(ns, svc)?;
        // Reference §6.7: ECM releases its ELB and EIP only when the PoolService is deleted;
        // a PoolService switched to a user's ELB stops managing them and never releases them.
        (matches!(kind, "elb" | "eip" | "eip_binding")
            && self_managed(s)
            && self.matched(ns, svc, pool))
        .then(|| {
            format!(
                "left in the cloud: the controller created it before NodePool {pool} switched to a self-managed ELB and never releases it (reference §6.7); delete it in the console when it is no longer needed"
            )
        })
    }

    /// The [`Absence`] of [`Causes::why_absent`] as the manifest value whose edit
    /// is the cause (seed 000, "Important": deleting the Service or its pools, or updating
    /// the selector or the pool labels, deletes the ELBs and EIPs).
    fn cause_site(&self, address: &str) -> Option<CauseSite> {
        let at = self.parse(address)?;
        let Parsed {
            kind,
            ns,
            svc,
            pool,
            tail,
        } = at;
        let absence = self.absence(&at)?;
        let s = self.service(ns, svc)?;
        let p = self.pool(pool);
        let current = selector(s).unwrap_or_default();
        let self_managed_advice = format!(
            "or make the Service self-managed (`{MANAGED_BY_USER}: \"true\"` with existing ELB ids), whose ELBs the controller retains"
        );
        let (span, label, keep) = match absence {
            Absence::ServiceDeleted | Absence::PoolGone => return None,
            Absence::NotLoadBalancer => (
                s.type_.span.or(name_span(s)),
                format!("no longer type LoadBalancer: every ELB of {ns}/{svc} goes"),
                "to keep them, keep `type: LoadBalancer`".to_string(),
            ),
            Absence::NoPoolSelection => (
                name_span(s),
                format!("{ns}/{svc} no longer selects node pools"),
                format!(
                    "to keep them, keep `{NODEPOOL_SELECTOR}` and `loadBalancerClass: alibabacloud.com/elb`"
                ),
            ),
            Absence::PoolDeleting => (
                p.and_then(pool_site),
                format!("NodePool {pool} is being deleted"),
                format!("to keep it, keep NodePool {pool}, {self_managed_advice}"),
            ),
            Absence::SelectorChanged { .. } => (
                annotation_span(s, NODEPOOL_SELECTOR),
                format!("NodePool {pool} no longer matches this selector"),
                format!("to keep it, keep NodePool {pool} in the selector, {self_managed_advice}"),
            ),
            Absence::PoolUnmatched => (
                p.and_then(|p| label_span(p, current).or(pool_site(p))),
                format!("NodePool {pool} no longer matches selector `{current}`"),
                format!(
                    "to keep it, restore the label the selector `{current}` matches on NodePool {pool}, {self_managed_advice}"
                ),
            ),
            Absence::PortRemoved => (
                ports_span(s),
                format!("port {tail} is no longer listed"),
                format!("to keep the listener, keep port {tail} in spec.ports"),
            ),
            // The ELB itself stays (retained); only an EIP and its binding go.
            Absence::SelfManaged if kind == "elb" => return None,
            Absence::SelfManaged => (
                annotation_span(s, MANAGED_BY_USER),
                "self-managed: the controller no longer keeps an EIP".to_string(),
                format!(
                    "to keep the EIP and its address, bind it to the self-managed ELB of NodePool {pool} in the console before merging, or stay auto-managed"
                ),
            ),
        };
        span.map(|span| CauseSite {
            span,
            label,
            keep: Some(keep),
        })
    }

    /// Asked once per created resource (hundreds of thousands on a large fleet): the
    /// address is cut as `<kind>.<ns>/<svc>/<pool>/…` first, and only PoolService
    /// addresses take the longer way through [`ElbCauses::parse`].
    fn why_present(&self, address: &str) -> Option<String> {
        if let Some(Parsed { ns, svc, pool, .. }) = split_stem(address) {
            if let Some(reason) = self.last_answer(ns, svc, pool) {
                return Some(reason);
            }
            let (service, matched) = self.lookup(ns, svc, pool);
            if let Some(s) = service
                && (matched || self.prior_selectors.contains_key(&(ns, svc, pool)))
            {
                let reason = selects(ns, svc, pool, selector(s).unwrap_or(""));
                self.remember(ns, svc, pool, &reason);
                return Some(reason);
            }
        }
        let Parsed { ns, svc, pool, .. } = self.parse(address)?;
        let s = self.service(ns, svc)?;
        Some(selects(ns, svc, pool, selector(s).unwrap_or("")))
    }
}

impl ElbCauses<'_> {
    /// The answer for stem `<ns>/<svc>/<pool>` if it was the last one given.
    fn last_answer(&self, ns: &str, svc: &str, pool: &str) -> Option<String> {
        let last = self.last_present.borrow();
        let rest = last.0.strip_prefix(ns)?.strip_prefix('/')?;
        let rest = rest.strip_prefix(svc)?.strip_prefix('/')?;
        (rest == pool).then(|| last.1.clone())
    }

    fn remember(&self, ns: &str, svc: &str, pool: &str, reason: &str) {
        let mut last = self.last_present.borrow_mut();
        last.0.clear();
        for (i, part) in [ns, svc, pool].into_iter().enumerate() {
            if i > 0 {
                last.0.push('/');
            }
            last.0.push_str(part);
        }
        last.1.clear();
        last.1.push_str(reason);
    }
}

/// Why a (Service, pool) pair's resources exist. The builder gives it to each unit, and
/// [`ElbCauses::why_present`] to an address of the pair.
pub(super) fn selects(ns: &str, svc: &str, pool: &str, selector: &str) -> String {
    const WORDS: [&str; 4] = ["Service ", " selects NodePool ", " (selector `", "`)"];
    let len = WORDS.iter().map(|w| w.len()).sum::<usize>()
        + ns.len()
        + 1
        + svc.len()
        + pool.len()
        + selector.len();
    let mut out = String::with_capacity(len);
    out.push_str(WORDS[0]);
    out.push_str(ns);
    out.push('/');
    out.push_str(svc);
    out.push_str(WORDS[1]);
    out.push_str(pool);
    out.push_str(WORDS[2]);
    out.push_str(selector);
    out.push_str(WORDS[3]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::validate_text;
    use crate::diag::Diagnostics;
    use crate::topology::lower_and_resolve;

    fn pool(name: &str) -> String {
        format!(
            "---\napiVersion: apps.openyurt.io/v1beta2\nkind: NodePool\nmetadata:\n  name: {name}\n  labels: {{k8s-svc: cube}}\nspec: {{type: Edge}}\n"
        )
    }

    fn service(name: &str) -> String {
        format!(
            "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  annotations:\n    service.openyurt.io/nodepool-labelselector: \"k8s-svc=cube\"\nspec:\n  type: LoadBalancer\n  loadBalancerClass: alibabacloud.com/elb\n  selector: {{app: web}}\n  ports:\n  - {{port: 80, protocol: TCP}}\n"
        )
    }

    /// Why `address` is present, for Services `services` (in input order) over pools `a`
    /// and `np-a`.
    fn why_present(services: &[&str], address: &str) -> Option<String> {
        let mut text = pool("a") + &pool("np-a");
        for s in services {
            text += &service(s);
        }
        let c = validate_text("t.yaml", &text);
        let mut d = Diagnostics::new();
        let r = lower_and_resolve(&c.sources, c.objects(), &mut d);
        let prior = Model::new();
        ElbCauses::new(&r, &prior).why_present(address)
    }

    /// `web-np-a` is both `web` × `np-a` and `web-np` × `a`: the later Service wins, as it
    /// did when PoolService addresses were kept in a map filled in input order.
    #[test]
    fn ambiguous_pool_service_address_goes_to_the_later_service() {
        let address = "pool_service.default/web-np-a";
        assert_eq!(
            why_present(&["web", "web-np"], address).as_deref(),
            Some("Service default/web-np selects NodePool a (selector `k8s-svc=cube`)")
        );
        assert_eq!(
            why_present(&["web-np", "web"], address).as_deref(),
            Some("Service default/web selects NodePool np-a (selector `k8s-svc=cube`)")
        );
        assert_eq!(
            why_present(&["web"], "pool_service.default/web-np-b"),
            None,
            "no pool np-b"
        );
    }

    /// The remembered answer is only given for the same stem.
    #[test]
    fn consecutive_stems_get_their_own_answers() {
        let text = pool("a") + &pool("np-a") + &service("web") + &service("web-np");
        let c = validate_text("t.yaml", &text);
        let mut d = Diagnostics::new();
        let r = lower_and_resolve(&c.sources, c.objects(), &mut d);
        let prior = Model::new();
        let causes = ElbCauses::new(&r, &prior);
        let says = |address: &str| causes.why_present(address).unwrap_or_default();
        let web_np_a = "Service default/web selects NodePool np-a (selector `k8s-svc=cube`)";
        let web_a = "Service default/web selects NodePool a (selector `k8s-svc=cube`)";
        let web_np_on_a = "Service default/web-np selects NodePool a (selector `k8s-svc=cube`)";
        assert_eq!(says("elb.default/web/np-a"), web_np_a);
        assert_eq!(says("listener.default/web/np-a/tcp-80"), web_np_a);
        assert_eq!(says("elb.default/web/a"), web_a);
        assert_eq!(says("elb.default/web-np/a"), web_np_on_a);
        assert_eq!(says("backend.default/web/np-a"), web_np_a);
        assert_eq!(causes.why_present("elb.default/web/np-b"), None);
    }

    #[test]
    fn stem_addresses_of_matched_pairs_only() {
        assert_eq!(
            why_present(&["web"], "listener.default/web/np-a/tcp-80").as_deref(),
            Some("Service default/web selects NodePool np-a (selector `k8s-svc=cube`)")
        );
        assert_eq!(why_present(&["web"], "listener.default/web/tcp-80"), None);
        assert_eq!(why_present(&["web"], "elb.default/other/np-a"), None);
    }

    /// The cause the builder gives a unit is the one `why_present` gives each of its
    /// addresses: the plan uses the first instead of asking the second.
    #[test]
    fn a_units_cause_is_what_why_present_says_of_each_address() {
        let text = pool("a") + &pool("np-a") + &service("web") + &service("api");
        let c = validate_text("t.yaml", &text);
        let mut d = Diagnostics::new();
        let r = lower_and_resolve(&c.sources, c.objects(), &mut d);
        let prior = Model::new();
        let causes = ElbCauses::new(&r, &prior);
        let mut units = 0;
        super::super::build::build_units(&r, &mut d, &mut |unit| {
            units += 1;
            let cause = unit.cause.expect("an ELB unit says why it exists");
            for res in &unit.resources {
                assert_eq!(
                    causes.why_present(&res.address),
                    Some(cause.clone()),
                    "{}",
                    res.address
                );
            }
        });
        assert_eq!(units, 4, "two Services × two pools");
    }
}
