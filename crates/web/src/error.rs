//! The one JSON error shape every route answers with.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rapport_app::AppError;
use serde::Serialize;
use utoipa::ToSchema;

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// A machine-readable code, a sentence for people, and the field at fault.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable snake_case code, e.g. `not_found`, `invalid_field`, `handoff_note_required`.
    pub code: String,
    /// A sentence for people.
    pub message: String,
    /// The request field at fault, when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// For `coach_blocked`: the blocking findings (check, severity, span, explanation, suggestion).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<Object>>)]
    pub findings: Option<serde_json::Value>,
}

/// An error on its way to becoming a response.
#[derive(Debug)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable code.
    pub code: String,
    /// Sentence for people.
    pub message: String,
    /// Field at fault.
    pub field: Option<String>,
    /// Coach findings, for `coach_blocked`.
    pub findings: Option<serde_json::Value>,
}

impl ApiError {
    /// An error with no field.
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            code: code.into(),
            message: message.into(),
            field: None,
            findings: None,
        }
    }

    /// A 422 naming the field.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "invalid_field".into(),
            message: message.into(),
            field: Some(field.into()),
            findings: None,
        }
    }

    /// A 404.
    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("{what} not found"),
        )
    }
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        let status = match &error {
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Invalid { .. } | AppError::CoachBlocked(_) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            AppError::Conflict(_) | AppError::Refused(_) => StatusCode::CONFLICT,
            AppError::TooManyAttempts(_) | AppError::Throttled { .. } => {
                StatusCode::TOO_MANY_REQUESTS
            }
            AppError::Store(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let field = match &error {
            AppError::Invalid { field, .. } => Some((*field).to_string()),
            _ => None,
        };
        let message = match &error {
            AppError::Invalid { message, .. } => message.clone(),
            AppError::Store(_) | AppError::Internal(_) => {
                tracing::error!(%error, "request failed");
                "something went wrong on our side; it has been logged".into()
            }
            other => other.to_string(),
        };
        let findings = match &error {
            AppError::CoachBlocked(f) => serde_json::to_value(f).ok(),
            _ => None,
        };
        Self {
            status,
            code: error.code().into(),
            message,
            field,
            findings,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: self.message,
                field: self.field,
                findings: self.findings,
            },
        };
        (self.status, axum::Json(body)).into_response()
    }
}

/// What handlers return.
pub type ApiResult<T> = Result<T, ApiError>;
