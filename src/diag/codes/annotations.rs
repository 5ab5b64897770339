//! Codes of the annotation check (`check::annotations`): `LBP12xx` bad values, `LBP22xx`
//! annotation combinations the controllers refuse, `LBP32xx` annotations that do nothing.

use super::CodeInfo;

pub static CODES: &[CodeInfo] = &[
    CodeInfo {
        code: "LBP1201",
        title: "invalid annotation value",
        explanation: "The value of a known load-balancer annotation does not follow the syntax or range \
the controller expects. The cloud controllers check very little themselves: most values go to the \
cloud API verbatim, so a wrong enum (`acl-type: whitey`) fails only when the controller calls the \
API, long after `kubectl apply` said \"configured\", and some values are silently read as something \
else (`proxy-protocol: \"true\"` means off, because only `on` turns it on; a JSON number where CCE \
wants a string makes the whole health-check option unparsable). lbplan points at the offending \
character, also inside a JSON document inside a YAML string.\n\nExample:\n\n    \
service.beta.kubernetes.io/alibaba-cloud-loadbalancer-default-weight: \"150\"   # 0–100\n\n\
Fix: use a value from the range or list in the help line (`lbplan annotations` lists every key).",
    },
    CodeInfo {
        code: "LBP2201",
        title: "annotations that must not be combined",
        explanation: "Two annotations on the same object contradict each other, and the controller \
resolves the contradiction in a way you probably do not want. With Huawei CCE, `kubernetes.io/elb.id` \
plus `kubernetes.io/elb.autocreate` makes CCE use the existing ELB but treat it as auto-created, so \
it is deleted together with the Service. `elb.health-check-option` and `elb.health-check-options` \
are mutually exclusive.\n\nFix: keep one of the two annotations, as the help line says.",
    },
    CodeInfo {
        code: "LBP2202",
        title: "session stickiness combined with the SOURCE_IP algorithm",
        explanation: "On Huawei CCE, `kubernetes.io/elb.session-affinity-mode: SOURCE_IP` cannot be \
combined with `kubernetes.io/elb.lb-algorithm: SOURCE_IP`: the controller refuses the Service, and \
the source-IP hash already pins a client to one backend, so stickiness adds nothing.\n\nFix: drop \
`elb.session-affinity-mode`, or pick `ROUND_ROBIN`/`LEAST_CONNECTIONS` as the algorithm.",
    },
    CodeInfo {
        code: "LBP2203",
        title: "ALB canary Ingress with custom conditions",
        explanation: "The ALB Ingress controller refuses an Ingress that is a canary \
(`alb.ingress.kubernetes.io/canary: \"true\"`, or the nginx spelling) and also carries \
`alb.ingress.kubernetes.io/conditions.<svc>` (\"can't exist Canary and customize condition at the \
same time\"), so none of its rules are built.\n\nFix: express the canary split with canary-weight, \
canary-by-header or canary-by-cookie, or drop `canary` and route with the conditions alone.",
    },
    CodeInfo {
        code: "LBP3201",
        title: "unknown annotation under a provider prefix",
        explanation: "The key starts with a prefix that belongs to a load-balancer controller \
(`service.beta.kubernetes.io/alibaba-cloud-`, `kubernetes.io/elb.`, `alb.ingress.kubernetes.io/`, \
`service.openyurt.io/`, …) but is not a key that controller reads. The controllers look annotations \
up by exact key and have no list of valid keys, so a typo such as `…-loadbalancer-adress-type` is \
ignored without any event or log: the default (here, an Internet-facing load balancer) applies \
instead of what you wrote. lbplan suggests the closest known key.\n\nFix: correct the spelling, or \
remove the annotation.",
    },
    CodeInfo {
        code: "LBP3202",
        title: "annotation has no effect on this object",
        explanation: "The annotation is a real key, but no controller reads it where it is: \
load-balancer annotations on a Service that is not `type: LoadBalancer` (no controller builds \
anything for it), Service annotations on an Ingress, ALB Ingress annotations on a Service, \
NodePool annotations on a Service, a CLB-only key on a Service that the NLB or ELB controller \
handles, or a key that is documented but never read by any controller. Nothing fails; the setting \
is simply not applied, which is easy to miss until traffic behaves unexpectedly.\n\nFix: move the \
annotation to the object named in the message, change the Service as the help line says, or \
remove it.",
    },
    CodeInfo {
        code: "LBP3203",
        title: "annotations of two clouds on one Service",
        explanation: "The Service carries Huawei CCE annotations (`kubernetes.io/elb.*`) and Alibaba \
Cloud ones (`service.beta.kubernetes.io/alibaba-cloud-*`). A cluster runs one cloud's controller, \
which silently ignores the other cloud's keys, so half of this configuration is dead. This often \
comes from copying a manifest between clusters or from a chart's values for two clouds being \
merged.\n\nFix: keep the annotations of the cloud this Service runs on (the cluster profile's \
`spec.cloud`), and remove the others.",
    },
    CodeInfo {
        code: "LBP3204",
        title: "legacy `alicloud-` key shadowed by its `alibaba-cloud-` twin",
        explanation: "The Alibaba CCM accepts both `service.beta.kubernetes.io/alicloud-…` (legacy) and \
`service.beta.kubernetes.io/alibaba-cloud-…` spellings of every key, and when both are present the \
`alibaba-cloud-` one wins. Here both are set with different values, so the legacy one is ignored \
without notice.\n\nFix: remove the legacy key and keep the value you want under \
`alibaba-cloud-`.",
    },
    CodeInfo {
        code: "LBP3205",
        title: "key read only by the upstream Huawei CCM, not by CCE",
        explanation: "The key belongs to the open-source Huawei cloud-provider (classes \
`shared`/`dedicated`), not to the managed CCE controller that lbplan models for Huawei clusters. CCE \
ignores it silently; CCE often has its own key for the same setting (`elb.keepalive_timeout` \
instead of `elb.idle-timeout`, `elb.client_timeout` instead of `elb.request-timeout`).\n\nFix: use \
the CCE key named in the help line, or remove the annotation.",
    },
];
