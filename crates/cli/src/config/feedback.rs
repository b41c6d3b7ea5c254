//! `[feedback]`: satisfaction surveys, recovery tasks and reviews.

use anyhow::{Result, bail};
use rapport_app::FeedbackConfig;
use serde::{Deserialize, Serialize};

/// `[feedback]` as written in the file.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FeedbackFile {
    /// Ask the customer of a solved ticket how it went (default true).
    pub surveys: Option<bool>,
    /// Business minutes after solving before asking (default 120).
    pub survey_delay_minutes: Option<i64>,
    /// Days a survey link takes and changes an answer (default 28).
    pub survey_days: Option<i64>,
    /// Ratings at or below this open a recovery task (default 2).
    pub low_rating: Option<u8>,
    /// Reviews rated at or below this open a recovery task (default 2).
    pub negative_review: Option<u8>,
    /// Business minutes a lead has to follow a recovery task up (default 480).
    pub recovery_minutes: Option<i64>,
}

/// Checks `[feedback]` and fills in the defaults.
pub fn feedback_config(file: FeedbackFile) -> Result<FeedbackConfig> {
    let defaults = FeedbackConfig::default();
    let config = FeedbackConfig {
        surveys: file.surveys.unwrap_or(defaults.surveys),
        survey_delay_minutes: file
            .survey_delay_minutes
            .unwrap_or(defaults.survey_delay_minutes),
        survey_days: file.survey_days.unwrap_or(defaults.survey_days),
        low_rating: file.low_rating.unwrap_or(defaults.low_rating),
        negative_review: file.negative_review.unwrap_or(defaults.negative_review),
        recovery_minutes: file.recovery_minutes.unwrap_or(defaults.recovery_minutes),
    };
    if config.survey_delay_minutes < 0 || config.recovery_minutes < 0 {
        bail!("feedback.survey_delay_minutes and feedback.recovery_minutes must not be negative");
    }
    if !(1..=365).contains(&config.survey_days) {
        bail!("feedback.survey_days must be from 1 to 365");
    }
    if config.low_rating > 4 || config.negative_review > 4 {
        bail!("feedback.low_rating and feedback.negative_review must be from 0 (never) to 4");
    }
    Ok(config)
}
