//! The coach must stay right: thresholds on the labelled set, and almost no
//! blocking findings on real agent replies.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use rapport_coach::evaluation::{LabelledCase, score};
use rapport_coach::{Context, Severity, analyze};
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

#[test]
fn every_check_meets_its_precision_and_recall_targets() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("eval/replies.jsonl");
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
                    canned_replies: Vec::new(),
                    ..Context::default()
                },
                draft: text(&v, "draft"),
                expect: strings(&v, "expect"),
            }
        })
        .collect();
    assert!(
        cases.len() >= 200,
        "the labelled set has {} cases",
        cases.len()
    );
    let (counts, _) = score(&cases);
    for (check, c) in counts {
        if let Some(p) = c.precision() {
            assert!(p >= 0.9, "{} precision {p:.2} ({c:?})", check.name());
        }
        if let Some(r) = c.recall() {
            assert!(r >= 0.8, "{} recall {r:.2} ({c:?})", check.name());
        }
    }
}

#[test]
fn real_agent_replies_are_rarely_blocked() {
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
    let (mut replies, mut blocked) = (0, 0);
    for line in corpus.lines().filter(|l| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(line).unwrap();
        let mut customer = String::new();
        for turn in v["turns"].as_array().unwrap() {
            let said = text(turn, "text");
            if turn["role"] == "customer" {
                customer.push_str(&said);
                continue;
            }
            replies += 1;
            let context = Context {
                customer_message: std::mem::take(&mut customer),
                ..Context::default()
            };
            blocked += usize::from(
                analyze(&said, &context)
                    .findings
                    .iter()
                    .any(|f| f.severity == Severity::Block),
            );
        }
    }
    assert!(replies > 500);
    assert!(
        blocked * 100 <= replies,
        "{blocked} of {replies} real replies blocked"
    );
}
