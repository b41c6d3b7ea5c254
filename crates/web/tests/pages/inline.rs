//! `cid:` images of a customer's mail shown in place on the ticket page.

use crate::both_backends;
use crate::browser::Browser;
use crate::harness::Harness;
use axum::http::{StatusCode, header};

both_backends!(inline_images_of_a_mail_show_in_place);

async fn inline_images_of_a_mail_show_in_place(h: &Harness) {
    let raw = format!(
        "From: \"Ann Lee\" <ann@example.com>\r\nTo: support@localhost\r\nSubject: Photo\r\n\
         Message-ID: <{}@test.example>\r\nDate: Thu, 03 Dec 2026 10:00:00 +0000\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"b1\"\r\n\r\n\
         --b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n\
         <p>See the crack:</p><img src=\"cid:photo1@x\" alt=\"crack\"><img src=\"cid:missing@x\" alt=\"gone\">\r\n\
         --b1\r\nContent-Type: image/png\r\nContent-ID: <photo1@x>\r\nContent-Disposition: inline; filename=\"crack.png\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--b1--\r\n",
        crate::harness::unique("m")
    );
    let outcome = h.app.ingest_mail(raw.as_bytes()).await.expect("ingest");
    let id = outcome.ticket().expect("a ticket").0;
    let mut a = Browser::new(h);
    a.sign_in("agent@test.example").await;
    let page = a.get(&format!("/app/tickets/{id}")).await;
    let start = page
        .body
        .find("alt=\"crack\"")
        .map_or(0, |i| i.saturating_sub(80));
    let around = &page.body[start..(start + 200).min(page.body.len())];
    assert!(around.contains("src=\"/app/attachments/"), "{around}");
    assert!(!page.body.contains("src=\"cid:photo1@x\""), "{}", page.body);
    assert!(
        page.body.contains("src=\"cid:missing@x\""),
        "an unknown cid stays inert"
    );
    let url_start = page.body.find("src=\"/app/attachments/").unwrap() + 5;
    let url_end = page.body[url_start..].find('"').unwrap() + url_start;
    let image = a.get(&page.body[url_start..url_end]).await;
    assert_eq!(image.status, StatusCode::OK);
    assert_eq!(image.headers[header::CONTENT_TYPE], "image/png");
    // A customer's session does not open the agent's file route.
    assert_eq!(
        Browser::new(h)
            .get(&page.body[url_start..url_end])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}
