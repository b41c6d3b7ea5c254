//! `rapport eval-coach`: how right and how fast the reply coach is.
//!
//! - precision and recall per check on a labelled set of replies (JSON lines:
//!   `{"customer_name", "customer_message", "draft", "expect": ["rude", ...]}`),
//! - real agent replies: how often each check blocks and warns,
//! - speed: median and p99 of one analysis of a typical reply.

use anyhow::{Context as _, Result};
use rapport_coach::evaluation::{
    LabelledCase, RealReply, TYPICAL_DRAFT, TYPICAL_MESSAGE, real_replies, score,
};
use rapport_coach::{Context, Medium, Severity, analyze};
use serde::Deserialize;
use std::path::Path;
use std::time::Instant;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    #[serde(default)]
    customer_name: Option<String>,
    #[serde(default)]
    customer_message: String,
    #[serde(default)]
    earlier_replies: Vec<String>,
    /// Our earlier replies in the same conversation.
    #[serde(default)]
    thread_replies: Vec<String>,
    draft: String,
    expect: Vec<String>,
    #[serde(default)]
    note: Option<String>,
    /// The frozen set's case id (crates/coach/eval/frozen/README.md).
    #[serde(default)]
    id: Option<String>,
    /// The frozen set's industry and promises: read, not scored yet.
    #[serde(default)]
    #[allow(dead_code)]
    industry: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    promises: Vec<serde_json::Value>,
    /// When the reply is written, RFC 3339 with the writer's offset.
    #[serde(default)]
    now: Option<String>,
}

/// The writer's "now" from an RFC 3339 instant with offset, in that offset;
/// the development set's fixed Berlin morning when none is given.
fn written_at(now: Option<&str>) -> Option<jiff::Zoned> {
    let Some(now) = now else {
        return "2026-11-19T10:00:00+01:00[Europe/Berlin]".parse().ok();
    };
    let instant: jiff::Timestamp = now.parse().ok()?;
    let offset = now.get(now.len().checked_sub(6)?..)?;
    let sign = if offset.starts_with('-') { -1 } else { 1 };
    let hours: i32 = offset.get(1..3)?.parse().ok()?;
    let minutes: i32 = offset.get(4..6)?.parse().ok()?;
    let seconds = sign * (hours * 3600 + minutes * 60);
    let zone = jiff::tz::TimeZone::fixed(jiff::tz::Offset::from_seconds(seconds).ok()?);
    Some(instant.to_zoned(zone))
}

/// Monday to Friday 09:00–17:00 in Berlin, the calendar the labelled set is written against.
fn berlin_office() -> Option<std::sync::Arc<rapport_core::BusinessCalendar>> {
    let spec = rapport_core::CalendarSpec::office_hours("Office", "Europe/Berlin");
    rapport_core::BusinessCalendar::new(spec)
        .ok()
        .map(std::sync::Arc::new)
}

/// Reads the labelled set (JSON lines).
pub fn read_cases(path: &Path) -> Result<(Vec<LabelledCase>, Vec<Option<String>>)> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut cases = Vec::new();
    let mut notes = Vec::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let case: Case =
            serde_json::from_str(line).with_context(|| format!("{}:{}", path.display(), n + 1))?;
        cases.push(LabelledCase {
            context: Context {
                customer_name: case.customer_name,
                customer_message: case.customer_message,
                now: written_at(case.now.as_deref()),
                calendar: berlin_office(),
                earlier_replies: case.earlier_replies,
                thread_replies: case.thread_replies,
                canned_replies: Vec::new(),
                medium: Medium::Mail,
            },
            draft: case.draft,
            expect: case.expect,
        });
        notes.push(match (case.id, case.note) {
            (Some(id), Some(note)) => Some(format!("{id}: {note}")),
            (id, note) => id.or(note),
        });
    }
    Ok((cases, notes))
}

/// Precision and recall of every check on the labelled set; prints misses when asked.
pub fn labelled(path: &Path, show: bool) -> Result<()> {
    let (cases, notes) = read_cases(path)?;
    let (counts, disagreements) = score(&cases);
    if show {
        for d in &disagreements {
            println!(
                "{}:{} {} {}: {:?}{}",
                path.display(),
                d.case + 1,
                if d.false_alarm {
                    "false alarm"
                } else {
                    "missed"
                },
                d.check.name(),
                cases[d.case].draft,
                notes[d.case]
                    .as_deref()
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default()
            );
        }
    }
    println!("{} labelled replies in {}", cases.len(), path.display());
    println!(
        "{:<16} {:>9} {:>7} {:>5} {:>5} {:>5}",
        "check", "precision", "recall", "tp", "fp", "fn"
    );
    for (check, c) in counts {
        println!(
            "{:<16} {:>9} {:>7} {:>5} {:>5} {:>5}",
            check.name(),
            ratio(c.precision()),
            ratio(c.recall()),
            c.true_positive,
            c.false_positive,
            c.false_negative
        );
    }
    Ok(())
}

fn ratio(value: Option<f64>) -> String {
    value.map_or("-".into(), |v| format!("{v:.2}"))
}

#[derive(Deserialize)]
struct Conversation {
    turns: Vec<Turn>,
}

#[derive(Deserialize)]
struct Turn {
    role: String,
    text: String,
}

/// How often each check blocks or warns on every agent turn of real
/// conversations (social media: a greeting and a closing are optional).
pub fn false_alarms(path: &Path, show: bool) -> Result<()> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut replies = Vec::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let conversation: Conversation =
            serde_json::from_str(line).with_context(|| format!("{}:{}", path.display(), n + 1))?;
        let turns = conversation
            .turns
            .iter()
            .map(|turn| (turn.role == "customer", turn.text.as_str()));
        replies.extend(RealReply::from_turns(turns));
    }
    if show {
        for reply in &replies {
            for f in analyze(&reply.draft, &reply.context(Medium::Social))
                .findings
                .iter()
                .filter(|f| f.severity >= Severity::Warn)
            {
                println!(
                    "{} {:?} {}: {:?} in {:?}",
                    path.display(),
                    f.severity,
                    f.check.name(),
                    &reply.draft[f.span.clone()],
                    reply.draft
                );
            }
        }
    }
    print!("{}", real_replies(&replies, Medium::Social));
    Ok(())
}

/// Times `analyze` on the typical reply; prints the median and p99.
pub fn speed(iterations: usize) {
    let context = Context {
        customer_name: Some("Ann Lee".into()),
        customer_message: TYPICAL_MESSAGE.into(),
        now: "2026-11-19T10:00:00+01:00[Europe/Berlin]".parse().ok(),
        calendar: berlin_office(),
        earlier_replies: vec![
            "Hi Ann, thanks for your order. It ships on Monday. Best, Sam".into(),
        ],
        thread_replies: Vec::new(),
        canned_replies: Vec::new(),
        medium: Medium::Mail,
    };
    let _ = analyze(TYPICAL_DRAFT, &context); // compile the tables once
    let mut micros: Vec<f64> = (0..iterations.max(10))
        .map(|_| {
            let started = Instant::now();
            let review = analyze(TYPICAL_DRAFT, &context);
            std::hint::black_box(review);
            started.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    micros.sort_by(f64::total_cmp);
    let at = |q: f64| micros[((micros.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "analyze, {}-word reply with a {}-word customer message: median {:.0} µs, p99 {:.0} µs ({} runs)",
        TYPICAL_DRAFT.split_whitespace().count(),
        TYPICAL_MESSAGE.split_whitespace().count(),
        at(0.5),
        at(0.99),
        micros.len()
    );
}
