//! Scoring the coach against labelled replies: precision and recall per check.

use crate::{Check, Context, Severity, analyze};

/// One labelled reply.
#[derive(Debug, Clone, Default)]
pub struct LabelledCase {
    /// The context the reply was written in.
    pub context: Context,
    /// The draft.
    pub draft: String,
    /// The checks that must fire (warn or block).
    pub expect: Vec<String>,
}

/// True and false positives and false negatives of one check.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Fired and expected.
    pub true_positive: usize,
    /// Fired, not expected.
    pub false_positive: usize,
    /// Expected, did not fire.
    pub false_negative: usize,
}

impl Counts {
    /// tp / (tp + fp), none without positives.
    pub fn precision(&self) -> Option<f64> {
        let d = self.true_positive + self.false_positive;
        (d > 0).then(|| self.true_positive as f64 / d as f64)
    }

    /// tp / (tp + fn), none without expected cases.
    pub fn recall(&self) -> Option<f64> {
        let d = self.true_positive + self.false_negative;
        (d > 0).then(|| self.true_positive as f64 / d as f64)
    }
}

/// A disagreement between the coach and a label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disagreement {
    /// Index of the case.
    pub case: usize,
    /// The check.
    pub check: Check,
    /// True: fired without a label (false alarm); false: missed.
    pub false_alarm: bool,
}

/// Scores every check (hints are advice and never count).
pub fn score(cases: &[LabelledCase]) -> (Vec<(Check, Counts)>, Vec<Disagreement>) {
    let mut counts: Vec<(Check, Counts)> =
        Check::ALL.iter().map(|c| (*c, Counts::default())).collect();
    let mut disagreements = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let review = analyze(&case.draft, &case.context);
        for (check, c) in counts.iter_mut() {
            let found = review
                .findings
                .iter()
                .any(|f| f.check == *check && f.severity >= Severity::Warn);
            let expected = case.expect.iter().any(|e| e == check.name());
            match (found, expected) {
                (true, true) => c.true_positive += 1,
                (true, false) => c.false_positive += 1,
                (false, true) => c.false_negative += 1,
                (false, false) => {}
            }
            if found != expected {
                disagreements.push(Disagreement {
                    case: i,
                    check: *check,
                    false_alarm: found,
                });
            }
        }
    }
    (counts, disagreements)
}

/// One agent reply from a real conversation, with what the customer wrote before it.
#[derive(Debug, Clone, Default)]
pub struct RealReply {
    /// The customer's turns since the previous agent turn.
    pub customer_message: String,
    /// The agent's reply.
    pub draft: String,
    /// Our earlier replies in the same conversation, oldest first.
    pub thread_replies: Vec<String>,
}

impl RealReply {
    /// Every agent reply of a conversation given as `(from_customer, text)`
    /// turns, each with the customer's turns since our previous reply and
    /// our replies before it.
    pub fn from_turns<'a>(turns: impl IntoIterator<Item = (bool, &'a str)>) -> Vec<RealReply> {
        let mut replies: Vec<RealReply> = Vec::new();
        let mut customer = String::new();
        for (from_customer, text) in turns {
            if from_customer {
                customer.push_str(text);
                customer.push('\n');
                continue;
            }
            replies.push(RealReply {
                customer_message: std::mem::take(&mut customer),
                draft: text.to_string(),
                thread_replies: replies.iter().map(|r| r.draft.clone()).collect(),
            });
        }
        replies
    }

    /// The coach's context for this reply, read in `medium`.
    pub fn context(&self, medium: crate::Medium) -> Context {
        Context {
            customer_message: self.customer_message.clone(),
            thread_replies: self.thread_replies.clone(),
            medium,
            ..Context::default()
        }
    }
}

/// How often each check blocks or warns on real replies.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RealReport {
    /// Replies read.
    pub replies: usize,
    /// Replies with a blocking finding.
    pub blocked: usize,
    /// Replies with a warning or worse.
    pub warned: usize,
    /// Replies whose only warning-or-worse findings are "not listening".
    pub not_listening_alone: usize,
    /// Per check: replies it blocks, replies it warns on (warn only).
    pub by_check: Vec<(Check, usize, usize)>,
}

impl RealReport {
    /// A share of the replies, in per cent.
    pub fn percent(&self, n: usize) -> f64 {
        100.0 * n as f64 / self.replies.max(1) as f64
    }
}

impl std::fmt::Display for RealReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "{} real agent replies: blocked {} ({:.1} %), any warning {} ({:.1} %), not_listening alone {} ({:.1} %)",
            self.replies,
            self.blocked,
            self.percent(self.blocked),
            self.warned,
            self.percent(self.warned),
            self.not_listening_alone,
            self.percent(self.not_listening_alone)
        )?;
        writeln!(f, "{:<16} {:>12} {:>12}", "check", "blocks", "warns")?;
        for (check, blocks, warns) in &self.by_check {
            writeln!(
                f,
                "{:<16} {:>5} {:>5.1} % {:>5} {:>5.1} %",
                check.name(),
                blocks,
                self.percent(*blocks),
                warns,
                self.percent(*warns)
            )?;
        }
        Ok(())
    }
}

/// Runs the coach over real replies read in `medium` and counts what fires.
pub fn real_replies(replies: &[RealReply], medium: crate::Medium) -> RealReport {
    let mut report = RealReport {
        replies: replies.len(),
        by_check: Check::ALL.iter().map(|c| (*c, 0, 0)).collect(),
        ..RealReport::default()
    };
    for reply in replies {
        let review = analyze(&reply.draft, &reply.context(medium));
        let serious: Vec<&crate::Finding> = review
            .findings
            .iter()
            .filter(|f| f.severity >= Severity::Warn)
            .collect();
        report.blocked += usize::from(serious.iter().any(|f| f.severity == Severity::Block));
        report.warned += usize::from(!serious.is_empty());
        report.not_listening_alone += usize::from(
            !serious.is_empty() && serious.iter().all(|f| f.check == Check::NotListening),
        );
        for (check, blocks, warns) in &mut report.by_check {
            let worst = serious
                .iter()
                .filter(|f| f.check == *check)
                .map(|f| f.severity)
                .max();
            match worst {
                Some(Severity::Block) => *blocks += 1,
                Some(_) => *warns += 1,
                None => {}
            }
        }
    }
    report
}

/// The context of [`TYPICAL_DRAFT`]: the customer's message, her name, an
/// earlier reply and office hours in Berlin, written on a Thursday morning.
pub fn typical_context() -> Context {
    let spec = rapport_core::CalendarSpec::office_hours("Office", "Europe/Berlin");
    Context {
        customer_name: Some("Ann Lee".into()),
        customer_message: TYPICAL_MESSAGE.into(),
        now: "2026-11-19T10:00:00+01:00[Europe/Berlin]".parse().ok(),
        calendar: rapport_core::BusinessCalendar::new(spec)
            .ok()
            .map(std::sync::Arc::new),
        earlier_replies: vec![
            "Hi Ann, thanks for your order. It ships on Monday. Best, Sam".into(),
        ],
        ..Context::default()
    }
}

/// A typical reply (about 150 words) and customer message (about 200 words).
pub const TYPICAL_DRAFT: &str = "Hi Ann,\n\nThank you for the photos of the lamp, and I'm sorry it arrived with a cracked shade. That is not the condition it should have reached you in, and I understand how disappointing it is after waiting two weeks for the delivery.\n\nI have arranged a replacement shade from our Berlin warehouse. It ships today with tracked delivery, and you will receive the tracking number by e-mail within the hour. You do not need to send the broken shade back; please recycle it or keep it as a spare part if it is useful.\n\nI have also refunded the shipping fee of 4.95 EUR to your card, since the first delivery did not arrive as promised. The refund will show on your statement within 3 business days.\n\nIf the new shade is not with you by Friday, reply to this e-mail and I will call the courier myself.\n\nBest regards,\nSam";
/// The customer's message for [`TYPICAL_DRAFT`].
pub const TYPICAL_MESSAGE: &str = "Hello,\n\nI ordered the Aalto floor lamp two weeks ago (order 5521) and it finally arrived yesterday, but the glass shade was cracked right across the top. The box itself looked fine, so I think it was packed badly at your end rather than damaged by the courier. I have attached three photos of the shade and the packaging.\n\nI am quite disappointed, to be honest. The delivery already took a week longer than your website said, and I had to stay at home two mornings because the tracking kept changing. Now I have a lamp I cannot use.\n\nCan you send me a replacement shade as soon as possible? I would also like to know whether I need to send the broken one back, and if so, how, because I do not have a printer for a return label. Finally, since the delivery was so late, could you refund the shipping fee?\n\nThank you,\nAnn Lee";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_carry_the_customer_turns_since_ours_and_our_earlier_replies() {
        let turns = [
            (true, "It broke."),
            (false, "Sorry! Which model?"),
            (true, "The X2."),
            (true, "Bought in May."),
            (false, "A new one is on its way."),
        ];
        let replies = RealReply::from_turns(turns);
        assert_eq!(replies.len(), 2);
        assert_eq!(replies[0].customer_message, "It broke.\n");
        assert!(replies[0].thread_replies.is_empty());
        assert_eq!(replies[1].customer_message, "The X2.\nBought in May.\n");
        assert_eq!(replies[1].thread_replies, ["Sorry! Which model?"]);
        assert_eq!(
            replies[1].context(crate::Medium::Social).thread_replies,
            ["Sorry! Which model?"]
        );
    }
}
