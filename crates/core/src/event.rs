//! The append-only record of every change to a ticket.

use crate::feedback::RecoveryOutcome;
use crate::ids::{AgentId, CustomerId, EventId, MessageId, PromiseId, TeamId, TicketId};
use crate::sla::{ClockKind, SlaChange};
use crate::ticket::{Channel, Priority, Status};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// Who caused an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Actor {
    /// An agent, through the workspace, the API or the CLI.
    Agent(AgentId),
    /// The customer, by writing in.
    Customer(CustomerId),
    /// Rapport itself.
    System,
}

/// A sentence Rapport wrote into the log, as the catalogues hold it: its
/// key and its values by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteWords {
    /// The catalogue key.
    pub key: String,
    /// The values, by name.
    #[serde(default)]
    pub values: Vec<(String, String)>,
}

/// What changed. Serialized with a `type` tag; the log keeps it as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    /// The ticket came into being.
    Created {
        /// What it is about.
        subject: String,
        /// Who asked.
        customer_id: CustomerId,
        /// How it came in.
        channel: Channel,
        /// Initial priority.
        priority: Priority,
        /// Initial queue.
        team_id: Option<TeamId>,
        /// Initial tags.
        tags: Vec<String>,
    },
    /// The status moved.
    StatusChanged {
        /// Before.
        from: Status,
        /// After.
        to: Status,
    },
    /// An unowned ticket got its owner.
    Assigned {
        /// The new owner.
        to: AgentId,
        /// The queue it is in afterwards.
        team_id: Option<TeamId>,
    },
    /// Passed to another agent or team, with what the next person must know.
    Transferred {
        /// Previous owner.
        from_agent: Option<AgentId>,
        /// New owner (none: waits in the new team's queue).
        to_agent: Option<AgentId>,
        /// Previous team.
        from_team: Option<TeamId>,
        /// New team.
        to_team: Option<TeamId>,
        /// The hand-off note: what the customer said and what was tried.
        note: String,
        /// A note Rapport wrote, as its catalogue key and values, so each
        /// reader reads it in their language (`note` keeps the English).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        words: Option<NoteWords>,
    },
    /// An agent replied to the customer.
    Replied {
        /// The reply.
        message_id: MessageId,
    },
    /// Someone added an internal note.
    Noted {
        /// The note.
        message_id: MessageId,
    },
    /// The customer wrote.
    CustomerWrote {
        /// The customer's message.
        message_id: MessageId,
    },
    /// Tags were added or removed.
    Tagged {
        /// Tags added.
        added: Vec<String>,
        /// Tags removed.
        removed: Vec<String>,
    },
    /// The priority changed.
    PriorityChanged {
        /// Before.
        from: Priority,
        /// After.
        to: Priority,
    },
    /// An agent sent a reply despite blocking coach findings, with a reason.
    CoachOverridden {
        /// The reply that was sent.
        message_id: MessageId,
        /// The checks that blocked (e.g. `rude`, `wrong_name`).
        checks: Vec<String>,
        /// Why the agent sent it anyway.
        reason: String,
    },
    /// The coach's findings on a reply as it was sent (warnings and
    /// blocks; hints are not recorded), whether or not it was overridden.
    CoachFound {
        /// The reply that was sent.
        message_id: MessageId,
        /// The checks that raised a finding (e.g. `basics`, `rude`), each once.
        checks: Vec<String>,
    },
    /// A reply promised the customer something by a time.
    PromiseMade {
        /// The promise record.
        promise_id: PromiseId,
        /// The sentence.
        text: String,
        /// When it is due.
        due_at: Timestamp,
    },
    /// A promise's due time was changed.
    PromiseRescheduled {
        /// The promise.
        promise_id: PromiseId,
        /// Before.
        from: Timestamp,
        /// After.
        to: Timestamp,
    },
    /// The owner was reminded that a promise falls due.
    PromiseReminded {
        /// The promise.
        promise_id: PromiseId,
        /// When it is due.
        due_at: Timestamp,
    },
    /// A promise was kept.
    PromiseKept {
        /// The promise.
        promise_id: PromiseId,
        /// Kept by its due time.
        on_time: bool,
    },
    /// A promise's due time passed while it was open: escalated to the lead,
    /// with a message to the customer prepared for the owner.
    PromiseBroken {
        /// The promise.
        promise_id: PromiseId,
        /// When it was due.
        due_at: Timestamp,
    },
    /// A promise was withdrawn (not a promise after all).
    PromiseDropped {
        /// The promise.
        promise_id: PromiseId,
    },
    /// A response-target clock started, paused, resumed, was met or
    /// stopped, or passed its warning share or its target.
    SlaClock {
        /// Which clock.
        clock: ClockKind,
        /// What became of it.
        change: SlaChange,
        /// When it falls due (while it runs).
        due_at: Option<Timestamp>,
        /// Business minutes counted so far.
        elapsed_minutes: i64,
        /// Its target in business minutes.
        target_minutes: i64,
    },
    /// Closed as spam.
    ClosedAsSpam {
        /// Status before closing.
        from: Status,
        /// Why.
        reason: String,
    },
    /// Closed as a duplicate of another ticket.
    ClosedAsDuplicate {
        /// Status before closing.
        from: Status,
        /// The surviving ticket.
        of: TicketId,
        /// Why.
        reason: String,
    },
    /// The customer answered the satisfaction survey (each answer is one
    /// event; the latest counts).
    SatisfactionRated {
        /// 1 (very unhappy) to 5 (very happy).
        rating: u8,
        /// What they wrote beside it.
        comment: Option<String>,
    },
    /// A low rating or a negative review opened a recovery task for a lead.
    RecoveryOpened {
        /// The task.
        task_id: i64,
        /// Who follows it up (none: the admins).
        lead_id: Option<AgentId>,
        /// The rating that caused it.
        rating: u8,
        /// When the follow-up is due.
        due_at: Timestamp,
    },
    /// The lead followed a recovery task up, with its outcome.
    RecoveryFollowedUp {
        /// The task.
        task_id: i64,
        /// How it ended.
        outcome: RecoveryOutcome,
        /// What the lead did and heard.
        note: String,
    },
    /// A public review or mention was imported as this ticket.
    ReviewImported {
        /// Where it was posted (e.g. `trustpilot`).
        source: String,
        /// Its id at the source.
        external_id: String,
        /// Its rating out of 5, if it had one.
        rating: Option<u8>,
        /// Where it can be read.
        url: Option<String>,
    },
}

impl EventKind {
    /// The event's type name, as stored in its own column for filtering.
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::Created { .. } => "created",
            EventKind::StatusChanged { .. } => "status_changed",
            EventKind::Assigned { .. } => "assigned",
            EventKind::Transferred { .. } => "transferred",
            EventKind::Replied { .. } => "replied",
            EventKind::Noted { .. } => "noted",
            EventKind::CustomerWrote { .. } => "customer_wrote",
            EventKind::Tagged { .. } => "tagged",
            EventKind::PriorityChanged { .. } => "priority_changed",
            EventKind::CoachOverridden { .. } => "coach_overridden",
            EventKind::CoachFound { .. } => "coach_found",
            EventKind::PromiseMade { .. } => "promise_made",
            EventKind::PromiseRescheduled { .. } => "promise_rescheduled",
            EventKind::PromiseReminded { .. } => "promise_reminded",
            EventKind::PromiseKept { .. } => "promise_kept",
            EventKind::PromiseBroken { .. } => "promise_broken",
            EventKind::PromiseDropped { .. } => "promise_dropped",
            EventKind::SlaClock { .. } => "sla_clock",
            EventKind::ClosedAsSpam { .. } => "closed_as_spam",
            EventKind::ClosedAsDuplicate { .. } => "closed_as_duplicate",
            EventKind::SatisfactionRated { .. } => "satisfaction_rated",
            EventKind::RecoveryOpened { .. } => "recovery_opened",
            EventKind::RecoveryFollowedUp { .. } => "recovery_followed_up",
            EventKind::ReviewImported { .. } => "review_imported",
        }
    }
}

/// One entry of a ticket's event log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Position in the global log.
    pub id: EventId,
    /// The ticket it belongs to.
    pub ticket_id: TicketId,
    /// Who caused it.
    pub actor: Actor,
    /// When.
    pub at: Timestamp,
    /// What changed.
    pub kind: EventKind,
}
