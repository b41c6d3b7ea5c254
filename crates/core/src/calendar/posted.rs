//! What a "posted hours" page shows: the normal week and coming closures.

use super::BusinessCalendar;
use super::arith::HORIZON_DAYS;
use super::civil::{self, DAY};
use super::spec::{TimeRange, Weekday};
use crate::time::Timestamp;
use jiff::civil::DateTime;
use serde::Serialize;

/// Why the desk is closed in an [`UpcomingClosure`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClosureKind {
    /// A holiday (the whole civil day).
    Holiday,
    /// A one-off closure.
    Closure,
}

/// A holiday or closure on the way, for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UpcomingClosure {
    /// Holiday or closure.
    pub kind: ClosureKind,
    /// The holiday's name or the closure's reason.
    pub reason: String,
    /// Wall-clock start in the calendar's zone.
    pub start: DateTime,
    /// Wall-clock end (exclusive) in the calendar's zone.
    pub end: DateTime,
    /// The instant it starts.
    pub starts_at: Timestamp,
    /// The instant it ends (exclusive).
    pub ends_at: Timestamp,
}

/// One weekday's configured hours, for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayHours {
    /// The weekday.
    pub weekday: Weekday,
    /// Open around the clock (the calendar is always open).
    pub always_open: bool,
    /// The intervals that start on this day, sorted; those that end the next
    /// day say so with [`TimeRange::ends_next_day`].
    pub intervals: Vec<TimeRange>,
}

impl BusinessCalendar {
    /// The normal week, Monday first.
    pub fn week_hours(&self) -> Vec<DayHours> {
        Weekday::ALL
            .iter()
            .map(|&weekday| DayHours {
                weekday,
                always_open: self.spec.always_open,
                intervals: if self.spec.always_open {
                    Vec::new()
                } else {
                    self.spec.hours.day(weekday).to_vec()
                },
            })
            .collect()
    }

    /// Holidays and closures that are not over at `from` and start within
    /// `days` civil days of its date (at most about ten years), in order.
    /// Holidays are listed even on days without hours.
    pub fn upcoming_closures(&self, from: Timestamp, days: u32) -> Vec<UpcomingClosure> {
        let first_day = self.zone.to_local(from.0).div_euclid(DAY);
        let end_day = first_day + i64::from(days).min(HORIZON_DAYS);
        let mut cursor = self.zone.cursor();
        let window_end = cursor.utc_of(end_day * DAY);
        let mut out = Vec::new();
        let mut push = |kind, reason: &str, lo: i64, hi: i64| {
            let (starts_at, ends_at) = (cursor.utc_of(lo), cursor.utc_of(hi));
            // A closure starting in a skipped hour may cover no real time.
            if ends_at <= from.0 || starts_at >= window_end || starts_at >= ends_at {
                return;
            }
            if let (Some(start), Some(end)) = (civil::datetime_of(lo), civil::datetime_of(hi)) {
                out.push(UpcomingClosure {
                    kind,
                    reason: reason.to_owned(),
                    start,
                    end,
                    starts_at: Timestamp(starts_at),
                    ends_at: Timestamp(ends_at),
                });
            }
        };
        for day in first_day.max(civil::MIN_DAY)..end_day.min(civil::MAX_DAY + 1) {
            if !self.rules.is_holiday(day) {
                continue;
            }
            let Some(date) = civil::date_of(day) else {
                continue;
            };
            for holiday in self.spec.holidays.iter().filter(|h| h.rule.falls_on(date)) {
                push(
                    ClosureKind::Holiday,
                    &holiday.name,
                    day * DAY,
                    (day + 1) * DAY,
                );
            }
        }
        for closure in &self.spec.closures {
            let (lo, hi) = closure.span.local_range();
            push(ClosureKind::Closure, &closure.reason, lo, hi);
        }
        out.sort_by_key(|c| (c.starts_at, c.ends_at, c.kind));
        out
    }
}
