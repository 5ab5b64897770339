//! The value grammars of annotations (one nom parser per grammar; EBNF in `grammar/`).
//!
//! Contract shared by every parser: input is the decoded annotation value; errors carry
//! byte offsets *into that value* (the check stage maps them to file positions through
//! `source::offsets::ValueLocator`), a message in the controller's terms and a fix.
//!
//! Every family lives in its own module and exposes a typed `parse_*` function so later
//! stages (planners, cross-annotation checks) reuse exactly the parser that produced the
//! diagnostics instead of re-reading the string:
//!
//! - [`scalar`]: free text, enums, integers;
//! - [`lists`]: the comma/colon mini-languages of the Alibaba controllers;
//! - [`json`]: a spanned JSON parser (every value and key carries its byte range);
//! - [`cce`]: Huawei CCE JSON payloads (`elb.autocreate`, health checks, session affinity);
//! - [`alb`]: ALB Ingress JSON payloads (`listen-ports`, `conditions.*`, `actions.*`).

pub mod alb;
pub mod cce;
pub mod json;
pub mod lists;
pub mod scalar;

use nom_locate::LocatedSpan;

/// One instance of every variant (two where a parameter changes the parser), for the
/// property tests and the fuzz target. `exhaustive` below stops compiling when a variant is
/// added, as a reminder to list it here.
pub const SAMPLES: &[Grammar] = &[
    Grammar::Any,
    Grammar::NonEmpty,
    Grammar::Enum(&["internet", "intranet"]),
    Grammar::EnumIgnoreCase(&["Ip", "Instance"]),
    Grammar::Int { min: 0, max: 100 },
    Grammar::Int {
        min: i64::MIN,
        max: i64::MAX,
    },
    Grammar::CommaList,
    Grammar::ProtoPortList {
        protocols: &["http", "https", "tcp", "udp"],
        ignore_case: false,
    },
    Grammar::ProtoPortList {
        protocols: &["TCP", "UDP", "TCPSSL"],
        ignore_case: true,
    },
    Grammar::KeyValueList { bare_keys: false },
    Grammar::KeyValueList { bare_keys: true },
    Grammar::LabelSelector,
    Grammar::ZoneMaps,
    Grammar::VgroupPort,
    Grammar::ForwardPort,
    Grammar::DomainExtensions,
    Grammar::BackendWeight,
    Grammar::ListenerPortRange,
    Grammar::ElbAutocreate,
    Grammar::HealthCheckOption,
    Grammar::HealthCheckOptions,
    Grammar::SessionAffinityOption,
    Grammar::ListenPorts,
    Grammar::AlbConditions,
    Grammar::AlbActions,
    Grammar::ClusterWeight,
];

/// Never called: its exhaustive `match` is the compile-time reminder described above.
#[allow(dead_code)]
fn exhaustive(g: Grammar) {
    match g {
        Grammar::Any
        | Grammar::NonEmpty
        | Grammar::Enum(_)
        | Grammar::EnumIgnoreCase(_)
        | Grammar::Int { .. }
        | Grammar::CommaList
        | Grammar::ProtoPortList { .. }
        | Grammar::KeyValueList { .. }
        | Grammar::LabelSelector
        | Grammar::ZoneMaps
        | Grammar::VgroupPort
        | Grammar::ForwardPort
        | Grammar::DomainExtensions
        | Grammar::BackendWeight
        | Grammar::ListenerPortRange
        | Grammar::ElbAutocreate
        | Grammar::HealthCheckOption
        | Grammar::HealthCheckOptions
        | Grammar::SessionAffinityOption
        | Grammar::ListenPorts
        | Grammar::AlbConditions
        | Grammar::AlbActions
        | Grammar::ClusterWeight => {}
    }
}

/// A parser's result: the value when nothing was wrong, else every problem found.
pub(crate) fn done<T>(value: T, errs: Vec<ValueError>) -> Result<T, Vec<ValueError>> {
    if errs.is_empty() {
        Ok(value)
    } else {
        Err(errs)
    }
}

/// Helpers shared by the grammar modules' tests.
#[cfg(test)]
pub(crate) mod test_support {
    use super::{Grammar, validate};

    /// Every error as (start, end, message).
    pub fn errs(g: Grammar, v: &str) -> Vec<(usize, usize, String)> {
        validate(g, v)
            .into_iter()
            .map(|e| (e.start, e.end, e.message))
            .collect()
    }

    /// The byte range of `needle` in `v`.
    pub fn at(v: &str, needle: &str) -> (usize, usize) {
        let s = v.find(needle).unwrap_or(usize::MAX);
        (s, s.saturating_add(needle.len()))
    }
}

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

/// A parsed item together with the byte range it came from inside the annotation value,
/// so a later stage can still point at it (e.g. "port 8080 in `protocol-port` is not a
/// Service port").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub start: usize,
    pub end: usize,
}

impl<T> Located<T> {
    pub fn new(value: T, start: usize, end: usize) -> Self {
        Located {
            value,
            start,
            end: end.max(start),
        }
    }

    /// A [`ValueError`] covering this item.
    pub fn error(&self, message: impl Into<String>) -> ValueError {
        ValueError::new(self.start, self.end, message)
    }
}

/// Checks `value` against `grammar` and returns every problem found (empty = valid).
///
/// This is the entry point of the catalogue check; it never panics, whatever the input,
/// and every returned range lies on character boundaries inside `value`.
///
/// [`Grammar::LabelSelector`] is not handled here: selectors are parsed by
/// `crate::kube::selector`, which owns the selector model, so this returns no errors for it.
pub fn validate(grammar: Grammar, value: &str) -> Vec<ValueError> {
    fn errs<T>(r: Result<T, Vec<ValueError>>) -> Vec<ValueError> {
        r.err().unwrap_or_default()
    }
    fn one<T>(r: Result<T, ValueError>) -> Vec<ValueError> {
        r.err().into_iter().collect()
    }
    let mut found = match grammar {
        Grammar::Any => Vec::new(),
        Grammar::NonEmpty => one(scalar::check_non_empty(value)),
        Grammar::Enum(words) => one(scalar::parse_enum(value, words, false)),
        Grammar::EnumIgnoreCase(words) => one(scalar::parse_enum(value, words, true)),
        Grammar::Int { min, max } => one(scalar::parse_int(value, min, max)),
        Grammar::CommaList => errs(lists::parse_comma_list(value)),
        Grammar::ProtoPortList {
            protocols,
            ignore_case,
        } => errs(lists::parse_proto_ports(value, protocols, ignore_case)),
        Grammar::KeyValueList { bare_keys } => errs(lists::parse_key_values(value, bare_keys)),
        Grammar::LabelSelector => crate::kube::selector::parse_selector(value)
            .err()
            .unwrap_or_default(),
        Grammar::ZoneMaps => errs(lists::parse_zone_maps(value)),
        Grammar::VgroupPort => errs(lists::parse_vgroup_ports(value)),
        Grammar::ForwardPort => errs(lists::parse_forward_ports(value)),
        Grammar::DomainExtensions => errs(lists::parse_domain_extensions(value)),
        Grammar::BackendWeight => errs(lists::parse_backend_weights(value)),
        Grammar::ListenerPortRange => errs(lists::parse_listener_port_ranges(value)),
        Grammar::ElbAutocreate => errs(cce::parse_elb_autocreate(value)),
        Grammar::HealthCheckOption => errs(cce::parse_health_check_option(value)),
        Grammar::HealthCheckOptions => errs(cce::parse_health_check_options(value)),
        Grammar::SessionAffinityOption => errs(cce::parse_session_affinity_option(value)),
        Grammar::ListenPorts => errs(alb::parse_listen_ports(value)),
        Grammar::AlbConditions => errs(alb::parse_alb_conditions(value)),
        Grammar::AlbActions => errs(alb::parse_alb_actions(value)),
        Grammar::ClusterWeight => one(scalar::parse_cluster_weight(value)),
    };
    for e in &mut found {
        clamp(e, value);
    }
    found.sort_by_key(|e| (e.start, e.end));
    found.dedup();
    found
}

/// Like [`validate`], but with the annotation key known: where the controller has its own
/// wording for a bad value (reference/alibaba.md §2.2, §6.2), the message is replaced by
/// the controller's exact text so users can search for it. Ranges and help are unchanged.
pub fn validate_annotation(key: &str, grammar: Grammar, value: &str) -> Vec<ValueError> {
    let mut found = validate(grammar, value);
    if let Some(text) = controller_text(key, grammar, value) {
        for e in &mut found {
            e.message = text.clone();
        }
    }
    found
}

/// The controller's own message for a rejected scalar value of `key`, if it has one.
fn controller_text(key: &str, grammar: Grammar, value: &str) -> Option<String> {
    let suffix = |s: &str| key.ends_with(s);
    if matches!(grammar, Grammar::KeyValueList { .. }) && suffix("loadbalancer-backend-label") {
        return Some(format!("parse backend label: {value}, [k1=v1,k2=v2]"));
    }
    let scalar = matches!(
        grammar,
        Grammar::Int { .. } | Grammar::Enum(_) | Grammar::EnumIgnoreCase(_)
    );
    if !scalar {
        None
    } else if suffix("loadbalancer-default-weight") {
        Some(format!(
            "default weight must be integer in range [0,100] , got [{value}]"
        ))
    } else if suffix("loadbalancer-weight") {
        Some(format!(
            "weight must be integer in range [0,100] , got [{value}]"
        ))
    } else if suffix("loadbalancer-eip-bandwidth") {
        Some(format!(
            "Annotation eip bandwidth must be integer, but got [{value}]"
        ))
    } else if suffix("loadbalancer-bandwidth") {
        Some(format!("bandwidth must be integer, got [{value}]"))
    } else if suffix("loadbalancer-cross-zone-enabled") {
        Some(format!(
            "ParameterInvalid, cross zone enabled flag error: invalid flag \"{value}\""
        ))
    } else if suffix("alb.ingress.kubernetes.io/order")
        || suffix("alb.ingress.kubernetes.io/albconfig.order")
    {
        Some(format!(
            "explicit Ingress group order must be within [1:1000], order: {value}"
        ))
    } else {
        None
    }
}

/// Keeps an error's range inside `value` and on character boundaries, whatever a parser
/// computed; a defensive net so the renderer can never slice in the middle of a character.
fn clamp(e: &mut ValueError, value: &str) {
    let fix = |mut i: usize| {
        i = i.min(value.len());
        while i > 0 && !value.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    e.start = fix(e.start);
    e.end = fix(e.end).max(e.start);
}

/// Input type of the list parsers: the value with its byte offset tracked by nom_locate.
pub(crate) type Span<'a> = LocatedSpan<&'a str>;

/// Byte range of a span.
pub(crate) fn range(s: &Span<'_>) -> (usize, usize) {
    let start = s.location_offset();
    (start, start + s.fragment().len())
}

/// The range of the character at `offset` (empty at the end of `text`), for errors about
/// one unexpected character.
pub(crate) fn char_at(text: &str, offset: usize) -> (usize, usize) {
    let len = text
        .get(offset..)
        .and_then(|r| r.chars().next())
        .map_or(0, char::len_utf8);
    (offset, offset + len)
}

/// `did you mean `x`?` help for a word that is not in `candidates`, else a list of them.
pub(crate) fn choices_help(word: &str, candidates: &[&str]) -> String {
    let list = candidates.join(", ");
    if let Some(c) = candidates.iter().find(|c| c.eq_ignore_ascii_case(word)) {
        return format!("did you mean `{c}`? the value is case-sensitive; expected one of: {list}");
    }
    match crate::annotations::suggest(word, candidates.iter().copied()) {
        Some(s) => format!("did you mean `{s}`? expected one of: {list}"),
        None => format!("expected one of: {list}"),
    }
}

#[cfg(test)]
mod properties {
    //! `validate` must never panic, and every error must lie inside the value, on
    //! character boundaries, with a message and a help — whatever the input.

    use super::{Grammar, SAMPLES as ALL, validate};
    use proptest::prelude::*;

    /// Valid-looking payloads that mutations start from, so the deep paths get exercised.
    const SEEDS: &[&str] = &[
        r#"[{"HTTP": 80},{"HTTPS": 443}]"#,
        r#"[{"type":"Header","headerConfig":{"key":"stage","values":["gray"]}}]"#,
        r#"[{"type":"ForwardGroup","forwardConfig":{"serverGroups":[{"serviceName":"s","servicePort":80,"weight":100}]}},{"type":"TrafficLimit","TrafficLimitConfig":{"QPS":"10","QPSPerIp":"5"}}]"#,
        r#"{"type":"public","bandwidth_size":5,"bandwidth_sharetype":"PER","eip_type":"5_bgp","name":"lb_1","available_zone":["az1"]}"#,
        r#"[{"target_service_port":"TCP:80","protocol":"HTTP","path":"/","delay":"5"}]"#,
        r#"{"persistence_timeout":"30"}"#,
        "https:443,http:80",
        "cn-hz-a:vsw-1:10.0.0.1:eip-1,cn-hz-b:vsw-2",
        "base=50,n1=80",
        "70-90:8080,100-200:9090",
        "*.a.com:cert-1",
        "k1=v1,k2=,k3",
        "80:443",
    ];

    fn check(g: Grammar, v: &str) -> Result<(), TestCaseError> {
        for e in validate(g, v) {
            prop_assert!(e.start <= e.end && e.end <= v.len(), "{g:?} {v:?} {e:?}");
            prop_assert!(v.is_char_boundary(e.start) && v.is_char_boundary(e.end));
            prop_assert!(!e.message.is_empty());
            prop_assert!(e.help.is_some(), "no help: {g:?} {v:?} {e:?}");
        }
        Ok(())
    }

    fn mutated() -> impl Strategy<Value = String> {
        (
            prop::sample::select(SEEDS),
            prop::collection::vec(
                (
                    any::<prop::sample::Index>(),
                    0u8..4,
                    "[\\[\\]{}:,\"'é0-9a-zA-Z -]",
                ),
                1..4,
            ),
        )
            .prop_map(|(seed, edits)| {
                let mut s = seed.to_string();
                for (idx, op, text) in edits {
                    let bounds: Vec<usize> =
                        (0..=s.len()).filter(|i| s.is_char_boundary(*i)).collect();
                    let at = bounds[idx.index(bounds.len())];
                    let next = bounds.iter().copied().find(|b| *b > at).unwrap_or(at);
                    match op {
                        0 => s.insert_str(at, &text),
                        1 => s.replace_range(at..next, ""),
                        _ => s.replace_range(at..next, &text),
                    }
                }
                s
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            failure_persistence: None,
            ..ProptestConfig::with_cases(512)
        })]

        #[test]
        fn arbitrary_text_never_breaks_validate(v in any::<String>()) {
            for g in ALL {
                check(*g, &v)?;
            }
        }

        #[test]
        fn json_ish_text_never_breaks_validate(v in "[\\[\\]{}:,\"'\\\\/ a-zA-Z0-9é_.=+-]{0,60}") {
            for g in ALL {
                check(*g, &v)?;
            }
        }

        #[test]
        fn mutated_payloads_never_break_validate(v in mutated()) {
            for g in ALL {
                check(*g, &v)?;
            }
        }
    }

    #[test]
    fn seeds_are_valid_for_their_grammar() {
        let pairs = [
            (Grammar::ListenPorts, 0),
            (Grammar::AlbConditions, 1),
            (Grammar::AlbActions, 2),
            (Grammar::ElbAutocreate, 3),
            (Grammar::HealthCheckOptions, 4),
            (Grammar::SessionAffinityOption, 5),
            (Grammar::ZoneMaps, 7),
            (Grammar::BackendWeight, 8),
            (Grammar::ListenerPortRange, 9),
            (Grammar::DomainExtensions, 10),
            (Grammar::KeyValueList { bare_keys: true }, 11),
            (Grammar::ForwardPort, 12),
        ];
        for (g, i) in pairs {
            assert_eq!(validate(g, SEEDS[i]), vec![], "{g:?}");
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let v = "[".repeat(100_000);
        for g in ALL {
            let _ = validate(*g, &v);
        }
        let e = validate(Grammar::AlbActions, &v);
        assert_eq!(e.len(), 1);
        assert_eq!((e[0].start, e[0].end), (32, 33));
    }
}
