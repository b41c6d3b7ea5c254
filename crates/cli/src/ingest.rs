//! `rapport ingest`: raw messages from files, maildirs, mbox files or stdin.

use anyhow::{Context as _, Result};
use rapport_app::App;
use rapport_app::intake::IngestOutcome;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Splits an mbox into messages at "From " lines, undoing ">From " quoting.
pub fn split_mbox(data: &[u8]) -> Vec<Vec<u8>> {
    let mut messages = Vec::new();
    let mut current: Vec<u8> = Vec::new();
    for line in data.split_inclusive(|b| *b == b'\n') {
        if line.starts_with(b"From ") {
            if !current.is_empty() {
                messages.push(std::mem::take(&mut current));
            }
            continue;
        }
        if line.starts_with(b">From ") {
            current.extend_from_slice(&line[1..]);
        } else {
            current.extend_from_slice(line);
        }
    }
    if !current.iter().all(u8::is_ascii_whitespace) {
        messages.push(current);
    }
    messages
}

fn collect(path: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .with_context(|| format!("cannot read {}", path.display()))?
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for entry in entries {
            collect(&entry, out)?;
        }
    } else {
        out.push(path.to_path_buf());
    }
    Ok(())
}

/// Reads every message under the paths ("-" is stdin) and takes it in.
pub async fn run(app: &App, paths: &[PathBuf]) -> Result<()> {
    let mut sources: Vec<(String, Vec<u8>)> = Vec::new();
    let mut files = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            let mut raw = Vec::new();
            std::io::stdin()
                .read_to_end(&mut raw)
                .context("cannot read stdin")?;
            sources.push(("stdin".into(), raw));
        } else {
            collect(path, &mut files)?;
        }
    }
    for file in files {
        let raw =
            std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
        if raw.starts_with(b"From ") {
            for (i, message) in split_mbox(&raw).into_iter().enumerate() {
                sources.push((format!("{}#{}", file.display(), i + 1), message));
            }
        } else {
            sources.push((file.display().to_string(), raw));
        }
    }
    let bar = indicatif::ProgressBar::new(sources.len() as u64);
    let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
    let started = std::time::Instant::now();
    for (name, raw) in &sources {
        let outcome = app
            .ingest_mail(raw)
            .await
            .with_context(|| format!("{name}: storage failed"))?;
        let key = match outcome {
            IngestOutcome::Created(_) => "created",
            IngestOutcome::Appended(_) => "appended",
            IngestOutcome::Linked { .. } => "linked",
            IngestOutcome::Duplicate(_) => "duplicate",
            IngestOutcome::Bounce(_) => "bounce",
            IngestOutcome::Ignored(_) => "ignored",
            IngestOutcome::Quarantined(reason) => {
                bar.println(format!("quarantined {name}: {reason}"));
                "quarantined"
            }
        };
        *counts.entry(key).or_default() += 1;
        bar.inc(1);
    }
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{} messages in {seconds:.1} s ({:.0}/s): {}",
        sources.len(),
        sources.len() as f64 / seconds.max(1e-9),
        counts
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::split_mbox;

    #[test]
    fn splits_mbox_and_unquotes_from_lines() {
        let mbox = b"From a@b Mon Jan 1 00:00:00 2026\nSubject: one\n\nhi\n>From here\nFrom c@d Mon Jan 1 00:00:01 2026\nSubject: two\n\nbye\n";
        let messages = split_mbox(mbox);
        assert_eq!(messages.len(), 2);
        assert_eq!(messages[0], b"Subject: one\n\nhi\nFrom here\n");
        assert_eq!(messages[1], b"Subject: two\n\nbye\n");
    }
}
