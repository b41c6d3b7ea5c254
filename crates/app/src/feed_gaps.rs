//! Reading a table in id order when its ids are not commit-ordered (on
//! PostgreSQL a transaction may take id 10 and commit after id 11 is
//! visible): every id skipped below the highest one read is a gap, asked
//! for again until it appears or its grace has passed (a rolled-back
//! transaction leaves a gap forever). Used by the search indexer's change
//! feed and by the live feed of open pages.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// The most gaps remembered; past it a gap counts as rolled back at once.
const MAX_GAPS: usize = 10_000;

/// Where a reader stands: the highest id read and the gaps below it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Gaps {
    /// The highest id read.
    pub(crate) high: i64,
    /// Ids below `high` not seen yet, with when they were first missed.
    pub(crate) missing: BTreeMap<i64, Instant>,
}

impl Gaps {
    /// A reader that has read everything up to `high`.
    pub(crate) fn at(high: i64) -> Self {
        Self {
            high,
            missing: BTreeMap::new(),
        }
    }

    /// Every id at or below this has been read or given up on.
    pub(crate) fn upto(&self) -> i64 {
        self.missing
            .keys()
            .next()
            .map_or(self.high, |first| first - 1)
    }

    /// Notes ids read past `high` (in ascending order): the ones skipped
    /// become gaps.
    pub(crate) fn note_fresh(&mut self, ids: impl IntoIterator<Item = i64>) {
        let now = Instant::now();
        for id in ids {
            let skipped = usize::try_from(id - self.high - 1).unwrap_or(0);
            if self.missing.len() + skipped <= MAX_GAPS {
                for gap in self.high + 1..id {
                    self.missing.insert(gap, now);
                }
            }
            self.high = self.high.max(id);
        }
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
