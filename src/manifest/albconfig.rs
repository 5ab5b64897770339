//! `alibabacloud.com/v1` AlbConfig (cluster-scoped): one Application Load Balancer and its
//! listeners, shared by the Ingresses whose IngressClass names it (reference §4.1, §4.3).
//!
//! Field names follow the ALB controller's Go types (`pkg/apis/alibabacloud/v1`). Values
//! are kept as written; the defaults the controller applies when a field is absent are
//! accessor methods ([`AlbLoadBalancer::address_type`], [`AlbListener::port_number`], …),
//! each citing reference §4.3.

use std::collections::HashMap;

use super::Boxed;
use super::decode::{Ctx, Fields, IntOrString, Spanned, Text, int_or_string_of};
use super::decode::{not_one_of, required_missing};
use crate::diag::Diagnostic;
use crate::source::{Node, Span};

/// A [`AlbConfigBody`] on the heap: see [`Boxed`].
pub type AlbConfig = Boxed<AlbConfigBody>;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct AlbConfigBody {
    /// `spec.config`: the load balancer itself.
    pub config: Option<AlbLoadBalancer>,
    /// `spec.listeners[]`, in order.
    pub listeners: Vec<AlbListener>,
    pub spec_span: Option<Span>,
    /// Span of the `listeners` key, if written.
    pub listeners_span: Option<Span>,
    /// `status.loadBalancer.id`: the ALB already created for this AlbConfig.
    pub status_id: Option<Spanned<Text>>,
    pub status_dns_name: Option<Spanned<Text>>,
    /// `status.loadBalancer.subClusters` (ACK One: member clusters connected, seed 004).
    pub status_sub_clusters: Vec<Spanned<Text>>,
}

/// `spec.config`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AlbLoadBalancer {
    pub span: Span,
    /// Reuse an existing ALB instead of creating one.
    pub id: Option<Spanned<Text>>,
    pub name: Option<Spanned<Text>>,
    /// As written (the API compares it case-insensitively); see [`Self::address_type`].
    pub address_type: Option<Spanned<Text>>,
    pub address_allocated_mode: Option<Spanned<Text>>,
    pub address_ip_version: Option<Spanned<Text>>,
    pub ipv6_address_type: Option<Spanned<Text>>,
    pub edition: Option<Spanned<Text>>,
    pub zone_mappings: Vec<ZoneMapping>,
    /// Span of the `zoneMappings` key, if written.
    pub zone_mappings_span: Option<Span>,
    pub pay_type: Option<Spanned<Text>>,
    pub bandwidth_package_id: Option<Spanned<Text>>,
    pub deletion_protection_enabled: Option<Spanned<bool>>,
    pub resource_group_id: Option<Spanned<Text>>,
    pub tags: Vec<AlbTag>,
    pub access_log_project: Option<Spanned<Text>>,
    pub access_log_store: Option<Spanned<Text>>,
    pub force_override: Option<Spanned<bool>>,
    pub listener_force_override: Option<Spanned<bool>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ZoneMapping {
    pub span: Span,
    /// `spec.config.zoneMappings[i]`, for messages.
    pub path: String,
    /// Required.
    pub v_switch_id: Option<Spanned<Text>>,
    /// Resolved from the vSwitch when absent.
    pub zone_id: Option<Spanned<Text>>,
    /// An existing EIP to bind in this zone.
    pub allocation_id: Option<Spanned<Text>>,
    pub eip_type: Option<Spanned<Text>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AlbTag {
    pub span: Span,
    pub key: Option<Spanned<Text>>,
    pub value: Option<Spanned<Text>>,
}

/// One `spec.listeners[]` entry. Its identity is (port, protocol).
#[derive(Debug, Clone, PartialEq)]
pub struct AlbListener {
    pub span: Span,
    /// `spec.listeners[i]`, for messages.
    pub path: String,
    pub port: Option<Spanned<IntOrString>>,
    pub protocol: Option<Spanned<Text>>,
    pub idle_timeout: Option<Spanned<i64>>,
    pub request_timeout: Option<Spanned<i64>>,
    pub description: Option<Spanned<Text>>,
    pub gzip_enabled: Option<Spanned<bool>>,
    pub http2_enabled: Option<Spanned<bool>>,
    pub security_policy_id: Option<Spanned<Text>>,
    pub certificates: Vec<AlbCertificate>,
    pub ca_certificates: Vec<AlbCertificate>,
    pub ca_enabled: Option<Spanned<bool>>,
}

/// An entry of `certificates` / `caCertificates` (capitalised keys, as in the Go type).
#[derive(Debug, Clone, PartialEq)]
pub struct AlbCertificate {
    pub span: Span,
    pub certificate_id: Option<Spanned<Text>>,
    pub is_default: Option<Spanned<bool>>,
}

impl AlbLoadBalancer {
    /// `Internet` when unset (reference §4.3). The API accepts any case; compare with
    /// [`Self::is_internet`].
    pub fn address_type(&self) -> &str {
        self.address_type
            .as_ref()
            .map_or("Internet", |v| v.value.as_str())
    }
    /// Internet-facing (EIPs per zone) rather than VPC-internal.
    pub fn is_internet(&self) -> bool {
        self.address_type().eq_ignore_ascii_case("Internet")
    }
    /// `Dynamic` when unset (reference §4.3).
    pub fn address_allocated_mode(&self) -> &str {
        self.address_allocated_mode
            .as_ref()
            .map_or("Dynamic", |v| v.value.as_str())
    }
    /// `IPv4` when unset (reference §4.3).
    pub fn address_ip_version(&self) -> &str {
        self.address_ip_version
            .as_ref()
            .map_or("IPv4", |v| v.value.as_str())
    }
    /// `Intranet` when unset (reference §4.3; only meaningful with `DualStack`).
    pub fn ipv6_address_type(&self) -> &str {
        self.ipv6_address_type
            .as_ref()
            .map_or("Intranet", |v| v.value.as_str())
    }
    /// `Standard` when unset (reference §4.3).
    pub fn edition(&self) -> &str {
        self.edition
            .as_ref()
            .map_or("Standard", |v| v.value.as_str())
    }
    /// `PostPay`, the only valid value (reference §4.3).
    pub fn pay_type(&self) -> &str {
        self.pay_type
            .as_ref()
            .map_or("PostPay", |v| v.value.as_str())
    }
    /// Always true: the ALB controller creates every ALB with deletion protection on and
    /// treats `deletionProtectionEnabled` as reserved (reference §4.3).
    pub fn deletion_protection(&self) -> bool {
        true
    }
    /// `forceOverride`, false when unset: whether a reused ALB's attributes are updated.
    pub fn force_override(&self) -> bool {
        self.force_override.as_ref().is_some_and(|v| v.value)
    }
    /// `listenerForceOverride`, false when unset: whether a reused ALB's listeners are taken over.
    pub fn listener_force_override(&self) -> bool {
        self.listener_force_override
            .as_ref()
            .is_some_and(|v| v.value)
    }
    /// True when `config.id` reuses an existing ALB (no zone mappings are built then).
    pub fn is_reused(&self) -> bool {
        self.id.as_ref().is_some_and(|i| !i.value.is_empty())
    }
}

impl AlbListener {
    /// The port: 80 when unset, a numeric string read as its number; `None` when the
    /// string is not a number (reported at decode time).
    pub fn port_number(&self) -> Option<i64> {
        match self.port.as_ref().map(|p| &p.value) {
            None => Some(80),
            Some(IntOrString::Int(i)) => Some(*i),
            Some(IntOrString::Str(s)) => s.trim().parse().ok(),
        }
    }
    /// `HTTP` when unset (reference §4.3).
    pub fn protocol_name(&self) -> &str {
        self.protocol.as_ref().map_or("HTTP", |p| p.value.as_str())
    }
    /// Seconds; 0 or unset means 15 (reference §4.3).
    pub fn idle_timeout(&self) -> i64 {
        positive_or(self.idle_timeout.as_ref(), 15)
    }
    /// Seconds; 0 or unset means 60 (reference §4.3).
    pub fn request_timeout(&self) -> i64 {
        positive_or(self.request_timeout.as_ref(), 60)
    }
    /// The listener description; the ALB controller's default is
    /// `ingress-auto-listener-<port>` (reference §4.3; the old CCM used `ls-<port>`).
    pub fn description(&self) -> String {
        match &self.description {
            Some(d) if !d.value.is_empty() => d.value.to_string(),
            _ => format!("ingress-auto-listener-{}", self.port_number().unwrap_or(80)),
        }
    }
    /// Gzip; on when unset (reference §4.3).
    pub fn gzip(&self) -> bool {
        self.gzip_enabled.as_ref().is_none_or(|v| v.value)
    }
    /// HTTP/2 (HTTPS listeners only); on when unset (reference §4.3).
    pub fn http2(&self) -> bool {
        self.protocol_name() == "HTTPS" && self.http2_enabled.as_ref().is_none_or(|v| v.value)
    }
    /// The TLS policy of an HTTPS listener: `tls_cipher_policy_1_0` when unset
    /// (reference §4.3); `None` for HTTP.
    pub fn security_policy_id(&self) -> Option<&str> {
        match &self.security_policy_id {
            Some(s) if !s.value.is_empty() => Some(s.value.as_str()),
            _ if self.protocol_name() == "HTTPS" => Some("tls_cipher_policy_1_0"),
            _ => None,
        }
    }
}

fn positive_or(v: Option<&Spanned<i64>>, default: i64) -> i64 {
    v.map(|v| v.value).filter(|v| *v > 0).unwrap_or(default)
}

/// Fields of a listener, which users put under `spec.config` by mistake.
const LISTENER_FIELDS: &[&str] = &[
    "requestTimeout",
    "idleTimeout",
    "gzipEnabled",
    "http2Enabled",
    "securityPolicyId",
    "certificates",
    "caCertificates",
    "caEnabled",
    "xForwardedForConfig",
    "quicConfig",
    "logConfig",
    "aclConfig",
    "defaultActions",
    "port",
    "protocol",
];

pub fn decode(ctx: &mut Ctx, f: &mut Fields, _node: &Node) -> AlbConfigBody {
    let mut out = AlbConfigBody::default();
    if let Some(mut spec) = f.map(ctx, "spec") {
        out.spec_span = Some(spec.node().span);
        if let Some(mut config) = spec.map(ctx, "config") {
            out.config = Some(decode_config(ctx, &mut config));
            config.finish(ctx);
        }
        out.listeners_span = spec.key_span("listeners");
        for (path, n) in spec.list(ctx, "listeners") {
            if let Some(l) = decode_listener(ctx, n, path) {
                out.listeners.push(l);
            }
        }
        spec.finish(ctx);
        check_duplicate_listeners(ctx, &out.listeners);
    }
    if let Some(mut status) = f.map(ctx, "status") {
        if let Some(mut lb) = status.map(ctx, "loadBalancer") {
            out.status_id = lb.string(ctx, "id");
            out.status_dns_name = lb.string(ctx, "dnsname");
            out.status_sub_clusters = lb.strings(ctx, "subClusters");
            lb.accept(&["listeners"]);
            lb.finish(ctx);
        }
        status.finish(ctx);
    }
    out
}

fn decode_config(ctx: &mut Ctx, c: &mut Fields) -> AlbLoadBalancer {
    let mut lb = AlbLoadBalancer {
        span: c.node().span,
        id: c.string(ctx, "id"),
        name: c.string(ctx, "name"),
        address_type: c.string(ctx, "addressType"),
        address_allocated_mode: c.string(ctx, "addressAllocatedMode"),
        address_ip_version: c.string(ctx, "addressIpVersion"),
        ipv6_address_type: c.string(ctx, "ipv6AddressType"),
        edition: c.string(ctx, "edition"),
        deletion_protection_enabled: c.bool(ctx, "deletionProtectionEnabled"),
        resource_group_id: c.string(ctx, "resourceGroupId"),
        force_override: c.bool(ctx, "forceOverride"),
        listener_force_override: c.bool(ctx, "listenerForceOverride"),
        zone_mappings_span: c.key_span("zoneMappings"),
        ..AlbLoadBalancer::default()
    };
    for (path, n) in c.list(ctx, "zoneMappings") {
        let Some(mut z) = Fields::new(ctx, n, &path) else {
            continue;
        };
        let zm = ZoneMapping {
            span: n.span,
            v_switch_id: z.string(ctx, "vSwitchId"),
            zone_id: z.string(ctx, "zoneId"),
            allocation_id: z.string(ctx, "allocationId"),
            eip_type: z.string(ctx, "eipType"),
            path: path.clone(),
        };
        z.finish(ctx);
        if zm.v_switch_id.as_ref().is_none_or(|v| v.value.is_empty())
            && n.get("vSwitchId")
                .and_then(Node::as_str)
                .is_none_or(str::is_empty)
        {
            ctx.push(required_missing(
                n.span,
                &format!("{path}.vSwitchId"),
                "each zone mapping names a vSwitch, e.g. `- vSwitchId: vsw-xxx`; the zone is derived from it",
            ));
        }
        lb.zone_mappings.push(zm);
    }
    if let Some(mut b) = c.map(ctx, "billingConfig") {
        lb.pay_type = b.string(ctx, "payType");
        lb.bandwidth_package_id = b.string(ctx, "bandWidthPackageId");
        b.accept(&["internetBandwidth", "internetChargeType"]);
        b.finish(ctx);
    }
    if let Some(mut a) = c.map(ctx, "accessLogConfig") {
        lb.access_log_project = a.string(ctx, "logProject");
        lb.access_log_store = a.string(ctx, "logStore");
        a.finish(ctx);
    }
    for (path, n) in c.list(ctx, "tags") {
        if let Some(mut t) = Fields::new(ctx, n, &path) {
            lb.tags.push(AlbTag {
                span: n.span,
                key: t.string(ctx, "key"),
                value: t.string(ctx, "value"),
            });
            t.finish(ctx);
        }
    }
    c.accept(&["modificationProtectionConfig"]);
    misplaced_listener_fields(ctx, c);

    // Enumerations (reference §4.3). `addressType` is compared case-insensitively by the API.
    if let Some(v) = &lb.address_type {
        let canonical = ["Internet", "Intranet"]
            .into_iter()
            .find(|a| a.eq_ignore_ascii_case(&v.value));
        if canonical.is_none() {
            push_opt(
                ctx,
                not_one_of(v, "spec.config.addressType", &["Internet", "Intranet"]),
            );
        }
    }
    let enums: [EnumField; 5] = [
        (
            &lb.address_allocated_mode,
            "spec.config.addressAllocatedMode",
            &["Fixed", "Dynamic"],
        ),
        (
            &lb.address_ip_version,
            "spec.config.addressIpVersion",
            &["IPv4", "DualStack"],
        ),
        (
            &lb.ipv6_address_type,
            "spec.config.ipv6AddressType",
            &["Internet", "Intranet"],
        ),
        (
            &lb.edition,
            "spec.config.edition",
            &["Standard", "StandardWithWaf", "Basic"],
        ),
        (
            &lb.pay_type,
            "spec.config.billingConfig.payType",
            &["PostPay"],
        ),
    ];
    for (v, path, allowed) in enums {
        if let Some(v) = v {
            push_opt(ctx, not_one_of(v, path, allowed));
        }
    }
    lb
}

/// Listener settings written under `spec.config` are unknown there; say where they belong
/// instead of the generic did-you-mean. `requestTimeout` is the famous one: the controller
/// then fails with the opaque "ListenerId is mandatory" (alibaba/alibaba-load-balancer-controller#7).
fn misplaced_listener_fields(ctx: &mut Ctx, c: &mut Fields) {
    let misplaced: Vec<(&'static str, Span)> = LISTENER_FIELDS
        .iter()
        .chain(["listeners"].iter())
        .filter_map(|k| c.key_span(k).map(|s| (*k, s)))
        .collect();
    for (key, span) in misplaced {
        c.accept(&[key]);
        let help = match key {
            "requestTimeout" => "`requestTimeout` is a listener setting: move it into each entry of `spec.listeners[]` (e.g. `- {port: 80, protocol: HTTP, requestTimeout: 60}`); under `spec.config` it is ignored and the ALB controller fails with \"ListenerId is mandatory\" (alibaba/alibaba-load-balancer-controller#7)".to_string(),
            "listeners" => "`listeners` is a sibling of `config`: move it up one level, to `spec.listeners`".to_string(),
            _ => format!("`{key}` is a listener setting: move it into the entries of `spec.listeners[]`"),
        };
        ctx.push(
            Diagnostic::warning("LBP3101", format!("unknown field `spec.config.{key}`"))
                .with_primary(span, "not a field of the load balancer config")
                .with_help(help),
        );
    }
}

fn decode_listener(ctx: &mut Ctx, node: &Node, path: String) -> Option<AlbListener> {
    let mut f = Fields::new(ctx, node, &path)?;
    let port = f
        .take("port")
        .and_then(|n| int_or_string_of(ctx, n, &format!("{path}.port")));
    let cert_list = |ctx: &mut Ctx, f: &mut Fields, key: &'static str| {
        let mut out = Vec::new();
        for (cpath, n) in f.list(ctx, key) {
            if let Some(mut c) = Fields::new(ctx, n, &cpath) {
                out.push(AlbCertificate {
                    span: n.span,
                    certificate_id: c.string(ctx, "CertificateId"),
                    is_default: c.bool(ctx, "IsDefault"),
                });
                c.finish(ctx);
            }
        }
        out
    };
    let l = AlbListener {
        span: node.span,
        port,
        protocol: f.string(ctx, "protocol"),
        idle_timeout: f.int(ctx, "idleTimeout"),
        request_timeout: f.int(ctx, "requestTimeout"),
        description: f.string(ctx, "description"),
        gzip_enabled: f.bool(ctx, "gzipEnabled"),
        http2_enabled: f.bool(ctx, "http2Enabled"),
        security_policy_id: f.string(ctx, "securityPolicyId"),
        certificates: cert_list(ctx, &mut f, "certificates"),
        ca_certificates: cert_list(ctx, &mut f, "caCertificates"),
        ca_enabled: f.bool(ctx, "caEnabled"),
        path: path.clone(),
    };
    f.accept(&[
        "xForwardedForConfig",
        "quicConfig",
        "logConfig",
        "aclConfig",
        "defaultActions",
        "loadBalancerId",
    ]);
    f.finish(ctx);
    if let Some(p) = &l.port {
        let ok = l.port_number().is_some_and(|n| (1..=65535).contains(&n));
        if !ok {
            let shown = match &p.value {
                IntOrString::Int(i) => i.to_string(),
                IntOrString::Str(s) => format!("\"{s}\""),
            };
            ctx.push(
                Diagnostic::error(
                    "LBP2010",
                    format!(
                        "`{path}.port` must be a port number between 1 and 65535, found {shown}"
                    ),
                )
                .with_primary(p.span, "not a valid listener port")
                .with_help("write the port as a number, e.g. `port: 443`"),
            );
        }
    }
    if let Some(p) = &l.protocol {
        push_opt(
            ctx,
            not_one_of(p, &format!("{path}.protocol"), &["HTTP", "HTTPS", "QUIC"]),
        );
    }
    Some(l)
}

/// LBP2103: listeners are identified by (port, protocol); a second entry with the same pair
/// is merged into the first by the controller and its settings are lost.
fn check_duplicate_listeners(ctx: &mut Ctx, listeners: &[AlbListener]) {
    let mut seen: HashMap<(i64, String), &AlbListener> = HashMap::new();
    for l in listeners {
        let Some(port) = l.port_number() else {
            continue;
        };
        let key = (port, l.protocol_name().to_string());
        match seen.get(&key) {
            Some(first) => {
                let at = |x: &AlbListener| x.port.as_ref().map_or(x.span, |p| p.span);
                ctx.push(
                    Diagnostic::error(
                        "LBP2103",
                        format!("duplicate listener {}:{port} in `spec.listeners`", key.1),
                    )
                    .with_primary(at(l), format!("{}:{port} is defined again here", key.1))
                    .with_secondary(at(first), "first defined here")
                    .with_help(
                        "merge the two entries: a listener is identified by its port and protocol",
                    ),
                );
            }
            None => {
                seen.insert(key, l);
            }
        }
    }
}

/// (value, path for messages, allowed values) of an enumerated config field.
type EnumField<'a> = (
    &'a Option<Spanned<Text>>,
    &'static str,
    &'static [&'static str],
);

fn push_opt(ctx: &mut Ctx, d: Option<Diagnostic>) {
    if let Some(d) = d {
        ctx.push(d);
    }
}

#[cfg(test)]
mod tests {
    use crate::compile::validate_text;
    use crate::diag::Diagnostic;
    use crate::manifest::Object;

    /// Seed 004, "Step 1" gateway.yaml: the ACK One multi-cluster AlbConfig (the
    /// `${…}` placeholders replaced by example values).
    const SEED_004: &str = r#"
apiVersion: alibabacloud.com/v1
kind: AlbConfig
metadata:
  name: ackone-gateway-demo
  annotations:
    alb.ingress.kubernetes.io/remote-clusters: c6a1,c6a2
spec:
  config:
    name: one-alb-demo
    addressType: Internet
    addressAllocatedMode: Fixed
    zoneMappings:
    - vSwitchId: vsw-id1
    - vSwitchId: vsw-id2
  listeners:
  - port: 8001
    protocol: HTTP
"#;

    fn decode(text: &str) -> (super::AlbConfig, Vec<Diagnostic>) {
        let c = validate_text("alb.yaml", text);
        let m = c.manifests.into_iter().next().expect("one manifest");
        let Object::AlbConfig(a) = m.object else {
            panic!("not an AlbConfig")
        };
        (a, c.diagnostics.into_vec())
    }

    #[test]
    fn seed_004_albconfig_round_trips_with_defaults() {
        let (a, diags) = decode(SEED_004);
        assert!(diags.is_empty(), "{diags:?}");
        let cfg = a.config.as_ref().expect("config");
        assert_eq!(
            cfg.name.as_ref().map(|n| n.value.as_str()),
            Some("one-alb-demo")
        );
        assert!(cfg.is_internet());
        assert_eq!(cfg.address_allocated_mode(), "Fixed");
        assert_eq!(cfg.address_ip_version(), "IPv4");
        assert_eq!(cfg.edition(), "Standard");
        assert_eq!(cfg.pay_type(), "PostPay");
        assert!(!cfg.force_override() && !cfg.is_reused() && cfg.deletion_protection());
        assert_eq!(cfg.zone_mappings.len(), 2);
        let l = &a.listeners[0];
        assert_eq!(l.port_number(), Some(8001));
        assert_eq!(l.protocol_name(), "HTTP");
        assert_eq!(l.idle_timeout(), 15);
        assert_eq!(l.request_timeout(), 60);
        assert_eq!(l.description(), "ingress-auto-listener-8001");
        assert!(l.gzip() && !l.http2());
        assert_eq!(l.security_policy_id(), None);
    }

    #[test]
    fn listener_defaults_and_https_settings() {
        let text = SEED_004.replace(
            "  - port: 8001\n    protocol: HTTP\n",
            "  - {}\n  - port: \"443\"\n    protocol: HTTPS\n    requestTimeout: 30\n    certificates: [{CertificateId: 123-cn-hangzhou, IsDefault: true}]\n",
        );
        let (a, diags) = decode(&text);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(a.listeners[0].port_number(), Some(80));
        let https = &a.listeners[1];
        assert_eq!(https.port_number(), Some(443));
        assert!(https.http2());
        assert_eq!(https.request_timeout(), 30);
        assert_eq!(https.security_policy_id(), Some("tls_cipher_policy_1_0"));
        assert_eq!(https.certificates.len(), 1);
    }

    #[test]
    fn address_type_is_case_insensitive_but_other_enums_are_checked() {
        let (a, diags) =
            decode(&SEED_004.replace("addressType: Internet", "addressType: intranet"));
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(
            a.config.as_ref().map(|c| c.address_type()),
            Some("intranet")
        );
        assert!(!a.config.as_ref().is_some_and(|c| c.is_internet()));
        let (_, diags) = decode(&SEED_004.replace("addressType: Internet", "addressType: Public"));
        assert!(diags.iter().any(|d| d.code == "LBP1105"));
        let (_, diags) =
            decode(&SEED_004.replace("addressAllocatedMode: Fixed", "addressAllocatedMode: fixed"));
        let d = diags.iter().find(|d| d.code == "LBP1105").expect("enum");
        assert!(
            d.help
                .as_deref()
                .unwrap_or("")
                .contains("did you mean `Fixed`")
        );
        let (_, diags) = decode(&SEED_004.replace("protocol: HTTP", "protocol: HTTPX"));
        assert!(
            diags
                .iter()
                .any(|d| d.code == "LBP1105" && d.message.contains("protocol"))
        );
    }

    #[test]
    fn duplicate_listeners_are_an_error() {
        let text = SEED_004.replace(
            "  - port: 8001\n    protocol: HTTP\n",
            "  - port: 80\n  - port: 80\n    protocol: HTTP\n  - port: 80\n    protocol: HTTPS\n",
        );
        let (_, diags) = decode(&text);
        let dups: Vec<_> = diags.iter().filter(|d| d.code == "LBP2103").collect();
        assert_eq!(dups.len(), 1, "{diags:?}");
        assert_eq!(dups[0].labels.len(), 2);
    }

    #[test]
    fn request_timeout_under_config_says_where_it_belongs() {
        let text = SEED_004.replace(
            "    name: one-alb-demo\n",
            "    name: one-alb-demo\n    requestTimeout: 120\n",
        );
        let (_, diags) = decode(&text);
        let d = diags.iter().find(|d| d.code == "LBP3101").expect("warning");
        let help = d.help.as_deref().unwrap_or("");
        assert!(
            help.contains("spec.listeners[]") && help.contains("#7"),
            "{help}"
        );
        let (_, diags) =
            decode(&SEED_004.replace("    name: one-alb-demo\n", "    nmae: one-alb-demo\n"));
        let d = diags.iter().find(|d| d.code == "LBP3101").expect("warning");
        assert!(d.help.as_deref().unwrap_or("").contains("`name`"));
    }

    #[test]
    fn zone_mapping_needs_a_vswitch_and_ports_are_checked() {
        let text = SEED_004
            .replace(
                "    - vSwitchId: vsw-id2\n",
                "    - zoneId: cn-hangzhou-k\n",
            )
            .replace("port: 8001", "port: http");
        let (_, diags) = decode(&text);
        assert!(
            diags
                .iter()
                .any(|d| d.code == "LBP1104" && d.message.contains("vSwitchId"))
        );
        assert!(diags.iter().any(|d| d.code == "LBP2010"));
    }
}
