//! The ticket page's priority and tags, the lists' bulk actions, and the
//! views My team and Promises due.

use crate::both_backends;
use crate::browser::{Browser, mail_in};
use crate::harness::Harness;
use axum::http::{Method, StatusCode};
use rapport_core::TicketId;
use serde_json::json;

both_backends!(
    priority_and_tags_are_set_on_the_ticket_page,
    bulk_actions_change_the_ticked_tickets_through_the_use_cases,
    my_team_and_promises_due_list_their_tickets,
    a_view_is_narrowed_by_team_and_status,
    a_view_is_narrowed_by_tag_priority_and_channel,
);

crate::both_backends_with!(super::always_open(); due_soon_and_breached_list_by_response_target);

/// A desk open around the clock, so due times fall within the test's hours.
fn always_open() -> rapport_app::AppConfig {
    let mut calendar = rapport_core::CalendarSpec::new("Around the clock", "Europe/Berlin");
    calendar.always_open = true;
    rapport_app::AppConfig {
        business: rapport_app::BusinessConfig {
            calendar,
            ..rapport_app::BusinessConfig::default()
        },
        ..rapport_app::AppConfig::default()
    }
}

async fn priority_and_tags_are_set_on_the_ticket_page(h: &Harness) {
    let id = mail_in(h, "Ann Lee", "ann@example.com", "Lamp", "Broken.").await;
    let at = format!("/app/tickets/{id}");
    let mut a = Browser::new(h);
    a.sign_in("agent@test.example").await;
    let refused = a
        .submit(&at, &format!("{at}/priority"), &[("priority", "urgent")])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "not theirs yet");
    let taken = a.submit(&at, &format!("{at}/assign-to-me"), &[]).await;
    assert_eq!(taken.status, StatusCode::SEE_OTHER);
    let set = a
        .submit(&at, &format!("{at}/priority"), &[("priority", "urgent")])
        .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", set.body);
    assert!(a.get(&at).await.body.contains("urgent priority"));
    let tagged = a
        .submit(&at, &format!("{at}/tags"), &[("add", "refund, vip ,")])
        .await;
    assert_eq!(tagged.status, StatusCode::SEE_OTHER, "{}", tagged.body);
    let ticket = h.store.ticket(TicketId(id)).await.unwrap();
    assert_eq!(ticket.tags, vec!["refund".to_string(), "vip".to_string()]);
    let page = a.get(&at).await;
    assert!(
        page.body.contains("<span class=\"tag\">vip</span>"),
        "{}",
        page.body
    );
    let removed = a
        .submit(&at, &format!("{at}/tags"), &[("remove", "vip")])
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert_eq!(
        h.store.ticket(TicketId(id)).await.unwrap().tags,
        vec!["refund".to_string()]
    );
    let bad = a
        .submit(&at, &format!("{at}/priority"), &[("priority", "whenever")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn bulk_actions_change_the_ticked_tickets_through_the_use_cases(h: &Harness) {
    let one = mail_in(h, "Ann Lee", "ann@example.com", "One", "1").await;
    let two = mail_in(h, "Bo Berg", "bo@example.com", "Two", "2").await;
    let three = mail_in(h, "Cy Dunn", "cy@example.com", "Three", "3").await;
    let mut a = Browser::new(h);
    a.sign_in("agent@test.example").await;
    let list = a.get("/app?view=unassigned").await;
    assert!(list.body.contains(&format!("name=\"ids\" value=\"{one}\"")));
    let csrf = list.csrf();
    let (one_s, two_s) = (one.to_string(), two.to_string());
    let done = a
        .post(
            "/app/bulk",
            &[
                ("csrf", &csrf),
                ("view", "unassigned"),
                ("ids", &one_s),
                ("ids", &two_s),
                ("assign", "me"),
                ("tags", "batch"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), "/app?view=unassigned&done=2&refused=0");
    let shown = a.get(done.location()).await;
    assert!(
        shown.body.contains("Done on 2 ticket(s)."),
        "{}",
        shown.body
    );
    for id in [one, two] {
        let t = h.store.ticket(TicketId(id)).await.unwrap();
        assert_eq!(t.owner_id, Some(h.agent_id));
        assert_eq!(t.tags, vec!["batch".to_string()]);
    }
    // Another agent's ticket refuses an agent's bulk move; the rest go on.
    let mut other = Browser::new(h);
    other.sign_in("other@test.example").await;
    let three_s = three.to_string();
    let csrf_other = other.get("/app").await.csrf();
    let taken = other
        .post(
            "/app/bulk",
            &[("csrf", &csrf_other), ("ids", &three_s), ("assign", "me")],
        )
        .await;
    assert_eq!(taken.location(), "/app?view=&done=1&refused=0");
    let mixed = a
        .post(
            "/app/bulk",
            &[
                ("csrf", &csrf),
                ("ids", &one_s),
                ("ids", &three_s),
                ("status", "pending"),
            ],
        )
        .await;
    assert_eq!(
        mixed.location(),
        "/app?view=&done=1&refused=1",
        "{}",
        mixed.body
    );
    assert_eq!(
        h.store.ticket(TicketId(three)).await.unwrap().owner_id,
        Some(h.other_agent_id),
        "untouched"
    );
    let none = a
        .post("/app/bulk", &[("csrf", &csrf), ("status", "open")])
        .await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    let nothing = a
        .post("/app/bulk", &[("csrf", &csrf), ("ids", &one_s)])
        .await;
    assert_eq!(nothing.status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn my_team_and_promises_due_list_their_tickets(h: &Harness) {
    let (s, b) = h
        .call(
            Method::PATCH,
            &format!("/api/v1/teams/{}", h.team.0),
            Some(&h.lead),
            Some(json!({"members": [h.agent_id.0]})),
        )
        .await;
    assert_eq!(s.as_u16(), 200, "{b}");
    let team_ticket = h.ticket("Team matter", Some(h.team)).await;
    let other_ticket = h.ticket("Billing matter", Some(h.team2)).await;
    let mut a = Browser::new(h);
    a.sign_in("agent@test.example").await;
    let team = a.get("/app?view=team").await;
    assert_eq!(team.status, StatusCode::OK);
    assert!(team.body.contains("Team matter"), "{}", team.body);
    assert!(!team.body.contains("Billing matter"));
    assert!(
        team.body.contains("My team<span class=\"count\">1</span>"),
        "{}",
        team.body
    );
    // A reply with a dated promise puts the ticket in Promises due.
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{other_ticket}/messages"),
            &h.agent,
            json!({"kind": "reply", "body": "Hi Ann, I will send you the invoice by Friday. Kind regards, Sam"}),
        )
        .await;
    assert_eq!(s.as_u16(), 201, "{b}");
    let promised = a.get("/app?view=promises").await;
    assert!(
        promised.body.contains("Billing matter"),
        "{}",
        promised.body
    );
    assert!(!promised.body.contains("Team matter"));
    assert!(
        promised
            .body
            .contains("Promises due<span class=\"count\">1</span>")
    );
    let _ = team_ticket;
    // An agent in two teams sees both teams' tickets in My team.
    let (s, b) = h
        .call(
            Method::PATCH,
            &format!("/api/v1/teams/{}", h.team2.0),
            Some(&h.lead),
            Some(json!({"members": [h.agent_id.0]})),
        )
        .await;
    assert_eq!(s.as_u16(), 200, "{b}");
    let both = a.get("/app?view=team").await;
    assert!(both.body.contains("Team matter"), "{}", both.body);
    assert!(both.body.contains("Billing matter"), "{}", both.body);
    assert!(
        both.body.contains("My team<span class=\"count\">2</span>"),
        "{}",
        both.body
    );
    // Someone in no team has an empty My team.
    let mut other = Browser::new(h);
    other.sign_in("other@test.example").await;
    let empty = other.get("/app?view=team").await;
    assert!(empty.body.contains("No tickets in this view."));
}

/// Due soon lists the open tickets whose response target falls due within
/// two hours, soonest first, with the due time in the business zone;
/// Breached those past it.
async fn due_soon_and_breached_list_by_response_target(h: &Harness) {
    for (name, position, priorities, first) in [
        ("Urgent", 1, json!(["urgent"]), 60),
        ("Rest", 2, json!([]), 600),
    ] {
        let (s, b) = h
            .post(
                "/api/v1/sla-policies",
                &h.admin,
                json!({"name": name, "position": position,
                       "conditions": {"priorities": priorities}, "first_response_minutes": first}),
            )
            .await;
        assert_eq!(s.as_u16(), 201, "{b}");
    }
    let urgent = h.ticket("Urgent matter", None).await;
    let calm = h.ticket("Calm matter", None).await;
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{urgent}/priority"),
            &h.lead,
            json!({"priority": "urgent"}),
        )
        .await;
    assert_eq!(s.as_u16(), 200, "{b}");
    let mut a = Browser::new(h);
    a.sign_in("agent@test.example").await;
    let soon = a.get("/app?view=due").await;
    assert_eq!(soon.status, StatusCode::OK);
    assert!(soon.body.contains("Urgent matter"), "{}", soon.body);
    assert!(!soon.body.contains("Calm matter"), "{}", soon.body);
    assert!(soon.body.contains("class=\"due\""), "{}", soon.body);
    assert!(
        soon.body.contains("Due soon<span class=\"count\">1</span>"),
        "{}",
        soon.body
    );
    let none = a.get("/app?view=breached").await;
    assert!(
        none.body.contains("No tickets in this view."),
        "{}",
        none.body
    );
    // The calm ticket's target passed (its due time moved into the past).
    let pool = sqlx::AnyPool::connect(&h.database_url).await.unwrap();
    sqlx::query("UPDATE tickets SET sla_due_at = $1 WHERE id = $2")
        .bind(rapport_core::Timestamp::now().0 - 60_000_000)
        .bind(calm)
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let breached = a.get("/app?view=breached").await;
    assert!(breached.body.contains("Calm matter"), "{}", breached.body);
    assert!(!breached.body.contains("Urgent matter"));
    assert!(breached.body.contains("overdue since"), "{}", breached.body);
}

/// The inbox's filter narrows a view to a team's queue and one status, and
/// its pages keep the filter; a status outside the view finds nothing; a
/// team or status that cannot be read is refused.
async fn a_view_is_narrowed_by_team_and_status(h: &Harness) {
    let billing = h.ticket("Charged twice", Some(h.team)).await;
    let loose = h.ticket("Where is my lamp", None).await;
    let mut b = Browser::new(h);
    b.sign_in("lead@test.example").await;
    let all = b.get("/app?view=open").await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    assert!(all.body.contains("Charged twice") && all.body.contains("Where is my lamp"));
    assert!(all.body.contains("id=\"filter-team\""), "{}", all.body);
    let team = h.team.0.to_string();
    let narrowed = b.get(&format!("/app?view=open&team={team}&status=")).await;
    assert_eq!(narrowed.status, StatusCode::OK, "{}", narrowed.body);
    assert!(narrowed.body.contains("Charged twice"), "{}", narrowed.body);
    assert!(
        !narrowed.body.contains("Where is my lamp"),
        "{}",
        narrowed.body
    );
    assert!(
        narrowed
            .body
            .contains(&format!("<option value=\"{team}\" selected>")),
        "the chosen team stays chosen"
    );
    let new = b.get("/app?view=open&status=new").await;
    assert!(new.body.contains("Charged twice") && new.body.contains("Where is my lamp"));
    // Waiting on customer lists pending tickets only: "new" is outside it.
    let outside = b.get("/app?view=waiting&status=new").await;
    assert_eq!(outside.status, StatusCode::OK);
    assert!(!outside.body.contains("Charged twice"));
    for bad in ["/app?view=open&team=billing", "/app?view=open&status=later"] {
        let refused = b.get(bad).await;
        assert_eq!(refused.status.as_u16() / 100, 4, "{bad}: {}", refused.body);
    }
    let _ = (billing, loose);
}

async fn a_view_is_narrowed_by_tag_priority_and_channel(h: &Harness) {
    let refund = h
        .ticket_with("Refund owed", ("urgent", "phone"), &["refund", "vip"])
        .await;
    let lamp = h
        .ticket_with("Lamp flickers", ("normal", "api"), &["hardware"])
        .await;
    let mut b = Browser::new(h);
    b.sign_in("lead@test.example").await;
    let only = |page: &crate::browser::Page, shown: &str, hidden: &str| {
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains(shown), "{shown} missing: {}", page.body);
        assert!(!page.body.contains(hidden), "{hidden} shown: {}", page.body);
    };
    only(
        &b.get("/app?view=open&tag=refund").await,
        "Refund owed",
        "Lamp flickers",
    );
    // A tag is matched in its stored form, whatever its case.
    only(
        &b.get("/app?view=open&tag=+VIP+").await,
        "Refund owed",
        "Lamp flickers",
    );
    only(
        &b.get("/app?view=open&tag=hardware").await,
        "Lamp flickers",
        "Refund owed",
    );
    only(
        &b.get("/app?view=open&priority=urgent").await,
        "Refund owed",
        "Lamp flickers",
    );
    only(
        &b.get("/app?view=open&channel=api").await,
        "Lamp flickers",
        "Refund owed",
    );
    let chosen = b
        .get("/app?view=open&priority=urgent&channel=phone&tag=refund")
        .await;
    only(&chosen, "Refund owed", "Lamp flickers");
    assert!(
        chosen.body.contains("<option value=\"urgent\" selected>"),
        "{}",
        chosen.body
    );
    assert!(
        chosen.body.contains("<option value=\"phone\" selected>"),
        "{}",
        chosen.body
    );
    assert!(
        chosen
            .body
            .contains("id=\"filter-tag\" name=\"tag\" value=\"refund\"")
    );
    let none = b.get("/app?view=open&priority=low&tag=refund").await;
    assert!(!none.body.contains("Refund owed") && !none.body.contains("Lamp flickers"));
    // A later page's links keep the whole filter.
    let later = b
        .get("/app?view=open&priority=urgent&channel=phone&tag=refund&after=99999999999999999.999999")
        .await;
    assert!(
        later
            .body
            .contains("&#38;priority=urgent&#38;channel=phone&#38;tag=refund"),
        "{}",
        later.body
    );
    // A tag added later narrows too (the tag index follows the ticket).
    let mut a = Browser::new(h);
    a.sign_in("agent@test.example").await;
    let at = format!("/app/tickets/{lamp}");
    let taken = a.submit(&at, &format!("{at}/assign-to-me"), &[]).await;
    assert_eq!(taken.status, StatusCode::SEE_OTHER, "{}", taken.body);
    let tagged = a
        .submit(&at, &format!("{at}/tags"), &[("add", "refund")])
        .await;
    assert_eq!(tagged.status, StatusCode::SEE_OTHER, "{}", tagged.body);
    let both = b.get("/app?view=open&tag=refund").await;
    assert!(both.body.contains("Lamp flickers") && both.body.contains("Refund owed"));
    let removed = a
        .submit(&at, &format!("{at}/tags"), &[("remove", "hardware")])
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.body);
    only(
        &a.get("/app?view=mine&tag=hardware").await,
        "No tickets",
        "Lamp flickers",
    );
    only(
        &a.get("/app?view=mine&tag=refund").await,
        "Lamp flickers",
        "No tickets",
    );
    // The German page offers the same filter in German.
    b.lang = Some("de".into());
    let german = b.get("/app?view=open").await;
    b.lang = None;
    for word in ["Jede Priorität", "Jeder Kanal", "Schlagwort", "dringend"] {
        assert!(german.body.contains(word), "{word}: {}", german.body);
    }
    for bad in [
        "/app?view=open&priority=later",
        "/app?view=open&channel=fax",
        "/app?view=open&tag=a+b",
    ] {
        let refused = b.get(bad).await;
        assert_eq!(refused.status.as_u16() / 100, 4, "{bad}: {}", refused.body);
    }
    let _ = refund;
}
