//! Codes of the executor, `lbplan apply` (LBP9001–LBP9099): why a plan was not applied,
//! or stopped part-way, and the rules the (sandbox) cloud enforces.

use super::CodeInfo;

pub static CODES: &[CodeInfo] = &[
    CodeInfo {
        code: "LBP9001",
        title: "stale plan",
        explanation: "A plan records the serial and lineage of the state it was computed against \
(`prior_state`). When the state file has moved on since (another apply ran) or belongs to another history \
(another lineage), the plan's actions may undo or duplicate what happened in between, so it is refused, as \
Terraform refuses a stale saved plan. A plan made without `--state` counts as made against an empty state.\n\n\
Fix: run `lbplan plan --state FILE --out plan.json` again and apply the new plan.",
    },
    CodeInfo {
        code: "LBP9002",
        title: "plan with errors",
        explanation: "The plan file carries error diagnostics: the manifests were wrong when it was made, so \
its resources are what a broken configuration would build. Applying it would create cloud objects nobody \
meant. Warnings do not block an apply.\n\nFix: correct the manifests (`lbplan validate`), plan again, apply \
the new plan.",
    },
    CodeInfo {
        code: "LBP9003",
        title: "state is locked",
        explanation: "Another `lbplan apply` holds the lock file beside the state (`<state>.lock`, created \
exclusively). Two applies against one state would interleave their writes and lose resources, so the second \
is refused. A lock whose process no longer runs (a crash) is taken over automatically on Linux.\n\nFix: wait \
for the other apply to finish; if you are sure none runs, delete the lock file named in the message.",
    },
    CodeInfo {
        code: "LBP9004",
        title: "cloud API refused an action",
        explanation: "The backend returned a permanent error for one action (not a throttling or timeout \
error, which are retried). The executor lets the other actions of the same wave finish, starts no later \
wave, records everything that completed in the state, and stops. The state stays consistent: a re-run of \
the same plan resumes with the actions that did not run.\n\nFix: correct the cause named in the message, \
then run `lbplan apply` with the same plan again, or plan anew.",
    },
    CodeInfo {
        code: "LBP9005",
        title: "transient error persisted after retries",
        explanation: "The backend kept answering with a transient error (throttling, a busy resource, a \
timeout) for one action, and the executor gave up after its retries with exponential backoff. Nothing is \
lost: the action is not recorded as done, so a re-run of the same plan tries it again.\n\nFix: run `lbplan \
apply` with the same plan again later.",
    },
    CodeInfo {
        code: "LBP9006",
        title: "update of an immutable attribute",
        explanation: "The cloud does not change some attributes of an existing object (the region or network \
of a load balancer, a listener's port or protocol, the load balancer of a server group). A plan that updates \
one in place was not made by this version of lbplan (it plans such a change as a replacement) or was \
edited by hand.\n\nFix: plan again; a change of such an attribute is a `-/+` replacement.",
    },
    CodeInfo {
        code: "LBP9007",
        title: "listener port already used on the load balancer",
        explanation: "A load balancer can have only one listener per protocol and port; the cloud refuses a \
second one (`ListenerAlreadyExists`). Two Services (or two ports of one Service) that put the same port on \
one shared self-managed ELB collide.\n\nFix: give the ports different numbers, or use separate load \
balancers.",
    },
    CodeInfo {
        code: "LBP9008",
        title: "load balancer still has listeners",
        explanation: "The cloud refuses to delete a load balancer that still has listeners \
(`DependencyViolation`). The executor deletes listeners before their load balancer, so this means that the \
listeners are not in the plan: they were retained, created outside lbplan, or the plan was edited.\n\nFix: \
delete the listeners first (in the console, or by planning them away), then apply again.",
    },
    CodeInfo {
        code: "LBP9009",
        title: "plan file cannot be used",
        explanation: "The file given to `lbplan apply` cannot be read, is not the JSON plan format of SPEC §7 \
(`lbplan plan --out plan.json` writes it), has a format version of another major, or has an action the \
executor does not know. Nothing was applied.\n\nFix: pass the file written by `lbplan plan --out`.",
    },
    CodeInfo {
        code: "LBP9010",
        title: "plan actions cannot be ordered",
        explanation: "The `depends_on` lists of the plan's resources form a cycle, so no order creates every \
resource after what it needs. `lbplan plan` never writes such a plan; the file was edited.\n\nFix: plan \
again.",
    },
    CodeInfo {
        code: "LBP9011",
        title: "state or journal cannot be written",
        explanation: "The executor writes the state after every action (a temporary file, fsync, rename) and \
appends to the journal beside it. A write failed (a full disk, a read-only folder), so the apply stopped: \
the last state written is consistent, and a re-run of the same plan resumes from it.\n\nFix: make the \
state's folder writable, then run `lbplan apply` with the same plan again.",
    },
    CodeInfo {
        code: "LBP9012",
        title: "destructive plan without --allow-destroy",
        explanation: "The plan deletes or replaces a load balancer, EIP, listener or server group. Those \
deletions lose addresses and traffic and cannot be undone, so `apply` needs an explicit \
`--allow-destroy`, like `terraform apply` needs its confirmation.\n\nFix: read the plan's `Warning:` blocks, \
then run `lbplan apply --allow-destroy` with the same plan.",
    },
    CodeInfo {
        code: "LBP9013",
        title: "an interrupted apply was resumed",
        explanation: "A note, not a problem: the state file records that an apply of this very plan started \
and did not finish (a crash, a killed process, a backend error). This run skips the actions recorded as done \
and repeats the ones that were in flight, which the journal lists; a repeated create carries the same \
idempotency token, so the cloud returns the object it made the first time instead of a second one.\n\n\
Nothing to fix; `lbplan plan --state FILE` afterwards shows whether anything is left.",
    },
];
