//! Report figures folded from a ticket's events: the per-ticket facts the
//! report projection stores, time buckets for percentiles, and periods.

pub mod cells;
pub mod fairness;
pub mod figures;
pub mod stats;

use crate::calendar::BusinessCalendar;
use crate::event::{Actor, Event, EventKind};
use crate::ids::{AgentId, CustomerId, EventId, TeamId, TicketId};
use crate::sla::{ClockKind, SlaChange};
use crate::ticket::{Channel, Closure, Priority, Status, Ticket};
use crate::time::Timestamp;

/// Minutes below which a time bucket is one minute wide.
const EXACT_MINUTES: i64 = 240;
/// Relative width of the buckets above [`EXACT_MINUTES`] (2%).
const BUCKET_GROWTH: f64 = 1.02;

/// A response-target clock's outcome on a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TargetOutcome {
    /// Business minutes the clock counted when it was last met.
    pub met_minutes: Option<i64>,
    /// Whether it was met within its target (none: no target ran).
    pub met: Option<bool>,
}

/// The coach on one sent reply: the checks that raised findings on it
/// (`coach_found`), or those it was sent over (`coach_overridden`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoachFact {
    /// The event.
    pub event_id: EventId,
    /// Who sent the reply.
    pub agent_id: Option<AgentId>,
    /// The checks.
    pub checks: Vec<String>,
    /// When.
    pub at: Timestamp,
}

impl CoachFact {
    fn of(event: &Event, checks: &[String]) -> CoachFact {
        CoachFact {
            event_id: event.id,
            agent_id: match event.actor {
                Actor::Agent(a) => Some(a),
                _ => None,
            },
            checks: checks.to_vec(),
            at: event.at,
        }
    }
}

/// What the reports need to know of one ticket, folded from its events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketFacts {
    /// The ticket.
    pub ticket_id: TicketId,
    /// Day of creation in the business zone (days since 1970-01-01).
    pub day: i64,
    /// Its queue now.
    pub team_id: Option<TeamId>,
    /// Its owner now (the agent it is reported under).
    pub agent_id: Option<AgentId>,
    /// Who asked.
    pub customer_id: CustomerId,
    /// How it came in.
    pub channel: Channel,
    /// Its priority now.
    pub priority: Priority,
    /// Created.
    pub created_at: Timestamp,
    /// Not spam nor a duplicate: counted in the figures.
    pub counted: bool,
    /// Business minutes to the first public reply.
    pub first_response_minutes: Option<i64>,
    /// Business minutes to the last time it was solved, while it is.
    pub resolution_minutes: Option<i64>,
    /// Solved (or closed after being solved) now.
    pub resolved: bool,
    /// Resolved with one public reply and never reopened.
    pub one_touch: bool,
    /// Times it went back from solved or closed to work.
    pub reopens: i64,
    /// Times it was passed on.
    pub transfers: i64,
    /// The first-response target.
    pub first_response_target: TargetOutcome,
    /// The resolution target.
    pub resolution_target: TargetOutcome,
    /// Promises made in replies.
    pub promises_made: i64,
    /// Promises kept by their due time.
    pub promises_on_time: i64,
    /// Promises kept after their due time.
    pub promises_late: i64,
    /// Promises whose due time passed while open.
    pub promises_broken: i64,
    /// Replies sent over the coach's blocking findings.
    pub overrides: Vec<CoachFact>,
    /// The coach's findings on every sent reply.
    pub findings: Vec<CoachFact>,
    /// The customer's latest satisfaction rating (1–5), if any.
    pub csat: Option<i64>,
    /// Recovery tasks opened for the ticket.
    pub recovery_opened: i64,
    /// Recovery tasks closed.
    pub recovery_closed: i64,
}

/// Days since 1970-01-01 of an instant's civil date in the calendar's zone.
pub fn business_day(calendar: &BusinessCalendar, at: Timestamp) -> i64 {
    let date = calendar.local_time(at).date();
    let epoch = jiff::civil::date(1970, 1, 1);
    date.duration_since(epoch).as_secs().div_euclid(86_400)
}

/// The civil date of a day number.
pub fn day_date(day: i64) -> jiff::civil::Date {
    let epoch = jiff::civil::date(1970, 1, 1);
    epoch
        .checked_add(jiff::SignedDuration::from_hours(day.saturating_mul(24)))
        .unwrap_or(epoch)
}

/// Folds a ticket's events (oldest first) into its report facts. Business
/// times come from the SLA clocks' own replay where a target ran (pauses
/// taken out), else from the calendar between creation and the reply.
pub fn ticket_facts(ticket: &Ticket, events: &[Event], calendar: &BusinessCalendar) -> TicketFacts {
    let mut first_reply: Option<Timestamp> = None;
    let mut replies = 0i64;
    let mut solved_at: Option<Timestamp> = None;
    let mut facts = TicketFacts {
        ticket_id: ticket.id,
        day: business_day(calendar, ticket.created_at),
        team_id: ticket.team_id,
        agent_id: ticket.owner_id,
        customer_id: ticket.customer_id,
        channel: ticket.channel,
        priority: ticket.priority,
        created_at: ticket.created_at,
        counted: !matches!(
            ticket.closure,
            Some(Closure::Spam { .. } | Closure::Duplicate { .. })
        ),
        first_response_minutes: None,
        resolution_minutes: None,
        resolved: false,
        one_touch: false,
        reopens: 0,
        transfers: 0,
        first_response_target: TargetOutcome::default(),
        resolution_target: TargetOutcome::default(),
        promises_made: 0,
        promises_on_time: 0,
        promises_late: 0,
        promises_broken: 0,
        overrides: Vec::new(),
        findings: Vec::new(),
        csat: None,
        recovery_opened: 0,
        recovery_closed: 0,
    };
    for event in events {
        match &event.kind {
            EventKind::Replied { .. } => {
                replies += 1;
                first_reply.get_or_insert(event.at);
            }
            EventKind::StatusChanged { from, to } => {
                if *to == Status::Solved {
                    solved_at = Some(event.at);
                }
                if matches!(from, Status::Solved | Status::Closed)
                    && !matches!(to, Status::Solved | Status::Closed)
                {
                    facts.reopens += 1;
                }
            }
            EventKind::Transferred { .. } => facts.transfers += 1,
            EventKind::PromiseMade { .. } => facts.promises_made += 1,
            EventKind::PromiseKept { on_time: true, .. } => facts.promises_on_time += 1,
            EventKind::PromiseKept { on_time: false, .. } => facts.promises_late += 1,
            EventKind::PromiseBroken { .. } => facts.promises_broken += 1,
            EventKind::CoachOverridden { checks, .. } => {
                facts.overrides.push(CoachFact::of(event, checks));
            }
            EventKind::CoachFound { checks, .. } => {
                facts.findings.push(CoachFact::of(event, checks));
            }
            EventKind::SlaClock {
                clock,
                change,
                elapsed_minutes,
                target_minutes,
                ..
            } => {
                let outcome = match clock {
                    ClockKind::FirstResponse => &mut facts.first_response_target,
                    ClockKind::Resolution => &mut facts.resolution_target,
                    ClockKind::NextResponse => continue,
                };
                match change {
                    SlaChange::Started => *outcome = TargetOutcome::default(),
                    SlaChange::Met => {
                        outcome.met_minutes = Some(*elapsed_minutes);
                        outcome.met = Some(*elapsed_minutes <= *target_minutes);
                    }
                    SlaChange::Breached => outcome.met = Some(false),
                    _ => {}
                }
            }
            // Events are in order: the latest answer counts.
            EventKind::SatisfactionRated { rating, .. } => facts.csat = Some(i64::from(*rating)),
            EventKind::RecoveryOpened { .. } => facts.recovery_opened += 1,
            // A task is followed up once (the store refuses a second).
            EventKind::RecoveryFollowedUp { .. } => facts.recovery_closed += 1,
            _ => {}
        }
    }
    facts.resolved = match ticket.status {
        Status::Solved => true,
        Status::Closed => matches!(ticket.closure, Some(Closure::Resolved) | None),
        _ => false,
    };
    facts.first_response_minutes = first_reply.map(|at| {
        facts
            .first_response_target
            .met_minutes
            .unwrap_or_else(|| calendar.business_minutes_between(ticket.created_at, at))
    });
    if facts.resolved {
        facts.resolution_minutes = solved_at.map(|at| {
            facts
                .resolution_target
                .met_minutes
                .unwrap_or_else(|| calendar.business_minutes_between(ticket.created_at, at))
        });
        facts.one_touch = replies == 1 && facts.reopens == 0;
    }
    facts
}

/// The percentile bucket of a time: one per minute below four hours, then
/// 2% wide (the value read back is the bucket's lower bound).
pub fn time_bucket(minutes: i64) -> i64 {
    if minutes < EXACT_MINUTES {
        return minutes.max(0);
    }
    let steps = ((minutes as f64) / (EXACT_MINUTES as f64)).ln() / BUCKET_GROWTH.ln();
    EXACT_MINUTES + steps.floor() as i64
}

/// The lower bound in minutes of a bucket from [`time_bucket`].
pub fn bucket_minutes(bucket: i64) -> i64 {
    if bucket < EXACT_MINUTES {
        return bucket;
    }
    let value = (EXACT_MINUTES as f64) * BUCKET_GROWTH.powi((bucket - EXACT_MINUTES) as i32);
    // The bound is the least minute that falls in the bucket.
    let mut m = value.floor() as i64;
    while time_bucket(m) < bucket {
        m += 1;
    }
    while m > 0 && time_bucket(m - 1) >= bucket {
        m -= 1;
    }
    m
}

/// How report figures are grouped in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// Calendar days in the business zone.
    Day,
    /// ISO weeks (Monday first).
    Week,
    /// Calendar months.
    Month,
}

crate::str_enum!(Period {
    Period::Day => "day",
    Period::Week => "week",
    Period::Month => "month",
});

impl Period {
    /// The first day (number) of the period holding `day`.
    pub fn start(self, day: i64) -> i64 {
        match self {
            Period::Day => day,
            // 1970-01-01 was a Thursday: day 4 was a Monday.
            Period::Week => day - (day - 4).rem_euclid(7),
            Period::Month => {
                let date = day_date(day);
                day - i64::from(date.day()) + 1
            }
        }
    }

    /// The period's label: `2026-12-04`, `2026-W49`, `2026-12`.
    pub fn label(self, start: i64) -> String {
        let date = day_date(start);
        match self {
            Period::Day => date.to_string(),
            Period::Week => {
                let week = date.iso_week_date();
                format!("{}-W{:02}", week.year(), week.week())
            }
            Period::Month => format!("{:04}-{:02}", date.year(), date.month()),
        }
    }
}

#[cfg(test)]
mod tests;
