//! The plan file: SPEC §7's JSON contract, read back by the executor.
//!
//! Field names and spellings of SPEC §7 are public; fields this module adds beyond the
//! SPEC (`prior_state`, `owner`, `delete_policy`, `replace_paths`, `not_applied`, `outputs`) are
//! extensions that readers may ignore. Determinism: every list is in plan order or sorted,
//! every map keeps insertion order, so the same input serialises byte for byte the same.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::diag::record::DiagnosticRecord;
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::{DeletePolicy, Kind, OrderedMap, Owner, ProviderKind, Value};
use crate::source::SourceMap;

use super::{Action, Change, Plan, PlanEnd, PlanSink, PlanStart, Summary};

/// The version this build writes. Readers accept any `1.x` (minor versions only add
/// fields) and refuse another major, as Terraform's JSON plan does.
pub const FORMAT_VERSION: &str = "1.0";

/// The state a plan was computed against: an executor applies the plan only if the state
/// still has this lineage and serial (otherwise somebody applied in between).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriorState {
    pub serial: u64,
    pub lineage: String,
}

/// Where a resource comes from in the manifests, 1-based.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRef {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

/// One entry of `resource_changes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceChange {
    pub address: String,
    pub kind: Kind,
    pub provider: ProviderKind,
    pub name: Option<String>,
    /// `create`, `update`, `delete`,`create`, `delete`, `no-op` or `retain`.
    pub actions: Vec<String>,
    pub destructive: bool,
    pub reasons: Vec<String>,
    pub before: Option<IndexMap<String, Value>>,
    /// Known values after apply; unknown top-level attributes are left out and listed in
    /// `after_unknown`.
    pub after: Option<IndexMap<String, Value>>,
    /// Paths of values known only after apply (`id`, `backends[2].ip`).
    pub after_unknown: Vec<String>,
    pub depends_on: Vec<String>,
    pub sources: Vec<SourceRef>,
    /// Extension: who created the cloud object.
    pub owner: Owner,
    /// Extension: what removing the resource later will do; the executor copies it into
    /// the state so the next plan knows without the manifests.
    pub delete_policy: DeletePolicy,
    /// Extension: the attributes that forced a replacement (Terraform's name).
    #[serde(default)]
    pub replace_paths: Vec<String>,
    /// Extension: attributes changed in the manifests that the controller does not apply.
    #[serde(default)]
    pub not_applied: Vec<String>,
}

impl ResourceChange {
    /// The action of this entry, if `actions` is one of the contract's arrays.
    pub fn action(&self) -> Option<Action> {
        Action::from_contract(&self.actions)
    }

    fn build(sources: &SourceMap, c: &Change) -> Self {
        let after = c.after.as_ref().map(|after| {
            after
                .iter()
                .filter(|(_, v)| **v != Value::Unknown)
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect()
        });
        let after_unknown = unknown_paths(c.after.as_ref());
        let refs = source_refs(sources, c);
        ResourceChange {
            address: c.address.clone(),
            kind: c.kind,
            provider: c.provider,
            name: c.name.clone(),
            actions: c.action.contract().iter().map(|s| s.to_string()).collect(),
            destructive: c.destructive,
            reasons: c.reasons.iter().map(|r| r.to_string()).collect(),
            before: c
                .before
                .as_ref()
                .map(|b| b.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()),
            after,
            after_unknown,
            depends_on: c.depends_on.clone(),
            sources: refs,
            owner: c.owner,
            delete_policy: c.delete_policy.clone(),
            replace_paths: c.replace_paths.clone(),
            not_applied: c.not_applied.clone(),
        }
    }
}

/// The whole plan file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanDocument {
    pub format_version: String,
    /// Extension: the state the plan was made against (absent without `--state`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prior_state: Option<PriorState>,
    pub resource_changes: Vec<ResourceChange>,
    pub diagnostics: Vec<DiagnosticRecord>,
    pub summary: Summary,
    /// Extension: what each Service will show after apply, by `<namespace>/<name>`
    /// (the EXTERNAL-IP column of `kubectl get svc`). Absent when no provider reports it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub outputs: BTreeMap<String, ServiceOutputs>,
}

/// The outputs of one Service.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceOutputs {
    /// One address per region, sorted; `(known after apply)` until the cloud assigns it.
    pub external_ip: Vec<String>,
}

/// One `resource_changes` entry, borrowed.
#[derive(Serialize)]
struct ChangeRef<'a> {
    address: &'a str,
    kind: Kind,
    provider: ProviderKind,
    name: Option<&'a str>,
    actions: &'static [&'static str],
    destructive: bool,
    reasons: &'a [std::sync::Arc<str>],
    before: Option<&'a OrderedMap<Value>>,
    after: Option<KnownRef<'a>>,
    after_unknown: Vec<String>,
    depends_on: &'a [String],
    sources: Vec<SourceRef>,
    owner: Owner,
    delete_policy: &'a DeletePolicy,
    replace_paths: &'a [String],
    not_applied: &'a [String],
}

impl<'a> ChangeRef<'a> {
    fn new(sources: &SourceMap, c: &'a Change) -> Self {
        ChangeRef {
            address: &c.address,
            kind: c.kind,
            provider: c.provider,
            name: c.name.as_deref(),
            actions: c.action.contract(),
            destructive: c.destructive,
            reasons: &c.reasons,
            before: c.before.as_ref(),
            after: c.after.as_ref().map(KnownRef),
            after_unknown: unknown_paths(c.after.as_ref()),
            depends_on: &c.depends_on,
            sources: source_refs(sources, c),
            owner: c.owner,
            delete_policy: &c.delete_policy,
            replace_paths: &c.replace_paths,
            not_applied: &c.not_applied,
        }
    }
}

/// `after` without its unknown top-level attributes (they are listed in `after_unknown`).
struct KnownRef<'a>(&'a OrderedMap<Value>);

impl Serialize for KnownRef<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let mut map = ser.serialize_map(None)?;
        for (k, v) in self.0 {
            if *v != Value::Unknown {
                map.serialize_entry(k, v)?;
            }
        }
        map.end()
    }
}

fn unknown_paths(after: Option<&OrderedMap<Value>>) -> Vec<String> {
    let mut out = Vec::new();
    for (k, v) in after
        .into_iter()
        .flatten()
        .filter(|(_, v)| v.contains_unknown())
    {
        v.unknown_paths(k, &mut out);
    }
    out
}

/// The change's provenance as 1-based file positions, each position once.
fn source_refs(sources: &SourceMap, c: &Change) -> Vec<SourceRef> {
    let mut refs: Vec<SourceRef> = Vec::new();
    for span in &c.provenance {
        let (file, line, column) = sources.location(*span);
        let r = SourceRef {
            file: file.to_string(),
            line,
            column,
        };
        if !refs.contains(&r) {
            refs.push(r);
        }
    }
    refs
}

/// The run's diagnostics (`others`) and the plan's own warnings, as one sorted list.
fn diagnostic_records(
    sources: &SourceMap,
    warnings: &[Diagnostic],
    others: &Diagnostics,
) -> Vec<DiagnosticRecord> {
    let mut all = others.clone();
    for w in warnings {
        all.push(w.clone());
    }
    all.sorted()
        .into_iter()
        .map(|d| DiagnosticRecord::from_diagnostic(sources, d))
        .collect()
}

/// Why a plan file cannot be used.
#[derive(Debug, Error)]
pub enum PlanFileError {
    #[error("the plan file is not valid JSON of the plan format: {0}")]
    Json(#[from] serde_json::Error),
    #[error("plan format version {found} is not supported (this build reads 1.x)")]
    Version { found: String },
}

impl PlanDocument {
    /// The document for `plan`, with the run's other diagnostics (`others`) and the plan's
    /// own warnings merged into one sorted list.
    pub fn build(sources: &SourceMap, plan: &Plan, others: &Diagnostics) -> Self {
        PlanDocument {
            format_version: FORMAT_VERSION.to_string(),
            prior_state: plan.prior_state.clone(),
            resource_changes: plan
                .changes
                .iter()
                .map(|c| ResourceChange::build(sources, c))
                .collect(),
            diagnostics: diagnostic_records(sources, &plan.warnings, others),
            summary: plan.summary,
            outputs: BTreeMap::new(),
        }
    }

    /// Adds the Services' outputs (providers compute them from the plan).
    pub fn with_outputs(mut self, outputs: BTreeMap<String, ServiceOutputs>) -> Self {
        self.outputs = outputs;
        self
    }

    /// Pretty JSON with a final newline: the bytes of `--format json` and `--out`.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Reads a plan file, refusing a format of another major version.
    pub fn from_json(text: &str) -> Result<Self, PlanFileError> {
        let doc: PlanDocument = serde_json::from_str(text)?;
        if doc.format_version.split('.').next() != Some("1") {
            return Err(PlanFileError::Version {
                found: doc.format_version,
            });
        }
        Ok(doc)
    }
}

/// The plan file written as the plan is made: each change is serialised when it arrives
/// and dropped. The bytes are those of [`PlanDocument::to_json`] for the same plan (the
/// plan tests read every example's file back and write it again), which is why every
/// piece is pretty-printed the way serde_json prints it, indented to its depth.
pub struct JsonPlanWriter<W: std::io::Write> {
    out: std::io::BufWriter<W>,
    began: bool,
    changes: usize,
}

impl<W: std::io::Write> JsonPlanWriter<W> {
    pub fn new(out: W) -> Self {
        JsonPlanWriter {
            out: std::io::BufWriter::with_capacity(1 << 16, out),
            began: false,
            changes: 0,
        }
    }

    /// Writes `value` pretty-printed as if nested `depth` levels deep in the document.
    fn nested(&mut self, value: &impl Serialize, depth: usize) -> std::io::Result<()> {
        let mut ser = serde_json::Serializer::with_formatter(&mut self.out, Nested::at(depth));
        value.serialize(&mut ser)?;
        Ok(())
    }

    /// [`PlanSink::change`] for a change another sink also takes.
    pub fn write_change(&mut self, sources: &SourceMap, change: &Change) -> std::io::Result<()> {
        use std::io::Write;
        self.out.write_all(if self.changes == 0 {
            b"\n    "
        } else {
            b",\n    "
        })?;
        self.changes += 1;
        self.nested(&ChangeRef::new(sources, change), 2)
    }

    fn head(&mut self, prior_state: Option<&PriorState>) -> std::io::Result<()> {
        use std::io::Write;
        self.began = true;
        self.out.write_all(b"{\n  \"format_version\": ")?;
        self.nested(&FORMAT_VERSION, 1)?;
        if let Some(prior) = prior_state {
            self.out.write_all(b",\n  \"prior_state\": ")?;
            self.nested(prior, 1)?;
        }
        self.out.write_all(b",\n  \"resource_changes\": [")
    }
}

/// serde_json's pretty layout (two spaces a level) starting `depth` levels in, so that a
/// piece of the document can be written straight to the output where it belongs instead
/// of being printed alone and indented again line by line.
struct Nested {
    depth: usize,
    has_value: bool,
}

impl Nested {
    fn at(depth: usize) -> Self {
        Nested {
            depth,
            has_value: false,
        }
    }

    fn open<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            w.write_all(b"\n")?;
            self.indent(w)?;
        }
        w.write_all(bracket)
    }

    fn next_line<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(w)
    }

    fn indent<W: ?Sized + std::io::Write>(&self, w: &mut W) -> std::io::Result<()> {
        const SPACES: &[u8] = b"                                ";
        let mut left = 2 * self.depth;
        while left > 0 {
            let n = left.min(SPACES.len());
            w.write_all(&SPACES[..n])?;
            left -= n;
        }
        Ok(())
    }
}

impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.next_line(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.next_line(w, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

impl<W: std::io::Write> PlanSink for JsonPlanWriter<W> {
    fn begin(&mut self, _: &SourceMap, start: &PlanStart<'_>) -> std::io::Result<()> {
        self.head(start.prior_state)
    }

    fn change(&mut self, sources: &SourceMap, change: Change) -> std::io::Result<()> {
        self.write_change(sources, &change)
    }

    fn end(&mut self, sources: &SourceMap, end: &PlanEnd<'_>) -> std::io::Result<()> {
        use std::io::Write;
        if !self.began {
            self.head(end.prior_state)?;
        }
        self.out
            .write_all(if self.changes == 0 { b"]" } else { b"\n  ]" })?;
        self.out.write_all(b",\n  \"diagnostics\": ")?;
        let records = diagnostic_records(sources, end.warnings, end.diagnostics);
        self.nested(&records, 1)?;
        self.out.write_all(b",\n  \"summary\": ")?;
        self.nested(&end.summary, 1)?;
        if !end.outputs.is_empty() {
            self.out.write_all(b",\n  \"outputs\": ")?;
            self.nested(end.outputs, 1)?;
        }
        self.out.write_all(b"\n}\n")?;
        self.out.flush()
    }
}
