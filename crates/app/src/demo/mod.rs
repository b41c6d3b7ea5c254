//! Demo data: the conversations written for Rapport's demo (always, from
//! the binary; see [`written`]), enriched with real customer-care
//! conversations where `../shared/data` is present, and a few mails taken in
//! through the intake (a bounce, a quarantined message).
//!
//! Each conversation becomes a ticket whose turns are replayed through the
//! same use cases the API calls, so every demo ticket has a true event log:
//! tickets end up in every status, some transferred with hand-off notes, one
//! closed as spam and one as a duplicate.

mod written;

pub use written::{WrittenConversation, written_conversations};

use crate::tickets::{CustomerRef, MessageRole, OpenTicket};
use crate::{App, AppError, Caller};
use rapport_core::{AgentId, Channel, Command, Priority, Role, Status, TeamId, TicketId};
use serde::Deserialize;
use std::path::Path;

/// One conversation: a company and alternating customer and agent turns.
#[derive(Debug, Clone, Deserialize)]
pub struct Conversation {
    /// The brand the customer wrote to.
    pub company: String,
    /// The turns, in order.
    pub turns: Vec<Turn>,
}

/// One turn of a conversation.
#[derive(Debug, Clone, Deserialize)]
pub struct Turn {
    /// `customer` or `agent`.
    pub role: String,
    /// What was said.
    pub text: String,
}

impl Turn {
    /// Whether the customer said it.
    pub fn is_customer(&self) -> bool {
        self.role == "customer"
    }
}

/// Reads conversations from JSON lines; a bad line is an error naming it.
pub fn read_conversations(path: &Path) -> Result<Vec<Conversation>, AppError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| AppError::Internal(format!("cannot read {}: {e}", path.display())))?;
    let mut out = Vec::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let c: Conversation = serde_json::from_str(line)
            .map_err(|e| AppError::Internal(format!("{}:{}: {e}", path.display(), n + 1)))?;
        let mut c = c;
        c.turns.retain(|t| !t.text.trim().is_empty());
        if c.turns.first().is_some_and(Turn::is_customer) {
            out.push(c);
        }
    }
    Ok(out)
}

/// A few conversations to fall back on when the corpus is not beside the project.
pub fn builtin_conversations() -> Vec<Conversation> {
    let c = |company: &str, turns: &[(&str, &str)]| Conversation {
        company: company.into(),
        turns: turns
            .iter()
            .map(|(role, text)| Turn {
                role: (*role).into(),
                text: (*text).into(),
            })
            .collect(),
    };
    vec![
        c(
            "Parcelnet",
            &[
                (
                    "customer",
                    "My parcel was marked delivered yesterday but nothing arrived. Order 5521.",
                ),
                (
                    "agent",
                    "I'm sorry it hasn't reached you. I've opened a trace with the depot and will update you by tomorrow noon.",
                ),
            ],
        ),
        c(
            "Parcelnet",
            &[
                (
                    "customer",
                    "The box arrived crushed and the lamp inside is broken.",
                ),
                (
                    "agent",
                    "I'm sorry the lamp arrived broken. Could you send a photo of the box and the lamp?",
                ),
                ("customer", "Photos attached."),
                (
                    "agent",
                    "Thank you. A replacement ships today; you'll get the tracking number by e-mail.",
                ),
            ],
        ),
        c(
            "Brightbank",
            &[(
                "customer",
                "I was charged twice for my card fee this month.",
            )],
        ),
        c(
            "Brightbank",
            &[
                ("customer", "How do I change the address on my account?"),
                (
                    "agent",
                    "You can change it under Settings > Profile > Address; the change applies right away.",
                ),
            ],
        ),
        c(
            "Tunestream",
            &[
                ("customer", "The app logs me out every time I close it."),
                (
                    "agent",
                    "Thanks for telling us. Which phone and app version are you on?",
                ),
                ("customer", "Pixel 8, version 4.2.1"),
            ],
        ),
        c(
            "Tunestream",
            &[
                (
                    "customer",
                    "Can I get a refund for the family plan I bought by mistake?",
                ),
                (
                    "agent",
                    "Yes: I've refunded the family plan; the money is back on your card within 3 business days.",
                ),
            ],
        ),
    ]
}

/// A demo login, printed at start.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    /// E-mail.
    pub email: String,
    /// A fresh password.
    pub password: String,
    /// Role.
    pub role: Role,
}

const TEAMS: [&str; 3] = ["Billing", "Delivery", "Technical"];
const AGENTS: [(&str, &str, Role); 6] = [
    ("admin@rapport.demo", "Ada Admin", Role::Admin),
    ("lead@rapport.demo", "Lena Lead", Role::Lead),
    ("sam@rapport.demo", "Sam Rivera", Role::Agent),
    ("priya@rapport.demo", "Priya Shah", Role::Agent),
    ("tom@rapport.demo", "Tom Becker", Role::Agent),
    ("mei@rapport.demo", "Mei Tanaka", Role::Agent),
];
/// First names for demo customers.
pub const FIRST_NAMES: [&str; 24] = [
    "Olivia", "Liam", "Emma", "Noah", "Amelia", "Oliver", "Sophia", "Elijah", "Isabella", "Lucas",
    "Mia", "Mateo", "Aisha", "Kenji", "Zara", "Diego", "Fatima", "Ivan", "Chloe", "Arjun", "Nora",
    "Tariq", "Hana", "Jonas",
];
/// Last names for demo customers.
pub const LAST_NAMES: [&str; 20] = [
    "Johnson",
    "Garcia",
    "Nguyen",
    "Okafor",
    "Schmidt",
    "Rossi",
    "Kowalski",
    "Haddad",
    "Silva",
    "Murphy",
    "Khan",
    "Lindqvist",
    "Moreau",
    "Yilmaz",
    "Tanaka",
    "Dubois",
    "Novak",
    "Mensah",
    "Costa",
    "Fischer",
];

/// The subject a conversation's first words make.
pub fn subject_of(text: &str) -> String {
    let first = text
        .split(['\n', '.', '?', '!'])
        .find(|s| !s.trim().is_empty())
        .unwrap_or(text)
        .trim();
    let mut subject: String = first.chars().take(80).collect();
    if first.chars().count() > 80 {
        subject.push('…');
    }
    if subject.is_empty() {
        "Customer request".into()
    } else {
        subject
    }
}

/// A stable team index for a company.
pub fn team_index(company: &str) -> usize {
    company
        .bytes()
        .fold(7usize, |h, b| h.wrapping_mul(31).wrapping_add(b as usize))
        % TEAMS.len()
}

/// Makes sure the demo agents and teams exist, gives every demo agent a
/// fresh password, and returns the logins with the team ids.
pub async fn ensure_demo_staff(
    app: &App,
) -> Result<(Vec<DemoLogin>, Vec<AgentId>, Vec<TeamId>), AppError> {
    let store = app.store();
    let mut logins = Vec::new();
    let mut agent_ids = Vec::new();
    for (email, name, role) in AGENTS {
        let password = crate::auth::random_secret("")?
            .chars()
            .take(16)
            .collect::<String>();
        let id = match store.agent_by_email(email).await? {
            Some(a) => a.id,
            None => {
                app.create_agent_unchecked(email, name, role, None)
                    .await?
                    .id
            }
        };
        app.set_password(id, &password).await?;
        logins.push(DemoLogin {
            email: email.into(),
            password,
            role,
        });
        agent_ids.push(id);
    }
    let existing = store.teams().await?;
    let mut team_ids = Vec::new();
    for (i, name) in TEAMS.iter().enumerate() {
        let team = match existing.iter().find(|t| t.name == *name) {
            Some(t) => t.id,
            None => store.insert_team(name).await?.id,
        };
        // The lead is in every team; each agent in one or two.
        let members = [agent_ids[1], agent_ids[2 + i], agent_ids[2 + (i + 1) % 4]];
        store.update_team(team, None, Some(&members)).await?;
        team_ids.push(team);
    }
    Ok((logins, agent_ids, team_ids))
}

/// The demo staff by position in `AGENTS`, and the teams by name.
pub(crate) struct Staff {
    /// First name and id of each demo agent, in `AGENTS` order.
    agents: Vec<(String, AgentId)>,
    /// Team names and ids.
    teams: Vec<(String, TeamId)>,
}

impl Staff {
    fn new(agents: &[AgentId], teams: &[TeamId]) -> Self {
        Self {
            agents: AGENTS
                .iter()
                .zip(agents)
                .map(|((_, name, _), id)| (name.split(' ').next().unwrap_or(name).to_string(), *id))
                .collect(),
            teams: TEAMS
                .iter()
                .zip(teams)
                .map(|(name, id)| (name.to_string(), *id))
                .collect(),
        }
    }

    /// The demo agent at `index` as a caller of the use cases.
    fn caller(&self, index: usize) -> Caller {
        let index = index.min(self.agents.len().saturating_sub(1));
        Caller::operator(self.agents[index].1, AGENTS[index].2)
    }

    /// A team by name.
    fn team(&self, name: &str) -> Option<TeamId> {
        self.teams
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, id)| *id)
    }

    /// Another agent (not the admin or lead) to hand a ticket to.
    fn colleague_of(&self, caller: &Caller) -> AgentId {
        let workers = &self.agents[2..];
        let at = workers
            .iter()
            .position(|(_, id)| *id == caller.agent_id)
            .unwrap_or(0);
        workers[(at + 1) % workers.len()].1
    }
}

/// Seeds the demo (only into an empty help desk): the written
/// conversations, then `corpus` (real conversations, where present), then
/// a few mails through the intake. Returns how many tickets were made.
pub async fn seed_demo(
    app: &App,
    corpus: &[Conversation],
    agents: &[AgentId],
    teams: &[TeamId],
) -> Result<usize, AppError> {
    let any = app
        .store()
        .list_tickets(&rapport_store::TicketFilter {
            limit: 1,
            ..Default::default()
        })
        .await?;
    if !any.is_empty() || agents.len() < AGENTS.len() || teams.len() < TEAMS.len() {
        return Ok(0);
    }
    let staff = Staff::new(agents, teams);
    let written = written::seed_written(app, &staff).await?.len();
    let corpus = seed_corpus(app, &staff, corpus).await?;
    let mails = seed_mail(app).await?;
    Ok(written + corpus + mails)
}

/// Mail through the real intake: a customer's message, the delivery report
/// of a message to an address that no longer works, and a message without a
/// sender, which waits in quarantine for an admin.
async fn seed_mail(app: &App) -> Result<usize, AppError> {
    let mails: [&[u8]; 3] = [
        b"From: Noor Haddad <noor.haddad@example.net>\r\nTo: support@localhost\r\nSubject: Invoice address\r\nMessage-ID: <demo-noor-1@example.net>\r\nDate: Mon, 30 Nov 2026 09:12:00 +0100\r\n\r\nHello, please send my invoices to noor@old-employer.example from now on.\r\n",
        b"From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\r\nTo: support@localhost\r\nSubject: Undelivered Mail Returned to Sender\r\nMessage-ID: <demo-bounce-1@mx.example.net>\r\nAuto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"r\"\r\n\r\n--r\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n--r\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.net\r\n\r\nFinal-Recipient: rfc822; noor.haddad@example.net\r\nAction: failed\r\nStatus: 5.1.1\r\n--r\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <demo-noor-1@example.net>\r\nFrom: Noor Haddad <noor.haddad@example.net>\r\n--r--\r\n",
        b"Subject: no sender at all\r\nMessage-ID: <demo-nosender@example.org>\r\n\r\nWho wrote this?\r\n",
    ];
    let outcomes = app.ingest_batch(&mails).await?;
    Ok(outcomes
        .iter()
        .filter(|o| matches!(o, crate::intake::IngestOutcome::Created(_)))
        .count())
}

/// Real conversations (the shared corpus), replayed with made-up customers;
/// statuses are spread by position.
async fn seed_corpus(
    app: &App,
    staff: &Staff,
    conversations: &[Conversation],
) -> Result<usize, AppError> {
    let store = app.store();
    let caller = |i: usize| staff.caller(i);
    let teams: Vec<TeamId> = staff.teams.iter().map(|(_, id)| *id).collect();
    let agents: Vec<AgentId> = staff.agents.iter().map(|(_, id)| *id).collect();
    let lead = caller(1);
    let mut created: Vec<TicketId> = Vec::new();
    for (i, conversation) in conversations.iter().enumerate() {
        let Some(first) = conversation.turns.first() else {
            continue;
        };
        let team = teams[team_index(&conversation.company)];
        let worker = caller(2 + i % 4);
        let first_name = FIRST_NAMES[i % FIRST_NAMES.len()];
        let last_name = LAST_NAMES[(i / FIRST_NAMES.len() + i) % LAST_NAMES.len()];
        let open = OpenTicket {
            subject: subject_of(&first.text),
            customer: CustomerRef::Email {
                email: format!(
                    "{}.{}{}@example.com",
                    first_name.to_lowercase(),
                    last_name.to_lowercase(),
                    i % 7
                ),
                name: format!("{first_name} {last_name}"),
            },
            channel: Channel::Social,
            priority: [
                Priority::Normal,
                Priority::Normal,
                Priority::High,
                Priority::Low,
                Priority::Urgent,
            ][i % 5],
            team_id: Some(team),
            tags: vec![conversation.company.to_lowercase()],
            message: Some(first.text.clone()),
        };
        let id = app.open_ticket(&worker, open).await?.ticket.id;
        created.push(id);
        let stays_new = i % 10 == 0;
        for turn in conversation.turns.iter().skip(1) {
            if stays_new && !turn.is_customer() {
                break;
            }
            let role = if turn.is_customer() {
                MessageRole::FromCustomer
            } else {
                MessageRole::Reply
            };
            // These replies were really sent; where the coach objects, the import says so.
            app.add_message(
                &worker,
                id,
                role,
                &turn.text,
                Some("imported from a real conversation"),
                &[],
            )
            .await?;
        }
        let ticket = store.ticket(id).await?;
        let answered = ticket.has_public_reply;
        let set = |to| Command::ChangeStatus { to };
        let note = "Customer explained the problem in the first message; first answer given, needs someone who can act on the account.";
        match i % 10 {
            _ if i == 13 => {
                app.command(
                    &lead,
                    id,
                    Command::CloseAsSpam {
                        reason: "Advertising, not a request".into(),
                    },
                )
                .await?;
            }
            _ if i == 21 && created.len() > 1 => {
                let of = created[created.len() - 2];
                app.command(
                    &lead,
                    id,
                    Command::CloseAsDuplicate {
                        of,
                        reason: "Same customer, same issue, written twice".into(),
                    },
                )
                .await?;
            }
            0 => {}
            1 if answered => {
                app.command(&worker, id, set(Status::Pending)).await?;
            }
            2 if answered => {
                app.command(&worker, id, set(Status::OnHold)).await?;
            }
            3 | 4 | 9 if answered => {
                app.command(&worker, id, set(Status::Solved)).await?;
            }
            5 if answered => {
                app.command(&worker, id, set(Status::Solved)).await?;
                app.command(&lead, id, set(Status::Closed)).await?;
            }
            6 if answered => {
                let to = agents[2 + (i + 1) % 4];
                app.command(
                    &worker,
                    id,
                    Command::Transfer {
                        to_agent: Some(to),
                        to_team: None,
                        note: note.into(),
                    },
                )
                .await?;
            }
            8 if answered => {
                let to_team = teams[(team_index(&conversation.company) + 1) % teams.len()];
                app.command(
                    &worker,
                    id,
                    Command::Transfer {
                        to_agent: None,
                        to_team: Some(to_team),
                        note: note.into(),
                    },
                )
                .await?;
            }
            _ => {}
        }
    }
    Ok(created.len())
}
