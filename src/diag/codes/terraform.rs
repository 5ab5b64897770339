//! Codes of the Terraform renderer, `lbplan render --format terraform|tf-json`
//! (LBP8101–LBP8199): what the generated configuration cannot say.

use super::CodeInfo;

pub static CODES: &[CodeInfo] = &[
    CodeInfo {
        code: "LBP8101",
        title: "cloud resource not expressible in Terraform",
        explanation: "The desired model holds a resource that the Terraform provider has no resource type \
for (an ENS load-balancer listener or server group: aliyun/alicloud has none), that is not a cloud \
resource at all (an OpenYurt PoolService is a Kubernetes object), that lacks a value a required \
argument needs, or that refers to such a resource. It is not dropped: the generated file carries it as a \
`# GAP` comment (a `//` entry in .tf.json) with its attributes, and this warning lists every one.\n\n\
Fix: create these objects the way the comment says (the controller, kubectl), or leave them to the \
controller and manage only the rest with Terraform.",
    },
    CodeInfo {
        code: "LBP8102",
        title: "model attribute with no Terraform argument",
        explanation: "A resource attribute of the model has no argument of that name in the Terraform \
resource type (checked against the provider schema), so the generated block leaves it out and writes it \
as a comment above the block. Provider attributes are meant to carry the Terraform argument names; an \
attribute that does not is either controller-only or misnamed.\n\n\
Fix: none needed to use the output; to silence it, name the attribute after the Terraform argument in \
the provider's model builder, or list it as controller-only in the renderer's mapping table.",
    },
];
