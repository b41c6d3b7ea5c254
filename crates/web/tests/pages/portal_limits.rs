//! The portal's rate limit is kept in the database (two servers allow what
//! one does), and a customer's list is paged past its first hundred.

use crate::browser::{Browser, mail_in};
use crate::harness::Harness;
use crate::portal::{link_sent_to, post_multipart, sign_in_by_link};
use axum::http::StatusCode;
use std::collections::BTreeSet;
use std::time::Duration;

/// Waits, if need be, so the next dozen requests fall in one minute's window.
async fn early_in_a_minute() {
    let second = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        % 60;
    if second > 45 {
        tokio::time::sleep(Duration::from_secs(61 - second)).await;
    }
}

async fn two_servers_share_the_portal_limit(h: &Harness) {
    let store = rapport_store::Store::open(&h.database_url).await.unwrap();
    let blobs = rapport_store::Blobs::filesystem(&h.blob_dir).unwrap();
    let second = rapport_app::App::new(store, blobs, rapport_app::AppConfig::default());
    let mut one = Browser::new(h);
    let csrf = one.get("/portal/sign-in").await.csrf();
    let mut two = one.on(rapport_web::router(second.clone()));
    early_in_a_minute().await;
    let ask = [("csrf", csrf.as_str()), ("email", "nobody@example.com")];
    let limit = rapport_app::portal::PORTAL_PER_MINUTE;
    for n in 0..limit {
        let b = if n % 2 == 0 { &mut one } else { &mut two };
        let page = b.post("/portal/sign-in", &ask).await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "request {n}: {}",
            page.body
        );
    }
    // Each server has seen half the limit; together they have seen all of it.
    for b in [&mut one, &mut two] {
        let refused = b.post("/portal/sign-in", &ask).await;
        assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    }
    // The request form counts against the same limit, on either server.
    let fields = [("stamp", "1.x"), ("name", "N"), ("email", "n@example.com")];
    let form = post_multipart(&mut two, "/portal/new", &csrf, &fields, &[]).await;
    assert_eq!(form.status, StatusCode::TOO_MANY_REQUESTS);
    second.close().await;
}

fn many_tickets() -> rapport_app::AppConfig {
    rapport_app::AppConfig {
        mail: rapport_app::MailConfig {
            new_tickets_per_hour: 1000,
            ..rapport_app::MailConfig::default()
        },
        ..rapport_app::AppConfig::default()
    }
}

/// The ticket numbers a portal list page links to, and its next page.
fn listed(body: &str) -> (Vec<i64>, Option<String>) {
    let ids = body
        .split("href=\"/portal/tickets/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next()?.parse().ok())
        .collect();
    let next = body
        .split("href=\"/portal?after=")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .map(|cursor| format!("/portal?after={cursor}"));
    (ids, next)
}

async fn the_portal_list_pages_past_its_first_hundred(h: &Harness) {
    let per_page = usize::try_from(rapport_app::portal::PORTAL_TICKETS).unwrap();
    let mut mine = BTreeSet::new();
    for n in 0..per_page + 5 {
        let id = mail_in(h, "Pat Lee", "pat@example.com", &format!("Order {n}"), "Hi").await;
        mine.insert(id);
    }
    let theirs = mail_in(h, "Zed Other", "zed@example.com", "Zed's order", "Hi").await;
    let mut b = Browser::new(h);
    let csrf = b.get("/portal/sign-in").await.csrf();
    b.post(
        "/portal/sign-in",
        &[("csrf", &csrf), ("email", "pat@example.com")],
    )
    .await;
    let link = link_sent_to(h, "pat@example.com").await.expect("a link");
    sign_in_by_link(&mut b, &link).await;
    let first = b.get("/portal").await;
    assert_eq!(first.status, StatusCode::OK);
    let (ids, next) = listed(&first.body);
    assert_eq!(ids.len(), per_page);
    assert!(first.body.contains("Older requests"));
    assert!(
        !first.body.contains("Newest requests"),
        "no way back from the first page"
    );
    let next = next.expect("a link to the next page");
    let second = b.get(&next).await;
    assert_eq!(second.status, StatusCode::OK);
    let (rest, beyond) = listed(&second.body);
    assert_eq!(rest.len(), 5);
    assert!(beyond.is_none(), "the last page links no further");
    assert!(second.body.contains("href=\"/portal\""));
    assert!(second.body.contains("Newest requests"));
    let seen: BTreeSet<i64> = ids.iter().chain(&rest).copied().collect();
    assert_eq!(seen, mine, "every request once, and only Pat's");
    assert!(!seen.contains(&theirs));
    // Newest first: the last mailed is first, the first mailed is last.
    assert_eq!(ids.first(), mine.last());
    assert_eq!(rest.last(), mine.first());
    let mangled = b.get("/portal?after=yesterday").await;
    assert_eq!(mangled.status, StatusCode::UNPROCESSABLE_ENTITY);
}

crate::both_backends!(two_servers_share_the_portal_limit);
crate::both_backends_with!(super::many_tickets();
    the_portal_list_pages_past_its_first_hundred);
