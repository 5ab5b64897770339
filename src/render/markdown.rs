//! The pull-request comment of `lbplan diff --format markdown`.
//!
//! A reviewer must tell from the comment alone what will be created, changed and destroyed,
//! and which line of the pull request causes each destruction. The layout lives in a
//! Handlebars template (`templates/diff.md.hbs`, shipped in the binary) so that a team can
//! restyle it with `--template FILE` without forking: the template receives the data
//! described on [`context`]. Strict mode turns a misspelt field in a custom template into
//! an error instead of an empty cell; HTML escaping is off because the output is Markdown,
//! where `&amp;` would show literally.

use std::collections::BTreeMap;

use handlebars::Handlebars;
use serde_json::{Value as Json, json};

use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::plan::{Action, CauseSite, Change, Plan};
use crate::render::plan_text::{change_block, source_line, warning_help};
use crate::source::SourceMap;

/// The template used without `--template`.
pub const DEFAULT_TEMPLATE: &str = include_str!("templates/diff.md.hbs");

/// What the comment is about: one comparison and its findings.
#[derive(Debug, Clone, Copy)]
pub struct DiffView<'a> {
    pub sources: &'a SourceMap,
    /// `None` when no plan could be made (the diagnostics say why).
    pub plan: Option<&'a Plan>,
    pub diagnostics: &'a Diagnostics,
    /// The head line that causes each removal, by address.
    pub sites: &'a BTreeMap<String, CauseSite>,
    pub base: &'a str,
    pub head: &'a str,
    /// Errors of the base side, counted but not listed.
    pub base_errors: usize,
}

/// Renders `view` with `template` (the shipped one when `None`). Errs with the template
/// engine's message when a custom template does not compile or names a missing field.
pub fn render(view: &DiffView, template: Option<&str>) -> Result<String, String> {
    let mut hb = Handlebars::new();
    hb.set_strict_mode(true);
    hb.register_escape_fn(handlebars::no_escape);
    hb.register_template_string("diff", template.unwrap_or(DEFAULT_TEMPLATE))
        .map_err(|e| e.to_string())?;
    hb.render("diff", &context(view)).map_err(|e| e.to_string())
}

/// The template's data. Every key is always present (strict mode): `base`, `head`,
/// `planned`, `has_changes`, `summary` {`add`, `change`, `destroy`, `retain`},
/// `destructive` and `changes` (lists of changes, destructive ones first in `changes`),
/// `diagnostics` (`severity`, `code`, `message`, `location`, `help`), `errors`, `warnings`,
/// `counts` ("1 error, 2 warnings"), `base_errors`. A change has `address`, `kind`, `name`, `action`, `symbol`, `verb`,
/// `destructive`, `cause` (the first reason), `notes` (the others), `reasons`, `from`,
/// `line` (`location`, `label`, `text`, or null), `help` and `block` (the Terraform-style
/// block as a `diff` code block body).
pub fn context(view: &DiffView) -> Json {
    let changes: Vec<&Change> = view
        .plan
        .map(|p| p.changes.iter().filter(|c| is_shown(c)).collect())
        .unwrap_or_default();
    let destructive: Vec<Json> = changes
        .iter()
        .filter(|c| c.destructive)
        .map(|c| change(view, c))
        .collect();
    let ordered: Vec<Json> = changes
        .iter()
        .filter(|c| c.destructive)
        .chain(changes.iter().filter(|c| !c.destructive))
        .map(|c| change(view, c))
        .collect();
    let mut all = view.diagnostics.clone();
    for w in view.plan.map(|p| p.warnings.as_slice()).unwrap_or_default() {
        all.push(w.clone());
    }
    let diagnostics: Vec<Json> = all
        .sorted()
        .into_iter()
        .map(|d| diagnostic(view.sources, d))
        .collect();
    let summary = view.plan.map(|p| p.summary).unwrap_or_default();
    json!({
        "base": view.base,
        "head": view.head,
        "planned": view.plan.is_some(),
        "has_changes": view.plan.is_some_and(Plan::has_changes),
        "summary": {
            "add": summary.add,
            "change": summary.change,
            "destroy": summary.destroy,
            "retain": summary.retain,
        },
        "destructive": destructive,
        "changes": ordered,
        "diagnostics": diagnostics,
        "errors": all.count(Severity::Error),
        "warnings": all.count(Severity::Warning),
        "counts": counts(all.count(Severity::Error), all.count(Severity::Warning)),
        "base_errors": view.base_errors,
    })
}

/// "1 error, 2 warnings", for headings.
fn counts(errors: usize, warnings: usize) -> String {
    let word = |n: usize, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    format!("{}, {}", word(errors, "error"), word(warnings, "warning"))
}

/// The same changes the text plan shows: no-ops only when they hide a manifest edit.
fn is_shown(c: &Change) -> bool {
    c.action != Action::NoOp || !c.not_applied.is_empty()
}

fn change(view: &DiffView, c: &Change) -> Json {
    let (symbol, verb) = match c.action {
        Action::Create => ("+", "will be created"),
        Action::Update => ("~", "will be updated in-place"),
        Action::Replace => ("-/+", "must be replaced"),
        Action::Delete => ("-", "will be destroyed"),
        Action::Retain => ("!", "will be retained (manual cleanup required)"),
        Action::NoOp => (" ", "has manifest changes the controller will not apply"),
    };
    let from = c.provenance.first().map(|s| {
        let (f, l, col) = view.sources.location(*s);
        format!("{f}:{l}:{col}")
    });
    let site = view.sites.get(&c.address);
    let line = site.map(|s| {
        let (f, l, col) = view.sources.location(s.span);
        json!({
            "location": format!("{f}:{l}:{col}"),
            "label": s.label,
            "text": source_line(view.sources, s.span).trim(),
        })
    });
    let help = warning_help(c, site);
    json!({
        "address": c.address,
        "kind": c.kind.as_str(),
        "name": c.name,
        "action": c.action.contract().join(","),
        "symbol": symbol,
        "verb": verb,
        "destructive": c.destructive,
        "cause": c.reasons.first(),
        "notes": c.reasons.iter().skip(1).collect::<Vec<_>>(),
        "reasons": &c.reasons[..],
        "from": from,
        "line": line,
        "help": help,
        "block": diff_block(&change_block(view.sources, c)),
    })
}

/// A plan block with its symbols moved to the first column, where a `diff` code block
/// colours them (`+` green, `-` red, `!` for in-place updates, as tfcmt does).
fn diff_block(block: &str) -> String {
    block
        .lines()
        .map(|l| {
            let body = l.trim_start();
            let indent = &l[..l.len() - body.len()];
            let moved = |sym: char, rest: &str| format!("{sym}{indent}{rest}");
            let line = if let Some(rest) = body.strip_prefix("-/+ ") {
                moved('!', &format!("    {rest}"))
            } else if let Some(rest) = body.strip_prefix("+ ") {
                moved('+', &format!("  {rest}"))
            } else if let Some(rest) = body.strip_prefix("- ") {
                moved('-', &format!("  {rest}"))
            } else if let Some(rest) = body.strip_prefix("~ ") {
                moved('!', &format!("  {rest}"))
            } else {
                format!(" {l}")
            };
            format!("{line}\n")
        })
        .collect()
}

fn diagnostic(sources: &SourceMap, d: &Diagnostic) -> Json {
    let location = match (d.primary(), &d.path) {
        (Some(p), _) => {
            let (f, l, c) = sources.location(p.span);
            Some(format!("{f}:{l}:{c}"))
        }
        (None, Some(path)) => Some(path.clone()),
        (None, None) => None,
    };
    json!({
        "severity": d.severity.as_str(),
        "code": d.code,
        "message": d.message,
        "location": location,
        "help": d.help,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn empty_view<'a>(
        sources: &'a SourceMap,
        diags: &'a Diagnostics,
        sites: &'a BTreeMap<String, CauseSite>,
        plan: Option<&'a Plan>,
    ) -> DiffView<'a> {
        DiffView {
            sources,
            plan,
            diagnostics: diags,
            sites,
            base: "origin/main",
            head: "HEAD",
            base_errors: 0,
        }
    }

    #[test]
    fn the_shipped_template_renders_no_changes() {
        let (sources, diags, sites) = (SourceMap::new(), Diagnostics::new(), BTreeMap::new());
        let plan = Plan {
            changes: Vec::new(),
            warnings: Vec::new(),
            summary: Default::default(),
            prior_state: None,
        };
        let text = render(&empty_view(&sources, &diags, &sites, Some(&plan)), None).unwrap();
        assert!(text.contains("**No changes.**"), "{text}");
    }

    #[test]
    fn custom_templates_are_strict_and_unescaped() {
        let (sources, diags, sites) = (SourceMap::new(), Diagnostics::new(), BTreeMap::new());
        let view = empty_view(&sources, &diags, &sites, None);
        let err = render(&view, Some("{{summary.dstroy}}")).unwrap_err();
        assert!(err.contains("dstroy"), "{err}");
        let ok = render(&view, Some("{{base}} <b>&</b> {{planned}}")).unwrap();
        assert_eq!(ok, "origin/main <b>&</b> false");
    }

    /// Every line moves right by one column, so the block keeps its alignment.
    #[test]
    fn diff_blocks_move_symbols_to_the_first_column() {
        let block = "  # x will be created\n  + resource \"eip\" \"e\" {\n      + bandwidth = 5\n      ~ port = 80 -> 81\n    }\n";
        assert_eq!(
            diff_block(block),
            "   # x will be created\n+    resource \"eip\" \"e\" {\n+        bandwidth = 5\n!        port = 80 -> 81\n     }\n"
        );
    }
}
