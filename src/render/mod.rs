//! Stage `render`: the only place that formats for humans or machines.

pub mod catalogue;
pub mod diagnostics;
pub mod graph;
pub mod markdown;
pub mod plan_text;
pub mod sarif;
pub mod state;
pub mod terraform;
