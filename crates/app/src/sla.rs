//! Response targets (SLA): the rules every ticket write plans its clocks
//! with (policies, calendars, pausing statuses), kept fresh across servers;
//! the sweep that records warnings and breaches when their time comes, with
//! notifications and escalation mail; the clocks of one ticket; policies
//! for admins; and the recompute after a policy or calendar changes.

use crate::Msg;
use crate::i18n::Lang;
use crate::notices::{due_args, note, words_in};
use crate::scheduler::JobFailure;
use crate::{App, AppError, Caller};
use rapport_core::sla::{Clock, ClockKind, ClockPlan, SlaChange, SlaPolicy, SlaRules, Targets};
use rapport_core::{Event, EventKind, Permission, TeamId, Ticket, TicketId, Timestamp};
use rapport_store::{
    AgentContact, JobKind, JobRecord, NewJob, NewOutboxMail, NotificationKind, NotificationRecord,
    OutboxKind, WriteTx,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// When the rules were last read, to re-read them after `[business] recheck`.
#[derive(Debug, Default)]
pub(crate) struct SlaCache {
    loaded: Mutex<Option<Instant>>,
    /// What first responses really took per queue, read at most once a minute.
    recent: Mutex<RecentFirstResponses>,
}

/// Per queue: when it was read, and the slow fifth of its first responses.
type RecentFirstResponses = HashMap<Option<TeamId>, (Instant, Option<i64>)>;

/// First responses the acknowledgment's promise looks back on.
const RECENT_RESPONSES: i64 = 50;

/// What one sweep recorded.
#[derive(Debug, Clone, Default)]
pub struct SweepReport {
    /// Warnings and breaches recorded.
    pub alerts: usize,
    /// Escalation mails scheduled: to whom, and when they go.
    pub escalations: Vec<(String, Timestamp)>,
}

/// Tickets whose alerts one sweep records at most.
const SWEEP_BATCH: i64 = 200;

/// One running or stopped clock, as the ticket's JSON shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ClockView {
    /// Which target.
    pub kind: ClockKind,
    /// The target, in business minutes.
    pub target_minutes: i64,
    /// Business minutes counted so far.
    pub elapsed_minutes: i64,
    /// Business minutes left (negative: past the target).
    pub remaining_minutes: i64,
    /// When it falls due, while it runs.
    pub due_at: Option<Timestamp>,
    /// Paused by the ticket's status.
    pub paused: bool,
    /// Counting now.
    pub running: bool,
    /// Met or stopped at.
    pub stopped_at: Option<Timestamp>,
    /// Past its target.
    pub breached: bool,
}

impl From<&Clock> for ClockView {
    fn from(c: &Clock) -> Self {
        Self {
            kind: c.kind,
            target_minutes: c.target_minutes,
            elapsed_minutes: c.elapsed_micros.div_euclid(60_000_000),
            remaining_minutes: c.remaining_minutes(),
            due_at: c.due_at,
            paused: c.paused,
            running: c.running,
            stopped_at: c.stopped_at,
            breached: c.breached,
        }
    }
}

/// A ticket's response targets: the policy and each clock.
#[derive(Debug, Clone, Serialize)]
pub struct TicketClocks {
    /// The policy that applies (`None`: the configured fallback targets).
    pub policy_id: Option<i64>,
    /// The policy's name.
    pub policy: String,
    /// The business time zone the clocks count in.
    pub time_zone: String,
    /// Each clock.
    pub clocks: Vec<ClockView>,
}

/// A notification, as the API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct NotificationView {
    /// Its id.
    pub id: i64,
    /// About which ticket.
    pub ticket_id: Option<TicketId>,
    /// Why: sla_warning, sla_breach, promise_reminder, promise_broken, mention,
    /// recovery_task, customer_answered.
    pub kind: &'static str,
    /// What it says (English).
    pub text: String,
    /// Its words for other languages (see [`crate::notices`]).
    #[serde(skip)]
    pub words: Option<String>,
    /// When.
    pub created_at: Timestamp,
    /// When it was read.
    pub read_at: Option<Timestamp>,
}

impl From<NotificationRecord> for NotificationView {
    fn from(n: NotificationRecord) -> Self {
        Self {
            id: n.id,
            ticket_id: n.ticket_id,
            kind: n.kind.as_str(),
            text: n.text,
            words: n.words,
            created_at: n.created_at,
            read_at: n.read_at,
        }
    }
}

/// A policy as an admin writes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyInput {
    /// Unique name.
    pub name: String,
    /// Matching order (lower first).
    #[serde(default)]
    pub position: i64,
    /// When it applies (empty: always).
    #[serde(default)]
    pub conditions: rapport_core::sla::PolicyConditions,
    /// The calendar to count in (default: the business calendar).
    #[serde(default)]
    pub calendar_id: Option<i64>,
    /// First response target, business minutes.
    #[serde(default)]
    pub first_response_minutes: Option<i64>,
    /// Next response target, business minutes.
    #[serde(default)]
    pub next_response_minutes: Option<i64>,
    /// Resolution target, business minutes.
    #[serde(default)]
    pub resolution_minutes: Option<i64>,
    /// Warning share in percent (default 75).
    #[serde(default)]
    pub warn_percent: Option<i64>,
}

/// A stored policy, as the API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyView {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Matching order.
    pub position: i64,
    /// When it applies.
    pub conditions: rapport_core::sla::PolicyConditions,
    /// Its calendar (`None`: the default).
    pub calendar_id: Option<i64>,
    /// First response target.
    pub first_response_minutes: Option<i64>,
    /// Next response target.
    pub next_response_minutes: Option<i64>,
    /// Resolution target.
    pub resolution_minutes: Option<i64>,
    /// Warning share in percent.
    pub warn_percent: i64,
}

impl From<SlaPolicy> for PolicyView {
    fn from(p: SlaPolicy) -> Self {
        Self {
            id: p.id,
            name: p.name,
            position: p.position,
            conditions: p.conditions,
            calendar_id: p.calendar_id,
            first_response_minutes: p.targets.first_response,
            next_response_minutes: p.targets.next_response,
            resolution_minutes: p.targets.resolution,
            warn_percent: p.warn_permille / 10,
        }
    }
}

/// What the escalation job mails.
#[derive(Debug, Serialize, Deserialize)]
struct Escalation {
    ticket_id: i64,
    to: String,
    subject: String,
    text: String,
}

impl App {
    /// The rules in force, re-read after `[business] recheck` so a change
    /// made through another server counts here too; installed in the store
    /// for every ticket write.
    pub async fn sla_rules(&self) -> Result<Arc<SlaRules>, AppError> {
        let fresh = self
            .sla
            .loaded
            .lock()
            .ok()
            .and_then(|l| *l)
            .is_some_and(|at| at.elapsed() < self.config.business.recheck);
        if fresh && let Some(rules) = self.store.sla_rules() {
            return Ok(rules);
        }
        self.reload_sla_rules().await
    }

    /// Reads the policies and calendars again and installs them.
    pub async fn reload_sla_rules(&self) -> Result<Arc<SlaRules>, AppError> {
        let default_calendar = self.business_calendar().await?;
        let mut calendars = HashMap::new();
        for record in self.store.calendars().await? {
            if let Ok(calendar) = rapport_core::BusinessCalendar::new(record.spec) {
                calendars.insert(record.id, Arc::new(calendar));
            }
        }
        let business = &self.config.business;
        let rules = Arc::new(SlaRules {
            policies: self.store.sla_policies().await?,
            calendars,
            default_calendar,
            pausing: business.pausing.clone(),
            fallback: Targets {
                first_response: Some(business.first_response_minutes),
                next_response: Some(business.first_response_minutes),
                resolution: None,
            },
            fallback_warn_permille: business.warn_permille,
        });
        self.store.set_sla_rules(rules.clone());
        if let Ok(mut loaded) = self.sla.loaded.lock() {
            *loaded = Some(Instant::now());
        }
        Ok(rules)
    }

    /// How many business minutes the acknowledgment of a ticket may promise
    /// for a first response, and in which calendar: the applying policy's
    /// target, or what the queue's recent first responses really took (the
    /// 80th percentile of the last 50) when that is slower. Never a promise
    /// the queue cannot keep.
    pub(crate) async fn first_response_promise(
        &self,
        ticket: TicketId,
    ) -> Result<(Arc<rapport_core::BusinessCalendar>, i64), AppError> {
        let rules = self.sla_rules().await?;
        let ticket = self.store.ticket(ticket).await?;
        let target = rules
            .policy_for(&ticket)
            .map_or(rules.fallback, |p| p.targets)
            .first_response
            .unwrap_or(self.config.business.first_response_minutes);
        let calendar = self.ticket_calendar(&ticket).await?;
        let recent = self.recent_first_response(ticket.team_id).await?;
        Ok((calendar, recent.map_or(target, |r| r.max(target))))
    }

    /// The 80th percentile of a queue's last first responses, in business minutes.
    async fn recent_first_response(&self, team: Option<TeamId>) -> Result<Option<i64>, AppError> {
        if let Ok(cache) = self.sla.recent.lock()
            && let Some((at, value)) = cache.get(&team)
            && at.elapsed() < std::time::Duration::from_secs(60)
        {
            return Ok(*value);
        }
        let mut minutes = self
            .store
            .recent_first_responses(team, RECENT_RESPONSES)
            .await?;
        let value = slow_share(&mut minutes);
        if let Ok(mut cache) = self.sla.recent.lock() {
            cache.insert(team, (Instant::now(), value));
        }
        Ok(value)
    }

    /// The calendar a ticket's times are read in: its policy's (a team's or
    /// region's), else the default. Promise due times use it too.
    pub(crate) async fn ticket_calendar(
        &self,
        ticket: &Ticket,
    ) -> Result<Arc<rapport_core::BusinessCalendar>, AppError> {
        Ok(calendar_for(&*self.sla_rules().await?, ticket))
    }

    /// A ticket's clocks now, replayed from its events.
    pub(crate) async fn clocks_of(&self, ticket: &Ticket) -> Result<TicketClocks, AppError> {
        let rules = self.sla_rules().await?;
        let events = self.store.ticket_history(ticket.id).await?;
        let plan = rules.plan(ticket, &events, events.len(), Timestamp::now());
        Ok(view(&rules, &plan))
    }

    /// Records the warnings and breaches that fell due, notifies the owner
    /// (and, for a breach, the team's leads), and schedules escalation mail
    /// (at the next opening when `[business] escalate_in_business_hours`).
    pub async fn sweep_sla_alerts(&self) -> Result<SweepReport, AppError> {
        self.sweep_sla_alerts_at(Timestamp::now()).await
    }

    /// The sweep as of an instant (the scheduler passes the present; tests a
    /// night or a weekend).
    pub async fn sweep_sla_alerts_at(&self, now: Timestamp) -> Result<SweepReport, AppError> {
        let rules = self.sla_rules().await?;
        let mut tx = self.store.begin_write().await?;
        let alerted = tx.record_sla_alerts(now, SWEEP_BATCH).await?;
        let mut report = SweepReport::default();
        for a in &alerted {
            report.alerts += a.events.len();
            for event in &a.events {
                let mails = self
                    .escalate(&mut tx, &rules, &a.ticket, event, now)
                    .await?;
                report.escalations.extend(mails);
            }
        }
        tx.commit().await?;
        Ok(report)
    }

    async fn escalate(
        &self,
        tx: &mut WriteTx,
        rules: &SlaRules,
        ticket: &Ticket,
        event: &Event,
        now: Timestamp,
    ) -> Result<Vec<(String, Timestamp)>, AppError> {
        let EventKind::SlaClock {
            clock,
            change,
            due_at,
            ..
        } = &event.kind
        else {
            return Ok(Vec::new());
        };
        let breach = *change == SlaChange::Breached;
        let mut people: Vec<AgentContact> = Vec::new();
        if let Some(owner) = ticket.owner_id
            && let Some(contact) = tx.agent_contact(owner).await?
        {
            people.push(contact);
        }
        if (breach || ticket.owner_id.is_none())
            && let Some(team) = ticket.team_id
        {
            for lead in tx.team_leads(team).await? {
                if !people.iter().any(|p| p.id == lead.id) {
                    people.push(lead);
                }
            }
        }
        let calendar = rules.calendar_of(rules.policy_for(ticket));
        let mut notes = Vec::new();
        let mut mails = Vec::new();
        let mut sent = Vec::new();
        for person in people {
            let zone = person.time_zone.as_deref();
            let when = due_at.map(|t| (t, local_time(t, zone, calendar)));
            let words = match (breach, when) {
                (true, _) => msg!("notification.sla.missed", ticket = ticket.id, clock = clock),
                (false, Some((at, english))) => {
                    let mut words = msg!("notification.sla.due", ticket = ticket.id, clock = clock);
                    let zone = zone_name(zone, calendar);
                    words
                        .args
                        .extend(due_args(at, english, &zone).map(|(n, v)| (n.into(), v)));
                    words
                }
                (false, None) => msg!("notification.sla.soon", ticket = ticket.id, clock = clock),
            };
            let kind = if breach {
                NotificationKind::SlaBreach
            } else {
                NotificationKind::SlaWarning
            };
            notes.push(note(person.id, Some(ticket.id), kind, &words));
            let due = if self.config.business.escalate_in_business_hours && !calendar.is_open(now) {
                calendar.next_opening(now).unwrap_or(now)
            } else {
                now
            };
            let lang = Lang::from_stored(person.language.as_deref()).unwrap_or_default();
            let payload = self.escalation_mail(ticket, person.email, &words, lang);
            sent.push((payload.to.clone(), due));
            mails.push(NewJob {
                kind: JobKind::SlaEscalation,
                due_at: due,
                payload: serde_json::to_string(&payload)
                    .map_err(|e| AppError::Internal(e.to_string()))?,
                key: None,
            });
        }
        tx.notify(&notes).await?;
        if !mails.is_empty() {
            tx.schedule_jobs(&mails).await?;
        }
        Ok(sent)
    }

    /// An escalation mail to one agent, in their language, its due time in
    /// their zone and words (`mail.escalation.*` in the catalogues).
    fn escalation_mail(&self, ticket: &Ticket, to: String, words: &Msg, lang: Lang) -> Escalation {
        let summary = words_in(words, lang);
        let link = format!(
            "{}/app/tickets/{}",
            self.config.public_base_url.trim_end_matches('/'),
            ticket.id
        );
        let ticket_id = ticket.id.to_string();
        let summary_line = first_line(&summary);
        let subject = lang.fill(
            "mail.escalation.subject",
            &[("ticket", &ticket_id), ("summary", summary_line)],
        );
        let text = format!(
            "{summary}\n\n{}\n{}\n",
            lang.fill(
                "mail.escalation.subject_line",
                &[("subject", &ticket.subject)]
            ),
            lang.fill("mail.escalation.open", &[("link", &link)]),
        );
        Escalation {
            ticket_id: ticket.id.0,
            to,
            subject,
            text,
        }
    }

    /// Composes an escalation mail (before the job's transaction).
    pub(crate) async fn prepare_escalation(
        &self,
        job: &JobRecord,
    ) -> Result<NewOutboxMail, JobFailure> {
        let e: Escalation = serde_json::from_str(&job.payload)
            .map_err(|error| JobFailure::GiveUp(format!("unreadable escalation: {error}")))?;
        let config = self.config.clone();
        let message_id = crate::portal::fresh_message_id(&config)?;
        let outgoing = rapport_mail::Outgoing {
            from: rapport_mail::Person {
                name: Some(config.mail.business_name.clone()),
                address: config.mail.address.clone(),
            },
            to: vec![rapport_mail::Person {
                name: None,
                address: e.to.clone(),
            }],
            subject: e.subject,
            message_id: message_id.clone(),
            text: e.text,
            date: Timestamp::now().0 / 1_000_000,
            auto_submitted: true,
            ..rapport_mail::Outgoing::default()
        };
        let raw = self
            .cpu()
            .run(None, move || rapport_mail::compose(&outgoing))
            .await
            .map_err(|error| JobFailure::Retry(error.to_string()))?
            .map_err(|error| JobFailure::GiveUp(error.to_string()))?;
        Ok(NewOutboxMail {
            ticket_id: Some(TicketId(e.ticket_id)),
            message_ref: None,
            kind: OutboxKind::Escalation,
            message_id,
            mail_from: config.mail.address.clone(),
            recipients: vec![e.to.clone()],
            rate_key: e.to,
            raw,
        })
    }

    /// The caller's notifications, newest first.
    pub async fn notifications(
        &self,
        caller: &Caller,
        unread_only: bool,
    ) -> Result<Vec<NotificationView>, AppError> {
        caller.require(Permission::Read, "read notifications")?;
        let records = self
            .store
            .notifications(caller.agent_id, unread_only, 200)
            .await?;
        Ok(records.into_iter().map(NotificationView::from).collect())
    }

    /// Marks one of the caller's notifications read.
    pub async fn read_notification(&self, caller: &Caller, id: i64) -> Result<(), AppError> {
        caller.require(Permission::Read, "read notifications")?;
        if self
            .store
            .mark_notification_read(caller.agent_id, id)
            .await?
        {
            Ok(())
        } else {
            Err(AppError::NotFound("notification"))
        }
    }

    /// Every policy, in matching order (any agent may read them).
    pub async fn sla_policies(&self, caller: &Caller) -> Result<Vec<PolicyView>, AppError> {
        caller.require(Permission::Read, "read response targets")?;
        let policies = self.store.sla_policies().await?;
        Ok(policies.into_iter().map(PolicyView::from).collect())
    }

    /// Creates a policy (admins), then recomputes open tickets' due times.
    pub async fn create_sla_policy(
        &self,
        caller: &Caller,
        input: PolicyInput,
    ) -> Result<PolicyView, AppError> {
        caller.require(Permission::ManageCalendars, "change response targets")?;
        let policy = self.checked_policy(0, input).await?;
        let stored = self
            .store
            .create_sla_policy(&policy)
            .await
            .map_err(name_taken)?;
        self.rules_changed().await?;
        Ok(stored.into())
    }

    /// Replaces a policy (admins), then recomputes.
    pub async fn update_sla_policy(
        &self,
        caller: &Caller,
        id: i64,
        input: PolicyInput,
    ) -> Result<PolicyView, AppError> {
        caller.require(Permission::ManageCalendars, "change response targets")?;
        let policy = self.checked_policy(id, input).await?;
        let stored = self
            .store
            .update_sla_policy(&policy)
            .await
            .map_err(name_taken)?;
        self.rules_changed().await?;
        Ok(stored.into())
    }

    /// Deletes a policy (admins), then recomputes.
    pub async fn delete_sla_policy(&self, caller: &Caller, id: i64) -> Result<(), AppError> {
        caller.require(Permission::ManageCalendars, "change response targets")?;
        self.store.delete_sla_policy(id).await?;
        self.rules_changed().await?;
        Ok(())
    }

    async fn checked_policy(&self, id: i64, input: PolicyInput) -> Result<SlaPolicy, AppError> {
        let name = crate::required_text("name", &input.name, 200)?;
        let minutes = |field: &'static str, v: Option<i64>| match v {
            Some(m) if !(1..=525_600).contains(&m) => {
                Err(AppError::invalid(field, msg!("error.sla.target_range")))
            }
            _ => Ok(v),
        };
        let targets = Targets {
            first_response: minutes("first_response_minutes", input.first_response_minutes)?,
            next_response: minutes("next_response_minutes", input.next_response_minutes)?,
            resolution: minutes("resolution_minutes", input.resolution_minutes)?,
        };
        let warn = input.warn_percent.unwrap_or(75);
        if !(1..=99).contains(&warn) {
            return Err(AppError::invalid(
                "warn_percent",
                msg!("error.sla.warn_range"),
            ));
        }
        if let Some(calendar) = input.calendar_id {
            self.store
                .calendar(calendar)
                .await
                .map_err(|_| AppError::invalid("calendar_id", msg!("error.sla.no_calendar")))?;
        }
        let mut conditions = input.conditions;
        for tag in &mut conditions.tags {
            *tag = rapport_core::ticket::normalize_tag(tag).map_err(|m| {
                AppError::invalid("conditions.tags", crate::core_words::tag_words(&m))
            })?;
        }
        Ok(SlaPolicy {
            id,
            name,
            position: input.position,
            conditions,
            calendar_id: input.calendar_id,
            targets,
            warn_permille: warn * 10,
        })
    }

    /// After a policy or calendar change: the new rules here at once, and
    /// every open ticket's due times recomputed in the background.
    pub(crate) async fn rules_changed(&self) -> Result<(), AppError> {
        self.reload_sla_rules().await?;
        let app = self.clone();
        tokio::spawn(async move {
            if let Err(error) = app.recompute_sla(|_| {}).await {
                tracing::error!(%error, "recomputing due times failed");
            }
        });
        Ok(())
    }

    /// Recomputes the due times of every ticket that is not solved or
    /// closed from its events under the current rules, in batches (planned
    /// on the CPU pool, written without holding a transaction while
    /// planning); `progress` hears the count done so far. Returns the count.
    pub async fn recompute_sla(&self, progress: impl Fn(u64)) -> Result<u64, AppError> {
        let rules = self.reload_sla_rules().await?;
        let mut after = TicketId(0);
        let mut done = 0u64;
        let mut writing: Option<tokio::task::JoinHandle<Result<u64, rapport_store::StoreError>>> =
            None;
        loop {
            let batch = self.store.open_tickets_with_history(after, 5_000).await?;
            let Some((last, _)) = batch.last() else {
                break;
            };
            after = last.id;
            let now = Timestamp::now();
            let rules = rules.clone();
            let plans = self
                .cpu()
                .run(None, move || {
                    batch
                        .into_iter()
                        .map(|(ticket, events)| {
                            let plan = rules.plan(&ticket, &events, events.len(), now);
                            (ticket, plan)
                        })
                        .collect::<Vec<_>>()
                })
                .await
                .map_err(|e| AppError::Internal(e.to_string()))?;
            done += plans.len() as u64;
            // The batch is written while the next one is read and planned.
            if let Some(writing) = writing.take() {
                writing
                    .await
                    .map_err(|e| AppError::Internal(e.to_string()))??;
            }
            let store = self.store.clone();
            writing = Some(tokio::spawn(async move {
                store.write_sla_columns(&plans, now).await
            }));
            progress(done);
        }
        if let Some(writing) = writing {
            writing
                .await
                .map_err(|e| AppError::Internal(e.to_string()))??;
        }
        Ok(done)
    }
}

/// A ticket's calendar under `rules` (its policy's, else the default). A
/// write transaction takes the rules loaded before it began: reloading
/// them inside it would wait on SQLite's one writer, which it holds.
pub(crate) fn calendar_for(
    rules: &SlaRules,
    ticket: &Ticket,
) -> Arc<rapport_core::BusinessCalendar> {
    rules.calendar_of(rules.policy_for(ticket)).clone()
}

/// The 80th percentile of first responses, when there are enough (ten) to
/// say anything about the queue.
fn slow_share(minutes: &mut [i64]) -> Option<i64> {
    minutes.sort_unstable();
    (minutes.len() >= 10).then(|| minutes[(minutes.len() * 4) / 5])
}

fn view(rules: &SlaRules, plan: &ClockPlan) -> TicketClocks {
    let policy = plan
        .policy_id
        .and_then(|id| rules.policies.iter().find(|p| p.id == id));
    let calendar = rules.calendar_of(policy);
    TicketClocks {
        policy_id: plan.policy_id,
        policy: policy.map_or_else(|| "Default targets".to_string(), |p| p.name.clone()),
        time_zone: calendar.spec().time_zone.clone(),
        clocks: plan.clocks.iter().map(ClockView::from).collect(),
    }
}

fn name_taken(error: rapport_store::StoreError) -> AppError {
    let text = error.to_string().to_lowercase();
    if text.contains("unique") || text.contains("duplicate") {
        AppError::Conflict(msg!("error.sla.name_taken"))
    } else {
        error.into()
    }
}

/// The zone a recipient reads times in: theirs, else the calendar's.
pub(crate) fn zone_name(zone: Option<&str>, calendar: &rapport_core::BusinessCalendar) -> String {
    zone.and_then(|z| jiff::tz::TimeZone::get(z).ok())
        .unwrap_or_else(|| calendar.time_zone().clone())
        .iana_name()
        .unwrap_or("UTC")
        .to_string()
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or(text)
}

/// An instant in the recipient's zone (the business zone when they set none),
/// named so nobody reads it as UTC: "Tue 8 Dec 10:00 (Europe/Berlin)".
pub(crate) fn local_time(
    at: Timestamp,
    zone: Option<&str>,
    calendar: &rapport_core::BusinessCalendar,
) -> String {
    let tz = zone
        .and_then(|z| jiff::tz::TimeZone::get(z).ok())
        .unwrap_or_else(|| calendar.time_zone().clone());
    let name = tz.iana_name().unwrap_or("UTC").to_string();
    match jiff::Timestamp::from_microsecond(at.0) {
        Ok(t) => format!("{} ({name})", t.to_zoned(tz).strftime("%a %-d %b %H:%M")),
        Err(_) => "at an unknown time".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::slow_share;

    #[test]
    fn the_promise_follows_the_slow_fifth_of_recent_first_responses() {
        assert_eq!(slow_share(&mut [5, 6, 7]), None, "too few to judge");
        let mut recent: Vec<i64> = (1..=10).map(|m| m * 60).collect();
        assert_eq!(slow_share(&mut recent), Some(540));
        let mut with_outlier = vec![30; 9];
        with_outlier.push(10_000);
        assert_eq!(
            slow_share(&mut with_outlier),
            Some(30),
            "one slow answer does not move it"
        );
    }
}
