//! YAML text → spanned [`Node`] trees, one per document, with every syntax problem reported
//! as a diagnostic instead of a panic.
//!
//! Built on the event parser that serde-saphyr itself uses (`granit_parser`), because a
//! validator needs what a serde deserializer hides: the span of every key and value, the
//! scalar style (Kubernetes types plain `on` as a boolean), all duplicate keys rather than
//! the first, and recovery at the next `---` so one broken document does not hide the rest.
//! Hostile input is bounded: nesting by the parser's limits, aliases by a node budget.

use std::collections::HashMap;

use serde_saphyr::granit_parser::{ErrorKind, Event, Options, Parser, ScanError};

use super::node::{Entry, Node, NodeKind, Scalar, ScalarStyle};
use super::{FileId, SourceFile, Span};
use crate::diag::{Diagnostic, Diagnostics};

/// At most this many nodes may be produced by alias expansion in one file.
pub const ALIAS_BUDGET: usize = 1_000_000;

/// One YAML document of a file.
#[derive(Debug, Clone)]
pub struct Document {
    pub file: FileId,
    /// 0-based position of the document in its file.
    pub index: usize,
    /// `None` for an empty document (`---` followed by nothing).
    pub root: Option<Node>,
}

enum Frame {
    Seq {
        start: usize,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        start: usize,
        anchor: usize,
        entries: Vec<Entry>,
        key: Option<Node>,
        seen: SeenKeys,
    },
}

/// The keys a mapping has defined so far, for LBP1005. A mapping usually has 2–10 keys, so
/// its entries are scanned without allocating; past [`SeenKeys::SCAN_LIMIT`] an index is
/// built, so that a hostile mapping with a million keys does not take quadratic time.
#[derive(Default)]
struct SeenKeys {
    index: Option<HashMap<String, Span>>,
}

impl SeenKeys {
    const SCAN_LIMIT: usize = 16;

    /// The span of the first definition of `key` among `entries`; when there is none,
    /// `key` is recorded as defined `at`.
    fn first_definition(&mut self, entries: &[Entry], key: &str, at: Span) -> Option<Span> {
        if self.index.is_none() && entries.len() >= Self::SCAN_LIMIT {
            let mut index = HashMap::with_capacity(entries.len() * 2);
            for e in entries {
                if let Some(k) = duplicate_checked_key(&e.key) {
                    index.entry(k.to_string()).or_insert(e.key.span);
                }
            }
            self.index = Some(index);
        }
        match &mut self.index {
            Some(index) => match index.get(key) {
                Some(first) => Some(*first),
                None => {
                    index.insert(key.to_string(), at);
                    None
                }
            },
            None => entries
                .iter()
                .find(|e| duplicate_checked_key(&e.key) == Some(key))
                .map(|e| e.key.span),
        }
    }
}

/// The text of a key that must be unique in its mapping: every scalar key but the merge
/// key `<<` (plain), which may repeat.
fn duplicate_checked_key(key: &Node) -> Option<&str> {
    key.as_scalar()
        .filter(|k| k.value != "<<" || k.style.is_quoted())
        .map(|k| k.value.as_str())
}

struct Builder<'a> {
    file: FileId,
    text: &'a str,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    root: Option<Node>,
    expanded: usize,
}

/// Why building a document stopped early.
enum Abort {
    Diagnostic(Box<Diagnostic>),
}

impl<'a> Builder<'a> {
    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end.max(start))
    }

    /// Adds a finished node to the enclosing collection (or makes it the root).
    fn attach(&mut self, node: Node, anchor: usize, diags: &mut Diagnostics) {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries, key, seen, ..
            }) => match key.take() {
                None => *key = Some(node),
                Some(k) => {
                    if let Some(name) = duplicate_checked_key(&k)
                        && let Some(first) = seen.first_definition(entries, name, k.span)
                    {
                        diags.push(duplicate_key(name, k.span, first));
                    }
                    entries.push(Entry {
                        key: k,
                        value: node,
                    });
                }
            },
        }
    }

    fn event(
        &mut self,
        ev: Event<'_>,
        start: usize,
        end: usize,
        diags: &mut Diagnostics,
    ) -> Result<(), Abort> {
        match ev {
            Event::Scalar(value, style, anchor, tag) => {
                let node = Node {
                    span: self.span(start, end),
                    kind: NodeKind::Scalar(Scalar {
                        value: value.into_owned(),
                        style: convert_style(style),
                        tag: tag.and_then(|t| t.core_suffix().map(Box::from)),
                    }),
                };
                self.attach(node, anchor, diags);
            }
            Event::SequenceStart(_, anchor, _) => self.stack.push(Frame::Seq {
                start,
                anchor,
                items: Vec::new(),
            }),
            Event::MappingStart(_, anchor, _) => self.stack.push(Frame::Map {
                start,
                anchor,
                entries: Vec::new(),
                key: None,
                seen: SeenKeys::default(),
            }),
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Ok(());
                };
                let (node, anchor) = match frame {
                    Frame::Seq {
                        start: s,
                        anchor,
                        items,
                    } => {
                        let e = items.last().map_or(end, |n| n.span.end as usize).max(end);
                        (
                            Node {
                                span: self.span(s, e),
                                kind: NodeKind::Seq(items),
                            },
                            anchor,
                        )
                    }
                    Frame::Map {
                        start: s,
                        anchor,
                        entries,
                        ..
                    } => {
                        let e = entries
                            .last()
                            .map_or(end, |en| en.value.span.end as usize)
                            .max(end);
                        let entries = apply_merge_keys(entries);
                        (
                            Node {
                                span: self.span(s, e),
                                kind: NodeKind::Map(entries),
                            },
                            anchor,
                        )
                    }
                };
                let node = trim_block_end(node, self.text);
                self.attach(node, anchor, diags);
            }
            Event::Alias(id) => {
                let Some(target) = self.anchors.get(&id).cloned() else {
                    return Ok(());
                };
                self.expanded += target.size();
                if self.expanded > ALIAS_BUDGET {
                    return Err(Abort::Diagnostic(Box::new(
                        Diagnostic::error(
                            "LBP1006",
                            format!("alias expansion exceeds {ALIAS_BUDGET} nodes"),
                        )
                        .with_primary(self.span(start, end), "this alias pushes the expansion over the limit")
                        .with_help("this looks like a \"billion laughs\" document; write the content out instead of nesting aliases"),
                    )));
                }
                self.attach(target, 0, diags);
            }
            _ => {}
        }
        Ok(())
    }
}

fn duplicate_key(key: &str, at: Span, first: Span) -> Diagnostic {
    Diagnostic::error("LBP1005", format!("duplicate key `{key}`"))
        .with_primary(at, "this key is already defined")
        .with_secondary(first, "first defined here")
        .with_help("remove one of the two entries; readers disagree on which one wins")
}

/// Block collections end where the next token starts (often after trailing newlines and
/// comments); end the span at the last non-blank byte of the content instead.
fn trim_block_end(mut node: Node, src: &str) -> Node {
    let s = node.span.start as usize;
    let e = node.span.end as usize;
    if let Some(text) = src.get(s..e) {
        let trimmed = text.trim_end().len();
        node.span.end = (s + trimmed.max(1).min(e - s)) as u32;
    }
    node
}

/// YAML merge keys (`<<: *base`), which Kubernetes' YAML reader honours: entries of the
/// merged mapping(s) are added unless the mapping defines the key itself.
fn apply_merge_keys(entries: Vec<Entry>) -> Vec<Entry> {
    let is_merge = |e: &Entry| {
        e.key
            .as_scalar()
            .is_some_and(|k| k.value == "<<" && !k.style.is_quoted())
    };
    if !entries.iter().any(is_merge) {
        return entries;
    }
    let (merges, mut own): (Vec<Entry>, Vec<Entry>) = entries.into_iter().partition(is_merge);
    for m in merges {
        let sources: Vec<Node> = match m.value.kind {
            NodeKind::Map(_) => vec![m.value],
            NodeKind::Seq(items) => items,
            NodeKind::Scalar(_) => vec![],
        };
        for src in sources {
            if let NodeKind::Map(es) = src.kind {
                for e in es {
                    let k = e.key.as_scalar().map(|s| s.value.clone());
                    if !own
                        .iter()
                        .any(|o| o.key.as_scalar().map(|s| &s.value) == k.as_ref())
                    {
                        own.push(e);
                    }
                }
            }
        }
    }
    own
}

fn convert_style(s: serde_saphyr::granit_parser::ScalarStyle) -> ScalarStyle {
    use serde_saphyr::granit_parser::ScalarStyle as G;
    match s {
        G::SingleQuoted => ScalarStyle::SingleQuoted,
        G::DoubleQuoted => ScalarStyle::DoubleQuoted,
        G::Literal => ScalarStyle::Literal,
        G::Folded => ScalarStyle::Folded,
        _ => ScalarStyle::Plain,
    }
}

fn byte_of(m: &serde_saphyr::granit_parser::Marker, src: &str) -> usize {
    m.byte_offset().unwrap_or_else(|| {
        src.char_indices()
            .nth(m.index())
            .map_or(src.len(), |(b, _)| b)
    })
}

fn syntax_diagnostic(err: &ScanError, file: FileId, src: &str) -> Diagnostic {
    let at = byte_of(err.marker(), src).min(src.len());
    let end = src[at..].chars().next().map_or(at, |c| at + c.len_utf8());
    let span = Span::new(file, at, end);
    match err.kind() {
        ErrorKind::RecursionLimitExceeded => {
            Diagnostic::error("LBP1007", "YAML nesting is too deep")
                .with_primary(span, "nesting limit exceeded here")
                .with_help(
                    "no Kubernetes object nests this deeply; check that this file is a manifest",
                )
        }
        kind => {
            let text = kind.to_string();
            let message = if text.is_empty() { err.info() } else { text };
            let d = Diagnostic::error("LBP1004", format!("YAML syntax error: {message}"))
                .with_primary(span, "the parser stopped here");
            // The parser often trips a line or more after a bracket that was never closed;
            // point at the bracket, which is what the user has to fix.
            match unclosed_bracket(src, at) {
                Some((open, c)) if !matches!(kind, ErrorKind::UnclosedFlowCollection { .. }) => d
                    .with_secondary(Span::new(file, open, open + 1), format!("this `{c}` is never closed"))
                    .with_help(format!(
                        "close the `{c}` with `{}`; a JSON annotation value must be quoted ('{{...}}') or written as a `|` block",
                        if c == '[' { ']' } else { '}' }
                    )),
                _ => d.with_help(syntax_help(kind)),
            }
        }
    }
}

/// The last `[` or `{` before `upto` (in the current document) that has no matching
/// closer, skipping quoted strings inside flow collections and comments.
fn unclosed_bracket(text: &str, upto: usize) -> Option<(usize, char)> {
    let upto = upto.min(text.len());
    let head = text.get(..upto)?;
    let doc_start = head.rfind("\n---").map_or(0, |i| i + 1);
    let mut stack: Vec<(usize, char)> = Vec::new();
    let mut quote: Option<char> = None;
    let mut prev = '\n';
    let mut chars = head[doc_start..]
        .char_indices()
        .map(|(i, c)| (i + doc_start, c));
    while let Some((i, c)) = chars.next() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '#' if prev.is_whitespace() => {
                    for (_, n) in chars.by_ref() {
                        if n == '\n' {
                            break;
                        }
                    }
                    prev = '\n';
                    continue;
                }
                '"' | '\'' if !stack.is_empty() && matches!(prev, '[' | '{' | ',' | ' ' | ':') => {
                    quote = Some(c)
                }
                '[' | '{' => stack.push((i, c)),
                ']' | '}' => {
                    stack.pop();
                }
                _ => {}
            },
        }
        prev = c;
    }
    stack.pop()
}

fn syntax_help(kind: &ErrorKind) -> &'static str {
    match kind {
        ErrorKind::UnclosedFlowCollection { .. }
        | ErrorKind::UnexpectedEofFlowMapping
        | ErrorKind::UnexpectedEofFlowSequence => {
            "close the bracket; a JSON annotation value must be quoted ('{...}') or written as a `|` block"
        }
        _ => "fix the YAML at this position; the documents after the next `---` are still checked",
    }
}

/// Parses every document of a file. Syntax errors become diagnostics; parsing resumes at
/// the next document boundary.
pub fn parse_file(file: FileId, src: &SourceFile, diags: &mut Diagnostics) -> Vec<Document> {
    let mut docs = Vec::new();
    parse_documents(file, src, diags, |doc, _| docs.push(doc));
    docs
}

/// [`parse_file`] handing each document to `each` as soon as it is complete, so that a
/// caller can decode it and drop its tree: the trees of a large fleet are far bigger than
/// the objects decoded from them, and must never be alive all at once.
pub fn parse_documents(
    file: FileId,
    src: &SourceFile,
    diags: &mut Diagnostics,
    mut each: impl FnMut(Document, &mut Diagnostics),
) {
    let mut options = Options::default();
    options.block_nesting_limit = 256;
    options.flow_nesting_limit = 512;
    // Files are parsed as they are added, while their text is held.
    let src = src.text().unwrap_or_default();
    let mut parser = Parser::new_from_str_with_options(src, options);
    let mut index = 0;
    let mut builder = Builder {
        file,
        text: src,
        stack: Vec::new(),
        anchors: HashMap::new(),
        root: None,
        expanded: 0,
    };
    let mut in_doc = false;
    while let Some(next) = parser.next_event() {
        match next {
            Ok((Event::DocumentStart(..), _)) => {
                in_doc = true;
                builder.stack.clear();
                builder.root = None;
                builder.anchors.clear();
            }
            Ok((Event::DocumentEnd, _)) => {
                if in_doc {
                    let doc = Document {
                        file,
                        index,
                        root: builder.root.take(),
                    };
                    index += 1;
                    each(doc, diags);
                }
                in_doc = false;
            }
            Ok((Event::StreamEnd, _)) => break,
            Ok((ev, sp)) => {
                let (s, e) = (byte_of(&sp.start, src), byte_of(&sp.end, src));
                if let Err(Abort::Diagnostic(d)) = builder.event(ev, s, e, diags) {
                    diags.push(*d);
                    in_doc = false;
                    if !parser.proceed_next_document().unwrap_or(false) {
                        break;
                    }
                }
            }
            Err(err) => {
                diags.push(syntax_diagnostic(&err, file, src));
                in_doc = false;
                match parser.proceed_next_document() {
                    Ok(true) => {}
                    _ => break,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceMap;

    fn parse(text: &str) -> (SourceMap, Vec<Document>, Diagnostics) {
        let mut map = SourceMap::new();
        let id = map.add("t.yaml", text.to_string());
        let mut d = Diagnostics::new();
        let docs = parse_file(id, map.get(id), &mut d);
        (map, docs, d)
    }

    #[test]
    fn spans_point_at_values() {
        let (map, docs, d) = parse("a: é\nb:\n  c: \"x\"\n");
        assert!(d.is_empty());
        let root = docs[0].root.as_ref().unwrap();
        let b = root.get("b").unwrap().get("c").unwrap();
        assert_eq!(map.get(b.span.file).slice(b.span), "\"x\"");
        assert_eq!(map.location(b.span), ("t.yaml", 3, 6));
    }

    #[test]
    fn duplicate_keys_name_both_places() {
        let (_, _, d) = parse("a: 1\nb: 2\na: 3\n");
        let v: Vec<_> = d.iter().collect();
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].code, "LBP1005");
        assert_eq!(v[0].labels.len(), 2);
    }

    #[test]
    fn duplicate_keys_are_found_in_large_mappings_too() {
        let mut text: String = (0..40).map(|i| format!("k{i}: {i}\n")).collect();
        text.push_str("k3: again\nk39: again\n\"<<\": 1\n<<: {}\n<<: {}\n\"<<\": 2\n");
        let (map, _, d) = parse(&text);
        let found: Vec<(&str, String)> = d
            .iter()
            .map(|x| {
                let first = x.labels.iter().find(|l| !l.primary).expect("first");
                (
                    x.message.as_str(),
                    map.get(first.span.file).slice(first.span).into_owned(),
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                ("duplicate key `k3`", "k3".to_string()),
                ("duplicate key `k39`", "k39".to_string()),
                ("duplicate key `<<`", "\"<<\"".to_string()),
            ]
        );
    }

    #[test]
    fn a_broken_document_does_not_hide_the_next() {
        let (_, docs, d) = parse("a: [1, 2\n---\nb: 3\n");
        assert_eq!(d.iter().filter(|x| x.code == "LBP1004").count(), 1);
        assert!(
            docs.iter()
                .any(|doc| doc.root.as_ref().and_then(|r| r.get("b")).is_some())
        );
    }

    #[test]
    fn an_unclosed_bracket_is_pointed_at_even_when_the_parser_stops_later() {
        // examples/broken-yaml/unclosed-bracket.yaml: the parser stops at the next `:`.
        let (_, _, d) =
            parse("spec:\n  ranges: [10.0.0.0/8, 192.168.0.0/16\n  selector:\n    app: x\n");
        let e = d
            .iter()
            .find(|x| x.code == "LBP1004")
            .expect("syntax error");
        let bracket = e
            .labels
            .iter()
            .find(|l| !l.primary)
            .expect("secondary label");
        assert_eq!(bracket.span.start, 16);
        assert!(bracket.message.contains("never closed"));
        assert_eq!(unclosed_bracket("a: {'x]': [1]\nb", 14), Some((3, '{')));
        assert_eq!(unclosed_bracket("a: {'x]': [1]}\nb", 15), None);
        assert_eq!(unclosed_bracket("a: [1] # [\nb", 12), None);
    }

    #[test]
    fn billion_laughs_is_refused() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut prev = 'a';
        for c in 'b'..='k' {
            text.push_str(&format!("{c}: &{c} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
            prev = c;
        }
        let (_, _, d) = parse(&text);
        assert!(d.iter().any(|x| x.code == "LBP1006"));
    }

    #[test]
    fn deep_nesting_is_refused_without_overflow() {
        let text = "[".repeat(10_000) + &"]".repeat(10_000);
        let (_, _, d) = parse(&text);
        assert!(d.iter().any(|x| x.code == "LBP1007"), "{d:?}");
        let block: String = (0..2_000)
            .map(|i| format!("{}k:\n", " ".repeat(i)))
            .collect();
        let (_, _, d) = parse(&block);
        assert!(d.has_errors());
    }

    #[test]
    fn merge_keys_are_applied() {
        let (_, docs, d) = parse("base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n");
        assert!(d.is_empty());
        let m = docs[0].root.as_ref().unwrap().get("m").unwrap();
        assert_eq!(m.get("x").unwrap().as_scalar().unwrap().value, "1");
        assert_eq!(m.get("y").unwrap().as_scalar().unwrap().value, "3");
    }
}
