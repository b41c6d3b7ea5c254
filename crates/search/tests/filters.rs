//! `status:` with `team:` (answered together from one field) finds exactly
//! what the two filters find apart.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use rapport_search::{Context, Language, MessageDoc, SearchIndex, Sort, TicketDoc, Watermark};
mod common;

use common::{found_sorted, fresh};

fn ticket(id: i64, status: &str, team: Option<i64>, text: &str) -> TicketDoc {
    TicketDoc {
        id,
        subject: "Question".into(),
        status: status.into(),
        team_id: team,
        customer_id: 1,
        customer_name: "Ana Silva".into(),
        messages: vec![MessageDoc {
            sender_name: "Ana Silva".into(),
            sender_address: None,
            text: text.into(),
            internal: false,
        }],
        created_at: 1_000,
        updated_at: 1_000 + id,
        ..TicketDoc::default()
    }
}

#[test]
fn status_and_team_together_find_what_each_finds() {
    let dir = fresh("status-team");
    let (index, _) = SearchIndex::open(&dir, Language::English).expect("open");
    let docs = vec![
        ticket(1, "open", Some(1), "refund please"),
        ticket(2, "open", Some(2), "refund please"),
        ticket(3, "pending", Some(1), "refund please"),
        ticket(4, "open", None, "refund please"),
        ticket(5, "open", Some(1), "where is my parcel"),
        ticket(6, "on_hold", Some(1), "refund please"),
        ticket(7, "open", Some(11), "refund please"),
    ];
    index
        .apply(&docs, &[], Watermark { upto: 1, at: 1 })
        .expect("apply");
    let mut ctx = Context::default();
    ctx.teams.insert("billing".into(), 1);
    ctx.teams.insert("delivery".into(), 2);
    ctx.teams.insert("eleven".into(), 11);
    let found = |q: &str| found_sorted(&index, q, &ctx, Sort::Relevance);
    assert_eq!(found("status:open team:billing refund"), vec![1]);
    assert_eq!(found("refund team:Billing status:open"), vec![1]);
    assert_eq!(found("status:open team:billing"), vec![1, 5]);
    assert_eq!(found("status:open team:eleven"), vec![7]);
    assert_eq!(found("status:on_hold team:billing"), vec![6]);
    assert_eq!(found("status:open team:none refund"), vec![4]);
    assert_eq!(found("status:open -team:billing refund"), vec![2, 4, 7]);
    assert_eq!(found("-status:open team:billing refund"), vec![3, 6]);
    assert_eq!(
        found("status:open status:pending team:billing"),
        Vec::<i64>::new()
    );
    assert_eq!(
        found("status:open team:billing team:delivery"),
        Vec::<i64>::new()
    );
    assert_eq!(found("status:open team:unknown"), Vec::<i64>::new());
    assert_eq!(found("status:closed team:billing"), Vec::<i64>::new());
    drop(index);
    let _ = std::fs::remove_dir_all(dir);
}
