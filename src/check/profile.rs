//! Rules about the `lbplan/v1 ClusterProfile` (SPEC §1): a run describes one cluster (or one
//! fleet), and every value the profile leaves out is assumed — say which, so a plan built
//! on a default is never mistaken for one built on a fact.

use crate::diag::{Diagnostic, Diagnostics};
use crate::manifest::profile::{ClusterKind, ClusterProfile, Version};
use crate::manifest::{Manifest, Object};

pub fn check(manifests: &[Manifest], diags: &mut Diagnostics) {
    let profiles: Vec<&Manifest> = manifests
        .iter()
        .filter(|m| matches!(m.object, Object::ClusterProfile(_)))
        .collect();
    if let Some((first, rest)) = profiles.split_first() {
        for other in rest {
            diags.push(
                Diagnostic::error("LBP2108", "more than one ClusterProfile in the inputs")
                    .with_primary(other.kind.span, "second profile")
                    .with_secondary(first.kind.span, "first profile")
                    .with_help(
                        "a run describes one cluster or one fleet: keep one profile (a fleet lists its member clusters under `spec.members`)",
                    ),
            );
        }
    }
    for m in &profiles {
        if let Object::ClusterProfile(p) = &m.object {
            report_defaults(m, p, diags);
            check_ecm_version(p, manifests, diags);
        }
    }
}

/// The Service class that hands a Service's PoolServices to the ECM ELB controller.
const ELB_CLASS: &str = "alibabacloud.com/elb";

/// Seed 000 "Prerequisites": ELB Services need edge-controller-manager 2.1.0 or later; an
/// older ECM ignores them, so nothing is exposed and nothing says why.
fn check_ecm_version(p: &ClusterProfile, manifests: &[Manifest], diags: &mut Diagnostics) {
    let Some(ecm) = &p.ecm_version else {
        return;
    };
    let minimum = Version::new(2, 1, Some(0));
    if p.cluster_kind() != ClusterKind::AckEdge || ecm.value >= minimum {
        return;
    }
    for m in manifests {
        let Object::Service(svc) = &m.object else {
            continue;
        };
        let Some(class) = svc
            .load_balancer_class
            .as_ref()
            .filter(|c| c.value == ELB_CLASS)
        else {
            continue;
        };
        diags.push(
            Diagnostic::error(
                "LBP2109",
                format!(
                    "Service `{}` needs edge-controller-manager 2.1.0 or later; the profile says {}",
                    m.meta.name(),
                    ecm.value
                ),
            )
            .with_primary(ecm.span, "ECM older than 2.1.0")
            .with_secondary(class.span, "this Service uses the ELB class")
            .with_help("upgrade the edge-controller-manager component to 2.1.0 or later (seed 000, Prerequisites), or correct `spec.components.ecm`"),
        );
    }
}

fn report_defaults(
    m: &Manifest,
    p: &crate::manifest::profile::ClusterProfile,
    diags: &mut Diagnostics,
) {
    let defaults = p.default_notes();
    if defaults.is_empty() {
        return;
    }
    let fields: Vec<&str> = defaults.iter().map(|(f, _)| f.as_str()).collect();
    let mut d = Diagnostic::advice(
        "LBP4103",
        format!(
            "ClusterProfile `{}` leaves {} unset; defaults assumed",
            m.meta.name(),
            fields.join(", ")
        ),
    )
    .with_primary(m.kind.span, "defaults assumed for this profile")
    .with_help("set these fields under `spec` when the defaults do not describe your cluster");
    for (field, value) in defaults {
        d = d.with_note(format!("spec.{field} = {value}"));
    }
    diags.push(d);
}

#[cfg(test)]
mod tests {
    use crate::compile::validate_text;

    const FULL: &str = "apiVersion: lbplan/v1\nkind: ClusterProfile\nmetadata: {name: p}\nspec:\n  cloud: alibaba\n  clusterKind: ack-edge\n  clusterId: c1\n  kubernetesVersion: \"1.30\"\n  region: cn-hangzhou\n  components: {ecm: \"2.1.0\"}\n  network: {plugin: flannel, proxyMode: iptables, expressConnect: true}\n";

    fn codes(text: &str) -> Vec<&'static str> {
        validate_text("p.yaml", text)
            .diagnostics
            .iter()
            .map(|d| d.code)
            .collect()
    }

    #[test]
    fn a_complete_profile_is_silent() {
        assert!(codes(FULL).is_empty(), "{:?}", codes(FULL));
    }

    /// SPEC §1: "Absent values get documented defaults and a note saying so."
    #[test]
    fn absent_fields_are_listed_with_their_defaults() {
        let text = "apiVersion: lbplan/v1\nkind: ClusterProfile\nmetadata: {name: p}\nspec:\n  cloud: huawei\n  clusterKind: cce\n  clusterId: c1\n  kubernetesVersion: \"1.28\"\n  region: ap-southeast-1\n  network: {plugin: flannel, expressConnect: false}\n";
        let c = validate_text("p.yaml", text);
        let d = c
            .diagnostics
            .iter()
            .find(|d| d.code == "LBP4103")
            .expect("defaults note");
        assert!(d.message.contains("network.proxyMode"));
        assert!(
            d.notes
                .iter()
                .any(|n| n == "spec.network.proxyMode = iptables")
        );
    }

    /// seed 000, Prerequisites: "ECM version 2.1.0 or later".
    #[test]
    fn an_elb_service_needs_ecm_2_1_0() {
        let svc = "---\napiVersion: v1\nkind: Service\nmetadata: {name: cube-svc}\nspec:\n  type: LoadBalancer\n  loadBalancerClass: alibabacloud.com/elb\n  ports: [{name: cube, port: 80}]\n";
        let old = FULL.replace("ecm: \"2.1.0\"", "ecm: \"2.0.3\"");
        assert!(codes(&format!("{old}{svc}")).contains(&"LBP2109"));
        assert!(!codes(&format!("{FULL}{svc}")).contains(&"LBP2109"));
        assert!(
            !codes(&old).contains(&"LBP2109"),
            "no ELB Service, nothing to say"
        );
    }

    #[test]
    fn two_profiles_are_an_error() {
        let text = format!("{FULL}---\n{}", FULL.replace("name: p", "name: q"));
        assert!(codes(&text).contains(&"LBP2108"));
    }
}
