//! The reply coach for the workspace and integrations.

use crate::error::ErrorBody;
use crate::extract::{Auth, Json};
use crate::guard::Refusal;
use crate::state::AppState;
use axum::extract::State;
use rapport_app::coaching::GivenContext;
use rapport_core::TicketId;
use serde::Deserialize;
use utoipa::ToSchema;

/// A draft to check, against a ticket's conversation and/or given context.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CoachIn {
    /// The draft reply.
    pub draft: String,
    /// Read the customer's name, latest message and earlier replies from this ticket.
    pub ticket_id: Option<i64>,
    /// The customer's name (overrides the ticket's).
    pub customer_name: Option<String>,
    /// The customer's message (overrides the ticket's).
    pub customer_message: Option<String>,
    /// Earlier or canned replies to compare with (form letters).
    #[serde(default)]
    pub earlier_replies: Vec<String>,
}

/// Check a draft reply: findings with byte spans, explanations and
/// suggestions (the English `suggestion`, and `suggestion_code`: the fixed
/// advice's stable code, `coach.suggest.<code>` in the catalogues, or null
/// for wording built from the draft such as "Hi Ann,"); promises with due
/// times; a politeness score.
#[utoipa::path(post, path = "/api/v1/coach", tag = "coach", security(("bearer" = [])), request_body = CoachIn,
    responses((status = 200, description = "{findings: [{check, severity, span: {start, end}, explanation, suggestion, suggestion_code}], promises: [{span, text, due, vague}], politeness}", body = Object),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn coach(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Json(body): Json<CoachIn>,
) -> Result<axum::Json<serde_json::Value>, Refusal> {
    if body.draft.len() > rapport_app::tickets::MAX_BODY_BYTES {
        return Err(crate::error::ApiError::field("draft", "is too long").into());
    }
    let given = GivenContext {
        customer_name: body.customer_name,
        customer_message: body.customer_message,
        earlier_replies: body.earlier_replies,
    };
    let review = s
        .app
        .coach(&caller, &body.draft, body.ticket_id.map(TicketId), given)
        .await?;
    Ok(axum::Json(
        serde_json::to_value(&review).unwrap_or_default(),
    ))
}
