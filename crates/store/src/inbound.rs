//! Inbound mail: raw bytes first, then the outcome; Message-IDs for threading.

use crate::{Store, StoreError};
use rapport_core::{TicketId, Timestamp};
use sqlx::Row;

/// A stored inbound message (without its bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundRecord {
    /// Its id.
    pub id: i64,
    /// SHA-256 of the raw bytes.
    pub content_hash: String,
    /// Message-ID, once parsed.
    pub message_id: Option<String>,
    /// received, processed, ignored or quarantined.
    pub status: String,
    /// Why it was ignored or quarantined.
    pub reason: Option<String>,
    /// The ticket it went to.
    pub ticket_id: Option<TicketId>,
    /// When it arrived.
    pub received_at: Timestamp,
    /// Its size in bytes.
    pub size: i64,
}

impl Store {
    /// Keeps the raw bytes before anything else. Returns the record and
    /// whether it is new (false: the same bytes arrived before).
    pub async fn store_raw_mail(
        &self,
        content_hash: &str,
        raw: &[u8],
    ) -> Result<(InboundRecord, bool), StoreError> {
        let inserted: Option<i64> = sqlx::query_scalar(
            "INSERT INTO inbound_mail (content_hash, raw, received_at, status) VALUES ($1, $2, $3, 'received') \
             ON CONFLICT (content_hash) DO NOTHING RETURNING id",
        )
        .bind(content_hash)
        .bind(raw.to_vec())
        .bind(Timestamp::now().0)
        .fetch_optional(&self.write)
        .await?;
        let row = sqlx::query(
            "SELECT id, content_hash, message_id, status, reason, ticket_id, received_at, CAST(LENGTH(raw) AS BIGINT) AS size FROM inbound_mail WHERE content_hash = $1",
        )
        .bind(content_hash)
        .fetch_one(&self.write)
        .await?;
        Ok((inbound(&row)?, inserted.is_some()))
    }

    /// Records what became of an inbound message.
    pub async fn finish_inbound(
        &self,
        id: i64,
        message_id: Option<&str>,
        status: &str,
        reason: Option<&str>,
        ticket: Option<TicketId>,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE inbound_mail SET message_id = $1, status = $2, reason = $3, ticket_id = $4 WHERE id = $5")
            .bind(message_id)
            .bind(status)
            .bind(reason)
            .bind(ticket.map(|t| t.0))
            .bind(id)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// Inbound messages with a status, newest first, before a cursor id.
    pub async fn inbound_by_status(
        &self,
        status: &str,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<InboundRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, content_hash, message_id, status, reason, ticket_id, received_at, CAST(LENGTH(raw) AS BIGINT) AS size FROM inbound_mail \
             WHERE status = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
        )
        .bind(status)
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit.clamp(1, 500))
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(inbound).collect()
    }

    /// The ticket the first known Message-ID belongs to.
    pub async fn ticket_for_message_ids(
        &self,
        ids: &[String],
    ) -> Result<Option<TicketId>, StoreError> {
        for id in ids.iter().take(20) {
            let found: Option<i64> =
                sqlx::query_scalar("SELECT ticket_id FROM mail_message_ids WHERE message_id = $1")
                    .bind(id)
                    .fetch_optional(&self.write)
                    .await?;
            if let Some(ticket) = found {
                return Ok(Some(TicketId(ticket)));
            }
        }
        Ok(None)
    }

    /// Remembers that a Message-ID belongs to a ticket.
    pub async fn link_message_id(
        &self,
        message_id: &str,
        ticket: TicketId,
    ) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO mail_message_ids (message_id, ticket_id) VALUES ($1, $2) ON CONFLICT (message_id) DO NOTHING")
            .bind(message_id)
            .bind(ticket.0)
            .execute(&self.write)
            .await?;
        Ok(())
    }
}

fn inbound(row: &sqlx::any::AnyRow) -> Result<InboundRecord, StoreError> {
    Ok(InboundRecord {
        id: row.try_get("id")?,
        content_hash: row.try_get("content_hash")?,
        message_id: row.try_get("message_id")?,
        status: row.try_get("status")?,
        reason: row.try_get("reason")?,
        ticket_id: row.try_get::<Option<i64>, _>("ticket_id")?.map(TicketId),
        received_at: Timestamp(row.try_get("received_at")?),
        size: row.try_get::<Option<i64>, _>("size")?.unwrap_or(0),
    })
}
