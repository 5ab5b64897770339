//! Scenario tests of the Alibaba CCM provider (CLB and NLB): seed `002_619c1553bc9940d8.txt`
//! and the worked cases of reference/alibaba.md §8 (cases 1–26), through the public
//! `compile` entry points and the plan engine.

use lbplan::compile::{PlanRun, graph_text, validate_text};
use lbplan::model::{DeletePolicy, Model, Owner, Value};
use lbplan::plan::{Action, Change, NoCauses, diff};

const CID: &str = "c1";
const PROFILE: &str = "apiVersion: lbplan/v1\nkind: ClusterProfile\nmetadata: {name: p}\nspec:\n  cloud: alibaba\n  clusterKind: ack\n  clusterId: c1\n  network: {plugin: flannel, expressConnect: false}\n";

/// Reference §8 notation: Ready workers n1, n2 (`cn-hz.i-n1`, `cn-hz.i-n2`) and master m1.
fn node(name: &str, extra_labels: &str, ready: bool) -> String {
    format!(
        "---\napiVersion: v1\nkind: Node\nmetadata:\n  name: {name}\n  labels:\n    kubernetes.io/hostname: {name}\n{extra_labels}spec:\n  providerID: cn-hz.i-{name}\nstatus:\n  addresses:\n  - {{type: InternalIP, address: 10.1.0.1}}\n  conditions:\n  - {{type: Ready, status: \"{}\"}}\n",
        if ready { "True" } else { "False" }
    )
}

fn nodes() -> String {
    node("n1", "", true)
        + &node("n2", "", true)
        + &node("m1", "    node-role.kubernetes.io/master: \"\"\n", true)
}

fn pod(name: &str, node: &str, ip: &str) -> String {
    format!(
        "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  labels: {{app: web}}\nspec:\n  nodeName: {node}\n  containers:\n  - name: web\n    image: nginx\n    ports:\n    - {{name: tcp, containerPort: 8080}}\nstatus:\n  podIP: {ip}\n  conditions:\n  - {{type: Ready, status: \"True\"}}\n"
    )
}

/// Service `web` in `default`, UID `8ef9b2a1-…`, port 80/TCP nodePort 30080.
fn web(annotations: &str, spec_extra: &str) -> String {
    format!(
        "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  uid: 8ef9b2a1-0000-4000-8000-00000000abcd\n  annotations:\n    lbplan.test/none: \"\"\n{annotations}spec:\n  type: LoadBalancer\n{spec_extra}  selector: {{app: web}}\n  ports:\n  - {{name: tcp, port: 80, protocol: TCP, nodePort: 30080, targetPort: 8080}}\n"
    )
}

fn ann(suffix: &str, value: &str) -> String {
    format!("    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-{suffix}: \"{value}\"\n")
}

fn run(text: &str) -> PlanRun {
    graph_text("test.yaml", text)
}

fn codes(r: &PlanRun) -> Vec<&'static str> {
    r.diagnostics.iter().map(|d| d.code).collect()
}

fn validate_codes(text: &str) -> Vec<&'static str> {
    validate_text("test.yaml", text)
        .diagnostics
        .iter()
        .map(|d| d.code)
        .collect()
}

fn change<'a>(r: &'a PlanRun, address: &str) -> &'a Change {
    r.plan
        .as_ref()
        .expect("a plan")
        .changes
        .iter()
        .find(|c| c.address == address)
        .unwrap_or_else(|| panic!("no change for {address}"))
}

fn attr<'a>(c: &'a Change, key: &str) -> &'a Value {
    c.after
        .as_ref()
        .and_then(|a| a.get(key))
        .unwrap_or_else(|| panic!("{}: no attribute {key}", c.address))
}

/// (server_id, port, weight) of a backend change.
fn servers(c: &Change) -> Vec<(String, Value, i64)> {
    let Value::List(list) = attr(c, "servers") else {
        panic!("servers are unknown: {:?}", attr(c, "servers"));
    };
    list.iter()
        .map(|s| {
            let Value::Map(m) = s else {
                panic!("server is a map")
            };
            let id = match m.get("server_id") {
                Some(Value::String(s)) => s.to_string(),
                _ => "?".into(),
            };
            let ip = match m.get("server_ip") {
                Some(Value::String(s)) => s.to_string(),
                _ => "?".into(),
            };
            let w = match m.get("weight") {
                Some(Value::Int(n)) => *n,
                other => panic!("weight {other:?}"),
            };
            let key = if id == "?" { ip } else { id };
            (key, m.get("port").cloned().unwrap_or(Value::Unknown), w)
        })
        .collect()
}

fn s(v: &str) -> Value {
    Value::from(v)
}

/// Reference §8 case 1 (seed 002, "Expose on-cloud pods with CLB"): one CLB named `a` +
/// UID without dashes (32 characters), vgroup `k8s/30080/web/default/cid` holding n1 and n2
/// with weight 100 (the master m1 excluded), listener tcp:80 `k8s/80/web/default/cid`,
/// scheduler rr, bandwidth -1.
#[test]
fn case_01_cluster_clb_names_and_backends() {
    let r = run(&format!("{PROFILE}{}{}", nodes(), web("", "")));
    assert!(!codes(&r).contains(&"LBP5006"), "{:?}", codes(&r));
    let lb = change(&r, "clb.default/web");
    assert_eq!(lb.name.as_deref(), Some("a8ef9b2a100004000800000000000abc"));
    assert_eq!(lb.name.as_deref().map(str::len), Some(32));
    assert_eq!(attr(lb, "address_type"), &s("internet"));
    assert_eq!(attr(lb, "instance_charge_type"), &s("PayByCLCU"));
    assert_eq!(attr(lb, "delete_protection"), &s("on"));
    assert_eq!(
        attr(lb, "modification_protection_status"),
        &s("ConsoleProtection")
    );
    let sg = change(&r, "server_group.default/web/tcp-80");
    assert_eq!(
        sg.name.as_deref(),
        Some(format!("k8s/30080/web/default/{CID}").as_str())
    );
    let b = change(&r, "backend.default/web/tcp-80");
    assert_eq!(
        servers(b),
        [
            ("i-n1".to_string(), Value::Int(30080), 100),
            ("i-n2".to_string(), Value::Int(30080), 100)
        ]
    );
    let l = change(&r, "listener.default/web/tcp-80");
    assert_eq!(
        attr(l, "description"),
        &s(&format!("k8s/80/web/default/{CID}"))
    );
    assert_eq!(attr(l, "protocol"), &s("tcp"));
    assert_eq!(attr(l, "scheduler"), &s("rr"));
    assert_eq!(attr(l, "bandwidth"), &Value::Int(-1));
    // Seed 002 table, quoted in the plan's reasons.
    assert!(b.reasons[0].contains("externalTrafficPolicy Cluster: every eligible node"));
}

/// Reference §8 case 2 (seed 002 table, "Local"): weight = pods on the node; default-weight
/// ignored (LBP7112); Local without wrr gets the seed's pod-level balancing advice (LBP7107).
#[test]
fn case_02_local_weights_by_pod_count() {
    let pods =
        pod("p1", "n1", "10.0.0.5") + &pod("p2", "n1", "10.0.0.6") + &pod("p3", "n2", "10.0.0.7");
    let text = format!(
        "{PROFILE}{}{pods}{}",
        nodes(),
        web(
            &ann("default-weight", "50"),
            "  externalTrafficPolicy: Local\n"
        )
    );
    let r = run(&text);
    let b = change(&r, "backend.default/web/tcp-80");
    assert_eq!(
        servers(b),
        [
            ("i-n1".to_string(), Value::Int(30080), 2),
            ("i-n2".to_string(), Value::Int(30080), 1)
        ]
    );
    let c = codes(&r);
    assert!(c.contains(&"LBP7112") && c.contains(&"LBP7107"), "{c:?}");
    let with_wrr = web(
        &(ann("scheduler", "wrr")),
        "  externalTrafficPolicy: Local\n",
    );
    assert!(!validate_codes(&format!("{PROFILE}{}{pods}{with_wrr}", nodes())).contains(&"LBP7107"));
}

/// Reference §8 case 3: default-weight outside 0–100 is an error (catalogue range).
#[test]
fn case_03_default_weight_range() {
    for v in ["150", "-1", "abc"] {
        let c = validate_text(
            "t.yaml",
            &format!("{PROFILE}{}", web(&ann("default-weight", v), "")),
        );
        assert!(c.diagnostics.has_errors(), "{v} must be refused");
    }
}

/// Reference §8 case 4: `weight` without `id` and `vgroup-port` is ignored — said so.
#[test]
fn case_04_weight_without_reuse_is_reported() {
    let c = validate_codes(&format!(
        "{PROFILE}{}{}",
        nodes(),
        web(&ann("weight", "60"), "")
    ));
    assert!(c.contains(&"LBP7111"), "{c:?}");
}

/// Reference §8 case 5: ENI backends are the pods on the target port, the vgroup is named
/// after the target port (its name when named), weight default-weight.
#[test]
fn case_05_eni_backends() {
    let pods = pod("p1", "n1", "10.0.0.5") + &pod("p2", "n2", "10.0.0.6");
    let eni = "    service.beta.kubernetes.io/backend-type: \"eni\"\n";
    let r = run(&format!("{PROFILE}{}{pods}{}", nodes(), web(eni, "")));
    let sg = change(&r, "server_group.default/web/tcp-80");
    assert_eq!(
        sg.name.as_deref(),
        Some(format!("k8s/8080/web/default/{CID}").as_str())
    );
    assert_eq!(
        servers(change(&r, "backend.default/web/tcp-80")),
        [
            ("10.0.0.5".to_string(), Value::Int(8080), 100),
            ("10.0.0.6".to_string(), Value::Int(8080), 100)
        ]
    );
    let named = web(eni, "").replace("targetPort: 8080", "targetPort: tcp");
    let r = run(&format!("{PROFILE}{}{pods}{named}", nodes()));
    let sg = change(&r, "server_group.default/web/tcp-80");
    assert_eq!(
        sg.name.as_deref(),
        Some(format!("k8s/tcp/web/default/{CID}").as_str())
    );
}

/// Reference §8 case 6: `protocol-port` sets the listener protocol; entries for ports the
/// Service lacks are ignored.
#[test]
fn case_06_protocol_port() {
    let a = ann("protocol-port", "https:80,http:444") + &ann("cert-id", "c1");
    let r = run(&format!("{PROFILE}{}{}", nodes(), web(&a, "")));
    let l = change(&r, "listener.default/web/tcp-80");
    assert_eq!(attr(l, "protocol"), &s("https"));
    assert_eq!(attr(l, "server_certificate_id"), &s("c1"));
    assert_eq!(attr(l, "health_check"), &s("off"));
}

/// Reference §8 case 11: excluded, hybrid, to-be-deleted and NotReady nodes are dropped;
/// unschedulable nodes stay unless `remove-unscheduled-backend: on`.
#[test]
fn case_11_excluded_nodes() {
    let mut text = format!("{PROFILE}{}", nodes());
    text += &node(
        "x1",
        "    service.alibabacloud.com/exclude-node: \"true\"\n",
        true,
    );
    text += &node(
        "x2",
        "    node.kubernetes.io/exclude-from-external-load-balancers: \"\"\n",
        true,
    );
    text += &node("x3", "", false);
    text += &node("h1", "", true).replace("cn-hz.i-h1", "ack-hybrid://i-h1");
    text += &node("u1", "", true).replace("spec:\n", "spec:\n  unschedulable: true\n");
    // Virtual-kubelet (ECI) nodes are no ECS backends (their pods would be ENI backends).
    text += &node("vk1", "    type: virtual-kubelet\n", true).replace("cn-hz.i-vk1", "vk://eci");
    let r = run(&(text.clone() + &web("", "")));
    let ids: Vec<String> = servers(change(&r, "backend.default/web/tcp-80"))
        .into_iter()
        .map(|s| s.0)
        .collect();
    assert_eq!(ids, ["i-n1", "i-n2", "i-u1"]);
    let r = run(&(text + &web(&ann("remove-unscheduled-backend", "on"), "")));
    let ids: Vec<String> = servers(change(&r, "backend.default/web/tcp-80"))
        .into_iter()
        .map(|s| s.0)
        .collect();
    assert_eq!(ids, ["i-n1", "i-n2"]);
}

/// Reference §8 case 12: a providerID without region fails the CCM ("parse providerid").
#[test]
fn case_12_bad_provider_id() {
    let text = format!(
        "{PROFILE}{}{}",
        node("n1", "", true).replace("cn-hz.i-n1", "i-n1"),
        web("", "")
    );
    let c = validate_text("t.yaml", &text);
    let d = c
        .diagnostics
        .iter()
        .find(|d| d.code == "LBP7110")
        .expect("LBP7110");
    assert!(d.message.contains("parse providerid"));
}

/// Reference §8 case 14 (§2.6): a reused CLB is the user's: not created, tagged
/// `kubernetes.reused.by.user`, listeners untouched (LBP7108), vgroups created and filled.
#[test]
fn case_14_reuse_without_override() {
    let r = run(&format!(
        "{PROFILE}{}{}",
        nodes(),
        web(&ann("id", "lb-user"), "")
    ));
    let lb = change(&r, "clb.default/web");
    assert_eq!(lb.owner, Owner::User);
    assert_eq!(attr(lb, "id"), &s("lb-user"));
    assert!(matches!(lb.delete_policy, DeletePolicy::Retain { .. }));
    let plan = r.plan.as_ref().expect("plan");
    assert!(
        !plan
            .changes
            .iter()
            .any(|c| c.address.starts_with("listener."))
    );
    let sg = change(&r, "server_group.default/web/tcp-80");
    assert_eq!(attr(sg, "load_balancer_id"), &s("lb-user"));
    assert_eq!(servers(change(&r, "backend.default/web/tcp-80")).len(), 2);
    assert!(codes(&r).contains(&"LBP7108"));
    // With the override the listeners are managed.
    let a = ann("id", "lb-user") + &ann("force-override-listeners", "true");
    let r = run(&format!("{PROFILE}{}{}", nodes(), web(&a, "")));
    assert_eq!(
        attr(
            change(&r, "listener.default/web/tcp-80"),
            "load_balancer_id"
        ),
        &s("lb-user")
    );
    assert!(!codes(&r).contains(&"LBP7108"));
}

fn model(text: &str) -> Model {
    run(text).model
}

/// Reference §8 case 17: address-type (and ip-version, zones…) cannot change once created:
/// the change is reported as not applied, never a rebuild.
#[test]
fn case_17_immutable_attributes_are_not_applied() {
    let before = model(&format!("{PROFILE}{}{}", nodes(), web("", "")));
    for (suffix, value) in [
        ("address-type", "intranet"),
        ("ip-version", "ipv6"),
        ("master-zoneid", "cn-hz-b"),
    ] {
        let after = model(&format!(
            "{PROFILE}{}{}",
            nodes(),
            web(&ann(suffix, value), "")
        ));
        let plan = diff(&before, &after, &NoCauses).expect("plan");
        let lb = plan
            .changes
            .iter()
            .find(|c| c.address == "clb.default/web")
            .expect("clb");
        assert_ne!(lb.action, Action::Replace, "{suffix}");
        assert_ne!(lb.action, Action::Delete, "{suffix}");
        if suffix != "master-zoneid" {
            assert!(!lb.not_applied.is_empty(), "{suffix}: {lb:?}");
            assert!(
                plan.warnings.iter().any(|w| w.code == "LBP5001"),
                "{suffix}"
            );
        }
    }
}

fn deletion(text: &str) -> Vec<(String, Action)> {
    let before = model(text);
    let plan = diff(&before, &Model::new(), &NoCauses).expect("plan");
    plan.changes
        .iter()
        .map(|c| (c.address.clone(), c.action))
        .collect()
}

fn action(changes: &[(String, Action)], address: &str) -> Action {
    changes
        .iter()
        .find(|c| c.0 == address)
        .map(|c| c.1)
        .unwrap_or_else(|| panic!("{address}"))
}

/// Reference §8 case 19 (§2.8): deleting the Service deletes a CCM-created CLB with its
/// listeners and vgroups; with `preserve-lb-on-delete` the CLB is retained, its CCM
/// listeners and vgroups still deleted.
#[test]
fn case_19_deletion_and_preserve() {
    let plain = deletion(&format!("{PROFILE}{}{}", nodes(), web("", "")));
    assert_eq!(action(&plain, "clb.default/web"), Action::Delete);
    assert_eq!(
        action(&plain, "listener.default/web/tcp-80"),
        Action::Delete
    );
    let kept = deletion(&format!(
        "{PROFILE}{}{}",
        nodes(),
        web(&ann("preserve-lb-on-delete", "true"), "")
    ));
    assert_eq!(action(&kept, "clb.default/web"), Action::Retain);
    assert_eq!(action(&kept, "listener.default/web/tcp-80"), Action::Delete);
    assert_eq!(
        action(&kept, "server_group.default/web/tcp-80"),
        Action::Delete
    );
}

/// Reference §8 case 20: a reused LB is kept; its CCM vgroups are deleted; with override
/// the CCM listeners of this Service are deleted too.
#[test]
fn case_20_deleting_a_reused_lb() {
    let a = ann("id", "lb-user") + &ann("force-override-listeners", "true");
    let changes = deletion(&format!("{PROFILE}{}{}", nodes(), web(&a, "")));
    assert_eq!(action(&changes, "clb.default/web"), Action::Retain);
    assert_eq!(
        action(&changes, "server_group.default/web/tcp-80"),
        Action::Delete
    );
    assert_eq!(
        action(&changes, "listener.default/web/tcp-80"),
        Action::Delete
    );
}

/// Reference §8 case 21: any loadBalancerClass other than NLB means the CCM builds nothing.
#[test]
fn case_21_foreign_class_builds_nothing() {
    let r = run(&format!(
        "{PROFILE}{}{}",
        nodes(),
        web("", "  loadBalancerClass: example.com/other\n")
    ));
    assert!(r.model.is_empty());
}

fn nlb(annotations: &str) -> String {
    web(annotations, "  loadBalancerClass: alibabacloud.com/nlb\n")
}

/// Reference §8 case 22: an NLB needs zone mappings unless reused (LBP7105); nothing built.
#[test]
fn case_22_nlb_zone_maps_required() {
    let r = run(&format!("{PROFILE}{}{}", nodes(), nlb("")));
    assert!(codes(&r).contains(&"LBP7105"));
    assert!(r.model.is_empty());
    let bad = validate_text(
        "t.yaml",
        &format!("{PROFILE}{}", nlb(&ann("zone-maps", "cn-hz-a"))),
    );
    assert!(bad.diagnostics.has_errors());
}

/// Reference §8 case 23 / §3: NLB server group `k8s.30080.TCP.web.default.cid`, listener
/// TCP:80 described `k8s.80.TCP.web.default.cid`, deletion protection on.
#[test]
fn case_23_nlb_names() {
    let r = run(&format!(
        "{PROFILE}{}{}",
        nodes(),
        nlb(&ann("zone-maps", "cn-hz-a:vsw-1,cn-hz-b:vsw-2"))
    ));
    let lb = change(&r, "nlb.default/web");
    assert_eq!(attr(lb, "deletion_protection_enabled"), &Value::Bool(true));
    let Value::List(zones) = attr(lb, "zone_mappings") else {
        panic!("zones")
    };
    assert_eq!(zones.len(), 2);
    let sg = change(&r, "server_group.default/web/tcp-80");
    assert_eq!(
        sg.name.as_deref(),
        Some(format!("k8s.30080.TCP.web.default.{CID}").as_str())
    );
    let l = change(&r, "listener.default/web/tcp-80");
    assert_eq!(attr(l, "listener_protocol"), &s("TCP"));
    assert_eq!(
        attr(l, "listener_description"),
        &s(&format!("k8s.80.TCP.web.default.{CID}"))
    );
}

/// Reference §8 case 24: NLB protocols are TCP|UDP|TCPSSL.
#[test]
fn case_24_nlb_protocol_port() {
    let text = format!(
        "{PROFILE}{}",
        nlb(&(ann("zone-maps", "a:vsw-1") + &ann("protocol-port", "http:80")))
    );
    assert!(validate_text("t.yaml", &text).diagnostics.has_errors());
}

/// Reference §8 case 25: cross-zone-enabled is on|off.
#[test]
fn case_25_cross_zone_flag() {
    let text = format!(
        "{PROFILE}{}",
        nlb(&(ann("zone-maps", "a:vsw-1") + &ann("cross-zone-enabled", "yes")))
    );
    assert!(validate_text("t.yaml", &text).diagnostics.has_errors());
}

/// Without `metadata.uid` the CLB name is the API server's business: known after apply,
/// and the plan says why.
#[test]
fn name_without_uid_is_known_after_apply() {
    let text = format!("{PROFILE}{}{}", nodes(), web("", ""))
        .replace("  uid: 8ef9b2a1-0000-4000-8000-00000000abcd\n", "");
    let r = run(&text);
    let lb = change(&r, "clb.default/web");
    assert_eq!(lb.name, None);
    assert_eq!(attr(lb, "load_balancer_name"), &Value::Unknown);
    assert!(lb.reasons[0].contains("metadata.uid"), "{:?}", lb.reasons);
}

// --- Seed 002 scenarios -------------------------------------------------------------------

const EDGE_PROFILE: &str = "apiVersion: lbplan/v1\nkind: ClusterProfile\nmetadata: {name: p}\nspec:\n  cloud: alibaba\n  clusterKind: ack-edge\n  clusterId: c1\n  network: {plugin: flannel, expressConnect: true}\n";

fn edge_cluster() -> String {
    let pools = "---\napiVersion: apps.openyurt.io/v1beta2\nkind: NodePool\nmetadata: {name: np-cloud}\nspec: {type: Cloud}\n---\napiVersion: apps.openyurt.io/v1beta2\nkind: NodePool\nmetadata: {name: np-ens}\nspec: {type: Edge}\n";
    let cloud = node("n1", "    apps.openyurt.io/nodepool: np-cloud\n", true);
    let ens = node("e1", "    apps.openyurt.io/nodepool: np-ens\n", true);
    let deploy = "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      nodeSelector: {apps.openyurt.io/nodepool: np-ens}\n      containers: [{name: web, image: nginx}]\n";
    format!("{pools}{cloud}{ens}{deploy}")
}

/// Seed 002, "Expose edge pods via ECS forwarding": with Cluster and Express Connect, the
/// on-cloud ECS node is the backend and the ENS node is not.
#[test]
fn seed_002_ens_forwarding_cluster() {
    let r = run(&format!(
        "{EDGE_PROFILE}{}{}",
        edge_cluster(),
        web("", "  externalTrafficPolicy: Cluster\n")
    ));
    assert!(!r.diagnostics.has_errors(), "{:?}", codes(&r));
    let ids: Vec<String> = servers(change(&r, "backend.default/web/tcp-80"))
        .into_iter()
        .map(|s| s.0)
        .collect();
    assert_eq!(ids, ["i-n1"]);
}

/// Seed 002 prerequisites: `Local` is an error quoting the seed ("the ECS forwarding path
/// does not work with Local policy"), pointing at the policy.
#[test]
fn seed_002_ens_forwarding_local_is_an_error() {
    let text = format!(
        "{EDGE_PROFILE}{}{}",
        edge_cluster(),
        web("", "  externalTrafficPolicy: Local\n")
    );
    let c = validate_text("t.yaml", &text);
    let d = c
        .diagnostics
        .iter()
        .find(|d| d.code == "LBP7101")
        .expect("LBP7101");
    assert!(
        d.message
            .contains("the ECS forwarding path does not work with Local policy")
    );
    let span = d.primary().expect("primary").span;
    assert_eq!(&text[span.start as usize..span.end as usize], "Local");
}

/// Seed 002 prerequisites: edge pods through ECS forwarding need Express Connect.
#[test]
fn seed_002_ens_forwarding_needs_express_connect() {
    let text = format!(
        "{}{}{}",
        EDGE_PROFILE.replace("expressConnect: true", "expressConnect: false"),
        edge_cluster(),
        web("", "")
    );
    assert!(validate_codes(&text).contains(&"LBP7102"));
}

fn hybrid() -> String {
    ann("zone-maps", "cn-hz-a:vsw-1,cn-hz-b:vsw-2")
        + "    service.beta.kubernetes.io/backend-type: \"eni\"\n"
        + &ann("server-group-type", "Ip")
}

/// Seed 002, "Expose hybrid pods with NLB": pods as IP backends on the target port; the
/// prerequisites Terway Edge (LBP7103) and Express Connect (LBP7104) are checked.
#[test]
fn seed_002_hybrid_nlb() {
    let pods = pod("p1", "n1", "10.0.0.5") + &pod("p2", "e1", "10.9.0.6");
    let ok_profile = EDGE_PROFILE.replace("plugin: flannel", "plugin: terway-edge");
    let r = run(&format!(
        "{ok_profile}{}{pods}{}",
        edge_cluster(),
        nlb(&hybrid())
    ));
    assert!(!r.diagnostics.has_errors(), "{:?}", codes(&r));
    let sg = change(&r, "server_group.default/web/tcp-80");
    assert_eq!(attr(sg, "server_group_type"), &s("Ip"));
    assert_eq!(
        servers(change(&r, "backend.default/web/tcp-80")),
        [
            ("10.0.0.5".to_string(), Value::Int(8080), 100),
            ("10.9.0.6".to_string(), Value::Int(8080), 100)
        ]
    );
    let flannel = validate_codes(&format!(
        "{EDGE_PROFILE}{}{}",
        edge_cluster(),
        nlb(&hybrid())
    ));
    assert!(flannel.contains(&"LBP7103"), "{flannel:?}");
    let no_ec = validate_codes(&format!(
        "{}{}{}",
        ok_profile.replace("expressConnect: true", "expressConnect: false"),
        edge_cluster(),
        nlb(&hybrid())
    ));
    assert!(no_ec.contains(&"LBP7104"), "{no_ec:?}");
    let half = validate_codes(&format!(
        "{ok_profile}{}{}",
        edge_cluster(),
        nlb(&(ann("zone-maps", "a:vsw-1") + &ann("server-group-type", "Ip")))
    ));
    assert!(half.contains(&"LBP7114"), "{half:?}");
}

/// Seed 002 table, "SLB resource quota": Cluster with 300 nodes → backend count vs quota.
#[test]
fn seed_002_cluster_quota() {
    let many: String = (0..300)
        .map(|i| node(&format!("w{i:03}"), "", true))
        .collect();
    let text = format!("{PROFILE}{many}{}", web("", ""));
    let c = validate_text("t.yaml", &text);
    let d = c
        .diagnostics
        .iter()
        .find(|d| d.code == "LBP7106")
        .expect("LBP7106");
    assert!(d.message.contains("300"));
    let local = format!(
        "{PROFILE}{many}{}",
        web("", "  externalTrafficPolicy: Local\n")
    );
    assert!(!validate_codes(&local).contains(&"LBP7106"));
}

/// Seed 002 table, "Session persistence: Not supported" with Cluster.
#[test]
fn seed_002_persistence_with_cluster() {
    let c = validate_codes(&format!(
        "{PROFILE}{}{}",
        nodes(),
        web(&ann("persistence-timeout", "60"), "")
    ));
    assert!(c.contains(&"LBP7109"), "{c:?}");
}

/// An SCTP port gets no CLB listener.
#[test]
fn sctp_port_is_an_error() {
    let text = format!("{PROFILE}{}", web("", "")).replace("protocol: TCP", "protocol: SCTP");
    assert!(validate_codes(&text).contains(&"LBP7113"));
}

/// Reference §8 case 8: `forward-port: "80:443"` makes the http:80 listener forward to the
/// https:443 one, created after it.
#[test]
fn case_08_forward_port() {
    let a = ann("protocol-port", "http:80,https:443")
        + &ann("cert-id", "c1")
        + &ann("forward-port", "80:443");
    let two_ports = web(&a, "").replace(
        "  - {name: tcp, port: 80, protocol: TCP, nodePort: 30080, targetPort: 8080}\n",
        "  - {name: http, port: 80, protocol: TCP, nodePort: 30080}\n  - {name: https, port: 443, protocol: TCP, nodePort: 30443}\n",
    );
    let r = run(&format!("{PROFILE}{}{two_ports}", nodes()));
    let http = change(&r, "listener.default/web/tcp-80");
    assert_eq!(attr(http, "listener_forward"), &s("on"));
    assert_eq!(attr(http, "forward_port"), &Value::Int(443));
    assert!(
        http.depends_on
            .contains(&"listener.default/web/tcp-443".to_string())
    );
    assert!(
        validate_text(
            "t.yaml",
            &format!("{PROFILE}{}", web(&ann("forward-port", "80-443"), ""))
        )
        .diagnostics
        .has_errors()
    );
}

/// Reference §8 case 13: Local mode with an endpoint lacking nodeName fails the CCM.
#[test]
fn case_13_endpoint_without_node_name() {
    let slice = "---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: web-abc\n  labels: {kubernetes.io/service-name: web}\naddressType: IPv4\nports: [{name: tcp, port: 8080}]\nendpoints:\n- addresses: [10.0.0.5]\n  conditions: {ready: true}\n";
    let text = format!(
        "{PROFILE}{}{slice}{}",
        nodes(),
        web("", "  externalTrafficPolicy: Local\n")
    );
    assert!(validate_codes(&text).contains(&"LBP7115"));
    let cluster = format!("{PROFILE}{}{slice}{}", nodes(), web("", ""));
    assert!(!validate_codes(&cluster).contains(&"LBP7115"));
}

/// Reference §8 case 24: a listener port range needs ENI backends.
#[test]
fn case_24_port_range_needs_eni() {
    let a = ann("zone-maps", "a:vsw-1") + &ann("listener-port-range", "70-90:80");
    assert!(validate_codes(&format!("{PROFILE}{}", nlb(&a))).contains(&"LBP7116"));
    let eni = a + "    service.beta.kubernetes.io/backend-type: \"eni\"\n";
    assert!(!validate_codes(&format!("{PROFILE}{}", nlb(&eni))).contains(&"LBP7116"));
}

/// Reference §8 case 4 (second half): with `id` + `vgroup-port: rsp-1:80` the port's
/// backends go to the user's server group, sharing `weight: 60` (Cluster, 2 nodes → 30
/// each); the group is the user's and is retained.
#[test]
fn case_04_weight_with_user_vgroup() {
    let a = ann("id", "lb-user") + &ann("vgroup-port", "rsp-1:80") + &ann("weight", "60");
    let r = run(&format!("{PROFILE}{}{}", nodes(), web(&a, "")));
    let sg = change(&r, "server_group.default/web/tcp-80");
    assert_eq!(sg.owner, Owner::User);
    assert_eq!(attr(sg, "id"), &s("rsp-1"));
    assert!(matches!(sg.delete_policy, DeletePolicy::Retain { .. }));
    let weights: Vec<i64> = servers(change(&r, "backend.default/web/tcp-80"))
        .into_iter()
        .map(|s| s.2)
        .collect();
    assert_eq!(weights, [30, 30]);
    assert!(!codes(&r).contains(&"LBP7111"));
}

/// Reference §2.2: listener and server-group settings are carried into the plan under the
/// Terraform argument names, for the protocols the CCM applies them to.
#[test]
fn listener_settings_are_planned() {
    let a = ann("acl-status", "on") + &ann("acl-id", "acl-1") + &ann("cookie-timeout", "600");
    let r = run(&format!("{PROFILE}{}{}", nodes(), web(&a, "")));
    let l = change(&r, "listener.default/web/tcp-80");
    assert_eq!(attr(l, "acl_status"), &s("on"));
    assert_eq!(attr(l, "acl_ids"), &s("acl-1"));
    // cookie-timeout is for HTTP/HTTPS listeners only.
    assert!(
        l.after
            .as_ref()
            .is_some_and(|a| a.get("cookie_timeout").is_none())
    );
    let a = ann("zone-maps", "a:vsw-1")
        + &ann("health-check-flag", "on")
        + &ann("healthy-threshold", "3");
    let r = run(&format!("{PROFILE}{}{}", nodes(), nlb(&a)));
    let sg = change(&r, "server_group.default/web/tcp-80");
    assert_eq!(attr(sg, "health_check_enabled"), &s("on"));
    assert_eq!(attr(sg, "healthy_threshold"), &Value::Int(3));
}

/// Zone-maps rules: a zone twice is an error (grammar), a single zone a warning (LBP7117).
#[test]
fn zone_maps_rules() {
    let twice = validate_text(
        "t.yaml",
        &format!("{PROFILE}{}", nlb(&ann("zone-maps", "a:vsw-1,a:vsw-2"))),
    );
    assert!(twice.diagnostics.has_errors());
    let one = validate_codes(&format!("{PROFILE}{}", nlb(&ann("zone-maps", "a:vsw-1"))));
    assert!(one.contains(&"LBP7117"));
    let two = validate_codes(&format!(
        "{PROFILE}{}",
        nlb(&ann("zone-maps", "a:vsw-1,b:vsw-2"))
    ));
    assert!(!two.contains(&"LBP7117"));
}

/// An intranet CLB without `vswitch-id` gets a random vSwitch (LBP7118).
#[test]
fn intranet_without_vswitch() {
    let c = validate_codes(&format!(
        "{PROFILE}{}",
        web(&ann("address-type", "intranet"), "")
    ));
    assert!(c.contains(&"LBP7118"));
    let pinned = ann("address-type", "intranet") + &ann("vswitch-id", "vsw-1");
    assert!(!validate_codes(&format!("{PROFILE}{}", web(&pinned, ""))).contains(&"LBP7118"));
}

/// The error of `code` in `validate`, with the exact text its primary span covers.
fn validate_error(text: &str, code: &str) -> (String, String) {
    let c = validate_text("t.yaml", text);
    let d = c
        .diagnostics
        .iter()
        .find(|d| d.code == code)
        .unwrap_or_else(|| panic!("no {code}: {:?}", c.diagnostics.iter().collect::<Vec<_>>()));
    let span = d.primary().expect("primary").span;
    (
        d.message.clone(),
        text[span.start as usize..span.end as usize].to_string(),
    )
}

/// Reference §8 case 7: `protocol-port: "tcp443"` misses the colon; `"sctp:80"` names a
/// protocol the CLB lacks. Both are value errors (LBP1201) with the CCM's message, at the
/// offending characters of the value.
#[test]
fn case_07_protocol_port_format() {
    let text = format!(
        "{PROFILE}{}{}",
        nodes(),
        web(&ann("protocol-port", "tcp443"), "")
    );
    let (message, at) = validate_error(&text, "LBP1201");
    assert!(
        message.ends_with("port and protocol format must be like 'https:443' with colon separated"),
        "{message}"
    );
    assert_eq!(at, "tcp443");
    let text = format!(
        "{PROFILE}{}{}",
        nodes(),
        web(&ann("protocol-port", "sctp:80"), "")
    );
    let (message, at) = validate_error(&text, "LBP1201");
    assert!(
        message.ends_with("port protocol format must be either [http|https|tcp|udp]"),
        "{message}"
    );
    assert_eq!(at, "sctp");
}

/// Reference §8 case 9: `bandwidth: "abc"` ⇒ "bandwidth must be integer, got [abc]", at the
/// value.
#[test]
fn case_09_bandwidth_must_be_integer() {
    let text = format!("{PROFILE}{}{}", nodes(), web(&ann("bandwidth", "abc"), ""));
    let (message, at) = validate_error(&text, "LBP1201");
    assert!(
        message.ends_with("bandwidth must be integer, got [abc]"),
        "{message}"
    );
    assert_eq!(at, "abc");
}

/// Reference §8 case 10: `backend-label: "k1"` ⇒ "parse backend label: k1, [k1=v1,k2=v2]" at
/// the value; `backend-label: "zone=a"` ⇒ only the nodes labelled zone=a are backends (§2.4
/// candidate step 1).
#[test]
fn case_10_backend_label() {
    let text = format!(
        "{PROFILE}{}{}",
        nodes(),
        web(&ann("backend-label", "k1"), "")
    );
    let (message, at) = validate_error(&text, "LBP1201");
    assert!(
        message.ends_with("parse backend label: k1, [k1=v1,k2=v2]"),
        "{message}"
    );
    assert_eq!(at, "k1");

    let zoned = node("n3", "    zone: a\n", true) + &node("n4", "    zone: b\n", true);
    let text = format!(
        "{PROFILE}{}{zoned}{}",
        nodes(),
        web(&ann("backend-label", "zone=a"), "")
    );
    assert!(!validate_text("t.yaml", &text).diagnostics.has_errors());
    let r = run(&text);
    let ids: Vec<String> = servers(change(&r, "backend.default/web/tcp-80"))
        .into_iter()
        .map(|s| s.0)
        .collect();
    assert_eq!(ids, ["i-n3"]);
}

/// Reference §8 case 26 (§3): `loadBalancerSourceRanges: [1.2.3.0/24]` on a CCM-created NLB
/// ⇒ security group `k8s-nlb-<defaultName>` accepting 1.2.3.0/24 at priority 1 and dropping
/// 0.0.0.0/0 at priority 100, rules described `k8s.<ns>.<svc>.<cid>`, after the NLB. A
/// reused NLB gets none (§2.6), and its plan says the ranges are ignored.
#[test]
fn case_26_nlb_source_ranges_security_group() {
    let nlb_spec =
        "  loadBalancerClass: alibabacloud.com/nlb\n  loadBalancerSourceRanges: [1.2.3.0/24]\n"
            .to_string();
    let r = run(&format!(
        "{PROFILE}{}{}",
        nodes(),
        web(&ann("zone-maps", "cn-hz-a:vsw-1,cn-hz-b:vsw-2"), &nlb_spec)
    ));
    let sg = change(&r, "security_group.default/web");
    assert_eq!(sg.kind, lbplan::model::Kind::SecurityGroup);
    assert_eq!(
        sg.name.as_deref(),
        Some("k8s-nlb-a8ef9b2a100004000800000000000abc")
    );
    assert_eq!(attr(sg, "security_group_type"), &s("enterprise"));
    let Value::List(rules) = attr(sg, "rules") else {
        panic!("rules are a list")
    };
    let rule = |i: usize, key: &str| match &rules[i] {
        Value::Map(m) => m.get(key).cloned().unwrap_or(Value::Unknown),
        other => panic!("rule {other:?}"),
    };
    assert_eq!(rules.len(), 2);
    assert_eq!(
        (rule(0, "policy"), rule(0, "priority"), rule(0, "cidr_ip")),
        (s("accept"), Value::Int(1), s("1.2.3.0/24"))
    );
    assert_eq!(
        (rule(1, "policy"), rule(1, "priority"), rule(1, "cidr_ip")),
        (s("drop"), Value::Int(100), s("0.0.0.0/0"))
    );
    assert_eq!(rule(0, "description"), s(&format!("k8s.default.web.{CID}")));
    let m = model(&format!(
        "{PROFILE}{}{}",
        nodes(),
        web(&ann("zone-maps", "cn-hz-a:vsw-1"), &nlb_spec)
    ));
    let sg = m.get("security_group.default/web").expect("security group");
    assert_eq!(sg.depends_on, ["nlb.default/web"]);

    let reused = ann("id", "nlb-user");
    let m = model(&format!("{PROFILE}{}{}", nodes(), web(&reused, &nlb_spec)));
    assert!(m.get("security_group.default/web").is_none());
    let lb = m.get("nlb.default/web").expect("the reused NLB");
    assert!(
        lb.notes
            .iter()
            .any(|n| n.contains("loadBalancerSourceRanges"))
    );
    // … and validate warns at the range (reference §2.6: a Warning event).
    let text = format!("{PROFILE}{}{}", nodes(), web(&reused, &nlb_spec));
    let (message, at) = validate_error(&text, "LBP7120");
    assert!(
        message.contains("ignores its `loadBalancerSourceRanges`"),
        "{message}"
    );
    assert_eq!(at, "1.2.3.0/24");
}

/// Reference §8 case 26: the plan gives the reason of the security group.
#[test]
fn case_26_security_group_reason() {
    let spec =
        "  loadBalancerClass: alibabacloud.com/nlb\n  loadBalancerSourceRanges: [1.2.3.0/24]\n";
    let r = run(&format!(
        "{PROFILE}{}{}",
        nodes(),
        web(&ann("zone-maps", "cn-hz-a:vsw-1"), spec)
    ));
    let sg = change(&r, "security_group.default/web");
    assert!(
        sg.reasons
            .iter()
            .any(|w| w.contains("loadBalancerSourceRanges")),
        "{:?}",
        sg.reasons
    );
}

/// Writes `model` as a state file and plans `text` against it.
fn plan_against(model: &Model, text: &str, tag: &str) -> PlanRun {
    use lbplan::plan::State;
    use lbplan::source::LoadOptions;
    use lbplan::source::load::DEFAULT_MAX_FILE_SIZE;
    let dir = std::env::temp_dir().join(format!("lbplan-clb-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let state = dir.join("prior.state");
    std::fs::write(&state, State::from_model(model, 1, "test").to_json()).expect("state");
    let input = dir.join("input.yaml");
    std::fs::write(&input, text).expect("input");
    let r = lbplan::compile::plan(
        &[input.display().to_string()],
        &LoadOptions {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
        },
        Some(&state),
    );
    let _ = std::fs::remove_dir_all(&dir);
    r
}

/// Reference §8 case 15 (§2.6): `id` naming a load balancer the CCM created is refused
/// ("can not reuse loadbalancer created by kubernetes"). A prior state that records the id
/// on a controller-owned load balancer tells: LBP7119 at the annotation value. Without one
/// the plan assumes the load balancer is the user's and says so.
#[test]
fn case_15_reusing_a_ccm_created_load_balancer() {
    // The state: Service `web` got CLB `lb-ccm` from the CCM.
    let first = model(&format!("{PROFILE}{}{}", nodes(), web("", "")));
    let mut resources: Vec<_> = first.iter().cloned().collect();
    for r in &mut resources {
        if r.address == "clb.default/web" {
            *r = r
                .clone()
                .with_attr("id", "lb-ccm", lbplan::model::UpdatePolicy::Computed);
        }
    }
    let prior = Model::from_resources(resources).expect("model");
    // Another Service reuses it by id.
    let other = web(&ann("id", "lb-ccm"), "").replace("name: web", "name: api");
    let text = format!("{PROFILE}{}{}{other}", nodes(), web("", ""));
    let r = plan_against(&prior, &text, "case15");
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.code == "LBP7119")
        .expect("LBP7119");
    assert_eq!(
        d.message,
        "the loadbalancer lb-ccm can not be reused, can not reuse loadbalancer created by kubernetes."
    );
    assert!(d.help.is_some());
    let span = d.primary().expect("primary").span;
    assert_eq!(&text[span.start as usize..span.end as usize], "\"lb-ccm\"");

    // Offline, without a state, the plan states its assumption.
    let r = run(&format!("{PROFILE}{}{other}", nodes()));
    assert!(!codes(&r).contains(&"LBP7119"));
    let lb = change(&r, "clb.default/api");
    assert!(
        lb.notes
            .iter()
            .any(|n| n.starts_with("assumed: `lb-ccm` exists")),
        "{:?}",
        lb.notes
    );
}

/// Reference §8 cases 16 and 18 need the live cloud (is the user's server group there and
/// not CCM-named? was the load balancer deleted in the console?): the plan says what it
/// assumes instead of checking.
#[test]
fn cases_16_and_18_state_their_offline_assumptions() {
    let a = ann("id", "lb-user") + &ann("vgroup-port", "rsp-ccm:80");
    let r = run(&format!("{PROFILE}{}{}", nodes(), web(&a, "")));
    let sg = change(&r, "server_group.default/web/tcp-80");
    assert!(
        sg.notes
            .iter()
            .any(|n| n.contains("rsp-ccm") && n.contains("case 16")),
        "{:?}",
        sg.notes
    );
    let status = "status:\n  loadBalancer:\n    ingress:\n    - ip: 47.1.2.3\n";
    let r = run(&format!("{PROFILE}{}{}{status}", nodes(), web("", "")));
    let lb = change(&r, "clb.default/web");
    assert!(
        lb.notes
            .iter()
            .any(|n| n.contains("47.1.2.3") && n.contains("case 18")),
        "{:?}",
        lb.notes
    );
}
