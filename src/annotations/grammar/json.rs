//! A small JSON parser that keeps the byte range of every value and every object key
//! (EBNF: `grammar/json.ebnf`).
//!
//! serde_json reports line/column of the *annotation value*, not a range, and forgets
//! where values came from once parsed; the schema checks (`cce`, `alb`) need both, so
//! they can point at the `70000` inside `[{"HTTP": 70000}]`. Tokens are recognised with
//! nom; structure is a depth-limited recursive descent so nesting is bounded and each
//! error can name what was expected at that place ("expected `,` or `}` after object
//! member"). Common non-JSON habits (single quotes, unquoted keys, trailing commas,
//! comments, `True`) get their own messages.

use std::collections::HashSet;

use nom::branch::alt;
use nom::bytes::complete::{tag, take_while1};
use nom::character::complete::{char, digit1, multispace0, one_of};
use nom::combinator::{opt, recognize};
use nom::{IResult, Parser};

use super::{Located, ValueError, char_at, choices_help};

/// Deepest nesting accepted; annotation payloads need 4 levels at most.
pub const MAX_DEPTH: usize = 32;

/// A JSON value with the byte range it occupies in the annotation value.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonValue {
    pub kind: JsonKind,
    pub start: usize,
    pub end: usize,
}

/// The value itself. Numbers keep their literal text so that `80` and `80.0` stay
/// distinguishable (Go rejects `80.0` for an integer field).
#[derive(Debug, Clone, PartialEq)]
pub enum JsonKind {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Array(Vec<JsonValue>),
    Object(Vec<JsonMember>),
}

/// One `"key": value` member; `key_start..key_end` covers the quoted key.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonMember {
    pub key: String,
    pub key_start: usize,
    pub key_end: usize,
    pub value: JsonValue,
}

impl JsonMember {
    /// An error pointing at this member's key.
    pub fn key_error(&self, message: impl Into<String>) -> ValueError {
        ValueError::new(self.key_start, self.key_end, message)
    }
}

impl JsonValue {
    /// An error covering this value.
    pub fn error(&self, message: impl Into<String>) -> ValueError {
        ValueError::new(self.start, self.end, message)
    }

    /// What kind of value this is, in words, for "expected a string, found an array".
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            JsonKind::Null => "null",
            JsonKind::Bool(_) => "a boolean",
            JsonKind::Number(_) => "a number",
            JsonKind::String(_) => "a string",
            JsonKind::Array(_) => "an array",
            JsonKind::Object(_) => "an object",
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            JsonKind::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[JsonValue]> {
        match &self.kind {
            JsonKind::Array(a) => Some(a),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[JsonMember]> {
        match &self.kind {
            JsonKind::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The number as an integer, if it is written as one (no fraction, no exponent) and
    /// fits `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        match &self.kind {
            JsonKind::Number(n) if !n.contains(['.', 'e', 'E']) => n.parse().ok(),
            _ => None,
        }
    }

    /// The member named exactly `key`.
    pub fn get(&self, key: &str) -> Option<&JsonMember> {
        self.as_object()?.iter().find(|m| m.key == key)
    }

    /// The source text of this value inside `src` (the annotation value it was parsed from).
    pub fn source<'s>(&self, src: &'s str) -> &'s str {
        src.get(self.start..self.end).unwrap_or("")
    }

    /// The range of `from..to` (byte offsets into the *decoded* string) inside the source,
    /// when the string was written without escapes; otherwise the whole string token.
    /// Lets a check point at the one bad character of a name.
    pub fn inner_range(&self, src: &str, from: usize, to: usize) -> (usize, usize) {
        if let JsonKind::String(s) = &self.kind {
            let raw = src.get(self.start + 1..self.end.saturating_sub(1));
            if raw == Some(s.as_str()) && from <= to && to <= s.len() {
                return (self.start + 1 + from, self.start + 1 + to);
            }
        }
        (self.start, self.end)
    }
}

type E = ValueError;

/// Parses `value` as one JSON document. The first syntax error is returned; duplicate
/// object keys are an error too (Go keeps the last one silently, which hides typos).
pub fn parse_json(value: &str) -> Result<JsonValue, ValueError> {
    let p = P { src: value };
    let rest = p.ws(value)?;
    if rest.is_empty() {
        return Err(
            ValueError::new(0, value.len(), "empty value; expected JSON")
                .with_help("write a JSON document, e.g. `[]` or `{}`"),
        );
    }
    let (rest, v) = p.value(rest, 0)?;
    let rest = p.ws(rest)?;
    if !rest.is_empty() {
        let at = p.off(rest);
        let end = value.trim_end().len().max(at);
        let mut e = ValueError::new(at, end, "unexpected text after the JSON value");
        e = if rest.starts_with(',') {
            e.with_help("only one top-level value is allowed; wrap the items in `[` … `]`")
        } else {
            e.with_help("remove it, or check for a missing `[`, `{` or `,` earlier")
        };
        return Err(e);
    }
    Ok(v)
}

struct P<'a> {
    src: &'a str,
}

fn number_literal(i: &str) -> IResult<&str, &str> {
    recognize((
        opt(char('-')),
        digit1,
        opt((char('.'), digit1)),
        opt((one_of("eE"), opt(one_of("+-")), digit1)),
    ))
    .parse(i)
}

fn word(i: &str) -> IResult<&str, &str> {
    take_while1(|c: char| c.is_alphanumeric() || c == '_' || c == '-' || c == '.' || c == '$')
        .parse(i)
}

fn comment_start(i: &str) -> IResult<&str, &str> {
    alt((tag("//"), tag("/*"), tag("#"))).parse(i)
}

impl<'a> P<'a> {
    fn off(&self, rest: &str) -> usize {
        self.src.len().saturating_sub(rest.len())
    }

    fn char_err(&self, rest: &str, message: impl Into<String>) -> E {
        let (s, e) = char_at(self.src, self.off(rest));
        ValueError::new(s, e, message)
    }

    /// Skips JSON whitespace; comments are an error (JSON has none).
    fn ws(&self, i: &'a str) -> Result<&'a str, E> {
        let rest = multispace0::<&str, nom::error::Error<&str>>(i)
            .map(|(r, _)| r)
            .unwrap_or(i);
        if comment_start(rest).is_ok() {
            let at = self.off(rest);
            let len = rest.find('\n').unwrap_or(rest.len());
            return Err(
                ValueError::new(at, at + len, "JSON does not allow comments")
                    .with_help("remove the comment"),
            );
        }
        Ok(rest)
    }

    fn value(&self, i: &'a str, depth: usize) -> Result<(&'a str, JsonValue), E> {
        let start = self.off(i);
        let Some(c) = i.chars().next() else {
            return Err(ValueError::new(
                start,
                start,
                "unexpected end of input; expected a JSON value",
            )
            .with_help("the value is cut off; complete it"));
        };
        match c {
            '{' | '[' if depth >= MAX_DEPTH => Err(self
                .char_err(i, format!("JSON nested deeper than {MAX_DEPTH} levels"))
                .with_help("annotation payloads are never this deep; check the brackets")),
            '{' => self.object(i, depth),
            '[' => self.array(i, depth),
            '"' => {
                let (rest, s) = self.string(i)?;
                Ok((rest, self.node(JsonKind::String(s), start, rest)))
            }
            '\'' => Err(self.single_quoted(i)),
            '-' | '0'..='9' => self.number(i),
            _ => {
                if let Ok((rest, w)) = word(i) {
                    let kind = match w {
                        "true" => Some(JsonKind::Bool(true)),
                        "false" => Some(JsonKind::Bool(false)),
                        "null" => Some(JsonKind::Null),
                        _ => None,
                    };
                    if let Some(kind) = kind {
                        return Ok((rest, self.node(kind, start, rest)));
                    }
                    let end = self.off(rest);
                    let lower = w.to_ascii_lowercase();
                    let help = if matches!(lower.as_str(), "true" | "false" | "null") {
                        format!("JSON literals are lower-case: write `{lower}`")
                    } else {
                        format!("text values must be double-quoted: write `\"{w}\"`")
                    };
                    return Err(ValueError::new(
                        start,
                        end,
                        format!("unexpected `{w}`; expected a JSON value"),
                    )
                    .with_help(help));
                }
                Err(self
                    .char_err(i, format!("unexpected `{c}`; expected a JSON value"))
                    .with_help("a value is a string, number, object, array, true, false or null"))
            }
        }
    }

    fn node(&self, kind: JsonKind, start: usize, rest: &str) -> JsonValue {
        JsonValue {
            kind,
            start,
            end: self.off(rest),
        }
    }

    fn number(&self, i: &'a str) -> Result<(&'a str, JsonValue), E> {
        let start = self.off(i);
        // Whatever glues to the number (`1.`, `0x1F`, `12px`) belongs to the bad token.
        let glued = |rest: &str| {
            rest.char_indices()
                .find(|(_, c)| !(c.is_alphanumeric() || matches!(c, '.' | '+' | '-' | '_')))
                .map_or(rest.len(), |(n, _)| n)
        };
        let Ok((rest, lit)) = number_literal(i) else {
            let len = glued(i);
            return Err(ValueError::new(start, start + len.max(1), "invalid number")
                .with_help("write digits, e.g. `-1`, `0.5`, `80`"));
        };
        let extra = glued(rest);
        if extra > 0 {
            let end = self.off(rest) + extra;
            let tok = self.src.get(start..end).unwrap_or("");
            return Err(
                ValueError::new(start, end, format!("invalid number `{tok}`")).with_help(
                    "JSON numbers are decimal digits with an optional fraction and exponent",
                ),
            );
        }
        let int_part = lit
            .trim_start_matches('-')
            .split(['.', 'e', 'E'])
            .next()
            .unwrap_or("");
        if int_part.len() > 1 && int_part.starts_with('0') {
            return Err(
                ValueError::new(start, self.off(rest), format!("invalid number `{lit}`"))
                    .with_help("JSON numbers must not have leading zeros"),
            );
        }
        Ok((
            rest,
            self.node(JsonKind::Number(lit.to_string()), start, rest),
        ))
    }

    /// A double-quoted string starting at `i` (which begins with `"`).
    fn string(&self, i: &'a str) -> Result<(&'a str, String), E> {
        let start = self.off(i);
        let body = i.get(1..).unwrap_or("");
        let mut out = String::new();
        let mut chars = body.char_indices();
        while let Some((n, c)) = chars.next() {
            match c {
                '"' => {
                    let rest = body.get(n + 1..).unwrap_or("");
                    return Ok((rest, out));
                }
                '\\' => {
                    let esc_at = start + 1 + n;
                    let Some((_, e)) = chars.next() else {
                        break;
                    };
                    let simple = match e {
                        '"' => Some('"'),
                        '\\' => Some('\\'),
                        '/' => Some('/'),
                        'b' => Some('\u{8}'),
                        'f' => Some('\u{c}'),
                        'n' => Some('\n'),
                        'r' => Some('\r'),
                        't' => Some('\t'),
                        _ => None,
                    };
                    if let Some(ch) = simple {
                        out.push(ch);
                        continue;
                    }
                    if e != 'u' {
                        return Err(ValueError::new(
                            esc_at,
                            esc_at + 1 + e.len_utf8(),
                            format!("invalid escape `\\{e}` in string"),
                        )
                        .with_help("valid escapes: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX"));
                    }
                    let hex = |chars: &mut std::str::CharIndices<'_>| -> Option<u32> {
                        let mut v = 0u32;
                        for _ in 0..4 {
                            let (_, h) = chars.next()?;
                            v = v * 16 + h.to_digit(16)?;
                        }
                        Some(v)
                    };
                    let bad_u = |len: usize| {
                        ValueError::new(
                            esc_at,
                            (esc_at + len).min(self.src.len()),
                            "invalid `\\u` escape",
                        )
                        .with_help("write `\\u` followed by four hex digits")
                    };
                    let Some(hi) = hex(&mut chars) else {
                        return Err(bad_u(2));
                    };
                    let code = if (0xD800..0xDC00).contains(&hi) {
                        // A high surrogate must be followed by `\uDC00`–`\uDFFF`.
                        let mut look = chars.clone();
                        let pair = match (look.next(), look.next()) {
                            (Some((_, '\\')), Some((_, 'u'))) => {
                                hex(&mut look).filter(|lo| (0xDC00..0xE000).contains(lo))
                            }
                            _ => None,
                        };
                        match pair {
                            Some(lo) => {
                                chars = look;
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            }
                            None => 0xFFFD,
                        }
                    } else {
                        hi
                    };
                    out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
                }
                c if (c as u32) < 0x20 => {
                    let at = start + 1 + n;
                    let shown = match c {
                        '\n' => "\\n".to_string(),
                        '\t' => "\\t".to_string(),
                        '\r' => "\\r".to_string(),
                        _ => format!("\\u{:04x}", c as u32),
                    };
                    return Err(ValueError::new(at, at + 1, "control character inside a string")
                        .with_help(format!(
                            "write it escaped as `{shown}`, or close the string with `\"` before the line ends"
                        )));
                }
                c => out.push(c),
            }
        }
        let end = self.src.len();
        Err(ValueError::new(start, end, "unterminated string").with_help("add the closing `\"`"))
    }

    /// Error for a `'single-quoted'` token: JSON needs double quotes.
    fn single_quoted(&self, i: &'a str) -> E {
        let start = self.off(i);
        let body = i.get(1..).unwrap_or("");
        match body.find(['\'', '\n']) {
            Some(n) if body.get(n..).is_some_and(|r| r.starts_with('\'')) => {
                let inner = body.get(..n).unwrap_or("");
                ValueError::new(start, start + n + 2, "JSON strings must use double quotes")
                    .with_help(format!("write `\"{inner}\"`"))
            }
            _ => self
                .char_err(i, "JSON strings must use double quotes")
                .with_help("replace `'` with `\"`"),
        }
    }

    fn object(&self, i: &'a str, depth: usize) -> Result<(&'a str, JsonValue), E> {
        let start = self.off(i);
        let unclosed = || {
            ValueError::new(start, start + 1, "this `{` is never closed")
                .with_help("add the matching `}`")
        };
        let mut rest = self.ws(i.get(1..).unwrap_or(""))?;
        let mut members: Vec<JsonMember> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        let mut last_comma: Option<usize> = None;
        loop {
            let Some(c) = rest.chars().next() else {
                return Err(unclosed());
            };
            if c == '}' {
                if let Some(comma) = last_comma {
                    return Err(
                        ValueError::new(comma, comma + 1, "trailing comma in object")
                            .with_help("remove the `,` before `}`"),
                    );
                }
                let rest = rest.get(1..).unwrap_or("");
                return Ok((rest, self.node(JsonKind::Object(members), start, rest)));
            }
            if !members.is_empty() && last_comma.is_none() {
                return Err(self
                    .char_err(rest, "expected `,` or `}` after object member")
                    .with_help(match c {
                        '"' => "add a `,` between the members",
                        ']' => "an object ends with `}`",
                        _ => "separate members with `,` and close the object with `}`",
                    }));
            }
            // A key.
            let key_start = self.off(rest);
            let (after_key, key) = match c {
                '"' => self.string(rest)?,
                '\'' => return Err(self.single_quoted(rest)),
                _ => {
                    if let Ok((_, w)) = word(rest) {
                        return Err(ValueError::new(
                            key_start,
                            key_start + w.len(),
                            "object keys must be double-quoted strings",
                        )
                        .with_help(format!("write `\"{w}\"`")));
                    }
                    return Err(self
                        .char_err(rest, "expected a double-quoted key")
                        .with_help("members are written `\"key\": value`"));
                }
            };
            let key_end = self.off(after_key);
            if !seen.insert(key.clone()) {
                return Err(
                    ValueError::new(key_start, key_end, format!("duplicate key `{key}`"))
                        .with_help("the controller keeps only the last one; remove the other"),
                );
            }
            let r = self.ws(after_key)?;
            match r.chars().next() {
                Some(':') => {}
                Some('=') => {
                    return Err(self
                        .char_err(r, "expected `:` after object key")
                        .with_help("JSON separates key and value with `:`"));
                }
                None => return Err(unclosed()),
                Some(_) => {
                    return Err(self
                        .char_err(r, "expected `:` after object key")
                        .with_help(format!("write `\"{key}\": <value>`")));
                }
            }
            let r = self.ws(r.get(1..).unwrap_or(""))?;
            if r.is_empty() {
                return Err(unclosed());
            }
            let (r, value) = self.value(r, depth + 1)?;
            members.push(JsonMember {
                key,
                key_start,
                key_end,
                value,
            });
            rest = self.ws(r)?;
            last_comma = None;
            if rest.starts_with(',') {
                last_comma = Some(self.off(rest));
                rest = self.ws(rest.get(1..).unwrap_or(""))?;
            }
        }
    }

    fn array(&self, i: &'a str, depth: usize) -> Result<(&'a str, JsonValue), E> {
        let start = self.off(i);
        let unclosed = || {
            ValueError::new(start, start + 1, "this `[` is never closed")
                .with_help("add the matching `]`")
        };
        let mut rest = self.ws(i.get(1..).unwrap_or(""))?;
        let mut items = Vec::new();
        let mut last_comma: Option<usize> = None;
        loop {
            let Some(c) = rest.chars().next() else {
                return Err(unclosed());
            };
            if c == ']' {
                if let Some(comma) = last_comma {
                    return Err(ValueError::new(comma, comma + 1, "trailing comma in array")
                        .with_help("remove the `,` before `]`"));
                }
                let rest = rest.get(1..).unwrap_or("");
                return Ok((rest, self.node(JsonKind::Array(items), start, rest)));
            }
            if !items.is_empty() && last_comma.is_none() {
                return Err(self
                    .char_err(rest, "expected `,` or `]` after array element")
                    .with_help(match c {
                        '{' | '[' | '"' => "add a `,` between the elements",
                        '}' => "an array ends with `]`",
                        _ => "separate elements with `,` and close the array with `]`",
                    }));
            }
            if c == ',' {
                return Err(self
                    .char_err(rest, "expected a value, found `,`")
                    .with_help("remove the extra `,`"));
            }
            let (r, v) = self.value(rest, depth + 1)?;
            items.push(v);
            rest = self.ws(r)?;
            last_comma = None;
            if rest.starts_with(',') {
                last_comma = Some(self.off(rest));
                rest = self.ws(rest.get(1..).unwrap_or(""))?;
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Schema helpers shared by the `cce` and `alb` checks.

/// Locates a value parsed from a member at that member's value.
pub(crate) fn loc<T>(m: &JsonMember, value: T) -> Located<T> {
    Located::new(value, m.value.start, m.value.end)
}

/// A string field of a schema object, located at its value.
pub(crate) fn str_field(
    f: &mut Fields<'_>,
    name: &str,
    errs: &mut Vec<ValueError>,
) -> Option<Located<String>> {
    let m = f.take(name, errs)?;
    want_str(m, errs).map(|s| loc(m, s.to_string()))
}

/// A string field restricted to `words` (exact case, as the controller compares).
pub(crate) fn enum_field(
    f: &mut Fields<'_>,
    name: &str,
    words: &[&'static str],
    errs: &mut Vec<ValueError>,
) -> Option<Located<&'static str>> {
    let m = f.take(name, errs)?;
    let s = want_str(m, errs)?;
    match words.iter().find(|w| **w == s) {
        Some(w) => Some(loc(m, *w)),
        None => {
            errs.push(
                m.value
                    .error(format!(
                        "`{}` must be one of {}, got \"{s}\"",
                        m.key,
                        words.join(", ")
                    ))
                    .with_help(choices_help(s, words)),
            );
            None
        }
    }
}

/// Walks the members of one JSON object for a schema check: fields are taken by name,
/// and whatever was not taken is reported as unknown (with a did-you-mean), because the
/// controllers ignore unknown fields silently and a typo loses the setting.
pub(crate) struct Fields<'v> {
    members: &'v [JsonMember],
    taken: Vec<bool>,
    /// Go's `encoding/json` matches struct fields case-insensitively; map-decoded payloads
    /// (CCE health checks) match exactly.
    ignore_case: bool,
}

impl<'v> Fields<'v> {
    /// `None` (with an error) if `v` is not an object; `what` names it in the message.
    pub fn new(
        v: &'v JsonValue,
        what: &str,
        ignore_case: bool,
        errs: &mut Vec<ValueError>,
    ) -> Option<Self> {
        match &v.kind {
            JsonKind::Object(members) => Some(Fields {
                members,
                taken: vec![false; members.len()],
                ignore_case,
            }),
            _ => {
                errs.push(
                    v.error(format!(
                        "{what} must be a JSON object, found {}",
                        v.kind_name()
                    ))
                    .with_help("write `{ \"field\": value, … }`"),
                );
                None
            }
        }
    }

    fn matches(&self, key: &str, name: &str) -> bool {
        if self.ignore_case {
            key.eq_ignore_ascii_case(name)
        } else {
            key == name
        }
    }

    /// Takes the member `name`. A second spelling of the same field (only possible when
    /// case is ignored: `Type` and `type`) is reported.
    pub fn take(&mut self, name: &str, errs: &mut Vec<ValueError>) -> Option<&'v JsonMember> {
        let mut found: Option<&'v JsonMember> = None;
        for (n, m) in self.members.iter().enumerate() {
            if !self.matches(&m.key, name) {
                continue;
            }
            if let Some(first) = found {
                errs.push(
                    m.key_error(format!("`{}` repeats field `{}`", m.key, first.key))
                        .with_help("field names match case-insensitively; keep one of them"),
                );
            } else {
                found = Some(m);
            }
            if let Some(t) = self.taken.get_mut(n) {
                *t = true;
            }
        }
        found
    }

    /// Whether a member `name` exists, without taking it.
    pub fn has(&self, name: &str) -> bool {
        self.members.iter().any(|m| self.matches(&m.key, name))
    }

    /// Reports every member not taken. `known` is the full field list for suggestions;
    /// `misplaced` explains fields that exist elsewhere (e.g. the other annotation).
    pub fn finish(
        self,
        known: &[&str],
        misplaced: &dyn Fn(&str) -> Option<String>,
        errs: &mut Vec<ValueError>,
    ) {
        for (m, taken) in self.members.iter().zip(&self.taken) {
            if *taken {
                continue;
            }
            let help = if let Some(h) = misplaced(&m.key) {
                h
            } else if let Some(s) = crate::annotations::suggest(&m.key, known.iter().copied()) {
                format!("did you mean `{s}`?")
            } else {
                format!("known fields: {}", known.join(", "))
            };
            errs.push(
                m.key_error(format!("unknown field `{}`", m.key))
                    .with_help(format!("{help} (the controller ignores unknown fields)")),
            );
        }
    }
}

/// A string field; a number where a string is expected gets the "write \"5\"" help,
/// since that is the usual mistake in CCE payloads.
pub(crate) fn want_str<'v>(m: &'v JsonMember, errs: &mut Vec<ValueError>) -> Option<&'v str> {
    match &m.value.kind {
        JsonKind::String(s) => Some(s),
        JsonKind::Number(n) => {
            errs.push(
                m.value
                    .error(format!("`{}` must be a string, found a number", m.key))
                    .with_help(format!("write `\"{n}\"`")),
            );
            None
        }
        JsonKind::Bool(b) => {
            errs.push(
                m.value
                    .error(format!("`{}` must be a string, found a boolean", m.key))
                    .with_help(format!("write `\"{b}\"`")),
            );
            None
        }
        _ => {
            errs.push(
                m.value
                    .error(format!(
                        "`{}` must be a string, found {}",
                        m.key,
                        m.value.kind_name()
                    ))
                    .with_help("write a double-quoted string"),
            );
            None
        }
    }
}

/// An integer field written as a JSON number (Go `int` fields reject `"80"` and `80.5`).
pub(crate) fn want_int(m: &JsonMember, errs: &mut Vec<ValueError>) -> Option<i64> {
    match &m.value.kind {
        JsonKind::Number(n) => match m.value.as_i64() {
            Some(v) => Some(v),
            None => {
                errs.push(
                    m.value
                        .error(format!("`{}` must be a whole number, found `{n}`", m.key))
                        .with_help("write an integer without fraction or exponent"),
                );
                None
            }
        },
        JsonKind::String(s) => {
            errs.push(
                m.value
                    .error(format!("`{}` must be a JSON number, found a string", m.key))
                    .with_help(format!("write `{s}` without quotes")),
            );
            None
        }
        _ => {
            errs.push(
                m.value
                    .error(format!(
                        "`{}` must be a number, found {}",
                        m.key,
                        m.value.kind_name()
                    ))
                    .with_help("write an integer"),
            );
            None
        }
    }
}

/// A boolean field.
pub(crate) fn want_bool(m: &JsonMember, errs: &mut Vec<ValueError>) -> Option<bool> {
    match &m.value.kind {
        JsonKind::Bool(b) => Some(*b),
        JsonKind::String(s) if s == "true" || s == "false" => {
            errs.push(
                m.value
                    .error(format!(
                        "`{}` must be a JSON boolean, found a string",
                        m.key
                    ))
                    .with_help(format!("write `{s}` without quotes")),
            );
            None
        }
        _ => {
            errs.push(
                m.value
                    .error(format!(
                        "`{}` must be true or false, found {}",
                        m.key,
                        m.value.kind_name()
                    ))
                    .with_help("write `true` or `false`"),
            );
            None
        }
    }
}

/// An array field.
pub(crate) fn want_array<'v>(
    m: &'v JsonMember,
    errs: &mut Vec<ValueError>,
) -> Option<&'v [JsonValue]> {
    match &m.value.kind {
        JsonKind::Array(a) => Some(a),
        _ => {
            let help = match &m.value.kind {
                JsonKind::String(s) => format!("write `[\"{s}\"]`"),
                _ => "write `[ … ]`".to_string(),
            };
            errs.push(
                m.value
                    .error(format!(
                        "`{}` must be an array, found {}",
                        m.key,
                        m.value.kind_name()
                    ))
                    .with_help(help),
            );
            None
        }
    }
}

/// A non-empty array of strings (`values`, zone lists).
pub(crate) fn want_strings<'v>(
    m: &'v JsonMember,
    errs: &mut Vec<ValueError>,
) -> Option<Vec<(&'v str, &'v JsonValue)>> {
    let items = want_array(m, errs)?;
    if items.is_empty() {
        errs.push(
            m.value
                .error(format!("`{}` must not be empty", m.key))
                .with_help("give at least one value"),
        );
        return None;
    }
    let mut out = Vec::new();
    for v in items {
        match &v.kind {
            JsonKind::String(s) => out.push((s.as_str(), v)),
            JsonKind::Number(n) => errs.push(
                v.error(format!("`{}` items must be strings, found a number", m.key))
                    .with_help(format!("write `\"{n}\"`")),
            ),
            _ => errs.push(
                v.error(format!(
                    "`{}` items must be strings, found {}",
                    m.key,
                    v.kind_name()
                ))
                .with_help("write a double-quoted string"),
            ),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(v: &str) -> (usize, usize, String) {
        match parse_json(v) {
            Ok(j) => panic!("expected an error for {v:?}, got {j:?}"),
            Err(e) => (e.start, e.end, e.message),
        }
    }

    #[test]
    fn parses_with_ranges() {
        let src = r#" [{"HTTP": 80}, {"HTTPS": 443, "x": [true, null, -1.5e3, "a\"b"]}] "#;
        let v = parse_json(src).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((v.start, v.end), (1, src.len() - 1));
        let items = v.as_array().unwrap_or_default();
        assert_eq!(items.len(), 2);
        let m = items[0]
            .get("HTTP")
            .map(|m| (m.key_start, m.key_end, m.value.start, m.value.end));
        assert_eq!(m, Some((3, 9, 11, 13)));
        assert_eq!(
            items[0].get("HTTP").and_then(|m| m.value.as_i64()),
            Some(80)
        );
        let x = items[1]
            .get("x")
            .and_then(|m| m.value.as_array())
            .unwrap_or_default();
        assert_eq!(x[3].as_str(), Some("a\"b"));
        assert_eq!(x[2].kind, JsonKind::Number("-1.5e3".into()));
        assert_eq!(x[2].as_i64(), None);
    }

    #[test]
    fn unicode_escapes_and_multibyte() {
        let v = parse_json(r#"{"k":"\u00e9\ud83d\ude00é"}"#).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(v.get("k").and_then(|m| m.value.as_str()), Some("é😀é"));
        // A lone surrogate decodes to U+FFFD, like Go.
        let v = parse_json(r#""\ud800x""#).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(v.as_str(), Some("\u{FFFD}x"));
    }

    #[test]
    fn syntax_errors_point_at_the_token() {
        assert_eq!(
            err(r#"{"a": 1 "b": 2}"#),
            (8, 9, "expected `,` or `}` after object member".into())
        );
        assert_eq!(
            err(r#"[1 2]"#),
            (3, 4, "expected `,` or `]` after array element".into())
        );
        assert_eq!(
            err(r#"{"a": 1,}"#),
            (7, 8, "trailing comma in object".into())
        );
        assert_eq!(err(r#"[1,]"#), (2, 3, "trailing comma in array".into()));
        assert_eq!(
            err(r#"{type: "x"}"#),
            (1, 5, "object keys must be double-quoted strings".into())
        );
        assert_eq!(
            err(r#"{'type': "x"}"#),
            (1, 7, "JSON strings must use double quotes".into())
        );
        assert_eq!(
            err(r#"{"a" 1}"#),
            (5, 6, "expected `:` after object key".into())
        );
        assert_eq!(err(r#"{"a": 1"#), (0, 1, "this `{` is never closed".into()));
        assert_eq!(err(r#"[1, 2"#), (0, 1, "this `[` is never closed".into()));
        assert_eq!(
            err(r#"{"a": 1, "a": 2}"#),
            (9, 12, "duplicate key `a`".into())
        );
        assert_eq!(err(r#""abc"#), (0, 4, "unterminated string".into()));
        assert_eq!(
            err("\"a\nb\""),
            (2, 3, "control character inside a string".into())
        );
        assert_eq!(
            err(r#""\x""#),
            (1, 3, "invalid escape `\\x` in string".into())
        );
        assert_eq!(
            err("True"),
            (0, 4, "unexpected `True`; expected a JSON value".into())
        );
        assert_eq!(err("01"), (0, 2, "invalid number `01`".into()));
        assert_eq!(err("1."), (0, 2, "invalid number `1.`".into()));
        assert_eq!(
            err("[1],[2]"),
            (3, 7, "unexpected text after the JSON value".into())
        );
        assert_eq!(err("  "), (0, 2, "empty value; expected JSON".into()));
        assert_eq!(
            err("[1, // x\n2]"),
            (4, 8, "JSON does not allow comments".into())
        );
        assert_eq!(err("[,1]"), (1, 2, "expected a value, found `,`".into()));
        assert_eq!(
            err("{\"a\":}"),
            (5, 6, "unexpected `}`; expected a JSON value".into())
        );
        assert_eq!(
            err("é"),
            (0, 2, "unexpected `é`; expected a JSON value".into())
        );
    }

    #[test]
    fn depth_is_bounded() {
        let deep = "[".repeat(MAX_DEPTH + 5);
        assert_eq!(
            err(&deep),
            (
                MAX_DEPTH,
                MAX_DEPTH + 1,
                format!("JSON nested deeper than {MAX_DEPTH} levels")
            )
        );
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse_json(&ok).is_ok());
    }

    #[test]
    fn inner_range_maps_plain_strings_only() {
        let src = r#"{"n":"ab_c"}"#;
        let v = parse_json(src).unwrap_or_else(|e| panic!("{e:?}"));
        let s = v.get("n").map(|m| m.value.clone());
        let s = s.unwrap_or_else(|| panic!("member"));
        assert_eq!(s.inner_range(src, 2, 3), (8, 9));
        let src = r#"{"n":"a\u0062_c"}"#;
        let v = parse_json(src).unwrap_or_else(|e| panic!("{e:?}"));
        let s = v
            .get("n")
            .map(|m| m.value.clone())
            .unwrap_or_else(|| panic!("member"));
        assert_eq!(s.inner_range(src, 2, 3), (s.start, s.end));
    }
}
