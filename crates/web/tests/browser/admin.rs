//! The admin pages in a real browser: hostile text from mail (a held
//! message's subject, body and file name), from people (an agent's and a
//! team's name, the signed-in admin's own name, a token's name, a canned
//! reply's subject, body and override reason) and from a mail server's
//! error (a mailbox's, a failed send's) never runs, on the admin pages, the
//! preferences and the reports (hostile team and agent names in its
//! breakdowns); every page passes axe, the mail status with its Retry
//! buttons too, and a retry is clicked.

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
    let mallory = h
        .app
        .create_agent(
            &admin,
            "mallory@test.example",
            &hostile,
            rapport_core::Role::Agent,
            None,
        )
        .await
        .unwrap();
    let team = h
        .app
        .create_team(&admin, &format!("{hostile} team"))
        .await
        .unwrap();
    // A ticket of the hostile team owned by the hostile agent: both names
    // are in the reports' breakdowns and filters.
    let ticket =
        rapport_core::TicketId(h.ticket(&format!("{hostile} subject"), Some(team.id)).await);
    let assign = rapport_core::Command::Assign {
        agent: mallory.id,
        team: None,
    };
    h.app.command(&admin, ticket, assign).await.unwrap();
    // The admin's own name is hostile: every page's header shows it.
    let rename = rapport_app::agents::AgentUpdate {
        name: Some(format!("<svg onload=\"{XSS}\">Ada")),
        ..Default::default()
    };
    h.app
        .update_agent(&admin, h.admin_id, rename)
        .await
        .unwrap();
    // A canned reply with hostile words, kept despite the coach's block
    // with a hostile reason.
    h.app
        .save_template(
            &admin,
            ("xss-canned", rapport_app::i18n::Lang::En),
            &format!("<script>{XSS}</script> Your order"),
            &format!("Hi {{{{ customer_first_name }}}}, calm down, that's our policy. {hostile}"),
            Some(&format!("because {hostile}")),
        )
        .await
        .unwrap();
    // A send that failed, with a hostile recipient and server answer.
    let outbox = failed_send(h, ticket, &hostile).await;
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
        "/app/admin/templates/xss-canned",
        "/app/preferences",
        "/app/reports",
        "/app/reports?period=week",
    ] {
        s.goto(path).await;
        s.accessible(path).await;
    }
    // A hostile name in the address is refused as text.
    s.goto("/app/admin/templates/%3Cscript%3Ewindow.__xss=1%3C%2Fscript%3E")
        .await;
    s.goto(&format!("/app/tickets/{}", ticket.0)).await;
    s.accessible("a ticket of the hostile team").await;
    // The failed send's Retry button puts it back in the queue.
    s.goto("/app/admin/mail").await;
    let text = s.text().await;
    assert!(
        text.contains("550 <img"),
        "the server's answer as text: {text}"
    );
    s.follow(&format!(
        "form[action=\"/app/admin/outbox/{outbox}/retry\"] button"
    ))
    .await;
    assert!(
        s.text().await.contains("The mail is back in the queue"),
        "{}",
        s.text().await
    );
    assert_eq!(
        h.store.outbox_record(outbox).await.unwrap().status.as_str(),
        "pending"
    );
    s.accessible("the mail status after a retry").await;
    // Setting the hostile agent's password from the agents page: recorded
    // in their audit, and the page passes again.
    s.goto("/app/admin/agents").await;
    s.fill(
        &format!("#password-{}", mallory.id.0),
        "correct horse battery",
    )
    .await;
    s.follow(&format!(
        "form[action=\"/app/admin/agents/{}/password\"] button",
        mallory.id.0
    ))
    .await;
    assert_eq!(
        h.app.agent_audit(&admin, mallory.id).await.unwrap().len(),
        1
    );
    s.accessible("the agents page after a password was set")
        .await;
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

/// Puts a reply for `ticket` in the outbox and has a worker give it up
/// with `hostile` in its recipient and the server's answer; its id.
async fn failed_send(
    h: &crate::harness::Harness,
    ticket: rapport_core::TicketId,
    hostile: &str,
) -> i64 {
    let mut tx = h.store.begin_write().await.unwrap();
    let id = tx
        .enqueue_mail(&rapport_store::NewOutboxMail {
            ticket_id: Some(ticket),
            message_ref: None,
            kind: rapport_store::OutboxKind::Reply,
            message_id: "failed-xss@test.example".into(),
            mail_from: "support@test.example".into(),
            recipients: vec![format!("{hostile}@customer.example")],
            rate_key: "x@customer.example".into(),
            raw: b"Subject: x\r\n\r\nx\r\n".to_vec(),
        })
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let lease = rapport_core::Timestamp(rapport_core::Timestamp::now().0 + 60_000_000);
    let claimed = h.store.claim_outbox("w", 10, lease).await.unwrap();
    assert_eq!(
        claimed.iter().map(|c| c.record.id).collect::<Vec<_>>(),
        [id]
    );
    assert!(
        h.store
            .outbox_failed(id, "w", &format!("550 {hostile}"))
            .await
            .unwrap()
    );
    id
}
