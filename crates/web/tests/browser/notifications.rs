//! Notifications whose stored words carry hostile text, opened in a real
//! browser: a customer whose name and subject are XSS payloads answers a
//! solved ticket (it reopens) and a closed one (a follow-up starts) from the
//! portal, and the owner's notifications name that subject; beside them a
//! notification of every other kind whose stored values (the words of
//! migration 0029, read by `notices::notification_text`) are all payloads,
//! the zone of a due time too. The agent opens the notifications page in
//! English and in German, the preferences, each notification's ticket, and
//! marks one read: no dialog opens and no script of theirs runs anywhere.

use super::{Session, XSS, mail_in};
use fantoccini::Locator;
use rapport_app::Msg;
use rapport_app::i18n::Lang;
use rapport_core::{AgentId, TicketId};
use rapport_store::{NewNotification, NotificationKind};
use serde_json::json;

/// Payloads: markup that runs on load, a quote that breaks out of an
/// attribute, and a `javascript:` URL.
fn payloads() -> [String; 3] {
    [
        format!("<img src=x onerror=\"{XSS}\">"),
        format!("\"><script>{XSS}</script>"),
        format!("<a href=\"javascript:{XSS}\">open</a>"),
    ]
}

/// A notification for `agent` of every kind but the customer's answer,
/// with every stored value of its words hostile.
async fn hostile_words(s: &Session, agent: AgentId, ticket: i64) {
    let bad = payloads().concat();
    // A real instant, so German reads it as a time in the (hostile) zone.
    let when_us = rapport_core::Timestamp::now().0.to_string();
    let due = |key: &'static str, extra: (&'static str, String)| {
        Msg::new(
            key,
            vec![
                ("ticket", bad.clone()),
                ("when", bad.clone()),
                ("when_us", when_us.clone()),
                ("zone", bad.clone()),
                extra,
            ],
        )
    };
    let kinds = [
        (
            NotificationKind::SlaWarning,
            due("notification.sla.due", ("clock", bad.clone())),
        ),
        (
            NotificationKind::SlaBreach,
            due("notification.sla.missed", ("clock", "first_reply".into())),
        ),
        (
            NotificationKind::PromiseReminder,
            due("notification.promise.due", ("promise", bad.clone())),
        ),
        (
            NotificationKind::PromiseBroken,
            due("notification.promise.broken", ("promise", bad.clone())),
        ),
        (
            NotificationKind::Mention,
            Msg::detail(format!("Lee mentioned you: {bad}")),
        ),
        (
            NotificationKind::RecoveryTask,
            Msg::new(
                "notification.recovery",
                vec![
                    ("task", bad.clone()),
                    ("ticket", bad.clone()),
                    ("rating", bad.clone()),
                    ("due", bad.clone()),
                ],
            )
            .with_list("how", vec![Msg::detail(bad.clone())]),
        ),
    ];
    let items: Vec<NewNotification> = kinds
        .into_iter()
        .map(|(kind, words)| NewNotification {
            agent_id: agent,
            ticket_id: Some(TicketId(ticket)),
            kind,
            text: words.text(Lang::En),
            words: Some(serde_json::to_string(&words).unwrap()),
        })
        .collect();
    let mut tx = s.h.store.begin_write().await.unwrap();
    tx.notify(&items).await.unwrap();
    tx.commit().await.unwrap();
}

/// A ticket from the hostile customer, answered and solved by the agent.
async fn solved_by_agent(s: &Session, name: &str, subject: &str) -> i64 {
    let id = mail_in(
        &s.h,
        name,
        "mallory@example.com",
        subject,
        "<p>My lamp is broken.</p>",
        "lamp.png",
    )
    .await;
    s.h.reply_and_solve(id, "Hello, a new lamp ships today.")
        .await;
    id
}

pub(super) async fn hostile_words_in_notifications_never_run(s: &Session) {
    let h = &s.h;
    let [img, quote, url] = payloads();
    // (A quote in the display name would break the From header itself.)
    let name = format!("{img}Mallory");
    let subject = format!("{img}{quote}{url} Lamp");
    // The customer answers a solved ticket (reopened) and a closed one
    // (a follow-up) from the portal: the owner is told, naming the subject.
    let solved = solved_by_agent(s, &name, &subject).await;
    let closed = solved_by_agent(s, &name, &subject).await;
    let (status, body) = h
        .post(
            &format!("/api/v1/tickets/{closed}/status"),
            &h.agent,
            json!({"status": "closed"}),
        )
        .await;
    assert_eq!(status.as_u16(), 200, "{body}");
    let stored = h.store.ticket(TicketId(solved)).await.unwrap();
    assert!(stored.subject.contains(&img), "{}", stored.subject);
    let (customer, subject) = (stored.customer_id, stored.subject);
    for id in [solved, closed] {
        h.app
            .portal_reply(customer, TicketId(id), &img, Vec::new(), Lang::En)
            .await
            .unwrap();
    }
    hostile_words(s, h.agent_id, solved).await;
    let (_, listed) = h.get("/api/v1/notifications", &h.agent).await;
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 8, "two answers and six stored: {listed:?}");
    assert_eq!(
        listed
            .iter()
            .filter(|n| n["kind"] == "customer_answered"
                && n["text"].as_str().unwrap().contains(&subject))
            .count(),
        2,
        "both answers name the hostile subject: {listed:?}"
    );
    s.sign_in("agent@test.example").await;
    s.goto("/app/notifications").await;
    let page = s.text().await;
    assert!(page.contains("8 unread."), "{page}");
    assert!(
        page.contains(&format!("{subject}\": the customer answered")),
        "the subject is shown as text: {page}"
    );
    assert!(
        page.contains(&format!("Lee mentioned you: {img}")),
        "{page}"
    );
    let links = s
        .client
        .find_all(Locator::Css("ol.notifications a"))
        .await
        .unwrap()
        .len();
    assert_eq!(links, 8, "each names its ticket");
    let dangerous = s
        .client
        .execute(
            "return document.querySelectorAll('main script, main img, main iframe, \
             main [onerror], main a[href^=\"javascript:\"]').length;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(dangerous, json!(0), "no payload became markup");
    s.accessible("notifications with hostile words").await;
    // Each notification's ticket, opened from it, and back.
    for n in 0..links {
        let selector = format!("ol.notifications li:nth-child({}) a", n + 1);
        s.follow(&selector).await;
        s.goto("/app/notifications").await;
    }
    // Marked read: the page comes back with it read, still inert.
    s.follow("ol.notifications li:first-child button[type=submit]")
        .await;
    assert!(s.text().await.contains("7 unread."));
    // The same words in German (the due times formatted in the hostile zone).
    s.goto("/app/preferences").await;
    s.click("#lang-de").await;
    s.follow("main button[type=submit]").await;
    s.goto("/app/notifications").await;
    let page = s.text().await;
    assert!(page.contains("7 ungelesen."), "{page}");
    assert!(
        page.contains(&format!("„{subject}“: die Kundschaft hat geantwortet")),
        "{page}"
    );
    s.accessible("notifications in German").await;
    s.goto("/app/preferences").await;
    s.goto(&format!("/app/tickets/{solved}")).await;
    s.goto("/app").await;
}
