//! Search: the use cases (agents, the portal's customers), the indexer that
//! keeps this server's index current from the database's change feed, and
//! the rebuild behind `rapport reindex`.
//!
//! Every change writes a `search_changes` row in its own transaction
//! (`rapport_store::search_feed`). Each server tails that feed into its own
//! index in `<data-dir>/search/`. The feed's ids are not commit-ordered on
//! PostgreSQL (a transaction may take id 10 and commit after id 11 is
//! visible), so the indexer keeps a watermark below every gap it has seen:
//! a missing id is re-checked until it appears or its [`GRACE`] has passed
//! (a rolled-back transaction leaves a gap forever; the bookkeeping is
//! `feed_gaps`, shared with the live feed). Applying a row
//! re-reads its ticket whole, so reading a row twice is harmless, and the
//! watermark is committed with the documents, so after a crash the indexer
//! catches up from where its index stands, without a rebuild.

use crate::feed_gaps::Gaps;
use crate::{App, AppError, Principal};
use rapport_core::{CustomerId, MessageKind, Permission, Ticket, TicketId, Timestamp};
use rapport_search::query::{DateRange, OwnerRef, Term};
use rapport_search::{Context, MessageDoc, Query, QueryError, SearchIndex, TicketDoc, Watermark};
use rapport_store::{SearchChange, SearchSource};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::watch;

pub use rapport_search::{Language, MAX_PAGE, Sort};

/// How long a gap in the feed is waited for before it counts as a
/// rolled-back transaction. Longer than any write transaction runs.
pub const GRACE: Duration = Duration::from_secs(60);
/// How often the indexer looks for changes (a change is searchable within
/// this plus one commit).
pub const POLL: Duration = Duration::from_millis(200);
/// Feed rows read per step.
const BATCH: i64 = 2000;
/// Tickets read from the database per statement group.
const SOURCES_PER_READ: usize = 500;
/// Feed rows older than this are pruned; an index older than it is rebuilt.
pub const RETENTION: Duration = Duration::from_secs(7 * 24 * 3600);

/// The search index this server serves, shared by every clone of [`App`].
#[derive(Debug)]
pub(crate) struct SearchService {
    index: SearchIndex,
    root: PathBuf,
    language: Language,
    created: bool,
}

/// What an agent or customer asks.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    /// The query text.
    pub q: String,
    /// The order.
    pub sort: Sort,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Results per page (1 to 100).
    pub limit: usize,
}

/// One page of results.
#[derive(Debug, Clone)]
pub struct SearchResults {
    /// The tickets found, best first (or newest first).
    pub hits: Vec<SearchHit>,
    /// The cursor of the next page, when there is one.
    pub next_cursor: Option<String>,
}

/// One ticket found.
#[derive(Debug, Clone)]
pub struct SearchHit {
    /// The ticket as stored now.
    pub ticket: Ticket,
    /// Its subject with the matched words in `<mark>`, HTML-escaped.
    pub subject_html: String,
    /// A fragment of its messages with the matched words in `<mark>`,
    /// HTML-escaped (empty when the match is not in the text).
    pub snippet_html: String,
    /// The relevance score (0 when sorted by date).
    pub score: f32,
}

/// What a rebuild did.
#[derive(Debug, Clone, Copy)]
pub struct RebuildReport {
    /// Tickets indexed.
    pub tickets: u64,
    /// Bytes on disk of the new index.
    pub bytes: u64,
}

fn search_error(e: rapport_search::SearchError) -> AppError {
    AppError::Search(e.to_string())
}

/// A filter on what only staff see (a customer's query never names one).
fn staff_only(term: &Term) -> bool {
    matches!(
        term,
        Term::Tag(_) | Term::Owner(_) | Term::Team(_) | Term::Due(_) | Term::Breached(_)
    )
}

fn query_error(e: QueryError) -> AppError {
    AppError::BadQuery {
        message: crate::error::query_words(&e.kind),
        start: e.span.start,
        end: e.span.end,
    }
}

/// Runs blocking index work off the async workers.
async fn blocking<R: Send + 'static>(
    work: impl FnOnce() -> Result<R, rapport_search::SearchError> + Send + 'static,
) -> Result<R, AppError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| AppError::Internal(format!("search worker stopped: {e}")))?
        .map_err(search_error)
}

/// Today and tomorrow in `zone` as UTC ranges (a day of a clock change is
/// 23 or 25 hours long).
fn days_around(now: Timestamp, zone: &jiff::tz::TimeZone) -> (DateRange, DateRange) {
    let start = |date: jiff::civil::Date| {
        date.to_zoned(zone.clone())
            .ok()
            .map(|z| z.timestamp().as_microsecond())
    };
    let Ok(at) = jiff::Timestamp::from_microsecond(now.0) else {
        return (DateRange::default(), DateRange::default());
    };
    let today = at.to_zoned(zone.clone()).date();
    let tomorrow = today.tomorrow().ok();
    let after = tomorrow.and_then(|d| d.tomorrow().ok());
    let (a, b, c) = (
        start(today),
        tomorrow.and_then(start),
        after.and_then(start),
    );
    (
        DateRange { from: a, until: b },
        DateRange { from: b, until: c },
    )
}

/// A ticket's search document from what the store read.
fn ticket_doc(s: SearchSource) -> TicketDoc {
    TicketDoc {
        id: s.ticket.id.0,
        subject: s.ticket.subject,
        status: s.ticket.status.as_str().to_string(),
        team_id: s.ticket.team_id.map(|t| t.0),
        owner_id: s.ticket.owner_id.map(|a| a.0),
        customer_id: s.ticket.customer_id.0,
        customer_name: s.customer_name,
        customer_addresses: s.customer_addresses,
        tags: s.ticket.tags,
        messages: s
            .messages
            .into_iter()
            .map(|m| MessageDoc {
                sender_name: m.author_name,
                sender_addresses: m.author_addresses,
                text: m.text,
                internal: m.kind == MessageKind::Internal,
            })
            .collect(),
        attachments: s.attachments,
        note_attachments: s.note_attachments,
        created_at: s.ticket.created_at.0,
        updated_at: s.ticket.updated_at.0,
        due_at: s.due_at.map(|t| t.0),
    }
}

impl App {
    /// Opens (or creates) the search index under `root` (normally
    /// `<data-dir>/search`) for every clone of this app. Returns false when
    /// search was already on.
    pub fn enable_search(&self, root: &Path, language: Language) -> Result<bool, AppError> {
        if self.search.get().is_some() {
            return Ok(false);
        }
        let (index, created) = SearchIndex::open(root, language).map_err(search_error)?;
        let service = SearchService {
            index,
            root: root.to_path_buf(),
            language,
            created,
        };
        Ok(self.search.set(Arc::new(service)).is_ok())
    }

    fn search_service(&self) -> Result<Arc<SearchService>, AppError> {
        self.search
            .get()
            .cloned()
            .ok_or_else(|| AppError::Search("search is not enabled on this server".into()))
    }

    /// Searches what the reader may read: an agent every ticket (with the
    /// `read` permission, notes included), a customer their own tickets'
    /// public text only.
    pub async fn search(
        &self,
        who: &Principal,
        request: &SearchRequest,
    ) -> Result<SearchResults, AppError> {
        match who {
            Principal::Agent(_) => {
                let caller = who.agent(Permission::Read, "search tickets")?;
                let query = Query::parse(&request.q).map_err(query_error)?;
                let ctx = self.search_context(&query, Some(caller.agent_id.0)).await?;
                self.run_search(query, ctx, request).await
            }
            Principal::Customer(customer) => self.customer_search(*customer, request).await,
        }
    }

    /// Searches one customer's own tickets (the portal).
    async fn customer_search(
        &self,
        customer: CustomerId,
        request: &SearchRequest,
    ) -> Result<SearchResults, AppError> {
        let query = Query::parse(&request.q).map_err(query_error)?;
        // Tags, owners, teams and due times are staff's: a query naming one
        // (even to exclude it) finds nothing, so it cannot probe them.
        if query.clauses.iter().any(|c| staff_only(&c.term)) {
            return Ok(SearchResults {
                hits: Vec::new(),
                next_cursor: None,
            });
        }
        // Customers see neither staff nor teams: those filters match nothing for them.
        let ctx = Context {
            customer: Some(customer.0),
            ..Context::default()
        };
        let mut results = self.run_search(query, ctx, request).await?;
        results.hits.retain(|h| h.ticket.customer_id == customer);
        Ok(results)
    }

    /// Resolves team names and agent addresses the query names; an unknown
    /// one is an error pointing at its clause.
    async fn search_context(&self, query: &Query, me: Option<i64>) -> Result<Context, AppError> {
        let mut ctx = Context {
            me,
            ..Context::default()
        };
        let wants_days = query
            .clauses
            .iter()
            .any(|c| matches!(c.term, Term::Due(_) | Term::Breached(_)));
        if wants_days {
            let calendar = self.business_calendar().await?;
            let now = Timestamp::now();
            ctx.now = now.0;
            (ctx.today, ctx.tomorrow) = days_around(now, calendar.time_zone());
        }
        let wants_teams = query
            .clauses
            .iter()
            .any(|c| matches!(c.term, Term::Team(Some(_))));
        if wants_teams {
            for team in self.store().teams().await? {
                ctx.teams.insert(team.name.to_lowercase(), team.id.0);
            }
        }
        let wants_agents = query
            .clauses
            .iter()
            .any(|c| matches!(c.term, Term::Owner(OwnerRef::Email(_))));
        if wants_agents {
            for agent in self.store().agents().await? {
                ctx.agents.insert(agent.email.to_lowercase(), agent.id.0);
            }
        }
        for clause in &query.clauses {
            let unknown = match &clause.term {
                Term::Team(Some(name)) if !ctx.teams.contains_key(&name.to_lowercase()) => {
                    Some(msg!("error.search.no_team", name = name))
                }
                Term::Owner(OwnerRef::Email(email)) if !ctx.agents.contains_key(email) => {
                    Some(msg!("error.search.no_agent", email = email))
                }
                _ => None,
            };
            if let Some(message) = unknown {
                return Err(AppError::BadQuery {
                    message,
                    start: clause.span.start,
                    end: clause.span.end,
                });
            }
        }
        Ok(ctx)
    }

    async fn run_search(
        &self,
        query: Query,
        ctx: Context,
        request: &SearchRequest,
    ) -> Result<SearchResults, AppError> {
        let service = self.search_service()?;
        let offset = match request.cursor.as_deref() {
            None | Some("") => 0,
            Some(c) => c
                .parse::<usize>()
                .ok()
                .filter(|o| *o <= rapport_search::MAX_OFFSET)
                .ok_or_else(|| AppError::invalid("cursor", msg!("error.search.cursor")))?,
        };
        let limit = request.limit.clamp(1, rapport_search::MAX_PAGE);
        let sort = request.sort;
        let started = Instant::now();
        let page =
            blocking(move || service.index.search(&query, &ctx, sort, offset, limit)).await?;
        let searched = started.elapsed();
        let ids: Vec<TicketId> = page.hits.iter().map(|h| TicketId(h.ticket_id)).collect();
        let mut tickets: HashMap<i64, Ticket> = self
            .store()
            .tickets_by_ids(&ids)
            .await?
            .into_iter()
            .map(|t| (t.id.0, t))
            .collect();
        tracing::debug!(
            index_us = searched.as_micros() as u64,
            tickets_us = (started.elapsed() - searched).as_micros() as u64,
            "search: run"
        );
        let hits = page
            .hits
            .into_iter()
            .filter_map(|h| {
                // A ticket deleted since it was indexed is left out.
                tickets.remove(&h.ticket_id).map(|ticket| SearchHit {
                    ticket,
                    subject_html: h.subject_html,
                    snippet_html: h.snippet_html,
                    score: h.score,
                })
            })
            .collect();
        Ok(SearchResults {
            hits,
            next_cursor: page.next.map(|n| n.to_string()),
        })
    }

    /// Rebuilds the index under `root` from the database into a new
    /// directory and swaps it in; a serving process keeps answering from
    /// the old one until it follows the swap. `progress` gets (done, total).
    pub async fn rebuild_search(
        &self,
        root: &Path,
        language: Language,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<RebuildReport, AppError> {
        let started = Timestamp::now();
        // Changes written from a little before now on are applied again
        // after the swap: a transaction open now may commit rows this scan
        // does not see.
        let floor = self
            .store()
            .search_feed_floor(Timestamp(started.0 - GRACE.as_micros() as i64))
            .await?;
        let total = self.store().ticket_count().await?.max(0) as u64;
        let root_owned = root.to_path_buf();
        let mut rebuild =
            blocking(move || SearchIndex::start_rebuild(&root_owned, language)).await?;
        let mut after = 0;
        loop {
            let ids = self
                .store()
                .ticket_ids_after(after, SOURCES_PER_READ as i64)
                .await?;
            let Some(last) = ids.last() else { break };
            after = last.0;
            let docs: Vec<TicketDoc> = self
                .store()
                .search_sources(&ids)
                .await?
                .into_iter()
                .map(ticket_doc)
                .collect();
            rebuild = blocking(move || {
                rebuild.add(&docs)?;
                Ok(rebuild)
            })
            .await?;
            progress(rebuild.added(), total.max(rebuild.added()));
        }
        let tickets = rebuild.added();
        let mark = Watermark {
            upto: floor,
            at: Timestamp::now().0,
        };
        let path = blocking(move || rebuild.finish(mark)).await?;
        let bytes = std::fs::read_dir(&path)
            .map(|entries| {
                entries
                    .flatten()
                    .filter_map(|e| e.metadata().ok())
                    .map(|m| m.len())
                    .sum()
            })
            .unwrap_or(0);
        Ok(RebuildReport { tickets, bytes })
    }

    /// Keeps this server's index current until `stop`: rebuilds it first
    /// when it is new (and tickets exist) or older than the feed's
    /// retention, then applies the feed every [`POLL`].
    pub async fn run_indexer(self, mut stop: watch::Receiver<bool>) {
        let Ok(service) = self.search_service() else {
            return;
        };
        if let Err(e) = self.rebuild_if_needed(&service).await {
            tracing::error!(error = %e, "search: the first build failed; search may miss tickets until `rapport reindex`");
        }
        let mut feed = match Feed::from_index(&service.index) {
            Ok(feed) => feed,
            Err(e) => {
                tracing::error!(error = %e, "search: cannot read the index's watermark; the indexer stops");
                return;
            }
        };
        let mut last_prune = Instant::now() - Duration::from_secs(3600);
        loop {
            match self.index_step(&service, &mut feed).await {
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "search: indexing step failed; retrying"),
            }
            if last_prune.elapsed() >= Duration::from_secs(3600) {
                last_prune = Instant::now();
                let before = Timestamp(Timestamp::now().0 - RETENTION.as_micros() as i64);
                if let Err(e) = self.store().prune_search_changes(before).await {
                    tracing::warn!(error = %e, "search: pruning the change feed failed");
                }
            }
            tokio::select! {
                _ = tokio::time::sleep(POLL) => {}
                _ = stop.changed() => return,
            }
            if *stop.borrow() {
                return;
            }
        }
    }

    async fn rebuild_if_needed(&self, service: &SearchService) -> Result<(), AppError> {
        let index = service.index.clone();
        let (mark, empty) = blocking(move || Ok((index.watermark()?, index.is_empty()?))).await?;
        let stale = mark.is_some_and(|m| Timestamp::now().0 - m.at > RETENTION.as_micros() as i64);
        // New, or empty while the database has tickets (loaded by `rapport
        // generate`, which writes around the feed).
        if !(stale || empty || service.created) || self.store().ticket_count().await? == 0 {
            return Ok(());
        }
        tracing::info!("search: building the index from the database");
        let report = self
            .rebuild_search(&service.root, service.language, &|_, _| {})
            .await?;
        let index = service.index.clone();
        blocking(move || index.follow_swap()).await?;
        tracing::info!(tickets = report.tickets, "search: index built");
        Ok(())
    }

    /// Applies what the feed holds past the watermark; returns the number
    /// of tickets re-indexed.
    pub(crate) async fn index_step(
        &self,
        service: &SearchService,
        feed: &mut Feed,
    ) -> Result<usize, AppError> {
        let index = service.index.clone();
        if blocking(move || index.follow_swap()).await? {
            *feed = Feed::from_index(&service.index).map_err(search_error)?;
        }
        // Worked on a copy: if this step fails, the next one reads the
        // same rows again.
        let mut next = feed.clone();
        let fresh = self
            .store()
            .search_changes_after(next.gaps.high, BATCH)
            .await?;
        next.gaps.note_fresh(fresh.iter().map(|c| c.id));
        let waited = next.gaps.waited(500);
        let filled = self.store().search_changes_in(&waited).await?;
        next.gaps.note_filled(filled.iter().map(|c| c.id));
        next.gaps.expire(GRACE);
        let mut late = Vec::new();
        if let Some(range) = next.gaps.take_due_overflow(GRACE) {
            late = self.feed_range(range).await?;
            tracing::info!(
                from = range.0,
                to = range.1,
                rows = late.len(),
                "search: read again the feed ids missed past the gap limit"
            );
        }
        let upto = next.gaps.upto();
        if fresh.is_empty() && filled.is_empty() && late.is_empty() && upto == next.committed {
            *feed = next;
            return Ok(0);
        }
        let mut tickets: BTreeSet<TicketId> = BTreeSet::new();
        let mut customers: Vec<CustomerId> = Vec::new();
        for change in fresh.iter().chain(&filled).chain(&late) {
            tickets.extend(change.ticket_id);
            customers.extend(change.customer_id);
        }
        tickets.extend(self.store().ticket_ids_of_customers(&customers).await?);
        let ids: Vec<TicketId> = tickets.into_iter().collect();
        let mut docs = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(SOURCES_PER_READ) {
            docs.extend(
                self.store()
                    .search_sources(chunk)
                    .await?
                    .into_iter()
                    .map(ticket_doc),
            );
        }
        let found: BTreeSet<i64> = docs.iter().map(|d| d.id).collect();
        let gone: Vec<i64> = ids
            .iter()
            .map(|t| t.0)
            .filter(|id| !found.contains(id))
            .collect();
        let count = docs.len();
        let mark = Watermark {
            upto,
            at: Timestamp::now().0,
        };
        let index = service.index.clone();
        blocking(move || index.apply(&docs, &gone, mark)).await?;
        next.committed = upto;
        *feed = next;
        Ok(count)
    }

    /// Every feed row with an id in `from..=to`, read in batches.
    async fn feed_range(&self, (from, to): (i64, i64)) -> Result<Vec<SearchChange>, AppError> {
        let mut rows = Vec::new();
        let mut after = from - 1;
        loop {
            let batch = self.store().search_changes_after(after, BATCH).await?;
            let Some(last) = batch.last().map(|r| r.id) else {
                break;
            };
            rows.extend(batch.into_iter().filter(|r| r.id <= to));
            if last >= to {
                break;
            }
            after = last;
        }
        Ok(rows)
    }
}

/// Where the indexer stands in the change feed.
#[derive(Debug, Clone, Default)]
pub(crate) struct Feed {
    /// The rows read and the gaps below them.
    gaps: Gaps,
    /// The watermark last committed.
    committed: i64,
}

impl Feed {
    fn from_index(index: &SearchIndex) -> Result<Feed, rapport_search::SearchError> {
        let upto = index.watermark()?.map_or(0, |m| m.upto);
        Ok(Feed {
            gaps: Gaps::at(upto),
            committed: upto,
        })
    }
}
