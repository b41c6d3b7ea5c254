//! The admin pages in a real browser: hostile text from mail (a held
//! message's subject, body and file name), from people (an agent's and a
//! team's name, a token's name) and from a mail server's error never runs,
//! and every admin page passes axe.

use super::{Session, XSS};
use fantoccini::Locator;

/// Walks every admin page as an admin with hostile text in all of them.
pub(super) async fn the_admin_pages_keep_hostile_text_inert_and_pass_axe(s: &Session) {
    let h = &s.h;
    let hostile = format!("<img src=x onerror=\"{XSS}\"><script>{XSS}</script>");
    // A message with no sender is held, with hostile text everywhere.
    let raw = format!(
        "Message-ID: <held-xss@x>\r\nSubject: <script>{XSS}</script> Held\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/html\r\n\r\n\
         <p>Hi</p>{hostile}\r\n--b\r\nContent-Type: application/octet-stream\r\n\
         Content-Disposition: attachment; filename=\"<svg onload='{XSS}'>.exe\"\r\n\r\nAAAA\r\n--b--\r\n"
    );
    assert_eq!(
        h.app.ingest_mail(raw.as_bytes()).await.unwrap().name(),
        "quarantined"
    );
    let admin = rapport_app::Caller::operator(h.admin_id, rapport_core::Role::Admin);
    h.app
        .create_agent(
            &admin,
            "mallory@test.example",
            &hostile,
            rapport_core::Role::Agent,
            None,
        )
        .await
        .unwrap();
    h.app
        .create_team(&admin, &format!("{hostile} team"))
        .await
        .unwrap();
    h.app
        .create_api_token(&admin, &hostile, rapport_core::Scope::ReadOnly, None)
        .await
        .unwrap();
    h.store
        .record_mailbox_error(
            &format!("{hostile} box"),
            &format!("login failed: {hostile}"),
        )
        .await
        .unwrap();
    s.sign_in("admin@test.example").await;
    for path in [
        "/app/admin",
        "/app/admin/agents",
        "/app/admin/tokens",
        "/app/admin/templates",
        "/app/admin/templates/acknowledgment",
        "/app/admin/quarantine",
        "/app/admin/mail",
    ] {
        s.goto(path).await;
        s.accessible(path).await;
    }
    // The held message, read: its words are text, its script never runs.
    s.goto("/app/admin/quarantine").await;
    s.follow("main table a").await;
    let text = s.text().await;
    assert!(
        text.contains("<script>"),
        "the subject shown as text: {text}"
    );
    assert!(text.contains(".exe"), "the file name shown as text");
    s.accessible("a held message").await;
    // The header leads to the admin pages.
    assert!(
        s.client
            .find(Locator::Css("header a[href=\"/app/admin\"]"))
            .await
            .is_ok()
    );
    // Releasing it holds it again (no sender); nothing runs on the way.
    s.follow("main form button[type=submit]").await;
    assert!(s.text().await.contains("held again"));
    // The editor with a check's findings beside the text passes axe too.
    s.goto("/app/admin/templates/policy").await;
    s.fill("#t-subject", "Policy").await;
    s.fill(
        "#t-body",
        "Hi {{ customer_first_name }}, calm down, that's our policy.",
    )
    .await;
    s.follow("button[value=check]").await;
    assert!(s.text().await.contains("The coach blocks this text"));
    s.accessible("the template editor with findings").await;
}
