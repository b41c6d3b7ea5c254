//! The customer's portal list (`/portal`, kept live by `portal.js` over
//! `/portal/live`) in Chromium: an agent answers and solves one of the
//! customer's tickets through the API, and the list shows the new status
//! within two seconds without a reload; a change to another customer's
//! ticket leaves the list as it was (not even refetched).

use super::Session;
use super::scenarios::{assert_not_reloaded, mark_page};
use super::search::portal_sign_in;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// How soon a change must show in the customer's list.
const LIVE: Duration = Duration::from_secs(2);

/// The status shown in the customer's list for ticket `id` (Null when the
/// ticket is not in the list).
async fn shown_status(s: &Session, id: i64) -> Value {
    s.client
        .execute(
            "const a = document.querySelector(\"[data-portal-live] a[href='/portal/tickets/\" + arguments[0] + \"']\"); \
             return a ? a.closest('tr').querySelector('.status').textContent.trim() : null;",
            vec![json!(id)],
        )
        .await
        .unwrap()
}

/// Marks the list itself, so that a refetch (which replaces it) would show.
async fn mark_list(s: &Session) {
    s.client
        .execute(
            "document.querySelector('[data-portal-live]').dataset.kept = 'yes';",
            vec![],
        )
        .await
        .unwrap();
}

/// Whether the list marked by [`mark_list`] is still the one shown.
async fn list_kept(s: &Session) -> bool {
    s.client
        .execute(
            "const l = document.querySelector('[data-portal-live]'); return !!l && l.dataset.kept === 'yes';",
            vec![],
        )
        .await
        .unwrap()
        == Value::Bool(true)
}

pub(super) async fn the_portal_list_shows_an_agents_change_live_and_only_its_own(s: &Session) {
    let kettle = super::mail_in(
        &s.h,
        "Eve Stone",
        "eve@example.com",
        "Kettle leaks",
        "<p>My kettle leaks.</p>",
        "kettle.png",
    )
    .await;
    let toaster = super::mail_in(
        &s.h,
        "Eve Stone",
        "eve@example.com",
        "Toaster sparks",
        "<p>Sparks!</p>",
        "toaster.png",
    )
    .await;
    let zed = super::mail_in(
        &s.h,
        "Zed Other",
        "zed@example.com",
        "Zed's order",
        "<p>Where is it?</p>",
        "z.png",
    )
    .await;
    portal_sign_in(s, "eve@example.com").await;
    s.goto("/portal").await;
    assert_eq!(shown_status(s, kettle).await, json!("new"));
    assert_eq!(shown_status(s, toaster).await, json!("new"));
    assert_eq!(shown_status(s, zed).await, Value::Null, "not Eve's");
    let before = s.text().await;
    mark_page(&s.client).await;
    mark_list(s).await;
    // Let the page's stream open before anything changes.
    tokio::time::sleep(Duration::from_millis(800)).await;

    // Another customer's ticket is answered and solved: Eve's list is not
    // even refetched.
    s.h.reply_and_solve(zed, "Hello Zed, it ships today.").await;
    tokio::time::sleep(LIVE + Duration::from_millis(500)).await;
    assert!(
        list_kept(s).await,
        "another customer's change refreshed the list"
    );
    assert_eq!(s.text().await, before, "the list changed");
    assert_not_reloaded(&s.client, "another customer's change").await;

    // Eve's own ticket is answered and solved: the list shows it in time.
    s.h.reply_and_solve(kettle, "Hello Eve, a new kettle ships today.")
        .await;
    let changed = Instant::now();
    let mut shown = shown_status(s, kettle).await;
    while shown != json!("solved") && changed.elapsed() < LIVE {
        tokio::time::sleep(Duration::from_millis(50)).await;
        shown = shown_status(s, kettle).await;
    }
    assert_eq!(
        shown,
        json!("solved"),
        "the list shows the change within {LIVE:?}"
    );
    assert!(!list_kept(s).await, "the list itself was refreshed");
    assert_not_reloaded(&s.client, "the customer's own change").await;
    assert_eq!(shown_status(s, toaster).await, json!("new"));
    assert_eq!(shown_status(s, zed).await, Value::Null, "still not Eve's");
    s.no_script_ran("the live portal list").await;
}
