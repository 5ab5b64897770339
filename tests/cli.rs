//! The `lbplan` binary as a user and a CI job see it: exit codes, inputs (files, folders,
//! stdin, `kind: List`, JSON), and the machine-readable output contracts (SPEC §7).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_lbplan");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `lbplan` from the crate root with the given arguments and optional stdin.
fn lbplan(args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .current_dir(root())
        .env_remove("NO_COLOR")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn lbplan");
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().expect("stdin pipe");
        pipe.write_all(input.as_bytes()).expect("write stdin");
    }
    child.wait_with_output().expect("wait for lbplan")
}

fn code(o: &Output) -> i32 {
    o.status
        .code()
        .unwrap_or_else(|| panic!("lbplan was killed by a signal: {o:?}"))
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

/// A fresh scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

fn json_of(o: &Output) -> Value {
    serde_json::from_str(&stdout(o))
        .unwrap_or_else(|e| panic!("output is not JSON ({e}):\n{}", stdout(o)))
}

fn codes_in(doc: &Value) -> Vec<String> {
    doc["diagnostics"]
        .as_array()
        .expect("diagnostics array")
        .iter()
        .map(|d| d["code"].as_str().expect("code").to_string())
        .collect()
}

const SERVICE_WITH_BOOL_ANNOTATION: &str = "\
apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    managed: true
spec:
  type: LoadBalancer
  ports:
  - name: http
    port: 80
";

// ---- exit codes --------------------------------------------------------------------

#[test]
fn clean_example_exits_0() {
    let o = lbplan(&["validate", "examples/edge-elb-auto/"], None);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(stdout(&o).contains("no problems found"), "{}", stdout(&o));
}

#[test]
fn broken_example_exits_1() {
    let o = lbplan(&["validate", "examples/broken-yaml"], None);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(out.contains("error[LBP1004]"), "{out}");
    assert!(out.contains("error[LBP1005]"), "{out}");
    // Paths are shown as given on the command line.
    assert!(
        out.contains("examples/broken-yaml/tab-indent.yaml:10:"),
        "{out}"
    );
}

#[test]
fn missing_path_exits_2_with_unlocated_diagnostic() {
    let o = lbplan(
        &["validate", "--format", "json", "examples/does-not-exist"],
        None,
    );
    assert_eq!(code(&o), 2);
    let doc = json_of(&o);
    let d = &doc["diagnostics"][0];
    assert_eq!(d["code"], "LBP1001");
    assert_eq!(d["file"], "examples/does-not-exist");
    for k in ["line", "column", "end_line", "end_column"] {
        assert!(d[k].is_null(), "{k} should be null for an I/O error: {d}");
    }
}

#[test]
fn folder_without_manifests_exits_2() {
    let dir = scratch("empty");
    std::fs::write(dir.join("notes.txt"), "not a manifest\n").unwrap();
    let o = lbplan(&["validate", dir.to_str().unwrap()], None);
    assert_eq!(code(&o), 2);
    assert!(stdout(&o).contains("LBP1009"), "{}", stdout(&o));
}

#[test]
fn one_unreadable_input_makes_the_run_exit_2_even_if_others_are_clean() {
    let o = lbplan(
        &["validate", "examples/edge-elb-auto", "examples/nope.yaml"],
        None,
    );
    assert_eq!(code(&o), 2);
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(code(&lbplan(&["validate"], None)), 2);
    assert_eq!(code(&lbplan(&["frobnicate"], None)), 2);
    assert_eq!(
        code(&lbplan(&["validate", "--format", "xml", "examples"], None)),
        2
    );
}

#[test]
fn help_and_version_exit_0() {
    let o = lbplan(&["--help"], None);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("validate"));
    assert_eq!(code(&lbplan(&["--version"], None)), 0);
}

// ---- inputs ------------------------------------------------------------------------

#[test]
fn stdin_multi_document_stream() {
    let stream = "\
apiVersion: v1
kind: Service
metadata:
  name: a
spec:
  ports:
  - port: 80
---
apiVersion: v1
kind: Service
metadata:
  name: b
  name: b2
spec:
  ports:
  - port: 81
";
    let o = lbplan(&["validate", "--format", "json", "-"], Some(stream));
    assert_eq!(code(&o), 1);
    let doc = json_of(&o);
    let d = &doc["diagnostics"][0];
    assert_eq!(d["code"], "LBP1005");
    assert_eq!(d["file"], "<stdin>");
    assert_eq!(
        d["line"], 13,
        "the duplicate is in the second document: {d}"
    );
    assert_eq!(d["column"], 3);

    let clean = stream.replace("  name: b2\n", "");
    let o = lbplan(&["validate", "-"], Some(&clean));
    assert_eq!(code(&o), 0, "{}", stdout(&o));
}

#[test]
fn kubectl_list_is_unwrapped() {
    // The shape of `kubectl get svc,cm -o yaml`: items carry their own apiVersion/kind.
    let list = "\
apiVersion: v1
kind: List
metadata:
  resourceVersion: \"\"
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: settings
  data:
    a: b
- apiVersion: v1
  kind: Service
  metadata:
    name: web
    annotations:
      managed: true
  spec:
    ports:
    - port: 80
";
    let o = lbplan(&["validate", "--format", "json", "-"], Some(list));
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    let doc = json_of(&o);
    let codes = codes_in(&doc);
    assert!(codes.contains(&"LBP1103".to_string()), "{codes:?}");
    assert!(
        codes.contains(&"LBP4101".to_string()),
        "ConfigMap skipped with a note: {codes:?}"
    );
    let d = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "LBP1103")
        .unwrap();
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(17), Some(16))
    );
}

#[test]
fn typed_service_list_items_inherit_kind() {
    // A typed list whose items omit apiVersion and kind (as some tools print them).
    let list = "\
apiVersion: v1
kind: ServiceList
items:
- metadata:
    name: web
    annotations:
      managed: true
  spec:
    ports:
    - port: 80
";
    let o = lbplan(&["validate", "--format", "json", "-"], Some(list));
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    let doc = json_of(&o);
    assert_eq!(codes_in(&doc), vec!["LBP1103"], "{doc}");
    assert_eq!(doc["diagnostics"][0]["line"], 7);
}

#[test]
fn json_manifest_file() {
    let dir = scratch("json");
    let path = dir.join("svc.json");
    std::fs::write(
        &path,
        r#"{
  "apiVersion": "v1",
  "kind": "Service",
  "metadata": {
    "name": "web",
    "annotations": {"managed": true}
  },
  "spec": {"ports": [{"port": 80}]}
}
"#,
    )
    .unwrap();
    let o = lbplan(
        &["validate", "--format", "json", path.to_str().unwrap()],
        None,
    );
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    let doc = json_of(&o);
    let d = &doc["diagnostics"][0];
    assert_eq!(d["code"], "LBP1103");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(6), Some(32))
    );
    // The folder walk picks up *.json as well.
    let o = lbplan(&["validate", dir.to_str().unwrap()], None);
    assert_eq!(code(&o), 1);
}

// ---- output contracts --------------------------------------------------------------

#[test]
fn json_output_follows_the_contract() {
    let o = lbplan(
        &["validate", "--format", "json", "-"],
        Some(SERVICE_WITH_BOOL_ANNOTATION),
    );
    assert_eq!(code(&o), 1);
    let doc = json_of(&o);
    let obj = doc.as_object().unwrap();
    assert!(obj.contains_key("diagnostics") && obj.contains_key("summary"));
    let d = &doc["diagnostics"][0];
    for k in [
        "code",
        "severity",
        "message",
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "help",
    ] {
        assert!(d.get(k).is_some(), "missing `{k}` in {d}");
    }
    assert_eq!(d["code"], "LBP1103");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["file"], "<stdin>");
    // `    managed: true` is line 6; `true` starts at column 14 (1-based) and `end_column`
    // is exclusive: 14 + 4.
    assert_eq!(d["line"], 6);
    assert_eq!(d["column"], 14);
    assert_eq!(d["end_line"], 6);
    assert_eq!(d["end_column"], 18);
    assert!(d["help"].as_str().is_some_and(|h| !h.is_empty()));
    assert_eq!(doc["summary"]["errors"], 1);
    assert_eq!(doc["summary"]["warnings"], 0);
    for d in doc["diagnostics"].as_array().unwrap() {
        assert!(
            ["error", "warning", "advice"].contains(&d["severity"].as_str().unwrap()),
            "{d}"
        );
    }
}

#[test]
fn sarif_output() {
    let o = lbplan(
        &["validate", "--format", "sarif", "examples/broken-yaml"],
        None,
    );
    assert_eq!(code(&o), 1);
    let doc = json_of(&o);
    assert_eq!(doc["version"], "2.1.0");
    let run = &doc["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "lbplan");
    let results = run["results"].as_array().expect("results");
    assert!(!results.is_empty());
    let r = &results[0];
    assert!(r["ruleId"].as_str().is_some_and(|id| id.starts_with("LBP")));
    let loc = &r["locations"][0]["physicalLocation"];
    assert!(
        loc["artifactLocation"]["uri"]
            .as_str()
            .is_some_and(|u| u.starts_with("examples/broken-yaml/")),
        "{loc}"
    );
    assert!(loc["region"]["startLine"].as_u64().is_some_and(|l| l >= 1));
}

#[test]
fn human_output_colour_switch() {
    let plain = lbplan(
        &["validate", "--color", "never", "examples/broken-yaml"],
        None,
    );
    assert!(!stdout(&plain).contains('\u{1b}'));
    let coloured = lbplan(
        &["validate", "--color", "always", "examples/broken-yaml"],
        None,
    );
    assert!(stdout(&coloured).contains('\u{1b}'));
    assert_eq!(code(&plain), code(&coloured));
}

// ---- explain -----------------------------------------------------------------------

#[test]
fn explain_one_code() {
    let o = lbplan(&["explain", "LBP1005"], None);
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    assert!(out.starts_with("LBP1005: duplicate key"), "{out}");
    assert!(out.contains("kubectl rejects"), "{out}");
}

#[test]
fn explain_lists_codes() {
    let o = lbplan(&["explain"], None);
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    for c in [
        "LBP1001", "LBP1002", "LBP1003", "LBP1004", "LBP1005", "LBP1006", "LBP1007", "LBP1008",
        "LBP1009",
    ] {
        assert!(
            out.lines().any(|l| l.starts_with(c)),
            "{c} not listed:\n{out}"
        );
    }
}

#[test]
fn explain_unknown_code_exits_2() {
    let o = lbplan(&["explain", "LBP9999"], None);
    assert_eq!(code(&o), 2);
    assert!(stdout(&o).contains("unknown diagnostic code"));
}
