//! `/app/reports`: the report with filters, bar charts drawn as SVG on the
//! server (each with a table of the same figures), and a CSV link per
//! table. Leads and admins see the team figures; an agent sees their own
//! scorecard. The same use cases and checks as `/api/v1/reports`.

use super::render::{PageError, check_name, page, word};
use super::session::AgentPage;
use crate::api::reports::{ReportParams, csv_response};
use crate::extract::Query;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use rapport_app::i18n::Lang;
use rapport_app::reports::{ReportTable, Scorecard};
use rapport_core::report::figures::{FIGURE_COLUMNS, Figures};
use rapport_core::{Channel, Priority, Role};

/// A table of the page.
struct TableView {
    id: String,
    title: String,
    csv: Option<String>,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

/// A chart and the table that holds its figures.
struct ChartView {
    title: String,
    table_title: String,
    svg: String,
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ReportsPage {
    chrome: super::render::Chrome,
    heading: String,
    lead: bool,
    from: String,
    to: String,
    periods: Vec<(String, String, bool)>,
    teams: Vec<(String, String, bool)>,
    agents: Vec<(String, String, bool)>,
    channels: Vec<(String, String, bool)>,
    priorities: Vec<(String, String, bool)>,
    advice: Vec<String>,
    charts: Vec<ChartView>,
    tables: Vec<TableView>,
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A bar chart as SVG: one bar per value, labelled; `role="img"` with a title.
pub fn bar_chart(id: &str, title: &str, unit: &str, values: &[(String, f64)]) -> String {
    let (width, height, left, bottom) = (640.0, 220.0, 48.0, 40.0);
    let max = values.iter().map(|v| v.1).fold(0.0_f64, f64::max).max(1.0);
    let n = values.len().max(1) as f64;
    let slot = (width - left) / n;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"100%\" \
         role=\"img\" aria-labelledby=\"{id}-t\"><title id=\"{id}-t\">{}</title>\
         <line x1=\"{left}\" y1=\"{y0}\" x2=\"{width}\" y2=\"{y0}\" stroke=\"#555\"/>\
         <text x=\"2\" y=\"14\" font-size=\"11\" fill=\"#222\">{} {}</text>",
        escape(title),
        format_number(max),
        escape(unit),
        y0 = height - bottom,
    );
    let every = (values.len() / 12).max(1);
    for (i, (label, value)) in values.iter().enumerate() {
        let h = (height - bottom - 20.0) * value / max;
        let x = left + slot * i as f64 + slot * 0.1;
        svg.push_str(&format!(
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\" fill=\"#1f5f99\"><title>{}: {} {}</title></rect>",
            height - bottom - h,
            slot * 0.8,
            escape(label),
            format_number(*value),
            escape(unit)
        ));
        if i % every == 0 {
            svg.push_str(&format!(
                "<text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"10\" fill=\"#222\">{}</text>",
                height - bottom + 14.0,
                escape(label)
            ));
        }
    }
    svg.push_str("</svg>");
    svg
}

fn format_number(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

fn figures_table(
    lang: Lang,
    (id, title): (&str, &str),
    rows: &[(String, &Figures)],
    csv: Option<String>,
) -> TableView {
    let mut header = vec![String::new()];
    header.extend(
        FIGURE_COLUMNS
            .iter()
            .map(|c| word(lang, "report.col", c).to_string()),
    );
    TableView {
        id: id.to_string(),
        title: title.to_string(),
        csv,
        header,
        rows: rows
            .iter()
            .map(|(k, f)| {
                let mut r = vec![k.clone()];
                r.extend(
                    f.cells()
                        .into_iter()
                        .map(|c| if c.is_empty() { "–".into() } else { c }),
                );
                r
            })
            .collect(),
    }
}

fn options<T: Copy>(
    all: &[T],
    (name, list): (impl Fn(T) -> &'static str, (Lang, &str)),
    chosen: Option<&str>,
) -> Vec<(String, String, bool)> {
    all.iter()
        .map(|&v| {
            (
                name(v).to_string(),
                word(list.0, list.1, name(v)).to_string(),
                chosen == Some(name(v)),
            )
        })
        .collect()
}

fn query_string(q: &ReportParams, table: &str) -> String {
    let mut parts = vec![format!("table={table}")];
    let mut add = |k: &str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            let safe: String = v
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            parts.push(format!("{k}={safe}"));
        }
    };
    add("from", q.from.clone());
    add("to", q.to.clone());
    add("team", q.team.map(|t| t.to_string()));
    add("agent", q.agent.map(|a| a.to_string()));
    add("channel", q.channel.clone());
    add("priority", q.priority.clone());
    add("period", q.period.clone());
    format!("/app/reports/csv?{}", parts.join("&"))
}

fn charts_of(lang: Lang, series: &[(String, &Figures)], table_title: &str) -> Vec<ChartView> {
    let tickets: Vec<(String, f64)> = series
        .iter()
        .map(|(k, f)| (k.clone(), f.tickets as f64))
        .collect();
    let frt: Vec<(String, f64)> = series
        .iter()
        .map(|(k, f)| (k.clone(), f.first_response_median.unwrap_or(0) as f64))
        .collect();
    vec![
        ChartView {
            title: lang.text("report.chart.tickets").into(),
            table_title: table_title.into(),
            svg: bar_chart(
                "chart-tickets",
                lang.text("report.chart.tickets"),
                lang.text("report.unit.tickets"),
                &tickets,
            ),
        },
        ChartView {
            title: lang.text("report.chart.frt").into(),
            table_title: table_title.into(),
            svg: bar_chart(
                "chart-frt",
                lang.text("report.chart.frt_minutes"),
                "min",
                &frt,
            ),
        },
    ]
}

/// Blank form fields are no filter.
pub(super) fn blank_is_none(mut q: ReportParams) -> ReportParams {
    for field in [
        &mut q.from,
        &mut q.to,
        &mut q.channel,
        &mut q.priority,
        &mut q.period,
    ] {
        if field.as_deref().is_some_and(|v| v.trim().is_empty()) {
            *field = None;
        }
    }
    q
}

/// `GET /app/reports`.
pub async fn show(
    State(s): State<AppState>,
    agent: AgentPage,
    Query(q): Query<ReportParams>,
) -> Result<Response, PageError> {
    let q = blank_is_none(q);
    let query = q.query()?;
    let lead = agent.caller.role >= Role::Lead;
    let lang = agent.chrome.lang;
    let mut tables = Vec::new();
    let mut charts = Vec::new();
    let mut advice = Vec::new();
    let heading;
    if lead {
        heading = lang.text("nav.reports").to_string();
        let report = s.app.report(&agent.caller, &query).await?;
        for table in ReportTable::ALL {
            let title = word(lang, "report.table", table.as_str());
            let csv = Some(query_string(&q, table.as_str()));
            if table == ReportTable::Overrides {
                tables.push(TableView {
                    id: "t-overrides".into(),
                    title: title.into(),
                    csv,
                    header: ["agent", "check", "count", "unhappy"]
                        .map(|c| word(lang, "report.col", c).to_string())
                        .to_vec(),
                    rows: report
                        .overrides
                        .iter()
                        .map(|o| {
                            vec![
                                o.agent_id.map_or("–".into(), |a| a.0.to_string()),
                                check_name(lang, &o.check),
                                o.count.to_string(),
                                o.unhappy.to_string(),
                            ]
                        })
                        .collect(),
                });
                continue;
            }
            if table == ReportTable::Findings {
                tables.push(TableView {
                    id: "t-findings".into(),
                    title: title.into(),
                    csv,
                    header: ["agent", "check", "replies"]
                        .map(|c| word(lang, "report.col", c).to_string())
                        .to_vec(),
                    rows: report
                        .findings
                        .iter()
                        .map(|f| {
                            vec![
                                f.agent_id.map_or("–".into(), |a| a.0.to_string()),
                                check_name(lang, &f.check),
                                f.count.to_string(),
                            ]
                        })
                        .collect(),
                });
                continue;
            }
            let rows = report.rows(table);
            if table == ReportTable::Series {
                charts = charts_of(lang, &rows, title);
            }
            tables.push(figures_table(
                lang,
                (&format!("t-{}", table.as_str()), title),
                &rows,
                csv,
            ));
        }
    } else {
        heading = lang.text("report.my_scorecard").to_string();
        let card: Scorecard = s
            .app
            .scorecard(&agent.caller, agent.caller.agent_id, &query)
            .await?;
        advice = card.advice.iter().map(|m| m.text(lang)).collect();
        let mut rows = vec![(lang.text("report.me").to_string(), &card.figures)];
        if let Some(team) = &card.team_figures {
            rows.push((lang.text("report.my_teams").to_string(), team));
        }
        let me_title = lang.text("report.me_and_teams");
        tables.push(figures_table(lang, ("t-me", me_title), &rows, None));
        let series: Vec<(String, &Figures)> = card
            .series
            .iter()
            .map(|r| (r.key.clone(), &r.figures))
            .collect();
        let over_time = lang.text("report.over_time");
        charts = charts_of(lang, &series, over_time);
        tables.push(figures_table(lang, ("t-series", over_time), &series, None));
        tables.push(TableView {
            id: "t-overrides".into(),
            title: lang.text("report.sent_anyway").into(),
            csv: None,
            header: ["check", "count", "unhappy"]
                .map(|c| word(lang, "report.col", c).to_string())
                .to_vec(),
            rows: card
                .overrides
                .iter()
                .map(|o| {
                    vec![
                        check_name(lang, &o.check),
                        o.count.to_string(),
                        o.unhappy.to_string(),
                    ]
                })
                .collect(),
        });
        tables.push(TableView {
            id: "t-findings".into(),
            title: lang.text("report.raised_over_time").into(),
            csv: None,
            header: ["period", "check", "replies"]
                .map(|c| word(lang, "report.col", c).to_string())
                .to_vec(),
            rows: card
                .findings_series
                .iter()
                .map(|f| {
                    vec![
                        f.period.clone(),
                        check_name(lang, &f.check),
                        f.count.to_string(),
                    ]
                })
                .collect(),
        });
    }
    let (teams, agents) = if lead {
        let teams = s.app.teams(&agent.caller).await?;
        let agents = s.app.agents(&agent.caller).await?;
        (
            teams
                .iter()
                .map(|t| (t.id.0.to_string(), t.name.clone(), q.team == Some(t.id.0)))
                .collect(),
            agents
                .iter()
                .map(|a| (a.id.0.to_string(), a.name.clone(), q.agent == Some(a.id.0)))
                .collect(),
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let template = ReportsPage {
        chrome: agent.chrome,
        heading,
        lead,
        from: q.from.clone().unwrap_or_default(),
        to: q.to.clone().unwrap_or_default(),
        periods: ["month", "week", "day"]
            .iter()
            .map(|p| {
                let shown = word(lang, "report.period", p).to_string();
                (p.to_string(), shown, query.period.as_str() == *p)
            })
            .collect(),
        teams,
        agents,
        channels: options(
            &Channel::ALL,
            (Channel::as_str, (lang, "channel")),
            q.channel.as_deref(),
        ),
        priorities: options(
            &Priority::ALL,
            (Priority::as_str, (lang, "priority")),
            q.priority.as_deref(),
        ),
        advice,
        charts,
        tables,
    };
    Ok(page(StatusCode::OK, &template))
}

/// `GET /app/reports/csv?table=`: one table as CSV.
pub async fn csv(
    State(s): State<AppState>,
    agent: AgentPage,
    Query(q): Query<ReportParams>,
) -> Result<Response, PageError> {
    let q = blank_is_none(q);
    let table = q.table()?;
    let report = s.app.report(&agent.caller, &q.query()?).await?;
    Ok(csv_response(table.as_str(), report.csv(table)))
}
