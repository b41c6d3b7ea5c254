//! Internal notes and their files are found by agents, never for a customer.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use rapport_search::{Context, Language, MessageDoc, SearchIndex, Sort, TicketDoc, Watermark};
mod common;

use common::{found_sorted, fresh};

fn message(text: &str, internal: bool) -> MessageDoc {
    MessageDoc {
        sender_name: if internal { "Quinn Agent" } else { "Ana Silva" }.into(),
        sender_address: None,
        text: text.into(),
        internal,
    }
}

#[test]
fn notes_and_their_files_are_for_agents_only() {
    let dir = fresh("notes");
    let (index, _) = SearchIndex::open(&dir, Language::English).expect("open");
    let doc = TicketDoc {
        id: 1,
        subject: "Damaged sofa".into(),
        status: "open".into(),
        customer_id: 7,
        customer_name: "Ana Silva".into(),
        messages: vec![
            message("The sofa arrived with a torn cushion.", false),
            message("Supplier batch fault, escalate to Pemberton.", true),
        ],
        attachments: vec!["cushion-photo.jpg".into()],
        note_attachments: vec!["supplier-invoice.pdf".into()],
        created_at: 1_000,
        updated_at: 1_001,
        ..TicketDoc::default()
    };
    index
        .apply(&[doc], &[], Watermark { upto: 1, at: 1 })
        .expect("apply");
    let agent = Context {
        me: Some(3),
        ..Context::default()
    };
    let customer = Context {
        customer: Some(7),
        ..Context::default()
    };
    for q in [
        "pemberton",
        "\"batch fault\"",
        "supplier",
        "invoice",
        "Quinn",
    ] {
        assert_eq!(
            found_sorted(&index, q, &agent, Sort::Relevance),
            vec![1],
            "agent: {q}"
        );
        assert!(
            found_sorted(&index, q, &customer, Sort::Relevance).is_empty(),
            "customer: {q}"
        );
    }
    for q in ["cushion", "photo", "sofa -pemberton", "Ana"] {
        assert_eq!(
            found_sorted(&index, q, &customer, Sort::Relevance),
            vec![1],
            "customer: {q}"
        );
    }
}
