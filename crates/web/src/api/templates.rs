//! Mail templates: the acknowledgment and canned replies.

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Auth, Json, Query};
use crate::state::AppState;
use axum::extract::{Path, State};
use rapport_app::TemplateRecord;
use rapport_app::i18n::Lang;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A stored template.
#[derive(Debug, Serialize, ToSchema)]
pub struct TemplateOut {
    /// `acknowledgment`, or a canned reply's name.
    pub name: String,
    /// Its language (`en`, `de`): one template per name and language.
    pub language: String,
    /// Subject (minijinja).
    pub subject: String,
    /// Body (minijinja).
    pub body: String,
    /// Why it was saved despite blocking coach findings.
    pub override_reason: Option<String>,
    /// Who saved it last.
    pub updated_by: Option<i64>,
    /// RFC 3339, UTC.
    pub updated_at: String,
}

impl From<&TemplateRecord> for TemplateOut {
    fn from(t: &TemplateRecord) -> Self {
        Self {
            name: t.name.clone(),
            language: t.language.clone(),
            subject: t.subject.clone(),
            body: t.body.clone(),
            override_reason: t.override_reason.clone(),
            updated_by: t.updated_by.map(|a| a.0),
            updated_at: t.updated_at.to_string(),
        }
    }
}

/// A template to save.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateIn {
    /// Subject (minijinja).
    pub subject: String,
    /// Body (minijinja). Variables: customer_name, customer_first_name,
    /// agent_name, ticket_number, ticket_tag, subject, business_name; for the
    /// acknowledgment response_by ("Tuesday 10:00 (Berlin time)": when a
    /// person will have answered, from the default calendar), open_now
    /// (true/false), opens_at (when the desk opens next) and response_target
    /// ("by " and response_by).
    pub body: String,
    /// Save despite blocking coach findings; the reason is kept.
    pub override_reason: Option<String>,
    /// Its language (`en` when absent; `de`). The coach reads English
    /// only: another language gets the render and variable checks alone.
    pub language: Option<String>,
}

/// Which language's template.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct LanguageQuery {
    /// `en` (the default) or `de`.
    pub language: Option<String>,
}

/// A language code from a request; absent: English; unknown: 422.
fn lang(code: Option<&str>) -> Result<Lang, ApiError> {
    Ok(Lang::parse_setting("language", code.unwrap_or(""))
        .map_err(ApiError::from)?
        .unwrap_or_default())
}

/// A saved template with its sample rendering and coach findings.
#[derive(Debug, Serialize, ToSchema)]
pub struct SavedTemplateOut {
    /// The stored template.
    pub template: TemplateOut,
    /// The subject rendered with sample values.
    pub sample_subject: String,
    /// The body rendered with sample values.
    pub sample_body: String,
    /// The coach's findings on the sample.
    #[schema(value_type = Vec<Object>)]
    pub findings: serde_json::Value,
}

/// Every template.
#[utoipa::path(get, path = "/api/v1/templates", tag = "templates", security(("bearer" = [])),
    responses((status = 200, body = Vec<TemplateOut>), (status = 401, body = ErrorBody)))]
pub async fn list_templates(
    State(s): State<AppState>,
    Auth(caller): Auth,
) -> ApiResult<axum::Json<Vec<TemplateOut>>> {
    Ok(axum::Json(
        s.app
            .templates(&caller)
            .await?
            .iter()
            .map(Into::into)
            .collect(),
    ))
}

/// One template.
#[utoipa::path(get, path = "/api/v1/templates/{name}", tag = "templates", security(("bearer" = [])),
    params(("name" = String, Path), LanguageQuery), responses((status = 200, body = TemplateOut), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn get_template(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Path(name): Path<String>,
    Query(query): Query<LanguageQuery>,
) -> ApiResult<axum::Json<TemplateOut>> {
    let lang = lang(query.language.as_deref())?;
    Ok(axum::Json(
        (&s.app.template(&caller, &name, lang).await?).into(),
    ))
}

/// Save a template (leads and admins): it must render in the sandbox, the
/// acknowledgment must give the ticket number and response_by, canned
/// replies must be personalised, and the rendered text passes the reply coach.
#[utoipa::path(put, path = "/api/v1/templates/{name}", tag = "templates", security(("bearer" = [])), request_body = TemplateIn,
    params(("name" = String, Path)),
    responses((status = 200, body = SavedTemplateOut), (status = 403, body = ErrorBody),
        (status = 422, description = "does not parse or render, misses a required variable, or coach_blocked", body = ErrorBody)))]
pub async fn put_template(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Path(name): Path<String>,
    Json(body): Json<TemplateIn>,
) -> ApiResult<axum::Json<SavedTemplateOut>> {
    let lang = lang(body.language.as_deref())?;
    let saved = s
        .app
        .save_template(
            &caller,
            (&name, lang),
            &body.subject,
            &body.body,
            body.override_reason.as_deref(),
        )
        .await
        .map_err(ApiError::from)?;
    Ok(axum::Json(SavedTemplateOut {
        template: (&saved.record).into(),
        sample_subject: saved.sample_subject,
        sample_body: saved.sample_body,
        findings: serde_json::to_value(&saved.findings).unwrap_or_default(),
    }))
}
