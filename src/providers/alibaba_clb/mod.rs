//! Alibaba Cloud CCM: Classic Load Balancer (CLB) and Network Load Balancer (NLB) for
//! `type: LoadBalancer` Services (SPEC §4, seed 002, reference §2–§3).
//!
//! Keys shared with the ACK Edge ELB controller (`address-type`, `scheduler`, health-check
//! keys, …) live here once, with `Controller::Elb` among their readers, because the key
//! string is the same and a catalogue key must be unique.

pub mod annotations;
pub mod backends;
pub mod build;
pub mod causes;
pub mod rules;
pub mod settings;
