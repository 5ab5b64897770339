//! Service rules, as the API server's Service validation applies them: type, ports,
//! node ports, traffic policies, load-balancer class and source ranges.

use super::metadata::{require_one_of, require_valid};
use crate::diag::{Diagnostic, Diagnostics};
use crate::kube::validation;
use crate::manifest::decode::{IntOrString, Spanned, Text};
use crate::manifest::service::{
    PROTOCOLS, Service, ServicePort, TRAFFIC_POLICIES as POLICIES, TYPES,
};
use crate::manifest::{Manifest, Object};
use crate::source::{SourceMap, Span};

const AFFINITIES: &[&str] = &["ClientIP", "None"];
/// The API server's default `--service-node-port-range`.
pub const NODE_PORT_RANGE: std::ops::RangeInclusive<i64> = 30000..=32767;

/// Runs the Service rules when `m` is a Service.
pub fn check(sources: &SourceMap, m: &Manifest, diags: &mut Diagnostics) {
    let Object::Service(svc) = &m.object else {
        return;
    };
    check_enums(svc, diags);
    check_ports_present(svc, m, diags);
    let several = svc.ports.len() > 1;
    for port in &svc.ports {
        check_port(sources, svc, port, several, diags);
    }
    check_unique_names(svc, diags);
    check_unique_ports(svc, diags);
    check_unique_node_ports(svc, diags);
    if type_is_known(svc) {
        check_type_specific_fields(svc, diags);
    }
    check_load_balancer_class(sources, svc, diags);
    check_source_ranges(sources, svc, diags);
    check_external_name(sources, svc, m, diags);
}

fn check_enums(svc: &Service, diags: &mut Diagnostics) {
    if let Some(t) = &svc.type_ {
        require_one_of(diags, "spec.type", &t.to_text(), TYPES);
    }
    if let Some(p) = &svc.external_traffic_policy {
        require_one_of(diags, "spec.externalTrafficPolicy", &p.to_text(), POLICIES);
    }
    if let Some(p) = svc.internal_traffic_policy() {
        require_one_of(diags, "spec.internalTrafficPolicy", p, POLICIES);
    }
    if let Some(a) = svc.session_affinity() {
        require_one_of(diags, "spec.sessionAffinity", a, AFFINITIES);
    }
}

/// False for a misspelt type: type-dependent rules would only add noise to LBP1105.
fn type_is_known(svc: &Service) -> bool {
    TYPES.contains(&svc.type_name())
}

fn is_headless(svc: &Service) -> bool {
    svc.cluster_ip().is_some_and(|c| c.value == "None")
}

/// Where to point when a Service-wide requirement fails: its type, else its spec.
fn anchor(svc: &Service, m: &Manifest) -> Span {
    svc.type_
        .as_ref()
        .map(|t| t.span)
        .or(svc.spec_span)
        .unwrap_or(m.kind.span)
}

fn check_ports_present(svc: &Service, m: &Manifest, diags: &mut Diagnostics) {
    if !svc.ports.is_empty()
        || is_headless(svc)
        || !type_is_known(svc)
        || svc.type_name() == "ExternalName"
    {
        return;
    }
    diags.push(
        Diagnostic::error(
            "LBP1104",
            format!("Service `{}` has no `spec.ports`", m.meta.name()),
        )
        .with_primary(anchor(svc, m), format!("a {} Service needs ports", svc.type_name()))
        .with_help("add `ports: [{name: http, port: 80, targetPort: 8080}]`; only headless (`clusterIP: None`) and ExternalName Services may have none"),
    );
}

fn check_port(
    sources: &SourceMap,
    svc: &Service,
    port: &ServicePort,
    several: bool,
    diags: &mut Diagnostics,
) {
    check_port_name(sources, port, several, diags);
    match port.port() {
        Some(p) => check_port_number(diags, &format!("{}.port", port.path()), &p),
        // Present but not an integer: decoding already said so (LBP1103).
        None if port.port_written() => {}
        None => diags.push(
            Diagnostic::error("LBP1104", format!("`{}` has no `port`", port.path()))
                .with_primary(port.span, "`port` is required")
                .with_help("add the port clients connect to, e.g. `port: 80`"),
        ),
    }
    if let Some(p) = &port.protocol {
        require_one_of(
            diags,
            &format!("{}.protocol", port.path()),
            &p.to_text(),
            PROTOCOLS,
        );
    }
    check_target_port(sources, port, diags);
    check_node_port(svc, port, diags);
}

fn check_port_number(diags: &mut Diagnostics, field: &str, p: &Spanned<i64>) {
    if let Some(d) = crate::manifest::decode::port_out_of_range(p, field, false) {
        diags.push(d);
    }
}

fn check_port_name(
    sources: &SourceMap,
    port: &ServicePort,
    several: bool,
    diags: &mut Diagnostics,
) {
    match &port.name {
        Some(name) if !name.value.is_empty() => {
            require_valid(
                sources,
                diags,
                "LBP2012",
                &format!("`{}.name`", port.path()),
                name,
                validation::dns1123_label,
                "a Service port name is a DNS-1123 label: at most 63 lower-case letters, digits or '-', starting and ending with a letter or digit (e.g. `http`, `grpc-web`)",
            );
        }
        _ if several => diags.push(
            Diagnostic::error(
                "LBP2011",
                format!(
                    "`{}` needs a `name`: the Service has several ports",
                    port.path()
                ),
            )
            .with_primary(
                port.name.as_ref().map_or(port.span, |n| n.span),
                "unnamed port",
            )
            .with_help("name every port of a multi-port Service, e.g. `name: http`"),
        ),
        _ => {}
    }
}

/// `targetPort` 0 or "" means "same as `port`" (the API server fills it in).
fn check_target_port(sources: &SourceMap, port: &ServicePort, diags: &mut Diagnostics) {
    let Some(tp) = &port.target_port else {
        return;
    };
    let field = format!("{}.targetPort", port.path());
    match &tp.value {
        IntOrString::Int(0) => {}
        IntOrString::Int(n) => check_port_number(diags, &field, &Spanned::new(*n, tp.span)),
        IntOrString::Str(s) if s.is_empty() => {}
        IntOrString::Str(s) => {
            let name = Spanned::new(Text::from(s.as_str()), tp.span);
            let help = if s.bytes().all(|b| b.is_ascii_digit()) {
                format!(
                    "`{s}` is a number written as a string: remove the quotes (`targetPort: {s}`)"
                )
            } else {
                "a named targetPort refers to a container port name: at most 15 lower-case letters, digits or '-', with at least one letter".to_string()
            };
            require_valid(
                sources,
                diags,
                "LBP2015",
                &format!("`{field}`"),
                &name,
                validation::iana_service_name,
                &help,
            );
        }
    }
}

fn check_node_port(svc: &Service, port: &ServicePort, diags: &mut Diagnostics) {
    let Some(np) = port.node_port() else {
        return;
    };
    if np.value == 0 {
        return; // 0 asks the API server to allocate one.
    }
    let field = format!("{}.nodePort", port.path());
    if !type_is_known(svc) {
        return;
    }
    if matches!(svc.type_name(), "ClusterIP" | "ExternalName") {
        let mut d = Diagnostic::error(
            "LBP2017",
            format!(
                "`{field}` may not be used when `type` is '{}'",
                svc.type_name()
            ),
        )
        .with_primary(np.span, "no node ports for this type")
        .with_help("set `type: NodePort` or `type: LoadBalancer`, or remove `nodePort`");
        if let Some(t) = &svc.type_ {
            d = d.with_secondary(t.span, "Service type");
        }
        diags.push(d);
        return;
    }
    if validation::port_number(np.value).is_some() {
        check_port_number(diags, &field, np);
    } else if !NODE_PORT_RANGE.contains(&np.value) {
        diags.push(
            Diagnostic::error(
                "LBP2016",
                format!(
                    "`{field}` {} is outside the node port range {}-{}",
                    np.value,
                    NODE_PORT_RANGE.start(),
                    NODE_PORT_RANGE.end()
                ),
            )
            .with_primary(np.span, "outside 30000-32767")
            .with_help("30000-32767 is the API server's default `--service-node-port-range`: pick a port in it, or remove `nodePort` to have one allocated"),
        );
    }
}

fn check_unique_names(svc: &Service, diags: &mut Diagnostics) {
    let mut seen: Vec<&Spanned<Text>> = Vec::new();
    for name in svc.ports.iter().filter_map(|p| p.name.as_ref()) {
        if name.value.is_empty() {
            continue;
        }
        match seen.iter().find(|s| s.value == name.value) {
            Some(first) => diags.push(
                Diagnostic::error(
                    "LBP2013",
                    format!("port name \"{}\" is used twice", name.value),
                )
                .with_primary(name.span, "duplicate name")
                .with_secondary(first.span, "first used here")
                .with_help("give each port of a Service its own name"),
            ),
            None => seen.push(name),
        }
    }
}

fn check_unique_ports(svc: &Service, diags: &mut Diagnostics) {
    let mut seen: Vec<(i64, &str, Span)> = Vec::new();
    for p in &svc.ports {
        let Some(number) = p.port() else {
            continue;
        };
        let proto = p.protocol_name();
        match seen
            .iter()
            .find(|(n, pr, _)| *n == number.value && *pr == proto)
        {
            Some((_, _, first)) => diags.push(
                Diagnostic::error(
                    "LBP2014",
                    format!(
                        "port {} / {proto} appears twice in `spec.ports`",
                        number.value
                    ),
                )
                .with_primary(number.span, "duplicate port")
                .with_secondary(*first, "first defined here")
                .with_help("remove the duplicate, or change its `port` or `protocol`"),
            ),
            None => seen.push((number.value, proto, number.span)),
        }
    }
}

fn check_unique_node_ports(svc: &Service, diags: &mut Diagnostics) {
    let mut seen: Vec<(i64, &str, Span)> = Vec::new();
    for p in &svc.ports {
        let Some(np) = p.node_port().filter(|n| n.value != 0) else {
            continue;
        };
        let proto = p.protocol_name();
        match seen
            .iter()
            .find(|(n, pr, _)| *n == np.value && *pr == proto)
        {
            Some((_, _, first)) => diags.push(
                Diagnostic::error(
                    "LBP2018",
                    format!("nodePort {} / {proto} is used by two ports", np.value),
                )
                .with_primary(np.span, "duplicate nodePort")
                .with_secondary(*first, "first used here")
                .with_help(
                    "give each port its own `nodePort`, or remove them to have ports allocated",
                ),
            ),
            None => seen.push((np.value, proto, np.span)),
        }
    }
}

/// What a type-specific field needs: the condition in the API server's words, and the fix.
struct Needs {
    when: &'static str,
    fix: &'static str,
}

const NEEDS_EXTERNAL: Needs = Needs {
    when: "`type` is 'NodePort' or 'LoadBalancer'",
    fix: "set `type: LoadBalancer` (or `NodePort`)",
};
const NEEDS_LB: Needs = Needs {
    when: "`type` is 'LoadBalancer'",
    fix: "set `type: LoadBalancer`",
};
const NEEDS_LB_LOCAL: Needs = Needs {
    when: "`type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
    fix: "set `type: LoadBalancer` and `externalTrafficPolicy: Local`",
};

/// Reports `field` set on a Service whose type (or policy) does not allow it.
fn forbid(diags: &mut Diagnostics, svc: &Service, field: &str, span: Span, needs: &Needs) {
    let mut d = Diagnostic::error(
        "LBP2019",
        format!(
            "`spec.{field}` may only be used when {} (this Service is {})",
            needs.when,
            svc.type_name()
        ),
    )
    .with_primary(span, "not allowed for this Service")
    .with_help(format!("{}, or remove `{field}`", needs.fix));
    if let Some(t) = &svc.type_ {
        d = d.with_secondary(t.span, "Service type");
    }
    diags.push(d);
}

fn check_type_specific_fields(svc: &Service, diags: &mut Diagnostics) {
    let lb = svc.is_load_balancer();
    let external = lb || svc.type_name() == "NodePort";
    if let Some(p) = svc.external_traffic_policy.as_ref().filter(|_| !external) {
        forbid(diags, svc, "externalTrafficPolicy", p.span, &NEEDS_EXTERNAL);
    }
    if let Some(c) = svc.load_balancer_class.as_ref().filter(|_| !lb) {
        forbid(diags, svc, "loadBalancerClass", c.span, &NEEDS_LB);
    }
    if let Some(r) = svc.load_balancer_source_ranges().first().filter(|_| !lb) {
        forbid(diags, svc, "loadBalancerSourceRanges", r.span, &NEEDS_LB);
    }
    if let Some(h) = svc.health_check_node_port().filter(|h| h.value != 0) {
        if !lb || svc.traffic_policy() != "Local" {
            forbid(diags, svc, "healthCheckNodePort", h.span, &NEEDS_LB_LOCAL);
        } else {
            check_port_number(diags, "spec.healthCheckNodePort", h);
        }
    }
}

fn check_load_balancer_class(sources: &SourceMap, svc: &Service, diags: &mut Diagnostics) {
    let Some(class) = &svc.load_balancer_class else {
        return;
    };
    let valid = require_valid(
        sources,
        diags,
        "LBP2020",
        "`spec.loadBalancerClass`",
        class,
        validation::qualified_name,
        "a load balancer class is `[prefix/]name`, e.g. `alibabacloud.com/nlb`",
    );
    if valid && !class.value.contains('/') {
        diags.push(
            Diagnostic::warning(
                "LBP3001",
                format!("`spec.loadBalancerClass` \"{}\" has no domain prefix", class.value),
            )
            .with_primary(class.span, "no cloud controller claims an unprefixed class")
            .with_help("use the class your controller documents (e.g. `alibabacloud.com/nlb`), or remove the field for the default controller"),
        );
    }
}

fn check_source_ranges(sources: &SourceMap, svc: &Service, diags: &mut Diagnostics) {
    for range in svc.load_balancer_source_ranges() {
        // The API server tolerates blanks around each entry (a historical accident).
        let trimmed = range.value.trim();
        let lead = range.value.len() - range.value.trim_start().len();
        let errs: Vec<_> = validation::cidr(trimmed)
            .into_iter()
            .map(|e| e.shifted(lead))
            .collect();
        if errs.is_empty() {
            continue;
        }
        diags.push(
            Diagnostic::error(
                "LBP2021",
                format!(
                    "`spec.loadBalancerSourceRanges` entry \"{}\" is not a CIDR: {}",
                    range.value,
                    super::metadata::joined(&errs)
                ),
            )
            .with_primary(super::metadata::invalid_span(sources, range, &errs), "invalid CIDR")
            .with_help("write an address and a prefix length, e.g. `203.0.113.0/24` (or `/32` for one IPv4 address)"),
        );
    }
}

fn check_external_name(sources: &SourceMap, svc: &Service, m: &Manifest, diags: &mut Diagnostics) {
    if svc.type_name() != "ExternalName" {
        return;
    }
    let Some(name) = svc.external_name() else {
        diags.push(
            Diagnostic::error(
                "LBP1104",
                "an ExternalName Service needs `spec.externalName`",
            )
            .with_primary(anchor(svc, m), "ExternalName without a name")
            .with_help(
                "add the DNS name clients are redirected to, e.g. `externalName: db.example.com`",
            ),
        );
        return;
    };
    let clean = Spanned::new(Text::from(name.value.trim_end_matches('.')), name.span);
    require_valid(
        sources,
        diags,
        "LBP2022",
        "`spec.externalName`",
        &clean,
        validation::dns1123_subdomain,
        "write a DNS name only, without scheme, port or path (e.g. `db.example.com`)",
    );
}

#[cfg(test)]
mod tests {
    use crate::compile::validate_text;

    fn svc(spec: &str) -> String {
        format!("apiVersion: v1\nkind: Service\nmetadata: {{name: web}}\nspec:\n{spec}")
    }
    fn codes(spec: &str) -> Vec<&'static str> {
        let c = validate_text("s.yaml", &svc(spec));
        c.diagnostics.sorted().iter().map(|d| d.code).collect()
    }
    #[test]
    fn a_quoted_port_is_one_type_error_not_also_missing() {
        assert_eq!(codes("  ports: [{port: \"80\"}]\n"), ["LBP1103"]);
    }

    fn first_at(spec: &str) -> (usize, usize) {
        let c = validate_text("s.yaml", &svc(spec));
        let sorted = c.diagnostics.sorted();
        let span = sorted
            .first()
            .and_then(|d| d.primary())
            .map(|l| l.span)
            .unwrap_or_default();
        let (_, l, col) = c.sources.location(span);
        (l, col)
    }

    const LB: &str = "  type: LoadBalancer\n  ports: [{name: http, port: 80, targetPort: http, nodePort: 30080}, {name: dns, port: 53, protocol: UDP}]\n  externalTrafficPolicy: Local\n  healthCheckNodePort: 31000\n  loadBalancerClass: alibabacloud.com/nlb\n  loadBalancerSourceRanges: [10.0.0.0/8, \" 192.168.0.0/16\"]\n  sessionAffinity: ClientIP\n  internalTrafficPolicy: Cluster\n";

    #[test]
    fn a_complete_load_balancer_passes() {
        // An NLB needs its zones (LBP7105, reference/alibaba.md §8 case 22).
        let text = svc(LB).replace(
            "metadata: {name: web}",
            "metadata: {name: web, annotations: {service.beta.kubernetes.io/alibaba-cloud-loadbalancer-zone-maps: \"a:vsw-1,b:vsw-2\"}}",
        );
        let c = validate_text("s.yaml", &text);
        let codes: Vec<&str> = c.diagnostics.sorted().iter().map(|d| d.code).collect();
        assert_eq!(codes, Vec::<&str>::new());
    }

    #[test]
    fn enums_are_checked_with_suggestions() {
        let c = validate_text(
            "s.yaml",
            &svc("  type: Loadbalancer\n  ports: [{port: 80}]\n"),
        );
        let d = c.diagnostics.sorted();
        assert_eq!(d[0].code, "LBP1105");
        assert!(
            d[0].help
                .as_deref()
                .unwrap_or("")
                .contains("`LoadBalancer`")
        );
        assert_eq!(codes("  ports: [{port: 80, protocol: tcp}]\n"), ["LBP1105"]);
        assert_eq!(
            codes("  ports: [{port: 80}]\n  sessionAffinity: Sticky\n"),
            ["LBP1105"]
        );
        assert_eq!(
            codes("  type: NodePort\n  ports: [{port: 80}]\n  externalTrafficPolicy: local\n"),
            ["LBP1105"]
        );
        assert_eq!(
            codes("  ports: [{port: 80}]\n  internalTrafficPolicy: Node\n"),
            ["LBP1105"]
        );
    }

    #[test]
    fn ports_are_required_unless_headless_or_external_name() {
        assert_eq!(codes("  type: LoadBalancer\n"), ["LBP1104"]);
        assert_eq!(codes("  clusterIP: None\n"), Vec::<&str>::new());
        assert_eq!(
            codes("  type: ExternalName\n  externalName: db.example.com.\n"),
            Vec::<&str>::new()
        );
        assert_eq!(codes("  type: ExternalName\n"), ["LBP1104"]);
        assert_eq!(
            codes("  type: ExternalName\n  externalName: https://db\n"),
            ["LBP2022"]
        );
        assert_eq!(codes("  ports: [{name: a}]\n"), ["LBP1104"]);
    }

    #[test]
    fn port_numbers_and_names() {
        assert_eq!(codes("  ports: [{port: 0}]\n"), ["LBP2010"]);
        assert_eq!(codes("  ports: [{port: 65536}]\n"), ["LBP2010"]);
        assert_eq!(
            codes("  ports: [{port: 80, targetPort: 70000}]\n"),
            ["LBP2010"]
        );
        assert_eq!(
            codes("  ports: [{port: 80, targetPort: 0}]\n"),
            Vec::<&str>::new()
        );
        assert_eq!(
            codes("  ports: [{port: 80}, {port: 81, name: b}]\n"),
            ["LBP2011"]
        );
        assert_eq!(codes("  ports: [{port: 80, name: HTTP}]\n"), ["LBP2012"]);
        assert_eq!(
            codes("  ports: [{port: 80, name: a}, {port: 81, name: a}]\n"),
            ["LBP2013"]
        );
        assert_eq!(
            codes("  ports: [{port: 80, name: a}, {port: 80, name: b}]\n"),
            ["LBP2014"]
        );
        assert_eq!(
            codes("  ports: [{port: 53, name: a}, {port: 53, name: b, protocol: UDP}]\n"),
            Vec::<&str>::new()
        );
        assert_eq!(
            codes("  ports: [{port: 80, targetPort: \"8080\"}]\n"),
            ["LBP2015"]
        );
        assert_eq!(
            codes("  ports: [{port: 80, targetPort: web--ui}]\n"),
            ["LBP2015"]
        );
    }

    #[test]
    fn duplicate_name_points_at_both() {
        let c = validate_text(
            "s.yaml",
            &svc("  ports:\n  - {port: 80, name: a}\n  - {port: 81, name: a}\n"),
        );
        let d = c.diagnostics.sorted();
        let spans: Vec<_> = d[0]
            .labels
            .iter()
            .map(|l| {
                let (_, line, col) = c.sources.location(l.span);
                (line, col)
            })
            .collect();
        assert_eq!(spans, [(7, 22), (6, 22)]);
    }

    #[test]
    fn node_ports() {
        let np = |t: &str, n: &str| {
            codes(&format!(
                "  type: {t}\n  ports: [{{port: 80, nodePort: {n}}}]\n"
            ))
        };
        assert_eq!(np("NodePort", "30001"), Vec::<&str>::new());
        assert_eq!(np("NodePort", "0"), Vec::<&str>::new());
        assert_eq!(np("NodePort", "8080"), ["LBP2016"]);
        assert_eq!(np("NodePort", "70000"), ["LBP2010"]);
        assert_eq!(np("ClusterIP", "30001"), ["LBP2017"]);
        assert_eq!(
            codes(
                "  type: NodePort\n  ports: [{port: 80, name: a, nodePort: 30001}, {port: 81, name: b, nodePort: 30001}]\n"
            ),
            ["LBP2018"]
        );
    }

    #[test]
    fn type_specific_fields() {
        assert_eq!(
            codes("  ports: [{port: 80}]\n  externalTrafficPolicy: Local\n"),
            ["LBP2019"]
        );
        assert_eq!(
            codes("  type: NodePort\n  ports: [{port: 80}]\n  loadBalancerClass: a.io/b\n"),
            ["LBP2019"]
        );
        assert_eq!(
            codes("  ports: [{port: 80}]\n  loadBalancerSourceRanges: [10.0.0.0/8]\n"),
            ["LBP2019"]
        );
        assert_eq!(
            codes("  type: LoadBalancer\n  ports: [{port: 80}]\n  healthCheckNodePort: 31000\n"),
            ["LBP2019"]
        );
        assert_eq!(
            first_at("  ports: [{port: 80}]\n  externalTrafficPolicy: Local\n"),
            (6, 26)
        );
    }

    #[test]
    fn load_balancer_class_and_ranges() {
        let lb = |extra: &str| {
            codes(&format!(
                "  type: LoadBalancer\n  ports: [{{port: 80}}]\n{extra}"
            ))
        };
        assert_eq!(lb("  loadBalancerClass: internal-vip\n"), ["LBP3001"]);
        assert_eq!(lb("  loadBalancerClass: a.io/b/c\n"), ["LBP2020"]);
        assert_eq!(lb("  loadBalancerSourceRanges: [10.0.0.1]\n"), ["LBP2021"]);
        assert_eq!(
            lb("  loadBalancerSourceRanges: [10.0.0.0/33]\n"),
            ["LBP2021"]
        );
        assert_eq!(
            first_at(
                "  type: LoadBalancer\n  ports: [{port: 80}]\n  loadBalancerSourceRanges: [10.0.0.0/33]\n"
            ),
            (7, 39)
        );
    }
}
