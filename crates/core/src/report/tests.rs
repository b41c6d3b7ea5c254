#![allow(clippy::unwrap_used, clippy::expect_used)]
use super::*;
use crate::calendar::CalendarSpec;
use crate::ids::{MessageId, PromiseId};

fn at(text: &str) -> Timestamp {
    Timestamp::parse(text).expect("test instant")
}

fn ticket(status: Status) -> Ticket {
    Ticket {
        id: TicketId(7),
        subject: "Parcel".into(),
        status,
        priority: Priority::High,
        channel: Channel::Email,
        customer_id: CustomerId(3),
        team_id: Some(TeamId(2)),
        owner_id: Some(AgentId(5)),
        tags: Vec::new(),
        transfer_count: 1,
        has_public_reply: true,
        closure: None,
        created_at: at("2026-12-07T08:00:00Z"),
        updated_at: at("2026-12-08T12:00:00Z"),
        version: 9,
    }
}

fn event(id: i64, when: &str, actor: Actor, kind: EventKind) -> Event {
    Event {
        id: EventId(id),
        ticket_id: TicketId(7),
        actor,
        at: at(when),
        kind,
    }
}

fn calendar() -> BusinessCalendar {
    BusinessCalendar::new(CalendarSpec::office_hours("Office", "UTC")).expect("calendar")
}

#[test]
fn facts_fold_times_reopens_promises_and_overrides() {
    let agent = Actor::Agent(AgentId(5));
    let events = vec![
        event(
            1,
            "2026-12-07T08:00:00Z",
            Actor::System,
            EventKind::Replied {
                message_id: MessageId(0),
            },
        ),
        event(
            2,
            "2026-12-07T10:30:00Z",
            agent,
            EventKind::CoachOverridden {
                message_id: MessageId(1),
                checks: vec!["rude".into()],
                reason: "quoted".into(),
            },
        ),
        event(
            2,
            "2026-12-07T10:30:00Z",
            agent,
            EventKind::CoachFound {
                message_id: MessageId(1),
                checks: vec!["basics".into(), "rude".into()],
            },
        ),
        event(
            3,
            "2026-12-07T11:00:00Z",
            agent,
            EventKind::StatusChanged {
                from: Status::Open,
                to: Status::Solved,
            },
        ),
        event(
            4,
            "2026-12-07T12:00:00Z",
            agent,
            EventKind::PromiseMade {
                promise_id: PromiseId(1),
                text: "x".into(),
                due_at: at("2026-12-08T12:00:00Z"),
            },
        ),
        event(
            5,
            "2026-12-07T13:00:00Z",
            agent,
            EventKind::PromiseKept {
                promise_id: PromiseId(1),
                on_time: true,
            },
        ),
        event(
            6,
            "2026-12-07T14:00:00Z",
            Actor::Customer(CustomerId(3)),
            EventKind::StatusChanged {
                from: Status::Solved,
                to: Status::Open,
            },
        ),
        event(
            7,
            "2026-12-07T15:00:00Z",
            agent,
            EventKind::Transferred {
                from_agent: None,
                to_agent: None,
                from_team: None,
                to_team: None,
                note: "n".into(),
                words: None,
            },
        ),
        event(
            8,
            "2026-12-08T10:00:00Z",
            agent,
            EventKind::StatusChanged {
                from: Status::Open,
                to: Status::Solved,
            },
        ),
    ];
    let facts = ticket_facts(&ticket(Status::Solved), &events[1..], &calendar());
    // No reply in that slice: no first response, and not one touch.
    assert_eq!(facts.first_response_minutes, None);
    let mut all = events.clone();
    all[0] = event(
        1,
        "2026-12-07T10:30:00Z",
        agent,
        EventKind::Replied {
            message_id: MessageId(1),
        },
    );
    let facts = ticket_facts(&ticket(Status::Solved), &all, &calendar());
    // Created 08:00 before opening at 09:00: 90 business minutes to 10:30.
    assert_eq!(facts.first_response_minutes, Some(90));
    // Solved last on the 8th at 10:00: 8 h on the 7th (09–17) + 60 min.
    assert_eq!(facts.resolution_minutes, Some(8 * 60 + 60));
    assert!(facts.resolved);
    assert_eq!(facts.reopens, 1);
    assert!(!facts.one_touch, "reopened");
    assert_eq!(facts.transfers, 1);
    assert_eq!((facts.promises_made, facts.promises_on_time), (1, 1));
    assert_eq!(facts.overrides.len(), 1);
    assert_eq!(facts.overrides[0].agent_id, Some(AgentId(5)));
    assert_eq!(facts.findings.len(), 1);
    assert_eq!(facts.findings[0].checks, ["basics", "rude"]);
    assert_eq!(facts.findings[0].agent_id, Some(AgentId(5)));
    assert_eq!(facts.first_response_target.met, None, "no clock ran");
    assert_eq!(
        facts.day,
        business_day(&calendar(), at("2026-12-07T23:00:00Z"))
    );
}

#[test]
fn a_met_clock_gives_the_time_and_a_breach_fails_the_target() {
    let clock = |id, change, elapsed| {
        event(
            id,
            "2026-12-07T10:00:00Z",
            Actor::System,
            EventKind::SlaClock {
                clock: ClockKind::FirstResponse,
                change,
                due_at: None,
                elapsed_minutes: elapsed,
                target_minutes: 60,
            },
        )
    };
    let reply = event(
        2,
        "2026-12-07T10:00:00Z",
        Actor::Agent(AgentId(5)),
        EventKind::Replied {
            message_id: MessageId(1),
        },
    );
    let met = vec![
        clock(1, SlaChange::Started, 0),
        reply.clone(),
        clock(3, SlaChange::Met, 45),
    ];
    let facts = ticket_facts(&ticket(Status::Open), &met, &calendar());
    assert_eq!(facts.first_response_minutes, Some(45));
    assert_eq!(facts.first_response_target.met, Some(true));
    assert!(!facts.resolved);
    let late = vec![
        clock(1, SlaChange::Breached, 61),
        reply,
        clock(3, SlaChange::Met, 75),
    ];
    let facts = ticket_facts(&ticket(Status::Open), &late, &calendar());
    assert_eq!(facts.first_response_target.met, Some(false));
    assert_eq!(facts.first_response_minutes, Some(75));
}

#[test]
fn spam_is_not_counted_and_one_reply_solved_is_one_touch() {
    let mut spam = ticket(Status::Closed);
    spam.closure = Some(Closure::Spam {
        reason: "ads".into(),
    });
    assert!(!ticket_facts(&spam, &[], &calendar()).counted);
    let events = vec![
        event(
            1,
            "2026-12-07T10:00:00Z",
            Actor::Agent(AgentId(5)),
            EventKind::Replied {
                message_id: MessageId(1),
            },
        ),
        event(
            2,
            "2026-12-07T10:00:00Z",
            Actor::Agent(AgentId(5)),
            EventKind::StatusChanged {
                from: Status::Open,
                to: Status::Solved,
            },
        ),
    ];
    let facts = ticket_facts(&ticket(Status::Solved), &events, &calendar());
    assert!(facts.one_touch && facts.counted);
}

#[test]
fn buckets_are_exact_then_two_percent_wide() {
    for m in [0, 1, 59, 239] {
        assert_eq!(bucket_minutes(time_bucket(m)), m);
    }
    for m in [240, 241, 500, 10_000, 1_000_000] {
        let low = bucket_minutes(time_bucket(m));
        assert!(
            low <= m && (m - low) as f64 <= 0.02 * m as f64 + 1.0,
            "{m} -> {low}"
        );
    }
    let mut last = -1;
    for m in 0..20_000 {
        let b = time_bucket(m);
        assert!(b >= last);
        last = b;
    }
}

#[test]
fn periods_start_on_days_mondays_and_firsts() {
    let cal = calendar();
    let friday = business_day(&cal, at("2026-12-04T12:00:00Z"));
    assert_eq!(Period::Day.label(Period::Day.start(friday)), "2026-12-04");
    let monday = Period::Week.start(friday);
    assert_eq!(day_date(monday).to_string(), "2026-11-30");
    assert_eq!(Period::Week.label(monday), "2026-W49");
    assert_eq!(
        day_date(Period::Month.start(friday)).to_string(),
        "2026-12-01"
    );
    assert_eq!(Period::Month.label(Period::Month.start(friday)), "2026-12");
    let berlin =
        BusinessCalendar::new(CalendarSpec::office_hours("B", "Europe/Berlin")).expect("calendar");
    // 23:30 UTC on the 4th is the 5th in Berlin.
    assert_eq!(
        business_day(&berlin, at("2026-12-04T23:30:00Z")),
        friday + 1
    );
}

fn row(day: i64, channel: Channel, frt: i64, one_touch: bool) -> figures::FactRow {
    figures::FactRow {
        day,
        team_id: Some(TeamId(1)),
        agent_id: Some(AgentId(2)),
        channel,
        priority: Priority::Normal,
        first_response_bucket: Some(time_bucket(frt)),
        resolution_bucket: None,
        resolved: true,
        one_touch,
        reopened: !one_touch,
        transfers: 1,
        first_response_met: Some(frt <= 60),
        resolution_met: None,
        promises_made: 1,
        promises_on_time: i64::from(one_touch),
        overrides: 0,
        csat: None,
        recovery_opened: 0,
        recovery_closed: 0,
    }
}

#[test]
fn figures_take_medians_p90_and_rates() {
    let rows: Vec<_> = (1..=10)
        .map(|m| row(20_000, Channel::Email, m * 10, m % 2 == 0))
        .collect();
    let b = figures::breakdown(&rows, Period::Week);
    assert_eq!(b.totals.tickets, 10);
    // Nearest rank: the 5th of 10 is 50, the 9th is 90.
    assert_eq!(b.totals.first_response_median, Some(50));
    assert_eq!(b.totals.first_response_p90, Some(90));
    assert_eq!(b.totals.one_touch, Some(0.5));
    assert_eq!(b.totals.first_response_sla, Some(0.6));
    assert_eq!(b.totals.transfers_per_ticket, Some(1.0));
    assert_eq!(b.series.len(), 1);
    assert_eq!(b.by_channel.len(), 1);
    let csv = figures::figures_csv("period", &[("a,b".into(), &b.totals)]);
    assert!(csv.starts_with("period,tickets,resolved,"));
    assert!(csv.contains("\"a,b\",10,10,50,90,"), "{csv}");
}

#[test]
fn the_audit_flags_a_slower_group_and_holds_back_on_small_ones() {
    let mut rows = Vec::new();
    for i in 0..200 {
        rows.push((
            "fast".to_string(),
            row(1, Channel::Email, 10 + i % 20, true),
        ));
        rows.push((
            "slow".to_string(),
            row(1, Channel::Email, 60 + i % 20, true),
        ));
    }
    for i in 0..5 {
        rows.push(("tiny".to_string(), row(1, Channel::Email, 500 + i, false)));
    }
    let a = fairness::audit("region", rows.iter().map(|(g, r)| (g.clone(), r)), 30);
    let slow = a.groups.iter().find(|g| g.group == "slow").expect("slow");
    let frt = &slow.comparisons[0];
    assert_eq!(frt.measure, fairness::Measure::FirstResponseTime);
    assert!(
        frt.p_value.is_some_and(|p| p < 1e-6) && frt.needs_a_look,
        "{frt:?}"
    );
    let fast = a.groups.iter().find(|g| g.group == "fast").expect("fast");
    assert!(
        !fast.comparisons[0].needs_a_look,
        "faster is not a worse gap"
    );
    let tiny = a.groups.iter().find(|g| g.group == "tiny").expect("tiny");
    assert!(
        tiny.comparisons
            .iter()
            .all(|c| c.p_value.is_none() && !c.needs_a_look)
    );
    assert!(
        tiny.comparisons[0]
            .not_tested
            .as_deref()
            .is_some_and(|t| t.contains("fewer than 30"))
    );
    assert!(
        a.summary
            .iter()
            .any(|s| s.contains("\"slow\"") && s.contains("first response time"))
    );
}

#[test]
fn cells_sum_to_the_figures_of_their_tickets() {
    use cells::{Cell, CellSums, Hist};
    use std::collections::HashMap;
    // Varied rows: days a week apart, two channels, agents and csat, times
    // from exact minutes to the 2% buckets, some without a resolution.
    let rows: Vec<_> = (0..400i64)
        .map(|i| {
            let mut r = row(
                20_000 + (i % 40) * 3,
                [Channel::Email, Channel::Social][(i % 2) as usize],
                (i * 37) % 5_000,
                i % 3 == 0,
            );
            r.agent_id = (i % 5 != 0).then_some(AgentId(i % 4));
            r.resolution_bucket = (i % 4 != 0).then(|| time_bucket((i * 91) % 20_000));
            r.csat = (i % 6 == 0).then_some(1 + i % 5);
            r.overrides = i % 7;
            r
        })
        .collect();
    let mut cells: HashMap<_, CellSums> = HashMap::new();
    for r in &rows {
        cells
            .entry(r.cell_key())
            .or_default()
            .merge(&CellSums::of(r), 1);
    }
    assert!(cells.len() < rows.len() / 2, "rows share cells");
    let mut cells: Vec<Cell> = cells
        .into_iter()
        .map(|(key, sums)| Cell { key, sums })
        .collect();
    cells.sort_by_key(|c| c.key.day);
    for period in [Period::Day, Period::Week, Period::Month] {
        assert_eq!(
            figures::breakdown(&cells, period),
            figures::breakdown(&rows, period)
        );
    }
    // A ticket taken away leaves what was there before it was added.
    let mut sums = cells[0].sums.clone();
    let before = sums.clone();
    sums.merge(&CellSums::of(&rows[1]), 1);
    assert_ne!(sums, before);
    sums.merge(&CellSums::of(&rows[1]), -1);
    assert_eq!(sums, before);
    // Histograms are stored as text and read back the same.
    let text = sums.first_response.encode();
    assert_eq!(Hist::decode(&text), Some(sums.first_response.clone()));
    assert_eq!(
        Hist::decode("3:2,1:1").map(|h| h.encode()).as_deref(),
        Some("1:1,3:2")
    );
    assert_eq!(Hist::decode("3:x"), None);
}
