//! Manifests at a git revision, read with the `git` command line (`lbplan diff origin/main
//! HEAD`). Every CI runner has `git`; reimplementing it (or linking libgit2) would add a
//! second, subtly different reader of the same repository. Nothing is checked out: the tree
//! is listed with `git ls-tree -r -z -l` and the blobs are streamed through one
//! `git cat-file --batch`, so the working tree is never touched.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// One manifest file of a revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitFile {
    /// The path as `git ls-tree` prints it: relative to the folder git ran in.
    pub path: String,
    /// The blob's size in bytes.
    pub size: u64,
    /// The content; `None` when the blob is larger than the limit (not read at all).
    pub bytes: Option<Vec<u8>>,
}

/// Why a revision could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GitError {
    #[error("cannot run `git`: {0}")]
    NoGit(String),
    #[error("`{dir}` is not inside a git repository")]
    NotARepository { dir: String },
    #[error("unknown revision `{rev}`")]
    UnknownRevision { rev: String },
    #[error("`{path}` does not exist at revision `{rev}`")]
    PathNotInRevision { rev: String, path: String },
    #[error("`git {command}` failed: {stderr}")]
    Failed { command: String, stderr: String },
}

/// The manifest files (`*.yaml`, `*.yml`, `*.json`, no hidden path component, no
/// symlinks or submodules) under `paths` (every file when empty) at revision `rev`, read
/// by `git` running in `dir`, sorted by path. Blobs over `max_size` bytes are listed
/// without their content, so that no input can make a run large.
pub fn read_tree(
    dir: &Path,
    rev: &str,
    paths: &[String],
    max_size: u64,
) -> Result<Vec<GitFile>, GitError> {
    let commit = resolve(dir, rev)?;
    let mut listed = Vec::new();
    let all = [".".to_string()];
    let specs = if paths.is_empty() { &all[..] } else { paths };
    for spec in specs {
        let found = list(dir, &commit, spec)?;
        if found.is_empty() {
            return Err(GitError::PathNotInRevision {
                rev: rev.to_string(),
                path: spec.clone(),
            });
        }
        listed.extend(found);
    }
    listed.sort();
    listed.dedup();
    let wanted: Vec<&Entry> = listed
        .iter()
        .filter(|e| is_manifest_path(&e.path))
        .collect();
    let small: Vec<&str> = wanted
        .iter()
        .filter(|e| e.size <= max_size)
        .map(|e| e.oid.as_str())
        .collect();
    let mut contents = cat_blobs(dir, &small)?.into_iter();
    Ok(wanted
        .into_iter()
        .map(|e| GitFile {
            path: e.path.clone(),
            size: e.size,
            bytes: if e.size <= max_size {
                contents.next()
            } else {
                None
            },
        })
        .collect())
}

/// The commit `rev` names, or why there is none.
fn resolve(dir: &Path, rev: &str) -> Result<String, GitError> {
    // `--end-of-options` keeps a revision that starts with `-` from being read as a flag.
    let out = git(
        dir,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &format!("{rev}^{{commit}}"),
        ],
    )?;
    if out.status.success() {
        return Ok(String::from_utf8_lossy(&out.stdout).trim().to_string());
    }
    let inside = git(dir, &["rev-parse", "--git-dir"])?;
    if !inside.status.success() {
        return Err(GitError::NotARepository {
            dir: dir.display().to_string(),
        });
    }
    Err(GitError::UnknownRevision {
        rev: rev.to_string(),
    })
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    path: String,
    oid: String,
    size: u64,
}

/// `git ls-tree -r -z -l <commit> -- <spec>`: the blobs under `spec`.
fn list(dir: &Path, commit: &str, spec: &str) -> Result<Vec<Entry>, GitError> {
    let out = git(dir, &["ls-tree", "-r", "-z", "-l", commit, "--", spec])?;
    if !out.status.success() {
        return Err(failed("ls-tree", &out.stderr));
    }
    Ok(out
        .stdout
        .split(|b| *b == 0)
        .filter_map(parse_ls_tree_line)
        .collect())
}

/// One `<mode> SP <type> SP <oid> SP+ <size> TAB <path>` record; only regular files.
fn parse_ls_tree_line(record: &[u8]) -> Option<Entry> {
    let text = std::str::from_utf8(record).ok()?;
    let (meta, path) = text.split_once('\t')?;
    let mut fields = meta.split_whitespace();
    let mode = fields.next()?;
    let kind = fields.next()?;
    let oid = fields.next()?;
    let size = fields.next()?.parse().ok()?;
    if kind != "blob" || !mode.starts_with("100") {
        return None;
    }
    Some(Entry {
        path: path.to_string(),
        oid: oid.to_string(),
        size,
    })
}

/// The same rule as the folder walk: manifest extensions, no hidden component.
fn is_manifest_path(path: &str) -> bool {
    let hidden = path
        .split('/')
        .any(|c| c.starts_with('.') && c != "." && c != "..");
    let ext = path.rsplit_once('.').map(|(_, e)| e);
    !hidden && matches!(ext, Some("yaml" | "yml" | "json"))
}

/// The contents of `oids`, in order, through one `git cat-file --batch`.
fn cat_blobs(dir: &Path, oids: &[&str]) -> Result<Vec<Vec<u8>>, GitError> {
    if oids.is_empty() {
        return Ok(Vec::new());
    }
    let mut child = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| GitError::NoGit(e.to_string()))?;
    let request: String = oids.iter().map(|o| format!("{o}\n")).collect();
    let mut stdin = child.stdin.take().ok_or_else(|| failed("cat-file", b""))?;
    // Written from a thread: git answers while we ask, and a full pipe would block both.
    // `wait_with_output` drains stdout and stderr together, so neither pipe can fill up.
    let writer = std::thread::spawn(move || stdin.write_all(request.as_bytes()));
    let out = child
        .wait_with_output()
        .map_err(|e| failed("cat-file", e.to_string().as_bytes()))?;
    let _ = writer.join();
    if !out.status.success() {
        return Err(failed("cat-file", &out.stderr));
    }
    parse_batch(&out.stdout, oids.len()).ok_or_else(|| failed("cat-file", b"unexpected output"))
}

/// `<oid> blob <size>\n<content>\n`, `count` times.
fn parse_batch(mut out: &[u8], count: usize) -> Option<Vec<Vec<u8>>> {
    let mut blobs = Vec::with_capacity(count);
    for _ in 0..count {
        let nl = out.iter().position(|b| *b == b'\n')?;
        let header = std::str::from_utf8(&out[..nl]).ok()?;
        let size: usize = header.rsplit(' ').next()?.parse().ok()?;
        let body = out.get(nl + 1..nl + 1 + size)?;
        blobs.push(body.to_vec());
        out = out.get(nl + 2 + size..).unwrap_or(&[]);
    }
    Some(blobs)
}

fn git(dir: &Path, args: &[&str]) -> Result<std::process::Output, GitError> {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| GitError::NoGit(e.to_string()))
}

fn failed(command: &str, stderr: &[u8]) -> GitError {
    GitError::Failed {
        command: command.to_string(),
        stderr: String::from_utf8_lossy(stderr).trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ls_tree_records_keep_regular_files_only() {
        let blob = b"100644 blob 0123abcd     120\tdeploy/svc.yaml";
        assert_eq!(
            parse_ls_tree_line(blob),
            Some(Entry {
                path: "deploy/svc.yaml".into(),
                oid: "0123abcd".into(),
                size: 120
            })
        );
        assert_eq!(
            parse_ls_tree_line(b"120000 blob 0123abcd 9\tlink.yaml"),
            None
        );
        assert_eq!(parse_ls_tree_line(b"160000 commit 0123abcd -\tsub"), None);
    }

    #[test]
    fn manifest_paths_follow_the_folder_walk() {
        assert!(is_manifest_path("deploy/a.yaml"));
        assert!(is_manifest_path("../deploy/a.yml"));
        assert!(is_manifest_path("b.json"));
        assert!(!is_manifest_path(".github/workflows/ci.yaml"));
        assert!(!is_manifest_path("README.md"));
    }

    #[test]
    fn batch_output_splits_on_declared_sizes() {
        let out = b"aa blob 3\na\nb\nbb blob 0\n\n";
        assert_eq!(
            parse_batch(out, 2),
            Some(vec![b"a\nb".to_vec(), Vec::new()])
        );
        assert_eq!(parse_batch(b"aa blob 9\nshort\n", 1), None);
    }
}
