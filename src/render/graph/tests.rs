//! Tests of the graph drawings on a two-region ACK Edge model (seed 000) with a
//! self-managed ELB: exact text, then the syntax properties every model must keep.

use super::*;
use crate::model::{ProviderKind, Resource};

const ELB: ProviderKind = ProviderKind::AlibabaElb;

fn region(pool: &str) -> Vec<Resource> {
    let a = |k: &str| format!("{k}.default/cube-svc/{pool}");
    let name = format!("k8s/cube-svc/default/{pool}/c1");
    vec![
        Resource::new(a("elb"), Kind::LoadBalancer, ELB).with_name(name.clone()),
        Resource::new(a("eip"), Kind::Eip, ELB).with_name(name),
        Resource::new(a("eip_binding"), Kind::EipBinding, ELB)
            .depends_on(a("elb"))
            .depends_on(a("eip")),
        Resource::new(format!("{}/tcp-80", a("listener")), Kind::Listener, ELB)
            .depends_on(a("elb")),
        Resource::new(a("server_group"), Kind::ServerGroup, ELB).depends_on(a("elb")),
        Resource::new(format!("{}/node-1", a("backend")), Kind::Backend, ELB)
            .depends_on(a("server_group")),
    ]
}

fn resources() -> Vec<Resource> {
    let mut rs = region("np-hefei");
    rs.push(
        Resource::new("elb.default/own-svc/np-own", Kind::LoadBalancer, ELB)
            .with_owner(Owner::User)
            .with_name("my \"own\" <elb>"),
    );
    rs.push(
        Resource::new(
            "listener.default/own-svc/np-own/udp-53",
            Kind::Listener,
            ELB,
        )
        .depends_on("elb.default/own-svc/np-own"),
    );
    rs.push(Resource::new(
        "pool_service.default/cube-svc-np-hefei",
        Kind::PoolService,
        ELB,
    ));
    rs
}

fn model(rs: Vec<Resource>) -> Model {
    Model::from_resources(rs).expect("unique addresses")
}

const DOT: &str = r#"digraph lbplan {
  rankdir=LR;
  node [fontname="Helvetica", fontsize=10];
  subgraph cluster_n_elb_default_cube_svc_np_hefei {
    label="elb.default/cube-svc/np-hefei";
    style=rounded;
    n_backend_default_cube_svc_np_hefei_node_1 [label="backend\nbackend.default/cube-svc/np-hefei/node-1", shape=box];
    n_eip_default_cube_svc_np_hefei [label="eip\nk8s/cube-svc/default/np-hefei/c1", shape=ellipse];
    n_eip_binding_default_cube_svc_np_hefei [label="eip_binding\neip_binding.default/cube-svc/np-hefei", shape=diamond];
    n_elb_default_cube_svc_np_hefei [label="load_balancer\nk8s/cube-svc/default/np-hefei/c1", shape=box3d];
    n_listener_default_cube_svc_np_hefei_tcp_80 [label="listener\nlistener.default/cube-svc/np-hefei/tcp-80", shape=cds];
    n_server_group_default_cube_svc_np_hefei [label="server_group\nserver_group.default/cube-svc/np-hefei", shape=folder];
  }
  subgraph cluster_n_elb_default_own_svc_np_own {
    label="elb.default/own-svc/np-own";
    style=rounded;
    n_elb_default_own_svc_np_own [label="load_balancer\nmy \"own\" <elb>", shape=box3d, style=dashed];
    n_listener_default_own_svc_np_own_udp_53 [label="listener\nlistener.default/own-svc/np-own/udp-53", shape=cds];
  }
  n_pool_service_default_cube_svc_np_hefei [label="pool_service\npool_service.default/cube-svc-np-hefei", shape=note];
  n_eip_default_cube_svc_np_hefei -> n_eip_binding_default_cube_svc_np_hefei;
  n_elb_default_cube_svc_np_hefei -> n_eip_binding_default_cube_svc_np_hefei;
  n_elb_default_cube_svc_np_hefei -> n_listener_default_cube_svc_np_hefei_tcp_80;
  n_elb_default_cube_svc_np_hefei -> n_server_group_default_cube_svc_np_hefei;
  n_elb_default_own_svc_np_own -> n_listener_default_own_svc_np_own_udp_53;
  n_server_group_default_cube_svc_np_hefei -> n_backend_default_cube_svc_np_hefei_node_1;
}
"#;

const MERMAID: &str = r##"flowchart LR
  subgraph c_n_elb_default_cube_svc_np_hefei["elb.default/cube-svc/np-hefei"]
    n_backend_default_cube_svc_np_hefei_node_1("backend<br/>backend.default/cube-svc/np-hefei/node-1")
    n_eip_default_cube_svc_np_hefei(["eip<br/>k8s/cube-svc/default/np-hefei/c1"])
    n_eip_binding_default_cube_svc_np_hefei{"eip_binding<br/>eip_binding.default/cube-svc/np-hefei"}
    n_elb_default_cube_svc_np_hefei[["load_balancer<br/>k8s/cube-svc/default/np-hefei/c1"]]
    n_listener_default_cube_svc_np_hefei_tcp_80>"listener<br/>listener.default/cube-svc/np-hefei/tcp-80"]
    n_server_group_default_cube_svc_np_hefei[("server_group<br/>server_group.default/cube-svc/np-hefei")]
  end
  subgraph c_n_elb_default_own_svc_np_own["elb.default/own-svc/np-own"]
    n_elb_default_own_svc_np_own[["load_balancer<br/>my #quot;own#quot; #lt;elb#gt;"]]
    n_listener_default_own_svc_np_own_udp_53>"listener<br/>listener.default/own-svc/np-own/udp-53"]
  end
  n_pool_service_default_cube_svc_np_hefei["pool_service<br/>pool_service.default/cube-svc-np-hefei"]
  n_eip_default_cube_svc_np_hefei --> n_eip_binding_default_cube_svc_np_hefei
  n_elb_default_cube_svc_np_hefei --> n_eip_binding_default_cube_svc_np_hefei
  n_elb_default_cube_svc_np_hefei --> n_listener_default_cube_svc_np_hefei_tcp_80
  n_elb_default_cube_svc_np_hefei --> n_server_group_default_cube_svc_np_hefei
  n_elb_default_own_svc_np_own --> n_listener_default_own_svc_np_own_udp_53
  n_server_group_default_cube_svc_np_hefei --> n_backend_default_cube_svc_np_hefei_node_1
  classDef user stroke-dasharray: 5 5
  class n_elb_default_own_svc_np_own user
"##;

fn assert_text(actual: &str, expected: &str) {
    if actual != expected {
        let d = similar::TextDiff::from_lines(expected, actual);
        panic!("text differs (- expected, + actual):\n{}", d.unified_diff());
    }
}

#[test]
fn dot_matches_the_expected_text() {
    assert_text(&dot(&model(resources())), DOT);
}

#[test]
fn mermaid_matches_the_expected_text() {
    assert_text(&mermaid(&model(resources())), MERMAID);
}

#[test]
fn output_does_not_depend_on_insertion_order() {
    let mut reversed = resources();
    reversed.reverse();
    assert_eq!(dot(&model(reversed.clone())), dot(&model(resources())));
    assert_eq!(mermaid(&model(reversed)), mermaid(&model(resources())));
}

#[test]
fn colliding_addresses_get_distinct_ids() {
    let m = model(vec![
        Resource::new("a/b", Kind::Backend, ELB),
        Resource::new("a.b", Kind::Backend, ELB).depends_on("a/b"),
    ]);
    let d = dot(&m);
    assert!(d.contains("  n_a_b [label=\"backend\\na.b\""), "{d}");
    assert!(d.contains("  n_a_b_2 [label=\"backend\\na/b\""), "{d}");
    assert!(d.contains("  n_a_b_2 -> n_a_b;"), "{d}");
    check_mermaid(&mermaid(&m));
}

/// A resource depending on two load balancers is drawn outside both clusters.
#[test]
fn a_resource_shared_by_two_load_balancers_stays_outside_the_clusters() {
    let m = model(vec![
        Resource::new("elb.a", Kind::LoadBalancer, ELB),
        Resource::new("elb.b", Kind::LoadBalancer, ELB),
        Resource::new("eip_binding.ab", Kind::EipBinding, ELB)
            .depends_on("elb.a")
            .depends_on("elb.b"),
    ]);
    let d = dot(&m);
    assert!(d.contains("\n  n_eip_binding_ab [label="), "{d}");
    check_dot(&d);
    check_mermaid(&mermaid(&m));
}

/// The syntax properties of a drawing, for the fixed models and for odd ones: a cycle, a
/// self-loop, a dependency on a missing address (not drawn), an empty model.
#[test]
fn drawings_are_valid_for_odd_models() {
    let models = [
        model(resources()),
        model(vec![
            Resource::new("x", Kind::Listener, ELB).depends_on("y"),
            Resource::new("y", Kind::Listener, ELB).depends_on("x"),
            Resource::new("s", Kind::Listener, ELB).depends_on("s"),
            Resource::new("m", Kind::Backend, ELB).depends_on("missing"),
        ]),
        Model::new(),
    ];
    for m in &models {
        check_dot(&dot(m));
        check_mermaid(&mermaid(m));
    }
}

/// Text with every double-quoted string removed (escapes honoured).
fn unquoted(s: &str) -> String {
    let mut out = String::new();
    let (mut inside, mut escaped) = (false, false);
    for c in s.chars() {
        match (inside, escaped, c) {
            (true, true, _) => escaped = false,
            (true, false, '\\') => escaped = true,
            (true, false, '"') => inside = false,
            (true, false, _) => {}
            (false, _, '"') => inside = true,
            (false, _, c) => out.push(c),
        }
    }
    out
}

fn is_id(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn check_dot(text: &str) {
    let bare = unquoted(text);
    assert!(text.starts_with("digraph lbplan {\n") && text.ends_with("}\n"));
    let mut depth = 0i32;
    for c in bare.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
        assert!(depth >= 0, "unbalanced braces:\n{text}");
    }
    assert_eq!(depth, 0, "unbalanced braces:\n{text}");
    let mut declared = BTreeSet::new();
    let mut edges = Vec::new();
    for line in bare.lines().map(str::trim) {
        if let Some((from, to)) = line.strip_suffix(';').and_then(|l| l.split_once(" -> ")) {
            edges.push((from.to_string(), to.to_string()));
        } else if let Some((id, _)) = line.split_once(" [label=") {
            assert!(is_id(id), "node id {id:?}");
            assert!(declared.insert(id.to_string()), "{id} declared twice");
        }
    }
    for (from, to) in edges {
        assert!(
            declared.contains(&from) && declared.contains(&to),
            "{from} -> {to} undeclared"
        );
    }
}

fn check_mermaid(text: &str) {
    assert!(text.starts_with("flowchart LR\n"), "{text}");
    let bare = unquoted(text);
    let (mut subgraphs, mut ends) = (0, 0);
    let mut declared = BTreeSet::new();
    let mut edges = Vec::new();
    for line in bare.lines().skip(1).map(str::trim) {
        if let Some(rest) = line.strip_prefix("subgraph ") {
            subgraphs += 1;
            assert!(is_id(rest.trim_end_matches(['[', ']'])), "{line}");
        } else if line == "end" {
            ends += 1;
        } else if let Some((from, to)) = line.split_once(" --> ") {
            edges.push((from.to_string(), to.to_string()));
        } else if line.starts_with("classDef ") || line.starts_with("class ") {
        } else {
            let id: String = line
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            assert!(is_id(&id) && line.len() > id.len(), "node line {line:?}");
            assert!(declared.insert(id), "declared twice: {line}");
        }
    }
    assert_eq!(subgraphs, ends, "every subgraph is closed:\n{text}");
    for (from, to) in edges {
        assert!(
            declared.contains(&from) && declared.contains(&to),
            "{from} --> {to} undeclared"
        );
    }
}

#[test]
fn the_fixed_drawings_are_valid() {
    check_dot(DOT);
    check_mermaid(MERMAID);
}
