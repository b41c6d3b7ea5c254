//! System notes written in a fixed, recognisable stored form (searchable
//! and readable through the API as they are) and shown to agents in their
//! own language: the page reads the form back into its parts and fills the
//! catalogue's words (`note.*`). Notes stored before keep the same form, so
//! they read in the agent's language too; a note in no known form is shown
//! as it was stored.

use crate::i18n::Lang;

/// The stored form's start of an automatic-reply note.
const AUTO_REPLY: &str = "Automatic reply received (";
/// What ends the reason in an automatic-reply note.
const AUTO_REPLY_END: &str = "): ";

/// The stored text of the note that an automatic reply (out of office,
/// list mail) came in: why it counts as automatic, and what it said.
pub fn auto_reply_note(why: &str, text: &str) -> String {
    format!("{AUTO_REPLY}{why}{AUTO_REPLY_END}{text}")
}

/// A system note's text in the reader's language, when it is in a known
/// stored form.
pub fn system_note_words(lang: Lang, stored: &str) -> Option<String> {
    let rest = stored.strip_prefix(AUTO_REPLY)?;
    let (why, text) = rest.split_once(AUTO_REPLY_END)?;
    let why = reason_words(lang, why);
    let filled = lang.fill("note.auto_reply", &[("why", "\u{0}why\u{0}")]);
    Some(
        filled
            .replacen("{text}", text, 1)
            .replacen("\u{0}why\u{0}", &why, 1),
    )
}

/// Why mail counts as automatic, in the reader's language (a header and its
/// value stay as they are: they are what the mail carried).
fn reason_words(lang: Lang, why: &str) -> String {
    if why == "mailing list" {
        return lang.text("note.auto_reply.mailing_list").to_string();
    }
    match why.strip_prefix("subject starts with ") {
        Some(prefix) => lang.fill("note.auto_reply.subject", &[("prefix", prefix)]),
        None => why.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_auto_reply_note_reads_in_the_agents_language() {
        let stored = auto_reply_note("mailing list", "Away until Monday.");
        assert_eq!(
            system_note_words(Lang::En, &stored).as_deref(),
            Some("Automatic reply received (mailing list): Away until Monday.")
        );
        assert_eq!(
            system_note_words(Lang::De, &stored).as_deref(),
            Some("Automatische Antwort erhalten (Mailingliste): Away until Monday.")
        );
        // A note stored before this module, written by the same words.
        let old =
            "Automatic reply received (subject starts with \"out of office\"): Back soon {why}";
        assert_eq!(
            system_note_words(Lang::De, old).as_deref(),
            Some(
                "Automatische Antwort erhalten (Betreff beginnt mit \"out of office\"): Back soon {why}"
            )
        );
        let header = auto_reply_note("Auto-Submitted: auto-replied", "x");
        assert_eq!(
            system_note_words(Lang::De, &header).as_deref(),
            Some("Automatische Antwort erhalten (Auto-Submitted: auto-replied): x")
        );
        assert_eq!(system_note_words(Lang::De, "Delivery failed"), None);
    }
}
