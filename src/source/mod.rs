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
    /// Built on the first [`SourceFile::line_col`]: only diagnostics and plan locations
    /// need lines, and checking never reads them.
    lines_before_block: std::sync::OnceLock<Vec<u32>>,
    /// Whether a `\r` ends a line on its own somewhere; found on first asked.
    lone_cr: std::sync::OnceLock<bool>,
}

/// Bytes per entry of the line index. The index is kept for the whole run once built: one
/// `u32` per line (4 MB for a million-line fleet) is a large share of a plan's peak, while
/// one per block of this many bytes is 3 % of the text. Counting the newlines of at most
/// one block per lookup, eight bytes at a time, costs less than the binary search over
/// every line start did; halving the block saves little more and doubles the index.
const BLOCK: usize = 128;

impl SourceFile {
    pub fn new(name: impl Into<String>, text: String) -> Self {
        SourceFile {
            name: name.into(),
            text,
            lines_before_block: std::sync::OnceLock::new(),
            lone_cr: std::sync::OnceLock::new(),
        }
    }

    /// For every `i` up to `text.len() / BLOCK`, the number of newlines before byte
    /// `i * BLOCK`: so every offset, the end of the text included, has its block's entry.
    fn lines_before_block(&self) -> &[u32] {
        self.lines_before_block.get_or_init(|| {
            let (blocks, _) = self.text.as_bytes().as_chunks::<BLOCK>();
            let mut lines = 0u32;
            let mut index = Vec::with_capacity(blocks.len() + 1);
            index.push(0);
            for block in blocks {
                lines += count_newlines(block) as u32;
                index.push(lines);
            }
            index
        })
    }

    /// The number of `\n` before byte `offset` (clamped to the text).
    pub fn newlines_before(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        let block = offset / BLOCK;
        self.lines_before_block()[block] as usize
            + count_newlines(&self.text.as_bytes()[block * BLOCK..offset])
    }

    /// Whether some `\r` is not followed by `\n` (a classic Mac line end): line counts
    /// that take it as a line end, as miette's do, then differ from [`Self::newlines_before`].
    pub fn has_lone_cr(&self) -> bool {
        *self.lone_cr.get_or_init(|| {
            let bytes = self.text.as_bytes();
            bytes
                .iter()
                .enumerate()
                .any(|(i, b)| *b == b'\r' && bytes.get(i + 1) != Some(&b'\n'))
        })
    }

    /// 1-based line and 1-based column (in characters) of a byte offset.
    pub fn line_col(&self, offset: u32) -> (usize, usize) {
        let offset = (offset as usize).min(self.text.len());
        let bytes = self.text.as_bytes();
        let line = self.newlines_before(offset);
        // Walks back over the offset's own line only, which the column counts anyway.
        let start = bytes[..offset]
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |i| i + 1);
        let mut end = offset;
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

/// The number of `\n` bytes in `bytes`, eight at a step: every lookup counts up to a
/// block's worth, which one byte at a step would make the larger part of its cost.
fn count_newlines(bytes: &[u8]) -> usize {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const LOW_SEVEN: u64 = u64::from_ne_bytes([0x7f; 8]);
    const NEWLINES: u64 = u64::from_ne_bytes([b'\n'; 8]);
    let (words, rest) = bytes.as_chunks::<8>();
    let mut n = 0;
    for word in words {
        // A byte of `x` is 0 exactly where `word` holds a newline.
        let x = u64::from_ne_bytes(*word) ^ NEWLINES;
        // Top bit of each byte: set iff that byte of `x` is not 0. The sum of the low seven
        // bits and 0x7f stays within its byte, so no byte disturbs the next.
        let nonzero = ((x & LOW_SEVEN) + LOW_SEVEN) | x;
        let newline = (!nonzero >> 7) & ONES;
        // Adds the eight 0/1 bytes up into the top byte (at most 8: no carry out).
        n += (newline.wrapping_mul(ONES) >> 56) as usize;
    }
    n + rest.iter().filter(|b| **b == b'\n').count()
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

    /// `line_col` as a full line index answers it: the meaning the sparse index must keep.
    fn line_col_reference(text: &str, offset: u32) -> (usize, usize) {
        let mut starts = vec![0usize];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let offset = (offset as usize).min(text.len());
        let line = starts.iter().rposition(|s| *s <= offset).unwrap();
        let mut end = offset;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        (line + 1, text[starts[line]..end].chars().count() + 1)
    }

    /// Texts from none to several blocks of the line index long, from a fixed seed: runs
    /// of characters of one to four bytes (`Ê` holds the byte 0x8a, a newline with the top
    /// bit set), `\n`, `\r\n` and empty lines, ending at a newline or not.
    fn texts() -> Vec<String> {
        const PIECES: [&str; 11] = [
            "a", "b: c", "é", "Ê", "日本", "🦀", "\n", "\r\n", "\n\n", " ", "\r",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move |n: usize| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as usize % n
        };
        let mut texts: Vec<String> = ["", "\n", "a", "é", "\r\n", "\n\n\n", "a\r\nb", "🦀\n🦀"]
            .map(String::from)
            .to_vec();
        // Ending just before, at and after a block's end, and newlines or a multi-byte
        // character across it.
        for len in [BLOCK - 1, BLOCK, BLOCK + 1, 2 * BLOCK, 2 * BLOCK + 1] {
            texts.push("\n".repeat(len));
            texts.push("x".repeat(len));
            texts.push("x\n".repeat(len / 2) + &"\n".repeat(len % 2));
            texts.push("é".repeat(len / 2) + &"\n".repeat(len % 2) + "\n");
            texts.push("a".repeat(len - 1) + "🦀\n\n");
        }
        for _ in 0..60 {
            let pieces = next(6 * BLOCK);
            let mut t: String = (0..pieces).map(|_| PIECES[next(PIECES.len())]).collect();
            if next(2) == 0 {
                t.push('\n');
            }
            texts.push(t);
        }
        texts
    }

    #[test]
    fn sparse_line_index_answers_as_a_full_one() {
        let mut longest = 0;
        for text in texts() {
            let f = SourceFile::new("x", text.clone());
            // Past the end too: offsets there are clamped.
            for offset in 0..=text.len() as u32 + 3 {
                assert_eq!(
                    f.line_col(offset),
                    line_col_reference(&text, offset),
                    "offset {offset} of {text:?}"
                );
            }
            longest = longest.max(text.len());
        }
        // The texts must span several blocks, or the test proves nothing.
        assert!(longest > 8 * BLOCK, "{longest}");
    }

    #[test]
    fn newlines_are_counted_among_all_byte_values() {
        let bytes: Vec<u8> = (0..=255u8)
            .chain((0..=255u8).rev())
            .chain([b'\n'; 20])
            .collect();
        for from in 0..40 {
            for to in from..bytes.len() {
                let slice = &bytes[from..to];
                let naive = slice.iter().filter(|b| **b == b'\n').count();
                assert_eq!(count_newlines(slice), naive, "{from}..{to}");
            }
        }
    }

    #[test]
    fn sub_spans_are_clamped() {
        let s = Span::new(FileId(0), 10, 20);
        assert_eq!(s.sub(2, 4), Span::new(FileId(0), 12, 14));
        assert_eq!(s.sub(8, 40), Span::new(FileId(0), 18, 20));
    }
}
