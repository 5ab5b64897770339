//! Pods and workloads (scaffold: replaced by the full decoder).
use super::decode::{Ctx, Fields};
use crate::source::Node;
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Pod {}
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Workload {}
pub fn decode_pod(_ctx: &mut Ctx, f: &mut Fields, _node: &Node) -> Pod {
    f.accept(&["spec", "status"]);
    Pod {}
}
pub fn decode_workload(_ctx: &mut Ctx, f: &mut Fields, _node: &Node) -> Workload {
    f.accept(&["spec", "status"]);
    Workload {}
}
