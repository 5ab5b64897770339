//! From the desired model to a format-neutral Terraform document: resource blocks with
//! resolved references, variables for required values nobody knows yet, and gaps.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use crate::diag::{Diagnostic, Diagnostics};
use crate::model::{Kind, Model, Owner, ProviderKind, Resource, Value};
use crate::source::Span;

use super::mapping::{self, Each, Ref, Target, TypeMapping, Variant};
use super::schema::{self, TypeSchema};
use indexmap::IndexMap;

use super::{Block, Document, Entry, Gap, TfValue, Variable, strip_unknown};

/// How each model resource is written, decided before any body is built so that
/// references can name their targets.
#[derive(Debug, Clone)]
enum Status {
    /// A resource block `tf_type.name` (a backend's first server block for `Each`).
    Block { tf_type: &'static str, name: String },
    /// Managed outside the configuration (owner: user); referenced by its known id.
    External { id: Option<String> },
    /// Written as nested blocks of another resource's block.
    Folded {
        into: String,
        tf_type: &'static str,
        name: String,
    },
    /// Not expressible; the reason.
    Gap(String),
}

/// Builds the document and the diagnostics that list every gap.
pub fn lower(model: &Model) -> (Document, Diagnostics) {
    let mut gaps: HashMap<String, String> = HashMap::new();
    loop {
        let statuses = statuses(model, &gaps);
        let mut lowering = Lowering {
            model,
            statuses: &statuses,
            doc: Document::default(),
            new_gaps: Vec::new(),
            unexpressed: BTreeMap::new(),
        };
        for r in model.iter() {
            lowering.resource(r);
        }
        if lowering.new_gaps.is_empty() {
            let diags = lowering.diagnostics();
            return (lowering.doc, diags);
        }
        gaps.extend(lowering.new_gaps);
    }
}

fn statuses(model: &Model, gaps: &HashMap<String, String>) -> HashMap<String, Status> {
    let mut used: BTreeSet<(&'static str, String)> = BTreeSet::new();
    let mut out = HashMap::new();
    for r in model.iter() {
        let status = if let Some(reason) = gaps.get(&r.address) {
            Status::Gap(reason.clone())
        } else if r.owner == Owner::User {
            Status::External {
                id: match r.attrs.get("id").map(|a| &a.value) {
                    Some(Value::String(s)) => Some(s.to_string()),
                    _ => None,
                },
            }
        } else {
            match mapping::lookup(r.provider, r.kind, variant(model, r)).map(|m| m.target) {
                Some(Target::Type(t)) => Status::Block {
                    tf_type: t.tf_type,
                    name: unique_name(&mut used, t.tf_type, &base_name(&r.address)),
                },
                Some(Target::Gap(reason)) => Status::Gap(reason.to_string()),
                // Decided below, once the statuses of the load balancers are known.
                Some(Target::Fold(_)) => continue,
                None => Status::Gap(format!(
                    "lbplan has no Terraform mapping for {} {} yet",
                    r.provider, r.kind
                )),
            }
        };
        out.insert(r.address.clone(), status);
    }
    let pending: Vec<&Resource> = model
        .iter()
        .filter(|r| !out.contains_key(&r.address))
        .collect();
    for r in pending {
        let Some(Target::Fold(fold)) =
            mapping::lookup(r.provider, r.kind, variant(model, r)).map(|m| m.target)
        else {
            continue;
        };
        let status = match nearest(model, r, fold.into).map(|t| (t, out.get(&t.address))) {
            Some((target, Some(Status::Block { tf_type, name }))) => Status::Folded {
                into: target.address.clone(),
                tf_type,
                name: name.clone(),
            },
            Some((_, Some(Status::External { .. }))) => Status::Gap(format!(
                "it belongs in `{}` of its {}, which is managed outside this configuration \
                 (owner: user)",
                fold.block, fold.into
            )),
            Some((target, _)) => Status::Gap(format!(
                "it belongs in `{}` of {}, which is not written as a resource block here",
                fold.block, target.address
            )),
            None => Status::Gap(format!("it has no {} to belong to", fold.into)),
        };
        out.insert(r.address.clone(), status);
    }
    out
}

/// The Huawei ELB flavour a resource belongs to, from its load balancer's `class`.
fn variant(model: &Model, r: &Resource) -> Variant {
    if r.provider != ProviderKind::HuaweiElb {
        return Variant::Any;
    }
    let lb = if r.kind == Kind::LoadBalancer {
        Some(r)
    } else {
        nearest(model, r, Kind::LoadBalancer)
    };
    match lb.and_then(|lb| lb.attrs.get("class")).map(|a| &a.value) {
        Some(Value::String(c)) if c == "performance" => Variant::HuaweiDedicated,
        _ => Variant::HuaweiShared,
    }
}

/// The closest resource of `kind` among the transitive dependencies (breadth first, in
/// `depends_on` order, so the answer is deterministic).
fn nearest<'m>(model: &'m Model, r: &Resource, kind: Kind) -> Option<&'m Resource> {
    let mut queue: VecDeque<&str> = r.depends_on.iter().map(|d| d.as_str()).collect();
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    while let Some(addr) = queue.pop_front() {
        if !seen.insert(addr) {
            continue;
        }
        let Some(dep) = model.get(addr) else { continue };
        if dep.kind == kind && dep.provider == r.provider {
            return Some(dep);
        }
        queue.extend(dep.depends_on.iter().map(|d| d.as_str()));
    }
    None
}

/// A Terraform name from an address: the kind prefix dropped, every character that is not
/// a letter, digit, `_` or `-` replaced by `_`, and a leading `_` when it would start with
/// anything but a letter.
pub fn base_name(address: &str) -> String {
    let rest = match address.split_once('.') {
        Some((prefix, rest))
            if !rest.is_empty() && prefix.chars().all(|c| c.is_ascii_lowercase() || c == '_') =>
        {
            rest
        }
        _ => address,
    };
    sanitize(rest)
}

fn sanitize(s: &str) -> String {
    let mut out = sanitize_chars(s);
    if !out.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        out.insert(0, '_');
    }
    out
}

fn sanitize_chars(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn unique_name(
    used: &mut BTreeSet<(&'static str, String)>,
    tf_type: &'static str,
    base: &str,
) -> String {
    let mut name = base.to_string();
    let mut n = 2;
    while !used.insert((tf_type, name.clone())) {
        name = format!("{base}_{n}");
        n += 1;
    }
    name
}

/// A block's name, arguments and comments.
type NamedBody = (String, Vec<(String, TfValue)>, Vec<String>);

/// Gaps are reported together per (provider, kind, reason).
type GapKey<'a> = (ProviderKind, Kind, &'a str);

struct Lowering<'a> {
    model: &'a Model,
    statuses: &'a HashMap<String, Status>,
    doc: Document,
    /// Resources found not expressible while building bodies (a missing required argument,
    /// a reference to a gap): the next round writes them as gaps.
    new_gaps: Vec<(String, String)>,
    /// (type, attribute) → the resources whose attribute has no Terraform argument.
    unexpressed: BTreeMap<(&'static str, String), Vec<String>>,
}

impl Lowering<'_> {
    fn resource(&mut self, r: &Resource) {
        let (cloud, source) = mapping::cloud(r.provider);
        self.doc.providers.insert(cloud, source);
        match self.statuses.get(&r.address) {
            Some(Status::Block { tf_type, name }) => {
                let Some(Target::Type(t)) =
                    mapping::lookup(r.provider, r.kind, variant(self.model, r)).map(|m| m.target)
                else {
                    return;
                };
                let Some(schema) = schema::resource_type(tf_type) else {
                    self.new_gaps.push((
                        r.address.clone(),
                        format!("{tf_type} is not in the provider schema"),
                    ));
                    return;
                };
                self.typed(r, &t, schema, name, cloud);
            }
            Some(Status::External { id }) => self.doc.entries.push(Entry::External {
                cloud,
                address: r.address.clone(),
                kind: r.kind,
                provider: r.provider,
                id: id.clone(),
            }),
            Some(Status::Folded { tf_type, name, .. }) => self.doc.entries.push(Entry::Folded {
                cloud,
                address: r.address.clone(),
                kind: r.kind,
                provider: r.provider,
                within: format!("{tf_type}.{name}"),
            }),
            Some(Status::Gap(reason)) => self.doc.entries.push(Entry::Gap(Gap {
                cloud,
                address: r.address.clone(),
                kind: r.kind,
                provider: r.provider,
                reason: reason.clone(),
                attrs: r
                    .attrs
                    .iter()
                    .filter(|(_, a)| !matches!(a.value, Value::Unknown))
                    .map(|(k, a)| (k.to_string(), a.value.to_string()))
                    .collect(),
                span: r.provenance.first().copied(),
            })),
            None => {}
        }
    }

    fn typed(
        &mut self,
        r: &Resource,
        t: &TypeMapping,
        schema: &TypeSchema,
        name: &str,
        cloud: &'static str,
    ) {
        let mut body: Vec<(String, TfValue)> = Vec::new();
        let mut comments = Vec::new();
        let ref_args: BTreeSet<&str> = t
            .refs
            .iter()
            .flat_map(|rf| [Some(rf.arg), rf.from])
            .flatten()
            .collect();
        let each_list = t.each.map(|e| e.list);
        let mut referenced = BTreeSet::new();
        for (key, attr) in &r.attrs {
            let key: &str = key;
            if ref_args.contains(key) || Some(key) == each_list {
                continue;
            }
            let arg = rename(t, key);
            // An attribute holding another resource's address is a reference to its id,
            // whether or not the table names it.
            if let Value::String(addr) = &attr.value
                && let Some(target) = self.model.get(addr)
                && schema.is_argument(arg)
            {
                match self.reference_to(r, arg, target, "id") {
                    Ok((value, address)) => {
                        referenced.extend(address);
                        body.push((arg.to_string(), value));
                    }
                    Err(reason) => {
                        self.new_gaps.push((r.address.clone(), reason));
                        return;
                    }
                }
                continue;
            }
            self.attribute(
                r,
                t,
                schema,
                arg,
                &attr.value,
                &mut body,
                &mut comments,
                None,
            );
        }
        self.folded_into(r, schema, &mut body, &mut comments);
        for rf in t.refs {
            match self.reference(r, rf) {
                Ok(Some((value, target))) => {
                    referenced.extend(target);
                    body.push((rf.arg.to_string(), value));
                }
                Ok(None) => {}
                Err(reason) => {
                    self.new_gaps.push((r.address.clone(), reason));
                    return;
                }
            }
        }
        let depends_on = self.depends_on(r, &referenced);
        let blocks = match t.each {
            None => vec![(name.to_string(), body, comments)],
            Some(each) => self.each_server(r, t, schema, name, each, &body, &comments),
        };
        for (block_name, block_body, _) in &blocks {
            if let Some(missing) = schema
                .required
                .iter()
                .find(|a| !block_body.iter().any(|(k, _)| k == *a))
            {
                self.new_gaps.push((
                    r.address.clone(),
                    format!(
                        "the model has no value for `{missing}`, which {} requires (block {block_name})",
                        t.tf_type
                    ),
                ));
                return;
            }
        }
        for (block_name, block_body, comments) in blocks {
            self.doc.entries.push(Entry::Block(Block {
                cloud,
                tf_type: t.tf_type,
                name: block_name,
                address: r.address.clone(),
                kind: r.kind,
                provider: r.provider,
                body: block_body,
                depends_on: depends_on.clone(),
                comments,
            }));
        }
    }

    /// One attribute into the body (or a comment when it is no argument of the type).
    #[allow(clippy::too_many_arguments)]
    fn attribute(
        &mut self,
        r: &Resource,
        t: &TypeMapping,
        schema: &TypeSchema,
        arg: &str,
        value: &Value,
        body: &mut Vec<(String, TfValue)>,
        comments: &mut Vec<String>,
        var_prefix: Option<&str>,
    ) {
        if schema.is_argument(arg) {
            if matches!(value, Value::Unknown) {
                if schema.is_required(arg) {
                    let var = match var_prefix {
                        Some(p) => format!("{p}_{arg}"),
                        None => arg.to_string(),
                    };
                    self.variable(&var, t.tf_type, arg, &r.address);
                    body.push((arg.to_string(), TfValue::Var(var)));
                }
                return;
            }
            let value = TfValue::from_value(value, schema, arg);
            let mut vars = Vec::new();
            value.variables(&mut vars);
            for var in vars {
                self.variable(&var, t.tf_type, arg, &r.address);
            }
            body.push((arg.to_string(), value));
            return;
        }
        if matches!(value, Value::Unknown) {
            // Assigned by the cloud: nothing to write, Terraform reads it after apply.
            return;
        }
        comments.push(format!("not an argument of {}: {arg} = {value}", t.tf_type));
        if !t.model_only.contains(&arg) {
            self.unexpressed
                .entry((t.tf_type, arg.to_string()))
                .or_default()
                .push(r.address.clone());
        }
    }

    fn variable(&mut self, var: &str, tf_type: &str, arg: &str, address: &str) {
        let v = self
            .doc
            .variables
            .entry(var.to_string())
            .or_insert_with(|| Variable {
                description: format!(
                    "The {arg} of {tf_type} (and the other resources that use it): the cloud or \
                 the cluster decides it, so lbplan cannot know it"
                ),
                used_by: Vec::new(),
            });
        if !v.used_by.iter().any(|a| a == address) {
            v.used_by.push(address.to_string());
        }
    }

    /// The value of a reference argument and the address it points at; `Ok(None)` when the
    /// resource has no such target (the required check decides whether that matters);
    /// `Err` when the target exists but cannot be referenced.
    fn reference(
        &mut self,
        r: &Resource,
        rf: &Ref,
    ) -> Result<Option<(TfValue, Option<String>)>, String> {
        let by_attr = rf
            .from
            .and_then(|from| match r.attrs.get(from).map(|a| &a.value) {
                Some(Value::String(addr)) => self.model.get(addr),
                _ => None,
            });
        let Some(target) = by_attr.or_else(|| nearest(self.model, r, rf.kind)) else {
            return Ok(None);
        };
        self.reference_to(r, rf.arg, target, rf.attr).map(Some)
    }

    /// `attr` of `target` as the value of `arg` of `r`, and the target's address when the
    /// value is a traversal (so no explicit `depends_on` repeats it).
    fn reference_to(
        &mut self,
        r: &Resource,
        arg: &str,
        target: &Resource,
        attr: &'static str,
    ) -> Result<(TfValue, Option<String>), String> {
        match self.statuses.get(&target.address) {
            Some(Status::Block { tf_type, name }) => Ok((
                TfValue::Ref {
                    tf_type,
                    name: name.clone(),
                    attr,
                },
                Some(target.address.clone()),
            )),
            Some(Status::External { id: Some(id) }) if attr == "id" => {
                Ok((TfValue::Literal(Value::String(id.as_str().into())), None))
            }
            Some(Status::External { .. }) => {
                // Managed outside: the user supplies the value (e.g. the existing ELB's subnet).
                let tf_type = self.tf_type_of(r);
                self.variable(attr, tf_type, attr, &r.address);
                Ok((TfValue::Var(attr.to_string()), None))
            }
            Some(Status::Gap(_) | Status::Folded { .. }) | None => Err(format!(
                "`{arg}` refers to {}, which Terraform cannot express",
                target.address
            )),
        }
    }

    /// The nested blocks of the resources folded into `r` (ENS backends into their ELB).
    fn folded_into(
        &mut self,
        r: &Resource,
        schema: &TypeSchema,
        body: &mut Vec<(String, TfValue)>,
        comments: &mut Vec<String>,
    ) {
        let (model, statuses) = (self.model, self.statuses);
        for folded in model.iter() {
            let Some(Status::Folded { into, .. }) = statuses.get(&folded.address) else {
                continue;
            };
            let Some(Target::Fold(fold)) =
                mapping::lookup(folded.provider, folded.kind, variant(model, folded))
                    .map(|m| m.target)
            else {
                continue;
            };
            if *into != r.address {
                continue;
            }
            let nested = schema.nested_blocks.get(fold.block);
            let is_arg = |k: &str| {
                nested.is_some_and(|n| n.required.iter().chain(&n.optional).any(|a| a == k))
            };
            let servers = match folded.attrs.get(fold.list).map(|a| &a.value) {
                Some(Value::List(items)) => &items[..],
                _ => &[],
            };
            let mut blocks = Vec::new();
            for server in servers {
                let Value::Map(fields) = server else { continue };
                let mut block = IndexMap::new();
                let shared = folded
                    .attrs
                    .iter()
                    .filter(|(k, _)| **k != *fold.list)
                    .map(|(k, a)| (&**k, &a.value));
                for (key, value) in fields.iter().map(|(k, v)| (&**k, v)).chain(shared) {
                    if matches!(value, Value::Unknown) {
                        continue;
                    }
                    if is_arg(key) {
                        block.insert(key.to_string(), TfValue::Literal(strip_unknown(value)));
                    } else {
                        let line = format!(
                            "not an argument of {}: {key} = {value} ({})",
                            fold.block, folded.address
                        );
                        if !comments.contains(&line) {
                            comments.push(line);
                        }
                        if !fold.model_only.contains(&key) {
                            let seen = self
                                .unexpressed
                                .entry((fold.block, key.to_string()))
                                .or_default();
                            if !seen.contains(&folded.address) {
                                seen.push(folded.address.clone());
                            }
                        }
                    }
                }
                blocks.push(block);
            }
            if !blocks.is_empty() {
                body.push((fold.block.to_string(), TfValue::Blocks(blocks)));
            }
        }
    }

    fn tf_type_of(&self, r: &Resource) -> &'static str {
        match self.statuses.get(&r.address) {
            Some(Status::Block { tf_type, .. }) => tf_type,
            _ => "",
        }
    }

    /// Explicit `depends_on` for ordering the model asks for that no reference implies.
    fn depends_on(
        &self,
        r: &Resource,
        referenced: &BTreeSet<String>,
    ) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        for dep in &r.depends_on {
            if referenced.contains(dep) {
                continue;
            }
            if let Some(Status::Block { tf_type, name }) = self.statuses.get(dep)
                && !out.iter().any(|(t, n)| t == tf_type && n == name)
            {
                out.push((*tf_type, name.clone()));
            }
        }
        out
    }

    /// One block per server of a backend: the shared arguments, then the server's own.
    #[allow(clippy::too_many_arguments)]
    fn each_server(
        &mut self,
        r: &Resource,
        t: &TypeMapping,
        schema: &TypeSchema,
        name: &str,
        each: Each,
        shared: &[(String, TfValue)],
        comments: &[String],
    ) -> Vec<NamedBody> {
        let servers = match r.attrs.get(each.list).map(|a| &a.value) {
            Some(Value::List(items)) => &items[..],
            _ => &[],
        };
        let mut used = BTreeSet::new();
        let mut blocks = Vec::new();
        for (i, server) in servers.iter().enumerate() {
            let Value::Map(fields) = server else { continue };
            let identity = each
                .identity
                .iter()
                .find_map(|k| match fields.get(*k) {
                    Some(Value::String(s)) => Some(sanitize_chars(s)),
                    _ => None,
                })
                .unwrap_or_else(|| i.to_string());
            let block_name = unique_name(&mut used, t.tf_type, &format!("{name}_{identity}"));
            let mut body = shared.to_vec();
            let mut server_comments = comments.to_vec();
            for (key, value) in fields {
                let arg = rename(t, key);
                let value = match each.fallbacks.iter().find(|(a, _)| *a == arg) {
                    Some((_, from)) if matches!(value, Value::Unknown) => {
                        fields.get(*from).unwrap_or(value)
                    }
                    _ => value,
                };
                self.attribute(
                    r,
                    t,
                    schema,
                    arg,
                    value,
                    &mut body,
                    &mut server_comments,
                    Some(name),
                );
            }
            blocks.push((block_name, body, server_comments));
        }
        blocks
    }

    fn diagnostics(&self) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let mut gaps: BTreeMap<GapKey, Vec<(&str, Option<Span>)>> = BTreeMap::new();
        for e in &self.doc.entries {
            if let Entry::Gap(g) = e {
                gaps.entry((g.provider, g.kind, g.reason.as_str()))
                    .or_default()
                    .push((g.address.as_str(), g.span));
            }
        }
        for ((provider, kind, reason), items) in gaps {
            let addresses: Vec<&str> = items.iter().map(|(a, _)| *a).collect();
            let mut d = Diagnostic::warning(
                "LBP8101",
                format!(
                    "{} {provider} {kind} resource(s) cannot be written as Terraform: {}",
                    items.len(),
                    addresses.join(", ")
                ),
            )
            .with_help(format!(
                "they are written as `# GAP` comments (`//` in .tf.json): {reason}"
            ));
            let mut spans = items.iter().filter_map(|(_, s)| *s);
            if let Some(first) = spans.next() {
                d = d.with_primary(first, "this produces a resource Terraform cannot express");
            }
            diags.push(d);
        }
        for ((tf_type, attr), addresses) in &self.unexpressed {
            let mut d = Diagnostic::warning(
                "LBP8102",
                format!("`{attr}` is not an argument of {tf_type}; left out of the configuration"),
            )
            .with_help(format!(
                "it is written as a comment above the block of {}; the model attribute should be \
                 named after a {tf_type} argument",
                addresses.join(", ")
            ));
            if let Some(span) = addresses
                .first()
                .and_then(|a| self.model.get(a))
                .and_then(|r| r.provenance.first().copied())
            {
                d = d.with_primary(span, "this value has no Terraform argument");
            }
            diags.push(d);
        }
        diags
    }
}

fn rename<'a>(t: &TypeMapping, key: &'a str) -> &'a str {
    t.renames
        .iter()
        .find(|(from, _)| *from == key)
        .map(|(_, to)| *to)
        .unwrap_or(key)
}
