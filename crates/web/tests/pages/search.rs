//! The search pages: the workspace's box and results with escaped snippets,
//! a bad query shown as a notice, and the portal's search of a customer's
//! own requests only.

use crate::both_backends;
use crate::browser::{Browser, mail_in};
use crate::harness::{Harness, unique};
use axum::http::StatusCode;
use rapport_app::search::Language;
use std::time::{Duration, Instant};

both_backends!(
    agents_search_from_the_workspace_with_escaped_snippets,
    customers_search_only_their_own_requests,
);

/// Turns search on for the harness's app and runs its indexer until the test ends.
fn start_search(h: &Harness, name: &str) -> tokio::sync::watch::Sender<bool> {
    let dir = std::env::temp_dir().join(format!("{}-search", unique(name)));
    h.app.enable_search(&dir, Language::English).unwrap();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    tokio::spawn(h.app.clone().run_indexer(stopped));
    stop
}

/// Loads `path` until its body contains `want` (at most 2 s).
async fn until(b: &mut Browser<'_>, path: &str, want: &str) -> crate::browser::Page {
    let started = Instant::now();
    loop {
        let page = b.get(path).await;
        if page.body.contains(want) || started.elapsed() > Duration::from_secs(2) {
            return page;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn agents_search_from_the_workspace_with_escaped_snippets(h: &Harness) {
    let _stop = start_search(h, "pages-search");
    let id = mail_in(
        h,
        "Eve Evil",
        "eve@example.com",
        "<script>alert(1)</script> blender",
        "My <b>blender</b> smokes.",
    )
    .await;
    let mut b = Browser::new(h);
    b.sign_in("agent@test.example").await;
    let inbox = b.get("/app").await;
    assert!(
        inbox.body.contains("id=\"search\""),
        "the / key has a box to focus"
    );
    let page = until(&mut b, "/app/search?q=blender", "<mark>").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains(&format!("/app/tickets/{id}")),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("&lt;script&gt;alert(1)&lt;/script&gt; <mark>blender</mark>"),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains("<script>alert"),
        "customer text never becomes markup"
    );
    assert!(!page.body.contains("<b>blender"), "{}", page.body);
    let bad = b.get("/app/search?q=%22unclosed").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(
        bad.body.contains("this quote is never closed"),
        "{}",
        bad.body
    );
}

/// The sign-in link in the newest mail to `address`.
async fn link_sent_to(h: &Harness, address: &str) -> Option<String> {
    let pool = sqlx::AnyPool::connect(&h.database_url).await.unwrap();
    let rows: Vec<(Vec<u8>, String)> = sqlx::query_as(
        "SELECT raw, recipients FROM outbox WHERE kind = 'sign_in_link' ORDER BY id DESC",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    let (raw, _) = rows.into_iter().find(|(_, to)| to.contains(address))?;
    let text = String::from_utf8_lossy(&raw)
        .replace("=\r\n", "")
        .replace("=3D", "=");
    let start = text.find("/portal/link/pl_")?;
    Some(text[start..start + "/portal/link/".len() + 67].to_string())
}

fn value_of(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).unwrap() + marker.len();
    let end = html[start..].find('"').unwrap();
    html[start..start + end].to_string()
}

async fn customers_search_only_their_own_requests(h: &Harness) {
    let _stop = start_search(h, "portal-search");
    let foreign = mail_in(
        h,
        "Zed Other",
        "zed@example.com",
        "Kettle secret",
        "Private kettle",
    )
    .await;
    let mut b = Browser::new(h);
    let form = b.get("/portal/new").await;
    let stamp = value_of(&form.body, "stamp");
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let csrf = form.csrf();
    let sent = b
        .post(
            "/portal/new",
            &[
                ("csrf", csrf.as_str()),
                ("stamp", stamp.as_str()),
                ("name", "Gil Hart"),
                ("email", "gil@example.com"),
                ("subject", "Kettle leaks"),
                ("description", "The kettle leaks from the base."),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let link = link_sent_to(h, "gil@example.com").await.expect("a link");
    let page = b.get(&link).await;
    let csrf = page.csrf();
    b.post(&link, &[("csrf", &csrf)]).await;
    let list = b.get("/portal").await;
    assert!(list.body.contains("id=\"search\""), "{}", list.body);
    let found = until(&mut b, "/portal/search?q=kettle", "<mark>").await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.body);
    assert!(
        found.body.contains("<mark>Kettle</mark> leaks"),
        "{}",
        found.body
    );
    assert!(
        !found.body.contains("secret"),
        "another customer's ticket is not found"
    );
    assert!(!found.body.contains(&format!("/portal/tickets/{foreign}")));
}
