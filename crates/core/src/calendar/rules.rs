//! The compiled form of a calendar: per-weekday templates, a holiday index
//! and merged closures, all in local microseconds.

use super::civil::{self, DAY};
use super::spec::{CalendarSpec, HolidayRule, Nth};
use super::validate::Piece;
use std::ops::ControlFlow;

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
    /// Open pieces of the intervals that start on each weekday (Monday
    /// first), as microseconds after midnight, sorted, touching ones merged.
    week: [Vec<(i64, i64)>; 7],
    /// Where the part past midnight of the previous weekday's interval ends
    /// on each weekday (it starts at midnight); validation allows one.
    carried: [Option<i64>; 7],
    /// Day numbers of single-date holidays, sorted and deduplicated.
    dates: Vec<i64>,
    /// Yearly and nth-weekday rules by month (January first).
    by_month: [Vec<MonthRule>; 12],
    /// Closures as local microseconds `[start, end)`, sorted and merged.
    closures: Vec<(i64, i64)>,
}

impl Rules {
    /// Compiles a validated spec and its expanded week.
    pub(crate) fn new(spec: &CalendarSpec, week: &[Vec<Piece>; 7]) -> Self {
        let own: [Vec<(i64, i64)>; 7] = std::array::from_fn(|i| {
            if spec.always_open {
                return vec![(0, DAY)];
            }
            merge(
                week[i]
                    .iter()
                    .filter(|p| !p.carried)
                    .map(|p| (p.start, p.end))
                    .collect(),
            )
        });
        let carried: [Option<i64>; 7] = std::array::from_fn(|i| {
            week[i]
                .iter()
                .filter(|p| p.carried && !spec.always_open)
                .map(|p| p.end)
                .max()
        });
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
        let closures = merge(spec.closures.iter().map(|c| c.span.local_range()).collect());
        Self {
            week: own,
            carried,
            dates,
            by_month,
            closures,
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

    /// Calls `visit` with each open span `[start, end)` of a civil day, in
    /// local microseconds and in order. An interval belongs to the day it
    /// starts on: a holiday cancels the intervals that start on it (their
    /// part past midnight too) and cuts the previous day's at midnight.
    /// Closures are cut out.
    pub(crate) fn for_each_local_span<B>(
        &self,
        day: i64,
        mut visit: impl FnMut(i64, i64) -> ControlFlow<B>,
    ) -> ControlFlow<B> {
        if !(civil::MIN_DAY..=civil::MAX_DAY).contains(&day) {
            return ControlFlow::Continue(());
        }
        let weekday = civil::weekday_index(day);
        let (own, carried) = (&self.week[weekday], self.carried[weekday]);
        if (own.is_empty() && carried.is_none()) || self.is_holiday(day) {
            return ControlFlow::Continue(());
        }
        let base = day * DAY;
        if let Some(end) = carried
            && !self.is_holiday(day - 1)
        {
            self.open_minus_closures(base, base + end, &mut visit)?;
        }
        for &(s, e) in own {
            self.open_minus_closures(base + s, base + e, &mut visit)?;
        }
        ControlFlow::Continue(())
    }

    /// Visits `[lo, hi)` less the closures.
    fn open_minus_closures<B>(
        &self,
        mut lo: i64,
        hi: i64,
        visit: &mut impl FnMut(i64, i64) -> ControlFlow<B>,
    ) -> ControlFlow<B> {
        if self.closures.is_empty() {
            return visit(lo, hi);
        }
        let mut i = self.closures.partition_point(|&(_, ce)| ce <= lo);
        while lo < hi {
            match self.closures.get(i) {
                Some(&(cs, ce)) if cs < hi => {
                    if cs > lo {
                        visit(lo, cs)?;
                    }
                    lo = lo.max(ce);
                    i += 1;
                }
                _ => return visit(lo, hi),
            }
        }
        ControlFlow::Continue(())
    }
}

fn month_slot(by_month: &mut [Vec<MonthRule>; 12], month: i8) -> Option<&mut Vec<MonthRule>> {
    usize::try_from(month)
        .ok()
        .and_then(|m| m.checked_sub(1))
        .and_then(|m| by_month.get_mut(m))
}

/// Sorts ranges and merges those that overlap or touch.
fn merge(mut ranges: Vec<(i64, i64)>) -> Vec<(i64, i64)> {
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
