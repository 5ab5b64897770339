//! TEMPORARY stand-in for `validate`, so the annotation check compiles and is testable
//! before the real nom grammars land. The integrator drops this file and its two lines in
//! `grammar/mod.rs` when merging the grammar branch; nothing else refers to it.
//!
//! It checks the simple grammars fully and the JSON ones only as far as the tests need
//! (syntax, the CCE health-check / session-affinity fields, ALB listen-ports), always with
//! byte offsets into the decoded value, as the contract in `grammar/mod.rs` asks.

use super::{Grammar, ValueError};

/// Checks `value` against `grammar`; empty when valid.
pub fn validate(grammar: Grammar, value: &str) -> Vec<ValueError> {
    let mut out = Vec::new();
    match grammar {
        Grammar::Any => {}
        Grammar::NonEmpty => {
            if value.trim().is_empty() {
                out.push(ValueError::new(0, value.len(), "the value is empty"));
            }
        }
        Grammar::Enum(words) => one_of(value, 0, words, false, &mut out),
        Grammar::EnumIgnoreCase(words) => one_of(value, 0, words, true, &mut out),
        Grammar::Int { min, max } => int_in(value, 0, min, max, &mut out),
        Grammar::ClusterWeight => int_in(value, 0, 0, 100, &mut out),
        Grammar::ProtoPortList {
            protocols,
            ignore_case,
        } => {
            for (at, item) in items(value, &mut out) {
                match item.split_once(':') {
                    Some((proto, port)) => {
                        one_of(proto, at, protocols, ignore_case, &mut out);
                        int_in(port, at + proto.len() + 1, 1, 65535, &mut out);
                    }
                    None => out.push(
                        ValueError::new(at, at + item.len(), "expected `protocol:port`")
                            .with_help("separate protocol and port with a colon, e.g. `https:443`"),
                    ),
                }
            }
        }
        Grammar::KeyValueList { bare_keys } => {
            for (at, item) in items(value, &mut out) {
                match item.split_once('=') {
                    Some(("", _)) => {
                        out.push(ValueError::new(at, at + 1, "empty key before `=`"));
                    }
                    None if !bare_keys => out.push(
                        ValueError::new(at, at + item.len(), "expected `key=value`")
                            .with_help("write every entry as `key=value`"),
                    ),
                    _ => {}
                }
            }
        }
        Grammar::BackendWeight => {
            for (at, item) in items(value, &mut out) {
                match item.split_once('=') {
                    Some((_, w)) => int_in(w, at + item.len() - w.len(), 0, 100, &mut out),
                    None => out.push(ValueError::new(
                        at,
                        at + item.len(),
                        "expected `base=W` or `<node>=W`",
                    )),
                }
            }
        }
        Grammar::LabelSelector => {}
        Grammar::CommaList
        | Grammar::ZoneMaps
        | Grammar::VgroupPort
        | Grammar::ForwardPort
        | Grammar::DomainExtensions
        | Grammar::ListenerPortRange => {
            items(value, &mut out);
        }
        Grammar::ElbAutocreate
        | Grammar::HealthCheckOption
        | Grammar::HealthCheckOptions
        | Grammar::SessionAffinityOption
        | Grammar::ListenPorts
        | Grammar::AlbConditions
        | Grammar::AlbActions => json(grammar, value, &mut out),
    }
    out
}

fn one_of(v: &str, at: usize, words: &[&str], ignore_case: bool, out: &mut Vec<ValueError>) {
    let ok = words
        .iter()
        .any(|w| *w == v || (ignore_case && w.eq_ignore_ascii_case(v)));
    if !ok {
        let list = words
            .iter()
            .map(|w| format!("`{w}`"))
            .collect::<Vec<_>>()
            .join(", ");
        out.push(
            ValueError::new(at, at + v.len(), format!("`{v}` is not one of {list}"))
                .with_help(format!("use one of {list}")),
        );
    }
}

fn int_in(v: &str, at: usize, min: i64, max: i64, out: &mut Vec<ValueError>) {
    match v.parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => {}
        Ok(n) => out.push(
            ValueError::new(at, at + v.len(), format!("{n} is outside {min}–{max}"))
                .with_help(format!("use an integer from {min} to {max}")),
        ),
        Err(_) => out.push(
            ValueError::new(at, at + v.len(), format!("`{v}` is not an integer"))
                .with_help(format!("use an integer from {min} to {max}")),
        ),
    }
}

/// Comma-separated items with their offsets; reports empty items.
fn items<'v>(value: &'v str, out: &mut Vec<ValueError>) -> Vec<(usize, &'v str)> {
    let mut v = Vec::new();
    let mut at = 0;
    for item in value.split(',') {
        if item.trim().is_empty() {
            out.push(ValueError::new(at, at + item.len(), "empty list item"));
        } else {
            v.push((at, item));
        }
        at += item.len() + 1;
    }
    v
}

/// A JSON value with its byte range in the annotation value.
#[derive(Debug)]
struct J {
    start: usize,
    end: usize,
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    Object(Vec<(String, J)>),
    Array(Vec<J>),
    Str(String),
    Number(String),
    Literal,
}

struct P<'a> {
    b: &'a [u8],
    i: usize,
}

impl P<'_> {
    fn ws(&mut self) {
        while self.i < self.b.len() && self.b[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }
    fn err(&self, msg: &str) -> ValueError {
        let end = (self.i + 1).min(self.b.len());
        ValueError::new(self.i, end, format!("invalid JSON: {msg}"))
    }
    fn value(&mut self, depth: usize) -> Result<J, ValueError> {
        self.ws();
        if depth > 64 {
            return Err(self.err("nested too deeply"));
        }
        let start = self.i;
        let kind = match self.b.get(self.i) {
            Some(b'{') => {
                self.i += 1;
                let mut fields = Vec::new();
                self.ws();
                if self.b.get(self.i) == Some(&b'}') {
                    self.i += 1;
                } else {
                    loop {
                        self.ws();
                        let k = self.string()?;
                        self.ws();
                        if self.b.get(self.i) != Some(&b':') {
                            return Err(self.err("expected `:`"));
                        }
                        self.i += 1;
                        let v = self.value(depth + 1)?;
                        fields.push((k, v));
                        self.ws();
                        match self.b.get(self.i) {
                            Some(b',') => self.i += 1,
                            Some(b'}') => {
                                self.i += 1;
                                break;
                            }
                            _ => return Err(self.err("expected `,` or `}`")),
                        }
                    }
                }
                Kind::Object(fields)
            }
            Some(b'[') => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.b.get(self.i) == Some(&b']') {
                    self.i += 1;
                } else {
                    loop {
                        items.push(self.value(depth + 1)?);
                        self.ws();
                        match self.b.get(self.i) {
                            Some(b',') => self.i += 1,
                            Some(b']') => {
                                self.i += 1;
                                break;
                            }
                            _ => return Err(self.err("expected `,` or `]`")),
                        }
                    }
                }
                Kind::Array(items)
            }
            Some(b'"') => Kind::Str(self.string()?),
            Some(c) if *c == b'-' || c.is_ascii_digit() => {
                while self.i < self.b.len()
                    && matches!(
                        self.b[self.i],
                        b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'
                    )
                {
                    self.i += 1;
                }
                Kind::Number(String::from_utf8_lossy(&self.b[start..self.i]).into_owned())
            }
            _ => {
                for lit in ["true", "false", "null"] {
                    if self.b[self.i..].starts_with(lit.as_bytes()) {
                        self.i += lit.len();
                        return Ok(J {
                            start,
                            end: self.i,
                            kind: Kind::Literal,
                        });
                    }
                }
                return Err(self.err("expected a value"));
            }
        };
        Ok(J {
            start,
            end: self.i,
            kind,
        })
    }
    fn string(&mut self) -> Result<String, ValueError> {
        if self.b.get(self.i) != Some(&b'"') {
            return Err(self.err("expected a string"));
        }
        let start = self.i + 1;
        self.i += 1;
        while self.i < self.b.len() {
            match self.b[self.i] {
                b'\\' => self.i += 2,
                b'"' => {
                    let s = String::from_utf8_lossy(&self.b[start..self.i]).into_owned();
                    self.i += 1;
                    return Ok(s);
                }
                _ => self.i += 1,
            }
        }
        self.i = self.b.len();
        Err(self.err("unterminated string"))
    }
}

fn json(grammar: Grammar, value: &str, out: &mut Vec<ValueError>) {
    let mut p = P {
        b: value.as_bytes(),
        i: 0,
    };
    let root = match p.value(0) {
        Ok(j) => j,
        Err(e) => {
            out.push(e);
            return;
        }
    };
    p.ws();
    if p.i < value.len() {
        out.push(p.err("unexpected text after the JSON value"));
        return;
    }
    match grammar {
        Grammar::HealthCheckOption => health_check(&root, false, out),
        Grammar::HealthCheckOptions => match &root.kind {
            Kind::Array(items) => items.iter().for_each(|i| health_check(i, true, out)),
            _ => out.push(ValueError::new(
                root.start,
                root.end,
                "expected a JSON array",
            )),
        },
        Grammar::SessionAffinityOption => {
            if let Some(fields) = object(&root, out) {
                for (k, v) in fields {
                    if k == "persistence_timeout" {
                        string_int(v, 1, 60, out);
                    }
                }
            }
        }
        Grammar::ElbAutocreate => {
            object(&root, out);
        }
        Grammar::ListenPorts => listen_ports(&root, out),
        _ => {
            if !matches!(root.kind, Kind::Array(_)) {
                out.push(ValueError::new(
                    root.start,
                    root.end,
                    "expected a JSON array",
                ));
            }
        }
    }
}

fn object<'j>(j: &'j J, out: &mut Vec<ValueError>) -> Option<&'j [(String, J)]> {
    match &j.kind {
        Kind::Object(f) => Some(f),
        _ => {
            out.push(ValueError::new(j.start, j.end, "expected a JSON object"));
            None
        }
    }
}

/// CCE passes option values as strings holding integers.
fn string_int(j: &J, min: i64, max: i64, out: &mut Vec<ValueError>) {
    match &j.kind {
        Kind::Str(s) => int_in(s, j.start + 1, min, max, out),
        _ => out.push(
            ValueError::new(j.start, j.end, "CCE expects this value as a string")
                .with_help("quote the number, e.g. \"5\""),
        ),
    }
}

fn health_check(j: &J, per_port: bool, out: &mut Vec<ValueError>) {
    let Some(fields) = object(j, out) else {
        return;
    };
    for (k, v) in fields {
        match k.as_str() {
            "delay" | "timeout" => string_int(v, 1, 50, out),
            "max_retries" => string_int(v, 1, 10, out),
            "protocol" => match &v.kind {
                Kind::Str(s) => one_of(s, v.start + 1, &["TCP", "UDP_CONNECT", "HTTP"], false, out),
                _ => out.push(ValueError::new(v.start, v.end, "expected a string")),
            },
            "target_service_port" if !per_port => out.push(ValueError::new(
                v.start,
                v.end,
                "`target_service_port` belongs in `elb.health-check-options`",
            )),
            _ => {}
        }
    }
}

fn listen_ports(j: &J, out: &mut Vec<ValueError>) {
    let Kind::Array(items) = &j.kind else {
        out.push(ValueError::new(j.start, j.end, "expected a JSON array"));
        return;
    };
    if items.is_empty() {
        out.push(ValueError::new(
            j.start,
            j.end,
            "empty listen-ports configuration",
        ));
    }
    for item in items {
        let Some(fields) = object(item, out) else {
            continue;
        };
        for (k, v) in fields {
            if !["HTTP", "HTTPS", "QUIC"].contains(&k.as_str()) {
                out.push(
                    ValueError::new(item.start, item.end, format!("unknown protocol `{k}`"))
                        .with_help("use upper-case `HTTP`, `HTTPS` or `QUIC`"),
                );
            }
            match &v.kind {
                Kind::Number(n) => int_in(n, v.start, 1, 65535, out),
                _ => out.push(ValueError::new(v.start, v.end, "expected a port number")),
            }
        }
    }
}
