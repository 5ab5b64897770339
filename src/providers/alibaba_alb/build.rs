//! The ALB model builder: per AlbConfig the ALB (+ one EIP per zone when Internet), its
//! listeners, one forwarding rule per (Ingress, rule, path, listener) with its conditions
//! and weighted forward action, and one server group per (Ingress, Service, port, cluster)
//! (SPEC §6, reference §4).
//!
//! Attribute names are the alicloud Terraform provider's (`alicloud_alb_load_balancer`,
//! `alicloud_alb_listener`, `alicloud_alb_rule`, `alicloud_alb_server_group`). Update
//! policies follow the controller: rule priorities, conditions and forward weights,
//! listener tuning and the ALB's name and edition are updated in place; a listener's port
//! and protocol and the ALB's address allocation mode force a replacement. A reused ALB
//! (`spec.config.id`) belongs to the user: it is referenced, never created, and retained.
//!
//! Addresses use only names the user wrote (AlbConfig, Ingress, Service, port, cluster id,
//! rule and path positions), so they are stable across runs.

use crate::diag::Diagnostics;
use crate::manifest::albconfig::AlbLoadBalancer;
use crate::model::{DeletePolicy, Kind, Owner, ProviderKind, Resource, UpdatePolicy, Value};
use crate::providers::planner::Built;
use crate::topology::Resolved;

use super::gateway::{Gateway, RuleIr, Share, analyse, condition_block};
use crate::annotations::grammar::alb::{ActionConfig, AlbAction};
use crate::ir::Obj;
use crate::manifest::ingress::Ingress;

const P: ProviderKind = ProviderKind::AlibabaAlb;

/// Builds the ALB resources of every AlbConfig with the decisions of [`analyse`]; the
/// findings were reported by [`super::rules::check_cluster`].
pub fn build(resolved: &[Resolved], _diags: &mut Diagnostics) -> Built {
    let mut out = Built::default();
    for r in resolved {
        for g in analyse(&r.cluster).gateways {
            build_gateway(&g, &mut out);
        }
    }
    out
}

/// `alb.<albconfig>`: the ALB's address.
pub fn alb_address(config: &str) -> String {
    format!("alb.{config}")
}

fn build_gateway(g: &Gateway, out: &mut Built) {
    let name = g.config.name();
    let span = g
        .config
        .manifest
        .meta
        .name
        .as_ref()
        .map_or(g.config.manifest.kind.span, |n| n.span);
    let default_lb = AlbLoadBalancer::default();
    let lb = g.config.object.config.as_ref().unwrap_or(&default_lb);
    let alb = alb_address(name);
    out.resources
        .push(load_balancer(&alb, name, lb).with_provenance(span));
    if lb.is_internet() && !lb.is_reused() {
        for (i, z) in lb.zone_mappings.iter().enumerate() {
            let vsw = z.v_switch_id.as_ref().map(|v| v.value.as_str());
            let address = format!("alb_eip.{name}/{}", vsw.unwrap_or(&i.to_string()));
            let mut eip = Resource::new(&address, Kind::Eip, P)
                .with_attr(
                    "vswitch_id",
                    vsw.map_or(Value::Unknown, Value::from),
                    UpdatePolicy::ForcesReplacement,
                )
                .with_attr("zone_id", Value::Unknown, UpdatePolicy::Computed)
                .with_attr("ip_address", Value::Unknown, UpdatePolicy::Computed);
            eip = match &z.allocation_id {
                // The user's EIP: referenced, never released by the controller.
                Some(a) => eip
                    .with_owner(Owner::User)
                    .with_attr("allocation_id", a.value.as_str(), UpdatePolicy::ForcesReplacement)
                    .with_delete_policy(DeletePolicy::Retain {
                        reason: "the EIP was allocated by the user (`allocationId`); release it yourself".into(),
                    }),
                None => eip.with_attr("allocation_id", Value::Unknown, UpdatePolicy::Computed),
            };
            out.resources
                .push(eip.depends_on(&alb).with_provenance(z.span));
        }
    }
    for l in &g.listeners {
        let listener = l.listener;
        let address = format!("alb_listener.{name}/{}", l.key());
        let fallback = default_server_group(name, &l.key(), l.port, listener.span);
        let fallback_address = fallback.address.clone();
        out.resources.push(fallback.depends_on(&alb));
        let mut r = Resource::new(&address, Kind::Listener, P)
            .with_name(listener.description())
            .with_attr("load_balancer_id", Value::Unknown, UpdatePolicy::Computed)
            .with_attr("listener_port", l.port, UpdatePolicy::ForcesReplacement)
            .with_attr(
                "listener_protocol",
                l.protocol.as_str(),
                UpdatePolicy::ForcesReplacement,
            )
            .with_attr(
                "listener_description",
                listener.description(),
                UpdatePolicy::InPlace,
            )
            .with_attr(
                "idle_timeout",
                listener.idle_timeout(),
                UpdatePolicy::InPlace,
            )
            .with_attr(
                "request_timeout",
                listener.request_timeout(),
                UpdatePolicy::InPlace,
            )
            .with_attr("gzip_enabled", listener.gzip(), UpdatePolicy::InPlace)
            .with_attr(
                "default_actions",
                Value::list(vec![Value::map([
                    ("type", Value::from("ForwardGroup")),
                    (
                        "forward_group_config",
                        Value::map([(
                            "server_group_tuples",
                            Value::list(vec![Value::map([(
                                "server_group_id",
                                Value::from(fallback_address.as_str()),
                            )])]),
                        )]),
                    ),
                ])]),
                UpdatePolicy::InPlace,
            )
            .depends_on(&fallback_address);
        if l.protocol == "HTTPS" {
            r = r.with_attr("http2_enabled", listener.http2(), UpdatePolicy::InPlace);
        }
        if let Some(p) = listener.security_policy_id() {
            r = r.with_attr("security_policy_id", p, UpdatePolicy::InPlace);
        }
        if !listener.certificates.is_empty() {
            // Without explicit certificates ALBC discovers them by host (reference §4.4).
            let certs: Vec<Value> = listener
                .certificates
                .iter()
                .filter_map(|c| c.certificate_id.as_ref())
                .map(|id| Value::map([("certificate_id", Value::from(id.value.as_str()))]))
                .collect();
            r = r.with_attr("certificates", Value::list(certs), UpdatePolicy::InPlace);
        }
        out.resources
            .push(r.depends_on(&alb).with_provenance(listener.span));
    }
    let mut groups: Vec<String> = Vec::new();
    for rule in &g.rules {
        for t in targets(rule) {
            if t.redirect || groups.contains(&t.address) {
                continue;
            }
            groups.push(t.address.clone());
            out.resources.push(server_group(&t));
        }
        out.resources.push(forwarding_rule(g, rule));
    }
}

/// One weighted server group of a rule's forward action: a backend (the rule's own, or a
/// canary's) in one cluster.
struct Target<'a> {
    address: String,
    ingress: Obj<'a, Ingress>,
    service: &'a str,
    port: &'a str,
    cluster: &'a str,
    /// Weight in the forward action (the cluster share scaled by the backend's share).
    weight: i64,
    ready: Option<i64>,
    explicit: bool,
    /// The rule redirects instead of forwarding (no server group).
    redirect: bool,
    /// The Ingress path (or canary Ingress) that asked for it.
    span: crate::source::Span,
}

/// The rule's server groups and weights: the base backend's cluster shares scaled by
/// `base_weight`, then each canary's (reference §4.5, §8 case 33). A base left with no
/// weight is dropped, as the controller does.
fn targets<'a>(rule: &'a RuleIr<'a>) -> Vec<Target<'a>> {
    let mut out = Vec::new();
    let mut add = |ingress: Obj<'a, Ingress>,
                   service: &'a str,
                   port: &'a str,
                   shares: &'a [Share],
                   part: i64,
                   span: crate::source::Span| {
        for s in shares {
            out.push(Target {
                address: server_group_address(ingress, service, port, &s.cluster),
                ingress,
                service,
                port,
                cluster: &s.cluster,
                weight: s.weight * part / 100,
                ready: s.ready,
                explicit: s.explicit,
                redirect: rule.redirect,
                span,
            });
        }
    };
    if rule.base_weight > 0 {
        add(
            rule.ingress,
            &rule.service,
            &rule.port,
            &rule.shares,
            rule.base_weight,
            rule.span,
        );
    }
    for c in &rule.canaries {
        let span = c
            .ingress
            .manifest
            .meta
            .name
            .as_ref()
            .map_or(c.ingress.manifest.kind.span, |n| n.span);
        add(c.ingress, &c.service, &c.port, &c.shares, c.weight, span);
    }
    out
}

fn load_balancer(address: &str, config: &str, lb: &AlbLoadBalancer) -> Resource {
    if let Some(id) = lb.id.as_ref().filter(|i| !i.value.is_empty()) {
        return Resource::new(address, Kind::LoadBalancer, P)
            .with_owner(Owner::User)
            .with_attr("id", id.value.as_str(), UpdatePolicy::ForcesReplacement)
            .with_attr("dns_name", Value::Unknown, UpdatePolicy::Computed)
            .with_delete_policy(DeletePolicy::Retain {
                reason: format!(
                    "AlbConfig {config} reuses ALB {} (`spec.config.id`): the controller only removes its tags; delete the ALB yourself if it is no longer needed",
                    id.value
                ),
            })
            .with_provenance(id.span);
    }
    let name = lb.name.as_ref().filter(|n| !n.value.is_empty());
    let mut r = Resource::new(address, Kind::LoadBalancer, P);
    if let Some(n) = name {
        r = r.with_name(n.value.as_str());
    }
    let zones: Vec<Value> = lb
        .zone_mappings
        .iter()
        .map(|z| {
            Value::map([
                (
                    "vswitch_id",
                    z.v_switch_id
                        .as_ref()
                        .map_or(Value::Unknown, |v| Value::from(v.value.as_str())),
                ),
                (
                    "zone_id",
                    z.zone_id
                        .as_ref()
                        .map_or(Value::Unknown, |v| Value::from(v.value.as_str())),
                ),
            ])
        })
        .collect();
    r.with_attr(
        "load_balancer_name",
        // The controller's default name hashes the cluster id: known after apply here.
        name.map_or(Value::Unknown, |n| Value::from(n.value.as_str())),
        UpdatePolicy::InPlace,
    )
    .with_attr("address_type", lb.address_type(), UpdatePolicy::InPlace)
    .with_attr(
        "address_allocated_mode",
        lb.address_allocated_mode(),
        UpdatePolicy::ForcesReplacement,
    )
    .with_attr(
        "address_ip_version",
        lb.address_ip_version(),
        UpdatePolicy::ForcesReplacement,
    )
    .with_attr("load_balancer_edition", lb.edition(), UpdatePolicy::InPlace)
    .with_attr(
        "load_balancer_billing_config",
        Value::map([("pay_type", Value::from(lb.pay_type()))]),
        UpdatePolicy::ForcesReplacement,
    )
    .with_attr("zone_mappings", Value::list(zones), UpdatePolicy::InPlace)
    .with_attr(
        "deletion_protection_enabled",
        lb.deletion_protection(),
        UpdatePolicy::InPlace,
    )
    .with_attr("vpc_id", Value::Unknown, UpdatePolicy::Computed)
    .with_attr("id", Value::Unknown, UpdatePolicy::Computed)
    .with_attr("dns_name", Value::Unknown, UpdatePolicy::Computed)
}

/// `alb_server_group.<ns>/<ingress>/<svc>-<port>/<cluster>`.
fn server_group_address(
    ingress: Obj<'_, Ingress>,
    service: &str,
    port: &str,
    cluster: &str,
) -> String {
    format!(
        "alb_server_group.{}/{}/{service}-{port}/{cluster}",
        ingress.namespace(),
        ingress.name(),
    )
}

/// `backend-scheduler` / `backend-protocol` as the ALB API spells them (defaults Wrr, HTTP).
fn server_group_settings(ingress: Obj<'_, Ingress>) -> (&'static str, &'static str) {
    let ann = |k: &str| {
        ingress
            .manifest
            .meta
            .annotation(&format!("alb.ingress.kubernetes.io/{k}"))
    };
    let scheduler = match ann("backend-scheduler") {
        Some("wlc") => "Wlc",
        Some("sch") => "Sch",
        Some("uch") => "Uch",
        _ => "Wrr",
    };
    let protocol = match ann("backend-protocol") {
        Some("https") => "HTTPS",
        Some("grpc") => "GRPC",
        _ => "HTTP",
    };
    (scheduler, protocol)
}

/// `healthcheck-*` annotations (reference §4.5): on only with `healthcheck-enabled:
/// "true"`; defaults path `/`, HEAD, HTTP, http_2xx, timeout 5, interval 2, thresholds
/// 3/3. Non-integer values are ignored by the controller, so the default stays.
fn health_check(ingress: Obj<'_, Ingress>) -> Value {
    let ann = |k: &str| {
        ingress
            .manifest
            .meta
            .annotation(&format!("alb.ingress.kubernetes.io/{k}"))
    };
    if ann("healthcheck-enabled") != Some("true") {
        return Value::map([("health_check_enabled", Value::Bool(false))]);
    }
    let text = |k: &str, default: &str| Value::from(ann(k).unwrap_or(default));
    let int = |k: &str, default: i64| {
        Value::from(
            ann(k)
                .and_then(|v| v.trim().parse::<i64>().ok())
                .unwrap_or(default),
        )
    };
    Value::map([
        ("health_check_enabled", Value::Bool(true)),
        ("health_check_path", text("healthcheck-path", "/")),
        ("health_check_method", text("healthcheck-method", "HEAD")),
        (
            "health_check_protocol",
            text("healthcheck-protocol", "HTTP"),
        ),
        (
            "health_check_codes",
            Value::list(vec![text("healthcheck-httpcode", "http_2xx")]),
        ),
        (
            "health_check_timeout",
            int("healthcheck-timeout-seconds", 5),
        ),
        (
            "health_check_interval",
            int("healthcheck-interval-seconds", 2),
        ),
        ("healthy_threshold", int("healthy-threshold-count", 3)),
        ("unhealthy_threshold", int("unhealthy-threshold-count", 3)),
    ])
}

/// `sticky-session*` and `cookie*` annotations (reference §4.5): off unless
/// `sticky-session: "true"`; type Insert with cookie timeout 1000 by default.
fn sticky_session(ingress: Obj<'_, Ingress>) -> Value {
    let ann = |k: &str| {
        ingress
            .manifest
            .meta
            .annotation(&format!("alb.ingress.kubernetes.io/{k}"))
    };
    if ann("sticky-session") != Some("true") {
        return Value::map([("sticky_session_enabled", Value::Bool(false))]);
    }
    let kind = ann("sticky-session-type").unwrap_or("Insert");
    let mut pairs = vec![
        ("sticky_session_enabled", Value::Bool(true)),
        ("sticky_session_type", Value::from(kind)),
    ];
    if kind == "Server" {
        pairs.push(("cookie", ann("cookie").map_or(Value::Unknown, Value::from)));
    } else {
        pairs.push((
            "cookie_timeout",
            Value::from(
                ann("cookie-timeout")
                    .and_then(|v| v.trim().parse::<i64>().ok())
                    .unwrap_or(1000),
            ),
        ));
    }
    Value::map(pairs)
}

/// The placeholder every listener forwards unmatched requests to: ALBC builds a server
/// group for service `fake-svc` under the internal Ingress `<albconfig>-listener-<port>`,
/// with no servers, so a request no rule matches gets no healthy backend (reference §4,
/// model_builder.go `buildLsDefaultAction`).
fn default_server_group(
    albconfig: &str,
    key: &str,
    port: i64,
    span: crate::source::Span,
) -> Resource {
    let group = format!("{albconfig}-listener-{port}-fake-svc");
    Resource::new(
        format!("alb_server_group.{albconfig}/{key}/fake-svc"),
        Kind::ServerGroup,
        P,
    )
    .with_name(&group)
    .with_attr("server_group_name", group.as_str(), UpdatePolicy::InPlace)
    .with_attr(
        "server_group_type",
        "Instance",
        UpdatePolicy::ForcesReplacement,
    )
    .with_attr("protocol", "HTTP", UpdatePolicy::ForcesReplacement)
    .with_attr(
        "health_check_config",
        Value::map([("health_check_enabled", Value::Bool(false))]),
        UpdatePolicy::InPlace,
    )
    .with_attr("vpc_id", Value::Unknown, UpdatePolicy::Computed)
    .with_attr("id", Value::Unknown, UpdatePolicy::Computed)
    .with_note("the listener's default action: requests no rule matches get no healthy backend")
    .with_provenance(span)
}

fn server_group(t: &Target) -> Resource {
    let name = format!("{}-{}-{}", t.ingress.namespace(), t.service, t.port);
    let (scheduler, protocol) = server_group_settings(t.ingress);
    Resource::new(&t.address, Kind::ServerGroup, P)
        .with_name(&name)
        .with_attr("server_group_name", name.as_str(), UpdatePolicy::InPlace)
        .with_attr(
            "server_group_type",
            "Instance",
            UpdatePolicy::ForcesReplacement,
        )
        .with_attr("protocol", protocol, UpdatePolicy::ForcesReplacement)
        .with_attr("scheduler", scheduler, UpdatePolicy::InPlace)
        .with_attr(
            "health_check_config",
            health_check(t.ingress),
            UpdatePolicy::InPlace,
        )
        .with_attr(
            "sticky_session_config",
            sticky_session(t.ingress),
            UpdatePolicy::InPlace,
        )
        .with_attr(
            "tags",
            Value::map([
                ("ack.aliyun.com", Value::from(t.cluster)),
                (
                    "ingress.k8s.alibaba/ingress_name",
                    Value::from(t.ingress.name()),
                ),
                ("ingress.k8s.alibaba/service_name", Value::from(t.service)),
                ("ingress.k8s.alibaba/service_port", Value::from(t.port)),
            ]),
            UpdatePolicy::InPlace,
        )
        .with_attr("vpc_id", Value::Unknown, UpdatePolicy::Computed)
        .with_attr("id", Value::Unknown, UpdatePolicy::Computed)
        .with_provenance(t.span)
}

fn forwarding_rule(g: &Gateway, rule: &RuleIr) -> Resource {
    let l = &g.listeners[rule.listener];
    let address = format!(
        "alb_rule.{}/{}/{}/{}/{}/{}",
        g.config.name(),
        l.key(),
        rule.ingress.namespace(),
        rule.ingress.name(),
        rule.rule_index,
        rule.path_index
    );
    let rule_name = format!("rule-{}-{}", l.port, rule.priority);
    let targets = targets(rule);
    let final_custom = rule.actions.iter().find(|a| {
        matches!(
            a.config,
            ActionConfig::Redirect { .. } | ActionConfig::FixedResponse { .. }
        )
    });
    let action = if let (Some(a), false) = (final_custom, rule.redirect) {
        custom_action(a).unwrap_or(Value::Unknown)
    } else if rule.redirect {
        // reference §4.5, §8 case 35: ssl-redirect on a non-443 listener.
        Value::map([
            ("order", Value::from(1i64)),
            ("type", Value::from("Redirect")),
            (
                "redirect_config",
                Value::map([
                    ("host", Value::from("${host}")),
                    ("http_code", Value::from("308")),
                    ("path", Value::from("${path}")),
                    ("port", Value::from("443")),
                    ("protocol", Value::from("HTTPS")),
                    ("query", Value::from("${query}")),
                ]),
            ),
        ])
    } else {
        let tuples: Vec<Value> = targets
            .iter()
            .map(|t| {
                Value::map([
                    ("server_group_id", Value::from(t.address.as_str())),
                    ("weight", Value::from(t.weight)),
                ])
            })
            .collect();
        Value::map([
            ("order", Value::from(1i64)),
            ("type", Value::from("ForwardGroup")),
            (
                "forward_group_config",
                Value::map([("server_group_tuples", Value::list(tuples))]),
            ),
        ])
    };
    let mut r = Resource::new(&address, Kind::ForwardingRule, P)
        .with_name(&rule_name)
        .with_attr("rule_name", rule_name.as_str(), UpdatePolicy::InPlace)
        .with_attr("listener_id", Value::Unknown, UpdatePolicy::Computed)
        .with_attr("priority", rule.priority as i64, UpdatePolicy::InPlace)
        .with_attr("direction", "Request", UpdatePolicy::ForcesReplacement)
        .with_attr("rule_conditions", conditions(rule), UpdatePolicy::InPlace)
        .with_attr(
            "rule_actions",
            rule_actions(rule, action),
            UpdatePolicy::InPlace,
        )
        .depends_on(format!("alb_listener.{}/{}", g.config.name(), l.key()))
        .with_provenance(rule.span);
    if rule.redirect || final_custom.is_some() {
        return r;
    }
    for t in &targets {
        r = r.depends_on(t.address.as_str());
    }
    if g.fleet || !rule.canaries.is_empty() {
        r = r.with_note(traffic_note(&targets));
    }
    r
}

/// `traffic share: c6a1… 75% (3 ready, by readiness), …`: what each cluster (and each
/// canary backend) receives.
fn traffic_note(targets: &[Target]) -> String {
    if targets.is_empty() {
        return "traffic share: no cluster receives traffic".to_string();
    }
    let multi_backend = targets.iter().any(|t| t.service != targets[0].service);
    let parts: Vec<String> = targets
        .iter()
        .map(|t| {
            let ready = match t.ready {
                None => "Service absent".to_string(),
                Some(n) => format!("{n} ready"),
            };
            let how = if t.explicit {
                "cluster-weight"
            } else {
                "by readiness"
            };
            let backend = if multi_backend {
                format!("{}/{} in ", t.ingress.namespace(), t.service)
            } else {
                String::new()
            };
            format!("{backend}{} {}% ({ready}, {how})", t.cluster, t.weight)
        })
        .collect();
    format!("traffic share: {}", parts.join(", "))
}

/// Custom conditions first (Host and Path values merged with the rule's own), then Host,
/// then Path (reference §4.5).
fn conditions(rule: &RuleIr) -> Value {
    use crate::annotations::grammar::alb::ConditionType as T;
    let mut hosts: Vec<String> = Vec::new();
    let mut paths: Vec<String> = Vec::new();
    let mut out: Vec<Value> = Vec::new();
    for c in &rule.conditions {
        let values = || -> Vec<Value> {
            c.values
                .iter()
                .map(|v| Value::from(v.value.as_str()))
                .collect()
        };
        let (type_name, block) = condition_block(c.kind.value);
        let config = match c.kind.value {
            T::Host => {
                hosts.extend(c.values.iter().map(|v| v.value.clone()));
                continue;
            }
            T::Path => {
                paths.extend(c.values.iter().map(|v| v.value.clone()));
                continue;
            }
            T::Header | T::ResponseHeader => Value::map([
                (
                    "key",
                    c.key
                        .as_ref()
                        .map_or(Value::Unknown, |k| Value::from(k.value.as_str())),
                ),
                ("values", Value::list(values())),
            ]),
            T::Cookie | T::QueryString => Value::map([(
                "values",
                Value::list(
                    c.pairs
                        .iter()
                        .map(|p| {
                            Value::map([
                                (
                                    "key",
                                    p.key
                                        .as_ref()
                                        .map_or(Value::from(""), |k| Value::from(k.value.as_str())),
                                ),
                                ("value", Value::from(p.value.value.as_str())),
                            ])
                        })
                        .collect(),
                ),
            )]),
            _ => Value::map([("values", Value::list(values()))]),
        };
        out.push(Value::map([
            ("type", Value::from(type_name)),
            (block, config),
        ]));
    }
    hosts.extend(rule.host.iter().cloned());
    paths.extend(rule.paths.iter().cloned());
    let list = |v: Vec<String>| Value::list(v.into_iter().map(Value::from).collect());
    if !hosts.is_empty() {
        out.push(Value::map([
            ("type", Value::from("Host")),
            ("host_config", Value::map([("values", list(hosts))])),
        ]));
    }
    if !paths.is_empty() {
        out.push(Value::map([
            ("type", Value::from("Path")),
            ("path_config", Value::map([("values", list(paths))])),
        ]));
    }
    Value::list(out)
}

/// The rule's actions in the controller's order (reference §4.5): TrafficLimit, then
/// header/rewrite/CORS/mirror actions, then the one final action; `order` numbered 1, 2, ….
fn rule_actions(rule: &RuleIr, final_action: Value) -> Value {
    let ann = |k: &str| {
        rule.ingress
            .manifest
            .meta
            .annotation(&format!("alb.ingress.kubernetes.io/{k}"))
    };
    let int = |k: &str| ann(k).and_then(|q| q.trim().parse::<i64>().ok());
    let mut out: Vec<(String, Value)> = Vec::new();
    if let Some(qps) = int("traffic-limit-qps") {
        let mut cfg = vec![("qps", Value::from(qps))];
        if let Some(ip) = int("traffic-limit-ip-qps") {
            cfg.push(("per_ip_qps", Value::from(ip)));
        }
        out.push((
            "TrafficLimit".into(),
            Value::map([("traffic_limit_config", Value::map(cfg))]),
        ));
    }
    for a in rule.actions.iter().filter(|a| !a.kind.value.is_final()) {
        if let Some(Value::Map(m)) = custom_action(a) {
            let body: Vec<(crate::model::Key, Value)> = m
                .into_iter()
                .filter(|(k, _)| k != "type" && k != "order")
                .collect();
            out.push((a.kind.value.name().to_string(), Value::map(body)));
        }
    }
    if ann("enable-cors") == Some("true") {
        out.push(("Cors".into(), cors_defaults()));
    }
    let mut list: Vec<Value> = out
        .into_iter()
        .enumerate()
        .map(|(i, (ty, body))| {
            let mut pairs = vec![
                (crate::model::Key::from("order"), Value::from(i as i64 + 1)),
                (crate::model::Key::from("type"), Value::from(ty)),
            ];
            if let Value::Map(m) = body {
                pairs.extend(m);
            }
            Value::map(pairs)
        })
        .collect();
    let order = list.len() as i64 + 1;
    list.push(match final_action {
        Value::Map(m) => Value::map(m.into_iter().map(|(k, v)| {
            if k == "order" {
                (k, Value::from(order))
            } else {
                (k, v)
            }
        })),
        other => other,
    });
    Value::list(list)
}

/// `enable-cors: "true"`: the controller's defaults (reference §4.5).
fn cors_defaults() -> Value {
    let list = |v: &[&str]| Value::list(v.iter().map(|s| Value::from(*s)).collect());
    Value::map([(
        "cors_config",
        Value::map([
            ("allow_origin", list(&["*"])),
            (
                "allow_methods",
                list(&["GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS"]),
            ),
            ("allow_credentials", Value::from("on")),
            ("max_age", Value::from(172_800i64)),
        ]),
    )])
}

/// One `actions.<svc>` entry with the Terraform block names; `None` for a ForwardGroup
/// (built from the targets) or an unusable config (already reported).
fn custom_action(a: &AlbAction) -> Option<Value> {
    type Text = Option<crate::annotations::grammar::Located<String>>;
    let s = |v: &Text| v.as_ref().map(|v| Value::from(v.value.as_str()));
    let or = |v: &Text, default: &str| Some(s(v).unwrap_or_else(|| Value::from(default)));
    let fields = |pairs: Vec<(&'static str, Option<Value>)>| {
        Value::map(pairs.into_iter().filter_map(|(k, v)| Some((k, v?))))
    };
    let (block, config) = match &a.config {
        ActionConfig::Redirect {
            host,
            path,
            port,
            protocol,
            query,
            http_code,
        } => (
            "redirect_config",
            fields(vec![
                ("host", or(host, "${host}")),
                ("http_code", or(http_code, "301")),
                ("path", or(path, "${path}")),
                ("port", or(port, "${port}")),
                ("protocol", or(protocol, "${protocol}")),
                ("query", or(query, "${query}")),
            ]),
        ),
        ActionConfig::FixedResponse {
            content,
            content_type,
            http_code,
        } => (
            "fixed_response_config",
            fields(vec![
                ("content", s(content)),
                ("content_type", s(content_type)),
                ("http_code", s(http_code)),
            ]),
        ),
        ActionConfig::InsertHeader {
            key,
            value,
            value_type,
            ..
        } => (
            "insert_header_config",
            fields(vec![
                ("key", s(key)),
                ("value", s(value)),
                ("value_type", s(value_type)),
            ]),
        ),
        ActionConfig::RemoveHeader { key } => {
            ("remove_header_config", fields(vec![("key", s(key))]))
        }
        ActionConfig::Rewrite { host, path, query } => (
            "rewrite_config",
            fields(vec![
                ("host", s(host)),
                ("path", s(path)),
                ("query", s(query)),
            ]),
        ),
        ActionConfig::TrafficLimit { qps, qps_per_ip } => (
            "traffic_limit_config",
            fields(vec![
                ("qps", qps.as_ref().map(|q| Value::from(q.value))),
                (
                    "per_ip_qps",
                    qps_per_ip.as_ref().map(|q| Value::from(q.value)),
                ),
            ]),
        ),
        ActionConfig::TrafficMirror { target_type, .. } => (
            "traffic_mirror_config",
            fields(vec![("target_type", s(target_type))]),
        ),
        ActionConfig::ForwardGroup { .. } | ActionConfig::Missing => return None,
    };
    Some(Value::map([
        ("order", Value::from(1i64)),
        ("type", Value::from(a.kind.value.name())),
        (block, config),
    ]))
}
