//! The JSON API under `/api/v1`, and its OpenAPI document.

pub mod auth;
pub mod calendars;
pub mod coach;
pub mod directory;
pub mod feedback;
pub mod inbound;
pub mod mail;
pub mod mailboxes;
pub mod promises;
pub mod reports;
pub mod search;
pub mod sla;
pub mod templates;
pub mod tickets;
pub mod types;
pub mod undo;

use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post};
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

/// The OpenAPI document, built from the handlers' annotations.
#[derive(OpenApi)]
#[openapi(
    info(title = "Rapport API", description = "The help desk that makes good service the default. Authenticate with `Authorization: Bearer <token>` from POST /api/v1/auth/login or an API token. Errors share one shape: `{\"error\": {\"code\", \"message\", \"field\"?}}`."),
    paths(
        auth::login, auth::logout, auth::me, auth::tokens, auth::create_token, auth::revoke_token, auth::setup,
        directory::list_agents, directory::create_agent, directory::get_agent, directory::update_agent, directory::get_me, directory::update_me,
        directory::list_teams, directory::create_team, directory::get_team, directory::update_team, directory::delete_team,
        directory::list_customers, directory::create_customer, directory::get_customer, directory::update_customer, directory::delete_customer, directory::customer_events,
        directory::customer_attributes, directory::set_customer_attributes,
        tickets::create_ticket, tickets::list_tickets, tickets::get_ticket, tickets::list_messages, tickets::list_attachments, tickets::add_message,
        tickets::list_events, tickets::assign, tickets::transfer, tickets::set_status, tickets::tag, tickets::set_priority,
        tickets::close_as_spam, tickets::close_as_duplicate, coach::coach, templates::list_templates, templates::get_template, templates::put_template, inbound::post_mime, inbound::quarantine,
        mail::upload, mail::download, mail::ticket_mail, mail::inbound_raw, mail::retry_inbound, mailboxes::status,
        mailboxes::retry_one, mailboxes::retry_all, directory::reset_password, directory::agent_audit,
        calendars::business_hours, calendars::business_hours_feed, calendars::list_calendars, calendars::create_calendar,
        calendars::import_calendar, calendars::get_calendar, calendars::put_calendar, calendars::delete_calendar,
        calendars::set_default_calendar, calendars::export_calendar,
        promises::list_promises, promises::promise_summary, promises::get_promise, promises::update_promise,
        sla::ticket_clocks, sla::list_policies, sla::create_policy, sla::put_policy, sla::delete_policy,
        sla::list_notifications, sla::read_notification,
        promises::promise_recovery, search::search,
        feedback::ticket_survey, feedback::list_recovery_tasks, feedback::get_recovery_task,
        feedback::follow_up_recovery, feedback::set_team_lead, feedback::import_reviews,
        reports::report, reports::report_csv, reports::scorecard, reports::fairness,
        undo::list_held, undo::undo,
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Log in, tokens, first-run setup"),
        (name = "agents", description = "Agents and their roles"),
        (name = "teams", description = "Teams (queues)"),
        (name = "customers", description = "Customers and their contact identities"),
        (name = "tickets", description = "Tickets, messages, events and every move on them"),
        (name = "coach", description = "The reply coach"),
        (name = "templates", description = "Mail templates, checked when saved"),
        (name = "inbound", description = "Inbound mail"),
        (name = "attachments", description = "Files on messages; uploads for replies"),
        (name = "calendars", description = "Business calendars and the posted business hours"),
        (name = "promises", description = "Promises made to customers in replies: kept, broken, reminded"),
        (name = "feedback", description = "Satisfaction surveys, recovery tasks after a low rating or a negative review, imported public reviews"),
        (name = "reports", description = "Figures from the event log: response and resolution times in business time, targets met, one-touch, reopens, transfers, promises, satisfaction, coach findings and overrides; scorecards; the fairness audit"),
        (name = "response targets", description = "Response targets (SLA): policies, each ticket's clocks in business time, and agents' notifications"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The `/api/v1` routes.
pub fn routes() -> Router<AppState> {
    use auth as a;
    use directory as d;
    use tickets as t;
    Router::new()
        .route("/api/v1/setup", post(a::setup))
        .route("/api/v1/auth/login", post(a::login))
        .route("/api/v1/auth/logout", post(a::logout))
        .route("/api/v1/auth/me", get(a::me))
        .route("/api/v1/auth/tokens", get(a::tokens).post(a::create_token))
        .route(
            "/api/v1/auth/tokens/{id}",
            axum::routing::delete(a::revoke_token),
        )
        .route("/api/v1/agents", get(d::list_agents).post(d::create_agent))
        .route("/api/v1/agents/me", get(d::get_me).patch(d::update_me))
        .route(
            "/api/v1/agents/{id}",
            get(d::get_agent).patch(d::update_agent),
        )
        .route("/api/v1/teams", get(d::list_teams).post(d::create_team))
        .route(
            "/api/v1/teams/{id}",
            get(d::get_team)
                .patch(d::update_team)
                .delete(d::delete_team),
        )
        .route(
            "/api/v1/customers",
            get(d::list_customers).post(d::create_customer),
        )
        .route(
            "/api/v1/customers/{id}",
            get(d::get_customer)
                .patch(d::update_customer)
                .delete(d::delete_customer),
        )
        .route("/api/v1/customers/{id}/events", get(d::customer_events))
        .route(
            "/api/v1/customers/{id}/attributes",
            get(d::customer_attributes).patch(d::set_customer_attributes),
        )
        .route(
            "/api/v1/tickets",
            get(t::list_tickets).post(t::create_ticket),
        )
        .route("/api/v1/tickets/{id}", get(t::get_ticket))
        .route(
            "/api/v1/tickets/{id}/messages",
            get(t::list_messages).post(t::add_message),
        )
        .route("/api/v1/tickets/{id}/attachments", get(t::list_attachments))
        .route("/api/v1/tickets/{id}/events", get(t::list_events))
        .route("/api/v1/tickets/{id}/held-replies", get(undo::list_held))
        .route("/api/v1/held-replies/{id}/undo", post(undo::undo))
        .route("/api/v1/tickets/{id}/assign", post(t::assign))
        .route("/api/v1/tickets/{id}/transfer", post(t::transfer))
        .route("/api/v1/tickets/{id}/status", post(t::set_status))
        .route("/api/v1/tickets/{id}/tags", post(t::tag))
        .route("/api/v1/tickets/{id}/priority", post(t::set_priority))
        .route("/api/v1/tickets/{id}/close-as-spam", post(t::close_as_spam))
        .route(
            "/api/v1/tickets/{id}/close-as-duplicate",
            post(t::close_as_duplicate),
        )
        .route("/api/v1/coach", post(coach::coach))
        .route("/api/v1/templates", get(templates::list_templates))
        .route(
            "/api/v1/inbound/mime",
            post(inbound::post_mime).layer(axum::extract::DefaultBodyLimit::max(
                inbound::MAX_MIME_BYTES,
            )),
        )
        .route("/api/v1/inbound/quarantine", get(inbound::quarantine))
        .route("/api/v1/inbound/{id}/raw", get(mail::inbound_raw))
        .route("/api/v1/inbound/{id}/retry", post(mail::retry_inbound))
        .route("/api/v1/mailboxes/status", get(mailboxes::status))
        .route("/api/v1/outbox/retry", post(mailboxes::retry_all))
        .route("/api/v1/outbox/{id}/retry", post(mailboxes::retry_one))
        .route("/api/v1/agents/{id}/password", post(d::reset_password))
        .route("/api/v1/agents/{id}/audit", get(d::agent_audit))
        .route(
            "/api/v1/attachments",
            post(mail::upload).layer(axum::extract::DefaultBodyLimit::max(mail::MAX_UPLOAD_BYTES)),
        )
        .route("/api/v1/attachments/{id}", get(mail::download))
        .route("/api/v1/tickets/{id}/mail", get(mail::ticket_mail))
        .route(
            "/api/v1/templates/{name}",
            get(templates::get_template).put(templates::put_template),
        )
        .merge(calendar_routes())
        .route("/api/v1/tickets/{id}/survey", get(feedback::ticket_survey))
        .route("/api/v1/recovery-tasks", get(feedback::list_recovery_tasks))
        .route(
            "/api/v1/recovery-tasks/{id}",
            get(feedback::get_recovery_task),
        )
        .route(
            "/api/v1/recovery-tasks/{id}/follow-up",
            post(feedback::follow_up_recovery),
        )
        .route("/api/v1/teams/{id}/lead", post(feedback::set_team_lead))
        .route("/api/v1/reviews", post(feedback::import_reviews))
        .route("/api/v1/search", get(search::search))
        .route("/api/v1/reports", get(reports::report))
        .route("/api/v1/reports/csv", get(reports::report_csv))
        .route("/api/v1/reports/fairness", get(reports::fairness))
        .route("/api/v1/reports/scorecards/{id}", get(reports::scorecard))
        .route("/api/v1/promises", get(promises::list_promises))
        .route("/api/v1/promises/summary", get(promises::promise_summary))
        .route(
            "/api/v1/promises/{id}",
            get(promises::get_promise).patch(promises::update_promise),
        )
        .route(
            "/api/v1/promises/{id}/recovery",
            get(promises::promise_recovery),
        )
        .route("/api/v1/tickets/{id}/clocks", get(sla::ticket_clocks))
        .route(
            "/api/v1/sla-policies",
            get(sla::list_policies).post(sla::create_policy),
        )
        .route(
            "/api/v1/sla-policies/{id}",
            axum::routing::put(sla::put_policy).delete(sla::delete_policy),
        )
        .route("/api/v1/notifications", get(sla::list_notifications))
        .route(
            "/api/v1/notifications/{id}/read",
            post(sla::read_notification),
        )
}

/// The business-hours and `/api/v1/calendars` routes.
fn calendar_routes() -> Router<AppState> {
    use calendars as c;
    Router::new()
        .route("/api/v1/business-hours", get(c::business_hours))
        .route("/api/v1/business-hours/ical", get(c::business_hours_feed))
        .route(
            "/api/v1/calendars",
            get(c::list_calendars).post(c::create_calendar),
        )
        .route("/api/v1/calendars/import", post(c::import_calendar))
        .route(
            "/api/v1/calendars/{id}",
            get(c::get_calendar)
                .put(c::put_calendar)
                .delete(c::delete_calendar),
        )
        .route(
            "/api/v1/calendars/{id}/default",
            post(c::set_default_calendar),
        )
        .route("/api/v1/calendars/{id}/ical", get(c::export_calendar))
}
