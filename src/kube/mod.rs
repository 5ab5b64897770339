//! Kubernetes' own rules, as the API server applies them: label selectors, label and name
//! syntax. Shared by `check` (validation) and later stages (selector matching).
