//! `lbplan/v1` ClusterProfile: what the manifests cannot say about the cluster (SPEC §1).
//! Field names are public contract:
//!
//! ```yaml
//! apiVersion: lbplan/v1
//! kind: ClusterProfile
//! metadata: {name: edge-prod}
//! spec:
//!   cloud: alibaba                 # alibaba | huawei
//!   clusterKind: ack-edge          # ack-edge | ack | ack-one-fleet | cce | cce-turbo
//!   clusterId: c4f1e2d3a4b5c6d7e
//!   kubernetesVersion: "1.30"
//!   region: cn-hangzhou
//!   components: {ecm: "2.1.0"}
//!   network: {plugin: flannel, proxyMode: iptables, expressConnect: true}
//!   members:                       # ack-one-fleet only
//!   - {clusterId: c6a1, path: clusters/c6a1}
//! ```
//!
//! Every field is optional. Absent fields take the defaults documented on the accessors of
//! [`ClusterProfile`]; [`ClusterProfileBody::default_notes`] lists the ones assumed so that a
//! later stage can tell the user.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;

use super::Boxed;
use super::decode::{Ctx, Fields, Spanned, Text, string_of};
use super::decode::{not_one_of, required_missing};
use crate::diag::Diagnostic;
use crate::source::offsets::ValueLocator;
use crate::source::{Node, Span};

/// Kubernetes version assumed when `kubernetesVersion` is absent: a currently supported
/// ACK/CCE release, recent enough that no version-gated feature is refused by default.
pub const DEFAULT_KUBERNETES_VERSION: &str = "1.30";
/// ECM version assumed when `components.ecm` is absent: the first release with multi-region
/// ELB support (seed 000 prerequisite), so the ELB flow is planned rather than refused.
pub const DEFAULT_ECM_VERSION: &str = "2.1.0";
/// Cluster id assumed when `clusterId` is absent: a visible placeholder, since cloud-side
/// names embed the id (`k8s/<svc>/<ns>/<pool>/<clusterId>`).
pub const DEFAULT_CLUSTER_ID: &str = "<cluster-id>";
/// Network plugin assumed when absent: Flannel, the ACK Edge default; it also makes the
/// conservative assumption that pods are not reachable by VPC IP.
pub const DEFAULT_NETWORK_PLUGIN: &str = "flannel";

/// The cloud the cluster runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Cloud {
    Alibaba,
    Huawei,
}

impl Cloud {
    pub const ALL: [&'static str; 2] = ["alibaba", "huawei"];
    pub fn as_str(self) -> &'static str {
        match self {
            Cloud::Alibaba => "alibaba",
            Cloud::Huawei => "huawei",
        }
    }
    /// The product name, for messages.
    pub fn display_name(self) -> &'static str {
        match self {
            Cloud::Alibaba => "Alibaba Cloud",
            Cloud::Huawei => "Huawei Cloud",
        }
    }
    pub fn parse(s: &str) -> Option<Cloud> {
        match s {
            "alibaba" => Some(Cloud::Alibaba),
            "huawei" => Some(Cloud::Huawei),
            _ => None,
        }
    }
}

/// The kind of cluster, which decides the controllers that build load balancers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ClusterKind {
    /// ACK Edge: OpenYurt NodePools, ECM builds ELBs for ENS pools.
    AckEdge,
    /// ACK: CCM builds CLB/NLB.
    Ack,
    /// ACK One fleet: the ALB multi-cluster gateway over member clusters.
    AckOneFleet,
    /// Huawei CCE.
    Cce,
    /// Huawei CCE Turbo (ENI pods; only `Cluster` traffic policy).
    CceTurbo,
}

impl ClusterKind {
    pub const ALL: [&'static str; 5] = ["ack-edge", "ack", "ack-one-fleet", "cce", "cce-turbo"];
    pub fn as_str(self) -> &'static str {
        match self {
            ClusterKind::AckEdge => "ack-edge",
            ClusterKind::Ack => "ack",
            ClusterKind::AckOneFleet => "ack-one-fleet",
            ClusterKind::Cce => "cce",
            ClusterKind::CceTurbo => "cce-turbo",
        }
    }
    pub fn parse(s: &str) -> Option<ClusterKind> {
        Some(match s {
            "ack-edge" => ClusterKind::AckEdge,
            "ack" => ClusterKind::Ack,
            "ack-one-fleet" => ClusterKind::AckOneFleet,
            "cce" => ClusterKind::Cce,
            "cce-turbo" => ClusterKind::CceTurbo,
            _ => return None,
        })
    }
    /// The cloud this kind of cluster runs on.
    pub fn cloud(self) -> Cloud {
        match self {
            ClusterKind::AckEdge | ClusterKind::Ack | ClusterKind::AckOneFleet => Cloud::Alibaba,
            ClusterKind::Cce | ClusterKind::CceTurbo => Cloud::Huawei,
        }
    }
}

/// kube-proxy mode (CCE rules differ for IPVS).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProxyMode {
    Iptables,
    Ipvs,
}

impl ProxyMode {
    pub fn as_str(self) -> &'static str {
        match self {
            ProxyMode::Iptables => "iptables",
            ProxyMode::Ipvs => "ipvs",
        }
    }
}

/// A `major.minor[.patch]` version with an optional leading `v` and an optional
/// `-…`/`+…` suffix (`v1.30.1-aliyun.1`). Ordering compares the numbers only, an absent
/// patch counting as 0, so `1.30 == 1.30.0 < 1.30.1`.
#[derive(Debug, Clone)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: Option<u64>,
    /// Everything from the first `-` or `+` on, kept for display only.
    pub suffix: String,
}

/// Why a version string could not be read: a message and the byte range of the offending
/// part of the input (for a precise label).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionError {
    pub start: usize,
    pub end: usize,
    pub message: String,
}

impl Version {
    pub fn new(major: u64, minor: u64, patch: Option<u64>) -> Version {
        Version {
            major,
            minor,
            patch,
            suffix: String::new(),
        }
    }

    pub fn parse(s: &str) -> Result<Version, VersionError> {
        let err = |start: usize, end: usize, message: String| VersionError {
            start,
            end,
            message,
        };
        let offset = usize::from(s.starts_with(['v', 'V']));
        let body = &s[offset..];
        let core_len = body.find(['-', '+']).unwrap_or(body.len());
        let (core, suffix) = body.split_at(core_len);
        if core.is_empty() {
            return Err(err(
                0,
                s.len(),
                "expected a version like `1.30` or `1.30.1`".to_string(),
            ));
        }
        let mut numbers = Vec::new();
        let mut pos = offset;
        for (i, part) in core.split('.').enumerate() {
            let (start, end) = (pos, pos + part.len());
            pos = end + 1;
            if i == 3 {
                return Err(err(
                    start - 1,
                    offset + core.len(),
                    "too many components: expected `major.minor` or `major.minor.patch`"
                        .to_string(),
                ));
            }
            let name = ["major", "minor", "patch"][i];
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                let found = if part.is_empty() {
                    "nothing".to_string()
                } else {
                    format!("`{part}`")
                };
                return Err(err(
                    start,
                    end.max(start + 1).min(s.len()),
                    format!("the {name} version must be a number, found {found}"),
                ));
            }
            let n: u64 = part.parse().map_err(|_| {
                err(
                    start,
                    end,
                    format!("the {name} version `{part}` is too large"),
                )
            })?;
            numbers.push(n);
        }
        if numbers.len() < 2 {
            return Err(err(
                offset + core.len(),
                offset + core.len(),
                "missing the minor version: write e.g. `1.30`".to_string(),
            ));
        }
        Ok(Version {
            major: numbers[0],
            minor: numbers[1],
            patch: numbers.get(2).copied(),
            suffix: suffix.to_string(),
        })
    }

    fn key(&self) -> (u64, u64, u64) {
        (self.major, self.minor, self.patch.unwrap_or(0))
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}
impl Eq for Version {}
impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)?;
        if let Some(p) = self.patch {
            write!(f, ".{p}")?;
        }
        f.write_str(&self.suffix)
    }
}

/// One `spec.members[]` entry of a fleet.
#[derive(Debug, Clone, PartialEq)]
pub struct FleetMember {
    pub span: Span,
    pub cluster_id: Option<Spanned<Text>>,
    /// Folder of the member's manifests, relative to the profile file.
    pub path: Option<Spanned<Text>>,
}

/// A [`ClusterProfileBody`] on the heap: see [`Boxed`].
pub type ClusterProfile = Boxed<ClusterProfileBody>;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClusterProfileBody {
    pub spec_span: Option<Span>,
    pub cloud: Option<Spanned<Cloud>>,
    pub cluster_kind: Option<Spanned<ClusterKind>>,
    pub cluster_id: Option<Spanned<Text>>,
    pub kubernetes_version: Option<Spanned<Version>>,
    pub region: Option<Spanned<Text>>,
    /// `components.ecm`: edge-controller-manager version (ACK Edge).
    pub ecm_version: Option<Spanned<Version>>,
    /// `network.plugin` as written (`terway-edge`, `flannel`; others are warned about).
    pub network_plugin: Option<Spanned<Text>>,
    pub proxy_mode: Option<Spanned<ProxyMode>>,
    pub express_connect: Option<Spanned<bool>>,
    pub members: Vec<FleetMember>,
    /// Span of the `members` key, if written.
    pub members_span: Option<Span>,
    /// Dotted paths of the fields written (valid or not), so that defaults are noted only
    /// for fields that are really absent.
    written: Vec<&'static str>,
}

impl ClusterProfileBody {
    /// `spec.cloud`; when absent, the cloud of `clusterKind`, else `alibaba`.
    pub fn cloud(&self) -> Cloud {
        match (&self.cloud, &self.cluster_kind) {
            (Some(c), _) => c.value,
            (None, Some(k)) => k.value.cloud(),
            (None, None) => Cloud::Alibaba,
        }
    }
    /// `spec.clusterKind`; when absent: `ack-one-fleet` if members are listed, else `cce`
    /// on Huawei and `ack` on Alibaba (later stages may refine this from the objects seen,
    /// e.g. NodePools imply ACK Edge).
    pub fn cluster_kind(&self) -> ClusterKind {
        if let Some(k) = &self.cluster_kind {
            return k.value;
        }
        if !self.members.is_empty() {
            return ClusterKind::AckOneFleet;
        }
        match self.cloud.as_ref().map(|c| c.value) {
            Some(Cloud::Huawei) => ClusterKind::Cce,
            _ => ClusterKind::Ack,
        }
    }
    /// `spec.clusterId`, or the placeholder [`DEFAULT_CLUSTER_ID`].
    pub fn cluster_id(&self) -> &str {
        self.cluster_id
            .as_ref()
            .map_or(DEFAULT_CLUSTER_ID, |c| c.value.as_str())
    }
    /// `spec.kubernetesVersion`, or [`DEFAULT_KUBERNETES_VERSION`].
    pub fn kubernetes_version(&self) -> Version {
        self.kubernetes_version
            .as_ref()
            .map(|v| v.value.clone())
            .unwrap_or_else(|| Version::new(1, 30, None))
    }
    /// `spec.region`; no default (names and regions that need it come from the objects,
    /// e.g. a NodePool's `alibabacloud.com/ens-region-id`).
    pub fn region(&self) -> Option<&str> {
        self.region.as_ref().map(|r| r.value.as_str())
    }
    /// `spec.components.ecm`, or [`DEFAULT_ECM_VERSION`].
    pub fn ecm_version(&self) -> Version {
        self.ecm_version
            .as_ref()
            .map(|v| v.value.clone())
            .unwrap_or_else(|| Version::new(2, 1, Some(0)))
    }
    /// `spec.network.plugin`, or [`DEFAULT_NETWORK_PLUGIN`].
    pub fn network_plugin(&self) -> &str {
        self.network_plugin
            .as_ref()
            .map_or(DEFAULT_NETWORK_PLUGIN, |p| p.value.as_str())
    }
    pub fn is_terway_edge(&self) -> bool {
        self.network_plugin() == "terway-edge"
    }
    /// `spec.network.proxyMode`, `iptables` when absent (kube-proxy's default).
    pub fn proxy_mode(&self) -> ProxyMode {
        self.proxy_mode
            .as_ref()
            .map_or(ProxyMode::Iptables, |p| p.value)
    }
    /// `spec.network.expressConnect`, false when absent (the ENS-forwarding and hybrid NLB
    /// paths of seed 002 are then refused rather than assumed to work).
    pub fn express_connect(&self) -> bool {
        self.express_connect.as_ref().is_some_and(|e| e.value)
    }

    /// The absent fields and the default assumed for each, as (field path, default), in
    /// spec order. `components.ecm` is listed only for ACK Edge, where it matters.
    pub fn default_notes(&self) -> Vec<(String, String)> {
        let kind = self.cluster_kind();
        let derived_cloud = match &self.cluster_kind {
            Some(k) => format!(
                "{} (from clusterKind {})",
                k.value.cloud().as_str(),
                k.value.as_str()
            ),
            None => "alibaba".to_string(),
        };
        let derived_kind = if self.members.is_empty() {
            format!("{} (from cloud {})", kind.as_str(), self.cloud().as_str())
        } else {
            format!("{} (members are listed)", kind.as_str())
        };
        let candidates: [(&'static str, String); 9] = [
            ("cloud", derived_cloud),
            ("clusterKind", derived_kind),
            (
                "clusterId",
                format!("{DEFAULT_CLUSTER_ID} (placeholder in cloud-side names)"),
            ),
            ("kubernetesVersion", DEFAULT_KUBERNETES_VERSION.to_string()),
            (
                "region",
                "unknown (taken from the objects where they name one)".to_string(),
            ),
            ("components.ecm", DEFAULT_ECM_VERSION.to_string()),
            ("network.plugin", DEFAULT_NETWORK_PLUGIN.to_string()),
            ("network.proxyMode", "iptables".to_string()),
            ("network.expressConnect", "false".to_string()),
        ];
        candidates
            .into_iter()
            .filter(|(field, _)| !self.written.contains(field))
            .filter(|(field, _)| *field != "components.ecm" || kind == ClusterKind::AckEdge)
            .map(|(f, d)| (f.to_string(), d))
            .collect()
    }
}

pub fn decode(ctx: &mut Ctx, f: &mut Fields, _node: &Node) -> ClusterProfileBody {
    let mut p = ClusterProfileBody::default();
    let Some(mut spec) = f.map(ctx, "spec") else {
        return p;
    };
    p.spec_span = Some(spec.node().span);
    for key in [
        "cloud",
        "clusterKind",
        "clusterId",
        "kubernetesVersion",
        "region",
    ] {
        if spec.key_span(key).is_some() {
            p.written.push(key);
        }
    }
    if let Some(v) = spec.string(ctx, "cloud") {
        match Cloud::parse(&v.value) {
            Some(c) => p.cloud = Some(Spanned::new(c, v.span)),
            None => push_opt(ctx, not_one_of(&v, "spec.cloud", &Cloud::ALL)),
        }
    }
    if let Some(v) = spec.string(ctx, "clusterKind") {
        match ClusterKind::parse(&v.value) {
            Some(k) => p.cluster_kind = Some(Spanned::new(k, v.span)),
            None => push_opt(ctx, not_one_of(&v, "spec.clusterKind", &ClusterKind::ALL)),
        }
    }
    p.cluster_id = spec.string(ctx, "clusterId");
    p.kubernetes_version = spec
        .take("kubernetesVersion")
        .and_then(|n| version_of(ctx, n, "spec.kubernetesVersion"));
    p.region = spec.string(ctx, "region");
    if let Some(mut c) = spec.map(ctx, "components") {
        if c.key_span("ecm").is_some() {
            p.written.push("components.ecm");
        }
        p.ecm_version = c
            .take("ecm")
            .and_then(|n| version_of(ctx, n, "spec.components.ecm"));
        c.finish(ctx);
    }
    if let Some(mut n) = spec.map(ctx, "network") {
        for (key, path) in [
            ("plugin", "network.plugin"),
            ("proxyMode", "network.proxyMode"),
            ("expressConnect", "network.expressConnect"),
        ] {
            if n.key_span(key).is_some() {
                p.written.push(path);
            }
        }
        p.network_plugin = n.string(ctx, "plugin");
        if let Some(v) = n.string(ctx, "proxyMode") {
            match v.value.as_str() {
                "iptables" => p.proxy_mode = Some(Spanned::new(ProxyMode::Iptables, v.span)),
                "ipvs" => p.proxy_mode = Some(Spanned::new(ProxyMode::Ipvs, v.span)),
                _ => push_opt(
                    ctx,
                    not_one_of(&v, "spec.network.proxyMode", &["iptables", "ipvs"]),
                ),
            }
        }
        p.express_connect = n.bool(ctx, "expressConnect");
        n.finish(ctx);
    }
    p.members_span = spec.key_span("members");
    for (path, n) in spec.list(ctx, "members") {
        let Some(mut m) = Fields::new(ctx, n, &path) else {
            continue;
        };
        let member = FleetMember {
            span: n.span,
            cluster_id: m.string(ctx, "clusterId"),
            path: m.string(ctx, "path"),
        };
        m.finish(ctx);
        for (field, value) in [("clusterId", &member.cluster_id), ("path", &member.path)] {
            if value.is_none() && n.get(field).is_none() {
                ctx.push(required_missing(
                    n.span,
                    &format!("{path}.{field}"),
                    "each member needs both, e.g. `- {clusterId: c6a1, path: clusters/c6a1}`",
                ));
            }
        }
        p.members.push(member);
    }
    spec.finish(ctx);
    check_profile(ctx, &p);
    p
}

/// Reads a version string, reporting LBP1106 at the exact offending characters.
fn version_of(ctx: &mut Ctx, node: &Node, path: &str) -> Option<Spanned<Version>> {
    let s = string_of(ctx, node, path)?;
    match Version::parse(&s.value) {
        Ok(v) => Some(Spanned::new(v, s.span)),
        Err(e) => {
            let span =
                ValueLocator::new(ctx.sources.get(node.span.file), node).span(e.start, e.end);
            ctx.push(
                Diagnostic::error(
                    "LBP1106",
                    format!("`{path}` is not a valid version: {}", e.message),
                )
                .with_primary(span, e.message.clone())
                .with_help("write e.g. \"1.30\", \"v1.30.1\" or \"2.1.0\""),
            );
            None
        }
    }
}

/// The profile's cross-field rules (SPEC §1).
fn check_profile(ctx: &mut Ctx, p: &ClusterProfileBody) {
    if let (Some(cloud), Some(kind)) = (&p.cloud, &p.cluster_kind)
        && kind.value.cloud() != cloud.value
    {
        let fitting = ClusterKind::ALL
            .iter()
            .filter(|k| ClusterKind::parse(k).is_some_and(|k| k.cloud() == cloud.value))
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ");
        ctx.push(
            Diagnostic::error(
                "LBP2104",
                format!(
                    "cluster kind `{}` runs on {}, but `cloud` is `{}`",
                    kind.value.as_str(),
                    kind.value.cloud().display_name(),
                    cloud.value.as_str()
                ),
            )
            .with_primary(
                kind.span,
                format!("an {} cluster kind", kind.value.cloud().display_name()),
            )
            .with_secondary(cloud.span, "cloud given here")
            .with_help(format!(
                "on {} use one of {fitting}, or set `cloud: {}`",
                cloud.value.as_str(),
                kind.value.cloud().as_str()
            )),
        );
    }
    let fleet = p.cluster_kind() == ClusterKind::AckOneFleet;
    match (&p.cluster_kind, p.members.is_empty()) {
        (Some(k), false) if k.value != ClusterKind::AckOneFleet => {
            let span = p.members_span.unwrap_or(k.span);
            ctx.push(
                Diagnostic::error(
                    "LBP2105",
                    format!(
                        "`members` is only valid for `clusterKind: ack-one-fleet`, not `{}`",
                        k.value.as_str()
                    ),
                )
                .with_primary(span, "member clusters listed here")
                .with_secondary(k.span, "cluster kind given here")
                .with_help("set `clusterKind: ack-one-fleet`, or remove `members`"),
            );
        }
        (Some(k), true) if fleet => {
            ctx.push(
                Diagnostic::error("LBP2105", "an ack-one-fleet profile needs at least one member")
                    .with_primary(k.span, "a fleet without members")
                    .with_help("add `members: [{clusterId: <member cluster id>, path: <folder of its manifests>}]`"),
            );
        }
        _ => {}
    }
    let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
    for m in &p.members {
        if let Some(id) = &m.cluster_id {
            if let Some(first) = seen.get(id.value.as_str()) {
                ctx.push(
                    Diagnostic::error(
                        "LBP2106",
                        format!("member cluster `{}` is listed twice", id.value),
                    )
                    .with_primary(id.span, "listed again here")
                    .with_secondary(*first, "first listed here")
                    .with_help("remove the duplicate entry or correct its `clusterId`"),
                );
            } else {
                seen.insert(&id.value, id.span);
            }
        }
        if let Some(path) = &m.path {
            let v = path.value.as_str();
            let absolute = v.starts_with('/')
                || v.starts_with('\\')
                || v.starts_with('~')
                || (v.len() >= 2
                    && v.as_bytes()[1] == b':'
                    && v.as_bytes()[0].is_ascii_alphabetic());
            if v.trim().is_empty() || absolute {
                ctx.push(
                    Diagnostic::error(
                        "LBP2107",
                        if absolute {
                            format!("member path `{v}` must be relative to the profile")
                        } else {
                            "member path must not be empty".to_string()
                        },
                    )
                    .with_primary(path.span, "not a relative folder")
                    .with_help(
                        "write the folder relative to the profile file, e.g. `path: clusters/c6a1`",
                    ),
                );
            }
        }
    }
    if let Some(plugin) = &p.network_plugin {
        const MODELLED: [&str; 2] = ["terway-edge", "flannel"];
        if !MODELLED.contains(&plugin.value.as_str()) {
            let help = match crate::annotations::suggest(&plugin.value, MODELLED)
                .or_else(|| plugin.value.starts_with("terway").then_some("terway-edge"))
            {
                Some(s) => format!("did you mean `{s}`? lbplan models `terway-edge` and `flannel`; other plugins are planned like `flannel`"),
                None => "lbplan models `terway-edge` and `flannel`; other plugins are planned like `flannel`".to_string(),
            };
            ctx.push(
                Diagnostic::warning(
                    "LBP3103",
                    format!("network plugin `{}` is not modelled", plugin.value),
                )
                .with_primary(plugin.span, "not modelled")
                .with_help(help),
            );
        }
    }
}

fn push_opt(ctx: &mut Ctx, d: Option<Diagnostic>) {
    if let Some(d) = d {
        ctx.push(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::validate_text;
    use crate::manifest::Object;

    /// SPEC §1, the ClusterProfile example verbatim (plus a member, which needs a fleet).
    const SPEC_EXAMPLE: &str = r#"
apiVersion: lbplan/v1
kind: ClusterProfile
metadata: {name: edge-prod}
spec:
  cloud: alibaba
  clusterKind: ack-edge
  clusterId: c4f1e2d3a4b5c6d7e
  kubernetesVersion: "1.30"
  region: cn-hangzhou
  components: {ecm: "2.1.0"}
  network: {plugin: flannel, proxyMode: iptables, expressConnect: true}
"#;

    fn decode(text: &str) -> (ClusterProfile, Vec<Diagnostic>, String) {
        let c = validate_text("profile.yaml", text);
        // The defaults note (LBP4103, check stage) is not the decoder's business.
        let diags: Vec<Diagnostic> = c
            .diagnostics
            .into_vec()
            .into_iter()
            .filter(|d| d.code != "LBP4103")
            .collect();
        let m = c.manifests.into_iter().next().expect("one manifest");
        let Object::ClusterProfile(p) = m.object else {
            panic!("not a profile")
        };
        let first = diags
            .first()
            .and_then(|d| d.primary())
            .map(|l| text[l.span.start as usize..l.span.end as usize].to_string())
            .unwrap_or_default();
        (p, diags, first)
    }

    #[test]
    fn spec_example_round_trips() {
        let (p, diags, _) = decode(SPEC_EXAMPLE);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(p.cloud(), Cloud::Alibaba);
        assert_eq!(p.cluster_kind(), ClusterKind::AckEdge);
        assert_eq!(p.cluster_id(), "c4f1e2d3a4b5c6d7e");
        assert_eq!(p.kubernetes_version(), Version::new(1, 30, None));
        assert_eq!(p.region(), Some("cn-hangzhou"));
        assert!(p.ecm_version() >= Version::new(2, 1, Some(0)));
        assert_eq!(p.network_plugin(), "flannel");
        assert_eq!(p.proxy_mode(), ProxyMode::Iptables);
        assert!(p.express_connect());
        assert!(p.default_notes().is_empty(), "{:?}", p.default_notes());
    }

    #[test]
    fn defaults_and_notes_for_an_empty_profile() {
        let (p, diags, _) =
            decode("apiVersion: lbplan/v1\nkind: ClusterProfile\nmetadata: {name: x}\nspec: {}\n");
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(p.cloud(), Cloud::Alibaba);
        assert_eq!(p.cluster_kind(), ClusterKind::Ack);
        assert_eq!(p.cluster_id(), DEFAULT_CLUSTER_ID);
        assert_eq!(p.kubernetes_version().to_string(), "1.30");
        assert!(!p.express_connect());
        let fields: Vec<String> = p.default_notes().into_iter().map(|(f, _)| f).collect();
        assert_eq!(
            fields,
            [
                "cloud",
                "clusterKind",
                "clusterId",
                "kubernetesVersion",
                "region",
                "network.plugin",
                "network.proxyMode",
                "network.expressConnect"
            ]
        );
        let (p, _, _) =
            decode("apiVersion: lbplan/v1\nkind: ClusterProfile\nspec: {clusterKind: cce-turbo}\n");
        assert_eq!(p.cloud(), Cloud::Huawei);
        let (p, _, _) =
            decode("apiVersion: lbplan/v1\nkind: ClusterProfile\nspec: {clusterKind: ack-edge}\n");
        assert!(
            p.default_notes()
                .iter()
                .any(|(f, d)| f == "components.ecm" && d == "2.1.0")
        );
    }

    #[test]
    fn versions_parse_and_order() {
        let v = |s: &str| Version::parse(s).expect(s);
        assert_eq!(v("v1.30.1").to_string(), "1.30.1");
        assert_eq!(v("1.30.1-aliyun.1").suffix, "-aliyun.1");
        assert!(v("1.30") == v("1.30.0") && v("1.30.0") < v("1.30.1"));
        assert!(v("2.0.9") < v("2.1.0") && v("1.9") < v("1.10"));
        let e = Version::parse("1.x").expect_err("bad minor");
        assert_eq!((e.start, e.end), (2, 3));
        assert!(Version::parse("1").is_err());
        assert!(Version::parse("1.2.3.4").is_err());
        assert!(Version::parse("").is_err());
        assert!(Version::parse("v").is_err());
        assert!(Version::parse("1..2").is_err());
        assert!(Version::parse("99999999999999999999999.1").is_err());
        for weird in [
            "é", "v1.é", "1.2-é", "١.٢", "1.", ".1", "V", "1.2.3.", "vv1.2",
        ] {
            assert!(
                Version::parse(weird).is_err() || weird == "1.2-é",
                "{weird}"
            );
        }
    }

    #[test]
    fn bad_version_points_at_the_bad_part() {
        let (_, diags, first) = decode(&SPEC_EXAMPLE.replace("\"1.30\"", "\"v1.3o\""));
        assert_eq!(diags[0].code, "LBP1106");
        assert_eq!(first, "3o");
        let (_, diags, _) = decode(&SPEC_EXAMPLE.replace("\"1.30\"", "1.30"));
        let d = &diags[0];
        assert_eq!(d.code, "LBP1103");
        assert!(d.help.as_deref().unwrap_or("").contains("\"1.30\""));
    }

    #[test]
    fn enums_and_cloud_kind_consistency() {
        let (_, diags, _) = decode(&SPEC_EXAMPLE.replace("cloud: alibaba", "cloud: aliyun"));
        assert!(diags.iter().any(|d| d.code == "LBP1105"));
        let (_, diags, _) = decode(&SPEC_EXAMPLE.replace("proxyMode: iptables", "proxyMode: IPVS"));
        assert!(
            diags
                .iter()
                .any(|d| d.code == "LBP1105" && d.help.as_deref().unwrap_or("").contains("`ipvs`"))
        );
        let (_, diags, first) = decode(&SPEC_EXAMPLE.replace("cloud: alibaba", "cloud: huawei"));
        assert_eq!(diags[0].code, "LBP2104");
        assert_eq!(first, "ack-edge");
        assert!(diags[0].help.as_deref().unwrap_or("").contains("`cce`"));
    }

    #[test]
    fn other_network_plugins_warn() {
        let (p, diags, _) = decode(&SPEC_EXAMPLE.replace("plugin: flannel", "plugin: terway"));
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, "LBP3103");
        assert_eq!(diags[0].severity, crate::diag::Severity::Warning);
        assert!(
            diags[0]
                .help
                .as_deref()
                .unwrap_or("")
                .contains("terway-edge")
        );
        assert!(!p.is_terway_edge());
    }

    #[test]
    fn fleet_member_rules() {
        let fleet = SPEC_EXAMPLE.replace("clusterKind: ack-edge", "clusterKind: ack-one-fleet");
        let (_, diags, _) = decode(&fleet);
        assert!(
            diags.iter().any(|d| d.code == "LBP2105"),
            "fleet without members"
        );
        let with = |kind: &str, members: &str| {
            decode(&format!(
                "{}  members:\n{members}",
                SPEC_EXAMPLE.replace("clusterKind: ack-edge", kind)
            ))
        };
        let good =
            "  - {clusterId: c6a1, path: clusters/c6a1}\n  - {clusterId: c6a2, path: ../c6a2}\n";
        let (p, diags, _) = with("clusterKind: ack-one-fleet", good);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(p.members.len(), 2);
        let (_, diags, _) = with("clusterKind: ack", good);
        assert!(diags.iter().any(|d| d.code == "LBP2105"), "members on ack");
        let (p, _, _) = with("clusterKind: ack", good);
        assert_eq!(p.cluster_kind(), ClusterKind::Ack);
        let bad = "  - {clusterId: c6a1, path: /abs/c6a1}\n  - {clusterId: c6a1, path: 'C:\\x'}\n  - {clusterId: c6a3}\n";
        let (_, diags, _) = with("clusterKind: ack-one-fleet", bad);
        assert_eq!(diags.iter().filter(|d| d.code == "LBP2107").count(), 2);
        assert_eq!(diags.iter().filter(|d| d.code == "LBP2106").count(), 1);
        assert!(
            diags
                .iter()
                .any(|d| d.code == "LBP1104" && d.message.contains("members[2].path"))
        );
    }

    #[test]
    fn unknown_field_warns_with_suggestion() {
        let (_, diags, _) = decode(&SPEC_EXAMPLE.replace("region:", "regoin:"));
        let d = diags
            .iter()
            .find(|d| d.code == "LBP3101")
            .expect("unknown field");
        assert!(d.help.as_deref().unwrap_or("").contains("`region`"));
    }
}
