//! Apologies: a missing one when the customer reports a failure of ours, and
//! non-apologies that regret the customer's feelings or "any inconvenience"
//! instead of owning what went wrong.
//!
//! A non-apology is told apart by what the regret is about: a formula ("any
//! inconvenience", "any confusion"), a condition ("if you feel"), or the
//! customer's feelings ("sorry you were disappointed", "we regret the
//! frustration") rather than the failure ("sorry the lamp arrived broken").

use crate::phrases::PhraseTable;
use crate::{Check, Finding, Severity};
use std::ops::Range;
use std::sync::LazyLock;

static MARK: () = ();

fn table(phrases: &[&'static str]) -> PhraseTable<()> {
    let entries: Vec<(&'static str, Option<&'static ()>)> =
        phrases.iter().map(|p| (*p, Some(&MARK))).collect();
    PhraseTable::new(&entries)
}

/// The customer reports a failure: damage, a delay, a no-show, a wrong
/// item or charge, an outage, silence, a broken promise.
static PROBLEM: LazyLock<PhraseTable<()>> = LazyLock::new(|| {
    table(&[
        "broken", "broke", "damaged", "damage", "crushed", "cracked", "scratched", "dented",
        "defective", "faulty", "leaking", "leaks", "ripped", "torn", "burst", "spoiled", "rotten",
        "mould", "mouldy", "mold", "dirty", "filthy", "freezing", "late", "delayed", "delay",
        "still waiting", "been waiting", "waited", "on hold", "for hours", "for days", "for weeks",
        "never arrived",
        "hasn't arrived", "has not arrived", "didn't arrive", "did not arrive", "not arrived",
        "not received", "haven't received", "have not received", "didn't receive", "never received",
        "missing", "lost", "wrong", "incorrect", "mistake", "error", "charged twice",
        "double charged", "charged me", "overcharged", "still charged", "still being charged",
        "doesn't work", "does not work", "not working", "stopped working", "won't work",
        "isn't working", "can't log in", "cannot log in", "logs me out", "logged out", "crashes",
        "crashed", "crashing", "keeps crashing", "keeps dropping", "keeps freezing", "failed", "fails",
        "outage", "is down", "was down", "went down", "been down", "no power",
        "no internet", "no signal", "no water", "no hot water", "cut off", "dropped",
        "disconnected", "stuck", "unusable", "never showed", "didn't show", "did not show",
        "no-show", "no show", "never turned up", "didn't turn up", "did not turn up", "nobody came",
        "no one came", "nobody turned up", "nobody told", "no one told", "nobody called",
        "no one called", "never called", "didn't call", "never heard", "heard nothing",
        "no update", "no answer", "no reply", "no response", "nobody answered", "ignored",
        "you promised", "was promised", "were promised", "was supposed to", "were supposed to",
        "was told", "were told", "disappointed", "frustrated",
        "frustrating", "annoyed", "angry", "upset", "terrible", "awful", "horrible",
        "unacceptable", "worst", "complaint", "cancelled my", "canceled my", "was cancelled",
        "was canceled", "got cancelled", "suspended", "locked out", "not happy", "unhappy",
        "rude", "instead of", "not what i ordered", "still not", "still no",
    ])
});

/// The customer's own slip: no apology owed for it.
static SELF_SLIP: LazyLock<PhraseTable<()>> = LazyLock::new(|| {
    table(&[
        "i ordered the wrong",
        "i bought the wrong",
        "i chose the wrong",
        "i picked the wrong",
        "i selected the wrong",
        "i entered the wrong",
        "i typed the wrong",
        "i put the wrong",
        "i gave the wrong",
        "i gave you the wrong",
        "by mistake",
        "my mistake",
        "my fault",
        "i made a mistake",
        "i made a typo",
        "i accidentally",
        "my own fault",
        "i forgot",
        "i misspelled",
        "i mistyped",
    ])
});

/// A real apology.
static APOLOGY: LazyLock<PhraseTable<()>> = LazyLock::new(|| {
    table(&[
        "sorry",
        "apologize",
        "apologise",
        "apologies",
        "apology",
        "we regret",
        "i regret",
        "my mistake",
        "our mistake",
        "my fault",
        "our fault",
        "we messed up",
        "i messed up",
        "we got this wrong",
        "we got it wrong",
        "we let you down",
    ])
});

/// Regret that takes no ownership: a formula, a condition, or the
/// customer's feelings as the thing regretted.
static NON_APOLOGY: LazyLock<PhraseTable<()>> = LazyLock::new(|| {
    let mut phrases = vec![
        "sorry if you feel",
        "sorry you feel",
        "sorry that you feel",
        "sorry you felt",
        "sorry if you were",
        "sorry you think",
        "sorry if you think",
        "sorry if this",
        "sorry if that",
        "sorry if there",
        "sorry if anything",
        "sorry for any",
        "sorry about any",
        "sorry you've had to",
        "sorry you have had to",
        "sorry that you've had to",
        "sorry you had to",
        "sorry to hear about your experience",
        "sorry for your experience",
        "sorry about your experience",
        "regret any",
        "regret the frustration",
        "regret the inconvenience",
        "regret the disappointment",
        "regret the upset",
        "regret the confusion",
        "regret that you",
        "regret if",
        "apologies if",
        "apologies for any",
        "apologize if",
        "apologise if",
        "apologize for any",
        "apologise for any",
        "mistakes were made",
        "mistakes have been made",
        "sorry for the inconvenience this may",
        "not sorry",
        "sorry, but",
        "sorry but",
    ];
    // "sorry you were disappointed", "we're sorry that you are unhappy":
    // regret for a feeling, not for what happened.
    phrases.extend(FEELING_REGRETS.iter().copied());
    table(&phrases)
});

/// "sorry (that) you were/are/feel <feeling>" spelled out for the table.
const FEELING_REGRETS: &[&str] = &[
    "sorry you were disappointed",
    "sorry you are disappointed",
    "sorry you're disappointed",
    "sorry that you were disappointed",
    "sorry that you are disappointed",
    "sorry you were unhappy",
    "sorry you are unhappy",
    "sorry you're unhappy",
    "sorry that you were unhappy",
    "sorry that you are unhappy",
    "sorry you were upset",
    "sorry you are upset",
    "sorry you're upset",
    "sorry that you were upset",
    "sorry that you are upset",
    "sorry you were frustrated",
    "sorry you are frustrated",
    "sorry you're frustrated",
    "sorry that you were frustrated",
    "sorry that you are frustrated",
    "sorry you were dissatisfied",
    "sorry you are dissatisfied",
    "sorry you were not happy",
    "sorry you are not happy",
    "sorry you're not happy",
    "sorry that you were not happy",
    "sorry that you are not happy",
    "sorry you were annoyed",
    "sorry you are annoyed",
    "sorry you were confused",
    "sorry you were inconvenienced",
    "sorry you've been inconvenienced",
    "sorry you have been inconvenienced",
];

/// Byte ranges of the non-apologies in a text.
fn non_apologies(text: &str) -> Vec<Range<usize>> {
    NON_APOLOGY.find(text).map(|(r, _)| r).collect()
}

/// Whether the text holds an apology that is not inside a non-apology.
pub fn apologises(text: &str) -> bool {
    let bad = non_apologies(text);
    APOLOGY.find(text).any(|(span, _)| {
        !bad.iter()
            .any(|b| b.start <= span.start && span.end <= b.end)
    })
}

/// Whether the customer reports a failure that is not their own slip.
pub fn reports_failure(message: &str) -> bool {
    let slips: Vec<Range<usize>> = SELF_SLIP.find(message).map(|(r, _)| r).collect();
    if !slips.is_empty() {
        // "I typed the wrong address, can you fix it?" owes no apology,
        // unless a failure of ours is reported in another sentence.
        return crate::text::sentences(message).into_iter().any(|s| {
            let sentence = &message[s.clone()];
            !slips.iter().any(|slip| s.start <= slip.start && slip.end <= s.end)
                && PROBLEM.any(sentence)
                && !SELF_SLIP.any(sentence)
                && !sentence.to_lowercase().contains("wrong")
        });
    }
    PROBLEM.any(message)
}

/// Runs the apology checks.
pub fn check(draft: &str, customer_message: &str, findings: &mut Vec<Finding>) {
    for span in non_apologies(draft) {
        findings.push(Finding {
            check: Check::PoorApology,
            severity: Severity::Warn,
            span,
            explanation: "not an apology: it regrets a formula or the customer's feelings, and owns nothing"
                .into(),
            suggestion: Some("name what went wrong: \"I'm sorry the order arrived late.\"".into()),
        });
    }
    if reports_failure(customer_message) && !apologises(draft) {
        let start = draft.len() - draft.trim_start().len();
        let end = draft[start..].find('\n').map_or(draft.len(), |i| start + i);
        findings.push(Finding {
            check: Check::MissingApology,
            severity: Severity::Warn,
            span: start..end,
            explanation: "the customer reports a failure of ours and the reply does not apologise for it"
                .into(),
            suggestion: Some("I'm sorry this happened.".into()),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checks(draft: &str, message: &str) -> Vec<Check> {
        let mut f = Vec::new();
        check(draft, message, &mut f);
        f.into_iter().map(|f| f.check).collect()
    }

    #[test]
    fn regret_for_feelings_or_formulas_is_no_apology() {
        let late = "My order is two weeks late.";
        assert_eq!(
            checks("We are sorry that you are unhappy with the wait.", late),
            [Check::PoorApology, Check::MissingApology]
        );
        assert_eq!(
            checks("We regret the frustration this has caused.", late),
            [Check::PoorApology, Check::MissingApology]
        );
        assert_eq!(
            checks("Apologies for any trouble.", late),
            [Check::PoorApology, Check::MissingApology]
        );
        assert!(checks("I'm sorry you were charged twice; it's refunded.", late).is_empty());
        assert!(checks("I'm so sorry the order is late.", late).is_empty());
    }

    #[test]
    fn failures_of_ours_need_an_apology_and_slips_do_not() {
        let draft = "I have booked a new visit for Thursday.";
        assert_eq!(
            checks(draft, "Your engineer never showed up yesterday."),
            [Check::MissingApology]
        );
        assert!(checks(draft, "I typed the wrong date by mistake. Can you move it?").is_empty());
        assert!(checks(draft, "Can you tell me the opening hours?").is_empty());
    }
}
