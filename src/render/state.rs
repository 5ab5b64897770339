//! `lbplan state show ADDRESS`: one recorded resource, in the shape of `terraform state show`.

use crate::model::{DeletePolicy, Owner};
use crate::plan::StateResource;

/// The resource's identity, its recorded values (ids and addresses the cloud assigned
/// included) and what removing it will do.
pub fn show(r: &StateResource) -> String {
    let mut out = format!("# {}:\n", r.address);
    let mut header: Vec<(&str, String)> = vec![
        ("kind", r.kind.to_string()),
        ("provider", r.provider.to_string()),
    ];
    if let Some(name) = &r.name {
        header.push(("name", format!("{name:?}")));
    }
    header.push((
        "owner",
        match r.owner {
            Owner::Controller => "controller".to_string(),
            Owner::User => "user".to_string(),
        },
    ));
    header.push((
        "on_removal",
        match &r.delete_policy {
            DeletePolicy::Delete => "delete".to_string(),
            DeletePolicy::Retain { reason } => format!("retain ({reason})"),
        },
    ));
    if !r.depends_on.is_empty() {
        let deps: Vec<String> = r.depends_on.iter().map(|d| format!("{d:?}")).collect();
        header.push(("depends_on", format!("[{}]", deps.join(", "))));
    }
    push_aligned(&mut out, "", header.iter().map(|(k, v)| (*k, v.clone())));
    out.push_str("\nattributes:\n");
    push_aligned(
        &mut out,
        "  ",
        r.attributes.iter().map(|(k, v)| (&**k, v.to_string())),
    );
    out
}

fn push_aligned<'a>(out: &mut String, indent: &str, rows: impl Iterator<Item = (&'a str, String)>) {
    let rows: Vec<(&str, String)> = rows.collect();
    let width = rows
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    for (k, v) in rows {
        out.push_str(&format!("{indent}{k:<width$} = {v}\n"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Kind, ProviderKind, Value};

    #[test]
    fn shows_identity_values_and_removal() {
        let mut attributes = indexmap::IndexMap::new();
        attributes.insert("id".to_string(), Value::from("lb-1"));
        attributes.insert("address".to_string(), Value::from("10.0.0.1"));
        let r = StateResource {
            address: "elb.x".to_string(),
            kind: Kind::LoadBalancer,
            provider: ProviderKind::AlibabaElb,
            name: Some("k8s/x".to_string()),
            owner: Owner::Controller,
            attributes,
            depends_on: vec!["pool_service.x".to_string()],
            delete_policy: DeletePolicy::Delete,
        };
        assert_eq!(
            show(&r),
            "# elb.x:\nkind       = load_balancer\nprovider   = alibaba-elb\nname       = \"k8s/x\"\n\
owner      = controller\non_removal = delete\ndepends_on = [\"pool_service.x\"]\n\nattributes:\n  \
id      = \"lb-1\"\n  address = \"10.0.0.1\"\n"
        );
    }
}
