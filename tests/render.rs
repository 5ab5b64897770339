//! `lbplan render --format terraform|tf-json` on every example whose provider builds a model,
//! against `golden/<example>/terraform.tf` and `terraform.tf.json`; then every rendered block
//! is checked against the provider schema (`tests/fixtures/terraform-schema-subset.json`):
//! its type exists and every required argument is present.
//!
//! `LBPLAN_BLESS=1 cargo test --test render` rewrites the goldens; review the diff.

mod common;

use common::{assert_no_failures, root};
use std::collections::BTreeMap;
use std::fs;

use lbplan::cli::{self, Command, RenderArgs, RenderFormat};
use lbplan::compile;
use lbplan::render::terraform::{self, Syntax};
use lbplan::source::LoadOptions;
use serde_json::Value as Json;

/// Every example whose provider builds a model, with the seed it follows.
const EXAMPLES: &[&str] = &[
    // seed 000_98f32af70df98347.txt, "Option A": ENS ELB + EIP + attachment; listeners,
    // server groups, backends and PoolServices are gaps.
    "edge-elb-auto",
    // seed 000_98f32af70df98347.txt, "Option B": the user's ELB is referenced by its id.
    "edge-elb-self-managed",
    // seed 002_619c1553bc9940d8.txt: CLB, vServer groups, attachments, listeners.
    "ack-clb",
    "ack-edge-ens-forwarding",
    // seed 002_619c1553bc9940d8.txt: NLB with zone mappings, IP server groups.
    "ack-hybrid-nlb",
    // reference/alibaba.md §8 case 26: the NLB's security group (no type in the reference
    // schema: a gap).
    "ack-nlb-source-ranges",
    // seed 003_406e01f826ad155b.txt: shared ELB (huaweicloud_lb_*) with an EIP.
    "cce-autocreate-public",
    // seed 003_406e01f826ad155b.txt: an existing ELB referenced by id.
    "cce-existing-elb",
    // seed 003_406e01f826ad155b.txt: HTTPS listener with a certificate.
    "cce-https",
    // seed 004_cb008e09db351138.txt: ALB, EIP per zone, listeners, forwarding rules with
    // conditions and weighted forward groups, one server group per (service, cluster).
    "ackone-default",
    "ackone-single-cluster",
    "ackone-header-routing",
    "ackone-weighted",
];

fn render(example: &str, format: RenderFormat) -> (String, i32) {
    cli::run(Command::Render(RenderArgs {
        inputs: vec![format!("examples/{example}")],
        format,
        out: None,
        profile: None,
    }))
}

fn check_golden(example: &str, format: RenderFormat, file: &str) {
    let root = root();
    let (text, code) = render(example, format);
    assert_eq!(code, 0, "{example}: {text}");
    let mut failures = String::new();
    common::check_golden(
        &root.join("golden").join(example).join(file),
        &text,
        &mut failures,
    );
    assert_no_failures(&failures);
}

#[test]
fn hcl_goldens() {
    for example in EXAMPLES {
        check_golden(example, RenderFormat::Terraform, "terraform.tf");
    }
}

#[test]
fn json_goldens() {
    for example in EXAMPLES {
        check_golden(example, RenderFormat::TfJson, "terraform.tf.json");
    }
}

#[test]
fn output_is_deterministic() {
    root();
    for example in EXAMPLES {
        assert_eq!(
            render(example, RenderFormat::Terraform),
            render(example, RenderFormat::Terraform)
        );
        assert_eq!(
            render(example, RenderFormat::TfJson),
            render(example, RenderFormat::TfJson)
        );
    }
}

/// type → (required arguments, every argument).
fn schema() -> BTreeMap<String, (Vec<String>, Vec<String>)> {
    let text =
        fs::read_to_string(root().join("tests/fixtures/terraform-schema-subset.json")).unwrap();
    let doc: Json = serde_json::from_str(&text).unwrap();
    let strings = |v: &Json| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    doc["resource_types"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(t, s)| {
            let required = strings(&s["required"]);
            let mut all = required.clone();
            all.extend(strings(&s["optional"]));
            (t.clone(), (required, all))
        })
        .collect()
}

/// Whether `key` is set in `v` or in a block nested in it: the schema summary lists the
/// required arguments of a block's own nested blocks with it (`default_actions` needs
/// `server_group_id`, inside `forward_group_config.server_group_tuples`).
fn has_key_below(v: &Json, key: &str) -> bool {
    match v {
        Json::Object(m) => m.contains_key(key) || m.values().any(|x| has_key_below(x, key)),
        Json::Array(items) => items.iter().any(|x| has_key_below(x, key)),
        _ => false,
    }
}

/// The required arguments of each nested block of `tf_type` (e.g. `zone_mappings.zone_id`).
fn nested_required(tf_type: &str) -> Vec<(String, Vec<String>)> {
    let text =
        fs::read_to_string(root().join("tests/fixtures/terraform-schema-subset.json")).unwrap();
    let doc: Json = serde_json::from_str(&text).unwrap();
    doc["resource_types"][tf_type]["nested_blocks"]
        .as_object()
        .map(|blocks| {
            blocks
                .iter()
                .map(|(b, s)| {
                    let need = s["required"]
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(|x| x.as_str().map(String::from))
                                .collect()
                        })
                        .unwrap_or_default();
                    (b.clone(), need)
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn every_block_has_a_known_type_and_its_required_arguments() {
    let schema = schema();
    for example in EXAMPLES {
        let (text, code) = render(example, RenderFormat::TfJson);
        assert_eq!(code, 0);
        let doc: Json = serde_json::from_str(&text).unwrap();
        let Some(resources) = doc["resource"].as_object() else {
            continue;
        };
        for (tf_type, blocks) in resources {
            let (required, all) = schema
                .get(tf_type)
                .unwrap_or_else(|| panic!("{example}: {tf_type} is no resource type"));
            for (name, body) in blocks.as_object().unwrap() {
                let body = body.as_object().unwrap();
                for arg in required {
                    assert!(
                        body.contains_key(arg),
                        "{example}: {tf_type}.{name} lacks {arg}"
                    );
                }
                for key in body.keys() {
                    assert!(
                        key == "//" || key == "depends_on" || all.contains(key),
                        "{example}: {tf_type}.{name} has unknown argument {key}"
                    );
                }
                for (block, need) in nested_required(tf_type) {
                    let written = match body.get(&block) {
                        Some(Json::Array(items)) => items.clone(),
                        Some(one @ Json::Object(_)) => vec![one.clone()],
                        _ => Vec::new(),
                    };
                    for item in &written {
                        for arg in &need {
                            assert!(
                                has_key_below(item, arg),
                                "{example}: {tf_type}.{name}: block {block} lacks {arg}"
                            );
                        }
                    }
                }
            }
        }
    }
}

/// The fixture is a faithful copy of the reference schema (checked only where the
/// reference is present, so CI does not depend on it).
#[test]
fn schema_subset_matches_the_reference() {
    let Ok(text) = fs::read_to_string("/work/shared/reference/terraform-provider-schema.json")
    else {
        return;
    };
    let reference: Json = serde_json::from_str(&text).unwrap();
    let subset: Json = serde_json::from_str(
        &fs::read_to_string(root().join("tests/fixtures/terraform-schema-subset.json")).unwrap(),
    )
    .unwrap();
    for (tf_type, s) in subset["resource_types"].as_object().unwrap() {
        for field in ["required", "optional", "exported"] {
            assert_eq!(s[field], reference[tf_type][field], "{tf_type}.{field}");
        }
    }
}

/// Every model resource appears in the output: as a block, a gap or an external note.
#[test]
fn no_resource_is_dropped() {
    root();
    for example in EXAMPLES {
        let run = compile::graph(&[format!("examples/{example}")], &LoadOptions::default());
        let rendered = terraform::render(&run.model, Syntax::Hcl);
        for r in run.model.iter() {
            assert!(
                rendered.single.contains(&format!("# {} (", r.address))
                    || rendered.single.contains(&format!("# GAP: {} (", r.address)),
                "{example}: {} missing",
                r.address
            );
        }
    }
}

/// seed 000_98f32af70df98347.txt, "Option A": ENS listeners have no Terraform resource, so
/// they are a gap and a warning.
#[test]
fn ens_listeners_are_gaps_with_a_warning() {
    root();
    let run = compile::graph(
        &["examples/edge-elb-auto".to_string()],
        &LoadOptions::default(),
    );
    let rendered = terraform::render(&run.model, Syntax::Hcl);
    assert!(
        rendered
            .single
            .contains("# GAP: listener.default/cube-svc/np-chengdu/tcp-80")
    );
    assert!(
        rendered
            .diagnostics
            .iter()
            .any(|d| d.code == "LBP8101" && d.message.contains("listener"))
    );
}

#[test]
fn out_writes_main_and_one_file_per_provider() {
    root();
    let dir = std::env::temp_dir().join(format!("lbplan-render-{}", std::process::id()));
    let (text, code) = cli::run(Command::Render(RenderArgs {
        inputs: vec!["examples/ack-clb".into()],
        format: RenderFormat::Terraform,
        out: Some(dir.clone()),
        profile: None,
    }));
    assert_eq!(code, 0, "{text}");
    let main = fs::read_to_string(dir.join("main.tf")).unwrap();
    let alicloud = fs::read_to_string(dir.join("alicloud.tf")).unwrap();
    assert!(main.contains("required_providers") && !main.contains("resource \""));
    assert!(alicloud.contains("resource \"alicloud_slb_listener\""));
    fs::remove_dir_all(&dir).unwrap();
}

/// seed 000_98f32af70df98347.txt, "Option A", and the schema's "absent_resources": ENS
/// backends have no resource of their own; they are the ELB's inline `backend_servers`.
#[test]
fn ens_backends_fold_into_the_load_balancer() {
    root();
    let run = compile::graph(
        &["examples/edge-elb-auto".to_string()],
        &LoadOptions::default(),
    );
    let out = terraform::render(&run.model, Syntax::Hcl).single;
    assert!(out.contains(
        "# backend.default/cube-svc/np-chengdu (alibaba-elb backend): written as nested blocks of \
         alicloud_ens_load_balancer.default_cube-svc_np-chengdu"
    ));
    assert!(
        out.contains("  backend_servers {\n    server_id = \"i-5s7c9t1w3e6y0ud2\""),
        "{out}"
    );
    // seed 000, "Option B": the user's ELB is not ours to write into.
    let run = compile::graph(
        &["examples/edge-elb-self-managed".to_string()],
        &LoadOptions::default(),
    );
    let out = terraform::render(&run.model, Syntax::Hcl).single;
    assert!(out.contains("# GAP: backend.default/cube-svc/np-chengdu"));
    assert!(!out.contains("backend_servers {"));
}

/// stdout stays a valid document; the warnings go to stderr.
#[test]
fn warnings_go_to_stderr_and_stdout_parses() {
    root();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lbplan"))
        .args(["render", "examples/edge-elb-auto", "--format", "tf-json"])
        .output()
        .expect("run lbplan");
    assert!(out.status.success());
    let doc: Json = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert!(doc["resource"]["alicloud_ens_load_balancer"].is_object());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("LBP8101"), "{stderr}");
}
