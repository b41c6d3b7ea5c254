//! Apologies: a missing one when the customer reports a failure of ours, and
//! non-apologies that regret the customer's feelings or "any inconvenience"
//! instead of owning what went wrong.
//!
//! A non-apology is told apart by what the regret is about: a formula ("any
//! inconvenience", "any confusion"), a condition ("if you feel"), or the
//! customer's feelings ("sorry you were disappointed", "we regret the
//! frustration") rather than the failure ("sorry the lamp arrived broken").

use crate::phrases::PhraseTable;
use crate::{Advice, Check, Finding, Severity};
use std::ops::Range;
use std::sync::LazyLock;

static MARK: () = ();

fn table(phrases: &[&'static str]) -> PhraseTable<()> {
    let entries: Vec<(&'static str, Option<&'static ()>)> =
        phrases.iter().map(|p| (*p, Some(&MARK))).collect();
    PhraseTable::new(&entries)
}

mod failure;
mod failure_words;
mod feelings;
mod owner;

pub use failure::{failure, reports_failure, resolved};

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
        // Sympathy in other words than "sorry to hear".
        "sad to hear",
        "sad to see",
        "hate to hear",
        "hate to see",
        "hate hearing",
        "hate that this",
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
        "sorry you have experienced",
        "sorry you've experienced",
        "sorry that you have experienced",
        "sorry that you've experienced",
        "sorry you experienced",
        "sorry that you experienced",
        "may have experienced",
        "may have caused",
        "might have caused",
        "may have occurred",
        "might be causing",
        "didn't go as planned",
        "did not go as planned",
        "did not meet your expectations",
        "didn't meet your expectations",
        "your dissatisfaction",
        "sorry if our",
        "regret the difficulties",
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

/// A denial that contains an apology's words ("not our fault"): no apology,
/// and no regret either, so not a non-apology.
static DENIAL: LazyLock<PhraseTable<()>> =
    LazyLock::new(|| table(&["not our fault", "not my fault", "no fault of ours"]));

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

/// Byte ranges of the non-apologies in a text: the table's formulas and
/// regrets for a feeling read by structure.
fn non_apologies(text: &str) -> Vec<Range<usize>> {
    let mut found: Vec<Range<usize>> = NON_APOLOGY.find(text).map(|(r, _)| r).collect();
    for r in feelings::feeling_regrets(text) {
        if !found.iter().any(|f| f.start < r.end && r.start < f.end) {
            found.push(r);
        }
    }
    found.sort_by_key(|r| r.start);
    found
}

/// A draft's regrets, read once for the stance and the apology checks.
pub struct Regrets {
    /// Whether it holds an apology that is not inside a non-apology.
    pub apologises: bool,
    /// Its non-apologies ("sorry for any inconvenience"), in order.
    non_apologies: Vec<Range<usize>>,
}

/// Reads a draft's regrets: [`apologises`] and the non-apologies that
/// [`check`] reports.
pub fn regrets(text: &str) -> Regrets {
    let non_apologies = non_apologies(text);
    Regrets {
        apologises: apologises_despite(text, non_apologies.clone()),
        non_apologies,
    }
}

/// Whether the text holds an apology that is not inside a non-apology.
pub fn apologises(text: &str) -> bool {
    apologises_despite(text, non_apologies(text))
}

/// Whether the text holds an apology outside its non-apologies and denials.
fn apologises_despite(text: &str, mut bad: Vec<Range<usize>>) -> bool {
    bad.extend(DENIAL.find(text).map(|(r, _)| r));
    APOLOGY.find(text).any(|(span, _)| {
        // Any overlap: "we regret" in "we regret that you ..." is no apology.
        !bad.iter().any(|b| b.start < span.end && span.start < b.end)
    })
}

/// Runs the apology checks on a draft read by [`regrets`]; `apologises` is
/// its [`Regrets::apologises`], or
/// true when an earlier reply in the thread already apologised or the draft
/// shows the slip was the customer's own (none is owed).
pub fn check(
    draft: &str,
    regrets: Regrets,
    apologises: bool,
    customer_message: &str,
    findings: &mut Vec<Finding>,
) {
    let reported = std::cell::OnceCell::new();
    let failure = || *reported.get_or_init(|| failure(customer_message));
    let mut poor = false;
    let mut spans = regrets.non_apologies;
    // Understanding offered instead of any apology, where one is owed.
    if !apologises
        && let Some(span) = feelings::understood_frustration(draft)
        && failure().is_some()
    {
        spans.push(span);
    }
    for span in spans {
        // "Sorry, but that can't be done" to a plain request is a polite
        // refusal; it is a non-apology only where a failure is owed one.
        let refusal = draft[span.clone()]
            .trim_end_matches(|c: char| c.is_alphabetic())
            .trim_end()
            .trim_end_matches(',')
            .eq_ignore_ascii_case("sorry");
        if refusal && failure().is_none() {
            continue;
        }
        poor = true;
        findings.push(Finding {
            check: Check::PoorApology,
            severity: Severity::Warn,
            span,
            explanation:
                "not an apology: it regrets a formula or the customer's feelings, and owns nothing"
                    .into(),
            suggestion: Some(Advice::NameWhatWentWrong.into()),
        });
    }
    // A reply whose only regret is a poor one is told so once: the poor
    // apology's rewrite already asks for the real apology, and a second
    // finding on the same sentence would say the same thing twice.
    if !apologises
        && !poor
        && let Some(failure) = failure()
    {
        let start = draft.len() - draft.trim_start().len();
        let end = draft[start..].find('\n').map_or(draft.len(), |i| start + i);
        findings.push(Finding {
            check: Check::MissingApology,
            severity: Severity::Warn,
            span: start..end,
            explanation: format!(
                "the customer reports a failure of ours (\"{failure}\") and the reply does not apologise for it"
            ),
            suggestion: Some(Advice::SaySorry.into()),
        });
    }
}

#[cfg(test)]
mod tests;
