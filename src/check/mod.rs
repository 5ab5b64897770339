//! Stage `check`: every rule is a small function with a stable code. All rules run, so a
//! user sees every problem in one run.

pub mod annotations;

use crate::diag::Diagnostics;
use crate::manifest::Manifest;
use crate::source::SourceMap;

/// Runs every rule over the decoded objects.
pub fn run(sources: &SourceMap, manifests: &[Manifest], diags: &mut Diagnostics) {
    annotations::check(sources, manifests, diags);
}
