//! The outbox worker: claims due mail, sends it through SMTP, and records
//! the result. A temporary failure is retried with exponential backoff; a
//! permanent one (or running out of attempts) marks the mail failed and puts
//! an internal note on the ticket, so an agent sees the customer was not
//! reached. Each mail is claimed on its own, just before it is sent, under a
//! lease that outlasts the send: a worker that dies mid-send leaves its mail
//! to be taken again when the lease ends, a live worker's mail never is, and
//! on PostgreSQL two servers never claim the same mail (`FOR UPDATE SKIP LOCKED`).

use crate::{App, AppError};
use rapport_core::Timestamp;
use rapport_store::ClaimedMail;
use rapport_transport::{SendError, SmtpSender};
use std::time::Duration;

/// How sending is retried.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// The wait after the first failure; it doubles with each attempt.
    pub first_delay: Duration,
    /// The longest wait between attempts.
    pub max_delay: Duration,
    /// Attempts before a mail is given up.
    pub max_attempts: i64,
    /// How long a claim on one mail lasts before another worker may take it;
    /// a send is given up after four fifths of it.
    pub lease: Duration,
    /// How often the outbox is checked when idle.
    pub poll: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            first_delay: Duration::from_secs(60),
            max_delay: Duration::from_secs(3600),
            max_attempts: 12,
            lease: Duration::from_secs(300),
            poll: Duration::from_secs(2),
        }
    }
}

impl RetryPolicy {
    /// How long one send may take: four fifths of the lease, so a mail is
    /// never still being sent when its claim runs out and another server may
    /// take it. (The SMTP client's own timeout applies to each command.)
    pub fn send_deadline(&self) -> Duration {
        self.lease.mul_f64(0.8)
    }

    /// The wait before attempt `attempts + 1`, with ±20 % jitter so a crowd of retries spreads out.
    pub fn delay(&self, attempts: i64, jitter: f64) -> Duration {
        let exponent = attempts.clamp(1, 30) - 1;
        let base = self.first_delay.as_secs_f64() * 2f64.powi(exponent as i32);
        let capped = base.min(self.max_delay.as_secs_f64());
        Duration::from_secs_f64(capped * (0.8 + 0.4 * jitter.clamp(0.0, 1.0)))
    }
}

/// What one round of sending did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SendRound {
    /// Accepted by the server.
    pub sent: usize,
    /// To be tried again.
    pub retrying: usize,
    /// Given up.
    pub failed: usize,
}

fn jitter() -> f64 {
    let mut byte = [0u8; 1];
    let _ = getrandom::fill(&mut byte);
    f64::from(byte[0]) / 255.0
}

fn micros(duration: Duration) -> i64 {
    i64::try_from(duration.as_micros()).unwrap_or(i64::MAX)
}

impl App {
    /// Sends what is due, once: up to `batch` mails, each claimed just before
    /// it is sent, under its own lease.
    ///
    /// Claiming one mail at a time is what keeps a slow SMTP server from
    /// sending a mail twice: a batch claimed at once would wait in `sending`
    /// while the mails before it crawl out, its lease would run out, and
    /// another server would take it and send it too. A send is also given up
    /// before its lease ends ([`RetryPolicy::send_deadline`]).
    pub async fn send_due_mail(
        &self,
        sender: &SmtpSender,
        worker: &str,
        policy: &RetryPolicy,
        batch: i64,
    ) -> Result<SendRound, AppError> {
        let mut round = SendRound::default();
        for _ in 0..batch.max(1) {
            let lease_until = Timestamp(Timestamp::now().0 + micros(policy.lease));
            let Some(mail) = self
                .store()
                .claim_outbox(worker, 1, lease_until)
                .await?
                .pop()
            else {
                break;
            };
            self.send_claimed(sender, worker, policy, &mail, &mut round)
                .await?;
        }
        Ok(round)
    }

    /// Sends one claimed mail and records the result.
    async fn send_claimed(
        &self,
        sender: &SmtpSender,
        worker: &str,
        policy: &RetryPolicy,
        mail: &ClaimedMail,
        round: &mut SendRound,
    ) -> Result<(), AppError> {
        let record = &mail.record;
        let deadline = policy.send_deadline();
        let sent = tokio::time::timeout(
            deadline,
            sender.send(&record.mail_from, &record.recipients, &mail.raw),
        )
        .await
        .unwrap_or_else(|_| {
            Err(SendError::Transient(format!(
                "no answer from the SMTP server within {} s",
                deadline.as_secs()
            )))
        });
        match sent {
            Ok(()) => {
                if !self.store().outbox_sent(record.id, worker).await? {
                    tracing::warn!(outbox = record.id, "sent after the claim ran out");
                }
                tracing::info!(outbox = record.id, kind = %record.kind, "mail sent");
                round.sent += 1;
            }
            Err(SendError::Transient(error)) if record.attempts < policy.max_attempts => {
                let wait = policy.delay(record.attempts, jitter());
                let next = Timestamp(Timestamp::now().0 + micros(wait));
                tracing::warn!(
                    outbox = record.id,
                    attempts = record.attempts,
                    error,
                    "sending failed; will retry"
                );
                self.store()
                    .outbox_retry(record.id, worker, &error, next)
                    .await?;
                round.retrying += 1;
            }
            Err(error) => {
                let reason = match error {
                    SendError::Transient(e) => {
                        format!("gave up after {} attempts: {e}", record.attempts)
                    }
                    SendError::Permanent(e) => e,
                };
                tracing::warn!(outbox = record.id, reason, "mail failed");
                self.store()
                    .outbox_failed(record.id, worker, &reason)
                    .await?;
                self.note_failure(mail, &reason).await?;
                round.failed += 1;
            }
        }
        Ok(())
    }

    /// Puts the failure on the ticket, where the agent looks.
    async fn note_failure(&self, mail: &ClaimedMail, reason: &str) -> Result<(), AppError> {
        let Some(ticket) = mail.record.ticket_id else {
            return Ok(());
        };
        let text = format!(
            "The {} to {} could not be delivered: {reason}. The customer has not received it.",
            mail.record.kind,
            mail.record.recipients.join(", ")
        );
        let mut tx = self.store().begin_write().await?;
        self.note_in(&mut tx, ticket, &text).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Runs the outbox worker until `stop` turns true.
    pub async fn run_outbox(
        self,
        sender: SmtpSender,
        worker: String,
        policy: RetryPolicy,
        mut stop: tokio::sync::watch::Receiver<bool>,
    ) {
        tracing::info!(worker, "outbox worker started");
        loop {
            let busy = match self.send_due_mail(&sender, &worker, &policy, 20).await {
                Ok(round) => round.sent + round.retrying + round.failed > 0,
                Err(error) => {
                    tracing::error!(%error, "outbox round failed");
                    false
                }
            };
            if *stop.borrow() {
                break;
            }
            if !busy {
                tokio::select! {
                    _ = tokio::time::sleep(policy.poll) => {}
                    _ = stop.changed() => {}
                }
            }
            if *stop.borrow() {
                break;
            }
        }
        tracing::info!(worker, "outbox worker stopped");
    }

    /// The mail queued for a ticket, with its delivery state.
    pub async fn ticket_mail(
        &self,
        caller: &crate::Caller,
        ticket: rapport_core::TicketId,
    ) -> Result<Vec<rapport_store::OutboxRecord>, AppError> {
        caller.require(rapport_core::Permission::Read, "read tickets")?;
        self.store().ticket(ticket).await?;
        Ok(self.store().outbox_for_ticket(ticket).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let policy = RetryPolicy {
            first_delay: Duration::from_secs(60),
            max_delay: Duration::from_secs(600),
            ..RetryPolicy::default()
        };
        assert_eq!(policy.delay(1, 0.5), Duration::from_secs(60));
        assert_eq!(policy.delay(2, 0.5), Duration::from_secs(120));
        assert_eq!(policy.delay(4, 0.5), Duration::from_secs(480));
        assert_eq!(policy.delay(9, 0.5), Duration::from_secs(600));
        assert_eq!(policy.delay(1, 0.0), Duration::from_secs(48));
        assert_eq!(policy.delay(1, 1.0), Duration::from_secs(72));
    }
}
