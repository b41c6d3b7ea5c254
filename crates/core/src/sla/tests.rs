#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::calendar::CalendarSpec;

const ZONE: &str = "Europe/Berlin";

/// An instant in Berlin wall-clock time ("2026-12-07T09:00" is a Monday).
fn at(local: &str) -> Timestamp {
    let zoned: jiff::Zoned = format!("{local}[{ZONE}]").parse().unwrap();
    Timestamp(zoned.timestamp().as_microsecond())
}

fn office() -> BusinessCalendar {
    BusinessCalendar::new(CalendarSpec::office_hours("Office", ZONE)).unwrap()
}

fn targets(first: i64, next: i64, resolution: i64) -> Targets {
    Targets {
        first_response: Some(first),
        next_response: Some(next),
        resolution: Some(resolution),
    }
}

fn clock(clocks: &Clocks, kind: ClockKind) -> Clock {
    *clocks.clocks.iter().find(|c| c.kind == kind).unwrap()
}

fn run(history: &[(&str, Happening)], now: &str, t: Targets) -> Clocks {
    let history: Vec<(Timestamp, Happening)> = history.iter().map(|(w, h)| (at(w), *h)).collect();
    replay_clocks(&office(), &PausingStatuses::default(), t, &history, at(now))
}

use Happening::*;

#[test]
fn first_response_is_due_in_business_time() {
    // Opened Monday 16:00 with two business hours: due Tuesday 10:00.
    let c = run(
        &[("2026-12-07T16:00", Opened(Status::New))],
        "2026-12-07T16:30",
        targets(120, 60, 960),
    );
    let first = clock(&c, ClockKind::FirstResponse);
    assert_eq!(first.due_at, Some(at("2026-12-08T10:00")));
    assert_eq!(first.elapsed_micros, 30 * MINUTE);
    assert_eq!(first.remaining_minutes(), 90);
    assert!(first.running && !first.paused && !first.breached);
    assert_eq!(first.used_permille(), 250);
    // Resolution (two business days) ends Wednesday 16:00.
    assert_eq!(
        clock(&c, ClockKind::Resolution).due_at,
        Some(at("2026-12-09T16:00"))
    );
}

#[test]
fn a_48_hour_target_on_a_calendar_open_around_the_clock_is_48_hours() {
    let mut spec = CalendarSpec::new("24/7", ZONE);
    spec.always_open = true;
    let calendar = BusinessCalendar::new(spec).unwrap();
    let history = [(at("2026-12-05T22:00"), Opened(Status::New))];
    let c = replay_clocks(
        &calendar,
        &PausingStatuses::default(),
        targets(48 * 60, 60, 48 * 60),
        &history,
        at("2026-12-05T22:00"),
    );
    // Saturday 22:00 plus 48 hours: Monday 22:00, not six business days.
    assert_eq!(
        clock(&c, ClockKind::FirstResponse).due_at,
        Some(at("2026-12-07T22:00"))
    );
}

#[test]
fn an_internal_note_is_not_a_response() {
    let c = run(
        &[
            ("2026-12-07T09:00", Opened(Status::New)),
            ("2026-12-07T09:30", InternalNote),
        ],
        "2026-12-07T12:00",
        targets(120, 60, 960),
    );
    let first = clock(&c, ClockKind::FirstResponse);
    assert!(first.running && first.stopped_at.is_none());
    assert!(first.breached, "three hours without a reply breach two");
    assert_eq!(first.due_at, Some(at("2026-12-07T11:00")));
    assert!(!c.transitions.iter().any(|t| t.change == ClockChange::Met));
}

#[test]
fn a_reply_meets_the_first_response_target() {
    let c = run(
        &[
            ("2026-12-07T09:00", Opened(Status::New)),
            ("2026-12-07T10:00", AgentReply),
        ],
        "2026-12-09T12:00",
        targets(120, 60, 960),
    );
    let first = clock(&c, ClockKind::FirstResponse);
    assert_eq!(first.stopped_at, Some(at("2026-12-07T10:00")));
    assert!(!first.running && !first.breached && first.due_at.is_none());
    assert_eq!(first.elapsed_micros, 60 * MINUTE);
    assert!(c.clocks.iter().all(|c| c.kind != ClockKind::NextResponse));
}

#[test]
fn a_customer_reply_does_not_reset_the_next_response_clock() {
    let c = run(
        &[
            ("2026-12-07T09:00", Opened(Status::New)),
            ("2026-12-07T09:10", AgentReply),
            ("2026-12-07T10:00", CustomerMessage),
            ("2026-12-07T10:40", CustomerMessage),
        ],
        "2026-12-07T10:50",
        targets(120, 60, 960),
    );
    let next = clock(&c, ClockKind::NextResponse);
    assert_eq!(next.started_at, at("2026-12-07T10:00"));
    assert_eq!(next.due_at, Some(at("2026-12-07T11:00")));
    assert_eq!(next.elapsed_micros, 50 * MINUTE);
    let starts = c
        .transitions
        .iter()
        .filter(|t| t.kind == ClockKind::NextResponse && t.change == ClockChange::Started)
        .count();
    assert_eq!(starts, 1);
}

#[test]
fn the_update_target_does_not_escalate_after_the_agent_replied() {
    let c = run(
        &[
            ("2026-12-07T09:00", Opened(Status::New)),
            ("2026-12-07T09:10", AgentReply),
            ("2026-12-07T10:00", CustomerMessage),
            ("2026-12-07T10:30", AgentReply),
        ],
        // Days later, with no new customer message.
        "2026-12-10T16:00",
        targets(120, 60, 9600),
    );
    let next = clock(&c, ClockKind::NextResponse);
    assert!(!next.running && !next.breached && next.due_at.is_none());
    assert_eq!(next.stopped_at, Some(at("2026-12-07T10:30")));
    assert_eq!(next.elapsed_micros, 30 * MINUTE);
}

#[test]
fn a_paused_ticket_that_comes_back_continues_where_it_stopped() {
    let c = run(
        &[
            ("2026-12-07T09:00", Opened(Status::Open)),
            ("2026-12-07T11:00", StatusChanged(Status::Pending)),
            ("2026-12-09T09:00", StatusChanged(Status::Open)),
        ],
        "2026-12-09T09:00",
        targets(240, 60, 960),
    );
    let first = clock(&c, ClockKind::FirstResponse);
    // Two of four hours were used before the pause; two remain from Wednesday 09:00.
    assert_eq!(first.elapsed_micros, 120 * MINUTE);
    assert_eq!(first.due_at, Some(at("2026-12-09T11:00")));
    assert!(!first.breached && first.running);
    let changes: Vec<ClockChange> = c
        .transitions
        .iter()
        .filter(|t| t.kind == ClockKind::FirstResponse)
        .map(|t| t.change)
        .collect();
    assert_eq!(
        changes,
        [
            ClockChange::Started,
            ClockChange::Paused,
            ClockChange::Resumed
        ]
    );
    // While paused there is no due time and the time does not count.
    let paused = run(
        &[
            ("2026-12-07T09:00", Opened(Status::Open)),
            ("2026-12-07T11:00", StatusChanged(Status::OnHold)),
        ],
        "2026-12-08T16:00",
        targets(240, 60, 960),
    );
    let first = clock(&paused, ClockKind::FirstResponse);
    assert!(first.paused && !first.running && first.due_at.is_none());
    assert_eq!(first.elapsed_micros, 120 * MINUTE);
}

#[test]
fn a_reopen_continues_resolution_and_starts_the_next_response() {
    let c = run(
        &[
            ("2026-12-07T09:00", Opened(Status::New)),
            ("2026-12-07T09:30", AgentReply),
            ("2026-12-07T10:00", StatusChanged(Status::Solved)),
            // Reopened by the customer on Thursday.
            ("2026-12-10T14:00", CustomerMessage),
            ("2026-12-10T14:00", StatusChanged(Status::Open)),
        ],
        "2026-12-10T14:00",
        targets(120, 60, 480),
    );
    let resolution = clock(&c, ClockKind::Resolution);
    // One business hour was used before it was solved; seven remain.
    assert_eq!(resolution.elapsed_micros, 60 * MINUTE);
    assert_eq!(resolution.due_at, Some(at("2026-12-11T13:00")));
    assert!(resolution.running && resolution.stopped_at.is_none());
    let next = clock(&c, ClockKind::NextResponse);
    assert!(next.running);
    assert_eq!(next.due_at, Some(at("2026-12-10T15:00")));
}

#[test]
fn a_solved_ticket_stops_its_clocks() {
    let c = run(
        &[
            ("2026-12-07T09:00", Opened(Status::New)),
            ("2026-12-07T10:00", StatusChanged(Status::Solved)),
        ],
        "2026-12-21T10:00",
        targets(120, 60, 480),
    );
    let first = clock(&c, ClockKind::FirstResponse);
    assert!(!first.running && first.due_at.is_none() && !first.breached);
    let resolution = clock(&c, ClockKind::Resolution);
    assert_eq!(resolution.stopped_at, Some(at("2026-12-07T10:00")));
    assert!(!resolution.breached);
    assert!(
        c.transitions
            .iter()
            .any(|t| t.kind == ClockKind::Resolution && t.change == ClockChange::Met)
    );
}

#[test]
fn the_pausing_statuses_are_configurable() {
    let history = [
        (at("2026-12-07T09:00"), Opened(Status::Open)),
        (at("2026-12-07T10:00"), StatusChanged(Status::OnHold)),
    ];
    let only_pending = PausingStatuses(vec![Status::Pending]);
    let c = replay_clocks(
        &office(),
        &only_pending,
        targets(240, 60, 960),
        &history,
        at("2026-12-07T12:00"),
    );
    let first = clock(&c, ClockKind::FirstResponse);
    assert!(first.running && !first.paused);
    assert_eq!(first.elapsed_micros, 180 * MINUTE);
}

#[test]
fn a_clock_without_a_target_never_starts() {
    let c = run(
        &[("2026-12-07T09:00", Opened(Status::New))],
        "2026-12-07T10:00",
        Targets {
            first_response: Some(60),
            ..Targets::default()
        },
    );
    assert_eq!(c.clocks.len(), 1);
    assert_eq!(c.clocks[0].kind, ClockKind::FirstResponse);
}
