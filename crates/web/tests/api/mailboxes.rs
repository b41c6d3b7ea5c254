//! `GET /api/v1/mailboxes/status`: each mailbox's last poll and error as
//! recorded in the database by the poller (so every server sees the same),
//! the outbox's queue and its failed sends with their error; admins only.
//! Every test runs on SQLite and on PostgreSQL.

use crate::harness::{Harness, unique};
use crate::mailflow::{SUPPORT, customer_mail, outbound_config};
use rapport_core::Timestamp;
use rapport_transport::{AfterProcessing, ImapSettings, Security};
use std::time::Duration;

crate::both_backends_with!(super::outbound_config();
    the_status_shows_polls_errors_the_queue_and_failed_sends,
);

/// A mailbox nobody listens on (port 9 on this machine refuses).
fn unreachable(name: &str) -> ImapSettings {
    ImapSettings {
        name: name.to_string(),
        host: "127.0.0.1".into(),
        port: 9,
        security: Security::None,
        username: "support".into(),
        password: "a password that must never be shown".into(),
        folder: "INBOX".into(),
        after: AfterProcessing::Seen,
        ca_file: None,
        timeout: Duration::from_secs(5),
    }
}

async fn the_status_shows_polls_errors_the_queue_and_failed_sends(h: &Harness) {
    // Nothing yet: no mailbox has reported, the outbox is empty.
    let (s, b) = h.get("/api/v1/mailboxes/status", &h.admin).await;
    assert_eq!(s.as_u16(), 200, "{b}");
    assert_eq!(b["mailboxes"], serde_json::json!([]));
    assert_eq!(b["outbox"]["pending"], 0);
    assert_eq!(b["outbox"]["failed"], 0);

    // Leads and agents may not see it.
    for token in [&h.lead, &h.agent] {
        let (s, b) = h.get("/api/v1/mailboxes/status", token).await;
        assert_eq!(s.as_u16(), 403, "{b}");
        assert_eq!(b["error"]["code"], "forbidden");
    }

    // A poll that cannot reach its server is recorded with the error, and
    // the password is not in it.
    let broken = unique("broken");
    assert!(
        h.app
            .poll_mailbox_once(&unreachable(&broken))
            .await
            .is_err()
    );
    // A good pass elsewhere (as the poller records it).
    h.store.record_mailbox_poll("good", 3).await.unwrap();
    let (_, b) = h.get("/api/v1/mailboxes/status", &h.admin).await;
    let boxes = b["mailboxes"].as_array().unwrap();
    assert_eq!(boxes.len(), 2, "{b}");
    let broken_row = boxes
        .iter()
        .find(|m| m["mailbox"] == broken.as_str())
        .unwrap();
    assert_eq!(broken_row["failing"], true);
    assert!(broken_row["last_poll_at"].is_null());
    let error = broken_row["last_error"].as_str().unwrap();
    assert!(error.starts_with("cannot reach the mailbox"), "{error}");
    assert!(!error.contains("must never be shown"), "{error}");
    assert!(broken_row["last_error_at"].is_string());
    let good = boxes.iter().find(|m| m["mailbox"] == "good").unwrap();
    assert_eq!(good["failing"], false);
    assert_eq!(good["last_fetched"], 3);
    assert!(good["last_error"].is_null());

    // The broken one recovers: a later good pass makes the old error history.
    h.store.record_mailbox_poll(&broken, 0).await.unwrap();
    let (_, b) = h.get("/api/v1/mailboxes/status", &h.admin).await;
    let row = b["mailboxes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["mailbox"] == broken.as_str())
        .unwrap()
        .clone();
    assert_eq!(row["failing"], false, "{row}");
    assert!(
        row["last_error"].is_string(),
        "the error is kept as history"
    );

    // A new request queues its acknowledgment: one pending.
    let local = unique("ann");
    let raw = customer_mail(
        &format!("s-{local}@customer.test"),
        &format!("Ann Lee <{local}@customer.test>"),
        SUPPORT,
        "Broken lamp",
        "",
        "My lamp arrived broken.",
    );
    let ticket = h.app.ingest_mail(&raw).await.unwrap().ticket().unwrap();
    let (_, b) = h.get("/api/v1/mailboxes/status", &h.admin).await;
    assert_eq!(b["outbox"]["pending"], 1, "{b}");
    assert_eq!(b["outbox"]["failures"], serde_json::json!([]));

    // A worker gives it up: it is counted and listed with its error.
    let lease = Timestamp(Timestamp::now().0 + 60_000_000);
    let claimed = h.store.claim_outbox("w", 10, lease).await.unwrap();
    assert_eq!(claimed.len(), 1);
    let (_, b) = h.get("/api/v1/mailboxes/status", &h.admin).await;
    assert_eq!(b["outbox"]["sending"], 1, "{b}");
    assert!(
        h.store
            .outbox_failed(claimed[0].record.id, "w", "550 5.1.1 no such user")
            .await
            .unwrap()
    );
    let (_, b) = h.get("/api/v1/mailboxes/status", &h.admin).await;
    assert_eq!(b["outbox"]["pending"], 0, "{b}");
    assert_eq!(b["outbox"]["failed"], 1, "{b}");
    let failures = b["outbox"]["failures"].as_array().unwrap();
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0]["ticket_id"], ticket.0);
    assert_eq!(failures[0]["kind"], "acknowledgment");
    assert_eq!(failures[0]["last_error"], "550 5.1.1 no such user");
    assert_eq!(failures[0]["attempts"], 1);
    assert_eq!(
        failures[0]["recipients"],
        serde_json::json!([format!("{local}@customer.test")])
    );
}
