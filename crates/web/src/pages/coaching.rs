//! `/app/reports/coaching`: a lead's view of where each person they coach
//! could use help, from the same scorecards as `/api/v1/reports/scorecards`.
//! Listed by name: for training, not ranking.

use super::render::{PageError, page};
use super::session::AgentPage;
use crate::api::reports::ReportParams;
use crate::extract::Query;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

/// One coached agent on the page.
struct CoachedView {
    id: i64,
    name: String,
    tickets: u64,
    needs_help: Vec<String>,
}

#[derive(Template)]
#[template(path = "coaching.html")]
struct CoachingPage {
    chrome: super::render::Chrome,
    from: String,
    to: String,
    agents: Vec<CoachedView>,
}

/// `GET /app/reports/coaching`.
pub async fn show(
    State(s): State<AppState>,
    agent: AgentPage,
    Query(q): Query<ReportParams>,
) -> Result<Response, PageError> {
    let q = super::reports::blank_is_none(q);
    let query = q.query()?;
    let overview = s.app.coaching_overview(&agent.caller, &query).await?;
    let lang = agent.chrome.lang;
    let template = CoachingPage {
        chrome: agent.chrome,
        from: q.from.clone().unwrap_or_default(),
        to: q.to.clone().unwrap_or_default(),
        agents: overview
            .into_iter()
            .map(|(a, card)| CoachedView {
                id: a.id.0,
                name: a.name,
                tickets: card.figures.tickets,
                needs_help: card.advice.iter().map(|m| m.text(lang)).collect(),
            })
            .collect(),
    };
    Ok(page(StatusCode::OK, &template))
}
