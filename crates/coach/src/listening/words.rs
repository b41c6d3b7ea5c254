//! How the words of an ask and of a reply are compared: stems, help-desk
//! synonyms, codes and acronyms.

/// Help-desk synonyms: a word of a group in the reply answers a word of
/// the same group in the ask.
const SYNONYMS: &[&[&str]] = &[
    &[
        "refund",
        "money",
        "compensation",
        "compensate",
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
        "courier", "track", "tracking", "send", "sent", "dispatch", "post", "posted", "mail",
        "mailed",
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
        "invoice", "bill", "billing", "receipt", "charge", "charged", "payment", "fee", "paid",
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

pub(super) fn stem(word: &str) -> &str {
    let w = crate::text::trim_possessive(word);
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
static GROUPS: std::sync::LazyLock<crate::text::WordMap<usize>> = std::sync::LazyLock::new(|| {
    let mut map = crate::text::WordMap::default();
    for (i, group) in SYNONYMS.iter().enumerate() {
        for word in *group {
            map.entry(word.to_string()).or_insert(i);
            map.entry(stem(word).to_string()).or_insert(i);
        }
    }
    map
});

/// The money groups (refund, billing): an ask about money is answered by
/// any word about money.
pub(super) const MONEY: [usize; 2] = [0, 6];

/// The replacement group, also answered by "a new one" / "a new <thing>".
pub(super) const REPLACEMENT: usize = 1;

pub(super) fn group(word: &str) -> Option<usize> {
    GROUPS.get(word).or_else(|| GROUPS.get(stem(word))).copied()
}

/// Codes and acronyms ("PUK", "SSO", "5521"), lower-cased: short but specific.
pub(super) fn codes(text: &str) -> Vec<String> {
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

pub(super) fn split_words(lower: &str) -> Vec<&str> {
    lower
        .split(|c: char| !(c.is_alphanumeric() || c == ':' || c == '\''))
        .filter(|w| !w.is_empty())
        .collect()
}
