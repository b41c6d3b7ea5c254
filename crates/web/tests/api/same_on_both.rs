//! One behaviour on both databases (issue 8, item 6): control characters
//! are refused in one place, with 422 naming the field, before PostgreSQL
//! could refuse a NUL with a 500 or SQLite could store it; customer name
//! search folds case the same way on both, takes `%` and `_` literally and
//! bounds its pattern; the schema's CHECK constraints and the folded names
//! of migration 6 hold on both.

use crate::both_backends;
use crate::harness::{Backend, Cleanup, Harness, unique};
use axum::http::{Method, StatusCode};
use rapport_store::Store;
use serde_json::{Value, json};

/// (method, path, body, field) for every kind of text the API takes.
fn nul_everywhere(ticket: i64, team: i64) -> Vec<(Method, String, Value, &'static str)> {
    let t = |v: Value| (Method::POST, "/api/v1/tickets".to_string(), v);
    let nul = "a\u{0}b";
    let mut cases = vec![
        (
            t(json!({"subject": nul, "customer_email": "a@b.example"})),
            "subject",
        ),
        (
            t(json!({"subject": "x", "customer_email": "a@b.example", "message": nul})),
            "message",
        ),
        (
            t(json!({"subject": "x", "customer_email": "a\u{0}@b.example"})),
            "customer_email",
        ),
        (
            t(json!({"subject": "x", "customer_email": "a@b.example", "customer_name": nul})),
            "customer_name",
        ),
        (
            t(json!({"subject": "x", "customer_email": "a@b.example", "tags": ["ok", nul]})),
            "tags[1]",
        ),
        (
            t(json!({"subject": "bell \u{7}", "customer_email": "a@b.example"})),
            "subject",
        ),
        (
            t(json!({"subject": "c1 \u{85}", "customer_email": "a@b.example"})),
            "subject",
        ),
        (
            t(json!({"subject": "lone \r cr", "customer_email": "a@b.example"})),
            "subject",
        ),
        (
            t(json!({"subj\u{0}": "x", "customer_email": "a@b.example"})),
            "subj\\0",
        ),
    ];
    let more = [
        (
            "/api/v1/customers".to_string(),
            json!({"name": nul, "identities": []}),
            "name",
        ),
        (
            "/api/v1/customers".to_string(),
            json!({"name": "Ann", "identities": [{"kind": "email", "value": "a\u{0}@b.example"}]}),
            "identities[0].value",
        ),
        ("/api/v1/teams".to_string(), json!({"name": nul}), "name"),
        (
            "/api/v1/auth/tokens".to_string(),
            json!({"name": nul}),
            "name",
        ),
        (
            format!("/api/v1/tickets/{ticket}/messages"),
            json!({"kind": "note", "body": nul}),
            "body",
        ),
        (
            format!("/api/v1/tickets/{ticket}/transfer"),
            json!({"team_id": team, "note": format!("Customer wants a refund {nul}")}),
            "note",
        ),
        (
            format!("/api/v1/tickets/{ticket}/close-as-spam"),
            json!({"reason": nul}),
            "reason",
        ),
    ];
    for (path, body, field) in more {
        cases.push(((Method::POST, path, body), field));
    }
    cases.push((
        (
            Method::PUT,
            "/api/v1/templates/acknowledgment".into(),
            json!({"subject": nul, "body": "Hello"}),
        ),
        "subject",
    ));
    cases
        .into_iter()
        .map(|((m, p, b), f)| (m, p, b, f))
        .collect()
}

async fn control_characters_are_refused_naming_the_field(h: &Harness) {
    let ticket = h.ticket("Broken lamp", Some(h.team)).await;
    for (method, path, body, field) in nul_everywhere(ticket, h.team2.0) {
        let (s, b) = h
            .call(method.clone(), &path, Some(&h.admin), Some(body.clone()))
            .await;
        assert_eq!(
            (s, b["error"]["code"].as_str(), b["error"]["field"].as_str()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("invalid_field"),
                Some(field)
            ),
            "{method} {path} {body}: {b}"
        );
        assert!(
            b["error"]["message"]
                .as_str()
                .unwrap()
                .contains("control characters"),
            "{b}"
        );
    }
    // The unauthenticated login, and query parameters.
    let (s, b) = h
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "admin@test.example\u{0}", "password": "correct horse battery"})),
        )
        .await;
    assert_eq!(
        (s.as_u16(), b["error"]["field"].as_str()),
        (422, Some("email")),
        "{b}"
    );
    for (query, field) in [
        ("customers?name=%00", "name"),
        ("customers?name=a%1Bb", "name"),
        ("tickets?status=%00", "status"),
        ("tickets?cursor=a%0Ab", "cursor"),
        ("customers?na%00me=x", "na\\0me"),
    ] {
        let (s, b) = h.get(&format!("/api/v1/{query}"), &h.agent).await;
        assert_eq!(
            (s.as_u16(), b["error"]["field"].as_str()),
            (422, Some(field)),
            "{query}: {b}"
        );
    }
    // A template name in the path is looked up only when it is a name.
    let (s, _) = h.get("/api/v1/templates/a%00b", &h.agent).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // Nothing was stored: one ticket, one message, the seeded teams.
    let (_, list) = h.get("/api/v1/tickets", &h.agent).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "{list}");
    let (_, messages) = h
        .get(&format!("/api/v1/tickets/{ticket}/messages"), &h.agent)
        .await;
    assert_eq!(messages["items"].as_array().unwrap().len(), 1, "{messages}");
}

async fn tabs_and_line_breaks_pass_and_crlf_is_stored_as_lf(h: &Harness) {
    let (s, b) = h
        .post(
            "/api/v1/tickets",
            &h.agent,
            json!({
                "subject": "Two\tcolumns",
                "customer_email": "ann.lee@example.com",
                "message": "First line\r\nsecond line\n\tindented",
            }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let id = b["ticket"]["id"].as_i64().unwrap();
    let (_, messages) = h
        .get(&format!("/api/v1/tickets/{id}/messages"), &h.agent)
        .await;
    assert_eq!(
        messages["items"][0]["body_text"],
        "First line\nsecond line\n\tindented"
    );
    assert_eq!(b["ticket"]["subject"], "Two\tcolumns");
}

async fn other_ways_in_refuse_control_characters_too(h: &Harness) {
    // The CLI and the demo call the use cases directly.
    let admin = h.app.authenticate(&h.admin).await.unwrap();
    let refused = h.app.create_team(&admin, "Night\u{0}shift").await;
    assert!(
        matches!(
            refused,
            Err(rapport_app::AppError::Invalid { field: "name", .. })
        ),
        "{refused:?}"
    );
    let refused = h
        .app
        .upload(
            &admin,
            "a\u{1}.pdf",
            "application/pdf",
            axum::body::Bytes::from_static(b"%PDF"),
        )
        .await;
    assert!(
        refused.is_ok(),
        "file names are cleaned, not refused: {refused:?}"
    );
    assert_eq!(refused.unwrap().file.file_name, "a.pdf");
}

async fn customer_search_folds_case_alike_and_matches_word_prefixes(h: &Harness) {
    for name in [
        "ÉMILE Zoë",
        "Straße Gmbh",
        "50% Off_Shop",
        "50 Percent OffXShop",
        "ＡＣＭＥ Ltd",
    ] {
        let (s, b) = h
            .post(
                "/api/v1/customers",
                &h.agent,
                json!({"name": name, "identities": []}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
    }
    for (query, expected) in [
        ("%C3%A9mile", vec!["ÉMILE Zoë"]),
        ("ZO%C3%8B", vec!["ÉMILE Zoë"]),
        ("STRASSE", vec!["Straße Gmbh"]),
        ("acme", vec!["ＡＣＭＥ Ltd"]),
        // Words of the name by prefix: punctuation only separates words,
        // so `%` and `_` are never wildcards.
        ("50%25", vec!["50% Off_Shop", "50 Percent OffXShop"]),
        ("off_sh", vec!["50% Off_Shop"]),
        ("f_s", vec![]),
        ("%25", vec![]),
        ("_", vec![]),
        ("off", vec!["50% Off_Shop", "50 Percent OffXShop"]),
        ("SHOP%2050", vec!["50% Off_Shop"]),
        ("zoe", vec![]),
    ] {
        let (s, b) = h
            .get(&format!("/api/v1/customers?name={query}"), &h.agent)
            .await;
        assert_eq!(s, StatusCode::OK, "{query}: {b}");
        let names: Vec<&str> = b["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, expected, "{query}");
    }
    // Renaming keeps the folded copy in step.
    let (_, b) = h.get("/api/v1/customers?name=stra%C3%9Fe", &h.agent).await;
    let id = b["items"][0]["id"].as_i64().unwrap();
    let (s, _) = h
        .call(
            Method::PATCH,
            &format!("/api/v1/customers/{id}"),
            Some(&h.agent),
            Some(json!({"name": "Østergaard"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, b) = h.get("/api/v1/customers?name=%C3%98STER", &h.agent).await;
    assert_eq!(b["items"].as_array().unwrap().len(), 1, "{b}");
    let (_, b) = h.get("/api/v1/customers?name=strasse", &h.agent).await;
    assert_eq!(
        b["items"].as_array().unwrap().len(),
        0,
        "the old name's words go: {b}"
    );
    // The pattern is bounded: 200 characters, then 422; a URL over 8 KiB is a 414.
    let (s, _) = h
        .get(
            &format!("/api/v1/customers?name={}", "a".repeat(200)),
            &h.agent,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, b) = h
        .get(
            &format!("/api/v1/customers?name={}", "a".repeat(201)),
            &h.agent,
        )
        .await;
    assert_eq!(
        (s.as_u16(), b["error"]["field"].as_str()),
        (422, Some("name")),
        "{b}"
    );
    let (s, b) = h
        .get(
            &format!("/api/v1/customers?name={}", "a".repeat(50_000)),
            &h.agent,
        )
        .await;
    assert_eq!(
        (s.as_u16(), b["error"]["code"].as_str()),
        (414, Some("uri_too_long")),
        "{b}"
    );
}

async fn the_schema_refuses_unknown_kinds_and_states(h: &Harness) {
    h.ticket("Broken lamp", None).await;
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&h.database_url).await.unwrap();
    let refused = sqlx::query("UPDATE messages SET kind = 'shout'")
        .execute(&pool)
        .await
        .unwrap_err()
        .to_string();
    assert!(refused.contains("messages_kind_check"), "{refused}");
    let refused = sqlx::query("UPDATE messages SET author_kind = 'robot'")
        .execute(&pool)
        .await
        .unwrap_err()
        .to_string();
    assert!(refused.contains("messages_author_kind_check"), "{refused}");
    for (kind, status, check) in [
        ("reply", "lost", "outbox_status_check"),
        ("newsletter", "pending", "outbox_kind_check"),
    ] {
        let refused = sqlx::query(
            "INSERT INTO outbox (kind, message_id, mail_from, recipients, rate_key, raw, status, \
             attempts, next_attempt_at, created_at) VALUES ($1, $2, 'a@b.example', '[]', 'x', $3, $4, 0, 0, 0)",
        )
        .bind(kind)
        .bind(unique("mid"))
        .bind(vec![1u8])
        .bind(status)
        .execute(&pool)
        .await
        .unwrap_err()
        .to_string();
        assert!(refused.contains(check), "{refused}");
    }
    let refused = sqlx::query(
        "INSERT INTO inbound_mail (content_hash, raw, received_at, status) VALUES ('h', $1, 0, 'lost')",
    )
    .bind(vec![1u8])
    .execute(&pool)
    .await
    .unwrap_err()
    .to_string();
    assert!(refused.contains("inbound_mail_status_check"), "{refused}");
    pool.close().await;
}

both_backends!(
    control_characters_are_refused_naming_the_field,
    tabs_and_line_breaks_pass_and_crlf_is_stored_as_lf,
    other_ways_in_refuse_control_characters_too,
    customer_search_folds_case_alike_and_matches_word_prefixes,
    the_schema_refuses_unknown_kinds_and_states,
);

/// A database of the release before migration 6 (version 4), empty.
async fn old_database(backend: Backend, name: &str) -> Option<(Store, String, Cleanup)> {
    crate::harness::database_at(backend, name, 4).await
}

/// Migration 6 folds the names already stored (and the start after it those
/// an older server wrote meanwhile), and refuses to run over rows its CHECK
/// constraints would not have let in, on both engines.
async fn migration_6_folds_stored_names_and_checks_stored_rows(backend: Backend) {
    let Some((store, url, cleanup)) = old_database(backend, "migration_6").await else {
        return;
    };
    let pool = sqlx::AnyPool::connect(&url).await.unwrap();
    for (id, name) in [(1, "ÉMILE Zoë"), (2, "Straße Gmbh")] {
        sqlx::query(
            "INSERT INTO customers (id, name, created_at, updated_at) VALUES ($1, $2, 0, 0)",
        )
        .bind(id as i64)
        .bind(name)
        .execute(&pool)
        .await
        .unwrap();
    }
    sqlx::query(
        "INSERT INTO tickets (id, subject, status, priority, channel, customer_id, tags, transfer_count, \
         has_public_reply, created_at, updated_at, version) \
         VALUES (1, 'x', 'new', 'normal', 'api', 1, '[]', 0, 0, 0, 0, 1)",
    )
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO messages (ticket_id, kind, author_kind, body_text, created_at) \
         VALUES (1, 'shout', 'customer', 'x', 0)",
    )
    .execute(&pool)
    .await
    .unwrap();
    let refused = store.migrate().await.unwrap_err().to_string();
    assert!(
        refused.contains("messages_kind_check"),
        "{backend:?}: {refused}"
    );
    // Nothing of migration 6 stayed behind; with the row mended it runs.
    sqlx::query("UPDATE messages SET kind = 'public'")
        .execute(&pool)
        .await
        .unwrap();
    store.migrate().await.unwrap();
    for (search, id) in [("émile", 1), ("ZOË", 1), ("strasse", 2)] {
        let found = store.customers(0, 10, Some(search)).await.unwrap();
        assert_eq!(
            found.iter().map(|c| c.id.0).collect::<Vec<_>>(),
            vec![id],
            "{backend:?}: {search}"
        );
    }
    // A server of the release before writes a customer during an upgrade;
    // the next start folds its name.
    sqlx::query(
        "INSERT INTO customers (id, name, created_at, updated_at) VALUES (3, 'ÅSA Öberg', 0, 0)",
    )
    .execute(&pool)
    .await
    .unwrap();
    assert!(
        store
            .customers(0, 10, Some("åsa"))
            .await
            .unwrap()
            .is_empty()
    );
    store.migrate().await.unwrap();
    assert_eq!(store.customers(0, 10, Some("åsa")).await.unwrap().len(), 1);
    pool.close().await;
    store.close().await;
    cleanup.run().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migration_6_folds_stored_names_and_checks_stored_rows_sqlite() {
    sqlx::any::install_default_drivers();
    migration_6_folds_stored_names_and_checks_stored_rows(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migration_6_folds_stored_names_and_checks_stored_rows_postgres() {
    sqlx::any::install_default_drivers();
    migration_6_folds_stored_names_and_checks_stored_rows(Backend::Postgres).await;
}
