//! Writing a [`CalendarSpec`] as an iCalendar feed.

use super::lex::{escape, push_folded};
use crate::calendar::civil;
use crate::calendar::spec::{CalendarSpec, ClosedSpan, HolidayRule, TimeRange, Weekday};
use crate::time::Timestamp;
use jiff::civil::{Date, DateTime};

/// The Monday whose week anchors weekly opening events.
const ANCHOR_MONDAY: i64 = civil::days_from_civil(2024, 1, 1);
/// The (leap) year whose dates anchor yearly holiday events.
const ANCHOR_YEAR: i64 = 2024;

/// The feed for a spec; every event's `DTSTAMP` is `generated_at`.
pub(super) fn write(spec: &CalendarSpec, generated_at: Timestamp) -> String {
    let mut out = String::new();
    let mut line = |text: String| push_folded(&mut out, &text);
    let stamp = format!("DTSTAMP:{}", utc_basic(generated_at));
    let zone = &spec.time_zone;
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line("PRODID:-//Rapport//Business calendar//EN".into());
    line("CALSCALE:GREGORIAN".into());
    line(format!("X-WR-CALNAME:{}", escape(&spec.name)));
    line(format!("X-WR-TIMEZONE:{}", escape(zone)));
    if spec.always_open {
        line("X-RAPPORT-ALWAYS-OPEN:TRUE".into());
    }
    for (n, (range, days)) in opening_groups(spec).into_iter().enumerate() {
        let first = days.first().map_or(0, |d| d.index() as i64);
        let date = civil::date_of(ANCHOR_MONDAY + first).unwrap_or_default();
        let end_date = civil::date_of(ANCHOR_MONDAY + first + i64::from(range.ends_next_day()))
            .unwrap_or_default();
        let byday: Vec<&str> = days.iter().map(|&d| weekday_code(d)).collect();
        let event = [
            format!("UID:opening-{n}@rapport"),
            stamp.clone(),
            "SUMMARY:Opening hours".into(),
            "X-RAPPORT-KIND:OPENING".into(),
            format!(
                "DTSTART;TZID={zone}:{}",
                basic(date.to_datetime(range.start))
            ),
            format!(
                "DTEND;TZID={zone}:{}",
                basic(end_date.to_datetime(range.end))
            ),
            format!("RRULE:FREQ=WEEKLY;BYDAY={}", byday.join(",")),
        ];
        write_event(&mut line, event);
    }
    for (n, holiday) in spec.holidays.iter().enumerate() {
        let (date, rrule) = holiday_anchor(&holiday.rule);
        let mut event = vec![
            format!("UID:holiday-{n}@rapport"),
            stamp.clone(),
            format!("SUMMARY:{}", escape(&holiday.name)),
            "X-RAPPORT-KIND:HOLIDAY".into(),
            format!("DTSTART;VALUE=DATE:{}", basic_date(date)),
            format!("DTEND;VALUE=DATE:{}", basic_date(next_day(date))),
        ];
        event.extend(rrule);
        write_event(&mut line, event);
    }
    for (n, closure) in spec.closures.iter().enumerate() {
        let (start, end) = match closure.span {
            ClosedSpan::Days { first, last } => (
                format!("DTSTART;VALUE=DATE:{}", basic_date(first)),
                format!("DTEND;VALUE=DATE:{}", basic_date(next_day(last))),
            ),
            ClosedSpan::Period { start, end } => (
                format!("DTSTART;TZID={zone}:{}", basic(start)),
                format!("DTEND;TZID={zone}:{}", basic(end)),
            ),
        };
        let event = [
            format!("UID:closure-{n}@rapport"),
            stamp.clone(),
            format!("SUMMARY:{}", escape(&closure.reason)),
            "X-RAPPORT-KIND:CLOSURE".into(),
            start,
            end,
        ];
        write_event(&mut line, event);
    }
    line("END:VCALENDAR".into());
    out
}

fn write_event(line: &mut impl FnMut(String), props: impl IntoIterator<Item = String>) {
    line("BEGIN:VEVENT".into());
    props.into_iter().for_each(&mut *line);
    line("END:VEVENT".into());
}

/// Distinct intervals with the weekdays that have them, in week order.
fn opening_groups(spec: &CalendarSpec) -> Vec<(TimeRange, Vec<Weekday>)> {
    let mut groups: Vec<(TimeRange, Vec<Weekday>)> = Vec::new();
    for day in Weekday::ALL {
        for &range in spec.hours.day(day) {
            match groups.iter_mut().find(|(r, _)| *r == range) {
                Some((_, days)) => days.push(day),
                None => groups.push((range, vec![day])),
            }
        }
    }
    groups
}

/// A holiday's first date from the anchor year on, and its RRULE if yearly.
fn holiday_anchor(rule: &HolidayRule) -> (Date, Option<String>) {
    match *rule {
        HolidayRule::Date { date } => (date, None),
        HolidayRule::Yearly { month, day } => {
            let day_number = civil::days_from_civil(ANCHOR_YEAR, i64::from(month), i64::from(day));
            (
                civil::date_of(day_number).unwrap_or_default(),
                Some(format!(
                    "RRULE:FREQ=YEARLY;BYMONTH={month};BYMONTHDAY={day}"
                )),
            )
        }
        HolidayRule::NthWeekday {
            month,
            weekday,
            nth,
        } => {
            let rrule = format!(
                "RRULE:FREQ=YEARLY;BYMONTH={month};BYDAY={}{}",
                nth.ordinal(),
                weekday_code(weekday)
            );
            // A fifth weekday is missing in some years; a match comes within 7.
            let first = (ANCHOR_YEAR..ANCHOR_YEAR + 8)
                .flat_map(|year| {
                    let start = civil::days_from_civil(year, i64::from(month), 1);
                    (start..start + civil::days_in_month(year, i64::from(month)))
                        .filter_map(civil::date_of)
                })
                .find(|&date| rule.falls_on(date));
            (first.unwrap_or_default(), Some(rrule))
        }
    }
}

fn next_day(date: Date) -> Date {
    civil::date_of(civil::day_of(date) + 1).unwrap_or(date)
}

fn weekday_code(day: Weekday) -> &'static str {
    ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][day.index()]
}

fn basic_date(date: Date) -> String {
    format!("{:04}{:02}{:02}", date.year(), date.month(), date.day())
}

fn basic(dt: DateTime) -> String {
    format!(
        "{}T{:02}{:02}{:02}",
        basic_date(dt.date()),
        dt.hour(),
        dt.minute(),
        dt.second()
    )
}

fn utc_basic(at: Timestamp) -> String {
    format!(
        "{}Z",
        basic(jiff::tz::Offset::UTC.to_datetime(at.to_jiff()))
    )
}
