//! Kubernetes' name and label syntax, checked the way the API server checks it
//! (`k8s.io/apimachinery/pkg/util/validation`), written out by hand instead of with regular
//! expressions so that every failure can say *which* character is wrong.
//!
//! Each validator returns every problem it finds (an empty list means valid). A problem
//! carries the API server's meaning in our words and, when one character is to blame, the
//! byte range of that character in the checked text, so a diagnostic can underline it.

use std::ops::Range;

/// The longest DNS-1123 label (and label name, label value, DNS-1035 label).
pub const LABEL_MAX: usize = 63;
/// The longest DNS-1123 subdomain.
pub const SUBDOMAIN_MAX: usize = 253;
/// The longest IANA service name (port name).
pub const PORT_NAME_MAX: usize = 15;

/// One reason a value is invalid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub message: String,
    /// Byte range, in the checked text, of the offending character(s) when known.
    pub at: Option<Range<usize>>,
}

impl Invalid {
    fn new(message: impl Into<String>, at: Option<Range<usize>>) -> Self {
        Invalid {
            message: message.into(),
            at,
        }
    }
    /// The same problem with its position moved by `by` bytes (for a part of a larger text).
    pub fn shifted(mut self, by: usize) -> Self {
        self.at = self.at.map(|r| r.start + by..r.end + by);
        self
    }
    fn prefixed(mut self, prefix: &str) -> Self {
        self.message = format!("{prefix}{}", self.message);
        self
    }
}

/// Messages, shared so tests and rules agree on the wording.
pub mod msg {
    pub const NAME_PART: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName', 'my.name', '123-abc')";
    pub const LABEL_VALUE: &str = "must be empty or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue', 'my_value', '12345')";
    pub const DNS1123_LABEL: &str = "must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', '123-abc')";
    pub const DNS1123_SUBDOMAIN: &str = "must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com')";
    pub const DNS1035_LABEL: &str = "must consist of lower case alphanumeric characters or '-', start with a letter, and end with an alphanumeric character (e.g. 'my-name', 'abc-123')";
    pub const WILDCARD: &str =
        "a wildcard host must be '*.' followed by a valid DNS subdomain (e.g. '*.example.com')";
}

fn too_long(text: &str, max: usize) -> Invalid {
    Invalid::new(
        format!(
            "must be no more than {max} characters (it has {})",
            text.len()
        ),
        Some(floor_char_boundary(text, max)..text.len()),
    )
}

/// The largest char boundary ≤ `at` (so a range never splits a UTF-8 character).
fn floor_char_boundary(text: &str, at: usize) -> usize {
    let mut i = at.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The byte range of the character starting at `i`.
fn char_at(text: &str, i: usize) -> Range<usize> {
    let len = text[i..].chars().next().map_or(0, char::len_utf8);
    i..i + len
}

/// Position of the first character that breaks "start with `edge`, then `inner`*, end with
/// `edge`". `None` when the text is empty or conforms.
fn first_bad_in_token(
    text: &str,
    edge: impl Fn(char) -> bool,
    inner: impl Fn(char) -> bool,
) -> Option<Range<usize>> {
    let last = text.char_indices().last().map(|(i, _)| i)?;
    text.char_indices()
        .find(|&(i, c)| {
            if i == 0 || i == last {
                !edge(c)
            } else {
                !inner(c)
            }
        })
        .map(|(i, _)| char_at(text, i))
}

fn is_alnum(c: char) -> bool {
    c.is_ascii_alphanumeric()
}
fn is_lower_alnum(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}
fn is_name_inner(c: char) -> bool {
    is_alnum(c) || matches!(c, '-' | '_' | '.')
}
fn is_dns_inner(c: char) -> bool {
    is_lower_alnum(c) || c == '-'
}

/// A label key, annotation key or other "qualified name": `[prefix/]name`, where the
/// optional prefix is a DNS-1123 subdomain and the name is at most 63 characters of
/// alphanumerics, `-`, `_`, `.`, starting and ending alphanumeric.
pub fn qualified_name(text: &str) -> Vec<Invalid> {
    let mut errs = Vec::new();
    let (name, name_at) = match text.split_once('/') {
        None => (text, 0),
        Some((prefix, name)) => {
            if name.contains('/') {
                let second = prefix.len() + 1 + name.find('/').unwrap_or(0);
                errs.push(Invalid::new(
                    "a qualified name may contain at most one '/', between an optional DNS subdomain prefix and the name (e.g. 'example.com/MyName')",
                    Some(second..second + 1),
                ));
                return errs;
            }
            if prefix.is_empty() {
                errs.push(Invalid::new("prefix part must be non-empty", Some(0..1)));
            } else {
                errs.extend(
                    dns1123_subdomain(prefix)
                        .into_iter()
                        .map(|e| e.prefixed("prefix part ")),
                );
            }
            (name, prefix.len() + 1)
        }
    };
    errs.extend(
        name_part(name)
            .into_iter()
            .map(|e| e.prefixed("name part ").shifted(name_at)),
    );
    errs
}

fn name_part(name: &str) -> Vec<Invalid> {
    if name.is_empty() {
        return vec![Invalid::new("must be non-empty", None)];
    }
    let mut errs = Vec::new();
    if name.len() > LABEL_MAX {
        errs.push(too_long(name, LABEL_MAX));
    }
    if let Some(at) = first_bad_in_token(name, is_alnum, is_name_inner) {
        errs.push(Invalid::new(msg::NAME_PART, Some(at)));
    }
    errs
}

/// A label value: empty, or at most 63 characters of alphanumerics, `-`, `_`, `.`,
/// starting and ending alphanumeric.
pub fn label_value(text: &str) -> Vec<Invalid> {
    let mut errs = Vec::new();
    if text.len() > LABEL_MAX {
        errs.push(too_long(text, LABEL_MAX));
    }
    if let Some(at) = first_bad_in_token(text, is_alnum, is_name_inner) {
        errs.push(Invalid::new(msg::LABEL_VALUE, Some(at)));
    }
    errs
}

/// A DNS-1123 label (namespaces, most port-like names): at most 63 lower-case
/// alphanumerics or `-`, starting and ending alphanumeric.
pub fn dns1123_label(text: &str) -> Vec<Invalid> {
    let mut errs = Vec::new();
    if text.len() > LABEL_MAX {
        errs.push(too_long(text, LABEL_MAX));
    }
    if text.is_empty() {
        errs.push(Invalid::new(msg::DNS1123_LABEL, None));
    } else if let Some(at) = first_bad_in_token(text, is_lower_alnum, is_dns_inner) {
        // A valid subdomain is only wrong here because of its dots: say so.
        if dns1123_subdomain(text).is_empty() {
            let dot = text.find('.').unwrap_or(at.start);
            errs.push(Invalid::new("must not contain dots", Some(dot..dot + 1)));
        } else {
            errs.push(Invalid::new(msg::DNS1123_LABEL, Some(at)));
        }
    }
    errs
}

/// A DNS-1123 subdomain (most object names): at most 253 characters, dot-separated
/// DNS-1123 labels.
pub fn dns1123_subdomain(text: &str) -> Vec<Invalid> {
    let mut errs = Vec::new();
    if text.len() > SUBDOMAIN_MAX {
        errs.push(too_long(text, SUBDOMAIN_MAX));
    }
    if text.is_empty() {
        errs.push(Invalid::new(msg::DNS1123_SUBDOMAIN, None));
    } else if let Some(at) = first_bad_in_subdomain(text) {
        errs.push(Invalid::new(msg::DNS1123_SUBDOMAIN, Some(at)));
    }
    errs
}

/// First offending character of a dot-separated list of DNS-1123 labels (length aside).
fn first_bad_in_subdomain(text: &str) -> Option<Range<usize>> {
    let mut offset = 0;
    for part in text.split('.') {
        if part.is_empty() {
            // Two dots in a row, or a leading/trailing dot: blame the dot.
            let at = if offset == 0 { 0 } else { offset - 1 };
            return Some(at..at + 1);
        }
        if let Some(r) = first_bad_in_token(part, is_lower_alnum, is_dns_inner) {
            return Some(r.start + offset..r.end + offset);
        }
        offset += part.len() + 1;
    }
    None
}

/// A DNS-1035 label (Service names): like a DNS-1123 label but starting with a letter.
pub fn dns1035_label(text: &str) -> Vec<Invalid> {
    let mut errs = Vec::new();
    if text.len() > LABEL_MAX {
        errs.push(too_long(text, LABEL_MAX));
    }
    if text.is_empty() {
        errs.push(Invalid::new(msg::DNS1035_LABEL, None));
    } else if let Some(at) = first_bad_in_token(text, is_lower_alnum, is_dns_inner) {
        errs.push(Invalid::new(msg::DNS1035_LABEL, Some(at)));
    } else if !text.starts_with(|c: char| c.is_ascii_lowercase()) {
        errs.push(Invalid::new(msg::DNS1035_LABEL, Some(0..1)));
    }
    errs
}

/// An IANA service name (named ports): at most 15 characters of lower-case alphanumerics
/// and `-`, at least one letter, no leading, trailing or doubled `-`.
pub fn iana_service_name(text: &str) -> Vec<Invalid> {
    let mut errs = Vec::new();
    if text.len() > PORT_NAME_MAX {
        errs.push(too_long(text, PORT_NAME_MAX));
    }
    if let Some((i, _)) = text.char_indices().find(|&(_, c)| !is_dns_inner(c)) {
        errs.push(Invalid::new(
            "must contain only lower case alphanumeric characters (a-z, 0-9) and '-'",
            Some(char_at(text, i)),
        ));
    } else if text.is_empty() {
        errs.push(Invalid::new(
            "must contain only lower case alphanumeric characters (a-z, 0-9) and '-'",
            None,
        ));
    }
    if !text.chars().any(|c| c.is_ascii_lowercase()) {
        errs.push(Invalid::new("must contain at least one letter (a-z)", None));
    }
    if let Some(i) = text.find("--") {
        errs.push(Invalid::new(
            "must not contain consecutive hyphens",
            Some(i..i + 2),
        ));
    }
    if text.starts_with('-') {
        errs.push(Invalid::new(
            "must not begin or end with a hyphen",
            Some(0..1),
        ));
    } else if text.len() > 1 && text.ends_with('-') {
        errs.push(Invalid::new(
            "must not begin or end with a hyphen",
            Some(text.len() - 1..text.len()),
        ));
    }
    errs
}

/// A wildcard DNS-1123 subdomain (Ingress hosts): `*.` followed by a DNS-1123 subdomain.
pub fn wildcard_dns1123_subdomain(text: &str) -> Vec<Invalid> {
    let mut errs = Vec::new();
    if text.len() > SUBDOMAIN_MAX {
        errs.push(too_long(text, SUBDOMAIN_MAX));
    }
    match text.strip_prefix("*.") {
        None => {
            let at = if text.starts_with('*') { 1 } else { 0 };
            errs.push(Invalid::new(msg::WILDCARD, Some(char_at(text, at))));
        }
        Some("") => errs.push(Invalid::new(msg::WILDCARD, Some(1..2))),
        Some(rest) => {
            if let Some(at) = first_bad_in_subdomain(rest) {
                errs.push(Invalid::new(msg::WILDCARD, Some(at.start + 2..at.end + 2)));
            }
        }
    }
    errs
}

/// A DNS-1123 subdomain, or a wildcard one when it contains `*` (Ingress rule and TLS
/// hosts). IP addresses and ports are refused with their own message.
pub fn ingress_host(text: &str) -> Vec<Invalid> {
    if text.parse::<std::net::IpAddr>().is_ok() {
        return vec![Invalid::new(
            "must be a DNS name, not an IP address",
            Some(0..text.len()),
        )];
    }
    if let Some(colon) = text.find(':') {
        return vec![Invalid::new(
            "must be a host name without a port",
            Some(colon..text.len()),
        )];
    }
    if text.contains('*') {
        wildcard_dns1123_subdomain(text)
    } else {
        dns1123_subdomain(text)
    }
}

/// A domain-prefixed path (IngressClass `controller`): `domain/path`, the domain a
/// DNS-1123 subdomain, the path non-empty and made of URL path characters.
pub fn domain_prefixed_path(text: &str) -> Vec<Invalid> {
    const EXAMPLE: &str = "must be a domain-prefixed path such as 'acme.io/ingress-controller'";
    let Some((domain, path)) = text.split_once('/') else {
        return vec![Invalid::new(EXAMPLE, None)];
    };
    let mut errs = Vec::new();
    if domain.is_empty() {
        errs.push(Invalid::new(EXAMPLE, Some(0..1)));
    } else {
        errs.extend(
            dns1123_subdomain(domain)
                .into_iter()
                .map(|e| e.prefixed("the domain ")),
        );
    }
    let path_at = domain.len() + 1;
    if path.is_empty() {
        errs.push(Invalid::new(
            "the path after the domain must be non-empty",
            None,
        ));
    } else if let Some((i, _)) = path.char_indices().find(|&(_, c)| !is_path_char(c)) {
        errs.push(Invalid::new(
            "the path may contain only alphanumerics and the URL path characters /-._~%!$&'()*+,;=:",
            Some(char_at(path, i)).map(|r| r.start + path_at..r.end + path_at),
        ));
    }
    errs
}

fn is_path_char(c: char) -> bool {
    is_alnum(c) || "/-._~%!$&'()*+,;=:".contains(c)
}

/// Kubernetes' port-number rule: 1–65535.
pub fn port_number(port: i64) -> Option<String> {
    (!(1..=65535).contains(&port)).then(|| "must be between 1 and 65535, inclusive".to_string())
}

/// A CIDR such as `10.0.0.0/8` or `2001:db8::/32` (Service `loadBalancerSourceRanges`).
pub fn cidr(text: &str) -> Vec<Invalid> {
    let Some((addr, bits)) = text.split_once('/') else {
        return vec![Invalid::new(
            "must be a CIDR (an address, '/', and a prefix length, e.g. '10.0.0.0/8')",
            None,
        )];
    };
    let max = match addr.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(_)) => 32,
        Ok(std::net::IpAddr::V6(_)) => 128,
        Err(_) => {
            return vec![Invalid::new(
                "the address part is not a valid IPv4 or IPv6 address",
                Some(0..addr.len()),
            )];
        }
    };
    let bits_at = addr.len() + 1..text.len();
    let digits_only = !bits.is_empty() && bits.bytes().all(|b| b.is_ascii_digit());
    match bits.parse::<u32>() {
        Ok(n) if digits_only && n <= max => Vec::new(),
        _ => vec![Invalid::new(
            format!("the prefix length must be a number from 0 to {max}"),
            Some(bits_at),
        )],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(errs: Vec<Invalid>) -> bool {
        errs.is_empty()
    }
    fn first_at(errs: Vec<Invalid>) -> Option<Range<usize>> {
        errs.into_iter().find_map(|e| e.at)
    }

    #[test]
    fn qualified_names() {
        for good in [
            "simple",
            "now-with-dashes",
            "1-starts-with-num",
            "1234",
            "simple/simple",
            "now-with-dashes/simple",
            "now-with-dashes/now-with-dashes",
            "now.with.dots/now-with-dashes",
            "now-with.dashes-and.dots/now_with_underscores",
            "Upper_Case.Name",
            "example.com/MyName",
            &"a".repeat(63),
            &format!("{}/{}", "a".repeat(253), "b".repeat(63)),
        ] {
            assert!(ok(qualified_name(good)), "{good}");
        }
        for bad in [
            "",
            "nospecialchars%^=@",
            "cantendwithadash-",
            "-cantstartwithadash-",
            "only/one/slash",
            "Example.com/abc",
            "example_com/abc",
            "example.com/",
            "/simple",
            &"a".repeat(64),
            &format!("{}/b", "a".repeat(254)),
        ] {
            assert!(!ok(qualified_name(bad)), "{bad}");
        }
    }

    #[test]
    fn qualified_name_positions_point_into_the_part() {
        assert_eq!(first_at(qualified_name("example.com/ab%c")), Some(14..15));
        assert_eq!(first_at(qualified_name("Example.com/abc")), Some(0..1));
        assert_eq!(first_at(qualified_name("a/b/c")), Some(3..4));
        assert_eq!(first_at(qualified_name(&"a".repeat(64))), Some(63..64));
        let e = qualified_name("x/-y");
        assert!(e[0].message.starts_with("name part "), "{e:?}");
    }

    #[test]
    fn label_values() {
        for good in [
            "",
            "simple",
            "now-with-dashes",
            "1.2.3",
            "A_b",
            &"v".repeat(63),
        ] {
            assert!(ok(label_value(good)), "{good}");
        }
        for bad in ["-x", "x-", "a b", "toolong".repeat(10).as_str(), "é"] {
            assert!(!ok(label_value(bad)), "{bad}");
        }
        assert_eq!(first_at(label_value("ab cd")), Some(2..3));
        assert_eq!(first_at(label_value("aé")), Some(1..3));
    }

    #[test]
    fn dns_labels_and_subdomains() {
        assert!(ok(dns1123_label("a")));
        assert!(ok(dns1123_label("0-a")));
        assert!(!ok(dns1123_label("")));
        assert!(!ok(dns1123_label("A")));
        assert!(!ok(dns1123_label("a_b")));
        assert!(!ok(dns1123_label(&"a".repeat(64))));
        let dots = dns1123_label("a.b");
        assert_eq!(dots[0].message, "must not contain dots");
        assert_eq!(dots[0].at, Some(1..2));

        assert!(ok(dns1123_subdomain("a.b.c")));
        assert!(ok(dns1123_subdomain(&"a".repeat(253))));
        assert!(!ok(dns1123_subdomain(&"a".repeat(254))));
        assert_eq!(first_at(dns1123_subdomain("a..b")), Some(1..2));
        assert_eq!(first_at(dns1123_subdomain(".a")), Some(0..1));
        assert_eq!(first_at(dns1123_subdomain("a.b-")), Some(3..4));
        assert_eq!(first_at(dns1123_subdomain("a.B")), Some(2..3));
    }

    #[test]
    fn dns1035_labels_start_with_a_letter() {
        assert!(ok(dns1035_label("web-1")));
        assert_eq!(first_at(dns1035_label("1web")), Some(0..1));
        assert!(!ok(dns1035_label("web.x")));
        assert!(!ok(dns1035_label("")));
    }

    #[test]
    fn iana_service_names() {
        for good in ["http", "h-t-t-p", "web8080", "a"] {
            assert!(ok(iana_service_name(good)), "{good}");
        }
        assert!(!ok(iana_service_name("1234")));
        assert!(!ok(iana_service_name("")));
        assert!(!ok(iana_service_name("Http")));
        assert!(!ok(iana_service_name("a--b")));
        assert!(!ok(iana_service_name("-ab")));
        assert!(!ok(iana_service_name("ab-")));
        assert!(!ok(iana_service_name("abcdefghijklmnop")));
        assert_eq!(first_at(iana_service_name("ab_c")), Some(2..3));
    }

    #[test]
    fn ingress_hosts() {
        assert!(ok(ingress_host("foo.bar.com")));
        assert!(ok(ingress_host("*.bar.com")));
        assert!(!ok(ingress_host("foo.*.com")));
        assert!(!ok(ingress_host("*")));
        assert!(!ok(ingress_host("**.bar")));
        assert_eq!(
            ingress_host("1.2.3.4")[0].message,
            "must be a DNS name, not an IP address"
        );
        assert_eq!(first_at(ingress_host("foo.com:80")), Some(7..10));
        assert!(!ok(ingress_host("::1")));
    }

    #[test]
    fn domain_prefixed_paths() {
        assert!(ok(domain_prefixed_path("acme.io/ingress-controller")));
        assert!(ok(domain_prefixed_path("ingress.k8s.alibabacloud/alb")));
        assert!(!ok(domain_prefixed_path("nginx")));
        assert!(!ok(domain_prefixed_path("acme.io/")));
        assert!(!ok(domain_prefixed_path("/x")));
        assert_eq!(first_at(domain_prefixed_path("a.io/b c")), Some(6..7));
    }

    #[test]
    fn cidrs_and_ports() {
        assert!(ok(cidr("10.0.0.0/8")));
        assert!(ok(cidr("2001:db8::/32")));
        assert!(ok(cidr("0.0.0.0/0")));
        assert!(!ok(cidr("10.0.0.0")));
        assert!(!ok(cidr("10.0.0.0/33")));
        assert!(!ok(cidr("10.0.0/8")));
        assert!(!ok(cidr("10.0.0.0/+8")));
        assert!(port_number(0).is_some());
        assert!(port_number(65536).is_some());
        assert!(port_number(80).is_none());
    }
}
