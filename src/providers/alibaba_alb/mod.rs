//! Alibaba ALB Ingress controller (Ingress, IngressClass, AlbConfig) and the ACK One
//! multi-cluster gateway built on it.

pub mod annotations;
pub mod build;
pub mod causes;
pub mod gateway;
pub mod rules;
