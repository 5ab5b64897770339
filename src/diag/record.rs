//! The serialisable form of a [`Diagnostic`]: the diagnostic object of SPEC §7.
//!
//! A [`Diagnostic`] points into the inputs by byte spans, which only make sense next to the
//! [`SourceMap`] of the run. Anything that leaves the process (validate JSON, the plan file
//! the executor reads back later) needs positions resolved to `file:line:column` once, in one
//! place, so that every document spells a diagnostic the same way. The field order of these
//! structs is the key order of the JSON and therefore part of the contract.

use serde::{Deserialize, Serialize};

use crate::diag::Diagnostic;
use crate::source::SourceMap;

/// A secondary label: another place involved in the finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelRecord {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// One diagnostic as SPEC §7 spells it. Positions are 1-based; `end_column` is the column
/// just after the last character. An unlocated diagnostic has `null` positions and the
/// input path (if any) in `file`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiagnosticRecord {
    /// The stable code (`LBP5001`); kept as an owned string so a record read back from a
    /// plan file written by another version still deserialises.
    pub code: String,
    /// `error`, `warning` or `advice`.
    pub severity: String,
    pub message: String,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub end_line: Option<usize>,
    pub end_column: Option<usize>,
    pub help: Option<String>,
    #[serde(default)]
    pub labels: Vec<LabelRecord>,
    #[serde(default)]
    pub notes: Vec<String>,
}

impl DiagnosticRecord {
    /// Resolves the spans of `d` against the run's sources. The primary label gives the
    /// position; secondary labels become [`LabelRecord`]s in the order they were added.
    pub fn from_diagnostic(sources: &SourceMap, d: &Diagnostic) -> Self {
        let (file, line, column, end_line, end_column) = match d.primary() {
            Some(l) => {
                let f = sources.get(l.span.file);
                let (sl, sc) = f.line_col(l.span.start);
                let (el, ec) = f.line_col(l.span.end);
                (Some(f.name.clone()), Some(sl), Some(sc), Some(el), Some(ec))
            }
            None => (d.path.clone(), None, None, None, None),
        };
        let labels = d
            .labels
            .iter()
            .filter(|l| !l.primary)
            .map(|l| {
                let (file, line, column) = sources.location(l.span);
                LabelRecord {
                    file: file.to_string(),
                    line,
                    column,
                    message: l.message.clone(),
                }
            })
            .collect();
        DiagnosticRecord {
            code: d.code.to_string(),
            severity: d.severity.as_str().to_string(),
            message: d.message.clone(),
            file,
            line,
            column,
            end_line,
            end_column,
            help: d.help.clone(),
            labels,
            notes: d.notes.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    #[test]
    fn located_and_unlocated_records_round_trip() {
        let mut sources = SourceMap::new();
        let f = sources.add("a.yaml", "a: 1\nbb: 22\n".to_string());
        let located = Diagnostic::warning("LBP5001", "changed")
            .with_primary(Span::new(f, 9, 11), "here")
            .with_secondary(Span::new(f, 0, 1), "there")
            .with_help("recreate it")
            .with_note("seed 000");
        let unlocated = Diagnostic::error("LBP5004", "unreadable").with_path("state.json");
        for d in [located, unlocated] {
            let r = DiagnosticRecord::from_diagnostic(&sources, &d);
            let text = serde_json::to_string_pretty(&r).expect("serialises");
            let back: DiagnosticRecord = serde_json::from_str(&text).expect("deserialises");
            assert_eq!(back, r);
        }
        let r = DiagnosticRecord::from_diagnostic(
            &sources,
            &Diagnostic::warning("LBP5001", "x").with_primary(Span::new(f, 9, 11), ""),
        );
        assert_eq!(
            (r.line, r.column, r.end_line, r.end_column),
            (Some(2), Some(5), Some(2), Some(7))
        );
    }
}
