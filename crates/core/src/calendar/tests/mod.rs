//! Tests of the calendar: named cases, iCalendar, and property tests against
//! a brute-force oracle.

mod ical;
mod named;
mod oracle;
mod props;
mod spec;

use super::*;
use jiff::civil::Date;

/// An instant from RFC 9557 text (`2026-03-29T09:00[Europe/Berlin]`, with an
/// offset to pick one side of a fold) or RFC 3339.
fn at(text: &str) -> Timestamp {
    match text.parse::<jiff::Zoned>() {
        Ok(zoned) => Timestamp(zoned.timestamp().as_microsecond()),
        Err(_) => Timestamp::parse(text).unwrap_or_else(|e| panic!("{text}: {e}")),
    }
}

/// A calendar from a spec, which must be valid.
fn build(spec: CalendarSpec) -> BusinessCalendar {
    BusinessCalendar::new(spec).unwrap_or_else(|e| panic!("invalid test calendar: {e}"))
}

/// Monday to Friday 09:00–17:00.
fn office(zone: &str) -> CalendarSpec {
    let mut spec = CalendarSpec::new("Office", zone);
    spec.hours = WeeklyHours::default().with(&Weekday::ALL[..5], &[TimeRange::hm(9, 0, 17, 0)]);
    spec
}

/// A holiday on one date.
fn on(name: &str, day: Date) -> Holiday {
    Holiday {
        name: name.into(),
        rule: HolidayRule::Date { date: day },
    }
}

/// A yearly holiday.
fn yearly(name: &str, month: i8, day: i8) -> Holiday {
    Holiday {
        name: name.into(),
        rule: HolidayRule::Yearly { month, day },
    }
}

/// `minutes` after an instant.
fn plus(t: Timestamp, minutes: i64) -> Timestamp {
    t.plus_seconds(minutes * 60)
}

/// The instant as wall-clock text in the calendar's zone, for messages.
fn show(calendar: &BusinessCalendar, t: Option<Timestamp>) -> String {
    t.map_or_else(
        || "never".into(),
        |t| format!("{} ({t})", calendar.local_time(t)),
    )
}
