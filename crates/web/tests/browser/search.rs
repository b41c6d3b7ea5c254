//! Search in a real browser, with the index on and its indexer running: the
//! agent presses `/` on the inbox and the search box has the focus, types a
//! query and sees results with the matched words in `<mark>`; a customer
//! searches their own requests in the portal. Both results pages pass axe,
//! and hostile text in a subject and a body, found by search and shown in
//! its snippet, never runs (no dialog, no script).

use super::{Session, XSS, harness, last_sign_in_mail, mail_in};
use fantoccini::Locator;
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use rapport_app::search::Language;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// Turns search on for the session's server and runs its indexer until the
/// returned sender is dropped.
fn start_search(s: &Session, name: &str) -> tokio::sync::watch::Sender<bool> {
    let dir = std::env::temp_dir().join(format!("{}-search", harness::unique(name)));
    s.h.app
        .enable_search(&dir, Language::English)
        .expect("search index");
    let (stop, stopped) = tokio::sync::watch::channel(false);
    tokio::spawn(s.h.app.clone().run_indexer(stopped));
    stop
}

/// Presses one key on the page, wherever the focus is.
async fn press(s: &Session, key: char) {
    let actions = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    s.client.perform_actions(actions).await.unwrap();
}

/// The texts of the `<mark>`s in the results list.
async fn marks(s: &Session) -> Value {
    s.client
        .execute(
            "return Array.from(document.querySelectorAll('ol.results mark')).map(m => m.textContent);",
            vec![],
        )
        .await
        .unwrap()
}

/// Loads `path` until the results list holds a `<mark>` (at most 3 s: the
/// indexer makes a change searchable within 2 s).
async fn until_marked(s: &Session, path: &str) -> Value {
    let started = Instant::now();
    loop {
        s.goto(path).await;
        let found = marks(s).await;
        if found.as_array().is_some_and(|m| !m.is_empty())
            || started.elapsed() > Duration::from_secs(3)
        {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Agent and customer search in the browser, hostile text inert throughout.
pub(super) async fn search_results_show_marked_words_and_keep_hostile_text_inert(s: &Session) {
    let _stop = start_search(s, "browser-search");
    let hostile = format!("<img src=x onerror=\"{XSS}\"><script>{XSS}</script>");
    let id = mail_in(
        &s.h,
        &format!("<svg onload=\"{XSS}\">Eve"),
        "eve@example.com",
        &format!("Kettle {hostile} leaks"),
        &format!(
            "<p>The kettle leaks. {}</p>",
            hostile.replace('<', "&lt;").replace('>', "&gt;")
        ),
        "kettle.png",
    )
    .await;
    s.sign_in("agent@test.example").await;
    s.goto("/app").await;
    // `/` on the inbox puts the focus in the search box.
    let before = s
        .client
        .execute("return document.activeElement.id;", vec![])
        .await
        .unwrap();
    assert_ne!(before, json!("search"), "the box has no focus before");
    press(s, '/').await;
    let focused = s
        .client
        .execute("return document.activeElement.id;", vec![])
        .await
        .unwrap();
    assert_eq!(focused, json!("search"), "`/` focuses the search box");
    // Typing goes into the box; Enter searches.
    let started = Instant::now();
    let mut found = Value::Null;
    while started.elapsed() < Duration::from_secs(3) {
        s.goto("/app").await;
        press(s, '/').await;
        let typed = KeyActions::new("typing".into());
        let typed = "kettle"
            .chars()
            .fold(typed, |a, c| {
                a.then(KeyAction::Down { value: c })
                    .then(KeyAction::Up { value: c })
            })
            .then(KeyAction::Down {
                value: Key::Enter.into(),
            })
            .then(KeyAction::Up {
                value: Key::Enter.into(),
            });
        s.client.perform_actions(typed).await.unwrap();
        wait_for_search_page(s).await;
        s.no_script_ran("agent results").await;
        found = marks(s).await;
        if found.as_array().is_some_and(|m| !m.is_empty()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let url = s.client.current_url().await.unwrap();
    assert_eq!(url.path(), "/app/search", "Enter in the box searches");
    assert_eq!(url.query(), Some("q=kettle"));
    let words: Vec<String> = found
        .as_array()
        .map(|m| {
            m.iter()
                .filter_map(|w| w.as_str().map(str::to_lowercase))
                .collect()
        })
        .unwrap_or_default();
    assert!(
        !words.is_empty() && words.iter().all(|w| w == "kettle"),
        "the matched word is marked, nothing else: {found}"
    );
    let text = s.text().await;
    assert!(
        text.contains(&format!("#{id}")) && text.contains("onerror"),
        "the hostile subject is shown as text: {text}"
    );
    let injected = s
        .client
        .find_all(Locator::Css("main script, main img, main svg"))
        .await
        .unwrap();
    assert!(injected.is_empty(), "no markup of the mail on the page");
    s.accessible("agent search results").await;
    // Words of the body only (the snippet shows the payload as text).
    let body = until_marked(s, "/app/search?q=onerror").await;
    assert!(body.as_array().is_some_and(|m| !m.is_empty()), "{body}");
    s.no_script_ran("agent results for the payload").await;
    s.accessible("agent search results for the payload").await;
    // The customer, signed in to the portal by the link mailed to them.
    portal_sign_in(s, "eve@example.com").await;
    let theirs = until_marked(s, "/portal/search?q=kettle").await;
    assert!(
        theirs.as_array().is_some_and(|m| !m.is_empty()),
        "the customer's own ticket is found: {theirs}"
    );
    let text = s.text().await;
    assert!(text.contains("onerror"), "shown as text: {text}");
    s.no_script_ran("portal results").await;
    s.accessible("portal search results").await;
}

/// Waits until the page after a submit has loaded.
async fn wait_for_search_page(s: &Session) {
    for _ in 0..100 {
        let done = s
            .client
            .execute(
                "return location.pathname === '/app/search' && document.readyState === 'complete';",
                vec![],
            )
            .await;
        if matches!(done, Ok(Value::Bool(true))) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("Enter in the search box loaded no results page");
}

/// Asks for a sign-in link for `email` in the portal and follows it.
pub(super) async fn portal_sign_in(s: &Session, email: &str) {
    s.goto("/portal/sign-in").await;
    s.fill("#email", email).await;
    s.follow("main button[type=submit]").await;
    let text = last_sign_in_mail(&s.h).await;
    let start = text.find("/portal/link/pl_").expect("a link in the mail");
    let link = &text[start..start + "/portal/link/".len() + 67];
    s.goto(link).await;
    s.follow("main button[type=submit]").await;
}
