//! The policy wall without the stock phrases: a refusal that rests on a
//! rule ("under our fare rules", "as stated in the contract", "all sales
//! are final", "can only be ...") and a reply that offers no way forward
//! (an alternative, an exception, a next step the customer can take).

use crate::{Advice, Check, Finding, Severity};

/// Words that cite a rule.
const RULES: &[&str] = &[
    "policy",
    "policies",
    "terms",
    "conditions",
    "rules",
    "rule",
    "guidelines",
    "procedure",
    "contract",
    "agreement",
    "tariff",
    "clause",
    "regulations",
    "standard practice",
    "as stated",
    "stated on",
    "stated in",
    "subject to",
    "as per",
    "per our",
    "under our",
    "as outlined",
    "set out in",
    "in line with",
    "in accordance with",
];

/// A refusal, or a rule stated as immovable.
const REFUSALS: &[&str] = &[
    "not possible",
    "not permitted",
    "not allowed",
    "not available",
    "not refunded",
    "not refundable",
    "non-refundable",
    "not payable",
    "not eligible",
    "not covered",
    "cannot be",
    "can't be",
    "can not be",
    "unable to",
    "not able to",
    "can't make exceptions",
    "cannot make exceptions",
    "no exceptions",
    "without exception",
    "in all circumstances",
    "are final",
    "is final",
    "can only",
    "may only",
    "only be",
    "only available",
    "only provided",
    "only possible",
    "the charge stands",
    "applies to all",
    "apply to all",
    "applies to every",
    "for all guests",
    "for all customers",
    "must be",
    "must cancel",
    "excludes",
    "does not allow",
    "doesn't allow",
    "do not allow",
    "don't allow",
    "nothing i can do",
    "nothing further",
    "nothing more",
    "not automatically",
    "unable to refund",
    "can't refund",
    "cannot refund",
    "don't refund",
    "do not refund",
    "are charged in full",
    "is charged in full",
];

/// A way forward: an alternative, an exception made, a next step.
const WAYS_FORWARD: &[&str] = &[
    // A private channel with us ("feel free to DM us"), not someone else.
    "dm us",
    "message us",
    "feel free to contact us",
    "feel free to reach out to us",
    "what i can do",
    "what we can do",
    "instead",
    "alternatively",
    "alternative",
    "option",
    "i can offer",
    "we can offer",
    "i'd be happy",
    "i would be happy",
    "happy to",
    "glad to",
    "let me",
    "you're welcome to",
    "you are welcome to",
    "you could",
    "you can still",
    "you can also",
    "you can ask",
    "you can apply",
    "you can request",
    "you can exchange",
    "you can appeal",
    "you can book",
    // An appointment with us: "please make an appointment at a branch".
    "make an appointment",
    "book an appointment",
    "schedule an appointment",
    "i can arrange",
    "i can ask",
    "i can move",
    "i can book",
    "i can check",
    "i can send",
    "i can extend",
    "i can exchange",
    "i can waive",
    "i can refund",
    "i can give",
    "i can offer",
    "we can arrange",
    "we can move",
    "we can book",
    "i've arranged",
    "i have arranged",
    "i've extended",
    "i've moved",
    "i've added",
    "i've booked",
    "i've waived",
    "i've refunded",
    "i've credited",
    "i've asked",
    "i have asked",
    "i'll ask",
    "i will ask",
    "i'll arrange",
    "i'll check",
    "i'll see",
    "if you send",
    "if you can send",
    "if you'd like",
    "if you would like",
    "however, i",
    "however, we can",
    "but i can",
    "but we can",
    "one thing",
    "i've",
    "i have",
    "we've",
    "we have removed",
    "we have refunded",
    "you're entitled",
    "you are entitled",
    "full refund",
    "free of charge",
    "no charge",
    "at no cost",
];

/// Runs the policy wall check.
pub fn check(draft: &str, findings: &mut Vec<Finding>) {
    let lower_draft = crate::text::lower(draft);
    let way_forward =
        WAYS_FORWARD.iter().any(|w| lower_draft.contains(w)) || offers_step(&lower_draft);
    if way_forward || findings.iter().any(|f| f.check == Check::PolicyWall) {
        return;
    }
    let sentences = crate::text::sentences(draft);
    let walls: Vec<&std::ops::Range<usize>> = sentences
        .iter()
        .filter(|s| {
            let lower = crate::text::lower(&draft[(*s).clone()]);
            let cites = RULES.iter().any(|r| contains_word(&lower, r));
            let refuses = REFUSALS.iter().any(|r| contains_word(&lower, r));
            // "It can't be redirected now" refuses a thing, not by a rule:
            // a general refusal names a class ("Name changes are not permitted").
            let specific = ["it ", "it's", "that ", "this "]
                .iter()
                .any(|p| lower.starts_with(p));
            let basis = [
                "according to",
                "as per",
                "per our",
                "subject to",
                "set out in",
                "as stated",
                "in line with",
                "in accordance with",
                "as outlined",
                "under our",
            ]
            .iter()
            .any(|b| lower.contains(b));
            // "Your claim is being processed in line with our procedure":
            // how we handle it, with nothing refused, is no wall; "fees are
            // applied according to our tariff" settles the matter and is one.
            refuses && (cites || !specific)
                || cites && basis && (refuses_anywhere(&lower_draft) || !handling(&lower))
        })
        .collect();
    let cites_anywhere = RULES.iter().any(|r| contains_word(&lower_draft, r));
    if let Some(first) = walls.first()
        && (cites_anywhere || final_word(&lower_draft))
    {
        findings.push(Finding {
            check: Check::PolicyWall,
            severity: Severity::Warn,
            span: (*first).clone(),
            explanation: "a rule stated as the answer, with no way forward for the customer".into(),
            suggestion: Some(Advice::ReasonAndWhatYouCan.into()),
        });
    }
}

/// Verbs after "you can" that send the customer elsewhere rather than
/// forward ("you can read our terms", "you can contact your bank").
const NOT_A_STEP: &[&str] = &[
    "only",
    "not",
    "no",
    "never",
    "read",
    "see",
    "find",
    "contact",
    "check",
    "refer",
    "be",
    "always",
    "understand",
    "appreciate",
    "imagine",
    "do",
    "consider",
];

/// Structure of a way forward, whatever the words: a person (you, we, I)
/// with "can" or "could" and an action ("you can move to the off-peak
/// plan", "we could swap it").
fn offers_step(lower: &str) -> bool {
    let words: Vec<&str> = crate::text::plain_words(lower).collect();
    words.windows(3).any(|w| {
        ["you", "we", "i"].contains(&w[0])
            && ["can", "could"].contains(&w[1])
            && !NOT_A_STEP.contains(&w[2])
    })
}

/// A sentence about how we handle the customer's case or pay them ("is
/// being assessed", "are processed", "deposits are returned").
fn handling(lower: &str) -> bool {
    [
        "processed",
        "handled",
        "dealt",
        "assessed",
        "reviewed",
        "considered",
        "returned",
        "paid",
        "issued",
        "scheduled",
        "being",
        "respond",
        "reply",
        "answer",
        "deal",
    ]
    .iter()
    .any(|w| contains_word(lower, w))
}

/// Whether the reply refuses anything at all.
fn refuses_anywhere(lower: &str) -> bool {
    REFUSALS.iter().any(|r| contains_word(lower, r))
        || [
            "not", "none", "no", "nothing", "never", "won't", "can't", "cannot", "isn't", "aren't",
            "doesn't", "don't",
        ]
        .iter()
        .any(|w| contains_word(lower, w))
}

/// A refusal stated as immovable without naming a rule ("All ticket sales are final").
fn final_word(lower: &str) -> bool {
    [
        "are final",
        "is final",
        "not permitted",
        "not possible",
        "not available",
        "non-refundable",
        "cannot be changed",
        "can't be changed",
        "no exceptions",
        "can't make exceptions",
        "cannot make exceptions",
        "not refunded",
        "not payable",
        "in all circumstances",
        "can only",
        "only be",
        "only available",
        "only provided",
        "not covered",
        "not eligible",
        "not automatically",
        "must be",
        "unable to refund",
        "can't refund",
        "cannot refund",
    ]
    .iter()
    .any(|p| lower.contains(p))
}

fn contains_word(text: &str, phrase: &str) -> bool {
    let mut from = 0;
    while let Some(i) = text[from..].find(phrase) {
        let at = from + i;
        if crate::text::boundary_before(text, at)
            && crate::text::boundary_after(text, at + phrase.len())
        {
            return true;
        }
        from = at + phrase.len();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walls(draft: &str) -> usize {
        let mut f = Vec::new();
        check(draft, &mut f);
        f.len()
    }

    #[test]
    fn a_rule_with_no_way_forward_is_a_wall() {
        assert_eq!(
            walls("Hi Jo, refunds are not available after 30 days under our terms. Best, Al"),
            1
        );
        assert_eq!(walls("Hi Jo, gift cards are non-refundable. Best, Al"), 1);
        assert_eq!(
            walls(
                "Hi Jo, refunds are not available after 30 days, but I can offer store credit. Best, Al"
            ),
            0
        );
        assert_eq!(
            walls(
                "Hi Jo, it can't be redirected now, so I've asked the courier to return it. Best, Al"
            ),
            0
        );
        assert_eq!(walls("Hi Jo, your refund is on its way. Best, Al"), 0);
        // How we handle the case, with nothing refused, is no wall; a rule
        // that settles the matter is one.
        assert_eq!(
            walls("Hi Jo, your claim is handled in line with our procedure. Best, Al"),
            0
        );
        assert_eq!(
            walls("Hi Jo, fees are applied according to our published tariff. Best, Al"),
            1
        );
        assert_eq!(
            walls("Hi Jo, in line with our rules, dogs are not permitted. Best, Al"),
            1
        );
        // A private channel with us is a way forward; someone else is not.
        let rule = "Hi Jo, refunds are not available after 30 days under our terms.";
        assert_eq!(walls(&format!("{rule} Feel free to DM us the order.")), 0);
        assert_eq!(walls(&format!("{rule} Feel free to contact your bank.")), 1);
    }
}
