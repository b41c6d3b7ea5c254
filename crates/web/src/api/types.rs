//! The JSON shapes of the API, documented in the OpenAPI document.

use rapport_app::{AgentRecord, CustomerRecord, MessageRecord, TeamRecord, TokenRecord};
use rapport_core::{Actor, Closure, Event, Ticket};
use serde::Serialize;
use utoipa::ToSchema;

/// A ticket.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketOut {
    /// Id, also the ticket number.
    pub id: i64,
    /// The number as shown to customers, e.g. `#1234`.
    pub number: String,
    /// What it is about.
    pub subject: String,
    /// new, open, pending, on_hold, solved or closed.
    pub status: String,
    /// low, normal, high or urgent.
    pub priority: String,
    /// email, portal, api, phone or social.
    pub channel: String,
    /// Who asked.
    pub customer_id: i64,
    /// Queue.
    pub team_id: Option<i64>,
    /// The one responsible agent.
    pub owner_id: Option<i64>,
    /// Labels.
    pub tags: Vec<String>,
    /// How often it was passed on (the runaround count).
    pub transfer_count: i64,
    /// Whether an agent has replied publicly.
    pub has_public_reply: bool,
    /// Why it was closed: `{kind: resolved|spam|duplicate, reason?, of?}`.
    #[schema(value_type = Option<Object>)]
    pub closure: Option<Closure>,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// RFC 3339, UTC.
    pub updated_at: String,
    /// Number of events applied.
    pub version: i64,
    /// When its earliest running response-target clock falls due (RFC 3339,
    /// UTC; lists only; absent when no clock runs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_at: Option<String>,
}

impl From<&Ticket> for TicketOut {
    fn from(t: &Ticket) -> Self {
        Self {
            id: t.id.0,
            number: format!("#{}", t.id.0),
            subject: t.subject.clone(),
            status: t.status.to_string(),
            priority: t.priority.to_string(),
            channel: t.channel.to_string(),
            customer_id: t.customer_id.0,
            team_id: t.team_id.map(|x| x.0),
            owner_id: t.owner_id.map(|x| x.0),
            tags: t.tags.clone(),
            transfer_count: t.transfer_count,
            has_public_reply: t.has_public_reply,
            due_at: None,
            closure: t.closure.clone(),
            created_at: t.created_at.to_string(),
            updated_at: t.updated_at.to_string(),
            version: t.version,
        }
    }
}

/// A message on a ticket.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessageOut {
    /// Id.
    pub id: i64,
    /// Ticket.
    pub ticket_id: i64,
    /// public or internal.
    pub kind: String,
    /// customer, agent or system.
    pub author_kind: String,
    /// The agent's or customer's id.
    pub author_id: Option<i64>,
    /// The agent who entered it for its author (a customer's words logged from a call).
    pub entered_by: Option<i64>,
    /// Text.
    pub body_text: String,
    /// Sanitized HTML, when there is some.
    pub body_html: Option<String>,
    /// RFC 3339, UTC.
    pub created_at: String,
}

impl From<&MessageRecord> for MessageOut {
    fn from(m: &MessageRecord) -> Self {
        Self {
            id: m.id.0,
            ticket_id: m.ticket_id.0,
            kind: m.kind.to_string(),
            author_kind: m.author_kind.to_string(),
            author_id: m.author_id,
            entered_by: m.entered_by.map(|a| a.0),
            body_text: m.body_text.clone(),
            body_html: m.body_html.clone(),
            created_at: m.created_at.to_string(),
        }
    }
}

/// One entry of a ticket's event log.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventOut {
    /// Position in the log.
    pub id: i64,
    /// Ticket.
    pub ticket_id: i64,
    /// agent, customer or system.
    pub actor_kind: String,
    /// The agent's or customer's id.
    pub actor_id: Option<i64>,
    /// RFC 3339, UTC.
    pub at: String,
    /// created, status_changed, assigned, transferred, replied, noted, customer_wrote, tagged,
    /// satisfaction_rated, recovery_opened, recovery_followed_up, review_imported, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// The event's fields (e.g. `from`/`to`, the hand-off `note`).
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

impl From<&Event> for EventOut {
    fn from(e: &Event) -> Self {
        let (actor_kind, actor_id) = match e.actor {
            Actor::Agent(a) => ("agent", Some(a.0)),
            Actor::Customer(c) => ("customer", Some(c.0)),
            Actor::System => ("system", None),
        };
        Self {
            id: e.id.0,
            ticket_id: e.ticket_id.0,
            actor_kind: actor_kind.into(),
            actor_id,
            at: e.at.to_string(),
            kind: e.kind.name().into(),
            data: serde_json::to_value(&e.kind).unwrap_or(serde_json::Value::Null),
        }
    }
}

/// A ticket after a change, with the events the change appended.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketChangeOut {
    /// The ticket now.
    pub ticket: TicketOut,
    /// What the change appended to the log.
    pub events: Vec<EventOut>,
    /// The message the change stored, if any.
    pub message: Option<MessageOut>,
}

impl From<&rapport_app::TicketChange> for TicketChangeOut {
    fn from(c: &rapport_app::TicketChange) -> Self {
        Self {
            ticket: (&c.ticket).into(),
            events: c.events.iter().map(Into::into).collect(),
            message: c.message.as_ref().map(Into::into),
        }
    }
}

/// A ticket with its conversation.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketDetailOut {
    /// The ticket.
    pub ticket: TicketOut,
    /// The first messages, oldest first (at most 100, and less than 4 MiB of text).
    pub messages: Vec<MessageOut>,
    /// Where `GET /tickets/{id}/messages?cursor=` continues; absent when all are here.
    pub messages_next_cursor: Option<String>,
    /// People copied on the ticket's mail besides the customer.
    pub participants: Vec<ParticipantOut>,
    /// The first files on the messages (at most 200; download at `/api/v1/attachments/{id}`).
    pub attachments: Vec<AttachmentOut>,
    /// Where `GET /tickets/{id}/attachments?cursor=` continues; absent when all are here.
    pub attachments_next_cursor: Option<String>,
    /// Mail sent for the ticket and whether it arrived.
    pub mail: Vec<MailOut>,
    /// Its response-target clocks, in the business time zone.
    pub clocks: Option<crate::api::sla::ClocksOut>,
}

impl From<&rapport_app::tickets::TicketView> for TicketDetailOut {
    fn from(v: &rapport_app::tickets::TicketView) -> Self {
        Self {
            ticket: (&v.ticket).into(),
            messages: v.messages.items.iter().map(Into::into).collect(),
            messages_next_cursor: v.messages.next_after.map(|n| n.to_string()),
            participants: v
                .participants
                .iter()
                .map(|(email, name)| ParticipantOut {
                    email: email.clone(),
                    name: name.clone(),
                })
                .collect(),
            attachments: v.attachments.items.iter().map(Into::into).collect(),
            attachments_next_cursor: v.attachments.next_after.map(|n| n.to_string()),
            mail: v.mail.iter().map(Into::into).collect(),
            clocks: None,
        }
    }
}

/// Someone copied on a ticket's mail.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParticipantOut {
    /// Address.
    pub email: String,
    /// Display name, if given.
    pub name: Option<String>,
}

/// A file on a message (or an upload waiting to be sent).
#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentOut {
    /// Id, for download and for `attachment_ids` when sending.
    pub id: i64,
    /// The message it belongs to (none while an upload is unsent).
    pub message_id: Option<i64>,
    /// File name.
    pub file_name: String,
    /// MIME type.
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    /// SHA-256 of the content.
    pub sha256: String,
    /// Content-ID of an inline image (`cid:` in the HTML body).
    pub content_id: Option<String>,
    /// Shown inside the message.
    pub inline: bool,
}

impl From<&rapport_app::AttachmentRecord> for AttachmentOut {
    fn from(a: &rapport_app::AttachmentRecord) -> Self {
        Self {
            id: a.id,
            message_id: a.message_ref.map(|m| m.0),
            file_name: a.file.file_name.clone(),
            content_type: a.file.content_type.clone(),
            size: a.file.size,
            sha256: a.file.sha256.clone(),
            content_id: a.file.content_id.clone(),
            inline: a.file.inline,
        }
    }
}

/// A mail Rapport sent or is sending.
#[derive(Debug, Serialize, ToSchema)]
pub struct MailOut {
    /// Outbox id.
    pub id: i64,
    /// The message it carries (a reply), if any.
    pub message_id: Option<i64>,
    /// A reply or an acknowledgment.
    pub kind: MailKindOut,
    /// Its Message-ID header.
    pub mail_message_id: String,
    /// Recipients.
    pub recipients: Vec<String>,
    /// Where its delivery is.
    pub status: MailStatusOut,
    /// Delivery attempts.
    pub attempts: i64,
    /// The last failure.
    pub last_error: Option<String>,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// When the mail server accepted it.
    pub sent_at: Option<String>,
}

impl From<&rapport_app::OutboxRecord> for MailOut {
    fn from(m: &rapport_app::OutboxRecord) -> Self {
        Self {
            id: m.id,
            message_id: m.message_ref.map(|r| r.0),
            kind: m.kind.into(),
            mail_message_id: m.message_id.clone(),
            recipients: m.recipients.clone(),
            status: m.status.into(),
            attempts: m.attempts,
            last_error: m.last_error.clone(),
            created_at: m.created_at.to_string(),
            sent_at: m.sent_at.map(|t| t.to_string()),
        }
    }
}

/// What a mail is.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MailKindOut {
    /// An agent's reply.
    Reply,
    /// The automatic acknowledgment of a new request.
    Acknowledgment,
    /// A one-time sign-in link to the customer portal.
    SignInLink,
    /// A response-target escalation to an agent.
    Escalation,
    /// The satisfaction survey of a solved ticket.
    Survey,
}

impl From<rapport_app::OutboxKind> for MailKindOut {
    fn from(kind: rapport_app::OutboxKind) -> Self {
        match kind {
            rapport_app::OutboxKind::Reply => Self::Reply,
            rapport_app::OutboxKind::Acknowledgment => Self::Acknowledgment,
            rapport_app::OutboxKind::SignInLink => Self::SignInLink,
            rapport_app::OutboxKind::Escalation => Self::Escalation,
            rapport_app::OutboxKind::Survey => Self::Survey,
        }
    }
}

/// Where a mail's delivery is.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MailStatusOut {
    /// Waiting for its next attempt.
    Pending,
    /// Being sent.
    Sending,
    /// Accepted by the mail server.
    Sent,
    /// Given up (a note on the ticket says why).
    Failed,
    /// Returned by the recipient's server.
    Bounced,
}

impl From<rapport_app::OutboxStatus> for MailStatusOut {
    fn from(status: rapport_app::OutboxStatus) -> Self {
        use rapport_app::OutboxStatus as S;
        match status {
            S::Pending => Self::Pending,
            S::Sending => Self::Sending,
            S::Sent => Self::Sent,
            S::Failed => Self::Failed,
            S::Bounced => Self::Bounced,
        }
    }
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T: ToSchema> {
    /// The items.
    pub items: Vec<T>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

impl<'a, R, T> From<&'a rapport_app::tickets::Paged<R>> for Page<T>
where
    T: ToSchema + From<&'a R>,
{
    fn from(page: &'a rapport_app::tickets::Paged<R>) -> Self {
        Self {
            items: page.items.iter().map(Into::into).collect(),
            next_cursor: page.next_after.map(|n| n.to_string()),
        }
    }
}

/// An agent.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgentOut {
    /// Id.
    pub id: i64,
    /// Login e-mail.
    pub email: String,
    /// Name.
    pub name: String,
    /// agent, lead or admin.
    pub role: String,
    /// Whether they may log in.
    pub active: bool,
    /// Whether a password is set.
    pub has_password: bool,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// Where they are (IANA zone); absent: the business zone.
    pub time_zone: Option<String>,
    /// The language they read the workspace in; absent: their browser's.
    pub language: Option<String>,
}

impl From<&AgentRecord> for AgentOut {
    fn from(a: &AgentRecord) -> Self {
        Self {
            id: a.id.0,
            email: a.email.clone(),
            name: a.name.clone(),
            role: a.role.to_string(),
            active: a.active,
            has_password: a.password_hash.is_some(),
            created_at: a.created_at.to_string(),
            time_zone: a.time_zone.clone(),
            language: a.language.clone(),
        }
    }
}

/// A team.
#[derive(Debug, Serialize, ToSchema)]
pub struct TeamOut {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Member agent ids.
    pub members: Vec<i64>,
    /// The team's lead (follows up its recovery tasks; none: the admins do).
    pub lead_id: Option<i64>,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// When it was deleted while solved or closed tickets still named it
    /// (RFC 3339; kept for their history, out of the team list).
    pub archived_at: Option<String>,
}

impl From<&TeamRecord> for TeamOut {
    fn from(t: &TeamRecord) -> Self {
        Self {
            id: t.id.0,
            name: t.name.clone(),
            members: t.members.iter().map(|a| a.0).collect(),
            lead_id: t.lead.map(|a| a.0),
            created_at: t.created_at.to_string(),
            archived_at: t.archived_at.map(|a| a.to_string()),
        }
    }
}

/// One way to reach a customer.
#[derive(Debug, Serialize, serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentityOut {
    /// email, phone or handle.
    pub kind: String,
    /// The address, number or handle.
    pub value: String,
}

/// A customer.
#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerOut {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// How to reach them.
    pub identities: Vec<IdentityOut>,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// RFC 3339, UTC.
    pub updated_at: String,
    /// Addresses that bounced for good (shown on the single customer; no
    /// acknowledgments go there until the customer writes from them again).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub bouncing: Vec<BouncingOut>,
    /// The language they read the portal and our mail in; absent: unknown.
    pub language: Option<String>,
}

/// An address that bounces.
#[derive(Debug, Serialize, ToSchema)]
pub struct BouncingOut {
    /// The address.
    pub email: String,
    /// RFC 3339, UTC: since the first permanent bounce.
    pub since: String,
    /// What the delivery report said.
    pub reason: Option<String>,
}

impl From<&CustomerRecord> for CustomerOut {
    fn from(c: &CustomerRecord) -> Self {
        Self {
            id: c.id.0,
            name: c.name.clone(),
            identities: c
                .identities
                .iter()
                .map(|i| IdentityOut {
                    kind: i.kind.to_string(),
                    value: i.value.clone(),
                })
                .collect(),
            created_at: c.created_at.to_string(),
            updated_at: c.updated_at.to_string(),
            bouncing: Vec::new(),
            language: c.language.clone(),
        }
    }
}

/// A token's record (never the secret, except once at creation).
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenOut {
    /// Id.
    pub id: i64,
    /// What it is for.
    pub name: String,
    /// session or api.
    pub kind: String,
    /// inbound_mail, metrics, read_only, agent or admin (a session: the full scope of the role).
    pub scope: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// RFC 3339, UTC.
    pub expires_at: Option<String>,
    /// RFC 3339, UTC.
    pub revoked_at: Option<String>,
}

impl From<&TokenRecord> for TokenOut {
    fn from(t: &TokenRecord) -> Self {
        Self {
            id: t.id,
            name: t.name.clone(),
            kind: t.kind.to_string(),
            scope: t.scope.to_string(),
            created_at: t.created_at.to_string(),
            expires_at: t.expires_at.map(|x| x.to_string()),
            revoked_at: t.revoked_at.map(|x| x.to_string()),
        }
    }
}

/// A token just issued; the secret is shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct IssuedTokenOut {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    /// Its record.
    pub record: TokenOut,
}

impl From<&rapport_app::IssuedToken> for IssuedTokenOut {
    fn from(t: &rapport_app::IssuedToken) -> Self {
        Self {
            token: t.token.clone(),
            record: (&t.record).into(),
        }
    }
}

/// A change to a customer's record: what, by whom, when.
#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerEventOut {
    /// Position in the customer's history.
    pub id: i64,
    /// The agent who made the change.
    pub agent_id: Option<i64>,
    /// RFC 3339, UTC.
    pub at: String,
    /// `{"type": "identities_changed", "added": [{kind, value}], "removed": [...]}`.
    #[schema(value_type = Object)]
    pub change: serde_json::Value,
}

impl From<&rapport_core::CustomerEvent> for CustomerEventOut {
    fn from(e: &rapport_core::CustomerEvent) -> Self {
        Self {
            id: e.id,
            agent_id: e.agent_id.map(|a| a.0),
            at: e.at.to_string(),
            change: serde_json::to_value(&e.change).unwrap_or_default(),
        }
    }
}
