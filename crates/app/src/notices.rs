//! The words of agents' notifications: each is written as a catalogue key
//! and its values (`words`, beside the English `text` the API shows) and
//! read in the agent's language. A clock is stored by its wire name and a
//! due time as an instant with the zone it is read in, so both read in the
//! reader's words and format.

use crate::Msg;
use crate::i18n::{Lang, format_time};
use rapport_core::Timestamp;
use rapport_core::{AgentId, TicketId};
use rapport_store::{NewNotification, NotificationKind};

/// A notification to write: its English text and its stored words.
pub(crate) fn note(
    agent_id: AgentId,
    ticket_id: Option<TicketId>,
    kind: NotificationKind,
    words: &Msg,
) -> NewNotification {
    NewNotification {
        agent_id,
        ticket_id,
        kind,
        text: words_in(words, Lang::En),
        words: serde_json::to_string(words).ok(),
    }
}

/// The values naming a due time: the English form ("Tue 8 Dec 10:00
/// (Europe/Berlin)") and what another language formats it from.
pub(crate) fn due_args(at: Timestamp, english: String, zone: &str) -> [(&'static str, String); 3] {
    [
        ("when", english),
        ("when_us", at.0.to_string()),
        ("zone", zone.to_string()),
    ]
}

/// What a notification says in `lang`: its words, else (a row written
/// before they were stored) its English text as written.
pub fn notification_text(text: &str, words: Option<&str>, lang: Lang) -> String {
    match words.map(serde_json::from_str::<Msg>) {
        Some(Ok(words)) => words_in(&words, lang),
        _ => text.to_string(),
    }
}

/// The words in `lang`, with a clock's name and a due time in its terms.
pub(crate) fn words_in(words: &Msg, lang: Lang) -> String {
    let mut words = words.clone();
    let value = |name: &str| {
        words
            .args
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let due = match (lang, value("when_us"), value("zone")) {
        (Lang::En, _, _) => None,
        (_, Some(us), Some(zone)) => us.parse::<i64>().ok().map(|us| {
            let tz = jiff::tz::TimeZone::get(&zone).unwrap_or(jiff::tz::TimeZone::UTC);
            format!("{} ({zone})", format_time(lang, Timestamp(us), &tz))
        }),
        _ => None,
    };
    for (name, value) in &mut words.args {
        match name.as_ref() {
            "clock" => *value = lang.text(&format!("sla.clock.{value}")).to_string(),
            "when" => {
                if let Some(due) = &due {
                    value.clone_from(due);
                }
            }
            _ => {}
        }
    }
    words.text(lang)
}
