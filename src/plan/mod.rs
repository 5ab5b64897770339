//! Stage `plan`: desired model vs prior model → ordered actions with reasons.
//!
//! The engine is provider-neutral: everything it needs to decide arrives as data on the
//! model (per-attribute [`UpdatePolicy`], per-resource [`DeletePolicy`] and [`Owner`]),
//! and the one thing only a provider can know — which manifest change made a resource
//! appear or disappear — is asked through [`Causes`].
//!
//! Rules, in the order they are applied to one address:
//! - only desired: `create`; but a user-owned object is never created by the controller,
//!   so it is `no-op` ("uses the existing object").
//! - only prior: `delete` under [`DeletePolicy::Delete`], `retain` under
//!   [`DeletePolicy::Retain`] or when the user owns it.
//! - both: attributes are compared over the union of keys, using the desired side's
//!   policy when it has the key (it is authoritative; a prior read from a state file has
//!   no policies) and the prior's otherwise; `Computed` ones are skipped. A changed
//!   `ForcesReplacement` attribute (or a changed kind or provider) → replace; else a
//!   changed `InPlace` one → `update`; a changed `NotAppliedByController` one is kept at
//!   its prior value, reported in `reasons` and as an [`codes::NOT_APPLIED`] warning.
//!   User-owned objects are never updated or replaced: every change is "not applied".

mod contract;
mod outputs;
mod seen;
mod state;
mod stream;

pub use contract::{
    JsonPlanWriter, PlanDocument, PlanFileError, PriorState, ResourceChange, ServiceOutputs,
    SourceRef,
};
pub use outputs::{KNOWN_AFTER_APPLY, Outputs};
pub use state::{Applying, State, StateError, StateResource};
pub(crate) use stream::AddressIndex;
pub use stream::{Differ, Finished, PlanEnd, PlanSink, PlanStart};

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::diag::Diagnostic;
use crate::model::{
    DeletePolicy, Kind, Model, ModelError, OrderedMap, Owner, ProviderKind, Resource, UpdatePolicy,
    Value,
};
use crate::source::Span;

/// The diagnostic codes this stage emits (registered in `diag::codes::plan`).
pub mod codes {
    /// An attribute changed that the controller never applies to an existing object.
    pub const NOT_APPLIED: &str = "LBP5001";
    /// The desired resources depend on each other in a cycle.
    pub const CYCLE: &str = "LBP5002";
    /// A desired resource depends on an address that is not in the model.
    pub const MISSING_DEPENDENCY: &str = "LBP5003";
    /// The prior state file cannot be read or understood.
    pub const BAD_STATE: &str = "LBP5004";
    /// Two resources were given one address.
    pub const DUPLICATE_ADDRESS: &str = "LBP5005";
    /// A load balancer this version of lbplan does not plan yet.
    pub const NOT_PLANNED: &str = "LBP5006";
}

/// What the plan does with one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    Create,
    Update,
    /// Delete, then create the replacement (Terraform's default order).
    Replace,
    Delete,
    /// Leave the object in the cloud and stop tracking it.
    Retain,
    NoOp,
}

impl Action {
    /// The `actions` array of the plan contract (SPEC §7).
    pub fn contract(self) -> &'static [&'static str] {
        match self {
            Action::Create => &["create"],
            Action::Update => &["update"],
            Action::Replace => &["delete", "create"],
            Action::Delete => &["delete"],
            Action::Retain => &["retain"],
            Action::NoOp => &["no-op"],
        }
    }

    /// The inverse of [`Action::contract`], for readers of a plan file.
    pub fn from_contract<S: AsRef<str>>(actions: &[S]) -> Option<Action> {
        let words: Vec<&str> = actions.iter().map(AsRef::as_ref).collect();
        [
            Action::Create,
            Action::Update,
            Action::Replace,
            Action::Delete,
            Action::Retain,
            Action::NoOp,
        ]
        .into_iter()
        .find(|a| a.contract() == words.as_slice())
    }

    /// Whether the cloud object is deleted (alone or as half of a replacement).
    pub fn deletes(self) -> bool {
        matches!(self, Action::Delete | Action::Replace)
    }
}

/// Lets a provider explain, in manifest terms, why an address appears or disappears
/// ("NodePool np-hefei no longer matches selector k8s-svc=cube"). `None` falls back to a
/// generic explanation, so a provider may answer only what it knows.
pub trait Causes {
    fn why_absent(&self, address: &str) -> Option<String>;
    fn why_present(&self, address: &str) -> Option<String>;
    /// The manifest line (on the side being planned) whose edit makes `address` disappear,
    /// and how to keep the object: a reviewer of a pull request must see which line of it
    /// deletes a load balancer. `None` when no line of the current manifests is to blame
    /// (the object that produced it was deleted) or the provider does not know.
    fn cause_site(&self, _address: &str) -> Option<CauseSite> {
        None
    }
    /// Why the controller leaves `address` in the cloud although the manifests no longer
    /// produce it and it is the controller's own (ECM stops managing the ELB and EIP it
    /// created when a pool switches to a self-managed ELB, and never releases them). The
    /// object is then retained, not deleted. `None`: the delete policy decides.
    fn left_behind(&self, _address: &str) -> Option<String> {
        None
    }
}

/// A line of the current manifests that causes a removal, with the provider's advice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CauseSite {
    /// The value to point at (a NodePool label, a selector annotation, `spec.type`…).
    pub span: Span,
    /// What that line does, for a label under the code excerpt.
    pub label: String,
    /// How to keep the object (revert the edit, switch to a self-managed ELB, …).
    pub keep: Option<String>,
}

/// No provider knowledge: every reason is the engine's default.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoCauses;

impl Causes for NoCauses {
    fn why_absent(&self, _: &str) -> Option<String> {
        None
    }
    fn why_present(&self, _: &str) -> Option<String> {
        None
    }
}

/// Why a change happens, one line each. Every resource of a unit has the unit's reason (a
/// Service selecting a pool), so reasons are shared rather than copied per resource, and
/// the one reason most changes have is stored inline: a fleet's plan has hundreds of
/// thousands of changes.
pub type Reasons = smallvec::SmallVec<[Arc<str>; 1]>;

/// One planned change, with everything a renderer or the contract needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub address: String,
    pub kind: Kind,
    pub provider: ProviderKind,
    pub name: Option<String>,
    pub owner: Owner,
    pub action: Action,
    /// Deletes (or replaces) a load balancer, EIP, listener or server group.
    pub destructive: bool,
    pub reasons: Reasons,
    /// Prior attribute values; `None` when the address is new.
    pub before: Option<OrderedMap<Value>>,
    /// Attribute values after apply (unknown ones as [`Value::Unknown`]); `None` when the
    /// object goes away (delete, retain).
    pub after: Option<OrderedMap<Value>>,
    /// Attributes whose change forces the replacement (Terraform's `replace_paths`).
    pub replace_paths: Vec<String>,
    /// Attributes changed in the manifests but kept at their prior value.
    pub not_applied: Vec<String>,
    pub depends_on: Vec<String>,
    pub delete_policy: DeletePolicy,
    pub provenance: crate::model::Provenance,
    /// The resource's notes (renderers show some, e.g. a rule's traffic share per cluster).
    pub notes: Vec<String>,
}

impl Change {
    /// The reasons as plain text, for callers that compare or collect them.
    pub fn reason_texts(&self) -> Vec<&str> {
        self.reasons.iter().map(|r| &**r).collect()
    }
}

/// Terraform's plan summary plus the retained count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub add: usize,
    pub change: usize,
    pub destroy: usize,
    pub retain: usize,
}

/// The result of [`diff`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Creates, updates and no-ops in dependency order of the desired model, then deletes
    /// and retains in reverse dependency order of the prior model.
    pub changes: Vec<Change>,
    /// Plan-level findings (attribute changes the controller will not apply).
    pub warnings: Vec<Diagnostic>,
    pub summary: Summary,
    /// The state the plan was made against, so an executor can refuse a stale plan.
    pub prior_state: Option<PriorState>,
}

impl Plan {
    /// Whether applying would do anything (`-detailed-exitcode` 2). A retain counts: the
    /// object leaves the state.
    pub fn has_changes(&self) -> bool {
        self.changes.iter().any(|c| c.action != Action::NoOp)
    }

    /// Records the state file the prior model came from.
    pub fn against(mut self, state: &State) -> Self {
        self.prior_state = Some(state.identity());
        self
    }
}

/// Diffs `desired` against `prior`. Fails, with one error diagnostic per problem, when the
/// desired model has dependency cycles (every member listed) or dangling dependencies: no
/// order of actions would be right, so no plan is better than a wrong one.
pub fn diff(prior: &Model, desired: &Model, causes: &dyn Causes) -> Result<Plan, Vec<Diagnostic>> {
    diff_owned(prior, desired.clone(), causes)
}

/// [`diff`], consuming the desired model: its resources move into the changes. The whole
/// model is one unit of a [`Differ`]; the driver hands over smaller units instead.
pub fn diff_owned(
    prior: &Model,
    desired: Model,
    causes: &dyn Causes,
) -> Result<Plan, Vec<Diagnostic>> {
    let mut differ = Differ::new(prior, causes);
    let mut changes = differ.unit_model(desired, None)?;
    let end = differ.finish();
    changes.extend(end.changes);
    Ok(Plan {
        changes,
        warnings: end.warnings,
        summary: end.summary,
        prior_state: None,
    })
}

fn model_diagnostics(m: &Model, e: &ModelError) -> Vec<Diagnostic> {
    let first_span = |a: &str| m.get(a).and_then(|r| r.provenance.first().copied());
    match e {
        ModelError::Cycles { cycles } => cycles
            .iter()
            .map(|members| {
                let list = members
                    .iter()
                    .map(|a| format!("`{a}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let mut d = Diagnostic::error(
                    codes::CYCLE,
                    format!("resources depend on each other in a cycle: {list}"),
                )
                .with_help(
                    "no order can create these resources; this is a bug in the provider that \
                     built the model, please report it with the input",
                );
                for (i, a) in members.iter().enumerate() {
                    if let Some(span) = first_span(a) {
                        d = if i == 0 {
                            d.with_primary(span, format!("produces `{a}`"))
                        } else {
                            d.with_secondary(span, format!("produces `{a}`"))
                        };
                    }
                }
                d
            })
            .collect(),
        ModelError::MissingDependencies { missing } => missing
            .iter()
            .map(|(from, to)| {
                let d = Diagnostic::error(
                    codes::MISSING_DEPENDENCY,
                    format!("`{from}` depends on `{to}`, which is not in the model"),
                )
                .with_help(
                    "every dependency must be a resource of the same model; this is a bug in \
                     the provider that built it, please report it with the input",
                );
                match first_span(from) {
                    Some(span) => d.with_primary(span, format!("produces `{from}`")),
                    None => d,
                }
            })
            .collect(),
        ModelError::DuplicateAddress { address } => vec![
            Diagnostic::error(
                codes::DUPLICATE_ADDRESS,
                format!("two resources have the address `{address}`"),
            )
            .with_help(
                "addresses identify resources across runs and must be unique; this is a bug \
                 in the provider that built the model, please report it with the input",
            ),
        ],
    }
}

fn values(r: &Resource) -> OrderedMap<Value> {
    r.attrs
        .iter()
        .map(|(k, a)| (k.clone(), a.value.clone()))
        .collect()
}

fn base(r: &Resource, action: Action) -> Change {
    Change {
        address: r.address.clone(),
        kind: r.kind,
        provider: r.provider,
        name: r.name.clone(),
        owner: r.owner,
        action,
        destructive: action.deletes() && r.kind.deletion_is_destructive(),
        reasons: Reasons::new(),
        before: None,
        after: None,
        replace_paths: Vec::new(),
        not_applied: Vec::new(),
        depends_on: r.depends_on.clone(),
        delete_policy: r.delete_policy.clone(),
        provenance: r.provenance.clone(),
        notes: r.notes.clone(),
    }
}

/// A new address: created (or adopted, for the user's objects), because of `cause` when
/// its unit gave one, else because of what `causes` says of the address.
fn appear(want: Resource, causes: &dyn Causes, cause: Option<&Arc<str>>) -> Change {
    if want.owner == Owner::User {
        let reason = format!(
            "owned by the user: the controller uses the existing {} and does not create it",
            object_word(&want)
        );
        return moved(want, Action::NoOp, reason.into());
    }
    let reason = match cause {
        Some(cause) => Arc::clone(cause),
        None => causes
            .why_present(&want.address)
            .map_or_else(|| "not in the prior state".into(), Arc::from),
    };
    moved(want, Action::Create, reason)
}

/// A change whose `after` is the resource itself, moved rather than copied.
fn moved(r: Resource, action: Action, reason: Arc<str>) -> Change {
    Change {
        destructive: action.deletes() && r.kind.deletion_is_destructive(),
        reasons: smallvec::smallvec![reason],
        before: None,
        after: Some(r.attrs.map_values(|a| a.value)),
        replace_paths: Vec::new(),
        not_applied: Vec::new(),
        address: r.address,
        kind: r.kind,
        provider: r.provider,
        name: r.name,
        owner: r.owner,
        action,
        depends_on: r.depends_on,
        delete_policy: r.delete_policy,
        provenance: r.provenance,
        notes: r.notes,
    }
}

fn disappear(had: &Resource, causes: &dyn Causes) -> Change {
    let why = causes
        .why_absent(&had.address)
        .unwrap_or_else(|| "no longer produced by the manifests".to_string());
    let retain = match (&had.delete_policy, had.owner) {
        (DeletePolicy::Retain { reason }, _) => Some(reason.clone()),
        (DeletePolicy::Delete, Owner::Controller)
            if let Some(why) = causes.left_behind(&had.address) =>
        {
            Some(why)
        }
        (DeletePolicy::Delete, Owner::User) => Some(format!(
            "owned by the user: the controller never deletes the {}; manual cleanup required",
            object_word(had)
        )),
        (DeletePolicy::Delete, Owner::Controller) => None,
    };
    let mut c = base(
        had,
        if retain.is_some() {
            Action::Retain
        } else {
            Action::Delete
        },
    );
    c.reasons.push(why.into());
    c.reasons.extend(retain.map(Arc::from));
    c.before = Some(values(had));
    c
}

/// The word users know the object by, for messages: "ELB", "EIP", "listener".
fn object_word(r: &Resource) -> String {
    match (r.kind, r.provider) {
        (Kind::LoadBalancer, ProviderKind::AlibabaClb) => "CLB".to_string(),
        (Kind::LoadBalancer, ProviderKind::AlibabaNlb) => "NLB".to_string(),
        (Kind::LoadBalancer, ProviderKind::AlibabaAlb) => "ALB".to_string(),
        (Kind::LoadBalancer, _) => "ELB".to_string(),
        (Kind::Eip, _) => "EIP".to_string(),
        (k, _) => k.as_str().replace('_', " "),
    }
}

fn show(v: Option<&Value>) -> String {
    v.map_or_else(|| "null".to_string(), Value::to_string)
}

fn compare(
    had: &Resource,
    want: &Resource,
    causes: &dyn Causes,
    warnings: &mut Vec<Diagnostic>,
) -> Change {
    let user = want.owner == Owner::User;
    let mut forced = Vec::new();
    let mut updated = Vec::new();
    let mut not_applied = Vec::new();
    if had.kind != want.kind {
        forced.push(format!("kind changed from {} to {}", had.kind, want.kind));
    }
    if had.provider != want.provider {
        forced.push(format!(
            "provider changed from {} to {}",
            had.provider, want.provider
        ));
    }
    let mut forced_paths = Vec::new();
    let keys = want
        .attrs
        .keys()
        .chain(had.attrs.keys().filter(|k| !want.attrs.contains_key(*k)));
    for key in keys {
        let d = want.attrs.get(key);
        let p = had.attrs.get(key);
        let Some(policy) = d.or(p).map(|a| a.policy) else {
            continue;
        };
        let (dv, pv) = (d.map(|a| &a.value), p.map(|a| &a.value));
        if policy == UpdatePolicy::Computed || dv == pv {
            continue;
        }
        let effective = if user {
            UpdatePolicy::NotAppliedByController
        } else {
            policy
        };
        match effective {
            UpdatePolicy::ForcesReplacement => {
                forced.push(format!(
                    "`{key}` forces replacement: {} -> {}",
                    show(pv),
                    show(dv)
                ));
                forced_paths.push(key.to_string());
            }
            UpdatePolicy::InPlace => updated.push(format!(
                "`{key}` is updated in place: {} -> {}",
                show(pv),
                show(dv)
            )),
            UpdatePolicy::NotAppliedByController => not_applied.push((key.clone(), pv, dv)),
            UpdatePolicy::Computed => {}
        }
    }
    let action = if !forced.is_empty() {
        Action::Replace
    } else if !updated.is_empty() {
        Action::Update
    } else {
        Action::NoOp
    };
    let mut c = base(want, action);
    // A replacement removes the prior object, so its deletion is judged on that side too.
    c.destructive = action.deletes()
        && (had.kind.deletion_is_destructive() || want.kind.deletion_is_destructive());
    c.before = Some(values(had));
    if action != Action::NoOp
        && let Some(why) = causes.why_present(&want.address)
    {
        c.reasons.push(why.into());
    }
    if action == Action::Replace {
        c.reasons.extend(forced.into_iter().map(Arc::from));
        c.replace_paths = forced_paths;
        c.after = Some(values(want));
        return c;
    }
    c.reasons.extend(updated.into_iter().map(Arc::from));
    let kept: Vec<&str> = not_applied.iter().map(|(k, _, _)| k.as_ref()).collect();
    let mut after = OrderedMap::with_capacity(want.attrs.len());
    for (k, a) in &want.attrs {
        let prior = had.attrs.get(k).map(|p| &p.value);
        let keep_prior = kept.contains(&k.as_ref())
            || (a.policy == UpdatePolicy::Computed && a.value == Value::Unknown);
        match (keep_prior, prior) {
            (true, Some(v)) => {
                after.insert(k.clone(), v.clone());
            }
            (true, None) if a.policy == UpdatePolicy::Computed => {
                after.insert(k.clone(), a.value.clone());
            }
            (true, None) => {}
            (false, _) => {
                after.insert(k.clone(), a.value.clone());
            }
        }
    }
    for (k, p) in &had.attrs {
        if !want.attrs.contains_key(k)
            && (p.policy == UpdatePolicy::Computed || kept.contains(&k.as_ref()))
        {
            after.insert(k.clone(), p.value.clone());
        }
    }
    c.after = Some(after);
    let word = object_word(want);
    for (key, pv, dv) in &not_applied {
        let (from, to) = (show(*pv), show(*dv));
        let way_out = if user {
            format!("the {word} is owned by the user; change it in the console")
        } else {
            "recreate the Service (or change it in the console) to apply it".to_string()
        };
        c.reasons.push(
            format!(
                "attribute `{key}` changed from {from} to {to} but the controller does not \
                 apply attribute changes to an existing {word}; {way_out}"
            )
            .into(),
        );
        let mut d = Diagnostic::warning(
            codes::NOT_APPLIED,
            format!(
                "attribute `{key}` of `{}` changed from {from} to {to} but is not applied by \
                 the controller",
                want.address
            ),
        )
        .with_help(format!(
            "the controller does not apply attribute changes to an existing {word}; {way_out}"
        ));
        if let Some(span) = want.provenance.first() {
            d = d.with_primary(*span, format!("this {word} keeps `{key}` = {from}"));
        }
        warnings.push(d);
        c.not_applied.push(key.to_string());
    }
    c
}

#[cfg(test)]
mod tests;
