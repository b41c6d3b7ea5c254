//! The API integration suite. Every test runs on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod harness;

mod admin;
mod auth;
mod authorization;
mod calendars;
mod coach;
mod collisions;
mod collisions_held;
mod data;
mod directory;
mod errors_and_limits;
mod feedback;
mod hostile_admin;
mod inbox_plans;
mod input;
mod languages;
mod lifecycle;
mod lists;
mod mail;
mod mailboxes;
mod mailflow;
mod matrix;
mod mentions;
mod outbox;
mod paging;
mod principal;
mod promises;
mod races;
mod reports;
mod same_on_both;
mod scheduler;
mod search;
mod search_gaps;
mod server;
mod sla;
mod slow_smtp;
mod team_history;
mod team_races;
mod templates;
mod throttle;
mod throttle_groups;
mod ticket_tags_migration;
mod undo_send;
