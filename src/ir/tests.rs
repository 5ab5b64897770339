//! Lowering and routing (SPEC §2 table, reference §1 consequences, case 40).

use super::*;
use crate::compile::{Compilation, validate_text};

fn compile(text: &str) -> Compilation {
    validate_text("t.yaml", text)
}

fn lowered(c: &Compilation) -> (Vec<Cluster<'_>>, Vec<&'static str>) {
    let mut d = Diagnostics::new();
    let clusters = lower(&c.sources, c.objects(), &mut d);
    let codes = d.iter().map(|d| d.code).collect();
    (clusters, codes)
}

fn service(annotations: &str, spec: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n    note: hello\n{annotations}spec:\n  type: LoadBalancer\n  selector: {{app: web}}\n  ports:\n  - {{port: 80, nodePort: 30080}}\n{spec}"
    )
}

const SELECTOR: &str = "    service.openyurt.io/nodepool-labelselector: app=deploy\n";
const ELB: &str = "  loadBalancerClass: alibabacloud.com/elb\n";

#[test]
fn no_profile_gives_one_default_cluster_with_enums() {
    let c = compile(&service("", "  externalTrafficPolicy: Local\n"));
    let (clusters, codes) = lowered(&c);
    assert!(codes.is_empty(), "{codes:?}");
    assert_eq!(clusters.len(), 1);
    let k = &clusters[0];
    assert_eq!(k.cloud, Cloud::Alibaba);
    assert_eq!(k.kind, ClusterKind::Ack);
    assert_eq!(k.cluster_id, DEFAULT_CLUSTER_ID);
    let s = &k.services[0];
    assert_eq!(s.type_.value, ServiceType::LoadBalancer);
    assert_eq!(s.traffic_policy.value, TrafficPolicy::Local);
    assert!(s.traffic_policy.span.is_some());
    assert_eq!(s.ports.len(), 1);
    assert_eq!(s.ports[0].protocol.value, Protocol::Tcp);
    assert_eq!(s.ports[0].protocol.span, None, "TCP by default");
    assert_eq!(s.ports[0].node_port, Some(30080));
    assert!(matches!(s.route, Route::Clb { type_span: Some(_) }));
}

#[test]
fn profile_decides_cloud_and_cluster_id_and_nodepools_imply_ack_edge() {
    let text = format!(
        "apiVersion: lbplan/v1\nkind: ClusterProfile\nmetadata: {{name: p}}\nspec:\n  cloud: alibaba\n  clusterId: c123\n---\napiVersion: apps.openyurt.io/v1beta2\nkind: NodePool\nmetadata: {{name: np-a}}\nspec: {{type: Edge}}\n---\n{}",
        service(SELECTOR, ELB)
    );
    let c = compile(&text);
    let (clusters, _) = lowered(&c);
    assert_eq!(clusters.len(), 1);
    assert_eq!(clusters[0].cluster_id, "c123");
    assert_eq!(clusters[0].kind, ClusterKind::AckEdge);
    assert!(clusters[0].profile.is_some());
    assert!(clusters[0].fleet.is_none());
}

/// Each member lowers to its own ACK cluster named by its id; the fleet's objects stay
/// on the fleet (here the member folder holds nothing, so the member cluster is empty).
#[test]
fn fleet_profile_lowers_each_member_as_its_own_cluster() {
    let text = "apiVersion: lbplan/v1\nkind: ClusterProfile\nmetadata: {name: f}\nspec:\n  clusterKind: ack-one-fleet\n  members:\n  - {clusterId: c6a1, path: clusters/c6a1}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80}]}\n";
    let c = compile(text);
    let (clusters, _) = lowered(&c);
    assert_eq!(clusters[0].services.len(), 1, "the fleet's own Service");
    let fleet = clusters[0].fleet.as_ref().expect("fleet");
    assert_eq!(fleet.members.len(), 1);
    let member = fleet.members[0].cluster.as_ref().expect("lowered");
    assert_eq!(member.cluster_id, "c6a1");
    assert_eq!(member.kind, ClusterKind::Ack);
    assert!(member.services.is_empty());
}

#[test]
fn member_folders_join_the_profile_folder() {
    assert_eq!(
        super::member_folder("ex/fleet", "./clusters//c1/").as_deref(),
        Some("ex/fleet/clusters/c1")
    );
    assert_eq!(super::member_folder("", "c1").as_deref(), Some("c1"));
    assert_eq!(super::member_folder("ex", "/abs"), None);
    assert_eq!(super::member_folder("ex", "./"), None);
}

/// SPEC §2 row "any class + non-empty selector"; reference case 39 (class elb, `app=deploy`).
#[test]
fn elb_class_with_selector_routes_to_poolservices() {
    let c = compile(&service(SELECTOR, ELB));
    let (clusters, codes) = lowered(&c);
    assert!(codes.is_empty(), "{codes:?}");
    match &clusters[0].services[0].route {
        Route::PoolServices {
            selector_span,
            class,
            ..
        } => {
            assert_eq!(*class, LbClass::Elb);
            let selector = clusters[0].services[0]
                .pool_selector()
                .expect("the route's selector parses again");
            assert_eq!(selector.span, *selector_span);
            assert_eq!(selector.requirements.len(), 1);
            assert_eq!(selector.requirements[0].key.value, "app");
            // The span points at the selector text inside the annotation value.
            assert_eq!(
                c.sources.get(selector.span.file).slice(selector.span),
                "app=deploy"
            );
        }
        r => panic!("unexpected route {r:?}"),
    }
}

/// SPEC §2: class elb without the selector is a silent no-op in the real cluster.
#[test]
fn elb_class_without_selector_warns_the_cluster_does_nothing() {
    let c = compile(&service("", ELB));
    let (clusters, codes) = lowered(&c);
    assert_eq!(codes, ["LBP6001"]);
    assert!(matches!(
        clusters[0].services[0].route,
        Route::None {
            reason: NoRoute::ElbClassWithoutSelector { .. }
        }
    ));
}

/// Reference case 40: an empty selector annotation is the same as none.
#[test]
fn empty_selector_counts_as_absent() {
    let empty = "    service.openyurt.io/nodepool-labelselector: \"\"\n";
    let c = compile(&service(empty, ELB));
    let mut d = Diagnostics::new();
    let clusters = lower(&c.sources, c.objects(), &mut d);
    let diags: Vec<_> = d.iter().collect();
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].code, "LBP6001");
    assert_eq!(diags[0].labels.len(), 2, "class and the empty value");
    assert!(matches!(clusters[0].services[0].route, Route::None { .. }));

    let c = compile(&service(empty, ""));
    let (clusters, codes) = lowered(&c);
    assert_eq!(codes, ["LBP6003"]);
    assert!(matches!(clusters[0].services[0].route, Route::Clb { .. }));
}

/// Reference §1: no class but a selector → one CLB, selector ignored.
#[test]
fn selector_without_class_gets_a_clb_and_a_warning() {
    let c = compile(&service(SELECTOR, ""));
    let (clusters, codes) = lowered(&c);
    assert_eq!(codes, ["LBP6002"]);
    assert!(matches!(clusters[0].services[0].route, Route::Clb { .. }));
}

/// Reference case 40: type ClusterIP → nothing, whatever the annotations.
#[test]
fn not_load_balancer_has_no_route() {
    let text = service(SELECTOR, ELB).replace("type: LoadBalancer", "type: ClusterIP");
    let c = compile(&text);
    let (clusters, codes) = lowered(&c);
    assert!(codes.is_empty());
    assert!(matches!(
        &clusters[0].services[0].route,
        Route::None {
            reason: NoRoute::NotLoadBalancer { type_ }
        } if type_.value == ServiceType::ClusterIP
    ));
}

#[test]
fn nlb_class_and_huawei_and_foreign_classes() {
    let c = compile(&service("", "  loadBalancerClass: alibabacloud.com/nlb\n"));
    assert!(matches!(
        lowered(&c).0[0].services[0].route,
        Route::Nlb { .. }
    ));

    let c = compile(&service("", "  loadBalancerClass: example.com/lb\n"));
    let (clusters, codes) = lowered(&c);
    assert!(codes.is_empty());
    assert!(matches!(
        clusters[0].services[0].route,
        Route::None {
            reason: NoRoute::ForeignClass { .. }
        }
    ));

    let huawei = format!(
        "apiVersion: lbplan/v1\nkind: ClusterProfile\nmetadata: {{name: p}}\nspec: {{cloud: huawei}}\n---\n{}",
        service("", "")
    );
    let c = compile(&huawei);
    assert!(matches!(
        lowered(&c).0[0].services[0].route,
        Route::Cce { .. }
    ));
}

#[test]
fn diverting_annotation_takes_a_classless_service_from_the_ccm() {
    let c = compile(&service(
        "    service.beta.kubernetes.io/class: other\n",
        "",
    ));
    assert!(matches!(
        lowered(&c).0[0].services[0].route,
        Route::None {
            reason: NoRoute::DivertedByAnnotation { .. }
        }
    ));
}

/// Reference §6.1: PoolService annotations override only `service.beta.kubernetes.io/alibaba-cloud*`.
#[test]
fn effective_annotations_overlay_only_alibaba_keys() {
    let text = format!(
        "{}---\napiVersion: network.openyurt.io/v1alpha1\nkind: PoolService\nmetadata:\n  name: web-np-a\n  annotations:\n    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-id: lb-x\n    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-spec: elb.s1.small\n    note: from-pool\n",
        service(
            "    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-spec: elb.s2.medium\n",
            ELB
        )
    );
    let c = compile(&text);
    let (clusters, _) = lowered(&c);
    let k = &clusters[0];
    let svc = &k.services[0];
    let eff = k.effective_annotations(svc, "web-np-a");
    assert!(eff.pool_service().is_some());
    let spec = eff
        .get("service.beta.kubernetes.io/alibaba-cloud-loadbalancer-spec")
        .expect("spec");
    assert_eq!(
        (spec.value, spec.origin),
        ("elb.s1.small", Origin::PoolService)
    );
    let x = eff.get("note").expect("note");
    assert_eq!((x.value, x.origin), ("hello", Origin::Service));
    let id = eff
        .get("service.beta.kubernetes.io/alibaba-cloud-loadbalancer-id")
        .expect("id");
    assert_eq!(id.origin, Origin::PoolService);
    let all: Vec<_> = eff.iter().map(|v| (v.key, v.value)).collect();
    assert_eq!(
        all,
        [
            ("note", "hello"),
            (
                "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-spec",
                "elb.s1.small"
            ),
            (
                "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-id",
                "lb-x"
            ),
        ]
    );
    // Another pool has no PoolService: the Service's own values.
    let other = k.effective_annotations(svc, "web-np-b");
    assert_eq!(
        other
            .get("service.beta.kubernetes.io/alibaba-cloud-loadbalancer-spec")
            .map(|v| v.origin),
        Some(Origin::Service)
    );
}

#[test]
fn objects_go_to_the_profile_of_their_folder() {
    assert_eq!(owner(&["a", "b/c"], "b/c/x.yaml"), 1);
    assert_eq!(owner(&["a", "b/c"], "a/x.yaml"), 0);
    assert_eq!(owner(&["a", "b/c"], "elsewhere.yaml"), 0);
    assert_eq!(owner(&["", "b"], "b/x.yaml"), 1);
    assert_eq!(owner(&["ab"], "abc/x.yaml"), 0);
}

#[test]
fn an_object_defined_twice_is_reported_and_the_first_definition_kept() {
    let pool = |name: &str, ns: &str| {
        format!(
            "apiVersion: apps.openyurt.io/v1beta2\nkind: NodePool\nmetadata:\n  name: {name}\n{ns}spec:\n  type: Edge\n"
        )
    };
    let text = [
        service("", ""),
        service("", "  externalTrafficPolicy: Local\n"),
        service("", "").replace("  name: web\n", "  name: web\n  namespace: other\n"),
        pool("np-a", ""),
        // Cluster-scoped: a namespace does not make it another object.
        pool("np-a", "  namespace: other\n"),
        pool("np-b", ""),
    ]
    .join("---\n");
    let c = compile(&text);
    let (clusters, codes) = lowered(&c);
    assert_eq!(codes, ["LBP6020", "LBP6020"]);
    let k = &clusters[0];
    assert_eq!(k.services.len(), 2, "web twice in default, once in other");
    assert_eq!(
        k.services[0].traffic_policy.value,
        TrafficPolicy::Cluster,
        "the first is kept"
    );
    let pools: Vec<&str> = k.node_pools.iter().map(|p| p.name()).collect();
    assert_eq!(pools, ["np-a", "np-b"]);
    let first = c
        .diagnostics
        .iter()
        .find(|d| d.code == "LBP6020")
        .expect("reported by validate too");
    assert_eq!(
        first.message,
        "Service `default/web` is defined twice in this cluster"
    );
    let lines: Vec<usize> = first
        .labels
        .iter()
        .map(|l| c.sources.location(l.span).1)
        .collect();
    assert_eq!(lines, [16, 4], "the copy, then the first definition");
}

/// Nodes reach the IR as records, not manifests: the same rule holds for them.
#[test]
fn a_node_defined_twice_is_reported_and_the_first_definition_kept() {
    let node = |name: &str, ip: &str| {
        format!(
            "apiVersion: v1\nkind: Node\nmetadata:\n  name: {name}\nstatus:\n  addresses:\n  - {{type: InternalIP, address: {ip}}}\n"
        )
    };
    let text = [
        node("n-b", "10.0.0.2"),
        node("n-a", "10.0.0.1"),
        node("n-b", "10.0.0.9"),
    ]
    .join("---\n");
    let c = compile(&text);
    let (clusters, codes) = lowered(&c);
    assert_eq!(codes, ["LBP6020"]);
    let nodes: Vec<(&str, &str)> = clusters[0]
        .nodes
        .iter()
        .map(|n| (n.name(), n.internal_ip().map_or("", |a| a.value.as_str())))
        .collect();
    assert_eq!(nodes, [("n-a", "10.0.0.1"), ("n-b", "10.0.0.2")]);
    let d = c
        .diagnostics
        .iter()
        .find(|d| d.code == "LBP6020")
        .expect("reported by validate too");
    assert_eq!(d.message, "Node `n-b` is defined twice in this cluster");
    let lines: Vec<usize> = d
        .labels
        .iter()
        .map(|l| c.sources.location(l.span).1)
        .collect();
    assert_eq!(lines, [20, 4], "the copy, then the first definition");
}
