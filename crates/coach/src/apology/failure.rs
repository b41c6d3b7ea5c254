//! Whether the customer reports a failure of ours: a problem word reported
//! (not negated, not asked about, not the customer's own act or slip), or
//! trouble with a product the customer ties to us.

use super::failure_words::{ATTRIBUTED, PROBLEM, TROUBLE};
use super::owner::{failed_remedy, own_act, own_slip, third_party};

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
    if sentences.iter().any(|s| own_slip(&message[s.clone()]))
        || resolved(message)
        || sentences.iter().any(|s| warranty_over(&message[s.clone()]))
    {
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
            .or_else(|| {
                (long_wait(sentence)
                    || charged_twice(sentence)
                    || chased(sentence) && unanswered(message)
                    || told_otherwise(sentence))
                .then_some(sentence)
            })
    }) {
        return Some(found);
    }
    let range = sentences.iter().find_map(|s| {
        let sentence = &message[s.clone()];
        TROUBLE
            .find(sentence)
            .find(|(r, _)| reported(sentence, r.start) && !at_a_place(&sentence[r.end..]))
            .map(|(r, _)| s.start + r.start..s.start + r.end)
    })?;
    let lower = crate::text::lower(message);
    let tied = ATTRIBUTED.iter().any(|a| lower.contains(a)) || long_wait(message);
    tied.then(|| &message[range])
}

/// The alphanumeric words of a lower-cased text.
fn alphanumeric_words(lower: &str) -> Vec<&str> {
    lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect()
}

/// "I've emailed three times", "I rang again this morning", "asked twice":
/// the customer had to chase us.
fn chased(sentence: &str) -> bool {
    let lower = crate::text::lower(sentence);
    let words = alphanumeric_words(&lower);
    const CONTACT: &[&str] = &[
        "emailed",
        "called",
        "rung",
        "rang",
        "phoned",
        "written",
        "wrote",
        "asked",
        "chased",
        "messaged",
        "contacted",
        "reported",
        "requested",
        "ordered",
    ];
    words.iter().enumerate().any(|(i, w)| {
        CONTACT.contains(w)
            && words[i + 1..].iter().take(5).enumerate().any(|(j, x)| {
                ["twice", "repeatedly"].contains(x)
                    || *x == "times"
                        && words.get(i + j).is_some_and(|n| {
                            ["three", "four", "five", "several", "many", "multiple"].contains(n)
                                || n.chars().all(|c| c.is_ascii_digit())
                        })
            })
    })
}

/// The chasing went unanswered or changed nothing ("still nothing", "no
/// reply", "nobody has come"), as opposed to "asked many times and was
/// told no".
fn unanswered(message: &str) -> bool {
    let lower = crate::text::lower(message);
    [
        "nothing",
        "no reply",
        "no answer",
        "no response",
        "no one",
        "nobody",
        "never",
        "still",
        "not yet",
        "yet to",
        "ignored",
        "heard",
    ]
    .iter()
    .any(|m| lower.contains(m))
}

/// "Your website said ...", "your advert promised ...": what we told the
/// customer, reported because it did not hold ("..., as your site
/// states" backs an argument and reports nothing).
fn told_otherwise(sentence: &str) -> bool {
    let lower = crate::text::lower(sentence);
    let words = alphanumeric_words(&lower);
    words.windows(3).enumerate().any(|(i, w)| {
        w[0] == "your"
            && !(i > 0 && ["as", "like"].contains(&words[i - 1]))
            && [
                "said",
                "says",
                "stated",
                "states",
                "promised",
                "advertised",
                "claimed",
                "claims",
                "showed",
            ]
            .contains(&w[2])
    })
}

/// "It's sorted now", "never mind, it works now": the customer says the
/// trouble is over.
pub fn resolved(message: &str) -> bool {
    let lower = crate::text::lower(message);
    [
        "it's sorted",
        "sorted now",
        "all sorted",
        "working now",
        "works now",
        "fixed now",
        "better now",
        "resolved now",
        // Thanks for the fix: "thanks for sorting the damp last week".
        "thanks for sorting",
        "thank you for sorting",
        "thanks for fixing",
        "thank you for fixing",
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
    // "Can the balance be split?", "Could my booking be moved?": a change
    // asked for, not trouble reported.
    let lower = sentence.trim_start().to_lowercase();
    let asked = before.ends_with(" be")
        && ["can ", "could ", "would ", "will ", "may "]
            .iter()
            .any(|m| lower.starts_with(m));
    // "I was told it is not possible": a refusal relayed, not a promise
    // broken (whether the refusal is fair is another question).
    let relayed = ["was told", "were told", "told me"]
        .iter()
        .any(|t| from.starts_with(t))
        && [
            "not possible",
            "can't",
            "cannot",
            "not allowed",
            "isn't possible",
            " no ",
        ]
        .iter()
        .any(|r| from.contains(r));
    !negated
        && !inverted
        && !asked
        && !relayed
        && !own_act(before, &from)
        && !failed_remedy(before, &from)
        && !third_party(sentence, before)
}

/// "stuck at home", "stuck in traffic": the customer is stuck somewhere,
/// no product is.
fn at_a_place(after: &str) -> bool {
    let after = after.trim_start().to_lowercase();
    [
        "at home",
        "in the house",
        "in my house",
        "at my house",
        "inside",
        "indoors",
        "in traffic",
        "in quarantine",
        "in lockdown",
        "abroad",
    ]
    .iter()
    .any(|p| after.starts_with(p))
}

/// "You charged my card twice", "billed us two times": a double charge in
/// any words between the verb and the count.
fn charged_twice(sentence: &str) -> bool {
    let lower = sentence.to_lowercase();
    let words = alphanumeric_words(&lower);
    words.iter().enumerate().any(|(i, w)| {
        ["charged", "billed", "debited", "took"].contains(w)
            && words[i + 1..]
                .iter()
                .take(5)
                .any(|x| ["twice", "double", "two"].contains(x))
    }) && !sentence.trim_end().ends_with('?')
}

/// "I realise it's out of guarantee", "the warranty ran out last month":
/// a fault the customer says came after the cover ended is not a failure
/// of ours (they ask what we can do, not for an apology).
fn warranty_over(sentence: &str) -> bool {
    // Cheap first: most sentences name no cover at all.
    if !["arrant", "uarant", "ARRANT", "UARANT"]
        .iter()
        .any(|p| sentence.contains(p))
    {
        return false;
    }
    let lower = crate::text::lower(sentence);
    let cover = ["warranty", "guarantee"].iter().any(|w| lower.contains(w));
    let over = [
        "out of warranty",
        "out of guarantee",
        "expired",
        "ran out",
        "run out",
        "has ended",
        "had ended",
        "is over",
        "was over",
        "past the",
        "outside the",
        "i know",
        "i realise",
        "i realize",
        "i'm aware",
        "i understand",
    ]
    .iter()
    .any(|p| lower.contains(p));
    cover
        && over
        && ![
            "still under",
            "within the",
            "under warranty",
            "under guarantee",
        ]
        .iter()
        .any(|p| lower.contains(p))
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
            && (w[1].chars().all(|c| c.is_ascii_digit()) || COUNTS.contains(&w[1]))
            && ["minutes", "hours", "days", "weeks", "months"].contains(&w[2])
    })
}

/// Counts spelt out in a wait ("for twenty minutes").
const COUNTS: &[&str] = &[
    "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "fifteen", "twenty", "thirty", "forty", "fifty", "sixty", "ninety", "several", "many",
];

/// Units of a wait, "it's been 3 days", "an hour".
const WAIT_UNITS: &[&str] = &[
    "minute", "minutes", "hour", "hours", "day", "days", "week", "weeks", "month", "months",
    "year", "years",
];
