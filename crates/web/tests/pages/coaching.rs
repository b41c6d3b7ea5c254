//! The lead's coaching overview: who a lead coaches (their teams' members),
//! refused to agents, every active agent for an admin.

use crate::both_backends;
use crate::browser::Browser;
use crate::harness::Harness;
use axum::http::{Method, StatusCode};
use serde_json::json;

both_backends!(a_lead_sees_where_each_member_of_their_teams_could_use_help);

async fn a_lead_sees_where_each_member_of_their_teams_could_use_help(h: &Harness) {
    let mut agent = Browser::new(h);
    agent.sign_in("agent@test.example").await;
    let refused = agent.get("/app/reports/coaching").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);

    let mut lead = Browser::new(h);
    lead.sign_in("lead@test.example").await;
    let alone = lead.get("/app/reports/coaching").await;
    assert_eq!(alone.status, StatusCode::OK, "{}", alone.body);
    assert!(alone.body.contains("Nobody to coach"), "{}", alone.body);

    // The lead and the agent share Support; the other agent is in Billing.
    let support = format!("/api/v1/teams/{}", h.team.0);
    let members = json!({"members": [h.lead_id.0, h.agent_id.0]});
    let (s, b) = h
        .call(Method::PATCH, &support, Some(&h.lead), Some(members))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let billing = format!("/api/v1/teams/{}", h.team2.0);
    let members = json!({"members": [h.other_agent_id.0]});
    let (s, b) = h
        .call(Method::PATCH, &billing, Some(&h.lead), Some(members))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    h.ticket("Coached", Some(h.team)).await;

    let page = lead.get("/app/reports/coaching").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let body = &page.body;
    assert!(
        body.contains(&format!("id=\"coached-{}\"", h.agent_id.0)),
        "{body}"
    );
    assert!(
        !body.contains(&format!("id=\"coached-{}\"", h.other_agent_id.0)),
        "not the lead's team: {body}"
    );
    assert!(
        !body.contains(&format!("id=\"coached-{}\"", h.lead_id.0)),
        "not the lead themself: {body}"
    );
    assert!(
        body.contains("Nothing stands out") || body.contains("<li>"),
        "{body}"
    );
    let bad = lead.get("/app/reports/coaching?from=yesterday").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);

    let mut admin = Browser::new(h);
    admin.sign_in("admin@test.example").await;
    let all = admin.get("/app/reports/coaching").await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    for id in [h.agent_id.0, h.other_agent_id.0, h.lead_id.0] {
        assert!(
            all.body.contains(&format!("id=\"coached-{id}\"")),
            "{}",
            all.body
        );
    }
    let reports = lead.get("/app/reports").await;
    assert!(
        reports.body.contains("href=\"/app/reports/coaching\""),
        "linked from the reports"
    );
}
