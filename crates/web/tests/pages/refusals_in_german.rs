//! The last English words of the workspace, in German: an agent who reads
//! German sees a use case's refusal (a transfer without a hand-off note),
//! the reply coach's findings and a notification in German, with no
//! English sentence left. Runs on SQLite and PostgreSQL.

use crate::both_backends;
use crate::browser::{Browser, mail_in};
use crate::harness::Harness;
use axum::http::{Method, StatusCode};
use serde_json::json;

both_backends!(a_german_lead_reads_refusals_findings_and_notifications_in_german);

async fn a_german_lead_reads_refusals_findings_and_notifications_in_german(h: &Harness) {
    crate::feedback::lead_the_team(h).await;
    let (s, b) = h
        .call(
            Method::PATCH,
            &format!("/api/v1/agents/{}", h.lead_id.0),
            Some(&h.admin),
            Some(json!({"language": "de"})),
        )
        .await;
    assert_eq!(s.as_u16(), 200, "{b}");

    // A customer rates a solved ticket 1 of 5: the lead is notified.
    let (ticket, path) = crate::feedback::asked(h).await;
    let mut customer = Browser::new(h);
    let csrf = customer.get(&path).await.csrf();
    let answered = customer
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("rating", "1"),
                ("comment", "Nobody called back."),
            ],
        )
        .await;
    assert_eq!(answered.status, StatusCode::OK, "{}", answered.body);

    let mut lead = Browser::new(h);
    lead.lang = Some("en-GB,en;q=0.9".into());
    lead.sign_in("lead@test.example").await;
    let notes = lead.get("/app/notifications").await;
    assert_eq!(notes.status, StatusCode::OK);
    assert!(notes.body.contains("<html lang=\"de\">"), "{}", notes.body);
    assert!(
        notes.body.contains(&format!(
            "die Kundschaft von Ticket #{ticket} hat es in der Umfrage mit 1 von 5 bewertet"
        )),
        "{}",
        notes.body
    );
    for english in ["Recovery task", "rated it", "Follow up by"] {
        assert!(!notes.body.contains(english), "{english}: {}", notes.body);
    }
    // The API keeps the English text.
    let (_, api) = h.get("/api/v1/notifications", &h.lead).await;
    let text = api[0]["text"].as_str().unwrap_or_default();
    assert!(text.starts_with("Recovery task "), "{api}");

    // A refusal: a transfer without a hand-off note.
    let id = mail_in(
        h,
        "Cy Dahl",
        "cy@example.com",
        "Invoice wrong",
        "Billed twice.",
    )
    .await;
    let at = format!("/app/tickets/{id}");
    lead.submit(&at, &format!("{at}/assign-to-me"), &[]).await;
    let to = h.other_agent_id.0.to_string();
    let refused = lead
        .submit(
            &at,
            &format!("{at}/transfer"),
            &[("to_agent", &to), ("note", "")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert!(
        refused
            .body
            .contains("eine Übergabe braucht eine Übergabenotiz mit mindestens 20 Zeichen"),
        "{}",
        refused.body
    );
    assert!(!refused.body.contains("hand-off note"), "{}", refused.body);

    // An invalid form: a status nobody has.
    let bad = lead
        .submit(&at, &format!("{at}/status"), &[("status", "sleeping")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(
        bad.body.contains("Status: unbekannter Status"),
        "{}",
        bad.body
    );
    assert!(!bad.body.contains("unknown status"), "{}", bad.body);

    // The coach's findings: their kind and explanation in German.
    let page = lead.get(&at).await;
    let csrf = page.csrf();
    let draft = "Hi Cy, sorry, that's our policy. I will send you the refund soon.";
    let checked = lead
        .post(&format!("{at}/coach"), &[("csrf", &csrf), ("draft", draft)])
        .await;
    assert_eq!(checked.status, StatusCode::OK, "{}", checked.body);
    for german in [
        "Regelwand",
        "eine Regel als Antwort, ohne einen Weg nach vorn für die Kundschaft",
        "vage Zusage",
    ] {
        assert!(checked.body.contains(german), "{german}: {}", checked.body);
    }
    for english in [
        "policy_wall",
        "a rule stated as the answer",
        "vague_promise",
        "a promise without a time",
    ] {
        assert!(
            !checked.body.contains(english),
            "{english}: {}",
            checked.body
        );
    }
}
