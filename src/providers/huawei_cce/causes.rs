//! Why a CCE resource appears in or disappears from the plan, in manifest terms.
//!
//! Addresses are `cce_<kind>.<namespace>/<service>[/<proto>-<port>]` (see `build`), so the
//! Service and the port are read back from the address; the facts are owned summaries of
//! the current manifests. Every `cce_` address gets an answer, so that no other provider's
//! [`Causes`] is asked about one (the registry asks in order).

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Route, ServiceType};
use crate::model::Model;
use crate::plan::Causes;
use crate::topology::Resolved;

use super::settings::{CceSettings, listener_ports};

#[derive(Debug, Clone)]
struct ServiceFacts {
    type_: ServiceType,
    cce: bool,
    /// Listener ports as `<proto>-<port>`.
    ports: BTreeSet<String>,
    existing_elb: bool,
    public: bool,
    health_check: bool,
}

/// The provider's [`Causes`] for CCE resources.
#[derive(Debug, Clone, Default)]
pub struct CceCauses<'a> {
    /// Every Service by name; only CCE's own carry their ports.
    services: BTreeMap<(&'a str, &'a str), ServiceFacts>,
}

impl<'a> CceCauses<'a> {
    pub fn new(resolved: &'a [Resolved]) -> Self {
        let mut c = CceCauses::default();
        for r in resolved {
            for s in &r.cluster.services {
                let cce = matches!(s.route, Route::Cce { .. });
                let mut facts = ServiceFacts {
                    type_: s.type_.value,
                    cce,
                    ports: BTreeSet::new(),
                    existing_elb: false,
                    public: false,
                    health_check: false,
                };
                if cce {
                    let settings = CceSettings::of(s);
                    facts.ports = listener_ports(s)
                        .map(crate::ir::PortIr::address_suffix)
                        .collect();
                    facts.existing_elb = settings.elb_id.is_some();
                    facts.public = settings.public();
                    facts.health_check = settings.health_check;
                }
                c.services.insert((s.namespace(), s.name()), facts);
            }
        }
        c
    }
}

/// (kind, namespace, service, port suffix) of a CCE address.
fn parse(address: &str) -> Option<(&str, &str, &str, &str)> {
    let (kind, rest) = address.split_once('.')?;
    let kind = kind.strip_prefix("cce_")?;
    let mut parts = rest.splitn(3, '/');
    let ns = parts.next()?;
    let svc = parts.next()?;
    Some((kind, ns, svc, parts.next().unwrap_or("")))
}

/// Whether [`CceCauses`] could answer for `address` (a `cce_` one): every answer starts
/// by parsing it, so the registry need not build the causes for other addresses.
pub fn may_answer(address: &str) -> bool {
    parse(address).is_some()
}

/// `tcp-443` → `443/TCP`, as `kubectl get svc` prints ports.
fn show_port(suffix: &str) -> String {
    match suffix.split_once('-') {
        Some((proto, port)) => format!("{port}/{}", proto.to_ascii_uppercase()),
        None => suffix.to_string(),
    }
}

/// [`CceCauses::new`] for the planning registry.
pub fn boxed<'a>(resolved: &'a [Resolved], _prior: &'a Model) -> Box<dyn Causes + 'a> {
    Box::new(CceCauses::new(resolved))
}

impl Causes for CceCauses<'_> {
    fn why_absent(&self, address: &str) -> Option<String> {
        let (kind, ns, svc, port) = parse(address)?;
        let Some(f) = self.services.get(&(ns, svc)) else {
            return Some(format!("Service {ns}/{svc} was deleted"));
        };
        if f.type_ != ServiceType::LoadBalancer {
            return Some(format!(
                "Service {ns}/{svc} is no longer type LoadBalancer (now {})",
                f.type_.as_str()
            ));
        }
        if !f.cce {
            return Some(format!(
                "Service {ns}/{svc} is no longer handled by CCE (`spec.loadBalancerClass` is set)"
            ));
        }
        Some(match kind {
            "listener" | "pool" | "monitor" | "members" if !f.ports.contains(port) => {
                format!(
                    "port {} was removed from spec.ports of Service {ns}/{svc}",
                    show_port(port)
                )
            }
            "monitor" if !f.health_check => format!(
                "the health check of Service {ns}/{svc} was turned off (`kubernetes.io/elb.health-check-flag: off`)"
            ),
            "eip" | "eip_binding" if f.existing_elb => {
                format!("Service {ns}/{svc} now uses an existing ELB (`kubernetes.io/elb.id`)")
            }
            "eip" | "eip_binding" if !f.public => format!(
                "`kubernetes.io/elb.autocreate` of Service {ns}/{svc} no longer asks for `\"type\": \"public\"`"
            ),
            _ => format!("no longer produced for Service {ns}/{svc}"),
        })
    }

    fn why_present(&self, address: &str) -> Option<String> {
        let (kind, ns, svc, port) = parse(address)?;
        let f = self.services.get(&(ns, svc));
        Some(match (kind, f) {
            ("elb", Some(f)) if f.existing_elb => {
                format!("Service {ns}/{svc} names this ELB with `kubernetes.io/elb.id`")
            }
            ("elb", _) => format!(
                "Service {ns}/{svc} asks CCE to create an ELB (`kubernetes.io/elb.autocreate`)"
            ),
            ("eip" | "eip_binding", _) => format!(
                "`kubernetes.io/elb.autocreate` of Service {ns}/{svc} has `\"type\": \"public\"`"
            ),
            _ => format!("port {} of Service {ns}/{svc}", show_port(port)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_parse_back() {
        assert_eq!(
            parse("cce_listener.default/nginx/tcp-80"),
            Some(("listener", "default", "nginx", "tcp-80"))
        );
        assert_eq!(
            parse("cce_elb.default/nginx"),
            Some(("elb", "default", "nginx", ""))
        );
        assert_eq!(parse("elb.default/cube-svc/np-a"), None);
    }

    #[test]
    fn deleted_service_and_removed_port() {
        let c = CceCauses::default();
        assert_eq!(
            c.why_absent("cce_pool.default/nginx/tcp-80").as_deref(),
            Some("Service default/nginx was deleted")
        );
        assert_eq!(c.why_absent("listener.default/x/y/z"), None);
    }
}
