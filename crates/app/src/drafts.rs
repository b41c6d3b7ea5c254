//! Reply drafts kept on the server as the agent types: one per agent and
//! ticket, restored when the ticket is opened again, deleted by the send.

use crate::{App, AppError, Caller};
use rapport_core::{Permission, TicketId, Timestamp};

/// The longest draft kept (the longest reply, in bytes).
pub const MAX_DRAFT_BYTES: usize = crate::tickets::MAX_BODY_BYTES;

impl App {
    /// Saves the caller's draft reply on a ticket; an empty one is deleted.
    pub async fn save_draft(
        &self,
        caller: &Caller,
        ticket: TicketId,
        body: &str,
    ) -> Result<(), AppError> {
        caller.require(Permission::Work, "write replies")?;
        if body.len() > MAX_DRAFT_BYTES {
            return Err(AppError::invalid(
                "body",
                msg!("error.field.max_bytes", max = MAX_DRAFT_BYTES),
            ));
        }
        self.store().ticket(ticket).await?;
        if body.trim().is_empty() {
            self.store().delete_draft(ticket, caller.agent_id).await?;
        } else {
            self.store()
                .save_draft(ticket, caller.agent_id, body, Timestamp::now())
                .await?;
        }
        Ok(())
    }

    /// The caller's saved draft on a ticket, if any.
    pub async fn draft(
        &self,
        caller: &Caller,
        ticket: TicketId,
    ) -> Result<Option<String>, AppError> {
        caller.require(Permission::Read, "read drafts")?;
        Ok(self
            .store()
            .draft(ticket, caller.agent_id)
            .await?
            .map(|(body, _)| body))
    }
}
