//! Mail intake: threading rules, idempotency, quarantine, bounces.

use crate::both_backends;
use crate::harness::Harness;
use axum::body::Body;
use axum::http::Request;
use serde_json::Value;

async fn post_mime(h: &Harness, raw: &str) -> (u16, Value) {
    let request = Request::post("/api/v1/inbound/mime")
        .header("authorization", format!("Bearer {}", h.mail_pipe))
        .header("content-type", "message/rfc822")
        .body(Body::from(raw.to_string()))
        .unwrap();
    let (s, b) = h.raw(request).await;
    (s.as_u16(), b)
}

/// An admin's download of a held message as it arrived (checked to be a
/// sandboxed `message/rfc822` attachment).
async fn raw_download(h: &Harness, id: i64) -> Vec<u8> {
    let request = Request::get(format!("/api/v1/inbound/{id}/raw"))
        .header("authorization", format!("Bearer {}", h.admin))
        .body(Body::empty())
        .unwrap();
    let response = tower::ServiceExt::oneshot(h.router.clone(), request)
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "message/rfc822");
    assert_eq!(
        response.headers()["content-disposition"],
        format!("attachment; filename=\"inbound-{id}.eml\"").as_str()
    );
    axum::body::to_bytes(response.into_body(), 32 << 20)
        .await
        .unwrap()
        .to_vec()
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
    // The same message by another way in (other bytes, the same Message-ID):
    // a copy delivered to a second mailbox also creates nothing.
    let copy = format!(
        "Received: from mx2.shop.example by mail.shop.example\r\nDelivered-To: billing@shop.example\r\n{first}"
    );
    let (_, b) = post_mime(h, &copy).await;
    assert_eq!(
        (b["outcome"].as_str(), b["ticket_id"].as_i64()),
        (Some("duplicate"), Some(ticket)),
        "{b}"
    );
    // A different message that reuses the Message-ID (scanners and broken
    // mailers do) is not lost as a duplicate: it is a request of its own.
    let reused = mail(
        "m1@customer.example",
        "Ann Lee <ann@customer.example>",
        "Scanned invoice",
        "",
        "Here is the invoice you asked for.",
    );
    let (_, b) = post_mime(h, &reused).await;
    assert_eq!(b["outcome"].as_str(), Some("created"), "{b}");
    assert_ne!(b["ticket_id"].as_i64(), Some(ticket));
    let reused_ticket = b["ticket_id"].as_i64();
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
    assert_ne!(b["ticket_id"].as_i64(), reused_ticket);
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
    // An admin can read a held message as it arrived, before releasing it.
    let held = list[0]["id"].as_i64().unwrap();
    assert_eq!(raw_download(h, held).await, no_sender.as_bytes());
    let raw_path = format!("/api/v1/inbound/{held}/raw");
    assert_eq!(h.get(&raw_path, &h.agent).await.0.as_u16(), 403);
    assert_eq!(
        h.get("/api/v1/inbound/999999/raw", &h.admin)
            .await
            .0
            .as_u16(),
        404
    );
    // Unknown ids are 404; a message that is not held cannot be released.
    let (s, _) = h
        .post("/api/v1/inbound/999999/retry", &h.admin, Value::Null)
        .await;
    assert_eq!(s.as_u16(), 404);
    let (s, b) = h
        .post(
            &format!("/api/v1/inbound/{held}/retry"),
            &h.admin,
            Value::Null,
        )
        .await;
    assert_eq!(
        (s.as_u16(), b["outcome"].as_str()),
        (200, Some("quarantined")),
        "released again, it is held again for the same reason: {b}"
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

/// One batch (one transaction) sees the links its earlier messages made:
/// a reply threads to a ticket opened in the same batch, a copy by another
/// way in is a duplicate, and a reused Message-ID with other content is not.
async fn one_batch_sees_its_own_links(h: &Harness) {
    let first = mail(
        "b1@customer.example",
        "Ann Lee <ann@customer.example>",
        "Order 1001 missing",
        "",
        "My order has not arrived.",
    );
    let copy = format!("Delivered-To: orders@shop.example\r\n{first}");
    let reply = mail(
        "b2@customer.example",
        "ann@customer.example",
        "Re: Order 1001 missing",
        "In-Reply-To: <b1@customer.example>\r\n",
        "It is order 1001.",
    );
    let reused = mail(
        "b1@customer.example",
        "scanner@customer.example",
        "Scan",
        "",
        "Scanned document attached.",
    );
    let batch: Vec<&[u8]> = vec![
        first.as_bytes(),
        copy.as_bytes(),
        reply.as_bytes(),
        reused.as_bytes(),
        first.as_bytes(),
    ];
    let outcomes = h.app.ingest_batch(&batch).await.unwrap();
    let names: Vec<&str> = outcomes.iter().map(|o| o.name()).collect();
    assert_eq!(
        names,
        ["created", "duplicate", "appended", "created", "duplicate"]
    );
    let ticket = outcomes[0].ticket();
    assert!(ticket.is_some());
    assert_eq!(outcomes[1].ticket(), ticket);
    assert_eq!(outcomes[2].ticket(), ticket);
    assert_ne!(outcomes[3].ticket(), ticket);
    assert_eq!(outcomes[4].ticket(), ticket);
    // After the commit, a later batch finds the first link, not the reused one.
    let later = mail(
        "b3@customer.example",
        "ann@customer.example",
        "Re: Order 1001 missing",
        "References: <b1@customer.example>\r\n",
        "Still waiting.",
    );
    let outcomes = h.app.ingest_batch(&[later.as_bytes()]).await.unwrap();
    assert_eq!(outcomes[0].name(), "appended");
    assert_eq!(outcomes[0].ticket(), ticket);
}

/// A large message (over the row limit) is kept in the blob store, not in
/// the database; an admin still reads it as it arrived, releasing it reads
/// it back, and a redelivery is still a duplicate.
async fn large_raw_mail_is_kept_outside_the_database(h: &Harness) {
    let filler = "All work and no play makes a long message.\r\n".repeat(8_000);
    let held = format!("Message-ID: <big-held@x>\r\nSubject: who?\r\n\r\n{filler}");
    assert!(held.len() > 300 * 1024);
    let (_, b) = post_mime(h, &held).await;
    assert_eq!(b["outcome"], "quarantined", "{b}");
    let (_, list) = h.get("/api/v1/inbound/quarantine", &h.admin).await;
    let id = list[0]["id"].as_i64().unwrap();
    assert_eq!(list[0]["size"].as_i64(), Some(held.len() as i64), "{list}");
    match h.store.raw_mail(id).await.unwrap() {
        rapport_store::StoredRaw::Blobs(hash) => {
            assert_eq!(hash, rapport_core::hex::sha256(held.as_bytes()))
        }
        other => panic!("a large message was kept in its row: {other:?}"),
    }
    assert_eq!(raw_download(h, id).await, held.as_bytes());
    let (s, b) = h
        .post(
            &format!("/api/v1/inbound/{id}/retry"),
            &h.admin,
            Value::Null,
        )
        .await;
    assert_eq!(
        (s.as_u16(), b["outcome"].as_str()),
        (200, Some("quarantined")),
        "{b}"
    );

    let good = mail("big-ok@x", "big@customer.example", "Long", "", &filler);
    let (_, b) = post_mime(h, &good).await;
    assert_eq!(b["outcome"], "created", "{b}");
    let ticket = b["ticket_id"].as_i64();
    let (_, again) = post_mime(h, &good).await;
    assert_eq!(
        (again["outcome"].as_str(), again["ticket_id"].as_i64()),
        (Some("duplicate"), ticket),
        "{again}"
    );
    // A small message stays in its row.
    let small = mail("small@x", "small@customer.example", "Short", "", "Hi");
    assert_eq!(post_mime(h, &small).await.1["outcome"], "created");
    let (_, list) = h.get("/api/v1/inbound/quarantine", &h.admin).await;
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
}

both_backends!(
    large_raw_mail_is_kept_outside_the_database,
    mail_threads_by_the_rules,
    bad_mail_is_quarantined_and_does_not_block,
    bounces_and_auto_replies_open_no_tickets,
    the_whole_corpus_ingests,
    one_batch_sees_its_own_links
);

async fn participants_html_and_attachments_are_kept(h: &Harness) {
    let first = "Message-ID: <p1@customer.example>\r\nFrom: Ann Lee <ann@customer.example>\r\nTo: support@localhost\r\nCc: Bo Lee <BO@customer.example>, support@localhost\r\nSubject: Lamp\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"m\"\r\n\r\n--m\r\nContent-Type: multipart/alternative; boundary=\"a\"\r\n\r\n--a\r\nContent-Type: text/plain\r\n\r\nThe lamp is broken.\r\n--a\r\nContent-Type: text/html\r\n\r\n<p onclick=\"x()\">The lamp is <b>broken</b>.<script>steal()</script><img src=\"https://tracker.example/p.gif\"><img src=\"cid:photo1\"></p>\r\n--a--\r\n--m\r\nContent-Type: image/png\r\nContent-ID: <photo1>\r\nContent-Disposition: inline; filename=\"photo.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--m--\r\n";
    let (_, b) = post_mime(h, first).await;
    assert_eq!(b["outcome"], "created", "{b}");
    let ticket = b["ticket_id"].as_i64().unwrap();
    let (_, detail) = h.get(&format!("/api/v1/tickets/{ticket}"), &h.agent).await;
    assert_eq!(
        detail["participants"],
        serde_json::json!([{"email": "bo@customer.example", "name": "Bo Lee"}]),
        "the support address itself is no participant"
    );
    let html = detail["messages"][0]["body_html"].as_str().unwrap();
    assert!(html.contains("<b>broken</b>"), "{html}");
    for banned in ["script", "onclick", "tracker.example"] {
        assert!(!html.contains(banned), "{banned} in {html}");
    }
    assert!(html.contains("cid:photo1"), "{html}");
    let attachment = &detail["attachments"][0];
    assert_eq!(
        (
            attachment["content_id"].as_str(),
            attachment["inline"].as_bool(),
            attachment["size"].as_i64()
        ),
        (Some("photo1"), Some(true), Some(8))
    );
    // The copied colleague may write into the ticket; a stranger may not.
    let from_bo = mail(
        "p2@customer.example",
        "bo@customer.example",
        "Re: Lamp",
        "In-Reply-To: <p1@customer.example>\r\n",
        "Box was crushed too.",
    );
    let (_, b) = post_mime(h, &from_bo).await;
    assert_eq!(
        (b["outcome"].as_str(), b["ticket_id"].as_i64()),
        (Some("appended"), Some(ticket))
    );
    let from_carl = mail(
        "p3@customer.example",
        "carl@customer.example",
        "Re: Lamp",
        "In-Reply-To: <p1@customer.example>\r\n",
        "Me too.",
    );
    assert_eq!(post_mime(h, &from_carl).await.1["outcome"], "linked");
    // Uploads refuse bad input with a clear error.
    let upload = |name: &str, content_type: &str, body: &'static [u8]| {
        Request::post(format!("/api/v1/attachments?name={name}"))
            .header("authorization", format!("Bearer {}", h.agent))
            .header("content-type", content_type)
            .body(Body::from(body))
            .unwrap()
    };
    let (s, b) = h.raw(upload("x.txt", "text/plain", b"")).await;
    assert_eq!(
        (s.as_u16(), b["error"]["field"].as_str()),
        (422, Some("file"))
    );
    let (s, b) = h.raw(upload("x.txt", "not a type", b"abc")).await;
    assert_eq!(
        (s.as_u16(), b["error"]["field"].as_str()),
        (422, Some("content-type"))
    );
    let (s, _) = h
        .raw(upload(
            "big.bin",
            "application/octet-stream",
            &[0u8; 11 * 1024 * 1024],
        ))
        .await;
    assert_eq!(s.as_u16(), 413);
    let (s, other) = h.raw(upload("a.txt", "text/plain", b"abc")).await;
    assert_eq!(s.as_u16(), 201);
    // Someone else's upload cannot be sent.
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{ticket}/messages"),
            &h.lead,
            serde_json::json!({"kind": "note", "body": "see file", "attachment_ids": [other["id"]]}),
        )
        .await;
    assert_eq!(
        (s.as_u16(), b["error"]["field"].as_str()),
        (422, Some("attachment_ids")),
        "{b}"
    );
    let (s, _) = h.get("/api/v1/attachments/999999", &h.agent).await;
    assert_eq!(s.as_u16(), 404);
}

async fn bounces_mark_the_address_until_the_customer_writes(h: &Harness) {
    let first = mail(
        "b1@customer.example",
        "dee@customer.example",
        "Order",
        "",
        "Where is it?",
    );
    let ticket = post_mime(h, &first).await.1["ticket_id"].as_i64().unwrap();
    let (_, detail) = h.get(&format!("/api/v1/tickets/{ticket}"), &h.agent).await;
    let customer = detail["ticket"]["customer_id"].as_i64().unwrap();
    let report = "Message-ID: <bounce2@mx.example>\r\nFrom: MAILER-DAEMON@mx.example\r\nTo: support@localhost\r\nSubject: Undelivered Mail\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nDelivery failed.\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example\r\n\r\nFinal-Recipient: rfc822; Dee@customer.example\r\nAction: failed\r\nStatus: 5.1.1\r\n--b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <b1@customer.example>\r\n--b--\r\n";
    assert_eq!(post_mime(h, report).await.1["outcome"], "bounce");
    let (_, c) = h
        .get(&format!("/api/v1/customers/{customer}"), &h.agent)
        .await;
    assert_eq!(c["bouncing"][0]["email"], "dee@customer.example", "{c}");
    let again = mail(
        "b2@customer.example",
        "dee@customer.example",
        "Re: Order",
        "In-Reply-To: <b1@customer.example>\r\n",
        "Got it now?",
    );
    assert_eq!(post_mime(h, &again).await.1["outcome"], "appended");
    let (_, c) = h
        .get(&format!("/api/v1/customers/{customer}"), &h.agent)
        .await;
    assert!(
        c.get("bouncing").is_none(),
        "writing from it clears it: {c}"
    );
}

fn guarded() -> rapport_app::AppConfig {
    rapport_app::AppConfig {
        mail: rapport_app::MailConfig {
            outbound: true,
            acknowledgments_per_hour: 2,
            new_tickets_per_hour: 3,
            max_attachment_bytes: 1000,
            ..rapport_app::MailConfig::default()
        },
        ..rapport_app::AppConfig::default()
    }
}

async fn loop_guards_hold_floods_and_admins_release_them(h: &Harness) {
    let mut outcomes = Vec::new();
    for n in 0..4 {
        let raw = mail(
            &format!("flood{n}@robot.example"),
            "robot@robot.example",
            &format!("Alert {n}"),
            "",
            "Disk almost full.",
        );
        outcomes.push(post_mime(h, &raw).await.1);
    }
    assert_eq!(outcomes[3]["outcome"], "quarantined", "{outcomes:?}");
    assert!(
        outcomes[3]["reason"]
            .as_str()
            .unwrap()
            .contains("loop guard")
    );
    let third = outcomes[2]["ticket_id"].as_i64().unwrap();
    let (_, mail) = h
        .get(&format!("/api/v1/tickets/{third}/mail"), &h.agent)
        .await;
    assert_eq!(
        mail.as_array().unwrap().len(),
        0,
        "only two acknowledgments an hour"
    );
    let (_, detail) = h.get(&format!("/api/v1/tickets/{third}"), &h.agent).await;
    assert!(
        detail["messages"][1]["body_text"]
            .as_str()
            .unwrap()
            .contains("No acknowledgment sent"),
        "{detail}"
    );
    let (_, list) = h.get("/api/v1/inbound/quarantine", &h.admin).await;
    let held = list[0]["id"].as_i64().unwrap();
    let path = format!("/api/v1/inbound/{held}/retry");
    assert_eq!(
        h.post(&path, &h.agent, serde_json::json!({}))
            .await
            .0
            .as_u16(),
        403
    );
    let (s, b) = h.post(&path, &h.admin, serde_json::json!({})).await;
    assert_eq!(
        (s.as_u16(), b["outcome"].as_str()),
        (200, Some("created")),
        "{b}"
    );
    let (s, b) = h.post(&path, &h.admin, serde_json::json!({})).await;
    assert_eq!(
        (s.as_u16(), b["error"]["code"].as_str()),
        (409, Some("conflict"))
    );
    let (s, _) = h
        .post(
            "/api/v1/inbound/999999/retry",
            &h.admin,
            serde_json::json!({}),
        )
        .await;
    assert_eq!(s.as_u16(), 404);
    // An attachment over the limit is dropped with a note; the message arrives.
    let big = format!(
        "Message-ID: <big@customer.example>\r\nFrom: fay@customer.example\r\nSubject: Photos\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"m\"\r\n\r\n--m\r\nContent-Type: text/plain\r\n\r\nSee the photo.\r\n--m\r\nContent-Type: image/jpeg; name=\"huge.jpg\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--m--\r\n",
        "QUJD".repeat(600)
    );
    let (_, b) = post_mime(h, &big).await;
    let ticket = b["ticket_id"].as_i64().unwrap();
    let (_, detail) = h.get(&format!("/api/v1/tickets/{ticket}"), &h.agent).await;
    assert_eq!(detail["messages"][0]["body_text"], "See the photo.");
    assert_eq!(detail["attachments"].as_array().unwrap().len(), 0);
    let note = detail["messages"][1]["body_text"].as_str().unwrap();
    assert!(
        note.contains("huge.jpg") && note.contains("limit"),
        "{note}"
    );
}

/// Issue 8 §7: mail from our own address and a mail system's chatter are
/// ignored (never quarantined, never a ticket); only raw mail is taken.
async fn own_and_mail_system_mail_is_ignored_and_only_rfc822_is_taken(h: &Harness) {
    let own = mail(
        "own-1@localhost",
        "Support <support@localhost>",
        "Re: your order",
        "",
        "A copy of something we sent.",
    );
    let (s, b) = post_mime(h, &own).await;
    assert_eq!((s, b["outcome"].as_str()), (202, Some("ignored")), "{b}");
    let daemon = mail(
        "warn-1@mx.example.net",
        "Mail Delivery System <MAILER-DAEMON@mx.example.net>",
        "Delivery delayed",
        "",
        "Your message is still being tried; nothing to do yet.",
    );
    let (s, b) = post_mime(h, &daemon).await;
    assert_eq!((s, b["outcome"].as_str()), (202, Some("ignored")), "{b}");
    assert!(b["reason"].as_str().unwrap().contains("mail system"), "{b}");
    let (_, held) = h.get("/api/v1/inbound/quarantine", &h.admin).await;
    assert_eq!(held.as_array().map(Vec::len), Some(0), "{held}");
    let (_, list) = h.get("/api/v1/tickets", &h.agent).await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(0), "{list}");
    let request = Request::post("/api/v1/inbound/mime")
        .header("authorization", format!("Bearer {}", h.mail_pipe))
        .header("content-type", "text/plain")
        .body(Body::from(own))
        .unwrap();
    let (s, b) = h.raw(request).await;
    assert_eq!(
        (s.as_u16(), b["error"]["code"].as_str()),
        (415, Some("unsupported_media_type")),
        "{b}"
    );
}

both_backends!(
    participants_html_and_attachments_are_kept,
    bounces_mark_the_address_until_the_customer_writes,
    own_and_mail_system_mail_is_ignored_and_only_rfc822_is_taken
);
/// The intake's transaction writes only an acknowledgment job; the mail is
/// composed after the commit and queued in the job's own transaction, at
/// once by the intake, or by the scheduler when the process stopped between.
async fn acknowledgments_are_jobs_run_after_the_intake_commits(h: &Harness) {
    let count = |kind: &'static str, status: &'static str| async move {
        h.app
            .job_counts()
            .await
            .unwrap()
            .iter()
            .filter(|c| c.kind.as_str() == kind && c.status.as_str() == status)
            .map(|c| c.count)
            .sum::<i64>()
    };
    let raw = mail(
        "ackjob@customer.example",
        "ack@customer.example",
        "Lamp",
        "",
        "Broken.",
    );
    let (_, b) = post_mime(h, &raw).await;
    let ticket = b["ticket_id"].as_i64().unwrap();
    assert_eq!(count("acknowledge", "done").await, 1);
    assert_eq!(count("acknowledge", "pending").await, 0);
    let mails = h
        .get(&format!("/api/v1/tickets/{ticket}/mail"), &h.agent)
        .await
        .1;
    assert_eq!(mails.as_array().map(Vec::len), Some(1), "{mails}");
    // A job left behind (the process stopped after the intake committed).
    let payload = serde_json::json!({"ticket": ticket, "subject": "Lamp", "name": null,
        "address": "ack@customer.example", "in_reply_to": "ackjob@customer.example"});
    let mut tx = h.store.begin_write().await.unwrap();
    tx.schedule_job(&rapport_store::NewJob {
        kind: rapport_store::JobKind::Acknowledge,
        due_at: rapport_core::Timestamp::now(),
        payload: payload.to_string(),
        key: None,
    })
    .await
    .unwrap();
    tx.commit().await.unwrap();
    h.app
        .run_due_jobs(
            "ack-test",
            &rapport_app::scheduler::SchedulerPolicy::default(),
        )
        .await
        .unwrap();
    let mails = h
        .get(&format!("/api/v1/tickets/{ticket}/mail"), &h.agent)
        .await
        .1;
    assert_eq!(mails.as_array().map(Vec::len), Some(2), "{mails}");
    assert!(mails.to_string().contains("acknowledgment"), "{mails}");
}

crate::both_backends_with!(super::guarded(); loop_guards_hold_floods_and_admins_release_them);
crate::both_backends_with!(super::guarded(); acknowledgments_are_jobs_run_after_the_intake_commits);
