//! `networking.k8s.io/v1` Ingress and IngressClass.
//!
//! Every field a rule may complain about keeps its span; each struct also keeps its
//! dotted path (`spec.rules[0].http.paths[1]`) so messages name the field as kubectl does.

use super::Boxed;
use super::decode::{Ctx, Fields, Spanned, Text};
use crate::source::{Node, Span};

/// The annotation that marks an IngressClass as the cluster default.
pub const DEFAULT_CLASS_ANNOTATION: &str = "ingressclass.kubernetes.io/is-default-class";

/// A [`IngressBody`] on the heap: see [`Boxed`].
pub type Ingress = Boxed<IngressBody>;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct IngressBody {
    pub ingress_class_name: Option<Spanned<Text>>,
    pub default_backend: Option<IngressBackend>,
    pub tls: Vec<IngressTls>,
    pub rules: Vec<IngressRule>,
    /// Span of `spec` (or of the whole object when `spec` is missing).
    pub spec_span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IngressTls {
    pub span: Span,
    pub path: String,
    pub hosts: Vec<Spanned<Text>>,
    pub secret_name: Option<Spanned<Text>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IngressRule {
    pub span: Span,
    pub path: String,
    /// `None` (or empty) means every host.
    pub host: Option<Spanned<Text>>,
    pub http: Option<HttpRule>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HttpRule {
    pub span: Span,
    pub path: String,
    pub paths: Vec<HttpPath>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HttpPath {
    pub span: Span,
    /// `spec.rules[i].http.paths[j]`.
    pub field: String,
    pub path: Option<Spanned<Text>>,
    pub path_type: Option<Spanned<Text>>,
    pub backend: Option<IngressBackend>,
}

/// `defaultBackend` or a path's `backend`: exactly one of `service` and `resource`.
#[derive(Debug, Clone, PartialEq)]
pub struct IngressBackend {
    pub span: Span,
    pub path: String,
    pub service: Option<ServiceBackend>,
    pub resource: Option<ObjectRef>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServiceBackend {
    pub span: Span,
    pub path: String,
    pub name: Option<Spanned<Text>>,
    pub port: Option<ServiceBackendPort>,
}

/// Exactly one of `number` and `name`.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceBackendPort {
    pub span: Span,
    pub path: String,
    pub number: Option<Spanned<i64>>,
    pub name: Option<Spanned<Text>>,
}

/// A typed reference: a `resource` backend or IngressClass `parameters`.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectRef {
    pub span: Span,
    pub path: String,
    pub api_group: Option<Spanned<Text>>,
    pub kind: Option<Spanned<Text>>,
    pub name: Option<Spanned<Text>>,
    /// IngressClass parameters only.
    pub namespace: Option<Spanned<Text>>,
    /// IngressClass parameters only: `Cluster` (default) or `Namespace`.
    pub scope: Option<Spanned<Text>>,
}

/// A [`IngressClassBody`] on the heap: see [`Boxed`].
pub type IngressClass = Boxed<IngressClassBody>;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct IngressClassBody {
    pub controller: Option<Spanned<Text>>,
    pub parameters: Option<ObjectRef>,
    /// The default-class annotation, when present: `true` only for the exact value "true".
    pub is_default_class: Option<Spanned<bool>>,
    pub spec_span: Span,
}

impl IngressBody {
    /// Every backend (default first, then rule paths in order), for reference checks.
    pub fn backends(&self) -> impl Iterator<Item = &IngressBackend> {
        self.default_backend.iter().chain(
            self.rules
                .iter()
                .filter_map(|r| r.http.as_ref())
                .flat_map(|h| h.paths.iter())
                .filter_map(|p| p.backend.as_ref()),
        )
    }
}

impl IngressClassBody {
    pub fn is_default(&self) -> bool {
        self.is_default_class.as_ref().is_some_and(|d| d.value)
    }
}

pub fn decode_ingress(ctx: &mut Ctx, f: &mut Fields, node: &Node) -> IngressBody {
    let mut ing = IngressBody {
        spec_span: node.span,
        ..IngressBody::default()
    };
    if let Some(mut spec) = f.map(ctx, "spec") {
        ing.spec_span = spec.node().span;
        ing.ingress_class_name = spec.string(ctx, "ingressClassName");
        ing.default_backend = spec.take("defaultBackend").and_then(|n| {
            let path = spec.child_path("defaultBackend");
            decode_backend(ctx, n, path)
        });
        ing.tls = spec
            .list(ctx, "tls")
            .into_iter()
            .filter_map(|(path, n)| decode_tls(ctx, n, path))
            .collect();
        ing.rules = spec
            .list(ctx, "rules")
            .into_iter()
            .filter_map(|(path, n)| decode_rule(ctx, n, path))
            .collect();
        spec.finish(ctx);
    }
    f.accept(&["status"]);
    ing
}

fn decode_tls(ctx: &mut Ctx, node: &Node, path: String) -> Option<IngressTls> {
    let mut f = Fields::new(ctx, node, &path)?;
    let tls = IngressTls {
        span: node.span,
        hosts: f.strings(ctx, "hosts"),
        secret_name: f.string(ctx, "secretName"),
        path,
    };
    f.finish(ctx);
    Some(tls)
}

fn decode_rule(ctx: &mut Ctx, node: &Node, path: String) -> Option<IngressRule> {
    let mut f = Fields::new(ctx, node, &path)?;
    let host = f.string(ctx, "host");
    let http = f.take("http").and_then(|n| {
        let hpath = f.child_path("http");
        decode_http(ctx, n, hpath)
    });
    f.finish(ctx);
    Some(IngressRule {
        span: node.span,
        path,
        host,
        http,
    })
}

fn decode_http(ctx: &mut Ctx, node: &Node, path: String) -> Option<HttpRule> {
    let mut f = Fields::new(ctx, node, &path)?;
    let paths = f
        .list(ctx, "paths")
        .into_iter()
        .filter_map(|(p, n)| decode_path(ctx, n, p))
        .collect();
    f.finish(ctx);
    Some(HttpRule {
        span: node.span,
        path,
        paths,
    })
}

fn decode_path(ctx: &mut Ctx, node: &Node, field: String) -> Option<HttpPath> {
    let mut f = Fields::new(ctx, node, &field)?;
    let path = f.string(ctx, "path");
    let path_type = f.string(ctx, "pathType");
    let backend = f.take("backend").and_then(|n| {
        let bpath = f.child_path("backend");
        decode_backend(ctx, n, bpath)
    });
    f.finish(ctx);
    Some(HttpPath {
        span: node.span,
        field,
        path,
        path_type,
        backend,
    })
}

fn decode_backend(ctx: &mut Ctx, node: &Node, path: String) -> Option<IngressBackend> {
    let mut f = Fields::new(ctx, node, &path)?;
    let service = f.take("service").and_then(|n| {
        let spath = f.child_path("service");
        decode_service_backend(ctx, n, spath)
    });
    let resource = f.take("resource").and_then(|n| {
        let rpath = f.child_path("resource");
        decode_object_ref(ctx, n, rpath, false)
    });
    f.finish(ctx);
    Some(IngressBackend {
        span: node.span,
        path,
        service,
        resource,
    })
}

fn decode_service_backend(ctx: &mut Ctx, node: &Node, path: String) -> Option<ServiceBackend> {
    let mut f = Fields::new(ctx, node, &path)?;
    let name = f.string(ctx, "name");
    let port = f.take("port").and_then(|n| {
        let ppath = f.child_path("port");
        let mut pf = Fields::new(ctx, n, &ppath)?;
        let port = ServiceBackendPort {
            span: n.span,
            number: pf.int(ctx, "number"),
            name: pf.string(ctx, "name"),
            path: ppath,
        };
        pf.finish(ctx);
        Some(port)
    });
    f.finish(ctx);
    Some(ServiceBackend {
        span: node.span,
        path,
        name,
        port,
    })
}

fn decode_object_ref(
    ctx: &mut Ctx,
    node: &Node,
    path: String,
    with_scope: bool,
) -> Option<ObjectRef> {
    let mut f = Fields::new(ctx, node, &path)?;
    let mut r = ObjectRef {
        span: node.span,
        api_group: f.string(ctx, "apiGroup"),
        kind: f.string(ctx, "kind"),
        name: f.string(ctx, "name"),
        namespace: None,
        scope: None,
        path,
    };
    if with_scope {
        r.namespace = f.string(ctx, "namespace");
        r.scope = f.string(ctx, "scope");
    }
    f.finish(ctx);
    Some(r)
}

pub fn decode_ingress_class(ctx: &mut Ctx, f: &mut Fields, node: &Node) -> IngressClassBody {
    let mut class = IngressClassBody {
        spec_span: node.span,
        is_default_class: default_class_annotation(node),
        ..IngressClassBody::default()
    };
    if let Some(mut spec) = f.map(ctx, "spec") {
        class.spec_span = spec.node().span;
        class.controller = spec.string(ctx, "controller");
        class.parameters = spec.take("parameters").and_then(|n| {
            let ppath = spec.child_path("parameters");
            decode_object_ref(ctx, n, ppath, true)
        });
        spec.finish(ctx);
    }
    class
}

/// Reads the default-class annotation straight from the object (metadata is decoded
/// separately); type errors there are reported by the metadata decoder.
fn default_class_annotation(node: &Node) -> Option<Spanned<bool>> {
    let value = node
        .get("metadata")?
        .get("annotations")?
        .get(DEFAULT_CLASS_ANNOTATION)?;
    let text = value.as_str()?;
    Some(Spanned::new(text == "true", value.span))
}

#[cfg(test)]
mod tests {
    use crate::compile::validate_text;
    use crate::manifest::Object;

    const INGRESS: &str = "\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  ingressClassName: alb
  defaultBackend: {service: {name: fallback, port: {number: 80}}}
  tls: [{hosts: [a.example.com], secretName: tls}]
  rules:
  - host: a.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}
      - {path: /r, pathType: Exact, backend: {resource: {apiGroup: x.io, kind: Bucket, name: b}}}
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: alb
  annotations: {ingressclass.kubernetes.io/is-default-class: \"true\"}
spec:
  controller: ingress.k8s.alibabacloud/alb
  parameters: {apiGroup: alibabacloud.com, kind: AlbConfig, name: cfg, scope: Cluster}
";

    #[test]
    fn decodes_every_field() {
        let c = validate_text("i.yaml", INGRESS);
        // The ALB controller's rules (LBP73xx) judge the binding, not the decoding: the
        // AlbConfig `cfg` is deliberately not part of this input.
        let decoding: Vec<_> = c
            .diagnostics
            .iter()
            .filter(|d| !d.code.starts_with("LBP73"))
            .collect();
        assert!(decoding.is_empty(), "{decoding:?}");
        let Object::Ingress(ing) = &c.manifests[0].object else {
            panic!("not an ingress");
        };
        assert_eq!(
            ing.ingress_class_name.as_ref().map(|s| s.value.as_str()),
            Some("alb")
        );
        assert_eq!(ing.tls[0].hosts[0].value, "a.example.com");
        assert_eq!(ing.rules[0].http.as_ref().map(|h| h.paths.len()), Some(2));
        assert_eq!(ing.backends().count(), 3);
        let port = ing.rules[0]
            .http
            .as_ref()
            .and_then(|h| h.paths[0].backend.as_ref());
        let port = port
            .and_then(|b| b.service.as_ref())
            .and_then(|s| s.port.as_ref());
        assert_eq!(
            port.and_then(|p| p.name.as_ref()).map(|n| n.value.as_str()),
            Some("http")
        );
        let Object::IngressClass(class) = &c.manifests[1].object else {
            panic!("not an ingress class");
        };
        assert!(class.is_default());
        assert_eq!(
            class
                .parameters
                .as_ref()
                .and_then(|p| p.scope.as_ref())
                .map(|s| s.value.as_str()),
            Some("Cluster")
        );
    }

    #[test]
    fn warns_about_unknown_fields() {
        let text = INGRESS.replace("pathType: Exact", "pathTyp: Exact");
        let c = validate_text("i.yaml", &text);
        assert!(c.diagnostics.iter().any(|d| d.code == "LBP3101"));
    }
}
