//! Alibaba Cloud CCM: Classic Load Balancer (CLB) and Network Load Balancer (NLB) for
//! `type: LoadBalancer` Services.
//!
//! Keys shared with the ACK Edge ELB controller (`address-type`, `scheduler`, health-check
//! keys, …) live here once, with `Controller::Elb` among their readers, because the key
//! string is the same and a catalogue key must be unique.

pub mod annotations;
