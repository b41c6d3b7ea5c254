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
}

impl Chrome {
    /// The frame of a workspace page.
    pub fn workspace(state: &AppState, signed_in: Option<String>, csrf: String) -> Self {
        let links = if signed_in.is_some() {
            vec![
                ("/app?view=mine", "Mine"),
                ("/app?view=unassigned", "Unassigned"),
                ("/app/recovery", "Recovery"),
                ("/app/reports", "Reports"),
                ("/app/notifications", "Notifications"),
            ]
        } else {
            Vec::new()
        };
        Self {
            business: state.app.config().mail.business_name.clone(),
            area_label: "Workspace",
            home: "/app",
            links,
            signed_in,
            sign_out: "/app/sign-out",
            csrf,
            css: assets::CSS.path.clone(),
            js: assets::JS.path.clone(),
            with_js: true,
            notice: None,
            lang: Lang::En,
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
        }
    }

    /// A text of the reader's language (see `rapport_app::i18n`).
    pub fn t(&self, key: &str) -> &'static str {
        self.lang.text(key)
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
    /// A 401 with a sentence.
    pub fn unauthorized(message: &str) -> Self {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", message).into()
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
        let heading = match self.error.status {
            StatusCode::NOT_FOUND => "Not found",
            StatusCode::FORBIDDEN => "Not allowed",
            StatusCode::UNAUTHORIZED => "Please sign in",
            StatusCode::TOO_MANY_REQUESTS => "Too many attempts",
            s if s.is_server_error() => "Something went wrong",
            _ => "That did not work",
        };
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
            lang: Lang::En,
        };
        let template = ErrorPage {
            chrome,
            heading,
            message: &self.error.message,
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

/// An instant as people read it, in the business time zone ("2026-12-03
/// 15:05 CET"), and as `<time datetime>` wants it (with the offset).
pub fn when(t: Timestamp, zone: &jiff::tz::TimeZone) -> (String, String) {
    match jiff::Timestamp::from_microsecond(t.0) {
        Ok(ts) => {
            let local = ts.to_zoned(zone.clone());
            (
                local.strftime("%Y-%m-%d %H:%M %Z").to_string(),
                local.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
            )
        }
        Err(_) => (String::new(), String::new()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod catalogue_tests {
    use rapport_app::i18n::Lang;

    /// Every `t("key")` and `text("key")` of the templates and page code.
    fn keys_used() -> Vec<String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        let mut folders = vec![root.join("templates"), root.join("src/pages")];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(folder).expect("read the folder") {
                let path = entry.expect("an entry").path();
                if path.is_dir() {
                    folders.push(path);
                } else {
                    files.push(path);
                }
            }
        }
        let mut keys = Vec::new();
        for file in files {
            let text = std::fs::read_to_string(&file).expect("read a file");
            for marker in ["t(\"", "text(\""] {
                for (at, _) in text.match_indices(marker) {
                    let rest = &text[at + marker.len()..];
                    let end = rest.find('"').expect("a closing quote");
                    let key = &rest[..end];
                    if key.contains('.') {
                        keys.push(key.to_string());
                    }
                }
            }
        }
        keys
    }

    #[test]
    fn every_text_a_page_asks_for_is_in_the_catalogues() {
        let keys = keys_used();
        assert!(keys.len() > 40, "found only {}", keys.len());
        for key in keys {
            assert!(Lang::has(&key), "{key} is not in the catalogues");
        }
    }
}
