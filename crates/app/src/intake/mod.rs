//! Mail intake: every inbound message ends in the right ticket, in a note on
//! the ticket it bounced from, as an ignored automatic message, or in
//! quarantine with the reason; nothing is lost and nothing is taken twice.
//!
//! Order: the raw bytes are stored first (keyed by their hash, so the same
//! delivery twice creates nothing), then parsed and their attachments put in
//! the blob store, then threaded in one transaction per batch, each message
//! under its own savepoint so a bad one is rolled back alone:
//! (1) a Message-ID Rapport knows in In-Reply-To/References, (2) the signed
//! reply address or the subject tag, (3) otherwise a new ticket. A match from
//! an address that is neither the ticket's customer nor copied on it, or onto
//! a closed ticket, becomes a new ticket linked to the old one, never a
//! silent merge. New tickets are acknowledged through the outbox in the same
//! transaction.

pub(crate) mod ack;
mod bounce;
mod route;

use crate::cpu::CpuError;
use crate::tickets::message_events;
use crate::uploads::clean_file_name;
use crate::{App, AppError, Caller};
use rapport_core::{Actor, AuthorKind, CustomerId, MessageKind, Permission, TicketId, Timestamp};
use rapport_mail::{ParsedMail, Person, content_hash, parse_hashed};
use rapport_store::message_ids::IDS_PER_MESSAGE;
use rapport_store::{
    FinishedInbound, InboundRecord, InboundStatus, NewAttachment, NewMessage, RawMail, StoredRaw,
    WriteTx,
};
use std::collections::HashMap;
use std::sync::Arc;

/// Raw messages larger than this are kept in the blob store, not in their row.
pub const RAW_IN_ROW_BYTES: usize = 256 * 1024;

/// A raw message shared with the blob store's writer without a copy.
struct SharedRaw<B>(Arc<B>);

impl<B: AsRef<[u8]>> AsRef<[u8]> for SharedRaw<B> {
    fn as_ref(&self) -> &[u8] {
        (*self.0).as_ref()
    }
}

/// What became of one inbound message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IngestOutcome {
    /// A new ticket was opened.
    Created(TicketId),
    /// The message was added to an existing ticket.
    Appended(TicketId),
    /// A new ticket, linked to an earlier one it could not join (closed, or another sender).
    Linked {
        /// The new ticket.
        ticket: TicketId,
        /// The ticket the message pointed at.
        previous: TicketId,
    },
    /// The same message arrived before (the same bytes, or the same Message-ID).
    Duplicate(Option<TicketId>),
    /// A delivery report, noted on the ticket of the message that bounced.
    Bounce(Option<TicketId>),
    /// Recorded but not a request (automatic or list mail that threads nowhere).
    Ignored(String),
    /// Could not be processed; kept with the reason for an admin.
    Quarantined(String),
}

impl IngestOutcome {
    /// The ticket the message went to, if any.
    pub fn ticket(&self) -> Option<TicketId> {
        match self {
            IngestOutcome::Created(t) | IngestOutcome::Appended(t) => Some(*t),
            IngestOutcome::Linked { ticket, .. } => Some(*ticket),
            IngestOutcome::Duplicate(t) | IngestOutcome::Bounce(t) => *t,
            IngestOutcome::Ignored(_) | IngestOutcome::Quarantined(_) => None,
        }
    }

    /// A stable name for reports and the API.
    pub fn name(&self) -> &'static str {
        match self {
            IngestOutcome::Created(_) => "created",
            IngestOutcome::Appended(_) => "appended",
            IngestOutcome::Linked { .. } => "linked",
            IngestOutcome::Duplicate(_) => "duplicate",
            IngestOutcome::Bounce(_) => "bounce",
            IngestOutcome::Ignored(_) => "ignored",
            IngestOutcome::Quarantined(_) => "quarantined",
        }
    }
}

/// One stored message on its way through the batch.
struct Prepared {
    index: usize,
    record: InboundRecord,
    mail: Result<ParsedMail, String>,
    files: Vec<NewAttachment>,
    dropped: Vec<String>,
}

/// What every message of a batch shares.
struct Batch {
    secret: Vec<u8>,
    /// Whether new requests are acknowledged at all.
    acknowledge: bool,
    /// An admin released these from quarantine: the loop guard does not hold them again.
    released: bool,
}

/// Who sent a message: as written, normalised, and whether they are known
/// (their customer id, and whether their address was bouncing).
struct Sender<'a> {
    person: &'a Person,
    address: String,
    known: Option<(CustomerId, bool)>,
}

/// The final state of an inbound message's row.
fn finished(item: &Prepared, outcome: &IngestOutcome) -> FinishedInbound {
    let (status, reason) = match outcome {
        IngestOutcome::Ignored(reason) => (InboundStatus::Ignored, Some(reason.clone())),
        IngestOutcome::Quarantined(reason) => (InboundStatus::Quarantined, Some(reason.clone())),
        IngestOutcome::Duplicate(_) => (
            InboundStatus::Duplicate,
            Some("a message with this Message-ID was taken in before".to_string()),
        ),
        _ => (InboundStatus::Processed, None),
    };
    FinishedInbound {
        id: item.record.id,
        message_id: item.mail.as_ref().ok().map(|m| m.message_id.clone()),
        status,
        reason,
        ticket: outcome.ticket(),
    }
}

/// The Message-IDs intake looks up for a batch: each message's own, the ones
/// it replies to, and the one a delivery report names.
fn message_ids(prepared: &[Prepared]) -> Vec<String> {
    let mut ids = Vec::new();
    for mail in prepared.iter().filter_map(|p| p.mail.as_ref().ok()) {
        ids.extend(mail.own_and_thread_ids().into_iter().take(IDS_PER_MESSAGE));
        if let Some(original) = mail
            .bounce
            .as_ref()
            .and_then(|b| b.original_message_id.clone())
        {
            ids.push(original);
        }
    }
    ids
}

/// Text as the database accepts it: PostgreSQL refuses NUL characters.
pub(super) fn storable(text: &str) -> String {
    text.replace('\0', "")
}

fn megabytes(bytes: usize) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

fn file_name(name: Option<&str>, content_type: &str, n: usize) -> String {
    let cleaned = clean_file_name(name.unwrap_or(""));
    if cleaned.is_empty() {
        let extension = content_type.rsplit('/').next().unwrap_or("bin");
        format!("attachment-{n}.{extension}")
    } else {
        cleaned
    }
}

impl App {
    /// Takes in one raw message.
    pub async fn ingest_mail(&self, raw: &[u8]) -> Result<IngestOutcome, AppError> {
        self.ingest_one(raw.to_vec()).await
    }

    /// Takes in one raw message the caller hands over (not copied).
    pub async fn ingest_one<B>(&self, raw: B) -> Result<IngestOutcome, AppError>
    where
        B: AsRef<[u8]> + Send + Sync + 'static,
    {
        self.ingest_owned(vec![raw])
            .await?
            .pop()
            .ok_or_else(|| AppError::Internal("the message was not processed".into()))
    }

    /// Takes in many raw messages: the bytes in one transaction, then the
    /// processing in another, one savepoint per message. Outcomes come back in order.
    pub async fn ingest_batch(&self, raws: &[&[u8]]) -> Result<Vec<IngestOutcome>, AppError> {
        self.ingest_owned(raws.iter().map(|r| r.to_vec()).collect())
            .await
    }

    /// [`Self::ingest_batch`] for messages the caller hands over (a request
    /// body, files read), which are parsed where they are, never copied:
    /// a 25 MiB message costs its own size once, not once per step.
    pub async fn ingest_owned<B>(&self, raws: Vec<B>) -> Result<Vec<IngestOutcome>, AppError>
    where
        B: AsRef<[u8]> + Send + Sync + 'static,
    {
        self.ingest_with(raws.into_iter().map(Arc::new).collect(), false)
            .await
    }

    async fn ingest_with<B>(
        &self,
        raws: Vec<Arc<B>>,
        released: bool,
    ) -> Result<Vec<IngestOutcome>, AppError>
    where
        B: AsRef<[u8]> + Send + Sync + 'static,
    {
        let hashes = self.hash_all(&raws).await?;
        let items = self.keep_large_in_blobs(&raws, &hashes).await?;
        let stored = self.store().store_raw_batch(&items).await?;
        drop(items);
        let mut outcomes: Vec<Option<IngestOutcome>> = vec![None; raws.len()];
        let mut first_of: HashMap<&str, usize> = HashMap::new();
        let mut repeats = Vec::new();
        let mut to_read = Vec::new();
        for (index, (record, new)) in stored.into_iter().enumerate() {
            if let Some(first) = first_of.get(hashes[index].as_str()) {
                repeats.push((index, *first));
                continue;
            }
            first_of.insert(hashes[index].as_str(), index);
            if !new && record.status != InboundStatus::Received {
                outcomes[index] = Some(IngestOutcome::Duplicate(record.ticket_id));
                continue;
            }
            to_read.push((index, record));
        }
        let prepared = self.read_all(&raws, &hashes, to_read).await?;
        if !prepared.is_empty() {
            let processed = self.process_all(&prepared, released).await?;
            for (item, outcome) in prepared.iter().zip(processed) {
                if let IngestOutcome::Quarantined(reason) = &outcome {
                    tracing::warn!(inbound = item.record.id, reason, "mail quarantined");
                }
                outcomes[item.index] = Some(outcome);
            }
        }
        for (index, first) in repeats {
            let ticket = outcomes[first].as_ref().and_then(IngestOutcome::ticket);
            outcomes[index] = Some(IngestOutcome::Duplicate(ticket));
        }
        if outcomes.iter().any(|o| {
            matches!(
                o,
                Some(IngestOutcome::Created(_) | IngestOutcome::Linked { .. })
            )
        }) {
            self.run_acknowledgments_now().await;
        }
        Ok(outcomes
            .into_iter()
            .map(|o| o.unwrap_or_else(|| IngestOutcome::Quarantined("not processed".into())))
            .collect())
    }

    /// The SHA-256 of each raw message, computed on the CPU pool (hashing
    /// 25 MiB would hold an async worker for tens of milliseconds).
    async fn hash_all<B>(&self, raws: &[Arc<B>]) -> Result<Vec<String>, AppError>
    where
        B: AsRef<[u8]> + Send + Sync + 'static,
    {
        let shared: Vec<Arc<B>> = raws.to_vec();
        self.cpu()
            .run(None, move || {
                shared
                    .iter()
                    .map(|raw| content_hash((**raw).as_ref()))
                    .collect()
            })
            .await
            .map_err(|e| AppError::Internal(format!("hashing mail: {e}")))
    }

    /// What to keep of each raw message: small ones in their row, large
    /// ones (over [`RAW_IN_ROW_BYTES`]) put in the blob store first, without
    /// a copy, so the database never holds megabytes of one message.
    async fn keep_large_in_blobs<'a, B>(
        &self,
        raws: &'a [Arc<B>],
        hashes: &'a [String],
    ) -> Result<Vec<RawMail<'a>>, AppError>
    where
        B: AsRef<[u8]> + Send + Sync + 'static,
    {
        let mut items = Vec::with_capacity(raws.len());
        for (raw, hash) in raws.iter().zip(hashes) {
            let bytes = (**raw).as_ref();
            let row_bytes = if bytes.len() > RAW_IN_ROW_BYTES {
                let shared = bytes::Bytes::from_owner(SharedRaw(Arc::clone(raw)));
                self.blobs()
                    .put_hashed(hash, shared)
                    .await
                    .map_err(|e| AppError::Internal(format!("keeping raw mail: {e}")))?;
                None
            } else {
                Some(bytes)
            };
            items.push(RawMail {
                content_hash: hash,
                size: bytes.len(),
                row_bytes,
            });
        }
        Ok(items)
    }

    /// A stored message's bytes, from its row or the blob store.
    pub(crate) async fn raw_bytes(&self, stored: StoredRaw) -> Result<Vec<u8>, AppError> {
        match stored {
            StoredRaw::Row(bytes) => Ok(bytes),
            StoredRaw::Blobs(hash) => self
                .blobs()
                .get(&hash)
                .await
                .map_err(|e| AppError::Internal(format!("reading raw mail {hash}: {e}"))),
        }
    }

    /// Parses and sanitises the stored messages on the CPU pool, side by
    /// side, each within the read budget (nothing is held meanwhile), and
    /// puts their attachments in the blob store.
    async fn read_all<B>(
        &self,
        raws: &[Arc<B>],
        hashes: &[String],
        to_read: Vec<(usize, InboundRecord)>,
    ) -> Result<Vec<Prepared>, AppError>
    where
        B: AsRef<[u8]> + Send + Sync + 'static,
    {
        let budget = self.config().mail.read_budget;
        let reading: Vec<_> = to_read
            .iter()
            .map(|(index, _)| {
                let (cpu, raw, hash) = (
                    self.cpu().clone(),
                    Arc::clone(&raws[*index]),
                    hashes[*index].clone(),
                );
                tokio::spawn(async move {
                    cpu.run(Some(budget), move || {
                        parse_hashed((*raw).as_ref(), hash).map(|mail| {
                            let sums: Vec<String> = mail
                                .attachments
                                .iter()
                                .map(|a| rapport_core::hex::sha256(&a.data))
                                .collect();
                            (mail, sums)
                        })
                    })
                    .await
                })
            })
            .collect();
        let mut prepared = Vec::new();
        for ((index, record), job) in to_read.into_iter().zip(reading) {
            let mail = match job.await {
                Ok(Ok(parsed)) => parsed.map_err(|e| e.to_string()),
                Ok(Err(CpuError::TimedOut(budget))) => Err(format!(
                    "reading the message took longer than {} s; held for review",
                    budget.as_secs_f64()
                )),
                Ok(Err(e)) => Err(format!("the message could not be read: {e}")),
                Err(e) => Err(format!("the message could not be read: {e}")),
            };
            let (mail, (files, dropped)) = match mail {
                Ok((mut m, sums)) => {
                    let kept = self.store_attachments(&mut m, sums).await?;
                    (Ok(m), kept)
                }
                Err(e) => (Err(e), (Vec::new(), Vec::new())),
            };
            prepared.push(Prepared {
                index,
                record,
                mail,
                files,
                dropped,
            });
        }
        Ok(prepared)
    }

    /// Threads the read messages in one write transaction: a fast pass
    /// without savepoints, and if any message fails (or another server
    /// finished one first), the batch again with a savepoint per message so
    /// it fails alone. Outcomes come back in the order of `prepared`.
    async fn process_all(
        &self,
        prepared: &[Prepared],
        released: bool,
    ) -> Result<Vec<IngestOutcome>, AppError> {
        let settings = &self.config().mail;
        let batch = Batch {
            secret: self.reply_secret().await?.to_vec(),
            acknowledge: settings.outbound && settings.acknowledgments,
            released,
        };
        // Every Message-ID the batch will look up, read in a few statements.
        let ids = message_ids(prepared);
        self.sla_rules().await?;
        let mut tx = self.store().begin_write().await?;
        tx.prefetch_message_ids(&ids).await?;
        let mut fast = Vec::with_capacity(prepared.len());
        for item in prepared {
            match self.process(&mut tx, item, &batch, false).await {
                Ok(outcome) => fast.push(outcome),
                Err(_) => break,
            }
        }
        // Finishing is also the claim: if another process finished any of
        // these first, the pass is redone guarded, which sees that.
        let rows: Vec<FinishedInbound> = prepared
            .iter()
            .zip(&fast)
            .map(|(item, outcome)| finished(item, outcome))
            .collect();
        let all_finished = fast.len() == prepared.len()
            && tx.finish_inbound(&rows).await? == prepared.len() as u64;
        if !all_finished {
            drop(tx);
            tx = self.store().begin_write().await?;
            tx.prefetch_message_ids(&ids).await?;
            fast.clear();
            for item in prepared {
                fast.push(self.process(&mut tx, item, &batch, true).await?);
            }
        }
        tx.commit().await?;
        Ok(fast)
    }

    /// Puts a message's attachments in the blob store under the SHA-256s
    /// computed with the parse, dropping those over the limits; their bytes
    /// move to the store (the parsed mail keeps only what they were).
    async fn store_attachments(
        &self,
        mail: &mut ParsedMail,
        sums: Vec<String>,
    ) -> Result<(Vec<NewAttachment>, Vec<String>), AppError> {
        let limits = &self.config().mail;
        let (mut files, mut dropped, mut total) = (Vec::new(), Vec::new(), 0usize);
        for (n, (attachment, sha256)) in mail.attachments.iter_mut().zip(sums).enumerate() {
            let name = file_name(attachment.name.as_deref(), &attachment.content_type, n + 1);
            if attachment.size > limits.max_attachment_bytes {
                dropped.push(format!(
                    "{name} ({}, over the {} limit per file)",
                    megabytes(attachment.size),
                    megabytes(limits.max_attachment_bytes)
                ));
                continue;
            }
            if total + attachment.size > limits.max_message_attachment_bytes {
                dropped.push(format!(
                    "{name} ({}, over the {} limit per message)",
                    megabytes(attachment.size),
                    megabytes(limits.max_message_attachment_bytes)
                ));
                continue;
            }
            let data = bytes::Bytes::from(std::mem::take(&mut attachment.data));
            self.blobs()
                .put_hashed(&sha256, data)
                .await
                .map_err(|e| AppError::Internal(e.to_string()))?;
            total += attachment.size;
            files.push(NewAttachment {
                sha256,
                file_name: name,
                content_type: attachment.content_type.chars().take(100).collect(),
                size: attachment.size as i64,
                content_id: attachment.content_id.clone(),
                inline: attachment.inline,
            });
        }
        Ok((files, dropped))
    }

    /// Processes one message. Unguarded (the fast first pass over a batch),
    /// any failure is returned and the caller redoes the whole batch guarded;
    /// the caller also finishes the rows. Guarded, the message runs under a
    /// savepoint: a failure rolls back only it and quarantines it with the
    /// reason, and its row is finished here.
    async fn process(
        &self,
        tx: &mut WriteTx,
        item: &Prepared,
        batch: &Batch,
        guarded: bool,
    ) -> Result<IngestOutcome, AppError> {
        let mail = match &item.mail {
            Ok(mail) => mail,
            // Nothing is written for a message that does not parse.
            Err(reason) if !guarded => return Ok(IngestOutcome::Quarantined(reason.clone())),
            Err(reason) => {
                let quarantined = IngestOutcome::Quarantined(reason.clone());
                return self.finish_guarded(tx, item, quarantined, false).await;
            }
        };
        if !guarded {
            return self.route(tx, mail, item, batch).await;
        }
        let mut retried = false;
        loop {
            tx.savepoint().await?;
            match self.route(tx, mail, item, batch).await {
                Ok(outcome) => return self.finish_guarded(tx, item, outcome, true).await,
                Err(error) => {
                    tx.rollback_to_savepoint().await?;
                    // Another server created the same customer meanwhile: once more sees it.
                    if matches!(error, AppError::Conflict(_)) && !retried {
                        retried = true;
                        continue;
                    }
                    let quarantined = IngestOutcome::Quarantined(error.to_string());
                    return self.finish_guarded(tx, item, quarantined, false).await;
                }
            }
        }
    }

    /// Finishes one message's row in the guarded pass; `savepoint` says
    /// whether the message's work is still under its open savepoint.
    /// Finishing is also the claim: when another server finished the message
    /// first, everything done here is undone.
    async fn finish_guarded(
        &self,
        tx: &mut WriteTx,
        item: &Prepared,
        outcome: IngestOutcome,
        savepoint: bool,
    ) -> Result<IngestOutcome, AppError> {
        let claimed = tx.finish_inbound(&[finished(item, &outcome)]).await? == 1;
        match (claimed, savepoint) {
            (true, true) => tx.release_savepoint().await?,
            (false, true) => tx.rollback_to_savepoint().await?,
            _ => {}
        }
        Ok(if claimed {
            outcome
        } else {
            IngestOutcome::Duplicate(None)
        })
    }

    /// An internal note by the system, inside the transaction.
    pub(crate) async fn note_in(
        &self,
        tx: &mut WriteTx,
        ticket: TicketId,
        text: &str,
    ) -> Result<(), AppError> {
        let note = NewMessage {
            kind: MessageKind::Internal,
            author_kind: AuthorKind::System,
            author_id: None,
            entered_by: None,
            body_text: storable(text),
            body_html: None,
        };
        tx.change_ticket(ticket, Actor::System, Some(note), |t, id| {
            message_events(
                t,
                id,
                MessageKind::Internal,
                AuthorKind::System,
                Actor::System,
            )
        })
        .await?;
        Ok(())
    }

    /// Quarantined inbound mail, newest first (admins).
    pub async fn quarantine_list(
        &self,
        caller: &Caller,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<InboundRecord>, AppError> {
        caller.require(Permission::ManageAgents, "see quarantined mail")?;
        Ok(self
            .store()
            .inbound_by_status(InboundStatus::Quarantined, before, limit)
            .await?)
    }

    /// Processes a quarantined message again (admins): the admin looked at
    /// it, so the loop guard does not hold it a second time.
    pub async fn retry_inbound(&self, caller: &Caller, id: i64) -> Result<IngestOutcome, AppError> {
        caller.require(Permission::ManageAgents, "release quarantined mail")?;
        // An unknown id is NotFound from the store (404); a known one that is
        // not held is a conflict.
        if !self.store().requeue_inbound(id).await? {
            return Err(AppError::Conflict(msg!(
                "error.intake.not_quarantined",
                id = id
            )));
        }
        let raw = self.raw_bytes(self.store().raw_mail(id).await?).await?;
        self.ingest_with(vec![Arc::new(raw)], true)
            .await?
            .pop()
            .ok_or_else(|| AppError::Internal("the message was not processed".into()))
    }

    /// The raw bytes of an inbound message as they arrived (admins), to
    /// judge a quarantined one before releasing it.
    pub async fn inbound_raw(&self, caller: &Caller, id: i64) -> Result<Vec<u8>, AppError> {
        caller.require(Permission::ManageAgents, "read raw inbound mail")?;
        self.raw_bytes(self.store().raw_mail(id).await?).await
    }

    /// Processes mail that was stored but never processed (the process
    /// stopped in between); returns how many were taken in.
    pub async fn recover_unprocessed(&self) -> Result<usize, AppError> {
        let stale = Timestamp::now().plus_seconds(-60);
        let pending = self.store().unprocessed_mail(stale, 100).await?;
        if pending.is_empty() {
            return Ok(0);
        }
        tracing::info!(count = pending.len(), "processing mail left unprocessed");
        let mut raws = Vec::with_capacity(pending.len());
        for stored in pending {
            raws.push(self.raw_bytes(stored).await?);
        }
        Ok(self.ingest_owned(raws).await?.len())
    }
}
