//! Languages: an agent's own (`/api/v1/agents/me`) and a customer's, read
//! and set over the API with roles checked and bad codes refused; a
//! customer's language taken from their mail (Content-Language), and the
//! mail we send them in it: the acknowledgment, the survey, per-language
//! templates with the English fallback. Every test runs on SQLite and
//! PostgreSQL.

use crate::both_backends;
use crate::harness::Harness;
use axum::body::Body;
use axum::http::{Method, Request};
use rapport_app::scheduler::SchedulerPolicy;
use serde_json::{Value, json};

both_backends!(
    agents_set_and_read_their_own_language_and_no_one_else_s,
    a_german_agent_s_api_refusals_stay_english,
);
crate::both_backends_with!(crate::feedback::config();
    customers_languages_come_from_their_mail_and_the_api,
    a_german_customer_gets_the_acknowledgment_and_the_survey_in_german,
    templates_are_kept_per_language_and_fall_back_to_english,
);

async fn patch(h: &Harness, path: &str, token: &str, body: Value) -> (u16, Value) {
    let (s, b) = h.call(Method::PATCH, path, Some(token), Some(body)).await;
    (s.as_u16(), b)
}

async fn agents_set_and_read_their_own_language_and_no_one_else_s(h: &Harness) {
    let (s, me) = h.get("/api/v1/agents/me", &h.agent).await;
    assert_eq!(s.as_u16(), 200, "{me}");
    assert_eq!(me["id"], h.agent_id.0);
    assert!(me["language"].is_null(), "none yet: the browser's: {me}");
    let (s, me) = patch(h, "/api/v1/agents/me", &h.agent, json!({"language": "de"})).await;
    assert_eq!((s, me["language"].as_str()), (200, Some("de")), "{me}");
    let own = format!("/api/v1/agents/{}", h.agent_id.0);
    assert_eq!(h.get(&own, &h.admin).await.1["language"], "de");
    // A code we do not have, or not a code at all: 422 naming the field.
    for bad in ["xx", "deutsch", "de-DE-x-whatever"] {
        let (s, b) = patch(h, "/api/v1/agents/me", &h.agent, json!({ "language": bad })).await;
        assert_eq!(s, 422, "{bad}: {b}");
        assert_eq!(b["error"]["field"], "language", "{b}");
    }
    assert_eq!(h.get(&own, &h.agent).await.1["language"], "de", "unchanged");
    // Another agent's language: not for an agent, fine for an admin.
    let other = format!("/api/v1/agents/{}", h.other_agent_id.0);
    let (s, b) = patch(h, &other, &h.agent, json!({"language": "de"})).await;
    assert_eq!(s, 403, "{b}");
    assert!(h.get(&other, &h.admin).await.1["language"].is_null());
    let (s, b) = patch(h, &other, &h.admin, json!({"language": "en"})).await;
    assert_eq!((s, b["language"].as_str()), (200, Some("en")), "{b}");
    // The same through the agent's own id; "" goes back to the browser's.
    let (s, b) = patch(h, &own, &h.agent, json!({"language": ""})).await;
    assert_eq!(s, 200, "{b}");
    assert!(b["language"].is_null(), "{b}");
    // Unknown fields are refused, and me cannot change a role.
    let (s, _) = patch(h, "/api/v1/agents/me", &h.agent, json!({"role": "admin"})).await;
    assert_eq!(s, 422);
    assert_eq!(h.get(&own, &h.admin).await.1["role"], "agent");
    // No token: 401.
    let (s, _) = h.call(Method::GET, "/api/v1/agents/me", None, None).await;
    assert_eq!(s.as_u16(), 401);
}

/// The API's `message` is English whatever the agent reads on pages: the
/// same sentences as before refusals came from the catalogues, each with
/// its stable code.
async fn a_german_agent_s_api_refusals_stay_english(h: &Harness) {
    let (s, _) = patch(h, "/api/v1/agents/me", &h.agent, json!({"language": "de"})).await;
    assert_eq!(s, 200);
    let id = h.ticket("Wrong size", Some(h.team)).await;
    h.post(
        &format!("/api/v1/tickets/{id}/messages"),
        &h.agent,
        json!({"kind": "reply", "body": "Hello Ann, looking now."}),
    )
    .await;
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{id}/transfer"),
            &h.agent,
            json!({"agent_id": h.other_agent_id.0, "note": "see ticket"}),
        )
        .await;
    assert_eq!(s.as_u16(), 409, "{b}");
    assert_eq!(b["error"]["code"], "handoff_note_required");
    assert_eq!(
        b["error"]["message"],
        "a transfer needs a hand-off note of at least 20 characters and 3 different words saying what the customer asked and what was tried"
    );
    let (s, b) = patch(h, "/api/v1/agents/me", &h.agent, json!({"language": "xx"})).await;
    assert_eq!(s, 422, "{b}");
    assert_eq!(
        (b["error"]["code"].as_str(), b["error"]["field"].as_str()),
        (Some("invalid_field"), Some("language"))
    );
    assert_eq!(
        b["error"]["message"],
        "\"xx\" is not a language we have; use one of en, de"
    );
    let (s, b) = h.get("/api/v1/tickets/999999", &h.agent).await;
    assert_eq!(s.as_u16(), 404);
    assert_eq!(b["error"]["message"], "ticket not found");
    let (s, b) = h.get("/api/v1/reports", &h.agent).await;
    assert_eq!(s.as_u16(), 403, "{b}");
    assert_eq!(b["error"]["code"], "forbidden");
    assert_eq!(
        b["error"]["message"],
        "an agent cannot read reports; agents see their own scorecard"
    );
}

async fn post_mime(h: &Harness, raw: &str) -> Value {
    let request = Request::post("/api/v1/inbound/mime")
        .header("authorization", format!("Bearer {}", h.mail_pipe))
        .header("content-type", "message/rfc822")
        .body(Body::from(raw.to_string()))
        .unwrap();
    let (s, b) = h.raw(request).await;
    assert_eq!(s.as_u16(), 202, "{b}");
    b
}

fn mail(from: &str, subject: &str, headers: &str, body: &str) -> String {
    format!(
        "Message-ID: <{}@customer.example>\r\nFrom: {from}\r\nTo: support@shop.test\r\nSubject: {subject}\r\n{headers}Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n",
        crate::harness::unique("lang")
    )
}

async fn customer_of(h: &Harness, ticket: i64) -> i64 {
    let (_, t) = h.get(&format!("/api/v1/tickets/{ticket}"), &h.agent).await;
    t["ticket"]["customer_id"].as_i64().unwrap()
}

/// The text of the newest outbox mail of this kind to `to`.
async fn mail_text(h: &Harness, kind: &str, to: &str) -> Option<(String, String)> {
    let pool = sqlx::AnyPool::connect(&h.database_url).await.unwrap();
    let rows: Vec<(Vec<u8>, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT raw, recipients FROM outbox WHERE kind = '{kind}' ORDER BY id DESC"
    )))
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    let (raw, _) = rows.into_iter().find(|(_, r)| r.contains(to))?;
    let parsed = rapport_mail::parse(&raw).unwrap();
    Some((parsed.subject, parsed.text))
}

async fn customers_languages_come_from_their_mail_and_the_api(h: &Harness) {
    let german = post_mime(
        h,
        &mail(
            "Greta <greta@kunde.example>",
            "Lampe kaputt",
            "Content-Language: de-DE\r\n",
            "Die Lampe ist kaputt.",
        ),
    )
    .await;
    let greta = customer_of(h, german["ticket_id"].as_i64().unwrap()).await;
    let path = format!("/api/v1/customers/{greta}");
    assert_eq!(h.get(&path, &h.agent).await.1["language"], "de");
    // Accept-Language when there is no Content-Language; a language we do
    // not have changes nothing.
    let other = post_mime(
        h,
        &mail(
            "Jean <jean@client.example>",
            "Lampe",
            "Accept-Language: fr-FR, de;q=0.5\r\n",
            "Cassée.",
        ),
    )
    .await;
    let jean = customer_of(h, other["ticket_id"].as_i64().unwrap()).await;
    assert_eq!(
        h.get(&format!("/api/v1/customers/{jean}"), &h.agent)
            .await
            .1["language"],
        "de"
    );
    let plain = post_mime(h, &mail("ann@plain.example", "Lamp", "", "Broken.")).await;
    let ann = customer_of(h, plain["ticket_id"].as_i64().unwrap()).await;
    let ann_path = format!("/api/v1/customers/{ann}");
    assert!(h.get(&ann_path, &h.agent).await.1["language"].is_null());
    let french = post_mime(
        h,
        &mail(
            "ann@plain.example",
            "Lamp again",
            "Content-Language: fr\r\n",
            "Still broken.",
        ),
    )
    .await;
    assert_eq!(french["outcome"], "created");
    assert!(h.get(&ann_path, &h.agent).await.1["language"].is_null());
    // Agents set it on the customer record; a bad code is a 422 and
    // changes nothing; "" makes it unknown again.
    let (s, b) = patch(h, &ann_path, &h.agent, json!({"language": "de"})).await;
    assert_eq!((s, b["language"].as_str()), (200, Some("de")), "{b}");
    let (s, b) = patch(
        h,
        &ann_path,
        &h.agent,
        json!({"language": "klingon", "name": "Ann X"}),
    )
    .await;
    assert_eq!(
        (s, b["error"]["field"].as_str()),
        (422, Some("language")),
        "{b}"
    );
    let now = h.get(&ann_path, &h.agent).await.1;
    assert_eq!(now["language"], "de", "{now}");
    assert_ne!(now["name"], "Ann X", "nothing changed: {now}");
    let (s, b) = patch(h, &ann_path, &h.agent, json!({"language": ""})).await;
    assert_eq!(s, 200, "{b}");
    assert!(b["language"].is_null(), "{b}");
    // A customer writing in German again is German again.
    let _ = post_mime(
        h,
        &mail(
            "ann@plain.example",
            "Lampe",
            "Content-Language: de\r\n",
            "Immer noch kaputt.",
        ),
    )
    .await;
    assert_eq!(h.get(&ann_path, &h.agent).await.1["language"], "de");
}

/// Makes the pending survey jobs due now and runs the scheduler once.
async fn run_surveys_now(h: &Harness) {
    let pool = sqlx::AnyPool::connect(&h.database_url).await.unwrap();
    sqlx::query("UPDATE jobs SET due_at = 0 WHERE kind = 'survey' AND status = 'pending'")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    h.app
        .run_due_jobs("lang-test", &SchedulerPolicy::default())
        .await
        .unwrap();
}

async fn solve(h: &Harness, ticket: i64) {
    let reply = json!({"kind": "reply", "body": "Hallo Greta,\n\neine neue Lampe ist heute unterwegs.\n\nViele Grüße\nSam"});
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{ticket}/messages"),
            &h.agent,
            reply,
        )
        .await;
    assert_eq!(s.as_u16(), 201, "{b}");
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{ticket}/status"),
            &h.agent,
            json!({"status": "solved"}),
        )
        .await;
    assert_eq!(s.as_u16(), 200, "{b}");
}

async fn a_german_customer_gets_the_acknowledgment_and_the_survey_in_german(h: &Harness) {
    let german = post_mime(
        h,
        &mail(
            "Greta Lang <greta@kunde.example>",
            "Lampe kaputt",
            "Content-Language: de\r\n",
            "Die Lampe kam zerbrochen an.",
        ),
    )
    .await;
    let ticket = german["ticket_id"].as_i64().unwrap();
    let (subject, text) = mail_text(h, "acknowledgment", "greta@kunde.example")
        .await
        .unwrap();
    assert!(
        subject.starts_with("Wir haben Ihre Anfrage erhalten: Lampe kaputt"),
        "{subject}"
    );
    for words in [
        "Hallo Greta,",
        "Ihre Anfrage „Lampe kaputt“ hat jetzt die Ticketnummer",
        "Eine Person aus unserem Team antwortet Ihnen bis ",
        " Uhr (UTC)",
        "Viele Grüße",
    ] {
        assert!(text.contains(words), "{words}: {text}");
    }
    assert!(!text.contains("Hello"), "{text}");
    // The weekday is German too.
    let days = [
        "Montag",
        "Dienstag",
        "Mittwoch",
        "Donnerstag",
        "Freitag",
        "Samstag",
        "Sonntag",
    ];
    assert!(days.iter().any(|d| text.contains(d)), "{text}");
    // An English customer's acknowledgment stays English.
    let _ = post_mime(h, &mail("Ann <ann@plain.example>", "Lamp", "", "Broken.")).await;
    let (subject, text) = mail_text(h, "acknowledgment", "ann@plain.example")
        .await
        .unwrap();
    assert!(
        subject.starts_with("We received your request: Lamp"),
        "{subject}"
    );
    assert!(text.contains("Hello Ann,"), "{text}");
    // The survey mail, once solved, and the survey page.
    solve(h, ticket).await;
    run_surveys_now(h).await;
    let (subject, text) = mail_text(h, "survey", "greta@kunde.example").await.unwrap();
    assert!(
        subject.starts_with("Wie zufrieden waren Sie mit „Lampe kaputt“?"),
        "{subject}"
    );
    for words in [
        "Hallo Greta,",
        "ist erledigt",
        "Wählen Sie eine Bewertung von 1 bis 5",
        "/portal/survey/",
    ] {
        assert!(text.contains(words), "{words}: {text}");
    }
    let link = h
        .app
        .survey_link(rapport_core::TicketId(ticket))
        .await
        .unwrap();
    let path = link
        .split_once("/portal/")
        .map(|(_, p)| format!("/portal/{p}"))
        .unwrap();
    let request = Request::get(&path)
        .header("accept-language", "en-GB")
        .body(Body::empty())
        .unwrap();
    let (s, page) = h.raw(request).await;
    assert_eq!(s.as_u16(), 200);
    let page = page.as_str().unwrap_or_default().to_string();
    assert!(
        page.contains("<html lang=\"de\">"),
        "the customer's language, not the browser's"
    );
    for words in [
        "Wie zufrieden waren Sie mit Ticket #",
        "Ihre Bewertung, von 1",
        "sehr zufrieden",
        "Meine Antwort senden",
    ] {
        assert!(page.contains(words), "{words}: {page}");
    }
}

async fn put_template(h: &Harness, name: &str, body: Value) -> (u16, Value) {
    let (s, b) = h
        .call(
            Method::PUT,
            &format!("/api/v1/templates/{name}"),
            Some(&h.lead),
            Some(body),
        )
        .await;
    (s.as_u16(), b)
}

async fn templates_are_kept_per_language_and_fall_back_to_english(h: &Harness) {
    // A German acknowledgment of the business's own: checked for its
    // required values (the coach reads English only) and used for German
    // customers; the English default stays for the others.
    let (s, b) = put_template(
        h,
        "acknowledgment",
        json!({"language": "de", "subject": "Eingang: {{ subject }}", "body": "Hallo {{ customer_first_name }}, danke!"}),
    )
    .await;
    assert_eq!(
        (s, b["error"]["field"].as_str()),
        (422, Some("body")),
        "required values: {b}"
    );
    let body = "Hallo {{ customer_first_name }},\n\nIhre Nachricht ist Ticket {{ ticket_number }}. Wir antworten bis {{ response_by }}.\n\nIhr Lampenladen";
    let (s, b) = put_template(
        h,
        "acknowledgment",
        json!({"language": "de", "subject": "Eingang: {{ subject }}", "body": body}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["template"]["language"], "de");
    assert_eq!(b["findings"], json!([]), "no coach on German text: {b}");
    let (s, b) = put_template(
        h,
        "acknowledgment",
        json!({"language": "fr", "subject": "x", "body": "y"}),
    )
    .await;
    assert_eq!(
        (s, b["error"]["field"].as_str()),
        (422, Some("language")),
        "{b}"
    );
    let (s, de) = h
        .get("/api/v1/templates/acknowledgment?language=de", &h.agent)
        .await;
    assert_eq!(
        (s.as_u16(), de["subject"].as_str()),
        (200, Some("Eingang: {{ subject }}")),
        "{de}"
    );
    let (s, _) = h.get("/api/v1/templates/acknowledgment", &h.agent).await;
    assert_eq!(
        s.as_u16(),
        404,
        "no English one saved: the built-in text is used"
    );
    let _ = post_mime(
        h,
        &mail(
            "Greta <greta@kunde.example>",
            "Lampe",
            "Content-Language: de\r\n",
            "Kaputt.",
        ),
    )
    .await;
    let (subject, text) = mail_text(h, "acknowledgment", "greta@kunde.example")
        .await
        .unwrap();
    assert!(subject.starts_with("Eingang: Lampe"), "{subject}");
    assert!(
        text.contains("Wir antworten bis ") && text.contains("Ihr Lampenladen"),
        "{text}"
    );
    let _ = post_mime(h, &mail("Ann <ann@plain.example>", "Lamp", "", "Broken.")).await;
    let (subject, _) = mail_text(h, "acknowledgment", "ann@plain.example")
        .await
        .unwrap();
    assert!(subject.starts_with("We received your request"), "{subject}");
    // A survey mail saved in English only: German customers get the
    // built-in German one (a built-in text in their language comes before
    // another language's); a canned reply saved in English only is
    // offered for a German customer's ticket (the English fallback).
    let (s, b) = put_template(
        h,
        "lamp-sorry",
        json!({"subject": "Re: {{ subject }}", "body": "Hello {{ customer_first_name }}, a new lamp ships today."}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let (_, all) = h.get("/api/v1/templates", &h.agent).await;
    let listed: Vec<(String, String)> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap().into(),
                t["language"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(
        listed.contains(&("acknowledgment".into(), "de".into())),
        "{listed:?}"
    );
    assert!(
        listed.contains(&("lamp-sorry".into(), "en".into())),
        "{listed:?}"
    );
}
