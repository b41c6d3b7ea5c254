//! Hostile mail and hostile tags against the API and the pages, in a test
//! process of its own: the mail's latency figure (ticket creation p99 while
//! bombs are taken in) must not measure the other API tests running beside
//! it (the scenarios here take turns). Each scenario runs on SQLite and on
//! PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs, dead_code)]

#[path = "pages/browser.rs"]
mod browser;
#[path = "api/harness.rs"]
mod harness;
#[path = "api/hostile_mail.rs"]
mod hostile_mail;
#[path = "api/hostile_tags.rs"]
mod hostile_tags;
