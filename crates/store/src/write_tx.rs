//! One write transaction that a use case fills step by step: a reply with
//! the mail it sends, or a batch of inbound mail with savepoints so one bad
//! message is rolled back alone. Everything written through a [`WriteTx`]
//! commits together or not at all.

use crate::customers::insert_customer_in;
use crate::message_ids::MessageIdLinks;
use crate::report_cells::Delta;
use crate::rows::{select_ticket, value_rows};
use crate::tickets::{change_locked, create_in};
use crate::{Backend, IdentityRecord, NewMessage, Store, StoreError, TicketChange};
use rapport_core::{
    Actor, CustomerId, EventKind, IdentityKind, MessageId, Ticket, TicketId, Timestamp,
};
use sqlx::{AssertSqlSafe, Row};

/// What became of an inbound message, to record.
#[derive(Debug, Clone)]
pub struct FinishedInbound {
    /// The inbound record.
    pub id: i64,
    /// Its Message-ID, when it could be read.
    pub message_id: Option<String>,
    /// Processed, duplicate, ignored or quarantined.
    pub status: crate::InboundStatus,
    /// Why it was ignored or quarantined.
    pub reason: Option<String>,
    /// The ticket it went to.
    pub ticket: Option<TicketId>,
}

/// An open write transaction. Message-ID links are buffered and written in
/// one statement at commit (a batch of mail writes them all at once), while
/// look-ups in the transaction already see them.
pub struct WriteTx {
    pub(crate) tx: sqlx::Transaction<'static, sqlx::Any>,
    pub(crate) backend: Backend,
    pub(crate) links: MessageIdLinks,
    /// Jobs were scheduled: wake this process's scheduler at commit.
    pub(crate) jobs_scheduled: bool,
    pub(crate) job_signal: std::sync::Arc<tokio::sync::Notify>,
    /// The response-target rules at the transaction's start.
    pub(crate) sla: Option<std::sync::Arc<rapport_core::sla::SlaRules>>,
    /// The report cells' changes, written in key order at commit (so two
    /// transactions never wait on each other's cells in a cycle, and hold
    /// a cell's row only while they commit).
    pub(crate) cells: Delta,
}

impl std::fmt::Debug for WriteTx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WriteTx")
            .field("backend", &self.backend)
            .finish()
    }
}

impl Store {
    /// Opens a write transaction.
    pub async fn begin_write(&self) -> Result<WriteTx, StoreError> {
        Ok(WriteTx {
            tx: self.write.begin().await?,
            backend: self.backend,
            links: MessageIdLinks::default(),
            jobs_scheduled: false,
            job_signal: self.job_signal.clone(),
            sla: self.sla.get(),
            cells: Delta::default(),
        })
    }
}

impl WriteTx {
    /// Commits everything written.
    pub async fn commit(mut self) -> Result<(), StoreError> {
        std::mem::take(&mut self.cells).apply(&mut self.tx).await?;
        self.flush_links().await?;
        self.tx.commit().await?;
        if self.jobs_scheduled {
            self.job_signal.notify_one();
        }
        Ok(())
    }

    /// Marks a point to roll back to if the next item fails.
    pub async fn savepoint(&mut self) -> Result<(), StoreError> {
        sqlx::query("SAVEPOINT rapport_item")
            .execute(&mut *self.tx)
            .await?;
        self.links.mark_savepoint();
        self.cells.mark();
        Ok(())
    }

    /// Keeps what was written since the savepoint.
    pub async fn release_savepoint(&mut self) -> Result<(), StoreError> {
        sqlx::query("RELEASE SAVEPOINT rapport_item")
            .execute(&mut *self.tx)
            .await?;
        self.cells.release();
        Ok(())
    }

    /// Undoes what was written since the savepoint.
    pub async fn rollback_to_savepoint(&mut self) -> Result<(), StoreError> {
        sqlx::query("ROLLBACK TO SAVEPOINT rapport_item")
            .execute(&mut *self.tx)
            .await?;
        self.links.rollback_to_savepoint();
        self.cells.undo();
        sqlx::query("RELEASE SAVEPOINT rapport_item")
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    pub(crate) fn for_update(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE",
        }
    }

    /// Creates a ticket with its first message (see [`Store::create_ticket`]).
    pub async fn create_ticket(
        &mut self,
        opening: rapport_core::Opening,
        actor: Actor,
        first_message: Option<NewMessage>,
    ) -> Result<TicketChange, StoreError> {
        create_in(
            &mut self.tx,
            &opening,
            actor,
            first_message.as_ref(),
            self.sla.as_deref(),
            &mut self.cells,
        )
        .await
    }

    /// Changes a ticket (see [`Store::change_ticket`]).
    pub async fn change_ticket<E, F>(
        &mut self,
        id: TicketId,
        actor: Actor,
        message: Option<NewMessage>,
        decide: F,
    ) -> Result<TicketChange, E>
    where
        E: From<StoreError>,
        F: FnOnce(&Ticket, Option<MessageId>) -> Result<Vec<EventKind>, E>,
    {
        let lock = self.for_update();
        let current = select_ticket(&mut *self.tx, id, lock)
            .await?
            .ok_or(StoreError::NotFound("ticket"))?;
        self.change_locked(current, actor, message, decide).await
    }

    /// Reads a ticket and locks it until the transaction ends (PostgreSQL;
    /// SQLite's single writer already excludes others), for [`Self::change_locked`].
    pub async fn ticket_locked(&mut self, id: TicketId) -> Result<Option<Ticket>, StoreError> {
        let lock = self.for_update();
        select_ticket(&mut *self.tx, id, lock).await
    }

    /// Changes a ticket read with [`Self::ticket_locked`] in this transaction.
    pub async fn change_locked<E, F>(
        &mut self,
        current: Ticket,
        actor: Actor,
        message: Option<NewMessage>,
        decide: F,
    ) -> Result<TicketChange, E>
    where
        E: From<StoreError>,
        F: FnOnce(&Ticket, Option<MessageId>) -> Result<Vec<EventKind>, E>,
    {
        let rules = self.sla.clone();
        change_locked(
            &mut self.tx,
            current,
            actor,
            message,
            rules.as_deref(),
            &mut self.cells,
            decide,
        )
        .await
    }

    /// The customer an address (normalised) belongs to, and whether it bounces.
    pub async fn sender(&mut self, email: &str) -> Result<Option<(CustomerId, bool)>, StoreError> {
        let row = sqlx::query(
            "SELECT customer_id, bouncing_since FROM customer_identities WHERE kind = $1 AND value = $2",
        )
        .bind(IdentityKind::Email.as_str())
        .bind(email)
        .fetch_optional(&mut *self.tx)
        .await?;
        row.map(|r| {
            Ok((
                CustomerId(r.try_get("customer_id")?),
                r.try_get::<Option<i64>, _>("bouncing_since")?.is_some(),
            ))
        })
        .transpose()
    }

    /// Creates a customer with one e-mail address (normalised).
    pub async fn create_customer(
        &mut self,
        name: &str,
        email: &str,
    ) -> Result<CustomerId, StoreError> {
        let identity = IdentityRecord {
            kind: IdentityKind::Email,
            value: email.to_string(),
        };
        insert_customer_in(&mut self.tx, name, &[identity], Timestamp::now()).await
    }

    /// Sets a customer's language (a code such as `de`; none: unknown).
    pub async fn set_customer_language(
        &mut self,
        id: CustomerId,
        language: Option<&str>,
    ) -> Result<(), StoreError> {
        let done = sqlx::query("UPDATE customers SET language = $1, updated_at = $2 WHERE id = $3")
            .bind(language)
            .bind(Timestamp::now().0)
            .bind(id.0)
            .execute(&mut *self.tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("customer"));
        }
        Ok(())
    }

    /// Marks an address as bouncing; returns whether it was known.
    pub async fn mark_bouncing(&mut self, email: &str, reason: &str) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE customer_identities SET bouncing_since = COALESCE(bouncing_since, $1), bounce_reason = $2 \
             WHERE kind = $3 AND value = $4",
        )
        .bind(Timestamp::now().0)
        .bind(reason)
        .bind(IdentityKind::Email.as_str())
        .bind(email)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Clears the bouncing mark: mail from the address proves it works again.
    pub async fn clear_bouncing(&mut self, email: &str) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE customer_identities SET bouncing_since = NULL, bounce_reason = NULL \
             WHERE kind = $1 AND value = $2 AND bouncing_since IS NOT NULL",
        )
        .bind(IdentityKind::Email.as_str())
        .bind(email)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// How many tickets a customer opened since an instant (the loop guard).
    pub async fn tickets_opened_since(
        &mut self,
        customer: CustomerId,
        since: Timestamp,
    ) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM tickets WHERE customer_id = $1 AND created_at >= $2",
        )
        .bind(customer.0)
        .bind(since.0)
        .fetch_one(&mut *self.tx)
        .await?)
    }

    /// Whether an address (normalised) takes part in a ticket.
    pub async fn is_participant(
        &mut self,
        ticket: TicketId,
        email: &str,
    ) -> Result<bool, StoreError> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM ticket_participants WHERE ticket_id = $1 AND email = $2",
        )
        .bind(ticket.0)
        .bind(email)
        .fetch_optional(&mut *self.tx)
        .await?;
        Ok(found.is_some())
    }

    /// Adds participants (normalised addresses) to a ticket; known ones are kept.
    pub async fn add_participants(
        &mut self,
        ticket: TicketId,
        people: &[(String, Option<String>)],
    ) -> Result<(), StoreError> {
        let now = Timestamp::now();
        for (email, name) in people.iter().take(50) {
            sqlx::query(
                "INSERT INTO ticket_participants (ticket_id, email, name, added_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (ticket_id, email) DO NOTHING",
            )
            .bind(ticket.0)
            .bind(email)
            .bind(name.as_deref())
            .bind(now.0)
            .execute(&mut *self.tx)
            .await?;
        }
        Ok(())
    }

    /// Marks a sent mail as bounced by a later delivery report; returns its ticket.
    pub async fn outbox_bounced(
        &mut self,
        message_id: &str,
        reason: &str,
    ) -> Result<Option<TicketId>, StoreError> {
        let ticket: Option<Option<i64>> = sqlx::query_scalar(
            "UPDATE outbox SET status = 'bounced', last_error = $1 WHERE message_id = $2 RETURNING ticket_id",
        )
        .bind(reason)
        .bind(message_id)
        .fetch_optional(&mut *self.tx)
        .await?;
        Ok(ticket.flatten().map(TicketId))
    }

    /// Records what became of inbound messages that were still waiting, in
    /// one statement per 200; returns how many were (fewer than given: another
    /// process finished some first; on PostgreSQL this waits for that
    /// process's transaction to end). Finishing is the claim.
    pub async fn finish_inbound(
        &mut self,
        finished: &[FinishedInbound],
    ) -> Result<u64, StoreError> {
        let mut done = 0;
        for chunk in finished.chunks(200) {
            let rows = value_rows(chunk.len(), 5);
            let sql = format!(
                "UPDATE inbound_mail SET message_id = v.column2, status = v.column3, reason = v.column4, ticket_id = v.column5 \
                 FROM (VALUES {}) AS v WHERE inbound_mail.id = v.column1 AND inbound_mail.status = 'received'",
                rows
            );
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for f in chunk {
                query = query
                    .bind(f.id)
                    .bind(f.message_id.clone())
                    .bind(f.status.as_str())
                    .bind(f.reason.clone())
                    .bind(f.ticket.map(|t| t.0));
            }
            done += query.execute(&mut *self.tx).await?.rows_affected();
        }
        Ok(done)
    }
}
