//! The driver: runs the stages in order. `cli` calls only this and `render`.

use crate::check;
use crate::diag::Diagnostics;
use crate::manifest::{Manifest, decode::Ctx, decode_documents};
use crate::source::load::{Loaded, add_text};
use crate::source::{LoadOptions, SourceMap, load_inputs};

/// The result of reading and checking a set of inputs.
#[derive(Debug)]
pub struct Compilation {
    pub sources: SourceMap,
    pub manifests: Vec<Manifest>,
    pub diagnostics: Diagnostics,
    /// An input could not be read (exit status 2).
    pub io_failed: bool,
}

/// Reads, decodes and checks the inputs named on the command line.
pub fn validate(inputs: &[String], opts: &LoadOptions) -> Compilation {
    let mut diags = Diagnostics::new();
    let loaded = load_inputs(inputs, opts, &mut diags);
    finish(loaded, diags)
}

/// The same for in-memory text (tests, fuzzing, benchmarks).
pub fn validate_text(name: &str, text: &str) -> Compilation {
    let mut diags = Diagnostics::new();
    let mut loaded = Loaded::default();
    add_text(&mut loaded, name, text.to_string(), &mut diags);
    finish(loaded, diags)
}

fn finish(loaded: Loaded, mut diags: Diagnostics) -> Compilation {
    let manifests = {
        let mut ctx = Ctx {
            sources: &loaded.sources,
            diags: &mut diags,
        };
        decode_documents(&mut ctx, &loaded.documents)
    };
    check::run(&loaded.sources, &manifests, &mut diags);
    Compilation {
        sources: loaded.sources,
        manifests,
        diagnostics: diags,
        io_failed: loaded.io_failed,
    }
}
