//! The workspace in German in a real browser: an agent chooses German on
//! the Preferences page, then walks the inbox and a ticket page, each with
//! `lang="de"` on `<html>`, German words and German dates, and axe clean;
//! the portal's switcher turns the portal German too.

use super::{Session, mail_in};
use serde_json::Value;

/// The `lang` of the page's `<html>`.
async fn page_lang(s: &Session) -> String {
    match s
        .client
        .execute("return document.documentElement.lang;", vec![])
        .await
        .unwrap()
    {
        Value::String(lang) => lang,
        other => panic!("no lang: {other}"),
    }
}

pub(super) async fn the_workspace_walks_in_german_and_passes_axe(s: &Session) {
    let id = mail_in(
        &s.h,
        "Greta Lang",
        "greta@kunde.example",
        "Wasserkocher tropft",
        "<p>Mein Wasserkocher tropft seit Montag.</p>",
        "kocher.png",
    )
    .await;
    s.sign_in("agent@test.example").await;
    s.goto("/app/preferences").await;
    assert_eq!(page_lang(s).await, "en");
    s.accessible("preferences").await;
    s.click("#lang-de").await;
    s.follow("main button[type=submit]").await;
    assert_eq!(page_lang(s).await, "de");
    assert!(
        s.text()
            .await
            .contains("Ihre Einstellungen wurden gespeichert.")
    );
    s.accessible("preferences in German").await;
    s.goto("/app?view=unassigned").await;
    assert_eq!(page_lang(s).await, "de");
    let inbox = s.text().await;
    for words in [
        "Nicht zugewiesen",
        "Tickets durchsuchen",
        "Wasserkocher tropft",
        "Betreff",
    ] {
        assert!(inbox.contains(words), "{words}: {inbox}");
    }
    s.accessible("inbox in German").await;
    s.screenshot("inbox-de").await;
    s.follow(&format!("a[href='/app/tickets/{id}']")).await;
    assert_eq!(page_lang(s).await, "de");
    let page = s.text().await;
    for words in [
        "Verlauf",
        "Antwort an den Kunden",
        "Historie",
        "Mir zuweisen",
    ] {
        assert!(page.contains(words), "{words}: {page}");
    }
    assert!(
        page.contains(".2026, ") || page.contains(".2027, "),
        "a German date: {page}"
    );
    s.accessible("ticket page in German").await;
    s.screenshot("ticket-de").await;
    for path in ["/app/notifications", "/app/recovery", "/app/reports"] {
        s.goto(path).await;
        assert_eq!(page_lang(s).await, "de", "{path}");
        s.accessible(path).await;
    }
    // The portal: English for this browser until the switcher says German.
    s.goto("/portal/new").await;
    assert_eq!(page_lang(s).await, "en");
    s.follow("button[name=lang][value=de]").await;
    assert_eq!(page_lang(s).await, "de");
    assert!(s.text().await.contains("Wie können wir helfen?"));
    s.accessible("portal in German").await;
    s.goto("/portal/contact").await;
    assert_eq!(page_lang(s).await, "de", "remembered");
}
