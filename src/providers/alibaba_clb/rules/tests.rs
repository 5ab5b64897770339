//! Unit tests of the CCM settings, rules and causes; whole scenarios (seed 002, reference
//! §8 cases 1–26) are in `tests/plan_clb.rs`.

use crate::compile::validate_text;
use crate::plan::Causes;
use crate::providers::alibaba_clb::causes::ClbCauses;
use crate::providers::alibaba_clb::settings::{ClbService, instance_id};
use crate::topology::lower_and_resolve;

/// Reference §2.4: providerID is `[alicloud://]<region>.<instance>`.
#[test]
fn provider_id_format() {
    assert_eq!(instance_id("cn-hz.i-n1"), Some("i-n1"));
    assert_eq!(instance_id("alicloud://cn-hz.i-n1"), Some("i-n1"));
    assert_eq!(instance_id("i-n1"), None);
    assert_eq!(instance_id("ack-hybrid://i-n1"), None);
    assert_eq!(instance_id(".i-n1"), None);
}

const SVC: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  uid: 8ef9b2a1-4c3d-4e5f-9a0b-1c2d3e4f5a6b\nspec:\n  type: LoadBalancer\n  ports:\n  - {port: 80, protocol: TCP}\n";

/// Reference §2.3: default name `a` + UID without dashes, cut to 32 characters.
#[test]
fn default_name_from_uid() {
    let c = validate_text("t.yaml", SVC);
    let mut d = crate::diag::Diagnostics::new();
    let resolved = lower_and_resolve(&c.sources, c.objects(), &mut d);
    let s = ClbService::of(&resolved[0].cluster.services[0]).expect("a CLB Service");
    assert_eq!(
        s.default_name().as_deref(),
        Some("a8ef9b2a14c3d4e5f9a0b1c2d3e4f5a6")
    );
}

/// Reference §2.8: the causes name the edit (Service deleted, type changed, port removed)
/// and leave ELB addresses (`<ns>/<svc>/<pool>`) alone.
#[test]
fn causes_read_ccm_addresses_only() {
    let c = validate_text("t.yaml", SVC);
    let mut d = crate::diag::Diagnostics::new();
    let resolved = lower_and_resolve(&c.sources, c.objects(), &mut d);
    let causes = ClbCauses::new(&resolved);
    assert_eq!(
        causes.why_absent("clb.default/gone").as_deref(),
        Some("Service default/gone was deleted")
    );
    assert_eq!(
        causes.why_absent("listener.default/web/udp-53").as_deref(),
        Some("port udp-53 was removed from spec.ports of Service default/web")
    );
    assert!(
        causes
            .why_absent("nlb.default/web")
            .is_some_and(|r| r.contains("moved from NLB to CLB"))
    );
    assert_eq!(causes.why_absent("server_group.default/web/np-hefei"), None);
    assert_eq!(
        causes.why_absent("listener.default/web/np-hefei/tcp-80"),
        None
    );
    assert_eq!(causes.why_absent("elb.default/web/np-hefei"), None);
    assert!(
        causes
            .why_present("clb.default/web")
            .is_some_and(|r| r.contains("a8ef9b2a14c3d4e5f9a0b1c2d3e4f5a6"))
    );
}
