//! Rules about the `lbplan/v1 ClusterProfile` (SPEC §1): a run describes one cluster (or one
//! fleet), and every value the profile leaves out is assumed — say which, so a plan built
//! on a default is never mistaken for one built on a fact.

use crate::diag::{Diagnostic, Diagnostics};
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
    for m in profiles {
        if let Object::ClusterProfile(p) = &m.object {
            report_defaults(m, p, diags);
        }
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

    #[test]
    fn two_profiles_are_an_error() {
        let text = format!("{FULL}---\n{}", FULL.replace("name: p", "name: q"));
        assert!(codes(&text).contains(&"LBP2108"));
    }
}
