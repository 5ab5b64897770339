//! The registry of diagnostic codes and their long explanations (`lbplan explain CODE`).
//!
//! Codes are public contract: CI systems filter on them, so a code is never reused for a
//! different finding. Ranges: `LBP1xxx` input and decoding errors, `LBP2xxx` semantic
//! errors (Kubernetes and cloud rules), `LBP3xxx` warnings, `LBP4xxx` notes, `LBP50xx` plan
//! findings, `LBP60xx` findings of the `ir` and `topology` stages (reported when a plan is
//! built), `LBP70xx` the ACK Edge ELB provider, `LBP71xx` Alibaba CLB/NLB, `LBP72xx` Huawei
//! CCE, `LBP73xx` the ALB multi-cluster gateway, `LBP80xx` `lbplan diff`, `LBP81xx` the
//! Terraform renderer, `LBP90xx` the executor (`apply`).
//! Each area keeps its codes in its own file so that areas evolve independently.

mod alb;
mod annotations;
mod apply;
mod cce;
mod clb;
mod diff;
mod elb;
mod input;
mod kube;
mod manifest;
mod plan;
mod terraform;
mod topology;

/// One code's registry entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeInfo {
    pub code: &'static str,
    /// One line: what the finding is about.
    pub title: &'static str,
    /// The long form printed by `lbplan explain`: why it matters, an example, the fix.
    pub explanation: &'static str,
}

/// Every registered code, in code order.
pub fn all() -> Vec<&'static CodeInfo> {
    let mut v: Vec<&'static CodeInfo> = input::CODES
        .iter()
        .chain(manifest::CODES)
        .chain(kube::CODES)
        .chain(annotations::CODES)
        .chain(plan::CODES)
        .chain(topology::CODES)
        .chain(elb::CODES)
        .chain(apply::CODES)
        .chain(diff::CODES)
        .chain(cce::CODES)
        .chain(clb::CODES)
        .chain(alb::CODES)
        .chain(terraform::CODES)
        .collect();
    v.sort_by_key(|c| c.code);
    v
}

/// The entry for `code` (case-insensitive), if registered.
pub fn lookup(code: &str) -> Option<&'static CodeInfo> {
    all()
        .into_iter()
        .find(|c| c.code.eq_ignore_ascii_case(code.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn codes_are_unique_well_formed_and_explained() {
        let mut seen = BTreeSet::new();
        for c in all() {
            assert!(seen.insert(c.code), "duplicate code {}", c.code);
            assert!(
                c.code.len() == 7
                    && c.code.starts_with("LBP")
                    && c.code[3..].chars().all(|ch| ch.is_ascii_digit()),
                "malformed code {}",
                c.code
            );
            assert!(!c.title.is_empty(), "{} has no title", c.code);
            assert!(
                c.explanation.len() > 80,
                "{} needs a real explanation",
                c.code
            );
        }
    }

    /// Every code literal used anywhere in `src/` must be registered, so `explain` never
    /// answers "unknown code" for something we print.
    #[test]
    fn every_code_used_in_the_source_is_registered() {
        let registered: BTreeSet<&str> = all().iter().map(|c| c.code).collect();
        let mut missing = BTreeSet::new();
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut stack = vec![std::path::PathBuf::from(root)];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("src is readable") {
                let path = entry.expect("dir entry").path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs")
                    && !path.starts_with(concat!(env!("CARGO_MANIFEST_DIR"), "/src/diag/codes"))
                {
                    let text = std::fs::read_to_string(&path).expect("source is utf-8");
                    for (i, _) in text.match_indices("\"LBP") {
                        let code = &text[i + 1..(i + 8).min(text.len())];
                        if code[3..].chars().all(|c| c.is_ascii_digit())
                            && !registered.contains(code)
                        {
                            missing.insert(format!("{code} in {}", path.display()));
                        }
                    }
                }
            }
        }
        assert!(missing.is_empty(), "unregistered codes: {missing:?}");
    }
}
