//! What admins see of the mail channel: each IMAP mailbox's last good pass
//! and last failure (recorded in the database by whichever server polls it,
//! so every server shows the same), the outbox's queue and failed sends,
//! and a quarantined message read as plain text before it is released.

use crate::cpu::CpuError;
use crate::{App, AppError, Caller};
use rapport_core::{Permission, Timestamp};
use rapport_store::{InboundRecord, MailboxHealth, OutboxCounts, OutboxRecord};
use std::sync::Arc;

/// Failed sends listed on the status page.
const FAILURES_SHOWN: i64 = 50;

/// The most text of a quarantined message shown (characters).
const PREVIEW_CHARS: usize = 100_000;

/// Where a mailbox stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailboxState {
    /// Configured, but no poller has reported on it yet.
    NeverPolled,
    /// The last thing that happened was a good pass.
    Ok,
    /// The last thing that happened was a failure.
    Failing,
}

rapport_core::str_enum!(MailboxState {
    MailboxState::NeverPolled => "never_polled",
    MailboxState::Ok => "ok",
    MailboxState::Failing => "failing",
});

/// A mailbox on the status page: what its poller recorded, and whether
/// this server's settings name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailboxStatus {
    /// The recorded passes and failures (all empty: never polled).
    pub health: MailboxHealth,
    /// Whether this server's `[[imap]]` settings name it.
    pub configured: bool,
}

impl MailboxStatus {
    /// Never polled, ok or failing.
    pub fn state(&self) -> MailboxState {
        let h = &self.health;
        if h.failing() {
            MailboxState::Failing
        } else if h.last_poll_at.is_none() && h.last_error_at.is_none() {
            MailboxState::NeverPolled
        } else {
            MailboxState::Ok
        }
    }
}

/// Every configured mailbox and every one a poller reported on, by name.
fn merged(configured: &[String], recorded: Vec<MailboxHealth>) -> Vec<MailboxStatus> {
    let mut all: Vec<MailboxStatus> = recorded
        .into_iter()
        .map(|health| MailboxStatus {
            configured: configured.contains(&health.mailbox),
            health,
        })
        .collect();
    for name in configured {
        if !all.iter().any(|m| &m.health.mailbox == name) {
            all.push(MailboxStatus {
                health: MailboxHealth {
                    mailbox: name.clone(),
                    last_poll_at: None,
                    last_fetched: 0,
                    last_error: None,
                    last_error_at: None,
                },
                configured: true,
            });
        }
    }
    all.sort_by(|a, b| a.health.mailbox.cmp(&b.health.mailbox));
    all
}

/// The mail channel's state.
#[derive(Debug, Clone)]
pub struct MailStatus {
    /// Every configured mailbox (also one never polled) and every one a
    /// poller has reported on, by name.
    pub mailboxes: Vec<MailboxStatus>,
    /// The outbox's counts by state.
    pub outbox: OutboxCounts,
    /// The latest failed sends, newest first.
    pub failures: Vec<OutboxRecord>,
    /// When this was read.
    pub read_at: Timestamp,
}

/// A file in a quarantined message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviewFile {
    /// Its name as the sender gave it (untrusted text).
    pub name: String,
    /// Its declared type.
    pub content_type: String,
    /// Decoded size in bytes.
    pub size: usize,
}

/// A quarantined (or any inbound) message as plain text, for judging it.
#[derive(Debug, Clone)]
pub struct InboundPreview {
    /// The stored record (status, reason, size).
    pub record: InboundRecord,
    /// The sender as written (untrusted text).
    pub from: String,
    /// The recipients as written.
    pub to: String,
    /// The subject.
    pub subject: String,
    /// The text, without HTML; cut at a bound.
    pub text: String,
    /// Its files (never opened here).
    pub files: Vec<PreviewFile>,
    /// Why it could not be read, when it could not.
    pub unreadable: Option<String>,
}

fn person(p: &rapport_mail::Person) -> String {
    match &p.name {
        Some(name) => format!("{name} <{}>", p.address),
        None => p.address.clone(),
    }
}

impl App {
    /// The mailboxes' last polls and errors, the outbox's queue and its
    /// failed sends (admins).
    pub async fn mail_status(&self, caller: &Caller) -> Result<MailStatus, AppError> {
        caller.require(Permission::ManageAgents, "see the mail channel's status")?;
        Ok(MailStatus {
            mailboxes: merged(
                &self.config().mail.mailboxes,
                self.store().mailbox_health().await?,
            ),
            outbox: self.store().outbox_counts().await?,
            failures: self.store().outbox_failures(FAILURES_SHOWN).await?,
            read_at: Timestamp::now(),
        })
    }

    /// Puts a failed send back in the outbox queue (admins): one by id, or
    /// every failed one with `None`. Its attempts start again from zero and
    /// the outbox worker sends it at its next pass. A send that is not
    /// failed is a conflict, an unknown id not found. Returns the ids.
    pub async fn retry_outbox(
        &self,
        caller: &Caller,
        id: Option<i64>,
    ) -> Result<Vec<i64>, AppError> {
        caller.require(Permission::ManageAgents, "retry failed mail")?;
        let requeued = self.store().requeue_failed(id).await?;
        if let Some(id) = id
            && requeued.is_empty()
        {
            let record = self.store().outbox_record(id).await?;
            return Err(AppError::Conflict(msg!(
                "error.mail.not_failed",
                id = id,
                status = record.status.as_str()
            )));
        }
        tracing::info!(
            by = caller.agent_id.0,
            count = requeued.len(),
            "failed mail requeued"
        );
        Ok(requeued)
    }

    /// An inbound message read as plain text (admins): parsed on the CPU
    /// pool within the read budget; a message that cannot be read says why.
    pub async fn inbound_preview(
        &self,
        caller: &Caller,
        id: i64,
    ) -> Result<InboundPreview, AppError> {
        caller.require(Permission::ManageAgents, "read quarantined mail")?;
        let record = self.store().inbound_record(id).await?;
        let raw = Arc::new(self.raw_bytes(self.store().raw_mail(id).await?).await?);
        let budget = self.config().mail.read_budget;
        let parsed = self
            .cpu()
            .run(Some(budget), move || rapport_mail::parse(&raw))
            .await;
        let mut preview = InboundPreview {
            record,
            from: String::new(),
            to: String::new(),
            subject: String::new(),
            text: String::new(),
            files: Vec::new(),
            unreadable: None,
        };
        match parsed {
            Ok(Ok(mail)) => {
                preview.from = mail.from.as_ref().map(person).unwrap_or_default();
                preview.to = mail.to.iter().map(person).collect::<Vec<_>>().join(", ");
                preview.subject = mail.subject;
                preview.text = mail.text.chars().take(PREVIEW_CHARS).collect();
                preview.files = mail
                    .attachments
                    .iter()
                    .map(|a| PreviewFile {
                        name: a.name.clone().unwrap_or_default(),
                        content_type: a.content_type.clone(),
                        size: a.size,
                    })
                    .collect();
            }
            Ok(Err(e)) => preview.unreadable = Some(e.to_string()),
            Err(CpuError::TimedOut(budget)) => {
                preview.unreadable = Some(format!(
                    "reading it took longer than {} s",
                    budget.as_secs_f64()
                ));
            }
            Err(e) => preview.unreadable = Some(e.to_string()),
        }
        Ok(preview)
    }

    /// Records what a mailbox's poller did; a failure to record is logged,
    /// never stops the poller.
    pub(crate) async fn note_mailbox(&self, mailbox: &str, outcome: Result<usize, &str>) {
        let recorded = match outcome {
            Ok(fetched) => {
                let fetched = i64::try_from(fetched).unwrap_or(i64::MAX);
                self.store().record_mailbox_poll(mailbox, fetched).await
            }
            Err(error) => self.store().record_mailbox_error(mailbox, error).await,
        };
        if let Err(error) = recorded {
            tracing::warn!(mailbox, %error, "cannot record the mailbox's state");
        }
    }
}
