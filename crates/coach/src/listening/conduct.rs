//! How one of ours treated the customer: a need the customer states
//! without a question ("the driver told me to shut up"), which a reply that
//! puts right only the rest of the complaint (the fare, the eggs) leaves
//! unheard.

use super::Said;
use super::reply::Reply;

/// What one of ours did to the customer, as the customer tells it.
const CONDUCT: &[&str] = &[
    "told me to shut up",
    "told us to shut up",
    "shouted at me",
    "shouted at us",
    "yelled at me",
    "yelled at us",
    "screamed at me",
    "screamed at us",
    "swore at me",
    "swore at us",
    "sworn at",
    "laughed at me",
    "laughed at us",
    "laughed at my",
    "was rude",
    "were rude",
    "rude to me",
    "rude to us",
    // Not "I feel insulted by this offer": a feeling about the offer.
    "insulted me",
    "insulted us",
    "insulted my",
    "hung up on me",
    "hung up on us",
    "rolled his eyes",
    "rolled her eyes",
];

/// Words by which a reply takes up how the customer was treated: the
/// conduct, or its being passed on; the person ("the driver", "the
/// porter") is read from the customer's own words. Not "he": "sorry he
/// didn't turn up" speaks of the visit.
const TAKEN_UP: &[&str] = &[
    "behaviour",
    "behavior",
    "conduct",
    "manner",
    "attitude",
    "language",
    "rude",
    "treated",
    "speak",
    "spoke",
    "spoken",
    "feedback",
    "passed",
];

/// Words of the customer's sentence too common to show the reply speaks of
/// the same person.
const COMMON: &[&str] = &[
    "about", "after", "again", "also", "asked", "because", "could", "even", "from", "have", "just",
    "said", "that", "then", "there", "they", "this", "told", "when", "what", "with", "your",
];

/// The customer's sentence telling how one of ours treated them, when the
/// reply has done something about the rest of the complaint and says
/// nothing of the person or the conduct.
pub(super) fn ignored(said: &Said, reply: &Reply) -> Option<String> {
    // The customer's words first (one scan each of the whole message; most
    // tell of no conduct), then the reply (read once, cached): a reply that
    // does nothing is no answer to the rest either, and other checks speak
    // of it.
    let lower = said.lower.as_str();
    if !CONDUCT.iter().any(|c| lower.contains(c)) || !reply.done() {
        return None;
    }
    let (sentence, at) = crate::text::sentences(lower)
        .into_iter()
        .map(|s| &lower[s])
        .find_map(|s| CONDUCT.iter().find_map(|c| s.find(c)).map(|at| (s, at)))?;
    // The person and the conduct: the sentence up to the end of the clause
    // telling it ("the porter laughed at me", not "and the lift was broken").
    let end = sentence[at..]
        .find([',', ';'])
        .map_or(sentence.len(), |i| at + i);
    let told = &sentence[..end];
    let taken_up = TAKEN_UP.iter().any(|w| reply.says(w))
        || told
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.len() >= 4 && !COMMON.contains(w))
            .any(|w| reply.says(w));
    (!taken_up).then(|| told.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::super::Said;
    use super::super::reply::Reply;
    use super::ignored;
    use crate::Medium;

    fn read(draft: &str) -> Reply<'_> {
        Reply::read(draft, Medium::Mail, &[])
    }

    #[test]
    fn conduct_left_out_of_a_reply_that_fixes_the_rest_is_unheard() {
        let message = "The porter laughed at me when I asked for help, and the lift was broken.";
        let fixed_only = read("Hi Jo,\n\nSorry about the lift; I've repaired it.\n\nBest,\nDesk");
        assert!(ignored(&Said::new(message), &fixed_only).is_some());
        let both = read(
            "Hi Jo,\n\nSorry about the lift; I've repaired it, and I've spoken to the porter.\n\nBest,\nDesk",
        );
        assert!(ignored(&Said::new(message), &both).is_none());
        let nothing_done = read("Hi Jo,\n\nThanks for your message.\n\nBest,\nDesk");
        assert!(ignored(&Said::new(message), &nothing_done).is_none());
    }
}
