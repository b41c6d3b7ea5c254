//! Every word a page shows comes from the catalogues (`rapport_app::i18n`):
//! the keys the templates and page code ask for exist, the closed lists
//! shown to people (statuses, priorities, channels, views…) have a word in
//! every language, and no template has words written in it outside a
//! `t(...)` call, so a new page cannot slip through in English only.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use rapport_app::i18n::{LANGS, Lang};
use std::path::{Path, PathBuf};

/// Text a template may show as written: content of `<kbd>` (keys on the
/// keyboard) and `<code>` (what people type: query syntax, headers, paths),
/// and these tokens, which are the same in every language.
const ALLOWED: &[&str] = &[];

fn files_under(folders: &[&str]) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    let mut todo: Vec<PathBuf> = folders.iter().map(|f| root.join(f)).collect();
    while let Some(folder) = todo.pop() {
        for entry in std::fs::read_dir(folder).expect("read the folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                todo.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Every `t("key")`, `t1("key"`, `t2("key"` and `text("key")` of the
/// templates and page code.
fn keys_used() -> Vec<String> {
    let mut keys = Vec::new();
    for file in files_under(&["templates", "src/pages"]) {
        let text = std::fs::read_to_string(&file).expect("read a file");
        for marker in ["t(\"", "t1(\"", "t2(\"", "text(\"", "fill(\""] {
            for (at, _) in text.match_indices(marker) {
                let rest = &text[at + marker.len()..];
                let end = rest.find('"').expect("a closing quote");
                let key = &rest[..end];
                if key.contains('.') && !key.contains(' ') {
                    keys.push(key.to_string());
                }
            }
        }
    }
    keys
}

#[test]
fn every_text_a_page_asks_for_is_in_the_catalogues() {
    let keys = keys_used();
    assert!(keys.len() > 300, "found only {}", keys.len());
    for key in keys {
        assert!(Lang::has(&key), "{key} is not in the catalogues");
    }
}

#[test]
fn every_word_of_a_closed_list_is_in_the_catalogues() {
    use rapport_core::{Channel, Priority, Status};
    let mut keys: Vec<String> = Vec::new();
    keys.extend(Status::ALL.iter().map(|s| format!("status.{s}")));
    keys.extend(Priority::ALL.iter().map(|p| format!("priority.{p}")));
    keys.extend(Channel::ALL.iter().map(|c| format!("channel.{c}")));
    keys.extend(
        rapport_app::workspace::View::ALL
            .iter()
            .map(|v| format!("view.{}", v.as_str())),
    );
    keys.extend(
        rapport_app::reports::ReportTable::ALL
            .iter()
            .map(|t| format!("report.table.{}", t.as_str())),
    );
    keys.extend(
        rapport_core::report::figures::FIGURE_COLUMNS
            .iter()
            .map(|c| format!("report.col.{c}")),
    );
    keys.extend(["hint", "warn", "block"].map(|s| format!("coach.severity.{s}")));
    for key in keys {
        assert!(Lang::has(&key), "{key} is not in the catalogues");
        for lang in LANGS {
            assert_ne!(lang.text(&key), "?", "{key} in {lang}");
        }
    }
}

/// Each of the coach's fixed suggestions is in every catalogue, and the
/// English text is the coach's own sentence, so the two cannot drift.
#[test]
fn every_coach_suggestion_is_in_the_catalogues_as_the_coach_says_it() {
    for advice in rapport_coach::Advice::ALL {
        let key = format!("coach.suggest.{}", advice.code());
        assert!(Lang::has(&key), "{key} is not in the catalogues");
        assert_eq!(Lang::En.text(&key), advice.english(), "{key}");
        for lang in LANGS.into_iter().filter(|l| *l != Lang::En) {
            let text = lang.text(&key);
            assert!(text != "?" && text != advice.english(), "{key} in {lang}");
        }
    }
}

/// Cuts every `open ... close` span out of `text`, keeping `keep` of it
/// (nothing, or the markers themselves when `keep_markers`).
fn cut(text: &str, open: &str, close: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(open) {
        out.push_str(&rest[..start]);
        out.push(' ');
        match rest[start + open.len()..].find(close) {
            Some(end) => rest = &rest[start + open.len() + end + close.len()..],
            None => {
                rest = "";
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The words a template shows as written (outside template expressions,
/// tags' names and plumbing, `<kbd>` and `<code>`): its text nodes and its
/// `aria-label`, `placeholder`, `alt` and `title` attributes.
fn written_words(template: &str) -> Vec<String> {
    let mut text = template.to_string();
    for (open, close) in [
        ("{#", "#}"),
        ("{{", "}}"),
        ("{%", "%}"),
        ("<kbd>", "</kbd>"),
        ("<code>", "</code>"),
    ] {
        text = cut(&text, open, close);
    }
    let mut found = Vec::new();
    let mut shown = String::new();
    let mut rest = text.as_str();
    while let Some(open) = rest.find('<') {
        shown.push_str(&rest[..open]);
        shown.push(' ');
        let Some(close) = rest[open..].find('>') else {
            break;
        };
        let tag = &rest[open..open + close];
        for attribute in ["aria-label=\"", "placeholder=\"", "alt=\"", "title=\""] {
            if let Some(at) = tag.find(attribute) {
                let value = &tag[at + attribute.len()..];
                shown.push_str(&value[..value.find('"').unwrap_or(value.len())]);
                shown.push(' ');
            }
        }
        rest = &rest[open + close + 1..];
    }
    shown.push_str(rest);
    for word in shown.split(|c: char| !c.is_alphanumeric() && c != '-' && c != '\'') {
        if word.chars().any(char::is_alphabetic) && !ALLOWED.contains(&word) {
            found.push(word.to_string());
        }
    }
    found
}

#[test]
fn the_scanner_finds_words_written_in_a_template() {
    assert_eq!(written_words("<p>Hello {{ name }}</p>"), vec!["Hello"]);
    assert_eq!(
        written_words("<input aria-label=\"Tick all\" value=\"{{ v }}\">"),
        vec!["Tick", "all"]
    );
    assert!(written_words("<p>{{ chrome.t(\"a.b\") }} <kbd>j</kbd> · #{{ id }}</p>").is_empty());
    assert!(written_words("{% if x %}<a href=\"/app\" class=\"secondary\">{% endif %}").is_empty());
}

#[test]
fn no_template_has_words_written_outside_the_catalogue() {
    let templates = files_under(&["templates"]);
    assert!(templates.len() > 25, "found only {}", templates.len());
    let mut problems = Vec::new();
    for file in templates {
        let text = std::fs::read_to_string(&file).expect("read a template");
        let words = written_words(&text);
        if !words.is_empty() {
            problems.push(format!("{}: {}", file.display(), words.join(" ")));
        }
    }
    assert!(
        problems.is_empty(),
        "words written in templates instead of the catalogues (use chrome.t):\n{}",
        problems.join("\n")
    );
}
