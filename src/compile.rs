//! The driver: runs the stages in order. `cli` calls only this and `render`.

use std::collections::BTreeMap;
use std::path::Path;

use crate::check;
use crate::diag::{Diagnostic, Diagnostics};
use crate::manifest::node::NodeRecord;
use crate::manifest::{Manifest, Object, Objects};
use crate::model::{Model, Value};
use crate::plan::{
    Action, AddressIndex, Causes, Change, Differ, Outputs, Plan, PlanDocument, PlanEnd, PlanSink,
    PlanStart, PriorState, ServiceOutputs, State, StateError, Summary,
};
use crate::providers::planner;
use crate::source::load::{Loaded, add_text};
use crate::source::{LoadOptions, SourceMap, load_inputs};
use crate::topology;

/// The result of reading and checking a set of inputs.
#[derive(Debug)]
pub struct Compilation {
    pub sources: SourceMap,
    /// The decoded objects but Nodes.
    pub manifests: Vec<Manifest>,
    /// The decoded Nodes, kept as records (see [`NodeRecord`]).
    pub nodes: Vec<NodeRecord>,
    pub diagnostics: Diagnostics,
    /// An input could not be read (exit status 2).
    pub io_failed: bool,
}

impl Compilation {
    /// Every decoded object, for the stages after the checks.
    pub fn objects(&self) -> Objects<'_> {
        Objects {
            manifests: &self.manifests,
            nodes: &self.nodes,
        }
    }
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
        let objects = Objects {
            manifests: &c.manifests,
            nodes: &c.nodes,
        };
        let resolved = topology::lower_and_resolve(&c.sources, objects, &mut c.diagnostics);
        planner::check_clusters(&resolved, &mut c.diagnostics);
    }
    c
}

/// The object-level checks over the objects the loader decoded. Past them no stage reads
/// whole texts, so the texts of files that can be read again are given back (see
/// [`crate::source::SourceFile`]): for a large fleet, a third of the plan's peak memory.
fn finish(mut loaded: Loaded, mut diags: Diagnostics) -> Compilation {
    check::run(&loaded.sources, &loaded.manifests, &mut diags);
    loaded.sources.release_texts();
    Compilation {
        sources: loaded.sources,
        manifests: loaded.manifests,
        nodes: loaded.nodes,
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

/// Validates the inputs, lowers and resolves them, builds the desired resources of every
/// provider and diffs them against `state` (a missing file, or no file, is the empty
/// state). Deterministic: the same inputs and state give the same plan.
pub fn plan(inputs: &[String], opts: &LoadOptions, state: Option<&Path>) -> PlanRun {
    plan_keeping(inputs, opts, state, KeepModel::No)
}

/// [`plan`] with an empty prior state, keeping the desired model for drawing it.
pub fn graph(inputs: &[String], opts: &LoadOptions) -> PlanRun {
    plan_keeping(inputs, opts, None, KeepModel::Yes)
}

/// [`plan`], handing each change to `sink` as soon as it is made instead of collecting
/// the plan: what `lbplan plan` does, so that a fleet's plan is never held whole.
pub fn plan_into(
    inputs: &[String],
    opts: &LoadOptions,
    state: Option<&Path>,
    sink: &mut dyn PlanSink,
) -> std::io::Result<PlanOutcome> {
    stream_out(read_and_check(inputs, opts), state, sink)
}

/// [`plan_into`] for in-memory text with an empty prior state (benchmarks, tests).
pub fn plan_text_into(
    name: &str,
    text: &str,
    sink: &mut dyn PlanSink,
) -> std::io::Result<PlanOutcome> {
    stream_out(read_and_check_text(name, text), None, sink)
}

/// The later stages over checked inputs, written to `sink`.
fn stream_out(
    c: Compilation,
    state: Option<&Path>,
    sink: &mut dyn PlanSink,
) -> std::io::Result<PlanOutcome> {
    let (s, written) = stream_compilation(c, state, KeepModel::No, sink);
    written?;
    Ok(s.outcome())
}

/// What a plan written out by [`plan_into`] leaves behind, for the exit status.
#[derive(Debug)]
pub struct PlanOutcome {
    pub diagnostics: Diagnostics,
    /// `false` when no plan could be made (or it stopped part-way); see [`PlanEnd`].
    pub planned: bool,
    /// Whether applying would do anything.
    pub has_changes: bool,
    /// An input could not be read (exit status 2).
    pub io_failed: bool,
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
    collect(read_and_check(inputs, opts), state, keep)
}

/// The same for in-memory text with an empty prior state (tests, benchmarks).
pub fn plan_text(name: &str, text: &str) -> PlanRun {
    collect(read_and_check_text(name, text), None, KeepModel::No)
}

/// [`plan_text`] keeping the desired model, as [`graph`] does (tests).
pub fn graph_text(name: &str, text: &str) -> PlanRun {
    collect(read_and_check_text(name, text), None, KeepModel::Yes)
}

/// The later stages over checked inputs, collected into a [`PlanRun`].
fn collect(c: Compilation, state: Option<&Path>, keep: KeepModel) -> PlanRun {
    let mut sink = Collector::default();
    // A collector never fails to take a change: the write result is always `Ok`.
    let (s, _) = stream_compilation(c, state, keep, &mut sink);
    PlanRun {
        sources: s.sources,
        diagnostics: s.diagnostics,
        plan: sink.plan,
        model: s.model,
        outputs: sink.outputs,
        io_failed: s.io_failed,
    }
}

/// A sink that keeps the plan, for callers that need it whole.
#[derive(Default)]
struct Collector {
    changes: Vec<Change>,
    plan: Option<Plan>,
    outputs: BTreeMap<String, ServiceOutputs>,
}

impl PlanSink for Collector {
    fn begin(&mut self, _: &SourceMap, _: &PlanStart<'_>) -> std::io::Result<()> {
        Ok(())
    }
    fn change(&mut self, _: &SourceMap, change: Change) -> std::io::Result<()> {
        self.changes.push(change);
        Ok(())
    }
    fn end(&mut self, _: &SourceMap, end: &PlanEnd<'_>) -> std::io::Result<()> {
        if end.planned {
            self.plan = Some(Plan {
                changes: std::mem::take(&mut self.changes),
                warnings: end.warnings.to_vec(),
                summary: end.summary,
                prior_state: end.prior_state.cloned(),
            });
            self.outputs = end.outputs.to_map();
        }
        Ok(())
    }
}

/// A run whose changes went to a sink.
struct Streamed {
    sources: SourceMap,
    diagnostics: Diagnostics,
    planned: bool,
    has_changes: bool,
    io_failed: bool,
    /// The desired model, under [`KeepModel::Yes`] only.
    model: Model,
}

impl Streamed {
    fn outcome(self) -> PlanOutcome {
        PlanOutcome {
            diagnostics: self.diagnostics,
            planned: self.planned,
            has_changes: self.has_changes,
            io_failed: self.io_failed,
        }
    }
}

/// The later stages over checked inputs; nothing is planned when an input could not be
/// read (the plan would silently miss its resources). The run comes back even when the
/// sink failed to write, with the write error next to it.
fn stream_compilation(
    c: Compilation,
    state: Option<&Path>,
    keep: KeepModel,
    sink: &mut dyn PlanSink,
) -> (Streamed, std::io::Result<()>) {
    let Compilation {
        sources,
        manifests,
        nodes,
        mut diagnostics,
        io_failed,
    } = c;
    let mut model = Model::new();
    let mut kept = (keep == KeepModel::Yes).then_some(&mut model);
    let written = if io_failed {
        end_unplanned(&sources, &diagnostics, sink).map(|()| (false, false))
    } else {
        plan_manifests(
            &sources,
            Objects {
                manifests: &manifests,
                nodes: &nodes,
            },
            state,
            &mut diagnostics,
            &mut kept,
            sink,
        )
    };
    let (planned, has_changes) = *written.as_ref().unwrap_or(&(false, false));
    let s = Streamed {
        sources,
        diagnostics,
        planned,
        has_changes,
        io_failed,
        model,
    };
    (s, written.map(|_| ()))
}

/// Tells `sink` that no plan could be made; the diagnostics say why.
fn end_unplanned(
    sources: &SourceMap,
    diags: &Diagnostics,
    sink: &mut dyn PlanSink,
) -> std::io::Result<()> {
    sink.end(
        sources,
        &PlanEnd {
            planned: false,
            prior_state: None,
            summary: Summary::default(),
            has_changes: false,
            warnings: &[],
            diagnostics: diags,
            outputs: &Outputs::default(),
        },
    )
}

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
    objects: Objects<'_>,
    state_path: Option<&Path>,
    diags: &mut Diagnostics,
    kept: &mut Option<&mut Model>,
    sink: &mut dyn PlanSink,
) -> std::io::Result<(bool, bool)> {
    let resolved = topology::lower_and_resolve(sources, objects, diags);
    report_unplanned(&resolved, diags);
    // One cluster per ClusterProfile, and several profiles are already error LBP2108. Two
    // clusters' resources share addresses (the same Service in each), so one plan of both
    // would only add "bug in the provider" errors: their rules are checked, and no plan is
    // made.
    let prior = if resolved.len() > 1 {
        None
    } else {
        load_prior(state_path, diags)
    };
    let Some((state, prior)) = prior else {
        planner::check_clusters(&resolved, diags);
        end_unplanned(sources, diags, sink)?;
        return Ok((false, false));
    };
    planner::check_against_state(&resolved, &prior, diags);
    let causes = planner::causes(&resolved, &prior);
    let prior_state = state.as_ref().map(State::identity);
    let against = Prior {
        model: &prior,
        state: prior_state.as_ref(),
        causes: causes.as_ref(),
    };
    plan_resolved(sources, &resolved, against, diags, kept, sink)
}

/// The prior state and its model; `None` (reported) when the state file cannot be read
/// or understood. No file is the empty state.
fn load_prior(
    state_path: Option<&Path>,
    diags: &mut Diagnostics,
) -> Option<(Option<State>, Model)> {
    let state = match state_path.map(State::load).transpose() {
        Ok(s) => s,
        Err(e) => {
            diags.push(e.to_diagnostic());
            return None;
        }
    };
    match state.as_ref().map(State::to_model).transpose() {
        Ok(m) => Some((state, m.unwrap_or_default())),
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
            None
        }
    }
}

/// What a plan is made against.
#[derive(Clone, Copy)]
struct Prior<'a> {
    model: &'a Model,
    /// The state file's identity, when the prior came from one.
    state: Option<&'a PriorState>,
    causes: &'a dyn Causes,
}

/// Builds every provider's resources unit by unit, diffs each unit against the prior
/// model and hands its changes to `sink`, then the prior resources no unit produced.
/// Returns whether a plan was made and whether it changes anything. A unit the engine
/// refuses (a provider bug: a cycle, a duplicate or dangling address) stops the output;
/// later units are still checked so that every problem is reported in one run.
fn plan_resolved(
    sources: &SourceMap,
    resolved: &[topology::Resolved],
    prior: Prior<'_>,
    diags: &mut Diagnostics,
    kept: &mut Option<&mut Model>,
    sink: &mut dyn PlanSink,
) -> std::io::Result<(bool, bool)> {
    sink.begin(
        sources,
        &PlanStart {
            prior_state: prior.state,
            prior_is_empty: prior.model.is_empty(),
        },
    )?;
    let mut differ = Differ::new(prior.model, prior.causes);
    let mut outputs = Outputs::default();
    let mut refused: Vec<Diagnostic> = Vec::new();
    let mut written: std::io::Result<()> = Ok(());
    let mut has_changes = false;
    planner::build_units(resolved, diags, &mut |unit| {
        if let Some(model) = kept.as_deref_mut() {
            for r in &unit.resources {
                // A duplicate is reported by the differ below.
                let _ = model.add(r.clone());
            }
        }
        let changes = match differ.unit(unit.resources, unit.cause.as_deref()) {
            Ok(changes) => changes,
            Err(ds) => return refused.extend(ds),
        };
        if !refused.is_empty() || written.is_err() {
            return;
        }
        add_outputs(&unit.ingress, &changes, &mut outputs);
        for c in changes {
            has_changes |= c.action != Action::NoOp;
            if let Err(e) = sink.change(sources, c) {
                written = Err(e);
                return;
            }
        }
    });
    written?;
    let end = differ.finish();
    let planned = refused.is_empty();
    for d in refused {
        diags.push(d);
    }
    if planned {
        for c in end.changes {
            has_changes |= c.action != Action::NoOp;
            sink.change(sources, c)?;
        }
    } else {
        outputs = Outputs::default();
    }
    outputs.finish();
    sink.end(
        sources,
        &PlanEnd {
            planned,
            prior_state: prior.state,
            summary: end.summary,
            has_changes: planned && has_changes,
            warnings: &end.warnings,
            diagnostics: diags,
            outputs: &outputs,
        },
    )?;
    Ok((planned, planned && has_changes))
}

/// The external addresses one unit gives its Services (the EXTERNAL-IP column).
fn add_outputs(ingress: &[planner::IngressSource], changes: &[Change], outputs: &mut Outputs) {
    if ingress.is_empty() {
        return;
    }
    let index = AddressIndex::new(changes);
    let address_of = |address: &str, attr: &str| match changes[index.find(address)?]
        .after
        .as_ref()?
        .get(attr)?
    {
        Value::String(s) => Some(s.as_str()),
        _ => None,
    };
    planner::external_ips(ingress, address_of, outputs);
}

mod comparison;

pub use comparison::{DiffRequest, DiffRun, Side, diff};

/// The diagnostic codes of `diff`.
pub use comparison::codes as diff_codes;
