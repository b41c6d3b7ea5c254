//! A fast generator of realistic help-desk history, for benchmarks.
//!
//! Tickets are built from real conversations and driven through the real
//! state machine in memory (so their event logs replay to their state), then
//! written in large batches with caller-chosen ids.

use crate::demo::{Conversation, FIRST_NAMES, LAST_NAMES, subject_of};
use crate::{App, AppError};
use rapport_core::machine::create;
use rapport_core::{
    Actor, AgentId, AuthorKind, Channel, Command, CustomerId, Event, EventId, EventKind, MessageId,
    MessageKind, Priority, Status, TeamId, TicketId, Timestamp, apply, decide,
};
use rapport_store::{BulkCustomer, BulkTicket, MessageRecord};

/// How much to generate.
#[derive(Debug, Clone)]
pub struct GenerateOptions {
    /// Tickets to add.
    pub tickets: u64,
    /// Tickets per customer, on average.
    pub tickets_per_customer: u64,
    /// Tickets per transaction.
    pub batch: usize,
    /// Random seed, for repeatable data.
    pub seed: u64,
}

impl Default for GenerateOptions {
    fn default() -> Self {
        Self {
            tickets: 10_000,
            tickets_per_customer: 4,
            batch: 1000,
            seed: 42,
        }
    }
}

/// What was generated.
#[derive(Debug, Clone, Default)]
pub struct GenerateReport {
    /// Tickets written.
    pub tickets: u64,
    /// Messages written.
    pub messages: u64,
    /// Events written.
    pub events: u64,
    /// Customers written.
    pub customers: u64,
}

/// SplitMix64: small, fast, good enough for test data.
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

struct Builder<'a> {
    rng: Rng,
    next: rapport_store::NextIds,
    agents: &'a [AgentId],
    teams: &'a [TeamId],
    now: i64,
}

impl Builder<'_> {
    fn ticket(
        &mut self,
        conversation: &Conversation,
        customer: CustomerId,
        report: &mut GenerateReport,
    ) -> Result<BulkTicket, AppError> {
        let id = TicketId(self.next.ticket);
        self.next.ticket += 1;
        let mut at = self.now - (self.rng.below(365 * 86_400) as i64 + 3600) * 1_000_000;
        let team = self.teams[self.rng.below(self.teams.len() as u64) as usize];
        let worker = self.agents[self.rng.below(self.agents.len() as u64) as usize];
        let created = EventKind::Created {
            subject: subject_of(&conversation.turns[0].text),
            customer_id: customer,
            channel: [
                Channel::Email,
                Channel::Email,
                Channel::Portal,
                Channel::Social,
                Channel::Api,
            ][self.rng.below(5) as usize],
            priority: [
                Priority::Low,
                Priority::Normal,
                Priority::Normal,
                Priority::High,
                Priority::Urgent,
            ][self.rng.below(5) as usize],
            team_id: Some(team),
            tags: vec![conversation.company.to_lowercase()],
        };
        let mut ticket = create(id, Timestamp(at), &created)
            .ok_or_else(|| AppError::Internal("create".into()))?;
        let mut out = BulkTicket {
            ticket: ticket.clone(),
            messages: Vec::new(),
            events: Vec::new(),
        };
        let push = |ticket: &mut rapport_core::Ticket,
                    out: &mut BulkTicket,
                    next: &mut rapport_store::NextIds,
                    actor,
                    at: i64,
                    kind: EventKind| {
            if !matches!(kind, EventKind::Created { .. }) {
                apply(ticket, Timestamp(at), &kind);
            }
            out.events.push(Event {
                id: EventId(next.event),
                ticket_id: id,
                actor,
                at: Timestamp(at),
                kind,
            });
            next.event += 1;
        };
        push(
            &mut ticket,
            &mut out,
            &mut self.next,
            Actor::Agent(worker),
            at,
            created,
        );
        let style = self.rng.below(10);
        for (n, turn) in conversation.turns.iter().take(6).enumerate() {
            if style == 0 && n > 0 && !turn.is_customer() {
                break;
            }
            at = (at + (self.rng.below(36 * 3600) as i64 + 60) * 1_000_000).min(self.now);
            let message_id = MessageId(self.next.message);
            self.next.message += 1;
            let (author, actor, author_id) = if turn.is_customer() {
                (AuthorKind::Customer, Actor::Customer(customer), customer.0)
            } else {
                (AuthorKind::Agent, Actor::Agent(worker), worker.0)
            };
            let command = Command::AddMessage {
                message_id,
                kind: MessageKind::Public,
                author,
            };
            let Ok(kinds) = decide(&ticket, &command, actor) else {
                continue;
            };
            out.messages.push(MessageRecord {
                id: message_id,
                ticket_id: id,
                kind: MessageKind::Public,
                author_kind: author,
                author_id: Some(author_id),
                entered_by: None,
                body_text: turn.text.clone(),
                body_html: None,
                created_at: Timestamp(at),
            });
            for kind in kinds {
                push(&mut ticket, &mut out, &mut self.next, actor, at, kind);
            }
        }
        let finish: &[Status] = match style {
            1 => &[Status::Pending],
            2 => &[Status::OnHold],
            3..=5 => &[Status::Solved],
            6..=8 => &[Status::Solved, Status::Closed],
            _ => &[],
        };
        for to in finish {
            at = (at + (self.rng.below(48 * 3600) as i64 + 60) * 1_000_000).min(self.now);
            if let Ok(kinds) = decide(
                &ticket,
                &Command::ChangeStatus { to: *to },
                Actor::Agent(worker),
            ) {
                for kind in kinds {
                    push(
                        &mut ticket,
                        &mut out,
                        &mut self.next,
                        Actor::Agent(worker),
                        at,
                        kind,
                    );
                }
            }
        }
        report.messages += out.messages.len() as u64;
        report.events += out.events.len() as u64;
        out.ticket = ticket;
        Ok(out)
    }
}

/// Adds generated customers and tickets; `progress` is told the tickets written so far.
pub async fn generate(
    app: &App,
    conversations: &[Conversation],
    options: &GenerateOptions,
    progress: &dyn Fn(u64),
) -> Result<GenerateReport, AppError> {
    if conversations.is_empty() {
        return Err(AppError::invalid(
            "conversations",
            "no conversations to build tickets from",
        ));
    }
    let (_, agents, teams) = crate::demo::ensure_demo_staff(app).await?;
    let store = app.store();
    let mut report = GenerateReport::default();
    let customer_count = options
        .tickets
        .div_ceil(options.tickets_per_customer.max(1))
        .max(1);
    let first_customer = store.next_customer_id().await?;
    let now = Timestamp::now().0;
    let mut batch = Vec::with_capacity(5000);
    for n in 0..customer_count {
        let id = first_customer + n as i64;
        let first = FIRST_NAMES[(id as usize) % FIRST_NAMES.len()];
        let last = LAST_NAMES[(id as usize / 7) % LAST_NAMES.len()];
        batch.push(BulkCustomer {
            id,
            name: format!("{first} {last}"),
            email: format!(
                "{}.{}.{id}@example.net",
                first.to_lowercase(),
                last.to_lowercase()
            ),
            created_at: now - 400 * 86_400 * 1_000_000,
        });
        if batch.len() == 5000 {
            store.bulk_customers(&batch).await?;
            batch.clear();
        }
    }
    store.bulk_customers(&batch).await?;
    report.customers = customer_count;
    let mut builder = Builder {
        rng: Rng::new(options.seed),
        next: store.next_ids().await?,
        agents: &agents[2..],
        teams: &teams,
        now,
    };
    let mut written = 0;
    while written < options.tickets {
        let size = (options.tickets - written).min(options.batch as u64);
        let mut tickets = Vec::with_capacity(size as usize);
        for _ in 0..size {
            let conversation =
                &conversations[builder.rng.below(conversations.len() as u64) as usize];
            let customer = CustomerId(first_customer + builder.rng.below(customer_count) as i64);
            tickets.push(builder.ticket(conversation, customer, &mut report)?);
        }
        store.bulk_insert(&tickets).await?;
        written += size;
        progress(written);
    }
    store.finish_bulk().await?;
    report.tickets = written;
    Ok(report)
}
