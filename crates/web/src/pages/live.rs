//! Live updates for open pages over server-sent events.
//!
//! Event ids are not commit-ordered on PostgreSQL, so the poll keeps a
//! cursor that asks again for ids it skipped (`rapport_app::live::LiveCursor`).
//!
//! One task per process polls the event log (shared by every server on one
//! database, so a change made through any `rapport serve` reaches every
//! open list) and fans each changed ticket out to the streams of this
//! process (with its customer when the customer sees the change, so a
//! portal stream filters without reading the database), with the tickets where an agent arrived, started or stopped
//! writing, or left (presence, also kept in the database). The task starts with the first stream and stops when the last
//! one closes.

use super::session::{AgentPage, CustomerPage};
use crate::state::AppState;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::Stream;
use rapport_app::App;
use rapport_app::live::LiveChange;
use rapport_app::presence::PresenceChange;
use rapport_core::Timestamp;
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::sync::broadcast;

/// How often the event log is polled.
pub const POLL_EVERY: Duration = Duration::from_millis(400);

/// The fan-out of changed tickets to this process's streams.
pub struct Feed {
    sender: broadcast::Sender<LiveChange>,
    running: Mutex<bool>,
}

impl Default for Feed {
    fn default() -> Self {
        Self {
            sender: broadcast::channel(1024).0,
            running: Mutex::new(false),
        }
    }
}

impl Feed {
    /// A receiver of changed tickets; starts the poller if it is not running.
    fn subscribe(self: &std::sync::Arc<Self>, app: &App) -> broadcast::Receiver<LiveChange> {
        let receiver = self.sender.subscribe();
        let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        if !*running {
            *running = true;
            tokio::spawn(poll(self.clone(), app.clone()));
        }
        receiver
    }
}

/// Polls the event log until no stream listens.
async fn poll(feed: std::sync::Arc<Feed>, app: App) {
    let mut cursor = loop {
        match app.live_cursor().await {
            Ok(cursor) => break cursor,
            Err(e) => {
                tracing::warn!(error = %e, "live updates: cannot read the event log");
                tokio::time::sleep(POLL_EVERY).await;
                let mut running = feed.running.lock().unwrap_or_else(|e| e.into_inner());
                if feed.sender.receiver_count() == 0 {
                    *running = false;
                    return;
                }
            }
        }
    };
    let mut presence = PresenceWatch::new();
    loop {
        tokio::time::sleep(POLL_EVERY).await;
        {
            let mut running = feed.running.lock().unwrap_or_else(|e| e.into_inner());
            if feed.sender.receiver_count() == 0 {
                *running = false;
                return;
            }
        }
        match app.live_changes(&mut cursor).await {
            Ok(changes) => {
                for change in changes {
                    let _ = feed.sender.send(change);
                }
            }
            Err(e) => tracing::warn!(error = %e, "live updates: polling the event log failed"),
        }
        // Presence is for agents only: a customer never hears of it.
        for ticket in presence.poll(&app).await {
            let _ = feed.sender.send(LiveChange {
                ticket: rapport_core::TicketId(ticket),
                customer: None,
            });
        }
    }
}

/// How far back each poll of presence changes looks again, for rows
/// written by a transaction that committed after the previous poll.
const PRESENCE_OVERLAP_MICROS: i64 = 2_000_000;
/// How long a reported change is remembered (longer than the overlap).
const PRESENCE_MEMORY: Duration = Duration::from_secs(6);

/// Who arrived, started or stopped writing, or left a ticket (on any
/// server), each announced once as a change of the ticket.
struct PresenceWatch {
    since: Timestamp,
    reported: HashMap<PresenceChange, Instant>,
    pruned: Instant,
}

/// How often the poller forgets long-stopped presence rows.
const PRUNE_EVERY: Duration = Duration::from_secs(600);

impl PresenceWatch {
    fn new() -> Self {
        Self {
            since: Timestamp::now(),
            reported: HashMap::new(),
            pruned: Instant::now(),
        }
    }

    /// The tickets whose presence changed since the last poll.
    async fn poll(&mut self, app: &App) -> Vec<i64> {
        if self.pruned.elapsed() >= PRUNE_EVERY {
            self.pruned = Instant::now();
            if let Err(e) = app.prune_presence().await {
                tracing::warn!(error = %e, "live updates: pruning presence failed");
            }
        }
        let now = Timestamp::now();
        let from = Timestamp(self.since.0 - PRESENCE_OVERLAP_MICROS);
        let changes = match app.presence_changes(from, now).await {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "live updates: polling presence failed");
                return Vec::new();
            }
        };
        self.since = now;
        let seen = Instant::now();
        self.reported
            .retain(|_, at| seen.duration_since(*at) < PRESENCE_MEMORY);
        let mut tickets = Vec::new();
        for change in changes {
            if self.reported.insert(change, seen).is_none() {
                tickets.push(change.ticket_id.0);
            }
        }
        tickets.sort_unstable();
        tickets.dedup();
        tickets
    }
}

/// The stream of changed tickets for an agent's open list: an event named
/// `ticket` whose data is the ticket's id.
pub async fn stream(
    State(s): State<AppState>,
    _agent: AgentPage,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let receiver = s.live.subscribe(&s.app);
    let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
        let data = match receiver.recv().await {
            Ok(change) => change.ticket.0.to_string(),
            // Missed some: a refresh covers them all.
            Err(broadcast::error::RecvError::Lagged(_)) => "0".to_string(),
            Err(broadcast::error::RecvError::Closed) => return None,
        };
        let event = Event::default().event("ticket").data(data);
        Some((Ok(event), receiver))
    });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

/// The stream of changed tickets for a customer's open portal list: an
/// event named `ticket` whose data is the id of one of *their* tickets,
/// sent only for a change they see (a new status, a reply, their own
/// message: never a note, a tag, an owner or an agent opening it; another
/// customer's change is never sent, and nothing but the id is), or `0`
/// when some were missed.
pub async fn portal_stream(
    State(s): State<AppState>,
    customer: CustomerPage,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let receiver = s.live.subscribe(&s.app);
    let state = (receiver, customer.customer);
    let stream = futures_util::stream::unfold(state, |(mut receiver, customer)| async move {
        loop {
            let data = match receiver.recv().await {
                Ok(change) if change.customer == Some(customer) => change.ticket.0.to_string(),
                Ok(_) => continue,
                Err(broadcast::error::RecvError::Lagged(_)) => "0".to_string(),
                Err(broadcast::error::RecvError::Closed) => return None,
            };
            let event = Event::default().event("ticket").data(data);
            return Some((Ok(event), (receiver, customer)));
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}
