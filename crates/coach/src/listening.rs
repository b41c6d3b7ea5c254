//! Not listening: the customer asked for something and the reply does not
//! address it. Each ask is a question or request clause in the customer's
//! message ([`extract`]); it counts as answered when the reply shares its
//! subject (a content word or a help-desk synonym, [`words`]), gives the
//! kind of answer it asks for (a time for "when", a reason for "why", steps
//! for "how", [`kinds`]), or answers it by structure (a yes or no, a
//! refusal, a step taken, [`answers`]). Needs that are not questions (a
//! deadline, a cost the customer bore) are read by [`needs`]; [`reply`]
//! reads the draft once and matches each ask against it.

mod answers;
mod extract;
mod kinds;
mod needs;
mod reply;
#[cfg(test)]
mod tests;
mod words;

pub use extract::{Ask, asks};

use crate::{Advice, Check, Finding, Medium, Severity};
use reply::Reply;

/// Flags each ask the draft does not address, a deadline it ignores, and a
/// form letter sent to a customer who asked or reported something.
pub fn check(draft: &str, customer_message: &str, medium: Medium, findings: &mut Vec<Finding>) {
    let asks = asks(customer_message);
    let reply = Reply::read(draft, medium, findings);
    let boilerplate = findings
        .iter()
        .any(|f| f.check == Check::FormLetter && f.severity >= Severity::Warn);
    let vague = findings.iter().any(|f| f.check == Check::VaguePromise);
    if boilerplate && vague && deferred(&asks, customer_message) {
        return;
    }
    let wall = findings.iter().any(|f| f.check == Check::PolicyWall);
    if wall && let Some(need) = needs::urgent(customer_message) {
        findings.push(reply.finding(
            format!(
                "the reply refuses on a rule and offers nothing for what the customer needs (\"{}\")",
                need.trim()
            ),
            Advice::OfferInstead,
        ));
        return;
    }
    if let Some((explanation, suggestion)) =
        unmet_need(&asks, customer_message, &reply, boilerplate, vague)
    {
        findings.push(reply.finding(explanation, suggestion));
        return;
    }
    if asks.is_empty() || reply.continues {
        return;
    }
    let matcher = reply.matcher(&asks);
    for ask in &asks {
        if !matcher.answers(ask) {
            findings.push(reply.finding(
                format!(
                    "the customer asked \"{}\" and the reply does not address it",
                    ask.text
                ),
                Advice::AnswerIt,
            ));
        }
    }
}

/// A stock reply that defers a plain request ("please pause my box") to an
/// undated follow-up is a vague promise, not deafness; one that meets
/// questions or a reported failure is both.
fn deferred(asks: &[Ask], customer_message: &str) -> bool {
    !asks.iter().any(|a| a.text.trim_end().ends_with('?'))
        && !crate::apology::reports_failure(customer_message)
}

/// A need the reply misses as a whole: a form letter to a customer who
/// asked or reported something, a deadline with no time in the reply, or a
/// cost the customer bore and the reply says nothing about money.
fn unmet_need(
    asks: &[Ask],
    customer_message: &str,
    reply: &Reply,
    boilerplate: bool,
    vague: bool,
) -> Option<(String, Advice)> {
    if boilerplate && (!asks.is_empty() || needs::ongoing(customer_message)) {
        return Some((
            "a form letter: nothing in it answers what this customer asked or reported".into(),
            Advice::AnswerTheirCase,
        ));
    }
    let deadline = needs::deadline(customer_message);
    if let Some(need) = &deadline
        && !reply.names_time()
        && !reply.refuses_at_all()
        && !reply.done()
    {
        return Some((
            format!(
                "the customer named a time (\"{}\") and the reply says nothing about when",
                need.trim()
            ),
            Advice::SayWhetherInTime,
        ));
    }
    if let Some(need) = &deadline
        && needs::misses_deadline(need, reply.draft())
    {
        return Some((
            format!(
                "the customer named a time (\"{}\") and the date in the reply comes after it",
                need.trim()
            ),
            Advice::SayWhetherItCan,
        ));
    }
    if let Some((hardship, word)) = needs::hardship(customer_message, !asks.is_empty())
        && !reply.helps(vague)
        && !reply.says(word)
    {
        return Some((
            format!(
                "the customer says what the trouble means for them (\"{}\") and the reply offers nothing for it",
                hardship.trim()
            ),
            Advice::SayWhatNow,
        ));
    }
    if let Some(cost) = needs::cost_borne(customer_message)
        && !needs::speaks_of_money(&reply.lower)
        && !reply.continues
        && !reply.defers()
    {
        return Some((
            format!(
                "the customer counts what it cost them (\"{}\") and the reply says nothing about it",
                cost.trim()
            ),
            Advice::AddressTheCost,
        ));
    }
    None
}
