//! The workspace's ticket page and its actions: reply (through the coach
//! gate), internal note, assign to me, transfer with a hand-off note,
//! status. Every action is a plain form that redirects back (POST, then
//! GET); a refusal shows the page again with the reason and the draft.

use super::collisions::PresenceBox;
use super::render::{Chrome, PageError, page, refusal_text, when};
use super::session::AgentPage;
use crate::extract::{Id, Query};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use rapport_app::AppError;
use rapport_app::i18n::Lang;
use rapport_app::presence::{Activity, Seen};
use rapport_app::tickets::MessageRole;
use rapport_app::undo_send::HeldReply;
use rapport_app::workspace::{INLINE_IMAGE_TYPES, TicketPage, link_inline_images};
use rapport_coach::{Finding, Severity, Suggestion};
use rapport_core::{Actor, AgentId, AuthorKind, Command, MessageId, MessageKind, Status, TicketId};
use serde::Deserialize;
use std::collections::HashMap;

struct MessageRow {
    id: i64,
    label: String,
    author: String,
    internal: bool,
    at: String,
    at_iso: String,
    html: Option<String>,
    text: String,
    /// (link, name, size, shown as a preview image).
    files: Vec<(String, String, String, bool)>,
    /// Written by someone else after the sender's view (a stopped send).
    fresh: bool,
}

/// A colleague's reply held for undo send: shown as being sent.
struct PendingRow {
    id: i64,
    author: String,
    text: String,
    /// The reason a send was just stopped.
    fresh: bool,
}

struct FindingRow {
    check: &'static str,
    severity: &'static str,
    quote: String,
    explanation: &'static str,
    suggestion: Option<String>,
}

#[derive(Template)]
#[template(path = "ticket.html")]
struct TicketTemplate {
    chrome: Chrome,
    id: i64,
    subject: String,
    status: &'static str,
    priority: &'static str,
    channel: &'static str,
    owner: String,
    messages: Vec<MessageRow>,
    /// The oldest message shown, when earlier ones exist (the page back).
    earlier: Option<i64>,
    /// Whether the messages shown hold more files than are listed.
    files_cut: bool,
    /// A page back: the newest messages are not shown.
    paged_back: bool,
    show_actions: bool,
    findings: Vec<FindingRow>,
    blocked: bool,
    draft: String,
    can_take: bool,
    /// Whether the reader may give an unowned ticket to someone else.
    can_dispatch: bool,
    statuses: Vec<(&'static str, bool)>,
    agents: Vec<(i64, String)>,
    customer_name: String,
    identities: Vec<(String, bool)>,
    /// The customer's attributes (name, value).
    attributes: Vec<(String, String)>,
    other_tickets: Vec<(i64, String, &'static str)>,
    events: Vec<(String, String, String)>,
    /// The newest message shown, sent with a reply (0: do not check).
    based_on: i64,
    /// The newest colleague's held reply shown, sent with a reply.
    seen_held: i64,
    /// Colleagues' replies in their undo window (about to leave).
    pending: Vec<PendingRow>,
    /// Who else has the ticket open, and what is new (rendered).
    presence: String,
    /// A send was stopped: what was written since (author, first words,
    /// a reply being sent).
    collided: Vec<(String, String, bool)>,
    /// The draft came from the server (saved as the agent typed).
    restored: bool,
    /// Canned replies, personalised for this ticket: (name, text).
    canned: Vec<(String, String)>,
    /// The coach box (filled as the agent types).
    coach: String,
    /// The priorities, the current one marked.
    priorities: Vec<(&'static str, bool)>,
    /// The ticket's tags.
    tags: Vec<String>,
    /// The agent's replies waiting to leave: (id, first words, seconds left).
    held: Vec<(i64, String, i64)>,
}

/// What a refused reply leaves on the page: the draft and the coach's findings.
#[derive(Default)]
struct Draft {
    text: String,
    findings: Vec<Finding>,
    /// For a stopped send: the messages written since the sender's view.
    newer: Vec<i64>,
    /// For a stopped send: colleagues' held replies the sender was not shown.
    pending: Vec<i64>,
    restored: bool,
    /// A canned reply to add to the draft.
    canned: Option<String>,
    /// Show the messages before this one (paging back).
    before: Option<i64>,
}

/// The ticket page's query: a canned reply to put in the composer (the
/// form that works without the script, which inserts it in place).
#[derive(Deserialize)]
pub struct ShowQuery {
    canned: Option<String>,
    /// Show the messages before this one (the page back).
    before: Option<i64>,
}

/// The ticket page.
pub async fn show(
    State(s): State<AppState>,
    agent: AgentPage,
    Id(id): Id,
    Query(q): Query<ShowQuery>,
) -> Result<Response, PageError> {
    let draft = Draft {
        canned: q.canned.filter(|c| !c.is_empty()),
        before: q.before,
        ..Draft::default()
    };
    render(&s, agent, TicketId(id), draft, StatusCode::OK).await
}

async fn render(
    s: &AppState,
    agent: AgentPage,
    id: TicketId,
    draft: Draft,
    status: StatusCode,
) -> Result<Response, PageError> {
    let found = s
        .app
        .ticket_page(&agent.principal(), id, draft.before.map(MessageId))
        .await?;
    let mut draft = draft;
    if draft.text.is_empty()
        && let Some(saved) = s.app.draft(&agent.caller, id).await?
    {
        draft.text = saved;
        draft.restored = true;
    }
    let canned = s.app.canned_replies_for(&agent.caller, id).await?;
    if let Some(name) = draft.canned.take() {
        let chosen = canned.iter().find(|c| c.name == name).ok_or_else(|| {
            crate::error::ApiError::refusal(
                "canned",
                rapport_app::msg!("error.page.canned", name = format!("{name:?}")),
            )
        })?;
        if !draft.text.is_empty() {
            draft.text.push_str("\n\n");
        }
        draft.text.push_str(&chosen.body);
    }
    let activity = if draft.text.is_empty() {
        Activity::Viewing
    } else {
        Activity::Replying
    };
    let others = s.app.heartbeat(&agent.caller, id, activity).await?;
    let held = s.app.held_replies(&agent.caller, id).await?;
    let pending = s.app.pending_replies(&agent.caller, id).await?;
    let now = rapport_core::Timestamp::now();
    let mut template = build(agent, found, draft, &pending);
    template.held = held
        .iter()
        .map(|h| {
            let left = ((h.release_at.0 - now.0).max(0) + 999_999) / 1_000_000;
            (h.id, super::collisions::excerpt(&h.body), left)
        })
        .collect();
    template.canned = canned.into_iter().map(|c| (c.name, c.body)).collect();
    let seen = (template.based_on > 0).then_some(Seen {
        message: MessageId(template.based_on),
        held: template.seen_held,
    });
    template.presence = PresenceBox::new(
        template.chrome.clone(),
        (template.id, seen),
        others,
        Vec::new(),
    )
    .render()
    .unwrap_or_default();
    Ok(page(status, &template))
}

fn build(
    agent: AgentPage,
    found: TicketPage,
    draft: Draft,
    pending: &[HeldReply],
) -> TicketTemplate {
    let lang = agent.chrome.lang;
    let names: HashMap<AgentId, String> = found
        .agents
        .iter()
        .map(|a| (a.id, a.name.clone()))
        .collect();
    let agent_name = |id: AgentId| {
        names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| lang.fill("ticket.agent_n", &[("id", &id.to_string())]))
    };
    let ticket = &found.ticket;
    let customer_name = found.customer.name.clone();
    let messages = message_rows(lang, &found, (&customer_name, &agent_name), &draft.newer);
    let earlier = found.conversation.earlier.map(|m| m.0);
    // The newest message shown: on a page back, a send is stopped and shown
    // what came after it (and the page it shows then is the newest).
    let based_on = messages.iter().map(|m| m.id).max().unwrap_or(0);
    let pending: Vec<PendingRow> = pending
        .iter()
        .map(|h| PendingRow {
            id: h.id,
            author: agent_name(h.agent_id),
            text: h.body.clone(),
            fresh: draft.pending.contains(&h.id),
        })
        .collect();
    let seen_held = pending.iter().map(|p| p.id).max().unwrap_or(0);
    let collided = messages
        .iter()
        .filter(|m| m.fresh)
        .map(|m| (m.author.clone(), super::collisions::excerpt(&m.text), false))
        .chain(
            pending
                .iter()
                .filter(|p| p.fresh)
                .map(|p| (p.author.clone(), super::collisions::excerpt(&p.text), true)),
        )
        .collect();
    let events = found
        .events
        .iter()
        .map(|e| {
            let (at, iso) = when(e.at, &found.zone, lang);
            let who = match e.actor {
                Actor::Agent(a) => agent_name(a),
                Actor::Customer(_) => customer_name.clone(),
                Actor::System => "Rapport".into(),
            };
            (
                iso,
                at,
                super::history::describe((lang, &found.zone), &who, &e.kind, &agent_name),
            )
        })
        .collect();
    let bouncing = &found.bouncing;
    let findings: Vec<FindingRow> = draft
        .findings
        .iter()
        .map(|f| {
            let (check, explanation, suggestion) = finding_words(lang, f);
            FindingRow {
                check,
                severity: severity(f.severity),
                quote: draft
                    .text
                    .get(f.span.clone())
                    .unwrap_or_default()
                    .to_string(),
                explanation,
                suggestion,
            }
        })
        .collect();
    TicketTemplate {
        id: ticket.id.0,
        subject: ticket.subject.clone(),
        status: ticket.status.as_str(),
        priority: ticket.priority.as_str(),
        channel: ticket.channel.as_str(),
        owner: ticket
            .owner_id
            .map_or_else(|| lang.text("ticket.nobody").into(), agent_name),
        messages,
        earlier,
        files_cut: found.conversation.files_cut,
        paged_back: draft.before.is_some(),
        based_on,
        seen_held,
        pending,
        presence: String::new(),
        collided,
        restored: draft.restored,
        canned: Vec::new(),
        priorities: rapport_core::Priority::ALL
            .iter()
            .map(|p| (p.as_str(), *p == ticket.priority))
            .collect(),
        tags: ticket.tags.clone(),
        held: Vec::new(),
        coach: super::composer::CoachBox::empty(agent.chrome.clone(), ticket.id.0)
            .render()
            .unwrap_or_default(),
        show_actions: true,
        blocked: findings.iter().any(|f| f.severity == "block"),
        findings,
        draft: draft.text,
        can_take: ticket.owner_id.is_none(),
        can_dispatch: agent
            .caller
            .require(rapport_core::Permission::DispatchAnyTicket, "")
            .is_ok(),
        statuses: Status::ALL
            .iter()
            .map(|st| (st.as_str(), *st == ticket.status))
            .collect(),
        agents: found
            .agents
            .iter()
            .filter(|a| a.id != agent.caller.agent_id)
            .map(|a| (a.id.0, a.name.clone()))
            .collect(),
        customer_name,
        identities: found
            .customer
            .identities
            .iter()
            .map(|i| (i.value.clone(), bouncing.contains(&i.value)))
            .collect(),
        attributes: found.attributes.clone().into_iter().collect(),
        other_tickets: found
            .other_tickets
            .iter()
            .map(|t| (t.id.0, t.subject.clone(), t.status.as_str()))
            .collect(),
        events,
        chrome: agent.chrome,
    }
}

/// The conversation's rows: each message with its author, its files, its
/// inline images pointed at their files, and whether it is new to a
/// stopped sender.
fn message_rows(
    lang: Lang,
    found: &TicketPage,
    (customer_name, agent_name): (&str, &dyn Fn(AgentId) -> String),
    newer: &[i64],
) -> Vec<MessageRow> {
    let mut files: HashMap<i64, Vec<(String, String, String, bool)>> = HashMap::new();
    let mut images: HashMap<i64, Vec<(String, String)>> = HashMap::new();
    for a in &found.conversation.files {
        if let (Some(m), Some(cid)) = (a.message_ref, &a.file.content_id)
            && INLINE_IMAGE_TYPES.contains(&a.file.content_type.as_str())
        {
            images
                .entry(m.0)
                .or_default()
                .push((cid.clone(), format!("/app/attachments/{}", a.id)));
        }
        if let Some(m) = a.message_ref {
            files.entry(m.0).or_default().push((
                format!("/app/attachments/{}", a.id),
                a.file.file_name.clone(),
                format!("{} {}", a.file.size, lang.text("common.bytes")),
                // Photos a customer sent are previewed; inline ones are
                // already shown in place.
                !a.file.inline
                    && a.file.content_id.is_none()
                    && INLINE_IMAGE_TYPES.contains(&a.file.content_type.as_str()),
            ));
        }
    }
    found
        .conversation
        .messages
        .iter()
        .map(|m| {
            let (at, at_iso) = when(m.created_at, &found.zone, lang);
            let author = match m.author_kind {
                AuthorKind::Customer => customer_name.to_string(),
                AuthorKind::Agent => m
                    .author_id
                    .map_or_else(String::new, |a| agent_name(AgentId(a))),
                AuthorKind::System => "Rapport".into(),
            };
            let internal = m.kind == MessageKind::Internal;
            MessageRow {
                id: m.id.0,
                label: lang.fill(
                    if internal {
                        "ticket.note_from"
                    } else {
                        "ticket.message_from"
                    },
                    &[("author", &author)],
                ),
                author,
                internal,
                at,
                at_iso,
                html: m.body_html.as_deref().map(|html| {
                    link_inline_images(html, images.get(&m.id.0).map_or(&[], Vec::as_slice))
                }),
                text: match m.author_kind {
                    AuthorKind::System => {
                        rapport_app::system_notes::system_note_words(lang, &m.body_text)
                            .unwrap_or_else(|| m.body_text.clone())
                    }
                    _ => m.body_text.clone(),
                },
                files: files.remove(&m.id.0).unwrap_or_default(),
                fresh: newer.contains(&m.id.0),
            }
        })
        .collect()
}

/// A coach finding as the reader reads it: its kind, one-line explanation
/// and suggestion from the catalogues (`coach.check.<check>`,
/// `coach.explain.<check>`, `coach.suggest.<code>`). Wording built from
/// the draft or the record ("Hi Ann,") is shown as it is: it is what goes
/// into the (English) draft, as is a quoted rewrite the composer's Apply
/// button offers.
pub(crate) fn finding_words(
    lang: Lang,
    f: &Finding,
) -> (&'static str, &'static str, Option<String>) {
    let check = f.check.name();
    let suggestion = f.suggestion.as_ref().map(|s| match s {
        Suggestion::Advice(advice) => {
            super::render::word(lang, "coach.suggest", advice.code()).to_string()
        }
        Suggestion::Wording(wording) => wording.clone(),
    });
    (
        super::render::word(lang, "coach.check", check),
        super::render::word(lang, "coach.explain", check),
        suggestion,
    )
}

/// A coach finding's severity as the pages name it (and style it).
pub(crate) fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Hint => "hint",
        Severity::Warn => "warn",
        Severity::Block => "block",
    }
}

/// What the reply and note forms send.
#[derive(Deserialize)]
pub struct MessageForm {
    body: String,
    #[serde(default)]
    override_reason: String,
    /// The newest message the page showed (the collision check).
    #[serde(default)]
    based_on: String,
    /// The newest colleague's held reply the page showed.
    #[serde(default)]
    seen_held: String,
    /// The coach box's promise choices (`promise_action_N`, `promise_due_N`).
    #[serde(flatten)]
    rest: HashMap<String, String>,
}

/// Sends a reply through the coach gate; a blocking finding shows the page
/// again with the findings and asks for the override reason.
pub async fn reply(
    State(s): State<AppState>,
    agent: AgentPage,
    Id(id): Id,
    Form(form): Form<MessageForm>,
) -> Result<Response, PageError> {
    let reason = Some(form.override_reason.trim()).filter(|r| !r.is_empty());
    let based_on = super::collisions::parse_seen(&form.based_on, &form.seen_held)?;
    let decisions = super::composer::decisions(&form.rest)?;
    let result = s
        .app
        .send_reply(
            &agent.caller,
            TicketId(id),
            &form.body,
            reason,
            &[],
            &decisions,
            based_on,
        )
        .await;
    finish(&s, agent, TicketId(id), result.map(|_| ()), form.body).await
}

/// What the Undo button sends: the ticket to show again.
#[derive(Deserialize)]
pub struct UndoForm {
    ticket: i64,
}

/// Takes back a reply that has not left yet; its text is the draft again.
pub async fn undo(
    State(s): State<AppState>,
    agent: AgentPage,
    Id(id): Id,
    Form(form): Form<UndoForm>,
) -> Result<Response, PageError> {
    let result = s.app.undo_reply(&agent.caller, id).await;
    let ticket = match &result {
        Ok(held) => held.ticket_id,
        Err(_) => TicketId(form.ticket),
    };
    finish(&s, agent, ticket, result.map(|_| ()), String::new()).await
}

/// Adds an internal note.
pub async fn note(
    State(s): State<AppState>,
    agent: AgentPage,
    Id(id): Id,
    Form(form): Form<MessageForm>,
) -> Result<Response, PageError> {
    let result = s
        .app
        .add_message(
            &agent.caller,
            TicketId(id),
            MessageRole::Note,
            &form.body,
            None,
            &[],
        )
        .await;
    finish(&s, agent, TicketId(id), result.map(|_| ()), String::new()).await
}

/// Takes an unowned ticket.
pub async fn assign_to_me(
    State(s): State<AppState>,
    agent: AgentPage,
    Id(id): Id,
) -> Result<Response, PageError> {
    let command = Command::Assign {
        agent: agent.caller.agent_id,
        team: None,
    };
    let result = s.app.command(&agent.caller, TicketId(id), command).await;
    finish(&s, agent, TicketId(id), result.map(|_| ()), String::new()).await
}

/// What the transfer form sends.
#[derive(Deserialize)]
pub struct TransferForm {
    to_agent: String,
    #[serde(default)]
    note: String,
}

/// Transfers the ticket to another agent with the hand-off note.
pub async fn transfer(
    State(s): State<AppState>,
    agent: AgentPage,
    Id(id): Id,
    Form(form): Form<TransferForm>,
) -> Result<Response, PageError> {
    let to_agent = form.to_agent.parse::<i64>().map_err(|_| {
        crate::error::ApiError::refusal("to_agent", rapport_app::msg!("error.page.choose_agent"))
    })?;
    let command = Command::Transfer {
        to_agent: Some(AgentId(to_agent)),
        to_team: None,
        note: form.note,
    };
    let result = s.app.command(&agent.caller, TicketId(id), command).await;
    finish(&s, agent, TicketId(id), result.map(|_| ()), String::new()).await
}

/// What the status form sends.
#[derive(Deserialize)]
pub struct StatusForm {
    status: String,
}

/// Moves the status.
pub async fn status(
    State(s): State<AppState>,
    agent: AgentPage,
    Id(id): Id,
    Form(form): Form<StatusForm>,
) -> Result<Response, PageError> {
    let to = form.status.parse::<Status>().map_err(|_| {
        crate::error::ApiError::refusal(
            "status",
            rapport_app::msg!(
                "error.tickets.bad_status",
                status = format!("{:?}", form.status)
            ),
        )
    })?;
    let result = s
        .app
        .command(&agent.caller, TicketId(id), Command::ChangeStatus { to })
        .await;
    finish(&s, agent, TicketId(id), result.map(|_| ()), String::new()).await
}

/// After an action: back to the ticket (POST, then GET), or the page again
/// with the refusal (and the coach's findings and the draft for a reply).
pub(super) async fn finish(
    s: &AppState,
    agent: AgentPage,
    id: TicketId,
    result: Result<(), AppError>,
    draft: String,
) -> Result<Response, PageError> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/app/tickets/{}", id.0)).into_response()),
        Err(AppError::CoachBlocked(findings)) => {
            let draft = Draft {
                text: draft,
                findings,
                ..Draft::default()
            };
            render(s, agent, id, draft, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(AppError::Collided(collision)) => {
            let draft = Draft {
                text: draft,
                newer: collision.newer.iter().map(|m| m.id.0).collect(),
                pending: collision.pending.iter().map(|h| h.id).collect(),
                ..Draft::default()
            };
            render(s, agent, id, draft, StatusCode::CONFLICT).await
        }
        Err(
            e @ (AppError::Invalid { .. }
            | AppError::Refused(_)
            | AppError::Forbidden(_)
            | AppError::Conflict(_)),
        ) => {
            let error = crate::error::ApiError::from(e);
            let message = refusal_text(agent.chrome.lang, &error);
            let mut agent = agent;
            agent.chrome = agent.chrome.with_notice(message, true);
            let draft = Draft {
                text: draft,
                ..Draft::default()
            };
            render(s, agent, id, draft, error.status).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Downloads a file of a ticket (always as a download, sandboxed).
pub async fn attachment(
    State(s): State<AppState>,
    agent: AgentPage,
    Id(id): Id,
) -> Result<Response, PageError> {
    let (record, data) = s.app.attachment(&agent.principal(), id).await?;
    Ok(crate::api::mail::as_download(
        data.into_response(),
        crate::api::mail::safe_type(&record.file.content_type),
        &record.file.file_name,
    ))
}
