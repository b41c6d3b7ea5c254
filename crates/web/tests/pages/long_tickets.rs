//! Long tickets: the agent's ticket page and the portal show the newest
//! messages first with a link to earlier ones (paging back on the page
//! itself), and the collision check stays on. Both backends.

use crate::both_backends;
use crate::browser::{Browser, Page, hidden};
use crate::harness::Harness;
use axum::http::StatusCode;
use serde_json::json;

both_backends!(a_long_ticket_shows_its_newest_messages_and_pages_back);
both_backends!(the_newest_messages_show_their_files_however_many_came_before);

/// Entries after the opening message; every fifth an internal note.
const ENTRIES: usize = 150;

fn entry(i: usize) -> String {
    format!("Entry {i:03}.")
}

/// The link with this id on a page.
fn link(page: &Page, id: &str) -> String {
    let marker = "href=\"";
    let anchor = page.body.find(&format!("id=\"{id}\"")).expect(id);
    let start = page.body[..anchor].rfind(marker).unwrap() + marker.len();
    let end = page.body[start..].find('"').unwrap();
    page.body[start..start + end].replace("&amp;", "&")
}

async fn a_long_ticket_shows_its_newest_messages_and_pages_back(h: &Harness) {
    let ticket = h.ticket("A long story", None).await;
    let path = format!("/api/v1/tickets/{ticket}/messages");
    for i in 1..=ENTRIES {
        let (token, kind) = if i % 5 == 0 {
            (&h.agent, "note")
        } else {
            (&h.admin, "customer")
        };
        let (s, body) = h
            .post(&path, token, json!({"kind": kind, "body": entry(i)}))
            .await;
        assert_eq!(s.as_u16(), 201, "{body}");
    }
    let at = format!("/app/tickets/{ticket}");
    let mut agent = Browser::new(h);
    agent.sign_in("agent@test.example").await;
    // The newest 100 of 151: entries 51 to 150.
    let newest = agent.get(&at).await;
    assert_eq!(newest.status, StatusCode::OK);
    assert!(newest.body.contains(&entry(150)), "the newest is shown");
    assert!(newest.body.contains(&entry(51)));
    assert!(!newest.body.contains(&entry(50)));
    assert!(!newest.body.contains("in the API"));
    let messages = h
        .store
        .messages(rapport_core::TicketId(ticket))
        .await
        .unwrap();
    let newest_id = messages.last().unwrap().id.0;
    assert_eq!(hidden(&newest, "based_on"), newest_id.to_string());
    // The page back holds the rest, in the reader's language.
    assert!(newest.body.contains("Earlier messages"));
    let earlier = agent.get(&link(&newest, "earlier-messages")).await;
    assert_eq!(earlier.status, StatusCode::OK);
    assert!(earlier.body.contains("My order 5521 arrived broken"));
    assert!(earlier.body.contains(&entry(50)));
    assert!(!earlier.body.contains(&entry(51)));
    assert!(!earlier.body.contains("id=\"earlier-messages\""));
    assert!(earlier.body.contains("id=\"newest-messages\""));
    // The collision check is on for a long ticket: a colleague's note after
    // the page was loaded stops the send; sending anyway goes.
    let (s, _) = h
        .post(
            &path,
            &h.other_agent,
            json!({"kind": "note", "body": "Called the courier."}),
        )
        .await;
    assert_eq!(s.as_u16(), 201);
    let stopped = agent
        .post(
            &format!("{at}/reply"),
            &[
                ("csrf", &newest.csrf()),
                ("based_on", &hidden(&newest, "based_on")),
                ("body", "Hi Ann, a new one leaves today."),
            ],
        )
        .await;
    assert_eq!(stopped.status, StatusCode::CONFLICT, "{}", stopped.body);
    assert!(stopped.body.contains("Called the courier."));
    let anyway = agent
        .post(
            &format!("{at}/reply"),
            &[
                ("csrf", &stopped.csrf()),
                ("based_on", &hidden(&stopped, "based_on")),
                ("body", "Hi Ann, a new one leaves today."),
            ],
        )
        .await;
    assert_eq!(anyway.status, StatusCode::SEE_OTHER, "{}", anyway.body);
    // The portal: 123 public messages (no notes); the newest 100 first.
    let mut ann = crate::portal_answers::ann_signed_in(h).await;
    let mine = ann.get(&format!("/portal/tickets/{ticket}")).await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
    assert!(
        mine.body.contains("a new one leaves today"),
        "the newest reply"
    );
    assert!(mine.body.contains(&entry(149)));
    assert!(!mine.body.contains(&entry(150)), "a note is never shown");
    assert!(!mine.body.contains("Called the courier."));
    // 122 public: the opening, 120 entries, the reply; the page back holds
    // the opening and the entries up to 26.
    assert!(mine.body.contains(&entry(27)));
    assert!(!mine.body.contains(&entry(26)));
    let back = ann.get(&link(&mine, "earlier-messages")).await;
    assert_eq!(back.status, StatusCode::OK);
    assert!(back.body.contains("My order 5521 arrived broken"));
    assert!(back.body.contains(&entry(26)));
    assert!(!back.body.contains(&entry(27)));
    assert!(back.body.contains("id=\"newest-messages\""));
}

/// A file record on a message (its bytes are not needed to list it).
fn file(name: &str) -> rapport_store::NewAttachment {
    rapport_store::NewAttachment {
        sha256: "0".repeat(64),
        file_name: name.to_string(),
        content_type: "application/pdf".to_string(),
        size: 1_000,
        content_id: None,
        inline: false,
    }
}

/// Records files on a message of a ticket.
async fn attach(h: &Harness, ticket: i64, message: rapport_core::MessageId, files: &[String]) {
    let files: Vec<_> = files.iter().map(|n| file(n)).collect();
    let mut tx = h.store.begin_write().await.unwrap();
    tx.add_attachments(rapport_core::TicketId(ticket), message, &files)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

async fn the_newest_messages_show_their_files_however_many_came_before(h: &Harness) {
    // 250 files on the opening message (more than one page of the ticket's
    // files), then a customer message and a note with one file each.
    let ticket = h.ticket("Photos of every box", None).await;
    let id = rapport_core::TicketId(ticket);
    let opening = h.store.messages(id).await.unwrap()[0].id;
    let early: Vec<String> = (0..250).map(|i| format!("box-{i:03}.pdf")).collect();
    attach(h, ticket, opening, &early).await;
    let path = format!("/api/v1/tickets/{ticket}/messages");
    for (token, kind, body) in [
        (&h.admin, "customer", "And the receipt."),
        (&h.agent, "note", "Receipt checked."),
    ] {
        let (s, body) = h
            .post(&path, token, json!({"kind": kind, "body": body}))
            .await;
        assert_eq!(s.as_u16(), 201, "{body}");
    }
    let messages = h.store.messages(id).await.unwrap();
    let (receipt, note) = (messages[1].id, messages[2].id);
    attach(h, ticket, receipt, &["receipt-newest.pdf".to_string()]).await;
    attach(h, ticket, note, &["courier-form.pdf".to_string()]).await;

    let mut agent = Browser::new(h);
    agent.sign_in("agent@test.example").await;
    let page = agent.get(&format!("/app/tickets/{ticket}")).await;
    assert_eq!(page.status, StatusCode::OK);
    for name in [
        "receipt-newest.pdf",
        "courier-form.pdf",
        "box-000.pdf",
        "box-249.pdf",
    ] {
        assert!(page.body.contains(name), "the ticket page lists {name}");
    }
    // Each file under its own message.
    let receipt_at = page.body.find(&format!("id=\"m{}\"", receipt.0)).unwrap();
    let box_at = page.body.find("box-249.pdf").unwrap();
    let newest_at = page.body.find("receipt-newest.pdf").unwrap();
    assert!(box_at < receipt_at && receipt_at < newest_at);
    assert!(!page.body.contains("more files than one page lists"));

    // The customer sees her messages' files, never the note's.
    let mut ann = crate::portal_answers::ann_signed_in(h).await;
    let mine = ann.get(&format!("/portal/tickets/{ticket}")).await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
    assert!(mine.body.contains("receipt-newest.pdf"));
    assert!(mine.body.contains("box-249.pdf"));
    assert!(!mine.body.contains("courier-form.pdf"), "a note's file");

    // 2,000 more files on the internal note (the newest message): the
    // customer still sees all of hers, since files she cannot see never
    // count against her page.
    let hidden_files: Vec<String> = (0..2_000).map(|i| format!("internal-{i:04}.pdf")).collect();
    attach(h, ticket, note, &hidden_files).await;
    let mine = ann.get(&format!("/portal/tickets/{ticket}")).await;
    assert_eq!(mine.status, StatusCode::OK);
    for name in ["receipt-newest.pdf", "box-000.pdf", "box-249.pdf"] {
        assert!(mine.body.contains(name), "the customer's page lists {name}");
    }
    assert!(!mine.body.contains("internal-"));
    // The agent's page is past its limit: the newest message's files fill
    // it, the older messages' give way, and the page says so.
    let page = agent.get(&format!("/app/tickets/{ticket}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("internal-0000.pdf"));
    assert!(page.body.contains("internal-1999.pdf"));
    assert!(
        !page.body.contains("receipt-newest.pdf"),
        "an older message gives way"
    );
    assert!(!page.body.contains("box-249.pdf"));
    assert!(page.body.contains("more files than one page lists"));
}
