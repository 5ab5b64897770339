//! Effective annotations of one (Service, pool) pair.
//!
//! The ECM reads a PoolService's settings from the Service's annotations overlaid by the
//! PoolService's own annotations, but only for keys under
//! `service.beta.kubernetes.io/alibaba-cloud` (reference §6.1, `NewAnnotationContext`).
//! That is how one region gets its own ELB id (seed 000 Option B step 4) while the rest of
//! the configuration stays on the Service. Every value remembers which object it came
//! from, so a diagnostic about a per-pool override points at the PoolService, not at the
//! Service that did not write it.

use crate::manifest::Manifest;
use crate::manifest::decode::StringEntry;

/// Keys with this prefix on a PoolService override the Service's value (exact prefix the
/// ECM compares; it includes both `alibaba-cloud-loadbalancer-…` and legacy spellings).
pub const ALIBABA_ANNOTATION_PREFIX: &str = "service.beta.kubernetes.io/alibaba-cloud";

/// Which object an effective value was taken from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Origin {
    /// The Service's own annotation.
    Service,
    /// A per-pool override on the PoolService `<svc>-<pool>`.
    PoolService,
}

/// One effective annotation value with its provenance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EffectiveValue<'m> {
    pub key: &'m str,
    pub value: &'m str,
    pub origin: Origin,
    /// The entry as written (key and value spans, value style for positions inside it).
    pub entry: &'m StringEntry,
    /// The object carrying the entry.
    pub object: &'m Manifest,
}

/// A view, not a copy: lookups consult the PoolService first (for prefixed keys) and the
/// Service second, so building one per (Service, pool) costs two pointers. That keeps the
/// topology stage linear without allocating a map per matched pool.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EffectiveAnnotations<'m> {
    service: &'m Manifest,
    pool_service: Option<&'m Manifest>,
}

impl<'m> EffectiveAnnotations<'m> {
    /// The annotations of `service`, overlaid by those of `pool_service` when it exists.
    pub fn new(service: &'m Manifest, pool_service: Option<&'m Manifest>) -> Self {
        EffectiveAnnotations {
            service,
            pool_service,
        }
    }

    /// The PoolService whose overrides apply, if one was given in the input.
    pub fn pool_service(&self) -> Option<&'m Manifest> {
        self.pool_service
    }

    /// The effective value of `key`.
    pub fn get(&self, key: &str) -> Option<EffectiveValue<'m>> {
        if key.starts_with(ALIBABA_ANNOTATION_PREFIX)
            && let Some(ps) = self.pool_service
            && let Some(entry) = ps.meta.annotations.get(key)
        {
            return Some(value(entry, Origin::PoolService, ps));
        }
        self.service
            .meta
            .annotations
            .get(key)
            .map(|entry| value(entry, Origin::Service, self.service))
    }

    /// All effective values: the Service's keys in their written order (each replaced by
    /// the PoolService's value when overridden), then keys only the PoolService sets.
    pub fn iter(&self) -> impl Iterator<Item = EffectiveValue<'m>> + '_ {
        let service = self.service;
        let ps = self.pool_service;
        let own = service
            .meta
            .annotations
            .keys()
            .filter_map(move |k| self.get(k));
        let extra = ps.into_iter().flat_map(move |ps| {
            ps.meta
                .annotations
                .values()
                .filter(|e| e.key.value.starts_with(ALIBABA_ANNOTATION_PREFIX))
                .filter(move |e| !service.meta.annotations.contains_key(&e.key.value))
                .map(move |e| value(e, Origin::PoolService, ps))
        });
        own.chain(extra)
    }
}

fn value<'m>(entry: &'m StringEntry, origin: Origin, object: &'m Manifest) -> EffectiveValue<'m> {
    EffectiveValue {
        key: &entry.key.value,
        value: &entry.value.value,
        origin,
        entry,
        object,
    }
}
