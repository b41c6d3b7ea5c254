//! The one JSON error shape every route answers with.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rapport_app::{AppError, Msg};
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
    /// For `coach_blocked`: the blocking findings (check, severity, span, explanation, suggestion, suggestion_code).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<Object>>)]
    pub findings: Option<serde_json::Value>,
    /// For `ticket_changed`: the messages written since the one the sender had seen.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<Object>>)]
    pub newer_messages: Option<serde_json::Value>,
    /// For `ticket_changed`: colleagues' replies in their undo window that
    /// the sender was not shown (each leaves unless its sender undoes it).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<Object>>)]
    pub pending_replies: Option<serde_json::Value>,
    /// For `bad_query`: the bytes `[start, end)` of the query at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<[u32; 2]>,
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
    pub findings: Option<Box<serde_json::Value>>,
    /// The newer messages, for `ticket_changed` (boxed: errors stay small).
    pub newer_messages: Option<Box<serde_json::Value>>,
    /// Colleagues' held replies, for `ticket_changed`.
    pub pending_replies: Option<Box<serde_json::Value>>,
    /// The bytes of a search query at fault, for `bad_query`.
    pub span: Option<Box<[u32; 2]>>,
    /// The sentence as the catalogues word it, for pages in the reader's
    /// language (`message` is its English text).
    pub sentence: Option<Box<Msg>>,
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
            newer_messages: None,
            pending_replies: None,
            span: None,
            sentence: None,
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
            newer_messages: None,
            pending_replies: None,
            span: None,
            sentence: None,
        }
    }

    /// A 422 naming the field, its sentence from the catalogues.
    pub fn refusal(field: &str, message: Msg) -> Self {
        let mut error = Self::field(field, message.to_string());
        error.sentence = Some(Box::new(message));
        error
    }

    /// A 404.
    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("{what} not found"),
        )
    }

    /// The error for a bare status that axum or hyper produced without a body:
    /// a stable code and a sentence for each.
    pub fn for_status(status: StatusCode) -> Self {
        let (code, message) = match status.as_u16() {
            400 => (
                "bad_request",
                "the request is not valid HTTP (a space or control character in the URL, or a malformed header?); percent-encode what the URL carries",
            ),
            404 => ("not_found", "route not found"),
            405 => ("method_not_allowed", "this route does not take that method"),
            408 => ("request_timeout", "the request took too long to arrive"),
            413 => ("payload_too_large", "the request body is too large"),
            414 => ("uri_too_long", "the URL is too long"),
            415 => (
                "unsupported_media_type",
                "this content type is not accepted here",
            ),
            431 => ("headers_too_large", "the request headers are too large"),
            503 => (
                "unavailable",
                "the service is unavailable; try again shortly",
            ),
            s if s >= 500 => ("internal_error", "something went wrong on our side"),
            _ => ("bad_request", "the request was refused"),
        };
        Self::new(status, code, message)
    }

    /// The JSON body of this error.
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: self.code.clone(),
                message: self.message.clone(),
                field: self.field.clone(),
                findings: self.findings.as_deref().cloned(),
                newer_messages: self.newer_messages.as_deref().cloned(),
                pending_replies: self.pending_replies.as_deref().cloned(),
                span: self.span.as_deref().copied(),
            },
        }
    }
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        let status = match &error {
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Gone(_) => StatusCode::GONE,
            AppError::Invalid { .. } | AppError::CoachBlocked(_) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            AppError::Conflict(_) | AppError::Refused(_) | AppError::Collided(_) => {
                StatusCode::CONFLICT
            }
            AppError::TooManyAttempts(_) | AppError::Throttled { .. } => {
                StatusCode::TOO_MANY_REQUESTS
            }
            AppError::BadQuery { .. } => StatusCode::BAD_REQUEST,
            AppError::Unavailable(_) | AppError::Search(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Store(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let field = match &error {
            AppError::Invalid { field, .. } => Some((*field).to_string()),
            _ => None,
        };
        let sentence = error.sentence().map(Box::new);
        let message = match &error {
            AppError::Invalid { message, .. } => message.to_string(),
            AppError::Store(_) | AppError::Internal(_) => {
                tracing::error!(%error, "request failed");
                "something went wrong on our side; it has been logged".into()
            }
            AppError::Unavailable(_) => {
                tracing::error!(%error, "request failed: the database is unavailable");
                "the database is unavailable; nothing was changed, try again shortly".into()
            }
            other => other.to_string(),
        };
        let findings = match &error {
            AppError::CoachBlocked(f) => serde_json::to_value(f).ok().map(Box::new),
            _ => None,
        };
        let (newer_messages, pending_replies) = match &error {
            AppError::Collided(collision) => (
                serde_json::to_value(
                    collision
                        .newer
                        .iter()
                        .map(crate::api::types::MessageOut::from)
                        .collect::<Vec<_>>(),
                )
                .ok()
                .map(Box::new),
                serde_json::to_value(
                    collision
                        .pending
                        .iter()
                        .map(PendingReplyOut::from)
                        .collect::<Vec<_>>(),
                )
                .ok()
                .map(Box::new),
            ),
            _ => (None, None),
        };
        let span = match &error {
            AppError::BadQuery { start, end, .. } => Some(Box::new(
                [*start, *end].map(|b| u32::try_from(b).unwrap_or(u32::MAX)),
            )),
            _ => None,
        };
        Self {
            status,
            code: error.code().into(),
            message,
            field,
            findings,
            newer_messages,
            pending_replies,
            span,
            sentence,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, axum::Json(self.body())).into_response();
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("5"),
            );
        }
        response
    }
}

/// What handlers return.
pub type ApiResult<T> = Result<T, ApiError>;

/// The most header bytes a request may carry; more is a 431.
pub const MAX_HEADER_BYTES: usize = 64 * 1024;

/// The longest URL (path and query) accepted, in bytes; longer is a 414.
pub const MAX_URI_BYTES: usize = 8 * 1024;

/// The middleware that keeps the one error shape for what no handler
/// answers: a URL longer than [`MAX_URI_BYTES`] is a 414 before routing (a
/// 431 for headers over [`MAX_HEADER_BYTES`]; both the error page for a
/// page's address or a browser asking for HTML), and
/// an error response that axum made itself without a body (a 405 with its
/// `Allow` header, a 404 of a method router) gets the JSON body of its
/// status, its headers kept.
pub async fn shape_errors(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let uri_len = request
        .uri()
        .path_and_query()
        .map_or(0, |pq| pq.as_str().len());
    let page = crate::pages::rejections::wants_page(request.uri(), request.headers());
    if uri_len > MAX_URI_BYTES {
        if page {
            return crate::pages::rejections::refused_page(
                StatusCode::URI_TOO_LONG,
                request.headers(),
            );
        }
        return ApiError::new(
            StatusCode::URI_TOO_LONG,
            "uri_too_long",
            format!("the URL has {uri_len} bytes; at most {MAX_URI_BYTES} are accepted"),
        )
        .into_response();
    }
    // hyper refuses a header block over its buffer only when it arrives in
    // pieces; one that arrives at once gets through, so the bound is ours.
    let header_bytes: usize = request
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum();
    if header_bytes > MAX_HEADER_BYTES {
        if page {
            return crate::pages::rejections::refused_page(
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                request.headers(),
            );
        }
        return ApiError::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "headers_too_large",
            format!("the request headers have {header_bytes} bytes; at most {MAX_HEADER_BYTES} are accepted"),
        )
        .into_response();
    }
    let method = request.method().clone();
    let response = next.run(request).await;
    let status = response.status();
    let bare = (status.is_client_error() || status.is_server_error())
        && !response
            .headers()
            .contains_key(axum::http::header::CONTENT_TYPE)
        && axum::body::HttpBody::size_hint(response.body()).exact() == Some(0);
    if !bare {
        return response;
    }
    let mut error = ApiError::for_status(status);
    if status == StatusCode::METHOD_NOT_ALLOWED {
        let allowed = response
            .headers()
            .get(axum::http::header::ALLOW)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        error.message = format!("this route does not take {method}; it takes {allowed}");
    }
    let (mut parts, _) = response.into_parts();
    let shaped = error.into_response();
    parts
        .headers
        .extend(shaped.headers().iter().map(|(k, v)| (k.clone(), v.clone())));
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    Response::from_parts(parts, shaped.into_body())
}

/// A colleague's reply held for undo send, as a stopped sender sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PendingReplyOut {
    /// The held reply's id (send `seen_held_reply_id` at least this to send anyway).
    pub id: i64,
    /// Its sender.
    pub agent_id: i64,
    /// The text.
    pub body_text: String,
    /// When it leaves unless its sender undoes it.
    pub release_at: String,
}

impl From<&rapport_app::undo_send::HeldReply> for PendingReplyOut {
    fn from(h: &rapport_app::undo_send::HeldReply) -> Self {
        Self {
            id: h.id,
            agent_id: h.agent_id.0,
            body_text: h.body.clone(),
            release_at: h.release_at.to_string(),
        }
    }
}
