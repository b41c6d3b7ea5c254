//! The pages' defences: CSRF, cookies, headers, sessions that are not
//! tokens, escaped customer text, hashed assets.

use crate::browser::{Browser, mail_in};
use crate::harness::Harness;
use crate::{both_backends, both_backends_with};
use axum::http::{StatusCode, header};

both_backends!(
    a_form_without_its_csrf_token_is_refused_and_changes_nothing,
    another_site_cannot_post_even_with_a_token,
    cookies_are_http_only_and_lax_and_pages_carry_a_strict_policy,
    a_web_session_is_no_api_token_and_an_api_token_no_web_session,
    customer_text_is_escaped_on_every_page,
    assets_are_hashed_and_cached_for_a_year,
);

both_backends_with!(super::behind_https();
    cookies_are_secure_when_the_site_is_reached_over_https,
);

/// The agent's sign-in form posted with the form's token `csrf`.
async fn post_sign_in(b: &mut Browser<'_>, csrf: &str) -> crate::browser::Page {
    b.post(
        "/app/sign-in",
        &[
            ("csrf", csrf),
            ("email", "agent@test.example"),
            ("password", "correct horse battery"),
        ],
    )
    .await
}

/// Settings of a site whose public address is HTTPS.
fn behind_https() -> rapport_app::AppConfig {
    rapport_app::AppConfig {
        public_base_url: "https://help.example.com".into(),
        ..rapport_app::AppConfig::default()
    }
}

async fn a_form_without_its_csrf_token_is_refused_and_changes_nothing(h: &Harness) {
    let id = mail_in(h, "Ann Lee", "ann@example.com", "Help", "Hi").await;
    let mut b = Browser::new(h);
    b.sign_in("agent@test.example").await;
    let at = format!("/app/tickets/{id}");
    let none = b.post(&format!("{at}/note"), &[("body", "sneaky")]).await;
    assert_eq!(none.status, StatusCode::FORBIDDEN, "{}", none.body);
    assert_eq!(none.headers["x-error-code"], "csrf_failed");
    let mut other = Browser::new(h);
    other.sign_in("other@test.example").await;
    let foreign = other.get("/app").await.csrf();
    let wrong = b
        .post(
            &format!("{at}/note"),
            &[("csrf", &foreign), ("body", "sneaky")],
        )
        .await;
    assert_eq!(
        wrong.status,
        StatusCode::FORBIDDEN,
        "another session's token"
    );
    let anonymous = Browser::new(h)
        .post(
            "/app/sign-in",
            &[
                ("email", "agent@test.example"),
                ("password", "correct horse battery"),
            ],
        )
        .await;
    assert_eq!(
        anonymous.status,
        StatusCode::FORBIDDEN,
        "sign-in needs its token too"
    );
    assert_eq!(
        h.store
            .messages(rapport_core::TicketId(id))
            .await
            .unwrap()
            .len(),
        1
    );
}

async fn another_site_cannot_post_even_with_a_token(h: &Harness) {
    let id = mail_in(h, "Ann Lee", "ann@example.com", "Help", "Hi").await;
    let mut b = Browser::new(h);
    b.sign_in("agent@test.example").await;
    let at = format!("/app/tickets/{id}");
    let csrf = b.get(&at).await.csrf();
    let jar: Vec<String> = b.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let request = axum::http::Request::post(format!("{at}/note"))
        .header(header::HOST, "rapport.test")
        .header(header::ORIGIN, "https://evil.example")
        .header(header::COOKIE, jar.join("; "))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(format!("csrf={csrf}&body=x")))
        .unwrap();
    assert_eq!(b.send(request).await.status, StatusCode::FORBIDDEN);
    let ok = b
        .post(&format!("{at}/note"), &[("csrf", &csrf), ("body", "fine")])
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
}

async fn cookies_are_http_only_and_lax_and_pages_carry_a_strict_policy(h: &Harness) {
    let mut b = Browser::new(h);
    let form = b.get("/app/sign-in").await;
    let csp = form.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"));
    assert!(csp.contains("img-src 'self' data:"), "no remote images");
    assert_eq!(form.headers["x-content-type-options"], "nosniff");
    assert_eq!(form.headers[header::REFERRER_POLICY], "same-origin");
    assert_eq!(form.headers[header::CACHE_CONTROL], "no-store");
    let page = post_sign_in(&mut b, &form.csrf()).await;
    let cookie = page.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.starts_with("rapport_agent=wa_"), "{cookie}");
    assert!(cookie.contains("HttpOnly"));
    assert!(cookie.contains("SameSite=Lax"));
    assert!(!cookie.contains("Secure"), "plain HTTP here: {cookie}");
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM web_sessions WHERE kind = 'agent'")
        .fetch_one(&sqlx::AnyPool::connect(&h.database_url).await.unwrap())
        .await
        .unwrap();
    assert_eq!(stored, 1);
}

async fn a_web_session_is_no_api_token_and_an_api_token_no_web_session(h: &Harness) {
    let mut b = Browser::new(h);
    b.sign_in("agent@test.example").await;
    let session = b.cookies["rapport_agent"].clone();
    let (status, _) = h.get("/api/v1/auth/me", &session).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let mut with_token = Browser::new(h);
    with_token
        .cookies
        .insert("rapport_agent".into(), h.agent.clone());
    assert_eq!(with_token.get("/app").await.location(), "/app/sign-in");
    let mut as_customer = Browser::new(h);
    as_customer
        .cookies
        .insert("rapport_customer".into(), session.clone());
    assert!(
        h.app.customer_web_session(&session).await.is_err(),
        "an agent's session is no customer's"
    );
}

async fn customer_text_is_escaped_on_every_page(h: &Harness) {
    let id = mail_in(
        h,
        "<img src=x onerror=alert(1)>",
        "x@example.com",
        "<script>alert('subject')</script>",
        "<script>alert('body')</script>",
    )
    .await;
    let mut b = Browser::new(h);
    b.sign_in("agent@test.example").await;
    for path in [
        "/app?view=unassigned".to_string(),
        format!("/app/tickets/{id}"),
    ] {
        let page = b.get(&path).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            !page.body.contains("<script>alert"),
            "{path}: {}",
            page.body
        );
        assert!(!page.body.contains("<img src=x"), "{path}");
        assert!(
            page.body.contains("&lt;script&gt;alert(")
                || page.body.contains("&#60;script&#62;alert("),
            "{path}: the text is shown, escaped"
        );
    }
}

async fn assets_are_hashed_and_cached_for_a_year(h: &Harness) {
    let mut b = Browser::new(h);
    let page = b.get("/app/sign-in").await;
    let start = page.body.find("href=\"/assets/").unwrap() + 6;
    let end = page.body[start..].find('"').unwrap();
    let css = page.body[start..start + end].to_string();
    assert!(
        css.starts_with("/assets/rapport-") && css.ends_with(".css"),
        "{css}"
    );
    let asset = b.get(&css).await;
    assert_eq!(asset.status, StatusCode::OK);
    assert_eq!(
        asset.headers[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert!(asset.body.contains("prefers-color-scheme: dark"));
    assert_eq!(
        b.get("/assets/rapport-0000000000000000.css").await.status,
        StatusCode::NOT_FOUND
    );
    let js = rapport_web::pages::assets::JS.body.len();
    assert!(
        asset.body.len() + js <= 100 * 1024,
        "JS + CSS per page ≤ 100 KB"
    );
}

/// Behind HTTPS (the public address says so) every cookie the pages set is
/// `Secure` too: the visitor's (for the forms) and the agent's session, set and cleared.
async fn cookies_are_secure_when_the_site_is_reached_over_https(h: &Harness) {
    let mut b = Browser::new(h);
    let form = b.get("/app/sign-in").await;
    let visitor: Vec<&str> = form
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|c| c.to_str().unwrap())
        .collect();
    assert!(!visitor.is_empty(), "a visitor cookie for the form");
    for cookie in &visitor {
        assert!(cookie.ends_with("; Secure"), "{cookie}");
    }
    let page = post_sign_in(&mut b, &form.csrf()).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let cookie = page.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.starts_with("rapport_agent=wa_"), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(cookie.contains("; Secure"), "HTTPS site: {cookie}");
    // Signing out clears the cookie with the same flags.
    let csrf = b.get("/app").await.csrf();
    let out = b.post("/app/sign-out", &[("csrf", &csrf)]).await;
    let cleared = out.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert!(cleared.contains("; Secure"), "{cleared}");
}
