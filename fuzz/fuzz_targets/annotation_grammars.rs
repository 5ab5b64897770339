//! Bytes → every annotation value grammar through `annotations::grammar::validate`.
//!
//! NOTE for the integrator: `grammar::validate(Grammar, &str) -> Vec<ValueError>` is
//! written in parallel on the grammar branch; this target references it as agreed and
//! builds once that branch is merged (fuzz/ is outside the main build and CI, so the
//! main crate is unaffected until then).
//!
//! Invariants checked besides "no panic": every error's byte range lies inside the value
//! and on character boundaries, because the check stage turns these offsets into file
//! positions.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lbplan::annotations::grammar::{self, Grammar};

/// One instance of every variant. `exhaustive` below fails to compile when a variant is
/// added, as a reminder to list it here.
const GRAMMARS: &[Grammar] = &[
    Grammar::Any,
    Grammar::NonEmpty,
    Grammar::Enum(&["internet", "intranet"]),
    Grammar::EnumIgnoreCase(&["Ip", "Instance"]),
    Grammar::Int { min: 0, max: 100 },
    Grammar::Int {
        min: i64::MIN,
        max: i64::MAX,
    },
    Grammar::CommaList,
    Grammar::ProtoPortList {
        protocols: &["http", "https", "tcp", "udp"],
        ignore_case: false,
    },
    Grammar::ProtoPortList {
        protocols: &["TCP", "UDP", "TCPSSL"],
        ignore_case: true,
    },
    Grammar::KeyValueList { bare_keys: false },
    Grammar::KeyValueList { bare_keys: true },
    Grammar::LabelSelector,
    Grammar::ZoneMaps,
    Grammar::VgroupPort,
    Grammar::ForwardPort,
    Grammar::DomainExtensions,
    Grammar::BackendWeight,
    Grammar::ListenerPortRange,
    Grammar::ElbAutocreate,
    Grammar::HealthCheckOption,
    Grammar::HealthCheckOptions,
    Grammar::SessionAffinityOption,
    Grammar::ListenPorts,
    Grammar::AlbConditions,
    Grammar::AlbActions,
    Grammar::ClusterWeight,
];

#[allow(dead_code)]
fn exhaustive(g: Grammar) {
    match g {
        Grammar::Any
        | Grammar::NonEmpty
        | Grammar::Enum(_)
        | Grammar::EnumIgnoreCase(_)
        | Grammar::Int { .. }
        | Grammar::CommaList
        | Grammar::ProtoPortList { .. }
        | Grammar::KeyValueList { .. }
        | Grammar::LabelSelector
        | Grammar::ZoneMaps
        | Grammar::VgroupPort
        | Grammar::ForwardPort
        | Grammar::DomainExtensions
        | Grammar::BackendWeight
        | Grammar::ListenerPortRange
        | Grammar::ElbAutocreate
        | Grammar::HealthCheckOption
        | Grammar::HealthCheckOptions
        | Grammar::SessionAffinityOption
        | Grammar::ListenPorts
        | Grammar::AlbConditions
        | Grammar::AlbActions
        | Grammar::ClusterWeight => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let value = String::from_utf8_lossy(data);
    for &g in GRAMMARS {
        for e in grammar::validate(g, &value) {
            assert!(e.start <= e.end && e.end <= value.len(), "{g:?}: {e:?}");
            assert!(
                value.is_char_boundary(e.start) && value.is_char_boundary(e.end),
                "{g:?}: {e:?} splits a character"
            );
        }
    }
});
