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
        "broken",
        "broke",
        "damaged",
        "damage",
        "crushed",
        "cracked",
        "scratched",
        "dented",
        "defective",
        "faulty",
        "leaking",
        "leaks",
        "ripped",
        "torn",
        "burst",
        "spoiled",
        "rotten",
        "mould",
        "mouldy",
        "mold",
        "dirty",
        "filthy",
        "is late",
        "was late",
        "are late",
        "were late",
        "arrived late",
        "came late",
        "minutes late",
        "hours late",
        "days late",
        "weeks late",
        "week late",
        "day late",
        "month late",
        "late delivery",
        "delivered late",
        "late again",
        "delayed",
        "delay",
        "still waiting",
        "been waiting",
        "waited",
        "on hold",
        "for hours",
        "for days",
        "for weeks",
        "never arrived",
        "hasn't arrived",
        "has not arrived",
        "didn't arrive",
        "did not arrive",
        "not arrived",
        "not received",
        "haven't received",
        "have not received",
        "didn't receive",
        "never received",
        "missing",
        "wrong",
        "incorrect",
        "mistake",
        "charged twice",
        "double charged",
        "charged me",
        "overcharged",
        "still charged",
        "still being charged",
        "won't work",
        "crashes",
        "keeps dropping",
        "fails",
        "outage",
        "is down",
        "was down",
        "went down",
        "been down",
        "no power",
        "no internet",
        "no signal",
        "no water",
        "no hot water",
        "cut off",
        "dropped",
        "unusable",
        "never showed",
        "didn't show",
        "did not show",
        "no-show",
        "no show",
        "never turned up",
        "didn't turn up",
        "did not turn up",
        "nobody came",
        "no one came",
        "nobody turned up",
        "nobody told",
        "no one told",
        "nobody called",
        "no one called",
        "never called",
        "didn't call",
        "never heard",
        "heard nothing",
        "no update",
        "no answer",
        "no reply",
        "no response",
        "nobody answered",
        "ignored",
        "you promised",
        "was promised",
        "were promised",
        "was supposed to",
        "were supposed to",
        "was told",
        "were told",
        "disappointed",
        "frustrated",
        "frustrating",
        "annoyed",
        "angry",
        "upset",
        "terrible",
        "awful",
        "horrible",
        "unacceptable",
        "worst",
        "complaint",
        "cancelled my",
        "canceled my",
        "was cancelled",
        "was canceled",
        "got cancelled",
        "not happy",
        "unhappy",
        "rude",
        "not what i ordered",
        "still not",
        "still no",
        // Sarcastic praise and strong judgement.
        "great job",
        "fantastic work",
        "well done",
        "thanks for nothing",
        "brilliant service",
        "disgusting",
        "seriously?",
        "humiliating",
        "humiliated",
        "false advertising",
        "is a joke",
        "what a joke",
        "you lost",
        "lost my order",
        "lost my parcel",
        "lost my package",
        "lost my bag",
        "lost my luggage",
        "lost my suitcase",
        "shocking",
        "appalling",
        "not good enough",
        "fed up",
        "sick of",
        "not acceptable",
        // Spoiled, short, not as sold.
        "stone cold",
        "arrived cold",
        "melted",
        "soaked",
        "came without",
        "arrived without",
        "someone else's",
        "someone elses",
        "only half",
        "half of",
        "not unlimited",
        "not as described",
        "doesn't match",
        "does not match",
        "more than my",
        "higher than my",
        "double the",
        "marked delivered",
        "marked as delivered",
        "nothing here",
        "never got",
        "never came",
        "wasn't there",
        "was not there",
        "no driver",
        "nobody knocked",
        "barely works",
        "barely slept",
        "crawling",
        "drops every",
        "keeps dropping",
        "keeps logging",
        "shouted",
        "refused to",
        "forgot my",
        "forgot to",
        "left my",
        "throttling",
        // Broken promises and waiting.
        "you said",
        "you told me",
        "told me that",
        "you sold me",
        "was sold",
        "were sold",
        "third time",
        "3rd time",
        "second time",
        "times now",
        "i've called",
        "i have called",
        "still hasn't",
        "still haven't",
        "haven't heard",
        "hasn't been",
        "told me",
        "keep failing",
        "keeps failing",
        "i was charged",
        "we were charged",
        "been charged",
        "than my booking",
        "than my confirmation",
        "than quoted",
        "than the quote",
        "than advertised",
        "than promised",
        // Charges.
        "charged me",
        "you charged",
        "charged for",
        "charging me",
        "i had to pay",
        "we had to pay",
        "had to buy",
        "had to walk",
        // Not what was ordered or said.
        "arrived with",
        "came with a",
        "but i got",
        "but got",
        "but received",
        "but i received",
        "though your",
        "said it did",
        "said it would",
        "didn't work",
        "did not work",
        "embarrassing",
        "split",
    ])
});

/// Trouble with a product whose cause is not yet known ("an error",
/// "stuck", "can't log in"): a failure of ours when the customer ties it to
/// us ("your app", "since your update"), says it goes on, or is upset.
static TROUBLE: LazyLock<PhraseTable<()>> = LazyLock::new(|| {
    table(&[
        "doesn't work",
        "does not work",
        "not working",
        "stopped working",
        "won't work",
        "isn't working",
        "can't log in",
        "cannot log in",
        "logs me out",
        "logged me out",
        "logged out",
        "crashes",
        "crashed",
        "crashing",
        "keeps crashing",
        "keeps freezing",
        "failed",
        "fails",
        "failing",
        "error",
        "stuck",
        "locked out",
        "suspended",
        "disconnected",
        "dropped",
        "freezing",
        "does nothing",
        "did nothing",
        "done nothing",
        "instead of",
        "won't download",
        "won't load",
        "won't open",
        "won't start",
        "won't turn on",
    ])
});

/// The customer ties the trouble to us, or to a wait, or is upset by it.
const ATTRIBUTED: &[&str] = &[
    "your ",
    "you lost",
    "you've lost",
    "since the update",
    "after the update",
    "since yesterday",
    "since this morning",
    "since last",
    "since monday",
    "since tuesday",
    "since wednesday",
    "since thursday",
    "since friday",
    "since saturday",
    "since sunday",
    "again",
    "still",
    "frustrat",
    "terrible",
    "worst",
    "unacceptable",
    "fed up",
    "disgusting",
    "angry",
    "annoyed",
    "furious",
    "i pay",
    "paying for",
    "you gave",
    "you sent",
    "i got",
    "i received",
    "arrived",
    "delivered",
    "i bought",
    "i ordered",
    "after two",
    "after one",
    "after a ",
    "brand new",
    "twice",
    "three times",
];

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
        "lost my",
        "i lost",
        "didn't check",
        "did not check",
        "my bad",
        "i should have",
        "i meant to",
        "dumb thing",
        "silly me",
        "i messed up",
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
        "not our fault",
        "not my fault",
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
        // Any overlap: "we regret" in "we regret that you ..." is no apology.
        !bad.iter().any(|b| b.start < span.end && span.start < b.end)
    })
}

/// Whether the customer reports a failure that is not their own slip: a
/// sentence where the customer is the one who got it wrong ("I typed the
/// wrong date", "I booked it for Tuesday instead of Thursday") reports none.
pub fn reports_failure(message: &str) -> bool {
    failure(message).is_some()
}

/// The words in which the customer reports a failure of ours, if they do.
pub fn failure(message: &str) -> Option<&str> {
    let sentences = crate::text::sentences(message);
    // A customer who owns the slip ("my mistake!") asks for help, not an
    // apology; one who says it is sorted now reports no failure left.
    if sentences.iter().any(|s| own_slip(&message[s.clone()])) || resolved(message) {
        return None;
    }
    if let Some(found) = sentences.iter().find_map(|s| {
        let sentence = &message[s.clone()];
        if asks_how(sentence) {
            return None;
        }
        PROBLEM
            .find(sentence)
            .find(|(r, _)| reported(sentence, r.start))
            .map(|(r, _)| &sentence[r])
            .or_else(|| long_wait(sentence).then_some(sentence))
    }) {
        return Some(found);
    }
    let (range, _) = TROUBLE.find(message).next()?;
    let lower = message.to_lowercase().replace('’', "'");
    let tied = ATTRIBUTED.iter().any(|a| lower.contains(a)) || long_wait(message);
    tied.then(|| &message[range])
}

/// "It's sorted now", "never mind, it works now": the customer says the
/// trouble is over.
fn resolved(message: &str) -> bool {
    let lower = message.to_lowercase().replace('’', "'");
    [
        "it's sorted",
        "sorted now",
        "all sorted",
        "working now",
        "works now",
        "fixed now",
        "resolved now",
        "all good now",
        "never mind",
        "nevermind",
        "figured it out",
    ]
    .iter()
    .any(|p| lower.contains(p))
}

/// "How do you add a missing road?", "Is that an option we have been
/// missing?", "So is it broken?": a question about how things work, or
/// whether something is wrong, reports no failure.
fn asks_how(sentence: &str) -> bool {
    let lower = sentence.trim_start().to_lowercase();
    sentence.trim_end().ends_with('?')
        && ([
            "how ", "is that", "is there", "can i", "can you", "could ", "do you", "does ",
        ]
        .iter()
        .any(|q| lower.starts_with(q))
            || indefinite_question(&lower)
            || asks_whether(&lower))
}

/// "So like - is it broke?", "Is this one faulty?": a closed question about
/// the state of a thing (auxiliary first, then the thing), after any filler.
fn asks_whether(lower: &str) -> bool {
    const FILLER: &[&str] = &[
        "so", "like", "and", "but", "also", "ok", "okay", "well", "then",
    ];
    let mut words = crate::text::words(lower)
        .map(|(_, w)| w)
        .skip_while(|w| FILLER.contains(w));
    matches!(
        (words.next(), words.next()),
        (
            Some("is" | "are" | "was" | "were"),
            Some("it" | "this" | "that" | "they" | "these" | "those")
        )
    )
}

/// "Is anything else missing?", "Are any parts broken?": a closed question
/// about an indefinite thing asks, it reports nothing.
fn indefinite_question(lower: &str) -> bool {
    let mut words = lower.split_whitespace();
    matches!(
        (words.next(), words.next()),
        (
            Some("is" | "are" | "was" | "were"),
            Some("anything" | "any" | "something" | "everything")
        )
    )
}

/// Whether the failure word at `at` is reported, not negated ("before any
/// damage was done") or quoted from an error message ("something went wrong").
fn reported(sentence: &str, at: usize) -> bool {
    let before = sentence[..at].to_lowercase();
    let before = before.trim_end();
    let negated = ["any", "no", "without", "went", "something"]
        .iter()
        .any(|w| {
            before.ends_with(w) && crate::text::boundary_before(before, before.len() - w.len())
        });
    // "Is late check-out possible?": the question's inverted "is", not a
    // statement that something is late.
    let from = sentence[at..].to_lowercase();
    let inverted = before.is_empty()
        && sentence.trim_end().ends_with('?')
        && (from.starts_with("is ") || from.starts_with("are "));
    !negated && !inverted && !own_act(before, &from) && !failed_remedy(before, &from)
}

/// "I reinstalled it, which didn't work", "tried another card but it did
/// not work": a fix the customer tried that failed, not a failure of ours.
fn failed_remedy(before: &str, from: &str) -> bool {
    (from.starts_with("didn't work")
        || from.starts_with("didn’t work")
        || from.starts_with("did not work"))
        && [
            "tried",
            "which",
            "reinstall",
            "restart",
            "updat",
            "clear",
            "reset",
            "download",
        ]
        .iter()
        .any(|a| before.contains(a))
}

/// "I left my phone in Screen 4", "we cancelled our booking": the customer
/// is the subject of the act, so it is their doing, not a failure of ours.
fn own_act(before: &str, from: &str) -> bool {
    let subject = before
        .rsplit(|c: char| !(c.is_alphanumeric() || c == '\''))
        .find(|w| {
            !w.is_empty() && !["just", "accidentally", "also", "then", "already"].contains(w)
        });
    let verb = from
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty());
    // "I left my phone", "someone broke into it": not our act.
    subject.is_some_and(|s| ["i", "we", "i've", "we've", "someone", "somebody"].contains(&s))
        && verb
            .is_some_and(|v| ["left", "dropped", "forgot", "deleted", "lost", "broke"].contains(&v))
}

/// "took 4 hours", "for 5 weeks", "waited 40 minutes": a wait the customer counts.
fn long_wait(sentence: &str) -> bool {
    let lower = sentence.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    // "It's been two months", "it has been like this all day"; not "it has
    // been blocked", which says what happened, not how long it lasts.
    let been = words.windows(2).enumerate().any(|(i, w)| {
        ["s", "has", "have"].contains(&w[0])
            && w[1] == "been"
            && words[i + 2..]
                .iter()
                .take(4)
                .any(|x| WAIT_UNITS.contains(x) || ["ages", "forever", "like"].contains(x))
    });
    // "I can't change the name for 19 days": a restriction, not a wait.
    let restricted = |i: usize| {
        let before = &words[i.saturating_sub(6)..i];
        before.iter().any(|x| ["cannot", "unable"].contains(x))
            || before
                .windows(2)
                .any(|x| ["can", "won"].contains(&x[0]) && x[1] == "t")
    };
    been || words.windows(3).enumerate().any(|(i, w)| {
        [
            "took", "for", "waited", "waiting", "after", "over", "almost", "nearly",
        ]
        .contains(&w[0])
            && !(w[0] == "for" && restricted(i))
            && (w[1].chars().all(|c| c.is_ascii_digit())
                || ["two", "three", "four", "five", "six", "several", "many"].contains(&w[1]))
            && ["minutes", "hours", "days", "weeks", "months"].contains(&w[2])
    })
}

/// Units of a wait, "it's been 3 days", "an hour".
const WAIT_UNITS: &[&str] = &[
    "minute", "minutes", "hour", "hours", "day", "days", "week", "weeks", "month", "months",
    "year", "years",
];

fn own_slip(sentence: &str) -> bool {
    if SELF_SLIP.any(sentence) {
        return true;
    }
    let lower = format!(" {} ", sentence.to_lowercase().replace('’', "'"));
    let first_person = [" i ", " i've ", " i'd ", " we ", " my "]
        .iter()
        .any(|p| lower.contains(p));
    let business = [" you ", " your ", " you've ", " you're "]
        .iter()
        .any(|p| lower.contains(p));
    let slip = ["wrong", "instead of", "typo", "mistake", "accidentally"]
        .iter()
        .any(|p| lower.contains(p));
    first_person && !business && slip
}

/// Runs the apology checks; `apologises` is [`apologises`] of the draft.
pub fn check(draft: &str, apologises: bool, customer_message: &str, findings: &mut Vec<Finding>) {
    let reported = std::cell::OnceCell::new();
    let failure = || *reported.get_or_init(|| failure(customer_message));
    for span in non_apologies(draft) {
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
        findings.push(Finding {
            check: Check::PoorApology,
            severity: Severity::Warn,
            span,
            explanation:
                "not an apology: it regrets a formula or the customer's feelings, and owns nothing"
                    .into(),
            suggestion: Some("name what went wrong: \"I'm sorry the order arrived late.\"".into()),
        });
    }
    if !apologises && let Some(failure) = failure() {
        let start = draft.len() - draft.trim_start().len();
        let end = draft[start..].find('\n').map_or(draft.len(), |i| start + i);
        findings.push(Finding {
            check: Check::MissingApology,
            severity: Severity::Warn,
            span: start..end,
            explanation: format!(
                "the customer reports a failure of ours (\"{failure}\") and the reply does not apologise for it"
            ),
            suggestion: Some("I'm sorry this happened.".into()),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checks(draft: &str, message: &str) -> Vec<Check> {
        let mut f = Vec::new();
        check(draft, apologises(draft), message, &mut f);
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

    #[test]
    fn what_only_looks_like_a_failure_owes_no_apology() {
        let draft = "Please hold the reset button for ten seconds.";
        // A wait needs a length; "has been blocked" says what happened.
        assert!(
            checks(
                draft,
                "It has been blocked in my country. Can I watch it abroad?"
            )
            .is_empty()
        );
        assert_eq!(
            checks(draft, "It's been two days and nothing arrived."),
            [Check::MissingApology]
        );
        // A closed question about a state asks; a fix the customer tried failed.
        assert!(checks(draft, "The screen flickers. So is it broken?").is_empty());
        assert!(checks(draft, "I restarted it twice, which didn't work.").is_empty());
        assert_eq!(
            checks(draft, "I paid and it just didn't work."),
            [Check::MissingApology]
        );
        // A restriction counted in days is no wait.
        assert!(checks(draft, "I can't change my username for 19 days.").is_empty());
        assert_eq!(
            checks(draft, "I have been waiting for 19 days."),
            [Check::MissingApology]
        );
        // Sorted now: nothing left to apologise for.
        assert!(checks(draft, "It crashed again. Never mind, it's working now!").is_empty());
    }

    #[test]
    fn sympathy_is_an_apology_and_a_polite_refusal_is_no_non_apology() {
        let broken = "My parcel arrived damaged.";
        assert!(
            checks(
                "I'm sad to hear it arrived like that; a new one ships today.",
                broken
            )
            .is_empty()
        );
        assert!(
            checks(
                "Sorry, but names cannot be changed.",
                "Can I change the name?"
            )
            .is_empty()
        );
        assert_eq!(
            checks("Sorry, but returns are closed.", broken),
            [Check::PoorApology, Check::MissingApology]
        );
    }
}
