//! Reading inputs: files, folders (recursively) and standard input, with hard limits so
//! that no input can make a run slow or large.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::yaml::parse_documents;
use super::{FileId, SourceMap, Span};
use crate::diag::{Diagnostic, Diagnostics};
use crate::manifest::node::NodeRecord;
use crate::manifest::{Manifest, Object, Objects, decode::Ctx, decode_document, object_root};

/// Default per-input size limit: far above any real manifest set, far below trouble.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct LoadOptions {
    pub max_file_size: u64,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
        }
    }
}

/// Everything read from the inputs of one run. Documents are decoded as they are parsed
/// and only their objects are kept: the YAML trees of a large fleet take more memory than
/// its objects and would double the peak if they were all kept until decoding.
#[derive(Debug, Default)]
pub struct Loaded {
    pub sources: SourceMap,
    /// The decoded objects, in the order of the files and of the documents in each file,
    /// except Nodes.
    pub manifests: Vec<Manifest>,
    /// The Nodes, in the same order, each checked and kept as a record as soon as it was
    /// decoded (see [`NodeRecord`]).
    pub nodes: Vec<NodeRecord>,
    /// Some document held something other than `null` (even if it did not decode).
    pub has_object: bool,
    /// An input could not be read at all (exit status 2, like a usage error).
    pub io_failed: bool,
}

impl Loaded {
    /// Every decoded object, for the stages after the checks.
    pub fn objects(&self) -> Objects<'_> {
        Objects {
            manifests: &self.manifests,
            nodes: &self.nodes,
        }
    }
}

/// Reads every input named on the command line. `-` is standard input.
pub fn load_inputs(inputs: &[String], opts: &LoadOptions, diags: &mut Diagnostics) -> Loaded {
    let mut loaded = Loaded::default();
    load_inputs_into(&mut loaded, inputs, opts, diags);
    loaded
}

/// [`load_inputs`] onto an existing load, whose files keep their ids: `diff` reads the
/// base and the head into one source map so that spans of either side stay valid.
pub fn load_inputs_into(
    loaded: &mut Loaded,
    inputs: &[String],
    opts: &LoadOptions,
    diags: &mut Diagnostics,
) {
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    for input in inputs {
        if input == "-" {
            let stdin = std::io::stdin();
            let hint = stdin_size_hint(&stdin);
            let bytes = read_limited(stdin.lock(), opts.max_file_size, hint);
            add_bytes(loaded, "<stdin>", bytes, None, opts, diags);
            continue;
        }
        let path = Path::new(input);
        match std::fs::metadata(path) {
            Err(e) => {
                loaded.io_failed = true;
                diags.push(unreadable(input, &e));
            }
            Ok(meta) if meta.is_dir() => {
                let mut files = Vec::new();
                walk(path, &mut files, diags);
                if files.is_empty() {
                    loaded.io_failed = true;
                    diags.push(
                        Diagnostic::error("LBP1009", format!("no manifests found in `{input}`"))
                            .with_path(input.clone())
                            .with_help("lbplan reads *.yaml, *.yml and *.json files, recursively"),
                    );
                }
                for f in files {
                    // Overlapping inputs (a fleet folder and one of its member folders)
                    // name the same file twice: read it once.
                    if seen.insert(f.display().to_string()) {
                        read_file(loaded, &f, opts, diags);
                    }
                }
            }
            Ok(_) => {
                if seen.insert(path.display().to_string()) {
                    read_file(loaded, path, opts, diags);
                }
            }
        }
    }
    report_empty_input(loaded, inputs, diags);
}

/// Reads the manifest files under `dir` that are not loaded yet (an ACK One member's folder
/// named by the profile). Returns false when `dir` is not a readable folder.
pub fn load_folder(
    loaded: &mut Loaded,
    dir: &str,
    opts: &LoadOptions,
    diags: &mut Diagnostics,
) -> bool {
    let path = Path::new(dir);
    if !path.is_dir() {
        return false;
    }
    let mut files = Vec::new();
    walk(path, &mut files, diags);
    let known: std::collections::HashSet<String> = loaded
        .sources
        .files()
        .map(|(_, f)| f.name.clone())
        .collect();
    for f in files {
        if !known.contains(&f.display().to_string()) {
            read_file(loaded, &f, opts, diags);
        }
    }
    true
}

/// Checking nothing must not pass silently: an empty stdin (a `helm template` that
/// rendered nothing) or comment-only files are a usage error, unless something else was
/// already reported.
pub fn report_empty_input(loaded: &mut Loaded, inputs: &[String], diags: &mut Diagnostics) {
    if loaded.has_object || diags.has_errors() {
        return;
    }
    loaded.io_failed = true;
    let names = inputs
        .iter()
        .map(|i| if i == "-" { "<stdin>" } else { i.as_str() })
        .collect::<Vec<_>>()
        .join(", ");
    diags.push(
        Diagnostic::error("LBP1009", format!("no manifests found in `{names}`"))
            .with_path(names)
            .with_help(
                "the input holds no YAML or JSON object; check that the manifests were rendered",
            ),
    );
}

fn unreadable(name: &str, e: &std::io::Error) -> Diagnostic {
    let why = match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    };
    Diagnostic::error("LBP1001", format!("cannot read `{name}`: {why}"))
        .with_path(name.to_string())
        .with_help("check the path; use `-` to read from standard input")
}

/// Manifest files under `dir`, sorted, skipping hidden entries and not following
/// symlinked folders (no loops).
fn walk(dir: &Path, out: &mut Vec<PathBuf>, diags: &mut Diagnostics) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            diags.push(unreadable(&dir.display().to_string(), &e));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        let hidden = p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        let Ok(meta) = std::fs::symlink_metadata(&p) else {
            continue;
        };
        if meta.is_dir() {
            walk(&p, out, diags);
        } else if is_manifest(&p) {
            out.push(p);
        }
    }
}

fn is_manifest(p: &Path) -> bool {
    matches!(
        p.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml" | "json")
    )
}

/// Reads at most `max + 1` bytes, so that a larger input is seen as larger than `max`.
///
/// The text read is kept for the whole run, so its buffer must not keep the up to twice
/// its size that reading by doubling leaves: with the size known (`size_hint`, a regular
/// file's length) the buffer is made that size up front, which `read_to_end` then fills
/// without growing; otherwise (a pipe, or a file that grew since) the room left over is
/// given back. The hint only sizes the buffer: what is read is what the reader yields.
fn read_limited(reader: impl Read, max: u64, size_hint: Option<u64>) -> std::io::Result<Vec<u8>> {
    let limit = max.saturating_add(1);
    let mut buf = Vec::new();
    if let Some(len) = size_hint
        && let Ok(cap) = usize::try_from(len.min(limit))
    {
        // A size the allocator refuses (a bogus length) leaves reading to grow as it
        // would without a hint, and fail the same way if the input really is that large.
        if buf.try_reserve_exact(cap).is_err() {
            buf = Vec::new();
        }
    }
    reader.take(limit).read_to_end(&mut buf)?;
    if buf.capacity() > buf.len() {
        buf.shrink_to_fit();
    }
    Ok(buf)
}

/// The length of a regular file, the only kind whose length says how much a read yields
/// (a pipe, a terminal, `/proc` files report 0 or a page size).
fn file_size_hint(meta: &std::fs::Metadata) -> Option<u64> {
    meta.is_file().then_some(meta.len())
}

/// Standard input redirected from a file (`< fleet.yaml`) is as large as that file.
#[cfg(unix)]
fn stdin_size_hint(stdin: &std::io::Stdin) -> Option<u64> {
    use std::os::fd::AsFd;
    // A duplicate of the descriptor, dropped (closed) at once, lends the `File` API for one
    // `fstat` without touching standard input itself.
    let file = std::fs::File::from(stdin.as_fd().try_clone_to_owned().ok()?);
    file_size_hint(&file.metadata().ok()?)
}

#[cfg(not(unix))]
fn stdin_size_hint(_stdin: &std::io::Stdin) -> Option<u64> {
    None
}

fn read_file(loaded: &mut Loaded, path: &Path, opts: &LoadOptions, diags: &mut Diagnostics) {
    let name = path.display().to_string();
    let mut regular = false;
    let bytes = std::fs::File::open(path).and_then(|f| {
        let hint = f.metadata().ok().as_ref().and_then(file_size_hint);
        regular = hint.is_some();
        read_limited(f, opts.max_file_size, hint)
    });
    // Only a regular file can be read again once its text is given back.
    let origin = regular.then(|| path.to_path_buf());
    add_bytes(loaded, &name, bytes, origin, opts, diags);
}

/// Adds bytes read elsewhere (a git blob) with the same checks as a file: size limit,
/// UTF-8, NUL bytes.
pub fn add_blob(
    loaded: &mut Loaded,
    name: &str,
    bytes: Vec<u8>,
    opts: &LoadOptions,
    diags: &mut Diagnostics,
) {
    add_bytes(loaded, name, Ok(bytes), None, opts, diags);
}

/// `origin` is where the bytes can be read again (a regular file), if anywhere.
fn add_bytes(
    loaded: &mut Loaded,
    name: &str,
    bytes: std::io::Result<Vec<u8>>,
    origin: Option<PathBuf>,
    opts: &LoadOptions,
    diags: &mut Diagnostics,
) {
    let bytes = match bytes {
        Ok(b) => b,
        Err(e) => {
            loaded.io_failed = true;
            diags.push(unreadable(name, &e));
            return;
        }
    };
    if bytes.len() as u64 > opts.max_file_size {
        diags.push(
            Diagnostic::error(
                "LBP1003",
                format!(
                    "`{name}` is larger than the limit of {} bytes",
                    opts.max_file_size
                ),
            )
            .with_path(name.to_string())
            .with_help("split the file or raise the limit with --max-file-size"),
        );
        return;
    }
    let (text, bad_utf8) = match String::from_utf8(bytes) {
        Ok(t) => (t, None),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            (String::from_utf8_lossy(e.as_bytes()).into_owned(), Some(at))
        }
    };
    let nul = text.find('\0');
    // Text mended from bad UTF-8 is not what the file holds: it cannot be read again.
    let id = match origin.filter(|_| bad_utf8.is_none()) {
        Some(path) => loaded.sources.add_file(name, path, text),
        None => loaded.sources.add(name, text),
    };
    let here = |at: usize| Span::new(id, at, at + 1);
    if let Some(at) = nul {
        diags.push(
            Diagnostic::error(
                "LBP1008",
                format!("`{name}` contains NUL bytes; it looks binary"),
            )
            .with_primary(here(at), "NUL byte")
            .with_help("remove binary files from the manifest folder or name manifests explicitly"),
        );
        return;
    }
    if let Some(at) = bad_utf8 {
        diags.push(
            Diagnostic::error("LBP1002", format!("`{name}` is not valid UTF-8"))
                .with_primary(here(at), "invalid UTF-8 starts here")
                .with_help("save the file as UTF-8"),
        );
        return;
    }
    parse_into(loaded, id, diags);
}

/// Parses file `id` and decodes each document as soon as it is parsed, dropping its tree.
fn parse_into(loaded: &mut Loaded, id: FileId, diags: &mut Diagnostics) {
    let Loaded {
        sources,
        manifests,
        nodes,
        has_object,
        ..
    } = loaded;
    let sources: &SourceMap = sources;
    let (objects, node_objects) = expected_objects(sources.get(id).text().unwrap_or_default());
    manifests.reserve_exact(objects);
    nodes.reserve_exact(node_objects);
    parse_documents(id, sources.get(id), diags, |doc, diags| {
        *has_object |= object_root(&doc).is_some();
        let mut ctx = Ctx { sources, diags };
        let decoded = manifests.len();
        decode_document(&mut ctx, &doc, manifests);
        keep_nodes_as_records(sources, manifests, decoded, nodes, diags);
    });
    // The lists grew by doubling: up to half of each would be empty room for the whole run.
    manifests.shrink_to_fit();
    nodes.shrink_to_fit();
}

/// How many objects but Nodes, and how many Nodes, `text` likely holds: one per document
/// separator, and a Node per top-level `kind: Node` line. The lists are sized for them up
/// front: grown by doubling, they would hold up to twice what they need at the end of
/// loading, which is when a large fleet's memory peaks (the text is given back after).
/// Only a size: a wrong guess costs room or growth, never an object.
fn expected_objects(text: &str) -> (usize, usize) {
    let documents = text.matches("\n---").count() + 1;
    let nodes = ["\nkind: Node\n", "\nkind: Node\r\n"]
        .iter()
        .map(|line| text.matches(line).count())
        .sum::<usize>()
        + usize::from(text.starts_with("kind: Node\n") || text.starts_with("kind: Node\r\n"));
    (documents.saturating_sub(nodes), nodes)
}

/// Runs the rules of each Node decoded since `manifests[from]` and keeps it as a
/// [`NodeRecord`] instead: the checks need the whole object, nothing later does.
fn keep_nodes_as_records(
    sources: &SourceMap,
    manifests: &mut Vec<Manifest>,
    from: usize,
    nodes: &mut Vec<NodeRecord>,
    diags: &mut Diagnostics,
) {
    let is_node = |m: &Manifest| matches!(m.object, Object::Node(_));
    if !manifests[from..].iter().any(is_node) {
        return;
    }
    for m in manifests.split_off(from) {
        if is_node(&m) {
            crate::check::object(sources, &m, diags);
        }
        match NodeRecord::of(m) {
            Ok(node) => nodes.push(node),
            Err(m) => manifests.push(*m),
        }
    }
}

/// Adds in-memory text as an input (tests, `git show` output, generated fleets).
pub fn add_text(loaded: &mut Loaded, name: &str, text: String, diags: &mut Diagnostics) -> FileId {
    let id = loaded.sources.add(name, text);
    parse_into(loaded, id, diags);
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> (Loaded, Diagnostics) {
        let mut diags = Diagnostics::new();
        let mut loaded = Loaded::default();
        add_text(&mut loaded, "a.yaml", text.to_string(), &mut diags);
        report_empty_input(&mut loaded, &["a.yaml".to_string()], &mut diags);
        (loaded, diags)
    }

    #[test]
    fn documents_are_decoded_as_they_are_loaded() {
        let (loaded, diags) = load(
            "apiVersion: v1\nkind: Node\nmetadata:\n  name: a\n---\n---\n\
             apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Node\n  metadata:\n    name: b\n",
        );
        let names: Vec<&str> = loaded.nodes.iter().map(|n| n.name()).collect();
        assert_eq!(names, ["a", "b"]);
        assert!(
            loaded.manifests.is_empty(),
            "Nodes are kept as records only"
        );
        assert!(loaded.has_object && !loaded.io_failed, "{diags:?}");
    }

    #[test]
    fn the_lists_are_sized_for_the_documents_and_nodes_written() {
        let node = "apiVersion: v1\nkind: Node\nmetadata:\n  name: n\n";
        let pool = "apiVersion: apps.openyurt.io/v1beta1\nkind: NodePool\nmetadata:\n  name: p\n";
        let text = [node, pool, node].join("---\n");
        assert_eq!(expected_objects(&text), (1, 2));
        assert_eq!(expected_objects(&text.replace('\n', "\r\n")), (1, 2));
        assert_eq!(expected_objects("kind: Node\n"), (0, 1));
        // `kind: NodePool`, an indented `kind: Node` and a JSON document are no Node lines.
        assert_eq!(expected_objects("a:\n  kind: Node\n"), (1, 0));
        assert_eq!(expected_objects("{\"kind\": \"Node\"}"), (1, 0));
    }

    #[test]
    fn an_object_of_an_unknown_kind_is_still_input() {
        let (loaded, diags) = load("apiVersion: x.io/v1\nkind: Widget\n");
        assert!(loaded.manifests.is_empty());
        assert!(!loaded.io_failed);
        assert!(diags.iter().all(|d| d.code == "LBP4101"), "{diags:?}");
    }

    #[test]
    fn reading_keeps_no_spare_room_and_the_same_bytes_whatever_the_hint() {
        let data: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
        let len = data.len() as u64;
        // Right, too small, too large (a file that shrank or grew since), none (a pipe).
        for hint in [Some(len), Some(len / 3), Some(len * 2), Some(0), None] {
            let buf = read_limited(&data[..], 1 << 20, hint).unwrap();
            assert_eq!(buf, data, "{hint:?}");
            assert_eq!(buf.capacity(), buf.len(), "{hint:?}");
        }
        // The largest limit a user can give reads everything instead of overflowing.
        assert_eq!(read_limited(&data[..], u64::MAX, None).unwrap(), data);
        // A length no allocator grants is only a hint: reading goes on without it.
        let buf = read_limited(&data[..], u64::MAX - 1, Some(u64::MAX - 1)).unwrap();
        assert_eq!(buf, data);
    }

    #[test]
    fn an_input_over_the_limit_reads_one_byte_more_than_the_limit() {
        let data = vec![b'a'; 1000];
        for hint in [Some(1000), Some(u64::MAX), None] {
            assert_eq!(read_limited(&data[..], 999, hint).unwrap().len(), 1000);
            assert_eq!(read_limited(&data[..], 500, hint).unwrap().len(), 501);
            assert_eq!(read_limited(&data[..], 1000, hint).unwrap().len(), 1000);
        }
    }

    #[test]
    fn a_file_over_the_limit_is_refused() {
        let dir = std::env::temp_dir().join(format!("lbplan-load-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("big.yaml");
        std::fs::write(&path, "apiVersion: v1\nkind: Node\nmetadata:\n  name: a\n").unwrap();
        let size = std::fs::metadata(&path).unwrap().len();
        let read = |max: u64| {
            let mut diags = Diagnostics::new();
            let mut loaded = Loaded::default();
            let opts = LoadOptions { max_file_size: max };
            read_file(&mut loaded, &path, &opts, &mut diags);
            (
                loaded.nodes.len(),
                diags.iter().any(|d| d.code == "LBP1003"),
            )
        };
        assert_eq!(read(size), (1, false));
        assert_eq!(read(size - 1), (0, true));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn only_empty_documents_are_no_input() {
        let (loaded, diags) = load("---\n# nothing\n---\n~\n");
        assert!(loaded.io_failed);
        assert!(diags.iter().any(|d| d.code == "LBP1009"));
    }
}
