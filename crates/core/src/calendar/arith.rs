//! Business-time arithmetic: a forward walk over open spans, day by day.
//!
//! Each civil day's pieces (local microseconds, see `rules.rs`) become
//! instants through the zone cursor. Compatible disambiguation is not
//! monotonic inside a spring-forward gap, so a day's spans are sorted and
//! merged when needed, and a span that may still overlap the next day's
//! (it ends after the earliest instant any later wall time can map to) waits
//! in a pending list until it cannot. Closures, as instants, are cut out as
//! spans are emitted, in order, with a cursor. In the usual case (no gap
//! near) every span goes straight through.

use super::BusinessCalendar;
use super::civil::{self, DAY, MINUTE};
use super::spec::MAX_INTERVALS_PER_DAY;
use super::zone::Cursor;
use crate::time::Timestamp;
use std::ops::ControlFlow::{self, Break, Continue};

/// Spans longer than this (two weeks) are measured in the span table.
const LONG_SPAN: i64 = 14 * DAY_MICROS;
const DAY_MICROS: i64 = 86_400_000_000;
/// The span table covers this far on either side of its first query (two years).
const TABLE_REACH: i64 = 731 * DAY_MICROS;

/// Every open span of a calendar over a window of years, with the open time
/// before each, so business time between two instants in the window is two
/// binary searches. Exact: the spans are the ones the day walk emits.
#[derive(Debug)]
pub(super) struct SpanTable {
    start: i64,
    end: i64,
    spans: Vec<(i64, i64)>,
    before: Vec<i64>,
}

impl SpanTable {
    fn build(calendar: &BusinessCalendar, start: i64, end: i64) -> Self {
        let mut spans: Vec<(i64, i64)> = Vec::new();
        calendar.walk(start, Limit::Before(end), |lo, hi| {
            if lo >= end {
                return Break(());
            }
            spans.push((lo, hi.min(end)));
            Continue(())
        });
        let mut before = Vec::with_capacity(spans.len());
        let mut total = 0i64;
        for &(lo, hi) in &spans {
            before.push(total);
            total = total.saturating_add(hi - lo);
        }
        Self {
            start,
            end,
            spans,
            before,
        }
    }

    /// Open time in `[start, t)`, for `t` in the window.
    fn prefix(&self, t: i64) -> i64 {
        let i = self.spans.partition_point(|&(lo, _)| lo < t);
        if i == 0 {
            return 0;
        }
        let (lo, hi) = self.spans[i - 1];
        self.before[i - 1] + (t.min(hi) - lo)
    }

    /// Open time in `[a, b)` when both are in the window.
    fn between(&self, a: i64, b: i64) -> Option<i64> {
        (a >= self.start && b <= self.end).then(|| self.prefix(b) - self.prefix(a))
    }
}

/// How far [`BusinessCalendar::next_opening`] and
/// [`BusinessCalendar::add_business_minutes`] look for open time: about ten
/// years of civil days in a row without any.
pub(crate) const HORIZON_DAYS: i64 = 3_660;

/// Room for one day's spans (the intervals that start on it).
const DAY_CAPACITY: usize = 64;
const _: () = assert!(MAX_INTERVALS_PER_DAY < DAY_CAPACITY);

/// When a walk gives up.
#[derive(Debug, Clone, Copy)]
enum Limit {
    /// After [`HORIZON_DAYS`] days in a row without open time.
    Horizon,
    /// Once no later wall time can map before this instant.
    Before(i64),
}

/// One civil day's open spans as instants, sorted and disjoint.
struct DaySpans {
    items: [(i64, i64); DAY_CAPACITY],
    len: usize,
}

impl DaySpans {
    fn new() -> Self {
        Self {
            items: [(0, 0); DAY_CAPACITY],
            len: 0,
        }
    }

    fn as_slice(&self) -> &[(i64, i64)] {
        &self.items[..self.len]
    }

    /// Fills in a day's spans.
    fn fill(&mut self, cal: &BusinessCalendar, day: i64, cursor: &mut Cursor<'_>) {
        self.len = 0;
        let mut sorted = true;
        let items = &mut self.items;
        let len = &mut self.len;
        cal.rules.for_each_piece(day, |lo, hi| {
            let (start, end) = (cursor.utc_of(lo), cursor.utc_of(hi));
            // An interval that starts in a gap may end before it starts.
            if start < end && *len < DAY_CAPACITY {
                if *len > 0 && start < items[*len - 1].1 {
                    sorted = false;
                }
                items[*len] = (start, end);
                *len += 1;
            }
        });
        if !sorted {
            let spans = &mut self.items[..self.len];
            spans.sort_unstable();
            self.len = merge_in_place(spans);
        }
    }
}

/// Merges sorted spans that overlap or touch, in place; returns the count.
fn merge_in_place(spans: &mut [(i64, i64)]) -> usize {
    let mut kept = 0;
    for i in 0..spans.len() {
        let (start, end) = spans[i];
        if kept > 0 && start <= spans[kept - 1].1 {
            spans[kept - 1].1 = spans[kept - 1].1.max(end);
        } else {
            spans[kept] = (start, end);
            kept += 1;
        }
    }
    kept
}

/// Hands spans to the visitor in order, once each, less closures.
struct Emitter<'c, V> {
    closures: &'c [(i64, i64)],
    next_closure: usize,
    /// Everything before this instant has been handed over or skipped.
    done_until: i64,
    /// Whether anything was handed over since the flag was last cleared.
    visited: bool,
    pending: Vec<(i64, i64)>,
    visit: V,
}

impl<B, V: FnMut(i64, i64) -> ControlFlow<B>> Emitter<'_, V> {
    /// Takes one day's spans; what ends before `bound` (no later day can
    /// reach before it) is final and handed over.
    fn day(&mut self, spans: &[(i64, i64)], bound: i64) -> ControlFlow<B> {
        if self.pending.is_empty() && spans.last().is_none_or(|s| s.1 <= bound) {
            return spans.iter().try_for_each(|&(a, b)| self.emit(a, b));
        }
        self.pending.extend_from_slice(spans);
        self.pending.sort_unstable();
        let len = merge_in_place(&mut self.pending);
        self.pending.truncate(len);
        let mut kept = 0;
        for i in 0..self.pending.len() {
            let (a, b) = self.pending[i];
            if a < bound {
                self.emit(a, b.min(bound))?;
            }
            if b > bound {
                self.pending[kept] = (a.max(bound), b);
                kept += 1;
            }
        }
        self.pending.truncate(kept);
        Continue(())
    }

    /// Hands over everything pending.
    fn flush(&mut self) -> ControlFlow<B> {
        let pending = std::mem::take(&mut self.pending);
        pending.iter().try_for_each(|&(a, b)| self.emit(a, b))
    }

    /// Hands over `[a, b)` less what was already handed over and closures.
    fn emit(&mut self, a: i64, b: i64) -> ControlFlow<B> {
        let mut a = a.max(self.done_until);
        while a < b {
            let Some(&(ca, cb)) = self.closures.get(self.next_closure) else {
                break;
            };
            if cb <= a {
                self.next_closure += 1;
                continue;
            }
            if ca >= b {
                break;
            }
            if ca > a {
                self.done_until = ca;
                self.visited = true;
                (self.visit)(a, ca)?;
            }
            a = cb;
        }
        if a >= b {
            self.done_until = self.done_until.max(b);
            return Continue(());
        }
        self.done_until = b;
        self.visited = true;
        (self.visit)(a, b)
    }
}

impl BusinessCalendar {
    /// Whether the desk is open at an instant.
    pub fn is_open(&self, at: Timestamp) -> bool {
        let t = at.0;
        let closed = self
            .closures
            .get(self.closures.partition_point(|&(_, end)| end <= t))
            .is_some_and(|&(start, _)| start <= t);
        if closed {
            return false;
        }
        let day = self.zone.to_local(t).div_euclid(DAY);
        let mut cursor = self.zone.cursor();
        let mut spans = DaySpans::new();
        // An interval from the day before may run past midnight; after a
        // clock change, one day further either way may cover the instant.
        let days = if self.zone.changes_within(t, 3 * DAY) {
            day - 2..=day + 1
        } else if self.rules.runs_past_midnight(day - 1) {
            day - 1..=day
        } else {
            day..=day
        };
        days.into_iter().any(|d| {
            spans.fill(self, d, &mut cursor);
            spans.as_slice().iter().any(|&(a, b)| a <= t && t < b)
        })
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

    /// The open spans of the intervals that start on a civil date in the
    /// calendar's zone (those past midnight run into the next day), with
    /// holidays and closures applied, as instants in order. Empty when the
    /// desk does not open that day: this is what a business day is.
    pub fn open_spans_on(&self, date: jiff::civil::Date) -> Vec<(Timestamp, Timestamp)> {
        let mut spans = DaySpans::new();
        spans.fill(self, civil::day_of(date), &mut self.zone.cursor());
        let mut out = Vec::new();
        for &(start, end) in spans.as_slice() {
            let mut a = start;
            let mut next = self.closures.partition_point(|&(_, e)| e <= a);
            while a < end {
                match self.closures.get(next) {
                    Some(&(ca, cb)) if ca < end => {
                        if ca > a {
                            out.push((Timestamp(a), Timestamp(ca)));
                        }
                        a = a.max(cb);
                        next += 1;
                    }
                    _ => {
                        out.push((Timestamp(a), Timestamp(end)));
                        break;
                    }
                }
            }
        }
        out
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
        // Weeks or more: two look-ups in the open spans of a window of years
        // (built once per calendar) instead of a walk over every day.
        if b - a > LONG_SPAN
            && let Some(total) = self.span_table(a).between(a, b)
        {
            return total;
        }
        self.walk_between(a, b)
    }

    /// Open time in `[a, b)` by walking the days.
    pub(super) fn walk_between(&self, a: i64, b: i64) -> i64 {
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

    /// The span table, built on first use around `near`.
    fn span_table(&self, near: i64) -> &SpanTable {
        self.spans.get_or_init(|| {
            let start = near
                .saturating_sub(TABLE_REACH)
                .max((civil::MIN_DAY + 2) * DAY_MICROS);
            let end = near
                .saturating_add(TABLE_REACH)
                .min((civil::MAX_DAY - 2) * DAY_MICROS);
            std::sync::Arc::new(SpanTable::build(self, start, end))
        })
    }

    /// Calls `visit(start, end)` for each open span (UTC micros, disjoint,
    /// in order, closures cut out) that ends after `from`, with `start`
    /// clipped to `from`, until `visit` breaks (its value is returned) or
    /// the limit is reached (`None`).
    fn walk<B>(
        &self,
        from: i64,
        limit: Limit,
        visit: impl FnMut(i64, i64) -> ControlFlow<B>,
    ) -> Option<B> {
        if self.rules.never_open() {
            return None;
        }
        let mut emitter = Emitter {
            closures: &self.closures,
            next_closure: self.closures.partition_point(|&(_, end)| end <= from),
            done_until: from,
            visited: false,
            pending: Vec::new(),
            visit,
        };
        let first = self.zone.to_local(from).div_euclid(DAY).max(civil::MIN_DAY);
        // The day before may run past midnight into `from`, and after a gap
        // the one before that may too.
        let mut day = if self.zone.changes_within(from, 3 * DAY) {
            first - 2
        } else if self.rules.runs_past_midnight(first - 1) {
            first - 1
        } else {
            first
        };
        let mut cursor = self.zone.cursor();
        let mut spans = DaySpans::new();
        let mut last_open = first;
        while day <= civil::MAX_DAY {
            let stop = match limit {
                Limit::Horizon => day - last_open > HORIZON_DAYS,
                Limit::Before(end) => {
                    cursor.min_utc_from(self.rules.later_days_start(day - 1)) >= end
                }
            };
            if stop {
                break;
            }
            spans.fill(self, day, &mut cursor);
            let bound = cursor.min_utc_from(self.rules.later_days_start(day));
            if let Break(found) = emitter.day(spans.as_slice(), bound) {
                return Some(found);
            }
            if std::mem::take(&mut emitter.visited) {
                last_open = day;
            }
            day += 1;
        }
        match emitter.flush() {
            Break(found) => Some(found),
            Continue(()) => None,
        }
    }
}
