//! The spanned YAML tree: every scalar, sequence, mapping and mapping key has a [`Span`].

use super::Span;

/// How a scalar was written. Kubernetes only types *plain* scalars (`on` is a boolean,
/// `"on"` is a string), so decoding needs the style, not just the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

impl ScalarStyle {
    pub fn is_quoted(self) -> bool {
        !matches!(self, ScalarStyle::Plain)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    /// The value after YAML unescaping and folding.
    pub value: String,
    pub style: ScalarStyle,
    /// The explicit tag's suffix for core-schema tags (`str`, `int`, `bool`, …), if any.
    /// Boxed (16 bytes, not 24): nearly every scalar has none, and a node is kept with
    /// every label and annotation of a fleet.
    pub tag: Option<Box<str>>,
}

/// A mapping entry. Keys keep their own node (and span) so that a diagnostic about a key
/// (unknown field, duplicate) underlines the key, not the value.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: Node,
    pub value: Node,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Scalar(Scalar),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub span: Span,
    pub kind: NodeKind,
}

/// A plain scalar typed the way Kubernetes' YAML reader (YAML 1.1 rules, as in go-yaml v2)
/// types it before JSON decoding.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Resolved<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'a str),
}

impl Resolved<'_> {
    /// The noun used in "expected a string, found …".
    pub fn type_name(&self) -> &'static str {
        match self {
            Resolved::Null => "null",
            Resolved::Bool(_) => "a boolean",
            Resolved::Int(_) => "an integer",
            Resolved::Float(_) => "a number",
            Resolved::Str(_) => "a string",
        }
    }
}

impl Node {
    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            NodeKind::Scalar(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.kind {
            NodeKind::Map(m) => Some(m),
            _ => None,
        }
    }
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Seq(s) => Some(s),
            _ => None,
        }
    }
    /// The value under a string key of a mapping (first match).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?
            .iter()
            .find(|e| e.key.as_scalar().is_some_and(|k| k.value == key))
            .map(|e| &e.value)
    }
    /// The resolved string value if this is a scalar that Kubernetes reads as a string.
    pub fn as_str(&self) -> Option<&str> {
        match self.resolve()? {
            Resolved::Str(s) => Some(s),
            _ => None,
        }
    }
    /// Resolves a scalar as Kubernetes would; `None` for collections.
    pub fn resolve(&self) -> Option<Resolved<'_>> {
        self.as_scalar().map(Scalar::resolve)
    }
    /// `resolve() == Some(Resolved::Null)` without typing the value as a number: decoding
    /// asks this of every field it reads.
    pub fn is_null(&self) -> bool {
        self.as_scalar().is_some_and(Scalar::is_null)
    }
    /// A short noun phrase for type-mismatch messages.
    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            NodeKind::Scalar(s) => s.resolve().type_name(),
            NodeKind::Seq(_) => "a list",
            NodeKind::Map(_) => "a mapping",
        }
    }
    /// Number of nodes in this subtree (used for the alias-expansion budget).
    pub fn size(&self) -> usize {
        match &self.kind {
            NodeKind::Scalar(_) => 1,
            NodeKind::Seq(items) => 1 + items.iter().map(Node::size).sum::<usize>(),
            NodeKind::Map(entries) => {
                1 + entries
                    .iter()
                    .map(|e| e.key.size() + e.value.size())
                    .sum::<usize>()
            }
        }
    }
}

impl Scalar {
    /// Whether [`Scalar::resolve`] gives `Null`: a `!!null` tag, or a plain null spelling
    /// under any tag but `!!str` (a `!!bool null` falls back to plain resolution).
    pub fn is_null(&self) -> bool {
        match self.tag.as_deref() {
            Some("str") => false,
            Some("null") => true,
            _ => !self.style.is_quoted() && is_plain_null(&self.value),
        }
    }

    pub fn resolve(&self) -> Resolved<'_> {
        match self.tag.as_deref() {
            Some("str") => return Resolved::Str(&self.value),
            Some("null") => return Resolved::Null,
            Some("bool") => {
                if let Some(b) = resolve_bool(&self.value) {
                    return Resolved::Bool(b);
                }
            }
            Some("int") => {
                if let Some(i) = resolve_int(&self.value) {
                    return Resolved::Int(i);
                }
            }
            Some("float") => {
                if let Some(f) = resolve_float(&self.value) {
                    return Resolved::Float(f);
                }
            }
            _ => {}
        }
        if self.style.is_quoted() {
            return Resolved::Str(&self.value);
        }
        resolve_plain(&self.value)
    }
}

/// YAML 1.1 plain-scalar resolution as go-yaml v2 (and so `kubectl`) applies it.
pub fn resolve_plain(v: &str) -> Resolved<'_> {
    if is_plain_null(v) {
        return Resolved::Null;
    }
    if let Some(b) = resolve_bool(v) {
        return Resolved::Bool(b);
    }
    if let Some(i) = resolve_int(v) {
        return Resolved::Int(i);
    }
    if let Some(f) = resolve_float(v) {
        return Resolved::Float(f);
    }
    Resolved::Str(v)
}

fn is_plain_null(v: &str) -> bool {
    matches!(v, "" | "~" | "null" | "Null" | "NULL")
}

fn resolve_bool(v: &str) -> Option<bool> {
    match v {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Some(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Some(false)
        }
        _ => None,
    }
}

fn resolve_int(v: &str) -> Option<i64> {
    let (neg, body) = match v.as_bytes().first()? {
        b'-' => (true, &v[1..]),
        b'+' => (false, &v[1..]),
        _ => (false, v),
    };
    // Every integer form starts with a digit (`0b`, `0x`, octal `0…`, decimal); checking
    // that first keeps the common case, a plain word, free of any allocation.
    if !body.as_bytes().first()?.is_ascii_digit() {
        return None;
    }
    let clean: std::borrow::Cow<str> = if body.contains('_') {
        body.replace('_', "").into()
    } else {
        body.into()
    };
    let parsed = if let Some(b) = clean.strip_prefix("0b") {
        i64::from_str_radix(b, 2).ok()
    } else if let Some(h) = clean.strip_prefix("0x") {
        i64::from_str_radix(h, 16).ok()
    } else if clean.len() > 1 && clean.starts_with('0') {
        i64::from_str_radix(&clean[1..], 8).ok()
    } else if clean.bytes().all(|b| b.is_ascii_digit()) {
        clean.parse::<i64>().ok()
    } else {
        None
    }?;
    Some(if neg { -parsed } else { parsed })
}

fn resolve_float(v: &str) -> Option<f64> {
    match v {
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Some(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Some(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Some(f64::NAN),
        _ => {}
    }
    let b = v.as_bytes();
    // The character check first: it stops at the first letter of a word, where counting
    // digits would read a whole annotation value.
    let shape_ok = b
        .iter()
        .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-' | b'_'))
        && b.iter().any(u8::is_ascii_digit)
        && (v.contains('.') || v.contains('e') || v.contains('E'));
    if !shape_ok {
        return None;
    }
    v.replace('_', "").parse::<f64>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_scalars_resolve_like_kubectl() {
        assert_eq!(resolve_plain("on"), Resolved::Bool(true));
        assert_eq!(resolve_plain("No"), Resolved::Bool(false));
        assert_eq!(resolve_plain("80"), Resolved::Int(80));
        assert_eq!(resolve_plain("0x1F"), Resolved::Int(31));
        assert_eq!(resolve_plain("0777"), Resolved::Int(511));
        assert_eq!(resolve_plain("-5"), Resolved::Int(-5));
        assert_eq!(resolve_plain("1.5"), Resolved::Float(1.5));
        assert_eq!(resolve_plain("~"), Resolved::Null);
        assert_eq!(resolve_plain(""), Resolved::Null);
        assert_eq!(resolve_plain("k8s-svc=cube"), Resolved::Str("k8s-svc=cube"));
        assert_eq!(resolve_plain("1.2.3"), Resolved::Str("1.2.3"));
        assert_eq!(resolve_plain("cn-hangzhou"), Resolved::Str("cn-hangzhou"));
        assert_eq!(resolve_plain("e5"), Resolved::Str("e5"));
        assert_eq!(resolve_plain("1_000"), Resolved::Int(1000));
        assert_eq!(resolve_plain("-0b1_0"), Resolved::Int(-2));
        assert_eq!(resolve_plain("_1"), Resolved::Str("_1"));
        assert_eq!(resolve_plain("+"), Resolved::Str("+"));
    }

    #[test]
    fn is_null_agrees_with_resolve() {
        let tags = [
            None,
            Some("str"),
            Some("null"),
            Some("bool"),
            Some("int"),
            Some("float"),
        ];
        let styles = [ScalarStyle::Plain, ScalarStyle::SingleQuoted];
        for value in ["", "~", "null", "NULL", "x", "1", "true", "1.5"] {
            for tag in tags {
                for style in styles {
                    let s = Scalar {
                        value: value.into(),
                        style,
                        tag: tag.map(Box::from),
                    };
                    assert_eq!(
                        s.is_null(),
                        s.resolve() == Resolved::Null,
                        "{value:?} {tag:?} {style:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn quoted_and_tagged_scalars_stay_strings() {
        let s = Scalar {
            value: "true".into(),
            style: ScalarStyle::DoubleQuoted,
            tag: None,
        };
        assert_eq!(s.resolve(), Resolved::Str("true"));
        let t = Scalar {
            value: "80".into(),
            style: ScalarStyle::Plain,
            tag: Some("str".into()),
        };
        assert_eq!(t.resolve(), Resolved::Str("80"));
    }
}
