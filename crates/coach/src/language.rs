//! Words a customer resents: rudeness, arguing, blame, the policy wall,
//! shouting.

use crate::phrases::PhraseTable;
use crate::{Advice, Check, Finding, Severity, Suggestion};
use std::sync::LazyLock;

/// What a phrase means when it occurs in a reply.
pub struct Rule {
    check: Check,
    severity: Severity,
    explanation: &'static str,
    suggestion: Option<Advice>,
}

macro_rules! rule {
    ($name:ident, $check:ident, $severity:ident, $explanation:literal, $suggestion:expr) => {
        static $name: Rule = Rule {
            check: Check::$check,
            severity: Severity::$severity,
            explanation: $explanation,
            suggestion: $suggestion,
        };
    };
}

rule!(
    INSULT,
    Rude,
    Block,
    "insulting words: the customer will remember them longer than the fix",
    Some(Advice::DescribeTheProblem)
);
rule!(
    CONDESCENDING,
    Rude,
    Block,
    "condescending: it tells the customer they are slow",
    Some(Advice::ExplainPlainly)
);
rule!(
    REPEATING,
    Rude,
    Block,
    "reminding the customer you said it before reads as impatience",
    Some(Advice::SayItAgain)
);
rule!(
    DISMISSIVE,
    Rude,
    Block,
    "dismissive: the customer's concern is real to them",
    Some(Advice::AcknowledgeConcern)
);
rule!(
    SARCASM,
    Rude,
    Warn,
    "may read as sarcasm in writing",
    Some(Advice::SayPlainly)
);
rule!(
    ARGUING,
    Arguing,
    Block,
    "arguing to win: the customer may be wrong, but they will not come back",
    Some(Advice::StateAndAct)
);
rule!(
    CORRECTING,
    Arguing,
    Warn,
    "opening with a correction sounds like a rebuttal",
    Some(Advice::LeadWithAction)
);
rule!(
    BLAME_CUSTOMER,
    Blame,
    Block,
    "blames the customer",
    Some(Advice::SayHowToFix)
);
rule!(
    BUCK_PASSING,
    Blame,
    Warn,
    "passes the buck: to the customer, we are the company, whoever caused it",
    Some(Advice::OwnIt)
);
rule!(
    POLICY_WALL,
    PolicyWall,
    Block,
    "hides behind policy instead of helping",
    Some(Advice::SayWhatYouCan)
);
rule!(
    POLICY_MENTION,
    PolicyWall,
    Warn,
    "citing policy as the reason sounds like a wall",
    Some(Advice::ReasonAndOption)
);
static PHRASES: LazyLock<PhraseTable<Rule>> = LazyLock::new(|| {
    let r = |rule: &'static Rule| Some(rule);
    PhraseTable::new(&[
        ("idiot", r(&INSULT)),
        ("stupid", r(&INSULT)),
        ("dumb", r(&INSULT)),
        ("moron", r(&INSULT)),
        ("ridiculous", r(&INSULT)),
        ("pathetic", r(&INSULT)),
        ("you people", r(&INSULT)),
        ("shut up", r(&INSULT)),
        ("clueless", r(&INSULT)),
        ("incompetent", r(&INSULT)),
        ("nonsense", r(&INSULT)),
        ("obviously", r(&CONDESCENDING)),
        ("clearly you", r(&CONDESCENDING)),
        ("as anyone can see", r(&CONDESCENDING)),
        ("it's not rocket science", r(&CONDESCENDING)),
        ("it is not rocket science", r(&CONDESCENDING)),
        ("read the manual", r(&CONDESCENDING)),
        ("read the instructions", r(&CONDESCENDING)),
        ("if you had bothered", r(&CONDESCENDING)),
        ("simple enough", r(&CONDESCENDING)),
        ("even a child", r(&CONDESCENDING)),
        ("as i already told you", r(&REPEATING)),
        ("as i already said", r(&REPEATING)),
        ("as i said before", r(&REPEATING)),
        ("as i told you", r(&REPEATING)),
        ("as previously stated", r(&REPEATING)),
        ("as stated before", r(&REPEATING)),
        ("per my last email", r(&REPEATING)),
        ("per my previous email", r(&REPEATING)),
        ("i have already explained", r(&REPEATING)),
        ("i've already explained", r(&REPEATING)),
        ("for the last time", r(&REPEATING)),
        ("how many times", r(&REPEATING)),
        ("calm down", r(&DISMISSIVE)),
        ("relax", r(&DISMISSIVE)),
        ("whatever", r(&DISMISSIVE)),
        ("deal with it", r(&DISMISSIVE)),
        ("get over it", r(&DISMISSIVE)),
        ("not a big deal", r(&DISMISSIVE)),
        ("you're overreacting", r(&DISMISSIVE)),
        ("you are overreacting", r(&DISMISSIVE)),
        ("take it or leave it", r(&DISMISSIVE)),
        ("no need to shout", r(&DISMISSIVE)),
        // Minimising the customer's trouble, policing their tone.
        ("hardly a tragedy", r(&DISMISSIVE)),
        ("not exactly a tragedy", r(&DISMISSIVE)),
        ("first world problem", r(&DISMISSIVE)),
        ("first-world problem", r(&DISMISSIVE)),
        ("no need to be dramatic", r(&DISMISSIVE)),
        ("a bit dramatic", r(&DISMISSIVE)),
        ("watch your language", r(&DISMISSIVE)),
        ("mind your language", r(&DISMISSIVE)),
        ("the tone of your", r(&DISMISSIVE)),
        ("spell it out for you", r(&CONDESCENDING)),
        ("words of one syllable", r(&CONDESCENDING)),
        ("good luck with that", r(&SARCASM)),
        ("thanks for nothing", r(&SARCASM)),
        ("congratulations", r(&SARCASM)),
        // Sincere: congratulations on something the customer got.
        ("congratulations on your new", None),
        ("congratulations on the new", None),
        ("with all due respect", r(&SARCASM)),
        ("no offense", r(&SARCASM)),
        ("no offence", r(&SARCASM)),
        ("you are wrong", r(&ARGUING)),
        ("you're wrong", r(&ARGUING)),
        ("you are mistaken", r(&ARGUING)),
        ("you're mistaken", r(&ARGUING)),
        ("that is not what happened", r(&ARGUING)),
        ("that's not what happened", r(&ARGUING)),
        ("that is not true", r(&ARGUING)),
        ("that's not true", r(&ARGUING)),
        ("that is incorrect", r(&ARGUING)),
        ("that's incorrect", r(&ARGUING)),
        ("you misunderstood", r(&ARGUING)),
        ("you are confused", r(&ARGUING)),
        ("you're confused", r(&ARGUING)),
        ("let me correct you", r(&ARGUING)),
        ("you clearly didn't", r(&ARGUING)),
        ("that never happened", r(&ARGUING)),
        ("you must be mistaken", r(&ARGUING)),
        ("actually,", r(&CORRECTING)),
        ("as a matter of fact", r(&CORRECTING)),
        ("to be fair", r(&CORRECTING)),
        ("you should have", r(&BLAME_CUSTOMER)),
        ("you should've", r(&BLAME_CUSTOMER)),
        ("your fault", r(&BLAME_CUSTOMER)),
        ("user error", r(&BLAME_CUSTOMER)),
        ("you failed to", r(&BLAME_CUSTOMER)),
        ("you didn't read", r(&BLAME_CUSTOMER)),
        ("you did not read", r(&BLAME_CUSTOMER)),
        ("you forgot to", r(&BLAME_CUSTOMER)),
        ("you were supposed to", r(&BLAME_CUSTOMER)),
        ("you neglected to", r(&BLAME_CUSTOMER)),
        ("you caused", r(&BLAME_CUSTOMER)),
        ("due to your mistake", r(&BLAME_CUSTOMER)),
        ("because you didn't", r(&BLAME_CUSTOMER)),
        ("because you did not", r(&BLAME_CUSTOMER)),
        ("you must have", r(&BLAME_CUSTOMER)),
        ("if you had read", r(&BLAME_CUSTOMER)),
        ("if you had followed", r(&BLAME_CUSTOMER)),
        ("you did it wrong", r(&BLAME_CUSTOMER)),
        ("you should have received", None),
        ("you should've received", None),
        ("you should've got", None),
        ("you should've gotten", None),
        ("you must have access", None),
        ("you should've been", None),
        ("you should have got", None),
        ("you should have gotten", None),
        ("you should have a", None),
        ("you should have an", None),
        ("you should have access", None),
        ("you should have it", None),
        ("you should have been", None),
        ("you should have had", None),
        ("you must have been", None),
        ("you must have received", None),
        ("the post office lost", r(&BUCK_PASSING)),
        ("the courier lost", r(&BUCK_PASSING)),
        ("the carrier lost", r(&BUCK_PASSING)),
        ("the post office's fault", r(&BUCK_PASSING)),
        ("the courier's fault", r(&BUCK_PASSING)),
        ("the carrier's fault", r(&BUCK_PASSING)),
        ("our supplier's fault", r(&BUCK_PASSING)),
        ("the supplier's fault", r(&BUCK_PASSING)),
        ("the manufacturer's fault", r(&BUCK_PASSING)),
        ("blame the post office", r(&BUCK_PASSING)),
        ("blame the courier", r(&BUCK_PASSING)),
        ("blame our supplier", r(&BUCK_PASSING)),
        ("another department", r(&BUCK_PASSING)),
        ("a different department", r(&BUCK_PASSING)),
        ("not my department", r(&BUCK_PASSING)),
        ("not our department", r(&BUCK_PASSING)),
        ("not our problem", r(&BUCK_PASSING)),
        ("not my problem", r(&BUCK_PASSING)),
        ("not our fault", r(&BUCK_PASSING)),
        ("not my fault", r(&BUCK_PASSING)),
        ("nothing to do with us", r(&BUCK_PASSING)),
        ("out of our control", r(&BUCK_PASSING)),
        ("beyond our control", r(&BUCK_PASSING)),
        ("not our responsibility", r(&BUCK_PASSING)),
        ("not responsible for", r(&BUCK_PASSING)),
        ("take it up with", r(&BUCK_PASSING)),
        ("you'll have to contact the", r(&BUCK_PASSING)),
        ("that's our policy", r(&POLICY_WALL)),
        ("thats our policy", r(&POLICY_WALL)),
        ("that is our policy", r(&POLICY_WALL)),
        ("it's our policy", r(&POLICY_WALL)),
        ("it is our policy", r(&POLICY_WALL)),
        ("it's company policy", r(&POLICY_WALL)),
        ("it is company policy", r(&POLICY_WALL)),
        ("that's company policy", r(&POLICY_WALL)),
        ("nothing i can do", r(&POLICY_WALL)),
        ("nothing we can do", r(&POLICY_WALL)),
        ("i can't do anything", r(&POLICY_WALL)),
        ("i cannot do anything", r(&POLICY_WALL)),
        ("rules are rules", r(&POLICY_WALL)),
        ("do it for everyone", r(&POLICY_WALL)),
        ("do that for everyone", r(&POLICY_WALL)),
        ("do the same for everyone", r(&POLICY_WALL)),
        ("my hands are tied", r(&POLICY_WALL)),
        ("out of my hands", r(&POLICY_WALL)),
        ("i don't make the rules", r(&POLICY_WALL)),
        ("no exceptions", r(&POLICY_WALL)),
        ("we don't make exceptions", r(&POLICY_WALL)),
        ("we do not make exceptions", r(&POLICY_WALL)),
        ("i'm not allowed to", r(&POLICY_WALL)),
        ("i am not allowed to", r(&POLICY_WALL)),
        ("the system won't let me", r(&POLICY_WALL)),
        ("against our policy", r(&POLICY_MENTION)),
        ("against company policy", r(&POLICY_MENTION)),
        ("against policy", r(&POLICY_MENTION)),
        ("per our policy", r(&POLICY_MENTION)),
        ("per policy", r(&POLICY_MENTION)),
        ("policy states", r(&POLICY_MENTION)),
        ("policy does not allow", r(&POLICY_MENTION)),
        ("policy doesn't allow", r(&POLICY_MENTION)),
    ])
});

/// Words that are all capitals by nature, never shouting.
const ACRONYMS: &[&str] = &[
    "ASAP", "FAQ", "HTTP", "HTTPS", "HTML", "URL", "PDF", "USB", "CPU", "RAM", "GPU", "SSD", "DNS",
    "VPN", "API", "SMS", "ATM", "PIN", "IBAN", "BIC", "VAT", "EU", "USA", "UK", "TV", "PC", "OS",
    "IOS", "ID", "OK", "FYI", "GMT", "UTC", "CEST", "CET", "EST", "PST", "PDT", "EDT", "AM", "PM",
    "IMEI", "SIM", "WIFI", "LTE", "NFC", "QR", "CSV", "XML", "JSON", "SKU", "RMA", "UPS", "DHL",
    "USPS", "FEDEX", "TNT", "LCD", "LED", "HDMI", "MMS", "ETA", "DM", "DMS",
];

/// Runs the language checks on a draft answering `customer_message` ("" when unknown).
pub fn check(draft: &str, customer_message: &str, findings: &mut Vec<Finding>) {
    for (span, rule) in PHRASES.find(draft) {
        if std::ptr::eq(rule, &SARCASM)
            && draft[span.clone()].eq_ignore_ascii_case("congratulations")
            && sincere_congratulations(customer_message)
        {
            continue;
        }
        if std::ptr::eq(rule, &DISMISSIVE)
            && draft[span.clone()].eq_ignore_ascii_case("deal with it")
            && ours(&draft[..span.start])
        {
            continue;
        }
        findings.push(Finding {
            check: rule.check,
            severity: rule.severity,
            span,
            explanation: rule.explanation.into(),
            suggestion: rule.suggestion.map(Into::into),
        });
    }
    others_fault(draft, findings);
    shouting(draft, findings);
    jab(draft, findings);
}

/// "While we deal with it": "deal with it" whose subject is us (the word
/// before it is a first person) is our own work, not the customer told to
/// put up with it.
fn ours(before: &str) -> bool {
    let last = before
        .trim_end()
        .rsplit(|c: char| c.is_whitespace())
        .next()
        .unwrap_or("")
        .to_lowercase()
        .replace('’', "'");
    ["we", "i", "we'll", "i'll"].contains(&last.as_str())
}

/// "Frankly, most customers would ...", "Honestly, people who ... always":
/// a sentence that opens by claiming candour and then judges the customer
/// or people like them is a jab, not information.
fn jab(draft: &str, findings: &mut Vec<Finding>) {
    const CANDOUR: &[&str] = &[
        "frankly",
        "quite frankly",
        "honestly",
        "to be honest",
        "let's be honest",
        "to be blunt",
        "bluntly",
    ];
    const AT_THEM: &[&str] = &[
        "you",
        "your",
        "you're",
        "you've",
        "people",
        "customers",
        "anyone",
        "everyone",
    ];
    for span in crate::text::sentences(draft) {
        let sentence = &draft[span.clone()];
        // Past a greeting on the same line ("Hi Liam,\n\nHonestly, ...").
        let body = sentence
            .rsplit('\n')
            .next()
            .unwrap_or(sentence)
            .trim_start();
        let lower = crate::text::lower(body);
        let Some(opener) = CANDOUR.iter().find(|c| lower.starts_with(*c)) else {
            continue;
        };
        let rest = &lower[opener.len()..];
        if !rest.starts_with([',', ' ']) {
            continue;
        }
        let judges = crate::text::plain_words(rest).any(|w| AT_THEM.contains(&w));
        if judges {
            let start = span.end - body.len();
            findings.push(Finding {
                check: Check::Rude,
                severity: Severity::Warn,
                span: start..start + opener.len(),
                explanation: "a jab: candour used to pass judgement on the customer".into(),
                suggestion: Some(Advice::LeaveOutJudgement.into()),
            });
        }
    }
}

/// "Congratulations" to a customer who reports no failure of ours is
/// sincere; to one who does, it reads as sarcasm.
fn sincere_congratulations(customer_message: &str) -> bool {
    !customer_message.trim().is_empty() && crate::apology::failure(customer_message).is_none()
}

/// "the airport's fault", "the bank's fault": anyone else's fault is buck-passing.
fn others_fault(draft: &str, findings: &mut Vec<Finding>) {
    let lower = draft.to_ascii_lowercase();
    for needle in ["'s fault", "’s fault"] {
        let mut from = 0;
        while let Some(found) = lower[from..].find(needle) {
            let at = from + found;
            from = at + needle.len();
            let before = lower[..at].trim_end();
            let word_start = before
                .rfind(|c: char| !c.is_alphanumeric())
                .map_or(0, |i| i + 1);
            let owner = &before[word_start..];
            let article = before[..word_start].trim_end();
            let ours = ["our", "my", "it", "one", "nobody", "no"].contains(&owner)
                || article.ends_with("our")
                || article.ends_with("my");
            let named = article.ends_with("the") || article.ends_with("your");
            if !ours && named && !owner.is_empty() {
                let start = before[..word_start]
                    .trim_end()
                    .rfind(char::is_whitespace)
                    .map_or(0, |i| i + 1);
                findings.push(Finding {
                    check: BUCK_PASSING.check,
                    severity: BUCK_PASSING.severity,
                    span: start..from,
                    explanation: BUCK_PASSING.explanation.into(),
                    suggestion: BUCK_PASSING.suggestion.map(Into::into),
                });
            }
        }
    }
}

/// A run of all-capital words holding two or more words of three or more
/// letters, outside links and known acronyms, reads as shouting.
fn shouting(draft: &str, findings: &mut Vec<Finding>) {
    // (start, end, loud words of 3+ letters)
    let mut run: Option<(usize, usize, usize)> = None;
    let flush = |run: &mut Option<(usize, usize, usize)>, findings: &mut Vec<Finding>| {
        if let Some((start, end, n)) = run.take()
            && n >= 2
        {
            findings.push(Finding {
                check: Check::Rude,
                severity: Severity::Block,
                span: start..end,
                explanation: "capitals read as shouting".into(),
                suggestion: Some(Suggestion::Wording(draft[start..end].to_lowercase())),
            });
        }
    };
    for (span, word) in crate::text::words(draft) {
        let in_link = draft[..span.start]
            .rsplit(char::is_whitespace)
            .next()
            .is_some_and(|w| w.contains("://") || w.contains("www."));
        let letters = word.chars().filter(|c| c.is_alphabetic()).count();
        if letters == 0 {
            continue;
        }
        let capitals = word.chars().all(|c| !c.is_lowercase()) && !in_link;
        if !capitals {
            flush(&mut run, findings);
            continue;
        }
        let counts = usize::from(letters >= 4 && !ACRONYMS.contains(&word));
        run = Some(match run {
            Some((start, _, n)) => (start, span.end, n + counts),
            None => (span.start, span.end, counts),
        });
    }
    flush(&mut run, findings);
    shouted_opener(draft, findings);
}

/// A shouted word opening a line or sentence ("AGAIN, the limit is ...",
/// "NO. Tags must be attached").
fn shouted_opener(draft: &str, findings: &mut Vec<Finding>) {
    for span in crate::text::sentences(draft) {
        let sentence = &draft[span.clone()];
        let Some((range, word)) = crate::text::words(sentence).next() else {
            continue;
        };
        let after = sentence[range.end..].chars().next();
        let loud = word.chars().all(|c| c.is_ascii_uppercase())
            && (word.len() >= 4 || word == "NO")
            && !ACRONYMS.contains(&word)
            && matches!(after, Some(',' | '!' | '.'));
        let already = findings.iter().any(|f| {
            f.check == Check::Rude
                && f.span.start <= span.start + range.start
                && span.start + range.end <= f.span.end
        });
        if loud && !already {
            findings.push(Finding {
                check: Check::Rude,
                severity: Severity::Block,
                span: span.start + range.start..span.start + range.end,
                explanation: "capitals read as shouting".into(),
                suggestion: Some(Suggestion::Wording(word.to_lowercase())),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checks(draft: &str) -> Vec<(Check, Severity, &str)> {
        let mut f = Vec::new();
        check(draft, "", &mut f);
        f.into_iter()
            .map(|f| (f.check, f.severity, &draft[f.span]))
            .collect()
    }

    #[test]
    fn flags_rudeness_and_shouting() {
        assert_eq!(
            checks("Please calm down, Ann."),
            [(Check::Rude, Severity::Block, "calm down")]
        );
        assert_eq!(
            checks("As I already told you, the fee is $5."),
            [(Check::Rude, Severity::Block, "As I already told you")]
        );
        assert_eq!(
            checks("I SAID WE CANNOT do that"),
            [(Check::Rude, Severity::Block, "I SAID WE CANNOT")]
        );
        assert!(
            checks("Your PDF and the USB cable ship via DHL; see HTTPS://EXAMPLE.COM/ORDER")
                .is_empty()
        );
        assert!(checks("We are calmly working on it. Thanks so much!!").is_empty());
    }

    #[test]
    fn flags_arguing_blame_and_policy() {
        assert_eq!(checks("You're wrong about the date.")[0].0, Check::Arguing);
        assert_eq!(
            checks("You should have read the terms.")[0],
            (Check::Blame, Severity::Block, "You should have")
        );
        assert!(checks("You should have received a confirmation e-mail.").is_empty());
        assert_eq!(
            checks("The post office lost it, not us.")[0],
            (Check::Blame, Severity::Warn, "The post office lost")
        );
        assert!(checks("I've filed a claim with the post office for you.").is_empty());
        assert_eq!(
            checks("Cancellations are the airport's fault, not ours.")[0],
            (Check::Blame, Severity::Warn, "the airport's fault")
        );
        assert!(checks("That's our packing's fault, not the courier.").is_empty());
        assert!(checks("You should've received an e-mail.").is_empty());
        assert_eq!(checks("Sorry, that’s our policy.")[0].0, Check::PolicyWall);
        assert_eq!(
            checks("If I do that for you I'd have to do it for everyone.")[0].0,
            Check::PolicyWall
        );
        assert!(checks("Our policy is to refund you in full, so I've done that.").is_empty());
    }

    #[test]
    fn congratulations_are_sarcasm_only_on_a_grievance() {
        let draft = "Congratulations, and thanks for writing in.";
        let rude = |message: &str| {
            let mut f = Vec::new();
            check(draft, message, &mut f);
            f.iter().any(|f| f.check == Check::Rude)
        };
        assert!(rude(""));
        assert!(rude("My order is two weeks late again and nobody answers."));
        assert!(!rude(
            "We just launched our new 5G network across the country!"
        ));
    }

    #[test]
    fn our_own_work_is_not_deal_with_it() {
        assert_eq!(checks("Cables snap. Deal with it.").len(), 1);
        assert!(checks("While we deal with it, your cover stays in place.").is_empty());
        assert_eq!(checks("You'll have to deal with it.").len(), 1);
    }
}
