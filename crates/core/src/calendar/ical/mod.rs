//! iCalendar (RFC 5545) import and export of a subset that maps onto a
//! business calendar.
//!
//! # What is read
//!
//! One `VCALENDAR` (a leading byte-order mark is ignored); lines may end in
//! CRLF or LF and are unfolded; TEXT values are unescaped. Calendar properties: `X-WR-CALNAME` (the name),
//! `X-WR-TIMEZONE` (the zone; otherwise the caller's default) and
//! `X-RAPPORT-ALWAYS-OPEN:TRUE`. Other components (`VTIMEZONE`, `VTODO`, a
//! `VALARM` inside an event) are skipped: zones come from IANA names, so a
//! `TZID` must be one (a leading `/` is allowed). Each `VEVENT` is read by
//! its optional `X-RAPPORT-KIND` (`OPENING`, `HOLIDAY` or `CLOSURE`) and its
//! `RRULE`:
//!
//! * `RRULE:FREQ=WEEKLY[;BYDAY=MO,TU,…]` **with** `X-RAPPORT-KIND:OPENING`:
//!   opening hours. `DTSTART`/`DTEND` (or `DURATION`) are DATE-TIMEs whose
//!   wall-clock times give the interval (less than 24 hours, possibly past
//!   midnight); without `BYDAY`, the weekday of `DTSTART`. A weekly rule on
//!   an unmarked event is refused rather than guessed at.
//! * `RRULE:FREQ=YEARLY` on an all-day event: a holiday rule. `BYMONTH` +
//!   `BYMONTHDAY` (or neither: `DTSTART`'s month and day) is a yearly date;
//!   `BYMONTH` + `BYDAY=-1MO` / `4TH` / `+2MO` is the nth weekday of the
//!   month. The rule applies to every year, `DTSTART`'s year included or not.
//! * No `RRULE`, all-day (`VALUE=DATE`, `DTEND` exclusive, default one day):
//!   a single-date holiday if it is one day (unless marked `CLOSURE`), a
//!   closure of whole days otherwise.
//! * No `RRULE`, DATE-TIME: a closure from `DTSTART` to `DTEND`/`DURATION`.
//!   UTC (`Z`) and other zones' times are converted to the calendar's wall
//!   clock (for weekly hours, as of `DTSTART`'s date); floating times and a
//!   `TZID` equal to the calendar's zone are taken as they are.
//!
//! `SUMMARY` is the holiday's name or the closure's reason. DATE values are
//! civil dates in the calendar's zone and are never converted through UTC,
//! so an all-day holiday stays on its day. `STATUS:CANCELLED` events are
//! skipped. `RDATE`, `EXDATE`, `EXRULE`, `RECURRENCE-ID` and RRULE parts
//! other than `FREQ`, `INTERVAL=1`, `WKST`, `BYMONTH`, `BYMONTHDAY` and
//! `BYDAY` are refused, as they would change the meaning if ignored.
//!
//! Input over [`MAX_ICAL_BYTES`] or with more than [`MAX_ICAL_EVENTS`] events
//! is refused. Every error carries the 1-based line it is about; a calendar
//! that parses but does not validate (overlapping hours, …) points at
//! `END:VCALENDAR`.
//!
//! # What is written
//!
//! The calendar's name and zone as `X-WR-CALNAME`/`X-WR-TIMEZONE`; each set
//! of weekdays sharing an interval as one weekly `OPENING` event in the week
//! of 2024-01-01; each holiday as an all-day `HOLIDAY` event (yearly ones
//! with their RRULE); each closure as a `CLOSURE` event. `TZID`s are IANA
//! names and no `VTIMEZONE` is written. Reading the output back gives an
//! equal calendar.

mod export;
mod import;
mod lex;
mod values;

use super::BusinessCalendar;
use super::spec::CalendarSpec;
use super::validate::CalendarError;
use crate::time::Timestamp;

/// The largest iCalendar input read, in bytes (1 MiB).
pub const MAX_ICAL_BYTES: usize = 1 << 20;
/// The most events read from one iCalendar input.
pub const MAX_ICAL_EVENTS: usize = 10_000;

/// Why an iCalendar input could not be read, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("iCalendar line {line}: {kind}")]
pub struct IcalError {
    /// The 1-based line the error is about (0: the input as a whole).
    pub line: usize,
    /// What is wrong.
    pub kind: IcalErrorKind,
}

/// What is wrong with an iCalendar input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IcalErrorKind {
    /// Over [`MAX_ICAL_BYTES`].
    #[error("the input has {bytes} bytes, more than {MAX_ICAL_BYTES}")]
    TooLarge {
        /// The input's size.
        bytes: usize,
    },
    /// Over [`MAX_ICAL_EVENTS`] events.
    #[error("more than {MAX_ICAL_EVENTS} events")]
    TooManyEvents,
    /// A line that is not a content line, or a misplaced one.
    #[error("malformed: {0}")]
    Malformed(&'static str),
    /// The input does not start with `BEGIN:VCALENDAR`.
    #[error("expected BEGIN:VCALENDAR")]
    MissingCalendar,
    /// The input ends inside a component.
    #[error("{component} is not closed by END:{component}")]
    Unterminated {
        /// The open component.
        component: String,
    },
    /// An `END` that closes a different component than the open one.
    #[error("END:{found} where END:{expected} was expected")]
    MismatchedEnd {
        /// The open component.
        expected: String,
        /// The one named.
        found: String,
    },
    /// A required property is missing from an event.
    #[error("the event has no {property}")]
    MissingProperty {
        /// The property.
        property: &'static str,
    },
    /// A property appears twice in one event.
    #[error("{property} appears twice in one event")]
    DuplicateProperty {
        /// The property.
        property: String,
    },
    /// A value that cannot be read or makes no sense here.
    #[error("{property} value {value:?}: {why}")]
    BadValue {
        /// The property.
        property: String,
        /// The value (first 80 characters).
        value: String,
        /// What is wrong.
        why: &'static str,
    },
    /// A `TZID` or `X-WR-TIMEZONE` that is not an IANA time zone.
    #[error("unknown time zone {name:?}")]
    UnknownTimeZone {
        /// The name given.
        name: String,
    },
    /// A feature outside the supported subset.
    #[error("not supported: {0}")]
    Unsupported(String),
    /// The calendar read does not validate.
    #[error("{0}")]
    Invalid(CalendarError),
}

impl CalendarSpec {
    /// Reads a calendar from iCalendar text (see the module docs for the
    /// subset). `default_zone` applies when there is no `X-WR-TIMEZONE`.
    /// Events are checked one by one; the whole is not validated.
    pub fn from_ical(text: &str, default_zone: &str) -> Result<CalendarSpec, IcalError> {
        import::read(text, default_zone).map(|(spec, _)| spec)
    }
}

impl BusinessCalendar {
    /// Reads and validates a calendar from iCalendar text.
    pub fn from_ical(text: &str, default_zone: &str) -> Result<BusinessCalendar, IcalError> {
        let (spec, end_line) = import::read(text, default_zone)?;
        BusinessCalendar::new(spec).map_err(|e| IcalError {
            line: end_line,
            kind: IcalErrorKind::Invalid(e),
        })
    }

    /// Writes the calendar as an iCalendar feed (CRLF, folded lines);
    /// `generated_at` is each event's `DTSTAMP`.
    pub fn to_ical(&self, generated_at: Timestamp) -> String {
        export::write(self.spec(), generated_at)
    }
}
