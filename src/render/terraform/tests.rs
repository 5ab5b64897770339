//! Unit tests of the Terraform renderer on hand-built models.

use crate::model::{Kind, Model, Owner, ProviderKind, Resource, UpdatePolicy, Value};

use super::{Syntax, base_name, render};

const IN_PLACE: UpdatePolicy = UpdatePolicy::InPlace;

fn model(resources: Vec<Resource>) -> Model {
    Model::from_resources(resources).expect("unique addresses")
}

#[test]
fn names_are_sanitized_and_stable() {
    assert_eq!(
        base_name("elb.default/cube-svc/np-chengdu"),
        "default_cube-svc_np-chengdu"
    );
    assert_eq!(base_name("clb.shop/web"), "shop_web");
    assert_eq!(base_name("9lives"), "_9lives");
    assert_eq!(base_name("x.a b$c"), "a_b_c");
}

fn clb_with_description(description: &str) -> Model {
    model(vec![
        Resource::new("clb.shop/web", Kind::LoadBalancer, ProviderKind::AlibabaClb).with_attr(
            "load_balancer_name",
            description,
            IN_PLACE,
        ),
    ])
}

#[test]
fn hcl_escapes_quotes_newlines_and_template_markers() {
    let out = render(&clb_with_description("a \"b\"\n${x} %{y}"), Syntax::Hcl).single;
    assert!(
        out.contains(r#"load_balancer_name = "a \"b\"\n$${x} %%{y}""#),
        "{out}"
    );
}

#[test]
fn json_escapes_template_markers() {
    let out = render(&clb_with_description("${x} %{y}"), Syntax::Json).single;
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        doc["resource"]["alicloud_slb_load_balancer"]["shop_web"]["load_balancer_name"],
        "$${x} %%{y}"
    );
}

#[test]
fn references_follow_dependencies_and_address_attributes() {
    let m = model(vec![
        Resource::new("clb.shop/web", Kind::LoadBalancer, ProviderKind::AlibabaClb).with_attr(
            "id",
            Value::Unknown,
            UpdatePolicy::Computed,
        ),
        Resource::new(
            "server_group.shop/web/tcp-80",
            Kind::ServerGroup,
            ProviderKind::AlibabaClb,
        )
        .with_attr("load_balancer_id", Value::Unknown, UpdatePolicy::Computed)
        .depends_on("clb.shop/web"),
    ]);
    let out = render(&m, Syntax::Hcl).single;
    assert!(
        out.contains("load_balancer_id = alicloud_slb_load_balancer.shop_web.id"),
        "{out}"
    );
    let json = render(&m, Syntax::Json).single;
    assert!(json.contains(r#""load_balancer_id": "${alicloud_slb_load_balancer.shop_web.id}""#));
}

#[test]
fn a_missing_required_argument_is_a_gap_with_a_warning() {
    // alicloud_slb_listener requires frontend_port and protocol.
    let m = model(vec![
        Resource::new("clb.shop/web", Kind::LoadBalancer, ProviderKind::AlibabaClb),
        Resource::new(
            "listener.shop/web/tcp-80",
            Kind::Listener,
            ProviderKind::AlibabaClb,
        )
        .depends_on("clb.shop/web"),
    ]);
    let r = render(&m, Syntax::Hcl);
    assert!(
        r.single.contains("# GAP: listener.shop/web/tcp-80"),
        "{}",
        r.single
    );
    assert!(!r.single.contains("resource \"alicloud_slb_listener\""));
    assert!(r.diagnostics.iter().any(|d| d.code == "LBP8101"));
}

#[test]
fn an_attribute_without_argument_is_a_comment_and_a_warning() {
    let m = model(vec![
        Resource::new("clb.shop/web", Kind::LoadBalancer, ProviderKind::AlibabaClb)
            .with_attr("flavour", "big", IN_PLACE),
    ]);
    let r = render(&m, Syntax::Hcl);
    assert!(
        r.single
            .contains("# not an argument of alicloud_slb_load_balancer: flavour = \"big\"")
    );
    assert!(r.diagnostics.iter().any(|d| d.code == "LBP8102"));
}

#[test]
fn a_user_owned_load_balancer_is_referenced_by_its_id() {
    let m = model(vec![
        Resource::new("clb.shop/web", Kind::LoadBalancer, ProviderKind::AlibabaClb)
            .with_owner(Owner::User)
            .with_attr("id", "lb-123", IN_PLACE),
        Resource::new(
            "server_group.shop/web/tcp-80",
            Kind::ServerGroup,
            ProviderKind::AlibabaClb,
        )
        .depends_on("clb.shop/web"),
    ]);
    let out = render(&m, Syntax::Hcl).single;
    assert!(out.contains("load_balancer_id = \"lb-123\""), "{out}");
    assert!(!out.contains("resource \"alicloud_slb_load_balancer\""));
}

/// The ALB rows, on hand-built resources until the ALB provider lands.
#[test]
fn alb_mappings_render_with_their_required_arguments() {
    let zone = |z: &str, v: &str| {
        Value::map([("zone_id", Value::from(z)), ("vswitch_id", Value::from(v))])
    };
    let m = model(vec![
        Resource::new("alb.gw/main", Kind::LoadBalancer, ProviderKind::AlibabaAlb)
            .with_attr("load_balancer_name", "gw", IN_PLACE)
            .with_attr("address_type", "Internet", IN_PLACE)
            .with_attr("load_balancer_edition", "Standard", IN_PLACE)
            .with_attr("vpc_id", "vpc-1", IN_PLACE)
            .with_attr(
                "load_balancer_billing_config",
                Value::map([("pay_type", Value::from("PayAsYouGo"))]),
                IN_PLACE,
            )
            .with_attr(
                "zone_mappings",
                Value::list(vec![zone("a", "vsw-a"), zone("b", "vsw-b")]),
                IN_PLACE,
            ),
        Resource::new("alb_sg.gw/web", Kind::ServerGroup, ProviderKind::AlibabaAlb)
            .with_attr("server_group_name", "web", IN_PLACE)
            .with_attr(
                "health_check_config",
                Value::map([("health_check_enabled", Value::from(true))]),
                IN_PLACE,
            ),
        Resource::new(
            "alb_listener.gw/main/80",
            Kind::Listener,
            ProviderKind::AlibabaAlb,
        )
        .with_attr("listener_port", 80u32, IN_PLACE)
        .with_attr("listener_protocol", "HTTP", IN_PLACE)
        .with_attr(
            "default_actions",
            Value::map([
                ("type", Value::from("ForwardGroup")),
                ("server_group_tuples", Value::from("alb_sg.gw/web")),
                ("server_group_id", Value::from("alb_sg.gw/web")),
            ]),
            IN_PLACE,
        )
        .depends_on("alb.gw/main")
        .depends_on("alb_sg.gw/web"),
        Resource::new(
            "alb_rule.gw/main/80/host",
            Kind::ForwardingRule,
            ProviderKind::AlibabaAlb,
        )
        .with_attr("rule_name", "host", IN_PLACE)
        .with_attr("priority", 1u32, IN_PLACE)
        .with_attr(
            "rule_actions",
            Value::map([
                ("order", Value::from(1u32)),
                ("type", Value::from("ForwardGroup")),
            ]),
            IN_PLACE,
        )
        .with_attr(
            "rule_conditions",
            Value::map([("type", Value::from("Host"))]),
            IN_PLACE,
        )
        .depends_on("alb_listener.gw/main/80"),
    ]);
    let r = render(&m, Syntax::Hcl);
    for t in [
        "alicloud_alb_load_balancer",
        "alicloud_alb_server_group",
        "alicloud_alb_listener",
        "alicloud_alb_rule",
    ] {
        assert!(
            r.single.contains(&format!("resource \"{t}\"")),
            "{t}: {}",
            r.single
        );
    }
    assert!(
        r.single
            .contains("load_balancer_id = alicloud_alb_load_balancer.gw_main.id")
    );
    assert!(
        r.single
            .contains("listener_id = alicloud_alb_listener.gw_main_80.id")
    );
    assert!(r.single.contains("zone_mappings {"));
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
}

#[test]
fn equals_signs_are_aligned_as_terraform_fmt_does() {
    let m = model(vec![
        Resource::new("clb.shop/web", Kind::LoadBalancer, ProviderKind::AlibabaClb)
            .with_attr("load_balancer_name", "web", IN_PLACE)
            .with_attr("address_type", "internet", IN_PLACE)
            .with_attr(
                "tags",
                Value::map([("a", Value::from("1")), ("bbb", Value::from("2"))]),
                IN_PLACE,
            ),
    ]);
    let out = render(&m, Syntax::Hcl).single;
    assert!(
        out.contains(
            "  load_balancer_name = \"web\"\n  address_type       = \"internet\"\n  tags = {\n    \"a\"   = \"1\"\n    \"bbb\" = \"2\"\n  }\n"
        ),
        "{out}"
    );
}

#[test]
fn an_attribute_holding_an_address_is_a_reference_even_without_a_table_entry() {
    let m = model(vec![
        Resource::new("clb.shop/web", Kind::LoadBalancer, ProviderKind::AlibabaClb),
        Resource::new(
            "server_group.shop/web/tcp-80",
            Kind::ServerGroup,
            ProviderKind::AlibabaClb,
        )
        .with_attr("load_balancer_id", Value::Unknown, UpdatePolicy::Computed)
        .depends_on("clb.shop/web"),
        Resource::new(
            "listener.shop/web/tcp-80",
            Kind::Listener,
            ProviderKind::AlibabaClb,
        )
        .with_attr("frontend_port", 80u32, IN_PLACE)
        .with_attr("protocol", "tcp", IN_PLACE)
        .with_attr(
            "master_slave_server_group_id",
            "server_group.shop/web/tcp-80",
            IN_PLACE,
        )
        .depends_on("clb.shop/web"),
    ]);
    let out = render(&m, Syntax::Hcl).single;
    assert!(
        out.contains("master_slave_server_group_id = alicloud_slb_server_group.shop_web_tcp-80.id"),
        "{out}"
    );
}
