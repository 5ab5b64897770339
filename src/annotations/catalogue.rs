//! The annotation catalogue: every key lbplan knows, for every provider.
//!
//! The real controllers ignore unknown keys silently, so the catalogue is what turns a typo
//! into a warning and a bad value into an error pointing inside the value.

use super::grammar::Grammar;

/// Which controller reads a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Provider {
    /// OpenYurt (`service.openyurt.io/…`, `openyurt.io/…`) and ACK Edge ECM ELB.
    AlibabaEdge,
    /// Alibaba CCM: CLB and NLB.
    AlibabaClb,
    /// Huawei CCE ELB (`kubernetes.io/elb.*`).
    HuaweiCce,
    /// Alibaba ALB Ingress controller and ACK One multi-cluster gateway.
    AlibabaAlb,
}

/// Which objects a key is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// A Service of `type: LoadBalancer`.
    LoadBalancerService,
    /// Any Service (e.g. topology keys).
    Service,
    NodePool,
    PoolService,
    Ingress,
    AlbConfig,
}

/// How a key is matched: exactly, or as a prefix followed by a name (`conditions.<svc>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyPattern {
    Exact(&'static str),
    /// The prefix; the rest of the key is a name (service name, cluster id).
    Prefixed(&'static str),
}

/// One catalogue entry.
#[derive(Debug, Clone, Copy)]
pub struct AnnotationSpec {
    pub key: KeyPattern,
    pub provider: Provider,
    pub targets: &'static [Target],
    pub grammar: Grammar,
    /// The default the controller applies when the key is absent, as documented.
    pub default: Option<&'static str>,
    /// One line: what the key does.
    pub doc: &'static str,
}
