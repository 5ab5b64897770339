//! The comma/colon mini-languages of the Alibaba CCM and ECM controllers
//! (EBNF: `grammar/comma-list.ebnf`, `proto-port.ebnf`, `key-value.ebnf`, `zone-maps.ebnf`,
//! `vgroup-port.ebnf`, `forward-port.ebnf`, `domain-extensions.ebnf`, `backend-weight.ebnf`,
//! `listener-port-range.ebnf`).
//!
//! The controllers read these with `strings.Split` and no trimming, so a space after a
//! comma becomes part of the next item and breaks it; we report such spaces directly
//! instead of the confusing error the controller would give for the mangled item.
//! Every item is checked, so one run reports every bad entry.

use std::net::Ipv4Addr;

use nom::bytes::complete::take_till;
use nom::character::complete::char;
use nom::multi::separated_list1;
use nom::{IResult, Parser};

use super::scalar::{IntProblem, int_in_range};
use super::{Located, Span, ValueError, choices_help, done, range};

/// A piece of the value with its offset, the unit every list parser works on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tok<'a> {
    pub text: &'a str,
    pub start: usize,
}

impl<'a> Tok<'a> {
    fn end(&self) -> usize {
        self.start + self.text.len()
    }
    fn error(&self, message: impl Into<String>) -> ValueError {
        ValueError::new(self.start, self.end(), message)
    }
    fn located<T>(&self, value: T) -> Located<T> {
        Located::new(value, self.start, self.end())
    }
    /// Splits on `sep` with nom; always yields at least one (possibly empty) piece.
    fn split(&self, sep: char) -> Vec<Tok<'a>> {
        let parsed: IResult<Span<'a>, Vec<Span<'a>>> =
            separated_list1(char(sep), take_till(move |c| c == sep)).parse(Span::new(self.text));
        match parsed {
            Ok((_, parts)) => parts
                .iter()
                .map(|p| Tok {
                    text: p.fragment(),
                    start: self.start + range(p).0,
                })
                .collect(),
            Err(_) => vec![*self],
        }
    }
    /// The piece without surrounding whitespace; reports the whitespace as an error.
    fn trimmed(&self, errs: &mut Vec<ValueError>) -> Tok<'a> {
        let lead = self.text.len() - self.text.trim_start().len();
        let inner = self.text.trim();
        if inner.is_empty() {
            return *self;
        }
        let trail = self.text.len() - lead - inner.len();
        if lead > 0 {
            errs.push(
                ValueError::new(self.start, self.start + lead, "unexpected whitespace").with_help(
                    format!("the controller does not trim items; write `{inner}` without spaces"),
                ),
            );
        }
        if trail > 0 {
            errs.push(
                ValueError::new(self.end() - trail, self.end(), "unexpected whitespace").with_help(
                    format!("the controller does not trim items; write `{inner}` without spaces"),
                ),
            );
        }
        Tok {
            text: inner,
            start: self.start + lead,
        }
    }
}

/// Splits the value into comma-separated items, reporting empty items (at the stray
/// comma) and whitespace; returns the non-empty, trimmed items.
fn items<'a>(value: &'a str, what: &str, errs: &mut Vec<ValueError>) -> Vec<Tok<'a>> {
    let whole = Tok {
        text: value,
        start: 0,
    };
    if value.trim().is_empty() {
        errs.push(
            ValueError::new(0, value.len(), format!("empty {what}"))
                .with_help("give at least one item, or remove the annotation"),
        );
        return Vec::new();
    }
    let mut out = Vec::new();
    for item in whole.split(',') {
        if item.text.trim().is_empty() {
            // Point at the comma after the empty item, or before it at the very end.
            let comma = if item.end() < value.len() {
                item.end()
            } else {
                item.start.saturating_sub(1)
            };
            errs.push(
                ValueError::new(comma, comma + 1, format!("empty item in {what}"))
                    .with_help("remove the extra `,`"),
            );
            continue;
        }
        out.push(item.trimmed(errs));
    }
    out
}

/// A port 1–65535, or an error worded with `what` ("port", "listen port", …).
fn port(tok: &Tok<'_>, what: &str, errs: &mut Vec<ValueError>) -> Option<Located<u16>> {
    match int_in_range(tok.text, 1, 65535) {
        Ok(p) => u16::try_from(p).ok().map(|p| tok.located(p)),
        Err(problem) => {
            let message = match problem {
                IntProblem::NotInteger if tok.text.is_empty() => format!("missing {what}"),
                IntProblem::NotInteger => format!("{what} `{}` is not an integer", tok.text),
                IntProblem::OutOfRange => {
                    format!("{what} must be within [1, 65535], got [{}]", tok.text)
                }
            };
            errs.push(
                tok.error(message)
                    .with_help("ports are whole numbers from 1 to 65535"),
            );
            None
        }
    }
}

/// `Grammar::CommaList`: non-empty, comma-separated ids (`vsw-a,vsw-b`).
pub fn parse_comma_list(value: &str) -> Result<Vec<Located<String>>, Vec<ValueError>> {
    let mut errs = Vec::new();
    let out = items(value, "list", &mut errs)
        .iter()
        .map(|t| t.located(t.text.to_string()))
        .collect();
    done(out, errs)
}

/// One `proto:port` entry of `protocol-port`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtoPort {
    /// The protocol as spelled in the grammar's list (canonical case).
    pub protocol: Located<&'static str>,
    pub port: Located<u16>,
}

/// `Grammar::ProtoPortList`: `proto:port[,proto:port]`. The CLB controller validates every
/// entry, even for ports the Service does not have, so we do too (reference §2.2).
pub fn parse_proto_ports(
    value: &str,
    protocols: &[&'static str],
    ignore_case: bool,
) -> Result<Vec<ProtoPort>, Vec<ValueError>> {
    let mut errs = Vec::new();
    let mut out: Vec<ProtoPort> = Vec::new();
    let allowed = format!("[{}]", protocols.join("|"));
    for item in items(value, "protocol-port list", &mut errs) {
        let parts = item.split(':');
        let [proto, p] = parts.as_slice() else {
            let extra = parts.get(2).map(|t| t.start - 1);
            let e = match extra {
                // `https:443:x`: point from the second colon on.
                Some(at) => ValueError::new(
                    at,
                    item.end(),
                    "port and protocol format must be like 'https:443' with colon separated",
                ),
                None => item.error(
                    "port and protocol format must be like 'https:443' with colon separated",
                ),
            };
            errs.push(e.with_help(format!(
                "write `protocol:port`, e.g. `{}:443`",
                protocols.first().copied().unwrap_or("https")
            )));
            continue;
        };
        let canonical = protocols.iter().copied().find(|c| {
            if ignore_case {
                c.eq_ignore_ascii_case(proto.text)
            } else {
                *c == proto.text
            }
        });
        let Some(canonical) = canonical else {
            errs.push(
                proto
                    .error(format!("port protocol format must be either {allowed}"))
                    .with_help(choices_help(proto.text, protocols)),
            );
            port(p, "port", &mut errs);
            continue;
        };
        let Some(port) = port(p, "port", &mut errs) else {
            continue;
        };
        if let Some(prev) = out.iter().find(|pp| pp.port.value == port.value) {
            errs.push(
                ValueError::new(
                    item.start,
                    item.end(),
                    format!("port {} is listed twice", port.value),
                )
                .with_help(format!(
                    "a port has one listener protocol; keep either `{}:{}` or `{}`",
                    prev.protocol.value, prev.port.value, item.text
                )),
            );
            continue;
        }
        out.push(ProtoPort {
            protocol: proto.located(canonical),
            port,
        });
    }
    done(out, errs)
}

/// One `key=value` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyValue {
    pub key: Located<String>,
    /// Empty for a bare key (only accepted with `bare_keys`).
    pub value: Located<String>,
}

/// `Grammar::KeyValueList`: `k=v[,k=v]` (tags, backend labels). With `bare_keys`, `k`
/// alone means an empty value, as `additional-resource-tags` documents.
pub fn parse_key_values(value: &str, bare_keys: bool) -> Result<Vec<KeyValue>, Vec<ValueError>> {
    let mut errs = Vec::new();
    let mut out: Vec<KeyValue> = Vec::new();
    for item in items(value, "key=value list", &mut errs) {
        let (key, val) = match item.text.split_once('=') {
            Some((k, v)) => (
                Tok {
                    text: k,
                    start: item.start,
                },
                Tok {
                    text: v,
                    start: item.start + k.len() + 1,
                },
            ),
            None if bare_keys => (
                item,
                Tok {
                    text: "",
                    start: item.end(),
                },
            ),
            None => {
                errs.push(
                    item.error(format!("`{}` is not a `key=value` pair", item.text))
                        .with_help(format!(
                            "write `{}=<value>`; the expected format is k1=v1,k2=v2",
                            item.text
                        )),
                );
                continue;
            }
        };
        if key.text.is_empty() {
            errs.push(
                ValueError::new(item.start, item.start + 1, "missing key before `=`")
                    .with_help("write `key=value`"),
            );
            continue;
        }
        if out.iter().any(|kv| kv.key.value == key.text) {
            errs.push(
                key.error(format!("key `{}` is given twice", key.text))
                    .with_help("keep one entry per key"),
            );
            continue;
        }
        out.push(KeyValue {
            key: key.located(key.text.to_string()),
            value: val.located(val.text.to_string()),
        });
    }
    done(out, errs)
}

/// One NLB zone mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneMapping {
    pub zone: Located<String>,
    pub vswitch: Located<String>,
    pub ipv4: Option<Located<Ipv4Addr>>,
    pub allocation_id: Option<Located<String>>,
}

const ZONE_FORMAT: &str = "ZoneMapping format error, expect [zone-a:vsw-id-1,zone-b:vsw-id-2]";

/// `Grammar::ZoneMaps`: `zone:vsw[:ipv4[:allocationId]][,…]` (NLB; required unless the
/// Service reuses an NLB by id, which the check stage knows, not this parser).
pub fn parse_zone_maps(value: &str) -> Result<Vec<ZoneMapping>, Vec<ValueError>> {
    let mut errs = Vec::new();
    if value.trim().is_empty() {
        return Err(vec![
            ValueError::new(
                0,
                value.len(),
                "ParameterMissing, zone mappings are required",
            )
            .with_help("write e.g. `cn-hangzhou-a:vsw-aaa,cn-hangzhou-b:vsw-bbb`"),
        ]);
    }
    let mut out: Vec<ZoneMapping> = Vec::new();
    for item in items(value, "zone mapping list", &mut errs) {
        let parts = item.split(':');
        let shape_ok =
            (2..=4).contains(&parts.len()) && parts.iter().take(2).all(|p| !p.text.is_empty());
        let (Some(zone), Some(vsw), true) = (parts.first(), parts.get(1), shape_ok) else {
            errs.push(item.error(ZONE_FORMAT).with_help(format!(
                "write `zone:vswitch` (optionally `:ipv4:allocationId`), e.g. `{}:vsw-xxx`",
                parts.first().map_or("cn-hangzhou-a", |z| z.text)
            )));
            continue;
        };
        let ipv4 = match parts.get(2) {
            Some(ip) if !ip.text.is_empty() => match ip.text.parse::<Ipv4Addr>() {
                Ok(a) => Some(ip.located(a)),
                Err(_) => {
                    errs.push(
                        ip.error(format!("`{}` is not an IPv4 address", ip.text))
                            .with_help("the third field is the private IPv4 address in that zone"),
                    );
                    continue;
                }
            },
            _ => None,
        };
        let allocation_id = parts
            .get(3)
            .filter(|a| !a.text.is_empty())
            .map(|a| a.located(a.text.to_string()));
        if out.iter().any(|z| z.zone.value == zone.text) {
            errs.push(
                zone.error(format!("zone `{}` is mapped twice", zone.text))
                    .with_help("give one vswitch per zone"),
            );
            continue;
        }
        out.push(ZoneMapping {
            zone: zone.located(zone.text.to_string()),
            vswitch: vsw.located(vsw.text.to_string()),
            ipv4,
            allocation_id,
        });
    }
    done(out, errs)
}

/// One `vgroupId:port` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VgroupPort {
    pub vgroup_id: Located<String>,
    pub port: Located<u16>,
}

/// `Grammar::VgroupPort`: `rsp-id:port[,…]` (CLB) / `sgp-id:port[,…]` (NLB).
pub fn parse_vgroup_ports(value: &str) -> Result<Vec<VgroupPort>, Vec<ValueError>> {
    let mut errs = Vec::new();
    let mut out: Vec<VgroupPort> = Vec::new();
    for item in items(value, "vgroup-port list", &mut errs) {
        let parts = item.split(':');
        let [id, p] = parts.as_slice() else {
            errs.push(
                item.error("vgroupid and protocol format must be like 'vsp-xxx:443'")
                    .with_help("write `<server group id>:<service port>`, e.g. `rsp-xxx:443`"),
            );
            continue;
        };
        if id.text.is_empty() {
            errs.push(
                item.error("vgroupid and protocol format must be like 'vsp-xxx:443'")
                    .with_help("the server group id before `:` is missing"),
            );
            continue;
        }
        let Some(port) = port(p, "port", &mut errs) else {
            continue;
        };
        if out.iter().any(|v| v.port.value == port.value) {
            errs.push(
                port.error(format!("port {} is given two server groups", port.value))
                    .with_help("a Service port can be bound to one server group"),
            );
            continue;
        }
        out.push(VgroupPort {
            vgroup_id: id.located(id.text.to_string()),
            port,
        });
    }
    done(out, errs)
}

/// One `httpPort:httpsPort` entry of CLB `forward-port`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForwardPort {
    pub http_port: Located<u16>,
    pub https_port: Located<u16>,
}

/// `Grammar::ForwardPort`: `httpPort:httpsPort[,…]` (CLB HTTP→HTTPS redirection).
pub fn parse_forward_ports(value: &str) -> Result<Vec<ForwardPort>, Vec<ValueError>> {
    let mut errs = Vec::new();
    let mut out = Vec::new();
    for item in items(value, "forward-port list", &mut errs) {
        let parts = item.split(':');
        let [from, to] = parts.as_slice() else {
            errs.push(
                item.error(format!(
                    "forward port format error: {}, expect 80:443,88:6443",
                    item.text
                ))
                .with_help("separate the HTTP port and the HTTPS port with `:`"),
            );
            continue;
        };
        let mut pair = [None, None];
        for (slot, tok) in pair.iter_mut().zip([from, to]) {
            match int_in_range(tok.text, 1, 65535) {
                Ok(p) => *slot = u16::try_from(p).ok().map(|p| tok.located(p)),
                Err(IntProblem::NotInteger) => errs.push(
                    tok.error("forward port is not an integer")
                        .with_help("write the port number, e.g. `80:443`"),
                ),
                Err(IntProblem::OutOfRange) => errs.push(
                    tok.error(format!(
                        "port must be within [1, 65535], got [{}]",
                        tok.text
                    ))
                    .with_help("ports are whole numbers from 1 to 65535"),
                ),
            }
        }
        if let [Some(http_port), Some(https_port)] = pair {
            out.push(ForwardPort {
                http_port,
                https_port,
            });
        }
    }
    done(out, errs)
}

/// One `domain:certId` entry of CLB `domain-extensions`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainExtension {
    pub domain: Located<String>,
    pub cert_id: Located<String>,
}

fn is_domain(d: &str) -> bool {
    let body = d.strip_prefix("*.").unwrap_or(d);
    !body.is_empty()
        && body.len() <= 253
        && body.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

/// `Grammar::DomainExtensions`: `domain:certId[,…]` (HTTPS SNI certificates on CLB).
pub fn parse_domain_extensions(value: &str) -> Result<Vec<DomainExtension>, Vec<ValueError>> {
    let mut errs = Vec::new();
    let mut out = Vec::new();
    for item in items(value, "domain extension list", &mut errs) {
        let parts = item.split(':');
        let [domain, cert] = parts.as_slice() else {
            errs.push(
                item.error(format!("invalid domain extension {}", item.text))
                    .with_help(
                        "write `domain:certificateId`, e.g. `www.example.com:123-cn-hangzhou`",
                    ),
            );
            continue;
        };
        if domain.text.is_empty() || cert.text.is_empty() {
            errs.push(
                item.error(format!("invalid domain extension {}", item.text))
                    .with_help("both the domain and the certificate id are required"),
            );
            continue;
        }
        if !is_domain(domain.text) {
            errs.push(
                domain
                    .error(format!("`{}` is not a domain name", domain.text))
                    .with_help("use a DNS name such as `www.example.com` or `*.example.com`"),
            );
            continue;
        }
        out.push(DomainExtension {
            domain: domain.located(domain.text.to_string()),
            cert_id: cert.located(cert.text.to_string()),
        });
    }
    done(out, errs)
}

/// One `name=weight` entry of ECM `backend-weight`; the name `base` is the default for
/// nodes not listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackendWeight {
    pub node: Located<String>,
    pub weight: Located<u8>,
}

/// `Grammar::BackendWeight`: `base=W,node=W[,…]`, weights 0–100. The controller panics on
/// an entry without `=` and silently uses 100 for a bad weight; both are errors here,
/// because the user's intent is lost either way (reference §6.2, §8 case 55).
pub fn parse_backend_weights(value: &str) -> Result<Vec<BackendWeight>, Vec<ValueError>> {
    let mut errs = Vec::new();
    let mut out: Vec<BackendWeight> = Vec::new();
    for item in items(value, "backend weight list", &mut errs) {
        let Some((name, w)) = item.text.split_once('=') else {
            errs.push(
                item.error(format!("backend weight entry `{}` has no `=`", item.text))
                    .with_help(format!(
                        "the controller crashes on this entry; write `{}=<0-100>` or `base=<0-100>`",
                        item.text
                    )),
            );
            continue;
        };
        let name = Tok {
            text: name,
            start: item.start,
        };
        let w = Tok {
            text: w,
            start: item.start + name.text.len() + 1,
        };
        if name.text.is_empty() {
            errs.push(
                ValueError::new(item.start, item.start + 1, "missing node name before `=`")
                    .with_help("write `base=<weight>` or `<nodeName>=<weight>`"),
            );
            continue;
        }
        let weight = match int_in_range(w.text, 0, 100) {
            Ok(v) => u8::try_from(v).ok(),
            Err(_) => None,
        };
        let Some(weight) = weight else {
            errs.push(
                w.error(format!(
                    "weight must be an integer in range [0,100], got [{}]",
                    w.text
                ))
                .with_help("the controller silently uses 100 for this node; write 0–100"),
            );
            continue;
        };
        if out.iter().any(|b| b.node.value == name.text) {
            errs.push(
                name.error(format!("`{}` is given two weights", name.text))
                    .with_help("keep one entry per node"),
            );
            continue;
        }
        out.push(BackendWeight {
            node: name.located(name.text.to_string()),
            weight: w.located(weight),
        });
    }
    done(out, errs)
}

/// One `start-end:servicePort` entry of NLB `listener-port-range`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListenerPortRange {
    pub start_port: Located<u16>,
    pub end_port: Located<u16>,
    pub service_port: Located<u16>,
}

/// `Grammar::ListenerPortRange`: `start-end:servicePort[,…]` with `start < end`; ranges of
/// one annotation must not overlap (the controller rejects overlapping listeners).
pub fn parse_listener_port_ranges(value: &str) -> Result<Vec<ListenerPortRange>, Vec<ValueError>> {
    let mut errs = Vec::new();
    let mut out: Vec<ListenerPortRange> = Vec::new();
    for item in items(value, "listener port range list", &mut errs) {
        let parts = item.split(':');
        let [span, svc] = parts.as_slice() else {
            errs.push(
                item.error("listener port range format must be like '70-90:8080'")
                    .with_help("write `startPort-endPort:servicePort`"),
            );
            continue;
        };
        let bounds = span.split('-');
        let [lo, hi] = bounds.as_slice() else {
            errs.push(
                span.error(format!("`{}` is not a port range", span.text))
                    .with_help("write `startPort-endPort`, e.g. `70-90`"),
            );
            port(svc, "service port", &mut errs);
            continue;
        };
        let lo = port(lo, "port", &mut errs);
        let hi = port(hi, "port", &mut errs);
        let svc = port(svc, "service port", &mut errs);
        let (Some(lo), Some(hi), Some(svc)) = (lo, hi, svc) else {
            continue;
        };
        if lo.value >= hi.value {
            errs.push(
                span.error(format!(
                    "start port {} must be less than end port {}",
                    lo.value, hi.value
                ))
                .with_help("write the lower port first"),
            );
            continue;
        }
        if let Some(prev) = out
            .iter()
            .find(|r| lo.value <= r.end_port.value && r.start_port.value <= hi.value)
        {
            errs.push(
                span.error(format!(
                    "port of listener [{}-{}] overlaps with listener [{}-{}]",
                    lo.value, hi.value, prev.start_port.value, prev.end_port.value
                ))
                .with_help("listener port ranges must not overlap"),
            );
            continue;
        }
        out.push(ListenerPortRange {
            start_port: lo,
            end_port: hi,
            service_port: svc,
        });
    }
    done(out, errs)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::errs;
    use super::super::{Grammar, validate, validate_annotation};
    use super::*;

    const CLB: &[&str] = &["http", "https", "tcp", "udp"];
    const NLB: &[&str] = &["TCP", "UDP", "TCPSSL"];

    #[test]
    fn comma_list() {
        let ok = parse_comma_list("vsw-a,vsw-b").unwrap_or_default();
        assert_eq!(ok.len(), 2);
        assert_eq!((ok[1].start, ok[1].end), (6, 11));
        assert_eq!(
            errs(Grammar::CommaList, "a,,b"),
            vec![(2, 3, "empty item in list".into())]
        );
        assert_eq!(
            errs(Grammar::CommaList, "a,b,"),
            vec![(3, 4, "empty item in list".into())]
        );
        assert_eq!(
            errs(Grammar::CommaList, ",a"),
            vec![(0, 1, "empty item in list".into())]
        );
        assert_eq!(
            errs(Grammar::CommaList, "a, b"),
            vec![(2, 3, "unexpected whitespace".into())]
        );
        assert_eq!(
            errs(Grammar::CommaList, ""),
            vec![(0, 0, "empty list".into())]
        );
    }

    #[test]
    fn proto_ports_valid() {
        let pp = parse_proto_ports("https:443,http:80", CLB, false).unwrap_or_default();
        assert_eq!(pp.len(), 2);
        assert_eq!(pp[0].protocol.value, "https");
        assert_eq!((pp[0].port.start, pp[0].port.end), (6, 9));
        assert_eq!(pp[1].port.value, 80);
        let nlb = parse_proto_ports("tcpssl:443", NLB, true).unwrap_or_default();
        assert_eq!(nlb[0].protocol.value, "TCPSSL");
    }

    /// reference/alibaba.md §8 case 7: `tcp443` and `sctp:80`.
    #[test]
    fn case_7_clb_protocol_port() {
        let g = Grammar::ProtoPortList {
            protocols: CLB,
            ignore_case: false,
        };
        assert_eq!(
            errs(g, "tcp443"),
            vec![(
                0,
                6,
                "port and protocol format must be like 'https:443' with colon separated".into()
            )]
        );
        assert_eq!(
            errs(g, "sctp:80"),
            vec![(
                0,
                4,
                "port protocol format must be either [http|https|tcp|udp]".into()
            )]
        );
        assert_eq!(
            errs(g, "https:443,HTTP:80"),
            vec![(
                10,
                14,
                "port protocol format must be either [http|https|tcp|udp]".into()
            )]
        );
        assert_eq!(
            errs(g, "https:70000"),
            vec![(6, 11, "port must be within [1, 65535], got [70000]".into())]
        );
        assert_eq!(errs(g, "https:443,tcp:443")[0].0, 10);
    }

    /// reference/alibaba.md §8 case 24: NLB rejects `http:80`.
    #[test]
    fn case_24_nlb_protocol_port() {
        let g = Grammar::ProtoPortList {
            protocols: NLB,
            ignore_case: true,
        };
        assert_eq!(
            errs(g, "http:80"),
            vec![(
                0,
                4,
                "port protocol format must be either [TCP|UDP|TCPSSL]".into()
            )]
        );
    }

    /// reference/alibaba.md §8 case 24 (second half): `listener-port-range: "70-90:8080"`.
    #[test]
    fn case_24_listener_port_range() {
        let r = parse_listener_port_ranges("70-90:8080").unwrap_or_default();
        assert_eq!(r[0].start_port.value, 70);
        assert_eq!(r[0].end_port.value, 90);
        assert_eq!(r[0].service_port.value, 8080);
        let g = Grammar::ListenerPortRange;
        assert_eq!(
            errs(g, "90-70:8080"),
            vec![(0, 5, "start port 90 must be less than end port 70".into())]
        );
        assert_eq!(
            errs(g, "70-90:8080,85-95:8081"),
            vec![(
                11,
                16,
                "port of listener [85-95] overlaps with listener [70-90]".into()
            )]
        );
        assert_eq!(
            errs(g, "70-90"),
            vec![(
                0,
                5,
                "listener port range format must be like '70-90:8080'".into()
            )]
        );
        assert_eq!(
            errs(g, "0-90:80"),
            vec![(0, 1, "port must be within [1, 65535], got [0]".into())]
        );
    }

    /// reference/alibaba.md §8 case 10: `backend-label: "k1"`.
    #[test]
    fn case_10_backend_label() {
        let g = Grammar::KeyValueList { bare_keys: false };
        assert_eq!(
            errs(g, "k1"),
            vec![(0, 2, "`k1` is not a `key=value` pair".into())]
        );
        let key = "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-backend-label";
        let e = validate_annotation(key, g, "k1");
        assert_eq!(e[0].message, "parse backend label: k1, [k1=v1,k2=v2]");
        assert!(validate(g, "zone=a").is_empty());
    }

    #[test]
    fn key_values() {
        let kv = parse_key_values("k1=v1,k3=,k4", true).unwrap_or_default();
        assert_eq!(kv.len(), 3);
        assert_eq!(kv[2].value.value, "");
        assert_eq!((kv[0].value.start, kv[0].value.end), (3, 5));
        let g = Grammar::KeyValueList { bare_keys: true };
        assert_eq!(
            errs(g, "a=1,a=2"),
            vec![(4, 5, "key `a` is given twice".into())]
        );
        assert_eq!(errs(g, "=x"), vec![(0, 1, "missing key before `=`".into())]);
    }

    /// reference/alibaba.md §8 case 22: `zone-maps: "cn-hz-a"`.
    #[test]
    fn case_22_zone_maps() {
        let g = Grammar::ZoneMaps;
        assert_eq!(errs(g, "cn-hz-a"), vec![(0, 7, ZONE_FORMAT.into())]);
        assert_eq!(
            errs(g, ""),
            vec![(0, 0, "ParameterMissing, zone mappings are required".into())]
        );
        let z = parse_zone_maps("cn-hz-a:vsw-1,cn-hz-b:vsw-2:10.0.0.5:eip-1").unwrap_or_default();
        assert_eq!(z.len(), 2);
        assert_eq!(
            z[1].ipv4.as_ref().map(|a| a.value),
            Some(Ipv4Addr::new(10, 0, 0, 5))
        );
        assert_eq!(
            z[1].allocation_id.as_ref().map(|a| a.value.as_str()),
            Some("eip-1")
        );
        assert_eq!(
            errs(g, "a:vsw-1:10.0.0.256"),
            vec![(8, 18, "`10.0.0.256` is not an IPv4 address".into())]
        );
        assert_eq!(
            errs(g, "a:vsw-1,a:vsw-2"),
            vec![(8, 9, "zone `a` is mapped twice".into())]
        );
        assert_eq!(errs(g, "a::x"), vec![(0, 4, ZONE_FORMAT.into())]);
    }

    #[test]
    fn vgroup_ports() {
        let v = parse_vgroup_ports("rsp-1:80,rsp-2:443").unwrap_or_default();
        assert_eq!(v[1].vgroup_id.value, "rsp-2");
        let g = Grammar::VgroupPort;
        assert_eq!(
            errs(g, "rsp-1"),
            vec![(
                0,
                5,
                "vgroupid and protocol format must be like 'vsp-xxx:443'".into()
            )]
        );
        assert_eq!(
            errs(g, "rsp-1:http"),
            vec![(6, 10, "port `http` is not an integer".into())]
        );
    }

    /// reference/alibaba.md §8 case 8: `forward-port: "80-443"`.
    #[test]
    fn case_8_forward_port() {
        let g = Grammar::ForwardPort;
        let f = parse_forward_ports("80:443").unwrap_or_default();
        assert_eq!((f[0].http_port.value, f[0].https_port.value), (80, 443));
        assert_eq!(
            errs(g, "80-443"),
            vec![(
                0,
                6,
                "forward port format error: 80-443, expect 80:443,88:6443".into()
            )]
        );
        assert_eq!(
            errs(g, "80:https"),
            vec![(3, 8, "forward port is not an integer".into())]
        );
    }

    #[test]
    fn domain_extensions() {
        let d = parse_domain_extensions("*.a.com:cert-1,b.com:cert-2").unwrap_or_default();
        assert_eq!(d.len(), 2);
        let g = Grammar::DomainExtensions;
        assert_eq!(
            errs(g, "a.com"),
            vec![(0, 5, "invalid domain extension a.com".into())]
        );
        assert_eq!(
            errs(g, "a_b.com:c"),
            vec![(0, 7, "`a_b.com` is not a domain name".into())]
        );
    }

    /// reference/alibaba.md §8 case 55: `backend-weight: "base=50,n1=80,n2=120"`; the
    /// controller would use 100 for n2, which we report at `120`.
    #[test]
    fn case_55_backend_weight() {
        let g = Grammar::BackendWeight;
        let w = parse_backend_weights("base=50,n1=80").unwrap_or_default();
        assert_eq!(w[0].node.value, "base");
        assert_eq!(w[1].weight.value, 80);
        assert_eq!(
            errs(g, "base=50,n1=80,n2=120"),
            vec![(
                17,
                20,
                "weight must be an integer in range [0,100], got [120]".into()
            )]
        );
        assert_eq!(
            errs(g, "base"),
            vec![(0, 4, "backend weight entry `base` has no `=`".into())]
        );
    }

    #[test]
    fn multibyte_items_keep_boundaries() {
        let v = "zoné,x";
        for e in validate(Grammar::ZoneMaps, v) {
            assert!(v.is_char_boundary(e.start) && v.is_char_boundary(e.end));
        }
        let v = "é:80";
        let e = validate(
            Grammar::ProtoPortList {
                protocols: CLB,
                ignore_case: false,
            },
            v,
        );
        assert_eq!((e[0].start, e[0].end), (0, 2));
    }
}
