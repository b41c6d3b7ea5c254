//! Promises to customers: the ones the coach finds in a reply become records
//! when it is sent (the sender confirms, re-times or drops each); the owner
//! is reminded before one falls due (in business time); one still open at
//! its due time is broken, escalated, and a message to the customer is
//! prepared for the owner. Solving the ticket, a reply that says it fulfils
//! one, or the owner keeps it.

use crate::scheduler::JobFailure;
use crate::{App, AppError, Caller};
use rapport_core::{
    Actor, BusinessCalendar, EventKind, MessageId, Permission, PromiseChoice, PromiseId,
    PromiseStatus, Ticket, TicketId, Timestamp,
};
use rapport_store::{
    JobKind, JobRecord, NewJob, NewNotification, NewPromise, NotificationKind, PromiseCounts,
    PromiseFilter, PromiseRecord, StoreError, WriteTx,
};

/// The most promises one reply records.
const MAX_PER_REPLY: usize = 20;

/// A promise the sender keeps from the coach's reading of a reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ChosenPromise {
    /// The sentence.
    pub text: String,
    /// When it is due.
    pub due_at: Timestamp,
}

/// A sent reply's promises: those it makes and those it fulfils.
#[derive(Debug)]
pub(crate) struct ReplyPromises<'a> {
    /// Made by the reply, as the sender kept them.
    pub(crate) made: Vec<ChosenPromise>,
    /// Earlier promises the reply keeps.
    pub(crate) fulfils: &'a [PromiseId],
}

/// What the sender of a reply says about its promises.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PromiseDecisions {
    /// By position in the coach's list of promises for the draft; a dated
    /// promise not named here is confirmed, an undated one is not recorded.
    pub choices: Vec<(usize, PromiseChoice)>,
    /// Open promises of the ticket this reply keeps.
    pub fulfils: Vec<PromiseId>,
}

/// The payload of a promise's timers.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct PromiseTimer {
    promise: i64,
}

/// The promises the sender keeps, from the coach's list and the choices.
pub(crate) fn choose(
    found: &[rapport_coach::promises::Promise],
    decisions: &PromiseDecisions,
    now: Timestamp,
) -> Result<Vec<ChosenPromise>, AppError> {
    if let Some((index, _)) = decisions.choices.iter().find(|(i, _)| *i >= found.len()) {
        return Err(AppError::invalid(
            "promises",
            msg!(
                "error.promises.no_index",
                index = index,
                found = found.len()
            ),
        ));
    }
    let mut chosen = Vec::new();
    for (index, promise) in found.iter().enumerate() {
        let choice = decisions
            .choices
            .iter()
            .rev()
            .find(|(i, _)| *i == index)
            .map_or(PromiseChoice::Confirm, |(_, c)| *c);
        let due_at = match choice {
            PromiseChoice::Drop => continue,
            PromiseChoice::DueAt(at) if at <= now => {
                return Err(AppError::invalid(
                    "promises",
                    msg!("error.promises.past", index = index, at = at),
                ));
            }
            PromiseChoice::DueAt(at) => at,
            PromiseChoice::Confirm => match promise.due.as_deref().map(Timestamp::parse) {
                Some(Ok(at)) => at,
                // Vague or unresolved: nothing to hold anyone to until a
                // time is given.
                _ => continue,
            },
        };
        chosen.push(ChosenPromise {
            text: promise.text.trim().chars().take(500).collect(),
            due_at,
        });
    }
    chosen.truncate(MAX_PER_REPLY);
    Ok(chosen)
}

impl App {
    /// Records a sent reply's promises and keeps those it fulfils, in the
    /// reply's transaction, with their events and timers.
    pub(crate) async fn record_promises(
        &self,
        tx: &mut WriteTx,
        rules: &rapport_core::sla::SlaRules,
        ticket: &Ticket,
        message: MessageId,
        owner: &Caller,
        promises: ReplyPromises<'_>,
    ) -> Result<(), AppError> {
        let calendar = crate::sla::calendar_for(rules, ticket);
        let now = Timestamp::now();
        let mut events = Vec::new();
        for id in promises.fulfils {
            let promise = tx.promise(*id).await.map_err(|_| {
                AppError::invalid("fulfils", msg!("error.promises.missing", id = id))
            })?;
            if promise.ticket_id != ticket.id {
                return Err(AppError::invalid(
                    "fulfils",
                    msg!("error.promises.other_ticket", id = id),
                ));
            }
            events.extend(keep(tx, &promise, now).await?);
        }
        for promise in promises.made {
            let id = tx
                .insert_promise(&NewPromise {
                    ticket_id: ticket.id,
                    message_id: Some(message),
                    owner_id: owner.agent_id,
                    team_id: ticket.team_id,
                    text: promise.text.clone(),
                    due_at: promise.due_at,
                })
                .await?;
            self.schedule_promise_timers(tx, id, promise.due_at, &calendar, now)
                .await?;
            events.push(EventKind::PromiseMade {
                promise_id: id,
                text: promise.text,
                due_at: promise.due_at,
            });
        }
        append_events(tx, ticket.id, Actor::Agent(owner.agent_id), events).await
    }

    /// The reminder (when the reminder lead still lies ahead, in business
    /// time) and the due-time check of a promise; replaces earlier ones.
    async fn schedule_promise_timers(
        &self,
        tx: &mut WriteTx,
        id: PromiseId,
        due_at: Timestamp,
        calendar: &BusinessCalendar,
        now: Timestamp,
    ) -> Result<(), AppError> {
        let payload = serde_json::to_string(&PromiseTimer { promise: id.0 })
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let key = Some(timer_key(id));
        let mut jobs = vec![NewJob {
            kind: JobKind::PromiseDue,
            due_at,
            payload: payload.clone(),
            key: key.clone(),
        }];
        if let Some(remind_at) = reminder_time(calendar, now, due_at, self.reminder_minutes()) {
            jobs.push(NewJob {
                kind: JobKind::PromiseReminder,
                due_at: remind_at,
                payload,
                key,
            });
        } else {
            tx.cancel_jobs(JobKind::PromiseReminder, &timer_key(id))
                .await?;
        }
        tx.schedule_jobs(&jobs).await?;
        Ok(())
    }

    /// How many business minutes before a promise falls due its owner is reminded.
    fn reminder_minutes(&self) -> i64 {
        self.config().business.promise_reminder_minutes
    }

    /// Keeps a ticket's open promises (it was solved), in the change's transaction.
    pub(crate) async fn keep_promises_of(
        &self,
        tx: &mut WriteTx,
        ticket: TicketId,
        actor: Actor,
    ) -> Result<(), AppError> {
        let now = Timestamp::now();
        let mut events = Vec::new();
        for promise in tx.open_promises_of(ticket).await? {
            events.extend(keep(tx, &promise, now).await?);
        }
        append_events(tx, ticket, actor, events).await
    }

    /// A promise, for whoever may read tickets.
    pub async fn promise(&self, caller: &Caller, id: PromiseId) -> Result<PromiseRecord, AppError> {
        caller.require(Permission::Read, "read promises")?;
        Ok(self.store().promise(id).await?)
    }

    /// Promises by owner, team, ticket and state, newest first.
    pub async fn promises(
        &self,
        caller: &Caller,
        filter: &PromiseFilter,
        before: Option<PromiseId>,
        limit: i64,
    ) -> Result<Vec<PromiseRecord>, AppError> {
        caller.require(Permission::Read, "read promises")?;
        Ok(self.store().promises(filter, before, limit).await?)
    }

    /// How the promises a filter covers ended (the share kept on time is
    /// the headline figure).
    pub async fn promise_counts(
        &self,
        caller: &Caller,
        filter: &PromiseFilter,
    ) -> Result<PromiseCounts, AppError> {
        caller.require(Permission::Read, "read promises")?;
        Ok(self.store().promise_counts(filter).await?)
    }

    /// The owner (or a lead) settles or re-times an open promise: kept,
    /// dropped, or due at another time.
    pub async fn update_promise(
        &self,
        caller: &Caller,
        id: PromiseId,
        change: PromiseUpdate,
    ) -> Result<PromiseRecord, AppError> {
        caller.require(Permission::Work, "change promises")?;
        let calendar = self.business_calendar().await?;
        let now = Timestamp::now();
        self.sla_rules().await?;
        let mut tx = self.store().begin_write().await?;
        let promise = tx.promise(id).await?;
        let lead = caller.require(Permission::ManageTeams, "").is_ok();
        if promise.owner_id != caller.agent_id && !lead {
            return Err(AppError::Forbidden(msg!("error.promises.owner_only")));
        }
        if promise.status != PromiseStatus::Open {
            return Err(AppError::Conflict(msg!(
                "error.promises.settled",
                id = id,
                status = promise.status
            )));
        }
        let event = match change {
            PromiseUpdate::Kept => keep(&mut tx, &promise, now)
                .await?
                .ok_or_else(|| AppError::Conflict(msg!("error.promises.meanwhile", id = id)))?,
            PromiseUpdate::Dropped => {
                tx.settle_promise(id, PromiseStatus::Dropped, now, None)
                    .await?;
                cancel_timers(&mut tx, id).await?;
                EventKind::PromiseDropped { promise_id: id }
            }
            PromiseUpdate::DueAt(at) => {
                if at <= now {
                    return Err(AppError::invalid("due_at", msg!("error.promises.future")));
                }
                tx.reschedule_promise(id, at).await?;
                self.schedule_promise_timers(&mut tx, id, at, &calendar, now)
                    .await?;
                EventKind::PromiseRescheduled {
                    promise_id: id,
                    from: promise.due_at,
                    to: at,
                }
            }
        };
        append_events(
            &mut tx,
            promise.ticket_id,
            Actor::Agent(caller.agent_id),
            vec![event],
        )
        .await?;
        let updated = tx.promise(id).await?;
        tx.commit().await?;
        Ok(updated)
    }

    /// The scheduler's handler for a promise's reminder.
    pub(crate) async fn remind_promise(
        &self,
        tx: &mut WriteTx,
        job: &JobRecord,
        calendar: &BusinessCalendar,
    ) -> Result<(), JobFailure> {
        let Some(promise) = open_promise(tx, job).await? else {
            return Ok(());
        };
        let zone = tx
            .agent_contact(promise.owner_id)
            .await?
            .and_then(|c| c.time_zone);
        let when = crate::sla::local_time(promise.due_at, zone.as_deref(), calendar);
        let mut words = msg!(
            "notification.promise.due",
            ticket = promise.ticket_id,
            promise = promise.text
        );
        let zone = crate::sla::zone_name(zone.as_deref(), calendar);
        words.args.extend(
            crate::notices::due_args(promise.due_at, when, &zone).map(|(n, v)| (n.into(), v)),
        );
        tx.notify(&[crate::notices::note(
            promise.owner_id,
            Some(promise.ticket_id),
            NotificationKind::PromiseReminder,
            &words,
        )])
        .await?;
        append_events(
            tx,
            promise.ticket_id,
            Actor::System,
            vec![EventKind::PromiseReminded {
                promise_id: promise.id,
                due_at: promise.due_at,
            }],
        )
        .await
        .map_err(JobFailure::from)
    }

    /// The scheduler's handler at a promise's due time: still open means
    /// broken, escalated (an event the workspace and the lead see) with a
    /// message to the customer prepared for the owner.
    pub(crate) async fn break_promise(
        &self,
        tx: &mut WriteTx,
        job: &JobRecord,
        calendar: &BusinessCalendar,
    ) -> Result<(), JobFailure> {
        let Some(promise) = open_promise(tx, job).await? else {
            return Ok(());
        };
        let draft = recovery_draft(&promise, calendar, self.reminder_minutes());
        tx.settle_promise(
            promise.id,
            PromiseStatus::Broken,
            Timestamp::now(),
            Some(&draft),
        )
        .await?;
        // The owner and the team's leads hear of it at once.
        let words = msg!(
            "notification.promise.broken",
            ticket = promise.ticket_id,
            promise = promise.text
        );
        let mut told = vec![promise.owner_id];
        if let Some(team) = promise.team_id {
            for lead in tx.team_leads(team).await? {
                if !told.contains(&lead.id) {
                    told.push(lead.id);
                }
            }
        }
        let notes: Vec<NewNotification> = told
            .into_iter()
            .map(|agent_id| {
                crate::notices::note(
                    agent_id,
                    Some(promise.ticket_id),
                    NotificationKind::PromiseBroken,
                    &words,
                )
            })
            .collect();
        tx.notify(&notes).await?;
        append_events(
            tx,
            promise.ticket_id,
            Actor::System,
            vec![EventKind::PromiseBroken {
                promise_id: promise.id,
                due_at: promise.due_at,
            }],
        )
        .await
        .map_err(JobFailure::from)
    }

    /// A broken promise's prepared message with the coach's review of it,
    /// for the owner to edit and send.
    pub async fn promise_recovery(
        &self,
        caller: &Caller,
        id: PromiseId,
    ) -> Result<(PromiseRecord, rapport_coach::Review), AppError> {
        caller.require(Permission::Read, "read promises")?;
        let promise = self.store().promise(id).await?;
        let Some(draft) = promise.recovery_draft.clone() else {
            return Err(AppError::Conflict(msg!(
                "error.promises.not_broken",
                id = id,
                status = promise.status
            )));
        };
        let ticket = self.store().ticket(promise.ticket_id).await?;
        let context = self.coach_context(&ticket).await?;
        let review = self.analyze_off_workers(&draft, context).await?;
        Ok((promise, review))
    }
}

/// How the owner changes an open promise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromiseUpdate {
    /// It was done.
    Kept,
    /// It was not a promise after all.
    Dropped,
    /// It will be done by this time instead.
    DueAt(Timestamp),
}

/// The instant `lead` business minutes before `due_at`, when that is still
/// ahead of `now` (moved to the next opening when it falls on a closing time,
/// so nobody is reminded at 17:00 of something due at 10:00 the next day).
pub(crate) fn reminder_time(
    calendar: &BusinessCalendar,
    now: Timestamp,
    due_at: Timestamp,
    lead: i64,
) -> Option<Timestamp> {
    let ahead = calendar.business_minutes_between(now, due_at);
    if lead <= 0 || ahead <= lead {
        return None;
    }
    let at = calendar.add_business_minutes(now, ahead - lead)?;
    let at = if calendar.is_open(at) {
        at
    } else {
        calendar.next_opening(at).unwrap_or(at)
    };
    (at < due_at).then_some(at)
}

/// The message prepared for the customer when a promise broke: an apology,
/// what was promised, and a new time the owner fills in or confirms.
fn recovery_draft(promise: &PromiseRecord, calendar: &BusinessCalendar, lead: i64) -> String {
    let now = Timestamp::now();
    let new_time = calendar
        .add_business_minutes(now, lead.max(60) * 4)
        .map(|t| crate::hours::customer_time(calendar, t, now))
        .unwrap_or_else(|| "[a new time]".into());
    format!(
        "I'm sorry: we told you \"{}\", and we did not manage it by {}. \
         That is our fault, not yours. Here is where things stand: [what happened]. \
         I will get back to you by {new_time} with it done or a clear update.",
        promise.text.trim(),
        crate::hours::customer_time(calendar, promise.due_at, now),
    )
}

/// The promise a timer is about, when it is still open.
async fn open_promise(
    tx: &mut WriteTx,
    job: &JobRecord,
) -> Result<Option<PromiseRecord>, JobFailure> {
    let timer: PromiseTimer = serde_json::from_str(&job.payload)
        .map_err(|e| JobFailure::GiveUp(format!("unreadable promise timer: {e}")))?;
    match tx.promise(PromiseId(timer.promise)).await {
        Ok(p) if p.status == PromiseStatus::Open => Ok(Some(p)),
        Ok(_) | Err(rapport_store::StoreError::NotFound(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The key of a promise's timers.
fn timer_key(id: PromiseId) -> String {
    format!("promise:{}", id.0)
}

/// Cancels a promise's pending reminder and due-time check.
async fn cancel_timers(tx: &mut WriteTx, id: PromiseId) -> Result<(), StoreError> {
    let key = timer_key(id);
    tx.cancel_jobs(JobKind::PromiseReminder, &key).await?;
    tx.cancel_jobs(JobKind::PromiseDue, &key).await?;
    Ok(())
}

/// Keeps an open promise now, its timers cancelled; the event to record, or
/// `None` when it was no longer open.
async fn keep(
    tx: &mut WriteTx,
    promise: &PromiseRecord,
    now: Timestamp,
) -> Result<Option<EventKind>, StoreError> {
    if !tx
        .settle_promise(promise.id, PromiseStatus::Kept, now, None)
        .await?
    {
        return Ok(None);
    }
    cancel_timers(tx, promise.id).await?;
    Ok(Some(EventKind::PromiseKept {
        promise_id: promise.id,
        on_time: now <= promise.due_at,
    }))
}

/// Appends events to a ticket's log in this transaction (nothing when empty).
async fn append_events(
    tx: &mut WriteTx,
    ticket: TicketId,
    actor: Actor,
    events: Vec<EventKind>,
) -> Result<(), AppError> {
    if events.is_empty() {
        return Ok(());
    }
    tx.change_ticket(ticket, actor, None, move |_, _| Ok::<_, AppError>(events))
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rapport_coach::promises::Promise;

    fn found(due: Option<&str>, vague: bool) -> Promise {
        Promise {
            span: 0..10,
            text: "I will send it by Friday.".into(),
            due: due.map(str::to_string),
            vague,
        }
    }

    #[test]
    fn dated_promises_are_confirmed_unless_dropped_and_vague_ones_need_a_time() {
        let now = Timestamp::parse("2026-12-01T09:00:00Z").unwrap_or(Timestamp(0));
        let list = [
            found(Some("2026-12-04T17:00:00+01:00[Europe/Berlin]"), false),
            found(None, true),
            found(Some("2026-12-05T12:00:00Z"), false),
        ];
        let chosen = choose(&list, &PromiseDecisions::default(), now).unwrap_or_default();
        assert_eq!(chosen.len(), 2, "{chosen:?}");
        assert_eq!(
            chosen[0].due_at,
            Timestamp::parse("2026-12-04T16:00:00Z").unwrap_or(Timestamp(0))
        );
        let later = Timestamp::parse("2026-12-02T10:00:00Z").unwrap_or(Timestamp(0));
        let decisions = PromiseDecisions {
            choices: vec![(0, PromiseChoice::Drop), (1, PromiseChoice::DueAt(later))],
            fulfils: Vec::new(),
        };
        let chosen = choose(&list, &decisions, now).unwrap_or_default();
        assert_eq!(
            chosen.iter().map(|c| c.due_at).collect::<Vec<_>>(),
            vec![
                later,
                Timestamp::parse("2026-12-05T12:00:00Z").unwrap_or(Timestamp(0))
            ]
        );
        let past = PromiseDecisions {
            choices: vec![(1, PromiseChoice::DueAt(Timestamp(0)))],
            fulfils: Vec::new(),
        };
        assert!(choose(&list, &past, now).is_err());
        let missing = PromiseDecisions {
            choices: vec![(3, PromiseChoice::Drop)],
            fulfils: Vec::new(),
        };
        assert!(choose(&list, &missing, now).is_err());
    }

    #[test]
    fn the_reminder_comes_a_lead_of_business_minutes_before_the_due_time() {
        let calendar = BusinessCalendar::new(rapport_core::CalendarSpec::office_hours(
            "Office",
            "Europe/Berlin",
        ));
        let Ok(calendar) = calendar else {
            panic!("office hours compile");
        };
        // Monday 2026-11-30 10:00 Berlin; due Tuesday 10:00 Berlin.
        let now = Timestamp::parse("2026-11-30T09:00:00Z").unwrap_or(Timestamp(0));
        let due = Timestamp::parse("2026-12-01T09:00:00Z").unwrap_or(Timestamp(0));
        // 60 business minutes before Tuesday 10:00 is Tuesday 09:00.
        assert_eq!(
            reminder_time(&calendar, now, due, 60),
            Timestamp::parse("2026-12-01T08:00:00Z").ok()
        );
        // Less than the lead ahead: no reminder.
        let soon = Timestamp::parse("2026-11-30T09:30:00Z").unwrap_or(Timestamp(0));
        assert_eq!(reminder_time(&calendar, now, soon, 60), None);
    }
}
