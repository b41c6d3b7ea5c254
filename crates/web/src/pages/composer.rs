//! The composer's coach as the agent types: the HTML twin of
//! `POST /api/v1/coach` for the ticket page, answering the coach box
//! (findings with their explanation, the suggestion applied in one click,
//! and the promises found, to confirm, re-time or drop with the reply).

use super::render::{Chrome, PageError, page};
use super::session::AgentPage;
use crate::extract::Id;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use rapport_app::coaching::GivenContext;
use rapport_app::promises::PromiseDecisions;
use rapport_coach::Review;
use rapport_core::{PromiseChoice, TicketId, Timestamp};
use serde::Deserialize;
use std::collections::HashMap;

/// A finding as the box shows it; offsets in UTF-16 units, as the
/// browser's text field counts.
pub struct FindingItem {
    check: &'static str,
    severity: &'static str,
    quote: String,
    explanation: &'static str,
    suggestion: Option<String>,
    replacement: Option<String>,
    start: usize,
    end: usize,
}

/// A promise as the box shows it.
pub struct PromiseItem {
    text: String,
    due: Option<String>,
    due_value: String,
    vague: bool,
}

/// The coach box of the composer.
#[derive(Template)]
#[template(path = "coach.html")]
pub struct CoachBox {
    chrome: Chrome,
    id: i64,
    checked: bool,
    findings: Vec<FindingItem>,
    promises: Vec<PromiseItem>,
}

impl CoachBox {
    /// The box before any check (the script fills it).
    pub fn empty(chrome: Chrome, id: i64) -> Self {
        Self {
            chrome,
            id,
            checked: false,
            findings: Vec::new(),
            promises: Vec::new(),
        }
    }

    /// The box for a review of a draft.
    pub fn of(chrome: Chrome, id: i64, draft: &str, review: &Review) -> Self {
        let units = |byte: usize| draft.get(..byte).map_or(0, |s| s.encode_utf16().count());
        let findings = review
            .findings
            .iter()
            .map(|f| {
                let (check, explanation, suggestion) =
                    crate::pages::ticket::finding_words(chrome.lang, f);
                FindingItem {
                    check,
                    severity: crate::pages::ticket::severity(f.severity),
                    quote: draft.get(f.span.clone()).unwrap_or_default().to_string(),
                    explanation,
                    replacement: f.suggestion.as_ref().and_then(|s| replacement(s.text())),
                    suggestion,
                    start: units(f.span.start),
                    end: units(f.span.end),
                }
            })
            .collect();
        let promises = review
            .promises
            .iter()
            .map(|p| {
                let due = p.due.as_deref().and_then(|d| d.parse::<jiff::Zoned>().ok());
                let shown = due.as_ref().map(|z| {
                    let at = Timestamp(z.timestamp().as_microsecond());
                    crate::pages::render::when(at, z.time_zone(), chrome.lang)
                });
                PromiseItem {
                    text: p.text.clone(),
                    due: shown
                        .as_ref()
                        .map(|(human, _)| human.clone())
                        .or(p.due.clone()),
                    due_value: shown
                        .map(|(_, machine)| machine)
                        .or(p.due.clone())
                        .unwrap_or_default(),
                    vague: p.vague,
                }
            })
            .collect();
        Self {
            chrome,
            id,
            checked: true,
            findings,
            promises,
        }
    }
}

/// The wording a suggestion proposes: its first quoted part, if any
/// ("say what you can do: \"What I can do is ...\"").
pub fn replacement(suggestion: &str) -> Option<String> {
    let quoted = |open: char, close: char| {
        let start = suggestion.find(open)? + open.len_utf8();
        let end = suggestion[start..].find(close)? + start;
        Some(suggestion[start..end].trim().to_string())
    };
    quoted('"', '"')
        .or_else(|| quoted('“', '”'))
        .filter(|r| !r.is_empty())
}

/// What the composer sends to the coach.
#[derive(Deserialize)]
pub struct CoachForm {
    #[serde(default)]
    draft: String,
}

/// Checks the draft against the ticket's conversation; answers the box.
pub async fn coach(
    State(s): State<AppState>,
    agent: AgentPage,
    Id(id): Id,
    Form(form): Form<CoachForm>,
) -> Result<Response, PageError> {
    if form.draft.len() > rapport_app::tickets::MAX_BODY_BYTES {
        return Err(crate::error::ApiError::refusal(
            "draft",
            rapport_app::msg!("error.page.too_long"),
        )
        .into());
    }
    if form.draft.trim().is_empty() {
        return Ok(page(StatusCode::OK, &CoachBox::empty(agent.chrome, id)));
    }
    let review = s
        .app
        .coach(
            &agent.caller,
            &form.draft,
            Some(TicketId(id)),
            GivenContext::default(),
        )
        .await?;
    Ok(page(
        StatusCode::OK,
        &CoachBox::of(agent.chrome, id, &form.draft, &review),
    ))
}

/// The most promises one reply decides on.
const MAX_PROMISES: usize = 50;

/// The sender's decisions on the promises, from the reply form's
/// `promise_action_N` and `promise_due_N` fields (N as in the coach box).
pub fn decisions(fields: &HashMap<String, String>) -> Result<PromiseDecisions, PageError> {
    let mut out = PromiseDecisions::default();
    for index in 0..MAX_PROMISES {
        let Some(action) = fields.get(&format!("promise_action_{index}")) else {
            continue;
        };
        let choice = match action.as_str() {
            "confirm" => PromiseChoice::Confirm,
            "drop" => PromiseChoice::Drop,
            "reschedule" => {
                let due = fields
                    .get(&format!("promise_due_{index}"))
                    .map(|d| d.trim())
                    .unwrap_or_default();
                PromiseChoice::DueAt(Timestamp::parse(due).map_err(|m| {
                    crate::error::ApiError::refusal(
                        "promises",
                        rapport_app::msg!("error.page.due_time", index = index + 1, detail = m),
                    )
                })?)
            }
            other => {
                return Err(crate::error::ApiError::refusal(
                    "promises",
                    rapport_app::msg!("error.page.choice", choice = format!("{other:?}")),
                )
                .into());
            }
        };
        out.choices.push((index, choice));
    }
    Ok(out)
}
