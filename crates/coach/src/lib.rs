//! The reply coach: reads a draft reply against the conversation and says
//! what a customer would resent, with the exact words and a better way to
//! say it.
//!
//! [`analyze`] is pure and fast: every phrase table is compiled once (see
//! [`phrases`]) and a call only scans the draft. It runs on every keystroke.
//! Each check lives in its own module and adds [`Finding`]s with a byte span
//! in the draft; a [`Severity::Block`] finding stops a reply from being sent
//! unless the agent gives an override reason.

pub mod apology;
pub mod basics;
pub mod evaluation;
pub mod form_letter;
pub mod language;
pub mod listening;
pub mod phrases;
pub mod policy;
pub mod politeness;
pub mod promises;
pub mod stance;
pub mod suggestion;
mod text;

use rapport_core::BusinessCalendar;
use serde::Serialize;
use serde::ser::SerializeStruct;
use std::ops::Range;
use std::sync::Arc;
pub use suggestion::{Advice, Suggestion};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth a look.
    Hint,
    /// Should be fixed.
    Warn,
    /// Would hurt the customer relationship: sending needs an override reason.
    Block,
}

/// Which check produced a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    /// Rude, hostile or condescending words, sarcasm, shouting.
    Rude,
    /// Arguing to win instead of fixing.
    Arguing,
    /// Blaming the customer or passing the buck to others.
    Blame,
    /// Hiding behind policy.
    PolicyWall,
    /// The customer reports a problem and the reply does not apologise.
    MissingApology,
    /// An apology that is not one ("sorry if you feel ...").
    PoorApology,
    /// No greeting, name, thanks or closing.
    Basics,
    /// The name used is not the customer's.
    WrongName,
    /// A promise with no time ("soon", "ASAP").
    VaguePromise,
    /// A canned or earlier reply sent unchanged.
    FormLetter,
    /// A question or request of the customer's left unanswered.
    NotListening,
}

impl Check {
    /// Every check, for reports.
    pub const ALL: [Check; 11] = [
        Check::Rude,
        Check::Arguing,
        Check::Blame,
        Check::PolicyWall,
        Check::MissingApology,
        Check::PoorApology,
        Check::Basics,
        Check::WrongName,
        Check::VaguePromise,
        Check::FormLetter,
        Check::NotListening,
    ];

    /// The check's snake_case name.
    pub fn name(self) -> &'static str {
        match self {
            Check::Rude => "rude",
            Check::Arguing => "arguing",
            Check::Blame => "blame",
            Check::PolicyWall => "policy_wall",
            Check::MissingApology => "missing_apology",
            Check::PoorApology => "poor_apology",
            Check::Basics => "basics",
            Check::WrongName => "wrong_name",
            Check::VaguePromise => "vague_promise",
            Check::FormLetter => "form_letter",
            Check::NotListening => "not_listening",
        }
    }
}

/// One thing the coach found in the draft. It serialises with its
/// suggestion in English (`suggestion`) and the fixed advice's code
/// (`suggestion_code`, null for wording built from the draft).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Which check.
    pub check: Check,
    /// How serious.
    pub severity: Severity,
    /// Byte range in the draft.
    pub span: Range<usize>,
    /// What is wrong, in plain words.
    pub explanation: String,
    /// A better way to say it, when there is one.
    pub suggestion: Option<Suggestion>,
}

impl Serialize for Finding {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("Finding", 6)?;
        out.serialize_field("check", &self.check)?;
        out.serialize_field("severity", &self.severity)?;
        out.serialize_field("span", &self.span)?;
        out.serialize_field("explanation", &self.explanation)?;
        out.serialize_field(
            "suggestion",
            &self.suggestion.as_ref().map(Suggestion::text),
        )?;
        out.serialize_field(
            "suggestion_code",
            &self.suggestion.as_ref().and_then(Suggestion::code),
        )?;
        out.end()
    }
}

/// Where a reply is read: the norms of a greeting and a closing differ.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Medium {
    /// A letter-like message (mail, portal): greet, close, thank.
    #[default]
    Mail,
    /// A short public post (social media): a greeting and a closing are optional.
    Social,
}

/// What the coach needs to know besides the draft.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The customer's name on record, e.g. "Ann Lee".
    pub customer_name: Option<String>,
    /// The customer's latest message(s).
    pub customer_message: String,
    /// When the reply is written (read in the calendar's zone when there is one).
    pub now: Option<jiff::Zoned>,
    /// The business calendar: what a working day is and when the desk
    /// closes. Without it, promise due times that depend on business hours
    /// are left unresolved.
    pub calendar: Option<Arc<BusinessCalendar>>,
    /// Earlier replies on this ticket and recent replies to other customers.
    pub earlier_replies: Vec<String>,
    /// Our earlier replies in this conversation (this ticket's agent
    /// replies): an apology given there is not asked for again.
    pub thread_replies: Vec<String>,
    /// The canned replies in use.
    pub canned_replies: Vec<String>,
    /// Where the reply is read.
    pub medium: Medium,
}

/// The coach's verdict on a draft.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Review {
    /// Every finding, in draft order.
    pub findings: Vec<Finding>,
    /// The commitments the draft makes.
    pub promises: Vec<promises::Promise>,
    /// Politeness from 0 (rude) to 1 (polite); reported, never used to block.
    pub politeness: f64,
}

impl Review {
    /// Whether a finding blocks sending.
    pub fn blocks(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Block)
    }
}

/// Reads a draft reply against its context.
pub fn analyze(draft: &str, context: &Context) -> Review {
    let mut findings = Vec::new();
    text::forget_sentences();
    language::check(draft, &context.customer_message, &mut findings);
    // Read once, used by the stance and the apology checks.
    let regrets = apology::regrets(draft);
    let apologises = regrets.apologises;
    // Whether the draft plainly gives the customer's own act as the cause.
    let own_cause = stance::check(draft, apologises, &mut findings);
    stance::check_against(draft, &context.customer_message, &mut findings);
    policy::check(draft, &mut findings);
    basics::check(draft, context, &mut findings);
    // An apology already given in this thread is not asked for again, and
    // none is owed when the draft shows the slip was the customer's own.
    let apologised = apologises
        || own_cause
        || context
            .thread_replies
            .iter()
            .any(|r| apology::apologises(r));
    apology::check(
        draft,
        regrets,
        apologised,
        &context.customer_message,
        &mut findings,
    );
    let promises = promises::extract(
        draft,
        context.now.as_ref(),
        context.calendar.as_deref(),
        &mut findings,
    );
    let earlier = context
        .earlier_replies
        .iter()
        .chain(&context.canned_replies)
        .map(String::as_str);
    form_letter::check(draft, &context.customer_message, earlier, &mut findings);
    listening::check(
        draft,
        &context.customer_message,
        context.medium,
        context.now.as_ref(),
        &mut findings,
    );
    findings.sort_by_key(|f| (f.span.start, f.span.end));
    let politeness = politeness::MODEL.score(draft);
    // The split texts (the draft, the customer's words) are not kept on the
    // thread past the review.
    text::forget_sentences();
    Review {
        findings,
        promises,
        politeness,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn missing_apology(draft: &str, thread_replies: &[&str]) -> bool {
        let context = Context {
            customer_message: "The router you replaced has dropped the line again.".into(),
            thread_replies: thread_replies.iter().map(|r| r.to_string()).collect(),
            ..Context::default()
        };
        analyze(draft, &context)
            .findings
            .iter()
            .any(|f| f.check == Check::MissingApology)
    }

    #[test]
    fn an_apology_earlier_in_the_thread_is_not_asked_for_again() {
        let draft = "A technician comes on Tuesday at 9.";
        assert!(missing_apology(draft, &[]));
        assert!(missing_apology(draft, &["A new router goes out today."]));
        assert!(missing_apology(
            draft,
            &["We're sorry if you feel let down. A new router goes out today."]
        ));
        assert!(!missing_apology(
            draft,
            &["I'm sorry the router failed. A new one goes out today."]
        ));
    }

    fn checks(message: &str, draft: &str) -> Vec<Check> {
        let context = Context {
            customer_message: message.into(),
            ..Context::default()
        };
        analyze(draft, &context)
            .findings
            .iter()
            .filter(|f| f.severity >= Severity::Warn)
            .map(|f| f.check)
            .collect()
    }

    #[test]
    fn no_apology_is_owed_where_the_draft_shows_the_customers_own_act() {
        let message = "You issued my seats for the wrong day!";
        let shown = checks(
            message,
            "Dear Max,\n\nYou selected the Friday showing at checkout, so the seats were issued for that date. I've credited both seats to your account.\n\nRegards,\nBox Office",
        );
        assert!(shown.contains(&Check::Blame));
        assert!(!shown.contains(&Check::MissingApology));
        // Our word set against theirs, a sneer, or a guess shows nothing:
        // the failure they report is still owed an apology.
        for draft in [
            "Dear Max,\n\nAccording to our records you never changed the date, so the seats were issued for Friday.\n\nRegards,\nBox Office",
            "Dear Max,\n\nObviously you selected the wrong date, so the seats were issued for Friday.\n\nRegards,\nBox Office",
            "Dear Max,\n\nPerhaps you clicked the wrong day when booking.\n\nRegards,\nBox Office",
        ] {
            assert!(
                checks(message, draft).contains(&Check::MissingApology),
                "{draft}"
            );
        }
    }

    #[test]
    fn the_customers_own_words_or_act_quoted_back_is_arguing() {
        let message = "I never agreed to the yearly plan, I was told it was monthly.";
        for draft in [
            "Dear Ruth,\n\nIn your own email of 2 June you asked for the yearly price. The term on your account is twelve months.\n\nRegards,\nAccounts",
            "Dear Ruth,\n\nAs you wrote in your application, the plan runs for twelve months.\n\nRegards,\nAccounts",
            "Dear Ruth,\n\nYou chose the yearly plan yourself, and its page names the term.\n\nRegards,\nAccounts",
        ] {
            assert!(checks(message, draft).contains(&Check::Arguing), "{draft}");
        }
        // Their words repeated to meet their need, or "yourself" about what
        // they can still do, argue nothing.
        for draft in [
            "Dear Ruth,\n\nAs you mentioned, you were told it was monthly, so I've moved you to the monthly plan today and refunded the difference. I'm sorry for the mix-up.\n\nRegards,\nAccounts",
            "Dear Ruth,\n\nI'm sorry you were told the wrong term. You can switch to monthly yourself under Settings, or reply and I'll do it today.\n\nRegards,\nAccounts",
        ] {
            assert!(!checks(message, draft).contains(&Check::Arguing), "{draft}");
        }
    }

    #[test]
    fn a_rule_refused_against_an_urgent_need_is_not_listening() {
        let wall = "Dear Ms Park,\n\nItems can only be renewed twice under library rules, so a further renewal is not possible.\n\nBest wishes,\nLending Desk";
        let urgent = checks(
            "I need to renew these books once more. I'm in hospital until the 20th.",
            wall,
        );
        assert!(urgent.contains(&Check::PolicyWall));
        assert!(urgent.contains(&Check::NotListening));
        // A plain question answered no on a rule is a wall, but it is heard.
        let plain = checks("Can I renew these books once more?", wall);
        assert!(plain.contains(&Check::PolicyWall));
        assert!(!plain.contains(&Check::NotListening));
        // The same need with a way forward is met.
        let forward = checks(
            "I need to renew these books once more. I'm in hospital until the 20th.",
            "Dear Ms Park,\n\nItems can only be renewed twice under library rules, but I've waived the late fees until the 27th, so you can bring them back once you're home.\n\nBest wishes,\nLending Desk",
        );
        assert!(!forward.contains(&Check::NotListening));
    }
}
