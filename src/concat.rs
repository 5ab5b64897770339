//! Strings built from parts, for the addresses and names a plan makes by the hundred
//! thousand: one exact allocation and a copy per part, where `format!` grows its buffer
//! through the formatting machinery.

use std::fmt::Write as _;

/// `parts` one after the other.
pub fn concat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts {
        out.push_str(part);
    }
    out
}

/// `parts` one after the other, then `n` in decimal.
pub fn concat_int(parts: &[&str], n: i64) -> String {
    // 20 bytes hold any i64 with its sign.
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum::<usize>() + 20);
    for part in parts {
        out.push_str(part);
    }
    let _ = write!(out, "{n}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_joined_in_order_with_nothing_between() {
        assert_eq!(
            concat(&["elb.", "default/web", "/", "np-a"]),
            "elb.default/web/np-a"
        );
        assert_eq!(concat(&[]), "");
        assert_eq!(concat_int(&["tcp-"], 80), "tcp-80");
        assert_eq!(concat_int(&[], i64::MIN), i64::MIN.to_string());
    }
}
