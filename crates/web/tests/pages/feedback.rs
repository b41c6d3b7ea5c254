//! The satisfaction survey's page behind its signed link: opening it (as a
//! mail scanner would) records nothing, the form's POST records, a second
//! POST changes the answer, a comment with a new request opens a linked
//! ticket, a forged link is refused, an expired one says so; the question
//! on the portal's ticket page; the workspace's recovery page and its form.

use crate::both_backends;
use crate::browser::Browser;
use crate::harness::Harness;
use axum::http::StatusCode;
use rapport_app::scheduler::SchedulerPolicy;
use rapport_core::TicketId;
use serde_json::{Value, json};

both_backends!(
    the_survey_link_shows_the_question_and_only_a_post_records,
    the_portal_ticket_asks_and_the_lead_follows_up_on_the_recovery_page,
);

const REPLY: &str =
    "Hi Ann,\n\nI'm sorry it arrived broken. A new one ships today.\n\nBest regards,\nSam";

async fn sql(h: &Harness, statement: &str) {
    let pool = sqlx::AnyPool::connect(&h.database_url).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(statement.to_string()))
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
}

/// A solved ticket whose customer was asked; returns it and its link's path.
pub(crate) async fn asked(h: &Harness) -> (i64, String) {
    let id = h.ticket("Broken lamp", Some(h.team)).await;
    h.reply_and_solve(id, REPLY).await;
    sql(h, "UPDATE jobs SET due_at = 0 WHERE kind = 'survey'").await;
    h.app
        .run_due_jobs("survey-page-test", &SchedulerPolicy::default())
        .await
        .unwrap();
    let link = h.app.survey_link(TicketId(id)).await.unwrap();
    let path = format!("/portal/{}", link.split_once("/portal/").unwrap().1);
    (id, path)
}

async fn survey(h: &Harness, ticket: i64) -> Value {
    let (s, b) = h
        .get(&format!("/api/v1/tickets/{ticket}/survey"), &h.agent)
        .await;
    assert_eq!(s.as_u16(), 200, "{b}");
    b
}

async fn ratings(h: &Harness, ticket: i64) -> Vec<Value> {
    let (_, events) = h
        .get(&format!("/api/v1/tickets/{ticket}/events"), &h.agent)
        .await;
    events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == "satisfaction_rated")
        .cloned()
        .collect()
}

async fn the_survey_link_shows_the_question_and_only_a_post_records(h: &Harness) {
    let (ticket, path) = asked(h).await;
    let mut b = Browser::new(h);
    // A scanner (or the customer) opens the link: the question, nothing recorded.
    let shown = b.get(&path).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
    assert!(
        shown
            .body
            .contains(&format!("How did we do with ticket #{ticket}?")),
        "{}",
        shown.body
    );
    assert!(shown.body.contains("name=\"rating\" value=\"5\""));
    b.get(&path).await;
    assert_eq!(survey(h, ticket).await["answers"], 0);
    assert!(ratings(h, ticket).await.is_empty());
    // A POST without the form's token records nothing either.
    let forged = b.post(&path, &[("rating", "1")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(survey(h, ticket).await["answers"], 0);

    let csrf = shown.csrf();
    let comment = "Lovely service. Can you also send me the invoice for order 5521?";
    let answered = b
        .post(
            &path,
            &[("csrf", &csrf), ("rating", "5"), ("comment", comment)],
        )
        .await;
    assert_eq!(answered.status, StatusCode::OK, "{}", answered.body);
    assert!(
        answered.body.contains("Your answer is recorded: 5 of 5"),
        "{}",
        answered.body
    );
    let recorded = survey(h, ticket).await;
    assert_eq!(
        (recorded["rating"].as_i64(), recorded["answers"].as_i64()),
        (Some(5), Some(1))
    );
    assert_eq!(recorded["comment"], comment);
    let events = ratings(h, ticket).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["actor_kind"], "customer");
    assert_eq!(events[0]["data"]["rating"], 5, "{events:?}");
    // The invoice request became a ticket of the same customer, linked back.
    let follow_up = recorded["follow_up_ticket_id"]
        .as_i64()
        .expect("a follow-up ticket");
    let original = h.store.ticket(TicketId(ticket)).await.unwrap();
    let opened = h.store.ticket(TicketId(follow_up)).await.unwrap();
    assert_eq!(opened.customer_id, original.customer_id);
    assert!(opened.tags.contains(&"survey-follow-up".to_string()));
    assert!(
        opened
            .subject
            .starts_with(&format!("Follow-up to #{ticket}"))
    );
    let (_, messages) = h
        .get(&format!("/api/v1/tickets/{ticket}/messages"), &h.agent)
        .await;
    assert!(
        messages
            .to_string()
            .contains(&format!("ticket #{follow_up} was opened")),
        "{messages}"
    );
    // No low rating: no recovery task.
    let (_, tasks) = h
        .get(&format!("/api/v1/recovery-tasks?ticket={ticket}"), &h.agent)
        .await;
    assert_eq!(tasks.as_array().map(Vec::len), Some(0));

    // The customer changes the answer: the latest counts, each is an event.
    let changed = b
        .post(&path, &[("csrf", &csrf), ("rating", "4"), ("comment", "")])
        .await;
    assert_eq!(changed.status, StatusCode::OK);
    let recorded = survey(h, ticket).await;
    assert_eq!(
        (recorded["rating"].as_i64(), recorded["answers"].as_i64()),
        (Some(4), Some(2))
    );
    assert!(recorded["comment"].is_null());
    assert_eq!(
        recorded["follow_up_ticket_id"].as_i64(),
        Some(follow_up),
        "one follow-up only"
    );
    assert_eq!(ratings(h, ticket).await.len(), 2);
    // A bad rating is said beside the form and changes nothing.
    let bad = b.post(&path, &[("csrf", &csrf), ("rating", "9")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("from 1 to 5"), "{}", bad.body);
    assert_eq!(survey(h, ticket).await["answers"], 2);

    // A forged or altered link is refused.
    let mut flipped = path.clone();
    let last = flipped
        .pop()
        .map_or('0', |c| if c == '0' { '1' } else { '0' });
    flipped.push(last);
    assert_eq!(b.get(&flipped).await.status, StatusCode::NOT_FOUND);
    let (_, mac) = path.rsplit_once('-').unwrap();
    let other = b.get(&format!("/portal/survey/{follow_up}-{mac}")).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    assert!(
        other.body.contains("this survey link is not valid"),
        "{}",
        other.body
    );
    let posted = b.post(&flipped, &[("csrf", &csrf), ("rating", "1")]).await;
    assert_eq!(posted.status, StatusCode::NOT_FOUND);

    // After its time: a clear page, and answers are refused.
    sql(
        h,
        &format!("UPDATE surveys SET expires_at = 1 WHERE ticket_id = {ticket}"),
    )
    .await;
    let closed = b.get(&path).await;
    assert_eq!(closed.status, StatusCode::GONE);
    assert!(
        closed.body.contains("This survey closed on"),
        "{}",
        closed.body
    );
    assert!(!closed.body.contains("name=\"rating\""));
    let late = b.post(&path, &[("csrf", &csrf), ("rating", "1")]).await;
    assert_eq!(late.status, StatusCode::GONE, "{}", late.body);
    assert_eq!(survey(h, ticket).await["rating"], 4);
    assert_eq!(ratings(h, ticket).await.len(), 2);
}

/// Makes the lead the team's lead: the one a recovery task goes to.
pub(crate) async fn lead_the_team(h: &Harness) {
    let (s, _) = h
        .post(
            &format!("/api/v1/teams/{}/lead", h.team.0),
            &h.admin,
            json!({"agent_id": h.lead_id.0}),
        )
        .await;
    assert_eq!(s.as_u16(), 200);
}

async fn the_portal_ticket_asks_and_the_lead_follows_up_on_the_recovery_page(h: &Harness) {
    lead_the_team(h).await;
    let (ticket, _) = asked(h).await;
    let customer = h.store.ticket(TicketId(ticket)).await.unwrap().customer_id;
    let token = format!("pl_{}", "cd".repeat(32));
    h.store
        .insert_portal_link(
            &rapport_app::auth::secret_hash(&token),
            customer,
            rapport_core::Timestamp::now().plus_seconds(600),
        )
        .await
        .unwrap();
    let mut b = Browser::new(h);
    let link = format!("/portal/link/{token}");
    let csrf = b.get(&link).await.csrf();
    assert_eq!(
        b.post(&link, &[("csrf", &csrf)]).await.status,
        StatusCode::SEE_OTHER
    );
    let page = b.get(&format!("/portal/tickets/{ticket}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains(&format!("How did we do with ticket #{ticket}?")),
        "{}",
        page.body
    );
    let csrf = page.csrf();
    let rated = b
        .post(
            &format!("/portal/tickets/{ticket}/rating"),
            &[
                ("csrf", &csrf),
                ("rating", "1"),
                ("comment", "Nobody called back."),
            ],
        )
        .await;
    assert_eq!(rated.status, StatusCode::SEE_OTHER, "{}", rated.body);
    assert_eq!(survey(h, ticket).await["rating"], 1);

    // The lead sees the task with the customer's words and records the follow-up.
    let mut lead = Browser::new(h);
    lead.sign_in("lead@test.example").await;
    let board = lead.get("/app/recovery").await;
    assert_eq!(board.status, StatusCode::OK);
    assert!(board.body.contains("Nobody called back."), "{}", board.body);
    assert!(board.body.contains("rated 1 of 5"), "{}", board.body);
    let (_, tasks) = h
        .get(&format!("/api/v1/recovery-tasks?ticket={ticket}"), &h.lead)
        .await;
    let id = tasks[0]["id"].as_i64().unwrap();
    let csrf = board.csrf();
    let done = lead
        .post(
            &format!("/app/recovery/{id}"),
            &[
                ("csrf", &csrf),
                ("outcome", "unreachable"),
                ("note", "Called twice, left a voicemail."),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let board = lead.get("/app/recovery").await;
    assert!(
        board
            .body
            .contains("Followed up: <strong>unreachable</strong>"),
        "{}",
        board.body
    );
    let (_, task) = h
        .get(&format!("/api/v1/recovery-tasks/{id}"), &h.lead)
        .await;
    assert_eq!(task["outcome"], "unreachable");
    let ticket_page = lead.get(&format!("/app/tickets/{ticket}")).await;
    assert!(
        ticket_page.body.contains("rated the service 1 of 5"),
        "{}",
        ticket_page.body
    );
    assert!(
        ticket_page.body.contains("followed up recovery task"),
        "{}",
        ticket_page.body
    );
}
