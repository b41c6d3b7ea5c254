//! Customer feedback: satisfaction ratings and the recovery of an unhappy
//! customer (a low rating or a negative review).

use serde::{Deserialize, Serialize};

/// The lowest rating of the 1–5 scale.
pub const MIN_RATING: u8 = 1;
/// The highest rating of the 1–5 scale.
pub const MAX_RATING: u8 = 5;
/// The longest survey comment kept, in characters.
pub const MAX_COMMENT_CHARS: usize = 4000;

/// How a recovery task ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecoveryOutcome {
    /// The customer is satisfied again.
    Recovered,
    /// The lead reached the customer, who stays unhappy.
    NotRecovered,
    /// The customer could not be reached.
    Unreachable,
}

crate::str_enum!(RecoveryOutcome {
    RecoveryOutcome::Recovered => "recovered",
    RecoveryOutcome::NotRecovered => "not_recovered",
    RecoveryOutcome::Unreachable => "unreachable",
});

/// Where a recovery task came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecoverySource {
    /// A low answer to the satisfaction survey.
    Survey,
    /// A negative public review.
    Review,
}

crate::str_enum!(RecoverySource {
    RecoverySource::Survey => "survey",
    RecoverySource::Review => "review",
});

/// Whether a rating is on the 1–5 scale.
pub fn valid_rating(rating: u8) -> bool {
    (MIN_RATING..=MAX_RATING).contains(&rating)
}

/// A survey comment trimmed, `None` when empty.
pub fn clean_comment(comment: Option<&str>) -> Option<String> {
    comment
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_are_one_to_five_and_outcomes_round_trip() {
        assert!(!valid_rating(0));
        assert!(valid_rating(1) && valid_rating(5));
        assert!(!valid_rating(6));
        for outcome in [
            RecoveryOutcome::Recovered,
            RecoveryOutcome::NotRecovered,
            RecoveryOutcome::Unreachable,
        ] {
            assert_eq!(outcome.as_str().parse::<RecoveryOutcome>(), Ok(outcome));
        }
        assert_eq!(clean_comment(Some("  ")), None);
        assert_eq!(clean_comment(Some(" ok ")).as_deref(), Some("ok"));
    }
}
