//! Arguing against what the customer reports, read against their message:
//! a general claim that rules out the very thing they describe ("the room
//! cannot smell of smoke", "accounts don't disappear"), and our staff's
//! denial put forward as the answer ("the driver denies it").

use super::structure::words;

/// Negations that rule something out in general (not "we can't", which is
/// a refusal, nor "I don't", which is about us).
const RULED_OUT: &[&str] = &[
    "cannot", "can't", "couldn't", "could", "don't", "doesn't", "do", "does", "never", "won't",
    "wouldn't",
];

/// Verbs too general to tie a claim to the report ("staff don't work
/// nights" is not "the TV doesn't work").
const GENERAL_VERBS: &[&str] = &[
    "work", "works", "worked", "working", "help", "helps", "allow", "allows", "need", "needs",
    "have", "make", "take", "know", "want", "like", "come", "seem", "seems", "look", "think",
    "mean", "include", "cover", "apply", "said", "says", "tell", "told",
];

/// Stems good enough to tell "disappear" from "disappeared".
fn stem(word: &str) -> &str {
    for suffix in ["ing", "ed", "es", "s", "d"] {
        if let Some(base) = word.strip_suffix(suffix)
            && base.len() >= 4
        {
            return base;
        }
    }
    word
}

/// The draft's sentences (byte ranges) that argue against the report.
pub(super) fn argued(draft: &str, customer_message: &str) -> Vec<std::ops::Range<usize>> {
    // The draft first (cheap): sentences that deny, with the verb they rule
    // out; the customer's message is read only when there is one.
    // Each candidate with the words that tie it to the report (none: always).
    let mut candidates: Vec<(std::ops::Range<usize>, Vec<String>)> = Vec::new();
    for span in crate::text::sentences(draft) {
        let lower = crate::text::lower(&draft[span.clone()]);
        if lower.trim_end().ends_with('?') {
            continue;
        }
        let w = words(&lower);
        let staff_denies = w.iter().any(|x| ["deny", "denies", "denied"].contains(x))
            && !w
                .iter()
                .any(|x| ["payment", "card", "access", "claim"].contains(x));
        if staff_denies {
            candidates.push((span, Vec::new()));
            continue;
        }
        if let Some(verb) = ruled_out(&w) {
            candidates.push((span, vec![verb]));
        } else if let Some(clause) = doubting_condition(&w) {
            candidates.push((span, clause));
        }
    }
    // Only a reported failure can be argued against, and only in the words
    // of the report: not of a question or a request ("can I return it?").
    if candidates.is_empty() || !crate::apology::reports_failure(customer_message) {
        return Vec::new();
    }
    let message = crate::text::lower(customer_message);
    let reported: Vec<&str> = crate::text::sentences(&message)
        .into_iter()
        .map(|s| &message[s])
        .filter(|s| !s.trim_end().ends_with('?') && !s.contains("please") && !s.contains("pls"))
        .flat_map(words)
        .filter(|w| w.len() >= 4 && !GENERAL_VERBS.contains(w))
        .map(stem)
        .collect();
    candidates
        .into_iter()
        .filter(|(_, tied)| match tied.len() {
            0 => true,
            // A general negation names one verb of the report.
            1 => reported.contains(&stem(&tied[0])),
            // A condition repeats the report in at least two of its words.
            _ => tied.iter().filter(|w| reported.contains(&stem(w))).count() >= 2,
        })
        .map(|(span, _)| span)
        .collect()
}

/// "If your card was valid, ...", "if the sleeve really was torn when it
/// arrived": the customer's account repeated as a condition in the past or
/// with "really", which doubts it. The condition's content words, to be
/// found in the report; not "if it is still cold tomorrow" (what happens next).
fn doubting_condition(w: &[&str]) -> Option<Vec<String>> {
    let at = w.iter().position(|x| *x == "if")?;
    let clause = &w[at + 1..w.len().min(at + 12)];
    let doubted = clause.iter().any(|x| {
        [
            "was",
            "were",
            "did",
            "had",
            "really",
            "actually",
            "indeed",
            "truly",
            "genuinely",
        ]
        .contains(x)
    });
    let content: Vec<String> = clause
        .iter()
        .filter(|x| x.len() >= 4 && !GENERAL_VERBS.contains(x))
        .map(|x| (*x).to_string())
        .collect();
    (doubted && content.len() >= 2).then_some(content)
}

/// The verb a general negation rules out ("cannot smell", "don't
/// disappear", "could not have leaked"), not "we can't" (a refusal), "I
/// don't" (about us) or one inside a condition ("if it still doesn't").
fn ruled_out(w: &[&str]) -> Option<String> {
    w.windows(3).enumerate().find_map(|(i, x)| {
        let subject = i.checked_sub(1).map(|j| w[j]);
        let personal = subject.is_some_and(|s| ["i", "we", "you"].contains(&s));
        let conditional = w[i.saturating_sub(5)..i]
            .iter()
            .any(|x| ["if", "unless", "when", "whether"].contains(x));
        let negated = RULED_OUT.contains(&x[0])
            && (x[0].contains('\'') || x[0] == "cannot" || x[0] == "never" || x[1] == "not");
        let verb = [x[1], x[2]]
            .into_iter()
            .find(|v| !["not", "be", "have", "been", "ever"].contains(v))?;
        (negated && !personal && !conditional && verb.len() >= 4 && !GENERAL_VERBS.contains(&verb))
            .then(|| verb.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::argued;

    #[test]
    fn a_claim_that_rules_out_the_report_argues() {
        let message = "The sink in our room smells of drains.";
        assert_eq!(
            argued("Our sinks cannot smell: they are cleaned daily.", message).len(),
            1
        );
        assert!(argued("We can't move you tonight, sorry.", message).is_empty());
        assert!(argued("A plumber checks the drains at 3 pm.", message).is_empty());
        let message = "The waiter shouted at my son.";
        assert_eq!(
            argued("I asked the waiter and he denies it.", message).len(),
            1
        );
    }

    #[test]
    fn the_report_repeated_as_a_condition_in_the_past_doubts_it() {
        let report = "The jacket arrived with a torn sleeve.";
        assert_eq!(
            argued(
                "If the sleeve really was torn when it arrived, send it back.",
                report
            )
            .len(),
            1
        );
        let cold = "The radiator in the back bedroom is still cold.";
        assert!(argued("If the radiator is still cold tonight, call me.", cold).is_empty());
    }
}
