//! Unit tests of the Terraform renderer.
