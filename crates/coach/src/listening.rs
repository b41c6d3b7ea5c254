//! Not listening: the customer asked for something and the reply does not
//! address it. Each ask is a question or request clause in the customer's
//! message ([`extract`]); it counts as answered when the reply shares its
//! subject (a content word or a help-desk synonym, [`words`]), gives the
//! kind of answer it asks for (a time for "when", a reason for "why", steps
//! for "how", [`kinds`]), or answers it by structure (a yes or no, a
//! refusal, a step taken, [`answers`]). Needs that are not questions (a
//! deadline, a cost the customer bore) are read by [`needs`], the days
//! asked for and given by [`days`]; [`reply`]
//! reads the draft once and matches each ask against it.

mod answers;
mod conduct;
mod days;
mod extract;
mod kinds;
mod needs;
mod reply;
#[cfg(test)]
mod tests;
mod tried;
mod words;

pub use extract::{Ask, asks};

use crate::{Advice, Check, Finding, Medium, Severity};
use reply::Reply;

/// Flags each ask the draft does not address, a deadline it ignores, and a
/// form letter sent to a customer who asked or reported something.
/// `now`: when the reply is written, to read the days asked for and given.
pub fn check(
    draft: &str,
    customer_message: &str,
    medium: Medium,
    now: Option<&jiff::Zoned>,
    findings: &mut Vec<Finding>,
) {
    let asks = asks(customer_message);
    let reply = Reply::read(draft, medium, findings);
    let boilerplate = findings
        .iter()
        .any(|f| f.check == Check::FormLetter && f.severity >= Severity::Warn);
    let vague = findings.iter().any(|f| f.check == Check::VaguePromise);
    if boilerplate && vague && deferred(&asks, customer_message) {
        return;
    }
    let said = Said::new(customer_message);
    let wall = findings.iter().any(|f| f.check == Check::PolicyWall);
    if wall && let Some(need) = needs::urgent(&said) {
        findings.push(reply.finding(
            format!(
                "the reply refuses on a rule and offers nothing for what the customer needs (\"{}\")",
                need.trim()
            ),
            Advice::OfferInstead,
        ));
        return;
    }
    // Read once: the need with a time in the customer's message.
    let deadline = needs::deadline(&said);
    let deadline = deadline.as_deref();
    if let Some((explanation, suggestion)) =
        unmet_need(&asks, &said, deadline, &reply, boilerplate, vague)
    {
        findings.push(reply.finding(explanation, suggestion));
        return;
    }
    if let Some(now) = now
        && let Some(need) = later_than_asked(&asks, deadline, &reply, now)
    {
        findings.push(reply.finding(
            format!(
                "the customer asked for a day (\"{}\") and every day in the reply comes after it, without saying so",
                need.trim()
            ),
            Advice::SayWhetherDayMet,
        ));
        return;
    }
    if asks.is_empty() || reply.continues {
        return;
    }
    each_ask(&asks, customer_message, &reply, findings);
}

/// Flags each ask the reply does not answer, or meets with money alone.
fn each_ask(asks: &[Ask], customer_message: &str, reply: &Reply, findings: &mut Vec<Finding>) {
    let matcher = reply.matcher(asks);
    // Read on first use: only an answered request can be met by money alone.
    let unasked_money = std::cell::OnceCell::new();
    for ask in asks {
        let answered = matcher.answers(ask);
        if answered
            && answers::request(ask)
            && *unasked_money.get_or_init(|| gives_unasked_money(customer_message, &reply.lower))
            && money_instead(ask, &reply.lower)
        {
            findings.push(reply.finding(
                format!(
                    "the customer asked \"{}\" and the reply offers money instead",
                    ask.text
                ),
                Advice::DoWhatAskedMoneyOnTop,
            ));
        } else if !answered {
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

/// The ask or stated need whose day every day in the reply comes after.
fn later_than_asked<'m>(
    asks: &'m [Ask],
    deadline: Option<&'m str>,
    reply: &Reply,
    now: &jiff::Zoned,
) -> Option<&'m str> {
    asks.iter()
        .filter(|a| a.timed)
        .map(|a| a.text.as_str())
        .chain(deadline)
        .find(|need| days::later_than_asked(need, &reply.lower, now))
}

/// Money given: a refund, a credit, a voucher, compensation.
const MONEY_GIVEN: &[&str] = &[
    "refund",
    "credit",
    "voucher",
    "compensat",
    "goodwill",
    "discount",
    "reimburs",
];

/// A request for something other than money ("can someone fix it
/// tonight?", "please send it") met only by money given ([`only_money`]),
/// when [`gives_unasked_money`] holds.
fn money_instead(ask: &Ask, reply_lower: &str) -> bool {
    if !answers::request(ask) {
        return false;
    }
    let named: Vec<&str> = ask
        .action
        .iter()
        .chain(&ask.subject)
        .map(String::as_str)
        .filter(|w| {
            w.len() >= 4
                && !["someone", "somebody", "anyone", "anybody"].contains(w)
                && crate::promises::parse_when(&[w]).is_none()
        })
        .collect();
    only_money(reply_lower, &named)
}

/// Whether the reply gives money (a refund, a credit) to a customer who
/// said nothing of money, and refuses nothing: read once per reply.
fn gives_unasked_money(customer_message: &str, reply_lower: &str) -> bool {
    // The reply's money first (cheap, and rare): then the customer's.
    if !gives(reply_lower) {
        return false;
    }
    // "Charger" is no charge: the customer's money words, whole.
    let customer_money =
        customer_message.contains(['€', '£', '$', '¥', '₩']) || MONEY_WORDS.any(customer_message);
    !customer_money && !answers::refuses(reply_lower)
}

static MONEY_MARK: () = ();

/// Money words a customer uses, whole ("charge", not "charger").
static MONEY_WORDS: std::sync::LazyLock<crate::phrases::PhraseTable<()>> =
    std::sync::LazyLock::new(|| {
        let words = [
            "money",
            "paid",
            "pay",
            "charge",
            "charged",
            "charges",
            "fee",
            "fees",
            "cost",
            "costs",
            "price",
            "refund",
            "refunds",
            "refunded",
            "credit",
            "credited",
            "voucher",
            "vouchers",
            "compensation",
            "compensate",
            "compensated",
            "goodwill",
            "discount",
            "reimburse",
            "reimbursed",
            "reimbursement",
        ];
        let entries: Vec<(&'static str, Option<&'static ()>)> =
            words.iter().map(|w| (*w, Some(&MONEY_MARK))).collect();
        crate::phrases::PhraseTable::new(&entries)
    });

/// The words of a text, without allocating.
fn alphanumeric_words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// A word of money given ("refunded", "credit", "voucher").
fn given_word(word: &str) -> bool {
    word.starts_with(['r', 'c', 'v', 'g', 'd']) && MONEY_GIVEN.iter().any(|m| word.starts_with(m))
}

/// Money given, in any of its words.
fn gives(text: &str) -> bool {
    alphanumeric_words(text).any(given_word)
}

/// The reply meets the need with money alone ([`gives_unasked_money`]
/// holds): no clause names one of `named`, and none without money in it
/// names a time or a step.
fn only_money(reply_lower: &str, named: &[&str]) -> bool {
    // A clause about money: given, spoken of, or on its way to the card.
    let money = |clause: &str| {
        gives(clause)
            || needs::speaks_of_money(clause)
            || ["your card", "your bank", "your statement"]
                .iter()
                .any(|p| clause.contains(p))
    };
    // Clause by clause: "the engineer has it working by 9 pm; I've also
    // refunded tonight's rate" gives a time for the fix.
    !crate::text::sentences(reply_lower)
        .into_iter()
        .flat_map(|s| reply::clauses(&reply_lower[s]))
        .any(|clause| {
            words::split_words(clause)
                .iter()
                .any(|w| named.iter().any(|n| words::stem(n) == words::stem(w)))
                || !money(clause) && (needs::names_a_date(clause) || answers::steps(clause))
        })
}

/// How the reply fails a deadline the customer named, if it does: no
/// time at all, money instead of the thing, or a date after it.
fn deadline_unmet(
    need: &str,
    customer_message: &str,
    reply: &Reply,
) -> Option<(&'static str, Advice)> {
    if !reply.meets_deadline_with_time() && !reply.refuses_at_all() && !reply.done() {
        Some((
            "the reply says nothing about when",
            Advice::SayWhetherInTime,
        ))
    } else if gives_unasked_money(customer_message, &reply.lower) && only_money(&reply.lower, &[]) {
        Some((
            "the reply offers money instead of meeting it",
            Advice::InTimeMoneyOnTop,
        ))
    } else if days::misses_deadline(need, reply.draft()) {
        Some((
            "the date in the reply comes after it",
            Advice::SayWhetherItCan,
        ))
    } else {
        None
    }
}

/// The customer's message with its lower-case copy, made once per review
/// for every check that reads it.
pub(super) struct Said<'a> {
    /// As the customer wrote it.
    pub(super) text: &'a str,
    /// Lower-cased by [`crate::text::lower`].
    pub(super) lower: String,
}

impl<'a> Said<'a> {
    /// Reads a message once.
    pub(super) fn new(text: &'a str) -> Self {
        Self {
            text,
            lower: crate::text::lower(text),
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
    said: &Said,
    deadline: Option<&str>,
    reply: &Reply,
    boilerplate: bool,
    vague: bool,
) -> Option<(String, Advice)> {
    if boilerplate && (!asks.is_empty() || needs::ongoing(said)) {
        return Some((
            "a form letter: nothing in it answers what this customer asked or reported".into(),
            Advice::AnswerTheirCase,
        ));
    }
    if let Some(need) = deadline
        && let Some((unmet, suggestion)) = deadline_unmet(need, said.text, reply)
    {
        return Some((
            format!(
                "the customer named a time (\"{}\") and {unmet}",
                need.trim()
            ),
            suggestion,
        ));
    }
    if let Some((hardship, word)) = needs::hardship(said, !asks.is_empty())
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
    if let Some(cost) = needs::cost_borne(said)
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
    if let Some(step) = tried::repeated(said, reply) {
        return Some((
            format!(
                "the customer has already done this (\"{}\") and the reply gives it back as the answer",
                step.trim()
            ),
            Advice::AnswerTheirCase,
        ));
    }
    if let Some(told) = conduct::ignored(said, reply) {
        return Some((
            format!(
                "the customer says how they were treated (\"{}\") and the reply puts right only the rest",
                told.trim()
            ),
            Advice::AddTheirSituation,
        ));
    }
    None
}
