//! The spec: validation, canonical order and the JSON shape.

use super::*;
use jiff::civil::{Time, date};
use serde_json::json;

fn error_of(spec: CalendarSpec) -> CalendarError {
    match BusinessCalendar::new(spec) {
        Ok(_) => panic!("expected the spec to be refused"),
        Err(e) => e,
    }
}

#[test]
fn refuses_unknown_zones_and_empty_or_ragged_intervals() {
    let e = error_of(CalendarSpec::new("x", "Mars/Olympus_Mons"));
    assert_eq!(
        e,
        CalendarError::UnknownTimeZone {
            name: "Mars/Olympus_Mons".into()
        }
    );

    let mut spec = office("UTC");
    spec.hours.tuesday.push(TimeRange::hm(18, 0, 18, 0));
    assert!(matches!(
        error_of(spec),
        CalendarError::EmptyInterval {
            day: Weekday::Tuesday,
            ..
        }
    ));

    let mut spec = office("UTC");
    let half = Time::new(17, 30, 30, 0).unwrap_or(Time::MIN);
    spec.hours.monday.push(TimeRange::new(
        half,
        Time::new(18, 0, 0, 0).unwrap_or(Time::MIN),
    ));
    assert!(matches!(
        error_of(spec),
        CalendarError::NotWholeMinute { .. }
    ));

    let mut spec = office("UTC");
    spec.hours.monday = vec![TimeRange::hm(1, 0, 1, 1); MAX_INTERVALS_PER_DAY + 1];
    assert_eq!(
        error_of(spec),
        CalendarError::TooManyIntervals {
            day: Weekday::Monday
        }
    );
}

#[test]
fn refuses_overlaps_within_a_day_and_across_midnight() {
    let mut spec = office("UTC");
    spec.hours.monday.push(TimeRange::hm(16, 0, 18, 0));
    assert!(matches!(
        error_of(spec),
        CalendarError::OverlappingHours {
            day: Weekday::Monday,
            ..
        }
    ));

    let mut spec = CalendarSpec::new("x", "UTC");
    spec.hours.friday.push(TimeRange::hm(22, 0, 2, 0));
    spec.hours.saturday.push(TimeRange::hm(1, 0, 5, 0));
    let e = error_of(spec);
    assert_eq!(
        e,
        CalendarError::OverlappingHours {
            day: Weekday::Saturday,
            first: TimeRange::hm(22, 0, 2, 0),
            second: TimeRange::hm(1, 0, 5, 0),
        }
    );
    assert_eq!(
        e.to_string(),
        "opening intervals 22:00-02:00 (+1 day) and 01:00-05:00 overlap on saturday"
    );

    let mut spec = CalendarSpec::new("x", "UTC");
    spec.hours.sunday.push(TimeRange::hm(23, 0, 1, 0));
    spec.hours.monday.push(TimeRange::hm(0, 30, 2, 0));
    assert!(matches!(
        error_of(spec),
        CalendarError::OverlappingHours {
            day: Weekday::Monday,
            ..
        }
    ));
}

#[test]
fn touching_intervals_are_fine_and_are_kept_in_start_order() {
    let mut spec = CalendarSpec::new("Split", "Europe/Berlin");
    spec.hours.monday = vec![TimeRange::hm(12, 0, 17, 0), TimeRange::hm(9, 0, 12, 0)];
    spec.hours.sunday = vec![TimeRange::hm(20, 0, 9, 0)];
    let cal = build(spec);
    assert_eq!(cal.spec().hours.monday[0], TimeRange::hm(9, 0, 12, 0));
    let mon = at("2026-06-08T00:00[Europe/Berlin]");
    assert_eq!(cal.business_minutes_between(mon, plus(mon, 1440)), 17 * 60);
}

#[test]
fn refuses_holidays_and_closures_that_name_no_real_time() {
    let holiday = |rule| {
        let mut spec = office("UTC");
        spec.holidays.push(Holiday {
            name: "Bad".into(),
            rule,
        });
        error_of(spec)
    };
    for rule in [
        HolidayRule::Yearly { month: 4, day: 31 },
        HolidayRule::Yearly { month: 2, day: 30 },
        HolidayRule::Yearly { month: 13, day: 1 },
        HolidayRule::NthWeekday {
            month: 0,
            weekday: Weekday::Monday,
            nth: Nth::First,
        },
    ] {
        assert!(
            matches!(holiday(rule), CalendarError::InvalidHoliday { .. }),
            "{rule:?}"
        );
    }
    let mut spec = office("UTC");
    spec.closures.push(ClosedPeriod {
        reason: "Backwards".into(),
        span: ClosedSpan::Days {
            first: date(2026, 6, 2),
            last: date(2026, 6, 1),
        },
    });
    assert!(matches!(
        error_of(spec),
        CalendarError::InvalidClosure { .. }
    ));
}

#[test]
fn json_has_stable_field_names() {
    let mut spec = office("Europe/Berlin");
    spec.hours.saturday.clear();
    spec.hours.tuesday.clear();
    spec.hours.wednesday.clear();
    spec.hours.thursday.clear();
    spec.hours.friday = vec![TimeRange::hm(22, 0, 2, 0)];
    spec.holidays = vec![
        yearly("Christmas Day", 12, 25),
        Holiday {
            name: "Spring bank holiday".into(),
            rule: HolidayRule::NthWeekday {
                month: 5,
                weekday: Weekday::Monday,
                nth: Nth::Last,
            },
        },
        on("Company day", date(2026, 9, 1)),
    ];
    spec.closures = vec![
        ClosedPeriod {
            reason: "Inventory".into(),
            span: ClosedSpan::Days {
                first: date(2026, 12, 28),
                last: date(2026, 12, 30),
            },
        },
        ClosedPeriod {
            reason: "Meeting".into(),
            span: ClosedSpan::Period {
                start: date(2026, 6, 10).at(12, 0, 0, 0),
                end: date(2026, 6, 10).at(14, 0, 0, 0),
            },
        },
    ];
    let cal = build(spec);
    let value = serde_json::to_value(&cal).unwrap_or_default();
    let expected = json!({
        "name": "Office",
        "time_zone": "Europe/Berlin",
        "always_open": false,
        "hours": {
            "monday": [{"start": "09:00", "end": "17:00"}],
            "tuesday": [], "wednesday": [], "thursday": [],
            "friday": [{"start": "22:00", "end": "02:00"}],
            "saturday": [], "sunday": []
        },
        "holidays": [
            {"name": "Christmas Day", "rule": {"kind": "yearly", "month": 12, "day": 25}},
            {"name": "Spring bank holiday",
             "rule": {"kind": "nth_weekday", "month": 5, "weekday": "monday", "nth": "last"}},
            {"name": "Company day", "rule": {"kind": "date", "date": "2026-09-01"}}
        ],
        "closures": [
            {"reason": "Inventory",
             "span": {"kind": "days", "first": "2026-12-28", "last": "2026-12-30"}},
            {"reason": "Meeting",
             "span": {"kind": "period", "start": "2026-06-10T12:00:00", "end": "2026-06-10T14:00:00"}}
        ]
    });
    assert_eq!(value, expected);
    let back: Result<BusinessCalendar, _> = serde_json::from_value(value);
    assert_eq!(back.ok(), Some(cal));
}

#[test]
fn json_input_is_validated_and_defaults_apply() {
    let minimal = r#"{"name": "Desk", "time_zone": "Asia/Kolkata",
        "hours": {"monday": [{"start": "09:30:00", "end": "18:00"}]}}"#;
    let cal: Result<BusinessCalendar, _> = serde_json::from_str(minimal);
    let cal = cal.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(cal.spec().hours.monday, vec![TimeRange::hm(9, 30, 18, 0)]);
    assert!(cal.spec().holidays.is_empty());

    let bad_zone = r#"{"name": "Desk", "time_zone": "Nowhere/Special"}"#;
    let e = serde_json::from_str::<BusinessCalendar>(bad_zone)
        .err()
        .map(|e| e.to_string());
    assert!(e.is_some_and(|e| e.contains("unknown time zone")));

    let unknown_field = r#"{"name": "Desk", "time_zone": "UTC", "timezone": "UTC"}"#;
    assert!(serde_json::from_str::<BusinessCalendar>(unknown_field).is_err());

    let overlap = r#"{"name": "Desk", "time_zone": "UTC", "hours": {"monday": [
        {"start": "09:00", "end": "12:00"}, {"start": "11:00", "end": "13:00"}]}}"#;
    assert!(serde_json::from_str::<BusinessCalendar>(overlap).is_err());
}
