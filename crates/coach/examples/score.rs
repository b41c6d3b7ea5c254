//! Development aid: scores the coach on a labelled set, or counts findings on
//! real conversations, without building the whole CLI.
//! `cargo run -p rapport-coach --example score -- FILE [--show]` or
//! `cargo run -p rapport-coach --example score -- --conversations FILE [--show CHECK]`.
//! `--dump` prints every review in full instead, to show that a change which
//! should not alter findings (a speed-up) alters none.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use rapport_coach::evaluation::{LabelledCase, RealReply, real_replies, score};
use rapport_coach::{Context, Medium};
use serde_json::Value;

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

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args[0] == "--conversations" {
        let text = std::fs::read_to_string(&args[1]).unwrap();
        let mut replies = Vec::new();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let v: Value = serde_json::from_str(line).unwrap();
            let turns = v["turns"].as_array().unwrap().iter().map(|turn| {
                (
                    turn["role"] == "customer",
                    turn["text"].as_str().unwrap_or_default(),
                )
            });
            replies.extend(RealReply::from_turns(turns));
        }
        if args.iter().any(|a| a == "--dump") {
            for (i, reply) in replies.iter().enumerate() {
                let review = rapport_coach::analyze(&reply.draft, &reply.context(Medium::Social));
                println!("#{i} {review:?}");
            }
            return;
        }
        let report = real_replies(&replies, Medium::Social);
        println!("{report}");
        if let Some(check) = args.get(3) {
            for (i, reply) in replies.iter().enumerate() {
                let review = rapport_coach::analyze(&reply.draft, &reply.context(Medium::Social));
                for f in review.findings.iter().filter(|f| {
                    f.check.name() == check && f.severity >= rapport_coach::Severity::Warn
                }) {
                    println!(
                        "#{i} {:?} [{}] {}\n   customer: {:?}\n   reply: {:?}",
                        f.severity,
                        &reply.draft[f.span.clone()],
                        f.explanation,
                        reply.customer_message.chars().take(300).collect::<String>(),
                        reply.draft
                    );
                }
            }
        }
        return;
    }
    let text = std::fs::read_to_string(&args[0]).unwrap();
    let spec = rapport_core::CalendarSpec::office_hours("Office", "Europe/Berlin");
    let calendar = std::sync::Arc::new(rapport_core::BusinessCalendar::new(spec).unwrap());
    let mut ids = Vec::new();
    let cases: Vec<LabelledCase> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let v: Value = serde_json::from_str(line).unwrap();
            ids.push(format!(
                "{} {}",
                v["id"].as_str().unwrap_or("?"),
                v["note"].as_str().unwrap_or("")
            ));
            let now = v["now"]
                .as_str()
                .and_then(|n| n.parse::<jiff::Timestamp>().ok())
                .map(|t| t.to_zoned(calendar.time_zone().clone()))
                .or_else(|| "2026-11-19T10:00:00+01:00[Europe/Berlin]".parse().ok());
            LabelledCase {
                context: Context {
                    customer_name: v["customer_name"].as_str().map(String::from),
                    customer_message: v["customer_message"].as_str().unwrap_or("").into(),
                    now,
                    calendar: Some(calendar.clone()),
                    earlier_replies: strings(&v, "earlier_replies"),
                    thread_replies: strings(&v, "thread_replies"),
                    ..Context::default()
                },
                draft: v["draft"].as_str().unwrap_or("").into(),
                expect: strings(&v, "expect"),
            }
        })
        .collect();
    if args.iter().any(|a| a == "--dump") {
        for (id, case) in ids.iter().zip(&cases) {
            let review = rapport_coach::analyze(&case.draft, &case.context);
            println!("{id} {review:?}");
        }
        return;
    }
    let (counts, disagreements) = score(&cases);
    let only = args.iter().skip(1).find(|a| !a.starts_with("--"));
    if args.iter().any(|a| a == "--show") {
        for d in &disagreements {
            if only.is_some_and(|o| o != d.check.name()) {
                continue;
            }
            let case = &cases[d.case];
            if d.false_alarm {
                for f in rapport_coach::analyze(&case.draft, &case.context)
                    .findings
                    .iter()
                    .filter(|f| f.check == d.check)
                {
                    println!("   why: {}", f.explanation);
                }
            }
            println!(
                "{} {}: {}\n   customer: {:?}\n   draft: {:?}\n",
                if d.false_alarm {
                    "FALSE ALARM"
                } else {
                    "MISSED"
                },
                d.check.name(),
                ids[d.case],
                case.context.customer_message,
                case.draft
            );
        }
    }
    println!("{} cases", cases.len());
    for (check, c) in counts {
        let f = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.2}"));
        println!(
            "{:<16} P {:>5} R {:>5}  tp {:>3} fp {:>3} fn {:>3}",
            check.name(),
            f(c.precision()),
            f(c.recall()),
            c.true_positive,
            c.false_positive,
            c.false_negative
        );
    }
}
