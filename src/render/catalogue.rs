//! The annotation catalogue as text, for `lbplan annotations`.

use crate::annotations::catalogue::{AnnotationSpec, KeyPattern};
use crate::providers::{ALIBABA_LEGACY_PREFIX, ALIBABA_PREFIX, grammar_summary, provider_name};

/// A multi-line, plain-text description of one entry, for `lbplan annotations`: key,
/// provider, readers, objects, value syntax, default, legacy spelling and the doc line.
pub fn describe(spec: &AnnotationSpec) -> String {
    let mut out = String::new();
    out.push_str(&spec.key.display());
    out.push('\n');
    out.push_str(&format!("  provider: {}\n", provider_name(spec.provider)));
    let readers = if spec.readers.is_empty() {
        "no controller (documented or declared, never read)".to_string()
    } else {
        spec.readers
            .iter()
            .map(|r| r.name())
            .collect::<Vec<_>>()
            .join(", ")
    };
    out.push_str(&format!("  read by: {readers}\n"));
    let on = spec
        .targets
        .iter()
        .map(|t| t.name())
        .collect::<Vec<_>>()
        .join(", ");
    out.push_str(&format!("  on: {on}\n"));
    out.push_str(&format!("  value: {}\n", grammar_summary(spec.grammar)));
    for (reader, g) in spec.variants {
        out.push_str(&format!("    {}: {}\n", reader.name(), grammar_summary(*g)));
    }
    if let Some(d) = spec.default {
        out.push_str(&format!("  default: {d}\n"));
    }
    if let Some(suffix) = spec.key.text().strip_prefix(ALIBABA_PREFIX) {
        out.push_str(&format!(
            "  also accepted: {ALIBABA_LEGACY_PREFIX}{suffix}{}\n",
            if matches!(spec.key, KeyPattern::Prefixed(_)) {
                "<name>"
            } else {
                ""
            }
        ));
    }
    out.push_str(&format!("  {}\n", spec.doc));
    out
}

#[cfg(test)]
mod tests {
    use super::describe;
    use crate::providers::lookup;

    #[test]
    fn describe_lists_everything_a_user_needs() {
        let spec = lookup("service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type")
            .expect("k");
        let text = describe(spec);
        assert!(
            text.starts_with(
                "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type\n"
            )
        );
        assert!(text.contains("default: internet"));
        assert!(text.contains(
            "also accepted: service.beta.kubernetes.io/alicloud-loadbalancer-address-type"
        ));
        assert!(text.contains("`internet`"));
        let text = describe(lookup("alb.ingress.kubernetes.io/actions.svc").expect("k"));
        assert!(text.starts_with("alb.ingress.kubernetes.io/actions.<name>\n"));
    }
}
