//! Stage `check`: every rule is a small function with a stable code. All rules run, so a
//! user sees every problem in one run.

pub mod annotations;
pub mod ingress;
pub mod metadata;
pub mod profile;
pub mod service;

use crate::diag::Diagnostics;
use crate::manifest::Manifest;
use crate::source::SourceMap;

/// Runs every rule over the decoded objects: the rules of each object, then those that
/// compare objects. Objects the loader kept only as records (Nodes) had theirs run by
/// [`object`] as they were decoded, and no rule that compares objects reads them.
pub fn run(sources: &SourceMap, manifests: &[Manifest], diags: &mut Diagnostics) {
    for m in manifests {
        object(sources, m, diags);
    }
    ingress::check_default_classes(manifests, diags);
    profile::check(manifests, diags);
}

/// The rules that read one object alone: the API server's, then the annotation rules.
pub fn object(sources: &SourceMap, m: &Manifest, diags: &mut Diagnostics) {
    metadata::kube_rules(sources, m, diags);
    annotations::check(sources, m, diags);
}
