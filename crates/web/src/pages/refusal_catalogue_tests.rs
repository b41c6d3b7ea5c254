//! Every sentence a refusal, a notification or the coach can put on a page
//! is in the catalogues: the keys the use cases and pages write with
//! `msg!("...")` and `AppError::Unauthorized("...")`, "not found" for every
//! record a use case or the store names, the state machine's refusals,
//! the coach's checks and the response-target clocks. German fills only
//! values English fills, so no `{name}` is left on a German page.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use rapport_app::i18n::{LANGS, Lang};
use rapport_app::{AppError, Msg};
use rapport_core::{AgentId, Status, TicketError};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The Rust sources under these folders of the workspace's crates.
fn sources(folders: &[&str]) -> Vec<(PathBuf, String)> {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut todo: Vec<PathBuf> = folders.iter().map(|f| crates.join(f)).collect();
    let mut out = Vec::new();
    while let Some(folder) = todo.pop() {
        for entry in std::fs::read_dir(&folder).expect("read the folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|e| e == "rs")
                && !path.to_string_lossy().ends_with("_tests.rs")
            {
                let text = std::fs::read_to_string(&path).expect("read a source");
                out.push((path, text));
            }
        }
    }
    out
}

/// The string literal each `marker` is followed by (after blanks).
fn literals_after(text: &str, marker: &str) -> Vec<String> {
    text.match_indices(marker)
        .filter_map(|(at, _)| {
            let rest = text[at + marker.len()..].trim_start();
            let rest = rest.strip_prefix('"')?;
            Some(rest[..rest.find('"')?].to_string())
        })
        .collect()
}

/// The `{name}`s a text fills.
fn placeholders(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (at, _) in text.match_indices('{') {
        let rest = &text[at + 1..];
        if let Some(end) = rest.find('}') {
            let name = &rest[..end];
            if !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                out.insert(name.to_string());
            }
        }
    }
    out
}

fn assert_in_catalogues(key: &str, from: &str) {
    assert!(
        Lang::has(key),
        "{key} (from {from}) is not in the catalogues"
    );
    for lang in LANGS {
        assert_ne!(lang.text(key), "?", "{key} in {lang}");
    }
}

#[test]
fn every_refusal_a_use_case_or_page_writes_is_in_the_catalogues() {
    let files = sources(&["app/src", "web/src"]);
    let mut keys = 0;
    for (path, text) in &files {
        let from = path.display().to_string();
        for key in literals_after(text, "msg!(") {
            if key.contains('.') && !key.contains(' ') {
                assert_in_catalogues(&key, &from);
                keys += 1;
            }
        }
        // `Unauthorized` holds a key, never a sentence.
        for key in literals_after(text, "Unauthorized(") {
            assert_in_catalogues(&key, &from);
            keys += 1;
        }
    }
    assert!(keys > 150, "found only {keys} refusal keys");
}

#[test]
fn every_record_that_can_be_missing_has_its_sentence() {
    let files = sources(&["app/src", "store/src", "web/src"]);
    let mut things = BTreeSet::new();
    for (_, text) in &files {
        things.extend(literals_after(text, "NotFound("));
    }
    assert!(things.len() > 15, "found only {things:?}");
    for what in things {
        let sentence = AppError::NotFound(Box::leak(what.clone().into_boxed_str()))
            .sentence()
            .expect("a sentence");
        assert_in_catalogues(&sentence.key, &what);
        assert_eq!(sentence.text(Lang::En), format!("{what} not found"));
    }
}

#[test]
fn every_refusal_of_the_state_machine_reads_in_every_language() {
    let refusals = [
        TicketError::Closed,
        TicketError::AlreadyOwned(AgentId(7)),
        TicketError::HandOffNoteTooShort,
        TicketError::TransferGoesNowhere,
        TicketError::TransferSolved,
        TicketError::UnansweredSolve,
        TicketError::NeedsOwner(Status::Pending),
        TicketError::IllegalTransition {
            from: Status::Closed,
            to: Status::Open,
        },
        TicketError::NoChange("the status is already open"),
        TicketError::ReasonRequired,
        TicketError::DuplicateOfItself,
        TicketError::BadRating,
        TicketError::NotSolved,
        TicketError::NotCreated,
        TicketError::CustomerNote,
        TicketError::BadTag(rapport_core::TagError::Characters("a b".into())),
        TicketError::TooManyTags,
    ];
    for refusal in refusals {
        let english = refusal.to_string();
        let sentence = AppError::Refused(refusal).sentence().expect("a sentence");
        assert_in_catalogues(&sentence.key, &english);
        // The API's English stays the state machine's own sentence.
        assert_eq!(sentence.text(Lang::En), english);
        assert!(!sentence.text(Lang::De).contains('{'), "{english}");
    }
}

#[test]
fn the_coach_s_checks_and_the_clocks_have_their_words() {
    for check in rapport_coach::Check::ALL {
        for list in ["coach.check", "coach.explain"] {
            assert_in_catalogues(&format!("{list}.{}", check.name()), "the coach");
        }
    }
    for clock in ["first_response", "next_response", "resolution"] {
        assert_in_catalogues(&format!("sla.clock.{clock}"), "the clocks");
    }
}

#[test]
fn other_languages_fill_only_what_english_fills() {
    let english = include_str!("../../../app/i18n/en.txt");
    for line in english.lines().filter(|l| !l.starts_with('#')) {
        let Some((key, text)) = line.split_once(" = ") else {
            continue;
        };
        let filled = placeholders(text);
        for lang in LANGS {
            let theirs = placeholders(lang.text(key.trim()));
            assert!(
                theirs.is_subset(&filled),
                "{key} in {lang}: {theirs:?} not all in {filled:?}"
            );
        }
    }
}

#[test]
fn a_refusal_reads_in_german_and_its_english_is_the_api_s() {
    let refusal = AppError::invalid(
        "password",
        rapport_app::msg!("error.passwords.min", min = 10),
    );
    assert_eq!(
        refusal.to_string(),
        "password: must have at least 10 characters"
    );
    let sentence: Msg = refusal.sentence().expect("a sentence");
    assert_eq!(sentence.text(Lang::De), "muss mindestens 10 Zeichen haben");
    let detail = Msg::detail("line 3: no END:VEVENT");
    assert_eq!(detail.text(Lang::De), "line 3: no END:VEVENT");
}
