//! What every page shares: the frame around it ([`Chrome`]), rendering a
//! template, the error page, and how instants read.

use super::assets;
use crate::error::ApiError;
use crate::state::AppState;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use rapport_app::AppError;
use rapport_app::i18n::Lang;
use rapport_core::Timestamp;

/// A line shown above a page's content.
#[derive(Debug, Clone)]
pub struct Notice {
    /// The sentence.
    pub text: String,
    /// Whether it reports a refusal.
    pub error: bool,
}

/// The frame of a page: header, navigation, assets, the form token.
#[derive(Debug, Clone)]
pub struct Chrome {
    /// The business's name.
    pub business: String,
    /// "Workspace" or "Portal".
    pub area_label: &'static str,
    /// Where the brand links.
    pub home: &'static str,
    /// Navigation links: (href, text).
    pub links: Vec<(&'static str, &'static str)>,
    /// Who is signed in (shown), if anyone.
    pub signed_in: Option<String>,
    /// Where the sign-out form posts.
    pub sign_out: &'static str,
    /// The CSRF token every form carries.
    pub csrf: String,
    /// The stylesheet's hashed path.
    pub css: String,
    /// The script's hashed path.
    pub js: String,
    /// Whether the page loads the script.
    pub with_js: bool,
    /// A line above the content.
    pub notice: Option<Notice>,
    /// The reader's language.
    pub lang: Lang,
    /// Whether the header offers the other languages (the portal).
    pub switcher: bool,
}

impl Chrome {
    /// The frame of a workspace page, in the reader's language.
    pub fn workspace(
        state: &AppState,
        signed_in: Option<String>,
        csrf: String,
        lang: Lang,
    ) -> Self {
        let links = if signed_in.is_some() {
            vec![
                ("/app?view=mine", lang.text("view.mine")),
                ("/app?view=unassigned", lang.text("view.unassigned")),
                ("/app/recovery", lang.text("nav.recovery")),
                ("/app/reports", lang.text("nav.reports")),
                ("/app/notifications", lang.text("nav.notifications")),
                ("/app/preferences", lang.text("nav.preferences")),
            ]
        } else {
            Vec::new()
        };
        Self {
            business: state.app.config().mail.business_name.clone(),
            area_label: lang.text("workspace.area"),
            home: "/app",
            links,
            signed_in,
            sign_out: "/app/sign-out",
            csrf,
            css: assets::CSS.path.clone(),
            js: assets::JS.path.clone(),
            with_js: true,
            notice: None,
            lang,
            switcher: false,
        }
    }

    /// The frame of a portal page.
    pub fn portal(state: &AppState, signed_in: bool, csrf: String, lang: Lang) -> Self {
        let mut links = vec![
            ("/portal/new", lang.text("portal.nav.new")),
            ("/portal/contact", lang.text("portal.nav.contact")),
        ];
        if signed_in {
            links.insert(0, ("/portal", lang.text("portal.nav.mine")));
        } else {
            links.push(("/portal/sign-in", lang.text("portal.nav.sign_in")));
        }
        Self {
            business: state.app.config().mail.business_name.clone(),
            area_label: lang.text("portal.area"),
            home: "/portal",
            links,
            signed_in: signed_in.then(|| lang.text("portal.you").to_string()),
            sign_out: "/portal/sign-out",
            csrf,
            css: assets::CSS.path.clone(),
            js: assets::JS.path.clone(),
            with_js: false,
            notice: None,
            lang,
            switcher: true,
        }
    }

    /// Every language: (code, its own name, the reader's).
    pub fn languages(&self) -> Vec<(&'static str, &'static str, bool)> {
        rapport_app::i18n::LANGS
            .iter()
            .map(|l| (l.as_str(), l.own_name(), *l == self.lang))
            .collect()
    }

    /// A text of the reader's language (see `rapport_app::i18n`).
    pub fn t(&self, key: &str) -> &'static str {
        self.lang.text(key)
    }

    /// A text with `{}` standing for a value (a count, a name).
    pub fn t1(&self, key: &str, value: impl std::fmt::Display) -> String {
        self.lang.text(key).replacen("{}", &value.to_string(), 1)
    }

    /// A text with `{1}` and `{2}` standing for two values.
    pub fn t2(
        &self,
        key: &str,
        first: impl std::fmt::Display,
        second: impl std::fmt::Display,
    ) -> String {
        self.lang
            .text(key)
            .replacen("{1}", &first.to_string(), 1)
            .replacen("{2}", &second.to_string(), 1)
    }

    /// A ticket status as people read it (`status.<wire name>`).
    pub fn status(&self, wire: &str) -> &'static str {
        word(self.lang, "status", wire)
    }

    /// A priority as people read it.
    pub fn priority(&self, wire: &str) -> &'static str {
        word(self.lang, "priority", wire)
    }

    /// A coach finding's severity as people read it.
    pub fn severity(&self, wire: &str) -> &'static str {
        word(self.lang, "coach.severity", wire)
    }

    /// A channel as people read it.
    pub fn channel(&self, wire: &str) -> &'static str {
        word(self.lang, "channel", wire)
    }

    /// The same frame with a notice.
    pub fn with_notice(mut self, text: impl Into<String>, error: bool) -> Self {
        self.notice = Some(Notice {
            text: text.into(),
            error,
        });
        self
    }
}

/// A word of a closed list (statuses, priorities, channels, roles…) in a
/// language: the catalogue's `<list>.<wire name>`.
pub fn word(lang: Lang, list: &str, wire: &str) -> &'static str {
    lang.text(&format!("{list}.{wire}"))
}

/// A coach check as people read it (`coach.check.<name>`); a name the
/// catalogues do not know (a check since retired) as it was stored.
pub fn check_name(lang: Lang, check: &str) -> String {
    let key = format!("coach.check.{check}");
    if Lang::has(&key) {
        lang.text(&key).to_string()
    } else {
        check.to_string()
    }
}

tokio::task_local! {
    /// The language of the page being answered: the browser's, then the
    /// signed-in agent's or customer's (so an error page reads in it too).
    static PAGE_LANG: std::cell::Cell<Lang>;
}

/// Runs a page request with its language known to the error page.
pub async fn with_page_lang(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let lang = lang_of(request.headers());
    PAGE_LANG
        .scope(std::cell::Cell::new(lang), next.run(request))
        .await
}

/// Runs `f` with the page language known, for an error page made outside
/// the pages' routes (a refusal before routing).
pub fn in_page_lang<R>(lang: Lang, f: impl FnOnce() -> R) -> R {
    PAGE_LANG.sync_scope(std::cell::Cell::new(lang), f)
}

/// Runs a future with the page language known (see [`with_page_lang`]).
pub async fn scoped_page_lang<F: std::future::Future>(lang: Lang, future: F) -> F::Output {
    PAGE_LANG.scope(std::cell::Cell::new(lang), future).await
}

/// Records the reader's language once known (a signed-in reader's own).
pub fn set_page_lang(lang: Lang) {
    let _ = PAGE_LANG.try_with(|cell| cell.set(lang));
}

/// The language of the page being answered (English outside a request).
pub fn page_lang() -> Lang {
    PAGE_LANG.try_with(std::cell::Cell::get).unwrap_or_default()
}

/// The language a browser asks for in its `Accept-Language`.
pub fn lang_of(headers: &axum::http::HeaderMap) -> Lang {
    headers
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map_or(Lang::En, Lang::from_accept_language)
}

/// Renders a template as an HTML response with this status.
pub fn page(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "a page template failed");
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal_error",
                "something went wrong on our side; it has been logged",
            )
            .into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    chrome: Chrome,
    heading: &'a str,
    message: &'a str,
    back: &'a str,
}

/// A refusal shown as a page: the status, the API's code and sentence.
#[derive(Debug)]
pub struct PageError {
    /// The API error it mirrors (status, code, message).
    pub error: Box<ApiError>,
    /// Where "Go back" leads.
    pub back: &'static str,
}

impl PageError {
    /// A 401 with the sentence of a catalogue key.
    pub fn unauthorized(key: &'static str) -> Self {
        AppError::Unauthorized(key).into()
    }

    /// A 403 for a form whose CSRF token is missing or wrong.
    pub fn csrf() -> Self {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "csrf_failed",
            "this form is out of date or came from another site; reload the page and try again",
        )
        .into()
    }
}

impl From<ApiError> for PageError {
    fn from(error: ApiError) -> Self {
        Self {
            error: Box::new(error),
            back: "/",
        }
    }
}

impl From<AppError> for PageError {
    fn from(error: AppError) -> Self {
        ApiError::from(error).into()
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let lang = page_lang();
        let heading = lang.text(match self.error.status {
            StatusCode::NOT_FOUND => "error.not_found",
            StatusCode::FORBIDDEN => "error.forbidden",
            StatusCode::UNAUTHORIZED => "error.unauthorized",
            StatusCode::TOO_MANY_REQUESTS => "error.too_many",
            s if s.is_server_error() => "error.server",
            _ => "error.refused",
        });
        let message = refusal_text(lang, &self.error);
        let chrome = Chrome {
            business: "Rapport".into(),
            area_label: "",
            home: "/",
            links: Vec::new(),
            signed_in: None,
            sign_out: "/",
            csrf: String::new(),
            css: assets::CSS.path.clone(),
            js: assets::JS.path.clone(),
            with_js: false,
            notice: None,
            lang,
            switcher: false,
        };
        let template = ErrorPage {
            chrome,
            heading,
            message: &message,
            back: self.back,
        };
        let mut response = page(self.error.status, &template);
        response.headers_mut().insert(
            "x-error-code",
            axum::http::HeaderValue::from_str(&self.error.code)
                .unwrap_or(axum::http::HeaderValue::from_static("error")),
        );
        response
    }
}

/// An instant as the reader reads it, in the business time zone ("5 Dec
/// 2026, 14:05", "05.12.2026, 14:05"; see `rapport_app::i18n::format_time`),
/// and as `<time datetime>` wants it (with the offset).
pub fn when(t: Timestamp, zone: &jiff::tz::TimeZone, lang: Lang) -> (String, String) {
    (
        rapport_app::i18n::format_time(lang, t, zone),
        rapport_app::i18n::machine_time(t, zone),
    )
}

/// The sentence of a refusal in the reader's language: the use case's own
/// (a catalogue key with its values), else the catalogue's
/// `error.code.<code>` when it has one, else the English message (only
/// what axum refuses before a handler: a malformed form or path).
fn error_message(lang: Lang, error: &ApiError) -> String {
    if let Some(sentence) = &error.sentence {
        return sentence.text(lang);
    }
    let key = format!("error.code.{}", error.code);
    if Lang::has(&key) {
        lang.text(&key).to_string()
    } else {
        error.message.clone()
    }
}

/// A refusal as a notice above a form: the field at fault (as the
/// catalogue's `field.<name>` words it, else its wire name) and the
/// sentence, in the reader's language.
pub fn refusal_text(lang: Lang, error: &ApiError) -> String {
    let sentence = error_message(lang, error);
    match &error.field {
        Some(field) => {
            let key = format!("field.{field}");
            let name = if Lang::has(&key) {
                lang.text(&key)
            } else {
                field.as_str()
            };
            format!("{name}: {sentence}")
        }
        None => sentence,
    }
}
