//! Not listening: the customer asked for something and the reply does not
//! address it. Each ask is a question or request clause in the customer's
//! message; it counts as answered when the reply shares its subject (a
//! content word or a help-desk synonym) or gives the kind of answer it asks
//! for (a time for "when", a reason for "why", steps for "how").

use crate::form_letter::content_words;
use needs::{cost_borne, deadline, duration, names_a_time, speaks_of_money};

mod answers;
mod needs;
use crate::{Check, Finding, Medium, Severity};

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
    &[
        "change",
        "changed",
        "switch",
        "switched",
        "swap",
        "swapped",
        "move",
        "moved",
        "amend",
        "amended",
        "update",
        "updated",
        "correct",
        "corrected",
        "redirect",
    ],
    &[
        "information",
        "details",
        "documents",
        "document",
        "need",
        "needed",
        "require",
        "required",
        "send",
    ],
    &["call", "phone", "ring"],
    &[
        "book",
        "booked",
        "booking",
        "arrange",
        "arranged",
        "schedule",
        "scheduled",
        "appointment",
        "visit",
        "slot",
    ],
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

fn stem(word: &str) -> &str {
    let w = word.trim_end_matches("'s");
    for suffix in ["ing", "ed", "es", "s"] {
        if let Some(base) = w.strip_suffix(suffix)
            && base.chars().count() >= 4
        {
            return base;
        }
    }
    // "restore" and "restored" meet at "restor".
    match w.strip_suffix('e') {
        Some(base) if base.chars().count() >= 4 => base,
        _ => w,
    }
}

/// Each synonym (and its stem) with its group, built once.
static GROUPS: std::sync::LazyLock<std::collections::HashMap<String, usize>> =
    std::sync::LazyLock::new(|| {
        let mut map = std::collections::HashMap::new();
        for (i, group) in SYNONYMS.iter().enumerate() {
            for word in *group {
                map.entry(word.to_string()).or_insert(i);
                map.entry(stem(word).to_string()).or_insert(i);
            }
        }
        map
    });

/// The replacement group, also answered by "a new one" / "a new <thing>".
const REPLACEMENT: usize = 1;

fn group(word: &str) -> Option<usize> {
    GROUPS.get(word).or_else(|| GROUPS.get(stem(word))).copied()
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
    /// "What now?", "Can you sort this out?": any concrete step answers it.
    pub generic: bool,
    /// The ask names a time ("can you deliver on Saturday?"): only a time answers it.
    pub timed: bool,
}

/// Words too common in replies to show that an ask was heard.
const WEAK: &[&str] = &[
    "work", "works", "working", "still", "time", "days", "thing", "things",
];

/// A problem of ours that is still going on ("still no refund", "keeps
/// logging me out", "it's all melted"): a need even without a question.
/// A past experience told as a story ("the staff followed me around") is a
/// complaint to acknowledge, not a request to answer.
fn ongoing(message: &str) -> bool {
    let lower = message.to_lowercase().replace('’', "'");
    crate::apology::reports_failure(message)
        && [
            "still",
            "hasn't",
            "haven't",
            "isn't",
            "aren't",
            "keeps",
            "shows",
            "it's all",
            "only half",
            "instead of",
            "never got",
            "never arrived",
            "not arrived",
        ]
        .iter()
        .any(|m| lower.contains(m))
}

/// A request ("can you ...", "could I ...", "is there any way ..."), which a
/// refusal answers; "Do I need a note?" is a question a refusal does not.
fn asks_for_something(text: &str) -> bool {
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
            let kind = if lower.starts_with("how long") || lower.contains(" how long ") {
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
                    .find(|q| lower.starts_with(q) || embedded(&lower, q))
                    .unwrap_or("what")
            };
            // "I need them to finish it", "I need an answer": a reason or a
            // demand for a reply, not a separate ask.
            let object = lower
                .strip_prefix("i need ")
                .or_else(|| lower.strip_prefix("i want "));
            if object.is_some_and(|o| {
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
            }) {
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

/// Codes and acronyms ("PUK", "SSO", "5521"), lower-cased: short but specific.
fn codes(text: &str) -> Vec<String> {
    crate::text::words(text)
        .map(|(_, w)| w)
        .filter(|w| {
            w.len() >= 2
                && w.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
                && w.chars().count() < 4
        })
        .map(str::to_lowercase)
        .collect()
}

fn split_words(lower: &str) -> Vec<&str> {
    lower
        .split(|c: char| !(c.is_alphanumeric() || c == ':' || c == '\''))
        .filter(|w| !w.is_empty())
        .collect()
}

/// Whether the draft states a concrete step: something done, to be done, or to do.
fn acts(draft_lower: &str) -> bool {
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

fn answers_kind(draft_lower: &str, kind: &str) -> bool {
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
            "form",
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

/// Flags each ask the draft does not address, a deadline it ignores, and a
/// form letter sent to a customer who asked or reported something.
pub fn check(draft: &str, customer_message: &str, medium: Medium, findings: &mut Vec<Finding>) {
    let asks = asks(customer_message);
    let draft_lower = draft.to_lowercase().replace('’', "'");
    let time_named = std::cell::OnceCell::new();
    let names_time = || *time_named.get_or_init(|| names_a_time(&draft_lower));
    // A reply that asks the customer something back keeps the conversation
    // on their need; on social media, pointing to a private channel or to
    // the help article is the answer.
    let asks_back = crate::text::sentences(draft)
        .iter()
        .any(|s| draft[s.clone()].trim_end().ends_with('?'))
        || answers::asks_back(draft, &draft_lower);
    let routes = medium == Medium::Social
        && [
            "http",
            "dm",
            "direct message",
            "ticket",
            "email us",
            "send us",
            "contact our",
            "chat with",
            "reach out",
            "call us",
        ]
        .iter()
        .any(|p| {
            draft_lower
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| w == *p)
                || draft_lower.contains(p)
        });
    let continues = asks_back || routes;
    let first_line_end = draft.find('\n').unwrap_or(draft.len());
    let boilerplate = findings
        .iter()
        .any(|f| f.check == Check::FormLetter && f.severity >= Severity::Warn);
    if boilerplate && (!asks.is_empty() || ongoing(customer_message)) {
        findings.push(Finding {
            check: Check::NotListening,
            severity: Severity::Warn,
            span: 0..first_line_end,
            explanation:
                "a form letter: nothing in it answers what this customer asked or reported".into(),
            suggestion: Some("answer their question or say what you did about their case".into()),
        });
        return;
    }
    let refuses = [
        "can't",
        "cannot",
        "not allowed",
        "not able",
        "unable",
        "not possible",
    ]
    .iter()
    .any(|r| draft_lower.contains(r));
    // Done already meets any deadline ("I've reissued them as e-tickets").
    let done = [
        "i've ",
        "we've ",
        "i have ",
        "we have ",
        "has been ",
        "have been ",
    ]
    .iter()
    .any(|d| draft_lower.contains(d));
    if let Some(need) = deadline(customer_message)
        && !names_time()
        && !refuses
        && !done
    {
        findings.push(Finding {
            check: Check::NotListening,
            severity: Severity::Warn,
            span: 0..first_line_end,
            explanation: format!(
                "the customer named a time (\"{}\") and the reply says nothing about when",
                need.trim()
            ),
            suggestion: Some("say whether it will happen in time, and when".into()),
        });
        return;
    }
    let defers = ["look into", "get back to you", "find out"]
        .iter()
        .any(|d| draft_lower.contains(d));
    if let Some(cost) = cost_borne(customer_message)
        && !speaks_of_money(&draft_lower)
        && !continues
        && !defers
    {
        findings.push(Finding {
            check: Check::NotListening,
            severity: Severity::Warn,
            span: 0..first_line_end,
            explanation: format!(
                "the customer counts what it cost them (\"{}\") and the reply says nothing about it",
                cost.trim()
            ),
            suggestion: Some("say what you will do about the cost: refund, cover, or why not".into()),
        });
        return;
    }
    if asks.is_empty() || continues {
        return;
    }
    let draft_content = content_words(draft);
    let draft_codes = codes(draft);
    let mut draft_words: Vec<&str> = draft_content.iter().map(|w| stem(w)).collect();
    draft_words.extend(draft_codes.iter().map(String::as_str));
    let mut draft_groups: Vec<usize> = draft_content.iter().filter_map(|w| group(w)).collect();
    if draft_lower.contains("a new ") || draft_lower.contains("new one") {
        draft_groups.push(REPLACEMENT);
    }
    let addressed = |w: &String| {
        draft_words.contains(&stem(w)) || group(w).is_some_and(|g| draft_groups.contains(&g))
    };
    let yes_no = answers::yes_or_no(draft);
    let closed_asks = asks.iter().filter(|a| answers::closed(a)).count();
    // "When?" is answered by a time, not by the customer's own words
    // ("it will be ready soon" does not say when).
    let refuses = [
        "can only",
        "can't",
        "cannot",
        "not able to",
        "unable to",
        "not allowed",
        "applies to all",
        "nothing i can do",
        "hands are tied",
        "not possible",
        "non-refundable",
        "not payable",
        "unable to",
        "not permitted",
        "no exceptions",
        "is final",
        "are final",
    ]
    .iter()
    .any(|r| draft_lower.contains(r));
    for ask in asks {
        // A request is answered by its action ("refund" in other words), or
        // by the reply using the customer's own words for the thing (an
        // explanation instead of the action); synonyms of the thing alone do
        // not count ("arrive" does not answer "refund the shipping fee").
        let own_words = |w: &String| {
            draft_words.contains(&stem(w))
                || (group(w) == Some(REPLACEMENT) && draft_groups.contains(&REPLACEMENT))
        };
        let answered = if ask.timed || ask.kind == "how long" {
            names_time() || refuses
        } else if ask.kind == "when" {
            // "Shortly" answers when, if badly (that is a vague promise).
            names_time()
                || ["soon", "shortly", "asap", "as soon as"]
                    .iter()
                    .any(|v| draft_lower.contains(v))
        } else if ask.kind == "how" {
            // "How do I return it?" wants the way, not the topic repeated.
            answers_kind(&draft_lower, "how")
                || refuses
                || ask
                    .subject
                    .iter()
                    .any(|w| w.len() <= 3 && draft_words.contains(&w.as_str()))
        } else if ask.generic {
            acts(&draft_lower) || ask.subject.iter().any(addressed)
        } else if ask.kind == "what" && refuses && asks_for_something(&ask.text) {
            true
        } else {
            match &ask.action {
                Some(action) => {
                    addressed(action) || ask.subject.iter().filter(|w| *w != action).any(own_words)
                }
                None => {
                    // "Can I get a refund for my annual plan?": the refund is
                    // the need; answering about the plan is a neighbouring answer.
                    let keys: Vec<usize> = ask.subject.iter().filter_map(|w| group(w)).collect();
                    if keys.is_empty() {
                        ask.subject.iter().any(addressed)
                    } else {
                        keys.iter().any(|g| draft_groups.contains(g))
                    }
                }
            }
        };
        let open_kind = !ask.timed && !["when", "how long"].contains(&ask.kind);
        // Structure before words: a yes or no closes a closed question, a
        // plain refusal answers a request, and a step taken answers an ask
        // that only points back at the reported problem.
        let structurally = open_kind
            && ((answers::closed(&ask) && answers::yes_no_answers(&ask, &yes_no, closed_asks))
                || (answers::request(&ask) && answers::refuses(&draft_lower))
                || (answers::points_back(&ask)
                    && (answers::steps(&draft_lower) || answers::refuses(&draft_lower))));
        let kind_answers = open_kind && answers_kind(&draft_lower, ask.kind);
        if answered || kind_answers || structurally {
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
        check(draft, message, Medium::Mail, &mut f);
        f.len()
    }

    #[test]
    fn questions_back_in_other_forms_and_conditions_inside_closed_questions() {
        let social = |draft: &str, message: &str| {
            let mut f = Vec::new();
            check(draft, message, Medium::Social, &mut f);
            f.len()
        };
        let message = "Why does the game keep disconnecting me from the servers?";
        assert_eq!(
            social("Please let us know which console you play on.", message),
            0
        );
        assert_eq!(
            social(
                "Just to confirm, did you try the steps here: https://x.org/a",
                message
            ),
            0
        );
        assert_eq!(social("Let us know if you need anything else.", message), 1);
        // "when I travel" is a condition; "tell me when" asks when.
        let abroad = asks("Can I still watch it when I travel abroad?");
        assert_eq!(abroad[0].kind, "what");
        let when = asks("Could you tell me when it ships?");
        assert_eq!(when[0].kind, "when");
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

    #[test]
    fn structure_answers_in_other_words() {
        let two = "Is the shop open late, and do you sell stamps?";
        assert_eq!(
            missed("Hi Ann,\n\nYes, the shop is open until nine.", two),
            1,
            "one yes, two questions"
        );
        assert_eq!(missed("Hi Ann,\n\nYes to both.", two), 0);
        assert_eq!(
            missed("Hi Ann, I've replaced the hinge.", "Can someone fix it?"),
            0,
            "a step taken answers an ask that points back"
        );
        assert_eq!(
            missed("Hi Ann, hinges are sturdy.", "Can someone fix it?"),
            1
        );
        assert_eq!(
            missed(
                "Hi Ann, that ticket can't be refunded.",
                "Could you refund my ticket?"
            ),
            0,
            "a refusal answers a request"
        );
        assert_eq!(
            missed("Hi Ann, we are on Mill Road.", "What time do you open?"),
            1,
            "what time asks when"
        );
        assert_eq!(
            missed(
                "Hi Ann, I've stopped the payments.",
                "You charged me again. Please stop."
            ),
            0,
            "a short order answered by the step"
        );
        assert_eq!(
            missed(
                "Hi Ann, we'll bring it over at 3 pm.",
                "The cake was due at noon. Where is it?"
            ),
            0,
            "'where is it?' names nothing of its own"
        );
    }
}
