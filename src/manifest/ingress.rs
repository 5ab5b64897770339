//! Ingress and IngressClass (scaffold: replaced by the full decoder).
use super::decode::{Ctx, Fields};
use crate::source::Node;
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ingress {}
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IngressClass {}
pub fn decode_ingress(_ctx: &mut Ctx, f: &mut Fields, _node: &Node) -> Ingress {
    f.accept(&["spec", "status"]);
    Ingress {}
}
pub fn decode_ingress_class(_ctx: &mut Ctx, f: &mut Fields, _node: &Node) -> IngressClass {
    f.accept(&["spec"]);
    IngressClass {}
}
