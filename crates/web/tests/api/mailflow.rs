//! The mail channel against real servers: Dovecot (IMAP) feeds the poller,
//! Postfix (SMTP, STARTTLS/TLS, AUTH) receives what the outbox sends, and
//! the test reads what Postfix delivered; the round trip between them. Every
//! test runs on SQLite and on PostgreSQL. Sending itself is in `outbox.rs`.

use crate::harness::{Harness, unique};
use rapport_app::mailer::RetryPolicy;
use rapport_app::{AppConfig, MailConfig};
use rapport_testkit::mailservers::{MailServers, append, counts, recreate_folder};
use rapport_transport::{AfterProcessing, Security, SmtpSender};
use serde_json::{Value, json};

pub(crate) const SUPPORT: &str = "support@shop.test";

pub(crate) fn outbound_config() -> AppConfig {
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

/// Runs a test body on SQLite and on PostgreSQL with the real mail servers
/// and the outbound settings (`super::outbound_config()` in the test's module).
#[macro_export]
macro_rules! with_mail_servers {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                async fn run(backend: $crate::harness::Backend) {
                    let Some(servers) = rapport_testkit::mailservers::servers() else { return };
                    if let Some(h) = $crate::harness::Harness::with_config(backend, stringify!($name), super::outbound_config()).await {
                        super::$name(&h, servers).await;
                        h.finish().await;
                    }
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    run($crate::harness::Backend::Sqlite).await;
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    run($crate::harness::Backend::Postgres).await;
                }
            }
        )+
    };
}

pub(crate) fn customer_mail(
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

pub(crate) fn parse(raw: &[u8]) -> rapport_mail::ParsedMail {
    rapport_mail::parse(raw).expect("delivered mail parses")
}

pub(crate) fn header(raw: &[u8], name: &str) -> Option<String> {
    let text = String::from_utf8_lossy(raw);
    let head = text.split("\r\n\r\n").next().unwrap_or("").to_string();
    let prefix = format!("{}:", name.to_ascii_lowercase());
    head.lines()
        .find(|l| l.to_ascii_lowercase().starts_with(&prefix))
        .map(|l| l[prefix.len()..].trim().to_string())
}

pub(crate) async fn ticket(h: &Harness, id: i64) -> Value {
    let (s, b) = h.get(&format!("/api/v1/tickets/{id}"), &h.agent).await;
    assert_eq!(s, 200, "{b}");
    b
}

pub(crate) async fn reply(h: &Harness, id: i64, body: &str, attachments: Vec<i64>) -> Value {
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

pub(crate) async fn send_all(h: &Harness, sender: &SmtpSender) -> rapport_app::mailer::SendRound {
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

crate::with_mail_servers!(
    imap_poller_takes_mail_in_once,
    a_new_uidvalidity_reads_the_folder_again,
    a_round_trip_keeps_one_ticket,
);
