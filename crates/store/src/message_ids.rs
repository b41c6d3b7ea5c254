//! The Message-IDs of a ticket's mail (`mail_message_ids`), as a write
//! transaction sees them: every Message-ID Rapport received or sent for a
//! ticket, so replies thread and the same message is not taken in twice.
//!
//! Links made in a transaction are buffered and written in a few statements
//! at commit, while look-ups in the transaction already see them. A batch of
//! inbound mail reads the stored links of all its Message-IDs at once
//! ([`WriteTx::prefetch_message_ids`]), so threading a message needs no
//! statement of its own.

use crate::rows::value_rows;
use crate::{StoreError, WriteTx};
use rapport_core::{MessageId, TicketId, Timestamp};
use sqlx::{AssertSqlSafe, Row};
use std::collections::{HashMap, HashSet};

/// The most Message-IDs one message is looked up by (its own and the first
/// ones it replies to); a References header longer than that is cut.
pub const IDS_PER_MESSAGE: usize = 50;

/// Message-IDs per look-up statement (both engines take far more parameters).
const IDS_PER_STATEMENT: usize = 500;

/// A Message-ID Rapport received or sent, and the ticket it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownMessageId {
    /// The Message-ID, without angle brackets.
    pub message_id: String,
    /// The ticket it belongs to.
    pub ticket: TicketId,
    /// Whether Rapport sent it (a reply or an acknowledgment).
    pub outbound: bool,
    /// For a received message, its sender's fingerprint (`rapport_mail::ParsedMail::fingerprint`).
    pub fingerprint: Option<String>,
}

/// A Message-ID to link when the transaction commits.
#[derive(Debug, Clone)]
struct PendingLink {
    known: KnownMessageId,
    message_ref: Option<MessageId>,
}

/// The links a transaction made and the stored ones it already read.
#[derive(Debug, Default)]
pub(crate) struct MessageIdLinks {
    pending: Vec<PendingLink>,
    pending_at_savepoint: usize,
    /// Stored links read so far; `None` for an id known not to be stored.
    stored: HashMap<String, Option<KnownMessageId>>,
}

impl MessageIdLinks {
    /// Remembers how many links there are, for [`Self::rollback_to_savepoint`].
    pub(crate) fn mark_savepoint(&mut self) {
        self.pending_at_savepoint = self.pending.len();
    }

    /// Forgets the links made since the savepoint.
    pub(crate) fn rollback_to_savepoint(&mut self) {
        self.pending.truncate(self.pending_at_savepoint);
    }

    /// The link of one id: the stored one first, since the first link wins
    /// at commit, then one made in this transaction.
    fn find(&self, id: &str) -> Option<KnownMessageId> {
        if let Some(Some(stored)) = self.stored.get(id) {
            return Some(stored.clone());
        }
        self.pending
            .iter()
            .find(|l| l.known.message_id == id)
            .map(|l| l.known.clone())
    }
}

impl WriteTx {
    /// Reads the stored links of these Message-IDs in a few statements, so
    /// later look-ups of any of them in this transaction need none.
    pub async fn prefetch_message_ids(&mut self, ids: &[String]) -> Result<(), StoreError> {
        let mut unread: Vec<&str> = Vec::new();
        let mut asked = HashSet::new();
        for id in ids {
            if !self.links.stored.contains_key(id.as_str()) && asked.insert(id.as_str()) {
                unread.push(id);
            }
        }
        for chunk in unread.chunks(IDS_PER_STATEMENT) {
            let sql = format!(
                "SELECT message_id, ticket_id, outbound, fingerprint FROM mail_message_ids WHERE message_id IN {}",
                value_rows(1, chunk.len())
            );
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for id in chunk {
                query = query.bind(*id);
            }
            let rows = query.fetch_all(&mut *self.tx).await?;
            for id in chunk {
                self.links.stored.insert((*id).to_string(), None);
            }
            for row in rows {
                let known = KnownMessageId {
                    message_id: row.try_get("message_id")?,
                    ticket: TicketId(row.try_get("ticket_id")?),
                    outbound: row.try_get::<i64, _>("outbound")? != 0,
                    fingerprint: row.try_get("fingerprint")?,
                };
                self.links
                    .stored
                    .insert(known.message_id.clone(), Some(known));
            }
        }
        Ok(())
    }

    /// The known Message-IDs among `ids` (at most the first [`IDS_PER_MESSAGE`]), received or
    /// sent for a ticket, including links made earlier in this transaction,
    /// in the order given.
    pub async fn known_message_ids(
        &mut self,
        ids: &[String],
    ) -> Result<Vec<KnownMessageId>, StoreError> {
        let ids = &ids[..ids.len().min(IDS_PER_MESSAGE)];
        self.prefetch_message_ids(ids).await?;
        Ok(ids.iter().filter_map(|id| self.links.find(id)).collect())
    }

    /// Remembers that a message Rapport received belongs to a ticket (and
    /// which stored message it became), with its sender's fingerprint;
    /// written at commit, seen by look-ups at once. The first link wins.
    pub fn link_received(
        &mut self,
        message_id: &str,
        fingerprint: &str,
        ticket: TicketId,
        message_ref: Option<MessageId>,
    ) {
        self.push_link(message_id, ticket, message_ref, Some(fingerprint));
    }

    /// Remembers the Message-ID of mail Rapport sends for a ticket, so
    /// replies to it thread; like [`Self::link_received`].
    pub fn link_sent(
        &mut self,
        message_id: &str,
        ticket: TicketId,
        message_ref: Option<MessageId>,
    ) {
        self.push_link(message_id, ticket, message_ref, None);
    }

    fn push_link(
        &mut self,
        message_id: &str,
        ticket: TicketId,
        message_ref: Option<MessageId>,
        fingerprint: Option<&str>,
    ) {
        self.links.pending.push(PendingLink {
            known: KnownMessageId {
                message_id: message_id.to_string(),
                ticket,
                outbound: fingerprint.is_none(),
                fingerprint: fingerprint.map(str::to_string),
            },
            message_ref,
        });
    }

    /// Writes the buffered links, a few hundred per statement.
    pub(crate) async fn flush_links(&mut self) -> Result<(), StoreError> {
        let now = Timestamp::now().0;
        let pending = std::mem::take(&mut self.links.pending);
        let mut seen = HashSet::new();
        let links: Vec<PendingLink> = pending
            .into_iter()
            .filter(|l| seen.insert(l.known.message_id.clone()))
            .collect();
        for chunk in links.chunks(200) {
            let sql = format!(
                "INSERT INTO mail_message_ids (message_id, ticket_id, message_ref, outbound, fingerprint, linked_at) VALUES {} \
                 ON CONFLICT (message_id) DO NOTHING",
                value_rows(chunk.len(), 6)
            );
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for link in chunk {
                query = query
                    .bind(link.known.message_id.clone())
                    .bind(link.known.ticket.0)
                    .bind(link.message_ref.map(|m| m.0))
                    .bind(i64::from(link.known.outbound))
                    .bind(link.known.fingerprint.clone())
                    .bind(now);
            }
            query.execute(&mut *self.tx).await?;
        }
        Ok(())
    }
}
