//! `lbplan render --format terraform|tf-json`: the desired model as Terraform configuration.
//!
//! The model is first lowered to a format-neutral [`Document`] (resource blocks with their
//! references resolved, variables, gaps), then written as HCL (`hcl-rs` builders) or as
//! Terraform's JSON syntax (`serde_json`). Both writers walk the same document, so the two
//! formats always say the same thing. Output depends only on the model's order, which is
//! deterministic.

mod hcl_out;
mod json_out;
mod lower;
pub mod mapping;
pub mod schema;

use std::collections::BTreeMap;

use indexmap::IndexMap;

use crate::diag::Diagnostics;
use crate::model::{Kind, Model, ProviderKind, Value};
use crate::source::Span;

pub use lower::base_name;

/// The two output syntaxes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Hcl,
    Json,
}

impl Syntax {
    /// The file extension Terraform reads.
    pub fn extension(self) -> &'static str {
        match self {
            Syntax::Hcl => "tf",
            Syntax::Json => "tf.json",
        }
    }
}

/// The rendered configuration: one file per Terraform provider plus `main` (requirements,
/// provider blocks and variables), and the warnings that list what could not be expressed.
#[derive(Debug)]
pub struct Rendered {
    /// (file name, content) in a stable order, `main.<ext>` first.
    pub files: Vec<(String, String)>,
    /// Everything in one document, for stdout.
    pub single: String,
    pub diagnostics: Diagnostics,
}

/// Renders the model in `syntax`.
pub fn render(model: &Model, syntax: Syntax) -> Rendered {
    let (doc, diagnostics) = lower::lower(model);
    let clouds: Vec<&'static str> = doc.providers.keys().copied().collect();
    let write = |part: Part| match syntax {
        Syntax::Hcl => hcl_out::write(&doc, part),
        Syntax::Json => json_out::write(&doc, part),
    };
    let ext = syntax.extension();
    let mut files = vec![(format!("main.{ext}"), write(Part::Main))];
    for cloud in clouds {
        files.push((format!("{cloud}.{ext}"), write(Part::Cloud(cloud))));
    }
    Rendered {
        files,
        single: write(Part::All),
        diagnostics,
    }
}

/// Which part of the document a writer emits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    All,
    /// `terraform`, `provider` and `variable` blocks.
    Main,
    /// The resources (and gaps) of one Terraform provider.
    Cloud(&'static str),
}

impl Part {
    fn has_main(self) -> bool {
        matches!(self, Part::All | Part::Main)
    }
    fn has_cloud(self, cloud: &str) -> bool {
        match self {
            Part::All => true,
            Part::Main => false,
            Part::Cloud(c) => c == cloud,
        }
    }
}

/// A Terraform configuration, before it is written in either syntax.
#[derive(Debug, Default)]
pub(crate) struct Document {
    /// Local name → registry source.
    pub providers: BTreeMap<&'static str, &'static str>,
    pub variables: BTreeMap<String, Variable>,
    /// In model order.
    pub entries: Vec<Entry>,
}

#[derive(Debug)]
pub(crate) struct Variable {
    pub description: String,
    pub used_by: Vec<String>,
}

#[derive(Debug)]
pub(crate) enum Entry {
    Block(Block),
    /// A user-owned resource: not managed here, referenced by its id.
    External {
        cloud: &'static str,
        address: String,
        kind: Kind,
        provider: ProviderKind,
        id: Option<String>,
    },
    /// Written inside another block (`within` is its `type.name`).
    Folded {
        cloud: &'static str,
        address: String,
        kind: Kind,
        provider: ProviderKind,
        within: String,
    },
    Gap(Gap),
}

impl Entry {
    fn cloud(&self) -> &'static str {
        match self {
            Entry::Block(b) => b.cloud,
            Entry::External { cloud, .. } | Entry::Folded { cloud, .. } => cloud,
            Entry::Gap(g) => g.cloud,
        }
    }
}

#[derive(Debug)]
pub(crate) struct Block {
    pub cloud: &'static str,
    pub tf_type: &'static str,
    pub name: String,
    pub address: String,
    pub kind: Kind,
    pub provider: ProviderKind,
    pub body: Vec<(String, TfValue)>,
    /// (type, name) of resources this one must follow without referring to them.
    pub depends_on: Vec<(&'static str, String)>,
    /// Model attributes with no argument of the type.
    pub comments: Vec<String>,
}

#[derive(Debug)]
pub(crate) struct Gap {
    pub cloud: &'static str,
    pub address: String,
    pub kind: Kind,
    pub provider: ProviderKind,
    pub reason: String,
    /// The known attributes, as text, so the gap still shows what the controller creates.
    pub attrs: Vec<(String, String)>,
    pub span: Option<Span>,
}

/// An argument value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TfValue {
    Literal(Value),
    /// `tf_type.name.attr`.
    Ref {
        tf_type: &'static str,
        name: String,
        attr: &'static str,
    },
    /// `var.name`.
    Var(String),
    /// A nested block (written `name { … }` in HCL); a list of maps is repeated blocks.
    Blocks(Vec<IndexMap<String, TfValue>>),
}

impl TfValue {
    /// The variables this value uses, in order.
    fn variables(&self, out: &mut Vec<String>) {
        match self {
            TfValue::Var(v) => out.push(v.clone()),
            TfValue::Blocks(blocks) => {
                for b in blocks {
                    for v in b.values() {
                        v.variables(out);
                    }
                }
            }
            TfValue::Literal(_) | TfValue::Ref { .. } => {}
        }
    }

    /// A model value as an argument of `schema`: maps (or lists of maps) named as nested
    /// blocks become blocks; unknown leaves inside a value are left out.
    fn from_value(value: &Value, schema: &schema::TypeSchema, arg: &str) -> TfValue {
        if schema.is_block(arg) {
            let maps: Vec<&crate::model::OrderedMap<Value>> = match value {
                Value::Map(m) => vec![m],
                Value::List(items) => items
                    .iter()
                    .filter_map(|v| match v {
                        Value::Map(m) => Some(m),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            if !maps.is_empty() {
                let required = |k: &str| {
                    schema
                        .nested_blocks
                        .get(arg)
                        .is_some_and(|b| b.required.iter().any(|r| r == k))
                };
                let several = maps.len() > 1;
                return TfValue::Blocks(
                    maps.into_iter()
                        .enumerate()
                        .map(|(i, m)| {
                            m.iter()
                                .filter_map(|(k, v)| match v {
                                    // A required value the cloud decides (a zone mapping's
                                    // `zone_id`): the user supplies it.
                                    Value::Unknown if required(k) => Some((
                                        k.to_string(),
                                        TfValue::Var(if several {
                                            format!("{arg}_{i}_{k}")
                                        } else {
                                            format!("{arg}_{k}")
                                        }),
                                    )),
                                    Value::Unknown => None,
                                    _ => Some((k.to_string(), TfValue::from_value(v, schema, k))),
                                })
                                .collect()
                        })
                        .collect(),
                );
            }
        }
        TfValue::Literal(strip_unknown(value))
    }
}

/// The value without its unknown leaves (Terraform computes them).
fn strip_unknown(value: &Value) -> Value {
    match value {
        Value::List(items) => Value::List(
            items
                .iter()
                .filter(|v| !matches!(v, Value::Unknown))
                .map(strip_unknown)
                .collect(),
        ),
        Value::Map(m) => Value::Map(
            m.iter()
                .filter(|(_, v)| !matches!(v, Value::Unknown))
                .map(|(k, v)| (k.clone(), strip_unknown(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The comment line that heads a resource block.
fn heading(address: &str, provider: ProviderKind, kind: Kind) -> String {
    format!("{address} ({provider} {kind})")
}

const GENERATED: &str = "Generated by `lbplan render` from the desired model. Resources the \
Terraform provider cannot express are marked GAP.";

#[cfg(test)]
mod tests;
