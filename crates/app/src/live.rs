//! The live feed of open pages: which tickets changed since a cursor in the
//! event log, and whose portal list may hear of each.

use crate::{App, AppError};
use rapport_core::{CustomerId, Event, EventKind, TicketId};
use std::collections::HashMap;

/// A ticket that changed, for open pages: agents' lists hear of every
/// change; a customer's portal list only of those the customer sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiveChange {
    /// The ticket.
    pub ticket: TicketId,
    /// The customer whose portal list shows the change; none for what only
    /// staff see (a note, tags, an owner, a coach finding, presence).
    pub customer: Option<CustomerId>,
}

/// Whether the customer's portal list shows this change: a new ticket, a
/// new status (closed as spam or a duplicate too), a reply, their own
/// message or rating. Every kind is named, so a new one must be decided.
fn shown_to_customer(kind: &EventKind) -> bool {
    match kind {
        EventKind::Created { .. }
        | EventKind::StatusChanged { .. }
        | EventKind::ClosedAsSpam { .. }
        | EventKind::ClosedAsDuplicate { .. }
        | EventKind::Replied { .. }
        | EventKind::CustomerWrote { .. }
        | EventKind::SatisfactionRated { .. } => true,
        EventKind::Assigned { .. }
        | EventKind::Transferred { .. }
        | EventKind::Noted { .. }
        | EventKind::Tagged { .. }
        | EventKind::PriorityChanged { .. }
        | EventKind::CoachOverridden { .. }
        | EventKind::CoachFound { .. }
        | EventKind::PromiseMade { .. }
        | EventKind::PromiseRescheduled { .. }
        | EventKind::PromiseReminded { .. }
        | EventKind::PromiseKept { .. }
        | EventKind::PromiseBroken { .. }
        | EventKind::PromiseDropped { .. }
        | EventKind::SlaClock { .. }
        | EventKind::RecoveryOpened { .. }
        | EventKind::RecoveryFollowedUp { .. }
        | EventKind::ReviewImported { .. } => false,
    }
}

/// The most events one poll of the live feed reads.
pub const LIVE_BATCH: i64 = 1000;

/// How long the live feed waits for an event id it skipped (a
/// transaction that took it and has not committed) before giving it up.
pub const LIVE_GRACE: std::time::Duration = std::time::Duration::from_secs(60);
/// The skipped ids asked for again per poll at most.
const LIVE_GAPS_PER_POLL: usize = 500;

/// Where a live feed stands in the event log: on PostgreSQL event ids are
/// not commit-ordered, so an id skipped below the newest one read is asked
/// for again until it commits or [`LIVE_GRACE`] passes.
#[derive(Debug, Clone)]
pub struct LiveCursor {
    gaps: crate::feed_gaps::Gaps,
}

impl LiveCursor {
    /// Every event at or below this has been announced or given up on.
    pub fn upto(&self) -> rapport_core::EventId {
        rapport_core::EventId(self.gaps.upto())
    }
}

impl App {
    /// Where the live feed starts: the newest event now.
    pub async fn live_cursor(&self) -> Result<LiveCursor, AppError> {
        let last = self.store().last_event_id().await?;
        Ok(LiveCursor {
            gaps: crate::feed_gaps::Gaps::at(last.0),
        })
    }

    /// The tickets changed by the events committed since the cursor last
    /// read (the new ones past the newest read, and skipped ones that have
    /// committed since), each with the customer whose portal list shows the
    /// change, for the live feed of open pages.
    pub async fn live_changes(&self, cursor: &mut LiveCursor) -> Result<Vec<LiveChange>, AppError> {
        // Read on a copy, kept only once every read succeeded: a failed
        // read announces nothing and loses nothing (the next poll asks again).
        let mut next = cursor.clone();
        let after = rapport_core::EventId(next.gaps.high);
        let mut events = self.store().events_since(after, LIVE_BATCH).await?;
        next.gaps.note_fresh(events.iter().map(|e| e.id.0));
        let waited: Vec<rapport_core::EventId> = next
            .gaps
            .waited(LIVE_GAPS_PER_POLL)
            .into_iter()
            .map(rapport_core::EventId)
            .collect();
        let filled = self.store().events_in(&waited).await?;
        next.gaps.note_filled(filled.iter().map(|e| e.id.0));
        next.gaps.expire(LIVE_GRACE);
        // A range missed past the gap limit is given up once its grace has
        // passed, like a single gap: a page refreshes on any later event.
        next.gaps.take_due_overflow(LIVE_GRACE);
        events.extend(filled);
        let changes = self.changes_of(&events).await?;
        *cursor = next;
        Ok(changes)
    }

    /// Each event's ticket, with its customer when the customer sees the
    /// change (their tickets are read once, in one statement).
    async fn changes_of(&self, events: &[Event]) -> Result<Vec<LiveChange>, AppError> {
        let mut seen: Vec<TicketId> = events
            .iter()
            .filter(|e| shown_to_customer(&e.kind))
            .map(|e| e.ticket_id)
            .collect();
        seen.sort_unstable_by_key(|t| t.0);
        seen.dedup();
        let customers: HashMap<TicketId, CustomerId> = self
            .store()
            .tickets_by_ids(&seen)
            .await?
            .into_iter()
            .map(|t| (t.id, t.customer_id))
            .collect();
        Ok(events
            .iter()
            .map(|e| LiveChange {
                ticket: e.ticket_id,
                customer: shown_to_customer(&e.kind)
                    .then(|| customers.get(&e.ticket_id).copied())
                    .flatten(),
            })
            .collect())
    }
}
