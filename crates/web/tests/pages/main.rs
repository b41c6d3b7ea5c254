//! The web pages, driven over HTTP as a browser without JavaScript would:
//! sign-in, the workspace's views and ticket page, their forms, CSRF,
//! cookies and security headers. Every test runs on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "../api/harness.rs"]
#[allow(dead_code)]
mod harness;

mod admin;
mod admin_actions;
mod browser;
mod coach_in_german;
mod coaching;
mod collisions;
mod collisions_held;
mod composer;
mod feedback;
mod german_words;
mod inline;
mod languages;
mod lists;
mod live;
mod long_tickets;
mod notifications;
mod portal;
mod portal_answers;
mod portal_limits;
mod portal_live;
mod refusals_in_german;
mod refused_before_routing;
mod search;
mod security;
mod ticket_links;
mod workspace;
