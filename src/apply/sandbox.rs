//! The default backend: a simulated cloud kept in the state file, so that `plan` and
//! `apply` work on a machine with no cloud account and no network.
//!
//! It assigns ids and addresses deterministically (a hash of the state's lineage, the
//! resource address and how many times that address was created), so tests and examples
//! are stable, and it enforces the rules the real APIs enforce: attributes that cannot be
//! changed on an existing object, one listener per protocol and port on a load balancer,
//! no deletion of a load balancer that still has listeners. Faults (transient and
//! permanent errors) can be injected per address to test the executor.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::backend::{Attributes, Backend, BackendError, Operation};
use super::{codes, hex_digest};
use crate::model::{Kind, ProviderKind, Value};

/// One object of the simulated cloud.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloudObject {
    pub id: String,
    pub address: String,
    pub kind: Kind,
    pub provider: ProviderKind,
    /// The load balancer a listener or server group belongs to (its cloud id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_balancer: Option<String>,
    pub attributes: IndexMap<String, Value>,
}

/// The whole simulated cloud, as saved in the state file's `sandbox` field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cloud {
    /// Every object that exists, by id: managed ones and retained (released) ones alike.
    pub objects: BTreeMap<String, CloudObject>,
    /// The id of the managed object at each address.
    pub managed: BTreeMap<String, String>,
    /// How many times each address was created: part of the next id, so that a replaced
    /// object gets a new id as in a real cloud.
    pub generations: BTreeMap<String, u32>,
    /// The object each create token made (idempotent creates).
    pub tokens: BTreeMap<String, String>,
}

/// Errors to inject, by address (`*` for every address).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Faults {
    /// The first N calls for the address fail with a transient error.
    pub transient: BTreeMap<String, u32>,
    /// Every call for the address fails with a permanent error.
    pub permanent: BTreeSet<String>,
}

/// The sandbox backend.
#[derive(Debug)]
pub struct Sandbox {
    lineage: String,
    cloud: Mutex<Cloud>,
    faults: Faults,
    /// Transient failures still to inject, by address.
    pending: Mutex<BTreeMap<String, u32>>,
}

/// Attributes the cloud refuses to change on an existing object, per kind.
fn immutable(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::LoadBalancer => &["id", "region_id", "network_id", "vswitch_id"],
        Kind::Eip => &["id", "region_id", "isp"],
        Kind::EipBinding => &["eip", "load_balancer", "instance_type"],
        Kind::Listener => &["id", "protocol", "listener_port"],
        Kind::ServerGroup => &["id", "load_balancer_id"],
        Kind::Backend => &["type"],
        Kind::HealthMonitor => &["id"],
        Kind::ForwardingRule => &["id"],
        Kind::PoolService => &["namespace", "service", "node_pool"],
        Kind::SecurityGroup => &["id", "security_group_type"],
    }
}

/// The id prefix of each kind, as the Alibaba console shows them.
fn id_prefix(kind: Kind) -> &'static str {
    match kind {
        Kind::LoadBalancer => "lb",
        Kind::Eip => "eip",
        Kind::EipBinding => "eipbind",
        Kind::Listener => "lsn",
        Kind::ServerGroup => "sgp",
        Kind::Backend => "bknd",
        Kind::HealthMonitor => "hm",
        Kind::ForwardingRule => "rule",
        Kind::PoolService => "ps",
        Kind::SecurityGroup => "sg",
    }
}

/// The kind an `…_id` attribute refers to.
fn referenced_kind(attr: &str) -> Option<Kind> {
    match attr {
        "load_balancer_id" => Some(Kind::LoadBalancer),
        "server_group_id" => Some(Kind::ServerGroup),
        "listener_id" => Some(Kind::Listener),
        "eip_id" | "allocation_id" => Some(Kind::Eip),
        _ => None,
    }
}

/// The first node port a sandbox listener may get (Kubernetes' default range).
const PORT_MIN: i64 = 30000;
const PORT_COUNT: i64 = 2768;

impl Sandbox {
    /// A sandbox holding `saved` (the state file's `sandbox` field; `None` is an empty
    /// cloud). Unreadable saved data is an error, never silently an empty cloud.
    pub fn new(
        lineage: &str,
        saved: Option<&serde_json::Value>,
        faults: Faults,
    ) -> Result<Self, serde_json::Error> {
        let cloud = match saved {
            Some(v) => serde_json::from_value(v.clone())?,
            None => Cloud::default(),
        };
        Ok(Sandbox {
            lineage: lineage.to_string(),
            cloud: Mutex::new(cloud),
            faults,
            pending: Mutex::new(BTreeMap::new()),
        })
    }

    /// A copy of the cloud, for tests and `state show`.
    pub fn cloud(&self) -> Cloud {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Cloud> {
        self.cloud.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Fails the call if a fault is injected for `address`.
    fn inject(&self, address: &str, call: &str) -> Result<(), BackendError> {
        if self.faults.permanent.contains(address) || self.faults.permanent.contains("*") {
            return Err(BackendError::permanent(
                codes::BACKEND_REFUSED,
                format!("{call} `{address}`: InternalError (injected permanent fault)"),
                "the sandbox was told to fail this resource; remove the injected fault",
            ));
        }
        let initial = self
            .faults
            .transient
            .get(address)
            .or_else(|| self.faults.transient.get("*"))
            .copied();
        let Some(initial) = initial else {
            return Ok(());
        };
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        let left = pending.entry(address.to_string()).or_insert(initial);
        if *left > 0 {
            *left -= 1;
            return Err(BackendError::transient(format!(
                "{call} `{address}`: Throttling.User (injected transient fault)"
            )));
        }
        Ok(())
    }

    fn new_id(&self, cloud: &mut Cloud, op: &Operation) -> String {
        let generation = cloud.generations.entry(op.address.clone()).or_insert(0);
        *generation += 1;
        let digest = hex_digest(&[&self.lineage, &op.address, &generation.to_string()]);
        format!("{}-sbx{}", id_prefix(op.kind), &digest[..17])
    }

    /// The cloud id of the nearest load balancer `op` depends on.
    fn load_balancer_of(cloud: &Cloud, op: &Operation) -> Option<String> {
        op.dependencies
            .iter()
            .find(|d| d.kind == Kind::LoadBalancer)
            .and_then(|d| cloud.managed.get(&d.address).cloned())
    }

    /// Fills in the attributes the cloud assigns.
    fn assign(&self, cloud: &Cloud, op: &Operation, id: &str, lb: Option<&str>) -> Attributes {
        let mut attrs = op.attributes.clone();
        for key in &op.unknown {
            let value = self.assigned_value(cloud, op, key, id, lb);
            attrs.insert(key.clone(), value);
        }
        attrs
    }

    fn assigned_value(
        &self,
        cloud: &Cloud,
        op: &Operation,
        key: &str,
        id: &str,
        lb: Option<&str>,
    ) -> Value {
        let digest = hex_digest(&[&self.lineage, &op.address, key, id]);
        let byte = |i: usize| i64::from_str_radix(&digest[i * 2..i * 2 + 2], 16).unwrap_or(1);
        if key == "id" {
            return Value::from(id);
        }
        if let Some(kind) = referenced_kind(key) {
            let found = op
                .dependencies
                .iter()
                .find(|d| d.kind == kind)
                .and_then(|d| cloud.managed.get(&d.address));
            if let Some(found) = found {
                return Value::from(found.as_str());
            }
        }
        if key == "listener_port" {
            return Value::from(free_port(cloud, op, lb, byte(0) * 256 + byte(1)));
        }
        if key == "address" || key == "ip_address" || key.ends_with("_ip") {
            let first = if op.kind == Kind::Eip { 47 } else { 10 };
            return Value::from(format!(
                "{first}.{}.{}.{}",
                byte(0),
                byte(1),
                byte(2).max(1)
            ));
        }
        if key == "servers" {
            // The sandbox runs no pods: a server list it cannot know stays empty.
            return Value::list(Vec::new());
        }
        Value::from(format!("sbx-{}", &digest[..12]))
    }

    fn check_listener_port(
        cloud: &Cloud,
        attrs: &Attributes,
        lb: Option<&str>,
        address: &str,
    ) -> Result<(), BackendError> {
        let (Some(lb), Some(port)) = (lb, attrs.get("listener_port")) else {
            return Ok(());
        };
        let protocol = attrs.get("protocol");
        let taken = cloud.objects.values().find(|o| {
            o.kind == Kind::Listener
                && o.load_balancer.as_deref() == Some(lb)
                && o.address != address
                && o.attributes.get("listener_port") == Some(port)
                && o.attributes.get("protocol") == protocol
        });
        match taken {
            Some(other) => Err(BackendError::permanent(
                codes::PORT_IN_USE,
                format!(
                    "create `{address}`: ListenerAlreadyExists: port {port} is already used on load balancer {lb} by `{}`",
                    other.address
                ),
                "give the listeners different ports, or put them on different load balancers",
            )),
            None => Ok(()),
        }
    }
}

/// A node port not used by another listener of `lb`, starting from `seed`.
fn free_port(cloud: &Cloud, op: &Operation, lb: Option<&str>, seed: i64) -> i64 {
    let used: BTreeSet<i64> = cloud
        .objects
        .values()
        .filter(|o| o.kind == Kind::Listener && lb.is_some() && o.load_balancer.as_deref() == lb)
        .filter(|o| o.address != op.address)
        .filter_map(|o| match o.attributes.get("listener_port") {
            Some(Value::Int(n)) => Some(*n),
            _ => None,
        })
        .collect();
    (0..PORT_COUNT)
        .map(|i| PORT_MIN + (seed + i).rem_euclid(PORT_COUNT))
        .find(|p| !used.contains(p))
        .unwrap_or(PORT_MIN)
}

impl Backend for Sandbox {
    fn create(&self, op: &Operation) -> Result<Attributes, BackendError> {
        self.inject(&op.address, "create")?;
        let mut cloud = self.lock();
        if let Some(id) = cloud.tokens.get(&op.token)
            && let Some(o) = cloud.objects.get(id)
        {
            return Ok(o.attributes.clone());
        }
        if let Some(id) = cloud.managed.get(&op.address) {
            return Err(BackendError::permanent(
                codes::BACKEND_REFUSED,
                format!(
                    "create `{}`: AlreadyExists: the cloud already manages {id} at this address",
                    op.address
                ),
                "the state file lost track of this object; delete it in the cloud or restore the state file",
            ));
        }
        let lb = Self::load_balancer_of(&cloud, op);
        let id = self.new_id(&mut cloud, op);
        let attrs = self.assign(&cloud, op, &id, lb.as_deref());
        if op.kind == Kind::Listener {
            Self::check_listener_port(&cloud, &attrs, lb.as_deref(), &op.address)?;
        }
        cloud.tokens.insert(op.token.clone(), id.clone());
        cloud.managed.insert(op.address.clone(), id.clone());
        cloud.objects.insert(
            id.clone(),
            CloudObject {
                id,
                address: op.address.clone(),
                kind: op.kind,
                provider: op.provider,
                load_balancer: lb,
                attributes: attrs.clone(),
            },
        );
        Ok(attrs)
    }

    fn update(&self, op: &Operation) -> Result<Attributes, BackendError> {
        self.inject(&op.address, "update")?;
        let mut cloud = self.lock();
        let Some(id) = cloud.managed.get(&op.address).cloned() else {
            return Err(BackendError::permanent(
                codes::BACKEND_REFUSED,
                format!(
                    "update `{}`: NotFound: no such object in the cloud",
                    op.address
                ),
                "the object was deleted outside lbplan; plan again to create it",
            ));
        };
        let Some(current) = cloud.objects.get(&id).cloned() else {
            return Err(BackendError::permanent(
                codes::BACKEND_REFUSED,
                format!("update `{}`: NotFound: object {id} is gone", op.address),
                "the object was deleted outside lbplan; plan again to create it",
            ));
        };
        for key in immutable(op.kind) {
            let (Some(want), Some(have)) = (op.attributes.get(*key), current.attributes.get(*key))
            else {
                continue;
            };
            if want != have && *want != Value::Unknown {
                return Err(BackendError::permanent(
                    codes::IMMUTABLE,
                    format!(
                        "update `{}`: `{key}` cannot be changed on an existing {} ({have} -> {want})",
                        op.address, op.kind
                    ),
                    "plan again: a change of this attribute replaces the object",
                ));
            }
        }
        let mut attrs = op.attributes.clone();
        for key in &op.unknown {
            let value = match current.attributes.get(key) {
                Some(v) if *v != Value::Unknown => v.clone(),
                _ => self.assigned_value(&cloud, op, key, &id, current.load_balancer.as_deref()),
            };
            attrs.insert(key.clone(), value);
        }
        if op.kind == Kind::Listener {
            Self::check_listener_port(
                &cloud,
                &attrs,
                current.load_balancer.as_deref(),
                &op.address,
            )?;
        }
        if let Some(o) = cloud.objects.get_mut(&id) {
            o.attributes = attrs.clone();
        }
        Ok(attrs)
    }

    fn delete(&self, op: &Operation) -> Result<(), BackendError> {
        self.inject(&op.address, "delete")?;
        let mut cloud = self.lock();
        let Some(id) = cloud.managed.get(&op.address).cloned() else {
            return Ok(());
        };
        if op.kind == Kind::LoadBalancer {
            let listeners: Vec<&str> = cloud
                .objects
                .values()
                .filter(|o| {
                    o.kind == Kind::Listener && o.load_balancer.as_deref() == Some(id.as_str())
                })
                .map(|o| o.address.as_str())
                .collect();
            if !listeners.is_empty() {
                return Err(BackendError::permanent(
                    codes::LISTENERS_LEFT,
                    format!(
                        "delete `{}`: DependencyViolation: load balancer {id} still has listeners: {}",
                        op.address,
                        listeners.join(", ")
                    ),
                    "delete the listeners first, then apply again",
                ));
            }
        }
        cloud.objects.remove(&id);
        cloud.managed.remove(&op.address);
        Ok(())
    }

    fn adopt(&self, op: &Operation) -> Result<Attributes, BackendError> {
        self.inject(&op.address, "read")?;
        let mut cloud = self.lock();
        if let Some(o) = cloud
            .managed
            .get(&op.address)
            .and_then(|id| cloud.objects.get(id))
        {
            return Ok(o.attributes.clone());
        }
        let id = match op.attributes.get("id") {
            Some(Value::String(s)) => s.to_string(),
            _ => self.new_id(&mut cloud, op),
        };
        let lb = Self::load_balancer_of(&cloud, op);
        let attrs = self.assign(&cloud, op, &id, lb.as_deref());
        cloud.managed.insert(op.address.clone(), id.clone());
        cloud.objects.insert(
            id.clone(),
            CloudObject {
                id,
                address: op.address.clone(),
                kind: op.kind,
                provider: op.provider,
                load_balancer: lb,
                attributes: attrs.clone(),
            },
        );
        Ok(attrs)
    }

    fn release(&self, op: &Operation) -> Result<(), BackendError> {
        self.inject(&op.address, "release")?;
        self.lock().managed.remove(&op.address);
        Ok(())
    }

    fn saved(&self) -> Option<serde_json::Value> {
        serde_json::to_value(&*self.lock()).ok()
    }
}

#[cfg(test)]
mod tests;
