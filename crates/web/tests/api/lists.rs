//! Filters, sorting and cursor pagination.

use crate::both_backends;
use crate::harness::Harness;
use serde_json::{Value, json};
use std::collections::HashSet;

async fn all_pages(h: &Harness, query: &str, limit: usize) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let url = match &cursor {
            Some(c) => format!("/api/v1/tickets?{query}&limit={limit}&cursor={c}"),
            None => format!("/api/v1/tickets?{query}&limit={limit}"),
        };
        let (s, page) = h.get(&url, &h.agent).await;
        assert_eq!(s, 200, "{page}");
        let got = page["items"].as_array().unwrap().clone();
        assert!(got.len() <= limit);
        items.extend(got);
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    items
}

fn ids(items: &[Value]) -> Vec<i64> {
    items.iter().map(|t| t["id"].as_i64().unwrap()).collect()
}

async fn filters_sorting_and_cursors(h: &Harness) {
    let mut team1 = Vec::new();
    for n in 0..23 {
        let team = if n % 3 == 0 { h.team2 } else { h.team };
        let id = h.ticket(&format!("Ticket {n}"), Some(team)).await;
        if team == h.team {
            team1.push(id);
        }
        if n % 4 == 0 {
            h.post(
                &format!("/api/v1/tickets/{id}/messages"),
                &h.agent,
                json!({"kind": "reply", "body": "Hello, on it."}),
            )
            .await;
        }
    }
    // Team filter, every page, no duplicates, newest change first.
    let items = all_pages(h, &format!("team={}", h.team.0), 4).await;
    let got = ids(&items);
    assert_eq!(
        got.iter().collect::<HashSet<_>>().len(),
        got.len(),
        "duplicates across pages"
    );
    assert_eq!(
        got.iter().copied().collect::<HashSet<_>>(),
        team1.iter().copied().collect::<HashSet<_>>()
    );
    let stamps: Vec<&str> = items
        .iter()
        .map(|t| t["updated_at"].as_str().unwrap())
        .collect();
    let mut sorted = stamps.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(stamps, sorted, "not newest change first");
    // Status and owner filters.
    let open = all_pages(h, &format!("team={}&status=open", h.team.0), 50).await;
    assert!(
        !open.is_empty()
            && open
                .iter()
                .all(|t| t["status"] == "open" && t["owner_id"] == h.agent_id.0)
    );
    let unowned = all_pages(h, "owner=none&status=new,open", 50).await;
    assert!(
        unowned
            .iter()
            .all(|t| t["owner_id"].is_null() && t["status"] == "new")
    );
    let mine = all_pages(h, &format!("owner={}", h.agent_id.0), 50).await;
    assert_eq!(mine.len() + unowned.len(), 23);
    // Created order, both ways.
    let asc = ids(&all_pages(h, "sort=created_at", 5).await);
    let mut expected = asc.clone();
    expected.sort();
    assert_eq!(asc, expected);
    let desc = ids(&all_pages(h, "sort=-created_at", 6).await);
    assert_eq!(desc, expected.iter().rev().copied().collect::<Vec<_>>());
    // Customer and updated-since.
    let customer = items[0]["customer_id"].as_i64().unwrap();
    assert_eq!(
        all_pages(h, &format!("customer={customer}"), 50)
            .await
            .len(),
        23
    );
    assert!(
        all_pages(h, &format!("customer={}", customer + 1000), 50)
            .await
            .is_empty()
    );
    let since = items[0]["updated_at"].as_str().unwrap();
    let recent = all_pages(h, &format!("updated_since={since}"), 50).await;
    assert!(
        !recent.is_empty()
            && recent
                .iter()
                .all(|t| t["updated_at"].as_str().unwrap() >= since)
    );
}

async fn pages_stay_stable_while_tickets_change(h: &Harness) {
    let mut all = Vec::new();
    for n in 0..15 {
        all.push(h.ticket(&format!("Moving {n}"), Some(h.team)).await);
    }
    let (_, first) = h.get("/api/v1/tickets?limit=5", &h.agent).await;
    let mut seen: Vec<i64> = ids(first["items"].as_array().unwrap());
    let mut cursor = first["next_cursor"].as_str().unwrap().to_string();
    // Tickets change between pages: the changed ones move to the top, never repeat.
    for id in &all[..5] {
        h.post(
            &format!("/api/v1/tickets/{id}/tags"),
            &h.agent,
            json!({"add": ["touched"]}),
        )
        .await;
    }
    loop {
        let (_, page) = h
            .get(
                &format!("/api/v1/tickets?limit=5&cursor={cursor}"),
                &h.agent,
            )
            .await;
        seen.extend(ids(page["items"].as_array().unwrap()));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = c.to_string(),
            None => break,
        }
    }
    assert_eq!(
        seen.iter().collect::<HashSet<_>>().len(),
        seen.len(),
        "a ticket was listed twice: {seen:?}"
    );
}

async fn the_list_is_narrowed_by_priority_channel_and_tag(h: &Harness) {
    let phone_vip = h
        .ticket_with("Phone VIP", ("high", "phone"), &["VIP", "damage"])
        .await;
    let mail_vip = h
        .ticket_with("Mail VIP", ("normal", "email"), &["vip"])
        .await;
    let mail_plain = h.ticket_with("Mail plain", ("high", "email"), &[]).await;
    let portal_damage = h
        .ticket_with("Portal damage", ("urgent", "portal"), &["damage"])
        .await;
    let found = |query: &'static str| async move {
        let mut got = ids(&all_pages(h, query, 2).await);
        got.sort_unstable();
        got
    };
    assert_eq!(found("tag=vip").await, vec![phone_vip, mail_vip]);
    assert_eq!(
        found("tag=+VIP+").await,
        vec![phone_vip, mail_vip],
        "stored form"
    );
    assert_eq!(
        found("tag=damage&priority=urgent").await,
        vec![portal_damage]
    );
    assert_eq!(found("channel=email").await, vec![mail_vip, mail_plain]);
    assert_eq!(found("channel=email&priority=high").await, vec![mail_plain]);
    assert_eq!(found("priority=high").await, vec![phone_vip, mail_plain]);
    assert_eq!(found("channel=reviews").await, Vec::<i64>::new());
    assert_eq!(found("tag=nobody-has-it").await, Vec::<i64>::new());
    // Narrowed by a tag, the list is newest changed first, and follows a
    // change: each tag row moves with its ticket.
    for (changed, other) in [(mail_vip, phone_vip), (phone_vip, mail_vip)] {
        let (s, b) = h
            .post(
                &format!("/api/v1/tickets/{changed}/priority"),
                &h.lead,
                json!({"priority": "urgent"}),
            )
            .await;
        assert_eq!(s, 200, "{b}");
        for sort in ["", "&sort=-updated_at"] {
            let order = ids(&all_pages(h, &format!("tag=vip{sort}"), 1).await);
            assert_eq!(order, vec![changed, other], "{sort}");
        }
        let order = ids(&all_pages(h, "tag=vip&sort=updated_at", 1).await);
        assert_eq!(order, vec![other, changed]);
    }
    // A value outside the sets, or no tag at all, is refused naming its
    // field; a huge one (nearly the longest URL accepted) is named by its
    // start only.
    let huge = "x".repeat(8_000);
    for (query, field) in [
        ("priority=soon".to_string(), "priority"),
        ("channel=fax".to_string(), "channel"),
        ("tag=a%20b".to_string(), "tag"),
        ("tag=a%00b".to_string(), "tag"),
        (format!("tag={huge}"), "tag"),
        (format!("priority={huge}"), "priority"),
    ] {
        let (s, body) = h.get(&format!("/api/v1/tickets?{query}"), &h.agent).await;
        assert_eq!(s, 422, "{query:.40}: {body}");
        assert_eq!(body["error"]["field"], field, "{body}");
        assert!(body.to_string().len() < 2_000, "the refusal stays short");
    }
}

both_backends!(
    filters_sorting_and_cursors,
    pages_stay_stable_while_tickets_change,
    the_list_is_narrowed_by_priority_channel_and_tag
);
