//! Answering the survey, by its signed link or in the portal. Showing the
//! question records nothing (mail scanners follow links); only a submitted
//! answer does, as a `satisfaction_rated` event through the state machine
//! and the survey row's latest answer. An answer may be changed until the
//! survey expires. A low rating opens a recovery task; a comment that asks
//! for something new opens a ticket linked to this one.

use crate::templates::{SURVEY_PAGE, render};
use crate::{App, AppError, plain_text};
use rapport_core::feedback::MAX_COMMENT_CHARS;
use rapport_core::{Actor, Command, CustomerId, RecoverySource, TicketId, Timestamp, feedback};
use rapport_store::SurveyRecord;

/// Whether a survey still takes answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SurveyState {
    /// Open for an answer (or a changed one).
    Open,
    /// Past its time; answers are refused.
    Expired,
}

/// The survey question as the page shows it.
#[derive(Debug, Clone)]
pub struct SurveyQuestion {
    /// The ticket it asks about.
    pub ticket_id: TicketId,
    /// The page's heading (the `survey_page` template's subject).
    pub heading: String,
    /// The introduction to the question (its body).
    pub introduction: String,
    /// Open or expired.
    pub state: SurveyState,
    /// Until when it takes answers.
    pub expires_at: Timestamp,
    /// The latest answer, if any.
    pub rating: Option<u8>,
    /// The latest comment.
    pub comment: Option<String>,
    /// The customer's language: the page's and the question's.
    pub lang: crate::i18n::Lang,
}

/// An answer to record.
#[derive(Debug, Clone)]
pub struct SurveyAnswer {
    /// 1 to 5.
    pub rating: u8,
    /// An optional comment.
    pub comment: Option<String>,
}

impl App {
    /// The survey a signed link names, for showing (records nothing). A
    /// forged link, or one for a ticket never asked, is not found.
    pub async fn survey_by_link(&self, token: &str) -> Result<SurveyQuestion, AppError> {
        let ticket = self.ticket_of_link(token).await?;
        self.survey_question(ticket).await
    }

    /// Records an answer given through a signed link.
    pub async fn answer_survey_by_link(
        &self,
        token: &str,
        answer: SurveyAnswer,
    ) -> Result<SurveyQuestion, AppError> {
        let ticket = self.ticket_of_link(token).await?;
        self.record_answer(ticket, None, answer).await?;
        self.survey_question(ticket).await
    }

    /// The survey of one of the customer's tickets, for the portal (`None`:
    /// not asked).
    pub async fn portal_survey(
        &self,
        customer: CustomerId,
        ticket: TicketId,
    ) -> Result<Option<SurveyQuestion>, AppError> {
        match self.store().survey(ticket).await? {
            Some(s) if s.customer_id == customer => Ok(Some(self.survey_question(ticket).await?)),
            _ => Ok(None),
        }
    }

    /// Records an answer the customer gave in the portal.
    pub async fn portal_answer_survey(
        &self,
        customer: CustomerId,
        ticket: TicketId,
        answer: SurveyAnswer,
    ) -> Result<(), AppError> {
        self.record_answer(ticket, Some(customer), answer).await
    }

    /// An agent's view of a ticket's survey (`None`: not asked).
    pub async fn ticket_survey(
        &self,
        caller: &crate::Caller,
        ticket: TicketId,
    ) -> Result<Option<SurveyRecord>, AppError> {
        caller.require(rapport_core::Permission::Read, "read surveys")?;
        self.store().ticket(ticket).await?;
        Ok(self.store().survey(ticket).await?)
    }

    async fn ticket_of_link(&self, token: &str) -> Result<TicketId, AppError> {
        let secret = self.reply_secret().await?;
        super::link::verify(secret, token).ok_or(AppError::NotFound("survey"))
    }

    async fn survey_question(&self, ticket_id: TicketId) -> Result<SurveyQuestion, AppError> {
        let survey = self
            .store()
            .survey(ticket_id)
            .await?
            .ok_or(AppError::NotFound("survey"))?;
        let ticket = self.store().ticket(ticket_id).await?;
        let customer = self.store().customer(survey.customer_id).await?;
        let lang = self.customer_lang(survey.customer_id).await?;
        let template = self.template_or_default(SURVEY_PAGE, lang).await?;
        let variables = self.survey_variables(&ticket, &customer.name);
        Ok(SurveyQuestion {
            ticket_id,
            heading: render(&template.0, &variables)?,
            introduction: render(&template.1, &variables)?,
            state: state(&survey, Timestamp::now()),
            expires_at: survey.expires_at,
            rating: survey.rating,
            comment: survey.comment,
            lang,
        })
    }

    /// Checks and records one answer: the event, the survey's latest
    /// answer, a recovery task for a low rating and a ticket for a new
    /// request, in one transaction.
    async fn record_answer(
        &self,
        ticket_id: TicketId,
        customer: Option<CustomerId>,
        answer: SurveyAnswer,
    ) -> Result<(), AppError> {
        if !feedback::valid_rating(answer.rating) {
            return Err(AppError::invalid("rating", msg!("error.feedback.rating")));
        }
        let comment = feedback::clean_comment(answer.comment.as_deref());
        if let Some(comment) = &comment {
            plain_text("comment", comment)?;
            if comment.chars().count() > MAX_COMMENT_CHARS {
                return Err(AppError::invalid(
                    "comment",
                    msg!("error.field.max_chars", max = MAX_COMMENT_CHARS),
                ));
            }
        }
        // Read what the comment asks before any transaction (CPU work).
        let request = match &comment {
            Some(text) => {
                let text = text.clone();
                self.cpu()
                    .run(None, move || super::request::new_request(&text))
                    .await
                    .map_err(|e| AppError::Internal(format!("reading the comment: {e}")))?
            }
            None => None,
        };
        let rules = self.sla_rules().await?;
        let now = Timestamp::now();
        let mut tx = self.store().begin_write().await?;
        let survey = tx
            .survey_locked(ticket_id)
            .await?
            .filter(|s| customer.is_none_or(|c| c == s.customer_id))
            .ok_or(AppError::NotFound("survey"))?;
        if state(&survey, now) == SurveyState::Expired {
            return Err(AppError::Gone(msg!(
                "error.feedback.survey_closed",
                at = survey.expires_at,
                days = self.config().feedback.survey_days
            )));
        }
        let actor = Actor::Customer(survey.customer_id);
        let command = Command::RateSatisfaction {
            rating: answer.rating,
            comment: comment.clone(),
        };
        let change = tx
            .change_ticket(ticket_id, actor, None, move |ticket, _| {
                Ok::<_, AppError>(rapport_core::decide(ticket, &command, actor)?)
            })
            .await?;
        tx.record_survey_answer(ticket_id, answer.rating, comment.as_deref(), now)
            .await?;
        if answer.rating <= self.config().feedback.low_rating {
            let calendar = rules.calendar_of(rules.policy_for(&change.ticket)).clone();
            let words = comment.clone().unwrap_or_default();
            self.open_recovery(
                &mut tx,
                &change.ticket,
                &calendar,
                (RecoverySource::Survey, answer.rating, &words),
            )
            .await?;
        }
        if let (Some(asks), Some(text), None) = (request, &comment, survey.follow_up_ticket_id) {
            self.open_follow_up(&mut tx, &change.ticket, text, &asks)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

fn state(survey: &SurveyRecord, now: Timestamp) -> SurveyState {
    if now.0 >= survey.expires_at.0 {
        SurveyState::Expired
    } else {
        SurveyState::Open
    }
}
