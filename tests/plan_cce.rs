//! Huawei CCE plans (seed `003_406e01f826ad155b.txt`, reference §1): the ELB, EIP,
//! listeners, pools, health monitors and members CCE builds for a LoadBalancer Service,
//! the cluster rules, and what deleting the Service does.

use std::fs;
use std::path::PathBuf;

use lbplan::compile::{self, PlanRun};
use lbplan::model::Value;
use lbplan::plan::{PlanDocument, ResourceChange, State};
use lbplan::source::LoadOptions;
use lbplan::source::load::DEFAULT_MAX_FILE_SIZE;

const PROFILE: &str = "apiVersion: lbplan/v1
kind: ClusterProfile
metadata: {name: cce}
spec:
  cloud: huawei
  clusterKind: KIND
  clusterId: c1
  kubernetesVersion: \"VERSION\"
  region: cn-south-1
  network: {proxyMode: MODE}
";

const NODES: &str = "apiVersion: v1
kind: Node
metadata: {name: node-a}
status:
  addresses: [{type: InternalIP, address: 192.168.0.10}]
  conditions: [{type: Ready, status: \"True\"}]
---
apiVersion: v1
kind: Node
metadata: {name: node-b}
status:
  addresses: [{type: InternalIP, address: 192.168.0.11}]
  conditions: [{type: Ready, status: \"True\"}]
---
apiVersion: v1
kind: Pod
metadata: {name: web-1, namespace: default, labels: {app: web}}
spec: {nodeName: node-a, containers: [{name: web, image: nginx, ports: [{name: http, containerPort: 8080}]}]}
status: {phase: Running, podIP: 172.16.0.5, conditions: [{type: Ready, status: \"True\"}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web-2, namespace: default, labels: {app: web}}
spec: {nodeName: node-a, containers: [{name: web, image: nginx}]}
status: {phase: Running, podIP: 172.16.0.6, conditions: [{type: Ready, status: \"True\"}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web-3, namespace: default, labels: {app: web}}
spec: {nodeName: node-b, containers: [{name: web, image: nginx}]}
status: {phase: Running, conditions: [{type: Ready, status: \"False\"}]}
";

fn profile(kind: &str, version: &str, mode: &str) -> String {
    PROFILE
        .replace("KIND", kind)
        .replace("VERSION", version)
        .replace("MODE", mode)
}

/// A Service `web` with the given annotation lines (already indented by 4) and spec lines.
fn service(annotations: &str, spec_extra: &str, ports: &str) -> String {
    format!(
        "apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: default
  uid: 0b7e4c2a-1111-2222-3333-444455556666
  annotations:
{annotations}
spec:
  type: LoadBalancer
  selector: {{app: web}}
{spec_extra}  ports:
{ports}"
    )
}

const PORT_80: &str =
    "  - {name: http, port: 80, protocol: TCP, targetPort: 8080, nodePort: 30080}\n";

fn run(text: &str) -> PlanRun {
    compile::graph_text("test.yaml", text)
}

fn doc(r: &PlanRun) -> PlanDocument {
    r.document()
}

fn change<'a>(d: &'a PlanDocument, address: &str) -> &'a ResourceChange {
    d.resource_changes
        .iter()
        .find(|c| c.address == address)
        .unwrap_or_else(|| {
            panic!(
                "no {address} in {:?}",
                d.resource_changes
                    .iter()
                    .map(|c| &c.address)
                    .collect::<Vec<_>>()
            )
        })
}

fn after<'a>(c: &'a ResourceChange, key: &str) -> Option<&'a Value> {
    c.after.as_ref().and_then(|a| a.get(key))
}

fn codes(r: &PlanRun) -> Vec<&'static str> {
    r.diagnostics.iter().map(|d| d.code).collect()
}

const AUTO_PUBLIC: &str = "    kubernetes.io/elb.class: union
    kubernetes.io/elb.autocreate: '{\"type\": \"public\", \"bandwidth_name\": \"cce-bandwidth-1\", \"bandwidth_chargemode\": \"bandwidth\", \"bandwidth_size\": 5, \"bandwidth_sharetype\": \"PER\", \"eip_type\": \"5_bgp\"}'";

/// Seed 003 "Automatically Creating a Load Balancer", shared public example: ELB named
/// `cce-lb-<uid>` (reference §1.2), an EIP with the bandwidth of the recipe and its
/// binding, listener `k8s_TCP_80`, pool, monitor (health check on by default) and one
/// member per node with a ready pod on the NodePort (reference §1.4).
#[test]
fn autocreated_public_shared_elb() {
    let text = format!(
        "{}---\n{NODES}---\n{}",
        profile("cce", "1.28", "iptables"),
        service(AUTO_PUBLIC, "", PORT_80)
    );
    let r = run(&text);
    assert!(!r.diagnostics.has_errors(), "{:?}", codes(&r));
    let d = doc(&r);
    let elb = change(&d, "cce_elb.default/web");
    assert_eq!(elb.actions, ["create"]);
    assert_eq!(
        elb.name.as_deref(),
        Some("cce-lb-0b7e4c2a-1111-2222-3333-444455556666")
    );
    let eip = change(&d, "cce_eip.default/web");
    assert_eq!(
        after(eip, "bandwidth"),
        Some(&Value::map([
            ("name", Value::from("cce-bandwidth-1")),
            ("size", Value::from(5i64)),
            ("share_type", Value::from("PER")),
            ("charge_mode", Value::from("bandwidth")),
        ]))
    );
    assert_eq!(
        change(&d, "cce_eip_binding.default/web").actions,
        ["create"]
    );
    let l = change(&d, "cce_listener.default/web/tcp-80");
    assert_eq!(l.name.as_deref(), Some("k8s_TCP_80"));
    assert_eq!(after(l, "protocol"), Some(&Value::from("TCP")));
    let pool = change(&d, "cce_pool.default/web/tcp-80");
    assert_eq!(pool.name.as_deref(), Some("k8s_default_web-80_TCP-80"));
    assert_eq!(after(pool, "lb_method"), Some(&Value::from("ROUND_ROBIN")));
    let m = change(&d, "cce_monitor.default/web/tcp-80");
    assert_eq!(after(m, "type"), Some(&Value::from("TCP")));
    assert_eq!(after(m, "delay"), Some(&Value::from(5i64)));
    assert_eq!(after(m, "timeout"), Some(&Value::from(10i64)));
    assert_eq!(after(m, "max_retries"), Some(&Value::from(3i64)));
    // web-3 on node-b is not ready: only node-a, once, although it runs two pods.
    let members = change(&d, "cce_members.default/web/tcp-80");
    assert_eq!(
        after(members, "members"),
        Some(&Value::list(vec![Value::map([
            ("name", Value::from("node-a")),
            ("address", Value::from("192.168.0.10")),
            ("protocol_port", Value::from(30080i64)),
        ])]))
    );
    assert_eq!(d.summary.add, 7);
}

/// Seed 003 "Using an Existing Load Balancer": the ELB is the user's (no-op), listeners
/// reference its id; deleting the Service deletes members → monitor → pool → listener
/// and keeps the ELB (reference §1.4 "Deletion").
#[test]
fn existing_elb_is_used_and_retained() {
    let ann = "    kubernetes.io/elb.id: 5083f225-9bf8-48fa-9c8b-67bd9693c4c0";
    let text = format!(
        "{}---\n{NODES}---\n{}",
        profile("cce", "1.28", "iptables"),
        service(ann, "", PORT_80)
    );
    let r = run(&text);
    assert!(!r.diagnostics.has_errors(), "{:?}", codes(&r));
    let d = doc(&r);
    assert_eq!(change(&d, "cce_elb.default/web").actions, ["no-op"]);
    assert!(
        d.resource_changes
            .iter()
            .all(|c| !c.address.contains("eip"))
    );
    assert_eq!(
        after(
            change(&d, "cce_listener.default/web/tcp-80"),
            "loadbalancer_id"
        ),
        Some(&Value::from("5083f225-9bf8-48fa-9c8b-67bd9693c4c0"))
    );

    let gone = deleted_plan(&r, &profile("cce", "1.28", "iptables"));
    assert_eq!(change(&gone, "cce_elb.default/web").actions, ["retain"]);
    let order: Vec<&str> = gone
        .resource_changes
        .iter()
        .filter(|c| c.actions == ["delete"])
        .map(|c| c.address.as_str())
        .collect();
    let pos = |a: &str| order.iter().position(|x| *x == a).unwrap_or(usize::MAX);
    assert!(pos("cce_members.default/web/tcp-80") < pos("cce_monitor.default/web/tcp-80"));
    assert!(pos("cce_monitor.default/web/tcp-80") < pos("cce_pool.default/web/tcp-80"));
    assert!(pos("cce_pool.default/web/tcp-80") < pos("cce_listener.default/web/tcp-80"));
    assert!(
        change(&gone, "cce_listener.default/web/tcp-80").reasons[0]
            .contains("Service default/web was deleted")
    );
}

/// Reference §1.4 "Deletion": an auto-created ELB and its EIP go with the Service.
#[test]
fn autocreated_elb_and_eip_are_deleted_with_the_service() {
    let p = profile("cce", "1.28", "iptables");
    let text = format!("{p}---\n{NODES}---\n{}", service(AUTO_PUBLIC, "", PORT_80));
    let gone = deleted_plan(&run(&text), &p);
    for a in ["cce_elb.default/web", "cce_eip.default/web"] {
        let c = change(&gone, a);
        assert_eq!(c.actions, ["delete"], "{a}");
        assert!(c.destructive, "{a}");
    }
    assert_eq!(gone.summary.destroy, 7);
}

/// The plan of `remaining` (a profile only) against a state holding `first`'s model.
fn deleted_plan(first: &PlanRun, remaining: &str) -> PlanDocument {
    let dir = std::env::temp_dir().join(format!(
        "lbplan-cce-{}-{}",
        std::process::id(),
        first.model.iter().count()
    ));
    fs::create_dir_all(&dir).expect("temp dir");
    let state = dir.join(format!("{}.state", first.model.iter().count()));
    fs::write(&state, State::from_model(&first.model, 1, "test").to_json()).expect("state");
    let input = dir.join("profile.yaml");
    fs::write(&input, remaining).expect("input");
    let r = compile::plan(
        &[input.display().to_string()],
        &LoadOptions {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
        },
        Some(&state),
    );
    let _ = fs::remove_dir_all(&dir);
    r.document()
}

/// Seed 003 "Enabling HTTP for Services": dedicated ELB, HTTPS:443 with the certificate
/// and HTTP:80 listeners, pools speaking HTTP; dedicated monitors use `protocol`/`interval`
/// (reference §2.2 field-name traps).
#[test]
fn https_on_a_dedicated_elb() {
    let ann = "    kubernetes.io/elb.class: performance
    kubernetes.io/elb.autocreate: '{\"type\": \"inner\", \"available_zone\": [\"cn-south-2b\"], \"l4_flavor_name\": \"L4_flavor.elb.s1.medium\", \"l7_flavor_name\": \"L7_flavor.elb.s2.small\"}'
    kubernetes.io/elb.protocol-port: \"https:443,http:80\"
    kubernetes.io/elb.cert-id: 17e3b4f4bc40471c86741dc3aa211379";
    let ports = "  - {name: a, port: 443, protocol: TCP, targetPort: 80}\n  - {name: b, port: 80, protocol: TCP, targetPort: 80}\n";
    let text = format!(
        "{}---\n{NODES}---\n{}",
        profile("cce", "1.28", "iptables"),
        service(ann, "", ports)
    );
    let r = run(&text);
    assert!(!r.diagnostics.has_errors(), "{:?}", codes(&r));
    let d = doc(&r);
    assert!(
        d.resource_changes
            .iter()
            .all(|c| !c.address.contains("eip"))
    );
    let https = change(&d, "cce_listener.default/web/tcp-443");
    assert_eq!(after(https, "protocol"), Some(&Value::from("HTTPS")));
    assert_eq!(
        after(https, "server_certificate"),
        Some(&Value::from("17e3b4f4bc40471c86741dc3aa211379"))
    );
    let http = change(&d, "cce_listener.default/web/tcp-80");
    assert_eq!(after(http, "protocol"), Some(&Value::from("HTTP")));
    assert_eq!(
        after(change(&d, "cce_pool.default/web/tcp-443"), "protocol"),
        Some(&Value::from("HTTP"))
    );
    let m = change(&d, "cce_monitor.default/web/tcp-443");
    assert_eq!(after(m, "protocol"), Some(&Value::from("TCP")));
    assert_eq!(after(m, "interval"), Some(&Value::from(5i64)));
    // No nodePort written: the member port is known after apply.
    assert!(
        change(&d, "cce_members.default/web/tcp-80")
            .after_unknown
            .iter()
            .any(|p| p.contains("protocol_port"))
    );
}

/// Seed 003 "Enabling HTTP for Services": every rule of the section, each with its span.
#[test]
fn protocol_port_rules() {
    let ann = "    kubernetes.io/elb.class: performance
    kubernetes.io/elb.autocreate: '{\"type\": \"inner\", \"available_zone\": [\"az1\"], \"l4_flavor_name\": \"L4\"}'
    kubernetes.io/elb.protocol-port: \"https:443,http:8080\"";
    let ports = "  - {name: a, port: 443, protocol: TCP}\n";
    let text = format!(
        "{}---\n{}",
        profile("cce", "1.19", "iptables"),
        service(ann, "", ports)
    );
    let r = run(&text);
    let c = codes(&r);
    for code in ["LBP7205", "LBP7206", "LBP7207", "LBP7208"] {
        assert!(c.contains(&code), "{code} missing from {c:?}");
    }
    // The span of LBP7205 is the port `8080` inside the annotation value.
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.code == "LBP7205")
        .expect("LBP7205");
    let span = d.primary().expect("primary").span;
    assert_eq!(&text[span.start as usize..span.end as usize], "8080");
}

/// Seed 003: dedicated ELBs need v1.17; a dedicated recipe needs `available_zone` and
/// `l4_flavor_name`; dedicated-only fields on a shared ELB are refused.
#[test]
fn class_and_autocreate_rules() {
    let ann = "    kubernetes.io/elb.class: performance
    kubernetes.io/elb.autocreate: '{\"type\": \"inner\"}'";
    let text = format!(
        "{}---\n{}",
        profile("cce", "1.15", "iptables"),
        service(ann, "", PORT_80)
    );
    let c = codes(&run(&text)).join(",");
    assert!(c.contains("LBP7202") && c.contains("LBP7204"), "{c}");

    let ann =
        "    kubernetes.io/elb.autocreate: '{\"type\": \"inner\", \"available_zone\": [\"az1\"]}'";
    let text = format!(
        "{}---\n{}",
        profile("cce", "1.28", "iptables"),
        service(ann, "", PORT_80)
    );
    let r = run(&text);
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.code == "LBP7203")
        .expect("LBP7203");
    let span = d.primary().expect("primary").span;
    assert_eq!(
        &text[span.start as usize..span.end as usize],
        "\"available_zone\""
    );

    let text = format!(
        "{}---\n{}",
        profile("cce", "1.28", "iptables"),
        service("    kubernetes.io/elb.class: union", "", PORT_80)
    );
    assert!(codes(&run(&text)).contains(&"LBP7201"));
}

/// Seed 003 "Notes and Constraints" and "Why a Cluster Fails to Access Services by Using
/// the ELB Address": Turbo refuses Local; Local warns with the three fixes unless
/// pass-through is on.
#[test]
fn traffic_policy_rules() {
    let local = "  externalTrafficPolicy: Local\n";
    let text = format!(
        "{}---\n{}",
        profile("cce-turbo", "1.28", "iptables"),
        service(AUTO_PUBLIC, local, PORT_80)
    );
    assert!(codes(&run(&text)).contains(&"LBP7213"));

    let text = format!(
        "{}---\n{}",
        profile("cce", "1.28", "iptables"),
        service(AUTO_PUBLIC, local, PORT_80)
    );
    let r = run(&text);
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.code == "LBP7214")
        .expect("LBP7214");
    let help = d.help.as_deref().unwrap_or("");
    assert!(
        help.contains("ClusterIP") && help.contains("Cluster`") && help.contains("pass-through")
    );

    let pass = format!("{AUTO_PUBLIC}\n    kubernetes.io/elb.pass-through: \"true\"");
    let text = format!(
        "{}---\n{}",
        profile("cce", "1.28", "iptables"),
        service(&pass, local, PORT_80)
    );
    assert!(!codes(&run(&text)).contains(&"LBP7214"));
}

/// Seed 003 IPVS constraint: the node IP cannot be the Service's external IP.
#[test]
fn ipvs_node_ip_is_refused() {
    let text = format!(
        "{}---\n{NODES}---\n{}",
        profile("cce", "1.28", "ipvs"),
        service(AUTO_PUBLIC, "  loadBalancerIP: 192.168.0.11\n", PORT_80)
    );
    assert!(codes(&run(&text)).contains(&"LBP7215"));
}

/// Seed 003 "Before enabling sticky session": TCP only, pods on different nodes; the pool
/// carries SOURCE_IP persistence with the option's timeout.
#[test]
fn sticky_session_rules_and_pool_persistence() {
    let ann = format!(
        "{AUTO_PUBLIC}
    kubernetes.io/elb.session-affinity-mode: SOURCE_IP
    kubernetes.io/elb.session-affinity-option: '{{\"persistence_timeout\": \"30\"}}'"
    );
    let ports = "  - {name: a, port: 80, protocol: TCP}\n  - {name: b, port: 53, protocol: UDP}\n";
    let deploy = "apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
";
    let text = format!(
        "{}---\n{deploy}---\n{}",
        profile("cce", "1.28", "iptables"),
        service(&ann, "", ports)
    );
    let r = run(&text);
    let c = codes(&r);
    assert!(c.contains(&"LBP7210") && c.contains(&"LBP7211"), "{c:?}");
    let d = doc(&r);
    assert_eq!(
        after(change(&d, "cce_pool.default/web/tcp-80"), "persistence"),
        Some(&Value::map([
            ("type", Value::from("SOURCE_IP")),
            ("timeout", Value::from(30i64)),
        ]))
    );
    // A Deployment without Pods: members are known after apply.
    assert!(
        change(&d, "cce_members.default/web/tcp-80")
            .after_unknown
            .contains(&"members".to_string())
    );
}

/// Reference §1.1 and §1.3: the `cce-healthz` port is no listener; its NodePort is every
/// monitor's port; HTTP monitors get the path; `health-check-flag: off` drops monitors;
/// per-port checks must name a Service port.
#[test]
fn health_checks() {
    let ann = format!(
        "{AUTO_PUBLIC}
    kubernetes.io/elb.health-check-option: '{{\"protocol\": \"HTTP\", \"path\": \"/healthz\", \"delay\": \"7\"}}'"
    );
    let ports = "  - {name: http, port: 80, protocol: TCP, nodePort: 30080}\n  - {name: cce-healthz, port: 10254, protocol: TCP, nodePort: 31254}\n";
    let text = format!(
        "{}---\n{NODES}---\n{}",
        profile("cce", "1.28", "iptables"),
        service(&ann, "", ports)
    );
    let r = run(&text);
    assert!(!r.diagnostics.has_errors(), "{:?}", codes(&r));
    let d = doc(&r);
    assert!(
        d.resource_changes
            .iter()
            .all(|c| !c.address.ends_with("tcp-10254"))
    );
    let m = change(&d, "cce_monitor.default/web/tcp-80");
    assert_eq!(after(m, "type"), Some(&Value::from("HTTP")));
    assert_eq!(after(m, "url_path"), Some(&Value::from("/healthz")));
    assert_eq!(after(m, "delay"), Some(&Value::from(7i64)));
    assert_eq!(after(m, "port"), Some(&Value::from(31254i64)));

    let off = format!("{AUTO_PUBLIC}\n    kubernetes.io/elb.health-check-flag: \"off\"");
    let d = doc(&run(&format!(
        "{}---\n{}",
        profile("cce", "1.28", "iptables"),
        service(&off, "", PORT_80)
    )));
    assert!(
        d.resource_changes
            .iter()
            .all(|c| c.kind.as_str() != "health_monitor")
    );

    let per_port = format!(
        "{AUTO_PUBLIC}\n    kubernetes.io/elb.health-check-options: '[{{\"target_service_port\": \"TCP:81\"}}]'"
    );
    let text = format!(
        "{}---\n{}",
        profile("cce", "1.28", "iptables"),
        service(&per_port, "", PORT_80)
    );
    let r = run(&text);
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.code == "LBP7216")
        .expect("LBP7216");
    let span = d.primary().expect("primary").span;
    assert_eq!(&text[span.start as usize..span.end as usize], "\"TCP:81\"");
}

/// Reference §1.4: `hws-hostNetwork` registers the container port for host-network pods;
/// seed 003 "ELB Forwarding": CCE Turbo with a dedicated ELB registers pods (pod IP +
/// container port, ENI).
#[test]
fn host_network_and_turbo_members() {
    let host_pods = NODES.replace(
        "spec: {nodeName: node-a, containers: [{name: web, image: nginx, ports",
        "spec: {nodeName: node-a, hostNetwork: true, containers: [{name: web, image: nginx, ports",
    );
    let ann = format!("{AUTO_PUBLIC}\n    kubernetes.io/hws-hostNetwork: \"true\"");
    let ports = "  - {name: http, port: 80, protocol: TCP, targetPort: http, nodePort: 30080}\n";
    let text = format!(
        "{}---\n{host_pods}---\n{}",
        profile("cce", "1.28", "iptables"),
        service(&ann, "", ports)
    );
    let d = doc(&run(&text));
    let m = after(change(&d, "cce_members.default/web/tcp-80"), "members");
    assert_eq!(
        m,
        Some(&Value::list(vec![Value::map([
            ("name", Value::from("node-a")),
            ("address", Value::from("192.168.0.10")),
            ("protocol_port", Value::from(8080i64)),
        ])]))
    );

    let dedicated = "    kubernetes.io/elb.class: performance
    kubernetes.io/elb.autocreate: '{\"type\": \"inner\", \"available_zone\": [\"az1\"], \"l4_flavor_name\": \"L4\"}'";
    let text = format!(
        "{}---\n{NODES}---\n{}",
        profile("cce-turbo", "1.28", "iptables"),
        service(dedicated, "", PORT_80)
    );
    let d = doc(&run(&text));
    let Some(Value::List(members)) = after(change(&d, "cce_members.default/web/tcp-80"), "members")
    else {
        panic!("members");
    };
    assert_eq!(members.len(), 2, "one member per ready pod: {members:?}");
    assert_eq!(
        members[0],
        Value::map([
            ("name", Value::from("web-1")),
            ("address", Value::from("172.16.0.5")),
            ("protocol_port", Value::from(8080i64)),
        ])
    );
}

/// Seed 003: "You are advised not to modify the Service affinity setting after the Service
/// is created. If you need to modify it, create a Service again." A changed
/// `externalTrafficPolicy` is reported as not applied, with recreating as the way out.
#[test]
fn traffic_policy_change_advises_recreating_the_service() {
    let p = profile("cce", "1.28", "iptables");
    let before = run(&format!(
        "{p}---\n{NODES}---\n{}",
        service(AUTO_PUBLIC, "", PORT_80)
    ));
    let dir = std::env::temp_dir().join(format!("lbplan-cce-etp-{}", std::process::id()));
    fs::create_dir_all(&dir).expect("temp dir");
    let state = dir.join("s.state");
    fs::write(
        &state,
        State::from_model(&before.model, 1, "test").to_json(),
    )
    .expect("state");
    let input = dir.join("in.yaml");
    fs::write(
        &input,
        format!(
            "{p}---\n{NODES}---\n{}",
            service(AUTO_PUBLIC, "  externalTrafficPolicy: Local\n", PORT_80)
        ),
    )
    .expect("input");
    let r = compile::plan(
        &[input.display().to_string()],
        &LoadOptions {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
        },
        Some(&state),
    );
    let _ = fs::remove_dir_all(&dir);
    let d = r.document();
    let pool = change(&d, "cce_pool.default/web/tcp-80");
    assert!(
        pool.reasons
            .iter()
            .any(|r| r.contains("external_traffic_policy") && r.contains("recreate the Service")),
        "{:?}",
        pool.reasons
    );
}

#[test]
fn examples_plan_cleanly_and_deterministically() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    for ex in ["cce-autocreate-public", "cce-existing-elb", "cce-https"] {
        let path = root.join("examples").join(ex).display().to_string();
        let opts = LoadOptions {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
        };
        let a = compile::plan(std::slice::from_ref(&path), &opts, None);
        assert!(
            a.diagnostics.iter().all(|d| d.code != "LBP5006"),
            "{ex} is planned"
        );
        assert!(!a.diagnostics.has_errors(), "{ex}: {:?}", codes(&a));
        let b = compile::plan(&[path], &opts, None);
        assert_eq!(a.document().to_json(), b.document().to_json(), "{ex}");
    }
}

/// Seed 003 IPVS constraint ("if the ingress and Service use the same ELB load balancer,
/// the ingress cannot be accessed from the nodes and containers in the cluster … use
/// different ELB load balancers"): LBP7223 on the Service's `elb.id`, with the Ingress's
/// `elb.id` as the second label; not in iptables mode, nor with different ELBs.
#[test]
fn ipvs_ingress_and_service_must_not_share_an_elb() {
    let elb = "3c4d5e6f-0000-4000-8000-0123456789ab";
    let ingress = |id: &str| {
        format!(
            "apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
  namespace: default
  annotations:
    kubernetes.io/elb.id: \"{id}\"
    kubernetes.io/elb.port: \"80\"
spec:
  ingressClassName: cce
  rules:
  - http:
      paths:
      - {{path: /, pathType: ImplementationSpecific, backend: {{service: {{name: web, port: {{number: 80}}}}}}}}
"
        )
    };
    let svc = service(&format!("    kubernetes.io/elb.id: \"{elb}\""), "", PORT_80);
    let text = |mode: &str, ingress_id: &str| {
        format!(
            "{}---\n{NODES}---\n{svc}---\n{}",
            profile("cce", "1.28", mode),
            ingress(ingress_id)
        )
    };
    let shared = text("ipvs", elb);
    let r = run(&shared);
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.code == "LBP7223")
        .unwrap_or_else(|| panic!("LBP7223 missing from {:?}", codes(&r)));
    let at = |span: lbplan::source::Span| &shared[span.start as usize..span.end as usize];
    let primary = d.primary().expect("primary").span;
    let service_at = shared.find(&format!("elb.id: \"{elb}\"")).expect("svc") + "elb.id: ".len();
    assert_eq!(primary.start as usize, service_at);
    assert_eq!(at(primary), format!("\"{elb}\""));
    let secondary = d.labels.get(1).expect("secondary").span;
    assert!(secondary.start as usize > primary.start as usize);
    assert_eq!(at(secondary), format!("\"{elb}\""));
    assert!(
        d.help
            .as_deref()
            .is_some_and(|h| h.contains("use different ELB load balancers")),
        "{:?}",
        d.help
    );

    assert!(!codes(&run(&text("iptables", elb))).contains(&"LBP7223"));
    assert!(
        !codes(&run(&text("ipvs", "9f8e7d6c-0000-4000-8000-0123456789ab"))).contains(&"LBP7223")
    );
}
