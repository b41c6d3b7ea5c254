//! Reading a table in id order when its ids are not commit-ordered (on
//! PostgreSQL a transaction may take id 10 and commit after id 11 is
//! visible): every id skipped below the highest one read is a gap, asked
//! for again until it appears or its grace has passed (a rolled-back
//! transaction leaves a gap forever). Past [`MAX_GAPS`] the ids missed are
//! kept as one range instead, which holds the watermark below it until its
//! grace has passed and is then handed back whole, to read again or give
//! up. Used by the search indexer's change feed and by the live feed of
//! open pages.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// The most gaps remembered one by one; past it the ids missed are kept
/// as one [`Overflow`] range.
pub(crate) const MAX_GAPS: usize = 10_000;

/// Where a reader stands: the highest id read and the gaps below it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Gaps {
    /// The highest id read.
    pub(crate) high: i64,
    /// Ids below `high` not seen yet, with when they were first missed.
    pub(crate) missing: BTreeMap<i64, Instant>,
    /// Ids missed once `missing` was full: never dropped unread.
    pub(crate) overflow: Option<Overflow>,
}

/// A range of ids missed past [`MAX_GAPS`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Overflow {
    /// The lowest id missed.
    pub(crate) from: i64,
    /// The highest id missed.
    pub(crate) to: i64,
    /// When the range last grew.
    pub(crate) since: Instant,
}

impl Gaps {
    /// A reader that has read everything up to `high`.
    pub(crate) fn at(high: i64) -> Self {
        Self {
            high,
            ..Self::default()
        }
    }

    /// Every id at or below this has been read or given up on.
    pub(crate) fn upto(&self) -> i64 {
        let below_gaps = self
            .missing
            .keys()
            .next()
            .map_or(self.high, |first| first - 1);
        self.overflow
            .map_or(below_gaps, |o| below_gaps.min(o.from - 1))
    }

    /// Notes ids read past `high` (in ascending order): the ones skipped
    /// become gaps, or past [`MAX_GAPS`] widen the overflow range.
    pub(crate) fn note_fresh(&mut self, ids: impl IntoIterator<Item = i64>) {
        let now = Instant::now();
        for id in ids {
            let skipped = usize::try_from(id - self.high - 1).unwrap_or(0);
            if skipped == 0 {
                // No gap.
            } else if self.missing.len() + skipped <= MAX_GAPS {
                for gap in self.high + 1..id {
                    self.missing.insert(gap, now);
                }
            } else {
                let (from, to) = (self.high + 1, id - 1);
                if self.overflow.is_none() {
                    tracing::warn!(
                        from,
                        to,
                        remembered = self.missing.len(),
                        "more ids missing than are remembered one by one; \
                         the range waits its grace and is then handed back whole"
                    );
                }
                self.overflow = Some(match self.overflow {
                    Some(o) => Overflow {
                        from: o.from.min(from),
                        to: o.to.max(to),
                        since: now,
                    },
                    None => Overflow {
                        from,
                        to,
                        since: now,
                    },
                });
            }
            self.high = self.high.max(id);
        }
    }

    /// The overflow range whose grace has passed (`from..=to`), handed back
    /// once; the watermark no longer waits for it.
    pub(crate) fn take_due_overflow(&mut self, grace: Duration) -> Option<(i64, i64)> {
        let due = self.overflow.filter(|o| o.since.elapsed() >= grace)?;
        self.overflow = None;
        Some((due.from, due.to))
    }

    /// Notes gaps that have since appeared.
    pub(crate) fn note_filled(&mut self, ids: impl IntoIterator<Item = i64>) {
        for id in ids {
            self.missing.remove(&id);
        }
    }

    /// The oldest `n` gaps, to ask for again.
    pub(crate) fn waited(&self, n: usize) -> Vec<i64> {
        self.missing.keys().copied().take(n).collect()
    }

    /// Gives up the gaps missed for longer than `grace`.
    pub(crate) fn expire(&mut self, grace: Duration) {
        self.missing.retain(|_, first| first.elapsed() < grace);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_watermark_waits_below_a_gap() {
        let mut gaps = Gaps::default();
        gaps.note_fresh([1, 2, 4, 5]);
        assert_eq!(gaps.high, 5);
        assert_eq!(gaps.upto(), 2, "id 3 may still commit");
        assert_eq!(gaps.waited(10), vec![3]);
        gaps.note_filled([3]);
        assert_eq!(gaps.upto(), 5);
    }

    #[test]
    fn gaps_past_the_limit_hold_the_watermark_and_are_handed_back_once() {
        let grace = Duration::from_secs(60);
        let mut gaps = Gaps::default();
        gaps.note_fresh([1]);
        // More ids missing than are remembered one by one.
        let far = 2 + MAX_GAPS as i64 + 5;
        gaps.note_fresh([far]);
        assert_eq!(gaps.high, far);
        assert!(gaps.missing.len() <= MAX_GAPS);
        assert_eq!(gaps.upto(), 1, "id 2 may still commit: nothing is dropped");
        assert_eq!(gaps.take_due_overflow(grace), None, "within its grace");
        // A later gap while the range waits widens it.
        gaps.note_fresh([far + 2]);
        assert_eq!(gaps.upto(), 1);
        // Once the grace has passed the whole range is handed back, and the
        // watermark moves past it.
        let Some(long_ago) = Instant::now().checked_sub(grace + Duration::from_secs(1)) else {
            return;
        };
        if let Some(o) = gaps.overflow.as_mut() {
            o.since = long_ago;
        }
        for gap in gaps.missing.values_mut() {
            *gap = long_ago;
        }
        gaps.expire(grace);
        let range = gaps.take_due_overflow(grace);
        assert!(matches!(range, Some((2, to)) if to >= far - 1), "{range:?}");
        assert_eq!(gaps.upto(), far + 2);
        assert_eq!(gaps.take_due_overflow(grace), None, "handed back once");
    }

    #[test]
    fn a_gap_older_than_the_grace_is_given_up() {
        let grace = Duration::from_secs(60);
        let mut gaps = Gaps::default();
        gaps.note_fresh([1, 3]);
        gaps.expire(grace);
        assert_eq!(gaps.upto(), 1, "a fresh gap is kept");
        let long_ago = Instant::now().checked_sub(grace + Duration::from_secs(1));
        if let Some(at) = long_ago {
            gaps.missing.insert(2, at);
            gaps.expire(grace);
            assert_eq!(gaps.upto(), 3);
        }
    }
}
