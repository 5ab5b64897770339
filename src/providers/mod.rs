//! Providers: one folder each, holding what is specific to one cloud controller.
//!
//! This module is the registry of the annotation catalogues: one iterator over every key
//! of every provider ([`catalogue`]), one lookup that understands prefixed keys and the
//! Alibaba legacy spelling ([`lookup`], [`resolve`]), the provider prefixes used to tell a
//! typo from someone else's annotation ([`PREFIXES`], [`suggest_key`]). The listing for
//! users is rendered by `render::catalogue`.

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
pub mod planner;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotations::catalogue::{Controller, Target};
    use crate::annotations::grammar::validate;
    use std::collections::BTreeSet;

    #[test]
    fn lookup_exact_prefixed_and_legacy() {
        let spec = lookup("kubernetes.io/elb.class").expect("known");
        assert_eq!(spec.provider, Provider::HuaweiCce);
        assert_eq!(spec.default, Some("union"));

        let r = resolve("alb.ingress.kubernetes.io/conditions.svc1").expect("prefixed");
        assert_eq!(
            r.spec.key,
            KeyPattern::Prefixed("alb.ingress.kubernetes.io/conditions.")
        );
        assert_eq!(r.name, Some("svc1"));
        assert!(!r.legacy);
        assert!(lookup("alb.ingress.kubernetes.io/conditions.").is_none());

        let r = resolve("service.beta.kubernetes.io/alicloud-loadbalancer-address-type")
            .expect("legacy prefix");
        assert!(r.legacy);
        assert_eq!(
            r.spec.key.text(),
            "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type"
        );
        let r = resolve("service.beta.kubernetes.io/alicloud-loadbalancer-ppv2-pvl-vpc-id")
            .expect("legacy prefixed");
        assert_eq!(r.name, Some("vpc-id"));

        assert!(
            lookup("service.beta.kubernetes.io/alibaba-cloud-loadbalancer-adress-type").is_none()
        );
        assert!(lookup("example.com/anything").is_none());
    }

    #[test]
    fn suggests_the_misspelt_key() {
        assert_eq!(
            suggest_key("service.beta.kubernetes.io/alibaba-cloud-loadbalancer-adress-type")
                .as_deref(),
            Some("service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type")
        );
        assert_eq!(
            suggest_key("kubernetes.io/elb.lb-algorithim").as_deref(),
            Some("kubernetes.io/elb.lb-algorithm")
        );
        assert_eq!(
            suggest_key("alb.ingress.kubernetes.io/listen-port").as_deref(),
            Some("alb.ingress.kubernetes.io/listen-ports")
        );
        assert_eq!(
            suggest_key("alb.ingress.kubernetes.io/condition.svc1").as_deref(),
            Some("alb.ingress.kubernetes.io/conditions.svc1")
        );
        // The legacy spelling is kept in the suggestion.
        assert_eq!(
            suggest_key("service.beta.kubernetes.io/alicloud-loadbalancer-schedular").as_deref(),
            Some("service.beta.kubernetes.io/alicloud-loadbalancer-scheduler")
        );
        // Other clouds' keys under a shared prefix are not typos of ours.
        assert_eq!(
            suggest_key("service.beta.kubernetes.io/aws-load-balancer-type"),
            None
        );
    }

    #[test]
    fn prefixes_are_most_specific_first() {
        let p = prefix_of("service.beta.kubernetes.io/alibaba-cloud-x").expect("prefix");
        assert!(p.strict);
        let p = prefix_of("service.beta.kubernetes.io/aws-x").expect("prefix");
        assert!(!p.strict);
        assert!(prefix_of("example.com/x").is_none());
    }

    #[test]
    fn catalogue_is_sane() {
        let mut seen = BTreeSet::new();
        for spec in catalogue() {
            let key = spec.key.text();
            assert!(seen.insert(key), "duplicate key {key}");
            assert!(
                !spec.doc.trim().is_empty() && !spec.doc.contains('\n'),
                "{key}: doc must be one non-empty line"
            );
            assert!(!spec.targets.is_empty(), "{key}: no target");
            if spec.readers.is_empty() {
                assert!(
                    spec.doc.contains("never"),
                    "{key}: a key nobody reads must say so"
                );
            }
            if let Some(d) = spec.default {
                let errors = validate(spec.grammar, d);
                assert!(
                    errors.is_empty(),
                    "{key}: default {d:?} invalid: {errors:?}"
                );
                for (reader, g) in spec.variants {
                    let errors = validate(*g, d);
                    assert!(
                        errors.is_empty(),
                        "{key}: default {d:?} invalid for {reader:?}: {errors:?}"
                    );
                }
            }
            for (reader, _) in spec.variants {
                assert!(
                    spec.readers.contains(reader),
                    "{key}: variant for {reader:?}, which does not read it"
                );
            }
        }
    }

    #[test]
    fn every_provider_has_its_keys() {
        let count = |p: Provider| catalogue().filter(|s| s.provider == p).count();
        assert!(count(Provider::AlibabaClb) >= 70);
        assert!(count(Provider::AlibabaEdge) >= 10);
        assert!(count(Provider::HuaweiCce) >= 40);
        assert!(count(Provider::AlibabaAlb) >= 50);
        // The seed-named keys are all there.
        for key in [
            "service.openyurt.io/nodepool-labelselector",
            "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-managed-by-user",
            "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-id",
            "service.beta.kubernetes.io/backend-type",
            "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-server-group-type",
            "kubernetes.io/elb.autocreate",
            "kubernetes.io/elb.session-affinity-option",
            "kubernetes.io/hws-hostNetwork",
            "alb.ingress.kubernetes.io/remote-clusters",
            "alb.ingress.kubernetes.io/cluster-weight.c6abc",
            "alibabacloud.com/ens-vswitch-id",
        ] {
            assert!(lookup(key).is_some(), "{key} missing");
        }
        let ens = lookup("alibabacloud.com/ens-network-id").expect("ens");
        assert_eq!(ens.targets, &[Target::NodePool]);
        assert!(ens.readers.contains(&Controller::Elb));
    }

    #[test]
    fn reader_variants_tighten_the_grammar() {
        let spec = lookup("service.beta.kubernetes.io/alibaba-cloud-loadbalancer-protocol-port")
            .expect("k");
        assert!(validate(spec.grammar_for(Some(Controller::Clb)), "http:80").is_empty());
        assert!(!validate(spec.grammar_for(Some(Controller::Nlb)), "http:80").is_empty());
        assert!(validate(spec.grammar_for(Some(Controller::Nlb)), "TCPSSL:443").is_empty());
        assert!(!validate(spec.grammar_for(Some(Controller::Clb)), "HTTP:80").is_empty());
    }
}
