//! Whose failure it is: the customer's own act or slip, a fix they tried,
//! or a third party's doing, none of which owes an apology from us.

use super::table;
use crate::phrases::PhraseTable;
use std::sync::LazyLock;

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

/// "I reinstalled it, which didn't work", "tried another card but it did
/// not work": a fix the customer tried that failed, not a failure of ours.
pub(super) fn failed_remedy(before: &str, from: &str) -> bool {
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
pub(super) fn own_act(before: &str, from: &str) -> bool {
    let subject = before
        .rsplit(|c: char| !(c.is_alphanumeric() || c == '\''))
        .find(|w| {
            !w.is_empty() && !["just", "accidentally", "also", "then", "already"].contains(w)
        });
    let verb = from
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty());
    // "I left my phone", "someone broke into it", "he dropped me money",
    // "I already cancelled my subscription": not our act.
    subject.is_some_and(|s| {
        [
            "i", "we", "i've", "we've", "someone", "somebody", "he", "she", "friend",
        ]
        .contains(&s)
    }) && verb.is_some_and(|v| {
        [
            "left",
            "dropped",
            "forgot",
            "deleted",
            "lost",
            "broke",
            "cancelled",
            "canceled",
        ]
        .contains(&v)
    })
}

/// People whose troubles are their own: "my friend's wedding was cancelled".
const PEOPLE: &[&str] = &[
    "friend",
    "sister",
    "brother",
    "mum",
    "mom",
    "mother",
    "dad",
    "father",
    "wife",
    "husband",
    "partner",
    "son",
    "daughter",
    "boss",
    "neighbour",
    "neighbor",
    "cousin",
    "colleague",
    "girlfriend",
    "boyfriend",
];

/// Traders on a marketplace, named as a crowd that is not us: "sellers on
/// the site are profiteering". The one seller of the customer's own order
/// ("the seller never sent it") is not among them: the marketplace answers
/// for that sale.
const TRADERS: &[&str] = &["sellers", "vendors", "merchants", "resellers"];

/// Whether the failure belongs to a third party: a person's own affair
/// named just before it ("my friend's wedding was cancelled"), another
/// party named as its doer ("my landlord forgot", "their mistake"), or traders
/// on a marketplace named in the sentence ("many sellers here are
/// profiteering, my orders never came"), where the failure is theirs.
pub(super) fn third_party(sentence: &str, before: &str) -> bool {
    let before = before.replace('’', "'");
    let words: Vec<&str> = crate::text::plain_words(&before).collect();
    let affair = words.iter().rev().take(3).any(|w| {
        w.strip_suffix("'s")
            .or_else(|| w.strip_suffix("s'"))
            .is_some_and(|owner| PEOPLE.contains(&owner))
    });
    let lower = sentence.to_lowercase();
    // "My landlord forgot ...", "the airline lost my suitcase (their
    // mistake)": another party the customer names as the doer.
    let named_doer = words
        .windows(2)
        .any(|x| ["my", "the"].contains(&x[0]) && PARTIES.contains(&x[1]))
        || lower
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .windows(2)
            .any(|x| x[0] == "their" && ["mistake", "error", "fault"].contains(&x[1]));
    affair
        || named_doer
        || crate::text::words(&lower)
            .map(|(_, w)| w)
            .any(|w| TRADERS.contains(&w))
}

/// Parties other than us a customer deals with: "my landlord", "the airline".
const PARTIES: &[&str] = &[
    "employer",
    "landlord",
    "landlady",
    "airline",
    "insurer",
    "council",
    "school",
    "university",
    "builder",
    "agent",
];

/// "I typed the wrong date", "my mistake": the customer owns the slip.
pub(super) fn own_slip(sentence: &str) -> bool {
    if SELF_SLIP.any(sentence) {
        return true;
    }
    let lower = format!(" {} ", crate::text::lower(sentence));
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
