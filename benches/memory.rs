//! Peak heap memory of `lbplan` on the generated fleet, against the size of its YAML
//! (issue 3 target: ≤ 3×). Each figure is the most the heap held above what it held before
//! the run, counted by a global allocator that adds up what is allocated and freed: the
//! same for every run of the same code on the same input, unlike timings.
//!
//! The fleet is written to a file and read as the CLI reads it (files are given back their
//! text after the checks, in-memory text is not).
//!
//! `cargo bench --bench memory` measures the 1× and 10× fleets; `cargo test --all-targets`
//! runs it once on the 1× fleet as a smoke test.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use lbplan::diag::Diagnostics;
use lbplan::plan::JsonPlanWriter;
use lbplan::source::LoadOptions;

mod fleet;
use fleet::fleet;

/// The system allocator, counting the bytes held now and the most held since the last
/// [`Peak::start`].
struct Counting;

static HELD: AtomicUsize = AtomicUsize::new(0);
static MOST: AtomicUsize = AtomicUsize::new(0);

fn add(bytes: usize) {
    let held = HELD.fetch_add(bytes, Ordering::Relaxed) + bytes;
    MOST.fetch_max(held, Ordering::Relaxed);
}

fn sub(bytes: usize) {
    HELD.fetch_sub(bytes, Ordering::Relaxed);
}

// SAFETY: every call is passed on to `System` unchanged; only counters are updated.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            add(layout.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            add(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        sub(layout.size());
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            // Counted as the allocator may do it: the new block, then the old one freed.
            add(new_size);
            sub(layout.size());
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The most the heap holds while `run` runs, above what it held before.
fn peak_of<T>(run: impl FnOnce() -> T) -> (usize, T) {
    let before = HELD.load(Ordering::Relaxed);
    MOST.store(before, Ordering::Relaxed);
    let out = run();
    (MOST.load(Ordering::Relaxed) - before, out)
}

fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1e6
}

/// Writes the fleet where the run can read it, as a user's file would be read.
fn fleet_file(services: usize, pools: usize, nodes: usize) -> (PathBuf, usize) {
    let dir = std::env::temp_dir().join(format!("lbplan-memory-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create the fleet folder");
    let path = dir.join(format!("fleet-{services}.yaml"));
    let text = fleet(services, pools, nodes);
    std::fs::write(&path, &text).expect("write the fleet");
    (path, text.len())
}

fn measure(services: usize, pools: usize, nodes: usize) {
    let (path, input) = fleet_file(services, pools, nodes);
    let inputs = [path.display().to_string()];
    let opts = LoadOptions::default();
    let (load, loaded) = peak_of(|| {
        let mut diags = Diagnostics::new();
        lbplan::source::load_inputs(&inputs, &opts, &mut diags)
    });
    assert_eq!(loaded.nodes.len(), nodes);
    drop(loaded);
    let (validate, checked) = peak_of(|| lbplan::compile::validate(&inputs, &opts));
    assert!(!checked.diagnostics.has_errors());
    drop(checked);
    let (plan, outcome) = peak_of(|| {
        let mut sink = JsonPlanWriter::new(std::io::sink());
        lbplan::compile::plan_into(&inputs, &opts, None, &mut sink)
    });
    assert!(outcome.is_ok_and(|o| o.planned));
    let ratio = |bytes: usize| bytes as f64 / input as f64;
    println!(
        "memory/{services}svc-{pools}pools-{nodes}nodes: input {:.2} MB; peak heap: \
         load {:.2} MB ({:.2}×), validate {:.2} MB ({:.2}×), plan --format json {:.2} MB ({:.2}×)",
        mb(input),
        mb(load),
        ratio(load),
        mb(validate),
        ratio(validate),
        mb(plan),
        ratio(plan),
    );
    let _ = std::fs::remove_file(&path);
}

/// `cargo test --all-targets` runs the bench without `--bench`: the 1× fleet only.
fn measuring() -> bool {
    std::env::args().any(|a| a == "--bench")
}

fn main() {
    measure(1_000, 50, 2_000);
    if measuring() {
        measure(10_000, 500, 20_000);
    }
}
