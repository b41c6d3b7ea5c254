//! Authentication and authorization on every route.

use crate::both_backends;
use crate::harness::Harness;
use axum::http::Method;
use serde_json::json;

async fn every_protected_route_needs_a_token(h: &Harness) {
    let (s, doc) = h
        .call(Method::GET, "/api/v1/openapi.json", None, None)
        .await;
    assert_eq!(s, 200);
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let url = path.replace("{id}", "1");
            let method: Method = method.to_uppercase().parse().unwrap();
            if op.get("security").is_none() {
                // Logging in, first-run setup, and the posted business
                // hours (what customers are shown) are public.
                let public = [
                    "/api/v1/auth/login",
                    "/api/v1/setup",
                    "/api/v1/business-hours",
                    "/api/v1/business-hours/ical",
                ];
                assert!(
                    public.contains(&path.as_str()),
                    "{method} {path} is documented without security"
                );
                continue;
            }
            let body = matches!(method, Method::POST | Method::PATCH).then(|| json!({}));
            let (s, b) = h.call(method.clone(), &url, None, body.clone()).await;
            assert_eq!(s, 401, "{method} {path} without a token: {b}");
            assert_eq!(b["error"]["code"], "unauthorized");
            let fake = format!("rp_{}", "0".repeat(64));
            let (s, _) = h.call(method.clone(), &url, Some(&fake), body).await;
            assert_eq!(s, 401, "{method} {path} with an unknown token");
            checked += 1;
        }
    }
    assert!(
        checked >= 30,
        "only {checked} protected operations documented"
    );
}

async fn roles_are_enforced(h: &Harness) {
    // Agents cannot manage agents or teams, nor delete.
    let agent_in = json!({"email": "new@test.example", "name": "New", "role": "agent"});
    assert_eq!(
        h.post("/api/v1/agents", &h.agent, agent_in.clone()).await.0,
        403
    );
    assert_eq!(
        h.post("/api/v1/agents", &h.lead, agent_in.clone()).await.0,
        403
    );
    assert_eq!(
        h.post("/api/v1/agents", &h.admin, agent_in.clone()).await.0,
        201
    );
    assert_eq!(h.post("/api/v1/agents", &h.admin, agent_in).await.0, 409);
    assert_eq!(
        h.post("/api/v1/teams", &h.agent, json!({"name": "Returns"}))
            .await
            .0,
        403
    );
    assert_eq!(
        h.post("/api/v1/teams", &h.lead, json!({"name": "Returns"}))
            .await
            .0,
        201
    );
    // Deleting a team is a lead's move, like its other changes.
    let path = format!("/api/v1/teams/{}", h.team2.0);
    assert_eq!(
        h.call(Method::DELETE, &path, Some(&h.agent), None).await.0,
        403
    );
    assert_eq!(
        h.call(Method::DELETE, &path, Some(&h.lead), None).await.0,
        204
    );
    // Agents change only their own name and password, never roles.
    let own = format!("/api/v1/agents/{}", h.agent_id.0);
    assert_eq!(
        h.call(
            Method::PATCH,
            &own,
            Some(&h.agent),
            Some(json!({"name": "Agent Smith"}))
        )
        .await
        .0,
        200
    );
    assert_eq!(
        h.call(
            Method::PATCH,
            &own,
            Some(&h.agent),
            Some(json!({"role": "admin"}))
        )
        .await
        .0,
        403
    );
    let other = format!("/api/v1/agents/{}", h.other_agent_id.0);
    assert_eq!(
        h.call(
            Method::PATCH,
            &other,
            Some(&h.agent),
            Some(json!({"name": "X"}))
        )
        .await
        .0,
        403
    );
    // Assigning someone else is a lead's job.
    let id = h.ticket("Dispatch", None).await;
    let assign = format!("/api/v1/tickets/{id}/assign");
    assert_eq!(
        h.post(&assign, &h.agent, json!({"agent_id": h.other_agent_id.0}))
            .await
            .0,
        403
    );
    assert_eq!(
        h.post(&assign, &h.lead, json!({"agent_id": h.other_agent_id.0}))
            .await
            .0,
        200
    );
    assert_eq!(
        h.post(&assign, &h.lead, json!({"agent_id": h.agent_id.0}))
            .await
            .1["error"]["code"],
        "already_owned"
    );
    // A lead may reply on anyone's ticket.
    let reply = json!({"kind": "reply", "body": "Hello, I am looking into it."});
    assert_eq!(
        h.post(
            &format!("/api/v1/tickets/{id}/messages"),
            &h.agent,
            reply.clone()
        )
        .await
        .0,
        403
    );
    assert_eq!(
        h.post(&format!("/api/v1/tickets/{id}/messages"), &h.lead, reply)
            .await
            .0,
        201
    );
}

async fn tokens_act_only_for_their_agent(h: &Harness) {
    let (_, me) = h.get("/api/v1/auth/me", &h.agent).await;
    assert_eq!(me["id"], h.agent_id.0);
    let (_, me) = h.get("/api/v1/auth/me", &h.other_agent).await;
    assert_eq!(me["id"], h.other_agent_id.0);
    // A reply is authored by the token's agent, whatever the body says.
    let id = h.ticket("Who am I", None).await;
    let (_, b) = h
        .post(
            &format!("/api/v1/tickets/{id}/messages"),
            &h.other_agent,
            json!({"kind": "reply", "body": "Hello Ann"}),
        )
        .await;
    assert_eq!(b["message"]["author_id"], h.other_agent_id.0);
    assert_eq!(b["ticket"]["owner_id"], h.other_agent_id.0);
    // Revoking one agent's token leaves the other's working; tokens are per agent.
    let (_, tokens) = h.get("/api/v1/auth/tokens", &h.agent).await;
    let token_id = tokens[0]["id"].as_i64().unwrap();
    let (s, _) = h
        .call(
            Method::DELETE,
            &format!("/api/v1/auth/tokens/{token_id}"),
            Some(&h.other_agent),
            None,
        )
        .await;
    assert_eq!(s, 404, "one agent cannot revoke another's token");
    assert_eq!(h.get("/api/v1/auth/me", &h.agent).await.0, 200);
}

async fn login_logout_and_api_tokens(h: &Harness) {
    let login = |password: &str| json!({"email": "AGENT@test.example", "password": password});
    let (s, b) = h
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(login("wrong password!")),
        )
        .await;
    assert_eq!(
        (s.as_u16(), b["error"]["code"].as_str()),
        (401, Some("unauthorized"))
    );
    let (s, b) = h
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(login("correct horse battery")),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let session = b["token"].as_str().unwrap().to_string();
    assert!(b["expires_at"].is_string());
    assert_eq!(
        h.get("/api/v1/auth/me", &session).await.1["email"],
        "agent@test.example"
    );
    let (s, b) = h
        .post(
            "/api/v1/auth/tokens",
            &session,
            json!({"name": "CRM sync", "expires_in_days": 30}),
        )
        .await;
    assert_eq!(s, 201);
    let api_token = b["token"].as_str().unwrap().to_string();
    let api_token_id = b["record"]["id"].as_i64().unwrap();
    let (_, list) = h.get("/api/v1/auth/tokens", &session).await;
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .all(|t| t.get("token").is_none()),
        "secrets are never listed"
    );
    assert_eq!(
        h.call(Method::POST, "/api/v1/auth/logout", Some(&session), None)
            .await
            .0,
        204
    );
    assert_eq!(
        h.get("/api/v1/auth/me", &session).await.0,
        401,
        "logged-out session still works"
    );
    assert_eq!(h.get("/api/v1/auth/me", &api_token).await.0, 200);
    let (s, _) = h
        .call(
            Method::DELETE,
            &format!("/api/v1/auth/tokens/{api_token_id}"),
            Some(&api_token),
            None,
        )
        .await;
    assert_eq!(s, 204);
    assert_eq!(h.get("/api/v1/auth/me", &api_token).await.0, 401);
    // Deactivation revokes everything at once.
    let (_, b) = h
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "other@test.example", "password": "correct horse battery"})),
        )
        .await;
    let other_session = b["token"].as_str().unwrap().to_string();
    let path = format!("/api/v1/agents/{}", h.other_agent_id.0);
    assert_eq!(
        h.call(
            Method::PATCH,
            &path,
            Some(&h.admin),
            Some(json!({"active": false}))
        )
        .await
        .0,
        200
    );
    assert_eq!(h.get("/api/v1/auth/me", &other_session).await.0, 401);
    assert_eq!(h.get("/api/v1/auth/me", &h.other_agent).await.0, 401);
    let (s, _) = h
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "other@test.example", "password": "correct horse battery"})),
        )
        .await;
    assert_eq!(s, 401, "a deactivated agent cannot log in");
    // The last admin cannot lock everyone out.
    let (_, me) = h.get("/api/v1/auth/me", &h.admin).await;
    let path = format!("/api/v1/agents/{}", me["id"]);
    let (s, b) = h
        .call(
            Method::PATCH,
            &path,
            Some(&h.admin),
            Some(json!({"role": "agent"})),
        )
        .await;
    assert_eq!(
        (s.as_u16(), b["error"]["code"].as_str()),
        (409, Some("conflict"))
    );
}

async fn first_run_setup_is_one_time(h: &Harness) {
    // An admin exists in the harness, so no setup token is issued.
    assert_eq!(h.app.issue_setup_token().await.unwrap(), None);
    let (s, _) = h.call(Method::POST, "/api/v1/setup", None, Some(json!({"setup_token": "setup_x", "email": "a@b.example", "name": "A", "password": "long enough pw"}))).await;
    assert_eq!(s, 401);
}

async fn setup_creates_the_first_admin() -> Option<()> {
    let (store, _, cleanup) =
        crate::harness::fresh_store(crate::harness::Backend::Sqlite, "setup").await?;
    let app = rapport_app::App::new(
        store,
        rapport_app::Blobs::in_memory(),
        rapport_app::AppConfig::default(),
    );
    let token = app
        .issue_setup_token()
        .await
        .unwrap()
        .expect("a setup token while no admin exists");
    let again = app
        .issue_setup_token()
        .await
        .unwrap()
        .expect("reissued at the next start");
    assert_ne!(token, again);
    let router = rapport_web::router(app.clone());
    let call = |body: serde_json::Value| {
        let router = router.clone();
        async move {
            use tower::ServiceExt;
            let r = axum::http::Request::post("/api/v1/setup")
                .header("content-type", "application/json")
                .body(axum::body::Body::from(body.to_string()))
                .unwrap();
            router.oneshot(r).await.unwrap().status().as_u16()
        }
    };
    let body = |t: &str| json!({"setup_token": t, "email": "boss@example.com", "name": "Boss", "password": "a long password"});
    assert_eq!(
        call(body(&token)).await,
        401,
        "the replaced token no longer works"
    );
    assert_eq!(call(json!({"setup_token": again, "email": "boss@example.com", "name": "Boss", "password": "short"})).await, 422);
    assert_eq!(call(body(&again)).await, 201);
    assert_eq!(call(body(&again)).await, 401, "setup tokens are single-use");
    assert_eq!(app.issue_setup_token().await.unwrap(), None);
    app.close().await;
    cleanup.run().await;
    Some(())
}

#[tokio::test]
async fn setup_flow() {
    setup_creates_the_first_admin().await.expect("SQLite");
}

both_backends!(
    every_protected_route_needs_a_token,
    roles_are_enforced,
    tokens_act_only_for_their_agent,
    login_logout_and_api_tokens,
    first_run_setup_is_one_time
);
