//! The planning registry: every provider's cluster rules, model builder and [`Causes`].
//!
//! The driver (`compile`) knows no provider: it runs [`check_clusters`] for `validate`
//! and [`build_models`] plus [`causes`] for `plan`. Adding a provider is one entry in
//! [`PLANNERS`], so providers never touch the driver or each other.

use std::cell::OnceCell;

use crate::diag::Diagnostics;
use crate::model::{Model, Resource};
use crate::plan::{Causes, Outputs};
use crate::topology::Resolved;

pub use crate::plan::KNOWN_AFTER_APPLY;

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
    /// disappears. Asked in registry order; the first answer wins. Built when first asked
    /// about an address it [`may_answer`](Planner::may_answer).
    /// Borrows the clusters and the prior model, which outlive the plan, rather than
    /// copying what it needs from them.
    pub causes: CausesFn,
    /// Whether `causes` could answer anything about an address, told from the address
    /// alone: `false` only where every answer would be `None`. Building a provider's causes
    /// indexes every Service, so the chain builds them only for addresses they may answer.
    pub may_answer: fn(&str) -> bool,
    /// Rules that only the prior state can decide (what the controller created before),
    /// run by `plan --state`. `None` when the provider has none.
    pub against_state: Option<fn(&[Resolved], &Model, &mut Diagnostics)>,
}

/// A provider's [`Causes`] constructor.
pub type CausesFn = for<'a> fn(&'a [Resolved<'a>], &'a Model) -> Box<dyn Causes + 'a>;

/// For a provider that can tell its addresses only once its causes are built.
fn any_address(_: &str) -> bool {
    true
}

/// Every provider that plans. Each provider's causes answer only for its own addresses,
/// so the order is the order of the providers' resources in the model and nothing else.
pub static PLANNERS: &[Planner] = &[
    Planner {
        name: "alibaba-alb",
        check: super::alibaba_alb::rules::check_cluster,
        build: |r, d, emit| emit(super::alibaba_alb::build::build(r, d)),
        causes: super::alibaba_alb::causes::boxed,
        may_answer: super::alibaba_alb::causes::may_answer,
        against_state: None,
    },
    Planner {
        name: "alibaba-ccm",
        check: super::alibaba_clb::rules::check_cluster,
        build: |r, d, emit| emit(super::alibaba_clb::build::build(r, d)),
        causes: super::alibaba_clb::causes::boxed,
        may_answer: super::alibaba_clb::causes::may_answer,
        against_state: Some(super::alibaba_clb::rules::check_against_state),
    },
    Planner {
        name: "huawei-elb",
        check: super::huawei_cce::rules::check_cluster,
        build: |r, d, emit| emit(super::huawei_cce::build::build(r, d)),
        causes: super::huawei_cce::causes::boxed,
        may_answer: super::huawei_cce::causes::may_answer,
        against_state: None,
    },
    Planner {
        name: "alibaba-elb",
        check: super::alibaba_edge::rules::check_cluster,
        build: super::alibaba_edge::build::build_units,
        causes: super::alibaba_edge::causes::boxed,
        may_answer: any_address,
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

/// One provider's causes, built when first asked: a plan whose units all bring their own
/// cause and whose prior is empty never asks, and building them all up front held an index
/// of every Service per provider for the whole plan.
struct LazyCauses<'a> {
    build: CausesFn,
    may_answer: fn(&str) -> bool,
    built: OnceCell<Box<dyn Causes + 'a>>,
}

/// Asks each provider in turn; the first answer wins.
struct Chain<'a> {
    resolved: &'a [Resolved<'a>],
    prior: &'a Model,
    providers: Vec<LazyCauses<'a>>,
}

impl<'a> Chain<'a> {
    fn new(resolved: &'a [Resolved<'a>], prior: &'a Model, planners: &[Planner]) -> Self {
        let providers = planners
            .iter()
            .map(|p| LazyCauses {
                build: p.causes,
                may_answer: p.may_answer,
                built: OnceCell::new(),
            })
            .collect();
        Chain {
            resolved,
            prior,
            providers,
        }
    }

    /// The first answer, in registry order, of the providers that may answer for `address`;
    /// a provider is built on the way only when the ones before it had no answer.
    fn first<T>(&self, address: &str, ask: impl Fn(&dyn Causes) -> Option<T>) -> Option<T> {
        self.providers
            .iter()
            .filter(|p| (p.may_answer)(address))
            .find_map(|p| ask(self.built(p)))
    }

    fn built<'s>(&'s self, p: &'s LazyCauses<'a>) -> &'s dyn Causes {
        p.built
            .get_or_init(|| (p.build)(self.resolved, self.prior))
            .as_ref()
    }
}

impl Causes for Chain<'_> {
    fn why_absent(&self, address: &str) -> Option<String> {
        self.first(address, |c| c.why_absent(address))
    }
    fn why_present(&self, address: &str) -> Option<String> {
        self.first(address, |c| c.why_present(address))
    }
    fn cause_site(&self, address: &str) -> Option<crate::plan::CauseSite> {
        self.first(address, |c| c.cause_site(address))
    }
    fn left_behind(&self, address: &str) -> Option<String> {
        self.first(address, |c| c.left_behind(address))
    }
}

/// The [`Causes`] of every provider, for diffing against `prior`.
pub fn causes<'a>(resolved: &'a [Resolved<'a>], prior: &'a Model) -> Box<dyn Causes + 'a> {
    Box::new(Chain::new(resolved, prior, PLANNERS))
}

/// Adds to each Service's future EXTERNAL-IP column, by `<namespace>/<name>`, one address
/// per ingress source, `(known after apply)` where the cloud has not assigned it yet (SPEC
/// §3, reference §6.6). `address_of(resource, attr)` reads a planned attribute.
pub fn external_ips<'v>(
    ingress: &[IngressSource],
    address_of: impl Fn(&str, &str) -> Option<&'v str>,
    outputs: &mut Outputs,
) {
    for i in ingress {
        let ip = match &i.eip {
            Some(eip) => address_of(eip, "ip_address"),
            None => address_of(&i.load_balancer, "address"),
        };
        outputs.add(&i.service, ip);
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;
    use crate::compile::{Compilation, validate};
    use crate::plan::CauseSite;
    use crate::source::LoadOptions;
    use crate::topology::lower_and_resolve;

    thread_local! {
        /// The fake providers built so far, in the order they were built.
        static BUILT: RefCell<Vec<&'static str>> = const { RefCell::new(Vec::new()) };
    }

    /// Answers for addresses that start with its name, except `<name>.none`.
    struct Fake(&'static str);

    impl Fake {
        fn answer(&self, address: &str) -> Option<String> {
            (address.starts_with(self.0) && address != format!("{}.none", self.0))
                .then(|| format!("{} knows {address}", self.0))
        }
    }

    impl Causes for Fake {
        fn why_absent(&self, address: &str) -> Option<String> {
            self.answer(address)
        }
        fn why_present(&self, address: &str) -> Option<String> {
            self.answer(address)
        }
    }

    fn fake(name: &'static str) -> Box<dyn Causes> {
        BUILT.with(|b| b.borrow_mut().push(name));
        Box::new(Fake(name))
    }

    fn build_a<'a>(_: &'a [Resolved<'a>], _: &'a Model) -> Box<dyn Causes + 'a> {
        fake("a")
    }
    fn build_b<'a>(_: &'a [Resolved<'a>], _: &'a Model) -> Box<dyn Causes + 'a> {
        fake("b")
    }
    fn build_any<'a>(_: &'a [Resolved<'a>], _: &'a Model) -> Box<dyn Causes + 'a> {
        fake("")
    }

    fn fake_planner(causes: CausesFn, may_answer: fn(&str) -> bool) -> Planner {
        Planner {
            name: "fake",
            check: |_, _| {},
            build: |_, _, _| {},
            causes,
            may_answer,
            against_state: None,
        }
    }

    /// `a` answers only for its own addresses and says so; `b` and the catch-all cannot
    /// tell theirs before they are built.
    fn fakes() -> Vec<Planner> {
        vec![
            fake_planner(build_a, |address| address.starts_with('a')),
            fake_planner(build_b, any_address),
            fake_planner(build_any, any_address),
        ]
    }

    fn built() -> Vec<&'static str> {
        BUILT.with(|b| b.borrow().clone())
    }

    #[test]
    fn a_chain_never_asked_builds_nothing() {
        let prior = Model::new();
        let planners = fakes();
        drop(Chain::new(&[], &prior, &planners));
        assert!(built().is_empty());

        let c = validate(&["examples/edge-elb-auto".into()], &LoadOptions::default());
        let mut d = Diagnostics::new();
        let resolved = lower_and_resolve(&c.sources, c.objects(), &mut d);
        let chain = Chain::new(&resolved, &prior, PLANNERS);
        assert!(chain.providers.iter().all(|p| p.built.get().is_none()));
    }

    #[test]
    fn asking_builds_in_registry_order_and_the_first_answer_wins() {
        let prior = Model::new();
        let planners = fakes();
        let chain = Chain::new(&[], &prior, &planners);

        // `a` may not answer: `b` is built and answers; the catch-all is never reached.
        assert_eq!(chain.why_present("b.x").as_deref(), Some("b knows b.x"));
        assert_eq!(built(), ["b"]);
        // `b` has no answer: the next one is built and answers.
        assert_eq!(chain.why_absent("c.x").as_deref(), Some(" knows c.x"));
        assert_eq!(built(), ["b", ""]);
        // `a` is built for its own address, but has no answer for this one.
        assert_eq!(chain.why_absent("a.none").as_deref(), Some(" knows a.none"));
        assert_eq!(built(), ["b", "", "a"]);
        // Built once: asked again, nobody is built.
        assert_eq!(chain.why_present("a.x").as_deref(), Some("a knows a.x"));
        assert_eq!(chain.cause_site("a.x"), None);
        assert_eq!(built(), ["b", "", "a"]);
    }

    #[test]
    fn an_elb_address_builds_only_the_elb_causes() {
        let prior = Model::new();
        let c = validate(&["examples/edge-elb-auto".into()], &LoadOptions::default());
        let mut d = Diagnostics::new();
        let resolved = lower_and_resolve(&c.sources, c.objects(), &mut d);
        let chain = Chain::new(&resolved, &prior, PLANNERS);
        assert!(
            chain
                .why_present("elb.default/cube-svc/np-chengdu")
                .is_some()
        );
        let built: Vec<&str> = PLANNERS
            .iter()
            .zip(&chain.providers)
            .filter(|(_, p)| p.built.get().is_some())
            .map(|(planner, _)| planner.name)
            .collect();
        assert_eq!(built, ["alibaba-elb"]);
    }

    /// Every provider built up front and asked in registry order, as the chain did before
    /// it built them lazily.
    struct Eager<'a>(Vec<Box<dyn Causes + 'a>>);

    impl Causes for Eager<'_> {
        fn why_absent(&self, address: &str) -> Option<String> {
            self.0.iter().find_map(|c| c.why_absent(address))
        }
        fn why_present(&self, address: &str) -> Option<String> {
            self.0.iter().find_map(|c| c.why_present(address))
        }
        fn cause_site(&self, address: &str) -> Option<CauseSite> {
            self.0.iter().find_map(|c| c.cause_site(address))
        }
        fn left_behind(&self, address: &str) -> Option<String> {
            self.0.iter().find_map(|c| c.left_behind(address))
        }
    }

    type Answers = (
        Option<String>,
        Option<String>,
        Option<CauseSite>,
        Option<String>,
    );

    fn answers(c: &dyn Causes, address: &str) -> Answers {
        (
            c.why_absent(address),
            c.why_present(address),
            c.cause_site(address),
            c.left_behind(address),
        )
    }

    fn example_models() -> Vec<(String, Compilation)> {
        let mut dirs: Vec<String> = std::fs::read_dir("examples")
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.path().is_dir())
            .map(|e| e.path().display().to_string())
            .collect();
        dirs.sort();
        dirs.into_iter()
            .map(|dir| {
                let c = validate(std::slice::from_ref(&dir), &LoadOptions::default());
                (dir, c)
            })
            .collect()
    }

    /// Each example planned against the model of the one before it and of itself: the lazy
    /// chain gives every answer the eager one gave, for the prior's addresses, the planned
    /// ones and a few of no provider.
    #[test]
    fn lazy_chain_answers_as_the_eager_one() {
        let examples = example_models();
        assert!(examples.len() > 10, "examples not found");
        let (mut asked, mut answered) = (0, 0);
        for (i, (dir, head)) in examples.iter().enumerate() {
            let mut d = Diagnostics::new();
            let resolved = lower_and_resolve(&head.sources, head.objects(), &mut d);
            let planned = build_models(&resolved, &mut d).resources;
            let bases = [i.checked_sub(1).map(|j| &examples[j].1), Some(head)];
            for base in bases.into_iter().flatten() {
                let mut d = Diagnostics::new();
                let base_resolved = lower_and_resolve(&base.sources, base.objects(), &mut d);
                let Ok(prior) =
                    Model::from_resources(build_models(&base_resolved, &mut d).resources)
                else {
                    continue;
                };
                let eager = Eager(
                    PLANNERS
                        .iter()
                        .map(|p| (p.causes)(&resolved, &prior))
                        .collect(),
                );
                let lazy = causes(&resolved, &prior);
                let foreign = ["", "x", "elb.a/b/c", "listener.default/x/tcp-80", "alb.gw"];
                let addresses = prior
                    .iter()
                    .map(|r| r.address.as_str())
                    .chain(planned.iter().map(|r| r.address.as_str()))
                    .chain(foreign);
                for address in addresses {
                    let expected = answers(&eager, address);
                    assert_eq!(
                        answers(lazy.as_ref(), address),
                        expected,
                        "{dir}: {address}"
                    );
                    asked += 1;
                    answered += usize::from(expected != Answers::default());
                }
            }
        }
        assert!(answered > 100, "{answered} of {asked} addresses answered");
    }
}
