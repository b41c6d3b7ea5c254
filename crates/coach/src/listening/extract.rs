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
    "kindly",
    "i want to know",
    "i'd like to know",
    "i would like to know",
    "i need to know",
    "we need to know",
    "we want to know",
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
    /// Words of the ask inside brackets: a reference, not the need.
    pub aside: Vec<String>,
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
    let lower = crate::text::lower(text);
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
    "company",
    "business",
    "option",
    "step",
    "steps",
    "update",
    "news",
    "progress",
    "status",
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
    let mut out: Vec<Ask> = Vec::new();
    let mut previous = String::new();
    for span in crate::text::sentences(message) {
        let sentence = &message[span];
        let clauses = clauses(sentence);
        let first_ask = out.len();
        for (n, (clause, continued)) in clauses.iter().enumerate() {
            let clause = clause.trim();
            let lower = crate::text::lower(clause);
            // "..., fitted?", "..., ideally a morning?": a short tail of the
            // question before it, not an ask of its own.
            // "..., or is there a charge?": the other half of one question.
            let in_question = sentence.trim_end().ends_with('?') && !*continued;
            let alternative = lower.starts_with("or ");
            if n > 0
                && in_question
                && out.len() > first_ask
                && (alternative || n + 1 == clauses.len() && tail(&lower))
            {
                if let Some(last) = out.last_mut() {
                    last.subject.extend(content_words(clause));
                    last.timed |= timed(&lower);
                }
                continue;
            }
            // "I'd like to thank the night porter": praise, not a request.
            let request = REQUEST_STARTS
                .iter()
                .find(|r| lower.starts_with(*r))
                .filter(|r| !lower[r.len()..].trim_start().starts_with("to thank"));
            // In a question, the clause that carries the question mark or
            // opens with a question word asks; "Called the mechanic, checked
            // every garage, could I get help?" asks once.
            let question = sentence.trim_end().ends_with('?')
                && (n + 1 == clauses.len() || QUESTION_WORDS.iter().any(|q| lower.starts_with(q)));
            if !(question || request.is_some() || *continued) {
                continue;
            }
            let mut subject: Vec<String> = content_words(clause)
                .into_iter()
                .filter(|w| !WEAK.contains(&w.as_str()))
                .collect();
            subject.extend(codes(clause));
            // "Where is my car?": a short noun the customer owns names the thing.
            let w = split_words(&lower);
            subject.extend(
                w.windows(2)
                    .filter(|x| ["my", "our", "the"].contains(&x[0]) && x[1].len() == 3)
                    .map(|x| x[1].to_string()),
            );
            let bare = !clause
                .trim_matches(|c: char| !c.is_alphanumeric())
                .is_empty()
                && clause.split_whitespace().count() <= 3;
            let asks_time_or_reason = ["when", "why", "how"].iter().any(|q| lower.starts_with(q));
            // "What now?" names nothing and borrows nothing: any step answers it.
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
            if subject.is_empty() && question && (bare || asks_time_or_reason) && !open_question {
                // "Why?" is about what was said just before.
                subject = content_words(&previous);
            }
            // "What can you do?", "What now?": no subject, but an ask all the
            // same, answered by any concrete step.
            if subject.is_empty() && !open_question {
                continue;
            }
            let action = match request {
                Some(r) if r.ends_with("you") || ["please", "kindly"].contains(r) => {
                    content_words(&lower[r.len()..]).into_iter().next()
                }
                None if *continued => content_words(&lower).into_iter().next(),
                _ => None,
            };
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
                aside: brackets(clause),
                timed: timed(&lower),
            });
        }
        previous = sentence.to_string();
    }
    out
}

/// "On Saturday", "an earlier flight", "ideally a morning": only a time
/// answers it.
fn timed(lower: &str) -> bool {
    let words = split_words(lower);
    crate::promises::parse_when(&words).is_some()
        || [
            "earlier",
            "sooner",
            "later",
            "faster",
            "morning",
            "afternoon",
            "evening",
            "weekend",
        ]
        .iter()
        .any(|w| words.contains(w))
}

/// A clause of at most three words that opens with no question word, no
/// auxiliary and no request ("fitted?", "ideally a morning?").
fn tail(lower: &str) -> bool {
    lower.split_whitespace().count() <= 3
        && !QUESTION_WORDS.iter().any(|q| lower.starts_with(q))
        && !REQUEST_STARTS.iter().any(|r| lower.starts_with(r))
}

/// The content words inside brackets ("(booking 99281)").
fn brackets(clause: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = clause;
    while let Some(open) = rest.find('(') {
        let inner = &rest[open + 1..];
        let close = inner.find(')').unwrap_or(inner.len());
        out.extend(content_words(&inner[..close]));
        rest = &inner[close..];
    }
    out
}

/// The clauses of a sentence: split at a comma or semicolon (not one
/// inside a number, "£2,000", nor inside brackets), and at "and" only when a new question or
/// request follows ("..., and can you refund it?"), not between two verbs
/// of one ask ("do we return it and start over?").
/// Each clause comes with whether it continues a request ("... and remove
/// the charge"): an action asked for even without a request opening.
fn clauses(sentence: &str) -> Vec<(&str, bool)> {
    let bytes = sentence.as_bytes();
    let mut parts = Vec::new();
    let mut start = 0;
    let mut depth = 0usize;
    for (i, c) in sentence.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        let in_number = c == ','
            && i > 0
            && bytes[i - 1].is_ascii_digit()
            && bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
        if (c == ',' || c == ';') && !in_number && depth == 0 {
            parts.push(&sentence[start..i]);
            start = i + 1;
        }
    }
    parts.push(&sentence[start..]);
    parts
        .into_iter()
        .flat_map(|part| {
            let mut pieces = Vec::new();
            let mut rest = part;
            let mut from = 0;
            // In a request ("please block it and refund me"), each verb
            // joined by "and" is an action of its own.
            let lower = part.trim_start().to_lowercase();
            let request = ["can you", "could you", "would you", "will you", "please"]
                .iter()
                .any(|r| lower.starts_with(r));
            while let Some(at) = rest[from..].find(" and ").map(|a| a + from) {
                let next = rest[at + 5..].trim_start().to_lowercase();
                let opens = QUESTION_WORDS.iter().any(|q| next.starts_with(q))
                    || REQUEST_STARTS.iter().any(|r| next.starts_with(r))
                    || request;
                if opens {
                    pieces.push((&rest[..at], !pieces.is_empty() && request));
                    rest = &rest[at + 5..];
                    from = 0;
                } else {
                    from = at + 5;
                }
            }
            pieces.push((rest, !pieces.is_empty() && request));
            pieces
        })
        .collect()
}

/// The kind of answer a clause asks for: "how long", "how much" (also
/// "what price", "what would you give"), "when" (also "what time", "which
/// day"), "why", "how", "where", "who", else "what".
fn kind_of(lower: &str) -> &'static str {
    if lower.starts_with("how long") || lower.contains(" how long ") {
        "how long"
    } else if [
        "how much",
        "what price",
        "what's the price",
        "what is the price",
        "what would you give",
        "what will you give",
        "what does it cost",
        "what would it cost",
        "what will it cost",
    ]
    .iter()
    .any(|q| lower.contains(q))
    {
        "how much"
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
        // The question word it opens with decides ("why was it declined
        // when I had the miles?" asks why); else one embedded after a verb
        // of asking ("could you tell me when ...").
        // "And when can the fitter come back?": a joining word first.
        const KINDS: [&str; 5] = ["when", "why", "how", "where", "who"];
        let opening = ["and ", "also ", "but ", "so ", "plus ", "then "]
            .iter()
            .find_map(|c| lower.strip_prefix(c))
            .unwrap_or(lower);
        KINDS
            .into_iter()
            .find(|q| opening.starts_with(q))
            .or_else(|| KINDS.into_iter().find(|q| embedded(lower, q)))
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
        // "I need to know ..." asks.
        !o.starts_with("to know")
            && [
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
/// when I travel?" asks whether, and its "when" opens a condition; "an
/// engineer who will look at it" is a relative clause. Inside a clause,
/// the question word counts only after a verb of asking or knowing.
fn embedded(lower: &str, q: &str) -> bool {
    let mut before: Option<&str> = None;
    for (_, word) in crate::text::words(lower) {
        if word == q && before.is_some() {
            return before.is_some_and(|b| {
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
