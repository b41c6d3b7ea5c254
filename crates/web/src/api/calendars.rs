//! Business calendars (admins change them, agents read them) and the posted
//! business hours, which anyone may read: it is what customers are shown.

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Auth, Id, Json, Query, raw_body};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use rapport_app::CalendarRecord;
use rapport_app::calendars::ImportOptions;
use rapport_app::hours::{BusinessHours, DayOpen, Moment};
use rapport_core::{CalendarSpec, DayHours, Timestamp, UpcomingClosure};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The largest iCalendar file accepted.
pub const MAX_ICAL_BYTES: usize = rapport_core::calendar::MAX_ICAL_BYTES;

/// A wall-clock time in the business zone, `YYYY-MM-DDTHH:MM`.
fn local(dt: jiff::civil::DateTime) -> String {
    dt.strftime("%Y-%m-%dT%H:%M").to_string()
}

/// A stored calendar.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarOut {
    /// Its id.
    pub id: i64,
    /// Its unique name.
    pub name: String,
    /// Whether the desk runs on it.
    pub is_default: bool,
    /// Its IANA time zone.
    pub time_zone: String,
    /// When it last changed, RFC 3339 (UTC).
    pub updated_at: String,
    /// The calendar: name, time_zone, always_open, hours, holidays, closures
    /// (the body `PUT /api/v1/calendars/{id}` takes).
    #[schema(value_type = Object)]
    pub spec: serde_json::Value,
}

impl From<&CalendarRecord> for CalendarOut {
    fn from(r: &CalendarRecord) -> Self {
        Self {
            id: r.id,
            name: r.name.clone(),
            is_default: r.is_default,
            time_zone: r.spec.time_zone.clone(),
            updated_at: r.updated_at.to_string(),
            spec: serde_json::to_value(&r.spec).unwrap_or_default(),
        }
    }
}

/// A calendar to store: `{"name", "time_zone", "always_open", "hours":
/// {"monday": [{"start": "09:00", "end": "17:00"}], …}, "holidays": [{"name",
/// "rule": {"kind": "date", "date"} | {"kind": "yearly", "month", "day"} |
/// {"kind": "nth_weekday", "month", "weekday", "nth"}}], "closures":
/// [{"reason", "span": {"kind": "days", "first", "last"} | {"kind":
/// "period", "start", "end"}}]}`. Times are wall-clock times in the zone.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(transparent)]
#[schema(value_type = Object)]
pub struct CalendarIn(pub CalendarSpec);

/// Import parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// The calendar's name (default: the file's X-WR-CALNAME); a calendar of
    /// that name is replaced.
    pub name: Option<String>,
    /// Make it the default calendar.
    #[serde(default)]
    pub default: bool,
    /// Take only the file's holidays and closures (a public-holiday feed)
    /// into the calendar `name` (default: the default calendar), in place of
    /// its own; its hours and zone stay.
    #[serde(default)]
    pub holidays_only: bool,
}

/// Business-hours parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct HoursQuery {
    /// The moment to describe, RFC 3339 (default: now).
    pub at: Option<String>,
}

/// An instant in the business zone.
#[derive(Debug, Serialize, ToSchema)]
pub struct MomentOut {
    /// RFC 3339, UTC.
    pub at: String,
    /// Wall-clock time in the business zone, `YYYY-MM-DDTHH:MM`.
    pub local: String,
    /// As a customer reads it: "Tuesday 10:00 (Berlin time)".
    pub text: String,
}

impl From<&Moment> for MomentOut {
    fn from(m: &Moment) -> Self {
        Self {
            at: m.at.to_string(),
            local: local(m.local),
            text: m.text.clone(),
        }
    }
}

/// An opening interval of the normal week.
#[derive(Debug, Serialize, ToSchema)]
pub struct IntervalOut {
    /// Opens, `HH:MM`.
    pub start: String,
    /// Closes, `HH:MM`.
    pub end: String,
    /// Closes on the next day.
    pub ends_next_day: bool,
}

/// A weekday of the normal week.
#[derive(Debug, Serialize, ToSchema)]
pub struct WeekdayOut {
    /// monday … sunday.
    pub weekday: String,
    /// Open around the clock.
    pub always_open: bool,
    /// Its opening intervals.
    pub intervals: Vec<IntervalOut>,
}

impl From<&DayHours> for WeekdayOut {
    fn from(d: &DayHours) -> Self {
        let hhmm = |t: jiff::civil::Time| format!("{:02}:{:02}", t.hour(), t.minute());
        Self {
            weekday: d.weekday.as_str().into(),
            always_open: d.always_open,
            intervals: d
                .intervals
                .iter()
                .map(|r| IntervalOut {
                    start: hhmm(r.start),
                    end: hhmm(r.end),
                    ends_next_day: r.ends_next_day(),
                })
                .collect(),
        }
    }
}

/// An open span of a day.
#[derive(Debug, Serialize, ToSchema)]
pub struct SpanOut {
    /// Opens.
    pub opens: MomentOut,
    /// Closes.
    pub closes: MomentOut,
}

/// One of the next days, as it will be.
#[derive(Debug, Serialize, ToSchema)]
pub struct DayOut {
    /// The date in the business zone, `YYYY-MM-DD`.
    pub date: String,
    /// monday … sunday.
    pub weekday: String,
    /// The holidays that close it.
    pub holidays: Vec<String>,
    /// When the desk is open (empty: closed all day).
    pub open: Vec<SpanOut>,
}

impl From<&DayOpen> for DayOut {
    fn from(d: &DayOpen) -> Self {
        Self {
            date: d.date.to_string(),
            weekday: rapport_core::Weekday::of(d.date).as_str().into(),
            holidays: d.holidays.clone(),
            open: d
                .open
                .iter()
                .map(|(a, b)| SpanOut {
                    opens: a.into(),
                    closes: b.into(),
                })
                .collect(),
        }
    }
}

/// A holiday or closure on the way.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClosureOut {
    /// holiday or closure.
    pub kind: String,
    /// The holiday's name or the closure's reason.
    pub reason: String,
    /// Wall-clock start in the business zone, `YYYY-MM-DDTHH:MM`.
    pub start: String,
    /// Wall-clock end (exclusive).
    pub end: String,
    /// The instant it starts, RFC 3339 (UTC).
    pub starts_at: String,
    /// The instant it ends, RFC 3339 (UTC).
    pub ends_at: String,
}

impl From<&UpcomingClosure> for ClosureOut {
    fn from(c: &UpcomingClosure) -> Self {
        Self {
            kind: serde_json::to_value(c.kind)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default(),
            reason: c.reason.clone(),
            start: local(c.start),
            end: local(c.end),
            starts_at: c.starts_at.to_string(),
            ends_at: c.ends_at.to_string(),
        }
    }
}

/// The posted business hours.
#[derive(Debug, Serialize, ToSchema)]
pub struct BusinessHoursOut {
    /// The calendar they come from.
    pub calendar: String,
    /// The business time zone (IANA).
    pub time_zone: String,
    /// The zone as people say it ("Berlin time").
    pub zone_label: String,
    /// The moment described.
    pub now: MomentOut,
    /// Whether the desk is open then.
    pub open_now: bool,
    /// When it opens next (now, when open); none if never.
    pub next_opening: Option<MomentOut>,
    /// When open: when it closes (none if it never does).
    pub closes_at: Option<MomentOut>,
    /// The normal week, Monday first.
    pub week: Vec<WeekdayOut>,
    /// The next seven days as they will be, holidays and closures applied.
    pub days: Vec<DayOut>,
    /// Holidays and closures in the next 30 days.
    pub closures: Vec<ClosureOut>,
}

impl From<&BusinessHours> for BusinessHoursOut {
    fn from(h: &BusinessHours) -> Self {
        Self {
            calendar: h.calendar.clone(),
            time_zone: h.time_zone.clone(),
            zone_label: h.zone_label.clone(),
            now: MomentOut {
                at: h.at.to_string(),
                local: local(h.local),
                text: String::new(),
            },
            open_now: h.open_now,
            next_opening: h.next_opening.as_ref().map(Into::into),
            closes_at: h.closes_at.as_ref().map(Into::into),
            week: h.week.iter().map(Into::into).collect(),
            days: h.days.iter().map(Into::into).collect(),
            closures: h.closures.iter().map(Into::into).collect(),
        }
    }
}

/// An iCalendar response.
fn ical(text: String) -> Response {
    (
        [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
        text,
    )
        .into_response()
}

/// When the desk is open: open now, next opening, the normal week, the next
/// seven days and the closures of the next 30 days, in the business zone
/// with the zone named. No token needed: this is what customers are shown,
/// read from the same calendar the clocks use.
#[utoipa::path(get, path = "/api/v1/business-hours", tag = "calendars", params(HoursQuery),
    responses((status = 200, body = BusinessHoursOut), (status = 422, body = ErrorBody)))]
pub async fn business_hours(
    State(s): State<AppState>,
    Query(q): Query<HoursQuery>,
) -> ApiResult<axum::Json<BusinessHoursOut>> {
    let at =
        q.at.as_deref()
            .map(Timestamp::parse)
            .transpose()
            .map_err(|e| ApiError::field("at", e))?;
    Ok(axum::Json((&s.app.business_hours(at).await?).into()))
}

/// The business hours as an iCalendar feed (hours, holidays, closures), for
/// calendar apps. No token needed.
#[utoipa::path(get, path = "/api/v1/business-hours/ical", tag = "calendars",
    responses((status = 200, description = "the feed", content_type = "text/calendar")))]
pub async fn business_hours_feed(State(s): State<AppState>) -> ApiResult<Response> {
    Ok(ical(s.app.business_hours_feed().await?))
}

/// Every calendar.
#[utoipa::path(get, path = "/api/v1/calendars", tag = "calendars", security(("bearer" = [])),
    responses((status = 200, body = Vec<CalendarOut>), (status = 401, body = ErrorBody)))]
pub async fn list_calendars(
    State(s): State<AppState>,
    Auth(caller): Auth,
) -> ApiResult<axum::Json<Vec<CalendarOut>>> {
    let records = s.app.calendars(&caller).await?;
    Ok(axum::Json(records.iter().map(Into::into).collect()))
}

/// Store a new calendar (admins); make it the default with `POST .../default`.
#[utoipa::path(post, path = "/api/v1/calendars", tag = "calendars", security(("bearer" = [])), request_body = CalendarIn,
    responses((status = 201, body = CalendarOut), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_calendar(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Json(CalendarIn(spec)): Json<CalendarIn>,
) -> ApiResult<(StatusCode, axum::Json<CalendarOut>)> {
    let record = s.app.create_calendar(&caller, spec).await?;
    Ok((StatusCode::CREATED, axum::Json((&record).into())))
}

/// Import an iCalendar file (admins): the body is the file (`text/calendar`,
/// up to 1 MiB). A calendar of the same name is replaced; with
/// `holidays_only`, only the holidays and closures of an existing calendar
/// are. All-day events are dates in the calendar's zone, never moved
/// through UTC; an error names the line.
#[utoipa::path(post, path = "/api/v1/calendars/import", tag = "calendars", security(("bearer" = [])), params(ImportQuery),
    request_body(content = String, content_type = "text/calendar"),
    responses((status = 200, body = CalendarOut), (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn import_calendar(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Query(q): Query<ImportQuery>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<axum::Json<CalendarOut>> {
    let bytes = raw_body(body, "an iCalendar file", MAX_ICAL_BYTES)?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| ApiError::field("calendar", "the file must be UTF-8 text"))?;
    let record = s
        .app
        .import_calendar(
            &caller,
            text,
            &ImportOptions {
                name: q.name,
                make_default: q.default,
                holidays_only: q.holidays_only,
            },
        )
        .await?;
    Ok(axum::Json((&record).into()))
}

/// One calendar.
#[utoipa::path(get, path = "/api/v1/calendars/{id}", tag = "calendars", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = CalendarOut), (status = 404, body = ErrorBody)))]
pub async fn get_calendar(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
) -> ApiResult<axum::Json<CalendarOut>> {
    Ok(axum::Json((&s.app.calendar(&caller, id).await?).into()))
}

/// Replace a calendar (admins). A change to the default applies at once.
#[utoipa::path(put, path = "/api/v1/calendars/{id}", tag = "calendars", security(("bearer" = [])), request_body = CalendarIn,
    params(("id" = i64, Path)),
    responses((status = 200, body = CalendarOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_calendar(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
    Json(CalendarIn(spec)): Json<CalendarIn>,
) -> ApiResult<axum::Json<CalendarOut>> {
    Ok(axum::Json(
        (&s.app.put_calendar(&caller, id, spec).await?).into(),
    ))
}

/// Delete a calendar (admins); the default cannot be deleted (409).
#[utoipa::path(delete, path = "/api/v1/calendars/{id}", tag = "calendars", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn delete_calendar(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
) -> ApiResult<StatusCode> {
    s.app.delete_calendar(&caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Make a calendar the default (admins): acknowledgments, promise due times
/// and the posted hours use it from now on. It must open within a year.
#[utoipa::path(post, path = "/api/v1/calendars/{id}/default", tag = "calendars", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = CalendarOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_default_calendar(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
) -> ApiResult<axum::Json<CalendarOut>> {
    Ok(axum::Json(
        (&s.app.set_default_calendar(&caller, id).await?).into(),
    ))
}

/// A calendar as an iCalendar feed.
#[utoipa::path(get, path = "/api/v1/calendars/{id}/ical", tag = "calendars", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, description = "the feed", content_type = "text/calendar"), (status = 404, body = ErrorBody)))]
pub async fn export_calendar(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
) -> ApiResult<Response> {
    Ok(ical(s.app.export_calendar(&caller, id).await?))
}
