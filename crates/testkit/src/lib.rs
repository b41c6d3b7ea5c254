//! Test support shared by Rapport's integration tests: a fresh PostgreSQL
//! database per test ([`postgres`]) and real mail servers, Debian's Dovecot
//! (IMAP) and Postfix (SMTP), started once per test process in a temporary
//! folder with their own configuration ([`mailservers`]).
//!
//! A missing server is skipped loudly on a developer machine and is a
//! failure when `CI=true`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod mailservers;
pub mod postgres;

/// Whether this run is CI, where every server must be there.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Skips a test loudly, or fails it on CI.
pub fn skip(what: &str) {
    assert!(
        !in_ci(),
        "CI=true but {what}: the tests that need it must run in CI"
    );
    eprintln!("\n!!! SKIPPED: {what} !!!\n");
}
