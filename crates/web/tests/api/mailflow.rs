//! The mail channel against real servers: Dovecot (IMAP) feeds the poller,
//! Postfix (SMTP, STARTTLS/TLS, AUTH) receives what the outbox sends, and
//! the test reads what Postfix delivered. Every test runs on SQLite and on
//! PostgreSQL.

use crate::harness::{Harness, unique};
use rapport_app::mailer::RetryPolicy;
use rapport_app::{AppConfig, MailConfig};
use rapport_testkit::mailservers::{MailServers, append, counts, recreate_folder};
use rapport_transport::{AfterProcessing, Security, SmtpSender};
use serde_json::{Value, json};
use std::time::Duration;

const SUPPORT: &str = "support@shop.test";

fn outbound_config() -> AppConfig {
    AppConfig {
        mail: MailConfig {
            address: SUPPORT.into(),
            business_name: "Lamp Shop".into(),
            outbound: true,
            ..MailConfig::default()
        },
        ..AppConfig::default()
    }
}

macro_rules! with_mail_servers {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                async fn run(backend: crate::harness::Backend) {
                    let Some(servers) = rapport_testkit::mailservers::servers() else { return };
                    if let Some(h) = crate::harness::Harness::with_config(backend, stringify!($name), super::outbound_config()).await {
                        super::$name(&h, servers).await;
                        h.finish().await;
                    }
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    run(crate::harness::Backend::Sqlite).await;
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    run(crate::harness::Backend::Postgres).await;
                }
            }
        )+
    };
}

fn customer_mail(
    id: &str,
    from: &str,
    to: &str,
    subject: &str,
    extra: &str,
    body: &str,
) -> Vec<u8> {
    format!(
        "Message-ID: <{id}>\r\nDate: Tue, 01 Dec 2026 10:00:00 +0000\r\nFrom: {from}\r\nTo: {to}\r\nSubject: {subject}\r\n{extra}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

fn parse(raw: &[u8]) -> rapport_mail::ParsedMail {
    rapport_mail::parse(raw).expect("delivered mail parses")
}

fn header(raw: &[u8], name: &str) -> Option<String> {
    let text = String::from_utf8_lossy(raw);
    let head = text.split("\r\n\r\n").next().unwrap_or("").to_string();
    let prefix = format!("{}:", name.to_ascii_lowercase());
    head.lines()
        .find(|l| l.to_ascii_lowercase().starts_with(&prefix))
        .map(|l| l[prefix.len()..].trim().to_string())
}

async fn ticket(h: &Harness, id: i64) -> Value {
    let (s, b) = h.get(&format!("/api/v1/tickets/{id}"), &h.agent).await;
    assert_eq!(s, 200, "{b}");
    b
}

async fn reply(h: &Harness, id: i64, body: &str, attachments: Vec<i64>) -> Value {
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{id}/messages"),
            &h.agent,
            json!({"kind": "reply", "body": body, "attachment_ids": attachments}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    b
}

async fn send_all(h: &Harness, sender: &SmtpSender) -> rapport_app::mailer::SendRound {
    h.app
        .send_due_mail(sender, "test-worker", &RetryPolicy::default(), 50)
        .await
        .expect("send round")
}

async fn imap_poller_takes_mail_in_once(h: &Harness, servers: &MailServers) {
    let user = unique("inbox");
    let photo: Vec<u8> = (0..30_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let first = format!(
        "Message-ID: <p1-{user}@customer.test>\r\nFrom: Ann Lee <ann-{user}@customer.test>\r\nTo: {SUPPORT}\r\nCc: Bo Lee <bo-{user}@customer.test>\r\nSubject: Broken lamp\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"m\"\r\n\r\n--m\r\nContent-Type: text/plain\r\n\r\nMy lamp arrived broken. Photo attached.\r\n--m\r\nContent-Type: image/png; name=\"lamp.png\"\r\nContent-Disposition: attachment; filename=\"lamp.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--m--\r\n",
        base64(&photo)
    );
    append(servers, &user, "INBOX", first.as_bytes()).await;
    let second = customer_mail(
        &format!("p2-{user}@customer.test"),
        &format!("bo-{user}@customer.test"),
        SUPPORT,
        "Re: Broken lamp",
        &format!("In-Reply-To: <p1-{user}@customer.test>\r\n"),
        "I am Ann's husband; the box was crushed too.",
    );
    append(servers, &user, "INBOX", &second).await;
    let settings = servers.imap(&user, Security::Tls, AfterProcessing::Seen);
    let report = h
        .app
        .poll_mailbox_once(&settings)
        .await
        .expect("poll over TLS");
    assert_eq!(report.fetched, 2, "{report:?}");
    assert_eq!(report.outcomes.get("created"), Some(&1), "{report:?}");
    assert_eq!(
        report.outcomes.get("appended"),
        Some(&1),
        "a copied participant threads: {report:?}"
    );
    assert_eq!(
        counts(servers, &user, "INBOX").await,
        (2, 2),
        "both marked seen"
    );
    // Nothing is fetched twice.
    let again = h.app.poll_mailbox_once(&settings).await.expect("poll");
    assert_eq!(again.fetched, 0);
    let third = customer_mail(
        &format!("p3-{user}@customer.test"),
        &format!("cy-{user}@customer.test"),
        SUPPORT,
        "Question",
        "",
        "Do you ship to Norway?",
    );
    append(servers, &user, "INBOX", &third).await;
    let mut starttls = servers.imap(&user, Security::StartTls, AfterProcessing::Seen);
    // The same mailbox, reached another way: its stored position carries over.
    starttls.name = settings.name.clone();
    let report = h
        .app
        .poll_mailbox_once(&starttls)
        .await
        .expect("poll with STARTTLS");
    assert_eq!(report.fetched, 1);
    // The first message's ticket has the participant and the photo, byte for byte.
    let (_, list) = h.get("/api/v1/tickets?limit=10", &h.agent).await;
    let id = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["subject"] == "Broken lamp")
        .and_then(|t| t["id"].as_i64())
        .expect("the ticket");
    let detail = ticket(h, id).await;
    assert_eq!(
        detail["messages"].as_array().unwrap().len(),
        2,
        "{:#}",
        detail["messages"]
    );
    assert_eq!(
        detail["participants"][0]["email"],
        format!("bo-{user}@customer.test")
    );
    let attachment = &detail["attachments"][0];
    assert_eq!(attachment["file_name"], "lamp.png");
    assert_eq!(attachment["size"], photo.len());
    let request = axum::http::Request::get(format!(
        "/api/v1/attachments/{}",
        attachment["id"].as_i64().unwrap()
    ))
    .header("authorization", format!("Bearer {}", h.agent))
    .body(axum::body::Body::empty())
    .unwrap();
    let response = tower::ServiceExt::oneshot(h.router.clone(), request)
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "image/png");
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    assert_eq!(bytes.as_ref(), photo.as_slice());
}

async fn a_new_uidvalidity_reads_the_folder_again(h: &Harness, servers: &MailServers) {
    let user = unique("folder");
    let a1 = customer_mail(
        &format!("a1-{user}@customer.test"),
        &format!("dee-{user}@customer.test"),
        SUPPORT,
        "First",
        "",
        "Where is my order 1?",
    );
    let a2 = customer_mail(
        &format!("a2-{user}@customer.test"),
        &format!("eli-{user}@customer.test"),
        SUPPORT,
        "Second",
        "",
        "Where is my order 2?",
    );
    append(servers, &user, "Support", &a1).await;
    append(servers, &user, "Support", &a2).await;
    let mut settings = servers.imap(
        &user,
        Security::None,
        AfterProcessing::Move("Processed".into()),
    );
    settings.folder = "Support".into();
    // The poller makes the Processed folder itself.
    let mut session = rapport_transport::ImapSession::connect(&settings)
        .await
        .expect("connect");
    let report = h
        .app
        .poll_mailbox(&mut session, &settings.name)
        .await
        .expect("poll");
    assert_eq!(report.outcomes.get("created"), Some(&2), "{report:?}");
    session.logout().await;
    assert_eq!(counts(servers, &user, "Support").await.0, 0, "moved away");
    assert_eq!(counts(servers, &user, "Processed").await.0, 2);
    // A recreated folder has a new UIDVALIDITY and starts again at UID 1:
    // without the check these messages would be skipped as already read.
    recreate_folder(servers, &user, "Support").await;
    let a3 = customer_mail(
        &format!("a3-{user}@customer.test"),
        &format!("fay-{user}@customer.test"),
        SUPPORT,
        "Third",
        "",
        "Where is my order 3?",
    );
    append(servers, &user, "Support", &a1).await;
    append(servers, &user, "Support", &a3).await;
    let report = h.app.poll_mailbox_once(&settings).await.expect("poll");
    assert_eq!(report.fetched, 2, "{report:?}");
    assert_eq!(report.outcomes.get("duplicate"), Some(&1), "{report:?}");
    assert_eq!(report.outcomes.get("created"), Some(&1), "{report:?}");
}

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
    assert!(ack.text.contains("within 8 business hours"), "{}", ack.text);
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
        first_delay: Duration::from_millis(50),
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
        tokio::time::sleep(Duration::from_millis(50 * (1 << (attempt - 1)) + 80)).await;
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

async fn a_round_trip_keeps_one_ticket(h: &Harness, servers: &MailServers) {
    let user = unique("rt");
    let local = format!("{user}-cust");
    let customer = format!("{local}@customer.test");
    let settings = servers.imap(&user, Security::Tls, AfterProcessing::Seen);
    let poll = || async { h.app.poll_mailbox_once(&settings).await.expect("poll") };
    append(
        servers,
        &user,
        "INBOX",
        &customer_mail(
            &format!("r1-{user}@customer.test"),
            &format!("Ann Lee <{customer}>"),
            SUPPORT,
            "Broken lamp",
            "",
            "My lamp arrived broken. Can you send a new one?",
        ),
    )
    .await;
    assert_eq!(poll().await.outcomes.get("created"), Some(&1));
    let (_, list) = h
        .get("/api/v1/tickets?limit=1&sort=-created_at", &h.agent)
        .await;
    let id = list["items"][0]["id"].as_i64().unwrap();
    reply(h, id, "Hello Ann, a new lamp ships today.", vec![]).await;
    let sender = SmtpSender::new(&servers.smtp(Security::StartTls, true)).unwrap();
    assert_eq!(send_all(h, &sender).await.sent, 2);
    let delivered = servers.wait_delivered(&local, 2).await;
    let answer = delivered
        .iter()
        .find(|raw| header(raw, "Auto-Submitted").is_none())
        .map(|raw| parse(raw))
        .expect("the reply arrived");
    let ours = answer.message_id.clone();
    let reply_to = answer.reply_to.clone().unwrap().address;
    let cases = [
        // (a) a plain reply.
        (
            "r2",
            format!("Re: {}", answer.subject),
            format!("In-Reply-To: <{ours}>\r\nReferences: <r1-{user}@customer.test> <{ours}>\r\n"),
            SUPPORT.to_string(),
        ),
        // (b) a new subject and no threading headers, to the signed reply address.
        (
            "r3",
            "Different topic entirely".into(),
            String::new(),
            reply_to.clone(),
        ),
        // (c) a mangled References header with a changed subject.
        (
            "r4",
            "fwd: lamp".into(),
            format!("References: <junk@@x> garbage <{ours}> trailing\r\n"),
            SUPPORT.to_string(),
        ),
        // (d) only the subject tag.
        (
            "r5",
            format!("About [#{id}] again"),
            String::new(),
            SUPPORT.to_string(),
        ),
    ];
    for (n, subject, extra, to) in &cases {
        append(
            servers,
            &user,
            "INBOX",
            &customer_mail(
                &format!("{n}-{user}@customer.test"),
                &customer,
                to,
                subject,
                extra,
                "Thank you, one more question.",
            ),
        )
        .await;
        let report = poll().await;
        assert_eq!(
            report.outcomes.get("appended"),
            Some(&1),
            "case {n}: {report:?}"
        );
    }
    assert_eq!(ticket(h, id).await["messages"].as_array().unwrap().len(), 6);
    // A guessed reply address does not get in.
    let forged = format!("support+t{id}-0000000000@shop.test");
    append(
        servers,
        &user,
        "INBOX",
        &customer_mail(
            &format!("r6-{user}@customer.test"),
            &customer,
            &forged,
            "Another thing",
            "",
            "New question.",
        ),
    )
    .await;
    assert_eq!(poll().await.outcomes.get("created"), Some(&1));
    // A stranger answering our reply is never merged.
    append(
        servers,
        &user,
        "INBOX",
        &customer_mail(
            &format!("r7-{user}@customer.test"),
            &format!("eve-{user}@other.test"),
            SUPPORT,
            &answer.subject,
            &format!("In-Reply-To: <{ours}>\r\n"),
            "Me too!",
        ),
    )
    .await;
    assert_eq!(poll().await.outcomes.get("linked"), Some(&1));
    // Our own reply coming back (a forwarding rule that keeps its
    // Message-ID) is not a message from the customer.
    append(
        servers,
        &user,
        "INBOX",
        &customer_mail(
            &ours,
            &customer,
            SUPPORT,
            &answer.subject,
            "",
            "Hello Ann, a new lamp ships today.",
        ),
    )
    .await;
    assert_eq!(poll().await.outcomes.get("ignored"), Some(&1));
    assert_eq!(ticket(h, id).await["messages"].as_array().unwrap().len(), 6);
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
    other.store().close().await;
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
        h.app
            .store()
            .claim_outbox("dead", 10, lease)
            .await
            .unwrap()
            .len(),
        1
    );
    let sender = SmtpSender::new(&servers.smtp(Security::None, false)).unwrap();
    assert_eq!(send_all(h, &sender).await.sent, 0, "still leased");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(send_all(h, &sender).await.sent, 1, "taken over");
    assert_eq!(send_all(h, &sender).await.sent, 0, "never twice");
    // The dead worker cannot mark it afterwards.
    let mail = h.app.store().outbox_for_ticket(id).await.unwrap();
    assert!(!h.app.store().outbox_sent(mail[0].id, "dead").await.unwrap());
    assert_eq!(servers.wait_delivered(&local, 1).await.len(), 1);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(servers.delivered(&local).len(), 1);
}

fn base64(data: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for (i, chunk) in data.chunks(3).enumerate() {
        if i > 0 && i % 19 == 0 {
            out.push_str("\r\n");
        }
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            out.push(if k <= chunk.len() {
                char::from(TABLE[((n >> (18 - 6 * k)) & 63) as usize])
            } else {
                '='
            });
        }
    }
    out
}

with_mail_servers!(
    imap_poller_takes_mail_in_once,
    a_new_uidvalidity_reads_the_folder_again,
    replies_and_acknowledgments_go_out_by_smtp,
    failures_are_retried_then_shown_on_the_ticket,
    a_round_trip_keeps_one_ticket,
    two_workers_never_send_the_same_mail,
    a_dead_workers_claim_is_taken_over_after_its_lease,
);
