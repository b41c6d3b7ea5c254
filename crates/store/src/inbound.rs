//! Inbound mail: raw bytes first, then the outcome; Message-IDs for threading.

use crate::rows::value_rows;
use crate::{Store, StoreError};
use rapport_core::{CustomerId, TicketId, Timestamp};
use sqlx::{AssertSqlSafe, Row};
use std::collections::HashMap;

/// Where an inbound message stands: stored, then finished exactly once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InboundStatus {
    /// Stored, not processed yet.
    Received,
    /// Taken into a ticket (new, appended, linked, or a bounce noted).
    Processed,
    /// The same message was taken in before.
    Duplicate,
    /// Recorded, but not a request (automatic mail, our own).
    Ignored,
    /// Held for an admin, with the reason.
    Quarantined,
}

rapport_core::str_enum!(InboundStatus {
    InboundStatus::Received => "received",
    InboundStatus::Processed => "processed",
    InboundStatus::Duplicate => "duplicate",
    InboundStatus::Ignored => "ignored",
    InboundStatus::Quarantined => "quarantined",
});

/// A raw message to keep: its SHA-256 and its bytes, which go in the row,
/// or `None` when the caller already put them in the blob store under that
/// hash (large messages, so the database never holds them).
#[derive(Debug, Clone, Copy)]
pub struct RawMail<'a> {
    /// SHA-256 of the bytes (hex), the blob store's key.
    pub content_hash: &'a str,
    /// Their length.
    pub size: usize,
    /// The bytes, when they are kept in the row.
    pub row_bytes: Option<&'a [u8]>,
}

/// A stored message's raw bytes, or where they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoredRaw {
    /// The bytes, kept in the row.
    Row(Vec<u8>),
    /// Kept in the blob store under this SHA-256.
    Blobs(String),
}

/// A stored inbound message (without its bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundRecord {
    /// Its id.
    pub id: i64,
    /// SHA-256 of the raw bytes.
    pub content_hash: String,
    /// Message-ID, once parsed.
    pub message_id: Option<String>,
    /// Where it stands.
    pub status: InboundStatus,
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
    /// Keeps many raw messages in one transaction, in order; each comes back
    /// with whether it is new (a hash repeated in the batch is new only once).
    pub async fn store_raw_batch(
        &self,
        items: &[RawMail<'_>],
    ) -> Result<Vec<(InboundRecord, bool)>, StoreError> {
        let now = Timestamp::now();
        let mut tx = self.write.begin().await?;
        let mut inserted: HashMap<String, i64> = HashMap::new();
        for chunk in items.chunks(100) {
            let sql = format!(
                "INSERT INTO inbound_mail (content_hash, raw, raw_kept, raw_size, received_at, status) VALUES {} \
                 ON CONFLICT (content_hash) DO NOTHING RETURNING id, content_hash",
                value_rows(chunk.len(), 6)
            );
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for item in chunk {
                query = query
                    .bind(item.content_hash.to_string())
                    .bind(item.row_bytes.unwrap_or_default())
                    .bind(if item.row_bytes.is_some() {
                        "row"
                    } else {
                        "blobs"
                    })
                    .bind(i64::try_from(item.size).unwrap_or(i64::MAX))
                    .bind(now.0)
                    .bind("received");
            }
            for row in query.fetch_all(&mut *tx).await? {
                inserted.insert(row.try_get("content_hash")?, row.try_get("id")?);
            }
        }
        let missing: Vec<&str> = items
            .iter()
            .map(|item| item.content_hash)
            .filter(|h| !inserted.contains_key(*h))
            .collect();
        let mut existing: HashMap<String, InboundRecord> = HashMap::new();
        for chunk in missing.chunks(100) {
            let sql = format!(
                "SELECT id, content_hash, message_id, status, reason, ticket_id, received_at, COALESCE(raw_size, CAST(LENGTH(raw) AS BIGINT)) AS size \
                 FROM inbound_mail WHERE content_hash IN {}",
                value_rows(1, chunk.len())
            );
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for hash in chunk {
                query = query.bind(hash.to_string());
            }
            for row in query.fetch_all(&mut *tx).await? {
                let record = inbound(&row)?;
                existing.insert(record.content_hash.clone(), record);
            }
        }
        tx.commit().await?;
        let mut seen = std::collections::HashSet::new();
        items
            .iter()
            .map(|item| match inserted.get(item.content_hash) {
                Some(id) => Ok((
                    InboundRecord {
                        id: *id,
                        content_hash: item.content_hash.to_string(),
                        message_id: None,
                        status: InboundStatus::Received,
                        reason: None,
                        ticket_id: None,
                        received_at: now,
                        size: i64::try_from(item.size).unwrap_or(i64::MAX),
                    },
                    seen.insert(item.content_hash),
                )),
                None => {
                    let hash = item.content_hash;
                    existing
                        .get(hash)
                        .cloned()
                        .map(|r| (r, false))
                        .ok_or(StoreError::Corrupt(format!(
                            "raw mail {hash} was not stored"
                        )))
                }
            })
            .collect()
    }

    /// The bytes of mail stored but never processed (the process stopped
    /// between storing and processing), oldest first.
    pub async fn unprocessed_mail(
        &self,
        received_before: Timestamp,
        limit: i64,
    ) -> Result<Vec<StoredRaw>, StoreError> {
        let rows = sqlx::query(
            "SELECT content_hash, raw, raw_kept FROM inbound_mail WHERE status = 'received' AND received_at < $1 ORDER BY id LIMIT $2",
        )
        .bind(received_before.0)
        .bind(limit.clamp(1, 1000))
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(stored_raw).collect()
    }

    /// One inbound message's raw bytes, or where they are kept.
    pub async fn raw_mail(&self, id: i64) -> Result<StoredRaw, StoreError> {
        let row = sqlx::query("SELECT content_hash, raw, raw_kept FROM inbound_mail WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound("inbound mail"))?;
        stored_raw(&row)
    }

    /// Puts a quarantined message back to be processed; false when it is not quarantined.
    pub async fn requeue_inbound(&self, id: i64) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE inbound_mail SET status = 'received', reason = NULL WHERE id = $1 AND status = 'quarantined'",
        )
        .bind(id)
        .execute(&self.write)
        .await?;
        if done.rows_affected() == 0 {
            let exists: Option<i64> =
                sqlx::query_scalar("SELECT id FROM inbound_mail WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.write)
                    .await?;
            if exists.is_none() {
                return Err(StoreError::NotFound("inbound mail"));
            }
        }
        Ok(done.rows_affected() == 1)
    }

    /// How many tickets exist.
    pub async fn ticket_count(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM tickets")
            .fetch_one(&self.read)
            .await?)
    }

    /// The Message-IDs of a ticket's mail, in message order: (Message-ID,
    /// the stored message it came with, whether Rapport sent it).
    pub async fn thread_of(
        &self,
        ticket: TicketId,
    ) -> Result<Vec<(String, Option<i64>, bool)>, StoreError> {
        let rows = sqlx::query(
            "SELECT message_id, message_ref, outbound FROM mail_message_ids WHERE ticket_id = $1 \
             ORDER BY linked_at, message_id LIMIT 500",
        )
        .bind(ticket.0)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("message_id")?,
                    r.try_get("message_ref")?,
                    r.try_get::<i64, _>("outbound")? != 0,
                ))
            })
            .collect()
    }

    /// The people copied on a ticket: (address, name).
    pub async fn participants(
        &self,
        ticket: TicketId,
    ) -> Result<Vec<(String, Option<String>)>, StoreError> {
        let rows = sqlx::query(
            "SELECT email, name FROM ticket_participants WHERE ticket_id = $1 ORDER BY added_at, email LIMIT 100",
        )
        .bind(ticket.0)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("email")?, r.try_get("name")?)))
            .collect()
    }

    /// A customer's addresses that bounce: (address, since, reason).
    pub async fn bouncing_addresses(
        &self,
        customer: CustomerId,
    ) -> Result<Vec<(String, Timestamp, Option<String>)>, StoreError> {
        let rows = sqlx::query(
            "SELECT value, bouncing_since, bounce_reason FROM customer_identities \
             WHERE customer_id = $1 AND bouncing_since IS NOT NULL ORDER BY id",
        )
        .bind(customer.0)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("value")?,
                    Timestamp(r.try_get("bouncing_since")?),
                    r.try_get("bounce_reason")?,
                ))
            })
            .collect()
    }

    /// Where an IMAP mailbox was read up to: (UIDVALIDITY, last UID taken in).
    pub async fn mailbox_position(&self, mailbox: &str) -> Result<Option<(i64, i64)>, StoreError> {
        let row =
            sqlx::query("SELECT uid_validity, last_uid FROM mailbox_state WHERE mailbox = $1")
                .bind(mailbox)
                .fetch_optional(&self.write)
                .await?;
        row.map(|r| Ok((r.try_get("uid_validity")?, r.try_get("last_uid")?)))
            .transpose()
    }

    /// Records where an IMAP mailbox was read up to.
    pub async fn set_mailbox_position(
        &self,
        mailbox: &str,
        uid_validity: i64,
        last_uid: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO mailbox_state (mailbox, uid_validity, last_uid, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (mailbox) DO UPDATE SET uid_validity = $2, last_uid = $3, updated_at = $4",
        )
        .bind(mailbox)
        .bind(uid_validity)
        .bind(last_uid)
        .bind(Timestamp::now().0)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// One inbound message's record (without its bytes).
    pub async fn inbound_record(&self, id: i64) -> Result<InboundRecord, StoreError> {
        let sql = format!("SELECT {INBOUND_COLUMNS} FROM inbound_mail WHERE id = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound("inbound mail"))?;
        inbound(&row)
    }

    /// Inbound messages with a status, newest first, before a cursor id.
    pub async fn inbound_by_status(
        &self,
        status: InboundStatus,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<InboundRecord>, StoreError> {
        let sql = format!(
            "SELECT {INBOUND_COLUMNS} FROM inbound_mail WHERE status = $1 AND id < $2 ORDER BY id DESC LIMIT $3"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(status.as_str())
            .bind(before.unwrap_or(i64::MAX))
            .bind(limit.clamp(1, 500))
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(inbound).collect()
    }
}

/// The columns [`inbound`] reads.
const INBOUND_COLUMNS: &str = "id, content_hash, message_id, status, reason, ticket_id, received_at, COALESCE(raw_size, CAST(LENGTH(raw) AS BIGINT)) AS size";

fn inbound(row: &sqlx::any::AnyRow) -> Result<InboundRecord, StoreError> {
    Ok(InboundRecord {
        id: row.try_get("id")?,
        content_hash: row.try_get("content_hash")?,
        message_id: row.try_get("message_id")?,
        status: crate::rows::parse(&row.try_get::<String, _>("status")?)?,
        reason: row.try_get("reason")?,
        ticket_id: row.try_get::<Option<i64>, _>("ticket_id")?.map(TicketId),
        received_at: Timestamp(row.try_get("received_at")?),
        size: row.try_get::<Option<i64>, _>("size")?.unwrap_or(0),
    })
}

fn stored_raw(row: &sqlx::any::AnyRow) -> Result<StoredRaw, StoreError> {
    match row.try_get::<String, _>("raw_kept")?.as_str() {
        "blobs" => Ok(StoredRaw::Blobs(row.try_get("content_hash")?)),
        "row" => Ok(StoredRaw::Row(row.try_get("raw")?)),
        other => Err(StoreError::Corrupt(format!(
            "inbound mail kept in an unknown place: {other}"
        ))),
    }
}
