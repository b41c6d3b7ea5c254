//! The portal's forms that may carry files: read as `multipart/form-data`
//! (the browser's encoding when a file field is present) or, without files,
//! as an urlencoded form. Text fields by name; file fields as files.

use super::render::PageError;
use crate::error::ApiError;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{StatusCode, header};
use rapport_app::portal_files::PortalFile;
use std::collections::HashMap;

/// The request body a portal form with files may be (every file at its
/// limit plus the text), before the use case checks the configured limits.
pub const MAX_PORTAL_BODY_BYTES: usize = 32 * 1024 * 1024;
/// The longest text field read.
const MAX_TEXT_FIELD_BYTES: usize = 512 * 1024;

/// A portal form's text fields and files.
#[derive(Debug, Default)]
pub struct PortalForm {
    /// Text fields by name (the last one of a name wins).
    pub fields: HashMap<String, String>,
    /// Files from its file fields.
    pub files: Vec<PortalFile>,
}

impl PortalForm {
    /// A text field, or empty.
    pub fn text(&self, name: &str) -> String {
        self.fields.get(name).cloned().unwrap_or_default()
    }
}

fn refused(error: axum::extract::multipart::MultipartError) -> PageError {
    let status = error.status();
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::refusal(
            "files",
            rapport_app::msg!(
                "error.page.files_too_large",
                max = MAX_PORTAL_BODY_BYTES / (1024 * 1024)
            ),
        )
        .into()
    } else {
        ApiError::refusal(
            "files",
            rapport_app::msg!("error.page.unreadable", detail = error),
        )
        .into()
    }
}

impl<S: Send + Sync> FromRequest<S> for PortalForm {
    type Rejection = PageError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let multipart = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("multipart/form-data"));
        if !multipart {
            let axum::Form(fields) =
                axum::Form::<HashMap<String, String>>::from_request(request, state)
                    .await
                    .map_err(|e| ApiError::new(e.status(), "bad_request", e.body_text()))?;
            return Ok(Self {
                fields,
                files: Vec::new(),
            });
        }
        let mut parts = Multipart::from_request(request, state)
            .await
            .map_err(|e| ApiError::new(e.status(), "bad_request", e.body_text()))?;
        let mut form = Self::default();
        while let Some(field) = parts.next_field().await.map_err(refused)? {
            let name = field.name().unwrap_or_default().to_string();
            match field.file_name().map(str::to_string) {
                Some(file_name) => {
                    let content_type = field.content_type().unwrap_or_default().to_string();
                    let data = field.bytes().await.map_err(refused)?;
                    if data.is_empty() && file_name.is_empty() {
                        continue;
                    }
                    form.files.push(PortalFile {
                        name: file_name,
                        content_type,
                        data,
                    });
                }
                None => {
                    let text = field.text().await.map_err(refused)?;
                    if text.len() > MAX_TEXT_FIELD_BYTES {
                        return Err(ApiError::refusal(
                            &name,
                            rapport_app::msg!("error.page.too_long"),
                        )
                        .into());
                    }
                    form.fields.insert(name, text);
                }
            }
        }
        Ok(form)
    }
}
