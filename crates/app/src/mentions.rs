//! @mentions in internal notes: `@ana` (the local part of an agent's
//! login address), `@ana@example.com` (the whole address) or `@Ana` (the
//! first word of an agent's name, when only one active agent has it) tells
//! that agent, with a notification naming the ticket and who wrote.

use crate::notices;
use rapport_core::{AgentId, TicketId};
use rapport_store::{AgentRecord, NewNotification, NotificationKind};

/// Who a note tells: the agents it mentions and the name of who wrote it.
#[derive(Debug, Default)]
pub(crate) struct Mentions {
    /// The active agents mentioned, other than the author, each once.
    pub told: Vec<AgentId>,
    /// The author's name, as the notification gives it.
    pub author: String,
}

impl Mentions {
    /// The mentions of a note written by `author` among `agents`.
    pub fn of_note(text: &str, agents: &[AgentRecord], author: AgentId) -> Self {
        Self {
            told: mentioned(text, agents, author),
            author: agents
                .iter()
                .find(|a| a.id == author)
                .map(|a| a.name.clone())
                .unwrap_or_default(),
        }
    }

    /// The notifications telling each agent mentioned.
    pub fn notifications(&self, ticket: TicketId, subject: &str) -> Vec<NewNotification> {
        notifications(&self.told, ticket, subject, &self.author)
    }
}

/// The active agents a note mentions, other than its author, each once.
pub(crate) fn mentioned(text: &str, agents: &[AgentRecord], author: AgentId) -> Vec<AgentId> {
    let mut found = Vec::new();
    for handle in handles(text) {
        let Some(agent) = resolve(&handle, agents) else {
            continue;
        };
        if agent != author && !found.contains(&agent) {
            found.push(agent);
        }
    }
    found
}

/// The words after each `@` that starts a word, lower-cased, without the
/// punctuation that ends a sentence; each once, in the order first written
/// (a note repeating `@ana` a thousand times costs one lookup).
fn handles(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut previous = ' ';
    for (at, c) in text.char_indices() {
        if c == '@' && !previous.is_alphanumeric() {
            let rest = &text[at + 1..];
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '+' | '@')))
                .unwrap_or(rest.len());
            let handle = rest[..end].trim_end_matches(['.', '-', '_']);
            let handle = handle.to_lowercase();
            if !handle.is_empty() && seen.insert(handle.clone()) {
                out.push(handle);
            }
        }
        previous = c;
    }
    out
}

/// The active agent a handle names: a whole address, an address's local
/// part, or a first name no other active agent shares.
fn resolve(handle: &str, agents: &[AgentRecord]) -> Option<AgentId> {
    let active = || agents.iter().filter(|a| a.active);
    if let Some(a) = active().find(|a| a.email == handle) {
        return Some(a.id);
    }
    if let Some(a) = active().find(|a| a.email.split('@').next() == Some(handle)) {
        return Some(a.id);
    }
    let mut by_name = active().filter(|a| {
        a.name
            .split_whitespace()
            .next()
            .is_some_and(|first| first.to_lowercase() == handle)
    });
    match (by_name.next(), by_name.next()) {
        (Some(a), None) => Some(a.id),
        _ => None,
    }
}

/// The notifications of a note's mentions.
fn notifications(
    mentioned: &[AgentId],
    ticket: TicketId,
    subject: &str,
    author: &str,
) -> Vec<NewNotification> {
    let words = msg!(
        "notification.mention",
        who = author,
        ticket = ticket,
        subject = subject
    );
    mentioned
        .iter()
        .map(|agent| notices::note(*agent, Some(ticket), NotificationKind::Mention, &words))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rapport_core::{Role, Timestamp};

    fn agent(id: i64, email: &str, name: &str, active: bool) -> AgentRecord {
        AgentRecord {
            id: AgentId(id),
            email: email.into(),
            name: name.into(),
            role: Role::Agent,
            password_hash: None,
            active,
            created_at: Timestamp(0),
            time_zone: None,
            language: None,
        }
    }

    #[test]
    fn each_handle_is_looked_up_once_however_often_it_is_written() {
        let text = format!("{} @Bea, and @ana", "@bea ".repeat(5_000));
        assert_eq!(handles(&text), vec!["bea".to_string(), "ana".to_string()]);
        let agents = [
            agent(1, "ana@example.com", "Ana Silva", true),
            agent(2, "bea@example.com", "Bea Lima", true),
        ];
        let mentions = Mentions::of_note(&text, &agents, AgentId(1));
        assert_eq!(mentions.told, vec![AgentId(2)]);
        assert_eq!(mentions.author, "Ana Silva");
        assert_eq!(
            mentions
                .notifications(rapport_core::TicketId(9), "Lamp")
                .len(),
            1
        );
    }

    #[test]
    fn handles_name_agents_by_address_local_part_or_unique_first_name() {
        let agents = [
            agent(1, "ana@example.com", "Ana Silva", true),
            agent(2, "bea.lima@example.com", "Bea Lima", true),
            agent(3, "carl@example.com", "Carl One", true),
            agent(4, "carl2@example.com", "Carl Two", true),
            agent(6, "e1@example.com", "Eve One", true),
            agent(7, "e2@example.com", "Eve Two", true),
            agent(5, "dora@example.com", "Dora Gone", false),
        ];
        let author = AgentId(1);
        assert_eq!(
            mentioned("@bea.lima, can you look? cc @Ana", &agents, author),
            vec![AgentId(2)]
        );
        assert_eq!(mentioned("Thanks @Bea.", &agents, author), vec![AgentId(2)]);
        assert_eq!(
            mentioned("@carl2@example.com and @carl", &agents, author),
            vec![AgentId(4), AgentId(3)]
        );
        // Two agents are called Eve: the first name names neither.
        assert!(mentioned("@Eve?", &agents, author).is_empty());
        assert_eq!(mentioned("@Eve?", &agents[..5], author), vec![AgentId(6)]);
        assert!(mentioned("@dora @nobody mail@bea", &agents, author).is_empty());
        assert_eq!(
            mentioned("@bea @BEA @bea.lima@example.com", &agents, author),
            vec![AgentId(2)]
        );
    }
}
