//! Extractors that turn every bad request into the one error shape.

use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use rapport_app::Caller;
use rapport_core::check_text;
use rapport_core::text::normalize_newlines;
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
///
/// Every string in the body (and every key) passes the text rule of
/// [`rapport_core::text`] before the body is read into `T`: a control
/// character other than tab and line feed is a 422 naming the field by its
/// path (`identities[0].value`), and CRLF line breaks are stored as LF. This
/// is the one place the rule is enforced for the API, so no handler can
/// forget it and both databases store the same text.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let axum::Json(mut value) = axum::Json::<serde_json::Value>::from_request(req, state)
            .await
            .map_err(json_rejection)?;
        let mut path = String::new();
        clean_strings(&mut value, &mut path)?;
        serde_path_to_error::deserialize(value)
            .map(Json)
            .map_err(|e| {
                let path = e.path().to_string();
                let text = if path == "." {
                    e.inner().to_string()
                } else {
                    format!("{path}: {}", e.inner())
                };
                ApiError {
                    field: Some(path).filter(|p| p != ".").or_else(|| field_of(&text)),
                    ..ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", text)
                }
            })
    }
}

/// Applies the text rule to every string and key of a JSON value, turning
/// CRLF into LF; `path` is where the walk is, as serde_path_to_error writes it.
fn clean_strings(value: &mut serde_json::Value, path: &mut String) -> Result<(), ApiError> {
    use serde_json::Value;
    match value {
        Value::String(text) => {
            check_text_at(text, path)?;
            if let std::borrow::Cow::Owned(normal) = normalize_newlines(text) {
                *text = normal;
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                clean_strings(item, path)?;
                path.truncate(len);
            }
        }
        Value::Object(fields) => {
            for (key, item) in fields.iter_mut() {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(&key.escape_debug().to_string());
                check_text_at(key, path)?;
                clean_strings(item, path)?;
                path.truncate(len);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
    Ok(())
}

fn check_text_at(text: &str, field: &str) -> Result<(), ApiError> {
    check_text(text).map_err(|message| {
        let field = if field.is_empty() { "body" } else { field };
        ApiError::field(field, message)
    })
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

/// Query parameters; a bad one is a 422 naming it, and so is one holding a
/// control character (the text rule of [`rapport_core::text`]; no line
/// breaks either, a query parameter is one line).
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if let Ok(axum::extract::Query(pairs)) =
            axum::extract::Query::<Vec<(String, String)>>::try_from_uri(&parts.uri)
        {
            for (key, value) in &pairs {
                let field = key.escape_debug().to_string();
                check_text_at(key, &field)?;
                check_text_at(value, &field)?;
                if value.contains(['\n', '\r']) {
                    return Err(ApiError::field(&field, "must be one line"));
                }
            }
        }
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
