//! Extractors that turn every bad request into the one error shape.

use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use rapport_app::Caller;
use serde::de::DeserializeOwned;

/// A raw request body (mail, a file) with a size limit set on its route;
/// too large is a 413 naming the limit, in the one error shape.
pub fn raw_body(
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
    what: &str,
    max: usize,
) -> Result<axum::body::Bytes, ApiError> {
    body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("{what} may have at most {max} bytes"),
            )
        } else {
            ApiError::new(e.status(), "bad_request", e.body_text())
        }
    })
}

/// A JSON body; malformed JSON is a 400, a wrong field a 422 naming it,
/// a wrong content type a 415 and an oversized body a 413.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Json(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> ApiError {
    match rejection {
        JsonRejection::JsonDataError(e) => {
            let text = e.body_text();
            ApiError {
                field: field_of(&text),
                ..ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", text)
            }
        }
        JsonRejection::JsonSyntaxError(e) => {
            ApiError::new(StatusCode::BAD_REQUEST, "invalid_json", e.body_text())
        }
        JsonRejection::MissingJsonContentType(_) => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the body as JSON with Content-Type: application/json",
        ),
        other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "the request body is larger than 1 MiB",
        ),
        other => ApiError::new(other.status(), "bad_request", other.body_text()),
    }
}

/// Finds the field serde complained about: "missing field `x`", "unknown
/// field `x`", or the path before ": invalid type".
fn field_of(message: &str) -> Option<String> {
    if let Some(start) = message.find('`') {
        let rest = &message[start + 1..];
        if let Some(end) = rest.find('`') {
            let before = &message[..start];
            if before.ends_with("missing field ") || before.ends_with("unknown field ") {
                return Some(rest[..end].to_string());
            }
        }
    }
    let body = message.split_once(": ").map(|(_, b)| b).unwrap_or(message);
    let path = body.split(':').next()?.trim();
    (!path.is_empty() && !path.contains(' ')).then(|| path.to_string())
}

/// Query parameters; a bad one is a 422 naming it.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Query(value)),
            Err(QueryRejection::FailedToDeserializeQueryString(e)) => {
                let text = e.body_text();
                Err(ApiError {
                    field: field_of(&text),
                    ..ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", text)
                })
            }
            Err(other) => Err(ApiError::new(
                other.status(),
                "bad_request",
                other.body_text(),
            )),
        }
    }
}

/// A numeric id in the path; anything else is a 404, as no such record exists.
pub struct Id(pub i64);

/// The values of the `{...}` segments of the matched route.
fn path_segments(parts: &Parts) -> Vec<&str> {
    let route = parts
        .extensions
        .get::<axum::extract::MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_default();
    let route_parts: Vec<&str> = route.split('/').collect();
    parts
        .uri
        .path()
        .split('/')
        .enumerate()
        .filter(|(i, _)| route_parts.get(*i).is_some_and(|r| r.starts_with('{')))
        .map(|(_, v)| v)
        .collect()
}

fn parse_id(text: &str) -> Result<i64, ApiError> {
    text.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| ApiError::not_found("record"))
}

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match path_segments(parts).as_slice() {
            [one] => Ok(Id(parse_id(one)?)),
            _ => Err(ApiError::not_found("record")),
        }
    }
}

/// The authenticated caller, from `Authorization: Bearer <token>`.
pub struct Auth(pub Caller);

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let Some(token) = header.strip_prefix("Bearer ").map(str::trim) else {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "send a token as Authorization: Bearer <token> (log in at POST /api/v1/auth/login)",
            ));
        };
        let caller = state.app.authenticate(token).await?;
        tracing::Span::current().record("agent", caller.agent_id.0);
        Ok(Auth(caller))
    }
}

#[cfg(test)]
mod tests {
    use super::field_of;

    #[test]
    fn finds_the_field_in_serde_messages() {
        assert_eq!(
            field_of(
                "Failed to deserialize the JSON body into the target type: missing field `subject` at line 1 column 2"
            ),
            Some("subject".into())
        );
        assert_eq!(
            field_of(
                "Failed to deserialize the JSON body into the target type: unknown field `colour`, expected one of"
            ),
            Some("colour".into())
        );
        assert_eq!(
            field_of(
                "Failed to deserialize the JSON body into the target type: priority: unknown variant `huge`"
            ),
            Some("priority".into())
        );
    }
}
