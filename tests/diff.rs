//! `lbplan diff BASE HEAD` on the seed 000 scenarios (`examples/edge-elb-auto/` and
//! `examples/edge-elb-self-managed/`, seed `000_98f32af70df98347.txt`), each a folder pair
//! `tests/fixtures/diff/<case>/{base,head}`, against `golden/diff/<case>/diff.{txt,md,json,
//! sarif.json}`; then the same comparison read from a git repository made by the test.
//!
//! `LBPLAN_BLESS=1 cargo test --test diff` rewrites the goldens; review the diff.

mod common;

use common::{assert_no_failures, check_golden, root};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command as Process;

use lbplan::cli::{self, Color, Command, DiffArgs, DiffFormat, FailOn};
use lbplan::source::load::DEFAULT_MAX_FILE_SIZE;

/// Every case, with what it shows (seed 000 sections in brackets).
const CASES: &[&str] = &[
    // "Important": relabelling a node pool so the selector no longer matches deletes that
    // region's ELB and EIP.
    "relabel",
    // Step 3, `spec.ports`: one more port is one more listener per region.
    "new-port",
    // Step 2 item 5 / step 3: a selector that also matches a third pool adds its region.
    "selector-widened",
    // "Choose an ELB management approach": Option A → Option B.
    "auto-to-self-managed",
    // A misspelt annotation is ignored by the controller: a warning, no change.
    "annotation-typo",
    // Comments only: `No changes.`
    "comments-only",
    // Kubernetes has no rename: the old Service's ELBs and EIPs go, new ones come.
    "service-renamed",
];

fn args(base: &str, head: &str, format: DiffFormat) -> DiffArgs {
    DiffArgs {
        base: base.to_string(),
        head: head.to_string(),
        paths: Vec::new(),
        format,
        template: None,
        detailed_exitcode: false,
        fail_on: Vec::new(),
        profile: None,
        color: Color::Never,
        max_file_size: DEFAULT_MAX_FILE_SIZE,
    }
}

fn case_args(case: &str, format: DiffFormat) -> DiffArgs {
    args(
        &format!("tests/fixtures/diff/{case}/base"),
        &format!("tests/fixtures/diff/{case}/head"),
        format,
    )
}

fn run(a: DiffArgs) -> (String, i32) {
    cli::run(Command::Diff(a))
}

const FORMATS: &[(DiffFormat, &str)] = &[
    (DiffFormat::Text, "diff.txt"),
    (DiffFormat::Markdown, "diff.md"),
    (DiffFormat::Json, "diff.json"),
    (DiffFormat::Sarif, "diff.sarif.json"),
];

#[test]
fn diffs_match_goldens() {
    let root = root();
    let mut failures = String::new();
    for case in CASES {
        for (format, file) in FORMATS {
            let (out, code) = run(case_args(case, *format));
            assert_eq!(code, 0, "{case} {file}: exit {code}\n{out}");
            check_golden(
                &root.join("golden/diff").join(case).join(file),
                &out,
                &mut failures,
            );
        }
    }
    assert_no_failures(&failures);
}

/// Seed 000, "Important": "Updating the node pool selector or node pool labels may also
/// trigger ELB instance deletion" — the warning names the head line that does it.
#[test]
fn a_relabel_warns_at_the_head_label_and_destroys_one_region() {
    root();
    let (out, _) = run(case_args("relabel", DiffFormat::Text));
    for address in [
        "elb.default/cube-svc/np-wuhan",
        "eip.default/cube-svc/np-wuhan",
    ] {
        assert!(out.contains(&format!("Warning: {address}")), "{out}");
    }
    assert!(
        out.contains("Line:  tests/fixtures/diff/relabel/head/nodepools.yaml:37:14"),
        "{out}"
    );
    assert!(out.contains("37 |     k8s-svc: cube-retired"), "{out}");
    assert!(!out.contains("np-heifei will be destroyed"), "{out}");
    assert!(
        out.contains("Plan: 0 to add, 0 to change, 7 to destroy."),
        "{out}"
    );
}

#[test]
fn a_rename_is_a_delete_and_a_create_with_a_note() {
    root();
    let (out, _) = run(case_args("service-renamed", DiffFormat::Text));
    assert!(
        out.contains("warning[LBP8005]: Service default/cube-svc is renamed to default/cube-web"),
        "{out}"
    );
    assert!(
        out.contains("Plan: 14 to add, 0 to change, 14 to destroy."),
        "{out}"
    );
    assert!(out.contains("Line:  tests/fixtures/diff/service-renamed/head/cube-web.yaml:6:9 (renamed from `cube-svc`)"), "{out}");
}

#[test]
fn identical_trees_and_comment_edits_have_no_changes() {
    root();
    let mut a = case_args("comments-only", DiffFormat::Text);
    a.detailed_exitcode = true;
    a.fail_on = vec![FailOn::Destroy, FailOn::Replace, FailOn::Warning];
    assert_eq!(
        run(a),
        (
            "No changes. Your load balancers match the manifests.\n".to_string(),
            0
        )
    );
    let mut same = args(
        "tests/fixtures/diff/relabel/head",
        "tests/fixtures/diff/relabel/head",
        DiffFormat::Text,
    );
    same.detailed_exitcode = true;
    assert_eq!(run(same).1, 0);
}

#[test]
fn exit_codes_follow_detailed_exitcode_and_fail_on() {
    root();
    let code = |case: &str, detailed: bool, fail_on: &[FailOn]| {
        let mut a = case_args(case, DiffFormat::Json);
        a.detailed_exitcode = detailed;
        a.fail_on = fail_on.to_vec();
        run(a).1
    };
    assert_eq!(code("new-port", true, &[]), 2);
    assert_eq!(code("new-port", false, &[]), 0);
    assert_eq!(code("new-port", true, &[FailOn::Destroy]), 2);
    assert_eq!(code("relabel", false, &[FailOn::Destroy]), 3);
    assert_eq!(code("relabel", true, &[FailOn::Replace]), 2);
    assert_eq!(code("auto-to-self-managed", false, &[FailOn::Replace]), 3);
    assert_eq!(code("annotation-typo", true, &[]), 0);
    assert_eq!(code("annotation-typo", false, &[FailOn::Warning]), 3);
    assert_eq!(code("annotation-typo", false, &[FailOn::Destroy]), 0);
}

#[test]
fn output_is_deterministic() {
    root();
    for (format, _) in FORMATS {
        let first = run(case_args("auto-to-self-managed", *format));
        assert_eq!(first, run(case_args("auto-to-self-managed", *format)));
    }
}

#[test]
fn a_custom_template_replaces_the_shipped_one_and_is_strict() {
    let root = root();
    let dir = scratch("template");
    let good = dir.join("good.hbs");
    fs::write(&good, "{{summary.destroy}} destroyed, {{#each destructive}}{{address}} <{{line.location}}>;{{/each}}").unwrap();
    let mut a = case_args("relabel", DiffFormat::Markdown);
    a.template = Some(good);
    let (out, code) = run(a);
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("7 destroyed, listener.default/cube-svc/np-wuhan/tcp-80 <tests/fixtures/diff/relabel/head/nodepools.yaml:37:14>;"), "{out}");
    let bad = dir.join("bad.hbs");
    fs::write(&bad, "{{summary.destroyed}}").unwrap();
    let mut a = case_args("relabel", DiffFormat::Markdown);
    a.template = Some(bad);
    let (out, code) = run(a);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("destroyed"), "{out}");
    let mut a = case_args("relabel", DiffFormat::Markdown);
    a.template = Some(dir.join("missing.hbs"));
    let (out, code) = run(a);
    assert_eq!(code, 2, "{out}");
    assert!(out.starts_with("error: cannot read the template"), "{out}");
    let _ = fs::remove_dir_all(dir);
    let _ = root;
}

/// A fresh folder under the system temp dir, unique to this test process.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lbplan-diff-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("create scratch folder");
    dir
}

fn git(dir: &Path, args: &[&str]) {
    let out = Process::new("git")
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .args([
            "-c",
            "user.name=lbplan test",
            "-c",
            "user.email=test@lbplan.invalid",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn copy_yaml(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
    }
}

/// A repository whose first commit holds the relabel case's base under `deploy/` and whose
/// second commit holds its head, with a README outside `deploy/`.
fn relabel_repo(name: &str) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let repo = scratch(name);
    git(&repo, &["init", "-q"]);
    fs::write(repo.join("README.md"), "not a manifest\n").unwrap();
    copy_yaml(
        &root.join("tests/fixtures/diff/relabel/base"),
        &repo.join("deploy"),
    );
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "base"]);
    copy_yaml(
        &root.join("tests/fixtures/diff/relabel/head"),
        &repo.join("deploy"),
    );
    git(&repo, &["commit", "-q", "-a", "-m", "retire wuhan"]);
    // The working tree differs from both commits: git, not the checkout, is read.
    fs::remove_dir_all(repo.join("deploy")).unwrap();
    repo
}

fn lbplan(dir: &Path, args: &[&str]) -> (String, i32) {
    let out = Process::new(env!("CARGO_BIN_EXE_lbplan"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("lbplan runs");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn git_revisions_are_read_without_a_checkout() {
    let root = root();
    let repo = relabel_repo("git");
    let mut failures = String::new();
    for (format, file) in [
        ("text", "diff.txt"),
        ("markdown", "diff.md"),
        ("json", "diff.json"),
        ("sarif", "diff.sarif.json"),
    ] {
        let (out, code) = lbplan(
            &repo,
            &[
                "diff", "HEAD~1", "HEAD", "--format", format, "--color", "never", "--", "deploy/",
            ],
        );
        assert_eq!(code, 0, "{out}");
        check_golden(
            &root.join("golden/diff/git-relabel").join(file),
            &out,
            &mut failures,
        );
    }
    let (out, code) = lbplan(
        &repo,
        &[
            "diff",
            "HEAD~1",
            "HEAD",
            "--fail-on",
            "destroy",
            "--",
            "deploy/",
        ],
    );
    assert_eq!(code, 3, "{out}");
    let (out, code) = lbplan(&repo, &["diff", "HEAD", "HEAD", "--detailed-exitcode"]);
    assert_eq!(
        (out.as_str(), code),
        ("No changes. Your load balancers match the manifests.\n", 0)
    );
    let _ = fs::remove_dir_all(&repo);
    assert_no_failures(&failures);
}

#[test]
fn a_folder_and_a_revision_compare() {
    let root = root();
    let repo = relabel_repo("mixed");
    copy_yaml(
        &root.join("tests/fixtures/diff/relabel/head"),
        &repo.join("work"),
    );
    let (out, code) = lbplan(
        &repo,
        &[
            "diff",
            "HEAD~1",
            "work",
            "--detailed-exitcode",
            "--color",
            "never",
            "--",
            "deploy",
        ],
    );
    // Paths after `--` apply to both sides: inside `work` that is `work/deploy`, absent.
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("cannot read `work/deploy`"), "{out}");
    let (out, code) = lbplan(
        &repo,
        &[
            "diff",
            "HEAD~1",
            "work",
            "--detailed-exitcode",
            "--color",
            "never",
        ],
    );
    // The base is the whole first commit (deploy/), the head the folder: same manifests
    // as the relabel case, so the same seven deletions.
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("Plan: 0 to add, 0 to change, 7 to destroy."),
        "{out}"
    );
    assert!(out.contains("Line:  work/nodepools.yaml:37:14"), "{out}");
    assert!(
        out.contains("# from HEAD~1:deploy/cube-svc.yaml:6:9"),
        "{out}"
    );
    let _ = fs::remove_dir_all(&repo);
}

#[test]
fn missing_revisions_and_paths_are_diagnosed() {
    root();
    let repo = relabel_repo("missing");
    let (out, code) = lbplan(
        &repo,
        &["diff", "no-such-branch", "HEAD", "--format", "json"],
    );
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("\"code\": \"LBP8001\""), "{out}");
    assert!(out.contains("unknown revision `no-such-branch`"), "{out}");
    let (out, code) = lbplan(
        &repo,
        &["diff", "HEAD~1", "HEAD", "--format", "json", "--", "k8s/"],
    );
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("\"code\": \"LBP8002\""), "{out}");
    assert!(
        out.contains("`k8s/` does not exist at revision `HEAD~1`"),
        "{out}"
    );
    let outside = scratch("not-a-repo");
    let (out, code) = lbplan(&outside, &["diff", "HEAD~1", "HEAD", "--format", "json"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("\"code\": \"LBP8003\""), "{out}");
    let _ = fs::remove_dir_all(&repo);
    let _ = fs::remove_dir_all(&outside);
}

/// Only HEAD's findings are the pull request's: errors already in BASE are counted in the
/// comment but neither listed nor failing the run; errors HEAD brings exit 1.
#[test]
fn base_errors_are_counted_head_errors_fail() {
    let root = root();
    let dir = scratch("errors");
    let clean = dir.join("clean");
    let broken = dir.join("broken");
    copy_yaml(&root.join("tests/fixtures/diff/comments-only/base"), &clean);
    copy_yaml(
        &root.join("tests/fixtures/diff/comments-only/base"),
        &broken,
    );
    fs::write(
        broken.join("extra.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n",
    )
    .unwrap();
    let (clean, broken) = (clean.display().to_string(), broken.display().to_string());
    let (out, code) = run(args(&broken, &clean, DiffFormat::Markdown));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("itself has errors (1)"), "{out}");
    assert!(!out.contains("LBP1005"), "{out}");
    let (out, code) = run(args(&clean, &broken, DiffFormat::Markdown));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("**error[LBP1005]**"), "{out}");
    let _ = fs::remove_dir_all(dir);
}
