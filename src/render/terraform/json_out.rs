//! The `.tf.json` writer (Terraform's JSON syntax). Strings are templates there too, so
//! literal `${` and `%{` are escaped as `$${` and `%%{`; references are `"${type.name.attr}"`;
//! comments are `"//"` properties, which Terraform ignores.

use serde_json::{Map, Value as Json, json};

use crate::model::Value;

use super::{Document, Entry, GENERATED, Part, TfValue, heading};

pub(super) fn write(doc: &Document, part: Part) -> String {
    let mut root = Map::new();
    let mut notes = vec![Json::from(GENERATED)];
    if part.has_main() {
        let required: Map<String, Json> = doc
            .providers
            .iter()
            .map(|(name, source)| (name.to_string(), json!({ "source": source })))
            .collect();
        root.insert(
            "terraform".into(),
            json!({ "required_providers": required }),
        );
        let providers: Map<String, Json> = doc
            .providers
            .keys()
            .map(|name| (name.to_string(), json!({})))
            .collect();
        root.insert("provider".into(), Json::Object(providers));
        if !doc.variables.is_empty() {
            let vars: Map<String, Json> = doc
                .variables
                .iter()
                .map(|(name, v)| {
                    (
                        name.clone(),
                        json!({
                            "//": format!("Used by {}.", v.used_by.join(", ")),
                            "type": "string",
                            "description": escape(&v.description),
                        }),
                    )
                })
                .collect();
            root.insert("variable".into(), Json::Object(vars));
        }
    }
    let mut resources: Map<String, Json> = Map::new();
    for entry in doc.entries.iter().filter(|e| part.has_cloud(e.cloud())) {
        match entry {
            Entry::Block(b) => {
                let mut body = Map::new();
                let mut comment = vec![Json::from(heading(&b.address, b.provider, b.kind))];
                comment.extend(b.comments.iter().map(|c| Json::from(c.as_str())));
                body.insert("//".into(), Json::Array(comment));
                for (k, v) in &b.body {
                    body.insert(k.clone(), value(v));
                }
                if !b.depends_on.is_empty() {
                    body.insert(
                        "depends_on".into(),
                        b.depends_on
                            .iter()
                            .map(|(t, n)| Json::from(format!("{t}.{n}")))
                            .collect(),
                    );
                }
                let by_type = resources
                    .entry(b.tf_type.to_string())
                    .or_insert_with(|| Json::Object(Map::new()));
                if let Json::Object(m) = by_type {
                    m.insert(b.name.clone(), Json::Object(body));
                }
            }
            Entry::External {
                address,
                kind,
                provider,
                id,
                ..
            } => notes.push(Json::from(format!(
                "{}: managed outside this configuration (owner: user){}",
                heading(address, *provider, *kind),
                id.as_ref()
                    .map(|id| format!("; referenced by its id {id:?}"))
                    .unwrap_or_default()
            ))),
            Entry::Folded {
                address,
                kind,
                provider,
                within,
                ..
            } => notes.push(Json::from(format!(
                "{}: written as nested blocks of {within}",
                heading(address, *provider, *kind)
            ))),
            Entry::Gap(g) => {
                let attrs: Vec<String> =
                    g.attrs.iter().map(|(k, v)| format!("{k} = {v}")).collect();
                notes.push(Json::from(format!(
                    "GAP: {}: not written as Terraform: {}{}",
                    heading(&g.address, g.provider, g.kind),
                    g.reason,
                    if attrs.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", attrs.join(", "))
                    }
                )));
            }
        }
    }
    let mut out = Map::new();
    out.insert("//".into(), Json::Array(notes));
    out.extend(root);
    if !resources.is_empty() {
        out.insert("resource".into(), Json::Object(resources));
    }
    let mut text = serde_json::to_string_pretty(&Json::Object(out)).unwrap_or_default();
    text.push('\n');
    text
}

fn value(v: &TfValue) -> Json {
    match v {
        TfValue::Literal(v) => literal(v),
        TfValue::Ref {
            tf_type,
            name,
            attr,
        } => Json::from(format!("${{{tf_type}.{name}.{attr}}}")),
        TfValue::Var(name) => Json::from(format!("${{var.{name}}}")),
        TfValue::Blocks(blocks) => Json::Array(
            blocks
                .iter()
                .map(|b| Json::Object(b.iter().map(|(k, v)| (k.clone(), value(v))).collect()))
                .collect(),
        ),
    }
}

fn literal(v: &Value) -> Json {
    match v {
        Value::Unknown => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(n) => Json::from(*n),
        Value::String(s) => Json::from(escape(s)),
        Value::List(items) => Json::Array(items.iter().map(literal).collect()),
        Value::Map(m) => Json::Object(m.iter().map(|(k, v)| (k.to_string(), literal(v))).collect()),
    }
}

/// A literal string as a Terraform JSON template that evaluates to itself.
pub(super) fn escape(s: &str) -> String {
    s.replace("${", "$${").replace("%{", "%%{")
}
