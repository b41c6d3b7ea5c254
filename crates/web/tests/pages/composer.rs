//! The composer: canned replies personalised for the ticket, and the coach
//! as the agent types (findings with the wording to apply, promises decided
//! in the reply form).

use crate::both_backends;
use crate::browser::{Browser, mail_in};
use crate::harness::Harness;
use axum::http::{Method, StatusCode};
use rapport_core::Timestamp;
use serde_json::json;

both_backends!(
    canned_replies_are_personalised_and_inserted,
    the_coach_box_lists_findings_and_promises_decided_with_the_reply,
);

async fn canned_replies_are_personalised_and_inserted(h: &Harness) {
    let (s, b) = h
        .call(
            Method::PUT,
            "/api/v1/templates/replacement",
            Some(&h.lead),
            Some(json!({
                "subject": "Your replacement",
                "body": "Hi {{ customer_first_name }},\n\nthank you for your patience with ticket {{ ticket_number }}. A replacement is on its way to you.\n\nKind regards,\n{{ agent_name }}"
            })),
        )
        .await;
    assert_eq!(s.as_u16(), 200, "{b}");
    let id = mail_in(h, "Ann Lee", "ann@example.com", "Broken lamp", "It broke.").await;
    let at = format!("/app/tickets/{id}");
    let mut a = Browser::new(h);
    a.sign_in("agent@test.example").await;
    let page = a.get(&at).await;
    assert!(
        page.body.contains("<option value=\"replacement\""),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(&format!(
            "Hi Ann,&#10;&#10;thank you for your patience with ticket #{id}"
        )) || page.body.contains(&format!(
            "Hi Ann,\n\nthank you for your patience with ticket #{id}"
        )),
        "{}",
        page.body
    );
    assert!(!page.body.contains("<option value=\"acknowledgment\""));
    // Without the script: the Insert form puts it in the composer.
    let inserted = a.get(&format!("{at}?canned=replacement")).await;
    assert_eq!(inserted.status, StatusCode::OK);
    let start = inserted.body.find("id=\"reply-body\"").unwrap();
    let composer = &inserted.body[start..];
    let composer = &composer[..composer.find("</textarea>").unwrap()];
    assert!(composer.contains("Hi Ann,"), "{composer}");
    assert!(composer.contains(&format!("ticket #{id}")), "{composer}");
    assert!(
        composer.contains("agent@test.example"),
        "the agent's name: {composer}"
    );
    let unknown = a.get(&format!("{at}?canned=nope")).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn the_coach_box_lists_findings_and_promises_decided_with_the_reply(h: &Harness) {
    let id = mail_in(
        h,
        "Ann Lee",
        "ann@example.com",
        "Refund",
        "Where is my refund?",
    )
    .await;
    let at = format!("/app/tickets/{id}");
    let mut a = Browser::new(h);
    a.sign_in("agent@test.example").await;
    let page = a.get(&at).await;
    assert!(
        page.body.contains("data-coach=\"/app/tickets/"),
        "the empty box"
    );
    let csrf = page.csrf();
    let draft = "Hi Ann, sorry, that's our policy. I will send you the refund by Friday.";
    let checked = a
        .post(&format!("{at}/coach"), &[("csrf", &csrf), ("draft", draft)])
        .await;
    assert_eq!(checked.status, StatusCode::OK, "{}", checked.body);
    assert!(
        checked.body.contains("policy_wall") || checked.body.contains("policy"),
        "{}",
        checked.body
    );
    assert!(
        checked
            .body
            .contains("data-replacement=\"What I can do is ...\""),
        "{}",
        checked.body
    );
    // Offsets count UTF-16 units, as the browser's text field does.
    let quote_at = draft.find("that's our policy").unwrap();
    assert!(
        checked.body.contains(&format!("data-start=\"{quote_at}\"")),
        "{}",
        checked.body
    );
    assert!(
        checked.body.contains("name=\"promise_action_0\""),
        "{}",
        checked.body
    );
    // The promise's due time reads as the reader reads times, in the
    // business's zone; the field holds an instant the form reads back.
    assert!(
        !checked.body.contains("[UTC]") && !checked.body.contains("[Europe/"),
        "{}",
        checked.body
    );
    let value = checked
        .body
        .split("name=\"promise_due_0\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .replace("&#43;", "+")
        .replace("&#x2b;", "+");
    assert!(Timestamp::parse(&value).is_ok(), "{value:?}");
    let empty = a
        .post(&format!("{at}/coach"), &[("csrf", &csrf), ("draft", " ")])
        .await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(!empty.body.contains("findings"));
    // The agent revises, re-times the promise, and sends.
    let due = Timestamp::now().plus_seconds(3 * 86_400);
    let fixed =
        "Hi Ann, I am sorry for the wait. I will send you the refund by Friday. Kind regards, Sam";
    let sent = a
        .post(
            &format!("{at}/reply"),
            &[
                ("csrf", &csrf),
                ("body", fixed),
                ("promise_action_0", "reschedule"),
                ("promise_due_0", &due.to_string()),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let (s, list) = h
        .get(&format!("/api/v1/promises?ticket={id}"), &h.agent)
        .await;
    assert_eq!(s.as_u16(), 200);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    let recorded = Timestamp::parse(list[0]["due_at"].as_str().unwrap()).unwrap();
    assert_eq!(
        recorded.0 / 1_000_000,
        due.0 / 1_000_000,
        "the agent's time"
    );
    // A dropped promise is not recorded; a bad time is a clear refusal.
    let bad = a
        .post(
            &format!("{at}/reply"),
            &[
                ("csrf", &csrf),
                (
                    "body",
                    "Hi Ann, I will call you tomorrow. Kind regards, Sam",
                ),
                ("promise_action_0", "reschedule"),
                ("promise_due_0", "next week"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    let dropped = a
        .post(
            &format!("{at}/reply"),
            &[
                ("csrf", &csrf),
                (
                    "body",
                    "Hi Ann, I will call you tomorrow. Kind regards, Sam",
                ),
                ("promise_action_0", "drop"),
            ],
        )
        .await;
    assert_eq!(dropped.status, StatusCode::SEE_OTHER, "{}", dropped.body);
    let (_, list) = h
        .get(&format!("/api/v1/promises?ticket={id}"), &h.agent)
        .await;
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
}
