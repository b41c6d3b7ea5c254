//! Issue 10 on the admin pages, without JavaScript: a configured mailbox
//! never polled shows as such; failed sends are retried one by one or all
//! together; leads delete a team once nothing blocks it (the refusal says
//! what does); an admin sets another agent's password, which signs them
//! out; a released message opens a ticket with its text. Forms without
//! their CSRF token change nothing; agents get 403.

use crate::browser::Browser;
use crate::harness::Harness;
use axum::http::StatusCode;
use rapport_app::{AppConfig, MailConfig};

fn config() -> AppConfig {
    AppConfig {
        mail: MailConfig {
            outbound: true,
            mailboxes: vec!["support".into()],
            new_tickets_per_hour: 1,
            ..MailConfig::default()
        },
        ..AppConfig::default()
    }
}

crate::both_backends_with!(super::config();
    failed_sends_are_retried_from_the_mail_page,
    a_released_message_opens_a_ticket_with_its_text,
);

crate::both_backends!(
    a_team_is_deleted_from_its_page_once_nothing_blocks_it,
    an_admin_sets_another_agents_password_on_the_page,
);

async fn failed_sends_are_retried_from_the_mail_page(h: &Harness) {
    let mut b = Browser::new(h);
    b.sign_in("admin@test.example").await;
    let page = b.get("/app/admin/mail").await;
    assert!(page.body.contains("never polled"), "{}", page.body);
    assert!(page.body.contains(">support<"), "{}", page.body);
    let (_, first) = h.failed_send("ann").await;
    let (_, second) = h.failed_send("bob").await;
    let page = b.get("/app/admin/mail").await;
    let action = format!("/app/admin/outbox/{first}/retry");
    assert!(page.body.contains(&action), "{}", page.body);
    assert!(page.body.contains("Retry every failed send"));

    // Without the CSRF token, nothing happens; agents and leads are refused.
    let forged = b.post(&action, &[]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(
        h.store.outbox_record(first).await.unwrap().status.as_str(),
        "failed"
    );
    for who in ["agent@test.example", "lead@test.example"] {
        let mut other = Browser::new(h);
        other.sign_in(who).await;
        let refused = other.submit("/app", &action, &[]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{who}");
        let refused = other.submit("/app", "/app/admin/outbox/retry", &[]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{who}");
    }
    assert_eq!(
        h.store.outbox_record(first).await.unwrap().status.as_str(),
        "failed"
    );

    let done = b.submit("/app/admin/mail", &action, &[]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let page = b.get(done.location()).await;
    assert!(page.body.contains("back in the queue"), "{}", page.body);
    assert!(!page.body.contains(&action), "no longer listed as failed");
    let record = h.store.outbox_record(first).await.unwrap();
    assert_eq!((record.status.as_str(), record.attempts), ("pending", 0));
    // Again: it is not failed any more, and the page says so with a 409.
    let again = b.submit("/app/admin/mail", &action, &[]).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    assert!(
        again.body.contains("only failed mail can be retried"),
        "{}",
        again.body
    );
    let unknown = b
        .submit("/app/admin/mail", "/app/admin/outbox/999999/retry", &[])
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    // Every failed one at once.
    let all = b
        .submit("/app/admin/mail", "/app/admin/outbox/retry", &[])
        .await;
    assert_eq!(all.status, StatusCode::SEE_OTHER);
    assert!(
        all.location().ends_with("retried-all"),
        "{}",
        all.location()
    );
    assert_eq!(
        h.store.outbox_record(second).await.unwrap().status.as_str(),
        "pending"
    );
    let none = b
        .submit("/app/admin/mail", "/app/admin/outbox/retry", &[])
        .await;
    assert!(
        none.location().ends_with("none-failed"),
        "{}",
        none.location()
    );
}

async fn a_released_message_opens_a_ticket_with_its_text(h: &Harness) {
    // One new ticket an hour from a sender: the second request is held.
    let first = "Message-ID: <first@robot.example>\r\nFrom: Rob <rob@robot.example>\r\nTo: support@localhost\r\nSubject: Order 77\r\n\r\nWhere is order 77?\r\n";
    let held = "Message-ID: <second@robot.example>\r\nFrom: Rob <rob@robot.example>\r\nTo: support@localhost\r\nSubject: Invoice 12\r\n\r\nPlease send invoice 12 again, the first one had the wrong address.\r\n";
    assert_eq!(
        h.app.ingest_mail(first.as_bytes()).await.unwrap().name(),
        "created"
    );
    assert_eq!(
        h.app.ingest_mail(held.as_bytes()).await.unwrap().name(),
        "quarantined"
    );
    let (_, list) = h.get("/api/v1/inbound/quarantine", &h.admin).await;
    let id = list[0]["id"].as_i64().unwrap();
    let (_, before) = h.get("/api/v1/tickets", &h.admin).await;
    let count = before["items"].as_array().unwrap().len();

    let mut b = Browser::new(h);
    b.sign_in("admin@test.example").await;
    let from = format!("/app/admin/quarantine/{id}");
    let release = format!("{from}/release");
    assert_eq!(
        b.post(&release, &[]).await.status,
        StatusCode::FORBIDDEN,
        "no CSRF token"
    );
    let released = b.submit(&from, &release, &[]).await;
    assert_eq!(released.status, StatusCode::SEE_OTHER, "{}", released.body);
    assert!(
        released.location().ends_with("done=created"),
        "{}",
        released.location()
    );
    let page = b.get(released.location()).await;
    assert!(
        page.body.contains("it opened a new ticket"),
        "{}",
        page.body
    );

    // The new ticket carries the held message's subject and words.
    let (_, after) = h.get("/api/v1/tickets", &h.admin).await;
    let items = after["items"].as_array().unwrap();
    assert_eq!(items.len(), count + 1, "{after}");
    let ticket = items
        .iter()
        .find(|t| t["subject"] == "Invoice 12")
        .expect("the released ticket");
    let (_, detail) = h
        .get(&format!("/api/v1/tickets/{}", ticket["id"]), &h.agent)
        .await;
    let text = detail["messages"][0]["body_text"].as_str().unwrap();
    assert!(text.contains("Please send invoice 12 again"), "{detail}");
    // Released once; the message is no longer held.
    let twice = b.submit("/app/admin/quarantine", &release, &[]).await;
    assert_eq!(twice.status, StatusCode::CONFLICT, "{}", twice.body);
    let (_, list) = h.get("/api/v1/inbound/quarantine", &h.admin).await;
    assert!(list.as_array().unwrap().is_empty(), "{list}");
}

async fn team_names(h: &Harness) -> Vec<String> {
    let (_, teams) = h.get("/api/v1/teams", &h.admin).await;
    teams
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_string())
        .collect()
}

async fn a_team_is_deleted_from_its_page_once_nothing_blocks_it(h: &Harness) {
    let from = "/app/admin/agents";
    let ticket = h.ticket("Refund please", Some(h.team2)).await;
    let action = format!("/app/admin/teams/{}/delete", h.team2.0);
    let mut agent = Browser::new(h);
    agent.sign_in("agent@test.example").await;
    let refused = agent.submit("/app", &action, &[("confirm", "yes")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let mut lead = Browser::new(h);
    lead.sign_in("lead@test.example").await;
    let page = lead.get(from).await;
    assert!(page.body.contains(&action), "{}", page.body);
    // Without the CSRF token, or unconfirmed, nothing happens.
    assert_eq!(
        lead.post(&action, &[("confirm", "yes")]).await.status,
        StatusCode::FORBIDDEN
    );
    let unconfirmed = lead.submit(from, &action, &[]).await;
    assert_eq!(
        unconfirmed.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        unconfirmed.body
    );
    // An open ticket blocks it: the page says which.
    let blocked = lead.submit(from, &action, &[("confirm", "yes")]).await;
    assert_eq!(blocked.status, StatusCode::CONFLICT, "{}", blocked.body);
    assert!(blocked.body.contains("notice error"), "{}", blocked.body);
    assert!(
        blocked.body.contains(&format!("#{ticket}")),
        "{}",
        blocked.body
    );
    assert!(team_names(h).await.contains(&"Billing".to_string()));
    // Closed, it no longer blocks; the team is archived for the ticket's history.
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{ticket}/close-as-spam"),
            &h.lead,
            serde_json::json!({"reason": "test"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let deleted = lead.submit(from, &action, &[("confirm", "yes")]).await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER, "{}", deleted.body);
    assert!(
        deleted.location().ends_with("team-archived"),
        "{}",
        deleted.location()
    );
    let page = lead.get(deleted.location()).await;
    assert!(page.body.contains("keep its name"), "{}", page.body);
    assert!(!page.body.contains(&action), "gone from the page");
    assert!(!team_names(h).await.contains(&"Billing".to_string()));
    let (_, t) = h
        .get(&format!("/api/v1/teams/{}", h.team2.0), &h.agent)
        .await;
    assert_eq!(t["name"], "Billing", "{t}");
    // Deleted again, or an unknown team: 404.
    let again = lead.submit(from, &action, &[("confirm", "yes")]).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "{}", again.body);
    let unknown = lead
        .submit(
            from,
            "/app/admin/teams/999999/delete",
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    // A team no ticket names is deleted outright.
    let made = lead
        .submit(from, "/app/admin/teams", &[("name", "Temp")])
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER);
    let (_, teams) = h.get("/api/v1/teams", &h.admin).await;
    let temp = teams
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "Temp")
        .unwrap()["id"]
        .clone();
    let gone = lead
        .submit(
            from,
            &format!("/app/admin/teams/{temp}/delete"),
            &[("confirm", "yes")],
        )
        .await;
    assert!(
        gone.location().ends_with("team-deleted"),
        "{}",
        gone.location()
    );
    assert_eq!(
        h.get(&format!("/api/v1/teams/{temp}"), &h.admin).await.0,
        404
    );
}

async fn an_admin_sets_another_agents_password_on_the_page(h: &Harness) {
    let from = "/app/admin/agents";
    let action = format!("/app/admin/agents/{}/password", h.agent_id.0);
    let mut agent = Browser::new(h);
    agent.sign_in("agent@test.example").await;
    assert_eq!(agent.get("/app").await.status, StatusCode::OK);
    let refused = agent
        .submit("/app", &action, &[("password", "agent picks one")])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let mut lead = Browser::new(h);
    lead.sign_in("lead@test.example").await;
    assert!(
        !lead.get(from).await.body.contains(&action),
        "no form for leads"
    );
    let refused = lead
        .submit(from, &action, &[("password", "lead picks one")])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let mut admin = Browser::new(h);
    admin.sign_in("admin@test.example").await;
    let page = admin.get(from).await;
    assert!(page.body.contains(&action), "{}", page.body);
    let own = format!("/app/admin/agents/{}/password", h.admin_id.0);
    assert!(!page.body.contains(&own), "no reset form for oneself");
    // Forged, too short, or on oneself: nothing changes.
    let forged = admin
        .post(&action, &[("password", "a forged new password")])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let short = admin.submit(from, &action, &[("password", "short")]).await;
    assert_eq!(
        short.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        short.body
    );
    assert!(short.body.contains("password:"), "{}", short.body);
    let mine = admin
        .submit(from, &own, &[("password", "my own new password")])
        .await;
    assert_eq!(mine.status, StatusCode::CONFLICT, "{}", mine.body);
    assert_eq!(
        admin.get(from).await.status,
        StatusCode::OK,
        "still signed in"
    );
    let unknown = admin
        .submit(
            from,
            "/app/admin/agents/999999/password",
            &[("password", "a long new password")],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(
        agent.get("/app").await.status,
        StatusCode::OK,
        "nothing changed yet"
    );

    let done = admin
        .submit(from, &action, &[("password", "a long new password")])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let page = admin.get(done.location()).await;
    assert!(page.body.contains("The password was set."), "{}", page.body);
    // The agent's browser session ended; the new password signs in.
    let ended = agent.get("/app").await;
    assert_ne!(ended.status, StatusCode::OK, "{}", ended.body);
    let mut again = Browser::new(h);
    let signed = again
        .submit(
            "/app/sign-in",
            "/app/sign-in",
            &[
                ("email", "agent@test.example"),
                ("password", "a long new password"),
            ],
        )
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    assert_eq!(signed.location(), "/app");
    let (_, lines) = h
        .get(&format!("/api/v1/agents/{}/audit", h.agent_id.0), &h.admin)
        .await;
    assert_eq!(lines[0]["actor_id"], h.admin_id.0, "{lines}");
}
