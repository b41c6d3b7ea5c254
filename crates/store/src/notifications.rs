//! Notifications for agents: response-target warnings and breaches,
//! promise reminders and broken promises, mentions, recovery tasks,
//! customers' answers that reopen work. Written in the
//! transaction of what causes them; the workspace and the API show them.

use crate::rows::parse;
use crate::{Store, StoreError, WriteTx};
use rapport_core::{AgentId, Role, TeamId, TicketId, Timestamp};
use sqlx::Row;

/// Why an agent is told something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationKind {
    /// A response target's warning share was used.
    SlaWarning,
    /// A response target was missed.
    SlaBreach,
    /// A promise falls due soon.
    PromiseReminder,
    /// A promise was broken.
    PromiseBroken,
    /// Someone mentioned the agent in a note.
    Mention,
    /// A recovery task (low rating, negative review) to follow up.
    RecoveryTask,
    /// The customer answered a solved or closed ticket the agent owns.
    CustomerAnswered,
}

rapport_core::str_enum!(NotificationKind {
    NotificationKind::SlaWarning => "sla_warning",
    NotificationKind::SlaBreach => "sla_breach",
    NotificationKind::PromiseReminder => "promise_reminder",
    NotificationKind::PromiseBroken => "promise_broken",
    NotificationKind::Mention => "mention",
    NotificationKind::RecoveryTask => "recovery_task",
    NotificationKind::CustomerAnswered => "customer_answered",
});

/// A notification to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotification {
    /// For whom.
    pub agent_id: AgentId,
    /// About which ticket.
    pub ticket_id: Option<TicketId>,
    /// Why.
    pub kind: NotificationKind,
    /// What it says (in the agent's time zone), in English.
    pub text: String,
    /// The same as a catalogue key and its values (JSON), for the
    /// reader's language.
    pub words: Option<String>,
}

/// A stored notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationRecord {
    /// Its id.
    pub id: i64,
    /// For whom.
    pub agent_id: AgentId,
    /// About which ticket.
    pub ticket_id: Option<TicketId>,
    /// Why.
    pub kind: NotificationKind,
    /// What it says, in English.
    pub text: String,
    /// The same as a catalogue key and its values (JSON); none in rows
    /// written before migration 0029.
    pub words: Option<String>,
    /// When.
    pub created_at: Timestamp,
    /// When the agent read it.
    pub read_at: Option<Timestamp>,
}

impl WriteTx {
    /// Writes notifications in this transaction.
    pub async fn notify(&mut self, items: &[NewNotification]) -> Result<(), StoreError> {
        let now = Timestamp::now();
        for n in items {
            sqlx::query(
                "INSERT INTO notifications (agent_id, ticket_id, kind, text, words, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(n.agent_id.0)
            .bind(n.ticket_id.map(|t| t.0))
            .bind(n.kind.as_str())
            .bind(&n.text)
            .bind(n.words.as_deref())
            .bind(now.0)
            .execute(&mut *self.tx)
            .await?;
        }
        Ok(())
    }

    /// The active leads and admins of a team, with how to reach them.
    pub async fn team_leads(&mut self, team: TeamId) -> Result<Vec<AgentContact>, StoreError> {
        let rows = sqlx::query(
            "SELECT a.id, a.email, a.time_zone, a.language FROM agents a \
             JOIN team_members m ON m.agent_id = a.id \
             WHERE m.team_id = $1 AND a.active = 1 AND a.role IN ($2, $3) ORDER BY a.id",
        )
        .bind(team.0)
        .bind(Role::Lead.as_str())
        .bind(Role::Admin.as_str())
        .fetch_all(&mut *self.tx)
        .await?;
        rows.iter().map(contact).collect()
    }

    /// An active agent's address, time zone and language.
    pub async fn agent_contact(&mut self, id: AgentId) -> Result<Option<AgentContact>, StoreError> {
        let row = sqlx::query(
            "SELECT id, email, time_zone, language FROM agents WHERE id = $1 AND active = 1",
        )
        .bind(id.0)
        .fetch_optional(&mut *self.tx)
        .await?;
        row.as_ref().map(contact).transpose()
    }
}

/// How to reach an agent, and in which words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentContact {
    /// The agent.
    pub id: AgentId,
    /// Their address.
    pub email: String,
    /// Their time zone (none: the business's).
    pub time_zone: Option<String>,
    /// The language they read (a code; none: the default).
    pub language: Option<String>,
}

fn contact(r: &sqlx::any::AnyRow) -> Result<AgentContact, StoreError> {
    Ok(AgentContact {
        id: AgentId(r.try_get("id")?),
        email: r.try_get("email")?,
        time_zone: r.try_get("time_zone")?,
        language: r.try_get("language")?,
    })
}

impl Store {
    /// An agent's notifications, newest first (only unread ones if asked).
    pub async fn notifications(
        &self,
        agent: AgentId,
        unread_only: bool,
        limit: i64,
    ) -> Result<Vec<NotificationRecord>, StoreError> {
        let unread = if unread_only {
            " AND read_at IS NULL"
        } else {
            ""
        };
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT id, agent_id, ticket_id, kind, text, words, created_at, read_at FROM notifications \
             WHERE agent_id = $1{unread} ORDER BY id DESC LIMIT $2"
        )))
        .bind(agent.0)
        .bind(limit.clamp(1, 500))
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(NotificationRecord {
                    id: r.try_get("id")?,
                    agent_id: AgentId(r.try_get("agent_id")?),
                    ticket_id: r.try_get::<Option<i64>, _>("ticket_id")?.map(TicketId),
                    kind: parse(&r.try_get::<String, _>("kind")?)?,
                    text: r.try_get("text")?,
                    words: r.try_get("words")?,
                    created_at: Timestamp(r.try_get("created_at")?),
                    read_at: r.try_get::<Option<i64>, _>("read_at")?.map(Timestamp),
                })
            })
            .collect()
    }

    /// Marks an agent's notification read; false when it is not theirs.
    pub async fn mark_notification_read(
        &self,
        agent: AgentId,
        id: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE notifications SET read_at = $1 WHERE id = $2 AND agent_id = $3 AND read_at IS NULL",
        )
        .bind(Timestamp::now().0)
        .bind(id)
        .bind(agent.0)
        .execute(&self.write)
        .await?;
        if done.rows_affected() == 1 {
            return Ok(true);
        }
        let mine: Option<i64> =
            sqlx::query_scalar("SELECT id FROM notifications WHERE id = $1 AND agent_id = $2")
                .bind(id)
                .bind(agent.0)
                .fetch_optional(&self.write)
                .await?;
        Ok(mine.is_some())
    }
}
