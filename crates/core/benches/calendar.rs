//! Business-time arithmetic speed: `add_business_minutes` on a calendar with
//! two intervals a weekday and 20 holidays, from random starts over a year,
//! for random sizes up to three business days.
//!
//! Run with `cargo bench -p rapport-core --bench calendar`.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rapport_core::calendar::{
    BusinessCalendar, CalendarSpec, Holiday, HolidayRule, Nth, TimeRange, Weekday, WeeklyHours,
};
use rapport_core::time::Timestamp;
use std::hint::black_box;
use std::time::Duration;

/// Calls per measured batch.
const BATCH: usize = 4_096;
/// Business minutes in one business day of the calendar below.
const BUSINESS_DAY: u64 = 8 * 60;

/// SplitMix64: deterministic inputs without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

fn holiday(name: &str, rule: HolidayRule) -> Holiday {
    Holiday {
        name: name.into(),
        rule,
    }
}

fn date(y: i16, m: i8, d: i8) -> HolidayRule {
    HolidayRule::Date {
        date: jiff::civil::date(y, m, d),
    }
}

/// Mon–Fri 09:00–12:30 and 13:30–18:00 in Berlin, 20 holidays.
fn calendar() -> BusinessCalendar {
    let weekdays = &Weekday::ALL[..5];
    let mut spec = CalendarSpec::new("Support EU", "Europe/Berlin");
    spec.hours = WeeklyHours::default().with(
        weekdays,
        &[TimeRange::hm(9, 0, 12, 30), TimeRange::hm(13, 30, 18, 0)],
    );
    let yearly = |month, day| HolidayRule::Yearly { month, day };
    let nth = |month, weekday, nth| HolidayRule::NthWeekday {
        month,
        weekday,
        nth,
    };
    spec.holidays = vec![
        holiday("New Year", yearly(1, 1)),
        holiday("Epiphany", yearly(1, 6)),
        holiday("Women's Day", yearly(3, 8)),
        holiday("Good Friday", date(2026, 4, 3)),
        holiday("Easter Monday", date(2026, 4, 6)),
        holiday("Labour Day", yearly(5, 1)),
        holiday("Ascension", date(2026, 5, 14)),
        holiday("Whit Monday", date(2026, 5, 25)),
        holiday("Corpus Christi", date(2026, 6, 4)),
        holiday("Spring bank holiday", nth(5, Weekday::Monday, Nth::Last)),
        holiday("Assumption", yearly(8, 15)),
        holiday("Labor Day (US)", nth(9, Weekday::Monday, Nth::First)),
        holiday("Unity Day", yearly(10, 3)),
        holiday("Reformation Day", yearly(10, 31)),
        holiday("All Saints", yearly(11, 1)),
        holiday("Thanksgiving", nth(11, Weekday::Thursday, Nth::Fourth)),
        holiday("Christmas Eve", yearly(12, 24)),
        holiday("Christmas Day", yearly(12, 25)),
        holiday("Boxing Day", yearly(12, 26)),
        holiday("New Year's Eve", yearly(12, 31)),
    ];
    match BusinessCalendar::new(spec) {
        Ok(calendar) => calendar,
        Err(e) => panic!("the bench calendar is valid: {e}"),
    }
}

/// Random starts over 2026 (any microsecond) and sizes of 0–3 business days.
fn inputs() -> Vec<(Timestamp, i64)> {
    let mut rng = Rng(42);
    let year_start = 1_767_225_600_000_000_i64; // 2026-01-01T00:00:00Z
    let year = 365 * 86_400_000_000_u64;
    (0..BATCH)
        .map(|_| {
            let offset = i64::try_from(rng.next() % year).unwrap_or(0);
            let minutes = i64::try_from(rng.next() % (3 * BUSINESS_DAY + 1)).unwrap_or(0);
            (Timestamp(year_start + offset), minutes)
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let calendar = calendar();
    let inputs = inputs();
    let mut group = c.benchmark_group("calendar");
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .sample_size(40);
    group.throughput(Throughput::Elements(BATCH as u64));
    group.bench_function(BenchmarkId::new("add_business_minutes", BATCH), |b| {
        b.iter(|| {
            for &(start, minutes) in &inputs {
                black_box(calendar.add_business_minutes(black_box(start), black_box(minutes)));
            }
        });
    });
    group.bench_function(BenchmarkId::new("business_minutes_between", BATCH), |b| {
        let ends: Vec<_> = inputs
            .iter()
            .map(|&(start, minutes)| (start, start.plus_seconds(minutes * 120)))
            .collect();
        b.iter(|| {
            for &(from, to) in &ends {
                black_box(calendar.business_minutes_between(black_box(from), black_box(to)));
            }
        });
    });
    group.finish();
    c.bench_function("calendar/new (compile)", |b| {
        let spec = calendar.spec().clone();
        b.iter(|| black_box(BusinessCalendar::new(black_box(spec.clone()))));
    });
}

/// The generated group function has no doc comment of its own.
mod group {
    #![allow(missing_docs)]
    use super::*;
    criterion_group!(benches, bench);
}

criterion_main!(group::benches);
