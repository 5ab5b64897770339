//! A stable-toolchain fuzz driver: deterministic mutations (xorshift) of the example
//! manifests, fed through the whole `validate` pipeline and every renderer. cargo-fuzz
//! (`fuzz/`) needs nightly; this runs anywhere and in CI.
//!
//! - CI: `fuzz_smoke_short` runs a few hundred executions.
//! - By hand: `cargo test --release --test fuzz_smoke -- --ignored --nocapture`
//!   (`LBPLAN_FUZZ_ITERS`, default 200 000, and `LBPLAN_FUZZ_SEED` change the run).
//!
//! A panicking input is saved under the cargo target tmp dir and its path printed, so it
//! can be replayed with `lbplan validate <file>`.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use lbplan::compile::{self, Compilation};
use lbplan::render::{diagnostics, sarif};
use lbplan::source::LoadOptions;

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
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Tokens that steer mutations towards the interesting parts of YAML and of our inputs.
const TOKENS: &[&str] = &[
    "\n---\n",
    ": ",
    "- ",
    "[",
    "]",
    "{",
    "}",
    "&a ",
    "*a",
    "<<: *a\n",
    "'",
    "\"",
    "|\n  ",
    ">-\n  ",
    "\t",
    "\0",
    "\u{feff}",
    "é",
    "true",
    "on",
    "null",
    "~",
    "70000",
    "-1",
    "0x1F",
    "1e9",
    "kind: List\nitems:\n- ",
    "apiVersion: v1\nkind: Service\n",
    "type: LoadBalancer\n",
    "service.openyurt.io/nodepool-labelselector: ",
    "kubernetes.io/elb.autocreate: '{\"type\": \"public\",\n",
    "alb.ingress.kubernetes.io/listen-ports: '[{\"HTTP\": 80}]'\n",
    "alb.ingress.kubernetes.io/cluster-weight.c1: \"",
    " in (",
    "!",
    "==",
];

/// Every file under `examples/`, sorted, as the starting corpus.
fn corpus() -> Vec<Vec<u8>> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .expect("read examples")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else if p
                .extension()
                .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
            {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples"),
        &mut files,
    );
    files
        .iter()
        .map(|p| std::fs::read(p).expect("read example"))
        .collect()
}

fn mutate(rng: &mut XorShift, input: &mut Vec<u8>, corpus: &[Vec<u8>]) {
    let rounds = 1 + rng.below(4);
    for _ in 0..rounds {
        let len = input.len();
        match rng.below(8) {
            0 if len > 0 => {
                let i = rng.below(len);
                input[i] ^= 1 << rng.below(8);
            }
            1 => {
                let i = rng.below(len + 1);
                input.insert(i, rng.next() as u8);
            }
            2 if len > 0 => {
                let a = rng.below(len);
                let b = (a + 1 + rng.below(64)).min(len);
                input.drain(a..b);
            }
            3 if len > 0 => {
                // Duplicate a chunk (duplicate keys, repeated documents).
                let a = rng.below(len);
                let b = (a + 1 + rng.below(256)).min(len);
                let chunk = input[a..b].to_vec();
                let at = rng.below(len + 1);
                input.splice(at..at, chunk);
            }
            4 => {
                let t = TOKENS[rng.below(TOKENS.len())].as_bytes();
                let at = rng.below(len + 1);
                input.splice(at..at, t.iter().copied());
            }
            5 if !corpus.is_empty() => {
                // Splice in part of another example.
                let other = &corpus[rng.below(corpus.len())];
                let a = rng.below(other.len());
                let b = (a + 1 + rng.below(512)).min(other.len());
                let at = rng.below(len + 1);
                input.splice(at..at, other[a..b].iter().copied());
            }
            6 if len > 0 => {
                // Change indentation: the most common real-world YAML mistake.
                let i = rng.below(len);
                if let Some(nl) = input[i..].iter().position(|&c| c == b'\n') {
                    let at = i + nl + 1;
                    let spaces = [b' '; 3];
                    input.splice(at..at, spaces[..1 + rng.below(3)].iter().copied());
                }
            }
            _ => {
                // Deep nesting bursts.
                let depth = 1 + rng.below(700);
                let at = rng.below(len + 1);
                let open = if rng.below(2) == 0 { b'[' } else { b'{' };
                input.splice(at..at, std::iter::repeat_n(open, depth));
            }
        }
    }
    input.truncate(256 * 1024);
}

fn render_all(c: &Compilation) {
    let opts = diagnostics::HumanOptions {
        color: false,
        width: 100,
    };
    let human = diagnostics::human(&c.sources, &c.diagnostics, opts);
    assert!(!human.is_empty());
    let json = diagnostics::json(&c.sources, &c.diagnostics);
    let doc: serde_json::Value = serde_json::from_str(&json).expect("diagnostics JSON parses");
    for d in doc["diagnostics"].as_array().expect("diagnostics array") {
        if let (Some(l), Some(c)) = (d["line"].as_u64(), d["column"].as_u64()) {
            assert!(l >= 1 && c >= 1, "positions are 1-based: {d}");
        }
    }
    let s = sarif::sarif(&c.sources, &c.diagnostics);
    assert!(s.contains("\"2.1.0\""));
}

struct Stats {
    execs: u64,
    byte_path: u64,
    with_errors: u64,
}

fn fuzz(iterations: u64, seed: u64) -> Stats {
    let corpus = corpus();
    assert!(!corpus.is_empty(), "no example files to mutate");
    let mut rng = XorShift(seed | 1);
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("fuzz-smoke-{seed:x}"));
    std::fs::create_dir_all(&scratch).expect("scratch dir");
    let byte_file = scratch.join("input.yaml");
    let mut stats = Stats {
        execs: 0,
        byte_path: 0,
        with_errors: 0,
    };
    for i in 0..iterations {
        let mut input = corpus[rng.below(corpus.len())].clone();
        mutate(&mut rng, &mut input, &corpus);
        // One input in 16 goes through the file loader (size, NUL and UTF-8 checks);
        // the rest through the in-memory text path, as lossy UTF-8.
        let via_file = rng.below(16) == 0;
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let c = if via_file {
                std::fs::write(&byte_file, &input).expect("write input");
                let opts = LoadOptions {
                    max_file_size: 1 << 20,
                };
                compile::validate(&[byte_file.display().to_string()], &opts)
            } else {
                compile::validate_text("fuzz.yaml", &String::from_utf8_lossy(&input))
            };
            render_all(&c);
            c.diagnostics.has_errors()
        }));
        match outcome {
            Ok(errors) => stats.with_errors += u64::from(errors),
            Err(_) => {
                let crash = scratch.join(format!("crash-{i}.yaml"));
                std::fs::write(&crash, &input).expect("save crashing input");
                panic!(
                    "iteration {i} (seed {seed:#x}) panicked; input saved to {}",
                    crash.display()
                );
            }
        }
        stats.execs += 1;
        stats.byte_path += u64::from(via_file);
    }
    stats
}

fn report(s: &Stats, seed: u64) {
    println!(
        "fuzz_smoke: {} executions ({} via the file loader), {} with errors, seed {seed:#x}",
        s.execs, s.byte_path, s.with_errors
    );
}

#[test]
fn fuzz_smoke_short() {
    let seed = 0x1b91_a9e5_0000_0001;
    let stats = fuzz(500, seed);
    report(&stats, seed);
    assert_eq!(stats.execs, 500);
    // The mutations must actually break things, or this test checks nothing.
    assert!(
        stats.with_errors > 50,
        "only {} broken inputs",
        stats.with_errors
    );
}

#[test]
#[ignore = "long run: cargo test --release --test fuzz_smoke -- --ignored --nocapture"]
fn fuzz_smoke_long() {
    let iterations = std::env::var("LBPLAN_FUZZ_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000);
    let seed = std::env::var("LBPLAN_FUZZ_SEED")
        .ok()
        .and_then(|v| u64::from_str_radix(v.trim_start_matches("0x"), 16).ok())
        .unwrap_or(0x5eed_0f1b_91a9_e5e5);
    let stats = fuzz(iterations, seed);
    report(&stats, seed);
    assert_eq!(stats.execs, iterations);
}
