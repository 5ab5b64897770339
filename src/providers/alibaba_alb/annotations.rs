//! ALB annotation keys (`alb.ingress.kubernetes.io/…`, plus the `nginx.ingress.kubernetes.io/`
//! spellings the ALB controller also honours).
//!
//! Semantics follow the open ALB controller (ALBC); keys only the older CCM ALB path reads
//! say so in their doc line.

use crate::annotations::catalogue::{
    AnnotationSpec as S, Controller, Controller::*, KeyPattern, Provider, Target,
};
use crate::annotations::grammar::Grammar as G;

const A: &[Controller] = &[Alb];
const ING: &[Target] = &[Target::Ingress];
const TRUE_FALSE: G = G::Enum(&["true", "false"]);

const fn e(key: &'static str, grammar: G, default: Option<&'static str>, doc: &'static str) -> S {
    S::new(
        KeyPattern::Exact(key),
        Provider::AlibabaAlb,
        A,
        ING,
        grammar,
        default,
        doc,
    )
}

const fn p(
    prefix: &'static str,
    grammar: G,
    default: Option<&'static str>,
    doc: &'static str,
) -> S {
    S::new(
        KeyPattern::Prefixed(prefix),
        Provider::AlibabaAlb,
        A,
        ING,
        grammar,
        default,
        doc,
    )
}

/// Every ALB key.
pub static ANNOTATIONS: &[S] = &[
    e(
        alb!("listen-ports"),
        G::ListenPorts,
        None,
        "Listeners the Ingress's rules go to, as JSON `[{\"HTTP\": 80},{\"HTTPS\": 443}]`; a port without an AlbConfig listener gets no rules.",
    ),
    p(
        alb!("conditions."),
        G::AlbConditions,
        None,
        "Extra match conditions (Header, Cookie, QueryString, Host, Path, Method, SourceIp…) for rules forwarding to the named Service.",
    ),
    p(
        alb!("actions."),
        G::AlbActions,
        None,
        "Actions (FixedResponse, Redirect, InsertHeader, Rewrite, TrafficMirror, ForwardGroup…) for rules of the named Service.",
    ),
    p(
        alb!("rule-direction."),
        G::Enum(&["Request", "Response"]),
        Some("Request"),
        "Whether the rules of the named Service match requests or responses.",
    ),
    e(
        alb!("order"),
        G::Int { min: 1, max: 1000 },
        Some("10"),
        "Position of this Ingress among those sharing an AlbConfig; lower orders get higher rule priority. Duplicates are refused.",
    ),
    e(
        alb!("albconfig.order"),
        G::Int { min: 1, max: 1000 },
        Some("10"),
        "Older spelling of `order`, still read (the only one the CCM ALB path reads).",
    ),
    e(
        alb!("albconfig.name"),
        G::NonEmpty,
        None,
        "Bind the Ingress to this AlbConfig instead of the one named by its IngressClass parameters.",
    ),
    p(
        alb!("cluster-weight."),
        G::ClusterWeight,
        None,
        "ACK One: share (0–100) of traffic sent to the named member cluster; all weights must sum to 100, unknown clusters are skipped.",
    ),
    e(
        alb!("canary"),
        TRUE_FALSE,
        Some("false"),
        "Marks this Ingress as the canary of the Ingress with the same host and path.",
    ),
    e(
        alb!("canary-weight"),
        G::Int { min: 0, max: 100 },
        None,
        "Percentage of the base rule's traffic sent to the canary's Service (the base keeps the rest).",
    ),
    e(
        alb!("canary-by-header"),
        G::NonEmpty,
        None,
        "Request header that sends matching requests to the canary.",
    ),
    e(
        alb!("canary-by-header-value"),
        G::NonEmpty,
        None,
        "Value the canary header must have (with canary-by-header).",
    ),
    e(
        alb!("canary-by-cookie"),
        G::NonEmpty,
        None,
        "Cookie that, set to `always`, sends requests to the canary.",
    ),
    e(
        alb!("ssl-redirect"),
        TRUE_FALSE,
        Some("false"),
        "Redirect plain HTTP to HTTPS 443 with a 308; also adds an HTTP:80 listener port.",
    ),
    e(
        alb!("rewrite-target"),
        G::NonEmpty,
        None,
        "Rewrite the request path before forwarding; turns Prefix paths into one regex match.",
    ),
    e(
        alb!("use-regex"),
        TRUE_FALSE,
        Some("false"),
        "Treat the Ingress paths as regular expressions.",
    ),
    e(
        alb!("backend-protocol"),
        G::Enum(&["http", "https", "grpc"]),
        Some("http"),
        "Protocol to the backends; `grpc` requires TLS on the Ingress.",
    ),
    e(
        alb!("backend-scheduler"),
        G::Enum(&["wrr", "wlc", "sch", "uch"]),
        Some("wrr"),
        "Server group scheduler; anything else (e.g. `rr`) fails with \"unkown backend scheduler\".",
    ),
    e(
        alb!("backend-scheduler-uch-value"),
        G::NonEmpty,
        None,
        "Hash key (query parameter) of the `uch` scheduler.",
    ),
    e(
        alb!("backend-keepalive"),
        TRUE_FALSE,
        None,
        "Keep connections to the backends open between requests.",
    ),
    e(
        alb!("server-group-id"),
        G::NonEmpty,
        None,
        "Forward to an existing server group instead of one built from the Service.",
    ),
    e(
        alb!("traffic-limit-qps"),
        G::Int {
            min: 1,
            max: 1_000_000,
        },
        None,
        "Rate limit (requests per second) of the rule; cannot be combined with a TrafficLimit action.",
    ),
    e(
        alb!("traffic-limit-ip-qps"),
        G::Int {
            min: 1,
            max: 1_000_000,
        },
        None,
        "Per-client-IP rate limit; must be lower than traffic-limit-qps.",
    ),
    e(
        alb!("enable-cors"),
        TRUE_FALSE,
        Some("false"),
        "Answer CORS requests (defaults: origin `*`, common methods, credentials on, max-age 172800).",
    ),
    e(
        alb!("cors-allow-origin"),
        G::NonEmpty,
        Some("*"),
        "Origins allowed by CORS (with enable-cors).",
    ),
    e(
        alb!("cors-allow-methods"),
        G::NonEmpty,
        Some("GET, PUT, POST, DELETE, PATCH, OPTIONS"),
        "Methods allowed by CORS.",
    ),
    e(
        alb!("cors-allow-headers"),
        G::NonEmpty,
        None,
        "Request headers allowed by CORS.",
    ),
    e(
        alb!("cors-expose-headers"),
        G::NonEmpty,
        None,
        "Response headers exposed to CORS clients.",
    ),
    e(
        alb!("cors-allow-credentials"),
        TRUE_FALSE,
        Some("true"),
        "Whether CORS requests may carry credentials.",
    ),
    e(
        alb!("cors-max-age"),
        G::Int {
            min: 0,
            max: 172_800,
        },
        Some("172800"),
        "Seconds a browser may cache the CORS preflight answer.",
    ),
    e(
        alb!("healthcheck-enabled"),
        TRUE_FALSE,
        Some("false"),
        "Health checks of the server groups; the other healthcheck-* keys only apply when `true`.",
    ),
    e(
        alb!("healthcheck-path"),
        G::NonEmpty,
        Some("/"),
        "Path probed by HTTP health checks.",
    ),
    e(
        alb!("healthcheck-protocol"),
        G::EnumIgnoreCase(&["HTTP", "TCP", "gRPC"]),
        Some("HTTP"),
        "Probe protocol.",
    ),
    e(
        alb!("healthcheck-method"),
        G::EnumIgnoreCase(&["HEAD", "GET", "POST"]),
        Some("HEAD"),
        "HTTP method of health checks.",
    ),
    e(
        alb!("healthcheck-httpcode"),
        G::CommaList,
        Some("http_2xx"),
        "Status classes counted as healthy.",
    ),
    e(
        alb!("healthcheck-connect-port"),
        G::Int { min: 0, max: 65535 },
        None,
        "Port probed; 0 or absent means the backend port.",
    ),
    e(
        alb!("healthcheck-timeout-seconds"),
        G::Int { min: 1, max: 300 },
        Some("5"),
        "Seconds a probe waits; a non-integer is logged and ignored by the controller.",
    ),
    e(
        alb!("healthcheck-interval-seconds"),
        G::Int { min: 1, max: 50 },
        Some("2"),
        "Seconds between probes.",
    ),
    e(
        alb!("healthy-threshold-count"),
        G::Int { min: 2, max: 10 },
        Some("3"),
        "Successful probes before a backend is healthy.",
    ),
    e(
        alb!("unhealthy-threshold-count"),
        G::Int { min: 2, max: 10 },
        Some("3"),
        "Failed probes before a backend is unhealthy.",
    ),
    e(
        alb!("sticky-session"),
        TRUE_FALSE,
        Some("false"),
        "Cookie-based session stickiness of the server groups.",
    ),
    e(
        alb!("sticky-session-type"),
        G::Enum(&["Insert", "Server"]),
        Some("Insert"),
        "Whether ALB inserts its own cookie or follows the backend's.",
    ),
    e(
        alb!("cookie-timeout"),
        G::Int { min: 1, max: 86400 },
        Some("1000"),
        "Lifetime in seconds of the inserted cookie.",
    ),
    e(
        alb!("cookie"),
        G::NonEmpty,
        None,
        "Backend cookie followed when sticky-session-type is `Server`.",
    ),
    e(
        alb!("backend-label"),
        G::KeyValueList { bare_keys: false },
        None,
        "Only nodes with these labels become backends (CCM ALB path).",
    ),
    e(
        alb!("remove-unscheduled-backend"),
        G::Enum(&["on", "off"]),
        Some("off"),
        "Drop cordoned nodes from the backends (CCM ALB path).",
    ),
    e(
        alb!("id"),
        G::NonEmpty,
        None,
        "Old CCM ALB path only: reuse this ALB when auto-creating the AlbConfig; ALBC reads `spec.config.id` instead.",
    ),
    e(
        alb!("name"),
        G::NonEmpty,
        None,
        "Old CCM ALB path only: name of the auto-created ALB.",
    ),
    e(
        alb!("address-type"),
        G::EnumIgnoreCase(&["Internet", "Intranet"]),
        Some("Internet"),
        "Old CCM ALB path only: address type of the auto-created ALB.",
    ),
    e(
        alb!("address-allocated-mode"),
        G::EnumIgnoreCase(&["Dynamic", "Fixed"]),
        Some("Dynamic"),
        "Old CCM ALB path only: how the auto-created ALB gets its addresses.",
    ),
    e(
        alb!("charge-type"),
        G::NonEmpty,
        None,
        "Old CCM ALB path only: billing of the auto-created ALB.",
    ),
    e(
        alb!("edition"),
        G::EnumIgnoreCase(&["Basic", "Standard", "StandardWithWaf"]),
        Some("Standard"),
        "Old CCM ALB path only: edition of the auto-created ALB.",
    ),
    e(
        alb!("vswitch-ids"),
        G::CommaList,
        None,
        "Old CCM ALB path only: vSwitches (at least two zones) of the auto-created ALB.",
    ),
    e(
        alb!("access-log"),
        G::NonEmpty,
        None,
        "Old CCM ALB path only: SLS project/logstore receiving access logs.",
    ),
    e(
        alb!("force-override-listeners"),
        TRUE_FALSE,
        Some("false"),
        "Old CCM ALB path only: overwrite listeners of a reused ALB.",
    ),
    S::new(
        KeyPattern::Exact(alb!("remote-clusters")),
        Provider::AlibabaAlb,
        A,
        &[Target::AlbConfig],
        G::CommaList,
        None,
        "ACK One: member cluster ids behind the multi-cluster gateway; each must be associated with the Fleet.",
    ),
    e(
        nginx!("canary"),
        TRUE_FALSE,
        Some("false"),
        "NGINX spelling of `alb.ingress.kubernetes.io/canary`, honoured by the ALB controller.",
    ),
    e(
        nginx!("canary-weight"),
        G::Int { min: 0, max: 100 },
        None,
        "NGINX spelling of canary-weight, honoured by the ALB controller.",
    ),
    e(
        nginx!("canary-by-header"),
        G::NonEmpty,
        None,
        "NGINX spelling of canary-by-header, honoured by the ALB controller.",
    ),
    e(
        nginx!("canary-by-header-value"),
        G::NonEmpty,
        None,
        "NGINX spelling of canary-by-header-value, honoured by the ALB controller.",
    ),
    e(
        nginx!("canary-by-cookie"),
        G::NonEmpty,
        None,
        "NGINX spelling of canary-by-cookie, honoured by the ALB controller.",
    ),
    e(
        nginx!("ssl-redirect"),
        TRUE_FALSE,
        Some("false"),
        "NGINX spelling of ssl-redirect, honoured by the ALB controller.",
    ),
];
