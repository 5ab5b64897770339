//! `lbplan apply`: plan → apply → plan round trips on the ACK Edge ELB examples (seed
//! 000_98f32af70df98347.txt, Option A "auto-managed" and Option B "self-managed"), stale
//! and broken plans, the lock, crash-resume at every action, retries and the cloud's rules.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use lbplan::apply::{
    self, ApplyOptions, Cloud, CrashAt, CrashPoint, Faults, Outcome, Retry, lock_path,
    progress::Collect,
};
use lbplan::compile;
use lbplan::plan::State;
use lbplan::source::LoadOptions;

const AUTO: &str = "examples/edge-elb-auto";
const SELF_MANAGED: &str = "examples/edge-elb-self-managed";

/// Every example that plans (the `broken-*` ones are refused by design): issue 7 asks for
/// the plan → apply → plan round trip on each.
const PLANNED: &[&str] = &[
    AUTO,
    SELF_MANAGED,
    "examples/ack-clb",
    "examples/ack-edge-ens-forwarding",
    "examples/ack-hybrid-nlb",
    "examples/ack-nlb-source-ranges",
    "examples/cce-autocreate-public",
    "examples/cce-existing-elb",
    "examples/cce-https",
    "examples/ackone-default",
    "examples/ackone-single-cluster",
    "examples/ackone-header-routing",
    "examples/ackone-weighted",
];

/// A fresh, empty folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lbplan-apply-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn example(dir: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(dir)
        .display()
        .to_string()
}

/// `lbplan plan EXAMPLE --state STATE --out PLAN`; returns the plan path and whether it
/// changes anything.
fn plan(example_dir: &str, state: &Path, out: &Path) -> bool {
    let run = compile::plan(
        &[example(example_dir)],
        &LoadOptions::default(),
        Some(state),
    );
    std::fs::write(out, run.document().to_json()).expect("write plan");
    run.plan.expect("a plan").has_changes()
}

fn fast() -> ApplyOptions {
    ApplyOptions {
        parallelism: 1,
        allow_destroy: false,
        retry: Retry {
            attempts: 4,
            base: Duration::from_millis(1),
        },
        crash: None,
    }
}

fn run(plan: &Path, state: &Path, faults: Faults, opts: &ApplyOptions) -> Outcome {
    apply::apply_file(plan, state, faults, opts, &Collect::default())
}

fn codes(o: &Outcome) -> Vec<&'static str> {
    o.diagnostics.iter().map(|d| d.code).collect()
}

fn cloud(state: &State) -> Cloud {
    serde_json::from_value(state.sandbox.clone().expect("sandbox saved")).expect("cloud")
}

/// Applies `example_dir` to an empty state in `dir` without faults; returns the state.
fn uninterrupted(example_dir: &str, dir: &Path) -> State {
    let state = dir.join("reference.state.json");
    let plan_file = dir.join("reference.plan.json");
    plan(example_dir, &state, &plan_file);
    let o = run(&plan_file, &state, Faults::default(), &fast());
    assert!(o.diagnostics.is_empty(), "{:?}", o.diagnostics);
    State::load(&state).expect("state")
}

// seed 000_98f32af70df98347.txt, "Option A" (auto-managed ELB and EIP per region) and
// "Option B" (self-managed ELB ids on the PoolServices), and the scenarios of seeds 002
// (CLB, ENS forwarding, hybrid NLB), 003 (CCE) and 004 (ACK One ALB): after apply, the same
// manifests plan no changes.
#[test]
fn apply_then_plan_shows_no_changes_for_every_example() {
    for ex in PLANNED.iter().copied() {
        let dir = scratch(&format!("roundtrip-{}", ex.replace('/', "-")));
        let state = dir.join("lbplan.state.json");
        let plan_file = dir.join("plan.json");
        assert!(plan(ex, &state, &plan_file));
        let o = run(
            &plan_file,
            &state,
            Faults::default(),
            &ApplyOptions {
                parallelism: 4,
                ..fast()
            },
        );
        assert!(o.diagnostics.is_empty(), "{ex}: {:?}", o.diagnostics);
        assert!(!lock_path(&state).exists(), "lock released");
        assert!(
            !apply::journal_path(&state).exists(),
            "journal removed after success"
        );
        let written = State::load(&state).expect("state");
        assert!(written.applying.is_none());
        assert!(!written.lineage.is_empty());
        // Every cloud-assigned value is filled in.
        for r in &written.resources {
            for (k, v) in &r.attributes {
                assert_ne!(*v, lbplan::model::Value::Unknown, "{ex}: {} {k}", r.address);
            }
        }
        assert!(
            !plan(ex, &state, &dir.join("again.json")),
            "{ex}: second plan has changes"
        );
        let text = compile::plan(&[example(ex)], &LoadOptions::default(), Some(&state));
        let rendered = lbplan::render::plan_text::render(
            &text.sources,
            text.plan.as_ref().expect("plan"),
            &text.diagnostics,
            Default::default(),
        );
        assert!(rendered.contains("No changes."), "{ex}: {rendered}");
    }
}

#[test]
fn ids_and_addresses_are_deterministic() {
    let a = uninterrupted(AUTO, &scratch("determinism-a"));
    let b = uninterrupted(AUTO, &scratch("determinism-b"));
    assert_eq!(a.to_json(), b.to_json());
    let lb = a.resource("elb.default/cube-svc/np-chengdu").expect("elb");
    assert!(
        matches!(lb.attributes.get("id"), Some(lbplan::model::Value::String(s)) if s.starts_with("lb-"))
    );
}

#[test]
fn a_plan_applied_once_is_stale_the_second_time() {
    let (_, state, plan_file) = planned_example("stale");
    assert!(
        run(&plan_file, &state, Faults::default(), &fast())
            .diagnostics
            .is_empty()
    );
    let before = std::fs::read_to_string(&state).expect("state");
    let o = run(&plan_file, &state, Faults::default(), &fast());
    assert_eq!(codes(&o), ["LBP9001"]);
    assert_eq!(
        std::fs::read_to_string(&state).expect("state"),
        before,
        "state untouched"
    );
    // A plan whose lineage differs is stale even at the same serial.
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&plan_file).unwrap()).unwrap();
    let s = State::load(&state).unwrap();
    doc["prior_state"] = serde_json::json!({"serial": s.serial, "lineage": "another-history"});
    std::fs::write(&plan_file, doc.to_string()).unwrap();
    assert_eq!(
        codes(&run(&plan_file, &state, Faults::default(), &fast())),
        ["LBP9001"]
    );
}

#[test]
fn a_plan_with_errors_is_refused() {
    let dir = scratch("errors");
    let state = dir.join("s.json");
    let plan_file = dir.join("p.json");
    let run_ = compile::plan(
        &[example("examples/broken-selectors")],
        &LoadOptions::default(),
        Some(&state),
    );
    assert!(run_.diagnostics.has_errors(), "the example has errors");
    std::fs::write(&plan_file, run_.document().to_json()).unwrap();
    let o = run(&plan_file, &state, Faults::default(), &fast());
    assert_eq!(codes(&o), ["LBP9002"]);
    assert!(!state.exists());
}

#[test]
fn an_unreadable_or_foreign_plan_is_refused() {
    let dir = scratch("badplan");
    let state = dir.join("s.json");
    let o = run(
        &dir.join("missing.json"),
        &state,
        Faults::default(),
        &fast(),
    );
    assert_eq!(codes(&o), ["LBP9009"]);
    assert!(o.io_failed);
    std::fs::write(dir.join("p.json"), "{\"format_version\": \"2.0\"}").unwrap();
    let o = run(&dir.join("p.json"), &state, Faults::default(), &fast());
    assert_eq!(codes(&o), ["LBP9009"]);
}

#[test]
fn a_second_apply_is_refused_while_the_lock_is_held() {
    let (_, state, plan_file) = planned_example("lock");
    // This process is alive, so its lock is not stale.
    std::fs::write(lock_path(&state), format!("pid={}\n", std::process::id())).unwrap();
    let o = run(&plan_file, &state, Faults::default(), &fast());
    assert_eq!(codes(&o), ["LBP9003"]);
    let d = o.diagnostics.iter().next().unwrap();
    assert!(
        d.message.contains("locked by another apply"),
        "{}",
        d.message
    );
    assert!(!state.exists(), "nothing applied");
    std::fs::remove_file(lock_path(&state)).unwrap();
    assert!(
        run(&plan_file, &state, Faults::default(), &fast())
            .diagnostics
            .is_empty()
    );
}

/// Crash at every action, at each point of its life, with one and with three threads;
/// the re-run resumes and ends in exactly the state (resources, cloud objects, ids) of an
/// uninterrupted run: nothing lost, nothing created twice.
#[test]
fn crash_at_every_action_then_resume_converges() {
    let ref_dir = scratch("crash-ref");
    let reference = uninterrupted(AUTO, &ref_dir);
    let total = reference.resources.len();
    assert_eq!(total, 14);
    // Every run starts from an empty state, so one plan serves them all.
    let made = ref_dir.join("reference.plan.json");
    for parallelism in [1, 3] {
        for point in [
            CrashPoint::BeforeBackend,
            CrashPoint::AfterBackend,
            CrashPoint::AfterStateWrite,
        ] {
            for k in 1..=total {
                let dir = scratch(&format!("crash-{parallelism}-{point:?}-{k}"));
                let state = dir.join("s.json");
                let plan_file = dir.join("p.json");
                std::fs::copy(&made, &plan_file).unwrap();
                let crash = ApplyOptions {
                    parallelism,
                    crash: Some(CrashAt {
                        action: k,
                        point,
                        abort: false,
                    }),
                    ..fast()
                };
                let o = run(&plan_file, &state, Faults::default(), &crash);
                assert!(o.crashed, "{point:?} {k}: crash injected");
                assert!(lock_path(&state).exists(), "a crash leaves the lock");
                // The operator (or the dead-pid check of the binary) clears the lock.
                std::fs::remove_file(lock_path(&state)).unwrap();
                let o = run(
                    &plan_file,
                    &state,
                    Faults::default(),
                    &ApplyOptions {
                        parallelism,
                        ..fast()
                    },
                );
                let ctx = format!("parallelism {parallelism}, {point:?} at action {k}");
                assert!(!o.diagnostics.has_errors(), "{ctx}: {:?}", o.diagnostics);
                let s = State::load(&state).unwrap();
                assert_eq!(s.lineage, reference.lineage, "{ctx}");
                assert_eq!(s.resources, reference.resources, "{ctx}");
                let (c, r) = (cloud(&s), cloud(&reference));
                assert_eq!(c.objects, r.objects, "{ctx}: cloud objects");
                assert!(
                    c.generations.values().all(|g| *g == 1),
                    "{ctx}: created twice"
                );
                assert!(
                    s.applying.is_none() && !apply::journal_path(&state).exists(),
                    "{ctx}"
                );
                if k == total {
                    assert!(
                        !plan(AUTO, &state, &dir.join("again.json")),
                        "{ctx}: no changes"
                    );
                }
            }
        }
    }
}

#[test]
fn transient_errors_are_retried() {
    let (_, state, plan_file) = planned_example("transient");
    let mut faults = Faults::default();
    faults.transient.insert("*".to_string(), 3);
    let o = run(
        &plan_file,
        &state,
        faults,
        &ApplyOptions {
            parallelism: 4,
            ..fast()
        },
    );
    assert!(o.diagnostics.is_empty(), "{:?}", o.diagnostics);
    assert_eq!(o.applied.added, 14);
    let reference = uninterrupted(AUTO, &scratch("transient-ref"));
    assert_eq!(State::load(&state).unwrap().resources, reference.resources);
}

#[test]
fn transient_errors_beyond_the_retries_stop_and_resume() {
    let (_, state, plan_file) = planned_example("exhausted");
    let mut faults = Faults::default();
    faults
        .transient
        .insert("eip.default/cube-svc/np-heifei".to_string(), 10);
    let o = run(&plan_file, &state, faults, &fast());
    assert_eq!(codes(&o), ["LBP9005"]);
    let msg = &o.diagnostics.iter().next().unwrap().message;
    assert!(msg.contains("gave up after 4 attempts"), "{msg}");
    assert!(
        !lock_path(&state).exists(),
        "the lock is released after a reported failure"
    );
    let o = run(&plan_file, &state, Faults::default(), &fast());
    assert!(o.resumed && codes(&o) == ["LBP9013"], "{:?}", o.diagnostics);
    let reference = uninterrupted(AUTO, &scratch("exhausted-ref"));
    assert_eq!(State::load(&state).unwrap().resources, reference.resources);
}

#[test]
fn a_permanent_error_stops_the_wave_and_leaves_the_state_consistent() {
    let (_, state, plan_file) = planned_example("permanent");
    let mut faults = Faults::default();
    faults
        .permanent
        .insert("eip.default/cube-svc/np-chengdu".to_string());
    let o = run(
        &plan_file,
        &state,
        faults,
        &ApplyOptions {
            parallelism: 4,
            ..fast()
        },
    );
    assert_eq!(codes(&o), ["LBP9004"]);
    let s = State::load(&state).unwrap();
    // The failure stops its wave: the other EIP was recorded if it had already started
    // (with 4 threads it usually has; the order of threads decides), never half-made. No
    // later wave started.
    assert!(s.resource("eip.default/cube-svc/np-chengdu").is_none());
    assert!(
        s.resources
            .iter()
            .all(|r| !r.address.starts_with("eip_binding."))
    );
    assert!(
        s.resources
            .iter()
            .all(|r| !r.address.starts_with("listener."))
    );
    // Every recorded resource is in the cloud, and the other way round.
    let c = cloud(&s);
    assert_eq!(c.managed.len(), s.resources.len());
    for r in &s.resources {
        assert!(c.managed.contains_key(&r.address), "{}", r.address);
    }
    let o = run(&plan_file, &state, Faults::default(), &fast());
    assert!(!o.diagnostics.has_errors(), "{:?}", o.diagnostics);
    let reference = uninterrupted(AUTO, &scratch("permanent-ref"));
    assert_eq!(State::load(&state).unwrap().resources, reference.resources);
}

/// A plan file edited as JSON: `edit` changes the document.
fn edited_plan(dir: &Path, state: &Path, edit: impl FnOnce(&mut serde_json::Value)) -> PathBuf {
    let s = State::load(state).unwrap();
    let file = dir.join("edited.json");
    let mut doc = serde_json::json!({
        "format_version": "1.0",
        "prior_state": {"serial": s.serial, "lineage": s.lineage},
        "resource_changes": [],
        "diagnostics": [],
        "summary": {"add": 0, "change": 0, "destroy": 0, "retain": 0}
    });
    edit(&mut doc);
    std::fs::write(&file, doc.to_string()).unwrap();
    file
}

fn change_of(
    state: &Path,
    address: &str,
    actions: &[&str],
    after: Option<serde_json::Value>,
) -> serde_json::Value {
    let s = State::load(state).unwrap();
    let r = s.resource(address).expect("recorded");
    let before = serde_json::to_value(&r.attributes).unwrap();
    serde_json::json!({
        "address": address, "kind": r.kind, "provider": r.provider, "name": r.name,
        "actions": actions, "destructive": actions.contains(&"delete"), "reasons": [],
        "before": before, "after": after, "after_unknown": [],
        "depends_on": r.depends_on, "sources": [], "owner": r.owner,
        "delete_policy": r.delete_policy
    })
}

/// A scratch folder `name` with seed 000 Option A planned against an empty state there;
/// returns the folder, the state file and the plan file.
fn planned_example(name: &str) -> (PathBuf, PathBuf, PathBuf) {
    let dir = scratch(name);
    let state = dir.join("s.json");
    let plan_file = dir.join("p.json");
    plan(AUTO, &state, &plan_file);
    (dir, state, plan_file)
}

/// A scratch folder `name` whose state holds seed 000 Option A applied; returns the folder
/// and the state file.
fn applied_example(name: &str) -> (PathBuf, PathBuf) {
    let (dir, state, plan_file) = planned_example(name);
    run(&plan_file, &state, Faults::default(), &fast());
    (dir, state)
}

/// The attributes the state records for `address`, as JSON to edit into a plan.
fn recorded_attributes(state: &Path, address: &str) -> serde_json::Value {
    let s = State::load(state).unwrap();
    serde_json::to_value(&s.resource(address).unwrap().attributes).unwrap()
}

#[test]
fn the_sandbox_refuses_to_update_an_immutable_attribute() {
    let (dir, state) = applied_example("immutable");
    let elb = "elb.default/cube-svc/np-chengdu";
    let mut after = recorded_attributes(&state, elb);
    after["region_id"] = "cn-beijing-cmcc".into();
    let edited = edited_plan(&dir, &state, |d| {
        d["resource_changes"] =
            serde_json::json!([change_of(&state, elb, &["update"], Some(after))]);
    });
    let o = run(&edited, &state, Faults::default(), &fast());
    assert_eq!(codes(&o), ["LBP9006"]);
    assert!(
        o.diagnostics
            .iter()
            .next()
            .unwrap()
            .message
            .contains("`region_id` cannot be changed")
    );
}

#[test]
fn the_sandbox_refuses_a_listener_port_used_twice_on_one_load_balancer() {
    let (dir, state) = applied_example("port");
    let s = State::load(&state).unwrap();
    let first = s
        .resource("listener.default/cube-svc/np-chengdu/tcp-80")
        .unwrap();
    let mut second = change_of(&state, &first.address, &["create"], None);
    second["address"] = "listener.default/cube-svc/np-chengdu/tcp-8080".into();
    second["after"] = serde_json::to_value(&first.attributes).unwrap();
    second["before"] = serde_json::Value::Null;
    let edited = edited_plan(&dir, &state, |d| {
        d["resource_changes"] = serde_json::json!([second])
    });
    let o = run(&edited, &state, Faults::default(), &fast());
    assert_eq!(codes(&o), ["LBP9007"]);
}

#[test]
fn the_sandbox_refuses_to_delete_a_load_balancer_with_listeners() {
    let (dir, state) = applied_example("listeners-left");
    let elb = "elb.default/cube-svc/np-heifei";
    let edited = edited_plan(&dir, &state, |d| {
        d["resource_changes"] = serde_json::json!([change_of(&state, elb, &["delete"], None)]);
    });
    // Destructive: refused without the flag, before anything runs.
    assert_eq!(
        codes(&run(&edited, &state, Faults::default(), &fast())),
        ["LBP9012"]
    );
    let o = run(
        &edited,
        &state,
        Faults::default(),
        &ApplyOptions {
            allow_destroy: true,
            ..fast()
        },
    );
    assert_eq!(codes(&o), ["LBP9008"]);
    assert!(
        State::load(&state).unwrap().resource(elb).is_some(),
        "still recorded"
    );
}

// golden/edge-elb-self-managed/plan-relabelled.txt (seed 000 Option B: a self-managed ELB's
// listeners and server groups are retained when its pool leaves the selector).
#[test]
fn retained_and_deleted_resources_leave_the_state() {
    for ex in [AUTO, SELF_MANAGED] {
        let dir = scratch(&format!("relabelled-{}", ex.replace('/', "-")));
        let state = dir.join("s.json");
        std::fs::copy(
            Path::new(&example(ex)).join("state/relabelled.state"),
            &state,
        )
        .unwrap();
        let plan_file = dir.join("p.json");
        assert!(plan(ex, &state, &plan_file));
        let o = run(
            &plan_file,
            &state,
            Faults::default(),
            &ApplyOptions {
                allow_destroy: true,
                ..fast()
            },
        );
        assert!(!o.diagnostics.has_errors(), "{ex}: {:?}", o.diagnostics);
        assert!(o.applied.destroyed + o.applied.retained > 0);
        assert!(
            !plan(ex, &state, &dir.join("again.json")),
            "{ex}: no changes after apply"
        );
    }
}

#[test]
fn a_replacement_deletes_the_old_object_and_creates_a_new_one() {
    let (dir, state) = applied_example("replace");
    let address = "listener.default/cube-svc/np-chengdu/tcp-80";
    let mut after = recorded_attributes(&state, address);
    after["protocol"] = "udp".into();
    let edited = edited_plan(&dir, &state, |d| {
        let mut c = change_of(&state, address, &["delete", "create"], Some(after));
        c["destructive"] = true.into();
        d["resource_changes"] = serde_json::json!([c]);
    });
    let o = run(
        &edited,
        &state,
        Faults::default(),
        &ApplyOptions {
            allow_destroy: true,
            ..fast()
        },
    );
    assert!(o.diagnostics.is_empty(), "{:?}", o.diagnostics);
    assert_eq!((o.applied.added, o.applied.destroyed), (1, 1));
    let s = State::load(&state).unwrap();
    let r = s.resource(address).unwrap();
    assert_eq!(
        r.attributes.get("protocol"),
        Some(&lbplan::model::Value::from("udp"))
    );
    let c = cloud(&s);
    assert_eq!(c.generations.get(address), Some(&2));
    assert_eq!(
        c.objects.values().filter(|o| o.address == address).count(),
        1
    );
}

fn lbplan(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_lbplan"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("runs")
}

/// The binary, killed (abort) at its 6th action, leaves the lock of a dead process; the
/// next `apply` takes it over, resumes, and `plan` then shows no changes.
#[test]
fn the_binary_resumes_after_a_real_crash() {
    let dir = scratch("binary-crash");
    let state = dir.join("lbplan.state.json");
    let plan_file = dir.join("plan.json");
    let (s, p) = (state.to_str().unwrap(), plan_file.to_str().unwrap());
    let out = lbplan(&["plan", AUTO, "--state", s, "--out", p]);
    assert_eq!(out.status.code(), Some(0));
    // One thread, so that exactly six actions are recorded when it dies.
    let out = lbplan(&[
        "apply",
        p,
        "--state",
        s,
        "--parallelism",
        "1",
        "--sandbox-fault",
        "crash=6:after-write",
    ]);
    assert_eq!(out.status.code(), None, "killed by the abort");
    assert!(lock_path(&state).exists());
    let out = lbplan(&["apply", p, "--state", s, "--retry-base-ms", "1"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("took over the lock"), "{stdout}");
    assert!(
        stdout.contains("resuming the interrupted apply of this plan: 6 action(s) already done"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Apply complete! Resources: 8 added, 0 changed, 0 destroyed."),
        "{stdout}"
    );
    // The journal saw the sixth action begin but not end.
    assert!(
        stdout.contains("in flight when it stopped: eip.default/cube-svc/np-heifei"),
        "{stdout}"
    );
    // Progress: one plain line per completed action on stderr (not a terminal here).
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr
            .lines()
            .filter(|l| l.contains(": Creation complete"))
            .count(),
        8,
        "{stderr}"
    );
    let out = lbplan(&["plan", AUTO, "--state", s, "--detailed-exitcode"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = lbplan(&[
        "state",
        "show",
        "elb.default/cube-svc/np-heifei",
        "--state",
        s,
    ]);
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains("id         = \"lb-sbx"), "{shown}");
    let out = lbplan(&["state", "list", "--state", s]);
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 14);
}

#[test]
fn the_binary_exit_codes() {
    let dir = scratch("binary-codes");
    let state = dir.join("s.json");
    let plan_file = dir.join("p.json");
    let (s, p) = (state.to_str().unwrap(), plan_file.to_str().unwrap());
    assert_eq!(
        lbplan(&["apply", p, "--state", s]).status.code(),
        Some(2),
        "missing plan file"
    );
    lbplan(&["plan", AUTO, "--state", s, "--out", p]);
    let out = lbplan(&[
        "apply",
        p,
        "--state",
        s,
        "--sandbox-fault",
        "permanent=backend.default/cube-svc/np-heifei",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("LBP9004") && stdout.contains("Apply failed."),
        "{stdout}"
    );
    assert_eq!(
        lbplan(&["apply", p, "--state", s]).status.code(),
        Some(0),
        "resumes"
    );
    let out = lbplan(&["apply", p, "--state", s]);
    assert_eq!(out.status.code(), Some(1), "stale");
    assert!(String::from_utf8_lossy(&out.stdout).contains("LBP9001"));
    assert_eq!(
        lbplan(&["apply", p, "--state", s, "--sandbox-fault", "bogus"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        lbplan(&["state", "show", "nope", "--state", s])
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn after_a_failed_apply_a_new_plan_against_the_partial_state_applies() {
    let (dir, state, plan_file) = planned_example("replan");
    let mut faults = Faults::default();
    faults
        .permanent
        .insert("listener.default/cube-svc/np-heifei/tcp-80".to_string());
    assert_eq!(
        codes(&run(&plan_file, &state, faults, &fast())),
        ["LBP9004"]
    );
    // The new plan only creates what is missing; the old plan is now stale.
    let fresh = dir.join("fresh.json");
    assert!(plan(AUTO, &state, &fresh));
    let o = run(&fresh, &state, Faults::default(), &fast());
    assert!(o.diagnostics.is_empty(), "{:?}", o.diagnostics);
    assert!(o.applied.added < 14);
    assert_eq!(
        codes(&run(&plan_file, &state, Faults::default(), &fast())),
        ["LBP9001"]
    );
    assert!(!plan(AUTO, &state, &dir.join("again.json")));
}
