//! `rapport coach` and `rapport train-politeness`.

use anyhow::{Context as _, Result, bail};
use rapport_app::BusinessConfig;
use rapport_coach::politeness::{cross_validate, train};
use rapport_coach::{Context, Review, Severity, analyze};
use rapport_core::BusinessCalendar;
use serde::Deserialize;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Context given as a JSON file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContextFile {
    customer_name: Option<String>,
    #[serde(default)]
    customer_message: String,
    #[serde(default)]
    earlier_replies: Vec<String>,
    #[serde(default)]
    thread_replies: Vec<String>,
    #[serde(default)]
    canned_replies: Vec<String>,
    now: Option<String>,
}

/// Everything `rapport coach` takes.
#[derive(clap::Args)]
pub struct CoachArgs {
    /// The draft (a file, or - / nothing for stdin).
    draft: Option<PathBuf>,
    /// Context as JSON: customer_name, customer_message, earlier_replies, thread_replies, canned_replies, now.
    #[arg(long)]
    context: Option<PathBuf>,
    /// The customer's name on record.
    #[arg(long)]
    customer_name: Option<String>,
    /// The customer's latest message.
    #[arg(long)]
    customer_message: Option<String>,
    /// When the reply is written, e.g. 2026-11-19T10:00:00+01:00[Europe/Berlin]
    /// (default: now); read in the calendar's zone.
    #[arg(long)]
    now: Option<String>,
    /// The business calendar promises are read against, as an iCalendar
    /// file (default: the [business] calendar of the configuration).
    #[arg(long)]
    calendar: Option<PathBuf>,
    /// Print the review as JSON.
    #[arg(long)]
    json: bool,
}

fn parse_now(text: Option<&str>, calendar: &BusinessCalendar) -> Result<jiff::Zoned> {
    match text {
        Some(t) => t.parse::<jiff::Zoned>().with_context(|| format!("--now {t:?} is not an instant with a zone, e.g. 2026-11-19T10:00:00+01:00[Europe/Berlin]")),
        None => Ok(jiff::Timestamp::now().to_zoned(calendar.time_zone().clone())),
    }
}

/// The calendar from `--calendar`, or the configuration's.
fn calendar(path: Option<&Path>, business: &BusinessConfig) -> Result<BusinessCalendar> {
    match path {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            BusinessCalendar::from_ical(&text, &business.calendar.time_zone)
                .with_context(|| format!("{} is not a calendar Rapport reads", path.display()))
        }
        None => Ok(BusinessCalendar::new(business.calendar.clone())?),
    }
}

/// Runs the coach on a draft, reading promises against the business
/// calendar; returns whether a blocking finding remains.
pub fn run(args: CoachArgs, business: &BusinessConfig) -> Result<bool> {
    let draft = match &args.draft {
        Some(path) if path != Path::new("-") => std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?,
        _ => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .context("cannot read the draft from stdin")?;
            text
        }
    };
    let file: ContextFile = match &args.context {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            serde_json::from_str(&text)
                .with_context(|| format!("{} is not a coach context", path.display()))?
        }
        None => ContextFile::default(),
    };
    let calendar = calendar(args.calendar.as_deref(), business)?;
    let now = parse_now(args.now.as_deref().or(file.now.as_deref()), &calendar)?;
    let context = Context {
        customer_name: args.customer_name.or(file.customer_name),
        customer_message: args.customer_message.unwrap_or(file.customer_message),
        now: Some(now),
        calendar: Some(std::sync::Arc::new(calendar)),
        earlier_replies: file.earlier_replies,
        thread_replies: file.thread_replies,
        canned_replies: file.canned_replies,
        medium: rapport_coach::Medium::Mail,
    };
    let review = analyze(&draft, &context);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&review)?);
    } else {
        print!("{}", render(&draft, &review));
    }
    Ok(review.blocks())
}

/// The review for people: each finding with its words underlined.
pub fn render(draft: &str, review: &Review) -> String {
    let mut out = String::new();
    if review.findings.is_empty() {
        out.push_str("No findings.\n");
    }
    for f in &review.findings {
        let severity = match f.severity {
            Severity::Block => "BLOCK",
            Severity::Warn => "warn ",
            Severity::Hint => "hint ",
        };
        out.push_str(&format!(
            "{severity} {}: {}\n",
            f.check.name(),
            f.explanation
        ));
        let line_start = draft[..f.span.start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = draft[f.span.start..]
            .find('\n')
            .map_or(draft.len(), |i| f.span.start + i);
        let end = f.span.end.min(line_end).max(f.span.start);
        out.push_str(&format!("  | {}\n", &draft[line_start..line_end]));
        let pad = draft[line_start..f.span.start].chars().count();
        let width = draft[f.span.start..end].chars().count().max(1);
        out.push_str(&format!("  | {}{}\n", " ".repeat(pad), "^".repeat(width)));
        if let Some(s) = &f.suggestion {
            out.push_str(&format!("  try: {}\n", s.text()));
        }
    }
    for p in &review.promises {
        match (&p.due, p.vague) {
            (_, true) => out.push_str(&format!("promise (no time given): {}\n", p.text)),
            (Some(due), _) => out.push_str(&format!("promise due {due}: {}\n", p.text)),
            (None, _) => out.push_str(&format!("promise: {}\n", p.text)),
        }
    }
    out.push_str(&format!("politeness {:.2}\n", review.politeness));
    out
}

/// Trains the politeness model; prints the cross-validated accuracy.
pub fn train_politeness(
    corpus: &Path,
    out: &Path,
    folds: usize,
    vocabulary: usize,
    epochs: usize,
) -> Result<()> {
    let text = std::fs::read_to_string(corpus)
        .with_context(|| format!("cannot read {}", corpus.display()))?;
    let rows = rapport_coach::politeness::read_csv(&text);
    let header = rows.first().context("empty corpus")?;
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .with_context(|| format!("no {name:?} column"))
    };
    let (request, score) = (col("Request")?, col("Normalized Score")?);
    let mut scored: Vec<(String, f64)> = rows[1..]
        .iter()
        .filter_map(|r| Some((r.get(request)?.clone(), r.get(score)?.parse::<f64>().ok()?)))
        .collect();
    if scored.len() < 100 {
        bail!(
            "only {} scored requests in {}",
            scored.len(),
            corpus.display()
        );
    }
    let mut scores: Vec<f64> = scored.iter().map(|(_, s)| *s).collect();
    scores.sort_by(f64::total_cmp);
    let (low, high) = (scores[scores.len() / 4], scores[scores.len() * 3 / 4]);
    scored.retain(|(_, s)| *s <= low || *s >= high);
    let examples: Vec<(&str, bool)> = scored
        .iter()
        .map(|(t, s)| (t.as_str(), *s >= high))
        .collect();
    let accuracy = cross_validate(&examples, folds, vocabulary, epochs);
    println!(
        "{folds}-fold cross-validated accuracy: {:.1} % on {} requests (top and bottom quartile of {})",
        accuracy * 100.0,
        examples.len(),
        scores.len()
    );
    let model = train(&examples, vocabulary, epochs);
    std::fs::write(out, model.to_text())
        .with_context(|| format!("cannot write {}", out.display()))?;
    println!("model written to {}", out.display());
    Ok(())
}
