//! Feedback: the survey job (after the business-time delay, not while
//! reopened, never twice, no mail to a bouncing address), recovery tasks
//! for the team's lead and their follow-up, and imported reviews (CSV,
//! JSON lines and the API; deduplicated; matched to customers; a negative
//! one opens a recovery task; bad rows reported). The survey link's page is
//! in `tests/pages/feedback.rs`. Every test runs on SQLite and PostgreSQL.

use crate::both_backends_with;
use crate::harness::Harness;
use rapport_app::scheduler::SchedulerPolicy;
use rapport_app::{AppConfig, MailConfig};
use rapport_core::{BusinessCalendar, CalendarSpec, TeamId, TicketId, Timestamp};
use serde_json::{Value, json};

const REPLY: &str =
    "Hi Ann,\n\nI'm sorry it arrived broken. A new one ships today.\n\nBest regards,\nSam";

pub(crate) fn config() -> AppConfig {
    AppConfig {
        mail: MailConfig {
            address: "support@shop.test".into(),
            business_name: "Lamp Shop".into(),
            outbound: true,
            ..MailConfig::default()
        },
        ..AppConfig::default()
    }
}

both_backends_with!(super::config();
    a_solved_ticket_is_asked_once_after_the_business_time_delay,
    a_reopened_ticket_or_an_automatic_sender_is_not_asked,
    a_bouncing_address_is_asked_only_in_the_portal,
    a_low_rating_opens_a_recovery_task_for_the_lead_who_records_the_follow_up,
    reviews_import_from_csv_json_lines_and_the_api,
    the_survey_templates_are_checked_like_the_others,
);

async fn sql(h: &Harness, statement: &str) {
    let pool = sqlx::AnyPool::connect(&h.database_url).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(statement.to_string()))
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
}

/// A ticket of `h.ticket` answered and solved; returns its id.
async fn solved(h: &Harness, team: Option<TeamId>) -> i64 {
    let id = h.ticket("Broken lamp", team).await;
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{id}/messages"),
            &h.agent,
            json!({"kind": "reply", "body": REPLY}),
        )
        .await;
    assert_eq!(s.as_u16(), 201, "{b}");
    set_status(h, id, "solved").await;
    id
}

async fn set_status(h: &Harness, id: i64, status: &str) {
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{id}/status"),
            &h.agent,
            json!({ "status": status }),
        )
        .await;
    assert_eq!(s.as_u16(), 200, "{b}");
}

/// The pending survey jobs' due times.
async fn survey_jobs_due(h: &Harness) -> Vec<i64> {
    let pool = sqlx::AnyPool::connect(&h.database_url).await.unwrap();
    let due: Vec<i64> = sqlx::query_scalar(
        "SELECT due_at FROM jobs WHERE kind = 'survey' AND status = 'pending' ORDER BY id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    due
}

/// Makes the pending survey jobs due now and runs the scheduler once.
async fn run_surveys_now(h: &Harness) {
    sql(
        h,
        "UPDATE jobs SET due_at = 0 WHERE kind = 'survey' AND status = 'pending'",
    )
    .await;
    h.app
        .run_due_jobs("survey-test", &SchedulerPolicy::default())
        .await
        .unwrap();
}

/// The recipients of every survey mail in the outbox.
async fn survey_mails(h: &Harness) -> Vec<String> {
    let pool = sqlx::AnyPool::connect(&h.database_url).await.unwrap();
    let to: Vec<String> =
        sqlx::query_scalar("SELECT recipients FROM outbox WHERE kind = 'survey' ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
    pool.close().await;
    to
}

async fn survey(h: &Harness, ticket: i64) -> (u16, Value) {
    let (s, b) = h
        .get(&format!("/api/v1/tickets/{ticket}/survey"), &h.agent)
        .await;
    (s.as_u16(), b)
}

async fn event_types(h: &Harness, ticket: i64) -> Vec<String> {
    let (_, events) = h
        .get(&format!("/api/v1/tickets/{ticket}/events"), &h.agent)
        .await;
    events
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| e["type"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The job waits the configured business minutes in the ticket's calendar
/// (office hours, Monday to Friday: a Friday-afternoon solve waits over the
/// weekend, which `survey_due` is checked for with fixed times); it asks
/// once, by mail with a signed link, and a second solve asks no more.
async fn a_solved_ticket_is_asked_once_after_the_business_time_delay(h: &Harness) {
    let calendar =
        BusinessCalendar::new(CalendarSpec::office_hours("Business hours", "UTC")).unwrap();
    let friday = Timestamp::parse("2026-12-04T16:10:00Z").unwrap();
    assert_eq!(
        rapport_app::feedback::survey_due(&calendar, friday, 120),
        Timestamp::parse("2026-12-07T10:10:00Z").unwrap(),
        "two business hours from Friday 16:10 end on Monday"
    );
    let before = Timestamp::now();
    let ticket = solved(h, None).await;
    let after = Timestamp::now();
    let due = survey_jobs_due(h).await;
    assert_eq!(due.len(), 1, "{due:?}");
    let earliest = rapport_app::feedback::survey_due(&calendar, before, 120);
    let latest = rapport_app::feedback::survey_due(&calendar, after, 120);
    assert!(
        (earliest.0..=latest.0).contains(&due[0]),
        "due {} not within {earliest}..{latest}",
        Timestamp(due[0])
    );
    assert!(
        due[0] >= before.plus_seconds(7200).0,
        "business time never runs faster"
    );
    // Not due yet: nothing is asked.
    h.app
        .run_due_jobs("survey-test", &SchedulerPolicy::default())
        .await
        .unwrap();
    assert_eq!(survey(h, ticket).await.0, 404);
    run_surveys_now(h).await;
    let (s, asked) = survey(h, ticket).await;
    assert_eq!(s, 200, "{asked}");
    assert_eq!(asked["mailed_to"], "ann.lee@example.com");
    assert_eq!(asked["answers"], 0);
    assert_eq!(survey_mails(h).await.len(), 1);
    let pool = sqlx::AnyPool::connect(&h.database_url).await.unwrap();
    let raw: Vec<u8> = sqlx::query_scalar("SELECT raw FROM outbox WHERE kind = 'survey'")
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    let text = String::from_utf8_lossy(&raw).replace("=\r\n", "");
    let link = h.app.survey_link(TicketId(ticket)).await.unwrap();
    let path = link.split_once("/portal/").map(|(_, p)| p).unwrap();
    assert!(
        text.contains(path),
        "the mail carries the signed link: {text}"
    );
    // Reopened and solved again: a new job, but the customer was asked once.
    set_status(h, ticket, "open").await;
    set_status(h, ticket, "solved").await;
    assert_eq!(survey_jobs_due(h).await.len(), 1);
    run_surveys_now(h).await;
    assert_eq!(survey_mails(h).await.len(), 1, "never twice");
    assert_eq!(survey(h, ticket).await.1["asked_at"], asked["asked_at"]);
}

/// A ticket reopened before the job runs is not asked (the job checks when
/// it runs); nor is a no-reply sender.
async fn a_reopened_ticket_or_an_automatic_sender_is_not_asked(h: &Harness) {
    let ticket = solved(h, None).await;
    set_status(h, ticket, "open").await;
    run_surveys_now(h).await;
    assert_eq!(survey(h, ticket).await.0, 404);
    assert!(survey_mails(h).await.is_empty());

    let (s, b) = h
        .post(
            "/api/v1/tickets",
            &h.agent,
            json!({"subject": "Your invoice", "customer_email": "no-reply@bank.example",
                   "customer_name": "Bank", "message": "Your statement is ready."}),
        )
        .await;
    assert_eq!(s.as_u16(), 201, "{b}");
    let robot = b["ticket"]["id"].as_i64().unwrap();
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{robot}/messages"),
            &h.agent,
            json!({"kind": "reply", "body": "Hello,\n\nthank you, we have filed the statement.\n\nBest regards,\nSam"}),
        )
        .await;
    assert_eq!(s.as_u16(), 201, "{b}");
    set_status(h, robot, "solved").await;
    run_surveys_now(h).await;
    assert_eq!(
        survey(h, robot).await.0,
        404,
        "automatic senders are never asked"
    );
    assert!(survey_mails(h).await.is_empty());
}

/// A bouncing address gets no survey mail; the portal still asks.
async fn a_bouncing_address_is_asked_only_in_the_portal(h: &Harness) {
    let ticket = solved(h, None).await;
    sql(
        h,
        "UPDATE customer_identities SET bouncing_since = 1 WHERE value = 'ann.lee@example.com'",
    )
    .await;
    run_surveys_now(h).await;
    let (s, asked) = survey(h, ticket).await;
    assert_eq!(s, 200, "{asked}");
    assert!(asked["mailed_to"].is_null(), "{asked}");
    assert!(survey_mails(h).await.is_empty());
}

/// A rating of 2 opens a recovery task for the team's lead (notified) with
/// the customer's words, the ticket and its owner; only a lead or admin (or
/// the task's lead) records the follow-up, once, as a ticket event.
async fn a_low_rating_opens_a_recovery_task_for_the_lead_who_records_the_follow_up(h: &Harness) {
    let (s, team) = h
        .post(
            &format!("/api/v1/teams/{}/lead", h.team.0),
            &h.admin,
            json!({"agent_id": h.lead_id.0}),
        )
        .await;
    assert_eq!(s.as_u16(), 200, "{team}");
    assert_eq!(team["lead_id"].as_i64(), Some(h.lead_id.0));
    let (s, _) = h
        .post(
            &format!("/api/v1/teams/{}/lead", h.team.0),
            &h.agent,
            json!({"agent_id": h.agent_id.0}),
        )
        .await;
    assert_eq!(s.as_u16(), 403, "agents do not set leads");
    let ticket = solved(h, Some(h.team)).await;
    run_surveys_now(h).await;
    // A rating is recorded only through the survey (the link or the portal).
    let customer = h.store.ticket(TicketId(ticket)).await.unwrap().customer_id;
    h.app
        .portal_answer_survey(
            customer,
            TicketId(ticket),
            rapport_app::feedback::SurveyAnswer {
                rating: 2,
                comment: Some("Took three weeks and nobody called back.".into()),
            },
        )
        .await
        .unwrap();
    let (_, tasks) = h.get("/api/v1/recovery-tasks?status=open", &h.lead).await;
    let tasks = tasks.as_array().cloned().unwrap_or_default();
    assert_eq!(tasks.len(), 1, "{tasks:?}");
    let task = &tasks[0];
    assert_eq!(task["ticket_id"].as_i64(), Some(ticket));
    assert_eq!(task["lead_id"].as_i64(), Some(h.lead_id.0));
    assert_eq!(task["owner_id"].as_i64(), Some(h.agent_id.0));
    assert_eq!(task["rating"], 2);
    assert_eq!(task["source"], "survey");
    assert_eq!(task["words"], "Took three weeks and nobody called back.");
    assert!(
        Timestamp::parse(task["due_at"].as_str().unwrap())
            .unwrap()
            .0
            > Timestamp::now().0
    );
    let (_, notes) = h.get("/api/v1/notifications", &h.lead).await;
    assert!(
        notes.as_array().is_some_and(|n| n
            .iter()
            .any(|n| n["kind"] == "recovery_task" && n["ticket_id"].as_i64() == Some(ticket))),
        "the lead is told: {notes}"
    );
    let types = event_types(h, ticket).await;
    assert!(
        types.contains(&"satisfaction_rated".to_string()),
        "{types:?}"
    );
    assert!(types.contains(&"recovery_opened".to_string()), "{types:?}");
    // The complaint is no new request: no follow-up ticket.
    assert!(survey(h, ticket).await.1["follow_up_ticket_id"].is_null());

    let id = task["id"].as_i64().unwrap();
    let url = format!("/api/v1/recovery-tasks/{id}/follow-up");
    let body =
        json!({"outcome": "recovered", "note": "Called Ann, sent a voucher; she is happy again."});
    let (s, _) = h.post(&url, &h.other_agent, body.clone()).await;
    assert_eq!(s.as_u16(), 403);
    let (s, b) = h
        .post(&url, &h.lead, json!({"outcome": "fixed", "note": "x"}))
        .await;
    assert_eq!(s.as_u16(), 422, "{b}");
    assert_eq!(b["error"]["field"], "outcome");
    let (s, b) = h
        .post(&url, &h.lead, json!({"outcome": "recovered", "note": "  "}))
        .await;
    assert_eq!(s.as_u16(), 422, "{b}");
    let (s, done) = h.post(&url, &h.lead, body.clone()).await;
    assert_eq!(s.as_u16(), 200, "{done}");
    assert_eq!(done["status"], "done");
    assert_eq!(done["outcome"], "recovered");
    assert_eq!(done["closed_by"].as_i64(), Some(h.lead_id.0));
    let (s, _) = h.post(&url, &h.lead, body).await;
    assert_eq!(s.as_u16(), 409, "once only");
    assert!(
        event_types(h, ticket)
            .await
            .contains(&"recovery_followed_up".to_string())
    );
    // A second low answer opens no second task for the same ticket.
    h.app
        .portal_answer_survey(
            customer,
            TicketId(ticket),
            rapport_app::feedback::SurveyAnswer {
                rating: 1,
                comment: None,
            },
        )
        .await
        .unwrap();
    let (_, all) = h
        .get(&format!("/api/v1/recovery-tasks?ticket={ticket}"), &h.lead)
        .await;
    assert_eq!(all.as_array().map(Vec::len), Some(1), "{all}");
    // The reports read the answers: the latest rating counts, the task
    // opened and closed; the running projection equals its rebuild.
    let (s, r) = h.get("/api/v1/reports", &h.admin).await;
    assert_eq!(s.as_u16(), 200, "{r}");
    let totals = &r["totals"];
    assert_eq!(totals["csat_responses"], 1, "{totals}");
    assert_eq!(totals["csat_average"], 1.0, "{totals}");
    assert_eq!(totals["low_csat"], 1, "{totals}");
    assert_eq!(totals["recovery_opened"], 1, "{totals}");
    assert_eq!(totals["recovery_closed"], 1, "{totals}");
    let running = h.store.report_snapshot().await.unwrap();
    h.app.rebuild_reports(|_| {}).await.unwrap();
    assert_eq!(h.store.report_snapshot().await.unwrap(), running);
}

/// CSV and JSON lines through the CLI's path, a batch over the API: one
/// ticket per (source, id) on the reviews channel, a second import changes
/// nothing, a known author is matched, a negative review opens a recovery
/// task (for the admins: no team lead), bad rows are reported in place.
async fn reviews_import_from_csv_json_lines_and_the_api(h: &Harness) {
    let known = h.ticket("Earlier order", None).await;
    let ann = h.store.ticket(TicketId(known)).await.unwrap().customer_id;
    let operator = rapport_app::Caller::operator(h.admin_id, rapport_core::Role::Admin);
    let csv = "source,id,author,rating,text,date,url\n\
        trustpilot,tp-1,ann.lee@example.com,1,\"Lamp broke twice, nobody answers.\",2026-11-30,https://tp.example/r/1\n\
        trustpilot,tp-2,@lampfan,5,\"Great lamps, fast delivery\",2026-12-01T10:00:00Z,\n\
        trustpilot,tp-3,@bad,seven,Nice,,\n\
        trustpilot,,@noid,4,No id here,,\n";
    let report = h
        .app
        .import_reviews(&operator, rapport_app::feedback::parse_reviews(csv))
        .await
        .unwrap();
    assert_eq!(
        (report.imported, report.duplicates, report.errors),
        (2, 0, 2),
        "{report:?}"
    );
    let json = serde_json::to_value(&report.rows).unwrap();
    assert_eq!(json[0]["result"], "imported");
    assert_eq!(
        json[0]["customer_id"].as_i64(),
        Some(ann.0),
        "matched by e-mail"
    );
    assert_eq!(json[0]["matched_customer"], true);
    assert!(
        json[0]["recovery_task_id"].as_i64().is_some(),
        "negative: a task"
    );
    assert_eq!(json[1]["matched_customer"], false);
    assert!(json[1]["recovery_task_id"].is_null());
    assert_eq!(json[2]["row"], 4);
    assert!(
        json[2]["message"].as_str().unwrap().starts_with("rating:"),
        "{json}"
    );
    assert_eq!(json[3]["row"], 5);
    assert!(
        json[3]["message"].as_str().unwrap().starts_with("id:"),
        "{json}"
    );
    let first = json[0]["ticket_id"].as_i64().unwrap();
    let (_, ticket) = h.get(&format!("/api/v1/tickets/{first}"), &h.agent).await;
    let ticket = if ticket["ticket"].is_object() {
        ticket["ticket"].clone()
    } else {
        ticket
    };
    assert_eq!(ticket["channel"], "reviews", "{ticket}");
    let types = event_types(h, first).await;
    assert!(types.contains(&"review_imported".to_string()), "{types:?}");
    assert!(types.contains(&"recovery_opened".to_string()), "{types:?}");
    let (_, tasks) = h
        .get(&format!("/api/v1/recovery-tasks?ticket={first}"), &h.admin)
        .await;
    assert_eq!(tasks[0]["source"], "review", "{tasks}");
    assert!(tasks[0]["lead_id"].is_null(), "no team lead: the admins");
    let (_, notes) = h.get("/api/v1/notifications", &h.admin).await;
    assert!(
        notes
            .as_array()
            .is_some_and(|n| n.iter().any(|n| n["kind"] == "recovery_task")),
        "{notes}"
    );

    // The same file again: duplicates, nothing new.
    let again = h
        .app
        .import_reviews(&operator, rapport_app::feedback::parse_reviews(csv))
        .await
        .unwrap();
    assert_eq!((again.imported, again.duplicates, again.errors), (0, 2, 2));

    // JSON lines: the handle known from the CSV is matched.
    let jsonl = "{\"source\":\"google\",\"id\":77,\"author\":\"@LampFan\",\"rating\":4,\"text\":\"Still happy\"}\n\
                 {\"source\":\"google\",\"id\":78,\"author\":\"x\"\n";
    let report = h
        .app
        .import_reviews(&operator, rapport_app::feedback::parse_reviews(jsonl))
        .await
        .unwrap();
    assert_eq!((report.imported, report.errors), (1, 1), "{report:?}");
    let json = serde_json::to_value(&report.rows).unwrap();
    assert_eq!(json[0]["matched_customer"], true, "{json}");

    // The API: a batch with a duplicate, a new one and a bad one.
    let (s, b) = h
        .post(
            "/api/v1/reviews",
            &h.agent,
            json!({"reviews": [
                {"source": "trustpilot", "id": "tp-2", "author": "@lampfan", "rating": 5, "text": "Great lamps"},
                {"source": "facebook", "id": "fb-9", "author": "Dan Brown", "text": "Anyone know if they ship to Norway?", "url": "https://fb.example/9"},
                {"source": "facebook", "id": "fb-10", "author": "Eve", "text": "ok", "url": "ftp://nope"},
            ]}),
        )
        .await;
    assert_eq!(s.as_u16(), 200, "{b}");
    assert_eq!(
        (
            b["imported"].as_i64(),
            b["duplicates"].as_i64(),
            b["errors"].as_i64()
        ),
        (Some(1), Some(1), Some(1)),
        "{b}"
    );
    assert_eq!(b["rows"][0]["result"], "duplicate");
    assert_eq!(b["rows"][1]["result"], "imported");
    assert!(
        b["rows"][2]["error"].as_str().unwrap().starts_with("url:"),
        "{b}"
    );
    let (s, b) = h
        .post("/api/v1/reviews", &h.agent, json!({"reviews": []}))
        .await;
    assert_eq!(s.as_u16(), 422, "{b}");
    assert_eq!(b["error"]["field"], "reviews");
}

/// The default survey mail and page pass the save-time checks and the
/// coach; a survey mail without its link, or the link in another
/// template, is refused.
async fn the_survey_templates_are_checked_like_the_others(h: &Harness) {
    use rapport_app::templates as t;
    for (name, subject, body) in [
        (t::SURVEY, t::DEFAULT_SURVEY_SUBJECT, t::DEFAULT_SURVEY_BODY),
        (
            t::SURVEY_PAGE,
            t::DEFAULT_SURVEY_PAGE_SUBJECT,
            t::DEFAULT_SURVEY_PAGE_BODY,
        ),
    ] {
        let (s, b) = h
            .call(
                axum::http::Method::PUT,
                &format!("/api/v1/templates/{name}"),
                Some(&h.lead),
                Some(json!({"subject": subject, "body": body})),
            )
            .await;
        assert_eq!(s.as_u16(), 200, "{name}: {b}");
        assert!(
            !b.to_string().contains("\"block\""),
            "{name}: the coach blocks nothing: {b}"
        );
    }
    let (s, b) = h
        .call(
            axum::http::Method::PUT,
            "/api/v1/templates/survey",
            Some(&h.lead),
            Some(json!({"subject": "How did we do?", "body": "Hello {{ customer_first_name }}, about {{ ticket_number }}: tell us."})),
        )
        .await;
    assert_eq!(s.as_u16(), 422, "{b}");
    assert!(
        b["error"]["message"]
            .as_str()
            .unwrap()
            .contains("survey_link"),
        "{b}"
    );
    let (s, b) = h
        .call(
            axum::http::Method::PUT,
            "/api/v1/templates/thanks",
            Some(&h.lead),
            Some(json!({"subject": "Thanks", "body": "Hello {{ customer_first_name }}, rate us: {{ survey_link }}"})),
        )
        .await;
    assert_eq!(s.as_u16(), 422, "{b}");
    // The saved survey mail is the one sent.
    let (s, _) = h
        .call(
            axum::http::Method::PUT,
            "/api/v1/templates/survey",
            Some(&h.lead),
            Some(json!({"subject": "A quick question about {{ ticket_number }}",
                        "body": "Hello {{ customer_first_name }},\n\nhow did we do with {{ ticket_number }}? Answer here: {{ survey_link }}\n\nThank you,\nLamp Shop"})),
        )
        .await;
    assert_eq!(s.as_u16(), 200);
    let ticket = solved(h, None).await;
    run_surveys_now(h).await;
    let pool = sqlx::AnyPool::connect(&h.database_url).await.unwrap();
    let raw: Vec<u8> = sqlx::query_scalar("SELECT raw FROM outbox WHERE kind = 'survey'")
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    let text = String::from_utf8_lossy(&raw).replace("=\r\n", "");
    assert!(
        text.contains(&format!("A quick question about #{ticket}")),
        "{text}"
    );
}
