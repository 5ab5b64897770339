//! Stage `source`: inputs → text with a source map → spanned YAML trees.
//!
//! Every later stage points at input through [`Span`] (file + byte range), so this module
//! owns the only mapping from bytes to the `line:column` a user sees.

pub mod git;
pub mod load;
pub mod node;
pub mod offsets;
pub mod yaml;

pub use load::{LoadOptions, load_inputs};
pub use node::{Node, NodeKind, Resolved, Scalar, ScalarStyle};

/// Index of a file in the [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct FileId(pub u32);

/// A byte range in one source file. Offsets are UTF-8 byte offsets into the file text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        Span {
            file,
            start: start as u32,
            end: end.max(start) as u32,
        }
    }
    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
    /// The smallest span covering both (same file assumed).
    pub fn join(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
    /// A sub-range, given as byte offsets relative to this span's start.
    pub fn sub(self, start: usize, end: usize) -> Span {
        let s = (self.start as usize + start).min(self.end as usize);
        let e = (self.start as usize + end).clamp(s, self.end as usize);
        Span::new(self.file, s, e)
    }
}

/// One input: its display name (the path as given, or `<stdin>`) and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
    /// Built on the first [`SourceFile::line_col`]: only diagnostics need lines, and on a
    /// large fleet the index is megabytes that checking never reads.
    line_starts: std::sync::OnceLock<Vec<u32>>,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: String) -> Self {
        SourceFile {
            name: name.into(),
            text,
            line_starts: std::sync::OnceLock::new(),
        }
    }

    /// Byte offsets where each line starts.
    fn line_starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0u32];
            starts.extend(
                self.text
                    .bytes()
                    .enumerate()
                    .filter(|(_, b)| *b == b'\n')
                    .map(|(i, _)| i as u32 + 1),
            );
            starts
        })
    }

    /// 1-based line and 1-based column (in characters) of a byte offset.
    pub fn line_col(&self, offset: u32) -> (usize, usize) {
        let offset = offset.min(self.text.len() as u32);
        let line_starts = self.line_starts();
        let line = match line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = line_starts[line] as usize;
        let mut end = offset as usize;
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let col = self.text[start..end].chars().count();
        (line + 1, col + 1)
    }

    /// The text a span covers (empty if the span is out of range).
    pub fn slice(&self, span: Span) -> &str {
        self.text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }
}

/// All inputs of a run. Files are only ever added, so a [`FileId`] stays valid.
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn add(&mut self, name: impl Into<String>, text: String) -> FileId {
        self.files.push(SourceFile::new(name, text));
        FileId(self.files.len() as u32 - 1)
    }
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }
    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }
    /// `(file name, line, column)` of the start of a span, 1-based.
    pub fn location(&self, span: Span) -> (&str, usize, usize) {
        let f = self.get(span.file);
        let (l, c) = f.line_col(span.start);
        (&f.name, l, c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let f = SourceFile::new("x", "a: é\nb: c\n".to_string());
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(3), (1, 4));
        assert_eq!(f.line_col(5), (1, 5)); // after the two-byte é
        assert_eq!(f.line_col(6), (2, 1));
        assert_eq!(f.line_col(9), (2, 4));
    }

    #[test]
    fn sub_spans_are_clamped() {
        let s = Span::new(FileId(0), 10, 20);
        assert_eq!(s.sub(2, 4), Span::new(FileId(0), 12, 14));
        assert_eq!(s.sub(8, 40), Span::new(FileId(0), 18, 20));
    }
}
