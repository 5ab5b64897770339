//! Hostile inputs: whatever the bytes, `lbplan validate` ends with exit status 1 or 2 (or 0
//! when the input happens to be fine), never with a signal (panic-abort, stack overflow,
//! out-of-memory kill), and reports the documented code.
//!
//! The binary is run as a child process so that a stack overflow shows up as a failed
//! test rather than killing the test runner. A watchdog kills a child that runs for more
//! than a few minutes and fails the test as a hang; that is a hang guard, not a speed
//! check (speed is measured by `cargo bench`, never by tests).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_lbplan");
const HANG: Duration = Duration::from_secs(300);

struct Run {
    code: i32,
    stdout: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", head(&self.stdout)))
    }
    fn codes(&self) -> Vec<String> {
        self.json()["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .map(|d| d["code"].as_str().unwrap_or("").to_string())
            .collect()
    }
    fn has(&self, code: &str) -> bool {
        self.codes().iter().any(|c| c == code)
    }
}

fn head(s: &str) -> &str {
    let mut end = s.len().min(2000);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Runs `lbplan validate --format json ARGS…`, feeding `stdin` if given.
fn validate(args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut child = Command::new(BIN)
        .arg("validate")
        .args(["--format", "json"])
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn lbplan");
    // Write stdin and drain stdout on threads so that neither pipe can fill up and block.
    let writer = stdin.map(|bytes| {
        let bytes = bytes.to_vec();
        let mut pipe = child.stdin.take().expect("stdin");
        std::thread::spawn(move || {
            // lbplan may stop reading early (size limit); a broken pipe is fine.
            let _ = pipe.write_all(&bytes);
        })
    });
    let mut out = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        std::io::Read::read_to_end(&mut out, &mut s).map(|_| s)
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > HANG {
            let _ = child.kill();
            let _ = child.wait();
            panic!("lbplan {args:?} hung (killed after {HANG:?})");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    if let Some(w) = writer {
        w.join().expect("stdin writer");
    }
    let stdout = reader.join().expect("stdout reader").expect("read stdout");
    let code = status
        .code()
        .unwrap_or_else(|| panic!("lbplan {args:?} was killed by a signal: {status:?}"));
    let stdout = String::from_utf8(stdout).expect("output is UTF-8");
    assert!(
        (0..=2).contains(&code),
        "unexpected exit status {code}: {}",
        head(&stdout)
    );
    Run { code, stdout }
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("hostile-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn validate_file(name: &str, bytes: &[u8]) -> Run {
    let dir = scratch(name);
    let path = dir.join(format!("{name}.yaml"));
    std::fs::write(&path, bytes).expect("write input");
    validate(&[path.to_str().unwrap()], None)
}

/// xorshift64*: deterministic pseudo-random bytes without a rand dependency.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

#[test]
fn invalid_utf8_is_lbp1002() {
    let r = validate_file(
        "latin1",
        b"apiVersion: v1\nkind: Service\nmetadata:\n  name: caf\xe9\n",
    );
    assert_eq!(r.code, 1);
    assert_eq!(r.codes(), vec!["LBP1002"]);
    let d = &r.json()["diagnostics"][0];
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(4), Some(12))
    );
}

#[test]
fn nul_bytes_are_lbp1008() {
    let r = validate_file(
        "nul",
        b"apiVersion: v1\nkind: Service\0\0\0\nmetadata: {}\n",
    );
    assert_eq!(r.code, 1);
    assert_eq!(r.codes(), vec!["LBP1008"]);
    assert_eq!(r.json()["diagnostics"][0]["line"], 2);
    // Also through standard input.
    let r = validate(&["-"], Some(b"\x7fELF\x02\x01\x01\0\0\0\0\0"));
    assert!(r.has("LBP1008"), "{:?}", r.codes());
}

#[test]
fn binary_garbage_never_crashes() {
    let mut rng = XorShift(0x5eed_1b9a_7e00_0001);
    for i in 0..8 {
        let bytes = rng.bytes(64 * 1024);
        let r = validate_file(&format!("garbage{i}"), &bytes);
        assert_eq!(r.code, 1, "{:?}", r.codes());
        assert!(
            r.has("LBP1008") || r.has("LBP1002"),
            "garbage {i}: {:?}",
            r.codes()
        );
    }
}

#[test]
fn yaml_shaped_garbage_never_crashes() {
    // Text made of YAML's own punctuation, so the parser (not the byte checks) is hit.
    const ALPHABET: &[u8] = b"ab:-,[]{}&*!|>'\"%@#?`\n\n    \t012";
    let mut rng = XorShift(0xdead_beef_cafe_f00d);
    for i in 0..64 {
        let n = 16 + (rng.next() % 4096) as usize;
        let text: Vec<u8> = (0..n)
            .map(|_| ALPHABET[(rng.next() % ALPHABET.len() as u64) as usize])
            .collect();
        let r = validate(&["-"], Some(&text));
        assert!(r.code <= 1, "case {i}: exit {}", r.code);
    }
}

#[test]
fn billion_laughs_is_lbp1006() {
    let mut text = String::from(
        "apiVersion: v1\nkind: ConfigMap\nlol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n",
    );
    for i in 1..=9 {
        let p = i - 1;
        let refs = vec![format!("*l{p}"); 10].join(", ");
        text.push_str(&format!("lol{i}: &l{i} [{refs}]\n"));
    }
    let r = validate_file("laughs", text.as_bytes());
    assert_eq!(r.code, 1);
    assert!(r.has("LBP1006"), "{:?}", r.codes());
}

#[test]
fn self_referencing_anchor_terminates() {
    let r = validate_file("selfref", b"a: &a [*a, *a]\nb: &b {k: *b}\n");
    assert!(r.code <= 1);
}

#[test]
fn deep_flow_nesting_is_lbp1007() {
    let text = format!("a: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
    let r = validate_file("deepflow", text.as_bytes());
    assert_eq!(r.code, 1);
    assert!(r.has("LBP1007"), "{:?}", r.codes());
    // Unbalanced, as a truncated file would be.
    let r = validate(&["-"], Some("{a: ".repeat(10_000).as_bytes()));
    assert_eq!(r.code, 1);
    assert!(r.has("LBP1007") || r.has("LBP1004"), "{:?}", r.codes());
}

#[test]
fn deep_block_nesting_is_lbp1007() {
    let maps: String = (0..5_000)
        .map(|i| format!("{}k:\n", " ".repeat(i)))
        .collect();
    let r = validate_file("deepblock", maps.as_bytes());
    assert_eq!(r.code, 1);
    assert!(r.has("LBP1007"), "{:?}", r.codes());
    let seqs = "- ".repeat(5_000) + "x\n";
    let r = validate(&["-"], Some(seqs.as_bytes()));
    assert_eq!(r.code, 1);
    assert!(r.has("LBP1007"), "{:?}", r.codes());
}

#[test]
fn input_over_the_size_limit_is_lbp1003() {
    // A small limit exercises the same path as the default 16 MiB one: the loader reads at
    // most limit+1 bytes of any input, so memory stays bounded by the limit.
    let svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n";
    let big = svc.repeat(100);
    let dir = scratch("limit");
    let path = dir.join("big.yaml");
    std::fs::write(&path, &big).unwrap();
    let r = validate(&["--max-file-size", "1000", path.to_str().unwrap()], None);
    assert_eq!(r.code, 1);
    assert_eq!(r.codes(), vec!["LBP1003"]);
    let d = &r.json()["diagnostics"][0];
    assert!(d["line"].is_null(), "the limit error has no position: {d}");
    // Standard input too.
    let r = validate(&["--max-file-size", "1000", "-"], Some(big.as_bytes()));
    assert_eq!(r.codes(), vec!["LBP1003"]);
    // Exactly at the limit is fine.
    let r = validate(
        &["--max-file-size", &svc.len().to_string(), "-"],
        Some(svc.as_bytes()),
    );
    assert!(!r.has("LBP1003"), "{:?}", r.codes());
}

#[test]
fn sparse_100_mb_file_is_refused_at_the_default_limit() {
    // A sparse file costs no disk and no time to create; the loader must refuse it after
    // reading at most the default limit (16 MiB) instead of loading 100 MB.
    let dir = scratch("sparse");
    let path = dir.join("huge.yaml");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(100 * 1024 * 1024).unwrap();
    drop(f);
    let r = validate(&[path.to_str().unwrap()], None);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(r.code, 1);
    assert_eq!(r.codes(), vec!["LBP1003"]);
}

#[test]
fn huge_single_line() {
    // One 4 MiB line: a flow-style Service whose annotation value is enormous.
    let blob = "x".repeat(4 * 1024 * 1024);
    let text = format!(
        "{{apiVersion: v1, kind: Service, metadata: {{name: web, annotations: {{example.com/blob: \"{blob}\"}}}}, spec: {{ports: [{{name: http, port: 80}}]}}}}\n"
    );
    let r = validate_file("longline", text.as_bytes());
    assert!(r.code <= 1, "{:?}", r.codes());
    // And an unterminated quote on that line: a syntax error, reported once.
    let last = text.rfind('"').unwrap();
    let broken = format!("{}{}", &text[..last], &text[last + 1..]);
    let r = validate(&["-"], Some(broken.as_bytes()));
    assert_eq!(r.code, 1);
    assert!(r.has("LBP1004"), "{:?}", r.codes());
}

#[test]
fn many_documents() {
    let mut text = String::new();
    for i in 0..20_000 {
        text.push_str(&format!(
            "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: svc-{i}\nspec:\n  ports:\n  - port: 80\n"
        ));
    }
    let r = validate_file("manydocs", text.as_bytes());
    assert_eq!(r.code, 0, "{:?}", &r.codes()[..r.codes().len().min(5)]);
    // A broken document in the middle is reported and the rest are still read.
    let broken = text.replacen("name: svc-10000\n", "name: [svc-10000\n", 1);
    let r = validate(&["-"], Some(broken.as_bytes()));
    assert_eq!(r.code, 1);
    assert!(r.has("LBP1004"), "{:?}", r.codes());
}
