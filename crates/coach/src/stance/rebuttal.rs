//! Arguing with the customer's account: our records set against it, and
//! a correction of it point by point.

use super::structure;

/// Who or what holds the records we set against the customer.
const RECORD_HOLDERS: &[&str] = &[
    "our records",
    "our record",
    "our logs",
    "the logs",
    "our system",
    "our systems",
    "the system",
    "our data",
    "our tests",
    "our monitoring",
    "our booking system",
    "gps",
    "technician reports",
    "engineer reports",
    "driver reports",
    "rider confirmed",
    "driver confirmed",
    "delivery partner advises",
    "our delivery partner",
    "our driver",
    "the driver attempted",
];
const RECORD_VERBS: &[&str] = &[
    "show",
    "shows",
    "showed",
    "indicate",
    "indicates",
    "confirm",
    "confirms",
    "confirmed",
    "record",
    "recorded",
    "reports",
    "advises",
    "says",
    "attempted",
    "according",
];

/// "Our logs show the PIN was entered": records set against the customer.
/// An explanation that offers to look again is not a rebuttal.
pub(super) fn records_against(lower: &str) -> bool {
    let Some(at) = RECORD_HOLDERS
        .iter()
        .filter_map(|h| lower.find(h))
        .chain(structure::record_holder(lower))
        .min()
    else {
        return false;
    };
    let rest = &lower[at..];
    let asserts = rest
        .split(|c: char| !c.is_alphanumeric())
        .take(8)
        .any(|w| RECORD_VERBS.contains(&w));
    // Records that support the customer ("our records show the booster was
    // given, so you're covered") are no rebuttal: a rebuttal denies or insists.
    let denies = [
        " no ",
        " not ",
        "never",
        "n't",
        "correct",
        "delivered",
        "as scheduled",
        "normally",
        "your team",
        "by you",
        " you ",
    ]
    .iter()
    .any(|p| format!(" {rest} ").contains(p));
    let reopens = [
        "let me",
        "i'll check",
        "i will check",
        "look into",
        "investigat",
        "i've asked",
        "i have asked",
        "check again",
        "doesn't match",
        "does not match",
    ]
    .iter()
    .any(|p| lower.contains(p));
    asserts && denies && !reopens
}

/// "On Monday afternoon, not Monday morning": correcting the customer's
/// account point by point.
pub(super) fn correction(lower: &str) -> bool {
    let Some(at) = lower.find(", not ") else {
        return false;
    };
    let before: Vec<&str> = lower[..at].split_whitespace().rev().take(3).collect();
    let after: Vec<&str> = lower[at + 6..].split_whitespace().take(3).collect();
    before.iter().any(|w| {
        w.len() >= 4
            && after
                .iter()
                .any(|a| a.trim_matches(|c: char| !c.is_alphanumeric()) == *w)
    })
}
