//! Issue 10, gaps 1 and 2: a team's deletion and a transfer into it
//! serialize (no open ticket ever waits in an archived team), and a ticket
//! reopened after its team was deleted goes to the general queue, recorded
//! as a transfer by the system. On SQLite and on PostgreSQL.

use crate::both_backends;
use crate::harness::Harness;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use rapport_app::Caller;
use rapport_core::{Actor, EventKind, Role, TeamId, TicketId};
use rapport_store::{Backend, TeamRemoval, TeamState};
use serde_json::{Value, json};

const ROUNDS: usize = 8;

both_backends!(
    a_transfer_holds_the_team_so_its_deletion_waits_and_sees_the_ticket,
    deletes_and_transfers_in_parallel_never_leave_an_open_ticket_in_an_archived_team,
    a_reopened_ticket_leaves_its_archived_team_for_the_general_queue,
);

/// A new team with one closed ticket in it (so a deletion archives it).
async fn team_with_history(h: &Harness, name: &str) -> TeamId {
    let (s, t) = h
        .post("/api/v1/teams", &h.lead, json!({"name": name}))
        .await;
    assert_eq!(s, 201, "{t}");
    let team = TeamId(t["id"].as_i64().unwrap());
    let old = h.ticket("Old request", Some(team)).await;
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{old}/close-as-spam"),
            &h.lead,
            json!({"reason": "test"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    team
}

/// Sends a lead's request on a task of its own.
fn spawn(
    h: &Harness,
    method: Method,
    path: String,
    body: Option<Value>,
) -> tokio::task::JoinHandle<(StatusCode, Value)> {
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header("authorization", format!("Bearer {}", h.lead))
        .header("content-type", "application/json")
        .body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
        .unwrap();
    h.spawn_raw(request)
}

/// Open (not solved or closed) tickets whose team is archived: must be none.
async fn open_tickets_in_archived_teams(h: &Harness) -> Vec<i64> {
    let mut found = Vec::new();
    let filter = rapport_store::TicketFilter {
        limit: 500,
        ..Default::default()
    };
    for ticket in h.store.list_tickets(&filter).await.unwrap() {
        let Some(team) = ticket.team_id else { continue };
        let open = !matches!(
            ticket.status,
            rapport_core::Status::Solved | rapport_core::Status::Closed
        );
        if open && h.store.team(team).await.unwrap().archived_at.is_some() {
            found.push(ticket.id.0);
        }
    }
    found
}

/// Opened in a write transaction, a transfer holds the team's row: the
/// deletion waits (PostgreSQL; SQLite's one writer runs them in turn) and
/// then counts the ticket as open in the team, so it is refused. Once the
/// team is archived, a transfer in a transaction sees it and the use case
/// refuses it with a clear error.
async fn a_transfer_holds_the_team_so_its_deletion_waits_and_sees_the_ticket(h: &Harness) {
    let team = team_with_history(h, "Returns").await;
    let ticket = TicketId(h.ticket("Parcel came back", Some(h.team)).await);
    let actor = Actor::Agent(h.lead_id);
    let transfer = move |t: &rapport_core::Ticket| {
        vec![EventKind::Transferred {
            from_agent: t.owner_id,
            to_agent: None,
            from_team: t.team_id,
            to_team: Some(team),
            note: "Returns handles parcels that come back.".into(),
            words: None,
        }]
    };
    let mut tx = h.store.begin_write().await.unwrap();
    assert_eq!(tx.lock_team(team).await.unwrap(), TeamState::Open);
    let removal = if h.store.backend() == Backend::Postgres {
        let store = h.store.clone();
        let deletion = tokio::spawn(async move { store.remove_team(team).await });
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        assert!(
            !deletion.is_finished(),
            "the deletion waits for the transfer"
        );
        tx.change_ticket(ticket, actor, None, |t, _| {
            Ok::<_, rapport_store::StoreError>(transfer(t))
        })
        .await
        .unwrap();
        tx.commit().await.unwrap();
        tokio::time::timeout(std::time::Duration::from_secs(30), deletion)
            .await
            .expect("the deletion goes on once the transfer committed")
            .unwrap()
            .unwrap()
    } else {
        tx.change_ticket(ticket, actor, None, |t, _| {
            Ok::<_, rapport_store::StoreError>(transfer(t))
        })
        .await
        .unwrap();
        tx.commit().await.unwrap();
        h.store.remove_team(team).await.unwrap()
    };
    let TeamRemoval::Blocked(blockers) = removal else {
        panic!("the moved ticket blocks the deletion: {removal:?}");
    };
    assert_eq!(blockers.sample, vec![ticket]);

    // Moved out and closed, the team is archived; then a transfer in the
    // use case is refused inside its transaction, with the field and why.
    let caller = Caller::operator(h.lead_id, Role::Lead);
    let back = rapport_core::Command::Transfer {
        to_agent: None,
        to_team: Some(h.team),
        note: "Back to the first line, it was not a return.".into(),
    };
    h.app.command(&caller, ticket, back).await.unwrap();
    assert_eq!(
        h.store.remove_team(team).await.unwrap(),
        TeamRemoval::Archived
    );
    let mut tx = h.store.begin_write().await.unwrap();
    assert_eq!(
        tx.lock_team(team).await.unwrap(),
        TeamState::Archived("Returns".into())
    );
    assert_eq!(
        tx.lock_team(TeamId(999_999)).await.unwrap(),
        TeamState::Missing
    );
    drop(tx);
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{}/transfer", ticket.0),
            &h.lead,
            json!({"team_id": team.0, "note": "Returns handles parcels that come back."}),
        )
        .await;
    assert_eq!(
        (s.as_u16(), b["error"]["field"].as_str()),
        (422, Some("team_id")),
        "{b}"
    );
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{}/assign", ticket.0),
            &h.lead,
            json!({"agent_id": h.agent_id.0, "team_id": team.0}),
        )
        .await;
    assert_eq!(
        (s.as_u16(), b["error"]["field"].as_str()),
        (422, Some("team_id")),
        "{b}"
    );
    let (_, detail) = h
        .get(&format!("/api/v1/tickets/{}", ticket.0), &h.agent)
        .await;
    assert_eq!(detail["ticket"]["team_id"], h.team.0, "not moved: {detail}");
    assert!(open_tickets_in_archived_teams(h).await.is_empty());
}

/// A deletion, a transfer into the same team and a new ticket for it, sent
/// at the same moment, round after round: either both tickets land and the
/// deletion is refused, or the team goes and both are refused (422 naming
/// `team_id`); never a ticket in the archived team.
async fn deletes_and_transfers_in_parallel_never_leave_an_open_ticket_in_an_archived_team(
    h: &Harness,
) {
    let mut outcomes = std::collections::BTreeSet::new();
    for round in 0..ROUNDS {
        let team = team_with_history(h, &format!("Round {round}")).await;
        let ticket = h.ticket("Parcel came back", Some(h.team)).await;
        let transfer = spawn(
            h,
            Method::POST,
            format!("/api/v1/tickets/{ticket}/transfer"),
            Some(json!({"team_id": team.0, "note": "Returns handles parcels that come back."})),
        );
        let creation = spawn(
            h,
            Method::POST,
            "/api/v1/tickets".into(),
            Some(
                json!({"subject": "Another return", "customer_email": "ann.lee@example.com",
                        "team_id": team.0, "message": "The parcel came back to me."}),
            ),
        );
        let deletion = spawn(h, Method::DELETE, format!("/api/v1/teams/{}", team.0), None);
        let (moved, moved_body) = transfer.await.unwrap();
        let (created, created_body) = creation.await.unwrap();
        let (deleted, deleted_body) = deletion.await.unwrap();
        let (_, detail) = h.get(&format!("/api/v1/tickets/{ticket}"), &h.agent).await;
        match (moved.as_u16(), created.as_u16(), deleted.as_u16()) {
            (200, 201, 409) => {
                assert_eq!(detail["ticket"]["team_id"], team.0, "{detail}");
                assert_eq!(created_body["ticket"]["team_id"], team.0, "{created_body}");
            }
            (422, 422, 204) => {
                assert_eq!(moved_body["error"]["field"], "team_id", "{moved_body}");
                assert_eq!(created_body["error"]["field"], "team_id", "{created_body}");
                assert_eq!(detail["ticket"]["team_id"], h.team.0, "{detail}");
            }
            other => panic!(
                "round {round}: transfer, creation and deletion {other:?}: {moved_body} {created_body} {deleted_body}"
            ),
        }
        outcomes.insert((moved.as_u16(), created.as_u16(), deleted.as_u16()));
        assert_eq!(
            open_tickets_in_archived_teams(h).await,
            Vec::<i64>::new(),
            "round {round}"
        );
    }
    eprintln!("outcomes seen: {outcomes:?}");
}

/// The ticket's last transfer: by the system out of `team` to no
/// team, its owner kept, with the hand-off note naming the team.
async fn assert_rerouted(h: &Harness, id: i64, team: TeamId, name: &str) {
    let (_, detail) = h.get(&format!("/api/v1/tickets/{id}"), &h.agent).await;
    assert_eq!(detail["ticket"]["status"], "open", "{detail}");
    assert_eq!(detail["ticket"]["team_id"], Value::Null, "{detail}");
    assert_eq!(detail["ticket"]["owner_id"], h.agent_id.0, "{detail}");
    let (_, events) = h
        .get(&format!("/api/v1/tickets/{id}/events"), &h.agent)
        .await;
    let last = events
        .as_array()
        .unwrap()
        .iter()
        .rfind(|e| e["type"] == "transferred")
        .unwrap_or_else(|| panic!("no transfer: {events}"))
        .clone();
    assert_eq!(last["type"], "transferred", "{events}");
    assert_eq!(last["actor_kind"], "system", "{last}");
    assert_eq!(last["data"]["from_team"], team.0, "{last}");
    assert_eq!(last["data"]["to_team"], Value::Null, "{last}");
    assert_eq!(last["data"]["to_agent"], h.agent_id.0, "{last}");
    let note = last["data"]["note"].as_str().unwrap();
    assert!(
        note.contains(name) && note.contains("general queue"),
        "{note}"
    );
}

/// A solved ticket whose team was deleted (archived) meanwhile, reopened by
/// the customer's words or by an agent, moves to the general queue; a
/// reopened ticket of a team in use stays where it is.
async fn a_reopened_ticket_leaves_its_archived_team_for_the_general_queue(h: &Harness) {
    let (s, t) = h
        .post("/api/v1/teams", &h.lead, json!({"name": "Lamps <b>"}))
        .await;
    assert_eq!(s, 201, "{t}");
    let team = TeamId(t["id"].as_i64().unwrap());
    let wrote = h.solved_ticket("Lamp arrived broken", Some(team)).await;
    let reopened = h.solved_ticket("Lamp arrived broken", Some(team)).await;
    let mailed = h.solved_ticket("Lamp arrived broken", Some(team)).await;
    let kept = h.solved_ticket("Lamp arrived broken", Some(h.team)).await;
    let (s, b) = h
        .call(
            Method::DELETE,
            &format!("/api/v1/teams/{}", team.0),
            Some(&h.lead),
            None,
        )
        .await;
    assert_eq!(s, 204, "{b}");
    assert!(h.store.team(team).await.unwrap().archived_at.is_some());

    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{wrote}/messages"),
            &h.agent,
            json!({"kind": "customer", "body": "It has not arrived."}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(
        b["ticket"]["team_id"],
        Value::Null,
        "the answer says so: {b}"
    );
    assert_rerouted(h, wrote, team, "Lamps <b>").await;

    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{reopened}/status"),
            &h.agent,
            json!({"status": "open"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_rerouted(h, reopened, team, "Lamps <b>").await;

    // By mail: the customer answers with the ticket's token in the subject.
    let raw = format!(
        "Message-ID: <again-{mailed}@example.com>\r\nFrom: Ann Lee <ann.lee@example.com>\r\n\
         To: support@localhost\r\nSubject: Re: [#{mailed}] Lamp arrived broken\r\n\r\n\
         The new lamp is broken too.\r\n"
    );
    let outcome = h.app.ingest_mail(raw.as_bytes()).await.unwrap();
    assert_eq!(outcome.ticket(), Some(TicketId(mailed)), "{outcome:?}");
    assert_rerouted(h, mailed, team, "Lamps <b>").await;

    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{kept}/messages"),
            &h.agent,
            json!({"kind": "customer", "body": "It has not arrived."}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    let (_, detail) = h.get(&format!("/api/v1/tickets/{kept}"), &h.agent).await;
    assert_eq!(detail["ticket"]["team_id"], h.team.0, "{detail}");
    let (_, events) = h
        .get(&format!("/api/v1/tickets/{kept}/events"), &h.agent)
        .await;
    assert!(
        events
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["type"] != "transferred"),
        "{events}"
    );
    assert!(open_tickets_in_archived_teams(h).await.is_empty());
}
