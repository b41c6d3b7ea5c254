//! Rude by tone rather than by words: hedged advice on the customer's
//! conduct, mock statements of the obvious, rhetorical tag questions, and a
//! curt reply of a few words.

use std::ops::Range;

/// Where the hedge of a piece of advice stands.
pub(super) enum Hedge {
    /// "Maybe arrive earlier next time": advice on the customer's conduct.
    Leading,
    /// "Try another browser, maybe.": an offhand brush-off.
    Trailing,
}

/// "Maybe arrive earlier", "Perhaps keep an eye on it": advice on the
/// customer's behaviour, hedged, in the imperative.
pub(super) fn hedged_advice(lower: &str) -> Option<Hedge> {
    let mut words = crate::text::plain_words(lower);
    let (Some(first), Some(second)) = (words.next(), words.next()) else {
        return None;
    };
    const NOT_A_VERB: &[&str] = &[
        "you", "we", "i", "it", "the", "this", "that", "there", "they", "our", "your", "a", "an",
        "not", "he", "she", "it's", "that's", "if", "later", "tomorrow",
    ];
    let trailing = lower
        .trim_end_matches(|c: char| !c.is_alphanumeric())
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .is_some_and(|w| w == "maybe" || w == "perhaps");
    // "Perhaps ask your neighbours": a step to find the thing, not advice
    // on the customer's conduct.
    const STEPS: &[&str] = &["ask", "check", "see", "contact", "call"];
    if ["maybe", "perhaps"].contains(&first) && STEPS.contains(&second) {
        None
    } else if ["maybe", "perhaps"].contains(&first) && !NOT_A_VERB.contains(&second) {
        Some(Hedge::Leading)
    } else if trailing && ["try", "check", "use", "read", "restart", "look"].contains(&first) {
        Some(Hedge::Trailing)
    } else {
        None
    }
}

/// "Sofas don't assemble themselves": mock statement of the obvious.
pub(super) fn mock_obvious(lower: &str) -> bool {
    if !(lower.contains("itself") || lower.contains("themselves")) {
        return false;
    }
    let words: Vec<&str> = crate::text::plain_words(lower).collect();
    words.windows(3).any(|w| {
        ["don't", "doesn't", "won't", "can't", "didn't"].contains(&w[0])
            && ["themselves", "itself"].contains(&w[2])
    })
}

/// "The parcel can't have walked off by itself, can it?": a rhetorical
/// tag question aimed at the customer.
pub(super) fn tag_question(lower: &str) -> bool {
    let Some(body) = lower.trim_end().strip_suffix('?') else {
        return false;
    };
    let Some((_, tag)) = body.rsplit_once(',') else {
        return false;
    };
    let tag: Vec<&str> = tag.split_whitespace().collect();
    tag.len() == 2
        && [
            "can", "can't", "does", "doesn't", "do", "don't", "is", "isn't", "did", "didn't",
            "would", "wouldn't", "will", "won't", "was", "wasn't",
        ]
        .contains(&tag[0])
        && ["it", "they", "you", "he", "she", "we"].contains(&tag[1])
}

/// "Emailing every hour won't get it done any faster": the customer's
/// chasing told off as futile ("any faster" about our own effort is not).
pub(super) fn chasing_futile(lower: &str, w: &[&str]) -> bool {
    const CHASING: &[&str] = &[
        "emailing",
        "calling",
        "ringing",
        "chasing",
        "complaining",
        "shouting",
        "messaging",
        "writing",
        "phoning",
        "tweeting",
    ];
    lower.contains("any faster")
        && (w.iter().any(|x| CHASING.contains(x))
            || lower.contains("if you")
            || lower.contains("you keep"))
}

/// "Check the photo before you accuse our driver", "before blaming us": the
/// customer told off for complaining.
pub(super) fn scolds_complaint(lower: &str, w: &[&str]) -> bool {
    if !lower.contains("before ") {
        return false;
    }
    const COMPLAINS: &[&str] = &["accus", "blam", "complain", "shout"];
    w.iter().enumerate().any(|(i, x)| {
        *x == "before"
            && w[i + 1..]
                .iter()
                .take(2)
                .any(|v| COMPLAINS.iter().any(|c| v.starts_with(c)))
    })
}

/// A telegraphic reply of a few words ("Check the website.", "Not sent
/// yet. Will chase.") with no thanks, apology or question reads as curt:
/// the span of its body.
pub(super) fn curt(draft: &str, sentences: &[Range<usize>]) -> Option<Range<usize>> {
    let body: Vec<&Range<usize>> = sentences
        .iter()
        .filter(|s| {
            let text = &draft[(*s).clone()];
            let words = text.split_whitespace().count();
            if words > 4 {
                return true;
            }
            let lower = text.to_lowercase();
            let greeting = ["hi", "hello", "hey", "dear", "good "]
                .iter()
                .any(|g| lower.starts_with(g));
            let sign_off = words <= 3 && !text.ends_with(['.', '?']);
            !greeting && !sign_off
        })
        .collect();
    let words: usize = body
        .iter()
        .map(|s| draft[(*s).clone()].split_whitespace().count())
        .sum();
    // Curt is short: a longer body is not read further.
    if !(1..=9).contains(&words) || body.len() > 2 {
        return None;
    }
    let lower = draft.to_lowercase();
    let warm = [
        "thank", "sorry", "please", "happy", "glad", "apolog", "!", "?", "welcome",
    ]
    .iter()
    .any(|w| lower.contains(w));
    let telegraphic = body.iter().any(|s| telegraphic(&draft[(*s).clone()]));
    if !warm && telegraphic {
        let start = body.first().map_or(0, |s| s.start);
        let end = body.last().map_or(draft.len(), |s| s.end);
        Some(start..end)
    } else {
        None
    }
}

/// A sentence without its subject: a bare order ("Check the website") or
/// a clipped note ("Will chase", "Referral not sent yet").
pub(super) fn telegraphic(sentence: &str) -> bool {
    let lower = sentence.to_lowercase();
    let words: Vec<&str> = crate::text::plain_words(&lower).collect();
    let Some(first) = words.first() else {
        return false;
    };
    const ORDERS: &[&str] = &[
        "check",
        "see",
        "read",
        "look",
        "try",
        "call",
        "go",
        "use",
        "contact",
        "email",
        "visit",
        "refer",
        "ask",
        "wait",
        "reinstall",
        "restart",
        "will",
        "not",
        "no",
        "done",
    ];
    const AUXILIARIES: &[&str] = &[
        "is", "are", "was", "were", "has", "have", "had", "do", "does", "did", "can", "could",
        "will", "would", "should", "must", "may", "might", "isn't", "aren't", "wasn't", "won't",
        "can't", "don't", "doesn't", "didn't", "haven't", "hasn't",
    ];
    let clipped_not = words
        .windows(2)
        .any(|w| w[1] == "not" && !AUXILIARIES.contains(&w[0]));
    ORDERS.contains(first) || clipped_not
}
