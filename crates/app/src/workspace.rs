//! The agent workspace's reads: the ticket views with their counts, and the
//! ticket page (conversation, files, events, the customer and their other
//! tickets). Each is built from the use cases the JSON API calls, so the
//! same authorization applies.

use crate::{App, AppError, Caller, Principal};
use rapport_core::{
    AgentId, Channel, CustomerId, Event, Priority, PromiseStatus, Status, TeamId, Ticket, TicketId,
};
use rapport_store::{AgentRecord, CustomerRecord, PromiseFilter, TicketFilter, TicketSort};
use std::collections::HashMap;

/// Counts stop here: a view holding more shows "1000+" (the count walks
/// the view's index no further, so it stays fast at a million tickets).
pub const COUNT_CAP: i64 = 1000;
/// Tickets per page of a view.
pub const VIEW_PAGE: i64 = 50;
/// The customer's other tickets shown beside a ticket.
pub const OTHER_TICKETS: i64 = 20;
/// The events shown on a ticket page.
pub const EVENTS_SHOWN: i64 = 500;

/// A list of tickets in the workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// The caller's own tickets that are not done.
    Mine,
    /// Tickets nobody owns yet.
    Unassigned,
    /// Every ticket that is not done nor waiting on the customer.
    AllOpen,
    /// Tickets waiting for the customer's answer.
    WaitingOnCustomer,
    /// The open tickets of the caller's teams (every one they belong to).
    MyTeam,
    /// The tickets of the caller's open promises, the soonest due first.
    PromisesDue,
    /// Open tickets whose response target falls due within two hours, the
    /// soonest first.
    DueSoon,
    /// Open tickets whose response target has passed, the longest overdue first.
    Breached,
}

/// How far ahead the Due soon view looks.
pub const DUE_SOON_MINUTES: i64 = 120;

rapport_core::str_enum!(View {
    View::Mine => "mine",
    View::Unassigned => "unassigned",
    View::AllOpen => "open",
    View::WaitingOnCustomer => "waiting",
    View::MyTeam => "team",
    View::PromisesDue => "promises",
    View::DueSoon => "due",
    View::Breached => "breached",
});

impl View {
    /// Every view, in the order the workspace shows them.
    pub const ALL: [View; 8] = [
        View::Mine,
        View::Unassigned,
        View::MyTeam,
        View::AllOpen,
        View::DueSoon,
        View::Breached,
        View::WaitingOnCustomer,
        View::PromisesDue,
    ];

    /// Whether the view lists by response-target due time.
    pub fn by_due(self) -> bool {
        matches!(self, View::DueSoon | View::Breached)
    }

    /// Its name for people.
    pub fn title(self) -> &'static str {
        match self {
            View::Mine => "Mine",
            View::Unassigned => "Unassigned",
            View::AllOpen => "All open",
            View::WaitingOnCustomer => "Waiting on customer",
            View::MyTeam => "My team",
            View::PromisesDue => "Promises due",
            View::DueSoon => "Due soon",
            View::Breached => "Breached",
        }
    }

    /// The filter of this view for this agent (in these teams, for My
    /// team; Promises due is read from the promises, not a filter).
    pub fn filter(self, agent: AgentId, teams: &[TeamId]) -> TicketFilter {
        let (statuses, owner) = match self {
            View::Mine => (
                vec![Status::New, Status::Open, Status::Pending, Status::OnHold],
                Some(Some(agent)),
            ),
            View::Unassigned => (vec![Status::New, Status::Open], Some(None)),
            View::AllOpen => (vec![Status::New, Status::Open, Status::OnHold], None),
            View::WaitingOnCustomer => (vec![Status::Pending], None),
            View::MyTeam | View::PromisesDue | View::DueSoon | View::Breached => (
                vec![Status::New, Status::Open, Status::Pending, Status::OnHold],
                None,
            ),
        };
        let now = rapport_core::Timestamp::now();
        let (due_before, due_after) = match self {
            View::DueSoon => (Some(now.plus_seconds(DUE_SOON_MINUTES * 60)), Some(now)),
            View::Breached => (Some(now), None),
            _ => (None, None),
        };
        TicketFilter {
            statuses,
            owner,
            team_ids: if self == View::MyTeam {
                teams.to_vec()
            } else {
                Vec::new()
            },
            due_before,
            due_after,
            sort: if self.by_due() {
                TicketSort::DueAsc
            } else {
                TicketSort::default()
            },
            ..TicketFilter::default()
        }
    }
}

/// A view and how many tickets it holds (at most [`COUNT_CAP`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ViewCount {
    /// The view.
    pub view: View,
    /// Its tickets, counted up to [`COUNT_CAP`].
    pub count: i64,
}

impl ViewCount {
    /// The count as shown: "1000+" past the cap.
    pub fn label(&self) -> String {
        if self.count >= COUNT_CAP {
            format!("{COUNT_CAP}+")
        } else {
            self.count.to_string()
        }
    }
}

/// What narrows a view further (the inbox's filter form): a team's queue,
/// one status, one priority, one channel, one tag; none narrows nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Narrow {
    /// Only this team's tickets.
    pub team: Option<TeamId>,
    /// Only tickets in this status (a status outside the view finds none).
    pub status: Option<Status>,
    /// Only tickets of this priority.
    pub priority: Option<Priority>,
    /// Only tickets that came in through this channel.
    pub channel: Option<Channel>,
    /// Only tickets carrying this tag (in its stored form, see
    /// [`rapport_core::ticket::normalize_tag`]).
    pub tag: Option<String>,
}

impl Narrow {
    /// Narrows a view's filter; `None` when nothing can match.
    fn apply(&self, mut filter: TicketFilter) -> Option<TicketFilter> {
        if let Some(team) = self.team {
            if !filter.team_ids.is_empty() && !filter.team_ids.contains(&team) {
                return None;
            }
            filter.team_ids.clear();
            filter.team_id = Some(team);
        }
        if let Some(status) = self.status {
            filter.statuses.retain(|s| *s == status);
            if filter.statuses.is_empty() {
                return None;
            }
        }
        filter.priority = self.priority;
        filter.channel = self.channel;
        filter.tag = self.tag.clone();
        Some(filter)
    }

    /// The filter a page of `view` narrowed by this reads for the agent (in
    /// these teams), in this order after this cursor: what
    /// [`App::view_page`] lists. `None` when nothing can match; a view
    /// ordered by due time keeps that order.
    pub fn page_filter(
        &self,
        view: View,
        agent: AgentId,
        teams: &[TeamId],
        sort: TicketSort,
        after: Option<(i64, i64)>,
    ) -> Option<TicketFilter> {
        let base = self.apply(view.filter(agent, teams))?;
        Some(TicketFilter {
            sort: if view.by_due() { base.sort } else { sort },
            after,
            limit: VIEW_PAGE + 1,
            ..base
        })
    }

    /// Whether a ticket passes (for views not read through a filter).
    fn admits(&self, ticket: &Ticket) -> bool {
        self.team.is_none_or(|t| ticket.team_id == Some(t))
            && self.status.is_none_or(|s| ticket.status == s)
            && self.priority.is_none_or(|p| ticket.priority == p)
            && self.channel.is_none_or(|c| ticket.channel == c)
            && self
                .tag
                .as_ref()
                .is_none_or(|tag| ticket.tags.contains(tag))
    }
}

/// One page of a view.
#[derive(Debug, Clone)]
pub struct ViewPage {
    /// The tickets.
    pub tickets: Vec<Ticket>,
    /// The cursor of the next page, when there is one.
    pub next: Option<(i64, i64)>,
    /// The names of the tickets' customers.
    pub customers: HashMap<CustomerId, String>,
    /// The names of every agent (owners).
    pub agents: HashMap<AgentId, String>,
    /// When each ticket's earliest running response target falls due.
    pub due: HashMap<TicketId, rapport_core::Timestamp>,
    /// The business time zone, for the times shown.
    pub zone: jiff::tz::TimeZone,
}

/// Everything the ticket page shows.
#[derive(Debug, Clone)]
pub struct TicketPage {
    /// The ticket.
    pub ticket: Ticket,
    /// The messages shown (the newest, or a page back), with their files.
    pub conversation: crate::tickets::Conversation,
    /// Its events, oldest first.
    pub events: Vec<Event>,
    /// Who asked.
    pub customer: CustomerRecord,
    /// The customer's addresses that bounce.
    pub bouncing: Vec<String>,
    /// The customer's attributes (tier, region, ...) by name.
    pub attributes: std::collections::BTreeMap<String, String>,
    /// The customer's other tickets, newest change first.
    pub other_tickets: Vec<Ticket>,
    /// The active agents (names of owners and authors, transfer targets).
    pub agents: Vec<AgentRecord>,
    /// The business time zone, for the times shown.
    pub zone: jiff::tz::TimeZone,
}

impl App {
    /// Every view with its count, for the agent.
    pub async fn view_counts(&self, caller: &Caller) -> Result<Vec<ViewCount>, AppError> {
        caller.require(rapport_core::Permission::Read, "list tickets")?;
        let teams = self.teams_of(caller).await?;
        let mut counts = Vec::with_capacity(View::ALL.len());
        for view in View::ALL {
            let count = match (view, teams.is_empty()) {
                (View::PromisesDue, _) => self
                    .store()
                    .promise_counts(&open_promises_of(caller.agent_id))
                    .await?
                    .open
                    .min(COUNT_CAP),
                (View::MyTeam, true) => 0,
                _ => {
                    self.store()
                        .count_tickets(&view.filter(caller.agent_id, &teams), COUNT_CAP)
                        .await?
                }
            };
            counts.push(ViewCount { view, count });
        }
        Ok(counts)
    }

    /// A page of a view in an order, after a keyset cursor.
    pub async fn view_page(
        &self,
        caller: &Caller,
        view: View,
        narrow: Narrow,
        sort: TicketSort,
        after: Option<(i64, i64)>,
    ) -> Result<ViewPage, AppError> {
        let teams = self.teams_of(caller).await?;
        let mut due = HashMap::new();
        let base = narrow.page_filter(view, caller.agent_id, &teams, sort, after);
        let (tickets, next) = match (view, teams.is_empty(), base) {
            (View::PromisesDue, _, _) => {
                let mut tickets = self.promised_tickets(caller).await?;
                tickets.retain(|t| narrow.admits(t));
                (tickets, None)
            }
            (View::MyTeam, true, _) | (_, _, None) => (Vec::new(), None),
            (_, _, Some(filter)) => {
                let sort = filter.sort;
                let mut rows = self.tickets_with_due(&caller.into(), &filter).await?;
                let more = rows.len() > VIEW_PAGE as usize;
                rows.truncate(VIEW_PAGE as usize);
                let next = more
                    .then(|| rows.last().map(|(t, d)| cursor_of(t, *d, sort)))
                    .flatten();
                due.extend(rows.iter().filter_map(|(t, d)| d.map(|d| (t.id, d))));
                (rows.into_iter().map(|(t, _)| t).collect(), next)
            }
        };
        let mut ids: Vec<CustomerId> = tickets.iter().map(|t| t.customer_id).collect();
        ids.sort_unstable_by_key(|c| c.0);
        ids.dedup();
        let customers = self
            .store()
            .customer_names(&ids)
            .await?
            .into_iter()
            .collect();
        let agents = self
            .agents(caller)
            .await?
            .into_iter()
            .map(|a| (a.id, a.name))
            .collect();
        Ok(ViewPage {
            tickets,
            next,
            customers,
            agents,
            due,
            zone: self.business_calendar().await?.time_zone().clone(),
        })
    }

    /// The ticket page: the ticket with its conversation, events, customer
    /// and the customer's other tickets; agents only (a customer's is
    /// [`App::portal_ticket`]).
    pub async fn ticket_page(
        &self,
        who: &Principal,
        id: TicketId,
        before: Option<rapport_core::MessageId>,
    ) -> Result<TicketPage, AppError> {
        let caller = who.agent(rapport_core::Permission::Read, "read tickets")?;
        let ticket = self.store().ticket(id).await?;
        let conversation = self.conversation_page(id, before, false).await?;
        let events = self.ticket_events(who, id, None, EVENTS_SHOWN).await?;
        let customer = self.customer(who, ticket.customer_id).await?;
        let bouncing = self
            .bouncing_addresses(who, customer.id)
            .await?
            .into_iter()
            .map(|(address, _, _)| address)
            .collect();
        let attributes = self.customer_attributes(caller, customer.id).await?;
        let filter = TicketFilter {
            customer_id: Some(customer.id),
            limit: OTHER_TICKETS + 1,
            ..TicketFilter::default()
        };
        let other_tickets = self
            .tickets(who, &filter)
            .await?
            .into_iter()
            .filter(|t| t.id != id)
            .take(OTHER_TICKETS as usize)
            .collect();
        let agents = self
            .agents(caller)
            .await?
            .into_iter()
            .filter(|a| a.active)
            .collect();
        Ok(TicketPage {
            ticket,
            conversation,
            events,
            customer,
            bouncing,
            attributes,
            other_tickets,
            agents,
            zone: self.business_calendar().await?.time_zone().clone(),
        })
    }
}

/// The caller's open promises.
fn open_promises_of(agent: AgentId) -> PromiseFilter {
    PromiseFilter {
        owner: Some(agent),
        status: Some(PromiseStatus::Open),
        ..PromiseFilter::default()
    }
}

/// The most open promises the Promises due view reads.
const PROMISES_READ: i64 = 500;

impl App {
    /// The teams whose tickets are "My team": every one the caller belongs to.
    async fn teams_of(&self, caller: &Caller) -> Result<Vec<TeamId>, AppError> {
        Ok(self
            .store()
            .teams()
            .await?
            .into_iter()
            .filter(|t| t.members.contains(&caller.agent_id))
            .map(|t| t.id)
            .collect())
    }

    /// The tickets of the caller's open promises, the soonest due first
    /// (one page: a ticket once, at its soonest promise).
    async fn promised_tickets(&self, caller: &Caller) -> Result<Vec<Ticket>, AppError> {
        let mut promises = self
            .store()
            .promises(&open_promises_of(caller.agent_id), None, PROMISES_READ)
            .await?;
        promises.sort_by_key(|p| (p.due_at, p.id.0));
        let mut ids: Vec<TicketId> = Vec::new();
        for p in promises {
            if !ids.contains(&p.ticket_id) && ids.len() < VIEW_PAGE as usize {
                ids.push(p.ticket_id);
            }
        }
        let mut tickets = Vec::with_capacity(ids.len());
        for id in ids {
            tickets.push(self.store().ticket(id).await?);
        }
        Ok(tickets)
    }
}

/// The image types a page shows inline (the rest are only downloads).
pub const INLINE_IMAGE_TYPES: [&str; 4] = ["image/png", "image/jpeg", "image/gif", "image/webp"];

/// Points a sanitised message's `cid:` images at the files they name:
/// `images` holds each inline image's Content-ID (without `<>`) and the URL
/// that serves it. Other `cid:` references stay as they are (and show nothing).
pub fn link_inline_images(html: &str, images: &[(String, String)]) -> String {
    let mut out = html.to_string();
    for (cid, url) in images {
        let cid = cid.trim_matches(|c| c == '<' || c == '>');
        if cid.is_empty() || cid.contains('"') {
            continue;
        }
        out = out.replace(&format!("src=\"cid:{cid}\""), &format!("src=\"{url}\""));
    }
    out
}

/// The keyset cursor of a ticket in a sort order.
pub fn cursor_of(
    ticket: &Ticket,
    due: Option<rapport_core::Timestamp>,
    sort: TicketSort,
) -> (i64, i64) {
    match sort {
        TicketSort::UpdatedDesc | TicketSort::UpdatedAsc => (ticket.updated_at.0, ticket.id.0),
        TicketSort::CreatedDesc | TicketSort::CreatedAsc => (ticket.id.0, ticket.id.0),
        TicketSort::DueAsc => (due.map_or(0, |d| d.0), ticket.id.0),
    }
}
