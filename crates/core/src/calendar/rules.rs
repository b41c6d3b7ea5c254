//! The compiled form of a calendar's week and holidays: per-weekday pieces
//! in local microseconds and a holiday index on day numbers.

use super::civil::{self, DAY};
use super::spec::{CalendarSpec, HolidayRule, Nth, TimeRange, Weekday};

/// A holiday rule that depends on the month, checked only in that month.
#[derive(Debug, Clone, Copy)]
enum MonthRule {
    /// This day of the month.
    Day(i64),
    /// The nth weekday (Monday = 0) of the month.
    Nth { weekday: usize, nth: Nth },
}

/// What the arithmetic needs to know about a calendar, besides its zone.
#[derive(Debug, Clone)]
pub(crate) struct Rules {
    /// The intervals that start on each weekday (Monday first), as
    /// microseconds after that day's midnight, sorted, touching ones merged;
    /// one past midnight ends after one day.
    week: [Vec<(i64, i64)>; 7],
    /// Where each weekday's first interval starts (a day if it has none).
    first_start: [i64; 7],
    /// Day numbers of single-date holidays, sorted and deduplicated.
    dates: Vec<i64>,
    /// Yearly and nth-weekday rules by month (January first).
    by_month: [Vec<MonthRule>; 12],
}

impl Rules {
    /// Compiles a validated spec.
    pub(crate) fn new(spec: &CalendarSpec) -> Self {
        let week: [Vec<(i64, i64)>; 7] = std::array::from_fn(|i| {
            if spec.always_open {
                return vec![(0, DAY)];
            }
            let day = Weekday::from_index(i);
            merge(spec.hours.day(day).iter().map(TimeRange::micros).collect())
        });
        let first_start = std::array::from_fn(|i| week[i].first().map_or(DAY, |&(s, _)| s));
        let mut dates = Vec::new();
        let mut by_month: [Vec<MonthRule>; 12] = Default::default();
        for holiday in &spec.holidays {
            match holiday.rule {
                HolidayRule::Date { date } => dates.push(civil::day_of(date)),
                HolidayRule::Yearly { month, day } => {
                    if let Some(rules) = month_slot(&mut by_month, month) {
                        rules.push(MonthRule::Day(i64::from(day)));
                    }
                }
                HolidayRule::NthWeekday {
                    month,
                    weekday,
                    nth,
                } => {
                    if let Some(rules) = month_slot(&mut by_month, month) {
                        rules.push(MonthRule::Nth {
                            weekday: weekday.index(),
                            nth,
                        });
                    }
                }
            }
        }
        dates.sort_unstable();
        dates.dedup();
        Self {
            week,
            first_start,
            dates,
            by_month,
        }
    }

    /// Whether no weekday has any opening time (the calendar never opens).
    pub(crate) fn never_open(&self) -> bool {
        self.week.iter().all(Vec::is_empty)
    }

    /// Whether a civil day (day number) is a holiday.
    pub(crate) fn is_holiday(&self, day: i64) -> bool {
        if self.dates.binary_search(&day).is_ok() {
            return true;
        }
        let (year, month, dom) = civil::civil_from_days(day);
        let Some(rules) = usize::try_from(month - 1)
            .ok()
            .and_then(|m| self.by_month.get(m))
        else {
            return false;
        };
        rules.iter().any(|rule| match *rule {
            MonthRule::Day(d) => d == dom,
            MonthRule::Nth { weekday, nth } => {
                civil::weekday_index(day) == weekday
                    && match nth {
                        Nth::Last => dom + 7 > civil::days_in_month(year, month),
                        n => (dom - 1) / 7 + 1 == i64::from(n.ordinal()),
                    }
            }
        })
    }

    /// Calls `visit(start, end)` with the local microseconds of each
    /// interval that starts on a civil day, in order; at most
    /// [`MAX_INTERVALS_PER_DAY`] of them. A holiday cancels the intervals
    /// that start on it (their part past midnight too) and cuts the previous
    /// day's at midnight. Closures are not applied here.
    ///
    /// [`MAX_INTERVALS_PER_DAY`]: super::MAX_INTERVALS_PER_DAY
    pub(crate) fn for_each_piece(&self, day: i64, mut visit: impl FnMut(i64, i64)) {
        if !(civil::MIN_DAY..=civil::MAX_DAY).contains(&day) {
            return;
        }
        let own = &self.week[civil::weekday_index(day)];
        if own.is_empty() || self.is_holiday(day) {
            return;
        }
        let base = day * DAY;
        for &(s, e) in own {
            let e = if e > DAY && self.is_holiday(day + 1) {
                DAY
            } else {
                e
            };
            visit(base + s, base + e);
        }
    }

    /// Whether an interval that starts on `day`'s weekday runs past midnight.
    pub(crate) fn runs_past_midnight(&self, day: i64) -> bool {
        self.week[civil::weekday_index(day)]
            .last()
            .is_some_and(|&(_, e)| e > DAY)
    }

    /// Local microseconds before which no interval of a day after `day`
    /// starts.
    pub(crate) fn later_days_start(&self, day: i64) -> i64 {
        (day + 1) * DAY + self.first_start[civil::weekday_index(day + 1)]
    }
}

fn month_slot(by_month: &mut [Vec<MonthRule>; 12], month: i8) -> Option<&mut Vec<MonthRule>> {
    usize::try_from(month)
        .ok()
        .and_then(|m| m.checked_sub(1))
        .and_then(|m| by_month.get_mut(m))
}

/// Sorts ranges and merges those that overlap or touch.
pub(crate) fn merge(mut ranges: Vec<(i64, i64)>) -> Vec<(i64, i64)> {
    ranges.retain(|&(s, e)| s < e);
    ranges.sort_unstable();
    let mut out: Vec<(i64, i64)> = Vec::with_capacity(ranges.len());
    for (s, e) in ranges {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_joins_touching_and_overlapping() {
        assert_eq!(
            merge(vec![(5, 7), (0, 2), (2, 3), (6, 9), (10, 10)]),
            vec![(0, 3), (5, 9)]
        );
    }
}
