//! The line index of a source file: where each line starts, kept in under a tenth of the
//! text's size, so that the line and column of any offset are found without the text.
//!
//! A plan file gives the line and column of every resource's sources (450,000 positions
//! for the 10× benchmark fleet), long after the text itself was given back (see
//! [`super::SourceFile::release`]); reading the file again for each would cost more than
//! planning.

/// Bytes per block: an offset's newlines are found from its block's entry, then among
/// the few newlines inside the block. A newline's place in its block is one byte, and the
/// entries come to 1.5 % of the text.
pub(super) const BLOCK: usize = 256;

#[derive(Debug, Clone)]
pub struct LineIndex {
    len: usize,
    /// For every `i` up to `len / BLOCK`, the number of newlines before byte `i * BLOCK`:
    /// so every offset, the end of the text included, has its block's entry.
    before_block: Vec<u32>,
    /// Where each newline sits in its block, in text order: newline `k` is in the block
    /// `b` with `before_block[b] <= k < before_block[b + 1]`.
    in_block: Vec<u8>,
    /// Bit `i` is set when block `i` holds a byte that is not ASCII: only there does a
    /// column (in characters) differ from a byte distance.
    non_ascii: Vec<u64>,
}

impl LineIndex {
    pub fn new(bytes: &[u8]) -> Self {
        let entries = bytes.len() / BLOCK + 1;
        let mut before_block = Vec::with_capacity(entries);
        let mut in_block = Vec::with_capacity(count_newlines(bytes));
        let mut non_ascii = vec![0u64; entries.div_ceil(64)];
        for (i, block) in bytes.chunks(BLOCK).enumerate() {
            before_block.push(in_block.len() as u32);
            push_newlines(block, &mut in_block);
            if !block.is_ascii() {
                non_ascii[i / 64] |= 1 << (i % 64);
            }
        }
        if before_block.len() < entries {
            // The text ends at a block boundary: the end has an entry of its own.
            before_block.push(in_block.len() as u32);
        }
        LineIndex {
            len: bytes.len(),
            before_block,
            in_block,
            non_ascii,
        }
    }

    /// The length of the indexed text.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The number of `\n` in the text.
    pub fn newlines(&self) -> usize {
        self.in_block.len()
    }

    /// The number of `\n` before byte `offset` (clamped to the text).
    pub fn newlines_before(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        let block = offset / BLOCK;
        let first = self.before_block[block] as usize;
        let end = self
            .before_block
            .get(block + 1)
            .map_or(self.in_block.len(), |n| *n as usize);
        let within = offset - block * BLOCK;
        first
            + self.in_block[first..end]
                .iter()
                .take_while(|at| usize::from(**at) < within)
                .count()
    }

    /// The offset of newline number `k` (from 0); `None` past the last.
    pub fn newline_at(&self, k: usize) -> Option<usize> {
        let at = *self.in_block.get(k)?;
        let block = self.before_block.partition_point(|n| *n as usize <= k) - 1;
        Some(block * BLOCK + usize::from(at))
    }

    /// The start of the line holding `offset`.
    pub fn line_start(&self, offset: usize) -> usize {
        self.line_start_before(offset, 1)
    }

    /// The start of the line `lines - 1` lines above the one holding `offset` (0 when
    /// there are fewer): just past the `lines`-th `\n` before `offset`.
    pub fn line_start_before(&self, offset: usize, lines: usize) -> usize {
        let before = self.newlines_before(offset);
        match before.checked_sub(lines) {
            Some(k) => self.newline_at(k).map_or(0, |at| at + 1),
            None => 0,
        }
    }

    /// Just past the `lines`-th `\n` at or after `offset` (the text's end when there are
    /// fewer); `lines` must be at least 1.
    pub fn line_end_after(&self, offset: usize, lines: usize) -> usize {
        let k = self.newlines_before(offset) + lines.max(1) - 1;
        self.newline_at(k).map_or(self.len, |at| at + 1)
    }

    /// The end of the line holding `offset`: its `\n`, or the end of the text.
    pub fn line_end(&self, offset: usize) -> usize {
        self.newline_at(self.newlines_before(offset))
            .unwrap_or(self.len)
    }

    /// Whether bytes `start..end` are all ASCII (a block at a time: false may also mean
    /// that a neighbour in the same block is not).
    pub fn is_ascii(&self, start: usize, end: usize) -> bool {
        if start >= end {
            return true;
        }
        (start / BLOCK..=(end - 1) / BLOCK).all(|i| self.non_ascii[i / 64] & (1 << (i % 64)) == 0)
    }
}

/// Bit 7 of each byte of the result is set exactly where `word` holds a `\n`; the other
/// bits are clear.
fn newline_bits(word: u64) -> u64 {
    const LOW_SEVEN: u64 = u64::from_ne_bytes([0x7f; 8]);
    const NEWLINES: u64 = u64::from_ne_bytes([b'\n'; 8]);
    const TOP: u64 = u64::from_ne_bytes([0x80; 8]);
    // A byte of `x` is 0 exactly where `word` holds a newline.
    let x = word ^ NEWLINES;
    // Top bit of each byte: set iff that byte of `x` is not 0. The sum of the low seven
    // bits and 0x7f stays within its byte, so no byte disturbs the next.
    let nonzero = ((x & LOW_SEVEN) + LOW_SEVEN) | x;
    !nonzero & TOP
}

/// The number of `\n` bytes in `bytes`, eight at a step.
pub fn count_newlines(bytes: &[u8]) -> usize {
    let (words, rest) = bytes.as_chunks::<8>();
    let n: usize = words
        .iter()
        .map(|w| newline_bits(u64::from_ne_bytes(*w)).count_ones() as usize)
        .sum();
    n + rest.iter().filter(|b| **b == b'\n').count()
}

/// Appends the offset of every `\n` of `block` (at most [`BLOCK`] bytes), eight bytes at
/// a step: the index of a large fleet is built once per run, and a byte at a step made it
/// a tenth of the plan's own work.
fn push_newlines(block: &[u8], out: &mut Vec<u8>) {
    let (words, rest) = block.as_chunks::<8>();
    for (w, word) in words.iter().enumerate() {
        // Little-endian: byte `k` of the word holds bit `8k + 7` of the mask.
        let mut bits = newline_bits(u64::from_le_bytes(*word));
        while bits != 0 {
            out.push((w * 8 + bits.trailing_zeros() as usize / 8) as u8);
            bits &= bits - 1;
        }
    }
    let tail = words.len() * 8;
    out.extend(
        rest.iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .map(|(at, _)| (tail + at) as u8),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every newline offset of `text`, the plain way.
    fn newline_offsets(text: &str) -> Vec<usize> {
        text.match_indices('\n').map(|(i, _)| i).collect()
    }

    fn texts() -> Vec<String> {
        let mut texts: Vec<String> = ["", "\n", "a", "é\n", "\n\n\n", "a\nb"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        for len in [BLOCK - 1, BLOCK, BLOCK + 1, 3 * BLOCK, 64 * BLOCK + 5] {
            texts.push("\n".repeat(len));
            texts.push("x".repeat(len));
            texts.push("x".repeat(len) + "\n");
            texts.push("ab\n".repeat(len / 3) + &"é".repeat(len % 7));
            // A long line across whole blocks with no newline, then short ones.
            texts.push("y".repeat(2 * BLOCK + len % 5) + &"z\n".repeat(len / 2));
        }
        texts
    }

    #[test]
    fn the_index_finds_every_newline_and_line_as_a_scan_does() {
        for text in texts() {
            let index = LineIndex::new(text.as_bytes());
            let newlines = newline_offsets(&text);
            assert_eq!(index.newlines(), newlines.len());
            for (k, at) in newlines.iter().enumerate() {
                assert_eq!(index.newline_at(k), Some(*at), "{text:?}");
            }
            assert_eq!(index.newline_at(newlines.len()), None);
            for offset in 0..=text.len() + 2 {
                let before = newlines.iter().filter(|at| **at < offset).count();
                assert_eq!(index.newlines_before(offset), before, "{offset} {text:?}");
                let start = newlines
                    .iter()
                    .rev()
                    .find(|at| **at < offset)
                    .map_or(0, |at| at + 1);
                assert_eq!(index.line_start(offset), start, "{offset} {text:?}");
                let end = newlines
                    .iter()
                    .find(|at| **at >= offset)
                    .map_or(text.len(), |at| *at);
                assert_eq!(index.line_end(offset), end, "{offset} {text:?}");
            }
        }
    }

    #[test]
    fn line_starts_before_and_ends_after_count_lines_as_a_scan_does() {
        for text in texts() {
            let index = LineIndex::new(text.as_bytes());
            let newlines = newline_offsets(&text);
            for offset in (0..=text.len()).step_by(7) {
                for lines in 1..4 {
                    let behind: Vec<_> = newlines.iter().filter(|at| **at < offset).collect();
                    let start = behind.len().checked_sub(lines).map_or(0, |k| behind[k] + 1);
                    assert_eq!(index.line_start_before(offset, lines), start);
                    let ahead: Vec<_> = newlines.iter().filter(|at| **at >= offset).collect();
                    let end = ahead.get(lines - 1).map_or(text.len(), |at| *at + 1);
                    assert_eq!(index.line_end_after(offset, lines), end);
                }
            }
        }
    }

    #[test]
    fn only_blocks_with_a_multibyte_character_are_not_ascii() {
        let text = "a".repeat(3 * BLOCK) + "é" + &"b".repeat(BLOCK);
        let index = LineIndex::new(text.as_bytes());
        assert!(index.is_ascii(0, 3 * BLOCK));
        assert!(!index.is_ascii(0, 3 * BLOCK + 1));
        assert!(index.is_ascii(4 * BLOCK, text.len()));
        assert!(index.is_ascii(5, 5));
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
}
