//! A customer answers a solved or closed ticket from the portal, signed in
//! with the one-time link: a solved ticket opens again, a closed one (final)
//! starts a follow-up linked both ways; the owner is told, the events are in
//! the log, the agent's open list hears of it live; another customer's
//! ticket is not found and stays as it was.

use crate::both_backends;
use crate::browser::{Browser, mail_in};
use crate::harness::Harness;
use crate::portal::{link_sent_to, sign_in_by_link};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use futures_util::StreamExt;
use rapport_core::{AuthorKind, Channel, MessageKind, Status, TicketId};
use serde_json::{Value, json};
use std::time::Duration;
use tower::ServiceExt;

both_backends!(
    a_mailed_answer_reopens_a_solved_ticket_and_tells_its_owner,
    an_answer_reopens_a_solved_ticket_tells_its_owner_and_reaches_the_list_live,
    an_answer_on_a_closed_ticket_starts_a_linked_follow_up,
    a_customer_cannot_reopen_another_customers_ticket,
);

/// Ann Lee (the harness's customer) signed in to the portal by her link.
pub(crate) async fn ann_signed_in(h: &Harness) -> Browser<'_> {
    let mut b = Browser::new(h);
    let csrf = b.get("/portal/sign-in").await.csrf();
    let asked = b
        .post(
            "/portal/sign-in",
            &[("csrf", &csrf), ("email", "ann.lee@example.com")],
        )
        .await;
    assert_eq!(asked.location(), "/portal/sent");
    let link = link_sent_to(h, "ann.lee@example.com")
        .await
        .expect("a sign-in link");
    let signed_in = sign_in_by_link(&mut b, &link).await;
    assert_eq!(signed_in.location(), "/portal", "{}", signed_in.body);
    b
}

/// The agent's open-list event stream (what the list's script listens to).
async fn live_stream(
    h: &Harness,
) -> impl futures_util::Stream<Item = Result<axum::body::Bytes, axum::Error>> {
    let mut agent = Browser::new(h);
    agent.sign_in("agent@test.example").await;
    let jar: Vec<String> = agent
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let request = Request::get("/app/live")
        .header(header::COOKIE, jar.join("; "))
        .body(Body::empty())
        .unwrap();
    let response = h.router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let stream = response.into_body().into_data_stream();
    // Let the poller read where the log ends before the change.
    tokio::time::sleep(Duration::from_millis(600)).await;
    stream
}

/// Reads the stream until it names `ticket`; fails after 3 s.
async fn hears_of(
    stream: &mut (impl futures_util::Stream<Item = Result<axum::body::Bytes, axum::Error>> + Unpin),
    ticket: i64,
) {
    let mut seen = String::new();
    while !seen.contains(&format!("data: {ticket}\n")) {
        let chunk = tokio::time::timeout(Duration::from_secs(3), stream.next())
            .await
            .unwrap_or_else(|_| panic!("ticket {ticket} announced within 3 s; seen {seen:?}"))
            .expect("the stream stays open")
            .unwrap();
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
}

/// The ticket's events but the response-target clocks' own (which follow
/// every change as the clocks are planned).
async fn events(h: &Harness, id: i64) -> Vec<Value> {
    let (s, events) = h
        .get(&format!("/api/v1/tickets/{id}/events"), &h.agent)
        .await;
    assert_eq!(s, StatusCode::OK, "{events}");
    events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] != "sla_clock")
        .cloned()
        .collect()
}

async fn notifications(h: &Harness, token: &str) -> Vec<Value> {
    let (s, list) = h.get("/api/v1/notifications", token).await;
    assert_eq!(s, StatusCode::OK, "{list}");
    list.as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "customer_answered")
        .cloned()
        .collect()
}

async fn customer_id(h: &Harness) -> i64 {
    h.store
        .customer_by_identity(rapport_core::IdentityKind::Email, "ann.lee@example.com")
        .await
        .unwrap()
        .unwrap()
        .0
}

/// The same answer by e-mail (the mail intake, not the portal): reopened,
/// and the owner told once; nobody else.
async fn a_mailed_answer_reopens_a_solved_ticket_and_tells_its_owner(h: &Harness) {
    let id = h.solved_ticket("Lamp still flickers", Some(h.team)).await;
    let solved = h.store.ticket(TicketId(id)).await.unwrap();
    assert_eq!(solved.owner_id, Some(h.agent_id), "the reply took it");
    assert!(notifications(h, &h.agent).await.is_empty());
    let raw = format!(
        "From: \"Ann Lee\" <ann.lee@example.com>\r\nTo: support@localhost\r\nSubject: Re: [#{id}] Lamp still flickers\r\nMessage-ID: <{}@example.com>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe new lamp flickers too.\r\n",
        crate::harness::unique("answer")
    );
    let outcome = h.app.ingest_mail(raw.as_bytes()).await.unwrap();
    assert_eq!(outcome.ticket(), Some(TicketId(id)), "{outcome:?}");
    let ticket = h.store.ticket(TicketId(id)).await.unwrap();
    assert_eq!(ticket.status, Status::Open);
    let told = notifications(h, &h.agent).await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0]["ticket_id"].as_i64(), Some(id), "{told:?}");
    assert!(
        told[0]["text"]
            .as_str()
            .is_some_and(|t| t.contains("Lamp still flickers")),
        "{told:?}"
    );
    assert!(notifications(h, &h.other_agent).await.is_empty());
    assert!(notifications(h, &h.lead).await.is_empty());
}

async fn an_answer_reopens_a_solved_ticket_tells_its_owner_and_reaches_the_list_live(h: &Harness) {
    let id = h.solved_ticket("Lamp still flickers", Some(h.team)).await;
    let solved = h.store.ticket(TicketId(id)).await.unwrap();
    assert_eq!(solved.owner_id, Some(h.agent_id), "the reply took it");
    let mut ann = ann_signed_in(h).await;
    let mut live = Box::pin(live_stream(h).await);
    let mine = format!("/portal/tickets/{id}");
    let answered = ann
        .submit(
            &mine,
            &format!("{mine}/reply"),
            &[("body", "The new lamp flickers too.")],
        )
        .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", answered.body);
    assert_eq!(answered.location(), mine, "the same ticket");
    // Open again, for its owner, in its team: nothing else moved.
    let ticket = h.store.ticket(TicketId(id)).await.unwrap();
    assert_eq!(ticket.status, Status::Open);
    assert_eq!(ticket.owner_id, Some(h.agent_id));
    assert_eq!(ticket.team_id, Some(h.team));
    let last = h.store.messages(TicketId(id)).await.unwrap().pop().unwrap();
    assert_eq!(last.body_text, "The new lamp flickers too.");
    assert_eq!(
        (last.kind, last.author_kind),
        (MessageKind::Public, AuthorKind::Customer)
    );
    // The log holds the customer's words and the reopening, by the customer.
    let log = events(h, id).await;
    let customer = customer_id(h).await;
    let tail: Vec<(&str, &str, i64)> = log[log.len() - 2..]
        .iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap(),
                e["actor_kind"].as_str().unwrap(),
                e["actor_id"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        tail,
        vec![
            ("customer_wrote", "customer", customer),
            ("status_changed", "customer", customer)
        ]
    );
    let reopened = &log[log.len() - 1]["data"];
    assert_eq!(
        (reopened["from"].as_str(), reopened["to"].as_str()),
        (Some("solved"), Some("open")),
        "{reopened}"
    );
    // The owner is told, in their notifications and on the page; no one else.
    let told = notifications(h, &h.agent).await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0]["ticket_id"], id);
    let text = told[0]["text"].as_str().unwrap();
    assert_eq!(
        text,
        format!(
            "Ticket #{id} \"Lamp still flickers\": the customer answered, and it is open again."
        )
    );
    assert!(notifications(h, &h.other_agent).await.is_empty());
    assert!(notifications(h, &h.lead).await.is_empty());
    let mut agent = Browser::new(h);
    agent.sign_in("agent@test.example").await;
    let page = agent.get("/app/notifications").await;
    assert!(page.body.contains("1 unread."), "{}", page.body);
    assert!(page.body.contains("customer answered"), "{}", page.body);
    // The open list hears of it without a reload, and lists it again.
    hears_of(&mut live, id).await;
    let list = agent.get("/app").await;
    assert!(
        list.body.contains(&format!("href=\"/app/tickets/{id}\"")),
        "{}",
        list.body
    );
    // A second answer on the open ticket reopens nothing: no new notification.
    let again = ann
        .submit(&mine, &format!("{mine}/reply"), &[("body", "Still.")])
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    assert_eq!(notifications(h, &h.agent).await.len(), 1);
    let log = events(h, id).await;
    assert_eq!(log.last().unwrap()["type"], "customer_wrote");
}

async fn an_answer_on_a_closed_ticket_starts_a_linked_follow_up(h: &Harness) {
    let id = h.solved_ticket("Lamp arrived broken", Some(h.team)).await;
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{id}/status"),
            &h.agent,
            json!({"status": "closed"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let before = h.store.messages(TicketId(id)).await.unwrap();
    let mut ann = ann_signed_in(h).await;
    let mut live = Box::pin(live_stream(h).await);
    let mine = format!("/portal/tickets/{id}");
    let answered = ann
        .submit(
            &mine,
            &format!("{mine}/reply"),
            &[("body", "The replacement is broken as well.")],
        )
        .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", answered.body);
    let follow: i64 = answered
        .location()
        .strip_prefix("/portal/tickets/")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a ticket's page: {}", answered.location()));
    assert_ne!(follow, id, "a closed ticket stays closed");
    // The closed ticket: still closed, the answer not on it, a note pointing on.
    let closed = h.store.ticket(TicketId(id)).await.unwrap();
    assert_eq!(closed.status, Status::Closed);
    let after = h.store.messages(TicketId(id)).await.unwrap();
    assert_eq!(after.len(), before.len() + 1, "one note, nothing else");
    let note = after.last().unwrap();
    assert_eq!(note.kind, MessageKind::Internal);
    assert!(
        note.body_text
            .contains(&format!("ticket #{follow} continues it")),
        "{}",
        note.body_text
    );
    // The follow-up: Ann's, from the portal, in the old team, tagged, with
    // her answer first and a note pointing back.
    let new = h.store.ticket(TicketId(follow)).await.unwrap();
    assert_eq!(new.customer_id, closed.customer_id);
    assert_eq!(new.channel, Channel::Portal);
    assert_eq!(new.subject, "Lamp arrived broken");
    assert_eq!(new.team_id, Some(h.team));
    assert_eq!(new.owner_id, None, "it waits in the team's queue");
    assert_eq!(new.status, Status::New);
    assert!(new.tags.iter().any(|t| t == "follow-up"), "{:?}", new.tags);
    let messages = h.store.messages(TicketId(follow)).await.unwrap();
    assert_eq!(messages[0].body_text, "The replacement is broken as well.");
    assert_eq!(messages[0].author_kind, AuthorKind::Customer);
    assert!(
        messages[1]
            .body_text
            .contains(&format!("closed ticket #{id} in the portal")),
        "{}",
        messages[1].body_text
    );
    let log = events(h, follow).await;
    assert_eq!(log[0]["type"], "created");
    assert_eq!(log[0]["actor_kind"], "customer");
    assert_eq!(log[0]["actor_id"], customer_id(h).await);
    // The closed ticket's owner is told, pointing at the follow-up.
    let told = notifications(h, &h.agent).await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0]["ticket_id"], follow);
    assert_eq!(
        told[0]["text"].as_str().unwrap(),
        format!(
            "Ticket #{id} \"Lamp arrived broken\" was closed when the customer answered in the portal: their answer opened ticket #{follow}."
        )
    );
    assert!(notifications(h, &h.other_agent).await.is_empty());
    // Live in the agent's list; in Ann's portal with her words.
    hears_of(&mut live, follow).await;
    let page = ann.get(&format!("/portal/tickets/{follow}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("The replacement is broken as well."));
    assert!(!page.body.contains("continues it"), "notes stay internal");
    let list = ann.get("/portal").await;
    assert!(list.body.contains(&format!("/portal/tickets/{follow}\"")));
}

async fn a_customer_cannot_reopen_another_customers_ticket(h: &Harness) {
    // Zed's tickets: one solved, one closed, both the agent's.
    let solved = mail_in(h, "Zed Other", "zed@example.com", "Zed's order", "Where?").await;
    h.reply_and_solve(solved, "Hello Zed, it ships today.")
        .await;
    let closed = mail_in(h, "Zed Other", "zed@example.com", "Zed's refund", "Money?").await;
    h.reply_and_solve(closed, "Hello Zed, refunded.").await;
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{closed}/status"),
            &h.agent,
            json!({"status": "closed"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    h.ticket("Ann's own", None).await;
    let tickets = h.app.ticket_count().await.unwrap();
    let mut ann = ann_signed_in(h).await;
    for (id, status) in [(solved, Status::Solved), (closed, Status::Closed)] {
        let messages = h.store.messages(TicketId(id)).await.unwrap().len();
        let log = events(h, id).await.len();
        let page = ann.get(&format!("/portal/tickets/{id}")).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        let refused = ann
            .submit(
                "/portal",
                &format!("/portal/tickets/{id}/reply"),
                &[("body", "Reopen this, please.")],
            )
            .await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND, "{}", refused.body);
        assert!(!refused.body.contains("Zed"), "{}", refused.body);
        let ticket = h.store.ticket(TicketId(id)).await.unwrap();
        assert_eq!(ticket.status, status, "ticket {id} untouched");
        assert_eq!(
            h.store.messages(TicketId(id)).await.unwrap().len(),
            messages
        );
        assert_eq!(events(h, id).await.len(), log);
    }
    assert_eq!(h.app.ticket_count().await.unwrap(), tickets, "no follow-up");
    assert!(notifications(h, &h.agent).await.is_empty());
}
