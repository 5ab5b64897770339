//! ACK Edge: OpenYurt (NodePool → PoolService fan-out, service topology) and the ENS ELB
//! controller of edge-controller-manager (ECM).
//!
//! Only the keys that ELB alone reads are here; keys ELB shares with CLB/NLB are catalogued
//! once in `alibaba_clb` with `Controller::Elb` among their readers.

pub mod annotations;
pub mod build;
pub mod causes;
pub mod rules;
