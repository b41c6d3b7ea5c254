//! Mail intake: threading rules, idempotency, quarantine, bounces.

use crate::both_backends;
use crate::harness::Harness;
use axum::body::Body;
use axum::http::Request;
use serde_json::Value;

async fn post_mime(h: &Harness, raw: &str) -> (u16, Value) {
    let request = Request::post("/api/v1/inbound/mime")
        .header("authorization", format!("Bearer {}", h.agent))
        .header("content-type", "message/rfc822")
        .body(Body::from(raw.to_string()))
        .unwrap();
    let (s, b) = h.raw(request).await;
    (s.as_u16(), b)
}

fn mail(id: &str, from: &str, subject: &str, extra: &str, body: &str) -> String {
    format!(
        "Message-ID: <{id}>\r\nFrom: {from}\r\nTo: support@shop.example\r\nSubject: {subject}\r\n{extra}\r\n{body}\r\n"
    )
}

async fn mail_threads_by_the_rules(h: &Harness) {
    let first = mail(
        "m1@customer.example",
        "Ann Lee <ann@customer.example>",
        "Broken lamp",
        "",
        "My lamp arrived broken.",
    );
    let (s, b) = post_mime(h, &first).await;
    assert_eq!((s, b["outcome"].as_str()), (202, Some("created")), "{b}");
    let ticket = b["ticket_id"].as_i64().unwrap();
    // The same delivery twice creates nothing.
    let (_, b) = post_mime(h, &first).await;
    assert_eq!(
        (b["outcome"].as_str(), b["ticket_id"].as_i64()),
        (Some("duplicate"), Some(ticket))
    );
    // Rule 1: In-Reply-To / References naming a Message-ID of the ticket, subject changed.
    let reply = mail(
        "m2@customer.example",
        "ann@customer.example",
        "new subject entirely",
        "In-Reply-To: <m1@customer.example>\r\n",
        "Any news?\r\n\r\nOn Mon, Ann wrote:\r\n> My lamp arrived broken.",
    );
    let (_, b) = post_mime(h, &reply).await;
    assert_eq!(
        (b["outcome"].as_str(), b["ticket_id"].as_i64()),
        (Some("appended"), Some(ticket)),
        "{b}"
    );
    // A mangled References header: the known id is still found among the others.
    let mangled = mail(
        "m3@customer.example",
        "ANN@customer.example",
        "Re: lamp",
        "References: <x@y> garbage <m2@customer.example>\r\n",
        "Hello?",
    );
    let (_, b) = post_mime(h, &mangled).await;
    assert_eq!(
        (b["outcome"].as_str(), b["ticket_id"].as_i64()),
        (Some("appended"), Some(ticket)),
        "{b}"
    );
    // Rule 2: the subject token, no headers.
    let token = mail(
        "m4@customer.example",
        "ann@customer.example",
        &format!("Re: [#{ticket}] lamp"),
        "",
        "One more thing.",
    );
    let (_, b) = post_mime(h, &token).await;
    assert_eq!(
        (b["outcome"].as_str(), b["ticket_id"].as_i64()),
        (Some("appended"), Some(ticket)),
        "{b}"
    );
    // A stranger using the token is never merged silently.
    let stranger = mail(
        "m5@other.example",
        "eve@other.example",
        &format!("[#{ticket}] hi"),
        "",
        "Let me in.",
    );
    let (_, b) = post_mime(h, &stranger).await;
    assert_eq!(
        (b["outcome"].as_str(), b["previous_ticket_id"].as_i64()),
        (Some("linked"), Some(ticket)),
        "{b}"
    );
    let linked = b["ticket_id"].as_i64().unwrap();
    let (_, detail) = h.get(&format!("/api/v1/tickets/{linked}"), &h.agent).await;
    assert_eq!(
        detail["ticket"]["tags"],
        serde_json::json!(["needs-review"])
    );
    let (_, detail) = h.get(&format!("/api/v1/tickets/{ticket}"), &h.agent).await;
    let texts: Vec<&str> = detail["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body_text"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts,
        [
            "My lamp arrived broken.",
            "Any news?",
            "Hello?",
            "One more thing."
        ],
        "quotes are cut"
    );
    assert_eq!(detail["ticket"]["channel"], "email");
    // Rule 3: no match, a new ticket.
    let other = mail(
        "m6@customer.example",
        "ann@customer.example",
        "Another question",
        "",
        "Do you ship to Norway?",
    );
    let (_, b) = post_mime(h, &other).await;
    assert_eq!(b["outcome"], "created");
    assert_ne!(b["ticket_id"].as_i64(), Some(ticket));
}

async fn bad_mail_is_quarantined_and_does_not_block(h: &Harness) {
    let (s, b) = post_mime(h, "this is not a mail message at all").await;
    assert_eq!(
        (s, b["outcome"].as_str()),
        (202, Some("quarantined")),
        "{b}"
    );
    let no_sender = "Message-ID: <q@x>\r\nSubject: who?\r\n\r\nbody\r\n";
    let (_, b) = post_mime(h, no_sender).await;
    assert_eq!(b["outcome"], "quarantined", "{b}");
    let good = mail(
        "ok@customer.example",
        "bo@customer.example",
        "Hello",
        "",
        "Fine message",
    );
    assert_eq!(post_mime(h, &good).await.1["outcome"], "created");
    let (s, list) = h.get("/api/v1/inbound/quarantine", &h.admin).await;
    assert_eq!(
        (s.as_u16(), list.as_array().unwrap().len()),
        (200, 2),
        "{list}"
    );
    assert!(
        list[0]["reason"].as_str().unwrap().contains("sender"),
        "{list}"
    );
    assert_eq!(
        h.get("/api/v1/inbound/quarantine", &h.agent)
            .await
            .0
            .as_u16(),
        403
    );
    let (s, _) = post_mime(h, "").await;
    assert_eq!(s, 400);
}

async fn bounces_and_auto_replies_open_no_tickets(h: &Harness) {
    let first = mail(
        "orig@shop.example",
        "ann@customer.example",
        "Order",
        "",
        "Where is it?",
    );
    let ticket = post_mime(h, &first).await.1["ticket_id"].as_i64().unwrap();
    let report = "Message-ID: <bounce1@mx.example>\r\nFrom: MAILER-DAEMON@mx.example\r\nTo: support@shop.example\r\nSubject: Undelivered Mail\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nDelivery failed.\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example\r\n\r\nFinal-Recipient: rfc822; ann@customer.example\r\nAction: failed\r\nStatus: 5.1.1\r\n--b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <orig@shop.example>\r\nSubject: Order\r\n--b--\r\n";
    let (_, b) = post_mime(h, report).await;
    assert_eq!(
        (b["outcome"].as_str(), b["ticket_id"].as_i64()),
        (Some("bounce"), Some(ticket)),
        "{b}"
    );
    let (_, detail) = h.get(&format!("/api/v1/tickets/{ticket}"), &h.agent).await;
    let last = detail["messages"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["kind"], "internal");
    assert!(
        last["body_text"]
            .as_str()
            .unwrap()
            .contains("ann@customer.example"),
        "{last}"
    );
    let ooo = "Message-ID: <ooo@customer.example>\r\nFrom: carl@customer.example\r\nAuto-Submitted: auto-replied\r\nSubject: Out of office\r\n\r\nAway until Monday.\r\n";
    assert_eq!(post_mime(h, ooo).await.1["outcome"], "ignored");
    let (_, list) = h.get("/api/v1/tickets?customer=999999", &h.agent).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 0);
}

async fn the_whole_corpus_ingests(h: &Harness) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/mail");
    let mut files = Vec::new();
    let mut dirs = vec![root.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if !path.to_string_lossy().contains("LICENSE") {
                files.push(path);
            }
        }
    }
    if files.is_empty() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but the mail corpus is missing"
        );
        return;
    }
    let mut outcomes = std::collections::BTreeMap::<String, usize>::new();
    for file in &files {
        let raw = std::fs::read(file).unwrap();
        let outcome = h
            .app
            .ingest_mail(&raw)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        *outcomes
            .entry(
                format!("{outcome:?}")
                    .split('(')
                    .next()
                    .unwrap_or("")
                    .to_string(),
            )
            .or_default() += 1;
    }
    eprintln!("{} corpus messages: {outcomes:?}", files.len());
    let tickets_or_recorded: usize = outcomes.values().sum();
    assert_eq!(tickets_or_recorded, files.len());
    assert!(
        outcomes.get("Created").copied().unwrap_or(0) >= files.len() / 2,
        "{outcomes:?}"
    );
}

both_backends!(
    mail_threads_by_the_rules,
    bad_mail_is_quarantined_and_does_not_block,
    bounces_and_auto_replies_open_no_tickets,
    the_whole_corpus_ingests
);
