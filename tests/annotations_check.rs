//! End-to-end behaviour of the annotation rules (`check::annotations`) through
//! `compile::validate_text` and the JSON diagnostics contract.

use lbplan::compile::validate_text;
use lbplan::render::diagnostics::diagnostic_json;
use serde_json::Value;

fn diagnostics(text: &str) -> Vec<Value> {
    let c = validate_text("t.yaml", text);
    c.diagnostics
        .sorted()
        .into_iter()
        .map(|d| diagnostic_json(&c.sources, d))
        .collect()
}

fn with_code<'a>(ds: &'a [Value], code: &str) -> Vec<&'a Value> {
    ds.iter().filter(|d| d["code"] == code).collect()
}

fn service(annotations: &str, spec: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n{annotations}spec:\n{spec}"
    )
}

const LB: &str = "  type: LoadBalancer\n  ports: [{port: 80}]\n";

#[test]
fn typos_get_suggestions_at_the_key() {
    let text = service(
        "    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-adress-type: intranet\n    kubernetes.io/elb.lb-algorithim: ROUND_ROBIN\n",
        LB,
    );
    let ds = diagnostics(&text);
    let unknown = with_code(&ds, "LBP3201");
    assert_eq!(unknown.len(), 2, "{ds:#?}");
    assert_eq!(unknown[0]["severity"], "warning");
    assert_eq!(
        (unknown[0]["line"].as_u64(), unknown[0]["column"].as_u64()),
        (Some(6), Some(5))
    );
    assert!(
        unknown[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("ignores it silently"))
    );
    assert_eq!(
        unknown[0]["help"],
        "did you mean `service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type`?"
    );
    assert_eq!(
        unknown[1]["help"],
        "did you mean `kubernetes.io/elb.lb-algorithm`?"
    );

    let ing = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: i\n  annotations:\n    alb.ingress.kubernetes.io/listen-port: '[{\"HTTP\": 80}]'\nspec: {}\n";
    let ds = diagnostics(ing);
    let unknown = with_code(&ds, "LBP3201");
    assert_eq!(unknown.len(), 1, "{ds:#?}");
    assert_eq!(
        unknown[0]["help"],
        "did you mean `alb.ingress.kubernetes.io/listen-ports`?"
    );
}

#[test]
fn other_products_keys_are_left_alone() {
    let text = service(
        "    service.beta.kubernetes.io/aws-load-balancer-type: nlb\n    example.com/owner: team-a\n    kubernetes.io/description: web\n",
        LB,
    );
    let ds = diagnostics(&text);
    assert!(with_code(&ds, "LBP3201").is_empty(), "{ds:#?}");
}

#[test]
fn load_balancer_annotations_on_a_cluster_ip_service_have_no_effect() {
    let text = service(
        "    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type: intranet\n    kubernetes.io/elb.class: union\n    openyurt.io/topologyKeys: openyurt.io/nodepool\n",
        "  type: ClusterIP\n  ports: [{port: 80}]\n",
    );
    let ds = diagnostics(&text);
    let inert = with_code(&ds, "LBP3202");
    assert_eq!(inert.len(), 1, "{ds:#?}");
    let d = inert[0];
    assert_eq!(d["severity"], "warning");
    assert_eq!(d["line"], 6);
    let msg = d["message"].as_str().unwrap_or_default();
    assert!(
        msg.contains("2 load-balancer annotations") && msg.contains("ClusterIP"),
        "{msg}"
    );
    // topologyKeys applies to any Service, so it is not among them.
    assert_eq!(d["labels"].as_array().map(Vec::len), Some(2));
}

#[test]
fn keys_on_the_wrong_object_or_controller_have_no_effect() {
    // A CLB-only key on an NLB Service, an NLB-only key on a CLB Service, a selector
    // without a class.
    let nlb = service(
        "    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-sticky-session: \"on\"\n",
        "  type: LoadBalancer\n  loadBalancerClass: alibabacloud.com/nlb\n  ports: [{port: 80}]\n",
    );
    let ds = diagnostics(&nlb);
    assert_eq!(with_code(&ds, "LBP3202").len(), 1, "{ds:#?}");
    let clb = service(
        "    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-zone-maps: \"cn-hz-a:vsw-1\"\n    service.openyurt.io/nodepool-labelselector: app=edge\n",
        LB,
    );
    let ds = diagnostics(&clb);
    assert_eq!(with_code(&ds, "LBP3202").len(), 2, "{ds:#?}");

    // Service keys on an Ingress, NodePool keys on a Service.
    let ing = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: i\n  annotations:\n    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-id: lb-1\nspec: {}\n";
    let ds = diagnostics(ing);
    let inert = with_code(&ds, "LBP3202");
    assert_eq!(inert.len(), 1, "{ds:#?}");
    assert!(
        inert[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("an Ingress"))
    );
    let svc = service("    alibabacloud.com/ens-network-id: n-1\n", LB);
    let ds = diagnostics(&svc);
    assert_eq!(with_code(&ds, "LBP3202").len(), 1, "{ds:#?}");
}

#[test]
fn values_are_checked_with_the_handling_controllers_rules() {
    let ann =
        "    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-protocol-port: \"http:80\"\n";
    let on_clb = diagnostics(&service(ann, LB));
    assert!(with_code(&on_clb, "LBP1201").is_empty(), "{on_clb:#?}");
    let on_nlb = diagnostics(&service(
        ann,
        "  type: LoadBalancer\n  loadBalancerClass: alibabacloud.com/nlb\n  ports: [{port: 80}]\n",
    ));
    let bad = with_code(&on_nlb, "LBP1201");
    assert_eq!(bad.len(), 1, "{on_nlb:#?}");
    assert_eq!(bad[0]["severity"], "error");
    assert_eq!(
        (bad[0]["line"].as_u64(), bad[0]["column"].as_u64()),
        (Some(6), Some(75))
    );
    assert!(bad[0]["notes"].to_string().contains("NLB"));
}

#[test]
fn a_bad_value_inside_json_inside_a_multi_line_yaml_string_is_located_exactly() {
    let text = "\
apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    kubernetes.io/elb.class: union
    kubernetes.io/elb.health-check-option: '{
      \"delay\": \"5\",
      \"timeout\": \"99\",
      \"max_retries\": \"3\"
    }'
spec:
  type: LoadBalancer
  ports: [{port: 80}]
";
    let ds = diagnostics(text);
    let bad = with_code(&ds, "LBP1201");
    assert_eq!(bad.len(), 1, "{ds:#?}");
    let d = bad[0];
    assert!(
        d["message"]
            .as_str()
            .is_some_and(|m| m.contains("kubernetes.io/elb.health-check-option"))
    );
    assert_eq!(d["line"], 9);
    // `"99"` starts at column 18; a grammar may point at the quote or at the digits.
    let col = d["column"].as_u64().unwrap_or(0);
    assert!((18..=19).contains(&col), "column {col}: {d:#}");
    assert_eq!(d["end_line"], 9);
}

#[test]
fn two_clouds_on_one_service() {
    let text = service(
        "    kubernetes.io/elb.class: union\n    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type: intranet\n",
        LB,
    );
    let ds = diagnostics(&text);
    assert_eq!(with_code(&ds, "LBP3203").len(), 1, "{ds:#?}");
}

#[test]
fn refused_combinations_are_errors() {
    let text = service(
        "    kubernetes.io/elb.id: 5083f225\n    kubernetes.io/elb.autocreate: '{\"type\": \"inner\"}'\n    kubernetes.io/elb.lb-algorithm: SOURCE_IP\n    kubernetes.io/elb.session-affinity-mode: SOURCE_IP\n",
        LB,
    );
    let ds = diagnostics(&text);
    assert_eq!(with_code(&ds, "LBP2201").len(), 1, "{ds:#?}");
    assert_eq!(with_code(&ds, "LBP2202").len(), 1, "{ds:#?}");
}

#[test]
fn legacy_key_shadowed_by_the_current_one() {
    let text = service(
        "    service.beta.kubernetes.io/alicloud-loadbalancer-address-type: internet\n    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type: intranet\n",
        LB,
    );
    let ds = diagnostics(&text);
    let shadowed = with_code(&ds, "LBP3204");
    assert_eq!(shadowed.len(), 1, "{ds:#?}");
    assert_eq!(shadowed[0]["line"], 6);
}

#[test]
fn upstream_only_huawei_keys_point_to_the_cce_key() {
    let text = service("    kubernetes.io/elb.idle-timeout: \"300\"\n", LB);
    let ds = diagnostics(&text);
    let up = with_code(&ds, "LBP3205");
    assert_eq!(up.len(), 1, "{ds:#?}");
    assert_eq!(
        up[0]["help"],
        "on CCE, use `kubernetes.io/elb.keepalive_timeout`"
    );
}

#[test]
fn a_clean_service_has_no_annotation_findings() {
    let text = service(
        "    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type: intranet\n    service.beta.kubernetes.io/alicloud-loadbalancer-scheduler: wrr\n    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-backend-label: \"zone=a,tier=web\"\n",
        LB,
    );
    let ds = diagnostics(&text);
    assert!(
        ds.iter().all(
            |d| !d["code"].as_str().unwrap_or_default().starts_with("LBP12")
                && !d["code"].as_str().unwrap_or_default().starts_with("LBP32")
        ),
        "{ds:#?}"
    );
}

#[test]
fn pool_objects_take_only_their_own_keys() {
    let text = "\
apiVersion: apps.openyurt.io/v1beta2
kind: NodePool
metadata:
  name: np-hefei
  annotations:
    alibabacloud.com/ens-network-id: n-1
    alibabacloud.com/ens-region-id: cn-hefei-unicom
    alibabacloud.com/ens-vswitch-id: vsw-1,vsw-2
spec:
  type: Edge
---
apiVersion: network.openyurt.io/v1alpha1
kind: PoolService
metadata:
  name: cube-svc-np-hefei
  annotations:
    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-id: lb-x
    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-zone-maps: cn-hz-a:vsw-1
spec: {loadBalancerClass: alibabacloud.com/elb}
";
    let ds = diagnostics(text);
    let inert = with_code(&ds, "LBP3202");
    assert_eq!(inert.len(), 1, "{ds:#?}");
    assert_eq!(inert[0]["line"], 18);
    assert!(with_code(&ds, "LBP3201").is_empty(), "{ds:#?}");
}
