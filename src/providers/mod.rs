//! Providers: one folder each, holding what is specific to one cloud controller.
//!
//! This module is the registry of the annotation catalogues: one iterator over every key
//! of every provider ([`catalogue`]), one lookup that understands prefixed keys and the
//! Alibaba legacy spelling ([`lookup`], [`resolve`]), the provider prefixes used to tell a
//! typo from someone else's annotation ([`PREFIXES`], [`suggest_key`]) and a plain-text
//! description of an entry for listings ([`describe`]).

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::annotations::catalogue::{AnnotationSpec, KeyPattern, Provider};
use crate::annotations::grammar::Grammar;

/// `lb!("address-type")` → the full Alibaba CLB/NLB/ELB key.
macro_rules! lb {
    ($suffix:literal) => {
        concat!(
            "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-",
            $suffix
        )
    };
}
/// `elb!("class")` → `kubernetes.io/elb.class`.
macro_rules! elb {
    ($suffix:literal) => {
        concat!("kubernetes.io/elb.", $suffix)
    };
}
/// `alb!("order")` → `alb.ingress.kubernetes.io/order`.
macro_rules! alb {
    ($suffix:literal) => {
        concat!("alb.ingress.kubernetes.io/", $suffix)
    };
}
/// `nginx!("canary")` → `nginx.ingress.kubernetes.io/canary`.
macro_rules! nginx {
    ($suffix:literal) => {
        concat!("nginx.ingress.kubernetes.io/", $suffix)
    };
}

pub mod alibaba_alb;
pub mod alibaba_clb;
pub mod alibaba_edge;
pub mod huawei_cce;

/// The current Alibaba Service-annotation prefix.
pub const ALIBABA_PREFIX: &str = "service.beta.kubernetes.io/alibaba-cloud-";
/// The legacy spelling the CCM still accepts; the current one wins when both are set.
pub const ALIBABA_LEGACY_PREFIX: &str = "service.beta.kubernetes.io/alicloud-";

/// Key prefixes owned by the providers lbplan models.
///
/// `strict`: every key under it is meant for one of our controllers, so an unknown one is
/// a typo the controller will silently ignore. Not strict: other products share the
/// prefix (`service.beta.kubernetes.io/aws-…`), so an unknown key is only reported when it
/// is a near miss of a known one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyPrefix {
    pub prefix: &'static str,
    pub strict: bool,
}

/// All provider prefixes, longest first so the first match is the most specific.
pub static PREFIXES: &[KeyPrefix] = &[
    KeyPrefix {
        prefix: ALIBABA_PREFIX,
        strict: true,
    },
    KeyPrefix {
        prefix: ALIBABA_LEGACY_PREFIX,
        strict: true,
    },
    KeyPrefix {
        prefix: "service.beta.kubernetes.io/",
        strict: false,
    },
    KeyPrefix {
        prefix: "alb.ingress.kubernetes.io/",
        strict: true,
    },
    KeyPrefix {
        prefix: "alibabacloud.com/ens-",
        strict: true,
    },
    KeyPrefix {
        prefix: "service.openyurt.io/",
        strict: true,
    },
    KeyPrefix {
        prefix: "kubernetes.io/elb.",
        strict: true,
    },
    KeyPrefix {
        prefix: "kubernetes.io/",
        strict: false,
    },
    KeyPrefix {
        prefix: "openyurt.io/",
        strict: false,
    },
];

/// Every catalogue entry of every provider, provider by provider.
pub fn catalogue() -> impl Iterator<Item = &'static AnnotationSpec> {
    alibaba_edge::annotations::ANNOTATIONS
        .iter()
        .chain(alibaba_clb::annotations::ANNOTATIONS)
        .chain(huawei_cce::annotations::ANNOTATIONS)
        .chain(alibaba_alb::annotations::ANNOTATIONS)
}

/// A key matched against the catalogue.
#[derive(Debug, Clone, Copy)]
pub struct Resolved<'k> {
    pub spec: &'static AnnotationSpec,
    /// The key was written with the legacy `alicloud-` prefix.
    pub legacy: bool,
    /// For a prefixed key (`conditions.<svc>`): the name after the prefix.
    pub name: Option<&'k str>,
}

struct Index {
    exact: HashMap<&'static str, &'static AnnotationSpec>,
    prefixed: Vec<&'static AnnotationSpec>,
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut exact = HashMap::new();
        let mut prefixed = Vec::new();
        for spec in catalogue() {
            match spec.key {
                KeyPattern::Exact(k) => {
                    exact.entry(k).or_insert(spec);
                }
                KeyPattern::Prefixed(_) => prefixed.push(spec),
            }
        }
        // Longest prefix first, so `conditions.` never shadows a longer prefixed key.
        prefixed.sort_by_key(|s| std::cmp::Reverse(s.key.text().len()));
        Index { exact, prefixed }
    })
}

fn resolve_canonical(key: &str) -> Option<(&'static AnnotationSpec, Option<&str>)> {
    let idx = index();
    if let Some(spec) = idx.exact.get(key) {
        return Some((spec, None));
    }
    idx.prefixed
        .iter()
        .find(|s| s.key.matches(key))
        .map(|s| (*s, Some(&key[s.key.text().len()..])))
}

/// Matches `key` against the catalogue: exact keys, prefixed keys (`conditions.svc1`), and
/// the legacy `service.beta.kubernetes.io/alicloud-…` spelling of Alibaba keys.
pub fn resolve(key: &str) -> Option<Resolved<'_>> {
    if let Some((spec, name)) = resolve_canonical(key) {
        return Some(Resolved {
            spec,
            legacy: false,
            name,
        });
    }
    let suffix = key.strip_prefix(ALIBABA_LEGACY_PREFIX)?;
    let canonical = format!("{ALIBABA_PREFIX}{suffix}");
    let (spec, _) = resolve_canonical(&canonical)?;
    let name = match spec.key {
        KeyPattern::Exact(_) => None,
        KeyPattern::Prefixed(p) => {
            let skip = p.len() - ALIBABA_PREFIX.len() + ALIBABA_LEGACY_PREFIX.len();
            key.get(skip..)
        }
    };
    Some(Resolved {
        spec,
        legacy: true,
        name,
    })
}

/// The catalogue entry for `key`, if lbplan knows it (see [`resolve`]).
pub fn lookup(key: &str) -> Option<&'static AnnotationSpec> {
    resolve(key).map(|r| r.spec)
}

/// The legacy-prefix key written with the current prefix (`alicloud-x` → `alibaba-cloud-x`).
pub fn canonical_key(key: &str) -> std::borrow::Cow<'_, str> {
    match key.strip_prefix(ALIBABA_LEGACY_PREFIX) {
        Some(suffix) => format!("{ALIBABA_PREFIX}{suffix}").into(),
        None => key.into(),
    }
}

/// The most specific provider prefix `key` falls under.
pub fn prefix_of(key: &str) -> Option<&'static KeyPrefix> {
    PREFIXES
        .iter()
        .filter(|p| key.starts_with(p.prefix))
        .max_by_key(|p| p.prefix.len())
}

/// For an unknown key under a provider prefix: the known key it most likely misspells,
/// written with the same prefix the user wrote (legacy spelling kept).
///
/// Distances are computed on the part after the prefix, so a long common prefix does not
/// make every key look close; a prefixed catalogue key (`conditions.`) is compared with
/// the user's name appended (`condition.svc1` → `conditions.svc1`).
pub fn suggest_key(key: &str) -> Option<String> {
    let legacy = key.starts_with(ALIBABA_LEGACY_PREFIX);
    let canonical = canonical_key(key);
    let prefix = prefix_of(&canonical)?.prefix;
    let rest = &canonical[prefix.len()..];
    let name = rest.split_once('.').map(|(_, n)| n);
    let candidates: Vec<String> = catalogue()
        .filter_map(|s| {
            let tail = s.key.text().strip_prefix(prefix)?;
            Some(match (s.key, name) {
                (KeyPattern::Exact(_), _) => tail.to_string(),
                (KeyPattern::Prefixed(_), Some(n)) => format!("{tail}{n}"),
                (KeyPattern::Prefixed(_), None) => tail.trim_end_matches('.').to_string(),
            })
        })
        .collect();
    let best = crate::annotations::suggest(rest, candidates.iter().map(String::as_str))?;
    let full = format!("{prefix}{best}");
    Some(if legacy {
        full.replacen(ALIBABA_PREFIX, ALIBABA_LEGACY_PREFIX, 1)
    } else {
        full
    })
}

/// A provider's name as users know it.
pub fn provider_name(p: Provider) -> &'static str {
    match p {
        Provider::AlibabaEdge => "Alibaba ACK Edge (OpenYurt, ENS ELB)",
        Provider::AlibabaClb => "Alibaba CCM (CLB, NLB)",
        Provider::HuaweiCce => "Huawei CCE ELB",
        Provider::AlibabaAlb => "Alibaba ALB Ingress",
    }
}

/// What values a grammar accepts, in a few words (for listings and help lines).
pub fn grammar_summary(g: Grammar) -> String {
    fn words(list: &[&str]) -> String {
        list.iter()
            .map(|w| format!("`{w}`"))
            .collect::<Vec<_>>()
            .join(" | ")
    }
    match g {
        Grammar::Any => "any string".into(),
        Grammar::NonEmpty => "a non-empty string".into(),
        Grammar::Enum(l) => words(l),
        Grammar::EnumIgnoreCase(l) => format!("{} (any case)", words(l)),
        Grammar::Int { min, max } => format!("an integer {min}–{max}"),
        Grammar::CommaList => "a comma-separated list".into(),
        Grammar::ProtoPortList {
            protocols,
            ignore_case,
        } => format!(
            "`proto:port[,proto:port]`, proto {}{}",
            words(protocols),
            if ignore_case { " (any case)" } else { "" }
        ),
        Grammar::KeyValueList { bare_keys: true } => "`k=v[,k=v]` (a bare `k` means empty)".into(),
        Grammar::KeyValueList { bare_keys: false } => "`k=v[,k=v]`".into(),
        Grammar::LabelSelector => "a label selector (`a=b,c in (x,y),!d`)".into(),
        Grammar::ZoneMaps => "`zone:vsw[:ipv4[:allocationId]][,…]`".into(),
        Grammar::VgroupPort => "`groupId:port[,groupId:port]`".into(),
        Grammar::ForwardPort => "`httpPort:httpsPort[,…]`".into(),
        Grammar::DomainExtensions => "`domain:certId[,…]`".into(),
        Grammar::BackendWeight => "`base=W,<node>=W[,…]`, weights 0–100".into(),
        Grammar::ListenerPortRange => "`start-end:servicePort[,…]`".into(),
        Grammar::ElbAutocreate => "a JSON object (ELB recipe)".into(),
        Grammar::HealthCheckOption => "a JSON object of string values".into(),
        Grammar::HealthCheckOptions => "a JSON array of health-check objects".into(),
        Grammar::SessionAffinityOption => {
            "a JSON object `{\"persistence_timeout\": \"1–60\"}`".into()
        }
        Grammar::ListenPorts => "a JSON array like `[{\"HTTP\": 80}]`".into(),
        Grammar::AlbConditions => "a JSON array of ALB conditions".into(),
        Grammar::AlbActions => "a JSON array of ALB actions".into(),
        Grammar::ClusterWeight => "an integer 0–100".into(),
    }
}

/// A multi-line, plain-text description of one entry, for `lbplan annotations`: key,
/// provider, readers, objects, value syntax, default, legacy spelling and the doc line.
pub fn describe(spec: &AnnotationSpec) -> String {
    let mut out = String::new();
    out.push_str(&spec.key.display());
    out.push('\n');
    out.push_str(&format!("  provider: {}\n", provider_name(spec.provider)));
    let readers = if spec.readers.is_empty() {
        "no controller (documented or declared, never read)".to_string()
    } else {
        spec.readers
            .iter()
            .map(|r| r.name())
            .collect::<Vec<_>>()
            .join(", ")
    };
    out.push_str(&format!("  read by: {readers}\n"));
    let on = spec
        .targets
        .iter()
        .map(|t| t.name())
        .collect::<Vec<_>>()
        .join(", ");
    out.push_str(&format!("  on: {on}\n"));
    out.push_str(&format!("  value: {}\n", grammar_summary(spec.grammar)));
    for (reader, g) in spec.variants {
        out.push_str(&format!("    {}: {}\n", reader.name(), grammar_summary(*g)));
    }
    if let Some(d) = spec.default {
        out.push_str(&format!("  default: {d}\n"));
    }
    if let Some(suffix) = spec.key.text().strip_prefix(ALIBABA_PREFIX) {
        out.push_str(&format!(
            "  also accepted: {ALIBABA_LEGACY_PREFIX}{suffix}{}\n",
            if matches!(spec.key, KeyPattern::Prefixed(_)) {
                "<name>"
            } else {
                ""
            }
        ));
    }
    out.push_str(&format!("  {}\n", spec.doc));
    out
}
