//! Report figures summed from projection rows: counts, rates and business
//! time percentiles (from bucket histograms), by period and by dimension.

use super::cells::{Cell, CellKey, CellSums};
use super::{Period, bucket_minutes};
use crate::ids::{AgentId, TeamId};
use crate::ticket::{Channel, Priority};
use serde::Serialize;
use std::collections::HashMap;

/// One ticket's row of the projection, as the figures read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactRow {
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
    /// Bucket of the first response time.
    pub first_response_bucket: Option<i64>,
    /// Bucket of the resolution time.
    pub resolution_bucket: Option<i64>,
    /// Resolved now.
    pub resolved: bool,
    /// Resolved with one reply, never reopened.
    pub one_touch: bool,
    /// Reopened at least once.
    pub reopened: bool,
    /// Transfers.
    pub transfers: i64,
    /// First-response target met (none: no target).
    pub first_response_met: Option<bool>,
    /// Resolution target met (none: no target).
    pub resolution_met: Option<bool>,
    /// Promises made.
    pub promises_made: i64,
    /// Promises kept on time.
    pub promises_on_time: i64,
    /// Coach overrides.
    pub overrides: i64,
    /// Latest satisfaction rating.
    pub csat: Option<i64>,
    /// Recovery tasks opened.
    pub recovery_opened: i64,
    /// Recovery tasks closed.
    pub recovery_closed: i64,
}

/// Running sums of rows; [`Tally::figures`] turns them into figures.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    tickets: u64,
    resolved: u64,
    one_touch: u64,
    reopened: u64,
    transfers: u64,
    first_response_met: u64,
    first_response_targets: u64,
    resolution_met: u64,
    resolution_targets: u64,
    promises_made: u64,
    promises_on_time: u64,
    overrides: u64,
    csat_sum: u64,
    csat_responses: u64,
    low_csat: u64,
    recovery_opened: u64,
    recovery_closed: u64,
    /// Tickets per first-response bucket.
    pub first_response: Vec<u64>,
    /// Tickets per resolution bucket.
    pub resolution: Vec<u64>,
}

fn count(hist: &mut Vec<u64>, bucket: i64, n: u64) {
    let i = usize::try_from(bucket.max(0)).unwrap_or(0);
    if hist.len() <= i {
        hist.resize(i + 1, 0);
    }
    hist[i] += n;
}

/// What a breakdown sums: one ticket's row or a pre-summed cell.
pub trait Summand {
    /// Where it is counted.
    fn key(&self) -> CellKey;
    /// Adds it to a tally.
    fn add_to(&self, tally: &mut Tally);
}

impl Summand for FactRow {
    fn key(&self) -> CellKey {
        self.cell_key()
    }

    fn add_to(&self, tally: &mut Tally) {
        tally.add(self);
    }
}

impl Summand for Cell {
    fn key(&self) -> CellKey {
        self.key
    }

    fn add_to(&self, tally: &mut Tally) {
        tally.add_sums(&self.sums);
    }
}

/// The nearest-rank percentile (`share` 0–1) of a bucket histogram, in minutes.
pub fn percentile_of(hist: &[u64], share: f64) -> Option<i64> {
    let total: u64 = hist.iter().sum();
    if total == 0 {
        return None;
    }
    // The nearest-rank percentile: the least value with share of the
    // tickets at or below it.
    let rank = ((share * total as f64).ceil() as u64).max(1);
    let mut seen = 0;
    for (bucket, n) in hist.iter().enumerate() {
        seen += n;
        if seen >= rank {
            return Some(bucket_minutes(bucket as i64));
        }
    }
    None
}

fn rate(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

impl Tally {
    /// Adds one ticket.
    pub fn add(&mut self, row: &FactRow) {
        self.tickets += 1;
        self.resolved += u64::from(row.resolved);
        self.one_touch += u64::from(row.one_touch);
        self.reopened += u64::from(row.reopened);
        self.transfers += row.transfers.max(0) as u64;
        if let Some(met) = row.first_response_met {
            self.first_response_targets += 1;
            self.first_response_met += u64::from(met);
        }
        if let Some(met) = row.resolution_met {
            self.resolution_targets += 1;
            self.resolution_met += u64::from(met);
        }
        self.promises_made += row.promises_made.max(0) as u64;
        self.promises_on_time += row.promises_on_time.max(0) as u64;
        self.overrides += row.overrides.max(0) as u64;
        if let Some(csat) = row.csat {
            self.csat_sum += csat.max(0) as u64;
            self.csat_responses += 1;
            self.low_csat += u64::from(csat <= 2);
        }
        self.recovery_opened += row.recovery_opened.max(0) as u64;
        self.recovery_closed += row.recovery_closed.max(0) as u64;
        if let Some(b) = row.first_response_bucket {
            count(&mut self.first_response, b, 1);
        }
        if let Some(b) = row.resolution_bucket {
            count(&mut self.resolution, b, 1);
        }
    }

    /// Adds a pre-summed cell: the same as adding each of its tickets.
    pub fn add_sums(&mut self, sums: &CellSums) {
        let c = sums.counters.map(|v| v.max(0) as u64);
        let fields = [
            &mut self.tickets,
            &mut self.resolved,
            &mut self.one_touch,
            &mut self.reopened,
            &mut self.transfers,
            &mut self.first_response_met,
            &mut self.first_response_targets,
            &mut self.resolution_met,
            &mut self.resolution_targets,
            &mut self.promises_made,
            &mut self.promises_on_time,
            &mut self.overrides,
            &mut self.csat_sum,
            &mut self.csat_responses,
            &mut self.low_csat,
            &mut self.recovery_opened,
            &mut self.recovery_closed,
        ];
        for (field, v) in fields.into_iter().zip(c) {
            *field += v;
        }
        for (b, n) in sums.first_response.entries() {
            count(&mut self.first_response, *b, (*n).max(0) as u64);
        }
        for (b, n) in sums.resolution.entries() {
            count(&mut self.resolution, *b, (*n).max(0) as u64);
        }
    }

    /// The figures of what was added.
    pub fn figures(&self) -> Figures {
        Figures {
            tickets: self.tickets,
            resolved: self.resolved,
            first_response_median: percentile_of(&self.first_response, 0.5),
            first_response_p90: percentile_of(&self.first_response, 0.9),
            resolution_median: percentile_of(&self.resolution, 0.5),
            resolution_p90: percentile_of(&self.resolution, 0.9),
            first_response_sla: rate(self.first_response_met, self.first_response_targets),
            resolution_sla: rate(self.resolution_met, self.resolution_targets),
            one_touch: rate(self.one_touch, self.resolved),
            reopen_rate: rate(self.reopened, self.resolved),
            reopened: self.reopened,
            transfers_per_ticket: rate(self.transfers, self.tickets),
            promises_made: self.promises_made,
            promises_on_time: rate(self.promises_on_time, self.promises_made),
            csat_average: (self.csat_responses > 0)
                .then(|| self.csat_sum as f64 / self.csat_responses as f64),
            csat_responses: self.csat_responses,
            csat_response_rate: rate(self.csat_responses, self.resolved),
            low_csat: self.low_csat,
            overrides: self.overrides,
            recovery_opened: self.recovery_opened,
            recovery_closed: self.recovery_closed,
        }
    }

    /// Counts used by the fairness tests: (resolved, one touch, reopened,
    /// first-response targets met, first-response targets, tickets).
    pub fn counts(&self) -> RateCounts {
        RateCounts {
            tickets: self.tickets,
            resolved: self.resolved,
            one_touch: self.one_touch,
            reopened: self.reopened,
            first_response_met: self.first_response_met,
            first_response_targets: self.first_response_targets,
        }
    }
}

/// The counts behind a tally's rates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateCounts {
    /// Tickets.
    pub tickets: u64,
    /// Resolved.
    pub resolved: u64,
    /// One-touch resolutions.
    pub one_touch: u64,
    /// Reopened.
    pub reopened: u64,
    /// First-response targets met.
    pub first_response_met: u64,
    /// First-response targets that ran.
    pub first_response_targets: u64,
}

/// The figures of a set of tickets (times in business minutes; rates 0–1).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    /// Tickets created (spam and duplicates left out).
    pub tickets: u64,
    /// Resolved now.
    pub resolved: u64,
    /// Median first response time.
    pub first_response_median: Option<i64>,
    /// 90th percentile first response time.
    pub first_response_p90: Option<i64>,
    /// Median resolution time.
    pub resolution_median: Option<i64>,
    /// 90th percentile resolution time.
    pub resolution_p90: Option<i64>,
    /// Share of first-response targets met.
    pub first_response_sla: Option<f64>,
    /// Share of resolution targets met.
    pub resolution_sla: Option<f64>,
    /// Share of resolved tickets resolved with one reply, never reopened.
    pub one_touch: Option<f64>,
    /// Share of resolved tickets reopened at least once.
    pub reopen_rate: Option<f64>,
    /// Tickets reopened at least once.
    pub reopened: u64,
    /// Transfers per ticket (the runaround).
    pub transfers_per_ticket: Option<f64>,
    /// Promises made.
    pub promises_made: u64,
    /// Share of promises kept on time.
    pub promises_on_time: Option<f64>,
    /// Average satisfaction rating (1–5).
    pub csat_average: Option<f64>,
    /// Ratings given.
    pub csat_responses: u64,
    /// Ratings per resolved ticket.
    pub csat_response_rate: Option<f64>,
    /// Ratings of 1 or 2.
    pub low_csat: u64,
    /// Replies sent over the coach's blocking findings.
    pub overrides: u64,
    /// Recovery tasks opened.
    pub recovery_opened: u64,
    /// Recovery tasks closed.
    pub recovery_closed: u64,
}

/// Figures for one value of a dimension.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row<K> {
    /// The period label, team, agent, channel or priority.
    pub key: K,
    /// Its figures.
    #[serde(flatten)]
    pub figures: Figures,
}

/// The full report of a set of tickets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Breakdown {
    /// How the series is grouped.
    pub period: Period,
    /// Everything together.
    pub totals: Figures,
    /// By period, oldest first.
    pub series: Vec<Row<String>>,
    /// By team (none: no team), in id order.
    pub by_team: Vec<Row<Option<TeamId>>>,
    /// By owner (none: unassigned), in id order.
    pub by_agent: Vec<Row<Option<AgentId>>>,
    /// By channel.
    pub by_channel: Vec<Row<Channel>>,
    /// By priority.
    pub by_priority: Vec<Row<Priority>>,
}

fn rows<K: Ord + Clone>(map: HashMap<K, Tally>) -> Vec<Row<K>> {
    let mut keyed: Vec<(K, Tally)> = map.into_iter().collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    keyed
        .into_iter()
        .map(|(key, tally)| Row {
            key,
            figures: tally.figures(),
        })
        .collect()
}

/// Sums rows (or pre-summed cells) into the full report.
pub fn breakdown<T: Summand>(rows_in: &[T], period: Period) -> Breakdown {
    let mut totals = Tally::default();
    let mut series: HashMap<i64, Tally> = HashMap::new();
    let mut teams: HashMap<Option<TeamId>, Tally> = HashMap::new();
    let mut agents: HashMap<Option<AgentId>, Tally> = HashMap::new();
    let mut channels: HashMap<&'static str, (Channel, Tally)> = HashMap::new();
    let mut priorities: HashMap<Priority, Tally> = HashMap::new();
    let mut last_day = i64::MIN;
    let mut last_start = 0;
    for row in rows_in {
        let key = row.key();
        row.add_to(&mut totals);
        if key.day != last_day {
            last_day = key.day;
            last_start = period.start(key.day);
        }
        row.add_to(series.entry(last_start).or_default());
        row.add_to(teams.entry(key.team_id).or_default());
        row.add_to(agents.entry(key.agent_id).or_default());
        row.add_to(
            &mut channels
                .entry(key.channel.as_str())
                .or_insert_with(|| (key.channel, Tally::default()))
                .1,
        );
        row.add_to(priorities.entry(key.priority).or_default());
    }
    let mut by_channel: Vec<Row<Channel>> = channels
        .into_values()
        .map(|(key, t)| Row {
            key,
            figures: t.figures(),
        })
        .collect();
    by_channel.sort_by_key(|r| r.key.as_str());
    Breakdown {
        period,
        totals: totals.figures(),
        series: rows(series)
            .into_iter()
            .map(|r| Row {
                key: period.label(r.key),
                figures: r.figures,
            })
            .collect(),
        by_team: rows(teams),
        by_agent: rows(agents),
        by_channel,
        by_priority: rows(priorities),
    }
}

/// The column names of [`Figures::cells`].
pub const FIGURE_COLUMNS: [&str; 18] = [
    "tickets",
    "resolved",
    "first_response_median_min",
    "first_response_p90_min",
    "resolution_median_min",
    "resolution_p90_min",
    "first_response_sla_met",
    "resolution_sla_met",
    "one_touch",
    "reopen_rate",
    "transfers_per_ticket",
    "promises_made",
    "promises_kept_on_time",
    "csat_average",
    "csat_response_rate",
    "coach_overrides",
    "recovery_opened",
    "recovery_closed",
];

impl Figures {
    /// The figures as text cells, in [`FIGURE_COLUMNS`] order (empty: no value).
    pub fn cells(&self) -> Vec<String> {
        let n = |v: Option<i64>| v.map_or(String::new(), |v| v.to_string());
        let r = |v: Option<f64>| v.map_or(String::new(), |v| format!("{v:.3}"));
        vec![
            self.tickets.to_string(),
            self.resolved.to_string(),
            n(self.first_response_median),
            n(self.first_response_p90),
            n(self.resolution_median),
            n(self.resolution_p90),
            r(self.first_response_sla),
            r(self.resolution_sla),
            r(self.one_touch),
            r(self.reopen_rate),
            r(self.transfers_per_ticket),
            self.promises_made.to_string(),
            r(self.promises_on_time),
            r(self.csat_average),
            r(self.csat_response_rate),
            self.overrides.to_string(),
            self.recovery_opened.to_string(),
            self.recovery_closed.to_string(),
        ]
    }
}

/// One CSV field, quoted when it needs to be (RFC 4180).
pub fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// A CSV table: a header and rows of cells.
pub fn csv(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = header
        .iter()
        .map(|h| csv_field(h))
        .collect::<Vec<_>>()
        .join(",");
    out.push_str("\r\n");
    for row in rows {
        out.push_str(
            &row.iter()
                .map(|c| csv_field(c))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("\r\n");
    }
    out
}

/// A figures table as CSV, the first column named `key`.
pub fn figures_csv(key: &str, rows: &[(String, &Figures)]) -> String {
    let mut header = vec![key];
    header.extend(FIGURE_COLUMNS);
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|(k, f)| {
            let mut row = vec![k.clone()];
            row.extend(f.cells());
            row
        })
        .collect();
    csv(&header, &cells)
}
