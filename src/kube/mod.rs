//! Kubernetes' own rules, as the API server applies them: label selectors, label and name
//! syntax. Shared by `manifest` (decoding selectors), `check` (validation) and later
//! stages (selector matching).

pub mod selector;
pub mod validation;
