//! Property tests on random calendars near each zone's clock changes,
//! against a minute-by-minute oracle.

use super::oracle::Oracle;
use super::*;
use jiff::ToSpan;
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use proptest::prelude::*;

const ZONES: &[&str] = &[
    "Europe/Berlin",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "America/Santiago",
    "Pacific/Chatham",
    "Europe/London",
    "America/Nuuk",
    "UTC",
];

/// Minutes stepped by the oracle (ten days).
const HORIZON: i64 = 10 * 1440;

/// The random choices a calendar and a start are built from.
#[derive(Debug, Clone)]
struct Recipe {
    zone: usize,
    transition: usize,
    always_open: bool,
    /// (weekday, start minute, length in minutes)
    ranges: Vec<(usize, i64, i64)>,
    /// (kind, days from the anchor, weekday, nth)
    holidays: Vec<(u8, i64, usize, usize)>,
    /// (whole days, days from the anchor, start minute, length in minutes)
    closures: Vec<(bool, i64, i64, i64)>,
    /// Minutes from the anchor instant.
    start: i64,
    /// Business minutes to add.
    sizes: Vec<i64>,
}

fn recipe() -> impl Strategy<Value = Recipe> {
    let start_minute = prop_oneof![0..1440i64, 30..240i64, (0..96i64).prop_map(|q| q * 15)];
    (
        0..ZONES.len(),
        0..2usize,
        prop::bool::weighted(0.08),
        prop::collection::vec((0..7usize, start_minute, 1..1440i64), 0..9),
        prop::collection::vec((0..3u8, -12..16i64, 0..7usize, 0..6usize), 0..5),
        prop::collection::vec((any::<bool>(), -6..14i64, 0..1440i64, 1..3000i64), 0..3),
        -4 * 1440..4 * 1440i64,
        prop::collection::vec(0..4000i64, 1..4),
    )
        .prop_map(
            |(zone, transition, always_open, ranges, holidays, closures, start, sizes)| Recipe {
                zone,
                transition,
                always_open,
                ranges,
                holidays,
                closures,
                start,
                sizes,
            },
        )
}

fn time_of(minute: i64) -> Time {
    let m = minute.rem_euclid(1440);
    Time::new((m / 60) as i8, (m % 60) as i8, 0, 0).unwrap_or(Time::MIN)
}

fn shift(date: Date, days: i64) -> Date {
    date.checked_add(days.days()).unwrap_or(date)
}

/// The anchor instant: one of the zone's 2026 clock changes (or a fixed day).
fn anchor(tz: &TimeZone, which: usize) -> (Timestamp, Date) {
    let from = jiff::civil::date(2026, 1, 1)
        .to_zoned(tz.clone())
        .map(|z| z.timestamp());
    let change = from
        .ok()
        .and_then(|from| tz.following(from).nth(which))
        .map(|t| t.timestamp());
    let instant = change.unwrap_or_else(|| at("2026-03-29T01:00:00Z").to_jiff());
    (
        Timestamp(instant.as_microsecond()),
        tz.to_datetime(instant).date(),
    )
}

/// Builds a valid spec (overlapping intervals are dropped) and the start.
fn build_recipe(r: &Recipe) -> (CalendarSpec, Timestamp) {
    let zone = ZONES[r.zone];
    let tz = TimeZone::get(zone).unwrap_or_else(|e| panic!("{zone}: {e}"));
    let (instant, day) = anchor(&tz, r.transition);
    let mut spec = CalendarSpec::new("Random", zone);
    spec.always_open = r.always_open;
    for &(weekday, start, length) in &r.ranges {
        let range = TimeRange::new(time_of(start), time_of(start + length));
        let day = Weekday::from_index(weekday);
        spec.hours.day_mut(day).push(range);
        if spec.validate().is_err() {
            spec.hours.day_mut(day).pop();
        }
    }
    let nths = [
        Nth::First,
        Nth::Second,
        Nth::Third,
        Nth::Fourth,
        Nth::Fifth,
        Nth::Last,
    ];
    for &(kind, offset, weekday, nth) in &r.holidays {
        let date = shift(day, offset);
        let rule = match kind {
            0 => HolidayRule::Date { date },
            1 => HolidayRule::Yearly {
                month: date.month(),
                day: date.day(),
            },
            _ => HolidayRule::NthWeekday {
                month: date.month(),
                weekday: Weekday::from_index(weekday),
                nth: nths[nth],
            },
        };
        spec.holidays.push(Holiday {
            name: format!("Holiday {kind}"),
            rule,
        });
    }
    for &(whole, offset, start, length) in &r.closures {
        let first = shift(day, offset);
        let span = if whole {
            ClosedSpan::Days {
                first,
                last: shift(first, length / 1440 % 3),
            }
        } else {
            let start = first.to_datetime(Time::MIN) + (start * 60).seconds();
            ClosedSpan::Period {
                start,
                end: start + (length * 60).seconds(),
            }
        };
        spec.closures.push(ClosedPeriod {
            reason: "Closed; really, closed\n".into(),
            span,
        });
    }
    (spec, plus(instant, r.start))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn arithmetic_agrees_with_a_minute_by_minute_oracle(r in recipe()) {
        let (spec, t0) = build_recipe(&r);
        let cal = BusinessCalendar::new(spec.clone()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let oracle = Oracle::new(&spec);
        let open: Vec<bool> = (0..HORIZON).map(|i| cal.is_open(plus(t0, i))).collect();
        for i in (0..HORIZON).filter(|i| *i < 3 * 1440 || i % 11 == 0) {
            let t = plus(t0, i);
            prop_assert_eq!(open[i as usize], oracle.is_open(t), "is_open at {}", show(&cal, Some(t)));
        }
        // counted[i]: open minutes in [t0, t0 + i).
        let mut counted = vec![0i64];
        for &o in &open {
            counted.push(counted[counted.len() - 1] + i64::from(o));
        }
        let beyond = |got: Option<Timestamp>| got.is_none_or(|g| g >= plus(t0, HORIZON));

        let first = open.iter().position(|&o| o).map(|i| plus(t0, i as i64));
        match first {
            Some(f) => prop_assert_eq!(cal.next_opening(t0), Some(f)),
            None => prop_assert!(beyond(cal.next_opening(t0))),
        }
        for &n in &r.sizes {
            let got = cal.add_business_minutes(t0, n);
            let expected = if n == 0 {
                first
            } else {
                counted.iter().position(|&c| c == n).map(|i| plus(t0, i as i64))
            };
            match expected {
                Some(e) => prop_assert_eq!(got, Some(e), "add {} got {} want {}", n, show(&cal, got), show(&cal, Some(e))),
                None => prop_assert!(beyond(got), "add {} got {}", n, show(&cal, got)),
            }
            if let Some(end) = got {
                prop_assert_eq!(cal.business_minutes_between(t0, end), n);
            }
            let k = (n * 7).min(HORIZON);
            prop_assert_eq!(cal.business_minutes_between(t0, plus(t0, k)), counted[k as usize]);
        }
    }

    #[test]
    fn long_spans_from_the_span_table_equal_the_day_walk(
        r in recipe(),
        spans in prop::collection::vec((-800..800i64, 15..900i64, 0..86_400_000_000i64), 1..6),
    ) {
        let (spec, t0) = build_recipe(&r);
        let cal = BusinessCalendar::new(spec).map_err(|e| TestCaseError::fail(e.to_string()))?;
        const DAY: i64 = 86_400_000_000;
        for (from_day, days, micros) in spans {
            // Spans of weeks to years, some reaching outside the table's
            // window (built around the first), all at odd microseconds.
            let a = t0.0 + from_day * DAY + micros;
            let b = a + days * DAY + micros / 3;
            let table = cal.business_micros_between(Timestamp(a), Timestamp(b));
            prop_assert_eq!(table, cal.walk_between(a, b), "from {} for {} days", from_day, days);
        }
    }

    #[test]
    fn random_calendars_round_trip_through_json_and_ical(r in recipe()) {
        let (spec, _) = build_recipe(&r);
        let cal = BusinessCalendar::new(spec).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let json = serde_json::to_string(&cal).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back: BusinessCalendar = serde_json::from_str(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&back, &cal);
        let feed = cal.to_ical(at("2026-01-01T00:00:00Z"));
        let read = BusinessCalendar::from_ical(&feed, "UTC").map_err(|e| TestCaseError::fail(format!("{e}\n{feed}")))?;
        prop_assert_eq!(read.spec(), cal.spec());
    }
}
