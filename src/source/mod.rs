//! Stage `source`: inputs → text with a source map → spanned YAML trees.
//!
//! Every later stage points at input through [`Span`] (file + byte range), so this module
//! owns the only mapping from bytes to the `line:column` a user sees.

pub mod git;
mod lines;
pub mod load;
pub mod node;
pub mod offsets;
pub mod yaml;

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::OnceLock;

pub use lines::LineIndex;

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
///
/// The text of a file read from disk is given back once the objects are decoded and
/// checked ([`SourceMap::release_texts`]): a large fleet's text is a third of what a plan
/// would hold at its peak, and past the checks only diagnostics and a few rules read it,
/// a few lines at a time. Those lines are read again from the file, after checking that
/// it still holds what was decoded; the line index keeps every line and column known.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    contents: Contents,
    /// Where the text can be read again, while it is held: regular files only (standard
    /// input, pipes and in-memory text cannot be read twice). Moves into [`Released`].
    origin: Option<PathBuf>,
    /// Built on first use, and before the text is given back.
    lines: OnceLock<LineIndex>,
    /// Whether a `\r` ends a line on its own somewhere; found on first asked.
    lone_cr: OnceLock<bool>,
}

#[derive(Debug, Clone)]
enum Contents {
    Held(String),
    Released(Box<Released>),
}

/// A file whose text was given back: enough to read parts of it again and to tell whether
/// it changed since.
#[derive(Debug, Clone)]
struct Released {
    path: PathBuf,
    len: usize,
    fingerprint: u64,
    /// Whether the file on disk still holds the text decoded; checked on the first read.
    unchanged: OnceLock<bool>,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: String) -> Self {
        SourceFile {
            name: name.into(),
            contents: Contents::Held(text),
            origin: None,
            lines: OnceLock::new(),
            lone_cr: OnceLock::new(),
        }
    }

    /// A file read from `path`, whose text [`SourceFile::release`] may give back.
    pub fn from_file(name: impl Into<String>, path: PathBuf, text: String) -> Self {
        SourceFile {
            origin: Some(path),
            ..SourceFile::new(name, text)
        }
    }

    /// The whole text, while it is held: the parser reads it right after the file is
    /// added; later stages read parts through [`SourceFile::read`].
    pub fn text(&self) -> Option<&str> {
        match &self.contents {
            Contents::Held(t) => Some(t),
            Contents::Released(_) => None,
        }
    }

    /// The length of the text in bytes.
    pub fn len(&self) -> usize {
        match &self.contents {
            Contents::Held(t) => t.len(),
            Contents::Released(r) => r.len,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Gives the text back when the file can be read again, keeping its line index. The
    /// fingerprint lets a later read notice a file changed in the meantime.
    pub fn release(&mut self) {
        let Contents::Held(text) = &self.contents else {
            return;
        };
        let Some(path) = self.origin.take() else {
            return;
        };
        self.lines();
        self.has_lone_cr();
        let released = Released {
            path,
            len: text.len(),
            fingerprint: Fingerprint::of(text.as_bytes()),
            unchanged: OnceLock::new(),
        };
        self.contents = Contents::Released(Box::new(released));
    }

    /// Whether the text can still be read: always while held; once given back, when the
    /// file still holds it (a file edited during the run reads as unreadable rather than
    /// showing other lines).
    pub fn is_readable(&self) -> bool {
        match &self.contents {
            Contents::Held(_) => true,
            Contents::Released(r) => r.is_unchanged(),
        }
    }

    /// Bytes `start..end` of the text, `None` when out of range, not on character
    /// boundaries, or no longer readable.
    pub fn read(&self, start: usize, end: usize) -> Option<Cow<'_, str>> {
        match self.bytes(start, end)? {
            Cow::Borrowed(b) => std::str::from_utf8(b).ok().map(Cow::Borrowed),
            Cow::Owned(b) => String::from_utf8(b).ok().map(Cow::Owned),
        }
    }

    /// Bytes `start..end`, `None` when out of range or no longer readable.
    fn bytes(&self, start: usize, end: usize) -> Option<Cow<'_, [u8]>> {
        if start > end || end > self.len() {
            return None;
        }
        match &self.contents {
            Contents::Held(t) => Some(Cow::Borrowed(&t.as_bytes()[start..end])),
            Contents::Released(r) => r.read(start, end).map(Cow::Owned),
        }
    }

    /// The text a span covers (empty if the span is out of range or cannot be read).
    pub fn slice(&self, span: Span) -> Cow<'_, str> {
        self.read(span.start as usize, span.end as usize)
            .unwrap_or(Cow::Borrowed(""))
    }

    /// The start of the line holding `offset` (clamped to the text). Held text is scanned
    /// back over the one line: building the index for a few lookups costs more.
    pub fn line_start(&self, offset: usize) -> usize {
        let offset = offset.min(self.len());
        match self.text() {
            Some(text) => text.as_bytes()[..offset]
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |i| i + 1),
            None => self.lines().line_start(offset),
        }
    }

    /// The end of the line holding `offset`: its `\n`, or the end of the text.
    pub fn line_end(&self, offset: usize) -> usize {
        let offset = offset.min(self.len());
        match self.text() {
            Some(text) => text.as_bytes()[offset..]
                .iter()
                .position(|b| *b == b'\n')
                .map_or(text.len(), |i| offset + i),
            None => self.lines().line_end(offset),
        }
    }

    /// The whole line holding `offset`, without its line end.
    pub fn line_text(&self, offset: usize) -> Cow<'_, str> {
        let start = self.line_start(offset);
        let end = self.line_end(offset);
        let line = self.read(start, end).unwrap_or(Cow::Borrowed(""));
        // As `str::lines`: a `\r` ends the line only before a `\n`.
        match line.strip_suffix('\r') {
            Some(cut) if end < self.len() => Cow::Owned(cut.to_string()),
            _ => line,
        }
    }

    /// The index of the text's lines, built on first use.
    pub fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| match &self.contents {
            Contents::Held(t) => LineIndex::new(t.as_bytes()),
            // Released files have their index built first.
            Contents::Released(_) => LineIndex::new(&[]),
        })
    }

    /// The number of `\n` before byte `offset` (clamped to the text).
    pub fn newlines_before(&self, offset: usize) -> usize {
        self.lines().newlines_before(offset)
    }

    /// Whether some `\r` is not followed by `\n` (a classic Mac line end): line counts
    /// that take it as a line end, as miette's do, then differ from [`Self::newlines_before`].
    pub fn has_lone_cr(&self) -> bool {
        *self.lone_cr.get_or_init(|| {
            let Some(text) = self.text() else {
                // Released files have this found first.
                return false;
            };
            let bytes = text.as_bytes();
            bytes
                .iter()
                .enumerate()
                .any(|(i, b)| *b == b'\r' && bytes.get(i + 1) != Some(&b'\n'))
        })
    }

    /// 1-based line and 1-based column (in characters) of a byte offset.
    pub fn line_col(&self, offset: u32) -> (usize, usize) {
        let lines = self.lines();
        let offset = (offset as usize).min(lines.len());
        let line = lines.newlines_before(offset);
        let start = lines.line_start(offset);
        let col = if lines.is_ascii(start, offset) {
            offset - start
        } else {
            self.chars_between(start, offset)
        };
        (line + 1, col + 1)
    }

    /// The characters of `start..end`, where `end` may fall inside a character (which
    /// then does not count, as a column counts the characters before an offset).
    fn chars_between(&self, start: usize, end: usize) -> usize {
        // One byte past `end` tells whether `end` is inside a character.
        let upto = (end + 1).min(self.len());
        let Some(bytes) = self.bytes(start, upto) else {
            return end - start;
        };
        let is_continuation = |b: &u8| (*b as i8) < -0x40;
        let starts = bytes[..end - start]
            .iter()
            .filter(|b| !is_continuation(b))
            .count();
        let inside = bytes.get(end - start).is_some_and(is_continuation);
        starts - usize::from(inside)
    }
}

impl Released {
    fn is_unchanged(&self) -> bool {
        *self
            .unchanged
            .get_or_init(|| self.check_unchanged().unwrap_or(false))
    }

    /// Reads the whole file again, a piece at a time, and compares it with the text
    /// decoded: once per file, on its first read.
    fn check_unchanged(&self) -> std::io::Result<bool> {
        use std::io::BufRead;
        let file = std::fs::File::open(&self.path)?;
        if file.metadata()?.len() != self.len as u64 {
            return Ok(false);
        }
        let mut reader = std::io::BufReader::with_capacity(1 << 16, file);
        let mut digest = Fingerprint::new();
        loop {
            let piece = reader.fill_buf()?;
            if piece.is_empty() {
                break;
            }
            digest.add(piece);
            let n = piece.len();
            reader.consume(n);
        }
        Ok(digest.finish() == self.fingerprint)
    }

    fn read(&self, start: usize, end: usize) -> Option<Vec<u8>> {
        if !self.is_unchanged() {
            return None;
        }
        let file = std::fs::File::open(&self.path).ok()?;
        if file.metadata().ok()?.len() != self.len as u64 {
            return None;
        }
        let mut buf = vec![0; end - start];
        read_exact_at(&file, &mut buf, start as u64).ok()?;
        Some(buf)
    }
}

/// A 64-bit digest of a byte stream, the same however the stream is cut into pieces.
struct Fingerprint(std::hash::DefaultHasher);

impl Fingerprint {
    fn new() -> Self {
        Fingerprint(std::hash::DefaultHasher::new())
    }
    fn add(&mut self, piece: &[u8]) {
        std::hash::Hasher::write(&mut self.0, piece);
    }
    fn finish(&self) -> u64 {
        std::hash::Hasher::finish(&self.0)
    }
    fn of(bytes: &[u8]) -> u64 {
        let mut digest = Fingerprint::new();
        digest.add(bytes);
        digest.finish()
    }
}

#[cfg(unix)]
fn read_exact_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(not(unix))]
fn read_exact_at(mut file: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    file.seek(SeekFrom::Start(offset))?;
    file.read_exact(buf)
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
        self.push(SourceFile::new(name, text))
    }
    /// Adds the text of the regular file at `path`, which can be read again after
    /// [`SourceMap::release_texts`].
    pub fn add_file(&mut self, name: impl Into<String>, path: PathBuf, text: String) -> FileId {
        self.push(SourceFile::from_file(name, path, text))
    }
    fn push(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId(self.files.len() as u32 - 1)
    }
    /// Gives back the text of every file that can be read again (see [`SourceFile`]):
    /// called once the objects are decoded and checked.
    pub fn release_texts(&mut self) {
        for f in &mut self.files {
            f.release();
        }
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

/// A file written to a temporary path named after `tag`, read as the loader reads files
/// (for tests of released texts).
#[cfg(test)]
pub(crate) fn file_on_disk(tag: &str, text: &str) -> (SourceFile, PathBuf) {
    let dir = std::env::temp_dir().join(format!("lbplan-source-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{tag}.yaml"));
    std::fs::write(&path, text).unwrap();
    let file = SourceFile::from_file("x.yaml", path.clone(), text.to_string());
    (file, path)
}

#[cfg(test)]
mod tests {
    use super::lines::BLOCK;
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
    fn a_released_file_answers_as_the_held_text_did() {
        let mut longest = 0;
        for (i, text) in texts().into_iter().enumerate() {
            let held = SourceFile::new("x.yaml", text.clone());
            let (mut released, _) = file_on_disk(&format!("answers-{i}"), &text);
            released.release();
            assert!(released.text().is_none() && released.is_readable());
            assert_eq!(released.len(), text.len());
            assert_eq!(released.has_lone_cr(), held.has_lone_cr(), "{text:?}");
            for offset in 0..=text.len() + 2 {
                assert_eq!(
                    released.line_col(offset as u32),
                    held.line_col(offset as u32)
                );
                assert_eq!(released.line_text(offset), held.line_text(offset));
            }
            for start in (0..=text.len()).step_by(5) {
                for end in [start, start + 1, start + 9, text.len(), text.len() + 1] {
                    assert_eq!(released.read(start, end), held.read(start, end));
                }
            }
            longest = longest.max(text.len());
        }
        assert!(longest > 8 * BLOCK, "{longest}");
    }

    #[test]
    fn a_file_changed_after_it_was_read_is_not_read_again() {
        let text = "a: 1\nb: 2\n";
        for (tag, edit) in [("same-length", "a: 1\nb: 3\n"), ("longer", "a: 1\nb: 22\n")] {
            let (mut file, path) = file_on_disk(tag, text);
            file.release();
            std::fs::write(&path, edit).unwrap();
            assert!(!file.is_readable(), "{tag}");
            assert_eq!(file.slice(Span::new(FileId(0), 5, 9)), "", "{tag}");
            // Lines and columns are still those of the text that was read.
            assert_eq!(file.line_col(8), (2, 4), "{tag}");
        }
    }

    #[test]
    fn text_that_cannot_be_read_again_is_kept() {
        let mut held = SourceFile::new("<stdin>", "a: 1\n".to_string());
        held.release();
        assert_eq!(held.text(), Some("a: 1\n"));
    }

    #[test]
    fn a_file_removed_after_it_was_read_is_not_read_again() {
        let (mut file, path) = file_on_disk("gone", "a: 1\n");
        std::fs::remove_file(&path).unwrap();
        file.release();
        assert!(file.text().is_none() && !file.is_readable());
        assert_eq!(file.line_col(3), (1, 4));
    }

    #[test]
    fn a_fingerprint_is_the_same_however_the_bytes_are_cut() {
        let bytes: Vec<u8> = (0..=255u8).cycle().take(3000).collect();
        let whole = Fingerprint::of(&bytes);
        for cut in [1, 7, 64, 1000, 2999] {
            let mut digest = Fingerprint::new();
            for piece in bytes.chunks(cut) {
                digest.add(piece);
            }
            assert_eq!(digest.finish(), whole, "{cut}");
        }
        assert_ne!(Fingerprint::of(&bytes[1..]), whole);
    }

    #[test]
    fn sub_spans_are_clamped() {
        let s = Span::new(FileId(0), 10, 20);
        assert_eq!(s.sub(2, 4), Span::new(FileId(0), 12, 14));
        assert_eq!(s.sub(8, 40), Span::new(FileId(0), 18, 20));
    }
}
