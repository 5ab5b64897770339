//! ALB Ingress JSON annotations (EBNF: `grammar/listen-ports.ebnf`,
//! `grammar/alb-conditions.ebnf`, `grammar/alb-actions.ebnf`).
//!
//! Sources: reference/alibaba.md §4.4–4.5 and the controller's annotation structs
//! (ALBC `pkg/model/alb/configcache/config_types.go`): field names match Go's
//! `encoding/json`, i.e. case-insensitively (the seed writes `headerConfig`, the struct
//! tag says `HeaderConfig`), and condition/action `type`s are compared lower-cased.
//! Note the one irregular name: a `ForwardGroup` action reads `forwardConfig` with
//! `serverGroups`, not `ForwardGroupConfig`.

use std::net::IpAddr;

use super::json::{
    Fields, JsonKind, JsonMember, JsonValue, enum_field, loc, parse_json, str_field, want_array,
    want_bool, want_int, want_str, want_strings,
};
use super::scalar::int_in_range;
use super::{Located, ValueError, choices_help, done};

// ---------------------------------------------------------------------------------------
// listen-ports

/// Listener protocol of an Ingress listen port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListenProtocol {
    Http,
    Https,
    Quic,
}

/// One `{"HTTP": 80}` entry; `protocol` is located at the key, `port` at the number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListenPort {
    pub protocol: Located<ListenProtocol>,
    pub port: Located<u16>,
}

/// Parses `alb.ingress.kubernetes.io/listen-ports` (`[{"HTTP": 80}, {"HTTPS": 443}]`),
/// with the controller's messages (reference §4.4, §8 case 29).
pub fn parse_listen_ports(value: &str) -> Result<Vec<ListenPort>, Vec<ValueError>> {
    let json = parse_json(value).map_err(|e| vec![e])?;
    let mut errs = Vec::new();
    let items: &[JsonValue] = match &json.kind {
        JsonKind::Array(items) => items,
        // Go decodes `null` into an empty slice.
        JsonKind::Null => &[],
        _ => {
            return Err(vec![
                json.error(format!(
                    "failed to parse listen-ports configuration: expected a JSON array, found {}",
                    json.kind_name()
                ))
                .with_help("write e.g. `[{\"HTTP\": 80}, {\"HTTPS\": 443}]`"),
            ]);
        }
    };
    if items.is_empty() {
        return Err(vec![
            json.error("empty listen-ports configuration")
                .with_help("list at least one listener, e.g. `[{\"HTTP\": 80}]`"),
        ]);
    }
    let mut out: Vec<ListenPort> = Vec::new();
    for item in items {
        let Some(members) = item.as_object() else {
            errs.push(
                item.error(format!(
                    "failed to parse listen-ports configuration: each entry must be an object, found {}",
                    item.kind_name()
                ))
                .with_help("write each listener as `{\"HTTP\": 80}`"),
            );
            continue;
        };
        if members.is_empty() {
            errs.push(
                item.error("listen-ports entry names no listener")
                    .with_help("write e.g. `{\"HTTP\": 80}`, or remove the entry"),
            );
        }
        for m in members {
            let port = match m.value.as_i64() {
                Some(p) if (1..=65535).contains(&p) => u16::try_from(p).ok(),
                Some(p) => {
                    errs.push(
                        m.value
                            .error(format!("listen port must be within [1, 65535]: {p}"))
                            .with_help("use a port from 1 to 65535"),
                    );
                    None
                }
                None => {
                    let help = match &m.value.kind {
                        JsonKind::String(s) => format!("write `{s}` without quotes"),
                        _ => "write the port as a whole number, e.g. `80`".to_string(),
                    };
                    errs.push(
                        m.value
                            .error(format!(
                                "failed to parse listen-ports configuration: the port must be an integer, found {}",
                                m.value.kind_name()
                            ))
                            .with_help(help),
                    );
                    None
                }
            };
            let protocol = match m.key.as_str() {
                "HTTP" => Some(ListenProtocol::Http),
                "HTTPS" => Some(ListenProtocol::Https),
                "QUIC" => Some(ListenProtocol::Quic),
                other => {
                    errs.push(
                        m.key_error(format!(
                            "listen protocol must be within [HTTP, HTTPS]: {other}"
                        ))
                        .with_help(choices_help(other, &["HTTP", "HTTPS", "QUIC"])),
                    );
                    None
                }
            };
            let (Some(protocol), Some(port)) = (protocol, port) else {
                continue;
            };
            if let Some(prev) = out.iter().find(|p| p.port.value == port) {
                errs.push(
                    m.key_error(format!("port {port} is listed twice"))
                        .with_help(format!(
                            "the controller keeps one protocol per port and drops the earlier {:?} entry",
                            prev.protocol.value
                        )),
                );
                continue;
            }
            out.push(ListenPort {
                protocol: Located::new(protocol, m.key_start, m.key_end),
                port: loc(m, port),
            });
        }
    }
    done(out, errs)
}

// ---------------------------------------------------------------------------------------
// conditions.<svc>

/// Condition types of `conditions.<svc>` (ALBC `util` constants).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConditionType {
    Header,
    Cookie,
    QueryString,
    Host,
    Path,
    Method,
    SourceIp,
    /// Needs `rule-direction.<svc>: Response`.
    ResponseHeader,
    /// Needs `rule-direction.<svc>: Response`.
    ResponseStatusCode,
}

const CONDITION_TYPES: &[(ConditionType, &str, &str)] = &[
    (ConditionType::Header, "Header", "HeaderConfig"),
    (ConditionType::Cookie, "Cookie", "CookieConfig"),
    (
        ConditionType::QueryString,
        "QueryString",
        "QueryStringConfig",
    ),
    (ConditionType::Host, "Host", "HostConfig"),
    (ConditionType::Path, "Path", "PathConfig"),
    (ConditionType::Method, "Method", "MethodConfig"),
    (ConditionType::SourceIp, "SourceIp", "SourceIpConfig"),
    (
        ConditionType::ResponseHeader,
        "ResponseHeader",
        "ResponseHeaderConfig",
    ),
    (
        ConditionType::ResponseStatusCode,
        "ResponseStatusCode",
        "ResponseStatusCodeConfig",
    ),
];

impl ConditionType {
    /// The canonical spelling.
    pub fn name(self) -> &'static str {
        CONDITION_TYPES
            .iter()
            .find(|(t, _, _)| *t == self)
            .map_or("", |(_, n, _)| n)
    }
}

/// A `{Key, Value}` pair of a Cookie or QueryString condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionPair {
    pub key: Option<Located<String>>,
    pub value: Located<String>,
}

/// One decoded condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlbCondition {
    pub kind: Located<ConditionType>,
    /// Header name (Header, ResponseHeader).
    pub key: Option<Located<String>>,
    /// Values (all types except Cookie and QueryString).
    pub values: Vec<Located<String>>,
    /// Key/value pairs (Cookie, QueryString).
    pub pairs: Vec<ConditionPair>,
    /// The element's range.
    pub start: usize,
    pub end: usize,
}

const METHODS: &[&str] = &["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"];

fn is_ip_or_cidr(s: &str) -> bool {
    match s.split_once('/') {
        None => s.parse::<IpAddr>().is_ok(),
        Some((ip, bits)) => match (ip.parse::<IpAddr>(), bits.parse::<u8>()) {
            (Ok(IpAddr::V4(_)), Ok(b)) => b <= 32 && !bits.starts_with('+'),
            (Ok(IpAddr::V6(_)), Ok(b)) => b <= 128 && !bits.starts_with('+'),
            _ => false,
        },
    }
}

/// Checks one value of a list-valued condition.
fn check_condition_value(kind: ConditionType, s: &str, v: &JsonValue, errs: &mut Vec<ValueError>) {
    let problem = match kind {
        ConditionType::Method if !METHODS.contains(&s) => Some((
            format!("`{s}` is not an HTTP method ALB can match"),
            choices_help(s, METHODS),
        )),
        ConditionType::SourceIp if !is_ip_or_cidr(s) => Some((
            format!("`{s}` is not an IP address or CIDR block"),
            "write e.g. \"192.168.0.0/16\" or \"10.0.0.1\"".to_string(),
        )),
        ConditionType::Path if !s.starts_with('/') => Some((
            format!("path `{s}` must start with `/`"),
            format!("write \"/{s}\""),
        )),
        ConditionType::ResponseStatusCode
            if !(s.len() == 3 && int_in_range(s, 100, 599).is_ok()) =>
        {
            Some((
                format!("`{s}` is not an HTTP status code"),
                "write a code from 100 to 599, e.g. \"404\"".to_string(),
            ))
        }
        ConditionType::Host if s.is_empty() || s.contains(char::is_whitespace) => Some((
            format!("`{s}` is not a host name"),
            "write a domain such as \"www.example.com\" or \"*.example.com\"".to_string(),
        )),
        _ => None,
    };
    if let Some((message, help)) = problem {
        errs.push(v.error(message).with_help(help));
    }
}

fn condition(v: &JsonValue, errs: &mut Vec<ValueError>) -> Option<AlbCondition> {
    let mut f = Fields::new(v, "each condition", true, errs)?;
    let names: Vec<&str> = CONDITION_TYPES.iter().map(|(_, n, _)| *n).collect();
    let type_member = f.take("Type", errs);
    let Some(tm) = type_member else {
        errs.push(
            v.error("readCondition Failed(unknown condition type): ")
                .with_help(format!("add `\"type\"`, one of: {}", names.join(", "))),
        );
        return None;
    };
    let t = want_str(tm, errs)?;
    let Some((kind, _, config_key)) = CONDITION_TYPES
        .iter()
        .find(|(_, n, _)| n.eq_ignore_ascii_case(t))
    else {
        errs.push(
            tm.value
                .error(format!("readCondition Failed(unknown condition type): {t}"))
                .with_help(choices_help(t, &names)),
        );
        return None;
    };
    let mut out = AlbCondition {
        kind: loc(tm, *kind),
        key: None,
        values: Vec::new(),
        pairs: Vec::new(),
        start: v.start,
        end: v.end,
    };
    match f.take(config_key, errs) {
        None => errs.push(
            v.error(format!(
                "a `{}` condition needs `{config_key}`",
                kind.name()
            ))
            .with_help(format!("add `\"{config_key}\": {{ … }}`")),
        ),
        Some(cm) => {
            if let Some(mut cf) = Fields::new(&cm.value, &format!("`{config_key}`"), true, errs) {
                let mut known = vec!["Values"];
                if matches!(kind, ConditionType::Header | ConditionType::ResponseHeader) {
                    known.push("Key");
                    out.key = str_field(&mut cf, "Key", errs);
                    match &out.key {
                        Some(k) if k.value.is_empty() => errs.push(
                            k.error("header name must not be empty")
                                .with_help("write the header to match, e.g. \"stage\""),
                        ),
                        None if !cf.has("Key") => errs.push(
                            cm.value
                                .error(format!("`{config_key}` needs `Key`"))
                                .with_help("add `\"Key\": \"<header name>\"`"),
                        ),
                        _ => {}
                    }
                }
                match cf.take("Values", errs) {
                    None => errs.push(
                        cm.value
                            .error(format!("`{config_key}` needs `Values`"))
                            .with_help("add `\"Values\": [ … ]`"),
                    ),
                    Some(vm)
                        if matches!(kind, ConditionType::Cookie | ConditionType::QueryString) =>
                    {
                        out.pairs = condition_pairs(vm, errs);
                    }
                    Some(vm) => {
                        for (s, item) in want_strings(vm, errs).unwrap_or_default() {
                            check_condition_value(*kind, s, item, errs);
                            out.values
                                .push(Located::new(s.to_string(), item.start, item.end));
                        }
                    }
                }
                cf.finish(&known, &|_| None, errs);
            }
        }
    }
    for (_, other_name, other_key) in CONDITION_TYPES {
        if other_key != config_key
            && let Some(m) = f.take(other_key, errs)
        {
            errs.push(
                m.key_error(format!(
                    "`{}` is not read for a `{}` condition",
                    m.key,
                    kind.name()
                ))
                .with_help(format!(
                    "move it to a separate `{other_name}` condition, or remove it"
                )),
            );
        }
    }
    let mut known = vec!["Type"];
    known.extend(CONDITION_TYPES.iter().map(|(_, _, k)| *k));
    f.finish(&known, &|_| None, errs);
    Some(out)
}

fn condition_pairs(vm: &JsonMember, errs: &mut Vec<ValueError>) -> Vec<ConditionPair> {
    let mut out = Vec::new();
    let Some(items) = want_array(vm, errs) else {
        return out;
    };
    if items.is_empty() {
        errs.push(
            vm.value
                .error("`Values` must not be empty")
                .with_help("add `{\"Key\": \"…\", \"Value\": \"…\"}`"),
        );
    }
    for item in items {
        let Some(mut pf) = Fields::new(item, "each `Values` entry", true, errs) else {
            continue;
        };
        let key = str_field(&mut pf, "Key", errs);
        let value = str_field(&mut pf, "Value", errs);
        match value {
            Some(value) if !value.value.is_empty() => out.push(ConditionPair { key, value }),
            Some(value) => errs.push(
                value
                    .error("`Value` must not be empty")
                    .with_help("write the value to match"),
            ),
            None if !pf.has("Value") => errs.push(
                item.error("entry needs `Value`")
                    .with_help("write `{\"Key\": \"…\", \"Value\": \"…\"}`"),
            ),
            None => {}
        }
        pf.finish(&["Key", "Value"], &|_| None, errs);
    }
    out
}

/// Parses `alb.ingress.kubernetes.io/conditions.<svc>`: a JSON array of
/// `{"type": …, "<type>Config": {…}}` (reference §4.5, seed 004 example 3).
pub fn parse_alb_conditions(value: &str) -> Result<Vec<AlbCondition>, Vec<ValueError>> {
    let json = parse_json(value).map_err(|e| vec![e])?;
    let mut errs = Vec::new();
    let Some(items) = json.as_array() else {
        return Err(vec![
            json.error(format!(
                "conditions must be a JSON array, found {}",
                json.kind_name()
            ))
            .with_help("wrap the condition in `[` … `]`"),
        ]);
    };
    let out = items
        .iter()
        .filter_map(|item| condition(item, &mut errs))
        .collect();
    done(out, errs)
}

// ---------------------------------------------------------------------------------------
// actions.<svc>

/// Action types the controller accepts in `actions.<svc>` (ALBC `toCustomAction`). CORS is
/// not among them: it is configured with the `enable-cors` annotations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionType {
    ForwardGroup,
    Redirect,
    FixedResponse,
    InsertHeader,
    RemoveHeader,
    Rewrite,
    TrafficLimit,
    TrafficMirror,
}

const ACTION_TYPES: &[(ActionType, &str, &str)] = &[
    (ActionType::ForwardGroup, "ForwardGroup", "forwardConfig"),
    (ActionType::Redirect, "Redirect", "RedirectConfig"),
    (
        ActionType::FixedResponse,
        "FixedResponse",
        "FixedResponseConfig",
    ),
    (
        ActionType::InsertHeader,
        "InsertHeader",
        "InsertHeaderConfig",
    ),
    (
        ActionType::RemoveHeader,
        "RemoveHeader",
        "RemoveHeaderConfig",
    ),
    (ActionType::Rewrite, "Rewrite", "RewriteConfig"),
    (
        ActionType::TrafficLimit,
        "TrafficLimit",
        "TrafficLimitConfig",
    ),
    (
        ActionType::TrafficMirror,
        "TrafficMirror",
        "TrafficMirrorConfig",
    ),
];

/// Every config key of the controller's `Action` struct (CorsConfig exists but is unused).
const ACTION_CONFIG_KEYS: &[&str] = &[
    "forwardConfig",
    "RedirectConfig",
    "FixedResponseConfig",
    "InsertHeaderConfig",
    "RemoveHeaderConfig",
    "RewriteConfig",
    "TrafficLimitConfig",
    "TrafficMirrorConfig",
    "CorsConfig",
];

impl ActionType {
    /// The canonical spelling.
    pub fn name(self) -> &'static str {
        ACTION_TYPES
            .iter()
            .find(|(t, _, _)| *t == self)
            .map_or("", |(_, n, _)| n)
    }

    /// Final actions end the rule; a rule may have only one.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            ActionType::ForwardGroup | ActionType::Redirect | ActionType::FixedResponse
        )
    }
}

/// A server group reference of a ForwardGroup or TrafficMirror action.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServerGroupTuple {
    pub server_group_id: Option<Located<String>>,
    pub service_name: Option<Located<String>>,
    pub service_port: Option<Located<u16>>,
    pub weight: Option<Located<u8>>,
    pub start: usize,
    pub end: usize,
}

/// The decoded `…Config` of an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionConfig {
    ForwardGroup {
        server_groups: Vec<ServerGroupTuple>,
        sticky_session_enabled: Option<Located<bool>>,
        sticky_session_timeout: Option<Located<i64>>,
    },
    Redirect {
        host: Option<Located<String>>,
        path: Option<Located<String>>,
        port: Option<Located<String>>,
        protocol: Option<Located<String>>,
        query: Option<Located<String>>,
        http_code: Option<Located<String>>,
    },
    FixedResponse {
        content: Option<Located<String>>,
        content_type: Option<Located<String>>,
        http_code: Option<Located<String>>,
    },
    InsertHeader {
        key: Option<Located<String>>,
        value: Option<Located<String>>,
        value_type: Option<Located<String>>,
        cover_enabled: Option<Located<bool>>,
    },
    RemoveHeader {
        key: Option<Located<String>>,
    },
    Rewrite {
        host: Option<Located<String>>,
        path: Option<Located<String>>,
        query: Option<Located<String>>,
    },
    TrafficLimit {
        qps: Option<Located<u32>>,
        qps_per_ip: Option<Located<u32>>,
    },
    TrafficMirror {
        target_type: Option<Located<String>>,
        server_groups: Vec<ServerGroupTuple>,
    },
    /// The config object was missing or unusable (already reported).
    Missing,
}

/// One decoded action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlbAction {
    pub kind: Located<ActionType>,
    pub config: ActionConfig,
    pub start: usize,
    pub end: usize,
}

/// The decoded `actions.<svc>` array.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AlbActions {
    pub actions: Vec<AlbAction>,
}

impl AlbActions {
    /// The final action (ForwardGroup, Redirect or FixedResponse), if the annotation has
    /// one; then the Ingress backend's implicit forward must be suppressed with the port
    /// name `use-annotation`, which the check stage verifies.
    pub fn final_action(&self) -> Option<&AlbAction> {
        self.actions.iter().find(|a| a.kind.value.is_final())
    }
}

/// A string field whose value must be one of `words` (or a `${…}` variable if allowed).
fn checked_str(
    f: &mut Fields<'_>,
    name: &str,
    words: &[&'static str],
    errs: &mut Vec<ValueError>,
) -> Option<Located<String>> {
    enum_field(f, name, words, errs).map(|l| Located::new(l.value.to_string(), l.start, l.end))
}

fn server_groups(m: &JsonMember, errs: &mut Vec<ValueError>) -> Vec<ServerGroupTuple> {
    let mut out = Vec::new();
    let Some(items) = want_array(m, errs) else {
        return out;
    };
    if items.is_empty() {
        errs.push(
            m.value
                .error(format!("`{}` must not be empty", m.key))
                .with_help("add `{\"serviceName\": \"…\", \"servicePort\": 80, \"weight\": 100}`"),
        );
    }
    for item in items {
        let Some(mut f) = Fields::new(item, "each server group", true, errs) else {
            continue;
        };
        let mut t = ServerGroupTuple {
            start: item.start,
            end: item.end,
            ..ServerGroupTuple::default()
        };
        t.server_group_id = str_field(&mut f, "serverGroupID", errs);
        t.service_name = str_field(&mut f, "serviceName", errs);
        if let Some(pm) = f.take("servicePort", errs)
            && let Some(p) = want_int(pm, errs)
        {
            match u16::try_from(p).ok().filter(|p| *p >= 1) {
                Some(p) => t.service_port = Some(loc(pm, p)),
                None => errs.push(
                    pm.value
                        .error(format!("`servicePort` must be within [1, 65535], got {p}"))
                        .with_help("use the Service port number"),
                ),
            }
        }
        if let Some(wm) = f.take("weight", errs)
            && let Some(w) = want_int(wm, errs)
        {
            match u8::try_from(w).ok().filter(|w| *w <= 100) {
                Some(w) => t.weight = Some(loc(wm, w)),
                None => errs.push(
                    wm.value
                        .error(format!("`weight` must be within [0, 100], got {w}"))
                        .with_help("weights are 0–100"),
                ),
            }
        }
        let has_id = t
            .server_group_id
            .as_ref()
            .is_some_and(|s| !s.value.is_empty());
        let by_service = f.has("serviceName") && f.has("servicePort");
        if !has_id && !by_service {
            errs.push(
                item.error(
                    "server group needs `serviceName` and `servicePort`, or `serverGroupID`",
                )
                .with_help(
                    "write `{\"serviceName\": \"web\", \"servicePort\": 80, \"weight\": 100}`",
                ),
            );
        }
        f.finish(
            &["serverGroupID", "serviceName", "servicePort", "weight"],
            &|_| None,
            errs,
        );
        out.push(t);
    }
    out
}

fn qps_field(f: &mut Fields<'_>, name: &str, errs: &mut Vec<ValueError>) -> Option<Located<u32>> {
    let m = f.take(name, errs)?;
    let s = want_str(m, errs)?;
    match int_in_range(s, 1, i64::from(u32::MAX)) {
        Ok(v) => u32::try_from(v).ok().map(|v| loc(m, v)),
        Err(_) => {
            let msg = match int_in_range(s, i64::MIN, i64::MAX) {
                Ok(v) if name == "QPS" => format!("traffic limit action qps out of range: {v}"),
                Ok(v) => format!("traffic limit action qps per ip out of range: {v}"),
                Err(_) => format!("`{}` must be an integer, got \"{s}\"", m.key),
            };
            errs.push(m.value.error(msg).with_help(
                "write a whole number of requests per second (at least 1), as a string",
            ));
            None
        }
    }
}

fn action_config(kind: ActionType, cm: &JsonMember, errs: &mut Vec<ValueError>) -> ActionConfig {
    let Some(mut f) = Fields::new(&cm.value, &format!("`{}`", cm.key), true, errs) else {
        return ActionConfig::Missing;
    };
    let (config, known): (ActionConfig, &[&str]) = match kind {
        ActionType::ForwardGroup => {
            let groups = match f.take("serverGroups", errs) {
                Some(m) => server_groups(m, errs),
                None => {
                    errs.push(
                        cm.value
                            .error("`forwardConfig` needs `serverGroups`")
                            .with_help("add `\"serverGroups\": [{\"serviceName\": \"web\", \"servicePort\": 80, \"weight\": 100}]`"),
                    );
                    Vec::new()
                }
            };
            let (mut enabled, mut timeout) = (None, None);
            if let Some(sm) = f.take("ServerGroupStickySession", errs)
                && let Some(mut sf) =
                    Fields::new(&sm.value, "`ServerGroupStickySession`", true, errs)
            {
                if let Some(em) = sf.take("Enabled", errs) {
                    enabled = want_bool(em, errs).map(|b| loc(em, b));
                }
                if let Some(tm) = sf.take("Timeout", errs)
                    && let Some(t) = want_int(tm, errs)
                {
                    if (1..=86400).contains(&t) {
                        timeout = Some(loc(tm, t));
                    } else {
                        errs.push(
                            tm.value
                                .error(format!(
                                    "`Timeout` must be within [1, 86400] seconds, got {t}"
                                ))
                                .with_help("the default is 1000"),
                        );
                    }
                }
                sf.finish(&["Enabled", "Timeout"], &|_| None, errs);
            }
            (
                ActionConfig::ForwardGroup {
                    server_groups: groups,
                    sticky_session_enabled: enabled,
                    sticky_session_timeout: timeout,
                },
                &["serverGroups", "ServerGroupStickySession"],
            )
        }
        ActionType::Redirect => {
            let host = str_field(&mut f, "Host", errs);
            let path = str_field(&mut f, "Path", errs);
            let query = str_field(&mut f, "Query", errs);
            let port = f.take("Port", errs).and_then(|m| {
                let s = want_str(m, errs)?;
                if s == "${port}" || int_in_range(s, 1, 65535).is_ok() {
                    Some(loc(m, s.to_string()))
                } else {
                    errs.push(
                        m.value
                            .error(format!(
                                "`{}` must be a port 1–65535 or \"${{port}}\", got \"{s}\"",
                                m.key
                            ))
                            .with_help("write e.g. \"443\""),
                    );
                    None
                }
            });
            let protocol = checked_str(&mut f, "Protocol", &["HTTP", "HTTPS", "${protocol}"], errs);
            let http_code = checked_str(
                &mut f,
                "HttpCode",
                &["301", "302", "303", "307", "308"],
                errs,
            );
            (
                ActionConfig::Redirect {
                    host,
                    path,
                    port,
                    protocol,
                    query,
                    http_code,
                },
                &["Host", "Path", "Query", "Port", "Protocol", "HttpCode"],
            )
        }
        ActionType::FixedResponse => {
            let content = str_field(&mut f, "Content", errs);
            if let Some(c) = &content
                && c.value.len() > 1024
            {
                errs.push(
                    c.error("`Content` must be at most 1024 bytes")
                        .with_help("shorten the response body"),
                );
            }
            let content_type = checked_str(
                &mut f,
                "ContentType",
                &[
                    "text/plain",
                    "text/css",
                    "text/html",
                    "application/javascript",
                    "application/json",
                ],
                errs,
            );
            let http_code = f.take("HttpCode", errs).and_then(|m| {
                let s = want_str(m, errs)?;
                let ok = s.len() == 3
                    && matches!(s.as_bytes().first(), Some(b'2' | b'4' | b'5'))
                    && int_in_range(s, 200, 599).is_ok();
                if ok {
                    Some(loc(m, s.to_string()))
                } else {
                    errs.push(
                        m.value
                            .error(format!(
                                "`{}` must be a 2xx, 4xx or 5xx status code, got \"{s}\"",
                                m.key
                            ))
                            .with_help("write e.g. \"503\""),
                    );
                    None
                }
            });
            if http_code.is_none() && !f.has("HttpCode") {
                errs.push(
                    cm.value
                        .error("`FixedResponseConfig` needs `HttpCode`")
                        .with_help("add e.g. `\"HttpCode\": \"503\"`"),
                );
            }
            (
                ActionConfig::FixedResponse {
                    content,
                    content_type,
                    http_code,
                },
                &["Content", "ContentType", "HttpCode"],
            )
        }
        ActionType::InsertHeader | ActionType::RemoveHeader => {
            let key = str_field(&mut f, "Key", errs);
            let key_missing = match &key {
                Some(k) => k.value.is_empty(),
                None => !f.has("Key"),
            };
            if key_missing {
                errs.push(
                    cm.value
                        .error(format!("`{}` needs a non-empty `Key`", cm.key))
                        .with_help("add `\"Key\": \"<header name>\"`"),
                );
            }
            if kind == ActionType::RemoveHeader {
                (ActionConfig::RemoveHeader { key }, &["Key"])
            } else {
                let value = str_field(&mut f, "Value", errs);
                let value_type = checked_str(
                    &mut f,
                    "ValueType",
                    &["UserDefined", "ReferenceHeader", "SystemDefined"],
                    errs,
                );
                let cover_enabled = f
                    .take("CoverEnabled", errs)
                    .and_then(|m| want_bool(m, errs).map(|b| loc(m, b)));
                (
                    ActionConfig::InsertHeader {
                        key,
                        value,
                        value_type,
                        cover_enabled,
                    },
                    &["Key", "Value", "ValueType", "CoverEnabled"],
                )
            }
        }
        ActionType::Rewrite => (
            ActionConfig::Rewrite {
                host: str_field(&mut f, "Host", errs),
                path: str_field(&mut f, "Path", errs),
                query: str_field(&mut f, "Query", errs),
            },
            &["Host", "Path", "Query"],
        ),
        ActionType::TrafficLimit => {
            let qps = qps_field(&mut f, "QPS", errs);
            let qps_per_ip = qps_field(&mut f, "QPSPerIp", errs);
            if !f.has("QPS") && !f.has("QPSPerIp") {
                errs.push(
                    cm.value
                        .error("invalid parameter for qps limit qps=, qpsPerIp=")
                        .with_help("set `\"QPS\"` and/or `\"QPSPerIp\"` (strings, e.g. \"100\")"),
                );
            }
            if let (Some(q), Some(p)) = (&qps, &qps_per_ip)
                && p.value >= q.value
            {
                errs.push(
                    p.error(format!(
                        "traffic limit action qps per ip({})must less than qps({})",
                        p.value, q.value
                    ))
                    .with_help("the per-IP limit must be lower than the total limit"),
                );
            }
            (
                ActionConfig::TrafficLimit { qps, qps_per_ip },
                &["QPS", "QPSPerIp"],
            )
        }
        ActionType::TrafficMirror => {
            let target_type = checked_str(&mut f, "TargetType", &["ForwardGroupMirror"], errs);
            let mut groups = Vec::new();
            match f.take("MirrorGroupConfig", errs) {
                Some(mm) => {
                    if let Some(mut mf) = Fields::new(&mm.value, "`MirrorGroupConfig`", true, errs)
                    {
                        match mf.take("ServerGroupTuples", errs) {
                            Some(t) => groups = server_groups(t, errs),
                            None => errs.push(
                                mm.value
                                    .error("`MirrorGroupConfig` needs `ServerGroupTuples`")
                                    .with_help("add `\"ServerGroupTuples\": [{\"serviceName\": \"…\", \"servicePort\": 80}]`"),
                            ),
                        }
                        mf.finish(&["ServerGroupTuples"], &|_| None, errs);
                    }
                }
                None => errs.push(
                    cm.value
                        .error("`TrafficMirrorConfig` needs `MirrorGroupConfig`")
                        .with_help("add `\"MirrorGroupConfig\": {\"ServerGroupTuples\": [ … ]}`"),
                ),
            }
            (
                ActionConfig::TrafficMirror {
                    target_type,
                    server_groups: groups,
                },
                &["TargetType", "MirrorGroupConfig"],
            )
        }
    };
    let misplaced = |k: &str| {
        (kind == ActionType::ForwardGroup && k.eq_ignore_ascii_case("serverGroupTuples"))
            .then(|| "a ForwardGroup action lists its groups in `serverGroups`".to_string())
    };
    f.finish(known, &misplaced, errs);
    config
}

fn action(v: &JsonValue, errs: &mut Vec<ValueError>) -> Option<AlbAction> {
    let mut f = Fields::new(v, "each action", true, errs)?;
    let names: Vec<&str> = ACTION_TYPES.iter().map(|(_, n, _)| *n).collect();
    let Some(tm) = f.take("Type", errs) else {
        errs.push(
            v.error("readAction Failed(unknown action type): ")
                .with_help(format!("add `\"type\"`, one of: {}", names.join(", "))),
        );
        return None;
    };
    let t = want_str(tm, errs)?;
    let Some((kind, _, config_key)) = ACTION_TYPES
        .iter()
        .find(|(_, n, _)| n.eq_ignore_ascii_case(t))
    else {
        let lower = t.to_ascii_lowercase();
        let help = match lower.as_str() {
            "forward" => "the forwarding action type is `ForwardGroup`".to_string(),
            "cors" => "CORS is configured with the `alb.ingress.kubernetes.io/enable-cors` and `cors-*` annotations, not in actions".to_string(),
            _ => choices_help(t, &names),
        };
        errs.push(
            tm.value
                .error(format!("readAction Failed(unknown action type): {lower}"))
                .with_help(help),
        );
        return None;
    };
    if let Some(om) = f.take("Order", errs) {
        want_int(om, errs);
    }
    let config = match f.take(config_key, errs) {
        Some(cm) => action_config(*kind, cm, errs),
        None => {
            let help = if *kind == ActionType::ForwardGroup && f.has("ForwardGroupConfig") {
                "the controller reads `forwardConfig` (with `serverGroups`), not `ForwardGroupConfig`"
                    .to_string()
            } else {
                format!("add `\"{config_key}\": {{ … }}`")
            };
            errs.push(
                v.error(format!("a `{}` action needs `{config_key}`", kind.name()))
                    .with_help(help),
            );
            ActionConfig::Missing
        }
    };
    for other in ACTION_CONFIG_KEYS {
        if *other != *config_key
            && let Some(m) = f.take(other, errs)
        {
            errs.push(
                m.key_error(format!(
                    "`{}` is not read for a `{}` action",
                    m.key,
                    kind.name()
                ))
                .with_help("put each action in its own array element, or remove it"),
            );
        }
    }
    let mut known = vec!["Type", "Order"];
    known.extend(ACTION_CONFIG_KEYS.iter().copied());
    f.finish(
        &known,
        &|k| {
            k.eq_ignore_ascii_case("ForwardGroupConfig")
                .then(|| "the controller reads `forwardConfig` (with `serverGroups`)".to_string())
        },
        errs,
    );
    Some(AlbAction {
        kind: loc(tm, *kind),
        config,
        start: v.start,
        end: v.end,
    })
}

/// Parses `alb.ingress.kubernetes.io/actions.<svc>`: a JSON array of
/// `{"type": …, "<type>Config": {…}}`; at most one final action (reference §4.5, §8 case 36).
pub fn parse_alb_actions(value: &str) -> Result<AlbActions, Vec<ValueError>> {
    let json = parse_json(value).map_err(|e| vec![e])?;
    let mut errs = Vec::new();
    let Some(items) = json.as_array() else {
        return Err(vec![
            json.error(format!(
                "actions must be a JSON array, found {}",
                json.kind_name()
            ))
            .with_help("wrap the action in `[` … `]`"),
        ]);
    };
    let actions: Vec<AlbAction> = items
        .iter()
        .filter_map(|item| action(item, &mut errs))
        .collect();
    let finals: Vec<&AlbAction> = actions.iter().filter(|a| a.kind.value.is_final()).collect();
    if finals.len() > 1 {
        let list = finals
            .iter()
            .map(|a| a.kind.value.name())
            .collect::<Vec<_>>()
            .join(" ");
        for extra in finals.iter().skip(1) {
            errs.push(
                extra
                    .kind
                    .error(format!("multi finalType action find: [{list}]"))
                    .with_help("a rule ends with exactly one ForwardGroup, Redirect or FixedResponse action; keep one"),
            );
        }
    }
    done(AlbActions { actions }, errs)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::{Grammar, validate};
    use super::*;

    #[test]
    fn listen_ports_valid() {
        let v = "[{\"HTTP\": 8001}]\n";
        let lp = parse_listen_ports(v).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(lp[0].protocol.value, ListenProtocol::Http);
        assert_eq!((lp[0].protocol.start, lp[0].protocol.end), (2, 8));
        assert_eq!((lp[0].port.start, lp[0].port.end), (10, 14));
        let lp = parse_listen_ports(r#"[{"HTTP": 80},{"HTTPS": 443},{"QUIC": 8443}]"#)
            .unwrap_or_default();
        assert_eq!(lp.len(), 3);
    }

    /// reference/alibaba.md §8 case 29: lowercase protocol, `[]`, port 70000.
    #[test]
    fn case_29_listen_ports() {
        let v = r#"[{"http": 80}]"#;
        let e = validate(Grammar::ListenPorts, v);
        assert_eq!((e[0].start, e[0].end), (2, 8));
        assert_eq!(
            e[0].message,
            "listen protocol must be within [HTTP, HTTPS]: http"
        );
        assert!(e[0].help.as_deref().unwrap_or("").contains("`HTTP`"));
        assert_eq!(
            errs(Grammar::ListenPorts, "[]"),
            vec![(0, 2, "empty listen-ports configuration".into())]
        );
        let v = r#"[{"HTTP": 70000}]"#;
        assert_eq!(
            errs(Grammar::ListenPorts, v),
            vec![(
                10,
                15,
                "listen port must be within [1, 65535]: 70000".into()
            )]
        );
    }

    #[test]
    fn listen_ports_other_errors() {
        let v = r#"[{"HTTP": "80"}]"#;
        let e = validate(Grammar::ListenPorts, v);
        assert_eq!((e[0].start, e[0].end), (10, 14));
        assert_eq!(e[0].help.as_deref(), Some("write `80` without quotes"));
        let v = r#"[{"HTTP": 80},{"HTTPS": 80}]"#;
        assert_eq!(
            errs(Grammar::ListenPorts, v),
            vec![(15, 22, "port 80 is listed twice".into())]
        );
        let v = r#"[{"HTTP": 80}, {"HTTPS": 443},]"#;
        assert_eq!(
            errs(Grammar::ListenPorts, v),
            vec![(29, 30, "trailing comma in array".into())]
        );
        let v = r#"{"HTTP": 80}"#;
        assert_eq!(errs(Grammar::ListenPorts, v)[0].0, 0);
        let v = r#"[{'HTTP': 80}]"#;
        assert_eq!(
            errs(Grammar::ListenPorts, v),
            vec![(2, 8, "JSON strings must use double quotes".into())]
        );
    }

    /// Seed 004 example 3 (header-based routing) is valid as written.
    #[test]
    fn conditions_seed_example() {
        let v = "[{\n  \"type\": \"Header\",\n  \"headerConfig\": {\n     \"key\":\"stage\",\n      \"values\": [\n         \"gray\"\n      ]\n  }\n }]\n";
        let c = parse_alb_conditions(v).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(c[0].kind.value, ConditionType::Header);
        assert_eq!(c[0].key.as_ref().map(|k| k.value.as_str()), Some("stage"));
        assert_eq!(c[0].values[0].value, "gray");
        let v = r#"[{"Type":"Cookie","CookieConfig":{"Values":[{"Key":"a","Value":"b"}]}},
                   {"type":"SourceIp","sourceIpConfig":{"values":["10.0.0.0/8","::1"]}},
                   {"type":"Method","methodConfig":{"values":["GET","POST"]}}]"#;
        let c = parse_alb_conditions(v).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(c[0].pairs[0].value.value, "b");
        assert_eq!(c.len(), 3);
    }

    /// reference/alibaba.md §8 case 36 (first half): unknown condition type.
    #[test]
    fn case_36_unknown_condition_type() {
        let v = r#"[{"type":"Foo"}]"#;
        let e = validate(Grammar::AlbConditions, v);
        assert_eq!(e.len(), 1);
        assert_eq!((e[0].start, e[0].end), (9, 14));
        assert_eq!(
            e[0].message,
            "readCondition Failed(unknown condition type): Foo"
        );
        let v = r#"[{"type":"Heder","headerConfig":{"key":"a","values":["b"]}}]"#;
        let e = validate(Grammar::AlbConditions, v);
        assert!(
            e[0].help
                .as_deref()
                .unwrap_or("")
                .contains("did you mean `Header`?")
        );
    }

    #[test]
    fn condition_errors() {
        let v = r#"[{"type":"Header"}]"#;
        assert_eq!(
            errs(Grammar::AlbConditions, v),
            vec![(1, 18, "a `Header` condition needs `HeaderConfig`".into())]
        );
        let v = r#"[{"type":"Method","methodConfig":{"values":["get"]}}]"#;
        let (s, e) = at(v, r#""get""#);
        assert_eq!(
            errs(Grammar::AlbConditions, v),
            vec![(s, e, "`get` is not an HTTP method ALB can match".into())]
        );
        let v = r#"[{"type":"SourceIp","sourceIpConfig":{"values":["10.0.0.0/33"]}}]"#;
        assert_eq!(
            errs(Grammar::AlbConditions, v)[0].2,
            "`10.0.0.0/33` is not an IP address or CIDR block"
        );
        let v = r#"[{"type":"Header","headerConfig":{"key":"a","values":[]}}]"#;
        let (s, e) = at(v, "[]");
        assert_eq!(
            errs(Grammar::AlbConditions, v),
            vec![(s, e, "`values` must not be empty".into())]
        );
        let v =
            r#"[{"type":"Host","hostConfig":{"values":["a.com"]},"pathConfig":{"values":["/"]}}]"#;
        let (s, e) = at(v, r#""pathConfig""#);
        assert_eq!(
            errs(Grammar::AlbConditions, v),
            vec![(
                s,
                e,
                "`pathConfig` is not read for a `Host` condition".into()
            )]
        );
        let v = r#"[{"type":"Header","headerConfig":{"key":"a","value":["b"]}}]"#;
        let e = validate(Grammar::AlbConditions, v);
        assert_eq!(e.len(), 2);
        assert_eq!(e[1].message, "unknown field `value`");
        assert!(
            e[1].help
                .as_deref()
                .unwrap_or("")
                .contains("did you mean `Values`?")
        );
        let v = r#"[{"type":"Path","pathConfig":{"values":[1]}}]"#;
        assert_eq!(
            errs(Grammar::AlbConditions, v)[0].2,
            "`values` items must be strings, found a number"
        );
    }

    #[test]
    fn actions_valid() {
        let v = r#"[{"type":"TrafficLimit","TrafficLimitConfig":{"QPS":"100","QPSPerIp":"10"}},
                   {"type":"InsertHeader","InsertHeaderConfig":{"Key":"x","Value":"y","ValueType":"UserDefined","CoverEnabled":true}},
                   {"type":"ForwardGroup","forwardConfig":{"serverGroups":[{"serviceName":"s1","servicePort":80,"weight":60},{"serviceName":"s2","servicePort":80,"weight":40}]}}]"#;
        let a = parse_alb_actions(v).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(a.actions.len(), 3);
        assert_eq!(
            a.final_action().map(|f| f.kind.value),
            Some(ActionType::ForwardGroup)
        );
        let v = r#"[{"type":"Redirect","RedirectConfig":{"Protocol":"HTTPS","Port":"443","HttpCode":"308"}}]"#;
        assert!(parse_alb_actions(v).is_ok());
        let v = r#"[{"type":"FixedResponse","FixedResponseConfig":{"ContentType":"text/plain","Content":"down","HttpCode":"503"}}]"#;
        assert!(parse_alb_actions(v).is_ok());
    }

    /// reference/alibaba.md §8 case 36 (second half): two final actions.
    #[test]
    fn case_36_multi_final_action() {
        let v = r#"[{"type":"ForwardGroup","forwardConfig":{"serverGroups":[{"serviceName":"s1","servicePort":80}]}},{"type":"FixedResponse","FixedResponseConfig":{"HttpCode":"503"}}]"#;
        let (s, e) = at(v, r#""FixedResponse""#);
        assert_eq!(
            errs(Grammar::AlbActions, v),
            vec![(
                s,
                e,
                "multi finalType action find: [ForwardGroup FixedResponse]".into()
            )]
        );
    }

    #[test]
    fn action_errors() {
        let v = r#"[{"type":"Cors"}]"#;
        let e = validate(Grammar::AlbActions, v);
        assert_eq!((e[0].start, e[0].end), (9, 15));
        assert_eq!(e[0].message, "readAction Failed(unknown action type): cors");
        assert!(e[0].help.as_deref().unwrap_or("").contains("enable-cors"));
        let v = r#"[{"type":"Redirect","RedirectConfig":{"HttpCode":301}}]"#;
        let e = validate(Grammar::AlbActions, v);
        assert_eq!((e[0].start, e[0].end), at(v, "301"));
        assert_eq!(e[0].help.as_deref(), Some("write `\"301\"`"));
        let v = r#"[{"type":"Redirect","RedirectConfig":{"HttpCode":"300"}}]"#;
        assert_eq!(
            errs(Grammar::AlbActions, v),
            vec![(
                at(v, r#""300""#).0,
                at(v, r#""300""#).1,
                "`HttpCode` must be one of 301, 302, 303, 307, 308, got \"300\"".into()
            )]
        );
        let v = r#"[{"type":"TrafficLimit","TrafficLimitConfig":{"QPS":"10","QPSPerIp":"20"}}]"#;
        assert_eq!(
            errs(Grammar::AlbActions, v),
            vec![(
                at(v, r#""20""#).0,
                at(v, r#""20""#).1,
                "traffic limit action qps per ip(20)must less than qps(10)".into()
            )]
        );
        let v = r#"[{"type":"ForwardGroup","ForwardGroupConfig":{"serverGroupTuples":[]}}]"#;
        let e = validate(Grammar::AlbActions, v);
        assert_eq!(
            e[0].message,
            "a `ForwardGroup` action needs `forwardConfig`"
        );
        assert!(
            e[0].help
                .as_deref()
                .unwrap_or("")
                .contains("`forwardConfig`")
        );
        assert_eq!(e[1].message, "unknown field `ForwardGroupConfig`");
        let v = r#"[{"type":"ForwardGroup","forwardConfig":{"serverGroups":[{"serviceName":"s1","servicePort":"80","weight":120}]}}]"#;
        assert_eq!(
            errs(Grammar::AlbActions, v),
            vec![
                (
                    at(v, r#""80""#).0,
                    at(v, r#""80""#).1,
                    "`servicePort` must be a JSON number, found a string".into()
                ),
                (
                    at(v, "120").0,
                    at(v, "120").1,
                    "`weight` must be within [0, 100], got 120".into()
                ),
            ]
        );
        let v = r#"[{"type":"RemoveHeader","RemoveHeaderConfig":{}}]"#;
        assert_eq!(
            errs(Grammar::AlbActions, v)[0].2,
            "`RemoveHeaderConfig` needs a non-empty `Key`"
        );
    }
}
