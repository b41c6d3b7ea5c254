//! The customer given as the cause: their own past act quoted back as the
//! reason, or their diligence doubted.

/// Past actions a customer can be told they caused the problem with.
const CUSTOMER_ACTIONS: &[&str] = &[
    "entered",
    "selected",
    "chose",
    "typed",
    "signed",
    "notified",
    "ordered",
    "used",
    "deleted",
    "forgot",
    "missed",
    "ticked",
    "clicked",
    "submitted",
    "ignored",
    "left",
    "put",
    "picked",
    "set",
    "changed",
    "didn't",
    "did",
    "never",
    "failed",
    "opted",
];
const CAUSAL: &[&str] = &[
    " so ",
    "so that's",
    "which is why",
    "that's why",
    "that is why",
    "therefore",
    "as a result",
    "because you",
    "since you",
    "as you ",
    "unfortunately you",
    "technically",
];

/// "Have you checked all the boxes carefully?": doubting the customer's diligence.
pub(super) fn diligence_question(lower: &str) -> bool {
    [
        "have you checked",
        "did you check",
        "have you looked",
        "did you look",
        "have you read",
        "did you read",
    ]
    .iter()
    .any(|q| lower.starts_with(q))
        && [
            "carefully",
            "properly",
            "thoroughly",
            "all the",
            "everywhere",
        ]
        .iter()
        .any(|w| lower.contains(w))
}

/// "You entered the wrong registration, so ...": the customer is the
/// subject of a past action given as the cause.
/// `words`: the sentence's words ([`super::structure::words`]).
pub(super) fn customer_as_cause(
    lower: &str,
    words: &[&str],
    next: impl FnOnce() -> String,
) -> bool {
    let acts = words.windows(3).enumerate().any(|(i, w)| {
        (w[0] == "you" || w[0] == "you've" || w[0] == "you'd")
            && !super::structure::describes_thing(lower, words, i)
            && (CUSTOMER_ACTIONS.contains(&w[1])
                || w[1] == "signed"
                || ["have", "had"].contains(&w[1]) && CUSTOMER_ACTIONS.contains(&w[2]))
    }) || lower.contains("your team deleted");
    if !acts {
        return false;
    }
    let next = next();
    let wrong = ["wrong", "incorrect", "incorrectly", "twice", "three times"]
        .iter()
        .any(|w| lower.contains(w));
    let next_draws = [
        "therefore",
        "so ",
        "that's why",
        "this is why",
        "which is why",
    ]
    .iter()
    .any(|c| next.trim_start().starts_with(c));
    let padded = format!(" {lower} ");
    wrong
        || next_draws
        || CAUSAL.iter().any(|c| {
            padded
                .match_indices(c)
                .any(|(at, _)| !purpose(&padded[at + c.len()..]))
        })
}

/// "..., so you won't pay for it", "so that you can travel": what we
/// do for the customer, not a consequence of their act.
fn purpose(after: &str) -> bool {
    let mut words = crate::text::plain_words(after);
    let first = words.next().unwrap_or("");
    let (subject, verb) = if first == "that" {
        (words.next().unwrap_or(""), words.next().unwrap_or(""))
    } else {
        (first, words.next().unwrap_or(""))
    };
    subject == "you" && ["can", "won't", "don't", "needn't", "get", "keep"].contains(&verb)
}

/// Shown, not disputed: "according to our records you never submitted it"
/// sets our word against theirs, "obviously you clicked twice" sneers and
/// "perhaps you ..." guesses instead of showing: a failure disputed is
/// still owed an apology.
pub(super) fn disputed(lower: &str, words: &[&str]) -> bool {
    [
        "record",
        "according to",
        "logs",
        "system shows",
        "obviously",
        "clearly",
        "surely",
        "must have",
        "perhaps",
        "maybe",
        "probably",
        "possibly",
        "likely",
        "might",
        "may have",
    ]
    .iter()
    .any(|p| lower.contains(p))
        || words
            .iter()
            .any(|w| ["never", "didn't", "not", "failed"].contains(w))
}
