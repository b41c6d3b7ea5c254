//! The agent workspace: sign-in, views with counts, the ticket page and its
//! actions, each a plain form.

use crate::both_backends;
use crate::browser::{Browser, mail_in};
use crate::harness::Harness;
use axum::http::StatusCode;

both_backends!(
    an_agent_signs_in_and_sees_a_mailed_in_ticket_in_unassigned,
    wrong_password_shows_the_form_again_and_sets_no_session,
    reply_with_a_blocking_phrase_shows_the_coach_and_asks_for_a_reason,
    notes_are_set_apart_and_assign_to_me_takes_the_ticket,
    transfer_needs_a_hand_off_note_and_shows_it_in_the_history,
    a_lead_assigns_an_unowned_ticket_to_an_agent,
    status_changes_and_views_follow,
    views_are_keyset_paged,
    sign_out_ends_the_session_everywhere,
);

async fn an_agent_signs_in_and_sees_a_mailed_in_ticket_in_unassigned(h: &Harness) {
    let id = mail_in(
        h,
        "Ann Lee",
        "ann@example.com",
        "Broken kettle",
        "It leaks.",
    )
    .await;
    let mut b = Browser::new(h);
    let first = b.get("/app").await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert_eq!(first.location(), "/app/sign-in");
    b.sign_in("agent@test.example").await;
    let inbox = b.get("/app?view=unassigned").await;
    assert_eq!(inbox.status, StatusCode::OK, "{}", inbox.body);
    assert!(inbox.body.contains("Broken kettle"), "{}", inbox.body);
    assert!(inbox.body.contains("Ann Lee"));
    assert!(
        inbox
            .body
            .contains("Unassigned<span class=\"count\">1</span>"),
        "{}",
        inbox.body
    );
    assert!(inbox.body.contains("Mine<span class=\"count\">0</span>"));
    let customer = h
        .store
        .ticket(rapport_core::TicketId(id))
        .await
        .unwrap()
        .customer_id;
    let tier = vec![("tier".to_string(), Some("<b>gold</b>".to_string()))];
    h.store
        .set_customer_attributes(customer, &tier)
        .await
        .unwrap();
    let page = b.get(&format!("/app/tickets/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("It leaks."));
    assert!(page.body.contains("ann@example.com"), "the customer panel");
    assert!(
        page.body
            .contains("<dt>tier</dt><dd>&#60;b&#62;gold&#60;/b&#62;</dd>"),
        "the customer's attributes, escaped: {}",
        page.body
    );
    assert!(page.body.contains("opened the ticket"), "the history");
    let missing = b.get("/app/tickets/999999").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

async fn wrong_password_shows_the_form_again_and_sets_no_session(h: &Harness) {
    let mut b = Browser::new(h);
    let page = b
        .submit(
            "/app/sign-in",
            "/app/sign-in",
            &[("email", "agent@test.example"), ("password", "wrong")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    assert!(page.body.contains("wrong e-mail or password"));
    assert!(
        page.body.contains("value=\"agent@test.example\""),
        "the e-mail is kept"
    );
    assert!(!b.cookies.contains_key("rapport_agent"));
    assert_eq!(b.get("/app").await.status, StatusCode::SEE_OTHER);
}

async fn reply_with_a_blocking_phrase_shows_the_coach_and_asks_for_a_reason(h: &Harness) {
    let id = mail_in(
        h,
        "Ann Lee",
        "ann@example.com",
        "Refund",
        "I want my money back.",
    )
    .await;
    let mut b = Browser::new(h);
    b.sign_in("agent@test.example").await;
    let at = format!("/app/tickets/{id}");
    let draft = "Hi Ann, sorry, that's our policy and refunds take time.";
    let refused = b
        .submit(&at, &format!("{at}/reply"), &[("body", draft)])
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(refused.body.contains("The reply coach stopped this reply"));
    assert!(
        refused.body.contains("that&#39;s our policy")
            || refused.body.contains("that&#x27;s our policy"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("name=\"override_reason\""));
    assert!(
        refused.body.contains("refunds take time"),
        "the draft is kept"
    );
    let before = h
        .store
        .messages(rapport_core::TicketId(id))
        .await
        .unwrap()
        .len();
    assert_eq!(before, 1, "nothing was sent");
    let sent = b
        .submit(
            &at,
            &format!("{at}/reply"),
            &[
                ("body", draft),
                ("override_reason", "the customer asked for the rule"),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert_eq!(sent.location(), at);
    let page = b.get(&at).await;
    assert!(page.body.contains("refunds take time"));
    assert!(
        page.body
            .contains("because: the customer asked for the rule")
    );
    let clean = b
        .submit(
            &at,
            &format!("{at}/reply"),
            &[("body", "Hi Ann, I have sent the refund today.")],
        )
        .await;
    assert_eq!(clean.status, StatusCode::SEE_OTHER);
    assert_eq!(
        h.store
            .messages(rapport_core::TicketId(id))
            .await
            .unwrap()
            .len(),
        3
    );
}

async fn notes_are_set_apart_and_assign_to_me_takes_the_ticket(h: &Harness) {
    let id = mail_in(
        h,
        "Bo Berg",
        "bo@example.com",
        "Where is my parcel",
        "Still nothing.",
    )
    .await;
    let mut b = Browser::new(h);
    b.sign_in("agent@test.example").await;
    let at = format!("/app/tickets/{id}");
    let taken = b.submit(&at, &format!("{at}/assign-to-me"), &[]).await;
    assert_eq!(taken.status, StatusCode::SEE_OTHER, "{}", taken.body);
    let noted = b
        .submit(
            &at,
            &format!("{at}/note"),
            &[("body", "Courier says Tuesday.")],
        )
        .await;
    assert_eq!(noted.status, StatusCode::SEE_OTHER);
    let page = b.get(&at).await;
    assert!(
        page.body.contains("class=\"message internal\""),
        "{}",
        page.body
    );
    assert!(page.body.contains("Courier says Tuesday."));
    assert!(page.body.contains("owner: agent@test.example"));
    assert!(
        !page.body.contains("id=\"assign-to-me\""),
        "an owned ticket offers no take"
    );
    let mine = b.get("/app?view=mine").await;
    assert!(mine.body.contains("Where is my parcel"));
    let empty = b
        .submit(&at, &format!("{at}/note"), &[("body", "   ")])
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        empty.body.contains("body: must not be empty"),
        "{}",
        empty.body
    );
}

async fn transfer_needs_a_hand_off_note_and_shows_it_in_the_history(h: &Harness) {
    let id = mail_in(
        h,
        "Cy Dahl",
        "cy@example.com",
        "Invoice wrong",
        "Billed twice.",
    )
    .await;
    let mut b = Browser::new(h);
    b.sign_in("agent@test.example").await;
    let at = format!("/app/tickets/{id}");
    b.submit(&at, &format!("{at}/assign-to-me"), &[]).await;
    let to = h.other_agent_id.0.to_string();
    let refused = b
        .submit(
            &at,
            &format!("{at}/transfer"),
            &[("to_agent", &to), ("note", "")],
        )
        .await;
    assert_eq!(refused.status.as_u16() / 100, 4, "{}", refused.body);
    assert!(refused.body.contains("hand-off"), "{}", refused.body);
    let ticket = h.store.ticket(rapport_core::TicketId(id)).await.unwrap();
    assert_eq!(ticket.owner_id, Some(h.agent_id), "nothing moved");
    let moved = b
        .submit(
            &at,
            &format!("{at}/transfer"),
            &[
                ("to_agent", &to),
                ("note", "Billed twice in March; refund one."),
            ],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    let mut other = Browser::new(h);
    other.sign_in("other@test.example").await;
    let mine = other.get("/app?view=mine").await;
    assert!(mine.body.contains("Invoice wrong"));
    let page = other.get(&at).await;
    assert!(
        page.body
            .contains("hand-off note: Billed twice in March; refund one.")
    );
}

/// A lead gives a queue ticket to an agent from the ticket page; an agent
/// sees no such form (and is refused if they post it); an owned ticket
/// moves only by a transfer.
async fn a_lead_assigns_an_unowned_ticket_to_an_agent(h: &Harness) {
    let id = mail_in(h, "Flo Gray", "flo@example.com", "Lost voucher", "Code?").await;
    let at = format!("/app/tickets/{id}");
    let to = h.other_agent_id.0.to_string();
    let mut agent = Browser::new(h);
    agent.sign_in("agent@test.example").await;
    let page = agent.get(&at).await;
    assert!(page.body.contains("id=\"assign-to-me\""), "{}", page.body);
    assert!(!page.body.contains("id=\"assign-to\""), "{}", page.body);
    let refused = agent
        .submit(&at, &format!("{at}/assign"), &[("agent", &to)])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    let ticket = h.store.ticket(rapport_core::TicketId(id)).await.unwrap();
    assert_eq!(ticket.owner_id, None, "nothing moved");
    let mut lead = Browser::new(h);
    lead.sign_in("lead@test.example").await;
    let page = lead.get(&at).await;
    assert!(page.body.contains("id=\"assign-to\""), "{}", page.body);
    let given = lead
        .submit(&at, &format!("{at}/assign"), &[("agent", &to)])
        .await;
    assert_eq!(given.status, StatusCode::SEE_OTHER, "{}", given.body);
    let ticket = h.store.ticket(rapport_core::TicketId(id)).await.unwrap();
    assert_eq!(ticket.owner_id, Some(h.other_agent_id));
    let page = lead.get(&at).await;
    assert!(
        !page.body.contains("id=\"assign-to\""),
        "owned: a transfer moves it"
    );
    let again = lead
        .submit(
            &at,
            &format!("{at}/assign"),
            &[("agent", &h.agent_id.0.to_string())],
        )
        .await;
    assert_eq!(again.status.as_u16() / 100, 4, "{}", again.body);
    let ticket = h.store.ticket(rapport_core::TicketId(id)).await.unwrap();
    assert_eq!(ticket.owner_id, Some(h.other_agent_id), "still theirs");
}

async fn status_changes_and_views_follow(h: &Harness) {
    let id = mail_in(h, "Di Eck", "di@example.com", "Size question", "Is M big?").await;
    let mut b = Browser::new(h);
    b.sign_in("agent@test.example").await;
    let at = format!("/app/tickets/{id}");
    b.submit(&at, &format!("{at}/assign-to-me"), &[]).await;
    let pending = b
        .submit(&at, &format!("{at}/status"), &[("status", "pending")])
        .await;
    assert_eq!(pending.status, StatusCode::SEE_OTHER, "{}", pending.body);
    let waiting = b.get("/app?view=waiting").await;
    assert!(waiting.body.contains("Size question"));
    assert!(
        waiting
            .body
            .contains("Waiting on customer<span class=\"count\">1</span>")
    );
    let bad = b
        .submit(&at, &format!("{at}/status"), &[("status", "sleeping")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let bad_view = b.get("/app?view=everything").await;
    assert_eq!(bad_view.status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn views_are_keyset_paged(h: &Harness) {
    for n in 0..53 {
        mail_in(
            h,
            "Ed Fox",
            &format!("ed{n}@example.com"),
            &format!("Request {n:02}"),
            "Hello",
        )
        .await;
    }
    let mut b = Browser::new(h);
    b.sign_in("agent@test.example").await;
    let first = b.get("/app?view=unassigned&sort=created_asc").await;
    assert!(first.body.contains("Request 00"));
    assert!(first.body.contains("Request 49"));
    assert!(!first.body.contains("Request 50"));
    assert!(
        first
            .body
            .contains("Unassigned<span class=\"count\">53</span>")
    );
    let marker = "&amp;after=";
    let start = first.body.find(marker).expect("a next page link") + marker.len();
    let end = first.body[start..].find('"').unwrap();
    let cursor = &first.body[start..start + end];
    let second = b
        .get(&format!(
            "/app?view=unassigned&sort=created_asc&after={cursor}"
        ))
        .await;
    assert!(second.body.contains("Request 50"));
    assert!(second.body.contains("Request 52"));
    assert!(!second.body.contains("Request 49"));
    assert!(!second.body.contains("rel=\"next\""));
}

async fn sign_out_ends_the_session_everywhere(h: &Harness) {
    let mut b = Browser::new(h);
    b.sign_in("agent@test.example").await;
    let token = b.cookies["rapport_agent"].clone();
    let out = b.submit("/app", "/app/sign-out", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(!b.cookies.contains_key("rapport_agent"));
    let mut stolen = Browser::new(h);
    stolen.cookies.insert("rapport_agent".into(), token);
    assert_eq!(stolen.get("/app").await.location(), "/app/sign-in");
}
