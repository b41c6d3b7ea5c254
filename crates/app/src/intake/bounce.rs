//! Delivery reports: a note on the ticket of the message that bounced, and
//! a permanently failing address marked as bouncing. Never a new ticket.

use super::{IngestOutcome, storable};
use crate::{App, AppError};
use rapport_core::{IdentityKind, normalize_identity};
use rapport_mail::{Bounce, ParsedMail};
use rapport_store::WriteTx;

impl App {
    /// A delivery report: marks the failed addresses and notes it on the ticket.
    pub(super) async fn bounce(
        &self,
        tx: &mut WriteTx,
        mail: &ParsedMail,
        bounce: &Bounce,
    ) -> Result<IngestOutcome, AppError> {
        let kind = if bounce.permanent {
            "permanent"
        } else {
            "temporary"
        };
        let reason = format!("{kind} delivery failure");
        let mut ticket = None;
        if let Some(original) = &bounce.original_message_id {
            ticket = tx.outbox_bounced(original, &reason).await?;
            if ticket.is_none() {
                ticket = tx
                    .known_message_ids(std::slice::from_ref(original))
                    .await?
                    .first()
                    .map(|k| k.ticket);
            }
        }
        let mut marked = Vec::new();
        if bounce.permanent {
            for recipient in &bounce.recipients {
                if let Ok(address) = normalize_identity(IdentityKind::Email, recipient)
                    && tx.mark_bouncing(&address, &reason).await?
                {
                    marked.push(address);
                }
            }
        }
        if let Some(ticket) = ticket {
            let mut note = format!(
                "Delivery failed ({kind}) for: {}. Subject: {}",
                if bounce.recipients.is_empty() {
                    "unknown recipient".to_string()
                } else {
                    bounce.recipients.join(", ")
                },
                storable(&mail.subject)
            );
            if !marked.is_empty() {
                note.push_str(&format!(
                    "\n{} is now marked as bouncing: no acknowledgments go there until the customer writes from it again.",
                    marked.join(", ")
                ));
            }
            self.note_in(tx, ticket, &note).await?;
        }
        Ok(IngestOutcome::Bounce(ticket))
    }
}
