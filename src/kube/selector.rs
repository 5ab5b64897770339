//! Kubernetes label selectors: the data model shared by the string parser
//! (`service.openyurt.io/nodepool-labelselector`, `kubectl -l`), the structured form
//! (`matchLabels` / `matchExpressions`) and the matcher.

use crate::manifest::decode::{Spanned, Text};
use crate::source::Span;

/// A requirement's operator, covering both the string syntax and `matchExpressions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operator {
    /// `k in (a,b)` / `operator: In`
    In,
    /// `k notin (a,b)` / `operator: NotIn`
    NotIn,
    /// `k` / `operator: Exists`
    Exists,
    /// `!k` / `operator: DoesNotExist`
    DoesNotExist,
    /// `k=v`, `k==v`, `matchLabels`
    Equals,
    /// `k!=v`
    NotEquals,
    /// `k>5` (string syntax only; value must be an integer)
    GreaterThan,
    /// `k<5`
    LessThan,
}

/// One requirement; all requirements of a selector must hold (AND).
#[derive(Debug, Clone, PartialEq)]
pub struct Requirement {
    pub key: Spanned<Text>,
    pub op: Operator,
    pub values: Values,
    /// The whole requirement's text.
    pub span: Span,
}

/// A requirement's values, read as a slice. The usual single value (every `matchLabels`
/// entry, every `k=v`) is kept inline: as a one-item list it took an allocation of its own
/// per requirement, and a workload's selector lives for the whole run.
#[derive(Clone)]
pub struct Values(ValuesRepr);

#[derive(Clone)]
enum ValuesRepr {
    One(Spanned<Text>),
    List(Box<[Spanned<Text>]>),
}

impl Values {
    pub fn one(value: Spanned<Text>) -> Self {
        Values(ValuesRepr::One(value))
    }

    pub fn as_slice(&self) -> &[Spanned<Text>] {
        match &self.0 {
            ValuesRepr::One(v) => std::slice::from_ref(v),
            ValuesRepr::List(l) => l,
        }
    }
}

impl Default for Values {
    fn default() -> Self {
        Values(ValuesRepr::List(Box::default()))
    }
}

impl std::ops::Deref for Values {
    type Target = [Spanned<Text>];
    fn deref(&self) -> &Self::Target {
        self.as_slice()
    }
}

impl From<Vec<Spanned<Text>>> for Values {
    fn from(mut values: Vec<Spanned<Text>>) -> Self {
        match values.pop() {
            Some(v) if values.is_empty() => Values::one(v),
            Some(v) => {
                values.push(v);
                Values(ValuesRepr::List(values.into_boxed_slice()))
            }
            None => Values::default(),
        }
    }
}

impl FromIterator<Spanned<Text>> for Values {
    fn from_iter<I: IntoIterator<Item = Spanned<Text>>>(iter: I) -> Self {
        Values::from(iter.into_iter().collect::<Vec<_>>())
    }
}

/// Equal when the values are, however they are stored.
impl PartialEq for Values {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

/// Prints as the list it replaces did.
impl std::fmt::Debug for Values {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_slice().fmt(f)
    }
}

/// A parsed selector. No requirements selects everything (Kubernetes' empty selector).
/// The requirements are a boxed slice (16 bytes, not a `Vec`'s 24): a selector never grows
/// once decoded or parsed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LabelSelector {
    pub requirements: Box<[Requirement]>,
    pub span: Span,
}

/// Decodes the structured form (`matchLabels` + `matchExpressions`) used by workloads,
/// NodePools and IngressClass parameters. Operators are checked exactly as the API server
/// does: `In`/`NotIn` need values, `Exists`/`DoesNotExist` must have none.
pub fn decode_label_selector(
    ctx: &mut crate::manifest::decode::Ctx,
    node: &crate::source::Node,
    path: &str,
) -> Option<LabelSelector> {
    use crate::diag::Diagnostic;
    use crate::manifest::decode::Fields;

    let mut f = Fields::new(ctx, node, path)?;
    let labels = f.string_map(ctx, "matchLabels");
    let expressions = f.list(ctx, "matchExpressions");
    // Exactly sized: a selector lives as long as its workload, and pushing onto an empty
    // vector reserves four requirements for the usual one.
    let mut requirements = Vec::with_capacity(labels.len() + expressions.len());
    for e in labels.into_entries() {
        requirements.push(Requirement {
            span: e.key.span.join(e.value.span),
            key: e.key,
            op: Operator::Equals,
            values: Values::one(e.value),
        });
    }
    for (ipath, item) in expressions {
        let Some(mut ef) = Fields::new(ctx, item, &ipath) else {
            continue;
        };
        let key = ef.string(ctx, "key");
        let op = ef.string(ctx, "operator");
        let values = ef.strings(ctx, "values");
        let values_span = ef.key_span("values");
        ef.finish(ctx);
        let (Some(key), Some(op)) = (key, op) else {
            ctx.push(
                Diagnostic::error(
                    "LBP1104",
                    format!("`{ipath}` needs both `key` and `operator`"),
                )
                .with_primary(item.span, "incomplete match expression")
                .with_help("write e.g. `{key: app, operator: In, values: [web]}`"),
            );
            continue;
        };
        let operator = match op.value.as_str() {
            "In" => Operator::In,
            "NotIn" => Operator::NotIn,
            "Exists" => Operator::Exists,
            "DoesNotExist" => Operator::DoesNotExist,
            other => {
                let hint =
                    crate::annotations::suggest(other, ["In", "NotIn", "Exists", "DoesNotExist"]);
                ctx.push(
                    Diagnostic::error(
                        "LBP1105",
                        format!("`{other}` is not a valid selector operator"),
                    )
                    .with_primary(op.span, "unsupported value")
                    .with_help(match hint {
                        Some(h) => format!(
                            "did you mean `{h}`? supported: In, NotIn, Exists, DoesNotExist"
                        ),
                        None => "supported values: In, NotIn, Exists, DoesNotExist".to_string(),
                    }),
                );
                continue;
            }
        };
        let needs_values = matches!(operator, Operator::In | Operator::NotIn);
        if needs_values && values.is_empty() {
            ctx.push(
                Diagnostic::error(
                    "LBP1104",
                    format!("operator `{}` needs at least one value", op.value),
                )
                .with_primary(op.span, "no `values` given")
                .with_help("add `values: [...]`, or use `Exists` to match any value"),
            );
            continue;
        }
        if !needs_values && !values.is_empty() {
            let span = values_span.unwrap_or(op.span);
            ctx.push(
                Diagnostic::error(
                    "LBP1104",
                    format!("operator `{}` must not have values", op.value),
                )
                .with_primary(span, "values are not allowed here")
                .with_help("remove `values`, or use `In` to match specific values"),
            );
            continue;
        }
        requirements.push(Requirement {
            span: item.span,
            key,
            op: operator,
            values: Values::from(values),
        });
    }
    f.finish(ctx);
    Some(LabelSelector {
        requirements: requirements.into_boxed_slice(),
        span: node.span,
    })
}

// ---------------------------------------------------------------------------------------
// The string form: `labels.Parse` of k8s.io/apimachinery.
// ---------------------------------------------------------------------------------------

use std::ops::Range;

use nom::IResult;
use nom::error::{ErrorKind, ParseError};

use crate::annotations::grammar::ValueError;
use crate::kube::validation;
use crate::source::offsets::ValueLocator;

/// A piece of the selector text with its byte range in that text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub text: String,
    pub range: Range<usize>,
}

/// One requirement of a selector string, positioned by byte offsets into the string, so
/// callers can map positions to file spans themselves (or use [`parse_selector_spanned`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedRequirement {
    pub key: Located,
    pub op: Operator,
    /// Deduplicated, in order of first appearance. `in ()` yields one empty value, as in
    /// Kubernetes.
    pub values: Vec<Located>,
    /// The whole requirement (from `!` or the key to the last value or `)`).
    pub range: Range<usize>,
    /// Written as `in ()` / `notin ()`: valid, but it only concerns the empty value, which
    /// is rarely what was meant (callers may warn).
    pub empty_set: bool,
}

/// Parses a label selector string exactly as Kubernetes' `labels.Parse` accepts it
/// (`kubectl -l`, `service.openyurt.io/nodepool-labelselector`): comma-separated (ANDed)
/// requirements `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`, `k>N`,
/// `k<N`; blanks between tokens; the empty string selects everything.
///
/// Unlike Kubernetes, which stops at the first problem, every problem found is returned
/// (after a syntax error the parser resumes at the next top-level `,`), each positioned at
/// the offending token or character.
pub fn parse_selector(text: &str) -> Result<Vec<ParsedRequirement>, Vec<ValueError>> {
    let mut parser = SelectorParser {
        full: text,
        requirements: Vec::new(),
        errors: Vec::new(),
    };
    parser.run();
    if parser.errors.is_empty() {
        Ok(parser.requirements)
    } else {
        Err(parser.errors)
    }
}

/// [`parse_selector`], with positions mapped to file spans through the value's locator,
/// giving the same [`LabelSelector`] the structured form decodes to.
pub fn parse_selector_spanned(
    text: &str,
    locator: &ValueLocator,
) -> Result<LabelSelector, Vec<ValueError>> {
    selector_with_spans(text, |range| locator.span(range.start, range.end))
}

/// [`parse_selector`], with every part of the selector positioned at `span`, the whole
/// selector's: for callers that only ever point at the selector as a whole, which then do
/// not pay for locating each part in the file (the topology of a fleet parses ten thousand
/// selectors).
pub fn parse_selector_at(text: &str, span: Span) -> Result<LabelSelector, Vec<ValueError>> {
    selector_with_spans(text, |_| span)
}

/// The [`LabelSelector`] of `text`, each byte range of it positioned by `span_of`.
fn selector_with_spans(
    text: &str,
    span_of: impl Fn(Range<usize>) -> Span,
) -> Result<LabelSelector, Vec<ValueError>> {
    let located = |l: &Located| Spanned::new(Text::from(l.text.as_str()), span_of(l.range.clone()));
    let requirements = parse_selector(text)?
        .iter()
        .map(|r| Requirement {
            key: located(&r.key),
            op: r.op,
            values: r.values.iter().map(located).collect(),
            span: span_of(r.range.clone()),
        })
        .collect();
    Ok(LabelSelector {
        requirements,
        span: span_of(0..text.len()),
    })
}

/// Token kinds of the selector lexer. `in` and `notin` are identifiers whose meaning
/// depends on where they stand (`in in (in)` is a valid selector).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Ident,
    Not,
    NotEquals,
    DoubleEquals,
    Equals,
    Greater,
    Less,
    Open,
    Close,
    Comma,
    End,
}

/// A token: its kind and its text, a slice of the selector (so its offset is known).
#[derive(Debug, Clone, Copy)]
struct Tok<'a> {
    kind: Kind,
    text: &'a str,
}

/// The parser's failure: the token where it stopped and what it expected there.
#[derive(Debug)]
struct Expected<'a> {
    at: &'a str,
    what: &'static str,
}

impl<'a> ParseError<&'a str> for Expected<'a> {
    fn from_error_kind(input: &'a str, _: ErrorKind) -> Self {
        Expected {
            at: input,
            what: "a token",
        }
    }
    fn append(_: &'a str, _: ErrorKind, other: Self) -> Self {
        other
    }
}

type PResult<'a, T> = IResult<&'a str, T, Expected<'a>>;

/// Kubernetes' selector whitespace.
fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// Characters that always form tokens of their own.
fn is_symbol(c: char) -> bool {
    matches!(c, '=' | '!' | '(' | ')' | ',' | '>' | '<')
}

/// The next token (longest match for `!=` and `==`), after blanks. At the end of the text
/// it returns an `End` token with empty text. It never fails: after blanks, text starts
/// with a symbol or with an identifier. Written by hand rather than as an `alt` of tags:
/// every Service's selector is lexed, and trying nine tags in turn per token cost ten
/// times as much.
fn lexeme(i: &str) -> PResult<'_, Tok<'_>> {
    let i = i.trim_start_matches(is_blank);
    let bytes = i.as_bytes();
    let Some(&first) = bytes.first() else {
        return Ok((
            i,
            Tok {
                kind: Kind::End,
                text: i,
            },
        ));
    };
    let doubled = bytes.get(1) == Some(&b'=');
    let (kind, len) = match first {
        b'!' if doubled => (Kind::NotEquals, 2),
        b'=' if doubled => (Kind::DoubleEquals, 2),
        b'=' => (Kind::Equals, 1),
        b'!' => (Kind::Not, 1),
        b'(' => (Kind::Open, 1),
        b')' => (Kind::Close, 1),
        b',' => (Kind::Comma, 1),
        b'>' => (Kind::Greater, 1),
        b'<' => (Kind::Less, 1),
        _ => (
            Kind::Ident,
            i.find(|c| is_blank(c) || is_symbol(c)).unwrap_or(i.len()),
        ),
    };
    let (text, rest) = i.split_at(len);
    Ok((rest, Tok { kind, text }))
}

/// The next token without consuming it.
fn peek(i: &str) -> Tok<'_> {
    match lexeme(i) {
        Ok((_, t)) => t,
        Err(_) => Tok {
            kind: Kind::End,
            text: &i[i.len()..],
        },
    }
}

fn fail<'a, T>(at: Tok<'a>, what: &'static str) -> PResult<'a, T> {
    Err(nom::Err::Failure(Expected { at: at.text, what }))
}

/// What the parser expects where, in the words of Kubernetes' own messages.
mod expect {
    pub const START: &str = "!, identifier, or 'end of string'";
    pub const IDENT: &str = "identifier";
    pub const AFTER_COMMA: &str = "identifier after ','";
    pub const AFTER_REQ: &str = "',' or 'end of string'";
    pub const OPERATOR: &str = "one of 'in', 'notin', '=', '==', '!=', '>', '<'";
    pub const OPEN: &str = "'('";
    pub const SET_START: &str = "',', ')' or identifier";
    pub const SET_NEXT: &str = "',' or ')'";
    pub const SET_ITEM: &str = "',' or identifier";
}

struct SelectorParser<'a> {
    full: &'a str,
    requirements: Vec<ParsedRequirement>,
    errors: Vec<ValueError>,
}

impl<'a> SelectorParser<'a> {
    /// Byte offset of a slice of the selector text.
    fn offset(&self, s: &str) -> usize {
        (s.as_ptr() as usize)
            .saturating_sub(self.full.as_ptr() as usize)
            .min(self.full.len())
    }

    fn locate(&self, s: &str) -> Located {
        let start = self.offset(s);
        Located {
            text: s.to_string(),
            range: start..start + s.len(),
        }
    }

    /// Requirements separated by commas, recovering after each syntax error.
    fn run(&mut self) {
        let mut rest = self.full;
        loop {
            let t = peek(rest);
            match t.kind {
                Kind::End => return,
                Kind::Ident | Kind::Not => {}
                _ => {
                    self.syntax_error(t, expect::START);
                    match self.resume_after_comma(rest, t.text) {
                        Some(r) => {
                            rest = r;
                            continue;
                        }
                        None => return,
                    }
                }
            }
            let after = match self.requirement(rest) {
                Ok((after, req)) => {
                    self.check_requirement(&req);
                    self.requirements.push(req);
                    after
                }
                Err(nom::Err::Failure(e) | nom::Err::Error(e)) => {
                    let at = self.token_at(e.at);
                    self.syntax_error(at, e.what);
                    match self.resume_after_comma(rest, e.at) {
                        Some(r) => {
                            rest = r;
                            continue;
                        }
                        None => return,
                    }
                }
                Err(nom::Err::Incomplete(_)) => return,
            };
            match self.separator(after) {
                Some(next) => rest = next,
                None => return,
            }
        }
    }

    /// After a requirement: the end, or a comma followed by another requirement. Returns
    /// where to continue, `None` at the end (or when nothing can be recovered).
    fn separator(&mut self, after: &'a str) -> Option<&'a str> {
        let Ok((rest, t)) = lexeme(after) else {
            return None;
        };
        match t.kind {
            Kind::End => None,
            Kind::Comma => {
                let next = peek(rest);
                match next.kind {
                    Kind::Ident | Kind::Not => Some(rest),
                    Kind::End => {
                        let comma = self.locate(t.text);
                        self.errors.push(
                            ValueError::new(
                                comma.range.start,
                                comma.range.end,
                                "found end of string, expected: identifier after ','",
                            )
                            .with_help("remove the trailing ','"),
                        );
                        None
                    }
                    _ => {
                        self.syntax_error(next, expect::AFTER_COMMA);
                        self.resume_after_comma(rest, next.text)
                    }
                }
            }
            _ => {
                self.syntax_error(t, expect::AFTER_REQ);
                self.resume_after_comma(after, t.text)
            }
        }
    }

    /// The token starting at (or after blanks from) a failure position.
    fn token_at(&self, at: &'a str) -> Tok<'a> {
        peek(at)
    }

    fn syntax_error(&mut self, t: Tok<'_>, what: &'static str) {
        let start = self.offset(t.text);
        let found = match t.kind {
            Kind::End => "end of string".to_string(),
            _ => format!("'{}'", t.text),
        };
        self.errors.push(
            ValueError::new(
                start,
                start + t.text.len(),
                format!("found {found}, expected: {what}"),
            )
            .with_help(syntax_help(what, t)),
        );
    }

    /// Skips to just after the next `,` that is outside parentheses, counting parentheses
    /// from `from` (the start of the failed requirement) and looking no earlier than `at`.
    fn resume_after_comma(&self, from: &'a str, at: &'a str) -> Option<&'a str> {
        let start = self.offset(from);
        let not_before = self.offset(at);
        let mut depth = 0usize;
        for (i, c) in self.full.get(start..)?.char_indices() {
            let pos = start + i;
            match c {
                '(' => depth += 1,
                ')' => depth = depth.saturating_sub(1),
                ',' if depth == 0 && pos >= not_before => return self.full.get(pos + 1..),
                _ => {}
            }
        }
        None
    }

    /// `!key` | `key` | `key op value` | `key (in|notin) (values)`.
    fn requirement(&self, i: &'a str) -> PResult<'a, ParsedRequirement> {
        let (i, first) = lexeme(i)?;
        let begin = self.offset(first.text);
        if first.kind == Kind::Not {
            let (i, key) = lexeme(i)?;
            if key.kind != Kind::Ident {
                return fail(key, expect::IDENT);
            }
            return Ok((i, self.bare(begin, key, Operator::DoesNotExist)));
        }
        let key = first;
        if matches!(peek(i).kind, Kind::End | Kind::Comma) {
            return Ok((i, self.bare(begin, key, Operator::Exists)));
        }
        let (i, op_tok) = lexeme(i)?;
        let op = match (op_tok.kind, op_tok.text) {
            (Kind::Equals | Kind::DoubleEquals, _) => Operator::Equals,
            (Kind::NotEquals, _) => Operator::NotEquals,
            (Kind::Greater, _) => Operator::GreaterThan,
            (Kind::Less, _) => Operator::LessThan,
            (Kind::Ident, "in") => Operator::In,
            (Kind::Ident, "notin") => Operator::NotIn,
            _ => return fail(op_tok, expect::OPERATOR),
        };
        let (i, values, empty_set, end) = if matches!(op, Operator::In | Operator::NotIn) {
            let (i, (values, empty_set, end)) = self.value_set(i)?;
            (i, values, empty_set, end)
        } else {
            let (i, value) = self.exact_value(i)?;
            let end = value
                .range
                .end
                .max(self.offset(op_tok.text) + op_tok.text.len());
            (i, vec![value], false, end)
        };
        Ok((
            i,
            ParsedRequirement {
                key: self.locate(key.text),
                op,
                values: dedup_values(values),
                range: begin..end,
                empty_set,
            },
        ))
    }

    fn bare(&self, begin: usize, key: Tok<'_>, op: Operator) -> ParsedRequirement {
        let key = self.locate(key.text);
        ParsedRequirement {
            range: begin..key.range.end,
            key,
            op,
            values: Vec::new(),
            empty_set: false,
        }
    }

    /// The single value after `=`, `==`, `!=`, `>`, `<`; missing means the empty value.
    fn exact_value(&self, i: &'a str) -> PResult<'a, Located> {
        let next = peek(i);
        match next.kind {
            Kind::End | Kind::Comma => Ok((i, self.locate(next.text.get(..0).unwrap_or("")))),
            Kind::Ident => {
                let (i, t) = lexeme(i)?;
                Ok((i, self.locate(t.text)))
            }
            _ => fail(next, expect::IDENT),
        }
    }

    /// `( [value] {, [value]} )`: values may be empty; `()` is the empty value alone.
    /// Returns the values, whether it was `()`, and the offset after `)`.
    fn value_set(&self, i: &'a str) -> PResult<'a, (Vec<Located>, bool, usize)> {
        let (i, open) = lexeme(i)?;
        if open.kind != Kind::Open {
            return fail(open, expect::OPEN);
        }
        let first = peek(i);
        match first.kind {
            Kind::Close => {
                let (i, close) = lexeme(i)?;
                let at = self.offset(close.text);
                let empty = Located {
                    text: String::new(),
                    range: at..at,
                };
                return Ok((i, (vec![empty], true, at + 1)));
            }
            Kind::Ident | Kind::Comma => {}
            _ => return fail(first, expect::SET_START),
        }
        let mut values = Vec::new();
        let mut after_value = false;
        let mut i = i;
        loop {
            let (rest, t) = lexeme(i)?;
            i = rest;
            match t.kind {
                Kind::Ident => {
                    values.push(self.locate(t.text));
                    after_value = true;
                    let next = peek(i);
                    match next.kind {
                        Kind::Comma => {}
                        Kind::Close => {
                            let (rest, close) = lexeme(i)?;
                            return Ok((rest, (values, false, self.offset(close.text) + 1)));
                        }
                        _ => return fail(next, expect::SET_NEXT),
                    }
                }
                Kind::Comma => {
                    let at = self.offset(t.text);
                    if !after_value {
                        values.push(Located {
                            text: String::new(),
                            range: at..at,
                        });
                    }
                    after_value = false;
                    if peek(i).kind == Kind::Close {
                        let (rest, close) = lexeme(i)?;
                        let end = self.offset(close.text);
                        values.push(Located {
                            text: String::new(),
                            range: end..end,
                        });
                        return Ok((rest, (values, false, end + 1)));
                    }
                }
                _ => return fail(t, expect::SET_ITEM),
            }
        }
    }

    /// The checks Kubernetes applies when building a requirement: key and value syntax,
    /// integer values for `>` and `<`.
    fn check_requirement(&mut self, req: &ParsedRequirement) {
        for e in validation::qualified_name(&req.key.text) {
            let at = e.at.clone().unwrap_or(0..req.key.text.len());
            self.errors.push(
                ValueError::new(
                    req.key.range.start + at.start,
                    req.key.range.start + at.end,
                    format!("invalid label key \"{}\": {}", req.key.text, e.message),
                )
                .with_help(KEY_HELP),
            );
        }
        if matches!(req.op, Operator::GreaterThan | Operator::LessThan) {
            for v in req.values.iter().filter(|v| v.text.parse::<i64>().is_err()) {
                self.errors.push(
                    ValueError::new(
                        v.range.start,
                        v.range.end,
                        format!(
                            "for '>' and '<' the value must be an integer, found \"{}\"",
                            v.text
                        ),
                    )
                    .with_help("`>` and `<` compare integer label values: write e.g. `tier>2`"),
                );
            }
        }
        for v in &req.values {
            for e in validation::label_value(&v.text) {
                let at = e.at.clone().unwrap_or(0..v.text.len());
                let help = if v.text.contains("||") || v.text.contains("&&") {
                    "a selector has no '||' or '&&': requirements separated by ',' must all hold; for alternatives use `key in (a,b)`"
                } else {
                    VALUE_HELP
                };
                self.errors.push(
                    ValueError::new(
                        v.range.start + at.start,
                        v.range.start + at.end,
                        format!("invalid label value \"{}\": {}", v.text, e.message),
                    )
                    .with_help(help),
                );
            }
        }
    }
}

const KEY_HELP: &str = "a label key is `[prefix/]name`: an optional DNS subdomain prefix and '/', then at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
const VALUE_HELP: &str = "a label value is empty or at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit";

fn syntax_help(what: &str, found: Tok<'_>) -> String {
    let s = match what {
        expect::START => {
            "a selector is a comma-separated list of requirements such as `app=web`, `tier in (a,b)` or `!canary`"
        }
        expect::IDENT => "write a label key or value here",
        expect::AFTER_COMMA => "each ',' must be followed by another requirement",
        expect::AFTER_REQ if found.kind == Kind::Equals || found.kind == Kind::DoubleEquals => {
            "one requirement compares one key with one value; separate requirements with ','"
        }
        expect::AFTER_REQ => "separate requirements with ','",
        expect::OPERATOR => {
            "write `key=value`, `key!=value`, `key in (a,b)`, `key notin (a,b)`, `key`, `!key`, `key>N` or `key<N`"
        }
        expect::OPEN => "`in` and `notin` take a parenthesised list: `key in (a,b)`",
        _ => "separate the values with ',' and close the list with ')': `key in (a,b)`",
    };
    s.to_string()
}

/// Kubernetes keeps requirement values in a set: duplicates collapse.
fn dedup_values(values: Vec<Located>) -> Vec<Located> {
    let mut out: Vec<Located> = Vec::with_capacity(values.len());
    for v in values {
        if !out.iter().any(|o| o.text == v.text) {
            out.push(v);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------------------

/// Anything with labels: lets one matcher serve plain maps and spanned manifest maps.
pub trait LabelSource {
    /// The value of label `key`, if the label is present (possibly empty).
    fn label_value(&self, key: &str) -> Option<&str>;
}

impl LabelSource for std::collections::BTreeMap<String, String> {
    fn label_value(&self, key: &str) -> Option<&str> {
        self.get(key).map(String::as_str)
    }
}

impl<S: std::hash::BuildHasher> LabelSource for std::collections::HashMap<String, String, S> {
    fn label_value(&self, key: &str) -> Option<&str> {
        self.get(key).map(String::as_str)
    }
}

impl LabelSource for indexmap::IndexMap<String, String> {
    fn label_value(&self, key: &str) -> Option<&str> {
        self.get(key).map(String::as_str)
    }
}

impl LabelSource for crate::manifest::decode::StringMap {
    fn label_value(&self, key: &str) -> Option<&str> {
        self.get(key).map(|e| e.value.value.as_str())
    }
}

impl LabelSource for crate::manifest::ObjectMeta {
    fn label_value(&self, key: &str) -> Option<&str> {
        self.label(key)
    }
}

impl<L: LabelSource + ?Sized> LabelSource for &L {
    fn label_value(&self, key: &str) -> Option<&str> {
        (**self).label_value(key)
    }
}

impl Requirement {
    /// Kubernetes' semantics: `NotIn` and `!=` also hold when the key is absent; `>` and
    /// `<` need the key present with an integer value.
    pub fn matches(&self, labels: &(impl LabelSource + ?Sized)) -> bool {
        let actual = labels.label_value(&self.key.value);
        let listed = |v: &str| self.values.iter().any(|x| x.value == v);
        match self.op {
            Operator::In | Operator::Equals => actual.is_some_and(listed),
            Operator::NotIn | Operator::NotEquals => !actual.is_some_and(listed),
            Operator::Exists => actual.is_some(),
            Operator::DoesNotExist => actual.is_none(),
            Operator::GreaterThan | Operator::LessThan => self.compare(actual),
        }
    }

    fn compare(&self, actual: Option<&str>) -> bool {
        let (Some(actual), [wanted]) = (actual, self.values.as_slice()) else {
            return false;
        };
        let (Ok(a), Ok(w)) = (actual.parse::<i64>(), wanted.value.parse::<i64>()) else {
            return false;
        };
        match self.op {
            Operator::GreaterThan => a > w,
            _ => a < w,
        }
    }
}

impl LabelSelector {
    /// True when every requirement holds; an empty selector matches everything.
    pub fn matches(&self, labels: &(impl LabelSource + ?Sized)) -> bool {
        self.requirements.iter().all(|r| r.matches(labels))
    }

    /// True for the selector that selects everything.
    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    /// Necessary conditions for an inverted label index: every object the selector
    /// matches carries each returned `(key, Some(value))` label and each `(key, None)` key.
    /// Negative requirements (`!=`, `notin`, `!k`) add nothing; an empty list means the
    /// index cannot narrow the candidates.
    pub fn index_keys(&self) -> Vec<(&str, Option<&str>)> {
        self.requirements
            .iter()
            .filter_map(|r| {
                let key = r.key.value.as_str();
                match (r.op, r.values.as_slice()) {
                    (Operator::Equals | Operator::In, [only]) => {
                        Some((key, Some(only.value.as_str())))
                    }
                    (
                        Operator::In
                        | Operator::Exists
                        | Operator::GreaterThan
                        | Operator::LessThan,
                        _,
                    ) => Some((key, None)),
                    _ => None,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn ok(text: &str) -> Vec<ParsedRequirement> {
        match parse_selector(text) {
            Ok(r) => r,
            Err(e) => panic!("{text:?} should parse: {e:?}"),
        }
    }
    fn errs(text: &str) -> Vec<ValueError> {
        match parse_selector(text) {
            Ok(r) => panic!("{text:?} should fail, got {r:?}"),
            Err(e) => e,
        }
    }
    fn shape(text: &str) -> Vec<(String, Operator, Vec<String>)> {
        ok(text)
            .into_iter()
            .map(|r| {
                (
                    r.key.text,
                    r.op,
                    r.values.into_iter().map(|v| v.text).collect(),
                )
            })
            .collect()
    }
    fn req(key: &str, op: Operator, values: &[&str]) -> (String, Operator, Vec<String>) {
        (
            key.into(),
            op,
            values.iter().map(|v| v.to_string()).collect(),
        )
    }

    #[test]
    fn accepts_what_kubernetes_accepts() {
        for good in [
            "",
            "   ",
            "x=a",
            "x=a,y=b,z=c",
            "x!=a,y=b",
            "x=",
            "x= ",
            "x=,z= ",
            "x= ,z= ",
            "!x",
            "x>1",
            "x>1,z<5",
            "x in (a,b)",
            "x in (a, b),y notin (c)",
            "x in (foo,,baz),y,z notin ()",
            "  x  in  ( a , b )  ,  ! y  ",
            "in in (in, notin)",
            "example.com/tier==gold",
            "x=a\t,\ny",
        ] {
            ok(good);
        }
    }

    #[test]
    fn builds_the_requirements() {
        assert_eq!(shape(""), vec![]);
        assert_eq!(
            shape("x=a,y!=b"),
            vec![
                req("x", Operator::Equals, &["a"]),
                req("y", Operator::NotEquals, &["b"])
            ]
        );
        assert_eq!(
            shape("x in (a,b),y notin (c)"),
            vec![
                req("x", Operator::In, &["a", "b"]),
                req("y", Operator::NotIn, &["c"])
            ]
        );
        assert_eq!(shape("!x"), vec![req("x", Operator::DoesNotExist, &[])]);
        assert_eq!(shape("x"), vec![req("x", Operator::Exists, &[])]);
        assert_eq!(shape("x>1"), vec![req("x", Operator::GreaterThan, &["1"])]);
        assert_eq!(shape("x<1"), vec![req("x", Operator::LessThan, &["1"])]);
        assert_eq!(shape("x="), vec![req("x", Operator::Equals, &[""])]);
        assert_eq!(shape("x= "), vec![req("x", Operator::Equals, &[""])]);
        assert_eq!(shape("x==a"), vec![req("x", Operator::Equals, &["a"])]);
        assert_eq!(
            shape("x in (a,,b,a)"),
            vec![req("x", Operator::In, &["a", "", "b"])]
        );
        assert_eq!(shape("x in (,a)"), vec![req("x", Operator::In, &["", "a"])]);
        assert_eq!(shape("x in (a,)"), vec![req("x", Operator::In, &["a", ""])]);
        let empty = ok("x in ()");
        assert_eq!(empty[0].values[0].text, "");
        assert!(empty[0].empty_set);
    }

    #[test]
    fn positions_are_byte_offsets_into_the_text() {
        let r = ok("  tier in (a, bb) ,!x");
        assert_eq!(r[0].key.range, 2..6);
        assert_eq!(r[0].values[1].range, 14..16);
        assert_eq!(r[0].range, 2..17);
        assert_eq!(r[1].range, 19..21);
        assert_eq!(r[1].key.range, 20..21);
    }

    #[test]
    fn syntax_errors_point_at_the_bad_token() {
        let e = errs(",x");
        assert_eq!((e[0].start, e[0].end), (0, 1));
        assert_eq!(
            e[0].message,
            "found ',', expected: !, identifier, or 'end of string'"
        );
        assert!(e[0].help.is_some());

        let e = errs("x,");
        assert_eq!((e[0].start, e[0].end), (1, 2));
        assert_eq!(e[0].help.as_deref(), Some("remove the trailing ','"));

        let e = errs("x>a");
        assert_eq!((e[0].start, e[0].end), (2, 3));
        assert!(e[0].message.contains("must be an integer"), "{e:?}");

        let e = errs("x in a");
        assert_eq!((e[0].start, e[0].end), (5, 6));
        assert_eq!(e[0].message, "found 'a', expected: '('");

        let e = errs("x in (a b)");
        assert_eq!((e[0].start, e[0].end), (8, 9));

        let e = errs("x in (a");
        assert_eq!(e[0].message, "found end of string, expected: ',' or ')'");
        assert_eq!((e[0].start, e[0].end), (7, 7));

        let e = errs("x ~ y");
        assert!(
            e[0].message.starts_with("found '~', expected: one of 'in'"),
            "{e:?}"
        );
    }

    #[test]
    fn rejects_what_kubernetes_rejects() {
        for bad in [
            "x=a||y=b", "x==a==b", "!x=a", "x<a", "x>1.1", "x,,y", "x=a,", ",", "x!", "(x)",
            "x in (a", "x in a", "x notin", "x=(a)", "!", "x y", "-x=a", "x=-a", "x/y/z=a",
            "x=a b",
            // `-1` is an integer but not a valid label value: Kubernetes refuses it too.
            "x<-1",
        ] {
            errs(bad);
        }
    }

    #[test]
    fn or_operator_gets_a_dedicated_help() {
        let e = errs("x=a||y=b");
        assert_eq!((e[0].start, e[0].end), (3, 4), "{e:?}");
        assert!(e[0].help.as_deref().unwrap_or("").contains("no '||'"));
        assert!(e.iter().any(|x| x.message.starts_with("found '='")));
    }

    #[test]
    fn keys_and_values_follow_label_syntax() {
        assert!(parse_selector(&format!("{}=a", "k".repeat(63))).is_ok());
        let e = errs(&format!("{}=a", "k".repeat(64)));
        assert!(e[0].message.contains("no more than 63"), "{e:?}");
        assert!(parse_selector(&format!("k={}", "v".repeat(63))).is_ok());
        let e = errs(&format!("k={}", "v".repeat(64)));
        assert_eq!(e[0].start, 2 + 63);
        let e = errs("app=we$b");
        assert_eq!((e[0].start, e[0].end), (6, 7));
        assert!(e[0].message.starts_with("invalid label value \"we$b\""));
        let e = errs("Example.com/app=web");
        assert_eq!((e[0].start, e[0].end), (0, 1));
    }

    #[test]
    fn reports_every_error_and_resumes_after_commas() {
        let e = errs("a=b c, d in (e f, g), ok=1, h>x");
        let at: Vec<usize> = e.iter().map(|x| x.start).collect();
        assert_eq!(at, vec![4, 15, 30], "{e:?}");
    }

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }
    fn sel(text: &str) -> LabelSelector {
        let requirements = ok(text)
            .into_iter()
            .map(|r| Requirement {
                key: Spanned::new(r.key.text.into(), Span::default()),
                op: r.op,
                values: r
                    .values
                    .into_iter()
                    .map(|v| Spanned::new(v.text.into(), Span::default()))
                    .collect(),
                span: Span::default(),
            })
            .collect();
        LabelSelector {
            requirements,
            span: Span::default(),
        }
    }

    #[test]
    fn spanned_form_points_into_the_file() {
        use crate::source::{FileId, SourceFile, yaml::parse_file};
        let text = "sel: 'app in (a, b),!x'\n";
        let file = SourceFile::new("t.yaml", text.to_string());
        let mut diags = crate::diag::Diagnostics::new();
        let docs = parse_file(FileId(0), &file, &mut diags);
        let Some(node) = docs
            .first()
            .and_then(|d| d.root.as_ref())
            .and_then(|r| r.get("sel"))
        else {
            panic!("no node");
        };
        let locator = ValueLocator::new(&file, node);
        let Ok(s) = parse_selector_spanned("app in (a, b),!x", &locator) else {
            panic!("should parse");
        };
        assert_eq!(file.slice(s.requirements[0].values[1].span), "b");
        assert_eq!(file.slice(s.requirements[1].span), "!x");
        assert_eq!(file.slice(s.span), "app in (a, b),!x");
    }

    #[test]
    fn the_form_at_one_span_reads_as_the_spanned_form() {
        let at = Span::new(crate::source::FileId(3), 10, 26);
        let Ok(s) = parse_selector_at("app in (a, b),!x", at) else {
            panic!("should parse");
        };
        let read = |s: &LabelSelector| -> Vec<(String, Operator, Vec<String>)> {
            s.requirements
                .iter()
                .map(|r| {
                    let values = r.values.iter().map(|v| v.value.to_string()).collect();
                    (r.key.value.to_string(), r.op, values)
                })
                .collect()
        };
        assert_eq!(read(&s), read(&sel("app in (a, b),!x")));
        assert_eq!(s.span, at);
        assert!(
            s.requirements
                .iter()
                .all(|r| r.span == at && r.key.span == at)
        );
        assert!(parse_selector_at("app in (", at).is_err());
    }

    #[test]
    fn matches_with_kubernetes_semantics() {
        let web = labels(&[("app", "web"), ("tier", "3"), ("zone", "")]);
        let none = labels(&[]);
        assert!(sel("").matches(&web));
        assert!(sel("").matches(&none));
        assert!(sel("app=web").matches(&web));
        assert!(!sel("app=db").matches(&web));
        assert!(sel("app!=db").matches(&web));
        assert!(
            sel("app!=db").matches(&none),
            "!= holds when the key is absent"
        );
        assert!(
            sel("app notin (db)").matches(&none),
            "notin holds when the key is absent"
        );
        assert!(!sel("app in (db,web2)").matches(&web));
        assert!(sel("app in (db,web)").matches(&web));
        assert!(!sel("app in (web)").matches(&none));
        assert!(sel("app").matches(&web));
        assert!(!sel("app").matches(&none));
        assert!(sel("!app").matches(&none));
        assert!(!sel("!app").matches(&web));
        assert!(sel("tier>2").matches(&web));
        assert!(!sel("tier>3").matches(&web));
        assert!(sel("tier<4").matches(&web));
        assert!(!sel("tier<4").matches(&none), "> and < need the key");
        assert!(!sel("app>1").matches(&web), "> and < need an integer value");
        assert!(sel("zone=").matches(&web));
        assert!(sel("zone in ()").matches(&web));
        assert!(sel("app=web,tier>1,!gone").matches(&web));
        assert!(!sel("app=web,tier>5").matches(&web));
    }

    /// A workload keeps its selector for the whole run (fleet-10000: 10,000 of them), and
    /// the usual requirement is one `matchLabels` entry, whose value stays inline.
    #[test]
    fn selectors_stay_small() {
        use std::mem::size_of;
        assert!(size_of::<Option<LabelSelector>>() <= 32);
        assert!(size_of::<Requirement>() <= 96);
        assert!(size_of::<Values>() <= 40);
    }

    #[test]
    fn values_read_as_the_list_they_were_built_from() {
        let v = |t: &str| Spanned::new(Text::from(t), Span::default());
        assert!(Values::from(Vec::new()).is_empty());
        assert_eq!(Values::from(vec![v("a")]), Values::one(v("a")));
        let two: Values = [v("a"), v("b")].into_iter().collect();
        assert_eq!(two.len(), 2);
        assert_eq!(two[1].value, "b");
        assert_eq!(
            format!("{:?}", Values::one(v("a"))),
            format!("{:?}", [v("a")])
        );
    }

    #[test]
    fn index_keys_are_necessary_conditions() {
        let s = sel("app=web,tier in (a,b),zone in (z),x,!y,w!=v,n>1");
        assert_eq!(
            s.index_keys(),
            vec![
                ("app", Some("web")),
                ("tier", None),
                ("zone", Some("z")),
                ("x", None),
                ("n", None)
            ]
        );
    }
}
