//! The one diagnostic type every stage reports through.
//!
//! A diagnostic is data, not text: a stable code, a severity, a message, labelled spans
//! and a help line. `render` turns it into human, JSON or SARIF output, so a rule never
//! formats for a terminal and the same finding reads identically in every format.

pub mod codes;
pub mod record;

use crate::source::Span;

/// How bad a finding is. Ordered so that `max()` gives the worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth knowing; never fails a run (skipped kinds, assumed defaults).
    Advice,
    /// Probably wrong or silently ignored by the real controller.
    Warning,
    /// The real cluster or cloud would reject it, or it cannot work.
    Error,
}

impl Severity {
    /// The word the diagnostics JSON contract uses (SPEC §7).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Advice => "advice",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A span with a short message: the primary one says what is wrong here, secondary ones
/// point at the other places involved (the first of two duplicate ports, say).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
    pub primary: bool,
}

/// One finding. Build with [`Diagnostic::error`] / [`Diagnostic::warning`] /
/// [`Diagnostic::advice`] and the `with_*` methods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    /// Zero or one primary label first, then secondary labels in the order added.
    pub labels: Vec<Label>,
    pub help: Option<String>,
    /// Extra lines of context (`note: …`), e.g. what a default was assumed to be.
    pub notes: Vec<String>,
    /// The input path when the diagnostic has no span (an unreadable file).
    pub path: Option<String>,
}

impl Diagnostic {
    pub fn new(code: &'static str, severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity,
            message: message.into(),
            labels: Vec::new(),
            help: None,
            notes: Vec::new(),
            path: None,
        }
    }
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Error, message)
    }
    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Warning, message)
    }
    pub fn advice(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Advice, message)
    }
    /// The place the finding is about; replaces an earlier primary label.
    pub fn with_primary(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.retain(|l| !l.primary);
        self.labels.insert(
            0,
            Label {
                span,
                message: message.into(),
                primary: true,
            },
        );
        self
    }
    /// Another place involved in the finding.
    pub fn with_secondary(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: message.into(),
            primary: false,
        });
        self
    }
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }
    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }
    pub fn primary(&self) -> Option<&Label> {
        self.labels.iter().find(|l| l.primary)
    }
}

/// The sink every stage writes into. Keeps insertion order; `sorted()` gives the stable
/// order the renderers print in (by file, then position, then code).
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }
    pub fn len(&self) -> usize {
        self.items.len()
    }
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
    pub fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == severity).count()
    }
    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }
    /// Deterministic order: by file, byte offset, code, message. Unlocated ones first.
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut v: Vec<&Diagnostic> = self.items.iter().collect();
        v.sort_by(|a, b| sort_key(a).cmp(&sort_key(b)));
        v.dedup_by(|a, b| a == b);
        v
    }
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }
}

fn sort_key(d: &Diagnostic) -> (u32, u32, u32, &'static str, &str) {
    match d.primary() {
        Some(l) => (
            l.span.file.0 + 1,
            l.span.start,
            l.span.end,
            d.code,
            &d.message,
        ),
        None => (0, 0, 0, d.code, &d.message),
    }
}
