//! Reports from the event log: the figures by period and dimension, the
//! coaching scorecards, the fairness audit, and the projection rebuild.
//! Sums run on the CPU pool; the projection is read, never the events.

use crate::{App, AppError, Caller};
use rapport_core::report::fairness::{Audit, audit};
use rapport_core::report::figures::{Breakdown, Figures, Tally, breakdown};
use rapport_core::report::{Period, business_day};
use rapport_core::{AgentId, Permission, Role, TeamId, TicketId, Timestamp};
use rapport_store::StoreError;
pub use rapport_store::{OverrideCount, ReportFilter};
use serde::Serialize;
use tokio::task::JoinHandle;

/// Rows per rebuild batch.
const REBUILD_BATCH: i64 = 5_000;
/// Groups smaller than this are shown but draw no conclusion.
pub const MIN_GROUP_SIZE: u64 = 30;

/// What a report asks for: the tickets (by the business zone's days of
/// creation) and how the series is grouped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportQuery {
    /// Which tickets.
    pub filter: ReportFilter,
    /// Day, week or month.
    pub period: Period,
}

/// The full report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The figures, their series and breakdowns.
    #[serde(flatten)]
    pub breakdown: Breakdown,
    /// Coach overrides: what was overridden, how often, by whom.
    pub overrides: Vec<OverrideRow>,
    /// The coach's findings on sent replies: which check, how often, on whose replies.
    pub findings: Vec<FindingRow>,
}

/// The coach's findings of one check on one agent's sent replies.
#[derive(Debug, Clone, Serialize)]
pub struct FindingRow {
    /// Whose replies.
    pub agent_id: Option<AgentId>,
    /// Which check.
    pub check: String,
    /// On how many replies.
    pub count: i64,
}

/// The coach's findings of one check in one period.
#[derive(Debug, Clone, Serialize)]
pub struct FindingPeriod {
    /// The period's label (`2026-12`, `2026-W49`, `2026-12-04`).
    pub period: String,
    /// Which check.
    pub check: String,
    /// On how many replies.
    pub count: i64,
}

/// Overrides of one check by one agent.
#[derive(Debug, Clone, Serialize)]
pub struct OverrideRow {
    /// Who.
    pub agent_id: Option<AgentId>,
    /// Which check.
    pub check: String,
    /// How often.
    pub count: i64,
    /// Of those, tickets that came back unhappy (reopened or rated 1–2).
    pub unhappy: i64,
}

/// An agent's coaching scorecard: for training, not ranking.
#[derive(Debug, Clone, Serialize)]
pub struct Scorecard {
    /// The agent.
    pub agent_id: AgentId,
    /// Their figures over the whole span.
    pub figures: Figures,
    /// Their figures by period (the coach's findings they overrode, their
    /// promises, their customers' ratings over time).
    pub series: Vec<rapport_core::report::figures::Row<String>>,
    /// The coach findings they sent replies over, by check.
    pub overrides: Vec<OverrideRow>,
    /// The coach's findings on their sent replies, by check.
    pub findings: Vec<FindingRow>,
    /// The same findings over time, by period and check.
    pub findings_series: Vec<FindingPeriod>,
    /// Their teams' figures over the same span, for comparison.
    pub team_figures: Option<Figures>,
    /// Where they could use help, in English words (empty: nothing
    /// stands out).
    pub needs_help: Vec<String>,
    /// The same as catalogue sentences, for pages in the reader's language.
    #[serde(skip)]
    pub advice: Vec<crate::Msg>,
}

impl App {
    /// The calendar day (business zone) of an instant.
    pub async fn report_day(&self, at: Timestamp) -> Result<i64, AppError> {
        let rules = self.sla_rules().await?;
        Ok(business_day(rules.calendar_of(None), at))
    }

    pub(crate) fn require_lead(caller: &Caller, action: &str) -> Result<(), AppError> {
        caller.require(Permission::Read, action)?;
        if caller.role < Role::Lead {
            return Err(AppError::Forbidden(msg!(
                "error.reports.lead_only",
                action = action
            )));
        }
        Ok(())
    }

    /// The full report (leads and admins).
    pub async fn report(&self, caller: &Caller, query: &ReportQuery) -> Result<Report, AppError> {
        Self::require_lead(caller, "read reports")?;
        let rows = self.store().report_cells(&query.filter).await?;
        let overrides = self.store().override_counts(&query.filter).await?;
        let period = query.period;
        let breakdown = self
            .cpu()
            .run(None, move || breakdown(&rows, period))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let (overrides, findings) = coach_rows(overrides);
        Ok(Report {
            breakdown,
            overrides,
            findings,
        })
    }

    /// An agent's scorecard: the agent themself, a lead of one of their
    /// teams, or an admin.
    pub async fn scorecard(
        &self,
        caller: &Caller,
        agent: AgentId,
        query: &ReportQuery,
    ) -> Result<Scorecard, AppError> {
        caller.require(Permission::Read, "read scorecards")?;
        self.store().agent(agent).await?;
        let teams = self.store().teams().await?;
        self.scorecard_among(caller, agent, &teams, query).await
    }

    /// [`Self::scorecard`] of an agent known to exist, with the teams
    /// already read (the coaching overview reads them once for everyone).
    pub(crate) async fn scorecard_among(
        &self,
        caller: &Caller,
        agent: AgentId,
        teams: &[rapport_store::TeamRecord],
        query: &ReportQuery,
    ) -> Result<Scorecard, AppError> {
        let theirs: Vec<TeamId> = teams
            .iter()
            .filter(|t| t.members.contains(&agent))
            .map(|t| t.id)
            .collect();
        let allowed = caller.agent_id == agent
            || caller.role >= Role::Admin
            || (caller.role >= Role::Lead
                && teams
                    .iter()
                    .any(|t| theirs.contains(&t.id) && t.members.contains(&caller.agent_id)));
        if !allowed {
            return Err(AppError::Forbidden(msg!("error.reports.scorecard")));
        }
        let mine = ReportFilter {
            agent: Some(agent),
            ..query.filter.clone()
        };
        let rows = self.store().report_cells(&mine).await?;
        let mut team_rows = Vec::new();
        for team in &theirs {
            let filter = ReportFilter {
                team: Some(*team),
                agent: None,
                ..query.filter.clone()
            };
            team_rows.extend(self.store().report_cells(&filter).await?);
        }
        let by_day = self.store().coach_cells_by_day(&mine).await?;
        let findings_series = findings_series(&by_day, query.period);
        let overrides = sum_by_check(by_day);
        let period = query.period;
        let (figures, series, team_figures) = self
            .cpu()
            .run(None, move || {
                let b = breakdown(&rows, period);
                let team = (!team_rows.is_empty()).then(|| {
                    let mut t = Tally::default();
                    team_rows.iter().for_each(|r| t.add_sums(&r.sums));
                    t.figures()
                });
                (b.totals, b.series, team)
            })
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let advice = team_figures
            .as_ref()
            .map(|team| needs_help(&figures, team))
            .unwrap_or_default();
        let needs_help = advice.iter().map(ToString::to_string).collect();
        let (overrides, findings) = coach_rows(overrides);
        Ok(Scorecard {
            agent_id: agent,
            figures,
            series,
            overrides,
            findings,
            findings_series,
            team_figures,
            needs_help,
            advice,
        })
    }

    /// The fairness audit by a grouping: `channel`, `priority`, or a
    /// customer attribute's name (leads and admins).
    pub async fn fairness(
        &self,
        caller: &Caller,
        filter: &ReportFilter,
        group_by: &str,
    ) -> Result<Audit, AppError> {
        Self::require_lead(caller, "read the fairness audit")?;
        let group_by = group_by.trim();
        if group_by.is_empty() || group_by.len() > 64 {
            return Err(AppError::invalid(
                "group_by",
                msg!("error.reports.group_len"),
            ));
        }
        let grouped: Vec<(String, rapport_core::report::figures::FactRow)> = match group_by {
            "channel" => self
                .store()
                .report_rows(filter)
                .await?
                .into_iter()
                .map(|r| (r.channel.as_str().to_string(), r))
                .collect(),
            "priority" => self
                .store()
                .report_rows(filter)
                .await?
                .into_iter()
                .map(|r| (r.priority.as_str().to_string(), r))
                .collect(),
            attribute => {
                let names = self.store().customer_attribute_names().await?;
                if !names.iter().any(|n| n == attribute) {
                    return Err(AppError::invalid(
                        "group_by",
                        if names.is_empty() {
                            msg!("error.reports.group_none")
                        } else {
                            msg!("error.reports.group_by", names = names.join(", "))
                        },
                    ));
                }
                self.store()
                    .report_rows_by_attribute(filter, attribute)
                    .await?
            }
        };
        let name = group_by.to_string();
        self.cpu()
            .run(None, move || {
                audit(
                    &name,
                    grouped.iter().map(|(g, r)| (g.clone(), r)),
                    MIN_GROUP_SIZE,
                )
            })
            .await
            .map_err(|e| AppError::Internal(e.to_string()))
    }

    /// Recomputes the report projection from the whole event log in
    /// batches; `progress(done)` after each. Returns the tickets folded.
    /// Three batches are in flight: one read, the one before folded on the
    /// CPU pool, the one before that written. The cells are summed last.
    pub async fn rebuild_reports(&self, mut progress: impl FnMut(u64)) -> Result<u64, AppError> {
        let rules = self.sla_rules().await?;
        let read = |after: TicketId| {
            let store = self.store().clone();
            tokio::spawn(async move { store.tickets_with_history(after, REBUILD_BATCH).await })
        };
        let mut after = TicketId(0);
        let mut reading = read(after);
        let mut done = 0u64;
        let mut writing: Option<JoinHandle<Result<(), StoreError>>> = None;
        loop {
            let batch = joined(reading).await?;
            let Some((last, _)) = batch.last() else {
                break;
            };
            let (from, to) = (after, last.id);
            after = to;
            reading = read(after);
            let rules = rules.clone();
            let facts = self
                .cpu()
                .run(None, move || {
                    batch
                        .iter()
                        .map(|(t, events)| rapport_store::reports::facts_of(t, events, &rules))
                        .collect::<Vec<_>>()
                })
                .await
                .map_err(|e| AppError::Internal(e.to_string()))?;
            done += facts.len() as u64;
            if let Some(writing) = writing.take() {
                joined(writing).await?;
            }
            let store = self.store().clone();
            writing = Some(tokio::spawn(async move {
                store.replace_report_facts(from, to, &facts).await
            }));
            progress(done);
        }
        if let Some(writing) = writing {
            joined(writing).await?;
        }
        self.store().sum_report_cells().await?;
        Ok(done)
    }
}

/// A spawned store call's result.
async fn joined<T>(task: JoinHandle<Result<T, StoreError>>) -> Result<T, AppError> {
    Ok(task
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??)
}

/// The coach's counts split into the overrides and the findings (each
/// list only where there are some).
fn coach_rows(counts: Vec<OverrideCount>) -> (Vec<OverrideRow>, Vec<FindingRow>) {
    let findings = counts
        .iter()
        .filter(|c| c.findings > 0)
        .map(|c| FindingRow {
            agent_id: c.agent_id,
            check: c.check.clone(),
            count: c.findings,
        })
        .collect();
    let overrides = counts
        .into_iter()
        .filter(|c| c.count > 0)
        .map(|o| OverrideRow {
            agent_id: o.agent_id,
            check: o.check,
            count: o.count,
            unhappy: o.unhappy,
        })
        .collect();
    (overrides, findings)
}

/// Overrides and findings by day summed by agent and check, in agent then
/// check order (what [`rapport_store::Store::override_counts`] gives).
fn sum_by_check(by_day: Vec<(i64, OverrideCount)>) -> Vec<OverrideCount> {
    let mut sums: std::collections::BTreeMap<(Option<AgentId>, String), OverrideCount> =
        Default::default();
    for (_, cell) in by_day {
        let sum = sums
            .entry((cell.agent_id, cell.check.clone()))
            .or_insert_with(|| OverrideCount {
                count: 0,
                unhappy: 0,
                findings: 0,
                ..cell.clone()
            });
        sum.count += cell.count;
        sum.unhappy += cell.unhappy;
        sum.findings += cell.findings;
    }
    sums.into_values().collect()
}

/// Findings by day summed into periods, in period then check order.
fn findings_series(by_day: &[(i64, OverrideCount)], period: Period) -> Vec<FindingPeriod> {
    let mut sums: std::collections::BTreeMap<(i64, String), i64> = Default::default();
    for (day, cell) in by_day.iter().filter(|(_, c)| c.findings > 0) {
        *sums
            .entry((period.start(*day), cell.check.clone()))
            .or_default() += cell.findings;
    }
    sums.into_iter()
        .map(|((start, check), count)| FindingPeriod {
            period: period.label(start),
            check,
            count,
        })
        .collect()
}

/// Where an agent's figures fall clearly behind their team's, in words.
pub fn needs_help(agent: &Figures, team: &Figures) -> Vec<crate::Msg> {
    let mut out = Vec::new();
    if let (Some(a), Some(t)) = (agent.first_response_median, team.first_response_median)
        && a > t + t / 4 + 5
    {
        out.push(msg!("advice.first_reply", agent = a, team = t));
    }
    let rates = [
        ("one_touch", agent.one_touch, team.one_touch, false),
        ("reopened", agent.reopen_rate, team.reopen_rate, true),
        (
            "promises_kept",
            agent.promises_on_time,
            team.promises_on_time,
            false,
        ),
    ];
    for (what, a, t, higher_is_worse) in rates {
        if let (Some(a), Some(t)) = (a, t) {
            let behind = if higher_is_worse {
                a > t + 0.1
            } else {
                a + 0.1 < t
            };
            if behind {
                let (a, t) = (format!("{:.0}", a * 100.0), format!("{:.0}", t * 100.0));
                out.push(match what {
                    "one_touch" => msg!("advice.one_touch", agent = a, team = t),
                    "reopened" => msg!("advice.reopened", agent = a, team = t),
                    _ => msg!("advice.promises_kept", agent = a, team = t),
                });
            }
        }
    }
    if agent.tickets > 0 && agent.overrides * 10 > agent.tickets {
        out.push(msg!(
            "advice.overrides",
            overrides = agent.overrides,
            tickets = agent.tickets
        ));
    }
    if let (Some(a), Some(t)) = (agent.csat_average, team.csat_average)
        && a + 0.5 < t
    {
        out.push(msg!(
            "advice.ratings",
            agent = format!("{a:.1}"),
            team = format!("{t:.1}")
        ));
    }
    out
}

/// The tables of a report, each exportable as CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportTable {
    /// Everything together.
    Totals,
    /// By period.
    Series,
    /// By team.
    Teams,
    /// By owner.
    Agents,
    /// By channel.
    Channels,
    /// By priority.
    Priorities,
    /// Coach overrides by agent and check.
    Overrides,
    /// The coach's findings on sent replies by agent and check.
    Findings,
}

rapport_core::str_enum!(ReportTable {
    ReportTable::Totals => "totals",
    ReportTable::Series => "series",
    ReportTable::Teams => "teams",
    ReportTable::Agents => "agents",
    ReportTable::Channels => "channels",
    ReportTable::Priorities => "priorities",
    ReportTable::Overrides => "overrides",
    ReportTable::Findings => "findings",
});

impl ReportTable {
    /// Every table, in page order.
    pub const ALL: [ReportTable; 8] = [
        ReportTable::Totals,
        ReportTable::Series,
        ReportTable::Teams,
        ReportTable::Agents,
        ReportTable::Channels,
        ReportTable::Priorities,
        ReportTable::Overrides,
        ReportTable::Findings,
    ];
}

fn id_or_none(id: Option<i64>) -> String {
    id.map_or_else(|| "none".to_string(), |i| i.to_string())
}

impl Report {
    /// One table's rows: (key, figures).
    pub fn rows(&self, table: ReportTable) -> Vec<(String, &Figures)> {
        let b = &self.breakdown;
        match table {
            ReportTable::Totals => vec![("all".to_string(), &b.totals)],
            ReportTable::Series => b
                .series
                .iter()
                .map(|r| (r.key.clone(), &r.figures))
                .collect(),
            ReportTable::Teams => b
                .by_team
                .iter()
                .map(|r| (id_or_none(r.key.map(|t| t.0)), &r.figures))
                .collect(),
            ReportTable::Agents => b
                .by_agent
                .iter()
                .map(|r| (id_or_none(r.key.map(|a| a.0)), &r.figures))
                .collect(),
            ReportTable::Channels => b
                .by_channel
                .iter()
                .map(|r| (r.key.as_str().to_string(), &r.figures))
                .collect(),
            ReportTable::Priorities => b
                .by_priority
                .iter()
                .map(|r| (r.key.as_str().to_string(), &r.figures))
                .collect(),
            ReportTable::Overrides | ReportTable::Findings => Vec::new(),
        }
    }

    /// One table as CSV.
    pub fn csv(&self, table: ReportTable) -> String {
        use rapport_core::report::figures::{csv, figures_csv};
        if table == ReportTable::Overrides {
            let rows: Vec<Vec<String>> = self
                .overrides
                .iter()
                .map(|o| {
                    vec![
                        id_or_none(o.agent_id.map(|a| a.0)),
                        o.check.clone(),
                        o.count.to_string(),
                        o.unhappy.to_string(),
                    ]
                })
                .collect();
            return csv(&["agent", "check", "count", "came_back_unhappy"], &rows);
        }
        if table == ReportTable::Findings {
            let rows: Vec<Vec<String>> = self
                .findings
                .iter()
                .map(|f| {
                    vec![
                        id_or_none(f.agent_id.map(|a| a.0)),
                        f.check.clone(),
                        f.count.to_string(),
                    ]
                })
                .collect();
            return csv(&["agent", "check", "replies"], &rows);
        }
        let key = match table {
            ReportTable::Series => "period",
            ReportTable::Teams => "team",
            ReportTable::Agents => "agent",
            ReportTable::Channels => "channel",
            ReportTable::Priorities => "priority",
            _ => "scope",
        };
        figures_csv(key, &self.rows(table))
    }
}
