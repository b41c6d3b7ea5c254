//! Files a customer sends through the portal (photos of damage, a receipt)
//! with a new request or an answer: checked against the limits, stored in
//! the blob store before the transaction that records them on the message.

use crate::uploads::{MAX_FILE_NAME_CHARS, MAX_UPLOAD_BYTES, clean_file_name};
use crate::{App, AppError};
use rapport_store::NewAttachment;

/// The most files one portal message may carry.
pub const MAX_PORTAL_FILES: usize = 5;

/// A file from the portal's form, as the browser sent it.
#[derive(Debug, Clone)]
pub struct PortalFile {
    /// Its name on the customer's device.
    pub name: String,
    /// The type the browser gave it.
    pub content_type: String,
    /// Its bytes.
    pub data: bytes::Bytes,
}

/// A size for people: bytes, KB or MB.
fn size(bytes: usize) -> String {
    const KB: usize = 1024;
    if bytes < KB {
        format!("{bytes} bytes")
    } else if bytes < KB * KB {
        format!("{} KB", bytes.div_ceil(KB))
    } else {
        format!("{:.1} MB", bytes as f64 / (KB * KB) as f64)
    }
}

/// A MIME type of the plain `type/subtype` shape, lower-cased; anything
/// else is stored as a neutral `application/octet-stream`.
fn content_type(given: &str) -> String {
    let t = given
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let valid = t.split_once('/').is_some_and(|(a, b)| {
        !a.is_empty()
            && !b.is_empty()
            && t.len() <= 100
            && t.bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"/+-.".contains(&c))
    });
    if valid {
        t
    } else {
        "application/octet-stream".into()
    }
}

impl App {
    /// Checks a portal message's files (how many, how large, their names)
    /// and stores their bytes; returns what to record with the message.
    /// A form's empty file field (nothing chosen) is not a file.
    pub(crate) async fn store_portal_files(
        &self,
        files: Vec<PortalFile>,
    ) -> Result<Vec<NewAttachment>, AppError> {
        let files: Vec<PortalFile> = files
            .into_iter()
            .filter(|f| !(f.data.is_empty() && f.name.trim().is_empty()))
            .collect();
        if files.len() > MAX_PORTAL_FILES {
            return Err(AppError::invalid(
                "files",
                msg!(
                    "error.portal.files_count",
                    count = files.len(),
                    max = MAX_PORTAL_FILES
                ),
            ));
        }
        let mail = &self.config().mail;
        let each = MAX_UPLOAD_BYTES.min(mail.max_attachment_bytes);
        let total: usize = files.iter().map(|f| f.data.len()).sum();
        if total > mail.max_message_attachment_bytes {
            return Err(AppError::invalid(
                "files",
                msg!(
                    "error.portal.files_size",
                    size = size(total),
                    max = size(mail.max_message_attachment_bytes)
                ),
            ));
        }
        let mut checked = Vec::with_capacity(files.len());
        for file in files {
            let shown = clean_file_name(&file.name);
            if file.data.is_empty() {
                return Err(AppError::invalid(
                    "files",
                    msg!("error.portal.file_empty", name = shown),
                ));
            }
            if file.data.len() > each {
                return Err(AppError::invalid(
                    "files",
                    msg!(
                        "error.portal.file_size",
                        name = shown,
                        size = size(file.data.len()),
                        max = size(each)
                    ),
                ));
            }
            if file.name.chars().count() > MAX_FILE_NAME_CHARS {
                return Err(AppError::invalid(
                    "files",
                    msg!("error.uploads.name_chars", max = MAX_FILE_NAME_CHARS),
                ));
            }
            let name = if shown.is_empty() {
                "file".to_string()
            } else {
                shown
            };
            checked.push((name, content_type(&file.content_type), file.data));
        }
        let mut stored = Vec::with_capacity(checked.len());
        for (file_name, content_type, data) in checked {
            let size = data.len() as i64;
            let sha256 = self.sha256_off_workers(data.clone()).await?;
            self.blobs()
                .put_hashed(&sha256, data)
                .await
                .map_err(|e| AppError::Internal(e.to_string()))?;
            stored.push(NewAttachment {
                sha256,
                file_name,
                content_type,
                size,
                content_id: None,
                inline: false,
            });
        }
        Ok(stored)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn odd_content_types_become_neutral() {
        assert_eq!(content_type("image/JPEG"), "image/jpeg");
        assert_eq!(content_type("text/plain; charset=utf-8"), "text/plain");
        assert_eq!(content_type("<script>"), "application/octet-stream");
        assert_eq!(content_type(""), "application/octet-stream");
    }

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(size(1000), "1000 bytes");
        assert_eq!(size(1500), "2 KB");
        assert_eq!(size(10 * 1024 * 1024), "10.0 MB");
    }
}
