//! `/app/admin/quarantine` and `/app/admin/mail` (admins): quarantined
//! mail with its reason, read as plain text (the sender's words are only
//! ever shown as escaped text, HTML never rendered), downloaded raw and
//! released; and the mail channel's status: each mailbox's last poll and
//! error, the outbox's queue and its failed sends. The same use cases as
//! `/api/v1/inbound/...` and `/api/v1/mailboxes/status`.

use super::{Done, done, noticed, refused_in, staff_only};
use crate::api::mail::as_download;
use crate::extract::{Id, Query};
use crate::pages::render::{Chrome, PageError, page, when};
use crate::pages::session::AgentPage;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rapport_app::intake::IngestOutcome;
use rapport_app::mail_admin::MailboxState;
use rapport_core::Timestamp;

/// Quarantined messages a page lists.
const PAGE_SIZE: i64 = 50;

/// A held message in the list.
struct HeldRow {
    id: i64,
    reason: String,
    message_id: String,
    size: i64,
    received: String,
}

#[derive(Template)]
#[template(path = "admin_quarantine.html")]
struct QuarantinePage {
    chrome: Chrome,
    held: Vec<HeldRow>,
    older: Option<i64>,
}

const DONE: &[(&str, &str)] = &[
    ("created", "quarantine.done.created"),
    ("appended", "quarantine.done.appended"),
    ("linked", "quarantine.done.linked"),
    ("duplicate", "quarantine.done.duplicate"),
    ("bounce", "quarantine.done.bounce"),
    ("ignored", "quarantine.done.ignored"),
    ("quarantined", "quarantine.done.quarantined"),
];

/// The quarantined messages, newest first, fifty a page.
pub async fn quarantine(
    State(s): State<AppState>,
    agent: AgentPage,
    Query(q): Query<Done>,
) -> Result<Response, PageError> {
    staff_only(&agent)?;
    let records = s
        .app
        .quarantine_list(&agent.caller, q.before, PAGE_SIZE)
        .await?;
    let zone = s.app.business_calendar().await?.time_zone().clone();
    let older = (records.len() as i64 == PAGE_SIZE)
        .then(|| records.last().map(|r| r.id))
        .flatten();
    let held = records
        .iter()
        .map(|r| HeldRow {
            id: r.id,
            reason: r.reason.clone().unwrap_or_default(),
            message_id: r.message_id.clone().unwrap_or_default(),
            size: r.size,
            received: when(r.received_at, &zone, agent.chrome.lang).0,
        })
        .collect();
    let template = QuarantinePage {
        chrome: noticed(agent.chrome, q.done.as_deref(), DONE),
        held,
        older,
    };
    Ok(page(StatusCode::OK, &template))
}

#[derive(Template)]
#[template(path = "admin_message.html")]
struct MessagePage {
    chrome: Chrome,
    id: i64,
    status: &'static str,
    held: bool,
    reason: String,
    received: String,
    size: i64,
    from: String,
    to: String,
    subject: String,
    text: String,
    files: Vec<(String, String, usize)>,
    unreadable: Option<String>,
}

/// One message read as plain text, with download and release.
pub async fn message(
    State(s): State<AppState>,
    agent: AgentPage,
    Id(id): Id,
) -> Result<Response, PageError> {
    staff_only(&agent)?;
    let preview = s.app.inbound_preview(&agent.caller, id).await?;
    let zone = s.app.business_calendar().await?.time_zone().clone();
    let lang = agent.chrome.lang;
    let record = &preview.record;
    let template = MessagePage {
        chrome: agent.chrome,
        id,
        status: record.status.as_str(),
        held: record.status == rapport_app::InboundStatus::Quarantined,
        reason: record.reason.clone().unwrap_or_default(),
        received: when(record.received_at, &zone, lang).0,
        size: record.size,
        from: preview.from,
        to: preview.to,
        subject: preview.subject,
        text: preview.text,
        files: preview
            .files
            .into_iter()
            .map(|f| (f.name, f.content_type, f.size))
            .collect(),
        unreadable: preview.unreadable,
    };
    Ok(page(StatusCode::OK, &template))
}

/// The raw message as a download (never shown in the browser).
pub async fn raw(
    State(s): State<AppState>,
    agent: AgentPage,
    Id(id): Id,
) -> Result<Response, PageError> {
    staff_only(&agent)?;
    let bytes = s.app.inbound_raw(&agent.caller, id).await?;
    Ok(as_download(
        bytes.into_response(),
        "message/rfc822",
        &format!("inbound-{id}.eml"),
    ))
}

/// Takes a held message in again, then lists the rest, saying how it went.
pub async fn release(
    State(s): State<AppState>,
    agent: AgentPage,
    Id(id): Id,
) -> Result<Response, PageError> {
    staff_only(&agent)?;
    let outcome: IngestOutcome = s.app.retry_inbound(&agent.caller, id).await?;
    Ok(done("/app/admin/quarantine", outcome.name()))
}

/// A mailbox as the status page shows it.
struct MailboxRow {
    name: String,
    never_polled: bool,
    configured: bool,
    last_poll: String,
    fetched: i64,
    error: String,
    error_at: String,
    failing: bool,
}

/// A failed send.
struct FailureRow {
    id: i64,
    ticket: Option<i64>,
    kind: &'static str,
    recipients: String,
    attempts: i64,
    error: String,
    queued: String,
}

#[derive(Template)]
#[template(path = "admin_mail.html")]
struct StatusPage {
    chrome: Chrome,
    read_at: String,
    mailboxes: Vec<MailboxRow>,
    pending: i64,
    sending: i64,
    failed: i64,
    bounced: i64,
    failures: Vec<FailureRow>,
}

/// What the status page's forms report when they worked.
const STATUS_DONE: &[(&str, &str)] = &[
    ("retried", "mail.done.retried"),
    ("retried-all", "mail.done.retried_all"),
    ("none-failed", "mail.done.none_failed"),
];

/// The mail channel's status.
pub async fn status(
    State(s): State<AppState>,
    agent: AgentPage,
    Query(q): Query<Done>,
) -> Result<Response, PageError> {
    staff_only(&agent)?;
    let chrome = noticed(agent.chrome.clone(), q.done.as_deref(), STATUS_DONE);
    render_status(&s, &agent, StatusCode::OK, chrome).await
}

/// Sends one failed mail again (admins); a refusal is shown above the page.
pub async fn retry_one(
    State(s): State<AppState>,
    agent: AgentPage,
    Id(id): Id,
) -> Result<Response, PageError> {
    staff_only(&agent)?;
    match s.app.retry_outbox(&agent.caller, Some(id)).await {
        Ok(_) => Ok(done("/app/admin/mail", "retried")),
        Err(e) => {
            let (code, chrome) = refused_in(&agent.chrome, e);
            render_status(&s, &agent, code, chrome).await
        }
    }
}

/// Sends every failed mail again (admins).
pub async fn retry_all(State(s): State<AppState>, agent: AgentPage) -> Result<Response, PageError> {
    staff_only(&agent)?;
    let requeued = s.app.retry_outbox(&agent.caller, None).await?;
    let what = if requeued.is_empty() {
        "none-failed"
    } else {
        "retried-all"
    };
    Ok(done("/app/admin/mail", what))
}

/// The status page with this status and frame.
async fn render_status(
    s: &AppState,
    agent: &AgentPage,
    code: StatusCode,
    chrome: Chrome,
) -> Result<Response, PageError> {
    let status = s.app.mail_status(&agent.caller).await?;
    let zone = s.app.business_calendar().await?.time_zone().clone();
    let lang = agent.chrome.lang;
    let at = |t: Option<Timestamp>, none: &str| {
        t.map_or_else(|| none.to_string(), |t| when(t, &zone, lang).0)
    };
    let mailboxes = status
        .mailboxes
        .iter()
        .map(|status| {
            let m = &status.health;
            MailboxRow {
                name: m.mailbox.clone(),
                never_polled: status.state() == MailboxState::NeverPolled,
                configured: status.configured,
                last_poll: at(m.last_poll_at, lang.text("tokens.never")),
                fetched: m.last_fetched,
                error: m.last_error.clone().unwrap_or_default(),
                error_at: at(m.last_error_at, ""),
                failing: m.failing(),
            }
        })
        .collect();
    let failures = status
        .failures
        .iter()
        .map(|f| FailureRow {
            id: f.id,
            ticket: f.ticket_id.map(|t| t.0),
            kind: f.kind.as_str(),
            recipients: f.recipients.join(", "),
            attempts: f.attempts,
            error: f.last_error.clone().unwrap_or_default(),
            queued: when(f.created_at, &zone, lang).0,
        })
        .collect();
    let template = StatusPage {
        chrome,
        read_at: when(status.read_at, &zone, lang).0,
        mailboxes,
        pending: status.outbox.pending,
        sending: status.outbox.sending,
        failed: status.outbox.failed,
        bounced: status.outbox.bounced,
        failures,
    };
    Ok(page(code, &template))
}
