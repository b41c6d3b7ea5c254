//! Where the reply stands against the customer, read sentence by sentence
//! from its structure rather than from stock phrases alone:
//!
//! - arguing: our records, logs or staff set against the customer's account
//!   with no apology or offer to look again; doubting what they report
//!   (other customers as evidence, "unlikely", "are you sure"); insisting
//!   that what they dispute is correct;
//! - blame: the customer as the subject of a past action given as the cause
//!   ("you entered ..., so ..."), a guess at their fault ("usually caused
//!   by", "on your end"), a lecture ("be more careful", "next time");
//!   the fault put on a third party said plainly ("the responsibility of",
//!   "not us", "contact them directly");
//! - rude: scolding, sarcasm (rhetorical tag questions, mock surprise),
//!   contempt, and a curt reply of a few words.

mod reported;
mod structure;

use crate::phrases::PhraseTable;
use crate::{Advice, Check, Finding, Severity};
use std::ops::Range;
use std::sync::LazyLock;

/// Why a phrase counts, for the explanation and the rewrite.
pub struct Cue {
    check: Check,
    explanation: &'static str,
    suggestion: Advice,
}

static RECORDS: Cue = Cue {
    check: Check::Arguing,
    explanation: "sets our records against the customer's account without offering to look again",
    suggestion: Advice::RecordsAndCheck,
};
static DOUBT: Cue = Cue {
    check: Check::Arguing,
    explanation: "doubts what the customer reports",
    suggestion: Advice::TakeTheirAccount,
};
static INSIST: Cue = Cue {
    check: Check::Arguing,
    explanation: "insists we are right instead of looking at what the customer reports",
    suggestion: Advice::ExplainTheFigure,
};
static CUSTOMER_CAUSE: Cue = Cue {
    check: Check::Blame,
    explanation: "blames the customer: their own action is quoted back as the cause",
    suggestion: Advice::FixWithoutPointing,
};
static GUESS: Cue = Cue {
    check: Check::Blame,
    explanation: "guesses at the customer's fault",
    suggestion: Advice::AskNeutrally,
};
static LECTURE: Cue = Cue {
    check: Check::Blame,
    explanation: "lectures the customer on what they should do",
    suggestion: Advice::NextStepNotAdvice,
};
static MISREAD: Cue = Cue {
    check: Check::Blame,
    explanation: "suggests the customer misread their own papers",
    suggestion: Advice::CheckYourself,
};
static TALKING_DOWN: Cue = Cue {
    check: Check::Rude,
    explanation: "talks down to the customer: advice on their behaviour reads as a telling-off",
    suggestion: Advice::NextStepPlainly,
};
static THIRD_PARTY: Cue = Cue {
    check: Check::Blame,
    explanation: "passes the buck to someone else: to the customer, we are the company",
    suggestion: Advice::OwnTheChase,
};
static SCOLD: Cue = Cue {
    check: Check::Rude,
    explanation: "scolding or contemptuous: the customer will remember the tone",
    suggestion: Advice::PlainlyAndKindly,
};
static SARCASM: Cue = Cue {
    check: Check::Rude,
    explanation: "sarcasm: it mocks the customer",
    suggestion: Advice::SayPlainly,
};

static TABLE: LazyLock<PhraseTable<Cue>> = LazyLock::new(|| {
    let c = |cue: &'static Cue| Some(cue);
    PhraseTable::new(&[
        // Doubt: other customers as evidence, disbelief.
        ("hard to believe", c(&DOUBT)),
        ("hard to credit", c(&DOUBT)),
        ("difficult to believe", c(&DOUBT)),
        ("seems unlikely", c(&DOUBT)),
        ("that is unlikely", c(&DOUBT)),
        ("that's unlikely", c(&DOUBT)),
        ("highly unlikely", c(&DOUBT)),
        ("very unlikely", c(&DOUBT)),
        ("are you sure", c(&DOUBT)),
        ("are you certain", c(&DOUBT)),
        ("nobody else", c(&DOUBT)),
        ("no one else", c(&DOUBT)),
        ("no other customer", c(&DOUBT)),
        ("no other customers", c(&DOUBT)),
        ("no other guest", c(&DOUBT)),
        ("no other guests", c(&DOUBT)),
        ("everyone else", c(&DOUBT)),
        ("for everybody else", c(&DOUBT)),
        ("all our other", c(&DOUBT)),
        ("our other customers", c(&DOUBT)),
        ("turn out to be", c(&DOUBT)),
        ("turns out to be", c(&DOUBT)),
        ("felt longer", c(&DOUBT)),
        ("seemed longer", c(&DOUBT)),
        ("very surprising", c(&DOUBT)),
        ("that's surprising", c(&DOUBT)),
        ("can't have", c(&DOUBT)),
        ("cannot have", c(&DOUBT)),
        ("perhaps you are", c(&MISREAD)),
        ("perhaps you're", c(&MISREAD)),
        ("maybe you are", c(&MISREAD)),
        ("maybe you're", c(&MISREAD)),
        ("you may be looking", c(&MISREAD)),
        ("you might be looking", c(&MISREAD)),
        ("you are looking at", c(&MISREAD)),
        ("you're looking at", c(&MISREAD)),
        ("just doing her job", c(&DOUBT)),
        ("just doing his job", c(&DOUBT)),
        ("just doing their job", c(&DOUBT)),
        ("is deemed", c(&INSIST)),
        ("deemed to have", c(&INSIST)),
        ("if you look again", c(&DOUBT)),
        ("works perfectly", c(&INSIST)),
        ("works fine", c(&INSIST)),
        ("working fine", c(&INSIST)),
        ("downloads fine", c(&INSIST)),
        ("fine for everyone", c(&INSIST)),
        ("fine for everybody", c(&INSIST)),
        ("fine for all", c(&INSIST)),
        ("working as it should", c(&INSIST)),
        ("working as they should", c(&INSIST)),
        ("working as intended", c(&INSIST)),
        ("working as expected", c(&INSIST)),
        ("no fault was found", c(&INSIST)),
        ("there was no bug", c(&INSIST)),
        ("there is no bug", c(&INSIST)),
        ("nothing wrong with", c(&INSIST)),
        ("the charge stands", c(&INSIST)),
        ("is accurate", c(&INSIST)),
        ("are accurate", c(&INSIST)),
        ("is correct", c(&INSIST)),
        ("are correct", c(&INSIST)),
        ("was correct", c(&INSIST)),
        ("is correct now", None),
        ("is now correct", None),
        ("the fee stands", c(&INSIST)),
        ("the decision stands", c(&INSIST)),
        ("was taken correctly", c(&INSIST)),
        ("was charged correctly", c(&INSIST)),
        ("were charged correctly", c(&INSIST)),
        ("was applied correctly", c(&INSIST)),
        ("was delivered successfully", c(&INSIST)),
        ("ran as scheduled", c(&INSIST)),
        ("on our side", None),
        // Guesses at the customer's fault.
        ("on your end", c(&GUESS)),
        // Asking what the customer sees is no guess at their fault.
        ("seeing on your end", None),
        ("see on your end", None),
        ("showing on your end", None),
        ("shows on your end", None),
        ("appears on your end", None),
        ("on your side", c(&GUESS)),
        ("at your end", c(&GUESS)),
        ("with your file", c(&GUESS)),
        ("your home network", c(&GUESS)),
        ("your own network", c(&GUESS)),
        ("usually caused by", c(&GUESS)),
        ("almost always caused by", c(&GUESS)),
        ("normally caused by", c(&GUESS)),
        ("usually happens when", c(&GUESS)),
        ("usually happens if", c(&GUESS)),
        ("this happens when you", c(&GUESS)),
        ("this happens if you", c(&GUESS)),
        ("water damage", c(&GUESS)),
        ("misuse", c(&GUESS)),
        ("a third-party charger", c(&GUESS)),
        ("a cheap charger", c(&GUESS)),
        ("a cheap adapter", c(&GUESS)),
        ("a cheap cable", c(&GUESS)),
        ("non-original", c(&GUESS)),
        ("checked carefully", c(&GUESS)),
        ("check carefully", c(&GUESS)),
        ("looked properly", c(&GUESS)),
        ("look properly", c(&GUESS)),
        ("did you even", c(&LECTURE)),
        ("do you even", c(&LECTURE)),
        ("should always", c(&GUESS)),
        ("by the customer", c(&CUSTOMER_CAUSE)),
        // Lectures.
        ("be more careful", c(&LECTURE)),
        ("earlier next time", c(&LECTURE)),
        ("more carefully next time", c(&LECTURE)),
        ("next time, please", c(&LECTURE)),
        ("next time please", c(&LECTURE)),
        ("next time make sure", c(&LECTURE)),
        ("in future, please", c(&LECTURE)),
        ("in future please", c(&LECTURE)),
        ("in future make sure", c(&LECTURE)),
        ("make sure you read", c(&LECTURE)),
        ("take more care", c(&LECTURE)),
        ("pay more attention", c(&LECTURE)),
        ("keep an eye on your", c(&LECTURE)),
        // Where our message will arrive, not their conduct watched.
        ("keep an eye on your email", None),
        ("keep an eye on your emails", None),
        ("keep an eye on your spam", None),
        ("keep an eye on your phone", None),
        ("before contacting us", c(&SCOLD)),
        ("before you contact us", c(&SCOLD)),
        ("before opening a ticket", c(&SCOLD)),
        ("before raising a ticket", c(&SCOLD)),
        ("before complaining", c(&SCOLD)),
        ("try reading", c(&LECTURE)),
        ("have you tried looking", c(&LECTURE)),
        ("have you tried reading", c(&LECTURE)),
        ("it's explained", c(&SCOLD)),
        ("it is explained", c(&SCOLD)),
        ("as explained", c(&SCOLD)),
        ("clearly stated", c(&INSIST)),
        ("it's all in", c(&SCOLD)),
        ("it's in the docs", c(&LECTURE)),
        ("it's in the manual", c(&LECTURE)),
        ("actually read", c(&LECTURE)),
        ("read what i", c(&LECTURE)),
        ("you need to read", c(&LECTURE)),
        // Third parties.
        ("the responsibility of", c(&THIRD_PARTY)),
        ("'s responsibility", c(&THIRD_PARTY)),
        ("responsibility, not ours", c(&THIRD_PARTY)),
        ("not by us", c(&THIRD_PARTY)),
        ("not with us", c(&THIRD_PARTY)),
        (", not us", c(&THIRD_PARTY)),
        ("not ours", c(&THIRD_PARTY)),
        ("outside our control", c(&THIRD_PARTY)),
        ("outside of our control", c(&THIRD_PARTY)),
        ("no longer in our hands", c(&THIRD_PARTY)),
        ("out of our hands", c(&THIRD_PARTY)),
        ("not in our hands", c(&THIRD_PARTY)),
        ("independent contractor", c(&THIRD_PARTY)),
        ("independent contractors", c(&THIRD_PARTY)),
        ("a third-party company", c(&THIRD_PARTY)),
        ("a third party company", c(&THIRD_PARTY)),
        ("caused by them", c(&THIRD_PARTY)),
        ("take it up with", c(&THIRD_PARTY)),
        ("take up with", c(&THIRD_PARTY)),
        ("external company", c(&THIRD_PARTY)),
        ("their error", c(&THIRD_PARTY)),
        ("their fault", c(&THIRD_PARTY)),
        ("rather than ours", c(&THIRD_PARTY)),
        ("rather than us", c(&THIRD_PARTY)),
        ("take that up with", c(&THIRD_PARTY)),
        ("take this up with", c(&THIRD_PARTY)),
        ("raise it with", c(&THIRD_PARTY)),
        ("raise this with", c(&THIRD_PARTY)),
        ("raise that with", c(&THIRD_PARTY)),
        ("direct your complaint", c(&THIRD_PARTY)),
        ("with them directly", c(&THIRD_PARTY)),
        ("chase them", c(&THIRD_PARTY)),
        ("contact them directly", c(&THIRD_PARTY)),
        ("is for the carrier", c(&THIRD_PARTY)),
        ("is for the courier", c(&THIRD_PARTY)),
        ("are for the carrier", c(&THIRD_PARTY)),
        ("are for the courier", c(&THIRD_PARTY)),
        ("prepare the food, not us", c(&THIRD_PARTY)),
        // Scolding and contempt.
        ("no need for that tone", c(&SCOLD)),
        ("please stop opening", c(&SCOLD)),
        ("please stop sending", c(&SCOLD)),
        ("please stop contacting", c(&SCOLD)),
        ("please stop emailing", c(&SCOLD)),
        ("please stop calling", c(&SCOLD)),
        ("stop opening new", c(&SCOLD)),
        ("any faster", c(&SCOLD)),
        ("that tone", c(&SCOLD)),
        ("do not contact us again", c(&SCOLD)),
        ("don't contact us again", c(&SCOLD)),
        ("stop contacting us", c(&SCOLD)),
        ("stop emailing", c(&SCOLD)),
        ("i've explained this", c(&SCOLD)),
        ("i have explained this", c(&SCOLD)),
        ("explained this twice", c(&SCOLD)),
        ("i don't know how else", c(&SCOLD)),
        ("spell it out", c(&SCOLD)),
        ("really not that hard", c(&SCOLD)),
        ("not that hard", c(&SCOLD)),
        ("not that difficult", c(&SCOLD)),
        ("not difficult", c(&SCOLD)),
        ("like everyone else", c(&SCOLD)),
        ("take a deep breath", c(&SCOLD)),
        ("what did you expect", c(&SCOLD)),
        ("what you expected", c(&SCOLD)),
        ("when it's fixed", c(&SCOLD)),
        ("when it is fixed", c(&SCOLD)),
        ("shouting at us", c(&SCOLD)),
        ("like i said", c(&SCOLD)),
        ("as i said", c(&SCOLD)),
        ("i already said", c(&SCOLD)),
        ("i already told you", c(&SCOLD)),
        ("that's it.", c(&SCOLD)),
        ("believe it or not", c(&SARCASM)),
        ("shockingly", c(&SARCASM)),
        ("surprisingly enough", c(&SARCASM)),
        ("what a tragedy", c(&SARCASM)),
        ("oh dear", c(&SARCASM)),
        ("funnily enough", c(&SARCASM)),
        ("wow,", c(&SARCASM)),
    ])
});

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

/// Past actions a customer can be told they caused the problem with.
const CUSTOMER_ACTIONS: &[&str] = &[
    "entered",
    "selected",
    "chose",
    "typed",
    "signed",
    "notified",
    "ordered",
    "used",
    "deleted",
    "forgot",
    "missed",
    "ticked",
    "clicked",
    "submitted",
    "ignored",
    "left",
    "put",
    "picked",
    "set",
    "changed",
    "didn't",
    "did",
    "never",
    "failed",
    "opted",
];
const CAUSAL: &[&str] = &[
    " so ",
    "so that's",
    "which is why",
    "that's why",
    "that is why",
    "therefore",
    "as a result",
    "because you",
    "since you",
    "as you ",
    "unfortunately you",
    "technically",
];

fn finding(cue: &Cue, span: Range<usize>) -> Finding {
    Finding {
        check: cue.check,
        severity: Severity::Warn,
        span,
        explanation: cue.explanation.into(),
        suggestion: Some(cue.suggestion.into()),
    }
}

/// Arguing against what the customer reports: a general claim that rules
/// out what they describe, or our staff's denial given as the answer.
pub fn check_against(draft: &str, customer_message: &str, findings: &mut Vec<Finding>) {
    const RULES_OUT: Cue = Cue {
        check: Check::Arguing,
        explanation: "rules out what the customer reports instead of looking into it",
        suggestion: Advice::TakeTheReport,
    };
    for span in reported::argued(draft, customer_message) {
        if !findings.iter().any(|f| {
            f.check == Check::Arguing && f.span.start < span.end && span.start < f.span.end
        }) {
            findings.push(finding(&RULES_OUT, span));
        }
    }
}

/// Runs the stance checks over each sentence of the draft.
/// `apologises`: whether the draft holds a real apology ([`crate::apology::apologises`]).
/// Returns whether the draft plainly gives the customer's own past act as
/// the cause ("you selected the Friday showing, so ..."): no apology is
/// owed for the customer's own slip.
pub fn check(draft: &str, apologises: bool, findings: &mut Vec<Finding>) -> bool {
    let mut own_cause = false;
    let sentences = crate::text::sentences(draft);
    for span in &sentences {
        let sentence = &draft[span.clone()];
        let lower = sentence.to_lowercase().replace('’', "'");
        let words = structure::words(&lower);
        for (r, cue) in TABLE.find(sentence) {
            let at = span.start + r.start..span.start + r.end;
            if std::ptr::eq(cue, &LECTURE) {
                findings.push(finding(&TALKING_DOWN, at.clone()));
            }
            if std::ptr::eq(cue, &MISREAD) {
                findings.push(finding(&DOUBT, at.clone()));
            }
            findings.push(finding(cue, at));
        }
        if !apologises && records_against(&lower) {
            findings.push(finding(&RECORDS, span.clone()));
            // "Our technician reports ... there was no answer": the record
            // puts the failure on the customer.
            if [
                "no one was",
                "nobody was",
                "no answer",
                "not home",
                "no one home",
                "nobody home",
            ]
            .iter()
            .any(|p| format!(" {lower} ").contains(p))
            {
                findings.push(finding(&CUSTOMER_CAUSE, span.clone()));
            }
        }
        if correction(&lower)
            || structure::count_corrected(&lower)
            || (!apologises
                && (structure::verdict(&words)
                    || structure::denial(&lower)
                    || structure::rebutted_account(&words)))
        {
            findings.push(finding(&INSIST, span.clone()));
        }
        if structure::counterfactual(&lower, &words) || structure::guessed_fault(&lower, &words) {
            findings.push(finding(&CUSTOMER_CAUSE, span.clone()));
        }
        if structure::homework(&words) {
            findings.push(finding(&LECTURE, span.clone()));
            findings.push(finding(&TALKING_DOWN, span.clone()));
        }
        if structure::hands_off(&lower, &words) {
            findings.push(finding(&THIRD_PARTY, span.clone()));
        }
        if diligence_question(&lower)
            || structure::careless_question(&lower, &words)
            || structure::guessed_own_fault(&words)
        {
            findings.push(finding(&GUESS, span.clone()));
        }
        let next = || {
            sentences
                .iter()
                .find(|s| s.start >= span.end)
                .map(|s| draft[s.clone()].to_lowercase())
                .unwrap_or_default()
        };
        let emphasised = structure::own_act_emphasised(&words);
        if customer_as_cause(&lower, next) || emphasised {
            // Shown, not disputed: "according to our records you never
            // submitted it" sets our word against theirs, "obviously you
            // clicked twice" sneers and "perhaps you ..." guesses instead
            // of showing: a failure disputed is still owed an apology.
            let disputed = [
                "record",
                "according to",
                "logs",
                "system shows",
                "obviously",
                "clearly",
                "surely",
                "must have",
                "perhaps",
                "maybe",
                "probably",
                "possibly",
                "likely",
                "might",
                "may have",
            ]
            .iter()
            .any(|p| lower.contains(p))
                || words
                    .iter()
                    .any(|w| ["never", "didn't", "not", "failed"].contains(w));
            own_cause |= !disputed;
            findings.push(finding(&CUSTOMER_CAUSE, span.clone()));
        }
        if !apologises && structure::quoted_back(&words) {
            findings.push(finding(&INSIST, span.clone()));
        }
        match hedged_advice(&lower) {
            Some(Hedge::Leading) => {
                findings.push(finding(&LECTURE, span.clone()));
                findings.push(finding(&TALKING_DOWN, span.clone()));
            }
            Some(Hedge::Trailing) => findings.push(finding(&TALKING_DOWN, span.clone())),
            None => {}
        }
        if tag_question(&lower) || mock_obvious(&lower) {
            findings.push(finding(&SARCASM, span.clone()));
        }
    }
    curt(draft, &sentences, findings);
    own_cause
}

/// "Our logs show the PIN was entered": records set against the customer.
/// An explanation that offers to look again is not a rebuttal.
fn records_against(lower: &str) -> bool {
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
fn correction(lower: &str) -> bool {
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

/// "Have you checked all the boxes carefully?": doubting the customer's diligence.
fn diligence_question(lower: &str) -> bool {
    [
        "have you checked",
        "did you check",
        "have you looked",
        "did you look",
        "have you read",
        "did you read",
    ]
    .iter()
    .any(|q| lower.starts_with(q))
        && [
            "carefully",
            "properly",
            "thoroughly",
            "all the",
            "everywhere",
        ]
        .iter()
        .any(|w| lower.contains(w))
}

/// "You entered the wrong registration, so ...": the customer is the
/// subject of a past action given as the cause.
fn customer_as_cause(lower: &str, next: impl FnOnce() -> String) -> bool {
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .collect();
    let acts = words.windows(3).any(|w| {
        (w[0] == "you" || w[0] == "you've" || w[0] == "you'd")
            && (CUSTOMER_ACTIONS.contains(&w[1])
                || ["have", "had"].contains(&w[1]) && CUSTOMER_ACTIONS.contains(&w[2]))
    }) || lower.contains("your team deleted")
        || lower.contains("you signed");
    if !acts {
        return false;
    }
    let next = next();
    let wrong = ["wrong", "incorrect", "incorrectly", "twice", "three times"]
        .iter()
        .any(|w| lower.contains(w));
    let next_draws = [
        "therefore",
        "so ",
        "that's why",
        "this is why",
        "which is why",
    ]
    .iter()
    .any(|c| next.trim_start().starts_with(c));
    let padded = format!(" {lower} ");
    wrong || next_draws || CAUSAL.iter().any(|c| padded.contains(c))
}

/// Where the hedge of a piece of advice stands.
enum Hedge {
    /// "Maybe arrive earlier next time": advice on the customer's conduct.
    Leading,
    /// "Try another browser, maybe.": an offhand brush-off.
    Trailing,
}

/// "Maybe arrive earlier", "Perhaps keep an eye on it": advice on the
/// customer's behaviour, hedged, in the imperative.
fn hedged_advice(lower: &str) -> Option<Hedge> {
    let mut words = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty());
    let (Some(first), Some(second)) = (words.next(), words.next()) else {
        return None;
    };
    const NOT_A_VERB: &[&str] = &[
        "you", "we", "i", "it", "the", "this", "that", "there", "they", "our", "your", "a", "an",
        "not", "he", "she", "it's", "that's", "if", "later", "tomorrow",
    ];
    let trailing = lower
        .trim_end_matches(|c: char| !c.is_alphanumeric())
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .is_some_and(|w| w == "maybe" || w == "perhaps");
    if ["maybe", "perhaps"].contains(&first) && !NOT_A_VERB.contains(&second) {
        Some(Hedge::Leading)
    } else if trailing && ["try", "check", "use", "read", "restart", "look"].contains(&first) {
        Some(Hedge::Trailing)
    } else {
        None
    }
}

/// "Sofas don't assemble themselves": mock statement of the obvious.
fn mock_obvious(lower: &str) -> bool {
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .collect();
    words.windows(3).any(|w| {
        ["don't", "doesn't", "won't", "can't", "didn't"].contains(&w[0])
            && ["themselves", "itself"].contains(&w[2])
    })
}

/// "The parcel can't have walked off by itself, can it?": a rhetorical
/// tag question aimed at the customer.
fn tag_question(lower: &str) -> bool {
    let Some(body) = lower.trim_end().strip_suffix('?') else {
        return false;
    };
    let Some((_, tag)) = body.rsplit_once(',') else {
        return false;
    };
    let tag: Vec<&str> = tag.split_whitespace().collect();
    tag.len() == 2
        && [
            "can", "can't", "does", "doesn't", "do", "don't", "is", "isn't", "did", "didn't",
            "would", "wouldn't", "will", "won't", "was", "wasn't",
        ]
        .contains(&tag[0])
        && ["it", "they", "you", "he", "she", "we"].contains(&tag[1])
}

/// A telegraphic reply of a few words ("Check the website.", "Not sent
/// yet. Will chase.") with no thanks, apology or question reads as curt.
fn curt(draft: &str, sentences: &[Range<usize>], findings: &mut Vec<Finding>) {
    let body: Vec<&Range<usize>> = sentences
        .iter()
        .filter(|s| {
            let text = &draft[(*s).clone()];
            let lower = text.to_lowercase();
            let words = text.split_whitespace().count();
            let greeting = ["hi", "hello", "hey", "dear", "good "]
                .iter()
                .any(|g| lower.starts_with(g))
                && words <= 4;
            let sign_off = words <= 3 && !text.ends_with(['.', '?']);
            !greeting && !sign_off
        })
        .collect();
    let words: usize = body
        .iter()
        .map(|s| draft[(*s).clone()].split_whitespace().count())
        .sum();
    let lower = draft.to_lowercase();
    let warm = [
        "thank", "sorry", "please", "happy", "glad", "apolog", "!", "?", "welcome",
    ]
    .iter()
    .any(|w| lower.contains(w));
    let telegraphic = body.iter().any(|s| telegraphic(&draft[(*s).clone()]));
    if (1..=9).contains(&words) && !warm && body.len() <= 2 && telegraphic {
        let start = body.first().map_or(0, |s| s.start);
        let end = body.last().map_or(draft.len(), |s| s.end);
        findings.push(finding(
            &Cue {
                check: Check::Rude,
                explanation: "a curt reply of a few words reads as brushing the customer off",
                suggestion: Advice::AddWhatYouDid,
            },
            start..end,
        ));
    }
}

/// A sentence without its subject: a bare order ("Check the website") or
/// a clipped note ("Will chase", "Referral not sent yet").
fn telegraphic(sentence: &str) -> bool {
    let lower = sentence.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .collect();
    let Some(first) = words.first() else {
        return false;
    };
    const ORDERS: &[&str] = &[
        "check",
        "see",
        "read",
        "look",
        "try",
        "call",
        "go",
        "use",
        "contact",
        "email",
        "visit",
        "refer",
        "ask",
        "wait",
        "reinstall",
        "restart",
        "will",
        "not",
        "no",
        "done",
    ];
    const AUXILIARIES: &[&str] = &[
        "is", "are", "was", "were", "has", "have", "had", "do", "does", "did", "can", "could",
        "will", "would", "should", "must", "may", "might", "isn't", "aren't", "wasn't", "won't",
        "can't", "don't", "doesn't", "didn't", "haven't", "hasn't",
    ];
    let clipped_not = words
        .windows(2)
        .any(|w| w[1] == "not" && !AUXILIARIES.contains(&w[0]));
    ORDERS.contains(first) || clipped_not
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checks(draft: &str) -> Vec<Check> {
        let mut f = Vec::new();
        check(draft, crate::apology::apologises(draft), &mut f);
        f.into_iter().map(|f| f.check).collect()
    }

    #[test]
    fn records_against_the_customer_are_arguing_unless_we_look_again() {
        assert_eq!(
            checks("Hi Jo, our system shows no request from you, so the fee applies. Best, Al"),
            [Check::Arguing]
        );
        assert!(
            checks("Hi Jo, our system shows no request, which doesn't match what you sent, so I'm checking. Best, Al")
                .is_empty()
        );
    }

    #[test]
    fn the_customer_as_the_cause_is_blame() {
        assert_eq!(
            checks("Hi Jo, you ticked express at checkout, which is why it cost more. Best, Al"),
            [Check::Blame]
        );
        assert!(checks("Hi Jo, you chose express, and it ships today. Best, Al").is_empty());
    }

    #[test]
    fn tag_questions_and_curt_replies_are_rude() {
        assert_eq!(
            checks("Hi Jo, the box can't pack itself, can it? Best, Al"),
            [Check::Rude]
        );
        assert_eq!(checks("See the FAQ."), [Check::Rude]);
        assert!(checks("Thanks, it's fixed now!").is_empty());
    }

    #[test]
    fn structure_finds_blame_and_arguing_in_other_words() {
        let has = |draft: &str, check: Check| checks(draft).contains(&check);
        assert!(has(
            "Had you packed it in a box, it would have survived.",
            Check::Blame
        ));
        assert!(has(
            "Perhaps you misheard the price on the phone.",
            Check::Blame
        ));
        assert!(!has(
            "Perhaps we could swap it for the larger size.",
            Check::Blame
        ));
        assert!(has(
            "Read the guide we sent before writing in again.",
            Check::Blame
        ));
        assert!(!has(
            "Check with your neighbours before we resend it.",
            Check::Blame
        ));
        assert!(has("The fault lies with the airline.", Check::Blame));
        assert!(!has("The fault lies with us, and I'm sorry.", Check::Blame));
        assert!(has("Please contact the seller directly.", Check::Blame));
        assert!(has("The invoice is correct.", Check::Arguing));
        assert!(has(
            "You say it broke, but our notes show it worked.",
            Check::Arguing
        ));
        assert!(has("It was one night, not two.", Check::Arguing));
        assert!(has(
            "Our call centre notes show that you agreed.",
            Check::Arguing
        ));
    }

    #[test]
    fn a_careless_act_guessed_or_the_job_sent_to_a_bank_is_blame() {
        let has = |draft: &str| checks(draft).contains(&Check::Blame);
        assert!(has("Did you overfill it?"));
        assert!(has("Were you overloading the drill?"));
        assert!(!has("Did you update the app yesterday?"));
        assert!(has("Maybe your router had a fault of its own."));
        assert!(!has("Perhaps the meter has a fault; it's ours to fix."));
        assert!(has("Please speak to your bank about the charge."));
        assert!(!has("Your bank may take 3 days to show the refund."));
    }

    #[test]
    fn where_our_email_lands_is_no_lecture() {
        assert!(checks("Keep an eye on your spam folder for the tickets.").is_empty());
        assert!(!checks("Perhaps keep an eye on your balance, then.").is_empty());
    }
}
