//! The mailbox poller: reads a configured IMAP folder and takes every new
//! message in through the same intake as `rapport ingest` and the API.
//! The position (UIDVALIDITY and the last UID taken in) is kept in the
//! database, so nothing is fetched twice or skipped across restarts; a new
//! UIDVALIDITY starts over from the first message, which the content hash
//! makes harmless. IDLE is used where the server has it, polling otherwise.
//! With PostgreSQL one server polls each mailbox, under an advisory lock.
//! Each good pass and each failure is recorded in the database
//! (`mailbox_health`) for the admins' mail status page.

use crate::{App, AppError};
use rapport_transport::{ImapSession, ImapSettings};
use std::collections::BTreeMap;
use std::time::Duration;

/// Messages fetched per round trip.
const FETCH_BATCH: usize = 100;

/// The first wait after a failure; it doubles up to [`LAST_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_secs(2);

/// The longest wait between attempts to reach a mailbox.
const LAST_BACKOFF: Duration = Duration::from_secs(300);

/// Waits out the backoff (or until told to stop) and doubles it.
async fn pause(backoff: &mut Duration, stop: &mut tokio::sync::watch::Receiver<bool>) {
    tokio::select! {
        _ = tokio::time::sleep(*backoff) => {}
        _ = stop.changed() => {}
    }
    *backoff = (*backoff * 2).min(LAST_BACKOFF);
}

/// What one pass over a mailbox took in.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PollReport {
    /// Messages fetched.
    pub fetched: usize,
    /// How many ended each way (created, appended, duplicate, ...).
    pub outcomes: BTreeMap<&'static str, usize>,
}

impl App {
    /// Takes in everything above the stored position, in batches, then marks it processed.
    pub async fn poll_mailbox(
        &self,
        session: &mut ImapSession,
        name: &str,
    ) -> Result<PollReport, AppError> {
        let validity = i64::from(session.uid_validity());
        let stored = self.store().mailbox_position(name).await?;
        let mut last = match stored {
            Some((stored, last)) if stored == validity => last,
            Some(_) => {
                tracing::warn!(
                    mailbox = name,
                    "UIDVALIDITY changed; reading the folder again from the start"
                );
                0
            }
            None => 0,
        };
        let mut report = PollReport::default();
        loop {
            let last_uid = u32::try_from(last).unwrap_or(u32::MAX);
            let uids = session
                .new_uids(last_uid, FETCH_BATCH)
                .await
                .map_err(|e| AppError::Internal(e.to_string()))?;
            if uids.is_empty() {
                break;
            }
            let fetched = session
                .fetch(&uids)
                .await
                .map_err(|e| AppError::Internal(e.to_string()))?;
            report.fetched += fetched.len();
            let (taken, raws): (Vec<u32>, Vec<Vec<u8>>) = fetched.into_iter().unzip();
            for outcome in self.ingest_owned(raws).await? {
                *report.outcomes.entry(outcome.name()).or_default() += 1;
            }
            let highest = uids.iter().copied().max().unwrap_or(last_uid);
            last = i64::from(highest);
            self.store()
                .set_mailbox_position(name, validity, last)
                .await?;
            session
                .mark_processed(&taken)
                .await
                .map_err(|e| AppError::Internal(e.to_string()))?;
        }
        if report.fetched > 0 {
            tracing::info!(mailbox = name, fetched = report.fetched, outcomes = ?report.outcomes, "mailbox read");
        } else if stored != Some((validity, last)) {
            // A new mailbox, or a new UIDVALIDITY on an empty folder: remember it once.
            self.store()
                .set_mailbox_position(name, validity, last)
                .await?;
        }
        Ok(report)
    }

    /// Connects and reads once (for `rapport mail poll`).
    pub async fn poll_mailbox_once(&self, settings: &ImapSettings) -> Result<PollReport, AppError> {
        let mut session = match ImapSession::connect(settings).await {
            Ok(session) => session,
            Err(e) => {
                let said = format!("cannot reach the mailbox: {e}");
                self.note_mailbox(&settings.name, Err(&said)).await;
                return Err(AppError::Internal(e.to_string()));
            }
        };
        let report = self.poll_mailbox(&mut session, &settings.name).await;
        session.logout().await;
        match &report {
            Ok(r) => self.note_mailbox(&settings.name, Ok(r.fetched)).await,
            Err(e) => {
                let said = format!("reading the mailbox failed: {e}");
                self.note_mailbox(&settings.name, Err(&said)).await;
            }
        }
        report
    }

    /// Reads a mailbox until `stop` turns true: IDLE (or polls every
    /// `wait`), reconnecting with backoff after any failure.
    pub async fn run_mailbox(
        self,
        settings: ImapSettings,
        wait: Duration,
        mut stop: tokio::sync::watch::Receiver<bool>,
    ) {
        let mut backoff = FIRST_BACKOFF;
        'outer: while !*stop.borrow() {
            let Some(_lock) = self
                .store()
                .try_singleton(&format!("imap:{}", settings.name))
                .await
                .unwrap_or(None)
            else {
                // Another server reads this mailbox; check again later.
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(30)) => continue,
                    _ = stop.changed() => break,
                }
            };
            let mut session = match ImapSession::connect(&settings).await {
                Ok(session) => session,
                Err(error) => {
                    tracing::warn!(mailbox = settings.name, %error, "cannot reach the mailbox");
                    let said = format!("cannot reach the mailbox: {error}");
                    self.note_mailbox(&settings.name, Err(&said)).await;
                    pause(&mut backoff, &mut stop).await;
                    continue;
                }
            };
            tracing::info!(
                mailbox = settings.name,
                idle = session.has_idle(),
                "reading mailbox"
            );
            loop {
                match self.poll_mailbox(&mut session, &settings.name).await {
                    Ok(report) => self.note_mailbox(&settings.name, Ok(report.fetched)).await,
                    Err(error) => {
                        // The database or the server failed: wait before trying
                        // again, so a lasting failure is not a busy loop.
                        tracing::warn!(mailbox = settings.name, %error, "reading the mailbox failed");
                        let said = format!("reading the mailbox failed: {error}");
                        self.note_mailbox(&settings.name, Err(&said)).await;
                        pause(&mut backoff, &mut stop).await;
                        continue 'outer;
                    }
                }
                backoff = FIRST_BACKOFF;
                tokio::select! {
                    waited = session.wait_for_mail(wait) => match waited {
                        Ok(next) => session = next,
                        Err(error) => {
                            tracing::warn!(mailbox = settings.name, %error, "connection lost");
                            let said = format!("connection lost: {error}");
                            self.note_mailbox(&settings.name, Err(&said)).await;
                            pause(&mut backoff, &mut stop).await;
                            continue 'outer;
                        }
                    },
                    _ = stop.changed() => break 'outer,
                }
            }
        }
        tracing::info!(mailbox = settings.name, "mailbox poller stopped");
    }
}
