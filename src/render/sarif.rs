//! SARIF 2.1.0 for code-scanning upload (GitHub, GitLab, Azure DevOps).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::diag::{Diagnostic, Diagnostics, Severity, codes};
use crate::plan::{Action, CauseSite, Change, Plan};
use crate::source::{SourceMap, Span};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Advice => "note",
    }
}

/// A repository-relative URI: forward slashes, no leading `./`.
fn uri(name: &str) -> String {
    let s = name.replace('\\', "/");
    s.strip_prefix("./").unwrap_or(&s).to_string()
}

fn region(sources: &SourceMap, span: Span) -> Value {
    let f = sources.get(span.file);
    let (sl, sc) = f.line_col(span.start);
    let (el, ec) = f.line_col(span.end);
    json!({"startLine": sl, "startColumn": sc, "endLine": el, "endColumn": ec})
}

fn location(sources: &SourceMap, span: Span, message: Option<&str>) -> Value {
    let mut loc = json!({
        "physicalLocation": {
            "artifactLocation": {"uri": uri(&sources.get(span.file).name)},
            "region": region(sources, span),
        }
    });
    if let Some(m) = message {
        loc["message"] = json!({"text": m});
    }
    loc
}

fn result(sources: &SourceMap, d: &Diagnostic) -> Value {
    let mut text = d.message.clone();
    if let Some(h) = &d.help {
        text.push_str("\nhelp: ");
        text.push_str(h);
    }
    let locations: Vec<Value> = match (d.primary(), &d.path) {
        (Some(p), _) => vec![location(sources, p.span, None)],
        (None, Some(path)) => {
            vec![json!({"physicalLocation": {"artifactLocation": {"uri": uri(path)}}})]
        }
        (None, None) => vec![],
    };
    let related: Vec<Value> = d
        .labels
        .iter()
        .filter(|l| !l.primary)
        .map(|l| location(sources, l.span, Some(&l.message)))
        .collect();
    let mut r = json!({
        "ruleId": d.code,
        "level": level(d.severity),
        "message": {"text": text},
        "locations": locations,
    });
    if !related.is_empty() {
        r["relatedLocations"] = json!(related);
    }
    r
}

/// The SARIF log for a set of diagnostics. Rules list every code that occurs.
pub fn sarif(sources: &SourceMap, diags: &Diagnostics) -> String {
    log(sources, diags, Vec::new())
}

/// The SARIF log of `lbplan diff`: the diagnostics, and one `LBP8004` warning per
/// destructive change, located on the head line that causes it (`sites`, by address) so
/// that code scanning annotates the pull request's diff. A removal no head line causes (a
/// deleted Service) is located on the file it came from, with `base_prefix` (`<rev>:`, how
/// base files read from git are named) taken off, which is where the deletion happened.
pub fn sarif_with_plan(
    sources: &SourceMap,
    diags: &Diagnostics,
    plan: Option<&Plan>,
    sites: &BTreeMap<String, CauseSite>,
    base_prefix: Option<&str>,
) -> String {
    let mut all = diags.clone();
    for w in plan.map(|p| p.warnings.as_slice()).unwrap_or_default() {
        all.push(w.clone());
    }
    let destructive = plan
        .map(|p| {
            p.changes
                .iter()
                .filter(|c| c.destructive)
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let extra = destructive
        .into_iter()
        .map(|c| destructive_result(sources, c, sites.get(&c.address), base_prefix))
        .collect();
    log(sources, &all, extra)
}

fn destructive_result(
    sources: &SourceMap,
    c: &Change,
    site: Option<&CauseSite>,
    base_prefix: Option<&str>,
) -> (&'static str, Value) {
    let name = c
        .name
        .as_ref()
        .map(|n| format!(" ({n})"))
        .unwrap_or_default();
    let what = if c.action == Action::Replace {
        "will be destroyed and created again"
    } else {
        "will be destroyed"
    };
    let mut text = format!("{}{name} {what}", c.address);
    if let Some(cause) = c.reasons.first() {
        text.push_str(&format!(": {cause}"));
    }
    if let Some(keep) = site.and_then(|s| s.keep.as_ref()) {
        text.push_str("\nhelp: ");
        text.push_str(keep);
    }
    let locations = match (site, c.provenance.first()) {
        (Some(s), _) => vec![location(sources, s.span, Some(&s.label))],
        (None, Some(span)) => {
            let name = &sources.get(span.file).name;
            let name = base_prefix
                .and_then(|p| name.strip_prefix(p))
                .unwrap_or(name);
            vec![json!({"physicalLocation": {"artifactLocation": {"uri": uri(name)}}})]
        }
        (None, None) => vec![],
    };
    let code = crate::compile::diff_codes::DESTRUCTIVE;
    (
        code,
        json!({
            "ruleId": code,
            "level": "warning",
            "message": {"text": text},
            "locations": locations,
            "partialFingerprints": {"lbplanAddress": c.address},
        }),
    )
}

/// The log: every diagnostic, then the `extra` results with their codes.
fn log(sources: &SourceMap, diags: &Diagnostics, extra: Vec<(&'static str, Value)>) -> String {
    let sorted = diags.sorted();
    let mut used: Vec<&str> = sorted.iter().map(|d| d.code).collect();
    used.extend(extra.iter().map(|(code, _)| *code));
    used.sort_unstable();
    used.dedup();
    let rules: Vec<Value> = used
        .iter()
        .map(|code| {
            let info = codes::lookup(code);
            json!({
                "id": code,
                "shortDescription": {"text": info.map_or(*code, |i| i.title)},
                "fullDescription": {"text": info.map_or("", |i| i.explanation)},
                "help": {"text": format!("run `lbplan explain {code}`")},
            })
        })
        .collect();
    let mut results: Vec<Value> = sorted.iter().map(|d| result(sources, d)).collect();
    results.extend(extra.into_iter().map(|(_, r)| r));
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "lbplan",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/lbplan/lbplan",
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
