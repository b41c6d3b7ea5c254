//! Hostile mail against the API, in a test process of its own: its latency
//! figure (ticket creation p99 while bombs are taken in) must not measure
//! the other API tests running beside it. Each scenario runs on SQLite and
//! on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs, dead_code)]

#[path = "api/harness.rs"]
mod harness;
#[path = "api/hostile_mail.rs"]
mod hostile_mail;
