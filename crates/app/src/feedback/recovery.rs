//! Recovery tasks: a low survey rating or a negative review is followed up
//! by a lead, by a due time in the ticket's business time. The task names
//! the ticket, its owner and the customer's words; opening it and its
//! follow-up are ticket events (`recovery_opened`, `recovery_followed_up`).
//! The lead is the ticket's team's lead; without one, the admins are told.

use crate::tickets::NewTicket;
use crate::{App, AppError, Caller, required_text};
use rapport_core::{
    Actor, AgentId, BusinessCalendar, Command, Permission, Priority, RecoveryOutcome,
    RecoverySource, TeamId, Ticket, TicketId, Timestamp,
};
use rapport_store::{
    NewMessage, NewNotification, NewRecoveryTask, NotificationKind, RecoveryFilter,
    RecoveryTaskRecord, TeamRecord, WriteTx,
};

/// The most characters of a follow-up note.
const MAX_NOTE_CHARS: usize = 4000;
/// The most tasks one list shows.
const MAX_LIST: i64 = 500;

impl App {
    /// Opens a recovery task for a ticket, in the caller's transaction;
    /// `None` when the ticket already has one from this source.
    pub(crate) async fn open_recovery(
        &self,
        tx: &mut WriteTx,
        ticket: &Ticket,
        calendar: &BusinessCalendar,
        (source, rating, words): (RecoverySource, u8, &str),
    ) -> Result<Option<i64>, AppError> {
        let lead = match ticket.team_id {
            Some(team) => tx.team_lead_of(team).await?,
            None => None,
        };
        let minutes = self.config().feedback.recovery_minutes.max(0);
        let now = Timestamp::now();
        let due_at = calendar
            .add_business_minutes(now, minutes)
            .unwrap_or_else(|| now.plus_seconds(minutes * 60));
        let new = NewRecoveryTask {
            ticket_id: ticket.id,
            source,
            rating,
            words: words.to_string(),
            owner_id: ticket.owner_id,
            lead_id: lead,
            due_at,
        };
        let Some(task_id) = tx.insert_recovery_task(&new).await? else {
            return Ok(None);
        };
        let command = Command::OpenRecovery {
            task_id,
            lead_id: lead,
            rating,
            due_at,
        };
        tx.change_ticket(ticket.id, Actor::System, None, move |t, _| {
            Ok::<_, AppError>(rapport_core::decide(t, &command, Actor::System)?)
        })
        .await?;
        let told = match lead {
            Some(lead) => vec![lead],
            None => tx.active_admins().await?,
        };
        let how = match source {
            RecoverySource::Survey => msg!("notification.recovery.by_survey"),
            RecoverySource::Review => msg!("notification.recovery.by_review"),
        };
        let words = msg!(
            "notification.recovery",
            task = task_id,
            ticket = ticket.id,
            rating = rating,
            due = due_at
        )
        .with_list("how", vec![how]);
        let notes: Vec<NewNotification> = told
            .into_iter()
            .map(|agent_id| {
                crate::notices::note(
                    agent_id,
                    Some(ticket.id),
                    NotificationKind::RecoveryTask,
                    &words,
                )
            })
            .collect();
        tx.notify(&notes).await?;
        Ok(Some(task_id))
    }

    /// Opens a ticket for a new request found in a survey comment, linked
    /// both ways by notes and on the survey.
    pub(crate) async fn open_follow_up(
        &self,
        tx: &mut WriteTx,
        rated: &Ticket,
        comment: &str,
        asks: &[String],
    ) -> Result<TicketId, AppError> {
        let actor = Actor::Customer(rated.customer_id);
        let first = NewMessage::from_customer(rated.customer_id, comment.to_string());
        let subject: String = format!("Follow-up to #{}: {}", rated.id.0, rated.subject)
            .chars()
            .take(300)
            .collect();
        let opening = NewTicket {
            subject,
            customer_id: rated.customer_id,
            channel: rated.channel,
            priority: Priority::Normal,
            team_id: rated.team_id,
            tags: vec!["survey-follow-up".into()],
        }
        .decide(Some(&first), actor)?;
        let created = tx.create_ticket(opening, actor, Some(first)).await?;
        let new_id = created.ticket.id;
        tx.set_survey_follow_up(rated.id, new_id).await?;
        let quoted = asks.join("\" / \"");
        self.note_in(
            tx,
            rated.id,
            &format!(
                "The survey comment asks something new (\"{quoted}\"): ticket #{} was opened for it.",
                new_id.0
            ),
        )
        .await?;
        self.note_in(
            tx,
            new_id,
            &format!(
                "Opened from the satisfaction survey of ticket #{}: the comment asks \"{quoted}\".",
                rated.id.0
            ),
        )
        .await?;
        Ok(new_id)
    }

    /// Recovery tasks (open ones first, earliest due first).
    pub async fn recovery_tasks(
        &self,
        caller: &Caller,
        filter: RecoveryFilter,
    ) -> Result<Vec<RecoveryTaskRecord>, AppError> {
        caller.require(Permission::Read, "read recovery tasks")?;
        let filter = RecoveryFilter {
            limit: filter.limit.clamp(1, MAX_LIST),
            ..filter
        };
        Ok(self.store().recovery_tasks(&filter).await?)
    }

    /// One recovery task.
    pub async fn recovery_task(
        &self,
        caller: &Caller,
        id: i64,
    ) -> Result<RecoveryTaskRecord, AppError> {
        caller.require(Permission::Read, "read recovery tasks")?;
        Ok(self.store().recovery_task(id).await?)
    }

    /// Records a lead's follow-up of a task and its outcome: the task's
    /// lead, any lead or an admin may; once only.
    pub async fn follow_up_recovery(
        &self,
        caller: &Caller,
        id: i64,
        outcome: RecoveryOutcome,
        note: &str,
    ) -> Result<RecoveryTaskRecord, AppError> {
        caller.require(Permission::Work, "follow up recovery tasks")?;
        let note = required_text("note", note, MAX_NOTE_CHARS)?;
        self.sla_rules().await?;
        let mut tx = self.store().begin_write().await?;
        let task = tx
            .recovery_task_locked(id)
            .await?
            .ok_or(AppError::NotFound("recovery task"))?;
        if task.lead_id != Some(caller.agent_id) && !caller.role.allows(Permission::ManageTeams) {
            return Err(AppError::Forbidden(msg!("error.recovery.who")));
        }
        if !tx
            .close_recovery_task(id, outcome, &note, caller.agent_id)
            .await?
        {
            return Err(AppError::Conflict(msg!("error.recovery.done")));
        }
        let actor = Actor::Agent(caller.agent_id);
        let command = Command::FollowUpRecovery {
            task_id: id,
            outcome,
            note,
        };
        tx.change_ticket(task.ticket_id, actor, None, move |t, _| {
            Ok::<_, AppError>(rapport_core::decide(t, &command, actor)?)
        })
        .await?;
        tx.commit().await?;
        Ok(self.store().recovery_task(id).await?)
    }

    /// Sets or clears a team's lead (leads and admins): whom the team's
    /// recovery tasks go to. The lead must be an active agent.
    pub async fn set_team_lead(
        &self,
        caller: &Caller,
        team: TeamId,
        lead: Option<AgentId>,
    ) -> Result<TeamRecord, AppError> {
        caller.require(Permission::ManageTeams, "set team leads")?;
        if let Some(agent) = lead {
            let record = self
                .store()
                .agent(agent)
                .await
                .map_err(crate::error::missing_as(
                    "agent_id",
                    msg!("error.agents.no_agent", id = agent),
                ))?;
            if !record.active {
                return Err(AppError::invalid(
                    "agent_id",
                    msg!("error.agents.inactive", id = agent),
                ));
            }
        }
        Ok(self.store().set_team_lead(team, lead).await?)
    }
}

/// The recovery page's content: tasks with their tickets' subjects and the
/// names of the agents they mention.
#[derive(Debug, Clone)]
pub struct RecoveryBoard {
    /// The tasks, open ones first, each with its ticket's subject.
    pub tasks: Vec<(RecoveryTaskRecord, String)>,
    /// Agent names by id.
    pub names: std::collections::HashMap<AgentId, String>,
}

impl App {
    /// Open tasks and the most recently due done ones, for the workspace page.
    pub async fn recovery_board(&self, caller: &Caller) -> Result<RecoveryBoard, AppError> {
        let tasks = self
            .recovery_tasks(
                caller,
                RecoveryFilter {
                    limit: 100,
                    ..RecoveryFilter::default()
                },
            )
            .await?;
        let mut with_subjects = Vec::with_capacity(tasks.len());
        for task in tasks {
            let subject = self.store().ticket(task.ticket_id).await?.subject;
            with_subjects.push((task, subject));
        }
        let names = self
            .store()
            .agents()
            .await?
            .into_iter()
            .map(|a| (a.id, a.name))
            .collect();
        Ok(RecoveryBoard {
            tasks: with_subjects,
            names,
        })
    }
}
