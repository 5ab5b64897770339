//! Decoding helpers: read typed fields out of spanned YAML with Kubernetes' strictness,
//! collecting every problem instead of stopping at the first.
//!
//! A [`Fields`] reader wraps one mapping. Each `take`/`string`/`int`/… call both reads a
//! field and declares it known; `finish` then warns about every key nobody asked for, with
//! a "did you mean" from the known names (kubectl's strict field validation).

use compact_str::CompactString;

use crate::diag::{Diagnostic, Diagnostics};
use crate::source::offsets::ValueLocator;
use crate::source::{Node, NodeKind, Resolved, ScalarStyle, SourceFile, SourceMap, Span};

/// Decoded text: most values are short (names, label values, IPs, `v1`), and a
/// [`CompactString`] keeps up to 24 bytes inline, without an allocation of its own.
pub type Text = CompactString;

/// A value with the span of the YAML that produced it.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

impl Spanned<Text> {
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

/// An optional field that most objects lack, on the heap: 8 bytes when absent where an
/// inline `Option<Spanned<Text>>` takes 40. Unlike an `Option<Box<T>>`, it reads as an
/// `Option<&T>` (`as_ref`), so callers chain it with fields that are not boxed.
#[derive(Clone, PartialEq)]
pub struct Rare<T>(Option<Box<T>>);

// Manual: a derive would demand `T: Default`, but the default is absent.
impl<T> Default for Rare<T> {
    fn default() -> Self {
        Rare(None)
    }
}

impl<T> Rare<T> {
    pub fn new(value: Option<T>) -> Self {
        Rare(value.map(Box::new))
    }
    pub fn as_ref(&self) -> Option<&T> {
        self.0.as_deref()
    }
    pub fn is_some(&self) -> bool {
        self.0.is_some()
    }
    pub fn is_none(&self) -> bool {
        self.0.is_none()
    }
}

/// Prints as the `Option` it replaces did.
impl<T: std::fmt::Debug> std::fmt::Debug for Rare<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_ref().fmt(f)
    }
}

/// What decoding needs besides the node: the sources (for exact value positions) and the
/// diagnostics sink.
pub struct Ctx<'a> {
    pub sources: &'a SourceMap,
    pub diags: &'a mut Diagnostics,
}

impl Ctx<'_> {
    pub fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }
}

/// One entry of a `map[string]string` (labels, annotations, selectors).
#[derive(Debug, Clone, PartialEq)]
pub struct StringEntry {
    pub key: Spanned<Text>,
    pub value: Spanned<Text>,
    /// How the value was written, for positions inside it ([`StringEntry::locator`]).
    pub style: ScalarStyle,
    /// The scalar as the YAML parser decoded it, when that is not `value`: a `null` value
    /// decodes to `""` but the locator must still see what was written (`~`, `null`).
    /// A thin box: 8 bytes, where a `Box<str>` would make every entry 8 bytes larger.
    written: Option<Box<Text>>,
}

impl StringEntry {
    /// An entry whose value is the decoded scalar itself.
    pub fn new(key: Spanned<Text>, value: Spanned<Text>, style: ScalarStyle) -> Self {
        StringEntry {
            key,
            value,
            style,
            written: None,
        }
    }

    /// Maps byte ranges of the value to the file, exactly as a locator over the value's
    /// YAML node would.
    pub fn locator(&self, file: &SourceFile) -> ValueLocator {
        let written = self.written.as_deref().unwrap_or(&self.value.value);
        ValueLocator::of_scalar(file, self.value.span, self.style, written)
    }
}

/// An ordered `map[string]string` that remembers spans. Labels and annotations hold a
/// few entries each, so a list searched in order is both smaller and as fast as a hash
/// table; the methods are those of the map it replaces. A boxed slice, not a `Vec`: every
/// object carries two maps and a workload four, and a map never grows once decoded.
#[derive(Clone, Default)]
pub struct StringMap {
    entries: Box<[StringEntry]>,
}

impl StringMap {
    pub fn new() -> Self {
        StringMap::default()
    }

    /// Generic over the key's type, as the map's own lookup was (`&String`, `&str`).
    pub fn get<K: AsRef<str> + ?Sized>(&self, key: &K) -> Option<&StringEntry> {
        let key = key.as_ref();
        self.entries.iter().find(|e| e.key.value == key)
    }

    pub fn contains_key<K: AsRef<str> + ?Sized>(&self, key: &K) -> bool {
        self.get(key).is_some()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Entries in the order written, as (key, entry).
    pub fn iter(&self) -> <&Self as IntoIterator>::IntoIter {
        self.into_iter()
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &Text> + ExactSizeIterator {
        self.entries.iter().map(|e| &e.key.value)
    }

    pub fn values(&self) -> std::slice::Iter<'_, StringEntry> {
        self.entries.iter()
    }

    /// The entries in the order written, owned.
    pub fn into_entries(self) -> Vec<StringEntry> {
        self.entries.into_vec()
    }

    /// The map of `written` entries: a key written twice keeps its first place and takes
    /// the later entry, as in Go's map decoding (the last value wins).
    fn from_written(mut entries: Vec<StringEntry>) -> Self {
        crate::unique::keep_last_in_first_place(&mut entries, |e| &e.key.value);
        StringMap {
            entries: entries.into_boxed_slice(),
        }
    }
}

impl<'a> IntoIterator for &'a StringMap {
    type Item = (&'a Text, &'a StringEntry);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, StringEntry>,
        fn(&'a StringEntry) -> (&'a Text, &'a StringEntry),
    >;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|e| (&e.key.value, e))
    }
}

/// Equal when both hold the same keys with equal entries, in any order, as the map this
/// type replaces compared.
impl PartialEq for StringMap {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len()
            && self
                .entries
                .iter()
                .all(|e| other.get(&e.key.value) == Some(e))
    }
}

/// Prints as a map from key to entry, as the map this type replaces did.
impl std::fmt::Debug for StringMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// Reports a type mismatch in Kubernetes' words, with the fix for the usual cause.
pub fn type_error(ctx: &mut Ctx, node: &Node, path: &str, expected: &str) {
    let found = node.type_name();
    let mut d = Diagnostic::error(
        "LBP1103",
        format!("`{path}` must be {expected}, found {found}"),
    )
    .with_primary(node.span, format!("expected {expected}"));
    d = match (expected, node.resolve()) {
        ("a string", Some(Resolved::Bool(_) | Resolved::Int(_) | Resolved::Float(_))) => {
            let raw = node.as_scalar().map(|s| s.value.as_str()).unwrap_or("");
            d.with_help(format!(
                "quote the value: \"{raw}\" (unquoted, YAML reads it as {found} and the API server rejects it)"
            ))
        }
        ("an integer", Some(Resolved::Str(s))) if s.trim().parse::<i64>().is_ok() => {
            d.with_help(format!("remove the quotes: {}", s.trim()))
        }
        _ => d.with_help(format!("write {expected} here")),
    };
    ctx.push(d);
}

/// A reader over one mapping node.
pub struct Fields<'n> {
    node: &'n Node,
    entries: &'n [crate::source::node::Entry],
    used: Vec<bool>,
    known: Vec<&'static str>,
    path: String,
}

impl<'n> Fields<'n> {
    /// `None` (with an error) when the node is not a mapping; `null` is treated as empty.
    pub fn new(ctx: &mut Ctx, node: &'n Node, path: &str) -> Option<Fields<'n>> {
        Self::at(ctx, node, path.to_string())
    }

    /// [`Fields::new`] taking the path it keeps (no second copy of a built path).
    fn at(ctx: &mut Ctx, node: &'n Node, path: String) -> Option<Fields<'n>> {
        match &node.kind {
            NodeKind::Map(entries) => Some(Fields {
                node,
                entries,
                used: vec![false; entries.len()],
                known: Vec::new(),
                path,
            }),
            NodeKind::Scalar(_) if node.resolve() == Some(Resolved::Null) => Some(Fields {
                node,
                entries: &[],
                used: Vec::new(),
                known: Vec::new(),
                path,
            }),
            _ => {
                type_error(ctx, node, &path, "a mapping");
                None
            }
        }
    }

    pub fn node(&self) -> &'n Node {
        self.node
    }

    /// The dotted path of a child field, for messages (`spec.ports[0].port`).
    pub fn child_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// Marks `key` known and returns its value node; an explicit `null` counts as absent.
    pub fn take(&mut self, key: &'static str) -> Option<&'n Node> {
        self.known.push(key);
        let mut found = None;
        for (i, e) in self.entries.iter().enumerate() {
            if e.key.as_scalar().is_some_and(|k| k.value == key) {
                self.used[i] = true;
                found = Some(&e.value);
            }
        }
        found.filter(|n| !n.is_null())
    }

    /// The span of a key (for "missing sibling" style messages).
    pub fn key_span(&self, key: &str) -> Option<Span> {
        self.entries
            .iter()
            .find(|e| e.key.as_scalar().is_some_and(|k| k.value == key))
            .map(|e| e.key.span)
    }

    /// Declares fields that are valid Kubernetes but that lbplan does not read.
    pub fn accept(&mut self, keys: &[&'static str]) {
        for k in keys {
            self.take(k);
        }
    }

    pub fn string(&mut self, ctx: &mut Ctx, key: &'static str) -> Option<Spanned<Text>> {
        let node = self.take(key)?;
        string_or_report(ctx, node, || self.child_path(key))
    }

    pub fn int(&mut self, ctx: &mut Ctx, key: &'static str) -> Option<Spanned<i64>> {
        let node = self.take(key)?;
        match node.resolve() {
            Some(Resolved::Int(i)) => Some(Spanned::new(i, node.span)),
            _ => int_of(ctx, node, &self.child_path(key)),
        }
    }

    pub fn bool(&mut self, ctx: &mut Ctx, key: &'static str) -> Option<Spanned<bool>> {
        let node = self.take(key)?;
        match node.resolve() {
            Some(Resolved::Bool(b)) => {
                warn_yaml11_boolean(ctx, node, &self.child_path(key), b);
                Some(Spanned::new(b, node.span))
            }
            _ => {
                let path = self.child_path(key);
                type_error(ctx, node, &path, "a boolean");
                None
            }
        }
    }

    /// A nested mapping field.
    pub fn map(&mut self, ctx: &mut Ctx, key: &'static str) -> Option<Fields<'n>> {
        let node = self.take(key)?;
        Fields::at(ctx, node, self.child_path(key))
    }

    /// A list field; each item comes with its path (`spec.ports[2]`).
    pub fn list(&mut self, ctx: &mut Ctx, key: &'static str) -> Vec<(String, &'n Node)> {
        let Some(node) = self.take(key) else {
            return Vec::new();
        };
        let path = self.child_path(key);
        match &node.kind {
            NodeKind::Seq(items) => items
                .iter()
                .enumerate()
                .map(|(i, n)| (format!("{path}[{i}]"), n))
                .collect(),
            _ => {
                type_error(ctx, node, &path, "a list");
                Vec::new()
            }
        }
    }

    /// A list of strings.
    pub fn strings(&mut self, ctx: &mut Ctx, key: &'static str) -> Vec<Spanned<Text>> {
        self.list(ctx, key)
            .into_iter()
            .filter_map(|(p, n)| string_of(ctx, n, &p))
            .collect()
    }

    /// A `map[string]string` field (labels, annotations, selector).
    pub fn string_map(&mut self, ctx: &mut Ctx, key: &'static str) -> StringMap {
        let Some(node) = self.take(key) else {
            return StringMap::new();
        };
        string_map_at(ctx, node, &|| self.child_path(key))
    }

    /// Warns about every key that no reader asked for.
    pub fn finish(self, ctx: &mut Ctx) {
        for (i, e) in self.entries.iter().enumerate() {
            if self.used[i] {
                continue;
            }
            let name = e
                .key
                .as_scalar()
                .map(|s| s.value.clone())
                .unwrap_or_else(|| "<complex key>".to_string());
            let path = self.child_path(&name);
            let mut d = Diagnostic::warning("LBP3101", format!("unknown field `{path}`"))
                .with_primary(e.key.span, "not a field of this object");
            d = match crate::annotations::suggest(&name, self.known.iter().copied()) {
                Some(s) => d.with_help(format!("did you mean `{s}`?")),
                None => d.with_help(format!(
                    "the API server drops unknown fields silently; known fields here: {}",
                    known_list(&self.known)
                )),
            };
            ctx.push(d);
        }
    }
}

/// `yes`, `on`, `Y`… are booleans to Kubernetes' YAML 1.1 reader but strings to YAML 1.2
/// tools (yq, most linters, Python's ruamel in 1.2 mode), so the same file means different
/// things to different readers. Only `true`/`false` are unambiguous.
fn warn_yaml11_boolean(ctx: &mut Ctx, node: &Node, path: &str, value: bool) {
    let Some(s) = node.as_scalar() else {
        return;
    };
    if s.style.is_quoted() || s.tag.is_some() || matches!(s.value.as_str(), "true" | "false") {
        return;
    }
    ctx.push(
        Diagnostic::warning(
            "LBP3105",
            format!("`{path}: {}` is a YAML 1.1 boolean spelling", s.value),
        )
        .with_primary(
            node.span,
            format!("read as `{value}` here, as a string by YAML 1.2 tools"),
        )
        .with_help(format!("write `{value}`")),
    );
}

fn known_list(known: &[&str]) -> String {
    let mut k: Vec<&str> = known.to_vec();
    k.sort_unstable();
    k.dedup();
    k.iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn string_of(ctx: &mut Ctx, node: &Node, path: &str) -> Option<Spanned<Text>> {
    string_or_report(ctx, node, || path.to_string())
}

/// [`string_of`] with the path built only for the error: most values are fine, and a
/// path per value read was a large share of decoding a fleet.
fn string_or_report(
    ctx: &mut Ctx,
    node: &Node,
    path: impl FnOnce() -> String,
) -> Option<Spanned<Text>> {
    text_or_report(ctx, node, path, |s| Text::from(s))
}

/// [`string_or_report`] making the text with `text`.
fn text_or_report(
    ctx: &mut Ctx,
    node: &Node,
    path: impl FnOnce() -> String,
    text: fn(&str) -> Text,
) -> Option<Spanned<Text>> {
    match node.resolve() {
        Some(Resolved::Str(s)) => Some(Spanned::new(text(s), node.span)),
        _ => {
            type_error(ctx, node, &path(), "a string");
            None
        }
    }
}

/// Label and annotation keys that lbplan reads and that a fleet repeats on every object of
/// a kind: every Node's pool, every fanned-out Service's selector, every NodePool's ENS
/// ids. They are longer than the 24 bytes a [`Text`] keeps inline, so each copy took an
/// allocation of its own (fleet-10000: 20,000 pool labels, 10,000 selectors).
const WELL_KNOWN_KEYS: &[&str] = &[
    super::node::NODEPOOL_LABEL,
    super::node::DESIRED_NODEPOOL_LABEL,
    super::nodepool::ENS_NETWORK_ID,
    super::nodepool::ENS_REGION_ID,
    super::nodepool::ENS_VSWITCH_ID,
    super::endpointslice::SERVICE_NAME_LABEL,
    super::poolservice::MANAGED_BY_LABEL,
    super::ingress::DEFAULT_CLASS_ANNOTATION,
    crate::ir::NODEPOOL_SELECTOR,
    crate::topology::EXCLUDE_FROM_LB_LABEL,
];

/// A map key as [`Text`]: one of [`WELL_KNOWN_KEYS`] refers to the static text (no
/// allocation, and copies are free too); any other key is copied.
fn key_text(key: &str) -> Text {
    if key.len() > std::mem::size_of::<Text>()
        && let Some(known) = WELL_KNOWN_KEYS.iter().find(|k| **k == key)
    {
        return Text::const_new(known);
    }
    Text::from(key)
}

pub fn int_of(ctx: &mut Ctx, node: &Node, path: &str) -> Option<Spanned<i64>> {
    match node.resolve() {
        Some(Resolved::Int(i)) => Some(Spanned::new(i, node.span)),
        _ => {
            type_error(ctx, node, path, "an integer");
            None
        }
    }
}

/// Kubernetes' IntOrString (`targetPort`, `port` of an Ingress backend …).
#[derive(Debug, Clone, PartialEq)]
pub enum IntOrString {
    Int(i64),
    Str(String),
}

pub fn int_or_string_of(ctx: &mut Ctx, node: &Node, path: &str) -> Option<Spanned<IntOrString>> {
    match node.resolve() {
        Some(Resolved::Int(i)) => Some(Spanned::new(IntOrString::Int(i), node.span)),
        Some(Resolved::Str(s)) => Some(Spanned::new(IntOrString::Str(s.to_string()), node.span)),
        _ => {
            type_error(ctx, node, path, "an integer or a string");
            None
        }
    }
}

pub fn string_map_of(ctx: &mut Ctx, node: &Node, path: &str) -> StringMap {
    string_map_at(ctx, node, &|| path.to_string())
}

/// [`string_map_of`] with the path built only for an error message.
fn string_map_at(ctx: &mut Ctx, node: &Node, path: &dyn Fn() -> String) -> StringMap {
    let NodeKind::Map(entries) = &node.kind else {
        type_error(ctx, node, &path(), "a mapping of strings");
        return StringMap::new();
    };
    // Exactly sized: most maps hold one to three entries, and growing would reserve room
    // for several more in every label set of a fleet.
    let mut written = Vec::with_capacity(entries.len());
    for e in entries {
        let Some(k) = text_or_report(ctx, &e.key, || format!("{} key", path()), key_text) else {
            continue;
        };
        let Some(scalar) = e.value.as_scalar() else {
            type_error(
                ctx,
                &e.value,
                &format!("{}.{}", path(), k.value),
                "a string",
            );
            continue;
        };
        let entry = match scalar.resolve() {
            Resolved::Str(s) => {
                StringEntry::new(k, Spanned::new(Text::from(s), e.value.span), scalar.style)
            }
            // `null` in a map[string]string decodes to "" in Go.
            Resolved::Null => StringEntry {
                key: k,
                value: Spanned::new(Text::default(), e.value.span),
                style: scalar.style,
                written: (!scalar.value.is_empty())
                    .then(|| Box::new(Text::from(scalar.value.as_str()))),
            },
            _ => {
                let vpath = format!("{}.{}", path(), k.value);
                type_error(ctx, &e.value, &vpath, "a string");
                continue;
            }
        };
        written.push(entry);
    }
    StringMap::from_written(written)
}

/// The LBP1105 error for a value outside its allowed set, with a did-you-mean; `None` when
/// the value is allowed. Callers may reword the message before pushing it.
pub fn not_one_of(
    value: &Spanned<Text>,
    path: &str,
    allowed: &[&'static str],
) -> Option<Diagnostic> {
    if allowed.contains(&value.value.as_str()) {
        return None;
    }
    let list = allowed
        .iter()
        .map(|a| format!("`{a}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let d = Diagnostic::error(
        "LBP1105",
        format!("`{path}` must be one of {list}, found `{}`", value.value),
    )
    .with_primary(value.span, "unsupported value");
    Some(
        match crate::annotations::suggest(&value.value, allowed.iter().copied()) {
            Some(s) => d.with_help(format!("did you mean `{s}`? allowed values: {list}")),
            None => d.with_help(format!("use one of {list}")),
        },
    )
}

/// The LBP1104 error for a required field that is absent.
pub fn required_missing(span: Span, path: &str, help: &str) -> Diagnostic {
    Diagnostic::error("LBP1104", format!("`{path}` is required"))
        .with_primary(span, format!("`{path}` is missing here"))
        .with_help(help.to_string())
}

/// LBP2010 unless `port` is a valid port number (1–65535; 0 too when `zero_means_unset`,
/// as for `hostPort`).
pub fn check_port(ctx: &mut Ctx, port: &Spanned<i64>, path: &str, zero_means_unset: bool) -> bool {
    match port_out_of_range(port, path, zero_means_unset) {
        Some(d) => {
            ctx.push(d);
            false
        }
        None => true,
    }
}

/// The LBP2010 error for a number that is not a port (1–65535; 0 too when
/// `zero_means_unset`), shared by every object that carries ports.
pub fn port_out_of_range(
    port: &Spanned<i64>,
    path: &str,
    zero_means_unset: bool,
) -> Option<Diagnostic> {
    let ok = (1..=65535).contains(&port.value) || (zero_means_unset && port.value == 0);
    (!ok).then(|| {
        Diagnostic::error(
            "LBP2010",
            format!(
                "`{path}` must be a port number between 1 and 65535, found {}",
                port.value
            ),
        )
        .with_primary(port.span, "not a port number")
        .with_help("use a port number from 1 to 65535")
    })
}

#[cfg(test)]
mod tests {
    use crate::compile::validate_text;

    /// Labels of `n` distinct keys, then `k3` again: the repeat is reported upstream
    /// (duplicate key), and the map keeps `k3` in its first place with the last value.
    fn labels_with_repeat(n: usize) -> Vec<(String, String)> {
        let mut text =
            String::from("apiVersion: v1\nkind: Node\nmetadata:\n  name: n\n  labels:\n");
        for i in 0..n {
            text.push_str(&format!("    k{i}: v{i}\n"));
        }
        text.push_str("    k3: again\n");
        let c = validate_text("t.yaml", &text);
        c.nodes[0]
            .labels
            .iter()
            .map(|(k, e)| (k.to_string(), e.value.value.to_string()))
            .collect()
    }

    #[test]
    fn a_repeated_label_keeps_its_place_and_the_last_value_in_small_and_large_maps() {
        for n in [5, 200] {
            let labels = labels_with_repeat(n);
            assert_eq!(labels.len(), n, "{n} keys");
            assert_eq!(
                labels[3],
                ("k3".to_string(), "again".to_string()),
                "{n} keys"
            );
            assert_eq!(labels[n - 1].0, format!("k{}", n - 1));
        }
    }
}
