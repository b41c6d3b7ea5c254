//! Every read use case takes a `Principal`: an agent reads per role, a
//! customer only their own tickets' public messages and files, and each is
//! refused the other's reads with "forbidden".

use crate::both_backends;
use crate::harness::Harness;
use rapport_app::tickets::MessageRole;
use rapport_app::{AppError, Caller, Principal, TicketFilter};
use rapport_core::{CustomerId, MessageKind, Role, TicketId};

/// What the tests read: Ann's ticket with a reply and a note (each with a
/// file), and Bo's ticket with a file on a reply.
struct Setting {
    agent: Principal,
    ann: Principal,
    ann_id: CustomerId,
    ann_ticket: TicketId,
    bo_ticket: TicketId,
    reply_file: i64,
    note_file: i64,
    bo_file: i64,
}

const NOTE: &str = "Internal: the courier lost two parcels here before.";
const REPLY: &str = "Hello Ann, a new lamp ships today.";

async fn setting(h: &Harness) -> Setting {
    let caller = Caller::operator(h.agent_id, Role::Agent);
    let ann_ticket = TicketId(h.ticket("Broken lamp", None).await);
    let (status, body) = h
        .post(
            "/api/v1/tickets",
            &h.agent,
            serde_json::json!({"subject": "Late parcel", "customer_email": "bo@example.com",
                "customer_name": "Bo Berg", "message": "Where is my parcel?"}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let bo_ticket = TicketId(body["ticket"]["id"].as_i64().expect("id"));
    let mut files = Vec::new();
    for (ticket, role, text) in [
        (ann_ticket, MessageRole::Reply, REPLY),
        (ann_ticket, MessageRole::Note, NOTE),
        (
            bo_ticket,
            MessageRole::Reply,
            "Hello Bo, the parcel left today.",
        ),
    ] {
        let file = h
            .app
            .upload(&caller, "label.txt", "text/plain", "a label".into())
            .await
            .expect("upload")
            .id;
        h.app
            .add_message(&caller, ticket, role, text, None, &[file])
            .await
            .expect("message");
        files.push(file);
    }
    let ann_id = h
        .store
        .ticket(ann_ticket)
        .await
        .expect("ticket")
        .customer_id;
    Setting {
        agent: Principal::Agent(caller),
        ann: Principal::Customer(ann_id),
        ann_id,
        ann_ticket,
        bo_ticket,
        reply_file: files[0],
        note_file: files[1],
        bo_file: files[2],
    }
}

/// The error code of a read that must fail.
fn code<T: std::fmt::Debug>(result: Result<T, AppError>) -> &'static str {
    result.expect_err("refused").code()
}

async fn a_customer_is_refused_every_agent_read(h: &Harness) {
    let s = setting(h).await;
    let (ann, id) = (&s.ann, s.ann_ticket);
    let all = TicketFilter::default();
    assert_eq!(code(h.app.ticket(ann, id).await), "forbidden");
    assert_eq!(code(h.app.ticket_page(ann, id, None).await), "forbidden");
    let messages = h.app.ticket_messages(ann, id, None, 100).await;
    assert_eq!(code(messages), "forbidden");
    let files = h.app.ticket_attachments(ann, id, None, 100).await;
    assert_eq!(code(files), "forbidden");
    assert_eq!(
        code(h.app.ticket_events(ann, id, None, 100).await),
        "forbidden"
    );
    assert_eq!(code(h.app.ticket_clocks(ann, id).await), "forbidden");
    assert_eq!(code(h.app.tickets(ann, &all).await), "forbidden");
    assert_eq!(code(h.app.tickets_with_due(ann, &all).await), "forbidden");
    assert_eq!(code(h.app.customer(ann, s.ann_id).await), "forbidden");
    assert_eq!(code(h.app.customers(ann, 0, 10, None).await), "forbidden");
    assert_eq!(
        code(h.app.customer_events(ann, s.ann_id).await),
        "forbidden"
    );
    let bouncing = h.app.bouncing_addresses(ann, s.ann_id).await;
    assert_eq!(code(bouncing), "forbidden");
    // And the portal's own reads refuse an agent.
    assert_eq!(
        code(h.app.portal_tickets(&s.agent, None).await),
        "forbidden"
    );
    assert_eq!(
        code(h.app.portal_ticket(&s.agent, id, None).await),
        "forbidden"
    );
}

async fn a_customer_reads_only_their_own_tickets_and_files(h: &Harness) {
    let s = setting(h).await;
    let listed = h.app.portal_tickets(&s.ann, None).await.expect("list");
    let ids: Vec<TicketId> = listed.tickets.iter().map(|t| t.id).collect();
    assert_eq!(ids, vec![s.ann_ticket], "not Bo's");
    let other = h.app.portal_ticket(&s.ann, s.bo_ticket, None).await;
    assert_eq!(code(other), "not_found");
    let other = h.app.conversation(&s.ann, s.bo_ticket, None).await;
    assert_eq!(code(other), "not_found");
    assert_eq!(code(h.app.attachment(&s.ann, s.bo_file).await), "not_found");
    let missing = h.app.portal_ticket(&s.ann, TicketId(999_999), None).await;
    assert_eq!(code(missing), "not_found", "the same as another's");
}

async fn a_customer_never_gets_notes_nor_their_files(h: &Harness) {
    let s = setting(h).await;
    let page = h
        .app
        .portal_ticket(&s.ann, s.ann_ticket, None)
        .await
        .expect("own ticket");
    let conversation = h
        .app
        .conversation(&s.ann, s.ann_ticket, None)
        .await
        .expect("own conversation");
    for messages in [&page.messages, &conversation.messages] {
        assert!(messages.iter().all(|m| m.kind == MessageKind::Public));
        assert!(messages.iter().any(|m| m.body_text.contains("new lamp")));
        assert!(!messages.iter().any(|m| m.body_text.contains("courier")));
    }
    let shown: Vec<i64> = page.attachments.iter().map(|a| a.id).collect();
    assert_eq!(shown, vec![s.reply_file], "the reply's file only");
    let (record, data) = h.app.attachment(&s.ann, s.reply_file).await.expect("file");
    assert_eq!(
        (record.id, data.as_slice()),
        (s.reply_file, &b"a label"[..])
    );
    assert_eq!(
        code(h.app.attachment(&s.ann, s.note_file).await),
        "not_found"
    );
}

async fn an_agent_reads_as_before(h: &Harness) {
    let s = setting(h).await;
    let view = h.app.ticket(&s.agent, s.ann_ticket).await.expect("ticket");
    let texts: Vec<&str> = view
        .messages
        .items
        .iter()
        .map(|m| m.body_text.as_str())
        .collect();
    assert!(texts.contains(&NOTE) && texts.contains(&REPLY), "{texts:?}");
    let files: Vec<i64> = view.attachments.items.iter().map(|a| a.id).collect();
    assert_eq!(files, vec![s.reply_file, s.note_file]);
    let conversation = h
        .app
        .conversation(&s.agent, s.ann_ticket, None)
        .await
        .expect("conversation");
    assert!(
        conversation
            .messages
            .iter()
            .any(|m| m.kind == MessageKind::Internal)
    );
    let page = h.app.ticket_page(&s.agent, s.ann_ticket, None).await;
    assert_eq!(page.expect("page").customer.id, s.ann_id);
    for file in [s.reply_file, s.note_file, s.bo_file] {
        h.app
            .attachment(&s.agent, file)
            .await
            .expect("any sent file");
    }
    let filter = TicketFilter {
        limit: 50,
        ..TicketFilter::default()
    };
    let all = h.app.tickets(&s.agent, &filter).await;
    assert_eq!(all.expect("list").len(), 2);
    h.app.customer(&s.agent, s.ann_id).await.expect("customer");
    h.app
        .ticket_events(&s.agent, s.bo_ticket, None, 100)
        .await
        .expect("events");
    // A read-only token still reads; a customer-only read stays refused.
    let reader = Principal::Agent(Caller {
        scope: rapport_core::Scope::ReadOnly,
        ..Caller::operator(h.agent_id, Role::Agent)
    });
    h.app
        .ticket(&reader, s.bo_ticket)
        .await
        .expect("read-only reads");
}

both_backends!(
    a_customer_is_refused_every_agent_read,
    a_customer_reads_only_their_own_tickets_and_files,
    a_customer_never_gets_notes_nor_their_files,
    an_agent_reads_as_before,
);
