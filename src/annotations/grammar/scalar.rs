//! Scalar grammars: free text, enumerations and integers (EBNF: `grammar/text.ebnf`,
//! `grammar/enum.ebnf`, `grammar/int.ebnf`, `grammar/cluster-weight.ebnf`).
//!
//! Integers follow Go's `strconv.Atoi`, which is what every controller uses: an optional
//! sign and decimal digits, nothing else (no spaces, no `0x`, no `1e3`).

use nom::character::complete::{digit1, one_of};
use nom::combinator::{all_consuming, opt, recognize};
use nom::{IResult, Parser};

use super::{ValueError, choices_help};

/// The outcome of reading a Go-style integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IntToken {
    Value(i64),
    /// Syntactically an integer, but outside `i64` (so outside any range we check).
    Overflow,
    NotInteger,
}

fn int_literal(i: &str) -> IResult<&str, &str> {
    recognize((opt(one_of("+-")), digit1)).parse(i)
}

/// Reads `text` as a whole decimal integer (`strconv.Atoi` syntax).
pub(crate) fn read_int(text: &str) -> IntToken {
    match all_consuming(int_literal).parse(text) {
        Ok((_, lit)) => lit
            .parse::<i64>()
            .map_or(IntToken::Overflow, IntToken::Value),
        Err(_) => IntToken::NotInteger,
    }
}

/// Reads `text` as an integer in `min..=max`; on failure returns the message fragment
/// explaining why, for callers that build their own wording.
pub(crate) fn int_in_range(text: &str, min: i64, max: i64) -> Result<i64, IntProblem> {
    match read_int(text) {
        IntToken::Value(v) if (min..=max).contains(&v) => Ok(v),
        IntToken::Value(_) | IntToken::Overflow => Err(IntProblem::OutOfRange),
        IntToken::NotInteger => Err(IntProblem::NotInteger),
    }
}

/// Why an integer token was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IntProblem {
    NotInteger,
    OutOfRange,
}

/// Help text for an integer that does not fit `min..=max`.
pub(crate) fn int_help(text: &str, min: i64, max: i64) -> String {
    let trimmed = text.trim();
    if trimmed != text && read_int(trimmed) != IntToken::NotInteger {
        return format!("remove the spaces: write `{trimmed}`");
    }
    if text.is_empty() {
        return format!("write a whole number between {min} and {max}");
    }
    format!("write a whole number between {min} and {max} (digits only, as a string)")
}

/// `Grammar::Any` accepts everything; `Grammar::NonEmpty` needs at least one
/// non-whitespace character (ids and names are never blank).
pub fn check_non_empty(value: &str) -> Result<&str, ValueError> {
    if value.trim().is_empty() {
        let msg = if value.is_empty() {
            "value must not be empty"
        } else {
            "value must not be blank"
        };
        return Err(ValueError::new(0, value.len(), msg)
            .with_help("give a value, or remove the annotation to use the default"));
    }
    Ok(value)
}

/// Checks `value` is one of `words` (optionally ignoring ASCII case) and returns the
/// canonical spelling from `words`, so later stages compare against one form only.
pub fn parse_enum(
    value: &str,
    words: &[&'static str],
    ignore_case: bool,
) -> Result<&'static str, ValueError> {
    let hit = words.iter().find(|w| {
        if ignore_case {
            w.eq_ignore_ascii_case(value)
        } else {
            **w == value
        }
    });
    if let Some(w) = hit {
        return Ok(w);
    }
    let list = words.join(", ");
    let message = if value.is_empty() {
        format!("empty value; expected one of: {list}")
    } else {
        format!("`{value}` is not a supported value")
    };
    let trimmed = value.trim();
    let help = if trimmed != value
        && words.iter().any(|w| {
            if ignore_case {
                w.eq_ignore_ascii_case(trimmed)
            } else {
                *w == trimmed
            }
        }) {
        format!("remove the surrounding spaces: write `{trimmed}`")
    } else {
        choices_help(value, words)
    };
    Err(ValueError::new(0, value.len(), message).with_help(help))
}

/// A decimal integer in `min..=max`, as the controllers read it with `strconv.Atoi`.
/// The whole value is the token, so errors cover the whole value.
pub fn parse_int(value: &str, min: i64, max: i64) -> Result<i64, ValueError> {
    int_in_range(value, min, max).map_err(|p| {
        let message = match p {
            IntProblem::NotInteger if value.is_empty() => {
                format!("expected an integer in range [{min},{max}], got an empty value")
            }
            IntProblem::NotInteger => format!("`{value}` is not an integer"),
            IntProblem::OutOfRange => {
                format!("value must be integer in range [{min},{max}], got [{value}]")
            }
        };
        ValueError::new(0, value.len(), message).with_help(int_help(value, min, max))
    })
}

/// ACK One `cluster-weight.<clusterId>`: an integer 0–100 (the weights of all clusters of
/// one Ingress must add up to 100; that sum is checked where all keys are visible).
pub fn parse_cluster_weight(value: &str) -> Result<u8, ValueError> {
    match int_in_range(value, 0, 100) {
        Ok(v) => u8::try_from(v).map_err(|_| {
            ValueError::new(0, value.len(), "cluster weight out of range")
                .with_help("write a whole number between 0 and 100")
        }),
        Err(_) => Err(ValueError::new(
            0,
            value.len(),
            format!("cluster weight must be an integer in range [0,100], got [{value}]"),
        )
        .with_help(format!(
            "{}; the weights of all clusters must add up to 100",
            int_help(value, 0, 100)
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Grammar, validate, validate_annotation};
    use super::*;

    fn one(g: Grammar, v: &str) -> (usize, usize, String) {
        let e = validate(g, v);
        assert_eq!(e.len(), 1, "{e:?}");
        (e[0].start, e[0].end, e[0].message.clone())
    }

    #[test]
    fn any_and_non_empty() {
        assert!(validate(Grammar::Any, "").is_empty());
        assert!(validate(Grammar::NonEmpty, "lb-1").is_empty());
        assert_eq!(
            one(Grammar::NonEmpty, ""),
            (0, 0, "value must not be empty".into())
        );
        assert_eq!(
            one(Grammar::NonEmpty, "  "),
            (0, 2, "value must not be blank".into())
        );
    }

    #[test]
    fn enums_exact_and_ignore_case() {
        const W: &[&str] = &["on", "off"];
        assert!(validate(Grammar::Enum(W), "on").is_empty());
        assert_eq!(parse_enum("ON", W, true), Ok("on"));
        let e = validate(Grammar::Enum(W), "ON");
        assert_eq!((e[0].start, e[0].end), (0, 2));
        assert_eq!(e[0].message, "`ON` is not a supported value");
        assert!(
            e[0].help
                .as_deref()
                .unwrap_or("")
                .contains("did you mean `on`?")
        );
        let e = validate(Grammar::Enum(&["white", "black"]), "whitey");
        assert!(
            e[0].help
                .as_deref()
                .unwrap_or("")
                .contains("did you mean `white`?")
        );
        let e = validate(Grammar::Enum(W), " on");
        assert!(
            e[0].help
                .as_deref()
                .unwrap_or("")
                .contains("remove the surrounding")
        );
    }

    #[test]
    fn integers() {
        let g = Grammar::Int { min: 0, max: 100 };
        assert!(validate(g, "0").is_empty());
        assert!(validate(g, "+100").is_empty());
        assert_eq!(parse_int("-1", -5, 5), Ok(-1));
        assert_eq!(one(g, "abc"), (0, 3, "`abc` is not an integer".into()));
        assert_eq!(
            one(g, "150"),
            (
                0,
                3,
                "value must be integer in range [0,100], got [150]".into()
            )
        );
        assert_eq!(
            one(g, "99999999999999999999999"),
            (
                0,
                23,
                "value must be integer in range [0,100], got [99999999999999999999999]".into()
            )
        );
        assert_eq!(one(g, "1e2").2, "`1e2` is not an integer");
        assert!(validate(g, " 5").iter().any(|e| {
            e.help
                .as_deref()
                .unwrap_or("")
                .contains("remove the spaces")
        }));
    }

    /// reference/alibaba.md §8 case 3: default-weight "150", "-1", "abc" are rejected with
    /// the controller's exact text.
    #[test]
    fn case_3_default_weight_messages() {
        let key = "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-default-weight";
        for v in ["150", "-1", "abc"] {
            let e = validate_annotation(key, Grammar::Int { min: 0, max: 100 }, v);
            assert_eq!(e.len(), 1);
            assert_eq!(
                e[0].message,
                format!("default weight must be integer in range [0,100] , got [{v}]")
            );
            assert_eq!((e[0].start, e[0].end), (0, v.len()));
        }
        let key = "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-weight";
        let e = validate_annotation(key, Grammar::Int { min: 0, max: 100 }, "x");
        assert_eq!(
            e[0].message,
            "weight must be integer in range [0,100] , got [x]"
        );
    }

    /// reference/alibaba.md §8 case 9: `bandwidth: "abc"` ⇒ "bandwidth must be integer, got [abc]".
    #[test]
    fn case_9_bandwidth() {
        let key = "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-bandwidth";
        let e = validate_annotation(key, Grammar::Int { min: 1, max: 5000 }, "abc");
        assert_eq!(e[0].message, "bandwidth must be integer, got [abc]");
        assert_eq!((e[0].start, e[0].end), (0, 3));
    }

    /// reference/alibaba.md §8 case 25: `cross-zone-enabled: "yes"`.
    #[test]
    fn case_25_cross_zone_flag() {
        let key = "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-cross-zone-enabled";
        let e = validate_annotation(key, Grammar::EnumIgnoreCase(&["on", "off"]), "yes");
        assert_eq!(
            e[0].message,
            "ParameterInvalid, cross zone enabled flag error: invalid flag \"yes\""
        );
        assert!(validate_annotation(key, Grammar::EnumIgnoreCase(&["on", "off"]), "ON").is_empty());
    }

    #[test]
    fn cluster_weight() {
        assert_eq!(parse_cluster_weight("60"), Ok(60));
        assert!(validate(Grammar::ClusterWeight, "100").is_empty());
        assert_eq!(
            one(Grammar::ClusterWeight, "101"),
            (
                0,
                3,
                "cluster weight must be an integer in range [0,100], got [101]".into()
            )
        );
        assert_eq!(one(Grammar::ClusterWeight, "60%").1, 3);
    }
}
