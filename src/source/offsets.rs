//! Where each byte of a decoded scalar came from in the file.
//!
//! An annotation value such as a JSON document inside a single-quoted YAML string is
//! unescaped and line-folded before a grammar sees it. To point at "the exact character
//! inside the value", the decoded text is rebuilt from the raw source while recording the
//! source range of every produced character. If the rebuild disagrees with the parser's
//! decoding (an exotic corner of YAML), the locator falls back to the whole value's span:
//! less precise, never wrong.

use super::{Node, NodeKind, ScalarStyle, SourceFile, Span};

/// Maps byte ranges of a decoded scalar value to spans in its file.
#[derive(Debug, Clone)]
pub struct ValueLocator {
    whole: Span,
    /// For each byte of the decoded value: the source byte range (absolute) that produced it.
    ranges: Option<Vec<(u32, u32)>>,
}

impl ValueLocator {
    pub fn new(file: &SourceFile, node: &Node) -> Self {
        match &node.kind {
            NodeKind::Scalar(s) => Self::of_scalar(file, node.span, s.style, &s.value),
            _ => ValueLocator {
                whole: node.span,
                ranges: None,
            },
        }
    }

    /// [`ValueLocator::new`] for a scalar known by its parts: decoded objects keep a
    /// value's span and style, not its YAML node.
    pub fn of_scalar(file: &SourceFile, span: Span, style: ScalarStyle, decoded: &str) -> Self {
        let raw = file.slice(span);
        let indent = indent_before(file, span.start as usize);
        let ranges = rebuild(&raw, style, indent)
            .and_then(|chars| match_decoded(&chars, decoded, style))
            .map(|v| {
                v.into_iter()
                    .map(|(a, b)| (a + span.start, b + span.start))
                    .collect()
            });
        ValueLocator {
            whole: span,
            ranges,
        }
    }

    /// The file span of bytes `start..end` of the decoded value.
    pub fn span(&self, start: usize, end: usize) -> Span {
        let Some(r) = &self.ranges else {
            return self.whole;
        };
        if r.is_empty() {
            return self.whole;
        }
        let s = start.min(r.len() - 1);
        if end <= start {
            let at = if start >= r.len() {
                r[r.len() - 1].1
            } else {
                r[s].0
            };
            return Span::new(self.whole.file, at as usize, at as usize);
        }
        let e = (end - 1).min(r.len() - 1);
        Span::new(
            self.whole.file,
            r[s].0 as usize,
            r[e].1.max(r[s].0) as usize,
        )
    }

    /// True when character-exact positions are available.
    pub fn is_exact(&self) -> bool {
        self.ranges.is_some()
    }
}

fn indent_before(file: &SourceFile, offset: usize) -> usize {
    let offset = offset.min(file.len());
    file.read(file.line_start(offset), offset)
        .map_or(0, |text| text.chars().take_while(|c| *c == ' ').count())
}

/// (decoded char, source byte range relative to the raw text)
type Produced = Vec<(char, u32, u32)>;

fn rebuild(raw: &str, style: ScalarStyle, indent: usize) -> Option<Produced> {
    let chars: Vec<(usize, char)> = raw.char_indices().collect();
    match style {
        ScalarStyle::Plain => fold_flow(&chars, 0, chars.len(), FlowKind::Plain),
        ScalarStyle::SingleQuoted => {
            quoted_bounds(&chars, '\'').and_then(|(a, b)| fold_flow(&chars, a, b, FlowKind::Single))
        }
        ScalarStyle::DoubleQuoted => {
            quoted_bounds(&chars, '"').and_then(|(a, b)| fold_flow(&chars, a, b, FlowKind::Double))
        }
        ScalarStyle::Literal => Some(block(raw, indent, false)),
        ScalarStyle::Folded => Some(block(raw, indent, true)),
    }
}

fn quoted_bounds(chars: &[(usize, char)], q: char) -> Option<(usize, usize)> {
    if chars.len() >= 2 && chars[0].1 == q && chars[chars.len() - 1].1 == q {
        Some((1, chars.len() - 1))
    } else {
        None
    }
}

#[derive(PartialEq, Clone, Copy)]
enum FlowKind {
    Plain,
    Single,
    Double,
}

fn end_of(chars: &[(usize, char)], i: usize) -> u32 {
    (chars[i].0 + chars[i].1.len_utf8()) as u32
}

/// Line folding shared by plain and quoted scalars, with quote escapes.
fn fold_flow(chars: &[(usize, char)], from: usize, to: usize, kind: FlowKind) -> Option<Produced> {
    let mut out: Produced = Vec::new();
    let mut pending: Produced = Vec::new();
    let mut i = from;
    while i < to {
        let (off, c) = chars[i];
        let off32 = off as u32;
        if c == '\r' || c == '\n' {
            pending.clear();
            let nl_off = off32;
            let mut breaks = 0;
            while i < to && matches!(chars[i].1, ' ' | '\t' | '\r' | '\n') {
                if chars[i].1 == '\n' {
                    breaks += 1;
                }
                i += 1;
            }
            if breaks <= 1 {
                out.push((' ', nl_off, nl_off + 1));
            } else {
                for _ in 0..breaks - 1 {
                    out.push(('\n', nl_off, nl_off + 1));
                }
            }
            continue;
        }
        if c == ' ' || c == '\t' {
            pending.push((c, off32, off32 + 1));
            i += 1;
            continue;
        }
        out.append(&mut pending);
        match (kind, c) {
            (FlowKind::Single, '\'') if i + 1 < to && chars[i + 1].1 == '\'' => {
                out.push(('\'', off32, end_of(chars, i + 1)));
                i += 2;
            }
            (FlowKind::Double, '\\') if i + 1 < to => {
                i = double_escape(chars, i, to, &mut out)?;
            }
            _ => {
                out.push((c, off32, end_of(chars, i)));
                i += 1;
            }
        }
    }
    out.append(&mut pending);
    Some(out)
}

/// Decodes one backslash escape at `i`; returns the index after it.
fn double_escape(
    chars: &[(usize, char)],
    i: usize,
    to: usize,
    out: &mut Produced,
) -> Option<usize> {
    let start = chars[i].0 as u32;
    let e = chars[i + 1].1;
    let simple = match e {
        '0' => Some('\0'),
        'a' => Some('\x07'),
        'b' => Some('\x08'),
        't' | '\t' => Some('\t'),
        'n' => Some('\n'),
        'v' => Some('\x0b'),
        'f' => Some('\x0c'),
        'r' => Some('\r'),
        'e' => Some('\x1b'),
        ' ' => Some(' '),
        '"' => Some('"'),
        '/' => Some('/'),
        '\\' => Some('\\'),
        'N' => Some('\u{85}'),
        '_' => Some('\u{a0}'),
        'L' => Some('\u{2028}'),
        'P' => Some('\u{2029}'),
        _ => None,
    };
    if let Some(c) = simple {
        out.push((c, start, end_of(chars, i + 1)));
        return Some(i + 2);
    }
    if e == '\n' || e == '\r' {
        // Escaped line break: joins lines, drops the next line's indentation.
        let mut j = i + 1;
        while j < to && matches!(chars[j].1, '\r' | '\n') {
            j += 1;
            if chars[j - 1].1 == '\n' {
                break;
            }
        }
        while j < to && matches!(chars[j].1, ' ' | '\t') {
            j += 1;
        }
        return Some(j);
    }
    let width = match e {
        'x' => 2,
        'u' => 4,
        'U' => 8,
        _ => return None,
    };
    if i + 1 + width >= to {
        return None;
    }
    let hex: String = chars[i + 2..i + 2 + width]
        .iter()
        .map(|(_, c)| *c)
        .collect();
    let c = char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?;
    out.push((c, start, end_of(chars, i + 1 + width)));
    Some(i + 2 + width)
}

/// Literal (`|`) and folded (`>`) block scalars. `raw` starts at the first content line.
fn block(raw: &str, indent: usize, folded: bool) -> Produced {
    let mut lines: Vec<(Produced, Option<u32>)> = Vec::new();
    let mut off = 0usize;
    for line in raw.split_inclusive('\n') {
        let nl = line.ends_with('\n').then(|| (off + line.len() - 1) as u32);
        let body = line.trim_end_matches('\n').trim_end_matches('\r');
        let mut produced = Vec::new();
        let mut skipped = 0;
        let mut leading = true;
        for (i, c) in body.char_indices() {
            if leading && skipped < indent && c == ' ' {
                skipped += 1;
                continue;
            }
            leading = false;
            let a = (off + i) as u32;
            produced.push((c, a, a + c.len_utf8() as u32));
        }
        lines.push((produced, nl));
        off += line.len();
    }
    let mut out: Produced = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let (content, nl) = &lines[i];
        out.extend(content.iter().copied());
        let nl = nl.unwrap_or(off as u32);
        let newline = ('\n', nl, nl + 1);
        if !folded {
            out.push(newline);
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < lines.len() && lines[j].0.is_empty() {
            j += 1;
        }
        let empties = j - i - 1;
        if j >= lines.len() {
            out.push(newline);
            for _ in 0..empties {
                out.push(newline);
            }
            break;
        }
        let more = |p: &Produced| p.first().is_some_and(|(c, _, _)| *c == ' ' || *c == '\t');
        if content.is_empty() || more(content) || more(&lines[j].0) {
            out.push(newline);
            for _ in 0..empties {
                out.push(newline);
            }
        } else if empties == 0 {
            out.push((' ', nl, nl + 1));
        } else {
            for _ in 0..empties {
                out.push(newline);
            }
        }
        i = j;
    }
    out
}

/// Checks the rebuild against the real value and expands it to one range per byte.
fn match_decoded(chars: &Produced, decoded: &str, style: ScalarStyle) -> Option<Vec<(u32, u32)>> {
    let rebuilt: String = chars.iter().map(|(c, _, _)| *c).collect();
    let ok = if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) {
        rebuilt.trim_end_matches('\n') == decoded.trim_end_matches('\n')
    } else {
        rebuilt == decoded
    };
    if !ok {
        return None;
    }
    let mut ranges = Vec::with_capacity(decoded.len());
    for (c, a, b) in chars {
        for _ in 0..c.len_utf8() {
            ranges.push((*a, *b));
        }
    }
    if ranges.len() < decoded.len() {
        let last = ranges.last().copied().unwrap_or((0, 0));
        ranges.resize(decoded.len(), (last.1, last.1));
    }
    ranges.truncate(decoded.len().max(1));
    Some(ranges)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Diagnostics;
    use crate::source::{SourceMap, yaml::parse_file};

    /// Parses `text` (a one-key mapping) and returns the text that the locator maps
    /// `needle`'s position in the decoded value to.
    fn located(text: &str, needle: &str) -> (String, bool) {
        let mut map = SourceMap::new();
        let id = map.add("t.yaml", text.to_string());
        let mut d = Diagnostics::new();
        let docs = parse_file(id, map.get(id), &mut d);
        assert!(d.is_empty(), "{d:?}");
        let root = docs[0].root.as_ref().expect("document");
        let value = &root.as_map().expect("map")[0].value;
        let decoded = &value.as_scalar().expect("scalar").value;
        let at = decoded.find(needle).expect("needle in decoded value");
        let loc = ValueLocator::new(map.get(id), value);
        let span = loc.span(at, at + needle.len());
        (map.get(id).slice(span).to_string(), loc.is_exact())
    }

    #[test]
    fn plain_and_double_quoted_values_map_exactly() {
        assert_eq!(located("k: abc def\n", "def"), ("def".into(), true));
        assert_eq!(located("k: \"a\\tb c\"\n", "c"), ("c".into(), true));
        // an escape maps to the whole escape sequence
        assert_eq!(located("k: \"a\\tb\"\n", "\t"), ("\\t".into(), true));
        assert_eq!(located("k: \"\\u00e9x\"\n", "x"), ("x".into(), true));
    }

    /// Seed 003 writes `kubernetes.io/elb.autocreate` as a single-quoted JSON object spread
    /// over several lines; positions inside it must still be exact.
    #[test]
    fn multi_line_single_quoted_json_maps_exactly() {
        let text = "k: '\n  {\n  \"type\": \"public\",\n  \"bandwidth_size\": 5x\n  }'\n";
        let (s, exact) = located(text, "5x");
        assert!(exact);
        assert_eq!(s, "5x");
        assert_eq!(located("k: 'it''s'\n", "s"), ("s".into(), true));
    }

    /// Seed 004 writes `listen-ports` and `conditions.<svc>` as `|` block scalars.
    #[test]
    fn literal_and_folded_blocks_map_exactly() {
        let text = "k: |\n  [{\"HTTP\": 8001},\n   {\"http\": 80}]\n";
        assert_eq!(located(text, "\"http\""), ("\"http\"".into(), true));
        let folded = "k: >\n  one\n  two\n";
        assert_eq!(located(folded, "two"), ("two".into(), true));
    }

    #[test]
    fn out_of_range_requests_are_clamped_not_panicking() {
        let mut map = SourceMap::new();
        let id = map.add("t.yaml", "k: ab\n".to_string());
        let mut d = Diagnostics::new();
        let docs = parse_file(id, map.get(id), &mut d);
        let value = &docs[0].root.as_ref().unwrap().as_map().unwrap()[0].value;
        let loc = ValueLocator::new(map.get(id), value);
        let s = loc.span(1, 99);
        assert_eq!(map.get(id).slice(s), "b");
        let e = loc.span(2, 2);
        assert!(e.is_empty());
    }
}
