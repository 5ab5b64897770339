//! ELB rules, builder and causes: seed 000 (usage notes, Option B, update-policy table,
//! deletion warnings) and reference §8 cases 48–57.

use crate::compile::{Compilation, validate_text};
use crate::diag::{Diagnostic, Diagnostics};
use crate::manifest::profile::DEFAULT_CLUSTER_ID;
use crate::model::{DeletePolicy, Kind, Model, Owner, UpdatePolicy, Value};
use crate::plan::{Action, Causes, NoCauses, diff};
use crate::providers::alibaba_edge::build::build;
use crate::providers::alibaba_edge::causes::ElbCauses;
use crate::providers::planner::Built;
use crate::topology::lower_and_resolve;

const ENS: &str = "  annotations:\n    alibabacloud.com/ens-network-id: n-1\n    alibabacloud.com/ens-region-id: cn-hefei-cmcc-2\n    alibabacloud.com/ens-vswitch-id: vsw-1,vsw-2\n";

fn pool(name: &str, labels: &str) -> String {
    format!(
        "---\napiVersion: apps.openyurt.io/v1beta2\nkind: NodePool\nmetadata:\n  name: {name}\n  labels: {{{labels}}}\n{ENS}spec: {{type: Edge}}\n"
    )
}

fn node(name: &str, pool: &str) -> String {
    format!(
        "---\napiVersion: v1\nkind: Node\nmetadata:\n  name: {name}\n  labels:\n    apps.openyurt.io/nodepool: {pool}\n    alibabacloud.com/ens-instance-id: i-{name}\nstatus:\n  addresses:\n  - {{type: InternalIP, address: 10.0.0.1}}\n  conditions:\n  - {{type: Ready, status: \"True\"}}\n"
    )
}

const DAEMONSET: &str = "---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - {name: web, image: nginx}\n";

/// A Service `name` with extra annotation lines (already indented by 4), `policy`, and
/// `ports` as flow-style list items.
fn service(name: &str, annotations: &str, policy: &str, ports: &str) -> String {
    format!(
        "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  annotations:\n    service.openyurt.io/nodepool-labelselector: \"k8s-svc=cube\"\n{annotations}spec:\n  type: LoadBalancer\n  loadBalancerClass: alibabacloud.com/elb\n  externalTrafficPolicy: {policy}\n  selector: {{app: web}}\n  ports:\n{ports}"
    )
}

const PORT: &str = "  - {port: 80, nodePort: 30081, protocol: TCP}\n";

fn compile(text: &str) -> Compilation {
    validate_text("t.yaml", text)
}

fn run(c: &Compilation) -> (Built, Vec<Diagnostic>) {
    let mut d = Diagnostics::new();
    let r = lower_and_resolve(&c.sources, c.objects(), &mut d);
    for cluster in &r {
        super::check_cluster(cluster, &mut d);
    }
    let built = build(&r, &mut d);
    (built, d.into_vec())
}

fn codes(d: &[Diagnostic]) -> Vec<&'static str> {
    d.iter().map(|d| d.code).collect()
}

fn cluster(svc: &str) -> String {
    format!(
        "{}{}{}{}{DAEMONSET}{svc}",
        pool("np-a", "k8s-svc: cube"),
        pool("np-b", "k8s-svc: cube"),
        node("n1", "np-a"),
        node("n2", "np-b")
    )
}

fn find<'a>(b: &'a Built, address: &str) -> &'a crate::model::Resource {
    b.resources
        .iter()
        .find(|r| r.address == address)
        .unwrap_or_else(|| panic!("no {address} in {:?}", addresses(b)))
}

fn addresses(b: &Built) -> Vec<&str> {
    b.resources.iter().map(|r| r.address.as_str()).collect()
}

/// Reference §8 case 48 (seed 000 Option A): per pool a PoolService, ELB
/// `k8s/<svc>/<ns>/<pool>/<cid>` (elb.s2.medium, PostPaid, first vswitch), EIP bw 5, binding,
/// a TCP listener on nodePort 30081 with description `k8s/30081/tcp/…`, backends type ens
/// port "0" weight 100.
#[test]
fn case_48_auto_managed_resources() {
    let c = compile(&cluster(&service("cube-svc", "", "Local", PORT)));
    let (b, d) = run(&c);
    assert!(d.is_empty(), "{d:?}");
    // Two pools with one serving node each: 7 resources per pool.
    assert_eq!(b.resources.len(), 14, "{:?}", addresses(&b));
    let elb = find(&b, "elb.default/cube-svc/np-a");
    assert_eq!(
        elb.name.as_deref(),
        Some(format!("k8s/cube-svc/default/np-a/{DEFAULT_CLUSTER_ID}").as_str())
    );
    assert_eq!(elb.attrs["spec"].value, Value::from("elb.s2.medium"));
    assert_eq!(elb.attrs["vswitch_id"].value, Value::from("vsw-1"));
    assert_eq!(
        elb.attrs["spec"].policy,
        UpdatePolicy::NotAppliedByController
    );
    let eip = find(&b, "eip.default/cube-svc/np-a");
    assert_eq!(eip.attrs["bandwidth"].value, Value::Int(5));
    assert_eq!(eip.attrs["bandwidth"].policy, UpdatePolicy::InPlace);
    let l = find(&b, "listener.default/cube-svc/np-a/tcp-80");
    assert_eq!(l.attrs["listener_port"].value, Value::Int(30081));
    assert_eq!(
        l.attrs["description"].value,
        Value::from(format!(
            "k8s/30081/tcp/cube-svc/default/{DEFAULT_CLUSTER_ID}"
        ))
    );
    assert_eq!(l.depends_on, ["eip_binding.default/cube-svc/np-a"]);
    // Reference §6.5: one flat backend list per ELB.
    let be = find(&b, "backend.default/cube-svc/np-a");
    assert_eq!(be.attrs["port"].value, Value::from("0"));
    assert_eq!(server(be, "n1", "server_id"), Value::from("i-n1"));
    assert_eq!(server(be, "n1", "weight"), Value::Int(100));
}

/// One field of the backend server on `node` in a pool's `servers` list.
fn server(be: &crate::model::Resource, node: &str, field: &str) -> Value {
    let Value::List(servers) = &be.attrs["servers"].value else {
        panic!("servers is a list")
    };
    servers
        .iter()
        .find_map(|s| match s {
            Value::Map(m) if m.get("node") == Some(&Value::from(node)) => m.get(field).cloned(),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no server {node} in {servers:?}"))
}

/// Reference §8 case 49: `address-type: intranet` → no EIP, listeners hang off the ELB.
#[test]
fn case_49_intranet_has_no_eip() {
    let ann = "    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type: intranet\n";
    let (b, _) = run(&compile(&cluster(&service("cube-svc", ann, "Local", PORT))));
    assert!(addresses(&b).iter().all(|a| !a.starts_with("eip")));
    assert_eq!(
        find(&b, "listener.default/cube-svc/np-a/tcp-80").depends_on,
        ["elb.default/cube-svc/np-a"]
    );
}

/// Reference §8 case 50 / seed 000 Option B: self-managed without an id waits (warning,
/// no listeners); with the id on the PoolService, the user's ELB is referenced and the
/// rest is retained on removal.
#[test]
fn case_50_self_managed_waits_then_uses_the_id() {
    let ann =
        "    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-managed-by-user: \"true\"\n";
    let ps = "---\napiVersion: network.openyurt.io/v1alpha1\nkind: PoolService\nmetadata:\n  name: cube-svc-np-a\n  annotations:\n    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-id: lb-a\n";
    let (b, d) = run(&compile(&format!(
        "{}{ps}",
        cluster(&service("cube-svc", ann, "Local", PORT))
    )));
    assert_eq!(codes(&d), ["LBP7008"]);
    assert!(
        d[0].message.contains(
            "pool np-b waits for an ELB id: nothing is exposed in region cn-hefei-cmcc-2"
        )
    );
    assert!(addresses(&b).iter().all(|a| !a.contains("np-b/")));
    // The user's ELB has its own address, with its id (a switch or another id adopts
    // another object).
    let elb = find(&b, "elb.default/cube-svc/np-a/lb-a");
    assert_eq!(elb.owner, Owner::User);
    assert_eq!(elb.attrs["id"].value, Value::from("lb-a"));
    assert!(matches!(
        find(&b, "listener.default/cube-svc/np-a/tcp-80").delete_policy,
        DeletePolicy::Retain { .. }
    ));
}

/// Reference §8 case 51: an id without managed-by-user is refused; nothing but the
/// PoolService is built for the pool.
#[test]
fn case_51_id_without_managed_by_user() {
    let ann = "    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-id: lb-x\n";
    let (b, d) = run(&compile(&cluster(&service(
        "cube-svc", ann, "Cluster", PORT,
    ))));
    assert_eq!(
        codes(&d),
        ["LBP7001"],
        "one finding for the Service, not one per pool"
    );
    assert!(addresses(&b).iter().all(|a| a.starts_with("pool_service")));
}

/// Reference §8 case 52: reuse + force-override + Local.
#[test]
fn case_52_force_override_with_local() {
    let ann = "    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-managed-by-user: \"true\"\n    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-id: lb-x\n    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-force-override-listeners: \"true\"\n";
    let (_, d) = run(&compile(&cluster(&service("cube-svc", ann, "Local", PORT))));
    assert_eq!(codes(&d), ["LBP7007"]);
    let (_, d) = run(&compile(&cluster(&service(
        "cube-svc", ann, "Cluster", PORT,
    ))));
    assert!(d.is_empty(), "{d:?}");
}

/// Reference §8 case 53: persistence-timeout with Cluster.
#[test]
fn case_53_persistence_with_cluster() {
    let ann =
        "    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-persistence-timeout: \"10\"\n";
    let (_, d) = run(&compile(&cluster(&service(
        "cube-svc", ann, "Cluster", PORT,
    ))));
    assert_eq!(codes(&d), ["LBP7004"]);
    let (_, d) = run(&compile(&cluster(&service("cube-svc", ann, "Local", PORT))));
    assert!(d.is_empty(), "{d:?}");
}

/// Reference §6.4: SCTP ports cannot be ELB listeners.
#[test]
fn sctp_port_is_rejected() {
    let ports = "  - {port: 80, nodePort: 30081, protocol: TCP}\n  - {name: s, port: 90, nodePort: 30090, protocol: SCTP}\n";
    let (b, d) = run(&compile(&cluster(&service("cube-svc", "", "Local", ports))));
    assert_eq!(codes(&d), ["LBP7003"]);
    assert!(addresses(&b).iter().all(|a| !a.contains("sctp")));
}

/// The annotations of a Service that uses the self-managed ELB `lb-shared`.
const SHARED_ELB: &str = "    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-managed-by-user: \"true\"\n    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-id: lb-shared\n";

/// Seed 000 usage notes: sharing one ELB needs self-managed + Cluster; the error names
/// both Services.
#[test]
fn shared_elb_needs_self_managed_and_cluster() {
    let ann = SHARED_ELB;
    let text = format!(
        "{}{}",
        cluster(&service("one", ann, "Local", PORT)),
        service("two", ann, "Cluster", PORT)
    );
    let (_, d) = run(&compile(&text));
    assert_eq!(codes(&d), ["LBP7002"]);
    assert!(d[0].message.contains("`default/one`") && d[0].message.contains("`default/two`"));
    let text = format!(
        "{}{}",
        cluster(&service("one", ann, "Cluster", PORT)),
        service("two", ann, "Cluster", PORT)
    );
    assert!(run(&compile(&text)).1.is_empty());
}

/// Reference §6.3 and seed 000 usage notes: names cut at 80 characters (warning with the
/// cut name), and two Services whose cut names collide (error).
#[test]
fn long_names_are_cut_and_collisions_reported() {
    let long = "a".repeat(63);
    let text = format!(
        "{}{}",
        cluster(&service(&format!("{long}1"), "", "Local", PORT)),
        service(&format!("{long}2"), "", "Local", PORT)
    );
    let (_, d) = run(&compile(&text));
    let c = codes(&d);
    assert!(c.contains(&"LBP7006"), "{c:?}");
    assert!(c.contains(&"LBP7005"), "{c:?}");
    let cut = d
        .iter()
        .find(|d| d.code == "LBP7006")
        .map(|d| d.message.clone());
    assert!(cut.is_some_and(|m| m.contains(&format!("`k8s/{long}"))));
}

/// The cross-pair rules see every pair of the cluster: pairs of two Services that get one
/// name are one finding listing the pairs in input order, and Services sharing an ELB are
/// one finding pointing at each pair's id.
#[test]
fn cross_pair_findings_list_every_pair_in_input_order() {
    let long = "c".repeat(63);
    // `k8s/<63 characters>/` is 68 long: namespaces that agree on 12 give one cut name.
    let in_namespace = |ns: &str, annotations: &str, policy: &str| {
        service(&long, annotations, policy, PORT)
            .replace("metadata:\n", &format!("metadata:\n  namespace: {ns}\n"))
    };
    let text = format!(
        "{}{}",
        cluster(&in_namespace("nsnsnsnsnsns2", "", "Local")),
        in_namespace("nsnsnsnsnsns1", "", "Local")
    );
    let (_, d) = run(&compile(&text));
    assert_eq!(
        codes(&d),
        ["LBP7006", "LBP7006", "LBP7006", "LBP7006", "LBP7005"]
    );
    let pairs = [
        ("nsnsnsnsnsns2", "np-a"),
        ("nsnsnsnsnsns2", "np-b"),
        ("nsnsnsnsnsns1", "np-a"),
        ("nsnsnsnsnsns1", "np-b"),
    ];
    let who: Vec<String> = pairs
        .iter()
        .map(|(ns, pool)| format!("`{ns}/{long}` on pool `{pool}`"))
        .collect();
    assert_eq!(
        d[4].message,
        format!(
            "{} get the same ELB and EIP name `k8s/{long}/nsnsnsnsnsns`",
            who.join(" and ")
        )
    );
    let primaries: Vec<bool> = d[4].labels.iter().map(|l| l.primary).collect();
    assert_eq!(primaries, [true, false, false, false]);
    assert!(d[4].labels[0].span.start < d[4].labels[2].span.start);

    let ann = SHARED_ELB;
    let text = format!(
        "{}{}",
        cluster(&service("two", ann, "Cluster", PORT)),
        service("one", ann, "Local", PORT)
    );
    let (_, d) = run(&compile(&text));
    assert_eq!(codes(&d), ["LBP7002"]);
    let labels: Vec<(bool, &str)> = d[0]
        .labels
        .iter()
        .map(|l| (l.primary, l.message.as_str()))
        .collect();
    assert_eq!(
        labels,
        [
            (true, "`default/two` uses `lb-shared`"),
            (false, "`default/two` uses `lb-shared`"),
            (false, "`default/one` uses `lb-shared`"),
            (false, "`default/one` uses `lb-shared`"),
        ]
    );
    assert!(
        d[0].message
            .contains("`default/one` uses externalTrafficPolicy Local")
    );
}

/// Reference §8 case 57: extra `protocol-port` listeners (UDP 53 verbatim), HTTP extras
/// ignored; `backend-weight` (case 55) and `force-override-listeners` (§6.4: tuning is
/// applied to existing listeners only with it).
#[test]
fn case_55_57_extra_listeners_weights_and_override() {
    let ann = "    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-protocol-port: \"udp:53,http:8080\"\n    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-backend-weight: \"base=50,n1=80\"\n";
    let (b, _) = run(&compile(&cluster(&service("cube-svc", ann, "Local", PORT))));
    let extra = find(&b, "listener.default/cube-svc/np-a/extra-udp-53");
    assert_eq!(extra.attrs["listener_port"].value, Value::Int(53));
    assert_eq!(extra.attrs["health_check_interval"].value, Value::Int(5));
    assert_eq!(
        extra.attrs["scheduler"].policy,
        UpdatePolicy::NotAppliedByController
    );
    assert!(addresses(&b).iter().all(|a| !a.contains("http")));
    assert_eq!(
        server(find(&b, "backend.default/cube-svc/np-a"), "n1", "weight"),
        Value::Int(80)
    );
    assert_eq!(
        server(find(&b, "backend.default/cube-svc/np-b"), "n2", "weight"),
        Value::Int(50)
    );
    let ann = "    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-force-override-listeners: \"true\"\n";
    let (b, _) = run(&compile(&cluster(&service("cube-svc", ann, "Local", PORT))));
    assert_eq!(
        find(&b, "listener.default/cube-svc/np-a/tcp-80").attrs["scheduler"].policy,
        UpdatePolicy::InPlace
    );
}

/// Plans `after` against a state holding everything `before` planned; returns the
/// changes as (address, action, destructive, first reason).
fn replan(before: &str, after: &str) -> Vec<(String, Action, bool, String)> {
    let c0 = compile(before);
    let (b0, _) = run(&c0);
    let prior = Model::from_resources(b0.resources).expect("prior model");
    let c1 = compile(after);
    let mut d = Diagnostics::new();
    let r = lower_and_resolve(&c1.sources, c1.objects(), &mut d);
    let built = build(&r, &mut d);
    let desired = Model::from_resources(built.resources).expect("desired model");
    let causes = ElbCauses::new(&r, &prior);
    diff(&prior, &desired, &causes)
        .expect("plan")
        .changes
        .into_iter()
        .filter(|c| c.action != Action::NoOp)
        .map(|c| {
            let why = c.reasons.first().map(|r| r.to_string()).unwrap_or_default();
            (c.address, c.action, c.destructive, why)
        })
        .collect()
}

fn reason_of<'a>(changes: &'a [(String, Action, bool, String)], address: &str) -> &'a str {
    changes
        .iter()
        .find(|c| c.0 == address)
        .map(|c| c.3.as_str())
        .unwrap_or_else(|| panic!("{address} not changed: {changes:?}"))
}

/// Seed 000 "Important": each surprise deletion path deletes the pool's ELB and EIP,
/// destructively, naming the change.
#[test]
fn deletion_causes_name_the_manifest_change() {
    let base = cluster(&service("cube-svc", "", "Local", PORT));
    // Pool relabelled.
    let relabelled = base.replacen("k8s-svc: cube}", "k8s-svc: other}", 1);
    let ch = replan(&base, &relabelled);
    let elb = ch
        .iter()
        .find(|c| c.0 == "elb.default/cube-svc/np-a")
        .expect("elb");
    assert_eq!((elb.1, elb.2), (Action::Delete, true));
    assert!(
        elb.3.contains(
            "NodePool np-a no longer matches selector `k8s-svc=cube` (labels now {k8s-svc=other})"
        ),
        "{}",
        elb.3
    );
    // Selector changed.
    let narrowed = base.replace("\"k8s-svc=cube\"", "\"k8s-svc=cube,zone=b\"");
    let narrowed = narrowed.replacen(
        "name: np-b\n  labels: {k8s-svc: cube}",
        "name: np-b\n  labels: {k8s-svc: cube, zone: b}",
        1,
    );
    let ch = replan(&base, &narrowed);
    assert!(
        reason_of(&ch, "eip.default/cube-svc/np-a")
            .contains("changed from `k8s-svc=cube` to `k8s-svc=cube,zone=b`")
    );
    // Pool deleted.
    let gone = base.replacen(&pool("np-a", "k8s-svc: cube"), "", 1);
    let ch = replan(&base, &gone);
    assert_eq!(
        reason_of(&ch, "elb.default/cube-svc/np-a"),
        "NodePool np-a is gone"
    );
    // Service type changed, Service deleted.
    let clusterip = base.replace("type: LoadBalancer", "type: ClusterIP");
    let ch = replan(&base, &clusterip);
    assert!(reason_of(&ch, "elb.default/cube-svc/np-b").contains("no longer type LoadBalancer"));
    let deleted = cluster("");
    let ch = replan(&base, &deleted);
    assert_eq!(
        reason_of(&ch, "pool_service.default/cube-svc-np-a"),
        "Service default/cube-svc was deleted"
    );
    // A removed port removes its listener only.
    let two = cluster(&service(
        "cube-svc",
        "",
        "Local",
        "  - {name: a, port: 80, nodePort: 30081}\n  - {name: b, port: 81, nodePort: 30082}\n",
    ));
    let ch = replan(&two, &base);
    assert_eq!(
        reason_of(&ch, "listener.default/cube-svc/np-a/tcp-81"),
        "port tcp-81 was removed from spec.ports of Service default/cube-svc"
    );
}

/// Seed 000 update-policy table: ELB attributes are not updated (LBP5001), EIP bandwidth
/// is updated in place.
#[test]
fn update_policy_follows_the_seed_table() {
    let base = cluster(&service("cube-svc", "", "Local", PORT));
    let changed = cluster(&service(
        "cube-svc",
        "    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-spec: elb.s3.large\n    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-eip-bandwidth: \"20\"\n",
        "Local",
        PORT,
    ));
    let ch = replan(&base, &changed);
    let eip = ch
        .iter()
        .find(|c| c.0 == "eip.default/cube-svc/np-a")
        .expect("eip");
    assert_eq!(eip.1, Action::Update);
    assert!(ch.iter().all(|c| !c.0.starts_with("elb.")), "{ch:?}");
}

#[test]
fn causes_fall_back_for_foreign_addresses() {
    let c = compile(&cluster(""));
    let mut d = Diagnostics::new();
    let r = lower_and_resolve(&c.sources, c.objects(), &mut d);
    let prior = Model::new();
    let causes = ElbCauses::new(&r, &prior);
    assert_eq!(causes.why_absent("nonsense"), None);
    assert_eq!(NoCauses.why_absent("elb.a/b/c"), None);
    // Never planned by this provider: another provider's address of the same shape.
    assert_eq!(causes.why_absent("listener.default/web/tcp-80"), None);
    assert_eq!(causes.why_absent("elb.default/web/np-a"), None);
    // Planned before (in the prior model), gone now.
    let (before, _) = run(&compile(&cluster(&service("web", "", "Local", PORT))));
    let prior = Model::from_resources(before.resources).expect("model");
    let causes = ElbCauses::new(&r, &prior);
    assert_eq!(
        causes.why_absent("elb.default/web/np-a"),
        Some("Service default/web was deleted".to_string())
    );
    let _ = Kind::LoadBalancer;
}

/// The head text each removal of `before → after` points at, by address (`lbplan diff`).
fn cause_sites(before: &str, after: &str) -> Vec<(String, String, Option<String>)> {
    let c0 = compile(before);
    let (b0, _) = run(&c0);
    let prior = Model::from_resources(b0.resources).expect("prior model");
    let c1 = compile(after);
    let mut d = Diagnostics::new();
    let r = lower_and_resolve(&c1.sources, c1.objects(), &mut d);
    let causes = ElbCauses::new(&r, &prior);
    prior
        .iter()
        .filter_map(|res| {
            let site = causes.cause_site(&res.address)?;
            let text = c1.sources.get(site.span.file).slice(site.span).to_string();
            Some((res.address.clone(), text, site.keep))
        })
        .collect()
}

fn site_of<'a>(sites: &'a [(String, String, Option<String>)], address: &str) -> &'a str {
    sites
        .iter()
        .find(|s| s.0 == address)
        .map(|s| s.1.as_str())
        .unwrap_or_else(|| panic!("no site for {address}: {sites:?}"))
}

/// Seed 000 "Important" ("Updating the node pool selector or node pool labels may also
/// trigger ELB instance deletion"): the diff points at the edited value of each path.
#[test]
fn cause_sites_point_at_the_edited_value() {
    let base = cluster(&service("cube-svc", "", "Local", PORT));
    // Pool relabelled: the label's new value.
    let relabelled = base.replacen("k8s-svc: cube}", "k8s-svc: other}", 1);
    let sites = cause_sites(&base, &relabelled);
    assert_eq!(site_of(&sites, "elb.default/cube-svc/np-a"), "other");
    assert_eq!(site_of(&sites, "eip.default/cube-svc/np-a"), "other");
    let keep = sites.iter().find_map(|s| s.2.clone()).unwrap_or_default();
    assert!(keep.contains("restore the label"), "{keep}");
    assert!(keep.contains("managed-by-user"), "{keep}");
    assert!(sites.iter().all(|s| !s.0.contains("np-b")), "{sites:?}");
    // Selector narrowed: the annotation's value.
    let narrowed = base.replacen("\"k8s-svc=cube\"", "\"k8s-svc=cube,zone=b\"", 1);
    let narrowed = narrowed.replacen("k8s-svc: cube}", "k8s-svc: cube, zone: a}", 1);
    let sites = cause_sites(&base, &narrowed);
    assert_eq!(
        site_of(&sites, "elb.default/cube-svc/np-a"),
        "\"k8s-svc=cube,zone=b\""
    );
    // No longer a LoadBalancer: `spec.type`.
    let cluster_ip = base.replacen("type: LoadBalancer", "type: ClusterIP", 1);
    let sites = cause_sites(&base, &cluster_ip);
    assert_eq!(site_of(&sites, "elb.default/cube-svc/np-b"), "ClusterIP");
    // Service deleted: no line of the head is to blame.
    let gone = cluster("");
    assert!(cause_sites(&base, &gone).is_empty());
}

#[test]
fn a_removed_port_points_at_the_remaining_ports() {
    let two = "  - {port: 80, nodePort: 30081, protocol: TCP}\n  - {port: 443, nodePort: 30443, protocol: TCP}\n";
    let base = cluster(&service("cube-svc", "", "Local", two));
    let after = cluster(&service("cube-svc", "", "Local", PORT));
    let sites = cause_sites(&base, &after);
    assert_eq!(
        site_of(&sites, "listener.default/cube-svc/np-a/tcp-443"),
        "{port: 80, nodePort: 30081, protocol: TCP}"
    );
    assert!(sites.iter().all(|s| !s.0.starts_with("elb.")), "{sites:?}");
}

/// Reference §6.7 (lifecycle table): ECM releases its ELB and EIP only when the PoolService
/// is deleted, and never touches EIPs of a user-managed PoolService. Switching a pool to a
/// self-managed ELB therefore leaves the auto-created ELB, EIP and binding in the cloud
/// (retained, not deleted), while listeners and the server group move to the user's ELB.
#[test]
fn switch_to_self_managed_leaves_the_auto_elb_and_eip_behind() {
    let auto = cluster(&service("cube-svc", "", "Cluster", PORT));
    let ann = "    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-managed-by-user: \"true\"\n    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-id: lb-user\n";
    let switched = cluster(&service("cube-svc", ann, "Cluster", PORT));
    let ch = replan(&auto, &switched);
    for a in [
        "elb.default/cube-svc/np-a",
        "eip.default/cube-svc/np-a",
        "eip_binding.default/cube-svc/np-a",
    ] {
        let c = ch
            .iter()
            .find(|c| c.0 == a)
            .unwrap_or_else(|| panic!("{a}: {ch:?}"));
        assert_eq!(c.1, Action::Retain, "{a}");
    }
    let listener = ch
        .iter()
        .find(|c| c.0 == "listener.default/cube-svc/np-a/tcp-80")
        .expect("listener");
    assert_eq!(listener.1, Action::Replace);
    assert!(ch.iter().all(|c| c.1 != Action::Delete), "{ch:?}");
}
