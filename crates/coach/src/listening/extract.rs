//! The customer's asks: each question or request clause in their message,
//! with what it is about and the kind of answer it wants.

use super::words::{codes, split_words};
use crate::form_letter::content_words;

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
    "match ",
    "fix ",
    "refund ",
    "replace ",
    "cancel ",
    "call me",
    "send ",
];

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
    /// "What now?", "Can you sort this out?": any concrete step answers it.
    pub generic: bool,
    /// The ask names a time ("can you deliver on Saturday?"): only a time answers it.
    pub timed: bool,
}

/// Words too common in replies to show that an ask was heard.
const WEAK: &[&str] = &[
    "work", "works", "working", "still", "time", "days", "thing", "things",
];

/// A request ("can you ...", "could I ...", "is there any way ..."), which a
/// refusal answers; "Do I need a note?" is a question a refusal does not.
pub(super) fn asks_for_something(text: &str) -> bool {
    let lower = text.to_lowercase().replace('’', "'");
    [
        "can you",
        "could you",
        "will you",
        "would you",
        "can i",
        "could i",
        "can we",
        "may i",
        "please",
        "i want",
        "i'd like",
        "i would like",
        "is there any",
        "is there anything",
    ]
    .iter()
    .any(|r| lower.starts_with(r))
}

/// Words a question clause opens with.
const QUESTION_WORDS: &[&str] = &[
    "what", "when", "where", "why", "who", "which", "how", "is ", "are ", "do ", "does ", "did ",
    "can ", "could ", "will ", "would ", "should ", "have ", "has ", "am ", "was ",
];

/// Words of an ask that names no particular thing.
const GENERIC_ASKS: &[&str] = &[
    "sort",
    "sorted",
    "anything",
    "something",
    "going",
    "normal",
    "help",
    "now",
    "happen",
    "happens",
    "next",
    "about",
    "else",
    "okay",
    "fine",
    "options",
    "advise",
    "thing",
    "things",
    "happening",
    "there",
    "actually",
    "really",
    "anyone",
    "anybody",
    "seriously",
    "what",
    "why",
];

/// The customer's asks.
pub fn asks(message: &str) -> Vec<Ask> {
    let mut out = Vec::new();
    let mut previous = String::new();
    for span in crate::text::sentences(message) {
        let sentence = &message[span];
        let clauses: Vec<&str> = sentence
            .split([',', ';'])
            .flat_map(|c| c.split(" and "))
            .collect();
        for (n, clause) in clauses.iter().enumerate() {
            let clause = clause.trim();
            let lower = clause.to_lowercase().replace('’', "'");
            let request = REQUEST_STARTS.iter().find(|r| lower.starts_with(*r));
            // In a question, the clause that carries the question mark or
            // opens with a question word asks; "Called the mechanic, checked
            // every garage, could I get help?" asks once.
            let question = sentence.trim_end().ends_with('?')
                && (n + 1 == clauses.len() || QUESTION_WORDS.iter().any(|q| lower.starts_with(q)));
            if !(question || request.is_some()) {
                continue;
            }
            let mut subject: Vec<String> = content_words(clause)
                .into_iter()
                .filter(|w| !WEAK.contains(&w.as_str()))
                .collect();
            subject.extend(codes(clause));
            let bare = !clause
                .trim_matches(|c: char| !c.is_alphanumeric())
                .is_empty()
                && clause.split_whitespace().count() <= 3;
            let asks_time_or_reason = ["when", "why", "how"].iter().any(|q| lower.starts_with(q));
            if subject.is_empty() && question && (bare || asks_time_or_reason) {
                // "Why?" is about what was said just before.
                subject = content_words(&previous);
            }
            // "What can you do?", "What now?": no subject, but an ask all the
            // same, answered by any concrete step.
            let open_question = question
                && [
                    "what can",
                    "what now",
                    "what are you going",
                    "what will you",
                    "what do you",
                ]
                .iter()
                .any(|q| lower.starts_with(q));
            if subject.is_empty() && !open_question {
                continue;
            }
            let action = request
                .filter(|r| r.ends_with("you") || **r == "please")
                .and_then(|r| content_words(&lower[r.len()..]).into_iter().next());
            let kind = kind_of(&lower);
            if demand(&lower) {
                continue;
            }
            let generic = subject.iter().all(|w| GENERIC_ASKS.contains(&w.as_str()));
            out.push(Ask {
                text: clause.to_string(),
                kind,
                subject,
                action,
                generic,
                // "On Saturday", "an earlier flight": only a time answers it.
                timed: crate::promises::parse_when(&split_words(&lower)).is_some()
                    || ["earlier", "sooner", "later", "faster"]
                        .iter()
                        .any(|w| split_words(&lower).contains(w)),
            });
        }
        previous = sentence.to_string();
    }
    out
}

/// The kind of answer a clause asks for: "how long", "when" (also "what
/// time", "which day"), "why", "how", "where", "who", else "what".
fn kind_of(lower: &str) -> &'static str {
    if lower.starts_with("how long") || lower.contains(" how long ") {
        "how long"
    } else if [
        "what day",
        "what time",
        "what date",
        "which day",
        "which date",
    ]
    .iter()
    .any(|q| lower.contains(q))
    {
        "when"
    } else {
        ["when", "why", "how", "where", "who"]
            .into_iter()
            .find(|q| lower.starts_with(q) || embedded(lower, q))
            .unwrap_or("what")
    }
}

/// "I need them to finish it", "I need an answer": a reason or a demand
/// for a reply, not a separate ask.
fn demand(lower: &str) -> bool {
    let object = lower
        .strip_prefix("i need ")
        .or_else(|| lower.strip_prefix("i want "));
    object.is_some_and(|o| {
        [
            "it",
            "them",
            "this",
            "that",
            "to",
            "an answer",
            "a reply",
            "an actual",
            "a response",
            "help",
            "you to",
        ]
        .iter()
        .any(|p| o.starts_with(p))
    })
}

/// "Could you tell me when it ships?" asks when; "Can I still watch it
/// when I travel?" asks whether, and its "when" opens a condition. Inside a
/// question that opens with an auxiliary, the question word counts only
/// after a verb of asking or knowing.
fn embedded(lower: &str, q: &str) -> bool {
    let closed = QUESTION_WORDS
        .iter()
        .filter(|w| w.ends_with(' '))
        .any(|w| lower.starts_with(w));
    let mut before: Option<&str> = None;
    for (_, word) in crate::text::words(lower) {
        if word == q && before.is_some() {
            return !closed
                || before.is_some_and(|b| {
                    [
                        "me",
                        "us",
                        "know",
                        "explain",
                        "confirm",
                        "wondering",
                        "out",
                        "say",
                        "idea",
                        "sure",
                        "ask",
                        "tell",
                    ]
                    .contains(&b)
                });
        }
        before = Some(word);
    }
    false
}
