//! What the coach suggests instead: one of its fixed pieces of advice
//! ([`Advice`], a stable code with the English sentence, so pages can show
//! it in the reader's language from `coach.suggest.<code>`), or wording
//! built from the draft or the record ("Hi Ann,", a lowercase rewrite),
//! the same in every language.

use serde::Serialize;

macro_rules! advice {
    ($($(#[$doc:meta])* $variant:ident => $code:literal, $english:literal;)+) => {
        /// One of the coach's fixed suggestions.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Advice {
            $($(#[$doc])* $variant,)+
        }

        impl Advice {
            /// Every piece of advice, for the catalogue checks.
            pub const ALL: &[Advice] = &[$(Advice::$variant),+];

            /// The stable code (`coach.suggest.<code>` in the catalogues,
            /// `suggestion_code` in the API).
            pub fn code(self) -> &'static str {
                match self { $(Advice::$variant => $code),+ }
            }

            /// The coach's own English sentence.
            pub fn english(self) -> &'static str {
                match self { $(Advice::$variant => $english),+ }
            }
        }
    };
}

advice! {
    /// Insults.
    DescribeTheProblem => "describe_the_problem", "describe the problem, not the person";
    /// Condescension.
    ExplainPlainly => "explain_plainly", "explain the step plainly, as if for the first time";
    /// "As I said before".
    SayItAgain => "say_it_again", "say it again, more clearly: \"Here are the steps again: ...\"";
    /// Dismissing the concern.
    AcknowledgeConcern => "acknowledge_concern", "acknowledge the concern: \"I understand this is frustrating.\"";
    /// Sarcasm.
    SayPlainly => "say_plainly", "say plainly what you mean";
    /// Arguing to win.
    StateAndAct => "state_and_act", "state what you see and what you will do: \"Our records show ..., so I will ...\"";
    /// Opening with a correction.
    LeadWithAction => "lead_with_action", "lead with what you will do, then the facts";
    /// Blaming the customer.
    SayHowToFix => "say_how_to_fix", "say what happened and how to fix it: \"The form needs the order number; here is where to find it.\"";
    /// Passing the buck.
    OwnIt => "own_it", "own it: \"The parcel was lost in transit; I'm sending a replacement.\"";
    /// A policy wall.
    SayWhatYouCan => "say_what_you_can", "say what you can do: \"What I can do is ...\"";
    /// Policy cited as the reason.
    ReasonAndOption => "reason_and_option", "give the reason and an option: \"Because ..., I can offer ...\"";
    /// A jab.
    LeaveOutJudgement => "leave_out_judgement", "leave out the judgement and say what you will do";
    /// Our records set against the customer's account.
    RecordsAndCheck => "records_and_check", "\"Our records show ..., which doesn't match what you saw, so I'm checking it now.\"";
    /// Doubting the customer.
    TakeTheirAccount => "take_their_account", "take their account as the starting point: \"Thanks for telling us; let me check.\"";
    /// Insisting we are right.
    ExplainTheFigure => "explain_the_figure", "explain how the figure came about and offer to review it";
    /// The customer's own act quoted back as the cause.
    FixWithoutPointing => "fix_without_pointing", "say what happened and how to fix it, without pointing at them";
    /// Guessing at the customer's fault.
    AskNeutrally => "ask_neutrally", "ask neutrally: \"Could you tell me how it has been charged?\"";
    /// Lecturing.
    NextStepNotAdvice => "next_step_not_advice", "give the next step, not advice on their behaviour";
    /// Suggesting the customer misread.
    CheckYourself => "check_yourself", "check it yourself and say what you found";
    /// Talking down.
    NextStepPlainly => "next_step_plainly", "give the next step plainly, without advice on what they should have done";
    /// Pointing at a third party.
    OwnTheChase => "own_the_chase", "own it: \"I'm chasing the courier for you and will update you by ...\"";
    /// Scolding.
    PlainlyAndKindly => "plainly_and_kindly", "say what you will do, plainly and kindly";
    /// Ruling out what the customer reports.
    TakeTheReport => "take_the_report", "take the report as given and say what you will check: \"I'll look into it today.\"";
    /// A curt reply.
    AddWhatYouDid => "add_what_you_did", "add what you did, what happens next, and a kind word";
    /// A poor apology.
    NameWhatWentWrong => "name_what_went_wrong", "name what went wrong: \"I'm sorry the order arrived late.\"";
    /// A missing apology.
    SaySorry => "say_sorry", "I'm sorry this happened.";
    /// The customer sent what was asked for.
    ThankThem => "thank_them", "Thank you for sending the photos.";
    /// No closing.
    OfferHelp => "offer_help", "Let me know if there is anything else I can do. Best regards, (your name)";
    /// A promise without a time.
    NameATime => "name_a_time", "name a time: \"by Thursday 5 pm\", \"within 2 business days\"";
    /// Boilerplate.
    SayWhatYouFound => "say_what_you_found", "say what you found and what you did about their own case";
    /// A canned or earlier reply sent unchanged.
    AddTheirSituation => "add_their_situation", "add a sentence about this customer's own situation";
    /// A rule stated as the answer.
    ReasonAndWhatYouCan => "reason_and_what_you_can", "give the reason and what you can do: \"Because ..., I can offer ...\"";
    /// A refusal that leaves an urgent need unmet.
    OfferInstead => "offer_instead", "say what you can do for them instead";
    /// An ask left unanswered.
    AnswerIt => "answer_it", "answer it, or say when you will";
    /// A form letter to a customer who asked something.
    AnswerTheirCase => "answer_their_case", "answer their question or say what you did about their case";
    /// A deadline the reply says nothing about.
    SayWhetherInTime => "say_whether_in_time", "say whether it will happen in time, and when";
    /// A date in the reply after the customer's deadline.
    SayWhetherItCan => "say_whether_it_can", "say whether it can happen in time, and what you can do if not";
    /// Money offered in place of meeting a deadline.
    InTimeMoneyOnTop => "in_time_money_on_top", "say what you will do in time for it; money can come on top";
    /// A day the customer needs something by, passed over in silence.
    SayWhetherDayMet => "say_whether_day_met", "say plainly whether that day can be met, and what you can do if not";
    /// Money offered in place of what was asked.
    DoWhatAskedMoneyOnTop => "do_what_asked_money_on_top", "do what they asked, or say why not; money can come on top";
    /// A page linked in place of the answer.
    AnswerHereLinkLater => "answer_here_link_later", "give the answer here, and link the page for later";
    /// A hardship the reply offers nothing for.
    SayWhatNow => "say_what_now", "say what you will do for them now, and when";
    /// A cost the customer bore.
    AddressTheCost => "address_the_cost", "say what you will do about the cost: refund, cover, or why not";
}

/// A better way to say it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Suggestion {
    /// One of the coach's fixed pieces of advice.
    Advice(Advice),
    /// Wording built from the draft or the record ("Hi Ann,", "please
    /// check"): shown as it is in every language.
    Wording(String),
}

impl Suggestion {
    /// The suggestion in English, as the coach says it.
    pub fn text(&self) -> &str {
        match self {
            Suggestion::Advice(advice) => advice.english(),
            Suggestion::Wording(wording) => wording,
        }
    }

    /// The fixed advice's code, when it is one.
    pub fn code(&self) -> Option<&'static str> {
        match self {
            Suggestion::Advice(advice) => Some(advice.code()),
            Suggestion::Wording(_) => None,
        }
    }
}

impl From<Advice> for Suggestion {
    fn from(advice: Advice) -> Self {
        Suggestion::Advice(advice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn each_code_and_each_sentence_is_used_once() {
        let codes: HashSet<_> = Advice::ALL.iter().map(|a| a.code()).collect();
        let sentences: HashSet<_> = Advice::ALL.iter().map(|a| a.english()).collect();
        assert_eq!(codes.len(), Advice::ALL.len());
        assert_eq!(sentences.len(), Advice::ALL.len());
        for advice in Advice::ALL {
            assert!(
                advice
                    .code()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_'),
                "{advice:?}"
            );
            assert_eq!(
                serde_json_code(*advice),
                advice.code(),
                "the serialised code is the catalogue's"
            );
        }
    }

    fn serde_json_code(advice: Advice) -> String {
        serde_json::to_value(advice)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }
}
