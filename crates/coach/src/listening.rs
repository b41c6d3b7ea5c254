//! Not listening: the customer asked for something and the reply does not
//! address it. Each ask is a question or request clause in the customer's
//! message; it counts as answered when the reply shares its subject (a
//! content word or a help-desk synonym) or gives the kind of answer it asks
//! for (a time for "when", a reason for "why", steps for "how").

use crate::form_letter::content_words;
use crate::{Check, Finding, Severity};

const REQUEST_STARTS: &[&str] = &[
    "can you",
    "could you",
    "would you",
    "will you",
    "please",
    "i want",
    "i need",
    "i would like",
    "i'd like",
    "i wish",
    "how do",
    "how can",
    "how long",
    "when will",
    "when can",
    "when do",
    "why",
    "where is",
    "where can",
    "what is",
    "what's",
    "is there",
    "is it",
    "do you",
    "are you",
    "send me",
    "give me",
    "tell me",
    "let me know",
    "i expect",
];

const SYNONYMS: &[&[&str]] = &[
    &[
        "refund",
        "money",
        "reimburse",
        "credit",
        "repay",
        "chargeback",
    ],
    &["replace", "replacement", "exchange", "swap"],
    &["cancel", "cancellation", "terminate", "close"],
    &[
        "deliver", "delivery", "ship", "shipping", "shipment", "arrive", "parcel", "package",
        "courier", "track", "tracking",
    ],
    &["password", "login", "sign", "account", "access", "locked"],
    &[
        "invoice", "bill", "billing", "receipt", "charge", "charged", "payment", "fee",
    ],
    &["address", "location", "street"],
    &["call", "phone", "ring"],
    &[
        "broken",
        "damage",
        "damaged",
        "repair",
        "fix",
        "faulty",
        "defective",
    ],
];

fn stem(word: &str) -> String {
    let w = word.trim_end_matches("'s");
    for suffix in ["ing", "ed", "es", "s"] {
        if let Some(base) = w.strip_suffix(suffix)
            && base.chars().count() >= 4
        {
            return base.to_string();
        }
    }
    w.to_string()
}

fn group(word: &str) -> Option<usize> {
    SYNONYMS
        .iter()
        .position(|g| g.iter().any(|s| word == *s || stem(word) == stem(s)))
}

/// The customer's asks: (the clause, its question word).
pub fn asks(message: &str) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    for span in crate::text::sentences(message) {
        let sentence = &message[span];
        for clause in sentence.split([',', ';']).flat_map(|c| c.split(" and ")) {
            let clause = clause.trim();
            let lower = clause.to_lowercase().replace('’', "'");
            let question = sentence.trim_end().ends_with('?');
            let request = REQUEST_STARTS.iter().any(|r| lower.starts_with(r));
            if !(question || request) || content_words(clause).is_empty() {
                continue;
            }
            let kind = ["when", "why", "how", "where"]
                .into_iter()
                .find(|q| lower.starts_with(q) || lower.contains(&format!(" {q} ")))
                .unwrap_or("what");
            out.push((clause.to_string(), kind));
        }
    }
    out
}

fn answers_kind(draft_lower: &str, kind: &str) -> bool {
    let words: Vec<&str> = draft_lower
        .split(|c: char| !(c.is_alphanumeric() || c == ':' || c == '\''))
        .filter(|w| !w.is_empty())
        .collect();
    match kind {
        "when" => crate::promises::parse_when(&words).is_some(),
        "why" => [
            "because",
            "due to",
            "the reason",
            "caused by",
            "since ",
            "as a result",
        ]
        .iter()
        .any(|p| draft_lower.contains(p)),
        "how" => [
            "go to", "click", "tap", "open ", "select", "choose", "step", "1.", "you can", "follow",
        ]
        .iter()
        .any(|p| draft_lower.contains(p)),
        "where" => [
            "tracking",
            "located",
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

/// Flags each ask the draft does not address.
pub fn check(draft: &str, customer_message: &str, findings: &mut Vec<Finding>) {
    let draft_lower = draft.to_lowercase().replace('’', "'");
    let draft_words: Vec<String> = content_words(draft).iter().map(|w| stem(w)).collect();
    let draft_groups: Vec<usize> = content_words(draft)
        .iter()
        .filter_map(|w| group(w))
        .collect();
    let first_line_end = draft.find('\n').unwrap_or(draft.len());
    for (ask, kind) in asks(customer_message) {
        let subject = content_words(&ask);
        let shares = subject.iter().any(|w| {
            draft_words.contains(&stem(w)) || group(w).is_some_and(|g| draft_groups.contains(&g))
        });
        if shares || answers_kind(&draft_lower, kind) {
            continue;
        }
        findings.push(Finding {
            check: Check::NotListening,
            severity: Severity::Warn,
            span: 0..first_line_end,
            explanation: format!("the customer asked \"{ask}\" and the reply does not address it"),
            suggestion: Some("answer it, or say when you will".into()),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn missed(draft: &str, message: &str) -> usize {
        let mut f = Vec::new();
        check(draft, message, &mut f);
        f.len()
    }

    #[test]
    fn finds_the_asks() {
        let a = asks(
            "My parcel is late. When will it arrive, and can you refund the shipping fee? Thanks.",
        );
        assert_eq!(a.len(), 2, "{a:?}");
        assert_eq!(a[0].1, "when");
    }

    #[test]
    fn answered_asks_pass_and_missed_ones_are_named() {
        let message = "When will my parcel arrive? Can you refund the shipping fee?";
        assert_eq!(
            missed(
                "Hi Ann, your parcel arrives Thursday and I've refunded the shipping fee.",
                message
            ),
            0
        );
        assert_eq!(
            missed("Hi Ann, it should be with you by Thursday.", message),
            1,
            "the refund was ignored"
        );
        assert_eq!(
            missed(
                "Hi Ann, I've credited your money back.",
                "Can you refund the fee?"
            ),
            0,
            "answered in other words"
        );
        assert_eq!(
            missed("Hi Ann, thanks for writing.", "How do I change my address?"),
            1
        );
        assert_eq!(
            missed(
                "Hi Ann, go to Settings, then Profile.",
                "How do I change my e-mail?"
            ),
            0,
            "steps answer a how"
        );
    }
}
