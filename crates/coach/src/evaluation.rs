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
