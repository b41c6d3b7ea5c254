//! `rapport mail ...` and the mail workers `rapport serve` runs: the outbox
//! sender, one poller per IMAP mailbox, and the recovery of mail stored but
//! never processed.

use crate::config::Settings;
use anyhow::{Context, Result, bail};
use clap::Subcommand;
use rapport_app::App;
use rapport_app::mailer::RetryPolicy;
use rapport_transport::SmtpSender;
use std::path::PathBuf;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// The mail subcommands.
#[derive(Subcommand)]
pub enum MailCommand {
    /// Read every configured IMAP mailbox once and exit (for cron instead of `serve`).
    Poll,
    /// Send the queued mail that is due, then exit.
    Send,
    /// Show each mailbox's last poll and error, the outbox's queue and failed sends.
    Status,
    /// Write a maildir of realistic generated mail for the ingest benchmark.
    Generate {
        /// How many messages.
        #[arg(long, default_value_t = 100_000)]
        messages: usize,
        /// The maildir to write (its `new/` folder gets the messages).
        #[arg(long)]
        out: PathBuf,
        /// Random seed.
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Real conversations to take the customers' words from.
        #[arg(long, default_value = crate::CONVERSATIONS)]
        conversations: PathBuf,
    },
}

/// This process's name in leases: host and process id.
pub(crate) fn worker_id() -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "rapport".into());
    format!("{host}:{}", std::process::id())
}

/// Runs a mail subcommand.
pub async fn run(app: &App, settings: &Settings, command: MailCommand) -> Result<()> {
    match command {
        MailCommand::Poll => {
            if settings.imap.is_empty() {
                bail!("no [[imap]] mailbox is configured");
            }
            for (mailbox, _) in &settings.imap {
                let report = app
                    .poll_mailbox_once(mailbox)
                    .await
                    .with_context(|| format!("reading {}", mailbox.name))?;
                println!(
                    "{}: {} messages: {}",
                    mailbox.name,
                    report.fetched,
                    report
                        .outcomes
                        .iter()
                        .map(|(k, v)| format!("{k} {v}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            Ok(())
        }
        MailCommand::Send => {
            let smtp = settings
                .smtp
                .as_ref()
                .context("no [smtp] server is configured")?;
            let sender = SmtpSender::new(smtp)?;
            let worker = worker_id();
            let policy = RetryPolicy::default();
            let (mut sent, mut retrying, mut failed) = (0, 0, 0);
            loop {
                let round = app.send_due_mail(&sender, &worker, &policy, 50).await?;
                sent += round.sent;
                retrying += round.retrying;
                failed += round.failed;
                if round.sent + round.retrying + round.failed == 0 {
                    break;
                }
            }
            println!("sent {sent}, to retry later {retrying}, failed {failed}");
            Ok(())
        }
        MailCommand::Status => status(app).await,
        MailCommand::Generate {
            messages,
            out,
            seed,
            conversations,
        } => {
            let conversations = crate::conversations(&conversations)?;
            let started = std::time::Instant::now();
            let report =
                rapport_fixtures::mailgen::write_maildir(&out, messages, seed, &conversations)?;
            println!(
                "wrote {} messages ({} threads, {:.1} MB) to {} in {:.1} s",
                report.messages,
                report.threads,
                report.bytes as f64 / 1e6,
                out.display(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
    }
}

/// Prints the mail channel's status (as the admin page shows it).
async fn status(app: &App) -> Result<()> {
    let operator =
        rapport_app::Caller::operator(rapport_core::AgentId(0), rapport_core::Role::Admin);
    let status = app.mail_status(&operator).await?;
    if status.mailboxes.is_empty() {
        println!("no mailbox is configured or has been read yet");
    }
    let at = |t: Option<rapport_core::Timestamp>| {
        t.map_or_else(|| "never".to_string(), |t| t.to_string())
    };
    for status in &status.mailboxes {
        let m = &status.health;
        println!(
            "{}: {}{}, last good poll {} ({} messages), last error {}{}",
            m.mailbox,
            match status.state() {
                rapport_app::mail_admin::MailboxState::Failing => "FAILING",
                rapport_app::mail_admin::MailboxState::Ok => "ok",
                rapport_app::mail_admin::MailboxState::NeverPolled => "never polled",
            },
            if status.configured {
                ""
            } else {
                " (not in this server's settings)"
            },
            at(m.last_poll_at),
            m.last_fetched,
            at(m.last_error_at),
            m.last_error
                .as_deref()
                .map(|e| format!(": {e}"))
                .unwrap_or_default()
        );
    }
    let o = status.outbox;
    println!(
        "outbox: {} pending, {} sending, {} failed, {} bounced",
        o.pending, o.sending, o.failed, o.bounced
    );
    for f in &status.failures {
        println!(
            "failed {} ({}, ticket {}): {}",
            f.id,
            f.kind.as_str(),
            f.ticket_id
                .map_or_else(|| "-".to_string(), |t| t.0.to_string()),
            f.last_error.as_deref().unwrap_or("")
        );
    }
    Ok(())
}

/// Starts the mail workers for `serve`; send `true` on the returned channel to stop them.
pub fn start_workers(
    app: &App,
    settings: &Settings,
) -> Result<(watch::Sender<bool>, Vec<JoinHandle<()>>)> {
    let (stop, stopped) = watch::channel(false);
    let mut workers = Vec::new();
    if let Some(smtp) = &settings.smtp {
        let sender = SmtpSender::new(smtp).context("the [smtp] settings are not usable")?;
        workers.push(tokio::spawn(app.clone().run_outbox(
            sender,
            worker_id(),
            RetryPolicy::default(),
            stopped.clone(),
        )));
    } else {
        tracing::info!("no [smtp] server configured: replies are stored but not mailed");
    }
    for (mailbox, wait) in &settings.imap {
        workers.push(tokio::spawn(app.clone().run_mailbox(
            mailbox.clone(),
            *wait,
            stopped.clone(),
        )));
    }
    let recovery = app.clone();
    let mut recovery_stop = stopped;
    workers.push(tokio::spawn(async move {
        loop {
            if let Err(error) = recovery.recover_unprocessed().await {
                tracing::warn!(%error, "recovering unprocessed mail failed");
            }
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(60)) => {}
                _ = recovery_stop.changed() => break,
            }
        }
    }));
    Ok((stop, workers))
}
