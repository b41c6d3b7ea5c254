//! The ticket state machine: commands are checked here, events applied here.
//!
//! [`decide`] never changes anything; it answers with the events a command
//! would cause or the reason it is refused. [`apply`] is the only place a
//! ticket changes, so replaying stored events rebuilds the same ticket.

use crate::event::{Actor, EventKind};
use crate::feedback::RecoveryOutcome;
use crate::ids::{AgentId, MessageId, TeamId, TicketId};
use crate::message::{AuthorKind, MessageKind};
use crate::ticket::{Closure, Priority, Status, Ticket, normalize_tag};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// The shortest hand-off note a transfer accepts, in characters.
pub const MIN_HANDOFF_NOTE_CHARS: usize = 20;
/// The fewest different words (of two or more letters or digits) a hand-off
/// note must have, so twenty dots or one word repeated do not pass.
pub const MIN_HANDOFF_NOTE_WORDS: usize = 3;
/// The most tags one ticket carries.
pub const MAX_TAGS_PER_TICKET: usize = 30;

/// A change someone asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Command {
    /// Give an unowned ticket its owner (taking it, or a lead dispatching it).
    Assign {
        /// The new owner.
        agent: AgentId,
        /// Move it to this queue as well.
        team: Option<TeamId>,
    },
    /// Pass an owned or queued ticket on, with a hand-off note.
    Transfer {
        /// The new owner; none puts it back in the queue of `to_team`.
        to_agent: Option<AgentId>,
        /// The new queue.
        to_team: Option<TeamId>,
        /// What the customer already said and what was tried.
        note: String,
    },
    /// Move the status.
    ChangeStatus {
        /// The new status.
        to: Status,
    },
    /// Record a message that was written on the ticket.
    AddMessage {
        /// The stored message.
        message_id: MessageId,
        /// Public or internal.
        kind: MessageKind,
        /// Who wrote it.
        author: AuthorKind,
    },
    /// Add and remove tags.
    Tag {
        /// Tags to add.
        add: Vec<String>,
        /// Tags to remove.
        remove: Vec<String>,
    },
    /// Change the priority.
    SetPriority {
        /// The new priority.
        to: Priority,
    },
    /// Close as spam, with a reason.
    CloseAsSpam {
        /// Why.
        reason: String,
    },
    /// Close as a duplicate of a surviving ticket, with a reason.
    CloseAsDuplicate {
        /// The surviving ticket.
        of: TicketId,
        /// Why.
        reason: String,
    },
    /// Record the customer's answer to the satisfaction survey.
    RateSatisfaction {
        /// 1 to 5.
        rating: u8,
        /// What they wrote beside it.
        comment: Option<String>,
    },
    /// Record that a recovery task was opened for this ticket.
    OpenRecovery {
        /// The task.
        task_id: i64,
        /// Who follows it up.
        lead_id: Option<AgentId>,
        /// The rating that caused it.
        rating: u8,
        /// When the follow-up is due.
        due_at: Timestamp,
    },
    /// Record a lead's follow-up of a recovery task and its outcome.
    FollowUpRecovery {
        /// The task.
        task_id: i64,
        /// How it ended.
        outcome: RecoveryOutcome,
        /// What the lead did and heard.
        note: String,
    },
    /// Record that this ticket is an imported public review or mention.
    RecordReview {
        /// Where it was posted.
        source: String,
        /// Its id at the source.
        external_id: String,
        /// Its rating out of 5.
        rating: Option<u8>,
        /// Where it can be read.
        url: Option<String>,
    },
}

/// Why a command was refused. Each has a stable machine-readable code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TicketError {
    /// The ticket is closed; only internal notes may be added.
    #[error("ticket is closed; only internal notes can be added")]
    Closed,
    /// Assign only works on an unowned ticket; use a transfer.
    #[error("ticket already has an owner (agent {0}); transfer it with a hand-off note instead")]
    AlreadyOwned(AgentId),
    /// The hand-off note is missing, too short, or says nothing.
    #[error(
        "a transfer needs a hand-off note of at least {MIN_HANDOFF_NOTE_CHARS} characters and {MIN_HANDOFF_NOTE_WORDS} different words saying what the customer asked and what was tried"
    )]
    HandOffNoteTooShort,
    /// The transfer names neither a new agent nor a new team.
    #[error("a transfer must name a different agent or team")]
    TransferGoesNowhere,
    /// Solved tickets are not transferred; reopen first.
    #[error("a solved ticket cannot be transferred; reopen it first")]
    TransferSolved,
    /// Solving a ticket nobody answered.
    #[error("no inquiry is closed unanswered: reply to the customer before solving")]
    UnansweredSolve,
    /// The status needs an owner and there is none.
    #[error("status {0} needs an owner; assign the ticket first")]
    NeedsOwner(Status),
    /// The move is not allowed from the current status.
    #[error("cannot move a ticket from {from} to {to}")]
    IllegalTransition {
        /// Current status.
        from: Status,
        /// Requested status.
        to: Status,
    },
    /// The command would change nothing.
    #[error("nothing to change: {0}")]
    NoChange(&'static str),
    /// A reason is required and was empty.
    #[error("a reason is required")]
    ReasonRequired,
    /// A ticket cannot be a duplicate of itself.
    #[error("a ticket cannot be a duplicate of itself")]
    DuplicateOfItself,
    /// A rating outside 1 to 5.
    #[error("a rating is a whole number from 1 to 5")]
    BadRating,
    /// Only a solved (or closed) ticket is rated.
    #[error("the ticket is not solved; it is rated once it is solved")]
    NotSolved,
    /// A new ticket was asked to open from an event other than `Created`.
    #[error("a ticket opens only with a created event")]
    NotCreated,
    /// A customer cannot write internal notes.
    #[error("customers cannot write internal notes")]
    CustomerNote,
    /// A tag is malformed.
    #[error("{0}")]
    BadTag(crate::ticket::TagError),
    /// The ticket would carry more tags than allowed.
    #[error("a ticket carries at most {MAX_TAGS_PER_TICKET} tags")]
    TooManyTags,
}

impl TicketError {
    /// The stable code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            TicketError::Closed => "ticket_closed",
            TicketError::AlreadyOwned(_) => "already_owned",
            TicketError::HandOffNoteTooShort => "handoff_note_required",
            TicketError::TransferGoesNowhere => "transfer_goes_nowhere",
            TicketError::TransferSolved => "transfer_solved",
            TicketError::UnansweredSolve => "unanswered_solve",
            TicketError::NeedsOwner(_) => "owner_required",
            TicketError::IllegalTransition { .. } => "illegal_transition",
            TicketError::NoChange(_) => "no_change",
            TicketError::ReasonRequired => "reason_required",
            TicketError::DuplicateOfItself => "duplicate_of_itself",
            TicketError::CustomerNote => "customer_note",
            TicketError::BadTag(_) => "bad_tag",
            TicketError::TooManyTags => "too_many_tags",
            TicketError::NotCreated => "not_created",
            TicketError::BadRating => "bad_rating",
            TicketError::NotSolved => "not_solved",
        }
    }
}

/// Checks a command against a ticket and returns the events it causes.
///
/// `actor` is who asks; an agent replying to an unowned ticket becomes its
/// owner. Authorization (may this agent do this at all) is the caller's job.
pub fn decide(
    ticket: &Ticket,
    command: &Command,
    actor: Actor,
) -> Result<Vec<EventKind>, TicketError> {
    use EventKind as E;
    if ticket.status == Status::Closed
        && !matches!(
            command,
            Command::AddMessage {
                kind: MessageKind::Internal,
                ..
            } | Command::RateSatisfaction { .. }
                | Command::OpenRecovery { .. }
                | Command::FollowUpRecovery { .. }
        )
    {
        return Err(TicketError::Closed);
    }
    let open_if_new = |events: &mut Vec<EventKind>| {
        if ticket.status == Status::New {
            events.push(E::StatusChanged {
                from: Status::New,
                to: Status::Open,
            });
        }
    };
    match command {
        Command::Assign { agent, team } => {
            if let Some(owner) = ticket.owner_id {
                return Err(TicketError::AlreadyOwned(owner));
            }
            let mut events = vec![E::Assigned {
                to: *agent,
                team_id: team.or(ticket.team_id),
            }];
            open_if_new(&mut events);
            Ok(events)
        }
        Command::Transfer {
            to_agent,
            to_team,
            note,
        } => {
            if ticket.status == Status::Solved {
                return Err(TicketError::TransferSolved);
            }
            if !says_something(note) {
                return Err(TicketError::HandOffNoteTooShort);
            }
            let new_team = to_team.or(ticket.team_id);
            let agent_changes = *to_agent != ticket.owner_id;
            let team_changes = new_team != ticket.team_id;
            if (to_agent.is_none() && to_team.is_none()) || (!agent_changes && !team_changes) {
                return Err(TicketError::TransferGoesNowhere);
            }
            let mut events = vec![E::Transferred {
                from_agent: ticket.owner_id,
                to_agent: *to_agent,
                from_team: ticket.team_id,
                to_team: new_team,
                note: note.trim().to_string(),
                words: None,
            }];
            match to_agent {
                Some(_) => open_if_new(&mut events),
                None if ticket.status != Status::New => events.push(E::StatusChanged {
                    from: ticket.status,
                    to: Status::New,
                }),
                None => {}
            }
            Ok(events)
        }
        Command::ChangeStatus { to } => decide_status(ticket, *to),
        Command::AddMessage {
            message_id,
            kind,
            author,
        } => {
            let message_id = *message_id;
            match (kind, author) {
                (MessageKind::Internal, AuthorKind::Customer) => Err(TicketError::CustomerNote),
                (MessageKind::Internal, _) => Ok(vec![E::Noted { message_id }]),
                (MessageKind::Public, AuthorKind::Customer) => {
                    let mut events = vec![E::CustomerWrote { message_id }];
                    if matches!(ticket.status, Status::Pending | Status::Solved) {
                        events.push(E::StatusChanged {
                            from: ticket.status,
                            to: Status::Open,
                        });
                    }
                    Ok(events)
                }
                (MessageKind::Public, AuthorKind::Agent | AuthorKind::System) => {
                    let mut events = Vec::new();
                    if let (None, Actor::Agent(agent)) = (ticket.owner_id, actor) {
                        events.push(E::Assigned {
                            to: agent,
                            team_id: ticket.team_id,
                        });
                        open_if_new(&mut events);
                    }
                    events.push(E::Replied { message_id });
                    Ok(events)
                }
            }
        }
        Command::Tag { add, remove } => {
            if add.len() > MAX_TAGS_PER_TICKET || remove.len() > MAX_TAGS_PER_TICKET {
                return Err(TicketError::TooManyTags);
            }
            let mut added = Vec::new();
            for tag in add {
                let tag = normalize_tag(tag).map_err(TicketError::BadTag)?;
                if !ticket.tags.contains(&tag) && !added.contains(&tag) {
                    added.push(tag);
                }
            }
            let mut removed = Vec::new();
            for tag in remove {
                let tag = normalize_tag(tag).map_err(TicketError::BadTag)?;
                if ticket.tags.contains(&tag) && !removed.contains(&tag) && !added.contains(&tag) {
                    removed.push(tag);
                }
            }
            if added.is_empty() && removed.is_empty() {
                return Err(TicketError::NoChange("the tags are already so"));
            }
            if ticket.tags.len() + added.len() - removed.len() > MAX_TAGS_PER_TICKET {
                return Err(TicketError::TooManyTags);
            }
            added.sort();
            removed.sort();
            Ok(vec![E::Tagged { added, removed }])
        }
        Command::SetPriority { to } => {
            if *to == ticket.priority {
                return Err(TicketError::NoChange("the priority is already so"));
            }
            Ok(vec![E::PriorityChanged {
                from: ticket.priority,
                to: *to,
            }])
        }
        Command::CloseAsSpam { reason } => {
            let reason = required(reason)?;
            Ok(vec![E::ClosedAsSpam {
                from: ticket.status,
                reason,
            }])
        }
        Command::CloseAsDuplicate { of, reason } => {
            if *of == ticket.id {
                return Err(TicketError::DuplicateOfItself);
            }
            let reason = required(reason)?;
            Ok(vec![E::ClosedAsDuplicate {
                from: ticket.status,
                of: *of,
                reason,
            }])
        }
        Command::RateSatisfaction { rating, comment } => {
            if !crate::feedback::valid_rating(*rating) {
                return Err(TicketError::BadRating);
            }
            if !matches!(ticket.status, Status::Solved | Status::Closed) {
                return Err(TicketError::NotSolved);
            }
            Ok(vec![E::SatisfactionRated {
                rating: *rating,
                comment: crate::feedback::clean_comment(comment.as_deref()),
            }])
        }
        Command::OpenRecovery {
            task_id,
            lead_id,
            rating,
            due_at,
        } => {
            if !crate::feedback::valid_rating(*rating) {
                return Err(TicketError::BadRating);
            }
            Ok(vec![E::RecoveryOpened {
                task_id: *task_id,
                lead_id: *lead_id,
                rating: *rating,
                due_at: *due_at,
            }])
        }
        Command::FollowUpRecovery {
            task_id,
            outcome,
            note,
        } => Ok(vec![E::RecoveryFollowedUp {
            task_id: *task_id,
            outcome: *outcome,
            note: required(note)?,
        }]),
        Command::RecordReview {
            source,
            external_id,
            rating,
            url,
        } => {
            if rating.is_some_and(|r| !crate::feedback::valid_rating(r)) {
                return Err(TicketError::BadRating);
            }
            Ok(vec![E::ReviewImported {
                source: source.clone(),
                external_id: external_id.clone(),
                rating: *rating,
                url: url.clone(),
            }])
        }
    }
}

/// Whether a hand-off note tells the next person something: at least
/// [`MIN_HANDOFF_NOTE_CHARS`] characters and [`MIN_HANDOFF_NOTE_WORDS`]
/// different words of two or more letters or digits.
pub fn says_something(note: &str) -> bool {
    let note = note.trim();
    if note.chars().count() < MIN_HANDOFF_NOTE_CHARS {
        return false;
    }
    let mut words: Vec<String> = Vec::new();
    for word in note.split(|c: char| !c.is_alphanumeric()) {
        if word.chars().count() >= 2 {
            let word = word.to_lowercase();
            if !words.contains(&word) {
                words.push(word);
                if words.len() >= MIN_HANDOFF_NOTE_WORDS {
                    return true;
                }
            }
        }
    }
    false
}

fn required(reason: &str) -> Result<String, TicketError> {
    let reason = reason.trim();
    if reason.is_empty() {
        Err(TicketError::ReasonRequired)
    } else {
        Ok(reason.to_string())
    }
}

fn decide_status(ticket: &Ticket, to: Status) -> Result<Vec<EventKind>, TicketError> {
    let from = ticket.status;
    if from == to {
        return Err(TicketError::NoChange("the ticket already has that status"));
    }
    match to {
        Status::New => return Err(TicketError::IllegalTransition { from, to }),
        Status::Closed if from != Status::Solved => {
            return Err(TicketError::IllegalTransition { from, to });
        }
        Status::Solved if !ticket.has_public_reply => return Err(TicketError::UnansweredSolve),
        _ => {}
    }
    if to.needs_owner() && ticket.owner_id.is_none() {
        return Err(TicketError::NeedsOwner(to));
    }
    Ok(vec![EventKind::StatusChanged { from, to }])
}

/// Starts a ticket from its `Created` event; other kinds give `None`.
pub fn create(id: TicketId, at: Timestamp, kind: &EventKind) -> Option<Ticket> {
    let EventKind::Created {
        subject,
        customer_id,
        channel,
        priority,
        team_id,
        tags,
    } = kind
    else {
        return None;
    };
    let mut tags = tags.clone();
    tags.sort();
    tags.dedup();
    Some(Ticket {
        id,
        subject: subject.clone(),
        status: Status::New,
        priority: *priority,
        channel: *channel,
        customer_id: *customer_id,
        team_id: *team_id,
        owner_id: None,
        tags,
        transfer_count: 0,
        has_public_reply: false,
        closure: None,
        created_at: at,
        updated_at: at,
        version: 1,
    })
}

/// Folds one event into the ticket. The only place a ticket changes.
pub fn apply(ticket: &mut Ticket, at: Timestamp, kind: &EventKind) {
    use EventKind as E;
    match kind {
        E::Created { .. } => {}
        E::StatusChanged { to, .. } => {
            ticket.status = *to;
            if *to == Status::Closed {
                ticket.closure = Some(Closure::Resolved);
            }
        }
        E::Assigned { to, team_id } => {
            ticket.owner_id = Some(*to);
            ticket.team_id = *team_id;
        }
        E::Transferred {
            to_agent, to_team, ..
        } => {
            ticket.owner_id = *to_agent;
            ticket.team_id = *to_team;
            ticket.transfer_count += 1;
        }
        E::Replied { .. } => ticket.has_public_reply = true,
        E::Noted { .. }
        | E::CustomerWrote { .. }
        | E::CoachOverridden { .. }
        | E::CoachFound { .. }
        | E::PromiseMade { .. }
        | E::PromiseRescheduled { .. }
        | E::PromiseReminded { .. }
        | E::PromiseKept { .. }
        | E::PromiseBroken { .. }
        | E::PromiseDropped { .. }
        | E::SlaClock { .. }
        | E::SatisfactionRated { .. }
        | E::RecoveryOpened { .. }
        | E::RecoveryFollowedUp { .. }
        | E::ReviewImported { .. } => {}
        E::Tagged { added, removed } => {
            ticket.tags.retain(|t| !removed.contains(t));
            ticket.tags.extend(added.iter().cloned());
            ticket.tags.sort();
            ticket.tags.dedup();
        }
        E::PriorityChanged { to, .. } => ticket.priority = *to,
        E::ClosedAsSpam { reason, .. } => {
            ticket.status = Status::Closed;
            ticket.closure = Some(Closure::Spam {
                reason: reason.clone(),
            });
        }
        E::ClosedAsDuplicate { of, reason, .. } => {
            ticket.status = Status::Closed;
            ticket.closure = Some(Closure::Duplicate {
                of: *of,
                reason: reason.clone(),
            });
        }
    }
    ticket.updated_at = ticket.updated_at.max(at);
    ticket.version += 1;
}

/// Rebuilds a ticket from its whole event log, which must start with `Created`.
pub fn replay<'a>(
    id: TicketId,
    events: impl IntoIterator<Item = (Timestamp, &'a EventKind)>,
) -> Option<Ticket> {
    let mut events = events.into_iter();
    let (at, first) = events.next()?;
    let mut ticket = create(id, at, first)?;
    for (at, kind) in events {
        apply(&mut ticket, at, kind);
    }
    Some(ticket)
}

#[cfg(test)]
mod tests;

/// A new ticket decided before it is stored: its state once its first
/// message is in, and its first events. The use case decides it; the store
/// persists it, naming the first message once it has an id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opening {
    /// The ticket as it is after its first events (its id is not known yet).
    pub ticket: Ticket,
    /// The `Created` event and the first message's events, which name the
    /// message as `MessageId(0)` until [`Opening::events`] names it.
    events: Vec<EventKind>,
}

impl Opening {
    /// Decides a new ticket from its `Created` event and, if it has one, the
    /// kind and author of its first message, as `actor` at `at`.
    pub fn decide(
        created: EventKind,
        first_message: Option<(MessageKind, AuthorKind)>,
        actor: Actor,
        at: Timestamp,
    ) -> Result<Self, TicketError> {
        let mut ticket = create(TicketId(0), at, &created).ok_or(TicketError::NotCreated)?;
        let mut events = vec![created];
        if let Some((kind, author)) = first_message {
            let command = Command::AddMessage {
                message_id: MessageId(0),
                kind,
                author,
            };
            for event in decide(&ticket, &command, actor)? {
                apply(&mut ticket, at, &event);
                events.push(event);
            }
        }
        Ok(Self { ticket, events })
    }

    /// The events to append, the first message named by its stored id.
    pub fn events(&self, first_message: Option<MessageId>) -> Vec<EventKind> {
        let id = first_message.unwrap_or(MessageId(0));
        self.events
            .iter()
            .cloned()
            .map(|event| match event {
                EventKind::Replied { .. } => EventKind::Replied { message_id: id },
                EventKind::Noted { .. } => EventKind::Noted { message_id: id },
                EventKind::CustomerWrote { .. } => EventKind::CustomerWrote { message_id: id },
                other => other,
            })
            .collect()
    }
}
