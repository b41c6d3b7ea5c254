//! Issue 8, item 4: the role × scope matrix, walked over every route of the
//! OpenAPI document (and /metrics) with no token, a bad token, each role,
//! and a token of each scope. The table below is the README's matrix; a
//! route missing from it fails the test.

use crate::both_backends;
use crate::harness::Harness;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use rapport_core::{AgentId, Scope};
use serde_json::{Value, json};

/// What a route needs beyond a valid token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Need {
    /// Any token at all (itself: who am I, log out).
    Any,
    /// Reading: any role; read_only, agent or admin scope.
    Read,
    /// Changing: any role; agent or admin scope.
    Work,
    /// A lead's move: lead or admin; agent or admin scope.
    Lead,
    /// A lead's reading (reports, the fairness audit): lead or admin;
    /// read_only, agent or admin scope.
    LeadRead,
    /// Administration: admin; admin scope.
    Admin,
    /// Posting raw mail: admin; inbound_mail or admin scope.
    Mail,
    /// Metrics: admin; metrics, read_only or admin scope.
    Metrics,
}

impl Need {
    fn min_role(self) -> usize {
        match self {
            Need::Any | Need::Read | Need::Work => 0,
            Need::Lead | Need::LeadRead => 1,
            Need::Admin | Need::Mail | Need::Metrics => 2,
        }
    }

    fn scopes(self) -> &'static [Scope] {
        use Scope::*;
        match self {
            Need::Any => &[InboundMail, Metrics, ReadOnly, Agent, Admin],
            Need::Read | Need::LeadRead => &[ReadOnly, Agent, Admin],
            Need::Work | Need::Lead => &[Agent, Admin],
            Need::Admin => &[Admin],
            Need::Mail => &[InboundMail, Admin],
            Need::Metrics => &[Metrics, ReadOnly, Admin],
        }
    }
}

fn need(method: &str, path: &str) -> Option<Need> {
    use Need::*;
    let p = path.trim_start_matches("/api/v1");
    Some(match (method, p) {
        ("post", "/auth/logout") | ("get", "/auth/me") => Any,
        ("get", "/auth/tokens") => Read,
        ("post", "/auth/tokens") | ("delete", "/auth/tokens/{id}") => Work,
        ("get", "/agents" | "/agents/{id}") => Read,
        // One's own record and preferences: any token reads it, any that
        // may work changes it.
        ("get", "/agents/me") => Any,
        ("patch", "/agents/me") => Work,
        // Changing another agent (the fixture's) is administration.
        ("post", "/agents") | ("patch", "/agents/{id}") => Admin,
        ("get", "/teams" | "/teams/{id}") => Read,
        ("post", "/teams") | ("patch" | "delete", "/teams/{id}") => Lead,
        ("delete", "/customers/{id}") => Admin,
        // Resetting the lead's password (fresh tokens are issued per call);
        // reading an agent's audit.
        ("post", "/agents/{id}/password") | ("get", "/agents/{id}/audit") => Admin,
        (
            "get",
            "/customers"
            | "/customers/{id}"
            | "/customers/{id}/events"
            | "/customers/{id}/attributes",
        ) => Read,
        ("patch", "/customers/{id}/attributes") => Lead,
        ("post", "/customers") => Work,
        // The fixture changes the identities, which needs a lead.
        ("patch", "/customers/{id}") => Lead,
        (
            "get",
            "/tickets" | "/tickets/{id}" | "/tickets/{id}/messages" | "/tickets/{id}/attachments",
        ) => Read,
        ("get", "/tickets/{id}/events" | "/tickets/{id}/mail") => Read,
        ("get", "/tickets/{id}/held-replies") => Read,
        // No held reply 999999: any agent with the right gets its 404.
        ("post", "/held-replies/{id}/undo") => Work,
        ("get", "/search") => Read,
        ("post", "/tickets" | "/tickets/{id}/messages" | "/tickets/{id}/tags") => Work,
        // The fixture ticket is owned by another agent.
        ("post", "/tickets/{id}/assign" | "/tickets/{id}/transfer" | "/tickets/{id}/status") => {
            Lead
        }
        ("post", "/tickets/{id}/priority" | "/tickets/{id}/close-as-spam") => Lead,
        ("post", "/tickets/{id}/close-as-duplicate") => Lead,
        ("post", "/coach") => Read,
        ("get", "/templates" | "/templates/{name}") => Read,
        ("put", "/templates/{name}") => Lead,
        ("post", "/inbound/mime") => Mail,
        ("get", "/inbound/quarantine" | "/inbound/{id}/raw") => Admin,
        ("post", "/inbound/{id}/retry") => Admin,
        ("get", "/mailboxes/status") => Admin,
        // No outbox mail 999999: an admin gets its 404; retrying all is a 200.
        ("post", "/outbox/{id}/retry" | "/outbox/retry") => Admin,
        ("post", "/attachments") => Work,
        ("get", "/attachments/{id}") => Read,
        ("get", "/calendars" | "/calendars/{id}" | "/calendars/{id}/ical") => Read,
        ("post", "/calendars" | "/calendars/import" | "/calendars/{id}/default") => Admin,
        ("put" | "delete", "/calendars/{id}") => Admin,
        (
            "get",
            "/promises" | "/promises/summary" | "/promises/{id}" | "/promises/{id}/recovery",
        ) => Read,
        ("patch", "/promises/{id}") => Work,
        ("get", "/tickets/{id}/clocks" | "/sla-policies" | "/notifications") => Read,
        ("post", "/notifications/{id}/read") => Read,
        ("post", "/sla-policies") | ("put" | "delete", "/sla-policies/{id}") => Admin,
        ("get", "/reports" | "/reports/csv" | "/reports/fairness") => LeadRead,
        // An agent may read their own scorecard; the fixture's id is no agent.
        ("get", "/reports/scorecards/{id}") => Read,
        ("get", "/metrics") => Metrics,
        // Feedback: surveys and recovery tasks are read like tickets; the
        // follow-up of a task that is not there is a 404 for everyone.
        ("get", "/tickets/{id}/survey" | "/recovery-tasks" | "/recovery-tasks/{id}") => Read,
        ("post", "/recovery-tasks/{id}/follow-up" | "/reviews") => Work,
        ("post", "/teams/{id}/lead") => Lead,
        _ => return None,
    })
}

/// Records the routes act on: a ticket owned by the other agent, another
/// ticket, its customer, a team.
struct Fixture {
    ticket: i64,
    other_ticket: i64,
    customer: i64,
    team: i64,
}

async fn fixture(h: &Harness, n: usize) -> Fixture {
    let ticket = h.ticket("Walk", None).await;
    let reply = json!({"kind": "reply", "body": "Hello Ann, a new lamp ships today."});
    let url = format!("/api/v1/tickets/{ticket}/messages");
    assert_eq!(h.post(&url, &h.other_agent, reply).await.0, 201);
    let (_, t) = h.get(&format!("/api/v1/tickets/{ticket}"), &h.admin).await;
    let team = h.store.insert_team(&format!("walk-{n}")).await.unwrap();
    Fixture {
        ticket,
        other_ticket: h.ticket("Walk again", None).await,
        customer: t["ticket"]["customer_id"].as_i64().unwrap(),
        team: team.id.0,
    }
}

/// The request for a route: its URL and a body that passes the extractors.
fn request(h: &Harness, f: &Fixture, method: &str, path: &str, n: usize) -> Request<Body> {
    let id = match path {
        p if p.starts_with("/api/v1/tickets/") => f.ticket,
        p if p.starts_with("/api/v1/customers/") => f.customer,
        p if p.starts_with("/api/v1/teams/") => f.team,
        // The fixture posts as the other agent: the lead's password is reset.
        "/api/v1/agents/{id}/password" => h.lead_id.0,
        p if p.starts_with("/api/v1/agents/") => h.other_agent_id.0,
        _ => 999_999,
    };
    let mut url = path
        .replace("{id}", &id.to_string())
        .replace("{name}", "walk-reply");
    if path == "/api/v1/search" {
        url.push_str("?q=walk");
    }
    let p = path.trim_start_matches("/api/v1");
    let body: Option<Value> = match (method, p) {
        ("post", "/auth/tokens") => Some(json!({"name": "walk", "scope": "read_only"})),
        ("post", "/agents") => {
            Some(json!({"email": format!("walk{n}@test.example"), "name": "W", "role": "agent"}))
        }
        ("patch", "/agents/{id}") => Some(json!({"name": "Other"})),
        ("post", "/agents/{id}/password") => {
            Some(json!({"password": format!("walk password {n}")}))
        }
        ("patch", "/agents/me") => Some(json!({"language": "de"})),
        ("post", "/teams") | ("patch", "/teams/{id}") => {
            Some(json!({"name": format!("walked-{n}")}))
        }
        ("post", "/customers") => Some(json!({"name": "Walker"})),
        ("patch", "/customers/{id}") => Some(
            json!({"identities": [{"kind": "email", "value": format!("walk{n}@example.com")}]}),
        ),
        ("patch", "/customers/{id}/attributes") => Some(json!({"tier": format!("walk{n}")})),
        ("post", "/tickets") => {
            Some(json!({"subject": "Walk", "customer_email": "walker@example.com"}))
        }
        ("post", "/tickets/{id}/messages") => {
            Some(json!({"kind": "note", "body": "Checked the warehouse."}))
        }
        ("post", "/tickets/{id}/assign") => Some(json!({"agent_id": h.other_agent_id.0})),
        ("post", "/tickets/{id}/transfer") => Some(
            json!({"team_id": h.team2.0, "note": "Billing knows the refund rules for this one."}),
        ),
        ("post", "/tickets/{id}/status") => Some(json!({"status": "pending"})),
        ("post", "/tickets/{id}/tags") => Some(json!({"add": [format!("walk{n}")]})),
        ("post", "/tickets/{id}/priority") => Some(json!({"priority": "high"})),
        ("post", "/tickets/{id}/close-as-spam") => Some(json!({"reason": "spam"})),
        ("post", "/tickets/{id}/close-as-duplicate") => {
            Some(json!({"of": f.other_ticket, "reason": "same"}))
        }
        ("post", "/coach") => Some(json!({"draft": "Hello Ann, it ships today."})),
        ("post", "/teams/{id}/lead") => Some(json!({"agent_id": h.lead_id.0})),
        ("post", "/recovery-tasks/{id}/follow-up") => {
            Some(json!({"outcome": "recovered", "note": "Called back."}))
        }
        ("post", "/reviews") => Some(json!({"reviews": [{
            "source": "walk", "id": format!("walk-{n}"), "author": "Walker",
            "rating": 4, "text": "Fine lamp."
        }]})),
        ("patch", "/promises/{id}") => Some(json!({"status": "kept"})),
        ("post", "/sla-policies") | ("put", "/sla-policies/{id}") => Some(json!({
            "name": format!("walk-{n}"),
            "first_response_minutes": 60,
        })),
        ("put", "/templates/{name}") => Some(
            json!({"subject": "Re: {{ subject }}", "body": "Hello {{ customer_name }}, thanks for writing."}),
        ),
        ("post", "/calendars") | ("put", "/calendars/{id}") => Some(json!({
            "name": format!("walk-{n}"),
            "time_zone": "Europe/Berlin",
            "hours": {"monday": [{"start": "09:00", "end": "17:00"}]},
        })),
        _ => None,
    };
    let builder = Request::builder().method(method.to_uppercase().as_str());
    let (builder, body) = match (method, p) {
        ("post", "/inbound/mime") => (
            builder.header("content-type", "message/rfc822"),
            Body::from(format!(
                "Message-ID: <walk{n}@customer.example>\r\nFrom: walker@customer.example\r\nSubject: Walk\r\n\r\nHello.\r\n"
            )),
        ),
        ("post", "/calendars/import") => (
            builder.header("content-type", "text/calendar"),
            Body::from(format!(
                "BEGIN:VCALENDAR\r\nX-WR-CALNAME:walk-{n}\r\nEND:VCALENDAR\r\n"
            )),
        ),
        ("post", "/attachments") => {
            url.push_str("?name=walk.txt");
            (
                builder.header("content-type", "text/plain"),
                Body::from("walk"),
            )
        }
        _ => match body {
            Some(v) => (
                builder.header("content-type", "application/json"),
                Body::from(v.to_string()),
            ),
            None => (builder, Body::empty()),
        },
    };
    builder.uri(url).body(body).unwrap()
}

async fn send(h: &Harness, mut request: Request<Body>, token: Option<&str>) -> (StatusCode, Value) {
    if let Some(token) = token {
        let value = format!("Bearer {token}").parse().unwrap();
        request.headers_mut().insert("authorization", value);
    }
    h.raw(request).await
}

async fn every_route_checks_roles_and_scopes(h: &Harness) {
    let (_, doc) = h
        .call(Method::GET, "/api/v1/openapi.json", None, None)
        .await;
    let mut routes: Vec<(String, String)> = vec![("get".into(), "/metrics".into())];
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if op.get("security").is_some() {
                routes.push((method.clone(), path.clone()));
            }
        }
    }
    assert!(routes.len() >= 45, "only {} routes", routes.len());
    let roles: [(&str, AgentId); 3] = [
        ("agent", h.agent_id),
        ("lead", h.lead_id),
        ("admin", h.admin_id),
    ];
    let mut n = 0;
    for (method, path) in &routes {
        let need = need(method, path).unwrap_or_else(|| {
            panic!("{method} {path} is not in the matrix; add it here and in the README")
        });
        let f = fixture(h, n).await;
        let what = format!("{method} {path}");
        n += 1;
        let (s, _) = send(h, request(h, &f, method, path, n), None).await;
        assert_eq!(s, 401, "{what} without a token");
        let fake = format!("rp_{}", "0".repeat(64));
        let (s, _) = send(h, request(h, &f, method, path, n), Some(&fake)).await;
        assert_eq!(s, 401, "{what} with a bad token");
        for (i, (role, id)) in roles.iter().enumerate() {
            let token = h.app.issue_token_for(*id, "walk").await.unwrap().token;
            n += 1;
            let (s, b) = send(h, request(h, &f, method, path, n), Some(&token)).await;
            if i < need.min_role() {
                assert_eq!(s, 403, "{what} as {role}: {b}");
            } else {
                assert!(s != 401 && s != 403, "{what} as {role}: {s} {b}");
            }
        }
        for scope in Scope::ALL {
            let token = h
                .app
                .issue_token_with_scope(h.admin_id, "walk", scope)
                .await
                .unwrap()
                .token;
            n += 1;
            let (s, b) = send(h, request(h, &f, method, path, n), Some(&token)).await;
            if need.scopes().contains(&scope) {
                assert!(s != 401 && s != 403, "{what} with {scope}: {s} {b}");
            } else {
                assert_eq!(s, 403, "{what} with {scope}: {b}");
            }
        }
    }
}

both_backends!(every_route_checks_roles_and_scopes);
