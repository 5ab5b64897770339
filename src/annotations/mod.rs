//! Annotation catalogue support: value grammars, the catalogue types and typo detection.

pub mod catalogue;
pub mod grammar;

/// The closest candidate to `word` by edit distance, if close enough to be a plausible
/// typo (at most a third of the word's length, and at most 3 edits).
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).clamp(1, 3);
    let mut best: Option<(usize, &'a str)> = None;
    for c in candidates {
        if c == word {
            continue;
        }
        let d = strsim::damerau_levenshtein(&word.to_ascii_lowercase(), &c.to_ascii_lowercase());
        if d <= limit && best.is_none_or(|(bd, bc)| d < bd || (d == bd && c < bc)) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::suggest;

    #[test]
    fn suggests_close_names_only() {
        let known = ["externalTrafficPolicy", "ports", "selector", "type"];
        assert_eq!(
            suggest("externalTraficPolicy", known),
            Some("externalTrafficPolicy")
        );
        assert_eq!(suggest("prots", known), Some("ports"));
        assert_eq!(suggest("zzzzzz", known), None);
    }
}
