//! Days asked for and days given: the day a customer needs something by,
//! read against when the reply is written, and the days and dates a reply
//! names, to tell a day that comes after the one asked for.

use super::needs::future_words;

/// The date a text names, as (month, day) with the months after the
/// deadline's turn of the year counted on ("2 January" after "20 December").
fn dated(text: &str) -> Option<(i8, i8)> {
    with_words(text, crate::promises::calendar_date)
}

/// Every calendar date a reply sentence names, not only its first time
/// ("within 5 working days, so you will have it by 14 December").
fn dates_in(text: &str) -> Vec<(i8, i8)> {
    with_words(text, |words| {
        let mut found: Vec<(i8, i8)> = (0..words.len())
            .filter_map(|i| crate::promises::calendar_date(&words[i..]))
            .collect();
        found.dedup();
        found
    })
}

/// Runs `read` on the lower-cased words of a text (times kept whole: "17:30").
fn with_words<R>(text: &str, read: impl FnOnce(&[&str]) -> R) -> R {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_alphanumeric() || c == ':' || c == '\''))
        .filter(|w| !w.is_empty())
        .collect();
    read(&words)
}

/// The day the customer needs it by ("by Friday", "before the 14th", "no
/// later than 3 December"), read against `now`; not a day to move from or
/// to ("from the 3rd to the following week").
fn needed_by(text: &str, now: &jiff::Zoned) -> Option<jiff::civil::Date> {
    let lower = crate::text::lower(text);
    let words = future_words(&lower);
    let at = words.iter().enumerate().position(|(i, w)| {
        ["by", "before", "until"].contains(w) || *w == "than" && i > 0 && words[i - 1] == "later"
    })?;
    crate::promises::day_named(&words[at + 1..], now)
}

/// Every day a reply sentence names, read against `now` (not only its
/// first time: "within 5 working days, so by Monday 14 December").
fn days_given(sentence: &str, now: &jiff::Zoned) -> Vec<jiff::civil::Date> {
    let words = future_words(sentence);
    let mut found: Vec<jiff::civil::Date> = (0..words.len())
        .filter_map(|i| crate::promises::day_named(&words[i..], now))
        .collect();
    found.dedup();
    found
}

/// The reply says the time asked for cannot be met ("Friday isn't
/// possible", "the earliest is ...", "I'm afraid").
fn owns_delay(reply_lower: &str) -> bool {
    [
        "not possible",
        "isn't possible",
        "can't",
        "cannot",
        "won't make",
        "not in time",
        "too late",
        "earliest",
        "unfortunately",
        "i'm afraid",
        "later than",
        "won't be",
        "not be able",
        "unable",
        "no sooner",
        "not until",
    ]
    .iter()
    .any(|p| reply_lower.contains(p))
}

/// The customer asks for a day or needs it by one, and every day the reply
/// names comes after it without a word that it does ("fitted by Friday?":
/// "our fitter has a slot on Tuesday the 15th"). `need`: the customer's
/// sentence or ask; `reply_lower`: the draft lower-cased.
pub(super) fn later_than_asked(need: &str, reply_lower: &str, now: &jiff::Zoned) -> bool {
    let Some(by) = needed_by(need, now) else {
        return false;
    };
    // A day gone by ("it went out on Tuesday") is no day given.
    let past = |s: &str| {
        crate::text::plain_words(s).any(|w| {
            [
                "was",
                "were",
                "went",
                "yesterday",
                "last",
                "ago",
                "had",
                "did",
            ]
            .contains(&w)
        })
    };
    let mut days = crate::text::sentences(reply_lower)
        .into_iter()
        .map(|s| &reply_lower[s])
        .filter(|s| !past(s))
        .flat_map(|s| days_given(s, now))
        .peekable();
    days.peek().is_some() && days.all(|d| d > by) && !owns_delay(reply_lower)
}

/// The reply names dates, and every one falls after the date of the
/// customer's deadline ("ready on 22 December" for a wedding on the 19th).
pub(super) fn misses_deadline(need: &str, reply: &str) -> bool {
    let Some((month, day)) = dated(need) else {
        return false;
    };
    let key = |(m, d): (i8, i8)| {
        let m = if m + 6 < month { m + 12 } else { m };
        (m, d)
    };
    let dates: Vec<(i8, i8)> = crate::text::sentences(reply)
        .into_iter()
        .flat_map(|s| dates_in(&reply[s]))
        .collect();
    !dates.is_empty() && dates.into_iter().all(|d| key(d) > (month, day))
}
