//! Helpers shared by the scenario tests: golden files and the crate root. Each test binary
//! uses a part of them, hence the `dead_code` allowance.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

/// `LBPLAN_BLESS=1`: rewrite goldens instead of comparing (review the diff afterwards).
pub fn blessing() -> bool {
    std::env::var_os("LBPLAN_BLESS").is_some_and(|v| !v.is_empty() && v != "0")
}

/// The crate root, made the current folder so that example paths in outputs are relative.
pub fn root() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    std::env::set_current_dir(&root).expect("cd to the crate root");
    root
}

/// A unified diff of a golden and the actual output, for failure messages.
pub fn unified_diff(expected: &str, actual: &str, path: &Path) -> String {
    similar::TextDiff::from_lines(expected, actual)
        .unified_diff()
        .context_radius(3)
        .header(
            &format!("{} (golden)", path.display()),
            &format!("{} (actual)", path.display()),
        )
        .to_string()
}

/// Compares `actual` with the golden at `path`, appending a diff to `failures` on a
/// mismatch; when blessing, writes the golden instead.
pub fn check_golden(path: &Path, actual: &str, failures: &mut String) {
    let expected = fs::read_to_string(path).ok();
    if expected.as_deref() == Some(actual) {
        return;
    }
    if blessing() {
        fs::create_dir_all(path.parent().expect("golden folder")).expect("mkdir golden");
        fs::write(path, actual).expect("write golden");
        eprintln!("blessed {}", path.display());
        return;
    }
    match expected {
        None => failures.push_str(&format!("missing golden {}\n", path.display())),
        Some(exp) => failures.push_str(&unified_diff(&exp, actual, path)),
    }
}

/// Fails with every collected golden mismatch at once.
pub fn assert_no_failures(failures: &str) {
    assert!(
        failures.is_empty(),
        "golden mismatch; review, then rerun with LBPLAN_BLESS=1 to accept:\n{failures}"
    );
}
