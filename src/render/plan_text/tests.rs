//! Tests of the text plan on ACK Edge-like plans (seed 000): a two-region create compared
//! as exact text, then one plan per action.

use super::*;
use crate::diag::Diagnostic;
use crate::model::{DeletePolicy, Kind, Model, Owner, ProviderKind, Resource, UpdatePolicy as P};
use crate::plan::{Causes, NoCauses, diff};
use crate::source::{FileId, Span};

const ELB: ProviderKind = ProviderKind::AlibabaElb;

const MANIFEST: &str = "\
apiVersion: v1
kind: Service
metadata:
  name: cube-svc
---
apiVersion: network.openyurt.io/v1alpha1
kind: PoolService
metadata:
  name: cube-svc-np-hangzhou
---
apiVersion: network.openyurt.io/v1alpha1
kind: PoolService
metadata:
  name: cube-svc-np-hefei
";

fn sources() -> SourceMap {
    let mut s = SourceMap::new();
    s.add("edge/service.yaml", MANIFEST.to_string());
    s
}

/// The span of the PoolService name of `pool` in [`MANIFEST`].
fn span(pool: &str) -> Span {
    let needle = format!("name: cube-svc-{pool}\n");
    let start = MANIFEST.find(&needle).map_or(0, |i| i + "name: ".len());
    Span::new(FileId(0), start, start + needle.len() - "name: \n".len())
}

const PLAIN: PlanTextOptions = PlanTextOptions {
    color: false,
    width: 100,
};

/// One region's resources as the edge provider builds them; `known` gives cloud ids (a
/// prior state), `bandwidth` and `port` vary between prior and desired.
fn region(pool: &str, region: &str, known: bool, bandwidth: i64, port: i64) -> Vec<Resource> {
    let id = |s: &str| {
        if known {
            Value::from(s)
        } else {
            Value::Unknown
        }
    };
    let a = |k: &str| format!("{k}.default/cube-svc/{pool}");
    let name = format!("k8s/cube-svc/default/{pool}/c1");
    let at = span(pool);
    vec![
        Resource::new(a("elb"), Kind::LoadBalancer, ELB)
            .with_name(name.clone())
            .with_attr("id", id("lb-1"), P::Computed)
            .with_attr("region", region, P::NotAppliedByController)
            .with_attr("spec", "elb.s2.small", P::NotAppliedByController)
            .with_attr(
                "tags",
                Value::map([
                    ("ack.aliyun.com", Value::from("c1")),
                    ("service", Value::from("default/cube-svc")),
                ]),
                P::NotAppliedByController,
            )
            .with_provenance(at),
        Resource::new(a("eip"), Kind::Eip, ELB)
            .with_name(name)
            .with_attr("id", id("eip-1"), P::Computed)
            .with_attr("bandwidth", bandwidth, P::InPlace)
            .with_attr("ip_address", id("47.0.0.1"), P::Computed)
            .with_provenance(at),
        Resource::new(a("eip_binding"), Kind::EipBinding, ELB)
            .with_provenance(at)
            .depends_on(a("elb"))
            .depends_on(a("eip")),
        Resource::new(format!("{}/tcp-80", a("listener")), Kind::Listener, ELB)
            .with_attr("port", 80i64, P::ForcesReplacement)
            .with_attr("protocol", "TCP", P::ForcesReplacement)
            .with_attr("backend_port", port, P::ForcesReplacement)
            .with_provenance(at)
            .depends_on(a("elb")),
        Resource::new(a("server_group"), Kind::ServerGroup, ELB)
            .with_attr("id", id("sg-1"), P::Computed)
            .with_attr("backends", vec!["node-1", "node-2"], P::InPlace)
            .with_provenance(at)
            .depends_on(a("elb")),
        Resource::new(format!("{}/node-1", a("backend")), Kind::Backend, ELB)
            .with_attr("server_id", "node-1", P::ForcesReplacement)
            .with_attr("port", port, P::InPlace)
            .with_attr("weight", 100i64, P::InPlace)
            .with_provenance(at)
            .depends_on(a("server_group")),
    ]
}

fn model(rs: Vec<Resource>) -> Model {
    Model::from_resources(rs).expect("unique addresses")
}

fn two_regions(known: bool) -> Vec<Resource> {
    let mut rs = region("np-hefei", "cn-hefei", known, 10, 30080);
    rs.extend(region("np-hangzhou", "cn-hangzhou", known, 10, 30080));
    rs
}

fn text(plan: &Plan) -> String {
    render(&sources(), plan, &Diagnostics::new(), PLAIN)
}

/// Prints a diff of expected and actual text on failure, so a golden mismatch is readable.
fn assert_text(actual: &str, expected: &str) {
    if actual != expected {
        let d = similar::TextDiff::from_lines(expected, actual);
        panic!("text differs (- expected, + actual):\n{}", d.unified_diff());
    }
}

const TWO_REGION_CREATE: &str = r#"Resource actions are indicated with the following symbols:
  + create

lbplan will perform the following actions:

  # eip.default/cube-svc/np-hangzhou will be created
  # from edge/service.yaml:9:9
  + resource "eip" "k8s/cube-svc/default/np-hangzhou/c1" {
      + id         = (known after apply)
      + bandwidth  = 10
      + ip_address = (known after apply)
    }

  # eip.default/cube-svc/np-hefei will be created
  # from edge/service.yaml:14:9
  + resource "eip" "k8s/cube-svc/default/np-hefei/c1" {
      + id         = (known after apply)
      + bandwidth  = 10
      + ip_address = (known after apply)
    }

  # elb.default/cube-svc/np-hangzhou will be created
  # from edge/service.yaml:9:9
  + resource "load_balancer" "k8s/cube-svc/default/np-hangzhou/c1" {
      + id     = (known after apply)
      + region = "cn-hangzhou"
      + spec   = "elb.s2.small"
      + tags   = {
          + "ack.aliyun.com" = "c1"
          + service          = "default/cube-svc"
        }
    }

  # elb.default/cube-svc/np-hefei will be created
  # from edge/service.yaml:14:9
  + resource "load_balancer" "k8s/cube-svc/default/np-hefei/c1" {
      + id     = (known after apply)
      + region = "cn-hefei"
      + spec   = "elb.s2.small"
      + tags   = {
          + "ack.aliyun.com" = "c1"
          + service          = "default/cube-svc"
        }
    }

  # eip_binding.default/cube-svc/np-hangzhou will be created
  # from edge/service.yaml:9:9
  + resource "eip_binding" "eip_binding.default/cube-svc/np-hangzhou" {}

  # eip_binding.default/cube-svc/np-hefei will be created
  # from edge/service.yaml:14:9
  + resource "eip_binding" "eip_binding.default/cube-svc/np-hefei" {}

  # listener.default/cube-svc/np-hangzhou/tcp-80 will be created
  # from edge/service.yaml:9:9
  + resource "listener" "listener.default/cube-svc/np-hangzhou/tcp-80" {
      + port         = 80
      + protocol     = "TCP"
      + backend_port = 30080
    }

  # listener.default/cube-svc/np-hefei/tcp-80 will be created
  # from edge/service.yaml:14:9
  + resource "listener" "listener.default/cube-svc/np-hefei/tcp-80" {
      + port         = 80
      + protocol     = "TCP"
      + backend_port = 30080
    }

  # server_group.default/cube-svc/np-hangzhou will be created
  # from edge/service.yaml:9:9
  + resource "server_group" "server_group.default/cube-svc/np-hangzhou" {
      + id       = (known after apply)
      + backends = [
          + "node-1",
          + "node-2",
        ]
    }

  # server_group.default/cube-svc/np-hefei will be created
  # from edge/service.yaml:14:9
  + resource "server_group" "server_group.default/cube-svc/np-hefei" {
      + id       = (known after apply)
      + backends = [
          + "node-1",
          + "node-2",
        ]
    }

  # backend.default/cube-svc/np-hangzhou/node-1 will be created
  # from edge/service.yaml:9:9
  + resource "backend" "backend.default/cube-svc/np-hangzhou/node-1" {
      + server_id = "node-1"
      + port      = 30080
      + weight    = 100
    }

  # backend.default/cube-svc/np-hefei/node-1 will be created
  # from edge/service.yaml:14:9
  + resource "backend" "backend.default/cube-svc/np-hefei/node-1" {
      + server_id = "node-1"
      + port      = 30080
      + weight    = 100
    }

Plan: 12 to add, 0 to change, 0 to destroy.
"#;

#[test]
fn two_region_create_matches_the_expected_text() {
    let p = diff(&Model::new(), &model(two_regions(false)), &NoCauses).expect("acyclic");
    assert_text(&text(&p), TWO_REGION_CREATE);
}

/// The second run of seed 000's scenario: np-hefei's EIP bandwidth and backend port change,
/// np-hangzhou stops matching the selector, a self-managed ELB goes away.
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

fn mixed_plan() -> Plan {
    let mut prior = two_regions(true);
    prior.push(
        Resource::new("elb.default/own-svc/np-own", Kind::LoadBalancer, ELB)
            .with_owner(Owner::User)
            .with_attr("id", "lb-own", P::Computed)
            .with_delete_policy(DeletePolicy::Retain {
                reason: "self-managed ELB: manual cleanup required".into(),
            }),
    );
    let mut desired = region("np-hefei", "cn-hefei", false, 20, 30081);
    // np-hefei's server group loses node-2 and gains node-3.
    if let Some(sg) = desired.iter_mut().find(|r| r.kind == Kind::ServerGroup) {
        *sg = sg
            .clone()
            .with_attr("backends", vec!["node-1", "node-3"], P::InPlace);
    }
    diff(&model(prior), &model(desired), &Selector).expect("acyclic")
}

const MIXED: &str = r#"Resource actions are indicated with the following symbols:
  ~ update in-place
  - destroy
-/+ destroy and then create replacement
  ! retain (left in the cloud, no longer managed; manual cleanup required)

lbplan will perform the following actions:

  # eip.default/cube-svc/np-hefei will be updated in-place
  # from edge/service.yaml:14:9
  ~ resource "eip" "k8s/cube-svc/default/np-hefei/c1" {
        id        = "eip-1"
      ~ bandwidth = 10 -> 20
        # (1 unchanged attribute hidden)
    }

  # listener.default/cube-svc/np-hefei/tcp-80 must be replaced
  # (because `backend_port` forces replacement: 30080 -> 30081)
  # from edge/service.yaml:14:9
-/+ resource "listener" "listener.default/cube-svc/np-hefei/tcp-80" {
      ~ backend_port = 30080 -> 30081 # forces replacement
        # (2 unchanged attributes hidden)
    }

  # server_group.default/cube-svc/np-hefei will be updated in-place
  # from edge/service.yaml:14:9
  ~ resource "server_group" "server_group.default/cube-svc/np-hefei" {
        id       = "sg-1"
      ~ backends = [
          - "node-2",
          + "node-3",
            # (1 unchanged element hidden)
        ]
    }

  # backend.default/cube-svc/np-hefei/node-1 will be updated in-place
  # from edge/service.yaml:14:9
  ~ resource "backend" "backend.default/cube-svc/np-hefei/node-1" {
      ~ port = 30080 -> 30081
        # (2 unchanged attributes hidden)
    }

  # backend.default/cube-svc/np-hangzhou/node-1 will be destroyed
  # (because NodePool np-hangzhou no longer matches selector k8s-svc=cube)
  # from edge/service.yaml:9:9
  - resource "backend" "backend.default/cube-svc/np-hangzhou/node-1" {
      - server_id = "node-1" -> null
      - port      = 30080 -> null
      - weight    = 100 -> null
    }

  # eip_binding.default/cube-svc/np-hangzhou will be destroyed
  # (because NodePool np-hangzhou no longer matches selector k8s-svc=cube)
  # from edge/service.yaml:9:9
  - resource "eip_binding" "eip_binding.default/cube-svc/np-hangzhou" {}

  # listener.default/cube-svc/np-hangzhou/tcp-80 will be destroyed
  # (because NodePool np-hangzhou no longer matches selector k8s-svc=cube)
  # from edge/service.yaml:9:9
  - resource "listener" "listener.default/cube-svc/np-hangzhou/tcp-80" {
      - port         = 80 -> null
      - protocol     = "TCP" -> null
      - backend_port = 30080 -> null
    }

  # server_group.default/cube-svc/np-hangzhou will be destroyed
  # (because NodePool np-hangzhou no longer matches selector k8s-svc=cube)
  # from edge/service.yaml:9:9
  - resource "server_group" "server_group.default/cube-svc/np-hangzhou" {
      - id       = "sg-1" -> null
      - backends = [
          - "node-1",
          - "node-2",
        ] -> null
    }

  # eip.default/cube-svc/np-hangzhou will be destroyed
  # (because NodePool np-hangzhou no longer matches selector k8s-svc=cube)
  # from edge/service.yaml:9:9
  - resource "eip" "k8s/cube-svc/default/np-hangzhou/c1" {
      - id         = "eip-1" -> null
      - bandwidth  = 10 -> null
      - ip_address = "47.0.0.1" -> null
    }

  # elb.default/cube-svc/np-hangzhou will be destroyed
  # (because NodePool np-hangzhou no longer matches selector k8s-svc=cube)
  # from edge/service.yaml:9:9
  - resource "load_balancer" "k8s/cube-svc/default/np-hangzhou/c1" {
      - id     = "lb-1" -> null
      - region = "cn-hangzhou" -> null
      - spec   = "elb.s2.small" -> null
      - tags   = {
          - "ack.aliyun.com" = "c1"
          - service          = "default/cube-svc"
        } -> null
    }

  # elb.default/own-svc/np-own will be retained (the controller leaves it behind; manual cleanup required)
  # (because no longer produced by the manifests)
  # self-managed ELB: manual cleanup required
  ! resource "load_balancer" "elb.default/own-svc/np-own" {
        id = "lb-own"
    }

Warning: listener.default/cube-svc/np-hefei/tcp-80 will be destroyed and created again

  Cause: `backend_port` forces replacement: 30080 -> 30081
  From:  edge/service.yaml:14:9
  Help:  to keep the existing object, leave `backend_port` at the prior value; a replacement is a
         new object with a new id

Warning: listener.default/cube-svc/np-hangzhou/tcp-80 will be destroyed

  Cause: NodePool np-hangzhou no longer matches selector k8s-svc=cube
  From:  edge/service.yaml:9:9
  Help:  to keep it, revert the manifest change above before the controller reconciles; a deleted
         object cannot be restored, and one created again gets a new id

Warning: server_group.default/cube-svc/np-hangzhou will be destroyed

  Cause: NodePool np-hangzhou no longer matches selector k8s-svc=cube
  From:  edge/service.yaml:9:9
  Help:  to keep it, revert the manifest change above before the controller reconciles; a deleted
         object cannot be restored, and one created again gets a new id

Warning: eip.default/cube-svc/np-hangzhou (k8s/cube-svc/default/np-hangzhou/c1) will be destroyed

  Cause: NodePool np-hangzhou no longer matches selector k8s-svc=cube
  From:  edge/service.yaml:9:9
  Help:  to keep it, revert the manifest change above before the controller reconciles; a deleted
         object cannot be restored, and one created again gets a new id

Warning: elb.default/cube-svc/np-hangzhou (k8s/cube-svc/default/np-hangzhou/c1) will be destroyed

  Cause: NodePool np-hangzhou no longer matches selector k8s-svc=cube
  From:  edge/service.yaml:9:9
  Help:  to keep it, revert the manifest change above before the controller reconciles; a deleted
         object cannot be restored, and one created again gets a new id

Plan: 1 to add, 3 to change, 7 to destroy, 1 to retain.
"#;

#[test]
fn every_action_renders_with_terraform_symbols() {
    assert_text(&text(&mixed_plan()), MIXED);
}

#[test]
fn unknown_values_say_known_after_apply_even_when_replacing() {
    let prior = model(vec![
        Resource::new("listener.x", Kind::Listener, ELB)
            .with_attr("id", "ls-1", P::Computed)
            .with_attr("port", 80i64, P::ForcesReplacement),
    ]);
    let desired = model(vec![
        Resource::new("listener.x", Kind::Listener, ELB)
            .with_attr("id", Value::Unknown, P::Computed)
            .with_attr("port", 81i64, P::ForcesReplacement),
    ]);
    let p = diff(&prior, &desired, &NoCauses).expect("acyclic");
    let t = text(&p);
    assert!(
        t.contains("      ~ id   = \"ls-1\" -> (known after apply)\n"),
        "{t}"
    );
    assert!(
        t.contains("      ~ port = 80 -> 81 # forces replacement\n"),
        "{t}"
    );
    assert!(
        t.contains("Plan: 1 to add, 0 to change, 1 to destroy.\n"),
        "{t}"
    );
}

#[test]
fn an_unchanged_plan_says_no_changes() {
    let m = || model(two_regions(true));
    let p = diff(&m(), &m(), &NoCauses).expect("acyclic");
    assert_eq!(
        text(&p),
        "No changes. Your load balancers match the manifests.\n"
    );
}

#[test]
fn a_retain_only_plan_lists_the_retained_entries() {
    let prior = model(vec![
        Resource::new("elb.default/own-svc/np-own", Kind::LoadBalancer, ELB)
            .with_owner(Owner::User)
            .with_name("my-elb")
            .with_attr("id", "lb-own", P::Computed),
    ]);
    let p = diff(&prior, &Model::new(), &NoCauses).expect("acyclic");
    let t = text(&p);
    assert!(
        t.contains("lbplan will perform the following actions:"),
        "{t}"
    );
    assert!(
        t.contains(
            "  # elb.default/own-svc/np-own will be retained (the controller leaves it behind; \
             manual cleanup required)\n"
        ),
        "{t}"
    );
    assert!(
        t.contains("\n  ! resource \"load_balancer\" \"my-elb\" {\n"),
        "{t}"
    );
    assert!(!t.contains("Warning:"), "a retain destroys nothing: {t}");
    assert!(
        t.ends_with("\nPlan: 0 to add, 0 to change, 0 to destroy, 1 to retain.\n"),
        "{t}"
    );
}

/// Seed 000 "ELB update policy": a changed ELB spec is not applied. The block shows the kept
/// value, the LBP5001 warning follows, and as nothing changes there is no `Plan:` line.
#[test]
fn not_applied_attributes_are_marked_and_warned() {
    let prior = model(region("np-hefei", "cn-hefei", true, 10, 30080));
    let mut desired = region("np-hefei", "cn-hefei", false, 10, 30080);
    desired[0] = desired[0]
        .clone()
        .with_attr("spec", "elb.s3.large", P::NotAppliedByController);
    let p = diff(&prior, &desired_model(desired), &NoCauses).expect("acyclic");
    let t = text(&p);
    assert!(
        t.starts_with("No changes. Your load balancers match the manifests.\n\n"),
        "{t}"
    );
    assert!(
        t.contains(
            "  # elb.default/cube-svc/np-hefei has manifest changes the controller will not apply\n"
        ),
        "{t}"
    );
    assert!(
        t.contains("        spec = \"elb.s2.small\" # (not applied by the controller)\n"),
        "{t}"
    );
    assert!(
        t.contains("        # (2 unchanged attributes hidden)\n"),
        "{t}"
    );
    assert!(t.contains("LBP5001"), "{t}");
    assert!(!t.contains("Plan:"), "{t}");
    assert!(!t.contains("1 warning"), "no second summary line: {t}");
}

fn desired_model(rs: Vec<Resource>) -> Model {
    model(rs)
}

#[test]
fn run_diagnostics_come_before_the_summary_without_their_own_count() {
    let p = diff(&Model::new(), &model(two_regions(false)), &NoCauses).expect("acyclic");
    let mut diags = Diagnostics::new();
    diags.push(
        Diagnostic::warning(crate::plan::codes::NOT_APPLIED, "an example finding")
            .with_primary(span("np-hefei"), "here")
            .with_help("do something"),
    );
    let t = render(&sources(), &p, &diags, PLAIN);
    let finding = t.find("an example finding").expect("diagnostic rendered");
    let summary = t.find("Plan: 12 to add").expect("summary");
    assert!(finding < summary, "{t}");
    assert!(!t.contains("0 errors, 1 warning"), "{t}");
}

#[test]
fn output_is_deterministic_and_plain_without_colour() {
    let p = mixed_plan();
    let a = text(&p);
    assert_eq!(a, text(&p));
    assert!(!a.contains('\x1b'));
    let coloured = render(
        &sources(),
        &p,
        &Diagnostics::new(),
        PlanTextOptions {
            color: true,
            width: 100,
        },
    );
    assert!(coloured.contains("\x1b[32m+\x1b[0m"), "green create");
    assert!(coloured.contains("\x1b[33m~\x1b[0m"), "yellow update");
    assert!(coloured.contains("\x1b[31m-\x1b[0m"), "red destroy");
    assert!(coloured.contains("\x1b[36m  # "), "cyan header comment");
    let stripped = strip_ansi(&coloured);
    assert_eq!(stripped, a, "colour changes nothing but escapes");
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn values_are_quoted_and_nested_maps_diffed_element_by_element() {
    assert_eq!(quote("a\"b\\c\nd\u{1}"), r#""a\"b\\c\nd\u0001""#);
    assert_eq!(key_text("bandwidth"), "bandwidth");
    assert_eq!(key_text("service.beta/x"), "\"service.beta/x\"");
    let r = Renderer {
        paint: Paint(false),
    };
    let before = Value::map([("a", Value::from(1i64)), ("b", Value::from(2i64))]);
    let after = Value::map([("a", Value::from(1i64)), ("c", Value::from("x"))]);
    assert_eq!(
        r.diff(&before, &after, 6).lines().collect::<Vec<_>>(),
        vec![
            "{",
            "          + c = \"x\"",
            "          - b = 2 -> null",
            "            # (1 unchanged element hidden)",
            "        }",
        ]
    );
}

#[test]
fn warning_prose_wraps_at_the_width_without_breaking_words() {
    let lines = wrap("Help:  ", "aaaa bbbb cccc dddd", 2 + 7 + 20);
    assert_eq!(lines, vec!["  Help:  aaaa bbbb cccc dddd"]);
    let lines = wrap("Cause: ", &"word ".repeat(10), 30);
    assert!(lines.len() > 1);
    assert!(lines.iter().skip(1).all(|l| l.starts_with("         word")));
}

/// A multi-line string (a JSON annotation copied into an attribute) changes line by line,
/// as a heredoc, so one edited line does not show as two whole blobs (issue 4, `similar`).
#[test]
fn multi_line_strings_diff_line_by_line() {
    let r = Renderer {
        paint: Paint(false),
    };
    let before = Value::from("{\n  \"a\": 1,\n  \"b\": 2\n}\n");
    let after = Value::from("{\n  \"a\": 1,\n  \"b\": 3\n}\n");
    assert_eq!(
        r.diff(&before, &after, 6).lines().collect::<Vec<_>>(),
        vec![
            "<<-EOT",
            "          {",
            "            \"a\": 1,",
            "        -   \"b\": 2",
            "        +   \"b\": 3",
            "          }",
            "          EOT",
        ]
    );
}

/// `lbplan diff` (seed 000, "Important"): the warning shows the head line that causes the
/// destruction and the provider's way to keep it instead of the generic help.
#[test]
fn warnings_show_the_causing_line_and_the_providers_help() {
    let prior = model(two_regions(true));
    let desired = model(region("np-hangzhou", "cn-hangzhou", false, 10, 30080));
    let plan = diff(&prior, &desired, &NoCauses).expect("plan");
    let at = span("np-hefei");
    let sites: BTreeMap<String, CauseSite> = plan
        .changes
        .iter()
        .filter(|c| c.destructive)
        .map(|c| {
            let site = CauseSite {
                span: at,
                label: "relabelled".to_string(),
                keep: Some("keep the label".to_string()),
            };
            (c.address.clone(), site)
        })
        .collect();
    let out = render_with_sites(&sources(), &plan, &Diagnostics::new(), PLAIN, &sites);
    assert!(
        out.contains("  Line:  edge/service.yaml:14:9 (relabelled)\n         14 |   name: cube-svc-np-hefei\n  Help:  keep the label\n"),
        "{out}"
    );
    assert!(!out.contains("revert the manifest change above"), "{out}");
}

/// The text of `plan` as `lbplan plan` writes it: change by change through a
/// [`TextPlanWriter`].
fn streamed(plan: &Plan, diags: &Diagnostics, prior_is_empty: bool) -> String {
    let sources = sources();
    let mut bytes = Vec::new();
    let mut w = TextPlanWriter::new(&mut bytes, PLAIN);
    let start = PlanStart {
        prior_state: None,
        prior_is_empty,
    };
    w.begin(&sources, &start).expect("writes");
    for c in &plan.changes {
        w.change(&sources, c.clone()).expect("writes");
    }
    let outputs = crate::plan::Outputs::default();
    let end = PlanEnd {
        planned: true,
        prior_state: None,
        summary: plan.summary,
        has_changes: plan.has_changes(),
        warnings: &plan.warnings,
        diagnostics: diags,
        outputs: &outputs,
    };
    w.end(&sources, &end).expect("writes");
    String::from_utf8(bytes).expect("utf-8")
}

#[test]
fn the_streamed_text_is_the_rendered_text_with_and_without_a_prior_state() {
    let mut diags = Diagnostics::new();
    diags.push(Diagnostic::warning("LBP6010", "a finding").with_primary(span("np-hefei"), "here"));
    // Without prior resources each block is written as it comes.
    let creates = diff(&Model::new(), &model(two_regions(false)), &NoCauses).expect("acyclic");
    for d in [&Diagnostics::new(), &diags] {
        let whole = render(&sources(), &creates, d, PLAIN);
        assert_text(&streamed(&creates, d, true), &whole);
        let nothing = diff(&Model::new(), &Model::new(), &NoCauses).expect("empty");
        let whole = render(&sources(), &nothing, d, PLAIN);
        assert_text(&streamed(&nothing, d, true), &whole);
    }
    // Against a prior state every action may occur: the changes are kept for the legend.
    let mixed = mixed_plan();
    assert_text(
        &streamed(&mixed, &diags, false),
        &render(&sources(), &mixed, &diags, PLAIN),
    );
}
