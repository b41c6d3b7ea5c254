//! The lines of a ticket's history on its page, in the reader's language
//! (`event.*` in the catalogues; statuses, priorities and channels as
//! people read them, not their wire names).

use super::render::word;
use rapport_app::i18n::Lang;
use rapport_core::{AgentId, EventKind, NoteWords};

/// One line of the ticket's history.
pub fn describe(
    (lang, zone): (Lang, &jiff::tz::TimeZone),
    who: &str,
    kind: &EventKind,
    agent_name: &dyn Fn(AgentId) -> String,
) -> String {
    let team = |t: &Option<rapport_core::TeamId>| {
        t.map_or_else(
            || lang.text("event.no_team").to_string(),
            |t| lang.fill("event.team", &[("team", &t.to_string())]),
        )
    };
    let fill = |key: &str, values: &[(&str, &str)]| with_who(lang, who, key, values);
    match kind {
        EventKind::Created { channel, .. } => fill(
            "event.created",
            &[("channel", word(lang, "channel", channel.as_str()))],
        ),
        EventKind::StatusChanged { from, to } => fill(
            "event.status",
            &[
                ("from", word(lang, "status", from.as_str())),
                ("to", word(lang, "status", to.as_str())),
            ],
        ),
        EventKind::Assigned { to, .. } => fill("event.assigned", &[("to", &agent_name(*to))]),
        EventKind::Transferred {
            to_agent,
            to_team,
            note,
            words,
            ..
        } => fill(
            "event.transferred",
            &[
                ("to", &to_agent.map_or_else(|| team(to_team), agent_name)),
                ("note", &note_in(lang, note, words.as_ref())),
            ],
        ),
        EventKind::Replied { .. } => fill("event.replied", &[]),
        EventKind::Noted { .. } => fill("event.noted", &[]),
        EventKind::CustomerWrote { .. } => fill("event.wrote", &[]),
        EventKind::Tagged { added, removed } => fill(
            "event.tagged",
            &[
                ("added", &added.join(", ")),
                ("removed", &removed.join(", ")),
            ],
        ),
        EventKind::PriorityChanged { from, to } => fill(
            "event.priority",
            &[
                ("from", word(lang, "priority", from.as_str())),
                ("to", word(lang, "priority", to.as_str())),
            ],
        ),
        EventKind::CoachOverridden { checks, reason, .. } => fill(
            "event.coach_overridden",
            &[("checks", &check_names(lang, checks)), ("reason", reason)],
        ),
        EventKind::CoachFound { checks, .. } => fill(
            "event.coach_found",
            &[("checks", &check_names(lang, checks))],
        ),
        other => describe_more((lang, zone), who, other, agent_name),
    }
}

/// A note as its reader reads it: Rapport's own in the reader's language
/// (from its stored words), an agent's (or an old row's) as written.
fn note_in(lang: Lang, note: &str, words: Option<&NoteWords>) -> String {
    match words {
        Some(words) if Lang::has(&words.key) => {
            let values: Vec<(&str, &str)> = words
                .values
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect();
            lang.fill(&words.key, &values)
        }
        _ => note.to_string(),
    }
}

/// A catalogue text with `{who}` and the other values filled in.
fn with_who(lang: Lang, who: &str, key: &str, values: &[(&str, &str)]) -> String {
    let mut all: Vec<(&str, &str)> = Vec::with_capacity(values.len() + 1);
    all.push(("who", who));
    all.extend_from_slice(values);
    lang.fill(key, &all)
}

/// The promises', response targets', closings' and feedback's lines.
fn describe_more(
    (lang, zone): (Lang, &jiff::tz::TimeZone),
    who: &str,
    kind: &EventKind,
    agent_name: &dyn Fn(AgentId) -> String,
) -> String {
    let fill = |key: &str, values: &[(&str, &str)]| with_who(lang, who, key, values);
    match kind {
        EventKind::PromiseMade {
            promise_id, text, ..
        } => fill(
            "event.promise_made",
            &[("promise", &promise_id.to_string()), ("text", text)],
        ),
        EventKind::PromiseRescheduled { promise_id, .. } => fill(
            "event.promise_rescheduled",
            &[("promise", &promise_id.to_string())],
        ),
        EventKind::PromiseReminded { promise_id, .. } => fill(
            "event.promise_reminded",
            &[("promise", &promise_id.to_string())],
        ),
        EventKind::PromiseKept {
            promise_id,
            on_time,
        } => fill(
            if *on_time {
                "event.promise_kept"
            } else {
                "event.promise_kept_late"
            },
            &[("promise", &promise_id.to_string())],
        ),
        EventKind::PromiseBroken { promise_id, .. } => fill(
            "event.promise_broken",
            &[("promise", &promise_id.to_string())],
        ),
        EventKind::PromiseDropped { promise_id } => fill(
            "event.promise_dropped",
            &[("promise", &promise_id.to_string())],
        ),
        EventKind::SlaClock {
            clock,
            change,
            elapsed_minutes,
            target_minutes,
            ..
        } => fill(
            "event.sla_clock",
            &[
                ("clock", word(lang, "sla.clock", clock.as_str())),
                ("change", word(lang, "sla.change", change.as_str())),
                ("elapsed", &elapsed_minutes.to_string()),
                ("target", &target_minutes.to_string()),
            ],
        ),
        EventKind::ClosedAsSpam { reason, .. } => fill("event.spam", &[("reason", reason)]),
        EventKind::ClosedAsDuplicate { of, reason, .. } => fill(
            "event.duplicate",
            &[("of", &of.to_string()), ("reason", reason)],
        ),
        EventKind::SatisfactionRated { rating, comment } => match comment {
            Some(comment) => fill(
                "event.rated_comment",
                &[("rating", &rating.to_string()), ("comment", comment)],
            ),
            None => fill("event.rated", &[("rating", &rating.to_string())]),
        },
        EventKind::RecoveryOpened {
            task_id,
            lead_id,
            due_at,
            ..
        } => fill(
            "event.recovery_opened",
            &[
                ("task", &task_id.to_string()),
                (
                    "lead",
                    &lead_id.map_or_else(|| lang.text("event.the_admins").to_string(), agent_name),
                ),
                ("due", &rapport_app::i18n::format_time(lang, *due_at, zone)),
            ],
        ),
        EventKind::RecoveryFollowedUp {
            task_id,
            outcome,
            note,
        } => fill(
            "event.recovery_followed_up",
            &[
                ("task", &task_id.to_string()),
                ("outcome", word(lang, "recovery.outcome", outcome.as_str())),
                ("note", note),
            ],
        ),
        EventKind::ReviewImported {
            source,
            rating,
            url,
            ..
        } => {
            let rated = rating
                .map(|r| lang.fill("event.review_rating", &[("rating", &r.to_string())]))
                .unwrap_or_default();
            let link = url.as_ref().map(|u| format!(" ({u})")).unwrap_or_default();
            format!(
                "{}{rated}{link}",
                fill("event.review_imported", &[("source", source)])
            )
        }
        // The first lines are described by `describe`.
        _ => String::new(),
    }
}

/// The coach's checks as the reader names them (`coach.check.<check>`).
fn check_names(lang: Lang, checks: &[String]) -> String {
    let names: Vec<String> = checks
        .iter()
        .map(|c| super::render::check_name(lang, c))
        .collect();
    names.join(", ")
}
