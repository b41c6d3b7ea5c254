//! A slow, independent reading of the semantics straight from the spec with
//! jiff, to check the compiled calendar against.

use super::*;
use jiff::ToSpan;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;

/// The spec and its zone, nothing precomputed.
pub(super) struct Oracle {
    spec: CalendarSpec,
    tz: TimeZone,
}

fn jiff_weekday(day: Weekday) -> jiff::civil::Weekday {
    use jiff::civil::Weekday as J;
    [
        J::Monday,
        J::Tuesday,
        J::Wednesday,
        J::Thursday,
        J::Friday,
        J::Saturday,
        J::Sunday,
    ][day.index()]
}

fn weekday_of(date: Date) -> Weekday {
    Weekday::from_index(date.weekday().to_monday_zero_offset() as usize)
}

fn shift(date: Date, days: i64) -> Date {
    date.checked_add(days.days())
        .unwrap_or_else(|e| panic!("{date} + {days}: {e}"))
}

impl Oracle {
    /// An oracle for a spec whose zone exists.
    pub(super) fn new(spec: &CalendarSpec) -> Self {
        let tz = TimeZone::get(&spec.time_zone).unwrap_or_else(|e| panic!("{e}"));
        Self {
            spec: spec.clone(),
            tz,
        }
    }

    fn is_holiday(&self, date: Date) -> bool {
        self.spec.holidays.iter().any(|h| match h.rule {
            HolidayRule::Date { date: d } => d == date,
            HolidayRule::Yearly { month, day } => date.month() == month && date.day() == day,
            HolidayRule::NthWeekday {
                month,
                weekday,
                nth,
            } => {
                date.month() == month
                    && date
                        .nth_weekday_of_month(nth.ordinal(), jiff_weekday(weekday))
                        .is_ok_and(|d| d == date)
            }
        })
    }

    fn instant(&self, dt: DateTime) -> i64 {
        self.tz
            .to_ambiguous_timestamp(dt)
            .compatible()
            .unwrap_or_else(|e| panic!("{dt}: {e}"))
            .as_microsecond()
    }

    fn is_closed(&self, t: i64) -> bool {
        self.spec.closures.iter().any(|c| {
            let (start, end) = match c.span {
                ClosedSpan::Days { first, last } => (
                    first.to_datetime(Time::MIN),
                    shift(last, 1).to_datetime(Time::MIN),
                ),
                ClosedSpan::Period { start, end } => (start, end),
            };
            self.instant(start) <= t && t < self.instant(end)
        })
    }

    /// Whether the desk is open at `at`, read from the spec.
    pub(super) fn is_open(&self, at: Timestamp) -> bool {
        let t = at.0;
        let today = self.tz.to_datetime(at.to_jiff()).date();
        let all_day = [TimeRange::hm(0, 0, 0, 0)];
        for offset in -2..=1 {
            let day = shift(today, offset);
            let next = shift(day, 1);
            if self.is_holiday(day) {
                continue;
            }
            let ranges = if self.spec.always_open {
                &all_day[..]
            } else {
                self.spec.hours.day(weekday_of(day))
            };
            for range in ranges {
                let start = day.to_datetime(range.start);
                let end = match (range.ends_next_day(), self.is_holiday(next)) {
                    (false, _) => day.to_datetime(range.end),
                    (true, false) => next.to_datetime(range.end),
                    (true, true) => next.to_datetime(Time::MIN),
                };
                if self.instant(start) <= t && t < self.instant(end) && !self.is_closed(t) {
                    return true;
                }
            }
        }
        false
    }
}
