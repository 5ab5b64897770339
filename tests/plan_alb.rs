//! Scenario tests of the ALB provider and the ACK One multi-cluster gateway: the seed 004
//! examples, the fleet rules of SPEC §6, plan changes against a prior state, and the
//! worked cases 27–38 of reference/alibaba.md §8.

use std::path::{Path, PathBuf};

use lbplan::compile::{self, PlanRun};
use lbplan::model::{Kind, Owner, Value};
use lbplan::plan::{Action, Change, State};
use lbplan::source::LoadOptions;

const C1: &str = "c6a1b2c3d4e5f60718293a4b5c6d7e8f9";
const C2: &str = "cd0f1e2d3c4b5a69788796a5b4c3d2e1f";

fn root() {
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).expect("cd to the crate root");
}

/// A fresh folder under the target dir holding `files`.
fn tree(name: &str, files: &[(&str, String)]) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("plan_alb-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, text) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, text).expect("write");
    }
    dir
}

/// A first plan keeps the desired model (for [`state_of`]); a plan against a state does not.
fn plan_dir(dir: &Path, state: Option<&Path>) -> PlanRun {
    let inputs = [dir.display().to_string()];
    match state {
        None => compile::graph(&inputs, &LoadOptions::default()),
        Some(_) => compile::plan(&inputs, &LoadOptions::default(), state),
    }
}

fn plan_example(ex: &str) -> PlanRun {
    root();
    plan_dir(Path::new(&format!("examples/{ex}")), None)
}

/// The state after applying `run`'s desired model.
fn state_of(run: &PlanRun, dir: &Path) -> PathBuf {
    let path = dir.with_extension("state");
    std::fs::write(
        &path,
        State::from_model(&run.model, 1, "plan-alb").to_json(),
    )
    .expect("state");
    path
}

fn codes(run: &PlanRun) -> Vec<&'static str> {
    run.diagnostics.iter().map(|d| d.code).collect()
}

fn changes(run: &PlanRun) -> &[Change] {
    &run.plan.as_ref().expect("a plan").changes
}

fn change<'a>(run: &'a PlanRun, prefix: &str) -> &'a Change {
    changes(run)
        .iter()
        .find(|c| c.address.starts_with(prefix))
        .unwrap_or_else(|| panic!("no change {prefix}"))
}

fn count(run: &PlanRun, kind: Kind) -> usize {
    changes(run).iter().filter(|c| c.kind == kind).count()
}

/// The (server group address suffix, weight) pairs of a rule's forward action.
fn weights(c: &Change) -> Vec<(String, i64)> {
    let Some(Value::List(actions)) = c.after.as_ref().and_then(|a| a.get("rule_actions")) else {
        panic!("no rule_actions")
    };
    let Value::Map(action) = &actions[0] else {
        panic!("action")
    };
    let Some(Value::Map(fwd)) = action.get("forward_group_config") else {
        panic!("forward")
    };
    let Some(Value::List(tuples)) = fwd.get("server_group_tuples") else {
        panic!("tuples")
    };
    tuples
        .iter()
        .map(|t| {
            let Value::Map(t) = t else { panic!("tuple") };
            let Some(Value::String(sg)) = t.get("server_group_id") else {
                panic!("id")
            };
            let Some(Value::Int(w)) = t.get("weight") else {
                panic!("weight")
            };
            (sg.rsplit('/').next().unwrap_or("").to_string(), *w)
        })
        .collect()
}

fn profile() -> String {
    format!(
        "apiVersion: lbplan/v1\nkind: ClusterProfile\nmetadata: {{name: fleet}}\nspec:\n  cloud: alibaba\n  clusterKind: ack-one-fleet\n  clusterId: cf3e8a1d9b7c54e2f6a0d8c1b3e5f7a92\n  members:\n  - {{clusterId: {C1}, path: clusters/{C1}}}\n  - {{clusterId: {C2}, path: ./clusters/{C2}/}}\n"
    )
}

fn gateway(annotations: &str, config: &str, listeners: &str) -> String {
    format!(
        "apiVersion: alibabacloud.com/v1\nkind: AlbConfig\nmetadata:\n  name: gw\n  annotations:\n{annotations}spec:\n  config:\n{config}{listeners}---\napiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {{name: alb}}\nspec:\n  controller: ingress.k8s.alibabacloud/alb\n  parameters: {{apiGroup: alibabacloud.com, kind: AlbConfig, name: gw}}\n"
    )
}

fn remote(ids: &str) -> String {
    format!("    alb.ingress.kubernetes.io/remote-clusters: {ids}\n")
}

const TWO_ZONES: &str =
    "    name: one-alb\n    zoneMappings:\n    - vSwitchId: vsw-1\n    - vSwitchId: vsw-2\n";
const LISTENER: &str = "  listeners:\n  - {port: 8001, protocol: HTTP}\n";

fn ingress(annotations: &str) -> String {
    format!(
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n  namespace: demo\n  annotations:\n    alb.ingress.kubernetes.io/listen-ports: '[{{\"HTTP\": 8001}}]'\n{annotations}spec:\n  ingressClassName: alb\n  rules:\n  - host: a.example.com\n    http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend: {{service: {{name: service1, port: {{number: 80}}}}}}\n"
    )
}

/// A member's Service and Deployment; `ready: None` writes no status.
fn member(replicas: i64, ready: Option<i64>) -> String {
    let status = ready.map_or(String::new(), |r| {
        format!("status:\n  replicas: {replicas}\n  readyReplicas: {r}\n")
    });
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: service1, namespace: demo}}\nspec:\n  replicas: {replicas}\n  selector: {{matchLabels: {{app: s1}}}}\n  template:\n    metadata: {{labels: {{app: s1}}}}\n    spec:\n      containers: [{{name: web, image: nginx}}]\n{status}---\napiVersion: v1\nkind: Service\nmetadata: {{name: service1, namespace: demo}}\nspec:\n  selector: {{app: s1}}\n  ports: [{{port: 80, targetPort: 8080}}]\n"
    )
}

/// A complete fleet tree with the given gateway and Ingress annotations.
fn fleet(name: &str, gw: String, ing_annotations: &str, m1: String, m2: String) -> PathBuf {
    tree(
        name,
        &[
            ("profile.yaml", profile()),
            ("gateway.yaml", gw),
            ("ingress.yaml", ingress(ing_annotations)),
            (&format!("clusters/{C1}/app.yaml"), m1),
            (&format!("clusters/{C2}/app.yaml"), m2),
        ],
    )
}

fn default_gateway() -> String {
    gateway(&remote(&format!("{C1},{C2}")), TWO_ZONES, LISTENER)
}

fn weight(id: &str, w: &str) -> String {
    format!("    alb.ingress.kubernetes.io/cluster-weight.{id}: \"{w}\"\n")
}

// ---------------------------------------------------------------------------------------
// Seed 004's four examples.

/// seed 004_cb008e09db351138.txt, "Step 1" and "Example 1: Default load balancing": the
/// ALB, an EIP per zone (Internet), the HTTP:8001 listener, one server group per cluster,
/// one rule split by ready replicas (3 and 1 → 75/25).
#[test]
fn seed_004_example_1_default_splits_by_ready_replicas() {
    let run = plan_example("ackone-default");
    assert!(!run.diagnostics.has_errors(), "{:?}", codes(&run));
    assert_eq!(count(&run, Kind::LoadBalancer), 1);
    assert_eq!(count(&run, Kind::Eip), 2);
    assert_eq!(count(&run, Kind::Listener), 1);
    // One per cluster, and the listener's `fake-svc` default action (reference §4).
    assert_eq!(count(&run, Kind::ServerGroup), 3);
    assert_eq!(count(&run, Kind::ForwardingRule), 1);
    let alb = change(&run, "alb.ackone-gateway-demo");
    assert_eq!(alb.name.as_deref(), Some("one-alb-demo"));
    let rule = change(&run, "alb_rule.");
    assert_eq!(weights(rule), [(C1.to_string(), 75), (C2.to_string(), 25)]);
    assert!(
        rule.notes[0].contains(&format!("{C1} 75%")),
        "{:?}",
        rule.notes
    );
    let listener = change(&run, "alb_listener.");
    assert_eq!(
        listener.after.as_ref().and_then(|a| a.get("listener_port")),
        Some(&Value::Int(8001))
    );
}

/// seed 004, "Example 2: Single-cluster routing": `cluster-weight.<id>: "100"`.
#[test]
fn seed_004_example_2_single_cluster() {
    let run = plan_example("ackone-single-cluster");
    assert!(!run.diagnostics.has_errors());
    let rule = change(&run, "alb_rule.");
    assert_eq!(weights(rule), [(C1.to_string(), 100), (C2.to_string(), 0)]);
}

/// seed 004, "Example 3: Header-based routing": the Header condition `stage: gray`
/// comes first, then Host and Path; all traffic to the gray cluster.
#[test]
fn seed_004_example_3_header_routing() {
    let run = plan_example("ackone-header-routing");
    assert!(!run.diagnostics.has_errors());
    let rule = change(&run, "alb_rule.");
    let Some(Value::List(conds)) = rule.after.as_ref().and_then(|a| a.get("rule_conditions"))
    else {
        panic!("conditions")
    };
    let types: Vec<String> = conds
        .iter()
        .map(|c| match c {
            Value::Map(m) => format!("{:?}", m.get("type")),
            _ => String::new(),
        })
        .collect();
    assert_eq!(types.len(), 3);
    assert!(types[0].contains("Header"));
    let Value::Map(header) = &conds[0] else {
        panic!("map")
    };
    let Some(Value::Map(cfg)) = header.get("header_config") else {
        panic!("header_config")
    };
    assert_eq!(cfg.get("key"), Some(&Value::from("stage")));
    assert_eq!(weights(rule), [(C1.to_string(), 0), (C2.to_string(), 100)]);
}

/// seed 004, "Example 4: Weight-based routing": 60/40.
#[test]
fn seed_004_example_4_weighted() {
    let run = plan_example("ackone-weighted");
    assert!(!run.diagnostics.has_errors());
    let rule = change(&run, "alb_rule.");
    assert_eq!(weights(rule), [(C1.to_string(), 60), (C2.to_string(), 40)]);
}

/// The text plan shows each rule's traffic share per cluster.
#[test]
fn text_plan_shows_the_traffic_share() {
    root();
    let text = std::fs::read_to_string("golden/ackone-weighted/plan.txt").expect("golden");
    assert!(text.contains(&format!(
        "# traffic share: {C1} 60% (3 ready, cluster-weight), {C2} 40% (1 ready, cluster-weight)"
    )));
}

// ---------------------------------------------------------------------------------------
// Fleet lowering and rules.

/// Member folders under the fleet folder are lowered once, as their member cluster, not
/// also as fleet objects.
#[test]
fn member_folders_are_lowered_once_as_their_cluster() {
    root();
    let c = compile::validate(
        &["examples/ackone-default".to_string()],
        &LoadOptions::default(),
    );
    let mut diags = lbplan::diag::Diagnostics::new();
    let clusters = lbplan::ir::lower(&c.sources, c.objects(), &mut diags);
    assert_eq!(clusters.len(), 1);
    let fleet = &clusters[0];
    assert!(fleet.services.is_empty(), "member Services stay in members");
    assert_eq!(fleet.ingresses.len(), 1);
    let members = &fleet.fleet.as_ref().expect("fleet").members;
    for (m, ready) in members.iter().zip([3, 1]) {
        let cluster = m.cluster.as_ref().expect("lowered member");
        assert_eq!(cluster.services.len(), 1);
        assert_eq!(cluster.workloads.len(), 1);
        assert_eq!(cluster.workloads[0].object.ready_count(), Some(ready));
    }
}

/// seed 004, Example 4: "The sum of all cluster weights must equal 100" (sum shown).
#[test]
fn weights_must_sum_to_100() {
    let w = format!("{}{}", weight(C1, "60"), weight(C2, "30"));
    let dir = fleet(
        "sum",
        default_gateway(),
        &w,
        member(3, Some(3)),
        member(1, Some(1)),
    );
    let run = plan_dir(&dir, None);
    let d = run
        .diagnostics
        .iter()
        .find(|d| d.code == "LBP7303")
        .expect("sum error");
    assert!(d.message.contains("sum to 90"), "{}", d.message);
}

/// seed 004, Examples 2–3: "If the specified cluster does not exist, the system skips it."
#[test]
fn non_member_weight_is_skipped_with_a_warning() {
    let w = format!("{}{}", weight(C1, "100"), weight("cother", "50"));
    let dir = fleet(
        "nonmember",
        default_gateway(),
        &w,
        member(3, Some(3)),
        member(1, Some(1)),
    );
    let run = plan_dir(&dir, None);
    assert!(codes(&run).contains(&"LBP7304"));
    assert!(
        !codes(&run).contains(&"LBP7303"),
        "skipped weights do not count"
    );
    assert_eq!(
        weights(change(&run, "alb_rule.")),
        [(C1.to_string(), 100), (C2.to_string(), 0)]
    );
}

#[test]
fn weight_to_a_cluster_without_ready_backends_warns() {
    let w = format!("{}{}", weight(C1, "50"), weight(C2, "50"));
    let dir = fleet(
        "empty",
        default_gateway(),
        &w,
        member(3, Some(3)),
        member(2, Some(0)),
    );
    let run = plan_dir(&dir, None);
    let d = run
        .diagnostics
        .iter()
        .find(|d| d.code == "LBP7305")
        .expect("warning");
    assert!(d.message.contains(C2));
}

/// With only a Deployment (no status), its spec.replicas are assumed ready, and said so.
#[test]
fn replicas_without_status_are_assumed_and_said() {
    let dir = fleet(
        "assumed",
        default_gateway(),
        "",
        member(2, None),
        member(2, None),
    );
    let run = plan_dir(&dir, None);
    assert!(codes(&run).contains(&"LBP7316"));
    assert_eq!(
        weights(change(&run, "alb_rule.")),
        [(C1.to_string(), 50), (C2.to_string(), 50)]
    );
}

#[test]
fn no_ready_backends_anywhere_warns() {
    let dir = fleet(
        "none-ready",
        default_gateway(),
        "",
        member(2, Some(0)),
        member(1, Some(0)),
    );
    assert!(codes(&plan_dir(&dir, None)).contains(&"LBP7306"));
}

/// seed 004, Troubleshooting "Associated clusters not showing in subClusters".
#[test]
fn remote_clusters_must_be_fleet_members() {
    let gw = gateway(&remote(&format!("{C1},cwrong")), TWO_ZONES, LISTENER);
    let dir = fleet("remote", gw, "", member(3, Some(3)), member(1, Some(1)));
    let run = plan_dir(&dir, None);
    assert!(codes(&run).contains(&"LBP7310"));
    // Only C1 receives traffic.
    assert_eq!(weights(change(&run, "alb_rule.")), [(C1.to_string(), 100)]);
    let gw = gateway("    team: web\n", TWO_ZONES, LISTENER);
    let dir = fleet("no-remote", gw, "", member(3, Some(3)), member(1, Some(1)));
    assert!(codes(&plan_dir(&dir, None)).contains(&"LBP7309"));
}

/// seed 004, Step 1: zoneMappings required; at least two zones for high availability.
#[test]
fn zone_mappings_required_two_recommended() {
    let r = remote(&format!("{C1},{C2}"));
    let one = gateway(&r, "    zoneMappings:\n    - vSwitchId: vsw-1\n", LISTENER);
    let dir = fleet("one-zone", one, "", member(1, Some(1)), member(1, Some(1)));
    let run = plan_dir(&dir, None);
    assert!(codes(&run).contains(&"LBP7312"));
    assert_eq!(count(&run, Kind::Eip), 1);
    let none = gateway(&r, "    name: x\n", LISTENER);
    let dir = fleet("no-zone", none, "", member(1, Some(1)), member(1, Some(1)));
    assert!(codes(&plan_dir(&dir, None)).contains(&"LBP7311"));
}

/// seed 004, Step 1: "without a listener, you cannot use ALB Ingresses."
#[test]
fn no_listener_is_an_error_on_the_ingress() {
    let gw = gateway(&remote(&format!("{C1},{C2}")), TWO_ZONES, "");
    let dir = fleet(
        "no-listener",
        gw,
        "",
        member(1, Some(1)),
        member(1, Some(1)),
    );
    let run = plan_dir(&dir, None);
    assert!(codes(&run).contains(&"LBP7308"));
    assert_eq!(count(&run, Kind::ForwardingRule), 0);
}

#[test]
fn intranet_alb_has_no_eips() {
    let r = remote(&format!("{C1},{C2}"));
    let gw = gateway(
        &r,
        &format!("    addressType: Intranet\n{TWO_ZONES}"),
        LISTENER,
    );
    let dir = fleet("intranet", gw, "", member(1, Some(1)), member(1, Some(1)));
    assert_eq!(count(&plan_dir(&dir, None), Kind::Eip), 0);
}

// ---------------------------------------------------------------------------------------
// Plan changes.

/// Weights, conditions and listener tuning change in place; nothing is replaced.
#[test]
fn weight_condition_and_listener_changes_are_in_place() {
    let before = fleet(
        "inplace-a",
        default_gateway(),
        &format!("{}{}", weight(C1, "60"), weight(C2, "40")),
        member(3, Some(3)),
        member(1, Some(1)),
    );
    let state = state_of(&plan_dir(&before, None), &before);
    let cond = "    alb.ingress.kubernetes.io/conditions.service1: '[{\"type\": \"Header\", \"headerConfig\": {\"key\": \"stage\", \"values\": [\"gray\"]}}]'\n";
    let gw = gateway(
        &remote(&format!("{C1},{C2}")),
        TWO_ZONES,
        "  listeners:\n  - {port: 8001, protocol: HTTP, idleTimeout: 30}\n",
    );
    let after = fleet(
        "inplace-b",
        gw,
        &format!("{}{}{cond}", weight(C1, "20"), weight(C2, "80")),
        member(3, Some(3)),
        member(1, Some(1)),
    );
    let run = plan_dir(&after, Some(&state));
    let rule = change(&run, "alb_rule.");
    assert_eq!(rule.action, Action::Update);
    assert!(!rule.destructive);
    assert_eq!(weights(rule), [(C1.to_string(), 20), (C2.to_string(), 80)]);
    assert_eq!(change(&run, "alb_listener.").action, Action::Update);
    assert!(changes(&run).iter().all(|c| !c.destructive));
}

/// SPEC §6 / reference §4.3: deleting the AlbConfig deletes the ALB (destructive, with
/// the cause).
#[test]
fn deleting_the_albconfig_deletes_the_alb() {
    let before = fleet(
        "del-a",
        default_gateway(),
        "",
        member(3, Some(3)),
        member(1, Some(1)),
    );
    let state = state_of(&plan_dir(&before, None), &before);
    let after = tree(
        "del-b",
        &[
            ("profile.yaml", profile()),
            (&format!("clusters/{C1}/app.yaml"), member(3, Some(3))),
        ],
    );
    let run = plan_dir(&after, Some(&state));
    let alb = change(&run, "alb.gw");
    assert_eq!(alb.action, Action::Delete);
    assert!(alb.destructive);
    assert!(
        alb.reasons[0].contains("AlbConfig gw was deleted"),
        "{:?}",
        alb.reasons
    );
}

/// reference §4.3: a reused ALB (`config.id`) is the user's: referenced, and retained when
/// the AlbConfig goes away.
#[test]
fn reused_alb_is_user_owned_and_retained() {
    let r = remote(&format!("{C1},{C2}"));
    let gw = gateway(&r, "    id: alb-user123\n", LISTENER);
    let before = fleet("reuse-a", gw, "", member(1, Some(1)), member(1, Some(1)));
    let run = plan_dir(&before, None);
    assert!(
        !codes(&run).contains(&"LBP7311"),
        "no zones needed when reusing"
    );
    let alb = change(&run, "alb.gw");
    assert_eq!(alb.owner, Owner::User);
    assert_eq!(count(&run, Kind::Eip), 0);
    let state = state_of(&run, &before);
    let after = tree("reuse-b", &[("profile.yaml", profile())]);
    let run = plan_dir(&after, Some(&state));
    assert_eq!(change(&run, "alb.gw").action, Action::Retain);
}

// ---------------------------------------------------------------------------------------
// reference/alibaba.md §8, worked cases 27–38 (one ACK cluster, ALBC semantics).

const CASE_CLUSTER: &str = "apiVersion: lbplan/v1\nkind: ClusterProfile\nmetadata: {name: ack}\nspec: {cloud: alibaba, clusterKind: ack, clusterId: c0123456789abcdef0123456789abcdef, kubernetesVersion: \"1.30\", region: cn-hangzhou, network: {plugin: flannel, proxyMode: iptables, expressConnect: false}}\n---\napiVersion: alibabacloud.com/v1\nkind: AlbConfig\nmetadata: {name: alb-demo}\nspec:\n  config:\n    zoneMappings: [{vSwitchId: vsw-1}, {vSwitchId: vsw-2}]\n  listeners:\n  - {port: 80, protocol: HTTP}\n  - {port: 443, protocol: HTTPS}\n---\n";

const CASE_CLASS: &str = "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: alb}\nspec:\n  controller: ingress.k8s.alibabacloud/alb\n  parameters: {apiGroup: alibabacloud.com, kind: AlbConfig, name: alb-demo}\n---\n";

/// An Ingress `name` in `default` with `annotations` (indented lines) and one path.
fn case_ingress(name: &str, annotations: &str, path: &str, path_type: &str, svc: &str) -> String {
    format!(
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: {name}\n  namespace: default\n  annotations:\n    team: web\n{annotations}spec:\n  ingressClassName: alb\n  rules:\n  - host: a.com\n    http:\n      paths:\n      - path: \"{path}\"\n        pathType: {path_type}\n        backend: {{service: {{name: {svc}, port: {{number: 80}}}}}}\n---\n"
    )
}

fn case(docs: &[String]) -> PlanRun {
    let mut text = CASE_CLUSTER.to_string();
    for d in docs {
        text.push_str(d);
    }
    compile::plan_text("case.yaml", &text)
}

fn case_codes(docs: &[String]) -> Vec<&'static str> {
    codes(&case(docs))
        .into_iter()
        .filter(|c| *c != "LBP4103")
        .collect()
}

fn values_of(c: &Change, ty: &str) -> Vec<String> {
    let Some(Value::List(conds)) = c.after.as_ref().and_then(|a| a.get("rule_conditions")) else {
        return Vec::new();
    };
    conds
        .iter()
        .filter_map(|c| match c {
            Value::Map(m) if m.get("type") == Some(&Value::from(ty)) => {
                m.values().find_map(|v| match v {
                    Value::Map(cfg) => match cfg.get("values") {
                        Some(Value::List(vs)) => Some(
                            vs.iter()
                                .map(|v| match v {
                                    Value::String(s) => s.to_string(),
                                    _ => String::new(),
                                })
                                .collect::<Vec<_>>(),
                        ),
                        _ => None,
                    },
                    _ => None,
                })
            }
            _ => None,
        })
        .flatten()
        .collect()
}

/// Case 27: IngressClass → AlbConfig; listener HTTP:80; rule-80-1 with Host [a.com] and
/// Path [/api, /api/*]; Forward to server group `default-s1-80` weight 100.
#[test]
fn case_27_binding_and_rule() {
    let run = case(&[
        CASE_CLASS.to_string(),
        case_ingress("ing", "", "/api", "Prefix", "s1"),
    ]);
    assert!(!run.diagnostics.has_errors(), "{:?}", codes(&run));
    let rule = change(&run, "alb_rule.alb-demo/http-80/");
    assert_eq!(rule.name.as_deref(), Some("rule-80-1"));
    assert_eq!(values_of(rule, "Host"), ["a.com"]);
    assert_eq!(values_of(rule, "Path"), ["/api", "/api/*"]);
    let sg = change(&run, "alb_server_group.default/ing/s1-80/");
    assert_eq!(sg.name.as_deref(), Some("default-s1-80"));
    assert_eq!(weights(rule).iter().map(|w| w.1).collect::<Vec<_>>(), [100]);
    // The default listen port is HTTP:80 only: no rule on HTTPS:443.
    assert_eq!(count(&run, Kind::ForwardingRule), 1);
}

/// Case 28: an ALB IngressClass without parameters.
#[test]
fn case_28_ingress_class_without_parameters() {
    let class = "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: alb}\nspec:\n  controller: ingress.k8s.alibabacloud/alb\n---\n";
    let run = case(&[
        class.to_string(),
        case_ingress("ing", "", "/", "Prefix", "s1"),
    ]);
    let d = run
        .diagnostics
        .iter()
        .find(|d| d.code == "LBP7301")
        .expect("error");
    assert_eq!(
        d.message,
        "albconfig must be referenced in IngressClass alb"
    );
    assert_eq!(count(&run, Kind::ForwardingRule), 0);
}

/// Case 29: listen-ports grammar (lower-case protocol, empty, out of range).
#[test]
fn case_29_listen_ports_grammar() {
    for value in [r#"[{"http": 80}]"#, "[]", r#"[{"HTTP": 70000}]"#] {
        let ann = format!("    alb.ingress.kubernetes.io/listen-ports: '{value}'\n");
        let run = case(&[
            CASE_CLASS.to_string(),
            case_ingress("ing", &ann, "/", "Prefix", "s1"),
        ]);
        assert!(
            codes(&run).contains(&"LBP1201"),
            "{value}: {:?}",
            codes(&run)
        );
        assert_eq!(count(&run, Kind::ForwardingRule), 0, "{value}");
    }
}

/// Case 30: a listen port without an AlbConfig listener gets no rules; we warn.
#[test]
fn case_30_listen_port_without_listener() {
    let ann = "    alb.ingress.kubernetes.io/listen-ports: '[{\"HTTPS\": 8443}]'\n";
    let run = case(&[
        CASE_CLASS.to_string(),
        case_ingress("ing", ann, "/", "Prefix", "s1"),
    ]);
    assert_eq!(
        case_codes(&[
            CASE_CLASS.to_string(),
            case_ingress("ing", ann, "/", "Prefix", "s1")
        ]),
        ["LBP7307"]
    );
    assert_eq!(count(&run, Kind::ForwardingRule), 0);
}

/// Case 31: Prefix `/` → `/*`; Prefix `/foo/` → `/foo`, `/foo/*`; wildcards in Exact and
/// Prefix refused.
#[test]
fn case_31_paths() {
    let one = |path: &str, ty: &str| {
        let run = case(&[
            CASE_CLASS.to_string(),
            case_ingress("ing", "", path, ty, "s1"),
        ]);
        let rule = changes(&run)
            .iter()
            .find(|c| c.kind == Kind::ForwardingRule)
            .map(|c| values_of(c, "Path"));
        (codes(&run), rule)
    };
    assert_eq!(one("/", "Prefix").1, Some(vec!["/*".to_string()]));
    assert_eq!(
        one("/foo/", "Prefix").1,
        Some(vec!["/foo".to_string(), "/foo/*".to_string()])
    );
    assert_eq!(one("/a", "Exact").1, Some(vec!["/a".to_string()]));
    for ty in ["Exact", "Prefix"] {
        let (codes, rule) = one("/a*", ty);
        assert!(codes.contains(&"LBP7313"), "{ty}");
        assert_eq!(rule, None);
    }
    let (codes, rule) = one("/a*", "ImplementationSpecific");
    assert!(!codes.contains(&"LBP7313"));
    assert_eq!(rule, Some(vec!["/a*".to_string()]));
}

/// Case 32: explicit duplicate orders conflict; order 0 is out of range; orders 5, (none
/// = 10), 1 give priorities 1: order 1, 2: order 5, 3: default.
#[test]
fn case_32_orders() {
    let order = |o: &str| format!("    alb.ingress.kubernetes.io/order: \"{o}\"\n");
    let dup = case_codes(&[
        CASE_CLASS.to_string(),
        case_ingress("ing1", &order("5"), "/a", "Prefix", "s1"),
        case_ingress("ing2", &order("5"), "/b", "Prefix", "s1"),
    ]);
    assert_eq!(dup, ["LBP7314"]);
    let zero = case_codes(&[
        CASE_CLASS.to_string(),
        case_ingress("ing1", &order("0"), "/a", "Prefix", "s1"),
    ]);
    assert_eq!(zero, ["LBP1201"]);
    let run = case(&[
        CASE_CLASS.to_string(),
        case_ingress("five", &order("5"), "/a", "Prefix", "s1"),
        case_ingress("default", "", "/b", "Prefix", "s1"),
        case_ingress("one", &order("1"), "/c", "Prefix", "s1"),
    ]);
    let priority = |ing: &str| {
        change(&run, &format!("alb_rule.alb-demo/http-80/default/{ing}/"))
            .name
            .clone()
    };
    assert_eq!(priority("one").as_deref(), Some("rule-80-1"));
    assert_eq!(priority("five").as_deref(), Some("rule-80-2"));
    assert_eq!(priority("default").as_deref(), Some("rule-80-3"));
}

/// Case 33: a canary-weight Ingress joins the base rule: Forward [s1 w80, s2 w20];
/// canary-weight 100 leaves only s2.
#[test]
fn case_33_weighted_canary() {
    let canary = |w: &str| {
        format!(
            "    alb.ingress.kubernetes.io/canary: \"true\"\n    alb.ingress.kubernetes.io/canary-weight: \"{w}\"\n"
        )
    };
    let run = case(&[
        CASE_CLASS.to_string(),
        case_ingress("base", "", "/p", "Prefix", "s1"),
        case_ingress("canary", &canary("20"), "/p", "Prefix", "s2"),
    ]);
    assert_eq!(count(&run, Kind::ForwardingRule), 1);
    let rule = change(&run, "alb_rule.");
    let got: Vec<i64> = weights(rule).iter().map(|w| w.1).collect();
    assert_eq!(got, [80, 20]);
    assert!(rule.notes[0].contains("default/s2"), "{:?}", rule.notes);
    let run = case(&[
        CASE_CLASS.to_string(),
        case_ingress("base", "", "/p", "Prefix", "s1"),
        case_ingress("canary", &canary("100"), "/p", "Prefix", "s2"),
    ]);
    let rule = change(&run, "alb_rule.");
    assert_eq!(weights(rule).len(), 1);
    assert!(
        rule.depends_on
            .iter()
            .any(|d| d.starts_with("alb_server_group.default/canary/s2-80/"))
    );
}

/// Case 34: a canary with custom conditions is refused.
#[test]
fn case_34_canary_with_conditions() {
    let ann = "    alb.ingress.kubernetes.io/canary: \"true\"\n    alb.ingress.kubernetes.io/conditions.s2: '[{\"type\": \"Header\", \"headerConfig\": {\"key\": \"k\", \"values\": [\"v\"]}}]'\n";
    let got = case_codes(&[
        CASE_CLASS.to_string(),
        case_ingress("canary", ann, "/p", "Prefix", "s2"),
    ]);
    assert_eq!(got, ["LBP2203"]);
}

/// Case 35: ssl-redirect with HTTP:80 and HTTPS:443: Redirect (HTTPS, 443, 308) on 80,
/// Forward on 443.
#[test]
fn case_35_ssl_redirect() {
    let ann = "    alb.ingress.kubernetes.io/ssl-redirect: \"true\"\n    alb.ingress.kubernetes.io/listen-ports: '[{\"HTTP\": 80}, {\"HTTPS\": 443}]'\n";
    let run = case(&[
        CASE_CLASS.to_string(),
        case_ingress("ing", ann, "/", "Prefix", "s1"),
    ]);
    let on80 = change(&run, "alb_rule.alb-demo/http-80/");
    let text = format!("{:?}", on80.after);
    assert!(text.contains("Redirect") && text.contains("308") && text.contains("HTTPS"));
    let on443 = change(&run, "alb_rule.alb-demo/https-443/");
    assert_eq!(weights(on443).len(), 1);
}

/// Case 36: unknown condition type; two final actions.
#[test]
fn case_36_conditions_and_actions_grammar() {
    let cond = "    alb.ingress.kubernetes.io/conditions.s1: '[{\"type\": \"Foo\"}]'\n";
    let run = case(&[
        CASE_CLASS.to_string(),
        case_ingress("ing", cond, "/", "Prefix", "s1"),
    ]);
    let d = run
        .diagnostics
        .iter()
        .find(|d| d.code == "LBP1201")
        .expect("error");
    assert!(
        d.message.contains("unknown condition type"),
        "{}",
        d.message
    );
    let act = "    alb.ingress.kubernetes.io/actions.s1: '[{\"type\": \"ForwardGroup\", \"forwardConfig\": {\"serverGroups\": [{\"serviceName\": \"s1\", \"servicePort\": 80}]}}, {\"type\": \"FixedResponse\", \"FixedResponseConfig\": {\"content\": \"x\", \"httpCode\": \"503\"}}]'\n";
    let run = case(&[
        CASE_CLASS.to_string(),
        case_ingress("ing", act, "/", "Prefix", "s1"),
    ]);
    assert!(
        run.diagnostics
            .iter()
            .any(|d| d.code == "LBP1201" && d.message.contains("multi finalType action find")),
        "{:?}",
        run.diagnostics
            .iter()
            .map(|d| &d.message)
            .collect::<Vec<_>>()
    );
}

/// Case 37: traffic-limit-qps with a TrafficLimit action; per-IP limit not below qps.
#[test]
fn case_37_traffic_limits() {
    let both = "    alb.ingress.kubernetes.io/traffic-limit-qps: \"10\"\n    alb.ingress.kubernetes.io/actions.s1: '[{\"type\": \"TrafficLimit\", \"TrafficLimitConfig\": {\"QPS\": \"5\"}}]'\n";
    assert!(
        case_codes(&[
            CASE_CLASS.to_string(),
            case_ingress("ing", both, "/", "Prefix", "s1"),
        ])
        .contains(&"LBP7318")
    );
    let per_ip = "    alb.ingress.kubernetes.io/traffic-limit-qps: \"10\"\n    alb.ingress.kubernetes.io/traffic-limit-ip-qps: \"10\"\n";
    let run = case(&[
        CASE_CLASS.to_string(),
        case_ingress("ing", per_ip, "/", "Prefix", "s1"),
    ]);
    let d = run
        .diagnostics
        .iter()
        .find(|d| d.code == "LBP7317")
        .expect("error");
    assert_eq!(
        d.message,
        "traffic limit action qps per ip(10)must less than qps(10)"
    );
}

/// Case 38: `backend-scheduler: rr` is unknown; `backend-protocol: grpc` needs TLS.
#[test]
fn case_38_backend_scheduler_and_grpc() {
    let rr = "    alb.ingress.kubernetes.io/backend-scheduler: \"rr\"\n";
    assert_eq!(
        case_codes(&[
            CASE_CLASS.to_string(),
            case_ingress("ing", rr, "/", "Prefix", "s1"),
        ]),
        ["LBP1201"]
    );
    let grpc = "    alb.ingress.kubernetes.io/backend-protocol: grpc\n";
    assert_eq!(
        case_codes(&[
            CASE_CLASS.to_string(),
            case_ingress("ing", grpc, "/", "Prefix", "s1"),
        ]),
        ["LBP7319"]
    );
    let wlc = "    alb.ingress.kubernetes.io/backend-scheduler: wlc\n";
    let run = case(&[
        CASE_CLASS.to_string(),
        case_ingress("ing", wlc, "/", "Prefix", "s1"),
    ]);
    let sg = change(&run, "alb_server_group.");
    assert_eq!(
        sg.after.as_ref().and_then(|a| a.get("scheduler")),
        Some(&Value::from("Wlc"))
    );
}

/// reference §4.5 "Actions": `actions.<svc>` with a FixedResponse replaces the forward
/// (port `use-annotation`: no server group); header actions come before it, and the
/// `traffic-limit-qps` annotation first.
#[test]
fn custom_actions_replace_the_forward() {
    let ann = "    alb.ingress.kubernetes.io/traffic-limit-qps: \"100\"\n    alb.ingress.kubernetes.io/actions.s1: '[{\"type\": \"InsertHeader\", \"InsertHeaderConfig\": {\"key\": \"k\", \"value\": \"v\", \"valueType\": \"UserDefined\"}}, {\"type\": \"FixedResponse\", \"FixedResponseConfig\": {\"content\": \"maintenance\", \"contentType\": \"text/plain\", \"httpCode\": \"503\"}}]'\n";
    let ing = case_ingress("ing", ann, "/", "Prefix", "s1")
        .replace("port: {number: 80}", "port: {name: use-annotation}");
    let run = case(&[CASE_CLASS.to_string(), ing]);
    assert!(!run.diagnostics.has_errors(), "{:?}", codes(&run));
    // Only the two listeners' default-action placeholders: the rule forwards nowhere.
    assert_eq!(count(&run, Kind::ServerGroup), 2);
    let rule = change(&run, "alb_rule.");
    let Some(Value::List(actions)) = rule.after.as_ref().and_then(|a| a.get("rule_actions")) else {
        panic!("actions")
    };
    let types: Vec<String> = actions
        .iter()
        .map(|a| match a {
            Value::Map(m) => match m.get("type") {
                Some(Value::String(t)) => t.to_string(),
                _ => String::new(),
            },
            _ => String::new(),
        })
        .collect();
    assert_eq!(types, ["TrafficLimit", "InsertHeader", "FixedResponse"]);
}

/// A ForwardGroup in `actions.<svc>` splits between its Services by their weights.
#[test]
fn forward_group_action_weights_services() {
    let ann = "    alb.ingress.kubernetes.io/actions.s1: '[{\"type\": \"ForwardGroup\", \"ForwardConfig\": {\"ServerGroups\": [{\"ServiceName\": \"s1\", \"ServicePort\": 80, \"Weight\": 30}, {\"ServiceName\": \"s2\", \"ServicePort\": 80, \"Weight\": 70}]}}]'\n";
    let ing = case_ingress("ing", ann, "/", "Prefix", "s1")
        .replace("port: {number: 80}", "port: {name: use-annotation}");
    let run = case(&[CASE_CLASS.to_string(), ing]);
    assert!(!run.diagnostics.has_errors(), "{:?}", codes(&run));
    let got: Vec<i64> = weights(change(&run, "alb_rule."))
        .iter()
        .map(|w| w.1)
        .collect();
    assert_eq!(got, [30, 70]);
    // Two services, and the two listeners' default-action placeholders.
    assert_eq!(count(&run, Kind::ServerGroup), 4);
}

/// The profile names the member folders: they are read even when only the Fleet's files
/// are given, and a folder given twice (fleet folder plus member folder) is read once.
#[test]
fn member_folders_are_read_once_even_when_not_given() {
    root();
    let ex = "examples/ackone-default";
    let files: Vec<String> = ["profile.yaml", "gateway.yaml", "ingress.yaml"]
        .iter()
        .map(|f| format!("{ex}/{f}"))
        .collect();
    let run = compile::plan(&files, &LoadOptions::default(), None);
    assert!(!run.diagnostics.has_errors(), "{:?}", codes(&run));
    assert_eq!(
        weights(change(&run, "alb_rule.")),
        [(C1.to_string(), 75), (C2.to_string(), 25)]
    );
    let twice = [ex.to_string(), format!("{ex}/clusters/{C1}")];
    let run = compile::plan(&twice, &LoadOptions::default(), None);
    assert!(!run.diagnostics.has_errors(), "{:?}", codes(&run));
    assert_eq!(
        weights(change(&run, "alb_rule.")),
        [(C1.to_string(), 75), (C2.to_string(), 25)]
    );
}

#[test]
fn missing_member_folder_warns() {
    let dir = tree(
        "missing-member",
        &[
            ("profile.yaml", profile()),
            ("gateway.yaml", default_gateway()),
            ("ingress.yaml", ingress("")),
            (&format!("clusters/{C1}/app.yaml"), member(1, Some(1))),
        ],
    );
    let run = plan_dir(&dir, None);
    assert!(codes(&run).contains(&"LBP7320"), "{:?}", codes(&run));
    assert_eq!(
        weights(change(&run, "alb_rule.")),
        [(C1.to_string(), 100), (C2.to_string(), 0)]
    );
}

/// reference §4.5 "Server groups": health check only with `healthcheck-enabled: "true"`,
/// with the controller's defaults; sticky sessions Insert with cookie timeout 1000.
#[test]
fn server_group_health_check_and_stickiness() {
    let ann = "    alb.ingress.kubernetes.io/healthcheck-enabled: \"true\"\n    alb.ingress.kubernetes.io/healthcheck-path: /healthz\n    alb.ingress.kubernetes.io/sticky-session: \"true\"\n";
    let run = case(&[
        CASE_CLASS.to_string(),
        case_ingress("ing", ann, "/", "Prefix", "s1"),
    ]);
    let sg = change(&run, "alb_server_group.");
    let after = sg.after.as_ref().expect("after");
    let Some(Value::Map(hc)) = after.get("health_check_config") else {
        panic!("health check")
    };
    assert_eq!(hc.get("health_check_enabled"), Some(&Value::Bool(true)));
    assert_eq!(hc.get("health_check_path"), Some(&Value::from("/healthz")));
    assert_eq!(hc.get("health_check_method"), Some(&Value::from("HEAD")));
    assert_eq!(hc.get("health_check_interval"), Some(&Value::Int(2)));
    let Some(Value::Map(sticky)) = after.get("sticky_session_config") else {
        panic!("sticky")
    };
    assert_eq!(
        sticky.get("sticky_session_type"),
        Some(&Value::from("Insert"))
    );
    assert_eq!(sticky.get("cookie_timeout"), Some(&Value::Int(1000)));
}

/// seed 004, Troubleshooting: in a live snapshot, a remote cluster missing from
/// `status.loadBalancer.subClusters` is not connected.
#[test]
fn live_gateway_lists_connected_clusters() {
    let status = format!(
        "status:\n  loadBalancer:\n    id: alb-123\n    dnsname: alb-123.cn-hangzhou.alb.aliyuncs.com\n    subClusters: [{C1}]\n---\n"
    );
    let gw = default_gateway().replacen("---\n", &status, 1);
    let dir = fleet("status", gw, "", member(1, Some(1)), member(1, Some(1)));
    let run = plan_dir(&dir, None);
    let warned: Vec<_> = run
        .diagnostics
        .iter()
        .filter(|d| d.code == "LBP7321")
        .collect();
    assert_eq!(warned.len(), 1, "{:?}", codes(&run));
    assert!(warned[0].message.contains(C2));
}
