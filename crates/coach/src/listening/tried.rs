//! A step the customer says they have already taken ("I've already
//! restarted the router", "we are connected to the bank feed"): a reply
//! that gives that step back as the answer answers a neighbouring question.

use super::Said;
use super::reply::Reply;
use super::words::{split_words, stem};

/// Openings of the customer's account of a step already taken; the step is
/// the next word, or the participle at the end of the opening.
const TAKEN: &[&str] = &[
    "i've already ",
    "i have already ",
    "i already ",
    "we've already ",
    "we have already ",
    "we already ",
    "i've tried ",
    "i have tried ",
    "we've tried ",
    "we have tried ",
    "we are connected",
    "we're connected",
    "i am connected",
    "i'm connected",
    "it is connected",
    "it's connected",
];

/// Words in a reply's sentence that make the step ours or acknowledge the
/// customer's ("I've reset it for you", "since you've already restarted").
const OURS_OR_KNOWN: &[&str] = &[
    "i've",
    "we've",
    "i have",
    "we have",
    "already",
    "you've",
    "you have",
    "since you",
    "as you",
];

/// Words after an opening that name no step of the customer's own ("I
/// already have an account", "I've already waited a week").
const NO_STEP: &[&str] = &[
    "have", "had", "been", "done", "made", "said", "told", "asked", "got", "seen", "know", "wait",
    "waited", "waiting",
];

/// The step the customer says they took, when the reply hands that same
/// step back to them without a word that they have done it.
pub(super) fn repeated(said: &Said, reply: &Reply) -> Option<String> {
    let lower = said.lower.as_str();
    // Every opening holds one of these: most messages hold none.
    if !["already", "tried", "connected"]
        .iter()
        .any(|k| lower.contains(k))
    {
        return None;
    }
    // Tested first, found once: the first opening of the list that occurs.
    let opening = *TAKEN.iter().find(|t| lower.contains(*t))?;
    let at = lower.find(opening)?;
    let rest = &lower[at + opening.len()..];
    // The step: the participle closing the opening ("connected"), or the
    // word after it ("restarted", "reinstalling").
    let step = match opening.trim_end().rsplit(' ').next() {
        Some(last) if !opening.ends_with(' ') => last,
        _ => split_words(rest).into_iter().next()?,
    };
    if NO_STEP.contains(&step) {
        return None;
    }
    let step = stem(step);
    if step.chars().count() < 4 {
        return None;
    }
    // The reply's sentences, already lower-cased: one that gives the step
    // and says nothing of it being done.
    let gives_back = crate::text::sentences(&reply.lower)
        .into_iter()
        .map(|s| &reply.lower[s])
        .any(|sentence| {
            !OURS_OR_KNOWN.iter().any(|o| sentence.contains(o))
                && split_words(sentence).iter().any(|w| stem(w) == step)
        });
    let told = &lower[at..];
    let end = told
        .find([',', ';', '.', '(', '!', '?'])
        .unwrap_or(told.len());
    (gives_back && !reply.says("already")).then(|| told[..end].trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::super::Said;
    use super::super::reply::Reply;
    use super::repeated;
    use crate::Medium;

    #[test]
    fn a_step_given_back_is_a_neighbouring_answer() {
        let message = "I've already restarted the router and it still drops.";
        let back = Reply::read(
            "Hi,\n\nPlease restart the router.\n\nBest,\nNet",
            Medium::Mail,
            &[],
        );
        assert!(repeated(&Said::new(message), &back).is_some());
        let known = Reply::read(
            "Hi,\n\nSince you've restarted it, I'm sending an engineer today.\n\nBest,\nNet",
            Medium::Mail,
            &[],
        );
        assert!(repeated(&Said::new(message), &known).is_none());
        let no_step = Reply::read(
            "Hi,\n\nThey have been posted to you today.\n\nBest,\nNet",
            Medium::Mail,
            &[],
        );
        assert!(
            repeated(
                &Said::new("I already have two of them, where are the rest?"),
                &no_step
            )
            .is_none()
        );
    }
}
