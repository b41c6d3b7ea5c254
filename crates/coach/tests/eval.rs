//! The coach must stay right: thresholds on the labelled sets, and few
//! blocks and warnings on real agent replies.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use rapport_coach::evaluation::{Counts, LabelledCase, RealReply, real_replies, score};
use rapport_coach::{Check, Context, Medium};
use rapport_core::{BusinessCalendar, CalendarSpec};
use serde_json::Value;
use std::path::Path;
use std::sync::Arc;

fn text(v: &Value, key: &str) -> String {
    v[key].as_str().unwrap_or_default().to_string()
}

fn strings(v: &Value, key: &str) -> Vec<String> {
    v[key]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// Scores a labelled set (JSON lines) under `crates/coach/eval`.
fn scores(file: &str) -> (usize, Vec<(Check, Counts)>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("eval")
        .join(file);
    let office = CalendarSpec::office_hours("Office", "Europe/Berlin");
    let calendar = Arc::new(BusinessCalendar::new(office).unwrap());
    let cases: Vec<LabelledCase> = std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let v: Value = serde_json::from_str(line).unwrap();
            LabelledCase {
                context: Context {
                    customer_name: v["customer_name"].as_str().map(String::from),
                    customer_message: text(&v, "customer_message"),
                    now: "2026-11-19T10:00:00+01:00[Europe/Berlin]".parse().ok(),
                    calendar: Some(calendar.clone()),
                    earlier_replies: strings(&v, "earlier_replies"),
                    thread_replies: strings(&v, "thread_replies"),
                    ..Context::default()
                },
                draft: text(&v, "draft"),
                expect: strings(&v, "expect"),
            }
        })
        .collect();
    let (counts, _) = score(&cases);
    (cases.len(), counts)
}

fn at_least(counts: &[(Check, Counts)], precision: f64, recall: f64, except: &[(Check, f64)]) {
    for (check, c) in counts {
        let recall = except
            .iter()
            .find(|(e, _)| e == check)
            .map_or(recall, |(_, r)| *r);
        if let Some(p) = c.precision() {
            assert!(p >= precision, "{} precision {p:.2} ({c:?})", check.name());
        }
        if let Some(r) = c.recall() {
            assert!(r >= recall, "{} recall {r:.2} ({c:?})", check.name());
        }
    }
}

#[test]
fn every_check_meets_its_targets_on_the_old_development_set() {
    let (n, counts) = scores("replies.jsonl");
    assert!(n >= 200, "the labelled set has {n} cases");
    at_least(&counts, 0.9, 0.8, &[]);
}

#[test]
fn the_development_set_written_for_issue_11_holds() {
    // Not listening was the floor's exception (recall 0.78 when this was
    // written); since needs are matched rather than words it holds the
    // common floor like every other kind.
    let (n, counts) = scores("dev.jsonl");
    assert!(n >= 190, "the development set has {n} cases");
    at_least(&counts, 0.9, 0.8, &[]);
}

#[test]
fn real_agent_replies_are_rarely_blocked_or_warned() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/conversations/twitter-customer-care.dev.jsonl");
    let Ok(corpus) = std::fs::read_to_string(&path) else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but {} is missing",
            path.display()
        );
        eprintln!("!!! SKIPPED: {} not found !!!", path.display());
        return;
    };
    let mut replies = Vec::new();
    for line in corpus.lines().filter(|l| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(line).unwrap();
        let turns = v["turns"].as_array().unwrap().iter().map(|turn| {
            (
                turn["role"] == "customer",
                turn["text"].as_str().unwrap_or_default(),
            )
        });
        replies.extend(RealReply::from_turns(turns));
    }
    let report = real_replies(&replies, Medium::Social);
    assert!(report.replies > 500);
    assert!(report.blocked * 100 <= report.replies, "{report}");
    assert!(
        report.not_listening_alone * 100 <= 5 * report.replies,
        "{report}"
    );
    // The target is 10 %: 9.9 % since the thread's earlier apologies and
    // third parties' failures are read (was 15.0 %, then 11.7 %; what is
    // left is mostly missing apologies on troubleshooting threads).
    assert!(report.warned * 100 <= 10 * report.replies, "{report}");
}
