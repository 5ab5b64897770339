//! Topology: seed 000, reference §8 cases 39–42, 47, 56, SPEC §3 backends.

use super::*;
use crate::compile::{Compilation, validate_text};

fn compile(text: &str) -> Compilation {
    validate_text("t.yaml", text)
}

/// Resolves the single cluster; returns (matches per service as (poolservice, backends),
/// diagnostic codes).
fn run(c: &Compilation) -> (Vec<Resolved<'_>>, Vec<Diagnostic>) {
    let mut d = Diagnostics::new();
    let r = lower_and_resolve(&c.sources, c.objects(), &mut d);
    (r, d.into_vec())
}

fn codes(d: &[Diagnostic]) -> Vec<&'static str> {
    d.iter().map(|d| d.code).collect()
}

fn names(r: &Resolved<'_>, service: usize) -> Vec<String> {
    r.topology.services[service]
        .matches(&r.cluster)
        .map(|m| m.poolservice_name)
        .collect()
}

/// The backends of one match, derived as the ELB builder does.
fn backends_of<'m>(r: &Resolved<'m>, service: usize, pool: usize) -> Backends<'m> {
    let st = &r.topology.services[service];
    let svc = &r.cluster.services[st.service];
    let pods = ClusterPods::new(&r.cluster);
    let placement = pods.of(&r.cluster, svc);
    r.topology
        .backends(&r.cluster, svc, &placement, st.pools[pool])
}

/// Backend node names of one match, or `None` when unknown.
fn backend_nodes<'a>(r: &'a Resolved<'_>, service: usize, pool: usize) -> Option<Vec<&'a str>> {
    match backends_of(r, service, pool) {
        Backends::Known(b) => Some(
            b.iter()
                .map(|b| r.cluster.nodes[b.node.0 as usize].name())
                .collect(),
        ),
        Backends::Unknown { .. } => None,
    }
}

const ENS: &str = "  annotations:\n    alibabacloud.com/ens-network-id: n-1\n    alibabacloud.com/ens-region-id: cn-hefei-cmcc-2\n    alibabacloud.com/ens-vswitch-id: vsw-1,vsw-2\n";

fn pool(name: &str, labels: &str) -> String {
    format!(
        "---\napiVersion: apps.openyurt.io/v1beta2\nkind: NodePool\nmetadata:\n  name: {name}\n  labels: {{{labels}}}\n{ENS}spec: {{type: Edge}}\n"
    )
}

fn node(name: &str, pool: &str, ready: bool) -> String {
    let status = if ready { "True" } else { "False" };
    format!(
        "---\napiVersion: v1\nkind: Node\nmetadata:\n  name: {name}\n  labels:\n    apps.openyurt.io/nodepool: {pool}\nstatus:\n  addresses:\n  - {{type: InternalIP, address: 10.0.0.{}}}\n  conditions:\n  - {{type: Ready, status: \"{status}\"}}\n",
        name.len()
    )
}

fn service(name: &str, selector: &str, policy: &str) -> String {
    format!(
        "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  annotations:\n    service.openyurt.io/nodepool-labelselector: \"{selector}\"\nspec:\n  type: LoadBalancer\n  loadBalancerClass: alibabacloud.com/elb\n  externalTrafficPolicy: {policy}\n  selector: {{app: web}}\n  ports:\n  - {{port: 80, nodePort: 30081}}\n"
    )
}

fn workload(kind: &str, extra: &str) -> String {
    format!(
        "---\napiVersion: apps/v1\nkind: {kind}\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {{app: web}}\n  template:\n    metadata:\n      labels: {{app: web}}\n    spec:\n{extra}      containers:\n      - {{name: web, image: nginx}}\n"
    )
}

fn pod(name: &str, node: &str, ready: bool) -> String {
    let status = if ready { "True" } else { "False" };
    format!(
        "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  labels: {{app: web}}\nspec:\n  nodeName: {node}\n  containers:\n  - {{name: web, image: nginx}}\nstatus:\n  phase: Running\n  conditions:\n  - {{type: Ready, status: \"{status}\"}}\n"
    )
}

/// Two pools `np-a` (nodes a1, a2) and `np-b` (nodes b1, b2), both labelled `tier=edge`.
fn two_pools() -> String {
    [
        pool("np-a", "tier: edge"),
        pool("np-b", "tier: edge"),
        node("a1", "np-a", true),
        node("a2", "np-a", true),
        node("b1", "np-b", true),
        node("b2", "np-b", true),
    ]
    .concat()
}

/// Seed 000 (Step 1–3, Option A) as written in `examples/edge-elb-auto`: DaemonSet cube,
/// pools np-heifei / np-chengdu labelled `k8s-svc=cube`, two nodes each.
#[test]
fn seed_000_both_pools_matched_with_known_daemonset_backends() {
    let text = [
        include_str!("../../examples/edge-elb-auto/profile.yaml"),
        include_str!("../../examples/edge-elb-auto/cube.yaml"),
        include_str!("../../examples/edge-elb-auto/nodepools.yaml"),
        include_str!("../../examples/edge-elb-auto/nodes.yaml"),
        include_str!("../../examples/edge-elb-auto/cube-svc.yaml"),
    ]
    .join("\n---\n");
    let c = compile(&text);
    assert!(!c.diagnostics.has_errors());
    let (r, d) = run(&c);
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(r.len(), 1);
    // Pools in name order.
    assert_eq!(
        names(&r[0], 0),
        ["cube-svc-np-chengdu", "cube-svc-np-heifei"]
    );
    for i in 0..2 {
        let nodes = backend_nodes(&r[0], 0, i).expect("DaemonSet backends are known");
        assert_eq!(nodes.len(), 2, "two nodes per pool");
    }
    let first = r[0].topology.services[0].pools[1];
    assert_eq!(
        r[0].cluster.node_pools[first.0 as usize].name(),
        "np-heifei"
    );
    let Backends::Known(b) = backends_of(&r[0], 0, 1) else {
        panic!("known")
    };
    assert_eq!(b[0].address, Some("10.10.1.11"));
    assert_eq!(b[0].pods, 1);
}

/// Reference case 39: pools np123{app=deploy}, np234{app=deploy}, np345{} → two PoolServices.
#[test]
fn case_39_selector_picks_labelled_pools() {
    let text = [
        pool("np123", "name: np123, app: deploy"),
        pool("np234", "name: np234, app: deploy"),
        pool("np345", "name: np345"),
        service("test", "app=deploy", "Cluster"),
    ]
    .concat();
    let c = compile(&text);
    let (r, d) = run(&c);
    assert!(d.is_empty(), "{:?}", codes(&d));
    assert_eq!(names(&r[0], 0), ["test-np123", "test-np234"]);
}

/// Reference case 41: np234 relabelled to drop `app=deploy` → its PoolService is gone.
#[test]
fn case_41_relabelled_pool_no_longer_matches() {
    let text = [
        pool("np123", "app: deploy"),
        pool("np234", "app: other"),
        service("test", "app=deploy", "Cluster"),
    ]
    .concat();
    let c = compile(&text);
    let (r, _) = run(&c);
    assert_eq!(names(&r[0], 0), ["test-np123"]);
}

/// Reference §5.3 / case 41: a NodePool with a deletionTimestamp is skipped, so its
/// PoolService (and ELB) goes away even though its labels still match.
#[test]
fn case_41_pool_being_deleted_no_longer_matches() {
    let deleting = pool("np234", "app: deploy").replace(
        "  name: np234\n",
        "  name: np234\n  deletionTimestamp: \"2026-11-22T10:00:00Z\"\n",
    );
    let text = [
        pool("np123", "app: deploy"),
        deleting,
        service("test", "app=deploy", "Cluster"),
    ]
    .concat();
    let c = compile(&text);
    let (r, _) = run(&c);
    assert_eq!(names(&r[0], 0), ["test-np123"]);
}

/// Reference case 42 and SPEC §3: no match → warning `NoMatchNodePool`, no PoolService;
/// the help lists the few pools with their labels.
#[test]
fn case_42_no_match_warns_and_lists_pools() {
    let text = [
        pool("np-a", "tier: edge"),
        service("web", "tier=cloud", "Local"),
    ]
    .concat();
    let c = compile(&text);
    let (r, d) = run(&c);
    assert_eq!(codes(&d), ["LBP6010"]);
    assert!(r[0].topology.services[0].pools.is_empty());
    let help = d[0].help.as_deref().unwrap_or("");
    assert!(help.contains("`np-a` {tier=edge}"), "{help}");
    let span = d[0].labels[0].span;
    assert_eq!(c.sources.get(span.file).slice(span), "tier=cloud");
}

/// Reference case 47: np-hefei without `alibabacloud.com/ens-network-id` → error naming pool
/// and key, primary on the NodePool's name, secondary on the selector.
#[test]
fn case_47_missing_ens_annotation_is_an_error() {
    let text = format!(
        "apiVersion: apps.openyurt.io/v1beta2\nkind: NodePool\nmetadata:\n  name: np-hefei\n  labels: {{k8s-svc: cube}}\n  annotations:\n    alibabacloud.com/ens-region-id: cn-hefei-cmcc-2\n    alibabacloud.com/ens-vswitch-id: \" , \"\n{}",
        service("cube-svc", "k8s-svc=cube", "Local")
    );
    let c = compile(&text);
    let (_, d) = run(&c);
    assert_eq!(codes(&d), ["LBP6011", "LBP6011"]);
    assert!(
        d[0].message
            .contains("ens nodepool [np-hefei] network id is empty"),
        "{}",
        d[0].message
    );
    assert!(d[0].message.contains("alibabacloud.com/ens-network-id"));
    assert!(d[1].message.contains("alibabacloud.com/ens-vswitch-id"));
    let file = c.sources.get(d[0].labels[0].span.file);
    assert_eq!(file.slice(d[0].labels[0].span), "np-hefei");
    assert!(d[0].labels[0].primary);
    assert_eq!(file.slice(d[0].labels[1].span), "k8s-svc=cube");
}

/// Non-ELB classes get PoolServices but no ECM, so ENS annotations are not required.
#[test]
fn ens_annotations_only_matter_for_the_elb_class() {
    let text = format!(
        "apiVersion: apps.openyurt.io/v1beta2\nkind: NodePool\nmetadata:\n  name: np-x\n  labels: {{a: b}}\n{}",
        service("s", "a=b", "Cluster").replace("alibabacloud.com/elb", "example.com/lb")
    );
    let c = compile(&text);
    let (r, d) = run(&c);
    assert!(d.is_empty(), "{:?}", codes(&d));
    assert_eq!(names(&r[0], 0), ["s-np-x"]);
}

/// SPEC §3 Local: only nodes with a ready backend pod; Cluster: every node of a pool that
/// runs one. Pods given → a live snapshot, exact.
#[test]
fn local_versus_cluster_with_pods() {
    let text = [
        two_pools(),
        service("loc", "tier=edge", "Local"),
        service("clu", "tier=edge", "Cluster"),
        pod("p1", "a1", true),
        pod("p2", "a1", true),
        pod("p3", "b1", false),
    ]
    .concat();
    let c = compile(&text);
    let (r, d) = run(&c);
    assert!(d.is_empty(), "{:?}", codes(&d));
    let r = &r[0];
    // Local: a1 only in np-a (two pods); nothing in np-b (its pod is not ready).
    assert_eq!(backend_nodes(r, 0, 0), Some(vec!["a1"]));
    let Backends::Known(b) = backends_of(r, 0, 0) else {
        panic!("known")
    };
    assert_eq!(b[0].pods, 2);
    assert_eq!(backend_nodes(r, 0, 1), Some(vec![]));
    // Cluster: both nodes of np-a; reference case 56: np-b runs no ready pod → zero backends.
    assert_eq!(backend_nodes(r, 1, 0), Some(vec!["a1", "a2"]));
    assert_eq!(backend_nodes(r, 1, 1), Some(vec![]));
}

/// Reference case 56 with inferred placement: a DaemonSet restricted by nodeSelector to
/// np-a's nodes leaves np-b without backends even under `Cluster`.
#[test]
fn case_56_cluster_pool_without_backend_pod_has_zero_backends() {
    let text = [
        two_pools(),
        service("clu", "tier=edge", "Cluster"),
        workload(
            "DaemonSet",
            "      nodeSelector: {apps.openyurt.io/nodepool: np-a}\n",
        ),
    ]
    .concat();
    let c = compile(&text);
    let (r, _) = run(&c);
    assert_eq!(backend_nodes(&r[0], 0, 0), Some(vec!["a1", "a2"]));
    assert_eq!(backend_nodes(&r[0], 0, 1), Some(vec![]));
}

/// SPEC §1: a Deployment's placement is unknown → "known after apply".
#[test]
fn deployment_backends_are_known_after_apply() {
    let text = [
        two_pools(),
        service("web", "tier=edge", "Local"),
        workload("Deployment", ""),
    ]
    .concat();
    let c = compile(&text);
    let (r, _) = run(&c);
    match backends_of(&r[0], 0, 0) {
        Backends::Unknown { reason, workload } => {
            assert_eq!(reason, SCHEDULER_DECIDES);
            assert_eq!(workload.map(|w| w.name()), Some("web"));
        }
        b => panic!("expected unknown, got {b:?}"),
    }
}

/// NotReady nodes never serve, under either policy.
#[test]
fn not_ready_nodes_are_excluded() {
    let text = [
        pool("np-a", "tier: edge"),
        node("a1", "np-a", true),
        node("a2", "np-a", false),
        service("clu", "tier=edge", "Cluster"),
        workload("DaemonSet", ""),
    ]
    .concat();
    let c = compile(&text);
    let (r, _) = run(&c);
    assert_eq!(backend_nodes(&r[0], 0, 0), Some(vec!["a1"]));
}

/// EndpointSlices win over Pods and workloads: ready endpoints by nodeName.
#[test]
fn endpointslice_backends() {
    let slice = "---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: web-abc\n  labels: {kubernetes.io/service-name: web}\naddressType: IPv4\nendpoints:\n- addresses: [10.1.0.1]\n  conditions: {ready: true}\n  nodeName: a2\n- addresses: [10.1.0.2]\n  conditions: {ready: false}\n  nodeName: b1\n- addresses: [10.1.0.3]\n  nodeName: b2\nports:\n- {port: 80, protocol: TCP}\n";
    let text = [
        two_pools(),
        service("web", "tier=edge", "Local"),
        workload("Deployment", ""),
        slice.to_string(),
    ]
    .concat();
    let c = compile(&text);
    assert!(!c.diagnostics.has_errors(), "{:?}", c.diagnostics.sorted());
    let (r, _) = run(&c);
    assert_eq!(backend_nodes(&r[0], 0, 0), Some(vec!["a2"]));
    // An endpoint without `ready` counts as ready (Kubernetes' reading).
    assert_eq!(backend_nodes(&r[0], 0, 1), Some(vec!["b2"]));
}

/// A selector of only negative terms cannot use the index: every pool is checked.
#[test]
fn selector_with_only_negative_terms() {
    let text = [
        pool("np-a", "tier: edge"),
        pool("np-b", "tier: cloud"),
        pool("np-c", "zone: x"),
        service("web", "tier!=cloud,!gpu", "Cluster"),
    ]
    .concat();
    let c = compile(&text);
    let (r, _) = run(&c);
    assert_eq!(names(&r[0], 0), ["web-np-a", "web-np-c"]);
}

#[test]
fn label_index_uses_in_sets_and_verifies_every_condition() {
    let text = [
        pool("np-a", "tier: t1, zone: z"),
        pool("np-b", "tier: t2"),
        pool("np-c", "tier: t3, zone: z"),
        service("web", "tier in (t1,t3),zone,tier notin (t3)", "Cluster"),
    ]
    .concat();
    let c = compile(&text);
    let (r, _) = run(&c);
    assert_eq!(names(&r[0], 0), ["web-np-a"]);
}

/// Nodes without the pool label are in no pool; a pool with no nodes has no backends.
#[test]
fn membership_is_by_nodepool_label() {
    let text = [
        pool("np-a", "tier: edge"),
        pool("np-b", "tier: edge"),
        node("a1", "np-a", true),
        "---\napiVersion: v1\nkind: Node\nmetadata: {name: stray}\n".to_string(),
        service("web", "tier=edge", "Cluster"),
        workload("DaemonSet", ""),
    ]
    .concat();
    let c = compile(&text);
    let (r, _) = run(&c);
    assert_eq!(r[0].topology.nodes_by_pool, [vec![NodeId(0)], vec![]]);
    assert_eq!(backend_nodes(&r[0], 0, 0), Some(vec!["a1"]));
    assert_eq!(backend_nodes(&r[0], 0, 1), Some(vec![]));
}

/// Without Nodes in the input the pool's members, hence backends, are unknown.
#[test]
fn no_nodes_means_backends_unknown() {
    let text = [
        pool("np-a", "tier: edge"),
        service("web", "tier=edge", "Cluster"),
        workload("DaemonSet", ""),
    ]
    .concat();
    let c = compile(&text);
    let (r, _) = run(&c);
    assert!(matches!(
        backends_of(&r[0], 0, 0),
        Backends::Unknown {
            reason: NO_NODES,
            ..
        }
    ));
}

/// The PoolService in the input supplies per-pool overrides (seed 000 Option B step 4).
#[test]
fn matches_carry_effective_annotations_of_their_poolservice() {
    let ps = "---\napiVersion: network.openyurt.io/v1alpha1\nkind: PoolService\nmetadata:\n  name: web-np-b\n  annotations:\n    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-id: lb-b\n";
    let text = [
        two_pools(),
        service("web", "tier=edge", "Cluster"),
        ps.to_string(),
    ]
    .concat();
    let c = compile(&text);
    let (r, _) = run(&c);
    let m: Vec<_> = r[0].topology.services[0].matches(&r[0].cluster).collect();
    let id = "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-id";
    assert!(m[0].annotations.get(id).is_none());
    assert_eq!(m[1].annotations.get(id).map(|v| v.value), Some("lb-b"));
}
