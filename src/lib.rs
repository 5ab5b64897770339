//! `lbplan`: a compiler from Kubernetes load-balancer manifests to cloud resource plans.
//!
//! Stages, one module each, data flowing one way (see DESIGN.md):
//! `source` → `manifest` → `check` (→ `ir` → `topology` → `model` → `plan`) → `render`.

pub mod annotations;
pub mod apply;
pub mod check;
pub mod cli;
pub mod compile;
pub mod concat;
pub mod diag;
pub mod ir;
pub mod kube;
pub mod manifest;
pub mod model;
pub mod plan;
pub mod providers;
pub mod render;
pub mod source;
pub mod topology;
pub mod unique;
