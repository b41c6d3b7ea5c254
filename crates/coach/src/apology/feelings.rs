//! Regret aimed at the customer's feelings or their "experience" rather
//! than at what went wrong, read by structure: a regret word, then within
//! the same clause "you were/felt <a feeling>", "you feel ...", "you had a
//! bad time"; and understanding a frustration offered instead of an apology.

use std::ops::Range;

/// Words that open a regret.
const REGRET: &[&str] = &[
    "sorry",
    "apologise",
    "apologize",
    "apologises",
    "apologizes",
    "apologies",
    "regret",
    "regrets",
];

/// What the customer felt, as a regret names it instead of the failure.
const FEELING: &[&str] = &[
    "disappointed",
    "unhappy",
    "upset",
    "frustrated",
    "dissatisfied",
    "unsatisfied",
    "displeased",
    "annoyed",
    "inconvenienced",
    "rushed",
    "let",
    "unhelpful",
    "rude",
];

/// An experience or time described only by how it felt.
const BAD: &[&str] = &[
    "bad",
    "poor",
    "negative",
    "disappointing",
    "rough",
    "frustrating",
    "difficult",
    "unpleasant",
    "upsetting",
];

/// Feelings that understanding is offered for ("we understand how
/// frustrating ...").
const FRUSTRATING: &[&str] = &[
    "frustrating",
    "disappointing",
    "upsetting",
    "annoying",
    "inconvenient",
    "frustrated",
    "disappointed",
];

/// The words of each clause with their spans, as written (compared without
/// regard to ASCII case: no allocation per word).
fn clause_words(text: &str) -> Vec<Vec<(Range<usize>, &str)>> {
    let mut clauses = vec![Vec::new()];
    let mut last = 0;
    for (span, word) in crate::text::words(text) {
        if text.as_bytes()[last..span.start]
            .iter()
            .any(|b| matches!(b, b'.' | b'!' | b'?' | b';' | b':' | b'\n'))
        {
            clauses.push(Vec::new());
        }
        last = span.end;
        if let Some(clause) = clauses.last_mut() {
            clause.push((span, word));
        }
    }
    clauses
}

/// Whether the word is one of the (lower-case) entries, in any case and
/// with either apostrophe.
fn is(word: &str, entries: &[&str]) -> bool {
    if word.is_ascii() {
        entries.iter().any(|e| e.eq_ignore_ascii_case(word))
    } else {
        let plain = word.replace('’', "'");
        entries.iter().any(|e| e.eq_ignore_ascii_case(&plain))
    }
}

/// Byte ranges of regrets for a feeling: "sorry to hear you were
/// disappointed", "we apologise that you felt rushed", "sorry if the crew
/// seemed unhelpful", "sorry you had a rough time".
pub(super) fn feeling_regrets(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    // Most texts hold no regret at all: skip the clause reading for them.
    let lower = text.to_ascii_lowercase();
    if !["sorry", "apolog", "regret"]
        .iter()
        .any(|r| lower.contains(r))
    {
        return out;
    }
    for clause in clause_words(text) {
        let w = |i: usize| clause.get(i).map_or("", |(_, s)| *s);
        for (i, (start, word)) in clause.iter().enumerate() {
            if !is(word, REGRET) {
                continue;
            }
            // Within the next few words of the regret.
            for j in i + 1..(i + 7).min(clause.len()) {
                let end = |k: usize| clause.get(k).map_or(start.end, |(s, _)| s.end);
                let subject =
                    is(w(j), &["you", "you're", "you've"]) || (is(w(j), &["if"]) && j == i + 1);
                if !subject {
                    continue;
                }
                // "you feel ...", "you felt ...": the perception regretted.
                if is(w(j + 1), &["feel", "felt"]) {
                    out.push(start.start..end(j + 1));
                    break;
                }
                // "you were disappointed", "if the crew seemed unhelpful".
                if let Some(k) = (j + 1..(j + 5).min(clause.len())).find(|&k| is(w(k), FEELING))
                    && (k - j <= 2 || (j + 1..k).any(|m| is(w(m), &["seemed", "was", "were"])))
                {
                    out.push(start.start..end(k));
                    break;
                }
                // "you had a rough time", "you've had a poor experience".
                if let Some(k) =
                    (j + 1..(j + 6).min(clause.len())).find(|&k| is(w(k), &["experience", "time"]))
                    && (j + 1..k).any(|m| is(w(m), BAD))
                {
                    out.push(start.start..end(k));
                    break;
                }
            }
        }
    }
    out
}

/// "We understand how frustrating a noisy room can be": understanding
/// offered for a frustration (a non-apology when nothing else apologises).
pub(super) fn understood_frustration(text: &str) -> Option<Range<usize>> {
    clause_words(text).into_iter().find_map(|clause| {
        let at = clause
            .iter()
            .position(|(_, w)| is(w, &["understand", "appreciate"]))?;
        let (start, _) = &clause[at];
        clause[at + 1..]
            .iter()
            .take(5)
            .find(|(_, w)| is(w, FRUSTRATING))
            .map(|(end, _)| start.start..end.end)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<&str> {
        feeling_regrets(text)
            .into_iter()
            .map(|r| &text[r])
            .collect()
    }

    #[test]
    fn regret_for_a_feeling_in_any_construction() {
        assert_eq!(
            found("We're sorry to learn that you were unhappy with it."),
            ["sorry to learn that you were unhappy"]
        );
        assert_eq!(
            found("We apologise that you felt rushed."),
            ["apologise that you felt"]
        );
        assert_eq!(
            found("I'm sorry if the crew seemed unhelpful."),
            ["sorry if the crew seemed unhelpful"]
        );
        assert_eq!(
            found("Sorry you had a rough time with us."),
            ["Sorry you had a rough time"]
        );
        // What happened, owned: no feeling regretted.
        assert!(found("I'm sorry you were told that, it was wrong.").is_empty());
        assert!(found("Sorry the parcel arrived late. You were right.").is_empty());
        assert!(found("I'm sorry. You were let down by us and I'll fix it.").is_empty());
    }

    #[test]
    fn understanding_a_frustration() {
        let text = "We understand how frustrating a noisy room can be.";
        assert_eq!(
            understood_frustration(text).map(|r| &text[r]),
            Some("understand how frustrating")
        );
        assert!(understood_frustration("I understand you need it by Friday.").is_none());
    }
}
