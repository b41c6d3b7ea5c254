use super::*;
use crate::ids::CustomerId;
use crate::ticket::Channel;
use proptest::prelude::*;

const ANN: AgentId = AgentId(1);
const BOB: AgentId = AgentId(2);

fn created() -> EventKind {
    EventKind::Created {
        subject: "Parcel arrived damaged".into(),
        customer_id: CustomerId(7),
        channel: Channel::Email,
        priority: Priority::Normal,
        team_id: Some(TeamId(1)),
        tags: vec!["damage".into()],
    }
}

fn new_ticket() -> Ticket {
    create(TicketId(1), Timestamp(1_000), &created()).unwrap_or_else(|| unreachable!())
}

/// Applies a command; returns the events or the refusal.
fn run(t: &mut Ticket, c: Command, actor: Actor) -> Result<Vec<EventKind>, TicketError> {
    let events = decide(t, &c, actor)?;
    for e in &events {
        apply(t, Timestamp(t.updated_at.0 + 1), e);
    }
    Ok(events)
}

fn reply(id: i64) -> Command {
    Command::AddMessage {
        message_id: MessageId(id),
        kind: MessageKind::Public,
        author: AuthorKind::Agent,
    }
}

#[test]
fn assigning_a_new_ticket_opens_it() {
    let mut t = new_ticket();
    let events = run(
        &mut t,
        Command::Assign {
            agent: ANN,
            team: None,
        },
        Actor::Agent(ANN),
    );
    assert_eq!(events.map(|e| e.len()), Ok(2));
    assert_eq!(t.status, Status::Open);
    assert_eq!(t.owner_id, Some(ANN));
    let again = run(
        &mut t,
        Command::Assign {
            agent: BOB,
            team: None,
        },
        Actor::Agent(BOB),
    );
    assert_eq!(again, Err(TicketError::AlreadyOwned(ANN)));
}

#[test]
fn no_inquiry_is_solved_unanswered() {
    let mut t = new_ticket();
    run(
        &mut t,
        Command::Assign {
            agent: ANN,
            team: None,
        },
        Actor::Agent(ANN),
    )
    .ok();
    let solve = Command::ChangeStatus { to: Status::Solved };
    assert_eq!(
        run(&mut t, solve.clone(), Actor::Agent(ANN)),
        Err(TicketError::UnansweredSolve)
    );
    // An internal note is not an answer.
    let note = Command::AddMessage {
        message_id: MessageId(1),
        kind: MessageKind::Internal,
        author: AuthorKind::Agent,
    };
    assert!(run(&mut t, note, Actor::Agent(ANN)).is_ok());
    assert_eq!(
        run(&mut t, solve.clone(), Actor::Agent(ANN)),
        Err(TicketError::UnansweredSolve)
    );
    assert!(run(&mut t, reply(2), Actor::Agent(ANN)).is_ok());
    assert!(run(&mut t, solve, Actor::Agent(ANN)).is_ok());
    assert_eq!(t.status, Status::Solved);
}

#[test]
fn replying_to_an_unowned_ticket_takes_it() {
    let mut t = new_ticket();
    let events = run(&mut t, reply(1), Actor::Agent(BOB)).unwrap_or_default();
    assert_eq!(events.len(), 3, "{events:?}");
    assert_eq!(t.owner_id, Some(BOB));
    assert_eq!(t.status, Status::Open);
    assert!(t.has_public_reply);
}

#[test]
fn transfers_need_a_real_handoff_note_and_are_counted() {
    let mut t = new_ticket();
    run(
        &mut t,
        Command::Assign {
            agent: ANN,
            team: None,
        },
        Actor::Agent(ANN),
    )
    .ok();
    let short = Command::Transfer {
        to_agent: Some(BOB),
        to_team: None,
        note: "see above".into(),
    };
    assert_eq!(
        run(&mut t, short, Actor::Agent(ANN)),
        Err(TicketError::HandOffNoteTooShort)
    );
    let blank = Command::Transfer {
        to_agent: Some(BOB),
        to_team: None,
        note: " ".repeat(40),
    };
    assert_eq!(
        run(&mut t, blank, Actor::Agent(ANN)),
        Err(TicketError::HandOffNoteTooShort)
    );
    let note =
        "Customer sent photos of the dented box; refund approved, needs the label.".to_string();
    let to_self = Command::Transfer {
        to_agent: Some(ANN),
        to_team: None,
        note: note.clone(),
    };
    assert_eq!(
        run(&mut t, to_self, Actor::Agent(ANN)),
        Err(TicketError::TransferGoesNowhere)
    );
    let good = Command::Transfer {
        to_agent: Some(BOB),
        to_team: None,
        note: note.clone(),
    };
    assert!(run(&mut t, good, Actor::Agent(ANN)).is_ok());
    assert_eq!(
        (t.owner_id, t.transfer_count, t.status),
        (Some(BOB), 1, Status::Open)
    );
    // Back to a team's queue: no owner, waits as new.
    let to_queue = Command::Transfer {
        to_agent: None,
        to_team: Some(TeamId(2)),
        note,
    };
    assert!(run(&mut t, to_queue, Actor::Agent(BOB)).is_ok());
    assert_eq!(
        (t.owner_id, t.team_id, t.status, t.transfer_count),
        (None, Some(TeamId(2)), Status::New, 2)
    );
}

#[test]
fn closed_is_final_except_for_notes() {
    let mut t = new_ticket();
    run(&mut t, reply(1), Actor::Agent(ANN)).ok();
    assert_eq!(
        run(
            &mut t,
            Command::ChangeStatus { to: Status::Closed },
            Actor::Agent(ANN)
        ),
        Err(TicketError::IllegalTransition {
            from: Status::Open,
            to: Status::Closed
        })
    );
    run(
        &mut t,
        Command::ChangeStatus { to: Status::Solved },
        Actor::Agent(ANN),
    )
    .ok();
    assert!(
        run(
            &mut t,
            Command::ChangeStatus { to: Status::Closed },
            Actor::Agent(ANN)
        )
        .is_ok()
    );
    assert_eq!(t.closure, Some(Closure::Resolved));
    assert_eq!(
        run(&mut t, reply(2), Actor::Agent(ANN)),
        Err(TicketError::Closed)
    );
    let customer = Command::AddMessage {
        message_id: MessageId(3),
        kind: MessageKind::Public,
        author: AuthorKind::Customer,
    };
    assert_eq!(
        run(&mut t, customer, Actor::Customer(CustomerId(7))),
        Err(TicketError::Closed)
    );
    let note = Command::AddMessage {
        message_id: MessageId(4),
        kind: MessageKind::Internal,
        author: AuthorKind::Agent,
    };
    assert!(run(&mut t, note, Actor::Agent(ANN)).is_ok());
}

#[test]
fn a_customer_reply_reopens_a_solved_ticket() {
    let mut t = new_ticket();
    run(&mut t, reply(1), Actor::Agent(ANN)).ok();
    run(
        &mut t,
        Command::ChangeStatus { to: Status::Solved },
        Actor::Agent(ANN),
    )
    .ok();
    let customer = Command::AddMessage {
        message_id: MessageId(2),
        kind: MessageKind::Public,
        author: AuthorKind::Customer,
    };
    assert!(run(&mut t, customer, Actor::Customer(CustomerId(7))).is_ok());
    assert_eq!(t.status, Status::Open);
}

#[test]
fn spam_and_duplicates_close_with_a_reason() {
    let mut t = new_ticket();
    assert_eq!(
        run(
            &mut t,
            Command::CloseAsSpam {
                reason: "  ".into()
            },
            Actor::Agent(ANN)
        ),
        Err(TicketError::ReasonRequired)
    );
    let dup = Command::CloseAsDuplicate {
        of: TicketId(1),
        reason: "same".into(),
    };
    assert_eq!(
        run(&mut t, dup, Actor::Agent(ANN)),
        Err(TicketError::DuplicateOfItself)
    );
    let dup = Command::CloseAsDuplicate {
        of: TicketId(9),
        reason: "Same parcel as #9".into(),
    };
    assert!(run(&mut t, dup, Actor::Agent(ANN)).is_ok());
    assert_eq!(t.status, Status::Closed);
    assert_eq!(
        t.closure,
        Some(Closure::Duplicate {
            of: TicketId(9),
            reason: "Same parcel as #9".into()
        })
    );
}

#[test]
fn an_over_long_tag_is_named_by_its_start_only() {
    use crate::ticket::{TagError, normalize_tag};
    let long = format!("  {}  ", "Ab".repeat(500_000));
    let Err(TagError::Length(named)) = normalize_tag(&long) else {
        panic!("a megabyte is no tag");
    };
    assert_eq!(named, format!("{}…", "ab".repeat(25)));
    assert_eq!(normalize_tag("   "), Err(TagError::Length(String::new())));
}

#[test]
fn tags_are_normalised_and_checked() {
    let mut t = new_ticket();
    let tag = Command::Tag {
        add: vec!["VIP".into(), "vip".into()],
        remove: vec!["damage".into()],
    };
    assert!(run(&mut t, tag, Actor::Agent(ANN)).is_ok());
    assert_eq!(t.tags, vec!["vip".to_string()]);
    let bad = Command::Tag {
        add: vec!["no spaces".into()],
        remove: vec![],
    };
    assert!(matches!(
        run(&mut t, bad, Actor::Agent(ANN)),
        Err(TicketError::BadTag(_))
    ));
    let same = Command::Tag {
        add: vec!["vip".into()],
        remove: vec![],
    };
    assert!(matches!(
        run(&mut t, same, Actor::Agent(ANN)),
        Err(TicketError::NoChange(_))
    ));
}

#[test]
fn a_handoff_note_of_twenty_dots_says_nothing() {
    for empty in [
        ".".repeat(20),
        "a".repeat(25),
        "see above see above see above".to_string(),
        "x y z a b c d e f g h i j".to_string(),
        "!!!! ???? ---- .... ////".to_string(),
    ] {
        assert!(!says_something(&empty), "{empty:?} passed");
    }
    assert!(says_something("Customer wants a refund."));
    assert!(says_something("Kunde möchte Erstattung, Etikett fehlt."));
    let mut t = new_ticket();
    let dots = Command::Transfer {
        to_agent: Some(BOB),
        to_team: None,
        note: ".".repeat(20),
    };
    assert_eq!(
        run(&mut t, dots, Actor::Agent(ANN)),
        Err(TicketError::HandOffNoteTooShort)
    );
}

#[test]
fn tags_per_ticket_are_bounded() {
    let mut t = new_ticket();
    let many: Vec<String> = (0..MAX_TAGS_PER_TICKET).map(|i| format!("t{i}")).collect();
    let too_many = Command::Tag {
        add: many.clone(),
        remove: vec![],
    };
    // The ticket already carries one tag, so thirty more is one too many.
    assert_eq!(
        run(&mut t, too_many, Actor::Agent(ANN)),
        Err(TicketError::TooManyTags)
    );
    let fits = Command::Tag {
        add: many[..MAX_TAGS_PER_TICKET - 1].to_vec(),
        remove: vec![],
    };
    assert!(run(&mut t, fits, Actor::Agent(ANN)).is_ok());
    assert_eq!(t.tags.len(), MAX_TAGS_PER_TICKET);
    let swap = Command::Tag {
        add: vec!["new".into()],
        remove: vec!["damage".into()],
    };
    assert!(run(&mut t, swap, Actor::Agent(ANN)).is_ok());
    let huge = Command::Tag {
        add: (0..100_000).map(|i| format!("x{i}")).collect(),
        remove: vec![],
    };
    assert_eq!(
        run(&mut t, huge, Actor::Agent(ANN)),
        Err(TicketError::TooManyTags)
    );
}

fn command() -> impl Strategy<Value = Command> {
    let agent = prop_oneof![Just(None), (1i64..4).prop_map(|a| Some(AgentId(a)))];
    let team = prop_oneof![Just(None), (1i64..3).prop_map(|t| Some(TeamId(t)))];
    let status = proptest::sample::select(Status::ALL.to_vec());
    let note = prop_oneof![
        Just(String::new()),
        Just("Customer asked for a refund; label already sent twice.".to_string())
    ];
    let kind = prop_oneof![Just(MessageKind::Public), Just(MessageKind::Internal)];
    let author = prop_oneof![
        Just(AuthorKind::Agent),
        Just(AuthorKind::Customer),
        Just(AuthorKind::System)
    ];
    let tag = proptest::sample::select(vec!["a", "b", "Bad Tag", "c"]).prop_map(String::from);
    prop_oneof![
        (1i64..4, team.clone()).prop_map(|(a, team)| Command::Assign {
            agent: AgentId(a),
            team
        }),
        (agent, team, note).prop_map(|(to_agent, to_team, note)| Command::Transfer {
            to_agent,
            to_team,
            note
        }),
        status.prop_map(|to| Command::ChangeStatus { to }),
        (1i64..1000, kind, author).prop_map(|(m, kind, author)| Command::AddMessage {
            message_id: MessageId(m),
            kind,
            author
        }),
        (
            proptest::collection::vec(tag.clone(), 0..3),
            proptest::collection::vec(tag, 0..2)
        )
            .prop_map(|(add, remove)| Command::Tag { add, remove }),
        proptest::sample::select(vec![
            Priority::Low,
            Priority::Normal,
            Priority::High,
            Priority::Urgent
        ])
        .prop_map(|to| Command::SetPriority { to }),
        Just(Command::CloseAsSpam {
            reason: "bulk advertising".into()
        }),
        (1i64..4).prop_map(|of| Command::CloseAsDuplicate {
            of: TicketId(of),
            reason: "same order".into()
        }),
    ]
}

fn check_invariants(t: &Ticket) -> Result<(), TestCaseError> {
    if t.status.needs_owner() {
        prop_assert!(t.owner_id.is_some(), "{:?} without owner", t.status);
    }
    if t.status == Status::New {
        prop_assert!(t.owner_id.is_none(), "new ticket with owner");
    }
    prop_assert_eq!(t.status == Status::Closed, t.closure.is_some());
    if t.status == Status::Solved || t.closure == Some(Closure::Resolved) {
        prop_assert!(t.has_public_reply, "solved or resolved without a reply");
    }
    let mut sorted = t.tags.clone();
    sorted.sort();
    sorted.dedup();
    prop_assert_eq!(&sorted, &t.tags);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]
    #[test]
    fn random_command_sequences_keep_the_invariants(
        commands in proptest::collection::vec((command(), 1i64..4), 1..40)
    ) {
        let mut ticket = new_ticket();
        let mut log: Vec<(Timestamp, EventKind)> = vec![(ticket.created_at, created())];
        let mut transfers = 0;
        for (command, who) in commands {
            let actor = Actor::Agent(AgentId(who));
            let before = ticket.clone();
            match decide(&ticket, &command, actor) {
                Ok(events) => {
                    prop_assert!(!events.is_empty());
                    for e in events {
                        let at = Timestamp(ticket.updated_at.0 + 10);
                        transfers += i64::from(matches!(e, EventKind::Transferred { .. }));
                        apply(&mut ticket, at, &e);
                        // Events survive the JSON the log stores them as.
                        let json = serde_json::to_string(&e).map_err(|e| TestCaseError::fail(e.to_string()))?;
                        let back: EventKind = serde_json::from_str(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
                        prop_assert_eq!(&back, &e);
                        log.push((at, back));
                    }
                }
                Err(_) => prop_assert_eq!(&ticket, &before, "a refused command changed the ticket"),
            }
            check_invariants(&ticket)?;
        }
        prop_assert_eq!(ticket.transfer_count, transfers);
        let replayed = replay(ticket.id, log.iter().map(|(at, e)| (*at, e)));
        prop_assert_eq!(replayed.as_ref(), Some(&ticket));
    }
}

#[test]
fn an_opening_names_its_first_message_once_stored() {
    let created = EventKind::Created {
        subject: "Broken lamp".into(),
        customer_id: crate::CustomerId(7),
        channel: crate::Channel::Email,
        priority: crate::Priority::Normal,
        team_id: None,
        tags: vec!["b".into(), "a".into(), "a".into()],
    };
    let at = Timestamp(1_000);
    let Ok(opening) = Opening::decide(
        created.clone(),
        Some((MessageKind::Public, AuthorKind::Customer)),
        Actor::Customer(crate::CustomerId(7)),
        at,
    ) else {
        panic!("a customer may open a ticket with a message");
    };
    assert_eq!(opening.ticket.tags, vec!["a".to_string(), "b".to_string()]);
    let events = opening.events(Some(MessageId(42)));
    assert_eq!(events[0], created);
    assert!(events[1..].contains(&EventKind::CustomerWrote {
        message_id: MessageId(42)
    }));
    // Replaying the named events gives the decided state.
    let replayed = replay(TicketId(0), events.iter().map(|e| (at, e)));
    assert_eq!(replayed.as_ref(), Some(&opening.ticket));
    assert_eq!(
        Opening::decide(
            EventKind::Noted {
                message_id: MessageId(1)
            },
            None,
            Actor::System,
            at
        ),
        Err(TicketError::NotCreated)
    );
}

#[test]
fn a_rating_needs_a_solved_ticket_and_a_one_to_five_scale_even_when_closed() {
    let mut ticket = solved_ticket_for_feedback();
    let rate = |rating| Command::RateSatisfaction {
        rating,
        comment: Some("  quick and kind ".into()),
    };
    assert_eq!(
        decide(&ticket, &rate(0), Actor::System),
        Err(TicketError::BadRating)
    );
    assert_eq!(
        decide(&ticket, &rate(6), Actor::System),
        Err(TicketError::BadRating)
    );
    ticket.status = Status::Closed;
    assert_eq!(
        decide(&ticket, &rate(4), Actor::System),
        Ok(vec![EventKind::SatisfactionRated {
            rating: 4,
            comment: Some("quick and kind".into())
        }])
    );
    ticket.status = Status::Open;
    assert_eq!(
        decide(&ticket, &rate(4), Actor::System),
        Err(TicketError::NotSolved)
    );
    let follow = Command::FollowUpRecovery {
        task_id: 3,
        outcome: RecoveryOutcome::Recovered,
        note: "  ".into(),
    };
    assert_eq!(
        decide(&ticket, &follow, Actor::System),
        Err(TicketError::ReasonRequired)
    );
}

fn solved_ticket_for_feedback() -> Ticket {
    let mut ticket = create(
        TicketId(1),
        Timestamp(0),
        &EventKind::Created {
            subject: "Lamp".into(),
            customer_id: crate::ids::CustomerId(1),
            channel: crate::ticket::Channel::Email,
            priority: Priority::Normal,
            team_id: None,
            tags: Vec::new(),
        },
    )
    .unwrap_or_else(|| panic!("created"));
    ticket.status = Status::Solved;
    ticket
}
