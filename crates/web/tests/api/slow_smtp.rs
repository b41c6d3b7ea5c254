//! Two outbox workers and a slow SMTP server (a real Postfix that waits a
//! second before accepting each recipient): every mail is delivered exactly
//! once. Workers used to claim twenty mails under one lease and send them
//! one after another; the lease of the mails still waiting ran out while
//! the first ones crawled out, and the other worker sent those again.
//! Runs on SQLite and on PostgreSQL.

use crate::harness::{Harness, unique};
use crate::mailflow::{SUPPORT, customer_mail, outbound_config};
use rapport_app::mailer::RetryPolicy;
use rapport_testkit::mailservers::{MailServers, SLOW_SMTP_SECONDS};
use rapport_transport::SmtpSender;
use std::time::{Duration, Instant};

const MAILS: usize = 8;

async fn a_slow_server_never_gets_a_mail_twice(h: &Harness, servers: &MailServers) {
    let tag = unique("slow");
    let mut tickets = Vec::new();
    for i in 0..MAILS {
        let raw = customer_mail(
            &format!("{tag}-{i}@customer.test"),
            &format!("{tag}-{i}@customer.test"),
            SUPPORT,
            "Where is my parcel?",
            "",
            "It has been a week.",
        );
        tickets.push(h.app.ingest_mail(&raw).await.unwrap().ticket().unwrap());
    }
    // A second server on the same database.
    let store = rapport_store::Store::open(&h.database_url).await.unwrap();
    let other = rapport_app::App::new(store, rapport_app::Blobs::in_memory(), outbound_config());
    // The lease outlasts one slow send but not the eight a batch would hold.
    let policy = RetryPolicy {
        lease: Duration::from_secs(3 * SLOW_SMTP_SECONDS),
        poll: Duration::from_millis(100),
        ..RetryPolicy::default()
    };
    let sender = SmtpSender::new(&servers.slow_smtp()).unwrap();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let workers = [
        tokio::spawn(h.app.clone().run_outbox(
            sender.clone(),
            "server-a".into(),
            policy.clone(),
            stopped.clone(),
        )),
        tokio::spawn(
            other
                .clone()
                .run_outbox(sender, "server-b".into(), policy.clone(), stopped),
        ),
    ];
    let deadline = Instant::now() + Duration::from_secs(60);
    let delivered = || {
        (0..MAILS)
            .map(|i| servers.delivered(&format!("{tag}-{i}")).len())
            .sum::<usize>()
    };
    while delivered() < MAILS && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Long enough for any lease still held to run out and be taken again.
    tokio::time::sleep(policy.lease + Duration::from_secs(1)).await;
    let _ = stop.send(true);
    for worker in workers {
        worker.await.unwrap();
    }
    for i in 0..MAILS {
        let local = format!("{tag}-{i}");
        assert_eq!(
            servers.delivered(&local).len(),
            1,
            "{local} delivered other than once; {}",
            servers.postfix_log()
        );
    }
    for ticket in tickets {
        let mail = h.store.outbox_for_ticket(ticket).await.unwrap();
        assert_eq!(mail.len(), 1);
        assert_eq!(
            (mail[0].status, mail[0].attempts),
            (rapport_app::OutboxStatus::Sent, 1),
            "{mail:?}"
        );
    }
    other.close().await;
}

crate::with_mail_servers!(a_slow_server_never_gets_a_mail_twice);
