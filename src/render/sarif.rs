//! SARIF 2.1.0 for code-scanning upload (GitHub, GitLab, Azure DevOps).

use serde_json::{Value, json};

use crate::diag::{Diagnostic, Diagnostics, Severity, codes};
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
    let sorted = diags.sorted();
    let mut used: Vec<&str> = sorted.iter().map(|d| d.code).collect();
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
    let results: Vec<Value> = sorted.iter().map(|d| result(sources, d)).collect();
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
