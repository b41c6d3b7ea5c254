//! `rapport bench mail-bombs`: hostile mail of growing size taken in one
//! message at a time on the configured database. The cost per MB must stay
//! flat from 1 MB to the 25 MiB limit (linear work), and the memory bounded.

use crate::bench::peak_rss_mb;
use crate::config::Settings;
use anyhow::Result;
use rapport_fixtures::bombs::{BombKind, bomb};
use std::time::Instant;

/// Resets the peak-RSS counter of this process (Linux), so each message
/// reports its own peak.
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Runs every kind at every size and prints a table.
pub async fn run(
    sizes: &[f64],
    only: Option<&str>,
    write: Option<&std::path::Path>,
    settings: &Settings,
) -> Result<()> {
    let app = match write {
        Some(dir) => {
            std::fs::create_dir_all(dir)?;
            None
        }
        None => Some(crate::open(settings).await?),
    };
    println!(
        "{:<18} {:>8} {:>9} {:>9} {:>13}  outcome",
        "kind", "MB", "seconds", "s per MB", "peak RSS MB"
    );
    let limit = rapport_mail::MAX_MESSAGE_BYTES;
    let run_tag = jiff::Timestamp::now().as_millisecond();
    let kinds: Vec<BombKind> = BombKind::ALL
        .into_iter()
        .filter(|k| only.is_none_or(|o| k.name().replace(' ', "-").eq_ignore_ascii_case(o)))
        .collect();
    if kinds.is_empty() {
        anyhow::bail!(
            "no such kind: nested-html, huge-references, many-attachments or deep-multipart"
        );
    }
    for kind in kinds {
        for (n, mb) in sizes.iter().enumerate() {
            let bytes = ((mb * 1024.0 * 1024.0) as usize).min(limit);
            let raw = bomb(
                kind,
                bytes,
                &format!("mallory{n}@attacker.example"),
                &format!("{run_tag}-{n}"),
            );
            let Some(app) = &app else {
                let name = format!("{}-{mb}.eml", kind.name().replace(' ', "-"));
                std::fs::write(write.unwrap_or(std::path::Path::new(".")).join(name), &raw)?;
                continue;
            };
            reset_peak_rss();
            let started = Instant::now();
            let outcome = app.ingest_mail(&raw).await?;
            let seconds = started.elapsed().as_secs_f64();
            let megabytes = raw.len() as f64 / 1_048_576.0;
            println!(
                "{:<18} {:>8.1} {:>9.3} {:>9.3} {:>13.0}  {}",
                kind.name(),
                megabytes,
                seconds,
                seconds / megabytes,
                peak_rss_mb().unwrap_or(0.0),
                outcome.name()
            );
        }
    }
    if let Some(app) = app {
        app.close().await;
    }
    Ok(())
}
