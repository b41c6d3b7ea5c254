//! Hostile mail for the tests and `rapport bench mail-bombs`: messages of a
//! chosen size built to make intake slow (nested HTML, a References header
//! of thousands of ids, thousands of attachments, deeply nested multiparts).

/// A kind of hostile message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BombKind {
    /// `text/html` of nested `<div>`s.
    NestedHtml,
    /// A `References:` header with as many Message-IDs as fit.
    HugeReferences,
    /// `multipart/mixed` with thousands of small attachments.
    ManyAttachments,
    /// `multipart/mixed` parts nested inside each other.
    DeepMultipart,
}

impl BombKind {
    /// Every kind, for the benchmark.
    pub const ALL: [BombKind; 4] = [
        BombKind::NestedHtml,
        BombKind::HugeReferences,
        BombKind::ManyAttachments,
        BombKind::DeepMultipart,
    ];

    /// A short name for reports.
    pub fn name(self) -> &'static str {
        match self {
            BombKind::NestedHtml => "nested HTML",
            BombKind::HugeReferences => "huge References",
            BombKind::ManyAttachments => "many attachments",
            BombKind::DeepMultipart => "deep multipart",
        }
    }
}

/// A message of about `bytes` bytes (never more) of the given kind, from
/// `sender`, with a Message-ID made from `tag`.
pub fn bomb(kind: BombKind, bytes: usize, sender: &str, tag: &str) -> Vec<u8> {
    let mut head = format!(
        "From: Mallory <{sender}>\r\nTo: support@localhost\r\nSubject: {} {tag}\r\nMessage-ID: <bomb-{tag}@attacker.example>\r\nDate: Thu, 03 Dec 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n",
        kind.name()
    );
    let room = bytes.saturating_sub(head.len() + 200);
    match kind {
        BombKind::NestedHtml => {
            head.push_str("Content-Type: text/html; charset=utf-8\r\n\r\n");
            let mut body = "<div>".repeat(room / 5);
            body.push_str("deep");
            finish(head, &body)
        }
        BombKind::HugeReferences => {
            let mut refs = String::from("References:");
            let mut n = 0;
            while refs.len() + 40 < room {
                refs.push_str(&format!(" <ref-{n}@elsewhere.example>\r\n"));
                n += 1;
            }
            head.push_str(refs.trim_end());
            head.push_str("\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n");
            finish(head, "Hello, I have a question about my order.\r\n")
        }
        BombKind::ManyAttachments => {
            head.push_str("Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n");
            let mut body =
                String::from("--b\r\nContent-Type: text/plain\r\n\r\nSee the files.\r\n");
            let mut n = 0;
            while body.len() + 200 < room {
                body.push_str(&format!(
                    "--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"f{n}.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\nQUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=\r\n"
                ));
                n += 1;
            }
            body.push_str("--b--\r\n");
            finish(head, &body)
        }
        BombKind::DeepMultipart => {
            head.push_str("Content-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n");
            let mut open = String::new();
            let mut depth = 0;
            // Each level costs its opening lines now and a closing line later.
            while open.len() + (depth + 1) * 12 + 80 < room {
                depth += 1;
                open.push_str(&format!(
                    "--b{}\r\nContent-Type: multipart/mixed; boundary=\"b{depth}\"\r\n\r\n",
                    depth - 1
                ));
            }
            open.push_str(&format!(
                "--b{depth}\r\nContent-Type: text/plain\r\n\r\nat the bottom\r\n"
            ));
            for level in (0..=depth).rev() {
                open.push_str(&format!("--b{level}--\r\n"));
            }
            finish(head, &open)
        }
    }
}

fn finish(head: String, body: &str) -> Vec<u8> {
    let mut out = head.into_bytes();
    out.extend_from_slice(body.as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bombs_have_the_size_asked_for_and_parse() {
        for kind in BombKind::ALL {
            let raw = bomb(kind, 1_000_000, "mallory@attacker.example", "t");
            assert!(
                raw.len() <= 1_000_000 && raw.len() > 900_000,
                "{kind:?}: {}",
                raw.len()
            );
            // Read, or refused with a reason before the MIME parser runs.
            match rapport_mail::parse(&raw) {
                Ok(_)
                | Err(rapport_mail::MailError::TooManyParts(_))
                | Err(rapport_mail::MailError::HeadersTooLarge) => {}
                Err(e) => panic!("{kind:?}: {e}"),
            }
        }
    }
}
