//! Codes of `lbplan diff` (LBP8001–LBP8099): reading a side of the comparison from git, and
//! the findings only a comparison of two revisions can make.

use super::CodeInfo;

pub static CODES: &[CodeInfo] = &[
    CodeInfo {
        code: "LBP8001",
        title: "unknown git revision",
        explanation: "`lbplan diff BASE HEAD` reads a side that is not a folder as a git revision of the \
repository in the current folder (`git rev-parse --verify REV^{commit}`). The revision does not name a \
commit there: a typo, a branch that was never fetched (CI checkouts are often shallow and single-branch), or \
a tag that does not exist.\n\nFix: check the spelling with `git rev-parse REV`; in CI fetch the base first \
(`git fetch origin main` or `actions/checkout` with `fetch-depth: 0`).",
    },
    CodeInfo {
        code: "LBP8002",
        title: "path not in the git revision",
        explanation: "A path given after `--` (`lbplan diff origin/main HEAD -- deploy/`) holds no file at \
one of the two revisions (`git ls-tree` lists nothing). Paths are relative to the folder lbplan runs in, as \
git reads them. Comparing against a revision where the folder did not exist yet would plan every load \
balancer as new, which is rarely what a reviewer wants to see, so lbplan stops instead.\n\nFix: check the \
path with `git ls-tree -r REV -- PATH`; when the folder is new in the pull request, compare with an empty \
folder as BASE.",
    },
    CodeInfo {
        code: "LBP8003",
        title: "git cannot be run or the folder is no repository",
        explanation: "A side of `lbplan diff` is not a folder, so it is read as a git revision, but `git` \
could not be run, the current folder is not inside a git repository, or a git command failed. lbplan \
calls the `git` command line (present on every CI runner) rather than reading the repository itself.\n\n\
Fix: install git, run lbplan from inside the repository, or give both sides as folders.",
    },
    CodeInfo {
        code: "LBP8004",
        title: "destructive change",
        explanation: "The change from BASE to HEAD makes a controller delete (or delete and create again) a \
load balancer, an EIP, a listener or a server group. A deleted object cannot be restored: a new one gets a \
new id and, for an ELB or EIP, a new address that every client and DNS record must learn. Seed 000 warns \
that deleting a Service or a node pool, changing the node pool selector or relabelling a node pool deletes \
that pool's auto-managed ELB and EIP. The finding points at the line of HEAD that causes it where there is \
one.\n\nFix: revert that line if the deletion is not intended, or switch to a self-managed ELB (its \
objects are retained); `--fail-on destroy` makes CI stop such a merge.",
    },
    CodeInfo {
        code: "LBP8005",
        title: "Service renamed",
        explanation: "A LoadBalancer Service of BASE is missing from HEAD, and a new one in the same \
namespace selects the same pods. Kubernetes has no rename: the controller sees one Service deleted and \
another created, so it deletes the old load balancers (and their addresses) and creates new ones. The \
plan shows that as deletes and creates.\n\nFix: keep the old name if the addresses must survive, or \
accept the new addresses and update DNS and clients.",
    },
];
