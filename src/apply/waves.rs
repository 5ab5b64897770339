//! Dependency waves: the actions that can run at the same time.

use std::collections::{BTreeMap, BTreeSet};

/// Groups `nodes` (indices with the addresses they depend on) into waves: every node comes
/// after the nodes it depends on, and a node's wave is as early as that allows. Within a
/// wave the input order is kept, so waves are deterministic. Dependencies on addresses
/// outside `nodes` count as met. `Err` lists the addresses left on a cycle.
pub fn waves<'a>(nodes: &[(&'a str, Vec<&'a str>)]) -> Result<Vec<Vec<usize>>, Vec<String>> {
    let index: BTreeMap<&str, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, (a, _))| (*a, i))
        .collect();
    let mut level: Vec<Option<usize>> = vec![None; nodes.len()];
    let mut remaining: BTreeSet<usize> = (0..nodes.len()).collect();
    let mut current = 0;
    let mut out = Vec::new();
    while !remaining.is_empty() {
        let ready: Vec<usize> = remaining
            .iter()
            .copied()
            .filter(|&i| {
                nodes[i].1.iter().all(|d| match index.get(d) {
                    Some(&j) if j != i => level[j].is_some_and(|l| l < current),
                    _ => true,
                })
            })
            .collect();
        if ready.is_empty() {
            return Err(remaining.iter().map(|&i| nodes[i].0.to_string()).collect());
        }
        for &i in &ready {
            level[i] = Some(current);
            remaining.remove(&i);
        }
        out.push(ready);
        current += 1;
    }
    Ok(out)
}

/// The same for removals: a node comes *before* the nodes it depends on (a listener is
/// deleted before its load balancer).
pub fn reverse_waves<'a>(
    nodes: &[(&'a str, Vec<&'a str>)],
) -> Result<Vec<Vec<usize>>, Vec<String>> {
    let mut dependents: BTreeMap<&str, Vec<&str>> =
        nodes.iter().map(|(a, _)| (*a, Vec::new())).collect();
    for (a, deps) in nodes {
        for d in deps {
            if let Some(list) = dependents.get_mut(d) {
                list.push(a);
            }
        }
    }
    let reversed: Vec<(&str, Vec<&str>)> = nodes
        .iter()
        .map(|(a, _)| (*a, dependents.remove(a).unwrap_or_default()))
        .collect();
    waves(&reversed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_follow_dependencies_and_independent_ones_share_a_wave() {
        let nodes = vec![
            ("lb", vec![]),
            ("eip", vec!["lb"]),
            ("listener", vec!["lb"]),
            ("binding", vec!["lb", "eip"]),
            ("outside", vec!["not-in-plan"]),
        ];
        assert_eq!(
            waves(&nodes).unwrap(),
            vec![vec![0, 4], vec![1, 2], vec![3]]
        );
    }

    #[test]
    fn deletes_run_in_reverse() {
        let nodes = vec![
            ("lb", vec![]),
            ("listener", vec!["lb"]),
            ("backend", vec!["listener"]),
        ];
        assert_eq!(
            reverse_waves(&nodes).unwrap(),
            vec![vec![2], vec![1], vec![0]]
        );
    }

    #[test]
    fn a_cycle_is_reported_with_its_members() {
        let nodes = vec![("a", vec!["b"]), ("b", vec!["a"]), ("c", vec![])];
        assert_eq!(
            waves(&nodes).unwrap_err(),
            vec!["a".to_string(), "b".to_string()]
        );
    }
}
