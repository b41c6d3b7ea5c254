//! The real server on a real socket, health, metrics and the API reference.

use crate::both_backends;
use crate::harness::Harness;
use axum::http::Method;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn http_get(addr: std::net::SocketAddr, path: &str, token: Option<&str>) -> String {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let auth = token.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nx-request-id: test-42\r\n{auth}\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    response
}

async fn serves_on_a_real_socket(h: &Harness) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(rapport_web::serve(listener, h.app.clone(), async move {
        let _ = stopped.await;
    }));
    let health = http_get(addr, "/healthz", None).await;
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(health.contains("\"database\":\"ok\""));
    assert!(
        health.to_lowercase().contains("x-request-id: test-42"),
        "{health}"
    );
    let docs = http_get(addr, "/api/v1/docs", None).await;
    assert!(
        docs.contains("/api/v1/tickets/{id}/transfer") && docs.contains("TransferIn"),
        "reference page incomplete"
    );
    assert!(
        !docs.contains("<script"),
        "the reference page must work without scripts"
    );
    let refused = http_get(addr, "/metrics", None).await;
    assert!(refused.starts_with("HTTP/1.1 401"), "{refused}");
    let refused = http_get(addr, "/metrics", Some(&h.agent)).await;
    assert!(refused.starts_with("HTTP/1.1 403"), "{refused}");
    let metrics = http_get(addr, "/metrics", Some(&h.admin)).await;
    assert!(
        metrics.contains(
            "rapport_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1"
        ),
        "{metrics}"
    );
    assert!(metrics.contains(
        "rapport_http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/v1/docs\""
    ));
    let _ = stop.send(());
    server.await.unwrap().unwrap();
}

async fn openapi_lists_every_route(h: &Harness) {
    let (s, doc) = h
        .call(Method::GET, "/api/v1/openapi.json", None, None)
        .await;
    assert_eq!(s, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/api/v1/tickets",
        "/api/v1/tickets/{id}/transfer",
        "/api/v1/customers/{id}",
        "/api/v1/teams/{id}",
        "/api/v1/agents",
        "/api/v1/auth/tokens/{id}",
        "/api/v1/setup",
    ] {
        assert!(
            paths.contains_key(p),
            "{p} missing from the OpenAPI document"
        );
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

both_backends!(serves_on_a_real_socket, openapi_lists_every_route);
