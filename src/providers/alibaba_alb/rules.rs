//! The ALB controller's rules that need the lowered cluster (and, on an ACK One Fleet, its
//! members): binding, listeners, paths, orders and the multi-cluster weights of SPEC §6.
//! The decisions themselves live in [`super::gateway`]; this reports their findings.

use crate::diag::Diagnostics;
use crate::topology::Resolved;

/// Reports every finding of [`super::gateway::analyse`] for one cluster.
pub fn check_cluster(r: &Resolved, diags: &mut Diagnostics) {
    for d in super::gateway::analyse(&r.cluster).findings {
        diags.push(d);
    }
}
