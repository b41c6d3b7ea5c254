//! Tickets: open, read, list, and every move on them.

use super::types::{
    AttachmentOut, EventOut, MessageOut, Page, TicketChangeOut, TicketDetailOut, TicketOut,
};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Auth, Id, Json, Query};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use rapport_app::presence::Seen;
use rapport_app::tickets::{CustomerRef, MessageRole, OpenTicket, parse_owner, parse_statuses};
use rapport_app::undo_send::Sent;
use rapport_app::{Principal, TicketFilter, TicketSort};
use rapport_core::{
    AgentId, Channel, Command, CustomerId, EventId, Priority, Status, TeamId, TicketId, Timestamp,
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// A new ticket: name an existing customer or give an e-mail address.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TicketIn {
    /// What it is about.
    pub subject: String,
    /// An existing customer.
    pub customer_id: Option<i64>,
    /// Or the customer's e-mail (found, or created).
    pub customer_email: Option<String>,
    /// The customer's name, when created from the e-mail.
    pub customer_name: Option<String>,
    /// email, portal, api (default), phone or social.
    #[schema(value_type = Option<String>)]
    pub channel: Option<Channel>,
    /// low, normal (default), high or urgent.
    #[schema(value_type = Option<String>)]
    pub priority: Option<Priority>,
    /// The queue.
    pub team_id: Option<i64>,
    /// Labels.
    #[serde(default)]
    pub tags: Vec<String>,
    /// The customer's own words.
    pub message: Option<String>,
}

/// Open a ticket.
#[utoipa::path(post, path = "/api/v1/tickets", tag = "tickets", security(("bearer" = [])), request_body = TicketIn,
    responses((status = 201, body = TicketChangeOut), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_ticket(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Json(body): Json<TicketIn>,
) -> ApiResult<(StatusCode, axum::Json<TicketChangeOut>)> {
    let customer = match (body.customer_id, body.customer_email) {
        (Some(id), None) => CustomerRef::Id(CustomerId(id)),
        (None, Some(email)) => CustomerRef::Email {
            email,
            name: body.customer_name.unwrap_or_default(),
        },
        _ => {
            return Err(ApiError::field(
                "customer_id",
                "give either customer_id or customer_email",
            ));
        }
    };
    let open = OpenTicket {
        subject: body.subject,
        customer,
        channel: body.channel.unwrap_or(Channel::Api),
        priority: body.priority.unwrap_or(Priority::Normal),
        team_id: body.team_id.map(TeamId),
        tags: body.tags,
        message: body.message,
    };
    let change = s.app.open_ticket(&caller, open).await?;
    Ok((StatusCode::CREATED, axum::Json((&change).into())))
}

/// Ticket list parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct TicketQuery {
    /// Comma-separated statuses, e.g. `open,pending`.
    pub status: Option<String>,
    /// An agent id, or `none` for unowned tickets.
    pub owner: Option<String>,
    /// A team id.
    pub team: Option<i64>,
    /// A customer id.
    pub customer: Option<i64>,
    /// A priority: `low`, `normal`, `high` or `urgent`.
    pub priority: Option<String>,
    /// The channel it came in through: `email`, `portal`, `api`, `phone`,
    /// `social` or `reviews`.
    pub channel: Option<String>,
    /// A tag the ticket carries (matched in its stored, lower-case form).
    pub tag: Option<String>,
    /// Changed at or after (RFC 3339).
    pub updated_since: Option<String>,
    /// `breached` (a running response-target clock is past due) or `soon`
    /// (due within `due_within` minutes, not yet past).
    pub due: Option<String>,
    /// Minutes ahead that `due=soon` looks (default 120, at most a week).
    pub due_within: Option<i64>,
    /// `-updated_at` (default), `updated_at`, `-created_at`, `created_at` or
    /// `due_at` (soonest due first; tickets with a running clock only).
    pub sort: Option<String>,
    /// From `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1 to 500 (default 50).
    pub limit: Option<i64>,
}

fn filter(q: TicketQuery) -> Result<TicketFilter, ApiError> {
    let sort = match q.sort.as_deref().unwrap_or("-updated_at") {
        "-updated_at" => TicketSort::UpdatedDesc,
        "updated_at" => TicketSort::UpdatedAsc,
        "-created_at" => TicketSort::CreatedDesc,
        "created_at" => TicketSort::CreatedAsc,
        "due_at" => TicketSort::DueAsc,
        other => {
            return Err(ApiError::field(
                "sort",
                format!(
                    "unknown sort {other:?}: use -updated_at, updated_at, -created_at, created_at or due_at"
                ),
            ));
        }
    };
    let now = Timestamp::now();
    let within = q.due_within.unwrap_or(120);
    if !(1..=10_080).contains(&within) {
        return Err(ApiError::field(
            "due_within",
            "must be from 1 to 10080 minutes",
        ));
    }
    let (due_before, due_after) = match q.due.as_deref() {
        None => (None, None),
        Some("breached") => (Some(now), None),
        Some("soon") => (Some(Timestamp(now.0 + within * 60_000_000)), Some(now)),
        Some(other) => {
            return Err(ApiError::field(
                "due",
                format!("unknown due filter {other:?}: use breached or soon"),
            ));
        }
    };
    let after = q
        .cursor
        .as_deref()
        .map(|c| {
            c.split_once('.')
                .and_then(|(k, i)| Some((k.parse::<i64>().ok()?, i.parse::<i64>().ok()?)))
                .ok_or_else(|| ApiError::field("cursor", "not a cursor from this list"))
        })
        .transpose()?;
    let narrowing = crate::narrowing::narrowing(
        q.priority.as_deref(),
        q.channel.as_deref(),
        q.tag.as_deref(),
    )?;
    let limit = q.limit.unwrap_or(50);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::field("limit", "must be from 1 to 500"));
    }
    Ok(TicketFilter {
        statuses: q
            .status
            .as_deref()
            .map(parse_statuses)
            .transpose()?
            .unwrap_or_default(),
        owner: q.owner.as_deref().map(parse_owner).transpose()?,
        team_id: q.team.map(TeamId),
        team_ids: Vec::new(),
        customer_id: q.customer.map(CustomerId),
        priority: narrowing.priority,
        channel: narrowing.channel,
        tag: narrowing.tag,
        updated_since: q
            .updated_since
            .as_deref()
            .map(|t| Timestamp::parse(t).map_err(|m| ApiError::field("updated_since", m)))
            .transpose()?,
        due_before,
        due_after,
        sort,
        after,
        limit,
    })
}

/// List tickets with filters, sorting and cursor pagination.
#[utoipa::path(get, path = "/api/v1/tickets", tag = "tickets", security(("bearer" = [])), params(TicketQuery),
    responses((status = 200, body = Page<TicketOut>), (status = 422, body = ErrorBody)))]
pub async fn list_tickets(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Query(q): Query<TicketQuery>,
) -> ApiResult<axum::Json<Page<TicketOut>>> {
    let filter = filter(q)?;
    let tickets = s
        .app
        .tickets_with_due(&Principal::from(caller), &filter)
        .await?;
    let next_cursor = if tickets.len() as i64 == filter.limit {
        tickets.last().map(|(t, due)| match filter.sort {
            TicketSort::UpdatedAsc | TicketSort::UpdatedDesc => {
                format!("{}.{}", t.updated_at.0, t.id.0)
            }
            TicketSort::CreatedAsc | TicketSort::CreatedDesc => format!("{}.{}", t.id.0, t.id.0),
            TicketSort::DueAsc => format!("{}.{}", due.map_or(0, |d| d.0), t.id.0),
        })
    } else {
        None
    };
    Ok(axum::Json(Page {
        items: tickets
            .iter()
            .map(|(t, due)| TicketOut {
                due_at: due.map(|d| d.to_string()),
                ..t.into()
            })
            .collect(),
        next_cursor,
    }))
}

/// One ticket with its messages.
#[utoipa::path(get, path = "/api/v1/tickets/{id}", tag = "tickets", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = TicketDetailOut), (status = 404, body = ErrorBody)))]
pub async fn get_ticket(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
) -> ApiResult<axum::Json<TicketDetailOut>> {
    let who = Principal::from(caller);
    let view = s.app.ticket(&who, TicketId(id)).await?;
    let clocks = s.app.ticket_clocks(&who, TicketId(id)).await?;
    Ok(axum::Json(TicketDetailOut {
        clocks: Some((&clocks).into()),
        ..(&view).into()
    }))
}

/// One page of a ticket's messages or files.
#[derive(Debug, Deserialize, IntoParams)]
pub struct PageQuery {
    /// From `next_cursor` of the previous page (or `messages_next_cursor` /
    /// `attachments_next_cursor` of the ticket).
    pub cursor: Option<String>,
    /// Page size (messages at most 100, files at most 200); a page of
    /// messages also ends before 4 MiB of text.
    pub limit: Option<i64>,
}

impl PageQuery {
    fn after(&self) -> Result<Option<i64>, ApiError> {
        id_cursor(self.cursor.as_deref())
    }
}

/// The id a list continues after, from the `cursor` of its previous page.
pub(crate) fn id_cursor(cursor: Option<&str>) -> Result<Option<i64>, ApiError> {
    cursor
        .map(|c| {
            c.parse::<i64>()
                .map_err(|_| ApiError::field("cursor", "not a cursor from this list"))
        })
        .transpose()
}

/// A ticket's messages, oldest first, in pages.
#[utoipa::path(get, path = "/api/v1/tickets/{id}/messages", tag = "tickets", security(("bearer" = [])),
    params(("id" = i64, Path), PageQuery), responses((status = 200, body = Page<MessageOut>), (status = 404, body = ErrorBody)))]
pub async fn list_messages(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
    Query(q): Query<PageQuery>,
) -> ApiResult<axum::Json<Page<MessageOut>>> {
    let page = s
        .app
        .ticket_messages(
            &Principal::from(caller),
            TicketId(id),
            q.after()?,
            q.limit.unwrap_or(100),
        )
        .await?;
    Ok(axum::Json((&page).into()))
}

/// A ticket's attachments, in pages.
#[utoipa::path(get, path = "/api/v1/tickets/{id}/attachments", tag = "tickets", security(("bearer" = [])),
    params(("id" = i64, Path), PageQuery), responses((status = 200, body = Page<AttachmentOut>), (status = 404, body = ErrorBody)))]
pub async fn list_attachments(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
    Query(q): Query<PageQuery>,
) -> ApiResult<axum::Json<Page<AttachmentOut>>> {
    let page = s
        .app
        .ticket_attachments(
            &Principal::from(caller),
            TicketId(id),
            q.after()?,
            q.limit.unwrap_or(200),
        )
        .await?;
    Ok(axum::Json((&page).into()))
}

/// What kind of message to add.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MessageKindIn {
    /// Public, to the customer (mailed when the ticket came by mail).
    Reply,
    /// Internal, for the team only.
    Note,
    /// The customer's words, taken down by the agent from a call or chat.
    Customer,
}

impl From<MessageKindIn> for MessageRole {
    fn from(kind: MessageKindIn) -> Self {
        match kind {
            MessageKindIn::Reply => MessageRole::Reply,
            MessageKindIn::Note => MessageRole::Note,
            MessageKindIn::Customer => MessageRole::FromCustomer,
        }
    }
}

/// A message to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageIn {
    /// `reply`, `note` or `customer`.
    pub kind: MessageKindIn,
    /// The text.
    pub body: String,
    /// Send a reply despite blocking coach findings; the reason is recorded.
    pub override_reason: Option<String>,
    /// Uploads (from POST /api/v1/attachments) to attach; a reply mails them.
    #[serde(default)]
    pub attachment_ids: Vec<i64>,
    /// For a reply: what to do with each promise the coach finds in it (by
    /// its position in `POST /coach`'s `promises` for this text). A dated
    /// promise not named is recorded as the coach read it; a vague one only
    /// when rescheduled with a time.
    #[serde(default)]
    pub promises: Vec<super::promises::PromiseChoiceIn>,
    /// For a reply: open promises of this ticket that it keeps.
    #[serde(default)]
    pub fulfils: Vec<i64>,
    /// The newest message of the ticket the sender had seen: when someone
    /// else wrote after it, nothing is sent and the answer is a 409
    /// `ticket_changed` listing the `newer_messages`.
    pub based_on_message_id: Option<i64>,
    /// With `based_on_message_id`: the newest colleague's reply in its undo
    /// window the sender was shown (the `pending_replies` of a 409). A held
    /// reply by a colleague after it stops the send like a message does.
    pub seen_held_reply_id: Option<i64>,
}

/// Add a reply, an internal note or the customer's words.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/messages", tag = "tickets", security(("bearer" = [])), request_body = MessageIn,
    params(("id" = i64, Path)),
    responses((status = 201, body = TicketChangeOut),
        (status = 202, description = "a reply held for undo send (`[mail] undo_send_seconds`): it leaves at release_at unless undone", body = super::undo::HeldReplyOut),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, description = "a field is wrong, or the reply coach blocked the reply (code coach_blocked, with findings)", body = ErrorBody)))]
pub async fn add_message(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
    Json(body): Json<MessageIn>,
) -> ApiResult<axum::response::Response> {
    use axum::response::IntoResponse;
    let decisions = super::promises::decisions(&body.promises, &body.fulfils)?;
    let based_on = body.based_on_message_id.map(|m| Seen {
        message: rapport_core::MessageId(m),
        held: body.seen_held_reply_id.unwrap_or(0),
    });
    let (override_reason, role) = (body.override_reason.as_deref(), body.kind.into());
    if role == MessageRole::Reply {
        let sent = s
            .app
            .send_reply(
                &caller,
                TicketId(id),
                &body.body,
                override_reason,
                &body.attachment_ids,
                &decisions,
                based_on,
            )
            .await?;
        return Ok(match sent {
            Sent::Stored(change) => {
                let out: TicketChangeOut = (&*change).into();
                (StatusCode::CREATED, axum::Json(out)).into_response()
            }
            Sent::Held(held) => {
                let out: super::undo::HeldReplyOut = (&held).into();
                (StatusCode::ACCEPTED, axum::Json(out)).into_response()
            }
        });
    }
    let change = s
        .app
        .add_message_checked(
            &caller,
            TicketId(id),
            role,
            &body.body,
            override_reason,
            &body.attachment_ids,
            &decisions,
            based_on,
        )
        .await?;
    let out: TicketChangeOut = (&change).into();
    Ok((StatusCode::CREATED, axum::Json(out)).into_response())
}

/// Event list parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct EventQuery {
    /// Only events after this event id.
    pub after: Option<i64>,
    /// At most this many (1 to 1000, default 200).
    pub limit: Option<i64>,
}

/// A ticket's event log, oldest first.
#[utoipa::path(get, path = "/api/v1/tickets/{id}/events", tag = "tickets", security(("bearer" = [])),
    params(("id" = i64, Path), EventQuery), responses((status = 200, body = Vec<EventOut>), (status = 404, body = ErrorBody)))]
pub async fn list_events(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
    Query(q): Query<EventQuery>,
) -> ApiResult<axum::Json<Vec<EventOut>>> {
    let limit = q.limit.unwrap_or(200);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::field("limit", "must be from 1 to 1000"));
    }
    let events = s
        .app
        .ticket_events(
            &Principal::from(caller),
            TicketId(id),
            q.after.map(EventId),
            limit,
        )
        .await?;
    Ok(axum::Json(events.iter().map(Into::into).collect()))
}

async fn run(
    s: &AppState,
    caller: &rapport_app::Caller,
    id: i64,
    command: Command,
) -> ApiResult<axum::Json<TicketChangeOut>> {
    let change = s.app.command(caller, TicketId(id), command).await?;
    Ok(axum::Json((&change).into()))
}

/// Who takes an unowned ticket.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignIn {
    /// The new owner (leads may name anyone; agents only themselves).
    pub agent_id: i64,
    /// Move it to this team too.
    pub team_id: Option<i64>,
}

/// Give an unowned ticket its owner.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/assign", tag = "tickets", security(("bearer" = [])), request_body = AssignIn,
    params(("id" = i64, Path)),
    responses((status = 200, body = TicketChangeOut), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn assign(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
    Json(b): Json<AssignIn>,
) -> ApiResult<axum::Json<TicketChangeOut>> {
    run(
        &s,
        &caller,
        id,
        Command::Assign {
            agent: AgentId(b.agent_id),
            team: b.team_id.map(TeamId),
        },
    )
    .await
}

/// A hand-off to another agent or team.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferIn {
    /// The new owner; leave out to put it in `team_id`'s queue.
    pub agent_id: Option<i64>,
    /// The new team.
    pub team_id: Option<i64>,
    /// What the customer already said and what was tried (20+ characters),
    /// so the customer never has to repeat themselves.
    pub note: String,
}

/// Transfer a ticket with a hand-off note.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/transfer", tag = "tickets", security(("bearer" = [])), request_body = TransferIn,
    params(("id" = i64, Path)),
    responses((status = 200, body = TicketChangeOut), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn transfer(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
    Json(b): Json<TransferIn>,
) -> ApiResult<axum::Json<TicketChangeOut>> {
    let command = Command::Transfer {
        to_agent: b.agent_id.map(AgentId),
        to_team: b.team_id.map(TeamId),
        note: b.note,
    };
    run(&s, &caller, id, command).await
}

/// A new status.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusIn {
    /// open, pending, on_hold, solved or closed.
    #[schema(value_type = String)]
    pub status: Status,
}

/// Change a ticket's status (solving needs a public reply; closing needs solved).
#[utoipa::path(post, path = "/api/v1/tickets/{id}/status", tag = "tickets", security(("bearer" = [])), request_body = StatusIn,
    params(("id" = i64, Path)),
    responses((status = 200, body = TicketChangeOut), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn set_status(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
    Json(b): Json<StatusIn>,
) -> ApiResult<axum::Json<TicketChangeOut>> {
    run(&s, &caller, id, Command::ChangeStatus { to: b.status }).await
}

/// Tags to add and remove.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TagsIn {
    /// Tags to add.
    #[serde(default)]
    pub add: Vec<String>,
    /// Tags to remove.
    #[serde(default)]
    pub remove: Vec<String>,
}

/// Add and remove tags.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/tags", tag = "tickets", security(("bearer" = [])), request_body = TagsIn,
    params(("id" = i64, Path)), responses((status = 200, body = TicketChangeOut), (status = 409, body = ErrorBody)))]
pub async fn tag(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
    Json(b): Json<TagsIn>,
) -> ApiResult<axum::Json<TicketChangeOut>> {
    run(
        &s,
        &caller,
        id,
        Command::Tag {
            add: b.add,
            remove: b.remove,
        },
    )
    .await
}

/// A new priority.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PriorityIn {
    /// low, normal, high or urgent.
    #[schema(value_type = String)]
    pub priority: Priority,
}

/// Change a ticket's priority.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/priority", tag = "tickets", security(("bearer" = [])), request_body = PriorityIn,
    params(("id" = i64, Path)), responses((status = 200, body = TicketChangeOut), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn set_priority(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
    Json(b): Json<PriorityIn>,
) -> ApiResult<axum::Json<TicketChangeOut>> {
    run(&s, &caller, id, Command::SetPriority { to: b.priority }).await
}

/// Why a ticket is spam.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SpamIn {
    /// Why.
    pub reason: String,
}

/// Close a ticket as spam (leads and admins).
#[utoipa::path(post, path = "/api/v1/tickets/{id}/close-as-spam", tag = "tickets", security(("bearer" = [])), request_body = SpamIn,
    params(("id" = i64, Path)), responses((status = 200, body = TicketChangeOut), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn close_as_spam(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
    Json(b): Json<SpamIn>,
) -> ApiResult<axum::Json<TicketChangeOut>> {
    run(&s, &caller, id, Command::CloseAsSpam { reason: b.reason }).await
}

/// The ticket that carries on, and why.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DuplicateIn {
    /// The surviving ticket.
    pub of: i64,
    /// Why it is the same request.
    pub reason: String,
}

/// Close a ticket as a duplicate of another (leads and admins).
#[utoipa::path(post, path = "/api/v1/tickets/{id}/close-as-duplicate", tag = "tickets", security(("bearer" = [])), request_body = DuplicateIn,
    params(("id" = i64, Path)),
    responses((status = 200, body = TicketChangeOut), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn close_as_duplicate(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
    Json(b): Json<DuplicateIn>,
) -> ApiResult<axum::Json<TicketChangeOut>> {
    run(
        &s,
        &caller,
        id,
        Command::CloseAsDuplicate {
            of: TicketId(b.of),
            reason: b.reason,
        },
    )
    .await
}
