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

/// Runs every rule over the decoded objects.
pub fn run(sources: &SourceMap, manifests: &[Manifest], diags: &mut Diagnostics) {
    metadata::kube_rules(sources, manifests, diags);
    profile::check(manifests, diags);
    annotations::check(sources, manifests, diags);
}
