//! Codes of this area; see the module docs of `diag::codes`.

use super::CodeInfo;

pub static CODES: &[CodeInfo] = &[];
