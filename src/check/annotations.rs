//! Annotation rules: every annotation on every object is looked up in the provider
//! catalogues (`providers::resolve`).
//!
//! The real controllers read annotations by exact key and check almost nothing, so every
//! mistake here is silent in a live cluster: a typo is ignored, a bad enum fails at the
//! cloud API much later, a key on the wrong object does nothing. These rules make each of
//! those visible, pointing at the key or at the exact character of the value.

use crate::annotations::catalogue::{AnnotationSpec, Controller, Provider, Target};
use crate::annotations::grammar;
use crate::diag::{Diagnostic, Diagnostics};
use crate::manifest::decode::StringEntry;
use crate::manifest::service::Service;
use crate::manifest::{Manifest, Object};
use crate::providers::{self, ALIBABA_LEGACY_PREFIX, ALIBABA_PREFIX};
use crate::source::SourceMap;

const NLB_CLASS: &str = "alibabacloud.com/nlb";
const ELB_CLASS: &str = "alibabacloud.com/elb";
const NODEPOOL_SELECTOR: &str = "service.openyurt.io/nodepool-labelselector";

/// Runs every annotation rule over one object.
pub fn check(sources: &SourceMap, m: &Manifest, diags: &mut Diagnostics) {
    if matches!(m.object, Object::ClusterProfile(_)) {
        return;
    }
    let place = Place::of(m);
    let mut inert_on_non_lb: Vec<&StringEntry> = Vec::new();
    for entry in m.meta.annotations.values() {
        check_entry(sources, m, &place, entry, &mut inert_on_non_lb, diags);
    }
    if let (Place::Service { svc, .. }, Some(first)) = (&place, inert_on_non_lb.first()) {
        diags.push(not_load_balancer(m, svc, first, &inert_on_non_lb[1..]));
    }
    if let Place::Service { .. } = place {
        two_clouds(m, diags);
        huawei_combinations(m, diags);
    }
    legacy_shadowed(m, diags);
    if let Place::Other(Target::Ingress) = place {
        canary_with_conditions(m, diags);
    }
}

/// What kind of object the annotations sit on, and for a Service which controllers
/// handle it.
enum Place<'m> {
    Service {
        svc: &'m Service,
        /// The Alibaba controllers that act on this Service, when the manifest tells.
        alibaba: Option<&'static [Controller]>,
    },
    /// PoolService, NodePool, Ingress, AlbConfig.
    Other(Target),
    /// Objects no load-balancer annotation applies to; the kind name.
    Unrelated(&'m str),
}

impl<'m> Place<'m> {
    fn of(m: &'m Manifest) -> Self {
        match &m.object {
            Object::Service(svc) => Place::Service {
                svc,
                alibaba: alibaba_handlers(m, svc),
            },
            Object::PoolService(_) => Place::Other(Target::PoolService),
            Object::NodePool(_) => Place::Other(Target::NodePool),
            Object::Ingress(_) => Place::Other(Target::Ingress),
            Object::AlbConfig(_) => Place::Other(Target::AlbConfig),
            _ => Place::Unrelated(m.kind.value.as_str()),
        }
    }

    /// The reader whose grammar variant applies to values here.
    fn reader(&self) -> Option<Controller> {
        match self {
            Place::Service {
                alibaba: Some(h), ..
            } => {
                if h.contains(&Controller::Elb) {
                    Some(Controller::Elb)
                } else {
                    h.first().copied()
                }
            }
            Place::Other(Target::PoolService) => Some(Controller::Elb),
            _ => None,
        }
    }

    /// Whether unknown keys under provider prefixes are worth reporting here.
    fn takes_lb_annotations(&self) -> bool {
        !matches!(self, Place::Unrelated(k) if *k != "IngressClass")
    }
}

/// Alibaba routing (reference §1): no class → CLB unless another controller is named;
/// the NLB class → NLB; any class plus a non-empty pool selector → OpenYurt, and ECM ELB
/// for the ELB class. Anything else is not decidable from the manifest alone.
fn alibaba_handlers(m: &Manifest, svc: &Service) -> Option<&'static [Controller]> {
    let class = svc.load_balancer_class.as_ref().map(|c| c.value.as_str());
    let selector = m
        .meta
        .annotation(NODEPOOL_SELECTOR)
        .is_some_and(|s| !s.trim().is_empty());
    match class {
        None => {
            let diverted = m
                .meta
                .annotation("service.beta.kubernetes.io/class")
                .is_some()
                || m.meta.annotations.keys().any(|k| {
                    providers::canonical_key(k)
                        == format!("{ALIBABA_PREFIX}loadbalancer-tunnel-type")
                });
            (!diverted).then_some(&[Controller::Clb][..])
        }
        Some(NLB_CLASS) => Some(&[Controller::Nlb]),
        Some(ELB_CLASS) if selector => Some(&[Controller::OpenYurt, Controller::Elb]),
        Some(_) if selector => Some(&[Controller::OpenYurt]),
        Some(_) => None,
    }
}

fn check_entry<'m>(
    sources: &SourceMap,
    m: &Manifest,
    place: &Place,
    entry: &'m StringEntry,
    inert_on_non_lb: &mut Vec<&'m StringEntry>,
    diags: &mut Diagnostics,
) {
    let key = entry.key.value.as_str();
    let Some(resolved) = providers::resolve(key) else {
        if place.takes_lb_annotations() {
            unknown_key(entry, diags);
        }
        return;
    };
    let spec = resolved.spec;
    check_value(sources, m, place, spec, entry, diags);
    if let Some(d) = no_effect(place, spec, entry, inert_on_non_lb) {
        diags.push(d);
        return;
    }
    if spec.readers == [Controller::HuaweiCcm] {
        let mut d = Diagnostic::warning(
            "LBP3205",
            format!("`{key}` is read only by the upstream Huawei CCM; CCE ignores it"),
        )
        .with_primary(entry.key.span, "not a CCE annotation");
        d = match crate::providers::huawei_cce::cce_equivalent(key) {
            Some(cce) => d.with_help(format!("on CCE, use `{cce}`")),
            None => d.with_help("remove it, unless the cluster runs the open-source Huawei CCM"),
        };
        diags.push(d);
    }
}

fn check_value(
    sources: &SourceMap,
    m: &Manifest,
    place: &Place,
    spec: &AnnotationSpec,
    entry: &StringEntry,
    diags: &mut Diagnostics,
) {
    let key = entry.key.value.as_str();
    let reader = place.reader();
    let g = spec.grammar_for(reader);
    let errors = grammar::validate_annotation(&entry.key.value, g, &entry.value.value);
    if errors.is_empty() {
        return;
    }
    let locator = entry.locator(sources.get(m.file));
    let variant = (g != spec.grammar).then_some(reader).flatten();
    for err in errors {
        // A short parser message reads best under the token itself ("expected `,` or `}`
        // after object member"); a long one stays in the title only.
        let label = if err.message.chars().count() <= 48 {
            err.message.clone()
        } else {
            "here".to_string()
        };
        let mut d = Diagnostic::error("LBP1201", format!("invalid `{key}`: {}", err.message))
            .with_primary(locator.span(err.start, err.end), label)
            .with_secondary(entry.key.span, "in this annotation");
        if let Some(help) = &err.help {
            d = d.with_help(help.clone());
        }
        if let Some(r) = variant {
            d = d.with_note(format!(
                "checked with the value set of the {} controller, which handles this object",
                r.name()
            ));
        }
        diags.push(d);
    }
}

fn unknown_key(entry: &StringEntry, diags: &mut Diagnostics) {
    let key = entry.key.value.as_str();
    let canonical = providers::canonical_key(key);
    let Some(prefix) = providers::prefix_of(&canonical) else {
        return;
    };
    let suggestion = providers::suggest_key(key);
    if !prefix.strict && suggestion.is_none() {
        return;
    }
    let mut d = Diagnostic::warning(
        "LBP3201",
        format!("unknown annotation `{key}`; the controller ignores it silently"),
    )
    .with_primary(
        entry.key.span,
        format!("no controller reads this key under `{}`", prefix.prefix),
    );
    d = match suggestion {
        Some(s) => d.with_help(format!("did you mean `{s}`?")),
        None => d.with_help("check the spelling against `lbplan annotations`, or remove it"),
    };
    diags.push(d);
}

/// The "no effect" finding for one annotation, if any. Keys that are fine on a
/// LoadBalancer Service but sit on another Service type are collected instead, so the
/// Service gets one finding listing them all.
fn no_effect<'m>(
    place: &Place,
    spec: &AnnotationSpec,
    entry: &'m StringEntry,
    inert_on_non_lb: &mut Vec<&'m StringEntry>,
) -> Option<Diagnostic> {
    let key = entry.key.value.as_str();
    let read_from = spec
        .targets
        .iter()
        .map(|t| t.name())
        .collect::<Vec<_>>()
        .join(" or ");
    let wrong_object = |kind: &str| {
        let a = article(kind);
        Diagnostic::warning("LBP3202", format!("`{key}` has no effect on {a} {kind}"))
            .with_primary(entry.key.span, format!("not read from {a} {kind}"))
            .with_help(format!(
                "this annotation is read from {} {read_from}",
                article(&read_from)
            ))
    };
    let unread = || {
        Diagnostic::warning(
            "LBP3202",
            format!("`{key}` has no effect: no controller reads it"),
        )
        .with_primary(entry.key.span, "documented or declared, but never read")
        .with_help(spec.doc)
    };
    match place {
        Place::Unrelated(kind) => Some(wrong_object(kind)),
        Place::Other(target) => {
            if !spec.applies_to(*target) {
                let mut d = wrong_object(target.name());
                if *target == Target::PoolService {
                    d = d.with_note(format!(
                        "the ELB controller overlays only `{ALIBABA_PREFIX}*` keys of a PoolService on its Service"
                    ));
                }
                Some(d)
            } else if spec.readers.is_empty() {
                Some(unread())
            } else {
                None
            }
        }
        Place::Service { svc, alibaba } => {
            if !spec.applies_to(Target::LoadBalancerService) {
                return Some(wrong_object("Service"));
            }
            if spec.readers.is_empty() {
                return Some(unread());
            }
            if !svc.is_load_balancer() {
                if !spec.applies_to(Target::Service) {
                    inert_on_non_lb.push(entry);
                }
                return None;
            }
            let alibaba_key = matches!(spec.provider, Provider::AlibabaClb | Provider::AlibabaEdge);
            let handlers = (*alibaba)?;
            if !alibaba_key
                || spec.applies_to(Target::Service)
                || spec.readers.iter().any(|r| handlers.contains(r))
            {
                return None;
            }
            let names = |cs: &[Controller]| {
                cs.iter()
                    .map(|c| c.name())
                    .collect::<Vec<_>>()
                    .join(" and ")
            };
            let mut d = Diagnostic::warning(
                "LBP3202",
                format!(
                    "`{key}` has no effect: this Service is handled by the {} controller, which does not read it",
                    names(handlers)
                ),
            )
            .with_primary(entry.key.span, format!("read only by {}", names(spec.readers)));
            if let Some(class) = &svc.load_balancer_class {
                d = d.with_secondary(class.span, "this class decides the controller");
            }
            let help = if key == NODEPOOL_SELECTOR {
                "OpenYurt only fans out Services that set `spec.loadBalancerClass` (e.g. `alibabacloud.com/elb`); without a class the CCM builds one CLB and ignores the selector"
            } else if spec.readers.contains(&Controller::Nlb) {
                "remove it, or set `spec.loadBalancerClass: alibabacloud.com/nlb` to get an NLB"
            } else if spec.readers.contains(&Controller::Elb) {
                "remove it, or set `spec.loadBalancerClass: alibabacloud.com/elb` and `service.openyurt.io/nodepool-labelselector` to get ELBs per node pool"
            } else {
                "remove it, or drop `spec.loadBalancerClass` so that the CCM builds a CLB"
            };
            Some(d.with_help(help))
        }
    }
}

/// One finding for all load-balancer annotations of a Service that is not `type: LoadBalancer`.
fn not_load_balancer(
    m: &Manifest,
    svc: &Service,
    first: &StringEntry,
    rest: &[&StringEntry],
) -> Diagnostic {
    let ty = svc.type_name();
    let count = rest.len() + 1;
    let message = if count == 1 {
        format!(
            "`{}` has no effect: Service `{}` is `type: {ty}`",
            first.key.value,
            m.meta.name()
        )
    } else {
        format!(
            "{count} load-balancer annotations have no effect: Service `{}` is `type: {ty}`",
            m.meta.name()
        )
    };
    let mut d = Diagnostic::warning("LBP3202", message).with_primary(
        first.key.span,
        "only read on Services of `type: LoadBalancer`",
    );
    for e in rest {
        d = d.with_secondary(e.key.span, "also ignored");
    }
    if let Some(t) = &svc.type_ {
        d = d.with_secondary(t.span, "no load balancer is built for this type");
    }
    d.with_help(
        "set `spec.type: LoadBalancer` if the Service should get a load balancer; otherwise remove the annotations",
    )
}

/// `a` or `an` before a kind name, by its first letter.
fn article(word: &str) -> &'static str {
    match word.chars().next() {
        Some(c) if "AEIOUaeiou".contains(c) => "an",
        _ => "a",
    }
}

fn is_huawei(key: &str) -> bool {
    key.starts_with("kubernetes.io/elb.") || key == "kubernetes.io/hws-hostNetwork"
}

fn is_alibaba(key: &str) -> bool {
    key.starts_with(ALIBABA_PREFIX)
        || key.starts_with(ALIBABA_LEGACY_PREFIX)
        || providers::lookup(key)
            .is_some_and(|s| matches!(s.provider, Provider::AlibabaClb | Provider::AlibabaEdge))
}

/// Huawei and Alibaba keys on one Service: one cloud's controller ignores the other's.
fn two_clouds(m: &Manifest, diags: &mut Diagnostics) {
    let anns = &m.meta.annotations;
    let huawei = anns.values().find(|e| is_huawei(&e.key.value));
    let alibaba = anns.values().find(|e| is_alibaba(&e.key.value));
    if let (Some(h), Some(a)) = (huawei, alibaba) {
        diags.push(
            Diagnostic::warning(
                "LBP3203",
                format!(
                    "Service `{}` carries annotations for both Huawei CCE and Alibaba Cloud",
                    m.meta.name()
                ),
            )
            .with_primary(h.key.span, "a Huawei CCE annotation")
            .with_secondary(a.key.span, "an Alibaba Cloud annotation")
            .with_help(
                "a cluster runs one cloud's controller, which ignores the other's keys; keep the annotations of the cloud this Service runs on",
            ),
        );
    }
}

/// CCE combinations the controller refuses or resolves badly.
fn huawei_combinations(m: &Manifest, diags: &mut Diagnostics) {
    let anns = &m.meta.annotations;
    let get = |k: &str| anns.get(k);
    if let (Some(id), Some(auto)) = (
        get("kubernetes.io/elb.id"),
        get("kubernetes.io/elb.autocreate"),
    ) {
        diags.push(
            Diagnostic::error(
                "LBP2201",
                "`kubernetes.io/elb.id` and `kubernetes.io/elb.autocreate` must not be combined",
            )
            .with_primary(auto.key.span, "auto-create requested here")
            .with_secondary(id.key.span, "an existing ELB is named here")
            .with_help(
                "keep `elb.id` to use the existing ELB (kept on delete), or `elb.autocreate` to create one; with both, CCE treats the existing ELB as auto-created and deletes it with the Service",
            ),
        );
    }
    if let (Some(one), Some(many)) = (
        get("kubernetes.io/elb.health-check-option"),
        get("kubernetes.io/elb.health-check-options"),
    ) {
        diags.push(
            Diagnostic::error(
                "LBP2201",
                "`kubernetes.io/elb.health-check-option` and `kubernetes.io/elb.health-check-options` are mutually exclusive",
            )
            .with_primary(many.key.span, "per-port health checks")
            .with_secondary(one.key.span, "one health check for all ports")
            .with_help("keep one: per-port `health-check-options`, or the single `health-check-option`"),
        );
    }
    if let (Some(mode), Some(alg)) = (
        get("kubernetes.io/elb.session-affinity-mode"),
        get("kubernetes.io/elb.lb-algorithm"),
    ) && mode.value.value == "SOURCE_IP"
        && alg.value.value == "SOURCE_IP"
    {
        diags.push(
            Diagnostic::error(
                "LBP2202",
                "sticky sessions cannot be combined with the `SOURCE_IP` algorithm",
            )
            .with_primary(mode.value.span, "stickiness requested here")
            .with_secondary(alg.value.span, "source-IP hashing chosen here")
            .with_help(
                "drop `elb.session-affinity-mode` (SOURCE_IP hashing already pins clients), or use ROUND_ROBIN or LEAST_CONNECTIONS",
            ),
        );
    }
}

/// `alicloud-X` and `alibaba-cloud-X` both set with different values: the legacy one is ignored.
fn legacy_shadowed(m: &Manifest, diags: &mut Diagnostics) {
    let anns = &m.meta.annotations;
    for e in anns.values() {
        let Some(suffix) = e.key.value.strip_prefix(ALIBABA_LEGACY_PREFIX) else {
            continue;
        };
        let current = format!("{ALIBABA_PREFIX}{suffix}");
        let Some(winner) = anns.get(&current) else {
            continue;
        };
        if winner.value.value == e.value.value {
            continue;
        }
        diags.push(
            Diagnostic::warning(
                "LBP3204",
                format!("`{}` is ignored: `{current}` is also set", e.key.value),
            )
            .with_primary(e.value.span, "this value is never used")
            .with_secondary(winner.value.span, "this value wins")
            .with_help(format!("remove the legacy `{}` key", e.key.value)),
        );
    }
}

/// ALBC refuses a canary Ingress with custom conditions.
fn canary_with_conditions(m: &Manifest, diags: &mut Diagnostics) {
    let anns = &m.meta.annotations;
    let canary = [
        "alb.ingress.kubernetes.io/canary",
        "nginx.ingress.kubernetes.io/canary",
    ]
    .iter()
    .filter_map(|k| anns.get(*k))
    .find(|e| e.value.value == "true");
    let conditions = anns.values().find(|e| {
        e.key
            .value
            .starts_with("alb.ingress.kubernetes.io/conditions.")
    });
    if let (Some(c), Some(cond)) = (canary, conditions) {
        diags.push(
            Diagnostic::error(
                "LBP2203",
                format!(
                    "Ingress `{}` is a canary and has custom conditions; the ALB controller refuses it",
                    m.meta.name()
                ),
            )
            .with_primary(cond.key.span, "custom conditions")
            .with_secondary(c.value.span, "canary Ingress")
            .with_help(
                "split traffic with canary-weight / canary-by-header / canary-by-cookie, or drop `canary` and route with the conditions",
            ),
        );
    }
}
