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
    &[
        "cancel",
        "cancelled",
        "canceled",
        "cancellation",
        "terminate",
        "close",
        "closed",
    ],
    &[
        "deliver", "delivery", "ship", "shipping", "shipment", "arrive", "parcel", "package",
        "courier", "track", "tracking", "send", "sent", "dispatch",
    ],
    &[
        "option",
        "options",
        "alternative",
        "rebook",
        "rebooked",
        "offer",
        "choice",
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

/// Each synonym (and its stem) with its group, built once.
static GROUPS: std::sync::LazyLock<std::collections::HashMap<String, usize>> =
    std::sync::LazyLock::new(|| {
        let mut map = std::collections::HashMap::new();
        for (i, group) in SYNONYMS.iter().enumerate() {
            for word in *group {
                map.entry(word.to_string()).or_insert(i);
                map.entry(stem(word)).or_insert(i);
            }
        }
        map
    });

/// The replacement group, also answered by "a new one" / "a new <thing>".
const REPLACEMENT: usize = 1;

fn group(word: &str) -> Option<usize> {
    GROUPS
        .get(word)
        .or_else(|| GROUPS.get(&stem(word)))
        .copied()
}

/// One question or request of the customer's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ask {
    /// The clause as written.
    pub text: String,
    /// when, why, how, where or what.
    pub kind: &'static str,
    /// The words it is about.
    pub subject: Vec<String>,
    /// For a request ("can you refund ..."), the action asked for.
    pub action: Option<String>,
}

/// The customer's asks.
pub fn asks(message: &str) -> Vec<Ask> {
    let mut out = Vec::new();
    let mut previous = String::new();
    for span in crate::text::sentences(message) {
        let sentence = &message[span];
        for clause in sentence.split([',', ';']).flat_map(|c| c.split(" and ")) {
            let clause = clause.trim();
            let lower = clause.to_lowercase().replace('’', "'");
            let question = sentence.trim_end().ends_with('?');
            let request = REQUEST_STARTS.iter().find(|r| lower.starts_with(*r));
            if !(question || request.is_some()) {
                continue;
            }
            let mut subject = content_words(clause);
            let bare = !clause
                .trim_matches(|c: char| !c.is_alphanumeric())
                .is_empty()
                && clause.split_whitespace().count() <= 3;
            if subject.is_empty() && question && bare {
                // "Why?" is about what was said just before.
                subject = content_words(&previous);
            }
            if subject.is_empty() {
                continue;
            }
            let action = request
                .filter(|r| r.ends_with("you") || **r == "please")
                .and_then(|r| content_words(&lower[r.len()..]).into_iter().next());
            let kind = ["when", "why", "how", "where"]
                .into_iter()
                .find(|q| lower.starts_with(q) || lower.contains(&format!(" {q} ")))
                .unwrap_or("what");
            out.push(Ask {
                text: clause.to_string(),
                kind,
                subject,
                action,
            });
        }
        previous = sentence.to_string();
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
    let asks = asks(customer_message);
    if asks.is_empty() {
        return;
    }
    let draft_lower = draft.to_lowercase().replace('’', "'");
    let draft_content = content_words(draft);
    let draft_words: Vec<String> = draft_content.iter().map(|w| stem(w)).collect();
    let mut draft_groups: Vec<usize> = draft_content.iter().filter_map(|w| group(w)).collect();
    if draft_lower.contains("a new ") || draft_lower.contains("new one") {
        draft_groups.push(REPLACEMENT);
    }
    let addressed = |w: &String| {
        draft_words.contains(&stem(w)) || group(w).is_some_and(|g| draft_groups.contains(&g))
    };
    let first_line_end = draft.find('\n').unwrap_or(draft.len());
    for ask in asks {
        // A request is answered by its action ("refund" in other words), or
        // by the reply using the customer's own words for the thing (an
        // explanation instead of the action); synonyms of the thing alone do
        // not count ("arrive" does not answer "refund the shipping fee").
        let own_words = |w: &String| {
            draft_words.contains(&stem(w))
                || (group(w) == Some(REPLACEMENT) && draft_groups.contains(&REPLACEMENT))
        };
        let answered = match &ask.action {
            Some(action) => {
                addressed(action) || ask.subject.iter().filter(|w| *w != action).any(own_words)
            }
            None => ask.subject.iter().any(addressed),
        };
        if answered || answers_kind(&draft_lower, ask.kind) {
            continue;
        }
        findings.push(Finding {
            check: Check::NotListening,
            severity: Severity::Warn,
            span: 0..first_line_end,
            explanation: format!(
                "the customer asked \"{}\" and the reply does not address it",
                ask.text
            ),
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
        assert_eq!(a[0].kind, "when");
        assert_eq!(a[1].action.as_deref(), Some("refund"));
        let why = asks("My bill is 40 EUR higher this month. Why?");
        assert_eq!((why.len(), why[0].kind), (1, "why"));
        assert!(why[0].subject.contains(&"bill".to_string()));
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
