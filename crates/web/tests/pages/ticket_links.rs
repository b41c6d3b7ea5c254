//! The link to a ticket in each mail to its customer: it opens that ticket
//! signed in as that customer, is bound to the ticket and the customer, and
//! an expired or changed link is refused with the offer of a new sign-in
//! link, in the reader's language.

use crate::browser::{Browser, mail_in};
use crate::harness::Harness;
use axum::http::StatusCode;

fn outbound() -> rapport_app::AppConfig {
    rapport_app::AppConfig {
        mail: rapport_app::MailConfig {
            outbound: true,
            ..rapport_app::MailConfig::default()
        },
        ..rapport_app::AppConfig::default()
    }
}

/// Links that were out of time the moment they were written.
fn expired_links() -> rapport_app::AppConfig {
    let mut config = outbound();
    config.security.ticket_link_days = -1;
    config
}

/// The text of the newest outbox mail of `kind` about ticket `id`.
async fn mail_about(h: &Harness, id: i64, kind: &str) -> Option<String> {
    let pool = sqlx::AnyPool::connect(&h.database_url).await.unwrap();
    let raw: Option<Vec<u8>> = sqlx::query_scalar(
        "SELECT raw FROM outbox WHERE ticket_id = $1 AND kind = $2 ORDER BY id DESC",
    )
    .bind(id)
    .bind(kind)
    .fetch_optional(&pool)
    .await
    .unwrap();
    pool.close().await;
    Some(
        String::from_utf8_lossy(&raw?)
            .replace("=\r\n", "")
            .replace("=3D", "="),
    )
}

/// The ticket link in a mail's text (its path).
fn ticket_link_in(text: &str) -> Option<String> {
    let start = text.find("/portal/t/")?;
    let end = text[start..]
        .find(|c: char| c.is_whitespace())
        .map_or(text.len(), |n| start + n);
    Some(text[start..end].to_string())
}

/// An agent's reply to ticket `id` through the page.
async fn reply(h: &Harness, id: i64, body: &str) {
    let mut agent = Browser::new(h);
    agent.sign_in("agent@test.example").await;
    let at = format!("/app/tickets/{id}");
    let sent = agent
        .submit(&at, &format!("{at}/reply"), &[("body", body)])
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
}

async fn a_reply_carries_a_link_that_opens_its_ticket_signed_in(h: &Harness) {
    let mine = mail_in(h, "Ann Lee", "ann@example.com", "Bent lamp", "It is bent.").await;
    let theirs = mail_in(
        h,
        "Zed Other",
        "zed@example.com",
        "Zed's private order",
        "My secret address",
    )
    .await;
    let ack = mail_about(h, mine, "acknowledgment")
        .await
        .expect("an acknowledgment");
    assert!(
        ticket_link_in(&ack).is_some_and(|l| l.starts_with(&format!("/portal/t/{mine}-"))),
        "the acknowledgment links to its ticket: {ack}"
    );
    reply(h, mine, "Hello Ann, a new lamp is on its way.").await;
    let mail = mail_about(h, mine, "reply").await.expect("the reply mail");
    assert!(
        mail.contains("See this request and answer it online"),
        "{mail}"
    );
    let link = ticket_link_in(&mail).expect("a link in the reply");
    assert!(mail.contains(&format!("http://127.0.0.1:8080{link}")));
    // Following it signs Ann in and shows her ticket.
    let mut b = Browser::new(h);
    let opened = b.get(&link).await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
    assert_eq!(opened.location(), format!("/portal/tickets/{mine}"));
    assert!(b.cookies["rapport_customer"].starts_with("wc_"));
    assert!(!b.cookies.contains_key("rapport_agent"));
    let page = b.get(opened.location()).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("a new lamp is on its way"),
        "{}",
        page.body
    );
    let ann = h
        .store
        .customer_by_identity(rapport_core::IdentityKind::Email, "ann@example.com")
        .await
        .unwrap()
        .unwrap();
    let held = b.cookies["rapport_customer"].clone();
    assert_eq!(h.app.customer_web_session(&held).await.unwrap(), ann);
    // A customer session opens no agent page.
    let workspace = b.get("/app").await;
    assert_ne!(workspace.status, StatusCode::OK);
    // Followed again in the same browser, the session is kept.
    let again = b.get(&link).await;
    assert_eq!(again.location(), format!("/portal/tickets/{mine}"));
    assert_eq!(b.cookies["rapport_customer"], held);
    // Nothing of Zed's is shown to the link's holder.
    let other = b.get(&format!("/portal/tickets/{theirs}")).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    assert!(!other.body.contains("secret address"));
    assert!(!b.get("/portal").await.body.contains("Zed"));
    // Ann's link edited to Zed's ticket is refused, and signs no one in.
    let edited = link.replacen(
        &format!("/portal/t/{mine}-"),
        &format!("/portal/t/{theirs}-"),
        1,
    );
    let mut stranger = Browser::new(h);
    let refused = stranger.get(&edited).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(
        refused
            .body
            .contains("This link to a request does not work")
    );
    assert!(
        refused.body.contains("Send me a sign-in link"),
        "a new link is offered"
    );
    assert!(!refused.body.contains("secret address"));
    assert!(!stranger.cookies.contains_key("rapport_customer"));
    // So is one whose MAC was changed.
    let mut flipped = link.clone();
    let last = flipped
        .pop()
        .map_or('0', |c| if c == '0' { '1' } else { '0' });
    flipped.push(last);
    assert_eq!(stranger.get(&flipped).await.status, StatusCode::FORBIDDEN);
    assert!(!stranger.cookies.contains_key("rapport_customer"));
}

async fn an_expired_link_is_refused_with_a_new_sign_in_link_offered(h: &Harness) {
    let id = mail_in(
        h,
        "Ivy Jo",
        "ivy@example.com",
        "Late parcel",
        "Where is it?",
    )
    .await;
    reply(h, id, "Hello Ivy, it ships today.").await;
    let mail = mail_about(h, id, "reply").await.expect("the reply mail");
    let link = ticket_link_in(&mail).expect("a link");
    let mut b = Browser::new(h);
    let expired = b.get(&link).await;
    assert_eq!(expired.status, StatusCode::GONE);
    assert!(
        expired
            .body
            .contains("This link to your request has expired")
    );
    assert!(expired.body.contains("Send me a sign-in link"));
    assert!(!expired.body.contains("it ships today"));
    assert!(!b.cookies.contains_key("rapport_customer"));
    // A German reader is told in German.
    let mut german = Browser::new(h);
    german.lang = Some("de".into());
    let page = german.get(&link).await;
    assert_eq!(page.status, StatusCode::GONE);
    assert!(
        page.body
            .contains("Dieser Link zu Ihrer Anfrage ist abgelaufen"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Anmeldelink senden"));
}

crate::both_backends_with!(super::outbound();
    a_reply_carries_a_link_that_opens_its_ticket_signed_in);
crate::both_backends_with!(super::expired_links();
    an_expired_link_is_refused_with_a_new_sign_in_link_offered);
