//! The admin pages under `/app/admin`, driven as a browser without
//! JavaScript: agents get 403 and no link; leads and admins manage teams,
//! admins agents; a form without its CSRF token changes nothing; API
//! tokens show their secret once; templates are refused as the API refuses
//! them, with the text kept and the coach's findings beside it; held mail
//! is read as escaped text, downloaded raw and released; the mail status
//! page shows what the poller recorded.

use crate::both_backends;
use crate::browser::Browser;
use crate::harness::Harness;
use axum::http::{StatusCode, header};

both_backends!(
    agents_get_403_and_no_admin_link,
    admins_manage_agents_and_teams_and_leads_only_teams,
    an_admin_form_without_its_csrf_token_changes_nothing,
    a_token_secret_is_shown_once_and_revoking_ends_it,
    templates_are_checked_beside_the_text_and_refusals_keep_it,
    held_mail_is_read_as_text_downloaded_and_released,
    the_mail_status_page_shows_the_pollers_record,
);

const PAGES: &[&str] = &[
    "/app/admin",
    "/app/admin/agents",
    "/app/admin/tokens",
    "/app/admin/templates",
    "/app/admin/templates/acknowledgment",
    "/app/admin/quarantine",
    "/app/admin/mail",
];

async fn team_count(h: &Harness) -> usize {
    let (_, teams) = h.get("/api/v1/teams", &h.admin).await;
    teams.as_array().unwrap().len()
}

async fn agents_get_403_and_no_admin_link(h: &Harness) {
    let mut b = Browser::new(h);
    b.sign_in("agent@test.example").await;
    let inbox = b.get("/app").await;
    assert!(
        !inbox.body.contains("href=\"/app/admin\""),
        "{}",
        inbox.body
    );
    for path in PAGES {
        let page = b.get(path).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}: {}", page.body);
    }
    let before = team_count(h).await;
    let refused = b
        .submit("/app", "/app/admin/teams", &[("name", "Agents' own")])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    let after = team_count(h).await;
    assert_eq!(before, after);

    // Leads see the link and their pages, not the admins' mail pages.
    let mut lead = Browser::new(h);
    lead.sign_in("lead@test.example").await;
    assert!(lead.get("/app").await.body.contains("href=\"/app/admin\""));
    for path in &PAGES[..5] {
        assert_eq!(lead.get(path).await.status, StatusCode::OK, "{path}");
    }
    for path in &PAGES[5..] {
        assert_eq!(lead.get(path).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    let mut admin = Browser::new(h);
    admin.sign_in("admin@test.example").await;
    for path in PAGES {
        let page = admin.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
    }
}

async fn agent_json(h: &Harness, email: &str) -> serde_json::Value {
    let (_, list) = h.get("/api/v1/agents", &h.admin).await;
    list.as_array()
        .unwrap()
        .iter()
        .find(|a| a["email"] == email)
        .cloned()
        .unwrap_or(serde_json::Value::Null)
}

async fn admins_manage_agents_and_teams_and_leads_only_teams(h: &Harness) {
    let mut b = Browser::new(h);
    b.sign_in("admin@test.example").await;
    let from = "/app/admin/agents";
    let created = b
        .submit(
            from,
            "/app/admin/agents",
            &[
                ("name", "Dana <b>Scully</b>"),
                ("email", "dana@test.example"),
                ("role", "agent"),
                ("password", "a long enough password"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let page = b.get(created.location()).await;
    assert!(page.body.contains("The agent was created."));
    assert!(
        page.body.contains("Dana &#60;b&#62;Scully&#60;/b&#62;")
            || page.body.contains("Dana &lt;b&gt;Scully&lt;/b&gt;"),
        "escaped"
    );
    assert!(!page.body.contains("<b>Scully</b>"));
    let dana = agent_json(h, "dana@test.example").await;
    assert_eq!(dana["role"], "agent");
    let id = dana["id"].as_i64().unwrap();

    // A duplicate e-mail is refused on the page, with the reason.
    let again = b
        .submit(
            from,
            "/app/admin/agents",
            &[
                ("name", "Dana"),
                ("email", "dana@test.example"),
                ("role", "agent"),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    assert!(again.body.contains("notice error"), "{}", again.body);
    // A role that does not exist is a 422, not a 500.
    let bad = b
        .submit(
            from,
            &format!("/app/admin/agents/{id}"),
            &[("role", "boss")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);

    let promoted = b
        .submit(
            from,
            &format!("/app/admin/agents/{id}"),
            &[("role", "lead")],
        )
        .await;
    assert_eq!(promoted.status, StatusCode::SEE_OTHER, "{}", promoted.body);
    assert_eq!(agent_json(h, "dana@test.example").await["role"], "lead");
    let off = b
        .submit(
            from,
            &format!("/app/admin/agents/{id}"),
            &[("active", "false")],
        )
        .await;
    assert_eq!(off.status, StatusCode::SEE_OTHER);
    assert_eq!(agent_json(h, "dana@test.example").await["active"], false);
    assert!(b.get(from).await.body.contains("deactivated"));
    let on = b
        .submit(
            from,
            &format!("/app/admin/agents/{id}"),
            &[("active", "true")],
        )
        .await;
    assert_eq!(on.status, StatusCode::SEE_OTHER);
    assert_eq!(agent_json(h, "dana@test.example").await["active"], true);

    // A lead creates, renames and staffs a team, but cannot create agents.
    let mut lead = Browser::new(h);
    lead.sign_in("lead@test.example").await;
    let page = lead.get(from).await;
    assert!(!page.body.contains("New agent"), "no agent form for leads");
    let refused = lead
        .submit(
            from,
            "/app/admin/agents",
            &[
                ("name", "Eve"),
                ("email", "eve@test.example"),
                ("role", "admin"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert!(agent_json(h, "eve@test.example").await.is_null());
    let made = lead
        .submit(from, "/app/admin/teams", &[("name", "Returns")])
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let (_, teams) = h.get("/api/v1/teams", &h.admin).await;
    let team = teams
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "Returns")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let renamed = lead
        .submit(
            from,
            &format!("/app/admin/teams/{team}"),
            &[("name", "Refunds")],
        )
        .await;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER);
    let members = [id.to_string(), h.agent_id.0.to_string()];
    let staffed = lead
        .submit(
            from,
            &format!("/app/admin/teams/{team}/members"),
            &[("member", &members[0]), ("member", &members[1])],
        )
        .await;
    assert_eq!(staffed.status, StatusCode::SEE_OTHER, "{}", staffed.body);
    let (_, t) = h.get(&format!("/api/v1/teams/{team}"), &h.admin).await;
    assert_eq!(t["name"], "Refunds");
    let mut got: Vec<i64> = t["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_i64().unwrap())
        .collect();
    got.sort();
    let mut want = vec![id, h.agent_id.0];
    want.sort();
    assert_eq!(got, want, "{t}");
    // The agent's row names the team.
    let page = lead.get(from).await;
    assert!(page.body.contains("Refunds"));
    // Ticking no one empties the team; a bad id is a 422.
    let bad = lead
        .submit(
            from,
            &format!("/app/admin/teams/{team}/members"),
            &[("member", "x")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    let emptied = lead
        .submit(from, &format!("/app/admin/teams/{team}/members"), &[])
        .await;
    assert_eq!(emptied.status, StatusCode::SEE_OTHER);
    let (_, t) = h.get(&format!("/api/v1/teams/{team}"), &h.admin).await;
    assert_eq!(t["members"], serde_json::json!([]));
}

async fn an_admin_form_without_its_csrf_token_changes_nothing(h: &Harness) {
    let mut b = Browser::new(h);
    b.sign_in("admin@test.example").await;
    let fields = [
        ("name", "Mallory"),
        ("email", "mallory@test.example"),
        ("role", "admin"),
    ];
    let page = b.post("/app/admin/agents", &fields).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN, "{}", page.body);
    assert_eq!(page.headers["x-error-code"], "csrf_failed");
    assert!(agent_json(h, "mallory@test.example").await.is_null());
    let page = b
        .post("/app/admin/tokens", &[("name", "x"), ("scope", "admin")])
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let (_, tokens) = h.get("/api/v1/auth/tokens", &h.admin).await;
    assert!(tokens.as_array().unwrap().iter().all(|t| t["name"] != "x"));
}

async fn a_token_secret_is_shown_once_and_revoking_ends_it(h: &Harness) {
    let mut b = Browser::new(h);
    b.sign_in("lead@test.example").await;
    let from = "/app/admin/tokens";
    // A lead cannot make an admin token; the page says why.
    let wide = b
        .submit(
            from,
            from,
            &[
                ("name", "Too wide"),
                ("scope", "admin"),
                ("expires_in_days", ""),
            ],
        )
        .await;
    assert_eq!(wide.status, StatusCode::FORBIDDEN, "{}", wide.body);
    let made = b
        .submit(
            from,
            from,
            &[
                ("name", "CRM <sync>"),
                ("scope", "read_only"),
                ("expires_in_days", "30"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    assert_eq!(made.headers[header::CACHE_CONTROL], "no-store");
    let marker = "id=\"fresh-secret\">";
    let start = made.body.find(marker).expect("the secret") + marker.len();
    let secret = made.body[start..start + made.body[start..].find('<').unwrap()].to_string();
    assert!(secret.len() > 40, "{secret}");
    assert!(made.body.contains("CRM &#60;sync&#62;") || made.body.contains("CRM &lt;sync&gt;"));
    let (s, me) = h.get("/api/v1/auth/me", &secret).await;
    assert_eq!(
        (s.as_u16(), me["email"].as_str()),
        (200, Some("lead@test.example"))
    );
    // Read-only: it cannot change anything.
    let (s, _) = h
        .post("/api/v1/teams", &secret, serde_json::json!({"name": "T"}))
        .await;
    assert_eq!(s.as_u16(), 403);
    // Shown once: the list has the name, never the secret.
    let list = b.get(from).await;
    assert!(list.body.contains("CRM &#60;sync&#62;") || list.body.contains("CRM &lt;sync&gt;"));
    assert!(!list.body.contains(&secret));
    let (_, tokens) = h.get("/api/v1/auth/tokens", &h.lead).await;
    let id = tokens
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "CRM <sync>")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let revoked = b
        .submit(from, &format!("/app/admin/tokens/{id}/revoke"), &[])
        .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER, "{}", revoked.body);
    assert_eq!(h.get("/api/v1/auth/me", &secret).await.0.as_u16(), 401);
    assert!(b.get(from).await.body.contains("revoked"));
}

async fn templates_are_checked_beside_the_text_and_refusals_keep_it(h: &Harness) {
    let mut b = Browser::new(h);
    b.sign_in("lead@test.example").await;
    // The built-in acknowledgment opens with its sample and the coach's view.
    let ack = b.get("/app/admin/templates/acknowledgment").await;
    assert_eq!(ack.status, StatusCode::OK, "{}", ack.body);
    assert!(
        ack.body.contains("It renders with the sample values"),
        "{}",
        ack.body
    );
    assert!(ack.body.contains("#1234"), "the sample's ticket number");
    // A name no template may have is a 404.
    assert_eq!(
        b.get("/app/admin/templates/Bad%20Name").await.status,
        StatusCode::NOT_FOUND
    );
    let from = "/app/admin/templates/policy";
    let new = b.get("/app/admin/template-new?name=policy").await;
    assert_eq!((new.status, new.location()), (StatusCode::SEE_OTHER, from));
    assert_eq!(b.get(from).await.status, StatusCode::OK);

    // Not personalised: refused, the text kept, the reason shown.
    let plain = "Thank you for contacting us. Your order is delayed.";
    let refused = b
        .submit(
            from,
            from,
            &[("subject", "Policy"), ("body", plain), ("action", "save")],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(refused.body.contains("Not saved."), "{}", refused.body);
    assert!(refused.body.contains("personalised"), "{}", refused.body);
    assert!(refused.body.contains(plain), "the text is kept");
    assert_eq!(
        h.get("/api/v1/templates/policy", &h.lead).await.0.as_u16(),
        404
    );

    // The coach blocks: refused with its findings beside the text.
    let rude = "Hi {{ customer_first_name }}, calm down, that's our policy. Best, {{ agent_name }}";
    let checked = b
        .submit(
            from,
            from,
            &[("subject", "Policy"), ("body", rude), ("action", "check")],
        )
        .await;
    assert_eq!(checked.status, StatusCode::OK, "{}", checked.body);
    assert!(
        checked.body.contains("The coach blocks this text"),
        "{}",
        checked.body
    );
    assert!(checked.body.contains("class=\"block\""), "{}", checked.body);
    assert_eq!(
        h.get("/api/v1/templates/policy", &h.lead).await.0.as_u16(),
        404,
        "a check saves nothing"
    );
    let blocked = b
        .submit(
            from,
            from,
            &[("subject", "Policy"), ("body", rude), ("action", "save")],
        )
        .await;
    assert_eq!(
        blocked.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        blocked.body
    );
    assert!(blocked.body.contains("Not saved."));
    assert!(blocked.body.contains("calm down"), "the text is kept");
    assert_eq!(
        h.get("/api/v1/templates/policy", &h.lead).await.0.as_u16(),
        404
    );
    // With a reason it is saved, and the reason is kept.
    let saved = b
        .submit(
            from,
            from,
            &[
                ("subject", "Policy"),
                ("body", rude),
                ("override_reason", "Legal asked for this wording"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let (s, t) = h.get("/api/v1/templates/policy", &h.lead).await;
    assert_eq!(s.as_u16(), 200);
    assert_eq!(t["override_reason"], "Legal asked for this wording");
    let list = b.get("/app/admin/templates").await;
    assert!(list.body.contains("Legal asked for this wording"));
    // A template that does not parse is refused with the parser's reason.
    let broken = b
        .submit(
            from,
            from,
            &[
                ("subject", "Policy"),
                ("body", "Hi {{ customer_name "),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(broken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(broken.body.contains("does not parse"), "{}", broken.body);
}

async fn held_mail_is_read_as_text_downloaded_and_released(h: &Harness) {
    let hostile = "Message-ID: <held-1@x>\r\nSubject: <script>alert('s')</script>\r\nTo: \"<img src=x onerror=alert(1)>\" <support@localhost>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nHello <script>alert('b')</script><img src=x onerror=alert(2)>\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"<svg onload=alert(3)>.exe\"\r\n\r\nAAAA\r\n--b--\r\n";
    let outcome = h.app.ingest_mail(hostile.as_bytes()).await.unwrap();
    assert_eq!(outcome.name(), "quarantined");
    let mut b = Browser::new(h);
    b.sign_in("admin@test.example").await;
    let list = b.get("/app/admin/quarantine").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("sender"), "the reason: {}", list.body);
    let marker = "href=\"/app/admin/quarantine/";
    let start = list.body.find(marker).expect("a held message") + marker.len();
    let id: i64 = list.body[start..start + list.body[start..].find('"').unwrap()]
        .parse()
        .unwrap();
    let page = b.get(&format!("/app/admin/quarantine/{id}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for raw in ["<script>", "<img src=x", "<svg onload"] {
        assert!(!page.body.contains(raw), "{raw} in {}", page.body);
    }
    assert!(
        page.body.contains("&#60;script&#62;alert") || page.body.contains("&lt;script&gt;alert"),
        "the subject as text: {}",
        page.body
    );
    assert!(page.body.contains(".exe"), "the file's name as text");
    assert!(
        page.body.contains("&#60;img src=x onerror") || page.body.contains("&lt;img src=x onerror"),
        "the body as text: {}",
        page.body
    );
    let download = b.get(&format!("/app/admin/quarantine/{id}/raw")).await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(download.headers[header::CONTENT_TYPE], "message/rfc822");
    assert!(
        download.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(download.body, hostile);
    // Released, it goes through the intake again (and is held again: it
    // still has no sender), and the page says so.
    let released = b
        .submit(
            &format!("/app/admin/quarantine/{id}"),
            &format!("/app/admin/quarantine/{id}/release"),
            &[],
        )
        .await;
    assert_eq!(released.status, StatusCode::SEE_OTHER, "{}", released.body);
    let after = b.get(released.location()).await;
    assert!(after.body.contains("it was held again"), "{}", after.body);
    // Unknown ids are 404 pages.
    assert_eq!(
        b.get("/app/admin/quarantine/999999").await.status,
        StatusCode::NOT_FOUND
    );
    // A lead may not read it.
    let mut lead = Browser::new(h);
    lead.sign_in("lead@test.example").await;
    assert_eq!(
        lead.get(&format!("/app/admin/quarantine/{id}/raw"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

async fn the_mail_status_page_shows_the_pollers_record(h: &Harness) {
    let mut b = Browser::new(h);
    b.sign_in("admin@test.example").await;
    let empty = b.get("/app/admin/mail").await;
    assert!(
        empty.body.contains("No mailbox has been read yet"),
        "{}",
        empty.body
    );
    h.store
        .record_mailbox_error("support <b>inbox</b>", "login failed: <script>x</script>")
        .await
        .unwrap();
    let page = b.get("/app/admin/mail").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("failing"), "{}", page.body);
    assert!(page.body.contains("login failed"));
    assert!(!page.body.contains("<script>x"));
    assert!(!page.body.contains("<b>inbox"));
    assert!(page.body.contains("No failed sends."));
}
