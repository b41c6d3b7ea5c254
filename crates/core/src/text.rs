//! The one rule for text that people and programs hand to Rapport.
//!
//! Control characters have no place in a subject, a name or a reply, and
//! the two databases disagree about them: PostgreSQL refuses NUL in `TEXT`
//! while SQLite stores it. So every entry point refuses them, with one
//! exception list: tab and line feed, and carriage return when it starts a
//! CRLF line break (which the web layer stores as a plain line feed).

/// The first control character in `text` that the rule refuses, if any:
/// every Unicode control character (C0, DEL and C1) except tab, line feed
/// and the carriage return of a CRLF pair.
pub fn forbidden_control(text: &str) -> Option<char> {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let allowed = match c {
            '\t' | '\n' => true,
            '\r' => chars.peek() == Some(&'\n'),
            c => !c.is_control(),
        };
        if !allowed {
            return Some(c);
        }
    }
    None
}

/// Says why a text breaks the rule, naming the character as U+XXXX.
pub fn check_text(text: &str) -> Result<(), String> {
    match forbidden_control(text) {
        None => Ok(()),
        Some(c) => Err(format!(
            "must not contain control characters (found U+{:04X}); only tab and line breaks are allowed",
            u32::from(c)
        )),
    }
}

/// Turns every CRLF line break into a line feed, so stored text has one kind.
pub fn normalize_newlines(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains("\r\n") {
        std::borrow::Cow::Owned(text.replace("\r\n", "\n"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_control_characters_but_tab_and_line_breaks() {
        assert_eq!(forbidden_control("Hello\tworld\nbye\r\n"), None);
        assert_eq!(forbidden_control("a\u{0}b"), Some('\u{0}'));
        assert_eq!(forbidden_control("bell\u{7}"), Some('\u{7}'));
        assert_eq!(forbidden_control("del\u{7f}"), Some('\u{7f}'));
        assert_eq!(forbidden_control("c1\u{85}"), Some('\u{85}'));
        assert_eq!(forbidden_control("lone\rcr"), Some('\r'));
        assert_eq!(forbidden_control("end\r"), Some('\r'));
        assert_eq!(forbidden_control("Zoë – ok ✓"), None);
        assert!(check_text("x\u{1b}[31m").is_err_and(|m| m.contains("U+001B")));
    }

    #[test]
    fn crlf_becomes_lf() {
        assert_eq!(normalize_newlines("a\r\nb\r\n"), "a\nb\n");
        assert!(matches!(
            normalize_newlines("a\nb"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
