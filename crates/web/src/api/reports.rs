//! `/api/v1/reports`: figures from the event log's projection by period,
//! team, agent, channel and priority; an agent's coaching scorecard; the
//! fairness audit; every table as CSV. Leads and admins read reports; an
//! agent reads their own scorecard.

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Auth, Id, Query};
use crate::state::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use rapport_app::reports::{Report, ReportFilter, ReportQuery, ReportTable, Scorecard};
use rapport_core::report::Period;
use rapport_core::report::fairness::Audit;
use rapport_core::{AgentId, Channel, Priority, TeamId};
use serde::Deserialize;
use utoipa::IntoParams;

/// Which tickets (by their day of creation in the business zone).
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ReportParams {
    /// First day (YYYY-MM-DD).
    pub from: Option<String>,
    /// Last day (YYYY-MM-DD).
    pub to: Option<String>,
    /// One team's id.
    pub team: Option<i64>,
    /// One owner's id.
    pub agent: Option<i64>,
    /// `email`, `portal`, `api`, `phone` or `social`.
    pub channel: Option<String>,
    /// `low`, `normal`, `high` or `urgent`.
    pub priority: Option<String>,
    /// `day`, `week` or `month` (default).
    pub period: Option<String>,
    /// For the CSV export: `totals`, `series`, `teams`, `agents`, `channels`, `priorities`, `overrides` or `findings`.
    pub table: Option<String>,
    /// For the fairness audit: `channel`, `priority` or a customer attribute (default `channel`).
    pub by: Option<String>,
}

fn day(field: &'static str, text: &Option<String>) -> Result<Option<i64>, ApiError> {
    text.as_deref()
        .map(|t| {
            t.parse::<jiff::civil::Date>()
                .map(|d| {
                    d.duration_since(jiff::civil::date(1970, 1, 1))
                        .as_secs()
                        .div_euclid(86_400)
                })
                .map_err(|_| ApiError::field(field, "must be a date YYYY-MM-DD"))
        })
        .transpose()
}

impl ReportParams {
    /// The use case's query.
    pub fn query(&self) -> Result<ReportQuery, ApiError> {
        let filter = ReportFilter {
            from_day: day("from", &self.from)?,
            to_day: day("to", &self.to)?,
            team: self.team.map(TeamId),
            agent: self.agent.map(AgentId),
            channel: self
                .channel
                .as_deref()
                .map(|c| c.parse::<Channel>())
                .transpose()
                .map_err(|_| {
                    ApiError::field(
                        "channel",
                        "must be email, portal, api, phone, social or review",
                    )
                })?,
            priority: self
                .priority
                .as_deref()
                .map(|p| p.parse::<Priority>())
                .transpose()
                .map_err(|_| ApiError::field("priority", "must be low, normal, high or urgent"))?,
        };
        if let (Some(a), Some(b)) = (filter.from_day, filter.to_day)
            && a > b
        {
            return Err(ApiError::field("to", "must not be before from"));
        }
        let period = match &self.period {
            Some(p) => p
                .parse::<Period>()
                .map_err(|_| ApiError::field("period", "must be day, week or month"))?,
            None => Period::Month,
        };
        Ok(ReportQuery { filter, period })
    }

    /// The CSV table asked for.
    pub fn table(&self) -> Result<ReportTable, ApiError> {
        self.table
            .as_deref()
            .unwrap_or("totals")
            .parse::<ReportTable>()
            .map_err(|_| {
                ApiError::field(
                    "table",
                    "must be totals, series, teams, agents, channels, priorities, overrides or findings",
                )
            })
    }
}

/// The full report: totals, the series by period, by team, agent, channel
/// and priority (business-time medians and p90 in minutes, rates 0–1), and
/// the coach overrides and findings by agent and check.
#[utoipa::path(get, path = "/api/v1/reports", tag = "reports", security(("bearer" = [])), params(ReportParams),
    responses((status = 200, body = Object, description = "The report"), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn report(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Query(q): Query<ReportParams>,
) -> ApiResult<axum::Json<Report>> {
    Ok(axum::Json(s.app.report(&caller, &q.query()?).await?))
}

/// One table of the report as CSV (`table=`).
#[utoipa::path(get, path = "/api/v1/reports/csv", tag = "reports", security(("bearer" = [])), params(ReportParams),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn report_csv(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Query(q): Query<ReportParams>,
) -> ApiResult<Response> {
    let table = q.table()?;
    let report = s.app.report(&caller, &q.query()?).await?;
    Ok(csv_response(table.as_str(), report.csv(table)))
}

/// A CSV download.
pub fn csv_response(name: &str, body: String) -> Response {
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/csv; charset=utf-8".to_string(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"report-{name}.csv\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// An agent's coaching scorecard (the agent, their team's leads, admins).
#[utoipa::path(get, path = "/api/v1/reports/scorecards/{id}", tag = "reports", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The agent's id"), ReportParams),
    responses((status = 200, body = Object, description = "The scorecard"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn scorecard(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
    Query(q): Query<ReportParams>,
) -> ApiResult<axum::Json<Scorecard>> {
    Ok(axum::Json(
        s.app.scorecard(&caller, AgentId(id), &q.query()?).await?,
    ))
}

/// The fairness audit: each customer group (`by=`) against everyone else,
/// with sizes, differences, the stated test's p-value and what needs a look.
#[utoipa::path(get, path = "/api/v1/reports/fairness", tag = "reports", security(("bearer" = [])), params(ReportParams),
    responses((status = 200, body = Object, description = "The audit"), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn fairness(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Query(q): Query<ReportParams>,
) -> ApiResult<axum::Json<Audit>> {
    let query = q.query()?;
    let by = q.by.as_deref().unwrap_or("channel");
    Ok(axum::Json(
        s.app.fairness(&caller, &query.filter, by).await?,
    ))
}
