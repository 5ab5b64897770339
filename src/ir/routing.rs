//! Which controller builds what for a Service (SPEC §2, reference §1).
//!
//! The decision is made once, here, so that every later stage reads an enum instead of
//! re-deriving it from strings, and so that the spans of the fields that decided it travel
//! with the decision (a plan entry can then say "because of `loadBalancerClass` on line 9").

use crate::diag::{Diagnostic, Diagnostics};
use crate::kube::selector::{LabelSelector, parse_selector, parse_selector_at};
use crate::manifest::Manifest;
use crate::manifest::decode::StringEntry;
use crate::manifest::profile::Cloud;
use crate::manifest::service::Service;
use crate::source::{SourceMap, Span};

use super::{ServiceIr, ServiceType, Setting};

/// The Service annotation OpenYurt's loadbalancerset controller reads (reference §5.3).
pub const NODEPOOL_SELECTOR: &str = "service.openyurt.io/nodepool-labelselector";
/// `spec.loadBalancerClass` of ACK Edge ELB Services (ECM).
pub const ELB_CLASS: &str = "alibabacloud.com/elb";
/// `spec.loadBalancerClass` of CCM NLB Services.
pub const NLB_CLASS: &str = "alibabacloud.com/nlb";
/// Annotations that hand a class-less Service to another controller, so the CCM CLB
/// controller skips it (`NeedCLB`, reference §1).
const DIVERTING_ANNOTATIONS: &[&str] = &[
    "service.beta.kubernetes.io/class",
    "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-tunnel-type",
];

/// `spec.loadBalancerClass`, as far as the routing table distinguishes it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LbClass {
    /// `alibabacloud.com/elb`: PoolServices of this class become ENS ELBs (ECM ≥ 2.1.0).
    Elb,
    /// `alibabacloud.com/nlb`.
    Nlb,
    /// Any other class: some controller we do not model owns it. Its text is read from the
    /// Service (`spec.loadBalancerClass`): a copy here made every Service's route 24 bytes
    /// larger, and a fleet's plan holds ten thousand routes throughout.
    Other,
}

impl LbClass {
    fn parse(s: &str) -> LbClass {
        match s {
            ELB_CLASS => LbClass::Elb,
            NLB_CLASS => LbClass::Nlb,
            _ => LbClass::Other,
        }
    }
}

/// Who builds the Service's cloud resources (one row of the SPEC §2 table).
#[derive(Debug, Clone, PartialEq)]
pub enum Route {
    /// CCM: one CLB. `type_span` is `spec.type`.
    Clb { type_span: Option<Span> },
    /// CCM: one NLB, chosen by `spec.loadBalancerClass`.
    Nlb { class_span: Span },
    /// OpenYurt fans the Service out into one PoolService per NodePool matched by its
    /// selector ([`ServiceIr::pool_selector`]); with [`LbClass::Elb`] the ECM then builds
    /// one ELB per PoolService.
    PoolServices {
        /// The selector text inside the annotation value.
        selector_span: Span,
        /// The whole annotation entry (key and value).
        annotation_span: Span,
        class: LbClass,
        class_span: Span,
    },
    /// Huawei CCE: one ELB for a `type: LoadBalancer` Service.
    Cce { type_span: Option<Span> },
    /// Nobody builds anything; `reason` says why (some reasons are warnings, see
    /// [`super::lower`]).
    None { reason: NoRoute },
}

/// Why no controller handles a Service.
#[derive(Debug, Clone, PartialEq)]
pub enum NoRoute {
    /// Not `type: LoadBalancer`.
    NotLoadBalancer { type_: Setting<ServiceType> },
    /// Class `alibabacloud.com/elb` without a non-empty nodepool selector: CCM skips it
    /// (class set), OpenYurt skips it (no selector) — a silent no-op in the real cluster.
    ElbClassWithoutSelector { class_span: Span },
    /// A class no modelled controller owns (and no selector to fan it out).
    ForeignClass { class: String, class_span: Span },
    /// A class-less Service handed to another controller by an annotation.
    DivertedByAnnotation { key: String, span: Span },
    /// The selector annotation does not parse; the loadbalancerset controller fails to
    /// reconcile (the syntax error is reported by the check stage).
    InvalidSelector { span: Span },
}

/// Decides the route of one Service and reports the routing surprises (LBP6001–LBP6003).
pub(super) fn route(
    sources: &SourceMap,
    cloud: Cloud,
    m: &Manifest,
    svc: &Service,
    type_: &Setting<ServiceType>,
    diags: &mut Diagnostics,
) -> Route {
    if type_.value != ServiceType::LoadBalancer {
        return Route::None {
            reason: NoRoute::NotLoadBalancer {
                type_: type_.clone(),
            },
        };
    }
    let class = svc.load_balancer_class.as_ref();
    if cloud == Cloud::Huawei {
        return match class {
            None => Route::Cce {
                type_span: type_.span,
            },
            Some(c) => Route::None {
                reason: NoRoute::ForeignClass {
                    class: c.value.to_string(),
                    class_span: c.span,
                },
            },
        };
    }
    let selector_entry = m.meta.annotations.get(NODEPOOL_SELECTOR);
    let empty_selector = selector_entry.filter(|e| e.value.value.trim().is_empty());
    let selector = selector_entry.filter(|e| !e.value.value.trim().is_empty());
    let Some(class) = class else {
        if let Some(key) = DIVERTING_ANNOTATIONS
            .iter()
            .find_map(|k| m.meta.annotations.get(*k))
        {
            return Route::None {
                reason: NoRoute::DivertedByAnnotation {
                    key: key.key.value.to_string(),
                    span: key.key.span,
                },
            };
        }
        if let Some(entry) = selector {
            diags.push(selector_ignored(entry, type_.span));
        } else if let Some(entry) = empty_selector {
            diags.push(empty_selector_ignored(entry));
        }
        return Route::Clb {
            type_span: type_.span,
        };
    };
    let lb_class = LbClass::parse(&class.value);
    if lb_class == LbClass::Nlb {
        return Route::Nlb {
            class_span: class.span,
        };
    }
    if let Some(entry) = selector {
        // The route keeps only where the selector sits ([`ServiceIr::pool_selector`] parses
        // it again): whether it parses is all that is asked of it here.
        let text = &entry.value.value;
        return match parse_selector(text) {
            Ok(_) => Route::PoolServices {
                selector_span: entry.locator(sources.get(m.file)).span(0, text.len()),
                annotation_span: entry.key.span.join(entry.value.span),
                class: lb_class,
                class_span: class.span,
            },
            Err(_) => Route::None {
                reason: NoRoute::InvalidSelector {
                    span: entry.value.span,
                },
            },
        };
    }
    match lb_class {
        LbClass::Elb => {
            diags.push(elb_without_selector(class.span, empty_selector));
            Route::None {
                reason: NoRoute::ElbClassWithoutSelector {
                    class_span: class.span,
                },
            }
        }
        _ => {
            if let Some(entry) = empty_selector {
                diags.push(empty_selector_ignored(entry));
            }
            Route::None {
                reason: NoRoute::ForeignClass {
                    class: class.value.to_string(),
                    class_span: class.span,
                },
            }
        }
    }
}

impl ServiceIr<'_> {
    /// The node pool selector of a Service routed to PoolServices, every part of it
    /// positioned at the whole selector. Parsed again when asked for (by the topology, once
    /// per Service) rather than kept in the route: a fleet's plan holds ten thousand routes
    /// throughout, and their selectors were most of them.
    pub fn pool_selector(&self) -> Option<LabelSelector> {
        let Route::PoolServices { selector_span, .. } = &self.route else {
            return None;
        };
        let text = self.obj.manifest.meta.annotation(NODEPOOL_SELECTOR)?;
        parse_selector_at(text, *selector_span).ok()
    }
}

fn elb_without_selector(class_span: Span, empty: Option<&StringEntry>) -> Diagnostic {
    let mut d = Diagnostic::warning(
        "LBP6001",
        "class `alibabacloud.com/elb` without a node pool selector: the real cluster does nothing for this Service",
    )
    .with_primary(
        class_span,
        "no controller picks up this class without `service.openyurt.io/nodepool-labelselector`",
    )
    .with_help(
        "add `service.openyurt.io/nodepool-labelselector: <label>=<value>` selecting the ENS node pools that should each get an ELB, or drop `spec.loadBalancerClass` to get one CLB",
    );
    if let Some(e) = empty {
        d = d
            .with_secondary(e.value.span, "an empty selector counts as absent")
            .with_note("OpenYurt only fans out Services whose selector annotation is non-empty");
    }
    d
}

fn selector_ignored(entry: &StringEntry, type_span: Option<Span>) -> Diagnostic {
    let mut d = Diagnostic::warning(
        "LBP6002",
        "this Service gets one CLB: without `spec.loadBalancerClass` the node pool selector is ignored",
    )
    .with_primary(
        entry.key.span,
        "ignored: OpenYurt only fans out Services that set a class",
    )
    .with_help(
        "set `spec.loadBalancerClass: alibabacloud.com/elb` to get one ELB per selected node pool, or remove the annotation if one CLB is what you want",
    );
    if let Some(span) = type_span {
        d = d.with_secondary(span, "the CCM builds a CLB for this LoadBalancer Service");
    }
    d
}

fn empty_selector_ignored(entry: &StringEntry) -> Diagnostic {
    Diagnostic::advice(
        "LBP6003",
        "empty `service.openyurt.io/nodepool-labelselector` is the same as no selector",
    )
    .with_primary(entry.value.span, "empty: selects no node pool fan-out")
    .with_help("remove the annotation, or give it a selector such as `k8s-svc=cube`")
}
