//! Phrase tables compiled once into one Aho-Corasick automaton each.
//!
//! A table maps phrases to what they mean. Matching is case-insensitive, on
//! word boundaries, leftmost-longest, so a longer harmless phrase ("you should
//! have received") wins over the shorter harmful one it contains ("you should
//! have"). Straight and curly apostrophes match alike.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use std::ops::Range;

/// A compiled table whose phrases map to values of type `T`; `None` marks a
/// harmless phrase that only shields the text it covers.
pub struct PhraseTable<T: 'static> {
    automaton: Option<AhoCorasick>,
    values: Vec<Option<&'static T>>,
}

impl<T> PhraseTable<T> {
    /// Compiles `(phrase, meaning)` pairs.
    pub fn new(entries: &[(&'static str, Option<&'static T>)]) -> Self {
        let mut patterns = Vec::with_capacity(entries.len() * 2);
        let mut values = Vec::with_capacity(entries.len() * 2);
        for (phrase, value) in entries {
            patterns.push(phrase.to_string());
            values.push(*value);
            if phrase.contains('\'') {
                patterns.push(phrase.replace('\'', "’"));
                values.push(*value);
            }
        }
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            // A full DFA: more memory and a slower build, once; the fastest
            // search, on every review.
            .kind(Some(AhoCorasickKind::DFA))
            .build(&patterns)
            .ok();
        Self { automaton, values }
    }

    /// Every match on word boundaries, with its meaning (harmless ones left out).
    pub fn find<'t>(&'t self, text: &str) -> impl Iterator<Item = (Range<usize>, &'static T)> + 't {
        let matches: Vec<(Range<usize>, &'static T)> = match &self.automaton {
            Some(automaton) => automaton
                .find_iter(text)
                .filter(|m| {
                    crate::text::boundary_before(text, m.start())
                        && crate::text::boundary_after(text, m.end())
                })
                .filter_map(|m| self.values[m.pattern().as_usize()].map(|v| (m.range(), v)))
                .collect(),
            None => Vec::new(),
        };
        matches.into_iter()
    }

    /// Whether any phrase with a meaning occurs.
    pub fn any(&self, text: &str) -> bool {
        self.find(text).next().is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_harmless_phrase_shields_and_boundaries_hold() {
        static BAD: &str = "bad";
        let table = PhraseTable::new(&[
            ("you should have", Some(&BAD)),
            ("you should have received", None),
            ("calm", Some(&BAD)),
        ]);
        assert_eq!(table.find("You should have received it").count(), 0);
        assert_eq!(table.find("you should have asked").count(), 1);
        assert_eq!(
            table.find("we’re calmly handling it").count(),
            0,
            "calmly is not calm"
        );
        assert!(table.any("Stay CALM."));
    }

    #[test]
    fn curly_apostrophes_match_straight_ones() {
        static BAD: &str = "bad";
        let table = PhraseTable::new(&[("that's our policy", Some(&BAD))]);
        assert!(table.any("Sorry, that’s our policy."));
    }
}
