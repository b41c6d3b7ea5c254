//! Issue 8, item 5: races. Two admins deactivating or demoting each other at
//! the same moment must never leave the help desk without an admin.

use crate::both_backends;
use crate::harness::Harness;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use rapport_app::Caller;
use rapport_app::agents::AgentUpdate;
use rapport_core::{AgentId, Role};
use serde_json::{Value, json};
use tower::ServiceExt;

const ROUNDS: usize = 12;

/// Makes both agents active admins again; returns a fresh token for each.
async fn two_admins(h: &Harness, second: AgentId) -> (String, String) {
    let operator = Caller::operator(h.admin_id, Role::Admin);
    for id in [h.admin_id, second] {
        let restore = AgentUpdate {
            role: Some(Role::Admin),
            active: Some(true),
            ..Default::default()
        };
        h.app.update_agent(&operator, id, restore).await.unwrap();
    }
    let first = h
        .app
        .issue_token_for(h.admin_id, "race")
        .await
        .unwrap()
        .token;
    let other = h.app.issue_token_for(second, "race").await.unwrap().token;
    (first, other)
}

/// Sends a PATCH on its own task, so the two requests truly run in parallel.
fn patch(
    h: &Harness,
    path: String,
    token: String,
    body: Value,
) -> tokio::task::JoinHandle<StatusCode> {
    let router = h.router.clone();
    tokio::spawn(async move {
        let request = Request::patch(path)
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        router.oneshot(request).await.unwrap().status()
    })
}

async fn active_admins(h: &Harness) -> usize {
    let agents = h.store.agents().await.unwrap();
    agents
        .iter()
        .filter(|a| a.role == Role::Admin && a.active)
        .count()
}

async fn last_admin_survives_parallel_requests(h: &Harness) {
    let second = h
        .app
        .create_agent_unchecked("admin2@test.example", "Second", Role::Admin, None)
        .await
        .unwrap()
        .id;
    for round in 0..ROUNDS {
        let change = if round % 2 == 0 {
            json!({"active": false})
        } else {
            json!({"role": "agent"})
        };
        let (first, other) = two_admins(h, second).await;
        let a = format!("/api/v1/agents/{}", second.0);
        let b = format!("/api/v1/agents/{}", h.admin_id.0);
        let x = patch(h, a, first, change.clone());
        let y = patch(h, b, other, change);
        let (x, y) = (x.await.unwrap(), y.await.unwrap());
        let ok = [x, y].iter().filter(|s| s.as_u16() == 200).count();
        assert!(ok <= 1, "round {round}: both succeeded: {x:?} {y:?}");
        assert_eq!(active_admins(h).await, 1, "round {round}: {x:?} {y:?}");
    }
}

async fn last_admin_survives_parallel_use_cases(h: &Harness) {
    // The use cases straight, with callers already authenticated: the guard
    // itself must hold, whatever the timing of authentication.
    let second = h
        .app
        .create_agent_unchecked("admin3@test.example", "Third", Role::Admin, None)
        .await
        .unwrap()
        .id;
    for round in 0..ROUNDS {
        two_admins(h, second).await;
        let change = || AgentUpdate {
            active: (round % 2 == 0).then_some(false),
            role: (round % 2 == 1).then_some(Role::Agent),
            ..Default::default()
        };
        let (app, first, change_one) = (h.app.clone(), h.admin_id, change());
        let x = tokio::spawn(async move {
            let one = Caller::operator(first, Role::Admin);
            app.update_agent(&one, second, change_one).await
        });
        let (app, change_two) = (h.app.clone(), change());
        let y = tokio::spawn(async move {
            let two = Caller::operator(second, Role::Admin);
            app.update_agent(&two, first, change_two).await
        });
        let (x, y) = (x.await.unwrap(), y.await.unwrap());
        assert!(
            x.is_ok() != y.is_ok(),
            "round {round}: exactly one may win: {x:?} {y:?}"
        );
        let loser = x.err().or(y.err()).unwrap();
        assert_eq!(loser.code(), "conflict", "{loser}");
        assert_eq!(active_admins(h).await, 1, "round {round}");
    }
}

both_backends!(
    last_admin_survives_parallel_requests,
    last_admin_survives_parallel_use_cases
);
