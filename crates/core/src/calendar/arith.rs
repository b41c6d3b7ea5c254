//! Business-time arithmetic: a forward walk over open spans, day by day.

use super::BusinessCalendar;
use super::civil::{self, DAY, MINUTE};
use crate::time::Timestamp;
use std::ops::ControlFlow::{self, Break, Continue};

/// How far [`BusinessCalendar::next_opening`] and
/// [`BusinessCalendar::add_business_minutes`] look for open time: about ten
/// years of civil days in a row without any.
pub(crate) const HORIZON_DAYS: i64 = 3_660;

/// When a walk gives up.
#[derive(Debug, Clone, Copy)]
enum Limit {
    /// After [`HORIZON_DAYS`] days in a row without open time.
    Horizon,
    /// At the first civil day that starts at or after this instant.
    Before(i64),
}

impl BusinessCalendar {
    /// Whether the desk is open at an instant.
    pub fn is_open(&self, at: Timestamp) -> bool {
        let t = at.0;
        let day = self.zone.to_local(t).div_euclid(DAY);
        let mut cursor = self.zone.cursor();
        // The instant lies in the image of its own civil day, or of the next
        // one when a fold straddles midnight; never of an earlier day.
        for d in [day, day + 1] {
            let flow = self.rules.for_each_local_span(d, |lo, hi| {
                if cursor.utc_of(lo) > t {
                    Break(false)
                } else if t < cursor.utc_of(hi) {
                    Break(true)
                } else {
                    Continue(())
                }
            });
            if let Break(open) = flow {
                return open;
            }
        }
        false
    }

    /// The first instant at or after `at` when the desk is open: `at` itself
    /// if open, `None` if it does not open within about ten years.
    pub fn next_opening(&self, at: Timestamp) -> Option<Timestamp> {
        self.walk(at.0, Limit::Horizon, |lo, _| Break(lo))
            .map(Timestamp)
    }

    /// The instant at which the `minutes`-th business minute counted from
    /// `at` ends. Counting starts at `at` if open, else at the next opening;
    /// `minutes == 0` gives that starting instant. `None` for negative
    /// minutes, or if the calendar has no open time for about ten years in a
    /// row before the count is reached.
    pub fn add_business_minutes(&self, at: Timestamp, minutes: i64) -> Option<Timestamp> {
        if minutes < 0 {
            return None;
        }
        let mut need = minutes.checked_mul(MINUTE)?;
        self.walk(at.0, Limit::Horizon, |lo, hi| {
            if need == 0 {
                return Break(lo);
            }
            let available = hi - lo;
            if need <= available {
                Break(lo + need)
            } else {
                need -= available;
                Continue(())
            }
        })
        .map(Timestamp)
    }

    /// Whole business minutes in `[from, to)` (open time, rounded down);
    /// 0 if `to <= from`.
    pub fn business_minutes_between(&self, from: Timestamp, to: Timestamp) -> i64 {
        self.business_micros_between(from, to) / MINUTE
    }

    /// Open time in `[from, to)` in microseconds; 0 if `to <= from`.
    pub fn business_micros_between(&self, from: Timestamp, to: Timestamp) -> i64 {
        let (a, b) = (from.0, to.0);
        if b <= a {
            return 0;
        }
        let mut total = 0i64;
        self.walk(a, Limit::Before(b), |lo, hi| {
            if lo >= b {
                return Break(());
            }
            total = total.saturating_add(hi.min(b) - lo);
            Continue(())
        });
        total
    }

    /// Calls `visit(start, end)` for each open span (UTC micros) that ends
    /// after `from`, in order, with `start` clipped to `from`, until `visit`
    /// breaks (its value is returned) or the limit is reached (`None`).
    fn walk<B>(
        &self,
        from: i64,
        limit: Limit,
        mut visit: impl FnMut(i64, i64) -> ControlFlow<B>,
    ) -> Option<B> {
        if self.rules.never_open() {
            return None;
        }
        let mut day = self.zone.to_local(from).div_euclid(DAY).max(civil::MIN_DAY);
        let mut cursor = self.zone.cursor();
        let mut last_open = day;
        while day <= civil::MAX_DAY {
            match limit {
                Limit::Horizon if day - last_open > HORIZON_DAYS => return None,
                Limit::Before(end) if cursor.utc_of(day * DAY) >= end => return None,
                _ => {}
            }
            let mut any = false;
            let flow = self.rules.for_each_local_span(day, |lo, hi| {
                any = true;
                let start = cursor.utc_of(lo);
                let end = cursor.utc_of(hi);
                if end <= from {
                    return Continue(());
                }
                visit(start.max(from), end)
            });
            if let Break(found) = flow {
                return Some(found);
            }
            if any {
                last_open = day;
            }
            day += 1;
        }
        None
    }
}
