//! Cookies of the pages: who is signed in, and the CSRF secret of forms.
//!
//! The agent's cookie (`rapport_agent`) and the customer's
//! (`rapport_customer`) hold session tokens of different kinds; the visitor
//! cookie (`rapport_visitor`) holds a random secret so that the sign-in and
//! public forms carry a CSRF token before anyone signs in.

use super::render::{Chrome, PageError};
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::response::{IntoResponse, Redirect, Response};
use rapport_app::i18n::Lang;
use rapport_app::web_sessions::{anonymous_secret, csrf_token};
use rapport_app::{Caller, Principal};
use rapport_core::CustomerId;

/// The agent's session cookie.
pub const AGENT_COOKIE: &str = "rapport_agent";
/// The customer's session cookie.
pub const CUSTOMER_COOKIE: &str = "rapport_customer";
/// The visitor's CSRF secret cookie.
pub const VISITOR_COOKIE: &str = "rapport_visitor";
/// The language a portal visitor chose with the switcher (a code).
pub const LANG_COOKIE: &str = "rapport_lang";

/// The language of a portal page for someone not signed in (or whose
/// language is not stored yet): the switcher's choice, else the browser's.
pub fn portal_lang(headers: &HeaderMap) -> Lang {
    Lang::from_stored(cookie(headers, LANG_COOKIE))
        .unwrap_or_else(|| super::render::lang_of(headers))
}

/// The language of any portal page: a signed-in customer's stored one,
/// else [`portal_lang`].
pub async fn portal_page_lang(state: &AppState, headers: &HeaderMap) -> Lang {
    let stored = match cookie(headers, CUSTOMER_COOKIE) {
        Some(token) => match state.app.customer_web_session(token).await {
            Ok(customer) => state
                .app
                .customer_stored_lang(customer)
                .await
                .ok()
                .flatten(),
            Err(_) => None,
        },
        None => None,
    };
    let lang = stored.unwrap_or_else(|| portal_lang(headers));
    super::render::set_page_lang(lang);
    lang
}

/// Which part of the site a page belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// `/app`: the agent workspace.
    Workspace,
    /// `/portal`: the customer portal.
    Portal,
}

impl Area {
    /// The area of a request path.
    pub fn of(path: &str) -> Self {
        if path.starts_with("/portal") {
            Area::Portal
        } else {
            Area::Workspace
        }
    }

    fn session_cookie(self) -> &'static str {
        match self {
            Area::Workspace => AGENT_COOKIE,
            Area::Portal => CUSTOMER_COOKIE,
        }
    }
}

/// A cookie's value from the request headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty())
}

/// The secret the forms of this area are bound to: the area's session
/// cookie when signed in, else the visitor cookie.
pub fn form_secret(headers: &HeaderMap, area: Area) -> Option<String> {
    cookie(headers, area.session_cookie())
        .or_else(|| cookie(headers, VISITOR_COOKIE))
        .map(str::to_string)
}

/// A `Set-Cookie` value: `HttpOnly`, `SameSite=Lax`, `Secure` behind HTTPS.
pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age: i64) -> HeaderValue {
    let secure = if secure_site(state) { "; Secure" } else { "" };
    let text = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}");
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Whether the site is reached over HTTPS (its public URL says so): then
/// cookies are `Secure`.
pub fn secure_site(state: &AppState) -> bool {
    state
        .app
        .config()
        .public_base_url
        .to_ascii_lowercase()
        .starts_with("https://")
}

/// The CSRF token of a page, and the visitor cookie to set when the browser
/// has no secret yet.
pub fn page_csrf(
    state: &AppState,
    headers: &HeaderMap,
    area: Area,
) -> Result<(String, Option<HeaderValue>), PageError> {
    if let Some(secret) = form_secret(headers, area) {
        return Ok((csrf_token(&secret), None));
    }
    let fresh = anonymous_secret().map_err(PageError::from)?;
    let cookie = set_cookie(state, VISITOR_COOKIE, &fresh, 86_400 * 30);
    Ok((csrf_token(&fresh), Some(cookie)))
}

/// A response that also sets a cookie, when one is given.
pub fn with_cookie(response: impl IntoResponse, cookie: Option<HeaderValue>) -> Response {
    let mut response = response.into_response();
    if let Some(cookie) = cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// A signed-in agent on a workspace page: a GET without a session goes to
/// the sign-in page, anything else is refused.
pub struct AgentPage {
    /// The agent, as the use cases know callers.
    pub caller: Caller,
    /// The page frame (names, CSRF token).
    pub chrome: Chrome,
    /// The session's token (to sign out).
    pub token: String,
}

impl AgentPage {
    /// The agent as the read use cases take their reader.
    pub fn principal(&self) -> Principal {
        Principal::Agent(self.caller.clone())
    }
}

impl FromRequestParts<AppState> for AgentPage {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        const SIGN_IN: &str = "/app/sign-in";
        let token = cookie(&parts.headers, AGENT_COOKIE)
            .map(str::to_string)
            .ok_or_else(|| {
                refusal(
                    parts,
                    SIGN_IN,
                    PageError::unauthorized("error.sessions.workspace"),
                )
            })?;
        let caller = state
            .app
            .agent_web_session(&token)
            .await
            .map_err(|e| refusal(parts, SIGN_IN, e.into()))?;
        tracing::Span::current().record("agent", caller.agent_id.0);
        let record = state
            .app
            .agent(&caller, caller.agent_id)
            .await
            .map_err(|e| PageError::from(e).into_response())?;
        let lang = Lang::from_stored(record.language.as_deref())
            .unwrap_or_else(|| super::render::lang_of(&parts.headers));
        super::render::set_page_lang(lang);
        let mut chrome = Chrome::workspace(state, Some(record.name), csrf_token(&token), lang);
        if caller.role >= rapport_core::Role::Lead {
            chrome.links.push(("/app/admin", lang.text("nav.admin")));
        }
        Ok(AgentPage {
            caller,
            chrome,
            token,
        })
    }
}

/// A signed-in customer on a portal page.
pub struct CustomerPage {
    /// The customer.
    pub customer: CustomerId,
    /// The page frame.
    pub chrome: Chrome,
    /// The session's token (to sign out).
    pub token: String,
}

impl CustomerPage {
    /// The customer as the read use cases take their reader.
    pub fn principal(&self) -> Principal {
        Principal::Customer(self.customer)
    }
}

impl FromRequestParts<AppState> for CustomerPage {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        const SIGN_IN: &str = "/portal/sign-in";
        let token = cookie(&parts.headers, CUSTOMER_COOKIE)
            .map(str::to_string)
            .ok_or_else(|| {
                refusal(
                    parts,
                    SIGN_IN,
                    PageError::unauthorized("error.sessions.portal"),
                )
            })?;
        let customer = state
            .app
            .customer_web_session(&token)
            .await
            .map_err(|e| refusal(parts, SIGN_IN, e.into()))?;
        let lang = match state
            .app
            .customer_stored_lang(customer)
            .await
            .map_err(|e| PageError::from(e).into_response())?
        {
            Some(lang) => lang,
            None => portal_lang(&parts.headers),
        };
        super::render::set_page_lang(lang);
        let chrome = Chrome::portal(state, true, csrf_token(&token), lang);
        Ok(CustomerPage {
            customer,
            chrome,
            token,
        })
    }
}

/// How a page refuses a visitor without a valid session: a GET goes to the
/// sign-in page, anything else gets the error.
fn refusal(parts: &Parts, sign_in: &'static str, error: PageError) -> Response {
    if parts.method == Method::GET {
        Redirect::to(sign_in).into_response()
    } else {
        error.into_response()
    }
}
