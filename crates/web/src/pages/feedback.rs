//! Feedback pages: the satisfaction survey behind its signed link (GET
//! shows the question and records nothing; only the form's POST records),
//! the survey on a portal ticket, and the workspace's recovery tasks with
//! the form that records a lead's follow-up.

use super::render::{Chrome, PageError, page, refusal_text, when};
use super::session::{AgentPage, Area, CUSTOMER_COOKIE, CustomerPage, page_csrf, with_cookie};
use crate::extract::Id;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use rapport_app::AppError;
use rapport_app::feedback::{SurveyAnswer, SurveyQuestion, SurveyState};
use rapport_app::i18n::Lang;
use rapport_core::{AgentId, RecoveryOutcome, TicketId, Timestamp};
use serde::Deserialize;

/// The five answers, worded.
pub(crate) const CHOICES: [(u8, &str); 5] = [
    (1, "survey.choice.1"),
    (2, "survey.choice.2"),
    (3, "survey.choice.3"),
    (4, "survey.choice.4"),
    (5, "survey.choice.5"),
];

#[derive(Template)]
#[template(path = "survey.html")]
struct SurveyPage {
    chrome: Chrome,
    action: String,
    heading: String,
    introduction: String,
    expired: bool,
    expires: String,
    rating: Option<u8>,
    comment: String,
    choices: [(u8, &'static str); 5],
    thanks: bool,
    error: Option<String>,
}

/// The survey as the portal's ticket page shows it.
pub(crate) struct PortalSurvey {
    pub heading: String,
    pub introduction: String,
    pub expired: bool,
    pub expires: String,
    pub rating: Option<u8>,
    pub comment: String,
    pub choices: [(u8, &'static str); 5],
}

/// The portal's view of a survey question.
pub(crate) fn portal_survey(
    question: SurveyQuestion,
    zone: &jiff::tz::TimeZone,
    lang: Lang,
) -> PortalSurvey {
    PortalSurvey {
        heading: question.heading,
        introduction: question.introduction,
        expired: question.state == SurveyState::Expired,
        expires: when(question.expires_at, zone, lang).0,
        rating: question.rating,
        comment: question.comment.unwrap_or_default(),
        choices: CHOICES,
    }
}

async fn survey_page(
    s: &AppState,
    headers: &HeaderMap,
    token: &str,
    question: SurveyQuestion,
    (thanks, error): (bool, Option<AppError>),
) -> Result<Response, PageError> {
    let (csrf, cookie) = page_csrf(s, headers, Area::Portal)?;
    let signed_in = super::session::cookie(headers, CUSTOMER_COOKIE).is_some();
    let zone = s.app.business_calendar().await?.time_zone().clone();
    let expired = question.state == SurveyState::Expired;
    let status = match (&error, expired) {
        (Some(_), _) => StatusCode::UNPROCESSABLE_ENTITY,
        (None, true) => StatusCode::GONE,
        (None, false) => StatusCode::OK,
    };
    let error = error.map(|e| refusal_text(question.lang, &e.into()));
    let template = SurveyPage {
        chrome: Chrome::portal(s, signed_in, csrf, question.lang),
        action: format!("/portal/survey/{token}"),
        heading: question.heading,
        introduction: question.introduction,
        expired,
        expires: when(question.expires_at, &zone, question.lang).0,
        rating: question.rating,
        comment: question.comment.unwrap_or_default(),
        choices: CHOICES,
        thanks,
        error,
    };
    Ok(with_cookie(page(status, &template), cookie))
}

/// The survey a link names: the question and the form. Records nothing.
pub async fn survey(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let question = s.app.survey_by_link(&token).await.map_err(not_valid)?;
    survey_page(&s, &headers, &token, question, (false, None)).await
}

/// What the survey form sends.
#[derive(Deserialize)]
pub struct SurveyForm {
    #[serde(default)]
    rating: String,
    #[serde(default)]
    comment: String,
}

fn answer(form: &SurveyForm) -> Result<SurveyAnswer, AppError> {
    let rating = form
        .rating
        .trim()
        .parse::<u8>()
        .map_err(|_| AppError::invalid("rating", rapport_app::msg!("error.feedback.rating")))?;
    Ok(SurveyAnswer {
        rating,
        comment: Some(form.comment.clone()),
    })
}

/// Records an answer (or a changed one) sent from the survey's form.
pub async fn survey_submit(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
    Form(form): Form<SurveyForm>,
) -> Result<Response, PageError> {
    let recorded = match answer(&form) {
        Ok(answer) => s.app.answer_survey_by_link(&token, answer).await,
        Err(e) => Err(e),
    };
    match recorded {
        Ok(question) => survey_page(&s, &headers, &token, question, (true, None)).await,
        Err(e @ (AppError::Gone(_) | AppError::Invalid { .. } | AppError::Refused(_))) => {
            // Expired: the page says so (410); a bad answer: said beside the form.
            let error = (!matches!(e, AppError::Gone(_))).then_some(e);
            let question = s.app.survey_by_link(&token).await.map_err(not_valid)?;
            survey_page(&s, &headers, &token, question, (false, error)).await
        }
        Err(e) => Err(not_valid(e)),
    }
}

/// A forged link or one for a ticket never asked: said plainly.
fn not_valid(error: AppError) -> PageError {
    match error {
        AppError::NotFound(_) => crate::error::ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "this survey link is not valid; please use the link from our e-mail as it is",
        )
        .into(),
        other => other.into(),
    }
}

/// The customer answers the survey on their ticket's page.
pub async fn portal_rate(
    State(s): State<AppState>,
    customer: CustomerPage,
    Id(id): Id,
    Form(form): Form<SurveyForm>,
) -> Result<Response, PageError> {
    s.app
        .portal_answer_survey(customer.customer, TicketId(id), answer(&form)?)
        .await?;
    Ok(Redirect::to(&format!("/portal/tickets/{id}")).into_response())
}

struct TaskRow {
    id: i64,
    ticket_id: i64,
    subject: String,
    source: &'static str,
    rating: u8,
    owner: String,
    lead: String,
    due: String,
    due_iso: String,
    overdue: bool,
    words: String,
    outcome: Option<String>,
    follow_up: String,
    closed_by: String,
}

#[derive(Template)]
#[template(path = "recovery.html")]
struct RecoveryPage {
    chrome: Chrome,
    tasks: Vec<TaskRow>,
}

/// The recovery tasks, open ones first, with the follow-up form.
pub async fn recovery(State(s): State<AppState>, agent: AgentPage) -> Result<Response, PageError> {
    let board = s.app.recovery_board(&agent.caller).await?;
    let zone = s.app.business_calendar().await?.time_zone().clone();
    let lang = agent.chrome.lang;
    let name = |id: Option<AgentId>, none: &str| {
        id.map_or_else(
            || none.to_string(),
            |id| {
                board
                    .names
                    .get(&id)
                    .cloned()
                    .unwrap_or_else(|| format!("#{id}"))
            },
        )
    };
    let now = Timestamp::now();
    let tasks = board
        .tasks
        .iter()
        .map(|(t, subject)| {
            let (due, due_iso) = when(t.due_at, &zone, lang);
            TaskRow {
                id: t.id,
                ticket_id: t.ticket_id.0,
                subject: subject.clone(),
                source: super::render::word(lang, "recovery.source", t.source.as_str()),
                rating: t.rating,
                owner: name(t.owner_id, lang.text("ticket.nobody")),
                lead: name(t.lead_id, lang.text("event.the_admins")),
                due,
                due_iso,
                overdue: t.outcome.is_none() && t.due_at.0 < now.0,
                words: t.words.clone(),
                outcome: t
                    .outcome
                    .map(|o| super::render::word(lang, "recovery.outcome", o.as_str()).to_string()),
                follow_up: t.follow_up.clone().unwrap_or_default(),
                closed_by: name(t.closed_by, lang.text("recovery.someone")),
            }
        })
        .collect();
    let template = RecoveryPage {
        chrome: agent.chrome,
        tasks,
    };
    Ok(page(StatusCode::OK, &template))
}

/// What the follow-up form sends.
#[derive(Deserialize)]
pub struct FollowUpForm {
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    note: String,
}

/// Records a follow-up, then shows the list again.
pub async fn recovery_follow_up(
    State(s): State<AppState>,
    agent: AgentPage,
    Id(id): Id,
    Form(form): Form<FollowUpForm>,
) -> Result<Response, PageError> {
    let outcome = form
        .outcome
        .parse::<RecoveryOutcome>()
        .map_err(|_| AppError::invalid("outcome", rapport_app::msg!("error.page.outcome")))?;
    s.app
        .follow_up_recovery(&agent.caller, id, outcome, &form.note)
        .await?;
    Ok(Redirect::to("/app/recovery").into_response())
}
