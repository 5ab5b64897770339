//! Codes of the plan stage (`plan`): findings about the diff between the desired
//! resources and the prior state, and about the prior state itself.

use super::CodeInfo;

pub static CODES: &[CodeInfo] = &[
    CodeInfo {
        code: "LBP5001",
        title: "attribute change not applied by the controller",
        explanation: "Some attributes are set only when the controller creates the cloud object. The \
ELB update policy of ACK Edge (seed 000) says ELB attributes \"cannot be updated\": once the ELB \
exists, edge-controller-manager never reconciles its specification, network, vswitch or name \
again, and a user-owned (self-managed) ELB or EIP is never changed at all. A plan that showed \
such a change as an update would promise something the cluster will not do, so lbplan keeps the \
prior value in the plan, marks the resource `no-op` (unless something else changes) and reports \
this warning.\n\nExample: the Service's `…-spec` annotation changes from `elb.s1.small` to \
`elb.s2.medium` on an existing ELB.\n\nFix: recreate the Service (delete and apply it again; the \
ELB and its address change) or change the attribute in the cloud console.",
    },
    CodeInfo {
        code: "LBP5002",
        title: "dependency cycle between planned resources",
        explanation: "Resources are created in dependency order (an EIP binding after its ELB and EIP) \
and deleted in the reverse order. When the dependencies form a cycle there is no such order, so \
lbplan refuses to produce a plan rather than produce a wrong one. The message lists every member \
of each cycle (every resource of the strongly connected component), not just one path through it.\n\n\
Cycles come from the provider code that builds the resource model, not from manifests, so this is \
a bug in lbplan.\n\nFix: report it with the input that triggers it.",
    },
    CodeInfo {
        code: "LBP5003",
        title: "dependency on a resource that is not planned",
        explanation: "Every `depends_on` of a planned resource must name another planned resource, \
otherwise the executor cannot know when the dependency exists. A dangling dependency means the \
provider code that built the model forgot a resource or misspelled an address, which is a bug in \
lbplan, and no plan is produced.\n\nFix: report it with the input that triggers it.",
    },
    CodeInfo {
        code: "LBP5004",
        title: "unusable state file",
        explanation: "`lbplan plan --state FILE` diffs the manifests against the state the executor \
wrote after its last apply. A missing file is fine and means that nothing was applied yet, but a \
file that cannot be read, is not JSON, has another state `version`, or lists one address twice \
cannot be trusted: planning against it could delete or duplicate real cloud resources.\n\n\
Example: a state file edited by hand with a trailing comma.\n\nFix: restore the file the executor \
wrote (it writes atomically, so the previous version is intact), or remove it to plan from scratch.",
    },
    CodeInfo {
        code: "LBP5005",
        title: "two planned resources with one address",
        explanation: "An address identifies a resource across runs: the plan pairs the desired and the \
prior resource with the same address. Two desired resources with one address would make that \
pairing ambiguous, so the model refuses the second one. This comes from the provider code that \
builds the model (for example two names cut to the same 80 characters without a check), not from \
a manifest rule, so it is a bug in lbplan.\n\nFix: report it with the input that triggers it.",
    },
    CodeInfo {
        code: "LBP5006",
        title: "load balancer not planned by this version",
        explanation: "The object is handled by a cloud controller whose resources this version of lbplan \
does not compile into a plan yet (today `plan` covers ACK Edge ELB: Services with \
`loadBalancerClass: alibabacloud.com/elb` and a node pool selector). Its manifests are still fully \
validated, but the plan shows nothing for it, so \"No changes\" must not be read as \"this load \
balancer will not change\".\n\nNothing to fix in the manifests; `lbplan validate` checks them.",
    },
];
