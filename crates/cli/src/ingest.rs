//! `rapport ingest`: raw messages from files, maildirs, mbox files or stdin,
//! taken in batches (one transaction each) while the files are read, so a
//! mailbox of any size passes in bounded memory.

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
            .filter(|p| {
                // A maildir's tmp/ holds mail still being written; the benchmark manifest is not mail.
                !p.ends_with("tmp") && !p.ends_with("manifest.tsv")
            })
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

/// What an ingest run did.
#[derive(Debug, Default)]
pub struct IngestSummary {
    /// Messages handed to intake.
    pub messages: usize,
    /// Outcome name → count.
    pub counts: BTreeMap<&'static str, usize>,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Each message's name and outcome, in order, when recording was asked for.
    pub outcomes: Option<Vec<(String, IngestOutcome)>>,
}

struct Batcher<'a> {
    app: &'a App,
    size: usize,
    names: Vec<String>,
    raws: Vec<Vec<u8>>,
    summary: IngestSummary,
    bar: indicatif::ProgressBar,
}

impl Batcher<'_> {
    async fn push(&mut self, name: String, raw: Vec<u8>) -> Result<()> {
        self.names.push(name);
        self.raws.push(raw);
        if self.raws.len() >= self.size {
            self.flush().await?;
        }
        Ok(())
    }

    async fn flush(&mut self) -> Result<()> {
        if self.raws.is_empty() {
            return Ok(());
        }
        let raws = std::mem::take(&mut self.raws);
        let outcomes = self.app.ingest_owned(raws).await.with_context(|| {
            format!(
                "storage failed for {} .. {}",
                self.names.first().map(String::as_str).unwrap_or(""),
                self.names.last().map(String::as_str).unwrap_or("")
            )
        })?;
        for (name, outcome) in self.names.iter().zip(&outcomes) {
            if let IngestOutcome::Quarantined(reason) = outcome {
                self.bar.println(format!("quarantined {name}: {reason}"));
            }
            *self.summary.counts.entry(outcome.name()).or_default() += 1;
        }
        if let Some(recorded) = self.summary.outcomes.as_mut() {
            recorded.extend(self.names.iter().cloned().zip(outcomes.iter().cloned()));
        }
        self.summary.messages += outcomes.len();
        self.bar.inc(outcomes.len() as u64);
        self.names.clear();
        self.raws.clear();
        Ok(())
    }
}

/// Reads every message under the paths ("-" is stdin) and takes it in, `batch` at a time.
pub async fn run(
    app: &App,
    paths: &[PathBuf],
    batch: usize,
    record: bool,
) -> Result<IngestSummary> {
    let started = std::time::Instant::now();
    let mut files = Vec::new();
    let mut stdin = None;
    for path in paths {
        if path.as_os_str() == "-" {
            let mut raw = Vec::new();
            std::io::stdin()
                .read_to_end(&mut raw)
                .context("cannot read stdin")?;
            stdin = Some(raw);
        } else {
            collect(path, &mut files)?;
        }
    }
    let bar = indicatif::ProgressBar::new(files.len() as u64 + u64::from(stdin.is_some()));
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} messages {per_sec} eta {eta}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let mut batcher = Batcher {
        app,
        size: batch.max(1),
        names: Vec::new(),
        raws: Vec::new(),
        summary: IngestSummary {
            outcomes: record.then(Vec::new),
            ..IngestSummary::default()
        },
        bar,
    };
    if let Some(raw) = stdin {
        batcher.push("stdin".into(), raw).await?;
    }
    for file in files {
        let raw =
            std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
        if raw.starts_with(b"From ") {
            let messages = split_mbox(&raw);
            batcher
                .bar
                .inc_length(messages.len().saturating_sub(1) as u64);
            for (i, message) in messages.into_iter().enumerate() {
                batcher
                    .push(format!("{}#{}", file.display(), i + 1), message)
                    .await?;
            }
        } else {
            batcher.push(file.display().to_string(), raw).await?;
        }
    }
    batcher.flush().await?;
    batcher.bar.finish_and_clear();
    let mut summary = batcher.summary;
    summary.seconds = started.elapsed().as_secs_f64();
    println!(
        "{} messages in {:.1} s ({:.0}/s): {}",
        summary.messages,
        summary.seconds,
        summary.messages as f64 / summary.seconds.max(1e-9),
        summary
            .counts
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(summary)
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
