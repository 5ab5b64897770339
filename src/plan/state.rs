//! The state file: what the executor recorded as existing after its last apply, and what
//! `plan --state FILE` diffs against.
//!
//! A state records values and delete policies but no update policies: those describe the
//! controller's behaviour, which belongs to the code that builds the *desired* model, and
//! may change between versions of lbplan. [`State::to_model`] therefore marks every prior
//! attribute [`UpdatePolicy::Computed`]; the diff uses the desired side's policy for every
//! attribute the desired model has, so the effect is only that attributes the manifests no
//! longer mention are carried over rather than "removed" (as Terraform treats attributes
//! absent from the configuration). A provider that wants an unset attribute planned must
//! put its default value in the desired model.

use std::io;
use std::path::Path;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::diag::Diagnostic;
use crate::model::{
    Attr, DeletePolicy, Kind, Model, ModelError, Owner, ProviderKind, Resource, UpdatePolicy, Value,
};

use super::codes;

/// The only state version this build reads and writes.
pub const STATE_VERSION: u32 = 1;

/// One recorded cloud object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateResource {
    pub address: String,
    pub kind: Kind,
    pub provider: ProviderKind,
    pub name: Option<String>,
    pub owner: Owner,
    /// The values the cloud reported (no unknowns once applied).
    pub attributes: IndexMap<String, Value>,
    #[serde(default)]
    pub depends_on: Vec<String>,
    pub delete_policy: DeletePolicy,
}

/// The whole state file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    pub version: u32,
    /// Incremented by every write; a plan records it to detect a stale plan.
    pub serial: u64,
    /// Identifies one history of writes (set by the first apply; empty before). Two states
    /// with different lineages are unrelated even if their serials agree.
    pub lineage: String,
    pub resources: Vec<StateResource>,
    /// An apply in progress: present from the first action of an apply until its last, so
    /// that an interrupted apply of the same plan resumes where it stopped. Written in the
    /// same atomic write as the resources, so it never disagrees with them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applying: Option<Applying>,
    /// The simulated cloud of the executor's sandbox backend (its objects, by id). Opaque
    /// here: only `apply::sandbox` reads it. Kept in the state file so that `plan` and
    /// `apply` need nothing but this one file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sandbox: Option<serde_json::Value>,
}

/// The progress of one apply, recorded in the state file itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applying {
    /// The digest of the plan being applied; only the same plan may resume.
    pub plan: String,
    /// The serial of the state the plan was made against.
    pub started_serial: u64,
    /// Addresses whose action has completed, in completion order.
    pub done: Vec<String>,
}

/// Why a state file cannot be used. Each variant names the file.
#[derive(Debug, Error)]
pub enum StateError {
    #[error("cannot read state file {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: io::Error,
    },
    #[error("state file {path} is not a valid state (line {line}, column {column}): {message}")]
    Parse {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("state file {path} has version {found}; this build reads version {STATE_VERSION}")]
    Version { path: String, found: u32 },
    #[error("state file {path} is inconsistent: {source}")]
    Invalid {
        path: String,
        #[source]
        source: ModelError,
    },
}

impl StateError {
    /// The error as a diagnostic for the run's report (code LBP5004, the file as path).
    pub fn to_diagnostic(&self) -> Diagnostic {
        let path = match self {
            StateError::Read { path, .. }
            | StateError::Parse { path, .. }
            | StateError::Version { path, .. }
            | StateError::Invalid { path, .. } => path.clone(),
        };
        Diagnostic::error(codes::BAD_STATE, self.to_string())
            .with_path(path)
            .with_help(
                "pass the state file the executor wrote (or none: a missing file means an \
                 empty state); a hand-edited file must keep the documented shape",
            )
    }
}

impl Default for State {
    fn default() -> Self {
        State::empty()
    }
}

impl State {
    /// No resources, serial 0, no lineage: the state before the first apply.
    pub fn empty() -> Self {
        State {
            version: STATE_VERSION,
            serial: 0,
            lineage: String::new(),
            resources: Vec::new(),
            applying: None,
            sandbox: None,
        }
    }

    /// Reads a state file. A missing file is the empty state (nothing applied yet), so a
    /// first `plan --state` needs no setup; anything else unreadable is an error.
    pub fn load(path: &Path) -> Result<Self, StateError> {
        let shown = path.display().to_string();
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(State::empty()),
            Err(source) => {
                return Err(StateError::Read {
                    path: shown,
                    source,
                });
            }
        };
        Self::parse(&shown, &text)
    }

    /// Parses state text; `path` is only used in errors.
    pub fn parse(path: &str, text: &str) -> Result<Self, StateError> {
        let state: State = serde_json::from_str(text).map_err(|e| StateError::Parse {
            path: path.to_string(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        if state.version != STATE_VERSION {
            return Err(StateError::Version {
                path: path.to_string(),
                found: state.version,
            });
        }
        state.to_model().map_err(|source| StateError::Invalid {
            path: path.to_string(),
            source,
        })?;
        Ok(state)
    }

    /// Writes the state so that a crash at any moment leaves either the old or the new
    /// file, never a torn one: a temporary file beside it is written and fsynced, renamed
    /// over the state, and the folder is fsynced so that the rename itself is durable.
    pub fn write_atomic(&self, path: &Path) -> io::Result<()> {
        use std::io::Write;
        let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
        tmp_name.push(".tmp");
        let tmp = path.with_file_name(tmp_name);
        {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(self.to_json().as_bytes())?;
            f.sync_all()?;
        }
        std::fs::rename(&tmp, path)?;
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        // Directories cannot be opened for fsync on every platform; the rename stands.
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }

    /// The recorded resource at `address`.
    pub fn resource(&self, address: &str) -> Option<&StateResource> {
        self.resources.iter().find(|r| r.address == address)
    }

    /// Records `r`, replacing the entry with its address, keeping resources sorted.
    pub fn upsert(&mut self, r: StateResource) {
        match self.resources.iter().position(|x| x.address == r.address) {
            Some(i) => self.resources[i] = r,
            None => {
                self.resources.push(r);
                self.resources.sort_by(|a, b| a.address.cmp(&b.address));
            }
        }
    }

    /// Forgets the resource at `address` (deleted or retained).
    pub fn remove(&mut self, address: &str) {
        self.resources.retain(|r| r.address != address);
    }

    /// Pretty JSON with a final newline, resources sorted by address.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// What a plan made against this state records of it, so that an executor can refuse
    /// the plan once somebody applied in between.
    pub fn identity(&self) -> super::PriorState {
        super::PriorState {
            serial: self.serial,
            lineage: self.lineage.clone(),
        }
    }

    /// The prior model. Attributes are `Computed` (see the module docs); provenance is
    /// empty because a state knows no manifest. Fails on a duplicate address only; a
    /// dangling `depends_on` is tolerated (the prior side is ordered best effort).
    pub fn to_model(&self) -> Result<Model, ModelError> {
        Model::from_resources(self.resources.iter().map(|r| {
            Resource {
                address: r.address.clone(),
                kind: r.kind,
                provider: r.provider,
                name: r.name.clone(),
                owner: r.owner,
                attrs: r
                    .attributes
                    .iter()
                    .map(|(k, v)| {
                        (
                            crate::model::Key::Owned(k.clone()),
                            Attr {
                                value: v.clone(),
                                policy: UpdatePolicy::Computed,
                            },
                        )
                    })
                    .collect(),
                depends_on: r.depends_on.clone(),
                delete_policy: r.delete_policy.clone(),
                provenance: crate::model::Provenance::new(),
                notes: Vec::new(),
            }
        }))
    }

    /// A state recording `model` as existing, resources sorted by address so the file does
    /// not depend on the order a provider built them in.
    pub fn from_model(model: &Model, serial: u64, lineage: impl Into<String>) -> Self {
        let mut resources: Vec<StateResource> = model
            .iter()
            .map(|r| StateResource {
                address: r.address.clone(),
                kind: r.kind,
                provider: r.provider,
                name: r.name.clone(),
                owner: r.owner,
                attributes: r
                    .attrs
                    .iter()
                    .map(|(k, a)| (k.to_string(), a.value.clone()))
                    .collect(),
                depends_on: r.depends_on.clone(),
                delete_policy: r.delete_policy.clone(),
            })
            .collect();
        resources.sort_by(|a, b| a.address.cmp(&b.address));
        State {
            version: STATE_VERSION,
            serial,
            lineage: lineage.into(),
            resources,
            applying: None,
            sandbox: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resource(address: &str) -> StateResource {
        StateResource {
            address: address.to_string(),
            kind: Kind::Listener,
            provider: ProviderKind::AlibabaElb,
            name: None,
            owner: Owner::Controller,
            attributes: IndexMap::new(),
            depends_on: Vec::new(),
            delete_policy: DeletePolicy::Delete,
        }
    }

    #[test]
    fn upsert_keeps_resources_sorted_and_replaces_by_address() {
        let mut s = State::empty();
        s.upsert(resource("b"));
        s.upsert(resource("a"));
        let mut changed = resource("b");
        changed.name = Some("n".to_string());
        s.upsert(changed);
        let addresses: Vec<&str> = s.resources.iter().map(|r| r.address.as_str()).collect();
        assert_eq!(addresses, ["a", "b"]);
        assert_eq!(s.resource("b").and_then(|r| r.name.as_deref()), Some("n"));
        s.remove("a");
        assert!(s.resource("a").is_none());
        assert_eq!(s.to_model().expect("model").len(), 1);
    }

    #[test]
    fn the_apply_progress_and_the_sandbox_round_trip_and_older_files_still_read() {
        let mut s = State::from_model(&Model::new(), 3, "l-1");
        s.upsert(resource("a"));
        s.applying = Some(Applying {
            plan: "digest".to_string(),
            started_serial: 2,
            done: vec!["a".to_string()],
        });
        s.sandbox = Some(serde_json::json!({"objects": {}}));
        let text = s.to_json();
        assert_eq!(State::parse("s", &text).expect("reads back"), s);
        // A state written before these fields existed has neither.
        let old = "{\"version\":1,\"serial\":1,\"lineage\":\"x\",\"resources\":[]}";
        let read = State::parse("s", old).expect("reads");
        assert!(read.applying.is_none() && read.sandbox.is_none());
        assert!(!State::empty().to_json().contains("applying"));
    }

    #[test]
    fn write_atomic_replaces_the_file_and_leaves_no_temporary() {
        let dir = std::env::temp_dir().join(format!("lbplan-state-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join("s.json");
        let mut s = State::empty();
        s.write_atomic(&path).expect("written");
        s.serial = 9;
        s.write_atomic(&path).expect("rewritten");
        assert_eq!(State::load(&path).expect("loads").serial, 9);
        assert!(!dir.join("s.json.tmp").exists());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
