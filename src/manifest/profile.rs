//! ClusterProfile (scaffold: replaced by the full decoder).
use super::decode::{Ctx, Fields};
use crate::source::Node;
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClusterProfile {}
pub fn decode(_ctx: &mut Ctx, f: &mut Fields, _node: &Node) -> ClusterProfile {
    f.accept(&["spec", "status", "endpoints", "ports", "addressType"]);
    ClusterProfile {}
}
