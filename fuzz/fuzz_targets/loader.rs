//! Bytes → the whole `validate` pipeline and every renderer. Two entry points:
//! - the text path, `compile::validate_text`, when the bytes are UTF-8;
//! - the byte path, `compile::validate` on a file, which runs the loader's own checks
//!   (size limit, NUL bytes, UTF-8) before parsing.
//!
//! Any panic, stack overflow or out-of-memory is a bug: hostile input must end in
//! diagnostics.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use lbplan::compile::{self, Compilation};
use lbplan::render::{diagnostics, sarif};
use lbplan::source::LoadOptions;

fn scratch_file() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        std::env::temp_dir().join(format!("lbplan-fuzz-{}.yaml", std::process::id()))
    })
}

fn render_all(c: &Compilation) {
    let opts = diagnostics::HumanOptions {
        color: false,
        width: 100,
    };
    let _ = diagnostics::human(&c.sources, &c.diagnostics, opts);
    let _ = diagnostics::json(&c.sources, &c.diagnostics);
    let _ = sarif::sarif(&c.sources, &c.diagnostics);
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        render_all(&compile::validate_text("fuzz.yaml", text));
    }
    let path = scratch_file();
    if std::fs::write(path, data).is_ok() {
        let opts = LoadOptions {
            max_file_size: 1 << 20,
        };
        render_all(&compile::validate(&[path.display().to_string()], &opts));
    }
});
