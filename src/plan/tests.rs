//! Tests of the plan engine on a two-region ACK Edge scenario (seed 000): one pool keeps
//! matching (its resources are updated, replaced, kept), one stops matching (its
//! auto-managed resources are deleted), one self-managed pool goes away (retained).

use super::*;
use crate::model::{Kind, Model, Owner, ProviderKind, Resource, UpdatePolicy as P, Value};
use crate::source::{SourceMap, Span};

const ELB: ProviderKind = ProviderKind::AlibabaElb;

fn res(kind: Kind, address: &str) -> Resource {
    Resource::new(address, kind, ELB)
}

fn retain() -> DeletePolicy {
    DeletePolicy::Retain {
        reason: "self-managed: manual cleanup required".into(),
    }
}

/// The resources of one pool; `spec`, `bandwidth`, `port` vary between prior and desired.
fn pool(
    pool: &str,
    spec: &str,
    bandwidth: i64,
    port: i64,
    known: bool,
    span: Option<Span>,
) -> Vec<Resource> {
    let id = |s: &str| {
        if known {
            Value::from(s)
        } else {
            Value::Unknown
        }
    };
    let a = |k: &str| format!("{k}.default/cube-svc/{pool}");
    let mut elb = res(Kind::LoadBalancer, &a("elb"))
        .with_name(format!("k8s/cube-svc/default/{pool}/c1"))
        .with_attr("id", id("lb-1"), P::Computed)
        .with_attr("spec", spec, P::NotAppliedByController)
        .with_attr("network_id", "n-1", P::NotAppliedByController);
    if let Some(s) = span {
        elb = elb.with_provenance(s);
    }
    vec![
        elb,
        res(Kind::Eip, &a("eip"))
            .with_attr("id", id("eip-1"), P::Computed)
            .with_attr("bandwidth", bandwidth, P::InPlace),
        res(Kind::EipBinding, &a("eip_binding"))
            .depends_on(a("elb"))
            .depends_on(a("eip")),
        res(Kind::Listener, &format!("{}/tcp-80", a("listener")))
            .with_attr("port", port, P::ForcesReplacement)
            .with_attr("protocol", "TCP", P::ForcesReplacement)
            .depends_on(a("elb")),
        res(Kind::ServerGroup, &a("server_group"))
            .with_attr("id", id("sg-1"), P::Computed)
            .depends_on(a("elb")),
    ]
}

fn self_managed() -> Vec<Resource> {
    vec![
        res(Kind::LoadBalancer, "elb.default/cube-svc/np-own")
            .with_owner(Owner::User)
            .with_attr("id", "lb-own", P::Computed)
            .with_delete_policy(retain()),
        res(Kind::Listener, "listener.default/cube-svc/np-own/tcp-80")
            .with_attr("port", 30080i64, P::ForcesReplacement)
            .with_delete_policy(retain())
            .depends_on("elb.default/cube-svc/np-own"),
    ]
}

fn model(rs: Vec<Resource>) -> Model {
    Model::from_resources(rs).expect("unique addresses")
}

fn prior() -> Model {
    let mut rs = pool("np-hefei", "elb.s1.small", 5, 30080, true, None);
    rs.extend(pool("np-hangzhou", "elb.s1.small", 5, 30080, true, None));
    rs.extend(self_managed());
    model(rs)
}

fn desired(span: Option<Span>) -> Model {
    let mut rs = pool("np-hefei", "elb.s2.medium", 10, 30081, false, span);
    rs.push(
        res(Kind::Backend, "backend.default/cube-svc/np-hefei/node-1")
            .with_attr("server_id", "node-1", P::ForcesReplacement)
            .with_attr("weight", 100i64, P::InPlace)
            .depends_on("server_group.default/cube-svc/np-hefei"),
    );
    model(rs)
}

struct Selector;
impl Causes for Selector {
    fn why_absent(&self, address: &str) -> Option<String> {
        address
            .contains("np-hangzhou")
            .then(|| "NodePool np-hangzhou no longer matches selector k8s-svc=cube".to_string())
    }
    fn why_present(&self, _: &str) -> Option<String> {
        None
    }
}

fn plan() -> Plan {
    diff(&prior(), &desired(None), &Selector).expect("acyclic")
}

fn change<'a>(p: &'a Plan, address: &str) -> &'a Change {
    p.changes
        .iter()
        .find(|c| c.address == address)
        .unwrap_or_else(|| panic!("no change for {address}"))
}

#[test]
fn every_action_kind_is_planned() {
    let p = plan();
    let action = |a: &str| change(&p, a).action;
    assert_eq!(
        action("backend.default/cube-svc/np-hefei/node-1"),
        Action::Create
    );
    assert_eq!(action("eip.default/cube-svc/np-hefei"), Action::Update);
    assert_eq!(
        action("listener.default/cube-svc/np-hefei/tcp-80"),
        Action::Replace
    );
    assert_eq!(action("elb.default/cube-svc/np-hangzhou"), Action::Delete);
    assert_eq!(action("elb.default/cube-svc/np-own"), Action::Retain);
    assert_eq!(
        action("eip_binding.default/cube-svc/np-hefei"),
        Action::NoOp
    );
    assert!(p.has_changes());
}

#[test]
fn replacement_names_each_forcing_attribute() {
    let p = plan();
    let c = change(&p, "listener.default/cube-svc/np-hefei/tcp-80");
    assert_eq!(c.replace_paths, vec!["port"]);
    assert_eq!(
        c.reason_texts(),
        ["`port` forces replacement: 30080 -> 30081"]
    );
    assert_eq!(c.action.contract(), ["delete", "create"]);
}

/// Seed 000, "ELB update policy" table: "ELB attributes … Update: attributes cannot be
/// updated". A changed spec is a no-op with the way out, and a warning at the manifest.
#[test]
fn seed_000_elb_update_policy_attribute_change_is_not_applied_and_warned() {
    let mut sources = SourceMap::new();
    let f = sources.add("svc.yaml", "kind: Service\nspec: x\n".to_string());
    let span = Span::new(f, 14, 18);
    let p = diff(&prior(), &desired(Some(span)), &Selector).expect("acyclic");
    let c = change(&p, "elb.default/cube-svc/np-hefei");
    assert_eq!(c.action, Action::NoOp);
    assert_eq!(c.not_applied, vec!["spec"]);
    assert_eq!(
        c.reason_texts(),
        [
            "attribute `spec` changed from \"elb.s1.small\" to \"elb.s2.medium\" but the \
             controller does not apply attribute changes to an existing ELB; recreate the \
             Service (or change it in the console) to apply it"
        ]
    );
    let after = c.after.as_ref().expect("kept");
    assert_eq!(after.get("spec"), Some(&Value::from("elb.s1.small")));
    assert_eq!(
        after.get("id"),
        Some(&Value::from("lb-1")),
        "computed id carried over"
    );
    assert_eq!(p.warnings.len(), 1);
    let w = &p.warnings[0];
    assert_eq!(
        (w.code, w.severity),
        ("LBP5001", crate::diag::Severity::Warning)
    );
    assert_eq!(w.primary().map(|l| l.span), Some(span));
    assert!(
        w.help
            .as_deref()
            .is_some_and(|h| h.contains("recreate the Service"))
    );
}

#[test]
fn seed_000_eip_bandwidth_updates_in_place() {
    let p = plan();
    let c = change(&p, "eip.default/cube-svc/np-hefei");
    assert_eq!(
        c.reason_texts(),
        ["`bandwidth` is updated in place: 5 -> 10"]
    );
    assert!(!c.destructive);
    let after = c.after.as_ref().expect("after");
    assert_eq!(after.get("bandwidth"), Some(&Value::Int(10)));
}

#[test]
fn deletes_of_auto_managed_resources_are_destructive_and_name_the_cause() {
    let p = plan();
    for (a, destructive) in [
        ("elb.default/cube-svc/np-hangzhou", true),
        ("eip.default/cube-svc/np-hangzhou", true),
        ("listener.default/cube-svc/np-hangzhou/tcp-80", true),
        ("server_group.default/cube-svc/np-hangzhou", true),
        ("eip_binding.default/cube-svc/np-hangzhou", false),
        ("listener.default/cube-svc/np-hefei/tcp-80", true),
        ("eip.default/cube-svc/np-hefei", false),
    ] {
        let c = change(&p, a);
        assert_eq!(c.destructive, destructive, "{a}");
        if c.action == Action::Delete {
            assert_eq!(
                c.reason_texts(),
                ["NodePool np-hangzhou no longer matches selector k8s-svc=cube"]
            );
            assert!(c.after.is_none() && c.before.is_some());
        }
    }
}

#[test]
fn self_managed_resources_are_retained_with_manual_cleanup() {
    let p = plan();
    for a in [
        "elb.default/cube-svc/np-own",
        "listener.default/cube-svc/np-own/tcp-80",
    ] {
        let c = change(&p, a);
        assert_eq!(c.action, Action::Retain);
        assert!(!c.destructive);
        assert_eq!(&*c.reasons[0], "no longer produced by the manifests");
        assert_eq!(&*c.reasons[1], "self-managed: manual cleanup required");
    }
}

#[test]
fn user_owned_objects_are_never_created_or_changed() {
    let own = || {
        res(Kind::LoadBalancer, "elb.x")
            .with_owner(Owner::User)
            .with_attr("spec", "a", P::InPlace)
    };
    let p = diff(&Model::new(), &model(vec![own()]), &NoCauses).expect("ok");
    assert_eq!(p.changes[0].action, Action::NoOp);
    assert!(p.changes[0].reasons[0].starts_with("owned by the user"));
    let changed = own().with_attr("spec", "b", P::ForcesReplacement);
    let p = diff(&model(vec![own()]), &model(vec![changed]), &NoCauses).expect("ok");
    assert_eq!(p.changes[0].action, Action::NoOp);
    assert_eq!(p.changes[0].not_applied, vec!["spec"]);
    let p = diff(&model(vec![own()]), &Model::new(), &NoCauses).expect("ok");
    assert_eq!(p.changes[0].action, Action::Retain);
}

#[test]
fn summary_counts_replace_as_add_and_destroy() {
    let p = plan();
    // add: backend + listener replacement; change: eip; destroy: 5 hangzhou + replacement.
    assert_eq!(
        p.summary,
        Summary {
            add: 2,
            change: 1,
            destroy: 6,
            retain: 2
        }
    );
}

#[test]
fn creates_come_in_dependency_order_then_deletes_in_reverse() {
    let p = plan();
    let pos = |a: &str| {
        p.changes
            .iter()
            .position(|c| c.address == a)
            .unwrap_or(usize::MAX)
    };
    let first_delete = p
        .changes
        .iter()
        .position(|c| matches!(c.action, Action::Delete | Action::Retain))
        .unwrap_or(usize::MAX);
    assert!(
        p.changes[first_delete..]
            .iter()
            .all(|c| matches!(c.action, Action::Delete | Action::Retain))
    );
    assert!(pos("elb.default/cube-svc/np-hefei") < pos("eip_binding.default/cube-svc/np-hefei"));
    assert!(
        pos("server_group.default/cube-svc/np-hefei")
            < pos("backend.default/cube-svc/np-hefei/node-1")
    );
    assert!(
        pos("eip_binding.default/cube-svc/np-hangzhou") < pos("elb.default/cube-svc/np-hangzhou")
    );
    assert!(pos("listener.default/cube-svc/np-own/tcp-80") < pos("elb.default/cube-svc/np-own"));
}

#[test]
fn unchanged_models_plan_nothing() {
    let p = diff(&prior(), &prior(), &NoCauses).expect("ok");
    assert!(!p.has_changes());
    assert_eq!(p.summary, Summary::default());
    assert!(p.warnings.is_empty());
}

#[test]
fn cycles_in_the_desired_model_are_reported_with_every_member() {
    let mut sources = SourceMap::new();
    let f = sources.add("a.yaml", "abcdef".to_string());
    let m = model(vec![
        res(Kind::Listener, "b")
            .depends_on("c")
            .with_provenance(Span::new(f, 0, 1)),
        res(Kind::Listener, "a")
            .depends_on("b")
            .with_provenance(Span::new(f, 2, 3)),
        res(Kind::Listener, "c").depends_on("a"),
    ]);
    let errs = diff(&Model::new(), &m, &NoCauses).expect_err("cycle");
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].code, "LBP5002");
    assert_eq!(
        errs[0].message,
        "resources depend on each other in a cycle: `a`, `b`, `c`"
    );
    assert_eq!(errs[0].labels.len(), 2);
    let m = model(vec![res(Kind::Listener, "a").depends_on("gone")]);
    let errs = diff(&Model::new(), &m, &NoCauses).expect_err("dangling");
    assert_eq!(errs[0].code, "LBP5003");
}

fn document() -> String {
    let mut sources = SourceMap::new();
    let f = sources.add("svc.yaml", "kind: Service\nspec: x\n".to_string());
    let p = diff(&prior(), &desired(Some(Span::new(f, 14, 18))), &Selector)
        .expect("ok")
        .against(&State {
            serial: 7,
            lineage: "4f1c".into(),
            ..State::empty()
        });
    let owned = PlanDocument::build(&sources, &p, &crate::diag::Diagnostics::new()).to_json();
    let outputs = super::Outputs::default();
    assert_eq!(
        through_sink(&sources, &p, &outputs, true),
        owned,
        "the plan file written change by change must be byte-identical too"
    );
    owned
}

/// The plan file as `lbplan plan` writes it: each change handed to a [`JsonPlanWriter`].
fn through_sink(sources: &SourceMap, p: &Plan, outputs: &super::Outputs, begin: bool) -> String {
    use super::{JsonPlanWriter, PlanEnd, PlanSink, PlanStart};
    let mut bytes = Vec::new();
    let mut w = JsonPlanWriter::new(&mut bytes);
    let start = PlanStart {
        prior_state: p.prior_state.as_ref(),
        prior_is_empty: false,
    };
    if begin {
        w.begin(sources, &start).expect("writes");
    }
    for c in &p.changes {
        w.change(sources, c.clone()).expect("writes");
    }
    let diags = crate::diag::Diagnostics::new();
    let end = PlanEnd {
        planned: true,
        prior_state: p.prior_state.as_ref(),
        summary: p.summary,
        has_changes: p.has_changes(),
        warnings: &p.warnings,
        diagnostics: &diags,
        outputs,
    };
    w.end(sources, &end).expect("writes");
    drop(w);
    String::from_utf8(bytes).expect("utf-8")
}

#[test]
fn the_plan_file_written_change_by_change_matches_the_document_when_empty_or_with_outputs() {
    let sources = SourceMap::new();
    let empty = diff(&Model::new(), &Model::new(), &NoCauses).expect("ok");
    let none = super::Outputs::default();
    let owned = PlanDocument::build(&sources, &empty, &crate::diag::Diagnostics::new());
    // A run that never began (an unreadable input) still writes a whole document.
    assert_eq!(
        through_sink(&sources, &empty, &none, false),
        owned.to_json()
    );
    assert_eq!(through_sink(&sources, &empty, &none, true), owned.to_json());
    let mut outputs = super::Outputs::default();
    outputs.add("default/cube-svc", Some("47.0.0.1"));
    outputs.add("default/cube-svc", None);
    outputs.finish();
    let with_outputs = owned.with_outputs(outputs.to_map()).to_json();
    assert_eq!(through_sink(&sources, &empty, &outputs, true), with_outputs);
}

#[test]
fn plan_json_round_trips_and_is_byte_identical_across_runs() {
    let text = document();
    assert_eq!(text, document());
    let doc = PlanDocument::from_json(&text).expect("reads back");
    assert_eq!(doc.to_json(), text);
    let v: serde_json::Value = serde_json::from_str(&text).expect("json");
    let keys: Vec<&str> = v
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    assert_eq!(
        keys,
        [
            "format_version",
            "prior_state",
            "resource_changes",
            "diagnostics",
            "summary"
        ]
    );
    assert_eq!(v["format_version"], "1.0");
    assert_eq!(v["prior_state"]["serial"], 7);
    assert_eq!(v["diagnostics"][0]["code"], "LBP5001");
    assert_eq!(v["diagnostics"][0]["line"], 2);
    let created = v["resource_changes"]
        .as_array()
        .and_then(|a| a.iter().find(|c| c["actions"][0] == "create"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(created["kind"], "backend");
    assert_eq!(created["provider"], "alibaba-elb");
    assert_eq!(created["before"], serde_json::Value::Null);
    let replaced = v["resource_changes"]
        .as_array()
        .and_then(|a| {
            a.iter()
                .find(|c| c["actions"].as_array().map(Vec::len) == Some(2))
        })
        .cloned()
        .unwrap_or_default();
    assert_eq!(replaced["actions"], serde_json::json!(["delete", "create"]));
    assert_eq!(replaced["destructive"], true);
    for c in doc.resource_changes {
        assert!(c.action().is_some(), "{:?}", c.actions);
    }
}

#[test]
fn unknown_attributes_are_listed_in_after_unknown_not_after() {
    let p = diff(&Model::new(), &desired(None), &NoCauses).expect("ok");
    let doc = PlanDocument::build(&SourceMap::new(), &p, &crate::diag::Diagnostics::new());
    let elb = doc
        .resource_changes
        .iter()
        .find(|c| c.address == "elb.default/cube-svc/np-hefei")
        .expect("planned");
    assert_eq!(elb.after_unknown, vec!["id"]);
    assert!(elb.after.as_ref().is_some_and(|a| !a.contains_key("id")));
    assert_eq!(elb.reasons, vec!["not in the prior state"]);
}

#[test]
fn state_round_trips_and_a_missing_file_is_empty() {
    let dir = std::env::temp_dir().join(format!("lbplan-state-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let missing = dir.join("none.json");
    assert_eq!(State::load(&missing).expect("empty"), State::empty());

    let state = State::from_model(&prior(), 3, "abc");
    let path = dir.join("state.json");
    std::fs::write(&path, state.to_json()).expect("write");
    let back = State::load(&path).expect("reads");
    assert_eq!(back, state);
    assert_eq!(back.to_json(), state.to_json());

    // Against its own state, the desired model that produced it plans no changes.
    let p = diff(&back.to_model().expect("model"), &prior(), &NoCauses).expect("ok");
    assert!(!p.has_changes(), "{:#?}", p.changes);

    std::fs::write(&path, "{\"version\": 1,").expect("write");
    let err = State::load(&path).expect_err("invalid");
    assert!(matches!(err, StateError::Parse { .. }), "{err}");
    assert_eq!(err.to_diagnostic().code, "LBP5004");
    std::fs::write(
        &path,
        state.to_json().replace("\"version\": 1", "\"version\": 2"),
    )
    .expect("write");
    assert!(matches!(
        State::load(&path),
        Err(StateError::Version { found: 2, .. })
    ));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_state_prior_plans_updates_with_the_desired_policies() {
    let state = State::from_model(&prior(), 1, "l");
    let p = diff(&state.to_model().expect("model"), &desired(None), &Selector).expect("ok");
    assert_eq!(p.summary, plan().summary);
    assert_eq!(
        change(&p, "elb.default/cube-svc/np-hefei").action,
        Action::NoOp
    );
}
