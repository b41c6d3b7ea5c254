//! Attachment records: which file belongs to which message. The bytes are in
//! [`crate::Blobs`] under the SHA-256 recorded here.

use crate::write_tx::WriteTx;
use crate::{Store, StoreError};
use rapport_core::{AgentId, MessageId, TicketId, Timestamp};
use sqlx::{AssertSqlSafe, Row};

/// An attachment to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttachment {
    /// SHA-256 of the bytes (already in the blob store).
    pub sha256: String,
    /// File name.
    pub file_name: String,
    /// MIME type.
    pub content_type: String,
    /// Size in bytes.
    pub size: i64,
    /// Content-ID of an inline image.
    pub content_id: Option<String>,
    /// Shown inside the message.
    pub inline: bool,
}

/// A stored attachment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentRecord {
    /// Its id.
    pub id: i64,
    /// Its ticket (none for an upload not yet sent).
    pub ticket_id: Option<TicketId>,
    /// Its message (none for an upload not yet sent).
    pub message_ref: Option<MessageId>,
    /// The file.
    pub file: NewAttachment,
    /// The agent who uploaded it, for replies.
    pub uploaded_by: Option<AgentId>,
    /// When recorded.
    pub created_at: Timestamp,
}

const COLUMNS: &str = "id, ticket_id, message_ref, sha256, file_name, content_type, size, content_id, inline, uploaded_by, created_at";

fn record(row: &sqlx::any::AnyRow) -> Result<AttachmentRecord, StoreError> {
    Ok(AttachmentRecord {
        id: row.try_get("id")?,
        ticket_id: row.try_get::<Option<i64>, _>("ticket_id")?.map(TicketId),
        message_ref: row.try_get::<Option<i64>, _>("message_ref")?.map(MessageId),
        file: NewAttachment {
            sha256: row.try_get("sha256")?,
            file_name: row.try_get("file_name")?,
            content_type: row.try_get("content_type")?,
            size: row.try_get("size")?,
            content_id: row.try_get("content_id")?,
            inline: row.try_get::<i64, _>("inline")? != 0,
        },
        uploaded_by: row.try_get::<Option<i64>, _>("uploaded_by")?.map(AgentId),
        created_at: Timestamp(row.try_get("created_at")?),
    })
}

async fn insert(
    conn: &mut sqlx::AnyConnection,
    ticket: Option<TicketId>,
    message: Option<MessageId>,
    file: &NewAttachment,
    uploaded_by: Option<AgentId>,
) -> Result<AttachmentRecord, StoreError> {
    let now = Timestamp::now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO attachments (ticket_id, message_ref, sha256, file_name, content_type, size, content_id, inline, uploaded_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(ticket.map(|t| t.0))
    .bind(message.map(|m| m.0))
    .bind(&file.sha256)
    .bind(&file.file_name)
    .bind(&file.content_type)
    .bind(file.size)
    .bind(file.content_id.as_deref())
    .bind(i64::from(file.inline))
    .bind(uploaded_by.map(|a| a.0))
    .bind(now.0)
    .fetch_one(&mut *conn)
    .await?;
    Ok(AttachmentRecord {
        id,
        ticket_id: ticket,
        message_ref: message,
        file: file.clone(),
        uploaded_by,
        created_at: now,
    })
}

impl WriteTx {
    /// Records a message's attachments.
    pub async fn add_attachments(
        &mut self,
        ticket: TicketId,
        message: MessageId,
        files: &[NewAttachment],
    ) -> Result<Vec<AttachmentRecord>, StoreError> {
        let mut out = Vec::with_capacity(files.len());
        for file in files {
            out.push(insert(&mut self.tx, Some(ticket), Some(message), file, None).await?);
        }
        Ok(out)
    }

    /// Attaches an agent's uploads to the reply that sends them. Fails when
    /// one is unknown, someone else's, or already sent.
    pub async fn attach_uploads(
        &mut self,
        agent: AgentId,
        ticket: TicketId,
        message: MessageId,
        ids: &[i64],
    ) -> Result<(), StoreError> {
        for id in ids {
            let done = sqlx::query(
                "UPDATE attachments SET ticket_id = $1, message_ref = $2 \
                 WHERE id = $3 AND uploaded_by = $4 AND message_ref IS NULL",
            )
            .bind(ticket.0)
            .bind(message.0)
            .bind(*id)
            .bind(agent.0)
            .execute(&mut *self.tx)
            .await?;
            if done.rows_affected() != 1 {
                return Err(StoreError::NotFound("upload"));
            }
        }
        Ok(())
    }
}

impl Store {
    /// Records an agent's upload, to be sent with a reply.
    pub async fn insert_upload(
        &self,
        agent: AgentId,
        file: &NewAttachment,
    ) -> Result<AttachmentRecord, StoreError> {
        let mut conn = self.write.acquire().await?;
        insert(&mut conn, None, None, file, Some(agent)).await
    }

    /// One attachment.
    pub async fn attachment(&self, id: i64) -> Result<AttachmentRecord, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM attachments WHERE id = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound("attachment"))?;
        record(&row)
    }

    /// Several attachments by id, in the order given (unknown ids are skipped).
    pub async fn attachments_by_id(
        &self,
        ids: &[i64],
    ) -> Result<Vec<AttachmentRecord>, StoreError> {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            match self.attachment(*id).await {
                Ok(a) => out.push(a),
                Err(StoreError::NotFound(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    /// The files of a ticket's messages from `first` to `last` (message
    /// ids), the newest message's first, at most `limit`: the files of one
    /// page of a conversation, however many the rest of the ticket holds;
    /// only the public messages' with `public_only` (what a customer reads).
    pub async fn attachments_of_messages(
        &self,
        ticket: TicketId,
        (first, last): (MessageId, MessageId),
        limit: i64,
        public_only: bool,
    ) -> Result<Vec<AttachmentRecord>, StoreError> {
        let public = if public_only {
            " AND message_ref IN (SELECT id FROM messages \
               WHERE ticket_id = $3 AND id BETWEEN $1 AND $2 AND kind = 'public')"
        } else {
            ""
        };
        let sql = format!(
            "SELECT {COLUMNS} FROM attachments \
             WHERE message_ref BETWEEN $1 AND $2 AND ticket_id = $3{public} \
             ORDER BY message_ref DESC, id DESC LIMIT $4"
        );
        let mut files = sqlx::query(AssertSqlSafe(sql))
            .bind(first.0)
            .bind(last.0)
            .bind(ticket.0)
            .bind(limit)
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(record)
            .collect::<Result<Vec<_>, _>>()?;
        files.reverse();
        Ok(files)
    }

    /// A page of a ticket's attachments, in the order they were kept, after
    /// the attachment `after`.
    pub async fn attachments_of_ticket(
        &self,
        ticket: TicketId,
        after: Option<i64>,
        limit: i64,
    ) -> Result<Vec<AttachmentRecord>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM attachments WHERE ticket_id = $1 AND id > $2 ORDER BY id LIMIT $3"
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(ticket.0)
            .bind(after.unwrap_or(0))
            .bind(limit)
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(record)
            .collect()
    }
}
