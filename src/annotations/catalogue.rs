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

/// The individual controller that acts on a key: finer than [`Provider`], because one
/// Alibaba key (`…-loadbalancer-scheduler`) is read by CLB, NLB and ECM with different
/// value sets, and a CLB-only key on an NLB Service has no effect at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Controller {
    /// Alibaba CCM, Classic Load Balancer path (`type: LoadBalancer`, no class).
    Clb,
    /// Alibaba CCM, Network Load Balancer path (`loadBalancerClass: alibabacloud.com/nlb`).
    Nlb,
    /// ACK Edge edge-controller-manager: one ENS ELB per PoolService.
    Elb,
    /// OpenYurt yurt-manager / yurthub (PoolService fan-out, service topology).
    OpenYurt,
    /// Alibaba ALB Ingress controller (and the ACK One multi-cluster gateway).
    Alb,
    /// Huawei CCE's managed ELB controller (the documented `kubernetes.io/elb.*` keys).
    Cce,
    /// The open-source upstream Huawei CCM only (`shared`/`dedicated` classes); CCE ignores these.
    HuaweiCcm,
}

impl Controller {
    /// A short human name, used in messages ("read by the NLB controller").
    pub fn name(self) -> &'static str {
        match self {
            Controller::Clb => "CLB (Alibaba CCM)",
            Controller::Nlb => "NLB (Alibaba CCM)",
            Controller::Elb => "ENS ELB (ACK Edge ECM)",
            Controller::OpenYurt => "OpenYurt",
            Controller::Alb => "ALB Ingress controller",
            Controller::Cce => "Huawei CCE",
            Controller::HuaweiCcm => "upstream Huawei CCM",
        }
    }
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

impl Target {
    /// How the object is named in messages.
    pub fn name(self) -> &'static str {
        match self {
            Target::LoadBalancerService => "Service of `type: LoadBalancer`",
            Target::Service => "Service",
            Target::NodePool => "NodePool",
            Target::PoolService => "PoolService",
            Target::Ingress => "Ingress",
            Target::AlbConfig => "AlbConfig",
        }
    }
}

/// How a key is matched: exactly, or as a prefix followed by a name (`conditions.<svc>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyPattern {
    Exact(&'static str),
    /// The prefix; the rest of the key is a name (service name, cluster id).
    Prefixed(&'static str),
}

impl KeyPattern {
    /// The literal text: the whole key, or the prefix of a prefixed key.
    pub fn text(self) -> &'static str {
        match self {
            KeyPattern::Exact(k) | KeyPattern::Prefixed(k) => k,
        }
    }

    /// Whether `key` is this pattern; a prefixed pattern needs a non-empty name after it.
    pub fn matches(self, key: &str) -> bool {
        match self {
            KeyPattern::Exact(k) => key == k,
            KeyPattern::Prefixed(p) => key.len() > p.len() && key.starts_with(p),
        }
    }

    /// How the key is written in listings: `…/conditions.<name>` for a prefixed key.
    pub fn display(self) -> String {
        match self {
            KeyPattern::Exact(k) => k.to_string(),
            KeyPattern::Prefixed(p) => format!("{p}<name>"),
        }
    }
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
    /// The controllers that read the key. A key on an object handled by none of them has
    /// no effect, even when the object kind is right.
    pub readers: &'static [Controller],
    /// A stricter grammar for one reader, where the controllers disagree on the value set
    /// (CLB wants lower-case `http:80`, NLB wants `TCP|UDP|TCPSSL`). `grammar` is the union
    /// used when the reader is not known.
    pub variants: &'static [(Controller, Grammar)],
}

impl AnnotationSpec {
    /// An entry with no per-reader grammar variants.
    #[allow(clippy::too_many_arguments)]
    pub const fn new(
        key: KeyPattern,
        provider: Provider,
        readers: &'static [Controller],
        targets: &'static [Target],
        grammar: Grammar,
        default: Option<&'static str>,
        doc: &'static str,
    ) -> Self {
        AnnotationSpec {
            key,
            provider,
            targets,
            grammar,
            default,
            doc,
            readers,
            variants: &[],
        }
    }

    /// The same entry with per-reader grammars.
    pub const fn with_variants(mut self, variants: &'static [(Controller, Grammar)]) -> Self {
        self.variants = variants;
        self
    }

    /// The grammar `reader` applies: its variant if it has one, else the common grammar.
    pub fn grammar_for(&self, reader: Option<Controller>) -> Grammar {
        reader
            .and_then(|r| self.variants.iter().find(|(c, _)| *c == r))
            .map_or(self.grammar, |(_, g)| *g)
    }

    /// Whether the key may appear on `target` (a LoadBalancer Service also counts as a Service).
    pub fn applies_to(&self, target: Target) -> bool {
        self.targets.contains(&target)
            || (target == Target::LoadBalancerService && self.targets.contains(&Target::Service))
    }
}
