//! Errors and limits (issue 8, item 7): every error in the one JSON shape,
//! also the ones axum and hyper make themselves (405, 414, 400, 431); a
//! database outage is a 503, never a 422 "does not exist"; downloads keep
//! non-ASCII names; hand-off notes must say something; tags per ticket and
//! upload names are bounded. Every test runs on SQLite and on PostgreSQL.

use crate::both_backends;
use crate::harness::{Backend, Harness};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use rapport_app::AppError;
use rapport_app::tickets::{CustomerRef, OpenTicket};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tower::ServiceExt;

/// Sends a request to the router; returns the status, the headers and the JSON body.
async fn send(h: &Harness, request: Request<Body>) -> (StatusCode, header::HeaderMap, Value) {
    let response = h.router.clone().oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 20).await.unwrap();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (parts.status, parts.headers, json)
}

async fn axums_own_errors_have_the_json_shape(h: &Harness) {
    let put = Request::put("/api/v1/tickets")
        .header("authorization", format!("Bearer {}", h.agent))
        .body(Body::empty())
        .unwrap();
    let (s, headers, b) = send(h, put).await;
    assert_eq!(
        (s.as_u16(), b["error"]["code"].as_str()),
        (405, Some("method_not_allowed")),
        "{b}"
    );
    assert_eq!(headers[header::ALLOW], "GET,HEAD,POST");
    assert!(b["error"]["message"].as_str().unwrap().contains("PUT"));
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    let long = format!("/api/v1/tickets?status={}", "a".repeat(9000));
    let (s, _, b) = send(h, Request::get(long).body(Body::empty()).unwrap()).await;
    assert_eq!(
        (s.as_u16(), b["error"]["code"].as_str()),
        (414, Some("uri_too_long")),
        "{b}"
    );
    let (s, _, b) = send(
        h,
        Request::delete("/api/v1/nowhere")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(
        (s.as_u16(), b["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
}

/// Sends raw bytes to a real server; returns the status, the head and the JSON body.
async fn raw_http(addr: std::net::SocketAddr, request: &[u8]) -> (u16, String, Value) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    // Bounded, so a connection left open fails the test instead of hanging it.
    let limit = std::time::Duration::from_secs(20);
    // hyper may answer and close before reading all of an oversized request.
    let _ = tokio::time::timeout(limit, stream.write_all(request)).await;
    // Read one whole response: the head, then as many body bytes as it
    // announces (the server may keep the connection open after it).
    let mut response = Vec::new();
    let read = tokio::time::timeout(limit, async {
        let mut chunk = [0u8; 8192];
        loop {
            if complete(&response) {
                return;
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => response.extend_from_slice(&chunk[..n]),
            }
        }
    })
    .await;
    assert!(
        read.is_ok(),
        "no whole response within {limit:?}: {response:?}"
    );
    let text = String::from_utf8_lossy(&response).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    (
        status,
        head.to_string(),
        serde_json::from_str(body).unwrap_or(Value::Null),
    )
}

/// Whether `response` holds a head and the body its content-length announces.
fn complete(response: &[u8]) -> bool {
    let Some(end) = response.windows(4).position(|w| w == b"\r\n\r\n") else {
        return false;
    };
    let head = String::from_utf8_lossy(&response[..end]).to_ascii_lowercase();
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok());
    length.is_some_and(|n| response.len() >= end + 4 + n)
}

async fn malformed_requests_on_a_real_socket_get_the_json_shape(h: &Harness) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(rapport_web::serve(listener, h.app.clone(), async move {
        let _ = stopped.await;
    }));
    let auth = format!("Authorization: Bearer {}\r\n", h.agent);
    let upload = |name: &str| {
        format!(
            "POST /api/v1/attachments?name={name} HTTP/1.1\r\nHost: x\r\n{auth}Content-Type: application/pdf\r\nContent-Length: 4\r\nConnection: close\r\n\r\n%PDF"
        )
    };
    let cases: Vec<(Vec<u8>, u16, &str)> = vec![
        // hyper's own answers: a space in the URL, a URL over 64 KiB, headers over its buffer.
        (upload("my label.pdf").into_bytes(), 400, "bad_request"),
        (upload("a\u{1}b.pdf").into_bytes(), 400, "bad_request"),
        (
            format!(
                "GET /api/v1/customers?name={} HTTP/1.1\r\nHost: x\r\n\r\n",
                "a".repeat(70_000)
            )
            .into_bytes(),
            414,
            "uri_too_long",
        ),
        (
            format!(
                "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
                "a".repeat(500_000)
            )
            .into_bytes(),
            431,
            "headers_too_large",
        ),
        (
            b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: many\r\n\r\n".to_vec(),
            400,
            "bad_request",
        ),
        // Rapport's: a URL over 8 KiB, a method the route does not take.
        (
            format!(
                "GET /api/v1/customers?name={} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                "a".repeat(10_000)
            )
            .into_bytes(),
            414,
            "uri_too_long",
        ),
        (
            format!("PATCH /api/v1/tickets HTTP/1.1\r\nHost: x\r\n{auth}Connection: close\r\n\r\n")
                .into_bytes(),
            405,
            "method_not_allowed",
        ),
    ];
    for (request, status, code) in cases {
        let (got, head, body) = raw_http(addr, &request).await;
        assert_eq!(
            (got, body["error"]["code"].as_str()),
            (status, Some(code)),
            "{head}\n{body}"
        );
        assert!(head.contains("content-type: application/json"), "{head}");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
    // A good request still works after all that.
    let (got, _, body) = raw_http(addr, upload("label.pdf").as_bytes()).await;
    assert_eq!(got, 201, "{body}");
    let _ = stop.send(());
    // Graceful shutdown waits for open connections; a slow peer must not hang the suite.
    if let Ok(joined) = tokio::time::timeout(std::time::Duration::from_secs(20), server).await {
        joined.unwrap().unwrap();
    }
}

/// Takes the database away: drops it on PostgreSQL, closes the pools on SQLite.
async fn outage(h: &Harness, backend: Backend) {
    match backend {
        Backend::Sqlite => h.store.close().await,
        Backend::Postgres => {
            let (base, name) = h.database_url.rsplit_once('/').unwrap();
            let admin = sqlx::AnyPool::connect(&format!("{base}/postgres"))
                .await
                .unwrap();
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE {name} WITH (FORCE)"
            )))
            .execute(&admin)
            .await
            .unwrap();
            admin.close().await;
        }
    }
}

async fn a_database_outage_is_503_never_422(h: &Harness) {
    let backend = if h.database_url.starts_with("sqlite:") {
        Backend::Sqlite
    } else {
        Backend::Postgres
    };
    let agent = h.app.authenticate(&h.agent).await.unwrap();
    let ticket = h.ticket("Broken lamp", Some(h.team)).await;
    let (_, customers) = h.get("/api/v1/customers", &h.agent).await;
    let customer = customers["items"][0]["id"].as_i64().unwrap();
    outage(h, backend).await;
    for (method, path, body) in [
        (Method::GET, "/api/v1/tickets".to_string(), None),
        (
            Method::POST,
            "/api/v1/tickets".to_string(),
            Some(json!({"subject": "x", "customer_id": customer, "team_id": h.team.0})),
        ),
        (
            Method::POST,
            format!("/api/v1/tickets/{ticket}/assign"),
            Some(json!({"agent_id": h.agent_id.0})),
        ),
    ] {
        let (s, b) = h.call(method, &path, Some(&h.agent), body).await;
        assert_eq!(
            (s.as_u16(), b["error"]["code"].as_str()),
            (503, Some("storage_unavailable")),
            "{path}: {b}"
        );
    }
    let (s, _) = h.call(Method::GET, "/healthz", None, None).await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE);
    // Past authentication, the checks that a named record exists say
    // "unavailable" too, not "customer does not exist".
    let open = OpenTicket {
        subject: "x".into(),
        customer: CustomerRef::Id(rapport_core::CustomerId(customer)),
        channel: rapport_core::Channel::Api,
        priority: rapport_core::Priority::Normal,
        team_id: None,
        tags: vec![],
        message: None,
    };
    let refused = h.app.open_ticket(&agent, open).await;
    assert!(
        matches!(refused, Err(AppError::Unavailable(_))),
        "{refused:?}"
    );
    let assign = rapport_core::Command::Assign {
        agent: h.agent_id,
        team: Some(h.team2),
    };
    let refused = h
        .app
        .command(&agent, rapport_core::TicketId(ticket), assign)
        .await;
    assert!(
        matches!(refused, Err(AppError::Unavailable(_))),
        "{refused:?}"
    );
    let response = rapport_web::error::ApiError::from(AppError::Unavailable(
        rapport_store::StoreError::Unavailable(sqlx::Error::PoolClosed),
    ));
    assert_eq!(response.status, StatusCode::SERVICE_UNAVAILABLE);
}

async fn downloads_keep_non_ascii_names(h: &Harness) {
    let upload = Request::post("/api/v1/attachments?name=Rechnung%20M%C3%A4rz.pdf")
        .header("authorization", format!("Bearer {}", h.agent))
        .header("content-type", "application/pdf")
        .body(Body::from("%PDF-1.4"))
        .unwrap();
    let (s, _, b) = send(h, upload).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(b["file_name"], "Rechnung März.pdf");
    let download = Request::get(format!("/api/v1/attachments/{}", b["id"]))
        .header("authorization", format!("Bearer {}", h.agent))
        .body(Body::empty())
        .unwrap();
    let response = h.router.clone().oneshot(download).await.unwrap();
    let headers = response.headers();
    assert_eq!(
        headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"Rechnung M_rz.pdf\"; filename*=UTF-8''Rechnung%20M%C3%A4rz.pdf"
    );
    assert_eq!(
        headers[header::CONTENT_SECURITY_POLICY],
        "sandbox; default-src 'none'"
    );
}

async fn a_handoff_note_must_say_something(h: &Harness) {
    let id = h.ticket("Wrong size", Some(h.team)).await;
    let (s, _) = h
        .post(
            &format!("/api/v1/tickets/{id}/messages"),
            &h.agent,
            json!({"kind": "reply", "body": "Hello Ann, looking now."}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let url = format!("/api/v1/tickets/{id}/transfer");
    for empty in [
        ".".repeat(20),
        "x ".repeat(15),
        "ok ok ok ok ok ok ok ok".into(),
    ] {
        let (s, b) = h
            .post(&url, &h.agent, json!({"team_id": h.team2.0, "note": empty}))
            .await;
        assert_eq!(
            (s.as_u16(), b["error"]["code"].as_str()),
            (409, Some("handoff_note_required")),
            "{empty:?}: {b}"
        );
    }
    let (s, b) = h
        .post(
            &url,
            &h.agent,
            json!({"team_id": h.team2.0, "note": "Size M ordered, L arrived; label sent."}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
}

async fn tags_per_ticket_are_bounded(h: &Harness) {
    let many: Vec<String> = (0..31).map(|i| format!("t{i}")).collect();
    let (s, b) = h
        .post(
            "/api/v1/tickets",
            &h.agent,
            json!({"subject": "x", "customer_email": "a@b.example", "tags": many}),
        )
        .await;
    assert_eq!(
        (s.as_u16(), b["error"]["field"].as_str()),
        (422, Some("tags")),
        "{b}"
    );
    let id = h.ticket("Tags", None).await;
    let url = format!("/api/v1/tickets/{id}/tags");
    let (s, b) = h
        .post(&url, &h.agent, json!({"add": &many[..30], "remove": []}))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, b) = h
        .post(&url, &h.agent, json!({"add": ["one-more"], "remove": []}))
        .await;
    assert_eq!(
        (s.as_u16(), b["error"]["code"].as_str()),
        (409, Some("too_many_tags")),
        "{b}"
    );
}

async fn upload_names_are_bounded(h: &Harness) {
    for (length, status) in [
        (200, StatusCode::CREATED),
        (201, StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let upload = Request::post(format!("/api/v1/attachments?name={}", "n".repeat(length)))
            .header("authorization", format!("Bearer {}", h.agent))
            .header("content-type", "application/pdf")
            .body(Body::from("%PDF-1.4"))
            .unwrap();
        let (s, _, b) = send(h, upload).await;
        assert_eq!(s, status, "{length}: {b}");
        if s == StatusCode::UNPROCESSABLE_ENTITY {
            assert_eq!(b["error"]["field"], "name");
        }
    }
}

both_backends!(
    axums_own_errors_have_the_json_shape,
    malformed_requests_on_a_real_socket_get_the_json_shape,
    a_database_outage_is_503_never_422,
    downloads_keep_non_ascii_names,
    a_handoff_note_must_say_something,
    tags_per_ticket_are_bounded,
    upload_names_are_bounded,
);
