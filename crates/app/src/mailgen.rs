//! Benchmark mail: a maildir of realistic customer mail built from the real
//! customer-care conversations, with a manifest of what each message should
//! become, so the ingest benchmark can report the share threaded correctly.
//!
//! The mix: new requests (some HTML, some with a photo, some copying a
//! colleague), follow-ups threading by In-Reply-To/References, by a mangled
//! References header, by the subject tag alone, by a changed subject; a
//! copied colleague writing into the thread; a stranger answering an old
//! thread (must open a linked ticket); out-of-office replies (threaded and
//! not); delivery reports; exact redeliveries, and copies of a message by
//! another way in (other headers, the same Message-ID). Subject tags name the
//! ticket number the thread will get in an empty database, so the benchmark
//! runs on a fresh one.

use crate::AppError;
use crate::demo::{Conversation, subject_of};
use crate::generate::Rng;
use rapport_mail::content_hash;
use std::io::Write;
use std::path::Path;

/// What was written.
#[derive(Debug, Clone, Default)]
pub struct MailgenReport {
    /// Messages written.
    pub messages: usize,
    /// Conversations (threads) started.
    pub threads: usize,
    /// Bytes written.
    pub bytes: usize,
}

/// What a message should become, as written in the manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// A new ticket.
    New,
    /// Added to its thread's ticket.
    Thread,
    /// A new ticket linked to the thread's (a stranger's reply).
    Linked,
    /// Recorded and ignored (automatic mail that threads nowhere).
    Ignored,
    /// A delivery report noted on the thread's ticket.
    Bounce,
    /// The same bytes again, or the same Message-ID with other headers.
    Duplicate,
}

impl Expect {
    /// The manifest word.
    pub fn as_str(self) -> &'static str {
        match self {
            Expect::New => "new",
            Expect::Thread => "thread",
            Expect::Linked => "linked",
            Expect::Ignored => "ignored",
            Expect::Bounce => "bounce",
            Expect::Duplicate => "duplicate",
        }
    }
}

impl std::str::FromStr for Expect {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "new" => Expect::New,
            "thread" => Expect::Thread,
            "linked" => Expect::Linked,
            "ignored" => Expect::Ignored,
            "bounce" => Expect::Bounce,
            "duplicate" => Expect::Duplicate,
            other => return Err(format!("unknown expectation {other:?}")),
        })
    }
}

const FIRST: &[&str] = &[
    "Ann", "Bob", "Chloé", "Dmitri", "Emma", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kwame",
    "Lena", "Mateo", "Nora", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tara", "Uwe", "Vera",
    "Wei", "Yara", "Zoë",
];
const LAST: &[&str] = &[
    "Lee",
    "Müller",
    "Okafor",
    "García",
    "Kowalski",
    "Nguyen",
    "Smith",
    "Haddad",
    "Rossi",
    "Johansson",
    "Tanaka",
    "O'Brien",
    "Novak",
    "Silva",
    "Dubois",
];
const DOMAINS: &[&str] = &[
    "mail.example",
    "post.example",
    "inbox.example",
    "web.example",
    "home.example",
];
const SUPPORT: &str = "support@shop.example";

#[derive(Default)]
struct Thread {
    number: i64,
    name: String,
    address: String,
    colleague: Option<(String, String)>,
    subject: String,
    ids: Vec<String>,
    texts: Vec<String>,
    conversation: usize,
    turn: usize,
}

fn encode_header(text: &str) -> String {
    if text.is_ascii() {
        return text.to_string();
    }
    format!("=?UTF-8?B?{}?=", base64(text.as_bytes()))
}

fn base64(data: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(TABLE[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn wrap76(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 76 * 2);
    for (i, c) in text.chars().enumerate() {
        if i > 0 && i % 76 == 0 {
            out.push_str("\r\n");
        }
        out.push(c);
    }
    out
}

fn crlf(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\n', "\r\n")
}

fn date(n: usize) -> String {
    // One message every 20 seconds from 1 June 2026, a Monday.
    let seconds = n as i64 * 20;
    let day = seconds / 86_400;
    let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let (h, m, s) = (seconds % 86_400 / 3600, seconds % 3600 / 60, seconds % 60);
    let (month, mday) = if day < 30 {
        ("Jun", day + 1)
    } else {
        ("Jul", (day - 30) % 31 + 1)
    };
    format!(
        "{}, {mday:02} {month} 2026 {h:02}:{m:02}:{s:02} +0200",
        days[(day % 7) as usize]
    )
}

struct Writer<'a> {
    rng: Rng,
    conversations: &'a [Conversation],
    n: usize,
}

impl Writer<'_> {
    fn pick(&mut self, list: &'static [&'static str]) -> &'static str {
        list[self.rng.below(list.len() as u64) as usize]
    }

    fn customer_text(&mut self, thread: &mut Thread) -> String {
        let turns = &self.conversations[thread.conversation].turns;
        let next = turns
            .iter()
            .enumerate()
            .skip(thread.turn)
            .find(|(_, t)| t.is_customer());
        let text = match next {
            Some((i, turn)) => {
                thread.turn = i + 1;
                turn.text.clone()
            }
            None => {
                let other = self.rng.below(self.conversations.len() as u64) as usize;
                self.conversations[other]
                    .turns
                    .iter()
                    .find(|t| t.is_customer())
                    .map(|t| t.text.clone())
                    .unwrap_or_else(|| "Any news on this?".into())
            }
        };
        text.replace("[email]", "(address removed)")
    }

    fn message_id(&mut self) -> String {
        let (random, domain) = (self.rng.next_u64(), self.pick(DOMAINS));
        format!("{random:x}.{}@{domain}", self.n)
    }

    fn body(&mut self, thread: &Thread, text: &str, reply: bool) -> String {
        let first = thread.name.split(' ').next().unwrap_or("");
        let mut body = format!("Hello,\n\n{text}\n\nThanks,\n{first}\n");
        if reply && let Some(previous) = thread.texts.last() {
            body.push_str(&format!(
                "\nOn {}, {} <{}> wrote:\n",
                date(self.n.saturating_sub(40)),
                thread.name,
                thread.address
            ));
            for line in previous.lines() {
                body.push_str(&format!("> {line}\n"));
            }
        }
        body
    }

    /// A complete message from the thread's customer (or someone else).
    #[allow(clippy::too_many_arguments)]
    fn mail(
        &mut self,
        from: (&str, &str),
        subject: &str,
        message_id: &str,
        threading: &str,
        cc: Option<(&str, &str)>,
        body: &str,
        extra: &str,
    ) -> String {
        let mut head = format!(
            "Return-Path: <{}>\r\nDelivered-To: {SUPPORT}\r\nMessage-ID: <{message_id}>\r\nDate: {}\r\nFrom: {} <{}>\r\nTo: Shop Support <{SUPPORT}>\r\n",
            from.1,
            date(self.n),
            encode_header(from.0),
            from.1
        );
        if let Some((name, address)) = cc {
            head.push_str(&format!("Cc: {} <{address}>\r\n", encode_header(name)));
        }
        head.push_str(&format!(
            "Subject: {}\r\n{threading}{extra}MIME-Version: 1.0\r\n",
            encode_header(subject)
        ));
        let html = self.rng.below(10) < 3;
        let photo = self.rng.below(100) < 5;
        let text_part = format!(
            "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{}",
            crlf(body)
        );
        let alternative = if html {
            let escaped = body
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace("\n\n", "</p><p>")
                .replace('\n', "<br>");
            format!(
                "Content-Type: multipart/alternative; boundary=\"alt{0}\"\r\n\r\n--alt{0}\r\n{text_part}\r\n--alt{0}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n<html><body><p>{escaped}</p><img src=\"https://tracker.example/o.gif?{0}\"></body></html>\r\n--alt{0}--\r\n",
                self.n
            )
        } else {
            text_part
        };
        if !photo {
            return format!("{head}{alternative}");
        }
        let size = 12_000 + self.rng.below(40_000) as usize;
        let mut data = Vec::with_capacity(size);
        while data.len() < size {
            data.extend_from_slice(&self.rng.next_u64().to_le_bytes());
        }
        format!(
            "{head}Content-Type: multipart/mixed; boundary=\"mix{0}\"\r\n\r\n--mix{0}\r\n{alternative}\r\n--mix{0}\r\nContent-Type: image/jpeg; name=\"photo-{0}.jpg\"\r\nContent-Disposition: attachment; filename=\"photo-{0}.jpg\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{1}\r\n--mix{0}--\r\n",
            self.n,
            wrap76(&base64(&data))
        )
    }
}

/// Writes `messages` generated messages into `out/new/` and the expectations
/// into `out/manifest.tsv` (file, SHA-256, thread, expectation).
pub fn write_maildir(
    out: &Path,
    messages: usize,
    seed: u64,
    conversations: &[Conversation],
) -> Result<MailgenReport, AppError> {
    if conversations.is_empty() {
        return Err(AppError::invalid(
            "conversations",
            "no conversations to build mail from",
        ));
    }
    let io = |e: std::io::Error| AppError::Internal(format!("{}: {e}", out.display()));
    for folder in ["new", "cur", "tmp"] {
        std::fs::create_dir_all(out.join(folder)).map_err(io)?;
    }
    let manifest = std::fs::File::create(out.join("manifest.tsv")).map_err(io)?;
    let mut manifest = std::io::BufWriter::new(manifest);
    let mut w = Writer {
        rng: Rng::new(seed),
        conversations,
        n: 0,
    };
    let mut report = MailgenReport::default();
    let mut threads: Vec<Thread> = Vec::new();
    let mut next_ticket = 1i64;
    let mut last_raw: Option<(String, usize, Expect)> = None;
    while w.n < messages {
        let roll = w.rng.below(1000);
        let active = threads.len().saturating_sub(400);
        let pick = if threads.is_empty() {
            None
        } else {
            Some(active + w.rng.below((threads.len() - active) as u64) as usize)
        };
        let (raw, thread_no, expect) = match (roll, pick) {
            (0..=359, _) | (_, None) => {
                let conversation = w.rng.below(conversations.len() as u64) as usize;
                let first = w.pick(FIRST).to_string();
                let last = w.pick(LAST).to_string();
                let name = format!("{first} {last}");
                let local: String = format!("{first}.{last}")
                    .to_lowercase()
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
                    .collect();
                let domain = w.pick(DOMAINS);
                let address = format!("{local}{}@{domain}", w.n);
                let colleague = if w.rng.below(100) < 8 {
                    let (given, domain) = (w.pick(FIRST), w.pick(DOMAINS));
                    Some((
                        format!("{given} {last}"),
                        format!("colleague{}@{domain}", w.n),
                    ))
                } else {
                    None
                };
                let mut thread = Thread {
                    number: next_ticket,
                    name,
                    address,
                    colleague,
                    subject: String::new(),
                    ids: Vec::new(),
                    texts: Vec::new(),
                    conversation,
                    turn: 0,
                };
                next_ticket += 1;
                let text = w.customer_text(&mut thread);
                thread.subject = subject_of(&text);
                let id = w.message_id();
                let body = w.body(&thread, &text, false);
                let cc = thread.colleague.clone();
                let raw = w.mail(
                    (&thread.name, &thread.address),
                    &thread.subject,
                    &id,
                    "",
                    cc.as_ref().map(|(n, a)| (n.as_str(), a.as_str())),
                    &body,
                    "",
                );
                thread.ids.push(id);
                thread.texts.push(text);
                threads.push(thread);
                report.threads += 1;
                (raw, threads.len() - 1, Expect::New)
            }
            (360..=859, Some(t)) => {
                let mut thread = std::mem::take(&mut threads[t]);
                let text = w.customer_text(&mut thread);
                let id = w.message_id();
                let last = thread.ids.last().cloned().unwrap_or_default();
                let references = thread
                    .ids
                    .iter()
                    .map(|i| format!("<{i}>"))
                    .collect::<Vec<_>>()
                    .join(" ");
                let style = w.rng.below(100);
                let (subject, threading) = match style {
                    0..=59 => (
                        format!("Re: {}", thread.subject),
                        format!("In-Reply-To: <{last}>\r\nReferences: {references}\r\n"),
                    ),
                    60..=69 => (
                        format!("Re: {}", thread.subject),
                        format!("References: <broken@@id> garbage {references} trailing-junk\r\n"),
                    ),
                    70..=89 => (
                        format!("Re: {} [#{}]", thread.subject, thread.number),
                        String::new(),
                    ),
                    _ => (
                        "Still waiting - please read".to_string(),
                        format!("In-Reply-To: <{last}>\r\n"),
                    ),
                };
                let colleague_writes = thread.colleague.is_some() && w.rng.below(3) == 0;
                let from = if colleague_writes {
                    thread
                        .colleague
                        .clone()
                        .unwrap_or((thread.name.clone(), thread.address.clone()))
                } else {
                    (thread.name.clone(), thread.address.clone())
                };
                let body = w.body(&thread, &text, true);
                let raw = w.mail(
                    (&from.0, &from.1),
                    &subject,
                    &id,
                    &threading,
                    None,
                    &body,
                    "",
                );
                thread.ids.push(id);
                thread.texts.push(text);
                threads[t] = thread;
                (raw, t, Expect::Thread)
            }
            (860..=899, Some(t)) => {
                // A stranger answers an old thread (forwarded to them): never merged.
                let last = threads[t].ids.last().cloned().unwrap_or_default();
                let id = w.message_id();
                let subject = format!("Re: {}", threads[t].subject);
                let domain = w.pick(DOMAINS);
                let stranger = format!("stranger{}@{domain}", w.n);
                let raw = w.mail(
                    ("Someone Else", &stranger),
                    &subject,
                    &id,
                    &format!("In-Reply-To: <{last}>\r\n"),
                    None,
                    "I got this forwarded. Is my order affected too?\n",
                    "",
                );
                next_ticket += 1;
                (raw, t, Expect::Linked)
            }
            (900..=939, Some(t)) => {
                // An out-of-office reply: threaded ones become a note, others are ignored.
                let threaded = w.rng.below(2) == 0;
                let id = w.message_id();
                let last = threads[t].ids.last().cloned().unwrap_or_default();
                let threading = if threaded {
                    format!("In-Reply-To: <{last}>\r\n")
                } else {
                    String::new()
                };
                let from = (threads[t].name.clone(), threads[t].address.clone());
                let raw = w.mail(
                    (&from.0, &from.1),
                    "Automatic reply: out of office",
                    &id,
                    &threading,
                    None,
                    "I am away until Monday and will read your message when I am back.\n",
                    "Auto-Submitted: auto-replied\r\n",
                );
                let expect = if threaded {
                    Expect::Thread
                } else {
                    Expect::Ignored
                };
                (raw, t, expect)
            }
            (940..=969, Some(t)) => {
                let original = threads[t].ids.last().cloned().unwrap_or_default();
                let id = w.message_id();
                let raw = format!(
                    "Message-ID: <{id}>\r\nDate: {}\r\nFrom: Mail Delivery System <MAILER-DAEMON@mx.shop.example>\r\nTo: {SUPPORT}\r\nSubject: Undelivered Mail Returned to Sender\r\nAuto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"dsn{n}\"\r\n\r\n--dsn{n}\r\nContent-Type: text/plain\r\n\r\nThe message could not be delivered.\r\n--dsn{n}\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.shop.example\r\n\r\nFinal-Recipient: rfc822; {addr}\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n--dsn{n}\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <{original}>\r\nTo: {addr}\r\nSubject: Re: {subject}\r\n--dsn{n}--\r\n",
                    date(w.n),
                    n = w.n,
                    addr = threads[t].address,
                    subject = encode_header(&threads[t].subject),
                );
                (raw, t, Expect::Bounce)
            }
            // Every other redelivery of a request that reached a ticket is the
            // same message by another way in: other bytes, the same Message-ID.
            (_, Some(t)) => match &last_raw {
                Some((raw, thread, last))
                    if w.n.is_multiple_of(2)
                        && matches!(last, Expect::New | Expect::Thread | Expect::Linked) =>
                {
                    let copy = format!(
                        "Received: from mx2.shop.example by mx.shop.example; {}\r\nDelivered-To: orders@shop.example\r\n{raw}",
                        date(w.n)
                    );
                    (copy, *thread, Expect::Duplicate)
                }
                Some((raw, thread, _)) => (raw.clone(), *thread, Expect::Duplicate),
                None => (String::new(), t, Expect::Duplicate),
            },
        };
        if raw.is_empty() {
            continue;
        }
        let file = format!("{:08}.bench", w.n);
        std::fs::write(out.join("new").join(&file), raw.as_bytes()).map_err(io)?;
        writeln!(
            manifest,
            "{file}\t{}\t{thread_no}\t{}",
            content_hash(raw.as_bytes()),
            expect.as_str()
        )
        .map_err(io)?;
        report.bytes += raw.len();
        report.messages += 1;
        if expect != Expect::Duplicate {
            last_raw = Some((raw, thread_no, expect));
        }
        w.n += 1;
    }
    manifest.flush().map_err(io)?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::builtin_conversations;

    #[test]
    fn generated_mail_parses_and_follows_the_mix() -> Result<(), AppError> {
        let dir = std::env::temp_dir().join(format!("rapport-mailgen-{}", std::process::id()));
        let report = write_maildir(&dir, 600, 3, &builtin_conversations())?;
        assert_eq!(report.messages, 600);
        let manifest = std::fs::read_to_string(dir.join("manifest.tsv"))
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let mut kinds = std::collections::BTreeMap::new();
        let mut hashes = std::collections::HashSet::new();
        let (mut same_bytes, mut copies) = (0, 0);
        for line in manifest.lines() {
            let fields: Vec<&str> = line.split('\t').collect();
            assert_eq!(fields.len(), 4, "{line}");
            *kinds.entry(fields[3].to_string()).or_insert(0) += 1;
            let first = hashes.insert(fields[1].to_string());
            match (fields[3], first) {
                ("duplicate", true) => copies += 1,
                ("duplicate", false) => same_bytes += 1,
                (_, first) => assert!(first, "only duplicates repeat bytes: {line}"),
            }
            let raw = std::fs::read(dir.join("new").join(fields[0]))
                .map_err(|e| AppError::Internal(e.to_string()))?;
            assert_eq!(content_hash(&raw), fields[1]);
            let mail = rapport_mail::parse(&raw).map_err(|e| AppError::Internal(e.to_string()))?;
            assert!(mail.from.is_some(), "{}", fields[0]);
        }
        for kind in ["new", "thread", "linked", "ignored", "bounce", "duplicate"] {
            assert!(
                kinds.get(kind).copied().unwrap_or(0) > 0,
                "no {kind}: {kinds:?}"
            );
        }
        assert!(
            same_bytes > 0 && copies > 0,
            "both kinds of redelivery: {same_bytes} same bytes, {copies} copies"
        );
        let _ = std::fs::remove_dir_all(&dir);
        Ok(())
    }

    #[test]
    fn base64_matches_the_standard() {
        assert_eq!(base64(b"Man"), "TWFu");
        assert_eq!(base64(b"Ma"), "TWE=");
        assert_eq!(base64(b"M"), "TQ==");
        assert_eq!(encode_header("Zoë"), "=?UTF-8?B?Wm/Dqw==?=");
    }
}
