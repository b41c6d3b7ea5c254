//! Validation: what makes a [`CalendarSpec`] usable, and the expanded week
//! the arithmetic is compiled from.

use super::civil;
use super::spec::{
    CalendarSpec, ClosedPeriod, ClosedSpan, Holiday, HolidayRule, MAX_INTERVALS_PER_DAY, TimeRange,
    Weekday, WeeklyHours,
};
use jiff::civil::{DateTime, Time};
use jiff::tz::TimeZone;

/// Why a calendar is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CalendarError {
    /// The time zone name is not in the time zone database.
    #[error("unknown time zone {name:?}")]
    UnknownTimeZone {
        /// The name given.
        name: String,
    },
    /// An interval starts where it ends.
    #[error("empty opening interval {range} on {day}")]
    EmptyInterval {
        /// The weekday it is configured on.
        day: Weekday,
        /// The interval.
        range: TimeRange,
    },
    /// An interval boundary has seconds.
    #[error("opening interval {range} on {day} must start and end on whole minutes")]
    NotWholeMinute {
        /// The weekday it is configured on.
        day: Weekday,
        /// The interval.
        range: TimeRange,
    },
    /// Two intervals overlap once those past midnight are carried over.
    #[error("opening intervals {first} and {second} overlap on {day}")]
    OverlappingHours {
        /// The day on which they overlap.
        day: Weekday,
        /// The earlier interval.
        first: TimeRange,
        /// The later interval.
        second: TimeRange,
    },
    /// More than [`MAX_INTERVALS_PER_DAY`] intervals on one weekday.
    #[error("more than {MAX_INTERVALS_PER_DAY} opening intervals on {day}")]
    TooManyIntervals {
        /// The weekday.
        day: Weekday,
    },
    /// A holiday rule names no real day.
    #[error("holiday {name:?}: {detail}")]
    InvalidHoliday {
        /// The holiday's name.
        name: String,
        /// What is wrong.
        detail: DateFault,
    },
    /// A closure ends before it starts, or is outside the supported years.
    #[error("closure {reason:?}: {detail}")]
    InvalidClosure {
        /// The closure's reason.
        reason: String,
        /// What is wrong.
        detail: DateFault,
    },
}

/// What is wrong with a holiday's or a closure's dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DateFault {
    /// A holiday's date is outside the supported years.
    #[error("the date is outside the years 1 to 9998")]
    DateOutsideYears,
    /// A month number that is not 1 to 12.
    #[error("the month must be 1 to 12")]
    BadMonth,
    /// A day the month does not have.
    #[error("the month has no such day")]
    NoSuchDay,
    /// A closure's ends with fractions of a second.
    #[error("start and end must be whole seconds")]
    NotWholeSeconds,
    /// A closure that ends before it starts.
    #[error("it must end after it starts")]
    EndsBeforeStart,
    /// A closure outside the supported years.
    #[error("it is outside the years 1 to 9998")]
    OutsideYears,
}

impl CalendarSpec {
    /// Checks the zone, every interval, holiday and closure.
    pub fn validate(&self) -> Result<(), CalendarError> {
        self.checked().map(|_| ())
    }

    /// Validates, returning the zone and the expanded week for compiling.
    pub(crate) fn checked(&self) -> Result<TimeZone, CalendarError> {
        let tz = TimeZone::get(&self.time_zone).map_err(|_| CalendarError::UnknownTimeZone {
            name: self.time_zone.clone(),
        })?;
        expand_week(&self.hours)?;
        self.holidays.iter().try_for_each(validate_holiday)?;
        self.closures.iter().try_for_each(validate_closure)?;
        Ok(tz)
    }
}

/// One piece of an interval on a single civil day, after carrying the part
/// past midnight over to the next day.
#[derive(Debug, Clone, Copy)]
struct Piece {
    /// Microseconds after midnight where the piece starts.
    pub start: i64,
    /// Microseconds after midnight where it ends (at most one day).
    pub end: i64,
    /// The configured interval it comes from.
    origin: TimeRange,
}

/// Each weekday's pieces sorted by start, checked for overlaps; the
/// validated form the arithmetic is compiled from.
fn expand_week(hours: &WeeklyHours) -> Result<[Vec<Piece>; 7], CalendarError> {
    let mut week: [Vec<Piece>; 7] = Default::default();
    for day in Weekday::ALL {
        let ranges = hours.day(day);
        if ranges.len() > MAX_INTERVALS_PER_DAY {
            return Err(CalendarError::TooManyIntervals { day });
        }
        for &range in ranges {
            let whole = |t: Time| t.second() == 0 && t.subsec_nanosecond() == 0;
            if !whole(range.start) || !whole(range.end) {
                return Err(CalendarError::NotWholeMinute { day, range });
            }
            if range.start == range.end {
                return Err(CalendarError::EmptyInterval { day, range });
            }
            let (start, end) = range.micros();
            let own_end = end.min(civil::DAY);
            week[day.index()].push(Piece {
                start,
                end: own_end,
                origin: range,
            });
            if end > civil::DAY {
                week[day.next().index()].push(Piece {
                    start: 0,
                    end: end - civil::DAY,
                    origin: range,
                });
            }
        }
    }
    for day in Weekday::ALL {
        let pieces = &mut week[day.index()];
        pieces.sort_by_key(|p| (p.start, p.end));
        if let Some(w) = pieces.windows(2).find(|w| w[0].end > w[1].start) {
            return Err(CalendarError::OverlappingHours {
                day,
                first: w[0].origin,
                second: w[1].origin,
            });
        }
    }
    Ok(week)
}

fn validate_holiday(holiday: &Holiday) -> Result<(), CalendarError> {
    let bad = |detail| CalendarError::InvalidHoliday {
        name: holiday.name.clone(),
        detail,
    };
    match holiday.rule {
        HolidayRule::Date { date } => {
            let day = civil::day_of(date);
            if !(civil::MIN_DAY..=civil::MAX_DAY).contains(&day) {
                return Err(bad(DateFault::DateOutsideYears));
            }
        }
        HolidayRule::Yearly { month, day } => {
            if !(1..=12).contains(&month) {
                return Err(bad(DateFault::BadMonth));
            }
            // A leap year's month lengths: February 29 is allowed.
            if day < 1 || i64::from(day) > civil::days_in_month(2000, i64::from(month)) {
                return Err(bad(DateFault::NoSuchDay));
            }
        }
        HolidayRule::NthWeekday { month, .. } => {
            if !(1..=12).contains(&month) {
                return Err(bad(DateFault::BadMonth));
            }
        }
    }
    Ok(())
}

fn validate_closure(closure: &ClosedPeriod) -> Result<(), CalendarError> {
    let bad = |detail| CalendarError::InvalidClosure {
        reason: closure.reason.clone(),
        detail,
    };
    if let ClosedSpan::Period { start, end } = closure.span {
        let whole = |t: DateTime| t.subsec_nanosecond() == 0;
        if !whole(start) || !whole(end) {
            return Err(bad(DateFault::NotWholeSeconds));
        }
    }
    let (start, end) = closure.span.local_range();
    if end <= start {
        return Err(bad(DateFault::EndsBeforeStart));
    }
    let range = civil::MIN_DAY * civil::DAY..=(civil::MAX_DAY + 1) * civil::DAY;
    if !range.contains(&start) || !range.contains(&end) {
        return Err(bad(DateFault::OutsideYears));
    }
    Ok(())
}
