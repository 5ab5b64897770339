//! Huawei CCE JSON annotations (EBNF: `grammar/elb-autocreate.ebnf`,
//! `health-check-option.ebnf`, `health-check-options.ebnf`, `session-affinity-option.ebnf`).
//!
//! Sources: reference/huawei-cce-and-terraform.md §1.1–1.3 and seed 003 (tables 2, 3, 5).
//! The health-check and session-affinity payloads are decoded by the controller into a
//! `map[string]string`, so every value must be a JSON *string* (`"delay": "5"`) and keys
//! match exactly; `elb.autocreate` is a struct with typed fields (`bandwidth_size` is a
//! number).

use std::net::Ipv4Addr;

use super::json::{
    Fields, JsonKind, JsonMember, JsonValue, enum_field, loc, parse_json, str_field, want_int,
    want_str, want_strings,
};
use super::scalar::int_in_range;
use super::{Located, ValueError, choices_help};

/// An integer written as a JSON string (`"5"`), in `min..=max`.
fn int_string_field(
    f: &mut Fields<'_>,
    name: &str,
    min: i64,
    max: i64,
    errs: &mut Vec<ValueError>,
) -> Option<Located<u32>> {
    let m = f.take(name, errs)?;
    let s = want_str(m, errs)?;
    match int_in_range(s, min, max)
        .ok()
        .and_then(|v| u32::try_from(v).ok())
    {
        Some(v) => Some(loc(m, v)),
        None => {
            errs.push(
                m.value
                    .error(format!(
                        "`{}` must be an integer from {min} to {max}, got \"{s}\"",
                        m.key
                    ))
                    .with_help(format!(
                        "write a whole number between {min} and {max}, as a string"
                    )),
            );
            None
        }
    }
}

/// A port 1–65535 written as a JSON string.
fn port_string_field(
    f: &mut Fields<'_>,
    name: &str,
    errs: &mut Vec<ValueError>,
) -> Option<Located<u16>> {
    int_string_field(f, name, 1, 65535, errs).and_then(|p| {
        u16::try_from(p.value)
            .ok()
            .map(|v| Located::new(v, p.start, p.end))
    })
}

/// Parses and reports in one go: JSON syntax errors first, then the schema.
fn with_json<T>(
    value: &str,
    check: impl FnOnce(&JsonValue, &mut Vec<ValueError>) -> Option<T>,
) -> Result<T, Vec<ValueError>> {
    let json = parse_json(value).map_err(|e| vec![e])?;
    let mut errs = Vec::new();
    let out = check(&json, &mut errs);
    match out {
        Some(v) if errs.is_empty() => Ok(v),
        _ if errs.is_empty() => Err(vec![
            json.error("invalid value")
                .with_help("check the value against the documented fields"),
        ]),
        _ => Err(errs),
    }
}

// ---------------------------------------------------------------------------------------
// kubernetes.io/elb.autocreate

/// `type` of an auto-created ELB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LbType {
    /// An EIP is created and bound to the ELB.
    Public,
    /// Private address only (the default).
    Inner,
}

/// The decoded `kubernetes.io/elb.autocreate` object. Fields the controller defaults are
/// `None` here; the planner applies the defaults. Whether dedicated-only fields are allowed
/// depends on `kubernetes.io/elb.class`, so they are listed in `dedicated_only` for the
/// check stage, which sees both annotations.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ElbAutocreate {
    pub name: Option<Located<String>>,
    pub lb_type: Option<Located<LbType>>,
    pub bandwidth_name: Option<Located<String>>,
    pub bandwidth_chargemode: Option<Located<&'static str>>,
    pub bandwidth_size: Option<Located<i64>>,
    pub bandwidth_sharetype: Option<Located<&'static str>>,
    pub eip_type: Option<Located<String>>,
    pub vip_subnet_cidr_id: Option<Located<String>>,
    pub vip_address: Option<Located<Ipv4Addr>>,
    pub ipv6_vip_virsubnet_id: Option<Located<String>>,
    pub elb_virsubnet_ids: Vec<Located<String>>,
    pub available_zone: Vec<Located<String>>,
    pub l4_flavor_name: Option<Located<String>>,
    pub l7_flavor_name: Option<Located<String>>,
    /// Dedicated-only fields that are present, located at their keys.
    pub dedicated_only: Vec<Located<&'static str>>,
}

impl ElbAutocreate {
    /// Whether an EIP is created (`"type": "public"`).
    pub fn is_public(&self) -> bool {
        self.lb_type
            .as_ref()
            .is_some_and(|t| t.value == LbType::Public)
    }
}

const AUTOCREATE_FIELDS: &[&str] = &[
    "name",
    "type",
    "bandwidth_name",
    "bandwidth_chargemode",
    "bandwidth_size",
    "bandwidth_sharetype",
    "eip_type",
    "vip_subnet_cidr_id",
    "vip_address",
    "ipv6_vip_virsubnet_id",
    "elb_virsubnet_ids",
    "available_zone",
    "l4_flavor_name",
    "l7_flavor_name",
];

const PUBLIC_ONLY: &[&str] = &[
    "bandwidth_name",
    "bandwidth_chargemode",
    "bandwidth_size",
    "bandwidth_sharetype",
    "eip_type",
];

/// Required when `type` is `public` (seed 003 table 5), with an example value for the help.
const PUBLIC_REQUIRED: &[(&str, &str)] = &[
    ("bandwidth_size", "5"),
    ("bandwidth_sharetype", "\"PER\""),
    ("eip_type", "\"5_bgp\""),
];

const DEDICATED_ONLY: &[&str] = &[
    "available_zone",
    "l4_flavor_name",
    "l7_flavor_name",
    "elb_virsubnet_ids",
    "ipv6_vip_virsubnet_id",
];

/// Checks a resource name: 1–64 characters from `[A-Za-z0-9_.-]`, starting with a letter,
/// pointing at the first offending character when the string has no escapes.
fn check_name(m: &JsonMember, s: &str, src: &str, errs: &mut Vec<ValueError>) {
    let count = s.chars().count();
    if count == 0 || count > 64 {
        errs.push(
            m.value
                .error(format!(
                    "`{}` must be 1 to 64 characters, got {count}",
                    m.key
                ))
                .with_help("shorten the name or leave the field out to use the default"),
        );
        return;
    }
    let bad = s
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')));
    if let Some((at, c)) = bad {
        let (start, end) = m.value.inner_range(src, at, at + c.len_utf8());
        errs.push(
            ValueError::new(start, end, format!("`{c}` is not allowed in `{}`", m.key)).with_help(
                "use lower-case letters, digits and `_` (the documented set); `-` and `.` are also accepted",
            ),
        );
        return;
    }
    if !s.starts_with(|c: char| c.is_ascii_alphabetic()) {
        let (start, end) = m.value.inner_range(src, 0, 1);
        errs.push(
            ValueError::new(start, end, format!("`{}` must start with a letter", m.key))
                .with_help("start the name with a lower-case letter"),
        );
    }
}

/// Parses `kubernetes.io/elb.autocreate` (CCE `union`/`performance` ELB creation).
pub fn parse_elb_autocreate(value: &str) -> Result<ElbAutocreate, Vec<ValueError>> {
    with_json(value, |json, errs| {
        let mut f = Fields::new(json, "`elb.autocreate`", false, errs)?;
        let mut out = ElbAutocreate::default();
        if let Some(m) = f.take("name", errs)
            && let Some(s) = want_str(m, errs)
        {
            check_name(m, s, value, errs);
            out.name = Some(loc(m, s.to_string()));
        }
        let type_member = f.take("type", errs);
        if let Some(m) = type_member
            && let Some(s) = want_str(m, errs)
        {
            match s {
                "public" => out.lb_type = Some(loc(m, LbType::Public)),
                "inner" => out.lb_type = Some(loc(m, LbType::Inner)),
                _ => errs.push(
                    m.value
                        .error(format!("`type` must be public or inner, got \"{s}\""))
                        .with_help(choices_help(s, &["public", "inner"])),
                ),
            }
        }
        if let Some(m) = f.take("bandwidth_name", errs)
            && let Some(s) = want_str(m, errs)
        {
            check_name(m, s, value, errs);
            out.bandwidth_name = Some(loc(m, s.to_string()));
        }
        out.bandwidth_chargemode = enum_field(
            &mut f,
            "bandwidth_chargemode",
            &["bandwidth", "traffic"],
            errs,
        );
        if let Some(m) = f.take("bandwidth_size", errs)
            && let Some(n) = want_int(m, errs)
        {
            if (1..=2000).contains(&n) {
                out.bandwidth_size = Some(loc(m, n));
            } else {
                errs.push(
                    m.value
                        .error(format!(
                            "`bandwidth_size` must be within [1, 2000] Mbit/s, got {n}"
                        ))
                        .with_help("the allowed range may be smaller in your region"),
                );
            }
        }
        out.bandwidth_sharetype = enum_field(&mut f, "bandwidth_sharetype", &["PER"], errs);
        out.eip_type = str_field(&mut f, "eip_type", errs);
        if let Some(e) = &out.eip_type
            && e.value.is_empty()
        {
            errs.push(
                e.error("`eip_type` must not be empty")
                    .with_help("e.g. \"5_bgp\""),
            );
        }
        out.vip_subnet_cidr_id = str_field(&mut f, "vip_subnet_cidr_id", errs);
        if let Some(m) = f.take("vip_address", errs)
            && let Some(s) = want_str(m, errs)
        {
            match s.parse::<Ipv4Addr>() {
                Ok(a) => out.vip_address = Some(loc(m, a)),
                Err(_) => errs.push(
                    m.value
                        .error(format!(
                            "`vip_address` must be an IPv4 address, got \"{s}\""
                        ))
                        .with_help("write e.g. \"192.168.0.10\""),
                ),
            }
        }
        out.ipv6_vip_virsubnet_id = str_field(&mut f, "ipv6_vip_virsubnet_id", errs);
        for (name, slot) in [
            ("elb_virsubnet_ids", &mut out.elb_virsubnet_ids),
            ("available_zone", &mut out.available_zone),
        ] {
            if let Some(m) = f.take(name, errs)
                && let Some(items) = want_strings(m, errs)
            {
                *slot = items
                    .into_iter()
                    .map(|(s, v)| Located::new(s.to_string(), v.start, v.end))
                    .collect();
            }
        }
        out.l4_flavor_name = str_field(&mut f, "l4_flavor_name", errs);
        out.l7_flavor_name = str_field(&mut f, "l7_flavor_name", errs);
        for name in DEDICATED_ONLY {
            if let Some(m) = json.get(name) {
                out.dedicated_only
                    .push(Located::new(*name, m.key_start, m.key_end));
            }
        }
        // Public-only fields without `type: public` are silently ignored: no EIP appears.
        if !out.is_public() {
            for name in PUBLIC_ONLY {
                if let Some(m) = json.get(name) {
                    errs.push(
                        m.key_error(format!("`{name}` only applies when `type` is `public`"))
                            .with_help(
                                "add `\"type\": \"public\"` to get an EIP, or remove this field",
                            ),
                    );
                }
            }
        } else if let Some(t) = type_member {
            for (name, example) in PUBLIC_REQUIRED {
                if !f.has(name) {
                    errs.push(
                        t.value
                            .error(format!("a public load balancer needs `{name}`"))
                            .with_help(format!("add `\"{name}\": {example}`")),
                    );
                }
            }
        }
        f.finish(AUTOCREATE_FIELDS, &|_| None, errs);
        Some(out)
    })
}

// ---------------------------------------------------------------------------------------
// Health checks

/// Monitor protocol. `UDP` in the annotation means `UDP_CONNECT` (reference §1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HealthProtocol {
    Tcp,
    UdpConnect,
    Http,
}

/// `PROTO:port` of `target_service_port`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetPort {
    /// `TCP` or `UDP`.
    pub protocol: &'static str,
    pub port: u16,
    /// Range of the whole string token.
    pub start: usize,
    pub end: usize,
}

/// One health-check configuration. Missing fields take the controller defaults
/// (delay 5, timeout 10, max_retries 3, protocol from the Service port, path `/`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HealthCheck {
    pub delay: Option<Located<u32>>,
    pub timeout: Option<Located<u32>>,
    pub max_retries: Option<Located<u32>>,
    pub protocol: Option<Located<HealthProtocol>>,
    pub path: Option<Located<String>>,
    /// Only in `health-check-options` entries.
    pub target_service_port: Option<TargetPort>,
    /// Only in `health-check-options` entries.
    pub monitor_port: Option<Located<u16>>,
    /// The object's range.
    pub start: usize,
    pub end: usize,
}

const HC_FIELDS: &[&str] = &["delay", "timeout", "max_retries", "protocol", "path"];
const HC_LIST_FIELDS: &[&str] = &[
    "delay",
    "timeout",
    "max_retries",
    "protocol",
    "path",
    "target_service_port",
    "monitor_port",
];

fn health_check(v: &JsonValue, per_port: bool, errs: &mut Vec<ValueError>) -> Option<HealthCheck> {
    let what = if per_port {
        "each health check entry"
    } else {
        "`elb.health-check-option`"
    };
    let mut f = Fields::new(v, what, false, errs)?;
    let mut out = HealthCheck {
        start: v.start,
        end: v.end,
        ..HealthCheck::default()
    };
    out.delay = int_string_field(&mut f, "delay", 1, 50, errs);
    out.timeout = int_string_field(&mut f, "timeout", 1, 50, errs);
    out.max_retries = int_string_field(&mut f, "max_retries", 1, 10, errs);
    if let Some(m) = f.take("protocol", errs)
        && let Some(s) = want_str(m, errs)
    {
        let p = match s {
            "TCP" => Some(HealthProtocol::Tcp),
            "UDP" | "UDP_CONNECT" => Some(HealthProtocol::UdpConnect),
            "HTTP" => Some(HealthProtocol::Http),
            _ => None,
        };
        match p {
            Some(p) => out.protocol = Some(loc(m, p)),
            None => errs.push(
                m.value
                    .error(format!(
                        "`protocol` must be TCP, UDP_CONNECT or HTTP, got \"{s}\""
                    ))
                    .with_help(choices_help(s, &["TCP", "UDP_CONNECT", "HTTP"])),
            ),
        }
    }
    let path_member = f.take("path", errs);
    if let Some(m) = path_member
        && let Some(s) = want_str(m, errs)
    {
        if s.is_empty() || s.chars().count() > 80 || !s.starts_with('/') {
            errs.push(
                m.value
                    .error("`path` must start with `/` and be 1 to 80 characters")
                    .with_help("write e.g. \"/healthz\""),
            );
        } else {
            out.path = Some(loc(m, s.to_string()));
        }
    }
    let is_http = out
        .protocol
        .as_ref()
        .is_some_and(|p| p.value == HealthProtocol::Http);
    // A bad `protocol` was reported already; do not pile a `path` error on top.
    let protocol_invalid = f.has("protocol") && out.protocol.is_none();
    if let Some(m) = path_member
        && !is_http
        && !protocol_invalid
    {
        errs.push(
            m.key_error("`path` is only used when `protocol` is HTTP")
                .with_help("add `\"protocol\": \"HTTP\"`, or remove `path`"),
        );
    }
    if per_port {
        if let Some(m) = f.take("target_service_port", errs)
            && let Some(s) = want_str(m, errs)
        {
            out.target_service_port = target_port(m, s, errs);
        } else if !f.has("target_service_port") {
            errs.push(
                v.error("health check entry needs `target_service_port`")
                    .with_help(
                        "add e.g. `\"target_service_port\": \"TCP:80\"` naming the Service port",
                    ),
            );
        }
        out.monitor_port = port_string_field(&mut f, "monitor_port", errs);
        if let (Some(t), Some(p)) = (&out.target_service_port, &out.protocol) {
            let ok = match t.protocol {
                "UDP" => p.value == HealthProtocol::UdpConnect,
                _ => p.value != HealthProtocol::UdpConnect,
            };
            if !ok {
                let help = if t.protocol == "UDP" {
                    "UDP ports can only be checked with UDP_CONNECT"
                } else {
                    "TCP ports are checked with TCP or HTTP"
                };
                errs.push(
                    p.error(format!("this protocol cannot check a {} port", t.protocol))
                        .with_help(help),
                );
            }
        }
        f.finish(HC_LIST_FIELDS, &|_| None, errs);
    } else {
        f.finish(
            HC_FIELDS,
            &|k| {
                matches!(k, "target_service_port" | "monitor_port").then(|| {
                    "per-port settings belong in `kubernetes.io/elb.health-check-options` (the array form)"
                        .to_string()
                })
            },
            errs,
        );
    }
    Some(out)
}

fn target_port(m: &JsonMember, s: &str, errs: &mut Vec<ValueError>) -> Option<TargetPort> {
    let parsed = s.split_once(':').and_then(|(proto, port)| {
        let proto = ["TCP", "UDP"].into_iter().find(|p| *p == proto)?;
        let port = int_in_range(port, 1, 65535).ok()?;
        Some((proto, u16::try_from(port).ok()?))
    });
    match parsed {
        Some((protocol, port)) => Some(TargetPort {
            protocol,
            port,
            start: m.value.start,
            end: m.value.end,
        }),
        None => {
            errs.push(
                m.value
                    .error(format!(
                        "`target_service_port` must be `PROTOCOL:port`, got \"{s}\""
                    ))
                    .with_help("write e.g. \"TCP:80\" (protocol TCP or UDP, port of the Service)"),
            );
            None
        }
    }
}

/// Parses `kubernetes.io/elb.health-check-option` (one monitor for all ports).
pub fn parse_health_check_option(value: &str) -> Result<HealthCheck, Vec<ValueError>> {
    with_json(value, |json, errs| health_check(json, false, errs))
}

/// Parses `kubernetes.io/elb.health-check-options`: one entry per Service port, each with
/// a unique `target_service_port`.
pub fn parse_health_check_options(value: &str) -> Result<Vec<HealthCheck>, Vec<ValueError>> {
    with_json(value, |json, errs| {
        let JsonKind::Array(items) = &json.kind else {
            errs.push(
                json.error(format!(
                    "`elb.health-check-options` must be a JSON array, found {}",
                    json.kind_name()
                ))
                .with_help("write `[{\"target_service_port\": \"TCP:80\", …}]`; a single object belongs in `elb.health-check-option`"),
            );
            return None;
        };
        let mut out: Vec<HealthCheck> = Vec::new();
        for item in items {
            let Some(hc) = health_check(item, true, errs) else {
                continue;
            };
            if let Some(t) = &hc.target_service_port
                && out.iter().any(|o| {
                    o.target_service_port
                        .as_ref()
                        .is_some_and(|p| p.protocol == t.protocol && p.port == t.port)
                })
            {
                errs.push(
                    ValueError::new(
                        t.start,
                        t.end,
                        format!(
                            "health check for `{}:{}` is given twice",
                            t.protocol, t.port
                        ),
                    )
                    .with_help("`target_service_port` must be unique; merge the two entries"),
                );
            }
            out.push(hc);
        }
        Some(out)
    })
}

// ---------------------------------------------------------------------------------------
// Session affinity

/// The decoded `kubernetes.io/elb.session-affinity-option`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SessionAffinity {
    /// Minutes, 1–60; the controller default is 60.
    pub persistence_timeout: Option<Located<u32>>,
}

/// Parses `kubernetes.io/elb.session-affinity-option` (`{"persistence_timeout": "30"}`).
pub fn parse_session_affinity_option(value: &str) -> Result<SessionAffinity, Vec<ValueError>> {
    with_json(value, |json, errs| {
        let mut f = Fields::new(json, "`elb.session-affinity-option`", false, errs)?;
        let persistence_timeout = int_string_field(&mut f, "persistence_timeout", 1, 60, errs);
        f.finish(
            &["persistence_timeout"],
            &|k| {
                matches!(k, "type" | "cookie_name").then(|| {
                    "the CCE controller only reads `persistence_timeout`; the affinity type comes from `kubernetes.io/elb.session-affinity-mode`"
                        .to_string()
                })
            },
            errs,
        );
        Some(SessionAffinity {
            persistence_timeout,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::{Grammar, validate};
    use super::*;

    /// Seed 003: the shared public example and the dedicated example are valid.
    #[test]
    fn autocreate_seed_examples() {
        let shared = r#"{ "type": "public", "bandwidth_name": "cce-bandwidth-1551163379627", "bandwidth_chargemode": "bandwidth", "bandwidth_size": 1, "bandwidth_sharetype": "PER", "eip_type": "5_bgp" }"#;
        let a = parse_elb_autocreate(shared).unwrap_or_else(|e| panic!("{e:?}"));
        assert!(a.is_public());
        assert_eq!(a.bandwidth_size.map(|b| b.value), Some(1));
        assert!(a.dedicated_only.is_empty());
        let dedicated = r#"{ "type": "public", "bandwidth_name": "cce-bandwidth-1626694478577", "bandwidth_chargemode": "bandwidth", "bandwidth_size": 1, "bandwidth_sharetype": "PER", "eip_type": "5_bgp", "available_zone": [ "cn-south-2b" ], "l4_flavor_name": "L4_flavor.elb.s1.small" }"#;
        let d = parse_elb_autocreate(dedicated).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(d.available_zone[0].value, "cn-south-2b");
        let names: Vec<_> = d.dedicated_only.iter().map(|l| l.value).collect();
        assert_eq!(names, vec!["available_zone", "l4_flavor_name"]);
        assert!(validate(Grammar::ElbAutocreate, "{}").is_empty());
    }

    #[test]
    fn autocreate_errors() {
        let v = r#"{"type":"public","bandwidth_size":"5","bandwidth_sharetype":"PER","eip_type":"5_bgp"}"#;
        assert_eq!(
            errs(Grammar::ElbAutocreate, v),
            vec![(
                at(v, r#""5""#).0,
                at(v, r#""5""#).1,
                "`bandwidth_size` must be a JSON number, found a string".into()
            )]
        );
        let v = r#"{"type":"public","bandwidth_size":5}"#;
        let e = errs(Grammar::ElbAutocreate, v);
        let t = at(v, r#""public""#);
        assert_eq!(
            e,
            vec![
                (
                    t.0,
                    t.1,
                    "a public load balancer needs `bandwidth_sharetype`".into()
                ),
                (t.0, t.1, "a public load balancer needs `eip_type`".into()),
            ]
        );
        let v = r#"{"eip_type":"5_bgp"}"#;
        assert_eq!(
            errs(Grammar::ElbAutocreate, v),
            vec![(
                1,
                11,
                "`eip_type` only applies when `type` is `public`".into()
            )]
        );
        let v = r#"{"name":"my lb"}"#;
        assert_eq!(
            errs(Grammar::ElbAutocreate, v),
            vec![(11, 12, "` ` is not allowed in `name`".into())]
        );
        let v = r#"{"name":"1lb"}"#;
        assert_eq!(
            errs(Grammar::ElbAutocreate, v),
            vec![(9, 10, "`name` must start with a letter".into())]
        );
        let v = r#"{"type":"Public"}"#;
        assert_eq!(
            errs(Grammar::ElbAutocreate, v),
            vec![(
                8,
                16,
                "`type` must be public or inner, got \"Public\"".into()
            )]
        );
        let v = r#"{"bandwith_size":5}"#;
        let e = validate(Grammar::ElbAutocreate, v);
        assert_eq!((e[0].start, e[0].end), (1, 16));
        assert_eq!(e[0].message, "unknown field `bandwith_size`");
        assert!(
            e[0].help
                .as_deref()
                .unwrap_or("")
                .contains("did you mean `bandwidth_size`?")
        );
        let v = r#"{"type":"public","bandwidth_size":3000,"bandwidth_sharetype":"PER","eip_type":"5_bgp"}"#;
        assert_eq!(errs(Grammar::ElbAutocreate, v)[0].0, at(v, "3000").0);
        let v = r#"["public"]"#;
        assert_eq!(
            errs(Grammar::ElbAutocreate, v),
            vec![(
                0,
                10,
                "`elb.autocreate` must be a JSON object, found an array".into()
            )]
        );
    }

    #[test]
    fn health_check_option() {
        let ok =
            r#"{"delay":"5","timeout":"10","max_retries":"3","protocol":"HTTP","path":"/healthz"}"#;
        let hc = parse_health_check_option(ok).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(hc.delay.map(|d| d.value), Some(5));
        assert_eq!(hc.protocol.map(|p| p.value), Some(HealthProtocol::Http));
        let udp = parse_health_check_option(r#"{"protocol":"UDP"}"#).unwrap_or_default();
        assert_eq!(
            udp.protocol.map(|p| p.value),
            Some(HealthProtocol::UdpConnect)
        );

        let v = r#"{"delay":5}"#;
        let e = validate(Grammar::HealthCheckOption, v);
        assert_eq!((e[0].start, e[0].end), (9, 10));
        assert_eq!(e[0].message, "`delay` must be a string, found a number");
        assert_eq!(e[0].help.as_deref(), Some("write `\"5\"`"));

        let v = r#"{"delay":"70","max_retries":"0"}"#;
        assert_eq!(
            errs(Grammar::HealthCheckOption, v),
            vec![
                (
                    9,
                    13,
                    "`delay` must be an integer from 1 to 50, got \"70\"".into()
                ),
                (
                    28,
                    31,
                    "`max_retries` must be an integer from 1 to 10, got \"0\"".into()
                ),
            ]
        );
        let v = r#"{"protocol":"TCP","path":"/x"}"#;
        assert_eq!(
            errs(Grammar::HealthCheckOption, v),
            vec![(18, 24, "`path` is only used when `protocol` is HTTP".into())]
        );
        let v = r#"{"protocol":"tcp"}"#;
        let e = validate(Grammar::HealthCheckOption, v);
        assert_eq!((e[0].start, e[0].end), (12, 17));
        assert!(e[0].help.as_deref().unwrap_or("").contains("`TCP`"));
        let v = r#"{"target_service_port":"TCP:80"}"#;
        assert_eq!(
            errs(Grammar::HealthCheckOption, v),
            vec![(1, 22, "unknown field `target_service_port`".into())]
        );
    }

    #[test]
    fn health_check_options() {
        let ok = r#"[{"target_service_port":"TCP:80","protocol":"HTTP","path":"/"},{"target_service_port":"UDP:53","protocol":"UDP","monitor_port":"8053"}]"#;
        let list = parse_health_check_options(ok).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(list.len(), 2);
        assert_eq!(list[1].monitor_port.as_ref().map(|p| p.value), Some(8053));

        let v = r#"[{"target_service_port":"TCP:80"},{"target_service_port":"TCP:80"}]"#;
        let second = v.rfind(r#""TCP:80""#).unwrap_or(0);
        assert_eq!(
            errs(Grammar::HealthCheckOptions, v),
            vec![(
                second,
                second + 8,
                "health check for `TCP:80` is given twice".into()
            )]
        );
        let v = r#"[{"delay":"5"}]"#;
        assert_eq!(
            errs(Grammar::HealthCheckOptions, v),
            vec![(
                1,
                14,
                "health check entry needs `target_service_port`".into()
            )]
        );
        let v = r#"[{"target_service_port":"UDP:53","protocol":"HTTP"}]"#;
        assert_eq!(
            errs(Grammar::HealthCheckOptions, v),
            vec![(44, 50, "this protocol cannot check a UDP port".into())]
        );
        let v = r#"[{"target_service_port":"80"}]"#;
        assert_eq!(
            errs(Grammar::HealthCheckOptions, v),
            vec![(
                24,
                28,
                "`target_service_port` must be `PROTOCOL:port`, got \"80\"".into()
            )]
        );
        assert_eq!(
            errs(Grammar::HealthCheckOptions, r#"{"delay":"5"}"#)[0].2,
            "`elb.health-check-options` must be a JSON array, found an object"
        );
    }

    #[test]
    fn session_affinity() {
        let s =
            parse_session_affinity_option(r#"{"persistence_timeout":"30"}"#).unwrap_or_default();
        assert_eq!(s.persistence_timeout.map(|p| p.value), Some(30));
        let v = r#"{"persistence_timeout":"61"}"#;
        assert_eq!(
            errs(Grammar::SessionAffinityOption, v),
            vec![(
                23,
                27,
                "`persistence_timeout` must be an integer from 1 to 60, got \"61\"".into()
            )]
        );
        let v = r#"{"persistence_timeout":30}"#;
        assert_eq!(
            errs(Grammar::SessionAffinityOption, v),
            vec![(
                23,
                25,
                "`persistence_timeout` must be a string, found a number".into()
            )]
        );
        let v = r#"{"type":"SOURCE_IP"}"#;
        assert_eq!(
            errs(Grammar::SessionAffinityOption, v)[0].2,
            "unknown field `type`"
        );
        assert_eq!(
            errs(
                Grammar::SessionAffinityOption,
                "{\"persistence_timeout\":\"30\",}"
            )[0]
            .2,
            "trailing comma in object"
        );
    }
}
