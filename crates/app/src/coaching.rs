//! The reply coach in the flow of work: the context a ticket gives it, and
//! the gate every agent reply passes.

use crate::{App, AppError, Caller};
use rapport_coach::{Context, Review, Severity, analyze};
use rapport_core::{AuthorKind, Permission, Ticket, TicketId};

/// How many earlier agent replies on the ticket the form-letter check compares with.
const EARLIER_REPLIES: usize = 10;

/// How many of a ticket's newest public messages the coach reads.
const CONVERSATION_WINDOW: i64 = 50;

/// What the gate let through: the blocking checks overridden and why, the
/// checks that raised warnings or blocks (recorded with the reply), and the
/// promises the coach found in the reply.
pub(crate) struct Gate {
    pub overridden: Option<(Vec<String>, String)>,
    pub found: Vec<String>,
    pub promises: Vec<rapport_coach::promises::Promise>,
}

/// Context given by the caller instead of (or on top of) a ticket.
#[derive(Debug, Clone, Default)]
pub struct GivenContext {
    /// The customer's name.
    pub customer_name: Option<String>,
    /// The customer's message.
    pub customer_message: Option<String>,
    /// Earlier or canned replies.
    pub earlier_replies: Vec<String>,
}

impl App {
    /// What the coach reads times against: now, in the default calendar's
    /// zone, and the calendar itself (business days, closing times).
    pub(crate) async fn coach_clock(&self) -> Result<Context, AppError> {
        Ok(coach_clock_in(self.business_calendar().await?))
    }

    /// The coach's context for a ticket: the customer's name, what they wrote
    /// since the last agent reply, and the earlier agent replies (compared
    /// for form letters; an apology among them is not asked for again).
    pub async fn coach_context(&self, record: &Ticket) -> Result<Context, AppError> {
        let customer = self.store().customer(record.customer_id).await?;
        self.coach_context_for(record, customer.name).await
    }

    /// The coach's context for a ticket whose customer the caller has read:
    /// the newest public messages only (never every body of a long
    /// conversation), the canned replies from the cache, and the clock.
    pub(crate) async fn coach_context_for(
        &self,
        record: &Ticket,
        customer_name: String,
    ) -> Result<Context, AppError> {
        let (public, canned_replies, clock) = tokio::try_join!(
            async {
                Ok::<_, AppError>(
                    self.store()
                        .latest_public_messages(record.id, CONVERSATION_WINDOW)
                        .await?,
                )
            },
            self.canned_replies(),
            async { Ok(coach_clock_in(self.ticket_calendar(record).await?)) },
        )?;
        let last_agent = public
            .iter()
            .rposition(|m| m.author_kind != AuthorKind::Customer);
        let since = last_agent.map_or(0, |i| i + 1);
        let mut customer_message: Vec<&str> = public[since..]
            .iter()
            .filter(|m| m.author_kind == AuthorKind::Customer)
            .map(|m| m.body_text.as_str())
            .collect();
        if customer_message.is_empty() {
            // Nothing new since our last reply: answer against their last message.
            customer_message = public
                .iter()
                .rev()
                .find(|m| m.author_kind == AuthorKind::Customer)
                .map(|m| m.body_text.as_str())
                .into_iter()
                .collect();
        }
        let thread_replies: Vec<String> = public
            .iter()
            .filter(|m| m.author_kind == AuthorKind::Agent)
            .map(|m| m.body_text.clone())
            .collect();
        let earlier_replies = thread_replies
            .iter()
            .rev()
            .take(EARLIER_REPLIES)
            .cloned()
            .collect();
        Ok(Context {
            customer_name: Some(customer_name),
            customer_message: customer_message.join("\n"),
            earlier_replies,
            thread_replies,
            canned_replies: canned_replies.to_vec(),
            ..clock
        })
    }

    /// Reviews a draft, against a ticket's conversation when one is named.
    pub async fn coach(
        &self,
        caller: &Caller,
        draft: &str,
        ticket: Option<TicketId>,
        given: GivenContext,
    ) -> Result<Review, AppError> {
        caller.require(Permission::Read, "check drafts with the coach")?;
        crate::throttle::take(&self.limits.coach, caller.agent_id.0, "coach")?;
        let mut context = match ticket {
            Some(id) => self.coach_context(&self.store().ticket(id).await?).await?,
            None => self.coach_clock().await?,
        };
        if given.customer_name.is_some() {
            context.customer_name = given.customer_name;
        }
        if let Some(message) = given.customer_message {
            context.customer_message = message;
        }
        context.earlier_replies.extend(given.earlier_replies);
        self.analyze_off_workers(draft, context).await
    }

    /// Runs the coach on the coach's own bounded pool of blocking threads
    /// (never on the async workers, never behind slow mail).
    pub(crate) async fn analyze_off_workers(
        &self,
        draft: &str,
        context: Context,
    ) -> Result<Review, AppError> {
        let draft = draft.to_string();
        self.coach_pool
            .run(None, move || analyze(&draft, &context))
            .await
            .map_err(|e| AppError::Internal(format!("the coach did not finish: {e}")))
    }

    /// The gate before a reply is sent: the blocking findings, or an error
    /// when there are some and no override reason was given.
    pub(crate) async fn gate_reply(
        &self,
        ticket: &Ticket,
        customer_name: String,
        draft: &str,
        override_reason: Option<&str>,
    ) -> Result<Gate, AppError> {
        let context = self.coach_context_for(ticket, customer_name).await?;
        let review = self.analyze_off_workers(draft, context).await?;
        let promises = review.promises;
        let mut found: Vec<String> = review
            .findings
            .iter()
            .filter(|f| f.severity >= Severity::Warn)
            .map(|f| f.check.name().to_string())
            .collect();
        found.sort_unstable();
        found.dedup();
        let blocking: Vec<_> = review
            .findings
            .into_iter()
            .filter(|f| f.severity == Severity::Block)
            .collect();
        if blocking.is_empty() {
            return Ok(Gate {
                overridden: None,
                found,
                promises,
            });
        }
        if let Some(reason) = override_reason {
            crate::plain_text("override_reason", reason)?;
        }
        match override_reason.map(str::trim).filter(|r| !r.is_empty()) {
            Some(reason) if reason.chars().count() <= 500 => {
                let mut checks: Vec<String> = blocking
                    .iter()
                    .map(|f| f.check.name().to_string())
                    .collect();
                checks.dedup();
                Ok(Gate {
                    overridden: Some((checks, reason.to_string())),
                    found,
                    promises,
                })
            }
            Some(_) => Err(AppError::invalid(
                "override_reason",
                msg!("error.field.max_chars", max = 500),
            )),
            None => Err(AppError::CoachBlocked(blocking)),
        }
    }
}

/// The coach's clock in a calendar: now in its zone, and the calendar.
fn coach_clock_in(calendar: std::sync::Arc<rapport_core::BusinessCalendar>) -> Context {
    let now = jiff::Timestamp::now().to_zoned(calendar.time_zone().clone());
    Context {
        now: Some(now),
        calendar: Some(calendar),
        ..Context::default()
    }
}
