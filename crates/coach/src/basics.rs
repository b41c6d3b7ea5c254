//! The basics a customer notices: a greeting with their right name, thanks
//! for what they sent, an apology when something went wrong, a closing.

use crate::phrases::PhraseTable;
use crate::text::{edit_distance, words};
use crate::{Advice, Check, Context, Finding, Medium, Severity, Suggestion};
use std::sync::LazyLock;

static MARK: () = ();

fn table(phrases: &[&'static str]) -> PhraseTable<()> {
    let entries: Vec<(&'static str, Option<&'static ()>)> =
        phrases.iter().map(|p| (*p, Some(&MARK))).collect();
    PhraseTable::new(&entries)
}

/// The customer sent or gave something ("attached", "here are").
static GAVE: LazyLock<PhraseTable<()>> = LazyLock::new(|| {
    table(&[
        "attached",
        "attachment",
        "attaching",
        "i attach",
        "we attach",
        "enclosed",
        "enclosing",
        "here is",
        "here's",
        "here are",
        "i sent",
        "i've sent",
        "i have sent",
        "sent the",
        "sent you",
        "sending",
        "i uploaded",
        "i've uploaded",
        "i have uploaded",
        "uploading",
        "details below",
    ])
});

/// The customer says the thing was asked of them ("as requested", "the
/// form asked for", "your claims team needed"): only then is thanks owed.
static REQUESTED: LazyLock<PhraseTable<()>> = LazyLock::new(|| {
    table(&[
        "asked",
        "asks",
        "requested",
        "request",
        "required",
        "requires",
        "instructed",
        "you need",
        "you needed",
        "wanted",
        "as promised",
    ])
});

/// Thanks for something given ("thank you for the photos"); a bare
/// "Thanks," sign-off does not thank for anything.
static THANKS: LazyLock<PhraseTable<()>> = LazyLock::new(|| {
    table(&[
        "thank you for",
        "thanks for",
        "thanks so much for",
        "thank you so much for",
        "many thanks for",
        // Thanks joined to the receipt: "Thank you, we received both."
        "thank you, we received",
        "thank you, we've received",
        "thank you, we have received",
        "thank you, we got",
        "thanks, we received",
        "thanks, we've received",
        "thanks, we got",
        "thanks, got",
        "appreciate",
        "grateful",
    ])
});

const GREETINGS: &[&str] = &[
    "hi",
    "hello",
    "hey",
    "dear",
    "good morning",
    "good afternoon",
    "good evening",
    "greetings",
    "thanks for",
    "thank you for",
    "welcome",
    "hiya",
    "howdy",
    "ciao",
    "hej",
    "hola",
    "bonjour",
    "salut",
    "hallo",
    "moin",
    "servus",
    "namaste",
    "ola",
    "olá",
    "aloha",
];

/// Words a sign-off line starts with ("Best, Sam", "Kind regards").
const SIGN_OFFS: &[&str] = &[
    "regards",
    "best",
    "cheers",
    "sincerely",
    "thanks",
    "thank you",
    "many thanks",
    "take care",
    "all the best",
    "warmly",
    "warm regards",
    "kind regards",
    "speak soon",
    "talk soon",
    "yours",
    "with thanks",
    "with kind",
    "with warm",
    "with best",
    "with love",
    "with gratitude",
    "have a",
    "see you",
    "safe travels",
    "sleep well",
    "warm wishes",
    "best wishes",
    "love",
];

/// A last sentence that closes by offering more help.
const CLOSING_OFFERS: &[&str] = &[
    "let me know",
    "let us know",
    "here to help",
    "happy to help",
    "any other questions",
    "anything else",
    "hope this helps",
    "hope that helps",
    "keep us posted",
    "reach out",
    "get in touch",
    "have a great",
    "have a good",
    "have a nice",
    "have a lovely",
    "enjoy",
];
const HONORIFICS: &[&str] = &["mr", "mrs", "ms", "miss", "mx", "dr", "sir", "madam"];

fn finding(
    severity: Severity,
    span: std::ops::Range<usize>,
    explanation: &str,
    suggestion: Option<Suggestion>,
) -> Finding {
    Finding {
        check: Check::Basics,
        severity,
        span,
        explanation: explanation.into(),
        suggestion,
    }
}

/// Runs the basics checks: a greeting, the customer's name, thanks for
/// what they sent, a closing. In a letter-like medium a missing greeting or
/// closing is a warning; on social media it is not expected.
pub fn check(draft: &str, context: &Context, findings: &mut Vec<Finding>) {
    let trimmed_start = draft.len() - draft.trim_start().len();
    let first_line_end = draft[trimmed_start..]
        .find('\n')
        .map_or(draft.len(), |i| trimmed_start + i);
    let opening = &draft[trimmed_start..first_line_end];
    let lower_opening = opening.to_lowercase();
    let greets = GREETINGS.iter().any(|g| {
        lower_opening.starts_with(g) && crate::text::boundary_after(&lower_opening, g.len())
    }) || addresses_by_name(opening, draft);
    let letter = context.medium == Medium::Mail;
    let first_name = context
        .customer_name
        .as_deref()
        .and_then(|n| {
            n.split_whitespace()
                .find(|w| !HONORIFICS.contains(&w.trim_end_matches('.').to_lowercase().as_str()))
        })
        .map(str::to_string);
    if !greets {
        let suggestion = first_name
            .as_ref()
            .map(|n| Suggestion::Wording(format!("Hi {n},")));
        findings.push(finding(
            if letter {
                Severity::Warn
            } else {
                Severity::Hint
            },
            trimmed_start..first_line_end.min(trimmed_start + 40),
            "no greeting: start by greeting the customer",
            suggestion,
        ));
    } else {
        let before = findings.len();
        wrong_name(trimmed_start, opening, context, findings);
        let misnamed = findings.len() > before;
        if let Some(first) = &first_name
            && !misnamed
            && !mentions_name(draft, context)
        {
            findings.push(finding(
                Severity::Hint,
                trimmed_start..first_line_end,
                "the greeting does not use the customer's name",
                Some(Suggestion::Wording(format!("Hi {first},"))),
            ));
        }
    }
    if GAVE.any(&context.customer_message)
        && REQUESTED.any(&context.customer_message)
        && !THANKS.any(draft)
    {
        findings.push(finding(
            if letter {
                Severity::Warn
            } else {
                Severity::Hint
            },
            trimmed_start..first_line_end,
            "the customer sent what was asked for: thank them for it",
            Some(Advice::ThankThem.into()),
        ));
    }
    if !closes(draft) && !draft.trim().is_empty() {
        let tail_start = draft.trim_end().rfind('\n').map_or(0, |i| i + 1);
        let end = draft.trim_end().len();
        findings.push(finding(
            if letter {
                Severity::Warn
            } else {
                Severity::Hint
            },
            tail_start.min(end)..end,
            "no closing: end with an offer of help or a sign-off",
            Some(Advice::OfferHelp.into()),
        ));
    }
}

/// A salutation made of the name alone ("Siobhan,", "Mr Nkosi,"): a line
/// of its own, a few capitalised words ending in a comma. Curt, perhaps,
/// but a greeting.
fn addresses_by_name(opening: &str, draft: &str) -> bool {
    let line = opening.trim();
    let Some(name) = line.strip_suffix([',', ':', '!']) else {
        return false;
    };
    draft.trim().len() > line.len()
        && (1..=4).contains(&name.split_whitespace().count())
        && name.split_whitespace().all(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                && w.chars().all(|c| c.is_alphabetic() || "'.-".contains(c))
        })
}

/// Whether the draft ends with a closing: a sign-off line ("Best, Sam"),
/// a name alone on the last line ("Sam", "Support Team"), a signature
/// ("^JS", "-Maria") or a last sentence that offers more help.
fn closes(draft: &str) -> bool {
    let text = draft.trim_end();
    let mut lines = text.lines().rev().map(str::trim).filter(|l| !l.is_empty());
    let Some(last) = lines.next() else {
        return false;
    };
    let lower = last.to_lowercase();
    let signed = |line: &str| {
        let l = line.to_lowercase();
        SIGN_OFFS
            .iter()
            .any(|s| l.starts_with(s) && crate::text::boundary_after(&l, s.len()))
            && line.split_whitespace().count() <= 6
    };
    let name_only = text.contains('\n')
        && !last.ends_with(['.', '?', ':', ';'])
        && (1..=4).contains(&last.split_whitespace().count())
        && last.split_whitespace().all(|w| {
            w.chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || "&-(".contains(c))
        });
    let signature = last
        .split_whitespace()
        .next_back()
        .is_some_and(|w| w.len() > 1 && w.starts_with(['^', '*', '/', '-', '~']));
    let offer = crate::text::sentences(text).last().is_some_and(|s| {
        let s = text[s.clone()].to_lowercase();
        CLOSING_OFFERS.iter().any(|c| s.contains(c))
    });
    let last_sentence = crate::text::sentences(text)
        .last()
        .is_some_and(|s| signed(&text[s.clone()]));
    signed(last)
        || last_sentence
        || name_only
        || signature
        || offer
        || lower.starts_with("thanks") && last.split_whitespace().count() <= 3
        || lines.take(2).any(signed)
}

fn mentions_name(draft: &str, context: &Context) -> bool {
    let Some(name) = &context.customer_name else {
        return true;
    };
    name.split_whitespace()
        .filter(|w| !HONORIFICS.contains(&w.trim_end_matches('.').to_lowercase().as_str()))
        .any(|part| words(draft).any(|(_, w)| w.eq_ignore_ascii_case(part)))
}

/// The name in the greeting ("Hi Ann", "Dear Mrs. Johnson") against the record.
fn wrong_name(offset: usize, opening: &str, context: &Context, findings: &mut Vec<Finding>) {
    let Some(record) = &context.customer_name else {
        return;
    };
    let parts: Vec<&str> = record
        .split_whitespace()
        .filter(|w| !HONORIFICS.contains(&w.trim_end_matches('.').to_lowercase().as_str()))
        .collect();
    let (Some(first), Some(last)) = (parts.first(), parts.last()) else {
        return;
    };
    let Some(greeted) = greeted_name(opening) else {
        return;
    };
    let (used, honorific) = (greeted.word, greeted.honorific);
    let span = offset + greeted.span.start..offset + greeted.span.end;
    let expected = if honorific { last } else { first };
    if used.eq_ignore_ascii_case(expected)
        || parts.iter().any(|p| p.eq_ignore_ascii_case(used)) && !honorific
    {
        if !honorific && used.eq_ignore_ascii_case(last) && parts.len() > 1 {
            findings.push(block(
                span,
                format!(
                    "{used} is the customer's last name; with a first-name greeting use {first}"
                ),
                format!("Hi {first},"),
            ));
        }
        return;
    }
    // "Hi Anne-Marie," greets Anne-Marie even though a word ends at the hyphen.
    if opening.to_lowercase().contains(&expected.to_lowercase()) && expected.contains('-') {
        return;
    }
    let near = |a: &str, b: &str| edit_distance(a, b) <= 2.max(b.chars().count() / 4);
    let message = if near(used, expected) {
        format!("{used} is not how the customer spells their name: {expected}")
    } else if honorific && used.eq_ignore_ascii_case(first) {
        format!("{used} is the customer's first name; with an honorific use the last name, {last}")
    } else {
        format!("the customer on record is {record}, not {used}")
    };
    let fix = if honorific {
        format!("Dear {expected},")
    } else {
        format!("Hi {expected},")
    };
    findings.push(block(span, message, fix));
}

/// The name a greeting addresses, where in the opening it stands, and
/// whether an honorific came with it (then it is a last name).
struct Greeted<'a> {
    span: std::ops::Range<usize>,
    word: &'a str,
    honorific: bool,
}

/// Whether a greeting's name ends here: at punctuation or the end of the line.
fn ends_name(rest: &str) -> bool {
    rest.chars()
        .next()
        .is_none_or(|c| matches!(c, ',' | '!' | ':' | ';' | '.' | '\n'))
}

/// The name is the run of capitalised words after the greeting (and any
/// honorific) that ends at punctuation or the end of the line: "Hi Ann,",
/// "Dear Mrs. Jackson:". "Hello, I am ..." names nobody.
/// Role nouns that stand where a name should ("Dear Policyholder,"): a
/// form letter's mark, not a wrong name.
pub(crate) const ROLES: &[&str] = &[
    "customer",
    "client",
    "guest",
    "member",
    "patient",
    "passenger",
    "student",
    "tenant",
    "resident",
    "subscriber",
    "policyholder",
    "user",
    "applicant",
    "attendee",
    "traveller",
    "traveler",
    "shopper",
    "parent",
    "homeowner",
    "supporter",
    "donor",
    "visitor",
    "buyer",
    "owner",
    "patron",
    "reader",
    "viewer",
    "player",
    "learner",
    "diner",
    "cardholder",
    "borrower",
    "investor",
    "sir",
    "madam",
    "friend",
    "participant",
    "delegate",
    "holder",
];

fn greeted_name(opening: &str) -> Option<Greeted<'_>> {
    let mut run: Vec<(std::ops::Range<usize>, &str)> = Vec::new();
    for (span, word) in words(opening).skip(1) {
        let lower = word.to_lowercase();
        if run.is_empty() && ["morning", "afternoon", "evening", "again"].contains(&lower.as_str())
        {
            continue;
        }
        // "Dear Customer", "Dear Valued Member": a role, not a name (a
        // form letter's mark, not a wrong name).
        if ["there", "team", "all", "everyone", "valued", "folks"].contains(&lower.as_str())
            || ROLES.contains(&lower.trim_end_matches('s'))
        {
            return None;
        }
        if run.is_empty() && HONORIFICS.contains(&lower.as_str()) {
            continue;
        }
        if !word.chars().next().is_some_and(char::is_uppercase) {
            return None;
        }
        let end = span.end;
        run.push((span, word));
        let after = opening[end..].trim_start_matches(['.', ' ']).chars().next();
        if ends_name(&opening[end..]) || after.is_none() {
            break;
        }
        if run.len() >= 3 {
            return None;
        }
    }
    let (last_span, _) = run.last()?;
    if !ends_name(&opening[last_span.end..]) {
        return None;
    }
    let honorific = opening
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| HONORIFICS.contains(&w));
    let (span, word) = if honorific { run.last()? } else { run.first()? }.clone();
    Some(Greeted {
        span,
        word,
        honorific,
    })
}

fn block(span: std::ops::Range<usize>, explanation: String, suggestion: String) -> Finding {
    Finding {
        check: Check::WrongName,
        severity: Severity::Block,
        span,
        explanation,
        suggestion: Some(Suggestion::Wording(suggestion)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(draft: &str, name: Option<&str>, customer: &str) -> Vec<(Check, String)> {
        let context = Context {
            customer_name: name.map(Into::into),
            customer_message: customer.into(),
            ..Context::default()
        };
        let mut f = Vec::new();
        check(draft, &context, &mut f);
        f.into_iter()
            .map(|f| (f.check, draft[f.span].to_string()))
            .collect()
    }

    #[test]
    fn a_good_reply_passes() {
        let draft = "Hi Ann,\nThank you for the photos, and I'm sorry the lamp arrived broken. A new one ships today.\nBest regards, Sam";
        assert!(
            run(
                draft,
                Some("Ann Lee"),
                "The lamp arrived broken, photos attached."
            )
            .is_empty()
        );
    }

    #[test]
    fn wrong_names_are_caught() {
        let wrong = |draft: &str| {
            run(draft, Some("Ann Johnson"), "Hello")
                .into_iter()
                .filter(|f| f.0 == Check::WrongName)
                .count()
        };
        assert_eq!(wrong("Hi Anne,\nAll set. Best, Sam"), 1, "misspelt");
        assert_eq!(wrong("Hi Mary,\nAll set. Best, Sam"), 1, "another name");
        assert_eq!(
            wrong("Dear Mrs. Jackson,\nAll set. Best, Sam"),
            1,
            "the Mrs. Jackson of Johnson Avenue mistake"
        );
        assert_eq!(
            wrong("Hi Johnson,\nAll set. Best, Sam"),
            1,
            "last name as first"
        );
        assert_eq!(wrong("Dear Ms. Johnson,\nAll set. Best, Sam"), 0);
        assert_eq!(wrong("Hi Ann,\nAll set. Best, Sam"), 0);
        assert_eq!(wrong("Hi there,\nAll set. Best, Sam"), 0);
    }

    #[test]
    fn thanks_greetings_and_closings() {
        let checks = |draft: &str, customer: &str| {
            let context = Context {
                customer_name: Some("Ann Lee".into()),
                customer_message: customer.into(),
                ..Context::default()
            };
            let mut f = Vec::new();
            check(draft, &context, &mut f);
            f.iter()
                .filter(|f| f.check == Check::Basics && f.severity == Severity::Warn)
                .count()
        };
        assert_eq!(
            checks(
                "Hi Ann,\nAll done.\nBest, Sam",
                "Here is the photo of the receipt you asked for."
            ),
            1,
            "no thanks for what she was asked to send"
        );
        assert_eq!(
            checks(
                "Hi Ann,\nAll done.\nBest, Sam",
                "Here is the photo of the receipt."
            ),
            0,
            "nobody asked for it: thanks are not owed"
        );
        assert_eq!(
            checks(
                "Ann,\n\nAll done.\n\nWith warm regards,\nSam\nHelp Desk (24h)",
                "Hi"
            ),
            0,
            "a bare name greets; a sign-off above the team line closes"
        );
        assert_eq!(checks("all done, nothing more to do", "Hi"), 2);
        assert_eq!(
            checks(
                "The refund is done and will show on your card within three days.",
                "Refund?"
            ),
            2,
            "no greeting, no closing"
        );
        assert_eq!(
            checks("Hi Ann,\n\nThe refund is done.\n\nSam", "Refund?"),
            0,
            "a name alone on the last line closes"
        );
        assert_eq!(
            checks("Hi Ann,\n\nThe refund is done.", "Refund?"),
            1,
            "no closing"
        );
    }
}

#[cfg(test)]
mod greeting_names {
    use super::*;

    fn wrong(draft: &str) -> usize {
        let context = Context {
            customer_name: Some("Ann Lee".into()),
            ..Context::default()
        };
        let mut f = Vec::new();
        check(draft, &context, &mut f);
        f.iter().filter(|f| f.check == Check::WrongName).count()
    }

    #[test]
    fn only_a_name_in_the_greeting_is_checked() {
        assert_eq!(wrong("Hello, I am looking into it."), 0);
        assert_eq!(wrong("Hi, We have shipped it."), 0);
        assert_eq!(wrong("Hi Ann Lee, shipped."), 0);
        assert_eq!(wrong("Good morning Ann! Shipped."), 0);
        assert_eq!(wrong("Good morning Anna! Shipped."), 1);
        assert_eq!(wrong("Hi Mary Smith, shipped."), 1);
    }
}
