#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use std::path::{Path, PathBuf};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/mail")
}

fn eml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            eml_files(&path, out);
        } else if !path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().contains("LICENSE"))
        {
            out.push(path);
        }
    }
}

#[test]
fn every_corpus_message_parses_or_is_refused_with_a_reason() {
    let mut files = Vec::new();
    eml_files(&corpus(), &mut files);
    if files.is_empty() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but the mail corpus is missing"
        );
        eprintln!("!!! SKIPPED: no mail corpus at {} !!!", corpus().display());
        return;
    }
    let (mut parsed, mut refused) = (0, 0);
    for file in &files {
        let raw = std::fs::read(file).unwrap();
        match std::panic::catch_unwind(|| parse(&raw)) {
            Ok(Ok(mail)) => {
                parsed += 1;
                assert!(!mail.message_id.is_empty(), "{}", file.display());
                // Parsing is stable: the same bytes give the same id.
                assert_eq!(parse(&raw).unwrap().message_id, mail.message_id);
            }
            Ok(Err(e)) => {
                refused += 1;
                assert!(!e.to_string().is_empty());
            }
            Err(_) => panic!("parsing {} panicked", file.display()),
        }
    }
    assert!(
        parsed >= files.len() * 9 / 10,
        "only {parsed} of {} parsed ({refused} refused)",
        files.len()
    );
}

#[test]
fn delivery_reports_are_bounces() {
    let dir = corpus().join("mail-gem/multipart_report_emails");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    let mut seen = 0;
    for entry in entries.flatten() {
        let raw = std::fs::read(entry.path()).unwrap();
        let mail = parse(&raw).unwrap();
        let bounce = mail
            .bounce
            .unwrap_or_else(|| panic!("{} is not recognised as a bounce", entry.path().display()));
        assert!(
            !bounce.recipients.is_empty(),
            "{}: no failed recipient",
            entry.path().display()
        );
        assert!(mail.auto_reply.is_some());
        seen += 1;
    }
    assert!(seen >= 5);
}

const REPLY: &str = "Message-ID: <r1@customer.example>\r\nIn-Reply-To: <a2@rapport.example>\r\nReferences: <a0@rapport.example> <a1@rapport.example>\r\n <a2@rapport.example>\r\nFrom: Ann Lee <Ann@Example.com>\r\nTo: support@shop.example\r\nCc: Bob <bob@example.com>\r\nSubject: Re: [#1234] Broken lamp\r\n\r\nThanks, that works!\r\n\r\nOn Tue, 3 Nov 2026 at 10:00, Support <support@shop.example> wrote:\r\n> Hi Ann,\r\n> a new lamp ships today.\r\n";

#[test]
fn replies_give_thread_keys_tokens_and_visible_text() {
    let mail = parse(REPLY.as_bytes()).unwrap();
    assert_eq!(mail.message_id, "r1@customer.example");
    assert_eq!(
        mail.thread_keys(),
        [
            "a2@rapport.example",
            "a1@rapport.example",
            "a0@rapport.example"
        ]
    );
    assert_eq!(subject_token(&mail.subject), Some(1234));
    assert_eq!(
        mail.from.as_ref().map(|p| p.address.as_str()),
        Some("Ann@Example.com")
    );
    assert_eq!(mail.cc.len(), 1);
    assert_eq!(mail.visible_text(), "Thanks, that works!");
    assert!(mail.auto_reply.is_none() && mail.bounce.is_none());
}

#[test]
fn missing_ids_are_synthetic_and_stable() {
    let raw = b"From: a@b.example\r\nSubject: hi\r\n\r\nhello\r\n";
    let a = parse(raw).unwrap();
    assert!(a.synthetic_id && a.message_id.starts_with("synthetic-"));
    assert_eq!(parse(raw).unwrap().message_id, a.message_id);
    let other = parse(b"From: a@b.example\r\nSubject: hi\r\n\r\nhello again\r\n").unwrap();
    assert_ne!(other.message_id, a.message_id);
}

#[test]
fn auto_replies_are_recognised() {
    let ooo = parse(b"From: a@b.example\r\nAuto-Submitted: auto-replied\r\nSubject: Out of office\r\n\r\naway\r\n").unwrap();
    assert!(ooo.auto_reply.is_some());
    let bulk =
        parse(b"From: a@b.example\r\nPrecedence: bulk\r\nSubject: news\r\n\r\nx\r\n").unwrap();
    assert!(bulk.auto_reply.is_some());
    let human = parse(b"From: a@b.example\r\nAuto-Submitted: no\r\nSubject: question\r\n\r\nx\r\n")
        .unwrap();
    assert!(human.auto_reply.is_none());
}

#[test]
fn bad_input_is_refused_with_a_reason() {
    assert_eq!(parse(b"   \r\n"), Err(MailError::Empty));
    assert!(matches!(
        parse(&vec![b'a'; MAX_MESSAGE_BYTES + 1]),
        Err(MailError::TooLarge(_))
    ));
    assert_eq!(subject_token("Re: [#12x] and [#77] done"), Some(77));
    assert_eq!(subject_token("no token #5"), None);
}

#[test]
fn sloppy_from_headers_are_salvaged() {
    let mail = parse(b"From: Ann Lee <ann@example.com\r\nSubject: x\r\n\r\nbody\r\n").unwrap();
    assert_eq!(
        mail.from.map(|p| p.address.to_lowercase()),
        Some("ann@example.com".to_string())
    );
}

#[test]
fn signatures_and_outlook_quotes_are_cut() {
    assert_eq!(visible_text("New text\n-- \nAnn Lee\nCEO"), "New text");
    assert_eq!(
        visible_text("Yes please.\n\nFrom: Support\nSent: Monday\nTo: Ann\n\nOld text"),
        "Yes please."
    );
    assert_eq!(visible_text("Fine.\nSent from my iPhone"), "Fine.");
}

#[test]
fn fingerprints_ignore_the_way_in_but_not_the_content() {
    let raw = "Message-ID: <a1@customer.example>\r\nFrom: Ann <ann@customer.example>\r\nDate: Tue, 01 Dec 2026 10:00:00 +0000\r\nSubject: Broken\r\n lamp\r\n\r\nMy lamp broke.\r\n";
    let a = parse(raw.as_bytes()).unwrap();
    // The same message by another way in: trace headers added, other bytes.
    let copy = format!(
        "Received: from mx2.example by mx.example; Tue, 01 Dec 2026 10:00:01 +0000\r\nDelivered-To: billing@shop.example\r\nReturn-Path: <ann@customer.example>\r\n{raw}"
    );
    let b = parse(copy.as_bytes()).unwrap();
    assert_ne!(a.content_hash, b.content_hash);
    assert_eq!(a.fingerprint, b.fingerprint);
    // A different message that reuses the Message-ID (scanners do).
    let reused = raw.replace("My lamp broke.", "My chair broke.");
    assert_ne!(parse(reused.as_bytes()).unwrap().fingerprint, a.fingerprint);
    let resubjected = raw.replace("Broken\r\n lamp", "Broken chair");
    assert_ne!(
        parse(resubjected.as_bytes()).unwrap().fingerprint,
        a.fingerprint
    );
    // Bare LF line ends: the body is still found after the headers.
    let lf = "Message-ID: <a2@x>\nFrom: a@x\nSubject: one\n two\n\nbody\n";
    let lf_copy = format!("Received: from mx2.example\n{lf}");
    let fingerprint = |raw: &str| parse(raw.as_bytes()).unwrap().fingerprint;
    assert_eq!(fingerprint(lf), fingerprint(&lf_copy));
    assert_ne!(
        fingerprint(lf),
        fingerprint(&lf.replace("body", "other body"))
    );
    // A folded header counts whole, not only its first line.
    assert_ne!(fingerprint(lf), fingerprint(&lf.replace(" two", " three")));
}

#[test]
fn a_nested_html_bomb_is_shown_as_text_with_a_note() {
    let mut raw =
        b"From: m@attacker.example\r\nSubject: x\r\nContent-Type: text/html\r\n\r\n".to_vec();
    raw.extend("<div>".repeat(110_000).as_bytes());
    raw.extend(b"deep words");
    let mail = parse(&raw).expect("parses");
    assert_eq!(mail.html, None);
    assert!(mail.body.contains("deep words"), "{}", mail.body);
    assert_eq!(mail.notes.len(), 1, "{:?}", mail.notes);
    assert!(
        mail.notes[0].contains("nests more than"),
        "{:?}",
        mail.notes
    );
}

#[test]
fn a_huge_references_header_keeps_the_newest_ids() {
    let mut raw = String::from("From: m@attacker.example\r\nSubject: x\r\nReferences:");
    for n in 0..100_000 {
        raw.push_str(&format!(" <r{n}@x.example>\r\n"));
    }
    raw.push_str("In-Reply-To: <r99999@x.example>\r\n\r\nHello\r\n");
    let mail = parse(raw.as_bytes()).expect("parses");
    assert_eq!(mail.references.len(), crate::MAX_THREAD_IDS);
    assert_eq!(
        mail.references.last().map(String::as_str),
        Some("r99999@x.example")
    );
    assert_eq!(
        mail.references.first().map(String::as_str),
        Some("r99950@x.example")
    );
    assert_eq!(mail.thread_keys().len(), crate::MAX_THREAD_IDS);
}

#[test]
fn plain_text_mail_gets_no_converted_html() {
    let raw = b"From: ann@example.com\r\nSubject: x\r\nContent-Type: text/plain\r\n\r\n> quoted\r\nHello <b>there</b>\r\n";
    let mail = parse(raw).expect("parses");
    assert_eq!(mail.html, None);
    assert_eq!(mail.body, "Hello <b>there</b>");
    assert!(mail.notes.is_empty());
}

#[test]
fn long_text_is_cut_with_a_note() {
    let mut raw = b"From: ann@example.com\r\nSubject: x\r\n\r\n".to_vec();
    raw.extend("word ".repeat(100_000).as_bytes());
    let mail = parse(&raw).expect("parses");
    assert_eq!(mail.body.chars().count(), crate::MAX_BODY_CHARS);
    assert!(
        mail.notes.iter().any(|n| n.contains("cut at")),
        "{:?}",
        mail.notes
    );
}
