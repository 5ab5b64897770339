//! Why an ELB resource appears in or disappears from the plan, in manifest terms.
//!
//! Seed 000 warns that deleting the Service, deleting a pool, changing the selector or
//! relabelling a pool deletes that pool's ELB and EIP. A plan that only said "no longer
//! produced" would hide which of these edits did it, so [`ElbCauses`] answers with the edit:
//! it knows the current manifests (owned summaries taken from the resolved clusters) and
//! the prior model (the selector each PoolService was planned with), and reads the
//! Service, pool and port out of the address (`<kind>.<ns>/<svc>/<pool>/…`).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::ir::{NODEPOOL_SELECTOR, Route, ServiceType};
use crate::model::{Model, Value};
use crate::plan::{CauseSite, Causes};
use crate::source::Span;
use crate::topology::Resolved;

/// The Service annotation that makes ELBs self-managed (retained on deletion).
const MANAGED_BY_USER: &str =
    "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-managed-by-user";

/// What the current manifests say about one Service.
#[derive(Debug, Clone)]
struct ServiceFacts {
    type_: ServiceType,
    /// The selector annotation as written, if any.
    selector: Option<String>,
    /// Routed to PoolServices (selector set, class set).
    fans_out: bool,
    /// Ports as `<proto>-<port>` (the listener address suffix).
    ports: BTreeSet<String>,
    /// The selector annotation's value, `spec.type` and `metadata.name`, to point at.
    selector_span: Option<Span>,
    type_span: Option<Span>,
    name_span: Option<Span>,
    /// `spec.ports`, or the Service when it has none.
    ports_span: Option<Span>,
    /// `managed-by-user: "true"`: the user brings the ELBs, the controller makes no EIP.
    self_managed: bool,
    managed_span: Option<Span>,
}

/// What the current manifests say about one NodePool.
#[derive(Debug, Clone)]
struct PoolFacts {
    labels: String,
    deleting: bool,
    /// Each label's value span, by key.
    label_spans: BTreeMap<String, Span>,
    /// `metadata.deletionTimestamp`, else `metadata.name`.
    site: Option<Span>,
}

/// The provider's [`Causes`] for ECM ELB resources.
#[derive(Debug, Clone, Default)]
pub struct ElbCauses {
    services: BTreeMap<(String, String), ServiceFacts>,
    pools: BTreeMap<String, PoolFacts>,
    /// (namespace, service, pool) pairs the current selectors match.
    matched: BTreeSet<(String, String, String)>,
    /// Selector recorded on each prior PoolService, by (namespace, service, pool).
    prior_selectors: BTreeMap<(String, String, String), String>,
    /// Pool-service addresses of the prior and the current model → (namespace, service,
    /// pool): a PoolService address (`<ns>/<svc>-<pool>`) cannot be split by itself.
    pool_services: BTreeMap<String, (String, String, String)>,
    /// `<ns>/<svc>/<pool>` of every pair in `matched` or `prior_selectors`, and
    /// `<ns>/<svc>` → selector: [`Causes::why_present`] is asked once per created resource
    /// (hundreds of thousands on a large fleet), and these answer it by slicing the address,
    /// without building keys.
    stems: HashSet<String>,
    selectors: HashMap<String, String>,
}

impl ElbCauses {
    pub fn new(resolved: &[Resolved], prior: &Model) -> Self {
        let mut c = ElbCauses::default();
        for r in resolved {
            for s in &r.cluster.services {
                let ports = s
                    .ports
                    .iter()
                    .map(crate::ir::PortIr::address_suffix)
                    .collect();
                c.services.insert(
                    (s.namespace().to_string(), s.name().to_string()),
                    ServiceFacts {
                        type_: s.type_.value,
                        selector: s
                            .obj
                            .manifest
                            .meta
                            .annotation(NODEPOOL_SELECTOR)
                            .map(str::to_string),
                        fans_out: matches!(s.route, Route::PoolServices { .. }),
                        ports,
                        selector_span: s
                            .obj
                            .manifest
                            .meta
                            .annotations
                            .get(NODEPOOL_SELECTOR)
                            .map(|e| e.value.span),
                        type_span: s.type_.span,
                        name_span: s.obj.manifest.meta.name.as_ref().map(|n| n.span),
                        ports_span: s.ports.iter().map(|p| p.port.span).reduce(Span::join).or(s
                            .obj
                            .manifest
                            .meta
                            .name
                            .as_ref()
                            .map(|n| n.span)),
                        self_managed: s.obj.manifest.meta.annotation(MANAGED_BY_USER)
                            == Some("true"),
                        managed_span: s
                            .obj
                            .manifest
                            .meta
                            .annotations
                            .get(MANAGED_BY_USER)
                            .map(|e| e.value.span),
                    },
                );
            }
            for p in &r.cluster.node_pools {
                let labels: Vec<String> = p
                    .labels()
                    .values()
                    .map(|e| format!("{}={}", e.key.value, e.value.value))
                    .collect();
                c.pools.insert(
                    p.name().to_string(),
                    PoolFacts {
                        labels: format!("{{{}}}", labels.join(", ")),
                        deleting: p.manifest.meta.deletion_timestamp.is_some(),
                        label_spans: p
                            .labels()
                            .values()
                            .map(|e| (e.key.value.to_string(), e.value.span))
                            .collect(),
                        site: p
                            .manifest
                            .meta
                            .deletion_timestamp
                            .as_ref()
                            .or(p.manifest.meta.name.as_ref())
                            .map(|n| n.span),
                    },
                );
            }
            for st in &r.topology.services {
                let s = &r.cluster.services[st.service];
                for m in &st.matches {
                    let pool = r.cluster.node_pools[m.pool.0 as usize].name();
                    c.matched
                        .insert((s.namespace().into(), s.name().into(), pool.into()));
                    c.pool_services.insert(
                        format!("pool_service.{}/{}", s.namespace(), m.poolservice_name),
                        (s.namespace().into(), s.name().into(), pool.into()),
                    );
                }
            }
        }
        for res in prior.iter() {
            let text = |k: &str| match res.attrs.get(k).map(|a| &a.value) {
                Some(Value::String(s)) => Some(s.clone()),
                _ => None,
            };
            if let (Some(ns), Some(svc), Some(pool)) =
                (text("namespace"), text("service"), text("node_pool"))
            {
                let k = (ns, svc, pool);
                if let Some(sel) = text("selector") {
                    c.prior_selectors.insert(k.clone(), sel);
                }
                c.pool_services.insert(res.address.clone(), k);
            }
        }
        c.stems = c
            .matched
            .iter()
            .chain(c.prior_selectors.keys())
            .map(|(ns, svc, pool)| format!("{ns}/{svc}/{pool}"))
            .collect();
        c.selectors = c
            .services
            .iter()
            .map(|((ns, svc), f)| {
                (
                    format!("{ns}/{svc}"),
                    f.selector.clone().unwrap_or_default(),
                )
            })
            .collect();
        c
    }

    /// [`Causes::why_present`] for `<kind>.<ns>/<svc>/<pool>[/…]` addresses, by slices of
    /// the address; `None` sends the caller to the general path (PoolService addresses,
    /// foreign ones).
    fn why_present_fast(&self, address: &str) -> Option<String> {
        let (_, rest) = address.split_once('.')?;
        let mut cuts = rest.match_indices('/').map(|(i, _)| i);
        let svc_end = cuts.nth(1)?;
        let pool_end = cuts.next().unwrap_or(rest.len());
        let stem = &rest[..pool_end];
        if !self.stems.contains(stem) {
            return None;
        }
        let selector = self.selectors.get(&rest[..svc_end])?;
        Some(selects(
            &rest[..svc_end],
            &rest[svc_end + 1..pool_end],
            selector,
        ))
    }

    /// (kind, namespace, service, pool, rest) of an ELB address.
    fn parse(&self, address: &str) -> Option<(String, String, String, String, String)> {
        let (kind, rest) = address.split_once('.')?;
        if let Some((ns, svc, pool)) = self.pool_services.get(address) {
            return Some((
                kind.into(),
                ns.clone(),
                svc.clone(),
                pool.clone(),
                String::new(),
            ));
        }
        let mut parts = rest.splitn(4, '/');
        let ns = parts.next()?;
        let svc = parts.next()?;
        let pool = parts.next()?;
        let tail = parts.next().unwrap_or("");
        // Only addresses of a (Service, pool) pair planned now or before are ELB ones:
        // other providers' addresses have the same shape (`listener.<ns>/<svc>/tcp-80`).
        let key = (ns.to_string(), svc.to_string(), pool.to_string());
        if !self.matched.contains(&key) && !self.prior_selectors.contains_key(&key) {
            return None;
        }
        Some((kind.into(), ns.into(), svc.into(), pool.into(), tail.into()))
    }
}

/// [`ElbCauses::new`] for the planning registry.
pub fn boxed(resolved: &[Resolved], prior: &Model) -> Box<dyn Causes> {
    Box::new(ElbCauses::new(resolved, prior))
}

impl Causes for ElbCauses {
    fn why_absent(&self, address: &str) -> Option<String> {
        let (kind, ns, svc, pool, tail) = self.parse(address)?;
        let Some(facts) = self.services.get(&(ns.clone(), svc.clone())) else {
            return Some(format!("Service {ns}/{svc} was deleted"));
        };
        if facts.type_ != ServiceType::LoadBalancer {
            return Some(format!(
                "Service {ns}/{svc} is no longer type LoadBalancer (now {})",
                facts.type_.as_str()
            ));
        }
        if !facts.fans_out {
            return Some(format!(
                "Service {ns}/{svc} no longer selects node pools (`{NODEPOOL_SELECTOR}` or `loadBalancerClass` removed)"
            ));
        }
        let Some(p) = self.pools.get(&pool) else {
            return Some(format!("NodePool {pool} is gone"));
        };
        if p.deleting {
            return Some(format!("NodePool {pool} is being deleted"));
        }
        let key = (ns.clone(), svc.clone(), pool.clone());
        let current = facts.selector.clone().unwrap_or_default();
        if !self.matched.contains(&key) {
            return Some(match self.prior_selectors.get(&key) {
                Some(before) if *before != current => format!(
                    "the selector of Service {ns}/{svc} changed from `{before}` to `{current}`, which NodePool {pool} (labels {}) does not match",
                    p.labels
                ),
                _ => format!(
                    "NodePool {pool} no longer matches selector `{current}` (labels now {})",
                    p.labels
                ),
            });
        }
        match kind.as_str() {
            "listener" if !tail.starts_with("extra-") && !facts.ports.contains(&tail) => Some(
                format!("port {tail} was removed from spec.ports of Service {ns}/{svc}"),
            ),
            "elb" | "eip" | "eip_binding" if facts.self_managed => Some(format!(
                "Service {ns}/{svc} is now self-managed (`{MANAGED_BY_USER}: \"true\"`): the controller no longer manages the ELB and EIP it created for NodePool {pool}"
            )),
            _ => None,
        }
    }

    fn left_behind(&self, address: &str) -> Option<String> {
        let (kind, ns, svc, pool, _) = self.parse(address)?;
        let facts = self.services.get(&(ns.clone(), svc.clone()))?;
        let still_matched = self.matched.contains(&(ns, svc, pool.clone()));
        // Reference §6.7: ECM releases its ELB and EIP only when the PoolService is deleted;
        // a PoolService switched to a user's ELB stops managing them and never releases them.
        (matches!(kind.as_str(), "elb" | "eip" | "eip_binding") && facts.self_managed && still_matched)
            .then(|| {
                format!(
                    "left in the cloud: the controller created it before NodePool {pool} switched to a self-managed ELB and never releases it (reference §6.7); delete it in the console when it is no longer needed"
                )
            })
    }

    /// Follows [`Causes::why_absent`] branch by branch, pointing at the value whose edit
    /// is the cause (seed 000, "Important": deleting the Service or its pools, or updating
    /// the selector or the pool labels, deletes the ELBs and EIPs).
    fn cause_site(&self, address: &str) -> Option<CauseSite> {
        let (kind, ns, svc, pool, tail) = self.parse(address)?;
        let facts = self.services.get(&(ns.clone(), svc.clone()))?;
        let self_managed = format!(
            "or make the Service self-managed (`{MANAGED_BY_USER}: \"true\"` with existing ELB ids), whose ELBs the controller retains"
        );
        let site = |span: Option<Span>, label: String, keep: String| {
            span.map(|span| CauseSite {
                span,
                label,
                keep: Some(keep),
            })
        };
        if facts.type_ != ServiceType::LoadBalancer {
            return site(
                facts.type_span.or(facts.name_span),
                format!("no longer type LoadBalancer: every ELB of {ns}/{svc} goes"),
                "to keep them, keep `type: LoadBalancer`".to_string(),
            );
        }
        if !facts.fans_out {
            return site(
                facts.name_span,
                format!("{ns}/{svc} no longer selects node pools"),
                format!(
                    "to keep them, keep `{NODEPOOL_SELECTOR}` and `loadBalancerClass: alibabacloud.com/elb`"
                ),
            );
        }
        let p = self.pools.get(&pool)?;
        if p.deleting {
            return site(
                p.site,
                format!("NodePool {pool} is being deleted"),
                format!("to keep it, keep NodePool {pool}, {self_managed}"),
            );
        }
        let key = (ns.clone(), svc.clone(), pool.clone());
        if !self.matched.contains(&key) {
            let current = facts.selector.clone().unwrap_or_default();
            let selector_changed = self
                .prior_selectors
                .get(&key)
                .is_some_and(|before| *before != current);
            if selector_changed {
                return site(
                    facts.selector_span,
                    format!("NodePool {pool} no longer matches this selector"),
                    format!("to keep it, keep NodePool {pool} in the selector, {self_managed}"),
                );
            }
            let label = p
                .label_spans
                .iter()
                .find(|(k, _)| current.contains(k.as_str()))
                .map(|(_, span)| *span);
            return site(
                label.or(p.site),
                format!("NodePool {pool} no longer matches selector `{current}`"),
                format!(
                    "to keep it, restore the label the selector `{current}` matches on NodePool {pool}, {self_managed}"
                ),
            );
        }
        match kind.as_str() {
            "listener" if !tail.starts_with("extra-") && !facts.ports.contains(&tail) => site(
                facts.ports_span,
                format!("port {tail} is no longer listed"),
                format!("to keep the listener, keep port {tail} in spec.ports"),
            ),
            "eip" | "eip_binding" if facts.self_managed => site(
                facts.managed_span,
                "self-managed: the controller no longer keeps an EIP".to_string(),
                format!(
                    "to keep the EIP and its address, bind it to the self-managed ELB of NodePool {pool} in the console before merging, or stay auto-managed"
                ),
            ),
            _ => None,
        }
    }

    fn why_present(&self, address: &str) -> Option<String> {
        if let Some(reason) = self.why_present_fast(address) {
            return Some(reason);
        }
        let (_, ns, svc, pool, _) = self.parse(address)?;
        let facts = self.services.get(&(ns.clone(), svc.clone()))?;
        let selector = facts.selector.as_deref().unwrap_or("");
        Some(selects(&format!("{ns}/{svc}"), &pool, selector))
    }
}

/// Why a (Service, pool) pair's resources exist.
fn selects(service: &str, pool: &str, selector: &str) -> String {
    format!("Service {service} selects NodePool {pool} (selector `{selector}`)")
}
