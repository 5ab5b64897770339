//! Stage `manifest`: YAML documents → typed Kubernetes objects with spans.
//!
//! Object structs are our own rather than k8s-openapi's: those have no spans and drop
//! unknown fields silently, which is exactly what a validator must not do.

pub mod albconfig;
pub mod decode;
pub mod endpointslice;
pub mod ingress;
pub mod meta;
pub mod node;
pub mod nodepool;
pub mod poolservice;
pub mod profile;
pub mod service;
pub mod workload;

use crate::diag::Diagnostic;
use crate::source::{FileId, Node, Span, yaml::Document};
use decode::{Ctx, Fields, Spanned, Text};
pub use meta::ObjectMeta;

/// Every object a run decoded: the manifests, and the Nodes the loader kept as records.
#[derive(Debug, Clone, Copy)]
pub struct Objects<'m> {
    pub manifests: &'m [Manifest],
    pub nodes: &'m [node::NodeRecord],
}

/// A decoded object with its envelope.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    pub file: FileId,
    /// Span of the whole object (for "this object" labels).
    pub span: Span,
    pub api_version: Spanned<ApiVersion>,
    pub kind: Spanned<KindName>,
    pub meta: ObjectMeta,
    pub object: Object,
}

/// The `kind` of a decoded object: only the kinds of `KINDS` are kept, so the envelope
/// names its row (one byte) instead of owning a copy of the name (24), on each of the tens
/// of thousands of objects of a fleet. Reads as the name.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct KindName(u8);

impl KindName {
    pub fn as_str(self) -> &'static str {
        KINDS[usize::from(self.0)].2
    }
}

impl std::fmt::Display for KindName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Prints as the name, as the string it replaces did.
impl std::fmt::Debug for KindName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_str().fmt(f)
    }
}

/// The `apiVersion` of a decoded object: a served version of its kind's row of `KINDS`,
/// for the same reason as [`KindName`]. Reads as `group/version` (`v1` for the core API).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ApiVersion {
    row: u8,
    version: u8,
}

impl ApiVersion {
    pub fn as_str(self) -> &'static str {
        KINDS[usize::from(self.row)].1[usize::from(self.version)]
    }
}

impl std::fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Prints as the string it replaces did.
impl std::fmt::Debug for ApiVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_str().fmt(f)
    }
}

/// Every kind is [`Boxed`] (`service::Service` is `Boxed<ServiceBody>`): a fleet holds
/// tens of thousands of objects, and an inline enum gives each the size of the largest
/// kind. Nodes too, though most objects of a fleet are Nodes: inline, a Node's 144 bytes
/// were the size of every object's envelope; boxed, the envelope is 128 bytes smaller and
/// a Node takes 144 bytes more (fleet-10000: 40,501 objects, 20,000 Nodes).
#[derive(Debug, Clone, PartialEq)]
pub enum Object {
    Service(service::Service),
    Node(Boxed<node::NodeObject>),
    Pod(workload::Pod),
    Deployment(workload::Workload),
    DaemonSet(workload::Workload),
    StatefulSet(workload::Workload),
    EndpointSlice(Boxed<endpointslice::EndpointSlice>),
    NodePool(nodepool::NodePool),
    PoolService(poolservice::PoolService),
    Ingress(ingress::Ingress),
    IngressClass(ingress::IngressClass),
    AlbConfig(albconfig::AlbConfig),
    ClusterProfile(profile::ClusterProfile),
}

/// An object's fields on the heap, read through [`Deref`](std::ops::Deref) as if inline:
/// `svc.ports` works on a [`service::Service`] whether or not it is boxed.
#[derive(Clone, Default, PartialEq)]
pub struct Boxed<T>(Box<T>);

impl<T> Boxed<T> {
    pub fn new(value: T) -> Self {
        Boxed(Box::new(value))
    }
    /// The fields, moved off the heap (to take them apart).
    pub fn into_inner(self) -> T {
        *self.0
    }
}

impl<T> std::ops::Deref for Boxed<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> std::ops::DerefMut for Boxed<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

/// Prints as the fields themselves, as before they were boxed.
impl<T: std::fmt::Debug> std::fmt::Debug for Boxed<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

// `KindName` and `ApiVersion` index `KINDS` and a row's versions with a byte.
const _: () = {
    assert!(KINDS.len() <= 256);
    let mut i = 0;
    while i < KINDS.len() {
        assert!(KINDS[i].1.len() <= 256);
        i += 1;
    }
};

type Decoder = fn(&mut Ctx, &mut Fields, &Node, &str) -> Object;

/// (API group, served API versions, kind, decoder). The group of the core API is `""`, and
/// its versions are written without one (`v1`); the others' as `group/version`.
const KINDS: &[(&str, &[&str], &str, Decoder)] = &[
    ("", &["v1"], "Service", |c, f, n, _| {
        Object::Service(Boxed::new(service::decode(c, f, n)))
    }),
    ("", &["v1"], "Node", |c, f, n, _| {
        Object::Node(Boxed::new(node::decode(c, f, n)))
    }),
    ("", &["v1"], "Pod", |c, f, n, _| {
        Object::Pod(Boxed::new(workload::decode_pod(c, f, n)))
    }),
    ("apps", &["apps/v1"], "Deployment", |c, f, n, _| {
        Object::Deployment(Boxed::new(workload::decode_workload_of(
            c,
            f,
            n,
            workload::WorkloadKind::Deployment,
        )))
    }),
    ("apps", &["apps/v1"], "DaemonSet", |c, f, n, _| {
        Object::DaemonSet(Boxed::new(workload::decode_workload_of(
            c,
            f,
            n,
            workload::WorkloadKind::DaemonSet,
        )))
    }),
    ("apps", &["apps/v1"], "StatefulSet", |c, f, n, _| {
        Object::StatefulSet(Boxed::new(workload::decode_workload_of(
            c,
            f,
            n,
            workload::WorkloadKind::StatefulSet,
        )))
    }),
    (
        "discovery.k8s.io",
        &["discovery.k8s.io/v1"],
        "EndpointSlice",
        |c, f, n, _| Object::EndpointSlice(Boxed::new(endpointslice::decode(c, f, n))),
    ),
    (
        "apps.openyurt.io",
        &["apps.openyurt.io/v1beta1", "apps.openyurt.io/v1beta2"],
        "NodePool",
        |c, f, n, v| Object::NodePool(Boxed::new(nodepool::decode(c, f, n, v))),
    ),
    (
        "network.openyurt.io",
        &["network.openyurt.io/v1alpha1"],
        "PoolService",
        |c, f, n, _| Object::PoolService(Boxed::new(poolservice::decode(c, f, n))),
    ),
    (
        "networking.k8s.io",
        &["networking.k8s.io/v1"],
        "Ingress",
        |c, f, n, _| Object::Ingress(Boxed::new(ingress::decode_ingress(c, f, n))),
    ),
    (
        "networking.k8s.io",
        &["networking.k8s.io/v1"],
        "IngressClass",
        |c, f, n, _| Object::IngressClass(Boxed::new(ingress::decode_ingress_class(c, f, n))),
    ),
    (
        "alibabacloud.com",
        &["alibabacloud.com/v1"],
        "AlbConfig",
        |c, f, n, _| Object::AlbConfig(Boxed::new(albconfig::decode(c, f, n))),
    ),
    ("lbplan", &["lbplan/v1"], "ClusterProfile", |c, f, n, _| {
        Object::ClusterProfile(Boxed::new(profile::decode(c, f, n)))
    }),
];

/// Decodes one document onto `out` (a `List` gives several objects); problems go to
/// `ctx.diags`, unknown kinds are skipped with a note. The loader calls it as each document
/// is parsed, so the document's tree can be dropped right after.
pub fn decode_document(ctx: &mut Ctx, doc: &Document, out: &mut Vec<Manifest>) {
    if let Some(root) = object_root(doc) {
        decode_object(ctx, doc.file, root, None, out);
    }
}

/// The root of a document that holds something. An empty document (a trailing `---`, a
/// comment-only file) is no object: kubectl skips it, and so do we.
pub fn object_root(doc: &Document) -> Option<&Node> {
    doc.root.as_ref().filter(|root| !root.is_null())
}

/// `inherited` = (apiVersion, kind) of a typed list whose items may omit them.
fn decode_object(
    ctx: &mut Ctx,
    file: FileId,
    node: &Node,
    inherited: Option<(&Spanned<Text>, &str)>,
    out: &mut Vec<Manifest>,
) {
    if node.as_map().is_none() {
        ctx.push(
            Diagnostic::error(
                "LBP1101",
                format!("document is {}, not a Kubernetes object", node.type_name()),
            )
            .with_primary(node.span, "expected a mapping with `apiVersion` and `kind`")
            .with_help("each YAML document must be one object; separate objects with `---`"),
        );
        return;
    }
    let Some(mut f) = Fields::new(ctx, node, "") else {
        return;
    };
    let api_version = f
        .string(ctx, "apiVersion")
        .or_else(|| inherited.map(|(v, _)| v.clone()));
    let kind = f
        .string(ctx, "kind")
        .or_else(|| inherited.map(|(v, k)| Spanned::new(Text::from(k), v.span)));
    let (Some(api_version), Some(kind)) = (api_version, kind) else {
        let missing = match (f.key_span("apiVersion"), f.key_span("kind")) {
            (None, None) => "`apiVersion` and `kind`",
            (None, _) => "`apiVersion`",
            _ => "`kind`",
        };
        ctx.push(
            Diagnostic::error("LBP1102", format!("object has no {missing}"))
                .with_primary(first_line(node), "every Kubernetes object needs both")
                .with_help(
                    "add e.g. `apiVersion: v1` and `kind: Service` at the top of the document",
                ),
        );
        return;
    };
    if kind.value == "List" || (kind.value.ends_with("List") && f.key_span("items").is_some()) {
        let item_kind = kind.value.trim_end_matches("List").to_string();
        let typed = (!item_kind.is_empty()).then_some((&api_version, item_kind.as_str()));
        for (_, item) in f.list(ctx, "items") {
            decode_object(ctx, file, item, typed, out);
        }
        f.accept(&["metadata"]);
        f.finish(ctx);
        return;
    }
    let (group, version) = split_api_version(&api_version.value);
    let Some((row, (_, versions, _, decoder))) = KINDS
        .iter()
        .enumerate()
        .find(|(_, (g, _, k, _))| *g == group && *k == kind.value)
    else {
        ctx.push(
            Diagnostic::advice(
                "LBP4101",
                format!(
                    "skipped `{}` `{}`: not a kind lbplan reads",
                    api_version.value, kind.value
                ),
            )
            .with_primary(kind.span, "unknown kind")
            .with_help("nothing to do: lbplan only reads the objects that shape load balancers"),
        );
        return;
    };
    let Some(served) = versions
        .iter()
        .position(|v| split_api_version(v).1 == version)
    else {
        ctx.push(
            Diagnostic::warning(
                "LBP3102",
                format!(
                    "`{}` is not a served version of {}; the object was skipped",
                    api_version.value, kind.value
                ),
            )
            .with_primary(api_version.span, "unsupported apiVersion")
            .with_help(format!(
                "use {}",
                versions
                    .iter()
                    .map(|v| format!("`{v}`"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            )),
        );
        return;
    };
    let meta = meta::decode_meta(ctx, &mut f);
    let object = decoder(ctx, &mut f, node, version);
    f.finish(ctx);
    // Both fit a byte: asserted next to `KINDS`.
    let row = row as u8;
    out.push(Manifest {
        file,
        span: node.span,
        api_version: Spanned::new(
            ApiVersion {
                row,
                version: served as u8,
            },
            api_version.span,
        ),
        kind: Spanned::new(KindName(row), kind.span),
        meta,
        object,
    });
}

/// The first line of an object, so a label does not underline a whole document.
fn first_line(node: &Node) -> Span {
    match node.as_map().and_then(|m| m.first()) {
        Some(e) => e.key.span.join(e.value.span),
        None => node.span,
    }
}

/// `apps/v1` → (`apps`, `v1`); `v1` → (`""`, `v1`).
pub fn split_api_version(v: &str) -> (&str, &str) {
    match v.rsplit_once('/') {
        Some((g, ver)) => (g, ver),
        None => ("", v),
    }
}

#[cfg(test)]
mod tests {
    use std::mem::size_of;

    /// Every object of the input stays decoded for the whole run, one `Manifest` (or, for a
    /// Node, one `NodeRecord`) each in one vector: a field made inline in the envelope, the
    /// metadata or a numerous kind costs its size times tens of thousands (fleet-10000:
    /// 40,501 objects, 20,000 Nodes, 10,000 Services, 10,000 workloads). Raise a bound
    /// knowing that cost; 64-bit sizes.
    #[test]
    fn decoded_objects_stay_small() {
        assert!(size_of::<super::Manifest>() <= 200);
        assert!(size_of::<super::ObjectMeta>() <= 136);
        assert!(size_of::<super::node::NodeObject>() <= 112);
        assert!(size_of::<super::node::NodeRecord>() <= 136);
        assert!(size_of::<super::service::ServiceBody>() <= 160);
        assert!(size_of::<super::service::ServicePort>() <= 160);
        assert!(size_of::<super::workload::WorkloadBody>() <= 136);
        assert!(size_of::<super::decode::StringEntry>() <= 96);
    }
}
