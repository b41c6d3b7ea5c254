//! Collisions on the ticket page with undo send on: a colleague's reply
//! in its undo window stops a send from a page that did not show it (in
//! the composer's heartbeat and on the send), is shown as being sent, and
//! a send anyway from the page that showed it goes. Both backends.

use crate::browser::{Browser, hidden, mail_in};
use crate::harness::Harness;
use axum::http::StatusCode;
use rapport_app::{AppConfig, MailConfig};
use rapport_core::TicketId;
use std::time::Duration;

const HOLD: Duration = Duration::from_secs(2);

fn held() -> AppConfig {
    AppConfig {
        mail: MailConfig {
            outbound: true,
            undo_send: HOLD,
            ..MailConfig::default()
        },
        ..AppConfig::default()
    }
}

crate::both_backends_with!(super::held();
    a_held_reply_stops_a_colleague_s_page_until_shown,
);

async fn a_held_reply_stops_a_colleague_s_page_until_shown(h: &Harness) {
    let id = mail_in(h, "Ann Lee", "ann@example.com", "Kettle leaks", "It leaks.").await;
    let at = format!("/app/tickets/{id}");
    let mut a = Browser::new(h);
    a.sign_in("agent@test.example").await;
    let mut b = Browser::new(h);
    b.sign_in("lead@test.example").await;
    let page_a = a.get(&at).await;
    let page_b = b.get(&at).await;
    assert_eq!(hidden(&page_b, "seen_held"), "0");
    let first = "Hi Ann, a new kettle leaves today.";
    let sent = a
        .post(
            &format!("{at}/reply"),
            &[
                ("csrf", &page_a.csrf()),
                ("based_on", &hidden(&page_a, "based_on")),
                ("seen_held", &hidden(&page_a, "seen_held")),
                ("body", first),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert!(
        h.store.messages(TicketId(id)).await.unwrap().len() == 1,
        "held, not stored"
    );
    // The lead's composer hears of it while it is held.
    let beat = b
        .post(
            &format!("{at}/presence"),
            &[
                ("csrf", &page_b.csrf()),
                ("activity", "replying"),
                ("based_on", &hidden(&page_b, "based_on")),
                ("seen_held", &hidden(&page_b, "seen_held")),
            ],
        )
        .await;
    assert!(
        beat.body.contains("1 new message(s) since you opened"),
        "{}",
        beat.body
    );
    assert!(beat.body.contains("a new kettle leaves today"));
    assert!(
        beat.body.contains("(being sent, still in its sender"),
        "labelled as being sent: {}",
        beat.body
    );
    // The lead's send from the old page is stopped and shown the reply
    // being sent.
    let second = "Hi Ann, we will refund the kettle.";
    let stopped = b
        .post(
            &format!("{at}/reply"),
            &[
                ("csrf", &page_b.csrf()),
                ("based_on", &hidden(&page_b, "based_on")),
                ("seen_held", &hidden(&page_b, "seen_held")),
                ("body", second),
            ],
        )
        .await;
    assert_eq!(stopped.status, StatusCode::CONFLICT, "{}", stopped.body);
    assert!(stopped.body.contains("Your reply was not sent"));
    assert!(
        stopped.body.contains("class=\"message pending fresh\""),
        "{}",
        stopped.body
    );
    assert!(stopped.body.contains(first));
    assert!(stopped.body.contains(second), "the draft is kept");
    assert!(stopped.body.contains("Send anyway"));
    assert_ne!(hidden(&stopped, "seen_held"), "0");
    // Sending anyway from the page that showed it goes (held too), and
    // after the hold both leave: the lead chose to.
    let anyway = b
        .post(
            &format!("{at}/reply"),
            &[
                ("csrf", &stopped.csrf()),
                ("based_on", &hidden(&stopped, "based_on")),
                ("seen_held", &hidden(&stopped, "seen_held")),
                ("body", second),
            ],
        )
        .await;
    assert_eq!(anyway.status, StatusCode::SEE_OTHER, "{}", anyway.body);
    // A page opened now shows both as being sent, the other's first.
    let page_c = b.get(&at).await;
    assert!(
        page_c.body.contains("class=\"message pending\""),
        "{}",
        page_c.body
    );
    tokio::time::sleep(HOLD + Duration::from_millis(300)).await;
    assert_eq!(h.app.release_held_replies().await.unwrap(), 2);
    let texts: Vec<String> = h
        .store
        .messages(TicketId(id))
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.body_text)
        .collect();
    assert_eq!(&texts[1..], [first, second]);
}
