//! The workspace and the portal in the reader's language: an agent who
//! chose German on the Preferences page reads the inbox and the ticket page
//! in German (dates in the German format, statuses and history as words),
//! whatever their browser says; without a choice the browser's language
//! applies; the portal's switcher remembers a visitor's choice and stores a
//! signed-in customer's. Every test runs on SQLite and PostgreSQL.

use crate::both_backends;
use crate::browser::{Browser, mail_in};
use crate::harness::Harness;
use axum::http::StatusCode;

both_backends!(
    a_german_agent_reads_the_inbox_and_the_ticket_page_in_german,
    the_portal_switcher_remembers_the_choice,
);

/// Whether `text` holds a date and time as German readers write them
/// ("05.12.2026, 14:05").
fn has_german_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.windows(17).any(|w| {
        let digit = |i: usize| w[i].is_ascii_digit();
        digit(0)
            && digit(1)
            && w[2] == b'.'
            && digit(3)
            && digit(4)
            && w[5] == b'.'
            && (6..10).all(digit)
            && w[10] == b','
            && w[11] == b' '
            && digit(12)
            && digit(13)
            && w[14] == b':'
            && digit(15)
            && digit(16)
    })
}

/// Whether `text` holds an English date and time ("5 Dec 2026, 14:05").
fn has_english_date(text: &str) -> bool {
    [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .any(|m| {
        text.match_indices(&format!(" {m} 20")).any(|(at, _)| {
            text[at + m.len() + 6..].starts_with(", ")
                && text[..at].ends_with(|c: char| c.is_ascii_digit())
        })
    })
}

async fn a_german_agent_reads_the_inbox_and_the_ticket_page_in_german(h: &Harness) {
    let ticket = mail_in(
        h,
        "Greta Lang",
        "greta@kunde.example",
        "Lampe kaputt",
        "Die Lampe ist kaputt.",
    )
    .await;
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{ticket}/tags"),
            &h.agent,
            serde_json::json!({"add": ["lampe"]}),
        )
        .await;
    assert_eq!(s.as_u16(), 200, "{b}");
    let mut b = Browser::new(h);
    b.lang = Some("en-GB,en;q=0.9".into());
    b.sign_in("agent@test.example").await;
    // English before: the browser's language.
    let inbox = b.get("/app?view=unassigned").await;
    assert!(inbox.body.contains("<html lang=\"en\">"));
    assert!(inbox.body.contains("Search tickets"), "{}", inbox.body);
    assert!(has_english_date(&inbox.body), "{}", inbox.body);
    // The Preferences page: choose German.
    let prefs = b.get("/app/preferences").await;
    assert_eq!(prefs.status, StatusCode::OK);
    assert!(
        prefs.body.contains("Deutsch") && prefs.body.contains("My browser"),
        "{}",
        prefs.body
    );
    let saved = b
        .submit(
            "/app/preferences",
            "/app/preferences",
            &[("language", "de"), ("time_zone", "")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let prefs = b.get(saved.location()).await;
    assert!(
        prefs
            .body
            .contains("Ihre Einstellungen wurden gespeichert."),
        "{}",
        prefs.body
    );
    assert_eq!(
        h.get(&format!("/api/v1/agents/{}", h.agent_id.0), &h.admin)
            .await
            .1["language"],
        "de"
    );
    // The inbox in German, though the browser still asks for English.
    let inbox = b.get("/app?view=unassigned").await;
    assert!(inbox.body.contains("<html lang=\"de\">"), "{}", inbox.body);
    for words in [
        "Nicht zugewiesen",
        "Tickets durchsuchen",
        "Sortieren",
        "Zuletzt geänderte zuerst",
        "Markierte zuweisen",
        "Betreff",
        "Zuständig",
        "Abmelden",
        "Einstellungen",
        ">neu<",
        "Lampe kaputt",
    ] {
        assert!(inbox.body.contains(words), "{words}: {}", inbox.body);
    }
    assert!(
        has_german_date(&inbox.body),
        "a date as 05.12.2026, 14:05: {}",
        inbox.body
    );
    for english in [
        "Search tickets",
        "Unassigned",
        "Sign out",
        "No tickets in this view",
    ] {
        assert!(!inbox.body.contains(english), "{english} left in English");
    }
    // The ticket page.
    let page = b.get(&format!("/app/tickets/{ticket}")).await;
    assert_eq!(page.status, StatusCode::OK);
    for words in [
        "Verlauf",
        "Antwort an den Kunden",
        "Antwort senden",
        "Interne Notiz",
        "Mir zuweisen",
        "Übergeben an",
        "Schlagwörter",
        "Historie",
        "Priorität normal",
        "über E-Mail",
        "hat das Ticket eröffnet (über E-Mail)",
        "Tastenkürzel",
        "Nachricht von Greta Lang",
    ] {
        assert!(page.body.contains(words), "{words}: {}", page.body);
    }
    assert!(has_german_date(&page.body), "{}", page.body);
    for english in [
        "Conversation",
        "Reply to the customer",
        "Assign to me",
        "opened the ticket",
    ] {
        assert!(!page.body.contains(english), "{english} left in English");
    }
    // A refusal reads in German too (the error page of a missing ticket).
    let missing = b.get("/app/tickets/999999").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(
        missing.body.contains("Nicht gefunden") && missing.body.contains("<html lang=\"de\">"),
        "{}",
        missing.body
    );
    // Back to the browser's language: English again.
    let saved = b
        .submit(
            "/app/preferences",
            "/app/preferences",
            &[("language", ""), ("time_zone", "")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let inbox = b.get("/app?view=unassigned").await;
    assert!(inbox.body.contains("Search tickets"));
    // No choice stored, a German browser: German.
    b.lang = Some("de-DE,de;q=0.9".into());
    let inbox = b.get("/app?view=unassigned").await;
    assert!(inbox.body.contains("Tickets durchsuchen"), "{}", inbox.body);
    // A bad language from the form is refused, nothing stored.
    let bad = b
        .submit(
            "/app/preferences",
            "/app/preferences",
            &[("language", "xx"), ("time_zone", "")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(
        h.get(&format!("/api/v1/agents/{}", h.agent_id.0), &h.admin)
            .await
            .1["language"]
            .is_null()
    );
}

async fn the_portal_switcher_remembers_the_choice(h: &Harness) {
    let mut b = Browser::new(h);
    let form = b.get("/portal/new").await;
    assert!(form.body.contains("<html lang=\"en\">"));
    assert!(form.body.contains("Ask us for help"));
    assert!(
        form.body.contains("action=\"/portal/language\""),
        "a switcher: {}",
        form.body
    );
    let csrf = form.csrf();
    let chose = b
        .post("/portal/language", &[("csrf", &csrf), ("lang", "de")])
        .await;
    assert_eq!(chose.status, StatusCode::SEE_OTHER, "{}", chose.body);
    assert!(chose.location().starts_with("/portal"));
    // Remembered: German without any Accept-Language.
    for path in ["/portal/new", "/portal/sign-in", "/portal/contact"] {
        let page = b.get(path).await;
        assert!(
            page.body.contains("<html lang=\"de\">"),
            "{path}: {}",
            page.body
        );
    }
    let page = b.get("/portal/new").await;
    assert!(
        page.body.contains("Wie können wir helfen?"),
        "{}",
        page.body
    );
    // A bad choice is refused.
    let csrf = page.csrf();
    let bad = b
        .post("/portal/language", &[("csrf", &csrf), ("lang", "xx")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A signed-in customer's choice is stored on the customer: mail and
    // other browsers follow it.
    let ticket = mail_in(h, "Ann Lee", "ann@example.com", "Lamp", "Broken.").await;
    let (_, t) = h.get(&format!("/api/v1/tickets/{ticket}"), &h.agent).await;
    let customer = t["ticket"]["customer_id"].as_i64().unwrap();
    let path = format!("/api/v1/customers/{customer}");
    assert!(h.get(&path, &h.agent).await.1["language"].is_null());
    let mut signed = Browser::new(h);
    let (subject, link) = sign_in_mail(h, &mut signed, "ann@example.com").await;
    assert!(subject.starts_with("Your sign-in link"), "{subject}");
    let page = signed.get(&link).await;
    let csrf = page.csrf();
    let _ = signed.post(&link, &[("csrf", &csrf)]).await;
    let list = signed.get("/portal").await;
    assert!(list.body.contains("<html lang=\"en\">"), "{}", list.body);
    let csrf = list.csrf();
    let chose = signed
        .post("/portal/language", &[("csrf", &csrf), ("lang", "de")])
        .await;
    assert_eq!(chose.status, StatusCode::SEE_OTHER);
    assert_eq!(h.get(&path, &h.agent).await.1["language"], "de");
    signed.cookies.remove("rapport_lang");
    signed.lang = Some("en-GB".into());
    let list = signed.get("/portal").await;
    assert!(
        list.body.contains("Meine Anfragen"),
        "stored, not the cookie: {}",
        list.body
    );
    let page = signed.get(&format!("/portal/tickets/{ticket}")).await;
    assert!(
        page.body.contains(">neu<"),
        "the status as a word: {}",
        page.body
    );
    // The next sign-in link is mailed in German.
    let mut other = Browser::new(h);
    other.lang = Some("en-GB".into());
    let (subject, _) = sign_in_mail(h, &mut other, "ann@example.com").await;
    assert!(subject.starts_with("Ihr Anmeldelink"), "{subject}");
}

/// Asks for a sign-in link for `email`; returns the mail's subject and the link.
async fn sign_in_mail(h: &Harness, b: &mut Browser<'_>, email: &str) -> (String, String) {
    let sent = b
        .submit("/portal/sign-in", "/portal/sign-in", &[("email", email)])
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let pool = sqlx::AnyPool::connect(&h.database_url).await.unwrap();
    let raw: Vec<u8> = sqlx::query_scalar(
        "SELECT raw FROM outbox WHERE kind = 'sign_in_link' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    pool.close().await;
    let parsed = rapport_mail::parse(&raw).unwrap();
    let start = parsed.text.find("/portal/link/").unwrap();
    let link: String = parsed.text[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    (parsed.subject, link)
}
