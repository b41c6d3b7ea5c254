//! The outbox worker: claims due mail, sends it through SMTP, and records
//! the result. A temporary failure is retried with exponential backoff; a
//! permanent one (or running out of attempts) marks the mail failed and puts
//! an internal note on the ticket, so an agent sees the customer was not
//! reached. Claims are leased: a worker that dies mid-send leaves its mail to
//! be taken again when the lease ends, and on PostgreSQL two servers never
//! claim the same mail (`FOR UPDATE SKIP LOCKED`).

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
    /// How long a claim lasts before another worker may take the mail.
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
    /// Sends what is due, once: claims up to `batch` mails and sends each.
    pub async fn send_due_mail(
        &self,
        sender: &SmtpSender,
        worker: &str,
        policy: &RetryPolicy,
        batch: i64,
    ) -> Result<SendRound, AppError> {
        let lease_until = Timestamp(Timestamp::now().0 + micros(policy.lease));
        let claimed = self
            .store()
            .claim_outbox(worker, batch, lease_until)
            .await?;
        let mut round = SendRound::default();
        for mail in claimed {
            let recipients = &mail.record.recipients;
            match sender
                .send(&mail.record.mail_from, recipients, &mail.raw)
                .await
            {
                Ok(()) => {
                    if !self.store().outbox_sent(mail.record.id, worker).await? {
                        tracing::warn!(outbox = mail.record.id, "sent after the claim ran out");
                    }
                    tracing::info!(outbox = mail.record.id, kind = %mail.record.kind, "mail sent");
                    round.sent += 1;
                }
                Err(SendError::Transient(error)) if mail.record.attempts < policy.max_attempts => {
                    let wait = policy.delay(mail.record.attempts, jitter());
                    let next = Timestamp(Timestamp::now().0 + micros(wait));
                    tracing::warn!(
                        outbox = mail.record.id,
                        attempts = mail.record.attempts,
                        error,
                        "sending failed; will retry"
                    );
                    self.store()
                        .outbox_retry(mail.record.id, worker, &error, next)
                        .await?;
                    round.retrying += 1;
                }
                Err(error) => {
                    let reason = match error {
                        SendError::Transient(e) => {
                            format!("gave up after {} attempts: {e}", mail.record.attempts)
                        }
                        SendError::Permanent(e) => e,
                    };
                    tracing::warn!(outbox = mail.record.id, reason, "mail failed");
                    self.store()
                        .outbox_failed(mail.record.id, worker, &reason)
                        .await?;
                    self.note_failure(&mail, &reason).await?;
                    round.failed += 1;
                }
            }
        }
        Ok(round)
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
