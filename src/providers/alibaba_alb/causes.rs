//! Why an ALB resource appears in or disappears from the plan, in manifest terms.
//!
//! SPEC §6 and reference §4.3: deleting the AlbConfig deletes the ALB (destructive), a
//! removed Ingress takes its rules and server groups with it. [`AlbCauses`] answers with
//! the edit, read from the current manifests and the address
//! (`alb_rule.<albconfig>/<listener>/<ns>/<ingress>/…`,
//! `alb_server_group.<ns>/<ingress>/<svc>-<port>/<cluster>`). It answers for ALB addresses
//! only, so the registry can ask it first.

use std::collections::BTreeSet;

use crate::model::Model;
use crate::plan::Causes;
use crate::topology::Resolved;

/// The provider's [`Causes`] for ALB resources.
#[derive(Debug, Clone, Default)]
pub struct AlbCauses {
    configs: BTreeSet<String>,
    /// `<ns>/<name>` of every Ingress in the inputs.
    ingresses: BTreeSet<String>,
}

impl AlbCauses {
    pub fn new(resolved: &[Resolved]) -> Self {
        let mut c = AlbCauses::default();
        for r in resolved {
            for a in &r.cluster.alb_configs {
                c.configs.insert(a.name().to_string());
            }
            for i in &r.cluster.ingresses {
                c.ingresses
                    .insert(format!("{}/{}", i.namespace(), i.name()));
            }
        }
        c
    }
}

/// [`AlbCauses::new`] for the planning registry.
pub fn boxed(resolved: &[Resolved], _prior: &Model) -> Box<dyn Causes> {
    Box::new(AlbCauses::new(resolved))
}

/// (kind, path segments) of an ALB address.
fn parse(address: &str) -> Option<(&str, Vec<&str>)> {
    let (kind, rest) = address.split_once('.')?;
    if kind != "alb" && !kind.starts_with("alb_") {
        return None;
    }
    Some((kind, rest.split('/').collect()))
}

/// Whether [`AlbCauses`] could answer for `address` (an `alb` one): every answer starts
/// by parsing it, so the registry need not build the causes for other addresses.
pub fn may_answer(address: &str) -> bool {
    parse(address).is_some()
}

impl Causes for AlbCauses {
    fn why_absent(&self, address: &str) -> Option<String> {
        let (kind, parts) = parse(address)?;
        let config = parts.first().copied().unwrap_or_default();
        match kind {
            "alb" | "alb_eip" | "alb_listener" if !self.configs.contains(config) => {
                Some(format!("AlbConfig {config} was deleted"))
            }
            "alb_eip" => Some(format!(
                "the zone mapping of vSwitch {} was removed from AlbConfig {config}, or its address type is no longer Internet",
                parts.get(1).unwrap_or(&"?")
            )),
            "alb_listener" => Some(format!(
                "listener {} was removed from spec.listeners of AlbConfig {config}",
                parts.get(1).unwrap_or(&"?")
            )),
            "alb_rule" => {
                let ing = format!("{}/{}", parts.get(2)?, parts.get(3)?);
                Some(if !self.configs.contains(config) {
                    format!("AlbConfig {config} was deleted")
                } else if !self.ingresses.contains(&ing) {
                    format!("Ingress {ing} was deleted")
                } else {
                    format!(
                        "Ingress {ing} no longer has this path on listener {} of AlbConfig {config}",
                        parts.get(1).unwrap_or(&"?")
                    )
                })
            }
            "alb_server_group" => {
                let ing = format!("{}/{}", parts.first()?, parts.get(1)?);
                Some(if !self.ingresses.contains(&ing) {
                    format!("Ingress {ing} was deleted")
                } else {
                    format!(
                        "Ingress {ing} no longer routes {} to cluster {}",
                        parts.get(2).unwrap_or(&"?"),
                        parts.get(3).unwrap_or(&"?")
                    )
                })
            }
            _ => Some(format!("AlbConfig {config} no longer produces it")),
        }
    }

    fn why_present(&self, address: &str) -> Option<String> {
        let (kind, parts) = parse(address)?;
        Some(match kind {
            "alb_server_group" => format!(
                "Ingress {}/{} routes to {} in cluster {}",
                parts.first()?,
                parts.get(1)?,
                parts.get(2)?,
                parts.get(3)?
            ),
            "alb_rule" => format!(
                "Ingress {}/{} uses AlbConfig {}",
                parts.get(2)?,
                parts.get(3)?,
                parts.first()?
            ),
            _ => format!("AlbConfig {}", parts.first()?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn causes() -> AlbCauses {
        AlbCauses {
            configs: ["gw".to_string()].into_iter().collect(),
            ingresses: ["demo/web".to_string()].into_iter().collect(),
        }
    }

    /// SPEC §6: deleting the AlbConfig deletes the ALB; the plan names that edit.
    #[test]
    fn names_the_manifest_edit() {
        let c = causes();
        assert_eq!(
            c.why_absent("alb.old").as_deref(),
            Some("AlbConfig old was deleted")
        );
        assert_eq!(
            c.why_absent("alb_rule.gw/http-80/demo/gone/0/0").as_deref(),
            Some("Ingress demo/gone was deleted")
        );
        assert_eq!(
            c.why_absent("alb_server_group.demo/web/s1-80/c1")
                .as_deref(),
            Some("Ingress demo/web no longer routes s1-80 to cluster c1")
        );
        assert_eq!(
            c.why_absent("alb_listener.gw/https-443").as_deref(),
            Some("listener https-443 was removed from spec.listeners of AlbConfig gw")
        );
    }

    /// Other providers' addresses are not ours: the registry asks the next provider.
    #[test]
    fn ignores_other_providers() {
        let c = causes();
        assert_eq!(c.why_absent("elb.default/cube-svc/np-a"), None);
        assert_eq!(c.why_present("listener.default/cube-svc/np-a/tcp-80"), None);
        assert_eq!(c.why_absent("albx.gw"), None);
    }
}
