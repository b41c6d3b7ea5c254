//! The workspace's sign-in and sign-out.

use super::render::{Chrome, PageError, lang_of, page, refusal_text};
use super::session::{AGENT_COOKIE, AgentPage, Area, page_csrf, set_cookie, with_cookie};
use crate::guard::ClientAddr;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use rapport_app::AppError;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    chrome: Chrome,
    email: String,
}

/// The sign-in form.
pub async fn form(State(s): State<AppState>, headers: HeaderMap) -> Result<Response, PageError> {
    let (csrf, cookie) = page_csrf(&s, &headers, Area::Workspace)?;
    let template = SignInPage {
        chrome: Chrome::workspace(&s, None, csrf, lang_of(&headers)),
        email: String::new(),
    };
    Ok(with_cookie(page(StatusCode::OK, &template), cookie))
}

/// What the sign-in form sends.
#[derive(Deserialize)]
pub struct SignIn {
    email: String,
    password: String,
}

/// Checks the password (with the login throttle) and opens a session.
pub async fn submit(
    State(s): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Form(form): Form<SignIn>,
) -> Result<Response, PageError> {
    match s.app.web_sign_in(&form.email, &form.password, client).await {
        Ok((_, session)) => {
            let cookie = set_cookie(&s, AGENT_COOKIE, &session.token, session.max_age_secs);
            Ok(with_cookie(Redirect::to("/app"), Some(cookie)))
        }
        Err(
            e @ (AppError::Unauthorized(_) | AppError::Invalid { .. } | AppError::Throttled { .. }),
        ) => {
            let status = crate::error::ApiError::from(e);
            let (csrf, cookie) = page_csrf(&s, &headers, Area::Workspace)?;
            let lang = lang_of(&headers);
            let template = SignInPage {
                chrome: Chrome::workspace(&s, None, csrf, lang)
                    .with_notice(refusal_text(lang, &status), true),
                email: form.email,
            };
            Ok(with_cookie(page(status.status, &template), cookie))
        }
        Err(e) => Err(e.into()),
    }
}

/// Ends the session and clears the cookie.
pub async fn sign_out(State(s): State<AppState>, agent: AgentPage) -> Result<Response, PageError> {
    s.app.web_sign_out(&agent.token).await?;
    let mut response = Redirect::to("/app/sign-in").into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, set_cookie(&s, AGENT_COOKIE, "", 0));
    Ok(response)
}
