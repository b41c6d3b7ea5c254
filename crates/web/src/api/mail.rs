//! Attachments (upload for replies, download of any ticket's files), the mail
//! a ticket sent with its delivery state, and reading and releasing
//! quarantined mail.

use super::inbound::IngestOut;
use super::types::{AttachmentOut, MailOut};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Auth, Id, Query, raw_body};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rapport_app::Principal;
use rapport_core::TicketId;
use serde::Deserialize;
use utoipa::IntoParams;

/// The largest upload accepted over HTTP.
pub const MAX_UPLOAD_BYTES: usize = rapport_app::uploads::MAX_UPLOAD_BYTES;

/// Upload parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct UploadQuery {
    /// The file name the customer will see.
    pub name: String,
}

/// Upload a file (raw bytes as the body, its MIME type as Content-Type, up
/// to 10 MiB) to attach to a reply or note with `attachment_ids`.
#[utoipa::path(post, path = "/api/v1/attachments", tag = "attachments", security(("bearer" = [])), params(UploadQuery),
    request_body(content = String, content_type = "application/octet-stream"),
    responses((status = 201, body = AttachmentOut), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn upload(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Query(q): Query<UploadQuery>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<(StatusCode, axum::Json<AttachmentOut>)> {
    let bytes = raw_body(body, "a file", MAX_UPLOAD_BYTES)?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or(v).trim().to_string())
        .unwrap_or_else(|| "application/octet-stream".into());
    let record = s.app.upload(&caller, &q.name, &content_type, bytes).await?;
    Ok((StatusCode::CREATED, axum::Json((&record).into())))
}

/// Types a browser may show inline; anything else downloads as bytes.
pub(crate) fn safe_type(content_type: &str) -> &str {
    const SAFE: &[&str] = &[
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "application/pdf",
        "text/plain",
    ];
    if SAFE.contains(&content_type) {
        content_type
    } else {
        "application/octet-stream"
    }
}

/// Download an attachment's bytes (always as a download, sandboxed).
#[utoipa::path(get, path = "/api/v1/attachments/{id}", tag = "attachments", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, description = "the file", content_type = "application/octet-stream"), (status = 404, body = ErrorBody)))]
pub async fn download(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
) -> ApiResult<Response> {
    let (record, data) = s.app.attachment(&Principal::from(caller), id).await?;
    Ok(as_download(
        data.into_response(),
        safe_type(&record.file.content_type),
        &record.file.file_name,
    ))
}

/// The mail a ticket sent, with the delivery state of each.
#[utoipa::path(get, path = "/api/v1/tickets/{id}/mail", tag = "tickets", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = Vec<MailOut>), (status = 404, body = ErrorBody)))]
pub async fn ticket_mail(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
) -> ApiResult<axum::Json<Vec<MailOut>>> {
    let mail = s.app.ticket_mail(&caller, TicketId(id)).await?;
    Ok(axum::Json(mail.iter().map(Into::into).collect()))
}

/// The raw message as it arrived (admins), always as a download: to judge a
/// quarantined message before releasing it.
#[utoipa::path(get, path = "/api/v1/inbound/{id}/raw", tag = "inbound", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, description = "the raw RFC 5322 message", content_type = "message/rfc822"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn inbound_raw(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
) -> ApiResult<Response> {
    let raw = s.app.inbound_raw(&caller, id).await?;
    Ok(as_download(
        raw.into_response(),
        "message/rfc822",
        &format!("inbound-{id}.eml"),
    ))
}

/// `Content-Disposition` for a download (RFC 6266): an ASCII `filename`
/// for old clients and, when the name is not plain ASCII, `filename*` with
/// the exact name in UTF-8 (RFC 8187), which every current browser prefers.
fn disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if (c.is_ascii_graphic() && c != '"' && c != '\\') || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if ascii == name {
        return format!("attachment; filename=\"{ascii}\"");
    }
    let mut encoded = String::with_capacity(name.len() * 3);
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// Marks a response as a sandboxed download of that type and file name.
pub(crate) fn as_download(mut response: Response, content_type: &str, name: &str) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    if let Ok(value) = HeaderValue::from_str(&disposition(name)) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    response
}

/// Process a quarantined message again (admins), e.g. once the loop guard's hour has passed.
#[utoipa::path(post, path = "/api/v1/inbound/{id}/retry", tag = "inbound", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = IngestOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn retry_inbound(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
) -> ApiResult<axum::Json<IngestOut>> {
    let outcome = s.app.retry_inbound(&caller, id).await?;
    Ok(axum::Json(outcome.into()))
}

#[cfg(test)]
mod tests {
    use super::disposition;

    #[test]
    fn non_ascii_download_names_use_filename_star() {
        assert_eq!(
            disposition("label.pdf"),
            "attachment; filename=\"label.pdf\""
        );
        assert_eq!(
            disposition("Rechnung März.pdf"),
            "attachment; filename=\"Rechnung M_rz.pdf\"; filename*=UTF-8''Rechnung%20M%C3%A4rz.pdf"
        );
        assert_eq!(
            disposition("a\"b.txt"),
            "attachment; filename=\"a_b.txt\"; filename*=UTF-8''a%22b.txt"
        );
    }
}
