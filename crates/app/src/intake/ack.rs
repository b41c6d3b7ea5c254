//! The acknowledgment of a new request, as a durable job: the intake's
//! transaction writes only the job; the mail is rendered and composed
//! before the job's own transaction (off the async workers), which checks
//! the mail-loop guard and queues it in the outbox.

use crate::outbound::KIND_ACKNOWLEDGMENT;
use crate::scheduler::JobFailure;
use crate::{App, AppError};
use rapport_core::{TicketId, Timestamp};
use rapport_mail::Person;
use rapport_store::{JobKind, JobRecord, NewJob, NewOutboxMail, WriteTx};

/// What the acknowledgment job needs to know about the request.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct AckPayload {
    ticket: i64,
    subject: String,
    name: Option<String>,
    address: String,
    in_reply_to: String,
}

/// An acknowledgment composed before its transaction.
#[derive(Debug)]
pub(crate) struct ReadyAcknowledgment {
    ticket: TicketId,
    address: String,
    mail: NewOutboxMail,
}

/// The job that acknowledges a new ticket's first message, due now.
pub(super) fn job(
    ticket: TicketId,
    subject: &str,
    customer: &Person,
    in_reply_to: &str,
) -> Result<NewJob, AppError> {
    let payload = AckPayload {
        ticket: ticket.0,
        subject: subject.to_string(),
        name: customer.name.clone(),
        address: customer.address.clone(),
        in_reply_to: in_reply_to.to_string(),
    };
    Ok(NewJob {
        kind: JobKind::Acknowledge,
        due_at: Timestamp::now(),
        payload: serde_json::to_string(&payload)
            .map_err(|e| AppError::Internal(format!("acknowledgment job: {e}")))?,
        key: Some(format!("ticket:{}", ticket.0)),
    })
}

impl App {
    /// Renders and composes an acknowledgment job's mail (no transaction open).
    pub(crate) async fn compose_acknowledgment(
        &self,
        job: &JobRecord,
    ) -> Result<ReadyAcknowledgment, JobFailure> {
        let payload: AckPayload = serde_json::from_str(&job.payload)
            .map_err(|e| JobFailure::GiveUp(format!("unreadable acknowledgment job: {e}")))?;
        let ticket = TicketId(payload.ticket);
        let lang = self.ticket_customer_lang(ticket).await?;
        let template = self
            .template_or_default(crate::templates::ACKNOWLEDGMENT, lang)
            .await?;
        let (calendar, minutes) = self.first_response_promise(ticket).await?;
        let customer = Person {
            name: payload.name,
            address: payload.address.clone(),
        };
        let mail = self
            .acknowledgment_mail(
                (&template, lang),
                (&calendar, minutes),
                ticket,
                &payload.subject,
                &customer,
                &payload.in_reply_to,
            )
            .await?;
        Ok(ReadyAcknowledgment {
            ticket,
            address: payload.address,
            mail,
        })
    }

    /// Queues a composed acknowledgment, unless the address already got as
    /// many as the mail-loop guard allows this hour (then a note says so).
    pub(crate) async fn queue_acknowledgment(
        &self,
        tx: &mut WriteTx,
        ready: ReadyAcknowledgment,
    ) -> Result<(), JobFailure> {
        let limit = self.config().mail.acknowledgments_per_hour;
        let hour_ago = Timestamp::now().plus_seconds(-3600);
        let sent = tx
            .mails_to_since(&ready.address, KIND_ACKNOWLEDGMENT, hour_ago)
            .await?;
        if sent >= limit {
            let note = format!(
                "No acknowledgment sent: {} already received {sent} in the last hour (mail loop guard).",
                ready.address
            );
            return self
                .note_in(tx, ready.ticket, &note)
                .await
                .map_err(JobFailure::from);
        }
        tx.enqueue_mail(&ready.mail).await?;
        tx.link_sent(&ready.mail.message_id, ready.ticket, None);
        Ok(())
    }
}
