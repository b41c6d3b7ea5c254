//! `rapport bench ingest`: the mail-intake benchmark. Generates (or reuses)
//! a maildir of realistic mail, takes it in on an empty database exactly as
//! `rapport ingest` does, and reports messages per second, the share that
//! ended where the generator says it must, and the peak memory.

use crate::config::Settings;
use anyhow::{Context, Result, bail};
use clap::Subcommand;
use rapport_app::intake::IngestOutcome;
use rapport_fixtures::mailgen::{Expect, write_maildir};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Right and total per expectation, and the first wrong ones described.
type Checked = (BTreeMap<&'static str, (usize, usize)>, Vec<String>);
use std::path::PathBuf;

/// The benchmark subcommands.
#[derive(Subcommand)]
pub enum BenchCommand {
    /// Mail intake: messages/s, share threaded correctly, peak RSS (needs an empty database).
    Ingest {
        /// Messages to generate.
        #[arg(long, default_value_t = 100_000)]
        messages: usize,
        /// The maildir (generated there when it has no manifest); default `<data_dir>/bench-mail-<N>`.
        #[arg(long)]
        maildir: Option<PathBuf>,
        /// Messages per transaction.
        #[arg(long, default_value_t = 200)]
        batch: usize,
        /// Real conversations for the generated text.
        #[arg(long, default_value = crate::CONVERSATIONS)]
        conversations: PathBuf,
    },
    /// Hostile mail: seconds per MB and peak RSS for nested HTML, huge
    /// headers, thousands of attachments and deep multiparts, 1 MB to 25 MiB.
    MailBombs {
        /// Message sizes in MB.
        #[arg(long, value_delimiter = ',', default_values_t = [1.0, 5.0, 10.0, 25.0])]
        sizes: Vec<f64>,
        /// Only this kind (nested-html, huge-references, many-attachments, deep-multipart).
        #[arg(long)]
        kind: Option<String>,
        /// Write the messages as files into this folder instead of taking
        /// them in (to measure `rapport ingest` on them in a fresh process).
        #[arg(long)]
        write: Option<PathBuf>,
    },
    /// The durable scheduler: N timers due at one instant; how long until
    /// the last fired, and that each fired exactly once.
    Timers {
        /// Timers to schedule.
        #[arg(long, default_value_t = 100_000)]
        timers: u64,
        /// Seconds from now until they are due.
        #[arg(long, default_value_t = 5.0)]
        due_in: f64,
        /// Leave the firing to running `rapport serve` processes (e.g. two on
        /// one PostgreSQL) instead of this process's scheduler.
        #[arg(long)]
        external: bool,
        /// Seconds after the due time to wait for the last firing.
        #[arg(long, default_value_t = 120.0)]
        timeout: f64,
    },
}

/// Peak resident memory of this process, in MB (Linux).
pub(crate) fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Runs a benchmark.
pub async fn run(command: BenchCommand, settings: &Settings) -> Result<()> {
    match command {
        BenchCommand::Ingest {
            messages,
            maildir,
            batch,
            conversations,
        } => ingest(messages, maildir, batch, conversations, settings).await,
        BenchCommand::MailBombs { sizes, kind, write } => {
            crate::bombs_bench::run(&sizes, kind.as_deref(), write.as_deref(), settings).await
        }
        BenchCommand::Timers {
            timers,
            due_in,
            external,
            timeout,
        } => crate::jobs::bench(settings, timers, due_in, external, timeout).await,
    }
}

async fn ingest(
    messages: usize,
    maildir: Option<PathBuf>,
    batch: usize,
    conversations: PathBuf,
    settings: &Settings,
) -> Result<()> {
    let dir = maildir.unwrap_or_else(|| settings.data_dir.join(format!("bench-mail-{messages}")));
    let manifest_path = dir.join("manifest.tsv");
    let manifest_ok = std::fs::read_to_string(&manifest_path)
        .map(|m| m.lines().count() == messages)
        .unwrap_or(false);
    if !manifest_ok {
        let conversations = crate::conversations(&conversations)?;
        let report = write_maildir(&dir, messages, 7, &conversations)?;
        println!(
            "generated {} messages ({} threads, {:.0} MB) in {}",
            report.messages,
            report.threads,
            report.bytes as f64 / 1e6,
            dir.display()
        );
    }
    let app = crate::open(settings).await?;
    if app.ticket_count().await? > 0 {
        bail!(
            "the database already has tickets; the benchmark needs an empty one (use --data-dir with a new folder or a new database)"
        );
    }
    let summary =
        crate::ingest::run(&app, std::slice::from_ref(&dir.join("new")), batch, true).await?;
    let rate = summary.messages as f64 / summary.seconds.max(1e-9);
    // Taken before the check below, which holds every outcome in memory.
    let ingest_peak = peak_rss_mb();
    // Check every message against what the generator says it must become,
    // exactly: by the outcome intake gave that very file.
    let manifest = std::fs::read_to_string(&manifest_path)
        .with_context(|| format!("cannot read {}", manifest_path.display()))?;
    let outcomes: HashMap<String, IngestOutcome> = summary
        .outcomes
        .unwrap_or_default()
        .into_iter()
        .map(|(name, outcome)| {
            let file = name.rsplit('/').next().unwrap_or(&name).to_string();
            (file, outcome)
        })
        .collect();
    let (by_kind, wrong) = check_manifest(&manifest, &outcomes)?;
    let correct: usize = by_kind.values().map(|(r, _)| r).sum();
    let total: usize = by_kind.values().map(|(_, t)| t).sum();
    println!(
        "\nmail intake on {}: {} messages in {:.1} s = {rate:.0} messages/s (batches of {batch})",
        rapport_store::redact(&settings.database_url),
        summary.messages,
        summary.seconds
    );
    println!(
        "threaded correctly: {correct} of {total} ({:.2} %): {}",
        100.0 * correct as f64 / total.max(1) as f64,
        by_kind
            .iter()
            .map(|(k, (r, t))| format!("{k} {r}/{t}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for w in &wrong {
        println!("  wrong: {w}");
    }
    if let (Some(ingest), Some(all)) = (ingest_peak, peak_rss_mb()) {
        println!("peak RSS: {ingest:.0} MB while taking mail in ({all:.0} MB with the check)");
    }
    app.close().await;
    Ok(())
}

/// Holds every message to its manifest line: a new request opens a ticket
/// no other request shares (a linked one too); a follow-up or bounce lands
/// on its thread's ticket; a redelivery, byte-identical or by another way
/// in, ends `duplicate` on the ticket of the message it repeats.
fn check_manifest(manifest: &str, outcomes: &HashMap<String, IngestOutcome>) -> Result<Checked> {
    let mut thread_ticket: HashMap<&str, i64> = HashMap::new();
    let mut taken: HashSet<i64> = HashSet::new();
    let mut by_kind: BTreeMap<&'static str, (usize, usize)> = BTreeMap::new();
    let mut wrong = Vec::new();
    let mut previous: Option<i64> = None;
    for line in manifest.lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        let [file, _hash, thread, expect] = fields[..] else {
            bail!("bad manifest line {line:?}");
        };
        let expect: Expect = expect.parse().map_err(anyhow::Error::msg)?;
        let outcome = outcomes.get(file);
        let ticket = outcome.and_then(IngestOutcome::ticket).map(|t| t.0);
        let thread_of = thread_ticket.get(thread).copied();
        let fresh = ticket.is_some_and(|t| !taken.contains(&t));
        let right = match (expect, outcome) {
            (Expect::New, Some(IngestOutcome::Created(_))) => fresh,
            (Expect::Linked, Some(IngestOutcome::Linked { previous: p, .. })) => {
                fresh && Some(p.0) == thread_of
            }
            (Expect::Thread, Some(IngestOutcome::Appended(_)))
            | (Expect::Bounce, Some(IngestOutcome::Bounce(_))) => {
                ticket.is_some() && ticket == thread_of
            }
            (Expect::Ignored, Some(IngestOutcome::Ignored(_))) => true,
            // The repeated message's ticket (none when it was ignored).
            (Expect::Duplicate, Some(IngestOutcome::Duplicate(_))) => ticket == previous,
            _ => false,
        };
        if let (Expect::New, Some(t)) = (expect, ticket) {
            thread_ticket.insert(thread, t);
        }
        if let (Expect::New | Expect::Linked, Some(t)) = (expect, ticket) {
            taken.insert(t);
        }
        previous = ticket;
        let entry = by_kind.entry(expect.as_str()).or_default();
        entry.1 += 1;
        if right {
            entry.0 += 1;
        } else if wrong.len() < 10 {
            wrong.push(format!(
                "{file} ({}): {:?}, thread ticket {thread_of:?}",
                expect.as_str(),
                outcome.map(IngestOutcome::name)
            ));
        }
    }
    Ok((by_kind, wrong))
}
