//! The coach's suggestions in the reader's language: the composer's live
//! box (the HTML twin the script asks as the agent types), the ticket page
//! when a blocking finding stops a reply, and the template editor. The
//! wording the Apply button puts in the (English) draft stays the coach's;
//! the JSON API keeps its English suggestion and adds the code. Runs on
//! SQLite and PostgreSQL.

use crate::both_backends;
use crate::browser::{Browser, mail_in};
use crate::german_words::{german_agent, speaks_german};
use crate::harness::Harness;
use axum::http::StatusCode;
use serde_json::json;

both_backends!(
    the_coach_suggests_in_the_agent_s_language,
    the_template_editor_s_suggestions_follow_the_reader,
);

const DRAFT: &str = "Hi Ann, sorry, that's our policy. I will send you the refund by Friday.";

async fn the_coach_suggests_in_the_agent_s_language(h: &Harness) {
    let id = mail_in(
        h,
        "Ann Lee",
        "ann@example.com",
        "Refund",
        "Where is my refund?",
    )
    .await;
    let at = format!("/app/tickets/{id}");
    // A German agent whose browser asks for English.
    let mut german = german_agent(h).await;
    let page = german.get(&at).await;
    let csrf = page.csrf();

    // The live box, as the composer's script asks for it.
    let live = german
        .post(&format!("{at}/coach"), &[("csrf", &csrf), ("draft", DRAFT)])
        .await;
    assert_eq!(live.status, StatusCode::OK, "{}", live.body);
    assert!(
        live.body
            .contains("Vorschlag: Sagen Sie, was Sie tun können: „What I can do is ...“"),
        "{}",
        live.body
    );
    assert!(!live.body.contains("say what you can do"), "{}", live.body);
    // Apply puts the coach's wording in the English draft.
    assert!(
        live.body
            .contains("data-replacement=\"What I can do is ...\""),
        "{}",
        live.body
    );

    // A blocked reply on the ticket page lists the findings in German.
    let blocked = german
        .submit(&at, &format!("{at}/reply"), &[("body", DRAFT)])
        .await;
    assert!(
        blocked.body.contains("Sagen Sie, was Sie tun können"),
        "{}",
        blocked.body
    );
    assert!(
        !blocked.body.contains("say what you can do"),
        "{}",
        blocked.body
    );

    // An English agent reads the coach's own sentence.
    let mut english = Browser::new(h);
    english.sign_in("lead@test.example").await;
    let page = english.get(&at).await;
    let csrf = page.csrf();
    let live = english
        .post(&format!("{at}/coach"), &[("csrf", &csrf), ("draft", DRAFT)])
        .await;
    assert!(
        live.body
            .contains("Try: say what you can do: &quot;What I can do is ...&quot;")
            || live
                .body
                .contains("Try: say what you can do: &#34;What I can do is ...&#34;"),
        "{}",
        live.body
    );

    // The API keeps the English sentence and names its code.
    let (s, b) = h
        .post(
            "/api/v1/coach",
            &h.agent,
            json!({"draft": DRAFT, "ticket_id": id}),
        )
        .await;
    assert_eq!(s.as_u16(), 200, "{b}");
    let wall = b["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["suggestion_code"] == "say_what_you_can")
        .unwrap_or_else(|| panic!("{b}"));
    assert_eq!(
        wall["suggestion"],
        "say what you can do: \"What I can do is ...\""
    );
}

async fn the_template_editor_s_suggestions_follow_the_reader(h: &Harness) {
    speaks_german(h, h.lead_id, None).await;
    let mut b = Browser::new(h);
    b.sign_in("lead@test.example").await;
    let from = "/app/admin/template-new?name=policy";
    let opened = b.get(from).await;
    let at = opened.location().to_string();
    let rude = "Hi {{ customer_first_name }}, calm down, that's our policy. Best, {{ agent_name }}";
    let checked = b
        .submit(
            &at,
            &at,
            &[("subject", "Policy"), ("body", rude), ("action", "check")],
        )
        .await;
    assert_eq!(checked.status, StatusCode::OK, "{}", checked.body);
    assert!(
        checked.body.contains(
            "Vorschlag: Nehmen Sie das Anliegen ernst: „I understand this is frustrating.“"
        ),
        "{}",
        checked.body
    );
    assert!(
        !checked.body.contains("acknowledge the concern"),
        "{}",
        checked.body
    );
}
