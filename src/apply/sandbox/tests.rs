use super::*;
use crate::apply::backend::{Dependency, Failure};

fn op(address: &str, kind: Kind, token: &str) -> Operation {
    Operation {
        address: address.to_string(),
        kind,
        provider: ProviderKind::AlibabaElb,
        name: None,
        token: token.to_string(),
        attributes: IndexMap::new(),
        unknown: Vec::new(),
        dependencies: Vec::new(),
    }
}

fn listener(address: &str, lb: &str, port: Option<i64>) -> Operation {
    let mut o = op(address, Kind::Listener, address);
    o.attributes
        .insert("protocol".to_string(), Value::from("tcp"));
    match port {
        Some(p) => {
            o.attributes
                .insert("listener_port".to_string(), Value::Int(p));
        }
        None => o.unknown.push("listener_port".to_string()),
    }
    o.dependencies.push(Dependency {
        address: lb.to_string(),
        kind: Kind::LoadBalancer,
        attributes: IndexMap::new(),
    });
    o
}

fn sandbox() -> Sandbox {
    Sandbox::new("lineage-1", None, Faults::default()).expect("empty cloud")
}

fn load_balancer(s: &Sandbox, address: &str) -> String {
    let mut o = op(address, Kind::LoadBalancer, address);
    o.unknown = vec!["id".to_string(), "address".to_string()];
    match s.create(&o).expect("created").get("id") {
        Some(Value::String(id)) => id.to_string(),
        other => panic!("no id: {other:?}"),
    }
}

#[test]
fn a_repeated_create_with_the_same_token_returns_the_first_object() {
    let s = sandbox();
    let mut o = op("elb.a", Kind::LoadBalancer, "t1");
    o.unknown = vec!["id".to_string(), "address".to_string()];
    let first = s.create(&o).expect("created");
    assert_eq!(s.create(&o).expect("idempotent"), first);
    assert_eq!(s.cloud().objects.len(), 1);
    // Another token at a managed address means the state lost track of the object.
    let mut again = o.clone();
    again.token = "t2".to_string();
    assert_eq!(s.create(&again).unwrap_err().code, codes::BACKEND_REFUSED);
}

#[test]
fn ids_depend_on_lineage_address_and_generation() {
    let s = sandbox();
    let first = load_balancer(&s, "elb.a");
    assert_eq!(first, load_balancer(&sandbox(), "elb.a"), "deterministic");
    let other = Sandbox::new("lineage-2", None, Faults::default()).unwrap();
    assert_ne!(first, load_balancer(&other, "elb.a"));
    s.delete(&op("elb.a", Kind::LoadBalancer, "d"))
        .expect("deleted");
    let mut o = op("elb.a", Kind::LoadBalancer, "second");
    o.unknown = vec!["id".to_string()];
    let second = s.create(&o).expect("created again");
    assert_ne!(
        second.get("id"),
        Some(&Value::from(first.as_str())),
        "a new object gets a new id"
    );
}

#[test]
fn assigned_listener_ports_avoid_the_ports_in_use_and_references_resolve() {
    let s = sandbox();
    let lb = load_balancer(&s, "elb.a");
    let a = s.create(&listener("listener.a", "elb.a", None)).unwrap();
    let b = s.create(&listener("listener.b", "elb.a", None)).unwrap();
    let port = |x: &Attributes| match x.get("listener_port") {
        Some(Value::Int(p)) => *p,
        other => panic!("{other:?}"),
    };
    assert_ne!(port(&a), port(&b));
    assert!((30000..32768).contains(&port(&a)));
    let mut sg = op("server_group.a", Kind::ServerGroup, "sg");
    sg.unknown = vec!["load_balancer_id".to_string()];
    sg.dependencies = listener("x", "elb.a", None).dependencies;
    assert_eq!(
        s.create(&sg).unwrap().get("load_balancer_id"),
        Some(&Value::from(lb.as_str()))
    );
}

#[test]
fn a_port_used_twice_on_one_load_balancer_is_refused() {
    let s = sandbox();
    load_balancer(&s, "elb.a");
    load_balancer(&s, "elb.b");
    s.create(&listener("listener.a", "elb.a", Some(30080)))
        .unwrap();
    let e = s
        .create(&listener("listener.b", "elb.a", Some(30080)))
        .unwrap_err();
    assert_eq!(
        (e.failure, e.code),
        (Failure::Permanent, codes::PORT_IN_USE)
    );
    // Another load balancer may use the port.
    s.create(&listener("listener.c", "elb.b", Some(30080)))
        .unwrap();
}

#[test]
fn a_load_balancer_with_listeners_is_not_deleted_and_deletes_are_idempotent() {
    let s = sandbox();
    load_balancer(&s, "elb.a");
    s.create(&listener("listener.a", "elb.a", Some(30080)))
        .unwrap();
    let lb = op("elb.a", Kind::LoadBalancer, "d");
    assert_eq!(s.delete(&lb).unwrap_err().code, codes::LISTENERS_LEFT);
    s.delete(&op("listener.a", Kind::Listener, "d")).unwrap();
    s.delete(&op("listener.a", Kind::Listener, "d"))
        .expect("already gone is fine");
    s.delete(&lb).unwrap();
    assert!(s.cloud().objects.is_empty());
}

#[test]
fn a_released_object_stays_in_the_cloud_unmanaged() {
    let s = sandbox();
    load_balancer(&s, "elb.a");
    s.release(&op("elb.a", Kind::LoadBalancer, "r")).unwrap();
    let cloud = s.cloud();
    assert_eq!((cloud.objects.len(), cloud.managed.len()), (1, 0));
}

#[test]
fn immutable_attributes_are_refused_and_mutable_ones_change() {
    let s = sandbox();
    let mut o = op("elb.a", Kind::LoadBalancer, "c");
    o.attributes
        .insert("region_id".to_string(), Value::from("cn-hefei"));
    o.attributes
        .insert("spec".to_string(), Value::from("small"));
    s.create(&o).unwrap();
    let mut u = o.clone();
    u.attributes
        .insert("spec".to_string(), Value::from("large"));
    assert_eq!(
        s.update(&u).unwrap().get("spec"),
        Some(&Value::from("large"))
    );
    u.attributes
        .insert("region_id".to_string(), Value::from("cn-wuhan"));
    assert_eq!(s.update(&u).unwrap_err().code, codes::IMMUTABLE);
}

#[test]
fn injected_faults_fail_the_given_number_of_calls() {
    let mut faults = Faults::default();
    faults.transient.insert("elb.a".to_string(), 2);
    faults.permanent.insert("elb.b".to_string());
    let s = Sandbox::new("l", None, faults).unwrap();
    let a = op("elb.a", Kind::LoadBalancer, "a");
    assert_eq!(s.create(&a).unwrap_err().failure, Failure::Transient);
    assert_eq!(s.create(&a).unwrap_err().failure, Failure::Transient);
    assert!(s.create(&a).is_ok());
    let b = op("elb.b", Kind::LoadBalancer, "b");
    assert_eq!(s.create(&b).unwrap_err().failure, Failure::Permanent);
}

#[test]
fn the_saved_cloud_reads_back() {
    let s = sandbox();
    load_balancer(&s, "elb.a");
    let saved = s.saved().expect("saved");
    let again = Sandbox::new("lineage-1", Some(&saved), Faults::default()).unwrap();
    assert_eq!(again.cloud(), s.cloud());
    assert!(
        Sandbox::new(
            "l",
            Some(&serde_json::json!({"objects": 3})),
            Faults::default()
        )
        .is_err()
    );
}
