//! `metadata` of every object.

use super::decode::{Ctx, Fields, Rare, Spanned, StringMap, Text};

/// The parts of `metadata` that rules read. Other valid metadata fields (ownerReferences,
/// managedFields, …) are accepted and ignored, as the API server would keep them.
#[derive(Debug, Clone, Default, PartialEq)]
///
/// Fields that most objects lack are boxed (8 bytes absent, not 40): every object of a
/// fleet carries its metadata.
pub struct ObjectMeta {
    pub name: Option<Spanned<Text>>,
    pub generate_name: Option<Box<Spanned<Text>>>,
    pub namespace: Option<Spanned<Text>>,
    pub uid: Option<Box<Spanned<Text>>>,
    /// Set on objects being deleted (a snapshot of a live cluster): controllers treat them
    /// as gone, e.g. the loadbalancerset controller skips NodePools being deleted.
    /// [`Rare`], not a `Box`: callers chain it with `name` (`deletion_timestamp.as_ref().or(…)`).
    pub deletion_timestamp: Rare<Spanned<Text>>,
    pub labels: StringMap,
    pub annotations: StringMap,
}

impl ObjectMeta {
    /// The name, or `""` when absent (the check stage reports the absence).
    pub fn name(&self) -> &str {
        self.name.as_ref().map_or("", |n| n.value.as_str())
    }
    /// The namespace, defaulting to `default` as kubectl does.
    pub fn namespace(&self) -> &str {
        self.namespace
            .as_ref()
            .map_or("default", |n| n.value.as_str())
    }
    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.annotations.get(key).map(|e| e.value.value.as_str())
    }
    pub fn label(&self, key: &str) -> Option<&str> {
        self.labels.get(key).map(|e| e.value.value.as_str())
    }
}

pub fn decode_meta(ctx: &mut Ctx, f: &mut Fields) -> ObjectMeta {
    let Some(mut m) = f.map(ctx, "metadata") else {
        return ObjectMeta::default();
    };
    let meta = ObjectMeta {
        name: m.string(ctx, "name"),
        generate_name: m.string(ctx, "generateName").map(Box::new),
        namespace: m.string(ctx, "namespace"),
        uid: m.string(ctx, "uid").map(Box::new),
        deletion_timestamp: Rare::new(m.string(ctx, "deletionTimestamp")),
        labels: m.string_map(ctx, "labels"),
        annotations: m.string_map(ctx, "annotations"),
    };
    m.accept(&[
        "resourceVersion",
        "generation",
        "creationTimestamp",
        "deletionGracePeriodSeconds",
        "ownerReferences",
        "finalizers",
        "managedFields",
        "selfLink",
        "clusterName",
    ]);
    m.finish(ctx);
    meta
}
