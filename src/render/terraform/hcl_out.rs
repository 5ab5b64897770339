//! The HCL writer. Blocks are built with `hcl-rs` builders and formatted one by one, so
//! that comments (which `hcl-rs` bodies cannot carry) go between them. `hcl-rs` escapes
//! quotes, backslashes, newlines and the template markers `${` and `%{` of literal strings.

use hcl::expr::{Expression, Object, ObjectKey, Traversal, Variable as HclVariable};
use hcl::structure::{Block as HclBlock, BlockBuilder, Body};

use crate::model::Value;

use super::{Block, Document, Entry, GENERATED, Gap, Part, TfValue, heading};

pub(super) fn write(doc: &Document, part: Part) -> String {
    let mut out = String::new();
    comment(&mut out, GENERATED);
    if part.has_main() {
        out.push('\n');
        push_block(&mut out, terraform_block(doc));
        for name in doc.providers.keys() {
            out.push('\n');
            push_block(
                &mut out,
                HclBlock::builder("provider").add_label(*name).build(),
            );
        }
        for (name, v) in &doc.variables {
            out.push('\n');
            comment(&mut out, &format!("Used by {}.", v.used_by.join(", ")));
            push_block(
                &mut out,
                HclBlock::builder("variable")
                    .add_label(name.as_str())
                    .add_attribute((
                        "type",
                        Expression::Variable(HclVariable::unchecked("string")),
                    ))
                    .add_attribute(("description", v.description.as_str()))
                    .build(),
            );
        }
    }
    for entry in doc.entries.iter().filter(|e| part.has_cloud(e.cloud())) {
        out.push('\n');
        match entry {
            Entry::Block(b) => resource(&mut out, b),
            Entry::External {
                address,
                kind,
                provider,
                id,
                ..
            } => {
                comment(&mut out, &heading(address, *provider, *kind));
                comment(
                    &mut out,
                    &match id {
                        Some(id) => format!(
                            "Managed outside this configuration (owner: user); referenced by its id {id:?}."
                        ),
                        None => "Managed outside this configuration (owner: user).".to_string(),
                    },
                );
            }
            Entry::Folded {
                address,
                kind,
                provider,
                within,
                ..
            } => comment(
                &mut out,
                &format!(
                    "{}: written as nested blocks of {within}",
                    heading(address, *provider, *kind)
                ),
            ),
            Entry::Gap(g) => gap(&mut out, g),
        }
    }
    out
}

fn terraform_block(doc: &Document) -> HclBlock {
    let mut required = HclBlock::builder("required_providers");
    for (name, source) in &doc.providers {
        let source: Object<ObjectKey, Expression> = [(
            ObjectKey::Identifier(hcl::Identifier::unchecked("source")),
            Expression::from(*source),
        )]
        .into_iter()
        .collect();
        required = required.add_attribute((*name, Expression::Object(source)));
    }
    HclBlock::builder("terraform")
        .add_block(required.build())
        .build()
}

fn resource(out: &mut String, b: &Block) {
    comment(out, &heading(&b.address, b.provider, b.kind));
    for c in &b.comments {
        comment(out, c);
    }
    let mut builder = HclBlock::builder("resource")
        .add_label(b.tf_type)
        .add_label(b.name.as_str());
    let items: Vec<(&str, &TfValue)> = b.body.iter().map(|(k, v)| (k.as_str(), v)).collect();
    builder = body(builder, &items);
    if !b.depends_on.is_empty() {
        let deps: Vec<Expression> = b
            .depends_on
            .iter()
            .map(|(t, n)| traversal(t, n, None))
            .collect();
        builder = builder.add_attribute(("depends_on", Expression::Array(deps)));
    }
    push_block(out, builder.build());
}

fn body(mut builder: BlockBuilder, items: &[(&str, &TfValue)]) -> BlockBuilder {
    for &(key, value) in items {
        match value {
            TfValue::Blocks(blocks) => {
                for b in blocks {
                    let nested: Vec<(&str, &TfValue)> =
                        b.iter().map(|(k, v)| (k.as_str(), v)).collect();
                    builder = builder.add_block(body(HclBlock::builder(key), &nested).build());
                }
            }
            other => builder = builder.add_attribute((key, expression(other))),
        }
    }
    builder
}

fn expression(value: &TfValue) -> Expression {
    match value {
        TfValue::Literal(v) => literal(v),
        TfValue::Ref {
            tf_type,
            name,
            attr,
        } => traversal(tf_type, name, Some(attr)),
        TfValue::Var(name) => traversal("var", name, None),
        TfValue::Blocks(blocks) => Expression::Array(
            blocks
                .iter()
                .map(|b| {
                    Expression::Object(
                        b.iter()
                            .map(|(k, v)| (ObjectKey::from(k.as_str()), expression(v)))
                            .collect(),
                    )
                })
                .collect(),
        ),
    }
}

fn traversal(root: &str, name: &str, attr: Option<&str>) -> Expression {
    let mut t = Traversal::builder(HclVariable::unchecked(root)).attr(name);
    if let Some(attr) = attr {
        t = t.attr(attr);
    }
    Expression::from(t.build())
}

fn literal(v: &Value) -> Expression {
    match v {
        Value::Unknown => Expression::Null,
        Value::Bool(b) => Expression::Bool(*b),
        Value::Int(n) => Expression::from(hcl::Number::from(*n)),
        Value::String(s) => Expression::String(s.to_string()),
        Value::List(items) => Expression::Array(items.iter().map(literal).collect()),
        Value::Map(m) => Expression::Object(
            m.iter()
                .map(|(k, v)| {
                    (
                        ObjectKey::Expression(Expression::String(k.to_string())),
                        literal(v),
                    )
                })
                .collect(),
        ),
    }
}

fn gap(out: &mut String, g: &Gap) {
    comment(
        out,
        &format!("GAP: {}", heading(&g.address, g.provider, g.kind)),
    );
    comment(out, &format!("  not written as Terraform: {}", g.reason));
    for (k, v) in &g.attrs {
        comment(out, &format!("  {k} = {v}"));
    }
}

/// `# text`, one line per line of text (a newline in a value cannot end the comment).
fn comment(out: &mut String, text: &str) {
    for line in text.split('\n') {
        out.push_str("# ");
        out.push_str(line.trim_end_matches('\r'));
        out.push('\n');
    }
}

fn push_block(out: &mut String, block: HclBlock) {
    let body = Body::builder().add_block(block).build();
    match hcl::format::to_string(&body) {
        Ok(text) => out.push_str(&align_equals(&text)),
        Err(e) => comment(out, &format!("GAP: block could not be formatted: {e}")),
    }
}

/// Aligns the `=` of consecutive one-line attributes at the same indentation, as
/// `terraform fmt` does, so the output is already formatted. A line that opens a multi-line
/// value (`tags = {`) stays as it is and ends the run.
fn align_equals(text: &str) -> String {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut i = 0;
    while i < lines.len() {
        let Some((indent, _)) = one_line_attribute(lines[i]) else {
            out.push_str(lines[i]);
            i += 1;
            continue;
        };
        let mut end = i;
        while end < lines.len()
            && one_line_attribute(lines[end]).is_some_and(|(ind, _)| ind == indent)
        {
            end += 1;
        }
        let width = lines[i..end]
            .iter()
            .filter_map(|l| one_line_attribute(l))
            .map(|(_, key)| key.chars().count())
            .max()
            .unwrap_or(0);
        for line in &lines[i..end] {
            if let Some((indent, key)) = one_line_attribute(line) {
                let rest = &line[indent + key.len()..];
                out.push_str(&line[..indent]);
                out.push_str(key);
                out.push_str(&" ".repeat(width - key.chars().count()));
                out.push_str(rest);
            }
        }
        i = end;
    }
    out
}

/// `(indentation, key)` of a line `<indent><key> = <value>` whose value ends on that line.
fn one_line_attribute(line: &str) -> Option<(usize, &str)> {
    let body = line.trim_end_matches('\n');
    let indent = body.len() - body.trim_start().len();
    let rest = &body[indent..];
    let key_len = if let Some(quoted) = rest.strip_prefix('"') {
        let inner = &quoted[..quoted.find('"')?];
        if inner.contains('\\') {
            return None;
        }
        inner.len() + 2
    } else {
        rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))?
    };
    if key_len == 0 || !rest[key_len..].starts_with(" = ") {
        return None;
    }
    let opens = body.ends_with('{') || body.ends_with('[') || body.ends_with('(');
    (!opens).then_some((indent, &rest[..key_len]))
}
