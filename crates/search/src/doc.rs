//! What the index holds about one ticket.

use crate::schema::Fields;
use tantivy::TantivyDocument;

/// One ticket as indexed, gathered by the store.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketDoc {
    /// The ticket's id.
    pub id: i64,
    /// Its subject.
    pub subject: String,
    /// Its status's stored name (`open`, …).
    pub status: String,
    /// Its team, if any.
    pub team_id: Option<i64>,
    /// Its owner, if any.
    pub owner_id: Option<i64>,
    /// Its customer.
    pub customer_id: i64,
    /// The customer's name.
    pub customer_name: String,
    /// The customer's addresses (email, phone, …).
    pub customer_addresses: Vec<String>,
    /// Its tags.
    pub tags: Vec<String>,
    /// Its messages in order.
    pub messages: Vec<MessageDoc>,
    /// The file names of the attachments the customer sees.
    pub attachments: Vec<String>,
    /// The file names of the attachments of internal notes.
    pub note_attachments: Vec<String>,
    /// When it was opened (UTC µs).
    pub created_at: i64,
    /// When it last changed (UTC µs).
    pub updated_at: i64,
    /// When its earliest running response target falls due (UTC µs), if
    /// a clock runs.
    pub due_at: Option<i64>,
}

/// One message of a ticket as indexed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageDoc {
    /// The sender's display name.
    pub sender_name: String,
    /// The sender's address, when known.
    pub sender_address: Option<String>,
    /// The visible text (no quoted history, no signature).
    pub text: String,
    /// An internal note: indexed apart, never searched for a customer.
    pub internal: bool,
}

/// The most text of one ticket that is indexed (bytes); past it a ticket's
/// later messages are left out, so one huge thread cannot bloat the index.
const MAX_BODY: usize = 256 * 1024;

impl TicketDoc {
    /// The tantivy document.
    pub(crate) fn to_document(&self, f: &Fields) -> TantivyDocument {
        let mut d = TantivyDocument::default();
        d.add_u64(f.id, self.id as u64);
        d.add_text(f.subject, &self.subject);
        let (body, notes) = self.texts();
        d.add_text(f.subject_pairs, &self.subject);
        d.add_text(f.body_pairs, &body);
        d.add_text(f.body, body);
        d.add_text(f.notes_pairs, &notes);
        d.add_text(f.notes, notes);
        for a in &self.note_attachments {
            d.add_text(f.notes, a);
        }
        for m in self.messages.iter().filter(|m| m.internal) {
            d.add_text(f.notes, &m.sender_name);
        }
        d.add_text(f.people, &self.customer_name);
        d.add_text(f.customer, &self.customer_name);
        for a in &self.customer_addresses {
            d.add_text(f.people, a);
            d.add_text(f.customer, a);
        }
        let mut senders: Vec<(&str, Option<&str>)> = self
            .messages
            .iter()
            .filter(|m| !m.internal)
            .map(|m| (m.sender_name.as_str(), m.sender_address.as_deref()))
            .collect();
        senders.sort_unstable();
        senders.dedup();
        for (name, address) in senders {
            if !name.is_empty() {
                d.add_text(f.people, name);
                d.add_text(f.from_name, name);
            }
            if let Some(a) = address {
                d.add_text(f.people, a);
                d.add_text(f.from_addr, a.to_lowercase());
            }
        }
        for t in &self.tags {
            d.add_text(f.extra, t);
            d.add_text(f.tag, t.to_lowercase());
        }
        for a in &self.attachments {
            d.add_text(f.extra, a);
        }
        d.add_text(f.status, &self.status);
        d.add_u64(f.team, self.team_id.unwrap_or(0) as u64);
        d.add_text(
            f.status_team,
            crate::schema::status_team_key(&self.status, self.team_id.unwrap_or(0)),
        );
        d.add_u64(f.owner, self.owner_id.unwrap_or(0) as u64);
        d.add_u64(f.customer_id, self.customer_id as u64);
        d.add_u64(f.has_attachment, u64::from(!self.attachments.is_empty()));
        d.add_i64(f.created_at, self.created_at);
        d.add_i64(f.updated_at, self.updated_at);
        d.add_i64(f.due_at, self.due_at.unwrap_or(crate::schema::NO_DUE));
        d
    }

    /// The public messages' text and the internal notes' text, each in
    /// order, together at most [`MAX_BODY`] bytes.
    fn texts(&self) -> (String, String) {
        let (mut body, mut notes) = (String::new(), String::new());
        for m in &self.messages {
            if body.len() + notes.len() + m.text.len() > MAX_BODY {
                break;
            }
            let text = if m.internal { &mut notes } else { &mut body };
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            text.push_str(&m.text);
        }
        (body, notes)
    }
}
