//! Carrying out a plan: checks, waves, the workers, the state writes.

use std::collections::{BTreeSet, VecDeque};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use indexmap::IndexMap;

use super::backend::{Attributes, Backend, BackendError, Dependency, Failure, Operation};
use super::journal::{self, Entry, Journal, journal_path};
use super::lock::{Lock, LockError};
use super::progress::Progress;
use super::waves::{reverse_waves, waves};
use super::{codes, hex_digest};
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::Value;
use crate::plan::{Action, Applying, PlanDocument, ResourceChange, State, StateResource};

/// How transient errors are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    /// Calls in all, the first included.
    pub attempts: u32,
    /// The wait before the first retry; it doubles before each later one.
    pub base: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Retry {
            attempts: 5,
            base: Duration::from_millis(200),
        }
    }
}

/// Where an injected crash stops the process (fault-injection tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrashPoint {
    /// After the journal's `begin`, before the backend call.
    BeforeBackend,
    /// After the backend call, before the state records it.
    AfterBackend,
    /// After the state write, before the journal's `done`.
    AfterStateWrite,
}

/// Crash at the `action`-th action started (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CrashAt {
    pub action: usize,
    pub point: CrashPoint,
    /// Abort the process (the binary) instead of returning as if it had died (tests).
    pub abort: bool,
}

/// Options of one apply.
#[derive(Debug, Clone, Default)]
pub struct ApplyOptions {
    /// Actions of one wave run at once (at least 1).
    pub parallelism: usize,
    /// Deletions and replacements of load balancers, EIPs, listeners and server groups
    /// are allowed.
    pub allow_destroy: bool,
    pub retry: Retry,
    pub crash: Option<CrashAt>,
}

/// What an apply did, counted as Terraform counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Applied {
    pub added: usize,
    pub changed: usize,
    pub destroyed: usize,
    pub retained: usize,
    /// User-owned objects recorded in the state for the first time.
    pub adopted: usize,
}

/// The result of an apply.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Why the apply was refused or stopped; notes about a resume or a stale lock.
    pub diagnostics: Diagnostics,
    pub applied: Applied,
    /// Actions this run had to do (after skipping those a resumed apply already did).
    pub planned: usize,
    /// The state as written at the end (`None` when refused before loading it).
    pub state: Option<State>,
    /// This run resumed an interrupted apply of the same plan.
    pub resumed: bool,
    /// An injected crash stopped the run (lock and journal left behind).
    pub crashed: bool,
    /// A file could not be read or written (exit status 2).
    pub io_failed: bool,
}

impl Outcome {
    fn refused(d: Diagnostic) -> Self {
        let mut o = Outcome::default();
        o.diagnostics.push(d);
        o
    }
}

/// Reads the plan file at `plan_path` and applies it to the state file with the sandbox
/// backend (faults injected as given).
pub fn apply_file(
    plan_path: &Path,
    state_path: &Path,
    faults: super::Faults,
    opts: &ApplyOptions,
    progress: &dyn Progress,
) -> Outcome {
    let shown = plan_path.display().to_string();
    let text = match std::fs::read_to_string(plan_path) {
        Ok(t) => t,
        Err(e) => {
            let mut o = Outcome::refused(
                Diagnostic::error(
                    codes::BAD_PLAN,
                    format!("cannot read plan file {shown}: {e}"),
                )
                .with_path(shown)
                .with_help("pass the file written by `lbplan plan --out FILE`"),
            );
            o.io_failed = true;
            return o;
        }
    };
    let make = |state: &State| -> Result<Box<dyn Backend>, String> {
        super::Sandbox::new(&state.lineage, state.sandbox.as_ref(), faults)
            .map(|s| Box::new(s) as Box<dyn Backend>)
            .map_err(|e| format!("the sandbox cloud in the state file is not readable: {e}"))
    };
    apply(&text, &shown, state_path, make, opts, progress)
}

/// One action to run: an index into the plan's changes and its action.
#[derive(Debug, Clone, Copy)]
struct Work {
    index: usize,
    action: Action,
}

/// Applies the plan `text` (named `name` in messages) to the state at `state_path`, with
/// the backend `make_backend` builds from the loaded state.
pub fn apply(
    text: &str,
    name: &str,
    state_path: &Path,
    make_backend: impl FnOnce(&State) -> Result<Box<dyn Backend>, String>,
    opts: &ApplyOptions,
    progress: &dyn Progress,
) -> Outcome {
    let doc = match read_plan(text, name) {
        Ok(d) => d,
        Err(d) => return Outcome::refused(*d),
    };
    let actions = match plan_actions(&doc, name, opts) {
        Ok(a) => a,
        Err(d) => return Outcome::refused(*d),
    };
    let state_shown = state_path.display().to_string();
    let (lock, stale_holder) = match Lock::acquire(state_path) {
        Ok(l) => l,
        Err(e) => return lock_refused(e, &state_shown),
    };
    let mut outcome = Outcome::default();
    if let Some(holder) = stale_holder {
        outcome.diagnostics.push(
            Diagnostic::advice(
                codes::LOCKED,
                format!("took over the lock of {state_shown} left by a process that no longer runs ({holder})"),
            )
            .with_path(state_shown.clone())
            .with_help("the previous apply was interrupted; this one resumes it if it applies the same plan"),
        );
    }
    let mut state = match State::load(state_path) {
        Ok(s) => s,
        Err(e) => {
            outcome.diagnostics.push(e.to_diagnostic());
            outcome.io_failed = true;
            return outcome;
        }
    };
    let digest = hex_digest(&[&doc.to_json()]);
    let resumed = match start_or_resume(&mut state, &doc, &digest, &state_shown, name) {
        Ok(r) => r,
        Err(d) => {
            outcome.diagnostics.push(*d);
            return outcome;
        }
    };
    outcome.resumed = resumed;
    let backend = match make_backend(&state) {
        Ok(b) => b,
        Err(message) => {
            outcome.diagnostics.push(
                Diagnostic::error(crate::plan::codes::BAD_STATE, message)
                    .with_path(state_shown)
                    .with_help("restore the state file the executor wrote"),
            );
            outcome.io_failed = true;
            return outcome;
        }
    };
    let jpath = journal_path(state_path);
    if resumed {
        note_resume(&mut outcome, &state, &jpath, &state_shown);
    }
    let done: BTreeSet<String> = state
        .applying
        .as_ref()
        .map(|a| a.done.iter().cloned().collect())
        .unwrap_or_default();
    let work: Vec<Work> = actions
        .iter()
        .enumerate()
        .filter(|(i, a)| needs_work(&doc.resource_changes[*i], **a, &state, &done))
        .map(|(index, &action)| Work { index, action })
        .collect();
    outcome.planned = work.len();
    if work.is_empty() && !resumed {
        outcome.state = Some(state);
        return outcome;
    }
    let schedule = match schedule(&doc, &work) {
        Ok(s) => s,
        Err(d) => {
            outcome.diagnostics.push(*d);
            return outcome;
        }
    };
    let journal = match Journal::open(&jpath, resumed).and_then(|j| {
        j.record(&Entry::Start {
            plan: digest.clone(),
            serial: state.serial,
            resumed,
        })
        .map(|()| j)
    }) {
        Ok(j) => j,
        Err(e) => {
            outcome
                .diagnostics
                .push(write_failed(&jpath.display().to_string(), &e));
            outcome.io_failed = true;
            return outcome;
        }
    };
    let run = Run {
        doc: &doc,
        digest: &digest,
        backend: backend.as_ref(),
        state: Mutex::new(state),
        state_path,
        journal: &journal,
        opts,
        progress,
        started: AtomicUsize::new(0),
        stop: AtomicBool::new(false),
        crashed: AtomicBool::new(false),
        io_failed: AtomicBool::new(false),
        failures: Mutex::new(Vec::new()),
        applied: Mutex::new(Applied::default()),
    };
    progress.start(work.len());
    for wave in &schedule {
        run.wave(wave);
        if run.stop.load(Ordering::SeqCst) {
            break;
        }
    }
    progress.finish();
    let Run {
        state,
        failures,
        applied,
        crashed,
        io_failed,
        ..
    } = run;
    let mut state = state.into_inner().unwrap_or_else(|e| e.into_inner());
    outcome.applied = applied.into_inner().unwrap_or_else(|e| e.into_inner());
    outcome.io_failed = io_failed.into_inner();
    if crashed.into_inner() {
        outcome.crashed = true;
        outcome.state = Some(state);
        lock.abandon();
        return outcome;
    }
    let failures = failures.into_inner().unwrap_or_else(|e| e.into_inner());
    if failures.is_empty() {
        state.applying = None;
        state.serial += 1;
        state.sandbox = backend.saved();
        if let Err(e) = state.write_atomic(state_path) {
            outcome.diagnostics.push(write_failed(&state_shown, &e));
            outcome.io_failed = true;
        } else {
            drop(journal);
            let _ = std::fs::remove_file(&jpath);
        }
    }
    for d in failures {
        outcome.diagnostics.push(d);
    }
    outcome.state = Some(state);
    drop(lock);
    outcome
}

fn read_plan(text: &str, name: &str) -> Result<PlanDocument, Box<Diagnostic>> {
    let doc = PlanDocument::from_json(text).map_err(|e| {
        Box::new(
            Diagnostic::error(codes::BAD_PLAN, format!("cannot use plan file {name}: {e}"))
                .with_path(name)
                .with_help("pass the file written by `lbplan plan --out FILE`"),
        )
    })?;
    let errors: Vec<&str> = doc
        .diagnostics
        .iter()
        .filter(|d| d.severity == "error")
        .map(|d| d.code.as_str())
        .collect();
    if !errors.is_empty() {
        return Err(Box::new(
            Diagnostic::error(
                codes::PLAN_HAS_ERRORS,
                format!(
                    "plan file {name} was made from manifests with {} error(s) ({}); it is not applied",
                    errors.len(),
                    errors.join(", ")
                ),
            )
            .with_path(name)
            .with_help("fix the manifests (`lbplan validate`), plan again and apply the new plan"),
        ));
    }
    Ok(doc)
}

/// The action of every change; refuses unknown actions and unconfirmed destruction.
fn plan_actions(
    doc: &PlanDocument,
    name: &str,
    opts: &ApplyOptions,
) -> Result<Vec<Action>, Box<Diagnostic>> {
    let mut actions = Vec::with_capacity(doc.resource_changes.len());
    for c in &doc.resource_changes {
        let Some(a) = c.action() else {
            return Err(Box::new(
                Diagnostic::error(
                    codes::BAD_PLAN,
                    format!(
                        "`{}` has actions {:?}, which the executor does not know",
                        c.address, c.actions
                    ),
                )
                .with_path(name)
                .with_help("pass the file written by `lbplan plan --out FILE`, unedited"),
            ));
        };
        actions.push(a);
    }
    let destructive: Vec<&str> = doc
        .resource_changes
        .iter()
        .filter(|c| c.destructive)
        .map(|c| c.address.as_str())
        .collect();
    if !destructive.is_empty() && !opts.allow_destroy {
        return Err(Box::new(
            Diagnostic::error(
                codes::DESTROY_NOT_ALLOWED,
                format!(
                    "the plan destroys {} resource(s) ({}); pass --allow-destroy to apply it",
                    destructive.len(),
                    destructive.join(", ")
                ),
            )
            .with_path(name)
            .with_help("read the plan's `Warning:` blocks first: a deleted load balancer or EIP cannot be restored"),
        ));
    }
    Ok(actions)
}

fn lock_refused(e: LockError, state: &str) -> Outcome {
    match e {
        LockError::Held { path, holder } => {
            let who = if holder.is_empty() {
                String::new()
            } else {
                format!(" ({holder})")
            };
            Outcome::refused(
                Diagnostic::error(
                    codes::LOCKED,
                    format!("state {state} is locked by another apply{who}"),
                )
                .with_path(path.display().to_string())
                .with_help(format!(
                    "wait for it to finish; if no apply is running, delete {}",
                    path.display()
                )),
            )
        }
        LockError::Io { path, source } => {
            let mut o = Outcome::refused(write_failed(&path.display().to_string(), &source));
            o.io_failed = true;
            o
        }
    }
}

fn write_failed(path: &str, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(codes::WRITE_FAILED, format!("cannot write {path}: {e}"))
        .with_path(path)
        .with_help("make the folder writable, then run `lbplan apply` with the same plan again; it resumes")
}

/// Decides between resuming an interrupted apply of this plan, starting it afresh, and
/// refusing a stale plan. Returns whether it resumes.
fn start_or_resume(
    state: &mut State,
    doc: &PlanDocument,
    digest: &str,
    state_shown: &str,
    name: &str,
) -> Result<bool, Box<Diagnostic>> {
    if state.applying.as_ref().is_some_and(|a| a.plan == digest) {
        return Ok(true);
    }
    let (serial, lineage) = doc
        .prior_state
        .as_ref()
        .map_or((0, ""), |p| (p.serial, p.lineage.as_str()));
    if serial != state.serial || lineage != state.lineage {
        let made = if lineage.is_empty() && serial == 0 {
            "an empty state".to_string()
        } else {
            format!("serial {serial} of lineage {lineage}")
        };
        return Err(Box::new(
            Diagnostic::error(
                codes::STALE_PLAN,
                format!(
                    "plan {name} is stale: it was made against {made}, but {state_shown} is at serial {} of lineage {}",
                    state.serial,
                    if state.lineage.is_empty() { "(none)" } else { &state.lineage }
                ),
            )
            .with_path(name)
            .with_help(format!(
                "plan again with `lbplan plan --state {state_shown} --out {name}` and apply the new plan"
            )),
        ));
    }
    if state.lineage.is_empty() {
        state.lineage = new_lineage(digest);
    }
    state.applying = Some(Applying {
        plan: digest.to_string(),
        started_serial: state.serial,
        done: Vec::new(),
    });
    Ok(false)
}

/// A lineage in UUID shape, derived from the first plan applied so that runs repeat.
fn new_lineage(digest: &str) -> String {
    let h = hex_digest(&["lineage", digest]);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

fn note_resume(outcome: &mut Outcome, state: &State, jpath: &Path, state_shown: &str) {
    let done = state.applying.as_ref().map_or(0, |a| a.done.len());
    let in_flight = journal::in_flight(&journal::read(jpath));
    let mut d = Diagnostic::advice(
        codes::RESUMED,
        format!("resuming the interrupted apply of this plan: {done} action(s) already done"),
    )
    .with_path(state_shown)
    .with_help(
        "an action that was in flight is repeated unless the state records it as done; \
             the cloud recognises a repeated create by its token",
    );
    if !in_flight.is_empty() {
        d = d.with_note(format!(
            "in flight when it stopped: {}",
            in_flight.join(", ")
        ));
    }
    outcome.diagnostics.push(d);
}

/// Whether a change needs a call: not done by an earlier run of this plan, and not a no-op
/// on an object the state already records.
fn needs_work(c: &ResourceChange, action: Action, state: &State, done: &BTreeSet<String>) -> bool {
    if done.contains(&c.address) {
        return false;
    }
    match action {
        Action::NoOp => state.resource(&c.address).is_none(),
        Action::Delete | Action::Retain => state.resource(&c.address).is_some(),
        _ => true,
    }
}

/// Removals in reverse dependency waves, then everything else in dependency waves.
fn schedule(doc: &PlanDocument, work: &[Work]) -> Result<Vec<Vec<Work>>, Box<Diagnostic>> {
    let (removals, others): (Vec<Work>, Vec<Work>) = work
        .iter()
        .partition(|w| matches!(w.action, Action::Delete | Action::Retain));
    let nodes = |ws: &[Work]| -> Vec<(&str, Vec<&str>)> {
        ws.iter()
            .map(|w| {
                let c = &doc.resource_changes[w.index];
                (
                    c.address.as_str(),
                    c.depends_on.iter().map(String::as_str).collect(),
                )
            })
            .collect()
    };
    let cycle = |members: Vec<String>| {
        Box::new(
            Diagnostic::error(
                codes::CYCLE,
                format!(
                    "the plan's resources depend on each other in a cycle: {}",
                    members.join(", ")
                ),
            )
            .with_help("plan again; `lbplan plan` never writes a cyclic plan"),
        )
    };
    let mut out = Vec::new();
    for wave in reverse_waves(&nodes(&removals)).map_err(cycle)? {
        out.push(wave.into_iter().map(|i| removals[i]).collect());
    }
    for wave in waves(&nodes(&others)).map_err(cycle)? {
        out.push(wave.into_iter().map(|i| others[i]).collect());
    }
    Ok(out)
}

/// What a completed action does to the state.
enum Effect {
    Put(Attributes),
    Remove,
}

/// The shared context of the workers.
struct Run<'a> {
    doc: &'a PlanDocument,
    digest: &'a str,
    backend: &'a dyn Backend,
    state: Mutex<State>,
    state_path: &'a Path,
    journal: &'a Journal,
    opts: &'a ApplyOptions,
    progress: &'a dyn Progress,
    started: AtomicUsize,
    stop: AtomicBool,
    crashed: AtomicBool,
    io_failed: AtomicBool,
    failures: Mutex<Vec<Diagnostic>>,
    applied: Mutex<Applied>,
}

impl Run<'_> {
    /// Runs one wave on up to `parallelism` threads; returns when all its started actions
    /// have finished. After a failure no new action of the wave starts.
    fn wave(&self, wave: &[Work]) {
        let next = AtomicUsize::new(0);
        let threads = self.opts.parallelism.clamp(1, wave.len().max(1));
        std::thread::scope(|scope| {
            for _ in 0..threads {
                scope.spawn(|| {
                    loop {
                        if self.stop.load(Ordering::SeqCst) {
                            break;
                        }
                        let i = next.fetch_add(1, Ordering::SeqCst);
                        let Some(w) = wave.get(i) else { break };
                        self.perform(*w);
                    }
                });
            }
        });
    }

    fn fail(&self, d: Diagnostic) {
        self.stop.store(true, Ordering::SeqCst);
        self.failures
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(d);
    }

    /// Whether the injected crash happens here; aborts the process when asked to.
    fn crash_here(&self, k: usize, point: CrashPoint) -> bool {
        match self.opts.crash {
            Some(c) if c.action == k && c.point == point => {
                if c.abort {
                    std::process::abort();
                }
                self.crashed.store(true, Ordering::SeqCst);
                self.stop.store(true, Ordering::SeqCst);
                true
            }
            _ => false,
        }
    }

    fn perform(&self, w: Work) {
        let c = &self.doc.resource_changes[w.index];
        let word = action_word(w.action);
        let k = self.started.fetch_add(1, Ordering::SeqCst) + 1;
        if let Err(e) = self.journal.record(&Entry::Begin {
            address: c.address.clone(),
            action: word.to_string(),
        }) {
            self.io_failed.store(true, Ordering::SeqCst);
            return self.fail(write_failed("the journal", &e));
        }
        if self.crash_here(k, CrashPoint::BeforeBackend) {
            return;
        }
        let result = self.call(c, w.action);
        if self.crash_here(k, CrashPoint::AfterBackend) {
            return;
        }
        match result {
            Err(e) => {
                let _ = self.journal.record(&Entry::Failed {
                    address: c.address.clone(),
                    action: word.to_string(),
                    message: e.message.clone(),
                });
                self.fail(
                    Diagnostic::error(e.code, format!("{} `{}` failed: {}", word, c.address, e.message))
                        .with_path(self.state_path.display().to_string())
                        .with_help(format!(
                            "{}; the state records every action that completed, and `lbplan apply` with the same plan resumes",
                            e.help
                        )),
                );
            }
            Ok(effect) => self.record(k, c, w.action, effect),
        }
    }

    /// Records a completed action in the state (one atomic write), then in the journal.
    fn record(&self, k: usize, c: &ResourceChange, action: Action, effect: Effect) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let id = match &effect {
            Effect::Put(attrs) => match attrs.get("id") {
                Some(Value::String(s)) => Some(s.clone()),
                _ => None,
            },
            Effect::Remove => None,
        };
        match effect {
            Effect::Put(attributes) => state.upsert(StateResource {
                address: c.address.clone(),
                kind: c.kind,
                provider: c.provider,
                name: c.name.clone(),
                owner: c.owner,
                attributes,
                depends_on: c.depends_on.clone(),
                delete_policy: c.delete_policy.clone(),
            }),
            Effect::Remove => state.remove(&c.address),
        }
        if let Some(a) = state.applying.as_mut() {
            a.done.push(c.address.clone());
        }
        state.serial += 1;
        state.sandbox = self.backend.saved();
        if let Err(e) = state.write_atomic(self.state_path) {
            self.io_failed.store(true, Ordering::SeqCst);
            return self.fail(write_failed(&self.state_path.display().to_string(), &e));
        }
        if self.crash_here(k, CrashPoint::AfterStateWrite) {
            return;
        }
        let serial = state.serial;
        drop(state);
        let _ = self.journal.record(&Entry::Done {
            address: c.address.clone(),
            action: action_word(action).to_string(),
            serial,
        });
        self.count(action);
        let id = id.map(|i| format!(" [id={i}]")).unwrap_or_default();
        let line = match action {
            Action::Create => format!("{}: Creation complete{id}", c.address),
            Action::Update => format!("{}: Modifications complete{id}", c.address),
            Action::Replace => format!("{}: Replacement complete{id}", c.address),
            Action::Delete => format!("{}: Destruction complete", c.address),
            Action::Retain => format!("{}: Removed from state; retained in the cloud", c.address),
            Action::NoOp => format!("{}: Existing object recorded{id}", c.address),
        };
        self.progress.completed(&line);
    }

    /// Records the first half of a replacement (the old object deleted) without marking
    /// the action done, so that a failure or crash before the create leaves a state that
    /// matches the cloud, and a resumed run repeats the (idempotent) delete and the create.
    fn record_removal(&self, c: &ResourceChange) -> Result<(), BackendError> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.remove(&c.address);
        state.serial += 1;
        state.sandbox = self.backend.saved();
        state.write_atomic(self.state_path).map_err(|e| {
            self.io_failed.store(true, Ordering::SeqCst);
            BackendError::permanent(
                codes::WRITE_FAILED,
                format!("cannot write {}: {e}", self.state_path.display()),
                "make the folder writable",
            )
        })
    }

    fn count(&self, action: Action) {
        let mut a = self.applied.lock().unwrap_or_else(|e| e.into_inner());
        match action {
            Action::Create => a.added += 1,
            Action::Update => a.changed += 1,
            Action::Replace => {
                a.added += 1;
                a.destroyed += 1;
            }
            Action::Delete => a.destroyed += 1,
            Action::Retain => a.retained += 1,
            Action::NoOp => a.adopted += 1,
        }
    }

    /// The backend calls of one action, each retried on transient errors.
    fn call(&self, c: &ResourceChange, action: Action) -> Result<Effect, BackendError> {
        match action {
            Action::Create => {
                let op = self.operation(c, "create", true);
                self.retry(|| self.backend.create(&op)).map(Effect::Put)
            }
            Action::Update => {
                let op = self.operation(c, "update", true);
                self.retry(|| self.backend.update(&op)).map(Effect::Put)
            }
            Action::Replace => {
                let old = self.operation(c, "replace-delete", false);
                self.retry(|| self.backend.delete(&old))?;
                // The old object is gone: the state must say so even if the create fails.
                self.record_removal(c)?;
                let new = self.operation(c, "replace-create", true);
                self.retry(|| self.backend.create(&new)).map(Effect::Put)
            }
            Action::Delete => {
                let op = self.operation(c, "delete", false);
                self.retry(|| self.backend.delete(&op))
                    .map(|()| Effect::Remove)
            }
            Action::Retain => {
                let op = self.operation(c, "release", false);
                self.retry(|| self.backend.release(&op))
                    .map(|()| Effect::Remove)
            }
            Action::NoOp => {
                let op = self.operation(c, "adopt", true);
                self.retry(|| self.backend.adopt(&op)).map(Effect::Put)
            }
        }
    }

    fn retry<T>(
        &self,
        mut call: impl FnMut() -> Result<T, BackendError>,
    ) -> Result<T, BackendError> {
        let attempts = self.opts.retry.attempts.max(1);
        let mut delay = self.opts.retry.base;
        let mut attempt = 1;
        loop {
            match call() {
                Err(e) if e.failure == Failure::Transient => {
                    if attempt >= attempts {
                        return Err(BackendError {
                            message: format!("gave up after {attempts} attempts: {}", e.message),
                            ..e
                        });
                    }
                    std::thread::sleep(delay);
                    delay = delay.saturating_mul(2);
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    /// The request for one call: the desired values (or the recorded ones when the object
    /// goes away), the attributes to assign, and the dependencies as recorded so far.
    fn operation(&self, c: &ResourceChange, call: &str, desired: bool) -> Operation {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let recorded = || state.resource(&c.address).map(|r| r.attributes.clone());
        let (attributes, unknown) = if desired {
            let attrs: IndexMap<String, Value> = c.after.clone().unwrap_or_default();
            let unknown = c
                .after_unknown
                .iter()
                .filter(|p| !p.contains(['.', '[']))
                .cloned()
                .collect();
            (attrs, unknown)
        } else {
            (
                recorded().or_else(|| c.before.clone()).unwrap_or_default(),
                Vec::new(),
            )
        };
        Operation {
            address: c.address.clone(),
            kind: c.kind,
            provider: c.provider,
            name: c.name.clone(),
            token: hex_digest(&[self.digest, &c.address, call]),
            attributes,
            unknown,
            dependencies: dependencies(&state, &c.depends_on),
        }
    }
}

/// The transitive dependencies recorded in `state`, nearest first.
fn dependencies(state: &State, direct: &[String]) -> Vec<Dependency> {
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut queue: VecDeque<&str> = direct.iter().map(String::as_str).collect();
    let mut out = Vec::new();
    while let Some(a) = queue.pop_front() {
        if !seen.insert(a) {
            continue;
        }
        if let Some(r) = state.resource(a) {
            out.push(Dependency {
                address: r.address.clone(),
                kind: r.kind,
                attributes: r.attributes.clone(),
            });
            queue.extend(r.depends_on.iter().map(String::as_str));
        }
    }
    out
}

fn action_word(a: Action) -> &'static str {
    match a {
        Action::Create => "create",
        Action::Update => "update",
        Action::Replace => "replace",
        Action::Delete => "delete",
        Action::Retain => "retain",
        Action::NoOp => "adopt",
    }
}
