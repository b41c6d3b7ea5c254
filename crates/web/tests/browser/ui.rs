//! The workspace's behaviour that only a browser shows: the keyboard
//! shortcuts, the live list keeping the agent's place and ticks while its
//! counts follow, a phone-sized window without sideways scrolling, the dark
//! theme of the system setting, and the customer panel beside a ticket.

use super::scenarios::{assert_not_reloaded, mark_page, wait_until};
use super::{Session, connect_with, mail_in, no_script_ran_in};
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use rapport_core::TicketId;
use serde_json::{Value, json};

/// Presses the keys of `keys` one after the other on the page (not in a field).
async fn press(client: &Client, keys: &[char]) {
    let mut actions = KeyActions::new("keyboard".into());
    for key in keys {
        actions = actions
            .then(KeyAction::Down { value: *key })
            .then(KeyAction::Up { value: *key });
    }
    client.perform_actions(actions).await.unwrap();
}

/// Runs `script` (a function body returning a value) in `client`.
async fn run(client: &Client, script: &str) -> Value {
    client.execute(script, vec![]).await.unwrap()
}

/// The `data-id` of the selected row and how many rows are selected.
async fn selected(client: &Client) -> Value {
    run(
        client,
        "const s = document.querySelectorAll('table.tickets tbody tr.selected');\
         return [s.length ? s[0].getAttribute('data-id') : null, s.length,\
           document.querySelectorAll('table.tickets tbody tr[aria-selected=true]').length];",
    )
    .await
}

/// A mail from Ann Lee about `subject` saying `text`, with a photo; its ticket.
async fn from_ann(s: &Session, subject: &str, text: &str) -> i64 {
    let html = format!("<p>{text}</p>");
    mail_in(
        &s.h,
        "Ann Lee",
        "ann@example.com",
        subject,
        &html,
        "photo.png",
    )
    .await
}

/// Three tickets of three customers, oldest first.
async fn three_tickets(s: &Session) -> [i64; 3] {
    let mut ids = [0; 3];
    for (n, (name, from, subject)) in [
        ("Ann Lee", "ann@example.com", "Kettle leaks"),
        ("Bo Berg", "bo@example.com", "Toaster sparks"),
        ("Cy Dahl", "cy@example.com", "Lamp flickers"),
    ]
    .into_iter()
    .enumerate()
    {
        ids[n] = mail_in(&s.h, name, from, subject, "<p>Help.</p>", "photo.png").await;
        // Apart by a second, so the newest-first order is certain.
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    }
    ids
}

/// j/k move the selection, `?` opens the list of shortcuts, `/` focuses the
/// search, Enter opens the selected ticket; there `r` focuses the reply,
/// `n` the note and `a` assigns the ticket to the agent.
pub(super) async fn the_keyboard_moves_opens_and_acts(s: &Session) {
    let [oldest, middle, newest] = three_tickets(s).await;
    s.sign_in("agent@test.example").await;
    s.goto("/app?view=unassigned").await;
    assert_eq!(selected(&s.client).await, json!([null, 0, 0]));
    press(&s.client, &['j']).await;
    assert_eq!(selected(&s.client).await, json!([newest.to_string(), 1, 1]));
    press(&s.client, &['j', 'j']).await;
    assert_eq!(selected(&s.client).await, json!([oldest.to_string(), 1, 1]));
    press(&s.client, &['j']).await;
    assert_eq!(
        selected(&s.client).await,
        json!([oldest.to_string(), 1, 1]),
        "j stops at the last row"
    );
    press(&s.client, &['k']).await;
    assert_eq!(selected(&s.client).await, json!([middle.to_string(), 1, 1]));
    // `?` shows the shortcuts; its button closes them.
    let open = "return document.getElementById('shortcuts').open;";
    assert_eq!(run(&s.client, open).await, json!(false));
    press(&s.client, &['?']).await;
    assert_eq!(run(&s.client, open).await, json!(true), "? shows the list");
    let shown = s
        .client
        .find(Locator::Css("#shortcuts"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        shown.contains("Keyboard shortcuts") && shown.contains("open the selected ticket"),
        "{shown}"
    );
    s.accessible("the shortcuts dialog").await;
    s.click("#shortcuts-close").await;
    assert_eq!(run(&s.client, open).await, json!(false));
    // `/` focuses the search (and types nothing there).
    press(&s.client, &['/']).await;
    let focus = "return document.activeElement ? document.activeElement.id : '';";
    assert_eq!(run(&s.client, focus).await, json!("search"));
    assert_eq!(
        run(&s.client, "return document.getElementById('search').value;").await,
        json!("")
    );
    run(&s.client, "document.activeElement.blur(); return 0;").await;
    // Keys typed into a field are text, not shortcuts.
    s.fill("#bulk-tags", "jk").await;
    assert_eq!(selected(&s.client).await, json!([middle.to_string(), 1, 1]));
    run(&s.client, "document.activeElement.blur(); return 0;").await;
    // Enter opens the selected ticket.
    press(&s.client, &[Key::Enter.into()]).await;
    wait_until(
        &s.client,
        &format!(
            "location.pathname === '/app/tickets/{middle}' && document.readyState === 'complete'"
        ),
        "Enter opens the selected ticket",
    )
    .await;
    no_script_ran_in(&s.client, "ticket page").await;
    press(&s.client, &['r']).await;
    assert_eq!(run(&s.client, focus).await, json!("reply-body"));
    assert_eq!(
        run(
            &s.client,
            "return document.getElementById('reply-body').value;"
        )
        .await,
        json!(""),
        "r focuses the reply and types nothing"
    );
    run(&s.client, "document.activeElement.blur(); return 0;").await;
    press(&s.client, &['n']).await;
    assert_eq!(run(&s.client, focus).await, json!("note-body"));
    run(&s.client, "document.activeElement.blur(); return 0;").await;
    // `a` assigns it to the agent (the page comes back without the button).
    assert_eq!(
        s.h.store.ticket(TicketId(middle)).await.unwrap().owner_id,
        None
    );
    mark_page(&s.client).await;
    press(&s.client, &['a']).await;
    wait_until(
        &s.client,
        "window.__kept === undefined && document.readyState === 'complete' && !document.getElementById('assign-to-me')",
        "a assigns the ticket",
    )
    .await;
    assert_eq!(
        s.h.store.ticket(TicketId(middle)).await.unwrap().owner_id,
        Some(s.h.agent_id),
        "a took the ticket"
    );
}

/// The count of the view `key` in the page's view tabs.
async fn count_of(client: &Client, key: &str) -> Value {
    run(
        client,
        &format!(
            "const c = document.querySelector(\"ul.views a[href='/app?view={key}'] .count\");\
             return c ? c.textContent : null;"
        ),
    )
    .await
}

/// The live list keeps the selected row and the ticked boxes when a change
/// elsewhere refreshes it, marks the new row, and its view counts follow.
pub(super) async fn the_live_list_keeps_place_and_ticks_and_counts_follow(s: &Session) {
    let [oldest, middle, newest] = three_tickets(s).await;
    s.sign_in("agent@test.example").await;
    s.goto("/app?view=unassigned").await;
    assert_eq!(count_of(&s.client, "unassigned").await, json!("3"));
    assert_eq!(count_of(&s.client, "mine").await, json!("0"));
    // The agent selects the middle row and ticks the oldest and the newest.
    press(&s.client, &['j', 'j']).await;
    assert_eq!(selected(&s.client).await, json!([middle.to_string(), 1, 1]));
    for id in [oldest, newest] {
        s.click(&format!("input[type=checkbox][value='{id}']"))
            .await;
    }
    mark_page(&s.client).await;
    // A new mail arrives and lands at the top: the rows move under the selection.
    let fresh = mail_in(
        &s.h,
        "Di Eck",
        "di@example.com",
        "Blender hums",
        "<p>It hums.</p>",
        "blender.png",
    )
    .await;
    let fresh_row = format!("table.tickets tr[data-id='{fresh}']");
    wait_until(
        &s.client,
        &format!("document.querySelector(\"{fresh_row}\")"),
        "the new ticket appears",
    )
    .await;
    assert_not_reloaded(&s.client, "the live list").await;
    assert_eq!(
        run(
            &s.client,
            &format!("return document.querySelector(\"{fresh_row}\").classList.contains('fresh');")
        )
        .await,
        json!(true),
        "the new row is marked"
    );
    assert_eq!(
        selected(&s.client).await,
        json!([middle.to_string(), 1, 1]),
        "the selection stays on its ticket though the rows moved"
    );
    let ticked = run(
        &s.client,
        "return Array.from(document.querySelectorAll('table.tickets input[type=checkbox]:checked'))\
           .map(b => b.value).sort();",
    )
    .await;
    let mut want = vec![oldest.to_string(), newest.to_string()];
    want.sort();
    assert_eq!(ticked, json!(want), "the ticks stay");
    wait_until(
        &s.client,
        "document.querySelector(\"ul.views a[href='/app?view=unassigned'] .count\").textContent === '4'",
        "Unassigned counts the new ticket live",
    )
    .await;
    // A ticket taken through the API moves between the counts, live.
    let (status, body) =
        s.h.post(
            &format!("/api/v1/tickets/{oldest}/assign"),
            &s.h.agent,
            json!({"agent_id": s.h.agent_id.0}),
        )
        .await;
    assert!(status.is_success(), "{body}");
    wait_until(
        &s.client,
        "document.querySelector(\"ul.views a[href='/app?view=mine'] .count\").textContent === '1' && \
         document.querySelector(\"ul.views a[href='/app?view=unassigned'] .count\").textContent === '3'",
        "Mine and Unassigned count the taken ticket live",
    )
    .await;
    assert_not_reloaded(&s.client, "the live counts").await;
    assert_eq!(
        selected(&s.client).await,
        json!([middle.to_string(), 1, 1]),
        "the selection stays when a row leaves"
    );
    assert_eq!(
        run(
            &s.client,
            "return Array.from(document.querySelectorAll('table.tickets input[type=checkbox]:checked')).map(b => b.value);",
        )
        .await,
        json!([newest.to_string()]),
        "the tick of the ticket still listed stays"
    );
}

/// The document's width, the window's, and the last elements reaching past
/// the window's right edge (the ones to blame when it scrolls sideways).
async fn scrolls_sideways(client: &Client) -> Value {
    run(
        client,
        "const w = window.innerWidth;\
         const wide = Array.from(document.querySelectorAll('body *'))\
           .filter(e => e.getBoundingClientRect().right > w + 1)\
           .slice(-4).map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className);\
         return [document.documentElement.scrollWidth, w, wide];",
    )
    .await
}

/// On a phone-sized window the inbox, a ticket page and the portal fit the
/// width (no sideways scrolling) and pass axe.
pub(super) async fn the_inbox_and_a_ticket_fit_a_phone(s: &Session) {
    // A long subject and a long file name, as phones name their photos.
    let id = mail_in(
        &s.h,
        "Annabelle Leeuwenhoek-Fitzgerald",
        "annabelle.leeuwenhoek-fitzgerald@example.com",
        "Kettle leaks and the lid will not close any more after the descaling",
        "<p>My kettle leaks since Monday, and the lid does not close.</p>",
        "IMG_20261203_101500_kettle_with_a_long_name_from_a_phone_camera.png",
    )
    .await;
    s.client.set_window_size(390, 844).await.unwrap();
    s.sign_in("agent@test.example").await;
    for path in [
        "/app?view=unassigned".to_string(),
        format!("/app/tickets/{id}"),
        "/portal/new".to_string(),
    ] {
        s.goto(&path).await;
        let sizes = scrolls_sideways(&s.client).await;
        let inner = sizes[1].as_i64().unwrap_or_default();
        assert!(inner > 0 && inner <= 400, "a phone-sized window: {sizes}");
        assert!(
            sizes[0].as_i64().unwrap_or(i64::MAX) <= inner,
            "{path}: the page scrolls sideways on a phone: {sizes}"
        );
        s.accessible(&format!("{path} on a phone")).await;
        if path.starts_with("/app/tickets/") {
            s.screenshot("phone-ticket").await;
        }
    }
}

/// The background and text colours of `body` and of the view tabs' links.
async fn colours(client: &Client) -> Value {
    run(
        client,
        "const b = getComputedStyle(document.body);\
         const a = getComputedStyle(document.querySelector('main a') || document.body);\
         return [b.backgroundColor, b.color, a.color,\
           matchMedia('(prefers-color-scheme: dark)').matches];",
    )
    .await
}

/// With the system set to dark, the pages turn dark (the computed colours
/// differ from the light theme's) and still pass axe, contrast included.
pub(super) async fn the_dark_theme_follows_the_system_and_passes_axe(s: &Session) {
    let id = from_ann(s, "Kettle leaks", "My kettle leaks.").await;
    s.sign_in("agent@test.example").await;
    let pages = [
        "/app?view=unassigned".to_string(),
        format!("/app/tickets/{id}"),
        "/portal/new".to_string(),
    ];
    let mut light = Vec::new();
    for path in &pages {
        s.goto(path).await;
        light.push(colours(&s.client).await);
    }
    let dark = connect_with(&s.driver_url, &["--force-dark-mode"]).await;
    super::sign_in_as(&dark, &s.base, "agent@test.example").await;
    for (path, light) in pages.iter().zip(light) {
        dark.goto(&format!("{}{path}", s.base)).await.unwrap();
        let seen = colours(&dark).await;
        assert_eq!(light[3], json!(false), "{path}: light first");
        assert_eq!(seen[3], json!(true), "{path}: the system is dark");
        assert_ne!(seen[0], light[0], "{path}: the background turns dark");
        assert_ne!(seen[1], light[1], "{path}: the text turns light");
        let [r, g, b] = rgb(seen[0].as_str().unwrap_or_default());
        assert!(
            u32::from(r) + u32::from(g) + u32::from(b) < 3 * 96,
            "{path}: a dark background: {seen}"
        );
        super::accessible_in(&dark, &s.axe, &format!("{path} in the dark theme")).await;
    }
    let _ = dark.close().await;
}

/// The red, green and blue of a computed `rgb(...)` or `rgba(...)` colour.
fn rgb(css: &str) -> [u8; 3] {
    let inner = css
        .trim_start_matches("rgba(")
        .trim_start_matches("rgb(")
        .trim_end_matches(')');
    let mut parts = inner
        .split(',')
        .map(|p| p.trim().parse::<u8>().unwrap_or(255));
    [
        parts.next().unwrap_or(255),
        parts.next().unwrap_or(255),
        parts.next().unwrap_or(255),
    ]
}

/// Beside a ticket, the customer panel marks a bouncing address and lists
/// the customer's other tickets (and nobody else's).
pub(super) async fn the_customer_panel_marks_bouncing_and_lists_other_tickets(s: &Session) {
    let first = from_ann(s, "Kettle leaks", "My kettle leaks.").await;
    let second = from_ann(s, "Toaster sparks", "Sparks!").await;
    let stranger = mail_in(
        &s.h,
        "Bo Berg",
        "bo@example.com",
        "Lamp flickers",
        "<p>Flicker.</p>",
        "lamp.png",
    )
    .await;
    s.sign_in("agent@test.example").await;
    s.goto(&format!("/app/tickets/{first}")).await;
    let panel = "section[aria-labelledby=customer-title]";
    assert!(
        s.client
            .find(Locator::Css(&format!("{panel} li.bouncing")))
            .await
            .is_err(),
        "no address bounces yet"
    );
    let mut tx = s.h.store.begin_write().await.unwrap();
    assert!(
        tx.mark_bouncing("ann@example.com", "550 5.1.1 no such user")
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    s.goto(&format!("/app/tickets/{first}")).await;
    let bouncing = s
        .client
        .find(Locator::Css(&format!("{panel} li.bouncing")))
        .await
        .expect("the bouncing address is marked")
        .text()
        .await
        .unwrap();
    assert!(bouncing.contains("ann@example.com"), "{bouncing}");
    assert!(bouncing.contains("bouncing"), "{bouncing}");
    let others = run(
        &s.client,
        &format!(
            "return Array.from(document.querySelectorAll('{panel} a[href^=\"/app/tickets/\"]'))\
               .map(a => a.getAttribute('href'));"
        ),
    )
    .await;
    assert_eq!(
        others,
        json!([format!("/app/tickets/{second}")]),
        "the other ticket of the customer, not {stranger}'s nor this one"
    );
    let text = s
        .client
        .find(Locator::Css(panel))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.contains("Toaster sparks"), "{text}");
    s.accessible("the customer panel with a bouncing address")
        .await;
    s.follow(&format!("{panel} a[href='/app/tickets/{second}']"))
        .await;
    assert!(s.text().await.contains("Sparks!"));
}
