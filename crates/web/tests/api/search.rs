//! Search (issue 12): always current, filters, limits, errors, snippets,
//! rebuilds and catch-up after a crash, on SQLite and PostgreSQL.

use crate::harness::{Harness, unique};
use crate::{both_backends, both_backends_with};
use axum::http::StatusCode;
use rapport_app::search::{Language, SearchRequest, Sort};
use rapport_app::{App, AppConfig, BusinessConfig, Caller, Principal};
use rapport_core::{CalendarSpec, CustomerId, Role};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// A search index in a fresh folder, with its indexer running.
pub(crate) struct Indexer {
    dir: PathBuf,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Indexer {
    pub(crate) async fn start(app: &App, dir: PathBuf) -> Indexer {
        app.enable_search(&dir, Language::English)
            .expect("search index");
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(app.clone().run_indexer(stopped));
        Indexer { dir, stop, task }
    }

    pub(crate) async fn stop(self) -> PathBuf {
        let _ = self.stop.send(true);
        let _ = self.task.await;
        self.dir
    }
}

pub(crate) fn fresh_dir(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("{}-search", unique(name)))
}

fn encode(q: &str) -> String {
    let mut out = String::new();
    for b in q.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub(crate) async fn search(h: &Harness, token: &str, q: &str) -> (StatusCode, Value) {
    h.get(&format!("/api/v1/search?q={}", encode(q)), token)
        .await
}

pub(crate) fn ids(body: &Value) -> Vec<i64> {
    body["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i["ticket"]["id"].as_i64())
                .collect()
        })
        .unwrap_or_default()
}

/// Searches until `want` holds or 2 s pass; returns the ids and how long it took.
pub(crate) async fn until(
    h: &Harness,
    q: &str,
    want: impl Fn(&[i64]) -> bool,
) -> (Vec<i64>, Duration) {
    let started = Instant::now();
    loop {
        let (status, body) = search(h, &h.agent, q).await;
        assert_eq!(status, StatusCode::OK, "{q}: {body}");
        let found = ids(&body);
        if want(&found) || started.elapsed() > Duration::from_secs(2) {
            return (found, started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The ids one search finds now.
pub(crate) async fn q(h: &Harness, q: &str) -> Vec<i64> {
    until(h, q, |_| true).await.0
}

pub(crate) async fn open(h: &Harness, subject: &str, email: &str, name: &str, extra: Value) -> i64 {
    let mut body = json!({
        "subject": subject,
        "customer_email": email,
        "customer_name": name,
        "message": format!("Hello, this is {name}. {subject}, please help."),
    });
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    let (status, body) = h.post("/api/v1/tickets", &h.agent, body).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["ticket"]["id"].as_i64().expect("id")
}

async fn new_tickets_and_replies_are_found_within_two_seconds(h: &Harness) {
    let indexer = Indexer::start(&h.app, fresh_dir("current")).await;
    let id = open(
        h,
        "Broken blender",
        "ana@example.net",
        "Ana Silva",
        json!({}),
    )
    .await;
    let (found, took) = until(h, "blender", |f| f.contains(&id)).await;
    assert_eq!(found, vec![id], "found within 2 s: took {took:?}");
    // Stemming and folding: "BLENDERS" and "Blénder" find "blender".
    assert_eq!(until(h, "BLENDERS", |f| f.contains(&id)).await.0, vec![id]);
    assert_eq!(until(h, "Blénder", |f| f.contains(&id)).await.0, vec![id]);
    let (status, body) = h
        .post(
            &format!("/api/v1/tickets/{id}/messages"),
            &h.agent,
            json!({"kind": "note", "body": "Courier pickup arranged for the replacement."}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (found, took) = until(h, "courier", |f| f.contains(&id)).await;
    assert_eq!(
        found,
        vec![id],
        "a reply is found within 2 s: took {took:?}"
    );
    let dir = indexer.stop().await;
    let _ = std::fs::remove_dir_all(dir);
}

async fn filters_narrow_the_results(h: &Harness) {
    let indexer = Indexer::start(&h.app, fresh_dir("filters")).await;
    let refund = open(
        h,
        "Refund for order 77",
        "ana@example.net",
        "Ana Silva",
        json!({"tags": ["refund"], "team_id": h.team2.0}),
    )
    .await;
    let other = open(
        h,
        "Order 77 never arrived",
        "bo@example.org",
        "Bo Berg",
        json!({}),
    )
    .await;
    until(h, "order", |f| f.len() == 2).await;
    let mut both = q(h, "order").await;
    both.sort_unstable();
    assert_eq!(both, vec![refund, other]);
    assert_eq!(q(h, "order tag:refund").await, vec![refund]);
    assert_eq!(q(h, "order -tag:refund").await, vec![other]);
    assert_eq!(q(h, "order team:billing").await, vec![refund]);
    assert_eq!(q(h, "order team:none").await, vec![other]);
    assert_eq!(q(h, r#"customer:"Ana Silva""#).await, vec![refund]);
    assert_eq!(q(h, "from:bo@example.org").await, vec![other]);
    assert_eq!(q(h, r#""never arrived""#).await, vec![other]);
    assert_eq!(q(h, r#""arrived never""#).await, Vec::<i64>::new());
    assert_eq!(q(h, &format!("#{refund}")).await, vec![refund]);
    assert_eq!(q(h, "status:new order").await.len(), 2);
    assert_eq!(q(h, "status:closed order").await, Vec::<i64>::new());
    assert_eq!(q(h, "owner:none created:>2020-01-01 order").await.len(), 2);
    assert_eq!(q(h, "created:<2020-01-01").await, Vec::<i64>::new());
    assert_eq!(q(h, "has:attachment").await, Vec::<i64>::new());
    // Sorted by date: the newest first.
    let (status, body) = h.get("/api/v1/search?q=order&sort=newest", &h.agent).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ids(&body), vec![other, refund]);
    // Cursor paging: one per page, both seen once.
    let (_, first) = h.get("/api/v1/search?q=order&limit=1", &h.agent).await;
    let cursor = first["next_cursor"]
        .as_str()
        .expect("a next page")
        .to_string();
    let (_, second) = h
        .get(
            &format!("/api/v1/search?q=order&limit=1&cursor={cursor}"),
            &h.agent,
        )
        .await;
    let mut paged = [ids(&first), ids(&second)].concat();
    paged.sort_unstable();
    assert_eq!(paged, vec![refund, other]);
    assert!(second["next_cursor"].is_null(), "{second}");
    let _ = std::fs::remove_dir_all(indexer.stop().await);
}

async fn roles_and_scopes_limit_search(h: &Harness) {
    let indexer = Indexer::start(&h.app, fresh_dir("roles")).await;
    open(
        h,
        "Printer on fire",
        "ana@example.net",
        "Ana Silva",
        json!({}),
    )
    .await;
    until(h, "printer", |f| f.len() == 1).await;
    for token in [&h.lead, &h.admin, &h.other_agent] {
        let (status, body) = search(h, token, "printer").await;
        assert_eq!((status, ids(&body).len()), (StatusCode::OK, 1), "{body}");
    }
    // The MTA pipe's token may post mail, not read tickets.
    let (status, body) = search(h, &h.mail_pipe, "printer").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, _) = h
        .call(
            axum::http::Method::GET,
            "/api/v1/search?q=printer",
            None,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let _ = std::fs::remove_dir_all(indexer.stop().await);
}

async fn a_customer_searches_only_their_own_tickets(h: &Harness) {
    let indexer = Indexer::start(&h.app, fresh_dir("portal")).await;
    let ana = open(
        h,
        "Invoice question",
        "ana@example.net",
        "Ana Silva",
        json!({}),
    )
    .await;
    let bo = open(
        h,
        "Invoice question too",
        "bo@example.org",
        "Bo Berg",
        json!({}),
    )
    .await;
    until(h, "invoice", |f| f.len() == 2).await;
    let (_, ticket) = h.get(&format!("/api/v1/tickets/{ana}"), &h.agent).await;
    let customer = CustomerId(ticket["ticket"]["customer_id"].as_i64().expect("customer"));
    let request = SearchRequest {
        q: "invoice".into(),
        limit: 20,
        ..SearchRequest::default()
    };
    let mine = h
        .app
        .search(&Principal::Customer(customer), &request)
        .await
        .expect("search");
    let found: Vec<i64> = mine.hits.iter().map(|h| h.ticket.id.0).collect();
    assert_eq!(found, vec![ana], "not {bo}");
    // Naming another ticket does not reach it either.
    let request = SearchRequest {
        q: format!("#{bo}"),
        limit: 20,
        ..SearchRequest::default()
    };
    assert!(
        h.app
            .search(&Principal::Customer(customer), &request)
            .await
            .expect("search")
            .hits
            .is_empty()
    );
    let _ = std::fs::remove_dir_all(indexer.stop().await);
}

/// Internal notes are searched by agents and never for a customer: not
/// their words, not by excluding them, not their files, not in a snippet.
async fn a_customer_never_finds_internal_notes(h: &Harness) {
    let indexer = Indexer::start(&h.app, fresh_dir("notes")).await;
    let ticket = open(
        h,
        "Broken blender",
        "ana@example.net",
        "Ana Silva",
        json!({}),
    )
    .await;
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{ticket}/messages"),
            &h.agent,
            json!({"kind": "note", "body": "Goodwill credit approved by Quillfeather, do not mention the blender recall."}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{ticket}/messages"),
            &h.agent,
            json!({"kind": "reply", "body": "We are sending a new blender today."}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    until(h, "quillfeather", |f| f.len() == 1).await;
    // The agent finds the note, with its words in the snippet.
    let (_, body) = search(h, &h.agent, "quillfeather").await;
    let snippet = body["items"][0]["snippet_html"]
        .as_str()
        .unwrap_or_default();
    assert!(snippet.contains("<mark>Quillfeather</mark>"), "{body}");
    assert_eq!(
        ids(&search(h, &h.agent, "\"blender recall\"").await.1),
        vec![ticket]
    );
    let (_, detail) = h.get(&format!("/api/v1/tickets/{ticket}"), &h.agent).await;
    let customer = CustomerId(detail["ticket"]["customer_id"].as_i64().expect("customer"));
    let portal = |q: &str| SearchRequest {
        q: q.into(),
        limit: 20,
        ..SearchRequest::default()
    };
    for q in ["quillfeather", "\"blender recall\"", "goodwill credit"] {
        let found = h
            .app
            .search(&Principal::Customer(customer), &portal(q))
            .await
            .expect("search");
        assert!(found.hits.is_empty(), "{q} reaches a note");
    }
    // Excluding a note's word leaves the ticket found: the note is not read.
    let found = h
        .app
        .search(
            &Principal::Customer(customer),
            &portal("blender -quillfeather"),
        )
        .await
        .expect("search");
    assert_eq!(found.hits.len(), 1);
    // The customer's own words find it, and the snippet shows the reply, never the note.
    let snippet = &found.hits[0].snippet_html;
    assert!(
        !snippet.to_lowercase().contains("quillfeather"),
        "{snippet}"
    );
    assert!(!snippet.contains("recall"), "{snippet}");
    let found = h
        .app
        .search(&Principal::Customer(customer), &portal("blender"))
        .await
        .expect("search");
    assert_eq!(found.hits.len(), 1);
    assert!(
        !found.hits[0].snippet_html.contains("recall"),
        "{}",
        found.hits[0].snippet_html
    );
    let _ = std::fs::remove_dir_all(indexer.stop().await);
}

/// Tags, owners, teams and due times are staff's: a customer's query that
/// names one finds nothing, included or excluded, so it tells nothing.
async fn a_customer_cannot_probe_what_only_staff_see(h: &Harness) {
    let indexer = Indexer::start(&h.app, fresh_dir("probe")).await;
    let ticket = open(
        h,
        "Invoice question",
        "ana@example.net",
        "Ana Silva",
        json!({"tags": ["watchlist"]}),
    )
    .await;
    until(h, "tag:watchlist", |f| f == [ticket]).await;
    let (_, detail) = h.get(&format!("/api/v1/tickets/{ticket}"), &h.agent).await;
    let customer = CustomerId(detail["ticket"]["customer_id"].as_i64().expect("customer"));
    let ana = Principal::Customer(customer);
    let portal = |q: &str| SearchRequest {
        q: q.into(),
        limit: 20,
        ..SearchRequest::default()
    };
    let plain = h
        .app
        .search(&ana, &portal("invoice"))
        .await
        .expect("search");
    assert_eq!(plain.hits.len(), 1, "the customer's own words find it");
    for q in [
        "tag:watchlist",
        "invoice -tag:watchlist",
        "invoice -tag:other",
        "invoice owner:none",
        "invoice -owner:none",
        "invoice team:none",
        "invoice -team:none",
        "invoice breached:false",
        "invoice due:2020-01-01..2100-01-01",
    ] {
        let found = h.app.search(&ana, &portal(q)).await.expect("search");
        assert!(found.hits.is_empty(), "{q} tells the customer something");
    }
    let _ = std::fs::remove_dir_all(indexer.stop().await);
}

async fn malformed_queries_are_400_pointing_at_the_bad_part(h: &Harness) {
    let indexer = Indexer::start(&h.app, fresh_dir("errors")).await;
    for (q, span) in [
        (r#"refund "credit card"#, [7, 19]),
        ("refund statu:open", [7, 17]),
        ("status:later", [0, 12]),
        ("created:>2026-13-01", [0, 19]),
        ("team:nosuch", [0, 11]),
        ("owner:nobody@nowhere.example", [0, 28]),
        ("   ", [0, 3]),
    ] {
        let (status, body) = search(h, &h.agent, q).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{q}: {body}");
        assert_eq!(body["error"]["code"], "bad_query", "{q}: {body}");
        assert_eq!(body["error"]["span"], json!(span), "{q}: {body}");
    }
    let (status, body) = h.get("/api/v1/search?q=a&cursor=xyz", &h.agent).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = h.get("/api/v1/search?q=a&limit=1000", &h.agent).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let _ = std::fs::remove_dir_all(indexer.stop().await);
}

async fn snippets_escape_customer_text(h: &Harness) {
    let indexer = Indexer::start(&h.app, fresh_dir("escape")).await;
    let id = open(
        h,
        "<script>alert(1)</script> refund",
        "eve@example.net",
        "Eve <b>Evil</b>",
        json!({}),
    )
    .await;
    until(h, "refund", |f| f.contains(&id)).await;
    let (_, body) = search(h, &h.agent, "refund").await;
    let hit = &body["items"][0];
    let subject = hit["subject_html"].as_str().expect("subject");
    assert_eq!(
        subject,
        "&lt;script&gt;alert(1)&lt;/script&gt; <mark>refund</mark>"
    );
    let snippet = hit["snippet_html"].as_str().expect("snippet");
    assert!(snippet.contains("<mark>refund</mark>"), "{snippet}");
    assert!(
        !snippet.contains("<script") && !snippet.contains("<b>"),
        "{snippet}"
    );
    let _ = std::fs::remove_dir_all(indexer.stop().await);
}

async fn reindex_swaps_while_search_keeps_answering(h: &Harness) {
    let indexer = Indexer::start(&h.app, fresh_dir("reindex")).await;
    let first = open(h, "Kettle leaks", "ana@example.net", "Ana Silva", json!({})).await;
    until(h, "kettle", |f| f.contains(&first)).await;
    // Search without pause while the rebuild runs: every answer is complete.
    let (done, mut stop) = watch::channel(false);
    let searcher = {
        let app = h.app.clone();
        let agent = Principal::Agent(Caller::operator(h.agent_id, Role::Agent));
        tokio::spawn(async move {
            let mut answers = 0;
            while !*stop.borrow_and_update() {
                let request = SearchRequest {
                    q: "kettle".into(),
                    limit: 20,
                    sort: Sort::Relevance,
                    cursor: None,
                };
                let found = app
                    .search(&agent, &request)
                    .await
                    .expect("search during reindex");
                assert!(
                    found.hits.iter().any(|h| h.ticket.id.0 == first),
                    "the ticket is found before, during and after the swap"
                );
                answers += 1;
            }
            answers
        })
    };
    let report = h
        .app
        .rebuild_search(&indexer.dir, Language::English, &|_, _| {})
        .await
        .expect("rebuild");
    assert_eq!(report.tickets, 1);
    // A ticket opened after the rebuild still arrives through the feed.
    let second = open(h, "Kettle whistles", "bo@example.org", "Bo Berg", json!({})).await;
    let (found, _) = until(h, "kettle", |f| f.len() == 2).await;
    let _ = done.send(true);
    assert!(searcher.await.expect("searcher") > 0);
    assert!(
        found.contains(&first) && found.contains(&second),
        "{found:?}"
    );
    let current = std::fs::read_to_string(indexer.dir.join("CURRENT")).expect("CURRENT");
    assert_ne!(current.trim(), "index-1", "swapped to the rebuilt index");
    let _ = std::fs::remove_dir_all(indexer.stop().await);
}

async fn pending_changes_are_applied_after_a_crash(h: &Harness) {
    let dir = fresh_dir("crash");
    let blobs = rapport_store::Blobs::filesystem(&h.blob_dir).expect("blobs");
    // A first server indexes one ticket, then dies.
    {
        let first = App::new(h.store.clone(), blobs.clone(), AppConfig::default());
        let indexer = Indexer::start(&first, dir.clone()).await;
        let id = open(
            h,
            "Toaster sparks",
            "ana@example.net",
            "Ana Silva",
            json!({}),
        )
        .await;
        let agent = Principal::Agent(Caller::operator(h.agent_id, Role::Agent));
        let started = Instant::now();
        let request = SearchRequest {
            q: "toaster".into(),
            limit: 20,
            ..SearchRequest::default()
        };
        while first
            .search(&agent, &request)
            .await
            .expect("search")
            .hits
            .is_empty()
        {
            assert!(
                started.elapsed() < Duration::from_secs(2),
                "indexed {id} in time"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        indexer.stop().await;
    }
    // Changes while no indexer runs stay in the feed.
    let later = open(h, "Toaster smokes", "bo@example.org", "Bo Berg", json!({})).await;
    // The restarted server catches up from its index's watermark.
    let second = App::new(h.store.clone(), blobs, AppConfig::default());
    let indexer = Indexer::start(&second, dir.clone()).await;
    let agent = Principal::Agent(Caller::operator(h.agent_id, Role::Agent));
    let request = SearchRequest {
        q: "toaster".into(),
        limit: 20,
        ..SearchRequest::default()
    };
    let started = Instant::now();
    loop {
        let found = second.search(&agent, &request).await.expect("search");
        if found.hits.iter().any(|h| h.ticket.id.0 == later) {
            assert_eq!(found.hits.len(), 2);
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "caught up in time"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let current = std::fs::read_to_string(dir.join("CURRENT")).expect("CURRENT");
    assert_eq!(current.trim(), "index-1", "caught up without a rebuild");
    let _ = std::fs::remove_dir_all(indexer.stop().await);
}

async fn two_servers_each_keep_their_own_index_current(h: &Harness) {
    let blobs = rapport_store::Blobs::filesystem(&h.blob_dir).expect("blobs");
    let one = App::new(h.store.clone(), blobs.clone(), AppConfig::default());
    let two = App::new(h.store.clone(), blobs, AppConfig::default());
    let first = Indexer::start(&one, fresh_dir("server-one")).await;
    let second = Indexer::start(&two, fresh_dir("server-two")).await;
    // Changes made through either server (here: through the API of a third).
    let ids = [
        open(h, "Scanner jams", "ana@example.net", "Ana Silva", json!({})).await,
        open(h, "Scanner beeps", "bo@example.org", "Bo Berg", json!({})).await,
    ];
    let agent = Principal::Agent(Caller::operator(h.agent_id, Role::Agent));
    let request = SearchRequest {
        q: "scanner".into(),
        limit: 20,
        ..SearchRequest::default()
    };
    for server in [&one, &two] {
        let started = Instant::now();
        loop {
            let mut found: Vec<i64> = server
                .search(&agent, &request)
                .await
                .expect("search")
                .hits
                .iter()
                .map(|h| h.ticket.id.0)
                .collect();
            found.sort_unstable();
            if found == ids {
                break;
            }
            assert!(started.elapsed() < Duration::from_secs(2), "{found:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    let _ = std::fs::remove_dir_all(first.stop().await);
    let _ = std::fs::remove_dir_all(second.stop().await);
}

/// UTC, open around the clock, a first response due within 30 minutes:
/// due days can be computed by the test at any hour.
fn utc_around_the_clock() -> AppConfig {
    let mut spec = CalendarSpec::new("Around the clock", "UTC");
    spec.always_open = true;
    AppConfig {
        business: BusinessConfig {
            calendar: spec,
            first_response_minutes: 30,
            ..BusinessConfig::default()
        },
        ..AppConfig::default()
    }
}

/// The UTC day of an RFC 3339 time, and the days after.
fn utc_day(at: jiff::Timestamp, plus: i64) -> String {
    (at + jiff::SignedDuration::from_hours(24 * plus))
        .strftime("%Y-%m-%d")
        .to_string()
}

/// Searches until `want` holds or 30 s pass (a recompute runs in the background).
async fn eventually(h: &Harness, q: &str, want: impl Fn(&[i64]) -> bool) -> Vec<i64> {
    let started = Instant::now();
    loop {
        let found = q_now(h, q).await;
        if want(&found) || started.elapsed() > Duration::from_secs(30) {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn q_now(h: &Harness, query: &str) -> Vec<i64> {
    let (status, body) = search(h, &h.agent, query).await;
    assert_eq!(status, StatusCode::OK, "{query}: {body}");
    ids(&body)
}

/// `due:` and `breached:` follow the tickets' running clocks: a paused
/// ticket is never due, and a policy change that moves due times moves
/// what `due:` finds (the recompute writes the search feed).
async fn due_and_breached_follow_the_clocks(h: &Harness) {
    let indexer = Indexer::start(&h.app, fresh_dir("due")).await;
    let running = open(h, "Parcel stuck", "due1@example.net", "Dora Due", json!({})).await;
    let paused = open(h, "Parcel lost", "due2@example.net", "Dan Due", json!({})).await;
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{paused}/assign"),
            &h.agent,
            json!({"agent_id": h.agent_id.0}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{paused}/status"),
            &h.agent,
            json!({"status": "pending"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (_, t) = h
        .get(&format!("/api/v1/tickets/{running}/clocks"), &h.agent)
        .await;
    let due: jiff::Timestamp = t["clocks"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["kind"] == "first_response"))
        .and_then(|c| c["due_at"].as_str())
        .and_then(|d| d.parse().ok())
        .unwrap_or_else(|| panic!("a due time: {t}"));
    let now = jiff::Timestamp::now();
    let day_word = if utc_day(due, 0) == utc_day(now, 0) {
        "today"
    } else {
        "tomorrow" // opened in the last half hour of a UTC day
    };
    // Until the paused ticket's status change is indexed it is still due.
    let found = eventually(h, &format!("parcel due:{day_word}"), |f| {
        f.contains(&running) && !f.contains(&paused)
    })
    .await;
    assert_eq!(found, vec![running], "due:{day_word}");
    let paused_gone = eventually(h, "parcel breached:false", |f| f.len() == 2).await;
    assert_eq!(paused_gone.len(), 2, "neither is past due: {paused_gone:?}");
    assert!(q_now(h, "parcel breached:true").await.is_empty());
    let day = utc_day(due, 0);
    assert_eq!(q_now(h, &format!("parcel due:{day}")).await, vec![running]);
    assert!(
        !q_now(h, "parcel -due:2000-01-01..2100-01-01")
            .await
            .contains(&running),
        "a running clock is due within the century"
    );
    // A policy of three days moves the due time: `due:` follows it.
    let later = format!("parcel due:>={}", utc_day(now, 2));
    assert!(q_now(h, &later).await.is_empty());
    let (s, b) = h
        .post(
            "/api/v1/sla-policies",
            &h.admin,
            json!({"name": "Slow", "position": 1, "first_response_minutes": 4320}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(
        eventually(h, &later, |f| f == [running]).await,
        vec![running],
        "the recomputed due time is searchable"
    );
    let (status, body) = search(h, &h.agent, "due:someday").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let _ = std::fs::remove_dir_all(indexer.stop().await);
}

both_backends_with!(super::utc_around_the_clock(); due_and_breached_follow_the_clocks);

both_backends!(
    two_servers_each_keep_their_own_index_current,
    new_tickets_and_replies_are_found_within_two_seconds,
    filters_narrow_the_results,
    roles_and_scopes_limit_search,
    a_customer_searches_only_their_own_tickets,
    a_customer_cannot_probe_what_only_staff_see,
    a_customer_never_finds_internal_notes,
    malformed_queries_are_400_pointing_at_the_bad_part,
    snippets_escape_customer_text,
    reindex_swaps_while_search_keeps_answering,
    pending_changes_are_applied_after_a_crash,
);
