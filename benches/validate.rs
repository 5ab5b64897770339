//! `validate_text` throughput on generated fleets: N LoadBalancer Services selecting M
//! NodePools of K nodes each, with a DaemonSet per Service, as one YAML stream.
//!
//! `cargo bench --bench validate`; CI only builds it (`cargo test --all-targets`).
//! The design goal is time linear in input size, so the per-byte figure should stay flat
//! from 100 to 10 000 Services.

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use lbplan::compile::validate_text;

/// A fleet in the shape of seed 000: `pools` ENS node pools with `nodes_per_pool` nodes
/// each, and `services` ELB Services, each selecting the pools by label.
fn fleet(services: usize, pools: usize, nodes_per_pool: usize) -> String {
    let mut s = String::with_capacity(services * 900 + pools * nodes_per_pool * 500);
    s.push_str(
        "apiVersion: lbplan/v1\nkind: ClusterProfile\nmetadata:\n  name: bench\nspec:\n  \
         cloud: alibaba\n  clusterKind: ack-edge\n  clusterId: c0ffee00000000000000000000000000b\n  \
         kubernetesVersion: \"1.30\"\n  region: cn-hangzhou\n  components:\n    ecm: \"2.1.0\"\n",
    );
    for p in 0..pools {
        let _ = write!(
            s,
            "---\napiVersion: apps.openyurt.io/v1beta2\nkind: NodePool\nmetadata:\n  name: np-{p}\n  \
             labels:\n    tier: t{}\n  annotations:\n    alibabacloud.com/ens-network-id: n-{p:08x}\n    \
             alibabacloud.com/ens-region-id: cn-region-{}\n    alibabacloud.com/ens-vswitch-id: vsw-{p:08x}\n\
             spec:\n  type: Edge\n",
            p % 10,
            p % 30
        );
        for n in 0..nodes_per_pool {
            let _ = write!(
                s,
                "---\napiVersion: v1\nkind: Node\nmetadata:\n  name: node-{p}-{n}\n  labels:\n    \
                 apps.openyurt.io/nodepool: np-{p}\n    kubernetes.io/hostname: node-{p}-{n}\n\
                 status:\n  addresses:\n  - type: InternalIP\n    address: 10.{}.{}.{}\n  \
                 conditions:\n  - type: Ready\n    status: \"True\"\n",
                p / 256 % 256,
                p % 256,
                n % 250 + 1
            );
        }
    }
    for i in 0..services {
        let _ = write!(
            s,
            "---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: app-{i}\n  namespace: ns-{}\n\
             spec:\n  selector:\n    matchLabels:\n      app: app-{i}\n  template:\n    metadata:\n      \
             labels:\n        app: app-{i}\n    spec:\n      containers:\n      - name: app\n        \
             image: registry.example.com/app:{i}\n        ports:\n        - containerPort: 8080\n\
             ---\napiVersion: v1\nkind: Service\nmetadata:\n  name: app-{i}\n  namespace: ns-{}\n  \
             annotations:\n    service.openyurt.io/nodepool-labelselector: tier in (t{},t{})\n    \
             service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type: internet\n\
             spec:\n  type: LoadBalancer\n  loadBalancerClass: alibabacloud.com/elb\n  \
             externalTrafficPolicy: Local\n  selector:\n    app: app-{i}\n  ports:\n  - name: http\n    \
             port: 80\n    targetPort: 8080\n  - name: https\n    port: 443\n    targetPort: 8443\n",
            i % 50,
            i % 50,
            i % 10,
            (i + 1) % 10
        );
    }
    s
}

fn bench_validate(c: &mut Criterion) {
    let mut group = c.benchmark_group("validate_text");
    group.sample_size(10);
    // (services, node pools, nodes per pool)
    let sizes: &[(usize, usize, usize)] = if measuring() {
        &[(100, 10, 10), (1_000, 50, 20), (10_000, 200, 25)]
    } else {
        &[(100, 10, 10)]
    };
    for &(services, pools, nodes) in sizes {
        let text = fleet(services, pools, nodes);
        // Sanity: the generated fleet must be accepted, or we would time error paths.
        let check = validate_text("fleet.yaml", &text);
        assert!(
            !check.diagnostics.has_errors(),
            "generated fleet has errors: {:?}",
            check.diagnostics.sorted().first()
        );
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(
            BenchmarkId::new("fleet", format!("{services}svc-{pools}pools-{nodes}nodes")),
            &text,
            |b, text| b.iter(|| validate_text("fleet.yaml", black_box(text))),
        );
    }
    group.finish();
}

/// `cargo test --all-targets` runs benchmarks once as a smoke test (without `--bench`):
/// keep that to the small fleets so CI stays fast; `cargo bench` measures every size.
fn measuring() -> bool {
    std::env::args().any(|a| a == "--bench")
}

criterion_group!(benches, bench_validate);
criterion_main!(benches);
