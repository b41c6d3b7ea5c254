//! Mail templates are checked when saved.

use crate::both_backends;
use crate::harness::Harness;
use axum::http::Method;
use serde_json::json;

async fn put(
    h: &Harness,
    token: &str,
    name: &str,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    let (s, b) = h
        .call(
            Method::PUT,
            &format!("/api/v1/templates/{name}"),
            Some(token),
            Some(body),
        )
        .await;
    (s.as_u16(), b)
}

async fn templates_are_checked_when_saved(h: &Harness) {
    let ack = "Hi {{ customer_first_name }},\nthank you for writing. Your request is ticket {{ ticket_number }}; a person will answer by {{ response_by }}. To add anything, reply to this e-mail.\nBest regards, {{ business_name }}";
    let subject = "[{{ ticket_number }}] {{ subject }}";
    assert_eq!(
        put(
            h,
            &h.agent,
            "acknowledgment",
            json!({"subject": subject, "body": ack})
        )
        .await
        .0,
        403
    );
    let (s, b) = put(
        h,
        &h.lead,
        "acknowledgment",
        json!({"subject": subject, "body": ack}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert!(
        b["sample_body"].as_str().unwrap().contains("ticket #1234"),
        "{b}"
    );
    assert_eq!(b["sample_subject"], "[#1234] My lamp arrived broken");
    assert!(
        b["sample_body"]
            .as_str()
            .unwrap()
            .contains("answer by Monday 17:00 (Berlin time)"),
        "{b}"
    );
    // The fixed phrase of old is not enough: the real time must be named.
    let old = ack.replace("by {{ response_by }}", "{{ response_target }}");
    let (s, b) = put(
        h,
        &h.lead,
        "acknowledgment",
        json!({"subject": subject, "body": old}),
    )
    .await;
    assert_eq!(
        (s, b["error"]["field"].as_str()),
        (422, Some("body")),
        "{b}"
    );
    assert!(
        b["error"]["message"]
            .as_str()
            .unwrap()
            .contains("response_by"),
        "{b}"
    );
    // The acknowledgment must be honest: ticket number and response target.
    let (s, b) = put(h, &h.lead, "acknowledgment", json!({"subject": subject, "body": "Hi {{ customer_first_name }}, thanks, we got it. Best regards"})).await;
    assert_eq!(
        (s, b["error"]["field"].as_str()),
        (422, Some("body")),
        "{b}"
    );
    assert!(
        b["error"]["message"]
            .as_str()
            .unwrap()
            .contains("ticket_number")
    );
    // Broken or unsafe templates are refused with the reason.
    for (body, why) in [
        ("Hi {{ customer_first_name ", "does not parse"),
        ("Hi {{ customer_nmae }}", "unknown variable"),
        (
            "{% for i in range(100000) %}{{ i }}{% endfor %} {{ ticket_number }} {{ response_by }}",
            "does not render",
        ),
    ] {
        let (s, b) = put(
            h,
            &h.lead,
            "acknowledgment",
            json!({"subject": subject, "body": body}),
        )
        .await;
        assert_eq!(s, 422, "{body}: {b}");
        assert!(
            b["error"]["message"].as_str().unwrap().contains(why),
            "{body}: {b}"
        );
    }
    // A canned reply must be personalised, and pass the coach.
    let (s, b) = put(h, &h.lead, "shipping-delay", json!({"subject": "Your order", "body": "Thank you for contacting us. Your order is delayed."})).await;
    assert_eq!(
        (s, b["error"]["field"].as_str()),
        (422, Some("body")),
        "{b}"
    );
    let rude = "Hi {{ customer_first_name }}, calm down, that's our policy. Best, {{ agent_name }}";
    let (s, b) = put(
        h,
        &h.lead,
        "policy",
        json!({"subject": "Policy", "body": rude}),
    )
    .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (422, Some("coach_blocked")),
        "{b}"
    );
    let (s, b) = put(h, &h.lead, "policy", json!({"subject": "Policy", "body": rude, "override_reason": "Legal asked for this exact wording"})).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(
        b["template"]["override_reason"],
        "Legal asked for this exact wording"
    );
    let (s, list) = h.get("/api/v1/templates", &h.agent).await;
    assert_eq!((s.as_u16(), list.as_array().unwrap().len()), (200, 2));
    assert_eq!(
        h.get("/api/v1/templates/nothing-here", &h.agent).await.0,
        404
    );
    assert_eq!(
        put(
            h,
            &h.lead,
            "Bad_Name",
            json!({"subject": "x", "body": "{{ customer_name }}"})
        )
        .await
        .0,
        422
    );
}

async fn canned_replies_sent_unchanged_are_form_letters(h: &Harness) {
    let canned = "Hi {{ customer_first_name }},\nthanks for your patience while our warehouse team checks your parcel. We will write again as soon as we hear from them, usually within two business days.\nBest regards, {{ agent_name }}";
    let (s, b) = put(
        h,
        &h.lead,
        "warehouse-check",
        json!({"subject": "Your parcel", "body": canned}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let id = h.ticket("Lamp", None).await;
    let sent = b["sample_body"].as_str().unwrap();
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{id}/messages"),
            &h.agent,
            json!({"kind": "reply", "body": sent}),
        )
        .await;
    assert_eq!(
        (s.as_u16(), b["error"]["code"].as_str()),
        (422, Some("coach_blocked")),
        "{b}"
    );
    assert!(
        b["error"]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["check"] == "form_letter")
    );
    let personal =
        format!("{sent}\nI'm sorry your order 5521 arrived broken; a new one will ship tomorrow.");
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{id}/messages"),
            &h.agent,
            json!({"kind": "reply", "body": personal}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
}

both_backends!(
    templates_are_checked_when_saved,
    canned_replies_sent_unchanged_are_form_letters
);
