//! Named cases: clock changes, midnight, holidays, year ends, SLA sizes.

use super::*;
use jiff::civil::date;

fn on_sundays(zone: &str, range: TimeRange) -> BusinessCalendar {
    let mut spec = CalendarSpec::new("Night desk", zone);
    spec.hours.sunday.push(range);
    build(spec)
}

#[test]
fn berlin_spring_forward_shortens_an_interval_across_the_gap() {
    let cal = on_sundays("Europe/Berlin", TimeRange::hm(1, 0, 5, 0));
    let (sat, mon) = (
        at("2026-03-28T12:00[Europe/Berlin]"),
        at("2026-03-30T00:00[Europe/Berlin]"),
    );
    assert_eq!(
        cal.business_minutes_between(sat, mon),
        180,
        "02:00 → 03:00 skipped"
    );
    let week_before = at("2026-03-21T12:00[Europe/Berlin]");
    assert_eq!(
        cal.business_minutes_between(week_before, plus(week_before, 2 * 1440)),
        240
    );
    let start = at("2026-03-29T01:00[Europe/Berlin]");
    assert_eq!(
        cal.add_business_minutes(start, 90),
        Some(at("2026-03-29T03:30[Europe/Berlin]"))
    );
    assert!(cal.is_open(at("2026-03-29T03:00[Europe/Berlin]")));
    assert!(!cal.is_open(at("2026-03-29T05:00[Europe/Berlin]")));
}

#[test]
fn berlin_spring_forward_moves_a_start_inside_the_gap_past_it() {
    // 02:30 does not exist on 2026-03-29; compatible: 03:30 CEST.
    let cal = on_sundays("Europe/Berlin", TimeRange::hm(2, 30, 4, 0));
    let sat = at("2026-03-28T12:00[Europe/Berlin]");
    assert_eq!(cal.business_minutes_between(sat, plus(sat, 2 * 1440)), 30);
    assert!(!cal.is_open(at("2026-03-29T03:15[Europe/Berlin]")));
    assert!(cal.is_open(at("2026-03-29T03:45[Europe/Berlin]")));
    assert_eq!(
        cal.next_opening(sat),
        Some(at("2026-03-29T03:30[Europe/Berlin]"))
    );
}

#[test]
fn berlin_fall_back_lengthens_an_interval_and_picks_the_first_occurrence() {
    let cal = on_sundays("Europe/Berlin", TimeRange::hm(1, 0, 5, 0));
    let sat = at("2026-10-24T12:00[Europe/Berlin]");
    assert_eq!(
        cal.business_minutes_between(sat, plus(sat, 2 * 1440)),
        300,
        "02:00–03:00 twice"
    );

    // Ends at 02:30, which happens twice: the first time counts.
    let cal = on_sundays("Europe/Berlin", TimeRange::hm(1, 0, 2, 30));
    assert_eq!(cal.business_minutes_between(sat, plus(sat, 2 * 1440)), 90);
    assert!(cal.is_open(at("2026-10-25T02:15+02:00[Europe/Berlin]")));
    assert!(!cal.is_open(at("2026-10-25T02:15+01:00[Europe/Berlin]")));

    // Starts at 02:30 (first occurrence), ends 03:30 CET: two real hours.
    let cal = on_sundays("Europe/Berlin", TimeRange::hm(2, 30, 3, 30));
    assert_eq!(cal.business_minutes_between(sat, plus(sat, 2 * 1440)), 120);
    assert!(cal.is_open(at("2026-10-25T02:15+01:00[Europe/Berlin]")));
    assert_eq!(
        cal.next_opening(sat),
        Some(at("2026-10-25T02:30+02:00[Europe/Berlin]"))
    );
}

#[test]
fn nuuk_skips_the_hour_before_midnight_and_overlapping_images_count_once() {
    // 2026-03-28 23:00 → 2026-03-29 00:00. Saturday 22:00–23:30 ends in the
    // gap (compatible: 00:30 new time), Sunday 00:00–01:00 starts at the
    // jump: the two overlap in real time and count once.
    let mut spec = CalendarSpec::new("Greenland", "America/Nuuk");
    spec.hours.saturday.push(TimeRange::hm(22, 0, 23, 30));
    spec.hours.sunday.push(TimeRange::hm(0, 0, 1, 0));
    let cal = build(spec);
    let sat = at("2026-03-28T22:00[America/Nuuk]");
    assert_eq!(sat, at("2026-03-29T00:00:00Z"));
    assert_eq!(cal.business_minutes_between(sat, plus(sat, 600)), 120);
    assert_eq!(
        cal.add_business_minutes(sat, 120),
        Some(at("2026-03-29T02:00:00Z"))
    );
    assert_eq!(
        cal.add_business_minutes(sat, 90),
        Some(at("2026-03-29T01:30:00Z"))
    );
    assert!(cal.is_open(at("2026-03-29T01:15:00Z")));
    assert_eq!(
        cal.next_opening(at("2026-03-29T01:15:00Z")),
        Some(at("2026-03-29T01:15:00Z"))
    );
}

#[test]
fn an_interval_inside_a_gap_that_ends_before_it_starts_is_empty() {
    // Santiago skips 00:00–01:00 on 2026-09-06: 00:09 means 01:09, after
    // 01:00, so 00:09–01:00 covers no real time that day.
    let cal = on_sundays("America/Santiago", TimeRange::hm(0, 9, 1, 0));
    let sat = at("2026-09-05T12:00[America/Santiago]");
    assert_eq!(cal.business_minutes_between(sat, plus(sat, 1440)), 0);
    assert_eq!(
        cal.next_opening(sat),
        Some(at("2026-09-13T00:09[America/Santiago]"))
    );
}

#[test]
fn samoa_skipped_a_whole_day() {
    // Pacific/Apia went from 2011-12-29 23:59:59 -10 to 2011-12-31 00:00 +14.
    // Friday the 30th did not happen: its 09:00–17:00 maps, compatibly, onto
    // Saturday's real hours.
    let mut spec = office("Pacific/Apia");
    spec.hours.saturday.push(TimeRange::hm(10, 0, 12, 0));
    let cal = build(spec);
    let thu = at("2011-12-29T12:00[Pacific/Apia]");
    let mon = at("2012-01-02T00:00[Pacific/Apia]");
    assert_eq!(cal.business_minutes_between(thu, mon), 5 * 60 + 8 * 60);
    assert!(cal.is_open(at("2011-12-31T09:30[Pacific/Apia]")));
    assert_eq!(
        cal.add_business_minutes(thu, 5 * 60 + 60),
        Some(at("2011-12-31T10:00[Pacific/Apia]"))
    );
}

#[test]
fn new_york_days_are_23_and_25_hours_long_around_the_clock() {
    let mut spec = CalendarSpec::new("24/7", "America/New_York");
    spec.always_open = true;
    let cal = build(spec);
    let (mar8, mar9) = (
        at("2026-03-08T00:00[America/New_York]"),
        at("2026-03-09T00:00[America/New_York]"),
    );
    assert_eq!(cal.business_minutes_between(mar8, mar9), 23 * 60);
    assert_eq!(cal.add_business_minutes(mar8, 23 * 60), Some(mar9));
    let (nov1, nov2) = (
        at("2026-11-01T00:00[America/New_York]"),
        at("2026-11-02T00:00[America/New_York]"),
    );
    assert_eq!(cal.business_minutes_between(nov1, nov2), 25 * 60);
    assert!(cal.is_open(at("2026-11-01T01:30-05:00[America/New_York]")));
}

#[test]
fn new_york_overnight_shift_across_the_gap_and_a_weekend_of_71_hours() {
    let mut spec = office("America/New_York");
    spec.hours.saturday.push(TimeRange::hm(22, 0, 4, 0));
    let cal = build(spec);
    let sat = at("2026-03-07T22:00[America/New_York]");
    assert_eq!(
        cal.business_minutes_between(sat, plus(sat, 12 * 60)),
        5 * 60
    );
    assert_eq!(
        cal.add_business_minutes(sat, 300),
        Some(at("2026-03-08T04:00[America/New_York]"))
    );

    let office = build(office("America/New_York"));
    let (fri, mon) = (
        at("2026-03-06T09:00[America/New_York]"),
        at("2026-03-09T09:00[America/New_York]"),
    );
    assert_eq!(
        mon.0 - fri.0,
        71 * 3_600_000_000,
        "71 clock hours over the weekend"
    );
    assert_eq!(office.business_minutes_between(fri, mon), 8 * 60);
}

#[test]
fn sydney_clock_changes_in_april_and_october() {
    let cal = on_sundays("Australia/Sydney", TimeRange::hm(0, 0, 6, 0));
    let apr4 = at("2026-04-04T12:00[Australia/Sydney]");
    assert_eq!(
        cal.business_minutes_between(apr4, plus(apr4, 1440)),
        7 * 60,
        "DST ends"
    );
    let oct3 = at("2026-10-03T12:00[Australia/Sydney]");
    assert_eq!(
        cal.business_minutes_between(oct3, plus(oct3, 1440)),
        5 * 60,
        "DST starts"
    );
    assert_eq!(
        cal.add_business_minutes(at("2026-10-04T00:00[Australia/Sydney]"), 150),
        Some(at("2026-10-04T03:30[Australia/Sydney]"))
    );
}

#[test]
fn kolkata_half_hour_offset() {
    let mut spec = CalendarSpec::new("India", "Asia/Kolkata");
    spec.hours = WeeklyHours::default().with(&Weekday::ALL[..5], &[TimeRange::hm(9, 30, 18, 0)]);
    let cal = build(spec);
    let friday = at("2026-06-05T17:00[Asia/Kolkata]");
    let due = cal.add_business_minutes(friday, 120);
    assert_eq!(due, Some(at("2026-06-08T05:00:00Z")), "{}", show(&cal, due));
    assert!(cal.is_open(at("2026-06-08T04:00:00Z")));
    assert!(!cal.is_open(at("2026-06-08T03:59:00Z")));
}

#[test]
fn an_interval_past_midnight_runs_into_the_next_day_unless_it_is_a_holiday() {
    let mut spec = CalendarSpec::new("Late", "Europe/Berlin");
    spec.hours.friday.push(TimeRange::hm(22, 0, 2, 0));
    spec.hours.sunday.push(TimeRange::hm(22, 0, 2, 0));
    let cal = build(spec.clone());
    assert!(cal.is_open(at("2026-06-06T01:00[Europe/Berlin]")));
    assert!(!cal.is_open(at("2026-06-06T02:00[Europe/Berlin]")));
    assert!(
        cal.is_open(at("2026-06-08T01:59[Europe/Berlin]")),
        "Sunday wraps to Monday"
    );
    let (fri, sat) = (
        at("2026-06-05T21:00[Europe/Berlin]"),
        at("2026-06-06T03:00[Europe/Berlin]"),
    );
    assert_eq!(cal.business_minutes_between(fri, sat), 240);

    spec.holidays.push(on("Saturday holiday", date(2026, 6, 6)));
    let cal = build(spec);
    assert_eq!(
        cal.business_minutes_between(fri, sat),
        120,
        "closes at midnight"
    );
    assert!(cal.is_open(at("2026-06-05T23:59[Europe/Berlin]")));
    assert!(!cal.is_open(at("2026-06-06T01:00[Europe/Berlin]")));
}

#[test]
fn an_overnight_interval_that_starts_on_a_holiday_does_not_happen() {
    let mut spec = CalendarSpec::new("Late", "Europe/Berlin");
    spec.hours.friday.push(TimeRange::hm(22, 0, 2, 0));
    spec.holidays.push(on("Friday holiday", date(2026, 6, 5)));
    let cal = build(spec);
    assert!(!cal.is_open(at("2026-06-05T23:00[Europe/Berlin]")));
    assert!(
        !cal.is_open(at("2026-06-06T01:00[Europe/Berlin]")),
        "not even past midnight"
    );
    assert_eq!(
        cal.next_opening(at("2026-06-05T12:00[Europe/Berlin]")),
        Some(at("2026-06-12T22:00[Europe/Berlin]"))
    );
}

#[test]
fn holidays_on_a_weekend_close_nothing_more() {
    let mut spec = office("Europe/Berlin");
    spec.holidays = vec![
        yearly("Christmas Day", 12, 25),
        yearly("Boxing Day", 12, 26),
    ];
    let cal = build(spec);
    let thursday = at("2026-12-24T16:00[Europe/Berlin]");
    assert_eq!(
        cal.add_business_minutes(thursday, 120),
        Some(at("2026-12-28T10:00[Europe/Berlin]"))
    );
    assert!(
        cal.is_open(at("2026-12-28T09:00[Europe/Berlin]")),
        "no observed day"
    );
}

#[test]
fn february_29_closes_only_in_leap_years() {
    let mut spec = office("Europe/Berlin");
    spec.holidays.push(yearly("Leap Day", 2, 29));
    let cal = build(spec);
    assert!(!cal.is_open(at("2028-02-29T10:00[Europe/Berlin]")));
    assert!(cal.is_open(at("2028-02-28T10:00[Europe/Berlin]")));
    assert!(cal.is_open(at("2027-03-01T10:00[Europe/Berlin]")));
    assert!(
        cal.upcoming_closures(at("2027-01-01T00:00[Europe/Berlin]"), 365)
            .is_empty()
    );
    let leap = cal.upcoming_closures(at("2028-01-01T00:00[Europe/Berlin]"), 366);
    assert_eq!(leap.len(), 1);
    assert_eq!(leap[0].start.date(), date(2028, 2, 29));
}

#[test]
fn year_end_holidays_carry_a_target_into_the_new_year() {
    let mut spec = office("Europe/Berlin");
    spec.holidays = [(12, 24), (12, 25), (12, 26), (12, 31), (1, 1)]
        .iter()
        .map(|&(m, d)| yearly("Holiday", m, d))
        .collect();
    let cal = build(spec);
    let start = at("2026-12-23T16:00[Europe/Berlin]");
    let due = cal.add_business_minutes(start, 1560);
    assert_eq!(
        due,
        Some(at("2027-01-04T10:00[Europe/Berlin]")),
        "{}",
        show(&cal, due)
    );
    assert_eq!(
        due.map(|d| cal.business_minutes_between(start, d)),
        Some(1560)
    );
}

#[test]
fn a_48_hour_target_is_48_business_hours_not_two_days() {
    let cal = build(office("Europe/Berlin"));
    let created = at("2026-06-05T16:00[Europe/Berlin]");
    let clock = plus(created, 48 * 60);
    assert_eq!(
        clock,
        at("2026-06-07T16:00[Europe/Berlin]"),
        "48 clock hours: Sunday"
    );
    let business = cal.add_business_minutes(created, 48 * 60);
    assert_eq!(
        business,
        Some(at("2026-06-15T16:00[Europe/Berlin]")),
        "six 8-hour days"
    );
    let two_days = cal.add_business_minutes(created, 2 * 8 * 60);
    assert_eq!(two_days, Some(at("2026-06-09T16:00[Europe/Berlin]")));
    assert_eq!(cal.business_minutes_between(created, clock), 60);
}

#[test]
fn a_holiday_before_a_weekend_and_after_it() {
    let mut spec = office("Europe/Berlin");
    spec.holidays = vec![
        on("Good Friday", date(2026, 4, 3)),
        on("Easter Monday", date(2026, 4, 6)),
    ];
    let cal = build(spec);
    let thursday = at("2026-04-02T16:30[Europe/Berlin]");
    assert_eq!(
        cal.add_business_minutes(thursday, 60),
        Some(at("2026-04-07T09:30[Europe/Berlin]"))
    );
    assert_eq!(
        cal.next_opening(at("2026-04-02T17:00[Europe/Berlin]")),
        Some(at("2026-04-07T09:00[Europe/Berlin]"))
    );
}

#[test]
fn nth_weekday_rules() {
    let mut spec = office("America/New_York");
    let rule = |month, weekday, nth| HolidayRule::NthWeekday {
        month,
        weekday,
        nth,
    };
    spec.holidays = [
        rule(5, Weekday::Monday, Nth::Last),
        rule(9, Weekday::Monday, Nth::First),
        rule(11, Weekday::Thursday, Nth::Fourth),
        rule(1, Weekday::Friday, Nth::Fifth),
        rule(2, Weekday::Friday, Nth::Fifth),
    ]
    .into_iter()
    .map(|rule| Holiday {
        name: "Rule".into(),
        rule,
    })
    .collect();
    let cal = build(spec);
    let open = |d: &str| cal.is_open(at(&format!("{d}T10:00[America/New_York]")));
    for closed in ["2026-05-25", "2026-09-07", "2026-11-26", "2026-01-30"] {
        assert!(!open(closed), "{closed}");
    }
    for open_day in [
        "2026-05-18",
        "2026-09-14",
        "2026-11-19",
        "2026-01-23",
        "2026-02-27",
    ] {
        assert!(open(open_day), "{open_day}");
    }
}

#[test]
fn next_opening_and_zero_or_negative_minutes() {
    let cal = build(office("Europe/Berlin"));
    let saturday = at("2026-06-06T10:00[Europe/Berlin]");
    let monday = at("2026-06-08T09:00[Europe/Berlin]");
    assert_eq!(cal.next_opening(saturday), Some(monday));
    assert_eq!(cal.next_opening(monday), Some(monday));
    assert_eq!(cal.add_business_minutes(saturday, 0), Some(monday));
    assert_eq!(cal.add_business_minutes(monday, 0), Some(monday));
    assert_eq!(cal.add_business_minutes(monday, -1), None);
    assert_eq!(
        cal.add_business_minutes(monday, 480),
        Some(at("2026-06-08T17:00[Europe/Berlin]"))
    );

    let never = build(CalendarSpec::new("Never", "Europe/Berlin"));
    assert_eq!(never.next_opening(saturday), None);
    assert_eq!(never.add_business_minutes(saturday, 1), None);
    assert_eq!(
        never.business_minutes_between(saturday, plus(saturday, 1_000_000)),
        0
    );

    let mut spec = office("Europe/Berlin");
    spec.closures.push(ClosedPeriod {
        reason: "Gone fishing".into(),
        span: ClosedSpan::Days {
            first: date(2026, 6, 1),
            last: date(2037, 6, 1),
        },
    });
    let gone = build(spec);
    assert_eq!(
        gone.next_opening(saturday),
        None,
        "beyond the ten-year horizon"
    );

    let mut spec = CalendarSpec::new("24/7", "Europe/Berlin");
    spec.always_open = true;
    assert_eq!(build(spec).next_opening(saturday), Some(saturday));
}

#[test]
fn starts_between_minutes_keep_their_seconds() {
    let cal = build(office("Europe/Berlin"));
    let t = at("2026-06-08T09:00:30[Europe/Berlin]");
    assert_eq!(
        cal.add_business_minutes(t, 1),
        Some(at("2026-06-08T09:01:30[Europe/Berlin]"))
    );
    assert_eq!(
        cal.business_minutes_between(t, at("2026-06-08T09:01:29[Europe/Berlin]")),
        0
    );
    assert_eq!(
        cal.business_minutes_between(t, at("2026-06-08T09:01:30[Europe/Berlin]")),
        1
    );
    assert_eq!(
        cal.business_micros_between(t, at("2026-06-08T09:01:29[Europe/Berlin]")),
        59_000_000
    );
}

#[test]
fn part_of_a_day_closed_with_a_reason() {
    let mut spec = office("Europe/Berlin");
    spec.closures.push(ClosedPeriod {
        reason: "Team meeting".into(),
        span: ClosedSpan::Period {
            start: date(2026, 6, 10).at(12, 0, 0, 0),
            end: date(2026, 6, 10).at(14, 0, 0, 0),
        },
    });
    let cal = build(spec);
    let wed = at("2026-06-10T00:00[Europe/Berlin]");
    assert_eq!(cal.business_minutes_between(wed, plus(wed, 1440)), 360);
    assert!(!cal.is_open(at("2026-06-10T13:00[Europe/Berlin]")));
    assert_eq!(
        cal.add_business_minutes(at("2026-06-10T11:30[Europe/Berlin]"), 60),
        Some(at("2026-06-10T14:30[Europe/Berlin]"))
    );
}

#[test]
fn upcoming_closures_in_order_with_reasons() {
    let mut spec = office("Europe/Berlin");
    spec.holidays = vec![
        yearly("Christmas Day", 12, 25),
        yearly("Boxing Day", 12, 26),
    ];
    let period = |d: i8, h1: i8, h2: i8| ClosedSpan::Period {
        start: date(2026, 12, d).at(h1, 0, 0, 0),
        end: date(2026, 12, d).at(h2, 0, 0, 0),
    };
    spec.closures = vec![
        ClosedPeriod {
            reason: "Inventory".into(),
            span: ClosedSpan::Days {
                first: date(2026, 12, 28),
                last: date(2026, 12, 30),
            },
        },
        ClosedPeriod {
            reason: "Party".into(),
            span: period(22, 12, 13),
        },
        ClosedPeriod {
            reason: "Over already".into(),
            span: period(22, 9, 10),
        },
    ];
    let cal = build(spec);
    let list = cal.upcoming_closures(at("2026-12-22T12:30[Europe/Berlin]"), 10);
    let summary: Vec<(ClosureKind, &str, String)> = list
        .iter()
        .map(|c| (c.kind, c.reason.as_str(), c.start.to_string()))
        .collect();
    assert_eq!(
        summary,
        vec![
            (ClosureKind::Closure, "Party", "2026-12-22T12:00:00".into()),
            (
                ClosureKind::Holiday,
                "Christmas Day",
                "2026-12-25T00:00:00".into()
            ),
            (
                ClosureKind::Holiday,
                "Boxing Day",
                "2026-12-26T00:00:00".into()
            ),
            (
                ClosureKind::Closure,
                "Inventory",
                "2026-12-28T00:00:00".into()
            ),
        ]
    );
    assert_eq!(list[3].end.to_string(), "2026-12-31T00:00:00");
    assert_eq!(list[1].ends_at, at("2026-12-26T00:00[Europe/Berlin]"));
}

#[test]
fn week_hours_for_display() {
    let mut spec = office("Europe/Berlin");
    spec.hours.friday.insert(0, TimeRange::hm(20, 0, 1, 0));
    let cal = build(spec);
    let week = cal.week_hours();
    assert_eq!(week.len(), 7);
    assert_eq!(week[0].weekday, Weekday::Monday);
    assert_eq!(
        week[4].intervals,
        vec![TimeRange::hm(9, 0, 17, 0), TimeRange::hm(20, 0, 1, 0)]
    );
    assert!(week[4].intervals[1].ends_next_day());
    assert_eq!(week[4].intervals[1].to_string(), "20:00-01:00 (+1 day)");
    assert!(week[6].intervals.is_empty());
}

#[test]
fn far_future_dates_use_jiff_directly() {
    let mut spec = CalendarSpec::new("24/7", "Europe/Berlin");
    spec.always_open = true;
    let cal = build(spec);
    let (mar1, apr1) = (
        at("2300-03-01T00:00[Europe/Berlin]"),
        at("2300-04-01T00:00[Europe/Berlin]"),
    );
    assert_eq!(cal.business_minutes_between(mar1, apr1), 31 * 1440 - 60);
    let office = build(office("Europe/Berlin"));
    assert!(
        office.is_open(at("2300-06-01T10:00[Europe/Berlin]")),
        "a Friday"
    );
    assert!(!office.is_open(Timestamp(i64::MAX)));
    assert_eq!(office.next_opening(Timestamp(i64::MAX)), None);
    assert_eq!(
        office.next_opening(Timestamp(i64::MIN)),
        Some(at("0001-01-01T09:00[Europe/Berlin]"))
    );
}

#[test]
fn open_spans_on_a_date_are_its_intervals_less_holidays_and_closures() {
    let mut spec = office("Europe/Berlin");
    spec.hours.friday = vec![TimeRange::hm(9, 0, 12, 0), TimeRange::hm(22, 0, 2, 0)];
    spec.holidays.push(on("Day off", date(2026, 12, 8)));
    spec.closures.push(ClosedPeriod {
        reason: "Team lunch".into(),
        span: ClosedSpan::Period {
            start: date(2026, 12, 9).at(12, 0, 0, 0),
            end: date(2026, 12, 9).at(13, 0, 0, 0),
        },
    });
    let cal = build(spec);
    assert!(cal.open_spans_on(date(2026, 12, 8)).is_empty(), "holiday");
    assert!(cal.open_spans_on(date(2026, 12, 12)).is_empty(), "Saturday");
    assert_eq!(
        cal.open_spans_on(date(2026, 12, 9)),
        vec![
            (
                at("2026-12-09T09:00[Europe/Berlin]"),
                at("2026-12-09T12:00[Europe/Berlin]")
            ),
            (
                at("2026-12-09T13:00[Europe/Berlin]"),
                at("2026-12-09T17:00[Europe/Berlin]")
            ),
        ]
    );
    let friday = cal.open_spans_on(date(2026, 12, 11));
    assert_eq!(
        friday.last().copied(),
        Some((
            at("2026-12-11T22:00[Europe/Berlin]"),
            at("2026-12-12T02:00[Europe/Berlin]")
        )),
        "an interval past midnight belongs to the day it starts on"
    );
}
