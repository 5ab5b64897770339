//! The Terraform provider schema subset the renderer checks arguments against.
//!
//! Embedded from `tests/fixtures/terraform-schema-subset.json` (a copy of the parts of the
//! reference schema we need), so that rendering needs no file at run time and the tests
//! and the renderer read one and the same table.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

const SUBSET: &str = include_str!("../../../tests/fixtures/terraform-schema-subset.json");

/// A nested block's arguments.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct BlockSchema {
    #[serde(default)]
    pub required: Vec<String>,
    #[serde(default)]
    pub optional: Vec<String>,
}

/// One resource type's top-level arguments and exported attributes.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TypeSchema {
    pub required: Vec<String>,
    pub optional: Vec<String>,
    pub exported: Vec<String>,
    #[serde(default)]
    pub nested_blocks: BTreeMap<String, BlockSchema>,
}

impl TypeSchema {
    pub fn is_argument(&self, name: &str) -> bool {
        self.is_required(name) || self.optional.iter().any(|a| a == name)
    }
    pub fn is_required(&self, name: &str) -> bool {
        self.required.iter().any(|a| a == name)
    }
    pub fn is_exported(&self, name: &str) -> bool {
        self.exported.iter().any(|a| a == name)
    }
    /// Whether `name` is written as a nested block rather than an attribute.
    pub fn is_block(&self, name: &str) -> bool {
        self.nested_blocks.contains_key(name)
    }
}

#[derive(Debug, Deserialize)]
struct Subset {
    resource_types: BTreeMap<String, TypeSchema>,
}

fn subset() -> &'static BTreeMap<String, TypeSchema> {
    static SCHEMA: OnceLock<BTreeMap<String, TypeSchema>> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        serde_json::from_str::<Subset>(SUBSET)
            .map(|s| s.resource_types)
            .unwrap_or_default()
    })
}

/// The schema of a resource type, if the subset has it.
pub fn resource_type(tf_type: &str) -> Option<&'static TypeSchema> {
    subset().get(tf_type)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_subset_parses_and_has_every_mapped_type() {
        assert!(subset().len() >= 30);
        for m in super::super::mapping::MAPPINGS {
            if let super::super::mapping::Target::Type(t) = m.target {
                assert!(resource_type(t.tf_type).is_some(), "{}", t.tf_type);
            }
        }
    }
}
