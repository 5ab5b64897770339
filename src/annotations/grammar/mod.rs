//! The value grammars of annotations (one nom parser per grammar; EBNF in `grammar/`).
//!
//! Contract shared by every parser: input is the decoded annotation value; errors carry
//! byte offsets *into that value* (the check stage maps them to file positions through
//! `source::offsets::ValueLocator`), a message in the controller's terms and a fix.

// TEMPORARY (h-catalogue): drop these two lines and `fallback.rs` when the real
// `validate` lands.
mod fallback;
pub use fallback::validate;

/// A problem inside an annotation value, located by byte offsets into the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueError {
    pub start: usize,
    pub end: usize,
    pub message: String,
    pub help: Option<String>,
}

impl ValueError {
    pub fn new(start: usize, end: usize, message: impl Into<String>) -> Self {
        ValueError {
            start,
            end: end.max(start),
            message: message.into(),
            help: None,
        }
    }
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// Which grammar an annotation's value follows. The catalogue names one per key;
/// [`validate`] runs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grammar {
    /// Any string, including empty.
    Any,
    /// Any non-empty string (ids, names).
    NonEmpty,
    /// One of the listed words, exactly.
    Enum(&'static [&'static str]),
    /// One of the listed words, ignoring ASCII case.
    EnumIgnoreCase(&'static [&'static str]),
    /// A decimal integer in `min..=max`.
    Int { min: i64, max: i64 },
    /// Comma-separated non-empty items (`vsw-a,vsw-b`), no empty items.
    CommaList,
    /// `proto:port[,proto:port]`, protocol from the list (case-insensitively if asked),
    /// port 1–65535.
    ProtoPortList {
        protocols: &'static [&'static str],
        ignore_case: bool,
    },
    /// `k=v[,k=v]`; with `bare_keys`, `k` alone means an empty value.
    KeyValueList { bare_keys: bool },
    /// A Kubernetes label selector string (`a=b,c in (x,y),!d`).
    LabelSelector,
    /// NLB `zone-maps`: `zone:vsw[:ipv4[:allocationId]][,…]`.
    ZoneMaps,
    /// CLB/NLB `vgroup-port`: `id:port[,id:port]`.
    VgroupPort,
    /// CLB `forward-port`: `httpPort:httpsPort[,…]`.
    ForwardPort,
    /// CLB `domain-extensions`: `domain:certId[,…]`.
    DomainExtensions,
    /// ELB `backend-weight`: `base=W,node=W[,…]`, weights 0–100.
    BackendWeight,
    /// NLB `listener-port-range`: `start-end:servicePort[,…]`.
    ListenerPortRange,
    /// CCE `kubernetes.io/elb.autocreate` JSON object.
    ElbAutocreate,
    /// CCE `kubernetes.io/elb.health-check-option` JSON object.
    HealthCheckOption,
    /// CCE `kubernetes.io/elb.health-check-options` JSON array.
    HealthCheckOptions,
    /// CCE `kubernetes.io/elb.session-affinity-option` JSON object.
    SessionAffinityOption,
    /// ALB `listen-ports` JSON array of one-key objects (`[{"HTTP": 80}]`).
    ListenPorts,
    /// ALB `conditions.<svc>` JSON array.
    AlbConditions,
    /// ALB `actions.<svc>` JSON array.
    AlbActions,
    /// ACK One `cluster-weight.<clusterId>`: integer 0–100.
    ClusterWeight,
}
