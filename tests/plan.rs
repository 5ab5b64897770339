//! `lbplan plan --format json` on the seed 000 scenarios, compared with goldens:
//!
//! - `golden/<example>/plan.json` and `plan.txt`: a first plan (empty state), as the JSON
//!   contract and as the Terraform-style text a reviewer reads;
//! - `golden/<example>/plan-relabelled.json` and `.txt`: the plan against
//!   `examples/<example>/state/relabelled.state`, whose third pool `np-wuhan` has since been
//!   relabelled out of the selector (seed 000: "Updating the node pool selector or node pool
//!   labels may also trigger ELB instance deletion").
//!
//! `LBPLAN_BLESS=1 cargo test --test plan` rewrites the goldens; review the diff.

mod common;

use common::{assert_no_failures, check_golden, root};
use std::fs;
use std::path::{Path, PathBuf};

use lbplan::cli::{self, Color, Command, PlanArgs, PlanFormat};
use lbplan::plan::PlanDocument;
use lbplan::source::load::DEFAULT_MAX_FILE_SIZE;

const EXAMPLES: &[&str] = &[
    "edge-elb-auto",
    "edge-elb-self-managed",
    "cce-autocreate-public",
    "cce-existing-elb",
    "cce-https",
    "ack-clb",
    "ack-edge-ens-forwarding",
    "ack-hybrid-nlb",
    "ack-nlb-source-ranges",
    "ackone-default",
    "ackone-single-cluster",
    "ackone-header-routing",
    "ackone-weighted",
];

/// Whether `examples/<example>/state/<state>` exists: not every example has every prior
/// state.
fn has_state(example: &str, state: &str) -> bool {
    Path::new("examples")
        .join(example)
        .join("state")
        .join(state)
        .exists()
}

/// The prior states an example is also planned against, where its `state/` folder has them
/// (`services-deleted`: `ack-clb` after deleting a CLB Service with `preserve-lb-on-delete`
/// and one reusing a user's CLB, reference/alibaba.md §2.8).
///
/// `port-removed` and `policy-changed`: the CCE examples after removing a Service port
/// (members → monitor → pool → listener deleted in that order) and after switching
/// `externalTrafficPolicy` (seed 003 advises recreating the Service instead).
const STATES: &[&str] = &[
    "relabelled",
    "selector-changed",
    "services-deleted",
    "port-removed",
    "policy-changed",
];

fn plan(example: &str, state: Option<&str>, detailed: bool) -> (String, i32) {
    plan_as(example, state, detailed, PlanFormat::Json)
}

fn plan_as(
    example: &str,
    state: Option<&str>,
    detailed: bool,
    format: PlanFormat,
) -> (String, i32) {
    cli::run(Command::Plan(PlanArgs {
        inputs: vec![format!("examples/{example}")],
        state: state.map(|s| PathBuf::from(format!("examples/{example}/state/{s}"))),
        format,
        color: Color::Never,
        out: None,
        detailed_exitcode: detailed,
        profile: None,
        max_file_size: DEFAULT_MAX_FILE_SIZE,
    }))
}

#[test]
fn plans_match_goldens() {
    root();
    let mut failures = String::new();
    for ex in EXAMPLES {
        let (json, code) = plan(ex, None, false);
        assert_eq!(code, 0, "{ex}: plan must succeed:\n{json}");
        check_golden(
            &Path::new("golden").join(ex).join("plan.json"),
            &json,
            &mut failures,
        );
        let (text, code) = plan_as(ex, None, false, PlanFormat::Text);
        assert_eq!(code, 0, "{ex}: text plan must succeed:\n{text}");
        check_golden(
            &Path::new("golden").join(ex).join("plan.txt"),
            &text,
            &mut failures,
        );
        for state in STATES {
            let file = format!("{state}.state");
            if !has_state(ex, &file) {
                continue;
            }
            let (json, code) = plan(ex, Some(&file), false);
            assert_eq!(code, 0, "{ex}: {state} plan must succeed:\n{json}");
            check_golden(
                &Path::new("golden")
                    .join(ex)
                    .join(format!("plan-{state}.json")),
                &json,
                &mut failures,
            );
            let (text, code) = plan_as(ex, Some(&file), false, PlanFormat::Text);
            assert_eq!(code, 0, "{ex}: {state} text plan must succeed:\n{text}");
            check_golden(
                &Path::new("golden")
                    .join(ex)
                    .join(format!("plan-{state}.txt")),
                &text,
                &mut failures,
            );
        }
    }
    assert_no_failures(&failures);
}

fn doc(json: &str) -> PlanDocument {
    PlanDocument::from_json(json).expect("the plan reads back")
}

fn addresses(d: &PlanDocument, action: &str) -> Vec<String> {
    d.resource_changes
        .iter()
        .filter(|c| c.actions == [action])
        .map(|c| c.address.clone())
        .collect()
}

/// Seed 000 Option A: two PoolServices, per pool an ELB and an EIP named
/// `k8s/cube-svc/default/<pool>/<clusterId>`, the binding, one listener on the nodePort,
/// one server group and its backend list (reference §6.5: one flat list per ELB) holding
/// the pool's two nodes; two external IPs.
#[test]
fn seed_000_option_a_counts_and_names() {
    root();
    let (json, _) = plan("edge-elb-auto", None, false);
    let d = doc(&json);
    assert_eq!(d.summary.add, 14);
    let cid = "c4f1e2d3a4b5c6d7e8f9a0b1c2d3e4f5a";
    for pool in ["np-heifei", "np-chengdu"] {
        let ps = format!("pool_service.default/cube-svc-{pool}");
        assert!(addresses(&d, "create").contains(&ps), "{ps}");
        for kind in ["elb", "eip"] {
            let c = d
                .resource_changes
                .iter()
                .find(|c| c.address == format!("{kind}.default/cube-svc/{pool}"))
                .expect("ELB and EIP per pool");
            assert_eq!(
                c.name.as_deref(),
                Some(format!("k8s/cube-svc/default/{pool}/{cid}").as_str())
            );
            assert!(c.after_unknown.contains(&"id".to_string()));
        }
        let listener = d
            .resource_changes
            .iter()
            .find(|c| c.address == format!("listener.default/cube-svc/{pool}/tcp-80"))
            .expect("one listener per Service port");
        // No nodePort is written: the listener port is known after apply.
        assert!(
            listener
                .after_unknown
                .contains(&"listener_port".to_string())
        );
        let backends = d
            .resource_changes
            .iter()
            .find(|c| c.address == format!("backend.default/cube-svc/{pool}"))
            .and_then(|c| c.after.as_ref())
            .and_then(|a| match a.get("servers") {
                Some(lbplan::model::Value::List(servers)) => Some(servers.len()),
                _ => None,
            })
            .unwrap_or(0);
        assert_eq!(backends, 2, "{pool}: the DaemonSet runs on both nodes");
    }
    assert_eq!(
        d.outputs["default/cube-svc"].external_ip,
        ["(known after apply)", "(known after apply)"]
    );
}

/// Seed 000 Option B: PoolServices, no ELB or EIP created; listeners, server groups and
/// backends on the user's `lb-…` ids, all retained on removal.
#[test]
fn seed_000_option_b_uses_the_users_elbs() {
    root();
    let (json, _) = plan("edge-elb-self-managed", None, false);
    let d = doc(&json);
    assert!(d.resource_changes.iter().all(|c| c.kind.as_str() != "eip"));
    let noop = addresses(&d, "no-op");
    assert_eq!(
        noop,
        [
            "elb.default/cube-svc/np-chengdu/lb-5s3d8f1g6h0j2k4l7pchengdu",
            "elb.default/cube-svc/np-heifei/lb-5s9k2m7q1x4c8v0b3n6zhefei"
        ]
    );
    assert_eq!(d.summary.add, 8);
    let sg = d
        .resource_changes
        .iter()
        .find(|c| c.address == "server_group.default/cube-svc/np-heifei")
        .expect("server group on the user's ELB");
    assert_eq!(
        sg.after
            .as_ref()
            .and_then(|a| a.get("load_balancer_id"))
            .map(|v| v.to_string()),
        Some("\"lb-5s9k2m7q1x4c8v0b3n6zhefei\"".to_string())
    );
}

/// Seed 000 warning: relabelling a pool so that it no longer matches deletes that pool's
/// auto-managed ELB and EIP — destructive, with the relabel as the cause.
#[test]
fn relabelled_pool_deletes_its_elb_and_eip() {
    root();
    let (json, code) = plan("edge-elb-auto", Some("relabelled.state"), true);
    assert_eq!(code, 2, "changes with --detailed-exitcode");
    let d = doc(&json);
    for a in [
        "elb.default/cube-svc/np-wuhan",
        "eip.default/cube-svc/np-wuhan",
    ] {
        let c = d
            .resource_changes
            .iter()
            .find(|c| c.address == a)
            .expect("deleted");
        assert_eq!(c.actions, ["delete"]);
        assert!(c.destructive);
        assert!(
            c.reasons[0].contains("NodePool np-wuhan no longer matches selector `k8s-svc=cube`"),
            "{:?}",
            c.reasons
        );
    }
    assert_eq!(d.summary.destroy, 7);
    assert_eq!(
        d.outputs["default/cube-svc"].external_ip,
        ["144.121.8.67", "39.106.21.43"]
    );
}

/// Seed 000 "Important": "Updating the node pool selector … may also trigger ELB instance
/// deletion". The state was planned with `k8s-svc in (cube,cube-retired)`; the manifests
/// now say `k8s-svc=cube`, so np-wuhan's ELB and EIP go, and the cause names the change.
#[test]
fn selector_change_deletes_the_unmatched_regions_elb() {
    root();
    let (json, code) = plan("edge-elb-auto", Some("selector-changed.state"), true);
    assert_eq!(code, 2);
    let d = doc(&json);
    for a in [
        "elb.default/cube-svc/np-wuhan",
        "eip.default/cube-svc/np-wuhan",
    ] {
        let c = d
            .resource_changes
            .iter()
            .find(|c| c.address == a)
            .expect("deleted");
        assert_eq!(c.actions, ["delete"]);
        assert!(c.destructive);
        assert!(
            c.reasons[0].contains(
                "selector of Service default/cube-svc changed from `k8s-svc in (cube,cube-retired)` to `k8s-svc=cube`"
            ),
            "{:?}",
            c.reasons
        );
    }
    // The PoolServices that still match get the new selector in place.
    assert_eq!(d.summary.change, 2);
}

/// Seed 000 approach table: self-managed ELBs, EIPs, listeners and server groups are
/// retained, "manual cleanup required".
#[test]
fn relabelled_self_managed_pool_is_retained() {
    root();
    let (json, _) = plan("edge-elb-self-managed", Some("relabelled.state"), false);
    let d = doc(&json);
    let retained = addresses(&d, "retain");
    assert_eq!(retained.len(), 4, "{retained:?}");
    assert!(
        retained.contains(&"elb.default/cube-svc/np-wuhan/lb-5s0e4r7t2y9u1i3o6pwuhan".to_string())
    );
    assert!(
        d.resource_changes
            .iter()
            .filter(|c| c.actions == ["retain"])
            .all(|c| !c.destructive
                && c.reasons
                    .iter()
                    .any(|r| r.contains("manual cleanup required")))
    );
    assert_eq!(
        addresses(&d, "delete"),
        ["pool_service.default/cube-svc-np-wuhan"]
    );
}

/// Two ACK One fleets in one run are two ClusterProfiles (LBP2108, SPEC §1: a run describes
/// one cluster or one fleet). Their rules are still checked, but no plan is made: both
/// fleets' gateways have the address `alb.ackone-gateway-demo`, which used to surface as a
/// "bug in the provider" (LBP5005) on top of the real error.
#[test]
fn two_cluster_profiles_are_checked_but_not_planned() {
    let (out, code) = cli::run(Command::Plan(PlanArgs {
        inputs: vec![
            "examples/ackone-default".to_string(),
            "examples/ackone-weighted".to_string(),
        ],
        state: None,
        format: PlanFormat::Json,
        color: Color::Never,
        out: None,
        detailed_exitcode: false,
        profile: None,
        max_file_size: DEFAULT_MAX_FILE_SIZE,
    }));
    assert_eq!(code, 1, "{out}");
    let d = doc(&out);
    let codes: Vec<&str> = d.diagnostics.iter().map(|r| r.code.as_str()).collect();
    assert!(codes.contains(&"LBP2108"), "{codes:?}");
    assert!(!codes.contains(&"LBP5005"), "{codes:?}");
    assert!(d.resource_changes.is_empty());
}

#[test]
fn plan_json_round_trips_and_is_deterministic() {
    root();
    for ex in EXAMPLES {
        for state in [None, Some("relabelled.state")] {
            if state.is_some_and(|s| !has_state(ex, s)) {
                continue;
            }
            let (a, _) = plan(ex, state, false);
            let (b, _) = plan(ex, state, false);
            assert_eq!(a, b, "{ex}: two runs differ");
            assert_eq!(doc(&a).to_json(), a, "{ex}: JSON does not round-trip");
        }
    }
}

#[test]
fn no_changes_gives_exit_zero_with_detailed_exitcode() {
    root();
    let dir = std::env::temp_dir().join(format!("lbplan-plan-test-{}", std::process::id()));
    fs::create_dir_all(&dir).expect("temp dir");
    let out = dir.join("plan.json");
    let (json, code) = cli::run(Command::Plan(PlanArgs {
        inputs: vec!["examples/edge-elb-auto".to_string()],
        state: None,
        format: PlanFormat::Json,
        color: Color::Never,
        out: Some(out.clone()),
        detailed_exitcode: true,
        profile: None,
        max_file_size: DEFAULT_MAX_FILE_SIZE,
    }));
    assert_eq!(code, 2, "a first plan creates everything");
    assert_eq!(fs::read_to_string(&out).expect("--out written"), json);
    // A state recording exactly the planned resources: nothing left to do.
    let run = lbplan::compile::graph(
        &["examples/edge-elb-auto".to_string()],
        &lbplan::source::LoadOptions {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
        },
    );
    let state = lbplan::plan::State::from_model(&run.model, 1, "test");
    let state_path = dir.join("state.json");
    fs::write(&state_path, state.to_json()).expect("write state");
    let (json, code) = cli::run(Command::Plan(PlanArgs {
        inputs: vec!["examples/edge-elb-auto".to_string()],
        state: Some(state_path),
        format: PlanFormat::Json,
        color: Color::Never,
        out: None,
        detailed_exitcode: true,
        profile: None,
        max_file_size: DEFAULT_MAX_FILE_SIZE,
    }));
    assert_eq!(code, 0, "no changes:\n{json}");
    let _ = fs::remove_dir_all(&dir);
}

/// `lbplan graph`: the seed 000 model drawn as DOT and Mermaid, dependencies first.
#[test]
fn graph_command_draws_the_resource_graph() {
    use lbplan::cli::{GraphArgs, GraphFormat};
    root();
    let draw = |format| {
        cli::run(Command::Graph(GraphArgs {
            inputs: vec!["examples/edge-elb-auto".to_string()],
            format,
            profile: None,
        }))
    };
    let (dot, code) = draw(GraphFormat::Dot);
    assert_eq!(code, 0, "{dot}");
    assert!(dot.starts_with("digraph"), "{dot}");
    // 16 resources, and the ELB of each region depends on its PoolService.
    assert!(dot.matches("label=").count() >= 16, "{dot}");
    assert!(dot.contains("->"));
    let (mermaid, code) = draw(GraphFormat::Mermaid);
    assert_eq!(code, 0);
    assert!(mermaid.starts_with("flowchart LR"), "{mermaid}");
    assert!(mermaid.contains("-->"));
}
