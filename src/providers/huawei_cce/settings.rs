//! What the CCE controller reads from one LoadBalancer Service, decided once for the model
//! builder and the rules (seed 003, reference §1.1–1.4).
//!
//! Values that do not parse are left out here: the annotation check already reported them
//! with a span inside the value, and the plan falls back to the controller's default for
//! them, as the other attributes must still be shown.

use crate::annotations::grammar::Located;
use crate::annotations::grammar::cce::{
    ElbAutocreate, HealthCheck, HealthProtocol, parse_elb_autocreate, parse_health_check_option,
    parse_health_check_options, parse_session_affinity_option,
};
use crate::annotations::grammar::lists::{ProtoPort, parse_proto_ports};
use crate::ir::{Cluster, PortIr, ServiceIr};
use crate::manifest::decode::StringEntry;
use crate::manifest::profile::{ClusterKind, ClusterProfile, ProxyMode, Version};
use crate::manifest::{Manifest, Object};
use crate::source::{ScalarStyle, Span};

/// The Service port CCE turns into the health-check port instead of a listener
/// (reference §1.1 "Special Service port").
pub const HEALTHZ_PORT_NAME: &str = "cce-healthz";

/// `kubernetes.io/elb.class`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElbClass {
    /// Shared ELB (ELB v2, Terraform `huaweicloud_lb_*`); the default.
    Union,
    /// Dedicated ELB (ELB v3, Terraform `huaweicloud_elb_*`), clusters ≥ v1.17.
    Performance,
}

impl ElbClass {
    pub fn as_str(self) -> &'static str {
        match self {
            ElbClass::Union => "union",
            ElbClass::Performance => "performance",
        }
    }
}

/// The cluster facts CCE rules depend on (from the ClusterProfile, or its defaults).
#[derive(Debug, Clone)]
pub struct ClusterFacts {
    pub version: Version,
    pub kind: ClusterKind,
    pub proxy_mode: ProxyMode,
}

impl ClusterFacts {
    pub fn of(cluster: &Cluster) -> Self {
        let default = ClusterProfile::default();
        let profile = cluster
            .profile
            .and_then(|m| match &m.object {
                Object::ClusterProfile(p) => Some(p),
                _ => None,
            })
            .unwrap_or(&default);
        ClusterFacts {
            version: profile.kubernetes_version(),
            kind: cluster.kind,
            proxy_mode: profile.proxy_mode(),
        }
    }

    /// Whether the cluster is at least `major.minor`.
    pub fn at_least(&self, major: u64, minor: u64) -> bool {
        self.version >= Version::new(major, minor, None)
    }

    pub fn is_turbo(&self) -> bool {
        self.kind == ClusterKind::CceTurbo
    }
}

/// One `elb.protocol-port` entry: an L7 listener for a Service port.
#[derive(Debug, Clone)]
pub struct L7Port {
    /// `http`, `https` or `tls`.
    pub protocol: &'static str,
    pub port: u16,
    /// The entry's port inside the annotation value.
    pub span: Span,
}

/// What CCE reads for one Service.
#[derive(Debug, Clone)]
pub struct CceSettings<'m> {
    pub class: ElbClass,
    pub class_entry: Option<&'m StringEntry>,
    /// `kubernetes.io/elb.id`, when non-empty.
    pub elb_id: Option<&'m StringEntry>,
    pub autocreate_entry: Option<&'m StringEntry>,
    /// The decoded autocreate JSON (`None` when absent or invalid).
    pub autocreate: Option<ElbAutocreate>,
    pub algorithm: &'m str,
    pub algorithm_entry: Option<&'m StringEntry>,
    /// `elb.session-affinity-mode: SOURCE_IP`.
    pub sticky: Option<&'m StringEntry>,
    /// Minutes; 60 when not written.
    pub persistence_timeout: u32,
    /// `elb.health-check-flag` is not `off`.
    pub health_check: bool,
    pub health_option: Option<HealthCheck>,
    pub health_options: Vec<HealthCheck>,
    pub health_entry: Option<&'m StringEntry>,
    pub l7_ports: Vec<L7Port>,
    pub protocol_port_entry: Option<&'m StringEntry>,
    pub cert_id: Option<&'m StringEntry>,
    /// `kubernetes.io/hws-hostNetwork: "true"`.
    pub host_network: bool,
    /// `kubernetes.io/elb.pass-through` is `true` or `onlyLocal`.
    pub pass_through: bool,
    pub adaptive_weight: Option<&'m StringEntry>,
}

impl<'m> CceSettings<'m> {
    pub fn of(service: &ServiceIr<'m>) -> Self {
        let meta = &service.obj.manifest.meta;
        let get = |k: &str| meta.annotations.get(k);
        let class_entry = get(elb!("class"));
        let class = match class_entry.map(|e| e.value.value.as_str()) {
            Some("performance") => ElbClass::Performance,
            _ => ElbClass::Union,
        };
        let autocreate_entry = get(elb!("autocreate"));
        let algorithm_entry = get(elb!("lb-algorithm")).filter(|e| {
            matches!(
                e.value.value.as_str(),
                "ROUND_ROBIN" | "LEAST_CONNECTIONS" | "SOURCE_IP"
            )
        });
        let persistence_timeout = get(elb!("session-affinity-option"))
            .and_then(|e| parse_session_affinity_option(&e.value.value).ok())
            .and_then(|s| s.persistence_timeout.map(|t| t.value))
            .unwrap_or(60);
        let protocol_port_entry = get(elb!("protocol-port"));
        let l7_ports = protocol_port_entry
            .and_then(|e| {
                let list =
                    parse_proto_ports(&e.value.value, &["http", "https", "tls"], false).ok()?;
                Some(
                    list.iter()
                        .map(|p: &ProtoPort| L7Port {
                            protocol: p.protocol.value,
                            port: p.port.value,
                            span: inner_span(e, p.port.start, p.port.end),
                        })
                        .collect(),
                )
            })
            .unwrap_or_default();
        let one = get(elb!("health-check-option"));
        let many = get(elb!("health-check-options"));
        CceSettings {
            class,
            class_entry,
            elb_id: get(elb!("id")).filter(|e| !e.value.value.trim().is_empty()),
            autocreate_entry,
            autocreate: autocreate_entry.and_then(|e| parse_elb_autocreate(&e.value.value).ok()),
            algorithm: algorithm_entry.map_or("ROUND_ROBIN", |e| e.value.value.as_str()),
            algorithm_entry,
            sticky: get(elb!("session-affinity-mode")).filter(|e| e.value.value == "SOURCE_IP"),
            persistence_timeout,
            health_check: get(elb!("health-check-flag")).is_none_or(|e| e.value.value != "off"),
            health_option: one.and_then(|e| parse_health_check_option(&e.value.value).ok()),
            health_options: many
                .and_then(|e| parse_health_check_options(&e.value.value).ok())
                .unwrap_or_default(),
            health_entry: many.or(one),
            l7_ports,
            protocol_port_entry,
            cert_id: get(elb!("cert-id")).filter(|e| !e.value.value.trim().is_empty()),
            host_network: get("kubernetes.io/hws-hostNetwork")
                .is_some_and(|e| e.value.value == "true"),
            pass_through: get(elb!("pass-through"))
                .is_some_and(|e| matches!(e.value.value.as_str(), "true" | "onlyLocal")),
            adaptive_weight: get(elb!("adaptive-weight")).filter(|e| e.value.value == "true"),
        }
    }

    /// Whether CCE creates the ELB (and deletes it with the Service).
    pub fn auto_created(&self) -> bool {
        self.autocreate_entry.is_some()
    }

    /// Whether the auto-created ELB gets an EIP (`"type": "public"`).
    pub fn public(&self) -> bool {
        self.autocreate
            .as_ref()
            .is_some_and(ElbAutocreate::is_public)
    }

    /// The L7 protocol `elb.protocol-port` gives Service port `port`, if any.
    pub fn l7_protocol(&self, port: i64) -> Option<&'static str> {
        self.l7_ports
            .iter()
            .find(|p| i64::from(p.port) == port)
            .map(|p| p.protocol)
    }

    /// The health check configured for `port` (per-port entry first, then the one for
    /// every port); `None` means the defaults.
    pub fn health_for(&self, port: &PortIr) -> Option<&HealthCheck> {
        self.health_options
            .iter()
            .find(|h| {
                h.target_service_port.as_ref().is_some_and(|t| {
                    i64::from(t.port) == port.number && t.protocol == port.protocol.value.as_str()
                })
            })
            .or(self.health_option.as_ref())
    }
}

/// The listener ports of a Service: every TCP or UDP port except the `cce-healthz` one
/// (ELB listeners are TCP/UDP; SCTP ports are refused by the rules, LBP7221).
pub fn listener_ports<'a, 'm>(service: &'a ServiceIr<'m>) -> impl Iterator<Item = &'a PortIr<'m>> {
    service
        .ports
        .iter()
        .filter(|p| !is_healthz(p) && p.protocol.value != crate::ir::Protocol::Sctp)
}

/// Whether `port` is the `cce-healthz` health-check port.
pub fn is_healthz(port: &PortIr) -> bool {
    port.port
        .name
        .as_ref()
        .is_some_and(|n| n.value == HEALTHZ_PORT_NAME)
}

/// The health monitor protocol for `port` when the annotation names none: CCE derives it
/// from the protocol of `spec.ports[0]` (reference §1.3), TCP → TCP, else UDP_CONNECT.
pub fn default_monitor_protocol(service: &ServiceIr) -> HealthProtocol {
    match service.ports.first().map(|p| p.protocol.value) {
        Some(crate::ir::Protocol::Udp) => HealthProtocol::UdpConnect,
        _ => HealthProtocol::Tcp,
    }
}

pub fn monitor_protocol_str(p: HealthProtocol) -> &'static str {
    match p {
        HealthProtocol::Tcp => "TCP",
        HealthProtocol::UdpConnect => "UDP_CONNECT",
        HealthProtocol::Http => "HTTP",
    }
}

/// The file span of bytes `start..end` of an annotation's decoded value, when the value is
/// written on one line without escapes (the usual case); else the whole value.
pub fn inner_span(entry: &StringEntry, start: usize, end: usize) -> Span {
    let whole = entry.value.span;
    let text_len = entry.value.value.len() as u32;
    let written = whole.end.saturating_sub(whole.start);
    let offset = match entry.style {
        ScalarStyle::Plain if written == text_len => 0,
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted if written == text_len + 2 => 1,
        _ => return whole,
    };
    let (s, e) = (start.min(end) as u32, end.max(start) as u32);
    if e > text_len {
        return whole;
    }
    Span {
        file: whole.file,
        start: whole.start + offset + s,
        end: whole.start + offset + e,
    }
}

/// The span of a located JSON token inside an annotation value (see [`inner_span`]).
pub fn located_span<T>(entry: &StringEntry, l: &Located<T>) -> Span {
    inner_span(entry, l.start, l.end)
}

/// The Service's name, for pointing at the object as a whole.
pub fn name_span(m: &Manifest) -> Span {
    m.meta.name.as_ref().map_or(m.span, |n| n.span)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::decode::Spanned;
    use crate::source::FileId;

    fn entry(value: &str, style: ScalarStyle, written: u32) -> StringEntry {
        let span = Span {
            file: FileId(0),
            start: 10,
            end: 10 + written,
        };
        StringEntry::new(
            Spanned::new("k".into(), span),
            Spanned::new(value.into(), span),
            style,
        )
    }

    /// Offsets inside a one-line value map to the file; anything else falls back to the
    /// whole value, never to a wrong place.
    #[test]
    fn inner_spans() {
        let plain = entry("https:443", ScalarStyle::Plain, 9);
        assert_eq!(inner_span(&plain, 6, 9).start, 16);
        let quoted = entry("https:443", ScalarStyle::DoubleQuoted, 11);
        let s = inner_span(&quoted, 6, 9);
        assert_eq!((s.start, s.end), (17, 20));
        let folded = entry("https:443", ScalarStyle::SingleQuoted, 15);
        assert_eq!(inner_span(&folded, 6, 9), folded.value.span);
    }
}
