//! Diagnostics as human text (miette's graphical report) and as the JSON contract of
//! SPEC §7.

use std::fmt;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceSpan, SpanContents,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::diag::record::DiagnosticRecord;
use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::source::{SourceFile, SourceMap, Span};

/// Human output options.
#[derive(Debug, Clone, Copy)]
pub struct HumanOptions {
    pub color: bool,
    /// Wrap width; fixed in tests so goldens do not depend on the terminal.
    pub width: usize,
}

impl Default for HumanOptions {
    fn default() -> Self {
        HumanOptions {
            color: false,
            width: 100,
        }
    }
}

/// A miette view of one of our diagnostics, for one source file.
struct View<'a> {
    d: &'a Diagnostic,
    /// A secondary label in another file, shown as its own snippet under the main one.
    related_only: bool,
    header: String,
    source: Option<FileSource<'a>>,
    labels: Vec<LabeledSpan>,
    related: Vec<View<'a>>,
}

impl fmt::Debug for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.header)
    }
}
impl fmt::Display for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.header)
    }
}
impl std::error::Error for View<'_> {}

impl miette::Diagnostic for View<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        if self.related_only {
            return Some(miette::Severity::Advice);
        }
        Some(match self.d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Advice => miette::Severity::Advice,
        })
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        if self.related_only {
            return None;
        }
        let mut text = self.d.help.clone()?;
        for n in &self.d.notes {
            text.push_str("\nnote: ");
            text.push_str(n);
        }
        Some(Box::new(text))
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn miette::Diagnostic> + 'b>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(
                self.related.iter().map(|r| r as &dyn miette::Diagnostic),
            ))
        }
    }
}

/// A file's text as miette reads it, borrowed from the source map. miette's own
/// `NamedSource` owns its text: each report then copied the whole file, 11 MB per
/// diagnostic for the 10× fleet. And miette finds a span's lines by counting them from the
/// start of the text, so a large file with many diagnostics took time in the product of
/// the two (2,000 warnings on the 1× fleet: 11 s); here miette reads only the lines around
/// the span, and the line index says how many lines come before them.
struct FileSource<'a> {
    file: &'a SourceFile,
    /// The lines read again from a file whose text was given back, by their range: miette
    /// borrows what it reads for as long as it holds the report. Each new range takes the
    /// next slot.
    reads: Vec<OnceLock<(usize, usize, String)>>,
    used: AtomicUsize,
}

/// Lines read around a span, before and after it, at the least: miette asks for a label's
/// lines with one line of context, then for the primary label's with none; reading the
/// same lines for both lets a file whose text was given back be read once per label.
const LEAST_CONTEXT: usize = 2;

impl<'a> FileSource<'a> {
    /// The source of a report with `labels` labels in `file`. miette reads each label's
    /// lines, then those of labels close enough to share a snippet together, then for each
    /// snippet its lines and the primary label's: at most four reads a label.
    fn of(file: &'a SourceFile, labels: usize) -> Self {
        FileSource {
            file,
            reads: (0..4 * labels + 4).map(|_| OnceLock::new()).collect(),
            used: AtomicUsize::new(0),
        }
    }

    /// Bytes `from..to`: borrowed from the held text, or read again (once) and kept in a
    /// slot.
    fn window(&self, from: usize, to: usize) -> Result<&str, MietteError> {
        if let Some(text) = self.file.text() {
            return text.get(from..to).ok_or(MietteError::OutOfBounds);
        }
        let used = self.used.load(Ordering::Relaxed).min(self.reads.len());
        let earlier = self.reads[..used]
            .iter()
            .filter_map(OnceLock::get)
            .find(|(start, end, _)| (*start, *end) == (from, to));
        if let Some((_, _, text)) = earlier {
            return Ok(text);
        }
        let read = self
            .file
            .read(from, to)
            .ok_or(MietteError::OutOfBounds)?
            .into_owned();
        let slot = self
            .reads
            .get(self.used.fetch_add(1, Ordering::Relaxed))
            .ok_or(MietteError::OutOfBounds)?;
        Ok(&slot.get_or_init(|| (from, to, read)).2)
    }
}

impl miette::SourceCode for FileSource<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        // miette also ends a line at a lone `\r`, which the line index does not count. One
        // line more than the context on either side: miette treats a span at the very
        // start of what it reads apart (its end is taken as `offset + len - 1`, saturating
        // at 0), and stops reading one line end past the context after.
        let (from, to) = if self.file.has_lone_cr() {
            (0, self.file.len())
        } else {
            let lines = self.file.lines();
            let last = (span.offset() + span.len()).saturating_sub(1);
            let before = context_lines_before.max(LEAST_CONTEXT) + 2;
            let after = context_lines_after.max(LEAST_CONTEXT) + 2;
            (
                lines.line_start_before(span.offset(), before),
                lines.line_end_after(last, after),
            )
        };
        let text = self.window(from, to)?;
        let lines_before = self.file.newlines_before(from);
        let within = SourceSpan::new(span.offset().saturating_sub(from).into(), span.len());
        let read = text.read_span(&within, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.file.name.clone(),
            read.data(),
            SourceSpan::new((read.span().offset() + from).into(), read.span().len()),
            read.line() + lines_before,
            read.column(),
            read.line_count() + lines_before,
        )))
    }
}

fn source_span(span: Span) -> SourceSpan {
    SourceSpan::new((span.start as usize).into(), span.len())
}

fn header(d: &Diagnostic) -> String {
    format!("{}[{}]: {}", d.severity.as_str(), d.code, d.message)
}

impl<'a> View<'a> {
    /// A report (or a related one) with no lines to show: `header` says where.
    fn without_lines(d: &'a Diagnostic, related_only: bool, header: String) -> Self {
        View {
            d,
            related_only,
            header,
            source: None,
            labels: vec![],
            related: vec![],
        }
    }
}

fn view<'a>(sources: &'a SourceMap, d: &'a Diagnostic) -> View<'a> {
    let mut header = header(d);
    let Some(primary) = d.primary() else {
        if let Some(p) = &d.path {
            header.push_str(&format!("\n  --> {p}"));
        }
        return View::without_lines(d, false, header);
    };
    let file = primary.span.file;
    let f = sources.get(file);
    if !f.is_readable() {
        header.push_str(&changed_file_location(sources, primary.span));
        return View::without_lines(d, false, header);
    }
    let mut labels = Vec::new();
    let mut related = Vec::new();
    for l in &d.labels {
        let text = (!l.message.is_empty()).then(|| l.message.clone());
        if l.span.file == file {
            labels.push(if l.primary {
                LabeledSpan::new_primary_with_span(text, source_span(l.span))
            } else {
                LabeledSpan::new_with_span(text, source_span(l.span))
            });
        } else {
            let other = sources.get(l.span.file);
            related.push(if other.is_readable() {
                View {
                    d,
                    related_only: true,
                    header: l.message.clone(),
                    source: Some(FileSource::of(other, 1)),
                    labels: vec![LabeledSpan::new_with_span(None, source_span(l.span))],
                    related: vec![],
                }
            } else {
                let header = l.message.clone() + &changed_file_location(sources, l.span);
                View::without_lines(d, true, header)
            });
        }
    }
    View {
        d,
        related_only: false,
        header,
        source: Some(FileSource::of(f, labels.len())),
        labels,
        related,
    }
}

/// `--> file:line:col` for a span in a file that changed after it was read, and why no
/// lines follow: the file's lines may no longer be the ones the span points at. The line
/// and column still are those of the text that was checked.
fn changed_file_location(sources: &SourceMap, span: Span) -> String {
    let (name, line, col) = sources.location(span);
    format!(
        "\n  --> {name}:{line}:{col}\n  = note: `{name}` changed after lbplan read it; its lines are not shown"
    )
}

/// rustc-style text: `error[CODE]: message`, `--> file:line:col`, the snippet with the
/// value underlined, secondary labels, `help:`. Ends with a summary line.
pub fn human(sources: &SourceMap, diags: &Diagnostics, opts: HumanOptions) -> String {
    let mut out = human_reports(sources, diags, opts);
    out.push_str(&summary_line(diags));
    out.push('\n');
    out
}

/// The reports of [`human`] without its closing summary line, for documents that end
/// with a summary of their own (the text plan ends with `Plan: …`, and a second count
/// line under it would only compete with it).
pub fn human_reports(sources: &SourceMap, diags: &Diagnostics, opts: HumanOptions) -> String {
    let theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(opts.width)
        .with_context_lines(1)
        .without_cause_chain();
    let mut out = String::new();
    for d in diags.sorted() {
        let v = view(sources, d);
        if handler.render_report(&mut out, &v).is_err() {
            out.push_str(&v.header);
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

/// `2 errors, 1 warning` (or `no problems found`).
pub fn summary_line(diags: &Diagnostics) -> String {
    let e = diags.count(Severity::Error);
    let w = diags.count(Severity::Warning);
    let a = diags.count(Severity::Advice);
    if e + w + a == 0 {
        return "no problems found".to_string();
    }
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut parts = vec![plural(e, "error"), plural(w, "warning")];
    if a > 0 {
        parts.push(plural(a, "note"));
    }
    parts.join(", ")
}

/// One diagnostic in the JSON contract (SPEC §7), built from [`DiagnosticRecord`] so that
/// `validate` and the plan file spell diagnostics identically.
pub fn diagnostic_json(sources: &SourceMap, d: &Diagnostic) -> Value {
    serde_json::to_value(DiagnosticRecord::from_diagnostic(sources, d)).unwrap_or(Value::Null)
}

/// The counts at the end of the diagnostics document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiagnosticsSummary {
    pub errors: usize,
    pub warnings: usize,
    pub advice: usize,
}

/// The whole document of `lbplan validate --format json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiagnosticsDocument {
    pub diagnostics: Vec<DiagnosticRecord>,
    pub summary: DiagnosticsSummary,
}

impl DiagnosticsDocument {
    /// The diagnostics in their stable order, positions resolved.
    pub fn build(sources: &SourceMap, diags: &Diagnostics) -> Self {
        DiagnosticsDocument {
            diagnostics: diags
                .sorted()
                .into_iter()
                .map(|d| DiagnosticRecord::from_diagnostic(sources, d))
                .collect(),
            summary: DiagnosticsSummary {
                errors: diags.count(Severity::Error),
                warnings: diags.count(Severity::Warning),
                advice: diags.count(Severity::Advice),
            },
        }
    }
}

/// The whole diagnostics document of `lbplan validate --format json`.
pub fn json(sources: &SourceMap, diags: &Diagnostics) -> String {
    let doc = DiagnosticsDocument::build(sources, diags);
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use miette::SourceCode;

    /// What miette reads of a span: the bytes, where they sit, and the line and column.
    fn read(
        source: &dyn SourceCode,
        offset: usize,
        len: usize,
        context: usize,
    ) -> Option<(Vec<u8>, usize, usize, usize, usize, usize)> {
        let r = source
            .read_span(&SourceSpan::new(offset.into(), len), context, context)
            .ok()?;
        Some((
            r.data().to_vec(),
            r.span().offset(),
            r.span().len(),
            r.line(),
            r.column(),
            r.line_count(),
        ))
    }

    #[test]
    fn a_report_in_a_file_changed_since_it_was_read_shows_where_but_not_the_lines() {
        let text = "a: 1\nb: 2\n";
        let (_, path) = crate::source::file_on_disk("changed-report", text);
        let report = || {
            let mut sources = SourceMap::new();
            let id = sources.add_file("x.yaml", path.clone(), text.to_string());
            sources.release_texts();
            let mut diags = Diagnostics::new();
            let at = Span::new(id, 8, 9);
            diags.push(Diagnostic::warning("LBP1005", "b is odd").with_primary(at, "here"));
            human(&sources, &diags, HumanOptions::default())
        };
        let unchanged = report();
        assert!(unchanged.contains("2 │ b: 2"), "{unchanged}");
        std::fs::write(&path, "a: 1\nb: 3\n").unwrap();
        let changed = report();
        assert!(changed.contains("--> x.yaml:2:4"), "{changed}");
        assert!(
            changed.contains("`x.yaml` changed after lbplan read it"),
            "{changed}"
        );
        assert!(
            !changed.contains("b: 3") && !changed.contains("b: 2"),
            "{changed}"
        );
    }

    /// Reading from a few lines before the span must give what miette's own reading from
    /// the start gives, for every span of texts with `\r\n`, lone `\r`, empty lines and
    /// multi-byte characters.
    #[test]
    fn a_span_reads_as_miette_reads_it_from_the_start() {
        let texts = [
            "a: 1\nb: 2\n\nc: héllo\nd: 4\ne: 5",
            "a: 1\r\nb: 2\r\n\r\nc: 3\r\nd: 4\r\n",
            "a: 1\rb: 2\nc: 3\r\n\rd: 4\n",
            "",
            "\n\n\n",
        ];
        for (i, text) in texts.into_iter().enumerate() {
            let held = SourceFile::new("t.yaml", text.to_string());
            let (mut released, _) = crate::source::file_on_disk(&format!("miette-{i}"), text);
            released.release();
            for offset in 0..=text.len() {
                for len in 0..4.min(text.len() - offset + 1) {
                    for context in 0..3 {
                        let expected = read(&text, offset, len, context);
                        for file in [&held, &released] {
                            assert_eq!(
                                read(&FileSource::of(file, 1), offset, len, context),
                                expected,
                                "{text:?} at {offset}+{len}, {context} lines of context"
                            );
                        }
                    }
                }
            }
        }
    }
}
