//! The last English words for a German reader: the note Rapport writes
//! when a reopened ticket leaves its deleted team, the escalation mail, the
//! core's reasons for a refused tag or address, and what is refused before
//! a page's handler runs. A German agent (and a German customer) reads
//! German; the JSON API keeps its English. Runs on SQLite and PostgreSQL.

use crate::browser::Browser;
use crate::harness::Harness;
use crate::{both_backends, both_backends_with};
use axum::http::{Method, StatusCode};
use rapport_core::Timestamp;
use serde_json::{Value, json};
use sqlx::Row;

both_backends!(
    a_german_agent_reads_rapport_s_reroute_note_in_german,
    the_core_s_reasons_read_in_german,
    what_axum_refuses_reads_in_german_on_pages,
    an_automatic_reply_note_reads_in_the_agent_s_language,
);

both_backends_with!(super::always_open(); a_german_agent_s_escalation_mail_is_german);

const MINUTE: i64 = 60_000_000;

/// Open around the clock, so a response target's minutes are wall minutes.
fn always_open() -> rapport_app::AppConfig {
    let mut spec = rapport_core::CalendarSpec::new("Around the clock", "Europe/Berlin");
    spec.always_open = true;
    rapport_app::AppConfig {
        business: rapport_app::BusinessConfig {
            calendar: spec,
            ..rapport_app::BusinessConfig::default()
        },
        ..rapport_app::AppConfig::default()
    }
}

/// Sets an agent's language to German (and their zone, if given).
pub(crate) async fn speaks_german(h: &Harness, agent: rapport_core::AgentId, zone: Option<&str>) {
    let mut body = json!({"language": "de"});
    if let Some(zone) = zone {
        body["time_zone"] = json!(zone);
    }
    let (s, b) = h
        .call(
            Method::PATCH,
            &format!("/api/v1/agents/{}", agent.0),
            Some(&h.admin),
            Some(body),
        )
        .await;
    assert_eq!(s.as_u16(), 200, "{b}");
}

/// A German agent whose browser asks for English (their stored language wins).
pub(crate) async fn german_agent(h: &Harness) -> Browser<'_> {
    speaks_german(h, h.agent_id, None).await;
    let mut b = Browser::new(h);
    b.lang = Some("en-GB,en;q=0.9".into());
    b.sign_in("agent@test.example").await;
    b
}

async fn a_german_agent_reads_rapport_s_reroute_note_in_german(h: &Harness) {
    let (s, t) = h
        .post("/api/v1/teams", &h.lead, json!({"name": "Lampen"}))
        .await;
    assert_eq!(s.as_u16(), 201, "{t}");
    let team = rapport_core::TeamId(t["id"].as_i64().unwrap());
    let id = h.ticket("Lamp arrived broken", Some(team)).await;
    for (path, body) in [
        (
            "messages",
            json!({"kind": "reply", "body": "Hello Ann, a new lamp ships today."}),
        ),
        ("status", json!({"status": "solved"})),
    ] {
        let (s, b) = h
            .post(&format!("/api/v1/tickets/{id}/{path}"), &h.agent, body)
            .await;
        assert!(s.is_success(), "{b}");
    }
    let (s, b) = h
        .call(
            Method::DELETE,
            &format!("/api/v1/teams/{}", team.0),
            Some(&h.lead),
            None,
        )
        .await;
    assert_eq!(s.as_u16(), 204, "{b}");
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{id}/status"),
            &h.agent,
            json!({"status": "open"}),
        )
        .await;
    assert_eq!(s.as_u16(), 200, "{b}");

    let mut agent = german_agent(h).await;
    let page = agent.get(&format!("/app/tickets/{id}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains(
            "Wieder geöffnet, als sein Team Lampen gelöscht (archiviert) war: in die allgemeine Warteschlange verschoben"
        ),
        "{}",
        page.body
    );
    assert!(!page.body.contains("general queue"), "{}", page.body);

    // An English reader reads it in English; the API keeps the English note.
    let mut english = Browser::new(h);
    english.sign_in("lead@test.example").await;
    let page = english.get(&format!("/app/tickets/{id}")).await;
    assert!(
        page.body
            .contains("Reopened while its team Lampen was deleted"),
        "{}",
        page.body
    );
    let (_, events) = h
        .get(&format!("/api/v1/tickets/{id}/events"), &h.agent)
        .await;
    let note = events
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|e| e["type"] == "transferred")
        .map(|e| e["data"]["note"].as_str().unwrap_or("").to_string())
        .unwrap_or_default();
    assert!(note.starts_with("Reopened while its team Lampen"), "{note}");
}

/// The payloads of the escalation mails scheduled so far.
async fn escalations(h: &Harness) -> Vec<Value> {
    let pool = sqlx::AnyPool::connect(&h.database_url).await.unwrap();
    let rows = sqlx::query("SELECT payload FROM jobs WHERE kind = 'sla_escalation' ORDER BY id")
        .fetch_all(&pool)
        .await
        .unwrap();
    pool.close().await;
    rows.iter()
        .map(|r| serde_json::from_str(&r.get::<String, _>("payload")).unwrap())
        .collect()
}

async fn a_german_agent_s_escalation_mail_is_german(h: &Harness) {
    let (s, b) = h
        .post(
            "/api/v1/sla-policies",
            &h.admin,
            json!({"name": "All", "first_response_minutes": 100, "warn_percent": 50}),
        )
        .await;
    assert_eq!(s.as_u16(), 201, "{b}");
    speaks_german(h, h.agent_id, Some("Europe/Berlin")).await;
    let id = h.ticket("Broken lamp", Some(h.team)).await;
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{id}/assign"),
            &h.agent,
            json!({"agent_id": h.agent_id.0}),
        )
        .await;
    assert_eq!(s.as_u16(), 200, "{b}");
    let (_, detail) = h.get(&format!("/api/v1/tickets/{id}"), &h.agent).await;
    let created: jiff::Timestamp = detail["ticket"]["created_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let opened = created.as_microsecond();
    let warned = h
        .app
        .sweep_sla_alerts_at(Timestamp(opened + 51 * MINUTE))
        .await
        .unwrap();
    assert_eq!(warned.alerts, 1, "{warned:?}");
    let mails = escalations(h).await;
    let mail = mails
        .iter()
        .find(|m| m["to"] == "agent@test.example")
        .unwrap_or_else(|| panic!("{mails:?}"));
    let subject = mail["subject"].as_str().unwrap();
    let text = mail["text"].as_str().unwrap();
    assert!(
        subject.starts_with(&format!(
            "[#{id}] Ticket #{id}: die Erste Antwort ist fällig am "
        )),
        "{subject}"
    );
    // The due time in German words and format, in the agent's zone.
    assert!(subject.ends_with(" (Europe/Berlin)."), "{subject}");
    assert!(
        subject.contains(".2026, ") || subject.contains(".2027, "),
        "{subject}"
    );
    assert!(text.contains("Betreff: Broken lamp"), "{text}");
    assert!(text.contains("Öffnen: "), "{text}");
    assert!(text.contains(&format!("/app/tickets/{id}")), "{text}");
    for english in ["is due", "Subject:", "Open it", "first response"] {
        assert!(
            !subject.contains(english) && !text.contains(english),
            "{english}: {subject} / {text}"
        );
    }
    // The API's notification text stays English.
    let (_, notes) = h.get("/api/v1/notifications", &h.agent).await;
    let text = notes[0]["text"].as_str().unwrap_or_default();
    assert!(text.contains("is due"), "{notes}");
}

async fn the_core_s_reasons_read_in_german(h: &Harness) {
    let id = h.ticket("Broken lamp", Some(h.team)).await;
    let at = format!("/app/tickets/{id}");
    let mut agent = german_agent(h).await;
    let refused = agent
        .submit(
            &at,
            &format!("{at}/tags"),
            &[("add", "kaputt!"), ("remove", "")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert!(
        refused
            .body
            .contains("kaputt!&quot; darf nur Buchstaben, Ziffern")
            || refused
                .body
                .contains("kaputt!&#34; darf nur Buchstaben, Ziffern"),
        "{}",
        refused.body
    );
    assert!(!refused.body.contains("may hold only"), "{}", refused.body);

    // A German customer asks for a sign-in link with no address in it.
    let mut customer = Browser::new(h);
    customer.lang = Some("de".into());
    let form = customer.get("/portal/sign-in").await;
    let csrf = form.csrf();
    let bad = customer
        .post(
            "/portal/sign-in",
            &[("csrf", &csrf), ("email", "ann.example.com")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(
        bad.body
            .contains("ann.example.com&quot; ist keine E-Mail-Adresse (kein @)")
            || bad
                .body
                .contains("ann.example.com&#34; ist keine E-Mail-Adresse (kein @)"),
        "{}",
        bad.body
    );
    assert!(!bad.body.contains("is not an e-mail"), "{}", bad.body);

    // The API's message stays the core's English.
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{id}/tags"),
            &h.agent,
            json!({"add": ["kaputt!"]}),
        )
        .await;
    assert_eq!(s.as_u16(), 409, "{b}");
    assert_eq!(
        b["error"]["message"],
        "tag \"kaputt!\" may hold only letters, digits, '-', '_', ':' and '.'",
        "{b}"
    );
}

async fn what_axum_refuses_reads_in_german_on_pages(h: &Harness) {
    let id = h.ticket("Broken lamp", Some(h.team)).await;
    let at = format!("/app/tickets/{id}");
    let mut agent = german_agent(h).await;

    // A form without its field: axum refuses it before the handler.
    let unreadable = agent.submit(&at, &format!("{at}/priority"), &[]).await;
    assert!(unreadable.status.is_client_error(), "{}", unreadable.body);
    assert!(
        unreadable
            .body
            .contains("das Formular ließ sich nicht lesen"),
        "{}",
        unreadable.body
    );
    assert!(
        unreadable.body.contains("<html lang=\"de\">"),
        "{}",
        unreadable.body
    );
    assert!(
        !unreadable.body.contains("deserialize"),
        "{}",
        unreadable.body
    );

    // A path id that is no number, and an address nobody has.
    for path in ["/app/tickets/abc", "/app/nowhere/at/all"] {
        let missing = agent.get(path).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            missing.body.contains("diese Seite gibt es nicht"),
            "{path}: {}",
            missing.body
        );
        assert!(
            !missing.body.contains("not found"),
            "{path}: {}",
            missing.body
        );
    }

    // A body over the limit, from a German browser.
    let mut visitor = Browser::new(h);
    visitor.lang = Some("de-DE,de;q=0.9".into());
    let form = visitor.get("/portal/sign-in").await;
    let csrf = form.csrf();
    let huge = "x".repeat(rapport_web::MAX_BODY_BYTES + 10);
    let too_large = visitor
        .post("/portal/sign-in", &[("csrf", &csrf), ("email", &huge)])
        .await;
    assert_eq!(too_large.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        too_large.body.contains("das Gesendete ist zu groß"),
        "{}",
        too_large.body
    );
    let portal_missing = visitor.get("/portal/nowhere").await;
    assert_eq!(portal_missing.status, StatusCode::NOT_FOUND);
    assert!(
        portal_missing.body.contains("diese Seite gibt es nicht"),
        "{}",
        portal_missing.body
    );

    // The API keeps its English JSON error with its code.
    let (s, b) = h.get("/api/v1/nowhere", &h.agent).await;
    assert_eq!(
        (s.as_u16(), b["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
    assert_eq!(b["error"]["message"], "route not found", "{b}");
    let (s, b) = h.get("/api/v1/tickets/abc", &h.agent).await;
    assert_eq!(
        (s.as_u16(), b["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
}

async fn an_automatic_reply_note_reads_in_the_agent_s_language(h: &Harness) {
    let first = format!(
        "From: \"Ann Lee\" <ann@example.com>\r\nTo: support@localhost\r\nSubject: Lamp\r\nMessage-ID: <{}@test.example>\r\nContent-Type: text/plain\r\n\r\nBroken.\r\n",
        crate::harness::unique("first")
    );
    let id = h
        .app
        .ingest_mail(first.as_bytes())
        .await
        .unwrap()
        .ticket()
        .unwrap();
    // The out-of-office answer to Rapport's acknowledgment names the ticket
    // by its subject tag.
    let ooo = format!(
        "From: ann@example.com\r\nTo: support@localhost\r\nSubject: Out of office: [#{}] Lamp\r\nAuto-Submitted: auto-replied\r\nMessage-ID: <{}@test.example>\r\nContent-Type: text/plain\r\n\r\nAway until Monday.\r\n",
        id.0,
        crate::harness::unique("ooo")
    );
    let outcome = h.app.ingest_mail(ooo.as_bytes()).await.unwrap();
    assert_eq!(outcome.ticket(), Some(id), "{outcome:?}");
    let mut agent = german_agent(h).await;
    let page = agent.get(&format!("/app/tickets/{}", id.0)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains(
            "Automatische Antwort erhalten (Auto-Submitted: auto-replied): Away until Monday."
        ),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains("Automatic reply received"),
        "{}",
        page.body
    );
    // An English reader reads English; the stored note (the API's) is unchanged.
    let mut english = Browser::new(h);
    english.sign_in("lead@test.example").await;
    let page = english.get(&format!("/app/tickets/{}", id.0)).await;
    assert!(
        page.body.contains(
            "Automatic reply received (Auto-Submitted: auto-replied): Away until Monday."
        ),
        "{}",
        page.body
    );
    let (_, detail) = h.get(&format!("/api/v1/tickets/{}", id.0), &h.agent).await;
    let texts: Vec<&str> = detail["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["body_text"].as_str())
        .collect();
    assert!(
        texts.contains(
            &"Automatic reply received (Auto-Submitted: auto-replied): Away until Monday."
        ),
        "{texts:?}"
    );
}
