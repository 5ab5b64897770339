//! OpenYurt `network.openyurt.io/v1alpha1` PoolService (namespaced): the per-pool slice of a
//! multi-region LoadBalancer Service. The loadbalancerset controller creates one per
//! selected NodePool, named `<service>-<pool>` (reference §5.2–5.3); ECM turns each one
//! into an ELB. Users meet them when binding a self-managed ELB: the ELB id is annotated
//! on the PoolService (seed 000, Option B step 4), read with [`loadbalancer_id`].

use super::Boxed;
use super::ObjectMeta;
use super::decode::{Ctx, Fields, Spanned, StringEntry, Text};
use super::service::decode_load_balancer_status;
use crate::source::{Node, Span};

/// Label naming the Service a PoolService was created for.
pub const SERVICE_NAME_LABEL: &str = "openyurt.io/service-name";
/// Label naming the NodePool a PoolService was created for.
pub const POOL_NAME_LABEL: &str = "openyurt.io/pool-name";
/// Label the loadbalancerset controller uses to recognise its own PoolServices; one
/// without it is left untouched (`ManagedConflict`).
pub const MANAGED_BY_LABEL: &str = "poolservice.openyurt.io/managed-by";
/// Annotation binding a self-managed ELB to the pool (seed 000, Option B step 4).
pub const LOADBALANCER_ID_ANNOTATION: &str =
    "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-id";

/// A [`PoolServiceBody`] on the heap: see [`Boxed`].
pub type PoolService = Boxed<PoolServiceBody>;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct PoolServiceBody {
    /// `spec.loadBalancerClass`, copied from the Service (`alibabacloud.com/elb` for ECM).
    pub load_balancer_class: Option<Spanned<Text>>,
    /// `status.loadBalancer.ingress[]` addresses (ip or hostname).
    pub status_ingress: Vec<Spanned<Text>>,
    /// `status.aggregateToAnnotations` / `aggregateToLabels`: copied onto the Service as
    /// `aggregated.<key>` (reference §5.3).
    pub aggregate_to_annotations: super::decode::StringMap,
    pub aggregate_to_labels: super::decode::StringMap,
    pub spec_span: Option<Span>,
}

/// `openyurt.io/service-name`, if labelled.
pub fn service_name(meta: &ObjectMeta) -> Option<&StringEntry> {
    meta.labels.get(SERVICE_NAME_LABEL)
}
/// `openyurt.io/pool-name`, if labelled.
pub fn pool_name(meta: &ObjectMeta) -> Option<&StringEntry> {
    meta.labels.get(POOL_NAME_LABEL)
}
/// `poolservice.openyurt.io/managed-by`, if labelled.
pub fn managed_by(meta: &ObjectMeta) -> Option<&StringEntry> {
    meta.labels.get(MANAGED_BY_LABEL)
}
/// The self-managed ELB id annotated on the PoolService, if any.
pub fn loadbalancer_id(meta: &ObjectMeta) -> Option<&StringEntry> {
    meta.annotations.get(LOADBALANCER_ID_ANNOTATION)
}

pub fn decode(ctx: &mut Ctx, f: &mut Fields, _node: &Node) -> PoolServiceBody {
    let mut ps = PoolServiceBody::default();
    if let Some(mut spec) = f.map(ctx, "spec") {
        ps.spec_span = Some(spec.node().span);
        ps.load_balancer_class = spec.string(ctx, "loadBalancerClass");
        spec.finish(ctx);
    }
    if let Some(mut status) = f.map(ctx, "status") {
        ps.status_ingress = decode_load_balancer_status(ctx, &mut status);
        ps.aggregate_to_annotations = status.string_map(ctx, "aggregateToAnnotations");
        ps.aggregate_to_labels = status.string_map(ctx, "aggregateToLabels");
        status.accept(&["conditions"]);
        status.finish(ctx);
    }
    ps
}

#[cfg(test)]
mod tests {
    use crate::compile::validate_text;
    use crate::manifest::Object;

    /// Seed 000, Option B step 4: `kubectl annotate ps cube-svc-np-heifei
    /// service.beta.kubernetes.io/alibaba-cloud-loadbalancer-id=lb-xxx`, on a PoolService as
    /// the loadbalancerset controller creates it (reference §5.3).
    const PS: &str = r#"
apiVersion: network.openyurt.io/v1alpha1
kind: PoolService
metadata:
  name: cube-svc-np-heifei
  namespace: default
  labels:
    openyurt.io/service-name: cube-svc
    openyurt.io/pool-name: np-heifei
    poolservice.openyurt.io/managed-by: yurt-manager-loadbalancerset-controller
  annotations:
    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-id: lb-xxx
spec:
  loadBalancerClass: alibabacloud.com/elb
status:
  loadBalancer:
    ingress: [{ip: 39.106.0.1}]
  aggregateToAnnotations: {lb-id: lb-xxx}
"#;

    #[test]
    fn seed_000_option_b_pool_service() {
        let c = validate_text("ps.yaml", PS);
        assert!(c.diagnostics.is_empty(), "{:?}", c.diagnostics);
        let m = &c.manifests[0];
        let Object::PoolService(ps) = &m.object else {
            panic!("not a PoolService")
        };
        assert_eq!(
            ps.load_balancer_class.as_ref().map(|c| c.value.as_str()),
            Some("alibabacloud.com/elb")
        );
        assert_eq!(ps.status_ingress[0].value, "39.106.0.1");
        assert!(ps.aggregate_to_annotations.contains_key("lb-id"));
        let v = |e: Option<&crate::manifest::decode::StringEntry>| e.map(|e| e.value.value.clone());
        assert_eq!(v(super::service_name(&m.meta)).as_deref(), Some("cube-svc"));
        assert_eq!(v(super::pool_name(&m.meta)).as_deref(), Some("np-heifei"));
        assert!(super::managed_by(&m.meta).is_some());
        assert_eq!(
            v(super::loadbalancer_id(&m.meta)).as_deref(),
            Some("lb-xxx")
        );
    }

    #[test]
    fn unknown_spec_field_warns() {
        let c = validate_text(
            "ps.yaml",
            &PS.replace("loadBalancerClass:", "loadBalancerClas:"),
        );
        let d = c
            .diagnostics
            .iter()
            .find(|d| d.code == "LBP3101")
            .expect("unknown field");
        assert!(
            d.help
                .as_deref()
                .unwrap_or("")
                .contains("loadBalancerClass")
        );
    }
}
