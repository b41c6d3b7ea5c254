//! What is refused before any route answers, for a person: a URL or
//! headers too large on a workspace or portal address (or from a browser
//! asking for HTML), and an address nobody has outside `/app` and
//! `/portal`, are the error page in the reader's language with the status
//! kept. The API and clients that do not ask for HTML keep the JSON error.
//! Runs on SQLite and PostgreSQL.

use crate::both_backends;
use crate::harness::Harness;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use tower::ServiceExt;

both_backends!(
    too_large_requests_are_pages_for_people_and_json_for_the_api,
    an_unknown_address_is_a_page_for_a_browser_and_json_for_the_api,
);

/// Sends a GET with these headers; the status, content type and body.
async fn fetch(h: &Harness, path: &str, headers: &[(&str, &str)]) -> (StatusCode, String, String) {
    let mut request = Request::get(path).header(header::HOST, "rapport.test");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = h
        .router
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let kind = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, kind, String::from_utf8_lossy(&body).into_owned())
}

const GERMAN: (&str, &str) = ("accept-language", "de-DE,de;q=0.9");
const HTML: (&str, &str) = ("accept", "text/html,application/xhtml+xml");

async fn too_large_requests_are_pages_for_people_and_json_for_the_api(h: &Harness) {
    let long = "x".repeat(rapport_web::error::MAX_URI_BYTES + 10);
    for path in [format!("/app/{long}"), format!("/portal/{long}")] {
        let (status, kind, body) = fetch(h, &path, &[GERMAN]).await;
        assert_eq!(status, StatusCode::URI_TOO_LONG, "{body}");
        assert!(kind.starts_with("text/html"), "{kind}");
        assert!(body.contains("<html lang=\"de\">"), "{body}");
        assert!(body.contains("die Anfrage ist zu lang"), "{body}");
        assert!(!body.contains("uri_too_long\""), "{body}");
    }
    // A browser asking for HTML at an address outside the pages, in English.
    let (status, kind, body) = fetch(h, &format!("/{long}"), &[HTML]).await;
    assert_eq!(status, StatusCode::URI_TOO_LONG);
    assert!(kind.starts_with("text/html"), "{kind}: {body}");
    assert!(body.contains("<html lang=\"en\">"), "{body}");

    // Headers over the limit: the same for the portal.
    let big = "y".repeat(rapport_web::error::MAX_HEADER_BYTES + 10);
    let (status, kind, body) =
        fetch(h, "/portal/sign-in", &[GERMAN, ("x-padding", big.as_str())]).await;
    assert_eq!(
        status,
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
        "{body}"
    );
    assert!(kind.starts_with("text/html"), "{kind}");
    assert!(body.contains("die Anfrage ist zu lang"), "{body}");

    // The API keeps its JSON with its code, even for a browser.
    let (status, kind, body) = fetch(h, &format!("/api/v1/{long}"), &[HTML, GERMAN]).await;
    assert_eq!(status, StatusCode::URI_TOO_LONG);
    assert!(kind.starts_with("application/json"), "{kind}");
    assert!(body.contains("\"uri_too_long\""), "{body}");
    let (status, kind, body) =
        fetch(h, "/api/v1/tickets", &[HTML, ("x-padding", big.as_str())]).await;
    assert_eq!(status, StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE);
    assert!(kind.starts_with("application/json"), "{kind}");
    assert!(body.contains("\"headers_too_large\""), "{body}");
}

async fn an_unknown_address_is_a_page_for_a_browser_and_json_for_the_api(h: &Harness) {
    let (status, kind, body) = fetch(h, "/nope", &[HTML, GERMAN]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(kind.starts_with("text/html"), "{kind}");
    assert!(body.contains("<html lang=\"de\">"), "{body}");
    assert!(body.contains("diese Seite gibt es nicht"), "{body}");
    let (status, _, body) = fetch(h, "/nope/deeper", &[HTML]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("<html lang=\"en\">"), "{body}");

    // A client that does not ask for HTML, and the API, get the JSON 404.
    for (path, headers) in [
        ("/nope", &[][..]),
        ("/api/v1/nowhere", &[HTML, GERMAN][..]),
        ("/api", &[HTML][..]),
    ] {
        let (status, kind, body) = fetch(h, path, headers).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(kind.starts_with("application/json"), "{path}: {kind}");
        assert!(body.contains("\"not_found\""), "{path}: {body}");
    }
}
