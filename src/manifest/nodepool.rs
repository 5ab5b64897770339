//! NodePool (scaffold: replaced by the full decoder).
use super::decode::{Ctx, Fields};
use crate::source::Node;
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NodePool {}
pub fn decode(_ctx: &mut Ctx, f: &mut Fields, _node: &Node, _version: &str) -> NodePool {
    f.accept(&["spec", "status"]);
    NodePool {}
}
