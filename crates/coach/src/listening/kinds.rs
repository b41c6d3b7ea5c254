//! The kind of answer an ask wants, found in the reply whatever its
//! subject: a time for "when", a reason for "why", steps for "how", a
//! place for "where", a person for "who"; and whether the reply takes a
//! concrete step at all.

use super::needs::duration;
use super::words::split_words;

/// Whether the draft states a concrete step: something done, to be done, or to do.
pub(super) fn acts(draft_lower: &str) -> bool {
    [
        "i've",
        "i have",
        "we've",
        "we have",
        "i'll",
        "we'll",
        "i will",
        "we will",
        "you can",
        "you'll",
        "please ",
        "here's",
        "is now",
        "has been",
        "bring",
        "will be",
        "won't be",
        "can't",
        "cannot",
        "not able",
        "unable",
        " will ",
        "your new",
        "is booked",
        "has now",
        "have now",
        "look into",
        "get back to you",
        "find out",
    ]
    .iter()
    .any(|p| draft_lower.contains(p))
}

pub(super) fn answers_kind(draft_lower: &str, kind: &str) -> bool {
    let words = || split_words(draft_lower);
    match kind {
        "when" => crate::promises::parse_when(&words()).is_some() || duration(&words()),
        "who" => [
            "team",
            "department",
            "handling",
            "handler",
            "i am",
            "i'm",
            "manager",
            "my name",
            "is with",
            "will call you",
            "direct line",
        ]
        .iter()
        .any(|p| draft_lower.contains(p)),
        "why" => [
            "because",
            "due to",
            "the reason",
            "caused by",
            "since ",
            "as a result",
            "the cause",
            "which is why",
            "that's why",
            "our fault",
            "our side",
            "on us",
            "was rejected",
            "was declined",
            "was delayed",
            "was cancelled",
            "failed",
            "happened",
            "set out in",
            "under our",
            "according to",
            "takes",
            "in arrears",
        ]
        .iter()
        .any(|p| draft_lower.contains(p)),
        "how long" => duration(&words()) || crate::promises::parse_when(&words()).is_some(),
        // An amount: a price, a sum, a length of notice, or nothing to pay.
        "how much" => {
            // "Two weeks' notice", "one month's notice": a length in the
            // possessive.
            let lengths: Vec<&str> = words()
                .into_iter()
                .map(|w| crate::text::trim_possessive(w).trim_end_matches('\''))
                .collect();
            duration(&lengths)
                || draft_lower
                    .chars()
                    .any(|c| matches!(c, '€' | '£' | '$' | '¥' | '₩' | '%'))
                || words().iter().any(|w| {
                    [
                        "free", "nothing", "pence", "cents", "euros", "pounds", "dollars",
                    ]
                    .contains(w)
                })
        }
        "how" => [
            "go to",
            "click",
            "tap",
            "open ",
            "select",
            "choose",
            "step",
            "1.",
            "you can",
            "follow",
            " > ",
            "on our website",
            "online",
            " form",
            "fill in",
            "via ",
            "through ",
            "call us",
            "email us",
            "reply",
            "dial",
            "automatically",
            "just ",
            "don't need to",
            "no need to",
            "was refunded",
            "has been refunded",
            "print",
            "drop ",
            "bring",
            "log in",
            "sign in",
            "label",
        ]
        .iter()
        .any(|p| draft_lower.contains(p)),
        "where" => [
            "tracking link",
            "track it",
            "located",
            "address",
            "depot",
            "warehouse",
            "on its way",
            "in transit",
            "out for delivery",
            "with the courier",
            "went to",
            "is at",
            "is with",
            "at our",
            "in your",
            "you'll find",
            "you will find",
            "link",
            "http",
        ]
        .iter()
        .any(|p| draft_lower.contains(p)),
        _ => false,
    }
}
