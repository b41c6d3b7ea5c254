//! The calendar as data: what an administrator configures and what is stored.
//!
//! [`CalendarSpec`] is plain, serializable data with stable field names.
//! [`CalendarSpec::validate`] (in `validate.rs`) checks it; [`super::BusinessCalendar::new`]
//! validates and compiles it for arithmetic.

use super::civil::{self, MINUTE};

use jiff::civil::{Date, DateTime, Time};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Opening intervals allowed on one weekday (a guard against absurd input).
pub const MAX_INTERVALS_PER_DAY: usize = 48;

/// A day of the week, serialized as `"monday"` … `"sunday"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Weekday {
    /// Monday.
    Monday,
    /// Tuesday.
    Tuesday,
    /// Wednesday.
    Wednesday,
    /// Thursday.
    Thursday,
    /// Friday.
    Friday,
    /// Saturday.
    Saturday,
    /// Sunday.
    Sunday,
}

impl Weekday {
    /// Every weekday, Monday first.
    pub const ALL: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];

    /// Monday = 0 … Sunday = 6.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The weekday with a Monday-based index (taken modulo 7).
    pub fn from_index(index: usize) -> Self {
        Self::ALL[index % 7]
    }

    /// The day after this one.
    pub fn next(self) -> Self {
        Self::from_index(self.index() + 1)
    }

    /// The lowercase English name, as serialized.
    pub fn as_str(self) -> &'static str {
        [
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
        ][self.index()]
    }

    /// The weekday of a civil date.
    pub fn of(date: Date) -> Self {
        Self::from_index(civil::weekday_index(civil::day_of(date)))
    }
}

impl fmt::Display for Weekday {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One opening interval on a weekday, in wall-clock time.
///
/// `end <= start` means the interval runs past midnight into the next day
/// (`22:00–02:00` is open until 02:00 the next morning; `18:00–00:00` until
/// midnight). Both ends are whole minutes and `start != end`. Serialized as
/// `{"start": "09:00", "end": "17:00"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeRange {
    /// When the interval opens.
    #[serde(with = "hhmm")]
    pub start: Time,
    /// When it closes (on the next day if not after `start`).
    #[serde(with = "hhmm")]
    pub end: Time,
}

impl TimeRange {
    /// An interval from `start` to `end`.
    pub fn new(start: Time, end: Time) -> Self {
        Self { start, end }
    }

    /// An interval from hours and minutes (out-of-range values clamp to 23:59).
    pub fn hm(start_hour: i8, start_minute: i8, end_hour: i8, end_minute: i8) -> Self {
        let time =
            |h: i8, m: i8| Time::new(h.clamp(0, 23), m.clamp(0, 59), 0, 0).unwrap_or(Time::MIN);
        Self::new(time(start_hour, start_minute), time(end_hour, end_minute))
    }

    /// Whether the interval ends on the next day.
    pub fn ends_next_day(&self) -> bool {
        self.end <= self.start
    }

    /// Its length in minutes of wall-clock time (DST not applied).
    pub fn wall_minutes(&self) -> i64 {
        let (s, e) = self.micros();
        (e - s) / MINUTE
    }

    /// Start and end as microseconds after the start day's midnight.
    pub(crate) fn micros(&self) -> (i64, i64) {
        let s = civil::micros_of_time(self.start);
        let e = civil::micros_of_time(self.end);
        (s, if e <= s { e + civil::DAY } else { e })
    }
}

impl fmt::Display for TimeRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:02}:{:02}-{:02}:{:02}",
            self.start.hour(),
            self.start.minute(),
            self.end.hour(),
            self.end.minute()
        )?;
        if self.ends_next_day() {
            f.write_str(" (+1 day)")?;
        }
        Ok(())
    }
}

/// Serde for wall-clock times as `"HH:MM"` (reads anything jiff reads).
mod hhmm {
    use super::*;

    pub fn serialize<S: Serializer>(time: &Time, serializer: S) -> Result<S::Ok, S::Error> {
        if time.second() == 0 && time.subsec_nanosecond() == 0 {
            serializer.collect_str(&format_args!("{:02}:{:02}", time.hour(), time.minute()))
        } else {
            serializer.collect_str(time)
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Time, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse::<Time>()
            .map_err(|e| serde::de::Error::custom(format!("not a time of day {text:?}: {e}")))
    }
}

/// The opening hours of a normal week, one list of intervals per weekday.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeeklyHours {
    /// Monday's intervals.
    #[serde(default)]
    pub monday: Vec<TimeRange>,
    /// Tuesday's intervals.
    #[serde(default)]
    pub tuesday: Vec<TimeRange>,
    /// Wednesday's intervals.
    #[serde(default)]
    pub wednesday: Vec<TimeRange>,
    /// Thursday's intervals.
    #[serde(default)]
    pub thursday: Vec<TimeRange>,
    /// Friday's intervals.
    #[serde(default)]
    pub friday: Vec<TimeRange>,
    /// Saturday's intervals.
    #[serde(default)]
    pub saturday: Vec<TimeRange>,
    /// Sunday's intervals.
    #[serde(default)]
    pub sunday: Vec<TimeRange>,
}

impl WeeklyHours {
    /// The intervals of one weekday.
    pub fn day(&self, day: Weekday) -> &[TimeRange] {
        match day {
            Weekday::Monday => &self.monday,
            Weekday::Tuesday => &self.tuesday,
            Weekday::Wednesday => &self.wednesday,
            Weekday::Thursday => &self.thursday,
            Weekday::Friday => &self.friday,
            Weekday::Saturday => &self.saturday,
            Weekday::Sunday => &self.sunday,
        }
    }

    /// The intervals of one weekday, to edit.
    pub fn day_mut(&mut self, day: Weekday) -> &mut Vec<TimeRange> {
        match day {
            Weekday::Monday => &mut self.monday,
            Weekday::Tuesday => &mut self.tuesday,
            Weekday::Wednesday => &mut self.wednesday,
            Weekday::Thursday => &mut self.thursday,
            Weekday::Friday => &mut self.friday,
            Weekday::Saturday => &mut self.saturday,
            Weekday::Sunday => &mut self.sunday,
        }
    }

    /// The same intervals on each of the given days (a builder helper).
    pub fn with(mut self, days: &[Weekday], ranges: &[TimeRange]) -> Self {
        for &day in days {
            self.day_mut(day).extend_from_slice(ranges);
        }
        self
    }

    /// Sorts each day's intervals by start, the canonical order.
    pub(crate) fn normalize(&mut self) {
        for day in Weekday::ALL {
            self.day_mut(day).sort_by_key(|r| (r.start, r.end));
        }
    }
}

/// Which occurrence of a weekday in a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Nth {
    /// Days 1–7.
    First,
    /// Days 8–14.
    Second,
    /// Days 15–21.
    Third,
    /// Days 22–28.
    Fourth,
    /// Days 29–31; in a month without a fifth such weekday there is no holiday.
    Fifth,
    /// The last such weekday of the month.
    Last,
}

impl Nth {
    /// `1..=5` for first…fifth, `-1` for last (as in an RRULE `BYDAY`).
    pub fn ordinal(self) -> i8 {
        match self {
            Nth::First => 1,
            Nth::Second => 2,
            Nth::Third => 3,
            Nth::Fourth => 4,
            Nth::Fifth => 5,
            Nth::Last => -1,
        }
    }

    /// The inverse of [`Nth::ordinal`].
    pub fn from_ordinal(ordinal: i8) -> Option<Self> {
        Some(match ordinal {
            1 => Nth::First,
            2 => Nth::Second,
            3 => Nth::Third,
            4 => Nth::Fourth,
            5 => Nth::Fifth,
            -1 => Nth::Last,
            _ => return None,
        })
    }
}

/// When a holiday falls. It closes the whole civil day in the calendar's zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum HolidayRule {
    /// One date.
    Date {
        /// The date.
        date: Date,
    },
    /// The same month and day every year (February 29 only in leap years).
    Yearly {
        /// 1–12.
        month: i8,
        /// 1–31, valid for the month.
        day: i8,
    },
    /// The nth (or last) weekday of a month, e.g. the last Monday of May.
    NthWeekday {
        /// 1–12.
        month: i8,
        /// The weekday.
        weekday: Weekday,
        /// Which occurrence.
        nth: Nth,
    },
}

impl HolidayRule {
    /// Whether the rule falls on a civil date.
    pub fn falls_on(&self, date: Date) -> bool {
        let (month, day) = (date.month(), date.day());
        match *self {
            HolidayRule::Date { date: d } => d == date,
            HolidayRule::Yearly { month: m, day: dd } => m == month && dd == day,
            HolidayRule::NthWeekday {
                month: m,
                weekday,
                nth,
            } => {
                let last = civil::days_in_month(i64::from(date.year()), i64::from(month));
                m == month
                    && Weekday::of(date) == weekday
                    && match nth {
                        Nth::Last => i64::from(day) + 7 > last,
                        n => (day - 1) / 7 + 1 == n.ordinal(),
                    }
            }
        }
    }
}

/// A named holiday.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Holiday {
    /// Shown on the posted-hours page ("Christmas Day").
    pub name: String,
    /// When it falls.
    pub rule: HolidayRule,
}

/// What a closure covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClosedSpan {
    /// Whole civil days, `first` through `last` inclusive.
    Days {
        /// The first closed day.
        first: Date,
        /// The last closed day.
        last: Date,
    },
    /// Wall-clock time from `start` (inclusive) to `end` (exclusive).
    Period {
        /// When the closure starts, in the calendar's zone.
        start: DateTime,
        /// When it ends, in the calendar's zone.
        end: DateTime,
    },
}

impl ClosedSpan {
    /// The span as local microseconds `[start, end)`.
    pub(crate) fn local_range(&self) -> (i64, i64) {
        match *self {
            ClosedSpan::Days { first, last } => (
                civil::day_of(first) * civil::DAY,
                (civil::day_of(last) + 1) * civil::DAY,
            ),
            ClosedSpan::Period { start, end } => (civil::local_of(start), civil::local_of(end)),
        }
    }
}

/// A one-off closure with a reason (inventory, a move, an outage).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClosedPeriod {
    /// Why the desk is closed, shown on the posted-hours page.
    pub reason: String,
    /// When.
    pub span: ClosedSpan,
}

/// Everything that defines a business calendar, as stored and exchanged.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarSpec {
    /// A name for people ("Support EU").
    pub name: String,
    /// An IANA time zone name ("Europe/Berlin").
    pub time_zone: String,
    /// Open around the clock every day; `hours` are then ignored, but
    /// holidays and closures still apply.
    #[serde(default)]
    pub always_open: bool,
    /// The normal week.
    #[serde(default)]
    pub hours: WeeklyHours,
    /// Holidays (each closes a whole civil day).
    #[serde(default)]
    pub holidays: Vec<Holiday>,
    /// One-off closures.
    #[serde(default)]
    pub closures: Vec<ClosedPeriod>,
}

impl CalendarSpec {
    /// A calendar with no hours, holidays or closures.
    pub fn new(name: impl Into<String>, time_zone: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            time_zone: time_zone.into(),
            always_open: false,
            hours: WeeklyHours::default(),
            holidays: Vec::new(),
            closures: Vec::new(),
        }
    }

    /// Monday to Friday 09:00–17:00 in a zone, no holidays: the calendar a
    /// desk starts with until it says otherwise.
    pub fn office_hours(name: impl Into<String>, time_zone: impl Into<String>) -> Self {
        let mut spec = Self::new(name, time_zone);
        spec.hours = WeeklyHours::default().with(&Weekday::ALL[..5], &[TimeRange::hm(9, 0, 17, 0)]);
        spec
    }
}
