//! Stance read from sentence structure rather than from stock phrases:
//! who is the subject of the cause, what a hedge is attached to, what an
//! imperative asks the customer to do, and where a rebuttal points.

/// Words of a lower-cased sentence, apostrophes kept ("you'd").
pub(super) fn words(lower: &str) -> Vec<&str> {
    crate::text::plain_words(lower).collect()
}

/// "If you'd reported it at once, the calls wouldn't have gone through",
/// "Had you arrived in time, ...": a counterfactual whose condition is the
/// customer's own past action and whose result is the problem.
pub(super) fn counterfactual(lower: &str, w: &[&str]) -> bool {
    let condition = w.windows(3).any(|x| {
        x[0] == "if"
            && (x[1] == "you'd" || x[1] == "you" && ["had", "hadn't", "didn't"].contains(&x[2]))
    }) || w.windows(2).any(|x| x[0] == "had" && x[1] == "you");
    let result = w
        .iter()
        .any(|x| ["would", "wouldn't", "could", "couldn't", "needed"].contains(x))
        || lower.contains("down to");
    condition && result
}

/// Words that open a noun phrase ("the estimate you signed").
const DETERMINERS: &[&str] = &[
    "the", "this", "that", "these", "those", "your", "any", "every", "each", "a", "an",
];

/// Words after a determiner that are no noun ("the one", "that you").
const NOT_NOUNS: &[&str] = &["one", "ones", "way", "fact", "time", "moment", "day"];

/// "The estimate you signed", "the generation you missed": the customer's
/// act at `at` ("you") sits in a clause that describes a thing, so the
/// customer is not the subject of the sentence's cause.
/// A comma between the noun and "you" ("looking at your order, you chose
/// ...") ends the noun phrase: `lower` is checked for the two words side by side.
pub(super) fn describes_thing(lower: &str, w: &[&str], at: usize) -> bool {
    let noun = |i: usize| {
        let x = w[i];
        !DETERMINERS.contains(&x) && !NOT_NOUNS.contains(&x) && !HEDGES.contains(&x)
    };
    let phrase = (at >= 2 && DETERMINERS.contains(&w[at - 2]) && noun(at - 1))
        || (at >= 3 && DETERMINERS.contains(&w[at - 3]) && noun(at - 2) && noun(at - 1));
    phrase && lower.contains(&format!("{} {}", w[at - 1], w[at]))
}

/// Hedges that turn a statement into a guess.
const HEDGES: &[&str] = &[
    "perhaps",
    "probably",
    "likely",
    "presumably",
    "possibly",
    "suspect",
];

/// Words after "you" that do not make the customer the doer of a past act
/// ("you can", "you'll", "you may wish").
const NOT_PAST: &[&str] = &[
    "can", "could", "will", "would", "should", "need", "want", "like", "are", "re", "wish",
    "might", "may", "please", "to", "have", "a", "the",
];

/// "Perhaps you misheard", "You've probably signed up with another address",
/// "Most likely you filled up on the ring road", "It sounds like you may have
/// selected the wrong size": a guess that the customer caused it.
pub(super) fn guessed_fault(lower: &str, w: &[&str]) -> bool {
    let hedged = w.iter().any(|x| HEDGES.contains(x))
        || lower.contains("sounds like you")
        || lower.contains("looks like you");
    if !hedged {
        return false;
    }
    w.windows(3).enumerate().any(|(i, x)| match x[0] {
        _ if describes_thing(lower, w, i) => false,
        "you've" | "you'd" => true,
        "you" => {
            // "you may have selected", "you must have", "you misheard".
            (["may", "might", "must"].contains(&x[1]) && x[2] == "have")
                || (!NOT_PAST.contains(&x[1]) && past_form(x[1]))
                || (HEDGES.contains(&x[1]) && past_form(x[2]))
        }
        _ => false,
    })
}

/// "Maybe your router had a fault of its own": a guess that the fault lies
/// in the customer's own thing.
pub(super) fn guessed_own_fault(w: &[&str]) -> bool {
    let hedged = w.iter().any(|x| HEDGES.contains(x) || *x == "maybe");
    hedged
        && w.iter().enumerate().any(|(i, x)| {
            *x == "your"
                && w[i + 1..]
                    .iter()
                    .take(3)
                    .any(|v| ["had", "has", "was"].contains(v))
                && w[i + 1..]
                    .iter()
                    .take(7)
                    .any(|v| ["fault", "faulty", "issue", "problem"].contains(v))
        })
}

/// Careless acts a question can pin on the customer ("did you force it?").
const CARELESS: &[&str] = &[
    "force",
    "forced",
    "forcing",
    "drop",
    "dropped",
    "dropping",
    "knock",
    "knocked",
    "overfill",
    "overfilled",
    "overfilling",
    "overload",
    "overloaded",
    "overloading",
    "overtighten",
    "overtightened",
    "bend",
    "bent",
    "spill",
    "spilled",
    "spilt",
    "misuse",
    "misused",
    "mishandle",
    "mishandled",
    "tamper",
    "tampered",
    "yank",
    "yanked",
    "bang",
    "banged",
];

/// "Did you force it?", "Were you overloading it?": a question that
/// guesses a careless act of the customer's as the cause.
pub(super) fn careless_question(lower: &str, w: &[&str]) -> bool {
    lower.trim_end().ends_with('?')
        && w.windows(2).any(|x| {
            ["did", "have", "were", "could", "might", "sure"].contains(&x[0])
                && ["you", "you've"].contains(&x[1])
        })
        && w.iter().any(|x| CARELESS.contains(x))
}

/// A rough past form: regular "-ed", or an irregular verb a customer is
/// told they did.
fn past_form(word: &str) -> bool {
    (word.len() > 4 && word.ends_with("ed") && !word.ends_with("eed"))
        || [
            "misheard", "misread", "forgot", "left", "put", "got", "made", "took", "sent", "gave",
            "dropped", "broke", "did", "didn't", "hadn't", "haven't", "bought", "chose", "set",
            "ran", "drove", "fell", "lost",
        ]
        .contains(&word)
}

/// Verbs of the imperative that send the customer back to their own reading.
const READ_VERBS: &[&str] = &["read", "check", "consult", "review", "reread", "re-read"];

/// Acts of getting in touch a lecture puts after "before".
const CONTACT: &[&str] = &[
    "contacting",
    "messaging",
    "emailing",
    "e-mailing",
    "writing",
    "calling",
    "phoning",
    "ringing",
    "complaining",
    "asking",
    "getting",
    "reaching",
];

/// "Read the email we sent you", "Check your trip history before messaging
/// us", "read it before contacting us again": the customer told to do their
/// homework, so the fault is theirs for asking.
pub(super) fn homework(w: &[&str]) -> bool {
    let before_contact = w
        .windows(2)
        .any(|x| x[0] == "before" && CONTACT.contains(&x[1]));
    let start = w
        .iter()
        .position(|x| !["please", "just", "so", "and", "kindly"].contains(x))
        .unwrap_or(0);
    let imperative = w.get(start).is_some_and(|v| READ_VERBS.contains(v));
    let reads_ours = w.get(start).is_some_and(|v| *v == "read")
        && w.iter().skip(start + 1).take(3).any(|x| {
            [
                "the",
                "our",
                "your",
                "it",
                "faq",
                "email",
                "instructions",
                "manual",
                "terms",
            ]
            .contains(x)
        });
    // "Check your trip history before messaging us" sends them to their own
    // papers; "check with your neighbours first" asks for help, not homework.
    let papers = w.iter().any(|x| {
        [
            "history",
            "account",
            "inbox",
            "email",
            "emails",
            "statement",
            "confirmation",
            "faq",
            "terms",
            "instructions",
            "manual",
            "website",
            "guide",
            "spam",
        ]
        .contains(x)
    });
    (before_contact && (w.contains(&"read") || imperative && papers)) || reads_ours
}

/// Predicates that move the fault or the job onto someone else.
const HANDS_OFF: &[&str] = &[
    "lies with",
    "lie with",
    "rests with",
    "a matter for",
    "is a matter",
    "are a matter",
    "is down to",
    "was down to",
    "comes down to",
    "came down to",
    "is up to the",
];

/// Whom a third-party redirect names ("contact the seller", "check with
/// your bank"): anyone but us.
const THIRD_PARTIES: &[&str] = &[
    "seller",
    "retailer",
    "manufacturer",
    "bank",
    "courier",
    "carrier",
    "insurer",
    "landlord",
    "provider",
    "supplier",
    "restaurant",
    "airline",
    "agent",
    "handler",
    "contractor",
    "council",
    "post",
    "network",
    "shop",
    "store",
    "vendor",
    "maker",
    "brand",
    "card",
];

/// "The issue lies with them", "returns are a matter for the retailer",
/// "please contact the seller", "check with your bank": the fault or the job
/// handed to someone else, said plainly.
pub(super) fn hands_off(lower: &str, w: &[&str]) -> bool {
    let ours = |x: &str| ["us", "our", "ours", "we", "me"].contains(&x);
    // Every hand-off wording holds one of these: most sentences hold none.
    let possible = ["with", "matter", "down to", "up to the"]
        .iter()
        .any(|k| lower.contains(k));
    let predicate = possible
        && HANDS_OFF.iter().any(|p| {
            lower.match_indices(p).any(|(at, _)| {
                let mut next = crate::text::words(&lower[at + p.len()..]).map(|(_, w)| w);
                let (first, second) = (next.next(), next.next());
                first.is_none_or(|n| !ours(n))
                    && ![first, second]
                        .into_iter()
                        .flatten()
                        .any(|n| ["us", "our", "we"].contains(&n))
            })
        });
    let redirect = w.windows(4).any(|x| {
        // "contact the seller", "check with your bank", "speak to your bank".
        let verb = x[0] == "contact"
            || (["check", "checking", "speak", "talk", "raise", "take"].contains(&x[0])
                && ["with", "to"].contains(&x[1]));
        let rest = if x[0] == "contact" { &x[1..] } else { &x[2..] };
        verb && ["the", "your"].contains(&rest[0])
            && rest[1..]
                .iter()
                .any(|n| THIRD_PARTIES.contains(&n.trim_end_matches('s')))
    });
    predicate || redirect
}

/// "The bill stands.", "The invoice is correct.": a closing verdict that the
/// thing the customer disputes is right.
pub(super) fn verdict(w: &[&str]) -> bool {
    let w: Vec<&str> = w.iter().copied().filter(|x| *x != "still").collect();
    let disputed = [
        "bill",
        "charge",
        "fee",
        "invoice",
        "fine",
        "penalty",
        "decision",
        "reading",
        "amount",
        "price",
        "figure",
        "balance",
        "statement",
    ];
    match w.as_slice() {
        [.., n, "stands"] => disputed.contains(n),
        [
            ..,
            n,
            "is" | "was",
            "correct" | "right" | "valid" | "accurate",
        ] => disputed.contains(n),
        _ => false,
    }
}

/// "I don't accept that ...", "I don't agree that credits are due",
/// "I'm not aware of anyone promising ...", "There is no record of any
/// such promise": the customer's account denied in the first person or
/// from the record.
pub(super) fn denial(lower: &str) -> bool {
    [
        "i don't accept",
        "i do not accept",
        "we don't accept",
        "i don't agree",
        "i do not agree",
        "we don't agree",
        "i'm not aware of any",
        "i am not aware of any",
        "we're not aware of any",
        "there is no record of",
        "there's no record of",
        "we have no record of",
        "could not have come from",
        "couldn't have come from",
        "could not have been",
        "couldn't have been",
    ]
    .iter()
    .any(|p| lower.contains(p))
}

/// Nouns for what our side keeps on record.
const RECORD_NOUNS: &[&str] = &[
    "records",
    "record",
    "logs",
    "log",
    "notes",
    "sheet",
    "system",
    "systems",
    "monitoring",
    "data",
    "history",
    "report",
    "reports",
    "tracking",
    "footage",
    "readings",
];

/// Where "our [booking|machine|call] records|logs|notes" opens in the
/// sentence: a possessive, up to three modifiers, a record noun.
pub(super) fn record_holder(lower: &str) -> Option<usize> {
    let mut offset = 0;
    let tokens: Vec<(usize, &str)> = lower
        .split_inclusive(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '-'))
        .map(|t| {
            let at = offset;
            offset += t.len();
            (
                at,
                t.trim_end_matches(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '-')),
            )
        })
        .filter(|(_, t)| !t.is_empty())
        .collect();
    tokens.iter().enumerate().find_map(|(i, (at, t))| {
        (*t == "our" || t.ends_with("'s") && i > 0 && tokens[i - 1].1 == "our")
            .then(|| {
                tokens[i + 1..]
                    .iter()
                    .take(4)
                    .any(|(_, n)| RECORD_NOUNS.contains(n))
                    .then_some(*at)
            })
            .flatten()
    })
}

/// "You say you never got the lamp, but ...", "You claim the tank was full;
/// however ...": the customer's account reported back only to be rebutted.
pub(super) fn rebutted_account(w: &[&str]) -> bool {
    let reports = w.windows(2).any(|x| {
        ["you", "you've"].contains(&x[0])
            && [
                "say", "said", "claim", "claimed", "state", "stated", "insist", "maintain",
            ]
            .contains(&x[1])
    });
    reports
        && w.iter()
            .any(|x| ["but", "however", "yet", "although"].contains(x))
}

/// Number words a correction can set against each other.
const NUMBERS: &[&str] = &[
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "once", "twice",
];

/// "Your booking was for one night, not two": a count corrected.
pub(super) fn count_corrected(lower: &str) -> bool {
    lower.match_indices(", not ").any(|(at, _)| {
        let before = words(&lower[..at]);
        let after = words(&lower[at + 6..]);
        before.iter().rev().take(3).any(|w| number(w)) && after.first().is_some_and(|w| number(w))
    })
}

fn number(w: &str) -> bool {
    NUMBERS.contains(&w) || w.chars().all(|c| c.is_ascii_digit())
}

/// What the customer wrote or filled in, held up against them ("your own
/// email", "as you wrote in your booking").
const THEIR_PAPERS: &[&str] = &[
    "email",
    "e-mail",
    "message",
    "messages",
    "words",
    "booking",
    "order",
    "form",
    "application",
    "letter",
    "note",
    "request",
    "chat",
    "call",
    "reply",
    "post",
    "review",
    "basket",
];

/// Verbs of saying or choosing that quote the customer back at themselves.
const QUOTED: &[&str] = &[
    "wrote",
    "said",
    "stated",
    "confirmed",
    "agreed",
    "specified",
    "indicated",
    "put",
    "chose",
    "selected",
    "ordered",
    "booked",
    "accepted",
    "approved",
    "signed",
    "entered",
    "ticked",
];

/// "In your own email you wrote ...", "As you wrote in your booking, ...",
/// "You booked the double room yourself": the customer's own earlier words
/// or act quoted back at them to win the point.
pub(super) fn quoted_back(w: &[&str]) -> bool {
    let own_papers = w
        .windows(3)
        .any(|x| x[0] == "your" && x[1] == "own" && THEIR_PAPERS.contains(&x[2]));
    let as_you_wrote = w.windows(6).any(|x| {
        x[0] == "as"
            && x[1] == "you"
            && QUOTED.contains(&x[2])
            && x[3] == "in"
            && x[4] == "your"
            && THEIR_PAPERS.contains(&x[5])
    });
    own_papers || as_you_wrote || own_act_emphasised(w)
}

/// "You booked the Classic Double yourself", "you chose it yourself": a past
/// act of the customer's, stressed as theirs alone.
pub(super) fn own_act_emphasised(w: &[&str]) -> bool {
    let Some(at) = w.iter().position(|x| *x == "yourself") else {
        return false;
    };
    w[..at]
        .windows(2)
        .any(|x| x[0] == "you" && (QUOTED.contains(&x[1]) || past_form(x[1]) && x[1] != "need"))
}

/// Damage that points at the customer's handling ("water damage", "signs
/// of misuse").
const HANDLING_DAMAGE: &[(&str, &str)] = &[
    ("water", "damage"),
    ("liquid", "damage"),
    ("impact", "damage"),
    ("physical", "damage"),
    ("drop", "damage"),
];

/// What a diagnosis says: found, shows, caused by, consistent with.
const DIAGNOSED: &[&str] = &[
    "found",
    "find",
    "shows",
    "showed",
    "show",
    "signs",
    "sign",
    "caused",
    "due",
    "consistent",
    "indicates",
    "indicate",
    "evidence",
    "result",
    "because",
];

/// "Our technician found signs of water damage", "the fault is due to
/// misuse": damage diagnosed as the customer's doing. Damage named as what
/// is covered or repaired ("water damage from a burst pipe is covered") is
/// no guess at their fault.
pub(super) fn diagnosed_damage(lower: &str, w: &[&str]) -> bool {
    if !lower.contains("damage") && !lower.contains("misuse") {
        return false;
    }
    let damage = w.iter().any(|x| x.starts_with("misuse"))
        || w.windows(2).any(|x| {
            HANDLING_DAMAGE
                .iter()
                .any(|(a, b)| x[0] == *a && x[1] == *b)
        });
    damage && w.iter().any(|x| DIAGNOSED.contains(x))
}

/// "Keep an eye on your letterbox for a white envelope": watching for what
/// we send, not advice on the customer's conduct.
pub(super) fn watching_for_ours(lower: &str) -> bool {
    lower
        .find("keep an eye on your")
        .is_some_and(|at| lower[at..].contains(" for "))
}

/// "..., not ours, so there is nothing to pay": a sentence that lifts a
/// cost off the customer passes no buck, whoever it names.
pub(super) fn lifts_cost(lower: &str) -> bool {
    [
        "nothing to pay",
        "no fee",
        "no charge",
        "free of charge",
        "waive",
        "won't be charged",
        "will not be charged",
        "at no cost",
    ]
    .iter()
    .any(|p| lower.contains(p))
}
