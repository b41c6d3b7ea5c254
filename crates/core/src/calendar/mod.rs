//! Business calendars: when a desk is open, and time counted only then.
//!
//! A [`CalendarSpec`] is the stored, serializable description: an IANA time
//! zone, weekly opening hours ([`WeeklyHours`], several [`TimeRange`]s a day,
//! possibly past midnight), an always-open flag, [`Holiday`]s (a date, a
//! yearly date, or the nth weekday of a month) and [`ClosedPeriod`]s with a
//! reason. [`BusinessCalendar::new`] validates it and compiles it into an
//! immutable value that answers [`is_open`](BusinessCalendar::is_open),
//! [`next_opening`](BusinessCalendar::next_opening),
//! [`add_business_minutes`](BusinessCalendar::add_business_minutes) and
//! [`business_minutes_between`](BusinessCalendar::business_minutes_between),
//! and lists hours and closures for a posted-hours page. Calendars also
//! travel as iCalendar feeds ([`BusinessCalendar::from_ical`],
//! [`BusinessCalendar::to_ical`]).
//!
//! # Semantics
//!
//! Hours, holidays and closures are wall-clock times in the calendar's zone.
//! An interval belongs to the weekday it starts on and may run past midnight.
//! A holiday closes its whole civil day: intervals that start on it do not
//! happen at all (not even their part past midnight), and intervals from the
//! day before stop at midnight.
//!
//! Each wall-clock boundary becomes a real instant with jiff's *compatible*
//! disambiguation: a time skipped by a spring-forward gap means the instant
//! just as far after the gap (02:30 in a 02:00→03:00 gap is 03:30 new time)
//! and a repeated time in a fall-back fold means its first occurrence. An
//! interval is open from its start's instant to its end's instant (nothing
//! if that is not later, as for 00:09–01:00 on a day that skips 00:00–01:00);
//! open time is the union of the intervals less the closures, mapped the
//! same way. Business minutes are real elapsed minutes while open: 01:00–05:00
//! is 3 hours on a spring-forward night and 5 on a fall-back night, while
//! 09:00–17:00 stays 8 hours in zones that change their clocks at night.
//!
//! # Speed
//!
//! Nothing on the hot path builds a jiff value. The zone's offset changes
//! (1900–2200) are read once into sorted vectors (`zone.rs`); days are
//! integers; each weekday's open pieces are precomputed; holidays are a sorted
//! list of day numbers plus per-month rules; closures are one merged, sorted
//! list of instants. Walking forward is one step per civil day, converting
//! only span ends (`arith.rs`).

mod arith;
mod civil;
mod ical;
mod posted;
mod rules;
mod spec;
mod validate;
mod zone;

#[cfg(test)]
mod tests;

pub use ical::{IcalError, IcalErrorKind, MAX_ICAL_BYTES, MAX_ICAL_EVENTS};
pub use posted::{ClosureKind, DayHours, UpcomingClosure};
pub use spec::{
    CalendarSpec, ClosedPeriod, ClosedSpan, Holiday, HolidayRule, MAX_INTERVALS_PER_DAY, Nth,
    TimeRange, Weekday, WeeklyHours,
};
pub use validate::{CalendarError, DateFault};

use crate::time::Timestamp;
use rules::Rules;
use serde::{Deserialize, Serialize};
use zone::ZoneMap;

/// A validated business calendar, compiled for fast arithmetic.
///
/// Serializes as its [`CalendarSpec`]; deserializing validates. Two
/// calendars are equal when their specs are.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "CalendarSpec", into = "CalendarSpec")]
pub struct BusinessCalendar {
    spec: CalendarSpec,
    zone: ZoneMap,
    rules: Rules,
    /// Closures as instants `[start, end)` (UTC micros), sorted and merged.
    closures: Vec<(i64, i64)>,
    /// The open spans of a window of years, built on the first long measure.
    spans: std::sync::OnceLock<std::sync::Arc<arith::SpanTable>>,
}

impl BusinessCalendar {
    /// Validates a spec and compiles it. Each day's intervals are sorted by
    /// start (the canonical order kept in [`BusinessCalendar::spec`]).
    pub fn new(mut spec: CalendarSpec) -> Result<Self, CalendarError> {
        spec.hours.normalize();
        let tz = spec.checked()?;
        let rules = Rules::new(&spec);
        let zone = ZoneMap::new(tz);
        let mut cursor = zone.cursor();
        let closures = spec
            .closures
            .iter()
            .map(|c| {
                let (start, end) = c.span.local_range();
                (cursor.utc_of(start), cursor.utc_of(end))
            })
            .collect();
        let closures = rules::merge(closures);
        Ok(Self {
            spec,
            zone,
            rules,
            closures,
            spans: std::sync::OnceLock::new(),
        })
    }

    /// The spec this calendar was built from.
    pub fn spec(&self) -> &CalendarSpec {
        &self.spec
    }

    /// The calendar's name.
    pub fn name(&self) -> &str {
        &self.spec.name
    }

    /// The calendar's time zone.
    pub fn time_zone(&self) -> &jiff::tz::TimeZone {
        self.zone.tz()
    }

    /// The wall-clock time of an instant in the calendar's zone.
    pub fn local_time(&self, at: Timestamp) -> jiff::civil::DateTime {
        at.to_jiff().to_zoned(self.zone.tz().clone()).datetime()
    }
}

impl PartialEq for BusinessCalendar {
    fn eq(&self, other: &Self) -> bool {
        self.spec == other.spec
    }
}

impl Eq for BusinessCalendar {}

impl TryFrom<CalendarSpec> for BusinessCalendar {
    type Error = CalendarError;

    fn try_from(spec: CalendarSpec) -> Result<Self, Self::Error> {
        Self::new(spec)
    }
}

impl From<BusinessCalendar> for CalendarSpec {
    fn from(calendar: BusinessCalendar) -> Self {
        calendar.spec
    }
}
