//! Files agents attach to replies and notes: uploaded first (content-addressed
//! in the blob store), then named by id when the message is sent. An upload
//! is visible only to its uploader until it is sent with a message; then
//! whoever may read the ticket may download it.

use crate::{App, AppError, Caller, Principal};
use rapport_core::Permission;
use rapport_store::{AttachmentRecord, NewAttachment};

/// The largest upload accepted, in bytes.
pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;
/// The most files one message may carry.
pub const MAX_FILES_PER_MESSAGE: usize = 20;
/// The longest file name an upload may have, in characters.
pub const MAX_FILE_NAME_CHARS: usize = 200;

/// A file name safe to store and offer for download: no path separators or
/// control characters, no leading dots, at most [`MAX_FILE_NAME_CHARS`]
/// characters (may be empty).
pub(crate) fn clean_file_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '/' | '\\'))
        .take(MAX_FILE_NAME_CHARS)
        .collect();
    cleaned.trim().trim_start_matches('.').to_string()
}

impl App {
    /// Stores an agent's upload for a later reply or note.
    pub async fn upload(
        &self,
        caller: &Caller,
        file_name: &str,
        content_type: &str,
        data: bytes::Bytes,
    ) -> Result<AttachmentRecord, AppError> {
        caller.require(Permission::Work, "upload files")?;
        let limit = MAX_UPLOAD_BYTES.min(self.config().mail.max_attachment_bytes);
        if data.len() > limit {
            return Err(AppError::invalid(
                "file",
                msg!("error.uploads.too_big", size = data.len(), max = limit),
            ));
        }
        if data.is_empty() {
            return Err(AppError::invalid("file", msg!("error.uploads.empty")));
        }
        if file_name.chars().count() > MAX_FILE_NAME_CHARS {
            return Err(AppError::invalid(
                "name",
                msg!("error.uploads.name_chars", max = MAX_FILE_NAME_CHARS),
            ));
        }
        let name = clean_file_name(file_name);
        if name.is_empty() {
            return Err(AppError::invalid("name", msg!("error.uploads.no_name")));
        }
        let content_type = content_type.trim().to_ascii_lowercase();
        let valid_type = content_type.split_once('/').is_some_and(|(a, b)| {
            !a.is_empty()
                && !b.is_empty()
                && content_type.len() <= 100
                && content_type
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || b"/+-.".contains(&c))
        });
        if !valid_type {
            return Err(AppError::invalid(
                "content-type",
                msg!("error.uploads.mime"),
            ));
        }
        let size = data.len() as i64;
        let sha256 = self.sha256_off_workers(data.clone()).await?;
        self.blobs()
            .put_hashed(&sha256, data)
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let file = NewAttachment {
            sha256,
            file_name: name,
            content_type,
            size,
            content_id: None,
            inline: false,
        };
        Ok(self.store().insert_upload(caller.agent_id, &file).await?)
    }

    /// The SHA-256 of bytes, computed on the CPU pool.
    pub(crate) async fn sha256_off_workers(&self, data: bytes::Bytes) -> Result<String, AppError> {
        self.cpu()
            .run(None, move || rapport_core::hex::sha256(&data))
            .await
            .map_err(|e| AppError::Internal(format!("hashing an upload: {e}")))
    }

    /// The caller's own unsent uploads, in the order named; refuses others.
    pub(crate) async fn own_uploads(
        &self,
        caller: &Caller,
        ids: &[i64],
    ) -> Result<Vec<AttachmentRecord>, AppError> {
        if ids.len() > MAX_FILES_PER_MESSAGE {
            return Err(AppError::invalid(
                "attachment_ids",
                msg!("error.uploads.per_message", max = MAX_FILES_PER_MESSAGE),
            ));
        }
        let mut unique = ids.to_vec();
        unique.sort_unstable();
        unique.dedup();
        if unique.len() != ids.len() {
            return Err(AppError::invalid(
                "attachment_ids",
                msg!("error.uploads.twice"),
            ));
        }
        let found = self.store().attachments_by_id(ids).await?;
        for id in ids {
            let ok = found.iter().any(|a| {
                a.id == *id && a.uploaded_by == Some(caller.agent_id) && a.message_ref.is_none()
            });
            if !ok {
                return Err(AppError::invalid(
                    "attachment_ids",
                    msg!("error.uploads.unknown", id = id),
                ));
            }
        }
        Ok(found)
    }

    /// An attachment's record and bytes. For an agent, an upload not yet
    /// sent is another agent's private draft: for them it does not exist.
    /// A customer gets only a file on a public message of their own ticket;
    /// any other is not found.
    pub async fn attachment(
        &self,
        who: &Principal,
        id: i64,
    ) -> Result<(AttachmentRecord, Vec<u8>), AppError> {
        let record = match who {
            Principal::Agent(_) => {
                let caller = who.agent(Permission::Read, "download attachments")?;
                let record = self.store().attachment(id).await?;
                if record.message_ref.is_none() && record.uploaded_by != Some(caller.agent_id) {
                    return Err(AppError::NotFound("attachment"));
                }
                record
            }
            Principal::Customer(customer) => self.customer_file(*customer, id).await?,
        };
        let data = self
            .blobs()
            .get(&record.file.sha256)
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        Ok((record, data))
    }
}
