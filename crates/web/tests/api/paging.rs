//! Issue 8 §2: no response grows with the size of a ticket. Messages and
//! files come in pages, and a page of messages ends before 4 MiB of text.

use crate::both_backends;
use crate::harness::Harness;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};

async fn note(h: &Harness, id: i64, body: &str) {
    let (status, b) = h
        .post(
            &format!("/api/v1/tickets/{id}/messages"),
            &h.agent,
            json!({"kind": "note", "body": body}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{b}");
}

/// Every message id over all pages of `/messages`, following the cursors.
async fn all_message_ids(h: &Harness, id: i64) -> (Vec<i64>, usize) {
    let (mut ids, mut pages, mut cursor) = (Vec::new(), 0, None::<String>);
    loop {
        let url = match &cursor {
            Some(c) => format!("/api/v1/tickets/{id}/messages?cursor={c}"),
            None => format!("/api/v1/tickets/{id}/messages"),
        };
        let (status, page) = h.get(&url, &h.agent).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        pages += 1;
        ids.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["id"].as_i64().unwrap()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => return (ids, pages),
        }
    }
}

async fn long_conversations_come_in_pages(h: &Harness) {
    let id = h.ticket("many notes", None).await;
    for n in 0..149 {
        note(h, id, &format!("note {n}")).await;
    }
    let (_, t) = h.get(&format!("/api/v1/tickets/{id}"), &h.agent).await;
    assert_eq!(t["messages"].as_array().unwrap().len(), 100);
    let cursor = t["messages_next_cursor"].as_str().unwrap();
    let (_, rest) = h
        .get(
            &format!("/api/v1/tickets/{id}/messages?cursor={cursor}"),
            &h.agent,
        )
        .await;
    assert_eq!(rest["items"].as_array().unwrap().len(), 50, "{rest}");
    assert!(rest["next_cursor"].is_null());
    let (ids, pages) = all_message_ids(h, id).await;
    assert_eq!((ids.len(), pages), (150, 2));
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "oldest first, none twice"
    );
    let (status, b) = h
        .get(
            &format!("/api/v1/tickets/{id}/messages?cursor=abc"),
            &h.agent,
        )
        .await;
    assert_eq!(
        (status, b["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("cursor"))
    );
}

async fn a_page_of_messages_stays_under_four_mebibytes(h: &Harness) {
    let id = h.ticket("big notes", None).await;
    let big = "x".repeat(256 * 1024 - 16);
    for _ in 0..20 {
        note(h, id, &big).await;
    }
    let (_, t) = h.get(&format!("/api/v1/tickets/{id}"), &h.agent).await;
    let first: usize = t["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body_text"].as_str().unwrap().len())
        .sum();
    assert!(first <= 4 * 1024 * 1024, "{first}");
    assert!(t["messages_next_cursor"].is_string());
    let (ids, pages) = all_message_ids(h, id).await;
    assert_eq!(ids.len(), 21);
    assert!(pages >= 2, "{pages}");
}

async fn many_attachments_come_in_pages(h: &Harness) {
    let mut raw = String::from(
        "From: Ann <ann@example.com>\r\nSubject: photos\r\nMessage-ID: <many-files@example.com>\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nAll the photos.\r\n",
    );
    for n in 0..250 {
        raw.push_str(&format!(
            "--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"f{n}.bin\"\r\n\r\nfile number {n}\r\n"
        ));
    }
    raw.push_str("--b--\r\n");
    let request = Request::post("/api/v1/inbound/mime")
        .header("authorization", format!("Bearer {}", h.admin))
        .header("content-type", "message/rfc822")
        .body(Body::from(raw))
        .unwrap();
    let (status, b) = h.raw(request).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{b}");
    let id = b["ticket_id"].as_i64().unwrap();
    let (_, t) = h.get(&format!("/api/v1/tickets/{id}"), &h.agent).await;
    assert_eq!(t["attachments"].as_array().unwrap().len(), 200);
    let cursor = t["attachments_next_cursor"].as_str().unwrap();
    let (_, rest): (_, Value) = h
        .get(
            &format!("/api/v1/tickets/{id}/attachments?cursor={cursor}"),
            &h.agent,
        )
        .await;
    let names: Vec<&str> = rest["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["file_name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 50, "{rest}");
    assert_eq!(names.last(), Some(&"f249.bin"));
    assert!(rest["next_cursor"].is_null());
}

both_backends!(
    long_conversations_come_in_pages,
    a_page_of_messages_stays_under_four_mebibytes,
    many_attachments_come_in_pages,
);
