//! Search's filters run against a real index (`owner:`, `from:`,
//! `customer:`, `has:attachment`, attachment file names), the re-indexing
//! a customer's or an agent's rename causes, and, on PostgreSQL, a change
//! whose transaction commits after a later one (the feed's ids are not
//! commit-ordered there).

use crate::both_backends;
use crate::harness::{Backend, Harness, unique};
use crate::search::{Indexer, fresh_dir, open, q, until};
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

/// A customer's mail, with a file when `file` is given; returns the ticket.
async fn mail_in(h: &Harness, from: &str, subject: &str, text: &str, file: Option<&str>) -> i64 {
    let id = unique("m");
    let raw = match file {
        Some(file) => format!(
            "From: {from}\r\nTo: support@localhost\r\nSubject: {subject}\r\n\
             Message-ID: <{id}@test.example>\r\nMIME-Version: 1.0\r\n\
             Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n\
             --b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n\
             --b1\r\nContent-Type: application/pdf\r\n\
             Content-Disposition: attachment; filename=\"{file}\"\r\n\
             Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b1--\r\n"
        ),
        None => format!(
            "From: {from}\r\nTo: support@localhost\r\nSubject: {subject}\r\n\
             Message-ID: <{id}@test.example>\r\n\r\n{text}\r\n"
        ),
    };
    let outcome = h.app.ingest_mail(raw.as_bytes()).await.expect("ingest");
    outcome.ticket().expect("a ticket").0
}

async fn patch(h: &Harness, path: &str, token: &str, body: Value) -> Value {
    let (status, body) = h.call(Method::PATCH, path, Some(token), Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body
}

/// Searches until `query` finds exactly `want` (at most 2 s), then checks it.
async fn finds(h: &Harness, query: &str, want: &[i64]) {
    let mut want = want.to_vec();
    want.sort_unstable();
    let (mut found, took) = until(h, query, |f| {
        let mut f = f.to_vec();
        f.sort_unstable();
        f == want
    })
    .await;
    found.sort_unstable();
    assert_eq!(found, want, "{query} (after {took:?})");
}

async fn owner_from_and_customer_filters_find_their_tickets(h: &Harness) {
    let indexer = Indexer::start(&h.app, fresh_dir("owners")).await;
    let mine = open(
        h,
        "Lamp flickers",
        "ana@example.net",
        "Ana Silva",
        json!({}),
    )
    .await;
    let theirs = open(h, "Lamp hums", "bo@example.org", "Bo Berg", json!({})).await;
    let nobodys = open(h, "Lamp dark", "cy@example.com", "Cy Dale", json!({})).await;
    for (ticket, agent) in [(mine, h.agent_id), (theirs, h.other_agent_id)] {
        let (status, body) = h
            .post(
                &format!("/api/v1/tickets/{ticket}/assign"),
                &h.lead,
                json!({"agent_id": agent.0}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    finds(h, "lamp owner:me", &[mine]).await;
    finds(h, "lamp owner:other@test.example", &[theirs]).await;
    finds(h, "lamp -owner:me", &[theirs, nobodys]).await;
    finds(h, "lamp owner:none", &[nobodys]).await;
    // `owner:me` is the caller: the other agent's own ticket.
    let (status, body) = crate::search::search(h, &h.other_agent, "lamp owner:me").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(crate::search::ids(&body), vec![theirs]);
    // A sender's name, a customer's address.
    finds(h, r#"from:"Bo Berg""#, &[theirs]).await;
    finds(h, "from:Ana", &[mine]).await;
    finds(h, "from:Zed", &[]).await;
    finds(h, "customer:cy@example.com", &[nobodys]).await;
    finds(h, "customer:CY@Example.com lamp", &[nobodys]).await;
    finds(h, "customer:nobody@example.com", &[]).await;
    let _ = std::fs::remove_dir_all(indexer.stop().await);
}

async fn attachments_are_found_by_having_one_and_by_their_names(h: &Harness) {
    let indexer = Indexer::start(&h.app, fresh_dir("files")).await;
    let with = mail_in(
        h,
        "Ana Silva <ana@example.net>",
        "Invoice question",
        "The invoice is attached.",
        Some("march-statement.pdf"),
    )
    .await;
    let without = mail_in(
        h,
        "Bo Berg <bo@example.org>",
        "Invoice question",
        "Where is my invoice?",
        None,
    )
    .await;
    finds(h, "invoice", &[with, without]).await;
    finds(h, "has:attachment", &[with]).await;
    finds(h, "invoice has:attachment", &[with]).await;
    finds(h, "invoice -has:attachment", &[without]).await;
    // Words of the file's name (stemmed like the text).
    finds(h, "statement", &[with]).await;
    finds(h, "statements march", &[with]).await;
    let _ = std::fs::remove_dir_all(indexer.stop().await);
}

async fn a_customer_renamed_or_readdressed_is_found_by_the_new_words_only(h: &Harness) {
    let indexer = Indexer::start(&h.app, fresh_dir("customer-rename")).await;
    let ticket = open(h, "Kettle", "ana@example.net", "Ana Silva", json!({})).await;
    finds(h, r#"customer:"Ana Silva""#, &[ticket]).await;
    let (_, detail) = h.get(&format!("/api/v1/tickets/{ticket}"), &h.agent).await;
    let customer = detail["ticket"]["customer_id"].as_i64().expect("customer");
    patch(
        h,
        &format!("/api/v1/customers/{customer}"),
        &h.lead,
        json!({"name": "Ana Quartz"}),
    )
    .await;
    finds(h, "quartz", &[ticket]).await;
    finds(h, r#"customer:"Ana Quartz""#, &[ticket]).await;
    // (The first message's text still says "Ana Silva": names only.)
    finds(h, "customer:silva", &[]).await;
    finds(h, "from:silva", &[]).await;
    finds(h, "from:quartz", &[ticket]).await;
    finds(h, r#"customer:"Ana Silva""#, &[]).await;
    patch(
        h,
        &format!("/api/v1/customers/{customer}"),
        &h.lead,
        json!({"identities": [{"kind": "email", "value": "ana.q@example.com"}]}),
    )
    .await;
    finds(h, "customer:ana.q@example.com", &[ticket]).await;
    finds(h, "from:ana.q@example.com", &[ticket]).await;
    finds(h, "customer:ana@example.net", &[]).await;
    finds(h, "from:ana@example.net", &[]).await;
    let _ = std::fs::remove_dir_all(indexer.stop().await);
}

/// A customer who writes from a second address is found by `from:` with
/// either (which address a message came from is not stored).
async fn from_finds_a_customer_by_any_of_their_addresses(h: &Harness) {
    let indexer = Indexer::start(&h.app, fresh_dir("from-second")).await;
    let first = mail_in(h, "Ana <ana@example.net>", "Toaster", "It burns.", None).await;
    let (_, detail) = h.get(&format!("/api/v1/tickets/{first}"), &h.agent).await;
    let customer = detail["ticket"]["customer_id"].as_i64().expect("customer");
    patch(
        h,
        &format!("/api/v1/customers/{customer}"),
        &h.lead,
        json!({"identities": [
            {"kind": "email", "value": "ana@example.net"},
            {"kind": "email", "value": "ana@work.example"},
        ]}),
    )
    .await;
    let second = mail_in(h, "Ana <ana@work.example>", "Kettle", "It leaks.", None).await;
    let (_, detail) = h.get(&format!("/api/v1/tickets/{second}"), &h.agent).await;
    assert_eq!(
        detail["ticket"]["customer_id"].as_i64(),
        Some(customer),
        "the second address is the same customer"
    );
    finds(h, "from:ana@work.example", &[first, second]).await;
    finds(h, "from:ana@work.example kettle", &[second]).await;
    finds(h, "from:ana@example.net", &[first, second]).await;
    let _ = std::fs::remove_dir_all(indexer.stop().await);
}

/// Agents' names are indexed as senders: a rename re-indexes every ticket
/// they wrote on, and only those.
async fn an_agent_renamed_is_found_by_the_new_name_only(h: &Harness) {
    let indexer = Indexer::start(&h.app, fresh_dir("agent-rename")).await;
    let answered = open(h, "Blender", "ana@example.net", "Ana Silva", json!({})).await;
    let noted = open(h, "Mixer", "bo@example.org", "Bo Berg", json!({})).await;
    let untouched = open(h, "Grinder", "cy@example.com", "Cy Dale", json!({})).await;
    patch(
        h,
        &format!("/api/v1/agents/{}", h.agent_id.0),
        &h.agent,
        json!({"name": "Pat Quill"}),
    )
    .await;
    for (ticket, kind, body) in [
        (answered, "reply", "Hello Ana, a new blender ships today."),
        (noted, "note", "Checked the stock of mixers."),
    ] {
        let (status, b) = h
            .post(
                &format!("/api/v1/tickets/{ticket}/messages"),
                &h.agent,
                json!({"kind": kind, "body": body}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{b}");
    }
    finds(h, r#"from:"Pat Quill""#, &[answered]).await;
    finds(h, "quill", &[answered, noted]).await;
    let pool = sqlx::AnyPool::connect(&h.database_url).await.expect("pool");
    let last_row = || async {
        sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(id) FROM search_changes")
            .fetch_one(&pool)
            .await
            .expect("max")
            .unwrap_or(0)
    };
    let before = last_row().await;
    patch(
        h,
        &format!("/api/v1/agents/{}", h.agent_id.0),
        &h.admin,
        json!({"name": "Pat Zephyr"}),
    )
    .await;
    // Feed rows for exactly the tickets the agent wrote on.
    let mut named: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT ticket_id FROM search_changes WHERE id > $1 AND ticket_id IS NOT NULL",
    )
    .bind(before)
    .fetch_all(&pool)
    .await
    .expect("feed rows");
    named.sort_unstable();
    let mut want = vec![answered, noted];
    want.sort_unstable();
    assert_eq!(named, want, "the rename's feed rows");
    finds(h, r#"from:"Pat Zephyr""#, &[answered]).await;
    finds(h, "zephyr", &[answered, noted]).await;
    finds(h, "quill", &[]).await;
    finds(h, r#"from:"Pat Quill""#, &[]).await;
    assert_eq!(q(h, "grinder").await, vec![untouched]);
    // A save that keeps the name writes no feed rows.
    let before = last_row().await;
    patch(
        h,
        &format!("/api/v1/agents/{}", h.agent_id.0),
        &h.admin,
        json!({"name": "Pat Zephyr", "time_zone": "Europe/Berlin"}),
    )
    .await;
    assert_eq!(last_row().await, before, "nothing to re-index");
    pool.close().await;
    let _ = std::fs::remove_dir_all(indexer.stop().await);
}

both_backends!(
    owner_from_and_customer_filters_find_their_tickets,
    attachments_are_found_by_having_one_and_by_their_names,
    a_customer_renamed_or_readdressed_is_found_by_the_new_words_only,
    from_finds_a_customer_by_any_of_their_addresses,
    an_agent_renamed_is_found_by_the_new_name_only,
);

/// On PostgreSQL a transaction that took a lower feed id commits after one
/// with a higher id has been applied: its change is still found.
async fn a_change_committed_after_a_later_one_is_found(h: &Harness) {
    use sqlx::Connection;
    let indexer = Indexer::start(&h.app, fresh_dir("late-commit")).await;
    let slow = open(h, "Quiet kettle", "ana@example.net", "Ana Silva", json!({})).await;
    finds(h, "kettle", &[slow]).await;
    // The slow writer: its change and its feed row, not committed yet.
    let mut conn = sqlx::AnyConnection::connect(&h.database_url)
        .await
        .expect("connection");
    let mut tx = conn.begin().await.expect("begin");
    sqlx::query("UPDATE tickets SET subject = 'Zebra kettle' WHERE id = $1")
        .bind(slow)
        .execute(&mut *tx)
        .await
        .expect("update");
    let low: i64 = sqlx::query_scalar(
        "INSERT INTO search_changes (ticket_id, created_at) VALUES ($1, $2) RETURNING id",
    )
    .bind(slow)
    .bind(rapport_core::Timestamp::now().0)
    .fetch_one(&mut *tx)
    .await
    .expect("feed row");
    // Meanwhile another change commits with a higher id and is applied.
    let quick = open(h, "Giraffe", "bo@example.org", "Bo Berg", json!({})).await;
    finds(h, "giraffe", &[quick]).await;
    let high: i64 = sqlx::query_scalar("SELECT MAX(id) FROM search_changes")
        .fetch_one(&sqlx::AnyPool::connect(&h.database_url).await.expect("pool"))
        .await
        .expect("max");
    assert!(
        high > low,
        "the later change has the higher id ({high} > {low})"
    );
    finds(h, "zebra", &[]).await;
    tx.commit().await.expect("commit");
    conn.close().await.expect("close");
    finds(h, "zebra", &[slow]).await;
    let _ = std::fs::remove_dir_all(indexer.stop().await);
}

mod a_change_committed_after_a_later_one_is_found {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        let name = "late_commit";
        if let Some(h) = super::Harness::new(super::Backend::Postgres, name).await {
            super::a_change_committed_after_a_later_one_is_found(&h).await;
            h.finish().await;
        }
    }
}
