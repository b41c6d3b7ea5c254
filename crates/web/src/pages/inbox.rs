//! The workspace's ticket views: counts, sort, keyset pages.

use super::render::{Chrome, PageError, page, when};
use super::session::AgentPage;
use crate::extract::Query;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Redirect, Response};
use rapport_app::TicketSort;
use rapport_app::i18n::Lang;
use rapport_app::workspace::{Narrow, View};
use rapport_core::{Channel, Priority, Status, TeamId};
use serde::Deserialize;

/// A view's tab: key, title, count, whether it is shown.
struct ViewTab {
    key: &'static str,
    title: &'static str,
    count: String,
    current: bool,
}

/// A ticket's row.
struct Row {
    id: i64,
    subject: String,
    customer: String,
    status: &'static str,
    owner: String,
    updated: String,
    updated_iso: String,
    /// Who else has it open: (name, "viewing" or "replying").
    here: Vec<(String, &'static str)>,
    /// When its response target falls due (shown, ISO), and whether that passed.
    due: Option<(String, String, bool)>,
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    chrome: Chrome,
    view_title: &'static str,
    view_key: &'static str,
    sort_key: &'static str,
    views: Vec<ViewTab>,
    sorts: Vec<(&'static str, &'static str, bool)>,
    rows: Vec<Row>,
    first_page: bool,
    next: Option<String>,
    /// The agents a bulk assign offers: (id, name).
    agents: Vec<(i64, String)>,
    /// The statuses a bulk change offers.
    statuses: Vec<&'static str>,
    /// The teams the filter offers: (id, name, chosen).
    teams: Vec<(i64, String, bool)>,
    /// The statuses the filter offers: (status, chosen).
    filter_statuses: Vec<(&'static str, bool)>,
    /// The priorities the filter offers: (priority, chosen).
    filter_priorities: Vec<(&'static str, bool)>,
    /// The channels the filter offers: (channel, chosen).
    filter_channels: Vec<(&'static str, bool)>,
    /// The tag the filter holds (empty: any).
    filter_tag: String,
    /// The filter as pager links repeat it (`&team=3&status=open`, or empty).
    narrow_query: String,
}

/// The orders a view can be sorted in: (key, label, order).
const SORTS: [(&str, &str, TicketSort); 4] = [
    (
        "updated_desc",
        "inbox.sort.updated_desc",
        TicketSort::UpdatedDesc,
    ),
    (
        "updated_asc",
        "inbox.sort.updated_asc",
        TicketSort::UpdatedAsc,
    ),
    (
        "created_desc",
        "inbox.sort.created_desc",
        TicketSort::CreatedDesc,
    ),
    (
        "created_asc",
        "inbox.sort.created_asc",
        TicketSort::CreatedAsc,
    ),
];

/// A view's title in the reader's language (`view.<key>`).
pub fn view_title(lang: Lang, view: View) -> &'static str {
    super::render::word(lang, "view", view.as_str())
}

/// The query of the inbox.
#[derive(Deserialize)]
pub struct InboxQuery {
    view: Option<String>,
    sort: Option<String>,
    /// Only this team's tickets (its id).
    team: Option<String>,
    /// Only tickets in this status.
    status: Option<String>,
    /// Only tickets of this priority.
    priority: Option<String>,
    /// Only tickets that came in through this channel.
    channel: Option<String>,
    /// Only tickets carrying this tag.
    tag: Option<String>,
    after: Option<String>,
    /// After a bulk action: tickets changed and refused.
    done: Option<usize>,
    refused: Option<usize>,
}

/// `/` leads to the workspace.
pub async fn root() -> Redirect {
    Redirect::to("/app")
}

/// A view of tickets, with every view's count.
pub async fn inbox(
    State(s): State<AppState>,
    agent: AgentPage,
    Query(q): Query<InboxQuery>,
) -> Result<Response, PageError> {
    let view = match q.view.as_deref() {
        None | Some("") => View::Mine,
        Some(v) => v.parse::<View>().map_err(|_| {
            crate::error::ApiError::refusal(
                "view",
                rapport_app::msg!("error.page.view", value = format!("{v:?}")),
            )
        })?,
    };
    let (sort_key, _, sort) = match q.sort.as_deref() {
        None | Some("") => SORTS[0],
        Some(k) => *SORTS.iter().find(|(key, _, _)| *key == k).ok_or_else(|| {
            crate::error::ApiError::refusal(
                "sort",
                rapport_app::msg!("error.page.sort", value = format!("{k:?}")),
            )
        })?,
    };
    let after = q.after.as_deref().map(parse_cursor).transpose()?;
    let narrow = narrow(&q)?;
    let lang = agent.chrome.lang;
    let counts = s.app.view_counts(&agent.caller).await?;
    let found = s
        .app
        .view_page(&agent.caller, view, narrow.clone(), sort, after)
        .await?;
    let teams = s
        .app
        .teams(&agent.caller)
        .await?
        .into_iter()
        .filter(|t| t.archived_at.is_none())
        .map(|t| (t.id.0, t.name, Some(t.id) == narrow.team))
        .collect();
    let filter_priorities = Priority::ALL
        .iter()
        .map(|p| (p.as_str(), Some(*p) == narrow.priority))
        .collect();
    let filter_channels = Channel::ALL
        .iter()
        .map(|c| (c.as_str(), Some(*c) == narrow.channel))
        .collect();
    let ids: Vec<_> = found.tickets.iter().map(|t| t.id).collect();
    let mut here = s.app.presence(&agent.caller, &ids).await?;
    let views = counts
        .iter()
        .map(|c| ViewTab {
            key: c.view.as_str(),
            title: view_title(lang, c.view),
            count: c.label(),
            current: c.view == view,
        })
        .collect();
    let rows = found
        .tickets
        .iter()
        .map(|t| {
            let (updated, updated_iso) = when(t.updated_at, &found.zone, lang);
            let now = rapport_core::Timestamp::now();
            let due = found.due.get(&t.id).map(|d| {
                let (shown, iso) = when(*d, &found.zone, lang);
                (shown, iso, d.0 <= now.0)
            });
            Row {
                id: t.id.0,
                subject: t.subject.clone(),
                customer: found
                    .customers
                    .get(&t.customer_id)
                    .cloned()
                    .unwrap_or_default(),
                status: t.status.as_str(),
                owner: t
                    .owner_id
                    .and_then(|o| found.agents.get(&o).cloned())
                    .unwrap_or_else(|| "—".into()),
                updated,
                updated_iso,
                due,
                here: here
                    .remove(&t.id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|p| (p.name, p.activity.as_str()))
                    .collect(),
            }
        })
        .collect();
    let mut agents: Vec<(i64, String)> = found
        .agents
        .iter()
        .map(|(id, name)| (id.0, name.clone()))
        .collect();
    agents.sort_by(|a, b| a.1.cmp(&b.1));
    let mut chrome = agent.chrome;
    if let (Some(done), Some(refused)) = (q.done, q.refused) {
        let text = if refused == 0 {
            chrome.t1("inbox.done", done)
        } else {
            chrome.t2("inbox.done_refused", done, refused)
        };
        chrome = chrome.with_notice(text, refused > 0);
    }
    let template = InboxPage {
        chrome,
        agents,
        statuses: rapport_core::Status::ALL
            .iter()
            .map(|s| s.as_str())
            .collect(),
        view_title: view_title(lang, view),
        view_key: view.as_str(),
        sort_key,
        views,
        sorts: SORTS.iter().map(|(k, l, o)| (*k, *l, *o == sort)).collect(),
        rows,
        first_page: after.is_none(),
        next: found.next.map(|(k, i)| format!("{k}.{i}")),
        teams,
        filter_statuses: Status::ALL
            .iter()
            .map(|st| (st.as_str(), Some(*st) == narrow.status))
            .collect(),
        filter_priorities,
        filter_channels,
        filter_tag: narrow.tag.clone().unwrap_or_default(),
        narrow_query: narrow_query(&narrow),
    };
    Ok(page(StatusCode::OK, &template))
}

/// A cursor as the pager writes it: `<sort key>.<id>`.
pub(super) fn parse_cursor(text: &str) -> Result<(i64, i64), PageError> {
    text.split_once('.')
        .and_then(|(k, i)| Some((k.parse().ok()?, i.parse().ok()?)))
        .ok_or_else(|| {
            crate::error::ApiError::refusal("after", rapport_app::msg!("error.page.cursor")).into()
        })
}

/// What the filter form chose (empty: any); a value it never offers is
/// refused.
fn narrow(q: &InboxQuery) -> Result<Narrow, PageError> {
    let refused = |field: &str, message: rapport_app::Msg| -> PageError {
        crate::error::ApiError::refusal(field, message).into()
    };
    let chosen = |v: &Option<String>| v.as_deref().filter(|v| !v.is_empty()).map(str::to_owned);
    let team = match chosen(&q.team) {
        None => None,
        Some(t) => Some(TeamId(t.parse().map_err(|_| {
            refused(
                "team",
                rapport_app::msg!("error.page.team", value = format!("{t:?}")),
            )
        })?)),
    };
    let status = match chosen(&q.status) {
        None => None,
        Some(st) => Some(st.parse::<Status>().map_err(|_| {
            refused(
                "status",
                rapport_app::msg!("error.tickets.bad_status", status = format!("{st:?}")),
            )
        })?),
    };
    let narrowing = crate::narrowing::narrowing(
        q.priority.as_deref(),
        q.channel.as_deref(),
        q.tag.as_deref(),
    )?;
    Ok(Narrow {
        team,
        status,
        priority: narrowing.priority,
        channel: narrowing.channel,
        tag: narrowing.tag,
    })
}

/// The filter as the pager's links repeat it.
fn narrow_query(narrow: &Narrow) -> String {
    let mut query = String::new();
    if let Some(team) = narrow.team {
        query.push_str(&format!("&team={}", team.0));
    }
    if let Some(status) = narrow.status {
        query.push_str(&format!("&status={}", status.as_str()));
    }
    if let Some(priority) = narrow.priority {
        query.push_str(&format!("&priority={}", priority.as_str()));
    }
    if let Some(channel) = narrow.channel {
        query.push_str(&format!("&channel={}", channel.as_str()));
    }
    if let Some(tag) = &narrow.tag {
        query.push_str(&format!("&tag={}", super::search::percent_encode(tag)));
    }
    query
}
