//! The planning registry: every provider's cluster rules, model builder and [`Causes`].
//!
//! The driver (`compile`) knows no provider: it runs [`check_clusters`] for `validate`
//! and [`build_models`] plus [`causes`] for `plan`. Adding a provider is one entry in
//! [`PLANNERS`], so providers never touch the driver or each other.

use std::collections::BTreeMap;

use crate::diag::Diagnostics;
use crate::model::{Model, Resource};
use crate::plan::Causes;
use crate::topology::Resolved;

/// What a plan shows for a value the cloud assigns.
pub const KNOWN_AFTER_APPLY: &str = "(known after apply)";

/// Where one external address of a Service will come from (its EXTERNAL-IP column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngressSource {
    /// `<namespace>/<service>`.
    pub service: String,
    /// The EIP resource whose `ip_address` is the address, when an EIP is bound.
    pub eip: Option<String>,
    /// The load-balancer resource whose `address` is the address otherwise.
    pub load_balancer: String,
}

/// The desired resources of one provider and where each Service's addresses come from.
#[derive(Debug, Default)]
pub struct Built {
    pub resources: Vec<Resource>,
    pub ingress: Vec<IngressSource>,
    /// Why a unit's resources exist, when they share one reason: the plan gives it to
    /// each resource it creates rather than asking the provider's [`Causes`] about every
    /// address (which, for a fleet, means parsing a few hundred thousand addresses back).
    /// Must say what the provider's `why_present` would.
    pub cause: Option<String>,
}

impl Built {
    pub fn absorb(&mut self, other: Built) {
        self.resources.extend(other.resources);
        self.ingress.extend(other.ingress);
    }
}

/// One provider's entry points.
pub struct Planner {
    /// For messages and tests.
    pub name: &'static str,
    /// The rules that need the lowered cluster and its topology. Run by `validate` and by
    /// `plan` (before `build`); findings go to the diagnostics.
    pub check: fn(&Resolved, &mut Diagnostics),
    /// The provider's desired resources, handed to `emit` in units: a unit's resources
    /// depend only on each other and on earlier units, and its ingress sources name its
    /// own resources. The plan diffs and writes out each unit before the next is built,
    /// so small units keep a fleet's plan out of memory. Must not repeat the findings of
    /// `check`.
    pub build: fn(&[Resolved], &mut Diagnostics, &mut dyn FnMut(Built)),
    /// Explains, in manifest terms, why an address of this provider appears or
    /// disappears. Asked in registry order; the first answer wins.
    /// Borrows the clusters and the prior model, which outlive the plan, rather than
    /// copying what it needs from them.
    pub causes: for<'a> fn(&'a [Resolved<'a>], &'a Model) -> Box<dyn Causes + 'a>,
    /// Rules that only the prior state can decide (what the controller created before),
    /// run by `plan --state`. `None` when the provider has none.
    pub against_state: Option<fn(&[Resolved], &Model, &mut Diagnostics)>,
}

/// Every provider that plans. Each provider's causes answer only for its own addresses,
/// so the order is the order of the providers' resources in the model and nothing else.
pub static PLANNERS: &[Planner] = &[
    Planner {
        name: "alibaba-alb",
        check: super::alibaba_alb::rules::check_cluster,
        build: |r, d, emit| emit(super::alibaba_alb::build::build(r, d)),
        causes: super::alibaba_alb::causes::boxed,
        against_state: None,
    },
    Planner {
        name: "alibaba-ccm",
        check: super::alibaba_clb::rules::check_cluster,
        build: |r, d, emit| emit(super::alibaba_clb::build::build(r, d)),
        causes: super::alibaba_clb::causes::boxed,
        against_state: Some(super::alibaba_clb::rules::check_against_state),
    },
    Planner {
        name: "huawei-elb",
        check: super::huawei_cce::rules::check_cluster,
        build: |r, d, emit| emit(super::huawei_cce::build::build(r, d)),
        causes: super::huawei_cce::causes::boxed,
        against_state: None,
    },
    Planner {
        name: "alibaba-elb",
        check: super::alibaba_edge::rules::check_cluster,
        build: super::alibaba_edge::build::build_units,
        causes: super::alibaba_edge::causes::boxed,
        against_state: None,
    },
];

/// Every provider's cluster rules over every resolved cluster.
pub fn check_clusters(resolved: &[Resolved], diags: &mut Diagnostics) {
    for r in resolved {
        for p in PLANNERS {
            (p.check)(r, diags);
        }
    }
}

/// Every provider's rules that need the prior state.
pub fn check_against_state(resolved: &[Resolved], prior: &Model, diags: &mut Diagnostics) {
    for check in PLANNERS.iter().filter_map(|p| p.against_state) {
        check(resolved, prior, diags);
    }
}

/// Every provider's rules and resources, in registry order, as one collection (for the
/// base tree of `lbplan diff`, which is the prior model and is needed whole).
pub fn build_models(resolved: &[Resolved], diags: &mut Diagnostics) -> Built {
    let mut all = Built::default();
    build_units(resolved, diags, &mut |unit| all.absorb(unit));
    all
}

/// Every provider's rules, then its resources unit by unit, in registry order.
pub fn build_units(resolved: &[Resolved], diags: &mut Diagnostics, emit: &mut dyn FnMut(Built)) {
    check_clusters(resolved, diags);
    for p in PLANNERS {
        (p.build)(resolved, diags, emit);
    }
}

/// Asks each provider in turn.
struct Chain<'a>(Vec<Box<dyn Causes + 'a>>);

impl Causes for Chain<'_> {
    fn why_absent(&self, address: &str) -> Option<String> {
        self.0.iter().find_map(|c| c.why_absent(address))
    }
    fn why_present(&self, address: &str) -> Option<String> {
        self.0.iter().find_map(|c| c.why_present(address))
    }
    fn cause_site(&self, address: &str) -> Option<crate::plan::CauseSite> {
        self.0.iter().find_map(|c| c.cause_site(address))
    }
    fn left_behind(&self, address: &str) -> Option<String> {
        self.0.iter().find_map(|c| c.left_behind(address))
    }
}

/// The [`Causes`] of every provider, for diffing against `prior`.
pub fn causes<'a>(resolved: &'a [Resolved<'a>], prior: &'a Model) -> Box<dyn Causes + 'a> {
    Box::new(Chain(
        PLANNERS
            .iter()
            .map(|p| (p.causes)(resolved, prior))
            .collect(),
    ))
}

/// Each Service's future EXTERNAL-IP column, by `<namespace>/<name>`: one address per
/// ingress source, sorted, `(known after apply)` where the cloud has not assigned it yet
/// (SPEC §3, reference §6.6). `address_of(resource, attr)` reads a planned attribute.
pub fn external_ips(
    ingress: &[IngressSource],
    address_of: impl Fn(&str, &str) -> Option<String>,
) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for i in ingress {
        let ip = match &i.eip {
            Some(eip) => address_of(eip, "ip_address"),
            None => address_of(&i.load_balancer, "address"),
        };
        out.entry(i.service.clone())
            .or_default()
            .push(ip.unwrap_or_else(|| KNOWN_AFTER_APPLY.to_string()));
    }
    for v in out.values_mut() {
        v.sort();
    }
    out
}
