//! The customer portal: the public request form, sign-in by one-time link,
//! the customer's own tickets, and the contact channels and hours.

use super::portal_form::PortalForm;
use super::render::{Chrome, PageError, page, refusal_text, when};
use super::session::{
    Area, CUSTOMER_COOKIE, CustomerPage, LANG_COOKIE, page_csrf, portal_lang, portal_page_lang,
    set_cookie, with_cookie,
};
use crate::extract::Id;
use crate::guard::ClientAddr;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use rapport_app::AppError;
use rapport_app::hours::{customer_time_in, zone_label_in};
use rapport_app::i18n;
use rapport_app::portal::{PortalRequest, RequestOutcome};
use rapport_app::ticket_links::TicketLinkOutcome;
use rapport_core::{AuthorKind, TicketId};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "portal_new.html")]
struct NewRequestPage {
    chrome: Chrome,
    stamp: String,
    name: String,
    email: String,
    subject: String,
    description: String,
}

/// What the request form sent, to show again after a refusal.
struct NewRequest {
    name: String,
    email: String,
    subject: String,
    description: String,
}

#[derive(Template)]
#[template(path = "portal_sign_in.html")]
struct SignInPage {
    chrome: Chrome,
    heading: &'static str,
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    chrome: Chrome,
    heading: &'static str,
    message: String,
}

#[derive(Template)]
#[template(path = "portal_link.html")]
struct LinkPage {
    chrome: Chrome,
    token: String,
}

#[derive(Template)]
#[template(path = "portal_list.html")]
struct ListPage {
    chrome: Chrome,
    tickets: Vec<(i64, String, &'static str, String)>,
    first_page: bool,
    next: Option<String>,
}

struct MessageRow {
    author: String,
    at: String,
    at_iso: String,
    html: Option<String>,
    text: String,
    files: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "portal_ticket.html")]
struct TicketPage {
    chrome: Chrome,
    id: i64,
    subject: String,
    status: &'static str,
    messages: Vec<MessageRow>,
    /// The oldest message shown, when earlier ones exist (the page back).
    earlier: Option<i64>,
    /// A page back: the newest messages are not shown.
    paged_back: bool,
    survey: Option<super::feedback::PortalSurvey>,
}

/// The portal ticket page's query: the page back through a long conversation.
#[derive(serde::Deserialize)]
pub struct ConversationQuery {
    /// Show the messages before this one.
    before: Option<i64>,
}

#[derive(Template)]
#[template(path = "portal_contact.html")]
struct ContactPage {
    chrome: Chrome,
    email: String,
    open_now: bool,
    closes: Option<String>,
    opens: Option<String>,
    zone: String,
    days: Vec<(String, String)>,
}

/// The frame of a portal page anyone may see (signed in or not).
async fn visitor(
    s: &AppState,
    headers: &HeaderMap,
) -> Result<(Chrome, Option<axum::http::HeaderValue>), PageError> {
    let (csrf, cookie) = page_csrf(s, headers, Area::Portal)?;
    let signed_in = super::session::cookie(headers, CUSTOMER_COOKIE).is_some();
    let lang = portal_page_lang(s, headers).await;
    Ok((Chrome::portal(s, signed_in, csrf, lang), cookie))
}

/// The public request form.
pub async fn new_form(
    State(s): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let (chrome, cookie) = visitor(&s, &headers).await?;
    let template = NewRequestPage {
        chrome,
        stamp: s.app.portal_form_stamp().await?,
        name: String::new(),
        email: String::new(),
        subject: String::new(),
        description: String::new(),
    };
    Ok(with_cookie(page(StatusCode::OK, &template), cookie))
}

/// Opens a ticket from the form (with its photos); a refusal shows the
/// form again with what was typed.
pub async fn new_submit(
    State(s): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    sent: PortalForm,
) -> Result<Response, PageError> {
    let form = NewRequest {
        name: sent.text("name"),
        email: sent.text("email"),
        subject: sent.text("subject"),
        description: sent.text("description"),
    };
    let request = PortalRequest {
        name: form.name.clone(),
        email: form.email.clone(),
        subject: form.subject.clone(),
        description: form.description.clone(),
        honeypot: sent.text("website"),
        stamp: sent.text("stamp"),
        files: sent.files,
        lang: portal_page_lang(&s, &headers).await,
    };
    match s.app.portal_request(request, client).await {
        Ok(RequestOutcome::Opened(_) | RequestOutcome::Discarded) => {
            Ok(Redirect::to("/portal/sent").into_response())
        }
        Err(e @ AppError::Invalid { .. }) => {
            let error = crate::error::ApiError::from(e);
            let (chrome, cookie) = visitor(&s, &headers).await?;
            let notice = refusal_text(chrome.lang, &error);
            let template = NewRequestPage {
                chrome: chrome.with_notice(notice, true),
                stamp: s.app.portal_form_stamp().await?,
                name: form.name,
                email: form.email,
                subject: form.subject,
                description: form.description,
            };
            Ok(with_cookie(page(error.status, &template), cookie))
        }
        Err(e) => Err(e.into()),
    }
}

/// After a request or a link request: look in your mail.
pub async fn sent(State(s): State<AppState>, headers: HeaderMap) -> Result<Response, PageError> {
    let (chrome, cookie) = visitor(&s, &headers).await?;
    let template = MessagePage {
        heading: chrome.t("portal.sent.heading"),
        message: chrome.t("portal.sent.message").into(),
        chrome,
    };
    Ok(with_cookie(page(StatusCode::OK, &template), cookie))
}

/// The form asking for a sign-in link.
pub async fn sign_in_form(
    State(s): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let (chrome, cookie) = visitor(&s, &headers).await?;
    let template = SignInPage {
        heading: chrome.t("portal.sign_in.heading"),
        chrome,
    };
    Ok(with_cookie(page(StatusCode::OK, &template), cookie))
}

/// What the link form sends.
#[derive(Deserialize)]
pub struct LinkRequest {
    #[serde(default)]
    email: String,
}

/// Sends a link (if the address is a customer's); the answer is the same either way.
pub async fn sign_in_submit(
    State(s): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Form(form): Form<LinkRequest>,
) -> Result<Response, PageError> {
    s.app
        .request_sign_in_link(&form.email, client, portal_lang(&headers))
        .await?;
    Ok(Redirect::to("/portal/sent").into_response())
}

/// A link from the mail: a button that signs in (a GET changes nothing,
/// so mail scanners that follow links do not use it up).
pub async fn link(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let (chrome, cookie) = visitor(&s, &headers).await?;
    let template = LinkPage { chrome, token };
    Ok(with_cookie(page(StatusCode::OK, &template), cookie))
}

/// Uses the link: opens the customer's session, or offers a new link.
pub async fn redeem(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    match s.app.redeem_sign_in_link(&token).await {
        Ok(session) => {
            let cookie = set_cookie(&s, CUSTOMER_COOKIE, &session.token, session.max_age_secs);
            Ok(with_cookie(Redirect::to("/portal"), Some(cookie)))
        }
        Err(AppError::Unauthorized(key)) => {
            let (chrome, cookie) = visitor(&s, &headers).await?;
            let said = chrome.t(key);
            let template = SignInPage {
                heading: chrome.t("portal.link.expired"),
                chrome: chrome.with_notice(said, true),
            };
            Ok(with_cookie(page(StatusCode::GONE, &template), cookie))
        }
        Err(e) => Err(e.into()),
    }
}

/// The link to a ticket in our mail: signs its customer in (a customer
/// session) and shows the ticket; an expired or forged link is refused with
/// the form that sends a new sign-in link.
pub async fn ticket_link(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let signed_in = match super::session::cookie(&headers, CUSTOMER_COOKIE) {
        Some(held) => s.app.customer_web_session(held).await.ok(),
        None => None,
    };
    let (status, heading) = match s.app.open_ticket_link(&token, signed_in).await? {
        TicketLinkOutcome::Open { ticket, session } => {
            let cookie =
                session.map(|new| set_cookie(&s, CUSTOMER_COOKIE, &new.token, new.max_age_secs));
            let shown = format!("/portal/tickets/{}", ticket.0);
            return Ok(with_cookie(Redirect::to(&shown), cookie));
        }
        TicketLinkOutcome::Expired => (StatusCode::GONE, "portal.ticket_link.expired"),
        TicketLinkOutcome::Refused => (StatusCode::FORBIDDEN, "portal.ticket_link.refused"),
    };
    let (chrome, cookie) = visitor(&s, &headers).await?;
    let said = chrome.t("portal.ticket_link.new");
    let template = SignInPage {
        heading: chrome.t(heading),
        chrome: chrome.with_notice(said, true),
    };
    Ok(with_cookie(page(status, &template), cookie))
}

/// Where the portal's list goes on from.
#[derive(Deserialize)]
pub struct ListQuery {
    after: Option<String>,
}

/// The customer's requests, a page at a time.
pub async fn list(
    State(s): State<AppState>,
    customer: CustomerPage,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let after = q
        .after
        .as_deref()
        .map(super::inbox::parse_cursor)
        .transpose()?;
    let zone = s.app.business_calendar().await?.time_zone().clone();
    let found = s.app.portal_tickets(&customer.principal(), after).await?;
    let tickets = found
        .tickets
        .into_iter()
        .map(|t| {
            let shown = when(t.updated_at, &zone, customer.chrome.lang).0;
            (t.id.0, t.subject, t.status.as_str(), shown)
        })
        .collect();
    let mut chrome = customer.chrome;
    chrome.js = super::assets::PORTAL_JS.path.clone();
    chrome.with_js = true;
    let template = ListPage {
        chrome,
        tickets,
        first_page: after.is_none(),
        next: found.next.map(|(k, i)| format!("{k}.{i}")),
    };
    Ok(page(StatusCode::OK, &template))
}

/// One of the customer's requests; anyone else's is a 404.
pub async fn ticket(
    State(s): State<AppState>,
    customer: CustomerPage,
    Id(id): Id,
    crate::extract::Query(q): crate::extract::Query<ConversationQuery>,
) -> Result<Response, PageError> {
    let before = q.before.map(rapport_core::MessageId);
    let found = s
        .app
        .portal_ticket(&customer.principal(), TicketId(id), before)
        .await?;
    let zone = s.app.business_calendar().await?.time_zone().clone();
    let business = s.app.config().mail.business_name.clone();
    let messages = found
        .messages
        .iter()
        .map(|m| {
            let (at, at_iso) = when(m.created_at, &zone, customer.chrome.lang);
            MessageRow {
                author: match m.author_kind {
                    AuthorKind::Customer => customer.chrome.t("portal.ticket.you").into(),
                    _ => business.clone(),
                },
                at,
                at_iso,
                html: m.body_html.clone(),
                text: m.body_text.clone(),
                files: found
                    .attachments
                    .iter()
                    .filter(|a| a.message_ref == Some(m.id))
                    .map(|a| {
                        (
                            format!("/portal/attachments/{}", a.id),
                            a.file.file_name.clone(),
                        )
                    })
                    .collect(),
            }
        })
        .collect();
    let survey = s
        .app
        .portal_survey(customer.customer, TicketId(id))
        .await?
        .map(|q| super::feedback::portal_survey(q, &zone, customer.chrome.lang));
    let template = TicketPage {
        chrome: customer.chrome,
        id,
        subject: found.ticket.subject,
        status: found.ticket.status.as_str(),
        messages,
        earlier: found.earlier.map(|m| m.0),
        paged_back: before.is_some(),
        survey,
    };
    Ok(page(StatusCode::OK, &template))
}

/// The customer answers, with photos if they like.
pub async fn reply(
    State(s): State<AppState>,
    customer: CustomerPage,
    Id(id): Id,
    form: PortalForm,
) -> Result<Response, PageError> {
    let answer = s
        .app
        .portal_reply(
            customer.customer,
            TicketId(id),
            &form.text("body"),
            form.files,
            customer.chrome.lang,
        )
        .await?;
    // A closed ticket's answer lives on in its follow-up.
    let shown = answer.ticket();
    Ok(Redirect::to(&format!("/portal/tickets/{shown}")).into_response())
}

/// A file on one of the customer's messages.
pub async fn attachment(
    State(s): State<AppState>,
    customer: CustomerPage,
    Id(id): Id,
) -> Result<Response, PageError> {
    let (record, data) = s.app.attachment(&customer.principal(), id).await?;
    Ok(crate::api::mail::as_download(
        data.into_response(),
        crate::api::mail::safe_type(&record.file.content_type),
        &record.file.file_name,
    ))
}

/// Ends the customer's session.
pub async fn sign_out(
    State(s): State<AppState>,
    customer: CustomerPage,
) -> Result<Response, PageError> {
    s.app.web_sign_out(&customer.token).await?;
    let mut response = Redirect::to("/portal/sign-in").into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, set_cookie(&s, CUSTOMER_COOKIE, "", 0));
    Ok(response)
}

/// What the language switcher sends.
#[derive(Deserialize)]
pub struct LanguageChoice {
    #[serde(default)]
    lang: String,
}

/// The portal's language switcher: remembers the choice in a cookie and,
/// for a signed-in customer, on the customer (so our mail follows it too),
/// then goes back to the page it came from.
pub async fn choose_language(
    State(s): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<LanguageChoice>,
) -> Result<Response, PageError> {
    let lang = rapport_app::i18n::Lang::parse_setting("lang", &form.lang)?
        .ok_or_else(|| AppError::invalid("lang", rapport_app::msg!("error.page.language")))?;
    if let Some(token) = super::session::cookie(&headers, CUSTOMER_COOKIE)
        && let Ok(customer) = s.app.customer_web_session(token).await
    {
        s.app.note_customer_lang(customer, lang).await?;
    }
    // Back to the portal page it was sent from (this site's Referer).
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.split_once("://"))
        .and_then(|(_, rest)| rest.find('/').map(|at| &rest[at..]))
        .filter(|path| path.starts_with("/portal") && !path.starts_with("/portal/language"))
        .unwrap_or("/portal");
    let cookie = set_cookie(&s, LANG_COOKIE, lang.as_str(), 86_400 * 365);
    Ok(with_cookie(Redirect::to(back), Some(cookie)))
}

/// The business's contact channels and hours, from the business calendar.
pub async fn contact(State(s): State<AppState>, headers: HeaderMap) -> Result<Response, PageError> {
    let (chrome, cookie) = visitor(&s, &headers).await?;
    let lang = chrome.lang;
    let hours = s.app.business_hours(None).await?;
    let calendar = s.app.business_calendar().await?;
    let now = rapport_core::Timestamp::now();
    let days = hours
        .days
        .iter()
        .map(|d| {
            let open = if !d.holidays.is_empty() {
                format!(
                    "{} ({})",
                    chrome.t("portal.contact.closed"),
                    d.holidays.join(", ")
                )
            } else if d.open.is_empty() {
                chrome.t("portal.contact.closed").to_string()
            } else {
                d.open
                    .iter()
                    .map(|(a, b)| {
                        format!(
                            "{}–{}",
                            a.local.strftime("%H:%M"),
                            b.local.strftime("%H:%M")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let day = format!(
                "{} {}",
                i18n::weekday_name(lang, d.date.weekday()),
                i18n::format_date(lang, d.date)
            );
            (day, open)
        })
        .collect();
    let shown = |m: rapport_app::hours::Moment| customer_time_in(lang, &calendar, m.at, now);
    let template = ContactPage {
        email: s.app.config().mail.address.clone(),
        open_now: hours.open_now,
        closes: hours.closes_at.map(shown),
        opens: hours.next_opening.map(shown),
        zone: zone_label_in(lang, &calendar.spec().time_zone),
        days,
        chrome,
    };
    Ok(with_cookie(page(StatusCode::OK, &template), cookie))
}
