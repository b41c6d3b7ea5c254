//! The outbox: mail to send, written in the same transaction as what caused
//! it, claimed by workers with a lease. On PostgreSQL the claim uses
//! `FOR UPDATE SKIP LOCKED`, so two servers never take the same mail; a
//! claim whose worker died is taken again once its lease runs out.

use crate::rows::parse;
use crate::write_tx::WriteTx;
use crate::{Backend, Store, StoreError};
use rapport_core::{MessageId, TicketId, Timestamp};
use sqlx::{AssertSqlSafe, Row};

/// What a queued mail is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutboxKind {
    /// An agent's reply.
    Reply,
    /// The automatic acknowledgment of a new request.
    Acknowledgment,
    /// A one-time sign-in link to the customer portal.
    SignInLink,
    /// A response-target escalation to an agent.
    Escalation,
    /// The satisfaction survey of a solved ticket.
    Survey,
}

/// Where a queued mail is in its delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutboxStatus {
    /// Waiting for its next attempt.
    Pending,
    /// Claimed by a worker, which is sending it.
    Sending,
    /// Accepted by the SMTP server.
    Sent,
    /// Given up; a note on the ticket says why.
    Failed,
    /// Sent, then returned by the recipient's server (a delivery report).
    Bounced,
}

rapport_core::str_enum!(OutboxKind {
    OutboxKind::Reply => "reply",
    OutboxKind::Acknowledgment => "acknowledgment",
    OutboxKind::SignInLink => "sign_in_link",
    OutboxKind::Escalation => "escalation",
    OutboxKind::Survey => "survey",
});
rapport_core::str_enum!(OutboxStatus {
    OutboxStatus::Pending => "pending",
    OutboxStatus::Sending => "sending",
    OutboxStatus::Sent => "sent",
    OutboxStatus::Failed => "failed",
    OutboxStatus::Bounced => "bounced",
});

/// Mail to put in the outbox.
#[derive(Debug, Clone)]
pub struct NewOutboxMail {
    /// The ticket it belongs to.
    pub ticket_id: Option<TicketId>,
    /// The stored message it carries.
    pub message_ref: Option<MessageId>,
    /// A reply or an acknowledgment.
    pub kind: OutboxKind,
    /// Its Message-ID, without brackets.
    pub message_id: String,
    /// Envelope sender.
    pub mail_from: String,
    /// Envelope recipients.
    pub recipients: Vec<String>,
    /// Whom the rate limit counts it against (the customer's address).
    pub rate_key: String,
    /// The complete message.
    pub raw: Vec<u8>,
}

/// A mail in the outbox (without its bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRecord {
    /// Its id.
    pub id: i64,
    /// Its ticket.
    pub ticket_id: Option<TicketId>,
    /// The message it carries.
    pub message_ref: Option<MessageId>,
    /// A reply or an acknowledgment.
    pub kind: OutboxKind,
    /// Its Message-ID.
    pub message_id: String,
    /// Envelope sender.
    pub mail_from: String,
    /// Envelope recipients.
    pub recipients: Vec<String>,
    /// Pending, sending, sent, failed or bounced.
    pub status: OutboxStatus,
    /// Delivery attempts so far.
    pub attempts: i64,
    /// When it is tried next (pending).
    pub next_attempt_at: Timestamp,
    /// The last failure.
    pub last_error: Option<String>,
    /// When queued.
    pub created_at: Timestamp,
    /// When the server accepted it.
    pub sent_at: Option<Timestamp>,
}

/// A claimed mail with its bytes, for the worker that sends it.
#[derive(Debug, Clone)]
pub struct ClaimedMail {
    /// The record.
    pub record: OutboxRecord,
    /// The complete message.
    pub raw: Vec<u8>,
}

pub(crate) const COLUMNS: &str = "id, ticket_id, message_ref, kind, message_id, mail_from, recipients, status, attempts, next_attempt_at, last_error, created_at, sent_at";

pub(crate) fn record(row: &sqlx::any::AnyRow) -> Result<OutboxRecord, StoreError> {
    let recipients: String = row.try_get("recipients")?;
    Ok(OutboxRecord {
        id: row.try_get("id")?,
        ticket_id: row.try_get::<Option<i64>, _>("ticket_id")?.map(TicketId),
        message_ref: row.try_get::<Option<i64>, _>("message_ref")?.map(MessageId),
        kind: parse(&row.try_get::<String, _>("kind")?)?,
        message_id: row.try_get("message_id")?,
        mail_from: row.try_get("mail_from")?,
        recipients: serde_json::from_str(&recipients)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        status: parse(&row.try_get::<String, _>("status")?)?,
        attempts: row.try_get("attempts")?,
        next_attempt_at: Timestamp(row.try_get("next_attempt_at")?),
        last_error: row.try_get("last_error")?,
        created_at: Timestamp(row.try_get("created_at")?),
        sent_at: row.try_get::<Option<i64>, _>("sent_at")?.map(Timestamp),
    })
}

impl WriteTx {
    /// Queues a mail in this transaction; returns its outbox id.
    pub async fn enqueue_mail(&mut self, mail: &NewOutboxMail) -> Result<i64, StoreError> {
        let now = Timestamp::now();
        let recipients = serde_json::to_string(&mail.recipients)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(sqlx::query_scalar(
            "INSERT INTO outbox (ticket_id, message_ref, kind, message_id, mail_from, recipients, rate_key, raw, \
             status, attempts, next_attempt_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', 0, $9, $9) RETURNING id",
        )
        .bind(mail.ticket_id.map(|t| t.0))
        .bind(mail.message_ref.map(|m| m.0))
        .bind(mail.kind.as_str())
        .bind(&mail.message_id)
        .bind(&mail.mail_from)
        .bind(recipients)
        .bind(&mail.rate_key)
        .bind(mail.raw.clone())
        .bind(now.0)
        .fetch_one(&mut *self.tx)
        .await?)
    }

    /// How many mails of a kind went to an address since an instant (the loop guard).
    pub async fn mails_to_since(
        &mut self,
        rate_key: &str,
        kind: OutboxKind,
        since: Timestamp,
    ) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM outbox WHERE rate_key = $1 AND kind = $2 AND created_at >= $3",
        )
        .bind(rate_key)
        .bind(kind.as_str())
        .bind(since.0)
        .fetch_one(&mut *self.tx)
        .await?)
    }
}

impl Store {
    /// Claims up to `limit` due mails for a worker, leasing them until `lease_until`.
    /// Mails whose earlier lease ran out (their worker died) are due again.
    pub async fn claim_outbox(
        &self,
        worker: &str,
        limit: i64,
        lease_until: Timestamp,
    ) -> Result<Vec<ClaimedMail>, StoreError> {
        let now = Timestamp::now();
        let skip_locked = match self.backend {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        };
        let sql = format!(
            "UPDATE outbox SET status = 'sending', lease_until = $1, claimed_by = $2, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM outbox WHERE (status = 'pending' AND next_attempt_at <= $3) \
             OR (status = 'sending' AND lease_until < $3) ORDER BY id LIMIT $4{skip_locked}) \
             RETURNING {COLUMNS}, raw"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(lease_until.0)
            .bind(worker)
            .bind(now.0)
            .bind(limit.clamp(1, 100))
            .fetch_all(&self.write)
            .await?;
        let mut claimed = rows
            .iter()
            .map(|row| {
                Ok(ClaimedMail {
                    record: record(row)?,
                    raw: row.try_get("raw")?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        claimed.sort_by_key(|c| c.record.id);
        Ok(claimed)
    }

    /// Records that the server accepted a mail. False when the lease was lost.
    pub async fn outbox_sent(&self, id: i64, worker: &str) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE outbox SET status = 'sent', sent_at = $1, lease_until = NULL, last_error = NULL \
             WHERE id = $2 AND claimed_by = $3 AND status = 'sending'",
        )
        .bind(Timestamp::now().0)
        .bind(id)
        .bind(worker)
        .execute(&self.write)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Puts a mail back to be tried again at `next_attempt_at`.
    pub async fn outbox_retry(
        &self,
        id: i64,
        worker: &str,
        error: &str,
        next_attempt_at: Timestamp,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE outbox SET status = 'pending', next_attempt_at = $1, last_error = $2, lease_until = NULL \
             WHERE id = $3 AND claimed_by = $4 AND status = 'sending'",
        )
        .bind(next_attempt_at.0)
        .bind(error)
        .bind(id)
        .bind(worker)
        .execute(&self.write)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Gives a mail up: the server refused it for good, or every attempt failed.
    pub async fn outbox_failed(
        &self,
        id: i64,
        worker: &str,
        error: &str,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE outbox SET status = 'failed', last_error = $1, lease_until = NULL \
             WHERE id = $2 AND claimed_by = $3 AND status = 'sending'",
        )
        .bind(error)
        .bind(id)
        .bind(worker)
        .execute(&self.write)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Puts failed mail back in the queue, due now with its attempts reset
    /// (one by id, or every failed one); returns the ids requeued. A mail
    /// that is not failed is left as it is.
    pub async fn requeue_failed(&self, id: Option<i64>) -> Result<Vec<i64>, StoreError> {
        let only = if id.is_some() { " AND id = $2" } else { "" };
        let sql = format!(
            "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = $1, \
             lease_until = NULL, claimed_by = NULL WHERE status = 'failed'{only} RETURNING id"
        );
        let mut query = sqlx::query_scalar(AssertSqlSafe(sql)).bind(Timestamp::now().0);
        if let Some(id) = id {
            query = query.bind(id);
        }
        let mut ids: Vec<i64> = query.fetch_all(&self.write).await?;
        ids.sort_unstable();
        Ok(ids)
    }

    /// One outbox mail (without its bytes).
    pub async fn outbox_record(&self, id: i64) -> Result<OutboxRecord, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM outbox WHERE id = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound("outbox mail"))?;
        record(&row)
    }

    /// The mail of a ticket, oldest first.
    pub async fn outbox_for_ticket(
        &self,
        ticket: TicketId,
    ) -> Result<Vec<OutboxRecord>, StoreError> {
        let sql =
            format!("SELECT {COLUMNS} FROM outbox WHERE ticket_id = $1 ORDER BY id LIMIT 1000");
        sqlx::query(AssertSqlSafe(sql))
            .bind(ticket.0)
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(record)
            .collect()
    }
}
