//! Bytes → every annotation value grammar through `annotations::grammar::validate`.
//!
//! Invariants checked besides "no panic": every error's byte range lies inside the value
//! and on character boundaries, because the check stage turns these offsets into file
//! positions.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lbplan::annotations::grammar;

fuzz_target!(|data: &[u8]| {
    let value = String::from_utf8_lossy(data);
    for &g in grammar::SAMPLES {
        for e in grammar::validate(g, &value) {
            assert!(e.start <= e.end && e.end <= value.len(), "{g:?}: {e:?}");
            assert!(
                value.is_char_boundary(e.start) && value.is_char_boundary(e.end),
                "{g:?}: {e:?} splits a character"
            );
        }
    }
});
