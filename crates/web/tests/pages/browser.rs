//! A cookie-keeping client of the router, reading pages as text.

use crate::harness::Harness;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use std::collections::BTreeMap;
use tower::ServiceExt;

/// One page as the browser got it.
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    /// Where a redirect leads.
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The CSRF token of the page's forms.
    pub fn csrf(&self) -> String {
        let marker = "name=\"csrf\" value=\"";
        let start = self.body.find(marker).expect("a form with a CSRF token") + marker.len();
        let end = self.body[start..].find('"').expect("closing quote");
        self.body[start..start + end].to_string()
    }
}

/// A browser: a cookie jar over the app's router.
pub struct Browser<'h> {
    h: &'h Harness,
    /// The server it talks to (the harness's, unless another is given).
    router: Option<axum::Router>,
    pub cookies: BTreeMap<String, String>,
    /// The `Accept-Language` it sends, if any.
    pub lang: Option<String>,
}

impl<'h> Browser<'h> {
    pub fn new(h: &'h Harness) -> Self {
        Self {
            h,
            router: None,
            cookies: BTreeMap::new(),
            lang: None,
        }
    }

    /// The same browser (its cookies) talking to another server.
    pub fn on(&self, router: axum::Router) -> Self {
        Self {
            h: self.h,
            router: Some(router),
            cookies: self.cookies.clone(),
            lang: self.lang.clone(),
        }
    }

    pub async fn send(&mut self, request: Request<Body>) -> Page {
        let response = self
            .router
            .clone()
            .unwrap_or_else(|| self.h.router.clone())
            .oneshot(request)
            .await
            .unwrap_or_else(|e| match e {});
        let status = response.status();
        let headers = response.headers().clone();
        for set in headers.get_all(header::SET_COOKIE) {
            let text = set.to_str().unwrap();
            let (pair, _) = text.split_once(';').unwrap_or((text, ""));
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() || text.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.into(), value.into());
            }
        }
        let bytes = axum::body::to_bytes(response.into_body(), 16 * 1024 * 1024)
            .await
            .unwrap_or_default();
        Page {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    fn request(&self, method: Method, path: &str) -> axum::http::request::Builder {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, "rapport.test");
        if let Some(lang) = &self.lang {
            request = request.header(header::ACCEPT_LANGUAGE, lang.as_str());
        }
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            request = request.header(header::COOKIE, jar.join("; "));
        }
        request
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let request = self.request(Method::GET, path).body(Body::empty()).unwrap();
        self.send(request).await
    }

    /// Posts a form (fields as given, no CSRF token added).
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let body: Vec<String> = fields
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect();
        let request = self
            .request(Method::POST, path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.join("&")))
            .unwrap();
        self.send(request).await
    }

    /// Posts a form with the CSRF token of the page at `from`.
    pub async fn submit(&mut self, from: &str, path: &str, fields: &[(&str, &str)]) -> Page {
        let csrf = self.get(from).await.csrf();
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post(path, &all).await
    }

    /// Signs in as one of the harness's agents (password "correct horse battery").
    pub async fn sign_in(&mut self, email: &str) {
        let page = self
            .submit(
                "/app/sign-in",
                "/app/sign-in",
                &[("email", email), ("password", "correct horse battery")],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        assert_eq!(page.location(), "/app");
    }
}

fn encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

/// A customer's mail, ingested as the MTA pipe would; returns the ticket id.
pub async fn mail_in(h: &Harness, from_name: &str, from: &str, subject: &str, body: &str) -> i64 {
    let raw = format!(
        "From: \"{from_name}\" <{from}>\r\nTo: support@localhost\r\nSubject: {subject}\r\nMessage-ID: <{}@test.example>\r\nDate: Thu, 03 Dec 2026 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n",
        crate::harness::unique("m")
    );
    let outcome = h.app.ingest_mail(raw.as_bytes()).await.expect("ingest");
    outcome.ticket().expect("a ticket").0
}

/// A hidden field's value on a page.
pub fn hidden(page: &Page, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.body.find(&marker).expect(name) + marker.len();
    let end = page.body[start..].find('"').expect("closing quote");
    page.body[start..start + end].to_string()
}

/// The live event stream of a signed-in browser (what the list's script
/// listens to), after its poller has read where the log ends.
pub async fn live_stream(h: &Harness, b: &Browser<'_>) -> axum::body::BodyDataStream {
    let jar: Vec<String> = b.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let request = Request::get("/app/live")
        .header(header::COOKIE, jar.join("; "))
        .body(Body::empty())
        .expect("a request");
    let response = h.router.clone().oneshot(request).await.expect("an answer");
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.into_body().into_data_stream();
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    body
}
