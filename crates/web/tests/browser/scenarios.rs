//! The scenarios, each one chain in Chromium with one browser per
//! person: a customer's portal request taken, coached, sent and answered
//! back, seen live by the agent; a transfer refused without its hand-off
//! note and delivered, live, with it.

use super::{
    Session, attach_photo, fill_in, follow_in, mail_in, main_text, newest_sign_in_link,
    screenshot_of, sign_in_as, wait_for_text,
};
use fantoccini::{Client, Locator};
use rapport_core::{AuthorKind, MessageKind, TicketId};
use serde_json::{Value, json};
use std::time::Duration;

/// What the agent types: a greeting, the policy wall the coach marks, a
/// promise with a time, a sign-off.
const DRAFT: &str = "Hi Gil, I am sorry about the screen. Sorry, that's our policy. \
                     I will send you a new screen by Friday. Kind regards, Sam";

/// Marks the page in `client` so that a reload would show (the marker goes).
pub(super) async fn mark_page(client: &Client) {
    client
        .execute("window.__kept = true;", vec![])
        .await
        .unwrap();
}

/// Fails if the page in `client` was reloaded since [`mark_page`].
pub(super) async fn assert_not_reloaded(client: &Client, what: &str) {
    let kept = client
        .execute("return window.__kept === true;", vec![])
        .await
        .unwrap();
    assert_eq!(kept, Value::Bool(true), "{what}: the page was reloaded");
}

/// Runs `script` (a JavaScript expression) in `client` until it is true; fails after 5 s.
pub(super) async fn wait_until(client: &Client, script: &str, what: &str) {
    for _ in 0..100 {
        let now = client
            .execute(&format!("return !!({script});"), vec![])
            .await
            .unwrap();
        if now == Value::Bool(true) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what}: `{script}` did not become true within 5 s");
}

/// The value of the form field `css` in `client`'s page.
async fn value_of(client: &Client, css: &str) -> String {
    client
        .find(Locator::Css(css))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
}

/// The ticket's events as the API lists them.
async fn events(s: &Session, id: i64) -> Vec<Value> {
    let (status, events) =
        s.h.get(&format!("/api/v1/tickets/{id}/events"), &s.h.agent)
            .await;
    assert_eq!(status.as_u16(), 200, "{events}");
    events.as_array().cloned().unwrap_or_default()
}

/// Scenario 1 of the issue, one chain: a customer submits a request with a
/// photo in the portal → the agent sees it appear in Unassigned without
/// reloading → takes it → types a reply containing "that's our policy" →
/// the coach marks it → the agent applies the suggestion → confirms the
/// promise → sends, and the applied text is what goes out → the customer
/// signs in with the one-time link from the outbox → sees the reply →
/// answers it → the agent's list shows the answer live.
pub(super) async fn a_portal_request_is_taken_coached_sent_and_answered_live(s: &Session) {
    // The agent watches Unassigned.
    s.sign_in("agent@test.example").await;
    s.goto("/app?view=unassigned").await;
    assert!(!s.text().await.contains("Cracked screen"));
    mark_page(&s.client).await;
    // The customer, in their own browser, asks with a photo of the damage.
    let customer = s.another_browser().await;
    customer
        .goto(&format!("{}/portal/new", s.base))
        .await
        .unwrap();
    fill_in(&customer, "#name", "Gil Hart").await;
    fill_in(&customer, "#email", "gil@example.com").await;
    fill_in(&customer, "#subject", "Cracked screen").await;
    fill_in(&customer, "#description", "The screen cracked on day two.").await;
    let photo = attach_photo(&customer, "#files", "crack.png").await;
    // The form's time check wants a person's pace.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    follow_in(&customer, "main button[type=submit]").await;
    let _ = std::fs::remove_dir_all(&photo);
    assert!(main_text(&customer).await.contains("Check your mail"));
    // It appears in the agent's open list without a reload.
    let row = s
        .client
        .wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::XPath("//a[contains(., 'Cracked screen')]"))
        .await
        .expect("the portal request appears in Unassigned live");
    assert_not_reloaded(&s.client, "Unassigned").await;
    let href = row.attr("href").await.unwrap().unwrap_or_default();
    let id: i64 = href
        .trim_start_matches("/app/tickets/")
        .parse()
        .expect("a ticket link");
    s.follow(&format!("a[href='/app/tickets/{id}']")).await;
    let page = s.text().await;
    assert!(page.contains("The screen cracked on day two."), "{page}");
    assert!(page.contains("crack.png"), "the photo is on the ticket");
    // The agent takes it.
    s.follow("#assign-to-me button[type=submit]").await;
    let taken = s.h.store.ticket(TicketId(id)).await.unwrap();
    assert_eq!(taken.owner_id, Some(s.h.agent_id), "Assign to me took it");
    assert!(
        s.client.find(Locator::Css("#assign-to-me")).await.is_err(),
        "no Assign to me on one's own ticket"
    );
    // The reply: the coach marks the policy wall as it is typed.
    s.fill("#reply-body", DRAFT).await;
    s.client
        .wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::Css("#coach button.apply"))
        .await
        .expect("the coach marks the draft");
    let coach = s
        .client
        .find(Locator::Css("#coach"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(coach.contains("that's our policy"), "{coach}");
    assert!(coach.contains("Promises in this reply"), "{coach}");
    // The finding is marked in place, over the words of the draft.
    let mut marked = Vec::new();
    for mark in s
        .client
        .find_all(Locator::Css(".marked .backdrop mark"))
        .await
        .unwrap()
    {
        marked.push((
            mark.attr("class").await.unwrap().unwrap_or_default(),
            mark.prop("textContent").await.unwrap().unwrap_or_default(),
        ));
    }
    assert!(
        marked.contains(&("block".to_string(), "that's our policy".to_string())),
        "marks in the draft: {marked:?}"
    );
    s.accessible("ticket page with the coach").await;
    s.client
        .execute(
            "document.getElementById('reply-title').scrollIntoView(); return 0;",
            vec![],
        )
        .await
        .unwrap();
    s.screenshot("ticket-coach").await;
    // Its suggestion, applied in one click, replaces the marked words.
    s.click("#coach button.apply").await;
    let applied = value_of(&s.client, "#reply-body").await;
    assert_eq!(
        applied,
        DRAFT.replace("that's our policy", "What I can do is ..."),
        "the suggestion replaced the marked words"
    );
    // The coach reads the new text: the mark is gone, the promise stays.
    wait_until(
        &s.client,
        "!document.querySelector('#coach button.apply') && document.getElementById('promise-action-0')",
        "the coach rechecks the applied text",
    )
    .await;
    wait_until(
        &s.client,
        "!document.querySelector('.marked .backdrop mark.block')",
        "the applied words are not marked",
    )
    .await;
    // The agent confirms the promise it found.
    s.click("#promise-action-0 option[value=confirm]").await;
    assert_eq!(value_of(&s.client, "#promise-action-0").await, "confirm");
    let due = value_of(&s.client, "#promise-due-0").await;
    assert!(!due.is_empty(), "the promise has a time");
    s.follow("#reply-form button[type=submit]").await;
    // What went out is the applied text, with the promise confirmed.
    let sent = s.h.store.messages(TicketId(id)).await.unwrap();
    let last = sent.last().expect("the reply");
    assert_eq!(
        (last.kind, last.author_kind),
        (MessageKind::Public, AuthorKind::Agent)
    );
    assert_eq!(last.body_text.replace("\r\n", "\n"), applied);
    assert!(s.text().await.contains("What I can do is"));
    let (_, promises) =
        s.h.get(&format!("/api/v1/promises?ticket={id}"), &s.h.agent)
            .await;
    let promises = promises.as_array().cloned().unwrap_or_default();
    assert_eq!(promises.len(), 1, "{promises:?}");
    assert!(
        promises[0]["text"]
            .as_str()
            .is_some_and(|t| t.contains("by Friday")),
        "{promises:?}"
    );
    // The agent goes to their own list and stays there.
    s.goto("/app?view=mine").await;
    let row = format!("table.tickets tr[data-id='{id}']");
    let before = s
        .client
        .find(Locator::Css(&format!("{row} time")))
        .await
        .expect("the ticket is in Mine")
        .attr("datetime")
        .await
        .unwrap()
        .unwrap_or_default();
    mark_page(&s.client).await;
    // The customer signs in by the one-time link the run mailed.
    customer
        .goto(&format!("{}/portal/sign-in", s.base))
        .await
        .unwrap();
    fill_in(&customer, "#email", "gil@example.com").await;
    follow_in(&customer, "main button[type=submit]").await;
    assert!(main_text(&customer).await.contains("Check your mail"));
    let link = newest_sign_in_link(&s.h).await;
    customer.goto(&format!("{}{link}", s.base)).await.unwrap();
    follow_in(&customer, "main button[type=submit]").await;
    assert!(main_text(&customer).await.contains("Cracked screen"));
    follow_in(&customer, &format!("a[href='/portal/tickets/{id}']")).await;
    let seen = main_text(&customer).await;
    assert!(
        seen.contains(&applied),
        "the customer sees the reply: {seen}"
    );
    // The customer answers.
    fill_in(&customer, "#reply-body", "Thank you, Friday suits me.").await;
    follow_in(&customer, "main button[type=submit]").await;
    assert!(
        main_text(&customer)
            .await
            .contains("Thank you, Friday suits me.")
    );
    screenshot_of(&customer, "portal").await;
    let last = s.h.store.messages(TicketId(id)).await.unwrap();
    assert_eq!(
        last.last().map(|m| (m.author_kind, m.body_text.as_str())),
        Some((AuthorKind::Customer, "Thank you, Friday suits me."))
    );
    // The agent's list shows it live: the row's last change is the answer.
    wait_until(
        &s.client,
        &format!(
            "(function () {{ const t = document.querySelector(\"{row} time\"); \
             return t && t.getAttribute('datetime') !== '{before}'; }})()"
        ),
        "the answer reaches the agent's list",
    )
    .await;
    assert_not_reloaded(&s.client, "Mine").await;
    let _ = customer.close().await;
    s.no_script_ran("scenario 1").await;
}

/// Scenario 3 of the issue: a transfer without a hand-off note is refused by
/// the form itself and nothing changes on the server; with a note it reaches
/// the other agent's open list live, and the note is on the ticket.
pub(super) async fn a_transfer_needs_its_note_and_reaches_the_other_agent_live(s: &Session) {
    let id = mail_in(
        &s.h,
        "Cy Dahl",
        "cy@example.com",
        "Invoice wrong",
        "<p>Billed twice.</p>",
        "invoice.png",
    )
    .await;
    // The other agent watches their own list.
    let other = s.another_browser().await;
    sign_in_as(&other, &s.base, "other@test.example").await;
    other
        .goto(&format!("{}/app?view=mine", s.base))
        .await
        .unwrap();
    assert!(!main_text(&other).await.contains("Invoice wrong"));
    mark_page(&other).await;
    // The agent takes the ticket and tries to hand it on without a note.
    let at = format!("/app/tickets/{id}");
    s.sign_in("agent@test.example").await;
    s.goto(&at).await;
    s.follow("#assign-to-me button[type=submit]").await;
    let before = events(s, id).await.len();
    let to = s.h.other_agent_id.0;
    s.click(&format!("#to-agent option[value='{to}']")).await;
    mark_page(&s.client).await;
    s.click("form[action$='/transfer'] button[type=submit]")
        .await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_not_reloaded(&s.client, "the refused transfer").await;
    let refused = s
        .client
        .execute(
            "const h = document.getElementById('handoff');\
             return [h.validity.valueMissing, document.activeElement === h, location.pathname];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        refused,
        json!([true, true, at]),
        "the form is held back at the empty note"
    );
    let ticket = s.h.store.ticket(TicketId(id)).await.unwrap();
    assert_eq!(ticket.owner_id, Some(s.h.agent_id), "nothing moved");
    assert_eq!(events(s, id).await.len(), before, "nothing was recorded");
    // With a note it goes through.
    s.fill("#handoff", "Billed twice in March; refund one.")
        .await;
    s.follow("form[action$='/transfer'] button[type=submit]")
        .await;
    let moved = s.h.store.ticket(TicketId(id)).await.unwrap();
    assert_eq!(moved.owner_id, Some(s.h.other_agent_id));
    // The other agent's list shows it without a reload, and the note is on
    // the ticket.
    other
        .wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::XPath("//a[contains(., 'Invoice wrong')]"))
        .await
        .expect("the transfer reaches the other agent's list live");
    assert_not_reloaded(&other, "the other agent's list").await;
    follow_in(&other, &format!("a[href='{at}']")).await;
    wait_for_text(
        &other,
        "hand-off note: Billed twice in March; refund one.",
        "the note on the ticket",
    )
    .await;
    let _ = other.close().await;
}
