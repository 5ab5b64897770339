//! The generated fleet the benchmarks measure, shared by `topology` (time) and `memory`.

use std::fmt::Write as _;

/// A deterministic fleet in the shape of seed 000. Pools carry `tier` and `zone` labels and
/// the ENS annotations; nodes are spread evenly over the pools; every Service selects its
/// pools by `tier` (every tenth with `tier in (…)` plus a negative term), and is backed by
/// a DaemonSet (even Services: backends known) or a Deployment (odd: known after apply).
pub fn fleet(services: usize, pools: usize, nodes: usize) -> String {
    // Distinct `tier` values: each `tier=…` selector matches 2–3 pools (200 for 500 pools).
    let tiers = (pools * 2 / 5).max(1);
    let mut s = String::with_capacity(services * 1_300 + nodes * 330 + pools * 400);
    s.push_str(
        "apiVersion: lbplan/v1\nkind: ClusterProfile\nmetadata:\n  name: bench\nspec:\n  \
         cloud: alibaba\n  clusterKind: ack-edge\n  clusterId: c0ffee\n  components:\n    ecm: \"2.1.0\"\n",
    );
    for p in 0..pools {
        let _ = write!(
            s,
            "---\napiVersion: apps.openyurt.io/v1beta2\nkind: NodePool\nmetadata:\n  name: np-{p:04}\n  \
             labels:\n    tier: t{}\n    zone: z{}\n  annotations:\n    alibabacloud.com/ens-network-id: n-{p:08x}\n    \
             alibabacloud.com/ens-region-id: cn-region-{}\n    alibabacloud.com/ens-vswitch-id: vsw-{p:08x}\n\
             spec:\n  type: Edge\n",
            p % tiers,
            p % 5,
            p % 30
        );
    }
    for n in 0..nodes {
        let p = n % pools;
        let _ = write!(
            s,
            "---\napiVersion: v1\nkind: Node\nmetadata:\n  name: node-{n:05}\n  labels:\n    \
             apps.openyurt.io/nodepool: np-{p:04}\nstatus:\n  addresses:\n  - type: InternalIP\n    \
             address: 10.{}.{}.{}\n  conditions:\n  - type: Ready\n    status: \"True\"\n",
            n / 65_536 % 256,
            n / 256 % 256,
            n % 256
        );
    }
    for i in 0..services {
        let kind = if i % 2 == 0 {
            "DaemonSet"
        } else {
            "Deployment"
        };
        let selector = if i % 10 == 0 {
            format!("tier in (t{},t{}),zone!=z4", i % tiers, (i + 1) % tiers)
        } else {
            format!("tier=t{}", i % tiers)
        };
        let _ = write!(
            s,
            "---\napiVersion: apps/v1\nkind: {kind}\nmetadata:\n  name: app-{i}\n  namespace: ns-{}\n\
             spec:\n  selector:\n    matchLabels:\n      app: app-{i}\n  template:\n    metadata:\n      \
             labels:\n        app: app-{i}\n    spec:\n      containers:\n      - name: app\n        \
             image: registry.example.com/app:1\n\
             ---\napiVersion: v1\nkind: Service\nmetadata:\n  name: app-{i}\n  namespace: ns-{}\n  \
             annotations:\n    service.openyurt.io/nodepool-labelselector: {selector}\n\
             spec:\n  type: LoadBalancer\n  loadBalancerClass: alibabacloud.com/elb\n  \
             externalTrafficPolicy: {}\n  selector:\n    app: app-{i}\n  ports:\n  - name: http\n    \
             port: 80\n    targetPort: 8080\n",
            i % 50,
            i % 50,
            if i % 3 == 0 { "Cluster" } else { "Local" }
        );
    }
    s
}
