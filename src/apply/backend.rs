//! The interface between the executor and a cloud. The executor decides order, retries,
//! journaling and state; a backend only performs one call on one object.

use indexmap::IndexMap;
use thiserror::Error;

use crate::model::{Kind, ProviderKind, Value};

/// A resource this operation's resource depends on (directly or through others), with the
/// values recorded for it so far, so a backend can resolve references such as a listener's
/// load balancer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    pub address: String,
    pub kind: Kind,
    pub attributes: IndexMap<String, Value>,
}

/// One call on one cloud object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    pub address: String,
    pub kind: Kind,
    pub provider: ProviderKind,
    pub name: Option<String>,
    /// The idempotency key (Alibaba's `ClientToken`): a retried or resumed create with the
    /// same token returns the object the first call made instead of making a second one.
    pub token: String,
    /// Known values: the desired ones for create, update and adopt, the recorded ones for
    /// delete and release.
    pub attributes: IndexMap<String, Value>,
    /// Top-level attributes the cloud assigns (the plan's `after_unknown` without paths).
    pub unknown: Vec<String>,
    /// Transitive dependencies, nearest first.
    pub dependencies: Vec<Dependency>,
}

/// Whether retrying the same call can succeed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// Throttling, a busy resource, a timeout: retried with backoff.
    Transient,
    /// The request is wrong for the cloud's current state: retrying cannot help.
    Permanent,
}

/// A refused call, with the diagnostic code and help the executor reports.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{message}")]
pub struct BackendError {
    pub failure: Failure,
    pub code: &'static str,
    pub message: String,
    pub help: String,
}

impl BackendError {
    /// A failure worth retrying; reported as exhausted retries if it persists.
    pub fn transient(message: impl Into<String>) -> Self {
        BackendError {
            failure: Failure::Transient,
            code: super::codes::RETRIES_EXHAUSTED,
            message: message.into(),
            help: "run `lbplan apply` with the same plan again later".to_string(),
        }
    }

    /// A refusal retrying cannot change; `code` is the diagnostic the executor reports.
    pub fn permanent(
        code: &'static str,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        BackendError {
            failure: Failure::Permanent,
            code,
            message: message.into(),
            help: help.into(),
        }
    }
}

/// The values the cloud holds for an object after a call: the known ones sent plus the
/// ones it assigned.
pub type Attributes = IndexMap<String, Value>;

/// A cloud the executor can apply a plan to. Calls of one wave run on several threads at
/// once, hence `Sync`. Every call must be idempotent for the same `token` (create) or the
/// same address (update, delete, release), because a resumed apply repeats the calls that
/// were in flight when it was interrupted.
pub trait Backend: Sync {
    /// Creates the object and returns its values, the assigned ones filled in.
    fn create(&self, op: &Operation) -> Result<Attributes, BackendError>;
    /// Changes the object in place and returns its values.
    fn update(&self, op: &Operation) -> Result<Attributes, BackendError>;
    /// Deletes the object; an object already gone is not an error.
    fn delete(&self, op: &Operation) -> Result<(), BackendError>;
    /// Records an object the user owns (created outside the controller) and returns its
    /// values.
    fn adopt(&self, op: &Operation) -> Result<Attributes, BackendError>;
    /// Stops managing the object without deleting it (a retained resource).
    fn release(&self, op: &Operation) -> Result<(), BackendError>;
    /// What the backend keeps in the state file (the sandbox's simulated cloud), saved in
    /// the same atomic write as the resources; `None` for a real cloud.
    fn saved(&self) -> Option<serde_json::Value>;
}
