//! The outbox against a real Postfix (SMTP, STARTTLS/TLS, AUTH): replies and
//! acknowledgments as delivered, retries and failures shown on the ticket,
//! two workers never sending one mail twice, and a dead worker's claim taken
//! over. Every test runs on SQLite and on PostgreSQL.

use crate::harness::{Harness, unique};
use crate::mailflow::{
    SUPPORT, customer_mail, header, outbound_config, parse, reply, send_all, ticket,
};
use rapport_app::mailer::RetryPolicy;
use rapport_testkit::mailservers::MailServers;
use rapport_transport::{Security, SmtpSender};
use std::time::Duration;

async fn replies_and_acknowledgments_go_out_by_smtp(h: &Harness, servers: &MailServers) {
    let local = unique("ann");
    let customer = format!("{local}@customer.test");
    let first = customer_mail(
        &format!("c1-{local}@customer.test"),
        &format!("Ann Lee <{customer}>"),
        SUPPORT,
        "Broken lamp",
        "",
        "My lamp arrived broken. Can you send a new one?",
    );
    let outcome = h.app.ingest_mail(&first).await.expect("ingest");
    let id = outcome.ticket().expect("a ticket").0;
    let mail = h
        .get(&format!("/api/v1/tickets/{id}/mail"), &h.agent)
        .await
        .1;
    assert_eq!(mail[0]["kind"], "acknowledgment");
    assert_eq!(mail[0]["status"], "pending");
    // An upload rides along with the reply.
    let label = b"%PDF-1.4 return label".to_vec();
    let request = axum::http::Request::post("/api/v1/attachments?name=label.pdf")
        .header("authorization", format!("Bearer {}", h.agent))
        .header("content-type", "application/pdf")
        .body(axum::body::Body::from(label.clone()))
        .unwrap();
    let (s, upload) = h.raw(request).await;
    assert_eq!(s, 201, "{upload}");
    reply(
        h,
        id,
        "Hello Ann, a new lamp ships today. The return label is attached.",
        vec![upload["id"].as_i64().unwrap()],
    )
    .await;
    // A bad login is refused before anything is sent.
    let mut wrong = servers.smtp(Security::StartTls, true);
    wrong.password = Some("wrong".into());
    assert!(SmtpSender::new(&wrong).unwrap().check().await.is_err());
    let sender = SmtpSender::new(&servers.smtp(Security::StartTls, true)).expect("sender");
    sender.check().await.expect("STARTTLS and AUTH work");
    let round = send_all(h, &sender).await;
    assert_eq!(
        (round.sent, round.failed),
        (2, 0),
        "{}",
        servers.postfix_log()
    );
    let delivered = servers.wait_delivered(&local, 2).await;
    assert_eq!(delivered.len(), 2, "{}", servers.postfix_log());
    let (ack, answer): (Vec<&Vec<u8>>, Vec<&Vec<u8>>) = delivered
        .iter()
        .partition(|raw| header(raw, "Auto-Submitted").is_some());
    let (ack, answer) = (parse(ack[0]), parse(answer[0]));
    let token = format!("[#{id}]");
    assert!(ack.subject.contains(&token), "{}", ack.subject);
    assert!(
        ack.text.contains("A person from our team will answer by ") && ack.text.contains("(UTC)"),
        "a real time in the business zone: {}",
        ack.text
    );
    assert!(ack.text.contains("Hello Ann"), "{}", ack.text);
    assert_eq!(ack.in_reply_to, vec![format!("c1-{local}@customer.test")]);
    assert_eq!(answer.subject, format!("Re: Broken lamp {token}"));
    assert_eq!(
        answer.in_reply_to,
        vec![format!("c1-{local}@customer.test")]
    );
    assert!(
        answer
            .references
            .contains(&format!("c1-{local}@customer.test"))
    );
    assert!(answer.text.contains("a new lamp ships today"));
    assert!(answer.html.as_deref().is_some_and(|h| h.contains("<p>")));
    assert_eq!(answer.from.as_ref().unwrap().address, SUPPORT);
    let reply_to = answer.reply_to.as_ref().unwrap().address.clone();
    assert!(
        reply_to.starts_with(&format!("support+t{id}-")),
        "{reply_to}"
    );
    assert_eq!(answer.attachments.len(), 1);
    assert_eq!(answer.attachments[0].data, label);
    assert_eq!(answer.attachments[0].name.as_deref(), Some("label.pdf"));
    let mail = h
        .get(&format!("/api/v1/tickets/{id}/mail"), &h.agent)
        .await
        .1;
    assert!(
        mail.as_array()
            .unwrap()
            .iter()
            .all(|m| m["status"] == "sent"),
        "{mail}"
    );
    // Implicit TLS with AUTH works too.
    reply(
        h,
        id,
        "Hello Ann, the courier picks the old lamp up tomorrow.",
        vec![],
    )
    .await;
    let tls = SmtpSender::new(&servers.smtp(Security::Tls, true)).expect("sender");
    assert_eq!(send_all(h, &tls).await.sent, 1);
    assert_eq!(servers.wait_delivered(&local, 3).await.len(), 3);
}

async fn failures_are_retried_then_shown_on_the_ticket(h: &Harness, servers: &MailServers) {
    let tag = unique("f");
    let mut tickets = Vec::new();
    for who in ["reject", "busy"] {
        let raw = customer_mail(
            &format!("{who}-{tag}@customer.test"),
            &format!("{who}-{tag}@customer.test"),
            SUPPORT,
            "Help",
            "",
            "My order did not arrive.",
        );
        tickets.push(h.app.ingest_mail(&raw).await.unwrap().ticket().unwrap().0);
    }
    let sender = SmtpSender::new(&servers.smtp(Security::None, false)).expect("sender");
    let policy = RetryPolicy {
        first_delay: Duration::from_millis(400),
        max_attempts: 3,
        ..RetryPolicy::default()
    };
    let round = h
        .app
        .send_due_mail(&sender, "w", &policy, 10)
        .await
        .unwrap();
    assert_eq!(
        (round.sent, round.retrying, round.failed),
        (0, 1, 1),
        "{}",
        servers.postfix_log()
    );
    let rejected = h
        .get(&format!("/api/v1/tickets/{}/mail", tickets[0]), &h.agent)
        .await
        .1;
    assert_eq!(rejected[0]["status"], "failed");
    assert!(
        rejected[0]["last_error"].as_str().unwrap().contains("550"),
        "{rejected}"
    );
    let busy = h
        .get(&format!("/api/v1/tickets/{}/mail", tickets[1]), &h.agent)
        .await
        .1;
    assert_eq!(
        (busy[0]["status"].as_str(), busy[0]["attempts"].as_i64()),
        (Some("pending"), Some(1))
    );
    // Not due yet: nothing is claimed.
    let early = h
        .app
        .send_due_mail(&sender, "w", &policy, 10)
        .await
        .unwrap();
    assert_eq!(early.retrying + early.failed, 0);
    for attempt in 2..=3 {
        tokio::time::sleep(Duration::from_millis(400 * (1 << (attempt - 1)) + 80)).await;
        let round = h
            .app
            .send_due_mail(&sender, "w", &policy, 10)
            .await
            .unwrap();
        assert_eq!(round.retrying + round.failed, 1, "attempt {attempt}");
    }
    let busy = h
        .get(&format!("/api/v1/tickets/{}/mail", tickets[1]), &h.agent)
        .await
        .1;
    assert_eq!(busy[0]["status"], "failed", "{busy}");
    assert!(
        busy[0]["last_error"]
            .as_str()
            .unwrap()
            .contains("gave up after 3 attempts"),
        "{busy}"
    );
    for id in tickets {
        let detail = ticket(h, id).await;
        let note = detail["messages"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()
            .clone();
        assert_eq!(note["kind"], "internal");
        assert!(
            note["body_text"]
                .as_str()
                .unwrap()
                .contains("could not be delivered"),
            "{note}"
        );
    }
}

async fn two_workers_never_send_the_same_mail(h: &Harness, servers: &MailServers) {
    let tag = unique("pair");
    for i in 0..24 {
        let raw = customer_mail(
            &format!("{tag}-{i}@customer.test"),
            &format!("{tag}-{i}@customer.test"),
            SUPPORT,
            "Where is my parcel?",
            "",
            "It has been a week.",
        );
        h.app.ingest_mail(&raw).await.unwrap();
    }
    // A second server on the same database.
    let store = rapport_store::Store::open(&h.database_url).await.unwrap();
    let other = rapport_app::App::new(store, rapport_app::Blobs::in_memory(), outbound_config());
    let sender = SmtpSender::new(&servers.smtp(Security::None, false)).unwrap();
    let drain = |app: rapport_app::App, worker: &'static str| {
        let sender = sender.clone();
        async move {
            let mut sent = 0;
            loop {
                let round = app
                    .send_due_mail(&sender, worker, &RetryPolicy::default(), 3)
                    .await
                    .unwrap();
                if round.sent == 0 {
                    return sent;
                }
                sent += round.sent;
            }
        }
    };
    let (a, b) = tokio::join!(
        drain(h.app.clone(), "server-a"),
        drain(other.clone(), "server-b")
    );
    assert_eq!(a + b, 24, "each mail sent once: a {a}, b {b}");
    for i in 0..24 {
        let local = format!("{tag}-{i}");
        let got = servers.wait_delivered(&local, 1).await;
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert_eq!(servers.delivered(&local).len(), 1, "{local}: {}", got.len());
    }
    other.close().await;
}

async fn a_dead_workers_claim_is_taken_over_after_its_lease(h: &Harness, servers: &MailServers) {
    let local = unique("lease");
    let raw = customer_mail(
        &format!("{local}@customer.test"),
        &format!("{local}@customer.test"),
        SUPPORT,
        "Lease",
        "",
        "Hello?",
    );
    let id = h.app.ingest_mail(&raw).await.unwrap().ticket().unwrap();
    // A worker claims the acknowledgment and dies before sending it.
    let lease = rapport_core::Timestamp(rapport_core::Timestamp::now().0 + 400_000);
    assert_eq!(
        h.store.claim_outbox("dead", 10, lease).await.unwrap().len(),
        1
    );
    let sender = SmtpSender::new(&servers.smtp(Security::None, false)).unwrap();
    assert_eq!(send_all(h, &sender).await.sent, 0, "still leased");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(send_all(h, &sender).await.sent, 1, "taken over");
    assert_eq!(send_all(h, &sender).await.sent, 0, "never twice");
    // The dead worker cannot mark it afterwards.
    let mail = h.store.outbox_for_ticket(id).await.unwrap();
    assert!(!h.store.outbox_sent(mail[0].id, "dead").await.unwrap());
    assert_eq!(servers.wait_delivered(&local, 1).await.len(), 1);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(servers.delivered(&local).len(), 1);
}

/// Issue 10: an admin's retry puts a failed send back in the queue and the
/// worker sends it again over SMTP.
async fn a_retried_send_is_sent_again_by_the_worker(h: &Harness, servers: &MailServers) {
    let sender = SmtpSender::new(&servers.smtp(Security::None, false)).expect("sender");
    // A recipient the server refuses for good: given up after one attempt.
    let refused = format!("reject-{}@customer.test", unique("r"));
    let raw = customer_mail(
        &refused,
        &refused,
        SUPPORT,
        "Help",
        "",
        "My order did not arrive.",
    );
    let ticket = h.app.ingest_mail(&raw).await.unwrap().ticket().unwrap();
    assert_eq!(
        send_all(h, &sender).await.failed,
        1,
        "{}",
        servers.postfix_log()
    );
    let mail = h.store.outbox_for_ticket(ticket).await.unwrap();
    assert_eq!((mail[0].status.as_str(), mail[0].attempts), ("failed", 1));
    let path = format!("/api/v1/outbox/{}/retry", mail[0].id);
    let (s, b) = h.post(&path, &h.admin, serde_json::Value::Null).await;
    assert_eq!(s, 200, "{b}");
    // The worker tries it again (a new first attempt), and the server refuses again.
    let round = send_all(h, &sender).await;
    assert_eq!(
        (round.sent, round.failed),
        (0, 1),
        "{}",
        servers.postfix_log()
    );
    let again = h.store.outbox_record(mail[0].id).await.unwrap();
    assert_eq!((again.status.as_str(), again.attempts), ("failed", 1));
    assert!(
        again.last_error.as_deref().unwrap_or("").contains("550"),
        "{again:?}"
    );

    // A send given up on for a passing reason is delivered once retried.
    let local = unique("later");
    let raw = customer_mail(
        &format!("{local}@customer.test"),
        &format!("{local}@customer.test"),
        SUPPORT,
        "Where is my parcel?",
        "",
        "It has been a week.",
    );
    let ticket = h.app.ingest_mail(&raw).await.unwrap().ticket().unwrap();
    let lease = rapport_core::Timestamp(rapport_core::Timestamp::now().0 + 60_000_000);
    let claimed = h.store.claim_outbox("gone", 10, lease).await.unwrap();
    assert_eq!(claimed.len(), 1);
    let id = claimed[0].record.id;
    assert!(
        h.store
            .outbox_failed(id, "gone", "421 try again later")
            .await
            .unwrap()
    );
    assert_eq!(
        send_all(h, &sender).await.sent,
        0,
        "failed mail is not sent"
    );
    let (s, b) = h
        .post(
            &format!("/api/v1/outbox/{id}/retry"),
            &h.admin,
            serde_json::Value::Null,
        )
        .await;
    assert_eq!(
        (s.as_u16(), b["requeued"].clone()),
        (200, serde_json::json!([id])),
        "{b}"
    );
    assert_eq!(
        send_all(h, &sender).await.sent,
        1,
        "{}",
        servers.postfix_log()
    );
    assert_eq!(servers.wait_delivered(&local, 1).await.len(), 1);
    let mail = h.store.outbox_for_ticket(ticket).await.unwrap();
    assert_eq!((mail[0].status.as_str(), mail[0].attempts), ("sent", 1));
    let (s, _) = h
        .post(
            &format!("/api/v1/outbox/{id}/retry"),
            &h.admin,
            serde_json::Value::Null,
        )
        .await;
    assert_eq!(s, 409, "a sent mail is not retried");
}

crate::with_mail_servers!(
    a_retried_send_is_sent_again_by_the_worker,
    replies_and_acknowledgments_go_out_by_smtp,
    failures_are_retried_then_shown_on_the_ticket,
    two_workers_never_send_the_same_mail,
    a_dead_workers_claim_is_taken_over_after_its_lease,
);
