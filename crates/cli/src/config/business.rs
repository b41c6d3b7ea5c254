//! `[business]`: the business time zone, the calendar the first server
//! stores as the default, and the first-response target.

use super::env;
use anyhow::{Context, Result, bail};
use rapport_app::BusinessConfig;
use rapport_core::{BusinessCalendar, CalendarSpec, ClosedPeriod, Holiday, WeeklyHours};
use serde::{Deserialize, Serialize};

/// `[business]`: the business time zone and the calendar the first server
/// stores as the default (afterwards the stored calendars rule).
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BusinessFile {
    /// IANA time zone (default UTC); also RAPPORT_BUSINESS_TIME_ZONE.
    pub time_zone: Option<String>,
    /// The default calendar's name.
    pub calendar_name: Option<String>,
    /// Open around the clock (holidays and closures still apply).
    pub always_open: Option<bool>,
    /// Opening hours per weekday (default: Monday to Friday 09:00–17:00).
    pub hours: Option<WeeklyHours>,
    /// Holidays, each closing its whole day.
    #[serde(default)]
    pub holidays: Vec<Holiday>,
    /// One-off closures.
    #[serde(default)]
    pub closures: Vec<ClosedPeriod>,
    /// Business minutes until a person answers a new request (default 480).
    pub first_response_minutes: Option<i64>,
    /// Business minutes before a promise falls due that its owner is
    /// reminded (default 60; 0: no reminders).
    pub promise_reminder_minutes: Option<i64>,
    /// Statuses that pause the response-target clocks (default pending, on_hold).
    pub pausing_statuses: Option<Vec<rapport_core::Status>>,
    /// Percent of a target at which the owner is warned, when no policy says (default 75).
    pub warn_percent: Option<i64>,
    /// Escalation mail waits until the business opens (default true).
    pub escalate_in_business_hours: Option<bool>,
}

/// Reads `[business]` into the settings, validating the calendar.
pub(super) fn business_config(file: BusinessFile) -> Result<BusinessConfig> {
    let defaults = BusinessConfig::default();
    let time_zone = env("BUSINESS_TIME_ZONE")
        .or(file.time_zone)
        .unwrap_or_else(|| defaults.calendar.time_zone.clone());
    let name = file
        .calendar_name
        .unwrap_or_else(|| defaults.calendar.name.clone());
    let mut calendar = CalendarSpec::office_hours(name, time_zone);
    if let Some(hours) = file.hours {
        calendar.hours = hours;
    }
    calendar.always_open = file.always_open.unwrap_or(false);
    calendar.holidays = file.holidays;
    calendar.closures = file.closures;
    let compiled = BusinessCalendar::new(calendar).context("[business] is not a valid calendar")?;
    let minutes = file
        .first_response_minutes
        .unwrap_or(defaults.first_response_minutes);
    if !(1..=366 * 24 * 60).contains(&minutes) {
        bail!("business.first_response_minutes must be between 1 and a year, got {minutes}");
    }
    let reminder = file
        .promise_reminder_minutes
        .unwrap_or(defaults.promise_reminder_minutes);
    if !(0..=30 * 24 * 60).contains(&reminder) {
        bail!("business.promise_reminder_minutes must be between 0 and 30 days, got {reminder}");
    }
    let warn = file.warn_percent.unwrap_or(defaults.warn_permille / 10);
    if !(1..=99).contains(&warn) {
        bail!("business.warn_percent must be between 1 and 99, got {warn}");
    }
    let pausing = match file.pausing_statuses {
        Some(statuses) => {
            if statuses.iter().any(|s| {
                matches!(
                    s,
                    rapport_core::Status::Solved | rapport_core::Status::Closed
                )
            }) {
                bail!(
                    "business.pausing_statuses: solved and closed stop the clocks; list only pending, on_hold, new or open"
                );
            }
            rapport_core::sla::PausingStatuses(statuses)
        }
        None => defaults.pausing.clone(),
    };
    Ok(BusinessConfig {
        calendar: compiled.spec().clone(),
        first_response_minutes: minutes,
        promise_reminder_minutes: reminder,
        warn_permille: warn * 10,
        pausing,
        escalate_in_business_hours: file
            .escalate_in_business_hours
            .unwrap_or(defaults.escalate_in_business_hours),
        ..defaults
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rapport_core::{HolidayRule, TimeRange, Weekday};

    #[test]
    fn the_sample_seeds_office_hours_in_utc() -> Result<()> {
        let file: super::super::FileSettings = toml::from_str(super::super::SAMPLE)?;
        let business = business_config(file.business.unwrap_or_default())?;
        assert_eq!(business.calendar, BusinessConfig::default().calendar);
        assert_eq!(business.first_response_minutes, 480);
        Ok(())
    }

    #[test]
    fn hours_and_holidays_are_read_and_checked() -> Result<()> {
        let text = r#"
time_zone = "Europe/Berlin"
first_response_minutes = 240
[hours]
saturday = [{ start = "10:00", end = "14:00" }]
[[holidays]]
name = "Christmas Day"
rule = { kind = "yearly", month = 12, day = 25 }
"#;
        let business = business_config(toml::from_str(text)?)?;
        let cal = &business.calendar;
        assert_eq!(cal.time_zone, "Europe/Berlin");
        assert!(
            cal.hours.day(Weekday::Monday).is_empty(),
            "only the days given"
        );
        assert_eq!(
            cal.hours.day(Weekday::Saturday),
            &[TimeRange::hm(10, 0, 14, 0)]
        );
        assert_eq!(
            cal.holidays[0].rule,
            HolidayRule::Yearly { month: 12, day: 25 }
        );
        assert_eq!(business.first_response_minutes, 240);
        for bad in [
            "time_zone = \"Berlin\"",
            "first_response_minutes = 0",
            "[hours]\nmonday = [{ start = \"09:00\", end = \"12:00\" }, { start = \"11:00\", end = \"17:00\" }]",
            "opening = 9",
        ] {
            let parsed = toml::from_str::<BusinessFile>(bad);
            assert!(
                parsed.is_err() || business_config(parsed?).is_err(),
                "{bad}"
            );
        }
        Ok(())
    }
}
