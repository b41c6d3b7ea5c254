//! iCalendar import, export and their errors.

use super::*;
use jiff::civil::date;

fn crlf(text: &str) -> String {
    text.lines().map(|l| format!("{l}\r\n")).collect()
}

fn read(text: &str) -> CalendarSpec {
    CalendarSpec::from_ical(text, "UTC").unwrap_or_else(|e| panic!("{e}"))
}

fn error(text: &str) -> IcalError {
    match BusinessCalendar::from_ical(text, "UTC") {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(e) => e,
    }
}

/// Regression: DATE values are civil dates in the calendar's zone. Read as
/// UTC midnight and converted, Thanksgiving would move to Wednesday west of
/// Greenwich.
#[test]
fn an_all_day_holiday_from_a_feed_is_not_shifted_by_a_day() {
    let feed = "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\n\
        X-WR-CALNAME:Holidays\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20261126\nDTEND;VALUE=DATE:20261127\n\
        SUMMARY:Thanksgiving\nTRANSP:TRANSPARENT\nEND:VEVENT\nEND:VCALENDAR\n";
    for zone in [
        "America/Los_Angeles",
        "Pacific/Auckland",
        "Pacific/Kiritimati",
        "Pacific/Pago_Pago",
    ] {
        let mut spec = CalendarSpec::from_ical(feed, zone).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            spec.holidays,
            vec![on("Thanksgiving", date(2026, 11, 26))],
            "{zone}"
        );
        spec.hours = office(zone).hours;
        let cal = build(spec);
        let local = |text: &str| at(&format!("{text}[{zone}]"));
        assert!(
            cal.is_open(local("2026-11-25T16:59")),
            "{zone}: Wednesday open"
        );
        assert!(
            !cal.is_open(local("2026-11-26T09:00")),
            "{zone}: Thursday closed"
        );
        assert!(
            !cal.is_open(local("2026-11-26T16:59")),
            "{zone}: Thursday closed"
        );
        assert!(
            cal.is_open(local("2026-11-27T09:00")),
            "{zone}: Friday open"
        );
    }
}

const FEED: &str = r"BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Example//Test//EN
X-WR-CALNAME:Support\, EU
X-WR-TIMEZONE:Europe/Berlin
BEGIN:VTIMEZONE
TZID:Europe/Berlin
BEGIN:STANDARD
DTSTART:19701025T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
END:STANDARD
END:VTIMEZONE
BEGIN:VEVENT
UID:1
SUMMARY:Weekdays
X-RAPPORT-KIND:OPENING
DTSTART;TZID=Europe/Berlin:20260105T090000
DTEND;TZID=Europe/Berlin:20260105T170000
RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR
BEGIN:VALARM
ACTION:DISPLAY
TRIGGER:-PT15M
END:VALARM
END:VEVENT
BEGIN:VEVENT
X-RAPPORT-KIND:opening
DTSTART:20260110T100000
DURATION:PT4H
RRULE:FREQ=WEEKLY
END:VEVENT
BEGIN:VEVENT
X-RAPPORT-KIND:OPENING
DTSTART;TZID=Europe/Berlin:20260109T220000
DTEND;TZID=Europe/Berlin:20260110T020000
RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=FR
END:VEVENT
BEGIN:VEVENT
SUMMARY:Christmas Day
DTSTART;VALUE=DATE:20261225
RRULE:FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=25
END:VEVENT
BEGIN:VEVENT
SUMMARY:Spring bank holiday
DTSTART;VALUE=DATE:20260525
DTEND;VALUE=DATE:20260526
RRULE:FREQ=YEARLY;BYMONTH=5;BYDAY=-1MO
END:VEVENT
BEGIN:VEVENT
SUMMARY:Thanksgiving
DTSTART;VALUE=DATE:20261126
RRULE:FREQ=YEARLY;BYDAY=4TH;BYMONTH=11
END:VEVENT
BEGIN:VEVENT
SUMMARY:Founders' day
DTSTART;VALUE=DATE:20260301
RRULE:FREQ=YEARLY
END:VEVENT
BEGIN:VEVENT
SUMMARY:Company
  day
DTSTART;VALUE=DATE:20260901
DTEND;VALUE=DATE:20260902
END:VEVENT
BEGIN:VEVENT
SUMMARY:Inventory\; stock\, shelves\nand more \\ done
DTSTART;VALUE=DATE:20261228
DTEND;VALUE=DATE:20261231
END:VEVENT
BEGIN:VEVENT
SUMMARY:Server move (UTC)
DTSTART:20260610T100000Z
DTEND:20260610T120000Z
END:VEVENT
BEGIN:VEVENT
SUMMARY:Call with New York
DTSTART;TZID=America/New_York:20260611T090000
DURATION:PT1H30M
END:VEVENT
BEGIN:VEVENT
SUMMARY:Cancelled thing
STATUS:CANCELLED
DTSTART;VALUE=DATE:20260701
END:VEVENT
BEGIN:VEVENT
SUMMARY:A one-day closure
X-RAPPORT-KIND:CLOSURE
DTSTART;VALUE=DATE:20260815
END:VEVENT
END:VCALENDAR
";

fn feed_spec() -> CalendarSpec {
    let mut spec = CalendarSpec::new("Support, EU", "Europe/Berlin");
    spec.hours = WeeklyHours::default().with(&Weekday::ALL[..5], &[TimeRange::hm(9, 0, 17, 0)]);
    spec.hours.friday.push(TimeRange::hm(22, 0, 2, 0));
    spec.hours.saturday.push(TimeRange::hm(10, 0, 14, 0));
    let nth = |name: &str, month, weekday, nth| Holiday {
        name: name.into(),
        rule: HolidayRule::NthWeekday {
            month,
            weekday,
            nth,
        },
    };
    spec.holidays = vec![
        yearly("Christmas Day", 12, 25),
        nth("Spring bank holiday", 5, Weekday::Monday, Nth::Last),
        nth("Thanksgiving", 11, Weekday::Thursday, Nth::Fourth),
        yearly("Founders' day", 3, 1),
        on("Company day", date(2026, 9, 1)),
    ];
    let period = |reason: &str, d: i8, from: (i8, i8), to: (i8, i8)| ClosedPeriod {
        reason: reason.into(),
        span: ClosedSpan::Period {
            start: date(2026, 6, d).at(from.0, from.1, 0, 0),
            end: date(2026, 6, d).at(to.0, to.1, 0, 0),
        },
    };
    spec.closures = vec![
        ClosedPeriod {
            reason: "Inventory; stock, shelves\nand more \\ done".into(),
            span: ClosedSpan::Days {
                first: date(2026, 12, 28),
                last: date(2026, 12, 30),
            },
        },
        period("Server move (UTC)", 10, (12, 0), (14, 0)),
        period("Call with New York", 11, (15, 0), (16, 30)),
        ClosedPeriod {
            reason: "A one-day closure".into(),
            span: ClosedSpan::Days {
                first: date(2026, 8, 15),
                last: date(2026, 8, 15),
            },
        },
    ];
    spec
}

#[test]
fn reads_the_supported_subset_with_lf_or_crlf() {
    let lf = BusinessCalendar::from_ical(FEED, "UTC").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(lf.spec(), build(feed_spec()).spec());
    let crlf = BusinessCalendar::from_ical(&crlf(FEED), "UTC").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(crlf, lf);
    let bom = BusinessCalendar::from_ical(&format!("\u{feff}{FEED}"), "UTC");
    assert_eq!(bom.ok(), Some(lf));
}

#[test]
fn export_then_import_gives_an_equal_calendar() {
    let mut spec = feed_spec();
    spec.holidays.push(yearly("Leap Day", 2, 29));
    spec.holidays.push(Holiday {
        name: "Fifth Friday of February".into(),
        rule: HolidayRule::NthWeekday {
            month: 2,
            weekday: Weekday::Friday,
            nth: Nth::Fifth,
        },
    });
    spec.hours.sunday.push(TimeRange::hm(23, 0, 0, 0));
    spec.name = format!("Support; EU, {}", "long name ".repeat(12));
    let cal = build(spec);
    let feed = cal.to_ical(at("2026-06-01T12:00:00Z"));
    assert!(
        feed.contains("RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR\r\n"),
        "{feed}"
    );
    assert!(feed.contains("X-RAPPORT-KIND:OPENING\r\n"));
    assert!(feed.contains("RRULE:FREQ=YEARLY;BYMONTH=2;BYDAY=5FR\r\n"));
    assert!(feed.contains("DTSTAMP:20260601T120000Z\r\n"));
    assert!(feed.split("\r\n").all(|line| line.len() <= 75));
    let back = BusinessCalendar::from_ical(&feed, "UTC").unwrap_or_else(|e| panic!("{e}\n{feed}"));
    assert_eq!(back, cal);

    let mut always = CalendarSpec::new("24/7", "America/New_York");
    always.always_open = true;
    always.holidays.push(yearly("New Year", 1, 1));
    let always = build(always);
    let back = BusinessCalendar::from_ical(&always.to_ical(Timestamp(0)), "UTC");
    assert_eq!(back.ok(), Some(always));
}

/// Inputs, the line their error is about, and words from its message.
const ERROR_CASES: &[(&str, usize, &str)] = &[
    (
        "VERSION:2.0\nBEGIN:VCALENDAR\nEND:VCALENDAR\n",
        1,
        "expected BEGIN:VCALENDAR",
    ),
    (
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20261301\nEND:VEVENT\nEND:VCALENDAR\n",
        3,
        "expected a DATE",
    ),
    (
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;TZID=Mars/Base:20260101T090000\nEND:VEVENT\nEND:VCALENDAR\n",
        3,
        "unknown time zone",
    ),
    (
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:x\nEND:VEVENT\nEND:VCALENDAR\n",
        2,
        "no DTSTART",
    ),
    (
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20260101\nRRULE:FREQ=YEARLY;COUNT=3\nEND:VEVENT\nEND:VCALENDAR\n",
        4,
        "COUNT",
    ),
    (
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20260105T090000\nDTEND:20260105T170000\nRRULE:FREQ=WEEKLY;BYDAY=MO\nEND:VEVENT\nEND:VCALENDAR\n",
        5,
        "X-RAPPORT-KIND:OPENING",
    ),
    (
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20260101\n",
        3,
        "not closed",
    ),
    (
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20260101\nEND:VTODO\nEND:VCALENDAR\n",
        4,
        "END:VTODO",
    ),
    (
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nX-RAPPORT-KIND:MEETING\nDTSTART;VALUE=DATE:20260101\nEND:VEVENT\nEND:VCALENDAR\n",
        3,
        "OPENING, HOLIDAY or CLOSURE",
    ),
    (
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20260102\nDTEND;VALUE=DATE:20260101\nEND:VEVENT\nEND:VCALENDAR\n",
        4,
        "end after it starts",
    ),
    (
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20260102\nEXDATE;VALUE=DATE:20260101\nEND:VEVENT\nEND:VCALENDAR\n",
        4,
        "EXDATE",
    ),
    (
        "BEGIN:VCALENDAR\nX-WR-TIMEZONE:Atlantis/Capital\nEND:VCALENDAR\n",
        2,
        "unknown time zone",
    ),
    (
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nbroken line\nEND:VEVENT\nEND:VCALENDAR\n",
        3,
        "malformed",
    ),
    (
        "BEGIN:VCALENDAR\nEND:VCALENDAR\nBEGIN:VCALENDAR\n",
        3,
        "after END:VCALENDAR",
    ),
    (
        "BEGIN:VCALENDAR\nX-RAPPORT-KIND:OPENING\nBEGIN:VEVENT\nX-RAPPORT-KIND:OPENING\nDTSTART:20260105T090000\nDTEND:20260105T120000\nRRULE:FREQ=WEEKLY;BYDAY=MO\nEND:VEVENT\nBEGIN:VEVENT\nX-RAPPORT-KIND:OPENING\nDTSTART:20260105T110000\nDTEND:20260105T130000\nRRULE:FREQ=WEEKLY;BYDAY=MO\nEND:VEVENT\nEND:VCALENDAR\n",
        15,
        "overlap on monday",
    ),
];

#[test]
fn errors_name_the_line() {
    for &(text, line, message) in ERROR_CASES {
        let e = error(text);
        assert_eq!(e.line, line, "{e} for:\n{text}");
        assert!(e.to_string().contains(message), "{e:?} lacks {message:?}");
        let e = error(&crlf(text));
        assert_eq!(e.line, line, "CRLF: {e}");
    }
}

#[test]
fn refuses_input_over_the_limits() {
    let big = "X".repeat(MAX_ICAL_BYTES + 1);
    assert!(matches!(error(&big).kind, IcalErrorKind::TooLarge { .. }));
    let event = "BEGIN:VEVENT\nDTSTART;VALUE=DATE:20260101\nEND:VEVENT\n";
    let many = format!(
        "BEGIN:VCALENDAR\n{}END:VCALENDAR\n",
        event.repeat(MAX_ICAL_EVENTS + 1)
    );
    let e = error(&many);
    assert_eq!(e.kind, IcalErrorKind::TooManyEvents);
    assert_eq!(e.line, 2 + 3 * MAX_ICAL_EVENTS);
    let ok = format!(
        "BEGIN:VCALENDAR\n{}END:VCALENDAR\n",
        event.repeat(MAX_ICAL_EVENTS)
    );
    assert_eq!(read(&ok).holidays.len(), MAX_ICAL_EVENTS);
}
