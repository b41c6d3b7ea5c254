//! Asking the customer: a `survey` job is written when a ticket is solved,
//! due after `[feedback] survey_delay_minutes` of the ticket's business time
//! (a job of the same key replaces it, so a ticket solved twice is asked at
//! most once). When it runs it asks only if the ticket is still solved (or
//! closed as resolved), was never asked, and its customer's address is not
//! an automatic sender; a bouncing address is asked only in the portal.

use crate::outbound::{Letter, first_name, never_acknowledge};
use crate::scheduler::JobFailure;
use crate::templates::{SURVEY, render};
use crate::{App, AppError};
use minijinja::Value;
use rapport_core::{Closure, CustomerId, IdentityKind, Status, Ticket, TicketId, Timestamp};
use rapport_mail::Person;
use rapport_store::{JobKind, JobRecord, NewJob, NewOutboxMail, OutboxKind, WriteTx};
use std::collections::BTreeMap;

/// What the survey job knows: only the ticket (everything else is read
/// when it runs, so a reopen or a new address is seen).
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct SurveyPayload {
    ticket: i64,
}

/// A survey prepared before its transaction: whom to ask and the mail.
#[derive(Debug)]
pub(crate) struct ReadySurvey {
    ticket: TicketId,
    customer: CustomerId,
    address: Option<String>,
    mail: Option<NewOutboxMail>,
}

/// Whether a ticket is in a state to be asked about: solved, or closed
/// after being solved (not as spam or a duplicate).
pub(crate) fn askable(ticket: &Ticket) -> bool {
    match ticket.status {
        Status::Solved => true,
        Status::Closed => matches!(ticket.closure, Some(Closure::Resolved)),
        _ => false,
    }
}

/// The job key of a ticket's survey.
fn key(ticket: TicketId) -> String {
    format!("survey:ticket:{}", ticket.0)
}

impl App {
    /// Schedules the survey of a ticket just solved, in the solving
    /// transaction, due after the configured business minutes in the
    /// ticket's calendar.
    pub(crate) async fn schedule_survey(
        &self,
        tx: &mut WriteTx,
        rules: &rapport_core::sla::SlaRules,
        ticket: &Ticket,
        solved_at: Timestamp,
    ) -> Result<(), AppError> {
        let feedback = &self.config().feedback;
        if !feedback.surveys {
            return Ok(());
        }
        let calendar = crate::sla::calendar_for(rules, ticket);
        let due_at = survey_due(&calendar, solved_at, feedback.survey_delay_minutes);
        let payload = serde_json::to_string(&SurveyPayload {
            ticket: ticket.id.0,
        })
        .map_err(|e| AppError::Internal(format!("survey job: {e}")))?;
        tx.schedule_job(&NewJob {
            kind: JobKind::Survey,
            due_at,
            payload,
            key: Some(key(ticket.id)),
        })
        .await?;
        Ok(())
    }

    /// Reads the ticket and its customer and composes the survey mail
    /// (no transaction open). `None`: nothing to ask (reopened, asked
    /// before, an automatic sender).
    pub(crate) async fn prepare_survey(
        &self,
        job: &JobRecord,
    ) -> Result<Option<ReadySurvey>, JobFailure> {
        let payload: SurveyPayload = serde_json::from_str(&job.payload)
            .map_err(|e| JobFailure::GiveUp(format!("unreadable survey job: {e}")))?;
        Ok(self.survey_for(TicketId(payload.ticket)).await?)
    }

    /// What asking a ticket's customer takes, read and composed without a
    /// transaction (`None`: nothing to ask).
    async fn survey_for(&self, id: TicketId) -> Result<Option<ReadySurvey>, AppError> {
        let ticket = match self.store().ticket(id).await {
            Ok(t) => t,
            Err(rapport_store::StoreError::NotFound(_)) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        if !askable(&ticket) || self.store().survey(ticket.id).await?.is_some() {
            return Ok(None);
        }
        let customer = self.store().customer(ticket.customer_id).await?;
        let address = customer
            .identities
            .iter()
            .find(|i| i.kind == IdentityKind::Email)
            .map(|i| i.value.clone());
        if address.as_deref().is_some_and(never_acknowledge) {
            tracing::info!(
                ticket = ticket.id.0,
                "survey: the customer's address is automatic; not asked"
            );
            return Ok(None);
        }
        let mail = match &address {
            Some(address) if self.config().mail.outbound => {
                Some(self.survey_mail(&ticket, &customer.name, address).await?)
            }
            _ => None,
        };
        Ok(Some(ReadySurvey {
            ticket: ticket.id,
            customer: customer.id,
            address,
            mail,
        }))
    }

    /// Records the survey and queues its mail, if the ticket is still
    /// solved and was not asked meanwhile; a bouncing address gets no mail
    /// (the portal still asks).
    pub(crate) async fn run_survey(
        &self,
        tx: &mut WriteTx,
        ready: Option<ReadySurvey>,
    ) -> Result<(), JobFailure> {
        let Some(ready) = ready else {
            return Ok(());
        };
        let Some(ticket) = tx.ticket_locked(ready.ticket).await? else {
            return Ok(());
        };
        if !askable(&ticket) {
            return Ok(());
        }
        let bouncing = match &ready.address {
            Some(address) => tx.sender(address).await?.is_some_and(|(_, b)| b),
            None => false,
        };
        let mailed = ready.mail.as_ref().filter(|_| !bouncing);
        let expires = Timestamp::now().plus_seconds(self.config().feedback.survey_days * 86_400);
        let mailed_to = mailed.and(ready.address.as_deref());
        if !tx
            .insert_survey(ready.ticket, ready.customer, expires, mailed_to)
            .await?
        {
            return Ok(());
        }
        if let Some(mail) = mailed {
            tx.enqueue_mail(mail).await?;
            tx.link_sent(&mail.message_id, ready.ticket, None);
        }
        Ok(())
    }

    /// Asks a solved ticket's customer now instead of after the delay
    /// (leads and admins; the demo data uses it). The same checks apply;
    /// `false` when nothing was asked.
    pub async fn ask_survey_now(
        &self,
        caller: &crate::Caller,
        ticket: TicketId,
    ) -> Result<bool, AppError> {
        caller.require(rapport_core::Permission::ManageTeams, "send surveys early")?;
        let Some(ready) = self.survey_for(ticket).await? else {
            return Ok(false);
        };
        let mut tx = self.store().begin_write().await?;
        self.run_survey(&mut tx, Some(ready))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        tx.commit().await?;
        Ok(self.store().survey(ticket).await?.is_some())
    }

    /// The survey link of a ticket.
    pub async fn survey_link(&self, ticket: TicketId) -> Result<String, AppError> {
        let secret = self.reply_secret().await?;
        Ok(format!(
            "{}/portal/survey/{}",
            self.config().public_base_url.trim_end_matches('/'),
            super::link::token(secret, ticket)
        ))
    }

    /// The survey mail, rendered from the `survey` template.
    async fn survey_mail(
        &self,
        ticket: &Ticket,
        name: &str,
        address: &str,
    ) -> Result<NewOutboxMail, AppError> {
        let lang = self.customer_lang(ticket.customer_id).await?;
        let template = self.template_or_default(SURVEY, lang).await?;
        let mut variables = self.survey_variables(ticket, name);
        variables.insert(
            "survey_link",
            Value::from(self.survey_link(ticket.id).await?),
        );
        let subject = render(&template.0, &variables)?;
        let text = render(&template.1, &variables)?;
        let mail = &self.config().mail;
        let letter = Letter {
            kind: OutboxKind::Survey,
            ticket: ticket.id,
            from_name: mail.business_name.clone(),
            to: Person {
                name: Some(name.to_string()).filter(|n| !n.is_empty()),
                address: address.to_string(),
            },
            cc: Vec::new(),
            subject: format!(
                "{} {}",
                subject.trim(),
                mail.subject_tag.format(ticket.id.0)
            ),
            text,
            in_reply_to: None,
            references: Vec::new(),
            automatic: true,
            attachments: Vec::new(),
        };
        self.compose_letter(letter).await
    }

    /// The variables of the survey mail and page (all but the link).
    pub(crate) fn survey_variables(
        &self,
        ticket: &Ticket,
        name: &str,
    ) -> BTreeMap<&'static str, Value> {
        let mail = &self.config().mail;
        let text = |s: String| Value::from(s);
        BTreeMap::from([
            ("customer_name", text(name.to_string())),
            ("customer_first_name", text(first_name(name))),
            ("agent_name", text(mail.business_name.clone())),
            ("ticket_number", text(format!("#{}", ticket.id.0))),
            ("ticket_tag", text(mail.subject_tag.format(ticket.id.0))),
            ("subject", text(ticket.subject.clone())),
            ("business_name", text(mail.business_name.clone())),
            (
                "survey_days",
                text(self.config().feedback.survey_days.to_string()),
            ),
        ])
    }
}

/// When a survey is due: `minutes` of business time after `solved_at` in
/// the ticket's calendar (a calendar that never opens: that many real minutes).
pub fn survey_due(
    calendar: &rapport_core::BusinessCalendar,
    solved_at: Timestamp,
    minutes: i64,
) -> Timestamp {
    calendar
        .add_business_minutes(solved_at, minutes.max(0))
        .unwrap_or_else(|| solved_at.plus_seconds(minutes.max(0) * 60))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rapport_core::{BusinessCalendar, CalendarSpec};

    fn at(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_survey_waits_business_minutes_and_skips_the_weekend() {
        let calendar = BusinessCalendar::new(CalendarSpec::office_hours("Office", "UTC"))
            .unwrap_or_else(|e| panic!("{e}"));
        // Solved Friday 16:00 UTC; two business hours later is Monday 10:00.
        let due = survey_due(&calendar, at("2026-12-04T16:00:00Z"), 120);
        assert_eq!(due, at("2026-12-07T10:00:00Z"));
        // Solved Tuesday 10:00: the same day, 12:00.
        let due = survey_due(&calendar, at("2026-12-08T10:00:00Z"), 120);
        assert_eq!(due, at("2026-12-08T12:00:00Z"));
    }
}
