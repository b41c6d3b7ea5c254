//! `rapport jobs ...` (the durable scheduler from the shell), the scheduler
//! worker `rapport serve` runs, and `rapport bench timers`.

use crate::config::Settings;
use anyhow::{Result, bail};
use clap::Subcommand;
use rapport_app::scheduler::ProbePayload;
use rapport_app::{App, NewJob, ProbeReport};
use rapport_core::Timestamp;
use std::time::{Duration, Instant};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// The jobs subcommands.
#[derive(Subcommand)]
pub enum JobsCommand {
    /// Jobs per kind and status.
    Status,
    /// Schedule probe timers (they only record that they fired).
    Probe {
        /// How many.
        #[arg(long, default_value_t = 1000)]
        count: u64,
        /// Seconds from now until the first is due.
        #[arg(long, default_value_t = 5.0)]
        due_in: f64,
        /// Seconds over which the due times spread (0: all at one instant).
        #[arg(long, default_value_t = 0.0)]
        spread: f64,
        /// The run's name, to report on it.
        #[arg(long, default_value = "probe")]
        label: String,
    },
    /// What the probe timers of a run recorded: fired once each, how late.
    Report {
        /// The run's name.
        #[arg(long, default_value = "probe")]
        label: String,
    },
}

/// Starts the scheduler for `serve`.
pub fn start_scheduler(
    app: &App,
    settings: &Settings,
    stop: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(
        app.clone()
            .run_scheduler(crate::mail::worker_id(), settings.jobs.clone(), stop),
    )
}

/// Runs a jobs subcommand.
pub async fn run(app: &App, command: JobsCommand) -> Result<()> {
    match command {
        JobsCommand::Status => {
            let counts = app.job_counts().await?;
            if counts.is_empty() {
                println!("no jobs");
            }
            for c in counts {
                println!("{:<12} {:<8} {:>10}", c.kind, c.status, c.count);
            }
            Ok(())
        }
        JobsCommand::Probe {
            count,
            due_in,
            spread,
            label,
        } => {
            let written = schedule(app, count, due_in, spread, &label).await?;
            println!("scheduled {written} probe timers labelled {label:?}");
            Ok(())
        }
        JobsCommand::Report { label } => {
            let report = app.probe_report(&label).await?;
            print_report(&label, &report);
            if report.fired_twice > 0 {
                bail!("{} timers fired more than once", report.fired_twice);
            }
            Ok(())
        }
    }
}

/// Schedules `count` probes due from `due_in` seconds on, over `spread` seconds.
async fn schedule(app: &App, count: u64, due_in: f64, spread: f64, label: &str) -> Result<u64> {
    if !(0.0..=86_400.0).contains(&due_in) || !(0.0..=86_400.0).contains(&spread) {
        bail!("--due-in and --spread must be between 0 and 86400 seconds");
    }
    let first = Timestamp::now().0 + (due_in * 1e6) as i64;
    let step = if count > 1 {
        spread * 1e6 / (count - 1) as f64
    } else {
        0.0
    };
    let mut written = 0;
    let mut next = 0u64;
    while next < count {
        let end = (next + 10_000).min(count);
        let jobs: Vec<NewJob> = (next..end)
            .map(|i| ProbePayload::job(label, Timestamp(first + (i as f64 * step) as i64)))
            .collect();
        written += app.schedule_probes(&jobs).await?;
        next = end;
    }
    Ok(written)
}

fn print_report(label: &str, report: &ProbeReport) {
    println!(
        "{label}: {} firings of {} timers; fired more than once: {}; latest firing {:.3} s after its due time",
        report.firings,
        report.jobs_fired,
        report.fired_twice,
        report.max_delay_micros as f64 / 1e6
    );
    if let (Some(due), Some(last)) = (report.first_due, report.last_fired) {
        println!(
            "last firing {:.3} s after the first due time",
            (last.0 - due.0) as f64 / 1e6
        );
    }
    for (worker, n) in &report.by_worker {
        println!("  {worker}: {n}");
    }
}

/// `rapport bench timers`: schedules `timers` probes all due at one instant,
/// lets this process's scheduler (or, with `external`, the running `rapport
/// serve` processes) fire them, and reports how long after the due time the
/// last fired and whether each fired exactly once.
pub async fn bench(
    settings: &Settings,
    timers: u64,
    due_in: f64,
    external: bool,
    timeout: f64,
) -> Result<()> {
    let app = crate::open(settings).await?;
    let label = format!("bench-{}", Timestamp::now().0);
    let started = Instant::now();
    let written = schedule(&app, timers, due_in, 0.0, &label).await?;
    println!(
        "scheduled {written} timers due in {due_in} s in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let (stop, stopped) = watch::channel(false);
    let worker = (!external).then(|| start_scheduler(&app, settings, stopped));
    let bar = indicatif::ProgressBar::new(timers);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} fired {per_sec}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let deadline = Instant::now() + Duration::from_secs_f64(due_in + timeout);
    let report = loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let report = app.probe_report(&label).await?;
        bar.set_position(u64::try_from(report.jobs_fired).unwrap_or(0));
        if report.jobs_fired as u64 >= timers || Instant::now() > deadline {
            break report;
        }
    };
    bar.finish();
    let _ = stop.send(true);
    if let Some(worker) = worker {
        let _ = tokio::time::timeout(Duration::from_secs(10), worker).await;
    }
    println!(
        "\ntimers on {}{}:",
        rapport_store::redact(&settings.database_url),
        if external {
            " fired by the running servers"
        } else {
            " fired by this process"
        }
    );
    print_report(&label, &report);
    app.close().await;
    if report.jobs_fired as u64 != timers {
        bail!(
            "only {} of {timers} timers fired within {timeout} s",
            report.jobs_fired
        );
    }
    if report.fired_twice > 0 {
        bail!("{} timers fired more than once", report.fired_twice);
    }
    Ok(())
}
