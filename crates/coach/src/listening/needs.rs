//! Needs that are not questions: a deadline, a cost the customer bore, and
//! what counts as naming a time or speaking of money in a reply.

use super::Said;

/// A cost the customer says they bore because of us ("I had to buy a new
/// ticket for €310", "now I'll get a late fee", "I'm paying for a hire car").
pub(super) fn cost_borne(said: &Said) -> Option<String> {
    let message = said.text;
    const FEES: &[&str] = &["late fee", "a fee", "extra fee"];
    const BORNE: &[&str] = &[
        "i had to",
        "we had to",
        "i'm paying",
        "i am paying",
        "i'll get",
        "i will get",
        "cost me",
        "i lost",
        "we lost",
        "out of pocket",
    ];
    // Only the wordings found anywhere in the message are looked for in
    // each sentence; a message without money or a cost borne is done.
    let whole = said.lower.as_str();
    let currency = |t: &str| t.contains(['€', '£', '$', '¥', '₩']);
    let (fees, borne_said, paid) = (
        said_in(whole, FEES),
        said_in(whole, BORNE),
        said_in(whole, &["i paid", "we paid"]),
    );
    let paying = whole.contains("paying for") && whole.contains("myself");
    let money_said = currency(message) || !fees.is_empty();
    if !paying && !(money_said && (!borne_said.is_empty() || !paid.is_empty())) {
        return None;
    }
    crate::text::sentences(message)
        .into_iter()
        .find_map(|span| {
            let sentence = &message[span];
            let lower = crate::text::lower(sentence);
            let money = currency(sentence) || fees.iter().any(|p| lower.contains(p));
            let borne = borne_said.iter().any(|p| lower.contains(p))
                // "I paid £120 for the service": its price, not a cost borne;
                // "I paid another £40", "we paid extra" is one.
                || paid.iter().any(|p| {
                    lower.match_indices(p).any(|(i, _)| {
                        let after = &lower[i + p.len()..];
                        ["another", "extra", "again", "twice", "for a new", "for another"]
                            .iter()
                            .any(|x| after.trim_start().starts_with(x))
                    })
                });
            (money && borne || lower.contains("paying for") && lower.contains("myself"))
                .then(|| sentence.to_string())
        })
}

/// The wordings of `list` that occur in `whole` (a lower-cased message):
/// all a check over its sentences needs to look for.
fn said_in(whole: &str, list: &[&'static str]) -> Vec<&'static str> {
    list.iter().copied().filter(|n| whole.contains(n)).collect()
}

/// Whether the reply speaks of money at all: an amount, a refund, cover, a fee.
pub(super) fn speaks_of_money(draft_lower: &str) -> bool {
    const MONEY: &[&str] = &[
        "refund",
        "compensat",
        "reimburs",
        "credit",
        "cover",
        "cost",
        "pay",
        "paid",
        "charge",
        "money",
        "voucher",
        "waive",
        "receipt",
        "expense",
        "price",
        "free",
    ];
    draft_lower
        .chars()
        .any(|c| matches!(c, '€' | '£' | '$' | '¥' | '₩'))
        // Word by word: "fee" is no part of "feel".
        || draft_lower
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| w == "fee" || w == "fees" || MONEY.iter().any(|m| w.starts_with(m)))
}

/// Events of the customer's that set a date.
const EVENTS: &[&str] = &[
    "starts",
    "begins",
    "is tomorrow",
    "is tonight",
    "present for",
    "gift for",
    "party",
    "wedding",
    "exam",
    "interview",
    "birthday",
];

/// Wordings of a need in the customer's message.
const NEEDS_SAID: &[&str] = &[
    "need",
    "needs",
    "needed",
    "before",
    "in time",
    "deadline",
    "have to be",
    "days left",
    "by then",
    "at the latest",
    "i want",
    "want it",
    "i have to",
    // The customer's own plans: "I'm driving to Manchester tomorrow".
    "i'm driving",
    "i'm flying",
    "i'm travelling",
    "i'm traveling",
    "i'm leaving",
    "i leave",
];

/// A need with a time in the customer's message ("I need it by Friday",
/// "the concert is on Saturday. I need them before then").
pub(super) fn deadline(said: &Said) -> Option<String> {
    let message = said.text;
    // Only the wordings found anywhere in the message are looked for in
    // each pair of sentences (most messages hold few or none).
    let whole = said.lower.as_str();
    let present = |list: &[&'static str]| said_in(whole, list);
    let (needs_said, events, past, remains_said) = (
        present(NEEDS_SAID),
        present(EVENTS),
        present(&[" last ", " was ", " were ", "yesterday", " ago", " had "]),
        present(&[" left", "remaining", " until "]),
    );
    if needs_said.is_empty() && events.is_empty() && remains_said.is_empty() {
        return None;
    }
    let sentences = crate::text::sentences(message);
    // A sentence with the next one: "The concert is on Saturday. I need them before then."
    let pairs = (0..sentences.len()).map(|i| {
        let end = sentences.get(i + 1).unwrap_or(&sentences[i]).end;
        sentences[i].start..end
    });
    pairs.into_iter().find_map(|span| {
        let sentence = &message[span];
        let lower = crate::text::lower(sentence);
        let needs = needs_said.iter().any(|n| lower.contains(n));
        // An event of the customer's still ahead, with a day: "Term starts
        // Monday", "the party is tomorrow", "a present for Sunday" (not
        // "her birthday dinner on Friday was spoiled").
        let event =
            events.iter().any(|e| lower.contains(e)) && !past.iter().any(|p| lower.contains(p));
        let needs = needs || event;
        // "I have 2 days left": the time that remains is the deadline.
        let remains = remains_said.iter().any(|r| lower.contains(r));
        if !needs && !remains {
            return None;
        }
        let words = future_words(&lower);
        // "2 days left", "3 days of pens left", "until ... 7 days": not
        // "after about 10 hours it was the only thing left".
        let remaining = words.iter().enumerate().any(|(i, w)| {
            ["left", "remaining"].contains(w) && duration(&words[i.saturating_sub(4)..i])
        }) || lower.contains(" until ") && duration(&words) && !held_off(&lower);
        (needs && crate::promises::parse_when(&words).is_some() || remaining)
            .then(|| sentence.to_string())
    })
}

/// "No one can help me until it is 7 days out": a wait imposed before we
/// act is no time the customer has left; the need is the request itself.
fn held_off(lower: &str) -> bool {
    let before = lower.split(" until ").next().unwrap_or(lower);
    [
        "can't",
        "cannot",
        "can not",
        "no one can",
        "nobody can",
        "won't",
        "unable",
    ]
    .iter()
    .any(|p| before.contains(p))
}

/// The words of a sentence without the past times in it ("signed in 2
/// hours ago"): a time gone by is no deadline.
pub(super) fn future_words(lower: &str) -> Vec<&str> {
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_alphanumeric() || c == ':' || c == '\''))
        .filter(|w| !w.is_empty())
        .collect();
    let mut kept = Vec::with_capacity(words.len());
    for (i, w) in words.iter().enumerate() {
        let past = words[i + 1..].iter().take(2).any(|x| *x == "ago");
        if !past && *w != "ago" {
            kept.push(*w);
        }
    }
    kept
}

/// A stretch of time ("2-3 days", "within 48 hours", "a week").
pub(super) fn duration(words: &[&str]) -> bool {
    const UNITS: &[&str] = &[
        "minute", "minutes", "hour", "hours", "day", "days", "week", "weeks", "month", "months",
    ];
    words.windows(2).any(|w| {
        UNITS.contains(&w[1])
            && (w[0].chars().any(|c| c.is_ascii_digit())
                || [
                    "a", "an", "one", "two", "three", "four", "five", "few", "couple",
                ]
                .contains(&w[0]))
    })
}

/// A time given, or a time tied to an event ("as soon as the part arrives").
pub(super) fn names_a_time(draft_lower: &str) -> bool {
    names_a_date(draft_lower) || tied_to_an_event(draft_lower)
}

/// A time on the calendar or the clock, a window, or "now": what answers
/// "when?" (an event with no date does not).
pub(super) fn names_a_date(draft_lower: &str) -> bool {
    let words: Vec<&str> = draft_lower
        .split(|c: char| !(c.is_alphanumeric() || c == ':' || c == '\''))
        .filter(|w| !w.is_empty())
        .collect();
    crate::promises::parse_when(&words).is_some()
        || duration(&words)
        || words.iter().any(|w| {
            let digits = w.trim_end_matches(|c: char| c.is_alphabetic());
            !digits.is_empty()
                && digits.chars().all(|c| c.is_ascii_digit())
                && ["st", "nd", "rd", "th"].contains(&&w[digits.len()..])
        })
        || ["immediately", "already", "right now", "is now", "has now"]
            .iter()
            .any(|p| draft_lower.contains(p))
}

/// "As soon as the part arrives", "once it is back", "before the match":
/// a time tied to an event.
fn tied_to_an_event(draft_lower: &str) -> bool {
    draft_lower.match_indices("as soon as").any(|(i, _)| {
        // "as soon as the part arrives" ties it to an event; "as soon as
        // we can" and "as soon as possible" name no time.
        let after = &draft_lower[i + "as soon as ".len().min(draft_lower.len() - i)..];
        ![
            "possible",
            "we can",
            "i can",
            "they can",
            "he can",
            "she can",
            "we're able",
            "we are able",
            "i'm able",
            "we know",
            "we hear",
        ]
        .iter()
        .any(|p| after.starts_with(p))
    }) || [
        "once the",
        "once it",
        "before the",
        "in time",
        "well before",
    ]
    .iter()
    .any(|p| draft_lower.contains(p))
}

/// What makes the trouble hard to live with: health, a baby, age, being
/// stranded. Each entry is the word the reply would use to speak of it.
const HARDSHIP: &[&str] = &[
    "asthma",
    "diabetic",
    "insulin",
    "epilep",
    "pregnant",
    "disabled",
    "wheelchair",
    "crutches",
    "partially sighted",
    "blind",
    "housebound",
    "oxygen",
    "chemo",
    "newborn",
    "my baby",
    "over seventy",
    "over eighty",
    "stranded",
    "hospital",
    // Cold at home now: "it's freezing", "we're freezing" (not "the app
    // keeps freezing", nor "the room was freezing").
    COLD_NOW[0],
    COLD_NOW[1],
    COLD_NOW[2],
    COLD_NOW[3],
    COLD_NOW[4],
    COLD_NOW[5],
];

/// Being cold now, in the present tense: a hardship still going on, however
/// the failure behind it is dated ("the boiler broke on Thursday and we're
/// freezing").
const COLD_NOW: [&str; 6] = [
    "it's freezing",
    "it is freezing",
    "we're freezing",
    "we are freezing",
    "i'm freezing",
    "i am freezing",
];

/// What the customer says they cannot do because of the trouble ("we can't
/// cook", "I can't get to work", "can't carry them up ourselves"); the verb
/// is the word the reply would use.
const CANNOT: &[&str] = &[
    "cook",
    "work",
    "sleep",
    "wash",
    "shower",
    "bathe",
    "carry",
    "lift",
    "eat",
    "study",
    "walk",
    "get home",
    // Getting to where the customer must be: "I can't get to work".
    "get to work",
    "get to school",
    "get to college",
    "get to class",
    "leave the house",
    "use the kitchen",
    "use the bathroom",
];

/// A hardship the trouble causes the customer ("I have asthma", "we can't
/// cook for the children", "I'm stranded with two kids"), while a failure
/// of ours is reported or nothing is asked (the hardship is then the
/// need), and the trouble is not over: with the word a reply would use.
pub(super) fn hardship(said: &Said, asks: bool) -> Option<(String, &'static str)> {
    let (message, lower) = (said.text, said.lower.as_str());
    // The words first (cheap), the reading of the failure only when found.
    let found = named_hardship(lower)?;
    let reported = || crate::apology::reports_failure(message);
    (!told_as_past(lower) && !crate::apology::resolved(message) && (!asks || reported()))
        .then_some(found)
}

/// An urgent need the customer names beside a request ("I'm in hospital",
/// "she can't walk far"), whatever else they report, unless it is over: a
/// refusal on a rule leaves it unmet.
pub(super) fn urgent(said: &Said) -> Option<String> {
    let (message, lower) = (said.text, said.lower.as_str());
    let (found, _) = named_hardship(lower)?;
    (!told_as_past(lower) && !crate::apology::resolved(message)).then_some(found)
}

/// Ways home or onward whose cancellation strands the customer.
const JOURNEYS: &[&str] = &[
    "train", "flight", "ferry", "bus", "coach", "sailing", "crossing",
];

/// "Our train home was cancelled and the next one is Monday": the
/// customer's own journey cancelled strands them; with the journey's word.
fn stranded(lower: &str) -> Option<(String, &'static str)> {
    if !lower.contains("cancel") {
        return None;
    }
    crate::text::sentences(lower).into_iter().find_map(|s| {
        let sentence = &lower[s];
        let words: Vec<&str> = sentence
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let cancelled = words.iter().any(|w| w.starts_with("cancel"));
        let journey = words
            .iter()
            .find_map(|w| JOURNEYS.iter().find(|j| *j == w).copied());
        journey
            .filter(|_| cancelled && words.iter().any(|w| ["our", "my"].contains(w)))
            .map(|j| (sentence.to_string(), j))
    })
}

/// The hardship named in a lower-cased message, with the reply's word for it.
fn named_hardship(lower: &str) -> Option<(String, &'static str)> {
    if let Some(found) = stranded(lower) {
        return Some(found);
    }
    if let Some(h) = HARDSHIP.iter().find(|h| lower.contains(*h)) {
        let word = h
            .trim_start_matches("i have ")
            .rsplit(' ')
            .next()
            .unwrap_or(h);
        return Some(((*h).to_string(), word));
    }
    ["can't ", "cannot ", "can not ", "unable to "]
        .iter()
        .flat_map(|neg| lower.match_indices(neg).map(move |(i, _)| i + neg.len()))
        .find_map(|at| {
            let after = &lower[at..];
            let clause = after
                .split(['.', ',', '!', '?', ';'])
                .next()
                .unwrap_or(after);
            CANNOT
                .iter()
                .find(|v| {
                    after.starts_with(*v)
                        && !after[v.len()..].starts_with(|c: char| c.is_alphanumeric())
                })
                .map(|v| (clause.to_string(), *v))
                .or_else(|| {
                    // "We can't shift it on our own": any act the customer
                    // cannot do alone.
                    [
                        "ourselves",
                        "myself",
                        "on our own",
                        "on my own",
                        "by ourselves",
                    ]
                    .iter()
                    .any(|a| clause.contains(a))
                    .then(|| {
                        let verb = clause.split_whitespace().next().unwrap_or("");
                        let word = CANNOT.iter().find(|v| **v == verb).copied();
                        (clause.to_string(), word.unwrap_or("alone"))
                    })
                })
        })
}

/// A story of an evening that is over ("at last night's show ...", "on
/// Friday nobody was there"): a complaint to own, not a need to meet now,
/// unless something is still wrong ("we still can't", "hasn't come back").
fn told_as_past(lower: &str) -> bool {
    const PAST: &[&str] = &[
        "last night",
        "yesterday",
        "last week",
        "last month",
        " on monday",
        " on tuesday",
        " on wednesday",
        " on thursday",
        " on friday",
        " on saturday",
        " on sunday",
        "on monday",
        "at tuesday",
        "at monday",
        "at wednesday",
        "at thursday",
        "at friday",
        "at saturday",
        "at sunday",
    ];
    const STILL: &[&str] = &[
        "still", "hasn't", "haven't", "has not", "have not", "can't", "cannot", "since", "isn't",
    ];
    let now = lower
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| w == "now");
    PAST.iter().any(|p| lower.contains(p))
        && !now
        && !STILL.iter().chain(&COLD_NOW).any(|s| lower.contains(s))
}

/// A problem of ours that is still going on ("still no refund", "keeps
/// logging me out", "it's all melted"): a need even without a question.
/// A past experience told as a story ("the staff followed me around") is a
/// complaint to acknowledge, not a request to answer.
pub(super) fn ongoing(said: &Said) -> bool {
    let lower = said.lower.as_str();
    crate::apology::reports_failure(said.text)
        && ([
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
            "since",
        ]
        .iter()
        .any(|m| lower.contains(m))
            || still_counting(lower))
}

/// "For three days now": a stretch of time counted up to the present.
fn still_counting(lower: &str) -> bool {
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words
        .windows(2)
        .any(|w| ["hours", "days", "weeks", "months"].contains(&w[0]) && w[1] == "now")
}

#[cfg(test)]
mod tests {
    use super::{Said, deadline};

    #[test]
    fn a_deadline_is_time_ahead_not_time_gone_or_a_wait_imposed() {
        assert!(deadline(&Said::new("I need my card before Friday.")).is_some());
        assert!(deadline(&Said::new("I've got 3 days of pens left.")).is_some());
        assert!(
            deadline(&Said::new(
                "I have until Friday, 2 days from now, to send it."
            ))
            .is_some()
        );
        assert!(deadline(&Said::new("I need help, I was signed in 2 hours ago.")).is_none());
        assert!(
            deadline(&Said::new(
                "After about 10 hours it was the only thing left."
            ))
            .is_none()
        );
        assert!(
            deadline(&Said::new(
                "I need to cancel but no one can help me until it is 7 days out."
            ))
            .is_none()
        );
    }
}
