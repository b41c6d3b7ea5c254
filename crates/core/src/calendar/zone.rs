//! Fast conversions between UTC microseconds and local microseconds.
//!
//! At construction the zone's offset changes between [`TABLE_START`] and
//! [`TABLE_END`] are read once from jiff into three sorted vectors; outside
//! that window every conversion asks jiff directly. Inside it:
//!
//! * UTC → local is one binary search over the transition instants.
//! * local → UTC uses jiff's *compatible* disambiguation: a wall time in a
//!   gap (spring forward) maps to the instant after the gap (02:30 in a
//!   02:00→03:00 gap becomes 03:30 new time), and a wall time in a fold (fall
//!   back) maps to its first occurrence. Both cases use the offset in force
//!   *before* the transition, so a transition applies to local times from
//!   `instant + max(offset before, offset after)` on. The mapping is strictly
//!   increasing, which lets the arithmetic work on local spans and convert
//!   only their ends.
//!
//! A [`Cursor`] remembers the last transition index, so walking forward day
//! by day converts in O(1).

use super::civil;
use crate::time::Timestamp;
use jiff::tz::TimeZone;

/// 1900-01-01T00:00:00Z in microseconds.
const TABLE_START: i64 = civil::days_from_civil(1900, 1, 1) * civil::DAY;
/// 2200-01-01T00:00:00Z in microseconds.
const TABLE_END: i64 = civil::days_from_civil(2200, 1, 1) * civil::DAY;
/// Margin kept from the table's ends for local times (more than any offset).
const MARGIN: i64 = 2 * civil::DAY;

/// A time zone with its offset changes precomputed.
#[derive(Debug, Clone)]
pub(crate) struct ZoneMap {
    tz: TimeZone,
    /// Instants (UTC micros) at which the offset changes, ascending.
    at: Vec<i64>,
    /// Local micros from which each change applies to local → UTC.
    local_key: Vec<i64>,
    /// The offset (micros) after each change.
    after: Vec<i64>,
    /// The offset in force at `TABLE_START`.
    first: i64,
}

impl ZoneMap {
    /// Reads the offset changes of `tz` in the table window.
    pub(crate) fn new(tz: TimeZone) -> Self {
        let start = jiff::Timestamp::from_microsecond(TABLE_START).unwrap_or(jiff::Timestamp::MIN);
        let first = i64::from(tz.to_offset(start).seconds()) * 1_000_000;
        let (mut at, mut local_key, mut after) = (Vec::new(), Vec::new(), Vec::new());
        let mut previous = first;
        for transition in tz.following(start) {
            let instant = transition.timestamp().as_microsecond();
            if instant >= TABLE_END {
                break;
            }
            let offset = i64::from(transition.offset().seconds()) * 1_000_000;
            if offset == previous {
                continue;
            }
            at.push(instant);
            local_key.push(instant + previous.max(offset));
            after.push(offset);
            previous = offset;
        }
        Self {
            tz,
            at,
            local_key,
            after,
            first,
        }
    }

    /// Whether the offset may change in `(utc - window, utc]` (always true
    /// outside the table).
    pub(crate) fn changes_within(&self, utc: i64, window: i64) -> bool {
        if !(TABLE_START + window..TABLE_END).contains(&utc) {
            return true;
        }
        let index = self.at.partition_point(|&t| t <= utc);
        index
            .checked_sub(1)
            .is_some_and(|i| self.at[i] > utc - window)
    }

    /// The jiff time zone.
    pub(crate) fn tz(&self) -> &TimeZone {
        &self.tz
    }

    /// A cursor for a walk through local times.
    pub(crate) fn cursor(&self) -> Cursor<'_> {
        Cursor {
            map: self,
            index: 0,
        }
    }

    /// The wall clock (local micros) at an instant.
    pub(crate) fn to_local(&self, utc: i64) -> i64 {
        if !(TABLE_START..TABLE_END).contains(&utc) {
            return self.to_local_slow(utc);
        }
        let index = self.at.partition_point(|&t| t <= utc);
        utc.saturating_add(self.offset_after(index))
    }

    fn offset_after(&self, index: usize) -> i64 {
        match index.checked_sub(1) {
            Some(i) => self.after[i],
            None => self.first,
        }
    }

    fn to_local_slow(&self, utc: i64) -> i64 {
        let ts = Timestamp(utc).to_jiff();
        utc.saturating_add(i64::from(self.tz.to_offset(ts).seconds()) * 1_000_000)
    }

    fn utc_of_slow(&self, local: i64) -> i64 {
        let exact = civil::datetime_of(local).and_then(|dt| {
            self.tz
                .to_ambiguous_timestamp(dt)
                .compatible()
                .ok()
                .map(|t| t.as_microsecond())
        });
        // Only at jiff's extreme range: fall back to the offset near there.
        exact.unwrap_or_else(|| {
            local.saturating_sub(self.to_local_slow(local).saturating_sub(local))
        })
    }
}

impl ZoneMap {
    /// A lower bound of the instants of all wall-clock times at or after
    /// `local` (outside the table).
    fn min_utc_from_slow(&self, local: i64) -> i64 {
        let exact = self.utc_of_slow(local);
        let Some(dt) = civil::datetime_of(local) else {
            return exact;
        };
        match self.tz.to_ambiguous_timestamp(dt).offset() {
            // Later gap times and the times after the gap map from here on.
            jiff::tz::AmbiguousOffset::Gap { after, .. } => {
                local.saturating_sub(i64::from(after.seconds()) * 1_000_000)
            }
            _ => exact,
        }
    }
}

/// Local → UTC conversion that remembers where it was.
#[derive(Debug, Clone)]
pub(crate) struct Cursor<'a> {
    map: &'a ZoneMap,
    /// The number of transitions whose local key is at or before the last
    /// converted local time.
    index: usize,
}

impl Cursor<'_> {
    /// The instant of a wall-clock time (compatible disambiguation).
    pub(crate) fn utc_of(&mut self, local: i64) -> i64 {
        let map = self.map;
        if !(TABLE_START + MARGIN..TABLE_END - MARGIN).contains(&local) {
            return map.utc_of_slow(local);
        }
        let keys = &map.local_key;
        let i = self.index;
        let fits = i.checked_sub(1).is_none_or(|p| keys[p] <= local)
            && keys.get(i).is_none_or(|&k| local < k);
        if !fits {
            // One step forward is the common case of a walk; else search.
            self.index = if keys.get(i).is_some_and(|&k| k <= local)
                && keys.get(i + 1).is_none_or(|&k| local < k)
            {
                i + 1
            } else {
                keys.partition_point(|&k| k <= local)
            };
        }
        local - map.offset_after(self.index)
    }

    /// A lower bound of the instants of all wall-clock times at or after
    /// `local`. Compatible disambiguation is not monotonic inside a gap
    /// (02:30 maps after 03:10 when 02:00→03:00 is skipped), so for a time
    /// inside a gap this is the instant of the transition; otherwise it is
    /// the time's own instant.
    pub(crate) fn min_utc_from(&mut self, local: i64) -> i64 {
        let map = self.map;
        if !(TABLE_START + MARGIN..TABLE_END - MARGIN).contains(&local) {
            return map.min_utc_from_slow(local);
        }
        let utc = self.utc_of(local);
        // The next transition, if `local` lies in its gap.
        let next = self.index;
        match (map.at.get(next), map.after.get(next)) {
            (Some(&at), Some(&after)) => {
                let before = map.offset_after(next);
                if after > before && local >= at + before {
                    at
                } else {
                    utc
                }
            }
            _ => utc,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jiff_utc(tz: &TimeZone, local: i64) -> i64 {
        let dt = civil::datetime_of(local).unwrap_or_default();
        tz.to_ambiguous_timestamp(dt)
            .compatible()
            .map(|t| t.as_microsecond())
            .unwrap_or_default()
    }

    #[test]
    fn agrees_with_jiff_around_transitions() {
        for name in [
            "Europe/Berlin",
            "America/New_York",
            "Australia/Sydney",
            "Australia/Lord_Howe",
            "Asia/Kolkata",
            "America/Santiago",
            "Pacific/Chatham",
            "UTC",
        ] {
            let Ok(tz) = TimeZone::get(name) else {
                panic!("{name} missing from the time zone database")
            };
            let map = ZoneMap::new(tz.clone());
            let mut cursor = map.cursor();
            // Every 7 minutes over two years around now, both directions.
            let from = civil::days_from_civil(2025, 1, 1) * civil::DAY;
            let step = 7 * civil::MINUTE;
            for k in 0..(2 * 366 * 24 * 60 / 7) {
                let local = from + k * step;
                assert_eq!(
                    cursor.utc_of(local),
                    jiff_utc(&tz, local),
                    "{name} local {local}"
                );
                let utc = local;
                let offset = i64::from(tz.to_offset(Timestamp(utc).to_jiff()).seconds());
                assert_eq!(
                    map.to_local(utc),
                    utc + offset * 1_000_000,
                    "{name} utc {utc}"
                );
            }
        }
    }

    #[test]
    fn outside_the_table_asks_jiff() {
        let Ok(tz) = TimeZone::get("Europe/Berlin") else {
            panic!("Europe/Berlin missing")
        };
        let map = ZoneMap::new(tz.clone());
        let local = civil::days_from_civil(2300, 7, 1) * civil::DAY;
        assert_eq!(map.cursor().utc_of(local), jiff_utc(&tz, local));
        assert_eq!(map.to_local(local - 2 * 3_600_000_000), local);
    }
}
