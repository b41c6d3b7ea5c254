#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::calendar::CalendarSpec;
use crate::event::Actor;
use crate::ids::{CustomerId, EventId, MessageId, TicketId};

const ZONE: &str = "Europe/Berlin";

fn at(local: &str) -> Timestamp {
    let zoned: jiff::Zoned = format!("{local}[{ZONE}]").parse().unwrap();
    Timestamp(zoned.timestamp().as_microsecond())
}

fn rules(policies: Vec<SlaPolicy>) -> SlaRules {
    SlaRules {
        policies,
        calendars: HashMap::new(),
        default_calendar: Arc::new(
            BusinessCalendar::new(CalendarSpec::office_hours("Office", ZONE)).unwrap(),
        ),
        pausing: PausingStatuses::default(),
        fallback: Targets {
            first_response: Some(480),
            next_response: Some(480),
            resolution: None,
        },
        fallback_warn_permille: 750,
    }
}

fn policy(id: i64, conditions: PolicyConditions, first: i64) -> SlaPolicy {
    SlaPolicy {
        id,
        name: format!("p{id}"),
        position: id,
        conditions,
        calendar_id: None,
        targets: Targets {
            first_response: Some(first),
            next_response: Some(first),
            resolution: Some(first * 10),
        },
        warn_permille: 750,
    }
}

fn ticket(priority: Priority) -> Ticket {
    Ticket {
        id: TicketId(1),
        subject: "s".into(),
        status: Status::New,
        priority,
        channel: Channel::Email,
        customer_id: CustomerId(1),
        team_id: None,
        owner_id: None,
        tags: vec!["gold".into()],
        transfer_count: 0,
        has_public_reply: false,
        closure: None,
        created_at: at("2026-12-07T09:00"),
        updated_at: at("2026-12-07T09:00"),
        version: 1,
    }
}

fn event(local: &str, kind: EventKind) -> Event {
    Event {
        id: EventId(0),
        ticket_id: TicketId(1),
        actor: Actor::System,
        at: at(local),
        kind,
    }
}

fn created(local: &str) -> Event {
    event(
        local,
        EventKind::Created {
            subject: "s".into(),
            customer_id: CustomerId(1),
            channel: Channel::Email,
            priority: Priority::Normal,
            team_id: None,
            tags: vec![],
        },
    )
}

fn changes(plan: &ClockPlan) -> Vec<(ClockKind, SlaChange)> {
    plan.transitions
        .iter()
        .chain(plan.alerts.iter())
        .map(|k| match k {
            EventKind::SlaClock { clock, change, .. } => (*clock, *change),
            other => panic!("not a clock event: {other:?}"),
        })
        .collect()
}

#[test]
fn the_first_matching_policy_wins_and_the_fallback_applies_otherwise() {
    let urgent = PolicyConditions {
        priorities: vec![Priority::Urgent],
        ..Default::default()
    };
    let gold = PolicyConditions {
        tags: vec!["gold".into()],
        ..Default::default()
    };
    let r = rules(vec![policy(1, urgent, 60), policy(2, gold.clone(), 240)]);
    assert_eq!(
        r.policy_for(&ticket(Priority::Urgent)).map(|p| p.id),
        Some(1)
    );
    assert_eq!(r.policy_for(&ticket(Priority::Low)).map(|p| p.id), Some(2));
    let mut plain = ticket(Priority::Low);
    plain.tags.clear();
    assert!(r.policy_for(&plain).is_none());
    let plan = r.plan(
        &plain,
        &[created("2026-12-07T09:00")],
        0,
        at("2026-12-07T09:00"),
    );
    assert_eq!(plan.policy_id, None);
    assert_eq!(
        plan.due_at,
        Some(at("2026-12-07T17:00")),
        "480 fallback minutes"
    );
}

#[test]
fn a_change_records_only_its_own_transitions() {
    let r = rules(vec![policy(1, PolicyConditions::default(), 120)]);
    let t = ticket(Priority::Normal);
    let open = [created("2026-12-07T09:00")];
    let first = r.plan(&t, &open, 0, at("2026-12-07T09:00"));
    assert_eq!(
        changes(&first),
        vec![
            (ClockKind::FirstResponse, SlaChange::Started),
            (ClockKind::Resolution, SlaChange::Started)
        ]
    );
    assert_eq!(first.due_at, Some(at("2026-12-07T11:00")));
    // Warning at 75 % of 120 business minutes: 10:30.
    assert_eq!(first.next_alert_at, Some(at("2026-12-07T10:30")));
    let mut history = open.to_vec();
    history.push(event(
        "2026-12-07T09:40",
        EventKind::Noted {
            message_id: MessageId(2),
        },
    ));
    let note = r.plan(&t, &history, 1, at("2026-12-07T09:40"));
    assert!(changes(&note).is_empty(), "a note changes no clock");
    history.push(event(
        "2026-12-07T09:50",
        EventKind::Replied {
            message_id: MessageId(3),
        },
    ));
    let reply = r.plan(&t, &history, 2, at("2026-12-07T09:50"));
    assert_eq!(
        changes(&reply),
        vec![(ClockKind::FirstResponse, SlaChange::Met)]
    );
    assert_eq!(
        reply.due_at,
        Some(at("2026-12-09T13:00")),
        "resolution only"
    );
}

#[test]
fn warnings_and_breaches_are_raised_once_per_round() {
    let r = rules(vec![policy(1, PolicyConditions::default(), 120)]);
    let t = ticket(Priority::Normal);
    let mut history = vec![created("2026-12-07T09:00")];
    let start = r.plan(&t, &history, 0, at("2026-12-07T09:00"));
    for k in start.transitions {
        history.push(event("2026-12-07T09:00", k));
    }
    let late = r.plan(&t, &history, history.len(), at("2026-12-07T11:01"));
    assert_eq!(
        changes(&late),
        vec![
            (ClockKind::FirstResponse, SlaChange::Warned),
            (ClockKind::FirstResponse, SlaChange::Breached)
        ]
    );
    for k in late.alerts {
        history.push(event("2026-12-07T11:01", k));
    }
    let again = r.plan(&t, &history, history.len(), at("2026-12-07T11:30"));
    assert!(again.alerts.is_empty(), "never twice");
    // Resolution (1200 minutes) warns at 900 business minutes: Tuesday 16:00.
    assert_eq!(again.next_alert_at, Some(at("2026-12-08T16:00")));
}
