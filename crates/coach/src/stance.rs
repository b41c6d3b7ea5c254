//! Where the reply stands against the customer, read sentence by sentence
//! from its structure rather than from stock phrases alone:
//!
//! - arguing: our records, logs or staff set against the customer's account
//!   with no apology or offer to look again; doubting what they report
//!   (other customers as evidence, "unlikely", "are you sure"); insisting
//!   that what they dispute is correct;
//! - blame: the customer as the subject of a past action given as the cause
//!   ("you entered ..., so ..."), a guess at their fault ("usually caused
//!   by", "on your end"), a lecture ("be more careful", "next time");
//!   the fault put on a third party said plainly ("the responsibility of",
//!   "not us", "contact them directly");
//! - rude: scolding, sarcasm (rhetorical tag questions, mock surprise),
//!   contempt, and a curt reply of a few words.

mod cause;
mod cues;
mod rebuttal;
mod reported;
mod structure;
#[cfg(test)]
mod tests;
mod tone;

use crate::{Advice, Check, Finding, Severity};
use cues::{
    CURT, CUSTOMER_CAUSE, Cue, DOUBT, GUESS, INSIST, LECTURE, MISREAD, RECORDS, SARCASM, SCOLD,
    TABLE, TALKING_DOWN, THIRD_PARTY,
};
use std::ops::Range;

fn finding(cue: &Cue, span: Range<usize>) -> Finding {
    Finding {
        check: cue.check,
        severity: Severity::Warn,
        span,
        explanation: cue.explanation.into(),
        suggestion: Some(cue.suggestion.into()),
    }
}

/// Arguing against what the customer reports: a general claim that rules
/// out what they describe, or our staff's denial given as the answer.
pub fn check_against(draft: &str, customer_message: &str, findings: &mut Vec<Finding>) {
    const RULES_OUT: Cue = Cue {
        check: Check::Arguing,
        explanation: "rules out what the customer reports instead of looking into it",
        suggestion: Advice::TakeTheReport,
    };
    for span in reported::argued(draft, customer_message) {
        if !findings.iter().any(|f| {
            f.check == Check::Arguing && f.span.start < span.end && span.start < f.span.end
        }) {
            findings.push(finding(&RULES_OUT, span));
        }
    }
}

/// Runs the stance checks over each sentence of the draft.
/// `apologises`: whether the draft holds a real apology ([`crate::apology::apologises`]).
/// Returns whether the draft plainly gives the customer's own past act as
/// the cause ("you selected the Friday showing, so ..."): no apology is
/// owed for the customer's own slip.
pub fn check(draft: &str, apologises: bool, findings: &mut Vec<Finding>) -> bool {
    let mut own_cause = false;
    let sentences = crate::text::sentences(draft);
    for span in &sentences {
        let sentence = &draft[span.clone()];
        let lower = crate::text::lower(sentence);
        let words = structure::words(&lower);
        table_cues(sentence, &lower, span.start, findings);
        against_account(&lower, &words, apologises, span, findings);
        let next = || {
            sentences
                .iter()
                .find(|s| s.start >= span.end)
                .map(|s| draft[s.clone()].to_lowercase())
                .unwrap_or_default()
        };
        own_cause |= blame(&lower, &words, next, span, findings);
        if !apologises && structure::quoted_back(&words) {
            findings.push(finding(&INSIST, span.clone()));
        }
        sarcasm_and_hedges(&lower, &words, span, findings);
    }
    if let Some(span) = tone::curt(draft, &sentences) {
        findings.push(finding(&CURT, span));
    }
    own_cause
}

/// The stock wordings of the phrase table in one sentence starting at `start`.
/// A buck passed in a sentence that lifts the cost off the customer, and
/// "keep an eye on your ..." for what we send, do not count.
fn table_cues(sentence: &str, lower: &str, start: usize, findings: &mut Vec<Finding>) {
    for (r, cue) in TABLE.find(sentence) {
        if std::ptr::eq(cue, &THIRD_PARTY) && structure::lifts_cost(lower)
            || std::ptr::eq(cue, &LECTURE) && structure::watching_for_ours(lower)
        {
            continue;
        }
        let at = start + r.start..start + r.end;
        if std::ptr::eq(cue, &LECTURE) {
            findings.push(finding(&TALKING_DOWN, at.clone()));
        }
        if std::ptr::eq(cue, &MISREAD) {
            findings.push(finding(&DOUBT, at.clone()));
        }
        findings.push(finding(cue, at));
    }
}

/// Arguing with the customer's account: records set against it, a
/// correction, a closing verdict, a denial or their account rebutted.
fn against_account(
    lower: &str,
    words: &[&str],
    apologises: bool,
    span: &Range<usize>,
    findings: &mut Vec<Finding>,
) {
    if !apologises && rebuttal::records_against(lower) {
        findings.push(finding(&RECORDS, span.clone()));
        // "Our technician reports ... there was no answer": the record
        // puts the failure on the customer.
        if [
            "no one was",
            "nobody was",
            "no answer",
            "not home",
            "no one home",
            "nobody home",
        ]
        .iter()
        .any(|p| format!(" {lower} ").contains(p))
        {
            findings.push(finding(&CUSTOMER_CAUSE, span.clone()));
        }
    }
    if rebuttal::correction(lower)
        || structure::count_corrected(lower)
        || (!apologises
            && (structure::verdict(words)
                || structure::denial(lower)
                || structure::rebutted_account(words)))
    {
        findings.push(finding(&INSIST, span.clone()));
    }
}

/// Blame in one sentence: the customer's act as the cause, a lecture, the
/// job handed to someone else, a guess at their fault. Returns whether the
/// sentence plainly shows the customer's own act as the cause.
fn blame(
    lower: &str,
    words: &[&str],
    next: impl FnOnce() -> String,
    span: &Range<usize>,
    findings: &mut Vec<Finding>,
) -> bool {
    if structure::diagnosed_damage(lower, words) {
        findings.push(finding(&GUESS, span.clone()));
    }
    if structure::counterfactual(lower, words) || structure::guessed_fault(lower, words) {
        findings.push(finding(&CUSTOMER_CAUSE, span.clone()));
    }
    if structure::homework(words) {
        findings.push(finding(&LECTURE, span.clone()));
        findings.push(finding(&TALKING_DOWN, span.clone()));
    }
    if structure::hands_off(lower, words) {
        findings.push(finding(&THIRD_PARTY, span.clone()));
    }
    if cause::diligence_question(lower)
        || structure::careless_question(lower, words)
        || structure::guessed_own_fault(words)
    {
        findings.push(finding(&GUESS, span.clone()));
    }
    let emphasised = structure::own_act_emphasised(words);
    if cause::customer_as_cause(lower, words, next) || emphasised {
        findings.push(finding(&CUSTOMER_CAUSE, span.clone()));
        return !cause::disputed(lower, words);
    }
    false
}

/// Rude by tone: hedged advice on the customer's conduct, sarcasm, the
/// customer told off for chasing or complaining.
fn sarcasm_and_hedges(
    lower: &str,
    words: &[&str],
    span: &Range<usize>,
    findings: &mut Vec<Finding>,
) {
    match tone::hedged_advice(lower) {
        Some(tone::Hedge::Leading) => {
            findings.push(finding(&LECTURE, span.clone()));
            findings.push(finding(&TALKING_DOWN, span.clone()));
        }
        Some(tone::Hedge::Trailing) => findings.push(finding(&TALKING_DOWN, span.clone())),
        None => {}
    }
    if tone::tag_question(lower) || tone::mock_obvious(lower) {
        findings.push(finding(&SARCASM, span.clone()));
    }
    if tone::chasing_futile(lower, words) || tone::scolds_complaint(lower, words) {
        findings.push(finding(&SCOLD, span.clone()));
    }
}
