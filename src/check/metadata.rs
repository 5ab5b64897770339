//! `metadata` rules for every object, as the API server's object-meta validation applies
//! them: names, namespaces, label keys and values, annotation keys and total size.
//!
//! Also home to the small helpers the Kubernetes rules share: pointing at the offending
//! character inside a value, and reporting values outside an allowed set.

use crate::diag::{Diagnostic, Diagnostics};
use crate::kube::validation::{self, Invalid};
use crate::manifest::decode::{Spanned, StringEntry, Text};
use crate::manifest::{Manifest, Object};
use crate::source::{SourceMap, Span};

/// The API server's limit on the summed size of an object's annotation keys and values.
pub const ANNOTATIONS_MAX_BYTES: usize = 256 * 1024;

/// The API server's own rules for one object: its metadata, then the Service, Ingress and
/// IngressClass rules when it is one.
pub fn kube_rules(sources: &SourceMap, m: &Manifest, diags: &mut Diagnostics) {
    check(sources, m, diags);
    super::service::check(sources, m, diags);
    super::ingress::check(sources, m, diags);
}

/// Runs the metadata rules over one object.
pub fn check(sources: &SourceMap, m: &Manifest, diags: &mut Diagnostics) {
    if matches!(m.object, Object::ClusterProfile(_)) {
        return; // lbplan's own kind: never sent to an API server.
    }
    check_name(sources, m, diags);
    check_namespace(sources, m, diags);
    check_labels(sources, m, diags);
    check_annotations(sources, m, diags);
}

/// Where bytes `range` of `text` sit in the file, given the span of the scalar that holds
/// `text`. Exact for plain and simply quoted scalars; otherwise the whole span (less
/// precise, never wrong).
pub(crate) fn point_into(
    sources: &SourceMap,
    span: Span,
    text: &str,
    range: std::ops::Range<usize>,
) -> Span {
    let raw = sources.get(span.file).slice(span);
    let quoted = |q: char| {
        raw.len() >= 2 && raw.starts_with(q) && raw.ends_with(q) && &raw[1..raw.len() - 1] == text
    };
    let shift = if raw == text {
        0
    } else if quoted('"') || quoted('\'') {
        1
    } else {
        return span;
    };
    span.sub(range.start + shift, range.end.max(range.start) + shift)
}

/// The primary span for a validation failure of `value`: the first offending character
/// when known, else the whole value.
pub(crate) fn invalid_span(sources: &SourceMap, value: &Spanned<Text>, errs: &[Invalid]) -> Span {
    match errs.iter().find_map(|e| e.at.clone()) {
        Some(at) => point_into(sources, value.span, &value.value, at),
        None => value.span,
    }
}

/// One message for all of a value's problems, in the API server's order.
pub(crate) fn joined(errs: &[Invalid]) -> String {
    errs.iter()
        .map(|e| e.message.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The label under the primary span: "this character" when one is blamed.
pub(crate) fn invalid_label(errs: &[Invalid]) -> &'static str {
    match errs.iter().find_map(|e| e.at.as_ref()) {
        Some(r)
            if r.len() <= 4
                && !errs
                    .first()
                    .is_some_and(|e| e.message.starts_with("must be no more")) =>
        {
            "not allowed here"
        }
        Some(_) => "invalid part",
        None => "invalid value",
    }
}

/// Reports `value` if `validator` finds problems with it. Returns whether it was valid.
pub(crate) fn require_valid(
    sources: &SourceMap,
    diags: &mut Diagnostics,
    code: &'static str,
    what: &str,
    value: &Spanned<Text>,
    validator: fn(&str) -> Vec<Invalid>,
    help: &str,
) -> bool {
    let errs = validator(&value.value);
    if errs.is_empty() {
        return true;
    }
    diags.push(
        Diagnostic::error(
            code,
            format!("{what} \"{}\" is invalid: {}", value.value, joined(&errs)),
        )
        .with_primary(invalid_span(sources, value, &errs), invalid_label(&errs))
        .with_help(help),
    );
    false
}

/// Reports a value outside its allowed set (LBP1105), suggesting the closest one.
pub(crate) fn require_one_of(
    diags: &mut Diagnostics,
    field: &str,
    value: &Spanned<Text>,
    allowed: &[&'static str],
) -> bool {
    match crate::manifest::decode::not_one_of(value, field, allowed) {
        Some(d) => {
            diags.push(d);
            false
        }
        None => true,
    }
}

fn check_name(sources: &SourceMap, m: &Manifest, diags: &mut Diagnostics) {
    let is_service = matches!(m.object, Object::Service(_));
    let (validator, rule): (fn(&str) -> Vec<Invalid>, &str) = if is_service {
        (
            validation::dns1035_label,
            "a Service name is a DNS-1035 label: at most 63 lower-case letters, digits or '-', starting with a letter and ending with a letter or digit (it becomes a DNS name in the cluster)",
        )
    } else {
        (
            validation::dns1123_subdomain,
            "an object name is a DNS-1123 subdomain: at most 253 lower-case letters, digits, '-' or '.', starting and ending with a letter or digit",
        )
    };
    match (&m.meta.name, &m.meta.generate_name) {
        (Some(name), _) => {
            require_valid(
                sources,
                diags,
                "LBP2001",
                &format!("{} name", m.kind.value),
                name,
                validator,
                rule,
            );
        }
        (None, Some(prefix)) => check_generate_name(sources, diags, prefix, validator, rule),
        (None, None) => diags.push(
            Diagnostic::error(
                "LBP1104",
                format!("{} has no `metadata.name`", m.kind.value),
            )
            .with_primary(m.kind.span, "this object has no name")
            .with_help("add `metadata: {name: …}` (or `generateName` for a generated name)"),
        ),
    }
}

/// `generateName` is a prefix: a trailing `-` is fine because characters follow it.
fn check_generate_name(
    sources: &SourceMap,
    diags: &mut Diagnostics,
    prefix: &Spanned<Text>,
    validator: fn(&str) -> Vec<Invalid>,
    rule: &str,
) {
    let mut masked = prefix.value.clone();
    if masked.ends_with('-') {
        masked.pop();
        masked.push('a');
    }
    let errs: Vec<Invalid> = validator(&masked)
        .into_iter()
        .filter(|e| !e.message.starts_with("must be no more"))
        .collect();
    if errs.is_empty() {
        return;
    }
    diags.push(
        Diagnostic::error(
            "LBP2001",
            format!(
                "`metadata.generateName` \"{}\" is invalid: {}",
                prefix.value,
                joined(&errs)
            ),
        )
        .with_primary(invalid_span(sources, prefix, &errs), invalid_label(&errs))
        .with_help(rule),
    );
}

fn check_namespace(sources: &SourceMap, m: &Manifest, diags: &mut Diagnostics) {
    if let Some(ns) = &m.meta.namespace {
        require_valid(
            sources,
            diags,
            "LBP2002",
            "namespace",
            ns,
            validation::dns1123_label,
            "a namespace is a DNS-1123 label: at most 63 lower-case letters, digits or '-', starting and ending with a letter or digit",
        );
    }
}

const KEY_HELP: &str = "a key is `[prefix/]name`: an optional DNS subdomain prefix (lower case, e.g. `example.com`) and '/', then a name of at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit";

fn check_labels(sources: &SourceMap, m: &Manifest, diags: &mut Diagnostics) {
    for entry in m.meta.labels.values() {
        require_valid(
            sources,
            diags,
            "LBP2003",
            "label key",
            &entry.key,
            validation::qualified_name,
            KEY_HELP,
        );
        check_label_value(sources, entry, diags);
    }
}

/// Label values are checked through the value's locator, so a quoted or escaped value
/// still gets the exact character underlined.
fn check_label_value(sources: &SourceMap, entry: &StringEntry, diags: &mut Diagnostics) {
    let errs = validation::label_value(&entry.value.value);
    if errs.is_empty() {
        return;
    }
    let locator = entry.locator(sources.get(entry.value.span.file));
    let span = match errs.iter().find_map(|e| e.at.clone()) {
        Some(at) => locator.span(at.start, at.end),
        None => entry.value.span,
    };
    diags.push(
        Diagnostic::error(
            "LBP2004",
            format!(
                "value of label `{}` is invalid: {}",
                entry.key.value,
                joined(&errs)
            ),
        )
        .with_primary(span, invalid_label(&errs))
        .with_secondary(entry.key.span, "label key")
        .with_help("a label value is empty or at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit; keep longer or free-form text in an annotation"),
    );
}

fn check_annotations(sources: &SourceMap, m: &Manifest, diags: &mut Diagnostics) {
    let mut total = 0usize;
    for entry in m.meta.annotations.values() {
        total += entry.key.value.len() + entry.value.value.len();
        // The API server checks annotation keys case-insensitively.
        let lowered = Spanned::new(entry.key.value.to_ascii_lowercase(), entry.key.span);
        let errs = validation::qualified_name(&lowered.value);
        if !errs.is_empty() {
            diags.push(
                Diagnostic::error(
                    "LBP2005",
                    format!(
                        "annotation key \"{}\" is invalid: {}",
                        entry.key.value,
                        joined(&errs)
                    ),
                )
                .with_primary(
                    invalid_span(sources, &entry.key, &errs),
                    invalid_label(&errs),
                )
                .with_help(KEY_HELP),
            );
        }
    }
    if total > ANNOTATIONS_MAX_BYTES {
        report_annotation_size(m, total, diags);
    }
}

fn report_annotation_size(m: &Manifest, total: usize, diags: &mut Diagnostics) {
    let Some(largest) = m
        .meta
        .annotations
        .values()
        .max_by_key(|e| e.key.value.len() + e.value.value.len())
    else {
        return;
    };
    diags.push(
        Diagnostic::error(
            "LBP2006",
            format!(
                "annotations of {} `{}` total {total} bytes, more than the {ANNOTATIONS_MAX_BYTES}-byte limit",
                m.kind.value,
                m.meta.name()
            ),
        )
        .with_primary(largest.value.span, "the largest annotation")
        .with_help("move large data into a ConfigMap (a common cause is `kubectl apply` storing the whole object in `kubectl.kubernetes.io/last-applied-configuration`: use `kubectl apply --server-side` or `kubectl create`)"),
    );
}

#[cfg(test)]
mod tests {
    use crate::compile::validate_text;
    use crate::diag::Diagnostic;

    fn diags(text: &str) -> (crate::compile::Compilation, Vec<Diagnostic>) {
        let c = validate_text("m.yaml", text);
        let d = c.diagnostics.sorted().into_iter().cloned().collect();
        (c, d)
    }
    fn codes(text: &str) -> Vec<&'static str> {
        diags(text).1.iter().map(|d| d.code).collect()
    }
    fn at(c: &crate::compile::Compilation, d: &Diagnostic) -> (usize, usize) {
        let span = d.primary().map(|l| l.span).unwrap_or_default();
        let (_, l, col) = c.sources.location(span);
        (l, col)
    }

    const CM: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n";

    #[test]
    fn valid_metadata_passes() {
        let text = format!(
            "{CM}  name: web-0.a\n  namespace: prod\n  labels: {{app: web, example.com/tier: \"\", a.b/c_d: X.y}}\n  annotations: {{Example.com/Note: x}}\n"
        );
        assert_eq!(codes(&text), Vec::<&str>::new());
    }

    #[test]
    fn name_is_required_and_checked() {
        assert_eq!(codes(&format!("{CM}  namespace: a\n")), ["LBP1104"]);
        assert_eq!(
            codes(&format!("{CM}  generateName: web-\n")),
            Vec::<&str>::new()
        );
        assert_eq!(codes(&format!("{CM}  generateName: Web-\n")), ["LBP2001"]);
        let (c, d) = diags(&format!("{CM}  name: web_0\n"));
        assert_eq!(d[0].code, "LBP2001");
        assert_eq!(at(&c, &d[0]), (4, 12));
    }

    #[test]
    fn service_names_are_dns1035_labels() {
        let svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: 1web\nspec: {type: ExternalName, externalName: a.b}\n";
        let (c, d) = diags(svc);
        assert_eq!(d.iter().map(|d| d.code).collect::<Vec<_>>(), ["LBP2001"]);
        assert_eq!(at(&c, &d[0]), (4, 9));
        let dotted = svc.replace("1web", "web.v1");
        assert_eq!(codes(&dotted), ["LBP2001"]);
    }

    #[test]
    fn namespace_is_a_dns_label() {
        let (c, d) = diags(&format!("{CM}  name: a\n  namespace: Prod\n"));
        assert_eq!(d[0].code, "LBP2002");
        assert_eq!(at(&c, &d[0]), (5, 14));
    }

    #[test]
    fn label_keys_and_values_point_at_the_bad_character() {
        let text =
            format!("{CM}  name: a\n  labels:\n    ex_ample.com/app: web\n    tier: \"fr ont\"\n");
        let (c, d) = diags(&text);
        let got: Vec<_> = d.iter().map(|x| (x.code, at(&c, x))).collect();
        assert_eq!(got, [("LBP2003", (6, 7)), ("LBP2004", (7, 14))]);
        assert!(d[0].help.is_some() && d[1].help.is_some());
        assert_eq!(d[1].labels.len(), 2, "secondary label on the key");
    }

    #[test]
    fn long_label_values_are_refused() {
        let ok = format!("{CM}  name: a\n  labels: {{v: {}}}\n", "x".repeat(63));
        assert!(codes(&ok).is_empty());
        let bad = format!("{CM}  name: a\n  labels: {{v: {}}}\n", "x".repeat(64));
        assert_eq!(codes(&bad), ["LBP2004"]);
    }

    #[test]
    fn annotation_keys_and_size() {
        let bad = format!("{CM}  name: a\n  annotations: {{\"a b\": x}}\n");
        assert_eq!(codes(&bad), ["LBP2005"]);
        let big = format!(
            "{CM}  name: a\n  annotations: {{big: {}}}\n",
            "x".repeat(super::ANNOTATIONS_MAX_BYTES)
        );
        assert_eq!(codes(&big), ["LBP2006"]);
    }
}
