//! Stage `model`: the desired cloud resources as a dependency graph.
//!
//! Providers translate their lowered, topology-resolved input into [`Resource`]s; the plan
//! engine diffs two [`Model`]s and the renderers draw them. This module knows no Kubernetes
//! object: everything a later stage needs from the manifests travels as plain attributes,
//! policies and provenance spans, so that every provider shares one engine.
//!
//! How a provider expresses the lifecycle rules of a resource:
//! - per attribute, an [`UpdatePolicy`]: what the controller does when the value changes;
//! - per resource, a [`DeletePolicy`]: what happens when the resource leaves the model;
//! - [`Owner`]: who created it (the controller, or the user who handed its id over).

mod graph;
mod map;
mod value;

pub use graph::{Model, ModelError};
pub(crate) use graph::{creation_waves, take_in_order};
pub use map::OrderedMap;
pub use value::{Key, Value};

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::source::Span;

/// What kind of cloud object a resource is. The serde spelling is the `kind` of the plan
/// contract (SPEC §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    LoadBalancer,
    Eip,
    EipBinding,
    Listener,
    ServerGroup,
    Backend,
    HealthMonitor,
    ForwardingRule,
    PoolService,
    /// An access-control group in front of a load balancer (NLB `loadBalancerSourceRanges`).
    SecurityGroup,
}

impl Kind {
    /// The contract spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::LoadBalancer => "load_balancer",
            Kind::Eip => "eip",
            Kind::EipBinding => "eip_binding",
            Kind::Listener => "listener",
            Kind::ServerGroup => "server_group",
            Kind::Backend => "backend",
            Kind::HealthMonitor => "health_monitor",
            Kind::ForwardingRule => "forwarding_rule",
            Kind::PoolService => "pool_service",
            Kind::SecurityGroup => "security_group",
        }
    }

    /// Kinds whose deletion loses something a user notices (an address, traffic, a port):
    /// a plan flags every delete or replace of one of these as destructive.
    pub fn deletion_is_destructive(self) -> bool {
        matches!(
            self,
            Kind::LoadBalancer | Kind::Eip | Kind::Listener | Kind::ServerGroup
        )
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which controller and cloud product builds the resource. The serde spelling is the
/// `provider` of the plan contract (SPEC §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ProviderKind {
    #[serde(rename = "alibaba-elb")]
    AlibabaElb,
    #[serde(rename = "alibaba-clb")]
    AlibabaClb,
    #[serde(rename = "alibaba-nlb")]
    AlibabaNlb,
    #[serde(rename = "alibaba-alb")]
    AlibabaAlb,
    #[serde(rename = "huawei-elb")]
    HuaweiElb,
}

impl ProviderKind {
    /// The contract spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::AlibabaElb => "alibaba-elb",
            ProviderKind::AlibabaClb => "alibaba-clb",
            ProviderKind::AlibabaNlb => "alibaba-nlb",
            ProviderKind::AlibabaAlb => "alibaba-alb",
            ProviderKind::HuaweiElb => "huawei-elb",
        }
    }
}

impl fmt::Display for ProviderKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who created the cloud object. A user-owned object (a self-managed ELB whose id was
/// annotated) is referenced, never created or deleted by the controller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Owner {
    Controller,
    User,
}

/// What the controller does when one attribute's desired value differs from the prior one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UpdatePolicy {
    /// The cloud API changes it on the live object (EIP bandwidth, listener scheduler).
    InPlace,
    /// The object must be deleted and created again (a listener's port or protocol).
    ForcesReplacement,
    /// Settable at creation only: the controller never reconciles it afterwards (seed 000
    /// "ELB update policy": "ELB attributes … cannot be updated"). A change is reported as
    /// not applied, with the way out, instead of being planned silently.
    NotAppliedByController,
    /// Assigned by the cloud (ids, addresses); not compared by the diff.
    Computed,
}

/// What happens to a resource that is no longer in the desired model.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeletePolicy {
    /// The controller deletes it.
    Delete,
    /// The controller leaves it in the cloud; `reason` says why and what the user must do
    /// ("self-managed ELB: manual cleanup required"). Only removal from the model is
    /// affected: a replacement still deletes and recreates, as the controller does.
    Retain { reason: String },
}

/// One attribute: its value and how a change to it is applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attr {
    pub value: Value,
    pub policy: UpdatePolicy,
}

/// The manifest spans a resource comes from. A provider gives each resource two or three
/// (the Service, the pool or port, the annotation), and a fleet's plan has hundreds of
/// thousands of resources: inline, the spans cost no allocation of their own.
pub type Provenance = smallvec::SmallVec<[Span; 3]>;

/// One desired (or prior) cloud object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// Unique and stable across runs (`elb.default/cube-svc/np-hefei`): the plan matches
    /// prior and desired resources by address, so an address must not depend on input
    /// order or on anything the cloud assigns.
    pub address: String,
    pub kind: Kind,
    pub provider: ProviderKind,
    /// The cloud-side name where the object has one. Not diffed by itself: a provider
    /// that wants a name change planned also puts it in `attrs` with a policy.
    pub name: Option<String>,
    pub owner: Owner,
    /// Insertion order is output order.
    pub attrs: OrderedMap<Attr>,
    /// Addresses this resource needs to exist first (an EIP binding needs the ELB and the
    /// EIP). Deletion runs the other way round.
    pub depends_on: Vec<String>,
    pub delete_policy: DeletePolicy,
    /// The manifest spans that produced it; the first is where warnings point.
    pub provenance: Provenance,
    /// Free-form lines for renderers (assumed defaults, seed references).
    pub notes: Vec<String>,
}

impl Resource {
    /// A controller-owned resource with no attributes that is deleted with its model;
    /// fill in the rest with the `with_*` methods.
    pub fn new(address: impl Into<String>, kind: Kind, provider: ProviderKind) -> Self {
        Resource {
            address: address.into(),
            kind,
            provider,
            name: None,
            owner: Owner::Controller,
            attrs: OrderedMap::with_capacity(8),
            depends_on: Vec::new(),
            delete_policy: DeletePolicy::Delete,
            provenance: Provenance::new(),
            notes: Vec::new(),
        }
    }
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
    pub fn with_owner(mut self, owner: Owner) -> Self {
        self.owner = owner;
        self
    }
    /// Adds (or replaces, keeping its position) an attribute.
    pub fn with_attr(
        mut self,
        key: impl Into<Key>,
        value: impl Into<Value>,
        policy: UpdatePolicy,
    ) -> Self {
        self.attrs.insert(
            key.into(),
            Attr {
                value: value.into(),
                policy,
            },
        );
        self
    }
    pub fn depends_on(mut self, address: impl Into<String>) -> Self {
        self.depends_on.push(address.into());
        self
    }
    pub fn with_delete_policy(mut self, policy: DeletePolicy) -> Self {
        self.delete_policy = policy;
        self
    }
    pub fn with_provenance(mut self, span: Span) -> Self {
        self.provenance.push(span);
        self
    }
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }
}
