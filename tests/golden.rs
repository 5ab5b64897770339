//! Golden tests: every folder under `examples/` is validated in-process and the output is
//! compared with `golden/<example>/`:
//!
//! - `validate.txt`: `# exit: N`, then the human report (no colour, width 100);
//! - `validate.json`: `--format json`;
//! - `validate.sarif.json`: `--format sarif` (only for the `broken-*` examples).
//!
//! `LBPLAN_BLESS=1 cargo test --test golden` rewrites the files (and deletes goldens of
//! examples that no longer exist). A golden change is a behaviour change: review the diff.
//!
//! Paths in the output are relative to the repository root (`examples/<name>/…`), so the
//! test runs from `CARGO_MANIFEST_DIR` and passes relative paths.

mod common;

use common::{blessing, unified_diff as diff};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use lbplan::cli::{self, Color, Command, Format, ValidateArgs};
use lbplan::source::load::DEFAULT_MAX_FILE_SIZE;

fn run(example: &str, format: Format) -> (String, i32) {
    cli::run(Command::Validate(ValidateArgs {
        inputs: vec![format!("examples/{example}")],
        format,
        color: Color::Never,
        max_file_size: DEFAULT_MAX_FILE_SIZE,
        profile: None,
    }))
}

/// The outputs one example should have, as (file name, content).
fn outputs(example: &str) -> Vec<(&'static str, String)> {
    let (human, code) = run(example, Format::Human);
    let (json, json_code) = run(example, Format::Json);
    assert_eq!(code, json_code, "{example}: exit status differs by format");
    let mut out = vec![
        ("validate.txt", format!("# exit: {code}\n{human}")),
        ("validate.json", json),
    ];
    if example.starts_with("broken-") {
        let (sarif, sarif_code) = run(example, Format::Sarif);
        assert_eq!(code, sarif_code, "{example}: exit status differs by format");
        out.push(("validate.sarif.json", sarif));
    }
    out
}

fn subdirs(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    names
}

#[test]
fn examples_match_goldens() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    // cargo already runs tests from here; this makes a direct run of the test binary work
    // too. The other test of this binary uses absolute paths only.
    std::env::set_current_dir(&root).expect("cd to the crate root");
    let bless = blessing();
    let examples = subdirs(Path::new("examples"));
    assert!(
        examples.len() >= 10,
        "expected the example scenarios under examples/, found {examples:?}"
    );

    let mut failures = String::new();
    let mut checked = 0;
    for example in &examples {
        let dir = Path::new("golden").join(example);
        for (name, actual) in outputs(example) {
            let path = dir.join(name);
            let expected = fs::read_to_string(&path).ok();
            if expected.as_deref() == Some(actual.as_str()) {
                checked += 1;
                continue;
            }
            if bless {
                fs::create_dir_all(&dir).expect("create golden dir");
                fs::write(&path, &actual).expect("write golden");
                eprintln!("blessed {}", path.display());
                continue;
            }
            match expected {
                None => writeln!(failures, "missing golden {}", path.display()).unwrap(),
                Some(exp) => failures.push_str(&diff(&exp, &actual, &path)),
            }
        }
    }

    // Goldens whose example is gone would silently rot. Folders of other suites are
    // theirs to check (`golden/diff/`: `tests/diff.rs`).
    const OTHER_SUITES: &[&str] = &["diff"];
    if Path::new("golden").is_dir() {
        for stale in subdirs(Path::new("golden")) {
            if examples.contains(&stale) || OTHER_SUITES.contains(&stale.as_str()) {
                continue;
            }
            let dir = Path::new("golden").join(&stale);
            if bless {
                fs::remove_dir_all(&dir).expect("remove stale golden");
                eprintln!("removed stale {}", dir.display());
            } else {
                writeln!(failures, "stale golden {} (no such example)", dir.display()).unwrap();
            }
        }
    }

    assert!(
        failures.is_empty(),
        "golden mismatch; review, then rerun with LBPLAN_BLESS=1 to accept:\n{failures}"
    );
    if !bless {
        assert!(checked > 0, "no golden was compared");
    }
}

/// Goldens are only meaningful if the same input gives byte-identical output.
#[test]
fn output_is_deterministic() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    for example in ["edge-elb-auto", "broken-yaml"] {
        let path = root.join("examples").join(example);
        let args = || ValidateArgs {
            inputs: vec![path.display().to_string()],
            format: Format::Json,
            color: Color::Never,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            profile: None,
        };
        let a = cli::run(Command::Validate(args()));
        let b = cli::run(Command::Validate(args()));
        assert_eq!(a, b, "{example}: two runs differ");
    }
}

/// Issue 2, "Done means": every diagnostic has a code, a location, a help line and an
/// `explain` entry. Checked on everything the examples produce; broken examples must fail.
#[test]
fn every_diagnostic_has_code_location_help_and_explanation() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    std::env::set_current_dir(&root).expect("repository root");
    for example in subdirs(&root.join("examples")) {
        let (json, code) = run(&example, Format::Json);
        if example.starts_with("broken-") {
            assert_eq!(code, 1, "{example} must fail");
        }
        let doc: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
        for d in doc["diagnostics"].as_array().expect("diagnostics array") {
            let code = d["code"].as_str().expect("code");
            let where_ = format!("{example}: {code} {}", d["message"]);
            assert!(
                lbplan::diag::codes::lookup(code).is_some(),
                "{where_}: no explain entry"
            );
            assert!(
                d["help"].as_str().is_some_and(|h| !h.is_empty()),
                "{where_}: no help"
            );
            assert!(
                d["line"].as_u64().is_some_and(|l| l >= 1),
                "{where_}: no line"
            );
            assert!(
                d["column"].as_u64().is_some_and(|c| c >= 1),
                "{where_}: no column"
            );
        }
    }
}
