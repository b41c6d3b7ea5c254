//! Customers, teams and agents.

use crate::both_backends;
use crate::harness::Harness;
use axum::http::Method;
use serde_json::json;

async fn customers_crud(h: &Harness) {
    let body = json!({"name": "Grace Johnson", "identities": [
        {"kind": "email", "value": "Grace.Johnson@Example.com"},
        {"kind": "phone", "value": "+1 (555) 010-2000"},
        {"kind": "handle", "value": "@gracej"}]});
    let (s, c) = h.post("/api/v1/customers", &h.agent, body).await;
    assert_eq!(s, 201, "{c}");
    assert_eq!(c["identities"][0]["value"], "grace.johnson@example.com");
    assert_eq!(c["identities"][1]["value"], "+15550102000");
    let id = c["id"].as_i64().unwrap();
    // The same address cannot belong to two customers.
    let (s, b) = h.post("/api/v1/customers", &h.agent, json!({"name": "G", "identities": [{"kind": "email", "value": "GRACE.johnson@example.com"}]})).await;
    assert_eq!(
        (s.as_u16(), b["error"]["code"].as_str()),
        (409, Some("conflict")),
        "{b}"
    );
    let (s, b) = h
        .post(
            "/api/v1/customers",
            &h.agent,
            json!({"name": "G", "identities": [{"kind": "fax", "value": "1"}]}),
        )
        .await;
    assert_eq!(
        (s.as_u16(), b["error"]["field"].as_str()),
        (422, Some("identities"))
    );
    let (s, b) = h
        .post(
            "/api/v1/customers",
            &h.agent,
            json!({"name": "G", "identities": [{"kind": "email", "value": "nope"}]}),
        )
        .await;
    assert_eq!(
        (s.as_u16(), b["error"]["field"].as_str()),
        (422, Some("identities"))
    );
    // A ticket by e-mail finds the same customer, whatever the case.
    let (_, t) = h
        .post(
            "/api/v1/tickets",
            &h.agent,
            json!({"subject": "Hi", "customer_email": "grace.JOHNSON@example.com"}),
        )
        .await;
    assert_eq!(t["ticket"]["customer_id"], id);
    let path = format!("/api/v1/customers/{id}");
    let (s, c) = h
        .call(
            Method::PATCH,
            &path,
            Some(&h.agent),
            Some(json!({"name": "Grace Johnson-Lee"})),
        )
        .await;
    assert_eq!(
        (s.as_u16(), c["name"].as_str()),
        (200, Some("Grace Johnson-Lee"))
    );
    assert_eq!(
        c["identities"].as_array().unwrap().len(),
        3,
        "identities kept when not given"
    );
    let (_, c) = h
        .call(
            Method::PATCH,
            &path,
            Some(&h.lead),
            Some(json!({"identities": [{"kind": "email", "value": "grace@example.org"}]})),
        )
        .await;
    assert_eq!(
        c["identities"],
        json!([{"kind": "email", "value": "grace@example.org"}])
    );
    // Customers with tickets are kept; only admins delete.
    assert_eq!(
        h.call(Method::DELETE, &path, Some(&h.agent), None).await.0,
        403
    );
    assert_eq!(
        h.call(Method::DELETE, &path, Some(&h.admin), None).await.0,
        409
    );
    let (_, lonely) = h
        .post("/api/v1/customers", &h.agent, json!({"name": "No Tickets"}))
        .await;
    let lonely = format!("/api/v1/customers/{}", lonely["id"]);
    assert_eq!(
        h.call(Method::DELETE, &lonely, Some(&h.admin), None)
            .await
            .0,
        204
    );
    assert_eq!(h.get(&lonely, &h.agent).await.0, 404);
    // Listing with a name filter and cursor.
    for n in 0..5 {
        h.post(
            "/api/v1/customers",
            &h.agent,
            json!({"name": format!("Pager {n}")}),
        )
        .await;
    }
    let (_, page) = h
        .get("/api/v1/customers?name=pager&limit=3", &h.agent)
        .await;
    assert_eq!(page["items"].as_array().unwrap().len(), 3);
    let cursor = page["next_cursor"].as_str().unwrap();
    let (_, rest) = h
        .get(
            &format!("/api/v1/customers?name=pager&limit=3&cursor={cursor}"),
            &h.agent,
        )
        .await;
    assert_eq!(rest["items"].as_array().unwrap().len(), 2);
    assert!(rest["next_cursor"].is_null());
}

async fn teams_crud(h: &Harness) {
    let (s, t) = h
        .post("/api/v1/teams", &h.lead, json!({"name": "Returns"}))
        .await;
    assert_eq!(s, 201);
    assert_eq!(
        h.post("/api/v1/teams", &h.lead, json!({"name": "Returns"}))
            .await
            .0,
        409
    );
    let path = format!("/api/v1/teams/{}", t["id"]);
    let (s, t) = h
        .call(
            Method::PATCH,
            &path,
            Some(&h.lead),
            Some(json!({"members": [h.agent_id.0, h.other_agent_id.0]})),
        )
        .await;
    assert_eq!(
        (s.as_u16(), t["members"].clone()),
        (200, json!([h.agent_id.0, h.other_agent_id.0]))
    );
    let (s, b) = h
        .call(
            Method::PATCH,
            &path,
            Some(&h.lead),
            Some(json!({"members": [4242]})),
        )
        .await;
    assert_eq!(
        (s.as_u16(), b["error"]["field"].as_str()),
        (422, Some("members"))
    );
    let (_, list) = h.get("/api/v1/teams", &h.agent).await;
    assert_eq!(list.as_array().unwrap().len(), 3);
    // A team with tickets cannot be deleted; an empty one can.
    h.ticket("queued", Some(h.team)).await;
    let busy = format!("/api/v1/teams/{}", h.team.0);
    assert_eq!(
        h.call(Method::DELETE, &busy, Some(&h.admin), None).await.0,
        409
    );
    assert_eq!(
        h.call(Method::DELETE, &path, Some(&h.admin), None).await.0,
        204
    );
    assert_eq!(h.get(&path, &h.agent).await.0, 404);
}

async fn agents_roster(h: &Harness) {
    let (s, list) = h.get("/api/v1/agents", &h.agent).await;
    assert_eq!(s, 200);
    assert_eq!(list.as_array().unwrap().len(), 4);
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .all(|a| a.get("password_hash").is_none()),
        "hashes never leave"
    );
    let (s, b) = h
        .post(
            "/api/v1/agents",
            &h.admin,
            json!({"email": "x@test.example", "name": "X", "role": "boss"}),
        )
        .await;
    assert_eq!(
        (s.as_u16(), b["error"]["field"].as_str()),
        (422, Some("role"))
    );
    let (s, b) = h
        .post(
            "/api/v1/agents",
            &h.admin,
            json!({"email": "x@test.example", "name": "X", "role": "lead", "password": "short"}),
        )
        .await;
    assert_eq!(
        (s.as_u16(), b["error"]["field"].as_str()),
        (422, Some("password"))
    );
}

/// Attributes are set and removed all or none by leads, read by agents, and
/// group customers in the fairness audit.
async fn customer_attributes(h: &Harness) {
    let ticket = h.ticket("Attributes", None).await;
    let (_, t) = h.get(&format!("/api/v1/tickets/{ticket}"), &h.agent).await;
    let customer = t["ticket"]["customer_id"].as_i64().unwrap();
    let path = format!("/api/v1/customers/{customer}/attributes");
    let (s, a) = h.get(&path, &h.agent).await;
    assert_eq!((s.as_u16(), a.clone()), (200, json!({})));
    let set = json!({"tier": "gold", "region": "north"});
    let (s, b) = h
        .call(Method::PATCH, &path, Some(&h.agent), Some(set.clone()))
        .await;
    assert_eq!(s.as_u16(), 403, "an agent does not label customers: {b}");
    let (s, a) = h.call(Method::PATCH, &path, Some(&h.lead), Some(set)).await;
    assert_eq!(
        (s.as_u16(), a.clone()),
        (200, json!({"region": "north", "tier": "gold"}))
    );
    // One bad name or value refuses the whole change.
    for bad in [
        json!({"tier": "silver", "Shoe Size": "9"}),
        json!({"tier": ""}),
        json!({"tier": "a\u{0}b"}),
        json!({"tier": "x".repeat(201)}),
    ] {
        let (s, b) = h
            .call(Method::PATCH, &path, Some(&h.lead), Some(bad.clone()))
            .await;
        // The field named is the attribute's (the JSON text check) or all of them.
        assert_eq!(
            (s.as_u16(), b["error"]["code"].as_str()),
            (422, Some("invalid_field")),
            "{bad}: {b}"
        );
        assert!(
            matches!(b["error"]["field"].as_str(), Some("attributes" | "tier")),
            "{b}"
        );
    }
    for bad in [json!(["tier"]), json!({"tier": 3})] {
        let (s, b) = h
            .call(Method::PATCH, &path, Some(&h.lead), Some(bad.clone()))
            .await;
        assert!(
            s.is_client_error() && b["error"]["code"].is_string(),
            "{bad}: {s} {b}"
        );
    }
    let (_, a) = h.get(&path, &h.agent).await;
    assert_eq!(
        a,
        json!({"region": "north", "tier": "gold"}),
        "nothing changed"
    );
    let (s, a) = h
        .call(
            Method::PATCH,
            &path,
            Some(&h.admin),
            Some(json!({"region": null, "tier": "silver"})),
        )
        .await;
    assert_eq!((s.as_u16(), a), (200, json!({"tier": "silver"})));
    let many: serde_json::Map<String, serde_json::Value> =
        (0..33).map(|i| (format!("a{i}"), json!("v"))).collect();
    let (s, _) = h
        .call(Method::PATCH, &path, Some(&h.lead), Some(many.into()))
        .await;
    assert_eq!(s.as_u16(), 422, "at most 32 attributes");
    let unknown = "/api/v1/customers/999999/attributes";
    let (s, _) = h.get(unknown, &h.agent).await;
    assert_eq!(s.as_u16(), 404);
    let (s, _) = h
        .call(
            Method::PATCH,
            unknown,
            Some(&h.lead),
            Some(json!({"tier": "x"})),
        )
        .await;
    assert_eq!(s.as_u16(), 404);
    // The audit groups by it.
    let (s, audit) = h.get("/api/v1/reports/fairness?by=tier", &h.lead).await;
    assert_eq!(s.as_u16(), 200, "{audit}");
    let groups: Vec<&str> = audit["groups"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|g| g["group"].as_str())
        .collect();
    assert!(groups.contains(&"silver"), "{audit}");
}

both_backends!(
    customers_crud,
    teams_crud,
    agents_roster,
    customer_attributes
);
