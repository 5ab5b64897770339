//! `lbplan diff BASE HEAD`: the plan that turns what BASE builds into what HEAD builds.
//!
//! Both sides are compiled by the same stages as `plan`, into one source map (base files
//! first), so a span of either side stays valid in every renderer. The diff itself is
//! [`crate::plan::diff`] with prior = the base model and desired = the head model: a pull
//! request is judged by exactly the rules of a plan. Only the head's findings are reported
//! (the base's are already merged), plus what only a comparison can tell: the head line
//! that causes each removal, and Services that look renamed.

use std::collections::BTreeMap;
use std::path::Path;

use crate::diag::{Diagnostic, Diagnostics};
use crate::manifest::{Manifest, Object, Objects};
use crate::plan::{Action, CauseSite, Plan};
use crate::providers::planner;
use crate::source::git::{self, GitError};
use crate::source::load::{Loaded, add_blob, load_inputs_into, report_empty_input};
use crate::source::{LoadOptions, SourceMap};
use crate::topology;

use super::{Collector, Compilation, Prior, build_model, finish, plan_resolved, report_unplanned};

/// The diagnostic codes of `diff` (registered in `diag::codes::diff`).
pub mod codes {
    pub const UNKNOWN_REVISION: &str = "LBP8001";
    pub const PATH_NOT_IN_REVISION: &str = "LBP8002";
    pub const GIT_UNAVAILABLE: &str = "LBP8003";
    pub const DESTRUCTIVE: &str = "LBP8004";
    pub const RENAMED: &str = "LBP8005";
}

/// One side of a comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Side {
    /// Files or folders on disk.
    Paths(Vec<String>),
    /// A git revision of the repository `git` finds in the folder lbplan runs in, limited
    /// to `paths` (everything when empty).
    Git { rev: String, paths: Vec<String> },
}

impl Side {
    /// `arg` as typed on the command line: an existing file or folder is read from disk
    /// (`paths`, when given, are taken inside it), anything else is a git revision.
    pub fn classify(arg: &str, paths: &[String], dir: &Path) -> Side {
        if dir.join(arg).exists() {
            if paths.is_empty() {
                return Side::Paths(vec![arg.to_string()]);
            }
            if arg == "." {
                return Side::Paths(paths.to_vec());
            }
            let base = Path::new(arg);
            return Side::Paths(
                paths
                    .iter()
                    .map(|p| base.join(p).display().to_string())
                    .collect(),
            );
        }
        Side::Git {
            rev: arg.to_string(),
            paths: paths.to_vec(),
        }
    }

    /// How the side is named in output: the revision, or the paths.
    pub fn label(&self) -> String {
        match self {
            Side::Paths(p) => p.join(" "),
            Side::Git { rev, .. } => rev.clone(),
        }
    }
}

/// What `diff` asks for.
#[derive(Debug, Clone)]
pub struct DiffRequest {
    pub base: Side,
    pub head: Side,
    /// A ClusterProfile file read into both sides.
    pub profile: Option<String>,
    /// The folder `git` runs in; git paths and file names are relative to it.
    pub dir: std::path::PathBuf,
    pub load: LoadOptions,
}

/// The result of `diff`.
#[derive(Debug)]
pub struct DiffRun {
    /// Base files first (named `<rev>:<path>` when read from git), then head files.
    pub sources: SourceMap,
    /// The head's findings, the comparison's, and any reading failure of either side.
    pub diagnostics: Diagnostics,
    /// `None` when a side could not be read or a model could not be built.
    pub plan: Option<Plan>,
    /// The head line that causes each removal, by address.
    pub sites: BTreeMap<String, CauseSite>,
    /// The number of errors BASE has (not reported: they are already merged).
    pub base_errors: usize,
    /// A side could not be read (exit status 2).
    pub io_failed: bool,
    pub base_label: String,
    pub head_label: String,
}

impl DiffRun {
    /// The plan file (SPEC §7) of the comparison.
    pub fn document(&self) -> crate::plan::PlanDocument {
        let empty = Plan {
            changes: Vec::new(),
            warnings: Vec::new(),
            summary: Default::default(),
            prior_state: None,
        };
        crate::plan::PlanDocument::build(
            &self.sources,
            self.plan.as_ref().unwrap_or(&empty),
            &self.diagnostics,
        )
    }
}

/// Compiles BASE and HEAD and plans the change from one to the other. Deterministic: the
/// same trees give byte-identical output; identical trees give a plan without changes.
pub fn diff(req: &DiffRequest) -> DiffRun {
    let mut base_diags = Diagnostics::new();
    let base_loaded = load_side(&req.base, req, Loaded::default(), true, &mut base_diags);
    let base = finish(base_loaded, base_diags);
    let Compilation {
        sources,
        manifests: base_manifests,
        nodes: base_nodes,
        diagnostics: mut base_diags,
        io_failed: base_failed,
    } = base;
    let mut head_diags = Diagnostics::new();
    let start = Loaded {
        sources,
        ..Loaded::default()
    };
    let head_loaded = load_side(&req.head, req, start, false, &mut head_diags);
    let head = finish(head_loaded, head_diags);
    let mut run = DiffRun {
        sources: SourceMap::new(),
        diagnostics: Diagnostics::new(),
        plan: None,
        sites: BTreeMap::new(),
        base_errors: 0,
        io_failed: base_failed || head.io_failed,
        base_label: req.base.label(),
        head_label: req.head.label(),
    };
    let mut diags = head.diagnostics;
    if run.io_failed {
        // A side that cannot be read makes any plan wrong; say why, for both sides.
        for d in base_diags.iter().filter(|d| d.primary().is_none()) {
            diags.push(d.clone());
        }
    } else {
        let sources = &head.sources;
        let base_objects = Objects {
            manifests: &base_manifests,
            nodes: &base_nodes,
        };
        let base_resolved = topology::lower_and_resolve(sources, base_objects, &mut base_diags);
        let base_model = build_model(&base_resolved, &mut base_diags);
        let head_objects = Objects {
            manifests: &head.manifests,
            nodes: &head.nodes,
        };
        let head_resolved = topology::lower_and_resolve(sources, head_objects, &mut diags);
        report_unplanned(&head_resolved, &mut diags);
        run.base_errors = base_diags.count(crate::diag::Severity::Error);
        if let Some((prior, _)) = base_model {
            let causes = planner::causes(&head_resolved, &prior);
            let against = Prior {
                model: &prior,
                state: None,
                causes: causes.as_ref(),
            };
            let mut sink = Collector::default();
            // A collector never fails to take a change.
            let _ = plan_resolved(
                sources,
                &head_resolved,
                against,
                &mut diags,
                &mut None,
                &mut sink,
            );
            if let Some(mut plan) = sink.plan {
                run.sites = plan
                    .changes
                    .iter()
                    .filter(|c| {
                        matches!(c.action, Action::Delete | Action::Replace | Action::Retain)
                    })
                    .filter_map(|c| Some((c.address.clone(), causes.cause_site(&c.address)?)))
                    .collect();
                for d in renames(&base_manifests, &head.manifests, &mut plan, &mut run.sites) {
                    diags.push(d);
                }
                run.plan = Some(plan);
            }
        } else {
            // No plan without a base model, but the head's own rules still report.
            planner::check_clusters(&head_resolved, &mut diags);
        }
    }
    run.sources = head.sources;
    run.diagnostics = diags;
    run
}

/// Reads one side onto `loaded`. Base files read from git are named `<rev>:<path>`
/// (git's own notation) so that they never look like the head's files.
fn load_side(
    side: &Side,
    req: &DiffRequest,
    mut loaded: Loaded,
    is_base: bool,
    diags: &mut Diagnostics,
) -> Loaded {
    match side {
        Side::Paths(paths) => {
            let mut inputs = paths.clone();
            inputs.extend(req.profile.clone());
            load_inputs_into(&mut loaded, &inputs, &req.load, diags);
        }
        Side::Git { rev, paths } => {
            match git::read_tree(&req.dir, rev, paths, req.load.max_file_size) {
                Ok(files) => {
                    for f in files {
                        let name = if is_base {
                            format!("{rev}:{}", f.path)
                        } else {
                            f.path.clone()
                        };
                        match f.bytes {
                            Some(bytes) => add_blob(&mut loaded, &name, bytes, &req.load, diags),
                            None => diags.push(too_large(&name, f.size, req.load.max_file_size)),
                        }
                    }
                    match &req.profile {
                        Some(p) => {
                            load_inputs_into(&mut loaded, std::slice::from_ref(p), &req.load, diags)
                        }
                        None => {
                            let names = [format!("{rev}:{}", paths.join(" "))];
                            report_empty_input(&mut loaded, &names, diags);
                        }
                    }
                }
                Err(e) => {
                    loaded.io_failed = true;
                    diags.push(git_diagnostic(&e));
                }
            }
        }
    }
    loaded
}

fn too_large(name: &str, size: u64, max: u64) -> Diagnostic {
    Diagnostic::error(
        "LBP1003",
        format!("`{name}` is larger than the limit of {max} bytes ({size} bytes)"),
    )
    .with_path(name.to_string())
    .with_help("split the file or raise the limit with --max-file-size")
}

fn git_diagnostic(e: &GitError) -> Diagnostic {
    let (code, path, help) = match e {
        GitError::UnknownRevision { rev } => (
            codes::UNKNOWN_REVISION,
            rev.clone(),
            "check it with `git rev-parse`; in CI, fetch the base branch first (`fetch-depth: 0`)",
        ),
        GitError::PathNotInRevision { rev, path } => (
            codes::PATH_NOT_IN_REVISION,
            format!("{rev}:{path}"),
            "paths after `--` are relative to the current folder; check them with `git ls-tree -r REV -- PATH`",
        ),
        GitError::NoGit(_) | GitError::NotARepository { .. } | GitError::Failed { .. } => (
            codes::GIT_UNAVAILABLE,
            ".".to_string(),
            "run lbplan inside the repository with `git` on the PATH, or give both sides as folders",
        ),
    };
    Diagnostic::error(code, e.to_string())
        .with_path(path)
        .with_help(help)
}

/// A LoadBalancer Service of one namespace and its pod selector, as `(ns, name)`.
fn load_balancers(manifests: &[Manifest]) -> BTreeMap<(String, String), (String, &Manifest)> {
    manifests
        .iter()
        .filter_map(|m| match &m.object {
            Object::Service(s) if s.type_.as_ref().is_some_and(|t| t.value == "LoadBalancer") => {
                let selector: Vec<String> = s
                    .selector
                    .values()
                    .map(|e| format!("{}={}", e.key.value, e.value.value))
                    .collect();
                Some((
                    (m.meta.namespace().to_string(), m.meta.name().to_string()),
                    (selector.join(","), m),
                ))
            }
            _ => None,
        })
        .collect()
}

/// Services of BASE missing from HEAD whose pods a new HEAD Service of the same namespace
/// selects: a rename, which Kubernetes knows only as a delete and a create. Each gets a
/// warning at the new name, a note on every change of the old and the new Service, and
/// the new name as the head line that causes each removal of the old one.
fn renames(
    base: &[Manifest],
    head: &[Manifest],
    plan: &mut Plan,
    sites: &mut BTreeMap<String, CauseSite>,
) -> Vec<Diagnostic> {
    let before = load_balancers(base);
    let after = load_balancers(head);
    let mut found = Vec::new();
    for ((ns, old), (selector, _)) in &before {
        if after.contains_key(&(ns.clone(), old.clone())) || selector.is_empty() {
            continue;
        }
        let renamed = after.iter().find(|((n, name), (sel, _))| {
            n == ns && sel == selector && !before.contains_key(&(n.clone(), name.clone()))
        });
        let Some(((_, new), (_, m))) = renamed else {
            continue;
        };
        let note = format!(
            "Service {ns}/{old} is renamed to {ns}/{new}: a rename deletes the old load balancers and creates new ones, with new addresses"
        );
        let keep = format!(
            "keep the name `{old}` to keep the load balancers and their addresses, or update DNS and clients to the new addresses"
        );
        let mut touched = false;
        for c in &mut plan.changes {
            let of = |svc: &str| {
                c.address.contains(&format!(".{ns}/{svc}/"))
                    || c.address.contains(&format!(".{ns}/{svc}-"))
            };
            if c.action != Action::NoOp && (of(old) || of(new)) {
                c.reasons.push(note.as_str().into());
                touched = true;
            }
            if let (true, true, Some(name)) = (c.action.deletes(), of(old), &m.meta.name) {
                sites.entry(c.address.clone()).or_insert_with(|| CauseSite {
                    span: name.span,
                    label: format!("renamed from `{old}`"),
                    keep: Some(keep.clone()),
                });
            }
        }
        if !touched {
            continue;
        }
        let mut d = Diagnostic::warning(codes::RENAMED, note.clone()).with_help(keep);
        if let Some(name) = &m.meta.name {
            d = d.with_primary(name.span, format!("was `{old}` in the base"));
        }
        found.push(d);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn existing_paths_are_folders_anything_else_a_revision() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        let deploy = ["edge-elb-auto".to_string()];
        assert_eq!(
            Side::classify("examples", &[], dir),
            Side::Paths(vec!["examples".into()])
        );
        assert_eq!(
            Side::classify("examples", &deploy, dir),
            Side::Paths(vec!["examples/edge-elb-auto".into()])
        );
        assert_eq!(
            Side::classify(".", &deploy, dir),
            Side::Paths(vec!["edge-elb-auto".into()])
        );
        assert_eq!(
            Side::classify("origin/main", &deploy, dir),
            Side::Git {
                rev: "origin/main".into(),
                paths: deploy.to_vec()
            }
        );
        assert_eq!(Side::classify("HEAD~1", &[], dir).label(), "HEAD~1");
    }

    #[test]
    fn git_failures_become_coded_diagnostics_without_a_span() {
        let d = git_diagnostic(&GitError::UnknownRevision { rev: "nope".into() });
        assert_eq!(
            (d.code, d.path.as_deref()),
            (codes::UNKNOWN_REVISION, Some("nope"))
        );
        let d = git_diagnostic(&GitError::PathNotInRevision {
            rev: "HEAD".into(),
            path: "k8s".into(),
        });
        assert_eq!(
            (d.code, d.path.as_deref()),
            (codes::PATH_NOT_IN_REVISION, Some("HEAD:k8s"))
        );
        let d = git_diagnostic(&GitError::NotARepository { dir: "/x".into() });
        assert_eq!(d.code, codes::GIT_UNAVAILABLE);
        assert!(d.help.is_some() && d.primary().is_none());
    }
}
