//! Which response-target policy applies to a ticket, and what its clocks
//! mean for the ticket after a change: the due times kept on the ticket,
//! the transitions to record, and the warnings and breaches that are due.

use super::{
    Clock, ClockKind, Clocks, Happening, MINUTE, PausingStatuses, SlaChange, Targets, due,
    replay_clocks,
};
use crate::calendar::BusinessCalendar;
use crate::event::{Event, EventKind};
use crate::ids::TeamId;
use crate::ticket::{Channel, Priority, Status, Ticket};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;

/// When a policy applies; an empty list matches anything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PolicyConditions {
    /// Any of these priorities.
    pub priorities: Vec<Priority>,
    /// Any of these teams.
    pub teams: Vec<TeamId>,
    /// Any of these channels.
    pub channels: Vec<Channel>,
    /// Any of these ticket tags (a customer's tier is tagged on the ticket).
    pub tags: Vec<String>,
}

impl PolicyConditions {
    /// Whether a ticket meets every condition.
    pub fn matches(&self, ticket: &Ticket) -> bool {
        (self.priorities.is_empty() || self.priorities.contains(&ticket.priority))
            && (self.teams.is_empty()
                || ticket
                    .team_id
                    .is_some_and(|team| self.teams.contains(&team)))
            && (self.channels.is_empty() || self.channels.contains(&ticket.channel))
            && (self.tags.is_empty() || self.tags.iter().any(|t| ticket.tags.contains(t)))
    }
}

/// A response-target policy: conditions, the calendar its targets are
/// counted in, the targets in business minutes and the warning share.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaPolicy {
    /// Its id.
    pub id: i64,
    /// Its name ("Urgent", "Default").
    pub name: String,
    /// Order of matching; the first match wins.
    pub position: i64,
    /// When it applies.
    pub conditions: PolicyConditions,
    /// The calendar its targets are counted in (`None`: the default).
    pub calendar_id: Option<i64>,
    /// The targets.
    pub targets: Targets,
    /// The share of a target, in per mille, at which to warn (750 = 75 %).
    pub warn_permille: i64,
}

/// Everything the clocks of any ticket depend on: the policies in order, the
/// calendars, the pausing statuses and the targets when no policy matches.
#[derive(Debug, Clone)]
pub struct SlaRules {
    /// Policies, in matching order.
    pub policies: Vec<SlaPolicy>,
    /// Calendars by id.
    pub calendars: HashMap<i64, Arc<BusinessCalendar>>,
    /// The default calendar.
    pub default_calendar: Arc<BusinessCalendar>,
    /// Which statuses pause the clocks.
    pub pausing: PausingStatuses,
    /// Targets when no policy matches.
    pub fallback: Targets,
    /// Warning share when no policy matches, in per mille.
    pub fallback_warn_permille: i64,
}

/// The clocks of a ticket after a change, and what to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockPlan {
    /// The policy that applies (`None`: the fallback targets).
    pub policy_id: Option<i64>,
    /// The clocks at `now`.
    pub clocks: Vec<Clock>,
    /// The earliest due time of a running clock (kept on the ticket, indexed).
    pub due_at: Option<Timestamp>,
    /// When a running clock next passes its warning share or its target
    /// without that being recorded yet (kept on the ticket for the sweep).
    pub next_alert_at: Option<Timestamp>,
    /// The clocks' transitions caused by the change, to record with its actor.
    pub transitions: Vec<EventKind>,
    /// Warnings and breaches reached by `now` and not recorded yet.
    pub alerts: Vec<EventKind>,
}

impl ClockPlan {
    /// The running clock of a kind.
    pub fn clock(&self, kind: ClockKind) -> Option<&Clock> {
        self.clocks.iter().find(|c| c.kind == kind)
    }
}

/// What in a ticket's events the clocks care about, in order.
pub fn happenings(events: &[Event]) -> Vec<(Timestamp, Happening)> {
    events
        .iter()
        .filter_map(|e| {
            let happening = match &e.kind {
                EventKind::Created { .. } => Happening::Opened(Status::New),
                EventKind::CustomerWrote { .. } => Happening::CustomerMessage,
                EventKind::Replied { .. } => Happening::AgentReply,
                EventKind::Noted { .. } => Happening::InternalNote,
                EventKind::StatusChanged { to, .. } => Happening::StatusChanged(*to),
                EventKind::ClosedAsSpam { .. } | EventKind::ClosedAsDuplicate { .. } => {
                    Happening::StatusChanged(Status::Closed)
                }
                _ => return None,
            };
            Some((e.at, happening))
        })
        .collect()
}

impl SlaRules {
    /// The first policy whose conditions the ticket meets.
    pub fn policy_for(&self, ticket: &Ticket) -> Option<&SlaPolicy> {
        self.policies.iter().find(|p| p.conditions.matches(ticket))
    }

    /// The calendar a policy counts in.
    pub fn calendar_of(&self, policy: Option<&SlaPolicy>) -> &Arc<BusinessCalendar> {
        policy
            .and_then(|p| p.calendar_id)
            .and_then(|id| self.calendars.get(&id))
            .unwrap_or(&self.default_calendar)
    }

    /// Whether an event can change a ticket's clocks or its policy.
    pub fn is_relevant(kind: &EventKind) -> bool {
        matches!(
            kind,
            EventKind::Created { .. }
                | EventKind::CustomerWrote { .. }
                | EventKind::Replied { .. }
                | EventKind::StatusChanged { .. }
                | EventKind::ClosedAsSpam { .. }
                | EventKind::ClosedAsDuplicate { .. }
                | EventKind::PriorityChanged { .. }
                | EventKind::Tagged { .. }
                | EventKind::Assigned { .. }
                | EventKind::Transferred { .. }
        )
    }

    /// Plans a ticket's clocks at `now` from its whole history (`events`, in
    /// order), of which `events[new_from..]` are the change just made.
    pub fn plan(
        &self,
        ticket: &Ticket,
        events: &[Event],
        new_from: usize,
        now: Timestamp,
    ) -> ClockPlan {
        let policy = self.policy_for(ticket);
        let targets = policy.map_or(self.fallback, |p| p.targets);
        let warn = policy.map_or(self.fallback_warn_permille, |p| p.warn_permille);
        let calendar = self.calendar_of(policy);
        let history = happenings(events);
        let Clocks {
            clocks,
            transitions,
        } = replay_clocks(calendar, &self.pausing, targets, &history, now);
        // Nothing new (a sweep, a recompute): no second replay.
        let earlier = if new_from >= events.len() {
            transitions.len()
        } else {
            let before = happenings(&events[..new_from]);
            replay_clocks(calendar, &self.pausing, targets, &before, now)
                .transitions
                .len()
        };
        let new_transitions = transitions
            .iter()
            .skip(earlier)
            .map(|t| {
                let clock = clocks.iter().find(|c| c.kind == t.kind);
                EventKind::SlaClock {
                    clock: t.kind,
                    change: t.change.into(),
                    due_at: clock.filter(|c| c.running).and_then(|c| c.due_at),
                    elapsed_minutes: t.elapsed_micros.div_euclid(MINUTE),
                    target_minutes: targets.of(t.kind).unwrap_or(0),
                }
            })
            .collect::<Vec<_>>();
        let recorded =
            recorded_alerts(events.iter().map(|e| &e.kind).chain(new_transitions.iter()));
        let mut alerts = Vec::new();
        let mut next_alert_at: Option<Timestamp> = None;
        for clock in clocks.iter().filter(|c| c.running) {
            let (warned, breached) = recorded.get(&clock.kind).copied().unwrap_or_default();
            let target = clock.target_minutes * MINUTE;
            let warn_at = target.saturating_mul(warn) / 1000;
            for (done, threshold, change) in [
                (warned, warn_at, SlaChange::Warned),
                (breached, target, SlaChange::Breached),
            ] {
                if done {
                    continue;
                }
                if clock.elapsed_micros >= threshold
                    && (change == SlaChange::Warned || clock.breached)
                {
                    alerts.push(EventKind::SlaClock {
                        clock: clock.kind,
                        change,
                        due_at: clock.due_at,
                        elapsed_minutes: clock.elapsed_micros.div_euclid(MINUTE),
                        target_minutes: clock.target_minutes,
                    });
                } else {
                    let left =
                        threshold - clock.elapsed_micros + i64::from(change == SlaChange::Breached);
                    if let Some(at) = due(calendar, now, left) {
                        next_alert_at = Some(next_alert_at.map_or(at, |n| n.min(at)));
                    }
                }
            }
        }
        let due_at = clocks.iter().filter_map(|c| c.due_at).min();
        ClockPlan {
            policy_id: policy.map(|p| p.id),
            clocks,
            due_at,
            next_alert_at,
            transitions: new_transitions,
            alerts,
        }
    }
}

/// For each clock, whether its current round was already warned and breached.
fn recorded_alerts<'a>(
    kinds: impl Iterator<Item = &'a EventKind>,
) -> HashMap<ClockKind, (bool, bool)> {
    let mut recorded: HashMap<ClockKind, (bool, bool)> = HashMap::new();
    for kind in kinds {
        if let EventKind::SlaClock { clock, change, .. } = kind {
            let entry = recorded.entry(*clock).or_default();
            match change {
                SlaChange::Started => *entry = (false, false),
                SlaChange::Warned => entry.0 = true,
                SlaChange::Breached => entry.1 = true,
                _ => {}
            }
        }
    }
    recorded
}

#[cfg(test)]
mod tests;
