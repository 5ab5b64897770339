//! `v1/Node` (scaffold: replaced by the full decoder).
use super::decode::{Ctx, Fields};
use crate::source::Node;
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NodeObject {}
pub fn decode(_ctx: &mut Ctx, f: &mut Fields, _node: &Node) -> NodeObject {
    f.accept(&["spec", "status"]);
    NodeObject {}
}
