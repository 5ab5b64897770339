//! Kubernetes label selectors: the data model shared by the string parser
//! (`service.openyurt.io/nodepool-labelselector`, `kubectl -l`), the structured form
//! (`matchLabels` / `matchExpressions`) and the matcher.

use crate::manifest::decode::Spanned;
use crate::source::Span;

/// A requirement's operator, covering both the string syntax and `matchExpressions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operator {
    /// `k in (a,b)` / `operator: In`
    In,
    /// `k notin (a,b)` / `operator: NotIn`
    NotIn,
    /// `k` / `operator: Exists`
    Exists,
    /// `!k` / `operator: DoesNotExist`
    DoesNotExist,
    /// `k=v`, `k==v`, `matchLabels`
    Equals,
    /// `k!=v`
    NotEquals,
    /// `k>5` (string syntax only; value must be an integer)
    GreaterThan,
    /// `k<5`
    LessThan,
}

/// One requirement; all requirements of a selector must hold (AND).
#[derive(Debug, Clone, PartialEq)]
pub struct Requirement {
    pub key: Spanned<String>,
    pub op: Operator,
    pub values: Vec<Spanned<String>>,
    /// The whole requirement's text.
    pub span: Span,
}

/// A parsed selector. No requirements selects everything (Kubernetes' empty selector).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LabelSelector {
    pub requirements: Vec<Requirement>,
    pub span: Span,
}

/// Decodes the structured form (`matchLabels` + `matchExpressions`) used by workloads,
/// NodePools and IngressClass parameters. Operators are checked exactly as the API server
/// does: `In`/`NotIn` need values, `Exists`/`DoesNotExist` must have none.
pub fn decode_label_selector(
    ctx: &mut crate::manifest::decode::Ctx,
    node: &crate::source::Node,
    path: &str,
) -> Option<LabelSelector> {
    use crate::diag::Diagnostic;
    use crate::manifest::decode::Fields;

    let mut f = Fields::new(ctx, node, path)?;
    let mut requirements = Vec::new();
    for (_, e) in f.string_map(ctx, "matchLabels") {
        requirements.push(Requirement {
            span: e.key.span.join(e.value.span),
            key: e.key,
            op: Operator::Equals,
            values: vec![e.value],
        });
    }
    for (ipath, item) in f.list(ctx, "matchExpressions") {
        let Some(mut ef) = Fields::new(ctx, item, &ipath) else {
            continue;
        };
        let key = ef.string(ctx, "key");
        let op = ef.string(ctx, "operator");
        let values = ef.strings(ctx, "values");
        let values_span = ef.key_span("values");
        ef.finish(ctx);
        let (Some(key), Some(op)) = (key, op) else {
            ctx.push(
                Diagnostic::error(
                    "LBP1104",
                    format!("`{ipath}` needs both `key` and `operator`"),
                )
                .with_primary(item.span, "incomplete match expression")
                .with_help("write e.g. `{key: app, operator: In, values: [web]}`"),
            );
            continue;
        };
        let operator = match op.value.as_str() {
            "In" => Operator::In,
            "NotIn" => Operator::NotIn,
            "Exists" => Operator::Exists,
            "DoesNotExist" => Operator::DoesNotExist,
            other => {
                let hint =
                    crate::annotations::suggest(other, ["In", "NotIn", "Exists", "DoesNotExist"]);
                ctx.push(
                    Diagnostic::error(
                        "LBP1105",
                        format!("`{other}` is not a valid selector operator"),
                    )
                    .with_primary(op.span, "unsupported value")
                    .with_help(match hint {
                        Some(h) => format!(
                            "did you mean `{h}`? supported: In, NotIn, Exists, DoesNotExist"
                        ),
                        None => "supported values: In, NotIn, Exists, DoesNotExist".to_string(),
                    }),
                );
                continue;
            }
        };
        let needs_values = matches!(operator, Operator::In | Operator::NotIn);
        if needs_values && values.is_empty() {
            ctx.push(
                Diagnostic::error(
                    "LBP1104",
                    format!("operator `{}` needs at least one value", op.value),
                )
                .with_primary(op.span, "no `values` given")
                .with_help("add `values: [...]`, or use `Exists` to match any value"),
            );
            continue;
        }
        if !needs_values && !values.is_empty() {
            let span = values_span.unwrap_or(op.span);
            ctx.push(
                Diagnostic::error(
                    "LBP1104",
                    format!("operator `{}` must not have values", op.value),
                )
                .with_primary(span, "values are not allowed here")
                .with_help("remove `values`, or use `In` to match specific values"),
            );
            continue;
        }
        requirements.push(Requirement {
            span: item.span,
            key,
            op: operator,
            values,
        });
    }
    f.finish(ctx);
    Some(LabelSelector {
        requirements,
        span: node.span,
    })
}
