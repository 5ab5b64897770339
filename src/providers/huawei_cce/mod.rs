//! Huawei Cloud CCE: LoadBalancer Services and LoadBalancer Ingresses on ELB
//! (`kubernetes.io/elb.*`).
//!
//! The catalogue follows the CCE user manual (the seed). Keys that only the open-source
//! upstream Huawei CCM reads are catalogued too, so they are not reported as typos, but
//! with `Controller::HuaweiCcm` as their only reader: CCE ignores them.

pub mod annotations;
pub mod build;
pub mod causes;
pub mod rules;
pub mod settings;

/// The CCE key doing the job of an upstream-CCM-only key, for the "CCE ignores this" help.
pub fn cce_equivalent(key: &str) -> Option<&'static str> {
    Some(match key.strip_prefix("kubernetes.io/elb.")? {
        "idle-timeout" => "kubernetes.io/elb.keepalive_timeout",
        "request-timeout" => "kubernetes.io/elb.client_timeout",
        "response-timeout" => "kubernetes.io/elb.member_timeout",
        "enable-transparent-client-ip" => "kubernetes.io/elb.transparent-client-ip",
        "session-affinity-flag" => "kubernetes.io/elb.session-affinity-mode",
        "eip-auto-create-option" => "kubernetes.io/elb.autocreate",
        "availability-zones" => "kubernetes.io/elb.autocreate",
        "l4-flavor-id" => "kubernetes.io/elb.autocreate",
        "l7-flavor-id" => "kubernetes.io/elb.autocreate",
        "default-tls-container-ref" => "kubernetes.io/elb.cert-id",
        _ => return None,
    })
}
