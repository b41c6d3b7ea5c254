//! Collisions on the workspace pages: who else has a ticket open (on the
//! ticket, in the list, over the live stream), a send stopped when someone
//! else wrote after the page was loaded, and drafts kept on the server.

use crate::both_backends;
use crate::browser::{Browser, hidden, mail_in};
use crate::harness::Harness;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use futures_util::StreamExt;
use rapport_core::TicketId;
use std::time::Duration;
use tower::ServiceExt;

both_backends!(
    two_agents_see_each_other_and_the_second_send_is_stopped,
    a_draft_is_kept_on_the_server_until_the_reply_is_sent,
    an_agent_opening_a_ticket_reaches_the_live_stream,
    a_stopped_heartbeat_is_nobody_is_announced_and_is_pruned,
);

async fn two_agents_see_each_other_and_the_second_send_is_stopped(h: &Harness) {
    let id = mail_in(h, "Ann Lee", "ann@example.com", "Kettle leaks", "It leaks.").await;
    let at = format!("/app/tickets/{id}");
    let mut a = Browser::new(h);
    a.sign_in("agent@test.example").await;
    let mut b = Browser::new(h);
    b.sign_in("lead@test.example").await;
    let page_a = a.get(&at).await;
    assert!(page_a.body.contains("Nobody else has this ticket open"));
    let page_b = b.get(&at).await;
    assert!(
        page_b
            .body
            .contains("agent@test.example is viewing this ticket"),
        "{}",
        page_b.body
    );
    let list = a.get("/app?view=unassigned").await;
    assert!(
        list.body.contains("lead@test.example is viewing"),
        "{}",
        list.body
    );
    // The lead starts writing; the agent's heartbeat says so.
    let beat = b
        .post(
            &format!("{at}/presence"),
            &[
                ("csrf", &page_b.csrf()),
                ("activity", "replying"),
                ("based_on", &hidden(&page_b, "based_on")),
            ],
        )
        .await;
    assert_eq!(beat.status, StatusCode::OK, "{}", beat.body);
    let seen_a = hidden(&page_a, "based_on");
    let beat = a
        .post(
            &format!("{at}/presence"),
            &[
                ("csrf", &page_a.csrf()),
                ("activity", "viewing"),
                ("based_on", &seen_a),
            ],
        )
        .await;
    assert!(
        beat.body.contains("lead@test.example is writing a reply"),
        "{}",
        beat.body
    );
    // The agent sends first.
    let sent = a
        .post(
            &format!("{at}/reply"),
            &[
                ("csrf", &page_a.csrf()),
                ("based_on", &seen_a),
                ("body", "Hi Ann, a new kettle leaves today."),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    // Before sending, the lead's open page already hears of it.
    let beat = b
        .post(
            &format!("{at}/presence"),
            &[
                ("csrf", &page_b.csrf()),
                ("activity", "replying"),
                ("based_on", &hidden(&page_b, "based_on")),
            ],
        )
        .await;
    assert!(
        beat.body.contains("1 new message(s) since you opened"),
        "{}",
        beat.body
    );
    assert!(beat.body.contains("a new kettle leaves today"));
    // The lead's send, based on the old view, is stopped and shown it.
    let draft = "Hi Ann, we will refund the kettle.";
    let stopped = b
        .post(
            &format!("{at}/reply"),
            &[
                ("csrf", &page_b.csrf()),
                ("based_on", &hidden(&page_b, "based_on")),
                ("body", draft),
            ],
        )
        .await;
    assert_eq!(stopped.status, StatusCode::CONFLICT, "{}", stopped.body);
    assert!(stopped.body.contains("Your reply was not sent"));
    assert!(stopped.body.contains("a new kettle leaves today"));
    assert!(stopped.body.contains("class=\"message fresh\""));
    assert!(stopped.body.contains(draft), "the draft is kept");
    assert!(stopped.body.contains("Send anyway"));
    assert_eq!(h.store.messages(TicketId(id)).await.unwrap().len(), 2);
    // Sending anyway from the page that showed it goes through.
    let anyway = b
        .post(
            &format!("{at}/reply"),
            &[
                ("csrf", &stopped.csrf()),
                ("based_on", &hidden(&stopped, "based_on")),
                ("body", draft),
            ],
        )
        .await;
    assert_eq!(anyway.status, StatusCode::SEE_OTHER, "{}", anyway.body);
    assert_eq!(h.store.messages(TicketId(id)).await.unwrap().len(), 3);
    // The agent leaves: the lead sees nobody.
    let left = a
        .post(&format!("{at}/presence/leave"), &[("csrf", &page_a.csrf())])
        .await;
    assert_eq!(left.status, StatusCode::NO_CONTENT);
    let page_b = b.get(&at).await;
    assert!(
        page_b.body.contains("Nobody else has this ticket open"),
        "{}",
        page_b.body
    );
    let bad = b
        .post(
            &format!("{at}/presence"),
            &[("csrf", &page_b.csrf()), ("activity", "dancing")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let forged = b
        .post(&format!("{at}/presence"), &[("activity", "viewing")])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "CSRF applies");
}

async fn a_draft_is_kept_on_the_server_until_the_reply_is_sent(h: &Harness) {
    let id = mail_in(h, "Bo Berg", "bo@example.com", "Parcel", "Where is it?").await;
    let at = format!("/app/tickets/{id}");
    let mut a = Browser::new(h);
    a.sign_in("agent@test.example").await;
    let page = a.get(&at).await;
    assert!(!page.body.contains("Your saved draft is back"));
    let text = "Hi Bo, the courier says <Tuesday> & not later";
    let saved = a
        .post(
            &format!("{at}/draft"),
            &[("csrf", &page.csrf()), ("body", text)],
        )
        .await;
    assert_eq!(saved.status, StatusCode::NO_CONTENT, "{}", saved.body);
    // The tab was closed; the ticket is opened again.
    let again = a.get(&at).await;
    assert!(again.body.contains("Your saved draft is back"));
    assert!(
        again
            .body
            .contains("Hi Bo, the courier says &#60;Tuesday&#62; &#38; not later"),
        "{}",
        again.body
    );
    // Drafts are per agent.
    let mut other = Browser::new(h);
    other.sign_in("other@test.example").await;
    assert!(!other.get(&at).await.body.contains("courier says"));
    // The send deletes it.
    let sent = a
        .post(
            &format!("{at}/reply"),
            &[
                ("csrf", &page.csrf()),
                ("body", "Hi Bo, the courier says Tuesday."),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert!(
        h.store
            .draft(TicketId(id), h.agent_id)
            .await
            .unwrap()
            .is_none()
    );
    assert!(!a.get(&at).await.body.contains("Your saved draft is back"));
    // An empty draft deletes it; a missing ticket is a 404.
    a.post(
        &format!("{at}/draft"),
        &[("csrf", &page.csrf()), ("body", "Later")],
    )
    .await;
    a.post(
        &format!("{at}/draft"),
        &[("csrf", &page.csrf()), ("body", "  ")],
    )
    .await;
    assert!(
        h.store
            .draft(TicketId(id), h.agent_id)
            .await
            .unwrap()
            .is_none()
    );
    let missing = a
        .post(
            "/app/tickets/999999/draft",
            &[("csrf", &page.csrf()), ("body", "x")],
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

async fn an_agent_opening_a_ticket_reaches_the_live_stream(h: &Harness) {
    let id = mail_in(h, "Cy Dunn", "cy@example.com", "Fridge hums", "Loud.").await;
    let mut a = Browser::new(h);
    a.sign_in("agent@test.example").await;
    let jar: Vec<String> = a.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let request = Request::get("/app/live")
        .header(header::COOKIE, jar.join("; "))
        .body(Body::empty())
        .unwrap();
    let response = h.router.clone().oneshot(request).await.unwrap();
    let mut body = response.into_body().into_data_stream();
    tokio::time::sleep(Duration::from_millis(600)).await;
    // Another agent opens the ticket through a second server on the same database.
    let store = rapport_store::Store::open(&h.database_url).await.unwrap();
    let blobs = rapport_store::Blobs::filesystem(&h.blob_dir).unwrap();
    let second = rapport_app::App::new(store, blobs, rapport_app::AppConfig::default());
    let lead = second
        .authenticate(&h.lead)
        .await
        .expect("the lead's token works on the second server");
    let started = std::time::Instant::now();
    second
        .heartbeat(
            &lead,
            TicketId(id),
            rapport_app::presence::Activity::Viewing,
        )
        .await
        .unwrap();
    let mut seen = String::new();
    while !seen.contains(&format!("data: {id}\n")) {
        let chunk = tokio::time::timeout(Duration::from_secs(3), body.next())
            .await
            .expect("an event within the time")
            .expect("the stream stays open")
            .unwrap();
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    drop(body);
    second.close().await;
}

/// A heartbeat older than the time-out is nobody; the feed announces the
/// ticket once the time-out passes; rows a day old are forgotten.
async fn a_stopped_heartbeat_is_nobody_is_announced_and_is_pruned(h: &Harness) {
    use rapport_app::presence::PRESENCE_TIMEOUT_SECONDS;
    use rapport_core::Timestamp;
    let id = mail_in(h, "Di Eck", "di@example.com", "Oven", "Cold.").await;
    let ticket = TicketId(id);
    let lead = h.app.authenticate(&h.lead).await.unwrap();
    let agent = h.app.authenticate(&h.agent).await.unwrap();
    let now = Timestamp::now();
    let secs = |s: i64| Timestamp(now.0 - s * 1_000_000);
    let timeout = PRESENCE_TIMEOUT_SECONDS;
    // The agent's last heartbeat was just over the time-out ago.
    h.store
        .touch_presence(
            ticket,
            h.agent_id,
            true,
            secs(timeout + 1),
            secs(2 * timeout),
        )
        .await
        .unwrap();
    assert!(h.app.others_on(&lead, ticket).await.unwrap().is_empty());
    let changes = h.app.presence_changes(secs(3), now).await.unwrap();
    assert!(
        changes
            .iter()
            .any(|c| c.ticket_id == ticket && c.agent_id == h.agent_id),
        "the stop is announced: {changes:?}"
    );
    // A fresh heartbeat brings them back, writing.
    h.app
        .heartbeat(&agent, ticket, rapport_app::presence::Activity::Replying)
        .await
        .unwrap();
    let here = h.app.others_on(&lead, ticket).await.unwrap();
    assert_eq!(here.len(), 1);
    assert_eq!(here[0].activity, rapport_app::presence::Activity::Replying);
    assert!(
        h.app.others_on(&agent, ticket).await.unwrap().is_empty(),
        "not oneself"
    );
    // A row whose heartbeat stopped two days ago is pruned; a live one stays.
    h.store
        .touch_presence(ticket, h.lead_id, false, secs(2 * 86_400), secs(3 * 86_400))
        .await
        .unwrap();
    assert_eq!(h.app.prune_presence().await.unwrap(), 1);
    assert_eq!(h.app.others_on(&lead, ticket).await.unwrap().len(), 1);
}
