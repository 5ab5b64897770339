//! The executor: `lbplan apply` reads a saved plan (SPEC §7) and carries it out through a
//! [`Backend`], by default the [`Sandbox`], a simulated cloud kept in the state file.
//!
//! Guarantees, in the order the code establishes them:
//! - a plan with errors, a stale plan (its `prior_state` is not the state file's serial and
//!   lineage) and a destructive plan without `--allow-destroy` are refused before anything
//!   runs;
//! - one apply at a time: an exclusive lock file beside the state;
//! - order: removals first, in reverse dependency waves, then creates, updates and
//!   replacements in dependency waves; the actions of one wave run concurrently on up to
//!   `parallelism` threads;
//! - crash safety: the journal records each action before and after it runs; the state is
//!   written atomically after every action, together with the list of the plan's completed
//!   actions, so a re-run of the same plan after a crash skips what is done and repeats what
//!   was in flight (creates are idempotent through their token): it converges to the state
//!   an uninterrupted run writes;
//! - transient backend errors are retried with exponential backoff; a permanent one lets
//!   the wave's other actions finish, starts no later wave, and is reported.

mod backend;
mod executor;
mod journal;
mod lock;
pub mod progress;
mod sandbox;
mod waves;

pub use backend::{Attributes, Backend, BackendError, Dependency, Failure, Operation};
pub use executor::{Applied, ApplyOptions, CrashAt, CrashPoint, Outcome, Retry, apply, apply_file};
pub use journal::{Entry, journal_path};
pub use lock::lock_path;
pub use sandbox::{Cloud, CloudObject, Faults, Sandbox};

/// The diagnostic codes of the executor (registered in `diag::codes::apply`).
pub mod codes {
    /// The plan was made against another state.
    pub const STALE_PLAN: &str = "LBP9001";
    /// The plan carries error diagnostics.
    pub const PLAN_HAS_ERRORS: &str = "LBP9002";
    /// Another apply holds the lock.
    pub const LOCKED: &str = "LBP9003";
    /// A permanent backend error.
    pub const BACKEND_REFUSED: &str = "LBP9004";
    /// Transient errors outlasted the retries.
    pub const RETRIES_EXHAUSTED: &str = "LBP9005";
    /// An in-place update of an attribute the cloud does not change.
    pub const IMMUTABLE: &str = "LBP9006";
    /// A second listener on one port of one load balancer.
    pub const PORT_IN_USE: &str = "LBP9007";
    /// Deleting a load balancer that still has listeners.
    pub const LISTENERS_LEFT: &str = "LBP9008";
    /// The plan file cannot be read or used.
    pub const BAD_PLAN: &str = "LBP9009";
    /// The plan's dependencies form a cycle.
    pub const CYCLE: &str = "LBP9010";
    /// The state or the journal cannot be written.
    pub const WRITE_FAILED: &str = "LBP9011";
    /// A destructive plan without `--allow-destroy`.
    pub const DESTROY_NOT_ALLOWED: &str = "LBP9012";
    /// An interrupted apply of the same plan was resumed (a note).
    pub const RESUMED: &str = "LBP9013";
}

/// A stable 128-bit digest (two FNV-1a passes) as 32 hex digits. Stable across Rust
/// versions and platforms, unlike `std`'s hasher, because ids and lineages derived from it
/// are written to state files.
pub fn hex_digest(parts: &[&str]) -> String {
    let fnv = |seed: u64| {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed;
        for p in parts {
            for b in p.bytes().chain(std::iter::once(0xff)) {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0000_0100_0000_01b3);
            }
        }
        h
    };
    format!("{:016x}{:016x}", fnv(0), fnv(0x9e37_79b9_7f4a_7c15))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_are_stable_and_separate_parts() {
        assert_eq!(hex_digest(&["a", "b"]), hex_digest(&["a", "b"]));
        assert_ne!(hex_digest(&["ab"]), hex_digest(&["a", "b"]));
        assert_eq!(hex_digest(&[]).len(), 32);
    }
}
