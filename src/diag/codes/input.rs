//! Codes of the `source` stage: reading files and YAML syntax.

use super::CodeInfo;

pub static CODES: &[CodeInfo] = &[
    CodeInfo {
        code: "LBP1001",
        title: "an input cannot be read",
        explanation: "lbplan could not read a file, folder or standard input named on the command line \
(it does not exist, permission was denied, or a read failed). Nothing from that input was checked, so \
the run exits with status 2 (usage or I/O failure) even if every other input is clean.\n\n\
Fix: check the path, or pass `-` to read manifests from standard input, e.g.\n\n    \
helm template ./chart | lbplan validate -",
    },
    CodeInfo {
        code: "LBP1002",
        title: "the input is not valid UTF-8",
        explanation: "Kubernetes manifests are UTF-8 text (the API server rejects anything else). The file \
contains a byte sequence that is not UTF-8; the diagnostic points at the first bad byte. This usually \
means a file saved in another encoding (Latin-1, UTF-16) or a binary file in the manifest folder.\n\n\
Fix: re-save the file as UTF-8, or move non-manifest files out of the folder.",
    },
    CodeInfo {
        code: "LBP1003",
        title: "the input is larger than the size limit",
        explanation: "A single input is larger than `--max-file-size` (default 16 MiB). The Kubernetes API \
server refuses objects of more than about 1.5 MiB, so a manifest file this large is almost certainly \
not a set of manifests (a log, an archive, a generated dump). lbplan refuses it instead of spending \
unbounded time and memory on it.\n\nFix: split the file, or raise the limit with `--max-file-size BYTES`.",
    },
    CodeInfo {
        code: "LBP1004",
        title: "YAML syntax error",
        explanation: "The file is not well-formed YAML (or JSON, which is read as YAML). The label points at \
the character where the parser stopped. Other documents of the same file, after the next `---`, are \
still checked so that one run reports every problem.\n\n\
Typical causes: a tab used for indentation, an unclosed `[`, `{` or quote, a key at the wrong \
indentation, or a JSON annotation value that was not quoted:\n\n    \
annotations:\n      kubernetes.io/elb.autocreate: {\"type\": \"public\"}   # a YAML mapping, not a string\n\n\
Fix: quote JSON values with single quotes ('{\"type\": \"public\"}') or use a `|` block scalar.",
    },
    CodeInfo {
        code: "LBP1005",
        title: "duplicate key in a mapping",
        explanation: "The same key appears twice in one YAML mapping. kubectl rejects such manifests \
(\"mapping key already defined\") and other tools silently keep the last value, so the outcome depends \
on who reads the file. The primary label points at the repeated key and the secondary label at the \
first one.\n\nFix: delete one of the two entries, or merge their contents.",
    },
    CodeInfo {
        code: "LBP1006",
        title: "YAML alias expansion exceeds the limit",
        explanation: "YAML anchors (`&a`) and aliases (`*a`) let a small file describe a huge tree: the \
\"billion laughs\" attack nests aliases so that a few hundred bytes expand to billions of nodes. \
lbplan expands aliases with a budget (at most 1,000,000 nodes per file) and stops with this error \
instead of running out of memory. Real manifests never come close.\n\nFix: write the repeated \
content out, or use fewer nested aliases.",
    },
    CodeInfo {
        code: "LBP1007",
        title: "YAML nesting is too deep",
        explanation: "The document nests mappings or sequences more deeply than lbplan accepts (256 \
levels of block collections, 512 of flow collections). No Kubernetes object comes near this; deep \
nesting is a sign of generated garbage or an attempt to exhaust the stack.\n\nFix: check the file \
is a manifest; flatten the structure.",
    },
    CodeInfo {
        code: "LBP1008",
        title: "the input looks binary",
        explanation: "The input contains NUL bytes, which are not allowed anywhere in YAML. It is most \
likely a binary file (an archive, an image, a compiled chart) that ended up among the manifests.\n\n\
Fix: remove it from the folder, or name the manifest files explicitly on the command line.",
    },
    CodeInfo {
        code: "LBP1009",
        title: "no manifests found",
        explanation: "A folder named on the command line contains no `*.yaml`, `*.yml` or `*.json` file \
(searched recursively, hidden folders skipped), or the input was empty. Checking nothing is \
treated as a usage error (exit 2) so that a wrong path in CI does not pass silently.\n\n\
Fix: point lbplan at the folder that holds the manifests.",
    },
];
