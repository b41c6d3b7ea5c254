//! Response-target clocks, decided from what happened on a ticket. Pure:
//! the caller reads the ticket's history into [`Happening`]s and gets back
//! each clock (elapsed business time, due time, paused, met or breached)
//! and the transitions to record as events.
//!
//! Three clocks, each in business minutes of one calendar:
//! - first response: starts when the ticket opens, met by the first public
//!   reply of an agent;
//! - next response: started by a customer message when none is running and
//!   the first response was given; a further customer message does not
//!   restart it; met by the next public reply of an agent;
//! - resolution: starts when the ticket opens, stops when it is solved or
//!   closed; a reopen continues it with the business time it had.
//!
//! An internal note is never a response. While the ticket is in a pausing
//! status (pending and on hold by default) every running clock is paused:
//! its elapsed business time is kept, and it continues from there.

use crate::calendar::BusinessCalendar;
use crate::ticket::Status;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// Which target a clock measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockKind {
    /// Until the first public reply.
    FirstResponse,
    /// From a customer's message until the next public reply.
    NextResponse,
    /// Until the ticket is solved.
    Resolution,
}

crate::str_enum!(ClockKind {
    ClockKind::FirstResponse => "first_response",
    ClockKind::NextResponse => "next_response",
    ClockKind::Resolution => "resolution",
});

/// A policy's targets in business minutes (`None`: no such target).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Targets {
    /// First response.
    pub first_response: Option<i64>,
    /// Next response.
    pub next_response: Option<i64>,
    /// Resolution.
    pub resolution: Option<i64>,
}

impl Targets {
    /// The target of one clock.
    pub fn of(&self, kind: ClockKind) -> Option<i64> {
        match kind {
            ClockKind::FirstResponse => self.first_response,
            ClockKind::NextResponse => self.next_response,
            ClockKind::Resolution => self.resolution,
        }
    }
}

/// The statuses that pause the clocks (pending and on hold by default).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PausingStatuses(pub Vec<Status>);

impl Default for PausingStatuses {
    fn default() -> Self {
        Self(vec![Status::Pending, Status::OnHold])
    }
}

impl PausingStatuses {
    /// Whether a status pauses the clocks.
    pub fn pauses(&self, status: Status) -> bool {
        self.0.contains(&status)
    }
}

/// What happened on a ticket, as far as the clocks care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Happening {
    /// The ticket was opened in this status.
    Opened(Status),
    /// The customer wrote.
    CustomerMessage,
    /// An agent sent a public reply.
    AgentReply,
    /// An agent wrote an internal note (never a response).
    InternalNote,
    /// The status changed (a reopen is a change out of solved or closed).
    StatusChanged(Status),
}

/// What became of a clock at an instant, to record as a ticket event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockChange {
    /// It started counting.
    Started,
    /// A pausing status stopped it counting.
    Paused,
    /// It counts again, from the business time it had.
    Resumed,
    /// Its target was met (before or after its due time).
    Met,
    /// It stopped without a response being due any more (solved or closed).
    Stopped,
}

/// What became of a clock, as recorded in a ticket's events: its
/// transitions, and the warning share or the target passing while it ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaChange {
    /// It started counting.
    Started,
    /// A pausing status stopped it counting.
    Paused,
    /// It counts again, from the business time it had.
    Resumed,
    /// Its target was met.
    Met,
    /// It stopped without a response being due any more.
    Stopped,
    /// It used the warning share of its target.
    Warned,
    /// It went past its target.
    Breached,
}

crate::str_enum!(SlaChange {
    SlaChange::Started => "started",
    SlaChange::Paused => "paused",
    SlaChange::Resumed => "resumed",
    SlaChange::Met => "met",
    SlaChange::Stopped => "stopped",
    SlaChange::Warned => "warned",
    SlaChange::Breached => "breached",
});

impl From<ClockChange> for SlaChange {
    fn from(change: ClockChange) -> Self {
        match change {
            ClockChange::Started => SlaChange::Started,
            ClockChange::Paused => SlaChange::Paused,
            ClockChange::Resumed => SlaChange::Resumed,
            ClockChange::Met => SlaChange::Met,
            ClockChange::Stopped => SlaChange::Stopped,
        }
    }
}

/// One transition of a clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockTransition {
    /// The clock.
    pub kind: ClockKind,
    /// What became of it.
    pub change: ClockChange,
    /// When (the happening's instant).
    pub at: Timestamp,
    /// Business time counted so far, in microseconds.
    pub elapsed_micros: i64,
}

/// A clock's state after the history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    /// Which target.
    pub kind: ClockKind,
    /// The target in business minutes.
    pub target_minutes: i64,
    /// When it started (the latest start for next response).
    pub started_at: Timestamp,
    /// Business time counted up to `now`, in microseconds.
    pub elapsed_micros: i64,
    /// Counting now (not paused, not stopped).
    pub running: bool,
    /// Paused by the ticket's status.
    pub paused: bool,
    /// When it was met or stopped, if it was.
    pub stopped_at: Option<Timestamp>,
    /// When the target falls due, while it runs; `None` when paused or stopped.
    pub due_at: Option<Timestamp>,
    /// Whether it went past its target (elapsed business time).
    pub breached: bool,
}

impl Clock {
    /// Business minutes left (negative when past the target).
    pub fn remaining_minutes(&self) -> i64 {
        self.target_minutes - self.elapsed_micros.div_euclid(MINUTE)
    }

    /// The share of the target used, in per mille.
    pub fn used_permille(&self) -> i64 {
        if self.target_minutes <= 0 {
            return 1000;
        }
        self.elapsed_micros.saturating_mul(1000) / (self.target_minutes * MINUTE)
    }
}

pub(crate) const MINUTE: i64 = 60_000_000;

/// The clocks of a ticket and the transitions that led there.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Clocks {
    /// Each clock that ever started (next response: its latest round).
    pub clocks: Vec<Clock>,
    /// Every transition, in order.
    pub transitions: Vec<ClockTransition>,
}

#[derive(Debug, Clone, Copy)]
struct Running {
    kind: ClockKind,
    target: i64,
    started_at: Timestamp,
    elapsed: i64,
    /// Counting since this instant (None: paused or stopped).
    since: Option<Timestamp>,
    stopped_at: Option<Timestamp>,
}

struct Replay<'a> {
    calendar: &'a BusinessCalendar,
    pausing: &'a PausingStatuses,
    targets: Targets,
    status: Status,
    replied: bool,
    clocks: Vec<Running>,
    transitions: Vec<ClockTransition>,
}

impl Replay<'_> {
    fn counting(&self) -> bool {
        !self.pausing.pauses(self.status) && !matches!(self.status, Status::Solved | Status::Closed)
    }

    fn note(&mut self, index: usize, change: ClockChange, at: Timestamp) {
        let clock = self.clocks[index];
        self.transitions.push(ClockTransition {
            kind: clock.kind,
            change,
            at,
            elapsed_micros: clock.elapsed,
        });
    }

    fn open_clock(&mut self, kind: ClockKind, at: Timestamp) -> Option<usize> {
        if self
            .clocks
            .iter()
            .any(|c| c.kind == kind && c.stopped_at.is_none())
        {
            return None;
        }
        let target = self.targets.of(kind)?;
        let counting = self.counting();
        self.clocks.push(Running {
            kind,
            target,
            started_at: at,
            elapsed: 0,
            since: counting.then_some(at),
            stopped_at: None,
        });
        let index = self.clocks.len() - 1;
        self.note(index, ClockChange::Started, at);
        if !counting {
            self.note(index, ClockChange::Paused, at);
        }
        Some(index)
    }

    /// Adds the business time since the clock last counted, and stops counting.
    fn halt(&mut self, index: usize, at: Timestamp) {
        let clock = &mut self.clocks[index];
        if let Some(since) = clock.since.take() {
            clock.elapsed += self.calendar.business_micros_between(since, at);
        }
    }

    fn stop_clocks(&mut self, kinds: &[ClockKind], change: ClockChange, at: Timestamp) {
        for index in 0..self.clocks.len() {
            let c = self.clocks[index];
            if kinds.contains(&c.kind) && c.stopped_at.is_none() {
                self.halt(index, at);
                self.clocks[index].stopped_at = Some(at);
                self.note(index, change, at);
            }
        }
    }

    fn set_status(&mut self, status: Status, at: Timestamp) {
        let was_counting = self.counting();
        let was_finished = matches!(self.status, Status::Solved | Status::Closed);
        self.status = status;
        let counting = self.counting();
        if matches!(status, Status::Solved | Status::Closed) {
            self.stop_clocks(
                &[ClockKind::FirstResponse, ClockKind::NextResponse],
                ClockChange::Stopped,
                at,
            );
            self.stop_clocks(&[ClockKind::Resolution], ClockChange::Met, at);
            return;
        }
        let mut reopened = None;
        if was_finished {
            // A reopen: resolution continues from the business time it had.
            match self
                .clocks
                .iter()
                .rposition(|c| c.kind == ClockKind::Resolution)
            {
                Some(index) => {
                    self.clocks[index].stopped_at = None;
                    self.clocks[index].since = counting.then_some(at);
                    self.note(index, ClockChange::Resumed, at);
                    if !counting {
                        self.note(index, ClockChange::Paused, at);
                    }
                    reopened = Some(index);
                }
                None => reopened = self.open_clock(ClockKind::Resolution, at),
            }
        }
        for index in 0..self.clocks.len() {
            if self.clocks[index].stopped_at.is_some() || Some(index) == reopened {
                continue;
            }
            if was_counting && !counting {
                self.halt(index, at);
                self.note(index, ClockChange::Paused, at);
            } else if !was_counting && counting {
                self.clocks[index].since = Some(at);
                self.note(index, ClockChange::Resumed, at);
            }
        }
    }

    fn happen(&mut self, at: Timestamp, happening: Happening) {
        match happening {
            Happening::Opened(status) => {
                self.status = status;
                self.open_clock(ClockKind::FirstResponse, at);
                self.open_clock(ClockKind::Resolution, at);
            }
            Happening::CustomerMessage => {
                if self.replied {
                    self.open_clock(ClockKind::NextResponse, at);
                }
            }
            Happening::AgentReply => {
                self.replied = true;
                self.stop_clocks(
                    &[ClockKind::FirstResponse, ClockKind::NextResponse],
                    ClockChange::Met,
                    at,
                );
            }
            Happening::InternalNote => {}
            Happening::StatusChanged(status) => self.set_status(status, at),
        }
    }
}

/// When `left` microseconds of business time counted from `since` run out:
/// whole minutes by the calendar, the rest from the opening after them.
pub(crate) fn due(calendar: &BusinessCalendar, since: Timestamp, left: i64) -> Option<Timestamp> {
    let left = left.max(0);
    let whole = calendar.add_business_minutes(since, left / MINUTE)?;
    let rest = left % MINUTE;
    if rest == 0 {
        return Some(whole);
    }
    calendar
        .add_business_minutes(whole, 0)
        .map(|start| Timestamp(start.0 + rest))
}

/// Replays a ticket's history (in order) under a policy's targets and tells
/// each clock's state at `now`, with the transitions to record.
pub fn replay_clocks(
    calendar: &BusinessCalendar,
    pausing: &PausingStatuses,
    targets: Targets,
    history: &[(Timestamp, Happening)],
    now: Timestamp,
) -> Clocks {
    let mut replay = Replay {
        calendar,
        pausing,
        targets,
        status: Status::New,
        replied: false,
        clocks: Vec::new(),
        transitions: Vec::new(),
    };
    for &(at, happening) in history {
        replay.happen(at, happening);
    }
    let mut clocks: Vec<Clock> = Vec::new();
    for c in &replay.clocks {
        let counted = c
            .since
            .map_or(0, |since| calendar.business_micros_between(since, now));
        let elapsed = c.elapsed + counted;
        let running = c.since.is_some() && c.stopped_at.is_none();
        let due_at = match c.since {
            Some(since) if running => due(calendar, since, c.target * MINUTE - c.elapsed),
            _ => None,
        };
        let clock = Clock {
            kind: c.kind,
            target_minutes: c.target,
            started_at: c.started_at,
            elapsed_micros: elapsed,
            running,
            paused: c.stopped_at.is_none() && c.since.is_none(),
            stopped_at: c.stopped_at,
            due_at,
            breached: elapsed > c.target * MINUTE,
        };
        // Next response: keep only the latest round.
        match clocks.iter_mut().find(|k| k.kind == clock.kind) {
            Some(existing) => *existing = clock,
            None => clocks.push(clock),
        }
    }
    Clocks {
        clocks,
        transitions: replay.transitions,
    }
}

mod plan;
pub use plan::{ClockPlan, PolicyConditions, SlaPolicy, SlaRules, happenings};

#[cfg(test)]
mod tests;
