//! Ingress and IngressClass rules, as the API server's networking validation applies
//! them: rules or default backend, hosts, paths and path types, backends, TLS hosts, the
//! class controller and parameters.

use super::metadata::{invalid_label, invalid_span, joined, require_one_of, require_valid};
use crate::diag::{Diagnostic, Diagnostics};
use crate::kube::validation;
use crate::manifest::decode::{Spanned, Text};
use crate::manifest::ingress::{HttpPath, Ingress, IngressBackend, IngressClass, ObjectRef};
use crate::manifest::{Manifest, Object};
use crate::source::SourceMap;

const PATH_TYPES: &[&str] = &["Exact", "Prefix", "ImplementationSpecific"];
const SCOPES: &[&str] = &["Cluster", "Namespace"];
/// The API server's limit on `IngressClass.spec.controller`.
const CONTROLLER_MAX: usize = 250;
/// Path fragments that normalise to something else; the API server refuses them.
const BAD_SEQUENCES: &[&str] = &["//", "/./", "/../", "%2f", "%2F"];
const BAD_SUFFIXES: &[&str] = &["/..", "/."];

/// Runs the Ingress or IngressClass rules when `m` is one.
pub fn check(sources: &SourceMap, m: &Manifest, diags: &mut Diagnostics) {
    match &m.object {
        Object::Ingress(ing) => check_ingress(sources, m, ing, diags),
        Object::IngressClass(class) => check_class(sources, m, class, diags),
        _ => {}
    }
}

fn check_ingress(sources: &SourceMap, m: &Manifest, ing: &Ingress, diags: &mut Diagnostics) {
    if ing.rules.is_empty() && ing.default_backend.is_none() {
        diags.push(
            Diagnostic::error(
                "LBP2030",
                format!(
                    "Ingress `{}` has neither `rules` nor `defaultBackend`",
                    m.meta.name()
                ),
            )
            .with_primary(ing.spec_span, "nowhere to send traffic")
            .with_help("add `spec.rules` with hosts and paths, or a `spec.defaultBackend`"),
        );
    }
    if let Some(class) = &ing.ingress_class_name {
        require_valid(
            sources,
            diags,
            "LBP2001",
            "`spec.ingressClassName`",
            class,
            validation::dns1123_subdomain,
            "`ingressClassName` is the name of an IngressClass: a DNS-1123 subdomain such as `alb`",
        );
    }
    for rule in &ing.rules {
        if let Some(host) = rule.host.as_ref().filter(|h| !h.value.is_empty()) {
            check_host(sources, &format!("{}.host", rule.path), host, diags);
        }
        if let Some(http) = &rule.http {
            if http.paths.is_empty() {
                diags.push(
                    Diagnostic::error("LBP1104", format!("`{}` has no `paths`", http.path))
                        .with_primary(http.span, "at least one path is required")
                        .with_help("add `paths: [{path: /, pathType: Prefix, backend: …}]`, or remove `http` to match the host only"),
                );
            }
            for path in &http.paths {
                check_path(sources, path, diags);
            }
        }
    }
    for backend in ing.backends() {
        check_backend(sources, backend, diags);
    }
    for tls in &ing.tls {
        for (i, host) in tls.hosts.iter().enumerate() {
            check_host(sources, &format!("{}.hosts[{i}]", tls.path), host, diags);
        }
    }
    alb_traffic_limits(m, diags);
    alb_grpc_needs_tls(m, ing, diags);
}

/// `alb.ingress.kubernetes.io/<suffix>`.
fn alb_key(suffix: &str) -> String {
    format!("alb.ingress.kubernetes.io/{suffix}")
}

/// ALB traffic limits (reference §4.5, §8 case 37): the per-IP limit must be below the
/// total, and the annotation must not be combined with a TrafficLimit action.
fn alb_traffic_limits(m: &Manifest, diags: &mut Diagnostics) {
    use crate::annotations::grammar::alb::{ActionType, parse_alb_actions};
    use crate::annotations::grammar::scalar::parse_int;
    let anns = &m.meta.annotations;
    let qps = anns.get(&alb_key("traffic-limit-qps"));
    let per_ip = anns.get(&alb_key("traffic-limit-ip-qps"));
    let int =
        |e: &crate::manifest::decode::StringEntry| parse_int(&e.value.value, 1, i64::MAX).ok();
    if let (Some(q), Some(p)) = (qps, per_ip)
        && let (Some(qv), Some(pv)) = (int(q), int(p))
        && pv >= qv
    {
        diags.push(
            Diagnostic::error(
                "LBP7317",
                format!("traffic limit action qps per ip({pv})must less than qps({qv})"),
            )
            .with_primary(p.value.span, "per-IP limit")
            .with_secondary(q.value.span, "total limit")
            .with_help(
                "set `traffic-limit-ip-qps` below `traffic-limit-qps`, or drop the per-IP limit",
            ),
        );
    }
    let Some(q) = qps else { return };
    for e in anns.values() {
        if !e
            .key
            .value
            .starts_with("alb.ingress.kubernetes.io/actions.")
        {
            continue;
        }
        let has_limit = parse_alb_actions(&e.value.value).is_ok_and(|a| {
            a.actions
                .iter()
                .any(|a| a.kind.value == ActionType::TrafficLimit)
        });
        if has_limit {
            diags.push(
                Diagnostic::error(
                    "LBP7318",
                    "can't exist action trafficlimit and annotation traffic-limit-qps at the same time",
                )
                .with_primary(e.value.span, "TrafficLimit action here")
                .with_secondary(q.key.span, "traffic-limit-qps annotation")
                .with_help("keep one: the annotation, or the TrafficLimit action in `actions.<svc>`"),
            );
        }
    }
}

/// `backend-protocol: grpc` needs TLS on the Ingress (reference §4.5, §8 case 38).
fn alb_grpc_needs_tls(m: &Manifest, ing: &Ingress, diags: &mut Diagnostics) {
    let Some(p) = m.meta.annotations.get(&alb_key("backend-protocol")) else {
        return;
    };
    if p.value.value == "grpc" && ing.tls.is_empty() {
        diags.push(
            Diagnostic::error(
                "LBP7319",
                "'grpc' backend protocol must be use with TLS listener(Ingress.Spec.TLS)",
            )
            .with_primary(p.value.span, "gRPC backends")
            .with_help(
                "add `spec.tls` with the hosts and a certificate secret, and listen on HTTPS",
            ),
        );
    }
}

fn check_host(sources: &SourceMap, field: &str, host: &Spanned<Text>, diags: &mut Diagnostics) {
    let errs = validation::ingress_host(&host.value);
    if errs.is_empty() {
        return;
    }
    let help = if host.value.parse::<std::net::IpAddr>().is_ok() {
        "Ingress hosts are matched against the HTTP Host header: use the DNS name, or omit `host` to match every host"
    } else if host.value.contains(':') {
        "remove the port: listeners decide the port, the host names only the DNS name"
    } else {
        "use a lower-case DNS name such as `shop.example.com`, or `*.example.com` for one wildcard label"
    };
    diags.push(
        Diagnostic::error(
            "LBP2032",
            format!("`{field}` \"{}\" is invalid: {}", host.value, joined(&errs)),
        )
        .with_primary(invalid_span(sources, host, &errs), invalid_label(&errs))
        .with_help(help),
    );
}

fn check_path(sources: &SourceMap, p: &HttpPath, diags: &mut Diagnostics) {
    let Some(path_type) = &p.path_type else {
        diags.push(
            Diagnostic::error("LBP1104", format!("`{}` has no `pathType`", p.field))
                .with_primary(p.path.as_ref().map_or(p.span, |s| s.span), "`pathType` is required")
                .with_help("add `pathType: Prefix` (matches the path and everything below it) or `pathType: Exact`"),
        );
        return;
    };
    if !require_one_of(
        diags,
        &format!("{}.pathType", p.field),
        path_type,
        PATH_TYPES,
    ) {
        return;
    }
    let strict = path_type.value != "ImplementationSpecific";
    match &p.path {
        Some(path) if !path.value.is_empty() => check_path_text(sources, p, path, diags),
        _ if strict => diags.push(
            Diagnostic::error(
                "LBP2031",
                format!(
                    "`{}.path` must be an absolute path for pathType {}",
                    p.field, path_type.value
                ),
            )
            .with_primary(
                p.path.as_ref().map_or(path_type.span, |s| s.span),
                "missing path",
            )
            .with_secondary(path_type.span, "path type")
            .with_help("add `path: /` to match every path"),
        ),
        _ => {}
    }
}

fn check_path_text(
    sources: &SourceMap,
    p: &HttpPath,
    path: &Spanned<Text>,
    diags: &mut Diagnostics,
) {
    let text = path.value.as_str();
    let problem = if !text.starts_with('/') {
        Some((
            0..1,
            "must be an absolute path (start with '/')".to_string(),
        ))
    } else if let Some((i, seq)) = BAD_SEQUENCES
        .iter()
        .find_map(|s| text.find(s).map(|i| (i, *s)))
    {
        Some((i..i + seq.len(), format!("must not contain '{seq}'")))
    } else {
        BAD_SUFFIXES.iter().find(|s| text.ends_with(**s)).map(|s| {
            (
                text.len() - s.len()..text.len(),
                format!("must not end with '{s}'"),
            )
        })
    };
    let Some((at, msg)) = problem else {
        return;
    };
    let help = if msg.starts_with("must be an absolute") {
        format!("write `/{text}`")
    } else {
        "write the normalised path (no empty, '.' or '..' segments, no encoded '/')".to_string()
    };
    diags.push(
        Diagnostic::error("LBP2031", format!("`{}.path` \"{text}\" {msg}", p.field))
            .with_primary(
                super::metadata::point_into(sources, path.span, text, at),
                "invalid path",
            )
            .with_help(help),
    );
}

fn check_backend(sources: &SourceMap, b: &IngressBackend, diags: &mut Diagnostics) {
    match (&b.service, &b.resource) {
        (Some(_), Some(r)) => diags.push(
            Diagnostic::error(
                "LBP2033",
                format!("`{}` sets both `service` and `resource`", b.path),
            )
            .with_primary(r.span, "second target")
            .with_help("keep exactly one of `service` and `resource`"),
        ),
        (None, None) => diags.push(
            Diagnostic::error(
                "LBP2033",
                format!("`{}` needs a `service` or a `resource`", b.path),
            )
            .with_primary(b.span, "no target")
            .with_help("add e.g. `service: {name: web, port: {number: 80}}`"),
        ),
        (Some(_), None) => {}
        (None, Some(r)) => check_object_ref(r, diags),
    }
    if let Some(svc) = &b.service {
        match &svc.name {
            Some(name) => {
                require_valid(
                    sources,
                    diags,
                    "LBP2001",
                    &format!("`{}.name`", svc.path),
                    name,
                    validation::dns1035_label,
                    "a backend names a Service, and Service names are DNS-1035 labels (lower case, starting with a letter, no dots)",
                );
            }
            None => diags.push(
                Diagnostic::error("LBP1104", format!("`{}` has no `name`", svc.path))
                    .with_primary(svc.span, "which Service?")
                    .with_help("add the Service's name: `name: web`"),
            ),
        }
        check_backend_port(sources, svc, diags);
    }
}

fn check_backend_port(
    sources: &SourceMap,
    svc: &crate::manifest::ingress::ServiceBackend,
    diags: &mut Diagnostics,
) {
    let port = svc.port.as_ref();
    let number = port
        .and_then(|p| p.number.as_ref())
        .filter(|n| n.value != 0);
    let name = port
        .and_then(|p| p.name.as_ref())
        .filter(|n| !n.value.is_empty());
    match (number, name) {
        (Some(n), Some(nm)) => diags.push(
            Diagnostic::error(
                "LBP2034",
                format!("`{}.port` sets both `number` and `name`", svc.path),
            )
            .with_primary(nm.span, "second way to name the port")
            .with_secondary(n.span, "port number")
            .with_help("keep one of `number` and `name`"),
        ),
        (None, None) => diags.push(
            Diagnostic::error(
                "LBP2034",
                format!("`{}.port` needs a `number` or a `name`", svc.path),
            )
            .with_primary(port.map_or(svc.span, |p| p.span), "no port")
            .with_help("add `port: {number: 80}` or `port: {name: http}` (the Service port)"),
        ),
        (Some(n), None) => {
            if let Some(msg) = validation::port_number(n.value) {
                diags.push(
                    Diagnostic::error(
                        "LBP2010",
                        format!("`{}.port.number` {} is invalid: {msg}", svc.path, n.value),
                    )
                    .with_primary(n.span, "not a port number")
                    .with_help("use the Service port, between 1 and 65535"),
                );
            }
        }
        (None, Some(nm)) => {
            require_valid(
                sources,
                diags,
                "LBP2015",
                &format!("`{}.port.name`", svc.path),
                nm,
                validation::iana_service_name,
                "a backend port name is the Service port's name: at most 15 lower-case letters, digits or '-', with at least one letter",
            );
        }
    }
}

/// A `resource` backend needs a kind and a name.
fn check_object_ref(r: &ObjectRef, diags: &mut Diagnostics) {
    for (field, value) in [("kind", &r.kind), ("name", &r.name)] {
        if value.as_ref().is_none_or(|v| v.value.is_empty()) {
            diags.push(
                Diagnostic::error("LBP1104", format!("`{}` has no `{field}`", r.path))
                    .with_primary(r.span, format!("`{field}` is required"))
                    .with_help("a resource reference needs `kind` and `name` (and `apiGroup` for non-core kinds)"),
            );
        }
    }
}

fn check_class(sources: &SourceMap, m: &Manifest, class: &IngressClass, diags: &mut Diagnostics) {
    match &class.controller {
        Some(c) => check_controller(sources, c, diags),
        None => diags.push(
            Diagnostic::error(
                "LBP1104",
                format!("IngressClass `{}` has no `spec.controller`", m.meta.name()),
            )
            .with_primary(class.spec_span, "`controller` is required")
            .with_help(
                "add the controller's name, e.g. `controller: ingress.k8s.alibabacloud/alb`",
            ),
        ),
    }
    if let Some(p) = &class.parameters {
        check_parameters(p, diags);
    }
}

fn check_controller(sources: &SourceMap, c: &Spanned<Text>, diags: &mut Diagnostics) {
    let mut errs = validation::domain_prefixed_path(&c.value);
    if c.value.len() > CONTROLLER_MAX {
        errs.push(validation::Invalid {
            message: format!("must be no more than {CONTROLLER_MAX} characters"),
            at: None,
        });
    }
    if errs.is_empty() {
        return;
    }
    diags.push(
        Diagnostic::error(
            "LBP2040",
            format!("`spec.controller` \"{}\" is invalid: {}", c.value, joined(&errs)),
        )
        .with_primary(invalid_span(sources, c, &errs), invalid_label(&errs))
        .with_help("a controller is a domain-prefixed path, e.g. `ingress.k8s.alibabacloud/alb` or `k8s.io/ingress-nginx`"),
    );
}

fn check_parameters(p: &ObjectRef, diags: &mut Diagnostics) {
    check_object_ref(p, diags);
    let scope = match &p.scope {
        Some(s) if !require_one_of(diags, &format!("{}.scope", p.path), s, SCOPES) => return,
        Some(s) => s.value.as_str(),
        None => "Cluster",
    };
    match (scope, &p.namespace) {
        ("Namespace", None) => diags.push(
            Diagnostic::error(
                "LBP2041",
                format!(
                    "`{}.namespace` is required when `scope` is 'Namespace'",
                    p.path
                ),
            )
            .with_primary(
                p.scope.as_ref().map_or(p.span, |s| s.span),
                "namespaced parameters",
            )
            .with_help("add `namespace: …`, or use `scope: Cluster` for a cluster-scoped object"),
        ),
        ("Cluster", Some(ns)) => diags.push(
            Diagnostic::error(
                "LBP2041",
                format!(
                    "`{}.namespace` must not be set when `scope` is 'Cluster'",
                    p.path
                ),
            )
            .with_primary(ns.span, "not allowed for cluster-scoped parameters")
            .with_help("remove `namespace`, or set `scope: Namespace`"),
        ),
        _ => {}
    }
}

/// Several default IngressClasses make the API server refuse class-less Ingresses.
pub fn check_default_classes(manifests: &[Manifest], diags: &mut Diagnostics) {
    let mut first: Option<(&str, crate::source::Span)> = None;
    for m in manifests {
        let Object::IngressClass(class) = &m.object else {
            continue;
        };
        let Some(flag) = class.is_default_class.as_ref().filter(|f| f.value) else {
            continue;
        };
        match first {
            None => first = Some((m.meta.name(), flag.span)),
            Some((name, span)) => diags.push(
                Diagnostic::warning(
                    "LBP3002",
                    format!(
                        "IngressClasses `{name}` and `{}` are both marked as the default",
                        m.meta.name()
                    ),
                )
                .with_primary(flag.span, "second default class")
                .with_secondary(span, "first default class")
                .with_help("mark exactly one IngressClass with `ingressclass.kubernetes.io/is-default-class: \"true\"`"),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::compile::validate_text;

    fn ing(spec: &str) -> String {
        format!(
            "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {{name: web}}\nspec:\n{spec}"
        )
    }
    fn codes_of(text: &str) -> Vec<&'static str> {
        let c = validate_text("i.yaml", text);
        c.diagnostics.sorted().iter().map(|d| d.code).collect()
    }
    fn codes(spec: &str) -> Vec<&'static str> {
        codes_of(&ing(spec))
    }
    fn rule(host: &str, path: &str, path_type: &str, backend: &str) -> String {
        format!(
            "  rules:\n  - host: {host}\n    http:\n      paths:\n      - {{path: {path}, pathType: {path_type}, backend: {backend}}}\n"
        )
    }
    const SVC: &str = "{service: {name: web, port: {number: 80}}}";

    #[test]
    fn valid_ingress_passes() {
        assert_eq!(
            codes(&rule("a.example.com", "/", "Prefix", SVC)),
            Vec::<&str>::new()
        );
        assert_eq!(
            codes(&rule("\"*.example.com\"", "/x", "Exact", SVC)),
            Vec::<&str>::new()
        );
        assert_eq!(
            codes(&rule("a.io", "x*", "ImplementationSpecific", SVC)),
            ["LBP2031"]
        );
        assert_eq!(
            codes(&format!("  defaultBackend: {SVC}\n")),
            Vec::<&str>::new()
        );
    }

    #[test]
    fn needs_rules_or_default_backend() {
        assert_eq!(codes("  ingressClassName: alb\n"), ["LBP2030"]);
        assert_eq!(
            codes(
                "  ingressClassName: Alb_1\n  defaultBackend: {service: {name: w, port: {number: 1}}}\n"
            ),
            ["LBP2001"]
        );
    }

    #[test]
    fn path_types_and_paths() {
        assert_eq!(codes(&rule("a.io", "/", "prefix", SVC)), ["LBP1105"]);
        let missing = ing(&format!(
            "  rules:\n  - http:\n      paths:\n      - {{path: /, backend: {SVC}}}\n"
        ));
        assert_eq!(codes_of(&missing), ["LBP1104"]);
        assert_eq!(codes(&rule("a.io", "api", "Prefix", SVC)), ["LBP2031"]);
        assert_eq!(codes(&rule("a.io", "/a//b", "Exact", SVC)), ["LBP2031"]);
        assert_eq!(codes(&rule("a.io", "/a/..", "Exact", SVC)), ["LBP2031"]);
        assert_eq!(codes(&rule("a.io", "\"\"", "Prefix", SVC)), ["LBP2031"]);
        assert_eq!(codes("  rules:\n  - http: {paths: []}\n"), ["LBP1104"]);
    }

    #[test]
    fn hosts() {
        assert_eq!(codes(&rule("1.2.3.4", "/", "Prefix", SVC)), ["LBP2032"]);
        assert_eq!(codes(&rule("a.io:80", "/", "Prefix", SVC)), ["LBP2032"]);
        assert_eq!(codes(&rule("\"a.*.io\"", "/", "Prefix", SVC)), ["LBP2032"]);
        assert_eq!(codes(&rule("A.io", "/", "Prefix", SVC)), ["LBP2032"]);
        let tls = format!("  tls: [{{hosts: [ok.io, \"bad host\"]}}]\n  defaultBackend: {SVC}\n");
        assert_eq!(codes(&tls), ["LBP2032"]);
    }

    #[test]
    fn backends() {
        assert_eq!(codes(&rule("a.io", "/", "Prefix", "{}")), ["LBP2033"]);
        let both = "{service: {name: w, port: {number: 80}}, resource: {kind: B, name: b}}";
        assert_eq!(codes(&rule("a.io", "/", "Prefix", both)), ["LBP2033"]);
        assert_eq!(
            codes(&rule("a.io", "/", "Prefix", "{resource: {kind: B}}")),
            ["LBP1104"]
        );
        assert_eq!(
            codes(&rule(
                "a.io",
                "/",
                "Prefix",
                "{service: {name: 1w, port: {number: 80}}}"
            )),
            ["LBP2001"]
        );
        assert_eq!(
            codes(&rule(
                "a.io",
                "/",
                "Prefix",
                "{service: {port: {number: 80}}}"
            )),
            ["LBP1104"]
        );
        assert_eq!(
            codes(&rule("a.io", "/", "Prefix", "{service: {name: w}}")),
            ["LBP2034"]
        );
        assert_eq!(
            codes(&rule(
                "a.io",
                "/",
                "Prefix",
                "{service: {name: w, port: {number: 80, name: http}}}"
            )),
            ["LBP2034"]
        );
        assert_eq!(
            codes(&rule(
                "a.io",
                "/",
                "Prefix",
                "{service: {name: w, port: {number: 99999}}}"
            )),
            ["LBP2010"]
        );
        assert_eq!(
            codes(&rule(
                "a.io",
                "/",
                "Prefix",
                "{service: {name: w, port: {name: HTTP}}}"
            )),
            ["LBP2015"]
        );
        assert_eq!(
            codes(&rule(
                "a.io",
                "/",
                "Prefix",
                "{service: {name: w, port: {name: http}}}"
            )),
            Vec::<&str>::new()
        );
    }

    fn class(name: &str, spec: &str, default: bool) -> String {
        let ann = if default {
            "\n  annotations: {ingressclass.kubernetes.io/is-default-class: \"true\"}"
        } else {
            ""
        };
        format!(
            "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: {name}{ann}\nspec:\n{spec}"
        )
    }

    #[test]
    fn ingress_classes() {
        let alb = "  controller: ingress.k8s.alibabacloud/alb\n  parameters: {apiGroup: alibabacloud.com, kind: AlbConfig, name: cfg}\n";
        assert_eq!(codes_of(&class("alb", alb, true)), Vec::<&str>::new());
        assert_eq!(
            codes_of(&class("a", "  controller: nginx\n", false)),
            ["LBP2040"]
        );
        assert_eq!(
            codes_of(&class("a", "  parameters: {kind: K, name: p}\n", false)),
            ["LBP1104"]
        );
        let ns = "  controller: a.io/c\n  parameters: {kind: K, name: p, scope: Namespace}\n";
        assert_eq!(codes_of(&class("a", ns, false)), ["LBP2041"]);
        let cl = "  controller: a.io/c\n  parameters: {kind: K, name: p, namespace: x}\n";
        assert_eq!(codes_of(&class("a", cl, false)), ["LBP2041"]);
        let bad_scope = "  controller: a.io/c\n  parameters: {kind: K, name: p, scope: cluster}\n";
        assert_eq!(codes_of(&class("a", bad_scope, false)), ["LBP1105"]);
        let two = class("a", alb, true) + "---\n" + &class("b", alb, true);
        assert_eq!(codes_of(&two), ["LBP3002"]);
    }

    #[test]
    fn spans_point_at_the_offending_text() {
        let text = ing(&rule("shop.Example.com", "api/v1", "Prefix", SVC));
        let c = validate_text("i.yaml", &text);
        let got: Vec<_> = c
            .diagnostics
            .sorted()
            .iter()
            .map(|d| {
                let span = d.primary().map(|l| l.span).unwrap_or_default();
                let (_, l, col) = c.sources.location(span);
                (
                    d.code,
                    l,
                    col,
                    c.sources.get(span.file).slice(span).to_string(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("LBP2032", 6, 16, "E".to_string()),
                ("LBP2031", 9, 16, "a".to_string())
            ]
        );
    }
}
