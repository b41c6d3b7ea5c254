//! Pre-summed report cells: the counted tickets of one day, team, owner,
//! channel and priority summed, with sparse histograms of their time
//! buckets, so a report reads one row per cell instead of one per ticket
//! and still gives exactly the figures of summing the tickets.

use super::TicketFacts;
use super::figures::FactRow;
use super::time_bucket;
use crate::ids::{AgentId, TeamId};
use crate::ticket::{Channel, Priority};

/// Where a ticket is counted: the dimensions a report filters and groups by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CellKey {
    /// Day of creation (days since 1970-01-01, business zone).
    pub day: i64,
    /// Queue.
    pub team_id: Option<TeamId>,
    /// Owner.
    pub agent_id: Option<AgentId>,
    /// Channel.
    pub channel: Channel,
    /// Priority.
    pub priority: Priority,
}

/// A sparse histogram: (bucket, tickets) by bucket, without zero counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hist(Vec<(i64, i64)>);

impl Hist {
    /// Adds `n` (negative: removes) tickets to a bucket.
    pub fn add(&mut self, bucket: i64, n: i64) {
        match self.0.binary_search_by_key(&bucket, |e| e.0) {
            Ok(i) => {
                self.0[i].1 += n;
                if self.0[i].1 == 0 {
                    self.0.remove(i);
                }
            }
            Err(i) if n != 0 => self.0.insert(i, (bucket, n)),
            Err(_) => {}
        }
    }

    /// Adds (`sign` 1) or takes away (`sign` -1) another histogram.
    pub fn merge(&mut self, other: &Hist, sign: i64) {
        for (bucket, n) in &other.0 {
            self.add(*bucket, n * sign);
        }
    }

    /// The (bucket, tickets) pairs, by bucket.
    pub fn entries(&self) -> &[(i64, i64)] {
        &self.0
    }

    /// Whether no bucket holds a ticket.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// As stored: `bucket:tickets` pairs joined by commas, by bucket.
    pub fn encode(&self) -> String {
        let mut out = String::with_capacity(self.0.len() * 8);
        for (i, (bucket, n)) in self.0.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&format!("{bucket}:{n}"));
        }
        out
    }

    /// Reads [`Hist::encode`]'s text back (none: not such text).
    pub fn decode(text: &str) -> Option<Hist> {
        let mut hist = Hist::default();
        for pair in text.split(',').filter(|p| !p.is_empty()) {
            let (bucket, n) = pair.split_once(':')?;
            hist.add(bucket.parse().ok()?, n.parse().ok()?);
        }
        Some(hist)
    }
}

/// The number of counters in [`CellSums::counters`].
pub const CELL_COUNTERS: usize = 17;

/// The names of [`CellSums::counters`], as the cells' columns.
pub const CELL_COUNTER_NAMES: [&str; CELL_COUNTERS] = [
    "tickets",
    "resolved",
    "one_touch",
    "reopened",
    "transfers",
    "first_response_met",
    "first_response_targets",
    "resolution_met",
    "resolution_targets",
    "promises_made",
    "promises_on_time",
    "overrides",
    "csat_sum",
    "csat_responses",
    "low_csat",
    "recovery_opened",
    "recovery_closed",
];

/// The sums of a cell's tickets (or, signed, the change to them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CellSums {
    /// The counters, in [`CELL_COUNTER_NAMES`] order.
    pub counters: [i64; CELL_COUNTERS],
    /// Tickets per first-response bucket.
    pub first_response: Hist,
    /// Tickets per resolution bucket.
    pub resolution: Hist,
}

impl CellSums {
    /// One ticket's row as sums (what `Tally::add` counts of it).
    pub fn of(row: &FactRow) -> CellSums {
        let flag = |b: bool| i64::from(b);
        let csat = row.csat.map(|c| c.max(0));
        let mut sums = CellSums {
            counters: [
                1,
                flag(row.resolved),
                flag(row.one_touch),
                flag(row.reopened),
                row.transfers.max(0),
                flag(row.first_response_met == Some(true)),
                flag(row.first_response_met.is_some()),
                flag(row.resolution_met == Some(true)),
                flag(row.resolution_met.is_some()),
                row.promises_made.max(0),
                row.promises_on_time.max(0),
                row.overrides.max(0),
                csat.unwrap_or(0),
                flag(csat.is_some()),
                flag(row.csat.is_some_and(|c| c <= 2)),
                row.recovery_opened.max(0),
                row.recovery_closed.max(0),
            ],
            ..CellSums::default()
        };
        if let Some(b) = row.first_response_bucket {
            sums.first_response.add(b.max(0), 1);
        }
        if let Some(b) = row.resolution_bucket {
            sums.resolution.add(b.max(0), 1);
        }
        sums
    }

    /// Adds (`sign` 1) or takes away (`sign` -1) other sums.
    pub fn merge(&mut self, other: &CellSums, sign: i64) {
        for (mine, theirs) in self.counters.iter_mut().zip(other.counters) {
            *mine += theirs * sign;
        }
        self.first_response.merge(&other.first_response, sign);
        self.resolution.merge(&other.resolution, sign);
    }

    /// Whether nothing is counted (a change that changes nothing).
    pub fn is_zero(&self) -> bool {
        self.counters.iter().all(|c| *c == 0)
            && self.first_response.is_empty()
            && self.resolution.is_empty()
    }

    /// Tickets counted.
    pub fn tickets(&self) -> i64 {
        self.counters[0]
    }
}

/// One pre-summed cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// Its dimensions.
    pub key: CellKey,
    /// Its tickets' sums.
    pub sums: CellSums,
}

impl FactRow {
    /// The cell the row is counted in.
    pub fn cell_key(&self) -> CellKey {
        CellKey {
            day: self.day,
            team_id: self.team_id,
            agent_id: self.agent_id,
            channel: self.channel,
            priority: self.priority,
        }
    }
}

impl TicketFacts {
    /// The row the projection stores of these facts, as the figures read it.
    pub fn row(&self) -> FactRow {
        FactRow {
            day: self.day,
            team_id: self.team_id,
            agent_id: self.agent_id,
            channel: self.channel,
            priority: self.priority,
            first_response_bucket: self.first_response_minutes.map(time_bucket),
            resolution_bucket: self.resolution_minutes.map(time_bucket),
            resolved: self.resolved,
            one_touch: self.one_touch,
            reopened: self.reopens > 0,
            transfers: self.transfers,
            first_response_met: self.first_response_target.met,
            resolution_met: self.resolution_target.met,
            promises_made: self.promises_made,
            promises_on_time: self.promises_on_time,
            overrides: self.overrides.len() as i64,
            csat: self.csat,
            recovery_opened: self.recovery_opened,
            recovery_closed: self.recovery_closed,
        }
    }
}
