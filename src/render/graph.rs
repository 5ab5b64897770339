//! The resource graph as Graphviz DOT and as a Mermaid flowchart (`lbplan graph`).
//!
//! Both drawings share one [`Layout`], so they always agree:
//! - a node per resource, labelled `kind` over its cloud name (the address when it has
//!   none), shaped by kind, dashed when the user owns the object (the controller only
//!   references it);
//! - an edge per dependency, drawn **from the dependency to its dependent**, the direction
//!   of [`Model::graph`] and of creation order: an arrow reads "is needed by";
//! - a cluster per load balancer holding what hangs off it (see [`Layout::new`]);
//! - node ids derived from addresses (`n_` and the address with every character outside
//!   `[A-Za-z0-9_]` replaced by `_`, with a numeric suffix when two addresses would collide),
//!   so a diff between two drawings shows the resources that changed, not renumbering.
//!
//! Everything is sorted by address, never by insertion order, so the same model gives the
//! same bytes whatever order a provider built it in.

use std::collections::{BTreeMap, BTreeSet};

use petgraph::Direction;
use petgraph::graph::NodeIndex;

use crate::model::{Kind, Model, Owner, Resource};

/// The model as a Graphviz `digraph`, left to right.
pub fn dot(model: &Model) -> String {
    let layout = Layout::new(model);
    let mut out = String::from("digraph lbplan {\n");
    out.push_str("  rankdir=LR;\n");
    out.push_str("  node [fontname=\"Helvetica\", fontsize=10];\n");
    for (lb, members) in &layout.clusters {
        out.push_str(&format!("  subgraph cluster_{} {{\n", layout.id(lb)));
        out.push_str(&format!("    label=\"{}\";\n", dot_escape(lb)));
        out.push_str("    style=rounded;\n");
        for r in members {
            out.push_str(&format!("    {}\n", dot_node(&layout, r)));
        }
        out.push_str("  }\n");
    }
    for r in &layout.loose {
        out.push_str(&format!("  {}\n", dot_node(&layout, r)));
    }
    for (from, to) in &layout.edges {
        out.push_str(&format!("  {} -> {};\n", layout.id(from), layout.id(to)));
    }
    out.push_str("}\n");
    out
}

/// The model as a Mermaid `flowchart LR`; user-owned objects get the dashed `user` class.
pub fn mermaid(model: &Model) -> String {
    let layout = Layout::new(model);
    let mut out = String::from("flowchart LR\n");
    for (lb, members) in &layout.clusters {
        out.push_str(&format!(
            "  subgraph c_{}[\"{}\"]\n",
            layout.id(lb),
            mermaid_escape(lb)
        ));
        for r in members {
            out.push_str(&format!("    {}\n", mermaid_node(&layout, r)));
        }
        out.push_str("  end\n");
    }
    for r in &layout.loose {
        out.push_str(&format!("  {}\n", mermaid_node(&layout, r)));
    }
    for (from, to) in &layout.edges {
        out.push_str(&format!("  {} --> {}\n", layout.id(from), layout.id(to)));
    }
    let mut users: Vec<&str> = layout
        .all()
        .filter(|r| r.owner == Owner::User)
        .map(|r| layout.id(&r.address))
        .collect();
    users.sort_unstable();
    if !users.is_empty() {
        out.push_str("  classDef user stroke-dasharray: 5 5\n");
        out.push_str(&format!("  class {} user\n", users.join(",")));
    }
    out
}

/// What both drawings need, computed once and sorted.
struct Layout<'a> {
    /// Address → node id.
    ids: BTreeMap<&'a str, String>,
    /// Load balancer address → its members (itself included), sorted by address.
    clusters: BTreeMap<&'a str, Vec<&'a Resource>>,
    /// Resources in no cluster, sorted by address.
    loose: Vec<&'a Resource>,
    /// `(dependency, dependent)` addresses, sorted, without duplicates.
    edges: Vec<(&'a str, &'a str)>,
}

impl<'a> Layout<'a> {
    /// Clusters: a resource belongs to the one load balancer it is, or depends on directly
    /// or transitively (a listener, its server group, the backends). A resource that
    /// depends on no load balancer joins the cluster its dependents agree on (an EIP whose
    /// only dependent is the binding to one ELB). Anything else, including a resource tied
    /// to two load balancers, is drawn outside every cluster rather than in a wrong one.
    fn new(model: &'a Model) -> Self {
        let g = model.graph();
        let mut resources: Vec<&Resource> = model.iter().collect();
        resources.sort_by(|a, b| a.address.cmp(&b.address));

        let mut ids = BTreeMap::new();
        let mut taken = BTreeSet::new();
        for r in &resources {
            let base = sanitise(&r.address);
            let mut id = base.clone();
            let mut n = 2;
            while taken.contains(&id) {
                id = format!("{base}_{n}");
                n += 1;
            }
            taken.insert(id.clone());
            ids.insert(r.address.as_str(), id);
        }

        let node_of: BTreeMap<&str, NodeIndex> =
            g.node_indices().map(|n| (g[n].as_str(), n)).collect();
        let is_lb = |n: NodeIndex| {
            model
                .get(&g[n])
                .is_some_and(|r| r.kind == Kind::LoadBalancer)
        };
        // The load balancers among a node and everything it depends on.
        let lbs_above = |start: NodeIndex| {
            let mut seen = BTreeSet::from([start]);
            let mut stack = vec![start];
            let mut found = BTreeSet::new();
            while let Some(n) = stack.pop() {
                if is_lb(n) {
                    found.insert(g[n].as_str());
                }
                for dep in g.neighbors_directed(n, Direction::Incoming) {
                    if seen.insert(dep) {
                        stack.push(dep);
                    }
                }
            }
            found
        };
        let mut home: BTreeMap<&str, &str> = BTreeMap::new();
        let mut orphans = Vec::new();
        for r in &resources {
            let Some(&n) = node_of.get(r.address.as_str()) else {
                continue;
            };
            let found = lbs_above(n);
            match found.len() {
                0 => orphans.push(n),
                1 => {
                    if let Some(lb) = found.first() {
                        home.insert(r.address.as_str(), lb);
                    }
                }
                _ => {}
            }
        }
        for n in orphans {
            let homes: BTreeSet<&str> = g
                .neighbors_directed(n, Direction::Outgoing)
                .filter_map(|d| home.get(g[d].as_str()).copied())
                .collect();
            if homes.len() == 1
                && let Some(lb) = homes.first()
            {
                home.insert(g[n].as_str(), lb);
            }
        }

        let mut clusters: BTreeMap<&str, Vec<&Resource>> = BTreeMap::new();
        let mut loose = Vec::new();
        for r in &resources {
            match home.get(r.address.as_str()) {
                Some(lb) => clusters.entry(lb).or_default().push(r),
                None => loose.push(*r),
            }
        }

        let mut edges: Vec<(&str, &str)> = g
            .edge_indices()
            .filter_map(|e| g.edge_endpoints(e))
            .map(|(a, b)| (g[a].as_str(), g[b].as_str()))
            .collect();
        edges.sort_unstable();
        edges.dedup();

        Layout {
            ids,
            clusters,
            loose,
            edges,
        }
    }

    /// The node id of an address; every address of the model has one.
    fn id(&self, address: &str) -> &str {
        self.ids.get(address).map_or("n_", String::as_str)
    }

    fn all(&self) -> impl Iterator<Item = &&'a Resource> {
        self.clusters.values().flatten().chain(self.loose.iter())
    }
}

/// `n_` and the address with every character outside `[A-Za-z0-9_]` replaced: valid in
/// DOT and Mermaid alike, and never a keyword of either (`end`, `graph`, `subgraph`).
fn sanitise(address: &str) -> String {
    let mut id = String::with_capacity(address.len() + 2);
    id.push_str("n_");
    id.extend(address.chars().map(|c| {
        if c.is_ascii_alphanumeric() || c == '_' {
            c
        } else {
            '_'
        }
    }));
    id
}

/// The text of the second label line: the cloud name, or the address when there is none.
fn title(r: &Resource) -> &str {
    r.name.as_deref().unwrap_or(&r.address)
}

fn dot_shape(kind: Kind) -> &'static str {
    match kind {
        Kind::LoadBalancer => "box3d",
        Kind::Eip => "ellipse",
        Kind::EipBinding => "diamond",
        Kind::Listener => "cds",
        Kind::ServerGroup => "folder",
        Kind::Backend => "box",
        Kind::HealthMonitor => "hexagon",
        Kind::ForwardingRule => "parallelogram",
        Kind::PoolService => "note",
        Kind::SecurityGroup => "octagon",
    }
}

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

fn dot_node(layout: &Layout, r: &Resource) -> String {
    let style = if r.owner == Owner::User {
        ", style=dashed"
    } else {
        ""
    };
    format!(
        "{} [label=\"{}\\n{}\", shape={}{style}];",
        layout.id(&r.address),
        r.kind,
        dot_escape(title(r)),
        dot_shape(r.kind)
    )
}

/// Mermaid's entity codes for the characters that would end or reinterpret a quoted label.
fn mermaid_escape(s: &str) -> String {
    s.replace('#', "#35;")
        .replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
}

fn mermaid_node(layout: &Layout, r: &Resource) -> String {
    let (open, close) = match r.kind {
        Kind::LoadBalancer => ("[[", "]]"),
        Kind::Eip => ("([", "])"),
        Kind::EipBinding => ("{", "}"),
        Kind::Listener => (">", "]"),
        Kind::ServerGroup => ("[(", ")]"),
        Kind::Backend => ("(", ")"),
        Kind::HealthMonitor => ("{{", "}}"),
        Kind::ForwardingRule => ("[/", "/]"),
        Kind::PoolService => ("[", "]"),
        Kind::SecurityGroup => ("[/", "\\]"),
    };
    format!(
        "{}{open}\"{}<br/>{}\"{close}",
        layout.id(&r.address),
        r.kind,
        mermaid_escape(title(r))
    )
}

#[cfg(test)]
mod tests;
