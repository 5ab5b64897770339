//! The driver: runs the stages in order. `cli` calls only this and `render`.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crate::check;
use crate::diag::{Diagnostic, Diagnostics};
use crate::manifest::{Manifest, Object};
use crate::model::{Model, Value};
use crate::plan::{
    Change, Plan, PlanDocument, PlanDocumentRef, ServiceOutputs, State, StateError, Summary,
};
use crate::providers::planner;
use crate::source::load::{Loaded, add_text};
use crate::source::{LoadOptions, SourceMap, load_inputs};
use crate::topology;

/// The result of reading and checking a set of inputs.
#[derive(Debug)]
pub struct Compilation {
    pub sources: SourceMap,
    pub manifests: Vec<Manifest>,
    pub diagnostics: Diagnostics,
    /// An input could not be read (exit status 2).
    pub io_failed: bool,
}

/// Reads, decodes and checks the inputs named on the command line: every rule, including
/// those that need the lowered cluster and the provider's model (no NodePool matches, a
/// pool without ENS annotations, an ELB id without managed-by-user…), so that `validate`
/// reports every mistake `plan` would.
pub fn validate(inputs: &[String], opts: &LoadOptions) -> Compilation {
    with_cluster_rules(read_and_check(inputs, opts))
}

/// The same for in-memory text (tests, fuzzing, benchmarks).
pub fn validate_text(name: &str, text: &str) -> Compilation {
    with_cluster_rules(read_and_check_text(name, text))
}

/// Loading, decoding and the object-level checks, without the later stages.
fn read_and_check(inputs: &[String], opts: &LoadOptions) -> Compilation {
    let mut diags = Diagnostics::new();
    let mut loaded = load_inputs(inputs, opts, &mut diags);
    load_member_folders(&mut loaded, opts, &mut diags);
    finish(loaded, diags)
}

/// An ACK One profile names each member cluster's folder: read the folders the inputs did
/// not include (files already read are never read again), and warn about folders that do
/// not exist, whose clusters would otherwise look empty.
fn load_member_folders(loaded: &mut Loaded, opts: &LoadOptions, diags: &mut Diagnostics) {
    let has_profile = loaded
        .manifests
        .iter()
        .any(|m| matches!(m.object, Object::ClusterProfile(_)));
    if !has_profile {
        return;
    }
    for (dir, span) in crate::ir::member_folders(&loaded.sources, &loaded.manifests) {
        let prefix = format!("{dir}/");
        let covered = loaded
            .sources
            .files()
            .any(|(_, f)| f.name.starts_with(&prefix));
        if covered {
            continue;
        }
        if !crate::source::load::load_folder(loaded, &dir, opts, diags) {
            diags.push(
                Diagnostic::warning(
                    "LBP7320",
                    format!("member folder `{dir}` does not exist"),
                )
                .with_primary(span, "no such folder")
                .with_help("write the member's folder relative to the profile file; until then the member cluster has no Services and receives no traffic"),
            );
        }
    }
}

fn read_and_check_text(name: &str, text: &str) -> Compilation {
    let mut diags = Diagnostics::new();
    let mut loaded = Loaded::default();
    add_text(&mut loaded, name, text.to_string(), &mut diags);
    finish(loaded, diags)
}

/// Runs the cluster-level rules (lowering, topology, each provider's rules) for their
/// diagnostics only. No model is built: validating must stay cheap on large fleets, where
/// the plan itself can hold millions of resources.
fn with_cluster_rules(mut c: Compilation) -> Compilation {
    if !c.io_failed {
        let resolved = topology::lower_and_resolve(&c.sources, &c.manifests, &mut c.diagnostics);
        planner::check_clusters(&resolved, &mut c.diagnostics);
    }
    c
}

/// The object-level checks over the objects the loader decoded.
fn finish(loaded: Loaded, mut diags: Diagnostics) -> Compilation {
    check::run(&loaded.sources, &loaded.manifests, &mut diags);
    Compilation {
        sources: loaded.sources,
        manifests: loaded.manifests,
        diagnostics: diags,
        io_failed: loaded.io_failed,
    }
}

/// The result of `plan`: the checked inputs, the desired model and the plan against the
/// prior state.
#[derive(Debug)]
pub struct PlanRun {
    pub sources: SourceMap,
    /// Every finding: input checks, topology, provider rules, the state file, the model.
    pub diagnostics: Diagnostics,
    /// `None` when no plan can be made: an unreadable input or state file, or a model the
    /// engine refuses (cycles, dangling dependencies, duplicate addresses).
    pub plan: Option<Plan>,
    /// The desired resources, kept by [`graph`] only: [`plan`] moves them into the plan's
    /// changes (a large fleet's model is too big to hold twice) and leaves this empty.
    pub model: Model,
    /// What each Service shows after apply, by `<namespace>/<name>`.
    pub outputs: BTreeMap<String, ServiceOutputs>,
    /// An input could not be read (exit status 2).
    pub io_failed: bool,
}

impl PlanRun {
    /// The plan file (SPEC §7). Without a plan it still carries the diagnostics that say
    /// why, with no resource changes.
    pub fn document(&self) -> PlanDocument {
        PlanDocument::build(&self.sources, self.plan_or_empty(), &self.diagnostics)
            .with_outputs(self.outputs.clone())
    }

    /// The plan file, borrowed from this run for streaming it out.
    pub fn document_ref(&self) -> PlanDocumentRef<'_> {
        PlanDocumentRef::new(
            &self.sources,
            self.plan_or_empty(),
            &self.diagnostics,
            &self.outputs,
        )
    }

    /// The plan, or one with no changes when none could be made.
    fn plan_or_empty(&self) -> &Plan {
        static EMPTY: Plan = Plan {
            changes: Vec::new(),
            warnings: Vec::new(),
            summary: Summary {
                add: 0,
                change: 0,
                destroy: 0,
                retain: 0,
            },
            prior_state: None,
        };
        self.plan.as_ref().unwrap_or(&EMPTY)
    }
}

/// Validates the inputs, lowers and resolves them, builds the desired model of every
/// provider (today: ACK Edge ELB and Huawei CCE ELB) and diffs it against `state` (a missing file, or no
/// file, is the empty state). Deterministic: the same inputs and state give the same plan.
pub fn plan(inputs: &[String], opts: &LoadOptions, state: Option<&Path>) -> PlanRun {
    plan_keeping(inputs, opts, state, KeepModel::No)
}

/// [`plan`] with an empty prior state, keeping the desired model for drawing it.
pub fn graph(inputs: &[String], opts: &LoadOptions) -> PlanRun {
    plan_keeping(inputs, opts, None, KeepModel::Yes)
}

/// Whether a run keeps the desired model next to the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeepModel {
    Yes,
    No,
}

fn plan_keeping(
    inputs: &[String],
    opts: &LoadOptions,
    state: Option<&Path>,
    keep: KeepModel,
) -> PlanRun {
    plan_compilation(read_and_check(inputs, opts), state, keep)
}

/// The later stages over checked inputs; nothing is planned when an input could not be
/// read (the plan would silently miss its resources).
fn plan_compilation(c: Compilation, state: Option<&Path>, keep: KeepModel) -> PlanRun {
    let Compilation {
        sources,
        manifests,
        mut diagnostics,
        io_failed,
    } = c;
    let (plan, model, outputs) = if io_failed {
        (None, Model::new(), BTreeMap::new())
    } else {
        plan_manifests(&sources, &manifests, state, keep, &mut diagnostics)
    };
    PlanRun {
        sources,
        diagnostics,
        plan,
        model,
        outputs,
        io_failed,
    }
}

/// The same for in-memory text with an empty prior state (tests, benchmarks).
pub fn plan_text(name: &str, text: &str) -> PlanRun {
    plan_text_keeping(name, text, KeepModel::No)
}

/// [`plan_text`] keeping the desired model, as [`graph`] does (tests).
pub fn graph_text(name: &str, text: &str) -> PlanRun {
    plan_text_keeping(name, text, KeepModel::Yes)
}

fn plan_text_keeping(name: &str, text: &str, keep: KeepModel) -> PlanRun {
    plan_compilation(read_and_check_text(name, text), None, keep)
}

type Planned = (Option<Plan>, Model, BTreeMap<String, ServiceOutputs>);

/// Warns about every load balancer the plan leaves out because no provider of this version
/// builds it, so that an empty plan is never mistaken for "nothing changes".
fn report_unplanned(resolved: &[topology::Resolved], diags: &mut Diagnostics) {
    use crate::ir::Route;
    let members = resolved
        .iter()
        .filter_map(|r| r.cluster.fleet.as_ref())
        .flat_map(|f| &f.members)
        .filter_map(|m| m.cluster.as_deref());
    for cluster in members {
        for svc in &cluster.services {
            let controller = match &svc.route {
                Route::Clb { .. } | Route::Nlb { .. } => "the member cluster's CCM",
                Route::PoolServices { .. } => "the member cluster's ECM",
                Route::Cce { .. } => "the member cluster's CCE controller",
                _ => continue,
            };
            diags.push(not_planned(
                svc.obj.manifest,
                "Service",
                &format!("{controller} (a LoadBalancer Service inside an ACK One member)"),
            ));
        }
    }
}

fn not_planned(m: &Manifest, what: &str, controller: &str) -> Diagnostic {
    Diagnostic::warning(
        crate::plan::codes::NOT_PLANNED,
        format!(
            "{what} `{}/{}` is handled by {controller}, which this version does not plan yet; the plan shows nothing for it",
            m.meta.namespace(),
            m.meta.name()
        ),
    )
    .with_primary(m.kind.span, "not in the plan")
    .with_help("read \"No changes\" as \"no change to the planned load balancers\"; `lbplan validate` still checks these manifests")
}

/// Every provider's resources as one model, and where each Service's addresses come from;
/// `None` when the engine refuses the model (reported).
fn build_model(
    resolved: &[topology::Resolved],
    diags: &mut Diagnostics,
) -> Option<(Model, Vec<planner::IngressSource>)> {
    let built = planner::build_models(resolved, diags);
    match Model::from_resources(built.resources) {
        Ok(m) => Some((m, built.ingress)),
        Err(e) => {
            diags.push(
                Diagnostic::error(crate::plan::codes::DUPLICATE_ADDRESS, e.to_string()).with_help(
                    "addresses identify resources across runs and must be unique; this is a bug \
                     in the provider that built the model, please report it with the input",
                ),
            );
            None
        }
    }
}

fn plan_manifests(
    sources: &SourceMap,
    manifests: &[Manifest],
    state_path: Option<&Path>,
    keep: KeepModel,
    diags: &mut Diagnostics,
) -> Planned {
    let nothing = || (None, Model::new(), BTreeMap::new());
    let resolved = topology::lower_and_resolve(sources, manifests, diags);
    report_unplanned(&resolved, diags);
    let (desired, ingress) = match build_model(&resolved, diags) {
        Some(built) => built,
        None => return nothing(),
    };
    let state = match state_path.map(State::load).transpose() {
        Ok(s) => s,
        Err(e) => {
            diags.push(e.to_diagnostic());
            return (None, desired, BTreeMap::new());
        }
    };
    let prior = match state.as_ref().map(State::to_model).transpose() {
        Ok(m) => m.unwrap_or_default(),
        Err(e) => {
            diags.push(
                StateError::Invalid {
                    path: state_path
                        .map(|p| p.display().to_string())
                        .unwrap_or_default(),
                    source: e,
                }
                .to_diagnostic(),
            );
            return (None, desired, BTreeMap::new());
        }
    };
    planner::check_against_state(&resolved, &prior, diags);
    let causes = planner::causes(&resolved, &prior);
    let (diffed, kept) = match keep {
        KeepModel::Yes => (
            crate::plan::diff(&prior, &desired, causes.as_ref()),
            desired,
        ),
        KeepModel::No => (
            crate::plan::diff_owned(&prior, desired, causes.as_ref()),
            Model::new(),
        ),
    };
    let plan = match diffed {
        Ok(p) => p,
        Err(ds) => {
            for d in ds {
                diags.push(d);
            }
            return (None, kept, BTreeMap::new());
        }
    };
    let plan = match &state {
        Some(s) => plan.against(s),
        None => plan,
    };
    let after: HashMap<&str, &Change> = plan
        .changes
        .iter()
        .map(|c| (c.address.as_str(), c))
        .collect();
    let address_of = |address: &str, attr: &str| -> Option<String> {
        match after.get(address)?.after.as_ref()?.get(attr)? {
            Value::String(s) => Some(s.clone()),
            _ => None,
        }
    };
    let outputs = planner::external_ips(&ingress, address_of)
        .into_iter()
        .map(|(k, external_ip)| (k, ServiceOutputs { external_ip }))
        .collect();
    (Some(plan), kept, outputs)
}

mod comparison;

pub use comparison::{DiffRequest, DiffRun, Side, diff};

/// The diagnostic codes of `diff`.
pub use comparison::codes as diff_codes;
