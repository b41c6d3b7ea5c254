//! Slowing down password guessing without letting it lock anyone out.
//!
//! Every failed login counts against three keys, kept in the database (so
//! every server shares them and a restart forgets nothing):
//!
//! - the client (`ip:` its address, an IPv6 /64), which slows one client
//!   spraying passwords over many accounts;
//! - the pair of client and account (`pair:` the account's SHA-256, then
//!   the pair's), which slows one client guessing one account;
//! - the account (`account:` a SHA-256 of the e-mail), which slows many
//!   clients guessing one account together.
//!
//! Past a few free failures each key makes the next attempt wait 1 s, 2 s,
//! 4 s, … up to 15 minutes. The client and pair waits refuse every attempt;
//! the account's wait refuses only clients that have themselves failed for
//! that account. So a client that has not been failing is always let through
//! to the password check, and the right password logs in however hard
//! others are attacking the account; each new client gets one guess before
//! it counts as failing. Counts are forgotten an hour after a key's last
//! failure, and such rows are pruned, so the table stays small.

use crate::client::client_key;
use crate::{App, AppError};
use rapport_core::Timestamp;
use rapport_store::ThrottleRow;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Instant;

/// Failures are forgotten this long after a key's last one.
pub const FORGET_AFTER_SECS: i64 = 3600;
/// The longest wait one failure more can impose.
pub const MAX_DELAY_SECS: i64 = 15 * 60;
/// Failures one client may have (over all accounts) before it must wait.
pub const FREE_CLIENT_FAILURES: i64 = 10;
/// Failures one client may have for one account before it must wait.
pub const FREE_PAIR_FAILURES: i64 = 3;
/// Failures one account may have (from all clients) before failing clients must wait.
pub const FREE_ACCOUNT_FAILURES: i64 = 10;
/// How often one process prunes forgotten rows, at most.
const PRUNE_EVERY_SECS: i64 = 60;

/// The wait after the last of `failures` failures when `free` are free:
/// none, then 1 s, doubling up to [`MAX_DELAY_SECS`].
pub fn delay_secs(failures: i64, free: i64) -> i64 {
    if failures < free {
        return 0;
    }
    let doublings = (failures - free).min(20);
    (1i64 << doublings).min(MAX_DELAY_SECS)
}

/// The three keys one login attempt counts against.
#[derive(Debug, Clone)]
pub(crate) struct LoginKeys {
    client: String,
    pair: String,
    account: String,
}

impl LoginKeys {
    /// The keys of a client trying an e-mail (already normalised).
    pub(crate) fn new(client: Option<IpAddr>, email: &str) -> Self {
        let client = client_key(client);
        let (account, pairs) = account_keys(email);
        let pair = format!(
            "{pairs}{}",
            rapport_core::hex::sha256(format!("{client}\n{email}").as_bytes())
        );
        Self {
            client,
            pair,
            account,
        }
    }

    /// The key of the client alone (for first-run setup).
    pub(crate) fn client_only(client: Option<IpAddr>) -> String {
        client_key(client)
    }
}

/// The keys that count an account's failures: the account's own key, and
/// the prefix of every client-and-account pair's key (so an admin's
/// password reset can forget them all).
pub(crate) fn account_keys(email: &str) -> (String, String) {
    let hash = rapport_core::hex::sha256(email.as_bytes());
    (format!("account:{hash}"), format!("pair:{hash}:"))
}

/// Seconds until the key's wait is over (0: no wait).
fn remaining(row: Option<&ThrottleRow>, free: i64, now: Timestamp) -> i64 {
    row.map_or(0, |row| {
        let until = row
            .last_failure_at
            .plus_seconds(delay_secs(row.failures, free));
        (until.0 - now.0 + 999_999).div_euclid(1_000_000).max(0)
    })
}

fn throttled(wait: i64) -> AppError {
    AppError::Throttled {
        message: if wait == 1 {
            msg!("error.throttle.failed_one")
        } else {
            msg!("error.throttle.failed", wait = wait)
        },
        retry_after_secs: u64::try_from(wait).unwrap_or(1),
    }
}

impl App {
    /// Refuses the attempt while one of its keys says to wait.
    pub(crate) async fn check_login_keys(&self, keys: &LoginKeys) -> Result<(), AppError> {
        let now = Timestamp::now();
        let since = now.plus_seconds(-FORGET_AFTER_SECS);
        let rows = self
            .store
            .throttle_rows(&[&keys.client, &keys.pair, &keys.account], since)
            .await?;
        let row = |key: &str| rows.iter().find(|r| r.key == key);
        let pair = row(&keys.pair);
        let mut wait = remaining(row(&keys.client), FREE_CLIENT_FAILURES, now).max(remaining(
            pair,
            FREE_PAIR_FAILURES,
            now,
        ));
        // The account's wait holds only clients that have failed for it themselves.
        if pair.is_some() {
            wait = wait.max(remaining(row(&keys.account), FREE_ACCOUNT_FAILURES, now));
        }
        if wait > 0 {
            Err(throttled(wait))
        } else {
            Ok(())
        }
    }

    /// Counts a failed login against all its keys.
    pub(crate) async fn login_failed(&self, keys: &LoginKeys) -> Result<(), AppError> {
        self.record_failures(&[&keys.client, &keys.pair, &keys.account])
            .await
    }

    /// A successful login forgets the pair's failures (not the client's nor
    /// the account's: knowing one password must not reset a spraying client).
    pub(crate) async fn login_succeeded(&self, keys: &LoginKeys) -> Result<(), AppError> {
        Ok(self.store.clear_throttle(&keys.pair).await?)
    }

    /// Refuses a client that must wait (first-run setup).
    pub(crate) async fn check_client_key(&self, key: &str) -> Result<(), AppError> {
        let now = Timestamp::now();
        let rows = self
            .store
            .throttle_rows(&[key], now.plus_seconds(-FORGET_AFTER_SECS))
            .await?;
        match remaining(rows.first(), FREE_CLIENT_FAILURES, now) {
            0 => Ok(()),
            wait => Err(throttled(wait)),
        }
    }

    /// Counts failures against these keys, and now and then prunes forgotten ones.
    pub(crate) async fn record_failures(&self, keys: &[&str]) -> Result<(), AppError> {
        let now = Timestamp::now();
        let forget = now.plus_seconds(-FORGET_AFTER_SECS);
        self.store.record_failures(keys, now, forget).await?;
        let last = self.limits.last_prune.load(Ordering::Relaxed);
        let due = now.0 - last >= PRUNE_EVERY_SECS * 1_000_000;
        if due
            && self
                .limits
                .last_prune
                .compare_exchange(last, now.0, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
        {
            let pruned = self.store.prune_throttle(forget).await?;
            tracing::debug!(pruned, "pruned forgotten login failures");
        }
        Ok(())
    }
}

/// The length of a shared rate window ([`App::take_shared`]), in seconds.
const WINDOW_SECS: i64 = 60;

impl App {
    /// Takes one request of `what` for `subject` from a limit of
    /// `per_minute` shared by every server: each minute's requests are
    /// counted in the database (`login_throttle`, key `<what>:<hash of the
    /// subject>:<minute>`, pruned with the login failures), so N servers
    /// allow what one does. Past the limit it refuses until the minute ends.
    pub(crate) async fn take_shared(
        &self,
        what: &'static str,
        subject: &str,
        per_minute: u32,
    ) -> Result<(), AppError> {
        let now = Timestamp::now();
        let secs = now.0.div_euclid(1_000_000);
        let window = secs.div_euclid(WINDOW_SECS);
        let hash = rapport_core::hex::sha256(subject.as_bytes());
        let key = format!("{what}:{}:{window}", &hash[..32]);
        self.record_failures(&[&key]).await?;
        let start = Timestamp((window * WINDOW_SECS) * 1_000_000);
        let used = self
            .store
            .throttle_rows(&[&key], start)
            .await?
            .first()
            .map_or(0, |row| row.failures);
        if used <= i64::from(per_minute) {
            return Ok(());
        }
        let wait = (window + 1) * WINDOW_SECS - secs;
        Err(AppError::Throttled {
            message: msg!("error.throttle.requests", what = what, wait = wait),
            retry_after_secs: u64::try_from(wait).unwrap_or(1).max(1),
        })
    }
}

/// A token bucket per key (an agent id), in memory: `per_minute` requests in
/// a burst, refilled evenly over the minute. Full buckets are dropped, so the
/// map holds only keys that used it within the last minute.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    per_minute: u32,
    buckets: Mutex<HashMap<i64, (f64, Instant)>>,
}

/// The most keys a limiter tracks; past it, full buckets are dropped first.
const MAX_BUCKETS: usize = 10_000;

impl RateLimiter {
    /// A limiter allowing `per_minute` requests per key (at least one).
    pub(crate) fn new(per_minute: u32) -> Self {
        Self {
            per_minute: per_minute.max(1),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request for the key, or says how many seconds to wait.
    pub(crate) fn take(&self, key: i64, now: Instant) -> Result<(), u64> {
        let capacity = f64::from(self.per_minute);
        let rate = capacity / 60.0;
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() >= MAX_BUCKETS && !buckets.contains_key(&key) {
            buckets.retain(|_, (tokens, at)| {
                *tokens + now.saturating_duration_since(*at).as_secs_f64() * rate < capacity
            });
            if buckets.len() >= MAX_BUCKETS {
                return Err(1);
            }
        }
        let (tokens, at) = buckets.entry(key).or_insert((capacity, now));
        *tokens = (*tokens + now.saturating_duration_since(*at).as_secs_f64() * rate).min(capacity);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *tokens) / rate).ceil().max(1.0) as u64)
        }
    }
}

/// The in-process limits of one [`App`].
#[derive(Debug)]
pub(crate) struct Limits {
    /// Drafts checked with the coach, per agent.
    pub(crate) coach: RateLimiter,
    /// Raw messages posted to the intake, per agent.
    pub(crate) inbound: RateLimiter,
    /// When this process last pruned the login throttle (µs).
    pub(crate) last_prune: AtomicI64,
}

impl Limits {
    /// Limits with these rates per minute.
    pub(crate) fn new(coach_per_minute: u32, inbound_per_minute: u32) -> Self {
        Self {
            coach: RateLimiter::new(coach_per_minute),
            inbound: RateLimiter::new(inbound_per_minute),
            last_prune: AtomicI64::new(0),
        }
    }
}

/// Takes one request from a limiter for an agent, or refuses with the wait.
pub(crate) fn take(limiter: &RateLimiter, agent: i64, what: &str) -> Result<(), AppError> {
    limiter
        .take(agent, Instant::now())
        .map_err(|wait| AppError::Throttled {
            message: msg!("error.throttle.requests", what = what, wait = wait),
            retry_after_secs: wait,
        })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn delays_double_after_the_free_failures_up_to_the_cap() {
        let waits: Vec<i64> = (1..=16).map(|n| delay_secs(n, 3)).collect();
        assert_eq!(
            waits,
            [
                0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900, 900
            ]
        );
        assert_eq!(delay_secs(i64::MAX, 3), MAX_DELAY_SECS);
    }

    #[test]
    fn the_wait_counts_from_the_last_failure() {
        let now = Timestamp(1_000_000_000_000);
        let row = |failures, ago: i64| ThrottleRow {
            key: "k".into(),
            failures,
            last_failure_at: now.plus_seconds(-ago),
        };
        assert_eq!(remaining(None, 3, now), 0);
        assert_eq!(remaining(Some(&row(2, 0)), 3, now), 0);
        assert_eq!(remaining(Some(&row(6, 3)), 3, now), 5);
        assert_eq!(remaining(Some(&row(6, 8)), 3, now), 0);
    }

    #[test]
    fn buckets_refill_over_the_minute() {
        let limiter = RateLimiter::new(2);
        let start = Instant::now();
        assert_eq!(limiter.take(1, start), Ok(()));
        assert_eq!(limiter.take(1, start), Ok(()));
        assert_eq!(limiter.take(1, start), Err(30));
        assert_eq!(
            limiter.take(2, start),
            Ok(()),
            "each key has its own bucket"
        );
        assert_eq!(limiter.take(1, start + Duration::from_secs(30)), Ok(()));
    }
}
