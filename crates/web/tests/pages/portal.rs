//! The customer portal: the public form with its bot guards, sign-in by a
//! one-time link read from the outbox, a customer's own tickets only.

use crate::both_backends;
use crate::browser::{Browser, mail_in};
use crate::harness::Harness;
use axum::http::StatusCode;
use rapport_core::TicketId;
use std::time::Duration;

both_backends!(
    a_customer_asks_signs_in_by_link_and_sees_only_their_own_tickets,
    bots_are_kept_out_by_the_honeypot_the_time_stamp_and_the_rate_limit,
    a_used_or_expired_link_offers_a_new_one,
    agent_and_customer_sessions_are_never_interchangeable,
    the_contact_page_posts_the_calendar_hours,
);

/// The sign-in link in the newest mail to `address`.
pub(crate) async fn link_sent_to(h: &Harness, address: &str) -> Option<String> {
    let pool = sqlx::AnyPool::connect(&h.database_url).await.unwrap();
    let rows: Vec<(Vec<u8>, String)> = sqlx::query_as(
        "SELECT raw, recipients FROM outbox WHERE kind = 'sign_in_link' ORDER BY id DESC",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    let (raw, _) = rows.into_iter().find(|(_, to)| to.contains(address))?;
    let text = String::from_utf8_lossy(&raw)
        .replace("=\r\n", "")
        .replace("=3D", "=");
    let start = text.find("/portal/link/pl_")?;
    Some(text[start..start + "/portal/link/".len() + 67].to_string())
}

async fn submit_request(b: &mut Browser<'_>, fields: &[(&str, &str)]) -> crate::browser::Page {
    let form = b.get("/portal/new").await;
    assert_eq!(form.status, StatusCode::OK);
    let stamp = value_of(&form.body, "stamp");
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let csrf = form.csrf();
    let mut all = vec![("csrf", csrf.as_str()), ("stamp", stamp.as_str())];
    all.extend_from_slice(fields);
    b.post("/portal/new", &all).await
}

fn value_of(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).unwrap() + marker.len();
    let end = html[start..].find('"').unwrap();
    html[start..start + end].to_string()
}

pub(crate) async fn sign_in_by_link(b: &mut Browser<'_>, link: &str) -> crate::browser::Page {
    let page = b.get(link).await;
    assert_eq!(page.status, StatusCode::OK);
    let csrf = page.csrf();
    b.post(link, &[("csrf", &csrf)]).await
}

async fn a_customer_asks_signs_in_by_link_and_sees_only_their_own_tickets(h: &Harness) {
    let foreign = mail_in(
        h,
        "Zed Other",
        "zed@example.com",
        "Zed's secret order",
        "Private",
    )
    .await;
    let mut b = Browser::new(h);
    let sent = submit_request(
        &mut b,
        &[
            ("name", "Gil Hart"),
            ("email", "gil@example.com"),
            ("subject", "Cracked screen"),
            ("description", "The screen cracked on day two."),
        ],
    )
    .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert_eq!(sent.location(), "/portal/sent");
    let link = link_sent_to(h, "gil@example.com")
        .await
        .expect("a link in the outbox");
    let signed_in = sign_in_by_link(&mut b, &link).await;
    assert_eq!(
        signed_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        signed_in.body
    );
    assert_eq!(signed_in.location(), "/portal");
    assert!(b.cookies["rapport_customer"].starts_with("wc_"));
    let list = b.get("/portal").await;
    assert!(list.body.contains("Cracked screen"), "{}", list.body);
    assert!(
        !list.body.contains("Zed"),
        "another customer's ticket is not listed"
    );
    let other = b.get(&format!("/portal/tickets/{foreign}")).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    assert!(!other.body.contains("Private"));
    let start = list.body.find("/portal/tickets/").unwrap() + "/portal/tickets/".len();
    let end = list.body[start..].find('"').unwrap();
    let id: i64 = list.body[start..start + end].parse().unwrap();
    let ticket = h.store.ticket(TicketId(id)).await.unwrap();
    assert_eq!(ticket.channel, rapport_core::Channel::Portal);
    // An agent answers and notes; the customer sees the answer, not the note.
    let mut agent = Browser::new(h);
    agent.sign_in("agent@test.example").await;
    let at = format!("/app/tickets/{id}");
    agent.submit(&at, &format!("{at}/assign-to-me"), &[]).await;
    agent
        .submit(
            &at,
            &format!("{at}/note"),
            &[("body", "Internal: check the batch number")],
        )
        .await;
    let replied = agent
        .submit(
            &at,
            &format!("{at}/reply"),
            &[("body", "Hello Gil, a new phone is on its way today.")],
        )
        .await;
    assert_eq!(replied.status, StatusCode::SEE_OTHER, "{}", replied.body);
    let mine = format!("/portal/tickets/{id}");
    let page = b.get(&mine).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("The screen cracked on day two."));
    assert!(page.body.contains("a new phone is on its way"));
    assert!(
        !page.body.contains("batch number"),
        "internal notes stay internal"
    );
    let answered = b
        .submit(
            &mine,
            &format!("{mine}/reply"),
            &[("body", "Thank you, it arrived.")],
        )
        .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", answered.body);
    let messages = h.store.messages(TicketId(id)).await.unwrap();
    let last = messages.last().unwrap();
    assert_eq!(last.body_text, "Thank you, it arrived.");
    assert_eq!(last.author_kind, rapport_core::AuthorKind::Customer);
    let foreign_reply = b
        .submit(
            &mine,
            &format!("/portal/tickets/{foreign}/reply"),
            &[("body", "hijack")],
        )
        .await;
    assert_eq!(foreign_reply.status, StatusCode::NOT_FOUND);
    assert_eq!(h.store.messages(TicketId(foreign)).await.unwrap().len(), 1);
}

async fn bots_are_kept_out_by_the_honeypot_the_time_stamp_and_the_rate_limit(h: &Harness) {
    let mut b = Browser::new(h);
    let before = h.app.ticket_count().await.unwrap();
    let trapped = submit_request(
        &mut b,
        &[
            ("name", "Bot"),
            ("email", "bot@example.com"),
            ("subject", "Cheap pills"),
            ("description", "Buy now"),
            ("website", "http://spam.example"),
        ],
    )
    .await;
    assert_eq!(
        trapped.status,
        StatusCode::SEE_OTHER,
        "a bot is told nothing"
    );
    assert_eq!(h.app.ticket_count().await.unwrap(), before);
    assert!(link_sent_to(h, "bot@example.com").await.is_none());
    let form = b.get("/portal/new").await;
    let csrf = form.csrf();
    let stamp = value_of(&form.body, "stamp");
    let fields = [
        ("csrf", csrf.as_str()),
        ("stamp", stamp.as_str()),
        ("name", "Quick"),
        ("email", "quick@example.com"),
        ("subject", "Fast"),
        ("description", "Typed in no time"),
    ];
    let fast = b.post("/portal/new", &fields).await;
    assert_eq!(fast.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        fast.body.contains("quicker than a person types"),
        "{}",
        fast.body
    );
    assert!(
        fast.body.contains("value=\"Typed in no time\"")
            || fast.body.contains(">Typed in no time<"),
        "what was typed is kept"
    );
    let forged = b
        .post(
            "/portal/new",
            &[
                ("csrf", &csrf),
                ("stamp", "1.deadbeef"),
                ("name", "F"),
                ("email", "f@example.com"),
                ("subject", "S"),
                ("description", "D"),
            ],
        )
        .await;
    assert_eq!(forged.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(h.app.ticket_count().await.unwrap(), before);
    let mut throttled = false;
    for _ in 0..12 {
        let page = b
            .post(
                "/portal/sign-in",
                &[("csrf", &csrf), ("email", "nobody@example.com")],
            )
            .await;
        if page.status == StatusCode::TOO_MANY_REQUESTS {
            throttled = true;
            break;
        }
        assert_eq!(page.status, StatusCode::SEE_OTHER);
    }
    assert!(throttled, "link requests are rate-limited per client");
}

async fn a_used_or_expired_link_offers_a_new_one(h: &Harness) {
    mail_in(h, "Ivy Jo", "ivy@example.com", "Hello", "Hi").await;
    let mut b = Browser::new(h);
    let csrf = b.get("/portal/sign-in").await.csrf();
    let asked = b
        .post(
            "/portal/sign-in",
            &[("csrf", &csrf), ("email", "IVY@example.com")],
        )
        .await;
    assert_eq!(asked.location(), "/portal/sent");
    let link = link_sent_to(h, "ivy@example.com").await.expect("a link");
    assert_eq!(
        sign_in_by_link(&mut b, &link).await.status,
        StatusCode::SEE_OTHER
    );
    let mut again = Browser::new(h);
    let used = sign_in_by_link(&mut again, &link).await;
    assert_eq!(used.status, StatusCode::GONE);
    assert!(used.body.contains("already used or has expired"));
    assert!(
        used.body.contains("Send me a sign-in link"),
        "a new link is offered"
    );
    assert!(!again.cookies.contains_key("rapport_customer"));
    let customer = h
        .store
        .customer_by_identity(rapport_core::IdentityKind::Email, "ivy@example.com")
        .await
        .unwrap()
        .unwrap();
    let token = format!("pl_{}", "ab".repeat(32));
    let past = rapport_core::Timestamp::now().plus_seconds(-60);
    h.store
        .insert_portal_link(&rapport_app::auth::secret_hash(&token), customer, past)
        .await
        .unwrap();
    let expired = sign_in_by_link(&mut again, &format!("/portal/link/{token}")).await;
    assert_eq!(expired.status, StatusCode::GONE);
    let unknown = b.get("/portal/sign-in").await.csrf();
    let before = link_count(h).await;
    b.post(
        "/portal/sign-in",
        &[("csrf", &unknown), ("email", "stranger@example.com")],
    )
    .await;
    assert_eq!(link_count(h).await, before, "no mail to strangers");
}

async fn link_count(h: &Harness) -> i64 {
    let pool = sqlx::AnyPool::connect(&h.database_url).await.unwrap();
    let n = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'sign_in_link'")
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    n
}

async fn agent_and_customer_sessions_are_never_interchangeable(h: &Harness) {
    let mut agent = Browser::new(h);
    agent.sign_in("agent@test.example").await;
    let agent_token = agent.cookies["rapport_agent"].clone();
    let mut swapped = Browser::new(h);
    swapped
        .cookies
        .insert("rapport_customer".into(), agent_token);
    assert_eq!(swapped.get("/portal").await.location(), "/portal/sign-in");
    mail_in(h, "Kai Lund", "kai@example.com", "Hello", "Hi").await;
    let mut customer = Browser::new(h);
    let csrf = customer.get("/portal/sign-in").await.csrf();
    customer
        .post(
            "/portal/sign-in",
            &[("csrf", &csrf), ("email", "kai@example.com")],
        )
        .await;
    let link = link_sent_to(h, "kai@example.com").await.unwrap();
    sign_in_by_link(&mut customer, &link).await;
    let customer_token = customer.cookies["rapport_customer"].clone();
    let mut swapped = Browser::new(h);
    swapped
        .cookies
        .insert("rapport_agent".into(), customer_token.clone());
    assert_eq!(swapped.get("/app").await.location(), "/app/sign-in");
    let (status, _) = h.get("/api/v1/tickets", &customer_token).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

async fn the_contact_page_posts_the_calendar_hours(h: &Harness) {
    let mut b = Browser::new(h);
    let page = b.get("/portal/contact").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("support@localhost"));
    assert!(
        page.body.contains("09:00–17:00") || page.body.contains("closed"),
        "{}",
        page.body
    );
    let hours = h.app.business_hours(None).await.unwrap();
    let first = &hours.days[0];
    // The day as the reader writes it: "Monday 7 Dec 2026".
    let lang = rapport_app::i18n::Lang::En;
    let day = format!(
        "{} {}",
        rapport_app::i18n::weekday_name(lang, first.date.weekday()),
        rapport_app::i18n::format_date(lang, first.date)
    );
    assert!(page.body.contains(&day), "{day}: {}", page.body);
}

/// A file field of a form: (field, file name, type, bytes).
type FileField<'a> = (&'a str, &'a str, &'a str, &'a [u8]);

/// A multipart form body: text fields, then files (field, name, type, bytes).
fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "rapport-test-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (field, file, kind, data) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file}\"\r\nContent-Type: {kind}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Posts a multipart form as the browser does (the CSRF token in the action's query).
pub(crate) async fn post_multipart(
    b: &mut Browser<'_>,
    path: &str,
    csrf: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &str, &str, &[u8])],
) -> crate::browser::Page {
    let (kind, body) = multipart(fields, files);
    let mut request = axum::http::Request::builder()
        .method("POST")
        .uri(format!("{path}?csrf={csrf}"))
        .header("host", "rapport.test")
        .header("content-type", kind);
    if !b.cookies.is_empty() {
        let jar: Vec<String> = b.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
        request = request.header("cookie", jar.join("; "));
    }
    b.send(request.body(axum::body::Body::from(body)).unwrap())
        .await
}

/// A new request's form, filled after the time check's wait.
async fn request_form(b: &mut Browser<'_>) -> (String, String) {
    let form = b.get("/portal/new").await;
    assert!(form.body.contains("enctype=\"multipart/form-data\""));
    let stamp = value_of(&form.body, "stamp");
    tokio::time::sleep(Duration::from_millis(2100)).await;
    (form.csrf(), stamp)
}

const PHOTO: &[u8] = b"PNG: the bytes of a photo of a dented lamp";

async fn a_request_and_an_answer_carry_photos_the_agent_sees(h: &Harness) {
    let mut b = Browser::new(h);
    let (csrf, stamp) = request_form(&mut b).await;
    let fields = [
        ("stamp", stamp.as_str()),
        ("name", "Gil Hart"),
        ("email", "gil@example.com"),
        ("subject", "Dented lamp"),
        ("description", "It arrived dented, see the photo."),
        ("website", ""),
    ];
    let files: [(&str, &str, &str, &[u8]); 2] = [
        ("files", "dent.png", "image/png", PHOTO),
        (
            "files",
            "receipt.pdf",
            "application/pdf",
            b"%PDF-1.4 receipt",
        ),
    ];
    let sent = post_multipart(&mut b, "/portal/new", &csrf, &fields, &files).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let link = link_sent_to(h, "gil@example.com").await.unwrap();
    sign_in_by_link(&mut b, &link).await;
    let list = b.get("/portal").await;
    let start = list.body.find("/portal/tickets/").unwrap() + "/portal/tickets/".len();
    let end = list.body[start..].find('"').unwrap();
    let id: i64 = list.body[start..start + end].parse().unwrap();
    let files = h
        .store
        .attachments_of_ticket(TicketId(id), None, 10)
        .await
        .unwrap();
    assert_eq!(files.len(), 2, "both files are on the first message");
    // The agent sees the photo as a preview, the PDF as a link.
    let mut agent = Browser::new(h);
    agent.sign_in("agent@test.example").await;
    let page = agent.get(&format!("/app/tickets/{id}")).await;
    let photo = files
        .iter()
        .find(|f| f.file.file_name == "dent.png")
        .unwrap();
    let preview = format!(
        "<img class=\"preview\" src=\"/app/attachments/{}\"",
        photo.id
    );
    assert!(page.body.contains(&preview), "{}", page.body);
    assert!(page.body.contains("receipt.pdf"));
    assert_eq!(page.body.matches("class=\"preview\"").count(), 1);
    let download = agent.get(&format!("/app/attachments/{}", photo.id)).await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(download.body.as_bytes(), PHOTO);
    // The customer answers with another photo.
    let mine = format!("/portal/tickets/{id}");
    let csrf = b.get(&mine).await.csrf();
    let more: [(&str, &str, &str, &[u8]); 1] = [("files", "side.jpg", "image/jpeg", PHOTO)];
    let answered = post_multipart(
        &mut b,
        &format!("{mine}/reply"),
        &csrf,
        &[("body", "And from the side.")],
        &more,
    )
    .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", answered.body);
    let messages = h.store.messages(TicketId(id)).await.unwrap();
    let last = messages.last().unwrap();
    assert_eq!(last.body_text, "And from the side.");
    let files = h
        .store
        .attachments_of_ticket(TicketId(id), None, 10)
        .await
        .unwrap();
    let side = files
        .iter()
        .find(|f| f.file.file_name == "side.jpg")
        .unwrap();
    assert_eq!(side.message_ref, Some(last.id));
    assert!(b.get(&mine).await.body.contains("side.jpg"));
    assert_eq!(
        b.get(&format!("/portal/attachments/{}", photo.id))
            .await
            .body
            .as_bytes(),
        PHOTO
    );
    // Another customer, signed in, gets neither file: a 404 and no bytes.
    let mut zed = a_signed_in_customer(h, "zed@example.com").await;
    for file in [photo.id, side.id] {
        let tried = zed.get(&format!("/portal/attachments/{file}")).await;
        assert_eq!(tried.status, StatusCode::NOT_FOUND);
        assert!(!tried.body.contains("PNG: the bytes"), "{}", tried.body);
    }
    assert_eq!(
        zed.get("/portal").await.status,
        StatusCode::OK,
        "zed is signed in"
    );
}

/// A browser signed in to the portal as a customer who mailed in.
pub(crate) async fn a_signed_in_customer<'h>(h: &'h Harness, address: &str) -> Browser<'h> {
    mail_in(h, "Zed Other", address, "My own order", "Mine").await;
    let mut b = Browser::new(h);
    let csrf = b.get("/portal/sign-in").await.csrf();
    b.post("/portal/sign-in", &[("csrf", &csrf), ("email", address)])
        .await;
    let link = link_sent_to(h, address).await.expect("a link");
    sign_in_by_link(&mut b, &link).await;
    assert!(b.cookies["rapport_customer"].starts_with("wc_"));
    b
}

fn small_limits() -> rapport_app::AppConfig {
    rapport_app::AppConfig {
        mail: rapport_app::MailConfig {
            max_attachment_bytes: 1000,
            max_message_attachment_bytes: 1500,
            ..rapport_app::MailConfig::default()
        },
        ..rapport_app::AppConfig::default()
    }
}

async fn files_past_the_limits_are_refused_clearly_and_nothing_is_stored(h: &Harness) {
    let before = h.app.ticket_count().await.unwrap();
    let big = vec![b'x'; 1200];
    let half = vec![b'x'; 900];
    let cases: Vec<(Vec<FileField>, &str)> = vec![
        (
            vec![("files", "big.png", "image/png", &big)],
            "big.png has 2 KB; at most 1000 bytes per file",
        ),
        (
            vec![
                ("files", "a.png", "image/png", &half),
                ("files", "b.png", "image/png", &half),
            ],
            "can be sent at once",
        ),
        (
            (0..6)
                .map(|_| ("files", "p.png", "image/png", PHOTO))
                .collect(),
            "at most 5 files",
        ),
        (
            vec![("files", "empty.png", "image/png", b"")],
            "empty.png is empty",
        ),
    ];
    for (files, says) in cases {
        let mut b = Browser::new(h);
        let (csrf, stamp) = request_form(&mut b).await;
        let fields = [
            ("stamp", stamp.as_str()),
            ("name", "Gil Hart"),
            ("email", "gil@example.com"),
            ("subject", "Dented lamp"),
            ("description", "It arrived dented."),
        ];
        let refused = post_multipart(&mut b, "/portal/new", &csrf, &fields, &files).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            refused.body
        );
        assert!(refused.body.contains(says), "{says}: {}", refused.body);
        assert!(
            refused.body.contains("It arrived dented."),
            "what was typed is kept"
        );
    }
    assert_eq!(h.app.ticket_count().await.unwrap(), before);
}

crate::both_backends!(a_request_and_an_answer_carry_photos_the_agent_sees);
crate::both_backends_with!(super::small_limits();
    files_past_the_limits_are_refused_clearly_and_nothing_is_stored);

/// A page as a browser asking for `lang` gets it.
async fn get_in(b: &mut Browser<'_>, path: &str, lang: &str) -> crate::browser::Page {
    let mut request = axum::http::Request::builder()
        .uri(path)
        .header("host", "rapport.test")
        .header("accept-language", lang);
    if !b.cookies.is_empty() {
        let jar: Vec<String> = b.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
        request = request.header("cookie", jar.join("; "));
    }
    b.send(request.body(axum::body::Body::empty()).unwrap())
        .await
}

async fn a_german_customer_reads_the_portal_in_german(h: &Harness) {
    let mut b = Browser::new(h);
    let german = "de-DE,de;q=0.9,en;q=0.5";
    let form = get_in(&mut b, "/portal/new", german).await;
    assert!(form.body.contains("<html lang=\"de\">"), "{}", form.body);
    for words in [
        "Wie können wir helfen?",
        "Ihr Name",
        "Anfrage senden",
        "Neue Anfrage",
    ] {
        assert!(form.body.contains(words), "{words}: {}", form.body);
    }
    assert!(!form.body.contains("Ask us for help"));
    // The same page for an English reader, and for a language we lack.
    for lang in ["en-GB", "fr-FR"] {
        let page = get_in(&mut b, "/portal/new", lang).await;
        assert!(page.body.contains("<html lang=\"en\">"));
        assert!(page.body.contains("Ask us for help"), "{lang}");
    }
    // Signed in: the list and the contact page follow the language the
    // customer wrote in (stored on them), whatever the browser says later.
    b.lang = Some(german.into());
    let _ = submit_request(
        &mut b,
        &[
            ("name", "Greta Lang"),
            ("email", "greta@example.de"),
            ("subject", "Lampe kaputt"),
            ("description", "Die Lampe kam zerbrochen an."),
        ],
    )
    .await;
    let link = link_sent_to(h, "greta@example.de").await.unwrap();
    b.lang = None;
    sign_in_by_link(&mut b, &link).await;
    let list = get_in(&mut b, "/portal", "en-GB").await;
    assert!(list.body.contains("Meine Anfragen"), "{}", list.body);
    assert!(list.body.contains("Abmelden"));
    assert!(list.body.contains("Lampe kaputt"));
    let contact = get_in(&mut b, "/portal/contact", "en-GB").await;
    assert!(
        contact.body.contains("So erreichen Sie uns"),
        "{}",
        contact.body
    );
}

crate::both_backends!(a_german_customer_reads_the_portal_in_german);
